/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app's result views on real runs: the summary view reads a typed
 * WeftSummary (a run, a foreign trace), the Compare view runs each variant
 * several times, shows median and spread, the warnings, and every timeline
 * on one time axis. Needs a display (run under xvfb-run); without one it
 * fails. */
#define G_LOG_DOMAIN "test-results-views"

#include "config.h"

#include <gtk/gtk.h>

#include "weft-compare-view.h"
#include "weft-contention-view.h"
#include "weft-deadlock-graph.h"
#include "weft-summary.h"
#include "weft-time-format.h"
#include "weft-legend.h"
#include "weft-summary-view.h"
#include "weft-trace-import.h"
#include "weft-test-run.h"
#include "weft-test-render.h"

static const char small_profile[] =
  "{ \"weft_profile\": 1, \"name\": \"small\", \"executor\": \"threads\", \"workers\": 2,"
  "  \"tasks\": [ { \"name\": \"cpu\", \"count\": 2, \"steps\": [ { \"cpu\": { \"ms\": 10 } } ] } ] }";

static const char waits_profile[] =
  "{ \"weft_profile\": 1, \"name\": \"waits\", \"executor\": \"threads\", \"workers\": 2,"
  "  \"tasks\": [ { \"name\": \"wait\", \"count\": 4, \"steps\": [ { \"io\": { \"ms\": 20 } } ] } ] }";

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

static gboolean
run_finished (gpointer data)
{
  return weft_run_get_finished (data);
}

static gboolean
not_comparing (gpointer data)
{
  return !weft_compare_view_get_running (data);
}

static GtkWidget *
show_in_window (GtkWidget *child)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), child);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (is_mapped, child, 5000));
  return window;
}

