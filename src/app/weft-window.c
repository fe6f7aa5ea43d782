/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include <glib/gstdio.h>

#include "weft-legend.h"
#include "weft-loader.h"
#include "weft-output-file.h"
#include "weft-profile.h"
#include "weft-record-dialog.h"
#include "weft-trace-export.h"
#include "weft-range-details.h"
#include "weft-search-highlight.h"
#include "weft-window-private.h"

/* How many entries the recent-files setting keeps. */
#define MAX_RECENT_FILES 10

G_DEFINE_FINAL_TYPE (WeftWindow, weft_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

WeftWindow *
weft_window_new (WeftApplication *application)
{
  g_return_val_if_fail (application == NULL || WEFT_IS_APPLICATION (application), NULL);

  return g_object_new (WEFT_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * weft_window_get_file:
 *
 * Returns: (transfer none) (nullable): the file shown in the window, or %NULL
 *   while the welcome page is shown.
 */
GFile *
weft_window_get_file (WeftWindow *self)
{
  g_return_val_if_fail (WEFT_IS_WINDOW (self), NULL);

  return self->file;
}

static char *
file_to_setting (GFile *file)
{
  char *path = g_file_get_path (file);

  return path != NULL ? path : g_file_get_uri (file);
}

/* Most recent first, without duplicates, at most MAX_RECENT_FILES. */
static void
weft_window_remember_file (WeftWindow *self,
                           GFile      *file)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-files");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) recent = NULL;
  g_autofree char *entry = file_to_setting (file);
  guint n = 1;

  g_strv_builder_add (builder, entry);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT_FILES; i++)
    {
      if (g_strcmp0 (old[i], entry) == 0)
        continue;
      g_strv_builder_add (builder, old[i]);
      n++;
    }

  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-files", (const char * const *) recent);
}


/* ---- What is shown ------------------------------------------------------ */

/* The title names the shown file; it changes only once that file is shown. */
static void
set_file (WeftWindow *self,
          GFile      *file)
{
  g_autofree char *name = NULL;
  g_autofree char *parse_name = NULL;
  g_autofree char *title = NULL;

  if (self->file == file || (self->file != NULL && file != NULL && g_file_equal (self->file, file)))
    return;

  g_set_object (&self->file, file);

  if (file == NULL)
    {
      adw_view_switcher_title_set_subtitle (self->view_title, NULL);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->view_title), NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Weft"));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
      return;
    }

  /* The parse name is UTF-8 even when the path on disk is not. */
  parse_name = g_file_get_parse_name (file);
  name = g_path_get_basename (parse_name);
  adw_view_switcher_title_set_subtitle (self->view_title, name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->view_title), parse_name);

  /* Translators: window title, %s is a file name. */
  title = g_strdup_printf (_("%s — Weft"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

/* An imported trace without any lane says so, instead of an empty
 * timeline (a run's model, empty at its start, has no meta). */
static void
update_empty (WeftWindow *self)
{
  gboolean empty = self->model != NULL && self->meta != NULL &&
                   weft_trace_model_get_n_lanes (self->model) == 0;

  if (empty)
    {
      g_autofree char *name = self->file != NULL ? g_file_get_basename (self->file) : g_strdup ("");
      /* Translators: %s is a trace file that holds no events */
      g_autofree char *text = g_strdup_printf (_("%s holds no events: there is nothing to draw."), name);

      adw_status_page_set_description (self->empty_page, text);
      gtk_label_set_label (self->run_status, _("No events"));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), empty);
  gtk_widget_set_visible (GTK_WIDGET (self->timeline_scroller), !empty);
}

/* The model on the timeline and in every view, without changing the page */
static void
show_model (WeftWindow          *self,
            WeftTraceModel      *model,
            const WeftProfile   *profile,
            const WeftRunResult *result)
{
  g_set_object (&self->model, model);
  weft_session_set_model (self->session, model);
  weft_legend_set_named_slices (self->timeline_legend, model != NULL && weft_trace_model_get_named_slices (model));
  weft_contention_view_set_data (self->contention_view, model, profile, result);
  weft_summary_view_set_data (self->summary_view, model, profile, result);
  update_empty (self);
  _weft_window_update_actions (self);
}

void
_weft_window_show_error (WeftWindow *self,
                         const char *message)
{
  gtk_label_set_label (self->banner_label, message);
  gtk_info_bar_set_message_type (self->banner, GTK_MESSAGE_ERROR);
  gtk_info_bar_set_revealed (self->banner, TRUE);
}

static void
on_banner_response (GtkInfoBar *banner,
                    int         response,
                    WeftWindow *self)
{
  gtk_info_bar_set_revealed (banner, FALSE);
}

/* ---- Runs ---------------------------------------------------------------- */

static gboolean
run_is_live (WeftRun *run)
{
  return run != NULL && !weft_run_get_finished (run);
}

/* "Running… 1.2 s, 3400 events", or how the run ended */
static char *
run_status_text (WeftRun *run)
{
  if (run_is_live (run))
    {
      WeftRunStats rs;
      g_autofree char *wall = NULL;
      char events[32];

      weft_trace_model_get_run_stats (weft_run_get_model (run), &rs);
      wall = weft_time_ruler_format_time (rs.wall_ns);
      g_snprintf (events, sizeof events, "%" G_GUINT64_FORMAT, rs.n_events);
      /* Translators: status while a run goes on: elapsed time and event count */
      return g_strdup_printf (_("Running… %s, %s events"), wall, events);
    }
  else
    {
      const WeftRunResult *result = weft_run_get_result (run);
      /* the summary's wall time, as its headline shows it */
      g_autoptr(WeftSummary) summary = weft_summary_new (weft_run_get_model (run),
                                                         weft_run_get_profile (run), result);
      g_autofree char *wall = weft_summary_format_wall (summary);

      if (result->cancelled && result->deadlock->len == 0 && !result->timed_out)
        /* Translators: %s is the wall time */
        return g_strdup_printf (_("Stopped after %s"), wall);
      /* Translators: the run's wall time, then the number of tasks by outcome */
      return g_strdup_printf (_("Finished in %s: %u ok, %u failed, %u cancelled"), wall,
                              result->tasks_ok, result->tasks_failed, result->tasks_cancelled);
    }
}

/* While the shown run goes on, the views other than the timeline (which
 * follows the model itself) are refreshed a few times a second, not on
 * every batch. */
static gboolean
refresh_views (gpointer data)
{
  WeftWindow *self = data;
  g_autofree char *status = NULL;

  if (!run_is_live (self->run))
    {
      self->refresh_id = 0;
      return G_SOURCE_REMOVE;
    }
  status = run_status_text (self->run);
  gtk_label_set_label (self->run_status, status);
  weft_contention_view_refresh (self->contention_view);
  weft_summary_view_refresh (self->summary_view);
  return G_SOURCE_CONTINUE;
}

/* Shows @run (the shown profile's last run, live or ended) in every view,
 * or no model at all for %NULL; the page stays. */
static void
show_run (WeftWindow *self,
          WeftRun    *run)
{
  g_autofree char *status = NULL;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->recording_live = FALSE;
  g_set_object (&self->run, run);
  g_clear_pointer (&self->meta, weft_trace_meta_free);

  if (run == NULL)
    {
      show_model (self, NULL, NULL, NULL);
      gtk_label_set_label (self->run_status, "");
      return;
    }

  show_model (self, weft_run_get_model (run), weft_run_get_profile (run),
              run_is_live (run) ? NULL : weft_run_get_result (run));
  status = run_status_text (run);
  gtk_label_set_label (self->run_status, status);
  weft_session_set_follow (self->session, run_is_live (run));
  if (run_is_live (run))
    self->refresh_id = g_timeout_add (400, refresh_views, self);
  else
    weft_session_zoom_to_fit (self->session);
}

/**
 * weft_window_set_model:
 * @model: (transfer none) (nullable): the trace to show
 *
 * Shows @model on the timeline page (or the welcome page for %NULL).
 */
void
weft_window_set_model (WeftWindow     *self,
                       WeftTraceModel *model)
{
  g_return_if_fail (WEFT_IS_WINDOW (self));
  g_return_if_fail (model == NULL || WEFT_IS_TRACE_MODEL (model));

  /* A model on its own: no run, no trace file's metadata */
  show_run (self, NULL);
  show_model (self, model, NULL, NULL);
  gtk_stack_set_visible_child_name (self->stack, model != NULL ? "timeline" : "welcome");
  if (model != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->timeline_view));
}

