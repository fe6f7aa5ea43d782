/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * WeftSummary and WeftComparison without a display: the typed figures of
 * real runs on real threads, their JSON and text renderings, a summary of
 * a trace read back (Weft's own and another program's), and comparisons
 * run several times, their median, spread and warnings.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "weft-comparison.h"
#include "weft-run.h"
#include "weft-summary.h"
#include "weft-test-run.h"
#include "weft-test-util.h"
#include "weft-trace-export.h"
#include "weft-trace-import.h"

/* Two 20 ms CPU tasks and one 10 ms I/O wait on two threads */
static const char small_profile[] =
  "{ \"weft_profile\": 1, \"name\": \"small\", \"executor\": \"threads\", \"workers\": 2,"
  "  \"tasks\": [ { \"name\": \"cpu\", \"count\": 2, \"steps\": [ { \"cpu\": { \"ms\": 20 } } ] },"
  "               { \"name\": \"wait\", \"steps\": [ { \"io\": { \"ms\": 10 } } ] } ] }";

/* The GIL on two threads, CPU work only: they must wait for it */
static const char gil_profile[] =
  "{ \"weft_profile\": 1, \"name\": \"gil\", \"executor\": \"threads\", \"workers\": 2, \"gil\": true,"
  "  \"tasks\": [ { \"name\": \"cpu\", \"count\": 4, \"steps\": [ { \"cpu\": { \"ms\": 30 } } ] } ] }";


static JsonObject *
json_of (JsonNode *node)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static gboolean
member_is_null (JsonObject *o,
                const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  g_assert_nonnull (n);   /* present, documented as null */
  return JSON_NODE_HOLDS_NULL (n);
}

static void
test_states_classified (void)
{
  /* Every state is exactly one of idle, work and wait; work on a CPU or I/O */
  for (guint s = 0; s < WEFT_N_STATES; s++)
    {
      guint kinds = (s == WEFT_STATE_IDLE) + weft_state_is_work (s) + weft_state_is_wait (s);

      g_assert_cmpuint (kinds, ==, 1);
      if (weft_state_is_on_cpu (s))
        g_assert_true (weft_state_is_work (s));
    }
  g_assert_true (weft_state_is_work (WEFT_STATE_IO));
  g_assert_false (weft_state_is_on_cpu (WEFT_STATE_IO));
  g_assert_true (weft_state_is_wait (WEFT_STATE_GIL_WAIT));
  g_assert_true (weft_state_is_wait (WEFT_STATE_STARTING));
  g_assert_false (weft_state_is_wait (WEFT_STATE_IDLE));
}

