/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <unistd.h>

#include "weft-calibration.h"
#include "weft-collector.h"
#include "weft-gil.h"
#include "weft-loop-executor.h"
#include "weft-manager.h"
#include "weft-process-pool.h"
#include "weft-python-version.h"
#include "weft-run.h"
#include "weft-worker-context.h"

/*
 * One run of a profile. The run owns the event pipe, the collector (a source
 * on the caller's main context), the trace model it fills, the shared objects
 * and the workers. Workers run on their own threads (or processes); the
 * caller's context only ever reads events and checks for deadlocks, so a UI
 * stays responsive.
 *
 * The stream ends when the last writer closes the pipe: a joiner thread waits
 * for the workers and then closes the run's own write end. Only then is the
 * run finished, so every event a worker wrote is in the model.
 */

/* Wire ids of task instances start here, apart from locks and queues. */
#define TASK_ID_BASE 0x100000

#define WATCHDOG_INTERVAL_MS 50

typedef struct
{
  guint32          id;
  guint            spec_index;     /* a task spec, or tasks->len + a stage */
  guint            ordinal;        /* 1-based among the instances of its spec */
  const GPtrArray *steps;
  char            *error;          /* what it raised, if it failed (under the mutex) */
} TaskInstance;

/* Workers of one executor that share a list of tasks: the whole run, or one
 * stage of a pipeline. */
typedef struct
{
  WeftRun         *run;
  WeftExecutorKind executor;
  guint16          first_worker;
  guint            n_workers;
  guint            first_task;     /* its tasks in WeftRun.tasks */
  guint            n_tasks;
  gint             next_task;      /* atomic, relative to first_task */
  guint            output;         /* queue for the sentinels when done, or G_MAXUINT */
  guint            n_sentinels;
  GThread        **threads;
  guint            n_threads;
  WeftProcessPool *pool;
  gint             handler_lane;   /* a process pool's handler, -1 for a stage's processes */
} Group;

struct _WeftRun
{
  GObject          parent_instance;

  WeftProfile     *profile;
  WeftRunOptions   options;
  WeftTraceModel  *model;
  WeftCollector   *collector;
  WeftArena       *arena;
  WeftGil         *gil;
  GMainContext    *context;
  GSource         *watchdog;
  int              wfd;

  GArray          *tasks;          /* TaskInstance */
  Group           *groups;
  guint            n_groups;
  WeftManager     *manager;
  GThread         *joiner;

  GMutex           mutex;          /* result fields written by workers */
  WeftRunResult    result;
  guint64          started_ns;
  guint64          ended_ns;
  GArray          *suspect_cycle;  /* a cycle seen once, confirmed if seen again */
  gboolean         started;
  gboolean         finished;
};

enum {
  PROP_0,
  PROP_FINISHED,
  N_PROPS
};

enum {
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WeftRun, weft_run, G_TYPE_OBJECT)
G_DEFINE_QUARK (weft-run-error-quark, weft_run_error)

static void
weft_run_dispose (GObject *object)
{
  WeftRun *self = WEFT_RUN (object);

  if (self->watchdog != NULL)
    {
      g_source_destroy (self->watchdog);
      g_clear_pointer (&self->watchdog, g_source_unref);
    }
  if (self->collector != NULL)
    weft_collector_detach (self->collector);

  G_OBJECT_CLASS (weft_run_parent_class)->dispose (object);
}

static void
weft_run_finalize (GObject *object)
{
  WeftRun *self = WEFT_RUN (object);

  /* The joiner holds a reference until the workers are gone. */
  g_assert (self->joiner == NULL);

  if (self->wfd >= 0)
    close (self->wfd);
  g_clear_object (&self->collector);
  g_clear_object (&self->model);
  g_clear_pointer (&self->arena, weft_arena_free);
  g_clear_pointer (&self->gil, weft_gil_free);
  for (guint i = 0; i < self->n_groups; i++)
    {
      g_clear_pointer (&self->groups[i].pool, weft_process_pool_free);
      g_free (self->groups[i].threads);
    }
  g_free (self->groups);
  for (guint i = 0; self->tasks != NULL && i < self->tasks->len; i++)
    g_free (g_array_index (self->tasks, TaskInstance, i).error);
  g_clear_pointer (&self->tasks, g_array_unref);
  g_clear_pointer (&self->suspect_cycle, g_array_unref);
  g_clear_pointer (&self->result.errors, g_ptr_array_unref);
  if (self->result.counters != NULL)
    {
      for (guint i = 0; i < self->result.counters->len; i++)
        g_free (g_array_index (self->result.counters, WeftCounterResult, i).name);
      g_array_unref (self->result.counters);
    }
  g_clear_pointer (&self->result.deadlock, g_array_unref);
  g_free (self->result.deadlock_text);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->profile, weft_profile_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (weft_run_parent_class)->finalize (object);
}

