/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The timeline's painters, drawn to pixels on an image surface: the lane
 * painter (states, merged columns, labels, the work a frame reads) and the
 * step painter (values, peaks, scale, the work a frame reads). No display. */
#define G_LOG_DOMAIN "test-painters"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "weft-lane-painter.h"
#include "weft-state-style.h"
#include "weft-step-painter.h"
#include "weft-timeline-rows.h"
#include "weft-trace-import.h"

#define MS    G_GUINT64_CONSTANT (1000000)
#define BASE  (1000 * MS)
#define LOCK  10
#define TASK  1

/* ---- helpers -------------------------------------------------------------- */

static void
ev (GArray *events, guint64 t, WeftEventKind kind, guint32 object, gint64 arg0)
{
  WeftEvent e = { .time_ns = t, .arg0 = arg0, .object = object, .worker = 0, .kind = kind };

  g_array_append_val (events, e);
}

static cairo_surface_t *
draw_node (GskRenderNode *node, int width, int height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (g_getenv ("WEFT_TEST_DUMP") != NULL)
    cairo_surface_write_to_png (surface, g_getenv ("WEFT_TEST_DUMP"));
  return surface;
}

/* ARGB of a pixel, un-premultiplied, each 0–255 */
static void
pixel (cairo_surface_t *surface, int x, int y, int argb[4])
{
  const guint8 *row = cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface);
  guint32 p = ((const guint32 *) row)[x];
  int a = p >> 24;

  argb[0] = a;
  for (int i = 1; i < 4; i++)
    {
      int c = (p >> (24 - 8 * i)) & 0xff;
      argb[i] = a > 0 ? (c * 255 + a / 2) / a : 0;
    }
}

static void
assert_pixel (cairo_surface_t *surface, int x, int y, const GdkRGBA *want, double alpha, const char *what)
{
  int got[4];
  double want_c[3] = { want->red, want->green, want->blue };

  pixel (surface, x, y, got);
  g_test_message ("%s at (%d, %d): argb %d %d %d %d", what, x, y, got[0], got[1], got[2], got[3]);
  g_assert_cmpfloat (ABS (got[0] - alpha * 255), <=, 2);
  if (alpha > 0)
    for (int i = 0; i < 3; i++)
      g_assert_cmpfloat (ABS (got[i + 1] - want_c[i] * 255), <=, 3);
}

static int
alpha_at (cairo_surface_t *surface, int x, int y)
{
  int got[4];

  pixel (surface, x, y, got);
  return got[0];
}

static PangoContext *
new_pango_context (void)
{
  return pango_font_map_create_context (pango_cairo_font_map_get_default ());
}

/* ---- lane painter --------------------------------------------------------- */

/* Over 0–100 ms: a task "render" 0–40, a lock wait 50–80 and the hold 80–90 */
static WeftTraceModel *
states_model (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  WeftEvent name = { .kind = WEFT_EVENT_NAME, .object = TASK };

  memcpy (&name.arg0, "render", 6);
  g_array_append_val (e, name);
  ev (e, 0, WEFT_EVENT_OBJECT_NEW, LOCK, WEFT_OBJECT_LOCK);
  ev (e, BASE, WEFT_EVENT_TASK_BEGIN, TASK, 0);
  ev (e, BASE + 40 * MS, WEFT_EVENT_TASK_END, TASK, WEFT_TASK_OK);
  ev (e, BASE + 50 * MS, WEFT_EVENT_LOCK_WAIT, LOCK, 0);
  ev (e, BASE + 80 * MS, WEFT_EVENT_LOCK_ACQUIRED, LOCK, 0);
  ev (e, BASE + 90 * MS, WEFT_EVENT_LOCK_RELEASED, LOCK, 0);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, BASE + 100 * MS);
  return model;
}

