/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-timeline"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "weft-timeline-rows.h"
#include "weft-timeline-rows-private.h"

/**
 * WeftTimelineRows:
 *
 * The timeline's rows as a #GListModel of #WeftTimelineRow: counter tracks
 * (parallelism, queue depths, counters) first, then one lane per worker,
 * grouped executor → process under headers that collapse. It follows its
 * trace model: new lanes (::lane-added) or tracks rebuild the list (one
 * ::items-changed over all rows); lanes that grow deeper only move the rows
 * below them. ::layout-changed follows every change of the model or of the
 * collapse state, so that a view knows its drawing is stale. No GTK in
 * here: it is tested without a display.
 */
struct _WeftTimelineRows
{
  GObject         parent_instance;

  WeftTraceModel *model;
  GSignalGroup   *model_signals;
  gboolean        lanes_added;    /* since the last rebuild */
  guint           lane_info_seen; /* the model's lane info serial at the last rebuild */
  guint           n_tracks_seen;

  GPtrArray      *rows;           /* WeftTimelineRow */
  int             content_height;
  GArray         *collapsed;      /* guint64 group keys */
  GArray         *pinned;         /* guint workers, in the order pinned */
  GArray         *hidden;         /* guint workers */
};

/* Group keys of the two groups that are no executor */
#define PINNED_KEY G_MAXUINT64
#define HIDDEN_KEY (G_MAXUINT64 - 1)

static void weft_timeline_rows_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WeftTimelineRows, weft_timeline_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      weft_timeline_rows_list_model_init))

enum {
  PROP_0,
  PROP_MODEL,
  N_PROPS
};

enum {
  LAYOUT_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- grouping ------------------------------------------------------------ */

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

  if (weft_lane_get_n_open_spans (lane) > 0)
    {
      WeftSpan open[WEFT_LANE_MAX_DEPTH + 1];
      guint k = weft_lane_get_open_spans (lane, open, G_N_ELEMENTS (open));

      for (guint i = 0; i < k; i++)
        n = MAX (n, (guint) open[i].depth + 1);
    }
  return MAX (n, 1);
}

static int
row_height (WeftTimelineRow *row)
{
  switch (weft_timeline_row_get_kind (row))
    {
    case WEFT_TIMELINE_ROW_COUNTER:
      return WEFT_TIMELINE_COUNTER_HEIGHT;
    case WEFT_TIMELINE_ROW_HEADER:
      return WEFT_TIMELINE_HEADER_HEIGHT;
    case WEFT_TIMELINE_ROW_LANE:
    default:
      return 2 * WEFT_TIMELINE_LANE_PAD +
             lane_n_depths (weft_timeline_row_get_lane (row)) * WEFT_TIMELINE_ROW_HEIGHT;
    }
}

static gboolean
has_points (WeftTraceModel *model,
            guint32         object)
{
  return weft_counter_track_get_n_points (weft_trace_model_get_counter (model, object)) > 0;
}

/* Tracks with points: parallelism (a live run's first points may come
 * after its lanes, as with processes, which start up first), queues and
 * counters */
static guint
count_tracks (WeftTraceModel *model)
{
  static const WeftObjectKind kinds[] = { WEFT_OBJECT_QUEUE, WEFT_OBJECT_COUNTER };
  guint n = 0;

  n += weft_counter_track_get_n_points (weft_trace_model_get_parallelism (model)) > 0;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      guint n_objects = 0;
      g_autofree guint32 *objects = weft_trace_model_list_objects (model, kinds[k], &n_objects);

      for (guint i = 0; i < n_objects; i++)
        n += has_points (model, objects[i]);
    }
  return n;
}

/* A counter's label. A name ending in a time unit in brackets ("loop lag
 * (µs)") says its values are durations: the label drops the unit, and
 * @out_ns_per_unit says what one unit is, so that the peak is shown as a
 * time ("max 300.650 ms"). */
static char *
counter_label (const char *name,
               guint64    *out_ns_per_unit)
{
  static const struct { const char *suffix; guint64 ns; } units[] = {
    { " (ns)", 1 }, { " (µs)", 1000 }, { " (us)", 1000 }, { " (ms)", 1000000 }, { " (s)", 1000000000 },
  };

  *out_ns_per_unit = 0;
  if (name == NULL)
    return g_strdup (_("Counter"));
  for (guint u = 0; u < G_N_ELEMENTS (units); u++)
    if (g_str_has_suffix (name, units[u].suffix) && strlen (name) > strlen (units[u].suffix))
      {
        *out_ns_per_unit = units[u].ns;
        return g_strndup (name, strlen (name) - strlen (units[u].suffix));
      }
  return g_strdup (name);
}

