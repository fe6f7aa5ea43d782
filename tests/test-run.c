/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Runs of real profiles on real threads, checking each concept's point with
 * margins that hold on a busy 2-core machine.
 */

#include "config.h"

#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "weft-calibration.h"
#include "weft-gil.h"
#include "weft-loop-executor-private.h"
#include "weft-python-version.h"
#include "weft-trace-journal-private.h"
#include "weft-trace-model-private.h"
#include "weft-run.h"
#include "weft-summary.h"
#include "weft-test-run.h"
#include "weft-test-points.h"

/* The speedup two cores must give to parallel CPU work (concepts 3 and 8). */
#define PARALLEL_SPEEDUP 1.5

static double
wall_s (WeftRun *run)
{
  return weft_run_get_result (run)->wall_ns / 1e9;
}

/* The parallelism track's mean over the run: how many workers ran at once. */
static double
mean_parallelism (WeftTraceModel *model)
{
  const WeftCounterPoint *points;
  guint n;
  double area = 0;

  points = weft_test_points (weft_trace_model_get_parallelism (model), &n);
  g_assert_cmpuint (n, >=, 2);
  for (guint i = 0; i + 1 < n; i++)
    area += (double) points[i].value * (double) (points[i + 1].time_ns - points[i].time_ns);
  return area / (double) (points[n - 1].time_ns - points[0].time_ns);
}

/* From the first task's start to the last task's end: the run without the
 * workers' start-up, which a sanitizer build makes far slower than the work. */
static double
tasks_s (WeftRun *run)
{
  WeftTraceModel *model = weft_run_get_model (run);
  guint64 first = G_MAXUINT64, last = 0;

  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);

      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        for (guint k = 0; k < weft_lane_get_n_spans (lane, d); k++)
          {
            WeftSpan span;

            if (weft_lane_get_span (lane, d, k, &span) && span.state == WEFT_STATE_RUNNING)
              {
                first = MIN (first, span.start_ns);
                last = MAX (last, span.end_ns);
              }
          }
    }
  g_assert_cmpuint (last, >, first);
  return (last - first) / 1e9;
}

static const char *cpu_profile =
  "{ \"weft_profile\": 1, \"name\": \"cpu\", \"workers\": 4, \"switch_interval_ms\": 5,"
  "  \"tasks\": [ { \"name\": \"squares\", \"count\": 8, \"steps\": [ { \"cpu\": { \"ms\": 100 } } ] } ] }";

static guint64
parallelism_above (WeftTraceModel *model,
                   gint64          limit,
                   gint64         *out_max)
{
  const WeftCounterPoint *points;
  guint n;
  guint64 above = 0;

  points = weft_test_points (weft_trace_model_get_parallelism (model), &n);
  *out_max = 0;
  for (guint i = 0; i < n; i++)
    {
      *out_max = MAX (*out_max, points[i].value);
      if (i + 1 < n && points[i].value > limit)
        above += points[i + 1].time_ns - points[i].time_ns;
    }
  return above;
}

/* Concept 2 and 3: the GIL takes the speedup away; without it threads run in parallel. */
static void
test_gil_speedup (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (cpu_profile);
  WeftRunOptions serial = { WEFT_EXECUTOR_THREADS, 1, 0, FALSE };
  WeftRunOptions with_gil = { WEFT_EXECUTOR_THREADS, 4, 1, FALSE };
  WeftRunOptions no_gil = { WEFT_EXECUTOR_THREADS, 4, 0, FALSE };
  g_autoptr(WeftRun) r_gil = weft_test_run_to_end (profile, &with_gil);
  const WeftRunResult *gil_result = weft_run_get_result (r_gil);
  double s_gil, s_free = 0;
  WeftLockStats gil_stats;

  /* With the GIL: the tasks' CPU time over the wall time. Other load on the
   * machine only lowers this, so it is a fair upper bound of the speedup. */
  s_gil = (double) gil_result->work_ns / (double) gil_result->wall_ns;
  g_test_message ("GIL: %.3f s of work in %.3f s (%.2f×)",
                  gil_result->work_ns / 1e9, wall_s (r_gil), s_gil);
  g_assert_cmpfloat (s_gil, <=, 1.2);

  /* Without it: a serial run against a parallel one. That needs two free
   * cores; a passing load elsewhere (on this machine or its host) can take
   * one for several seconds (seen in CI-like runs: five attempts in a row),
   * so the best of eight. */
  for (guint attempt = 0; attempt < 8 && s_free < PARALLEL_SPEEDUP; attempt++)
    {
      g_autoptr(WeftRun) r_serial = weft_test_run_to_end (profile, &serial);
      g_autoptr(WeftRun) r_free = weft_test_run_to_end (profile, &no_gil);

      s_free = MAX (s_free, tasks_s (r_serial) / tasks_s (r_free));
      g_test_message ("serial %.3f s, no GIL %.3f s (%.2f×)",
                      tasks_s (r_serial), tasks_s (r_free), tasks_s (r_serial) / tasks_s (r_free));
    }
  g_assert_cmpfloat (s_free, >=, PARALLEL_SPEEDUP);

  /* Only one thread runs at a time: the parallelism track averages about 1,
   * and never reads more (a thread whose task has begun but who has not yet
   * asked for the GIL is not running beside its holder) */
  {
    gint64 max;
    guint64 above = parallelism_above (weft_run_get_model (r_gil), 1, &max);

    g_test_message ("GIL: mean parallelism %.2f, max %" G_GINT64_FORMAT ", %" G_GUINT64_FORMAT " ns above 1",
                    mean_parallelism (weft_run_get_model (r_gil)), max, above);
    g_assert_cmpfloat (mean_parallelism (weft_run_get_model (r_gil)), <=, 1.2);
    g_assert_cmpint (max, ==, 1);
  }

  /* The GIL's waits are on the timeline and in its statistics. */
  g_assert_true (weft_trace_model_get_lock_stats (weft_run_get_model (r_gil), WEFT_ARENA_GIL_ID, &gil_stats));
  g_assert_cmpuint (gil_stats.contended, >, 8);
  g_assert_cmpuint (gil_stats.total_wait_ns, >, 0);
  g_assert_cmpuint (gil_result->tasks_ok, ==, 8);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (weft_run_get_model (r_gil)), ==, 4);
}

static gint64
lost_updates (WeftRun *run)
{
  const WeftRunResult *result = weft_run_get_result (run);

  g_assert_cmpuint (result->counters->len, ==, 1);
  return g_array_index (result->counters, WeftCounterResult, 0).lost;
}

/* The timeline shows the race as it happens: the counter's value and its
 * lost updates are sampled during the increments (not only at their end),
 * the lost updates never fall below 0 and end at the run's own figure
 * (expected - actual), and the counter's last point is its final value (the
 * run closes both tracks with the figures it counted at the end). */
static void
assert_lost_track (WeftRun *run,
                   gint64   expected)
{
  WeftTraceModel *model = weft_run_get_model (run);
  const WeftCounterResult *c = &g_array_index (weft_run_get_result (run)->counters, WeftCounterResult, 0);
  const WeftCounterPoint *value, *lost;
  guint n_value = 0, n_lost = 0, n_early = 0;
  guint64 first_end = G_MAXUINT64;

  g_assert_cmpint (c->expected, ==, expected);
  g_assert_cmpstr (weft_trace_model_get_object_name (model, WEFT_ARENA_LOST_ID (0)), ==, "counter: lost updates");
  value = weft_test_points (weft_trace_model_get_counter (model, WEFT_ARENA_OBJECT_BASE), &n_value);
  lost = weft_test_points (weft_trace_model_get_counter (model, WEFT_ARENA_LOST_ID (0)), &n_lost);
  g_assert_nonnull (lost);
  g_assert_cmpuint (n_lost, >, 0);
  g_assert_cmpint (value[n_value - 1].value, ==, c->actual);
  g_assert_cmpint (lost[n_lost - 1].value, ==, c->lost);

  /* Points before the first task ended: during the run */
  for (guint w = 0; w < weft_trace_model_get_n_lanes (model); w++)
    {
      WeftSpan span;

      if (weft_lane_get_span (weft_trace_model_get_lane (model, w), 0, 0, &span))
        first_end = MIN (first_end, span.end_ns);
    }
  for (guint i = 0; i < n_lost; i++)
    {
      g_assert_cmpint (lost[i].value, >=, 0);
      g_assert_cmpint (lost[i].value, <=, expected);
      n_early += lost[i].time_ns < first_end;
    }
  g_test_message ("%s: %u counter points, %u lost-update points, %u before the first task ended, %"
                  G_GINT64_FORMAT " lost", weft_run_get_profile (run)->name,
                  n_value, n_lost, n_early, c->lost);
  if (c->lost > 0)
    {
      g_assert_cmpuint (n_value, >, (guint) (expected / 4096) / 2);
      g_assert_cmpuint (n_early, >=, 10);
    }
  else
    /* Nothing lost: the track says 0 once per worker and once as the run
     * ends, not once per increment */
    g_assert_cmpuint (n_lost, <=, 4 + 1);
}

/* Concept 4 and 5: an unlocked read-modify-write loses updates; a lock loses none. */
static void
test_race_and_lock (void)
{
  g_autoptr(WeftProfile) racy = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"race\", \"workers\": 4,"
    "  \"objects\": { \"counter\": { \"kind\": \"counter\" } },"
    "  \"tasks\": [ { \"count\": 4, \"steps\": [ { \"increment\": { \"counter\": \"counter\", \"times\": 400000 } } ] } ] }");
  g_autoptr(WeftProfile) locked = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"locked\", \"workers\": 4,"
    "  \"objects\": { \"counter\": { \"kind\": \"counter\" }, \"l\": { \"kind\": \"lock\" } },"
    "  \"tasks\": [ { \"count\": 4, \"steps\": [ { \"repeat\": { \"times\": 5000, \"steps\": ["
    "     { \"lock\": { \"name\": \"l\", \"steps\": [ { \"increment\": { \"counter\": \"counter\" } } ] } } ] } } ] } ] }");
  g_autoptr(WeftRun) r_racy = weft_test_run_to_end (racy, NULL);
  g_autoptr(WeftRun) r_locked = weft_test_run_to_end (locked, NULL);
  const WeftCounterResult *c = &g_array_index (weft_run_get_result (r_locked)->counters, WeftCounterResult, 0);
  WeftLockStats ls;

  g_test_message ("unlocked: %" G_GINT64_FORMAT " of 1600000 lost", lost_updates (r_racy));
  g_assert_cmpint (lost_updates (r_racy), >, 0);
  g_assert_cmpint (lost_updates (r_locked), ==, 0);
  g_assert_cmpint (c->expected, ==, 20000);
  g_assert_cmpint (c->actual, ==, 20000);

  g_assert_true (weft_trace_model_get_lock_stats (weft_run_get_model (r_locked),
                                                  WEFT_ARENA_OBJECT_BASE + 1, &ls));
  g_assert_cmpuint (ls.acquisitions, ==, 20000);

  assert_lost_track (r_racy, 1600000);
  assert_lost_track (r_locked, 20000);
}

