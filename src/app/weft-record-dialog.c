/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Record a Program…: a command line and a working folder, Run and Stop.
 * Run starts a WeftRecording (the engine object `weft-cli record` uses too)
 * on the main context and shows its model in the window's timeline, which
 * grows while the program runs; the program's exit status and what could
 * not be recorded are shown here once it has ended. Recent command lines
 * are kept in GSettings (recent-commands).
 */

#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>

#include "weft-record-dialog.h"

#define N_RECENT 10
#define REFRESH_MS 400

struct _WeftRecordDialog
{
  GtkWindow       parent_instance;

  WeftWindow     *window;       /* weak: the dialog goes with it */
  GSettings      *settings;
  GtkStringList  *recent;
  WeftRecording  *recording;
  GCancellable   *cancellable;
  guint           refresh_id;
  gboolean        live;
  GApplication   *held_app;     /* while the window waits to close for the program */

  /* Template children */
  GtkEntry       *command_entry;
  GtkDropDown    *recent_dropdown;
  GtkEntry       *folder_entry;
  GtkButton      *run_button;
  GtkButton      *stop_button;
  GtkLabel       *status_label;
  GtkLabel       *warnings_label;
};

G_DEFINE_FINAL_TYPE (WeftRecordDialog, weft_record_dialog, GTK_TYPE_WINDOW)

static void
weft_record_dialog_dispose (GObject *object)
{
  WeftRecordDialog *self = WEFT_RECORD_DIALOG (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  self->window = NULL;
  if (self->recording != NULL && self->live)
    weft_recording_terminate (self->recording, WEFT_RECORDING_KILL_GRACE_MS);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->recording);
  g_clear_object (&self->settings);
  g_clear_object (&self->recent);
  if (self->held_app != NULL)
    g_application_release (self->held_app);
  g_clear_object (&self->held_app);
  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_RECORD_DIALOG);

  G_OBJECT_CLASS (weft_record_dialog_parent_class)->dispose (object);
}

static void
set_live (WeftRecordDialog *self,
          gboolean          live)
{
  self->live = live;
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), !live);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), live);
  gtk_editable_set_editable (GTK_EDITABLE (self->command_entry), !live);
  gtk_editable_set_editable (GTK_EDITABLE (self->folder_entry), !live);
}

static void
show_warnings (WeftRecordDialog *self)
{
  const char * const *warnings = weft_recording_get_warnings (self->recording);
  g_autofree char *text = g_strjoinv ("\n", (char **) warnings);

  gtk_label_set_label (self->warnings_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_label), warnings[0] != NULL);
}

/* ---- recent command lines ------------------------------------------------ */

static void
on_recent_selected (WeftRecordDialog *self)
{
  guint pos = gtk_drop_down_get_selected (self->recent_dropdown);
  const char *line = pos != GTK_INVALID_LIST_POSITION ? gtk_string_list_get_string (self->recent, pos) : NULL;

  if (line != NULL && !self->live)
    gtk_editable_set_text (GTK_EDITABLE (self->command_entry), line);
}

/* Long command lines are ellipsized, so that the dialog keeps its width */
static void
setup_recent_item (GtkSignalListItemFactory *factory,
                   GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_recent_item (GtkSignalListItemFactory *factory,
                  GtkListItem              *item)
{
  GtkStringObject *line = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), gtk_string_object_get_string (line));
}

static void
load_recent (WeftRecordDialog *self)
{
  g_auto(GStrv) lines = g_settings_get_strv (self->settings, "recent-commands");
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->recent));

  gtk_string_list_splice (self->recent, 0, n, (const char * const *) lines);
  gtk_widget_set_sensitive (GTK_WIDGET (self->recent_dropdown), lines[0] != NULL);
}

/* @line first, once, at most N_RECENT */
static void
remember (WeftRecordDialog *self,
          const char       *line,
          const char       *folder)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-commands");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  g_strv_builder_add (builder, line);
  for (guint i = 0; old[i] != NULL && n < N_RECENT; i++)
    if (!g_str_equal (old[i], line))
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-commands", (const char * const *) recent);
  g_settings_set_string (self->settings, "record-folder", folder);
  load_recent (self);
}

/* ---- a recording --------------------------------------------------------- */

static char *
live_status (WeftRecordDialog *self)
{
  WeftTraceModel *model = weft_recording_get_model (self->recording);
  g_autofree char *events = NULL;
  WeftRunStats rs;

  weft_trace_model_get_run_stats (model, &rs);
  events = g_strdup_printf ("%" G_GUINT64_FORMAT, rs.n_events);
  /* Translators: while a program is recorded: its pid, lanes so far, events so far */
  return g_strdup_printf (_("Recording pid %d… %u lanes, %s events"),
                          (int) weft_recording_get_pid (self->recording), rs.n_lanes, events);
}