static void
test_lane_states (void)
{
  g_autoptr(WeftTraceModel) model = states_model ();
  g_autoptr(WeftLanePainter) painter = weft_lane_painter_new ();
  g_autoptr(GObject) context_object = G_OBJECT (new_pango_context ());
  PangoContext *context = PANGO_CONTEXT (context_object);
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  WeftLane *lane = weft_trace_model_lookup_lane (model, 0);
  int height = 2 * WEFT_TIMELINE_LANE_PAD + WEFT_TIMELINE_ROW_HEIGHT;
  int y = WEFT_TIMELINE_LANE_PAD + WEFT_TIMELINE_ROW_HEIGHT - 3;
  GdkRGBA running, lock_wait, lock_held, none = { 0 };
  guint text = 0;

  weft_state_style_get_color (WEFT_STATE_RUNNING, FALSE, &running);
  weft_state_style_get_color (WEFT_STATE_LOCK_WAIT, FALSE, &lock_wait);
  weft_state_style_get_color (WEFT_STATE_LOCK_HELD, FALSE, &lock_held);

  /* 2 px per ms */
  node = weft_lane_painter_paint (painter, model, lane, BASE, BASE + 100 * MS, 200, height, context, FALSE);
  g_assert_nonnull (node);
  {
    graphene_rect_t bounds;

    gsk_render_node_get_bounds (node, &bounds);
    g_assert_cmpfloat (bounds.size.width, ==, 200);
    g_assert_cmpfloat (bounds.size.height, ==, height);
  }
  surface = draw_node (node, 200, height);
  assert_pixel (surface, 78, y, &running, 1, "running");
  assert_pixel (surface, 130, y, &lock_wait, 1, "lock wait");
  assert_pixel (surface, 170, y, &lock_held, 1, "lock held");
  /* Idle is never painted, and nothing above or below the row */
  assert_pixel (surface, 90, y, &none, 0, "idle");
  assert_pixel (surface, 190, y, &none, 0, "idle after");
  assert_pixel (surface, 40, 1, &none, 0, "above the row");
  assert_pixel (surface, 40, height - 1, &none, 0, "below the row");

  /* The 80 px task is labelled with its name: text pixels in it */
  for (int x = 2; x < 76; x++)
    for (int ty = WEFT_TIMELINE_LANE_PAD; ty < WEFT_TIMELINE_LANE_PAD + WEFT_TIMELINE_ROW_HEIGHT; ty++)
      {
        int got[4];

        pixel (surface, x, ty, got);
        text += ABS (got[1] - running.red * 255) > 40;
      }
  g_test_message ("text pixels: %u", text);
  g_assert_cmpuint (text, >, 40);
  /* Both states were read from the lane */
  g_assert_cmpuint (weft_lane_painter_get_spans_visited (painter), >, 0);
  cairo_surface_destroy (surface);

  /* The dark style has its own colours */
  g_clear_pointer (&node, gsk_render_node_unref);
  weft_state_style_get_color (WEFT_STATE_LOCK_WAIT, TRUE, &lock_wait);
  node = weft_lane_painter_paint (painter, model, lane, BASE, BASE + 100 * MS, 200, height, context, TRUE);
  surface = draw_node (node, 200, height);
  assert_pixel (surface, 130, y, &lock_wait, 1, "dark lock wait");
  cairo_surface_destroy (surface);

  /* A window onto the wait alone: the wait fills it */
  g_clear_pointer (&node, gsk_render_node_unref);
  node = weft_lane_painter_paint (painter, model, lane, BASE + 55 * MS, BASE + 75 * MS, 100, height, context, TRUE);
  surface = draw_node (node, 100, height);
  for (int x = 0; x < 100; x += 11)
    assert_pixel (surface, x, y, &lock_wait, 1, "zoomed lock wait");
  cairo_surface_destroy (surface);
}

/* Another program's trace: slices take a colour by name (Layout, Paint,
 * Layout again), not all the one colour of running */
