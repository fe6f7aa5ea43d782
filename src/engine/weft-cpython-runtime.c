/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * WeftCpythonRuntime: a profile run as real Python code.
 *
 * The profile, as Weft saves it (every key explicit, the run's overrides
 * applied), goes into a private folder; the chosen Python runs Weft's driver
 * (python/weft/_runtime.py) on it as a WeftRecording, so the preload library
 * records its threads, processes, locks and the real GIL, and the driver's
 * marks (the `weft` module) draw its tasks and I/O waits. The driver writes
 * what the program measured itself (counters, tasks, wall and work time) to a
 * result file, which becomes a WeftRunResult like a model run's.
 * docs/cpython-runtime.md describes the translation and its limits.
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>

#include "weft-cpython-runtime.h"

struct _WeftCpythonRuntime
{
  GObject        parent_instance;

  WeftProfile   *profile;          /* the profile with the run's overrides */
  char          *python;
  char          *version;          /* "3.11.2" */
  char          *label;            /* "real CPython 3.11.2" */
  char          *dir;
  WeftRecording *recording;
  WeftRunResult  result;
  GPtrArray     *warnings;
  double         iterations_per_ms;
  GTask         *task;
  GSource       *timeout;
  GSource       *watchdog;         /* looks for a deadlock in the trace */
  GArray        *suspect_cycle;    /* WeftWaitLink: the cycle the last checks saw */
  guint          suspect_checks;
  gulong         cancel_id;
};

/* A cycle of lock waits in the trace that stays for this many checks, one
 * every WATCHDOG_MS, is a deadlock */
#define WATCHDOG_MS        250
#define DEADLOCK_CHECKS    4

G_DEFINE_FINAL_TYPE (WeftCpythonRuntime, weft_cpython_runtime, G_TYPE_OBJECT)

static void
clear_counters (GArray *counters)
{
  for (guint i = 0; i < counters->len; i++)
    g_free (g_array_index (counters, WeftCounterResult, i).name);
  g_array_set_size (counters, 0);
}