static void
add_counter_rows (GPtrArray      *rows,
                  WeftTraceModel *model,
                  WeftObjectKind  kind)
{
  guint n = 0;
  g_autofree guint32 *objects = weft_trace_model_list_objects (model, kind, &n);

  for (guint i = 0; i < n; i++)
    {
      const char *name = weft_trace_model_get_object_name (model, objects[i]);
      g_autofree char *label = NULL;
      guint64 ns_per_unit = 0;
      WeftTimelineRow *row;

      if (!has_points (model, objects[i]))
        continue;
      if (kind == WEFT_OBJECT_QUEUE)
        {
          /* Translators: a counter track, %s is a queue's name */
          label = g_strdup_printf (_("Queue depth: %s"), name != NULL ? name : "?");
        }
      else
        label = counter_label (name, &ns_per_unit);
      row = _weft_timeline_row_new (WEFT_TIMELINE_ROW_COUNTER, 0, label, NULL);
      _weft_timeline_row_set_object (row, objects[i]);
      _weft_timeline_row_set_ns_per_unit (row, ns_per_unit);
      g_ptr_array_add (rows, row);
    }
}

static void
add_parallelism_row (GPtrArray      *rows,
                     WeftTraceModel *model)
{
  WeftTimelineRow *row;

  if (weft_counter_track_get_n_points (weft_trace_model_get_parallelism (model)) == 0)
    return;
  /* Translators: the track of a recorded program's threads that were not in
   * a recorded wait, whether they had a core or not */
  row = _weft_timeline_row_new (WEFT_TIMELINE_ROW_COUNTER, 0,
                                !weft_trace_model_is_recording (model) ? _("Parallelism") : _("Not waiting"),
                                NULL);
  _weft_timeline_row_set_object (row, WEFT_TIMELINE_ROW_PARALLELISM);
  g_ptr_array_add (rows, row);
}

/* Distinct values of @get over the lanes (of executor @ex, unless -1), in
 * order of first appearance */
static GArray *
list_lane_values (WeftTraceModel *model,
                  int             ex,
                  gint64        (*get) (WeftLane *lane))
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n_lanes = weft_trace_model_get_n_lanes (model);

  for (guint i = 0; i < n_lanes; i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      gint64 v = get (lane);
      gboolean seen = FALSE;

      if (ex >= 0 && (int) weft_lane_get_executor (lane) != ex)
        continue;
      for (guint k = 0; k < values->len && !seen; k++)
        seen = g_array_index (values, gint64, k) == v;
      if (!seen)
        g_array_append_val (values, v);
    }
  return values;
}

static gint64
lane_executor (WeftLane *lane)
{
  return weft_lane_get_executor (lane);
}

static guint
count_lanes (WeftTraceModel *model,
             int             ex,
             gboolean        any_pid,
             gint64          pid)
{
  guint n_lanes = weft_trace_model_get_n_lanes (model), n = 0;

  for (guint i = 0; i < n_lanes; i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);

      n += (int) weft_lane_get_executor (lane) == ex && (any_pid || weft_lane_get_pid (lane) == pid);
    }
  return n;
}

static int
worker_index (GArray *workers,
              guint   worker)
{
  for (guint i = 0; i < workers->len; i++)
    if (g_array_index (workers, guint, i) == worker)
      return (int) i;
  return -1;
}

static WeftTimelineRow *
new_lane_row (WeftLane   *lane,
              int         indent,
              const char *sublabel)
{
  WeftTimelineRow *row = _weft_timeline_row_new (WEFT_TIMELINE_ROW_LANE, indent, weft_lane_get_name (lane), sublabel);

  _weft_timeline_row_set_lane (row, lane);
  return row;
}

static void
add_lane_rows (WeftTimelineRows *self,
               GPtrArray        *rows,
               int               ex,
               gint64            pid,
               int               indent)
{
  WeftTraceModel *model = self->model;
  guint n_lanes = weft_trace_model_get_n_lanes (model);

  for (guint i = 0; i < n_lanes; i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      g_autofree char *sublabel = NULL;

      if ((int) weft_lane_get_executor (lane) != ex || weft_lane_get_pid (lane) != pid)
        continue;
      if (worker_index (self->pinned, weft_lane_get_worker (lane)) >= 0 ||
          worker_index (self->hidden, weft_lane_get_worker (lane)) >= 0)
        continue;   /* in the pinned group, or hidden */
      if (ex == WEFT_EXECUTOR_PROCESSES && indent == 1 && pid > 0)
        sublabel = g_strdup_printf ("pid %" G_GINT64_FORMAT, pid);
      g_ptr_array_add (rows, new_lane_row (lane, indent, sublabel));
    }
}

