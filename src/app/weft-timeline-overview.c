/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-overview"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "weft-span-links.h"
#include "weft-state-style.h"
#include "weft-timeline-overview.h"

/**
 * WeftTimelineOverview:
 *
 * The strip above the lanes: the whole run at once, one column per pixel.
 * Each column is a bar of the share of the lanes on a CPU (the parallelism
 * track's mean over the column, bottom, in the running colour) with the
 * share of the lanes waiting stacked on top of it, each wait (lock, GIL,
 * queue put or get, start-up, core) in its own colour as on the lanes. The
 * visible window is the bright part, the rest dimmed. Dragging the window
 * pans; drawing elsewhere zooms to what was drawn; a click outside the
 * window centres it there. Marks (search matches) are ticks at the top.
 *
 * The columns are rebuilt only when the run, the width or the style change:
 * the parallelism is one pass over its points, the waits come from each
 * lane's summaries (weft_lane_summarize_columns()), so a whole 11 M-span
 * trace costs no walk over its spans.
 */
struct _WeftTimelineOverview
{
  GtkWidget      parent_instance;

  WeftSession   *session;
  GSignalGroup  *session_signals;
  GSignalGroup  *model_signals;
  int            inset;

  GskRenderNode *bars;          /* cached columns, or NULL */
  GArray        *marks;         /* guint64 times */
  GArray        *mark_columns;  /* double x of each column with a mark */
  gboolean       mark_columns_valid;

  /* The drag going on */
  gboolean       dragging;
  gboolean       panning;
  double         drag_x0;
  double         drag_dx;
  guint64        drag_vb;
  guint64        drag_ve;
};

