/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-timeline"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "weft-lane-painter.h"
#include "weft-loop-executor.h"
#include "weft-state-style.h"
#include "weft-timeline-rows.h"

/**
 * WeftLanePainter:
 *
 * Turns a lane, a time window and a size into one Cairo render node: each
 * depth row binary-searches the window; spans at least a pixel long are
 * drawn one by one (labelled where the text fits), the rest merged per pixel
 * column from the lane's summaries, shaded by how busy the column is; open
 * spans run to the lane's last time; instants are marks along the top.
 * In another program's trace (weft_trace_model_get_named_slices()) a slice
 * at least a pixel long takes a colour by its name, as trace viewers draw
 * them; merged columns keep the colour of running.
 * A task that failed is drawn in a colour of its own, crossed out (one
 * narrower than a pixel is a crimson mark where it ended). On a
 * main loop's lane, the time its tasks spend awaiting (the loop's "pending
 * waits" counter above 0) is a pale band behind the spans. Each loop of a
 * run has its own counters (weft_lane_painter_get_loop_index()).
 * Rectangles are batched into one path per colour and shade, so the cost
 * follows the pixels, not the spans. The painter keeps only scratch memory
 * between calls; the canvas caches what it returns.
 */

#define N_LEVELS      4
#define MIN_LABEL_PX  28.0

typedef struct
{
  float x, y, w, h;
} Rect;

typedef struct
{
  double   x, y, w, h;
  guint8   state;
  gboolean failed;
  guint32  object;
  int      slice;              /* a named slice's colour, -1 for the state's */
} LabelItem;

struct _WeftLanePainter
{
  GObject            parent_instance;

  GArray            *batch[WEFT_N_STATES][N_LEVELS];   /* Rect */
  GArray            *failed;         /* Rect: tasks that failed, drawn apart */
  GPtrArray         *slices;         /* GArray of Rect per slice colour */
  gboolean           named;          /* this model's RUNNING spans are named slices */
  GArray            *labels;         /* LabelItem */
  WeftColumnSummary *columns;        /* a row's pixel columns */
  guint              n_columns;
  GArray            *wide;           /* WeftSpan: a row's spans >= 1 px */
  guint64            spans_visited;
};

G_DEFINE_FINAL_TYPE (WeftLanePainter, weft_lane_painter, G_TYPE_OBJECT)

static const double level_alpha[N_LEVELS] = { 1.0, 0.72, 0.48, 0.28 };

const char *
weft_lane_painter_get_span_text (WeftTraceModel *model,
                                 guint           state,
                                 guint32         object,
                                 char           *buf,
                                 gsize           len)
{
  const char *name = weft_trace_model_get_object_name (model, object);

  if (name != NULL && *name != '\0')
    return name;
  if (state == WEFT_STATE_RUNNING)
    {
      /* Translators: a task without a name, %u is its id */
      g_snprintf (buf, len, _("Task %u"), object);
      return buf;
    }
  if (state == WEFT_STATE_GIL_WAIT || state == WEFT_STATE_GIL_HELD)
    return "GIL";
  return NULL;
}

static void
batch_rect (WeftLanePainter *self,
            guint            state,
            guint            level,
            double           x0,
            double           x1,
            double           y,
            double           h)
{
  Rect r;

  if (state >= WEFT_N_STATES || state == WEFT_STATE_IDLE)
    return;
  r.x = (float) x0;
  r.y = (float) y;
  r.w = (float) (x1 - x0);
  r.h = (float) h;
  g_array_append_val (self->batch[state][level], r);
}

static double
span_x (guint64 t,
        guint64 b,
        double  scale)
{
  return ((double) (gint64) (t - b)) * scale;
}

/* Spans at least a pixel long, one rectangle each, labelled if wide */
static void
batch_wide_spans (WeftLanePainter *self,
                  guint64          vb,
                  double           scale,
                  int              tw,
                  double           y,
                  double           h)
{
  for (guint k = 0; k < self->wide->len; k++)
    {
      const WeftSpan *s = &g_array_index (self->wide, WeftSpan, k);
      double cx0 = MAX (span_x (s->start_ns, vb, scale), -2.0);
      double cx1 = MIN (span_x (s->end_ns, vb, scale), tw + 2.0);

      gboolean failed = s->state == WEFT_STATE_RUNNING && (s->flags & WEFT_SPAN_TASK_FAILED);

      int slice = self->named && s->state == WEFT_STATE_RUNNING && !failed
                  ? (int) weft_state_style_get_slice_color_index (s->object) : -1;
      Rect r = { (float) cx0, (float) y, (float) (cx1 - cx0), (float) h };

      if (failed)
        g_array_append_val (self->failed, r);
      else if (slice >= 0)
        g_array_append_val (g_ptr_array_index (self->slices, slice), r);
      else
        batch_rect (self, s->state, 0, cx0, cx1, y, h);
      if (cx1 - cx0 >= MIN_LABEL_PX)
        {
          LabelItem item = { cx0, y, cx1 - cx0, h, s->state, failed, s->object, slice };
          g_array_append_val (self->labels, item);
        }
    }
}

