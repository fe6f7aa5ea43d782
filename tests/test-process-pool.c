/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "weft-arena.h"
#include "weft-collector.h"
#include "weft-process-pool.h"
#include "weft-profile.h"
#include "weft-trace-model.h"

/*
 * Real weft-worker children, real pipes; the events they write are read by
 * the collector into a trace model, as in a run. No fixed sleeps: every
 * wait is for a condition, with a cap.
 */

#define TASK_BASE 0x100000
#define WAIT_CAP_US (20 * G_USEC_PER_SEC)

static guint
count_fds (void)
{
  GDir *dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_dir_close (dir);
  return n;
}

typedef struct
{
  WeftProfile     *profile;
  WeftArena       *arena;
  WeftCollector   *collector;
  WeftTraceModel  *model;
  GMainContext    *context;
  WeftProcessPool *pool;
  GSource         *tick;        /* wakes the waits below, so that their caps apply */
  int              wfd;
  guint            fds_before;

  GMutex           mutex;
  GHashTable      *done;        /* task id → count */
  GHashTable      *status;      /* task id → WeftTaskStatus */
  GHashTable      *errors;      /* task id → message */
  gboolean         waited;
} Harness;

static void
on_done (guint32         task_id,
         WeftTaskStatus  status,
         const char     *error,
         guint64         work_ns,
         gpointer        user_data)
{
  Harness *h = user_data;
  gpointer key = GUINT_TO_POINTER (task_id);

  g_mutex_lock (&h->mutex);
  g_hash_table_insert (h->done, key,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (h->done, key)) + 1));
  g_hash_table_insert (h->status, key, GUINT_TO_POINTER (status));
  if (error != NULL)
    g_hash_table_insert (h->errors, key, g_strdup (error));
  g_mutex_unlock (&h->mutex);
}