static WeftTimelineRow *
new_header (int         indent,
            guint64     key,
            const char *label,
            const char *sublabel)
{
  WeftTimelineRow *row = _weft_timeline_row_new (WEFT_TIMELINE_ROW_HEADER, indent, label, sublabel);

  _weft_timeline_row_set_group (row, key);
  return row;
}

/* "xz, process 12" when one of the process's lanes is its main thread's, as
 * a recorded program names it ("xz (pid 12)"); else "process 12" */
static char *
process_text (WeftTraceModel *model,
              int             ex,
              gint64          pid,
              gboolean        capital)
{
  g_autofree char *suffix = g_strdup_printf (" (pid %" G_GINT64_FORMAT ")", pid);
  g_autofree char *pid_text = g_strdup_printf ("%" G_GINT64_FORMAT, pid);
  guint n_lanes = weft_trace_model_get_n_lanes (model);

  for (guint i = 0; i < n_lanes; i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      const char *name = weft_lane_get_name (lane);

      if ((int) weft_lane_get_executor (lane) == ex && weft_lane_get_pid (lane) == pid &&
          name != NULL && g_str_has_suffix (name, suffix) && strlen (name) > strlen (suffix))
        {
          g_autofree char *program = g_strndup (name, strlen (name) - strlen (suffix));

          /* Translators: a group of lanes: the program's name, its process id */
          return g_strdup_printf (_("%s, process %s"), program, pid_text);
        }
    }
  /* Translators: group header (detail), %s is a process id */
  return g_strdup_printf (capital ? _("Process %s") : _("process %s"), pid_text);
}

/* A process header only where it groups something */
static void
add_process_group (WeftTimelineRows *self,
                   GPtrArray        *rows,
                   int               ex,
                   gint64            pid,
                   gboolean          several_pids)
{
  guint64 key = ((guint64) ex << 56) | (1ull << 55) | ((guint64) pid & ((1ull << 48) - 1));
  guint n_in_pid = count_lanes (self->model, ex, FALSE, pid);
  g_autofree char *label = NULL;
  g_autofree char *sublabel = NULL;

  if (!several_pids || n_in_pid <= 1)
    {
      add_lane_rows (self, rows, ex, pid, 1);
      return;
    }
  label = process_text (self->model, ex, pid, TRUE);
  sublabel = g_strdup_printf (ngettext ("%u lane", "%u lanes", n_in_pid), n_in_pid);
  g_ptr_array_add (rows, new_header (1, key, label, sublabel));
  if (!weft_timeline_rows_is_collapsed (self, key))
    add_lane_rows (self, rows, ex, pid, 2);
}

static void
add_executor_group (WeftTimelineRows *self,
                    GPtrArray        *rows,
                    int               ex)
{
  g_autoptr(GArray) pids = list_lane_values (self->model, ex, weft_lane_get_pid);
  guint64 key = (guint64) ex << 56;
  guint n_in_executor = count_lanes (self->model, ex, TRUE, 0);
  g_autofree char *sublabel = NULL;

  if (pids->len == 1 && g_array_index (pids, gint64, 0) > 0)
    sublabel = process_text (self->model, ex, g_array_index (pids, gint64, 0), FALSE);
  else
    sublabel = g_strdup_printf (ngettext ("%u lane", "%u lanes", n_in_executor), n_in_executor);
  g_ptr_array_add (rows, new_header (0, key, executor_label (ex), sublabel));
  if (weft_timeline_rows_is_collapsed (self, key))
    return;
  for (guint p = 0; p < pids->len; p++)
    add_process_group (self, rows, ex, g_array_index (pids, gint64, p), pids->len > 1);
}

/* The pinned lanes first, under their own header, in the order pinned */
static void
add_pinned_group (WeftTimelineRows *self,
                  GPtrArray        *rows)
{
  gboolean header = FALSE;

  for (guint i = 0; i < self->pinned->len; i++)
    {
      WeftLane *lane = weft_trace_model_lookup_lane (self->model, g_array_index (self->pinned, guint, i));

      if (lane == NULL || worker_index (self->hidden, weft_lane_get_worker (lane)) >= 0)
        continue;
      if (!header)
        g_ptr_array_add (rows, new_header (0, PINNED_KEY, _("Pinned"), NULL));
      header = TRUE;
      if (!weft_timeline_rows_is_collapsed (self, PINNED_KEY))
        g_ptr_array_add (rows, new_lane_row (lane, 1, NULL));
    }
}

