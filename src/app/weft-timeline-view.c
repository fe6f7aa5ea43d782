/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-timeline"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "weft-state-style.h"
#include "weft-lane-painter.h"
#include "weft-step-painter.h"
#include "weft-time-format.h"
#include "weft-timeline-view-private.h"

/**
 * WeftTimelineView:
 *
 * The Gantt chart, as a thin canvas over its parts: a #WeftTimelineRows
 * (counter tracks on top, then one lane per worker grouped by executor and
 * process under collapsible headers) says what goes where; a
 * #WeftLanePainter and a #WeftStepPainter turn each row's time area into a
 * render node, which the canvas caches per row until the window, the size,
 * the style or the model changes. The canvas itself draws what spans rows:
 * the pinned label column, the cross-lane arrows, the selected range, the
 * hover and selection outlines and the cursor line; and it turns pointer,
 * keys and scrolling into changes of its #WeftSession's time window.
 */

/* The label column is resizable (weft-timeline-view-lanes.c): its width is
 * the instance's, and every use of it has a @self */
#define LABEL_WIDTH     (self->label_width)
#define ROW_HEIGHT      WEFT_TIMELINE_ROW_HEIGHT
#define LANE_PAD        WEFT_TIMELINE_LANE_PAD
#define HEADER_HEIGHT   WEFT_TIMELINE_HEADER_HEIGHT

/* A row's rendered time area, valid while its key matches */
typedef struct
{
  GskRenderNode *node;
  guint64        begin;
  guint64        end;
  int            width;
  int            height;
  guint          gen;
  gboolean       dark;
  gint64         max;     /* counters: largest value in view */
} RowCache;

static void weft_timeline_view_scrollable_init (GtkScrollableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WeftTimelineView, weft_timeline_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE,
                                                      weft_timeline_view_scrollable_init))

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS,
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

/* ---- rows and their caches ------------------------------------------------ */

static void
cache_clear (gpointer data)
{
  g_clear_pointer (&((RowCache *) data)->node, gsk_render_node_unref);
}

static guint
n_rows (WeftTimelineView *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->rows));
}

static WeftTimelineRow *
row_at (WeftTimelineView *self,
        guint             i)
{
  return weft_timeline_rows_get_row (self->rows, i);
}

static WeftTimelineRow *
find_lane_row (WeftTimelineView *self,
               guint             worker)
{
  return weft_timeline_rows_find_lane (self->rows, worker);
}

static int
content_height (WeftTimelineView *self)
{
  return weft_timeline_rows_get_content_height (self->rows);
}

double
_weft_timeline_view_get_vscroll (WeftTimelineView *self)
{
  return self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0;
}

static WeftTimelineRow *
row_at_y (WeftTimelineView *self,
          double            y)
{
  return weft_timeline_rows_get_row_at_y (self->rows, y + _weft_timeline_view_get_vscroll (self));
}

static void update_vadjustment (WeftTimelineView *self);

/* The caches follow the rows position by position */
static void
on_rows_items_changed (GListModel       *rows,
                       guint             position,
                       guint             removed,
                       guint             added,
                       WeftTimelineView *self)
{
  if (removed > 0)
    g_array_remove_range (self->caches, position, removed);
  if (added > 0)
    {
      g_autofree RowCache *fresh = g_new0 (RowCache, added);

      g_array_insert_vals (self->caches, position, fresh, added);
    }
}

