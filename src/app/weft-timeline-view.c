/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-timeline"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "weft-state-style.h"
#include "weft-timeline-view.h"
#include "weft-time-ruler.h"

/**
 * WeftTimelineView:
 *
 * The Gantt chart: counter tracks (parallelism, queue depths) on top, then
 * one lane per worker, grouped by executor and process under collapsible
 * headers, each lane showing its nesting rows. The lane labels stay pinned
 * at the left while the time axis (from the #WeftSession) pans and zooms.
 *
 * Drawing cost follows pixels, not events: each row binary-searches the
 * visible window, spans narrower than a pixel are merged per pixel column
 * (skipping dense stretches by galloping search), rectangles are batched
 * into one Cairo path per colour, and every lane's rendering is cached as a
 * render node until the window, the size, the style or the model changes.
 */

#define LABEL_WIDTH     184
#define ROW_HEIGHT      16
#define LANE_PAD        3
#define HEADER_HEIGHT   24
#define COUNTER_HEIGHT  40
#define MERGE_WALK      2     /* spans walked per pixel column before skipping */
#define N_LEVELS        4
#define MIN_LABEL_PX    28.0
#define KINETIC_DECAY   0.28  /* s: time constant of kinetic panning */

typedef enum
{
  ROW_COUNTER,
  ROW_HEADER,
  ROW_LANE,
} RowKind;

#define PARALLELISM_OBJECT G_MAXUINT32

typedef struct
{
  RowKind        kind;
  int            y;
  int            height;
  int            indent;
  WeftLane      *lane;
  guint          worker;
  guint32        object;
  guint64        group_key;
  char          *label;
  char          *sublabel;

  /* cached rendering of the time area */
  GskRenderNode *node;
  guint64        c_begin;
  guint64        c_end;
  int            c_width;
  int            c_height;
  guint          c_gen;
  gboolean       c_dark;
  gint64         c_max;     /* counters: largest value in view */
} Row;

typedef struct
{
  float x, y, w, h;
} Rect;

typedef struct
{
  double   x, y, w, h;
  guint8   state;
  guint32  object;
} LabelItem;

struct _WeftTimelineView
{
  GtkWidget       parent_instance;

  WeftSession    *session;
  WeftTraceModel *model;
  gulong          model_changed_id;
  gulong          lane_added_id;
  gulong          session_ids[5];

  GArray         *rows;           /* Row */
  int             content_height;
  guint           n_lanes_seen;
  guint           n_tracks_seen;
  guint           gen;
  GArray         *collapsed;      /* guint64 group keys */

  GArray         *batch[WEFT_N_STATES][N_LEVELS];   /* Rect */
  GArray         *labels;         /* LabelItem */
  WeftColumnSummary *columns;     /* scratch for a row's pixel columns */
  guint           n_columns;
  GArray         *wide;           /* WeftSpan: scratch, a row's spans >= 1 px */
  guint64         spans_visited;

  GtkAdjustment  *hadjustment;
  GtkAdjustment  *vadjustment;
  guint           hscroll_policy : 1;
  guint           vscroll_policy : 1;
  gboolean        updating_hadj;

  /* pointer and gestures */
  double          pointer_x;
  double          pointer_y;
  gboolean        pointer_inside;
  gboolean        has_hover_span;
  guint           hover_worker;
  guint           hover_depth;
  guint           hover_index;
  gboolean        hover_open;
  WeftSpan        hover_span;

  double          drag_x;
  double          drag_y;
  gboolean        drag_select;
  gboolean        dragging;
  double          drag_vvalue;
  guint64         drag_begin_ns;
  guint64         drag_end_ns;

  guint64         zoom_begin_ns;
  guint64         zoom_end_ns;

  guint           kinetic_id;
  double          kinetic_velocity;  /* px/s */
  gint64          kinetic_last;
};

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

static const double level_alpha[N_LEVELS] = { 1.0, 0.72, 0.48, 0.28 };

/* ---- rows ---------------------------------------------------------------- */

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_clear_pointer (&row->node, gsk_render_node_unref);
  g_clear_pointer (&row->label, g_free);
  g_clear_pointer (&row->sublabel, g_free);
}

static gboolean
is_collapsed (WeftTimelineView *self,
              guint64           key)
{
  for (guint i = 0; i < self->collapsed->len; i++)
    if (g_array_index (self->collapsed, guint64, i) == key)
      return TRUE;
  return FALSE;
}

static void
toggle_collapsed (WeftTimelineView *self,
                  guint64           key)
{
  for (guint i = 0; i < self->collapsed->len; i++)
    if (g_array_index (self->collapsed, guint64, i) == key)
      {
        g_array_remove_index (self->collapsed, i);
        return;
      }
  g_array_append_val (self->collapsed, key);
}

static const char *
executor_label (WeftExecutorKind kind)
{
  switch (kind)
    {
    case WEFT_EXECUTOR_THREADS:   return _("Threads");
    case WEFT_EXECUTOR_PROCESSES: return _("Processes");
    case WEFT_EXECUTOR_MAINLOOP:  return _("Main loop");
    case WEFT_EXECUTOR_EXTERNAL:  return _("External program");
    case WEFT_EXECUTOR_NONE:
    default:                      return _("Workers");
    }
}

static int
lane_n_depths (WeftLane *lane)
{
  guint n = weft_lane_get_n_depths (lane);
  guint top = weft_lane_get_n_open_spans (lane);

  if (top > 0)
    {
      WeftSpan open[WEFT_LANE_MAX_DEPTH + 1];
      guint k = weft_lane_get_open_spans (lane, open, G_N_ELEMENTS (open));

      for (guint i = 0; i < k; i++)
        n = MAX (n, (guint) open[i].depth + 1);
    }
  return MAX (n, 1);
}

static int
lane_height (WeftLane *lane)
{
  return 2 * LANE_PAD + lane_n_depths (lane) * ROW_HEIGHT;
}

static void
append_row (WeftTimelineView *self,
            Row              *row,
            int              *y)
{
  row->y = *y;
  *y += row->height;
  g_array_append_vals (self->rows, row, 1);
}

static guint
count_tracks (WeftTraceModel *model)
{
  guint n_queues = 0, n_counters = 0;
  g_autofree guint32 *queues = weft_trace_model_list_objects (model, WEFT_OBJECT_QUEUE, &n_queues);
  g_autofree guint32 *counters = weft_trace_model_list_objects (model, WEFT_OBJECT_COUNTER, &n_counters);
  guint n = 0;

  for (guint i = 0; i < n_queues; i++)
    {
      guint np = 0;
      if (weft_trace_model_get_counter (model, queues[i], &np) != NULL && np > 0)
        n++;
    }
  for (guint i = 0; i < n_counters; i++)
    {
      guint np = 0;
      if (weft_trace_model_get_counter (model, counters[i], &np) != NULL && np > 0)
        n++;
    }
  return n;
}

