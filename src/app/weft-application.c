/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "weft-application.h"
#include "weft-python-version.h"
#include "weft-window.h"

struct _WeftApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (WeftApplication, weft_application, ADW_TYPE_APPLICATION)

/* The schema id stays fixed when a test or a development build uses
 * another application id. */
#define SETTINGS_SCHEMA_ID "org.weft.Weft"
#define RESOURCE_BASE_PATH "/org/weft/Weft"

#ifndef WEFT_HOMEPAGE
# error "WEFT_HOMEPAGE must be defined by the build (data/meson.build)"
#endif

WeftApplication *
weft_application_new (const char        *application_id,
                      GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id == NULL || g_application_id_is_valid (application_id), NULL);

  return g_object_new (WEFT_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags | G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE_PATH,
                       NULL);
}

/**
 * weft_application_get_settings:
 *
 * Returns: (transfer none): the application's settings; valid after startup.
 */
GSettings *
weft_application_get_settings (WeftApplication *self)
{
  g_return_val_if_fail (WEFT_IS_APPLICATION (self), NULL);

  return self->settings;
}

/* The setting's light or dark style, or the desktop's (followed as it
 * changes) */
static void
weft_application_apply_color_scheme (WeftApplication *self)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK,
  };
  guint scheme = (guint) g_settings_get_enum (self->settings, "color-scheme");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      schemes[scheme < G_N_ELEMENTS (schemes) ? scheme : 0]);
}

static void
on_color_scheme_changed (GSettings       *settings,
                         const char      *key,
                         WeftApplication *self)
{
  weft_application_apply_color_scheme (self);
}

static WeftWindow *
weft_application_get_empty_window (WeftApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    {
      if (WEFT_IS_WINDOW (l->data) && weft_window_get_file (l->data) == NULL)
        return l->data;
    }

  return NULL;
}

static void
weft_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (weft_window_new (WEFT_APPLICATION (app)));

  gtk_window_present (window);
}

static void
weft_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  WeftApplication *self = WEFT_APPLICATION (app);

  /* One window per file; a window still showing the welcome page is reused. */
  for (int i = 0; i < n_files; i++)
    {
      WeftWindow *window = weft_application_get_empty_window (self);

      if (window == NULL)
        window = weft_window_new (self);

      weft_window_open_file (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Close rather than destroy, so that each window saves its state. */
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);

  g_application_quit (G_APPLICATION (app));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The Weft developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  GtkWidget *about = adw_about_window_new ();

  g_object_set (about,
                "application-name", _("Weft"),
                "application-icon", APP_ID,
                "version", PACKAGE_VERSION,
                "comments", _("Visualize and profile concurrent workloads"),
                "website", WEFT_HOMEPAGE,
                "license-type", GTK_LICENSE_GPL_3_0,
                "developers", developers,
                /* Translators: your names, one per line. */
                "translator-credits", _("translator-credits"),
                "transient-for", parent,
                NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_action },
  { .name = "about", .activate = about_action },
};

/* Asks python3 for its version once, off the UI thread: the first run
 * models it (weft_python_version_default()) and must not wait for it. */
static gpointer
ask_python_version (gpointer data)
{
  (void) data;
  weft_python_version_default ();
  return NULL;
}

static void
weft_application_startup (GApplication *app)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Primary>q", NULL } },
    { "win.open", { "<Primary>o", NULL } },
    { "win.show-help-overlay", { "<Primary>question", "<Primary>slash", NULL } },
    { "window.close", { "<Primary>w", NULL } },
  };
  WeftApplication *self = WEFT_APPLICATION (app);
  g_autoptr(GAction) color_scheme = NULL;

  /* (AdwApplication loads style.css from the resources by itself) */
  G_APPLICATION_CLASS (weft_application_parent_class)->startup (app);

  self->settings = g_settings_new (SETTINGS_SCHEMA_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  color_scheme = g_settings_create_action (self->settings, "color-scheme");
  g_action_map_add_action (G_ACTION_MAP (self), color_scheme);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           accels[i].action, accels[i].accels);

  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (on_color_scheme_changed), self, 0);
  weft_application_apply_color_scheme (self);
  g_thread_unref (g_thread_new ("weft-python-version", ask_python_version, NULL));
}

static void
weft_application_dispose (GObject *object)
{
  WeftApplication *self = WEFT_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (weft_application_parent_class)->dispose (object);
}

static void
weft_application_class_init (WeftApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = weft_application_dispose;

  app_class->startup = weft_application_startup;
  app_class->activate = weft_application_activate;
  app_class->open = weft_application_open;
}

static void
weft_application_init (WeftApplication *self)
{
}
