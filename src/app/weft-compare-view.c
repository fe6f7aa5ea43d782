/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-comparison.h"
#include "weft-compare-view.h"
#include "weft-session.h"
#include "weft-text-table.h"
#include "weft-timeline-stack.h"

/**
 * WeftCompareView:
 *
 * The chapter's comparison, measured: a #WeftComparison runs the profile
 * serially, on threads with and without the GIL, on processes and on the
 * main loop, each several times, on the UI's main context (nothing
 * blocks), as `weft-cli compare` does. A table of the median wall time with
 * the fastest and slowest run, speedup, efficiency and dominant wait; the
 * comparison's warnings when the spread or the machine's load makes it
 * unreliable; and the median runs' timelines one above the other, all on
 * one time axis from each run's start, so that a run twice as long looks
 * twice as long.
 */
struct _WeftCompareView
{
  GtkBox          parent_instance;

  WeftProfile    *profile;
  WeftComparison *comparison;
  GCancellable   *cancellable;

  GtkWidget      *button;
  GtkWidget      *runtimes;     /* "Model and real CPython": the variants are the runtimes */
  GtkWidget      *status;
  GtkWidget      *warning;
  GtkStringList  *rows;
  GtkWidget      *table;
  WeftTimelineStack *timelines; /* the median runs on one time axis */
};

G_DEFINE_FINAL_TYPE (WeftCompareView, weft_compare_view, GTK_TYPE_BOX)

/* The variants' labels, for translation; the engine names them in English */
static const char * const variant_labels[][2] = {
  { "serial", N_("serial") },
  { "threads + GIL", N_("threads + GIL") },
  { "threads, no GIL", N_("threads, no GIL") },
  { "processes", N_("processes") },
  { "mainloop", N_("main loop") },
};

enum { F_LABEL, F_WORKERS, F_RUNS, F_WALL, F_RANGE, F_SPEEDUP, F_EFFICIENCY, F_DOMINANT, N_FIELDS };

GtkWidget *
weft_compare_view_new (void)
{
  return g_object_new (WEFT_TYPE_COMPARE_VIEW, NULL);
}

static const char *
row_label (const WeftComparisonRow *row)
{
  for (guint i = 0; i < G_N_ELEMENTS (variant_labels); i++)
    if (g_str_equal (row->label, variant_labels[i][0]))
      return _(variant_labels[i][1]);
  return row->label;
}

static void
update_state (WeftCompareView *self)
{
  gtk_widget_set_sensitive (self->button, self->profile != NULL);
  gtk_button_set_label (GTK_BUTTON (self->button),
                        weft_compare_view_get_running (self) ? _("_Stop Comparing")
                                                             : _("_Compare Executors"));
}

static char *
row_text (const WeftComparisonRow *row)
{
  g_autofree char *workers = g_strdup_printf ("%u", row->workers);
  g_autofree char *runs = g_strdup_printf ("%u", row->repeats);
  g_autofree char *wall = g_strdup_printf ("%.3f s", row->wall_ns / 1e9);
  g_autofree char *range = g_strdup_printf ("%.3f–%.3f s", row->wall_min_ns / 1e9, row->wall_max_ns / 1e9);
  g_autofree char *speedup = g_strdup_printf ("%.2f×", row->speedup);
  g_autofree char *efficiency = row->has_efficiency ? g_strdup_printf ("%.0f %%", 100 * row->efficiency)
                                                    : g_strdup ("—");
  const char *fields[N_FIELDS + 1] = { NULL };

  if (row->error != NULL)
    return g_strjoin ("\t", row_label (row), "—", "—", "—", "—", "—", "—", row->error, NULL);

  fields[F_LABEL] = row_label (row);
  fields[F_WORKERS] = workers;
  fields[F_RUNS] = runs;
  fields[F_WALL] = wall;
  fields[F_RANGE] = range;
  fields[F_SPEEDUP] = speedup;
  fields[F_EFFICIENCY] = efficiency;
  fields[F_DOMINANT] = row->cancelled ? _("stopped")
                       : row->dominant_wait != WEFT_STATE_IDLE ? weft_state_to_nick (row->dominant_wait)
                       : "—";
  return g_strjoinv ("\t", (char **) fields);
}

