/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window around the timeline: opening profiles and traces, the editor,
 * runs, the contention and summary views, errors, export. Needs a display
 * (run under xvfb-run); without one it fails. */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <signal.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "weft-application.h"
#include "weft-contention-view.h"
#include "weft-library.h"
#include "weft-loader-private.h"
#include "weft-profile-editor.h"
#include "weft-state-style.h"
#include "weft-summary-view.h"
#include "weft-trace-import.h"
#include "weft-window.h"
#include "weft-window-private.h"
#include "weft-test-render.h"
#include "weft-test-util.h"

static WeftApplication *app;

static gboolean
is_mapped (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0 &&
         gtk_widget_get_height (widget) > 0;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
shows_profile (gpointer data)
{
  return g_strcmp0 (weft_window_get_page (data), "profile") == 0;
}

static gboolean
has_banner (gpointer data)
{
  return weft_window_get_banner_text (data) != NULL;
}

static gboolean
run_finished (gpointer data)
{
  return weft_window_get_run (data) != NULL && !weft_window_get_busy (data);
}

static gboolean
not_busy (gpointer data)
{
  return !weft_window_get_busy (data);
}

static gboolean
shows_timeline_or_banner (gpointer data)
{
  return g_strcmp0 (weft_window_get_page (data), "timeline") == 0 ||
         weft_window_get_banner_text (data) != NULL;
}

static gboolean
library_loaded (gpointer data)
{
  return weft_library_get_loaded (data);
}

/* A path in the source tree: parts, ending with NULL */
static char *
source_path (const char *first, ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *part;
  va_list args;

  g_ptr_array_add (parts, (gpointer) g_getenv ("WEFT_SOURCE_ROOT"));
  va_start (args, first);
  for (part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

static WeftWindow *
show_window (void)
{
  WeftWindow *window = weft_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (is_mapped, window, 5000));
  return window;
}

static void
destroy_window (WeftWindow *window)
{
  gpointer weak = window;

  /* A run still going on is stopped by the window; wait for it to end */
  weft_window_stop (window);
  g_assert_true (wait_for (not_busy, window, 20000));
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for (is_null, &weak, 5000));
}

static void
open_path (WeftWindow *window, const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  weft_window_open_file (window, file);
}

static gboolean
count_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
two_frames (gpointer data)
{
  return *(guint *) data >= 2;
}

/* Waits until @widget is mapped and has been through two frames (laid out
 * and drawn), with a cap. */
static void
wait_drawn (GtkWidget *widget)
{
  guint ticks = 0;
  guint id;

  g_assert_true (wait_for (is_mapped, widget, 5000));
  id = gtk_widget_add_tick_callback (widget, count_tick, &ticks, NULL);
  g_assert_true (wait_for (two_frames, &ticks, 5000));
  gtk_widget_remove_tick_callback (widget, id);
}

/* Distinct colours in the pixels (capped): a blank widget has one or two. */
static guint
count_colours (const guchar *pixels, gsize stride, int width, int height)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width && g_hash_table_size (seen) < 1000; x++)
      {
        guint32 v;

        memcpy (&v, pixels + y * stride + x * 4, 4);
        g_hash_table_add (seen, GUINT_TO_POINTER (v | 1));
      }
  return g_hash_table_size (seen);
}

/* Pixels within a small distance of @c (ARGB32, native endian: B G R A). */
static guint
count_colour (const guchar *pixels, gsize stride, int width, int height, const GdkRGBA *c)
{
  int r = (int) (c->red * 255 + 0.5), g = (int) (c->green * 255 + 0.5), b = (int) (c->blue * 255 + 0.5);
  guint n = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guchar *p = pixels + y * stride + x * 4;

        if (ABS (p[2] - r) <= 3 && ABS (p[1] - g) <= 3 && ABS (p[0] - b) <= 3)
          n++;
      }
  return n;
}