static void
remove_dir (const char *dir)
{
  const char *names[] = { "profile.json", "result.json" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
drop_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
weft_cpython_runtime_dispose (GObject *object)
{
  WeftCpythonRuntime *self = WEFT_CPYTHON_RUNTIME (object);

  drop_source (&self->timeout);
  drop_source (&self->watchdog);
  if (self->recording != NULL && !weft_recording_get_finished (self->recording))
    weft_recording_stop (self->recording, SIGKILL);
  g_clear_object (&self->recording);
  G_OBJECT_CLASS (weft_cpython_runtime_parent_class)->dispose (object);
}

static void
weft_cpython_runtime_finalize (GObject *object)
{
  WeftCpythonRuntime *self = WEFT_CPYTHON_RUNTIME (object);

  if (self->dir != NULL)
    remove_dir (self->dir);
  g_free (self->dir);
  g_clear_pointer (&self->profile, weft_profile_free);
  g_free (self->python);
  g_free (self->version);
  g_free (self->label);
  g_ptr_array_unref (self->warnings);
  g_ptr_array_unref (self->result.errors);
  clear_counters (self->result.counters);
  g_array_unref (self->result.counters);
  g_array_unref (self->result.deadlock);
  g_free (self->result.deadlock_text);
  g_clear_pointer (&self->suspect_cycle, g_array_unref);
  G_OBJECT_CLASS (weft_cpython_runtime_parent_class)->finalize (object);
}

static void
weft_cpython_runtime_class_init (WeftCpythonRuntimeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = weft_cpython_runtime_dispose;
  object_class->finalize = weft_cpython_runtime_finalize;
}

static void
weft_cpython_runtime_init (WeftCpythonRuntime *self)
{
  self->warnings = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->result.errors = g_ptr_array_new_with_free_func (g_free);
  self->result.counters = g_array_new (FALSE, TRUE, sizeof (WeftCounterResult));
  self->result.deadlock = g_array_new (FALSE, FALSE, sizeof (WeftWaitLink));
}

/* ---- what can be translated ---------------------------------------------- */

static gboolean
refuse (const WeftProfile  *profile,
        GError            **error,
        const char         *member,
        const char         *why)
{
  g_autofree char *name = profile->path != NULL ? g_strdup (profile->path) : g_strdup (profile->name);

  g_set_error (error, WEFT_RUN_ERROR, WEFT_RUN_ERROR_UNSUPPORTED,
               "%s: %s: cannot run on real CPython: %s", name, member, why);
  return FALSE;
}

/**
 * weft_cpython_runtime_check:
 *
 * Whether every member of @profile has a Python translation. Tasks beside
 * a pipeline run on threads only (the Python driver runs them on a thread
 * pool next to the stages).
 *
 * Returns: %FALSE with one line naming the profile and the member
 */
gboolean
weft_cpython_runtime_check (const WeftProfile  *profile,
                            GError            **error)
{
  g_return_val_if_fail (profile != NULL, FALSE);

  if (profile->stages->len > 0 && profile->tasks->len > 0 && profile->executor != WEFT_EXECUTOR_THREADS)
    return refuse (profile, error, "$.executor",
                   "the tasks beside a pipeline run on threads only in the Python translation");
  return TRUE;
}

/* ---- finding a Python ---------------------------------------------------- */

static char *
probe_version (const char  *python,
               GError     **error)
{
  const char *argv[] = { python, "-I", "-c",
                         "import sys; print(sys.implementation.name, '%d.%d.%d' % sys.version_info[:3])", NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) words = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                     &status, error))
    return NULL;
  words = g_strsplit (g_strstrip (out), " ", 2);
  if (!g_spawn_check_wait_status (status, NULL) || g_strv_length (words) != 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: not a Python that runs", python);
      return NULL;
    }
  if (!g_str_equal (words[0], "cpython"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s is %s, not CPython", python, words[0]);
      return NULL;
    }
  return g_strdup (words[1]);
}

/**
 * weft_cpython_runtime_find_python:
 * @requested: (nullable): a path or a name on PATH; %NULL for Debian's
 *   /usr/bin/python3, else the `python3` on PATH
 * @out_version: (out) (optional): its version, "3.11.2"
 *
 * Returns: (transfer full): the Python's path, or %NULL with one line
 */
char *
weft_cpython_runtime_find_python (const char  *requested,
                                  char       **out_version,
                                  GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *version = NULL;

  if (requested == NULL)
    path = g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE)
           ? g_strdup ("/usr/bin/python3") : g_find_program_in_path ("python3");
  else if (strchr (requested, '/') != NULL)
    path = g_file_test (requested, G_FILE_TEST_IS_EXECUTABLE) && !g_file_test (requested, G_FILE_TEST_IS_DIR)
           ? g_strdup (requested) : NULL;
  else
    path = g_find_program_in_path (requested);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such Python",
                   requested != NULL ? requested : "python3");
      return NULL;
    }
  version = probe_version (path, error);
  if (version == NULL)
    return NULL;
  if (out_version != NULL)
    *out_version = g_steal_pointer (&version);
  return g_steal_pointer (&path);
}

/* ---- setting up ---------------------------------------------------------- */

/**
 * weft_cpython_runtime_new:
 * @options: (nullable): overrides of the profile's executor and workers (a
 *   GIL cannot be switched in a real CPython: it has one, or is free-threaded)
 * @python: (nullable): see weft_cpython_runtime_find_python()
 *
 * Returns: (transfer full): a runtime that has not run, or %NULL with one
 *   line when the profile has no translation or the Python is not found
 */
WeftCpythonRuntime *
weft_cpython_runtime_new (const WeftProfile     *profile,
                          const WeftRunOptions  *options,
                          const char            *python,
                          GError               **error)
{
  g_autoptr(WeftCpythonRuntime) self = NULL;
  g_autofree char *version = NULL;
  g_autofree char *path = NULL;
  WeftProfile *copy;

  g_return_val_if_fail (profile != NULL, NULL);

  copy = weft_profile_copy (profile);
  if (options != NULL && options->executor != WEFT_EXECUTOR_NONE)
    copy->executor = options->executor;
  if (options != NULL && options->workers > 0)
    copy->workers = options->workers;
  if (!weft_cpython_runtime_check (copy, error))
    {
      weft_profile_free (copy);
      return NULL;
    }
  path = weft_cpython_runtime_find_python (python, &version, error);
  if (path == NULL)
    {
      weft_profile_free (copy);
      return NULL;
    }

  self = g_object_new (WEFT_TYPE_CPYTHON_RUNTIME, NULL);
  self->profile = copy;
  self->python = g_steal_pointer (&path);
  self->version = g_steal_pointer (&version);
  self->label = g_strdup_printf ("real CPython %s", self->version);
  return g_steal_pointer (&self);
}