static void
test_lane_named_slices (void)
{
  static const char trace[] =
    "[{\"ph\":\"X\",\"name\":\"Layout\",\"pid\":1,\"tid\":1,\"ts\":1000,\"dur\":30000},\n"
    " {\"ph\":\"X\",\"name\":\"Paint\",\"pid\":1,\"tid\":1,\"ts\":41000,\"dur\":30000},\n"
    " {\"ph\":\"X\",\"name\":\"Layout\",\"pid\":1,\"tid\":1,\"ts\":81000,\"dur\":20000}]\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-painters-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "slices.json", NULL);
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(WeftLanePainter) painter = weft_lane_painter_new ();
  g_autoptr(GObject) context_object = G_OBJECT (new_pango_context ());
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  WeftLane *lane;
  WeftSpan layout, paint;
  int height = 2 * WEFT_TIMELINE_LANE_PAD + WEFT_TIMELINE_ROW_HEIGHT;
  int y = WEFT_TIMELINE_LANE_PAD + WEFT_TIMELINE_ROW_HEIGHT - 3;
  guint layout_colour, paint_colour;
  GdkRGBA want;

  g_assert_true (g_file_set_contents (path, trace, -1, NULL));
  model = weft_trace_import_file (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (weft_trace_model_get_named_slices (model));
  lane = weft_trace_model_get_lane (model, 0);
  g_assert_cmpuint (weft_lane_get_n_spans (lane, 0), ==, 3);
  g_assert_true (weft_lane_get_span (lane, 0, 0, &layout));
  g_assert_true (weft_lane_get_span (lane, 0, 1, &paint));
  g_assert_cmpuint (layout.state, ==, WEFT_STATE_RUNNING);
  g_assert_cmpuint (paint.state, ==, WEFT_STATE_RUNNING);
  layout_colour = weft_state_style_get_slice_color_index (layout.object);
  paint_colour = weft_state_style_get_slice_color_index (paint.object);
  /* the two names fall on two colours */
  g_assert_cmpuint (layout_colour, !=, paint_colour);

  /* 2 px per ms from the first slice's start */
  node = weft_lane_painter_paint (painter, model, lane, layout.start_ns, layout.start_ns + 100 * MS, 200, height,
                                  PANGO_CONTEXT (context_object), FALSE);
  surface = draw_node (node, 200, height);
  weft_state_style_get_slice_color (layout_colour, FALSE, &want);
  assert_pixel (surface, 30, y, &want, 1, "Layout");
  assert_pixel (surface, 180, y, &want, 1, "Layout again");
  weft_state_style_get_slice_color (paint_colour, FALSE, &want);
  assert_pixel (surface, 110, y, &want, 1, "Paint");
  cairo_surface_destroy (surface);

  /* the same model read as Weft's own spans: the colour of running */
  weft_trace_model_set_named_slices (model, FALSE);
  g_clear_pointer (&node, gsk_render_node_unref);
  node = weft_lane_painter_paint (painter, model, lane, layout.start_ns, layout.start_ns + 100 * MS, 200, height,
                                  PANGO_CONTEXT (context_object), FALSE);
  surface = draw_node (node, 200, height);
  weft_state_style_get_color (WEFT_STATE_RUNNING, FALSE, &want);
  assert_pixel (surface, 110, y, &want, 1, "running");
  cairo_surface_destroy (surface);

  g_unlink (path);
  g_rmdir (dir);
}

/* 1,000,000 spans of 600 ns every 1 µs, a lock wait every tenth */
static WeftTraceModel *
dense_model (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));

  for (guint i = 0; i < 1000000; i++)
    {
      guint64 t = BASE + (guint64) i * 1000;
      gboolean wait = i % 10 == 0;

      ev (e, t, wait ? WEFT_EVENT_LOCK_WAIT : WEFT_EVENT_TASK_BEGIN, wait ? LOCK : TASK, 0);
      ev (e, t + 600, wait ? WEFT_EVENT_LOCK_ACQUIRED : WEFT_EVENT_TASK_END, wait ? LOCK : TASK, 0);
      if (wait)
        ev (e, t + 600, WEFT_EVENT_LOCK_RELEASED, LOCK, 0);
      if (e->len > 100000)
        {
          weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
          g_array_set_size (e, 0);
        }
    }
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, BASE + G_GUINT64_CONSTANT (1000000) * 1000);
  return model;
}

