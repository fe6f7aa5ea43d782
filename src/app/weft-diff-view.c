/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-diff-view.h"
#include "weft-loader.h"
#include "weft-state-style.h"
#include "weft-summary.h"
#include "weft-text-table.h"

/**
 * WeftDiffView:
 *
 * A/B comparison of any two recordings, as `weft-cli diff` prints it: pick
 * A and B from this window's runs and the recent files, or drop two files
 * on the view. Trace files are read and profiles run (on the main
 * context, nothing blocks). Shows both timelines on one time axis from
 * each run's start (a #WeftTimelineStack, as the Compare view does) and
 * the #WeftDiff's table of what changed, biggest change first.
 */
typedef struct
{
  char    *title;
  WeftRun *run;    /* a run of this window, or NULL */
  GFile   *file;   /* a file to read (or a profile to run), or NULL */
  gboolean dropped; /* dropped on the view: kept by weft_diff_view_clear_sources() */
} Source;

struct _WeftDiffView
{
  GtkBox             parent_instance;

  GPtrArray         *sources;      /* (element-type Source) */
  GtkStringList     *titles;       /* the sources' titles, for the pickers */
  GCancellable      *cancellable;  /* the comparison being prepared */
  guint              generation;   /* bumped by each comparison: late answers are dropped */
  guint              pending;      /* sides still loading or running */
  char              *side_title[2];
  WeftTraceModel    *side_model[2];
  WeftSummary       *side_summary[2];
  WeftDiff          *diff;

  GtkWidget         *pick[2];
  GtkWidget         *button;
  GtkWidget         *status;
  GtkStringList     *rows;
  GtkWidget         *table;
  WeftTimelineStack *timelines;
};

G_DEFINE_FINAL_TYPE (WeftDiffView, weft_diff_view, GTK_TYPE_BOX)

enum { F_WHAT, F_A, F_B, F_DIFFERENCE, F_SHARE, N_FIELDS };

/* One side being read or run */
typedef struct
{
  WeftDiffView *self;
  guint         generation;
  guint         side;
  char         *title;
  WeftLoader   *loader;
  WeftRun      *run;
} Job;

static void
job_free (Job *job)
{
  g_object_unref (job->self);
  g_free (job->title);
  g_clear_object (&job->loader);
  g_clear_object (&job->run);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static void
source_free (gpointer data)
{
  Source *source = data;

  g_free (source->title);
  g_clear_object (&source->run);
  g_clear_object (&source->file);
  g_free (source);
}

GtkWidget *
weft_diff_view_new (void)
{
  return g_object_new (WEFT_TYPE_DIFF_VIEW, NULL);
}

static void
set_status (WeftDiffView *self,
            const char   *text)
{
  gtk_label_set_label (GTK_LABEL (self->status), text);
}

static void
update_state (WeftDiffView *self)
{
  gboolean enough = self->sources->len >= 2;

  gtk_widget_set_sensitive (self->button, enough && self->pending == 0);
  if (self->pending == 0 && self->diff == NULL)
    set_status (self, enough ? _("Pick two recordings, or drop two trace files here.")
                             : _("Run a profile or open traces to compare them, or drop two trace files here."));
}

static void
clear_sides (WeftDiffView *self)
{
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&self->side_title[i], g_free);
      g_clear_object (&self->side_model[i]);
      g_clear_object (&self->side_summary[i]);
    }
}

/* ---- Showing ------------------------------------------------------------- */

