/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-compare-view.h"
#include "weft-run.h"
#include "weft-session.h"
#include "weft-summary.h"
#include "weft-time-ruler.h"
#include "weft-timeline-view.h"

/**
 * WeftCompareView:
 *
 * The chapter's comparison, measured: the profile runs serially, on threads
 * with and without the GIL, on processes and on the main loop, one run
 * after another (each a #WeftRun on the UI's main context, so nothing
 * blocks), as `weft-cli compare` does. A table of wall time, speedup,
 * efficiency and dominant wait, and the runs' timelines one above the other.
 */
struct _WeftCompareView
{
  GtkBox        parent_instance;

  WeftProfile  *profile;
  GPtrArray    *runs;           /* (element-type WeftRun) finished runs, kept for their models */
  WeftRun      *current;
  guint         next_variant;
  guint         current_variant;
  double        serial_s;
  guint         idle_id;
  guint         n_timelines;

  GtkWidget    *button;
  GtkWidget    *status;
  GtkStringList *rows;
  GtkWidget    *table;
  GtkWidget    *timelines;
};

G_DEFINE_FINAL_TYPE (WeftCompareView, weft_compare_view, GTK_TYPE_BOX)

typedef struct
{
  const char       *label;
  WeftExecutorKind  executor;
  int               gil;
  guint             workers;
} Variant;

/* The same variants as weft-cli compare */
static const Variant variants[] = {
  { N_("serial"), WEFT_EXECUTOR_THREADS, 0, 1 },
  { N_("threads + GIL"), WEFT_EXECUTOR_THREADS, 1, 0 },
  { N_("threads, no GIL"), WEFT_EXECUTOR_THREADS, 0, 0 },
  { N_("processes"), WEFT_EXECUTOR_PROCESSES, 0, 0 },
  { N_("main loop"), WEFT_EXECUTOR_MAINLOOP, 0, 0 },
};

enum { F_LABEL, F_WORKERS, F_WALL, F_SPEEDUP, F_EFFICIENCY, F_DOMINANT, N_FIELDS };

static void start_next (WeftCompareView *self);

GtkWidget *
weft_compare_view_new (void)
{
  return g_object_new (WEFT_TYPE_COMPARE_VIEW, NULL);
}

static void
update_state (WeftCompareView *self)
{
  gtk_widget_set_sensitive (self->button, self->profile != NULL);
  gtk_button_set_label (GTK_BUTTON (self->button),
                        self->current != NULL || self->idle_id != 0 ? _("_Stop Comparing")
                                                                   : _("_Compare Executors"));
}

static void
add_row (WeftCompareView *self,
         const char      *fields[N_FIELDS])
{
  g_autofree char *joined = g_strjoinv ("\t", (char **) fields);

  gtk_string_list_append (self->rows, joined);
}

/* The wait state that cost the most, summed over workers (≥ 1 % of wall). */
static const char *
dominant_wait (JsonNode *summary,
               double    wall_s)
{
  JsonNode *node = json_object_get_member (json_node_get_object (summary), "workers");
  JsonArray *workers = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  const char *dominant = NULL;
  double dominant_s = 0;

  for (guint s = 0; workers != NULL && s < WEFT_N_STATES; s++)
    {
      const char *nick = weft_state_to_nick (s);
      double total = 0;

      if (s == WEFT_STATE_IDLE || s == WEFT_STATE_RUNNING || s == WEFT_STATE_LOCK_HELD ||
          s == WEFT_STATE_GIL_HELD || s == WEFT_STATE_IO)
        continue;
      for (guint w = 0; w < json_array_get_length (workers); w++)
        {
          JsonObject *wo = json_array_get_object_element (workers, w);
          JsonNode *wait = json_object_get_member (wo, "wait_s");

          if (wait != NULL && JSON_NODE_HOLDS_OBJECT (wait) &&
              json_object_has_member (json_node_get_object (wait), nick))
            total += json_object_get_double_member (json_node_get_object (wait), nick);
        }
      if (total > dominant_s && total > 0.01 * wall_s)
        {
          dominant_s = total;
          dominant = nick;
        }
    }
  return dominant;
}

static void
add_timeline (WeftCompareView *self,
              const char      *title,
              WeftRun         *run)
{
  g_autoptr(WeftSession) session = weft_session_new ();
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *ruler, *view;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 6);
  weft_session_set_model (session, weft_run_get_model (run));
  view = weft_timeline_view_new (session);
  ruler = weft_time_ruler_new (session);
  /* Outside a scroller the view would get only its minimum height */
  gtk_widget_set_size_request (view, -1, 140 + 40 * (int) weft_trace_model_get_n_lanes (weft_run_get_model (run)));
  weft_time_ruler_set_inset (WEFT_TIME_RULER (ruler),
                             weft_timeline_view_get_label_width (WEFT_TIMELINE_VIEW (view)));
  gtk_box_append (GTK_BOX (self->timelines), label);
  gtk_box_append (GTK_BOX (self->timelines), ruler);
  gtk_box_append (GTK_BOX (self->timelines), view);
  self->n_timelines++;
}

