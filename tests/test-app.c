/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GTK application: window, template, actions, settings, rendering.
 * Needs a display (run under xvfb-run); without one it fails. */
#define G_LOG_DOMAIN "test-app"

#include "config.h"

#include <signal.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "weft-application.h"
#include "weft-state-style.h"
#include "weft-window.h"
#include "weft-test-render.h"
#include "weft-test-util.h"

static WeftApplication *app;

static gboolean
window_is_ready (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) &&
         gtk_widget_get_width (widget) > 0 &&
         gtk_widget_get_height (widget) > 0;
}

static gboolean
label_has_size (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (data)) > 0;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static WeftWindow *
show_window (void)
{
  WeftWindow *window = weft_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (window_is_ready, window, 5000));

  return window;
}

static void
destroy_window (WeftWindow *window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for (is_null, &weak, 5000));
}

static GtkWidget *
template_child (WeftWindow *window, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), WEFT_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* Mean colour of a rectangle, per channel (ARGB32 native-endian bytes). */
static void
mean_colour (const guchar *pixels, gsize stride,
             int x0, int y0, int x1, int y1, double mean[4])
{
  double n = (double) (x1 - x0) * (y1 - y0);

  for (int c = 0; c < 4; c++)
    mean[c] = 0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      for (int c = 0; c < 4; c++)
        mean[c] += pixels[y * stride + x * 4 + c];
  for (int c = 0; c < 4; c++)
    mean[c] /= n;
}

/* Pixels clearly darker than a light background (text, icons). */
static int
count_dark (const guchar *pixels, gsize stride, int x0, int y0, int x1, int y1)
{
  int n = 0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        const guchar *p = pixels + y * stride + x * 4;

        if (p[0] + p[1] + p[2] < 3 * 110)
          n++;
      }

  return n;
}

static void
test_window_template (void)
{
  WeftWindow *window = show_window ();
  GtkWidget *view_title = template_child (window, "view_title");
  GtkWidget *welcome = template_child (window, "welcome_page");
  GtkWidget *header_bar = template_child (window, "header_bar");
  GtkStack *stack = GTK_STACK (template_child (window, "stack"));
  GtkWidget *title;

  /* The header shows the title, not the views' switcher, on the welcome page */
  g_assert_true (ADW_IS_HEADER_BAR (header_bar));
  g_assert_cmpstr (adw_view_switcher_title_get_title (ADW_VIEW_SWITCHER_TITLE (view_title)), ==, "Weft");
  g_assert_false (adw_view_switcher_title_get_view_switcher_enabled (ADW_VIEW_SWITCHER_TITLE (view_title)));
  title = find_label (view_title, "Weft");
  g_assert_nonnull (title);
  g_assert_true (gtk_widget_is_drawable (title));
  g_assert_true (wait_for (label_has_size, title, 5000));
  g_assert_true (gtk_widget_is_ancestor (title, header_bar));
  g_assert_true (gtk_window_get_titlebar (GTK_WINDOW (window)) == header_bar);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Weft");

  g_assert_true (ADW_IS_STATUS_PAGE (welcome));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (welcome)), ==, "Weft");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "welcome");
  g_assert_true (gtk_widget_get_mapped (find_label (welcome, "Weft")));

  /* The welcome icon comes from the resources (GtkApplication adds
   * /org/weft/Weft/icons to the icon theme), so it works uninstalled. */
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                          "org.weft.Weft"));

  destroy_window (window);
}