static char *
ended_status (WeftRecordDialog *self)
{
  const char *program = weft_recording_get_program (self->recording);
  int sig = weft_recording_get_signal (self->recording);

  if (sig != 0)
    /* Translators: the program, the signal's number and name */
    return g_strdup_printf (_("%s was killed by signal %d (%s)"), program, sig, g_strsignal (sig));
  /* Translators: the program and its exit status */
  return g_strdup_printf (_("%s exited with status %d"), program,
                          weft_recording_get_exit_status (self->recording));
}

static gboolean
refresh (gpointer data)
{
  WeftRecordDialog *self = data;
  g_autofree char *status = live_status (self);

  gtk_label_set_label (self->status_label, status);
  if (self->window != NULL)
    weft_window_show_recording (self->window, weft_recording_get_model (self->recording), NULL, status);
  return G_SOURCE_CONTINUE;
}

/* The program has ended and been reaped: the window that asked to close does */
static void
finish_closing (WeftRecordDialog *self)
{
  g_autoptr(GApplication) app = g_steal_pointer (&self->held_app);

  if (self->window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->window));  /* and this dialog with it */
  g_application_release (app);
}

static void
on_recording_ended (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceMeta) meta = NULL;
  g_autofree char *status = NULL;
  WeftRecordDialog *self;

  if (!weft_recording_wait_finish (WEFT_RECORDING (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* the dialog went away */

  self = WEFT_RECORD_DIALOG (user_data);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  set_live (self, FALSE);
  status = ended_status (self);
  gtk_label_set_label (self->status_label, status);
  show_warnings (self);
  meta = weft_recording_dup_meta (self->recording);
  if (self->window != NULL)
    weft_window_show_recording (self->window, weft_recording_get_model (self->recording), meta, status);
  if (self->held_app != NULL)
    finish_closing (self);
}

static void
show_failure (WeftRecordDialog *self,
              const char       *why)
{
  /* Translators: %s says why the program could not be recorded */
  g_autofree char *text = g_strdup_printf (_("Cannot record: %s"), why);

  gtk_label_set_label (self->status_label, text);
}

/**
 * weft_record_dialog_run:
 *
 * Starts recording the command line in the working folder and shows it in
 * the window; what went wrong is shown in the dialog.
 *
 * Returns: %TRUE if the program started
 */
gboolean
weft_record_dialog_run (WeftRecordDialog *self)
{
  const char *line = gtk_editable_get_text (GTK_EDITABLE (self->command_entry));
  const char *folder = gtk_editable_get_text (GTK_EDITABLE (self->folder_entry));
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftRecording) recording = NULL;

  g_return_val_if_fail (WEFT_IS_RECORD_DIALOG (self), FALSE);

  if (self->live)
    return FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_label), FALSE);
  if (!g_shell_parse_argv (line, NULL, &argv, &error))
    {
      show_failure (self, error->message);
      return FALSE;
    }
  recording = weft_recording_new ((const char * const *) argv, folder);
  if (!weft_recording_start (recording, NULL, &error))
    {
      show_failure (self, error->message);
      return FALSE;
    }
  g_set_object (&self->recording, recording);
  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  g_object_unref (self->cancellable);  /* g_set_object took a reference */
  remember (self, line, folder);
  set_live (self, TRUE);
  weft_recording_wait_async (recording, self->cancellable, on_recording_ended, self);
  refresh (self);
  self->refresh_id = g_timeout_add (REFRESH_MS, refresh, self);
  return TRUE;
}

/* Sends SIGTERM to the recorded program; the recording ends with it */
void
weft_record_dialog_stop (WeftRecordDialog *self)
{
  g_return_if_fail (WEFT_IS_RECORD_DIALOG (self));

  if (self->live)
    weft_recording_stop (self->recording, SIGTERM);
}

/**
 * weft_record_dialog_close_window:
 *
 * The window is asked to close. While a program is recorded, it is ended
 * (SIGTERM, SIGKILL after WEFT_RECORDING_KILL_GRACE_MS) and reaped before
 * the window closes; the window and this dialog hide at once, and the
 * application is held until then.
 *
 * Returns: %TRUE if the window is to wait (it closes itself later)
 */