static void
model_sink (const WeftEvent *events,
            gsize            n_events,
            gpointer         user_data)
{
  weft_trace_model_append (user_data, events, n_events);
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
harness_start (Harness         *h,
               const char      *json,
               guint            n_workers,
               WeftStartMethod  method)
{
  g_autoptr(GError) error = NULL;

  memset (h, 0, sizeof *h);
  g_mutex_init (&h->mutex);
  h->done = g_hash_table_new (NULL, NULL);
  h->status = g_hash_table_new (NULL, NULL);
  h->errors = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  h->profile = weft_profile_new_from_data (json, -1, "test", &error);
  g_assert_no_error (error);
  h->arena = weft_arena_new (h->profile, n_workers, &error);
  g_assert_no_error (error);
  h->collector = weft_collector_new_pipe (16, &h->wfd, &error);
  g_assert_no_error (error);
  h->model = weft_trace_model_new ();
  h->context = g_main_context_new ();
  weft_collector_set_sink (h->collector, model_sink, h->model, NULL);
  weft_collector_attach (h->collector, h->context);
  h->tick = g_timeout_source_new (100);
  g_source_set_callback (h->tick, tick, NULL, NULL);
  g_source_attach (h->tick, h->context);

  /* Only what the pool itself opens counts. */
  h->fds_before = count_fds ();
  /* the pool handler's lane after the workers' */
  h->pool = weft_process_pool_start (h->profile, h->arena, h->wfd, 0, n_workers, method,
                                     (gint) n_workers, on_done, h, &error);
  g_assert_no_error (error);
  g_assert_nonnull (h->pool);
}

/* Returns the first task's id; the others follow. */
static guint32
harness_submit (Harness *h,
                guint    spec_index,
                guint    count,
                gsize    payload)
{
  static guint32 next = TASK_BASE;
  guint32 first = next;

  for (guint i = 0; i < count; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (weft_process_pool_submit (h->pool, next++, spec_index, payload, &error));
      g_assert_no_error (error);
    }
  return first;
}

static gpointer
wait_thread (gpointer data)
{
  Harness *h = data;

  weft_process_pool_wait (h->pool);
  g_atomic_int_set (&h->waited, TRUE);
  g_main_context_wakeup (h->context);
  return NULL;
}

/* Waits for the pool while reading events (a full event pipe would stall
 * the workers); returns how long the wait took, in µs. */
static gint64
harness_wait (Harness *h)
{
  gint64 t0 = g_get_monotonic_time ();
  GThread *thread = g_thread_new ("wait", wait_thread, h);
  gint64 elapsed;

  while (!g_atomic_int_get (&h->waited))
    {
      g_assert_cmpint (g_get_monotonic_time () - t0, <, WAIT_CAP_US);
      g_main_context_iteration (h->context, TRUE);
    }
  elapsed = g_get_monotonic_time () - t0;
  g_thread_join (thread);
  return elapsed;
}

/* Frees the pool, checks fds and zombies, ends the stream, fills the model. */
static void
harness_finish (Harness *h)
{
  gint64 t0 = g_get_monotonic_time ();

  weft_process_pool_free (g_steal_pointer (&h->pool));
  g_assert_cmpuint (count_fds (), ==, h->fds_before);
  /* Every child reaped: not one left, dead or alive. */
  g_assert_cmpint (waitpid (-1, NULL, WNOHANG), ==, -1);
  g_assert_cmpint (errno, ==, ECHILD);

  close (h->wfd);
  while (!weft_collector_get_finished (h->collector))
    {
      g_assert_cmpint (g_get_monotonic_time () - t0, <, WAIT_CAP_US);
      g_main_context_iteration (h->context, TRUE);
    }
  weft_trace_model_finish (h->model, 0);
}

static void
harness_clear (Harness *h)
{
  g_source_destroy (h->tick);
  g_clear_pointer (&h->tick, g_source_unref);
  weft_collector_detach (h->collector);
  g_clear_object (&h->collector);
  g_clear_object (&h->model);
  g_clear_pointer (&h->context, g_main_context_unref);
  g_clear_pointer (&h->arena, weft_arena_free);
  g_clear_pointer (&h->profile, weft_profile_free);
  g_clear_pointer (&h->done, g_hash_table_unref);
  g_clear_pointer (&h->status, g_hash_table_unref);
  g_clear_pointer (&h->errors, g_hash_table_unref);
  g_mutex_clear (&h->mutex);
}

static guint
count_spans (WeftLane  *lane,
             WeftState  state,
             GArray    *durations)
{
  guint n = 0;

  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    for (guint i = 0; i < weft_lane_get_n_spans (lane, d); i++)
      {
        WeftSpan span;

        g_assert_true (weft_lane_get_span (lane, d, i, &span));
        if (span.state != state)
          continue;
        n++;
        if (durations != NULL)
          {
            guint64 dt = span.end_ns - span.start_ns;

            g_array_append_val (durations, dt);
          }
      }
  return n;
}

static int
compare_u64 (gconstpointer a,
             gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

static guint64
median (GArray *values)
{
  g_array_sort (values, compare_u64);
  return g_array_index (values, guint64, values->len / 2);
}

/* Iterates until a worker's lane shows the task running; returns the worker. */
static guint
wait_running (Harness *h,
              guint32  task_id)
{
  gint64 t0 = g_get_monotonic_time ();

  for (;;)
    {
      for (guint i = 0; i < weft_trace_model_get_n_lanes (h->model); i++)
        {
          WeftLane *lane = weft_trace_model_get_lane (h->model, i);
          WeftSpan open[8];
          guint n = weft_lane_get_open_spans (lane, open, G_N_ELEMENTS (open));

          for (guint k = 0; k < n; k++)
            if (open[k].state == WEFT_STATE_RUNNING && open[k].object == task_id)
              return weft_lane_get_worker (lane);
        }
      g_assert_cmpint (g_get_monotonic_time () - t0, <, WAIT_CAP_US);
      g_main_context_iteration (h->context, TRUE);
    }
}

/* ---- tests -------------------------------------------------------------- */

static const char cpu_profile[] =
  "{ \"weft_profile\": 1, \"name\": \"cpu\", \"executor\": \"processes\", \"workers\": 4,"
  "  \"tasks\": [ { \"name\": \"work\", \"count\": 12, \"steps\": ["
  "    { \"transfer\": { \"bytes\": 100000 } }, { \"cpu\": { \"ms\": 3 } } ] } ] }";

/* Runs 12 tasks on 4 workers; appends each worker's start-up time. */
static void
run_cpu_tasks (WeftStartMethod method,
               GArray         *startup_ns)
{
  guint32 first;
  Harness h;

  harness_start (&h, cpu_profile, 4, method);
  first = harness_submit (&h, 0, 12, 100000);
  weft_process_pool_close (h.pool);
  harness_wait (&h);

  {
    g_autoptr(GArray) crashed = weft_process_pool_get_crashed (h.pool);

    g_assert_cmpuint (crashed->len, ==, 0);
  }
  harness_finish (&h);

  g_assert_cmpuint (g_hash_table_size (h.done), ==, 12);
  for (guint32 id = first; id < first + 12; id++)
    {
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (h.done, GUINT_TO_POINTER (id))), ==, 1);
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (h.status, GUINT_TO_POINTER (id))),
                        ==, WEFT_TASK_OK);
    }

  /* four processes, and the pool's handler in this process: it pickled
   * each task's payload and took each result */
  g_assert_cmpuint (weft_trace_model_get_n_lanes (h.model), ==, 5);
  {
    WeftLane *handler = weft_trace_model_lookup_lane (h.model, 4);

    g_assert_nonnull (handler);
    g_assert_cmpstr (weft_lane_get_name (handler), ==, "pool handler");
    g_assert_cmpint (weft_lane_get_pid (handler), ==, getpid ());
    g_assert_cmpuint (count_spans (handler, WEFT_STATE_PICKLING, NULL), ==, 12);
    g_assert_cmpuint (count_spans (handler, WEFT_STATE_DISPATCH, NULL), ==, 12);
    g_assert_cmpuint (count_spans (handler, WEFT_STATE_RUNNING, NULL), ==, 0);
  }
  for (guint w = 0; w < 4; w++)
    {
      WeftLane *lane = weft_trace_model_lookup_lane (h.model, w);
      g_autofree char *name = g_strdup_printf ("process %u", w);

      g_assert_nonnull (lane);
      g_assert_cmpstr (weft_lane_get_name (lane), ==, name);
      g_assert_cmpint (weft_lane_get_executor (lane), ==, WEFT_EXECUTOR_PROCESSES);
      g_assert_cmpint (weft_lane_get_pid (lane), >, 0);
      g_assert_cmpint (weft_lane_get_pid (lane), !=, getpid ());
      g_assert_cmpuint (count_spans (lane, WEFT_STATE_STARTING, startup_ns), ==, 1);
      /* each task's transfer (on a loaded machine a late worker may get none) */
      g_assert_cmpuint (count_spans (lane, WEFT_STATE_IO, NULL), >=, count_spans (lane, WEFT_STATE_RUNNING, NULL));
    }
  {
    guint running = 0;

    for (guint w = 0; w < 4; w++)
      running += count_spans (weft_trace_model_lookup_lane (h.model, w), WEFT_STATE_RUNNING, NULL);
    g_assert_cmpuint (running, ==, 12);
  }

  harness_clear (&h);
}

