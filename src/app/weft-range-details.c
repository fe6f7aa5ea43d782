/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-range-details"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-lane-painter.h"
#include "weft-range-details.h"
#include "weft-range-stats.h"
#include "weft-span-links.h"
#include "weft-state-style.h"
#include "weft-time-format.h"

/**
 * WeftRangeDetails:
 *
 * The pane under the lanes that answers questions about what is selected.
 * For a time range (Shift+drag): the time in each state per lane and in
 * total, per lock and GIL the waits, holds and contended share, per queue
 * the puts, gets, blocked time and depth, and each counter's change, all
 * for that range only (#WeftRangeStats). For a span (described on the
 * window's details line): the task it is part of, its wake-up chain and
 * its flows in and out, each with a "Go to" button.
 */
struct _WeftRangeDetails
{
  GtkWidget         parent_instance;

  WeftTimelineView *view;
  WeftSession      *session;
  GSignalGroup     *session_signals;

  GtkWidget        *box;
  GtkLabel         *range_title;
  GtkGrid          *states;
  GtkGrid          *locks;
  GtkGrid          *queues;
  GtkGrid          *counters;
  GtkLabel         *span_title;
  GtkGrid          *links;
  GArray           *link_targets;   /* WeftSpanLink, one per links row */
  guint             range_timeout;
  GCancellable     *range_count;    /* the range being counted, if any */
};

#define RANGE_PAUSE_MS 120

G_DEFINE_FINAL_TYPE (WeftRangeDetails, weft_range_details, GTK_TYPE_WIDGET)

/* ---- tables --------------------------------------------------------------- */

static void
grid_clear (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
  gtk_widget_set_visible (GTK_WIDGET (grid), FALSE);
}

static void
cell (GtkGrid    *grid,
      int         column,
      int         row,
      const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (row == 0)
    gtk_widget_add_css_class (label, "heading");
  else if (column > 0)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (grid, label, column, row, 1, 1);
  gtk_widget_set_visible (GTK_WIDGET (grid), TRUE);
}

static void
cell_take (GtkGrid *grid,
           int      column,
           int      row,
           char    *text)
{
  cell (grid, column, row, text);
  g_free (text);
}

static char *
duration_share (guint64 ns,
                guint64 of)
{
  g_autofree char *d = weft_time_format_duration (ns);

  double share = of > 0 ? 100.0 * ns / of : 0;

  if (ns == 0)
    return g_strdup ("–");
  /* A share that rounds to 0 % is not nothing: say how small it is */
  if (share < 0.05)
    return g_strdup_printf ("%s · < 0.1 %%", d);
  return g_strdup_printf (share < 9.95 ? "%s · %.1f %%" : "%s · %.0f %%", d, share);
}

static char *
object_label (WeftTraceModel *model,
              guint32         object,
              const char     *kind)
{
  const char *name = weft_trace_model_get_object_name (model, object);

  return name != NULL ? g_strdup (name) : g_strdup_printf ("%s %u", kind, object);
}

static void
fill_states (WeftRangeDetails     *self,
             WeftTraceModel       *model,
             const WeftRangeStats *st)
{
  guint64 len = st->end_ns - st->begin_ns;
  int col = 1;
  int cols[WEFT_N_STATES];

  cell (self->states, 0, 0, _("Lane"));
  /* A column per state the range holds, idle last */
  for (guint s = 1; s <= WEFT_N_STATES; s++)
    {
      guint state = s % WEFT_N_STATES;

      cols[state] = -1;
      if (st->state_ns[state] == 0)
        continue;
      cols[state] = col;
      cell (self->states, col++, 0, weft_state_style_get_label (state));
    }
  for (guint i = 0; i < st->lanes->len; i++)
    {
      const WeftRangeLane *l = &g_array_index (st->lanes, WeftRangeLane, i);
      WeftLane *lane = weft_trace_model_lookup_lane (model, l->worker);

      cell (self->states, 0, i + 1, lane != NULL ? weft_lane_get_name (lane) : "");
      for (guint s = 0; s < WEFT_N_STATES; s++)
        if (cols[s] > 0)
          cell_take (self->states, cols[s], i + 1, duration_share (l->state_ns[s], len));
    }
  cell (self->states, 0, st->lanes->len + 1, _("All lanes"));
  for (guint s = 0; s < WEFT_N_STATES; s++)
    if (cols[s] > 0)
      cell_take (self->states, cols[s], st->lanes->len + 1,
                 duration_share (st->state_ns[s], len * MAX (st->lanes->len, 1)));
}