static void
test_run_summary (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (small_profile);
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  const WeftRunResult *result = weft_run_get_result (run);
  g_autoptr(WeftSummary) summary = weft_summary_new (weft_run_get_model (run), profile, result);
  g_autoptr(JsonNode) node = weft_summary_to_json (summary);
  JsonObject *o = json_of (node);
  const WeftSummaryTasks *tasks = weft_summary_get_tasks (summary);
  const WeftSummaryWorker *workers;
  guint64 work_ns = 0, busy_ns = 0;
  double efficiency;
  guint n;

  g_assert_cmpint (weft_summary_get_origin (summary), ==, WEFT_SUMMARY_ORIGIN_RUN);
  g_assert_cmpstr (weft_summary_get_profile (summary), ==, "small");
  g_assert_cmpstr (weft_summary_get_executor (summary), ==, "threads");
  g_assert_cmpint (weft_summary_get_gil (summary), ==, 0);
  g_assert_cmpuint (weft_summary_get_n_workers (summary), ==, 2);
  g_assert_nonnull (tasks);
  g_assert_cmpuint (tasks->ok, ==, 3);
  g_assert_cmpint (tasks->not_started, ==, 0);

  /* serial work: the tasks' CPU time and the 10 ms of I/O, at least 40 ms of CPU */
  g_assert_cmpuint (weft_summary_get_serial_ns (summary), >=, 10000000);
  workers = weft_summary_get_workers (summary, &n);
  g_assert_cmpuint (n, ==, 2);
  for (guint i = 0; i < n; i++)
    {
      guint64 total = 0;

      for (guint s = 0; s < WEFT_N_STATES; s++)
        total += workers[i].state_ns[s];
      /* a lane's states add up to the wall time */
      g_assert_cmpuint (total, ==, weft_summary_get_wall_ns (summary));
      work_ns += workers[i].work_ns;
      busy_ns += workers[i].state_ns[WEFT_STATE_IO];
    }
  g_assert_cmpuint (busy_ns, >=, 10000000);
  g_assert_cmpuint (work_ns, >, busy_ns);

  /* Work with a wait: no speedup, the overlap instead */
  g_assert_true (weft_summary_get_work_has_waits (summary));
  g_assert_false (weft_summary_get_speedup (summary, &efficiency));
  g_assert_false (weft_summary_get_efficiency (summary, &efficiency));
  g_assert_cmpfloat_with_epsilon (weft_summary_get_concurrency (summary),
                                  (double) weft_summary_get_serial_ns (summary) / weft_summary_get_wall_ns (summary),
                                  1e-12);

  /* The JSON says the same, field for field */
  g_assert_cmpstr (json_object_get_string_member (o, "profile"), ==, "small");
  g_assert_cmpstr (json_object_get_string_member (o, "executor"), ==, "threads");
  g_assert_false (json_object_get_boolean_member (o, "gil"));
  g_assert_cmpint (json_object_get_int_member (o, "n_workers"), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (o, "wall_s"), ==, weft_summary_get_wall_ns (summary) / 1e9);
  g_assert_true (member_is_null (o, "speedup"));
  g_assert_true (member_is_null (o, "efficiency"));
  g_assert_cmpfloat (json_object_get_double_member (o, "concurrency"), ==, weft_summary_get_concurrency (summary));
  g_assert_true (json_object_get_boolean_member (o, "work_has_waits"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "tasks"), "ok"), ==, 3);
  g_assert_false (json_object_get_boolean_member (o, "cancelled"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "workers")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "errors")), ==, 0);

  {
    g_autofree char *text = weft_summary_to_text (summary);

    g_assert_nonnull (strstr (text, "executor  threads, 2 workers, GIL off\n"));
    g_assert_null (strstr (text, "efficiency"));
    g_assert_nonnull (strstr (text, "\noverlap   3 tasks' waits overlapped on 2 workers: "));
  }
}

static void
test_dominant_wait (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (gil_profile);
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  g_autoptr(WeftSummary) summary = weft_summary_new (weft_run_get_model (run), profile,
                                                     weft_run_get_result (run));
  const WeftSummaryWorker *workers;
  guint64 ns, gil_wait = 0;
  double speedup, efficiency;
  guint n;


  g_assert_cmpint (weft_summary_get_dominant_wait (summary, &ns), ==, WEFT_STATE_GIL_WAIT);
  /* CPU work: a speedup against the tasks' CPU time, efficiency at most 1 */
  g_assert_false (weft_summary_get_work_has_waits (summary));
  g_assert_true (weft_summary_get_speedup (summary, &speedup));
  g_assert_true (weft_summary_get_efficiency (summary, &efficiency));
  g_assert_cmpfloat_with_epsilon (efficiency, speedup / 2, 1e-12);
  g_assert_cmpfloat (efficiency, <=, 1.0);
  workers = weft_summary_get_workers (summary, &n);
  for (guint i = 0; i < n; i++)
    gil_wait += workers[i].state_ns[WEFT_STATE_GIL_WAIT];
  g_assert_cmpuint (ns, ==, gil_wait);

  {
    const WeftSummaryLock *locks = weft_summary_get_locks (summary, &n);

    g_assert_cmpuint (n, ==, 1);
    g_assert_true (locks[0].is_gil);
    g_assert_cmpuint (locks[0].stats.contended, >, 0);
  }
}

/* Exports @run's model with the metadata its summary gives, and reads it
 * back: the summary of the trace read back */
static WeftSummary *
summary_read_back (WeftRun            *run,
                   const WeftProfile  *profile,
                   WeftSummary       **before,
                   WeftTraceMeta     **read_meta)
{
  g_autoptr(WeftTraceMeta) meta = NULL;
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-summary-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "run.json", NULL);

  g_assert_no_error (error);
  *before = weft_summary_new (weft_run_get_model (run), profile, weft_run_get_result (run));
  meta = weft_summary_to_trace_meta (*before);
  g_assert_true (weft_trace_export_to_file (weft_run_get_model (run), meta, path, NULL, &error));
  g_assert_no_error (error);
  model = weft_trace_import_file (path, read_meta, NULL, NULL, &error);
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);
  return weft_summary_new_for_trace (model, *read_meta);
}

