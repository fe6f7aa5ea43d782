/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Blocking calls the program times itself: a read that waits for another
 * thread's write (which comes after a nanosleep), a poll that times out, and
 * many quick writes to /dev/null that never block. Prints each blocking
 * call's CLOCK_MONOTONIC begin and end (ns), and the quick writes' fd. */

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int fds[2];
static uint64_t sleep_begin, sleep_end;

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void *
late_writer (void *data)
{
  struct timespec pause = { 0, 60 * 1000 * 1000 };

  sleep_begin = now_ns ();
  nanosleep (&pause, NULL);
  sleep_end = now_ns ();
  if (write (fds[1], "ready", 5) != 5)
    return NULL;
  return NULL;
}

int
main (void)
{
  pthread_t thread;
  char buf[16];
  uint64_t read_begin, read_end, poll_begin, poll_end;
  struct pollfd pfd;
  int null = open ("/dev/null", O_WRONLY);

  if (pipe (fds) != 0 || null < 0)
    return 1;
  pthread_create (&thread, NULL, late_writer, NULL);
  read_begin = now_ns ();
  if (read (fds[0], buf, sizeof buf) != 5)
    return 1;
  read_end = now_ns ();
  pthread_join (thread, NULL);

  pfd.fd = fds[0];
  pfd.events = POLLIN;
  poll_begin = now_ns ();
  poll (&pfd, 1, 40);
  poll_end = now_ns ();

  for (int i = 0; i < 2000; i++)
    if (write (null, "x", 1) != 1)
      return 1;

  printf ("read fd %d %llu %llu\n", fds[0], (unsigned long long) read_begin, (unsigned long long) read_end);
  printf ("poll %llu %llu\n", (unsigned long long) poll_begin, (unsigned long long) poll_end);
  printf ("sleep %llu %llu\n", (unsigned long long) sleep_begin, (unsigned long long) sleep_end);
  printf ("quick fd %d\n", null);
  return 0;
}