static void
on_rows_layout_changed (WeftTimelineRows *rows,
                        WeftTimelineView *self)
{
  int height = content_height (self);

  self->gen++;
  update_vadjustment (self);
  if (height != self->height_seen)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  self->height_seen = height;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- geometry ------------------------------------------------------------ */

int
_weft_timeline_view_get_time_width (WeftTimelineView *self)
{
  return MAX (1, gtk_widget_get_width (GTK_WIDGET (self)) - LABEL_WIDTH);
}

void
_weft_timeline_view_get_visible (WeftTimelineView *self,
                                 guint64          *b,
                                 guint64          *e)
{
  *b = self->session != NULL ? weft_session_get_visible_begin (self->session) : 0;
  *e = self->session != NULL ? weft_session_get_visible_end (self->session) : 1;
  if (*e <= *b)
    *e = *b + 1;
}

double
weft_timeline_view_time_to_x (WeftTimelineView *self,
                              guint64           time_ns)
{
  guint64 b, e;

  g_return_val_if_fail (WEFT_IS_TIMELINE_VIEW (self), 0);

  _weft_timeline_view_get_visible (self, &b, &e);
  return LABEL_WIDTH +
         ((double) (gint64) (time_ns - b)) * _weft_timeline_view_get_time_width (self) / (double) (e - b);
}

guint64
weft_timeline_view_x_to_time (WeftTimelineView *self,
                              double            x)
{
  guint64 b, e;
  double t;

  g_return_val_if_fail (WEFT_IS_TIMELINE_VIEW (self), 0);

  _weft_timeline_view_get_visible (self, &b, &e);
  t = (double) b + (x - LABEL_WIDTH) * (double) (e - b) / _weft_timeline_view_get_time_width (self);
  return t <= 0 ? 0 : (guint64) llround (t);
}

int
weft_timeline_view_get_label_width (WeftTimelineView *self)
{
  return LABEL_WIDTH;
}

/**
 * weft_timeline_view_get_lane_area:
 * @out_area: (out caller-allocates): the lane's rectangle, in widget
 *   coordinates, label column included
 *
 * Returns: %FALSE if the worker has no visible lane (none, or collapsed)
 */
gboolean
weft_timeline_view_get_lane_area (WeftTimelineView *self,
                                  guint             worker,
                                  graphene_rect_t  *out_area)
{
  WeftTimelineRow *row;

  g_return_val_if_fail (WEFT_IS_TIMELINE_VIEW (self), FALSE);
  g_return_val_if_fail (out_area != NULL, FALSE);

  row = find_lane_row (self, worker);
  if (row == NULL)
    return FALSE;
  graphene_rect_init (out_area, 0, weft_timeline_row_get_y (row) - _weft_timeline_view_get_vscroll (self),
                      gtk_widget_get_width (GTK_WIDGET (self)), weft_timeline_row_get_height (row));
  return TRUE;
}

/**
 * weft_timeline_view_get_row_y:
 *
 * Returns: the y of the middle of depth row @depth of @worker's lane, or -1
 */
double
weft_timeline_view_get_row_y (WeftTimelineView *self,
                              guint             worker,
                              guint             depth)
{
  WeftTimelineRow *row;

  g_return_val_if_fail (WEFT_IS_TIMELINE_VIEW (self), -1);

  row = find_lane_row (self, worker);
  if (row == NULL)
    return -1;
  return weft_timeline_row_get_y (row) - _weft_timeline_view_get_vscroll (self) + LANE_PAD +
         depth * ROW_HEIGHT + ROW_HEIGHT / 2.0;
}

static double
span_x (guint64 t,
        guint64 b,
        double  scale)
{
  return ((double) (gint64) (t - b)) * scale;
}

/* ---- the frame ----------------------------------------------------------- */

static const WeftCounterTrack *
row_track (WeftTimelineView *self,
           WeftTimelineRow  *row)
{
  guint32 object = weft_timeline_row_get_object (row);

  if (object == WEFT_TIMELINE_ROW_PARALLELISM)
    return weft_trace_model_get_parallelism (self->model);
  return weft_trace_model_get_counter (self->model, object);
}

static GskRenderNode *
paint_counter (WeftTimelineView *self,
               WeftTimelineRow  *row,
               RowCache         *cache,
               guint64           vb,
               guint64           ve,
               int               tw,
               gboolean          dark)
{
  const WeftCounterTrack *track = row_track (self, row);
  guint32 object = weft_timeline_row_get_object (row);
  /* The label's "max" and the chart's top: the true peak in view (the
   * painter reads only a few points per pixel column) */
  gint64 peak = object == WEFT_TIMELINE_ROW_PARALLELISM
    ? weft_trace_model_get_parallelism_peak (self->model, vb, ve)
    : weft_trace_model_get_counter_peak (self->model, object, vb, ve);
  GskRenderNode *node;
  GdkRGBA c;

  weft_state_style_get_color (object == WEFT_TIMELINE_ROW_PARALLELISM
                                ? WEFT_STATE_RUNNING : WEFT_STATE_QUEUE_GET, dark, &c);
  weft_step_painter_set_style (self->step_painter, &c, 0.45, TRUE);
  weft_step_painter_set_margins (self->step_painter, 6, 3);
  node = weft_step_painter_paint (self->step_painter, track, vb, ve, tw,
                                  weft_timeline_row_get_height (row), MAX (peak, 1), NULL);
  cache->max = peak;
  return node;
}

/* Row @i's time area, from its cache while nothing it shows has changed */
static GskRenderNode *
row_node (WeftTimelineView *self,
          guint             i,
          guint64           vb,
          guint64           ve,
          int               tw,
          gboolean          dark)
{
  WeftTimelineRow *row = row_at (self, i);
  RowCache *cache = &g_array_index (self->caches, RowCache, i);
  int height = weft_timeline_row_get_height (row);

  if (cache->node != NULL && cache->begin == vb && cache->end == ve && cache->width == tw &&
      cache->height == height && cache->gen == self->gen && cache->dark == dark)
    return cache->node;

  g_clear_pointer (&cache->node, gsk_render_node_unref);
  if (weft_timeline_row_get_kind (row) == WEFT_TIMELINE_ROW_LANE)
    cache->node = weft_lane_painter_paint (self->lane_painter, self->model, weft_timeline_row_get_lane (row),
                                           vb, ve, tw, height,
                                           gtk_widget_get_pango_context (GTK_WIDGET (self)), dark);
  else
    cache->node = paint_counter (self, row, cache, vb, ve, tw, dark);
  cache->begin = vb;
  cache->end = ve;
  cache->width = tw;
  cache->height = height;
  cache->gen = self->gen;
  cache->dark = dark;
  return cache->node;
}

static void
append_outline (GtkSnapshot   *snapshot,
                double         x0,
                double         y0,
                double         x1,
                double         y1,
                double         width,
                const GdkRGBA *color)
{
  GskRoundedRect rr;
  float w[4] = { width, width, width, width };
  GdkRGBA cs[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (x0, y0, MAX (x1 - x0, 2 * width),
                                                            y1 - y0), 0);
  gtk_snapshot_append_border (snapshot, &rr, w, cs);
}

static void
outline_span (WeftTimelineView *self,
              GtkSnapshot      *snapshot,
              guint             worker,
              guint             depth,
              guint             index,
              double            width,
              const GdkRGBA    *color)
{
  WeftTimelineRow *row = find_lane_row (self, worker);
  WeftSpan s;
  double x0, x1, y, w = gtk_widget_get_width (GTK_WIDGET (self));

  if (row == NULL || !weft_session_lookup_span (self->session, worker, depth, index, &s))
    return;
  x0 = weft_timeline_view_time_to_x (self, s.start_ns);
  x1 = weft_timeline_view_time_to_x (self, s.end_ns);
  if (x1 < LABEL_WIDTH || x0 > w)
    return;
  x0 = MAX (x0, LABEL_WIDTH - width);
  x1 = MIN (x1, w + width);
  if (x1 - x0 < 3)
    {
      double mid = (x0 + x1) / 2;
      x0 = mid - 1.5;
      x1 = mid + 1.5;
    }
  y = weft_timeline_row_get_y (row) + LANE_PAD + depth * ROW_HEIGHT;
  append_outline (snapshot, x0 - width / 2, y - width / 2, x1 + width / 2,
                  y + ROW_HEIGHT + width / 2, width, color);
}

static double
flow_row_y (WeftTimelineRow *row,
            double           scroll)
{
  return weft_timeline_row_get_y (row) - scroll + LANE_PAD + ROW_HEIGHT / 2.0;
}

/* Arrows from a release to the wake-up it caused, across lanes */
static void
draw_flows (WeftTimelineView *self,
            GtkSnapshot      *snapshot,
            guint64           vb,
            guint64           ve,
            int               tw,
            double            scroll,
            int               height,
            gboolean          dark)
{
  guint first, n;
  WeftFlowIter iter;
  WeftFlow flow;
  cairo_t *cr;
  double scale = tw / (double) (ve - vb);
  GdkRGBA lock_c, queue_c;

  weft_trace_model_lookup_flows (self->model, vb, ve, &first, &n);
  /* Only when zoomed in enough for arrows to mean something */
  if (n == 0 || n > (guint) tw / 24)
    return;

  weft_state_style_get_color (WEFT_STATE_LOCK_WAIT, dark, &lock_c);
  weft_state_style_get_color (WEFT_STATE_QUEUE_GET, dark, &queue_c);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (LABEL_WIDTH, 0, tw, height));
  cairo_rectangle (cr, LABEL_WIDTH, 0, tw, height);
  cairo_clip (cr);
  cairo_set_line_width (cr, 1.2);
  weft_flow_iter_init (&iter, weft_trace_model_get_flows (self->model), first);
  while (iter.next < first + n && weft_flow_iter_next (&iter, &flow))
    {
      const WeftFlow *f = &flow;
      WeftTimelineRow *from = find_lane_row (self, f->from_worker);
      WeftTimelineRow *to = find_lane_row (self, f->to_worker);
      double x0, x1, y0, y1, dir;
      const GdkRGBA *c = f->kind == WEFT_FLOW_LOCK ? &lock_c : &queue_c;

      if (f->from_ns >= ve || from == NULL || to == NULL || from == to)
        continue;
      x0 = LABEL_WIDTH + span_x (f->from_ns, vb, scale);
      x1 = LABEL_WIDTH + span_x (f->to_ns, vb, scale);
      y0 = flow_row_y (from, scroll);
      y1 = flow_row_y (to, scroll);
      dir = y1 > y0 ? 1 : -1;
      cairo_set_source_rgba (cr, c->red, c->green, c->blue, 0.8);
      cairo_move_to (cr, x0, y0);
      cairo_curve_to (cr, x0 + 12, y0, x1 - 12, y1, x1, y1 - dir * 4);
      cairo_stroke (cr);
      cairo_move_to (cr, x1, y1);
      cairo_line_to (cr, x1 - 3.5, y1 - dir * 6);
      cairo_line_to (cr, x1 + 3.5, y1 - dir * 6);
      cairo_close_path (cr);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
}

/* Colours of the frame, from the style */
typedef struct
{
  GdkRGBA fg;
  GdkRGBA dim;
  GdkRGBA line;
  GdkRGBA sidebar;
  GdkRGBA header_bg;
  gboolean dark;
} Palette;

static void
get_palette (WeftTimelineView *self,
             Palette          *p)
{
  p->dark = weft_state_style_widget_is_dark (GTK_WIDGET (self));
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &p->fg);
  p->sidebar = p->dark ? (GdkRGBA) { 0.16, 0.16, 0.18, 1 } : (GdkRGBA) { 0.965, 0.96, 0.955, 1 };
  p->header_bg = p->dark ? (GdkRGBA) { 0.2, 0.2, 0.22, 1 } : (GdkRGBA) { 0.925, 0.92, 0.915, 1 };
  p->line = p->fg;
  p->line.alpha = 0.12;
  p->dim = p->fg;
  p->dim.alpha = 0.6;
}

