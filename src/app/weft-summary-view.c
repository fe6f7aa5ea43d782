/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-legend.h"
#include "weft-python-version.h"
#include "weft-state-bars.h"
#include "weft-step-chart.h"
#include "weft-summary-view.h"
#include "weft-summary.h"

/**
 * WeftSummaryView:
 *
 * The run at a glance: wall time, speedup and efficiency (the figures of
 * a #WeftSummary, as the CLI prints them), the tasks' outcome, each
 * worker's time per state as a stacked bar, and the parallelism over time.
 */
struct _WeftSummaryView
{
  GtkBox          parent_instance;

  WeftTraceModel *model;
  WeftSummary    *summary;

  GtkWidget      *headline;
  GtkWidget      *model_label;
  GtkWidget      *tasks_label;
  GtkWidget      *bars;
  GtkWidget      *chart_heading;
  GtkWidget      *chart;
};

G_DEFINE_FINAL_TYPE (WeftSummaryView, weft_summary_view, GTK_TYPE_BOX)

GtkWidget *
weft_summary_view_new (void)
{
  return g_object_new (WEFT_TYPE_SUMMARY_VIEW, NULL);
}

/* What the overlap of waits bought, when there is no speedup to give */
static char *
overlap_text (WeftSummary *summary)
{
  guint workers = weft_summary_get_n_workers_or_lanes (summary);

  if (!weft_summary_get_serial_from_tasks (summary))
    /* Translators: the figures of another program's trace; %.2f is a mean count */
    return g_strdup_printf (_("on average %.2f lanes busy at once"), weft_summary_get_concurrency (summary));
  /* Translators: waits for I/O overlapped: tasks, workers, how many times
   * less wall time than doing everything one after another */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u tasks' waits overlapped on %u worker: %.0f× less wall time than one after another",
                                       "%u tasks' waits overlapped on %u workers: %.0f× less wall time than one after another",
                                       workers),
                          (guint) weft_summary_get_n_tasks_ended (summary), workers,
                          weft_summary_get_concurrency (summary));
}

static void
update_headline (WeftSummaryView *self)
{
  WeftSummary *summary = self->summary;
  g_autofree char *headline = NULL;
  double wall_s = weft_summary_get_wall_ns (summary) / 1e9;
  double serial_s = weft_summary_get_serial_ns (summary) / 1e9;
  double speedup, efficiency;

  if (!weft_summary_get_speedup (summary, &speedup))
    {
      g_autofree char *overlap = overlap_text (summary);

      /* Translators: the summary's figures of work with waits: wall time,
       * serial work, and what the overlap of the waits bought */
      headline = g_strdup_printf (_("Wall %.3f s · serial work %.3f s · %s"), wall_s, serial_s, overlap);
    }
  else if (weft_summary_get_efficiency (summary, &efficiency))
    /* Translators: the summary's figures: wall time, serial work, speedup,
     * efficiency and the number of workers */
    headline = g_strdup_printf (_("Wall %.3f s · serial work %.3f s · speedup %.2f× · efficiency %.0f %% on %d workers"),
                                wall_s, serial_s, speedup, 100 * efficiency,
                                (int) weft_summary_get_n_workers (summary));
  else
    /* Translators: the summary's figures of a trace whose worker count is
     * unknown: wall time, serial work, speedup */
    headline = g_strdup_printf (_("Wall %.3f s · serial work %.3f s · speedup %.2f×"),
                                wall_s, serial_s, speedup);
  gtk_label_set_label (GTK_LABEL (self->headline), headline);
}

/* The CPython a model run followed and what that decided, as weft-cli's
 * summary says it; nothing for another program's trace or a real CPython. */
static char *
model_text (WeftSummary *summary)
{
  const char *python = weft_summary_get_python (summary);
  guint version;

  if (python == NULL)
    return NULL;
  if (weft_summary_get_gil (summary) != 1 || !weft_python_version_parse (python, &version))
    /* Translators: %s is a CPython version, 3.11 */
    return g_strdup_printf (_("Models CPython %s"), python);
  if (weft_python_version_switches_inside_statements (version))
    /* Translators: %s is a CPython version, 3.9 */
    return g_strdup_printf (_("Models CPython %s: the GIL may switch between bytecodes, so “+=” can be torn"), python);
  /* Translators: %s is a CPython version, 3.11 */
  return g_strdup_printf (_("Models CPython %s: the GIL switches only at backward jumps and calls"), python);
}

static void
update_model (WeftSummaryView *self)
{
  g_autofree char *text = self->summary != NULL ? model_text (self->summary) : NULL;

  gtk_label_set_label (GTK_LABEL (self->model_label), text != NULL ? text : "");
  gtk_widget_set_visible (self->model_label, text != NULL);
}