/* The table, from the comparison's rows that have a run (or an error) */
static void
update_rows (WeftCompareView *self)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  guint n = weft_comparison_get_n_rows (self->comparison);

  for (guint i = 0; i < n; i++)
    {
      const WeftComparisonRow *row = weft_comparison_get_row (self->comparison, i);

      if (row->repeats > 0 || row->error != NULL)
        g_ptr_array_add (texts, row_text (row));
    }
  gtk_string_list_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                          (const char * const *) texts->pdata);
}

static void
on_progress (WeftComparison  *comparison,
             WeftCompareView *self)
{
  guint row, repeat;

  update_rows (self);
  if (weft_comparison_get_current (comparison, &row, &repeat))
    {
      /* Translators: status of a comparison: the variant being run, e.g.
       * "threads + GIL", which of its runs and how many */
      g_autofree char *status = g_strdup_printf (_("Running %s (run %u of %u)…"),
                                                 row_label (weft_comparison_get_row (comparison, row)),
                                                 repeat + 1, weft_comparison_get_repeats (comparison));
      gtk_label_set_label (GTK_LABEL (self->status), status);
    }
}

/* The timeline of a row's median run: Weft's or a real CPython's */
static WeftTraceModel *
median_model (WeftComparison *comparison,
              guint           row)
{
  WeftRun *run = weft_comparison_get_median_run (comparison, row);
  WeftCpythonRuntime *real = weft_comparison_get_median_real (comparison, row);

  return run != NULL ? weft_run_get_model (run) : real != NULL ? weft_cpython_runtime_get_model (real) : NULL;
}

/* The median run of each variant, one above the other, on one time axis */
static void
show_timelines (WeftCompareView *self)
{
  guint n = weft_comparison_get_n_rows (self->comparison);

  weft_timeline_stack_clear (self->timelines);
  for (guint i = 0; i < n; i++)
    {
      WeftTraceModel *model = median_model (self->comparison, i);
      const WeftComparisonRow *row = weft_comparison_get_row (self->comparison, i);
      g_autofree char *title = NULL;

      if (model == NULL)
        continue;
      if (weft_comparison_get_median_real (self->comparison, i) != NULL)
        /* Translators: a real CPython's timeline: its median wall time is the
         * program's own, without the interpreter's start-up (which the
         * timeline shows first) */
        title = g_strdup_printf (_("%s — %.3f s (median, without start-up)"),
                                 row_label (row), row->wall_ns / 1e9);
      else
        /* Translators: title of one timeline of the comparison: variant, its median wall time */
        title = g_strdup_printf (_("%s — %.3f s (median)"), row_label (row), row->wall_ns / 1e9);
      weft_timeline_stack_add (self->timelines, title, model);
    }
}

/* A comparison's warning in the app's words */
static char *
warning_text (WeftComparison              *comparison,
              const WeftComparisonWarning *w)
{
  const WeftComparisonRow *row = weft_comparison_get_row (comparison, w->row);
  guint cores = g_get_num_processors ();
  double load = weft_comparison_get_other_load (comparison);

  switch (w->kind)
    {
    case WEFT_COMPARISON_WARNING_LOAD:
      /* Translators: %.2f cores of the machine's %u were busy with other
       * processes, %.0f is that share in percent */
      return g_strdup_printf (_("Other processes kept %.2f of the %u cores busy during the runs (%.0f %% of the machine): the times are not reliable."),
                              load, cores, 100 * load / cores);
    case WEFT_COMPARISON_WARNING_SPREAD:
      /* Translators: a variant's runs, their fastest and slowest wall time,
       * and how far apart in percent of the median */
      return g_strdup_printf (_("%s: its %u runs took %.3f to %.3f s, a spread of %.0f %% of the median: the times are not reliable."),
                              row_label (row), row->repeats, row->wall_min_ns / 1e9, row->wall_max_ns / 1e9,
                              100 * weft_comparison_row_get_spread (row));
    case WEFT_COMPARISON_WARNING_TOO_FAST:
      /* Translators: a variant, its workers and its speedup over the serial run */
      return g_strdup_printf (_("%s: %u workers came out %.2f× faster than the serial run, more than they can be: the serial time is not reliable."),
                              row_label (row), row->workers, row->speedup);
    case WEFT_COMPARISON_WARNING_RAN_ONCE:
    default:
      return g_strdup (_("Each variant ran once: how much its time varies is unknown."));
    }
}

