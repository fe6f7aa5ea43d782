/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * How closely Weft's model agrees with real CPython, per concept: each
 * shipped profile below runs as a WeftComparison of two runtimes, Weft's
 * model and Debian's /usr/bin/python3 (the profile as real Python code,
 * docs/cpython-runtime.md), alternating model and real five times, and the
 * figure its description names is compared:
 *
 *   BENCH fidelity_<concept> <model figure / real figure> x
 *
 * with the two figures themselves on `#` lines. A figure that is zero for
 * real (no lost updates) has no ratio: both are printed as
 * `BENCH fidelity_<concept>_model|_real <value> share` instead.
 *
 *   bench-fidelity [PROFILE.json…]    (default: the profiles below)
 */

#include "config.h"

#include <stdio.h>

#include "weft-comparison.h"

#define REPEATS 5
#define PYTHON  "/usr/bin/python3"

typedef enum
{
  FIGURE_SPEEDUP,     /* the run's work over its wall time */
  FIGURE_LOST,        /* the first counter's lost share */
  FIGURE_GIL_WAIT,    /* the lanes' GIL waits over their waits and holds */
} Figure;

static const struct
{
  const char *concept;
  const char *profile;
  Figure      figure;
} cases[] = {
  { "gil_cpu_threads_speedup", "02-gil-cpu-threads.json", FIGURE_SPEEDUP },
  { "gil_wait_share", "02-gil-cpu-threads.json", FIGURE_GIL_WAIT },
  { "race_threads_lost", "04-race-condition.json", FIGURE_LOST },
  { "lock_fixes_race_lost", "05-lock-fixes-race.json", FIGURE_LOST },
  { "io_threads_overlap", "07-pool-with-failure.json", FIGURE_SPEEDUP },
  { "processes_speedup", "08-cpu-threads-vs-processes.json", FIGURE_SPEEDUP },
  { "race_processes_lost", "09-shared-memory-no-lock.json", FIGURE_LOST },
  { "manager_counter_lost", "11-manager-counter.json", FIGURE_LOST },
  { "spawn_start_speedup", "14-start-spawn.json", FIGURE_SPEEDUP },
  { "pipeline_overlap", "16-pipeline-sentinels.json", FIGURE_SPEEDUP },
  { "asyncio_waits_overlap", "17-many-waits-main-loop.json", FIGURE_SPEEDUP },
};

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;

  weft_comparison_run_finish (WEFT_COMPARISON (object), result, NULL);
  *done = TRUE;
}

/* Over every lane of the row's median run */
static double
gil_wait_share (WeftComparison *comparison,
                guint           row)
{
  WeftRun *run = weft_comparison_get_median_run (comparison, row);
  WeftCpythonRuntime *real = weft_comparison_get_median_real (comparison, row);
  WeftTraceModel *model = run != NULL ? weft_run_get_model (run) : weft_cpython_runtime_get_model (real);
  double wait = 0, held = 0;

  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLaneStats stats;

      if (!weft_trace_model_get_lane_stats (model, weft_lane_get_worker (weft_trace_model_get_lane (model, i)), &stats))
        continue;
      wait += stats.state_ns[WEFT_STATE_GIL_WAIT];
      held += stats.state_ns[WEFT_STATE_GIL_HELD];
    }
  return wait + held > 0 ? wait / (wait + held) : 0;
}

static gboolean
figure_of (WeftComparison *comparison,
           guint           index,
           Figure          figure,
           double         *out)
{
  const WeftComparisonRow *row = weft_comparison_get_row (comparison, index);

  if (row->error != NULL || row->repeats == 0)
    return FALSE;
  if (figure == FIGURE_GIL_WAIT)
    {
      *out = gil_wait_share (comparison, index);
      return *out > 0;
    }
  if (figure == FIGURE_LOST)
    {
      *out = row->lost_share;
      return row->has_lost;
    }
  *out = row->speedup;
  return row->speedup > 0;
}

static void
print_case (const char     *concept,
            Figure          figure,
            WeftComparison *comparison)
{
  const WeftComparisonRow *model = weft_comparison_get_row (comparison, 0);
  const WeftComparisonRow *real = weft_comparison_get_row (comparison, 1);
  const char *what = figure == FIGURE_LOST ? "lost share" : figure == FIGURE_GIL_WAIT ? "GIL wait share" : "speedup";
  double m, r;

  if (!figure_of (comparison, 0, figure, &m) || !figure_of (comparison, 1, figure, &r))
    {
      printf ("# %s: not measured: %s\n", concept,
              model->error != NULL ? model->error : real->error != NULL ? real->error : "no figure");
      return;
    }
  printf ("# %s: %s model %.3f (wall %.3f s), real %.3f (wall %.3f s), median of %u each\n", concept, what,
          m, model->wall_ns / 1e9, r, real->wall_ns / 1e9, real->repeats);
  if (r > 0)
    printf ("BENCH fidelity_%s %.3f x\n", concept, m / r);
  else
    {
      printf ("BENCH fidelity_%s_model %.3f share\n", concept, m);
      printf ("BENCH fidelity_%s_real %.3f share\n", concept, r);
    }
  fflush (stdout);
}

static void
run_case (const char *concept,
          const char *path,
          Figure      figure)
{
  const char * const pythons[] = { PYTHON, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = weft_profile_new_from_file (path, &error);
  g_autoptr(WeftComparison) comparison = NULL;
  g_autoptr(GMainContext) context = NULL;
  gboolean done = FALSE;

  if (profile != NULL)
    comparison = weft_comparison_new_runtimes (profile, REPEATS, TRUE, pythons, &error);
  if (comparison == NULL)
    {
      printf ("# %s: %s\n", concept, error->message);
      return;
    }
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  weft_comparison_run_async (comparison, NULL, on_done, &done);
  while (!done)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  print_case (concept, figure, comparison);
}

int
main (int   argc,
      char *argv[])
{
  /* the preload library of this build, as weft-cli finds its own */
  g_setenv ("WEFT_PRELOAD_PATH", WEFT_PRELOAD_BUILT, FALSE);
  printf ("# Weft's model against %s, alternating, %d runs of each\n", PYTHON, REPEATS);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (WEFT_SOURCE_WORKLOADS, cases[i].profile, NULL);
      gboolean wanted = argc < 2;

      for (int a = 1; a < argc; a++)
        wanted |= g_str_equal (argv[a], cases[i].profile);
      if (wanted)
        run_case (cases[i].concept, path, cases[i].figure);
    }
  return 0;
}