static void
test_window_actions (void)
{
  WeftWindow *window = show_window ();
  GtkWidget *open_button = template_child (window, "open_button");
  GtkWidget *menu_button = template_child (window, "primary_menu_button");
  g_auto(GStrv) accels = NULL;
  gboolean found_open = FALSE;
  const char *name;
  const char *property;
  const GVariantType *param_type;
  GType owner;
  GMenuModel *menu;

  /* win.open is a class action of WeftWindow (GTK 4.8 needs every out argument) */
  for (guint i = 0; gtk_widget_class_query_action (GTK_WIDGET_GET_CLASS (window), i, &owner,
                                                   &name, &param_type, &property); i++)
    found_open |= g_str_equal (name, "win.open") && owner == WEFT_TYPE_WINDOW;
  g_assert_true (found_open);

  /* Its enabled state reaches the button bound to it, and back. */
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (open_button)), ==, "win.open");
  g_assert_true (gtk_widget_is_sensitive (open_button));
  gtk_widget_action_set_enabled (GTK_WIDGET (window), "win.open", FALSE);
  g_assert_false (gtk_widget_is_sensitive (open_button));
  gtk_widget_action_set_enabled (GTK_WIDGET (window), "win.open", TRUE);
  g_assert_true (gtk_widget_is_sensitive (open_button));

  /* GtkApplication found gtk/help-overlay.ui in the resources */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));

  /* app actions */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "about"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "quit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "color-scheme"));

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>q"));
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.open");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>o"));

  /* the primary menu offers open, shortcuts, about and quit */
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button));
  g_assert_nonnull (menu);
  {
    const char *wanted[] = { "win.open", "win.show-help-overlay", "app.about", "app.quit" };
    guint found = 0;

    for (int s = 0; s < g_menu_model_get_n_items (menu); s++)
      {
        g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, s, G_MENU_LINK_SECTION);

        for (int i = 0; section && i < g_menu_model_get_n_items (section); i++)
          {
            g_autofree char *action = NULL;

            if (g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
              for (guint w = 0; w < G_N_ELEMENTS (wanted); w++)
                if (g_str_equal (action, wanted[w]))
                  found |= 1u << w;
          }
      }
    g_assert_cmpuint (found, ==, (1u << G_N_ELEMENTS (wanted)) - 1);
  }

  destroy_window (window);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      /* the list keeps the window alive after this reference is dropped */
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
toplevel_shown (gpointer data)
{
  return find_toplevel (GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
window_has_file (gpointer data)
{
  return weft_window_get_file (data) != NULL;
}

static gboolean
chooser_has_file (gpointer data)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (data);

  return file != NULL;
}

static void
test_about_dialog (void)
{
  WeftWindow *window = show_window ();
  AdwAboutWindow *about;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (wait_for (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW), 5000));
  about = ADW_ABOUT_WINDOW (find_toplevel (ADW_TYPE_ABOUT_WINDOW));

  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "Weft");
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_true (g_str_has_prefix (adw_about_window_get_website (about), "https://"));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (window));

  gtk_window_destroy (GTK_WINDOW (about));
  destroy_window (window);
}

/* win.open shows a file chooser filtered to JSON; accepting a file opens it. */
static void
run_open_action (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-test-app-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  WeftWindow *window;
  GtkFileChooser *chooser;
  GtkFileFilter *filter;

  g_assert_no_error (error);
  /* an empty trace: :file is set once the window shows it */
  path = g_build_filename (dir, "trace.json", NULL);
  g_assert_true (g_file_set_contents (path, "[]\n", -1, &error));
  g_assert_no_error (error);
  file = g_file_new_for_path (path);
  window = show_window ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open", NULL));
  g_assert_true (wait_for (toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_FILE_CHOOSER_DIALOG), 5000));
  chooser = GTK_FILE_CHOOSER (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));

  filter = gtk_file_chooser_get_filter (chooser);
  g_assert_nonnull (filter);
  g_assert_cmpstr (gtk_file_filter_get_name (filter), ==, "Profiles and Traces (JSON)");
  g_assert_cmpint (gtk_file_chooser_get_action (chooser), ==, GTK_FILE_CHOOSER_ACTION_OPEN);

  g_assert_true (gtk_file_chooser_set_file (chooser, file, NULL));
  /* the chooser selects the file once it has loaded the folder */
  g_assert_true (wait_for (chooser_has_file, chooser, 5000));
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  g_assert_true (wait_for (window_has_file, window, 5000));
  g_assert_true (g_file_equal (weft_window_get_file (window), file));
  g_assert_null (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));

  destroy_window (window);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_open_action (void)
{
  g_autofree char *old_asan = g_strdup (g_getenv ("ASAN_OPTIONS"));
  g_autofree char *asan = NULL;

  if (g_test_subprocess ())
    {
      run_open_action ();
      return;
    }

  /* GTK 4.8's file chooser leaks a few GFileInfos from its folder
   * enumeration. Run this test in a child with leak detection off, so that
   * LeakSanitizer keeps checking Weft's own code in every other test. */
  asan = g_strconcat (old_asan != NULL ? old_asan : "", ":detect_leaks=0", NULL);
  g_setenv ("ASAN_OPTIONS", asan, TRUE);
  /* a cap for slow machines (sanitizers, load), not a timing */
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (old_asan != NULL)
    g_setenv ("ASAN_OPTIONS", old_asan, TRUE);
  else
    g_unsetenv ("ASAN_OPTIONS");
  g_test_trap_assert_passed ();
}