/* Concept 5 with the GIL: a GIL holder that finds the lock taken releases the
 * GIL before it blocks (CPython's acquire_timed), so the lock's holder can take
 * the GIL and release the lock.  Before, asking who held the lock raced with
 * its release and the run hung until its timeout. */
static void
test_lock_with_gil (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"locked-gil\", \"workers\": 4, \"gil\": true,"
    "  \"switch_interval_ms\": 1, \"timeout_s\": 20,"
    "  \"objects\": { \"counter\": { \"kind\": \"counter\" }, \"l\": { \"kind\": \"lock\" } },"
    "  \"tasks\": [ { \"count\": 4, \"steps\": [ { \"repeat\": { \"times\": 20000, \"steps\": ["
    "     { \"lock\": { \"name\": \"l\", \"steps\": [ { \"increment\": { \"counter\": \"counter\" } } ] } } ] } } ] } ] }");

  for (guint attempt = 0; attempt < 5; attempt++)
    {
      g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
      const WeftRunResult *result = weft_run_get_result (run);

      g_assert_false (result->timed_out);
      g_assert_false (result->cancelled);
      g_assert_null (result->deadlock_text);
      g_assert_cmpuint (result->tasks_cancelled, ==, 0);
      g_assert_cmpint (lost_updates (run), ==, 0);
    }
}

/* A cycle through the GIL: worker 0 holds lock l and waits for the GIL,
 * worker 1 holds the GIL and blocks on l without dropping it (what do_lock
 * did before it tried the lock first). The engine no longer makes this
 * cycle, so the threads here make it with the GIL and the arena directly. */
typedef struct
{
  WeftArena *arena;
  WeftGil   *gil;
  gint       cancelled;
  gint       lock_held;   /* worker 0 holds l */
  gint       gil_held;    /* worker 1 holds the GIL */
  gboolean   took_gil;    /* worker 0's take, after the cancel */
} GilCycle;

static void
wait_flag (const gint *flag)
{
  gint64 give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!g_atomic_int_get (flag))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_usleep (1000);
    }
}

static gpointer
lock_then_gil (gpointer data)
{
  GilCycle *c = data;

  g_assert_true (weft_arena_lock (c->arena, 0, 0, NULL));
  g_atomic_int_set (&c->lock_held, 1);
  wait_flag (&c->gil_held);
  c->took_gil = weft_gil_take (c->gil, 0, NULL, &c->cancelled, FALSE, 0);
  weft_arena_unlock (c->arena, 0, 0, NULL);
  if (c->took_gil)
    weft_gil_drop (c->gil, 0, NULL, FALSE);
  return NULL;
}

static gpointer
gil_then_lock (gpointer data)
{
  GilCycle *c = data;

  g_assert_true (weft_gil_take (c->gil, 1, NULL, &c->cancelled, FALSE, 0));
  g_atomic_int_set (&c->gil_held, 1);
  wait_flag (&c->lock_held);
  /* gives up on the cancel, or gets l once worker 0 gave up and let it go */
  if (weft_arena_lock (c->arena, 0, 1, NULL))
    weft_arena_unlock (c->arena, 0, 1, NULL);
  weft_gil_drop (c->gil, 1, NULL, FALSE);
  return NULL;
}

static void
test_gil_in_wait_for_graph (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"gil-cycle\", \"workers\": 2, \"gil\": true,"
    "  \"objects\": { \"l\": { \"kind\": \"lock\" } },"
    "  \"tasks\": [ { \"steps\": [ { \"cpu\": { \"ms\": 1 } } ] } ] }");
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftArena) arena = weft_arena_new (profile, 2, &error);
  g_autoptr(WeftGil) gil = NULL;
  g_autoptr(GArray) cycle = NULL;
  GilCycle c = { 0 };
  GThread *a, *b;
  gint64 give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  const WeftWaitLink *links;

  g_assert_no_error (error);
  gil = weft_gil_new (1000000, arena);  /* a switch interval of 1 ms */
  c.arena = arena;
  c.gil = gil;
  a = g_thread_new ("lock-then-gil", lock_then_gil, &c);
  b = g_thread_new ("gil-then-lock", gil_then_lock, &c);

  /* Each holds one thing and nobody waits yet: no cycle. */
  wait_flag (&c.lock_held);
  wait_flag (&c.gil_held);

  while ((cycle = weft_arena_find_deadlock (arena)) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_usleep (1000);
    }

  /* From the lowest worker: 0 waits for the GIL, held by 1; 1 waits for l, held by 0. */
  g_assert_cmpuint (cycle->len, ==, 2);
  links = (const WeftWaitLink *) (gpointer) cycle->data;
  g_assert_cmpuint (links[0].worker, ==, 0);
  g_assert_cmpuint (links[0].object, ==, WEFT_ARENA_WAIT_GIL);
  g_assert_cmpuint (links[1].worker, ==, 1);
  g_assert_cmpuint (links[1].object, ==, 0);

  /* As a run's watchdog does: cancel. Worker 0's wait for the GIL gives up
   * (worker 1 could only drop it after worker 0 let l go). */
  g_atomic_int_set (&c.cancelled, 1);
  weft_arena_cancel (arena);
  g_thread_join (a);
  g_thread_join (b);
  g_assert_false (c.took_gil);
  g_assert_null (weft_arena_find_deadlock (arena));
}

/* Concept 4 under the GIL, by the CPython modelled: 3.9 may switch between
 * the read and the write of `counter += 1` (lost updates), 3.11 only at the
 * loop's backward jump (none lost, as real 3.10-3.13 lose none). */
static void
test_python_version_switch_points (void)
{
  static const char *versions[] = { "3.9", "3.11" };

  for (guint k = 0; k < G_N_ELEMENTS (versions); k++)
    {
      g_autofree char *json = g_strdup_printf (
        "{ \"weft_profile\": 1, \"name\": \"race-gil\", \"workers\": 4, \"gil\": true,"
        "  \"switch_interval_ms\": 1, \"python\": \"%s\","
        "  \"objects\": { \"counter\": { \"kind\": \"counter\" } },"
        "  \"tasks\": [ { \"count\": 4, \"steps\": [ { \"increment\": { \"counter\": \"counter\", \"times\": 250000 } } ] } ] }",
        versions[k]);
      g_autoptr(WeftProfile) profile = weft_test_profile_from (json);
      g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
      const WeftRunResult *result = weft_run_get_result (run);
      g_autoptr(WeftSummary) summary = weft_summary_new (weft_run_get_model (run), profile, result);
      g_autofree char *text = weft_summary_to_text (summary);
      g_autofree char *model_line = g_strdup_printf ("model     CPython %s:", versions[k]);
      gint64 lost = lost_updates (run);

      g_assert_cmpuint (result->python_version, ==, k == 0 ? 309 : 311);
      g_assert_cmpstr (weft_summary_get_python (summary), ==, versions[k]);
      g_assert_nonnull (strstr (text, model_line));
      g_assert_cmpuint (result->tasks_ok, ==, 4);
      if (k == 0)
        /* a switch tears an increment: the others' increments meanwhile are lost */
        g_assert_cmpint (lost, >, 1000);
      else
        g_assert_cmpint (lost, ==, 0);
    }
}

/* The run's option overrides the profile's version; without either, the
 * python3 on PATH (or 3.12) is modelled. */
static void
test_python_version_option (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"v\", \"workers\": 1, \"python\": \"3.9\","
    "  \"tasks\": [ { \"steps\": [ { \"cpu\": { \"ms\": 1 } } ] } ] }");
  g_autoptr(WeftProfile) plain = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"v\", \"workers\": 1,"
    "  \"tasks\": [ { \"steps\": [ { \"cpu\": { \"ms\": 1 } } ] } ] }");
  WeftRunOptions options = WEFT_RUN_OPTIONS_INIT;
  g_autoptr(WeftRun) with_option = NULL;
  g_autoptr(WeftRun) from_profile = weft_run_new (profile, NULL);
  g_autoptr(WeftRun) by_default = weft_run_new (plain, NULL);
  g_autofree char *out = NULL;
  const char *argv[] = { "python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])", NULL };
  guint expected = WEFT_PYTHON_VERSION_FALLBACK;

  g_assert_true (weft_python_version_parse ("3.13", &options.python_version));
  with_option = weft_run_new (profile, &options);
  g_assert_cmpuint (weft_run_get_result (with_option)->python_version, ==, 313);
  g_assert_cmpuint (weft_run_get_result (from_profile)->python_version, ==, 309);

  /* the test asks python3 itself, as the engine does */
  if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, &out, NULL, NULL, NULL) && out != NULL)
    {
      guint v;

      g_strstrip (out);
      if (weft_python_version_parse (out, &v))
        expected = v;
    }
  g_assert_cmpuint (weft_run_get_result (by_default)->python_version, ==, expected);
}

/* Spans of @state on every lane: how many, the shortest and the longest. */
static guint
state_spans (WeftTraceModel *model,
             WeftState       state,
             guint64        *out_min_ns,
             guint64        *out_max_ns,
             guint64        *out_sum_ns)
{
  guint n = 0;

  *out_min_ns = G_MAXUINT64;
  *out_max_ns = *out_sum_ns = 0;
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);

      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        for (guint k = 0; k < weft_lane_get_n_spans (lane, d); k++)
          {
            WeftSpan span;

            if (!weft_lane_get_span (lane, d, k, &span) || span.state != state)
              continue;
            n++;
            *out_min_ns = MIN (*out_min_ns, span.end_ns - span.start_ns);
            *out_max_ns = MAX (*out_max_ns, span.end_ns - span.start_ns);
            *out_sum_ns += span.end_ns - span.start_ns;
          }
    }
  return n;
}

/* The time in @state on the lanes named @name (@others: on every other
 * lane), and how many spans */
static double
lanes_state_ms (WeftTraceModel *model,
                const char     *name,
                gboolean        others,
                WeftState       state,
                guint          *out_n)
{
  guint64 ns = 0;

  *out_n = 0;
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);

      if (g_str_equal (weft_lane_get_name (lane), name) == others)
        continue;
      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        for (guint k = 0; k < weft_lane_get_n_spans (lane, d); k++)
          {
            WeftSpan span;

            if (!weft_lane_get_span (lane, d, k, &span) || span.state != state)
              continue;
            (*out_n)++;
            ns += span.end_ns - span.start_ns;
          }
    }
  return ns / 1e6;
}

