/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-ruler"

#include "config.h"

#include <math.h>

#include "weft-state-style.h"
#include "weft-time-format.h"
#include "weft-time-ruler.h"

/**
 * WeftTimeRuler:
 *
 * The time axis above the timeline: ticks of 1, 2 or 5 × 10ⁿ in a unit that
 * fits the zoom, labels measured so that they never overlap, and the cursor
 * line with its time under the pointer. Times are shown from the run's start.
 */
struct _WeftTimeRuler
{
  GtkWidget    parent_instance;

  WeftSession *session;
  GSignalGroup *session_signals;
  int          inset;
};

G_DEFINE_FINAL_TYPE (WeftTimeRuler, weft_time_ruler, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_INSET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define RULER_HEIGHT 26

guint64
weft_time_ruler_pick_step (guint64 range_ns,
                           double  width_px,
                           double  min_spacing_px)
{
  double want;
  guint64 base = 1;

  if (width_px <= 0 || range_ns == 0)
    return 1;
  want = (double) range_ns * min_spacing_px / width_px;
  for (;;)
    {
      if ((double) base >= want)
        return base;
      if ((double) (2 * base) >= want)
        return 2 * base;
      if ((double) (5 * base) >= want)
        return 5 * base;
      if (base > G_MAXUINT64 / 100)
        return base * 10;
      base *= 10;
    }
}

char *
weft_time_ruler_format_time (guint64 time_ns)
{
  return weft_time_format_precise (time_ns);
}

/* The selected range: a band with its length in the middle (or beside it
 * when the band is narrower than the label) */
static void
snapshot_selection (WeftTimeRuler *self,
                    GtkSnapshot   *snapshot,
                    PangoLayout   *layout,
                    guint64        vb,
                    guint64        ve,
                    int            width,
                    int            height)
{
  double tw = width - self->inset;
  GdkRGBA band = { 0.21, 0.52, 0.89, 0.25 }, edge = { 0.21, 0.52, 0.89, 1 }, text = { 1, 1, 1, 1 };
  g_autofree char *label = NULL;
  guint64 b, e;
  double x0, x1, lx;
  int lw, lh;

  if (!weft_session_get_selection (self->session, &b, &e) || e <= vb || b >= ve)
    return;
  x0 = self->inset + (double) ((gint64) (MAX (b, vb) - vb)) * tw / (double) (ve - vb);
  x1 = self->inset + (double) ((gint64) (MIN (e, ve) - vb)) * tw / (double) (ve - vb);
  gtk_snapshot_append_color (snapshot, &band, &GRAPHENE_RECT_INIT (x0, 0, MAX (x1 - x0, 1), height));
  label = weft_time_format_duration (e - b);
  pango_layout_set_text (layout, label, -1);
  pango_layout_get_pixel_size (layout, &lw, &lh);
  lx = (x0 + x1 - lw - 8) / 2;
  if (lw + 8 > x1 - x0)
    lx = x1 + lw + 10 <= width ? x1 + 2 : x0 - lw - 10;
  lx = CLAMP (lx, self->inset, width - lw - 8);
  gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (lx, height - lh - 6, lw + 8, lh + 2));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (lx + 4, height - lh - 5));
  gtk_snapshot_append_layout (snapshot, layout, &text);
  gtk_snapshot_restore (snapshot);
}

/* The pointer's time: its text and the box it is drawn in */
typedef struct
{
  gboolean has;
  char     text[48];
  double   x;          /* the cursor line */
  double   x0, x1;     /* the box */
  int      lh;
} Cursor;

static void
measure_cursor (WeftTimeRuler *self,
                PangoLayout   *layout,
                guint64        vb,
                guint64        ve,
                guint64        run_begin,
                double         tw,
                int            width,
                Cursor        *out)
{
  g_autofree char *label = NULL;
  guint64 t;
  int lw;

  out->has = FALSE;
  if (!weft_session_get_hover (self->session, &t) || t < vb || t > ve)
    return;
  label = weft_time_format_precise (t - MIN (t, run_begin));
  g_strlcpy (out->text, label, sizeof out->text);
  pango_layout_set_text (layout, out->text, -1);
  pango_layout_get_pixel_size (layout, &lw, &out->lh);
  out->x = self->inset + (double) (t - vb) * tw / (double) (ve - vb);
  out->x0 = CLAMP (out->x - (lw + 8) / 2.0, self->inset, width - lw - 8);
  out->x1 = out->x0 + lw + 8;
  out->has = TRUE;
}