static void
test_window_renders (void)
{
  WeftWindow *window = show_window ();
  GtkWidget *header_bar = template_child (window, "header_bar");
  GtkWidget *welcome_title = find_label (template_child (window, "welcome_page"), "Weft");
  g_autofree guchar *pixels = NULL;
  graphene_rect_t header_bounds, title_bounds;
  double header_mean[4], content_mean[4];
  int width, height;
  gsize stride;
  gboolean uniform = TRUE;
  double diff = 0;

  g_assert_true (gtk_widget_compute_bounds (header_bar, GTK_WIDGET (window), &header_bounds));
  g_assert_true (gtk_widget_compute_bounds (welcome_title, GTK_WIDGET (window), &title_bounds));

  pixels = weft_test_render (GTK_WIDGET (window), "app-window", &width, &height, &stride);
  g_assert_cmpint (width, >, 300);
  g_assert_cmpint (height, >, 200);

  for (int y = 0; y < height && uniform; y++)
    for (int x = 0; x < width; x++)
      if (memcmp (pixels + y * stride + x * 4, pixels, 4) != 0)
        {
          uniform = FALSE;
          break;
        }
  g_assert_false (uniform);

  /* The header bar has its own background; compare a strip of it (left of
   * the Open button is padding) with a strip of the content near the bottom. */
  {
    int hy0 = (int) header_bounds.origin.y + 2;
    int hy1 = (int) (header_bounds.origin.y + header_bounds.size.height) - 2;
    int cy0 = height - 12;

    g_assert_cmpint (hy1, >, hy0);
    g_assert_cmpint (cy0, >, (int) (header_bounds.origin.y + header_bounds.size.height));
    mean_colour (pixels, stride, 0, hy0, width, hy1, header_mean);
    mean_colour (pixels, stride, 0, cy0, width, height - 2, content_mean);
  }
  for (int c = 0; c < 3; c++)
    diff = MAX (diff, ABS (header_mean[c] - content_mean[c]));
  g_test_message ("header mean %.1f/%.1f/%.1f, content mean %.1f/%.1f/%.1f",
                  header_mean[0], header_mean[1], header_mean[2],
                  content_mean[0], content_mean[1], content_mean[2]);
  g_assert_cmpfloat (diff, >, 2.0);

  /* The welcome title is drawn, large: its bounds hold many dark text
   * pixels, and the plain content strip holds none. */
  {
    int x0 = (int) title_bounds.origin.x, y0 = (int) title_bounds.origin.y;
    int x1 = x0 + (int) title_bounds.size.width, y1 = y0 + (int) title_bounds.size.height;

    g_assert_cmpint (y1 - y0, >=, 24);
    g_assert_cmpint (count_dark (pixels, stride, x0, y0, x1, y1), >, 150);
    g_assert_cmpint (count_dark (pixels, stride, 0, height - 12, width, height - 2), ==, 0);
  }

  destroy_window (window);
}

