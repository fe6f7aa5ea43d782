/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-state-style.h"
#include "weft-time-format.h"
#include "weft-wait-histogram.h"

/**
 * WeftWaitHistogram:
 *
 * How long the waits for one lock (or the GIL) took: a bar per bin of wait
 * time, its height the number of waits, in the waiting state's colour.
 * The bins are computed once when the data is set, never per frame.
 */
struct _WeftWaitHistogram
{
  GtkWidget  parent_instance;

  guint      n_waits;
  guint64    max_ns;
  guint      bins[32];
  guint      max_bin;
  WeftState  state;
};

G_DEFINE_FINAL_TYPE (WeftWaitHistogram, weft_wait_histogram, GTK_TYPE_WIDGET)

#define N_BINS  24
#define PAD     6
#define AXIS_H  18

GtkWidget *
weft_wait_histogram_new (void)
{
  return g_object_new (WEFT_TYPE_WAIT_HISTOGRAM, NULL);
}

void
weft_wait_histogram_set_data (WeftWaitHistogram *self,
                              const guint64     *waits_ns,
                              guint              n_waits,
                              WeftState          state)
{
  g_return_if_fail (WEFT_IS_WAIT_HISTOGRAM (self));

  memset (self->bins, 0, sizeof self->bins);
  self->n_waits = n_waits;
  self->state = state;
  self->max_ns = 0;
  self->max_bin = 0;
  for (guint i = 0; i < n_waits; i++)
    self->max_ns = MAX (self->max_ns, waits_ns[i]);
  for (guint i = 0; i < n_waits && self->max_ns > 0; i++)
    {
      guint b = (guint) ((double) waits_ns[i] / (double) self->max_ns * N_BINS);

      b = MIN (b, N_BINS - 1);
      self->bins[b]++;
      self->max_bin = MAX (self->max_bin, self->bins[b]);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
weft_wait_histogram_get_n (WeftWaitHistogram *self)
{
  g_return_val_if_fail (WEFT_IS_WAIT_HISTOGRAM (self), 0);
  return self->n_waits;
}

static void
append_text (GtkSnapshot *snapshot,
             PangoLayout *layout,
             const char  *text,
             double       x,
             double       y,
             double       xalign,
             const GdkRGBA *color)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x - w * xalign, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
weft_wait_histogram_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  WeftWaitHistogram *self = WEFT_WAIT_HISTOGRAM (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  gboolean dark = weft_state_style_widget_is_dark (widget);
  double plot_w = width - 2 * PAD;
  double top = PAD + AXIS_H;
  double plot_h = height - 2 * AXIS_H - 2 * PAD;
  GdkRGBA fg, bar, axis;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  axis = fg;
  axis.alpha = 0.3;

  if (self->n_waits == 0 || self->max_bin == 0 || plot_w <= 0 || plot_h <= 0)
    {
      GdkRGBA dim = fg;

      dim.alpha = 0.55;
      append_text (snapshot, layout, _("No waits"), width / 2.0, height / 2.0 - 8, 0.5, &dim);
      return;
    }

  weft_state_style_get_color (self->state, dark, &bar);
  for (guint b = 0; b < N_BINS; b++)
    {
      double bw = plot_w / N_BINS;
      double bh;

      if (self->bins[b] == 0)
        continue;
      /* Even one wait gets a visible bar */
      bh = MAX (2.0, plot_h * self->bins[b] / self->max_bin);
      gtk_snapshot_append_color (snapshot, &bar,
                                 &GRAPHENE_RECT_INIT (PAD + b * bw + 1, top + plot_h - bh,
                                                      MAX (1.0, bw - 2), bh));
    }
  gtk_snapshot_append_color (snapshot, &axis,
                             &GRAPHENE_RECT_INIT (PAD, top + plot_h, plot_w, 1));

  {
    g_autofree char *max_text = weft_time_format_precise (self->max_ns);
    /* Translators: the histogram's scale: the tallest bar's count and the total */
    g_autofree char *count = g_strdup_printf (_("tallest bar: %u of %u waits"), self->max_bin, self->n_waits);

    append_text (snapshot, layout, "0", PAD, top + plot_h + 2, 0, &fg);
    append_text (snapshot, layout, max_text, width - PAD, top + plot_h + 2, 1, &fg);
    append_text (snapshot, layout, count, PAD, PAD, 0, &fg);
  }
}

static void
weft_wait_histogram_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = 160, *natural = 320;
  else
    *minimum = 110, *natural = 140;
}

static void
weft_wait_histogram_class_init (WeftWaitHistogramClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = weft_wait_histogram_snapshot;
  widget_class->measure = weft_wait_histogram_measure;
  gtk_widget_class_set_css_name (widget_class, "weftwaithistogram");
}

static void
weft_wait_histogram_init (WeftWaitHistogram *self)
{
  self->state = WEFT_STATE_LOCK_WAIT;
}