/**
 * weft_window_show_recording:
 * @model: (transfer none): a recording's model
 * @meta: (transfer none) (nullable): what an export says about it once the
 *   recording has ended; %NULL while the model still grows
 * @status: (nullable): the line under the timeline
 *
 * Shows a recorded program on the timeline page like a run: the timeline
 * follows the live model, and the ended recording can be exported.
 */
void
weft_window_show_recording (WeftWindow     *self,
                            WeftTraceModel *model,
                            WeftTraceMeta  *meta,
                            const char     *status)
{
  g_return_if_fail (WEFT_IS_WINDOW (self));
  g_return_if_fail (WEFT_IS_TRACE_MODEL (model));

  if (self->model != model)
    {
      show_run (self, NULL);
      show_model (self, model, NULL, NULL);
      gtk_stack_set_visible_child_name (self->stack, "timeline");
    }
  else
    {
      weft_contention_view_refresh (self->contention_view);
      weft_summary_view_refresh (self->summary_view);
    }
  self->recording_live = meta == NULL;
  g_clear_pointer (&self->meta, weft_trace_meta_free);
  self->meta = meta != NULL ? weft_trace_meta_copy (meta) : NULL;
  weft_session_set_follow (self->session, self->recording_live);
  if (!self->recording_live)
    weft_session_zoom_to_fit (self->session);
  gtk_label_set_label (self->run_status, status != NULL ? status : "");
  _weft_window_update_actions (self);
}