/* A cost charged @n times on each side: @handler_ms each in the pool's
 * handler (the parent), @worker_ms each in the workers */
static void
assert_split (WeftRun   *run,
              WeftState  state,
              guint      n,
              double     handler_ms,
              double     worker_ms)
{
  WeftTraceModel *model = weft_run_get_model (run);
  guint n_handler, n_workers;
  double in_handler = lanes_state_ms (model, "pool handler", FALSE, state, &n_handler);
  double in_workers = lanes_state_ms (model, "pool handler", TRUE, state, &n_workers);

  g_test_message ("%s: %.1f ms in %u spans in the pool handler, %.1f ms in %u in the workers",
                  weft_state_to_nick (state), in_handler, n_handler, in_workers, n_workers);
  g_assert_cmpuint (n_handler, ==, n);
  g_assert_cmpuint (n_workers, ==, n);
  g_assert_cmpfloat (in_handler, >=, 0.9 * n * handler_ms);
  g_assert_cmpfloat (in_workers, >=, 0.9 * n * worker_ms);
}

/* The earliest start of a span of @state, over every lane and depth, or of
 * any span when @state is WEFT_N_STATES */
static guint64
first_start (WeftTraceModel *model,
             WeftState       state)
{
  guint64 first = G_MAXUINT64;

  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);

      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        for (guint k = 0; k < weft_lane_get_n_spans (lane, d); k++)
          {
            WeftSpan span;

            if (weft_lane_get_span (lane, d, k, &span) && (state == WEFT_N_STATES || span.state == state))
              first = MIN (first, span.start_ns);
          }
    }
  return first;
}

/* Checks one charged cost: @n spans, each at least the charged CPU work
 * (a span is wall time, never shorter) and within an order of magnitude
 * of it on a loaded machine. The summary counts the spans' time less the
 * waits for a core nested in them: about the CPU time, never less than the
 * work charged. */
static void
assert_charged (WeftRun    *run,
                WeftState   state,
                guint       n,
                double      each_ms)
{
  g_autoptr(WeftSummary) summary = weft_summary_new (weft_run_get_model (run), weft_run_get_profile (run),
                                                     weft_run_get_result (run));
  guint64 min_ns, max_ns, sum_ns;
  guint got = state_spans (weft_run_get_model (run), state, &min_ns, &max_ns, &sum_ns);

  g_test_message ("%s: %u spans, %.2f-%.2f ms (charged %.2f ms each)", weft_state_to_nick (state),
                  got, got ? min_ns / 1e6 : 0, max_ns / 1e6, each_ms);
  g_assert_cmpuint (got, ==, n);
  g_assert_cmpuint (weft_summary_get_charged_ns (summary, state), <=, sum_ns);
  if (n == 0)
    {
      g_assert_cmpuint (weft_summary_get_charged_ns (summary, state), ==, 0);
      return;
    }
  g_assert_cmpfloat (weft_summary_get_charged_ns (summary, state) / 1e6, >=, 0.9 * n * each_ms);
  g_assert_cmpfloat (min_ns / 1e6, >=, 0.9 * each_ms);
  g_assert_cmpfloat (max_ns / 1e6, <, 50 * each_ms);
}

/* The costs of CPython's multiprocessing, from a calibration file, charged
 * as work and drawn as their own states: the interpreter's start-up in each
 * spawned worker (not in a forked one), a dispatch per task, pickling per
 * byte of payload and per queue message (half a message on each side), and
 * per call of a manager (half in the client, half in the manager). */
static void
test_charged_costs (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-calibration-XXXXXX", NULL);
  g_autofree char *weft_dir = g_build_filename (dir, "weft", NULL);
  g_autofree char *file = g_build_filename (weft_dir, "calibration.json", NULL);
  g_autoptr(WeftProfile) spawn = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"costs\", \"executor\": \"processes\", \"workers\": 2,"
    "  \"tasks\": [ { \"count\": 4, \"steps\": [ { \"transfer\": { \"bytes\": 500000 } }, { \"cpu\": { \"ms\": 1 } } ] } ] }");
  g_autoptr(WeftProfile) fork = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"costs\", \"executor\": \"processes\", \"workers\": 2,"
    "  \"start_method\": \"fork\", \"tasks\": [ { \"count\": 3, \"steps\": [ { \"cpu\": { \"ms\": 1 } } ] } ] }");
  /* a message each way: put (pickling, 5 ms of the 10 ms message), then get (unpickling) */
  g_autoptr(WeftProfile) messages = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"costs\", \"executor\": \"processes\", \"workers\": 1,"
    "  \"start_method\": \"fork\", \"objects\": { \"q\": { \"kind\": \"queue\" } },"
    "  \"tasks\": [ { \"count\": 2, \"steps\": [ { \"put\": { \"queue\": \"q\" } }, { \"get\": { \"queue\": \"q\" } } ] } ] }");
  /* five `+=` through a manager: ten calls, 2 ms each */
  g_autoptr(WeftProfile) manager = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"costs\", \"executor\": \"processes\", \"workers\": 1,"
    "  \"start_method\": \"fork\", \"objects\": { \"c\": { \"kind\": \"counter\", \"backend\": \"manager\" } },"
    "  \"tasks\": [ { \"steps\": [ { \"increment\": { \"counter\": \"c\", \"times\": 5 } } ] } ] }");
  g_autoptr(WeftRun) managed = NULL;
  g_autoptr(WeftRun) messaged = NULL;
  g_autoptr(WeftRun) spawned = NULL;
  g_autoptr(WeftRun) forked = NULL;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir (weft_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file,
    "{ \"python\": \"test\", \"spawn_start_ms\": 60, \"fork_start_ms\": 20, \"dispatch_us\": 3000,"
    "  \"dispatch_parent_us\": 4000, \"pickle_ms_per_mb\": 40, \"unpickle_share\": 0.75,"
    "  \"pickle_object_us\": 2, \"pipe_message_us\": 10000, \"manager_call_us\": 2000 }", -1, NULL));

  /* The workers read the file; this process never does. The variable
   * stays (unsetenv is not safe with threads): later runs find no file
   * there and charge the shipped defaults, as without a calibration. */
  g_setenv ("XDG_CONFIG_HOME", dir, TRUE);
  spawned = weft_test_run_to_end (spawn, NULL);
  forked = weft_test_run_to_end (fork, NULL);
  messaged = weft_test_run_to_end (messages, NULL);
  managed = weft_test_run_to_end (manager, NULL);

  g_assert_cmpuint (weft_run_get_result (spawned)->tasks_ok, ==, 4);
  assert_charged (spawned, WEFT_STATE_INTERPRETER_START, 2, 60);
  /* per task: 3 ms in the worker, 4 ms in the pool's handler; of 20 ms of
   * pickling, 15 ms unpickling in the worker and 5 ms in the handler */
  assert_charged (spawned, WEFT_STATE_DISPATCH, 8, 3);
  assert_split (spawned, WEFT_STATE_DISPATCH, 4, 4, 3);
  assert_charged (spawned, WEFT_STATE_PICKLING, 8, 40 * 0.5 * 0.25);
  assert_split (spawned, WEFT_STATE_PICKLING, 4, 40 * 0.5 * 0.25, 40 * 0.5 * 0.75);

  g_assert_cmpuint (weft_run_get_result (forked)->tasks_ok, ==, 3);
  /* the two forks, 20 ms each, one after the other, as Process.start()
   * makes them; then the first task, as a Pool hands out none before */
  g_assert_cmpfloat ((first_start (weft_run_get_model (forked), WEFT_STATE_RUNNING) -
                      first_start (weft_run_get_model (forked), WEFT_N_STATES)) / 1e6, >=, 0.9 * 2 * 20);
  /* each worker's start begins with its own fork, 20 ms after the other's
   * began: the wait for the first fork is not the second worker's start */
  {
    WeftTraceModel *model = weft_run_get_model (forked);
    WeftSpan a, b;

    g_assert_true (weft_lane_get_span (weft_trace_model_get_lane (model, 0), 0, 0, &a));
    g_assert_true (weft_lane_get_span (weft_trace_model_get_lane (model, 1), 0, 0, &b));
    g_assert_cmpint (a.state, ==, WEFT_STATE_STARTING);
    g_assert_cmpint (b.state, ==, WEFT_STATE_STARTING);
    g_assert_cmpfloat (ABS ((double) b.start_ns - (double) a.start_ns) / 1e6, >=, 0.9 * 20);
  }
  assert_charged (forked, WEFT_STATE_INTERPRETER_START, 0, 0);
  assert_charged (forked, WEFT_STATE_DISPATCH, 6, 3);
  assert_charged (forked, WEFT_STATE_PICKLING, 0, 0);

  g_assert_cmpuint (weft_run_get_result (messaged)->tasks_ok, ==, 2);
  assert_charged (messaged, WEFT_STATE_PICKLING, 4, 5);

  g_assert_cmpuint (weft_run_get_result (managed)->tasks_ok, ==, 1);
  assert_charged (managed, WEFT_STATE_PICKLING, 20, 1);
  {
    WeftTraceModel *model = weft_run_get_model (managed);
    /* after the worker's lane, then the pool handler's */
    WeftLane *lane = weft_trace_model_get_lane (model, 1);
    WeftLaneStats stats;

    /* half of them on the manager's lane, inside its requests' I/O spans */
    g_assert_cmpstr (weft_lane_get_name (lane), ==, "manager");
    g_assert_true (weft_trace_model_get_lane_stats (model, weft_lane_get_worker (lane), &stats));
    g_assert_cmpfloat (stats.state_ns[WEFT_STATE_PICKLING] / 1e6, >=, 0.9 * 10);
  }

  g_assert_cmpint (g_remove (file), ==, 0);
  g_assert_cmpint (g_rmdir (weft_dir), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A calibration file: read back as written; a missing figure, one out of
 * its range, or text that is not JSON is one message naming the file. */
static void
test_calibration_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-calibration-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "calibration.json", NULL);
  const WeftCalibration *defaults = weft_calibration_get_defaults ();
  g_autofree char *json = weft_calibration_to_json (defaults);
  g_autoptr(WeftCalibration) back = NULL;
  const struct { const char *text; const char *message; } bad[] = {
    { "{ \"python\": \"x\", \"spawn_start_ms\": 1 }", "\"fork_start_ms\": expected a number" },
    { "{ \"spawn_start_ms\": 0, \"fork_start_ms\": 1, \"dispatch_us\": 1, \"pickle_ms_per_mb\": 1,"
      "  \"pickle_object_us\": 1, \"pipe_message_us\": 1 }",
      "\"spawn_start_ms\": expected a number above 0 and at most 60000, got 0" },
    { "[1, 2]", "expected an object of figures, as `weft-cli calibrate` writes" },
    { "{ nonsense", NULL },
  };

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  back = weft_calibration_load (path, NULL);
  g_assert_nonnull (back);
  g_assert_cmpfloat (back->spawn_start_ms, ==, defaults->spawn_start_ms);
  g_assert_cmpfloat (back->dispatch_us, ==, defaults->dispatch_us);
  g_assert_cmpfloat (back->pickle_ms_per_mb, ==, defaults->pickle_ms_per_mb);
  g_assert_cmpfloat (back->pipe_message_us, ==, defaults->pipe_message_us);
  g_assert_cmpfloat (back->manager_call_us, ==, defaults->manager_call_us);
  g_assert_cmpstr (back->python, ==, defaults->python);
  g_clear_pointer (&back, weft_calibration_free);

  /* a file written before the manager's figure was measured: its default */
  g_assert_true (g_file_set_contents (path,
    "{ \"python\": \"x\", \"spawn_start_ms\": 1, \"fork_start_ms\": 1, \"dispatch_us\": 1,"
    "  \"pickle_ms_per_mb\": 1, \"pickle_object_us\": 1, \"pipe_message_us\": 1 }", -1, NULL));
  back = weft_calibration_load (path, NULL);
  g_assert_nonnull (back);
  g_assert_cmpfloat (back->spawn_start_ms, ==, 1);
  g_assert_cmpfloat (back->manager_call_us, ==, defaults->manager_call_us);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WeftCalibration) cal = NULL;
      g_autofree char *want = g_strconcat (path, ": ", bad[i].message, NULL);

      g_assert_true (g_file_set_contents (path, bad[i].text, -1, NULL));
      cal = weft_calibration_load (path, &error);
      g_assert_null (cal);
      g_assert_error (error, WEFT_CALIBRATION_ERROR, WEFT_CALIBRATION_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, path));
      if (bad[i].message != NULL)
        g_assert_cmpstr (error->message, ==, want);
    }
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Concept 22: opposite lock order deadlocks; the cycle is reported and the run stops. */
static void
test_deadlock (void)
{
  /* Each task holds its first lock before either takes its second: the
   * queues make the two meet, so the deadlock happens on every run. */
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"deadlock\", \"workers\": 2,"
    "  \"objects\": { \"a\": { \"kind\": \"lock\" }, \"b\": { \"kind\": \"lock\" },"
    "                 \"qa\": { \"kind\": \"queue\", \"capacity\": 1 }, \"qb\": { \"kind\": \"queue\", \"capacity\": 1 } },"
    "  \"tasks\": ["
    "    { \"steps\": [ { \"lock\": { \"name\": \"a\", \"steps\": [ { \"put\": { \"queue\": \"qa\" } },"
    "                     { \"get\": { \"queue\": \"qb\" } }, { \"lock\": { \"name\": \"b\", \"steps\": [] } } ] } } ] },"
    "    { \"steps\": [ { \"lock\": { \"name\": \"b\", \"steps\": [ { \"put\": { \"queue\": \"qb\" } },"
    "                     { \"get\": { \"queue\": \"qa\" } }, { \"lock\": { \"name\": \"a\", \"steps\": [] } } ] } } ] } ] }");
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  const WeftRunResult *result = weft_run_get_result (run);
  g_autoptr(JsonNode) summary = weft_summary_build (weft_run_get_model (run), profile, result);
  JsonObject *deadlock;

  g_assert_cmpuint (result->deadlock->len, ==, 2);
  g_assert_true (result->cancelled);
  /* which worker took which task is up to the scheduler; the workers are
   * named as their lanes are */
  if (g_strcmp0 (result->deadlock_text,
                 "thread 0 waits for b, held by thread 1; thread 1 waits for a, held by thread 0") != 0)
    g_assert_cmpstr (result->deadlock_text, ==,
                     "thread 0 waits for a, held by thread 1; thread 1 waits for b, held by thread 0");
  g_assert_cmpuint (result->tasks_cancelled, ==, 2);

  deadlock = json_object_get_object_member (json_node_get_object (summary), "deadlock");
  g_assert_nonnull (deadlock);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (deadlock, "cycle")), ==, 2);
}

