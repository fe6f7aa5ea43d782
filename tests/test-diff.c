/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * WeftDiff without a display: the figures of two real runs of the shipped
 * GIL profile (GIL on, GIL off) against the two summaries they come from,
 * lanes paired by name and by order, a run against its own trace read
 * back, and the JSON form (B − A = difference, every row).
 */

#include "config.h"

#include <glib/gstdio.h>

#include "weft-diff.h"
#include "weft-run.h"
#include "weft-summary.h"
#include "weft-test-run.h"
#include "weft-test-util.h"
#include "weft-trace-export.h"
#include "weft-trace-import.h"

static WeftProfile *
shipped_profile (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "workloads", name, NULL);
  WeftProfile *profile = weft_profile_new_from_file (path, &error);

  g_assert_no_error (error);
  return profile;
}

/* A real run of @profile to its end (with a cap), @gil forced on or off */
static WeftRun *
run_to_end (const WeftProfile *profile,
            int                gil)
{
  WeftRunOptions options = WEFT_RUN_OPTIONS_INIT;

  options.gil = gil;
  return weft_test_run_to_end (profile, &options);
}

static WeftSummary *
summary_of (WeftRun *run)
{
  return weft_summary_new (weft_run_get_model (run), weft_run_get_profile (run), weft_run_get_result (run));
}

static guint64
state_sum (WeftSummary *summary,
           WeftState    state)
{
  guint n;
  const WeftSummaryWorker *w = weft_summary_get_workers (summary, &n);
  guint64 total = 0;

  for (guint i = 0; i < n; i++)
    total += w[i].state_ns[state];
  return total;
}

static const WeftSummaryLock *
gil_of (WeftSummary *summary)
{
  guint n;
  const WeftSummaryLock *l = weft_summary_get_locks (summary, &n);

  for (guint i = 0; i < n; i++)
    if (l[i].is_gil)
      return &l[i];
  return NULL;
}

/* Every state's row, summed and per lane, against the summaries' workers */
static void
check_states (WeftDiff    *diff,
              WeftSummary *a,
              WeftSummary *b)
{
  guint na, nb;
  const WeftSummaryWorker *wa = weft_summary_get_workers (a, &na);
  const WeftSummaryWorker *wb = weft_summary_get_workers (b, &nb);

  g_assert_cmpuint (na, ==, nb);
  for (guint s = 0; s < WEFT_N_STATES; s++)
    {
      const WeftDiffRow *row = weft_diff_find_row (diff, WEFT_DIFF_STATE, NULL, s);

      if (state_sum (a, s) == 0 && state_sum (b, s) == 0)
        {
          g_assert_null (row);
          continue;
        }
      g_assert_nonnull (row);
      g_assert_cmpint (row->a, ==, (gint64) state_sum (a, s));
      g_assert_cmpint (row->b, ==, (gint64) state_sum (b, s));

      for (guint i = 0; i < na; i++)
        {
          const WeftDiffRow *lane = weft_diff_find_row (diff, WEFT_DIFF_LANE_STATE, wb[i].name, s);

          /* the same profile twice: the same lane names in the same order */
          g_assert_cmpstr (wa[i].name, ==, wb[i].name);
          if (wa[i].state_ns[s] == 0 && wb[i].state_ns[s] == 0)
            g_assert_null (lane);
          else
            {
              g_assert_nonnull (lane);
              g_assert_cmpint (lane->a, ==, (gint64) wa[i].state_ns[s]);
              g_assert_cmpint (lane->b, ==, (gint64) wb[i].state_ns[s]);
              g_assert_null (lane->subject_a);
            }
        }
    }
}

