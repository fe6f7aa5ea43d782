/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * weft-cli record [-o TRACE] [--summary|--json] [--] PROGRAM [ARGS…]
 *
 * Runs PROGRAM with Weft's preload library injected (LD_PRELOAD) and the
 * write end of an event pipe inherited (WEFT_RECORD_FD), collects what its
 * threads and processes record, and ends when the program and every process
 * it started have ended. weft-cli becomes a child subreaper, so orphaned
 * grandchildren are waited for too. The program's stdin, stdout and stderr
 * are its own; its exit status is passed on (128 + N when signal N ended it).
 * SIGINT and SIGTERM sent to weft-cli go to the program; what was recorded is
 * kept and written. See docs/record.md.
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "weft-json-text.h"
#include "weft-cli-record.h"
#include "weft-recording.h"
#include "weft-summary.h"
#include "weft-trace-export.h"

#define EXIT_BAD_INPUT 2

static volatile sig_atomic_t forward_pid;
static volatile sig_atomic_t interrupted;

static void
forward_signal (int        sig,
                siginfo_t *info,
                void      *context)
{
  interrupted = sig;
  /* a terminal's ^C reached the program already (same process group) */
  if (forward_pid > 0 && info != NULL && info->si_code <= 0)
    kill ((pid_t) forward_pid, sig);
}

/* ---- reporting ----------------------------------------------------------- */

/* The recording's warnings from @first on, one line each */
static guint
print_warnings (WeftRecording *rec,
                guint          first)
{
  const char * const *warnings = weft_recording_get_warnings (rec);
  guint n = weft_recording_get_n_warnings (rec);

  for (guint i = first; i < n; i++)
    g_printerr ("weft-cli record: %s\n", warnings[i]);
  return n;
}

static JsonNode *
record_json (WeftRecording *rec)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  WeftRecordingCounts c;

  weft_recording_get_counts (rec, &c);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "program");
  json_builder_add_string_value (b, weft_recording_get_program (rec));
  json_builder_set_member_name (b, "exit_status");
  json_builder_add_int_value (b, weft_recording_get_exit_status (rec));
  json_builder_set_member_name (b, "signal");
  json_builder_add_int_value (b, weft_recording_get_signal (rec));
  json_builder_set_member_name (b, "processes");
  json_builder_add_int_value (b, c.n_processes);
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, c.n_threads);
  json_builder_set_member_name (b, "gil_found");
  json_builder_add_int_value (b, c.n_gil_found);
  json_builder_set_member_name (b, "threads_on_reused_lanes");
  json_builder_add_int_value (b, c.n_recycled);
  json_builder_set_member_name (b, "threads_not_recorded");
  json_builder_add_int_value (b, c.n_refused);
  json_builder_set_member_name (b, "interrupted_by");
  json_builder_add_int_value (b, interrupted);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_summary (WeftRecording *rec,
               gboolean       json)
{
  g_autoptr(WeftSummary) summary = weft_summary_new (weft_recording_get_model (rec), NULL, NULL);
  g_autoptr(JsonNode) node = weft_summary_to_json (summary);
  JsonObject *obj = json_node_get_object (node);
  const char *program = weft_recording_get_program (rec);
  int sig = weft_recording_get_signal (rec);
  WeftRecordingCounts c;

  weft_recording_get_counts (rec, &c);
  json_object_set_member (obj, "record", record_json (rec));
  if (json)
    {
      g_autofree char *text = weft_json_to_text (node, TRUE);

      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *text = weft_summary_to_text (summary);

      g_print ("%s", text);
      if (sig != 0)
        g_print ("program   %s killed by signal %d (%s)\n", program, sig, g_strsignal (sig));
      else
        g_print ("program   %s exited with status %d\n", program, weft_recording_get_exit_status (rec));
      g_print ("recorded  %u processes, %u threads%s\n", c.n_processes, c.n_threads,
               c.n_gil_found > 0 ? ", CPython's GIL found" : "");
    }
}

static gboolean
write_trace (WeftRecording  *rec,
             const char     *output,
             GError        **error)
{
  g_autoptr(WeftTraceMeta) meta = weft_recording_dup_meta (rec);

  return weft_trace_export_to_file (weft_recording_get_model (rec), meta, output, NULL, error);
}

/* ---- the command --------------------------------------------------------- */

static gboolean
check_output (const char  *path,
              GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: cannot write the trace there", path);
      return FALSE;
    }
  return TRUE;
}

static void
on_waited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  weft_recording_wait_finish (WEFT_RECORDING (object), result, NULL);
  *done = TRUE;
}

/* Runs the recording to its end on a context of its own; the warnings
 * known before the program ran are printed as it starts. */
static gboolean
record (WeftRecording  *rec,
        GError        **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  struct sigaction sa = { .sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART };
  gboolean done = FALSE;
  guint printed;

  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  weft_recording_set_reap_all (rec, TRUE);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  if (!weft_recording_start (rec, context, error))
    {
      print_warnings (rec, 0);
      return FALSE;
    }
  forward_pid = weft_recording_get_pid (rec);
  printed = print_warnings (rec, 0);

  g_main_context_push_thread_default (context);
  weft_recording_wait_async (rec, NULL, on_waited, &done);
  while (!done)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  forward_pid = 0;
  print_warnings (rec, printed);
  return TRUE;
}

int
weft_cli_record (int    argc,
                 char **argv)
{
  g_autofree char *output = NULL;
  gboolean summary = FALSE, json = FALSE;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the trace to TRACE", "TRACE" },
    { "summary", 's', 0, G_OPTION_ARG_NONE, &summary, "Print the summary", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("[--] PROGRAM [ARGS…] — record a program's threads, locks and processes");
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftRecording) rec = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_strict_posix (ctx, TRUE);  /* options after PROGRAM are its own */
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("weft-cli record: %s (see 'weft-cli record --help')\n", error->message);
      return EXIT_BAD_INPUT;
    }
  if (argc > 1 && g_str_equal (argv[1], "--"))
    argc--, argv++;
  if (argc < 2)
    {
      g_printerr ("weft-cli record: no program given (see 'weft-cli record --help')\n");
      return EXIT_BAD_INPUT;
    }
  if (output != NULL && !check_output (output, &error))
    {
      g_printerr ("weft-cli record: %s\n", error->message);
      return EXIT_BAD_INPUT;
    }
  rec = weft_recording_new ((const char * const *) argv + 1, NULL);
  if (!record (rec, &error))
    {
      g_printerr ("weft-cli record: %s\n", error->message);
      return EXIT_BAD_INPUT;
    }

  if (output != NULL && !write_trace (rec, output, &error))
    g_printerr ("weft-cli record: %s\n", error->message);
  if (summary || json)
    print_summary (rec, json);
  return weft_recording_get_exit_status (rec);
}
