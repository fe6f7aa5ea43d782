/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include <glib/gstdio.h>

#include "weft-legend.h"
#include "weft-profile.h"
#include "weft-trace-export.h"
#include "weft-trace-import.h"
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


/* ---- Loading files ------------------------------------------------------ */

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
      gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), FALSE);
      gtk_window_set_title (GTK_WINDOW (self), _("Weft"));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
      return;
    }

  /* The parse name is UTF-8 even when the path on disk is not. */
  parse_name = g_file_get_parse_name (file);
  name = g_path_get_basename (parse_name);
  gtk_label_set_label (self->subtitle_label, name);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), parse_name);

  /* Translators: window title, %s is a file name. */
  title = g_strdup_printf (_("%s — Weft"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

/* Profiles are at most 16 MiB (docs/profiles.md); traces may be far larger. */
#define MAX_PROFILE_BYTES (16 * 1024 * 1024)

typedef struct
{
  GFile                *file;
  GFile                *previous;      /* shown before; restored on failure */
  WeftProfile          *profile;
  WeftTraceModel       *model;
  WeftTraceMeta        *meta;
  WeftTraceImportStats  stats;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->previous);
  g_clear_pointer (&data->profile, weft_profile_free);
  g_clear_object (&data->model);
  g_clear_pointer (&data->meta, weft_trace_meta_free);
  g_free (data);
}

/* A profile says "weft_profile" near its start; a trace is anything else. */
static gboolean
looks_like_profile (const char *path,
                    gsize      *out_size)
{
  g_autoptr(GMappedFile) mapped = NULL;
  gsize size;

  mapped = g_mapped_file_new (path, FALSE, NULL);
  if (mapped == NULL)
    return TRUE;  /* let the profile loader report why it cannot be read */
  size = g_mapped_file_get_length (mapped);
  *out_size = size;
  if (size > MAX_PROFILE_BYTES)
    return FALSE;
  return g_strstr_len (g_mapped_file_get_contents (mapped), MIN (size, 65536), "\"weft_profile\"") != NULL ||
         size == 0;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autofree char *path = g_file_get_path (data->file);
  g_autofree char *base = g_file_get_basename (data->file);
  GError *error = NULL;
  gsize size = 0;

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("%s: only local files can be opened"), base);
      return;
    }

  if (looks_like_profile (path, &size))
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &contents, &length, &error))
        {
          g_autoptr(GError) io_error = error;

          g_task_return_new_error (task, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_IO,
                                   /* Translators: file name, then the system's reason */
                                   _("%s: cannot read: %s"), base, io_error->message);
          return;
        }
      data->profile = weft_profile_new_from_data (contents, length, base, &error);
      if (data->profile == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      g_free (data->profile->path);
      data->profile->path = g_strdup (path);
    }
  else
    {
      data->model = weft_trace_import_file (path, &data->meta, &data->stats, cancellable, &error);
      if (data->model == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_boolean (task, TRUE);
}

static void show_model (WeftWindow *self, WeftTraceModel *model, const WeftProfile *profile,
                        const WeftRunResult *result);

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  WeftWindow *self = WEFT_WINDOW (object);
  LoadData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* What was shown before stays, the file included */
      _weft_window_show_error (self, error->message);
      if (self->file != NULL && g_file_equal (self->file, data->file))
        set_file (self, data->previous);
      return;
    }

  gtk_info_bar_set_revealed (self->banner, FALSE);

  if (data->profile != NULL)
    {
      g_clear_pointer (&self->profile, weft_profile_free);
      self->profile = g_steal_pointer (&data->profile);
      weft_profile_editor_set_profile (self->editor, self->profile);
      weft_compare_view_set_profile (self->compare_view, self->profile);
      weft_library_add_opened (self->library, data->file, self->profile->name,
                               self->profile->concept, self->profile->description);
      weft_library_select_file (self->library, data->file);
      gtk_stack_set_visible_child_name (self->stack, "profile");
    }
  else
    {
      g_autofree char *base = g_file_get_basename (data->file);

      g_clear_pointer (&self->meta, weft_trace_meta_free);
      self->meta = g_steal_pointer (&data->meta);
      weft_library_add_opened (self->library, data->file, base, 0, NULL);
      weft_library_select_file (self->library, data->file);
      show_model (self, data->model, NULL, NULL);
      gtk_label_set_label (self->run_status, "");
      if (data->stats.first_skip[0] != '\0')
        {
          /* Translators: a trace was read, but some events were skipped; %s says where and why */
          g_autofree char *msg = g_strdup_printf (_("Some events were skipped. First: %s"), data->stats.first_skip);

          _weft_window_show_error (self, msg);
          gtk_info_bar_set_message_type (self->banner, GTK_MESSAGE_WARNING);
        }
    }
  _weft_window_update_actions (self);
}

