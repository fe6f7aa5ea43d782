/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app's Diff view on two real runs written as trace files and dropped
 * on it: the table is the WeftDiff's, the diff's figures are the two
 * summaries', and the two timelines share one time axis, their drawn
 * lengths in pixels proportional to their wall times. Needs a display (run
 * under xvfb-run); without one it fails. */
#define G_LOG_DOMAIN "test-diff-view"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "weft-application.h"
#include "weft-diff-view.h"
#include "weft-test-render.h"
#include "weft-timeline-view.h"
#include "weft-trace-export.h"
#include "weft-window.h"

/* One worker in one long I/O wait: busy from start to end, whatever the load */
static const char wait_profile[] =
  "{ \"weft_profile\": 1, \"name\": \"wait %d\", \"executor\": \"threads\", \"workers\": 1,"
  "  \"tasks\": [ { \"name\": \"wait\", \"steps\": [ { \"io\": { \"ms\": %d } } ] } ] }";

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
not_busy (gpointer data)
{
  return !weft_diff_view_get_busy (data);
}

/* A finished run of a one-wait profile of @ms */
static WeftRun *
run_profile (int ms)
{
  g_autofree char *json = g_strdup_printf (wait_profile, ms, ms);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = weft_profile_new_from_data (json, -1, "wait.json", &error);
  WeftRun *run;

  g_assert_no_error (error);
  run = weft_run_new (profile, NULL);
  g_assert_true (weft_run_start (run, NULL, &error));
  g_assert_true (wait_for (run_finished, run, 60000));
  return run;
}

/* Runs a one-wait profile of @ms and writes its trace to @path */
static void
write_trace (int         ms,
             const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftRun) run = run_profile (ms);
  g_autoptr(WeftSummary) summary = weft_summary_new (weft_run_get_model (run), weft_run_get_profile (run),
                                                     weft_run_get_result (run));
  g_autoptr(WeftTraceMeta) meta = weft_summary_to_trace_meta (summary);

  g_assert_true (weft_trace_export_to_file (weft_run_get_model (run), meta, path, NULL, &error));
  g_assert_no_error (error);
}

static guint32
pixel (const guchar *pixels, gsize stride, int x, int y)
{
  const guchar *p = pixels + (gsize) y * stride + (gsize) x * 4;

  return (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

static int
channel_distance (guint32 a, guint32 b)
{
  int d = 0;

  for (int shift = 0; shift <= 16; shift += 8)
    d = MAX (d, ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)));
  return d;
}

/*
 * How far right the lane's first span is drawn: the last column of the
 * lane's row, right of the label column, in the colour drawn at the
 * middle of its run. Returns the column; *out_origin is where time 0 is.
 */
static int
drawn_end (WeftTimelineView *view,
           WeftTraceModel   *model,
           int              *out_origin)
{
  WeftLane *lane = weft_trace_model_get_lane (model, 0);
  guint worker = weft_lane_get_worker (lane);
  WeftRunStats rs;
  int width, height, y, x, mid;
  gsize stride;
  g_autofree guchar *pixels = weft_test_render (GTK_WIDGET (view), "diff-view", &width, &height, &stride);
  guint32 colour;

  weft_trace_model_get_run_stats (model, &rs);
  y = (int) weft_timeline_view_get_row_y (view, worker, 0) + 4;
  mid = (int) weft_timeline_view_time_to_x (view, rs.first_ns + rs.wall_ns / 2);
  *out_origin = (int) weft_timeline_view_time_to_x (view, rs.first_ns);
  g_assert_cmpint (y, <, height);
  g_assert_cmpint (mid, <, width);
  colour = pixel (pixels, stride, mid, y);
  for (x = width - 1; x > mid; x--)
    if (channel_distance (pixel (pixels, stride, x, y), colour) <= 8)
      break;
  g_test_message ("row y %d: colour %06x from %d, drawn to %d of %d", y, colour, *out_origin, x, width);
  return x;
}

/* What a drop of two files on @view does: its drop target's "drop" */
static void
drop_files (GtkWidget *view,
            GFile     *a,
            GFile     *b)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (view);
  g_autoslist(GFile) files = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  GtkDropTarget *target = NULL;
  gboolean accepted = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);
  files = g_slist_append (g_slist_append (NULL, g_object_ref (a)), g_object_ref (b));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_assert_true (accepted);
}