static void
fill_locks (WeftRangeDetails     *self,
            WeftTraceModel       *model,
            const WeftRangeStats *st)
{
  const char *head[] = { N_("Lock"), N_("Waits"), N_("Waited"), N_("Longest wait"),
                         N_("Acquired"), N_("Contended"), N_("Held") };

  if (st->locks->len == 0)
    return;
  for (guint c = 0; c < G_N_ELEMENTS (head); c++)
    cell (self->locks, c, 0, _(head[c]));
  for (guint i = 0; i < st->locks->len; i++)
    {
      const WeftRangeLock *l = &g_array_index (st->locks, WeftRangeLock, i);
      int r = i + 1;

      cell_take (self->locks, 0, r, object_label (model, l->object, l->kind == WEFT_OBJECT_GIL ? "GIL" : _("lock")));
      cell_take (self->locks, 1, r, g_strdup_printf ("%" G_GUINT64_FORMAT, l->waits));
      cell_take (self->locks, 2, r, weft_time_format_duration (l->wait_ns));
      cell_take (self->locks, 3, r, weft_time_format_duration (l->max_wait_ns));
      cell_take (self->locks, 4, r, g_strdup_printf ("%" G_GUINT64_FORMAT, l->acquisitions));
      /* A share of no acquisitions means nothing: not shown */
      cell_take (self->locks, 5, r, l->acquisitions > 0 ? g_strdup_printf ("%.0f %%", 100.0 * l->contended / l->acquisitions)
                                                        : g_strdup ("–"));
      cell_take (self->locks, 6, r, weft_time_format_duration (l->hold_ns));
    }
}

static void
fill_queues (WeftRangeDetails     *self,
             WeftTraceModel       *model,
             const WeftRangeStats *st)
{
  const char *head[] = { N_("Queue"), N_("Puts"), N_("Gets"), N_("Blocked putting"),
                         N_("Blocked getting"), N_("Depth"), N_("Deepest") };

  if (st->queues->len == 0)
    return;
  for (guint c = 0; c < G_N_ELEMENTS (head); c++)
    cell (self->queues, c, 0, _(head[c]));
  for (guint i = 0; i < st->queues->len; i++)
    {
      const WeftRangeQueue *q = &g_array_index (st->queues, WeftRangeQueue, i);
      int r = i + 1;

      cell_take (self->queues, 0, r, object_label (model, q->object, _("queue")));
      cell_take (self->queues, 1, r, g_strdup_printf ("%" G_GUINT64_FORMAT, q->puts));
      cell_take (self->queues, 2, r, g_strdup_printf ("%" G_GUINT64_FORMAT, q->gets));
      cell_take (self->queues, 3, r, weft_time_format_duration (q->put_blocked_ns));
      cell_take (self->queues, 4, r, weft_time_format_duration (q->get_blocked_ns));
      cell_take (self->queues, 5, r, g_strdup_printf ("%" G_GINT64_FORMAT " → %" G_GINT64_FORMAT,
                                                      q->depth_begin, q->depth_end));
      cell_take (self->queues, 6, r, g_strdup_printf ("%" G_GINT64_FORMAT, q->depth_max));
    }
}

static void
fill_counters (WeftRangeDetails     *self,
               WeftTraceModel       *model,
               const WeftRangeStats *st)
{
  const char *head[] = { N_("Counter"), N_("At start"), N_("At end"), N_("Change"), N_("Lowest"), N_("Highest") };

  if (st->counters->len == 0)
    return;
  for (guint c = 0; c < G_N_ELEMENTS (head); c++)
    cell (self->counters, c, 0, _(head[c]));
  for (guint i = 0; i < st->counters->len; i++)
    {
      const WeftRangeCounter *c = &g_array_index (st->counters, WeftRangeCounter, i);
      int r = i + 1;

      cell_take (self->counters, 0, r, object_label (model, c->object, _("counter")));
      cell_take (self->counters, 1, r, g_strdup_printf ("%" G_GINT64_FORMAT, c->value_begin));
      cell_take (self->counters, 2, r, g_strdup_printf ("%" G_GINT64_FORMAT, c->value_end));
      cell_take (self->counters, 3, r, g_strdup_printf ("%+" G_GINT64_FORMAT, c->value_end - c->value_begin));
      cell_take (self->counters, 4, r, g_strdup_printf ("%" G_GINT64_FORMAT, c->value_min));
      cell_take (self->counters, 5, r, g_strdup_printf ("%" G_GINT64_FORMAT, c->value_max));
    }
}