G_DEFINE_FINAL_TYPE (WeftTimelineOverview, weft_timeline_overview, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define OVERVIEW_HEIGHT 36
#define MIN_ZOOM_PX     3.0

/* ---- columns -------------------------------------------------------------- */

/* The mean of the parallelism step function over each column */
static void
compute_parallelism (WeftTraceModel     *model,
                     double              t0,
                     double              ns_per_col,
                     guint               n_columns,
                     WeftOverviewColumn *out)
{
  WeftCounterPoint before, p;
  WeftCounterIter iter;
  gboolean have;
  double v;

  weft_counter_iter_init_at (&iter, weft_trace_model_get_parallelism (model), (guint64) t0, &before);
  v = (double) before.value;
  have = weft_counter_iter_next (&iter, &p);
  for (guint k = 0; k < n_columns; k++)
    {
      double a = t0 + k * ns_per_col, b = a + ns_per_col, t = a, acc = 0;

      for (; have && (double) p.time_ns < b; have = weft_counter_iter_next (&iter, &p))
        {
          double pt = MAX ((double) p.time_ns, a);

          acc += v * (pt - t);
          t = pt;
          v = (double) p.value;
        }
      acc += v * (b - t);
      out[k].parallelism = acc / ns_per_col;
    }
}

/* Adds the part of [@s, @e) that falls in each column to @out */
static void
add_wide (double              t0,
          double              ns_per_col,
          guint               n_columns,
          guint               state,
          double              s,
          double              e,
          WeftOverviewColumn *out)
{
  double t1 = t0 + n_columns * ns_per_col;
  guint k0, k1;

  s = MAX (s, t0);
  e = MIN (e, t1);
  if (e <= s)
    return;
  k0 = (guint) MIN ((s - t0) / ns_per_col, n_columns - 1);
  k1 = (guint) MIN ((e - t0) / ns_per_col, n_columns - 1);
  for (guint k = k0; k <= k1; k++)
    {
      double a = t0 + k * ns_per_col, b = a + ns_per_col;

      out[k].wait_ns += MIN (e, b) - MAX (s, a);
      out[k].state_ns[state] += MIN (e, b) - MAX (s, a);
    }
}

/* Waits never hold another span inside them, so their time adds up over
 * the depth rows: each row's summary gives the narrow spans per column, the
 * wide ones and the open ones are clipped exactly. */
static void
compute_waits (WeftLane           *lane,
               double              t0,
               double              ns_per_col,
               guint               n_columns,
               WeftOverviewColumn *out,
               WeftColumnSummary  *scratch,
               GArray             *wide)
{
  guint n_open = 0;
  g_autofree WeftSpan *open = weft_lane_dup_open_spans (lane, &n_open);
  guint64 last = weft_lane_get_last_time (lane);

  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    {
      g_array_set_size (wide, 0);
      weft_lane_summarize_columns (lane, d, (guint64) t0, ns_per_col, n_columns, scratch, wide);
      for (guint k = 0; k < n_columns; k++)
        for (guint s = 0; s < WEFT_N_STATES; s++)
          if (weft_state_is_wait (s))
            {
              out[k].wait_ns += scratch[k].state_ns[s];
              out[k].state_ns[s] += scratch[k].state_ns[s];
            }
      for (guint j = 0; j < wide->len; j++)
        {
          const WeftSpan *span = &g_array_index (wide, WeftSpan, j);

          if (weft_state_is_wait (span->state))
            add_wide (t0, ns_per_col, n_columns, span->state, (double) span->start_ns, (double) span->end_ns, out);
        }
    }

  for (guint j = 0; j < n_open; j++)
    if (weft_state_is_wait (open[j].state))
      add_wide (t0, ns_per_col, n_columns, open[j].state, (double) open[j].start_ns,
                (double) MAX (last, open[j].start_ns), out);
}

/**
 * weft_timeline_overview_compute_columns:
 * @model: the trace
 * @t0: start of the first column, absolute ns
 * @t1: end of the last column (> @t0)
 * @n_columns: how many columns
 * @out_columns: (out caller-allocates) (array length=n_columns): filled
 *
 * What the overview strip draws: the columns [t0 + k·w, t0 + (k+1)·w) with
 * w = (@t1 − @t0) / @n_columns. Exact for the parallelism; the waits are as
 * exact as weft_lane_summarize_columns() (a block straddling a column edge
 * may be split between the two neighbours).
 */
void
weft_timeline_overview_compute_columns (WeftTraceModel     *model,
                                        guint64             t0,
                                        guint64             t1,
                                        guint               n_columns,
                                        WeftOverviewColumn *out_columns)
{
  g_autofree WeftColumnSummary *scratch = NULL;
  g_autoptr(GArray) wide = NULL;
  double ns_per_col;

  g_return_if_fail (WEFT_IS_TRACE_MODEL (model));
  g_return_if_fail (out_columns != NULL || n_columns == 0);

  if (n_columns == 0)
    return;
  memset (out_columns, 0, n_columns * sizeof (WeftOverviewColumn));
  if (t1 <= t0)
    return;

  ns_per_col = (double) (t1 - t0) / n_columns;
  compute_parallelism (model, (double) t0, ns_per_col, n_columns, out_columns);
  scratch = g_new (WeftColumnSummary, n_columns);
  wide = g_array_new (FALSE, FALSE, sizeof (WeftSpan));
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    compute_waits (weft_trace_model_get_lane (model, i), (double) t0, ns_per_col, n_columns,
                   out_columns, scratch, wide);
}

/* ---- drawing -------------------------------------------------------------- */

static double
strip_width (WeftTimelineOverview *self)
{
  return MAX (gtk_widget_get_width (GTK_WIDGET (self)) - self->inset, 0);
}

static GskRenderNode *
build_bars (WeftTimelineOverview *self,
            WeftTraceModel       *model,
            int                   n_columns,
            int                   height,
            gboolean              dark)
{
  g_autofree WeftOverviewColumn *cols = g_new0 (WeftOverviewColumn, n_columns);
  guint64 begin = weft_session_get_begin (self->session);
  guint64 end = weft_session_get_end (self->session);
  guint n_lanes = weft_trace_model_get_n_lanes (model);
  double ns_per_col = (double) (end - begin) / n_columns;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GdkRGBA colour[WEFT_N_STATES];

  for (guint s = 0; s < WEFT_N_STATES; s++)
    weft_state_style_get_color (s, dark, &colour[s]);
  weft_timeline_overview_compute_columns (model, begin, end, n_columns, cols);
  for (int k = 0; k < n_columns && n_lanes > 0; k++)
    {
      double p = CLAMP (cols[k].parallelism / n_lanes, 0, 1);
      double top = height - p * (height - 2);

      if (p > 0)
        gtk_snapshot_append_color (snapshot, &colour[WEFT_STATE_RUNNING],
                                   &GRAPHENE_RECT_INIT (self->inset + k, top, 1, height - top));
      /* Each wait stacked above, in its own colour, as on the lanes */
      for (guint s = 0; s < WEFT_N_STATES; s++)
        {
          double h = cols[k].state_ns[s] / (ns_per_col * n_lanes) * (height - 2);

          h = MIN (h, top - 2);
          if (h <= 0)
            continue;
          gtk_snapshot_append_color (snapshot, &colour[s], &GRAPHENE_RECT_INIT (self->inset + k, top - h, 1, h));
          top -= h;
        }
    }
  return gtk_snapshot_free_to_node (snapshot);
}

static double
time_to_x (WeftTimelineOverview *self,
           guint64               t)
{
  guint64 begin = weft_session_get_begin (self->session);
  guint64 end = weft_session_get_end (self->session);

  if (end <= begin)
    return self->inset;
  return self->inset + (double) ((gint64) (t - begin)) * strip_width (self) / (double) (end - begin);
}

static guint64
x_to_time (WeftTimelineOverview *self,
           double                x)
{
  guint64 begin = weft_session_get_begin (self->session);
  guint64 end = weft_session_get_end (self->session);
  double w = strip_width (self);
  double f = w > 0 ? CLAMP ((x - self->inset) / w, 0, 1) : 0;

  return begin + (guint64) llround (f * (double) (end - begin));
}

static void
snapshot_window (WeftTimelineOverview *self,
                 GtkSnapshot          *snapshot,
                 int                   width,
                 int                   height,
                 gboolean              dark)
{
  double x0 = time_to_x (self, weft_session_get_visible_begin (self->session));
  double x1 = time_to_x (self, weft_session_get_visible_end (self->session));
  GdkRGBA shade = dark ? (GdkRGBA) { 0, 0, 0, 0.45 } : (GdkRGBA) { 1, 1, 1, 0.6 };
  GdkRGBA edge = dark ? (GdkRGBA) { 0.9, 0.9, 0.9, 0.9 } : (GdkRGBA) { 0.2, 0.2, 0.25, 0.9 };
  float bw[4] = { 1, 1, 1, 1 };
  GdkRGBA edges[4] = { edge, edge, edge, edge };

  x0 = CLAMP (x0, self->inset, width);
  x1 = CLAMP (MAX (x1, x0 + 2), self->inset, width);
  gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (self->inset, 0, x0 - self->inset, height));
  gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (x1, 0, width - x1, height));
  gtk_snapshot_append_border (snapshot,
                              &GSK_ROUNDED_RECT_INIT (floor (x0), 0, MAX (ceil (x1) - floor (x0), 2), height),
                              bw, edges);

  /* A zoom being drawn */
  if (self->dragging && !self->panning && fabs (self->drag_dx) >= MIN_ZOOM_PX)
    {
      double a = MIN (self->drag_x0, self->drag_x0 + self->drag_dx);
      GdkRGBA sel = { 0.21, 0.52, 0.89, 0.35 };

      gtk_snapshot_append_color (snapshot, &sel, &GRAPHENE_RECT_INIT (a, 0, fabs (self->drag_dx), height));
    }
}