static gboolean
cancel_soon (gpointer data)
{
  weft_run_cancel (data);
  return G_SOURCE_REMOVE;
}

/* Cancel stops every worker, even mid-wait, within 500 ms. */
static void
test_cancel (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"long\", \"workers\": 3,"
    "  \"objects\": { \"q\": { \"kind\": \"queue\", \"capacity\": 1 }, \"l\": { \"kind\": \"lock\" } },"
    "  \"tasks\": [ { \"count\": 2, \"steps\": [ { \"io\": { \"ms\": 20000, \"blocking\": true } } ] },"
    "               { \"steps\": [ { \"get\": { \"queue\": \"q\" } } ] },"
    "               { \"count\": 3, \"steps\": [ { \"cpu\": { \"ms\": 20000 } } ] } ] }");
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(WeftRun) run = weft_run_new (profile, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSource) timer = g_timeout_source_new (100);
  gint64 cancelled_at;

  g_assert_true (weft_run_start (run, context, &error));
  g_source_set_callback (timer, cancel_soon, run, NULL);
  g_source_attach (timer, context);
  while (!weft_run_get_result (run)->cancelled)
    g_main_context_iteration (context, TRUE);
  cancelled_at = g_get_monotonic_time ();
  while (!weft_run_get_finished (run))
    g_main_context_iteration (context, TRUE);

  g_test_message ("finished %.0f ms after cancel", (g_get_monotonic_time () - cancelled_at) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 500 * 1000);
  g_assert_cmpuint (weft_run_get_result (run)->tasks_cancelled, ==, 3);
  g_assert_cmpuint (weft_run_get_result (run)->tasks_not_started, ==, 3);
}

/* Concept 7: a failing task is reported and the others' results are kept. */
static void
test_failure_kept_apart (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"pool\", \"workers\": 2,"
    "  \"tasks\": [ { \"name\": \"small\", \"count\": 5, \"steps\": [ { \"cpu\": { \"ms\": 2 } } ] },"
    "               { \"name\": \"bad\", \"steps\": [ { \"cpu\": { \"ms\": 1 } }, { \"fail\": { \"message\": \"division by zero\" } } ] },"
    "               { \"name\": \"big\", \"count\": 2, \"steps\": [ { \"cpu\": { \"ms\": 10 } } ] } ] }");
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  const WeftRunResult *result = weft_run_get_result (run);
  WeftRunStats rs;
  guint64 failed = 0;

  g_assert_cmpuint (result->tasks_ok, ==, 7);
  g_assert_cmpuint (result->tasks_failed, ==, 1);
  g_assert_cmpuint (result->errors->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (result->errors, 0), ==, "task bad #1 failed: division by zero");
  g_assert_false (result->cancelled);

  weft_trace_model_get_run_stats (weft_run_get_model (run), &rs);
  for (guint w = 0; w < 2; w++)
    {
      WeftLaneStats ls;

      g_assert_true (weft_trace_model_get_lane_stats (weft_run_get_model (run), w, &ls));
      failed += ls.tasks_failed;
    }
  g_assert_cmpuint (failed, ==, 1);

  /* The model knows what the failed task raised, and only for it; its
   * journal carries it into a replayed model */
  {
    WeftTraceModel *model = weft_run_get_model (run);
    g_autoptr(WeftTraceModel) back = weft_trace_model_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) journal = NULL;
    guint n_failed = 0;

    for (guint w = 0; w < weft_trace_model_get_n_lanes (model); w++)
      {
        WeftLane *lane = weft_trace_model_get_lane (model, w);
        guint n = weft_lane_get_n_spans (lane, 0);

        for (guint i = 0; i < n; i++)
          {
            WeftSpan span;
            const char *e;

            g_assert_true (weft_lane_get_span (lane, 0, i, &span));
            e = weft_trace_model_get_task_error (model, span.object);
            if (span.flags & WEFT_SPAN_TASK_FAILED)
              {
                g_assert_cmpstr (e, ==, "division by zero");
                n_failed++;
              }
            else
              g_assert_null (e);
          }
      }
    g_assert_cmpuint (n_failed, ==, 1);
    journal = _weft_trace_model_dup_journal (model);
    g_assert_true (_weft_trace_journal_replay (g_bytes_get_data (journal, NULL), g_bytes_get_size (journal),
                                               back, &error));
    g_assert_no_error (error);
    for (guint32 id = 0x100000; id < 0x100000 + 8; id++)
      g_assert_cmpstr (weft_trace_model_get_task_error (back, id), ==,
                       weft_trace_model_get_task_error (model, id));
  }
}

/* Concept 20: in a task group, one failure cancels the siblings at once. */
static void
test_cancel_on_error (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"group\", \"workers\": 4, \"cancel_on_error\": true,"
    "  \"tasks\": [ { \"name\": \"sibling\", \"count\": 3, \"steps\": [ { \"io\": { \"ms\": 10000, \"blocking\": true } } ] },"
    "               { \"name\": \"bad\", \"steps\": [ { \"io\": { \"ms\": 50, \"blocking\": true } }, { \"fail\": { \"message\": \"boom\" } } ] } ] }");
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  const WeftRunResult *result = weft_run_get_result (run);

  g_assert_cmpuint (result->tasks_failed, ==, 1);
  g_assert_cmpuint (result->tasks_cancelled, ==, 3);
  g_assert_cmpuint (result->tasks_ok, ==, 0);
  g_assert_cmpfloat (wall_s (run), <, 5.0);
}

/* Concept 6: producers and consumers on a bounded queue. */
static void
test_queue (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"queue\", \"workers\": 4,"
    "  \"objects\": { \"jobs\": { \"kind\": \"queue\", \"capacity\": 4 } },"
    "  \"tasks\": [ { \"name\": \"producer\", \"count\": 2, \"steps\": [ { \"repeat\": { \"times\": 50, \"steps\": ["
    "                   { \"cpu\": { \"ms\": 0.1 } }, { \"put\": { \"queue\": \"jobs\" } } ] } } ] },"
    "               { \"name\": \"consumer\", \"count\": 2, \"steps\": [ { \"repeat\": { \"times\": 50, \"steps\": ["
    "                   { \"get\": { \"queue\": \"jobs\" } }, { \"cpu\": { \"ms\": 0.3 } } ] } } ] } ] }");
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  WeftQueueStats qs;
  guint n_flows = 0;

  g_assert_cmpuint (weft_run_get_result (run)->tasks_ok, ==, 4);
  g_assert_true (weft_trace_model_get_queue_stats (weft_run_get_model (run), WEFT_ARENA_OBJECT_BASE, &qs));
  g_assert_cmpuint (qs.puts, ==, 100);
  g_assert_cmpuint (qs.gets, ==, 100);
  g_assert_cmpint (qs.max_depth, <=, 4);
  g_assert_cmpint (qs.max_depth, >=, 1);
  weft_test_flows (weft_trace_model_get_flows (weft_run_get_model (run)), &n_flows);
  g_assert_cmpuint (n_flows, >=, 100);
}