static void
add_counter_rows (WeftTimelineView *self,
                  WeftObjectKind    kind,
                  int              *y)
{
  guint n = 0;
  g_autofree guint32 *objects = weft_trace_model_list_objects (self->model, kind, &n);

  for (guint i = 0; i < n; i++)
    {
      const char *name = weft_trace_model_get_object_name (self->model, objects[i]);
      guint np = 0;
      Row row = { 0 };

      if (weft_trace_model_get_counter (self->model, objects[i], &np) == NULL || np == 0)
        continue;
      row.kind = ROW_COUNTER;
      row.object = objects[i];
      row.height = COUNTER_HEIGHT;
      if (kind == WEFT_OBJECT_QUEUE)
        {
          /* Translators: a counter track, %s is a queue's name */
          row.label = g_strdup_printf (_("Queue depth: %s"), name != NULL ? name : "?");
        }
      else
        row.label = g_strdup (name != NULL ? name : _("Counter"));
      append_row (self, &row, y);
    }
}

/* Rebuilds the row list: counters, then lanes grouped executor → process. */
static void
rebuild_rows (WeftTimelineView *self)
{
  guint n_lanes;
  int y = 0;
  g_autoptr(GArray) executors = g_array_new (FALSE, FALSE, sizeof (int));

  g_array_set_size (self->rows, 0);
  self->gen++;

  if (self->model == NULL)
    {
      self->content_height = 0;
      self->n_lanes_seen = 0;
      self->n_tracks_seen = 0;
      return;
    }

  n_lanes = weft_trace_model_get_n_lanes (self->model);
  self->n_lanes_seen = n_lanes;
  self->n_tracks_seen = count_tracks (self->model);

  {
    Row row = { 0 };
    guint np = 0;

    weft_trace_model_get_parallelism (self->model, &np);
    if (np > 0)
      {
        row.kind = ROW_COUNTER;
        row.object = PARALLELISM_OBJECT;
        row.height = COUNTER_HEIGHT;
        row.label = g_strdup (_("Parallelism"));
        append_row (self, &row, &y);
      }
  }
  add_counter_rows (self, WEFT_OBJECT_QUEUE, &y);
  add_counter_rows (self, WEFT_OBJECT_COUNTER, &y);

  /* Executors in order of first appearance */
  for (guint i = 0; i < n_lanes; i++)
    {
      int ex = weft_lane_get_executor (weft_trace_model_get_lane (self->model, i));
      gboolean seen = FALSE;

      for (guint k = 0; k < executors->len; k++)
        seen |= g_array_index (executors, int, k) == ex;
      if (!seen)
        g_array_append_val (executors, ex);
    }

  for (guint e = 0; e < executors->len; e++)
    {
      int ex = g_array_index (executors, int, e);
      g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint64));
      guint64 ex_key = (guint64) ex << 56;
      gboolean ex_collapsed = is_collapsed (self, ex_key);
      guint n_in_executor = 0;
      Row header = { 0 };

      for (guint i = 0; i < n_lanes; i++)
        {
          WeftLane *lane = weft_trace_model_get_lane (self->model, i);
          gint64 pid = weft_lane_get_pid (lane);
          gboolean seen = FALSE;

          if ((int) weft_lane_get_executor (lane) != ex)
            continue;
          n_in_executor++;
          for (guint k = 0; k < pids->len; k++)
            seen |= g_array_index (pids, gint64, k) == pid;
          if (!seen)
            g_array_append_val (pids, pid);
        }

      header.kind = ROW_HEADER;
      header.height = HEADER_HEIGHT;
      header.group_key = ex_key;
      header.label = g_strdup (executor_label (ex));
      if (pids->len == 1 && g_array_index (pids, gint64, 0) > 0)
        {
          g_autofree char *pid = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (pids, gint64, 0));

          /* Translators: group header detail, %s is a process id */
          header.sublabel = g_strdup_printf (_("process %s"), pid);
        }
      else
        header.sublabel = g_strdup_printf (ngettext ("%u worker", "%u workers", n_in_executor),
                                           n_in_executor);
      append_row (self, &header, &y);
      if (ex_collapsed)
        continue;

      for (guint p = 0; p < pids->len; p++)
        {
          gint64 pid = g_array_index (pids, gint64, p);
          guint64 p_key = ex_key | (1ull << 55) | ((guint64) pid & ((1ull << 48) - 1));
          guint n_in_pid = 0;
          int indent = 1;

          for (guint i = 0; i < n_lanes; i++)
            {
              WeftLane *lane = weft_trace_model_get_lane (self->model, i);
              if ((int) weft_lane_get_executor (lane) == ex && weft_lane_get_pid (lane) == pid)
                n_in_pid++;
            }

          /* A process header only where it groups something */
          if (pids->len > 1 && n_in_pid > 1)
            {
              Row ph = { 0 };
              g_autofree char *pid_text = g_strdup_printf ("%" G_GINT64_FORMAT, pid);

              ph.kind = ROW_HEADER;
              ph.height = HEADER_HEIGHT;
              ph.indent = 1;
              ph.group_key = p_key;
              /* Translators: group header, %s is a process id */
              ph.label = g_strdup_printf (_("Process %s"), pid_text);
              ph.sublabel = g_strdup_printf (ngettext ("%u worker", "%u workers", n_in_pid), n_in_pid);
              append_row (self, &ph, &y);
              indent = 2;
              if (is_collapsed (self, p_key))
                continue;
            }

          for (guint i = 0; i < n_lanes; i++)
            {
              WeftLane *lane = weft_trace_model_get_lane (self->model, i);
              Row row = { 0 };

              if ((int) weft_lane_get_executor (lane) != ex || weft_lane_get_pid (lane) != pid)
                continue;
              row.kind = ROW_LANE;
              row.lane = lane;
              row.worker = weft_lane_get_worker (lane);
              row.indent = indent;
              row.height = lane_height (lane);
              row.label = g_strdup (weft_lane_get_name (lane));
              if (ex == WEFT_EXECUTOR_PROCESSES && indent == 1 && pid > 0)
                row.sublabel = g_strdup_printf ("pid %" G_GINT64_FORMAT, pid);
              append_row (self, &row, &y);
            }
        }
    }
  self->content_height = y;
}

/* Lanes may grow new depth rows while live: recompute heights only. */
static void
relayout_rows (WeftTimelineView *self)
{
  int y = 0;

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);

      if (row->kind == ROW_LANE)
        row->height = lane_height (row->lane);
      row->y = y;
      y += row->height;
    }
  self->content_height = y;
}

static Row *
find_lane_row (WeftTimelineView *self,
               guint             worker)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      if (row->kind == ROW_LANE && row->worker == worker)
        return row;
    }
  return NULL;
}

static double
vscroll (WeftTimelineView *self)
{
  return self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0;
}

static Row *
row_at_y (WeftTimelineView *self,
          double            y)
{
  double cy = y + vscroll (self);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      if (cy >= row->y && cy < row->y + row->height)
        return row;
    }
  return NULL;
}

/* ---- geometry ------------------------------------------------------------ */

static int
time_width (WeftTimelineView *self)
{
  return MAX (1, gtk_widget_get_width (GTK_WIDGET (self)) - LABEL_WIDTH);
}

static void
visible_range (WeftTimelineView *self,
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

  visible_range (self, &b, &e);
  return LABEL_WIDTH + ((double) (gint64) (time_ns - b)) * time_width (self) / (double) (e - b);
}