static void
draw_cursor (GtkSnapshot   *snapshot,
             PangoLayout   *layout,
             const Cursor  *cursor,
             const GdkRGBA *box,
             const GdkRGBA *text,
             int            height)
{
  if (!cursor->has)
    return;
  pango_layout_set_text (layout, cursor->text, -1);
  gtk_snapshot_append_color (snapshot, box, &GRAPHENE_RECT_INIT (floor (cursor->x), 0, 1, height));
  gtk_snapshot_append_color (snapshot, box, &GRAPHENE_RECT_INIT (cursor->x0, 2, cursor->x1 - cursor->x0,
                                                                 cursor->lh + 2));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (cursor->x0 + 4, 3));
  gtk_snapshot_append_layout (snapshot, layout, text);
  gtk_snapshot_restore (snapshot);
}

static void
weft_time_ruler_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  WeftTimeRuler *self = WEFT_TIME_RULER (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double tw = width - self->inset;
  gboolean dark = weft_state_style_widget_is_dark (widget);
  GdkRGBA bg, fg, dim, line;
  guint64 vb, ve, run_begin, step, minor, first;
  double spacing = 56;
  PangoLayout *layout;
  int lw = 0, lh = 0;
  Cursor cursor;
  GdkRGBA box;

  weft_state_style_get_background (dark, &bg);
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  dim = fg;
  dim.alpha = 0.55;
  line = fg;
  line.alpha = 0.18;
  box = dark ? (GdkRGBA) { 0.92, 0.92, 0.92, 1 } : (GdkRGBA) { 0.18, 0.18, 0.2, 1 };
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (0, height - 1, width, 1));
  if (self->session == NULL || tw <= 0)
    return;

  vb = weft_session_get_visible_begin (self->session);
  ve = weft_session_get_visible_end (self->session);
  run_begin = weft_session_get_begin (self->session);
  if (ve <= vb)
    return;

  layout = gtk_widget_create_pango_layout (widget, NULL);
  {
    PangoFontDescription *desc = pango_font_description_copy (
        pango_context_get_font_description (pango_layout_get_context (layout)));

    pango_font_description_set_absolute_size (desc, 10 * PANGO_SCALE);
    pango_layout_set_font_description (layout, desc);
    pango_font_description_free (desc);
  }

  /* Widen the spacing until the widest label fits between two ticks */
  for (int iter = 0; ; iter++)
    {
      g_autofree char *widest = NULL;

      step = weft_time_ruler_pick_step (ve - vb, tw, spacing);
      widest = weft_time_format_tick ((ve - run_begin) / step * step, step);
      pango_layout_set_text (layout, widest, -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      if (lw + 14 <= step * tw / (double) (ve - vb) || iter >= 4)
        break;
      spacing = lw + 14;
    }

  measure_cursor (self, layout, vb, ve, run_begin, tw, width, &cursor);
  minor = step % 5 == 0 || step == 1 ? MAX (step / 5, 1) : step / 2;
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (self->inset, 0, tw, height));

  /* Minor ticks */
  first = (vb - run_begin) / minor * minor + run_begin;
  for (guint64 t = first; t < ve && minor * tw / (double) (ve - vb) >= 4; t += minor)
    {
      double x = self->inset + (double) (gint64) (t - vb) * tw / (double) (ve - vb);
      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (floor (x), height - 5, 1, 4));
    }

  /* Major ticks and labels (from the run's start) */
  first = (vb - run_begin) / step * step + run_begin;
  for (guint64 t = first; t < ve; t += step)
    {
      double x = self->inset + (double) (gint64) (t - vb) * tw / (double) (ve - vb);
      g_autofree char *label = weft_time_format_tick (t - run_begin, step);

      gtk_snapshot_append_color (snapshot, &dim, &GRAPHENE_RECT_INIT (floor (x), height - 10, 1, 9));
      pango_layout_set_text (layout, label, -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      if (floor (x) + 4 + lw > width)
        continue;   /* a label cut by the edge reads wrong: leave it out */
      if (cursor.has && floor (x) + 4 < cursor.x1 + 2 && floor (x) + 4 + lw > cursor.x0 - 2)
        continue;   /* so is a label half under the pointer's time */
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (floor (x) + 4, 3));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
    }

  snapshot_selection (self, snapshot, layout, vb, ve, width, height);

  /* The cursor and its time, over the ticks (labels under it were left out) */
  draw_cursor (snapshot, layout, &cursor, &box, &bg, height);

  gtk_snapshot_pop (snapshot);
  g_object_unref (layout);
}

