/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "weft-contention-view.h"
#include "weft-deadlock-graph.h"
#include "weft-lane-painter.h"
#include "weft-loop-executor.h"
#include "weft-summary.h"
#include "weft-time-format.h"
#include "weft-wait-histogram.h"

/**
 * WeftContentionView:
 *
 * Who waits for what: a table of the locks and the GIL (where one was
 * taken) with their acquisitions and waits, one of the queues with their
 * own columns (puts, gets, waits on empty and full, depth); for the selected lock a histogram of its waits and who
 * woke whom (the model's lock flows); the counters' lost updates; the
 * deadlock cycle when the run found one; and the main loop's lag.
 */
struct _WeftContentionView
{
  GtkBox              parent_instance;

  WeftTraceModel     *model;
  WeftSummary        *summary;      /* the run's counters, lag and deadlock */
  GPtrArray          *deadlock_workers;
  GPtrArray          *deadlock_locks;

  GListStore         *objects;      /* the GIL and the locks */
  GListStore         *queues;
  GListStore         *counters;
  GtkSingleSelection *selection;

  GtkWidget          *empty_page;
  GtkWidget          *objects_view;
  GtkWidget          *queues_heading;
  GtkWidget          *queues_view;
  GtkWidget          *details_title;
  GtkWidget          *histogram;
  GtkWidget          *wakeups_label;
  GtkWidget          *counters_heading;
  GtkWidget          *counters_view;
  GtkWidget          *deadlock_box;
  GtkWidget          *deadlock_label;
  GtkWidget          *deadlock_graph;
  GtkWidget          *lag_label;
};

G_DEFINE_FINAL_TYPE (WeftContentionView, weft_contention_view, GTK_TYPE_BOX)


enum {
  COL_NAME,
  COL_KIND,
  COL_ACQUIRED,
  COL_WAITS,
  COL_CONTENDED,
  COL_TOTAL_WAIT,
  COL_MAX_WAIT,
  COL_MEAN_WAIT,
  COL_HOLD,

  COL_QUEUE_NAME,
  COL_PUTS,
  COL_GETS,
  COL_GET_WAITS,
  COL_PUT_WAITS,
  COL_BLOCKED,
  COL_MAX_DEPTH,

  COL_COUNTER_NAME,
  COL_EXPECTED,
  COL_ACTUAL,
  COL_LOST,
};

/* The three tables' columns, in order; a table's first column expands */
static const struct
{
  int         column;
  const char *title;
} columns[] = {
  { COL_NAME, N_("Object") },
  { COL_KIND, N_("Kind") },
  { COL_ACQUIRED, N_("Acquired") },
  { COL_WAITS, N_("Waits") },
  { COL_CONTENDED, N_("Contended") },
  { COL_TOTAL_WAIT, N_("Total wait") },
  { COL_MAX_WAIT, N_("Max wait") },
  { COL_MEAN_WAIT, N_("Mean wait") },
  { COL_HOLD, N_("Hold") },
  { COL_QUEUE_NAME, N_("Queue") },
  { COL_PUTS, N_("Puts") },
  { COL_GETS, N_("Gets") },
  { COL_GET_WAITS, N_("Gets blocked (empty)") },
  { COL_PUT_WAITS, N_("Puts blocked (full)") },
  { COL_BLOCKED, N_("Time blocked") },
  { COL_MAX_DEPTH, N_("Max depth") },
  { COL_COUNTER_NAME, N_("Counter") },
  { COL_EXPECTED, N_("Expected") },
  { COL_ACTUAL, N_("Actual") },
  { COL_LOST, N_("Lost") },
};

GtkWidget *
weft_contention_view_new (void)
{
  return g_object_new (WEFT_TYPE_CONTENTION_VIEW, NULL);
}

static char *
count_text (guint64 n)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
}

/* "2", or "2 (1 never acquired)" when some waits never got the lock */
static char *
waits_text (const WeftContentionStats *s)
{
  char n[32], never[32];

  g_snprintf (n, sizeof n, "%" G_GUINT64_FORMAT, s->waits);
  if (s->unacquired == 0)
    return g_strdup (n);
  g_snprintf (never, sizeof never, "%" G_GUINT64_FORMAT, s->unacquired);
  /* Translators: waits for a lock, and how many of them never acquired it */
  return g_strdup_printf (_("%s (%s never acquired)"), n, never);
}

