/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * weft-cli: runs workload profiles headless, compares executors, summarises.
 *
 *   weft-cli run PROFILE [--executor E] [--workers N] [--gil|--no-gil] [--python-version X.Y]
 *                [-o TRACE] [--summary] [--json] [--runtime model|cpython] [--python PATH]
 *   weft-cli compare PROFILE [--repeat N] [--json] [--runtime model|cpython|both] [--python PATH…]
 *   weft-cli summary TRACE [--json]
 *   weft-cli export TRACE -o OUT
 *   weft-cli diff A B [--json]
 *   weft-cli calibrate [--python PATH] [--repeat N] [--json]   (weft-cli-calibrate.c)
 *
 * Exit status: 0 on success, 1 when the run itself went wrong (a task failed,
 * a deadlock was found), 2 for bad input: an unknown option, a malformed
 * profile, an unwritable output path. Bad input gets one line on stderr that
 * names the file, the place in it and what was expected.
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdlib.h>

#include <glib-unix.h>
#include <string.h>

#include "weft-cli-diff.h"
#include "weft-cli-private.h"
#include "weft-json-text.h"
#include "weft-cli-calibrate.h"
#include "weft-cli-cpython.h"
#include "weft-cli-record.h"
#include "weft-comparison.h"
#include "weft-output-file.h"
#include "weft-profile.h"
#include "weft-python-version.h"
#include "weft-run.h"
#include "weft-summary.h"
#include "weft-trace-export.h"
#include "weft-trace-import.h"

#define EXIT_BAD_INPUT 2

static int
usage_error (const char *command,
             const char *message)
{
  g_printerr ("weft-cli%s%s: %s (see 'weft-cli%s%s --help')\n",
              command ? " " : "", command ? command : "", message,
              command ? " " : "", command ? command : "");
  return EXIT_BAD_INPUT;
}

static void
print_json (JsonNode *node)
{
  g_autofree char *text = weft_json_to_text (node, TRUE);

  g_print ("%s\n", text);
}

typedef WeftCliToJson ToJsonFunc;
typedef WeftCliToText ToTextFunc;

/* Prints a result object as JSON or as text, with its own renderer */
void
_weft_cli_print_result (gpointer   object,
                        gboolean   json,
                        ToJsonFunc to_json,
                        ToTextFunc to_text)
{
  if (json)
    {
      g_autoptr(JsonNode) node = to_json (object);

      print_json (node);
    }
  else
    {
      g_autofree char *text = to_text (object);

      g_print ("%s", text);
    }
}

/* Prints @summary (consumed) as JSON or text. */
static void
print_summary (WeftSummary *summary,
               gboolean     json)
{
  g_autoptr(WeftSummary) owned = summary;

  _weft_cli_print_result (owned, json, (ToJsonFunc) weft_summary_to_json, (ToTextFunc) weft_summary_to_text);
}

/* ---- SIGINT and SIGTERM ------------------------------------------------- */

/*
 * GLib takes the signals (g_unix_signal_source_new: its handler only wakes a
 * context; nothing runs in the handler) and dispatches them on a context of
 * their own, served by one thread, so that a signal is seen whether the main
 * thread is running a profile, reading or writing a file. A signal cancels
 * the current GCancellable: the run's (a source on the run's context then
 * interrupts the run) or the export's. The exit status is 128 + the first
 * signal's number.
 */
typedef struct
{
  GMainContext *context;
  GThread      *thread;
  gint          quit;        /* atomic */
  GMutex        mutex;
  GCancellable *current;     /* what the next signal cancels */
  int           signum;      /* the first signal seen, 0 if none */
  guint         n_signals;
} SignalWatch;

static void
take_signal (SignalWatch *watch,
             int          signum)
{
  g_autoptr(GCancellable) cancellable = NULL;

  g_mutex_lock (&watch->mutex);
  if (watch->signum == 0)
    watch->signum = signum;
  watch->n_signals++;
  if (watch->current != NULL)
    cancellable = g_object_ref (watch->current);
  g_mutex_unlock (&watch->mutex);

  if (cancellable != NULL)
    g_cancellable_cancel (cancellable);
}