/* A trace Weft wrote: what ran, from its metadata, and the efficiency its
 * profile allows (CPU work only, as the trace says) */
static void
test_weft_trace_summary (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (gil_profile);
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  g_autoptr(WeftTraceMeta) read_meta = NULL;
  g_autoptr(WeftSummary) before = NULL;
  g_autoptr(WeftSummary) after = summary_read_back (run, profile, &before, &read_meta);
  g_autoptr(JsonNode) node = NULL;
  const WeftSummaryTasks *tasks;
  double efficiency;
  JsonObject *o, *t;

  g_assert_cmpint (read_meta->work_waits, ==, 0);
  g_assert_cmpint (weft_summary_get_origin (after), ==, WEFT_SUMMARY_ORIGIN_WEFT_TRACE);
  g_assert_cmpstr (weft_summary_get_profile (after), ==, "gil");
  g_assert_cmpstr (weft_summary_get_executor (after), ==, "threads");
  g_assert_cmpint (weft_summary_get_gil (after), ==, 1);
  g_assert_cmpuint (weft_summary_get_n_workers (after), ==, 2);
  g_assert_cmpuint (weft_summary_get_wall_ns (after), ==, weft_summary_get_wall_ns (before));
  g_assert_cmpuint (weft_summary_get_serial_ns (after), ==, weft_summary_get_serial_ns (before));
  g_assert_false (weft_summary_get_work_has_waits (after));
  g_assert_true (weft_summary_get_efficiency (after, &efficiency));
  tasks = weft_summary_get_tasks (after);
  g_assert_nonnull (tasks);
  g_assert_cmpuint (tasks->ok, ==, 4);
  g_assert_cmpint (tasks->not_started, ==, -1);

  node = weft_summary_to_json (after);
  o = json_of (node);
  g_assert_cmpstr (json_object_get_string_member (o, "profile"), ==, "gil");
  g_assert_cmpstr (json_object_get_string_member (o, "executor"), ==, "threads");
  g_assert_true (json_object_get_boolean_member (o, "gil"));
  g_assert_cmpint (json_object_get_int_member (o, "n_workers"), ==, 2);
  t = json_object_get_object_member (o, "tasks");
  g_assert_cmpint (json_object_get_int_member (t, "ok"), ==, 4);
  g_assert_true (member_is_null (t, "not_started"));
}

/* A run whose profile waits for I/O: its trace says so, and the summary
 * read back offers no efficiency, as the run's did not */
static void
test_weft_trace_summary_waits (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (small_profile);
  g_autoptr(WeftRun) run = weft_test_run_to_end (profile, NULL);
  g_autoptr(WeftTraceMeta) read_meta = NULL;
  g_autoptr(WeftSummary) before = NULL;
  g_autoptr(WeftSummary) after = summary_read_back (run, profile, &before, &read_meta);
  double efficiency;

  g_assert_cmpint (read_meta->work_waits, ==, 1);
  g_assert_true (weft_summary_get_work_has_waits (before));
  g_assert_true (weft_summary_get_work_has_waits (after));
  g_assert_false (weft_summary_get_efficiency (before, &efficiency));
  g_assert_false (weft_summary_get_efficiency (after, &efficiency));
}

/* Another program's trace: what Weft cannot know is null, and no
 * efficiency "on 0 workers" */
static void
test_foreign_trace_summary (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "traces", "foreign-phases.json", NULL);
  g_autoptr(WeftTraceMeta) meta = NULL;
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(WeftSummary) summary = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  double efficiency;
  JsonObject *o;

  model = weft_trace_import_file (path, &meta, NULL, NULL, &error);
  g_assert_no_error (error);
  summary = weft_summary_new_for_trace (model, meta);

  g_assert_cmpint (weft_summary_get_origin (summary), ==, WEFT_SUMMARY_ORIGIN_TRACE);
  g_assert_null (weft_summary_get_profile (summary));
  g_assert_null (weft_summary_get_tasks (summary));
  g_assert_cmpuint (weft_summary_get_n_workers (summary), ==, 0);
  g_assert_false (weft_summary_get_efficiency (summary, &efficiency));

  node = weft_summary_to_json (summary);
  o = json_of (node);
  for (guint i = 0; i < 6; i++)
    {
      const char *nulls[] = { "profile", "executor", "gil", "n_workers", "tasks", "efficiency" };

      g_assert_true (member_is_null (o, nulls[i]));
    }
  g_assert_false (json_object_has_member (o, "cancelled"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "workers")), >, 0);

  text = weft_summary_to_text (summary);
  g_assert_null (strstr (text, "efficiency"));
  g_assert_null (strstr (text, "0 workers"));
}