guint64
weft_timeline_view_x_to_time (WeftTimelineView *self,
                              double            x)
{
  guint64 b, e;
  double t;

  g_return_val_if_fail (WEFT_IS_TIMELINE_VIEW (self), 0);

  visible_range (self, &b, &e);
  t = (double) b + (x - LABEL_WIDTH) * (double) (e - b) / time_width (self);
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
  Row *row;

  g_return_val_if_fail (WEFT_IS_TIMELINE_VIEW (self), FALSE);
  g_return_val_if_fail (out_area != NULL, FALSE);

  row = find_lane_row (self, worker);
  if (row == NULL)
    return FALSE;
  graphene_rect_init (out_area, 0, row->y - vscroll (self),
                      gtk_widget_get_width (GTK_WIDGET (self)), row->height);
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
  Row *row;

  g_return_val_if_fail (WEFT_IS_TIMELINE_VIEW (self), -1);

  row = find_lane_row (self, worker);
  if (row == NULL)
    return -1;
  return row->y - vscroll (self) + LANE_PAD + depth * ROW_HEIGHT + ROW_HEIGHT / 2.0;
}

/* ---- drawing: lanes ------------------------------------------------------ */

static void
batch_rect (WeftTimelineView *self,
            guint             state,
            guint             level,
            double            x0,
            double            x1,
            double            y,
            double            h)
{
  Rect r;

  if (state >= WEFT_N_STATES || state == WEFT_STATE_IDLE)
    return;
  r.x = (float) x0;
  r.y = (float) y;
  r.w = (float) (x1 - x0);
  r.h = (float) h;
  g_array_append_val (self->batch[state][level], r);
}

static double
span_x (guint64 t,
        guint64 b,
        double  scale)
{
  return ((double) (gint64) (t - b)) * scale;
}

/* One row of a lane: spans at least a pixel long one by one, with labels;
 * the rest merged per pixel column, read from the lane's summaries (a
 * whole-trace view touches no spans): the state taking most of the column,
 * shaded by how busy the column is. */
static void
draw_lane_row (WeftTimelineView *self,
               WeftLane         *lane,
               guint             depth,
               double            y,
               double            h,
               guint64           vb,
               guint64           ve,
               int               tw)
{
  double scale = tw / (double) (ve - vb);
  double ns_per_px = (ve - vb) / (double) tw;
  int p_col0 = -1, p_col1 = -1;
  guint p_state = 0, p_level = 0;

  if (tw <= 0)
    return;
  if ((guint) tw > self->n_columns)
    {
      self->columns = g_renew (WeftColumnSummary, self->columns, tw);
      self->n_columns = tw;
    }
  g_array_set_size (self->wide, 0);
  self->spans_visited += weft_lane_summarize_columns (lane, depth, vb, ns_per_px, tw,
                                                      self->columns, self->wide);

  for (guint k = 0; k < self->wide->len; k++)
    {
      const WeftSpan *s = &g_array_index (self->wide, WeftSpan, k);
      double cx0 = MAX (span_x (s->start_ns, vb, scale), -2.0);
      double cx1 = MIN (span_x (s->end_ns, vb, scale), tw + 2.0);

      batch_rect (self, s->state, 0, cx0, cx1, y, h);
      if (cx1 - cx0 >= MIN_LABEL_PX)
        {
          LabelItem item = { cx0, y, cx1 - cx0, h, s->state, s->object };
          g_array_append_val (self->labels, item);
        }
    }

#define FLUSH_PENDING() G_STMT_START {                                      \
    if (p_col0 >= 0)                                                        \
      batch_rect (self, p_state, p_level, p_col0, p_col1, y, h);            \
    p_col0 = -1;                                                            \
  } G_STMT_END

  for (int col = 0; col < tw; col++)
    {
      const WeftColumnSummary *c = &self->columns[col];
      double busy = 0;
      guint state = WEFT_STATE_IDLE, level;

      for (guint k = WEFT_STATE_IDLE + 1; k < WEFT_N_STATES; k++)
        {
          busy += c->state_ns[k];
          if (c->state_ns[k] > c->state_ns[state])
            state = k;
        }
      if (state == WEFT_STATE_IDLE)
        {
          FLUSH_PENDING ();
          continue;
        }
      busy /= ns_per_px;
      level = busy >= 0.75 ? 0 : busy >= 0.45 ? 1 : busy >= 0.2 ? 2 : 3;

      if (p_col0 >= 0 && p_col1 == col && p_state == state && p_level == level)
        p_col1 = col + 1;
      else
        {
          FLUSH_PENDING ();
          p_col0 = col;
          p_col1 = col + 1;
          p_state = state;
          p_level = level;
        }
    }
  FLUSH_PENDING ();
#undef FLUSH_PENDING
}

static const char *
span_text (WeftTimelineView *self,
           guint             state,
           guint32           object,
           char             *buf,
           gsize             len)
{
  const char *name = weft_trace_model_get_object_name (self->model, object);

  if (name != NULL && *name != '\0')
    return name;
  if (state == WEFT_STATE_RUNNING)
    {
      /* Translators: a task without a name, %u is its id */
      g_snprintf (buf, len, _("Task %u"), object);
      return buf;
    }
  if (state == WEFT_STATE_GIL_WAIT || state == WEFT_STATE_GIL_HELD)
    return "GIL";
  return NULL;
}

static void
fill_batches (WeftTimelineView *self,
              cairo_t          *cr,
              gboolean          dark)
{
  /* Pixel-snapped boxes take pixman's fast path */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  for (guint s = 1; s < WEFT_N_STATES; s++)
    for (guint l = 0; l < N_LEVELS; l++)
      {
        GArray *rects = self->batch[s][l];
        GdkRGBA c;

        if (rects->len == 0)
          continue;
        weft_state_style_get_color (s, dark, &c);
        cairo_set_source_rgba (cr, c.red, c.green, c.blue, level_alpha[l]);
        for (guint k = 0; k < rects->len; k++)
          {
            const Rect *r = &g_array_index (rects, Rect, k);
            cairo_rectangle (cr, r->x, r->y, r->w, r->h);
          }
        if (weft_state_style_is_hatched (s))
          {
            /* Hatched: the base, then diagonal strokes clipped to it */
            double y0, y1, x0, x1;

            cairo_fill_extents (cr, &x0, &y0, &x1, &y1);
            cairo_fill_preserve (cr);
            cairo_save (cr);
            cairo_clip (cr);
            cairo_set_source_rgba (cr, dark ? 1 : 0, dark ? 1 : 0, dark ? 1 : 0, 0.28);
            cairo_set_line_width (cr, 1.5);
            for (double x = x0 - (y1 - y0); x < x1; x += 6)
              {
                cairo_move_to (cr, x, y1);
                cairo_line_to (cr, x + (y1 - y0), y0);
              }
            cairo_stroke (cr);
            cairo_restore (cr);
          }
        else
          cairo_fill (cr);
        g_array_set_size (rects, 0);
      }
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
}