static char *
max_depth_text (const WeftContentionStats *s)
{
  char depth[32], capacity[32];

  g_snprintf (depth, sizeof depth, "%" G_GINT64_FORMAT, s->max_depth);
  if (s->capacity <= 0)
    return g_strdup (depth);
  g_snprintf (capacity, sizeof capacity, "%" G_GINT64_FORMAT, s->capacity);
  /* Translators: the most items a queue held, of its capacity */
  return g_strdup_printf (_("%s of %s"), depth, capacity);
}

static char *
cell_text (WeftContentionRow *row,
           int                column)
{
  const WeftContentionStats *s = weft_contention_row_get_stats (row);

  switch (column)
    {
    case COL_NAME:
    case COL_QUEUE_NAME:
    case COL_COUNTER_NAME:
      return g_strdup (weft_contention_row_get_name (row));
    case COL_KIND:
      return g_strdup (s->kind == WEFT_OBJECT_GIL ? _("GIL") : _("lock"));
    case COL_ACQUIRED:
      return s->waits_only ? g_strdup ("—") : count_text (s->acquisitions);
    case COL_WAITS:
      return waits_text (s);
    case COL_CONTENDED:
      return s->waits_only ? g_strdup ("—") : g_strdup_printf ("%.1f %%", 100.0 * s->contention);
    case COL_TOTAL_WAIT:
      return weft_time_format_precise (s->total_wait_ns);
    case COL_MAX_WAIT:
      return weft_time_format_precise (s->max_wait_ns);
    case COL_MEAN_WAIT:
      return weft_time_format_precise (s->mean_wait_ns);
    case COL_HOLD:
      return s->waits_only ? g_strdup ("—") : weft_time_format_precise (s->hold_ns);
    case COL_PUTS:
      return count_text (s->puts);
    case COL_GETS:
      return count_text (s->gets);
    case COL_GET_WAITS:
      return count_text (s->get_waits);
    case COL_PUT_WAITS:
      return count_text (s->put_waits);
    case COL_BLOCKED:
      return weft_time_format_precise (s->blocked_ns);
    case COL_MAX_DEPTH:
      return max_depth_text (s);
    case COL_EXPECTED:
      return g_strdup_printf ("%" G_GINT64_FORMAT, s->expected);
    case COL_ACTUAL:
      return g_strdup_printf ("%" G_GINT64_FORMAT, s->actual);
    case COL_LOST:
      return g_strdup_printf ("%" G_GINT64_FORMAT, s->lost);
    default:
      return g_strdup ("");
    }
}

/**
 * weft_contention_view_dup_cell:
 * @row: a row of one of the view's tables
 * @title: the untranslated title of a column of its table
 *
 * Returns: (transfer full) (nullable): the text the table shows there
 */
