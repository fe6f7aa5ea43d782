/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * What recording costs a program (libweft-preload.so under weft-cli record):
 *
 *   preload_lock_ns          an uncontended pthread_mutex_lock + unlock pair,
 *                            recorded minus not recorded
 *   preload_event_ns         what recording a contended wait costs: the lookup
 *                            of its object and its two events (measured through
 *                            the library's marks, which record just that), in
 *                            bursts that weft-cli keeps up with
 *   preload_io_ns            a quick write(2) (to /dev/null), recorded minus
 *                            not: the timing every read, write, poll and sleep
 *                            pays to find out whether it blocked
 *   preload_flood_ns         the same back to back for seconds: weft-cli's
 *                            throughput (reading and modelling), which then
 *                            holds the writer back
 *   record_perturbation_pct  `xz -T2` on a fixed 8 MB file, recorded vs not:
 *                            wall time (the program and its recording, as a
 *                            user waits for it), median of alternating pairs
 *   record_perturbation_cpu_pct  the same in CPU time (the program's and
 *                            weft-cli's), which a loaded machine disturbs less
 *   record_perturbation_spread_pct  half the interquartile range of the
 *                            pairs' wall-time differences: what a figure
 *                            below it cannot tell from noise
 *
 * The program runs itself (--child) plainly and under `weft-cli record` and
 * compares; the lock figure is the best of several rounds.
 */

#include "config.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#define ROUNDS 5
#define LOCK_PAIRS 2000000
#define WAITS 1000000
#define IO_CALLS 200000

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

/* A quick system call (a byte to /dev/null): what timing it costs when it is
 * recorded, for it is not (it is far under the I/O threshold) */
static void
child_io (void)
{
  int null = open ("/dev/null", O_WRONLY);
  double best = G_MAXDOUBLE;

  for (int r = 0; r < ROUNDS; r++)
    {
      double t0 = now_s ();

      for (int i = 0; i < IO_CALLS; i++)
        if (write (null, "x", 1) != 1)
          exit (1);
      best = MIN (best, (now_s () - t0) / IO_CALLS * 1e9);
    }
  close (null);
  printf ("%.2f\n", best);
}

typedef uint32_t (*BeginFn) (const char *);
typedef void     (*EndFn)   (uint32_t);

#define BURST 1000
#define BURSTS 200

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The value at fraction @q (0..1) of @values, sorted in place */
static double
quantile (double *values,
          guint   n,
          double  q)
{
  double pos = q * (n - 1);
  guint lo = (guint) pos;

  qsort (values, n, sizeof *values, compare_doubles);
  if (lo + 1 >= n)
    return values[n - 1];
  return values[lo] + (values[lo + 1] - values[lo]) * (pos - lo);
}

/*
 * A recorded wait is an object lookup and two events (its begin and its
 * end) on the thread's writer; the library's marks do exactly that, with no
 * system call around them to hide the cost. A real wait's own cost (the
 * futex) is the program's, recorded or not.
 *
 * "event": in bursts of BURST waits with a pause between them, as a program
 * that waits a lot still does (each real wait blocks): the median burst's
 * cost per wait, which the writer's batched writes are part of. "flood":
 * waits back to back for seconds, faster than weft-cli can read and model
 * them; the writer then waits for room in the pipe, so this is the
 * collector's throughput, not the library's cost.
 */
static void
child_event (gboolean flood)
{
  BeginFn begin = (BeginFn) dlsym (RTLD_DEFAULT, "weft_record_begin");
  EndFn end = (EndFn) dlsym (RTLD_DEFAULT, "weft_record_end");
  static double per_wait[BURSTS];
  double best = G_MAXDOUBLE;

  if (begin == NULL || end == NULL)
    {
      printf ("0\n");
      return;
    }
  if (!flood)
    {
      for (int b = 0; b < BURSTS; b++)
        {
          double t0 = now_s ();

          for (int i = 0; i < BURST; i++)
            end (begin ("wait"));
          per_wait[b] = (now_s () - t0) / BURST * 1e9;
          g_usleep (2000);  /* weft-cli reads what the burst wrote */
        }
      printf ("%.2f\n", quantile (per_wait, BURSTS, 0.5));
      return;
    }
  for (int r = 0; r < 3; r++)
    {
      double t0 = now_s ();

      for (int i = 0; i < WAITS; i++)
        end (begin ("wait"));
      best = MIN (best, (now_s () - t0) / WAITS * 1e9);
    }
  printf ("%.2f\n", best);
}

/* ---- the parent ---------------------------------------------------------- */

/* Runs @argv (under `weft-cli record` if @recorded) to its end; its
 * stdout into @out, or to /dev/null for NULL */
static void
spawn (gboolean      recorded,
       const char  **argv,
       char        **out)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  GSpawnFlags flags = G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL;
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
  if (out == NULL)
    flags |= G_SPAWN_STDOUT_TO_DEV_NULL;
  if (!g_spawn_sync (NULL, (char **) args->pdata, NULL, flags, NULL, NULL, out, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_printerr ("bench-preload: %s failed\n", argv[0]);
      exit (1);
    }
}

/* What a --child run printed */
static double
run (gboolean     recorded,
     const char **argv)
{
  g_autofree char *out = NULL;

  spawn (recorded, argv, &out);
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

/* CPU time of every child waited for so far (weft-cli's includes the program's) */
static double
children_cpu_s (void)
{
  struct rusage ru;

  getrusage (RUSAGE_CHILDREN, &ru);
  return (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

/* One run of @argv, its output thrown away: wall and CPU seconds */
static void
time_run (gboolean     recorded,
          const char **argv,
          double      *wall_s,
          double      *cpu_s)
{
  double t0 = now_s (), c0 = children_cpu_s ();

  spawn (recorded, argv, NULL);
  *wall_s = now_s () - t0;
  *cpu_s = children_cpu_s () - c0;
}

#define PERTURBATION_PAIRS 7

/*
 * Recorded vs plain in pairs run back to back, which goes first alternating
 * (so a load that rises or falls during the pair favours neither), the
 * per-pair differences in per cent of the plain run; their median, and half
 * their interquartile range as the spread.
 */
static void
perturbation (const char **argv)
{
  double wall[PERTURBATION_PAIRS], cpu[PERTURBATION_PAIRS];

  for (guint i = 0; i < PERTURBATION_PAIRS; i++)
    {
      double pw = 0, pc = 0, rw = 0, rc = 0;

      if (i % 2 == 0)
        {
          time_run (FALSE, argv, &pw, &pc);
          time_run (TRUE, argv, &rw, &rc);
        }
      else
        {
          time_run (TRUE, argv, &rw, &rc);
          time_run (FALSE, argv, &pw, &pc);
        }
      wall[i] = (rw - pw) / pw * 100;
      cpu[i] = (rc - pc) / pc * 100;
      printf ("# pair %u: plain %.3f s (cpu %.3f s), recorded %.3f s (cpu %.3f s)\n", i, pw, pc, rw, rc);
    }
  printf ("BENCH record_perturbation_pct %.1f %%\n", quantile (wall, PERTURBATION_PAIRS, 0.5));
  printf ("BENCH record_perturbation_spread_pct %.1f %%\n",
          (quantile (wall, PERTURBATION_PAIRS, 0.75) - quantile (wall, PERTURBATION_PAIRS, 0.25)) / 2);
  printf ("BENCH record_perturbation_cpu_pct %.1f %%\n", quantile (cpu, PERTURBATION_PAIRS, 0.5));
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
  const char *flood_argv[] = { self, "--child", "flood", NULL };
  const char *io_argv[] = { self, "--child", "io", NULL };
  g_autofree char *dir = NULL;
  g_autofree char *input = NULL;

  if (argc == 3 && g_str_equal (argv[1], "--child"))
    {
      if (g_str_equal (argv[2], "lock"))
        child_lock ();
      else if (g_str_equal (argv[2], "io"))
        child_io ();
      else
        child_event (g_str_equal (argv[2], "flood"));
      return 0;
    }

  printf ("BENCH preload_lock_ns %.1f ns\n", best_difference (lock_argv));
  printf ("BENCH preload_event_ns %.1f ns\n", run (TRUE, event_argv));
  printf ("BENCH preload_flood_ns %.1f ns\n", run (TRUE, flood_argv));
  printf ("BENCH preload_io_ns %.1f ns\n", best_difference (io_argv));
  fflush (stdout);

  dir = g_dir_make_tmp ("weft-bench-preload-XXXXXX", NULL);
  input = make_input (dir);
  {
    const char *xz[] = { "xz", "-T2", "-3", "--block-size=1MiB", "-c", input, NULL };

    perturbation (xz);
  }
  g_unlink (input);
  g_rmdir (dir);
  return 0;
}
