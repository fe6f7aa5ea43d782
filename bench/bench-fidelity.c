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
 * First the model's charged costs are calibrated on the same python3, now
 * (`weft-cli calibrate`, into a private $XDG_CONFIG_HOME), so that both
 * sides pay this machine's prices of the moment.
 *
 *   bench-fidelity [PROFILE.json…]    (default: the profiles below)
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "weft-comparison.h"

#define REPEATS 5
#define PYTHON  "/usr/bin/python3"

typedef enum
{
  FIGURE_SPEEDUP,     /* the run's work over its wall time */
  FIGURE_LOST,        /* the first counter's lost share */
  FIGURE_GIL_WAIT,    /* the lanes' GIL waits over their waits and holds */
  FIGURE_NS_PER_OP,   /* the first counter's time per increment */
  FIGURE_TASK_GAP,    /* the median gap between a lane's consecutive tasks */
  FIGURE_START_UP,    /* the median, over lanes, of their first task's start */
  FIGURE_WALL,        /* the median run's wall time */
  FIGURE_LOCK_WAIT,   /* the time spent waiting for the most taken lock */
  FIGURE_N            /* a pair's: the difference of their figures, per unit */
} Figure;

typedef enum
{
  MODEL_AS_PROFILE,   /* the profile as it is */
  MODEL_AS_REAL,      /* with the GIL and the real Python's version: for threads
                       * that the profile runs without a GIL, which a real
                       * CPython with one cannot */
} ModelAs;

static const struct
{
  const char *concept;
  const char *profile;
  Figure      figure;
  ModelAs     as;
  const char *minus;      /* a pair: the figure is this profile's minus @minus's */
  double      per;        /* … divided by this (MB moved); 0: not divided */
  const char *python;     /* a real CPython other than PYTHON; skipped if absent */
} cases[] = {
  { "gil_cpu_threads_speedup", "02-gil-cpu-threads.json", FIGURE_SPEEDUP },
  { "gil_wait_share", "02-gil-cpu-threads.json", FIGURE_GIL_WAIT },
  { "race_threads_lost", "04-race-condition.json", FIGURE_LOST, MODEL_AS_REAL },
  { "race_threads_lost_3_9", "04-race-condition.json", FIGURE_LOST, MODEL_AS_REAL, .python = "3.9" },
  { "lock_fixes_race_lost", "05-lock-fixes-race.json", FIGURE_LOST },
  { "io_threads_overlap", "07-pool-with-failure.json", FIGURE_SPEEDUP, MODEL_AS_REAL },
  { "processes_speedup", "08-cpu-threads-vs-processes.json", FIGURE_SPEEDUP },
  { "race_processes_lost", "09-shared-memory-no-lock.json", FIGURE_LOST },
  { "lock_inner_loop_wait", "10-lock-in-inner-loop.json", FIGURE_LOCK_WAIT, MODEL_AS_REAL },
  { "lock_inner_loop_wall", "10-lock-in-inner-loop.json", FIGURE_WALL, MODEL_AS_REAL },
  { "manager_counter_lost", "11-manager-counter.json", FIGURE_LOST },
  { "manager_ns_per_op", "11-manager-counter.json", FIGURE_NS_PER_OP },
  { "shared_counter_ns_per_op", "11-shared-memory-counter.json", FIGURE_NS_PER_OP },
  { "pickling_ms_per_mb", "12-big-payloads.json", FIGURE_WALL, .minus = "12-pass-indices.json", .per = 16 * 4.194304 },
  { "dispatch_task_gap", "13-many-tiny-tasks.json", FIGURE_TASK_GAP },
  { "spawn_start", "14-start-spawn.json", FIGURE_START_UP },
  { "fork_start", "14-start-fork.json", FIGURE_START_UP },
  { "pipeline_overlap", "16-pipeline-sentinels.json", FIGURE_SPEEDUP, MODEL_AS_REAL },
  { "asyncio_waits_overlap", "17-many-waits-main-loop.json", FIGURE_SPEEDUP },
};

/* ---- figures from the median runs' traces ------------------------------- */