char *
weft_contention_view_dup_cell (WeftContentionView *self,
                               WeftContentionRow  *row,
                               const char         *title)
{
  g_return_val_if_fail (WEFT_IS_CONTENTION_VIEW (self), NULL);
  g_return_val_if_fail (WEFT_IS_CONTENTION_ROW (row), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (g_str_equal (columns[i].title, title))
      return cell_text (row, columns[i].column);
  return NULL;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  int column = GPOINTER_TO_INT (data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label),
                        column == COL_NAME || column == COL_KIND || column == COL_QUEUE_NAME ||
                        column == COL_COUNTER_NAME ? 0 : 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  int column = GPOINTER_TO_INT (data);
  WeftContentionRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = cell_text (row, column);

  gtk_label_set_label (GTK_LABEL (label), text);
  if (column == COL_LOST)
    {
      if (weft_contention_row_get_stats (row)->lost > 0)
        gtk_widget_add_css_class (label, "error");
      else
        gtk_widget_remove_css_class (label, "error");
    }
}

static void
add_column (GtkColumnView *view,
            const char    *title,
            int            column,
            gboolean       expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  gtk_column_view_append_column (view, col);
  g_object_unref (col);
}

/* A table of @model with the columns @first … @last of columns[] */
static GtkWidget *
table_new (GtkSelectionModel *model,
           int                first,
           int                last)
{
  GtkWidget *view = gtk_column_view_new (model);

  gtk_column_view_set_show_column_separators (GTK_COLUMN_VIEW (view), TRUE);
  gtk_widget_add_css_class (view, "data-table");
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (columns[i].column >= first && columns[i].column <= last)
      add_column (GTK_COLUMN_VIEW (view), _(columns[i].title), columns[i].column,
                  columns[i].column == first);
  return view;
}

static const char *
lane_name (WeftTraceModel *model,
           guint           worker,
           char           *buf,
           gsize           size)
{
  WeftLane *lane = weft_trace_model_lookup_lane (model, worker);

  if (lane != NULL && weft_lane_get_name (lane) != NULL && *weft_lane_get_name (lane) != '\0')
    return weft_lane_get_name (lane);
  /* Translators: a worker lane without a name */
  g_snprintf (buf, size, _("worker %u"), worker);
  return buf;
}

/* The details of the selected lock: its waits as a histogram (every wait
 * span of the lanes on that object) and who woke whom. */
static void
update_details (WeftContentionView *self)
{
  WeftContentionRow *row = gtk_single_selection_get_selected_item (self->selection);
  g_autoptr(GArray) waits = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GHashTable) pairs = g_hash_table_new (NULL, NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GList) keys = NULL;
  const WeftContentionStats *s;
  WeftState wait_state;
  WeftFlowIter iter;
  WeftFlow f;
  guint shown = 0;

  if (row == NULL || self->model == NULL ||
      weft_contention_row_get_stats (row)->kind == WEFT_OBJECT_QUEUE)
    {
      gtk_widget_set_visible (self->details_title, FALSE);
      gtk_widget_set_visible (self->histogram, FALSE);
      gtk_widget_set_visible (self->wakeups_label, FALSE);
      return;
    }

  s = weft_contention_row_get_stats (row);
  wait_state = s->kind == WEFT_OBJECT_GIL ? WEFT_STATE_GIL_WAIT : WEFT_STATE_LOCK_WAIT;

  for (guint l = 0; l < weft_trace_model_get_n_lanes (self->model); l++)
    {
      WeftLane *lane = weft_trace_model_get_lane (self->model, l);

      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        for (guint i = 0; i < weft_lane_get_n_spans (lane, d); i++)
          {
            WeftSpan span;

            if (weft_lane_get_span (lane, d, i, &span) && span.state == wait_state &&
                span.object == s->object)
              {
                guint64 w = span.end_ns - span.start_ns;
                g_array_append_val (waits, w);
              }
          }
    }

  {
    g_autofree char *title = g_strdup_printf (_("Waits for %s"), weft_contention_row_get_name (row));
    gtk_label_set_label (GTK_LABEL (self->details_title), title);
  }
  weft_wait_histogram_set_data (WEFT_WAIT_HISTOGRAM (self->histogram),
                                (const guint64 *) waits->data, waits->len, wait_state);

  /* Releaser → waiter counts from the lock flows */
  weft_flow_iter_init (&iter, weft_trace_model_get_flows (self->model), 0);
  while (weft_flow_iter_next (&iter, &f))
    {
      gpointer key;

      if (f.kind != WEFT_FLOW_LOCK || f.object != s->object)
        continue;
      key = GUINT_TO_POINTER (((guint) f.from_worker << 16 | f.to_worker) + 1);
      g_hash_table_insert (pairs, key,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (pairs, key)) + 1));
    }
  keys = g_hash_table_get_keys (pairs);
  g_string_append (text, _("Who woke whom (releaser → waiter):"));
  for (GList *k = keys; k != NULL && shown < 12; k = k->next, shown++)
    {
      guint pair = GPOINTER_TO_UINT (k->data) - 1;
      char a[32], b[32];

      g_string_append_printf (text, "\n%s → %s: %u", lane_name (self->model, pair >> 16, a, sizeof a),
                              lane_name (self->model, pair & 0xffff, b, sizeof b),
                              GPOINTER_TO_UINT (g_hash_table_lookup (pairs, k->data)));
    }
  if (keys == NULL)
    g_string_append_printf (text, "\n%s", _("no hand-offs recorded"));
  gtk_label_set_label (GTK_LABEL (self->wakeups_label), text->str);

  gtk_widget_set_visible (self->details_title, TRUE);
  gtk_widget_set_visible (self->histogram, TRUE);
  gtk_widget_set_visible (self->wakeups_label, TRUE);
}