/* The pixel columns that hold a mark, found once per set of marks and size
 * (a million matches would otherwise cost every frame a walk) */
static void
update_mark_columns (WeftTimelineOverview *self)
{
  double last = -1;

  g_array_set_size (self->mark_columns, 0);
  for (guint i = 0; i < self->marks->len; i++)
    {
      double x = floor (time_to_x (self, g_array_index (self->marks, guint64, i)));

      if (x == last)
        continue;
      last = x;
      g_array_append_val (self->mark_columns, x);
    }
  self->mark_columns_valid = TRUE;
}

static void
snapshot_marks (WeftTimelineOverview *self,
                GtkSnapshot          *snapshot,
                gboolean              dark)
{
  GdkRGBA mark = dark ? (GdkRGBA) { 1, 0.85, 0.2, 1 } : (GdkRGBA) { 0.85, 0.55, 0, 1 };

  if (!self->mark_columns_valid)
    update_mark_columns (self);
  for (guint i = 0; i < self->mark_columns->len; i++)
    gtk_snapshot_append_color (snapshot, &mark,
                               &GRAPHENE_RECT_INIT (g_array_index (self->mark_columns, double, i), 0, 1, 6));
}

static void
weft_timeline_overview_snapshot (GtkWidget   *widget,
                                 GtkSnapshot *snapshot)
{
  WeftTimelineOverview *self = WEFT_TIMELINE_OVERVIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean dark = weft_state_style_widget_is_dark (widget);
  WeftTraceModel *model = self->session != NULL ? weft_session_get_model (self->session) : NULL;
  GdkRGBA bg, line;

  weft_state_style_get_background (dark, &bg);
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &line);
  line.alpha = 0.18;
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (0, height - 1, width, 1));
  if (model == NULL || strip_width (self) < 1 ||
      weft_session_get_end (self->session) <= weft_session_get_begin (self->session))
    return;

  if (self->bars == NULL)
    self->bars = build_bars (self, model, (int) strip_width (self), height - 1, dark);
  if (self->bars != NULL)
    gtk_snapshot_append_node (snapshot, self->bars);
  snapshot_marks (self, snapshot, dark);
  snapshot_window (self, snapshot, width, height, dark);
}