static void
test_window_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.weft.Weft");
  g_autofree char *dir = g_dir_make_tmp ("weft-app-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_auto(GStrv) recent = NULL;
  WeftWindow *window;
  int width, height;

  /* Restored at creation */
  g_settings_set_int (settings, "window-width", 640);
  g_settings_set_int (settings, "window-height", 480);
  g_settings_set_boolean (settings, "window-maximized", FALSE);
  window = show_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 640);
  g_assert_cmpint (height, ==, 480);

  /* Saved when the window is closed */
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  g_settings_set_int (settings, "window-width", 400);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 700);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 500);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  /* Opening a file remembers it; once it is shown, :file and the subtitle
   * name it */
  g_assert_true (g_file_set_contents (path, "[]", -1, NULL));
  window = show_window ();
  g_assert_null (weft_window_get_file (window));
  weft_window_open_file (window, file);
  recent = g_settings_get_strv (settings, "recent-files");
  g_assert_cmpstr (recent[0], ==, path);
  g_assert_true (wait_for (window_has_file, window, 10000));
  g_assert_true (g_file_equal (weft_window_get_file (window), file));
  g_assert_cmpstr (adw_view_switcher_title_get_subtitle (ADW_VIEW_SWITCHER_TITLE (template_child (window, "view_title"))),
                   ==, "trace.json");
  g_assert_nonnull (find_label (template_child (window, "view_title"), "trace.json"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (template_child (window, "view_title")), ==, path);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "trace.json — Weft");
  destroy_window (window);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_recent_files (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.weft.Weft");
  g_auto(GStrv) recent = NULL;
  WeftWindow *window = weft_window_new (app);

  g_settings_reset (settings, "recent-files");
  for (int i = 0; i < 12; i++)
    {
      g_autofree char *path = g_strdup_printf ("/tmp/weft-test/%d.json", i);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      weft_window_open_file (window, file);
    }
  {
    /* Opening one again moves it to the front without a duplicate */
    g_autoptr(GFile) again = g_file_new_for_path ("/tmp/weft-test/5.json");

    weft_window_open_file (window, again);
  }

  recent = g_settings_get_strv (settings, "recent-files");
  g_assert_cmpuint (g_strv_length (recent), ==, 10);
  g_assert_cmpstr (recent[0], ==, "/tmp/weft-test/5.json");
  g_assert_cmpstr (recent[1], ==, "/tmp/weft-test/11.json");
  g_assert_cmpstr (recent[2], ==, "/tmp/weft-test/10.json");
  g_assert_cmpstr (recent[9], ==, "/tmp/weft-test/2.json");
  for (int i = 1; i < 10; i++)
    g_assert_cmpstr (recent[i], !=, "/tmp/weft-test/5.json");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_color_scheme (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.weft.Weft");
  AdwStyleManager *style = adw_style_manager_get_default ();
  WeftWindow *window = show_window ();
  g_autofree char *scheme = NULL;

  /* The setting picks the style, and the window's text turns light on it */
  g_settings_set_string (settings, "color-scheme", "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (weft_state_style_widget_is_dark (GTK_WIDGET (window)));

  g_action_group_activate_action (G_ACTION_GROUP (app), "color-scheme",
                                  g_variant_new_string ("light"));
  scheme = g_settings_get_string (settings, "color-scheme");
  g_assert_cmpstr (scheme, ==, "light");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_false (adw_style_manager_get_dark (style));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (weft_state_style_widget_is_dark (GTK_WIDGET (window)));

  /* "Follow the system": the desktop's own */
  g_settings_reset (settings, "color-scheme");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
  destroy_window (window);
}

/* Runs last: app.quit closes every window, and each saves its state. */
static void
test_quit (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.weft.Weft");
  WeftWindow *window = show_window ();
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 520);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  g_assert_true (wait_for (is_null, &weak, 5000));
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 720);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 520);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* Writing to a pipe whose reader is gone (a dead worker) gives EPIPE, not death. */
  signal (SIGPIPE, SIG_IGN);

  /* A display test that finds no display fails: CI runs it under xvfb-run. */
  if (!gtk_init_check ())
    {
      g_printerr ("test-app: cannot open a display (DISPLAY=%s; run under xvfb-run)\n",
                  g_getenv ("DISPLAY") != NULL ? g_getenv ("DISPLAY") : "unset");
      return 1;
    }

  app = weft_application_new ("org.weft.Weft.Test", G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("registering the application: %s", error->message);
  /* Keep the app's startup state (actions, help overlay) while windows come and go. */
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/weft/app/window-template", test_window_template);
  g_test_add_func ("/weft/app/window-actions", test_window_actions);
  g_test_add_func ("/weft/app/window-renders", test_window_renders);
  g_test_add_func ("/weft/app/window-settings", test_window_settings);
  g_test_add_func ("/weft/app/recent-files", test_recent_files);
  g_test_add_func ("/weft/app/about-dialog", test_about_dialog);
  g_test_add_func ("/weft/app/open-action", test_open_action);
  g_test_add_func ("/weft/app/color-scheme", test_color_scheme);
  g_test_add_func ("/weft/app/quit", test_quit);

  ret = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return ret;
}