/* A column's state: the one taking most of it; its busy time in @out_busy */
static guint
column_state (const WeftColumnSummary *c,
              double                  *out_busy)
{
  double busy = 0;
  guint state = WEFT_STATE_IDLE;

  for (guint k = WEFT_STATE_IDLE + 1; k < WEFT_N_STATES; k++)
    {
      busy += c->state_ns[k];
      if (c->state_ns[k] > c->state_ns[state])
        state = k;
    }
  *out_busy = busy;
  return state;
}

/* Neighbouring columns of one state and shade (how busy they are) become
 * one rectangle */
static void
batch_columns (WeftLanePainter *self,
               double           ns_per_px,
               int              tw,
               double           y,
               double           h)
{
  int run0 = -1, run1 = -1;
  guint run_state = 0, run_level = 0;

  for (int col = 0; col < tw; col++)
    {
      double busy;
      guint state = column_state (&self->columns[col], &busy), level;

      if (state == WEFT_STATE_IDLE)
        {
          if (run0 >= 0)
            batch_rect (self, run_state, run_level, run0, run1, y, h);
          run0 = -1;
          continue;
        }
      busy /= ns_per_px;
      level = busy >= 0.75 ? 0 : busy >= 0.45 ? 1 : busy >= 0.2 ? 2 : 3;
      if (run0 >= 0 && run1 == col && run_state == state && run_level == level)
        {
          run1 = col + 1;
          continue;
        }
      if (run0 >= 0)
        batch_rect (self, run_state, run_level, run0, run1, y, h);
      run0 = col;
      run1 = col + 1;
      run_state = state;
      run_level = level;
    }
  if (run0 >= 0)
    batch_rect (self, run_state, run_level, run0, run1, y, h);
}

/* One depth row: wide spans one by one, with labels; the rest merged per
 * pixel column, read from the lane's summaries (a whole-trace view touches
 * no spans). */
static void
batch_row (WeftLanePainter *self,
           WeftLane        *lane,
           guint            depth,
           double           y,
           double           h,
           guint64          vb,
           guint64          ve,
           int              tw)
{
  double scale = tw / (double) (ve - vb);
  double ns_per_px = (ve - vb) / (double) tw;

  if ((guint) tw > self->n_columns)
    {
      self->columns = g_renew (WeftColumnSummary, self->columns, tw);
      self->n_columns = tw;
    }
  g_array_set_size (self->wide, 0);
  self->spans_visited += weft_lane_summarize_columns (lane, depth, vb, ns_per_px, tw,
                                                      self->columns, self->wide);
  batch_wide_spans (self, vb, scale, tw, y, h);
  batch_columns (self, ns_per_px, tw, y, h);
}

/* Open spans (live): drawn up to the lane's last time */
static void
batch_open_spans (WeftLanePainter *self,
                  WeftLane        *lane,
                  guint64          vb,
                  guint64          ve,
                  int              tw)
{
  WeftSpan open[WEFT_LANE_MAX_DEPTH + 1];
  guint n_open = weft_lane_get_open_spans (lane, open, G_N_ELEMENTS (open));
  double scale = tw / (double) (ve - vb);

  for (guint k = 0; k < n_open; k++)
    {
      double x0 = span_x (open[k].start_ns, vb, scale);
      double x1 = span_x (open[k].end_ns, vb, scale);
      double inset = open[k].depth > 0 ? 1 : 0;
      double y = WEFT_TIMELINE_LANE_PAD + open[k].depth * WEFT_TIMELINE_ROW_HEIGHT + inset;

      if (x1 < 0 || x0 > tw)
        continue;
      x0 = MAX (x0, -2);
      x1 = MAX (MIN (x1, tw + 2.0), x0 + 1);
      batch_rect (self, open[k].state, 0, x0, x1, y, WEFT_TIMELINE_ROW_HEIGHT - inset);
    }
}

