/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * weft-cli: runs workload profiles headless, compares executors, summarises.
 *
 *   weft-cli run PROFILE [--executor E] [--workers N] [--gil|--no-gil] [-o TRACE] [--summary] [--json]
 *   weft-cli compare PROFILE [--repeat N] [--json]
 *   weft-cli summary TRACE [--json]
 *   weft-cli export TRACE -o OUT
 *
 * Exit status: 0 on success, 1 when the run itself went wrong (a task failed,
 * a deadlock was found), 2 for bad input: an unknown option, a malformed
 * profile, an unwritable output path. Bad input gets one line on stderr that
 * names the file, the place in it and what was expected.
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "weft-cli-record.h"
#include "weft-comparison.h"
#include "weft-profile.h"
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
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

typedef JsonNode *(*ToJsonFunc) (gpointer object);
typedef char     *(*ToTextFunc) (gpointer object);

/* Prints a result object as JSON or as text, with its own renderer */
static void
print_result (gpointer   object,
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

  print_result (owned, json, (ToJsonFunc) weft_summary_to_json, (ToTextFunc) weft_summary_to_text);
}

/* Fails early for an output file that could not be written: its folder must
 * exist and be a folder. (The export itself writes a temporary file there and
 * renames it, so an older file survives a failure.) */
static gboolean
check_output_path (const char  *path,
                   GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s: cannot write the trace: %s is not a folder", path, dir);
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   "%s: cannot write the trace: it is a folder", path);
      return FALSE;
    }
  return TRUE;
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

/* Runs a profile to the end on a private context. */
static WeftRun *
run_profile (const WeftProfile    *profile,
             const WeftRunOptions *options,
             GError              **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(WeftRun) run = weft_run_new (profile, options);

  g_main_context_push_thread_default (context);
  if (!weft_run_start (run, context, error))
    {
      g_main_context_pop_thread_default (context);
      return NULL;
    }
  weft_run_wait (run, context, NULL);
  g_main_context_pop_thread_default (context);
  return g_steal_pointer (&run);
}

static int
cmd_run (int    argc,
         char **argv)
{
  g_autofree char *executor = NULL;
  g_autofree char *output = NULL;
  int workers = -1;
  gboolean gil = FALSE, no_gil = FALSE, summary = FALSE, json = FALSE;
  GOptionEntry entries[] = {
    { "executor", 'e', 0, G_OPTION_ARG_STRING, &executor, "Run on threads, processes or mainloop", "E" },
    { "workers", 'w', 0, G_OPTION_ARG_INT, &workers, "Number of workers (1–256)", "N" },
    { "gil", 0, 0, G_OPTION_ARG_NONE, &gil, "Simulate a GIL (threads)", NULL },
    { "no-gil", 0, 0, G_OPTION_ARG_NONE, &no_gil, "No GIL: free-threading", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the trace to TRACE", "TRACE" },
    { "summary", 's', 0, G_OPTION_ARG_NONE, &summary, "Print the summary", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROFILE — run a workload profile headless");
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = NULL;
  g_autoptr(WeftRun) run = NULL;
  WeftRunOptions options = WEFT_RUN_OPTIONS_INIT;
  const WeftRunResult *result;

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

  options.workers = workers > 0 ? (guint) workers : 0;
  options.gil = gil ? 1 : no_gil ? 0 : -1;

  profile = weft_profile_new_from_file (argv[1], &error);
  if (profile == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_BAD_INPUT;
    }

  /* Check the output path before running, not after: a run may be long. */
  if (output != NULL && !check_output_path (output, &error))
    {
      g_printerr ("weft-cli run: %s\n", error->message);
      return EXIT_BAD_INPUT;
    }

  run = run_profile (profile, &options, &error);
  if (run == NULL)
    {
      g_printerr ("weft-cli run: %s: %s\n", argv[1], error->message);
      return EXIT_BAD_INPUT;
    }

  result = weft_run_get_result (run);

  if (output != NULL)
    {
      g_autoptr(WeftTraceMeta) meta = meta_for_run (run, argc, argv);

      if (!weft_trace_export_to_file (weft_run_get_model (run), meta, output, NULL, &error))
        {
          /* the run happened; only its file is lost, and nothing half-written is left */
          g_printerr ("weft-cli run: %s\n", error->message);
          return EXIT_BAD_INPUT;
        }
    }

  if (summary || json)
    print_summary (weft_summary_new (weft_run_get_model (run), profile, result), json);
  else
    {
      for (guint i = 0; i < result->errors->len; i++)
        g_printerr ("%s: %s\n", argv[1], (const char *) g_ptr_array_index (result->errors, i));
    }

  return result->errors->len == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
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
  GOptionEntry entries[] = {
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat, "Run each variant N times (default 3)", "N" },
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

  profile = weft_profile_new_from_file (argv[1], &error);
  if (profile == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_BAD_INPUT;
    }

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  comparison = weft_comparison_new (profile, (guint) repeat);
  weft_comparison_run_async (comparison, NULL, on_compared, &done);
  while (!done)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  print_result (comparison, json, (ToJsonFunc) weft_comparison_to_json, (ToTextFunc) weft_comparison_to_text);
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
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(WeftTraceMeta) meta = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error ("export", error->message);
  if (argc != 2)
    return usage_error ("export", argc < 2 ? "no trace given" : "more than one trace given");
  if (output == NULL)
    return usage_error ("export", "no output given (-o OUT)");
  if (!check_output_path (output, &error))
    {
      g_printerr ("weft-cli export: %s\n", error->message);
      return EXIT_BAD_INPUT;
    }

  model = weft_trace_import_file (argv[1], &meta, NULL, NULL, &error);
  if (model == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_BAD_INPUT;
    }
  if (!weft_trace_export_to_file (model, meta, output, NULL, &error))
    {
      g_printerr ("weft-cli export: %s\n", error->message);
      return EXIT_BAD_INPUT;
    }
  return EXIT_SUCCESS;
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
           "                    record a program's threads, locks and processes\n\n"
           "'weft-cli COMMAND --help' describes each command's options.\n");
}

int
main (int   argc,
      char *argv[])
{
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

  {
    g_autofree char *msg = g_strdup_printf ("unknown command \"%s\"", argv[1]);
    return usage_error (NULL, msg);
  }
}