/* Times first, each group biggest share first; shares as documented */
static void
check_order (WeftDiff *diff)
{
  guint n;
  const WeftDiffRow *rows = weft_diff_get_rows (diff, &n);
  WeftSummary *side[2] = { weft_diff_get_summary (diff, FALSE), weft_diff_get_summary (diff, TRUE) };
  guint64 wall = MAX (weft_summary_get_wall_ns (side[0]), weft_summary_get_wall_ns (side[1]));
  double lanes = 0;

  for (guint s = 0; s < 2; s++)
    {
      guint n_lanes;

      weft_summary_get_workers (side[s], &n_lanes);
      lanes = MAX (lanes, (double) weft_summary_get_wall_ns (side[s]) * MAX (n_lanes, 1));
    }
  for (guint i = 0; i < n; i++)
    {
      gboolean summed = rows[i].kind == WEFT_DIFF_STATE || rows[i].kind == WEFT_DIFF_LOCK_WAIT ||
                        rows[i].kind == WEFT_DIFF_LOCK_HOLD || rows[i].kind == WEFT_DIFF_GIL_WAIT ||
                        rows[i].kind == WEFT_DIFF_GIL_HOLD || rows[i].kind == WEFT_DIFF_QUEUE_BLOCKED;
      double base = summed ? lanes
                    : weft_diff_kind_is_time (rows[i].kind) ? (double) wall
                    : MAX (ABS ((double) rows[i].a), ABS ((double) rows[i].b));

      g_assert_cmpint (summed, ==, weft_diff_kind_is_lane_sum (rows[i].kind));
      g_assert_cmpfloat_with_epsilon (rows[i].share, ABS ((double) (rows[i].b - rows[i].a)) / base, 1e-12);
      /* no figure changes by more than all it could be */
      g_assert_cmpfloat (rows[i].share, <=, 1.0 + 1e-12);
      if (i == 0)
        continue;
      g_assert_false (!weft_diff_kind_is_time (rows[i - 1].kind) && weft_diff_kind_is_time (rows[i].kind));
      if (weft_diff_kind_is_time (rows[i - 1].kind) == weft_diff_kind_is_time (rows[i].kind))
        g_assert_cmpfloat (rows[i - 1].share, >=, rows[i].share);
    }
}

/* The JSON form: every row, B − A = difference, times in seconds */
static void
check_json (WeftDiff *diff)
{
  g_autoptr(JsonNode) node = weft_diff_to_json (diff);
  JsonObject *root = json_node_get_object (node);
  JsonArray *rows = json_node_get_array (json_object_get_member (root, "rows"));
  guint n;
  const WeftDiffRow *typed = weft_diff_get_rows (diff, &n);

  g_assert_cmpuint (json_array_get_length (rows), ==, n);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (root, "a"), "wall_s"),
                                  weft_summary_get_wall_ns (weft_diff_get_summary (diff, FALSE)) / 1e9, 1e-9);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      double scale = weft_diff_kind_is_time (typed[i].kind) ? 1e9 : 1;

      g_assert_cmpstr (json_object_get_string_member (row, "what"), ==, weft_diff_kind_to_nick (typed[i].kind));
      if (!typed[i].has_a || !typed[i].has_b)
        {
          g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (row, "difference")));
          continue;
        }
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "a") * scale, typed[i].a, 1);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "b") * scale, typed[i].b, 1);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "difference"),
                                      json_object_get_double_member (row, "b")
                                      - json_object_get_double_member (row, "a"), 1e-9);
    }
}

static void
test_gil_on_off (void)
{
  g_autoptr(WeftProfile) profile = shipped_profile ("02-gil-cpu-threads.json");
  g_autoptr(WeftRun) on = run_to_end (profile, 1);
  g_autoptr(WeftRun) off = run_to_end (profile, 0);
  g_autoptr(WeftSummary) a = summary_of (on);
  g_autoptr(WeftSummary) b = summary_of (off);
  g_autoptr(WeftDiff) diff = weft_diff_new (a, b);
  const WeftDiffRow *wall = weft_diff_find_row (diff, WEFT_DIFF_WALL, NULL, 0);
  const WeftDiffRow *gil = weft_diff_find_row (diff, WEFT_DIFF_GIL_WAIT, NULL, 0);
  const WeftDiffRow *ok = weft_diff_find_row (diff, WEFT_DIFF_TASKS_OK, NULL, 0);
  const WeftDiffRow *gil_state = weft_diff_find_row (diff, WEFT_DIFF_STATE, NULL, WEFT_STATE_GIL_WAIT);
  g_autofree char *text = weft_diff_to_text (diff);

  g_assert_nonnull (wall);
  g_assert_cmpint (wall->a, ==, (gint64) weft_summary_get_wall_ns (a));
  g_assert_cmpint (wall->b, ==, (gint64) weft_summary_get_wall_ns (b));
  /* (which is faster depends on the machine's load: no timing is asserted) */

  /* the GIL's waits: all of A's, none in B */
  g_assert_nonnull (gil);
  {
    const WeftSummaryLock *gil_a = gil_of (a), *gil_b = gil_of (b);
    gint64 a_wait = gil_a != NULL ? (gint64) gil_a->stats.total_wait_ns : -1;
    gint64 b_wait = gil_b != NULL ? (gint64) gil_b->stats.total_wait_ns : 0;

    g_assert_cmpint (gil->a, ==, a_wait);
    g_assert_cmpint (gil->b, ==, b_wait);
    /* the GIL's contended acquisitions: A's count, none without a GIL */
    g_assert_nonnull (gil_a);
    g_assert_cmpint (weft_diff_find_row (diff, WEFT_DIFF_LOCK_CONTENDED, "GIL", 0)->a, ==,
                     (gint64) gil_a->stats.contended);
    g_assert_cmpint (weft_diff_find_row (diff, WEFT_DIFF_LOCK_CONTENDED, "GIL", 0)->b, ==, 0);
  }
  /* B ran without a GIL: its GIL waits are known to be none, not unknown */
  g_assert_true (gil->has_a && gil->has_b);
  g_assert_cmpint (gil->a, >, 0);
  g_assert_nonnull (gil_state);
  g_assert_cmpint (gil_state->a, >, 0);
  g_assert_cmpint (gil_state->b, ==, 0);

  /* the same eight tasks ended on both sides: a count row with no change */
  g_assert_nonnull (ok);
  g_assert_cmpint (ok->a, ==, 8);
  g_assert_cmpint (ok->b, ==, 8);
  g_assert_cmpfloat (ok->share, ==, 0);

  check_states (diff, a, b);
  check_order (diff);
  check_json (diff);
  g_assert_nonnull (strstr (text, "GIL: wait"));
  g_assert_nonnull (strstr (text, "wall time"));
}