static void
draw_labels (WeftTimelineView *self,
             cairo_t          *cr,
             gboolean          dark)
{
  PangoLayout *layout;

  if (self->labels->len == 0)
    return;
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  {
    PangoFontDescription *desc = pango_font_description_copy (
        pango_context_get_font_description (pango_layout_get_context (layout)));

    pango_font_description_set_absolute_size (desc, 10 * PANGO_SCALE);
    pango_layout_set_font_description (layout, desc);
    pango_font_description_free (desc);
  }
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);

  for (guint k = 0; k < self->labels->len; k++)
    {
      const LabelItem *item = &g_array_index (self->labels, LabelItem, k);
      char buf[32];
      const char *text = span_text (self, item->state, item->object, buf, sizeof buf);
      GdkRGBA c;
      int lw, lh;
      double lum;

      if (text == NULL)
        continue;
      pango_layout_set_text (layout, text, -1);
      pango_layout_set_width (layout, (int) ((item->w - 6) * PANGO_SCALE));
      pango_layout_get_pixel_size (layout, &lw, &lh);
      /* Only when at least a few characters fit */
      if (lw < 12 && (int) strlen (text) > 1)
        continue;
      weft_state_style_get_color (item->state, dark, &c);
      lum = 0.299 * c.red + 0.587 * c.green + 0.114 * c.blue;
      if (lum > 0.55)
        cairo_set_source_rgba (cr, 0.1, 0.1, 0.12, 0.9);
      else
        cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
      cairo_move_to (cr, item->x + 3, item->y + (item->h - lh) / 2);
      pango_cairo_show_layout (cr, layout);
    }
  g_object_unref (layout);
  g_array_set_size (self->labels, 0);
}

static void
draw_instants (WeftTimelineView *self,
               cairo_t          *cr,
               WeftLane         *lane,
               guint64           vb,
               guint64           ve,
               int               tw,
               gboolean          dark)
{
  guint first, n, n_all;
  const WeftInstant *inst = weft_lane_get_instants (lane, &n_all);
  double scale = tw / (double) (ve - vb);
  double ns_per_px = (ve - vb) / (double) tw;
  guint i;

  weft_lane_lookup_instants (lane, vb, ve, &first, &n);
  if (n == 0)
    return;
  i = first;
  while (i < first + n)
    {
      double x = span_x (inst[i].time_ns, vb, scale);
      guint64 next = vb + (guint64) ceil ((floor (x) + 2) * ns_per_px);
      guint lo = i + 1, hi = first + n;

      cairo_move_to (cr, x - 3.5, 0);
      cairo_line_to (cr, x + 3.5, 0);
      cairo_line_to (cr, x, 5);
      cairo_close_path (cr);
      /* The next mark at least two pixels on */
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;
          if (inst[mid].time_ns >= next)
            hi = mid;
          else
            lo = mid + 1;
        }
      i = lo;
    }
  if (dark)
    cairo_set_source_rgba (cr, 0.95, 0.95, 0.95, 0.9);
  else
    cairo_set_source_rgba (cr, 0.15, 0.15, 0.18, 0.9);
  cairo_fill (cr);
}

static GskRenderNode *
render_lane (WeftTimelineView *self,
             Row              *row,
             guint64           vb,
             guint64           ve,
             int               tw,
             gboolean          dark)
{
  GskRenderNode *node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (0, 0, tw, row->height));
  cairo_t *cr = gsk_cairo_node_get_draw_context (node);
  guint n_depths = weft_lane_get_n_depths (row->lane);
  WeftSpan open[WEFT_LANE_MAX_DEPTH + 1];
  guint n_open;

  for (guint d = 0; d < n_depths; d++)
    draw_lane_row (self, row->lane, d, LANE_PAD + d * ROW_HEIGHT + (d > 0 ? 1 : 0),
                   ROW_HEIGHT - (d > 0 ? 1 : 0), vb, ve, tw);

  /* Open spans (live): drawn up to the lane's last time */
  n_open = weft_lane_get_open_spans (row->lane, open, G_N_ELEMENTS (open));
  for (guint k = 0; k < n_open; k++)
    {
      double scale = tw / (double) (ve - vb);
      double x0 = span_x (open[k].start_ns, vb, scale);
      double x1 = span_x (open[k].end_ns, vb, scale);
      double y = LANE_PAD + open[k].depth * ROW_HEIGHT + (open[k].depth > 0 ? 1 : 0);

      if (x1 < 0 || x0 > tw)
        continue;
      x0 = MAX (x0, -2);
      x1 = MAX (MIN (x1, tw + 2.0), x0 + 1);
      batch_rect (self, open[k].state, 0, x0, x1, y, ROW_HEIGHT - (open[k].depth > 0 ? 1 : 0));
    }

  fill_batches (self, cr, dark);
  draw_labels (self, cr, dark);
  draw_instants (self, cr, row->lane, vb, ve, tw, dark);
  cairo_destroy (cr);
  return node;
}

/* ---- drawing: counters --------------------------------------------------- */

static const WeftCounterPoint *
row_points (WeftTimelineView *self,
            Row              *row,
            guint            *n)
{
  if (row->object == PARALLELISM_OBJECT)
    return weft_trace_model_get_parallelism (self->model, n);
  return weft_trace_model_get_counter (self->model, row->object, n);
}

static GskRenderNode *
render_counter (WeftTimelineView *self,
                Row              *row,
                guint64           vb,
                guint64           ve,
                int               tw,
                gboolean          dark)
{
  GskRenderNode *node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (0, 0, tw, row->height));
  cairo_t *cr = gsk_cairo_node_get_draw_context (node);
  guint n = 0;
  const WeftCounterPoint *pts = row_points (self, row, &n);
  double scale = tw / (double) (ve - vb);
  double ns_per_px = (ve - vb) / (double) tw;
  g_autoptr(GArray) steps = g_array_new (FALSE, FALSE, sizeof (double) * 2);
  gint64 vmax = 1, v;
  guint i;
  double density;
  double base = row->height - 3, top = 6;
  GdkRGBA c;

  if (pts == NULL || n == 0)
    goto out;

  /* (x, value) steps, at most a few per pixel column */
  v = weft_counter_points_value_at (pts, n, vb);
  {
    double st[2] = { 0, (double) v };
    g_array_append_val (steps, st);
  }
  vmax = MAX (vmax, v);
  i = weft_counter_points_lower_bound (pts, n, vb);
  density = (weft_counter_points_lower_bound (pts, n, ve) - i) / (double) (ve - vb);
  while (i < n && pts[i].time_ns < ve)
    {
      double x = span_x (pts[i].time_ns, vb, scale);
      /* (rounding may put the boundary on the point itself: keep it after) */
      guint64 col_end = MAX (vb + (guint64) ceil ((floor (x) + 1) * ns_per_px), pts[i].time_ns + 1);
      guint j = i, walked = 0;
      gint64 cmax = pts[i].value;

      while (j < n && pts[j].time_ns < col_end && walked < MERGE_WALK)
        {
          cmax = MAX (cmax, pts[j].value);
          j++;
          walked++;
        }
      if (j < n && pts[j].time_ns < col_end)
        {
          /* Dense: gallop from where the density in view predicts */
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
          j = lo + weft_counter_points_lower_bound (pts + lo, hi - lo, col_end);
        }
      self->spans_visited += walked;
      {
        /* The column shows its peak, then the value it ends with */
        double st[2] = { x, (double) cmax };
        double st2[2] = { x + 1, (double) pts[j - 1].value };

        g_array_append_val (steps, st);
        if (j - i > 1)
          g_array_append_val (steps, st2);
        vmax = MAX (vmax, cmax);
      }
      i = j;
    }

  row->c_max = vmax;
  if (row->object == PARALLELISM_OBJECT)
    weft_state_style_get_color (WEFT_STATE_RUNNING, dark, &c);
  else
    weft_state_style_get_color (WEFT_STATE_QUEUE_GET, dark, &c);

  cairo_move_to (cr, 0, base);
  for (guint k = 0; k < steps->len; k++)
    {
      const double *st = &g_array_index (steps, double, 2 * k);
      double y = base - (base - top) * st[1] / vmax;
      double xn = k + 1 < steps->len ? g_array_index (steps, double, 2 * (k + 1)) : tw;

      cairo_line_to (cr, MAX (st[0], 0), y);
      cairo_line_to (cr, MIN (xn, tw), y);
    }
  cairo_line_to (cr, tw, base);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, c.red, c.green, c.blue, 0.45);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, c.red, c.green, c.blue, 1);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

