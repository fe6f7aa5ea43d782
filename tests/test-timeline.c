/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The timeline view, the time ruler and the window's timeline page, drawn
 * to pixels. Needs a display (run under xvfb-run); without one it fails. */
#define G_LOG_DOMAIN "test-timeline"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "weft-session.h"
#include "weft-state-style.h"
#include "weft-step-chart.h"
#include "weft-time-format.h"
#include "weft-time-ruler.h"
#include "weft-timeline-rows.h"
#include "weft-timeline-view-private.h"
#include "weft-window.h"
#include "weft-test-render.h"

#define MS    G_GUINT64_CONSTANT (1000000)
#define BASE  (1000 * MS)

#define LOCK  10
#define QUEUE 20
#define GIL   30

/* ---- helpers -------------------------------------------------------------- */

static gboolean
stack_settled (gpointer data)
{
  return !gtk_stack_get_transition_running (GTK_STACK (data));
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Three lanes over 0–100 ms:
 *   worker 0: running 0–100
 *   worker 1: idle 0–20, waits for a lock 20–60, holds it 60–90
 *   worker 2: blocked on a queue get 10–50, running 50–80, idle after */
static WeftTraceModel *
small_model (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));

  ev (e, 0, 0, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 4242);
  ev (e, 0, 1, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 4242);
  ev (e, 0, 2, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 4242);
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, LOCK, WEFT_OBJECT_LOCK, 0);
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, QUEUE, WEFT_OBJECT_QUEUE, 8);
  name_object (e, 0, LOCK, "state_lock");
  name_object (e, 0, QUEUE, "jobs");
  name_object (e, 0, WEFT_OBJECT_SELF, "producer");
  name_object (e, 1, WEFT_OBJECT_SELF, "locker");
  name_object (e, 2, WEFT_OBJECT_SELF, "consumer");

  ev (e, BASE + 0, 0, WEFT_EVENT_TASK_BEGIN, 1, 0, 0);
  ev (e, BASE + 10 * MS, 2, WEFT_EVENT_QUEUE_GET_BEGIN, QUEUE, 0, 0);
  ev (e, BASE + 20 * MS, 1, WEFT_EVENT_LOCK_WAIT, LOCK, 0, 0);
  ev (e, BASE + 48 * MS, 0, WEFT_EVENT_QUEUE_PUT_BEGIN, QUEUE, 0, 0);
  ev (e, BASE + 48 * MS, 0, WEFT_EVENT_QUEUE_PUT_END, QUEUE, 1, 7);
  ev (e, BASE + 50 * MS, 2, WEFT_EVENT_QUEUE_GET_END, QUEUE, 0, 7);
  ev (e, BASE + 50 * MS, 2, WEFT_EVENT_TASK_BEGIN, 2, 0, 0);
  ev (e, BASE + 60 * MS, 1, WEFT_EVENT_LOCK_ACQUIRED, LOCK, 0, 0);
  ev (e, BASE + 80 * MS, 2, WEFT_EVENT_TASK_END, 2, WEFT_TASK_OK, 0);
  ev (e, BASE + 90 * MS, 1, WEFT_EVENT_LOCK_RELEASED, LOCK, 0, 0);
  ev (e, BASE + 100 * MS, 0, WEFT_EVENT_TASK_END, 1, WEFT_TASK_OK, 0);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, BASE + 100 * MS);
  return model;
}

typedef struct
{
  GtkWidget        *window;
  WeftTimelineView *view;
  WeftSession      *session;
  WeftTraceModel   *model;
} Fixture;

static void
fixture_setup (Fixture *f, WeftTraceModel *model, int width, int height)
{
  f->model = model;
  f->session = weft_session_new ();
  weft_session_set_model (f->session, model);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  gtk_window_set_resizable (GTK_WINDOW (f->window), FALSE);
  f->view = WEFT_TIMELINE_VIEW (weft_timeline_view_new (f->session));
  gtk_widget_set_size_request (GTK_WIDGET (f->view), width, height);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->view));
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (wait_for (weft_test_widget_is_ready, f->view, 5000));
}

static void
fixture_teardown (Fixture *f)
{
  gpointer weak = f->window;

  g_object_add_weak_pointer (G_OBJECT (f->window), &weak);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_true (wait_for (is_null, &weak, 5000));
  g_clear_object (&f->session);
  g_clear_object (&f->model);
}

/* Renders @widget the way GTK would draw it; ARGB32 pixels, native endian. */
static guchar *
render_widget (GtkWidget *widget, int *width, int *height, gsize *stride, const char *png)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  guchar *pixels;

  weft_test_wait_painted (widget);
  paintable = gtk_widget_paintable_new (widget);
  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, *width, *height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  g_assert_nonnull (renderer);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, *width, *height));
  if (png != NULL)
    g_assert_true (gdk_texture_save_to_png (texture, png));
  else if (g_getenv ("WEFT_TEST_DUMP") != NULL)
    gdk_texture_save_to_png (texture, g_getenv ("WEFT_TEST_DUMP"));
  *stride = (gsize) *width * 4;
  pixels = g_malloc (*stride * *height);
  gdk_texture_download (texture, pixels, *stride);
  return pixels;
}

static void
pixel_at (const guchar *pixels, gsize stride, int x, int y, GdkRGBA *out)
{
  const guchar *p = pixels + (gsize) y * stride + (gsize) x * 4;

  out->blue = p[0] / 255.f;
  out->green = p[1] / 255.f;
  out->red = p[2] / 255.f;
  out->alpha = p[3] / 255.f;
}

static double
colour_distance (const GdkRGBA *a, const GdkRGBA *b)
{
  return MAX (MAX (ABS (a->red - b->red), ABS (a->green - b->green)), ABS (a->blue - b->blue)) * 255;
}

