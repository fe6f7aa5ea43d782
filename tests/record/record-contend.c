/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * A program for test-record: two threads take one mutex in turn, holding it
 * for a while of busy work, and write down (CLOCK_MONOTONIC ns) when each
 * lock call began and returned and when the unlock began, one line per round:
 * "thread begin end release". The
 * test compares the waits Weft recorded with these.
 */

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS 200

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t begins[2][ROUNDS], ends[2][ROUNDS], releases[2][ROUNDS];

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void
spin_for (uint64_t ns)
{
  uint64_t end = now_ns () + ns;

  while (now_ns () < end)
    ;
}

static void *
run (void *data)
{
  int self = (int) (intptr_t) data;

  for (int i = 0; i < ROUNDS; i++)
    {
      begins[self][i] = now_ns ();
      pthread_mutex_lock (&lock);
      ends[self][i] = now_ns ();
      spin_for (300000);
      releases[self][i] = now_ns ();
      pthread_mutex_unlock (&lock);
      spin_for (100000);
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  pthread_t threads[2];
  FILE *out;

  if (argc != 2)
    return 2;
  for (int i = 0; i < 2; i++)
    pthread_create (&threads[i], NULL, run, (void *) (intptr_t) i);
  for (int i = 0; i < 2; i++)
    pthread_join (threads[i], NULL);
  out = fopen (argv[1], "w");
  if (out == NULL)
    return 1;
  for (int t = 0; t < 2; t++)
    for (int i = 0; i < ROUNDS; i++)
      fprintf (out, "%d %llu %llu %llu\n", t, (unsigned long long) begins[t][i],
               (unsigned long long) ends[t][i], (unsigned long long) releases[t][i]);
  fclose (out);
  return 0;
}