static gboolean
on_sigint (gpointer data)
{
  take_signal (data, SIGINT);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigterm (gpointer data)
{
  take_signal (data, SIGTERM);
  return G_SOURCE_CONTINUE;
}

static gpointer
signal_thread (gpointer data)
{
  SignalWatch *watch = data;

  /* not a GMainLoop: a quit that comes before its run would be lost */
  g_main_context_push_thread_default (watch->context);
  while (!g_atomic_int_get (&watch->quit))
    g_main_context_iteration (watch->context, TRUE);
  g_main_context_pop_thread_default (watch->context);
  return NULL;
}

static void
signal_watch_start (SignalWatch *watch)
{
  GSourceFunc callbacks[] = { on_sigint, on_sigterm };
  int signums[] = { SIGINT, SIGTERM };

  memset (watch, 0, sizeof *watch);
  g_mutex_init (&watch->mutex);
  watch->context = g_main_context_new ();
  for (guint i = 0; i < G_N_ELEMENTS (signums); i++)
    {
      g_autoptr(GSource) source = g_unix_signal_source_new (signums[i]);

      g_source_set_callback (source, callbacks[i], watch, NULL);
      g_source_attach (source, watch->context);
    }
  watch->thread = g_thread_new ("weft-signals", signal_thread, watch);
}

/* From now on a signal cancels @cancellable; at once if more than @after
 * signals have come already. */
static void
signal_watch_set (SignalWatch  *watch,
                  GCancellable *cancellable,
                  guint         after)
{
  gboolean now;

  g_mutex_lock (&watch->mutex);
  g_set_object (&watch->current, cancellable);
  now = cancellable != NULL && watch->n_signals > after;
  g_mutex_unlock (&watch->mutex);
  if (now)
    g_cancellable_cancel (cancellable);
}

static int
signal_watch_get (SignalWatch *watch,
                  guint       *out_n_signals)
{
  int signum;

  g_mutex_lock (&watch->mutex);
  signum = watch->signum;
  if (out_n_signals != NULL)
    *out_n_signals = watch->n_signals;
  g_mutex_unlock (&watch->mutex);
  return signum;
}

static void
signal_watch_stop (SignalWatch *watch)
{
  g_atomic_int_set (&watch->quit, TRUE);
  g_main_context_wakeup (watch->context);
  g_thread_join (watch->thread);
  /* its sources go with it, and SIGINT and SIGTERM get their default action back */
  g_main_context_unref (watch->context);
  g_clear_object (&watch->current);
  g_mutex_clear (&watch->mutex);
}

static const char *
signal_name (int signum)
{
  return signum == SIGINT ? "SIGINT" : signum == SIGTERM ? "SIGTERM" : "a signal";
}

/* What the trace file says about the run: the summary's what-ran and the
 * command line. */
static WeftTraceMeta *
meta_for_run (WeftRun  *run,
              int       argc,
              char    **argv)
{
  g_autoptr(WeftSummary) summary = weft_summary_new (weft_run_get_model (run), weft_run_get_profile (run),
                                                     weft_run_get_result (run));
  WeftTraceMeta *meta = weft_summary_to_trace_meta (summary);

  meta->command_line = g_strjoinv (" ", argv);
  return meta;
}

typedef struct
{
  WeftRun     *run;
  SignalWatch *watch;
} Interrupt;

static gboolean
on_interrupt (GCancellable *cancellable,
              gpointer      data)
{
  Interrupt *interrupt = data;

  weft_run_interrupt (interrupt->run, signal_name (signal_watch_get (interrupt->watch, NULL)));
  return G_SOURCE_REMOVE;
}

/* Runs a profile to the end on a private context; SIGINT or SIGTERM
 * interrupt it (workers stopped, what they recorded kept). NULL with @error
 * unset if a signal came before the run started. */
static WeftRun *
run_interruptible (const WeftProfile    *profile,
                   const WeftRunOptions *options,
                   SignalWatch          *watch,
                   GError              **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) source = g_cancellable_source_new (cancellable);
  g_autoptr(WeftRun) run = weft_run_new (profile, options);
  Interrupt interrupt = { run, watch };

  signal_watch_set (watch, cancellable, 0);
  if (g_cancellable_is_cancelled (cancellable))
    return NULL;

  g_main_context_push_thread_default (context);
  if (!weft_run_start (run, context, error))
    {
      g_main_context_pop_thread_default (context);
      signal_watch_set (watch, NULL, 0);
      return NULL;
    }
  g_source_set_callback (source, G_SOURCE_FUNC (on_interrupt), &interrupt, NULL);
  g_source_attach (source, context);
  weft_run_wait (run, context, NULL);
  g_source_destroy (source);
  g_main_context_pop_thread_default (context);
  signal_watch_set (watch, NULL, 0);
  return g_steal_pointer (&run);
}