static void
assert_colour (const guchar *pixels, gsize stride, double x, double y, const GdkRGBA *want, const char *what)
{
  GdkRGBA got;
  double d;

  pixel_at (pixels, stride, (int) x, (int) y, &got);
  d = colour_distance (&got, want);
  g_test_message ("%s at (%d, %d): got %02x%02x%02x want %02x%02x%02x", what, (int) x, (int) y,
                  (int) (got.red * 255), (int) (got.green * 255), (int) (got.blue * 255),
                  (int) (want->red * 255), (int) (want->green * 255), (int) (want->blue * 255));
  g_assert_cmpfloat (d, <=, 3.0);
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ---- tests ---------------------------------------------------------------- */

static void
test_ruler_steps (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  g_autofree char *e = NULL;

  /* 1.7 ms over 800 px with labels at least 80 px apart: 0.2 ms */
  g_assert_cmpuint (weft_time_ruler_pick_step (1700000, 800, 80), ==, 200000);
  g_assert_cmpuint (weft_time_ruler_pick_step (10 * 1000 * MS, 1000, 100), ==, 1000 * MS);
  g_assert_cmpuint (weft_time_ruler_pick_step (10 * 1000 * MS, 1000, 101), ==, 2000 * MS);
  g_assert_cmpuint (weft_time_ruler_pick_step (1000, 1000, 100), ==, 100);
  g_assert_cmpuint (weft_time_ruler_pick_step (3000, 1000, 100), ==, 500);
  g_assert_cmpuint (weft_time_ruler_pick_step (40, 1000, 10), ==, 1);
  g_assert_cmpuint (weft_time_ruler_pick_step (0, 1000, 10), ==, 1);
  /* Every step is 1, 2 or 5 × 10ⁿ and honours the spacing */
  for (guint64 range = 1; range < G_GUINT64_CONSTANT (100000000000000); range = range * 3 + 7)
    {
      guint64 step = weft_time_ruler_pick_step (range, 1234, 70);
      guint64 m = step;

      while (m % 10 == 0)
        m /= 10;
      g_assert_true (m == 1 || m == 2 || m == 5);
      g_assert_cmpfloat ((double) step * 1234 / range, >=, 70 - 1e-9);
      if (step > 1)   /* 1 ns is the finest step, however far apart */
        g_assert_cmpfloat ((double) step * 1234 / range, <, 70 * 2.5 + 1e-9);
    }

  a = weft_time_format_tick (400000, 200000);
  b = weft_time_format_tick (250000, 50000);
  c = weft_time_format_tick (3 * 1000 * MS, 1000 * MS);
  d = weft_time_format_tick (1500 * MS, 500 * MS);
  e = weft_time_format_tick (40, 20);
  g_assert_cmpstr (a, ==, "0.4 ms");
  g_assert_cmpstr (b, ==, "250 µs");
  g_assert_cmpstr (c, ==, "3 s");
  g_assert_cmpstr (d, ==, "1.5 s");
  g_assert_cmpstr (e, ==, "40 ns");
}

static void
test_colours (void)
{
  Fixture f;
  g_autofree guchar *pixels = NULL;
  int w, h;
  gsize stride;
  GdkRGBA lock_wait, running, bg, queue_get, got;
  double y0, y1, y2;

  set_dark (FALSE);
  fixture_setup (&f, small_model (), 900, 320);
  pixels = render_widget (GTK_WIDGET (f.view), &w, &h, &stride, NULL);

  weft_state_style_get_color (WEFT_STATE_LOCK_WAIT, FALSE, &lock_wait);
  weft_state_style_get_color (WEFT_STATE_RUNNING, FALSE, &running);
  weft_state_style_get_color (WEFT_STATE_QUEUE_GET, FALSE, &queue_get);
  weft_state_style_get_background (FALSE, &bg);

  y0 = weft_timeline_view_get_row_y (f.view, 0, 0);
  y1 = weft_timeline_view_get_row_y (f.view, 1, 0);
  y2 = weft_timeline_view_get_row_y (f.view, 2, 0);
  g_assert_cmpfloat (y0, >, 0);
  g_assert_cmpfloat (y1, >, y0);
  g_assert_cmpfloat (y2, >, y1);
  g_assert_cmpfloat (y2, <, h);

  /* Lane 2 at 40 ms waits for the lock; lane 1 at 50 ms runs */
  assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 40 * MS), y1, &lock_wait, "lock wait");
  assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 50 * MS), y0, &running, "running");
  assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 30 * MS), y2, &queue_get, "queue get");
  /* Idle gaps are background */
  assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 10 * MS), y1, &bg, "idle lane 2");
  assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 90 * MS), y2, &bg, "idle lane 3");

  /* The label column is not background, and holds text */
  {
    int label_w = weft_timeline_view_get_label_width (f.view);
    guint differs = 0, distinct_dark = 0;

    for (int y = (int) y0 - 5; y < (int) y2 + 5; y++)
      for (int x = 2; x < label_w - 2; x++)
        {
          pixel_at (pixels, stride, x, y, &got);
          differs += colour_distance (&got, &bg) > 3;
          distinct_dark += got.red + got.green + got.blue < 1.2;
        }
    g_assert_cmpuint (differs, >, (guint) ((label_w - 4) * ((int) y2 - (int) y0 + 10) * 0.9));
    g_assert_cmpuint (distinct_dark, >, 60);
  }

  /* The same in the dark style, with its own colours */
  g_clear_pointer (&pixels, g_free);
  set_dark (TRUE);
  pixels = render_widget (GTK_WIDGET (f.view), &w, &h, &stride, NULL);
  weft_state_style_get_color (WEFT_STATE_LOCK_WAIT, TRUE, &lock_wait);
  weft_state_style_get_background (TRUE, &bg);
  assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 40 * MS), y1, &lock_wait, "dark lock wait");
  assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 10 * MS), y1, &bg, "dark idle");
  set_dark (FALSE);

  fixture_teardown (&f);
}

static void
count_signal (gpointer instance, gpointer data)
{
  (*(guint *) data)++;
}

static void
test_select (void)
{
  Fixture f;
  g_autofree guchar *before = NULL;
  g_autofree guchar *after = NULL;
  int w, h;
  gsize stride;
  guint worker, depth, index, selected = 0;
  double x0, x1, y1, top;
  GdkRGBA got;
  guint outline = 0;

  set_dark (FALSE);
  fixture_setup (&f, small_model (), 900, 320);
  g_signal_connect (f.session, "span-selected", G_CALLBACK (count_signal), &selected);
  before = render_widget (GTK_WIDGET (f.view), &w, &h, &stride, NULL);

  /* A click on the lock wait selects it */
  y1 = weft_timeline_view_get_row_y (f.view, 1, 0);
  weft_timeline_view_click (f.view, weft_timeline_view_time_to_x (f.view, BASE + 40 * MS), y1);
  g_assert_cmpuint (selected, ==, 1);
  g_assert_true (weft_session_get_selected_span (f.session, &worker, &depth, &index));
  g_assert_cmpuint (worker, ==, 1);
  g_assert_cmpuint (depth, ==, 0);
  {
    WeftSpan s;

    g_assert_true (weft_lane_get_span (weft_trace_model_lookup_lane (f.model, 1), depth, index, &s));
    g_assert_cmpuint (s.state, ==, WEFT_STATE_LOCK_WAIT);
  }

  /* Its outline: dark pixels along the top edge where the span was red */
  after = render_widget (GTK_WIDGET (f.view), &w, &h, &stride, NULL);
  x0 = weft_timeline_view_time_to_x (f.view, BASE + 20 * MS);
  x1 = weft_timeline_view_time_to_x (f.view, BASE + 60 * MS);
  top = y1 - 8;   /* the row is 16 px high, centred on y1 */
  for (int x = (int) x0 + 4; x < (int) x1 - 4; x++)
    {
      GdkRGBA old;

      pixel_at (after, stride, x, (int) top, &got);
      pixel_at (before, stride, x, (int) top, &old);
      outline += got.red + got.green + got.blue < 0.3 && colour_distance (&got, &old) > 40;
    }
  g_assert_cmpuint (outline, >=, (guint) ((x1 - x0 - 8) * 0.9));

  /* A click on an idle gap unselects */
  weft_timeline_view_click (f.view, weft_timeline_view_time_to_x (f.view, BASE + 5 * MS), y1);
  g_assert_false (weft_session_get_selected_span (f.session, NULL, NULL, NULL));
  g_assert_cmpuint (selected, ==, 2);

  fixture_teardown (&f);
}