static void
on_run_finished (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  WeftRun *run = WEFT_RUN (object);
  WeftWindow *self;
  const WeftRunResult *result;
  g_autoptr(GString) errors = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  /* Cancelled only when the window goes away */
  if (!weft_run_wait_finish (run, res, &error))
    return;

  self = WEFT_WINDOW (user_data);
  if (self->live_run == run)
    g_clear_object (&self->live_run);
  _weft_window_update_actions (self);

  /* A run of another profile than the one shown waits for its profile */
  if (run != self->run)
    return;

  show_run (self, run);
  result = weft_run_get_result (run);
  for (guint i = 0; i < result->errors->len; i++)
    g_string_append_printf (errors, "%s%s", i > 0 ? "\n" : "",
                            (const char *) g_ptr_array_index (result->errors, i));
  if (errors->len > 0)
    _weft_window_show_error (self, errors->str);
  if (result->deadlock->len > 0)
    weft_window_show_view (self, "contention");
}

/**
 * weft_window_run:
 *
 * Starts a run of the edited profile and shows its live model. The run is
 * kept with the profile's file: opening another file shows that file, and
 * opening the profile again shows its last run.
 *
 * Returns: %TRUE if the run started; otherwise the banner says why
 */
gboolean
weft_window_run (WeftWindow *self)
{
  const WeftProfile *profile;
  WeftRunOptions options = WEFT_RUN_OPTIONS_INIT;
  g_autoptr(WeftRun) run = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (WEFT_IS_WINDOW (self), FALSE);

  profile = weft_profile_editor_get_profile (self->editor);
  if (profile == NULL || run_is_live (self->live_run))
    return FALSE;

  run = weft_run_new (profile, &options);
  if (!weft_run_start (run, NULL, &error))
    {
      /* Translators: the profile's name, then why the run could not start */
      g_autofree char *msg = g_strdup_printf (_("Cannot run “%s”: %s"), profile->name, error->message);

      _weft_window_show_error (self, msg);
      return FALSE;
    }

  gtk_info_bar_set_revealed (self->banner, FALSE);
  g_set_object (&self->live_run, run);
  if (self->file != NULL)
    g_hash_table_replace (self->runs, g_object_ref (self->file), g_object_ref (run));
  weft_run_wait_async (run, self->wait_cancellable, on_run_finished, self);

  show_run (self, run);
  gtk_stack_set_visible_child_name (self->stack, "timeline");
  gtk_widget_grab_focus (GTK_WIDGET (self->timeline_view));
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->views), "compare") == 0)
    weft_window_show_view (self, "timeline");
  return TRUE;
}

/* Stops the run going on, whichever profile it belongs to */
void
weft_window_stop (WeftWindow *self)
{
  g_return_if_fail (WEFT_IS_WINDOW (self));

  if (run_is_live (self->live_run))
    weft_run_cancel (self->live_run);
}

/* ---- Loading files ------------------------------------------------------ */

static gboolean
pulse_load (gpointer data)
{
  WeftWindow *self = data;

  gtk_progress_bar_pulse (self->load_progress);
  return G_SOURCE_CONTINUE;
}

/* The bar above the pages while @file loads; hidden for %NULL */
static void
show_loading (WeftWindow *self,
              GFile      *file)
{
  g_clear_handle_id (&self->load_pulse_id, g_source_remove);
  if (file != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      /* Translators: %s is the file being read */
      g_autofree char *text = g_strdup_printf (_("Loading %s…"), name);

      gtk_label_set_label (self->load_label, text);
      gtk_progress_bar_set_fraction (self->load_progress, 0);
      self->load_pulse_id = g_timeout_add (100, pulse_load, self);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->load_bar), file != NULL);
}

static void
show_loaded_profile (WeftWindow        *self,
                     GFile             *file,
                     const WeftProfile *profile)
{
  g_clear_pointer (&self->profile, weft_profile_free);
  self->profile = weft_profile_copy (profile);
  weft_profile_editor_set_profile (self->editor, self->profile);
  weft_compare_view_set_profile (self->compare_view, self->profile);
  weft_library_add_opened (self->library, file, self->profile->name,
                           self->profile->concept, self->profile->description);
  weft_library_select_file (self->library, file);
  show_run (self, g_hash_table_lookup (self->runs, file));
  gtk_stack_set_visible_child_name (self->stack, "profile");
}