out:
  cairo_destroy (cr);
  return node;
}

/* ---- drawing: the frame -------------------------------------------------- */

static void
get_fg (WeftTimelineView *self,
        GdkRGBA          *fg)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), fg);
}

static GskRenderNode *
row_node (WeftTimelineView *self,
          Row              *row,
          guint64           vb,
          guint64           ve,
          int               tw,
          gboolean          dark)
{
  if (row->node != NULL && row->c_begin == vb && row->c_end == ve && row->c_width == tw &&
      row->c_height == row->height && row->c_gen == self->gen && row->c_dark == dark)
    return row->node;

  g_clear_pointer (&row->node, gsk_render_node_unref);
  if (row->kind == ROW_LANE)
    row->node = render_lane (self, row, vb, ve, tw, dark);
  else
    row->node = render_counter (self, row, vb, ve, tw, dark);
  row->c_begin = vb;
  row->c_end = ve;
  row->c_width = tw;
  row->c_height = row->height;
  row->c_gen = self->gen;
  row->c_dark = dark;
  return row->node;
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

/* A span by its session address. An open span at @depth is addressed by the
 * index one past the row's closed spans. */
static gboolean
lane_get_span_any (WeftLane *lane,
                   guint     depth,
                   guint     index,
                   WeftSpan *out)
{
  if (weft_lane_get_span (lane, depth, index, out))
    return TRUE;
  if (index == weft_lane_get_n_spans (lane, depth))
    {
      WeftSpan open[WEFT_LANE_MAX_DEPTH + 1];
      guint n = weft_lane_get_open_spans (lane, open, G_N_ELEMENTS (open));

      for (guint k = 0; k < n; k++)
        if (open[k].depth == depth)
          {
            *out = open[k];
            return TRUE;
          }
    }
  return FALSE;
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
  Row *row = find_lane_row (self, worker);
  WeftSpan s;
  double x0, x1, y, w = gtk_widget_get_width (GTK_WIDGET (self));

  if (row == NULL || !lane_get_span_any (row->lane, depth, index, &s))
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
  y = row->y + LANE_PAD + depth * ROW_HEIGHT;
  append_outline (snapshot, x0 - width / 2, y - width / 2, x1 + width / 2,
                  y + ROW_HEIGHT + width / 2, width, color);
}

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
  guint first, n, n_all;
  const WeftFlow *flows = weft_trace_model_get_flows (self->model, &n_all);
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
  for (guint k = first; k < first + n; k++)
    {
      const WeftFlow *f = &flows[k];
      Row *from = find_lane_row (self, f->from_worker);
      Row *to = find_lane_row (self, f->to_worker);
      double x0, x1, y0, y1, dir;
      const GdkRGBA *c = f->kind == WEFT_FLOW_LOCK ? &lock_c : &queue_c;

      if (f->from_ns >= ve || from == NULL || to == NULL || from == to)
        continue;
      x0 = LABEL_WIDTH + span_x (f->from_ns, vb, scale);
      x1 = LABEL_WIDTH + span_x (f->to_ns, vb, scale);
      y0 = from->y - scroll + LANE_PAD + ROW_HEIGHT / 2.0;
      y1 = to->y - scroll + LANE_PAD + ROW_HEIGHT / 2.0;
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

static void
weft_timeline_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int tw = time_width (self);
  gboolean dark = weft_state_style_widget_is_dark (widget);
  double scroll = vscroll (self);
  GdkRGBA bg, fg, sidebar, line, header_bg, dim;
  guint64 vb, ve;
  PangoLayout *layout;
  PangoFontDescription *bold;

  weft_state_style_get_background (dark, &bg);
  get_fg (self, &fg);
  sidebar = dark ? (GdkRGBA) { 0.16, 0.16, 0.18, 1 } : (GdkRGBA) { 0.965, 0.96, 0.955, 1 };
  header_bg = dark ? (GdkRGBA) { 0.2, 0.2, 0.22, 1 } : (GdkRGBA) { 0.925, 0.92, 0.915, 1 };
  line = fg;
  line.alpha = 0.12;
  dim = fg;
  dim.alpha = 0.6;

  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->model == NULL || self->session == NULL || width <= LABEL_WIDTH)
    return;

  visible_range (self, &vb, &ve);
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Time areas */
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      double y = row->y - scroll;

      if (y + row->height < 0 || y > height)
        continue;
      if (row->kind == ROW_HEADER)
        {
          gtk_snapshot_append_color (snapshot, &header_bg,
                                     &GRAPHENE_RECT_INIT (0, y, width, row->height));
          continue;
        }
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (LABEL_WIDTH, y));
      gtk_snapshot_append_node (snapshot, row_node (self, row, vb, ve, tw, dark));
      gtk_snapshot_restore (snapshot);
      gtk_snapshot_append_color (snapshot, &line,
                                 &GRAPHENE_RECT_INIT (0, y + row->height - 1, width, 1));
    }

  /* The selected time range */
  {
    guint64 sb, se;

    if (weft_session_get_selection (self->session, &sb, &se))
      {
        double x0 = MAX (weft_timeline_view_time_to_x (self, sb), LABEL_WIDTH);
        double x1 = MIN (weft_timeline_view_time_to_x (self, se), width);
        GdkRGBA shade = { 0.21, 0.52, 0.89, 0.16 };
        GdkRGBA edge = { 0.21, 0.52, 0.89, 0.9 };

        if (x1 > x0)
          {
            gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (x0, 0, x1 - x0, height));
            gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (x0, 0, 1, height));
            gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (x1 - 1, 0, 1, height));
          }
      }
  }

  draw_flows (self, snapshot, vb, ve, tw, scroll, height, dark);

  /* Hover and selection outlines, in content coordinates */
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, -scroll));
  if (self->has_hover_span)
    {
      GdkRGBA hc = fg;
      hc.alpha = 0.55;
      outline_span (self, snapshot, self->hover_worker, self->hover_depth, self->hover_index, 1, &hc);
    }
  {
    guint w, d, idx;

    if (weft_session_get_selected_span (self->session, &w, &d, &idx))
      {
        GdkRGBA sc = dark ? (GdkRGBA) { 1, 1, 1, 1 } : (GdkRGBA) { 0, 0, 0, 1 };
        outline_span (self, snapshot, w, d, idx, 2, &sc);
      }
  }
  gtk_snapshot_restore (snapshot);

  /* The cursor line */
  {
    guint64 t;

    if (weft_session_get_hover (self->session, &t))
      {
        double x = weft_timeline_view_time_to_x (self, t);
        GdkRGBA cc = fg;

        cc.alpha = 0.5;
        if (x >= LABEL_WIDTH && x <= width)
          gtk_snapshot_append_color (snapshot, &cc, &GRAPHENE_RECT_INIT (floor (x), 0, 1, height));
      }
  }

  /* The pinned label column */
  gtk_snapshot_append_color (snapshot, &sidebar, &GRAPHENE_RECT_INIT (0, 0, LABEL_WIDTH, height));
  layout = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  bold = pango_font_description_copy (pango_context_get_font_description (pango_layout_get_context (layout)));
  pango_font_description_set_weight (bold, PANGO_WEIGHT_BOLD);
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      double y = row->y - scroll;
      double x = 8 + row->indent * 12;
      int lw, lh;

      if (y + row->height < 0 || y > height)
        continue;

      if (row->kind == ROW_HEADER)
        {
          double cy = y + row->height / 2.0;
          gboolean collapsed = is_collapsed (self, row->group_key);

          gtk_snapshot_append_color (snapshot, &header_bg,
                                     &GRAPHENE_RECT_INIT (0, y, LABEL_WIDTH, row->height));
          /* Disclosure triangle */
          {
            cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - 2, cy - 6, 12, 12));

            gdk_cairo_set_source_rgba (cr, &dim);
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
          x += 14;
          pango_layout_set_font_description (layout, bold);
        }
      else
        pango_layout_set_font_description (layout, NULL);

      pango_layout_set_width (layout, (int) ((LABEL_WIDTH - x - 6) * PANGO_SCALE));
      pango_layout_set_text (layout, row->label, -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      if (row->kind == ROW_HEADER)
        {
          /* Group detail after the name, in the time area (it may be long) */
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y + (row->height - lh) / 2.0));
          gtk_snapshot_append_layout (snapshot, layout, &fg);
          gtk_snapshot_restore (snapshot);
          if (row->sublabel != NULL)
            {
              pango_layout_set_font_description (layout, NULL);
              pango_layout_set_width (layout, -1);
              pango_layout_set_text (layout, row->sublabel, -1);
              gtk_snapshot_save (snapshot);
              gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (LABEL_WIDTH + 8, y + (row->height - lh) / 2.0));
              gtk_snapshot_append_layout (snapshot, layout, &dim);
              gtk_snapshot_restore (snapshot);
            }
        }
      else
        {
          double ty = row->kind == ROW_COUNTER ? y + 4 : y + LANE_PAD + (ROW_HEIGHT - lh) / 2.0;

          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, ty));
          gtk_snapshot_append_layout (snapshot, layout, &fg);
          gtk_snapshot_restore (snapshot);

          if (row->kind == ROW_COUNTER && row->node != NULL)
            {
              char num[32], buf[64];

              g_snprintf (num, sizeof num, "%" G_GINT64_FORMAT, row->c_max);
              /* Translators: the peak of a counter track in view, %s is a number */
              g_snprintf (buf, sizeof buf, _("max %s"), num);
              pango_layout_set_text (layout, buf, -1);
              gtk_snapshot_save (snapshot);
              gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, ty + lh));
              gtk_snapshot_append_layout (snapshot, layout, &dim);
              gtk_snapshot_restore (snapshot);
            }
          else if (row->sublabel != NULL && row->height >= lh * 2 + LANE_PAD)
            {
              pango_layout_set_text (layout, row->sublabel, -1);
              gtk_snapshot_save (snapshot);
              gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, ty + lh));
              gtk_snapshot_append_layout (snapshot, layout, &dim);
              gtk_snapshot_restore (snapshot);
            }
        }
      gtk_snapshot_append_color (snapshot, &line,
                                 &GRAPHENE_RECT_INIT (0, y + row->height - 1, LABEL_WIDTH, 1));
    }
  gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (LABEL_WIDTH - 1, 0, 1, height));
  pango_font_description_free (bold);
  g_object_unref (layout);

  gtk_snapshot_pop (snapshot);
}