static void
test_lane_merges (void)
{
  g_autoptr(WeftTraceModel) model = dense_model ();
  g_autoptr(WeftLanePainter) painter = weft_lane_painter_new ();
  g_autoptr(GObject) context_object = G_OBJECT (new_pango_context ());
  PangoContext *context = PANGO_CONTEXT (context_object);
  g_autoptr(GskRenderNode) node = NULL;
  WeftLane *lane = weft_trace_model_lookup_lane (model, 0);
  const int width = 400, height = 2 * WEFT_TIMELINE_LANE_PAD + WEFT_TIMELINE_ROW_HEIGHT;
  int y = WEFT_TIMELINE_LANE_PAD + 8;
  cairo_surface_t *surface;
  GdkRGBA running;
  guint64 visited;

  /* (each wait is followed by a hold of 0 ns) */
  g_assert_cmpuint (weft_lane_get_total_spans (lane), ==, 1100000);
  weft_state_style_get_color (WEFT_STATE_RUNNING, FALSE, &running);

  /* The whole second: 2,500 spans per column, read from the summaries */
  node = weft_lane_painter_paint (painter, model, lane, BASE, BASE + 1000 * MS, width, height, context, FALSE);
  visited = weft_lane_painter_get_spans_visited (painter);
  g_test_message ("whole lane: %" G_GUINT64_FORMAT " spans and entries read for %d columns", visited, width);
  g_assert_cmpuint (visited, >, 0);
  g_assert_cmpuint (visited, <, (guint64) 64 * width);
  surface = draw_node (node, width, height);
  /* Each column runs 54 % of the time: running, at the shade for 45–75 % busy */
  for (int x = 0; x < width; x += 7)
    assert_pixel (surface, x, y, &running, 0.72, "merged column");
  cairo_surface_destroy (surface);

  /* A 1 % window reads about as much, not a hundredth of the spans */
  weft_lane_painter_reset_spans_visited (painter);
  g_clear_pointer (&node, gsk_render_node_unref);
  node = weft_lane_painter_paint (painter, model, lane, BASE + 500 * MS, BASE + 510 * MS, width, height,
                                  context, FALSE);
  visited = weft_lane_painter_get_spans_visited (painter);
  g_test_message ("1 %% window: %" G_GUINT64_FORMAT " spans and entries read", visited);
  g_assert_cmpuint (visited, <, (guint64) 64 * width);

  /* 4 µs across 400 px: every span is 60 px wide, drawn alone, opaque */
  weft_lane_painter_reset_spans_visited (painter);
  g_clear_pointer (&node, gsk_render_node_unref);
  node = weft_lane_painter_paint (painter, model, lane, BASE + 1000, BASE + 5000, width, height,
                                  context, FALSE);
  g_assert_cmpuint (weft_lane_painter_get_spans_visited (painter), <=, 16);
  surface = draw_node (node, width, height);
  assert_pixel (surface, 30, y, &running, 1, "one span");
  assert_pixel (surface, 80, y, &running, 0, "the gap after it");
  cairo_surface_destroy (surface);
}

/* ---- step painter --------------------------------------------------------- */

/* 0 until 10 ms, 2 until 50 ms, 1 until 80 ms, then 0 (over 0–100 ms) */
static const WeftCounterPoint steps[] = {
  { BASE, 0 },
  { BASE + 10 * MS, 2 },
  { BASE + 50 * MS, 1 },
  { BASE + 80 * MS, 0 },
};