/* Checks every put/get wait on @queue against its depth counter: a get
 * waits only while the depth is 0, a put only while it is @capacity.
 * Returns the waits seen, and their total in @out_ns. */
static guint
check_queue_waits (WeftTraceModel *model,
                   guint32         queue,
                   gint64          capacity,
                   guint64        *out_ns)
{
  const WeftCounterTrack *track = weft_trace_model_get_counter (model, queue);
  guint n = 0, waits = 0;
  const WeftCounterPoint *depth = weft_test_points (track, &n);

  *out_ns = 0;
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (depth[i].value, >=, 0);
      g_assert_cmpint (depth[i].value, <=, capacity);
    }
  for (guint l = 0; l < weft_trace_model_get_n_lanes (model); l++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, l);

      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        for (guint i = 0; i < weft_lane_get_n_spans (lane, d); i++)
          {
            WeftSpan span;
            gint64 blocked;

            if (!weft_lane_get_span (lane, d, i, &span) || span.object != queue ||
                (span.state != WEFT_STATE_QUEUE_GET && span.state != WEFT_STATE_QUEUE_PUT))
              continue;
            blocked = span.state == WEFT_STATE_QUEUE_GET ? 0 : capacity;
            /* the depth in force at the start, and every change inside */
            g_assert_cmpint (weft_counter_track_value_at (track, span.start_ns), ==, blocked);
            for (guint k = weft_counter_track_lower_bound (track, span.start_ns + 1);
                 k < n && depth[k].time_ns < span.end_ns; k++)
              g_assert_cmpint (depth[k].value, ==, blocked);
            waits++;
            *out_ns += span.end_ns - span.start_ns;
          }
    }
  return waits;
}

/* Item 3 of issue 11: a get is drawn blocked only while the queue is
 * empty, a put only while it is full, though the waiter wakes up late
 * (eight threads on the machine's cores) and others take its turn. */
static void
test_queue_waits_match_depth (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"waits\", \"workers\": 8,"
    "  \"objects\": { \"starved\": { \"kind\": \"queue\", \"capacity\": 4 },"
    "                 \"flooded\": { \"kind\": \"queue\", \"capacity\": 4 } },"
    "  \"tasks\": [ { \"name\": \"slow-producer\", \"count\": 2, \"steps\": [ { \"repeat\": { \"times\": 60, \"steps\": ["
    "                   { \"cpu\": { \"ms\": 0.4 } }, { \"put\": { \"queue\": \"starved\" } } ] } } ] },"
    "               { \"name\": \"fast-consumer\", \"count\": 2, \"steps\": [ { \"repeat\": { \"times\": 60, \"steps\": ["
    "                   { \"get\": { \"queue\": \"starved\" } }, { \"cpu\": { \"ms\": 0.05 } } ] } } ] },"
    "               { \"name\": \"fast-producer\", \"count\": 2, \"steps\": [ { \"repeat\": { \"times\": 60, \"steps\": ["
    "                   { \"cpu\": { \"ms\": 0.05 } }, { \"put\": { \"queue\": \"flooded\" } } ] } } ] },"
    "               { \"name\": \"slow-consumer\", \"count\": 2, \"steps\": [ { \"repeat\": { \"times\": 60, \"steps\": ["
    "                   { \"get\": { \"queue\": \"flooded\" } }, { \"cpu\": { \"ms\": 0.4 } } ] } } ] } ] }");
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  WeftTraceModel *model = weft_run_get_model (run);
  WeftQueueStats starved, flooded;
  guint64 starved_ns, flooded_ns;
  guint starved_waits, flooded_waits;

  g_assert_cmpuint (weft_run_get_result (run)->tasks_ok, ==, 8);
  g_assert_true (weft_trace_model_get_queue_stats (model, WEFT_ARENA_OBJECT_BASE, &starved));
  g_assert_true (weft_trace_model_get_queue_stats (model, WEFT_ARENA_OBJECT_BASE + 1, &flooded));
  starved_waits = check_queue_waits (model, WEFT_ARENA_OBJECT_BASE, 4, &starved_ns);
  flooded_waits = check_queue_waits (model, WEFT_ARENA_OBJECT_BASE + 1, 4, &flooded_ns);
  g_test_message ("starved: %u get waits, %.1f ms; flooded: %u put waits, %.1f ms",
                  starved_waits, starved_ns / 1e6, flooded_waits, flooded_ns / 1e6);

  /* Both kinds of wait happened, and the queue's figures are its spans' */
  g_assert_cmpuint (starved.get_waits, >, 0);
  g_assert_cmpuint (flooded.put_waits, >, 0);
  /* a put or get counts once, though its wait may be in several stretches */
  g_assert_cmpuint (starved.get_waits + starved.put_waits, <=, starved_waits);
  g_assert_cmpuint (flooded.get_waits + flooded.put_waits, <=, flooded_waits);
  g_assert_cmpuint (starved.get_waits, <=, starved.gets);
  g_assert_cmpuint (flooded.put_waits, <=, flooded.puts);
  g_assert_cmpuint (starved.blocked_ns, ==, starved_ns);
  g_assert_cmpuint (flooded.blocked_ns, ==, flooded_ns);
  g_assert_cmpuint (starved.gets, ==, 120);
  g_assert_cmpuint (flooded.puts, ==, 120);
}

/* A put that loses its turn again and again (seven producers racing for
 * one slot) still shows blocked only while the queue is full: the turns it
 * lost are read while it waits, not from a history that has moved on. */
static void
test_queue_waits_many_lost_turns (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"turns\", \"workers\": 8,"
    "  \"objects\": { \"slot\": { \"kind\": \"queue\", \"capacity\": 1 } },"
    "  \"tasks\": [ { \"name\": \"producer\", \"count\": 7, \"steps\": [ { \"repeat\": { \"times\": 100, \"steps\": ["
    "                   { \"put\": { \"queue\": \"slot\" } } ] } } ] },"
    "               { \"name\": \"consumer\", \"steps\": [ { \"repeat\": { \"times\": 700, \"steps\": ["
    "                   { \"get\": { \"queue\": \"slot\" } }, { \"cpu\": { \"ms\": 0.01 } } ] } } ] } ] }");
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  WeftQueueStats qs;
  guint64 ns;
  guint waits;

  g_assert_cmpuint (weft_run_get_result (run)->tasks_ok, ==, 8);
  waits = check_queue_waits (weft_run_get_model (run), WEFT_ARENA_OBJECT_BASE, 1, &ns);
  g_assert_true (weft_trace_model_get_queue_stats (weft_run_get_model (run), WEFT_ARENA_OBJECT_BASE, &qs));
  g_test_message ("%u wait stretches, %.1f ms", waits, ns / 1e6);
  g_assert_cmpuint (qs.puts, ==, 700);
  g_assert_cmpuint (qs.blocked_ns, ==, ns);
}

/* Concept 8: processes run CPU work in parallel (no GIL between them), and
 * an unlocked counter in shared memory loses updates across processes too. */
static void
test_processes (void)
{
  /* Tasks long enough that starting the processes is a small part of the run. */
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"cpu\", \"workers\": 4, \"start_method\": \"fork\","
    "  \"tasks\": [ { \"name\": \"squares\", \"count\": 8, \"steps\": [ { \"cpu\": { \"ms\": 80 } } ] } ] }");
  g_autoptr(WeftProfile) racy = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"race\", \"workers\": 4, \"executor\": \"processes\","
    "  \"objects\": { \"counter\": { \"kind\": \"counter\" } },"
    "  \"tasks\": [ { \"count\": 4, \"steps\": [ { \"increment\": { \"counter\": \"counter\", \"times\": 1000000 } } ] } ] }");
  WeftRunOptions serial = { WEFT_EXECUTOR_THREADS, 1, 0, FALSE };
  WeftRunOptions procs = { WEFT_EXECUTOR_PROCESSES, 4, 0, FALSE };
  g_autoptr(WeftRun) r_racy = weft_test_run_to_end (racy, NULL);
  double speedup = 0;

  for (guint attempt = 0; attempt < 8 && speedup < PARALLEL_SPEEDUP; attempt++)
    {
      g_autoptr(WeftRun) r_serial = weft_test_run_to_end (profile, &serial);
      g_autoptr(WeftRun) r_procs = weft_test_run_to_end (profile, &procs);
      WeftTraceModel *model = weft_run_get_model (r_procs);

      g_assert_cmpuint (weft_run_get_result (r_procs)->tasks_ok, ==, 8);
      g_assert_cmpuint (weft_run_get_result (r_procs)->errors->len, ==, 0);
      /* four processes and the pool's handler, a thread of this one */
      g_assert_cmpuint (weft_trace_model_get_n_lanes (model), ==, 5);
      for (guint i = 0; i < 5; i++)
        g_assert_cmpint (weft_lane_get_executor (weft_trace_model_get_lane (model, i)), ==,
                         WEFT_EXECUTOR_PROCESSES);
      g_assert_cmpstr (weft_lane_get_name (weft_trace_model_get_lane (model, 4)), ==, "pool handler");
      g_assert_cmpint (weft_lane_get_pid (weft_trace_model_get_lane (model, 4)), ==, getpid ());

      speedup = MAX (speedup, tasks_s (r_serial) / tasks_s (r_procs));
      g_test_message ("serial %.3f s, 4 processes %.3f s of tasks (%.2f×), %.3f s with start-up",
                      tasks_s (r_serial), tasks_s (r_procs), tasks_s (r_serial) / tasks_s (r_procs),
                      wall_s (r_procs));
    }
  g_assert_cmpfloat (speedup, >=, PARALLEL_SPEEDUP);

  g_test_message ("across processes: %" G_GINT64_FORMAT " of 4000000 lost", lost_updates (r_racy));
  g_assert_cmpint (lost_updates (r_racy), >, 0);
}

/* Concept 9: a shared array too loses updates without its lock, and keeps
 * them all with it. */