/* ---- picking ------------------------------------------------------------- */

static gboolean
pick_span (WeftTimelineView *self,
           double            x,
           double            y,
           guint            *out_worker,
           guint            *out_depth,
           guint            *out_index,
           WeftSpan         *out_span)
{
  Row *row;
  double ly;
  guint depth, first, n, best = G_MAXUINT;
  guint64 t, slop, best_dist = G_MAXUINT64;
  WeftSpan s, best_span = { 0 };
  guint64 vb, ve;

  if (self->model == NULL || x < LABEL_WIDTH)
    return FALSE;
  row = row_at_y (self, y);
  if (row == NULL || row->kind != ROW_LANE)
    return FALSE;
  ly = y + vscroll (self) - row->y - LANE_PAD;
  if (ly < 0)
    return FALSE;
  depth = (guint) (ly / ROW_HEIGHT);

  visible_range (self, &vb, &ve);
  t = weft_timeline_view_x_to_time (self, x);
  slop = (guint64) ceil (3.0 * (ve - vb) / time_width (self));

  /* Closed spans within a few pixels; the one containing t wins */
  weft_lane_lookup_range (row->lane, depth, t > slop ? t - slop : 0, t + slop + 1, &first, &n);
  for (guint k = first; k < first + MIN (n, 64u); k++)
    {
      guint64 dist;

      weft_lane_get_span (row->lane, depth, k, &s);
      dist = t < s.start_ns ? s.start_ns - t : t > s.end_ns ? t - s.end_ns : 0;
      if (dist < best_dist)
        {
          best_dist = dist;
          best = k;
          best_span = s;
        }
    }
  if (best_dist > 0 && lane_get_span_any (row->lane, depth, weft_lane_get_n_spans (row->lane, depth), &s) &&
      t + slop >= s.start_ns && t <= s.end_ns + slop)
    {
      best = weft_lane_get_n_spans (row->lane, depth);
      best_span = s;
      best_dist = 0;
    }
  if (best == G_MAXUINT)
    return FALSE;

  if (out_worker != NULL)
    *out_worker = row->worker;
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

  return pick_span (self, x, y, out_worker, out_depth, out_index, NULL);
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
  Row *row;
  guint w, d, i;

  g_return_if_fail (WEFT_IS_TIMELINE_VIEW (self));

  if (self->session == NULL)
    return;
  row = row_at_y (self, y);
  if (row != NULL && row->kind == ROW_HEADER)
    {
      toggle_collapsed (self, row->group_key);
      rebuild_rows (self);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      return;
    }
  if (pick_span (self, x, y, &w, &d, &i, NULL))
    weft_session_select_span (self->session, w, d, i);
  else
    {
      weft_session_unselect_span (self->session);
      weft_session_clear_selection (self->session);
    }
}

/**
 * weft_timeline_view_zoom_at:
 * @factor: > 1 zooms in
 * @x: the widget x whose time stays in place
 */
void
weft_timeline_view_zoom_at (WeftTimelineView *self,
                            double            factor,
                            double            x)
{
  g_return_if_fail (WEFT_IS_TIMELINE_VIEW (self));

  if (self->session == NULL)
    return;
  x = CLAMP (x, LABEL_WIDTH, gtk_widget_get_width (GTK_WIDGET (self)));
  weft_session_set_follow (self->session, FALSE);
  weft_session_zoom (self->session, factor, weft_timeline_view_x_to_time (self, x));
}