static void
show_loaded_trace (WeftWindow *self,
                   GFile      *file,
                   WeftLoader *loader)
{
  const WeftTraceImportStats *stats = weft_loader_get_stats (loader);
  g_autofree char *base = g_file_get_basename (file);

  /* A trace has no profile to edit or run */
  g_clear_pointer (&self->profile, weft_profile_free);
  weft_profile_editor_set_profile (self->editor, NULL);
  weft_compare_view_set_profile (self->compare_view, NULL);
  weft_library_add_opened (self->library, file, base, 0, NULL);
  weft_library_select_file (self->library, file);

  show_run (self, NULL);
  self->meta = weft_loader_get_meta (loader) != NULL ? weft_trace_meta_copy (weft_loader_get_meta (loader))
                                                    : weft_trace_meta_new ();
  show_model (self, weft_loader_get_model (loader), NULL, NULL);
  weft_summary_view_set_trace (self->summary_view, weft_loader_get_model (loader), self->meta);
  gtk_stack_set_visible_child_name (self->stack, "timeline");
  gtk_widget_grab_focus (GTK_WIDGET (self->timeline_view));

  if (stats->first_skip[0] != '\0')
    {
      /* Translators: a trace was read, but some events were skipped; %s says where and why */
      g_autofree char *msg = g_strdup_printf (_("Some events were skipped. First: %s"), stats->first_skip);

      _weft_window_show_error (self, msg);
      gtk_info_bar_set_message_type (self->banner, GTK_MESSAGE_WARNING);
    }
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  WeftLoader *loader = WEFT_LOADER (object);
  WeftWindow *self;
  GFile *file = weft_loader_get_file (loader);
  g_autoptr(GError) error = NULL;

  /* Cancelled by a newer load, or because the window went away */
  if (!weft_loader_load_finish (loader, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = WEFT_WINDOW (user_data);
  g_clear_object (&self->loading_file);
  show_loading (self, NULL);
  if (error != NULL)
    {
      /* What was shown before stays, the title included */
      _weft_window_show_error (self, error->message);
      return;
    }

  gtk_info_bar_set_revealed (self->banner, FALSE);
  set_file (self, file);
  if (weft_loader_get_kind (loader) == WEFT_LOADER_KIND_PROFILE)
    show_loaded_profile (self, file, weft_loader_get_profile (loader));
  else
    show_loaded_trace (self, file, loader);
  _weft_window_update_actions (self);
}

/**
 * weft_window_open_file:
 * @file: (transfer none): a workload profile or a trace
 *
 * Remembers @file in the recent-files setting and loads it on a worker
 * thread (#WeftLoader), with a progress bar in the window; what was shown
 * stays until then. A profile goes to the editor (with its last run, if it
 * had one), a trace onto the timeline, and the title and #WeftWindow:file
 * follow. A file that cannot be loaded leaves the window as it was and says
 * why in the banner.
 */
void
weft_window_open_file (WeftWindow *self,
                       GFile      *file)
{
  g_autoptr(WeftLoader) loader = NULL;

  g_return_if_fail (WEFT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  weft_window_remember_file (self, file);
  /* Asked again while it loads (a double click): that load goes on */
  if (self->loading_file != NULL && g_file_equal (self->loading_file, file))
    return;
  g_set_object (&self->loading_file, file);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  show_loading (self, file);
  loader = weft_loader_new (file);
  weft_loader_load_async (loader, self->load_cancellable, load_done, self);
}

/**
 * weft_window_get_loading:
 *
 * Returns: whether a file is being loaded
 */
gboolean
weft_window_get_loading (WeftWindow *self)
{
  g_return_val_if_fail (WEFT_IS_WINDOW (self), FALSE);
  return self->loading_file != NULL;
}

static void
on_file_chooser_response (GtkNativeDialog *dialog,
                          int              response,
                          WeftWindow      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        weft_window_open_file (self, file);
    }

  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->file_chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WeftWindow *self = WEFT_WINDOW (widget);
  g_autoptr(GtkFileFilter) json_filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (self->file_chooser != NULL)
    {
      gtk_native_dialog_show (self->file_chooser);
      return;
    }

  chooser = gtk_file_chooser_native_new (_("Open Profile or Trace"),
                                         GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"),
                                         _("_Cancel"));
  self->file_chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_set_modal (self->file_chooser, TRUE);

  gtk_file_filter_set_name (json_filter, _("Profiles and Traces (JSON)"));
  gtk_file_filter_add_mime_type (json_filter, "application/json");
  gtk_file_filter_add_suffix (json_filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), json_filter);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), json_filter);

  if (self->file != NULL)
    {
      g_autoptr(GFile) folder = g_file_get_parent (self->file);

      if (folder != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
    }

  g_signal_connect_object (chooser, "response",
                           G_CALLBACK (on_file_chooser_response), self, 0);
  gtk_native_dialog_show (self->file_chooser);
}

/* ---- Export and Save As --------------------------------------------------- */

