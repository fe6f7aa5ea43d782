/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "weft-deadlock-graph.h"
#include "weft-state-style.h"

/**
 * WeftDeadlockGraph:
 *
 * A deadlock's wait-for cycle: workers and locks as boxes around a circle,
 * an arrow from each worker to the lock it waits for ("waits for") and from
 * each lock to the worker that holds it ("held by").
 */
struct _WeftDeadlockGraph
{
  GtkWidget  parent_instance;

  GPtrArray *workers;   /* (element-type utf8) */
  GPtrArray *locks;     /* (element-type utf8) */
};

G_DEFINE_FINAL_TYPE (WeftDeadlockGraph, weft_deadlock_graph, GTK_TYPE_WIDGET)

GtkWidget *
weft_deadlock_graph_new (void)
{
  return g_object_new (WEFT_TYPE_DEADLOCK_GRAPH, NULL);
}

void
weft_deadlock_graph_set_cycle (WeftDeadlockGraph  *self,
                               const char * const *workers,
                               const char * const *locks,
                               guint               n_links)
{
  g_return_if_fail (WEFT_IS_DEADLOCK_GRAPH (self));

  g_ptr_array_set_size (self->workers, 0);
  g_ptr_array_set_size (self->locks, 0);
  for (guint i = 0; i < n_links; i++)
    {
      g_ptr_array_add (self->workers, g_strdup (workers[i]));
      g_ptr_array_add (self->locks, g_strdup (locks[i]));
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
weft_deadlock_graph_get_n_links (WeftDeadlockGraph *self)
{
  g_return_val_if_fail (WEFT_IS_DEADLOCK_GRAPH (self), 0);
  return self->workers->len;
}

typedef struct
{
  double x, y, w, h;
} Box;

/* Where the segment from the centre of @b towards (@tx, @ty) leaves the box. */
static void
box_exit (const Box *b,
          double     tx,
          double     ty,
          double    *ox,
          double    *oy)
{
  double cx = b->x + b->w / 2, cy = b->y + b->h / 2;
  double dx = tx - cx, dy = ty - cy;
  double sx = dx != 0 ? (b->w / 2 + 4) / fabs (dx) : G_MAXDOUBLE;
  double sy = dy != 0 ? (b->h / 2 + 4) / fabs (dy) : G_MAXDOUBLE;
  double s = MIN (sx, sy);

  *ox = cx + dx * s;
  *oy = cy + dy * s;
}

static void
draw_arrow (cairo_t   *cr,
            const Box *from,
            const Box *to,
            const char *label,
            PangoLayout *layout,
            const GdkRGBA *color)
{
  double x0, y0, x1, y1, angle;
  int lw, lh;

  box_exit (from, to->x + to->w / 2, to->y + to->h / 2, &x0, &y0);
  box_exit (to, from->x + from->w / 2, from->y + from->h / 2, &x1, &y1);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 2);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);

  angle = atan2 (y1 - y0, x1 - x0);
  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x1 - 10 * cos (angle - 0.4), y1 - 10 * sin (angle - 0.4));
  cairo_line_to (cr, x1 - 10 * cos (angle + 0.4), y1 - 10 * sin (angle + 0.4));
  cairo_close_path (cr);
  cairo_fill (cr);

  pango_layout_set_text (layout, label, -1);
  pango_layout_get_pixel_size (layout, &lw, &lh);
  cairo_move_to (cr, (x0 + x1) / 2 - lw / 2.0, (y0 + y1) / 2 - lh - 2);
  pango_cairo_show_layout (cr, layout);
}

static void
weft_deadlock_graph_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  WeftDeadlockGraph *self = WEFT_DEADLOCK_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint n = self->workers->len;
  gboolean dark = weft_state_style_widget_is_dark (widget);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  g_autofree Box *boxes = NULL;
  GdkRGBA fg, wait, held;
  cairo_t *cr;
  double cx = width / 2.0, cy = height / 2.0;
  double rx, ry;

  if (n == 0 || width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  weft_state_style_get_color (WEFT_STATE_LOCK_WAIT, dark, &wait);
  weft_state_style_get_color (WEFT_STATE_LOCK_HELD, dark, &held);

  /* Nodes alternate worker, lock, worker, lock… around an ellipse */
  boxes = g_new0 (Box, 2 * n);
  rx = MAX (40.0, width / 2.0 - 90);
  ry = MAX (20.0, height / 2.0 - 26);
  for (guint i = 0; i < 2 * n; i++)
    {
      const char *name = i % 2 == 0 ? g_ptr_array_index (self->workers, i / 2)
                                    : g_ptr_array_index (self->locks, i / 2);
      double a = -G_PI / 2 + 2 * G_PI * i / (2 * n);
      int lw, lh;

      pango_layout_set_text (layout, name, -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      boxes[i].w = lw + 16;
      boxes[i].h = lh + 10;
      boxes[i].x = cx + rx * cos (a) - boxes[i].w / 2;
      boxes[i].y = cy + ry * sin (a) - boxes[i].h / 2;
    }

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (guint i = 0; i < 2 * n; i++)
    {
      const Box *from = &boxes[i];
      const Box *to = &boxes[(i + 1) % (2 * n)];

      draw_arrow (cr, from, to, i % 2 == 0 ? _("waits for") : _("held by"), layout,
                  i % 2 == 0 ? &wait : &fg);
    }
  for (guint i = 0; i < 2 * n; i++)
    {
      const Box *b = &boxes[i];
      const char *name = i % 2 == 0 ? g_ptr_array_index (self->workers, i / 2)
                                    : g_ptr_array_index (self->locks, i / 2);
      GdkRGBA fill = i % 2 == 0 ? wait : held;

      fill.alpha = 0.25;
      cairo_rectangle (cr, b->x, b->y, b->w, b->h);
      gdk_cairo_set_source_rgba (cr, &fill);
      cairo_fill_preserve (cr);
      gdk_cairo_set_source_rgba (cr, i % 2 == 0 ? &wait : &held);
      cairo_set_line_width (cr, i % 2 == 0 ? 2 : 1.5);
      cairo_stroke (cr);

      pango_layout_set_text (layout, name, -1);
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_move_to (cr, b->x + 8, b->y + 5);
      pango_cairo_show_layout (cr, layout);
    }
  cairo_destroy (cr);
}

static void
weft_deadlock_graph_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = 300, *natural = 460;
  else
    *minimum = 180, *natural = 220;
}

static void
weft_deadlock_graph_finalize (GObject *object)
{
  WeftDeadlockGraph *self = WEFT_DEADLOCK_GRAPH (object);

  g_ptr_array_unref (self->workers);
  g_ptr_array_unref (self->locks);

  G_OBJECT_CLASS (weft_deadlock_graph_parent_class)->finalize (object);
}

static void
weft_deadlock_graph_class_init (WeftDeadlockGraphClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = weft_deadlock_graph_finalize;
  widget_class->snapshot = weft_deadlock_graph_snapshot;
  widget_class->measure = weft_deadlock_graph_measure;
  gtk_widget_class_set_css_name (widget_class, "weftdeadlockgraph");
}

static void
weft_deadlock_graph_init (WeftDeadlockGraph *self)
{
  self->workers = g_ptr_array_new_with_free_func (g_free);
  self->locks = g_ptr_array_new_with_free_func (g_free);
}
