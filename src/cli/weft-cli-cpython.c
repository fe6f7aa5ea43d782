/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * weft-cli run PROFILE --runtime cpython [--python PATH]: the profile run as
 * real Python code under the chosen CPython, recorded (WeftCpythonRuntime,
 * docs/cpython-runtime.md). The same outputs as a model run: the trace
 * (-o), the summary (--summary, --json), the errors, the exit status.
 */

#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdlib.h>

#include "weft-json-text.h"
#include "weft-cli-cpython.h"
#include "weft-cpython-runtime.h"
#include "weft-summary.h"
#include "weft-trace-export.h"

#define EXIT_BAD_INPUT 2

typedef struct
{
  GCancellable *cancellable;
  int           signum;
} SignalSeen;

static gboolean
on_signal (SignalSeen *seen,
           int         signum)
{
  if (seen->signum == 0)
    seen->signum = signum;
  g_cancellable_cancel (seen->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigint (gpointer data)
{
  return on_signal (data, SIGINT);
}

static gboolean
on_sigterm (gpointer data)
{
  return on_signal (data, SIGTERM);
}

static JsonNode *
runtime_json (WeftCpythonRuntime *rt)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char * const *warnings = weft_cpython_runtime_get_warnings (rt);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "runtime");
  json_builder_add_string_value (b, "cpython");
  json_builder_set_member_name (b, "python");
  json_builder_add_string_value (b, weft_cpython_runtime_get_python (rt));
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, weft_cpython_runtime_get_version (rt));
  json_builder_set_member_name (b, "gil");
  json_builder_add_boolean_value (b, weft_cpython_runtime_get_result (rt)->gil);
  json_builder_set_member_name (b, "iterations_per_ms");
  json_builder_add_double_value (b, weft_cpython_runtime_get_iterations_per_ms (rt));
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; warnings[i] != NULL; i++)
    json_builder_add_string_value (b, warnings[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_summary (WeftCpythonRuntime *rt,
               gboolean            json)
{
  g_autoptr(WeftSummary) summary = weft_summary_new (weft_cpython_runtime_get_model (rt),
                                                     weft_cpython_runtime_get_profile (rt),
                                                     weft_cpython_runtime_get_result (rt));

  if (json)
    {
      g_autoptr(JsonNode) node = weft_summary_to_json (summary);
      g_autofree char *text = NULL;

      json_object_set_member (json_node_get_object (node), "cpython", runtime_json (rt));
      text = weft_json_to_text (node, TRUE);
      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *text = weft_summary_to_text (summary);

      g_print ("%s", text);
      if (weft_cpython_runtime_get_iterations_per_ms (rt) > 0)
        g_print ("runtime   real CPython %s (%s), %s; CPU loop %.0f iterations per ms\n",
                 weft_cpython_runtime_get_version (rt), weft_cpython_runtime_get_python (rt),
                 weft_cpython_runtime_get_result (rt)->gil ? "with its GIL" : "free-threaded",
                 weft_cpython_runtime_get_iterations_per_ms (rt));
      else
        g_print ("runtime   real CPython %s (%s); it ended before it reported its own figures\n",
                 weft_cpython_runtime_get_version (rt), weft_cpython_runtime_get_python (rt));
    }
}

static gboolean
write_trace (WeftCpythonRuntime  *rt,
             const char          *output,
             char               **argv,
             GError             **error)
{
  g_autoptr(WeftSummary) summary = weft_summary_new (weft_cpython_runtime_get_model (rt),
                                                     weft_cpython_runtime_get_profile (rt),
                                                     weft_cpython_runtime_get_result (rt));
  g_autoptr(WeftTraceMeta) meta = weft_summary_to_trace_meta (summary);

  g_free (meta->executor);
  meta->executor = g_strdup_printf ("%s, real CPython %s", weft_executor_to_nick (weft_cpython_runtime_get_profile (rt)->executor),
                                    weft_cpython_runtime_get_version (rt));
  meta->command_line = g_strjoinv (" ", argv);
  return weft_trace_export_to_file (weft_cpython_runtime_get_model (rt), meta, output, NULL, error);
}

static void
on_ran (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
watch_signal (GMainContext *context,
              int           signum,
              GSourceFunc   callback,
              SignalSeen   *seen)
{
  g_autoptr(GSource) source = g_unix_signal_source_new (signum);

  g_source_set_callback (source, callback, seen, NULL);
  g_source_attach (source, context);
}

/* Runs @rt to its end on a private context, which also takes SIGINT and
 * SIGTERM: they stop the program (what it recorded is kept). Returns the
 * first signal, 0 for none. */
static int
run_interruptible (WeftCpythonRuntime  *rt,
                   GError             **error,
                   gboolean            *ran)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) done = NULL;
  SignalSeen seen = { cancellable, 0 };

  g_main_context_push_thread_default (context);
  watch_signal (context, SIGINT, on_sigint, &seen);
  watch_signal (context, SIGTERM, on_sigterm, &seen);
  weft_cpython_runtime_run_async (rt, cancellable, on_ran, &done);
  while (done == NULL)
    g_main_context_iteration (context, TRUE);
  *ran = weft_cpython_runtime_run_finish (rt, done, error);
  g_main_context_pop_thread_default (context);
  return seen.signum;
}

int
weft_cli_run_cpython (const char           *profile_path,
                      const WeftProfile    *profile,
                      const WeftRunOptions *options,
                      const char           *python,
                      const char           *output,
                      gboolean              summary,
                      gboolean              json,
                      char                **argv)
{
  g_autoptr(WeftCpythonRuntime) rt = NULL;
  g_autoptr(GError) error = NULL;
  const WeftRunResult *result;
  const char * const *warnings;
  gboolean ran;
  int signum;

  rt = weft_cpython_runtime_new (profile, options, python, &error);
  if (rt == NULL)
    {
      g_printerr ("weft-cli run: %s\n", error->message);
      return EXIT_BAD_INPUT;
    }
  signum = run_interruptible (rt, &error, &ran);
  if (!ran)
    {
      g_printerr ("weft-cli run: %s: %s\n", profile_path, error->message);
      return EXIT_BAD_INPUT;
    }
  result = weft_cpython_runtime_get_result (rt);
  warnings = weft_cpython_runtime_get_warnings (rt);
  for (guint i = 0; warnings[i] != NULL; i++)
    g_printerr ("weft-cli run: %s: %s\n", profile_path, warnings[i]);

  if (output != NULL && !write_trace (rt, output, argv, &error))
    g_printerr ("weft-cli run: %s\n", error->message);
  if (summary || signum != 0)
    print_summary (rt, json);
  else
    for (guint i = 0; i < result->errors->len; i++)
      g_printerr ("%s: %s\n", profile_path, (const char *) g_ptr_array_index (result->errors, i));

  if (signum != 0)
    return 128 + signum;
  if (error != NULL)
    return EXIT_BAD_INPUT;
  return result->errors->len == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