static void
weft_timeline_overview_measure (GtkWidget      *widget,
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
    *minimum = *natural = OVERVIEW_HEIGHT;
}

static void
invalidate_bars (WeftTimelineOverview *self)
{
  g_clear_pointer (&self->bars, gsk_render_node_unref);
  self->mark_columns_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
weft_timeline_overview_size_allocate (GtkWidget *widget,
                                      int        width,
                                      int        height,
                                      int        baseline)
{
  invalidate_bars (WEFT_TIMELINE_OVERVIEW (widget));
}

static void
weft_timeline_overview_css_changed (GtkWidget         *widget,
                                    GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (weft_timeline_overview_parent_class)->css_changed (widget, change);
  invalidate_bars (WEFT_TIMELINE_OVERVIEW (widget));
}

/* ---- dragging ------------------------------------------------------------- */

static void
drag_begin (WeftTimelineOverview *self,
            double                x)
{
  double x0, x1;

  if (self->session == NULL)
    return;
  x0 = time_to_x (self, weft_session_get_visible_begin (self->session));
  x1 = time_to_x (self, weft_session_get_visible_end (self->session));
  self->dragging = TRUE;
  self->panning = x >= x0 - 2 && x <= MAX (x1, x0 + 2) + 2;
  self->drag_x0 = x;
  self->drag_dx = 0;
  self->drag_vb = weft_session_get_visible_begin (self->session);
  self->drag_ve = weft_session_get_visible_end (self->session);
}

static void
drag_update (WeftTimelineOverview *self,
             double                dx)
{
  if (!self->dragging)
    return;
  self->drag_dx = dx;
  if (self->panning)
    {
      double w = strip_width (self);
      guint64 run = weft_session_get_end (self->session) - weft_session_get_begin (self->session);
      gint64 delta = w > 0 ? (gint64) llround (dx * (double) run / w) : 0;
      guint64 cur = weft_session_get_visible_begin (self->session);

      /* Relative to where the drag began, so rounding never accumulates */
      weft_session_pan (self->session, (gint64) self->drag_vb + delta - (gint64) cur);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end (WeftTimelineOverview *self)
{
  if (!self->dragging)
    return;
  self->dragging = FALSE;
  if (self->panning)
    return;
  if (fabs (self->drag_dx) >= MIN_ZOOM_PX)
    {
      guint64 a = x_to_time (self, MIN (self->drag_x0, self->drag_x0 + self->drag_dx));
      guint64 b = x_to_time (self, MAX (self->drag_x0, self->drag_x0 + self->drag_dx));

      weft_session_set_visible (self->session, a, b);
    }
  else
    {
      guint64 half = (self->drag_ve - self->drag_vb) / 2;
      guint64 c = x_to_time (self, self->drag_x0);

      weft_session_pan (self->session, (gint64) (c - half) - (gint64) self->drag_vb);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * weft_timeline_overview_drag:
 * @x0: where the drag begins, in widget coordinates
 * @dx: how far it goes
 *
 * Does what a drag on the strip does: from inside the visible window it
 * pans by @dx pixels of the strip; elsewhere it zooms to the drawn range,
 * or, shorter than 3 pixels, centres the window at @x0.
 */
void
weft_timeline_overview_drag (WeftTimelineOverview *self,
                             double                x0,
                             double                dx)
{
  g_return_if_fail (WEFT_IS_TIMELINE_OVERVIEW (self));

  drag_begin (self, x0);
  drag_update (self, dx);
  drag_end (self);
}

static void
on_drag_begin (GtkGestureDrag       *gesture,
               double                x,
               double                y,
               WeftTimelineOverview *self)
{
  drag_begin (self, x);
}

static void
on_drag_update (GtkGestureDrag       *gesture,
                double                dx,
                double                dy,
                WeftTimelineOverview *self)
{
  drag_update (self, dx);
}

static void
on_drag_end (GtkGestureDrag       *gesture,
             double                dx,
             double                dy,
             WeftTimelineOverview *self)
{
  drag_update (self, dx);
  drag_end (self);
}

/* ---- public --------------------------------------------------------------- */

void
weft_timeline_overview_set_inset (WeftTimelineOverview *self,
                                  int                   inset)
{
  g_return_if_fail (WEFT_IS_TIMELINE_OVERVIEW (self));

  inset = MAX (inset, 0);
  if (self->inset == inset)
    return;
  self->inset = inset;
  invalidate_bars (self);
}

/**
 * weft_timeline_overview_set_marks:
 * @times_ns: (array length=n_times) (nullable): sorted times to mark
 *
 * Marks times on the strip (search matches); replaces earlier marks.
 */
void
weft_timeline_overview_set_marks (WeftTimelineOverview *self,
                                  const guint64        *times_ns,
                                  guint                 n_times)
{
  g_return_if_fail (WEFT_IS_TIMELINE_OVERVIEW (self));

  g_array_set_size (self->marks, 0);
  if (n_times > 0)
    g_array_append_vals (self->marks, times_ns, n_times);
  self->mark_columns_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_session_redraw (WeftTimelineOverview *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_model_changed (WeftTimelineOverview *self)
{
  g_signal_group_set_target (self->model_signals,
                             self->session != NULL ? weft_session_get_model (self->session) : NULL);
  invalidate_bars (self);
}

static void
weft_timeline_overview_set_session (WeftTimelineOverview *self,
                                    WeftSession          *session)
{
  if (self->session == session)
    return;
  g_set_object (&self->session, session);
  g_signal_group_set_target (self->session_signals, session);
  on_model_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

GtkWidget *
weft_timeline_overview_new (WeftSession *session)
{
  return g_object_new (WEFT_TYPE_TIMELINE_OVERVIEW, "session", session, NULL);
}

static void
weft_timeline_overview_dispose (GObject *object)
{
  WeftTimelineOverview *self = WEFT_TIMELINE_OVERVIEW (object);

  if (self->session_signals != NULL)
    weft_timeline_overview_set_session (self, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->model_signals);
  g_clear_pointer (&self->bars, gsk_render_node_unref);
  G_OBJECT_CLASS (weft_timeline_overview_parent_class)->dispose (object);
}

static void
weft_timeline_overview_finalize (GObject *object)
{
  WeftTimelineOverview *self = WEFT_TIMELINE_OVERVIEW (object);

  g_array_unref (self->marks);
  g_array_unref (self->mark_columns);
  G_OBJECT_CLASS (weft_timeline_overview_parent_class)->finalize (object);
}

static void
weft_timeline_overview_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  WeftTimelineOverview *self = WEFT_TIMELINE_OVERVIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_timeline_overview_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  WeftTimelineOverview *self = WEFT_TIMELINE_OVERVIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      weft_timeline_overview_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_timeline_overview_class_init (WeftTimelineOverviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_timeline_overview_dispose;
  object_class->finalize = weft_timeline_overview_finalize;
  object_class->get_property = weft_timeline_overview_get_property;
  object_class->set_property = weft_timeline_overview_set_property;
  widget_class->snapshot = weft_timeline_overview_snapshot;
  widget_class->measure = weft_timeline_overview_measure;
  widget_class->size_allocate = weft_timeline_overview_size_allocate;
  widget_class->css_changed = weft_timeline_overview_css_changed;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, WEFT_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "weft-timeline-overview");
}

static void
weft_timeline_overview_init (WeftTimelineOverview *self)
{
  static const char * const redraw_on[] = { "visible-changed", "selection-changed" };
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->marks = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->mark_columns = g_array_new (FALSE, FALSE, sizeof (double));
  self->session_signals = g_signal_group_new (WEFT_TYPE_SESSION);
  for (guint i = 0; i < G_N_ELEMENTS (redraw_on); i++)
    g_signal_group_connect_object (self->session_signals, redraw_on[i], G_CALLBACK (on_session_redraw),
                                   self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "bounds-changed", G_CALLBACK (invalidate_bars),
                                 self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::model", G_CALLBACK (on_model_changed),
                                 self, G_CONNECT_SWAPPED);
  self->model_signals = g_signal_group_new (WEFT_TYPE_TRACE_MODEL);
  g_signal_group_connect_object (self->model_signals, "changed", G_CALLBACK (invalidate_bars),
                                 self, G_CONNECT_SWAPPED);

  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("The whole run: lanes on a CPU at the bottom, lanes waiting above, each wait in "
                                 "its colour. Drag the bright window to pan, draw elsewhere to zoom."));
}