/* The first widget of @type under @root, depth first */
static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_summary_view (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (small_profile);
  g_autoptr(WeftRun) run = weft_run_new (profile, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) foreign = NULL;
  g_autoptr(WeftTraceMeta) meta = NULL;
  g_autofree char *trace = g_test_build_filename (G_TEST_DIST, "traces", "foreign-phases.json", NULL);
  GtkWidget *view = weft_summary_view_new ();
  GtkWidget *window = show_in_window (view);
  WeftSummary *summary;
  const char *headline;

  g_assert_true (weft_run_start (run, NULL, &error));
  g_assert_true (wait_for (run_finished, run, 60000));

  /* The time-per-state chart's legend names the states only: it draws no
   * failed tasks and no awaits */
  {
    GtkWidget *legend = find_widget (view, WEFT_TYPE_LEGEND);
    GtkWidget *full = weft_legend_new ();

    g_assert_nonnull (legend);
    g_assert_cmpuint (weft_legend_get_n_items (WEFT_LEGEND (legend)), ==, WEFT_N_STATES - 1);
    g_assert_cmpuint (weft_legend_get_n_items (WEFT_LEGEND (g_object_ref_sink (full))), ==, WEFT_N_STATES + 1);
    g_object_unref (full);
  }

  /* A run: the typed figures, on its 2 workers */
  weft_summary_view_set_data (WEFT_SUMMARY_VIEW (view), weft_run_get_model (run), profile,
                              weft_run_get_result (run));
  summary = weft_summary_view_get_summary (WEFT_SUMMARY_VIEW (view));
  g_assert_nonnull (summary);
  g_assert_cmpuint (weft_summary_get_n_workers (summary), ==, 2);
  headline = weft_summary_view_get_headline (WEFT_SUMMARY_VIEW (view));
  g_assert_nonnull (strstr (headline, "efficiency"));
  g_assert_nonnull (strstr (headline, "on 2 workers"));
  {
    g_autofree char *wall = g_strdup_printf ("Wall %.3f s", weft_summary_get_wall_ns (summary) / 1e9);

    g_assert_true (g_str_has_prefix (headline, wall));
  }
  /* Weft's run measures its waits for a core: its chart is parallelism */
  g_assert_nonnull (find_label (view, "Parallelism over time"));

  /* which CPython the model followed, as the run decided it */
  {
    g_autofree char *models = g_strdup_printf ("Models CPython %s", weft_summary_get_python (summary));

    g_assert_nonnull (weft_summary_get_python (summary));
    g_assert_true (g_str_has_prefix (weft_summary_view_get_model_text (WEFT_SUMMARY_VIEW (view)), models));
  }

  /* Another program's trace: no efficiency "on 0 workers" */
  foreign = weft_trace_import_file (trace, &meta, NULL, NULL, &error);
  g_assert_no_error (error);
  weft_summary_view_set_trace (WEFT_SUMMARY_VIEW (view), foreign, meta);
  headline = weft_summary_view_get_headline (WEFT_SUMMARY_VIEW (view));
  g_assert_null (strstr (headline, "efficiency"));
  g_assert_null (strstr (headline, "workers"));
  g_assert_nonnull (strstr (headline, "lanes busy at once"));
  /* another program's trace models nothing */
  g_assert_null (weft_summary_view_get_model_text (WEFT_SUMMARY_VIEW (view)));
  g_assert_cmpint (weft_summary_get_origin (weft_summary_view_get_summary (WEFT_SUMMARY_VIEW (view))), ==,
                   WEFT_SUMMARY_ORIGIN_TRACE);

  /* A recorded program: its threads run wherever no wait was recorded, on a
   * core or not, and the chart says that it counts those */
  {
    g_autoptr(WeftTraceModel) recorded = weft_trace_model_new ();
    g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));

    for (guint16 w = 0; w < 3; w++)
      {
        ev (e, 0, w, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_EXTERNAL, 500);
        ev (e, 1000 + w, w, WEFT_EVENT_TASK_BEGIN, 1 + w, 0, 0);
        ev (e, 90000 + w, w, WEFT_EVENT_TASK_END, 1 + w, WEFT_TASK_OK, 0);
      }
    weft_trace_model_append (recorded, (const WeftEvent *) (gpointer) e->data, e->len);
    weft_trace_model_finish (recorded, 100000);
    weft_summary_view_set_trace (WEFT_SUMMARY_VIEW (view), recorded, NULL);
    g_assert_null (find_label (view, "Parallelism over time"));
    g_assert_nonnull (find_label (view, "Threads not waiting over time (on a core or not: not measured)"));
  }

  /* Waits that overlap: their concurrency, no speedup */
  {
    g_autoptr(WeftProfile) waits = weft_test_profile_from (waits_profile);
    g_autoptr(WeftRun) wrun = weft_run_new (waits, NULL);

    g_assert_true (weft_run_start (wrun, NULL, &error));
    g_assert_true (wait_for (run_finished, wrun, 60000));
    weft_summary_view_set_data (WEFT_SUMMARY_VIEW (view), weft_run_get_model (wrun), waits,
                                weft_run_get_result (wrun));
    headline = weft_summary_view_get_headline (WEFT_SUMMARY_VIEW (view));
    g_assert_nonnull (strstr (headline, "4 tasks' waits overlapped on 2 workers: "));
    g_assert_null (strstr (headline, "speedup"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_compare_view (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (small_profile);
  GtkWidget *view = weft_compare_view_new ();
  GtkWidget *window = show_in_window (view);
  WeftCompareView *cv = WEFT_COMPARE_VIEW (view);
  GListModel *rows = weft_compare_view_get_rows (cv);
  WeftComparison *comparison;
  guint64 axis_ns = 0, longest_ns = 0;

  g_setenv ("WEFT_TEST_OTHER_LOAD", "1.5", TRUE);
  weft_compare_view_set_profile (cv, profile);
  weft_compare_view_start_repeats (cv, 2);
  g_assert_true (weft_compare_view_get_running (cv));
  g_assert_true (wait_for (not_comparing, cv, 120000));
  g_unsetenv ("WEFT_TEST_OTHER_LOAD");

  comparison = weft_compare_view_get_comparison (cv);
  g_assert_nonnull (comparison);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (rows, i);
      g_auto(GStrv) fields = g_strsplit (gtk_string_object_get_string (item), "\t", -1);
      const WeftComparisonRow *row = weft_comparison_get_row (comparison, i);
      g_autofree char *wall = g_strdup_printf ("%.3f s", row->wall_ns / 1e9);

      if (row->error != NULL)
        continue;
      g_assert_cmpuint (g_strv_length (fields), ==, 8);
      g_assert_cmpstr (fields[2], ==, "2");        /* runs */
      g_assert_cmpstr (fields[3], ==, wall);       /* the median */
      g_assert_nonnull (strstr (fields[4], "–"));  /* fastest–slowest */
    }

  /* The warning is shown, in the comparison's words */
  g_assert_nonnull (strstr (weft_compare_view_get_warning_text (cv), "Other processes kept 1.50"));

  /* One time axis: every timeline spans the longest median run, from its own start */
  g_assert_cmpuint (weft_compare_view_get_n_timelines (cv), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      WeftRunStats rs;

      weft_trace_model_get_run_stats (weft_run_get_model (weft_comparison_get_median_run (comparison, i)), &rs);
      longest_ns = MAX (longest_ns, rs.wall_ns);
    }
  for (guint i = 0; i < 5; i++)
    {
      WeftSession *session = weft_compare_view_get_session (cv, i);
      WeftRunStats rs;

      weft_trace_model_get_run_stats (weft_session_get_model (session), &rs);
      g_assert_cmpuint (weft_session_get_visible_begin (session), ==, rs.first_ns);
      if (i == 0)
        axis_ns = weft_session_get_visible_end (session) - weft_session_get_visible_begin (session);
      g_assert_cmpuint (weft_session_get_visible_end (session) - weft_session_get_visible_begin (session), ==, axis_ns);
    }
  g_assert_cmpuint (axis_ns, ==, longest_ns);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Stopping keeps what ran and runs nothing more */
static void
test_compare_view_stop (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (small_profile);
  GtkWidget *view = weft_compare_view_new ();
  GtkWidget *window = show_in_window (view);
  WeftCompareView *cv = WEFT_COMPARE_VIEW (view);

  weft_compare_view_set_profile (cv, profile);
  weft_compare_view_start (cv);
  weft_compare_view_cancel (cv);
  g_assert_true (wait_for (not_comparing, cv, 60000));
  g_assert_cmpuint (g_list_model_get_n_items (weft_compare_view_get_rows (cv)), <=, 1);
  g_assert_cmpuint (weft_compare_view_get_n_timelines (cv), <=, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A main loop with a blocking call: the contention view's lag line names
 * the task that blocked the loop, not one of the tasks it delayed. */
static void
test_loop_lag_culprit (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (
    "{ \"weft_profile\": 1, \"name\": \"stall\", \"executor\": \"mainloop\","
    "  \"tasks\": [ { \"name\": \"ticker\", \"count\": 5, \"steps\": [ { \"repeat\": { \"times\": 20,"
    "                   \"steps\": [ { \"io\": { \"ms\": 5 } } ] } } ] },"
    "               { \"name\": \"blocker\", \"steps\": [ { \"io\": { \"ms\": 20 } },"
    "                   { \"io\": { \"ms\": 120, \"blocking\": true } } ] } ] }");
  g_autoptr(WeftRun) run = weft_run_new (profile, NULL);
  g_autoptr(GError) error = NULL;
  GtkWidget *view = weft_contention_view_new ();
  GtkWidget *window = show_in_window (view);
  const char *text;

  g_assert_true (weft_run_start (run, NULL, &error));
  g_assert_true (wait_for (run_finished, run, 60000));
  weft_contention_view_set_data (WEFT_CONTENTION_VIEW (view), weft_run_get_model (run), profile,
                                 weft_run_get_result (run));
  text = weft_contention_view_get_loop_lag_text (WEFT_CONTENTION_VIEW (view));
  g_test_message ("%s", text);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "late, while blocker #1 ran without awaiting"));
  /* the lag is about the blocking call's 120 ms, in ms */
  g_assert_nonnull (strstr (text, " ms late"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static WeftRun *
run_to_end (WeftProfile *profile)
{
  g_autoptr(GError) error = NULL;
  WeftRun *run = weft_run_new (profile, NULL);

  g_assert_true (weft_run_start (run, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for (run_finished, run, 60000));
  return run;
}

/* Wait spans of @state on @object in every lane, and the holds */
static void
count_spans (WeftTraceModel *model,
             guint32         object,
             WeftState       wait_state,
             WeftState       held_state,
             guint64        *out_waits,
             guint64        *out_wait_ns,
             guint64        *out_holds)
{
  *out_waits = *out_wait_ns = *out_holds = 0;
  for (guint l = 0; l < weft_trace_model_get_n_lanes (model); l++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, l);

      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        for (guint i = 0; i < weft_lane_get_n_spans (lane, d); i++)
          {
            WeftSpan span;

            if (!weft_lane_get_span (lane, d, i, &span) || span.object != object)
              continue;
            if (span.state == wait_state)
              {
                (*out_waits)++;
                *out_wait_ns += span.end_ns - span.start_ns;
              }
            else if (span.state == held_state)
              (*out_holds)++;
          }
    }
}

static void
assert_cell (WeftContentionView *view,
             WeftContentionRow  *row,
             const char         *title,
             const char         *expected)
{
  g_autofree char *text = weft_contention_view_dup_cell (view, row, title);

  g_test_message ("%s / %s: %s", weft_contention_row_get_name (row), title, text);
  g_assert_cmpstr (text, ==, expected);
}

/* Item 9 of issue 11: the deadlock's lock table agrees with itself and
 * with the model's spans (a wait that never acquired is a wait: it has a
 * mean, and it makes the lock contended); the text and the graph name the
 * workers as the lanes do; queues have their own columns. */
static void
test_contention_deadlock (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "workloads", "22-deadlock.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = weft_profile_new_from_file (path, &error);
  g_autoptr(WeftRun) run = NULL;
  g_autoptr(WeftSummary) summary = NULL;
  GtkWidget *view = weft_contention_view_new ();
  GtkWidget *window = show_in_window (view);
  WeftContentionView *cv = WEFT_CONTENTION_VIEW (view);
  WeftTraceModel *model;
  GListModel *locks, *queues;
  guint64 unacquired = 0;
  const char *text;

  g_assert_no_error (error);
  run = run_to_end (profile);
  model = weft_run_get_model (run);
  weft_contention_view_set_data (cv, model, profile, weft_run_get_result (run));

  locks = weft_contention_view_get_objects (cv);
  g_assert_cmpuint (g_list_model_get_n_items (locks), ==, 2);   /* lock_a, lock_b: no GIL */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(WeftContentionRow) row = g_list_model_get_item (locks, i);
      const WeftContentionStats *s = weft_contention_row_get_stats (row);
      guint64 waits, wait_ns, holds;
      g_autofree char *waits_text = NULL, *share = NULL, *total = NULL, *mean = NULL;

      g_assert_cmpint (s->kind, ==, WEFT_OBJECT_LOCK);
      count_spans (model, s->object, WEFT_STATE_LOCK_WAIT, WEFT_STATE_LOCK_HELD, &waits, &wait_ns, &holds);
      g_assert_cmpuint (waits, >=, 1);
      g_assert_cmpuint (s->acquisitions, ==, holds);
      g_assert_cmpuint (s->waits, ==, waits);
      g_assert_cmpuint (s->total_wait_ns, ==, wait_ns);
      g_assert_cmpuint (s->mean_wait_ns, ==, wait_ns / waits);
      g_assert_cmpuint (s->contended + s->unacquired, ==, waits);
      unacquired += s->unacquired;

      waits_text = s->unacquired > 0
        ? g_strdup_printf ("%" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " never acquired)", waits, s->unacquired)
        : g_strdup_printf ("%" G_GUINT64_FORMAT, waits);
      share = g_strdup_printf ("%.1f %%", 100.0 * waits / (double) (holds + s->unacquired));
      total = weft_time_format_precise (wait_ns);
      mean = weft_time_format_precise (wait_ns / waits);
      assert_cell (cv, row, "Waits", waits_text);
      assert_cell (cv, row, "Contended", share);
      assert_cell (cv, row, "Total wait", total);
      assert_cell (cv, row, "Mean wait", mean);
    }
  /* The deadlock left at least one waiter without its lock */
  g_assert_cmpuint (unacquired, >=, 1);

  /* One name per worker: the text names the workers of the graph, which are the lanes' */
  summary = weft_summary_new (model, profile, weft_run_get_result (run));
  text = weft_summary_get_deadlock_text (summary);
  g_assert_nonnull (text);
  g_test_message ("deadlock: %s", text);
  g_assert_null (strstr (text, "worker"));
  for (guint l = 0; l < weft_trace_model_get_n_lanes (model); l++)
    g_assert_nonnull (strstr (text, weft_lane_get_name (weft_trace_model_get_lane (model, l))));

  /* The two hand-off queues: their own table and columns */
  queues = weft_contention_view_get_queues (cv);
  g_assert_cmpuint (g_list_model_get_n_items (queues), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(WeftContentionRow) row = g_list_model_get_item (queues, i);
      WeftQueueStats qs;
      g_autofree char *gets = NULL;

      g_assert_true (weft_trace_model_get_queue_stats (model, weft_contention_row_get_stats (row)->object, &qs));
      gets = g_strdup_printf ("%" G_GUINT64_FORMAT, qs.get_waits);
      assert_cell (cv, row, "Gets blocked (empty)", gets);
      assert_cell (cv, row, "Max depth", "1 of 1");
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A GIL row only where a GIL was taken: threads with it, not processes */
/* A trace opened without a run's result that ends with two lanes each
 * waiting for the lock the other holds: the graph shows that cycle */
static void
test_contention_deadlock_at_end (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  const WeftEvent events[] = {
    { .time_ns = 100, .worker = 1, .kind = WEFT_EVENT_TASK_BEGIN, .object = 7 },
    { .time_ns = 110, .worker = 1, .kind = WEFT_EVENT_LOCK_ACQUIRED, .object = 21 },
    { .time_ns = 300, .worker = 1, .kind = WEFT_EVENT_LOCK_WAIT, .object = 20 },
    { .time_ns = 100, .worker = 2, .kind = WEFT_EVENT_TASK_BEGIN, .object = 8 },
    { .time_ns = 120, .worker = 2, .kind = WEFT_EVENT_LOCK_ACQUIRED, .object = 20 },
    { .time_ns = 310, .worker = 2, .kind = WEFT_EVENT_LOCK_WAIT, .object = 21 },
  };
  GtkWidget *view = weft_contention_view_new ();
  GtkWidget *window = show_in_window (view);
  WeftContentionView *cv = WEFT_CONTENTION_VIEW (view);
  GtkWidget *graph = weft_contention_view_get_deadlock_graph (cv);

  weft_trace_model_declare_object (model, 20, WEFT_OBJECT_LOCK, 0);
  weft_trace_model_set_object_name (model, 20, "lock_a");
  weft_trace_model_declare_object (model, 21, WEFT_OBJECT_LOCK, 0);
  weft_trace_model_set_object_name (model, 21, "lock_b");
  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  weft_contention_view_set_data (cv, model, NULL, NULL);
  /* live: its waits may yet end */
  g_assert_cmpuint (weft_deadlock_graph_get_n_links (WEFT_DEADLOCK_GRAPH (graph)), ==, 0);

  weft_trace_model_finish (model, 1000);
  weft_contention_view_set_data (cv, model, NULL, NULL);
  g_assert_true (gtk_widget_is_visible (graph));
  g_assert_cmpuint (weft_deadlock_graph_get_n_links (WEFT_DEADLOCK_GRAPH (graph)), ==, 2);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_contention_gil_row (void)
{
  static const char threads[] =
    "{ \"weft_profile\": 1, \"name\": \"gil\", \"executor\": \"threads\", \"workers\": 2, \"gil\": true,"
    "  \"tasks\": [ { \"count\": 2, \"steps\": [ { \"cpu\": { \"ms\": 20 } } ] } ] }";
  static const char processes[] =
    "{ \"weft_profile\": 1, \"name\": \"gil\", \"executor\": \"processes\", \"workers\": 2, \"gil\": true,"
    "  \"start_method\": \"fork\", \"tasks\": [ { \"count\": 2, \"steps\": [ { \"cpu\": { \"ms\": 20 } } ] } ] }";
  GtkWidget *view = weft_contention_view_new ();
  GtkWidget *window = show_in_window (view);
  WeftContentionView *cv = WEFT_CONTENTION_VIEW (view);

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(WeftProfile) profile = weft_test_profile_from (k == 0 ? threads : processes);
      g_autoptr(WeftRun) run = run_to_end (profile);
      g_autoptr(WeftSummary) summary = weft_summary_new (weft_run_get_model (run), profile, weft_run_get_result (run));
      GListModel *rows;
      guint n_locks = 0, gil_rows = 0;
      const WeftSummaryLock *locks = weft_summary_get_locks (summary, &n_locks);

      weft_contention_view_set_data (cv, weft_run_get_model (run), profile, weft_run_get_result (run));
      rows = weft_contention_view_get_objects (cv);
      for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
        {
          g_autoptr(WeftContentionRow) row = g_list_model_get_item (rows, i);

          if (weft_contention_row_get_stats (row)->kind == WEFT_OBJECT_GIL)
            {
              gil_rows++;
              g_assert_cmpuint (weft_contention_row_get_stats (row)->acquisitions, >, 0);
            }
        }
      g_assert_cmpuint (gil_rows, ==, k == 0 ? 1 : 0);
      /* the summary's table (weft-cli) agrees */
      g_assert_cmpuint (n_locks, ==, k == 0 ? 1 : 0);
      if (n_locks > 0)
        g_assert_true (locks[0].is_gil);
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

static const char race_profile[] =
  "{ \"weft_profile\": 1, \"name\": \"race\", \"executor\": \"threads\", \"workers\": 2,"
  "  \"objects\": { \"n\": { \"kind\": \"counter\" } },"
  "  \"tasks\": [ { \"name\": \"add\", \"count\": 2, \"steps\": [ { \"increment\": { \"counter\": \"n\", \"times\": 200000 } } ] } ] }";

/* With WEFT_TEST_DUMP set, @window is saved there as a PNG (for docs/screenshots) */
static void
dump_window (GtkWidget *window)
{
  const char *path = g_getenv ("WEFT_TEST_DUMP");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);

  if (path == NULL)
    return;
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  snapshot = gtk_snapshot_new ();
  paintable = gtk_widget_paintable_new (window);
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* The toggle: Weft's model and Debian's python3 side by side, each with its
 * timeline; the real row's figures are its run's own */
static void
test_compare_view_runtimes (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (race_profile);
  GtkWidget *view = weft_compare_view_new ();
  GtkWidget *window = show_in_window (view);
  WeftCompareView *cv = WEFT_COMPARE_VIEW (view);
  GListModel *rows = weft_compare_view_get_rows (cv);
  WeftComparison *comparison;
  WeftCpythonRuntime *real;
  const WeftCounterResult *counter;
  g_autoptr(GtkStringObject) item = NULL;
  guint python_lanes = 0;

  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no /usr/bin/python3");
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }
  weft_compare_view_set_profile (cv, profile);
  weft_compare_view_set_runtimes (cv, TRUE);
  weft_compare_view_start_repeats (cv, 1);
  g_assert_true (wait_for (not_comparing, cv, 120000));

  comparison = weft_compare_view_get_comparison (cv);
  g_assert_cmpuint (weft_comparison_get_n_rows (comparison), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
  item = g_list_model_get_item (rows, 1);
  g_assert_true (g_str_has_prefix (gtk_string_object_get_string (item), "real CPython 3."));
  g_assert_cmpstr (weft_comparison_get_row (comparison, 0)->label, ==, "Weft's model");
  g_assert_nonnull (weft_comparison_get_median_run (comparison, 0));

  real = weft_comparison_get_median_real (comparison, 1);
  g_assert_nonnull (real);
  counter = &g_array_index (weft_cpython_runtime_get_result (real)->counters, WeftCounterResult, 0);
  g_assert_cmpint (counter->expected, ==, 400000);
  g_assert_true (weft_comparison_get_row (comparison, 1)->has_lost);
  g_assert_cmpfloat_with_epsilon (weft_comparison_get_row (comparison, 1)->lost_share,
                                  (double) counter->lost / 400000.0, 1e-9);
  g_assert_cmpuint (weft_comparison_get_row (comparison, 1)->wall_ns, ==,
                    weft_cpython_runtime_get_result (real)->wall_ns);

  /* both timelines; the real one has the program's pool threads (started
   * as tasks come: at most its 2 workers) */
  g_assert_cmpuint (weft_compare_view_get_n_timelines (cv), ==, 2);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (weft_session_get_model (weft_compare_view_get_session (cv, 1))); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (weft_session_get_model (weft_compare_view_get_session (cv, 1)), i);

      python_lanes += g_str_has_prefix (weft_lane_get_name (lane), "ThreadPoolExecutor-");
    }
  g_assert_cmpuint (python_lanes, >=, 1);
  g_assert_cmpuint (python_lanes, <=, 2);

  dump_window (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* A display test that finds no display fails: CI runs it under xvfb-run. */
  if (!gtk_init_check ())
    {
      g_printerr ("test-results-views: cannot open a display (run under xvfb-run)\n");
      return 1;
    }

  g_test_add_func ("/weft/results-views/summary", test_summary_view);
  g_test_add_func ("/weft/results-views/loop-lag-culprit", test_loop_lag_culprit);
  g_test_add_func ("/weft/results-views/compare", test_compare_view);
  g_test_add_func ("/weft/results-views/compare-stop", test_compare_view_stop);
  g_test_add_func ("/weft/results-views/compare-runtimes", test_compare_view_runtimes);
  g_test_add_func ("/weft/results-views/contention-deadlock", test_contention_deadlock);
  g_test_add_func ("/weft/results-views/contention-gil-row", test_contention_gil_row);
  g_test_add_func ("/weft/results-views/contention-deadlock-at-end", test_contention_deadlock_at_end);

  return g_test_run ();
}
