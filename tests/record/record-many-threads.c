/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A program for test-record: more threads over its run (one after another)
 * than the wire format has worker ids. */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void *
run (void *data)
{
  pthread_mutex_lock (&lock);
  total += (long) (size_t) data;
  pthread_mutex_unlock (&lock);
  return NULL;
}

int
main (int argc, char **argv)
{
  int n = argc > 1 ? atoi (argv[1]) : 5000;

  for (int i = 0; i < n; i++)
    {
      pthread_t t;

      if (pthread_create (&t, NULL, run, (void *) (size_t) 1) != 0)
        return 1;
      pthread_join (t, NULL);
    }
  printf ("%ld\n", total);
  return 0;
}