/* Hatched states: the base, then diagonal strokes clipped to it */
static void
fill_hatched (cairo_t  *cr,
              gboolean  dark)
{
  double y0, y1, x0, x1;

  cairo_fill_extents (cr, &x0, &y0, &x1, &y1);
  cairo_fill_preserve (cr);
  cairo_save (cr);
  cairo_clip (cr);
  cairo_set_source_rgba (cr, dark ? 1 : 0, dark ? 1 : 0, dark ? 1 : 0, 0.28);
  cairo_set_line_width (cr, 1.5);
  for (double x = x0 - (y1 - y0); x < x1; x += 6)
    {
      cairo_move_to (cr, x, y1);
      cairo_line_to (cr, x + (y1 - y0), y0);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Failed tasks: their own colour, crossed out */
static void
fill_failed (WeftLanePainter *self,
             cairo_t         *cr,
             gboolean         dark)
{
  double y0, y1, x0, x1;
  GdkRGBA c;

  if (self->failed->len == 0)
    return;
  weft_state_style_get_failed_color (dark, &c);
  gdk_cairo_set_source_rgba (cr, &c);
  for (guint k = 0; k < self->failed->len; k++)
    {
      const Rect *r = &g_array_index (self->failed, Rect, k);
      cairo_rectangle (cr, r->x, r->y, r->w, r->h);
    }
  cairo_fill_extents (cr, &x0, &y0, &x1, &y1);
  cairo_fill_preserve (cr);
  cairo_save (cr);
  cairo_clip (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.35);
  cairo_set_line_width (cr, 1);
  for (double x = x0 - (y1 - y0); x < x1; x += 8)
    {
      cairo_move_to (cr, x, y1);
      cairo_line_to (cr, x + (y1 - y0), y0);
      cairo_move_to (cr, x, y0);
      cairo_line_to (cr, x + (y1 - y0), y1);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
  g_array_set_size (self->failed, 0);
}

/* Another program's slices at least a pixel long: a colour per name */
static void
fill_slices (WeftLanePainter *self,
             cairo_t         *cr,
             gboolean         dark)
{
  for (guint i = 0; i < self->slices->len; i++)
    {
      GArray *rects = g_ptr_array_index (self->slices, i);
      GdkRGBA c;

      if (rects->len == 0)
        continue;
      weft_state_style_get_slice_color (i, dark, &c);
      gdk_cairo_set_source_rgba (cr, &c);
      for (guint k = 0; k < rects->len; k++)
        {
          const Rect *r = &g_array_index (rects, Rect, k);
          cairo_rectangle (cr, r->x, r->y, r->w, r->h);
        }
      cairo_fill (cr);
      g_array_set_size (rects, 0);
    }
}

static void
fill_batches (WeftLanePainter *self,
              cairo_t         *cr,
              gboolean         dark)
{
  /* Pixel-snapped boxes take pixman's fast path */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  for (guint s = 1; s < WEFT_N_STATES; s++)
    for (guint l = 0; l < N_LEVELS; l++)
      {
        GArray *rects = self->batch[s][l];
        GdkRGBA c;

        if (rects->len == 0)
          continue;
        weft_state_style_get_color (s, dark, &c);
        cairo_set_source_rgba (cr, c.red, c.green, c.blue, level_alpha[l]);
        for (guint k = 0; k < rects->len; k++)
          {
            const Rect *r = &g_array_index (rects, Rect, k);
            cairo_rectangle (cr, r->x, r->y, r->w, r->h);
          }
        if (weft_state_style_is_hatched (s))
          fill_hatched (cr, dark);
        else
          cairo_fill (cr);
        g_array_set_size (rects, 0);
      }
  fill_slices (self, cr, dark);
  fill_failed (self, cr, dark);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
}

static PangoLayout *
new_label_layout (PangoContext *context)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *desc = pango_font_description_copy (pango_context_get_font_description (context));

  pango_font_description_set_absolute_size (desc, 10 * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  return layout;
}

static void
draw_labels (WeftLanePainter *self,
             cairo_t         *cr,
             WeftTraceModel  *model,
             PangoContext    *context,
             gboolean         dark)
{
  g_autoptr(PangoLayout) layout = NULL;

  if (self->labels->len == 0)
    return;
  layout = new_label_layout (context);
  for (guint k = 0; k < self->labels->len; k++)
    {
      const LabelItem *item = &g_array_index (self->labels, LabelItem, k);
      char buf[32];
      const char *text = weft_lane_painter_get_span_text (model, item->state, item->object, buf, sizeof buf);
      GdkRGBA c;
      int lw, lh;

      if (text == NULL)
        continue;
      pango_layout_set_text (layout, text, -1);
      pango_layout_set_width (layout, (int) ((item->w - 6) * PANGO_SCALE));
      pango_layout_get_pixel_size (layout, &lw, &lh);
      /* Only when at least a few characters fit */
      if (lw < 12 && (int) strlen (text) > 1)
        continue;
      if (item->failed)
        weft_state_style_get_failed_color (dark, &c);
      else if (item->slice >= 0)
        weft_state_style_get_slice_color ((guint) item->slice, dark, &c);
      else
        weft_state_style_get_color (item->state, dark, &c);
      if (0.299 * c.red + 0.587 * c.green + 0.114 * c.blue > 0.55)
        cairo_set_source_rgba (cr, 0.1, 0.1, 0.12, 0.9);
      else
        cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
      cairo_move_to (cr, item->x + 3, item->y + (item->h - lh) / 2);
      pango_cairo_show_layout (cr, layout);
    }
  g_array_set_size (self->labels, 0);
}

/* A mark per instant, at least two pixels apart */
static void
draw_instants (cairo_t  *cr,
               WeftLane *lane,
               guint64   vb,
               guint64   ve,
               int       tw,
               gboolean  dark)
{
  guint first, n, n_all;
  const WeftInstant *inst = weft_lane_get_instants (lane, &n_all);
  double scale = tw / (double) (ve - vb);
  double ns_per_px = (ve - vb) / (double) tw;
  guint i;

  weft_lane_lookup_instants (lane, vb, ve, &first, &n);
  if (n == 0)
    return;
  i = first;
  while (i < first + n)
    {
      double x = span_x (inst[i].time_ns, vb, scale);
      guint64 next = vb + (guint64) ceil ((floor (x) + 2) * ns_per_px);
      guint skip_first, skip_n;

      cairo_move_to (cr, x - 3.5, 0);
      cairo_line_to (cr, x + 3.5, 0);
      cairo_line_to (cr, x, 5);
      cairo_close_path (cr);
      /* the next instant at least two pixels on */
      weft_lane_lookup_instants (lane, next, ve, &skip_first, &skip_n);
      i = MAX (skip_first, i + 1);
    }
  if (dark)
    cairo_set_source_rgba (cr, 0.95, 0.95, 0.95, 0.9);
  else
    cairo_set_source_rgba (cr, 0.15, 0.15, 0.18, 0.9);
  cairo_fill (cr);
}

/**
 * weft_lane_painter_get_loop_index:
 * @model: the model that owns @lane
 *
 * Returns: which of the run's main loops @lane is (they are numbered in
 *   worker order, as a run numbers their counters: weft_loop_lag_id(),
 *   weft_loop_pending_id()), or -1 if it is not a main loop's lane or its
 *   loop has no counters of its own (a trace of several loops from before
 *   they had)
 */
int
weft_lane_painter_get_loop_index (WeftTraceModel *model,
                                  WeftLane       *lane)
{
  guint n_loops = 0;
  int index = -1;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (model), -1);
  g_return_val_if_fail (lane != NULL, -1);

  if (weft_lane_get_executor (lane) != WEFT_EXECUTOR_MAINLOOP)
    return -1;
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *l = weft_trace_model_get_lane (model, i);

      if (l == lane)
        index = (int) n_loops;
      n_loops += weft_lane_get_executor (l) == WEFT_EXECUTOR_MAINLOOP;
    }
  if (index < 0 ||
      weft_trace_model_get_object_kind (model, weft_loop_pending_id (index)) != WEFT_OBJECT_COUNTER ||
      (n_loops > 1 && weft_trace_model_get_object_kind (model, weft_loop_pending_id (1)) != WEFT_OBJECT_COUNTER))
    return -1;
  return index;
}

/* The "pending waits" counter of @lane's main loop, or %NULL */
static const WeftCounterTrack *
loop_pending (WeftTraceModel *model,
              WeftLane       *lane)
{
  int index = weft_lane_painter_get_loop_index (model, lane);

  return index >= 0 ? weft_trace_model_get_counter (model, weft_loop_pending_id (index)) : NULL;
}

/**
 * weft_lane_painter_get_awaiting:
 * @model: the model that owns @lane
 * @t: a time
 *
 * Returns: how many tasks of the main loop of @lane await (wait without
 *   blocking) at @t; 0 if none, or if @lane is not a main loop's
 */
gint64
weft_lane_painter_get_awaiting (WeftTraceModel *model,
                                WeftLane       *lane,
                                guint64         t)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (model), 0);
  g_return_val_if_fail (lane != NULL, 0);

  return MAX (weft_counter_track_value_at (loop_pending (model, lane), t), 0);
}