/* The title, with "counting…" while @st is not there yet */
static void
show_range_title (WeftRangeDetails *self,
                  guint64           begin_ns,
                  guint64           end_ns,
                  gboolean          counting)
{
  g_autofree char *len = weft_time_format_duration (end_ns - begin_ns);
  g_autofree char *from = weft_time_format_duration (begin_ns - weft_session_get_begin (self->session));
  g_autofree char *title = NULL;

  /* Translators: the selected range: its length, then where it starts */
  title = g_strdup_printf (_("<b>Selected range: %s</b> from %s"), len, from);
  if (counting)
    {
      /* Translators: after the selected range's title while its table is counted */
      g_autofree char *more = g_strdup_printf ("%s · %s", title, _("counting…"));

      g_free (title);
      title = g_steal_pointer (&more);
    }
  gtk_label_set_markup (self->range_title, title);
  gtk_widget_set_visible (GTK_WIDGET (self->range_title), TRUE);
}

static void
show_range (WeftRangeDetails *self,
            WeftTraceModel   *model,
            WeftRangeStats   *st)
{
  show_range_title (self, st->begin_ns, st->end_ns, FALSE);
  fill_states (self, model, st);
  fill_locks (self, model, st);
  fill_queues (self, model, st);
  fill_counters (self, model, st);
}

static void
on_range_counted (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(WeftRangeStats) st = weft_range_stats_new_finish (result, NULL);
  WeftRangeDetails *self = user_data;
  WeftTraceModel *model;

  /* Cancelled: @self may be gone, and a newer count owns the pane */
  if (st == NULL)
    return;
  g_clear_object (&self->range_count);
  model = weft_session_get_model (self->session);
  if (model != NULL)
    show_range (self, model, st);
  gtk_widget_set_visible (GTK_WIDGET (self), weft_range_details_has_content (self));
}

/* Clears the range's tables and counts the selected range; a finished
 * trace's on a worker thread (44 M spans take about half a second), so
 * that the window does not stop meanwhile. */
static void
update_range (WeftRangeDetails *self)
{
  WeftTraceModel *model = self->session != NULL ? weft_session_get_model (self->session) : NULL;
  guint64 b, e;

  g_cancellable_cancel (self->range_count);
  g_clear_object (&self->range_count);
  grid_clear (self->states);
  grid_clear (self->locks);
  grid_clear (self->queues);
  grid_clear (self->counters);
  gtk_widget_set_visible (GTK_WIDGET (self->range_title), FALSE);
  if (model == NULL || !weft_session_get_selection (self->session, &b, &e))
    return;

  show_range_title (self, b, e, TRUE);
  self->range_count = g_cancellable_new ();
  weft_range_stats_new_async (model, b, e, self->range_count, on_range_counted, self);
}

/* ---- the selected span ---------------------------------------------------- */

static void
on_go_to_clicked (GtkButton        *button,
                  WeftRangeDetails *self)
{
  weft_range_details_go_to (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "row")));
}

static void
add_link (WeftRangeDetails   *self,
          WeftTraceModel     *model,
          const char         *what,
          const WeftSpanLink *link)
{
  int row = (int) self->link_targets->len + 1;
  WeftLane *lane = weft_trace_model_lookup_lane (model, link->worker);
  char buf[32];
  const char *name = weft_lane_painter_get_span_text (model, link->span.state, link->span.object, buf, sizeof buf);
  g_autofree char *at = weft_time_format_duration (link->time_ns - weft_session_get_begin (self->session));
  GtkWidget *button = gtk_button_new_with_label (_("Go to"));

  if (row == 1)
    {
      cell (self->links, 0, 0, _("Link"));
      cell (self->links, 1, 0, _("Lane"));
      cell (self->links, 2, 0, _("Span"));
      cell (self->links, 3, 0, _("At"));
    }
  g_array_append_val (self->link_targets, *link);
  cell (self->links, 0, row, what);
  cell (self->links, 1, row, lane != NULL ? weft_lane_get_name (lane) : "");
  cell_take (self->links, 2, row, g_strdup_printf ("%s%s%s", weft_state_style_get_label (link->span.state),
                                                   name != NULL ? " · " : "", name != NULL ? name : ""));
  cell (self->links, 3, row, at);
  g_object_set_data (G_OBJECT (button), "row", GINT_TO_POINTER (row));
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_go_to_clicked), self, 0);
  gtk_grid_attach (self->links, button, 4, row, 1, 1);
}

