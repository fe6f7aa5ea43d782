/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Record a Program… in the app, under Xvfb: real programs recorded through
 * the dialog's own code path (the same WeftRecording that `weft-cli record`
 * uses), shown live in the window's timeline, their exit status and
 * warnings shown in the dialog, the command line kept in GSettings. */

#define G_LOG_DOMAIN "test-record-app"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "weft-application.h"
#include "weft-record-dialog.h"
#include "weft-test-util.h"
#include "weft-window.h"

#define PYTHON "/usr/bin/python3"

static WeftApplication *app;

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

static gboolean
recording_ended (gpointer data)
{
  return weft_record_dialog_get_recording (data) != NULL && !weft_record_dialog_get_recording_live (data);
}

typedef struct
{
  WeftWindow *window;
  guint       n_lanes;
} LaneWait;

/* the window shows a model with at least n_lanes lanes */
static gboolean
has_lanes (gpointer data)
{
  LaneWait *w = data;
  WeftTraceModel *model = weft_window_get_model (w->window);

  return model != NULL && weft_trace_model_get_n_lanes (model) >= w->n_lanes;
}

static WeftWindow *
show_window (void)
{
  WeftWindow *window = weft_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (is_mapped, window, 5000));
  return window;
}

/* The dialog as win.record opens it, shown */
static WeftRecordDialog *
open_dialog (WeftWindow *window)
{
  WeftRecordDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.record", NULL));
  dialog = weft_record_dialog_get_for_window (window);
  g_assert_true (wait_for (is_mapped, dialog, 5000));
  return dialog;
}