/* Writes the trace; a signal during the writing cancels it (nothing half
 * written is left). */
static gboolean
export_run (WeftRun      *run,
            SignalWatch  *watch,
            const char   *output,
            int           argc,
            char        **argv,
            GError      **error)
{
  g_autoptr(WeftTraceMeta) meta = meta_for_run (run, argc, argv);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint n_signals;
  int signum = signal_watch_get (watch, &n_signals);
  gboolean ok;

  if (weft_run_get_result (run)->interrupted)
    meta->interrupted = g_strdup (signal_name (signum));
  signal_watch_set (watch, cancellable, n_signals);
  ok = weft_trace_export_to_file (weft_run_get_model (run), meta, output, cancellable, error);
  signal_watch_set (watch, NULL, 0);
  return ok;
}

/* After a run: the trace written, the summary printed (also when the trace
 * could not be written, and always for an interrupted run), the exit status. */
static int
finish_run (WeftRun     *run,
            SignalWatch *watch,
            const char  *profile_path,
            const char  *output,
            gboolean     summary,
            gboolean     json,
            int          argc,
            char       **argv)
{
  const WeftRunResult *result = weft_run_get_result (run);
  g_autoptr(GError) error = NULL;
  gboolean written = output == NULL || export_run (run, watch, output, argc, argv, &error);
  int signum;

  if (summary || result->interrupted)
    {
      print_summary (weft_summary_new (weft_run_get_model (run), weft_run_get_profile (run), result),
                     json);
    }
  else
    {
      for (guint i = 0; i < result->errors->len; i++)
        g_printerr ("%s: %s\n", profile_path, (const char *) g_ptr_array_index (result->errors, i));
    }

  /* the run happened; only its file is lost, and nothing half-written is left */
  if (!written && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_printerr ("weft-cli run: %s: not written, interrupted\n", output);
  else if (!written)
    g_printerr ("weft-cli run: %s\n", error->message);

  signum = signal_watch_get (watch, NULL);
  if (signum != 0)
    return 128 + signum;
  if (!written)
    return EXIT_BAD_INPUT;
  return result->errors->len == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int
cmd_run (int    argc,
         char **argv)
{
  g_autofree char *executor = NULL;
  g_autofree char *output = NULL;
  g_autofree char *python_version = NULL;
  g_autofree char *runtime = NULL;
  g_autofree char *python = NULL;
  int workers = -1;
  gboolean gil = FALSE, no_gil = FALSE, summary = FALSE, json = FALSE;
  GOptionEntry entries[] = {
    { "executor", 'e', 0, G_OPTION_ARG_STRING, &executor, "Run on threads, processes or mainloop", "E" },
    { "workers", 'w', 0, G_OPTION_ARG_INT, &workers, "Number of workers (1–256)", "N" },
    { "gil", 0, 0, G_OPTION_ARG_NONE, &gil, "Simulate a GIL (threads)", NULL },
    { "no-gil", 0, 0, G_OPTION_ARG_NONE, &no_gil, "No GIL: free-threading", NULL },
    { "python-version", 0, 0, G_OPTION_ARG_STRING, &python_version,
      "Model this CPython (3.9, 3.11…; default: the profile's, else the python3 on PATH)", "X.Y" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the trace to TRACE", "TRACE" },
    { "summary", 's', 0, G_OPTION_ARG_NONE, &summary, "Print the summary", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as JSON", NULL },
    { "runtime", 0, 0, G_OPTION_ARG_STRING, &runtime, "Run on Weft's model (default) or as real Python code (cpython)", "R" },
    { "python", 0, 0, G_OPTION_ARG_FILENAME, &python, "The Python for --runtime cpython (default /usr/bin/python3)", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROFILE — run a workload profile headless");
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = NULL;
  g_autoptr(WeftRun) run = NULL;
  WeftRunOptions options = WEFT_RUN_OPTIONS_INIT;
  SignalWatch watch;
  int status;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error ("run", error->message);
  if (argc != 2)
    return usage_error ("run", argc < 2 ? "no profile given" : "more than one profile given");
  if (gil && no_gil)
    return usage_error ("run", "--gil and --no-gil contradict each other");
  if (executor != NULL && !weft_executor_from_nick (executor, &options.executor))
    {
      g_autofree char *msg = g_strdup_printf ("--executor: expected threads, processes or mainloop, got \"%s\"",
                                              executor);
      return usage_error ("run", msg);
    }
  if (workers != -1 && (workers < 1 || workers > 256))
    return usage_error ("run", "--workers: expected a number from 1 to 256");
  if (python_version != NULL && !weft_python_version_parse (python_version, &options.python_version))
    {
      g_autofree char *msg = g_strdup_printf ("--python-version: expected a CPython version such as 3.11, got \"%s\"",
                                              python_version);
      return usage_error ("run", msg);
    }
  if (runtime != NULL && !g_str_equal (runtime, "model") && !g_str_equal (runtime, "cpython"))
    return usage_error ("run", "--runtime: expected model or cpython");
  if (python != NULL && g_strcmp0 (runtime, "cpython") != 0)
    return usage_error ("run", "--python is for --runtime cpython");
  if ((gil || no_gil) && g_strcmp0 (runtime, "cpython") == 0)
    return usage_error ("run", "--gil and --no-gil are for the model: a real CPython has its GIL or is free-threaded");
  if (python_version != NULL && g_strcmp0 (runtime, "cpython") == 0)
    return usage_error ("run", "--python-version is the model's: a real CPython runs as its own version (see --python)");

  options.workers = workers > 0 ? (guint) workers : 0;
  options.gil = gil ? 1 : no_gil ? 0 : -1;

  profile = weft_profile_new_from_file (argv[1], &error);
  if (profile == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_BAD_INPUT;
    }

  if (g_strcmp0 (runtime, "cpython") == 0)
    {
      if (output != NULL && !weft_output_file_check (output, &error))
        {
          g_printerr ("weft-cli run: %s\n", error->message);
          return EXIT_BAD_INPUT;
        }
      return weft_cli_run_cpython (argv[1], profile, &options, python, output, summary || json, json, argv);
    }

  /* From here on a signal stops what is going on, cleanly. */
  signal_watch_start (&watch);

  /* Check the output path before running, not after: a run may be long. */
  if (output != NULL && !weft_output_file_check (output, &error))
    {
      signal_watch_stop (&watch);
      g_printerr ("weft-cli run: %s\n", error->message);
      return EXIT_BAD_INPUT;
    }

  run = run_interruptible (profile, &options, &watch, &error);
  if (run == NULL)
    {
      /* NULL without an error: a signal came before the run started */
      status = error == NULL ? 128 + signal_watch_get (&watch, NULL) : EXIT_BAD_INPUT;
      signal_watch_stop (&watch);
      if (error != NULL)
        g_printerr ("weft-cli run: %s: %s\n", argv[1], error->message);
      return status;
    }
  status = finish_run (run, &watch, argv[1], output, summary || json, json, argc, argv);
  signal_watch_stop (&watch);
  return status;
}

static void
on_compared (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  gboolean *done = user_data;

  weft_comparison_run_finish (WEFT_COMPARISON (object), result, NULL);
  *done = TRUE;
}

static int
cmd_compare (int    argc,
             char **argv)
{
  gboolean json = FALSE, done = FALSE;
  int repeat = WEFT_COMPARISON_DEFAULT_REPEATS;
  g_autofree char *runtime = NULL;
  g_auto(GStrv) pythons = NULL;
  GOptionEntry entries[] = {
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat, "Run each variant N times (default 3)", "N" },
    { "runtime", 0, 0, G_OPTION_ARG_STRING, &runtime, "Compare Weft's model and real CPython instead of executors: model, cpython or both", "R" },
    { "python", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &pythons, "A real CPython to compare (repeatable; default /usr/bin/python3)", "PATH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the comparison as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROFILE — run a profile on every executor and compare");
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = NULL;
  g_autoptr(WeftComparison) comparison = NULL;
  g_autoptr(GMainContext) context = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error ("compare", error->message);
  if (argc != 2)
    return usage_error ("compare", argc < 2 ? "no profile given" : "more than one profile given");
  if (repeat < 1 || repeat > WEFT_COMPARISON_MAX_REPEATS)
    {
      g_autofree char *msg = g_strdup_printf ("--repeat: expected a number from 1 to %d",
                                              WEFT_COMPARISON_MAX_REPEATS);
      return usage_error ("compare", msg);
    }

  if (runtime != NULL && !g_str_equal (runtime, "model") && !g_str_equal (runtime, "cpython") &&
      !g_str_equal (runtime, "both"))
    return usage_error ("compare", "--runtime: expected model, cpython or both");
  if (pythons != NULL && (runtime == NULL || g_str_equal (runtime, "model")))
    return usage_error ("compare", "--python is for --runtime cpython or both");

  profile = weft_profile_new_from_file (argv[1], &error);
  if (profile == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_BAD_INPUT;
    }

  if (runtime != NULL)
    {
      const char * const default_python[] = { "", NULL };
      const char * const *real = pythons != NULL ? (const char * const *) pythons : default_python;

      comparison = weft_comparison_new_runtimes (profile, (guint) repeat, !g_str_equal (runtime, "cpython"),
                                                 g_str_equal (runtime, "model") ? NULL : real, &error);
      if (comparison == NULL)
        {
          g_printerr ("weft-cli compare: %s\n", error->message);
          return EXIT_BAD_INPUT;
        }
    }
  else
    comparison = weft_comparison_new (profile, (guint) repeat);
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  weft_comparison_run_async (comparison, NULL, on_compared, &done);
  while (!done)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  _weft_cli_print_result (comparison, json, (ToJsonFunc) weft_comparison_to_json, (ToTextFunc) weft_comparison_to_text);
  return EXIT_SUCCESS;
}

static int
cmd_summary (int    argc,
             char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("TRACE — summarise a trace file");
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(WeftTraceMeta) meta = NULL;
  WeftTraceImportStats stats;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error ("summary", error->message);
  if (argc != 2)
    return usage_error ("summary", argc < 2 ? "no trace given" : "more than one trace given");

  model = weft_trace_import_file (argv[1], &meta, &stats, NULL, &error);
  if (model == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_BAD_INPUT;
    }

  print_summary (weft_summary_new_for_trace (model, meta), json);

  /* What could not be read is said, not hidden. */
  if (stats.n_unknown_phase + stats.n_invalid + stats.n_unmatched_end + stats.n_lanes_over > 0)
    g_printerr ("%s: skipped %" G_GUINT64_FORMAT " events of unknown phases, %" G_GUINT64_FORMAT
                " invalid, %" G_GUINT64_FORMAT " unmatched ends, %" G_GUINT64_FORMAT
                " beyond the lane limit%s%s\n", argv[1], stats.n_unknown_phase, stats.n_invalid,
                stats.n_unmatched_end, stats.n_lanes_over,
                stats.first_skip[0] ? "; first: " : "", stats.first_skip);
  return EXIT_SUCCESS;
}

/* Reads a trace and writes it; SIGINT or SIGTERM cancel either step, and no
 * partial or temporary file is left. */
static int
export_interruptible (const char  *input,
                      const char  *output,
                      SignalWatch *watch)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(WeftTraceMeta) meta = NULL;
  gboolean ok;
  int signum;

  signal_watch_set (watch, cancellable, 0);
  model = weft_trace_import_file (input, &meta, NULL, cancellable, &error);
  ok = model != NULL && weft_trace_export_to_file (model, meta, output, cancellable, &error);
  signal_watch_set (watch, NULL, 0);

  if (ok)
    return EXIT_SUCCESS;
  signum = signal_watch_get (watch, NULL);
  if (signum != 0)
    {
      g_printerr ("weft-cli export: %s: not written, interrupted by %s\n", output, signal_name (signum));
      return 128 + signum;
    }
  g_printerr (model == NULL ? "%s\n" : "weft-cli export: %s\n", error->message);
  return EXIT_BAD_INPUT;
}

static int
cmd_export (int    argc,
            char **argv)
{
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the trace to OUT", "OUT" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("TRACE -o OUT — read a trace (Weft's or another program's) and write it in Weft's form");
  g_autoptr(GError) error = NULL;
  SignalWatch watch;
  int status;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error ("export", error->message);
  if (argc != 2)
    return usage_error ("export", argc < 2 ? "no trace given" : "more than one trace given");
  if (output == NULL)
    return usage_error ("export", "no output given (-o OUT)");
  signal_watch_start (&watch);
  if (!weft_output_file_check (output, &error))
    {
      signal_watch_stop (&watch);
      g_printerr ("weft-cli export: %s\n", error->message);
      return EXIT_BAD_INPUT;
    }
  status = export_interruptible (argv[1], output, &watch);
  signal_watch_stop (&watch);
  return status;
}

static void
print_help (void)
{
  g_print ("Usage: weft-cli COMMAND [OPTION…]\n\n"
           "Commands:\n"
           "  run PROFILE       run a workload profile headless\n"
           "  compare PROFILE   run it on every executor and compare\n"
           "  summary TRACE     summarise a trace file (Weft's or another program's)\n"
           "  export TRACE -o OUT  write a trace in Weft's form (Chrome Trace Event JSON)\n"
           "  record [-o TRACE] [--summary|--json] [--] PROGRAM [ARGS…]\n"
           "                    record a program's threads, locks and processes\n"
           "  diff A B          what changed from recording A to B (traces or profiles)\n"
           "  calibrate [--python PATH]  measure the CPython costs the model charges\n\n"
           "'weft-cli COMMAND --help' describes each command's options.\n");
}

int
main (int   argc,
      char *argv[])
{
  /* Writing to a pipe whose reader is gone (a dead worker) gives EPIPE, not death. */
  signal (SIGPIPE, SIG_IGN);
  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      print_help ();
      return EXIT_BAD_INPUT;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_help ();
      return EXIT_SUCCESS;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("weft-cli %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  if (g_str_equal (argv[1], "run"))
    return cmd_run (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "compare"))
    return cmd_compare (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "summary"))
    return cmd_summary (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "export"))
    return cmd_export (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "record"))
    return weft_cli_record (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "diff"))
    return weft_cli_diff (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "calibrate"))
    return weft_cli_calibrate (argc - 1, argv + 1);

  {
    g_autofree char *msg = g_strdup_printf ("unknown command \"%s\"", argv[1]);
    return usage_error (NULL, msg);
  }
}