static void
test_zoom_keeps_pointer (void)
{
  Fixture f;
  double x;
  guint64 t;

  fixture_setup (&f, small_model (), 900, 320);
  x = 500.5;
  t = weft_timeline_view_x_to_time (f.view, x);
  weft_timeline_view_zoom_at (f.view, 3.0, x);
  g_assert_cmpuint (weft_session_get_visible_end (f.session) - weft_session_get_visible_begin (f.session),
                    ==, 100 * MS / 3);
  g_assert_cmpfloat (ABS ((double) weft_timeline_view_x_to_time (f.view, x) - (double) t), <=,
                     (double) (100 * MS) / 3 / 700);
  weft_timeline_view_zoom_at (f.view, 1 / 3.0, x);
  g_assert_cmpfloat (ABS ((double) weft_timeline_view_x_to_time (f.view, x) - (double) t), <=, 1000);

  /* The keyboard actions zoom too, and 0 shows everything */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.view), "timeline.zoom-in", NULL));
  g_assert_cmpuint (weft_session_get_visible_end (f.session) - weft_session_get_visible_begin (f.session),
                    <, 100 * MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.view), "timeline.zoom-fit", NULL));
  g_assert_cmpuint (weft_session_get_visible_end (f.session) - weft_session_get_visible_begin (f.session),
                    ==, 100 * MS);

  /* Zoom to a selected range */
  weft_session_set_selection (f.session, BASE + 20 * MS, BASE + 30 * MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.view), "timeline.zoom-selection", NULL));
  g_assert_cmpuint (weft_session_get_visible_begin (f.session), ==, BASE + 20 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (f.session), ==, BASE + 30 * MS);

  fixture_teardown (&f);
}

static void
test_big_lane (void)
{
  Fixture f;
  WeftTraceModel *model = weft_trace_model_new ();
  g_autofree WeftEvent *events = g_new0 (WeftEvent, 2 * 100000);
  g_autofree guchar *pixels = NULL;
  const guint n_spans = 1000000;
  int w, h;
  gsize stride;
  guint64 visited;

  /* 1,000,000 spans of 600 ns every 1 µs, a wait every tenth */
  for (guint done = 0; done < n_spans; done += 100000)
    {
      for (guint i = 0; i < 100000; i++)
        {
          guint64 t = BASE + (guint64) (done + i) * 1000;
          gboolean wait = (done + i) % 10 == 0;

          events[2 * i] = (WeftEvent) { .time_ns = t, .object = wait ? LOCK : 1, .worker = 0,
                                        .kind = wait ? WEFT_EVENT_LOCK_WAIT : WEFT_EVENT_TASK_BEGIN };
          events[2 * i + 1] = (WeftEvent) { .time_ns = t + 600, .object = wait ? LOCK : 1, .worker = 0,
                                            .kind = wait ? WEFT_EVENT_LOCK_ACQUIRED : WEFT_EVENT_TASK_END };
        }
      weft_trace_model_append (model, events, 2 * 100000);
    }
  /* (the lock acquisitions stay open as holds, nested; close them) */
  weft_trace_model_finish (model, BASE + (guint64) n_spans * 1000);

  fixture_setup (&f, model, 900, 200);
  _weft_timeline_view_invalidate (f.view);
  _weft_timeline_view_reset_spans_visited (f.view);
  pixels = render_widget (GTK_WIDGET (f.view), &w, &h, &stride, NULL);
  visited = _weft_timeline_view_get_spans_visited (f.view);
  g_test_message ("spans visited for a frame: %" G_GUINT64_FORMAT " (width %d)", visited, w);
  g_assert_cmpuint (visited, >, 0);
  g_assert_cmpuint (visited, <, (guint64) 64 * w);

  /* The busy lane is drawn as merged blocks, not left empty */
  {
    GdkRGBA got, bg;
    double y = weft_timeline_view_get_row_y (f.view, 0, 0);
    guint painted = 0;
    int lx = weft_timeline_view_get_label_width (f.view);

    weft_state_style_get_background (FALSE, &bg);
    for (int x = lx + 2; x < w - 2; x++)
      {
        pixel_at (pixels, stride, x, (int) y, &got);
        painted += colour_distance (&got, &bg) > 10;
      }
    g_assert_cmpuint (painted, >, (guint) ((w - lx - 4) * 0.95));
  }

  /* A second frame with nothing changed comes from the cache */
  g_clear_pointer (&pixels, g_free);
  _weft_timeline_view_reset_spans_visited (f.view);
  pixels = render_widget (GTK_WIDGET (f.view), &w, &h, &stride, NULL);
  g_assert_cmpuint (_weft_timeline_view_get_spans_visited (f.view), ==, 0);

  fixture_teardown (&f);
}

/* The summary's parallelism chart, drawn by the shared step painter:
 * 2 of a reference line at 4 fills the lower half of the plot */
static void
test_step_chart (void)
{
  static const WeftCounterPoint points[] = {
    { BASE, 0 }, { BASE + 20 * MS, 2 }, { BASE + 80 * MS, 0 },
  };
  g_autoptr(WeftCounterTrack) track = weft_counter_track_new (points, G_N_ELEMENTS (points));
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = weft_step_chart_new ();
  g_autofree guchar *pixels = NULL;
  gpointer weak = window;
  GdkRGBA running, got;
  int w, h, x, top = 6, bottom, plot_w;
  gsize stride;

  set_dark (FALSE);
  weft_step_chart_set_track (WEFT_STEP_CHART (chart), NULL, track, BASE, BASE + 100 * MS);
  weft_step_chart_set_reference (WEFT_STEP_CHART (chart), 4, "4 cores");
  gtk_widget_set_size_request (chart, 434, 164);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_resizable (GTK_WINDOW (window), FALSE);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (weft_test_widget_is_ready, chart, 5000));
  pixels = render_widget (chart, &w, &h, &stride, NULL);
  weft_state_style_get_color (WEFT_STATE_RUNNING, FALSE, &running);

  /* The plot: 28 px of axis and 6 of padding at the left, 6 at the right,
   * for 100 ms; 6 px from the top to the axis 18 px above the bottom */
  bottom = h - 18 - 6;
  plot_w = w - 28 - 2 * 6;
  x = 28 + 6 + 50 * plot_w / 100;
  assert_colour (pixels, stride, x, bottom - 10, &running, "2 of 4, low");
  assert_colour (pixels, stride, x, top + (bottom - top) / 2 + 6, &running, "2 of 4, just under half");
  pixel_at (pixels, stride, x, top + (bottom - top) / 2 - 6, &got);
  g_assert_cmpfloat (colour_distance (&got, &running), >, 40);
  /* Before 20 ms and after 80 ms: nothing */
  pixel_at (pixels, stride, 28 + 6 + 10 * plot_w / 100, bottom - 4, &got);
  g_assert_cmpfloat (colour_distance (&got, &running), >, 40);
  pixel_at (pixels, stride, 28 + 6 + 90 * plot_w / 100, bottom - 4, &got);
  g_assert_cmpfloat (colour_distance (&got, &running), >, 40);

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for (is_null, &weak, 5000));
}

/* The reference line at the top of the plot (2 cores, at most 2 running):
 * its label is drawn whole, below the line, not cut off by the top edge. */