/* Adds the rectangle of one stretch of awaits, [@t0, @t1), if it shows */
static gboolean
add_awaiting (cairo_t *cr,
              guint64  t0,
              guint64  t1,
              guint64  vb,
              double   scale,
              int      tw,
              int      height)
{
  double x0 = MAX (span_x (t0, vb, scale), -2.0);
  double x1 = MIN (span_x (t1, vb, scale), tw + 2.0);

  if (x1 <= x0)
    return FALSE;
  cairo_rectangle (cr, floor (x0), WEFT_TIMELINE_LANE_PAD,
                   MAX (ceil (x1) - floor (x0), 1), height - 2 * WEFT_TIMELINE_LANE_PAD);
  return TRUE;
}

/* The loop's awaits: one rectangle per stretch with tasks awaiting, which
 * lasts until the count is back at 0 */
static void
draw_awaiting (cairo_t        *cr,
               WeftTraceModel *model,
               WeftLane       *lane,
               guint64         vb,
               guint64         ve,
               int             tw,
               int             height,
               gboolean        dark)
{
  const WeftCounterTrack *track = loop_pending (model, lane);
  double scale = tw / (double) (ve - vb);
  gboolean any = FALSE, open = FALSE;
  guint64 start = 0;
  WeftCounterIter iter;
  WeftCounterPoint before, pt;
  GdkRGBA c;

  if (weft_counter_track_get_n_points (track) == 0)
    return;
  /* a stretch may have begun before the view */
  if (weft_counter_iter_init_at (&iter, track, vb, &before) > 0 && before.value > 0)
    {
      open = TRUE;
      start = before.time_ns;
    }
  while (weft_counter_iter_next (&iter, &pt))
    {
      if (open && (pt.value <= 0 || pt.time_ns >= ve))
        {
          any |= add_awaiting (cr, start, pt.time_ns, vb, scale, tw, height);
          open = FALSE;
        }
      if (pt.time_ns >= ve)
        break;
      if (!open && pt.value > 0)
        {
          open = TRUE;
          start = pt.time_ns;
        }
    }
  if (open)
    any |= add_awaiting (cr, start, weft_lane_get_last_time (lane), vb, scale, tw, height);
  if (!any)
    return;
  weft_state_style_get_awaiting_color (dark, &c);
  gdk_cairo_set_source_rgba (cr, &c);
  cairo_fill (cr);
}