static void
test_step_values (void)
{
  g_autoptr(WeftCounterTrack) track = weft_counter_track_new (steps, G_N_ELEMENTS (steps));
  g_autoptr(WeftStepPainter) painter = weft_step_painter_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  GdkRGBA c = { 0.2, 0.4, 0.6, 1 };
  gint64 max = 0;

  weft_step_painter_set_style (painter, &c, 1.0, FALSE);
  weft_step_painter_set_margins (painter, 0, 0);

  /* 1 px per ms, 40 px high: the peak in view (2) at the top */
  node = weft_step_painter_paint (painter, track, BASE, BASE + 100 * MS, 100, 40, 0, &max);
  g_assert_cmpint (max, ==, 2);
  surface = draw_node (node, 100, 40);
  assert_pixel (surface, 5, 38, &c, 0, "0 before 10 ms");
  assert_pixel (surface, 30, 2, &c, 1, "2 fills the height");
  assert_pixel (surface, 65, 15, &c, 0, "1 is half the height");
  assert_pixel (surface, 65, 25, &c, 1, "1 fills the lower half");
  assert_pixel (surface, 90, 38, &c, 0, "0 after 80 ms");
  cairo_surface_destroy (surface);

  /* A fixed top of 4: 2 is half the height */
  g_clear_pointer (&node, gsk_render_node_unref);
  node = weft_step_painter_paint (painter, track, BASE, BASE + 100 * MS, 100, 40, 4, &max);
  g_assert_cmpint (max, ==, 2);
  surface = draw_node (node, 100, 40);
  assert_pixel (surface, 30, 15, &c, 0, "2 of 4, upper half");
  assert_pixel (surface, 30, 25, &c, 1, "2 of 4, lower half");
  cairo_surface_destroy (surface);

  /* A window inside the second step: the value in force fills it */
  g_clear_pointer (&node, gsk_render_node_unref);
  node = weft_step_painter_paint (painter, track, BASE + 60 * MS, BASE + 70 * MS,
                                  50, 40, 0, &max);
  g_assert_cmpint (max, ==, 1);
  surface = draw_node (node, 50, 40);
  for (int x = 1; x < 50; x += 6)
    assert_pixel (surface, x, 2, &c, 1, "value in force");
  cairo_surface_destroy (surface);

  /* No points: an empty node of the size asked, peak 1 */
  g_clear_pointer (&node, gsk_render_node_unref);
  node = weft_step_painter_paint (painter, NULL, BASE, BASE + 100 * MS, 100, 40, 0, &max);
  g_assert_cmpint (max, ==, 1);
  surface = draw_node (node, 100, 40);
  assert_pixel (surface, 50, 39, &c, 0, "nothing");
  cairo_surface_destroy (surface);
}

static void
test_step_outline (void)
{
  g_autoptr(WeftCounterTrack) track = weft_counter_track_new (steps, G_N_ELEMENTS (steps));
  g_autoptr(WeftStepPainter) painter = weft_step_painter_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  GdkRGBA c = { 0.2, 0.4, 0.6, 1 };

  /* As the timeline's counter tracks: 45 % fill, an outline, margins */
  weft_step_painter_set_style (painter, &c, 0.45, TRUE);
  weft_step_painter_set_margins (painter, 6, 3);
  node = weft_step_painter_paint (painter, track, BASE, BASE + 100 * MS, 100, 40, 0, NULL);
  surface = draw_node (node, 100, 40);
  /* The top of 2 is at y = 6: the line there (half in each pixel row
   * beside it), the fill below, nothing above */
  g_assert_cmpint (alpha_at (surface, 30, 3), ==, 0);
  assert_pixel (surface, 30, 20, &c, 0.45, "fill");
  g_assert_cmpint (alpha_at (surface, 30, 6), >=, alpha_at (surface, 30, 20) + 50);
  g_assert_cmpint (alpha_at (surface, 30, 5), >=, 100);
  g_assert_cmpint (alpha_at (surface, 30, 39), ==, 0);
  cairo_surface_destroy (surface);
}

