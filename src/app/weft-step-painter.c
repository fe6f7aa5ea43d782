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
 * skips the rest by galloping search from where the density in view
 * predicts, so the cost follows the pixels (the timeline's counter tracks,
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

/* The first point at or after @col_end, from @j (which is before it): a
 * guess from the density, then galloping to bracket it, then bisection. */
static guint
skip_column (const WeftCounterPoint *pts,
             guint                   n,
             guint                   j,
             guint64                 col_end,
             double                  density)
{
  guint lo = j, hi, step = 1;
  guint guess = j + (guint) MIN ((double) (col_end - pts[j].time_ns) * density, (double) (n - j));

  guess = MIN (guess, n - 1);
  if (pts[guess].time_ns < col_end)
    {
      lo = guess + 1;
      hi = lo;
      while (hi < n && pts[hi].time_ns < col_end)
        {
          lo = hi + 1;
          hi = MIN ((guint64) hi + step, (guint64) n);
          step *= 2;
        }
    }
  else
    {
      hi = guess;
      while (hi > lo)
        {
          guint probe = hi > lo + step ? hi - step : lo;

          if (pts[probe].time_ns < col_end)
            {
              lo = probe + 1;
              break;
            }
          hi = probe;
          step *= 2;
        }
    }
  return lo + weft_counter_points_lower_bound (pts + lo, hi - lo, col_end);
}

static double
step_x (guint64 t,
        guint64 b,
        double  scale)
{
  return ((double) (gint64) (t - b)) * scale;
}

/* (x, value) steps, at most two per pixel column; returns the peak */
static gint64
compute_steps (WeftStepPainter        *self,
               const WeftCounterPoint *pts,
               guint                   n,
               guint64                 vb,
               guint64                 ve,
               int                     tw)
{
  double scale = tw / (double) (ve - vb);
  double ns_per_px = (ve - vb) / (double) tw;
  gint64 v = weft_counter_points_value_at (pts, n, vb), vmax = MAX (1, v);
  guint i = weft_counter_points_lower_bound (pts, n, vb);
  double density = (weft_counter_points_lower_bound (pts, n, ve) - i) / (double) (ve - vb);
  Step first = { 0, (double) v };

  g_array_set_size (self->steps, 0);
  g_array_append_val (self->steps, first);
  while (i < n && pts[i].time_ns < ve)
    {
      double x = step_x (pts[i].time_ns, vb, scale);
      /* (rounding may put the boundary on the point itself: keep it after) */
      guint64 col_end = MAX (vb + (guint64) ceil ((floor (x) + 1) * ns_per_px), pts[i].time_ns + 1);
      guint j = i, walked = 0;
      gint64 cmax = pts[i].value;
      Step peak, last;

      while (j < n && pts[j].time_ns < col_end && walked < MERGE_WALK)
        {
          cmax = MAX (cmax, pts[j].value);
          j++;
          walked++;
        }
      if (j < n && pts[j].time_ns < col_end)
        j = skip_column (pts, n, j, col_end, density);
      self->points_visited += walked;
      /* The column shows its peak, then the value it ends with */
      peak.x = x;
      peak.value = (double) cmax;
      g_array_append_val (self->steps, peak);
      if (j - i > 1)
        {
          last.x = x + 1;
          last.value = (double) pts[j - 1].value;
          g_array_append_val (self->steps, last);
        }
      vmax = MAX (vmax, cmax);
      i = j;
    }
  return vmax;
}

/* Every column's highest value over its slice, as bars; returns the peak */
static gint64
draw_exact_columns (WeftStepPainter        *self,
                    cairo_t                *cr,
                    const WeftCounterPoint *pts,
                    guint                   n,
                    guint64                 vb,
                    guint64                 ve,
                    int                     tw,
                    int                     height,
                    gint64                  top_value)
{
  g_autofree gint64 *columns = g_new (gint64, tw);
  double span = (double) (ve - vb);
  double base = height - self->base, plot_h = base - self->top;
  gint64 vmax = 1;
  guint i = weft_counter_points_lower_bound (pts, n, vb);

  for (int x = 0; x < tw; x++)
    {
      guint64 t0 = vb + (guint64) (span * x / tw);
      guint64 t1 = vb + (guint64) (span * (x + 1) / tw);
      gint64 v;

      /* The value in force at t0, then every step inside [t0, t1) */
      while (i < n && pts[i].time_ns <= t0)
        {
          i++;
          self->points_visited++;
        }
      v = i > 0 ? pts[i - 1].value : 0;
      while (i < n && pts[i].time_ns < t1)
        {
          v = MAX (v, pts[i].value);
          i++;
          self->points_visited++;
        }
      columns[x] = v;
      vmax = MAX (vmax, v);
      /* step back one so the next column starts from the last value */
      if (i > 0 && pts[i - 1].time_ns >= t0)
        i--;
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
 * @points: (array length=n_points): the step function, in time order
 * @top_value: the value at the top margin, or 0 for the peak in view
 *   (the larger of the two is used)
 * @out_max: (out) (optional): the peak in view (at least 1)
 *
 * Returns: (transfer full): a node covering (0, 0, @width, @height); empty
 *   without points
 */
GskRenderNode *
weft_step_painter_paint (WeftStepPainter        *self,
                         const WeftCounterPoint *points,
                         guint                   n_points,
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
  if (points != NULL && n_points > 0 && self->exact_peaks)
    vmax = draw_exact_columns (self, cr, points, n_points, begin_ns, end_ns, width, height, top_value);
  else if (points != NULL && n_points > 0)
    {
      vmax = compute_steps (self, points, n_points, begin_ns, end_ns, width);
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