static void
test_shared_array (void)
{
  g_autoptr(WeftProfile) racy = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"array\", \"workers\": 4, \"executor\": \"processes\","
    "  \"objects\": { \"a\": { \"kind\": \"counter\", \"length\": 4, \"initial\": 10 } },"
    "  \"tasks\": [ { \"count\": 4, \"steps\": [ { \"increment\": { \"counter\": \"a\", \"times\": 1000000 } } ] } ] }");
  g_autoptr(WeftProfile) locked = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"array\", \"workers\": 4, \"executor\": \"processes\","
    "  \"objects\": { \"a\": { \"kind\": \"counter\", \"length\": 4, \"initial\": 10 }, \"l\": { \"kind\": \"lock\" } },"
    "  \"tasks\": [ { \"count\": 4, \"steps\": [ { \"repeat\": { \"times\": 2000, \"steps\": ["
    "     { \"lock\": { \"name\": \"l\", \"steps\": [ { \"increment\": { \"counter\": \"a\", \"times\": 3 } } ] } } ] } } ] } ] }");
  g_autoptr(WeftRun) r_racy = weft_test_run_to_end (racy, NULL);
  g_autoptr(WeftRun) r_locked = weft_test_run_to_end (locked, NULL);
  const WeftCounterResult *c = &g_array_index (weft_run_get_result (r_locked)->counters, WeftCounterResult, 0);

  g_test_message ("array without its lock: %" G_GINT64_FORMAT " of 4000000 lost", lost_updates (r_racy));
  g_assert_cmpint (lost_updates (r_racy), >, 0);
  g_assert_cmpint (c->expected, ==, 24000);
  g_assert_cmpint (c->actual, ==, 24000);
  g_assert_cmpint (c->lost, ==, 0);
}

/* Concept 17: a thousand non-blocking waits on one loop take about the longest wait. */
static void
test_loop_many_waits (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"gather\", \"executor\": \"mainloop\","
    "  \"tasks\": [ { \"count\": 500, \"steps\": [ { \"io\": { \"ms\": 100 } } ] },"
    "               { \"count\": 500, \"steps\": [ { \"io\": { \"ms\": 300 } }, { \"cpu\": { \"ms\": 0.01 } } ] } ] }");
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  const WeftRunResult *result = weft_run_get_result (run);
  WeftTraceModel *model = weft_run_get_model (run);
  const WeftCounterPoint *pending;
  guint n_points;
  gint64 most = 0;
  WeftLaneStats ls;

  g_test_message ("1000 waits of up to 300 ms took %.3f s", wall_s (run));
  g_assert_cmpuint (result->tasks_ok, ==, 1000);
  g_assert_cmpfloat (wall_s (run), >=, 0.3);
  g_assert_cmpfloat (wall_s (run), <, 0.6);

  /* one lane; a thousand waits pending at once */
  g_assert_cmpuint (weft_trace_model_get_n_lanes (model), ==, 1);
  g_assert_true (weft_trace_model_get_lane_stats (model, 0, &ls));
  g_assert_cmpuint (ls.tasks_completed, ==, 1000);
  pending = weft_test_points (weft_trace_model_get_counter (model, WEFT_LOOP_PENDING_ID), &n_points);
  for (guint i = 0; i < n_points; i++)
    most = MAX (most, pending[i].value);
  g_assert_cmpint (most, ==, 1000);
}

/* Two main loops in one run (a pipeline's stages): each has its own
 * pending-waits and lag counters, named after its stage, so neither track
 * mixes in the other loop's waits: a loop never counts more pending waits
 * than it has tasks; and each lag track ends at 0 with its loop. */
static void
test_two_loops_own_counters (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"two loops\","
    "  \"objects\": { \"q\": { \"kind\": \"queue\", \"capacity\": 50 } },"
    "  \"stages\": ["
    "    { \"name\": \"fetch\", \"executor\": \"mainloop\", \"workers\": 8, \"output\": \"q\", \"steps\": ["
    "      { \"repeat\": { \"times\": 3, \"steps\": [ { \"io\": { \"ms\": 10 } }, { \"put\": { \"queue\": \"q\" } } ] } } ] },"
    "    { \"name\": \"upload\", \"executor\": \"mainloop\", \"workers\": 2, \"steps\": ["
    "      { \"for_each\": { \"queue\": \"q\", \"steps\": [ { \"io\": { \"ms\": 2 } } ] } } ] } ] }");
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  WeftTraceModel *model = weft_run_get_model (run);
  static const gint64 tasks[] = { 8, 2 };
  static const char *names[] = { "pending waits: fetch", "pending waits: upload" };

  g_assert_cmpuint (weft_run_get_result (run)->errors->len, ==, 0);
  for (guint n = 0; n < 2; n++)
    {
      const WeftCounterPoint *p;
      guint np = 0;
      gint64 most = 0;

      p = weft_test_points (weft_trace_model_get_counter (model, weft_loop_pending_id (n)), &np);
      g_assert_cmpstr (weft_trace_model_get_object_name (model, weft_loop_pending_id (n)), ==, names[n]);
      g_assert_nonnull (strstr (weft_trace_model_get_object_name (model, weft_loop_lag_id (n)), " (\xc2\xb5s)"));
      g_assert_cmpuint (np, >, 0);
      for (guint i = 0; i < np; i++)
        most = MAX (most, p[i].value);
      g_test_message ("%s: %u points, at most %" G_GINT64_FORMAT, names[n], np, most);
      g_assert_cmpint (most, >, 0);
      g_assert_cmpint (most, <=, tasks[n]);

      /* Once the loop has ended no wake-up is late: its lag track ends at 0 */
      p = weft_test_points (weft_trace_model_get_counter (model, weft_loop_lag_id (n)), &np);
      g_assert_cmpuint (np, >, 0);
      g_assert_cmpint (p[np - 1].value, ==, 0);
    }
}

/* Concept 18: a blocking call inside a coroutine stalls the loop for as long as it blocks. */
static void
test_loop_blocking_call (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"stall\", \"executor\": \"mainloop\","
    "  \"tasks\": [ { \"count\": 20, \"steps\": [ { \"repeat\": { \"times\": 40, \"steps\": [ { \"io\": { \"ms\": 10 } } ] } } ] },"
    "               { \"steps\": [ { \"io\": { \"ms\": 50 } }, { \"io\": { \"ms\": 200, \"blocking\": true } } ] } ] }");
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  double lag_ms = weft_run_get_result (run)->loop_max_lag_ns / 1e6;

  g_test_message ("a 200 ms blocking call: the loop lagged %.1f ms", lag_ms);
  g_assert_cmpfloat (lag_ms, >=, 150);
  g_assert_cmpfloat (lag_ms, <=, 300);
  g_assert_cmpuint (weft_run_get_result (run)->tasks_ok, ==, 21);
}

/* Concept 20 on the loop: a failure wakes its siblings from the failure
 * path itself.  With the periodic cancel check off, siblings waiting 30 s
 * end only if the failing task's own loop wakes them. */
static void
test_loop_task_group_cancel (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"group\", \"executor\": \"mainloop\", \"cancel_on_error\": true,"
    "  \"tasks\": [ { \"name\": \"sibling\", \"count\": 5, \"steps\": [ { \"io\": { \"ms\": 30000 } } ] },"
    "               { \"name\": \"bad\", \"steps\": [ { \"io\": { \"ms\": 20 } }, { \"fail\": { \"message\": \"boom\" } } ] } ] }");
  g_autoptr(WeftRun) run = NULL;
  const WeftRunResult *result;

  _weft_loop_executor_set_cancel_check_ms (0);
  run = weft_test_run_to_end (profile, NULL);
  _weft_loop_executor_set_cancel_check_ms (20);
  result = weft_run_get_result (run);

  g_assert_cmpuint (result->tasks_failed, ==, 1);
  g_assert_cmpuint (result->tasks_cancelled, ==, 5);
  /* 30 s if nothing woke them */
  g_assert_cmpfloat (wall_s (run), <, 10.0);
}

/* Concepts 16 and 21: stages on different executors, joined by queues, shut
 * down stage by stage with sentinels. */
static void
test_pipeline (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"etl\","
    "  \"objects\": { \"pages\": { \"kind\": \"queue\", \"capacity\": 8 },"
    "                 \"records\": { \"kind\": \"queue\", \"capacity\": 8 } },"
    "  \"stages\": ["
    "    { \"name\": \"fetch\", \"executor\": \"mainloop\", \"workers\": 10, \"output\": \"pages\", \"steps\": ["
    "      { \"repeat\": { \"times\": 4, \"steps\": [ { \"io\": { \"ms\": 20 } }, { \"put\": { \"queue\": \"pages\" } } ] } } ] },"
    "    { \"name\": \"parse\", \"executor\": \"processes\", \"workers\": 2, \"output\": \"records\", \"steps\": ["
    "      { \"for_each\": { \"queue\": \"pages\", \"steps\": [ { \"cpu\": { \"ms\": 2 } }, { \"put\": { \"queue\": \"records\" } } ] } } ] },"
    "    { \"name\": \"store\", \"executor\": \"threads\", \"workers\": 2, \"steps\": ["
    "      { \"for_each\": { \"queue\": \"records\", \"steps\": [ { \"io\": { \"ms\": 1, \"blocking\": true } } ] } } ] } ] }");
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  const WeftRunResult *result = weft_run_get_result (run);
  WeftTraceModel *model = weft_run_get_model (run);
  WeftQueueStats pages, records;
  const WeftExecutorKind expected[] = { WEFT_EXECUTOR_MAINLOOP, WEFT_EXECUTOR_PROCESSES,
                                        WEFT_EXECUTOR_PROCESSES, WEFT_EXECUTOR_THREADS,
                                        WEFT_EXECUTOR_THREADS };

  g_assert_cmpuint (result->errors->len, ==, 0);
  g_assert_cmpuint (result->tasks_ok, ==, 14);
  g_assert_cmpuint (result->n_stages, ==, 3);

  /* every item went through both queues; each stage got one sentinel per worker */
  g_assert_true (weft_trace_model_get_queue_stats (model, WEFT_ARENA_OBJECT_BASE, &pages));
  g_assert_true (weft_trace_model_get_queue_stats (model, WEFT_ARENA_OBJECT_BASE + 1, &records));
  g_assert_cmpuint (pages.puts, ==, 40);
  g_assert_cmpuint (pages.gets, ==, 40 + 2);
  g_assert_cmpuint (records.puts, ==, 40);
  g_assert_cmpuint (records.gets, ==, 40 + 2);
  g_assert_cmpint (pages.max_depth, <=, 8);

  /* all three executors in one timeline */
  g_assert_cmpuint (weft_trace_model_get_n_lanes (model), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (weft_lane_get_executor (weft_trace_model_get_lane (model, i)), ==, expected[i]);
  g_assert_cmpstr (weft_lane_get_name (weft_trace_model_get_lane (model, 0)), ==, "main loop (fetch)");
  g_assert_cmpstr (weft_lane_get_name (weft_trace_model_get_lane (model, 3)), ==, "store thread 1");
}