static void
test_library (void)
{
  WeftWindow *window = show_window ();
  WeftLibrary *library = WEFT_LIBRARY (weft_window_get_library (window));
  GListModel *model = weft_library_get_model (library);
  int last_concept = 0;
  guint n_workloads = 0;

  g_assert_true (wait_for (library_loaded, library, 10000));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(WeftLibraryItem) item = g_list_model_get_item (model, i);

      if (weft_library_item_get_kind (item) != WEFT_LIBRARY_ITEM_WORKLOAD)
        continue;
      n_workloads++;
      /* sorted by concept */
      g_assert_cmpint (weft_library_item_get_concept (item), >=, last_concept);
      last_concept = weft_library_item_get_concept (item);
    }
  g_assert_cmpuint (n_workloads, >=, 20);

  /* Titles of one concept that differ at the end are shown whole */
  {
    const char *titles[] = {
      "Shared memory between processes, without a lock",
      "Shared memory between processes, with a lock",
      "A shared array between processes, without a lock",
    };

    for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
      {
        GtkWidget *label = find_label (GTK_WIDGET (library), titles[i]);

        g_assert_nonnull (label);
        g_assert_true (wait_for (is_mapped, label, 5000));
        g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
        g_assert_true (gtk_label_get_wrap (GTK_LABEL (label)));
        g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (gtk_widget_get_parent (label)), ".json)"));
      }
  }
  destroy_window (window);
}

/* The first spin button of the editor that edits a step's size. */
static GtkWidget *
find_size_spin (GtkWidget *widget)
{
  if (GTK_IS_SPIN_BUTTON (widget) && g_object_get_data (G_OBJECT (widget), "step") != NULL)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_size_spin (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_size_spin (gpointer data)
{
  return find_size_spin (data) != NULL;
}

static void
test_open_profile_and_edit (void)
{
  WeftWindow *window = show_window ();
  g_autofree char *path = source_path ("workloads", "02-gil-cpu-threads.json", NULL);
  WeftProfileEditor *editor = WEFT_PROFILE_EDITOR (weft_window_get_profile_editor (window));
  const WeftProfile *profile;
  GtkWidget *workers;

  open_path (window, path);
  g_assert_true (wait_for (shows_profile, window, 10000));
  profile = weft_profile_editor_get_profile (editor);
  g_assert_nonnull (profile);
  g_assert_cmpint (profile->concept, ==, 2);

  /* The controls show the profile's values */
  workers = weft_profile_editor_get_field (editor, "workers");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (workers)), ==, (int) profile->workers);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (weft_profile_editor_get_field (editor, "gil"))) == profile->gil);
  g_assert_true (profile->gil);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (weft_profile_editor_get_field (editor, "executor"))),
                    ==, 0);  /* threads */
  g_assert_true (gtk_widget_get_mapped (workers));

  /* Editing changes the copy */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (workers), 2);
  g_assert_cmpuint (weft_profile_editor_get_profile (editor)->workers, ==, 2);
  gtk_switch_set_active (GTK_SWITCH (weft_profile_editor_get_field (editor, "gil")), FALSE);
  g_assert_false (weft_profile_editor_get_profile (editor)->gil);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (weft_profile_editor_get_field (editor, "executor")), 1);
  g_assert_cmpint (weft_profile_editor_get_profile (editor)->executor, ==, WEFT_EXECUTOR_PROCESSES);

  /* A task's sizes are spin buttons too: 02's task is 150 ms of CPU */
  {
    const WeftTaskSpec *task = g_ptr_array_index (weft_profile_editor_get_profile (editor)->tasks, 0);
    const WeftStep *step = g_ptr_array_index (task->steps, 0);
    GtkWidget *size = NULL;

    g_assert_true (wait_for (has_size_spin, editor, 5000));
    size = find_size_spin (GTK_WIDGET (editor));
    g_assert_cmpint (step->kind, ==, WEFT_STEP_CPU);
    g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (size)), ==, step->ms);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (size), 20);
    g_assert_cmpfloat (step->ms, ==, 20);
  }

  /* Save As writes the edited copy, which loads back equal */
  {
    g_autofree char *dir = g_dir_make_tmp ("weft-window-XXXXXX", NULL);
    g_autofree char *out = g_build_filename (dir, "edited.json", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (out);
    g_autoptr(GError) error = NULL;
    g_autoptr(WeftProfile) back = NULL;

    g_assert_true (weft_window_save_profile (window, file, &error));
    g_assert_no_error (error);
    back = weft_profile_new_from_file (out, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (back->workers, ==, 2);
    g_assert_cmpint (back->executor, ==, WEFT_EXECUTOR_PROCESSES);
    g_unlink (out);
    g_rmdir (dir);
  }

  destroy_window (window);
}

/* A profile dropped on the window opens like File ▸ Open: through the
 * window's real drop target, with the file list GTK hands it. */
static void
test_drop (void)
{
  WeftWindow *window = show_window ();
  g_autofree char *path = source_path ("workloads", "06-producer-consumer.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  GtkDropTarget *target = NULL;
  GValue value = G_VALUE_INIT;
  GSList *files = g_slist_prepend (NULL, file);
  gboolean accepted = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (c))
        target = GTK_DROP_TARGET (c);
    }
  g_assert_nonnull (target);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_slist_free (files);

  g_assert_true (accepted);
  g_assert_true (wait_for (shows_profile, window, 10000));
  g_assert_cmpint (weft_profile_editor_get_profile (WEFT_PROFILE_EDITOR (weft_window_get_profile_editor (window)))->concept, ==, 6);
  destroy_window (window);
}