/* Lanes with more spans than this in view draw no marks for narrow failed
 * tasks (finding them reads every span) */
#define MAX_FAILED_SCAN 100000

/* A failed task narrower than a pixel (a main loop's last stretch of a
 * task) still shows: a crimson mark at the top where it ended. Only lanes
 * where a task failed are searched. */
static void
draw_failed_marks (cairo_t        *cr,
                   WeftTraceModel *model,
                   WeftLane       *lane,
                   guint64         vb,
                   guint64         ve,
                   int             tw,
                   gboolean        dark)
{
  double scale = tw / (double) (ve - vb);
  WeftLaneStats ls;
  guint first, n;
  gboolean any = FALSE;
  GdkRGBA c;

  if (!weft_trace_model_get_lane_stats (model, weft_lane_get_worker (lane), &ls) || ls.tasks_failed == 0)
    return;
  weft_lane_lookup_range (lane, 0, vb, ve, &first, &n);
  if (n > MAX_FAILED_SCAN)
    return;
  for (guint k = first; k < first + n; k++)
    {
      WeftSpan s;
      double x;

      if (!weft_lane_get_span (lane, 0, k, &s) || s.state != WEFT_STATE_RUNNING ||
          !(s.flags & WEFT_SPAN_TASK_FAILED) || (s.end_ns - s.start_ns) * scale >= 1)
        continue;
      x = span_x (s.end_ns, vb, scale);
      cairo_move_to (cr, x - 4.5, WEFT_TIMELINE_LANE_PAD);
      cairo_line_to (cr, x + 4.5, WEFT_TIMELINE_LANE_PAD);
      cairo_line_to (cr, x, WEFT_TIMELINE_LANE_PAD + 8);
      cairo_close_path (cr);
      any = TRUE;
    }
  if (!any)
    return;
  weft_state_style_get_failed_color (dark, &c);
  gdk_cairo_set_source_rgba (cr, &c);
  cairo_fill (cr);
}

