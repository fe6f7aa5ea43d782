/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "weft-application.h"
#include "weft-trace-export.h"
#include "weft-window.h"

#include "bench-weft-trace.h"

/*
 * Opening a big trace in the app: from asking the window to open the file
 * to the first frame painted with it on the timeline (the window's frame
 * clock, after-paint). The benchmark's Weft trace at about 100 MB (five
 * opens, alternating two copies so that each is a new file to the window)
 * and at about 1 GB (one open). Prints app_open_100mb_s (the median),
 * app_open_100mb_s_min and _max, and app_open_1gb_s. Run under xvfb-run.
 */

typedef struct
{
  WeftWindow *window;
  gint64      asked;     /* g_get_monotonic_time() when the open was asked */
  gint64      shown;     /* the first paint with the file's model, 0 before */
} Open;

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  Open *open = data;

  if (open->shown == 0 && open->asked != 0 && !weft_window_get_loading (open->window) &&
      weft_window_get_model (open->window) != NULL &&
      g_strcmp0 (weft_window_get_page (open->window), "timeline") == 0)
    open->shown = g_get_monotonic_time ();
}

static void
iterate_until (gboolean (*done) (gpointer),
               gpointer   data,
               double     timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        g_error ("bench-app-open: gave up after %.0f s", timeout_s);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
is_shown (gpointer data)
{
  return ((Open *) data)->shown != 0;
}

/* Keeps frames coming while the file loads, so that the first one after
 * it is shown is painted as soon as GTK would */
static gboolean
tick (GtkWidget     *widget,
      GdkFrameClock *clock,
      gpointer       data)
{
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static double
open_once (WeftWindow *window,
           const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  Open open = { window, 0, 0 };
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &open);
  guint tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (window), tick, NULL, NULL);

  open.asked = g_get_monotonic_time ();
  weft_window_open_file (window, file);
  iterate_until (is_shown, &open, 300);
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick_id);
  g_signal_handler_disconnect (clock, id);
  if (!g_file_equal (weft_window_get_file (window), file) ||
      weft_trace_model_get_n_lanes (weft_window_get_model (window)) != 8)
    g_error ("bench-app-open: the window does not show the 8 lanes of %s", path);
  return (open.shown - open.asked) / 1e6;
}

static char *
write_trace (const char *dir,
             const char *name,
             guint       tasks_per_worker,
             double     *out_mb)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) model = bench_make_weft_model (tasks_per_worker);
  char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;

  if (!weft_trace_export_to_file (model, NULL, path, NULL, &error))
    g_error ("%s", error->message);
  g_stat (path, &st);
  *out_mb = st.st_size / 1e6;
  return path;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-bench-open-XXXXXX", &error);
  g_autofree char *copy[2] = { NULL, NULL };
  g_autofree char *huge = NULL;
  WeftApplication *app;
  WeftWindow *window;
  double mb, huge_mb, t[5];

  g_assert_no_error (error);
  if (!gtk_init_check ())
    {
      g_printerr ("bench-app-open: cannot open a display (run under xvfb-run)\n");
      return 1;
    }
  app = weft_application_new ("org.weft.Weft.BenchOpen", G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  g_application_hold (G_APPLICATION (app));
  window = weft_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 900);
  gtk_window_present (GTK_WINDOW (window));
  iterate_until (is_mapped, window, 30);

  copy[0] = write_trace (dir, "trace-a.json", 6800, &mb);
  copy[1] = write_trace (dir, "trace-b.json", 6800, &mb);
  for (guint i = 0; i < G_N_ELEMENTS (t); i++)
    t[i] = open_once (window, copy[i % 2]);
  qsort (t, G_N_ELEMENTS (t), sizeof t[0], compare_doubles);
  printf ("BENCH app_open_trace_mb %.1f MB\n", mb);
  printf ("BENCH app_open_100mb_s %.2f s\n", t[2]);
  printf ("BENCH app_open_100mb_s_min %.2f s\n", t[0]);
  printf ("BENCH app_open_100mb_s_max %.2f s\n", t[4]);
  fflush (stdout);

  huge = write_trace (dir, "trace-1gb.json", 68000, &huge_mb);
  g_unlink (copy[0]);
  g_unlink (copy[1]);
  printf ("BENCH app_open_huge_trace_mb %.1f MB\n", huge_mb);
  printf ("BENCH app_open_1gb_s %.2f s\n", open_once (window, huge));

  g_unlink (huge);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_object_unref (app);
  return 0;
}