static void
snapshot_time_areas (WeftTimelineView *self,
                     GtkSnapshot      *snapshot,
                     const Palette    *p,
                     guint64           vb,
                     guint64           ve,
                     double            scroll)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int tw = _weft_timeline_view_get_time_width (self);
  guint n = n_rows (self);

  for (guint i = 0; i < n; i++)
    {
      WeftTimelineRow *row = row_at (self, i);
      int rh = weft_timeline_row_get_height (row);
      double y = weft_timeline_row_get_y (row) - scroll;

      if (y + rh < 0 || y > height)
        continue;
      if (weft_timeline_row_get_kind (row) == WEFT_TIMELINE_ROW_HEADER)
        {
          gtk_snapshot_append_color (snapshot, &p->header_bg, &GRAPHENE_RECT_INIT (0, y, width, rh));
          continue;
        }
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (LABEL_WIDTH, y));
      gtk_snapshot_append_node (snapshot, row_node (self, i, vb, ve, tw, p->dark));
      gtk_snapshot_restore (snapshot);
      gtk_snapshot_append_color (snapshot, &p->line, &GRAPHENE_RECT_INIT (0, y + rh - 1, width, 1));
    }
}

/* The selected time range */
static void
snapshot_selection (WeftTimelineView *self,
                    GtkSnapshot      *snapshot)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  GdkRGBA shade = { 0.21, 0.52, 0.89, 0.16 };
  GdkRGBA edge = { 0.21, 0.52, 0.89, 0.9 };
  guint64 sb, se;
  double x0, x1;

  if (!weft_session_get_selection (self->session, &sb, &se))
    return;
  x0 = MAX (weft_timeline_view_time_to_x (self, sb), LABEL_WIDTH);
  x1 = MIN (weft_timeline_view_time_to_x (self, se), width);
  if (x1 <= x0)
    return;
  gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (x0, 0, x1 - x0, height));
  gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (x0, 0, 1, height));
  gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (x1 - 1, 0, 1, height));
}

/* Hover and selection outlines, in content coordinates */
static void
snapshot_outlines (WeftTimelineView *self,
                   GtkSnapshot      *snapshot,
                   const Palette    *p,
                   double            scroll)
{
  guint w, d, idx;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, -scroll));
  if (self->has_hover_span)
    {
      GdkRGBA hc = p->fg;

      hc.alpha = 0.55;
      outline_span (self, snapshot, self->hover_worker, self->hover_depth, self->hover_index, 1, &hc);
    }
  if (weft_session_get_selected_span (self->session, &w, &d, &idx))
    {
      GdkRGBA sc = p->dark ? (GdkRGBA) { 1, 1, 1, 1 } : (GdkRGBA) { 0, 0, 0, 1 };

      outline_span (self, snapshot, w, d, idx, 2, &sc);
    }
  gtk_snapshot_restore (snapshot);
}