static void
on_run_finished (WeftRun         *run,
                 WeftCompareView *self)
{
  const Variant *v = &variants[self->current_variant];
  const WeftRunResult *result = weft_run_get_result (run);
  g_autoptr(JsonNode) summary = weft_summary_build (weft_run_get_model (run), self->profile, result);
  g_autofree char *workers = g_strdup_printf ("%u", result->workers);
  g_autofree char *wall = NULL, *speedup = NULL, *efficiency = NULL, *title = NULL;
  double wall_s = result->wall_ns / 1e9;
  double sp;
  const char *dominant;
  const char *fields[N_FIELDS + 1] = { NULL };

  g_signal_handlers_disconnect_by_data (run, self);
  if (self->current_variant == 0)
    self->serial_s = wall_s;
  sp = wall_s > 0 ? self->serial_s / wall_s : 0;
  dominant = dominant_wait (summary, wall_s);

  wall = g_strdup_printf ("%.3f s", wall_s);
  speedup = g_strdup_printf ("%.2f×", sp);
  efficiency = g_strdup_printf ("%.0f %%", result->workers > 0 ? 100 * sp / result->workers : 0);
  fields[F_LABEL] = _(v->label);
  fields[F_WORKERS] = workers;
  fields[F_WALL] = wall;
  fields[F_SPEEDUP] = speedup;
  fields[F_EFFICIENCY] = efficiency;
  fields[F_DOMINANT] = dominant != NULL ? dominant : "—";
  if (result->cancelled)
    fields[F_DOMINANT] = _("stopped");
  add_row (self, fields);

  /* Translators: title of one timeline of the comparison: variant, wall time */
  title = g_strdup_printf (_("%s — %.3f s"), _(v->label), wall_s);
  add_timeline (self, title, run);

  g_ptr_array_add (self->runs, g_steal_pointer (&self->current));
  if (result->cancelled)
    {
      self->next_variant = G_N_ELEMENTS (variants);
    }
  start_next (self);
}

static gboolean
start_next_idle (gpointer data)
{
  WeftCompareView *self = data;

  self->idle_id = 0;
  start_next (self);
  return G_SOURCE_REMOVE;
}

static void
start_next (WeftCompareView *self)
{
  g_autoptr(GError) error = NULL;
  const Variant *v;
  WeftRunOptions options = WEFT_RUN_OPTIONS_INIT;

  if (self->next_variant >= G_N_ELEMENTS (variants))
    {
      gtk_label_set_label (GTK_LABEL (self->status), _("Comparison finished."));
      update_state (self);
      return;
    }

  self->current_variant = self->next_variant;
  v = &variants[self->next_variant++];
  options.executor = v->executor;
  options.gil = v->gil;
  options.workers = v->workers;

  {
    /* Translators: %s is the variant being run, e.g. "threads + GIL" */
    g_autofree char *status = g_strdup_printf (_("Running %s…"), _(v->label));
    gtk_label_set_label (GTK_LABEL (self->status), status);
  }

  self->current = weft_run_new (self->profile, &options);
  g_signal_connect (self->current, "finished", G_CALLBACK (on_run_finished), self);
  if (!weft_run_start (self->current, NULL, &error))
    {
      const char *fields[N_FIELDS + 1] = { _(v->label), "—", "—", "—", "—", error->message, NULL };

      g_signal_handlers_disconnect_by_data (self->current, self);
      g_clear_object (&self->current);
      add_row (self, fields);
      /* Not from inside the caller's frame: let the UI breathe between runs */
      self->idle_id = g_idle_add (start_next_idle, self);
    }
  update_state (self);
}

static void
clear_results (WeftCompareView *self)
{
  GtkWidget *child;

  weft_compare_view_cancel (self);
  g_ptr_array_set_size (self->runs, 0);
  gtk_string_list_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)), NULL);
  while ((child = gtk_widget_get_first_child (self->timelines)) != NULL)
    gtk_box_remove (GTK_BOX (self->timelines), child);
  self->n_timelines = 0;
}

void
weft_compare_view_start (WeftCompareView *self)
{
  g_return_if_fail (WEFT_IS_COMPARE_VIEW (self));

  if (self->profile == NULL || weft_compare_view_get_running (self))
    return;
  clear_results (self);
  self->next_variant = 0;
  self->serial_s = 0;
  start_next (self);
}

