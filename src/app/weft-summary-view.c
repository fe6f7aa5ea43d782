/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-legend.h"
#include "weft-state-bars.h"
#include "weft-step-chart.h"
#include "weft-summary-view.h"
#include "weft-summary.h"

/**
 * WeftSummaryView:
 *
 * The run at a glance: wall time, speedup and efficiency (the numbers of
 * weft_summary_build(), as the CLI prints them), the tasks' outcome, each
 * worker's time per state as a stacked bar, and the parallelism over time.
 */
struct _WeftSummaryView
{
  GtkBox          parent_instance;

  WeftTraceModel *model;
  JsonNode       *summary;

  GtkWidget      *headline;
  GtkWidget      *tasks_label;
  GtkWidget      *bars;
  GtkWidget      *chart;
};

G_DEFINE_FINAL_TYPE (WeftSummaryView, weft_summary_view, GTK_TYPE_BOX)

GtkWidget *
weft_summary_view_new (void)
{
  return g_object_new (WEFT_TYPE_SUMMARY_VIEW, NULL);
}

static gint64
get_int (JsonObject *o,
         const char *member)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, member) : NULL;

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_int (n) : 0;
}

static void
update_figures (WeftSummaryView *self)
{
  JsonObject *o;
  JsonNode *tasks;
  g_autofree char *headline = NULL;
  double wall_s, serial_s, speedup, efficiency;
  gint64 n_workers;

  if (self->summary == NULL)
    {
      gtk_label_set_label (GTK_LABEL (self->headline), "");
      gtk_label_set_label (GTK_LABEL (self->tasks_label), "");
      return;
    }

  o = json_node_get_object (self->summary);
  wall_s = weft_summary_get_double (self->summary, "wall_s");
  serial_s = weft_summary_get_double (self->summary, "serial_s");
  speedup = weft_summary_get_double (self->summary, "speedup");
  efficiency = weft_summary_get_double (self->summary, "efficiency");
  n_workers = get_int (o, "n_workers");

  /* Translators: the summary's figures: wall time, serial work, speedup,
   * efficiency and the number of workers */
  headline = g_strdup_printf (_("Wall %.3f s · serial work %.3f s · speedup %.2f× · efficiency %.0f %% on %d workers"),
                              wall_s, serial_s, speedup, 100 * efficiency, (int) n_workers);
  gtk_label_set_label (GTK_LABEL (self->headline), headline);

  tasks = json_object_get_member (o, "tasks");
  if (tasks != NULL && JSON_NODE_HOLDS_OBJECT (tasks))
    {
      JsonObject *t = json_node_get_object (tasks);
      /* Translators: counts of tasks by outcome */
      g_autofree char *text = g_strdup_printf (_("Tasks: %d ok, %d failed, %d cancelled, %d not started"),
                                               (int) get_int (t, "ok"), (int) get_int (t, "failed"),
                                               (int) get_int (t, "cancelled"), (int) get_int (t, "not_started"));
      gtk_label_set_label (GTK_LABEL (self->tasks_label), text);
    }
  else
    gtk_label_set_label (GTK_LABEL (self->tasks_label), "");
}

static void
update_charts (WeftSummaryView *self)
{
  WeftRunStats rs = { 0 };
  const WeftCounterPoint *points = NULL;
  guint n = 0;

  weft_state_bars_set_model (WEFT_STATE_BARS (self->bars), self->model);
  if (self->model != NULL)
    {
      weft_trace_model_get_run_stats (self->model, &rs);
      points = weft_trace_model_get_parallelism (self->model, &n);
    }
  weft_step_chart_set_points (WEFT_STEP_CHART (self->chart), points, n, rs.first_ns, rs.last_ns);
}

void
weft_summary_view_refresh (WeftSummaryView *self)
{
  g_return_if_fail (WEFT_IS_SUMMARY_VIEW (self));

  update_charts (self);
}

void
weft_summary_view_set_data (WeftSummaryView     *self,
                            WeftTraceModel      *model,
                            const WeftProfile   *profile,
                            const WeftRunResult *result)
{
  g_return_if_fail (WEFT_IS_SUMMARY_VIEW (self));

  g_set_object (&self->model, model);
  g_clear_pointer (&self->summary, json_node_unref);
  if (model != NULL)
    self->summary = weft_summary_build (model, profile, result);
  update_figures (self);
  update_charts (self);
}

GtkWidget *
weft_summary_view_get_bars (WeftSummaryView *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY_VIEW (self), NULL);
  return self->bars;
}

const char *
weft_summary_view_get_headline (WeftSummaryView *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY_VIEW (self), NULL);
  return gtk_label_get_label (GTK_LABEL (self->headline));
}

static void
weft_summary_view_dispose (GObject *object)
{
  WeftSummaryView *self = WEFT_SUMMARY_VIEW (object);

  g_clear_object (&self->model);
  g_clear_pointer (&self->summary, json_node_unref);

  G_OBJECT_CLASS (weft_summary_view_parent_class)->dispose (object);
}

static void
weft_summary_view_class_init (WeftSummaryViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = weft_summary_view_dispose;
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
weft_summary_view_init (WeftSummaryView *self)
{
  GtkBox *box = GTK_BOX (self);
  g_autofree char *cores = NULL;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (box, 8);
  gtk_widget_add_css_class (GTK_WIDGET (self), "view-page");

  self->headline = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->headline), 0);
  gtk_label_set_wrap (GTK_LABEL (self->headline), TRUE);
  gtk_widget_add_css_class (self->headline, "summary-headline");
  gtk_box_append (box, self->headline);

  self->tasks_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->tasks_label), 0);
  gtk_widget_add_css_class (self->tasks_label, "dim-label");
  gtk_box_append (box, self->tasks_label);

  gtk_box_append (box, heading (_("Time per worker")));
  self->bars = weft_state_bars_new ();
  gtk_box_append (box, self->bars);
  gtk_box_append (box, weft_legend_new ());

  gtk_box_append (box, heading (_("Parallelism over time")));
  self->chart = weft_step_chart_new ();
  /* Translators: the reference line of the parallelism chart; %u is a count */
  cores = g_strdup_printf (_("%u cores"), g_get_num_processors ());
  weft_step_chart_set_reference (WEFT_STEP_CHART (self->chart), g_get_num_processors (), cores);
  gtk_box_append (box, self->chart);
}
