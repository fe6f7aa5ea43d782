/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * What recording costs a program (libweft-preload.so under weft-cli record):
 *
 *   preload_lock_ns          an uncontended pthread_mutex_lock + unlock pair,
 *                            recorded minus not recorded
 *   preload_event_ns         what recording a contended wait costs: the lookup
 *                            of its object and its two events (measured through
 *                            the library's marks, which record just that)
 *   record_perturbation_pct  `xz -T2` on a fixed 8 MB file, recorded vs not
 *
 * The program runs itself (--child) plainly and under `weft-cli record` and
 * compares; each figure is the best of several rounds.
 */

#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <glib.h>
#include <glib/gstdio.h>

#define ROUNDS 5
#define LOCK_PAIRS 2000000
#define WAITS 1000000

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* ---- the child: measured inside the (maybe recorded) process ------------ */

static void
child_lock (void)
{
  static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  double best = G_MAXDOUBLE;

  for (int r = 0; r < ROUNDS; r++)
    {
      double t0 = now_s ();

      for (int i = 0; i < LOCK_PAIRS; i++)
        {
          pthread_mutex_lock (&m);
          pthread_mutex_unlock (&m);
        }
      best = MIN (best, (now_s () - t0) / LOCK_PAIRS * 1e9);
    }
  printf ("%.2f\n", best);
}

typedef uint32_t (*BeginFn) (const char *);
typedef void     (*EndFn)   (uint32_t);

static void
child_event (void)
{
  BeginFn begin = (BeginFn) dlsym (RTLD_DEFAULT, "weft_record_begin");
  EndFn end = (EndFn) dlsym (RTLD_DEFAULT, "weft_record_end");
  double best = G_MAXDOUBLE;

  /* A recorded wait is an object lookup and two events (its begin and its
   * end) on the thread's writer; the library's marks do exactly that, with
   * no system call around them to hide the cost. A real wait's own cost
   * (the futex) is the program's, recorded or not. */
  if (begin == NULL || end == NULL)
    {
      printf ("0\n");
      return;
    }
  for (int r = 0; r < ROUNDS; r++)
    {
      double t0 = now_s ();

      for (int i = 0; i < WAITS; i++)
        end (begin ("wait"));
      best = MIN (best, (now_s () - t0) / WAITS * 1e9);
    }
  printf ("%.2f\n", best);
}

/* ---- the parent ---------------------------------------------------------- */

static double
run (gboolean     recorded,
     const char **argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;
  int status = 0;

  if (recorded)
    {
      g_ptr_array_add (args, WEFT_CLI_PATH);
      g_ptr_array_add (args, "record");
      g_ptr_array_add (args, "--");
    }
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);
  if (!g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, NULL) || !g_spawn_check_wait_status (status, NULL))
    {
      g_printerr ("bench-preload: %s failed\n", argv[0]);
      exit (1);
    }
  return g_ascii_strtod (out, NULL);
}

/* Recorded minus plain, each the best of alternating runs (the machine is shared). */
static double
best_difference (const char **argv)
{
  double plain = G_MAXDOUBLE, recorded = G_MAXDOUBLE;

  for (int r = 0; r < 3; r++)
    {
      plain = MIN (plain, run (FALSE, argv));
      recorded = MIN (recorded, run (TRUE, argv));
    }
  return recorded - plain;
}

static double
wall_of (gboolean     recorded,
         const char **argv)
{
  double t0 = now_s ();

  run (recorded, argv);
  return now_s () - t0;
}

static char *
make_input (const char *dir)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char *path = g_build_filename (dir, "input.txt", NULL);
  guint32 x = 1;

  while (text->len < 8 * 1024 * 1024)
    {
      x = x * 1103515245u + 12345u;
      g_string_append_printf (text, "record %08x %u lorem ipsum dolor\n", x, x % 977);
    }
  g_file_set_contents (path, text->str, (gssize) text->len, NULL);
  return path;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *lock_argv[] = { self, "--child", "lock", NULL };
  const char *event_argv[] = { self, "--child", "event", NULL };
  g_autofree char *dir = NULL;
  g_autofree char *input = NULL;
  double plain = G_MAXDOUBLE, recorded = G_MAXDOUBLE;

  if (argc == 3 && g_str_equal (argv[1], "--child"))
    {
      if (g_str_equal (argv[2], "lock"))
        child_lock ();
      else
        child_event ();
      return 0;
    }

  printf ("BENCH preload_lock_ns %.1f ns\n", best_difference (lock_argv));
  printf ("BENCH preload_event_ns %.1f ns\n", run (TRUE, event_argv));
  fflush (stdout);

  dir = g_dir_make_tmp ("weft-bench-preload-XXXXXX", NULL);
  input = make_input (dir);
  {
    const char *xz[] = { "xz", "-T2", "-3", "--block-size=1MiB", "-c", input, NULL };

    for (int r = 0; r < 3; r++)
      {
        plain = MIN (plain, wall_of (FALSE, xz));
        recorded = MIN (recorded, wall_of (TRUE, xz));
      }
  }
  printf ("BENCH record_perturbation_pct %.1f %%\n", (recorded - plain) / plain * 100);
  g_unlink (input);
  g_rmdir (dir);
  return 0;
}