/* The row in the app's words (weft_diff_row_dup_label() is the CLI's) */
static char *
row_label (const WeftDiffRow *row)
{
  g_autofree char *lane = row->subject_a != NULL ? g_strdup_printf ("%s → %s", row->subject_a, row->subject)
                                                 : g_strdup (row->subject);
  const char *state = weft_state_style_get_label (row->state);

  switch (row->kind)
    {
    /* Translators: the rows of the Diff view's table */
    case WEFT_DIFF_WALL:            return g_strdup (_("Wall time"));
    /* Translators: a state's time summed over all lanes, e.g. "Waiting for the GIL (all lanes)" */
    case WEFT_DIFF_STATE:           return g_strdup_printf (_("%s (all lanes)"), state);
    /* Translators: a lane and a state: "thread 0: Waiting for the GIL" */
    case WEFT_DIFF_LANE_STATE:      return g_strdup_printf (_("%s: %s"), lane, state);
    case WEFT_DIFF_LOCK_WAIT:       return g_strdup_printf (_("Lock %s: waits"), row->subject);
    case WEFT_DIFF_LOCK_HOLD:       return g_strdup_printf (_("Lock %s: held"), row->subject);
    case WEFT_DIFF_GIL_WAIT:        return g_strdup (_("GIL: waits"));
    case WEFT_DIFF_GIL_HOLD:        return g_strdup (_("GIL: held"));
    case WEFT_DIFF_QUEUE_BLOCKED:   return g_strdup_printf (_("Queue %s: blocked"), row->subject);
    case WEFT_DIFF_LOOP_LAG:        return g_strdup (_("Main loop: latest wake-up"));
    case WEFT_DIFF_LOST_UPDATES:    return g_strdup_printf (_("Counter %s: lost updates"), row->subject);
    case WEFT_DIFF_TASKS_OK:        return g_strdup (_("Tasks done"));
    case WEFT_DIFF_TASKS_FAILED:    return g_strdup (_("Tasks failed"));
    case WEFT_DIFF_TASKS_CANCELLED: return g_strdup (_("Tasks cancelled"));
    case WEFT_DIFF_LOCK_CONTENDED:  return g_strcmp0 (row->subject, "GIL") == 0
                                           ? g_strdup (_("GIL: contended acquisitions"))
                                           : g_strdup_printf (_("Lock %s: contended acquisitions"), row->subject);
    case WEFT_DIFF_QUEUE_MAX_DEPTH: return g_strdup_printf (_("Queue %s: most items"), row->subject);
    default:                        return weft_diff_row_dup_label (row);
    }
}

static char *
row_text (const WeftDiffRow *row)
{
  g_autofree char *what = row_label (row);
  g_autofree char *a = weft_diff_row_dup_value (row, 0);
  g_autofree char *b = weft_diff_row_dup_value (row, 1);
  g_autofree char *d = weft_diff_row_dup_value (row, 2);
  g_autofree char *share = g_strdup_printf ("%.1f %%", 100 * row->share);

  return g_strjoin ("\t", what, a, b, d, share, NULL);
}

static void
show_rows (WeftDiffView *self)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  guint n = 0;
  const WeftDiffRow *rows = self->diff != NULL ? weft_diff_get_rows (self->diff, &n) : NULL;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (texts, row_text (&rows[i]));
  gtk_string_list_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                          (const char * const *) texts->pdata);
}

static void
show_diff (WeftDiffView *self)
{
  g_autofree char *status = NULL;

  g_clear_object (&self->diff);
  self->diff = weft_diff_new (self->side_summary[0], self->side_summary[1]);
  weft_diff_set_names (self->diff, self->side_title[0], self->side_title[1]);
  show_rows (self);

  weft_timeline_stack_clear (self->timelines);
  for (guint i = 0; i < 2; i++)
    {
      /* Translators: one timeline of a diff: A or B, its title, its wall time */
      g_autofree char *title = g_strdup_printf (_("%s — %s — %.3f s"), i == 0 ? "A" : "B", self->side_title[i],
                                                weft_summary_get_wall_ns (self->side_summary[i]) / 1e9);

      weft_timeline_stack_add (self->timelines, title, self->side_model[i]);
    }
  /* Translators: the two recordings compared */
  status = g_strdup_printf (_("What changed from A (%s) to B (%s), biggest change first: times by their share of the longer wall time (of wall time × lanes for a sum over lanes), then counts."),
                            self->side_title[0], self->side_title[1]);
  set_status (self, status);
}

/* ---- Preparing the two sides --------------------------------------------- */

