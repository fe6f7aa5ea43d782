/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-legend.h"
#include "weft-state-style.h"

/**
 * WeftLegend:
 *
 * A strip naming every state with its colour (idle is left out: it is the
 * empty background). It wraps onto more lines when narrow. For another
 * program's trace it names what is drawn there instead: slices in a colour
 * per name, and their merged columns.
 */
struct _WeftLegend
{
  GtkWidget parent_instance;
  gboolean  states_only;   /* without the timeline's own marks */
  gboolean  named_slices;  /* another program's trace: its slices, not states */
};

G_DEFINE_FINAL_TYPE (WeftLegend, weft_legend, GTK_TYPE_WIDGET)

#define SWATCH   12
#define GAP      6
#define SPACING  18
#define PAD      6

static PangoLayout *
legend_layout (GtkWidget *widget)
{
  return gtk_widget_create_pango_layout (widget, NULL);
}

/* The items: every state, then a task that failed, then a main loop's
 * awaits; for another program's trace, its named slices, then the merged
 * ones */
#define LEGEND_FAILED   WEFT_N_STATES
#define LEGEND_AWAITING (WEFT_N_STATES + 1)
#define LEGEND_END      (WEFT_N_STATES + 2)
#define LEGEND_SLICES   (WEFT_N_STATES + 3)
#define LEGEND_MERGED   (WEFT_N_STATES + 4)

static const guint slice_items[] = { LEGEND_SLICES, LEGEND_MERGED };

/* The items shown, in order: @out holds at least LEGEND_END entries */
static guint
legend_items (WeftLegend *self,
              guint      *out)
{
  guint n = 0;

  if (self->named_slices)
    {
      for (guint i = 0; i < G_N_ELEMENTS (slice_items); i++)
        out[n++] = slice_items[i];
      return n;
    }
  for (guint s = WEFT_STATE_IDLE + 1; s < (self->states_only ? WEFT_N_STATES : LEGEND_END); s++)
    out[n++] = s;
  return n;
}

/* Returns: (transfer none): item @s's label, its colour in @out_color */
static const char *
item_color (guint     s,
            gboolean  dark,
            GdkRGBA  *out_color)
{
  if (s == LEGEND_FAILED)
    {
      weft_state_style_get_failed_color (dark, out_color);
      return _("Task failed");
    }
  if (s == LEGEND_AWAITING)
    {
      weft_state_style_get_awaiting_color (dark, out_color);
      return _("Awaiting (main loop)");
    }
  if (s == LEGEND_SLICES)
    {
      weft_state_style_get_slice_color (1, dark, out_color);
      return _("Slices, a colour per name");
    }
  if (s == LEGEND_MERGED)
    {
      weft_state_style_get_color (WEFT_STATE_RUNNING, dark, out_color);
      return _("Slices narrower than a pixel, merged");
    }
  weft_state_style_get_color (s, dark, out_color);
  return weft_state_style_get_label (s);
}

/* Named slices' swatch: three of their colours side by side */
static void
append_slice_swatch (GtkSnapshot           *snapshot,
                     const graphene_rect_t *r,
                     gboolean               dark)
{
  for (guint k = 0; k < 3; k++)
    {
      GdkRGBA c;

      weft_state_style_get_slice_color (k * 4 + 1, dark, &c);
      gtk_snapshot_append_color (snapshot, &c,
                                 &GRAPHENE_RECT_INIT (r->origin.x + k * r->size.width / 3, r->origin.y,
                                                      r->size.width / 3, r->size.height));
    }
}

/* Lays the items out for @width; returns the height they need. With a
 * snapshot, draws them too. */
static int
legend_layout_items (GtkWidget   *widget,
                     int          width,
                     GtkSnapshot *snapshot)
{
  PangoLayout *layout = legend_layout (widget);
  gboolean dark = weft_state_style_widget_is_dark (widget);
  GdkRGBA fg;
  int x = PAD, y = PAD, line_h = 0;
  guint items[LEGEND_END];
  guint n_items = legend_items (WEFT_LEGEND (widget), items);

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  for (guint i = 0; i < n_items; i++)
    {
      guint s = items[i];
      gboolean extra = s >= WEFT_N_STATES;
      int lw, lh, item_w;
      GdkRGBA c;

      pango_layout_set_text (layout, item_color (s, dark, &c), -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      item_w = SWATCH + GAP + lw;
      line_h = MAX (line_h, lh);
      if (x > PAD && width > 0 && x + item_w > width - PAD)
        {
          x = PAD;
          y += line_h + 4;
        }
      if (snapshot != NULL)
        {
          graphene_rect_t r = GRAPHENE_RECT_INIT (x, y + (lh - SWATCH) / 2.0, SWATCH, SWATCH);

          gtk_snapshot_append_color (snapshot, &c, &r);
          if (s == LEGEND_SLICES)
            append_slice_swatch (snapshot, &r, dark);
          if (!extra && weft_state_style_is_hatched (s))
            {
              cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &r);

              cairo_rectangle (cr, r.origin.x, r.origin.y, SWATCH, SWATCH);
              cairo_clip (cr);
              cairo_set_source_rgba (cr, dark ? 1 : 0, dark ? 1 : 0, dark ? 1 : 0, 0.3);
              cairo_set_line_width (cr, 1.5);
              for (double d = -SWATCH; d < SWATCH; d += 6)
                {
                  cairo_move_to (cr, r.origin.x + d, r.origin.y + SWATCH);
                  cairo_line_to (cr, r.origin.x + d + SWATCH, r.origin.y);
                }
              cairo_stroke (cr);
              cairo_destroy (cr);
            }
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + SWATCH + GAP, y));
          gtk_snapshot_append_layout (snapshot, layout, &fg);
          gtk_snapshot_restore (snapshot);
        }
      x += item_w + SPACING;
    }
  g_object_unref (layout);
  return y + line_h + PAD;
}

static void
weft_legend_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  legend_layout_items (widget, gtk_widget_get_width (widget), snapshot);
}

static GtkSizeRequestMode
weft_legend_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
weft_legend_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 900;
    }
  else
    *minimum = *natural = legend_layout_items (widget, for_size, NULL);
}

static void
weft_legend_class_init (WeftLegendClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = weft_legend_snapshot;
  widget_class->measure = weft_legend_measure;
  widget_class->get_request_mode = weft_legend_get_request_mode;
  gtk_widget_class_set_css_name (widget_class, "weft-legend");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
weft_legend_init (WeftLegend *self)
{
}

GtkWidget *
weft_legend_new (void)
{
  return g_object_new (WEFT_TYPE_LEGEND, NULL);
}

/* Only the states, without the timeline's failed tasks and awaits (a
 * chart of time per state shows neither). */
void
weft_legend_set_states_only (WeftLegend *self,
                             gboolean    states_only)
{
  g_return_if_fail (WEFT_IS_LEGEND (self));

  self->states_only = states_only;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* For another program's trace: its slices (a colour per name) and their
 * merged columns instead of Weft's states, none of which it has */
void
weft_legend_set_named_slices (WeftLegend *self,
                              gboolean    named_slices)
{
  g_return_if_fail (WEFT_IS_LEGEND (self));

  if (self->named_slices == named_slices)
    return;
  self->named_slices = named_slices;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* For tests: how many items the legend names */
guint
weft_legend_get_n_items (WeftLegend *self)
{
  guint items[LEGEND_END];

  g_return_val_if_fail (WEFT_IS_LEGEND (self), 0);

  return legend_items (self, items);
}
