/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two threads that name themselves with pthread_setname_np and one that
 * keeps the program's name; each prints its name and thread id, the main
 * thread its pid, so the test can find their lanes. */

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

static void *
work (void *arg)
{
  int n = (int) (intptr_t) arg;
  char name[32] = "";
  volatile unsigned long sum = 0;

  if (n > 0)
    {
      snprintf (name, 16, "decoder-%d", n % 100);
      pthread_setname_np (pthread_self (), name);
    }
  pthread_getname_np (pthread_self (), name, sizeof name);
  for (unsigned long i = 0; i < 2000000; i++)
    sum += i;
  pthread_mutex_lock (&print_lock);
  printf ("thread %s %ld\n", name, (long) syscall (SYS_gettid));
  pthread_mutex_unlock (&print_lock);
  return NULL;
}

int
main (void)
{
  pthread_t threads[3];

  printf ("main %d\n", (int) getpid ());
  fflush (stdout);
  for (int i = 0; i < 3; i++)
    pthread_create (&threads[i], NULL, work, (void *) (intptr_t) i);
  for (int i = 0; i < 3; i++)
    pthread_join (threads[i], NULL);
  return 0;
}
