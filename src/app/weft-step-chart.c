/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "weft-state-style.h"
#include "weft-step-chart.h"
#include "weft-step-painter.h"
#include "weft-time-format.h"

/**
 * WeftStepChart:
 *
 * A counter track (parallelism, queue depth) as a filled step chart with
 * its axes, drawn by the #WeftStepPainter that the timeline's counter
 * tracks use, with exact peaks: each pixel column shows the highest value
 * in its time slice, so short peaks stay visible. The plot is painted once
 * per size, style or data change.
 */
struct _WeftStepChart
{
  GtkWidget  parent_instance;

  GObject                *owner;   /* (nullable): keeps @track */
  const WeftCounterTrack *track;
  guint64    begin_ns;
  guint64    end_ns;
  gint64     max_value;
  double     reference;
  char      *reference_label;

  WeftStepPainter *painter;
  GskRenderNode   *plot;    /* cached */
  int              plot_w;
  int              plot_h;
  gboolean         plot_dark;
};

G_DEFINE_FINAL_TYPE (WeftStepChart, weft_step_chart, GTK_TYPE_WIDGET)

#define PAD     6
#define AXIS_W  28
#define AXIS_H  18

GtkWidget *
weft_step_chart_new (void)
{
  return g_object_new (WEFT_TYPE_STEP_CHART, NULL);
}

/**
 * weft_step_chart_set_track:
 * @owner: (nullable) (type GObject): what owns @track (a #WeftTraceModel),
 *   kept while the chart shows it
 * @track: (nullable): the step function
 *
 * Draws @track from @begin_ns to @end_ns; it is read when painted, not
 * copied.
 */
void
weft_step_chart_set_track (WeftStepChart          *self,
                           gpointer                owner,
                           const WeftCounterTrack *track,
                           guint64                 begin_ns,
                           guint64                 end_ns)
{
  g_return_if_fail (WEFT_IS_STEP_CHART (self));
  g_return_if_fail (owner == NULL || G_IS_OBJECT (owner));

  if (owner != NULL)
    g_object_ref (owner);
  g_clear_object (&self->owner);
  self->owner = owner;
  self->track = track;
  self->begin_ns = begin_ns;
  self->end_ns = MAX (end_ns, begin_ns + 1);
  self->max_value = MAX (1, weft_counter_track_get_peak (track, self->begin_ns, self->end_ns + 1));
  g_clear_pointer (&self->plot, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
weft_step_chart_set_reference (WeftStepChart *self,
                               double         value,
                               const char    *label)
{
  g_return_if_fail (WEFT_IS_STEP_CHART (self));
  self->reference = value;
  g_free (self->reference_label);
  self->reference_label = g_strdup (label);
  g_clear_pointer (&self->plot, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static GskRenderNode *
plot_node (WeftStepChart *self,
           int            plot_w,
           int            plot_h,
           double         top,
           gboolean       dark)
{
  GdkRGBA fill;

  if (self->plot != NULL && self->plot_w == plot_w && self->plot_h == plot_h && self->plot_dark == dark)
    return self->plot;
  g_clear_pointer (&self->plot, gsk_render_node_unref);
  weft_state_style_get_color (WEFT_STATE_RUNNING, dark, &fill);
  weft_step_painter_set_style (self->painter, &fill, 1.0, FALSE);
  weft_step_painter_set_margins (self->painter, 0, 0);
  weft_step_painter_set_exact_peaks (self->painter, TRUE);
  self->plot = weft_step_painter_paint (self->painter, self->track, self->begin_ns, self->end_ns,
                                        plot_w, plot_h, (gint64) ceil (top), NULL);
  self->plot_w = plot_w;
  self->plot_h = plot_h;
  self->plot_dark = dark;
  return self->plot;
}

static void
weft_step_chart_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  WeftStepChart *self = WEFT_STEP_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int plot_w = width - AXIS_W - 2 * PAD;
  double plot_h = height - AXIS_H - 2 * PAD;
  double top = MAX ((double) self->max_value, self->reference);
  gboolean dark = weft_state_style_widget_is_dark (widget);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  GdkRGBA fg, axis;
  char text[32];

  if (plot_w <= 0 || plot_h <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  axis = fg;
  axis.alpha = 0.3;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (AXIS_W + PAD, PAD));
  gtk_snapshot_append_node (snapshot, plot_node (self, plot_w, (int) plot_h, top, dark));
  gtk_snapshot_restore (snapshot);
  gtk_snapshot_append_color (snapshot, &axis, &GRAPHENE_RECT_INIT (AXIS_W + PAD, PAD + plot_h, plot_w, 1));
  gtk_snapshot_append_color (snapshot, &axis, &GRAPHENE_RECT_INIT (AXIS_W + PAD - 1, PAD, 1, plot_h));

  if (self->reference > 0)
    {
      double y = PAD + plot_h - plot_h * self->reference / top;
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      const double dash[] = { 4, 4 };

      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, AXIS_W + PAD, y + 0.5);
      cairo_line_to (cr, AXIS_W + PAD + plot_w, y + 0.5);
      cairo_stroke (cr);
      if (self->reference_label != NULL)
        {
          int lw, lh;

          pango_layout_set_text (layout, self->reference_label, -1);
          pango_layout_get_pixel_size (layout, &lw, &lh);
          /* above the line, or below it where the line is near the top */
          cairo_move_to (cr, AXIS_W + PAD + plot_w - lw - 4, y - lh - 1 >= 0 ? y - lh - 1 : y + 2);
          pango_cairo_show_layout (cr, layout);
        }
      cairo_destroy (cr);
    }

  /* Axis labels: the top value, 0, and the duration at the right */
  g_snprintf (text, sizeof text, "%.0f", top);
  pango_layout_set_text (layout, text, -1);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (PAD, PAD - 2));
  gtk_snapshot_append_layout (snapshot, layout, &fg);
  gtk_snapshot_restore (snapshot);

  pango_layout_set_text (layout, "0", -1);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (PAD, PAD + plot_h - 14));
  gtk_snapshot_append_layout (snapshot, layout, &fg);
  gtk_snapshot_restore (snapshot);

  {
    g_autofree char *dur = weft_time_format_precise (self->end_ns - self->begin_ns);
    int lw, lh;

    pango_layout_set_text (layout, dur, -1);
    pango_layout_get_pixel_size (layout, &lw, &lh);
    gtk_snapshot_save (snapshot);
    gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (width - PAD - lw, PAD + plot_h + 2));
    gtk_snapshot_append_layout (snapshot, layout, &fg);
    gtk_snapshot_restore (snapshot);
  }
}

static void
weft_step_chart_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  g_clear_pointer (&WEFT_STEP_CHART (widget)->plot, gsk_render_node_unref);
}

static void
weft_step_chart_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = 200, *natural = 600;
  else
    *minimum = 80, *natural = 140;
}

static void
weft_step_chart_finalize (GObject *object)
{
  WeftStepChart *self = WEFT_STEP_CHART (object);

  g_clear_object (&self->owner);
  g_clear_pointer (&self->plot, gsk_render_node_unref);
  g_clear_object (&self->painter);
  g_free (self->reference_label);

  G_OBJECT_CLASS (weft_step_chart_parent_class)->finalize (object);
}

static void
weft_step_chart_class_init (WeftStepChartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = weft_step_chart_finalize;
  widget_class->snapshot = weft_step_chart_snapshot;
  widget_class->measure = weft_step_chart_measure;
  widget_class->size_allocate = weft_step_chart_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "weftstepchart");
}

static void
weft_step_chart_init (WeftStepChart *self)
{
  self->painter = weft_step_painter_new ();
}