static void
test_malformed_profile (void)
{
  WeftWindow *window = show_window ();
  g_autofree char *good = source_path ("workloads", "04-race-condition.json", NULL);
  g_autofree char *bad = source_path ("tests", "profiles", "malformed", "cpu-ms-not-number.json", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GFile) good_file = g_file_new_for_path (good);

  open_path (window, good);
  g_assert_true (wait_for (shows_profile, window, 10000));
  g_assert_null (weft_window_get_banner_text (window));

  open_path (window, bad);
  g_assert_true (wait_for (has_banner, window, 10000));
  g_test_message ("banner: %s", weft_window_get_banner_text (window));
  g_assert_nonnull (strstr (weft_window_get_banner_text (window), "cpu-ms-not-number.json:5:20:"));
  g_assert_nonnull (strstr (weft_window_get_banner_text (window), "expected a number from 0 to 600000"));

  /* What was shown before stays */
  g_assert_cmpstr (weft_window_get_page (window), ==, "profile");
  g_assert_true (g_file_equal (weft_window_get_file (window), good_file));
  g_assert_cmpint (weft_profile_editor_get_profile (WEFT_PROFILE_EDITOR (weft_window_get_profile_editor (window)))->concept,
                   ==, 4);

  /* A missing file too, and an unreadable trace */
  open_path (window, "/nonexistent/weft/trace.json");
  g_assert_true (wait_for (has_banner, window, 10000));
  g_assert_cmpstr (weft_window_get_page (window), ==, "profile");

  destroy_window (window);
}