/* A run against its own trace read back: every timeline figure unchanged */
static void
test_run_vs_trace (void)
{
  g_autoptr(WeftProfile) profile = shipped_profile ("05-lock-fixes-race.json");
  g_autoptr(WeftRun) run = run_to_end (profile, -1);
  g_autoptr(WeftSummary) a = summary_of (run);
  g_autoptr(WeftSummary) b = NULL;
  g_autoptr(WeftDiff) diff = NULL;
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(WeftTraceMeta) meta = weft_summary_to_trace_meta (a);
  g_autoptr(WeftTraceMeta) meta_back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-diff-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  const WeftDiffRow *rows;
  guint n, n_lock_rows = 0;

  g_assert_no_error (error);
  g_assert_true (weft_trace_export_to_file (weft_run_get_model (run), meta, path, NULL, &error));
  g_assert_no_error (error);
  model = weft_trace_import_file (path, &meta_back, NULL, NULL, &error);
  g_assert_no_error (error);
  b = weft_summary_new_for_trace (model, meta_back);
  diff = weft_diff_new (a, b);

  rows = weft_diff_get_rows (diff, &n);
  for (guint i = 0; i < n; i++)
    {
      /* a trace records no lost updates nor the run's outcome beyond the lanes */
      if (rows[i].kind == WEFT_DIFF_LOST_UPDATES)
        {
          g_assert_true (rows[i].has_a);
          g_assert_false (rows[i].has_b);
          continue;
        }
      if (rows[i].kind >= WEFT_DIFF_TASKS_OK && rows[i].kind <= WEFT_DIFF_TASKS_CANCELLED)
        continue;
      g_assert_true (rows[i].has_a && rows[i].has_b);
      g_assert_cmpint (rows[i].a, ==, rows[i].b);
      g_assert_cmpfloat (rows[i].share, ==, 0);
      n_lock_rows += rows[i].kind == WEFT_DIFF_LOCK_WAIT || rows[i].kind == WEFT_DIFF_LOCK_HOLD;
    }
  /* the profile's lock was held (its waits may be none) */
  g_assert_cmpuint (n_lock_rows, >=, 1);

  g_unlink (path);
  g_rmdir (dir);
}

/* Two timelines built event by event: one lane named alike on both sides,
 * one renamed, one only in B */
static WeftTraceModel *
model_of (const char * const *names,
          guint               n,
          guint64             task_ns)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) events = g_array_new (FALSE, TRUE, sizeof (WeftEvent));

  for (guint i = 0; i < n; i++)
    {
      ev (events, 0, i, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 1);
      name_object (events, i, WEFT_OBJECT_SELF, names[i]);
    }
  for (guint i = 0; i < n; i++)
    {
      ev (events, 1000, i, WEFT_EVENT_TASK_BEGIN, i + 1, 0, 0);
      ev (events, 1000 + task_ns * (i + 1), i, WEFT_EVENT_TASK_END, i + 1, WEFT_TASK_OK, (gint64) (task_ns * (i + 1)));
    }
  weft_trace_model_append (model, (const WeftEvent *) (gpointer) events->data, events->len);
  weft_trace_model_finish (model, 0);
  return model;
}