/* ---- Comparison ---------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
  guint     progress;
  gboolean  cancel_at_first_run;
  GCancellable *cancellable;
} Compared;

static void
on_compared (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Compared *c = user_data;

  c->ok = weft_comparison_run_finish (WEFT_COMPARISON (object), result, &c->error);
  c->done = TRUE;
}

static void
on_progress (WeftComparison *comparison,
             Compared       *c)
{
  c->progress++;
  if (c->cancel_at_first_run && weft_comparison_get_row (comparison, 0)->repeats == 1)
    g_cancellable_cancel (c->cancellable);
}

static void
compare_to_end (WeftComparison *comparison,
                Compared       *c)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gint64 give_up = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  g_main_context_push_thread_default (context);
  g_signal_connect (comparison, "progress", G_CALLBACK (on_progress), c);
  weft_comparison_run_async (comparison, c->cancellable, on_compared, c);
  while (!c->done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_main_context_iteration (context, TRUE);
    }
  g_main_context_pop_thread_default (context);
}

static gboolean
has_warning (WeftComparison *comparison,
             const char     *part)
{
  const char * const *w = weft_comparison_get_warnings (comparison);

  for (guint i = 0; w[i] != NULL; i++)
    if (strstr (w[i], part) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_comparison_repeats (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (small_profile);
  g_autoptr(WeftComparison) comparison = weft_comparison_new (profile, 3);
  g_autoptr(JsonNode) node = NULL;
  Compared c = { 0 };
  JsonArray *runs;

  g_setenv ("WEFT_TEST_OTHER_LOAD", "0", TRUE);
  compare_to_end (comparison, &c);
  g_assert_no_error (c.error);
  g_assert_true (c.ok);
  g_assert_cmpuint (c.progress, >=, 15);

  g_assert_cmpuint (weft_comparison_get_n_rows (comparison), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      const WeftComparisonRow *row = weft_comparison_get_row (comparison, i);
      WeftRun *median = weft_comparison_get_median_run (comparison, i);

      if (row->error != NULL)
        continue;
      g_assert_cmpuint (row->repeats, ==, 3);
      g_assert_cmpuint (row->wall_min_ns, <=, row->wall_ns);
      g_assert_cmpuint (row->wall_ns, <=, row->wall_max_ns);
      /* the figure is the median run's own */
      g_assert_nonnull (median);
      g_assert_cmpuint (weft_run_get_result (median)->wall_ns, ==, row->wall_ns);
      /* the profile's work has a wait: no parallel efficiency */
      g_assert_false (row->has_efficiency);
    }
  /* the serial run against itself */
  g_assert_cmpfloat (weft_comparison_get_row (comparison, 0)->speedup, ==, 1.0);
  g_assert_cmpuint (weft_comparison_get_row (comparison, 0)->workers, ==, 1);
  g_assert_true (weft_comparison_get_row (comparison, 1)->gil);
  g_assert_false (has_warning (comparison, "other processes"));
  g_assert_false (has_warning (comparison, "ran once"));

  node = weft_comparison_to_json (comparison);
  g_assert_cmpint (json_object_get_int_member (json_of (node), "repeats"), ==, 3);
  runs = json_object_get_array_member (json_of (node), "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, 5);
  {
    JsonObject *serial = json_array_get_object_element (runs, 0);

    g_assert_cmpstr (json_object_get_string_member (serial, "label"), ==, "serial");
    g_assert_cmpint (json_object_get_int_member (serial, "repeats"), ==, 3);
    g_assert_cmpfloat (json_object_get_double_member (serial, "wall_s_min"), <=,
                       json_object_get_double_member (serial, "wall_s"));
    g_assert_cmpfloat (json_object_get_double_member (serial, "wall_s_max"), >=,
                       json_object_get_double_member (serial, "wall_s"));
  }
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_of (node), "warnings")));
  g_unsetenv ("WEFT_TEST_OTHER_LOAD");
}