static void
load_file (WeftWindow *self,
           GFile      *file,
           GFile      *previous)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data = g_new0 (LoadData, 1);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  data->file = g_object_ref (file);
  data->previous = previous != NULL ? g_object_ref (previous) : NULL;

  task = g_task_new (self, self->load_cancellable, load_done, NULL);
  g_task_set_source_tag (task, load_file);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * weft_window_open_file:
 * @file: (transfer none): a workload profile or a trace
 *
 * Makes @file the window's file (see #WeftWindow:file) and remembers it in
 * the recent-files setting, then loads it on a worker thread: a profile
 * (JSON with "weft_profile") into the editor, anything else as a trace onto
 * the timeline. A file that cannot be loaded leaves the window as it was
 * and says why in the banner.
 */
void
weft_window_open_file (WeftWindow *self,
                       GFile      *file)
{
  g_autoptr(GFile) previous = NULL;

  g_return_if_fail (WEFT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  previous = self->file != NULL ? g_object_ref (self->file) : NULL;
  weft_window_remember_file (self, file);
  set_file (self, file);
  load_file (self, file, previous);
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

  g_set_object (&self->model, model);
  weft_session_set_model (self->session, model);
  gtk_stack_set_visible_child_name (self->stack, model != NULL ? "timeline" : "welcome");
  if (model != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->timeline_view));
  _weft_window_update_actions (self);
}