/* Hidden lanes leave the list; a last header counts them (a click on it
 * shows them again) */
static void
add_hidden_header (WeftTimelineRows *self,
                   GPtrArray        *rows)
{
  guint n = weft_timeline_rows_get_n_hidden (self);
  g_autofree char *label = NULL;
  WeftTimelineRow *row;

  if (n == 0)
    return;
  label = g_strdup_printf (ngettext ("%u hidden lane", "%u hidden lanes", n), n);
  row = new_header (0, HIDDEN_KEY, label, _("click to show again"));
  g_ptr_array_add (rows, row);
}

/* Heights and places only: lanes may grow new depth rows while live */
static void
relayout (WeftTimelineRows *self)
{
  int y = 0;

  for (guint i = 0; i < self->rows->len; i++)
    {
      WeftTimelineRow *row = g_ptr_array_index (self->rows, i);
      int h = row_height (row);

      _weft_timeline_row_place (row, y, h);
      y += h;
    }
  self->content_height = y;
}

/* Counters, then lanes grouped executor → process, executors in order of
 * their first lane */
static void
rebuild (WeftTimelineRows *self)
{
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->rows);

  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->lanes_added = FALSE;
  self->n_tracks_seen = 0;
  if (self->model != NULL)
    {
      g_autoptr(GArray) executors = list_lane_values (self->model, -1, lane_executor);

      self->n_tracks_seen = count_tracks (self->model);
      self->lane_info_seen = weft_trace_model_get_lane_info_serial (self->model);
      add_parallelism_row (self->rows, self->model);
      add_counter_rows (self->rows, self->model, WEFT_OBJECT_QUEUE);
      add_counter_rows (self->rows, self->model, WEFT_OBJECT_COUNTER);
      add_pinned_group (self, self->rows);
      for (guint e = 0; e < executors->len; e++)
        add_executor_group (self, self->rows, (int) g_array_index (executors, gint64, e));
      add_hidden_header (self, self->rows);
    }
  relayout (self);
  if (old->len > 0 || self->rows->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, self->rows->len);
  g_signal_emit (self, signals[LAYOUT_CHANGED], 0);
}

/* ---- following the model ------------------------------------------------- */

static void
on_lane_added (WeftTraceModel   *model,
               gpointer          lane,
               WeftTimelineRows *self)
{
  self->lanes_added = TRUE;
}

static void
on_model_changed (WeftTraceModel   *model,
                  WeftTimelineRows *self)
{
  /* a lane's name or executor, which group the rows, may come after it */
  if (self->lanes_added || count_tracks (model) != self->n_tracks_seen ||
      weft_trace_model_get_lane_info_serial (model) != self->lane_info_seen)
    {
      rebuild (self);
      return;
    }
  relayout (self);
  g_signal_emit (self, signals[LAYOUT_CHANGED], 0);
}

/* ---- public -------------------------------------------------------------- */

WeftTimelineRows *
weft_timeline_rows_new (void)
{
  return g_object_new (WEFT_TYPE_TIMELINE_ROWS, NULL);
}

/**
 * weft_timeline_rows_get_model:
 *
 * Returns: (transfer none) (nullable): the trace model the rows show
 */
WeftTraceModel *
weft_timeline_rows_get_model (WeftTimelineRows *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROWS (self), NULL);
  return self->model;
}

/**
 * weft_timeline_rows_set_model:
 * @model: (nullable) (transfer none): the model to follow
 *
 * Rebuilds the rows. Collapsed groups stay collapsed.
 */
void
weft_timeline_rows_set_model (WeftTimelineRows *self,
                              WeftTraceModel   *model)
{
  g_return_if_fail (WEFT_IS_TIMELINE_ROWS (self));
  g_return_if_fail (model == NULL || WEFT_IS_TRACE_MODEL (model));

  if (self->model == model)
    return;
  g_set_object (&self->model, model);
  g_signal_group_set_target (self->model_signals, model);
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/**
 * weft_timeline_rows_get_row:
 *
 * Returns: (transfer none) (nullable): the row at @position, or %NULL past
 *   the end
 */
WeftTimelineRow *
weft_timeline_rows_get_row (WeftTimelineRows *self,
                            guint             position)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROWS (self), NULL);

  return position < self->rows->len ? g_ptr_array_index (self->rows, position) : NULL;
}