/* CPU work: efficiency on more than one worker, never above 1 */
static void
test_comparison_efficiency (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (gil_profile);
  g_autoptr(WeftComparison) comparison = weft_comparison_new (profile, 1);
  g_autoptr(JsonNode) node = NULL;
  Compared c = { 0 };
  JsonArray *runs;

  compare_to_end (comparison, &c);
  g_assert_true (c.ok);
  node = weft_comparison_to_json (comparison);
  runs = json_object_get_array_member (json_of (node), "runs");
  for (guint i = 0; i < weft_comparison_get_n_rows (comparison); i++)
    {
      const WeftComparisonRow *row = weft_comparison_get_row (comparison, i);
      JsonObject *o = json_array_get_object_element (runs, i);

      if (row->error != NULL)
        continue;
      g_assert_cmpint (row->has_efficiency, ==, row->workers > 1);
      if (row->has_efficiency)
        {
          g_assert_cmpfloat (row->efficiency, <=, 1.0);
          g_assert_cmpfloat (json_object_get_double_member (o, "efficiency"), ==, row->efficiency);
        }
      else
        g_assert_true (member_is_null (o, "efficiency"));
    }
}

/* The load figure is injected: the warning is the comparison's, not the machine's */
static void
test_comparison_load_warning (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (small_profile);
  g_autoptr(WeftComparison) comparison = weft_comparison_new (profile, 1);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *forced = g_strdup_printf ("%.2f", 0.5 * g_get_num_processors ());
  Compared c = { 0 };
  JsonArray *warnings;

  g_setenv ("WEFT_TEST_OTHER_LOAD", forced, TRUE);
  compare_to_end (comparison, &c);
  g_assert_true (c.ok);
  g_assert_cmpfloat (weft_comparison_get_other_load (comparison), ==, 0.5 * g_get_num_processors ());
  g_assert_true (has_warning (comparison, "other processes kept"));
  g_assert_true (has_warning (comparison, "(50 % of the machine)"));
  g_assert_true (has_warning (comparison, "ran once"));
  {
    guint n;
    const WeftComparisonWarning *kinds = weft_comparison_get_warning_kinds (comparison, &n);

    g_assert_cmpuint (n, ==, g_strv_length ((char **) weft_comparison_get_warnings (comparison)));
    g_assert_cmpint (kinds[0].kind, ==, WEFT_COMPARISON_WARNING_LOAD);
    g_assert_cmpint (kinds[n - 1].kind, ==, WEFT_COMPARISON_WARNING_RAN_ONCE);
  }

  node = weft_comparison_to_json (comparison);
  warnings = json_object_get_array_member (json_of (node), "warnings");
  g_assert_cmpuint (json_array_get_length (warnings), >=, 2);
  text = weft_comparison_to_text (comparison);
  g_assert_nonnull (strstr (text, "\nwarning: other processes kept"));
  g_unsetenv ("WEFT_TEST_OTHER_LOAD");
}

static WeftSummary *
summary_of_shipped (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "workloads", name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = weft_profile_new_from_file (path, &error);
  g_autoptr(WeftRun) run = NULL;

  g_assert_no_error (error);
  run = weft_test_run_to_end (profile, NULL);
  return weft_summary_new (weft_run_get_model (run), profile, weft_run_get_result (run));
}

/* Overlapped waits are concurrency, not speedup: no speedup, no efficiency
 * (which was 62436 % for 17), the overlap in words */
static void
test_shipped_waits (gconstpointer data)
{
  g_autoptr(WeftSummary) summary = summary_of_shipped (data);
  g_autoptr(JsonNode) node = weft_summary_to_json (summary);
  g_autofree char *text = weft_summary_to_text (summary);
  g_autofree char *overlap = weft_summary_dup_overlap_text (summary);
  double v;

  g_assert_true (weft_summary_get_work_has_waits (summary));
  g_assert_false (weft_summary_get_speedup (summary, &v));
  g_assert_false (weft_summary_get_efficiency (summary, &v));
  g_assert_true (member_is_null (json_of (node), "speedup"));
  g_assert_true (member_is_null (json_of (node), "efficiency"));
  g_assert_cmpfloat (weft_summary_get_concurrency (summary), >, 1.0);
  g_assert_nonnull (overlap);
  g_assert_nonnull (strstr (overlap, "less wall time than one after another"));
  g_assert_null (strstr (text, "efficiency"));
  g_assert_null (strstr (text, "speedup"));
}