void
weft_compare_view_cancel (WeftCompareView *self)
{
  g_return_if_fail (WEFT_IS_COMPARE_VIEW (self));

  g_clear_handle_id (&self->idle_id, g_source_remove);
  self->next_variant = G_N_ELEMENTS (variants);
  if (self->current != NULL)
    weft_run_cancel (self->current);   /* "finished" follows on the main context */
}

gboolean
weft_compare_view_get_running (WeftCompareView *self)
{
  g_return_val_if_fail (WEFT_IS_COMPARE_VIEW (self), FALSE);
  return self->current != NULL || self->idle_id != 0;
}

void
weft_compare_view_set_profile (WeftCompareView   *self,
                               const WeftProfile *profile)
{
  g_return_if_fail (WEFT_IS_COMPARE_VIEW (self));

  if (weft_compare_view_get_running (self))
    {
      /* Let the running one end on its own; its results are dropped */
      g_signal_handlers_disconnect_by_data (self->current, self);
      weft_run_cancel (self->current);
      g_ptr_array_add (self->runs, g_steal_pointer (&self->current));
    }
  clear_results (self);
  g_clear_pointer (&self->profile, weft_profile_free);
  if (profile != NULL)
    self->profile = weft_profile_copy (profile);
  gtk_label_set_label (GTK_LABEL (self->status),
                       profile != NULL ? _("Runs the profile on every executor, one after another.")
                                       : _("Open a workload profile to compare executors."));
  update_state (self);
}

GListModel *
weft_compare_view_get_rows (WeftCompareView *self)
{
  g_return_val_if_fail (WEFT_IS_COMPARE_VIEW (self), NULL);
  return G_LIST_MODEL (self->rows);
}

guint
weft_compare_view_get_n_timelines (WeftCompareView *self)
{
  g_return_val_if_fail (WEFT_IS_COMPARE_VIEW (self), 0);
  return self->n_timelines;
}

static void
on_button_clicked (GtkButton       *button,
                   WeftCompareView *self)
{
  if (weft_compare_view_get_running (self))
    weft_compare_view_cancel (self);
  else
    weft_compare_view_start (self);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (data) == F_LABEL ||
                                           GPOINTER_TO_INT (data) == F_DOMINANT ? 0 : 1);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  const char *row = gtk_string_object_get_string (gtk_list_item_get_item (item));
  g_auto(GStrv) fields = g_strsplit (row, "\t", N_FIELDS);
  int f = GPOINTER_TO_INT (data);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       f < (int) g_strv_length (fields) ? fields[f] : "");
}

static void
weft_compare_view_dispose (GObject *object)
{
  WeftCompareView *self = WEFT_COMPARE_VIEW (object);

  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->current != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->current, self);
      weft_run_cancel (self->current);
      g_clear_object (&self->current);
    }
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->profile, weft_profile_free);
  g_clear_object (&self->rows);

  G_OBJECT_CLASS (weft_compare_view_parent_class)->dispose (object);
}

static void
weft_compare_view_class_init (WeftCompareViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = weft_compare_view_dispose;
}

static void
weft_compare_view_init (WeftCompareView *self)
{
  const char *titles[N_FIELDS] = {
    _("Executor"), _("Workers"), _("Wall"), _("Speedup"), _("Efficiency"), _("Dominant wait"),
  };
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 8);
  gtk_widget_add_css_class (GTK_WIDGET (self), "view-page");

  self->runs = g_ptr_array_new_with_free_func (g_object_unref);
  self->rows = gtk_string_list_new (NULL);

  self->button = gtk_button_new_with_mnemonic (_("_Compare Executors"));
  gtk_widget_add_css_class (self->button, "suggested-action");
  g_signal_connect (self->button, "clicked", G_CALLBACK (on_button_clicked), self);
  gtk_box_append (GTK_BOX (top), self->button);
  self->status = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->status), 0);
  gtk_label_set_wrap (GTK_LABEL (self->status), TRUE);
  gtk_widget_add_css_class (self->status, "dim-label");
  gtk_widget_set_hexpand (self->status, TRUE);
  gtk_box_append (GTK_BOX (top), self->status);
  gtk_box_append (GTK_BOX (self), top);

  self->table = gtk_column_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)))));
  gtk_column_view_set_show_column_separators (GTK_COLUMN_VIEW (self->table), TRUE);
  gtk_widget_add_css_class (self->table, "data-table");
  for (int f = 0; f < N_FIELDS; f++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *col;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (f));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (f));
      col = gtk_column_view_column_new (titles[f], factory);
      gtk_column_view_column_set_expand (col, f == F_LABEL || f == F_DOMINANT);
      gtk_column_view_append_column (GTK_COLUMN_VIEW (self->table), col);
      g_object_unref (col);
    }
  gtk_box_append (GTK_BOX (self), self->table);

  self->timelines = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_box_append (GTK_BOX (self), self->timelines);

  weft_compare_view_set_profile (self, NULL);
}