static void
test_run_tasks (gconstpointer data)
{
  g_autoptr(GArray) startup = g_array_new (FALSE, FALSE, sizeof (guint64));

  run_cpu_tasks (GPOINTER_TO_INT (data), startup);
  g_test_message ("start-up median %.2f ms", median (startup) / 1e6);
}

static const char counter_profile[] =
  "{ \"weft_profile\": 1, \"name\": \"counter\", \"executor\": \"processes\", \"workers\": 4,"
  "  \"objects\": { \"counter\": { \"kind\": \"counter\" }, \"lock\": { \"kind\": \"lock\" } },"
  "  \"tasks\": ["
  "    { \"name\": \"locked\", \"count\": 4, \"steps\": [ { \"repeat\": { \"times\": 2000, \"steps\": ["
  "      { \"lock\": { \"name\": \"lock\", \"steps\": [ { \"increment\": { \"counter\": \"counter\", \"times\": 1 } } ] } } ] } } ] },"
  "    { \"name\": \"racy\", \"count\": 4, \"steps\": ["
  "      { \"increment\": { \"counter\": \"counter\", \"times\": 200000 } } ] } ] }";

static gint64
counter_run (guint spec_index)
{
  Harness h;
  guint counter;
  gint64 lost;

  harness_start (&h, counter_profile, 4, WEFT_START_FORK);
  counter = weft_profile_lookup_object (h.profile, "counter");
  harness_submit (&h, spec_index, 4, 0);
  weft_process_pool_close (h.pool);
  harness_wait (&h);
  harness_finish (&h);

  g_assert_cmpuint (g_hash_table_size (h.done), ==, 4);
  g_assert_cmpint (weft_arena_counter_expected (h.arena, counter), ==, spec_index == 0 ? 8000 : 800000);
  lost = weft_arena_counter_expected (h.arena, counter) - weft_arena_counter_value (h.arena, counter);
  g_test_message ("%s: expected %" G_GINT64_FORMAT ", lost %" G_GINT64_FORMAT,
                  spec_index == 0 ? "locked" : "racy",
                  weft_arena_counter_expected (h.arena, counter), lost);
  harness_clear (&h);
  return lost;
}

