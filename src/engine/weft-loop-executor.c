/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "weft-loop-executor-private.h"
#include "weft-worker-context.h"

static guint cancel_check_ms = 20;

void
_weft_loop_executor_set_cancel_check_ms (guint ms)
{
  g_atomic_int_set (&cancel_check_ms, ms);
}

typedef struct _Loop Loop;

typedef struct
{
  Loop              *loop;
  const WeftLoopTask *task;
  WeftTaskRun       *run;
  GSource           *timer;     /* while suspended */
  guint64            due_ns;
} Coroutine;

struct _Loop
{
  GMainContext         *context;
  GMainLoop            *main_loop;
  WeftWorkerContext    *worker;
  WeftWireWriter       *writer;
  WeftArena            *arena;
  WeftTaskDoneFunc      done;
  gpointer              user_data;
  GPtrArray            *suspended;  /* Coroutine */
  guint                 n_running;
  guint64               max_lag_ns;
  gint64                pending;
  guint32               lag_id;     /* this loop's counters */
  guint32               pending_id;
};

static void schedule (Coroutine *co, guint64 due_ns);
static void wake_if_cancelled (Loop *loop);

static void
record (Loop          *loop,
        WeftEventKind  kind,
        guint32        object,
        gint64         arg0,
        gint64         arg1)
{
  if (loop->writer != NULL)
    weft_wire_writer_record (loop->writer, kind, object, arg0, arg1);
}

/* Runs a coroutine until it waits or ends: one callback of the loop. */
static void
step (Coroutine *co)
{
  Loop *loop = co->loop;
  WeftTaskRunState state;

  state = weft_task_run_resume (co->run);

  if (state == WEFT_TASK_RUN_YIELD)
    {
      loop->pending++;
      record (loop, WEFT_EVENT_COUNTER, loop->pending_id, loop->pending, 0);
      schedule (co, weft_task_run_get_resume_at (co->run));
      return;
    }

  loop->done (co->task->id, weft_task_run_get_status (co->run),
              weft_task_run_get_error (co->run),
              weft_task_run_get_work_ns (co->run), loop->user_data);
  weft_task_run_free (co->run);
  g_free (co);

  if (--loop->n_running == 0)
    g_main_loop_quit (loop->main_loop);
  else
    /* A task group's failure cancels the run from done(): its siblings on
     * this loop are woken now, not at the next cancel check. */
    wake_if_cancelled (loop);
}

static gboolean
on_timer (gpointer data)
{
  Coroutine *co = data;
  Loop *loop = co->loop;
  guint64 now = weft_clock_now_ns ();
  guint64 lag = now > co->due_ns ? now - co->due_ns : 0;

  g_ptr_array_remove_fast (loop->suspended, co);
  g_clear_pointer (&co->timer, g_source_unref);

  /* How late the loop got round to this wake-up: the loop's lag. */
  loop->max_lag_ns = MAX (loop->max_lag_ns, lag);
  loop->pending--;
  record (loop, WEFT_EVENT_COUNTER, loop->lag_id, (gint64) (lag / 1000), 0);
  record (loop, WEFT_EVENT_COUNTER, loop->pending_id, loop->pending, 0);

  step (co);
  return G_SOURCE_REMOVE;
}

static gboolean
dispatch_ready (GSource     *source,
                GSourceFunc  callback,
                gpointer     data)
{
  return callback (data);
}

static GSourceFuncs ready_funcs = { NULL, NULL, dispatch_ready, NULL, NULL, NULL };

/* A source that fires at a monotonic time with µs precision (GLib's timeouts round to ms). */
static void
schedule (Coroutine *co,
          guint64    due_ns)
{
  Loop *loop = co->loop;

  co->due_ns = due_ns;
  co->timer = g_source_new (&ready_funcs, sizeof (GSource));
  g_source_set_callback (co->timer, on_timer, co, NULL);
  g_source_set_ready_time (co->timer, (gint64) (due_ns / 1000));
  g_source_attach (co->timer, loop->context);
  g_ptr_array_add (loop->suspended, co);
}