/* The cursor line */
static void
snapshot_cursor (WeftTimelineView *self,
                 GtkSnapshot      *snapshot,
                 const Palette    *p)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  GdkRGBA cc = p->fg;
  guint64 t;
  double x;

  if (!weft_session_get_hover (self->session, &t))
    return;
  x = weft_timeline_view_time_to_x (self, t);
  cc.alpha = 0.5;
  if (x >= LABEL_WIDTH && x <= width)
    gtk_snapshot_append_color (snapshot, &cc, &GRAPHENE_RECT_INIT (floor (x), 0, 1, height));
}

static void
append_layout_at (GtkSnapshot   *snapshot,
                  PangoLayout   *layout,
                  double         x,
                  double         y,
                  const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
append_disclosure (GtkSnapshot   *snapshot,
                   double         x,
                   double         cy,
                   gboolean       collapsed,
                   const GdkRGBA *color)
{
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - 2, cy - 6, 12, 12));

  gdk_cairo_set_source_rgba (cr, color);
  if (collapsed)
    {
      cairo_move_to (cr, x, cy - 4.5);
      cairo_line_to (cr, x + 6, cy);
      cairo_line_to (cr, x, cy + 4.5);
    }
  else
    {
      cairo_move_to (cr, x - 1, cy - 3);
      cairo_line_to (cr, x + 8, cy - 3);
      cairo_line_to (cr, x + 3.5, cy + 3);
    }
  cairo_close_path (cr);
  cairo_fill (cr);
  cairo_destroy (cr);
}

/* A header's label: triangle, bold name, and its detail in the time area
 * (it may be long) */
static void
snapshot_header_label (WeftTimelineView *self,
                       GtkSnapshot      *snapshot,
                       PangoLayout      *layout,
                       PangoFontDescription *bold,
                       WeftTimelineRow  *row,
                       double            y,
                       const Palette    *p)
{
  int rh = weft_timeline_row_get_height (row);
  double x = 8 + weft_timeline_row_get_indent (row) * 12;
  const char *sublabel = weft_timeline_row_get_sublabel (row);
  int lw, lh;

  gtk_snapshot_append_color (snapshot, &p->header_bg, &GRAPHENE_RECT_INIT (0, y, LABEL_WIDTH, rh));
  append_disclosure (snapshot, x, y + rh / 2.0,
                     weft_timeline_rows_is_collapsed (self->rows, weft_timeline_row_get_group_key (row)),
                     &p->dim);
  x += 14;
  pango_layout_set_font_description (layout, bold);
  pango_layout_set_width (layout, (int) ((LABEL_WIDTH - x - 6) * PANGO_SCALE));
  pango_layout_set_text (layout, weft_timeline_row_get_label (row), -1);
  pango_layout_get_pixel_size (layout, &lw, &lh);
  append_layout_at (snapshot, layout, x, y + (rh - lh) / 2.0, &p->fg);
  if (sublabel == NULL)
    return;
  pango_layout_set_font_description (layout, NULL);
  pango_layout_set_width (layout, -1);
  pango_layout_set_text (layout, sublabel, -1);
  append_layout_at (snapshot, layout, LABEL_WIDTH + 8, y + (rh - lh) / 2.0, &p->dim);
}

/* A lane's or counter's label, with its detail (a counter's peak in view)
 * below it where it fits */
static void
snapshot_row_label (WeftTimelineView *self,
                    GtkSnapshot      *snapshot,
                    PangoLayout      *layout,
                    guint             i,
                    double            y,
                    const Palette    *p)
{
  WeftTimelineRow *row = row_at (self, i);
  const RowCache *cache = &g_array_index (self->caches, RowCache, i);
  gboolean counter = weft_timeline_row_get_kind (row) == WEFT_TIMELINE_ROW_COUNTER;
  const char *sublabel = weft_timeline_row_get_sublabel (row);
  double x = 8 + weft_timeline_row_get_indent (row) * 12;
  double ty;
  int lw, lh;

  pango_layout_set_font_description (layout, NULL);
  pango_layout_set_width (layout, (int) ((LABEL_WIDTH - x - 6) * PANGO_SCALE));
  pango_layout_set_text (layout, weft_timeline_row_get_label (row), -1);
  pango_layout_get_pixel_size (layout, &lw, &lh);
  ty = counter ? y + 4 : y + LANE_PAD + (ROW_HEIGHT - lh) / 2.0;
  append_layout_at (snapshot, layout, x, ty, &p->fg);

  if (counter && cache->node != NULL)
    {
      char num[32], buf[64];

      guint64 ns_per_unit = weft_timeline_row_get_ns_per_unit (row);

      if (ns_per_unit > 0)
        {
          g_autofree char *t = weft_time_format_duration ((guint64) MAX (cache->max, 0) * ns_per_unit);
          g_strlcpy (num, t, sizeof num);
        }
      else
        g_snprintf (num, sizeof num, "%" G_GINT64_FORMAT, cache->max);
      /* Translators: the peak of a counter track in view, %s is a number or a duration */
      g_snprintf (buf, sizeof buf, _("max %s"), num);
      pango_layout_set_text (layout, buf, -1);
      append_layout_at (snapshot, layout, x, ty + lh, &p->dim);
    }
  else if (sublabel != NULL && weft_timeline_row_get_height (row) >= lh * 2 + LANE_PAD)
    {
      pango_layout_set_text (layout, sublabel, -1);
      append_layout_at (snapshot, layout, x, ty + lh, &p->dim);
    }
}

/* For tests: the "max" a counter row's label shows (of the object, or
 * WEFT_TIMELINE_ROW_PARALLELISM), once it has been painted */
gboolean
_weft_timeline_view_get_counter_max (WeftTimelineView *self,
                                     guint32           object,
                                     gint64           *out_max)
{
  for (guint i = 0; i < n_rows (self) && i < self->caches->len; i++)
    {
      WeftTimelineRow *row = row_at (self, i);
      const RowCache *cache = &g_array_index (self->caches, RowCache, i);

      if (weft_timeline_row_get_kind (row) == WEFT_TIMELINE_ROW_COUNTER &&
          weft_timeline_row_get_object (row) == object && cache->node != NULL)
        {
          *out_max = cache->max;
          return TRUE;
        }
    }
  return FALSE;
}