static void
test_run_race (void)
{
  WeftWindow *window = show_window ();
  g_autofree char *path = source_path ("workloads", "04-race-condition.json", NULL);
  WeftContentionView *contention = WEFT_CONTENTION_VIEW (weft_window_get_contention_view (window));
  WeftSummaryView *summary = WEFT_SUMMARY_VIEW (weft_window_get_summary_view (window));
  GListModel *counters;
  WeftTraceModel *model;
  gboolean found = FALSE;
  g_autofree guchar *pixels = NULL;
  int width, height;
  gsize stride;

  open_path (window, path);
  g_assert_true (wait_for (shows_profile, window, 10000));

  g_assert_true (weft_window_run (window));
  g_assert_true (weft_window_get_busy (window));
  /* Run is disabled while running, Stop enabled */
  g_assert_false (weft_window_run (window));
  g_assert_cmpstr (weft_window_get_page (window), ==, "timeline");
  g_assert_true (wait_for (run_finished, window, 60000));

  g_assert_cmpstr (weft_window_get_page (window), ==, "timeline");
  model = weft_window_get_model (window);
  g_assert_nonnull (model);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (model), >=, 4);
  g_assert_true (gtk_widget_get_mapped (weft_window_get_timeline_view (window)));

  /* Selecting a span shows its details under the lanes */
  {
    WeftWindow *w = window;
    WeftLane *lane0 = weft_trace_model_get_lane (model, 0);
    guint depth = 0;
    const char *details;

    while (depth < weft_lane_get_n_depths (lane0) && weft_lane_get_n_spans (lane0, depth) == 0)
      depth++;
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (w->span_details)));
    weft_session_select_span (w->session, weft_lane_get_worker (lane0), depth, 0);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (w->span_details)));
    details = gtk_label_get_text (w->span_details);
    g_test_message ("selected: %s", details);
    g_assert_nonnull (strstr (details, "increment #"));
    g_assert_nonnull (strstr (details, " · "));
    weft_session_unselect_span (w->session);
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (w->span_details)));
  }

  /* The counter's lost updates are in the contention view's table */
  counters = weft_contention_view_get_counters (contention);
  for (guint i = 0; i < g_list_model_get_n_items (counters); i++)
    {
      g_autoptr(WeftContentionRow) row = g_list_model_get_item (counters, i);
      const WeftContentionStats *s = weft_contention_row_get_stats (row);

      g_test_message ("counter %s: expected %" G_GINT64_FORMAT ", actual %" G_GINT64_FORMAT ", lost %" G_GINT64_FORMAT,
                      weft_contention_row_get_name (row), s->expected, s->actual, s->lost);
      if (g_str_equal (weft_contention_row_get_name (row), "counter"))
        {
          found = TRUE;
          g_assert_cmpint (s->expected, ==, 4 * 1000000);
          g_assert_cmpint (s->lost, >, 0);
          g_assert_cmpint (s->expected - s->actual, ==, s->lost);
        }
    }
  g_assert_true (found);

  /* The contention view draws something */
  weft_window_show_view (window, "contention");
  pixels = weft_test_render (GTK_WIDGET (contention), "contention", &width, &height, &stride);
  g_assert_cmpint (width, >, 100);
  g_assert_cmpuint (count_colours (pixels, stride, width, height), >, 10);
  g_clear_pointer (&pixels, g_free);

  /* The summary's bars show the running colour */
  weft_window_show_view (window, "summary");
  g_assert_nonnull (strstr (weft_summary_view_get_headline (summary), "speedup"));
  {
    GtkWidget *bars = weft_summary_view_get_bars (summary);
    GdkRGBA running;

    weft_state_style_get_color (WEFT_STATE_RUNNING, weft_state_style_widget_is_dark (bars), &running);
    pixels = weft_test_render (bars, "state-bars", &width, &height, &stride);
    g_assert_cmpint (height, >=, 4 * 20);
    g_assert_cmpuint (count_colour (pixels, stride, width, height, &running), >, 1000);
  }

  /* Export to a temporary folder: the file exists and imports */
  {
    g_autofree char *dir = g_dir_make_tmp ("weft-window-XXXXXX", NULL);
    g_autofree char *out = g_build_filename (dir, "race-trace.json", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (out);
    g_autoptr(WeftTraceModel) back = NULL;
    g_autoptr(GError) error = NULL;

    weft_window_export (window, file);
    g_assert_true (weft_window_get_busy (window));
    g_assert_true (wait_for (not_busy, window, 30000));
    g_assert_null (weft_window_get_banner_text (window));
    g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));
    /* a toast says so, over the window */
    g_assert_nonnull (find_label (GTK_WIDGET (window->toasts), "Trace exported to race-trace.json"));
    back = weft_trace_import_file (out, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (weft_trace_model_get_n_lanes (back), ==, weft_trace_model_get_n_lanes (model));

    /* and the exported trace opens in a window, on the timeline */
    {
      WeftWindow *second = show_window ();

      weft_window_open_file (second, file);
      g_assert_true (wait_for (shows_timeline_or_banner, second, 30000));
      g_assert_null (weft_window_get_banner_text (second));
      g_assert_cmpstr (weft_window_get_page (second), ==, "timeline");
      g_assert_cmpuint (weft_trace_model_get_n_lanes (weft_window_get_model (second)), ==,
                        weft_trace_model_get_n_lanes (model));
      destroy_window (second);
    }
    g_unlink (out);
    g_rmdir (dir);
  }

  destroy_window (window);
}