static void
update_figures (WeftSummaryView *self)
{
  const WeftSummaryTasks *tasks;

  update_model (self);
  if (self->summary == NULL)
    {
      gtk_label_set_label (GTK_LABEL (self->headline), "");
      gtk_label_set_label (GTK_LABEL (self->tasks_label), "");
      return;
    }

  update_headline (self);
  tasks = weft_summary_get_tasks (self->summary);
  if (tasks != NULL && tasks->not_started >= 0)
    {
      /* Translators: counts of tasks by outcome */
      g_autofree char *text = g_strdup_printf (_("Tasks: %d ok, %d failed, %d cancelled, %d not started"),
                                               (int) tasks->ok, (int) tasks->failed,
                                               (int) tasks->cancelled, (int) tasks->not_started);
      gtk_label_set_label (GTK_LABEL (self->tasks_label), text);
    }
  else if (tasks != NULL)
    {
      /* Translators: counts of tasks by outcome, read from a trace */
      g_autofree char *text = g_strdup_printf (_("Tasks: %d ok, %d failed, %d cancelled"),
                                               (int) tasks->ok, (int) tasks->failed,
                                               (int) tasks->cancelled);
      gtk_label_set_label (GTK_LABEL (self->tasks_label), text);
    }
  else
    gtk_label_set_label (GTK_LABEL (self->tasks_label), "");
}

static void
update_charts (WeftSummaryView *self)
{
  WeftRunStats rs = { 0 };
  const WeftCounterTrack *track = NULL;

  weft_state_bars_set_model (WEFT_STATE_BARS (self->bars), self->model);
  if (self->model != NULL)
    {
      weft_trace_model_get_run_stats (self->model, &rs);
      track = weft_trace_model_get_parallelism (self->model);
    }
  gtk_label_set_label (GTK_LABEL (self->chart_heading),
                       self->model == NULL || !weft_trace_model_is_recording (self->model)
                       ? _("Parallelism over time")
                       /* Translators: a recorded program's threads not in a recorded wait */
                       : _("Threads not waiting over time (on a core or not: not measured)"));
  weft_step_chart_set_track (WEFT_STEP_CHART (self->chart), self->model, track, rs.first_ns, rs.last_ns);
}

void
weft_summary_view_refresh (WeftSummaryView *self)
{
  g_return_if_fail (WEFT_IS_SUMMARY_VIEW (self));

  update_charts (self);
}

/**
 * weft_summary_view_set_summary:
 * @model: (nullable): the timeline the charts read
 * @summary: (nullable) (transfer none): the figures to show
 */
void
weft_summary_view_set_summary (WeftSummaryView *self,
                               WeftTraceModel  *model,
                               WeftSummary     *summary)
{
  g_return_if_fail (WEFT_IS_SUMMARY_VIEW (self));

  g_set_object (&self->model, model);
  g_set_object (&self->summary, summary);
  update_figures (self);
  update_charts (self);
}

void
weft_summary_view_set_data (WeftSummaryView     *self,
                            WeftTraceModel      *model,
                            const WeftProfile   *profile,
                            const WeftRunResult *result)
{
  g_autoptr(WeftSummary) summary = NULL;

  g_return_if_fail (WEFT_IS_SUMMARY_VIEW (self));

  if (model != NULL)
    summary = weft_summary_new (model, profile, result);
  weft_summary_view_set_summary (self, model, summary);
}

/**
 * weft_summary_view_set_trace:
 * @meta: (nullable): what the trace file says about its run
 *
 * Shows a trace read back: what ran from @meta when Weft wrote it.
 */
void
weft_summary_view_set_trace (WeftSummaryView     *self,
                             WeftTraceModel      *model,
                             const WeftTraceMeta *meta)
{
  g_autoptr(WeftSummary) summary = NULL;

  g_return_if_fail (WEFT_IS_SUMMARY_VIEW (self));
  g_return_if_fail (WEFT_IS_TRACE_MODEL (model));

  summary = weft_summary_new_for_trace (model, meta);
  weft_summary_view_set_summary (self, model, summary);
}

/* Returns: (transfer none) (nullable): the figures shown */
WeftSummary *
weft_summary_view_get_summary (WeftSummaryView *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY_VIEW (self), NULL);
  return self->summary;
}

GtkWidget *
weft_summary_view_get_bars (WeftSummaryView *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY_VIEW (self), NULL);
  return self->bars;
}

/* Returns: (transfer none) (nullable): the line that says which CPython a
 * model run followed, NULL when none is shown */
const char *
weft_summary_view_get_model_text (WeftSummaryView *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY_VIEW (self), NULL);
  return gtk_widget_get_visible (self->model_label) ? gtk_label_get_label (GTK_LABEL (self->model_label)) : NULL;
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
  g_clear_object (&self->summary);

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

  self->model_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->model_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->model_label), TRUE);
  gtk_widget_add_css_class (self->model_label, "dim-label");
  gtk_widget_set_visible (self->model_label, FALSE);
  gtk_box_append (box, self->model_label);

  self->tasks_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->tasks_label), 0);
  gtk_widget_add_css_class (self->tasks_label, "dim-label");
  gtk_box_append (box, self->tasks_label);

  gtk_box_append (box, heading (_("Time per worker")));
  self->bars = weft_state_bars_new ();
  gtk_box_append (box, self->bars);
  {
    GtkWidget *legend = weft_legend_new ();

    weft_legend_set_states_only (WEFT_LEGEND (legend), TRUE);
    gtk_box_append (box, legend);
  }

  self->chart_heading = heading (_("Parallelism over time"));
  gtk_box_append (box, self->chart_heading);
  self->chart = weft_step_chart_new ();
  /* Translators: the reference line of the parallelism chart; %u is a count */
  cores = g_strdup_printf (_("%u cores"), g_get_num_processors ());
  weft_step_chart_set_reference (WEFT_STEP_CHART (self->chart), g_get_num_processors (), cores);
  gtk_box_append (box, self->chart);
}
