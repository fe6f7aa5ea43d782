/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-timeline"

#include "config.h"

#include <math.h>

#include "weft-step-painter.h"

/**
 * WeftStepPainter:
 *
 * Turns a step function (a counter's points: parallelism, a queue's depth)
 * in a time window into a filled step chart, as one Cairo render node. Each
 * pixel column shows the highest of the points it reads, then the value it
 * ends with, as a path. By default a column reads its first two points and
 * skips the rest by a search of the track (a bisection over its blocks, then
 * at most a block decoded), so the cost follows the pixels (the timeline's counter tracks,
 * redrawn on every zoom). With exact peaks every column is a bar of the
 * highest value in its time slice, the value in force at its start
 * included, from every point (the summary's parallelism chart, painted once
 * per size): no peak is lost, and no dip narrower than a column shows.
 */

#define MERGE_WALK 2     /* points walked per pixel column before skipping */

typedef struct
{
  double x;
  double value;
} Step;

struct _WeftStepPainter
{
  GObject  parent_instance;

  GdkRGBA  color;
  double   fill_alpha;
  gboolean outline;
  gboolean exact_peaks;
  double   top;
  double   base;

  GArray  *steps;            /* Step: scratch */
  guint64  points_visited;
};

G_DEFINE_FINAL_TYPE (WeftStepPainter, weft_step_painter, G_TYPE_OBJECT)

static double
step_x (guint64 t,
        guint64 b,
        double  scale)
{
  return ((double) (gint64) (t - b)) * scale;
}

/* A column with more points than it walks: the value it ends with, and
 * @iter and @pt moved to the first point at or after @col_end */
static gint64
skip_column (const WeftCounterTrack *track,
             WeftCounterIter        *iter,
             WeftCounterPoint       *pt,
             gboolean               *have,
             guint64                 col_end)
{
  WeftCounterPoint last;

  weft_counter_iter_init_at (iter, track, col_end, &last);
  *have = weft_counter_iter_next (iter, pt);
  return last.value;
}

/* (x, value) steps, at most two per pixel column; returns the peak */
static gint64
compute_steps (WeftStepPainter        *self,
               const WeftCounterTrack *track,
               guint64                 vb,
               guint64                 ve,
               int                     tw)
{
  double scale = tw / (double) (ve - vb);
  double ns_per_px = (ve - vb) / (double) tw;
  gint64 v = weft_counter_track_value_at (track, vb), vmax = MAX (1, v);
  Step first = { 0, (double) v };
  WeftCounterIter iter;
  WeftCounterPoint pt;
  gboolean have;

  g_array_set_size (self->steps, 0);
  g_array_append_val (self->steps, first);
  weft_counter_iter_init_at (&iter, track, vb, NULL);
  have = weft_counter_iter_next (&iter, &pt);
  while (have && pt.time_ns < ve)
    {
      double x = step_x (pt.time_ns, vb, scale);
      /* (rounding may put the boundary on the point itself: keep it after) */
      guint64 col_end = MAX (vb + (guint64) ceil ((floor (x) + 1) * ns_per_px), pt.time_ns + 1);
      gint64 cmax = pt.value, last_value = pt.value;
      guint walked = 1;
      Step peak, last;

      while ((have = weft_counter_iter_next (&iter, &pt)) && pt.time_ns < col_end && walked < MERGE_WALK)
        {
          cmax = MAX (cmax, pt.value);
          last_value = pt.value;
          walked++;
        }
      /* (only a column that walked MERGE_WALK points gets here) */
      if (have && pt.time_ns < col_end)
        last_value = skip_column (track, &iter, &pt, &have, col_end);
      self->points_visited += walked;
      /* The column shows its peak, then the value it ends with */
      peak.x = x;
      peak.value = (double) cmax;
      g_array_append_val (self->steps, peak);
      if (walked > 1)
        {
          last.x = x + 1;
          last.value = (double) last_value;
          g_array_append_val (self->steps, last);
        }
      vmax = MAX (vmax, cmax);
    }
  return vmax;
}

/* Every column's highest value over its slice, as bars; returns the peak */
static gint64
draw_exact_columns (WeftStepPainter        *self,
                    cairo_t                *cr,
                    const WeftCounterTrack *track,
                    guint64                 vb,
                    guint64                 ve,
                    int                     tw,
                    int                     height,
                    gint64                  top_value)
{
  g_autofree gint64 *columns = g_new (gint64, tw);
  double span = (double) (ve - vb);
  double base = height - self->base, plot_h = base - self->top;
  WeftCounterPoint before, pt;
  WeftCounterIter iter;
  gboolean have;
  gint64 vmax = 1, cur;

  weft_counter_iter_init_at (&iter, track, vb, &before);
  cur = before.value;
  have = weft_counter_iter_next (&iter, &pt);
  for (int x = 0; x < tw; x++)
    {
      guint64 t0 = vb + (guint64) (span * x / tw);
      guint64 t1 = vb + (guint64) (span * (x + 1) / tw);
      gint64 v;

      /* The value in force at t0, then every step inside [t0, t1) */
      for (; have && pt.time_ns <= t0; have = weft_counter_iter_next (&iter, &pt))
        {
          cur = pt.value;
          self->points_visited++;
        }
      v = cur;
      for (; have && pt.time_ns < t1; have = weft_counter_iter_next (&iter, &pt))
        {
          cur = pt.value;
          v = MAX (v, cur);
          self->points_visited++;
        }
      columns[x] = v;
      vmax = MAX (vmax, v);
    }
  for (int x = 0; x < tw; x++)
    {
      double h = plot_h * columns[x] / (double) MAX (vmax, top_value);

      if (h > 0)
        cairo_rectangle (cr, x, base - h, 1, h);
    }
  gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { self->color.red, self->color.green, self->color.blue,
                                             self->fill_alpha });
  cairo_fill (cr);
  return vmax;
}