static void
test_stop (void)
{
  WeftWindow *window = show_window ();
  g_autofree char *path = source_path ("workloads", "02-gil-cpu-threads.json", NULL);

  open_path (window, path);
  g_assert_true (wait_for (shows_profile, window, 10000));
  g_assert_true (weft_window_run (window));
  weft_window_stop (window);
  g_assert_true (wait_for (run_finished, window, 20000));
  g_assert_cmpstr (weft_window_get_page (window), ==, "timeline");
  destroy_window (window);
}

static void
test_deadlock (void)
{
  WeftWindow *window = show_window ();
  g_autofree char *path = source_path ("workloads", "22-deadlock.json", NULL);
  WeftContentionView *contention = WEFT_CONTENTION_VIEW (weft_window_get_contention_view (window));

  open_path (window, path);
  g_assert_true (wait_for (shows_profile, window, 10000));
  g_assert_true (weft_window_run (window));
  g_assert_true (wait_for (run_finished, window, 60000));
  g_assert_nonnull (weft_window_get_banner_text (window));
  g_test_message ("banner: %s", weft_window_get_banner_text (window));
  g_assert_true (gtk_widget_get_visible (weft_contention_view_get_deadlock_graph (contention)));
  g_assert_true (wait_for (is_mapped, weft_contention_view_get_deadlock_graph (contention), 5000));
  destroy_window (window);
}

/* ---- What the window shows belongs together ---------------------------------- */

static gboolean
shows_concept (WeftWindow *window, int concept)
{
  const WeftProfile *p = weft_profile_editor_get_profile (WEFT_PROFILE_EDITOR (weft_window_get_profile_editor (window)));

  return shows_profile (window) && !weft_window_get_loading (window) && p != NULL && p->concept == concept;
}

static gboolean
shows_concept_2 (gpointer data)
{
  return shows_concept (data, 2);
}

static gboolean
shows_concept_4 (gpointer data)
{
  return shows_concept (data, 4);
}

/* What a click on a library row does */
static void
click_library (WeftWindow *window, const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_signal_emit_by_name (weft_window_get_library (window), "file-activated", file);
}

static void
show_view (WeftWindow *window, const char *name)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", name));
}

/* Run 02, click 04 in the library, switch to the timeline: the title, the
 * views and the status name 04, not 02's run. Opening 02 again shows its
 * run; the profile's page is reachable from the run. */