static void
side_failed (WeftDiffView *self,
             const char   *message)
{
  g_autofree char *text = g_strdup_printf (_("Cannot compare: %s"), message);

  /* the other side's answer, if it comes, is dropped */
  self->generation++;
  self->pending = 0;
  g_clear_object (&self->cancellable);
  set_status (self, text);
  update_state (self);
}

static void
side_ready (Job            *job,
            WeftTraceModel *model,
            WeftSummary    *summary)
{
  WeftDiffView *self = job->self;

  g_set_object (&self->side_model[job->side], model);
  g_set_object (&self->side_summary[job->side], summary);
  g_free (self->side_title[job->side]);
  self->side_title[job->side] = g_strdup (job->title);
  if (--self->pending > 0)
    return;
  g_clear_object (&self->cancellable);
  show_diff (self);
  update_state (self);
}

static void
on_run_done (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(Job) job = data;
  WeftRun *run = WEFT_RUN (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftSummary) summary = NULL;

  if (!weft_run_wait_finish (run, result, &error) || job->generation != job->self->generation)
    {
      if (job->generation == job->self->generation)
        side_failed (job->self, error->message);
      return;
    }
  summary = weft_summary_new (weft_run_get_model (run), weft_run_get_profile (run), weft_run_get_result (run));
  side_ready (job, weft_run_get_model (run), summary);
}

/* A profile is run first, with its own settings, as weft-cli diff does */
static void
run_profile (Job               *job,
             const WeftProfile *profile)
{
  g_autoptr(GError) error = NULL;
  WeftDiffView *self = job->self;

  job->run = weft_run_new (profile, NULL);
  if (!weft_run_start (job->run, NULL, &error))
    {
      side_failed (self, error->message);
      job_free (job);
      return;
    }
  weft_run_wait_async (job->run, self->cancellable, on_run_done, job);
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  Job *job = data;
  WeftLoader *loader = WEFT_LOADER (object);
  g_autoptr(GError) error = NULL;
  gboolean ok = weft_loader_load_finish (loader, result, &error);

  if (job->generation != job->self->generation)
    {
      job_free (job);
      return;
    }
  if (!ok)
    {
      side_failed (job->self, error->message);
      job_free (job);
      return;
    }
  if (weft_loader_get_kind (loader) == WEFT_LOADER_KIND_PROFILE)
    {
      run_profile (job, weft_loader_get_profile (loader));
      return;
    }
  {
    g_autoptr(WeftSummary) summary = weft_summary_new_for_trace (weft_loader_get_model (loader),
                                                                 weft_loader_get_meta (loader));

    side_ready (job, weft_loader_get_model (loader), summary);
  }
  job_free (job);
}

static void
start_side (WeftDiffView *self,
            guint         side,
            const Source *source)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->generation = self->generation;
  job->side = side;
  job->title = g_strdup (source->title);

  if (source->run != NULL)
    {
      g_autoptr(Job) owned = job;
      g_autoptr(WeftSummary) summary = NULL;

      if (!weft_run_get_finished (source->run))
        {
          g_autofree char *message = g_strdup_printf (_("%s is still running"), source->title);

          side_failed (self, message);
          return;
        }
      summary = weft_summary_new (weft_run_get_model (source->run), weft_run_get_profile (source->run),
                                  weft_run_get_result (source->run));
      side_ready (owned, weft_run_get_model (source->run), summary);
      return;
    }
  job->loader = weft_loader_new (source->file);
  weft_loader_load_async (job->loader, self->cancellable, on_loaded, job);
}

/**
 * weft_diff_view_compare:
 * @a: the index of A among the sources
 * @b: the index of B
 *
 * Drops a comparison being prepared and starts this one; the diff is shown
 * once both sides are read (or run).
 */