static gboolean
same_flow (const WeftFlow *a,
           const WeftFlow *b)
{
  return a->to_ns == b->to_ns && a->from_ns == b->from_ns && a->object == b->object &&
         a->from_worker == b->from_worker && a->to_worker == b->to_worker && a->kind == b->kind;
}

static void
update_span (WeftRangeDetails *self)
{
  WeftTraceModel *model = self->session != NULL ? weft_session_get_model (self->session) : NULL;
  g_autoptr(GArray) in = g_array_new (FALSE, FALSE, sizeof (WeftSpanLink));
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (WeftSpanLink));
  g_autoptr(GArray) chain = NULL;
  g_autofree char *markup = NULL;
  guint worker, depth, index;
  WeftSpan span;
  WeftSpanLink task;

  grid_clear (self->links);
  g_array_set_size (self->link_targets, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->span_title), FALSE);
  if (model == NULL || self->view == NULL ||
      !weft_session_get_selected_span (self->session, &worker, &depth, &index) ||
      !weft_session_lookup_span (self->session, worker, depth, index, &span))
    return;

  if (weft_span_links_get_task (model, worker, &span, &task))
    add_link (self, model, _("In task"), &task);
  chain = weft_span_links_get_wakeup_chain (model, worker, &span);
  for (guint i = 0; i < chain->len; i++)
    add_link (self, model, i == 0 ? _("Woken by") : _("…who was woken by"), &g_array_index (chain, WeftSpanLink, i));
  if (chain->len >= WEFT_SPAN_LINKS_MAX_CHAIN)
    {
      g_autofree char *more = g_strdup_printf (_("…the chain goes on beyond %u links"), chain->len);

      cell (self->links, 0, self->link_targets->len + 1, more);
      g_array_append_val (self->link_targets, g_array_index (chain, WeftSpanLink, chain->len - 1));
    }
  weft_span_links_get_flows (model, worker, &span, in, out);
  for (guint i = 0; i < in->len; i++)
    {
      const WeftSpanLink *l = &g_array_index (in, WeftSpanLink, i);

      /* The flow that woke the span is already its chain's first link */
      if (chain->len > 0 && same_flow (&l->flow, &g_array_index (chain, WeftSpanLink, 0).flow))
        continue;
      add_link (self, model, _("Flow in from"), l);
    }
  for (guint i = 0; i < out->len; i++)
    add_link (self, model, _("Flow out to"), &g_array_index (out, WeftSpanLink, i));

  /* The span itself is on the details line above: here only its hand-offs */
  if (self->link_targets->len > 0)
    {
      markup = g_strdup_printf ("<b>%s</b>", _("Hand-offs of the selected span"));
      gtk_label_set_markup (self->span_title, markup);
      gtk_widget_set_visible (GTK_WIDGET (self->span_title), TRUE);
    }
}

/**
 * weft_range_details_go_to:
 * @row: a row of the links table (1 is the first link)
 *
 * Selects the span of that link and brings it into view, keeping the
 * zoom unless the span is wider than the window.
 */
void
weft_range_details_go_to (WeftRangeDetails *self,
                          int               row)
{
  WeftSpanLink link;

  g_return_if_fail (WEFT_IS_RANGE_DETAILS (self));
  if (self->session == NULL || row < 1 || (guint) row > self->link_targets->len)
    return;

  link = g_array_index (self->link_targets, WeftSpanLink, row - 1);
  weft_session_reveal (self->session, link.span.start_ns, link.span.end_ns);
  weft_session_select_span (self->session, link.worker, link.depth, link.index);
}

/* ---- public --------------------------------------------------------------- */

gboolean
weft_range_details_has_content (WeftRangeDetails *self)
{
  g_return_val_if_fail (WEFT_IS_RANGE_DETAILS (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->range_title)) ||
         gtk_widget_get_visible (GTK_WIDGET (self->span_title));
}

const char *
weft_range_details_get_cell (WeftRangeDetails *self,
                             const char       *table,
                             int               row,
                             int               column)
{
  GtkGrid *grid = NULL;
  GtkWidget *child;

  g_return_val_if_fail (WEFT_IS_RANGE_DETAILS (self), NULL);

  if (g_strcmp0 (table, "states") == 0)
    grid = self->states;
  else if (g_strcmp0 (table, "locks") == 0)
    grid = self->locks;
  else if (g_strcmp0 (table, "queues") == 0)
    grid = self->queues;
  else if (g_strcmp0 (table, "counters") == 0)
    grid = self->counters;
  else if (g_strcmp0 (table, "links") == 0)
    grid = self->links;
  child = grid != NULL ? gtk_grid_get_child_at (grid, column, row) : NULL;
  return child != NULL && GTK_IS_LABEL (child) ? gtk_label_get_text (GTK_LABEL (child)) : NULL;
}