WeftLanePainter *
weft_lane_painter_new (void)
{
  return g_object_new (WEFT_TYPE_LANE_PAINTER, NULL);
}

/**
 * weft_lane_painter_paint:
 * @model: the model that owns @lane (for the names in labels)
 * @begin_ns: (in): the time at x = 0
 * @end_ns: the time at x = @width
 * @context: the Pango context of the widget that shows the node
 *
 * Returns: (transfer full): a node covering (0, 0, @width, @height), the
 *   lane's depth rows from y = %WEFT_TIMELINE_LANE_PAD down
 */
GskRenderNode *
weft_lane_painter_paint (WeftLanePainter *self,
                         WeftTraceModel  *model,
                         WeftLane        *lane,
                         guint64          begin_ns,
                         guint64          end_ns,
                         int              width,
                         int              height,
                         PangoContext    *context,
                         gboolean         dark)
{
  GskRenderNode *node;
  cairo_t *cr;
  guint n_depths;

  g_return_val_if_fail (WEFT_IS_LANE_PAINTER (self), NULL);
  g_return_val_if_fail (lane != NULL, NULL);
  g_return_val_if_fail (PANGO_IS_CONTEXT (context), NULL);

  width = MAX (width, 1);
  end_ns = MAX (end_ns, begin_ns + 1);
  node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (0, 0, width, height));
  cr = gsk_cairo_node_get_draw_context (node);
  self->named = model != NULL && weft_trace_model_get_named_slices (model);
  draw_awaiting (cr, model, lane, begin_ns, end_ns, width, height, dark);
  n_depths = weft_lane_get_n_depths (lane);
  for (guint d = 0; d < n_depths; d++)
    batch_row (self, lane, d, WEFT_TIMELINE_LANE_PAD + d * WEFT_TIMELINE_ROW_HEIGHT + (d > 0 ? 1 : 0),
               WEFT_TIMELINE_ROW_HEIGHT - (d > 0 ? 1 : 0), begin_ns, end_ns, width);
  batch_open_spans (self, lane, begin_ns, end_ns, width);
  fill_batches (self, cr, dark);
  draw_labels (self, cr, model, context, dark);
  draw_instants (cr, lane, begin_ns, end_ns, width, dark);
  draw_failed_marks (cr, model, lane, begin_ns, end_ns, width, dark);
  cairo_destroy (cr);
  return node;
}

/**
 * weft_lane_painter_get_spans_visited:
 *
 * Returns: the spans and summary entries read since the last reset
 */
guint64
weft_lane_painter_get_spans_visited (WeftLanePainter *self)
{
  g_return_val_if_fail (WEFT_IS_LANE_PAINTER (self), 0);
  return self->spans_visited;
}

void
weft_lane_painter_reset_spans_visited (WeftLanePainter *self)
{
  g_return_if_fail (WEFT_IS_LANE_PAINTER (self));
  self->spans_visited = 0;
}

static void
weft_lane_painter_finalize (GObject *object)
{
  WeftLanePainter *self = WEFT_LANE_PAINTER (object);

  g_array_unref (self->labels);
  g_array_unref (self->wide);
  g_array_unref (self->failed);
  g_ptr_array_unref (self->slices);
  g_free (self->columns);
  for (guint s = 0; s < WEFT_N_STATES; s++)
    for (guint l = 0; l < N_LEVELS; l++)
      g_array_unref (self->batch[s][l]);

  G_OBJECT_CLASS (weft_lane_painter_parent_class)->finalize (object);
}

static void
weft_lane_painter_class_init (WeftLanePainterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = weft_lane_painter_finalize;
}

static void
weft_lane_painter_init (WeftLanePainter *self)
{
  self->labels = g_array_new (FALSE, FALSE, sizeof (LabelItem));
  self->wide = g_array_new (FALSE, FALSE, sizeof (WeftSpan));
  self->failed = g_array_new (FALSE, FALSE, sizeof (Rect));
  self->slices = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < weft_state_style_get_n_slice_colors (); i++)
    g_ptr_array_add (self->slices, g_array_new (FALSE, FALSE, sizeof (Rect)));
  for (guint s = 0; s < WEFT_N_STATES; s++)
    for (guint l = 0; l < N_LEVELS; l++)
      self->batch[s][l] = g_array_new (FALSE, FALSE, sizeof (Rect));
}