/**
 * weft_timeline_rows_get_content_height:
 *
 * Returns: the height of all rows, in pixels
 */
int
weft_timeline_rows_get_content_height (WeftTimelineRows *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROWS (self), 0);
  return self->content_height;
}

/**
 * weft_timeline_rows_find_lane:
 *
 * Returns: (transfer none) (nullable): the lane row of @worker, or %NULL if
 *   it has none or its group is collapsed
 */
WeftTimelineRow *
weft_timeline_rows_find_lane (WeftTimelineRows *self,
                              guint             worker)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROWS (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      WeftTimelineRow *row = g_ptr_array_index (self->rows, i);

      if (weft_timeline_row_get_kind (row) == WEFT_TIMELINE_ROW_LANE &&
          weft_timeline_row_get_worker (row) == worker)
        return row;
    }
  return NULL;
}

/**
 * weft_timeline_rows_get_row_at_y:
 * @y: a content y (0 is the top of the first row)
 *
 * Returns: (transfer none) (nullable): the row covering @y
 */
WeftTimelineRow *
weft_timeline_rows_get_row_at_y (WeftTimelineRows *self,
                                 double            y)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROWS (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      WeftTimelineRow *row = g_ptr_array_index (self->rows, i);
      int ry = weft_timeline_row_get_y (row);

      if (y >= ry && y < ry + weft_timeline_row_get_height (row))
        return row;
    }
  return NULL;
}

gboolean
weft_timeline_rows_is_collapsed (WeftTimelineRows *self,
                                 guint64           group_key)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROWS (self), FALSE);

  for (guint i = 0; i < self->collapsed->len; i++)
    if (g_array_index (self->collapsed, guint64, i) == group_key)
      return TRUE;
  return FALSE;
}

/**
 * weft_timeline_rows_toggle_collapsed:
 * @group_key: a header's weft_timeline_row_get_group_key()
 *
 * Collapses the group (its rows leave the list) or expands it again.
 */
void
weft_timeline_rows_toggle_collapsed (WeftTimelineRows *self,
                                     guint64           group_key)
{
  g_return_if_fail (WEFT_IS_TIMELINE_ROWS (self));

  if (group_key == HIDDEN_KEY)
    {
      weft_timeline_rows_show_all (self);
      return;
    }
  for (guint i = 0; i < self->collapsed->len; i++)
    if (g_array_index (self->collapsed, guint64, i) == group_key)
      {
        g_array_remove_index (self->collapsed, i);
        rebuild (self);
        return;
      }
  g_array_append_val (self->collapsed, group_key);
  rebuild (self);
}

/* ---- pinned and hidden lanes ---------------------------------------------- */

static gboolean
set_member (GArray   *workers,
            guint     worker,
            gboolean  member)
{
  int i = worker_index (workers, worker);

  if ((i >= 0) == !!member)
    return FALSE;
  if (member)
    g_array_append_val (workers, worker);
  else
    g_array_remove_index (workers, (guint) i);
  return TRUE;
}

gboolean
weft_timeline_rows_is_pinned (WeftTimelineRows *self,
                              guint             worker)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROWS (self), FALSE);
  return worker_index (self->pinned, worker) >= 0;
}

/**
 * weft_timeline_rows_set_pinned:
 * @worker: a lane's worker id
 * @pinned: whether its lane goes to the top, under "Pinned"
 *
 * Pinned lanes come right after the counter tracks, in the order they were
 * pinned; they leave their executor's group until unpinned. Kept across
 * models, like collapsed groups.
 */
void
weft_timeline_rows_set_pinned (WeftTimelineRows *self,
                               guint             worker,
                               gboolean          pinned)
{
  g_return_if_fail (WEFT_IS_TIMELINE_ROWS (self));

  if (set_member (self->pinned, worker, pinned))
    rebuild (self);
}

gboolean
weft_timeline_rows_is_hidden (WeftTimelineRows *self,
                              guint             worker)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROWS (self), FALSE);
  return worker_index (self->hidden, worker) >= 0;
}

/**
 * weft_timeline_rows_set_hidden:
 * @worker: a lane's worker id
 * @hidden: whether its lane leaves the list
 *
 * A hidden lane has no row (weft_timeline_rows_find_lane() returns %NULL);
 * a header at the end counts the hidden lanes of the model.
 */