static gboolean
on_start (gpointer data)
{
  step (data);
  return G_SOURCE_REMOVE;
}

/* A cancelled run wakes every suspended task now, so that it ends at once. */
static void
wake_if_cancelled (Loop *loop)
{
  if (weft_arena_is_cancelled (loop->arena))
    for (guint i = 0; i < loop->suspended->len; i++)
      {
        Coroutine *co = g_ptr_array_index (loop->suspended, i);

        g_source_set_ready_time (co->timer, 0);
      }
}

/* A cancel from another thread (Stop, a deadlock, a failure elsewhere) is
 * seen within cancel_check_ms. */
static gboolean
on_cancel_check (gpointer data)
{
  wake_if_cancelled (data);
  return G_SOURCE_CONTINUE;
}

/**
 * weft_loop_executor_run:
 * @writer: (nullable): the loop's writer; %NULL runs without recording
 * @loop_index: which of the run's loops this is: its counters' ids
 *   (weft_loop_lag_id(), weft_loop_pending_id())
 * @out_max_lag_ns: (out): the longest a wake-up came late
 *
 * Runs every task as a coroutine on a new main loop on this thread, and
 * returns when all have ended.
 */
void
weft_loop_executor_run (const WeftProfile    *profile,
                        WeftArena            *arena,
                        WeftWireWriter       *writer,
                        guint16               worker,
                        guint                 loop_index,
                        const WeftLoopTask   *tasks,
                        guint                 n_tasks,
                        WeftTaskDoneFunc      done,
                        gpointer              user_data,
                        guint64              *out_max_lag_ns)
{
  Loop loop = { 0 };
  g_autoptr(GSource) cancel_check = NULL;

  loop.context = g_main_context_new ();
  loop.main_loop = g_main_loop_new (loop.context, FALSE);
  loop.writer = writer;
  loop.arena = arena;
  loop.lag_id = weft_loop_lag_id (loop_index);
  loop.pending_id = weft_loop_pending_id (loop_index);
  loop.done = done;
  loop.user_data = user_data;
  loop.suspended = g_ptr_array_new ();
  /* io yields: a non-blocking wait suspends the task instead of sleeping */
  loop.worker = weft_worker_context_new (worker, profile, arena, writer, NULL, TRUE);
  loop.n_running = n_tasks;

  g_main_context_push_thread_default (loop.context);

  for (guint i = 0; i < n_tasks; i++)
    {
      Coroutine *co = g_new0 (Coroutine, 1);
      g_autoptr(GSource) start = g_idle_source_new ();

      co->loop = &loop;
      co->task = &tasks[i];
      co->run = weft_task_run_new (loop.worker, tasks[i].id, tasks[i].spec_index, tasks[i].steps);
      weft_task_run_set_suspendable (co->run, TRUE);
      g_source_set_callback (start, on_start, co, NULL);
      g_source_attach (start, loop.context);
    }

  if (g_atomic_int_get (&cancel_check_ms) > 0)
    {
      cancel_check = g_timeout_source_new (g_atomic_int_get (&cancel_check_ms));
      g_source_set_callback (cancel_check, on_cancel_check, &loop, NULL);
      g_source_attach (cancel_check, loop.context);
    }

  if (n_tasks > 0)
    g_main_loop_run (loop.main_loop);
  /* The loop has ended: no wake-up is late any more (a counter holds its
   * last value, and the last wake-up's lag would seem to go on) */
  if (loop.max_lag_ns > 0)
    record (&loop, WEFT_EVENT_COUNTER, loop.lag_id, 0, 0);

  if (cancel_check != NULL)
    g_source_destroy (cancel_check);
  g_main_context_pop_thread_default (loop.context);

  *out_max_lag_ns = loop.max_lag_ns;
  weft_worker_context_free (loop.worker);
  g_ptr_array_unref (loop.suspended);
  g_main_loop_unref (loop.main_loop);
  g_main_context_unref (loop.context);
}