static void
test_shared_counter (void)
{
  /* The same memory and the same process-shared lock in 4 processes. */
  g_assert_cmpint (counter_run (0), ==, 0);
  /* Without the lock, read-modify-write across processes loses updates. */
  g_assert_cmpint (counter_run (1), >, 0);
}

static const char long_profile[] =
  "{ \"weft_profile\": 1, \"name\": \"long\", \"executor\": \"processes\", \"workers\": 2,"
  "  \"tasks\": ["
  "    { \"name\": \"long\", \"count\": 1, \"steps\": [ { \"io\": { \"ms\": 20000, \"blocking\": true } } ] },"
  "    { \"name\": \"short\", \"count\": 6, \"steps\": [ { \"cpu\": { \"ms\": 2 } } ] } ] }";

static void
test_crash (gconstpointer data)
{
  g_autoptr(GArray) crashed = NULL;
  g_autoptr(GArray) pids = NULL;
  g_autoptr(GArray) unclosed = NULL;
  g_autofree char *expected = NULL;
  guint32 long_id;
  guint worker;
  gint pid;
  Harness h;

  harness_start (&h, long_profile, 2, GPOINTER_TO_INT (data));
  long_id = harness_submit (&h, 0, 1, 1000);
  worker = wait_running (&h, long_id);
  harness_submit (&h, 1, 6, 10);
  weft_process_pool_close (h.pool);

  /* The pid the worker reported itself; the pool knows the same one. */
  pid = (gint) weft_lane_get_pid (weft_trace_model_lookup_lane (h.model, worker));
  g_assert_cmpint (pid, >, 0);
  pids = weft_process_pool_get_pids (h.pool);
  g_assert_true (g_array_index (pids, gint, worker) == pid ||
                 g_array_index (pids, gint, worker) == 0);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);

  harness_wait (&h);
  crashed = weft_process_pool_get_crashed (h.pool);
  harness_finish (&h);

  expected = g_strdup_printf ("process %u (pid %d) was killed by SIGKILL", worker, pid);
  g_assert_cmpuint (crashed->len, ==, 1);
  g_assert_cmpuint (g_array_index (crashed, WeftCrashedWorker, 0).worker, ==, worker);
  g_assert_cmpstr (g_array_index (crashed, WeftCrashedWorker, 0).message, ==, expected);

  /* The running task failed with the reason; the others were done by the survivor. */
  g_assert_cmpuint (g_hash_table_size (h.done), ==, 7);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (h.status, GUINT_TO_POINTER (long_id))),
                    ==, WEFT_TASK_FAILED);
  g_assert_cmpstr (g_hash_table_lookup (h.errors, GUINT_TO_POINTER (long_id)), ==, expected);
  g_assert_cmpuint (count_spans (weft_trace_model_lookup_lane (h.model, 1 - worker),
                                 WEFT_STATE_RUNNING, NULL), ==, 6);

  /* What the killed worker wrote before is kept: its start-up and the task it began. */
  g_assert_cmpuint (count_spans (weft_trace_model_lookup_lane (h.model, worker),
                                 WEFT_STATE_STARTING, NULL), ==, 1);
  g_assert_cmpuint (count_spans (weft_trace_model_lookup_lane (h.model, worker),
                                 WEFT_STATE_RUNNING, NULL), ==, 1);
  unclosed = weft_wire_reader_get_unclosed_workers (weft_collector_get_reader (h.collector));
  g_assert_cmpuint (unclosed->len, ==, 1);
  g_assert_cmpuint (g_array_index (unclosed, guint, 0), ==, worker);

  harness_clear (&h);
}