static void
export_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  WeftWindow *self;

  if (!weft_trace_export_to_file_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* the window went away */

  self = WEFT_WINDOW (user_data);
  self->exporting = FALSE;
  if (error != NULL)
    {
      /* Translators: %s says why the trace could not be written */
      g_autofree char *msg = g_strdup_printf (_("Could not export the trace: %s"), error->message);

      _weft_window_show_error (self, msg);
    }
  else
    {
      g_autofree char *name = g_path_get_basename (self->export_path);
      /* Translators: %s is the file the trace was written to */
      g_autofree char *msg = g_strdup_printf (_("Trace exported to %s"), name);
      AdwToast *toast = adw_toast_new (msg);

      adw_toast_set_timeout (toast, 4);
      adw_toast_overlay_add_toast (self->toasts, toast);
    }
  g_clear_pointer (&self->export_path, g_free);
  _weft_window_update_actions (self);
}

/* What the exported trace says about the run it holds */
static WeftTraceMeta *
export_meta (WeftWindow *self)
{
  g_autoptr(WeftSummary) summary = NULL;

  if (self->meta != NULL)
    return weft_trace_meta_copy (self->meta);
  /* the run's what-ran, as weft-cli writes it */
  summary = weft_summary_new (self->model, self->run ? weft_run_get_profile (self->run) : NULL,
                              self->run ? weft_run_get_result (self->run) : NULL);
  return weft_summary_to_trace_meta (summary);
}

/**
 * weft_window_export:
 * @file: (transfer none): where to write the trace (Chrome Trace Event JSON)
 *
 * Exports the shown model on a worker thread
 * (weft_trace_export_to_file_async()); errors go to the banner.
 */
void
weft_window_export (WeftWindow *self,
                    GFile      *file)
{
  g_autoptr(WeftTraceMeta) meta = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (WEFT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* The model is read on the worker thread: never while a run appends to it */
  if (self->model == NULL || self->exporting || run_is_live (self->run) || self->recording_live)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      _weft_window_show_error (self, _("Could not export the trace: only local files can be written"));
      return;
    }

  meta = export_meta (self);
  self->exporting = TRUE;
  weft_trace_export_to_file_async (self->model, meta, path, self->export_cancellable,
                                   export_done, self);
  g_free (self->export_path);
  self->export_path = g_steal_pointer (&path);
  _weft_window_update_actions (self);
}

/**
 * weft_window_save_profile:
 *
 * Writes the edited profile to @file (weft_profile_to_json(); a few
 * kilobytes, written at once).
 */
gboolean
weft_window_save_profile (WeftWindow  *self,
                          GFile       *file,
                          GError     **error)
{
  const WeftProfile *profile;
  g_autofree char *json = NULL;

  g_return_val_if_fail (WEFT_IS_WINDOW (self), FALSE);

  profile = weft_profile_editor_get_profile (self->editor);
  if (profile == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("No profile to save"));
      return FALSE;
    }
  json = weft_profile_to_json (profile);
  /* A local path is written as the CLI writes traces: never replacing a
   * device or FIFO, following a symlink to the file it names. */
  if (g_file_peek_path (file) != NULL)
    return weft_output_file_set_contents (g_file_peek_path (file), json, strlen (json), error);
  return g_file_replace_contents (file, json, strlen (json), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

void
weft_window_show_view (WeftWindow *self,
                       const char *name)
{
  g_return_if_fail (WEFT_IS_WINDOW (self));

  if (g_str_equal (name, "profile"))
    {
      if (self->profile != NULL)
        gtk_stack_set_visible_child_name (self->stack, "profile");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "timeline");
  adw_view_stack_set_visible_child_name (self->views, name);
}

/* The Diff view picks from this window's finished runs and the library's
 * opened and recent files (a profile among them is run first) */
void
_weft_window_refresh_diff_sources (WeftWindow *self)
{
  GListModel *items = weft_library_get_model (self->library);
  GHashTableIter iter;
  gpointer key, value;

  weft_diff_view_clear_sources (self->diff_view);
  g_hash_table_iter_init (&iter, self->runs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      WeftLibraryItem *item = weft_library_lookup (self->library, key);
      g_autofree char *base = g_file_get_basename (key);
      /* Translators: a run to compare in the Diff view; %s is its profile */
      g_autofree char *title = g_strdup_printf (_("%s (last run)"), item != NULL ? weft_library_item_get_title (item) : base);

      if (weft_run_get_finished (value))
        weft_diff_view_add_run (self->diff_view, title, value);
    }
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(WeftLibraryItem) item = g_list_model_get_item (items, i);
      WeftLibraryItemKind kind = weft_library_item_get_kind (item);

      if ((kind == WEFT_LIBRARY_ITEM_OPENED || kind == WEFT_LIBRARY_ITEM_RECENT) &&
          weft_library_item_get_file (item) != NULL)
        weft_diff_view_add_file (self->diff_view, weft_library_item_get_file (item));
    }
}

static void
on_views_changed (WeftWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->views), "diff") == 0)
    _weft_window_refresh_diff_sources (self);
}

/* The header switches between the views while they are shown, and shows
 * the title (and the file's name) otherwise */