/* Python with two threads that each end after real work */
static void
test_python_threads (void)
{
  WeftWindow *window = show_window ();
  WeftRecordDialog *dialog = open_dialog (window);
  g_autofree char *dir = g_dir_make_tmp ("weft-test-record-app-XXXXXX", NULL);
  const char *line = PYTHON " -c 'import threading, time\n"
                     "def work(): sum(range(3000000))\n"
                     "ts = [threading.Thread(target=work) for _ in range(2)]\n"
                     "[t.start() for t in ts]; [t.join() for t in ts]\n"
                     "open(\"done\", \"w\").write(\"ok\")'";
  LaneWait w = { window, 3 };
  g_autoptr(GSettings) settings = g_settings_new ("org.weft.Weft");
  g_auto(GStrv) recent = NULL;
  g_autofree char *done_path = g_build_filename (dir, "done", NULL);
  WeftTraceModel *model;
  guint n_python = 0;

  weft_record_dialog_set_command_line (dialog, line);
  weft_record_dialog_set_working_dir (dialog, dir);
  g_assert_true (weft_record_dialog_run (dialog));
  g_assert_true (weft_record_dialog_get_recording_live (dialog));
  g_assert_cmpstr (weft_window_get_page (window), ==, "timeline");
  /* export waits for the end: the model still grows */
  {
    g_autofree char *early = g_build_filename (dir, "early.json", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (early);

    weft_window_export (window, file);
    g_assert_false (weft_window_get_busy (window));
  }

  /* the lanes appear in the window (main thread and two threads), then it ends */
  g_assert_true (wait_for (has_lanes, &w, 60000));
  g_assert_true (wait_for (recording_ended, dialog, 60000));
  model = weft_window_get_model (window);
  g_assert_true (model == weft_recording_get_model (weft_record_dialog_get_recording (dialog)));
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      const char *name = weft_lane_get_name (weft_trace_model_get_lane (model, i));

      g_test_message ("lane %u: %s", i, name);
      if (g_str_has_prefix (name, "python3"))
        n_python++;
    }
  g_assert_cmpuint (n_python, >=, 3);

  /* it ran in the working folder, and its exit status is shown */
  g_assert_true (g_file_test (done_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (weft_record_dialog_get_status_text (dialog), ==, PYTHON " exited with status 0");
  g_assert_cmpint (weft_recording_get_exit_status (weft_record_dialog_get_recording (dialog)), ==, 0);

  /* the command line is kept, first */
  recent = g_settings_get_strv (settings, "recent-commands");
  g_assert_nonnull (recent[0]);
  g_assert_cmpstr (recent[0], ==, line);

  g_unlink (done_path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A failing program's status, a static program's warning, a bad command line */
static void
test_status_and_warnings (void)
{
  WeftWindow *window = show_window ();
  WeftRecordDialog *dialog = open_dialog (window);
  g_autofree char *helper = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "record", "record-static", NULL);
  g_autofree char *line = g_strdup_printf ("'%s'", helper);
  g_autofree char *status = NULL;

  weft_record_dialog_set_command_line (dialog, "sh -c 'exit 3'");
  weft_record_dialog_set_working_dir (dialog, "");
  g_assert_true (weft_record_dialog_run (dialog));
  g_assert_true (wait_for (recording_ended, dialog, 30000));
  g_assert_cmpstr (weft_record_dialog_get_status_text (dialog), ==, "sh exited with status 3");
  g_assert_cmpstr (weft_record_dialog_get_warnings_text (dialog), ==, "");

  weft_record_dialog_set_command_line (dialog, line);
  {
    /* it prints to its stdout, which is ours: keep it out of the TAP stream */
    int saved = dup (STDOUT_FILENO), null = open ("/dev/null", O_WRONLY);

    dup2 (null, STDOUT_FILENO);
    g_assert_true (weft_record_dialog_run (dialog));
    dup2 (saved, STDOUT_FILENO);
    close (null);
    close (saved);
  }
  g_assert_true (wait_for (recording_ended, dialog, 30000));
  status = g_strdup_printf ("%s exited with status 3", helper);
  g_assert_cmpstr (weft_record_dialog_get_status_text (dialog), ==, status);
  g_assert_nonnull (strstr (weft_record_dialog_get_warnings_text (dialog), "is statically linked"));
  g_assert_cmpuint (weft_trace_model_get_n_lanes (weft_window_get_model (window)), ==, 1);

  weft_record_dialog_set_command_line (dialog, "no-such-program-here");
  g_assert_false (weft_record_dialog_run (dialog));
  g_assert_cmpstr (weft_record_dialog_get_status_text (dialog), ==,
                   "Cannot record: no-such-program-here: no such program");
  weft_record_dialog_set_command_line (dialog, "echo 'unclosed");
  g_assert_false (weft_record_dialog_run (dialog));
  g_assert_true (g_str_has_prefix (weft_record_dialog_get_status_text (dialog), "Cannot record: "));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Stop sends SIGTERM; what was recorded is kept and can be exported */
static void
test_stop (void)
{
  WeftWindow *window = show_window ();
  WeftRecordDialog *dialog = open_dialog (window);
  LaneWait w = { window, 1 };

  weft_record_dialog_set_command_line (dialog, PYTHON " -c 'import time\nwhile True: time.sleep(0.05)'");
  g_assert_true (weft_record_dialog_run (dialog));
  g_assert_true (wait_for (has_lanes, &w, 30000));
  weft_record_dialog_stop (dialog);
  g_assert_true (wait_for (recording_ended, dialog, 30000));
  g_assert_cmpstr (weft_record_dialog_get_status_text (dialog), ==, PYTHON " was killed by signal 15 (Terminated)");
  g_assert_nonnull (strstr (weft_record_dialog_get_warnings_text (dialog), "was killed by signal 15"));
  g_assert_cmpuint (weft_trace_model_get_n_lanes (weft_window_get_model (window)), >=, 1);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (window)));
  /* the ended recording exports like any trace */
  {
    g_autofree char *dir = g_dir_make_tmp ("weft-test-record-app-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "stopped.json", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autofree char *text = NULL;

    weft_window_export (window, file);
    g_assert_true (weft_window_get_busy (window));
    while (weft_window_get_busy (window))
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "\"executor\""));
    g_assert_nonnull (strstr (text, "record"));
    g_assert_nonnull (strstr (text, "python3"));
    g_unlink (path);
    g_rmdir (dir);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A Python program that ignores SIGTERM, in @dir; says when it does */
static const char *
stubborn_line (void)
{
  return PYTHON " -c 'import signal, time\n"
         "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
         "open(\"ready\", \"w\").close()\n"
         "while True: time.sleep(0.05)'";
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* kill (pid, 0) succeeds on a zombie too: ESRCH means it was reaped */
static gboolean
process_gone (gpointer data)
{
  return kill ((pid_t) GPOINTER_TO_INT (data), 0) < 0 && errno == ESRCH;
}

/* The recorded program in @dir, started from @window's dialog, and ready */
static WeftRecording *
record_stubborn (WeftWindow *window,
                 const char *dir)
{
  WeftRecordDialog *dialog = open_dialog (window);
  g_autofree char *ready = g_build_filename (dir, "ready", NULL);
  LaneWait w = { window, 1 };

  weft_record_dialog_set_command_line (dialog, stubborn_line ());
  weft_record_dialog_set_working_dir (dialog, dir);
  g_assert_true (weft_record_dialog_run (dialog));
  g_assert_true (wait_for (file_exists, ready, 60000));
  g_assert_true (wait_for (has_lanes, &w, 30000));
  g_unlink (ready);
  return g_object_ref (weft_record_dialog_get_recording (dialog));
}

/* Closing the window while a program is recorded: the program is ended
 * (here it ignores SIGTERM, so by SIGKILL after the grace), reaped, what it
 * recorded kept, and then the window goes */
static void
test_close_window (void)
{
  WeftWindow *window = show_window ();
  g_autofree char *dir = g_dir_make_tmp ("weft-test-record-app-XXXXXX", NULL);
  g_autoptr(WeftRecording) recording = record_stubborn (window, dir);
  GPid pid = weft_recording_get_pid (recording);
  gpointer alive = window;

  g_object_add_weak_pointer (G_OBJECT (window), &alive);
  gtk_window_close (GTK_WINDOW (window));
  /* it waits for the program, hidden */
  g_assert_nonnull (alive);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_false (process_gone (GINT_TO_POINTER (pid)));

  g_assert_true (wait_for (pointer_cleared, &alive, 30000));
  g_assert_true (weft_recording_get_finished (recording));
  g_assert_true (process_gone (GINT_TO_POINTER (pid)));
  g_assert_cmpint (weft_recording_get_signal (recording), ==, SIGKILL);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (weft_recording_get_model (recording)), >=, 1);
  g_assert_nonnull (strstr (weft_recording_get_warnings (recording)[0], "killed by signal 9"));
  g_rmdir (dir);
}

/* A window destroyed outright while recording (no close request): the
 * program is still ended and reaped, never left a zombie */
static void
test_destroy_window (void)
{
  WeftWindow *window = show_window ();
  g_autofree char *dir = g_dir_make_tmp ("weft-test-record-app-XXXXXX", NULL);
  g_autoptr(WeftRecording) recording = record_stubborn (window, dir);
  GPid pid = weft_recording_get_pid (recording);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for (process_gone, GINT_TO_POINTER (pid), 30000));
  g_assert_cmpint (weft_recording_get_signal (recording), ==, SIGKILL);
  g_rmdir (dir);
}

/* A recording dropped while its program runs (here one that ignores
 * SIGTERM): the program is still killed and reaped, on the main context */
static void
test_dropped_recording (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-test-record-app-XXXXXX", NULL);
  g_autofree char *ready = g_build_filename (dir, "ready", NULL);
  const char *argv[] = { "/bin/sh", "-c", "trap '' TERM; : > ready; while :; do sleep 0.05; done", NULL };
  WeftRecording *recording = weft_recording_new (argv, dir);
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_assert_true (weft_recording_start (recording, NULL, &error));
  g_assert_no_error (error);
  pid = weft_recording_get_pid (recording);
  g_assert_true (wait_for (file_exists, ready, 30000));
  g_object_unref (recording);
  g_assert_false (process_gone (GINT_TO_POINTER (pid)));  /* SIGTERM is ignored */
  g_assert_true (wait_for (process_gone, GINT_TO_POINTER (pid), 30000));
  g_unlink (ready);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_printerr ("test-record-app: cannot open a display (run under xvfb-run)\n");
      return 1;
    }

  app = weft_application_new ("org.weft.Weft.TestRecordApp", G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/weft/record-app/python-threads", test_python_threads);
  g_test_add_func ("/weft/record-app/status-and-warnings", test_status_and_warnings);
  g_test_add_func ("/weft/record-app/stop", test_stop);
  g_test_add_func ("/weft/record-app/close-window", test_close_window);
  g_test_add_func ("/weft/record-app/destroy-window", test_destroy_window);
  g_test_add_func ("/weft/record-app/dropped-recording", test_dropped_recording);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
