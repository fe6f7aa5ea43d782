/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-record-dialog.h"
#include "weft-window-private.h"

/*
 * The window's actions besides win.open: run, stop, compare, export and
 * save-as, with their accelerators, and the one function that keeps their
 * enabled state in step with what the window shows.
 */

static gboolean
is_running (WeftWindow *self)
{
  return self->live_run != NULL && !weft_run_get_finished (self->live_run);
}

void
_weft_window_update_actions (WeftWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean running = is_running (self);
  gboolean has_profile = self->editor != NULL && weft_profile_editor_get_profile (self->editor) != NULL;

  gtk_widget_action_set_enabled (widget, "win.run", has_profile && !running);
  gtk_widget_action_set_enabled (widget, "win.stop", running);
  gtk_widget_action_set_enabled (widget, "win.compare", has_profile && !running);
  gtk_widget_action_set_enabled (widget, "win.save-as", has_profile);
  gtk_widget_action_set_enabled (widget, "win.export", self->model != NULL && !self->exporting &&
                                 !self->recording_live &&
                                 (self->run == NULL || weft_run_get_finished (self->run)));

  /* The way between the shown profile's page and its run */
  if (self->profile_button != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->profile_button), self->profile != NULL);
  if (self->show_run_button != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->show_run_button), self->run != NULL);

  /* One button: Run, or Stop while a run goes on */
  if (self->run_button != NULL)
    {
      gtk_button_set_label (self->run_button, running ? _("_Stop") : _("_Run"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->run_button), running ? "win.stop" : "win.run");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_button),
                                   running ? _("Stop the run (Escape)") : _("Run the workload profile (Ctrl+R)"));
      if (running)
        {
          gtk_widget_remove_css_class (GTK_WIDGET (self->run_button), "suggested-action");
          gtk_widget_add_css_class (GTK_WIDGET (self->run_button), "destructive-action");
        }
      else
        {
          gtk_widget_remove_css_class (GTK_WIDGET (self->run_button), "destructive-action");
          gtk_widget_add_css_class (GTK_WIDGET (self->run_button), "suggested-action");
        }
    }
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  weft_window_run (WEFT_WINDOW (widget));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  weft_window_stop (WEFT_WINDOW (widget));
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WeftWindow *self = WEFT_WINDOW (widget);

  if (self->model == NULL)
    {
      /* The views need a model to be shown; an empty one until a run */
      g_autoptr(WeftTraceModel) empty = weft_trace_model_new ();

      weft_window_set_model (self, empty);
    }
  weft_window_show_view (self, "compare");
  weft_compare_view_start (self->compare_view);
}

static char *
suggested_name (WeftWindow *self,
                const char *suffix)
{
  const WeftProfile *profile = weft_profile_editor_get_profile (self->editor);
  g_autofree char *base = NULL;

  if (profile != NULL && profile->path != NULL)
    base = g_path_get_basename (profile->path);
  else if (self->file != NULL)
    base = g_file_get_basename (self->file);
  else
    base = g_strdup ("weft.json");
  if (g_str_has_suffix (base, ".json"))
    base[strlen (base) - 5] = '\0';
  return g_strconcat (base, suffix, NULL);
}

static void
on_save_response (GtkNativeDialog *dialog,
                  int              response,
                  WeftWindow      *self)
{
  gboolean export = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "export"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL && export)
        weft_window_export (self, file);
      else if (file != NULL)
        {
          g_autoptr(GError) error = NULL;

          if (!weft_window_save_profile (self, file, &error))
            {
              /* Translators: %s says why the profile could not be written */
              g_autofree char *msg = g_strdup_printf (_("Could not save the profile: %s"), error->message);

              _weft_window_show_error (self, msg);
            }
        }
    }

  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->save_chooser);
}

static void
show_save_dialog (WeftWindow *self,
                  gboolean    export)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = suggested_name (self, export ? "-trace.json" : "-edited.json");
  GtkFileChooserNative *chooser;

  if (self->save_chooser != NULL)
    {
      gtk_native_dialog_destroy (self->save_chooser);
      g_clear_object (&self->save_chooser);
    }

  chooser = gtk_file_chooser_native_new (export ? _("Export Trace") : _("Save Profile As"),
                                         GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         export ? _("_Export") : _("_Save"),
                                         _("_Cancel"));
  self->save_chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_set_modal (self->save_chooser, TRUE);
  g_object_set_data (G_OBJECT (chooser), "export", GINT_TO_POINTER (export));
  gtk_file_filter_set_name (filter, export ? _("Chrome Trace Event JSON") : _("Workload Profiles (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  g_signal_connect_object (chooser, "response", G_CALLBACK (on_save_response), self, 0);
  gtk_native_dialog_show (self->save_chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  show_save_dialog (WEFT_WINDOW (widget), TRUE);
}

static void
record_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_window_present (GTK_WINDOW (weft_record_dialog_get_for_window (WEFT_WINDOW (widget))));
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  show_save_dialog (WEFT_WINDOW (widget), FALSE);
}

static void
show_view_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  WeftWindow *self = WEFT_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (self->model != NULL || g_str_equal (name, "profile") || g_str_equal (name, "diff"))
    weft_window_show_view (self, name);
}

/* The Diff view, its pickers filled with what there is to compare */
static void
diff_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  weft_window_show_view (WEFT_WINDOW (widget), "diff");
}

/* Ctrl+F: the timeline's search bar, opened or closed */
static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WeftWindow *self = WEFT_WINDOW (widget);
  gboolean open = !weft_search_bar_get_open (self->search_bar);

  if (self->model == NULL)
    return;
  if (open)
    weft_window_show_view (self, "timeline");
  weft_search_bar_set_open (self->search_bar, open);
}

void
_weft_window_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.record", NULL, record_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.diff", NULL, diff_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);

  /* Listed in ui/help-overlay.ui */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.compare", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.record", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_ALT_MASK, "win.show-view", "s", "profile");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-view", "s", "timeline");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-view", "s", "contention");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.show-view", "s", "summary");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_ALT_MASK, "win.show-view", "s", "compare");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_5, GDK_ALT_MASK, "win.show-view", "s", "diff");
}