static void
test_diff_view (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-diff-view-XXXXXX", &error);
  g_autofree char *path_a = g_build_filename (dir, "long.json", NULL);
  g_autofree char *path_b = g_build_filename (dir, "short.json", NULL);
  g_autoptr(GFile) file_a = g_file_new_for_path (path_a);
  g_autoptr(GFile) file_b = g_file_new_for_path (path_b);
  GtkWidget *view = weft_diff_view_new ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  WeftDiffView *dv = WEFT_DIFF_VIEW (view);
  WeftTimelineStack *stack;
  WeftDiff *diff;
  const WeftDiffRow *wall;
  guint n_rows;
  guint64 wall_ns[2];
  int end[2], origin[2];

  g_assert_no_error (error);
  write_trace (240, path_a);
  write_trace (120, path_b);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (is_mapped, view, 5000));

  /* two files dropped: read on the main context, then shown */
  drop_files (view, file_a, file_b);
  g_assert_true (weft_diff_view_get_busy (dv));
  g_assert_true (wait_for (not_busy, dv, 60000));
  diff = weft_diff_view_get_diff (dv);
  g_assert_nonnull (diff);
  g_assert_cmpuint (weft_diff_view_get_n_sources (dv), ==, 2);
  g_assert_cmpstr (weft_diff_get_name (diff, FALSE), ==, "long.json");
  /* files dropped on the view stay offered when the window refreshes its list */
  weft_diff_view_clear_sources (dv);
  g_assert_cmpuint (weft_diff_view_get_n_sources (dv), ==, 2);

  /* the table is the diff's, row for row, biggest change first */
  weft_diff_get_rows (diff, &n_rows);
  g_assert_cmpuint (g_list_model_get_n_items (weft_diff_view_get_rows (dv)), ==, n_rows);
  for (guint i = 0; i < 2; i++)
    wall_ns[i] = weft_summary_get_wall_ns (weft_diff_get_summary (diff, i));
  wall = weft_diff_find_row (diff, WEFT_DIFF_WALL, NULL, 0);
  g_assert_cmpint (wall->a, ==, (gint64) wall_ns[0]);
  g_assert_cmpint (wall->b, ==, (gint64) wall_ns[1]);
  g_assert_cmpuint (wall_ns[0], >, wall_ns[1]);
  {
    g_autoptr(GtkStringObject) first = g_list_model_get_item (weft_diff_view_get_rows (dv), 0);
    const WeftDiffRow *rows = weft_diff_get_rows (diff, &n_rows);
    g_autofree char *a = weft_diff_row_dup_value (&rows[0], 0);
    g_autofree char *b = weft_diff_row_dup_value (&rows[0], 1);
    g_autofree char *d = weft_diff_row_dup_value (&rows[0], 2);
    g_autofree char *values = g_strdup_printf ("\t%s\t%s\t%s\t", a, b, d);

    /* the first row shows the diff's own figures */
    g_assert_nonnull (strstr (gtk_string_object_get_string (first), values));
  }

  /* one axis, the longer wall, each from its own start */
  stack = weft_diff_view_get_timelines (dv);
  g_assert_cmpuint (weft_timeline_stack_get_n_timelines (stack), ==, 2);
  g_assert_cmpuint (weft_timeline_stack_get_axis_ns (stack), ==, wall_ns[0]);
  for (guint i = 0; i < 2; i++)
    {
      WeftSession *session = weft_timeline_stack_get_session (stack, i);

      g_assert_cmpuint (weft_session_get_visible_end (session) - weft_session_get_visible_begin (session), ==,
                        wall_ns[0]);
    }

  /* zooming one timeline shows the other the same window from its own start */
  {
    WeftSession *a = weft_timeline_stack_get_session (stack, 0);
    WeftSession *b = weft_timeline_stack_get_session (stack, 1);
    guint64 from = wall_ns[0] / 10, to = wall_ns[0] / 2;

    weft_session_set_visible (a, weft_session_get_begin (a) + from, weft_session_get_begin (a) + to);
    g_assert_cmpuint (weft_session_get_visible_begin (b) - weft_session_get_begin (b), ==, from);
    g_assert_cmpuint (weft_session_get_visible_end (b) - weft_session_get_begin (b), ==, to);
    weft_session_zoom_to_fit (b);
    g_assert_cmpuint (weft_session_get_visible_begin (a), ==, weft_session_get_begin (a));
    g_assert_cmpuint (weft_session_get_visible_end (a) - weft_session_get_visible_begin (a), ==, wall_ns[0]);
  }

  /* the pixels: each lane drawn as far as its wall, the lengths in proportion */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  for (guint i = 0; i < 2; i++)
    {
      WeftSession *session = weft_timeline_stack_get_session (stack, i);

      end[i] = drawn_end (WEFT_TIMELINE_VIEW (weft_timeline_stack_get_view (stack, i)),
                          weft_session_get_model (session), &origin[i]);
    }
  g_assert_cmpint (origin[0], ==, origin[1]);
  g_assert_cmpint (end[0] - origin[0], >, 300);
  {
    double drawn = (double) (end[1] - origin[1]) / (double) (end[0] - origin[0]);
    double walls = (double) wall_ns[1] / (double) wall_ns[0];

    g_test_message ("drawn %.3f, walls %.3f", drawn, walls);
    /* within 3 px of the longer lane */
    g_assert_cmpfloat (ABS (drawn - walls) * (end[0] - origin[0]), <=, 3.0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path_a);
  g_unlink (path_b);
  g_rmdir (dir);
}