static void
test_step_chart_reference_label (void)
{
  static const WeftCounterPoint points[] = {
    { BASE, 0 }, { BASE + 20 * MS, 2 }, { BASE + 30 * MS, 0 },
  };
  g_autoptr(WeftCounterTrack) track = weft_counter_track_new (points, G_N_ELEMENTS (points));
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = weft_step_chart_new ();
  g_autofree guchar *pixels = NULL;
  gpointer weak = window;
  GdkRGBA got;
  int w, h, ink_top = -1, ink_bottom = -1;
  gsize stride;

  set_dark (FALSE);
  weft_step_chart_set_track (WEFT_STEP_CHART (chart), NULL, track, BASE, BASE + 100 * MS);
  weft_step_chart_set_reference (WEFT_STEP_CHART (chart), 2, "2 cores");
  gtk_widget_set_size_request (chart, 434, 164);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_resizable (GTK_WINDOW (window), FALSE);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (weft_test_widget_is_ready, chart, 5000));
  pixels = render_widget (chart, &w, &h, &stride, NULL);

  /* Dark text in the label's place: the right end of the plot, where no
   * step is drawn (nothing runs after 30 ms) */
  for (int y = 0; y < h - 18 - 6 - 2; y++)
    for (int x = w - 6 - 70; x < w - 6 - 2; x++)
      {
        pixel_at (pixels, stride, x, y, &got);
        if (got.alpha > 0.5 && got.red + got.green + got.blue < 1.5 && y != 6)   /* y 6: the dashed line */
          {
            if (ink_top < 0)
              ink_top = y;
            ink_bottom = y;
          }
      }
  g_test_message ("label ink from y %d to %d", ink_top, ink_bottom);
  g_assert_cmpint (ink_top, >, 0);
  g_assert_cmpint (ink_bottom - ink_top, >=, 6);

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for (is_null, &weak, 5000));
}

static gboolean
is_ink (const guchar *pixels, gsize stride, int x, int y)
{
  GdkRGBA got;

  pixel_at (pixels, stride, x, y, &got);
  return got.alpha > 0.5 && got.red + got.green + got.blue < 1.5;
}

/* The pointer's time on the ruler leaves out the tick labels it would
 * half cover: right of its box, no piece of a label is left. */
static void
test_ruler_cursor (void)
{
  g_autoptr(WeftTraceModel) model = small_model ();
  g_autoptr(WeftSession) session = weft_session_new ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *ruler;
  g_autofree guchar *plain = NULL;
  g_autofree guchar *hovered = NULL;
  gpointer weak = window;
  int w, h, label_x = -1, cursor_x, box_right;
  gsize stride;

  set_dark (FALSE);
  weft_session_set_model (session, model);
  ruler = weft_time_ruler_new (session);
  gtk_widget_set_size_request (ruler, 900, -1);
  gtk_window_set_child (GTK_WINDOW (window), ruler);
  gtk_window_set_resizable (GTK_WINDOW (window), FALSE);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (weft_test_widget_is_ready, ruler, 5000));
  plain = render_widget (ruler, &w, &h, &stride, NULL);

  /* A label's first column, well away from the left end */
  for (int x = 200; x < w - 100 && label_x < 0; x++)
    for (int y = 3; y < 14; y++)
      if (is_ink (plain, stride, x, y) && !is_ink (plain, stride, x - 1, y))
        {
          gboolean blank_before = TRUE;

          for (int k = 2; k < 12; k++)
            for (int yy = 3; yy < 14; yy++)
              blank_before &= !is_ink (plain, stride, x - k, yy);
          if (blank_before)
            label_x = x;
          break;
        }
  g_assert_cmpint (label_x, >, 0);

  /* The pointer 20 px before it: its box (about 70 px wide) covers the
   * label's start */
  cursor_x = label_x - 20;
  weft_session_set_hover (session, weft_session_get_visible_begin (session) +
                          (guint64) ((double) cursor_x / w *
                                     (weft_session_get_visible_end (session) - weft_session_get_visible_begin (session))));
  hovered = render_widget (ruler, &w, &h, &stride, NULL);
  for (box_right = cursor_x; box_right < w && is_ink (hovered, stride, box_right + 1, 2); box_right++)
    ;
  g_test_message ("label at %d, pointer at %d, box ends at %d", label_x, cursor_x, box_right);
  g_assert_cmpint (box_right, >, label_x);
  for (int x = box_right + 2; x < box_right + 14 && x < w; x++)
    for (int y = 3; y < 14; y++)
      g_assert_false (is_ink (hovered, stride, x, y));

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for (is_null, &weak, 5000));
}

static gboolean
page_is_timeline (gpointer data)
{
  GtkStack *stack = data;

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "timeline") == 0;
}

static void
test_window_page (void)
{
  WeftWindow *window = weft_window_new (NULL);
  g_autoptr(WeftTraceModel) model = small_model ();
  GtkStack *stack;
  GtkWidget *view;
  gpointer weak = window;

  stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), WEFT_TYPE_WINDOW, "stack"));
  view = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (
      gtk_widget_get_template_child (GTK_WIDGET (window), WEFT_TYPE_WINDOW, "timeline_scroller")));
  g_assert_true (WEFT_IS_TIMELINE_VIEW (view));
  g_assert_nonnull (gtk_stack_get_child_by_name (stack, "timeline"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "welcome");

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 500);
  gtk_window_present (GTK_WINDOW (window));
  weft_window_set_model (window, model);
  g_assert_true (wait_for (page_is_timeline, stack, 5000));
  g_assert_true (wait_for (weft_test_widget_is_ready, view, 5000));
  g_assert_true (weft_session_get_model (weft_timeline_view_get_session (WEFT_TIMELINE_VIEW (view))) == model);

  if (g_getenv ("WEFT_TEST_WINDOW_PNG") != NULL)
    {
      int w, h;
      gsize stride;
      g_autofree guchar *pixels = render_widget (GTK_WIDGET (window), &w, &h, &stride,
                                                 g_getenv ("WEFT_TEST_WINDOW_PNG"));
    }

  weft_window_set_model (window, NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "welcome");

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for (is_null, &weak, 5000));
}

static int
compare_events (gconstpointer a, gconstpointer b)
{
  const WeftEvent *ea = a, *eb = b;

  return ea->time_ns < eb->time_ns ? -1 : ea->time_ns > eb->time_ns;
}

