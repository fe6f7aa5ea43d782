/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * perturbation_pct: how much recording slows a run down. A CPU-bound GIL
 * profile (every switch is three events and a flush) runs with recording on
 * and off, alternately, and the medians of the wall times are compared;
 * perturbation_cpu_pct compares the tasks' CPU time, which is steadier on a
 * machine doing other things.
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "weft-run.h"

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
  return 0;
}