static void
on_selection_changed (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      WeftContentionView *self)
{
  update_details (self);
}

static void
add_object_rows (WeftContentionView *self,
                 GPtrArray          *rows,
                 WeftObjectKind      kind)
{
  g_autofree guint32 *ids = NULL;
  guint n = 0;

  ids = weft_trace_model_list_objects (self->model, kind, &n);
  for (guint i = 0; i < n; i++)
    {
      WeftContentionStats s = { 0 };
      const char *name = weft_trace_model_get_object_name (self->model, ids[i]);
      g_autofree char *fallback = NULL;

      s.kind = kind;
      s.object = ids[i];
      if (kind == WEFT_OBJECT_QUEUE)
        {
          WeftQueueStats q;

          if (!weft_trace_model_get_queue_stats (self->model, ids[i], &q))
            continue;
          s.puts = q.puts;
          s.gets = q.gets;
          s.get_waits = q.get_waits;
          s.put_waits = q.put_waits;
          s.capacity = weft_trace_model_get_object_initial (self->model, ids[i]);
          s.max_depth = q.max_depth;
          s.blocked_ns = q.blocked_ns;
        }
      else
        {
          WeftLockStats l;

          if (!weft_trace_model_get_lock_stats (self->model, ids[i], &l))
            continue;
          /* A GIL no one took (processes, each with its own) is no GIL */
          if (kind == WEFT_OBJECT_GIL && l.acquisitions == 0 && weft_lock_stats_get_waits (&l) == 0)
            continue;
          s.acquisitions = l.acquisitions;
          /* a recorded program's lock taken without a wait recorded nothing */
          s.waits_only = weft_trace_model_lock_waits_only (self->model, ids[i]);
          s.contended = l.contended;
          s.waits = weft_lock_stats_get_waits (&l);
          s.unacquired = l.unacquired;
          s.contention = weft_lock_stats_get_contention (&l);
          s.total_wait_ns = l.total_wait_ns;
          s.max_wait_ns = l.max_wait_ns;
          s.mean_wait_ns = weft_lock_stats_get_mean_wait_ns (&l);
          s.hold_ns = l.total_hold_ns;
        }
      if (name == NULL || *name == '\0')
        name = fallback = g_strdup_printf ("#%u", ids[i]);
      g_ptr_array_add (rows, weft_contention_row_new (name, &s));
    }
}

/* The task whose stretch on @lane took most of the time from @due to @woke */
static char *
longest_stretch (WeftTraceModel *model,
                 WeftLane       *lane,
                 guint64         due,
                 guint64         woke)
{
  guint first, count;
  guint64 best = 0;
  char *culprit = NULL;

  weft_lane_lookup_range (lane, 0, due, woke, &first, &count);
  for (guint k = first; k < first + count; k++)
    {
      WeftSpan s;
      guint64 overlap;
      char buf[32];

      if (!weft_lane_get_span (lane, 0, k, &s) || s.state != WEFT_STATE_RUNNING)
        continue;
      overlap = MIN (s.end_ns, woke) - MIN (MAX (s.start_ns, due), MIN (s.end_ns, woke));
      if (overlap <= best)
        continue;
      best = overlap;
      g_free (culprit);
      culprit = g_strdup (weft_lane_painter_get_span_text (model, s.state, s.object, buf, sizeof buf));
    }
  return culprit;
}

/* The loops' latest wake-up in @out_lag_ns (the peak of every loop's lag
 * counter), and the task that made it late: the one whose stretch on that
 * loop's lane took most of the time between its due time and when it came
 * (%NULL if none ran then). */