/* Concept 11: `+=` on a counter served by a manager process is two round
 * trips, a read and a write, as with CPython's proxies: far slower than in
 * shared memory, and not atomic, so increments from two processes are lost. */
static void
test_manager (void)
{
  g_autoptr(WeftProfile) via_manager = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"manager\", \"workers\": 2, \"executor\": \"processes\","
    "  \"start_method\": \"fork\", \"objects\": { \"c\": { \"kind\": \"counter\", \"backend\": \"manager\" } },"
    "  \"tasks\": [ { \"count\": 2, \"steps\": [ { \"increment\": { \"counter\": \"c\", \"times\": 4000 } } ] } ] }");
  g_autoptr(WeftProfile) in_memory = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"memory\", \"workers\": 2, \"executor\": \"processes\","
    "  \"objects\": { \"c\": { \"kind\": \"counter\" }, \"l\": { \"kind\": \"lock\" } },"
    "  \"tasks\": [ { \"count\": 2, \"steps\": [ { \"repeat\": { \"times\": 2000, \"steps\": ["
    "     { \"lock\": { \"name\": \"l\", \"steps\": [ { \"increment\": { \"counter\": \"c\" } } ] } } ] } } ] } ] }");
  g_autoptr(WeftRun) r_manager = weft_test_run_to_end (via_manager, NULL);
  g_autoptr(WeftRun) r_memory = weft_test_run_to_end (in_memory, NULL);
  const WeftCounterResult *m = &g_array_index (weft_run_get_result (r_manager)->counters, WeftCounterResult, 0);
  const WeftCounterResult *s = &g_array_index (weft_run_get_result (r_memory)->counters, WeftCounterResult, 0);
  WeftTraceModel *model = weft_run_get_model (r_manager);

  g_test_message ("manager: %.0f ns per operation; shared memory under a lock: %.0f ns",
                  m->ns_per_op, s->ns_per_op);
  g_assert_cmpuint (weft_run_get_result (r_manager)->errors->len, ==, 0);
  g_test_message ("manager: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " increments lost",
                  m->lost, m->expected);
  g_assert_cmpint (m->expected, ==, 8000);
  g_assert_cmpint (m->actual + m->lost, ==, m->expected);
  g_assert_cmpint (m->lost, >, 0);
  g_assert_cmpint (m->backend, ==, WEFT_BACKEND_MANAGER);
  g_assert_cmpint (s->lost, ==, 0);
  g_assert_cmpfloat (m->ns_per_op, >, 5 * s->ns_per_op);

  /* the lost updates are on the timeline as they happen, every 64
   * increments of each process, and end at the run's own figure */
  {
    guint n = 0;
    const WeftCounterPoint *lost = weft_test_points (weft_trace_model_get_counter (model, WEFT_ARENA_LOST_ID (0)), &n);

    g_assert_cmpstr (weft_trace_model_get_object_name (model, WEFT_ARENA_LOST_ID (0)), ==, "c: lost updates");
    g_assert_cmpuint (n, >=, 10);
    g_assert_cmpint (lost[n - 1].value, ==, m->lost);
  }

  /* the manager has a lane of its own, after the workers', and then the
   * pool's handler */
  g_assert_cmpuint (weft_trace_model_get_n_lanes (model), ==, 4);
  g_assert_cmpstr (weft_lane_get_name (weft_trace_model_get_lane (model, 2)), ==, "manager");
  g_assert_cmpstr (weft_lane_get_name (weft_trace_model_get_lane (model, 3)), ==, "pool handler");
}

/* Recording can be switched off (to measure its cost); the run itself is the same. */
static void
test_no_record (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (cpu_profile);
  WeftRunOptions options = WEFT_RUN_OPTIONS_INIT;
  g_autoptr(WeftRun) run = NULL;

  options.no_record = TRUE;
  run = weft_test_run_to_end (profile, &options);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (weft_run_get_model (run)), ==, 0);
  g_assert_cmpuint (weft_run_get_result (run)->tasks_ok, ==, 8);
  g_assert_cmpuint (weft_run_get_result (run)->errors->len, ==, 0);
}

/* The pid of the process whose lane shows @task_id running, 0 if none yet. */
static gint
pid_running (WeftTraceModel *model,
             guint32         task_id)
{
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      WeftSpan open[8];
      guint n = weft_lane_get_open_spans (lane, open, G_N_ELEMENTS (open));

      for (guint k = 0; k < n; k++)
        if (open[k].state == WEFT_STATE_RUNNING && open[k].object == task_id)
          return (gint) weft_lane_get_pid (lane);
    }
  return 0;
}

/* A worker process stopped with SIGSTOP in the middle of a run: the run
 * notices within seconds (not at its 60 s timeout), names the stalled worker
 * in its errors, and its wall time is the time it really took. */
static void
test_stalled_worker (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"stall\", \"executor\": \"processes\", \"workers\": 2,"
    "  \"timeout_s\": 60,"
    "  \"tasks\": [ { \"name\": \"long\", \"count\": 1, \"steps\": [ { \"cpu\": { \"ms\": 30000 } } ] },"
    "               { \"name\": \"short\", \"count\": 4, \"steps\": [ { \"cpu\": { \"ms\": 2 } } ] } ] }");
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftRun) run = weft_run_new (profile, NULL);
  g_autoptr(WeftSummary) summary = NULL;
  const WeftRunResult *result;
  gint64 t0 = g_get_monotonic_time (), took_us;
  double wall;
  gboolean named = FALSE;
  gint pid = 0;

  g_assert_true (weft_run_start (run, context, &error));
  g_assert_no_error (error);
  while (!weft_run_get_finished (run))
    {
      g_assert_cmpint (g_get_monotonic_time () - t0, <, 30 * G_USEC_PER_SEC);
      g_main_context_iteration (context, TRUE);
      /* the first task instance is the long one */
      if (pid == 0 && (pid = pid_running (weft_run_get_model (run), 0x100000)) > 0)
        g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
    }
  took_us = g_get_monotonic_time () - t0;

  result = weft_run_get_result (run);
  for (guint i = 0; i < result->errors->len; i++)
    named |= strstr (g_ptr_array_index (result->errors, i), "stalled") != NULL;
  summary = weft_summary_new (weft_run_get_model (run), profile, result);
  wall = weft_summary_get_wall_ns (summary) / 1e9;
  g_test_message ("run took %.2f s, wall_s %.2f s", took_us / 1e6, wall);
  g_assert_cmpint (pid, >, 0);
  g_assert_true (named);
  g_assert_false (result->timed_out);
  g_assert_cmpuint (result->tasks_failed, ==, 1);
  g_assert_cmpuint (result->tasks_ok, ==, 4);
  /* the run's real length: at least the 2 s the worker was stopped, at most what the test saw */
  g_assert_cmpfloat (wall, >=, 2.0);
  g_assert_cmpfloat (wall, <=, took_us / 1e6);
}

/* Both workers stopped by SIGTERM from outside, as a kill of the process
 * group does before the program's own handler can stop the run: the run
 * says it was interrupted by SIGTERM, their tasks were cancelled (not
 * failed), and no worker is reported crashed. */
static void
test_workers_stopped_from_outside (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"stopped\", \"executor\": \"processes\", \"workers\": 2,"
    "  \"start_method\": \"fork\", \"timeout_s\": 60,"
    "  \"tasks\": [ { \"name\": \"long\", \"count\": 2, \"steps\": [ { \"cpu\": { \"ms\": 30000 } } ] } ] }");
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftRun) run = weft_run_new (profile, NULL);
  const WeftRunResult *result;
  gint64 t0 = g_get_monotonic_time ();
  gint pids[2] = { 0, 0 };
  guint said = 0;

  g_assert_true (weft_run_start (run, context, &error));
  g_assert_no_error (error);
  while (!weft_run_get_finished (run))
    {
      g_assert_cmpint (g_get_monotonic_time () - t0, <, 30 * G_USEC_PER_SEC);
      g_main_context_iteration (context, TRUE);
      for (guint k = 0; k < 2; k++)
        if (pids[k] == 0 && (pids[k] = pid_running (weft_run_get_model (run), 0x100000 + k)) > 0 &&
            pids[0] > 0 && pids[1] > 0)
          {
            g_assert_cmpint (kill (pids[0], SIGTERM), ==, 0);
            g_assert_cmpint (kill (pids[1], SIGTERM), ==, 0);
          }
    }

  result = weft_run_get_result (run);
  for (guint i = 0; i < result->errors->len; i++)
    {
      const char *e = g_ptr_array_index (result->errors, i);

      g_test_message ("error: %s", e);
      said += g_str_has_prefix (e, "interrupted by SIGTERM");
      g_assert_null (strstr (e, "killed by"));
    }
  g_assert_true (result->interrupted);
  g_assert_cmpuint (said, ==, 1);
  g_assert_cmpuint (result->tasks_cancelled, ==, 2);
  g_assert_cmpuint (result->tasks_failed, ==, 0);
  g_assert_cmpfloat ((g_get_monotonic_time () - t0) / 1e6, <, 30);
}

/* The engine leaves the process's signal dispositions to its program: a run
 * does not change what SIGPIPE does (each main() ignores it itself). */
static void
test_leaves_sigpipe (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"tiny\", \"workers\": 2,"
    "  \"tasks\": [ { \"count\": 2, \"steps\": [ { \"cpu\": { \"ms\": 1 } } ] } ] }");
  WeftRunOptions processes = { WEFT_EXECUTOR_PROCESSES, 2, 0, FALSE };
  struct sigaction dfl = { 0 }, before, after;
  g_autoptr(WeftRun) threads_run = NULL;
  g_autoptr(WeftRun) processes_run = NULL;

  dfl.sa_handler = SIG_DFL;
  sigaction (SIGPIPE, &dfl, &before);
  threads_run = weft_test_run_to_end (profile, NULL);
  processes_run = weft_test_run_to_end (profile, &processes);
  sigaction (SIGPIPE, &before, &after);

  g_assert_true (after.sa_handler == SIG_DFL);
  g_assert_cmpuint (weft_run_get_result (processes_run)->tasks_ok, ==, 2);
}

/* Time the parallelism track spends above @limit, in ns. */
/* Every core wait lies inside a task's span on its lane. */
static void
assert_core_waits_nested (WeftLane *lane)
{
  for (guint d = 1; d < weft_lane_get_n_depths (lane); d++)
    for (guint k = 0; k < weft_lane_get_n_spans (lane, d); k++)
      {
        WeftSpan span, task;
        gboolean inside = FALSE;

        g_assert_true (weft_lane_get_span (lane, d, k, &span));
        if (span.state != WEFT_STATE_CORE_WAIT)
          continue;
        for (guint j = 0; j < weft_lane_get_n_spans (lane, 0) && !inside; j++)
          inside = weft_lane_get_span (lane, 0, j, &task) &&
                   task.state == WEFT_STATE_RUNNING &&
                   task.start_ns <= span.start_ns && span.end_ns <= task.end_ns &&
                   span.end_ns - span.start_ns <= task.end_ns - task.start_ns;
        g_assert_true (inside);
      }
}