static void
test_run_kept_with_profile (void)
{
  WeftWindow *window = show_window ();
  g_autofree char *p02 = source_path ("workloads", "02-gil-cpu-threads.json", NULL);
  g_autofree char *p04 = source_path ("workloads", "04-race-condition.json", NULL);
  WeftRun *run;
  WeftTraceModel *model;

  open_path (window, p02);
  g_assert_true (wait_for (shows_concept_2, window, 10000));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->show_run_button)));
  g_assert_true (weft_window_run (window));
  g_assert_true (wait_for (run_finished, window, 60000));
  run = weft_window_get_run (window);
  model = weft_window_get_model (window);
  g_assert_true (model == weft_run_get_model (run));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (window->run_status), "Finished in"));
  /* One wall figure, one formatting: the status's is the summary's headline's */
  {
    WeftSummary *summary = weft_summary_view_get_summary (window->summary_view);
    g_autofree char *wall = weft_summary_format_wall (summary);
    g_autofree char *status = g_strdup_printf ("Finished in %s: ", wall);
    g_autofree char *headline = g_strdup_printf ("Wall %s ", wall);

    g_test_message ("%s | %s", gtk_label_get_label (window->run_status),
                    weft_summary_view_get_headline (window->summary_view));
    g_assert_true (g_str_has_prefix (gtk_label_get_label (window->run_status), status));
    g_assert_true (g_str_has_prefix (weft_summary_view_get_headline (window->summary_view), headline));
  }
  /* The status has a line of its own, not the room the views' tabs leave
   * (it was cut to "Fini…"); its tooltip holds all of it */
  g_assert_false (gtk_widget_get_parent (GTK_WIDGET (window->run_status)) ==
                  gtk_widget_get_parent (GTK_WIDGET (window->profile_button)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (window->run_status)), ==,
                   gtk_label_get_label (window->run_status));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->run_status)));

  click_library (window, p04);
  g_assert_true (wait_for (shows_concept_4, window, 10000));
  show_view (window, "timeline");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "04-race-condition.json — Weft");
  g_assert_null (weft_window_get_run (window));
  g_assert_true (weft_window_get_model (window) != model);
  g_assert_true (weft_session_get_model (window->session) != model);
  g_assert_cmpstr (gtk_label_get_label (window->run_status), ==, "");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->run_status)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->show_run_button)));
  /* 04 has not run: its page stays, there is no timeline of it to show */
  g_assert_cmpstr (weft_window_get_page (window), ==, "profile");

  /* Back to 02: its run comes back with it */
  click_library (window, p02);
  g_assert_true (wait_for (shows_concept_2, window, 10000));
  g_assert_true (weft_window_get_run (window) == run);
  g_assert_true (weft_window_get_model (window) == model);
  g_assert_true (g_str_has_prefix (gtk_label_get_label (window->run_status), "Finished in"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "02-gil-cpu-threads.json — Weft");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->show_run_button)));
  g_assert_true (wait_for (is_mapped, window->show_run_button, 5000));
  g_signal_emit_by_name (window->show_run_button, "clicked");
  g_assert_cmpstr (weft_window_get_page (window), ==, "timeline");
  /* the header switches between the run's views; on the profile it is the title */
  g_assert_true (adw_view_switcher_title_get_view_switcher_enabled (window->view_title));

  /* and from the run back to the profile: the button beside the views... */
  g_assert_true (wait_for (is_mapped, window->profile_button, 5000));
  g_signal_emit_by_name (window->profile_button, "clicked");
  g_assert_cmpstr (weft_window_get_page (window), ==, "profile");
  g_assert_false (adw_view_switcher_title_get_view_switcher_enabled (window->view_title));

  /* ...or a click on the profile's (selected) row, which keeps the edits:
   * the row's own click gesture, pressed and released */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (weft_profile_editor_get_field (WEFT_PROFILE_EDITOR (window->editor), "workers")), 3);
  show_view (window, "timeline");
  {
    GtkWidget *label = find_label (weft_window_get_library (window), "GIL: CPU-bound threads");
    GtkWidget *row;
    g_autoptr(GListModel) controllers = NULL;
    GtkGesture *click = NULL;

    g_assert_nonnull (label);
    row = gtk_widget_get_parent (label);
    controllers = gtk_widget_observe_controllers (row);
    for (guint i = 0; i < g_list_model_get_n_items (controllers) && click == NULL; i++)
      {
        g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_CLICK (c))
          click = GTK_GESTURE (c);
      }
    g_assert_nonnull (click);
    g_signal_emit_by_name (click, "pressed", 1, 5.0, 5.0);
    g_signal_emit_by_name (click, "released", 1, 5.0, 5.0);
  }
  g_assert_cmpstr (weft_window_get_page (window), ==, "profile");
  g_assert_cmpuint (weft_profile_editor_get_profile (window->editor)->workers, ==, 3);

  destroy_window (window);
}

/* ---- Loading ------------------------------------------------------------------- */

static gboolean
loader_waiting (gpointer data)
{
  return _weft_loader_get_n_waiting () == 1;
}

static gboolean
not_loading (gpointer data)
{
  return !weft_window_get_loading (data);
}