static WeftTraceModel *
median_model (WeftComparison *comparison,
              guint           row)
{
  WeftRun *run = weft_comparison_get_median_run (comparison, row);
  WeftCpythonRuntime *real = weft_comparison_get_median_real (comparison, row);

  return run != NULL ? weft_run_get_model (run) : weft_cpython_runtime_get_model (real);
}

static const WeftRunResult *
median_result (WeftComparison *comparison,
               guint           row)
{
  WeftRun *run = weft_comparison_get_median_run (comparison, row);
  WeftCpythonRuntime *real = weft_comparison_get_median_real (comparison, row);

  return run != NULL ? weft_run_get_result (run) : weft_cpython_runtime_get_result (real);
}

/* Over every lane of the row's median run */
static double
gil_wait_share (WeftTraceModel *model)
{
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

/* The lock taken most: the profile's, in a real run beside the
 * interpreter's own */
static WeftLockStats
most_taken_lock (WeftTraceModel *model)
{
  g_autofree guint32 *ids = NULL;
  guint n = 0;
  WeftLockStats best = { 0 };

  ids = weft_trace_model_list_objects (model, WEFT_OBJECT_LOCK, &n);
  for (guint i = 0; i < n; i++)
    {
      WeftLockStats stats;

      if (weft_trace_model_get_lock_stats (model, ids[i], &stats) && stats.acquisitions > best.acquisitions)
        best = stats;
    }
  return best;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static int
compare_starts (gconstpointer a,
                gconstpointer b)
{
  const WeftSpan *x = a, *y = b;

  return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

static double
median_of (GArray *values)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

/* A recorded thread's life is a running span too, with the top bit of its
 * id set (src/preload/weft-preload.c); a task's is a region's or the model's */
#define LIFE_TASK 0x80000000u

/* A lane's tasks, in order of their start: its running spans that are not
 * its threads' lives, at any depth (a recorded task is inside a life) */
static GArray *
lane_tasks (WeftLane *lane,
            guint64  *first)
{
  GArray *tasks = g_array_new (FALSE, FALSE, sizeof (WeftSpan));

  *first = G_MAXUINT64;
  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    for (guint j = 0; j < weft_lane_get_n_spans (lane, d); j++)
      {
        WeftSpan s;

        if (!weft_lane_get_span (lane, d, j, &s))
          continue;
        *first = MIN (*first, s.start_ns);
        if (s.state == WEFT_STATE_RUNNING && (s.object & LIFE_TASK) == 0)
          g_array_append_val (tasks, s);
      }
  g_array_sort (tasks, compare_starts);
  return tasks;
}

/* The latest first task of a lane: from then on every lane takes tasks */
static guint64
all_lanes_busy_ns (GPtrArray *lanes)
{
  guint64 latest = 0;

  for (guint i = 0; i < lanes->len; i++)
    {
      GArray *tasks = g_ptr_array_index (lanes, i);

      if (tasks->len > 0)
        latest = MAX (latest, g_array_index (tasks, WeftSpan, 0).start_ns);
    }
  return latest;
}

/* The gaps between a lane's consecutive tasks in µs, what the profile's
 * description points at, once every lane takes tasks (before that, while
 * spawned workers start, the first lanes up run tasks alone and their gaps
 * are a start-up's, not a dispatch's); or, with @start_up, in ms from the
 * lane's first span to its first task: the median of either over the lanes */
static double
lane_figure (WeftTraceModel *model,
             gboolean        start_up)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) lanes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GArray) firsts = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 steady;

  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      guint64 first;

      g_ptr_array_add (lanes, lane_tasks (weft_trace_model_get_lane (model, i), &first));
      g_array_append_val (firsts, first);
    }
  steady = all_lanes_busy_ns (lanes);
  for (guint i = 0; i < lanes->len; i++)
    {
      GArray *tasks = g_ptr_array_index (lanes, i);

      for (guint j = 0; j < tasks->len && (!start_up || j == 0); j++)
        {
          const WeftSpan *s = &g_array_index (tasks, WeftSpan, j);
          double v = start_up ? (double) (s->start_ns - g_array_index (firsts, guint64, i)) / 1e6
                     : j > 0 && (s - 1)->start_ns >= steady
                     ? ((double) s->start_ns - (double) (s - 1)->end_ns) / 1e3 : -1;

          if (v >= 0)
            g_array_append_val (values, v);
        }
    }
  return median_of (values);
}

