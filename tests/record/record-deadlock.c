/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * A program for test-record: two threads take two mutexes in opposite
 * orders, each holding its first while the other takes its own (a barrier),
 * and deadlock. It prints "ready" once both wait, and stays so until killed.
 */

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;

static void *
a_then_b (void *data)
{
  pthread_mutex_lock (&lock_a);
  pthread_barrier_wait (&both_hold);
  pthread_mutex_lock (&lock_b);
  return NULL;
}

static void *
b_then_a (void *data)
{
  pthread_mutex_lock (&lock_b);
  pthread_barrier_wait (&both_hold);
  pthread_mutex_lock (&lock_a);
  return NULL;
}

int
main (void)
{
  pthread_t threads[2];

  pthread_barrier_init (&both_hold, NULL, 2);
  pthread_create (&threads[0], NULL, a_then_b, NULL);
  pthread_create (&threads[1], NULL, b_then_a, NULL);
  usleep (200 * 1000);
  printf ("ready\n");
  fflush (stdout);
  pthread_join (threads[0], NULL);
  return 0;
}