void
weft_diff_view_compare (WeftDiffView *self,
                        guint         a,
                        guint         b)
{
  guint generation;

  g_return_if_fail (WEFT_IS_DIFF_VIEW (self));
  g_return_if_fail (a < self->sources->len && b < self->sources->len);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  generation = ++self->generation;
  clear_sides (self);
  self->pending = 2;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->pick[0]), a);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->pick[1]), b);
  set_status (self, _("Reading the two recordings…"));
  update_state (self);
  start_side (self, 0, g_ptr_array_index (self->sources, a));
  /* A may have failed at once */
  if (generation == self->generation)
    start_side (self, 1, g_ptr_array_index (self->sources, b));
}

/* ---- Sources ------------------------------------------------------------- */

static void
add_source (WeftDiffView *self,
            const char   *title,
            WeftRun      *run,
            GFile        *file)
{
  Source *source = g_new0 (Source, 1);

  source->title = g_strdup (title);
  source->run = run != NULL ? g_object_ref (run) : NULL;
  source->file = file != NULL ? g_object_ref (file) : NULL;
  g_ptr_array_add (self->sources, source);
  gtk_string_list_append (self->titles, title);
  /* B defaults to the second recording */
  if (self->sources->len == 2)
    gtk_drop_down_set_selected (GTK_DROP_DOWN (self->pick[1]), 1);
  update_state (self);
}

/* Forgets the runs and files added, not those dropped on the view */
void
weft_diff_view_clear_sources (WeftDiffView *self)
{
  g_return_if_fail (WEFT_IS_DIFF_VIEW (self));

  for (guint i = self->sources->len; i > 0; i--)
    if (!((Source *) g_ptr_array_index (self->sources, i - 1))->dropped)
      {
        g_ptr_array_remove_index (self->sources, i - 1);
        gtk_string_list_remove (self->titles, i - 1);
      }
  update_state (self);
}

/* @title names the run in the pickers ("GIL: CPU-bound threads, last run") */
void
weft_diff_view_add_run (WeftDiffView *self,
                        const char   *title,
                        WeftRun      *run)
{
  g_return_if_fail (WEFT_IS_DIFF_VIEW (self));
  g_return_if_fail (WEFT_IS_RUN (run));

  add_source (self, title, run, NULL);
}

static int
find_file (WeftDiffView *self,
           GFile        *file)
{
  for (guint i = 0; i < self->sources->len; i++)
    {
      const Source *source = g_ptr_array_index (self->sources, i);

      if (source->file != NULL && g_file_equal (source->file, file))
        return (int) i;
    }
  return -1;
}

/* A trace file (read) or a profile (run first); once only */
void
weft_diff_view_add_file (WeftDiffView *self,
                         GFile        *file)
{
  g_autofree char *title = NULL;

  g_return_if_fail (WEFT_IS_DIFF_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (find_file (self, file) >= 0)
    return;
  title = g_file_get_basename (file);
  add_source (self, title, NULL, file);
}

guint
weft_diff_view_get_n_sources (WeftDiffView *self)
{
  g_return_val_if_fail (WEFT_IS_DIFF_VIEW (self), 0);
  return self->sources->len;
}

void
weft_diff_view_compare_files (WeftDiffView *self,
                              GFile        *a,
                              GFile        *b)
{
  g_return_if_fail (WEFT_IS_DIFF_VIEW (self));

  weft_diff_view_add_file (self, a);
  weft_diff_view_add_file (self, b);
  weft_diff_view_compare (self, (guint) find_file (self, a), (guint) find_file (self, b));
}

gboolean
weft_diff_view_get_busy (WeftDiffView *self)
{
  g_return_val_if_fail (WEFT_IS_DIFF_VIEW (self), FALSE);
  return self->pending > 0;
}

/* Returns: (transfer none) (nullable): the diff shown */
WeftDiff *
weft_diff_view_get_diff (WeftDiffView *self)
{
  g_return_val_if_fail (WEFT_IS_DIFF_VIEW (self), NULL);
  return self->diff;
}

GListModel *
weft_diff_view_get_rows (WeftDiffView *self)
{
  g_return_val_if_fail (WEFT_IS_DIFF_VIEW (self), NULL);
  return G_LIST_MODEL (self->rows);
}

/* Returns: (transfer none): the two timelines */
WeftTimelineStack *
weft_diff_view_get_timelines (WeftDiffView *self)
{
  g_return_val_if_fail (WEFT_IS_DIFF_VIEW (self), NULL);
  return self->timelines;
}

const char *
weft_diff_view_get_status (WeftDiffView *self)
{
  g_return_val_if_fail (WEFT_IS_DIFF_VIEW (self), NULL);
  return gtk_label_get_label (GTK_LABEL (self->status));
}

/* ---- Widgets ------------------------------------------------------------- */

static void
on_compare_clicked (GtkButton    *button,
                    WeftDiffView *self)
{
  guint a = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->pick[0]));
  guint b = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->pick[1]));

  if (a < self->sources->len && b < self->sources->len)
    weft_diff_view_compare (self, a, b);
}