/* A realistic run for screenshots: 4 GIL threads, a lock, a queue. */
static WeftTraceModel *
realistic_model (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  GRand *rand = g_rand_new_with_seed (7);
  const char *names[] = { "MainThread", "worker-1", "worker-2", "worker-3", "worker-4" };
  guint64 gil_free = BASE;     /* when the GIL is next free */
  guint64 lock_free = BASE;
  guint64 t[5];
  guint task = 100;
  gint64 depth = 0;

  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, GIL, WEFT_OBJECT_GIL, 0);
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, LOCK, WEFT_OBJECT_LOCK, 0);
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, QUEUE, WEFT_OBJECT_QUEUE, 16);
  name_object (e, 0, GIL, "GIL");
  name_object (e, 0, LOCK, "results_lock");
  name_object (e, 0, QUEUE, "work_queue");
  for (guint16 w = 0; w < 5; w++)
    {
      ev (e, 0, w, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 31337);
      name_object (e, w, WEFT_OBJECT_SELF, names[w]);
      t[w] = BASE + w * 300000;
    }
  for (guint k = 100; k < 140; k++)
    {
      g_autofree char *n = g_strdup_printf ("parse chunk %u", k - 99);
      name_object (e, 0, k, n);
    }

  /* The main thread starts the workers, then feeds the queue */
  for (guint16 w = 1; w < 5; w++)
    {
      ev (e, t[w], w, WEFT_EVENT_SPAWN_BEGIN, 0, 0, 0);
      ev (e, t[w] + 1200000, w, WEFT_EVENT_SPAWN_END, 0, 0, 0);
      t[w] += 1200000;
    }

  for (guint round = 0; round < 10; round++)
    for (guint16 w = 1; w < 5; w++)
      {
        guint64 now = MAX (t[w], BASE + 1500000);
        guint64 put = now - 200000;
        guint id = task++;

        /* main thread puts an item, the worker gets it */
        ev (e, put, 0, WEFT_EVENT_QUEUE_PUT_BEGIN, QUEUE, 0, 0);
        ev (e, put + 20000, 0, WEFT_EVENT_QUEUE_PUT_END, QUEUE, ++depth, id);
        ev (e, now, w, WEFT_EVENT_QUEUE_GET_BEGIN, QUEUE, 0, 0);
        now += 50000 + g_rand_int_range (rand, 0, 400000);
        ev (e, now, w, WEFT_EVENT_QUEUE_GET_END, QUEUE, --depth, id);
        ev (e, now, w, WEFT_EVENT_TASK_BEGIN, id, 0, 0);

        /* CPU work in GIL slices of up to 5 ms */
        for (int slice = 0; slice < 3; slice++)
          {
            guint64 dur = 1500000 + g_rand_int_range (rand, 0, 2500000);

            ev (e, now, w, WEFT_EVENT_GIL_WAIT, GIL, 0, 0);
            if (gil_free > now)
              now = gil_free;
            ev (e, now, w, WEFT_EVENT_GIL_ACQUIRED, GIL, 0, 0);
            now += dur;
            ev (e, now, w, WEFT_EVENT_GIL_RELEASED, GIL, 0, 0);
            gil_free = now + 30000;
          }
        /* record the result under the lock */
        ev (e, now, w, WEFT_EVENT_LOCK_WAIT, LOCK, 0, 0);
        if (lock_free > now)
          now = lock_free;
        ev (e, now, w, WEFT_EVENT_LOCK_ACQUIRED, LOCK, 0, 0);
        ev (e, now + 100000, w, WEFT_EVENT_IO_BEGIN, 0, 4096, 0);
        ev (e, now + 4400000, w, WEFT_EVENT_IO_END, 0, 4096, 0);
        now += 4500000;
        ev (e, now, w, WEFT_EVENT_LOCK_RELEASED, LOCK, 0, 0);
        lock_free = now + 10000;
        ev (e, now, w, WEFT_EVENT_TASK_END, id, WEFT_TASK_OK, 0);
        if (round % 3 == 1)
          ev (e, now, w, WEFT_EVENT_INSTANT, 0, 0, 0);
        t[w] = now + 100000;
      }

  /* The main thread collects results under the lock, waiting for it */
  for (guint k = 0; k < 12; k++)
    {
      guint64 w0 = BASE + 33 * MS + k * 25 * MS;

      ev (e, w0, 0, WEFT_EVENT_LOCK_WAIT, LOCK, 0, 0);
      ev (e, w0 + 3 * MS, 0, WEFT_EVENT_LOCK_ACQUIRED, LOCK, 0, 0);
      ev (e, w0 + 3 * MS + 400000, 0, WEFT_EVENT_LOCK_RELEASED, LOCK, 0, 0);
    }

  /* Generated per worker; the model wants each worker's events in order */
  g_array_sort (e, compare_events);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, 0);
  g_rand_free (rand);
  return model;
}

static void
test_screenshot (void)
{
  const char *path = g_getenv ("WEFT_TIMELINE_SCREENSHOT");
  WeftWindow *window;
  g_autoptr(WeftTraceModel) model = NULL;
  GtkWidget *view;
  gpointer weak;
  int w, h;
  gsize stride;
  g_autofree guchar *pixels = NULL;

  if (path == NULL)
    {
      g_test_message ("WEFT_TIMELINE_SCREENSHOT unset: rendering without saving");
    }
  set_dark (g_getenv ("WEFT_TIMELINE_DARK") != NULL);
  model = realistic_model ();
  window = weft_window_new (NULL);
  weak = window;
  view = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (
      gtk_widget_get_template_child (GTK_WIDGET (window), WEFT_TYPE_WINDOW, "timeline_scroller")));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 560);
  gtk_window_present (GTK_WINDOW (window));
  weft_window_set_model (window, model);
  g_assert_true (wait_for (weft_test_widget_is_ready, view, 5000));
  g_assert_true (wait_for (stack_settled,
                           gtk_widget_get_template_child (GTK_WIDGET (window), WEFT_TYPE_WINDOW, "stack"),
                           5000));
  {
    WeftSession *session = weft_timeline_view_get_session (WEFT_TIMELINE_VIEW (view));
    guint64 b = weft_session_get_begin (session);

    if (g_getenv ("WEFT_TIMELINE_ZOOM") != NULL)
      weft_session_set_visible (session, b + 30 * MS, b + 75 * MS);
    weft_session_set_hover (session, b + 52 * MS);
  }
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  pixels = render_widget (GTK_WIDGET (window), &w, &h, &stride, path);
  g_assert_cmpint (w, >, 0);
  set_dark (FALSE);

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for (is_null, &weak, 5000));
}

/* A lane whose task waited for a core from 20 to 60 ms draws that wait in
 * its own colour, in light and dark styles. */
/* Item 11 of issue 11: a counter's "max" is its maximum, though the
 * painter reads only a few of the points under each pixel column: a
 * counter climbing by one to 360000 (its last value shares a column with
 * thousands of others), and a queue whose depth touches 1000 once between
 * points of 1 and 2. */
static void
test_counter_max (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  const guint32 counter = 40, queue = 41;
  Fixture f;
  gint64 max = 0;

  ev (e, 0, 0, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 4242);
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, counter, WEFT_OBJECT_COUNTER, 0);
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, queue, WEFT_OBJECT_QUEUE, 1000);
  name_object (e, 0, counter, "total");
  name_object (e, 0, queue, "jobs");
  ev (e, BASE, 0, WEFT_EVENT_TASK_BEGIN, 1, 0, 0);
  /* in time order: a counter step every 250 ns, a depth sample every µs */
  for (guint i = 1; i <= 360000; i++)
    {
      guint q = i / 4;

      ev (e, BASE + (guint64) i * 250, 0, WEFT_EVENT_COUNTER, counter, i, 0);
      if (i % 4 == 0 && q < 90000)
        ev (e, BASE + (guint64) q * 1000 + 1, 0, q == 45001 ? WEFT_EVENT_QUEUE_PUT_END : WEFT_EVENT_QUEUE_GET_END,
            queue, q == 45001 ? 1000 : 1 + q % 2, q);
    }
  ev (e, BASE + 100 * MS, 0, WEFT_EVENT_TASK_END, 1, WEFT_TASK_OK, 0);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, BASE + 100 * MS);

  fixture_setup (&f, model, 800, 400);
  weft_session_set_visible (f.session, BASE, BASE + 100 * MS);
  weft_test_wait_painted (GTK_WIDGET (f.view));
  g_assert_true (_weft_timeline_view_get_counter_max (f.view, counter, &max));
  g_assert_cmpint (max, ==, 360000);
  g_assert_true (_weft_timeline_view_get_counter_max (f.view, queue, &max));
  g_assert_cmpint (max, ==, 1000);

  /* In a window that leaves out the peak, the peak of the window */
  weft_session_set_visible (f.session, BASE + 50 * MS, BASE + 60 * MS);
  weft_test_wait_painted (GTK_WIDGET (f.view));
  g_assert_true (_weft_timeline_view_get_counter_max (f.view, queue, &max));
  g_assert_cmpint (max, ==, 2);
  g_assert_true (_weft_timeline_view_get_counter_max (f.view, counter, &max));
  g_assert_cmpint (max, ==, 239999);
  fixture_teardown (&f);
}