static gboolean
write_profile (WeftCpythonRuntime  *self,
               char               **out_profile,
               char               **out_result,
               GError             **error)
{
  g_autofree char *json = weft_profile_to_json (self->profile);

  self->dir = g_dir_make_tmp ("weft-cpython-XXXXXX", error);
  if (self->dir == NULL)
    return FALSE;
  *out_profile = g_build_filename (self->dir, "profile.json", NULL);
  *out_result = g_build_filename (self->dir, "result.json", NULL);
  return g_file_set_contents (*out_profile, json, -1, error);
}

/* ---- the result ---------------------------------------------------------- */

static void
add_error (WeftCpythonRuntime *self,
           const char         *format,
           ...) G_GNUC_PRINTF (2, 3);

static void
add_error (WeftCpythonRuntime *self,
           const char         *format,
           ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->result.errors, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
take_counters (WeftCpythonRuntime *self,
               JsonArray          *counters)
{
  for (guint i = 0; counters != NULL && i < json_array_get_length (counters); i++)
    {
      JsonNode *node = json_array_get_element (counters, i);
      JsonObject *c = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      WeftCounterResult cr = { 0 };

      if (c == NULL)
        continue;
      cr.name = g_strdup (json_object_get_string_member_with_default (c, "name", "?"));
      cr.expected = json_object_get_int_member_with_default (c, "expected", 0);
      cr.actual = json_object_get_int_member_with_default (c, "actual", 0);
      cr.lost = cr.expected - cr.actual;
      cr.ns_per_op = MAX (0, json_object_get_double_member_with_default (c, "ns_per_op", 0));
      cr.backend = g_strcmp0 (json_object_get_string_member_with_default (c, "backend", ""), "manager") == 0
                   ? WEFT_BACKEND_MANAGER : WEFT_BACKEND_MEMORY;
      g_array_append_val (self->result.counters, cr);
    }
}

/* A member that should be an array, NULL when it is missing or not one */
static JsonArray *
array_member (JsonObject *o,
              const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static void
take_result_object (WeftCpythonRuntime *self,
                    JsonObject         *o)
{
  JsonArray *errors = array_member (o, "errors");
  WeftRunResult *r = &self->result;

  r->gil = json_object_get_boolean_member_with_default (o, "gil", r->gil);
  r->wall_ns = (guint64) MAX (0, json_object_get_int_member_with_default (o, "wall_ns", 0));
  r->work_ns = (guint64) MAX (0, json_object_get_int_member_with_default (o, "work_ns", 0));
  r->tasks_ok = (guint) json_object_get_int_member_with_default (o, "tasks_ok", 0);
  r->tasks_failed = (guint) json_object_get_int_member_with_default (o, "tasks_failed", 0);
  r->tasks_cancelled = (guint) json_object_get_int_member_with_default (o, "tasks_cancelled", 0);
  r->tasks_not_started = (guint) json_object_get_int_member_with_default (o, "tasks_not_started", 0);
  /* null when no coroutine slept on a loop */
  r->loop_max_lag_ns = (guint64) MAX (0, json_object_get_int_member_with_default (o, "loop_max_lag_ns", 0));
  self->iterations_per_ms = json_object_get_double_member_with_default (o, "iterations_per_ms", 0);
  for (guint i = 0; errors != NULL && i < json_array_get_length (errors); i++)
    {
      JsonNode *e = json_array_get_element (errors, i);

      if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
        add_error (self, "%s", json_node_get_string (e));
    }
  take_counters (self, array_member (o, "counters"));
}

/* The workers the Python translation runs: a thread or a process per worker,
 * and one asyncio loop for the tasks on a main loop and one for every
 * main-loop stage together */
static guint
count_workers (const WeftProfile *p)
{
  gboolean loop_stages = FALSE;
  guint n = 0;

  for (guint i = 0; i < p->stages->len; i++)
    {
      const WeftStage *stage = g_ptr_array_index (p->stages, i);

      if (stage->executor == WEFT_EXECUTOR_MAINLOOP)
        loop_stages = TRUE;
      else
        n += stage->workers;
    }
  if (p->tasks->len > 0)
    n += p->executor == WEFT_EXECUTOR_MAINLOOP ? 1 : p->workers;
  return n + (loop_stages ? 1 : 0);
}

/* What the program wrote about itself; a program that did not get that far
 * is said to have ended early. */
static void
take_result (WeftCpythonRuntime *self)
{
  g_autofree char *path = g_build_filename (self->dir, "result.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  int status = weft_recording_get_exit_status (self->recording);
  JsonNode *root;
  WeftRecordingCounts counts;

  /* until the program says: whether the recording found its GIL */
  weft_recording_get_counts (self->recording, &counts);
  self->result.gil = counts.n_gil_found > 0;
  self->result.executor = self->profile->executor;
  self->result.n_stages = self->profile->stages->len;
  self->result.workers = count_workers (self->profile);
  if (self->result.deadlock->len > 0)
    add_error (self, "deadlock: %s", self->result.deadlock_text);
  else if (self->result.timed_out)
    add_error (self, "the Python program did not finish within the timeout of %g s and was stopped",
               self->profile->timeout_s);
  else if (self->result.cancelled)
    add_error (self, "the Python program was stopped");
  else if (status != 0)
    add_error (self, "the Python program (%s) ended with status %d", self->python, status);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;
  if (!json_parser_load_from_file (parser, path, &error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      add_error (self, "%s: unreadable result: %s", path, error != NULL ? error->message : "not an object");
      return;
    }
  take_result_object (self, json_node_get_object (root));
}

static void
note_gil (WeftCpythonRuntime *self)
{
  const WeftProfile *p = self->profile;
  gboolean threads = p->stages->len == 0 && p->executor == WEFT_EXECUTOR_THREADS;

  for (guint i = 0; i < p->stages->len; i++)
    threads |= ((const WeftStage *) g_ptr_array_index (p->stages, i))->executor == WEFT_EXECUTOR_THREADS;

  if (threads && !p->gil && self->result.gil)
    g_ptr_array_add (self->warnings,
                     g_strdup_printf ("the profile runs without a GIL (\"gil\": false), but CPython %s has "
                                      "one: its threads share it", self->version));
  if (p->gil && !self->result.gil && self->iterations_per_ms > 0)
    g_ptr_array_add (self->warnings,
                     g_strdup_printf ("the profile simulates a GIL, but CPython %s is free-threaded",
                                      self->version));
}

/* ---- running ------------------------------------------------------------- */

static void
on_waited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(WeftCpythonRuntime) self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  weft_recording_wait_finish (WEFT_RECORDING (object), result, NULL);
  drop_source (&self->timeout);
  drop_source (&self->watchdog);
  g_cancellable_disconnect (g_task_get_cancellable (task), self->cancel_id);
  self->cancel_id = 0;
  take_result (self);
  note_gil (self);
  for (guint i = 0; i < weft_recording_get_n_warnings (self->recording); i++)
    g_ptr_array_add (self->warnings, g_strdup (weft_recording_get_warnings (self->recording)[i]));
  g_task_return_boolean (task, TRUE);
}

static gboolean
on_timeout (gpointer data)
{
  WeftCpythonRuntime *self = data;

  self->result.timed_out = TRUE;
  self->result.cancelled = TRUE;
  weft_recording_stop (self->recording, SIGTERM);
  return G_SOURCE_REMOVE;
}

/* ---- a deadlock ---------------------------------------------------------- */

/* The profile's object that the recording's lock @lock is (the driver names
 * each lock after it), or -1 */
static gint
profile_lock (WeftCpythonRuntime *self,
              WeftTraceModel     *model,
              guint32             lock)
{
  const char *name = weft_trace_model_get_object_name (model, lock);

  for (guint i = 0; name != NULL && i < self->profile->objects->len; i++)
    {
      const WeftProfileObject *po = g_ptr_array_index (self->profile->objects, i);

      if (po->kind == WEFT_OBJECT_LOCK && g_strcmp0 (po->name, name) == 0)
        return (gint) i;
    }
  return -1;
}

/* The trace's cycle as a run's wait-for links, each lock the profile's
 * object; %NULL if one of them is none of the profile's locks */
static GArray *
profile_links (WeftCpythonRuntime *self,
               WeftTraceModel     *model,
               GArray             *cycle)
{
  g_autoptr(GArray) links = g_array_new (FALSE, FALSE, sizeof (WeftWaitLink));

  for (guint i = 0; cycle != NULL && i < cycle->len; i++)
    {
      const WeftLockWait *link = &g_array_index (cycle, WeftLockWait, i);
      gint object = profile_lock (self, model, link->lock);
      WeftWaitLink wl = { link->worker, (guint) object };

      if (object < 0)
        return NULL;
      g_array_append_val (links, wl);
    }
  return cycle != NULL ? g_steal_pointer (&links) : NULL;
}

/* A cycle of the profile's locks that the same lanes wait round for
 * DEADLOCK_CHECKS checks in a row: the program is stopped and the cycle
 * reported, as a model run's watchdog does. A wait and a hold are what the
 * lanes last recorded, and a blocked thread has recorded up to its wait, so
 * a cycle among blocked threads stays; one that only looks so because a
 * thread went on unrecorded does not last a second. */
static gboolean
on_watchdog (gpointer data)
{
  WeftCpythonRuntime *self = data;
  WeftTraceModel *model = weft_recording_get_model (self->recording);
  g_autoptr(GArray) cycle = model != NULL ? weft_trace_model_find_lock_cycle (model) : NULL;
  g_autoptr(GArray) links = profile_links (self, model, cycle);

  self->suspect_checks = weft_wait_links_equal (links, self->suspect_cycle) ? self->suspect_checks + 1 : 1;
  g_clear_pointer (&self->suspect_cycle, g_array_unref);
  self->suspect_cycle = g_steal_pointer (&links);
  if (self->suspect_cycle == NULL || self->suspect_checks < DEADLOCK_CHECKS)
    return G_SOURCE_CONTINUE;

  g_array_append_vals (self->result.deadlock, self->suspect_cycle->data, self->suspect_cycle->len);
  self->result.deadlock_text = weft_trace_model_describe_lock_cycle (model, cycle);
  self->result.cancelled = TRUE;
  weft_recording_stop (self->recording, SIGTERM);
  g_clear_pointer (&self->watchdog, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable       *cancellable,
              WeftCpythonRuntime *self)
{
  weft_cpython_runtime_stop (self);
}

static gboolean
start (WeftCpythonRuntime  *self,
       GError             **error)
{
  g_autofree char *profile = NULL;
  g_autofree char *result = NULL;
  g_autofree char *dir = weft_recording_find_python_dir ();
  g_autofree char *driver = g_build_filename (dir, "weft", "_runtime.py", NULL);
  const char *argv[] = { self->python, driver, NULL, NULL, NULL };
  guint timeout_ms = (guint) ((self->profile->timeout_s + WEFT_CPYTHON_STARTUP_GRACE_S) * 1000);

  if (!write_profile (self, &profile, &result, error))
    return FALSE;
  argv[2] = profile;
  argv[3] = result;
  self->recording = weft_recording_new (argv, NULL);
  if (!weft_recording_start (self->recording, g_main_context_get_thread_default (), error))
    return FALSE;
  self->timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (self->timeout, on_timeout, self, NULL);
  g_source_attach (self->timeout, g_main_context_get_thread_default ());
  self->watchdog = g_timeout_source_new (WATCHDOG_MS);
  g_source_set_callback (self->watchdog, on_watchdog, self, NULL);
  g_source_attach (self->watchdog, g_main_context_get_thread_default ());
  return TRUE;
}

/**
 * weft_cpython_runtime_run_async:
 * @cancellable: (nullable): stops the program (SIGTERM)
 *
 * Runs the profile's Python translation, recorded, on the thread-default
 * main context, once. The program is stopped after the profile's timeout
 * (plus %WEFT_CPYTHON_STARTUP_GRACE_S).
 */
void
weft_cpython_runtime_run_async (WeftCpythonRuntime  *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (WEFT_IS_CPYTHON_RUNTIME (self));
  g_return_if_fail (self->recording == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, weft_cpython_runtime_run_async);
  /* a cancelled run still ran: what it recorded is its result */
  g_task_set_check_cancellable (task, FALSE);
  if (!start (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    self->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);
  weft_recording_wait_async (self->recording, NULL, on_waited, g_object_ref (self));
}

gboolean
weft_cpython_runtime_run_finish (WeftCpythonRuntime  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_ran (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask **out = user_data;

  *out = g_object_ref (G_TASK (result));
}

/**
 * weft_cpython_runtime_run:
 *
 * weft_cpython_runtime_run_async() to its end on a private main context.
 *
 * Returns: %TRUE if the program ran (its own failures are in the result)
 */
gboolean
weft_cpython_runtime_run (WeftCpythonRuntime  *self,
                          GCancellable        *cancellable,
                          GError             **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GTask) done = NULL;
  gboolean ok;

  g_main_context_push_thread_default (context);
  weft_cpython_runtime_run_async (self, cancellable, on_ran, &done);
  while (done == NULL)
    g_main_context_iteration (context, TRUE);
  ok = weft_cpython_runtime_run_finish (self, G_ASYNC_RESULT (done), error);
  g_main_context_pop_thread_default (context);
  return ok;
}

/* Stops the program (SIGTERM); what it recorded is kept. */
void
weft_cpython_runtime_stop (WeftCpythonRuntime *self)
{
  g_return_if_fail (WEFT_IS_CPYTHON_RUNTIME (self));

  if (self->recording == NULL || weft_recording_get_finished (self->recording))
    return;
  self->result.cancelled = TRUE;
  weft_recording_stop (self->recording, SIGTERM);
}

/* ---- what happened ------------------------------------------------------- */

const WeftProfile *
weft_cpython_runtime_get_profile (WeftCpythonRuntime *self)
{
  g_return_val_if_fail (WEFT_IS_CPYTHON_RUNTIME (self), NULL);
  return self->profile;
}

const char *
weft_cpython_runtime_get_python (WeftCpythonRuntime *self)
{
  g_return_val_if_fail (WEFT_IS_CPYTHON_RUNTIME (self), NULL);
  return self->python;
}

const char *
weft_cpython_runtime_get_version (WeftCpythonRuntime *self)
{
  g_return_val_if_fail (WEFT_IS_CPYTHON_RUNTIME (self), NULL);
  return self->version;
}

/* "real CPython 3.11.2" */
const char *
weft_cpython_runtime_get_label (WeftCpythonRuntime *self)
{
  g_return_val_if_fail (WEFT_IS_CPYTHON_RUNTIME (self), NULL);
  return self->label;
}

WeftRecording *
weft_cpython_runtime_get_recording (WeftCpythonRuntime *self)
{
  g_return_val_if_fail (WEFT_IS_CPYTHON_RUNTIME (self), NULL);
  return self->recording;
}

WeftTraceModel *
weft_cpython_runtime_get_model (WeftCpythonRuntime *self)
{
  g_return_val_if_fail (WEFT_IS_CPYTHON_RUNTIME (self), NULL);
  return self->recording != NULL ? weft_recording_get_model (self->recording) : NULL;
}

/* The run's result as the program measured it; complete once it ran */
const WeftRunResult *
weft_cpython_runtime_get_result (WeftCpythonRuntime *self)
{
  g_return_val_if_fail (WEFT_IS_CPYTHON_RUNTIME (self), NULL);
  return &self->result;
}

const char * const *
weft_cpython_runtime_get_warnings (WeftCpythonRuntime *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (WEFT_IS_CPYTHON_RUNTIME (self), NULL);
  return self->warnings->len > 0 ? (const char * const *) self->warnings->pdata : none;
}

/* Iterations of the driver's CPU loop per millisecond, as it calibrated */
double
weft_cpython_runtime_get_iterations_per_ms (WeftCpythonRuntime *self)
{
  g_return_val_if_fail (WEFT_IS_CPYTHON_RUNTIME (self), 0);
  return self->iterations_per_ms;
}
