/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The real-CPython runtime (WeftCpythonRuntime, weft-cli run --runtime
 * cpython) on Debian's python3: the shipped profiles run as real Python
 * code, recorded. Each figure is checked against what the trace's own spans
 * say or against what the Python program counted itself; nothing is timed.
 */

#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "weft-cpython-runtime.h"
#include "weft-summary.h"
#include "weft-trace-export.h"
#include "weft-trace-import.h"
#include "weft-test-points.h"

#define PYTHON "/usr/bin/python3"

static WeftProfile *
load_workload (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "workloads", name, NULL);
  g_autoptr(GError) error = NULL;
  WeftProfile *p = weft_profile_new_from_file (path, &error);

  g_assert_no_error (error);
  return p;
}

static WeftCpythonRuntime *
run_workload (const char *name)
{
  g_autoptr(WeftProfile) profile = load_workload (name);
  g_autoptr(GError) error = NULL;
  WeftCpythonRuntime *rt = weft_cpython_runtime_new (profile, NULL, PYTHON, &error);

  g_assert_no_error (error);
  g_assert_true (weft_cpython_runtime_run (rt, NULL, &error));
  g_assert_no_error (error);
  return rt;
}

/* Every span of @state in @lane, all depths, summed */
static guint64
spans_ns (WeftLane  *lane,
          WeftState  state)
{
  guint64 sum = 0;

  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    for (guint i = 0; i < weft_lane_get_n_spans (lane, d); i++)
      {
        WeftSpan s;

        if (weft_lane_get_span (lane, d, i, &s) && s.state == state)
          sum += s.end_ns - s.start_ns;
      }
  return sum;
}

static guint
count_spans (WeftLane  *lane,
             WeftState  state,
             guint16    flags)
{
  guint n = 0;

  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    for (guint i = 0; i < weft_lane_get_n_spans (lane, d); i++)
      {
        WeftSpan s;

        if (weft_lane_get_span (lane, d, i, &s) && s.state == state && (s.flags & flags) == flags)
          n++;
      }
  return n;
}

/* The processes the trace has lanes of */
static guint
count_processes (WeftTraceModel *model)
{
  g_autoptr(GHashTable) pids = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    g_hash_table_add (pids, GINT_TO_POINTER (weft_lane_get_pid (weft_trace_model_get_lane (model, i))));
  return g_hash_table_size (pids);
}

/* 02: four Python threads, each waiting for the real GIL for most of its
 * time (with four busy threads about 3/4 of it), the tasks and the counts
 * as the program saw them. */
static void
test_gil_threads (void)
{
  g_autoptr(WeftCpythonRuntime) rt = run_workload ("02-gil-cpu-threads.json");
  WeftTraceModel *model = weft_cpython_runtime_get_model (rt);
  const WeftRunResult *result = weft_cpython_runtime_get_result (rt);
  guint64 wait = 0, held = 0;
  guint n_workers = 0, n_tasks = 0;

  g_assert_cmpuint (result->errors->len, ==, 0);
  g_assert_cmpuint (result->tasks_ok, ==, 8);
  g_assert_true (result->gil);
  g_assert_cmpfloat (weft_cpython_runtime_get_iterations_per_ms (rt), >, 0);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      WeftLaneStats stats;
      guint64 w = spans_ns (lane, WEFT_STATE_GIL_WAIT), h = spans_ns (lane, WEFT_STATE_GIL_HELD);

      if (!g_str_has_prefix (weft_lane_get_name (lane), "ThreadPoolExecutor-"))
        continue;
      n_workers++;
      /* the lane's figures are its spans' */
      g_assert_true (weft_trace_model_get_lane_stats (model, weft_lane_get_worker (lane), &stats));
      g_assert_cmpuint (stats.state_ns[WEFT_STATE_GIL_WAIT], ==, w);
      wait += w;
      held += h;
      /* each task a span of its own, besides the thread's life */
      n_tasks += count_spans (lane, WEFT_STATE_RUNNING, 0) - 1;
    }
  g_assert_cmpuint (n_workers, ==, 4);
  g_assert_cmpuint (n_tasks, >=, 8);
  g_test_message ("GIL wait share %.2f (wait %.3f s, held %.3f s)",
                  (double) wait / (double) (wait + held), wait / 1e9, held / 1e9);
  /* 3/4 with a wide tolerance: a loaded machine, and a real thread spends
   * time neither waiting nor holding (docs/record.md) */
  g_assert_cmpfloat ((double) wait / (double) (wait + held), >=, 0.45);
  g_assert_cmpfloat ((double) wait / (double) (wait + held), <=, 0.95);

  /* The summary's serial time is the work the tasks reported (their CPU
   * time), not the lanes' busy time, which counts every GIL wait */
  {
    g_autoptr(WeftSummary) summary = weft_summary_new (model, weft_cpython_runtime_get_profile (rt), result);

    g_assert_true (weft_summary_get_serial_from_tasks (summary));
    g_assert_cmpuint (weft_summary_get_serial_ns (summary), ==, result->work_ns);
    g_assert_cmpuint (weft_summary_get_serial_ns (summary), <, wait + held);
  }
}