/* The pinned label column */
static void
snapshot_labels (WeftTimelineView *self,
                 GtkSnapshot      *snapshot,
                 const Palette    *p,
                 double            scroll)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  PangoFontDescription *bold;
  guint n = n_rows (self);

  gtk_snapshot_append_color (snapshot, &p->sidebar, &GRAPHENE_RECT_INIT (0, 0, LABEL_WIDTH, height));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  bold = pango_font_description_copy (pango_context_get_font_description (pango_layout_get_context (layout)));
  pango_font_description_set_weight (bold, PANGO_WEIGHT_BOLD);
  for (guint i = 0; i < n; i++)
    {
      WeftTimelineRow *row = row_at (self, i);
      int rh = weft_timeline_row_get_height (row);
      double y = weft_timeline_row_get_y (row) - scroll;

      if (y + rh < 0 || y > height)
        continue;
      if (weft_timeline_row_get_kind (row) == WEFT_TIMELINE_ROW_HEADER)
        snapshot_header_label (self, snapshot, layout, bold, row, y, p);
      else
        snapshot_row_label (self, snapshot, layout, i, y, p);
      gtk_snapshot_append_color (snapshot, &p->line, &GRAPHENE_RECT_INIT (0, y + rh - 1, LABEL_WIDTH, 1));
    }
  gtk_snapshot_append_color (snapshot, &p->line, &GRAPHENE_RECT_INIT (LABEL_WIDTH - 1, 0, 1, height));
  pango_font_description_free (bold);
}

static void
weft_timeline_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double scroll = _weft_timeline_view_get_vscroll (self);
  Palette p;
  GdkRGBA bg;
  guint64 vb, ve;

  get_palette (self, &p);
  weft_state_style_get_background (p.dark, &bg);
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->model == NULL || self->session == NULL || width <= LABEL_WIDTH)
    return;

  _weft_timeline_view_get_visible (self, &vb, &ve);
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  snapshot_time_areas (self, snapshot, &p, vb, ve, scroll);
  snapshot_selection (self, snapshot);
  draw_flows (self, snapshot, vb, ve, _weft_timeline_view_get_time_width (self), scroll, height, p.dark);
  snapshot_outlines (self, snapshot, &p, scroll);
  snapshot_cursor (self, snapshot, &p);
  snapshot_labels (self, snapshot, &p, scroll);
  gtk_snapshot_pop (snapshot);
}

/* ---- picking ------------------------------------------------------------- */

/* The closed span of @depth nearest to @t, within @slop; G_MAXUINT if none */
static guint
closest_closed_span (WeftLane *lane,
                     guint     depth,
                     guint64   t,
                     guint64   slop,
                     guint64  *out_dist,
                     WeftSpan *out_span)
{
  guint first, n, best = G_MAXUINT;
  WeftSpan s;

  *out_dist = G_MAXUINT64;
  weft_lane_lookup_range (lane, depth, t > slop ? t - slop : 0, t + slop + 1, &first, &n);
  for (guint k = first; k < first + MIN (n, 64u); k++)
    {
      guint64 dist;

      weft_lane_get_span (lane, depth, k, &s);
      dist = t < s.start_ns ? s.start_ns - t : t > s.end_ns ? t - s.end_ns : 0;
      if (dist < *out_dist)
        {
          *out_dist = dist;
          best = k;
          *out_span = s;
        }
    }
  return best;
}

gboolean
_weft_timeline_view_pick_span (WeftTimelineView *self,
                               double            x,
                               double            y,
                               guint            *out_worker,
                               guint            *out_depth,
                               guint            *out_index,
                               WeftSpan         *out_span)
{
  WeftTimelineRow *row;
  WeftLane *lane;
  double ly;
  guint depth, worker, n_closed, best;
  guint64 t, slop, best_dist;
  WeftSpan s, best_span = { 0 };
  guint64 vb, ve;

  if (self->model == NULL || x < LABEL_WIDTH)
    return FALSE;
  row = row_at_y (self, y);
  if (row == NULL || weft_timeline_row_get_kind (row) != WEFT_TIMELINE_ROW_LANE)
    return FALSE;
  ly = y + _weft_timeline_view_get_vscroll (self) - weft_timeline_row_get_y (row) - LANE_PAD;
  if (ly < 0)
    return FALSE;
  depth = (guint) (ly / ROW_HEIGHT);
  lane = weft_timeline_row_get_lane (row);
  worker = weft_timeline_row_get_worker (row);

  _weft_timeline_view_get_visible (self, &vb, &ve);
  t = weft_timeline_view_x_to_time (self, x);
  slop = (guint64) ceil (3.0 * (ve - vb) / _weft_timeline_view_get_time_width (self));

  /* Closed spans within a few pixels; the one containing t wins, then the
   * row's open span */
  best = closest_closed_span (lane, depth, t, slop, &best_dist, &best_span);
  n_closed = weft_lane_get_n_spans (lane, depth);
  if (best_dist > 0 && weft_session_lookup_span (self->session, worker, depth, n_closed, &s) &&
      t + slop >= s.start_ns && t <= s.end_ns + slop)
    {
      best = n_closed;
      best_span = s;
    }
  if (best == G_MAXUINT)
    return FALSE;

  if (out_worker != NULL)
    *out_worker = worker;
  if (out_depth != NULL)
    *out_depth = depth;
  if (out_index != NULL)
    *out_index = best;
  if (out_span != NULL)
    *out_span = best_span;
  return TRUE;
}

/**
 * weft_timeline_view_pick:
 * @out_worker: (out) (optional): the lane's worker
 * @out_depth: (out) (optional): the depth row
 * @out_index: (out) (optional): the span's index in the row (one past the
 *   closed spans for the row's open span)
 *
 * Returns: whether a span is at (@x, @y), within a few pixels
 */