static gboolean
figure_of (WeftComparison *comparison,
           guint           index,
           Figure          figure,
           double         *out)
{
  const WeftComparisonRow *row = weft_comparison_get_row (comparison, index);
  const WeftRunResult *result;

  if (row->error != NULL || row->repeats == 0)
    return FALSE;
  result = median_result (comparison, index);
  switch (figure)
    {
    case FIGURE_GIL_WAIT:
      *out = gil_wait_share (median_model (comparison, index));
      return *out > 0;
    case FIGURE_LOST:
      *out = row->lost_share;
      return row->has_lost;
    case FIGURE_NS_PER_OP:
      if (result->counters->len == 0)
        return FALSE;
      *out = g_array_index (result->counters, WeftCounterResult, 0).ns_per_op;
      return *out > 0;
    case FIGURE_TASK_GAP:
    case FIGURE_START_UP:
      *out = lane_figure (median_model (comparison, index), figure == FIGURE_START_UP);
      return *out > 0;
    case FIGURE_WALL:
      *out = row->wall_ns / 1e6;
      return *out > 0;
    case FIGURE_LOCK_WAIT:
      *out = most_taken_lock (median_model (comparison, index)).total_wait_ns / 1e6;
      return *out > 0;
    case FIGURE_SPEEDUP:
    default:
      *out = row->speedup;
      return row->speedup > 0;
    }
}

static const char *
figure_name (Figure figure)
{
  static const char * const names[] = {
    "speedup", "lost share", "GIL wait share", "ns per increment", "µs between tasks",
    "ms to a lane's first task", "ms of wall time", "ms waited for the lock", "ms of wall time more per MB moved",
  };

  return names[figure];
}

/* ---- running ------------------------------------------------------------- */

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;

  weft_comparison_run_finish (WEFT_COMPARISON (object), result, NULL);
  *done = TRUE;
}

/* The model beside @python on @path, five times each, alternating; %NULL
 * (and a `#` line) when either cannot run */