static char *
lag_culprit (WeftTraceModel *model,
             guint64        *out_lag_ns)
{
  WeftLane *peak_lane = NULL;
  guint64 woke = 0;

  *out_lag_ns = 0;
  for (guint l = 0; model != NULL && l < weft_trace_model_get_n_lanes (model); l++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, l);
      int index = weft_lane_painter_get_loop_index (model, lane);
      WeftCounterIter iter;
      WeftCounterPoint p;

      if (index < 0)
        continue;
      weft_counter_iter_init (&iter, weft_trace_model_get_counter (model, weft_loop_lag_id (index)), 0);
      while (weft_counter_iter_next (&iter, &p))
        if (p.value > 0 && (guint64) p.value * 1000 > *out_lag_ns)
          {
            *out_lag_ns = (guint64) p.value * 1000;
            woke = p.time_ns;
            peak_lane = lane;
          }
    }
  if (peak_lane == NULL)
    return NULL;
  return longest_stretch (model, peak_lane, woke - MIN (woke, *out_lag_ns), woke);
}

void
weft_contention_view_refresh (WeftContentionView *self)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) queues = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) counters = g_ptr_array_new_with_free_func (g_object_unref);
  guint selected;
  gboolean any;

  g_return_if_fail (WEFT_IS_CONTENTION_VIEW (self));

  selected = gtk_single_selection_get_selected (self->selection);
  if (self->model != NULL)
    {
      add_object_rows (self, rows, WEFT_OBJECT_GIL);
      add_object_rows (self, rows, WEFT_OBJECT_LOCK);
      add_object_rows (self, queues, WEFT_OBJECT_QUEUE);
    }
  g_list_store_splice (self->objects, 0, g_list_model_get_n_items (G_LIST_MODEL (self->objects)),
                       rows->pdata, rows->len);
  g_list_store_splice (self->queues, 0, g_list_model_get_n_items (G_LIST_MODEL (self->queues)),
                       queues->pdata, queues->len);
  gtk_widget_set_visible (self->queues_heading, queues->len > 0);
  gtk_widget_set_visible (self->queues_view, queues->len > 0);
  if (selected != GTK_INVALID_LIST_POSITION && selected < rows->len)
    gtk_single_selection_set_selected (self->selection, selected);
  update_details (self);

  if (self->summary != NULL)
    {
      guint n_counters;
      const WeftCounterResult *crs = weft_summary_get_counters (self->summary, &n_counters);

      for (guint i = 0; i < n_counters; i++)
        {
          const WeftCounterResult *cr = &crs[i];
          WeftContentionStats s = { 0 };

          s.kind = WEFT_OBJECT_COUNTER;
          s.expected = cr->expected;
          s.actual = cr->actual;
          s.lost = cr->lost;
          g_ptr_array_add (counters, weft_contention_row_new (cr->name, &s));
        }
    }
  g_list_store_splice (self->counters, 0, g_list_model_get_n_items (G_LIST_MODEL (self->counters)),
                       counters->pdata, counters->len);
  gtk_widget_set_visible (self->counters_heading, counters->len > 0);
  gtk_widget_set_visible (self->counters_view, counters->len > 0);

  /* Main-loop lag: the run's figure, else the lag counter's peak; and the
   * task that kept the loop from the late wake-up */
  {
    guint64 lag_ns = 0, model_lag_ns = 0;
    g_autofree char *culprit = lag_culprit (self->model, &model_lag_ns);

    if (self->summary != NULL)
      weft_summary_get_loop_lag (self->summary, &lag_ns);
    if (lag_ns == 0)
      lag_ns = model_lag_ns;
    if (lag_ns > 0)
      {
        g_autofree char *t = weft_time_format_precise (lag_ns);
        g_autofree char *text = NULL;

        if (culprit != NULL)
          /* Translators: %s are a duration and a task's name */
          text = g_strdup_printf (_("Main loop: the latest wake-up came %s late, while %s ran without awaiting"),
                                  t, culprit);
        else
          text = g_strdup_printf (_("Main loop: the latest wake-up came %s late"), t);
        gtk_label_set_label (GTK_LABEL (self->lag_label), text);
      }
    gtk_widget_set_visible (self->lag_label, lag_ns > 0);
  }

  gtk_widget_set_visible (self->deadlock_box, self->deadlock_workers->len > 0);

  any = rows->len > 0 || queues->len > 0 || counters->len > 0 || self->deadlock_workers->len > 0 ||
        gtk_widget_get_visible (self->lag_label);
  gtk_widget_set_visible (self->objects_view, rows->len > 0);
  gtk_widget_set_visible (self->empty_page, !any);
}