/* The last value of the trace's counter track named @name */
static gint64
trace_counter (WeftTraceModel *model,
               const char     *name)
{
  guint n_objects = 0, n = 0;
  g_autofree guint32 *objects = weft_trace_model_list_objects (model, WEFT_OBJECT_COUNTER, &n_objects);

  for (guint i = 0; i < n_objects; i++)
    {
      const WeftCounterPoint *points;

      if (g_strcmp0 (weft_trace_model_get_object_name (model, objects[i]), name) != 0)
        continue;
      points = weft_test_points (weft_trace_model_get_counter (model, objects[i]), &n);
      g_assert_cmpuint (n, >, 0);
      return points[n - 1].value;
    }
  g_assert_not_reached ();
}

static void
check_counter (WeftCpythonRuntime *rt,
               const char         *name,
               gint64              expected)
{
  const WeftRunResult *result = weft_cpython_runtime_get_result (rt);
  const WeftCounterResult *c = &g_array_index (result->counters, WeftCounterResult, 0);

  g_assert_cmpuint (result->counters->len, ==, 1);
  g_assert_cmpstr (c->name, ==, name);
  g_assert_cmpint (c->expected, ==, expected);
  g_assert_cmpint (c->actual, >, 0);
  g_assert_cmpint (c->actual, <=, expected);
  g_assert_cmpint (c->lost, ==, c->expected - c->actual);
  /* the program timed its increments: CPython's += takes tens of ns at least */
  g_assert_cmpfloat (c->ns_per_op, >, 10);
  g_assert_cmpfloat (c->ns_per_op, <, 1e7);
  /* what the program counted is what its trace says */
  g_assert_cmpint (trace_counter (weft_cpython_runtime_get_model (rt), name), ==, c->actual);
  g_test_message ("%s: expected %" G_GINT64_FORMAT ", actual %" G_GINT64_FORMAT ", lost %" G_GINT64_FORMAT
                  ", %.0f ns per increment", name, c->expected, c->actual, c->lost, c->ns_per_op);
}

/* 04: counter += 1 on four threads. CPython 3.10+ switches threads only at
 * backward jumps and calls, so it loses none; whatever it loses, the
 * summary reports the program's own count. */
static void
test_race_threads (void)
{
  g_autoptr(WeftCpythonRuntime) rt = run_workload ("04-race-condition.json");
  const WeftRunResult *result = weft_cpython_runtime_get_result (rt);
  g_autoptr(WeftSummary) summary = weft_summary_new (weft_cpython_runtime_get_model (rt),
                                                     weft_cpython_runtime_get_profile (rt), result);
  guint n = 0;
  const WeftCounterResult *shown = weft_summary_get_counters (summary, &n);

  check_counter (rt, "counter", 4000000);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (shown[0].actual, ==, g_array_index (result->counters, WeftCounterResult, 0).actual);
  g_assert_cmpuint (result->tasks_ok, ==, 4);
  /* the profile asks for no GIL; Debian's python3 has one, and says so */
  g_assert_nonnull (weft_cpython_runtime_get_warnings (rt)[0]);
  g_assert_nonnull (strstr (weft_cpython_runtime_get_warnings (rt)[0], "has one"));
}

/* 09: a multiprocessing.Value's += across four processes loses updates
 * for real; each process has its lane. */