static void
on_page_changed (WeftWindow *self)
{
  adw_view_switcher_title_set_view_switcher_enabled (
    self->view_title, g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "timeline") == 0);
}

/* ---- Accessors ------------------------------------------------------------ */

WeftTraceModel *
weft_window_get_model (WeftWindow *self)
{
  g_return_val_if_fail (WEFT_IS_WINDOW (self), NULL);
  return self->model;
}

/**
 * weft_window_get_run:
 *
 * Returns: (transfer none) (nullable) (type WeftRun): the last run
 */
gpointer
weft_window_get_run (WeftWindow *self)
{
  g_return_val_if_fail (WEFT_IS_WINDOW (self), NULL);
  return self->run;
}

/* A run, an export or a comparison is going on */
gboolean
weft_window_get_busy (WeftWindow *self)
{
  g_return_val_if_fail (WEFT_IS_WINDOW (self), FALSE);
  return run_is_live (self->live_run) || self->exporting ||
         weft_compare_view_get_running (self->compare_view);
}

const char *
weft_window_get_banner_text (WeftWindow *self)
{
  g_return_val_if_fail (WEFT_IS_WINDOW (self), NULL);
  return gtk_info_bar_get_revealed (self->banner) ? gtk_label_get_label (self->banner_label) : NULL;
}

const char *
weft_window_get_page (WeftWindow *self)
{
  g_return_val_if_fail (WEFT_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
weft_window_get_library (WeftWindow *self)
{
  return GTK_WIDGET (self->library);
}

GtkWidget *
weft_window_get_profile_editor (WeftWindow *self)
{
  return GTK_WIDGET (self->editor);
}

GtkWidget *
weft_window_get_contention_view (WeftWindow *self)
{
  return GTK_WIDGET (self->contention_view);
}

GtkWidget *
weft_window_get_summary_view (WeftWindow *self)
{
  return GTK_WIDGET (self->summary_view);
}

GtkWidget *
weft_window_get_diff_view (WeftWindow *self)
{
  g_return_val_if_fail (WEFT_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->diff_view);
}

GtkWidget *
weft_window_get_compare_view (WeftWindow *self)
{
  return GTK_WIDGET (self->compare_view);
}

GtkWidget *
weft_window_get_timeline_view (WeftWindow *self)
{
  return GTK_WIDGET (self->timeline_view);
}

/* ---- Drag and drop, library ------------------------------------------------ */

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         WeftWindow    *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = g_value_get_boxed (value);
  if (files == NULL)
    return FALSE;
  weft_window_open_file (self, files->data);
  return TRUE;
}

/* The shown file's row, clicked again, leads back to its page (a profile's
 * edits kept); another row opens its file. */
static void
on_library_file_activated (WeftLibrary *library,
                           GFile       *file,
                           WeftWindow  *self)
{
  if (self->file != NULL && g_file_equal (self->file, file) && !weft_window_get_loading (self))
    {
      if (self->profile != NULL)
        weft_window_show_view (self, "profile");
      else
        gtk_stack_set_visible_child_name (self->stack, "timeline");
      return;
    }
  weft_window_open_file (self, file);
}

static void
on_editor_changed (WeftProfileEditor *editor,
                   WeftWindow        *self)
{
  weft_compare_view_set_profile (self->compare_view, weft_profile_editor_get_profile (editor));
}

static void
weft_window_save_state (WeftWindow *self)
{
  int width = 0;
  int height = 0;
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));

  /* The default size follows the window while it is neither maximized nor
   * fullscreen, so it is the size to restore. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  if (!maximized && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", maximized);
}

static gboolean
weft_window_close_request (GtkWindow *window)
{
  WeftRecordDialog *dialog = g_object_get_data (G_OBJECT (window), "weft-record-dialog");

  weft_window_save_state (WEFT_WINDOW (window));
  /* a recorded program ends (and is reaped) before its window goes */
  if (dialog != NULL && weft_record_dialog_close_window (dialog))
    return TRUE;

  return GTK_WINDOW_CLASS (weft_window_parent_class)->close_request (window);
}

static void
weft_window_dispose (GObject *object)
{
  WeftWindow *self = WEFT_WINDOW (object);
  GtkWindow *record_dialog = g_object_steal_data (object, "weft-record-dialog");

  if (record_dialog != NULL)
    gtk_window_destroy (record_dialog);  /* it ends a program it still records */
  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (self->file_chooser);
  g_clear_object (&self->file_chooser);
  if (self->save_chooser != NULL)
    gtk_native_dialog_destroy (self->save_chooser);
  g_clear_object (&self->save_chooser);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->loading_file);
  g_cancellable_cancel (self->wait_cancellable);
  g_clear_object (&self->wait_cancellable);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_pointer (&self->export_path, g_free);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->load_pulse_id, g_source_remove);
  if (self->live_run != NULL)
    weft_run_cancel (self->live_run);
  g_clear_object (&self->live_run);
  g_clear_object (&self->run);
  g_clear_pointer (&self->runs, g_hash_table_unref);
  g_clear_object (&self->model);
  g_clear_pointer (&self->profile, weft_profile_free);
  g_clear_pointer (&self->meta, weft_trace_meta_free);
  g_clear_object (&self->file);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);

  /* No gtk_widget_dispose_template() here: the template's header bar and
   * stack are the window's titlebar and child, which GtkWindow's own
   * dispose unparents; unparenting them first leaves it dangling pointers. */

  G_OBJECT_CLASS (weft_window_parent_class)->dispose (object);
}