gboolean
weft_timeline_view_pick (WeftTimelineView *self,
                         double            x,
                         double            y,
                         guint            *out_worker,
                         guint            *out_depth,
                         guint            *out_index)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_VIEW (self), FALSE);

  return _weft_timeline_view_pick_span (self, x, y, out_worker, out_depth, out_index, NULL);
}

/**
 * weft_timeline_view_click:
 *
 * What a click at (@x, @y) does: toggles a group header, selects the span
 * there (in the session), or unselects.
 */
void
weft_timeline_view_click (WeftTimelineView *self,
                          double            x,
                          double            y)
{
  WeftTimelineRow *row;
  guint w, d, i;

  g_return_if_fail (WEFT_IS_TIMELINE_VIEW (self));

  if (self->session == NULL)
    return;
  row = row_at_y (self, y);
  if (row != NULL && weft_timeline_row_get_kind (row) == WEFT_TIMELINE_ROW_HEADER)
    {
      weft_timeline_rows_toggle_collapsed (self->rows, weft_timeline_row_get_group_key (row));
      return;
    }
  if (_weft_timeline_view_pick_span (self, x, y, &w, &d, &i, NULL))
    weft_session_select_span (self->session, w, d, i);
  else
    {
      weft_session_unselect_span (self->session);
      weft_session_clear_selection (self->session);
    }
}

/* ---- tooltip ------------------------------------------------------------- */

/* A span's heading: its state, or on a main loop's lane what the state
 * means there */
static const char *
span_heading (const WeftSpan *span,
              gboolean        on_loop)
{
  if (on_loop && span->state == WEFT_STATE_IO && span->depth > 0)
    return _("Blocking call: the main loop is stalled");
  return weft_state_style_get_label (span->state);
}

/**
 * _weft_timeline_view_append_args:
 * @text: markup to append to
 * @args: (nullable) (array length=len): args as the model keeps them
 *
 * Appends one "key: value" line per member of another program's args of a
 * slice or an instant, escaped for markup, and a last line if they were cut.
 */
void
_weft_timeline_view_append_args (GString    *text,
                                 const char *args,
                                 gsize       len)
{
  g_auto(GStrv) pairs = NULL;
  gboolean cut = FALSE;

  if (args == NULL)
    return;
  pairs = weft_span_args_to_pairs (args, len, &cut);
  for (guint i = 0; pairs[i] != NULL && pairs[i + 1] != NULL; i += 2)
    {
      g_autofree char *key = g_markup_escape_text (pairs[i], -1);
      g_autofree char *value = g_markup_escape_text (pairs[i + 1], -1);

      g_string_append_printf (text, "\n%s: %s", key, value);
    }
  if (cut)
    /* Translators: tooltip line after a slice's args that did not all fit */
    g_string_append_printf (text, "\n%s", _("… (args cut at 1 KiB)"));
}

/**
 * weft_timeline_view_describe_lane_span:
 * @worker: the lane's worker, or %G_MAXUINT if unknown
 * @span: a span of the lane of @worker, as the model gives it
 *
 * Returns: (transfer full): Pango markup of the span's details, one per
 *   line: its state, its task, lock or queue, start and duration, outcome
 *   (a failed task's error); on a main loop's lane, what the span does to
 *   the loop; another program's slice's args, "key: value". The tooltip
 *   and the window's details line show the same.
 */
char *
weft_timeline_view_describe_lane_span (WeftTimelineView *self,
                                       guint             worker,
                                       const WeftSpan   *span)
{
  char buf[32];
  const char *name;
  g_autofree char *start = NULL;
  g_autofree char *dur = NULL;
  g_autofree char *name_escaped = NULL;
  GString *text = g_string_new (NULL);
  WeftLane *lane;
  gboolean on_loop;

  g_return_val_if_fail (WEFT_IS_TIMELINE_VIEW (self), NULL);
  g_return_val_if_fail (span != NULL, NULL);

  lane = weft_trace_model_lookup_lane (self->model, worker);
  on_loop = lane != NULL && weft_lane_get_executor (lane) == WEFT_EXECUTOR_MAINLOOP;
  name = weft_lane_painter_get_span_text (self->model, span->state, span->object, buf, sizeof buf);
  start = weft_time_format_duration (span->start_ns - weft_session_get_begin (self->session));
  dur = weft_time_format_duration (span->end_ns - span->start_ns);
  g_string_append_printf (text, "<b>%s</b>", span_heading (span, on_loop));
  if (name != NULL)
    {
      name_escaped = g_markup_escape_text (name, -1);
      g_string_append_printf (text, "\n%s", name_escaped);
    }
  g_string_append_c (text, '\n');
  /* Translators: tooltip line; %s is a time from the start of the run */
  g_string_append_printf (text, _("Start: %s"), start);
  g_string_append_c (text, '\n');
  /* Translators: tooltip line; %s is a duration */
  g_string_append_printf (text, (span->flags & WEFT_SPAN_OPEN) ? _("Duration: %s (still open)")
                                                                : _("Duration: %s"), dur);
  if (on_loop && span->state == WEFT_STATE_IO && span->depth > 0)
    g_string_append_printf (text, "\n%s", _("A call that blocks inside a task: no other task on the loop runs until it returns"));
  else if (on_loop && span->state == WEFT_STATE_RUNNING)
    g_string_append_printf (text, "\n%s", (span->flags & WEFT_SPAN_TASK_SUSPENDED)
                                           ? _("Runs on the loop until its next await")
                                           : _("Runs on the loop to its end"));
  if (span->flags & WEFT_SPAN_TASK_FAILED)
    {
      const char *error = weft_trace_model_get_task_error (self->model, span->object);
      g_autofree char *error_escaped = error ? g_markup_escape_text (error, -1) : NULL;

      g_string_append_c (text, '\n');
      if (error_escaped != NULL)
        /* Translators: tooltip line; %s is the error the task raised */
        g_string_append_printf (text, _("The task failed: %s"), error_escaped);
      else
        g_string_append (text, _("The task failed"));
    }
  if (span->flags & WEFT_SPAN_TASK_CANCELLED)
    g_string_append_printf (text, "\n%s", _("The task was cancelled"));
  /* another program's slice: its args */
  if (lane != NULL)
    {
      gsize len;
      const char *args = weft_trace_model_get_span_args (self->model, worker, span->depth, span->start_ns, &len);

      _weft_timeline_view_append_args (text, args, len);
    }
  return g_string_free (text, FALSE);
}