static void
pan_px (WeftTimelineView *self,
        double            dx)
{
  guint64 vb, ve;

  if (self->session == NULL)
    return;
  visible_range (self, &vb, &ve);
  weft_session_pan (self->session, (gint64) llround (dx * (double) (ve - vb) / time_width (self)));
}

static double
anchor_x (WeftTimelineView *self)
{
  if (self->pointer_inside && self->pointer_x >= LABEL_WIDTH)
    return self->pointer_x;
  return LABEL_WIDTH + time_width (self) / 2.0;
}

/* ---- tooltip ------------------------------------------------------------- */

static char *
format_duration (guint64 ns)
{
  if (ns >= 1000000000)
    return g_strdup_printf ("%.3f s", ns / 1e9);
  if (ns >= 1000000)
    return g_strdup_printf ("%.3f ms", ns / 1e6);
  if (ns >= 1000)
    return g_strdup_printf ("%.3f µs", ns / 1e3);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " ns", ns);
}

/**
 * weft_timeline_view_describe_span:
 * @span: a span of the lane of @worker, as the model gives it
 *
 * Returns: (transfer full): Pango markup of the span's details, one per
 *   line: its state, its task, lock or queue, start and duration, outcome.
 *   The tooltip and the window's details line show the same.
 */
char *
weft_timeline_view_describe_span (WeftTimelineView *self,
                                  const WeftSpan   *span)
{
  char buf[32];
  const char *name;
  g_autofree char *start = NULL;
  g_autofree char *dur = NULL;
  g_autofree char *name_escaped = NULL;
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (WEFT_IS_TIMELINE_VIEW (self), NULL);
  g_return_val_if_fail (span != NULL, NULL);

  name = span_text (self, span->state, span->object, buf, sizeof buf);
  start = format_duration (span->start_ns - weft_session_get_begin (self->session));
  dur = format_duration (span->end_ns - span->start_ns);
  g_string_append_printf (text, "<b>%s</b>", weft_state_style_get_label (span->state));
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
  if (span->flags & WEFT_SPAN_TASK_FAILED)
    g_string_append_printf (text, "\n%s", _("The task failed"));
  if (span->flags & WEFT_SPAN_TASK_CANCELLED)
    g_string_append_printf (text, "\n%s", _("The task was cancelled"));
  return g_string_free (text, FALSE);
}

static gboolean
weft_timeline_view_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard,
                                  GtkTooltip *tooltip)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);
  g_autofree char *markup = NULL;
  WeftSpan s;
  guint w;

  if (!pick_span (self, x, y, &w, NULL, NULL, &s))
    return FALSE;

  markup = weft_timeline_view_describe_span (self, &s);
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

/* ---- input --------------------------------------------------------------- */

static void
update_hover (WeftTimelineView *self)
{
  guint w = 0, d = 0, i = 0;
  gboolean has = self->pointer_inside && pick_span (self, self->pointer_x, self->pointer_y, &w, &d, &i, NULL);

  if (has != self->has_hover_span ||
      (has && (w != self->hover_worker || d != self->hover_depth || i != self->hover_index)))
    {
      self->has_hover_span = has;
      self->hover_worker = w;
      self->hover_depth = d;
      self->hover_index = i;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  if (self->session != NULL)
    {
      if (self->pointer_inside && self->pointer_x >= LABEL_WIDTH)
        weft_session_set_hover (self->session, weft_timeline_view_x_to_time (self, self->pointer_x));
      else
        weft_session_clear_hover (self->session);
    }
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           WeftTimelineView         *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  update_hover (self);
}

static void
on_leave (GtkEventControllerMotion *motion,
          WeftTimelineView         *self)
{
  self->pointer_inside = FALSE;
  update_hover (self);
}

static void
stop_kinetic (WeftTimelineView *self)
{
  if (self->kinetic_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->kinetic_id);
      self->kinetic_id = 0;
    }
}

static gboolean
on_scroll (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           WeftTimelineView         *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  double unit = gtk_event_controller_scroll_get_unit (scroll) == GDK_SCROLL_UNIT_WHEEL ? 48 : 1;

  stop_kinetic (self);
  if (state & GDK_CONTROL_MASK)
    {
      weft_timeline_view_zoom_at (self, pow (1.25, -dy * (unit > 1 ? 1 : 0.05)), anchor_x (self));
      return TRUE;
    }
  if (state & GDK_SHIFT_MASK)
    {
      dx = dx != 0 ? dx : dy;
      dy = 0;
    }
  if (dx != 0)
    {
      if (self->session != NULL)
        weft_session_set_follow (self->session, FALSE);
      pan_px (self, dx * unit);
      return TRUE;
    }
  /* Plain vertical scrolling moves the lanes: leave it to the scrolled window */
  return FALSE;
}

static gboolean
kinetic_tick (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       data)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double dt = (now - self->kinetic_last) / 1e6;

  self->kinetic_last = now;
  pan_px (self, self->kinetic_velocity * dt);
  self->kinetic_velocity *= exp (-dt / KINETIC_DECAY);
  if (fabs (self->kinetic_velocity) < 20)
    {
      self->kinetic_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_decelerate (GtkEventControllerScroll *scroll,
               double                    vel_x,
               double                    vel_y,
               WeftTimelineView         *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));

  if (state & GDK_SHIFT_MASK)
    vel_x = vel_x != 0 ? vel_x : vel_y;
  stop_kinetic (self);
  if (fabs (vel_x) < 50)
    return;
  self->kinetic_velocity = vel_x;
  self->kinetic_last = g_get_monotonic_time ();
  self->kinetic_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), kinetic_tick, NULL, NULL);
}

static void
on_drag_begin (GtkGestureDrag   *drag,
               double            x,
               double            y,
               WeftTimelineView *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (drag));

  stop_kinetic (self);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_x = x;
  self->drag_y = y;
  self->dragging = FALSE;
  self->drag_select = (state & GDK_SHIFT_MASK) != 0;
  self->drag_vvalue = vscroll (self);
  visible_range (self, &self->drag_begin_ns, &self->drag_end_ns);
}

static void
on_drag_update (GtkGestureDrag   *drag,
                double            ox,
                double            oy,
                WeftTimelineView *self)
{
  if (self->session == NULL)
    return;
  if (!self->dragging && fabs (ox) < 3 && fabs (oy) < 3)
    return;
  self->dragging = TRUE;
  if (self->drag_select)
    {
      guint64 t0 = weft_timeline_view_x_to_time (self, MAX (self->drag_x, LABEL_WIDTH));
      guint64 t1 = weft_timeline_view_x_to_time (self, MAX (self->drag_x + ox, LABEL_WIDTH));

      weft_session_set_selection (self->session, t0, t1);
    }
  else
    {
      double ns_per_px = (double) (self->drag_end_ns - self->drag_begin_ns) / time_width (self);
      gint64 delta = (gint64) llround (-ox * ns_per_px);
      guint64 b = delta < 0 && (guint64) -delta > self->drag_begin_ns ? 0 : self->drag_begin_ns + delta;

      weft_session_set_follow (self->session, FALSE);
      weft_session_set_visible (self->session, b, b + (self->drag_end_ns - self->drag_begin_ns));
      if (self->vadjustment != NULL)
        gtk_adjustment_set_value (self->vadjustment, self->drag_vvalue - oy);
    }
}