static void
weft_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  WeftWindow *self = WEFT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_window_class_init (WeftWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = weft_window_dispose;
  object_class->get_property = weft_window_get_property;

  /* The template's libadwaita widgets */
  g_type_ensure (ADW_TYPE_HEADER_BAR);
  g_type_ensure (ADW_TYPE_VIEW_SWITCHER_TITLE);
  g_type_ensure (ADW_TYPE_VIEW_SWITCHER_BAR);
  g_type_ensure (ADW_TYPE_VIEW_STACK);
  g_type_ensure (ADW_TYPE_TOAST_OVERLAY);
  g_type_ensure (ADW_TYPE_STATUS_PAGE);

  window_class->close_request = weft_window_close_request;

  /**
   * WeftWindow:file: (nullable)
   *
   * The workload profile or trace shown in the window; %NULL while the
   * welcome page is shown.
   */
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/weft/Weft/ui/weft-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, view_title);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, view_switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, timeline_page);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, timeline_scroller);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, profile_page);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, views);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, run_status);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, contention_scroller);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, summary_scroller);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, compare_scroller);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, diff_scroller);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, load_bar);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, load_label);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, load_progress);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, profile_button);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, show_run_button);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, empty_page);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  _weft_window_class_init_actions (widget_class);
}

/* Shows the details of the span selected on the timeline (closed or still
 * open), on one line; hides the line when nothing is selected. */
static void
on_span_selected (WeftWindow *self)
{
  g_autofree char *markup = NULL;
  g_auto(GStrv) lines = NULL;
  guint worker, depth, index;
  WeftSpan span;

  if (!weft_session_get_selected_span (self->session, &worker, &depth, &index) ||
      !weft_session_lookup_span (self->session, worker, depth, index, &span))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->span_details), FALSE);
      return;
    }

  markup = weft_timeline_view_describe_lane_span (self->timeline_view, worker, &span);
  lines = g_strsplit (markup, "\n", -1);
  g_free (markup);
  markup = g_strjoinv (" · ", lines);
  gtk_label_set_markup (self->span_details, markup);
  gtk_widget_set_visible (GTK_WIDGET (self->span_details), TRUE);
}

/* The ruler and the overview start their time axis where the lanes do */
static void
on_label_width_changed (WeftWindow *self)
{
  int width = weft_timeline_view_get_label_width (self->timeline_view);

  weft_time_ruler_set_inset (self->time_ruler, width);
  weft_timeline_overview_set_inset (self->overview, width);
}

/* The run's status may be cut at the window's edge: the tooltip holds all
 * of it; without a status its line is not shown */
static void
on_run_status_changed (GtkLabel *label)
{
  const char *text = gtk_label_get_label (label);
  gboolean any = text != NULL && *text != '\0';

  gtk_widget_set_tooltip_text (GTK_WIDGET (label), any ? text : NULL);
  gtk_widget_set_visible (GTK_WIDGET (label), any);
}