static void
test_core_wait_colour (void)
{
  for (int dark = 0; dark <= 1; dark++)
    {
      WeftTraceModel *model = weft_trace_model_new ();
      g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
      g_autofree guchar *pixels = NULL;
      GdkRGBA core_wait, running;
      Fixture f;
      int w, h;
      gsize stride;

      ev (e, 0, 0, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 4242);
      ev (e, BASE, 0, WEFT_EVENT_TASK_BEGIN, 1, 0, 0);
      ev (e, BASE + 20 * MS, 0, WEFT_EVENT_CORE_WAIT_BEGIN, 1, 0, 0);
      ev (e, BASE + 60 * MS, 0, WEFT_EVENT_CORE_WAIT_END, 1, 0, 0);
      ev (e, BASE + 100 * MS, 0, WEFT_EVENT_TASK_END, 1, WEFT_TASK_OK, 0);
      weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
      weft_trace_model_finish (model, BASE + 100 * MS);

      set_dark (dark);
      fixture_setup (&f, model, 900, 240);
      pixels = render_widget (GTK_WIDGET (f.view), &w, &h, &stride, NULL);
      weft_state_style_get_color (WEFT_STATE_CORE_WAIT, dark, &core_wait);
      weft_state_style_get_color (WEFT_STATE_RUNNING, dark, &running);
      g_assert_false (gdk_rgba_equal (&core_wait, &running));
      g_assert_cmpstr (weft_state_style_get_label (WEFT_STATE_CORE_WAIT), ==, "Waiting for a core");

      assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 40 * MS),
                     weft_timeline_view_get_row_y (f.view, 0, 1), &core_wait, "core wait");
      assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 80 * MS),
                     weft_timeline_view_get_row_y (f.view, 0, 0), &running, "running");
      fixture_teardown (&f);
    }
  set_dark (FALSE);
}

/* A task that failed is drawn in its own colour, not as running, and its
 * tooltip (the details line's text) names the error it raised. */
static void
test_failed_task (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autofree guchar *pixels = NULL;
  g_autofree char *ok_text = NULL;
  g_autofree char *failed_text = NULL;
  GdkRGBA failed, running, got;
  Fixture f;
  WeftSpan span;
  guint n_failed = 0, n_running = 0;
  double x0, x1, y;
  int w, h;
  gsize stride;

  ev (e, 0, 0, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 4242);
  name_object (e, 0, 7, "faulty #1");
  ev (e, BASE, 0, WEFT_EVENT_TASK_BEGIN, 6, 0, 0);
  ev (e, BASE + 40 * MS, 0, WEFT_EVENT_TASK_END, 6, WEFT_TASK_OK, 0);
  ev (e, BASE + 50 * MS, 0, WEFT_EVENT_TASK_BEGIN, 7, 0, 0);
  ev (e, BASE + 100 * MS, 0, WEFT_EVENT_TASK_END, 7, WEFT_TASK_FAILED, 0);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_set_task_error (model, 7, "ValueError: invalid record 17");
  weft_trace_model_finish (model, BASE + 100 * MS);

  set_dark (FALSE);
  fixture_setup (&f, model, 900, 240);
  pixels = render_widget (GTK_WIDGET (f.view), &w, &h, &stride, NULL);
  weft_state_style_get_failed_color (FALSE, &failed);
  weft_state_style_get_color (WEFT_STATE_RUNNING, FALSE, &running);
  g_assert_cmpfloat (colour_distance (&failed, &running), >, 60);

  /* Most of the failed span is the failed colour (the rest its cross-hatch
   * and label), none of it running; the task before it is running */
  y = weft_timeline_view_get_row_y (f.view, 0, 0);
  x0 = weft_timeline_view_time_to_x (f.view, BASE + 52 * MS);
  x1 = weft_timeline_view_time_to_x (f.view, BASE + 98 * MS);
  for (int x = (int) x0; x < (int) x1; x++)
    {
      pixel_at (pixels, stride, x, (int) y - 3, &got);
      n_failed += colour_distance (&got, &failed) <= 3;
      n_running += colour_distance (&got, &running) <= 3;
    }
  g_assert_cmpuint (n_failed, >, (guint) ((x1 - x0) * 0.5));
  g_assert_cmpuint (n_running, ==, 0);
  assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 20 * MS), y - 3, &running, "ok task");

  /* The same in the dark style, with its own crimson */
  g_clear_pointer (&pixels, g_free);
  set_dark (TRUE);
  pixels = render_widget (GTK_WIDGET (f.view), &w, &h, &stride, NULL);
  weft_state_style_get_failed_color (TRUE, &failed);
  weft_state_style_get_color (WEFT_STATE_RUNNING, TRUE, &running);
  n_failed = n_running = 0;
  for (int x = (int) x0; x < (int) x1; x++)
    {
      pixel_at (pixels, stride, x, (int) y - 3, &got);
      n_failed += colour_distance (&got, &failed) <= 3;
      n_running += colour_distance (&got, &running) <= 3;
    }
  g_assert_cmpuint (n_failed, >, (guint) ((x1 - x0) * 0.5));
  g_assert_cmpuint (n_running, ==, 0);
  assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 20 * MS), y - 3, &running, "dark ok task");
  set_dark (FALSE);

  g_assert_true (weft_lane_get_span (weft_trace_model_get_lane (model, 0), 0, 1, &span));
  g_assert_true (span.flags & WEFT_SPAN_TASK_FAILED);
  failed_text = weft_timeline_view_describe_span (f.view, &span);
  g_assert_nonnull (strstr (failed_text, "faulty #1"));
  g_assert_nonnull (strstr (failed_text, "The task failed: ValueError: invalid record 17"));
  g_assert_true (weft_lane_get_span (weft_trace_model_get_lane (model, 0), 0, 0, &span));
  ok_text = weft_timeline_view_describe_span (f.view, &span);
  g_assert_null (strstr (ok_text, "failed"));
  fixture_teardown (&f);
}

/* A main loop over 0-100 ms: task 100 runs 0-10 and awaits until 72
 * (pending waits 1 from 10 to 72), task 101 runs 20-70 inside a blocking
 * call (I/O at depth 1), task 100 runs again 72-80, woken 62 ms late;
 * nothing awaits after that, task 102 runs 90-100. */
