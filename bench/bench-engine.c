/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * perturbation_pct: how much recording slows a run down. A CPU-bound GIL
 * profile (every switch is three events and a flush) runs with recording on
 * and off, alternately, and the medians of the wall times are compared;
 * perturbation_cpu_pct compares the tasks' CPU time, which is steadier on a
 * machine doing other things.
 *
 * process_task_us: what one tiny task costs on the process executor, from
 * the pool's dispatch to the worker's answer (two forked workers, 2,000
 * tasks of 10 µs of CPU): the round trip, the events and their writes.
 * task_begin_flush_us: what a worker process pays per task to write its
 * TASK_BEGIN at once (one more write of one record into a pipe).
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "weft-run.h"
#include "weft-wire-writer.h"

#define RUNS 7

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
run_once (const WeftProfile *profile,
          gboolean           record,
          double            *out_cpu_ms)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  WeftRunOptions options = WEFT_RUN_OPTIONS_INIT;
  g_autoptr(WeftRun) run = NULL;
  g_autoptr(GError) error = NULL;

  options.no_record = !record;
  run = weft_run_new (profile, &options);
  if (!weft_run_start (run, context, &error))
    g_error ("%s", error->message);
  weft_run_wait (run, context, NULL);
  *out_cpu_ms = weft_run_get_result (run)->work_ns / 1e6;
  return weft_run_get_result (run)->wall_ns / 1e6;
}

static gpointer
drain (gpointer data)
{
  char buf[4096];

  while (read (GPOINTER_TO_INT (data), buf, sizeof buf) > 0)
    ;
  return NULL;
}

/* One record, then a flush: the median over RUNS of 20,000 rounds, in µs. */
static double
task_begin_flush_us (void)
{
  double per_flush[RUNS];
  int fds[2];
  GThread *reader;

  if (pipe (fds) != 0)
    g_error ("pipe: %s", g_strerror (errno));
  reader = g_thread_new ("drain", drain, GINT_TO_POINTER (fds[0]));
  for (guint r = 0; r < RUNS; r++)
    {
      g_autoptr(WeftWireWriter) writer = weft_wire_writer_new (fds[1], 0);
      gint64 t0 = g_get_monotonic_time ();

      for (guint i = 0; i < 20000; i++)
        {
          weft_wire_writer_record (writer, WEFT_EVENT_TASK_BEGIN, i, 0, 0);
          weft_wire_writer_flush (writer);
        }
      per_flush[r] = (g_get_monotonic_time () - t0) / 20000.0;
    }
  close (fds[1]);
  g_thread_join (reader);
  close (fds[0]);
  qsort (per_flush, RUNS, sizeof per_flush[0], compare_double);
  return per_flush[RUNS / 2];
}

/* The median over RUNS of a run's tasks' wall time per task, in µs. */
static double
process_task_us (void)
{
  const char *json =
    "{ \"weft_profile\": 1, \"name\": \"tiny tasks\", \"executor\": \"processes\", \"workers\": 2,"
    "  \"start_method\": \"fork\","
    "  \"tasks\": [ { \"count\": 2000, \"steps\": [ { \"cpu\": { \"ms\": 0.01 } } ] } ] }";
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = weft_profile_new_from_data (json, -1, "bench", &error);
  double per_task[RUNS], ignored;

  if (profile == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < RUNS; i++)
    per_task[i] = run_once (profile, TRUE, &ignored) * 1e3 / 2000;
  qsort (per_task, RUNS, sizeof per_task[0], compare_double);
  return per_task[RUNS / 2];
}

int
main (int   argc,
      char *argv[])
{
  const char *json =
    "{ \"weft_profile\": 1, \"name\": \"cpu with a GIL\", \"workers\": 4, \"gil\": true,"
    "  \"tasks\": [ { \"count\": 8, \"steps\": [ { \"cpu\": { \"ms\": 50 } } ] } ] }";
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = weft_profile_new_from_data (json, -1, "bench", &error);
  double on[RUNS], off[RUNS], cpu_on[RUNS], cpu_off[RUNS], ignored;

  /* Writing to a pipe whose reader is gone (a dead worker) gives EPIPE, not death. */
  signal (SIGPIPE, SIG_IGN);
  if (profile == NULL)
    g_error ("%s", error->message);

  run_once (profile, TRUE, &ignored); /* warm up: calibration, page faults */
  for (guint i = 0; i < RUNS; i++)
    {
      on[i] = run_once (profile, TRUE, &cpu_on[i]);
      off[i] = run_once (profile, FALSE, &cpu_off[i]);
    }
  qsort (on, RUNS, sizeof on[0], compare_double);
  qsort (off, RUNS, sizeof off[0], compare_double);
  qsort (cpu_on, RUNS, sizeof on[0], compare_double);
  qsort (cpu_off, RUNS, sizeof off[0], compare_double);

  g_print ("BENCH run_ms_recording_on %.1f ms\n", on[RUNS / 2]);
  g_print ("BENCH run_ms_recording_off %.1f ms\n", off[RUNS / 2]);
  g_print ("BENCH perturbation_pct %.2f %%\n", 100.0 * (on[RUNS / 2] - off[RUNS / 2]) / off[RUNS / 2]);
  /* The tasks' own CPU time, which other load on the machine hardly moves. */
  g_print ("BENCH perturbation_cpu_pct %.2f %%\n",
           100.0 * (cpu_on[RUNS / 2] - cpu_off[RUNS / 2]) / cpu_off[RUNS / 2]);
  g_print ("BENCH process_task_us %.1f us\n", process_task_us ());
  g_print ("BENCH task_begin_flush_us %.2f us\n", task_begin_flush_us ());
  return 0;
}