/* Two files dropped: compared at once; one: it becomes B */
static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         WeftDiffView  *self)
{
  GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
  guint n = g_slist_length (files);
  gboolean ok = n == 1 || n == 2;

  for (GSList *l = files; ok && l != NULL; l = l->next)
    {
      weft_diff_view_add_file (self, l->data);
      ((Source *) g_ptr_array_index (self->sources, find_file (self, l->data)))->dropped = TRUE;
    }
  if (n == 2)
    weft_diff_view_compare_files (self, files->data, files->next->data);
  else if (n == 1)
    gtk_drop_down_set_selected (GTK_DROP_DOWN (self->pick[1]), (guint) find_file (self, files->data));
  g_slist_free (files);
  return ok;
}

static GtkWidget *
build_pickers (WeftDiffView *self)
{
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *label = gtk_label_new (i == 0 ? "A" : "B");

      gtk_widget_add_css_class (label, "heading");
      self->pick[i] = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->titles)), NULL);
      gtk_widget_set_hexpand (self->pick[i], TRUE);
      gtk_box_append (GTK_BOX (top), label);
      gtk_box_append (GTK_BOX (top), self->pick[i]);
    }
  self->button = gtk_button_new_with_mnemonic (_("_Compare A and B"));
  gtk_widget_add_css_class (self->button, "suggested-action");
  g_signal_connect (self->button, "clicked", G_CALLBACK (on_compare_clicked), self);
  gtk_box_append (GTK_BOX (top), self->button);
  return top;
}

static void
weft_diff_view_dispose (GObject *object)
{
  WeftDiffView *self = WEFT_DIFF_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_sides (self);
  g_clear_object (&self->diff);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_object (&self->titles);
  g_clear_object (&self->rows);

  G_OBJECT_CLASS (weft_diff_view_parent_class)->dispose (object);
}

static void
weft_diff_view_class_init (WeftDiffViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = weft_diff_view_dispose;
}

static void
weft_diff_view_init (WeftDiffView *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 8);
  gtk_widget_add_css_class (GTK_WIDGET (self), "view-page");

  self->sources = g_ptr_array_new_with_free_func (source_free);
  self->titles = gtk_string_list_new (NULL);
  self->rows = gtk_string_list_new (NULL);

  gtk_box_append (GTK_BOX (self), build_pickers (self));
  self->status = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->status), 0);
  gtk_label_set_wrap (GTK_LABEL (self->status), TRUE);
  gtk_widget_add_css_class (self->status, "dim-label");
  gtk_box_append (GTK_BOX (self), self->status);

  /* the timelines first: how the two runs compare is seen before it is read */
  self->timelines = WEFT_TIMELINE_STACK (weft_timeline_stack_new ());
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->timelines));
  {
    const char *titles[N_FIELDS] = { _("What changed"), "A", "B", _("B − A"), _("Share") };

    self->table = weft_text_table_new (G_LIST_MODEL (self->rows), titles, N_FIELDS, 1u << F_WHAT, 1u << F_WHAT);
  }
  gtk_box_append (GTK_BOX (self), self->table);

  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  update_state (self);
}
