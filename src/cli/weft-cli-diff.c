/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * weft-cli diff A B [--json]
 *
 * Compares two recordings: each of A and B is a trace file (Weft's or
 * another program's) or a workload profile, which is run first with its own
 * settings, as `weft-cli run` would. Prints what changed from A to B, biggest
 * change first (WeftDiff); docs/cli.md defines the JSON form.
 */

#include "config.h"

#include <stdlib.h>

#include "weft-cli-diff.h"
#include "weft-cli-private.h"
#include "weft-diff.h"
#include "weft-loader.h"
#include "weft-run.h"
#include "weft-summary.h"

#define EXIT_BAD_INPUT 2

/* Runs @profile to its end on a private context */
static WeftSummary *
summary_of_run (const char        *path,
                const WeftProfile *profile,
                GError           **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  WeftRunOptions options = WEFT_RUN_OPTIONS_INIT;
  g_autoptr(WeftRun) run = weft_run_new (profile, &options);
  gboolean started;

  g_main_context_push_thread_default (context);
  started = weft_run_start (run, context, error);
  if (started)
    weft_run_wait (run, context, NULL);
  g_main_context_pop_thread_default (context);
  if (!started)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  return weft_summary_new (weft_run_get_model (run), weft_run_get_profile (run), weft_run_get_result (run));
}

/* A trace read back, or a profile run: its summary */
static WeftSummary *
summary_of (const char  *path,
            GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(WeftLoader) loader = weft_loader_new (file);

  if (!weft_loader_load (loader, NULL, error))
    return NULL;
  if (weft_loader_get_kind (loader) == WEFT_LOADER_KIND_PROFILE)
    return summary_of_run (path, weft_loader_get_profile (loader), error);
  return weft_summary_new_for_trace (weft_loader_get_model (loader), weft_loader_get_meta (loader));
}

int
weft_cli_diff (int    argc,
               char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the diff as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("A B — what changed from recording A to B (traces or profiles; a profile is run first)");
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftSummary) a = NULL;
  g_autoptr(WeftSummary) b = NULL;
  g_autoptr(WeftDiff) diff = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("weft-cli diff: %s (see 'weft-cli diff --help')\n", error->message);
      return EXIT_BAD_INPUT;
    }
  if (argc != 3)
    {
      g_printerr ("weft-cli diff: %s (see 'weft-cli diff --help')\n",
                  argc < 3 ? "expected two recordings, A and B" : "more than two recordings given");
      return EXIT_BAD_INPUT;
    }

  if ((a = summary_of (argv[1], &error)) == NULL || (b = summary_of (argv[2], &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_BAD_INPUT;
    }

  diff = weft_diff_new (a, b);
  weft_diff_set_names (diff, argv[1], argv[2]);
  _weft_cli_print_result (diff, json, (WeftCliToJson) weft_diff_to_json, (WeftCliToText) weft_diff_to_text);
  return EXIT_SUCCESS;
}