static void
test_race_processes (void)
{
  g_autoptr(WeftCpythonRuntime) rt = run_workload ("09-shared-memory-no-lock.json");
  WeftTraceModel *model = weft_cpython_runtime_get_model (rt);

  guint tasks = 0;

  check_counter (rt, "value", 4000000);
  g_assert_cmpuint (count_processes (model), >=, 5);   /* the parent and four workers */

  /* every worker process declares the task's region: it keeps its name */
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);

      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        for (guint j = 0; j < weft_lane_get_n_spans (lane, d); j++)
          {
            WeftSpan s;

            if (weft_lane_get_span (lane, d, j, &s) && s.state == WEFT_STATE_RUNNING && s.object < 0x80000000u)
              {
                g_assert_cmpstr (weft_trace_model_get_object_name (model, s.object), ==, "increment");
                tasks++;
              }
          }
    }
  g_assert_cmpuint (tasks, ==, 4);
}

/* The profile's lock @name in the real run: a lock, every acquisition of it
 * recorded (@acquisitions), as the model's are, not a semaphore's waits */
static void
check_lock (WeftCpythonRuntime *rt,
            const char         *name,
            guint64             acquisitions)
{
  WeftTraceModel *model = weft_cpython_runtime_get_model (rt);
  g_autoptr(WeftSummary) summary = weft_summary_new (model, weft_cpython_runtime_get_profile (rt),
                                                     weft_cpython_runtime_get_result (rt));
  guint n = 0;
  const WeftSummaryLock *locks = weft_summary_get_locks (summary, &n);
  guint64 waits = 0;

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (locks[i].name, name) == 0)
      {
        g_assert_false (locks[i].waits_only);
        g_assert_cmpuint (locks[i].stats.acquisitions, ==, acquisitions);
        g_assert_cmpuint (locks[i].stats.total_hold_ns, >, 0);
        waits = weft_lock_stats_get_waits (&locks[i].stats);
        g_test_message ("%s: %" G_GUINT64_FORMAT " acquisitions, %" G_GUINT64_FORMAT " waits", name,
                        acquisitions, waits);
        /* each wait is a lock wait on some lane */
        for (guint l = 0; l < weft_trace_model_get_n_lanes (model); l++)
          waits -= MIN (waits, count_spans (weft_trace_model_get_lane (model, l), WEFT_STATE_LOCK_WAIT, 0));
        g_assert_cmpuint (waits, ==, 0);
        return;
      }
  g_assert_not_reached ();
}

/* 05: `with lock: counter += 1` on four threads, 80,000 times: no update
 * lost, the lock's 80,000 acquisitions in the table */
static void
test_lock_threads (void)
{
  g_autoptr(WeftCpythonRuntime) rt = run_workload ("05-lock-fixes-race.json");

  check_counter (rt, "counter", 80000);
  g_assert_cmpint (g_array_index (weft_cpython_runtime_get_result (rt)->counters, WeftCounterResult, 0).lost, ==, 0);
  check_lock (rt, "counter_lock", 80000);
}

/* 10: two threads, a lock round every element. The program ended: no lock
 * is still held (the GIL's switch mutex, contended before the GIL was found,
 * was drawn held to the end) */
static void
test_lock_inner_loop (void)
{
  g_autoptr(WeftCpythonRuntime) rt = run_workload ("10-lock-in-inner-loop.json");
  WeftTraceModel *model = weft_cpython_runtime_get_model (rt);

  check_counter (rt, "cells", 100000);
  check_lock (rt, "matrix_lock", 100000);
  for (guint l = 0; l < weft_trace_model_get_n_lanes (model); l++)
    g_assert_cmpuint (count_spans (weft_trace_model_get_lane (model, l), WEFT_STATE_LOCK_HELD, WEFT_SPAN_TRUNCATED), ==, 0);
}

/* 22: the real threads deadlock on the two locks; the cycle is found in the
 * trace and reported as the model reports its own, and the program stopped
 * long before the timeout */