static void
test_lane_pairs (void)
{
  const char * const names_a[] = { "alpha", "beta", "xz (tid 12)" };
  const char * const names_b[] = { "gamma", "beta", "xz (tid 40)", "delta" };
  g_autoptr(WeftTraceModel) ma = model_of (names_a, 3, 1000000);
  g_autoptr(WeftTraceModel) mb = model_of (names_b, 4, 1000000);
  g_autoptr(WeftDiff) diff = weft_diff_new_for_models (ma, mb);
  guint n;
  const WeftDiffLanePair *pairs = weft_diff_get_lane_pairs (diff, &n);
  const WeftDiffRow *beta, *renamed, *only_b;

  g_assert_cmpuint (n, ==, 4);
  /* alpha has no namesake: it takes B's first lane left, gamma */
  g_assert_cmpstr (pairs[0].a, ==, "alpha");
  g_assert_cmpstr (pairs[0].b, ==, "gamma");
  g_assert_false (pairs[0].by_name);
  g_assert_cmpstr (pairs[1].a, ==, "beta");
  g_assert_cmpstr (pairs[1].b, ==, "beta");
  g_assert_true (pairs[1].by_name);
  /* a recorded thread's id differs from one recording to the next */
  g_assert_cmpstr (pairs[2].a, ==, "xz (tid 12)");
  g_assert_cmpstr (pairs[2].b, ==, "xz (tid 40)");
  g_assert_true (pairs[2].by_name);
  g_assert_null (pairs[3].a);
  g_assert_cmpstr (pairs[3].b, ==, "delta");

  /* each lane i runs (i + 1) ms: beta 2 ms on both sides */
  beta = weft_diff_find_row (diff, WEFT_DIFF_LANE_STATE, "beta", WEFT_STATE_RUNNING);
  g_assert_nonnull (beta);
  g_assert_cmpint (beta->a, ==, 2000000);
  g_assert_cmpint (beta->b, ==, 2000000);
  g_assert_cmpfloat (beta->share, ==, 0);
  renamed = weft_diff_find_row (diff, WEFT_DIFF_LANE_STATE, "xz (tid 40)", WEFT_STATE_RUNNING);
  g_assert_nonnull (renamed);
  g_assert_cmpstr (renamed->subject_a, ==, "xz (tid 12)");
  g_assert_cmpint (renamed->a, ==, 3000000);
  g_assert_cmpint (renamed->b, ==, 3000000);
  renamed = weft_diff_find_row (diff, WEFT_DIFF_LANE_STATE, "gamma", WEFT_STATE_RUNNING);
  g_assert_nonnull (renamed);
  g_assert_cmpstr (renamed->subject_a, ==, "alpha");
  g_assert_cmpint (renamed->a, ==, 1000000);
  g_assert_cmpint (renamed->b, ==, 1000000);
  only_b = weft_diff_find_row (diff, WEFT_DIFF_LANE_STATE, "delta", WEFT_STATE_RUNNING);
  g_assert_nonnull (only_b);
  g_assert_false (only_b->has_a);
  g_assert_cmpint (only_b->b, ==, 4000000);

  /* walls 3 and 4 ms: the wall's change is 1 ms of the longer 4 */
  g_assert_cmpfloat_with_epsilon (weft_diff_find_row (diff, WEFT_DIFF_WALL, NULL, 0)->share, 1.0 / 4.0, 1e-9);
  /* running over all lanes, 6 ms to 10 ms: a share of B's 4 lanes × 4 ms,
   * not of one wall time (which a sum over lanes can pass) */
  g_assert_cmpint (weft_diff_find_row (diff, WEFT_DIFF_STATE, NULL, WEFT_STATE_RUNNING)->b, ==, 10000000);
  g_assert_cmpfloat_with_epsilon (weft_diff_find_row (diff, WEFT_DIFF_STATE, NULL, WEFT_STATE_RUNNING)->share,
                                  4.0 / 16.0, 1e-9);
  check_order (diff);
  check_json (diff);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/diff/gil-on-off", test_gil_on_off);
  g_test_add_func ("/weft/diff/run-vs-trace", test_run_vs_trace);
  g_test_add_func ("/weft/diff/lane-pairs", test_lane_pairs);
  return g_test_run ();
}