static void
show_warnings (WeftCompareView *self)
{
  guint n;
  const WeftComparisonWarning *warnings = weft_comparison_get_warning_kinds (self->comparison, &n);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = warning_text (self->comparison, &warnings[i]);

      g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", line);
    }
  gtk_label_set_label (GTK_LABEL (self->warning), text->str);
  gtk_widget_set_visible (self->warning, n > 0);
}

static void
on_compared (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(WeftCompareView) self = user_data;
  WeftComparison *comparison = WEFT_COMPARISON (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  gboolean ok = weft_comparison_run_finish (comparison, result, &error);

  if (comparison != self->comparison)
    return;   /* dropped for another profile */

  g_clear_object (&self->cancellable);
  update_rows (self);
  show_timelines (self);
  show_warnings (self);
  /* Translators: the comparison ended (or was stopped); %.2f is how many
   * cores other processes kept busy, %u the machine's cores */
  status = g_strdup_printf (ok ? _("Comparison finished: %u runs of each variant, median shown; other processes kept %.2f of %u cores busy.")
                               : _("Comparison stopped after %u runs of each variant at most; other processes kept %.2f of %u cores busy."),
                            weft_comparison_get_repeats (comparison),
                            weft_comparison_get_other_load (comparison), g_get_num_processors ());
  gtk_label_set_label (GTK_LABEL (self->status), status);
  update_state (self);
}

static void
drop_comparison (WeftCompareView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->comparison != NULL)
    g_signal_handlers_disconnect_by_data (self->comparison, self);
  g_clear_object (&self->comparison);
}

static void
clear_results (WeftCompareView *self)
{
  drop_comparison (self);
  gtk_string_list_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)), NULL);
  weft_timeline_stack_clear (self->timelines);
  gtk_widget_set_visible (self->warning, FALSE);
}

/**
 * weft_compare_view_start_repeats:
 * @repeats: runs of each variant (%WEFT_COMPARISON_DEFAULT_REPEATS in the app)
 */
void
weft_compare_view_start_repeats (WeftCompareView *self,
                                 guint            repeats)
{
  g_return_if_fail (WEFT_IS_COMPARE_VIEW (self));

  if (self->profile == NULL || weft_compare_view_get_running (self))
    return;
  clear_results (self);
  if (gtk_check_button_get_active (GTK_CHECK_BUTTON (self->runtimes)))
    {
      static const char * const default_python[] = { "", NULL };
      g_autoptr(GError) error = NULL;

      self->comparison = weft_comparison_new_runtimes (self->profile, repeats, TRUE, default_python, &error);
      if (self->comparison == NULL)
        {
          gtk_label_set_label (GTK_LABEL (self->status), error->message);
          return;
        }
    }
  else
    self->comparison = weft_comparison_new (self->profile, repeats);
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self->comparison, "progress", G_CALLBACK (on_progress), self);
  weft_comparison_run_async (self->comparison, self->cancellable, on_compared, g_object_ref (self));
  update_state (self);
}

void
weft_compare_view_start (WeftCompareView *self)
{
  weft_compare_view_start_repeats (self, WEFT_COMPARISON_DEFAULT_REPEATS);
}