static void
test_deadlock (void)
{
  g_autoptr(WeftCpythonRuntime) rt = run_workload ("22-deadlock.json");
  const WeftRunResult *result = weft_cpython_runtime_get_result (rt);
  WeftTraceModel *model = weft_cpython_runtime_get_model (rt);
  g_autoptr(WeftSummary) summary = weft_summary_new (model, weft_cpython_runtime_get_profile (rt), result);
  const WeftSummaryWaitLink *links;
  guint n = 0;

  g_assert_false (result->timed_out);
  g_assert_true (result->cancelled);
  g_assert_cmpuint (result->deadlock->len, ==, 2);
  g_assert_nonnull (strstr (result->deadlock_text, "waits for lock_a, held by"));
  g_assert_nonnull (strstr (result->deadlock_text, "waits for lock_b, held by"));
  g_assert_nonnull (strstr (g_ptr_array_index (result->errors, 0), "deadlock: "));
  links = weft_summary_get_deadlock (summary, &n);
  g_assert_cmpuint (n, ==, 2);
  /* two different threads, each waiting for the lock the other holds */
  g_assert_cmpuint (links[0].worker, !=, links[1].worker);
  g_assert_cmpstr (links[0].waits_for, !=, links[1].waits_for);
  for (guint i = 0; i < n; i++)
    {
      WeftLane *lane = weft_trace_model_lookup_lane (model, links[i].worker);

      g_assert_true (g_str_has_prefix (weft_lane_get_name (lane), "ThreadPoolExecutor"));
      g_assert_cmpuint (count_spans (lane, WEFT_STATE_LOCK_WAIT, WEFT_SPAN_TRUNCATED), ==, 1);
    }

  /* saved and read back, without the run's result: the trace's end still
   * says it, from the waits and holds it cut off */
  {
    g_autofree char *dir = g_dir_make_tmp ("weft-test-deadlock-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(WeftTraceModel) read = NULL;
    g_autoptr(WeftSummary) from_trace = NULL;
    guint n_read = 0;

    g_assert_true (weft_trace_export_to_file (model, NULL, path, NULL, &error));
    g_assert_no_error (error);
    read = weft_trace_import_file (path, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_unlink (path);
    g_rmdir (dir);
    from_trace = weft_summary_new_for_trace (read, NULL);
    links = weft_summary_get_deadlock (from_trace, &n_read);
    g_assert_cmpuint (n_read, ==, 2);
    g_assert_cmpstr (links[0].waits_for, !=, links[1].waits_for);
    g_assert_nonnull (strstr (weft_summary_get_deadlock_text (from_trace), "(at the trace's end)"));
  }
}

/* 09: a multiprocessing.Lock across four processes is one lock, each
 * process naming its own mapping of the semaphore */
static void
test_lock_processes (void)
{
  g_autoptr(WeftCpythonRuntime) rt = run_workload ("09-shared-memory-with-lock.json");

  check_counter (rt, "value", 80000);
  g_assert_cmpint (g_array_index (weft_cpython_runtime_get_result (rt)->counters, WeftCounterResult, 0).lost, ==, 0);
  check_lock (rt, "value_lock", 80000);
}

/* 20: on asyncio, one failing task cancels its siblings (a TaskGroup):
 * the failure is reported, the cancelled spans are drawn as such. */
static void
test_task_group (void)
{
  g_autoptr(WeftCpythonRuntime) rt = run_workload ("20-task-group-cancel.json");
  const WeftRunResult *result = weft_cpython_runtime_get_result (rt);
  WeftTraceModel *model = weft_cpython_runtime_get_model (rt);
  guint failed = 0, cancelled = 0;

  g_assert_cmpuint (result->tasks_failed, ==, 1);
  g_assert_cmpuint (result->workers, ==, 1);   /* the coroutines share one loop */
  /* the work counts the cancelled downloads' waits as far as they went: each
   * at least until the failure at 200 ms, never the 2 s they asked for */
  g_assert_cmpfloat (result->work_ns / 1e9, >=, 0.99 * (4 * 0.2 + 0.2));
  g_assert_cmpfloat (result->work_ns / 1e9, <, 4 * 0.5 + 0.2);
  g_assert_cmpuint (result->tasks_cancelled + result->tasks_not_started, >, 0);
  g_assert_cmpuint (result->errors->len, ==, 1);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);

      failed += count_spans (lane, WEFT_STATE_RUNNING, WEFT_SPAN_TASK_FAILED);
      cancelled += count_spans (lane, WEFT_STATE_RUNNING, WEFT_SPAN_TASK_CANCELLED);
    }
  g_assert_cmpuint (failed, ==, 1);
  g_assert_cmpuint (cancelled, ==, result->tasks_cancelled);
}