static void
test_shipped_many_waits (void)
{
  g_autoptr(WeftSummary) summary = summary_of_shipped ("17-many-waits-main-loop.json");
  g_autofree char *overlap = weft_summary_dup_overlap_text (summary);
  g_autofree char *want = g_strdup_printf ("1000 tasks' waits overlapped on 1 worker: %.0f× less wall time "
                                           "than one after another", weft_summary_get_concurrency (summary));

  g_assert_cmpstr (overlap, ==, want);
  /* 1000 waits of about 320 ms in all overlap: far more than 100× */
  g_assert_cmpfloat (weft_summary_get_concurrency (summary), >, 100);
}

/* Work of cancelled tasks counts only as far as it ran: four 2 s downloads
 * cancelled after 0.2 s are not 8 s of work (the run is ~0.2 s) */
static void
test_shipped_cancelled_work (void)
{
  g_autoptr(WeftSummary) summary = summary_of_shipped ("20-task-group-cancel.json");
  const WeftSummaryTasks *tasks = weft_summary_get_tasks (summary);

  g_assert_cmpuint (tasks->cancelled, ==, 4);
  /* five tasks, none can have worked longer than the run */
  g_assert_cmpuint (weft_summary_get_serial_ns (summary), <=, 5 * weft_summary_get_wall_ns (summary));
}

/* CPU work on threads: speedup and efficiency, efficiency at most 100 % */
static void
test_shipped_cpu (gconstpointer data)
{
  g_autoptr(WeftSummary) summary = summary_of_shipped (data);
  double speedup, efficiency;

  g_assert_false (weft_summary_get_work_has_waits (summary));
  g_assert_true (weft_summary_get_speedup (summary, &speedup));
  g_assert_true (weft_summary_get_efficiency (summary, &efficiency));
  g_assert_cmpfloat (efficiency, <=, 1.0);
  g_assert_null (weft_summary_dup_overlap_text (summary));
}

static void
test_comparison_cancel (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (small_profile);
  g_autoptr(WeftComparison) comparison = weft_comparison_new (profile, 3);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Compared c = { 0 };

  c.cancel_at_first_run = TRUE;
  c.cancellable = cancellable;
  compare_to_end (comparison, &c);
  g_assert_false (c.ok);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&c.error);
  /* what ran is kept; nothing ran after the stop */
  g_assert_cmpuint (weft_comparison_get_row (comparison, 0)->repeats, ==, 1);
  for (guint i = 1; i < weft_comparison_get_n_rows (comparison); i++)
    g_assert_cmpuint (weft_comparison_get_row (comparison, i)->repeats, ==, 0);
}

/* A counter's time per operation: shown when measured, a dash and null
 * when not (never a made-up 0) */
static void
test_counter_per_op (void)
{
  g_autoptr(WeftProfile) profile = weft_test_profile_from (small_profile);
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GArray) counters = g_array_new (FALSE, TRUE, sizeof (WeftCounterResult));
  WeftCounterResult measured = { .name = (char *) "fast", .expected = 10, .actual = 10, .ns_per_op = 244 };
  WeftCounterResult unknown = { .name = (char *) "slow", .expected = 10, .actual = 7, .lost = 3 };
  g_autoptr(GArray) deadlock = g_array_new (FALSE, TRUE, sizeof (WeftWaitLink));
  g_autoptr(GPtrArray) errors = g_ptr_array_new ();
  WeftRunResult result = { .counters = counters, .deadlock = deadlock, .errors = errors, .tasks_ok = 3 };
  g_autoptr(WeftSummary) summary = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  JsonArray *shown;

  g_array_append_val (counters, measured);
  g_array_append_val (counters, unknown);
  weft_trace_model_finish (model, 0);
  summary = weft_summary_new (model, profile, &result);
  text = weft_summary_to_text (summary);
  json = weft_summary_to_json (summary);

  g_assert_nonnull (strstr (text, "fast                           10           10            0        244   memory"));
  g_assert_nonnull (strstr (text, "slow                           10            7            3          —   memory"));
  shown = json_object_get_array_member (json_node_get_object (json), "counters");
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (shown, 0), "ns_per_op"), ==, 244);
  g_assert_true (json_object_get_null_member (json_array_get_object_element (shown, 1), "ns_per_op"));
}