static void
on_changed (WeftRangeDetails *self)
{
  g_clear_handle_id (&self->range_timeout, g_source_remove);
  update_range (self);
  update_span (self);
  gtk_widget_set_visible (GTK_WIDGET (self), weft_range_details_has_content (self));
}

static gboolean
on_range_timeout (gpointer data)
{
  WeftRangeDetails *self = data;

  self->range_timeout = 0;
  on_changed (self);
  return G_SOURCE_REMOVE;
}

/* A range being drawn changes with every pointer motion, and its table
 * reads every span in it: count it once the range rests */
static void
on_range_changed (WeftRangeDetails *self)
{
  if (self->session == NULL || !weft_session_get_selection (self->session, NULL, NULL))
    {
      on_changed (self);
      return;
    }
  g_clear_handle_id (&self->range_timeout, g_source_remove);
  self->range_timeout = g_timeout_add (RANGE_PAUSE_MS, on_range_timeout, self);
}

/**
 * weft_range_details_update:
 *
 * Counts a range that changed now instead of after the pause that lets a
 * range being drawn settle, and waits for its count (for tests).
 */
void
weft_range_details_update (WeftRangeDetails *self)
{
  g_return_if_fail (WEFT_IS_RANGE_DETAILS (self));

  if (self->range_timeout != 0)
    on_changed (self);
  while (self->range_count != NULL)
    g_main_context_iteration (NULL, TRUE);
}

GtkWidget *
weft_range_details_new (WeftTimelineView *view)
{
  WeftRangeDetails *self;

  g_return_val_if_fail (WEFT_IS_TIMELINE_VIEW (view), NULL);

  self = g_object_new (WEFT_TYPE_RANGE_DETAILS, NULL);
  self->view = view;
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &self->view);
  self->session = g_object_ref (weft_timeline_view_get_session (view));
  g_signal_group_set_target (self->session_signals, self->session);
  on_changed (self);
  return GTK_WIDGET (self);
}

static void
weft_range_details_dispose (GObject *object)
{
  WeftRangeDetails *self = WEFT_RANGE_DETAILS (object);

  g_clear_handle_id (&self->range_timeout, g_source_remove);
  g_cancellable_cancel (self->range_count);
  g_clear_object (&self->range_count);
  if (self->view != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->view), (gpointer *) &self->view);
  self->view = NULL;
  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (weft_range_details_parent_class)->dispose (object);
}

static void
weft_range_details_finalize (GObject *object)
{
  g_array_unref (WEFT_RANGE_DETAILS (object)->link_targets);
  G_OBJECT_CLASS (weft_range_details_parent_class)->finalize (object);
}

static void
weft_range_details_class_init (WeftRangeDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_range_details_dispose;
  object_class->finalize = weft_range_details_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "weft-range-details");
}

static GtkGrid *
add_grid (WeftRangeDetails *self)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  gtk_box_append (GTK_BOX (self->box), grid);
  return GTK_GRID (grid);
}

static GtkLabel *
add_title (WeftRangeDetails *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (self->box), label);
  return GTK_LABEL (label);
}

static void
weft_range_details_init (WeftRangeDetails *self)
{
  static const char * const update_on[] = { "span-selected" };
  static const char * const range_on[] = { "selection-changed", "bounds-changed" };

  self->link_targets = g_array_new (FALSE, FALSE, sizeof (WeftSpanLink));
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_top (self->box, 6);
  gtk_widget_set_margin_bottom (self->box, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->range_title = add_title (self);
  self->states = add_grid (self);
  self->locks = add_grid (self);
  self->queues = add_grid (self);
  self->counters = add_grid (self);
  self->span_title = add_title (self);
  self->links = add_grid (self);

  self->session_signals = g_signal_group_new (WEFT_TYPE_SESSION);
  for (guint i = 0; i < G_N_ELEMENTS (update_on); i++)
    g_signal_group_connect_object (self->session_signals, update_on[i], G_CALLBACK (on_changed),
                                   self, G_CONNECT_SWAPPED);
  /* A live run moves the bounds at every batch: count its range once it rests too */
  for (guint i = 0; i < G_N_ELEMENTS (range_on); i++)
    g_signal_group_connect_object (self->session_signals, range_on[i], G_CALLBACK (on_range_changed),
                                   self, G_CONNECT_SWAPPED);
}