/* A Chrome trace of @n_events "X" slices on 8 threads */
static char *
write_big_trace (const char *dir, guint n_events)
{
  char *path = g_build_filename (dir, "big-trace.json", NULL);
  g_autoptr(GString) json = g_string_sized_new (n_events * 80);
  g_autoptr(GError) error = NULL;

  g_string_append (json, "[\n");
  for (guint i = 0; i < n_events; i++)
    g_string_append_printf (json, "{\"ph\":\"X\",\"name\":\"slice %u\",\"pid\":1,\"tid\":%u,\"ts\":%u,\"dur\":8},\n",
                            i, i % 8, (i / 8) * 10);
  g_string_append (json, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"args\":{\"name\":\"big\"}}\n]\n");
  g_assert_true (g_file_set_contents (path, json->str, json->len, &error));
  g_assert_no_error (error);
  return path;
}

/* While a trace loads: a progress bar, the old view and title kept; the
 * title changes when the new trace is shown. A failed load keeps what was
 * shown and says why. The loader is held on its thread after reading, so
 * that "during the load" is a state to look at, not a race. */
static void
test_load_progress (void)
{
  WeftWindow *window = show_window ();
  g_autofree char *p04 = source_path ("workloads", "04-race-condition.json", NULL);
  g_autofree char *dir = g_dir_make_tmp ("weft-window-XXXXXX", NULL);
  g_autofree char *big = write_big_trace (dir, 50000);  /* 4 MB */
  g_autofree char *bad = g_build_filename (dir, "broken-trace.json", NULL);
  WeftTraceModel *model;
  guint ticks = 0;
  guint id;

  open_path (window, p04);
  g_assert_true (wait_for (shows_concept_4, window, 10000));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->load_bar)));
  /* a run of Weft's: every state in the legend, the failed tasks and awaits */
  g_assert_cmpuint (weft_legend_get_n_items (window->timeline_legend), ==, WEFT_N_STATES + 1);

  _weft_loader_set_held (TRUE);
  open_path (window, big);
  g_assert_true (wait_for (loader_waiting, NULL, 120000));
  g_assert_true (weft_window_get_loading (window));
  g_assert_true (wait_for (is_mapped, window->load_progress, 5000));
  g_assert_cmpstr (gtk_label_get_label (window->load_label), ==, "Loading big-trace.json…");
  /* the main loop goes on: the window draws frames while the file loads */
  id = gtk_widget_add_tick_callback (GTK_WIDGET (window->load_progress), count_tick, &ticks, NULL);
  g_assert_true (wait_for (two_frames, &ticks, 5000));
  gtk_widget_remove_tick_callback (GTK_WIDGET (window->load_progress), id);
  /* the old view and title stay */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "04-race-condition.json — Weft");
  g_assert_cmpstr (weft_window_get_page (window), ==, "profile");
  g_assert_true (g_str_has_suffix (g_file_peek_path (weft_window_get_file (window)), "04-race-condition.json"));
  _weft_loader_set_held (FALSE);

  g_assert_true (wait_for (not_loading, window, 120000));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->load_bar)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "big-trace.json — Weft");
  g_assert_cmpstr (weft_window_get_page (window), ==, "timeline");
  model = weft_window_get_model (window);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (model), ==, 8);
  /* another program's slices: the legend names them, not Weft's states */
  g_assert_true (weft_trace_model_get_named_slices (model));
  g_assert_cmpuint (weft_legend_get_n_items (window->timeline_legend), ==, 2);
  g_assert_null (weft_window_get_banner_text (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->profile_button)));
  wait_drawn (weft_window_get_timeline_view (window));

  /* A trace that fails to load: the big one stays, the banner says why */
  g_assert_true (g_file_set_contents (bad, "[\n {\"ph\": \"X\",, }\n]\n", -1, NULL));
  _weft_loader_set_held (TRUE);
  open_path (window, bad);
  g_assert_true (wait_for (loader_waiting, NULL, 120000));
  g_assert_true (weft_window_get_loading (window));
  _weft_loader_set_held (FALSE);
  g_assert_true (wait_for (has_banner, window, 30000));
  g_test_message ("banner: %s", weft_window_get_banner_text (window));
  g_assert_true (g_str_has_prefix (weft_window_get_banner_text (window), "broken-trace.json:2:"));
  g_assert_false (weft_window_get_loading (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "big-trace.json — Weft");
  g_assert_true (weft_window_get_model (window) == model);
  g_assert_cmpstr (weft_window_get_page (window), ==, "timeline");

  destroy_window (window);
  g_unlink (big);
  g_unlink (bad);
  g_rmdir (dir);
}