/* A recorded program's lock: a lock taken without a wait recorded nothing,
 * so its acquisitions, the share that waited and its hold time are not
 * known: null in JSON, "—" in text; its waits are. The GIL's are known. */
static void
test_recorded_locks (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(WeftSummary) summary = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonObject *lock;

  for (guint16 w = 0; w < 2; w++)
    ev (e, 0, w, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_EXTERNAL, 700);
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, 9, WEFT_OBJECT_LOCK, 0);
  name_object (e, 0, 9, "table");
  for (guint16 w = 0; w < 2; w++)
    ev (e, 10 + w, w, WEFT_EVENT_TASK_BEGIN, 0x80000001u + w, 0, 0);
  /* thread 1 waits 1 ms for thread 0's hold (recorded at the release) */
  ev (e, 1000, 1, WEFT_EVENT_LOCK_WAIT, 9, 0, 0);
  ev (e, 1000, 0, WEFT_EVENT_LOCK_ACQUIRED, 9, 0, 0);
  ev (e, 1001000, 0, WEFT_EVENT_LOCK_RELEASED, 9, 0, 0);
  ev (e, 1002000, 1, WEFT_EVENT_LOCK_ACQUIRED, 9, 0, 0);
  ev (e, 1003000, 1, WEFT_EVENT_LOCK_RELEASED, 9, 0, 0);
  for (guint16 w = 0; w < 2; w++)
    ev (e, 2000000, w, WEFT_EVENT_TASK_END, 0x80000001u + w, WEFT_TASK_OK, 0);
  weft_trace_model_append (model, (const WeftEvent *) (gpointer) e->data, e->len);
  weft_trace_model_finish (model, 2000000);
  g_assert_true (weft_trace_model_is_recording (model));

  summary = weft_summary_new_for_trace (model, NULL);
  node = weft_summary_to_json (summary);
  lock = json_array_get_object_element (json_object_get_array_member (json_of (node), "locks"), 0);
  g_assert_cmpstr (json_object_get_string_member (lock, "name"), ==, "table");
  g_assert_cmpint (json_object_get_int_member (lock, "waits"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (lock, "wait_s"), 0.001, 1e-6);
  g_assert_true (member_is_null (lock, "acquisitions"));
  g_assert_true (member_is_null (lock, "contended_share"));
  g_assert_true (member_is_null (lock, "hold_s"));
  text = weft_summary_to_text (summary);
  g_assert_nonnull (strstr (text, "\ntable                         —          1          —      0.001"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/summary/states-classified", test_states_classified);
  g_test_add_func ("/weft/summary/run", test_run_summary);
  g_test_add_func ("/weft/summary/dominant-wait", test_dominant_wait);
  g_test_add_func ("/weft/summary/weft-trace", test_weft_trace_summary);
  g_test_add_func ("/weft/summary/weft-trace-waits", test_weft_trace_summary_waits);
  g_test_add_func ("/weft/summary/foreign-trace", test_foreign_trace_summary);
  g_test_add_data_func ("/weft/summary/shipped-17-waits", "17-many-waits-main-loop.json", test_shipped_waits);
  g_test_add_func ("/weft/summary/shipped-17-words", test_shipped_many_waits);
  g_test_add_data_func ("/weft/summary/shipped-18-waits", "18-blocking-call-stalls-loop.json", test_shipped_waits);
  g_test_add_data_func ("/weft/summary/shipped-21-waits", "21-etl-mixed-executors.json", test_shipped_waits);
  g_test_add_func ("/weft/summary/shipped-20-cancelled-work", test_shipped_cancelled_work);
  g_test_add_data_func ("/weft/summary/shipped-02-cpu", "02-gil-cpu-threads.json", test_shipped_cpu);
  g_test_add_data_func ("/weft/summary/shipped-03-cpu", "03-free-threading.json", test_shipped_cpu);
  g_test_add_func ("/weft/comparison/repeats", test_comparison_repeats);
  g_test_add_func ("/weft/comparison/efficiency", test_comparison_efficiency);
  g_test_add_func ("/weft/comparison/load-warning", test_comparison_load_warning);
  g_test_add_func ("/weft/comparison/cancel", test_comparison_cancel);
  g_test_add_func ("/weft/summary/counter-per-op", test_counter_per_op);
  g_test_add_func ("/weft/summary/recorded-locks", test_recorded_locks);

  return g_test_run ();
}