/* The model on the timeline and in every view */
static void
show_model (WeftWindow          *self,
            WeftTraceModel      *model,
            const WeftProfile   *profile,
            const WeftRunResult *result)
{
  weft_window_set_model (self, model);
  weft_contention_view_set_data (self->contention_view, model, profile, result);
  weft_summary_view_set_data (self->summary_view, model, profile, result);
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

/* While a run goes on, the views other than the timeline (which follows the
 * model itself) are refreshed a few times a second, not on every batch. */
static gboolean
refresh_views (gpointer data)
{
  WeftWindow *self = data;

  if (self->run != NULL)
    {
      WeftRunStats rs;
      g_autofree char *wall = NULL;
      g_autofree char *status = NULL;
      char events[32];

      weft_trace_model_get_run_stats (weft_run_get_model (self->run), &rs);
      wall = weft_time_ruler_format_time (rs.wall_ns);
      g_snprintf (events, sizeof events, "%" G_GUINT64_FORMAT, rs.n_events);
      /* Translators: status while a run goes on: elapsed time and event count */
      status = g_strdup_printf (_("Running… %s, %s events"), wall, events);
      gtk_label_set_label (self->run_status, status);
    }
  weft_contention_view_refresh (self->contention_view);
  weft_summary_view_refresh (self->summary_view);
  return G_SOURCE_CONTINUE;
}

static void
on_run_finished (WeftRun    *run,
                 WeftWindow *self)
{
  const WeftRunResult *result = weft_run_get_result (run);
  g_autoptr(GString) errors = g_string_new (NULL);
  g_autofree char *wall = weft_time_ruler_format_time (result->wall_ns);
  g_autofree char *status = NULL;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (run, self);

  weft_contention_view_set_data (self->contention_view, weft_run_get_model (run),
                                 weft_run_get_profile (run), result);
  weft_summary_view_set_data (self->summary_view, weft_run_get_model (run),
                              weft_run_get_profile (run), result);
  weft_session_set_follow (self->session, FALSE);
  weft_session_zoom_to_fit (self->session);

  for (guint i = 0; i < result->errors->len; i++)
    g_string_append_printf (errors, "%s%s", i > 0 ? "\n" : "",
                            (const char *) g_ptr_array_index (result->errors, i));
  if (errors->len > 0)
    _weft_window_show_error (self, errors->str);

  if (result->cancelled && result->deadlock->len == 0 && !result->timed_out)
    /* Translators: %s is the wall time */
    status = g_strdup_printf (_("Stopped after %s"), wall);
  else
    /* Translators: the run's wall time, then the number of tasks by outcome */
    status = g_strdup_printf (_("Finished in %s: %u ok, %u failed, %u cancelled"), wall,
                              result->tasks_ok, result->tasks_failed, result->tasks_cancelled);
  gtk_label_set_label (self->run_status, status);
  if (result->deadlock->len > 0)
    weft_window_show_view (self, "contention");

  _weft_window_update_actions (self);
}

/**
 * weft_window_run:
 *
 * Starts a run of the edited profile and shows its live model.
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
  if (profile == NULL || (self->run != NULL && !weft_run_get_finished (self->run)))
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
  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_set_object (&self->run, run);
  g_clear_pointer (&self->meta, weft_trace_meta_free);
  g_signal_connect (run, "finished", G_CALLBACK (on_run_finished), self);

  show_model (self, weft_run_get_model (run), profile, NULL);
  weft_session_set_follow (self->session, TRUE);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->views), "compare") == 0)
    weft_window_show_view (self, "timeline");
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->refresh_id = g_timeout_add (400, refresh_views, self);
  refresh_views (self);
  _weft_window_update_actions (self);
  return TRUE;
}

void
weft_window_stop (WeftWindow *self)
{
  g_return_if_fail (WEFT_IS_WINDOW (self));

  if (self->run != NULL && !weft_run_get_finished (self->run))
    weft_run_cancel (self->run);
}

/* ---- Export and Save As --------------------------------------------------- */

typedef struct
{
  WeftTraceModel *model;
  WeftTraceMeta  *meta;
  char           *path;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->model);
  g_clear_pointer (&data->meta, weft_trace_meta_free);
  g_free (data->path);
  g_free (data);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  GError *error = NULL;

  if (weft_trace_export_to_file (data->model, data->meta, data->path, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  WeftWindow *self = WEFT_WINDOW (object);
  g_autoptr(GError) error = NULL;

  self->exporting = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Translators: %s says why the trace could not be written */
      g_autofree char *msg = g_strdup_printf (_("Could not export the trace: %s"), error->message);

      _weft_window_show_error (self, msg);
    }
  else
    {
      ExportData *data = g_task_get_task_data (G_TASK (result));
      /* Translators: %s is the file the trace was written to */
      g_autofree char *msg = g_strdup_printf (_("Trace exported to %s"), data->path);

      gtk_label_set_label (self->run_status, msg);
    }
  _weft_window_update_actions (self);
}

/**
 * weft_window_export:
 * @file: (transfer none): where to write the trace (Chrome Trace Event JSON)
 *
 * Exports the shown model on a worker thread; errors go to the banner.
 */
void
weft_window_export (WeftWindow *self,
                    GFile      *file)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (WEFT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* The model is read on the worker thread: never while a run appends to it */
  if (self->model == NULL || self->exporting ||
      (self->run != NULL && !weft_run_get_finished (self->run)))
    return;

  data = g_new0 (ExportData, 1);
  data->model = g_object_ref (self->model);
  data->path = g_file_get_path (file);
  if (self->meta != NULL)
    data->meta = weft_trace_meta_copy (self->meta);
  else
    {
      data->meta = weft_trace_meta_new ();
      if (self->run != NULL)
        {
          const WeftProfile *p = weft_run_get_profile (self->run);
          const WeftRunResult *r = weft_run_get_result (self->run);

          data->meta->profile = g_strdup (p->name);
          data->meta->executor = g_strdup (weft_executor_to_nick (r->executor));
          data->meta->gil = r->gil;
          data->meta->workers = r->workers;
        }
    }
  if (data->path == NULL)
    {
      export_data_free (data);
      _weft_window_show_error (self, _("Could not export the trace: only local files can be written"));
      return;
    }

  self->exporting = TRUE;
  task = g_task_new (self, NULL, export_done, NULL);
  g_task_set_source_tag (task, weft_window_export);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
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
      gtk_stack_set_visible_child_name (self->stack, "profile");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "timeline");
  gtk_stack_set_visible_child_name (self->views, name);
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
  return (self->run != NULL && !weft_run_get_finished (self->run)) || self->exporting ||
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

static void
on_library_file_activated (WeftLibrary *library,
                           GFile       *file,
                           WeftWindow  *self)
{
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
  weft_window_save_state (WEFT_WINDOW (window));

  return GTK_WINDOW_CLASS (weft_window_parent_class)->close_request (window);
}

static void
weft_window_dispose (GObject *object)
{
  WeftWindow *self = WEFT_WINDOW (object);

  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (self->file_chooser);
  g_clear_object (&self->file_chooser);
  if (self->save_chooser != NULL)
    gtk_native_dialog_destroy (self->save_chooser);
  g_clear_object (&self->save_chooser);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->run != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      weft_run_cancel (self->run);
      g_clear_object (&self->run);
    }
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
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, timeline_page);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, timeline_scroller);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, welcome_title);
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
  WeftLane *lane;
  WeftSpan span;
  gboolean found = FALSE;

  if (self->model != NULL &&
      weft_session_get_selected_span (self->session, &worker, &depth, &index) &&
      (lane = weft_trace_model_lookup_lane (self->model, worker)) != NULL)
    {
      found = weft_lane_get_span (lane, depth, index, &span);
      if (!found)
        {
          /* an open span is addressed after its row's closed ones */
          guint n_open = weft_lane_get_n_open_spans (lane);
          g_autofree WeftSpan *open = g_new0 (WeftSpan, MAX (n_open, 1));

          n_open = weft_lane_get_open_spans (lane, open, n_open);
          for (guint i = 0; i < n_open && !found; i++)
            if (open[i].depth == depth && index == weft_lane_get_n_spans (lane, depth))
              {
                span = open[i];
                found = TRUE;
              }
        }
    }

  if (!found)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->span_details), FALSE);
      return;
    }

  markup = weft_timeline_view_describe_span (self->timeline_view, &span);
  lines = g_strsplit (markup, "\n", -1);
  g_free (markup);
  markup = g_strjoinv (" · ", lines);
  gtk_label_set_markup (self->span_details, markup);
  gtk_widget_set_visible (GTK_WIDGET (self->span_details), TRUE);
}

static void
weft_window_init (WeftWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The timeline page: ruler, then the lanes; both follow one session */
  self->session = weft_session_new ();
  self->timeline_view = WEFT_TIMELINE_VIEW (weft_timeline_view_new (self->session));
  self->time_ruler = WEFT_TIME_RULER (weft_time_ruler_new (self->session));
  weft_time_ruler_set_inset (self->time_ruler, weft_timeline_view_get_label_width (self->timeline_view));
  gtk_box_prepend (self->timeline_page, GTK_WIDGET (self->time_ruler));
  gtk_scrolled_window_set_child (self->timeline_scroller, GTK_WIDGET (self->timeline_view));
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

  gtk_box_append (self->timeline_page, weft_legend_new ());

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
