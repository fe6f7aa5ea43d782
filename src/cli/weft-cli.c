/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * weft-cli: runs workload profiles headless, compares executors, summarises.
 *
 *   weft-cli run PROFILE [--executor E] [--workers N] [--gil|--no-gil] [-o TRACE] [--summary] [--json]
 *   weft-cli compare PROFILE [--json]
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
#include <signal.h>
#include <stdlib.h>

#include "weft-cli-record.h"
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

static WeftTraceMeta *
meta_for_run (WeftRun  *run,
              int       argc,
              char    **argv)
{
  const WeftRunResult *result = weft_run_get_result (run);
  WeftTraceMeta *meta = weft_trace_meta_new ();
  g_autofree char *cpu = NULL;

  meta->profile = g_strdup (weft_run_get_profile (run)->name);
  meta->executor = g_strdup (result->n_stages > 0 ? "pipeline" : weft_executor_to_nick (result->executor));
  meta->gil = result->gil ? 1 : 0;
  meta->workers = result->workers;
  meta->machine = g_strdup_printf ("%s, %u cores", g_get_host_name (), g_get_num_processors ());
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
    {
      g_autoptr(JsonNode) node = weft_summary_build (weft_run_get_model (run), profile, result);

      if (json)
        print_json (node);
      else
        {
          g_autofree char *text = weft_summary_to_text (node);
          g_print ("%s", text);
        }
    }
  else
    {
      for (guint i = 0; i < result->errors->len; i++)
        g_printerr ("%s: %s\n", argv[1], (const char *) g_ptr_array_index (result->errors, i));
    }

  return result->errors->len == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

typedef struct
{
  const char       *label;
  WeftExecutorKind  executor;
  int               gil;
  guint             workers;
} Variant;

static int
cmd_compare (int    argc,
             char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the comparison as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROFILE — run a profile on every executor and compare");
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  double serial_s = 0;
  const Variant variants[] = {
    { "serial", WEFT_EXECUTOR_THREADS, 0, 1 },
    { "threads + GIL", WEFT_EXECUTOR_THREADS, 1, 0 },
    { "threads, no GIL", WEFT_EXECUTOR_THREADS, 0, 0 },
    { "processes", WEFT_EXECUTOR_PROCESSES, 0, 0 },
    { "mainloop", WEFT_EXECUTOR_MAINLOOP, 0, 0 },
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error ("compare", error->message);
  if (argc != 2)
    return usage_error ("compare", argc < 2 ? "no profile given" : "more than one profile given");

  profile = weft_profile_new_from_file (argv[1], &error);
  if (profile == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_BAD_INPUT;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "profile");
  json_builder_add_string_value (b, profile->name);
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);

  g_string_append_printf (text, "%-18s %8s %8s %9s %11s  %s\n", "executor", "workers", "wall s",
                          "speedup", "efficiency", "dominant wait");

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      const Variant *v = &variants[i];
      WeftRunOptions options = { v->executor, v->workers, v->gil, FALSE };
      g_autoptr(GError) run_error = NULL;
      g_autoptr(WeftRun) run = run_profile (profile, &options, &run_error);
      g_autoptr(JsonNode) summary = NULL;
      const WeftRunResult *result;
      const char *dominant = "—";
      double wall_s, speedup, dominant_s = 0;
      JsonArray *workers;

      if (run == NULL)
        {
          g_string_append_printf (text, "%-18s %s\n", v->label, run_error->message);
          continue;
        }

      result = weft_run_get_result (run);
      summary = weft_summary_build (weft_run_get_model (run), profile, result);
      wall_s = result->wall_ns / 1e9;
      if (i == 0)
        serial_s = wall_s;
      speedup = wall_s > 0 ? serial_s / wall_s : 0;

      /* The wait state that cost the most, summed over workers. */
      workers = json_object_get_array_member (json_node_get_object (summary), "workers");
      for (guint s = 0; s < WEFT_N_STATES; s++)
        {
          const char *nick = weft_state_to_nick (s);
          double total = 0;

          if (s == WEFT_STATE_IDLE || s == WEFT_STATE_RUNNING || s == WEFT_STATE_LOCK_HELD ||
              s == WEFT_STATE_GIL_HELD || s == WEFT_STATE_IO)
            continue;
          for (guint w = 0; w < json_array_get_length (workers); w++)
            {
              JsonObject *wait = json_object_get_object_member (json_array_get_object_element (workers, w), "wait_s");
              total += json_object_get_double_member (wait, nick);
            }
          if (total > dominant_s && total > 0.01 * wall_s)
            {
              dominant_s = total;
              dominant = nick;
            }
        }

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, v->label);
      json_builder_set_member_name (b, "executor");
      json_builder_add_string_value (b, weft_executor_to_nick (result->executor));
      json_builder_set_member_name (b, "gil");
      json_builder_add_boolean_value (b, result->gil);
      json_builder_set_member_name (b, "workers");
      json_builder_add_int_value (b, result->workers);
      json_builder_set_member_name (b, "wall_s");
      json_builder_add_double_value (b, wall_s);
      json_builder_set_member_name (b, "speedup");
      json_builder_add_double_value (b, speedup);
      json_builder_set_member_name (b, "efficiency");
      json_builder_add_double_value (b, speedup / result->workers);
      json_builder_set_member_name (b, "dominant_wait");
      json_builder_add_string_value (b, dominant);
      json_builder_set_member_name (b, "dominant_wait_s");
      json_builder_add_double_value (b, dominant_s);
      json_builder_end_object (b);

      g_string_append_printf (text, "%-18s %8u %8.3f %8.2f× %10.0f%%  %s\n", v->label,
                              result->workers, wall_s, speedup,
                              100 * speedup / result->workers, dominant);
    }

  json_builder_end_array (b);
  json_builder_end_object (b);

  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (b);
      print_json (root);
    }
  else
    g_print ("%s", text->str);

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
  g_autoptr(JsonNode) node = NULL;
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

  node = weft_summary_build (model, NULL, NULL);
  if (meta != NULL && meta->profile != NULL)
    json_object_set_string_member (json_node_get_object (node), "profile", meta->profile);
  if (meta != NULL && meta->executor != NULL)
    json_object_set_string_member (json_node_get_object (node), "executor", meta->executor);

  if (json)
    print_json (node);
  else
    {
      g_autofree char *text = weft_summary_to_text (node);

      g_print ("%s", text);
    }

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

  {
    g_autofree char *msg = g_strdup_printf ("unknown command \"%s\"", argv[1]);
    return usage_error (NULL, msg);
  }
}
