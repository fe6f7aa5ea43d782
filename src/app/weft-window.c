/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-legend.h"
#include "weft-session.h"
#include "weft-time-ruler.h"
#include "weft-timeline-view.h"
#include "weft-window.h"

/* How many entries the recent-files setting keeps. */
#define MAX_RECENT_FILES 10

struct _WeftWindow
{
  GtkApplicationWindow  parent_instance;

  GSettings            *settings;
  GFile                *file;
  GtkNativeDialog      *file_chooser;

  /* Template children */
  GtkHeaderBar         *header_bar;
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkButton            *open_button;
  GtkMenuButton        *primary_menu_button;
  GtkStack             *stack;
  GtkLabel             *welcome_title;

  /* The timeline page */
  WeftSession          *session;
  GtkBox               *timeline_page;
  GtkScrolledWindow    *timeline_scroller;
  WeftTimeRuler        *time_ruler;
  WeftTimelineView     *timeline_view;
};

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

/**
 * weft_window_open_file:
 * @file: (transfer none): a workload profile or a trace
 *
 * Makes @file the window's file (see #WeftWindow:file) and remembers it in
 * the recent-files setting. Loading it into a view is up to whoever watches
 * #WeftWindow:file.
 */
void
weft_window_open_file (WeftWindow *self,
                       GFile      *file)
{
  g_autofree char *name = NULL;
  g_autofree char *parse_name = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (WEFT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  weft_window_remember_file (self, file);

  if (self->file != NULL && g_file_equal (self->file, file))
    return;

  g_set_object (&self->file, file);

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

  weft_session_set_model (self->session, model);
  gtk_stack_set_visible_child_name (self->stack, model != NULL ? "timeline" : "welcome");
  if (model != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->timeline_view));
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

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
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
  gtk_box_append (self->timeline_page, weft_legend_new ());

  self->settings = g_settings_new ("org.weft.Weft");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}