const char *
weft_contention_view_get_loop_lag_text (WeftContentionView *self)
{
  g_return_val_if_fail (WEFT_IS_CONTENTION_VIEW (self), NULL);

  if (!gtk_widget_get_visible (self->lag_label))
    return NULL;
  return gtk_label_get_label (GTK_LABEL (self->lag_label));
}

static void
clear_result (WeftContentionView *self)
{
  g_clear_object (&self->summary);
  g_ptr_array_set_size (self->deadlock_workers, 0);
  g_ptr_array_set_size (self->deadlock_locks, 0);
}

void
weft_contention_view_set_data (WeftContentionView  *self,
                               WeftTraceModel      *model,
                               const WeftProfile   *profile,
                               const WeftRunResult *result)
{
  g_return_if_fail (WEFT_IS_CONTENTION_VIEW (self));

  g_set_object (&self->model, model);
  clear_result (self);

  if (model != NULL)
    {
      /* a trace without a run's result: the deadlock its end cut off */
      g_autoptr(WeftSummary) from_trace = result == NULL ? weft_summary_new_for_trace (model, NULL) : NULL;
      WeftSummary *summary;
      guint n_links;
      const WeftSummaryWaitLink *links;

      if (result != NULL)
        self->summary = weft_summary_new (model, profile, result);
      summary = result != NULL ? self->summary : from_trace;
      links = weft_summary_get_deadlock (summary, &n_links);
      for (guint i = 0; i < n_links; i++)
        {
          char buf[32];

          g_ptr_array_add (self->deadlock_workers, g_strdup (lane_name (model, links[i].worker, buf, sizeof buf)));
          g_ptr_array_add (self->deadlock_locks, g_strdup (links[i].waits_for));
        }
      weft_deadlock_graph_set_cycle (WEFT_DEADLOCK_GRAPH (self->deadlock_graph),
                                     (const char * const *) self->deadlock_workers->pdata,
                                     (const char * const *) self->deadlock_locks->pdata,
                                     self->deadlock_workers->len);
      gtk_label_set_label (GTK_LABEL (self->deadlock_label),
                           weft_summary_get_deadlock_text (summary) != NULL
                           ? weft_summary_get_deadlock_text (summary) : "");
    }

  weft_contention_view_refresh (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->objects)) > 0)
    gtk_single_selection_set_selected (self->selection, 0);
}

GListModel *
weft_contention_view_get_objects (WeftContentionView *self)
{
  g_return_val_if_fail (WEFT_IS_CONTENTION_VIEW (self), NULL);
  return G_LIST_MODEL (self->objects);
}

GListModel *
weft_contention_view_get_queues (WeftContentionView *self)
{
  g_return_val_if_fail (WEFT_IS_CONTENTION_VIEW (self), NULL);
  return G_LIST_MODEL (self->queues);
}

GListModel *
weft_contention_view_get_counters (WeftContentionView *self)
{
  g_return_val_if_fail (WEFT_IS_CONTENTION_VIEW (self), NULL);
  return G_LIST_MODEL (self->counters);
}

GtkWidget *
weft_contention_view_get_histogram (WeftContentionView *self)
{
  g_return_val_if_fail (WEFT_IS_CONTENTION_VIEW (self), NULL);
  return self->histogram;
}

GtkWidget *
weft_contention_view_get_deadlock_graph (WeftContentionView *self)
{
  g_return_val_if_fail (WEFT_IS_CONTENTION_VIEW (self), NULL);
  return self->deadlock_graph;
}

static void
weft_contention_view_dispose (GObject *object)
{
  WeftContentionView *self = WEFT_CONTENTION_VIEW (object);

  g_clear_object (&self->model);
  if (self->deadlock_workers != NULL)
    clear_result (self);

  G_OBJECT_CLASS (weft_contention_view_parent_class)->dispose (object);
}