/**
 * weft_timeline_view_describe_span:
 * @span: a span, as the model gives it
 *
 * Returns: (transfer full): weft_timeline_view_describe_lane_span() for a
 *   span whose lane is not known
 */
char *
weft_timeline_view_describe_span (WeftTimelineView *self,
                                  const WeftSpan   *span)
{
  return weft_timeline_view_describe_lane_span (self, G_MAXUINT, span);
}

/* Over a main loop's lane where no task runs: how many await */
static char *
describe_awaiting (WeftTimelineView *self,
                   double            x,
                   double            y)
{
  WeftTimelineRow *row = row_at_y (self, y);
  g_autofree char *line = NULL;
  gint64 n;

  if (self->model == NULL || x < LABEL_WIDTH || row == NULL ||
      weft_timeline_row_get_kind (row) != WEFT_TIMELINE_ROW_LANE)
    return NULL;
  n = weft_lane_painter_get_awaiting (self->model, weft_timeline_row_get_lane (row),
                                      weft_timeline_view_x_to_time (self, x));
  if (n <= 0)
    return NULL;
  /* Translators: tooltip line; %d is a number of tasks */
  line = g_strdup_printf (g_dngettext (NULL, "%d task waits without blocking; the loop is free to run others",
                                       "%d tasks wait without blocking; the loop is free to run others",
                                       (gulong) n), (int) n);
  return g_strdup_printf ("<b>%s</b>\n%s", _("Awaiting"), line);
}

/* The tooltip's markup at (@x, @y): a span's details, or a main loop's
 * awaits where no task runs; %NULL for nothing */
char *
_weft_timeline_view_describe_at (WeftTimelineView *self,
                                 double            x,
                                 double            y)
{
  char *row_text = _weft_timeline_view_describe_row_at (self, x, y);
  WeftSpan s;
  guint w;

  if (row_text != NULL)
    return row_text;
  if (_weft_timeline_view_pick_span (self, x, y, &w, NULL, NULL, &s))
    return weft_timeline_view_describe_lane_span (self, w, &s);
  return describe_awaiting (self, x, y);
}

static gboolean
weft_timeline_view_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard,
                                  GtkTooltip *tooltip)
{
  g_autofree char *markup = _weft_timeline_view_describe_at (WEFT_TIMELINE_VIEW (widget), x, y);

  if (markup == NULL)
    return FALSE;
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

/* ---- scrollable ---------------------------------------------------------- */

static void
update_hadjustment (WeftTimelineView *self)
{
  guint64 b, e, vb, ve;

  if (self->hadjustment == NULL || self->session == NULL)
    return;
  b = weft_session_get_begin (self->session);
  e = weft_session_get_end (self->session);
  _weft_timeline_view_get_visible (self, &vb, &ve);
  self->updating_hadj = TRUE;
  gtk_adjustment_configure (self->hadjustment, (double) (vb - MIN (vb, b)), 0,
                            MAX ((double) (e - b), (double) (ve - vb)),
                            (ve - vb) / 20.0, (ve - vb) * 0.9, (double) (ve - vb));
  self->updating_hadj = FALSE;
}

static void
update_vadjustment (WeftTimelineView *self)
{
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  double value;

  if (self->vadjustment == NULL)
    return;
  value = CLAMP (gtk_adjustment_get_value (self->vadjustment), 0, MAX (0, content_height (self) - h));
  gtk_adjustment_configure (self->vadjustment, value, 0, MAX (content_height (self), h),
                            ROW_HEIGHT * 2, h * 0.9, h);
}

static void
on_hadj_value_changed (GtkAdjustment    *adj,
                       WeftTimelineView *self)
{
  guint64 vb, ve, b;

  if (self->updating_hadj || self->session == NULL)
    return;
  _weft_timeline_view_get_visible (self, &vb, &ve);
  b = weft_session_get_begin (self->session) + (guint64) llround (gtk_adjustment_get_value (adj));
  weft_session_set_visible (self->session, b, b + (ve - vb));
}

static void
on_vadj_value_changed (GtkAdjustment    *adj,
                       WeftTimelineView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (WeftTimelineView  *self,
                GtkAdjustment    **slot,
                GtkAdjustment     *adj,
                GCallback          callback)
{
  if (*slot == adj && adj != NULL)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, callback, self);
      g_clear_object (slot);
    }
  if (adj == NULL)
    adj = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adj);
  g_signal_connect (adj, "value-changed", callback, self);
}

static gboolean
weft_timeline_view_get_border (GtkScrollable *scrollable,
                               GtkBorder     *border)
{
  return FALSE;
}

static void
weft_timeline_view_scrollable_init (GtkScrollableInterface *iface)
{
  iface->get_border = weft_timeline_view_get_border;
}

/* ---- session and model --------------------------------------------------- */

static void
set_model (WeftTimelineView *self,
           WeftTraceModel   *model)
{
  if (self->model == model)
    return;
  g_set_object (&self->model, model);
  self->has_hover_span = FALSE;
  weft_timeline_rows_set_model (self->rows, model);
}

static void
on_session_model (WeftSession      *session,
                  GParamSpec       *pspec,
                  WeftTimelineView *self)
{
  set_model (self, weft_session_get_model (session));
}