void
weft_timeline_rows_set_hidden (WeftTimelineRows *self,
                               guint             worker,
                               gboolean          hidden)
{
  g_return_if_fail (WEFT_IS_TIMELINE_ROWS (self));

  if (set_member (self->hidden, worker, hidden))
    rebuild (self);
}

/**
 * weft_timeline_rows_get_n_hidden:
 *
 * Returns: the model's lanes that are hidden
 */
guint
weft_timeline_rows_get_n_hidden (WeftTimelineRows *self)
{
  guint n = 0;

  g_return_val_if_fail (WEFT_IS_TIMELINE_ROWS (self), 0);

  for (guint i = 0; i < self->hidden->len && self->model != NULL; i++)
    n += weft_trace_model_lookup_lane (self->model, g_array_index (self->hidden, guint, i)) != NULL;
  return n;
}

/**
 * weft_timeline_rows_show_all:
 *
 * Shows every hidden lane again (what a click on the "hidden lanes"
 * header does).
 */
void
weft_timeline_rows_show_all (WeftTimelineRows *self)
{
  g_return_if_fail (WEFT_IS_TIMELINE_ROWS (self));

  if (self->hidden->len == 0)
    return;
  g_array_set_size (self->hidden, 0);
  rebuild (self);
}

/* ---- GListModel ---------------------------------------------------------- */

static GType
weft_timeline_rows_get_item_type (GListModel *model)
{
  return WEFT_TYPE_TIMELINE_ROW;
}

static guint
weft_timeline_rows_get_n_items (GListModel *model)
{
  return WEFT_TIMELINE_ROWS (model)->rows->len;
}

static gpointer
weft_timeline_rows_get_item (GListModel *model,
                             guint       position)
{
  WeftTimelineRow *row = weft_timeline_rows_get_row (WEFT_TIMELINE_ROWS (model), position);

  return row != NULL ? g_object_ref (row) : NULL;
}

static void
weft_timeline_rows_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = weft_timeline_rows_get_item_type;
  iface->get_n_items = weft_timeline_rows_get_n_items;
  iface->get_item = weft_timeline_rows_get_item;
}

/* ---- GObject ------------------------------------------------------------- */

static void
weft_timeline_rows_dispose (GObject *object)
{
  WeftTimelineRows *self = WEFT_TIMELINE_ROWS (object);

  if (self->model_signals != NULL)
    g_signal_group_set_target (self->model_signals, NULL);
  g_clear_object (&self->model_signals);
  g_clear_object (&self->model);
  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);

  G_OBJECT_CLASS (weft_timeline_rows_parent_class)->dispose (object);
}

static void
weft_timeline_rows_finalize (GObject *object)
{
  WeftTimelineRows *self = WEFT_TIMELINE_ROWS (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->collapsed, g_array_unref);
  g_clear_pointer (&self->pinned, g_array_unref);
  g_clear_pointer (&self->hidden, g_array_unref);

  G_OBJECT_CLASS (weft_timeline_rows_parent_class)->finalize (object);
}

static void
weft_timeline_rows_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  WeftTimelineRows *self = WEFT_TIMELINE_ROWS (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_timeline_rows_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  WeftTimelineRows *self = WEFT_TIMELINE_ROWS (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      weft_timeline_rows_set_model (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_timeline_rows_class_init (WeftTimelineRowsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = weft_timeline_rows_dispose;
  object_class->finalize = weft_timeline_rows_finalize;
  object_class->get_property = weft_timeline_rows_get_property;
  object_class->set_property = weft_timeline_rows_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, WEFT_TYPE_TRACE_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * WeftTimelineRows::layout-changed:
   *
   * Emitted after the rows were rebuilt or moved, and after every change
   * of the model: what was drawn of them is stale.
   */
  signals[LAYOUT_CHANGED] =
    g_signal_new ("layout-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
weft_timeline_rows_init (WeftTimelineRows *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->collapsed = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->pinned = g_array_new (FALSE, FALSE, sizeof (guint));
  self->hidden = g_array_new (FALSE, FALSE, sizeof (guint));
  self->model_signals = g_signal_group_new (WEFT_TYPE_TRACE_MODEL);
  g_signal_group_connect_object (self->model_signals, "lane-added", G_CALLBACK (on_lane_added),
                                 self, G_CONNECT_DEFAULT);
  g_signal_group_connect_object (self->model_signals, "changed", G_CALLBACK (on_model_changed),
                                 self, G_CONNECT_DEFAULT);
}