static void
weft_contention_view_finalize (GObject *object)
{
  WeftContentionView *self = WEFT_CONTENTION_VIEW (object);

  g_clear_object (&self->selection);
  g_clear_object (&self->objects);
  g_clear_object (&self->queues);
  g_clear_object (&self->counters);
  g_clear_pointer (&self->deadlock_workers, g_ptr_array_unref);
  g_clear_pointer (&self->deadlock_locks, g_ptr_array_unref);

  G_OBJECT_CLASS (weft_contention_view_parent_class)->finalize (object);
}

static void
weft_contention_view_class_init (WeftContentionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = weft_contention_view_dispose;
  object_class->finalize = weft_contention_view_finalize;
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
weft_contention_view_init (WeftContentionView *self)
{
  GtkBox *box = GTK_BOX (self);
  GtkWidget *details;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (box, 8);
  gtk_widget_add_css_class (GTK_WIDGET (self), "view-page");

  self->deadlock_workers = g_ptr_array_new_with_free_func (g_free);
  self->deadlock_locks = g_ptr_array_new_with_free_func (g_free);
  self->objects = g_list_store_new (WEFT_TYPE_CONTENTION_ROW);
  self->queues = g_list_store_new (WEFT_TYPE_CONTENTION_ROW);
  self->counters = g_list_store_new (WEFT_TYPE_CONTENTION_ROW);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->objects)));
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);

  self->empty_page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->empty_page), "system-lock-screen-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (self->empty_page), _("No Contention"));
  adw_status_page_set_description (ADW_STATUS_PAGE (self->empty_page),
                                   _("No locks, queues or counters in this trace."));
  gtk_widget_set_vexpand (self->empty_page, TRUE);
  gtk_box_append (box, self->empty_page);

  /* The deadlock first: when there is one, it is the news */
  self->deadlock_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (self->deadlock_box), heading (_("Deadlock")));
  self->deadlock_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->deadlock_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->deadlock_label), TRUE);
  gtk_widget_add_css_class (self->deadlock_label, "error");
  gtk_box_append (GTK_BOX (self->deadlock_box), self->deadlock_label);
  self->deadlock_graph = weft_deadlock_graph_new ();
  gtk_box_append (GTK_BOX (self->deadlock_box), self->deadlock_graph);
  gtk_widget_set_visible (self->deadlock_box, FALSE);
  gtk_box_append (box, self->deadlock_box);

  self->objects_view = table_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)), COL_NAME, COL_HOLD);
  gtk_box_append (box, self->objects_view);

  details = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  {
    GtkWidget *left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

    self->details_title = heading ("");
    gtk_box_append (GTK_BOX (left), self->details_title);
    self->histogram = weft_wait_histogram_new ();
    gtk_widget_set_hexpand (self->histogram, TRUE);
    gtk_box_append (GTK_BOX (left), self->histogram);
    gtk_widget_set_hexpand (left, TRUE);
    gtk_box_append (GTK_BOX (details), left);
  }
  self->wakeups_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->wakeups_label), 0);
  gtk_label_set_yalign (GTK_LABEL (self->wakeups_label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->wakeups_label), TRUE);
  gtk_box_append (GTK_BOX (details), self->wakeups_label);
  gtk_box_append (box, details);

  self->queues_heading = heading (_("Queues"));
  gtk_box_append (box, self->queues_heading);
  self->queues_view = table_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->queues)))),
                                 COL_QUEUE_NAME, COL_MAX_DEPTH);
  gtk_box_append (box, self->queues_view);

  self->counters_heading = heading (_("Counters: lost updates"));
  gtk_box_append (box, self->counters_heading);
  self->counters_view = table_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->counters)))),
                                   COL_COUNTER_NAME, COL_LOST);
  gtk_box_append (box, self->counters_view);

  self->lag_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->lag_label), 0);
  gtk_widget_add_css_class (self->lag_label, "heading");
  gtk_box_append (box, self->lag_label);

  weft_contention_view_refresh (self);
}