/* 1,000,000 points flipping between 0 and 1 every µs, with a peak of 9
 * lasting 1 ns: bounded work per column by default, the true peak when
 * asked */
static void
test_step_peaks (void)
{
  g_autoptr(WeftStepPainter) painter = weft_step_painter_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autofree WeftCounterPoint *pts = g_new (WeftCounterPoint, 1000002);
  g_autoptr(WeftCounterTrack) track = NULL;
  cairo_surface_t *surface;
  GdkRGBA c = { 0.2, 0.4, 0.6, 1 };
  const int width = 200;
  guint n = 0, peak_at = 0;
  gint64 max = 0;
  guint64 visited;

  for (guint i = 0; i < 1000000; i++)
    {
      pts[n++] = (WeftCounterPoint) { BASE + (guint64) i * 1000, i % 2 };
      if (i == 700001)
        {
          pts[n++] = (WeftCounterPoint) { BASE + (guint64) i * 1000 + 500, 9 };
          pts[n++] = (WeftCounterPoint) { BASE + (guint64) i * 1000 + 501, 1 };
          peak_at = (guint) ((guint64) i * 1000 * width / (1000 * MS));
        }
    }
  track = weft_counter_track_new (pts, n);
  weft_step_painter_set_style (painter, &c, 1.0, FALSE);
  weft_step_painter_set_margins (painter, 0, 0);

  /* By default: a few points per column, whatever the points in view */
  node = weft_step_painter_paint (painter, track, BASE, BASE + 1000 * MS, width, 45, 0, &max);
  visited = weft_step_painter_get_points_visited (painter);
  g_test_message ("%u points, %" G_GUINT64_FORMAT " read one by one for %d columns", n, visited, width);
  g_assert_cmpuint (visited, <=, (guint64) 3 * width);
  g_assert_cmpint (max, >=, 1);
  surface = draw_node (node, width, 45);
  assert_pixel (surface, peak_at - 20, 43, &c, 1, "bounded: 1");
  cairo_surface_destroy (surface);

  /* Exact peaks: every point read, each column a bar of its highest value:
   * the peak's column reaches the top, its neighbours 1 of 9 (no dip to 0
   * shows) */
  weft_step_painter_reset_points_visited (painter);
  weft_step_painter_set_exact_peaks (painter, TRUE);
  g_clear_pointer (&node, gsk_render_node_unref);
  node = weft_step_painter_paint (painter, track, BASE, BASE + 1000 * MS, width, 45, 0, &max);
  g_assert_cmpint (max, ==, 9);
  g_assert_cmpuint (weft_step_painter_get_points_visited (painter), >=, n);
  surface = draw_node (node, width, 45);
  g_assert_cmpint (alpha_at (surface, peak_at, 2), >=, 128);
  g_assert_cmpint (alpha_at (surface, peak_at - 20, 20), ==, 0);
  for (int x = 0; x < width; x++)
    assert_pixel (surface, x, 43, &c, 1, "exact: 1 of 9");
  cairo_surface_destroy (surface);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Registers the render node types, as gtk_init() would; no display */
  g_type_ensure (GSK_TYPE_CAIRO_NODE);

  g_test_add_func ("/weft/painters/lane-states", test_lane_states);
  g_test_add_func ("/weft/painters/lane-merges", test_lane_merges);
  g_test_add_func ("/weft/painters/lane-named-slices", test_lane_named_slices);
  g_test_add_func ("/weft/painters/step-values", test_step_values);
  g_test_add_func ("/weft/painters/step-outline", test_step_outline);
  g_test_add_func ("/weft/painters/step-peaks", test_step_peaks);

  return g_test_run ();
}