static void
test_cancel (gconstpointer data)
{
  g_autoptr(GArray) crashed = NULL;
  gint64 cancel_us;
  gint stopped;
  guint32 first;
  Harness h;

  harness_start (&h, long_profile, 2, GPOINTER_TO_INT (data));
  first = harness_submit (&h, 0, 4, 0);
  weft_process_pool_close (h.pool);
  /* Both workers busy with a 20 s wait. */
  wait_running (&h, first);
  wait_running (&h, first + 1);
  stopped = (gint) weft_lane_get_pid (weft_trace_model_lookup_lane (h.model, 1));
  g_assert_cmpint (stopped, >, 0);  /* never kill (0, …): that is our process group */

  /* A stopped worker cannot give up by itself: it must be killed. */
  g_assert_cmpint (kill (stopped, SIGSTOP), ==, 0);

  weft_process_pool_cancel (h.pool);
  cancel_us = harness_wait (&h);
  g_test_message ("cancel: every worker reaped after %.1f ms", cancel_us / 1e3);
  g_assert_cmpint (cancel_us, <, G_USEC_PER_SEC);

  crashed = weft_process_pool_get_crashed (h.pool);
  g_assert_cmpuint (crashed->len, ==, 0);
  harness_finish (&h);

  /* Started tasks ended cancelled; queued ones never started. */
  g_assert_cmpuint (g_hash_table_size (h.done), <=, 2);
  harness_clear (&h);
}

/* The running task's RUNNING span on @worker's lane (there must be exactly one). */
static WeftSpan
task_span (Harness *h,
           guint    worker,
           guint32  task_id)
{
  WeftLane *lane = weft_trace_model_lookup_lane (h->model, worker);
  WeftSpan found = { 0 };
  guint n = 0;

  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    for (guint i = 0; i < weft_lane_get_n_spans (lane, d); i++)
      {
        WeftSpan span;

        g_assert_true (weft_lane_get_span (lane, d, i, &span));
        if (span.state == WEFT_STATE_RUNNING && span.object == task_id)
          {
            found = span;
            n++;
          }
      }
  g_assert_cmpuint (n, ==, 1);
  return found;
}