static void
on_drag_end (GtkGestureDrag   *drag,
             double            ox,
             double            oy,
             WeftTimelineView *self)
{
  if (!self->dragging)
    weft_timeline_view_click (self, self->drag_x, self->drag_y);
  self->dragging = FALSE;
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               WeftTimelineView *self)
{
  visible_range (self, &self->zoom_begin_ns, &self->zoom_end_ns);
}

static void
on_zoom_scale_changed (GtkGestureZoom   *gesture,
                       double            scale,
                       WeftTimelineView *self)
{
  double cx, cy;
  guint64 anchor;
  double frac, dur;

  if (self->session == NULL || scale <= 0 ||
      !gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    return;
  frac = CLAMP ((cx - LABEL_WIDTH) / time_width (self), 0, 1);
  anchor = self->zoom_begin_ns + (guint64) (frac * (self->zoom_end_ns - self->zoom_begin_ns));
  dur = (self->zoom_end_ns - self->zoom_begin_ns) / scale;
  weft_session_set_follow (self->session, FALSE);
  weft_session_set_visible (self->session,
                            (double) anchor > frac * dur ? (guint64) (anchor - frac * dur) : 0,
                            (guint64) (anchor + (1 - frac) * dur));
}

/* ---- actions ------------------------------------------------------------- */

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);

  if (self->session == NULL)
    return;
  if (g_str_equal (action_name, "timeline.zoom-in"))
    weft_timeline_view_zoom_at (self, 1.5, anchor_x (self));
  else if (g_str_equal (action_name, "timeline.zoom-out"))
    weft_timeline_view_zoom_at (self, 1 / 1.5, anchor_x (self));
  else if (g_str_equal (action_name, "timeline.zoom-fit"))
    weft_session_zoom_to_fit (self->session);
  else if (g_str_equal (action_name, "timeline.zoom-selection"))
    weft_session_zoom_to_selection (self->session);
  else if (g_str_equal (action_name, "timeline.pan-left"))
    pan_px (self, -time_width (self) / 8.0);
  else if (g_str_equal (action_name, "timeline.pan-right"))
    pan_px (self, time_width (self) / 8.0);
}

static void
follow_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);

  if (self->session != NULL)
    weft_session_set_follow (self->session, !weft_session_get_follow (self->session));
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
  visible_range (self, &vb, &ve);
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
  value = CLAMP (gtk_adjustment_get_value (self->vadjustment), 0, MAX (0, self->content_height - h));
  gtk_adjustment_configure (self->vadjustment, value, 0, MAX (self->content_height, h),
                            ROW_HEIGHT * 2, h * 0.9, h);
}

static void
on_hadj_value_changed (GtkAdjustment    *adj,
                       WeftTimelineView *self)
{
  guint64 vb, ve, b;

  if (self->updating_hadj || self->session == NULL)
    return;
  visible_range (self, &vb, &ve);
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
on_model_changed (WeftTraceModel   *model,
                  WeftTimelineView *self)
{
  if (weft_trace_model_get_n_lanes (model) != self->n_lanes_seen ||
      count_tracks (model) != self->n_tracks_seen)
    rebuild_rows (self);
  else
    {
      int old = self->content_height;

      self->gen++;
      relayout_rows (self);
      if (old != self->content_height)
        gtk_widget_queue_resize (GTK_WIDGET (self));
    }
  update_vadjustment (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_model (WeftTimelineView *self,
           WeftTraceModel   *model)
{
  if (self->model == model)
    return;
  if (self->model != NULL)
    {
      g_clear_signal_handler (&self->model_changed_id, self->model);
      g_clear_signal_handler (&self->lane_added_id, self->model);
    }
  g_set_object (&self->model, model);
  if (model != NULL)
    self->model_changed_id = g_signal_connect (model, "changed", G_CALLBACK (on_model_changed), self);
  self->has_hover_span = FALSE;
  rebuild_rows (self);
  update_vadjustment (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
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
    update_hover (self);
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
  if (self->session != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (self->session_ids); i++)
        g_clear_signal_handler (&self->session_ids[i], self->session);
    }
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      self->session_ids[0] = g_signal_connect (session, "notify::model", G_CALLBACK (on_session_model), self);
      self->session_ids[1] = g_signal_connect (session, "visible-changed", G_CALLBACK (on_session_visible), self);
      self->session_ids[2] = g_signal_connect (session, "selection-changed", G_CALLBACK (on_session_selection), self);
      self->session_ids[3] = g_signal_connect (session, "span-selected", G_CALLBACK (on_session_redraw), self);
      self->session_ids[4] = g_signal_connect (session, "hover-changed", G_CALLBACK (on_session_redraw), self);
      on_session_selection (session, self);
    }
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
  return self->spans_visited;
}

void
_weft_timeline_view_reset_spans_visited (WeftTimelineView *self)
{
  self->spans_visited = 0;
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
      *natural = MAX (self->content_height, HEADER_HEIGHT * 2);
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
}

static void
weft_timeline_view_css_changed (GtkWidget         *widget,
                                GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (weft_timeline_view_parent_class)->css_changed (widget, change);
  /* The style (light or dark) is part of every cache key; fonts may have changed too */
  WEFT_TIMELINE_VIEW (widget)->gen++;
  gtk_widget_queue_draw (widget);
}

static void
weft_timeline_view_dispose (GObject *object)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (object);

  stop_kinetic (self);
  weft_timeline_view_set_session (self, NULL);
  set_model (self, NULL);
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

  g_array_unref (self->rows);
  g_array_unref (self->collapsed);
  g_array_unref (self->labels);
  g_clear_pointer (&self->columns, g_free);
  g_clear_pointer (&self->wide, g_array_unref);
  for (guint s = 0; s < WEFT_N_STATES; s++)
    for (guint l = 0; l < N_LEVELS; l++)
      g_array_unref (self->batch[s][l]);

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
  static const char * const zoom_actions[] = {
    "timeline.zoom-in", "timeline.zoom-out", "timeline.zoom-fit",
    "timeline.zoom-selection", "timeline.pan-left", "timeline.pan-right",
  };

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

  for (guint i = 0; i < G_N_ELEMENTS (zoom_actions); i++)
    gtk_widget_class_install_action (widget_class, zoom_actions[i], NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "timeline.toggle-follow", NULL, follow_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "timeline.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "timeline.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "timeline.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "timeline.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, 0, "timeline.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "timeline.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, 0, "timeline.zoom-selection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "timeline.pan-left", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "timeline.pan-right", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, 0, "timeline.toggle-follow", NULL);

  gtk_widget_class_set_css_name (widget_class, "weft-timeline");
}

static void
weft_timeline_view_init (WeftTimelineView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (self->rows, row_clear);
  self->collapsed = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->labels = g_array_new (FALSE, FALSE, sizeof (LabelItem));
  self->wide = g_array_new (FALSE, FALSE, sizeof (WeftSpan));
  for (guint s = 0; s < WEFT_N_STATES; s++)
    for (guint l = 0; l < N_LEVELS; l++)
      self->batch[s][l] = g_array_new (FALSE, FALSE, sizeof (Rect));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES |
                                                GTK_EVENT_CONTROLLER_SCROLL_KINETIC);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  g_signal_connect (controller, "decelerate", G_CALLBACK (on_decelerate), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.zoom-selection", FALSE);
}
