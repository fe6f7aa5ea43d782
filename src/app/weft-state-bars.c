/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-state-bars.h"
#include "weft-state-style.h"

/**
 * WeftStateBars:
 *
 * One horizontal bar per worker, split into the lane's non-overlapping time
 * per state (the innermost state counts; see #WeftLaneStats), in the
 * timeline's state colours; idle is the empty rest of the bar. A snapshot
 * of the statistics is taken by weft_state_bars_set_model(), so drawing
 * never touches the model.
 */
typedef struct
{
  char    *name;
  guint64  state_ns[WEFT_N_STATES];
  guint64  total_ns;
} Row;

struct _WeftStateBars
{
  GtkWidget  parent_instance;

  GArray    *rows;          /* (element-type Row) */
  int        label_width;
};

G_DEFINE_FINAL_TYPE (WeftStateBars, weft_state_bars, GTK_TYPE_WIDGET)

#define ROW_H    22
#define BAR_H    14
#define PAD      6
#define LABEL_W  150

/* Drawing order: work first, then holding, then the waits. */
static const WeftState order[] = {
  WEFT_STATE_RUNNING, WEFT_STATE_LOCK_HELD, WEFT_STATE_GIL_HELD, WEFT_STATE_IO,
  WEFT_STATE_CORE_WAIT, WEFT_STATE_LOCK_WAIT, WEFT_STATE_GIL_WAIT, WEFT_STATE_QUEUE_PUT, WEFT_STATE_QUEUE_GET,
  WEFT_STATE_QUEUE_TURN,
  WEFT_STATE_STARTING, WEFT_STATE_INTERPRETER_START, WEFT_STATE_DISPATCH, WEFT_STATE_PICKLING,
};

GtkWidget *
weft_state_bars_new (void)
{
  return g_object_new (WEFT_TYPE_STATE_BARS, NULL);
}

static void
clear_row (gpointer data)
{
  g_free (((Row *) data)->name);
}

void
weft_state_bars_set_model (WeftStateBars  *self,
                           WeftTraceModel *model)
{
  guint old_len;

  g_return_if_fail (WEFT_IS_STATE_BARS (self));

  old_len = self->rows->len;
  g_array_set_size (self->rows, 0);
  if (model != NULL)
    {
      for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
        {
          WeftLane *lane = weft_trace_model_get_lane (model, i);
          WeftLaneStats stats;
          Row row = { 0 };

          if (!weft_trace_model_get_lane_stats (model, weft_lane_get_worker (lane), &stats))
            continue;
          row.name = g_strdup (weft_lane_get_name (lane));
          if (row.name == NULL || *row.name == '\0')
            {
              g_free (row.name);
              /* Translators: a worker lane without a name */
              row.name = g_strdup_printf (_("worker %u"), weft_lane_get_worker (lane));
            }
          memcpy (row.state_ns, stats.state_ns, sizeof row.state_ns);
          row.total_ns = weft_lane_stats_get_total_ns (&stats);
          g_array_append_val (self->rows, row);
        }
    }

  if (old_len != self->rows->len)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
weft_state_bars_get_n_rows (WeftStateBars *self)
{
  g_return_val_if_fail (WEFT_IS_STATE_BARS (self), 0);
  return self->rows->len;
}

static void
weft_state_bars_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  WeftStateBars *self = WEFT_STATE_BARS (widget);
  int width = gtk_widget_get_width (widget);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  gboolean dark = weft_state_style_widget_is_dark (widget);
  double bar_x = LABEL_W + PAD;
  double bar_w = width - bar_x - PAD;
  GdkRGBA fg, track;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  track = fg;
  track.alpha = 0.08;
  pango_layout_set_width (layout, (LABEL_W - PAD) * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);

  if (bar_w <= 0)
    return;

  for (guint i = 0; i < self->rows->len; i++)
    {
      const Row *row = &g_array_index (self->rows, Row, i);
      double y = i * ROW_H;
      double x = bar_x;
      int lw, lh;

      pango_layout_set_text (layout, row->name, -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (PAD, y + (ROW_H - lh) / 2.0));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);

      gtk_snapshot_append_color (snapshot, &track,
                                 &GRAPHENE_RECT_INIT (bar_x, y + (ROW_H - BAR_H) / 2.0, bar_w, BAR_H));
      if (row->total_ns == 0)
        continue;
      for (guint s = 0; s < G_N_ELEMENTS (order); s++)
        {
          double w = bar_w * (double) row->state_ns[order[s]] / (double) row->total_ns;
          GdkRGBA c;

          if (w <= 0)
            continue;
          weft_state_style_get_color (order[s], dark, &c);
          gtk_snapshot_append_color (snapshot, &c,
                                     &GRAPHENE_RECT_INIT (x, y + (ROW_H - BAR_H) / 2.0, w, BAR_H));
          x += w;
        }
    }
}

static void
weft_state_bars_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  WeftStateBars *self = WEFT_STATE_BARS (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = LABEL_W + 120, *natural = LABEL_W + 480;
  else
    *minimum = *natural = MAX (1, (int) self->rows->len) * ROW_H;
}

static void
weft_state_bars_finalize (GObject *object)
{
  WeftStateBars *self = WEFT_STATE_BARS (object);

  g_array_unref (self->rows);

  G_OBJECT_CLASS (weft_state_bars_parent_class)->finalize (object);
}

static void
weft_state_bars_class_init (WeftStateBarsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = weft_state_bars_finalize;
  widget_class->snapshot = weft_state_bars_snapshot;
  widget_class->measure = weft_state_bars_measure;
  gtk_widget_class_set_css_name (widget_class, "weftstatebars");
}

static void
weft_state_bars_init (WeftStateBars *self)
{
  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (self->rows, clear_row);
}