static void
draw_steps (WeftStepPainter *self,
            cairo_t         *cr,
            int              tw,
            int              height,
            double           top_value)
{
  const Step *st = (const Step *) self->steps->data;
  guint n = self->steps->len;
  double base = height - self->base, top = self->top;
  const GdkRGBA *c = &self->color;

  cairo_move_to (cr, 0, base);
  for (guint k = 0; k < n; k++)
    {
      double y = base - (base - top) * st[k].value / top_value;
      double xn = k + 1 < n ? st[k + 1].x : tw;

      cairo_line_to (cr, MAX (st[k].x, 0), y);
      cairo_line_to (cr, MIN (xn, tw), y);
    }
  cairo_line_to (cr, tw, base);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, self->fill_alpha);
  if (!self->outline)
    {
      cairo_fill (cr);
      return;
    }
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, 1);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

WeftStepPainter *
weft_step_painter_new (void)
{
  return g_object_new (WEFT_TYPE_STEP_PAINTER, NULL);
}

void
weft_step_painter_set_style (WeftStepPainter *self,
                             const GdkRGBA   *color,
                             double           fill_alpha,
                             gboolean         outline)
{
  g_return_if_fail (WEFT_IS_STEP_PAINTER (self));
  g_return_if_fail (color != NULL);

  self->color = *color;
  self->fill_alpha = fill_alpha;
  self->outline = outline;
}

/**
 * weft_step_painter_set_exact_peaks:
 * @exact_peaks: whether every point in view is read (see #WeftStepPainter)
 */
void
weft_step_painter_set_exact_peaks (WeftStepPainter *self,
                                   gboolean         exact_peaks)
{
  g_return_if_fail (WEFT_IS_STEP_PAINTER (self));

  self->exact_peaks = exact_peaks;
}

void
weft_step_painter_set_margins (WeftStepPainter *self,
                               double           top,
                               double           base)
{
  g_return_if_fail (WEFT_IS_STEP_PAINTER (self));

  self->top = top;
  self->base = base;
}

/**
 * weft_step_painter_paint:
 * @track: (nullable): the step function
 * @top_value: the value at the top margin, or 0 for the peak in view
 *   (the larger of the two is used)
 * @out_max: (out) (optional): the peak in view (at least 1)
 *
 * Returns: (transfer full): a node covering (0, 0, @width, @height); empty
 *   without points
 */
GskRenderNode *
weft_step_painter_paint (WeftStepPainter        *self,
                         const WeftCounterTrack *track,
                         guint64                 begin_ns,
                         guint64                 end_ns,
                         int                     width,
                         int                     height,
                         gint64                  top_value,
                         gint64                 *out_max)
{
  GskRenderNode *node;
  cairo_t *cr;
  gint64 vmax = 1;

  g_return_val_if_fail (WEFT_IS_STEP_PAINTER (self), NULL);

  width = MAX (width, 1);
  end_ns = MAX (end_ns, begin_ns + 1);
  node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (0, 0, width, height));
  cr = gsk_cairo_node_get_draw_context (node);
  if (weft_counter_track_get_n_points (track) > 0 && self->exact_peaks)
    vmax = draw_exact_columns (self, cr, track, begin_ns, end_ns, width, height, top_value);
  else if (weft_counter_track_get_n_points (track) > 0)
    {
      vmax = compute_steps (self, track, begin_ns, end_ns, width);
      draw_steps (self, cr, width, height, (double) MAX (vmax, top_value));
    }
  cairo_destroy (cr);
  if (out_max != NULL)
    *out_max = vmax;
  return node;
}

/**
 * weft_step_painter_get_points_visited:
 *
 * Returns: the points read one by one since the last reset
 */
guint64
weft_step_painter_get_points_visited (WeftStepPainter *self)
{
  g_return_val_if_fail (WEFT_IS_STEP_PAINTER (self), 0);
  return self->points_visited;
}

void
weft_step_painter_reset_points_visited (WeftStepPainter *self)
{
  g_return_if_fail (WEFT_IS_STEP_PAINTER (self));
  self->points_visited = 0;
}

static void
weft_step_painter_finalize (GObject *object)
{
  g_array_unref (WEFT_STEP_PAINTER (object)->steps);

  G_OBJECT_CLASS (weft_step_painter_parent_class)->finalize (object);
}

static void
weft_step_painter_class_init (WeftStepPainterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = weft_step_painter_finalize;
}

static void
weft_step_painter_init (WeftStepPainter *self)
{
  self->steps = g_array_new (FALSE, FALSE, sizeof (Step));
  self->color = (GdkRGBA) { 0, 0, 0, 1 };
  self->fill_alpha = 1;
}