/* The lanes' time running and waiting for a core; each core wait nests in
 * its task */
static void
thread_time (WeftTraceModel *model,
             guint64        *running,
             guint64        *core_wait)
{
  *running = *core_wait = 0;
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      WeftLaneStats ls;

      g_assert_true (weft_trace_model_get_lane_stats (model, weft_lane_get_worker (lane), &ls));
      *running += ls.state_ns[WEFT_STATE_RUNNING];
      *core_wait += ls.state_ns[WEFT_STATE_CORE_WAIT];
      assert_core_waits_nested (lane);
    }
}

/* 32 CPU-bound threads on this machine's cores: most of their time they wait
 * for a core, that wait is measured, and the parallelism track counts only
 * threads on a core. */
static void
test_core_wait (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"many\", \"workers\": 32,"
    "  \"tasks\": [ { \"name\": \"squares\", \"count\": 32, \"steps\": [ { \"cpu\": { \"ms\": 20 } } ] } ] }");
  WeftRunOptions options = { WEFT_EXECUTOR_THREADS, 32, 0, FALSE };
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, &options);
  WeftTraceModel *model = weft_run_get_model (run);
  guint64 running = 0, core_wait = 0, above;
  gint64 cores = MAX (1, sysconf (_SC_NPROCESSORS_ONLN)), max;
  double share;

  g_assert_cmpuint (weft_run_get_result (run)->tasks_ok, ==, 32);
  thread_time (model, &running, &core_wait);

  /* On n cores, 32 threads each get at most n/32 of the time: with n = 2
   * core-wait is 94 % of their thread time; other load only raises it. */
  share = (double) core_wait / (double) (running + core_wait);
  g_test_message ("%" G_GINT64_FORMAT " cores: core-wait %.1f %% of thread time", cores, 100 * share);
  if (cores <= 4)
    g_assert_cmpfloat (share, >=, 0.80);
  g_assert_cmpfloat (share, >, 0);

  /* Running stays within what the cores give: sampling edges may overlap
   * by a few microseconds, never for long. */
  above = parallelism_above (model, cores, &max);
  g_test_message ("parallelism max %" G_GINT64_FORMAT ", %.3f ms above %" G_GINT64_FORMAT,
                  max, above / 1e6, cores);
  g_assert_cmpint (max, <=, cores + 2);
  g_assert_cmpfloat ((double) above, <, 0.01 * (double) weft_run_get_result (run)->wall_ns);
}

/* Two producers and two consumers of a small queue under the GIL (06): a
 * put or get releases the GIL and the waiter it wakes takes the core,
 * often right inside the clock reads that measure the loss. That loss is
 * measured again, so no lane is drawn running beside the GIL's holder but
 * for moments: 5-15 ms of this 0.49 s run read above 1 before, 0.6-0.9 ms
 * now. Other load adds moments (4.6 ms once, with two busy loops beside it),
 * so the best of three runs counts. */
static void
test_gil_queue_hand_offs (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"hand-offs\", \"workers\": 4, \"gil\": true,"
    "  \"objects\": { \"jobs\": { \"kind\": \"queue\", \"capacity\": 4 } },"
    "  \"tasks\": ["
    "    { \"name\": \"producer\", \"count\": 2, \"steps\": [ { \"repeat\": { \"times\": 60, \"steps\": ["
    "      { \"cpu\": { \"ms\": 1 } }, { \"put\": { \"queue\": \"jobs\", \"items\": 1 } } ] } } ] },"
    "    { \"name\": \"consumer\", \"count\": 2, \"steps\": [ { \"repeat\": { \"times\": 60, \"steps\": ["
    "      { \"get\": { \"queue\": \"jobs\", \"items\": 1 } }, { \"cpu\": { \"ms\": 3 } } ] } } ] } ] }");
  WeftRunOptions options = WEFT_RUN_OPTIONS_INIT;
  double best = G_MAXDOUBLE;

  for (guint attempt = 0; attempt < 3 && best >= 0.005; attempt++)
    {
      g_autoptr(WeftRun) run = weft_test_run_to_end (profile, &options);
      gint64 max;
      guint64 above;

      g_assert_cmpuint (weft_run_get_result (run)->tasks_ok, ==, 4);
      above = parallelism_above (weft_run_get_model (run), 1, &max);
      g_test_message ("GIL: parallelism max %" G_GINT64_FORMAT ", %.3f ms above 1 of %.3f s", max, above / 1e6,
                      weft_run_get_result (run)->wall_ns / 1e9);
      best = MIN (best, (double) above / (double) weft_run_get_result (run)->wall_ns);
    }
  g_assert_cmpfloat (best, <, 0.005);
}

/* Pins this process to the first @n of the CPUs it may use (threads
 * created later inherit it); returns how many it got. */
static int
pin_to_cpus (int n)
{
  cpu_set_t allowed, set;
  int got = 0;

  g_assert_cmpint (sched_getaffinity (0, sizeof allowed, &allowed), ==, 0);
  CPU_ZERO (&set);
  for (int cpu = 0; cpu < CPU_SETSIZE && got < n; cpu++)
    if (CPU_ISSET (cpu, &allowed))
      {
        CPU_SET (cpu, &set);
        got++;
      }
  g_assert_cmpint (sched_setaffinity (0, sizeof set, &set), ==, 0);
  return got;
}

/* Four CPU-bound threads without a GIL on @n CPUs, in a child process pinned
 * to them: the lanes drawn on a core do not outnumber the CPUs, and the
 * threads wait for a core about 1 - n/4 of their time (other load only
 * raises it; a thread that finishes first leaves the others a core). The
 * one overlap left: a thread off its core for less than CORE_GAP_NS less a
 * tick's work is not seen by it, which at another thread's task end (a few
 * microseconds on its core) drew a third lane for 1-2 us in about one run
 * in ten on 2 CPUs; before, such stretches came at every preemption. */
static void
core_wait_pinned (int n)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"pinned\", \"workers\": 4, \"gil\": false,"
    "  \"tasks\": [ { \"name\": \"squares\", \"count\": 4, \"steps\": [ { \"cpu\": { \"ms\": 80 } } ] } ] }");
  WeftRunOptions options = { WEFT_EXECUTOR_THREADS, 4, 0, FALSE };
  int cpus = pin_to_cpus (n);
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, &options);
  WeftTraceModel *model = weft_run_get_model (run);
  guint64 running = 0, core_wait = 0, above;
  double share, expected = 1.0 - cpus / 4.0;
  gint64 max;

  g_assert_cmpuint (weft_run_get_result (run)->tasks_ok, ==, 4);
  g_assert_cmpuint (weft_run_get_result (run)->rejected_records, ==, 0);
  thread_time (model, &running, &core_wait);
  share = (double) core_wait / (double) (running + core_wait);
  above = parallelism_above (model, cpus, &max);
  g_test_message ("%d CPUs: core-wait %.1f %% of thread time (expected %.0f %%), "
                  "parallelism max %" G_GINT64_FORMAT ", %.3f ms above %d",
                  cpus, 100 * share, 100 * expected, max, above / 1e6, cpus);
  g_assert_cmpint (max, <=, cpus + 1);
  g_assert_cmpuint (above, <=, 10000);
  g_assert_cmpfloat (share, >=, expected - 0.15);
  g_assert_cmpfloat (share, <=, expected + 0.3);
}

static void
test_core_wait_pinned_1 (void)
{
  if (g_test_subprocess ())
    {
      core_wait_pinned (1);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_test_trap_assert_passed ();
}

static void
test_core_wait_pinned_2 (void)
{
  if (g_test_subprocess ())
    {
      core_wait_pinned (2);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Writing to a pipe whose reader is gone (a dead worker) gives EPIPE, not death. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/weft/run/gil-speedup", test_gil_speedup);
  g_test_add_func ("/weft/run/core-wait", test_core_wait);
  g_test_add_func ("/weft/run/gil-queue-hand-offs", test_gil_queue_hand_offs);
  g_test_add_func ("/weft/run/core-wait/pinned-1", test_core_wait_pinned_1);
  g_test_add_func ("/weft/run/core-wait/pinned-2", test_core_wait_pinned_2);
  g_test_add_func ("/weft/run/race-and-lock", test_race_and_lock);
  g_test_add_func ("/weft/run/two-loops-own-counters", test_two_loops_own_counters);
  g_test_add_func ("/weft/run/lock-with-gil", test_lock_with_gil);
  g_test_add_func ("/weft/run/deadlock", test_deadlock);
  g_test_add_func ("/weft/run/gil-in-wait-for-graph", test_gil_in_wait_for_graph);
  g_test_add_func ("/weft/run/python-version-switch-points", test_python_version_switch_points);
  g_test_add_func ("/weft/run/python-version-option", test_python_version_option);
  g_test_add_func ("/weft/run/charged-costs", test_charged_costs);
  g_test_add_func ("/weft/run/calibration-file", test_calibration_file);
  g_test_add_func ("/weft/run/cancel", test_cancel);
  g_test_add_func ("/weft/run/failure-kept-apart", test_failure_kept_apart);
  g_test_add_func ("/weft/run/cancel-on-error", test_cancel_on_error);
  g_test_add_func ("/weft/run/queue", test_queue);
  g_test_add_func ("/weft/run/queue-waits-match-depth", test_queue_waits_match_depth);
  g_test_add_func ("/weft/run/queue-waits-many-lost-turns", test_queue_waits_many_lost_turns);
  g_test_add_func ("/weft/run/no-record", test_no_record);
  g_test_add_func ("/weft/run/processes", test_processes);
  g_test_add_func ("/weft/run/loop-many-waits", test_loop_many_waits);
  g_test_add_func ("/weft/run/loop-blocking-call", test_loop_blocking_call);
  g_test_add_func ("/weft/run/loop-task-group-cancel", test_loop_task_group_cancel);
  g_test_add_func ("/weft/run/pipeline", test_pipeline);
  g_test_add_func ("/weft/run/manager", test_manager);
  g_test_add_func ("/weft/run/shared-array", test_shared_array);
  g_test_add_func ("/weft/run/leaves-sigpipe", test_leaves_sigpipe);
  g_test_add_func ("/weft/run/stalled-worker", test_stalled_worker);
  g_test_add_func ("/weft/run/workers-stopped-from-outside", test_workers_stopped_from_outside);

  return g_test_run ();
}