static WeftComparison *
compare (const char *concept,
         const char *path,
         ModelAs     as,
         const char *python)
{
  const char * const pythons[] = { python, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = weft_profile_new_from_file (path, &error);
  g_autoptr(WeftComparison) comparison = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autofree char *version = NULL;
  g_autofree char *found = NULL;
  gboolean done = FALSE;

  if (profile != NULL && as == MODEL_AS_REAL && (found = weft_cpython_runtime_find_python (python, &version, &error)))
    {
      guint major = 0, minor = 0;

      sscanf (version, "%u.%u", &major, &minor);
      profile->gil = TRUE;
      profile->python_version = major * 100 + minor;
    }
  if (profile != NULL && error == NULL)
    comparison = weft_comparison_new_runtimes (profile, REPEATS, TRUE, pythons, &error);
  if (comparison == NULL)
    {
      printf ("# %s: not measured: %s\n", concept, error->message);
      return NULL;
    }
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  weft_comparison_run_async (comparison, NULL, on_done, &done);
  while (!done)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  return g_steal_pointer (&comparison);
}

static gboolean
measure (const char     *concept,
         WeftComparison *comparison,
         Figure          figure,
         double         *model,
         double         *real)
{
  const WeftComparisonRow *m = weft_comparison_get_row (comparison, 0);
  const WeftComparisonRow *r = weft_comparison_get_row (comparison, 1);

  if (figure_of (comparison, 0, figure, model) && figure_of (comparison, 1, figure, real))
    return TRUE;
  printf ("# %s: not measured: %s\n", concept,
          m->error != NULL ? m->error : r->error != NULL ? r->error : "no figure");
  return FALSE;
}

static void
print_figures (const char     *concept,
               Figure          figure,
               WeftComparison *comparison,
               double          m,
               double          r)
{
  const WeftComparisonRow *real = weft_comparison_get_row (comparison, 1);

  printf ("# %s: %s model %.3f, real %.3f (%s), median of %u each\n", concept, figure_name (figure),
          m, r, real->label, real->repeats);
  if (r > 0)
    printf ("BENCH fidelity_%s %.3f x\n", concept, m / r);
  else
    {
      printf ("BENCH fidelity_%s_model %.3f share\n", concept, m);
      printf ("BENCH fidelity_%s_real %.3f share\n", concept, r);
    }
  fflush (stdout);
}

/* A Python named by its version ("3.9"): under pyenv, else on PATH */
static char *
find_version (const char *version)
{
  g_autofree char *name = g_strconcat ("python", version, NULL);
  g_autofree char *root = g_build_filename (g_get_home_dir (), ".pyenv", "versions", NULL);
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  char *found = NULL;
  const char *entry;

  while (found == NULL && dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (entry, version) && entry[strlen (version)] == '.')
      {
        found = g_build_filename (root, entry, "bin", "python3", NULL);
        if (!g_file_test (found, G_FILE_TEST_IS_EXECUTABLE))
          g_clear_pointer (&found, g_free);
      }
  return found != NULL ? found : g_find_program_in_path (name);
}

static void
run_case (guint i)
{
  g_autofree char *path = g_build_filename (WEFT_SOURCE_WORKLOADS, cases[i].profile, NULL);
  g_autofree char *python = cases[i].python != NULL ? find_version (cases[i].python) : g_strdup (PYTHON);
  g_autoptr(WeftComparison) comparison = NULL;
  g_autoptr(WeftComparison) minus = NULL;
  double m, r, m2, r2;

  if (python == NULL)
    {
      printf ("# %s: not measured: no CPython %s here\n", cases[i].concept, cases[i].python);
      return;
    }
  comparison = compare (cases[i].concept, path, cases[i].as, python);
  if (comparison == NULL || !measure (cases[i].concept, comparison, cases[i].figure, &m, &r))
    return;
  if (cases[i].minus != NULL)
    {
      g_autofree char *other = g_build_filename (WEFT_SOURCE_WORKLOADS, cases[i].minus, NULL);

      minus = compare (cases[i].concept, other, cases[i].as, python);
      if (minus == NULL || !measure (cases[i].concept, minus, cases[i].figure, &m2, &r2))
        return;
      printf ("# %s: %s minus %s, over %.1f\n", cases[i].concept, cases[i].profile, cases[i].minus, cases[i].per);
      m = (m - m2) / cases[i].per;
      r = (r - r2) / cases[i].per;
    }
  print_figures (cases[i].concept, cases[i].minus != NULL ? FIGURE_N : cases[i].figure, comparison, m, r);
}

/* This machine's costs of the moment, for the model's runs: written into
 * @dir, which becomes $XDG_CONFIG_HOME */
static void
calibrate (const char *dir)
{
  g_autofree char *out = NULL;
  const char *argv[] = { WEFT_CLI_PATH, "calibrate", "--python", PYTHON, NULL };
  int status = 0;

  g_setenv ("XDG_CONFIG_HOME", dir, TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    printf ("# calibration failed: the model charges the shipped defaults\n");
  else
    {
      g_auto(GStrv) lines = g_strsplit (g_strchomp (out), "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (!g_str_has_prefix (lines[i], "written"))
          printf ("# calibrated: %s\n", lines[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  /* the preload library of this build, as weft-cli finds its own */
  g_autofree char *dir = g_dir_make_tmp ("weft-bench-fidelity-XXXXXX", NULL);
  g_autofree char *weft = g_build_filename (dir, "weft", NULL);
  g_autofree char *file = g_build_filename (weft, "calibration.json", NULL);

  g_setenv ("WEFT_PRELOAD_PATH", WEFT_PRELOAD_BUILT, FALSE);
  calibrate (dir);
  printf ("# Weft's model against %s, alternating, %d runs of each\n", PYTHON, REPEATS);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean wanted = argc < 2;

      for (int a = 1; a < argc; a++)
        wanted |= g_str_equal (argv[a], cases[i].profile);
      if (wanted)
        run_case (i);
    }
  g_unlink (file);
  g_rmdir (weft);
  g_rmdir (dir);
  return 0;
}