static const char cpu_long_profile[] =
  "{ \"weft_profile\": 1, \"name\": \"long cpu\", \"executor\": \"processes\", \"workers\": 2,"
  "  \"tasks\": ["
  "    { \"name\": \"long\", \"count\": 1, \"steps\": [ { \"cpu\": { \"ms\": 20000 } } ] },"
  "    { \"name\": \"short\", \"count\": 6, \"steps\": [ { \"cpu\": { \"ms\": 2 } } ] } ] }";

typedef struct
{
  guint32  task_id;       /* the long task */
  guint    worker;        /* the worker that ran it */
  gint     pid;
  guint64  signalled_ns;
  guint64  reaped_ns;
  GArray  *crashed;
} MidTask;

/* Starts the long CPU task and six short ones on two workers, sends @signum
 * to the worker running the long one, and waits for the pool to end. */
static void
signal_mid_task (Harness         *h,
                 WeftStartMethod  method,
                 int              signum,
                 MidTask         *out)
{
  harness_start (h, cpu_long_profile, 2, method);
  out->task_id = harness_submit (h, 0, 1, 0);
  /* on the lane at once, while the task computes */
  out->worker = wait_running (h, out->task_id);
  harness_submit (h, 1, 6, 0);
  weft_process_pool_close (h->pool);

  out->pid = (gint) weft_lane_get_pid (weft_trace_model_lookup_lane (h->model, out->worker));
  g_assert_cmpint (out->pid, >, 0);
  out->signalled_ns = weft_clock_now_ns ();
  g_assert_cmpint (kill (out->pid, signum), ==, 0);
  harness_wait (h);
  out->reaped_ns = weft_clock_now_ns ();
  out->crashed = weft_process_pool_get_crashed (h->pool);
  harness_finish (h);
}

/* A worker killed in the middle of CPU work (nothing flushed since its task
 * began): the task shows on its lane, running until the kill, failed. */
static void
test_killed_mid_task (gconstpointer data)
{
  WeftSpan span;
  MidTask m;
  Harness h;

  signal_mid_task (&h, GPOINTER_TO_INT (data), SIGKILL, &m);

  g_assert_cmpuint (m.crashed->len, ==, 1);
  span = task_span (&h, m.worker, m.task_id);
  g_assert_cmpuint (span.end_ns, >=, m.signalled_ns);
  g_assert_cmpuint (span.end_ns, <=, m.reaped_ns);
  g_assert_true (span.flags & WEFT_SPAN_TASK_FAILED);
  g_assert_false (span.flags & WEFT_SPAN_TRUNCATED);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (h.status, GUINT_TO_POINTER (m.task_id))),
                    ==, WEFT_TASK_FAILED);
  g_array_unref (m.crashed);
  harness_clear (&h);
}

/* A worker stopped with SIGSTOP and never continued: found stalled within a
 * few seconds, killed, reported like a crash; the other worker does the rest. */
static void
test_stalled (gconstpointer data)
{
  g_autofree char *expected = NULL;
  WeftSpan span;
  MidTask m;
  Harness h;

  signal_mid_task (&h, GPOINTER_TO_INT (data), SIGSTOP, &m);

  g_test_message ("stalled worker reaped %.2f s after SIGSTOP", (m.reaped_ns - m.signalled_ns) / 1e9);
  expected = g_strdup_printf ("process %u (pid %d) stalled: it was stopped (SIGSTOP or SIGTSTP) "
                              "for 2 s, and was killed", m.worker, m.pid);
  g_assert_cmpuint (m.crashed->len, ==, 1);
  g_assert_cmpstr (g_array_index (m.crashed, WeftCrashedWorker, 0).message, ==, expected);
  g_assert_cmpstr (g_hash_table_lookup (h.errors, GUINT_TO_POINTER (m.task_id)), ==, expected);
  g_assert_cmpuint (g_hash_table_size (h.done), ==, 7);
  /* not before it had been stopped for 2 s, and before the harness's cap of 20 s */
  g_assert_cmpuint (m.reaped_ns - m.signalled_ns, >=, 2 * G_GUINT64_CONSTANT (1000000000));
  span = task_span (&h, m.worker, m.task_id);
  g_assert_cmpuint (span.end_ns, >=, m.signalled_ns + 2 * G_GUINT64_CONSTANT (1000000000));
  g_assert_cmpuint (span.end_ns, <=, m.reaped_ns);
  g_array_unref (m.crashed);
  harness_clear (&h);
}