/* The window's runs as sources (compared at once), a profile file run
 * first, and a malformed file: one message, nothing shown changed */
static void
test_runs_profiles_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-diff-view-XXXXXX", &error);
  g_autofree char *profile_path = g_build_filename (dir, "wait.json", NULL);
  g_autofree char *bad_path = g_build_filename (dir, "cut.json", NULL);
  g_autofree char *profile_json = g_strdup_printf (wait_profile, 30, 30);
  g_autoptr(GFile) profile_file = g_file_new_for_path (profile_path);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad_path);
  g_autoptr(WeftRun) a = run_profile (60);
  g_autoptr(WeftRun) b = run_profile (30);
  GtkWidget *view = weft_diff_view_new ();
  GtkWidget *window = gtk_window_new ();
  WeftDiffView *dv = WEFT_DIFF_VIEW (view);
  WeftDiff *diff;
  const WeftDiffRow *io;

  g_assert_no_error (error);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (is_mapped, view, 5000));

  /* finished runs: nothing to read, the diff is there at once */
  weft_diff_view_add_run (dv, "sixty", a);
  weft_diff_view_add_run (dv, "thirty", b);
  weft_diff_view_compare (dv, 0, 1);
  g_assert_false (weft_diff_view_get_busy (dv));
  diff = weft_diff_view_get_diff (dv);
  g_assert_nonnull (diff);
  g_assert_cmpstr (weft_diff_get_name (diff, TRUE), ==, "thirty");
  g_assert_cmpint (weft_summary_get_origin (weft_diff_get_summary (diff, FALSE)), ==, WEFT_SUMMARY_ORIGIN_RUN);
  io = weft_diff_find_row (diff, WEFT_DIFF_STATE, NULL, WEFT_STATE_IO);
  g_assert_nonnull (io);
  {
    guint n;
    const WeftSummaryWorker *w = weft_summary_get_workers (weft_diff_get_summary (diff, FALSE), &n);

    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpint (io->a, ==, (gint64) w[0].state_ns[WEFT_STATE_IO]);
  }

  /* a profile file is run first, as weft-cli diff does */
  g_assert_true (g_file_set_contents (profile_path, profile_json, -1, &error));
  weft_diff_view_add_file (dv, profile_file);
  weft_diff_view_compare (dv, 0, 2);
  g_assert_true (weft_diff_view_get_busy (dv));
  g_assert_true (wait_for (not_busy, dv, 60000));
  diff = weft_diff_view_get_diff (dv);
  g_assert_cmpstr (weft_diff_get_name (diff, TRUE), ==, "wait.json");
  g_assert_cmpint (weft_summary_get_origin (weft_diff_get_summary (diff, TRUE)), ==, WEFT_SUMMARY_ORIGIN_RUN);
  g_assert_cmpuint (weft_timeline_stack_get_n_timelines (weft_diff_view_get_timelines (dv)), ==, 2);

  /* a malformed trace: the loader's one message, the diff shown stays */
  g_assert_true (g_file_set_contents (bad_path, "{\"traceEvents\": [", -1, &error));
  weft_diff_view_add_file (dv, bad_file);
  weft_diff_view_compare (dv, 3, 1);
  g_assert_true (wait_for (not_busy, dv, 60000));
  g_assert_true (g_str_has_prefix (weft_diff_view_get_status (dv), "Cannot compare: cut.json:1:18: "));

  /* clearing forgets what was added; only files dropped on the view would stay */
  weft_diff_view_clear_sources (dv);
  g_assert_cmpuint (weft_diff_view_get_n_sources (dv), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (profile_path);
  g_unlink (bad_path);
  g_rmdir (dir);
}

