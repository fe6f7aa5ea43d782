/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The loader: telling a profile from a trace, on a worker thread, with
 * errors naming the file; and the engine's other _async calls (waiting for a
 * run, exporting a trace) as a main loop meets them. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "weft-loader-private.h"
#include "weft-run.h"
#include "weft-trace-export.h"

static char *tmp_dir;

static char *
source_path (const char *first, ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *root = g_path_get_dirname (g_getenv ("G_TEST_SRCDIR"));
  const char *part;
  va_list args;

  g_ptr_array_add (parts, root);
  va_start (args, first);
  for (part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

static char *
write_tmp (const char *name,
           const char *contents)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static WeftLoader *
load_path (const char  *path,
           GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WeftLoader) loader = weft_loader_new (file);

  if (!weft_loader_load (loader, NULL, error))
    return NULL;
  return g_steal_pointer (&loader);
}

static void
test_profile (void)
{
  g_autofree char *path = source_path ("workloads", "02-gil-cpu-threads.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftLoader) loader = load_path (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (weft_loader_get_kind (loader), ==, WEFT_LOADER_KIND_PROFILE);
  g_assert_cmpint (weft_loader_get_profile (loader)->concept, ==, 2);
  g_assert_cmpstr (weft_loader_get_profile (loader)->path, ==, path);
  g_assert_null (weft_loader_get_model (loader));
  g_assert_null (weft_loader_get_stats (loader));
}

static void
test_trace (void)
{
  g_autofree char *path = source_path ("tests", "traces", "foreign-phases.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftLoader) loader = load_path (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (weft_loader_get_kind (loader), ==, WEFT_LOADER_KIND_TRACE);
  g_assert_null (weft_loader_get_profile (loader));
  g_assert_cmpuint (weft_trace_model_get_n_lanes (weft_loader_get_model (loader)), >, 0);
  g_assert_cmpuint (weft_loader_get_stats (loader)->n_used, >, 0);
  g_assert_nonnull (weft_loader_get_meta (loader));
}

/* A 0-byte file (and one of only white space) gets one clear message, not
 * a critical from reading a NULL mapping. */
static void
test_empty (void)
{
  const char *contents[] = { "", " \n\t\n" };

  for (guint i = 0; i < G_N_ELEMENTS (contents); i++)
    {
      g_autofree char *path = write_tmp ("empty.json", contents[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(WeftLoader) loader = load_path (path, &error);

      g_assert_null (loader);
      g_assert_error (error, WEFT_LOADER_ERROR, WEFT_LOADER_ERROR_EMPTY);
      g_assert_cmpstr (error->message, ==,
                       "empty.json: the file is empty; expected a workload profile or a trace (JSON)");
      g_unlink (path);
    }
}

/* "[]" is a trace without events: loaded, with no lanes (the app says so) */
static void
test_empty_array (void)
{
  g_autofree char *path = write_tmp ("nothing.json", "[]");
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftLoader) loader = load_path (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (weft_loader_get_kind (loader), ==, WEFT_LOADER_KIND_TRACE);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (weft_loader_get_model (loader)), ==, 0);
  g_unlink (path);
}

static void
test_errors (void)
{
  g_autofree char *bad_profile = source_path ("tests", "profiles", "malformed", "cpu-ms-not-number.json", NULL);
  g_autofree char *bad_trace = write_tmp ("bad.json", "[\n {\"ph\": \"X\",, }\n]");
  g_autoptr(GFile) remote = g_file_new_for_uri ("http://example.invalid/trace.json");
  g_autoptr(WeftLoader) loader = weft_loader_new (remote);
  GError *error = NULL;

  g_assert_null (load_path (bad_profile, &error));
  g_assert_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "cpu-ms-not-number.json:5:20:"));
  g_clear_error (&error);

  g_assert_null (load_path (bad_trace, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "bad.json:2:"));
  g_clear_error (&error);
  g_unlink (bad_trace);

  g_assert_null (load_path ("/nonexistent/weft/trace.json", &error));
  g_assert_error (error, WEFT_LOADER_ERROR, WEFT_LOADER_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, "trace.json: cannot read: "));
  g_clear_error (&error);

  g_assert_false (weft_loader_load (loader, NULL, &error));
  g_assert_error (error, WEFT_LOADER_ERROR, WEFT_LOADER_ERROR_NOT_LOCAL);
  g_clear_error (&error);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
one_waiting (gpointer data)
{
  return _weft_loader_get_n_waiting () == 1;
}

static gboolean
iterate_until (gboolean (*done) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      /* wakes within 10 ms to look at conditions set by other threads */
      if (!g_main_context_iteration (NULL, FALSE))
        {
          g_autoptr(GSource) tick = g_timeout_source_new (10);

          g_source_set_dummy_callback (tick);
          g_source_attach (tick, NULL);
          g_main_context_iteration (NULL, TRUE);
          g_source_destroy (tick);
        }
    }
  return TRUE;
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (weft_loader_load_finish (WEFT_LOADER (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* The load runs on a worker thread: while it is held there, the main
 * context goes on and the callback has not run. */
static void
test_async (void)
{
  g_autofree char *path = source_path ("workloads", "04-race-condition.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WeftLoader) loader = weft_loader_new (file);
  gboolean done = FALSE;

  _weft_loader_set_held (TRUE);
  weft_loader_load_async (loader, NULL, on_loaded, &done);
  g_assert_true (iterate_until (one_waiting, NULL, 10000));
  g_assert_false (done);
  _weft_loader_set_held (FALSE);
  g_assert_true (iterate_until (is_true, &done, 10000));
  g_assert_cmpint (weft_loader_get_kind (loader), ==, WEFT_LOADER_KIND_PROFILE);
  g_assert_cmpint (weft_loader_get_profile (loader)->concept, ==, 4);
  g_assert_cmpuint (_weft_loader_get_n_waiting (), ==, 0);
}

/* ---- Waiting for a run, exporting ------------------------------------------ */

static const char short_profile[] =
  "{ \"weft_profile\": 1, \"name\": \"short\", \"executor\": \"threads\", \"workers\": 2,"
  "  \"tasks\": [ { \"name\": \"t\", \"count\": 4, \"steps\": [ { \"cpu\": { \"ms\": 5 } } ] } ] }";

static const char long_profile[] =
  "{ \"weft_profile\": 1, \"name\": \"long\", \"executor\": \"threads\", \"workers\": 2,"
  "  \"tasks\": [ { \"name\": \"t\", \"count\": 2, \"steps\": [ { \"io\": { \"ms\": 60000 } } ] } ] }";

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Outcome;

static void
on_waited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = weft_run_wait_finish (WEFT_RUN (object), result, &outcome->error);
  outcome->done = TRUE;
}

static WeftRun *
start_run (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = weft_profile_new_from_data (json, -1, "inline.json", &error);
  WeftRunOptions options = WEFT_RUN_OPTIONS_INIT;
  WeftRun *run;

  g_assert_no_error (error);
  run = weft_run_new (profile, &options);
  g_assert_true (weft_run_start (run, NULL, &error));
  g_assert_no_error (error);
  return run;
}

static void
test_run_wait_async (void)
{
  g_autoptr(WeftRun) run = start_run (short_profile);
  Outcome outcome = { 0 };
  Outcome again = { 0 };

  weft_run_wait_async (run, NULL, on_waited, &outcome);
  g_assert_false (outcome.done);
  g_assert_true (iterate_until (is_true, &outcome.done, 30000));
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.ok);
  g_assert_true (weft_run_get_finished (run));
  g_assert_cmpuint (weft_run_get_result (run)->tasks_ok, ==, 4);

  /* A finished run completes a wait at once (on the next iteration) */
  weft_run_wait_async (run, NULL, on_waited, &again);
  g_assert_true (iterate_until (is_true, &again.done, 1000));
  g_assert_true (again.ok);
}

/* Cancelling the wait does not stop the run; it ends the wait */
static void
test_run_wait_cancelled (void)
{
  g_autoptr(WeftRun) run = start_run (long_profile);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Outcome outcome = { 0 };

  weft_run_wait_async (run, cancellable, on_waited, &outcome);
  g_cancellable_cancel (cancellable);
  g_assert_true (iterate_until (is_true, &outcome.done, 10000));
  g_assert_false (outcome.ok);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&outcome.error);
  g_assert_false (weft_run_get_finished (run));

  weft_run_cancel (run);
  g_assert_true (weft_run_wait (run, NULL, &error));
  g_assert_no_error (error);
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = weft_trace_export_to_file_finish (result, &outcome->error);
  outcome->done = TRUE;
}

static void
test_export_async (void)
{
  g_autoptr(WeftRun) run = start_run (short_profile);
  g_autofree char *out = g_build_filename (tmp_dir, "short-trace.json", NULL);
  g_autofree char *bad = g_build_filename (tmp_dir, "no", "such", "folder", "t.json", NULL);
  g_autoptr(WeftLoader) back = NULL;
  g_autoptr(GError) error = NULL;
  Outcome outcome = { 0 };
  Outcome failed = { 0 };

  g_assert_true (weft_run_wait (run, NULL, &error));
  weft_trace_export_to_file_async (weft_run_get_model (run), NULL, out, NULL, on_exported, &outcome);
  g_assert_false (outcome.done);
  g_assert_true (iterate_until (is_true, &outcome.done, 30000));
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.ok);

  back = load_path (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (weft_loader_get_model (back)), ==,
                    weft_trace_model_get_n_lanes (weft_run_get_model (run)));
  g_unlink (out);

  weft_trace_export_to_file_async (weft_run_get_model (run), NULL, bad, NULL, on_exported, &failed);
  g_assert_true (iterate_until (is_true, &failed.done, 30000));
  g_assert_false (failed.ok);
  g_assert_nonnull (failed.error);
  g_assert_nonnull (strstr (failed.error->message, "t.json"));
  g_clear_error (&failed.error);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("weft-loader-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/weft/loader/profile", test_profile);
  g_test_add_func ("/weft/loader/trace", test_trace);
  g_test_add_func ("/weft/loader/empty", test_empty);
  g_test_add_func ("/weft/loader/empty-array", test_empty_array);
  g_test_add_func ("/weft/loader/errors", test_errors);
  g_test_add_func ("/weft/loader/async", test_async);
  g_test_add_func ("/weft/loader/run-wait-async", test_run_wait_async);
  g_test_add_func ("/weft/loader/run-wait-cancelled", test_run_wait_cancelled);
  g_test_add_func ("/weft/loader/export-async", test_export_async);

  status = g_test_run ();
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