gboolean
weft_record_dialog_close_window (WeftRecordDialog *self)
{
  GtkApplication *app;

  g_return_val_if_fail (WEFT_IS_RECORD_DIALOG (self), FALSE);

  if (!self->live || self->window == NULL)
    return FALSE;
  if (self->held_app != NULL)
    return TRUE;  /* already closing */
  app = gtk_window_get_application (GTK_WINDOW (self->window));
  if (app == NULL)
    return FALSE;
  self->held_app = G_APPLICATION (g_object_ref (app));
  g_application_hold (self->held_app);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->window), FALSE);
  weft_recording_terminate (self->recording, WEFT_RECORDING_KILL_GRACE_MS);
  return TRUE;
}

static void
on_run_clicked (WeftRecordDialog *self)
{
  weft_record_dialog_run (self);
}

static void
on_stop_clicked (WeftRecordDialog *self)
{
  weft_record_dialog_stop (self);
}

/* ---- the dialog ---------------------------------------------------------- */

static void
weft_record_dialog_class_init (WeftRecordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_record_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/weft/Weft/ui/weft-record-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftRecordDialog, command_entry);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordDialog, recent_dropdown);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordDialog, folder_entry);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordDialog, run_button);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordDialog, stop_button);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordDialog, warnings_label);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
weft_record_dialog_init (WeftRecordDialog *self)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *folder = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new ("org.weft.Weft");
  self->recent = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->recent_dropdown, G_LIST_MODEL (self->recent));
  {
    g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

    g_signal_connect (factory, "setup", G_CALLBACK (setup_recent_item), NULL);
    g_signal_connect (factory, "bind", G_CALLBACK (bind_recent_item), NULL);
    gtk_drop_down_set_factory (self->recent_dropdown, factory);
  }
  load_recent (self);
  lines = g_settings_get_strv (self->settings, "recent-commands");
  if (lines[0] != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->command_entry), lines[0]);
  g_signal_connect_swapped (self->recent_dropdown, "notify::selected", G_CALLBACK (on_recent_selected), self);
  g_signal_connect_swapped (self->command_entry, "activate", G_CALLBACK (on_run_clicked), self);
  g_signal_connect_swapped (self->folder_entry, "activate", G_CALLBACK (on_run_clicked), self);
  g_signal_connect_swapped (self->run_button, "clicked", G_CALLBACK (on_run_clicked), self);
  g_signal_connect_swapped (self->stop_button, "clicked", G_CALLBACK (on_stop_clicked), self);

  folder = g_settings_get_string (self->settings, "record-folder");
  gtk_editable_set_text (GTK_EDITABLE (self->folder_entry), *folder != '\0' ? folder : g_get_home_dir ());
  self->cancellable = g_cancellable_new ();
}

/**
 * weft_record_dialog_get_for_window:
 *
 * Returns: (transfer none): @window's Record a Program… dialog, made on
 *   first use; it hides on close (a recording goes on) and goes with the
 *   window
 */
WeftRecordDialog *
weft_record_dialog_get_for_window (WeftWindow *window)
{
  WeftRecordDialog *self;

  g_return_val_if_fail (WEFT_IS_WINDOW (window), NULL);

  self = g_object_get_data (G_OBJECT (window), "weft-record-dialog");
  if (self != NULL)
    return self;
  self = g_object_new (WEFT_TYPE_RECORD_DIALOG, "transient-for", window, NULL);
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  g_object_set_data (G_OBJECT (window), "weft-record-dialog", self);
  return self;
}

void
weft_record_dialog_set_command_line (WeftRecordDialog *self,
                                     const char       *command_line)
{
  g_return_if_fail (WEFT_IS_RECORD_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->command_entry), command_line);
}

void
weft_record_dialog_set_working_dir (WeftRecordDialog *self,
                                    const char       *working_dir)
{
  g_return_if_fail (WEFT_IS_RECORD_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->folder_entry), working_dir);
}

WeftRecording *
weft_record_dialog_get_recording (WeftRecordDialog *self)
{
  g_return_val_if_fail (WEFT_IS_RECORD_DIALOG (self), NULL);
  return self->recording;
}

gboolean
weft_record_dialog_get_recording_live (WeftRecordDialog *self)
{
  g_return_val_if_fail (WEFT_IS_RECORD_DIALOG (self), FALSE);
  return self->live;
}

const char *
weft_record_dialog_get_status_text (WeftRecordDialog *self)
{
  g_return_val_if_fail (WEFT_IS_RECORD_DIALOG (self), NULL);
  return gtk_label_get_label (self->status_label);
}

const char *
weft_record_dialog_get_warnings_text (WeftRecordDialog *self)
{
  g_return_val_if_fail (WEFT_IS_RECORD_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->warnings_label)) ? gtk_label_get_label (self->warnings_label) : "";
}