static gboolean
window_idle (gpointer data)
{
  return !weft_window_get_loading (data) && !weft_window_get_busy (data) && weft_window_get_file (data) != NULL;
}

/* In the window: win.diff offers the window's finished run and the files
 * it opened, and compares a run with a trace */
static void
test_in_window (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-diff-view-XXXXXX", &error);
  g_autofree char *profile_path = g_build_filename (dir, "wait.json", NULL);
  g_autofree char *trace_path = g_build_filename (dir, "trace.json", NULL);
  g_autofree char *profile_json = g_strdup_printf (wait_profile, 20, 20);
  g_autoptr(GFile) profile_file = g_file_new_for_path (profile_path);
  g_autoptr(GFile) trace_file = g_file_new_for_path (trace_path);
  g_autoptr(WeftApplication) app = weft_application_new ("org.weft.Weft.TestDiffView", G_APPLICATION_NON_UNIQUE);
  WeftWindow *window;
  WeftDiffView *dv;

  g_assert_no_error (error);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_assert_true (g_file_set_contents (profile_path, profile_json, -1, &error));
  write_trace (40, trace_path);

  window = weft_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (is_mapped, window, 5000));
  weft_window_open_file (window, profile_file);
  g_assert_true (wait_for (window_idle, window, 30000));
  g_assert_true (weft_window_run (window));
  g_assert_true (wait_for (window_idle, window, 60000));
  weft_window_open_file (window, trace_file);
  g_assert_true (wait_for (window_idle, window, 30000));
  g_assert_true (g_file_equal (weft_window_get_file (window), trace_file));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.diff", NULL));
  g_assert_cmpstr (weft_window_get_page (window), ==, "timeline");
  dv = WEFT_DIFF_VIEW (weft_window_get_diff_view (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (dv)));
  /* the profile's last run, the profile and the trace opened */
  g_assert_cmpuint (weft_diff_view_get_n_sources (dv), ==, 3);
  weft_diff_view_compare (dv, 0, 2);
  g_assert_true (wait_for (not_busy, dv, 30000));
  g_assert_nonnull (weft_diff_view_get_diff (dv));
  g_assert_cmpint (weft_summary_get_origin (weft_diff_get_summary (weft_diff_view_get_diff (dv), FALSE)), ==,
                   WEFT_SUMMARY_ORIGIN_RUN);
  g_assert_cmpint (weft_summary_get_origin (weft_diff_get_summary (weft_diff_view_get_diff (dv), TRUE)), ==,
                   WEFT_SUMMARY_ORIGIN_WEFT_TRACE);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (profile_path);
  g_unlink (trace_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* A display test that finds no display fails: CI runs it under xvfb-run. */
  if (!gtk_init_check ())
    {
      g_printerr ("test-diff-view: cannot open a display (run under xvfb-run)\n");
      return 1;
    }

  g_test_add_func ("/weft/diff-view/two-files", test_diff_view);
  g_test_add_func ("/weft/diff-view/runs-profiles-errors", test_runs_profiles_errors);
  g_test_add_func ("/weft/diff-view/in-window", test_in_window);
  return g_test_run ();
}