static void
weft_run_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  WeftRun *self = WEFT_RUN (object);

  switch (prop_id)
    {
    case PROP_FINISHED:
      g_value_set_boolean (value, self->finished);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_run_class_init (WeftRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = weft_run_dispose;
  object_class->finalize = weft_run_finalize;
  object_class->get_property = weft_run_get_property;

  properties[PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * WeftRun::finished:
   *
   * Emitted on the run's context once every worker has ended and every event
   * it wrote is in the model.
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
weft_run_init (WeftRun *self)
{
  self->wfd = -1;
  g_mutex_init (&self->mutex);
  self->result.errors = g_ptr_array_new_with_free_func (g_free);
  self->result.counters = g_array_new (FALSE, TRUE, sizeof (WeftCounterResult));
  self->result.deadlock = g_array_new (FALSE, FALSE, sizeof (WeftWaitLink));
}

/**
 * weft_run_new:
 * @options: (nullable): overrides of the profile's settings
 *
 * Returns: (transfer full): a run, not started
 */
WeftRun *
weft_run_new (const WeftProfile    *profile,
              const WeftRunOptions *options)
{
  WeftRun *self;
  WeftRunOptions defaults = WEFT_RUN_OPTIONS_INIT;

  g_return_val_if_fail (profile != NULL, NULL);

  self = g_object_new (WEFT_TYPE_RUN, NULL);
  self->profile = weft_profile_copy (profile);
  self->options = options ? *options : defaults;
  self->model = weft_trace_model_new ();

  self->result.executor = self->options.executor != WEFT_EXECUTOR_NONE
                          ? self->options.executor : profile->executor;
  self->result.workers = self->options.workers ? self->options.workers : profile->workers;
  self->result.gil = self->options.gil >= 0 ? self->options.gil != 0 : profile->gil;
  self->result.python_version = self->options.python_version != 0 ? self->options.python_version
                                : profile->python_version != 0 ? profile->python_version
                                : weft_python_version_default ();
  return self;
}

static void
add_error (WeftRun    *self,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

static void
add_error (WeftRun    *self,
           const char *format,
           ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->result.errors, message);
  g_mutex_unlock (&self->mutex);
}

/* Marks the run interrupted once (by the caller's thread or the joiner's):
 * %TRUE the first time */
static gboolean
mark_interrupted (WeftRun    *self,
                  const char *reason)
{
  gboolean first;

  g_mutex_lock (&self->mutex);
  first = !self->result.interrupted;
  self->result.interrupted = TRUE;
  g_mutex_unlock (&self->mutex);
  if (first)
    add_error (self, "interrupted by %s: the run was stopped before its end", reason);
  return first;
}

static const char *
object_name (WeftRun *self,
             guint    object)
{
  const WeftProfileObject *po;

  if (object == WEFT_ARENA_WAIT_GIL)
    return "GIL";
  po = g_ptr_array_index (self->profile->objects, object);

  return po->name;
}

static const char *
task_name (WeftRun *self,
           guint    spec_index)
{
  return weft_profile_get_spec_name (self->profile, spec_index);
}

/* Whether @group is a stage of a pipeline (else a pool's tasks) */
static gboolean
is_stage (WeftRun *self,
          Group   *group)
{
  guint spec = g_array_index (self->tasks, TaskInstance, group->first_task).spec_index;

  return spec >= self->profile->tasks->len;
}

/* A group's name on its lanes: its stage's, or "pool" for tasks beside stages. */
static const char *
group_name (WeftRun *self,
            Group   *group)
{
  guint spec = g_array_index (self->tasks, TaskInstance, group->first_task).spec_index;

  return is_stage (self, group) ? task_name (self, spec) : "pool";
}

/* The name a worker gives its lane (see worker_thread(), the loop's thread
 * and weft-worker), so that messages name workers as the timeline does. */
static char *
worker_label (WeftRun *self,
              guint    worker)
{
  for (guint g = 0; g < self->n_groups; g++)
    {
      Group *group = &self->groups[g];

      if (worker < group->first_worker || worker >= group->first_worker + group->n_workers)
        continue;
      switch (group->executor)
        {
        case WEFT_EXECUTOR_PROCESSES:
          return g_strdup_printf ("process %u", worker);
        case WEFT_EXECUTOR_MAINLOOP:
          return self->n_groups > 1 ? g_strdup_printf ("main loop (%s)", group_name (self, group))
                                    : g_strdup ("main loop");
        default:
          return self->n_groups > 1
            ? g_strdup_printf ("%s thread %u", group_name (self, group), worker - group->first_worker + 1)
            : g_strdup_printf ("thread %u", worker);
        }
    }
  return g_strdup_printf ("worker %u", worker);
}

/* Stops every worker: waits give up within WEFT_ARENA_POLL_NS, processes
 * that do not end are killed. */
static void
cancel_workers (WeftRun *self)
{
  weft_arena_cancel (self->arena);
  for (guint i = 0; i < self->n_groups; i++)
    if (self->groups[i].pool != NULL)
      weft_process_pool_cancel (self->groups[i].pool);
}

/* Counts a task that ended, from any worker thread. */
static void
account_task (WeftRun            *self,
              TaskInstance       *task,
              WeftTaskStatus      status,
              const char         *error,
              guint64             work_ns)
{
  g_mutex_lock (&self->mutex);
  self->result.work_ns += work_ns;
  if (status == WEFT_TASK_OK)
    self->result.tasks_ok++;
  else if (status == WEFT_TASK_FAILED)
    {
      self->result.tasks_failed++;
      g_free (task->error);
      task->error = g_strdup (error ? error : "(no message)");
    }
  else
    self->result.tasks_cancelled++;
  g_mutex_unlock (&self->mutex);

  if (status == WEFT_TASK_FAILED)
    {
      add_error (self, "task %s #%u failed: %s", task_name (self, task->spec_index),
                 task->ordinal, error ? error : "(no message)");
      if (self->profile->cancel_on_error)
        cancel_workers (self);
    }
}

/* ---- the thread executor ------------------------------------------------ */

typedef struct
{
  Group   *group;
  guint16  worker;
} WorkerArgs;

static gpointer
worker_thread (gpointer data)
{
  g_autofree WorkerArgs *args = data;
  Group *group = args->group;
  WeftRun *self = group->run;
  g_autoptr(WeftWireWriter) writer = NULL;
  g_autoptr(WeftWorkerContext) ctx = NULL;
  g_autofree char *name = worker_label (self, args->worker);

  if (!self->options.no_record)
    {
      writer = weft_wire_writer_new (self->wfd, args->worker);
      weft_wire_writer_record (writer, WEFT_EVENT_WORKER_INFO, 0,
                               WEFT_EXECUTOR_THREADS, getpid ());
      weft_wire_writer_name (writer, WEFT_OBJECT_SELF, name);
    }

  ctx = weft_worker_context_new (args->worker, self->profile, self->arena, writer,
                                 self->gil, FALSE);
  weft_worker_context_set_python_version (ctx, self->result.python_version);

  for (;;)
    {
      gint i = g_atomic_int_add (&group->next_task, 1);
      TaskInstance *task;
      g_autofree char *error = NULL;
      WeftTaskStatus status;
      guint64 work_ns = 0;

      if ((guint) i >= group->n_tasks || weft_arena_is_cancelled (self->arena))
        break;

      task = &g_array_index (self->tasks, TaskInstance, group->first_task + i);
      status = weft_worker_context_run_task (ctx, task->id, task->spec_index, task->steps, &error, &work_ns);
      account_task (self, task, status, error, work_ns);
    }

  return NULL;
}

/* ---- the main-loop executor --------------------------------------------- */

static void
on_loop_task_done (guint32         task_id,
                   WeftTaskStatus  status,
                   const char     *error,
                   guint64         work_ns,
                   gpointer        user_data)
{
  WeftRun *self = user_data;

  account_task (self, &g_array_index (self->tasks, TaskInstance, task_id - TASK_ID_BASE),
                status, error, work_ns);
}

/* Which of the run's main loops @group is (0 for the first) */
static guint
loop_index (WeftRun     *self,
            const Group *group)
{
  guint n = 0;

  for (const Group *g = self->groups; g < group; g++)
    n += g->executor == WEFT_EXECUTOR_MAINLOOP;
  return n;
}

static gpointer
loop_thread (gpointer data)
{
  Group *group = data;
  WeftRun *self = group->run;
  g_autoptr(WeftWireWriter) writer = NULL;
  g_autofree WeftLoopTask *tasks = g_new0 (WeftLoopTask, MAX (1, group->n_tasks));
  guint64 max_lag_ns = 0;

  if (!self->options.no_record)
    {
      g_autofree char *name = worker_label (self, group->first_worker);

      writer = weft_wire_writer_new (self->wfd, group->first_worker);
      weft_wire_writer_record (writer, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_MAINLOOP, getpid ());
      weft_wire_writer_name (writer, WEFT_OBJECT_SELF, name);
    }

  for (guint i = 0; i < group->n_tasks; i++)
    {
      const TaskInstance *t = &g_array_index (self->tasks, TaskInstance, group->first_task + i);

      tasks[i] = (WeftLoopTask) { t->id, t->spec_index, t->steps };
    }

  weft_loop_executor_run (self->profile, self->arena, writer, group->first_worker,
                          loop_index (self, group), tasks, group->n_tasks, on_loop_task_done, self,
                          &max_lag_ns);

  g_mutex_lock (&self->mutex);
  self->result.loop_max_lag_ns = MAX (self->result.loop_max_lag_ns, max_lag_ns);
  g_mutex_unlock (&self->mutex);
  return NULL;
}

/* ---- the process executor ----------------------------------------------- */

static void
on_process_task_done (guint32         task_id,
                      WeftTaskStatus  status,
                      const char     *error,
                      guint64         work_ns,
                      gpointer        user_data)
{
  WeftRun *self = user_data;
  guint i = task_id - TASK_ID_BASE;

  g_return_if_fail (i < self->tasks->len);
  account_task (self, &g_array_index (self->tasks, TaskInstance, i), status, error, work_ns);
}

/* The payload a task's arguments carry to its process: its transfer steps. */
static gsize
payload_bytes (const GPtrArray *steps)
{
  gsize total = 0;

  for (guint i = 0; i < steps->len; i++)
    {
      const WeftStep *step = g_ptr_array_index (steps, i);

      if (step->kind == WEFT_STEP_TRANSFER)
        total += (gsize) step->bytes;
    }
  return total;
}

static gboolean
start_processes (WeftRun  *self,
                 Group    *group,
                 GError  **error)
{
  group->pool = weft_process_pool_start (self->profile, self->arena, self->wfd, group->first_worker,
                                         group->n_workers, self->profile->start_method,
                                         group->handler_lane, on_process_task_done, self, error);
  if (group->pool == NULL)
    return FALSE;

  for (guint i = 0; i < group->n_tasks; i++)
    {
      const TaskInstance *t = &g_array_index (self->tasks, TaskInstance, group->first_task + i);

      if (!weft_process_pool_submit (group->pool, t->id, t->spec_index, payload_bytes (t->steps), error))
        return FALSE;
    }
  weft_process_pool_close (group->pool);
  return TRUE;
}

static gboolean
start_group (WeftRun  *self,
             Group    *group,
             GError  **error)
{
  switch (group->executor)
    {
    case WEFT_EXECUTOR_PROCESSES:
      return start_processes (self, group, error);

    case WEFT_EXECUTOR_MAINLOOP:
      group->n_threads = 1;
      group->threads = g_new0 (GThread *, 1);
      group->threads[0] = g_thread_new ("weft-loop", loop_thread, group);
      return TRUE;

    default:
      group->n_threads = group->n_workers;
      group->threads = g_new0 (GThread *, group->n_workers);
      for (guint i = 0; i < group->n_workers; i++)
        {
          WorkerArgs *args = g_new0 (WorkerArgs, 1);

          args->group = group;
          args->worker = (guint16) (group->first_worker + i);
          group->threads[i] = g_thread_new ("weft-worker", worker_thread, args);
        }
      return TRUE;
    }
}

/* Waits until every worker of the group has ended. */
static void
wait_group (WeftRun *self,
            Group   *group)
{
  for (guint i = 0; i < group->n_threads; i++)
    g_thread_join (group->threads[i]);
  group->n_threads = 0;

  if (group->pool != NULL)
    {
      g_autoptr(GArray) crashed = NULL;

      weft_process_pool_wait (group->pool);
      crashed = weft_process_pool_get_crashed (group->pool);
      for (guint i = 0; crashed != NULL && i < crashed->len; i++)
        add_error (self, "%s", g_array_index (crashed, WeftCrashedWorker, i).message);
      /* A stop signal that reached the workers (a kill of the whole process
       * group) may end them before the program's own interrupt comes */
      switch (weft_process_pool_get_stop_signal (group->pool))
        {
        case SIGINT:  mark_interrupted (self, "SIGINT"); break;
        case SIGTERM: mark_interrupted (self, "SIGTERM"); break;
        default: break;
        }
    }
}

static gpointer
joiner_thread (gpointer data)
{
  WeftRun *self = data;

  /* In stage order: a stage ends only after the one before it has, and its
   * end is what sends the next stage its sentinels. */
  for (guint g = 0; g < self->n_groups; g++)
    {
      Group *group = &self->groups[g];

      wait_group (self, group);
      for (guint i = 0; group->output != G_MAXUINT && i < group->n_sentinels; i++)
        if (!weft_arena_put (self->arena, group->output, WEFT_ARENA_SENTINEL, 0, 0, NULL))
          break;
    }

  /* Every worker has ended: nobody needs the manager any more. */
  g_clear_pointer (&self->manager, weft_manager_stop);

  self->ended_ns = weft_clock_now_ns ();
  /* The last write end: the collector sees the end of the stream. */
  close (self->wfd);
  self->wfd = -1;
  return NULL;
}

static void
add_tasks (WeftRun         *self,
           guint            spec_index,
           const char      *name,
           guint            count,
           const GPtrArray *steps)
{
  for (guint k = 0; k < count; k++)
    {
      TaskInstance t = { TASK_ID_BASE + self->tasks->len, spec_index, k + 1, steps, NULL };
      g_autofree char *label = g_strdup_printf ("%s #%u", name, k + 1);

      weft_trace_model_declare_object (self->model, t.id, WEFT_OBJECT_TASK, 0);
      weft_trace_model_set_object_name (self->model, t.id, label);
      g_array_append_val (self->tasks, t);
    }
}

/* Lays out the workers: one group for a pool of tasks, or one per stage. */
static void
plan_groups (WeftRun *self)
{
  const WeftProfile *p = self->profile;
  guint16 next_worker = 0;

  self->tasks = g_array_new (FALSE, FALSE, sizeof (TaskInstance));

  if (p->stages->len == 0)
    {
      Group *g;

      self->n_groups = 1;
      self->groups = g_new0 (Group, 1);
      g = &self->groups[0];
      g->run = self;
      g->executor = self->result.executor;
      g->n_workers = self->result.workers;
      g->output = G_MAXUINT;
      for (guint s = 0; s < p->tasks->len; s++)
        {
          const WeftTaskSpec *spec = g_ptr_array_index (p->tasks, s);

          add_tasks (self, s, spec->name, spec->count, spec->steps);
        }
      g->n_tasks = self->tasks->len;
      return;
    }

  /* A pipeline: each stage its own executor and workers, all at once. On a
   * main loop a stage's workers are coroutines on one loop thread. Tasks
   * beside the stages run on a pool of their own, the last group. */
  self->result.n_stages = p->stages->len;
  self->n_groups = p->stages->len + (p->tasks->len > 0 ? 1 : 0);
  self->groups = g_new0 (Group, self->n_groups);
  self->result.workers = 0;
  for (guint s = 0; s < p->stages->len; s++)
    {
      const WeftStage *stage = g_ptr_array_index (p->stages, s);
      const WeftStage *next = s + 1 < p->stages->len ? g_ptr_array_index (p->stages, s + 1) : NULL;
      Group *g = &self->groups[s];

      g->run = self;
      g->executor = stage->executor;
      g->n_workers = stage->executor == WEFT_EXECUTOR_MAINLOOP ? 1 : stage->workers;
      g->first_worker = next_worker;
      g->first_task = self->tasks->len;
      g->output = stage->output;
      /* one sentinel for each worker of the next stage */
      g->n_sentinels = next != NULL ? next->workers : 1;
      add_tasks (self, p->tasks->len + s, stage->name, stage->workers, stage->steps);
      g->n_tasks = stage->workers;
      next_worker += g->n_workers;
      self->result.workers += g->n_workers;
    }

  if (p->tasks->len > 0)
    {
      Group *g = &self->groups[self->n_groups - 1];

      g->run = self;
      g->executor = p->executor;
      g->n_workers = p->executor == WEFT_EXECUTOR_MAINLOOP ? 1 : p->workers;
      g->first_worker = next_worker;
      g->first_task = self->tasks->len;
      g->output = G_MAXUINT;
      for (guint s = 0; s < p->tasks->len; s++)
        {
          const WeftTaskSpec *spec = g_ptr_array_index (p->tasks, s);

          add_tasks (self, s, spec->name, spec->count, spec->steps);
        }
      g->n_tasks = self->tasks->len - g->first_task;
      self->result.workers += g->n_workers;
    }
}

/* ---- finishing ---------------------------------------------------------- */

static void
describe_deadlock (WeftRun *self,
                   GArray  *cycle)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_array_set_size (self->result.deadlock, 0);
  g_array_append_vals (self->result.deadlock, cycle->data, cycle->len);

  for (guint i = 0; i < cycle->len; i++)
    {
      const WeftWaitLink *link = &g_array_index (cycle, WeftWaitLink, i);
      const WeftWaitLink *next = &g_array_index (cycle, WeftWaitLink, (i + 1) % cycle->len);
      g_autofree char *waiter = worker_label (self, link->worker);
      g_autofree char *holder = worker_label (self, next->worker);

      g_string_append_printf (text, "%s%s waits for %s, held by %s", i ? "; " : "", waiter,
                              object_name (self, link->object), holder);
    }

  g_free (self->result.deadlock_text);
  self->result.deadlock_text = g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
on_watchdog (gpointer data)
{
  WeftRun *self = data;
  g_autoptr(GArray) cycle = NULL;

  if (self->finished)
    return G_SOURCE_CONTINUE;

  /* A cycle seen in two checks in a row is no passing state: a deadlock. */
  cycle = weft_arena_find_deadlock (self->arena);
  if (cycle != NULL && weft_wait_links_equal (cycle, self->suspect_cycle) &&
      self->result.deadlock->len == 0)
    {
      describe_deadlock (self, cycle);
      add_error (self, "deadlock: %s", self->result.deadlock_text);
      self->result.cancelled = TRUE;
      cancel_workers (self);
    }
  g_clear_pointer (&self->suspect_cycle, g_array_unref);
  self->suspect_cycle = g_steal_pointer (&cycle);

  if (self->profile->timeout_s > 0 && !self->result.timed_out &&
      weft_clock_now_ns () - self->started_ns > (guint64) (self->profile->timeout_s * 1e9))
    {
      self->result.timed_out = TRUE;
      self->result.cancelled = TRUE;
      add_error (self, "stopped after the profile's timeout of %g s", self->profile->timeout_s);
      cancel_workers (self);
    }

  return G_SOURCE_CONTINUE;
}

/* The workers' samples of a counter race with each other's last writes: the
 * run ends its value and lost-updates tracks with the figures it counted
 * once every worker had ended. */
static void
close_lost_track (WeftRun *self,
                  guint    index,
                  gint64   value,
                  gint64   lost)
{
  WeftEvent ev[2] = { { 0 } };

  if (WEFT_ARENA_LOST_ID (index) == 0 || weft_trace_model_get_n_lanes (self->model) == 0 ||
      weft_counter_track_get_n_points (weft_trace_model_get_counter (self->model, WEFT_ARENA_LOST_ID (index))) == 0)
    return;
  for (guint k = 0; k < 2; k++)
    {
      ev[k].time_ns = self->ended_ns;
      ev[k].worker = weft_lane_get_worker (weft_trace_model_get_lane (self->model, 0));
      ev[k].kind = WEFT_EVENT_COUNTER;
    }
  ev[0].object = index + WEFT_ARENA_OBJECT_BASE;
  ev[0].arg0 = value;
  ev[1].object = WEFT_ARENA_LOST_ID (index);
  ev[1].arg0 = lost;
  weft_trace_model_append (self->model, ev, 2);
}

static void
on_collector_finished (WeftCollector *collector,
                       gpointer       data)
{
  WeftRun *self = data;
  WeftWireReader *reader = weft_collector_get_reader (collector);
  const GError *error = weft_collector_get_error (collector);

  if (self->joiner != NULL)
    {
      g_thread_join (self->joiner);
      self->joiner = NULL;
      /* drop the reference the joiner held */
      g_object_unref (self);
    }

  if (error != NULL)
    add_error (self, "event stream: %s", error->message);

  self->result.rejected_records = weft_wire_reader_get_n_rejected_total (reader) +
                                  (weft_wire_reader_get_n_garbage_bytes (reader) + 31) / 32;
  self->result.wall_ns = self->ended_ns - self->started_ns;
  self->result.tasks_not_started = self->tasks->len - self->result.tasks_ok -
                                   self->result.tasks_failed - self->result.tasks_cancelled;

  /* What each failed task raised, for its span's tooltip and details */
  for (guint i = 0; i < self->tasks->len; i++)
    {
      const TaskInstance *t = &g_array_index (self->tasks, TaskInstance, i);

      if (t->error != NULL)
        weft_trace_model_set_task_error (self->model, t->id, t->error);
    }

  for (guint i = 0; i < self->profile->objects->len; i++)
    {
      const WeftProfileObject *po = g_ptr_array_index (self->profile->objects, i);
      WeftCounterResult cr;

      if (po->kind != WEFT_OBJECT_COUNTER)
        continue;
      cr.name = g_strdup (po->name);
      cr.actual = weft_arena_counter_value (self->arena, i) - po->initial * (gint64) MAX (po->length, 1);
      cr.expected = weft_arena_counter_expected (self->arena, i);
      cr.lost = cr.expected - cr.actual;
      cr.backend = po->backend;
      cr.ns_per_op = cr.expected > 0 ? (double) weft_arena_counter_op_ns (self->arena, i) / (double) cr.expected : 0;
      g_array_append_val (self->result.counters, cr);
      close_lost_track (self, i, cr.actual + po->initial, cr.lost);
    }

  if (self->watchdog != NULL)
    {
      g_source_destroy (self->watchdog);
      g_clear_pointer (&self->watchdog, g_source_unref);
    }

  weft_trace_model_finish (self->model, 0);
  self->finished = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
  g_signal_emit (self, signals[FINISHED], 0);
}

static void
model_sink (const WeftEvent *events,
            gsize            n_events,
            gpointer         user_data)
{
  weft_trace_model_append (user_data, events, n_events);
}

/* ---- starting ----------------------------------------------------------- */

static gboolean
uses_executor (WeftRun          *self,
               WeftExecutorKind  executor)
{
  for (guint g = 0; g < self->n_groups; g++)
    if (self->groups[g].executor == executor)
      return TRUE;
  return FALSE;
}

/* Each main loop's lag and pending waits; named after its stage when
 * there are several */
static void
declare_loop_counters (WeftRun *self)
{
  guint n_loops = loop_index (self, self->groups + self->n_groups);

  for (guint g = 0, n = 0; g < self->n_groups; g++)
    {
      Group *group = &self->groups[g];
      gboolean several = n_loops > 1;
      g_autofree char *lag = NULL;
      g_autofree char *pending = NULL;

      if (group->executor != WEFT_EXECUTOR_MAINLOOP)
        continue;
      lag = several ? g_strdup_printf ("loop lag: %s (µs)", group_name (self, group)) : g_strdup ("loop lag (µs)");
      pending = several ? g_strdup_printf ("pending waits: %s", group_name (self, group)) : g_strdup ("pending waits");
      weft_trace_model_declare_object (self->model, weft_loop_lag_id (n), WEFT_OBJECT_COUNTER, 0);
      weft_trace_model_set_object_name (self->model, weft_loop_lag_id (n), lag);
      weft_trace_model_declare_object (self->model, weft_loop_pending_id (n), WEFT_OBJECT_COUNTER, 0);
      weft_trace_model_set_object_name (self->model, weft_loop_pending_id (n), pending);
      n++;
    }
}

static void
declare_objects (WeftRun *self)
{
  if (self->gil != NULL)
    {
      weft_trace_model_declare_object (self->model, WEFT_ARENA_GIL_ID, WEFT_OBJECT_GIL, 0);
      weft_trace_model_set_object_name (self->model, WEFT_ARENA_GIL_ID, "GIL");
    }

  for (guint i = 0; i < self->profile->objects->len; i++)
    {
      const WeftProfileObject *po = g_ptr_array_index (self->profile->objects, i);
      guint32 id = i + WEFT_ARENA_OBJECT_BASE;

      /* a queue's capacity, as OBJECT_NEW carries it (0: unbounded) */
      weft_trace_model_declare_object (self->model, id, po->kind,
                                       po->kind == WEFT_OBJECT_QUEUE ? (gint64) po->capacity : po->initial);
      weft_trace_model_set_object_name (self->model, id, po->name);
      if (po->kind == WEFT_OBJECT_COUNTER && po->length <= 1 && WEFT_ARENA_LOST_ID (i) != 0)
        {
          g_autofree char *lost = g_strdup_printf ("%s: lost updates", po->name);

          weft_trace_model_declare_object (self->model, WEFT_ARENA_LOST_ID (i), WEFT_OBJECT_COUNTER, 0);
          weft_trace_model_set_object_name (self->model, WEFT_ARENA_LOST_ID (i), lost);
        }
    }

  declare_loop_counters (self);
}

/**
 * weft_run_start:
 * @context: (nullable): where events are read and the run reports; %NULL for
 *   the global default context
 *
 * Starts the workers. Returns at once; WeftRun::finished follows on @context.
 *
 * The engine changes no signal disposition: the program must ignore SIGPIPE
 * (`signal (SIGPIPE, SIG_IGN)` in its main()), so that writing to a pipe
 * whose reader has gone (a worker that died) fails with EPIPE instead of
 * killing it. Worker processes run in process groups of their own: a
 * terminal's Ctrl+C reaches the program, which stops the run
 * (weft_run_interrupt()), not the workers behind its back.
 *
 * Returns: %FALSE with @error set if the run cannot start
 */
gboolean
weft_run_start (WeftRun       *self,
                GMainContext  *context,
                GError       **error)
{
  guint n_workers = self->result.workers;
  gboolean needs_manager = FALSE;

  g_return_val_if_fail (WEFT_IS_RUN (self), FALSE);
  g_return_val_if_fail (!self->started, FALSE);

  for (guint i = 0; i < self->profile->objects->len; i++)
    {
      const WeftProfileObject *po = g_ptr_array_index (self->profile->objects, i);

      /* the profile's validator allows a manager for single counters only */
      g_assert (po->backend != WEFT_BACKEND_MANAGER ||
                (po->kind == WEFT_OBJECT_COUNTER && po->length == 1));
      if (po->backend == WEFT_BACKEND_MANAGER)
        needs_manager = TRUE;
    }

  if (self->result.executor == WEFT_EXECUTOR_MAINLOOP)
    self->result.workers = 1;
  plan_groups (self);
  n_workers = self->result.workers;
  /* the manager process has a lane of its own, after the workers', and
   * then each process pool's handler (a stage's processes have none: they
   * are Process objects of their own in CPython, not a Pool's) */
  if (needs_manager)
    n_workers++;
  for (guint g = 0; g < self->n_groups; g++)
    self->groups[g].handler_lane = self->groups[g].executor == WEFT_EXECUTOR_PROCESSES &&
                                   !is_stage (self, &self->groups[g]) ? (gint) n_workers++ : -1;

  self->arena = weft_arena_new (self->profile, n_workers, error);
  if (self->arena == NULL)
    return FALSE;

  self->collector = weft_collector_new_pipe (n_workers, &self->wfd, error);
  if (self->collector == NULL)
    return FALSE;

  if (self->result.gil)
    self->gil = weft_gil_new ((guint64) (self->profile->switch_interval_ms * 1e6),
                             self->arena);

  self->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  weft_collector_set_sink (self->collector, model_sink, self->model, NULL);
  g_signal_connect_object (self->collector, "finished",
                           G_CALLBACK (on_collector_finished), self, 0);
  weft_collector_attach (self->collector, self->context);

  declare_objects (self);

  /* Measured once per process; not inside the first task's time. */
  weft_cpu_iterations_per_ms ();

  /* Worker processes charge the calibrated costs; a bad file is said once, here. */
  if (uses_executor (self, WEFT_EXECUTOR_PROCESSES))
    {
      g_autoptr(GError) calibration_error = NULL;

      if (!weft_calibration_check (&calibration_error))
        g_warning ("%s; the shipped defaults are charged instead", calibration_error->message);
    }

  self->watchdog = g_timeout_source_new (WATCHDOG_INTERVAL_MS);
  g_source_set_callback (self->watchdog, on_watchdog, self, NULL);
  g_source_set_name (self->watchdog, "[weft] run watchdog");
  g_source_attach (self->watchdog, self->context);

  self->started = TRUE;
  self->started_ns = weft_clock_now_ns ();

  if (needs_manager)
    {
      self->manager = weft_manager_start (self->arena, self->wfd, (guint16) self->result.workers, error);
      if (self->manager == NULL)
        {
          close (self->wfd);
          self->wfd = -1;
          return FALSE;
        }
    }

  for (guint g = 0; g < self->n_groups; g++)
    if (!start_group (self, &self->groups[g], error))
      {
        /* Stop what started, and end the stream so that the run still finishes. */
        cancel_workers (self);
        for (guint h = 0; h <= g; h++)
          wait_group (self, &self->groups[h]);
        g_clear_pointer (&self->manager, weft_manager_stop);
        close (self->wfd);
        self->wfd = -1;
        return FALSE;
      }

  /* The joiner keeps the run alive until the workers are gone. */
  self->joiner = g_thread_new ("weft-joiner", joiner_thread, g_object_ref (self));
  return TRUE;
}

/**
 * weft_run_cancel:
 *
 * Stops every worker; waits give up within %WEFT_ARENA_POLL_NS.
 */
void
weft_run_cancel (WeftRun *self)
{
  g_return_if_fail (WEFT_IS_RUN (self));

  if (self->arena == NULL || self->finished)
    return;
  self->result.cancelled = TRUE;
  cancel_workers (self);
}

/**
 * weft_run_interrupt:
 * @reason: what stopped the run, for a person ("SIGINT")
 *
 * Stops the run as weft_run_cancel() does, and marks it interrupted: it
 * ended early because of something outside the profile (a signal, a user),
 * and the result says so (WeftRunResult.interrupted, and an error naming
 * @reason). What the workers recorded until then stays in the model.
 */
void
weft_run_interrupt (WeftRun    *self,
                    const char *reason)
{
  g_return_if_fail (WEFT_IS_RUN (self));
  g_return_if_fail (reason != NULL);

  if (self->arena == NULL || self->finished || !mark_interrupted (self, reason))
    return;
  weft_run_cancel (self);
}

/**
 * weft_run_wait:
 * @context: the context the run was started on
 *
 * Iterates @context until the run has finished: for headless callers.
 */
gboolean
weft_run_wait (WeftRun       *self,
               GMainContext  *context,
               GError       **error)
{
  g_return_val_if_fail (WEFT_IS_RUN (self), FALSE);

  while (!self->finished)
    g_main_context_iteration (context, TRUE);
  return TRUE;
}

/* ---- Waiting without blocking --------------------------------------------- */

typedef struct
{
  WeftRun *run;
  gulong   finished_id;
  gulong   cancelled_id;
} WaitData;

static void
wait_data_free (WaitData *data)
{
  g_clear_signal_handler (&data->finished_id, data->run);
  g_clear_object (&data->run);
  g_free (data);
}

/* Completes the wait once: on ::finished or on cancellation. */
static void
wait_complete (GTask *task)
{
  WaitData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_clear_signal_handler (&data->finished_id, data->run);
  if (data->cancelled_id != 0)
    {
      /* Not g_cancellable_disconnect(): this may run inside the cancel handler */
      g_signal_handler_disconnect (cancellable, data->cancelled_id);
      data->cancelled_id = 0;
    }
  if (weft_run_get_finished (data->run))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "waiting for the run was cancelled");
  g_object_unref (task);
}

static void
on_wait_finished (WeftRun *run,
                  GTask   *task)
{
  wait_complete (task);
}

static gboolean
wait_cancelled_idle (gpointer user_data)
{
  GTask *task = user_data;
  WaitData *data = g_task_get_task_data (task);

  /* Not if ::finished completed the wait first */
  if (data->finished_id != 0 || data->cancelled_id != 0)
    wait_complete (task);
  return G_SOURCE_REMOVE;
}

static void
on_wait_cancelled (GCancellable *cancellable,
                   GTask        *task)
{
  /* The cancel may come from any thread: complete on the task's context */
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT,
                              wait_cancelled_idle, g_object_ref (task), g_object_unref);
}

/**
 * weft_run_wait_async:
 * @cancellable: (nullable): stops waiting (not the run: see weft_run_cancel())
 *
 * Completes once the run has finished (at once if it has), on the calling
 * thread's default main context, without blocking it: for callers with a
 * user interface. The run must have been started on that context.
 */
void
weft_run_wait_async (WeftRun             *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;
  WaitData *data;

  g_return_if_fail (WEFT_IS_RUN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, weft_run_wait_async);
  g_task_set_name (task, "[weft] wait for run");
  data = g_new0 (WaitData, 1);
  data->run = g_object_ref (self);
  g_task_set_task_data (task, data, (GDestroyNotify) wait_data_free);

  /* The task holds itself until completed */
  if (self->finished || g_cancellable_is_cancelled (cancellable))
    {
      wait_complete (task);
      return;
    }
  data->finished_id = g_signal_connect (self, "finished", G_CALLBACK (on_wait_finished), task);
  if (cancellable != NULL)
    data->cancelled_id = g_signal_connect (cancellable, "cancelled", G_CALLBACK (on_wait_cancelled), task);
}

/**
 * weft_run_wait_finish:
 *
 * Returns: %TRUE once the run has finished; %FALSE with @error set
 *   (%G_IO_ERROR_CANCELLED) if the wait was cancelled first
 */
gboolean
weft_run_wait_finish (WeftRun       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (WEFT_IS_RUN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
weft_run_get_finished (WeftRun *self)
{
  g_return_val_if_fail (WEFT_IS_RUN (self), FALSE);
  return self->finished;
}

/**
 * weft_run_get_model:
 *
 * Returns: (transfer none): the trace model the run fills as it goes
 */
WeftTraceModel *
weft_run_get_model (WeftRun *self)
{
  g_return_val_if_fail (WEFT_IS_RUN (self), NULL);
  return self->model;
}

const WeftProfile *
weft_run_get_profile (WeftRun *self)
{
  g_return_val_if_fail (WEFT_IS_RUN (self), NULL);
  return self->profile;
}

/**
 * weft_run_get_result:
 *
 * Returns: (transfer none): what the run found; complete once finished
 */
const WeftRunResult *
weft_run_get_result (WeftRun *self)
{
  g_return_val_if_fail (WEFT_IS_RUN (self), NULL);
  return &self->result;
}