static void
on_session_redraw (WeftSession      *session,
                   WeftTimelineView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_session_visible (WeftSession      *session,
                    WeftTimelineView *self)
{
  update_hadjustment (self);
  if (self->pointer_inside)
    _weft_timeline_view_update_hover (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_session_selection (WeftSession      *session,
                      WeftTimelineView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.zoom-selection",
                                 weft_session_get_selection (session, NULL, NULL));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

WeftSession *
weft_timeline_view_get_session (WeftTimelineView *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_VIEW (self), NULL);
  return self->session;
}

/**
 * weft_timeline_view_set_session:
 * @session: (nullable) (transfer none): the session to follow
 */
void
weft_timeline_view_set_session (WeftTimelineView *self,
                                WeftSession      *session)
{
  g_return_if_fail (WEFT_IS_TIMELINE_VIEW (self));
  g_return_if_fail (session == NULL || WEFT_IS_SESSION (session));

  if (self->session == session)
    return;
  g_set_object (&self->session, session);
  g_signal_group_set_target (self->session_signals, session);
  if (session != NULL)
    on_session_selection (session, self);
  set_model (self, session != NULL ? weft_session_get_model (session) : NULL);
  update_hadjustment (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

GtkWidget *
weft_timeline_view_new (WeftSession *session)
{
  return g_object_new (WEFT_TYPE_TIMELINE_VIEW, "session", session, NULL);
}

void
_weft_timeline_view_invalidate (WeftTimelineView *self)
{
  g_return_if_fail (WEFT_IS_TIMELINE_VIEW (self));

  self->gen++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint64
_weft_timeline_view_get_spans_visited (WeftTimelineView *self)
{
  return weft_lane_painter_get_spans_visited (self->lane_painter) +
         weft_step_painter_get_points_visited (self->step_painter);
}

void
_weft_timeline_view_reset_spans_visited (WeftTimelineView *self)
{
  weft_lane_painter_reset_spans_visited (self->lane_painter);
  weft_step_painter_reset_points_visited (self->step_painter);
}

/* ---- GtkWidget ----------------------------------------------------------- */

static void
weft_timeline_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = LABEL_WIDTH + 120;
      *natural = LABEL_WIDTH + 800;
    }
  else
    {
      *minimum = HEADER_HEIGHT * 2;
      *natural = MAX (content_height (self), HEADER_HEIGHT * 2);
    }
}

static void
weft_timeline_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);

  update_vadjustment (self);
  update_hadjustment (self);
  if (self->lane_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->lane_menu));
}

static void
weft_timeline_view_css_changed (GtkWidget         *widget,
                                GtkCssStyleChange *change)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);
  g_autofree char *font = NULL;

  GTK_WIDGET_CLASS (weft_timeline_view_parent_class)->css_changed (widget, change);
  /* The style (light or dark) is part of every cache key; the font is not,
   * so a new one redraws the rows. Other changes (the window losing focus
   * to another) leave the rows as drawn. */
  font = pango_font_description_to_string (pango_context_get_font_description (gtk_widget_get_pango_context (widget)));
  if (g_strcmp0 (font, self->font_seen) != 0)
    {
      g_free (self->font_seen);
      self->font_seen = g_steal_pointer (&font);
      self->gen++;
    }
  gtk_widget_queue_draw (widget);
}

static void
weft_timeline_view_dispose (GObject *object)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (object);

  _weft_timeline_view_stop_kinetic (self);
  g_clear_pointer (&self->lane_menu, gtk_widget_unparent);
  weft_timeline_view_set_session (self, NULL);
  set_model (self, NULL);
  if (self->rows != NULL)
    g_signal_handlers_disconnect_by_data (self->rows, self);
  g_clear_object (&self->rows);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->lane_painter);
  g_clear_object (&self->step_painter);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, on_hadj_value_changed, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, on_vadj_value_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (weft_timeline_view_parent_class)->dispose (object);
}

static void
weft_timeline_view_finalize (GObject *object)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (object);

  g_array_unref (self->caches);
  g_free (self->font_seen);

  G_OBJECT_CLASS (weft_timeline_view_parent_class)->finalize (object);
}

static void
weft_timeline_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_timeline_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      weft_timeline_view_set_session (self, g_value_get_object (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value),
                      G_CALLBACK (on_hadj_value_changed));
      update_hadjustment (self);
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value),
                      G_CALLBACK (on_vadj_value_changed));
      update_vadjustment (self);
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_timeline_view_class_init (WeftTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_timeline_view_dispose;
  object_class->finalize = weft_timeline_view_finalize;
  object_class->get_property = weft_timeline_view_get_property;
  object_class->set_property = weft_timeline_view_set_property;

  widget_class->snapshot = weft_timeline_view_snapshot;
  widget_class->measure = weft_timeline_view_measure;
  widget_class->size_allocate = weft_timeline_view_size_allocate;
  widget_class->query_tooltip = weft_timeline_view_query_tooltip;
  widget_class->css_changed = weft_timeline_view_css_changed;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, WEFT_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  _weft_timeline_view_class_init_input (widget_class);
  gtk_widget_class_set_css_name (widget_class, "weft-timeline");
}

static void
weft_timeline_view_init (WeftTimelineView *self)
{
  self->caches = g_array_new (FALSE, TRUE, sizeof (RowCache));
  g_array_set_clear_func (self->caches, cache_clear);
  self->lane_painter = weft_lane_painter_new ();
  self->step_painter = weft_step_painter_new ();
  self->rows = weft_timeline_rows_new ();
  g_signal_connect (self->rows, "items-changed", G_CALLBACK (on_rows_items_changed), self);
  g_signal_connect (self->rows, "layout-changed", G_CALLBACK (on_rows_layout_changed), self);

  self->session_signals = g_signal_group_new (WEFT_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::model", G_CALLBACK (on_session_model),
                                 self, G_CONNECT_DEFAULT);
  g_signal_group_connect_object (self->session_signals, "visible-changed", G_CALLBACK (on_session_visible),
                                 self, G_CONNECT_DEFAULT);
  g_signal_group_connect_object (self->session_signals, "selection-changed",
                                 G_CALLBACK (on_session_selection), self, G_CONNECT_DEFAULT);
  g_signal_group_connect_object (self->session_signals, "span-selected", G_CALLBACK (on_session_redraw),
                                 self, G_CONNECT_DEFAULT);
  g_signal_group_connect_object (self->session_signals, "hover-changed", G_CALLBACK (on_session_redraw),
                                 self, G_CONNECT_DEFAULT);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  _weft_timeline_view_init_input (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.zoom-selection", FALSE);
}