static gboolean
has_file (gpointer data)
{
  return weft_window_get_file (data) != NULL && !weft_window_get_loading (data);
}

/* "[]" opens with a word that it holds nothing; a 0-byte file is refused
 * with a message naming it. */
static void
test_empty_trace (void)
{
  WeftWindow *window = show_window ();
  g_autofree char *dir = g_dir_make_tmp ("weft-window-XXXXXX", NULL);
  g_autofree char *nothing = g_build_filename (dir, "nothing.json", NULL);
  g_autofree char *empty = g_build_filename (dir, "zero.json", NULL);

  g_assert_true (g_file_set_contents (nothing, "[]", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));

  open_path (window, nothing);
  g_assert_true (wait_for (has_file, window, 10000));
  g_assert_cmpstr (weft_window_get_page (window), ==, "timeline");
  g_assert_true (wait_for (is_mapped, window->empty_page, 5000));
  g_assert_cmpstr (adw_status_page_get_title (window->empty_page), ==, "No Events");
  g_assert_cmpstr (adw_status_page_get_description (window->empty_page), ==,
                   "nothing.json holds no events: there is nothing to draw.");
  g_assert_cmpstr (gtk_label_get_label (window->run_status), ==, "No events");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->timeline_scroller)));

  open_path (window, empty);
  g_assert_true (wait_for (has_banner, window, 10000));
  g_assert_cmpstr (weft_window_get_banner_text (window), ==,
                   "zero.json: the file is empty; expected a workload profile or a trace (JSON)");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "nothing.json — Weft");

  /* A profile afterwards: the word about the empty trace goes */
  {
    g_autofree char *p04 = source_path ("workloads", "04-race-condition.json", NULL);

    open_path (window, p04);
    g_assert_true (wait_for (shows_concept_4, window, 10000));
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->empty_page)));
  }

  destroy_window (window);
  g_unlink (nothing);
  g_unlink (empty);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_autofree char *workloads = NULL;
  int status;

  if (g_getenv ("WEFT_SOURCE_ROOT") == NULL)
    {
      g_autofree char *root = g_path_get_dirname (g_getenv ("G_TEST_SRCDIR") ? g_getenv ("G_TEST_SRCDIR") : "tests");

      g_setenv ("WEFT_SOURCE_ROOT", root, TRUE);
    }
  /* Writing to a pipe whose reader is gone (a dead worker) gives EPIPE, not death. */
  signal (SIGPIPE, SIG_IGN);
  /* Before GTK starts threads: setenv is not thread-safe */
  workloads = g_build_filename (g_getenv ("WEFT_SOURCE_ROOT"), "workloads", NULL);
  g_setenv ("WEFT_WORKLOADS_DIR", workloads, TRUE);

  g_test_init (&argc, &argv, NULL);

  /* A display test that finds no display fails: CI runs it under xvfb-run. */
  if (!gtk_init_check ())
    {
      g_printerr ("test-window: cannot open a display (run under xvfb-run)\n");
      return 1;
    }

  app = weft_application_new ("org.weft.Weft.TestWindow", G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/weft/window/library", test_library);
  g_test_add_func ("/weft/window/open-profile-and-edit", test_open_profile_and_edit);
  g_test_add_func ("/weft/window/malformed-profile", test_malformed_profile);
  g_test_add_func ("/weft/window/drop", test_drop);
  g_test_add_func ("/weft/window/run-race", test_run_race);
  g_test_add_func ("/weft/window/stop", test_stop);
  g_test_add_func ("/weft/window/deadlock", test_deadlock);
  g_test_add_func ("/weft/window/run-kept-with-profile", test_run_kept_with_profile);
  g_test_add_func ("/weft/window/load-progress", test_load_progress);
  g_test_add_func ("/weft/window/empty-trace", test_empty_trace);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