static WeftTraceModel *
loop_model (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));

  ev (e, 0, 0, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_MAINLOOP, 4242);
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, 2, WEFT_OBJECT_COUNTER, 0);
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, 3, WEFT_OBJECT_COUNTER, 0);
  name_object (e, 0, 2, "loop lag (\xc2\xb5s)");
  name_object (e, 0, 3, "pending waits");
  name_object (e, 0, 100, "ticker #1");
  name_object (e, 0, 101, "blocker #1");
  ev (e, BASE, 0, WEFT_EVENT_TASK_BEGIN, 100, 0, 0);
  ev (e, BASE + 10 * MS, 0, WEFT_EVENT_TASK_END, 100, WEFT_TASK_SUSPENDED, 0);
  ev (e, BASE + 10 * MS, 0, WEFT_EVENT_COUNTER, 3, 1, 0);
  ev (e, BASE + 20 * MS, 0, WEFT_EVENT_TASK_BEGIN, 101, 0, 0);
  ev (e, BASE + 20 * MS, 0, WEFT_EVENT_IO_BEGIN, 101, 0, 0);
  ev (e, BASE + 70 * MS, 0, WEFT_EVENT_IO_END, 101, 0, 0);
  ev (e, BASE + 70 * MS, 0, WEFT_EVENT_TASK_END, 101, WEFT_TASK_OK, 0);
  ev (e, BASE + 72 * MS, 0, WEFT_EVENT_COUNTER, 2, 62000, 0);
  ev (e, BASE + 72 * MS, 0, WEFT_EVENT_COUNTER, 3, 0, 0);
  ev (e, BASE + 72 * MS, 0, WEFT_EVENT_TASK_BEGIN, 100, 0, 0);
  ev (e, BASE + 80 * MS, 0, WEFT_EVENT_TASK_END, 100, WEFT_TASK_OK, 0);
  ev (e, BASE + 90 * MS, 0, WEFT_EVENT_TASK_BEGIN, 102, 0, 0);
  ev (e, BASE + 100 * MS, 0, WEFT_EVENT_TASK_END, 102, WEFT_TASK_OK, 0);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, BASE + 100 * MS);
  return model;
}

/* The main loop's lane shows its awaits as a band where no task runs, and
 * its tooltip says so; the blocking call says that it stalls the loop, not
 * "I/O"; the lag track is labelled without its unit, its peak a time. */
static void
test_loop_lane (void)
{
  Fixture f;
  g_autofree guchar *pixels = NULL;
  g_autofree char *awaiting = NULL;
  g_autofree char *idle = NULL;
  g_autofree char *blocking = NULL;
  g_autofree char *stretch = NULL;
  g_autoptr(WeftTimelineRows) rows = weft_timeline_rows_new ();
  GdkRGBA band, bg, want;
  WeftSpan span;
  WeftLane *lane;
  double y;
  int w, h;
  gsize stride;
  gboolean found_lag = FALSE;

  set_dark (FALSE);
  fixture_setup (&f, loop_model (), 900, 320);
  pixels = render_widget (GTK_WIDGET (f.view), &w, &h, &stride, NULL);
  weft_state_style_get_awaiting_color (FALSE, &band);
  weft_state_style_get_background (FALSE, &bg);
  want.red = bg.red * (1 - band.alpha) + band.red * band.alpha;
  want.green = bg.green * (1 - band.alpha) + band.green * band.alpha;
  want.blue = bg.blue * (1 - band.alpha) + band.blue * band.alpha;
  want.alpha = 1;

  y = weft_timeline_view_get_row_y (f.view, 0, 0);
  assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 15 * MS), y, &want, "awaiting");
  assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 85 * MS), y, &bg, "idle, nothing awaits");

  awaiting = _weft_timeline_view_describe_at (f.view, weft_timeline_view_time_to_x (f.view, BASE + 15 * MS), y);
  g_assert_nonnull (awaiting);
  g_assert_nonnull (strstr (awaiting, "Awaiting"));
  g_assert_nonnull (strstr (awaiting, "1 task waits without blocking"));
  idle = _weft_timeline_view_describe_at (f.view, weft_timeline_view_time_to_x (f.view, BASE + 85 * MS), y);
  g_assert_null (idle);

  lane = weft_trace_model_lookup_lane (f.model, 0);
  g_assert_true (weft_lane_get_span (lane, 1, 0, &span));
  g_assert_cmpint (span.state, ==, WEFT_STATE_IO);
  blocking = weft_timeline_view_describe_lane_span (f.view, 0, &span);
  g_assert_true (g_str_has_prefix (blocking, "<b>Blocking call: the main loop is stalled</b>"));
  g_assert_nonnull (strstr (blocking, "no other task on the loop runs until it returns"));
  g_assert_true (weft_lane_get_span (lane, 0, 0, &span));
  stretch = weft_timeline_view_describe_lane_span (f.view, 0, &span);
  g_assert_nonnull (strstr (stretch, "Runs on the loop until its next await"));

  weft_timeline_rows_set_model (rows, f.model);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (rows)); i++)
    {
      WeftTimelineRow *row = weft_timeline_rows_get_row (rows, i);

      if (weft_timeline_row_get_object (row) != 2 || weft_timeline_row_get_kind (row) != WEFT_TIMELINE_ROW_COUNTER)
        continue;
      g_assert_cmpstr (weft_timeline_row_get_label (row), ==, "loop lag");
      g_assert_cmpuint (weft_timeline_row_get_ns_per_unit (row), ==, 1000);
      found_lag = TRUE;
    }
  g_assert_true (found_lag);
  fixture_teardown (&f);
}

/* Another program's slices: a slice's tooltip (and the details line,
 * which shows the same) lists its args, "key: value" and escaped for
 * markup, after what it shows of any span; a slice without args lists
 * none; an instant's tooltip lists its args too. */