/* 21: coroutines of two main-loop stages on one asyncio loop, a process
 * stage between them; every stage worker ends, the loop is one lane */
static void
test_loop_stages (void)
{
  g_autoptr(WeftCpythonRuntime) rt = run_workload ("21-etl-mixed-executors.json");
  const WeftRunResult *result = weft_cpython_runtime_get_result (rt);
  WeftTraceModel *model = weft_cpython_runtime_get_model (rt);
  guint loop_lanes = 0, suspended = 0;

  g_assert_cmpuint (result->errors->len, ==, 0);
  g_assert_cmpuint (result->tasks_ok, ==, 20 + 2 + 10);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);

      if (g_strcmp0 (weft_lane_get_name (lane), "main loop") != 0)
        continue;
      loop_lanes++;
      suspended = count_spans (lane, WEFT_STATE_RUNNING, WEFT_SPAN_TASK_SUSPENDED);
    }
  g_assert_cmpuint (loop_lanes, ==, 1);
  /* the workers as run: one loop for both main-loop stages, two processes */
  g_assert_cmpuint (result->workers, ==, 1 + 2);
  /* each fetch coroutine at least suspends at its 5 sleeps */
  g_assert_cmpuint (suspended, >=, 20 * 5);
}

/* 15: a pipeline of two stages on processes (spawned), talking through two
 * multiprocessing queues: both stages' workers end, in processes of their own */
static void
test_process_stages (void)
{
  g_autoptr(WeftCpythonRuntime) rt = run_workload ("15-request-response.json");
  const WeftRunResult *result = weft_cpython_runtime_get_result (rt);
  WeftTraceModel *model = weft_cpython_runtime_get_model (rt);
  g_autofree char *warnings = g_strjoinv ("\n", (char **) weft_cpython_runtime_get_warnings (rt));

  g_assert_cmpuint (result->errors->len, ==, 0);
  g_assert_cmpuint (result->tasks_ok, ==, 2);
  g_assert_cmpuint (result->n_stages, ==, 2);
  g_assert_cmpuint (count_processes (model), >=, 3);   /* the parent, the client, the server */
  /* no GIL warning: no threads share one */
  g_assert_null (strstr (warnings, "GIL"));
}

/* A member with no translation: exit 2 and one line naming the profile and
 * the member; nothing runs. */
static void
test_untranslatable (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-test-cpython-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "tasks-beside.json", NULL);
  const char *text =
    "{\"weft_profile\": 1, \"executor\": \"processes\", \"objects\": {\"q\": {\"kind\": \"queue\"}},\n"
    " \"tasks\": [{\"name\": \"side\", \"steps\": [{\"cpu\": {\"ms\": 1}}]}],\n"
    " \"stages\": [{\"name\": \"feed\", \"output\": \"q\", \"steps\": [{\"io\": {\"ms\": 1}}]},\n"
    "             {\"name\": \"eat\", \"steps\": [{\"for_each\": {\"queue\": \"q\", \"steps\": []}}]}]}\n";
  const char *argv[] = { g_getenv ("WEFT_CLI"), "run", path, "--runtime", "cpython", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  int status = 0;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_cmpstr (out, ==, "");
  lines = g_strsplit (g_strchomp (err), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_nonnull (strstr (lines[0], path));
  g_assert_nonnull (strstr (lines[0], "$.executor"));
  g_assert_nonnull (strstr (lines[0], "cannot run on real CPython"));
  g_unlink (path);
  g_rmdir (dir);
}

/* --python naming no Python: one line, exit 2 */
static void
test_no_python (void)
{
  g_autofree char *profile = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "workloads",
                                               "04-race-condition.json", NULL);
  const char *argv[] = { g_getenv ("WEFT_CLI"), "run", profile, "--runtime", "cpython",
                         "--python", "/nonexistent/python9", NULL };
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                               &status, NULL));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_cmpstr (err, ==, "weft-cli run: /nonexistent/python9: no such Python\n");
}