void
weft_compare_view_cancel (WeftCompareView *self)
{
  g_return_if_fail (WEFT_IS_COMPARE_VIEW (self));

  /* the comparison stops its run; on_compared follows on the main context */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

gboolean
weft_compare_view_get_running (WeftCompareView *self)
{
  g_return_val_if_fail (WEFT_IS_COMPARE_VIEW (self), FALSE);
  return self->cancellable != NULL;
}

void
weft_compare_view_set_profile (WeftCompareView   *self,
                               const WeftProfile *profile)
{
  g_return_if_fail (WEFT_IS_COMPARE_VIEW (self));

  /* A comparison going on ends on its own; its results are dropped */
  clear_results (self);
  g_clear_pointer (&self->profile, weft_profile_free);
  if (profile != NULL)
    self->profile = weft_profile_copy (profile);
  gtk_label_set_label (GTK_LABEL (self->status),
                       profile != NULL ? _("Runs the profile on every executor, each several times, one run after another.")
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
  return weft_timeline_stack_get_n_timelines (self->timelines);
}

/* Returns: (transfer none): the session of the @i-th timeline */
WeftSession *
weft_compare_view_get_session (WeftCompareView *self,
                               guint            i)
{
  g_return_val_if_fail (WEFT_IS_COMPARE_VIEW (self), NULL);
  return weft_timeline_stack_get_session (self->timelines, i);
}

/* Whether the next comparison is of Weft's model and real CPython (the
 * toggle) instead of the executors */
void
weft_compare_view_set_runtimes (WeftCompareView *self,
                                gboolean         runtimes)
{
  g_return_if_fail (WEFT_IS_COMPARE_VIEW (self));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->runtimes), runtimes);
}

/* Returns: (transfer none) (nullable): the comparison shown */
WeftComparison *
weft_compare_view_get_comparison (WeftCompareView *self)
{
  g_return_val_if_fail (WEFT_IS_COMPARE_VIEW (self), NULL);
  return self->comparison;
}

/* Returns: the warnings shown, one a line; "" when none */
const char *
weft_compare_view_get_warning_text (WeftCompareView *self)
{
  g_return_val_if_fail (WEFT_IS_COMPARE_VIEW (self), NULL);
  return gtk_widget_get_visible (self->warning) ? gtk_label_get_label (GTK_LABEL (self->warning)) : "";
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
weft_compare_view_dispose (GObject *object)
{
  WeftCompareView *self = WEFT_COMPARE_VIEW (object);

  drop_comparison (self);
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
    _("Executor"), _("Workers"), _("Runs"), _("Wall (median)"), _("Fastest–slowest"),
    _("Speedup"), _("Efficiency"), _("Dominant wait"),
  };
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 8);
  gtk_widget_add_css_class (GTK_WIDGET (self), "view-page");

  self->rows = gtk_string_list_new (NULL);

  self->button = gtk_button_new_with_mnemonic (_("_Compare Executors"));
  gtk_widget_add_css_class (self->button, "suggested-action");
  g_signal_connect (self->button, "clicked", G_CALLBACK (on_button_clicked), self);
  gtk_box_append (GTK_BOX (top), self->button);
  self->runtimes = gtk_check_button_new_with_mnemonic (_("Model and _real CPython"));
  gtk_widget_set_tooltip_text (self->runtimes, _("Compare Weft's model of the profile with the profile run as real Python code by the machine's python3"));
  gtk_box_append (GTK_BOX (top), self->runtimes);
  self->status = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->status), 0);
  gtk_label_set_wrap (GTK_LABEL (self->status), TRUE);
  gtk_widget_add_css_class (self->status, "dim-label");
  gtk_widget_set_hexpand (self->status, TRUE);
  gtk_box_append (GTK_BOX (top), self->status);
  gtk_box_append (GTK_BOX (self), top);

  /* The comparison's own words when it cannot be trusted */
  self->warning = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->warning), 0);
  gtk_label_set_wrap (GTK_LABEL (self->warning), TRUE);
  gtk_widget_add_css_class (self->warning, "warning");
  gtk_widget_set_visible (self->warning, FALSE);
  gtk_box_append (GTK_BOX (self), self->warning);

  self->table = weft_text_table_new (G_LIST_MODEL (self->rows), titles, N_FIELDS,
                                     1u << F_LABEL | 1u << F_DOMINANT, 1u << F_LABEL | 1u << F_DOMINANT);
  gtk_box_append (GTK_BOX (self), self->table);

  self->timelines = WEFT_TIMELINE_STACK (weft_timeline_stack_new ());
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->timelines));

  weft_compare_view_set_profile (self, NULL);
}