static void
test_slice_args (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autofree char *outer = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *instant = NULL;
  Fixture f;
  double y;

  weft_trace_model_set_named_slices (model, TRUE);
  weft_trace_model_set_lane_name (model, 0, "renderer: main");
  weft_trace_model_set_lane_executor (model, 0, WEFT_EXECUTOR_EXTERNAL, 10);
  weft_trace_model_set_object_name (model, 1, "load");
  weft_trace_model_set_object_name (model, 2, "parse");
  weft_trace_model_set_object_name (model, 3, "mark");
  ev (e, BASE + 0, 0, WEFT_EVENT_TASK_BEGIN, 1, 0, 0);
  ev (e, BASE + 20 * MS, 0, WEFT_EVENT_TASK_BEGIN, 2, 0, 0);
  ev (e, BASE + 40 * MS, 0, WEFT_EVENT_TASK_END, 2, WEFT_TASK_OK, 0);
  ev (e, BASE + 50 * MS, 0, WEFT_EVENT_INSTANT, 3, 0, 0);
  ev (e, BASE + 60 * MS, 0, WEFT_EVENT_TASK_BEGIN, 2, 0, 0);
  ev (e, BASE + 80 * MS, 0, WEFT_EVENT_TASK_END, 2, WEFT_TASK_OK, 0);
  ev (e, BASE + 100 * MS, 0, WEFT_EVENT_TASK_END, 1, WEFT_TASK_OK, 0);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  g_assert_true (weft_trace_model_set_span_args (model, 0, 0, BASE, "{\"url\":\"https://a/<b>&c\",\"n\":3}", -1));
  g_assert_true (weft_trace_model_set_span_args (model, 0, 1, BASE + 20 * MS,
                                                 "{\"data\":{\"frame\":\"F1\"},\"ok\":true,\"" WEFT_SPAN_ARGS_CUT_KEY "\":true}", -1));
  g_assert_true (weft_trace_model_set_instant_args (model, 0, BASE + 50 * MS, "{\"why\":\"tick\"}", -1));
  weft_trace_model_finish (model, BASE + 100 * MS);

  fixture_setup (&f, model, 900, 320);
  outer = _weft_timeline_view_describe_at (f.view, weft_timeline_view_time_to_x (f.view, BASE + 10 * MS),
                                           weft_timeline_view_get_row_y (f.view, 0, 0));
  g_assert_nonnull (outer);
  g_assert_true (g_str_has_prefix (outer, "<b>"));
  g_assert_nonnull (strstr (outer, "\nload\n"));
  /* after the duration, one line per member, escaped */
  g_assert_true (g_str_has_suffix (outer, "\nurl: https://a/&lt;b&gt;&amp;c\nn: 3"));
  g_assert_true (strstr (outer, "Duration: ") < strstr (outer, "url: "));
  g_assert_true (pango_parse_markup (outer, -1, 0, NULL, NULL, NULL, NULL));

  y = weft_timeline_view_get_row_y (f.view, 0, 1);
  inner = _weft_timeline_view_describe_at (f.view, weft_timeline_view_time_to_x (f.view, BASE + 30 * MS), y);
  g_assert_nonnull (inner);
  g_assert_nonnull (strstr (inner, "\nparse\n"));
  g_assert_true (g_str_has_suffix (inner, "\ndata: {&quot;frame&quot;:&quot;F1&quot;}\nok: true\n… (args cut at 1 KiB)"));
  plain = _weft_timeline_view_describe_at (f.view, weft_timeline_view_time_to_x (f.view, BASE + 70 * MS), y);
  g_assert_nonnull (plain);
  g_assert_nonnull (strstr (plain, "\nparse\n"));
  g_assert_null (strstr (plain, ": true"));
  g_assert_true (g_str_has_suffix (plain, "Duration: 20.000 ms"));

  y = weft_timeline_view_get_row_y (f.view, 0, 0) - WEFT_TIMELINE_ROW_HEIGHT / 2.0 - WEFT_TIMELINE_LANE_PAD + 2;
  instant = _weft_timeline_view_describe_at (f.view, weft_timeline_view_time_to_x (f.view, BASE + 50 * MS), y);
  g_assert_nonnull (instant);
  g_assert_true (g_str_has_prefix (instant, "<b>mark</b>"));
  g_assert_true (g_str_has_suffix (instant, "\nwhy: tick"));
  fixture_teardown (&f);
}

/* A failed task narrower than a pixel (on a main loop, its last stretch
 * lasts microseconds) is still seen: a crimson mark where it ended; an ok
 * task as short gets none. */
static void
test_failed_mark (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autofree guchar *pixels = NULL;
  GdkRGBA failed;
  Fixture f;
  double y;
  int w, h;
  gsize stride;

  ev (e, 0, 0, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_MAINLOOP, 4242);
  ev (e, BASE, 0, WEFT_EVENT_TASK_BEGIN, 5, 0, 0);
  ev (e, BASE + 1 * MS, 0, WEFT_EVENT_TASK_END, 5, WEFT_TASK_SUSPENDED, 0);
  ev (e, BASE + 30 * MS, 0, WEFT_EVENT_TASK_BEGIN, 6, 0, 0);
  ev (e, BASE + 30 * MS + 2000, 0, WEFT_EVENT_TASK_END, 6, WEFT_TASK_OK, 0);
  ev (e, BASE + 60 * MS, 0, WEFT_EVENT_TASK_BEGIN, 5, 0, 0);
  ev (e, BASE + 60 * MS + 2000, 0, WEFT_EVENT_TASK_END, 5, WEFT_TASK_FAILED, 0);
  ev (e, BASE + 99 * MS, 0, WEFT_EVENT_TASK_BEGIN, 7, 0, 0);
  ev (e, BASE + 100 * MS, 0, WEFT_EVENT_TASK_END, 7, WEFT_TASK_OK, 0);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, BASE + 100 * MS);

  set_dark (FALSE);
  fixture_setup (&f, model, 900, 200);
  pixels = render_widget (GTK_WIDGET (f.view), &w, &h, &stride, NULL);
  weft_state_style_get_failed_color (FALSE, &failed);
  /* the mark's upper part, 2 px under the lane's top padding */
  y = weft_timeline_view_get_row_y (f.view, 0, 0) - WEFT_TIMELINE_ROW_HEIGHT / 2.0 + 2;
  assert_colour (pixels, stride, weft_timeline_view_time_to_x (f.view, BASE + 60 * MS + 2000), y, &failed,
                 "failed mark");
  {
    GdkRGBA got;

    pixel_at (pixels, stride, (int) weft_timeline_view_time_to_x (f.view, BASE + 30 * MS + 2000), (int) y, &got);
    g_assert_cmpfloat (colour_distance (&got, &failed), >, 40);
  }
  fixture_teardown (&f);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* A display test that finds no display fails: CI runs it under xvfb-run. */
  if (!gtk_init_check ())
    {
      g_printerr ("test-timeline: cannot open a display (DISPLAY=%s; run under xvfb-run)\n",
                  g_getenv ("DISPLAY") != NULL ? g_getenv ("DISPLAY") : "unset");
      return 1;
    }
  /* The window is libadwaita's, styled as in the app */
  adw_init ();

  g_test_add_func ("/weft/timeline/ruler-steps", test_ruler_steps);
  g_test_add_func ("/weft/timeline/colours", test_colours);
  g_test_add_func ("/weft/timeline/core-wait-colour", test_core_wait_colour);
  g_test_add_func ("/weft/timeline/select", test_select);
  g_test_add_func ("/weft/timeline/zoom-keeps-pointer", test_zoom_keeps_pointer);
  g_test_add_func ("/weft/timeline/big-lane", test_big_lane);
  g_test_add_func ("/weft/timeline/step-chart", test_step_chart);
  g_test_add_func ("/weft/timeline/counter-max", test_counter_max);
  g_test_add_func ("/weft/timeline/window-page", test_window_page);
  g_test_add_func ("/weft/timeline/screenshot", test_screenshot);
  g_test_add_func ("/weft/timeline/failed-task", test_failed_task);
  g_test_add_func ("/weft/timeline/failed-mark", test_failed_mark);
  g_test_add_func ("/weft/timeline/loop-lane", test_loop_lane);
  g_test_add_func ("/weft/timeline/slice-args", test_slice_args);
  g_test_add_func ("/weft/timeline/ruler-cursor", test_ruler_cursor);
  g_test_add_func ("/weft/timeline/step-chart-reference-label", test_step_chart_reference_label);

  return g_test_run ();
}