/* A Python that starts but ends before reporting its figures (here: exit 3
 * once asked to run the driver): compare's row says so, with the status,
 * rather than a wall time of 0 s */
static void
test_compare_ended_early (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-test-cpython-XXXXXX", NULL);
  g_autofree char *python = g_build_filename (dir, "python3", NULL);
  g_autofree char *profile = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "workloads",
                                               "04-race-condition.json", NULL);
  const char *argv[] = { g_getenv ("WEFT_CLI"), "compare", profile, "--runtime", "cpython",
                         "--python", python, "--repeat", "1", "--json", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  JsonObject *run;
  int status = 0;

  g_assert_true (g_file_set_contents (python, "#!/bin/sh\n[ \"$1\" = -I ] && exec " PYTHON " \"$@\"\nexit 3\n",
                                      -1, NULL));
  g_assert_cmpint (g_chmod (python, 0755), ==, 0);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                               &status, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  run = json_array_get_object_element (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                                     "runs"), 0);
  g_assert_true (json_object_has_member (run, "error"));
  g_assert_nonnull (strstr (json_object_get_string_member (run, "error"), "ended before it reported"));
  g_assert_nonnull (strstr (json_object_get_string_member (run, "error"), "status 3"));
  g_unlink (python);
  g_rmdir (dir);
}

/* A transfer step's payload is priced by the model as a pickled list of
 * ints: the driver's payload pickles to that many bytes, within 1 %, and is
 * a list (unpickled int by int), up to its limit of 16 MiB */
static void
test_payload_size (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "python", NULL);
  g_autofree char *program = g_strdup_printf (
    "import pickle, sys; sys.path.insert(0, '%s')\n"
    "from weft._runtime import payload\n"
    "for n in (65536, 4194304, 16 << 20):\n"
    "    p = payload(n)\n"
    "    assert isinstance(p, list) and abs(len(pickle.dumps(p)) - n) < n / 100, n\n"
    "print('ok')\n", dir);
  const char *argv[] = { PYTHON, "-c", program, NULL };
  g_autofree char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "ok\n");
}

/* 18: a 300 ms blocking call among coroutines: the loop's lag is measured
 * by the program itself (how late its sleeps woke), not left at 0 */
static void
test_loop_lag (void)
{
  g_autoptr(WeftCpythonRuntime) rt = run_workload ("18-blocking-call-stalls-loop.json");
  const WeftRunResult *result = weft_cpython_runtime_get_result (rt);

  g_assert_cmpuint (result->errors->len, ==, 0);
  g_test_message ("loop lag %.1f ms", result->loop_max_lag_ns / 1e6);
  /* a ticker due during the call wakes at its end: late by most of 300 ms;
   * by more than a second past the call would be no lag of this call */
  g_assert_cmpfloat (result->loop_max_lag_ns / 1e6, >=, 200);
  g_assert_cmpfloat (result->loop_max_lag_ns / 1e6, <, 300 + 10 + 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no " PYTHON);
      return g_test_run ();
    }
  g_test_add_func ("/cpython-runtime/gil-threads", test_gil_threads);
  g_test_add_func ("/cpython-runtime/race-threads", test_race_threads);
  g_test_add_func ("/cpython-runtime/race-processes", test_race_processes);
  g_test_add_func ("/cpython-runtime/lock-threads", test_lock_threads);
  g_test_add_func ("/cpython-runtime/lock-processes", test_lock_processes);
  g_test_add_func ("/cpython-runtime/lock-inner-loop", test_lock_inner_loop);
  g_test_add_func ("/cpython-runtime/deadlock", test_deadlock);
  g_test_add_func ("/cpython-runtime/task-group", test_task_group);
  g_test_add_func ("/cpython-runtime/process-stages", test_process_stages);
  g_test_add_func ("/cpython-runtime/loop-stages", test_loop_stages);
  g_test_add_func ("/cpython-runtime/untranslatable", test_untranslatable);
  g_test_add_func ("/cpython-runtime/no-python", test_no_python);
  g_test_add_func ("/cpython-runtime/compare-ended-early", test_compare_ended_early);
  g_test_add_func ("/cpython-runtime/payload-size", test_payload_size);
  g_test_add_func ("/cpython-runtime/loop-lag", test_loop_lag);
  return g_test_run ();
}