static void
test_startup (void)
{
  g_autoptr(GArray) spawn = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) forked = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 spawn_ms, fork_ms;

  for (guint round = 0; round < 3; round++)
    {
      run_cpu_tasks (WEFT_START_SPAWN, spawn);
      run_cpu_tasks (WEFT_START_FORK, forked);
    }
  spawn_ms = median (spawn);
  fork_ms = median (forked);
  g_test_message ("start-up per worker, median of %u: spawn %.2f ms, fork %.2f ms",
                  spawn->len, spawn_ms / 1e6, fork_ms / 1e6);
  g_assert_cmpuint (fork_ms, <, spawn_ms);
}

static void
test_no_worker (void)
{
  g_autoptr(WeftProfile) profile = weft_profile_new_from_data (cpu_profile, -1, "t", NULL);
  g_autoptr(WeftArena) arena = weft_arena_new (profile, 1, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("WEFT_WORKER_PATH"));
  guint before = count_fds ();
  WeftProcessPool *pool;

  g_setenv ("WEFT_WORKER_PATH", "/nonexistent/weft-worker", TRUE);
  pool = weft_process_pool_start (profile, arena, -1, 0, 1, WEFT_START_SPAWN, -1, on_done, NULL, &error);
  if (saved != NULL)
    g_setenv ("WEFT_WORKER_PATH", saved, TRUE);
  else
    g_unsetenv ("WEFT_WORKER_PATH");
  g_assert_null (pool);
  g_assert_error (error, WEFT_PROCESS_POOL_ERROR, WEFT_PROCESS_POOL_ERROR_NO_WORKER);
  g_assert_cmpuint (count_fds (), ==, before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Writing to a pipe whose reader is gone (a dead worker) gives EPIPE, not death. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_data_func ("/weft/process-pool/spawn", GINT_TO_POINTER (WEFT_START_SPAWN), test_run_tasks);
  g_test_add_data_func ("/weft/process-pool/fork", GINT_TO_POINTER (WEFT_START_FORK), test_run_tasks);
  g_test_add_func ("/weft/process-pool/shared-counter", test_shared_counter);
  g_test_add_data_func ("/weft/process-pool/crash/spawn", GINT_TO_POINTER (WEFT_START_SPAWN), test_crash);
  g_test_add_data_func ("/weft/process-pool/crash/fork", GINT_TO_POINTER (WEFT_START_FORK), test_crash);
  g_test_add_data_func ("/weft/process-pool/cancel/spawn", GINT_TO_POINTER (WEFT_START_SPAWN), test_cancel);
  g_test_add_data_func ("/weft/process-pool/cancel/fork", GINT_TO_POINTER (WEFT_START_FORK), test_cancel);
  g_test_add_data_func ("/weft/process-pool/killed-mid-task/spawn", GINT_TO_POINTER (WEFT_START_SPAWN), test_killed_mid_task);
  g_test_add_data_func ("/weft/process-pool/killed-mid-task/fork", GINT_TO_POINTER (WEFT_START_FORK), test_killed_mid_task);
  g_test_add_data_func ("/weft/process-pool/stalled/spawn", GINT_TO_POINTER (WEFT_START_SPAWN), test_stalled);
  g_test_add_data_func ("/weft/process-pool/stalled/fork", GINT_TO_POINTER (WEFT_START_FORK), test_stalled);
  g_test_add_func ("/weft/process-pool/fork-faster-than-spawn", test_startup);
  g_test_add_func ("/weft/process-pool/no-worker", test_no_worker);

  return g_test_run ();
}