static void
weft_time_ruler_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 100;
  else
    *minimum = *natural = RULER_HEIGHT;
}

static void
on_session_redraw (WeftSession   *session,
                   WeftTimeRuler *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

WeftSession *
weft_time_ruler_get_session (WeftTimeRuler *self)
{
  g_return_val_if_fail (WEFT_IS_TIME_RULER (self), NULL);
  return self->session;
}

void
weft_time_ruler_set_session (WeftTimeRuler *self,
                             WeftSession   *session)
{
  g_return_if_fail (WEFT_IS_TIME_RULER (self));
  g_return_if_fail (session == NULL || WEFT_IS_SESSION (session));

  if (self->session == session)
    return;
  g_set_object (&self->session, session);
  g_signal_group_set_target (self->session_signals, session);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

int
weft_time_ruler_get_inset (WeftTimeRuler *self)
{
  g_return_val_if_fail (WEFT_IS_TIME_RULER (self), 0);
  return self->inset;
}

/**
 * weft_time_ruler_set_inset:
 * @inset: where the time axis starts, in pixels from the left (the width
 *   of the timeline's label column)
 */
void
weft_time_ruler_set_inset (WeftTimeRuler *self,
                           int            inset)
{
  g_return_if_fail (WEFT_IS_TIME_RULER (self));

  inset = MAX (inset, 0);
  if (self->inset == inset)
    return;
  self->inset = inset;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INSET]);
}

GtkWidget *
weft_time_ruler_new (WeftSession *session)
{
  return g_object_new (WEFT_TYPE_TIME_RULER, "session", session, NULL);
}

static void
weft_time_ruler_dispose (GObject *object)
{
  WeftTimeRuler *self = WEFT_TIME_RULER (object);

  weft_time_ruler_set_session (self, NULL);
  g_clear_object (&self->session_signals);
  G_OBJECT_CLASS (weft_time_ruler_parent_class)->dispose (object);
}

static void
weft_time_ruler_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  WeftTimeRuler *self = WEFT_TIME_RULER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_INSET:
      g_value_set_int (value, self->inset);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_time_ruler_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  WeftTimeRuler *self = WEFT_TIME_RULER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      weft_time_ruler_set_session (self, g_value_get_object (value));
      break;
    case PROP_INSET:
      weft_time_ruler_set_inset (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_time_ruler_class_init (WeftTimeRulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_time_ruler_dispose;
  object_class->get_property = weft_time_ruler_get_property;
  object_class->set_property = weft_time_ruler_set_property;
  widget_class->snapshot = weft_time_ruler_snapshot;
  widget_class->measure = weft_time_ruler_measure;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, WEFT_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INSET] =
    g_param_spec_int ("inset", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "weft-time-ruler");
}

static void
weft_time_ruler_init (WeftTimeRuler *self)
{
  static const char * const redraw_on[] = { "visible-changed", "hover-changed", "bounds-changed",
                                             "selection-changed" };

  self->session_signals = g_signal_group_new (WEFT_TYPE_SESSION);
  for (guint i = 0; i < G_N_ELEMENTS (redraw_on); i++)
    g_signal_group_connect_object (self->session_signals, redraw_on[i], G_CALLBACK (on_session_redraw),
                                   self, G_CONNECT_DEFAULT);
}