static void
weft_window_init (WeftWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->run_status, "notify::label", G_CALLBACK (on_run_status_changed), NULL);
  on_run_status_changed (self->run_status);

  self->runs = g_hash_table_new_full (g_file_hash, (GEqualFunc) g_file_equal, g_object_unref, g_object_unref);
  self->wait_cancellable = g_cancellable_new ();
  self->export_cancellable = g_cancellable_new ();

  /* The timeline page: ruler, then the lanes; both follow one session */
  self->session = weft_session_new ();
  self->timeline_view = WEFT_TIMELINE_VIEW (weft_timeline_view_new (self->session));
  self->time_ruler = WEFT_TIME_RULER (weft_time_ruler_new (self->session));
  weft_time_ruler_set_inset (self->time_ruler, weft_timeline_view_get_label_width (self->timeline_view));
  gtk_box_prepend (self->timeline_page, GTK_WIDGET (self->time_ruler));
  self->overview = WEFT_TIMELINE_OVERVIEW (weft_timeline_overview_new (self->session));
  weft_timeline_overview_set_inset (self->overview, weft_timeline_view_get_label_width (self->timeline_view));
  gtk_box_prepend (self->timeline_page, GTK_WIDGET (self->overview));
  g_signal_connect_object (self->timeline_view, "label-width-changed",
                           G_CALLBACK (on_label_width_changed), self, G_CONNECT_SWAPPED);
  self->search_bar = WEFT_SEARCH_BAR (weft_search_bar_new (self->timeline_view, self->overview));
  gtk_box_prepend (self->timeline_page, GTK_WIDGET (self->search_bar));
  gtk_scrolled_window_set_child (self->timeline_scroller, GTK_WIDGET (self->timeline_view));
  /* The search's outlines lie over the lanes */
  {
    GtkWidget *overlay = gtk_overlay_new ();

    g_object_ref (self->timeline_scroller);
    gtk_box_remove (self->timeline_page, GTK_WIDGET (self->timeline_scroller));
    gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (self->timeline_scroller));
    g_object_unref (self->timeline_scroller);
    gtk_overlay_add_overlay (GTK_OVERLAY (overlay),
                             weft_search_highlight_new (self->timeline_view,
                                                        weft_search_bar_get_search (self->search_bar)));
    gtk_widget_set_vexpand (overlay, TRUE);
    gtk_box_insert_child_after (self->timeline_page, overlay, GTK_WIDGET (self->empty_page));
    g_object_bind_property (self->timeline_scroller, "visible", overlay, "visible", G_BINDING_SYNC_CREATE);
  }
  gtk_box_append (self->timeline_page, gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  /* The selected span's details, on one line under the lanes */
  self->span_details = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_selectable (self->span_details, TRUE);
  gtk_label_set_xalign (self->span_details, 0);
  gtk_label_set_ellipsize (self->span_details, PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (GTK_WIDGET (self->span_details), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->span_details), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->span_details), 4);
  gtk_widget_set_visible (GTK_WIDGET (self->span_details), FALSE);
  gtk_box_append (self->timeline_page, GTK_WIDGET (self->span_details));
  g_signal_connect_object (self->session, "span-selected",
                           G_CALLBACK (on_span_selected), self, G_CONNECT_SWAPPED);

  /* What the selected range or span holds, in a pane under the details line */
  {
    GtkWidget *scroller = gtk_scrolled_window_new ();
    GtkWidget *details = weft_range_details_new (self->timeline_view);

    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
    gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 180);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), details);
    g_object_bind_property (details, "visible", scroller, "visible", G_BINDING_SYNC_CREATE);
    gtk_box_append (self->timeline_page, scroller);
  }

  self->timeline_legend = WEFT_LEGEND (weft_legend_new ());
  gtk_box_append (self->timeline_page, GTK_WIDGET (self->timeline_legend));

  self->settings = g_settings_new ("org.weft.Weft");

  /* The sidebar: the library. A margin below keeps the last row's text
   * off the window's bottom edge. */
  self->library = WEFT_LIBRARY (weft_library_new (self->settings));
  gtk_widget_set_vexpand (GTK_WIDGET (self->library), TRUE);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->library), 16);
  gtk_box_append (self->sidebar, GTK_WIDGET (self->library));
  g_signal_connect_object (self->library, "file-activated",
                           G_CALLBACK (on_library_file_activated), self, 0);

  /* The profile page: description and editor, below the Run buttons */
  self->editor = WEFT_PROFILE_EDITOR (weft_profile_editor_new ());
  gtk_box_prepend (self->profile_page, GTK_WIDGET (self->editor));
  g_signal_connect_object (self->editor, "changed", G_CALLBACK (on_editor_changed), self, 0);

  /* The views beside the timeline */
  self->contention_view = WEFT_CONTENTION_VIEW (weft_contention_view_new ());
  gtk_scrolled_window_set_child (self->contention_scroller, GTK_WIDGET (self->contention_view));
  self->summary_view = WEFT_SUMMARY_VIEW (weft_summary_view_new ());
  gtk_scrolled_window_set_child (self->summary_scroller, GTK_WIDGET (self->summary_view));
  self->compare_view = WEFT_COMPARE_VIEW (weft_compare_view_new ());
  gtk_scrolled_window_set_child (self->compare_scroller, GTK_WIDGET (self->compare_view));
  self->diff_view = WEFT_DIFF_VIEW (weft_diff_view_new ());
  gtk_scrolled_window_set_child (self->diff_scroller, GTK_WIDGET (self->diff_view));
  g_signal_connect_object (self->views, "notify::visible-child-name", G_CALLBACK (on_views_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stack, "notify::visible-child-name", G_CALLBACK (on_page_changed), self,
                           G_CONNECT_SWAPPED);
  /* A window too narrow for the switcher in the header has it at the bottom */
  g_object_bind_property (self->view_title, "title-visible", self->view_switcher_bar, "reveal",
                          G_BINDING_SYNC_CREATE);

  g_signal_connect_object (self->banner, "response", G_CALLBACK (on_banner_response), self, 0);

  /* Files dropped on the window open like File ▸ Open */
  {
    GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

    g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  }

  _weft_window_update_actions (self);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}
