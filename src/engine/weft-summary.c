/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-arena.h"
#include "weft-json-builder-private.h"
#include "weft-python-version.h"
#include "weft-summary.h"

/**
 * WeftSummary:
 *
 * The figures of one run or one trace, as a typed, immutable object: what
 * ran, wall and serial time, speedup, each worker's time per state, locks,
 * queues, counters, tasks, a deadlock, the main loop's lag and errors.
 * weft-cli prints it (weft_summary_to_json(), weft_summary_to_text()) and
 * the app's views read the same object; docs/cli.md defines every figure.
 */
struct _WeftSummary
{
  GObject            parent_instance;

  WeftSummaryOrigin  origin;
  char              *profile;
  char              *executor;
  int                gil;          /* -1 unknown */
  char              *python;       /* the CPython version the model followed, "3.11"; NULL unknown */
  guint              n_workers;    /* 0 unknown */
  guint64            wall_ns;
  guint64            serial_ns;
  gboolean           serial_from_tasks; /* the tasks reported their work (Weft ran them) */
  gboolean           work_has_waits;    /* … and it includes waits for I/O */

  GArray            *stages;       /* WeftSummaryStage */
  GArray            *workers;      /* WeftSummaryWorker */
  GArray            *locks;        /* WeftSummaryLock */
  GArray            *queues;       /* WeftSummaryQueue */
  GArray            *counters;     /* WeftCounterResult */
  gboolean           has_tasks;
  WeftSummaryTasks   tasks;
  GArray            *deadlock;     /* WeftSummaryWaitLink */
  char              *deadlock_text;
  gboolean           has_loop;
  guint64            loop_max_lag_ns;
  gboolean           cancelled;
  gboolean           interrupted;  /* stopped by a signal (weft_run_interrupt) */
  GPtrArray         *errors;       /* (element-type utf8), NULL-terminated */
};


G_DEFINE_FINAL_TYPE (WeftSummary, weft_summary, G_TYPE_OBJECT)

#define NS_TO_S(ns) ((double) (ns) / 1e9)

static void
clear_named (gpointer data)
{
  /* every element type here starts with its name */
  g_free (*(char **) data);
}

static void
weft_summary_finalize (GObject *object)
{
  WeftSummary *self = WEFT_SUMMARY (object);

  g_free (self->profile);
  g_free (self->executor);
  g_free (self->python);
  g_array_unref (self->stages);
  g_array_unref (self->workers);
  g_array_unref (self->locks);
  g_array_unref (self->queues);
  g_array_unref (self->counters);
  g_array_unref (self->deadlock);
  g_free (self->deadlock_text);
  g_ptr_array_unref (self->errors);

  G_OBJECT_CLASS (weft_summary_parent_class)->finalize (object);
}

static void
weft_summary_class_init (WeftSummaryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = weft_summary_finalize;
}

static void
weft_summary_init (WeftSummary *self)
{
  self->gil = -1;
  self->stages = g_array_new (FALSE, TRUE, sizeof (WeftSummaryStage));
  g_array_set_clear_func (self->stages, clear_named);
  self->workers = g_array_new (FALSE, TRUE, sizeof (WeftSummaryWorker));
  g_array_set_clear_func (self->workers, clear_named);
  self->locks = g_array_new (FALSE, TRUE, sizeof (WeftSummaryLock));
  g_array_set_clear_func (self->locks, clear_named);
  self->queues = g_array_new (FALSE, TRUE, sizeof (WeftSummaryQueue));
  g_array_set_clear_func (self->queues, clear_named);
  self->counters = g_array_new (FALSE, TRUE, sizeof (WeftCounterResult));
  g_array_set_clear_func (self->counters, clear_named);
  self->deadlock = g_array_new (FALSE, TRUE, sizeof (WeftSummaryWaitLink));
  g_array_set_clear_func (self->deadlock, clear_named);
  self->errors = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->tasks.not_started = -1;
}

/* ---- Building ------------------------------------------------------------ */

/* Whether the tasks' work includes waits for I/O, from the timeline: I/O
 * spans, or more work reported than the lanes spent on a CPU (a task's CPU
 * time is measured inside its spans, together with any wait for a core
 * there, so CPU work alone never exceeds them; a coroutine's waits have no
 * spans). */
static gboolean
lanes_show_waits (WeftSummary *self)
{
  guint64 on_cpu_ns = 0, io_ns = 0;

  for (guint i = 0; i < self->workers->len; i++)
    {
      const WeftSummaryWorker *w = &g_array_index (self->workers, WeftSummaryWorker, i);

      for (guint s = 0; s < WEFT_N_STATES; s++)
        if (weft_state_is_on_cpu (s))
          on_cpu_ns += w->state_ns[s];
      /* a task's work time includes the CPU work it was ready for but had
       * no core for: that is not a wait for I/O that could overlap */
      on_cpu_ns += w->state_ns[WEFT_STATE_CORE_WAIT];
      io_ns += w->state_ns[WEFT_STATE_IO];
    }
  /* the tasks' own clock reads and the spans' edges differ by a little:
   * only more than 1 % beyond the lanes' CPU time is a wait */
  return io_ns > 0 || self->serial_ns > on_cpu_ns + on_cpu_ns / 100;
}

static gboolean
steps_wait (const GPtrArray *steps)
{
  for (guint i = 0; steps != NULL && i < steps->len; i++)
    {
      const WeftStep *step = g_ptr_array_index (steps, i);

      if (step->kind == WEFT_STEP_IO || steps_wait (step->steps))
        return TRUE;
    }
  return FALSE;
}

/* Whether a profile's work includes waits for I/O: any io step */
static gboolean
profile_waits (const WeftProfile *profile)
{
  for (guint i = 0; i < profile->tasks->len; i++)
    if (steps_wait (((const WeftTaskSpec *) g_ptr_array_index (profile->tasks, i))->steps))
      return TRUE;
  for (guint i = 0; i < profile->stages->len; i++)
    if (steps_wait (((const WeftStage *) g_ptr_array_index (profile->stages, i))->steps))
      return TRUE;
  return FALSE;
}

static void
collect_workers (WeftSummary    *self,
                 WeftTraceModel *model)
{
  guint n_lanes = weft_trace_model_get_n_lanes (model);

  for (guint i = 0; i < n_lanes; i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      WeftSummaryWorker w = { 0 };
      WeftLaneStats ls;

      if (!weft_trace_model_get_lane_stats (model, weft_lane_get_worker (lane), &ls))
        continue;
      w.name = g_strdup (weft_lane_get_name (lane));
      w.executor = weft_lane_get_executor (lane);
      memcpy (w.state_ns, ls.state_ns, sizeof w.state_ns);
      for (guint s = 0; s < WEFT_N_STATES; s++)
        if (weft_state_is_work (s))
          w.work_ns += ls.state_ns[s];
      w.tasks = weft_lane_stats_get_tasks (&ls);
      g_array_append_val (self->workers, w);

      /* What one worker would take doing everything in turn: the work the
       * tasks reported (CPU time and I/O waits) */
      self->serial_ns += ls.task_work_ns;
      self->tasks.ok += ls.tasks_completed;
      self->tasks.failed += ls.tasks_failed;
      self->tasks.cancelled += ls.tasks_cancelled;
    }

  /* … or, for traces of other programs, the lanes' busy time */
  self->serial_from_tasks = self->serial_ns > 0;
  if (self->serial_ns == 0)
    for (guint i = 0; i < self->workers->len; i++)
      self->serial_ns += g_array_index (self->workers, WeftSummaryWorker, i).work_ns;
  self->work_has_waits = lanes_show_waits (self);
}

static void
collect_locks (WeftSummary    *self,
               WeftTraceModel *model,
               WeftObjectKind  kind)
{
  g_autofree guint32 *ids = NULL;
  guint n;

  ids = weft_trace_model_list_objects (model, kind, &n);
  for (guint i = 0; i < n; i++)
    {
      WeftSummaryLock l = { 0 };

      if (!weft_trace_model_get_lock_stats (model, ids[i], &l.stats))
        continue;
      /* A GIL no one took (processes, each with its own interpreter) is no GIL */
      if (kind == WEFT_OBJECT_GIL && l.stats.acquisitions == 0 && weft_lock_stats_get_waits (&l.stats) == 0)
        continue;
      l.name = g_strdup (weft_trace_model_get_object_name (model, ids[i]));
      l.is_gil = kind == WEFT_OBJECT_GIL;
      l.waits_only = weft_trace_model_lock_waits_only (model, ids[i]);
      g_array_append_val (self->locks, l);
    }
}

static void
collect_queues (WeftSummary    *self,
                WeftTraceModel *model)
{
  g_autofree guint32 *ids = NULL;
  guint n;

  ids = weft_trace_model_list_objects (model, WEFT_OBJECT_QUEUE, &n);
  for (guint i = 0; i < n; i++)
    {
      WeftSummaryQueue q = { 0 };

      if (!weft_trace_model_get_queue_stats (model, ids[i], &q.stats))
        continue;
      q.name = g_strdup (weft_trace_model_get_object_name (model, ids[i]));
      g_array_append_val (self->queues, q);
    }
}

static WeftSummary *
summary_from_model (WeftTraceModel *model)
{
  WeftSummary *self = g_object_new (WEFT_TYPE_SUMMARY, NULL);
  WeftRunStats rs;

  weft_trace_model_get_run_stats (model, &rs);
  self->wall_ns = rs.wall_ns;
  collect_workers (self, model);
  collect_locks (self, model, WEFT_OBJECT_GIL);
  collect_locks (self, model, WEFT_OBJECT_LOCK);
  collect_queues (self, model);
  return self;
}

static void
take_stages (WeftSummary       *self,
             const WeftProfile *profile)
{
  for (guint i = 0; profile != NULL && i < profile->stages->len; i++)
    {
      const WeftStage *stage = g_ptr_array_index (profile->stages, i);
      WeftSummaryStage st = { g_strdup (stage->name), stage->workers, stage->executor };

      g_array_append_val (self->stages, st);
    }
}

static const char *
object_name (const WeftProfile *profile,
             WeftTraceModel    *model,
             guint              object)
{
  const char *name = NULL;

  if (object == WEFT_ARENA_WAIT_GIL)
    return "GIL";
  if (profile != NULL && object < profile->objects->len)
    name = ((const WeftProfileObject *) g_ptr_array_index (profile->objects, object))->name;
  else
    name = weft_trace_model_get_object_name (model, object + WEFT_ARENA_OBJECT_BASE);
  return name != NULL ? name : "?";
}

static void
take_result (WeftSummary         *self,
             WeftTraceModel      *model,
             const WeftProfile   *profile,
             const WeftRunResult *result)
{
  self->executor = g_strdup (result->n_stages > 0 ? "pipeline" : weft_executor_to_nick (result->executor));
  if (result->n_stages > 0)
    take_stages (self, profile);
  self->gil = result->gil ? 1 : 0;
  if (result->python_version != 0)
    self->python = weft_python_version_to_string (result->python_version);
  self->n_workers = result->workers;
  /* The timeline's own span, so that a run and its trace read back agree;
   * a run recorded without events has only its clock. */
  if (self->wall_ns == 0)
    self->wall_ns = result->wall_ns;
  /* A real program's tasks (the CPython runtime) report their work in the
   * result, not on the lanes: its lanes' busy time counts every wait. */
  if (!self->serial_from_tasks && result->work_ns > 0)
    {
      self->serial_ns = result->work_ns;
      self->serial_from_tasks = TRUE;
    }

  for (guint i = 0; i < result->counters->len; i++)
    {
      WeftCounterResult cr = g_array_index (result->counters, WeftCounterResult, i);

      cr.name = g_strdup (cr.name);
      g_array_append_val (self->counters, cr);
    }

  self->has_tasks = TRUE;
  self->tasks.ok = result->tasks_ok;
  self->tasks.failed = result->tasks_failed;
  self->tasks.cancelled = result->tasks_cancelled;
  self->tasks.not_started = result->tasks_not_started;

  for (guint i = 0; i < result->deadlock->len; i++)
    {
      const WeftWaitLink *link = &g_array_index (result->deadlock, WeftWaitLink, i);
      WeftSummaryWaitLink dl = { g_strdup (object_name (profile, model, link->object)), link->worker };

      g_array_append_val (self->deadlock, dl);
    }
  if (result->deadlock->len > 0)
    self->deadlock_text = g_strdup (result->deadlock_text);

  self->has_loop = result->loop_max_lag_ns > 0 || result->executor == WEFT_EXECUTOR_MAINLOOP;
  self->loop_max_lag_ns = result->loop_max_lag_ns;
  self->cancelled = result->cancelled;
  self->interrupted = result->interrupted;
  for (guint i = 0; i < result->errors->len; i++)
    g_ptr_array_add (self->errors, g_strdup (g_ptr_array_index (result->errors, i)));
}

/* A finished trace whose end cut off lanes each waiting for a lock the next
 * holds: a deadlock it ended in, though no run said so (another program's
 * recording, a saved run); a live one's waits may yet end */
static void
deadlock_from_trace (WeftSummary    *self,
                     WeftTraceModel *model)
{
  g_autoptr(GArray) cycle = self->deadlock->len == 0 && weft_trace_model_get_finished (model)
                            ? weft_trace_model_find_lock_cycle (model) : NULL;
  g_autofree char *text = NULL;

  if (cycle == NULL)
    return;
  for (guint i = 0; i < cycle->len; i++)
    {
      const WeftLockWait *link = &g_array_index (cycle, WeftLockWait, i);
      const char *lock = weft_trace_model_get_object_name (model, link->lock);
      WeftSummaryWaitLink dl = { g_strdup (lock != NULL ? lock : "?"), link->worker };

      g_array_append_val (self->deadlock, dl);
    }
  text = weft_trace_model_describe_lock_cycle (model, cycle);
  self->deadlock_text = g_strconcat (text, " (at the trace's end)", NULL);
}

/**
 * weft_summary_new:
 * @model: the run's timeline
 * @profile: (nullable): the profile that ran, if known
 * @result: (nullable): the run's result (a live run has none yet);
 *   without it and without @profile, the summary has only what the
 *   timeline says (origin %WEFT_SUMMARY_ORIGIN_TRACE)
 *
 * Reads @model, @profile and @result during the call only.
 *
 * Returns: (transfer full): the summary
 */
WeftSummary *
weft_summary_new (WeftTraceModel      *model,
                  const WeftProfile   *profile,
                  const WeftRunResult *result)
{
  WeftSummary *self;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (model), NULL);

  self = summary_from_model (model);
  self->origin = result != NULL || profile != NULL ? WEFT_SUMMARY_ORIGIN_RUN : WEFT_SUMMARY_ORIGIN_TRACE;
  if (profile != NULL)
    {
      self->profile = g_strdup (profile->name);
      self->work_has_waits = profile_waits (profile);
    }
  if (result != NULL)
    take_result (self, model, profile, result);
  deadlock_from_trace (self, model);
  return self;
}

static gboolean
meta_is_weft (const WeftTraceMeta *meta)
{
  return meta != NULL && meta->source != NULL && g_str_has_prefix (meta->source, "weft ");
}

/**
 * weft_summary_new_for_trace:
 * @model: a trace read back
 * @meta: (nullable): what the trace file says about its run
 *
 * For a trace Weft wrote (its metadata's source is "weft …"), what ran
 * comes from @meta and the tasks from the lanes; for any other trace, only
 * what the timeline says.
 *
 * Returns: (transfer full): the summary
 */
WeftSummary *
weft_summary_new_for_trace (WeftTraceModel      *model,
                            const WeftTraceMeta *meta)
{
  WeftSummary *self;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (model), NULL);

  self = summary_from_model (model);
  deadlock_from_trace (self, model);
  if (!meta_is_weft (meta))
    {
      self->origin = WEFT_SUMMARY_ORIGIN_TRACE;
      return self;
    }
  self->origin = WEFT_SUMMARY_ORIGIN_WEFT_TRACE;
  self->profile = g_strdup (meta->profile);
  self->executor = g_strdup (meta->executor);
  self->gil = meta->gil;
  self->python = g_strdup (meta->python);
  self->n_workers = meta->workers;
  /* what the run's profile said, where the trace has it, rather than the
   * lanes' estimate */
  if (meta->work_waits >= 0)
    self->work_has_waits = meta->work_waits;
  self->interrupted = meta->interrupted != NULL;
  self->has_tasks = TRUE;
  return self;
}

/* ---- Figures ------------------------------------------------------------- */

WeftSummaryOrigin
weft_summary_get_origin (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), WEFT_SUMMARY_ORIGIN_TRACE);
  return self->origin;
}

/* Returns: (nullable): the profile's name, if known */
const char *
weft_summary_get_profile (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);
  return self->profile;
}

/* Returns: (nullable): "threads", "processes", "mainloop" or "pipeline", if known */
const char *
weft_summary_get_executor (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);
  return self->executor;
}

/* Returns: 1 the simulated GIL was on, 0 off, -1 unknown */
int
weft_summary_get_gil (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), -1);
  return self->gil;
}

/* Returns: (nullable): the CPython version the model followed ("3.11"), if known */
const char *
weft_summary_get_python (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);
  return self->python;
}

/**
 * weft_summary_get_charged_ns:
 * @cost: a state for which weft_state_is_charged_cost() is true
 *
 * Returns: the time all lanes spent in @cost, a cost of the modelled CPython
 */
guint64
weft_summary_get_charged_ns (WeftSummary *self,
                             WeftState    cost)
{
  guint64 ns = 0;

  g_return_val_if_fail (WEFT_IS_SUMMARY (self), 0);
  g_return_val_if_fail (weft_state_is_charged_cost (cost), 0);

  for (guint i = 0; i < self->workers->len; i++)
    ns += g_array_index (self->workers, WeftSummaryWorker, i).state_ns[cost];
  return ns;
}

/* Returns: the number of workers that ran, 0 if unknown */
guint
weft_summary_get_n_workers (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), 0);
  return self->n_workers;
}

guint64
weft_summary_get_wall_ns (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), 0);
  return self->wall_ns;
}

/**
 * weft_summary_format_wall:
 *
 * The run's wall time as every view shows it (the summary's headline, the
 * window's status): seconds with three decimals.
 *
 * Returns: (transfer full): e.g. "2.151 s"
 */
char *
weft_summary_format_wall (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);
  return g_strdup_printf ("%.3f s", NS_TO_S (self->wall_ns));
}

guint64
weft_summary_get_serial_ns (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), 0);
  return self->serial_ns;
}

/**
 * weft_summary_get_work_has_waits:
 *
 * Returns: %TRUE when the tasks' work includes waits for I/O (from the
 *   profile's io steps, or for a trace from its timeline)
 */
gboolean
weft_summary_get_work_has_waits (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), FALSE);
  return self->work_has_waits;
}

/**
 * weft_summary_get_serial_from_tasks:
 *
 * Returns: %TRUE when the serial time is the work the tasks reported (Weft
 *   ran them), %FALSE when it is the lanes' busy time (another program)
 */
gboolean
weft_summary_get_serial_from_tasks (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), FALSE);
  return self->serial_from_tasks;
}

/**
 * weft_summary_get_concurrency:
 *
 * How many times less wall time the run took than its work one after
 * another: serial time over wall time. With waits for I/O this is the
 * overlap of the waits, not a parallel speedup; for another program's
 * trace, how many lanes were busy at once on average.
 *
 * Returns: serial time over wall time, 0 for an empty run
 */
double
weft_summary_get_concurrency (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), 0);
  return self->wall_ns > 0 ? (double) self->serial_ns / (double) self->wall_ns : 0;
}

/**
 * weft_summary_get_speedup:
 * @out_speedup: (out): the tasks' CPU time, one after another, over the
 *   wall time
 *
 * A speedup only against a well-defined serial baseline: the CPU time of
 * the same tasks. Work with waits for I/O has none (its overlap is
 * weft_summary_get_concurrency()), nor has another program's trace.
 *
 * Returns: %FALSE when there is no speedup to give
 */
gboolean
weft_summary_get_speedup (WeftSummary *self,
                          double      *out_speedup)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), FALSE);

  if (!self->serial_from_tasks || self->work_has_waits || self->wall_ns == 0)
    return FALSE;
  *out_speedup = weft_summary_get_concurrency (self);
  return TRUE;
}

/**
 * weft_summary_get_efficiency:
 * @out_efficiency: (out): the speedup per worker, at most 1: each
 *   worker's CPU time is measured inside the run
 *
 * Returns: %FALSE without a speedup or when the number of workers is unknown
 */
gboolean
weft_summary_get_efficiency (WeftSummary *self,
                             double      *out_efficiency)
{
  double speedup;

  g_return_val_if_fail (WEFT_IS_SUMMARY (self), FALSE);

  if (self->n_workers == 0 || !weft_summary_get_speedup (self, &speedup))
    return FALSE;
  *out_efficiency = speedup / self->n_workers;
  return TRUE;
}

/* Returns: tasks that ended, whatever their status */
guint64
weft_summary_get_n_tasks_ended (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), 0);
  return self->tasks.ok + self->tasks.failed + self->tasks.cancelled;
}

/* Returns: the workers that ran, or for a trace that does not say, its lanes */
guint
weft_summary_get_n_workers_or_lanes (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), 0);
  return self->n_workers > 0 ? self->n_workers : self->workers->len;
}

/**
 * weft_summary_dup_overlap_text:
 *
 * Returns: (transfer full) (nullable): for work with waits, what the
 *   overlap bought: "1000 tasks' waits overlapped on 1 worker: 616× less
 *   wall time than one after another"; for another program's trace, "on
 *   average 1.63 lanes busy at once"; NULL when there is a speedup instead
 */
char *
weft_summary_dup_overlap_text (WeftSummary *self)
{
  double speedup;

  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);

  if (weft_summary_get_speedup (self, &speedup) || self->wall_ns == 0)
    return NULL;
  if (!self->serial_from_tasks)
    return g_strdup_printf ("on average %.2f lanes busy at once", weft_summary_get_concurrency (self));
  return g_strdup_printf ("%" G_GUINT64_FORMAT " tasks' waits overlapped on %u worker%s: "
                          "%.0f× less wall time than one after another",
                          weft_summary_get_n_tasks_ended (self), weft_summary_get_n_workers_or_lanes (self),
                          weft_summary_get_n_workers_or_lanes (self) == 1 ? "" : "s",
                          weft_summary_get_concurrency (self));
}

/* Returns: (transfer none): a pipeline's stages (none for a pool) */
const WeftSummaryStage *
weft_summary_get_stages (WeftSummary *self,
                         guint       *n_stages)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);
  *n_stages = self->stages->len;
  return (const WeftSummaryStage *) (gpointer) self->stages->data;
}

/* Returns: (transfer none): one per lane, in the model's lane order */
const WeftSummaryWorker *
weft_summary_get_workers (WeftSummary *self,
                          guint       *n_workers)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);
  *n_workers = self->workers->len;
  return (const WeftSummaryWorker *) (gpointer) self->workers->data;
}

/* Returns: (transfer none): the GIL first (if any), then the locks */
const WeftSummaryLock *
weft_summary_get_locks (WeftSummary *self,
                        guint       *n_locks)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);
  *n_locks = self->locks->len;
  return (const WeftSummaryLock *) (gpointer) self->locks->data;
}

const WeftSummaryQueue *
weft_summary_get_queues (WeftSummary *self,
                         guint       *n_queues)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);
  *n_queues = self->queues->len;
  return (const WeftSummaryQueue *) (gpointer) self->queues->data;
}

/* Returns: (transfer none): the shared counters (a run's only) */
const WeftCounterResult *
weft_summary_get_counters (WeftSummary *self,
                           guint       *n_counters)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);
  *n_counters = self->counters->len;
  return (const WeftCounterResult *) (gpointer) self->counters->data;
}

/* Returns: (transfer none) (nullable): the tasks' outcome; NULL for a
 * foreign trace, whose slices are not tasks */
const WeftSummaryTasks *
weft_summary_get_tasks (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);
  return self->has_tasks ? &self->tasks : NULL;
}

/**
 * weft_summary_get_dominant_wait:
 * @out_ns: (out) (optional): its time summed over workers
 *
 * The wait (weft_state_is_wait()) that took the most time summed over all
 * workers, if it took at least 1 % of the wall time.
 *
 * Returns: the state, or %WEFT_STATE_IDLE when no wait stands out
 */
WeftState
weft_summary_get_dominant_wait (WeftSummary *self,
                                guint64     *out_ns)
{
  WeftState dominant = WEFT_STATE_IDLE;
  guint64 dominant_ns = 0;

  g_return_val_if_fail (WEFT_IS_SUMMARY (self), WEFT_STATE_IDLE);

  for (guint s = 0; s < WEFT_N_STATES; s++)
    {
      guint64 total = 0;

      if (!weft_state_is_wait (s))
        continue;
      for (guint w = 0; w < self->workers->len; w++)
        total += g_array_index (self->workers, WeftSummaryWorker, w).state_ns[s];
      if (total > dominant_ns && (double) total > 0.01 * (double) self->wall_ns)
        {
          dominant_ns = total;
          dominant = s;
        }
    }
  if (out_ns != NULL)
    *out_ns = dominant_ns;
  return dominant;
}

/* Returns: (transfer none): a deadlock's cycle, each worker and the lock it waits for */
const WeftSummaryWaitLink *
weft_summary_get_deadlock (WeftSummary *self,
                           guint       *n_links)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);
  *n_links = self->deadlock->len;
  return (const WeftSummaryWaitLink *) (gpointer) self->deadlock->data;
}

/* Returns: (nullable): "worker 0 waits for b, held by worker 1; …" */
const char *
weft_summary_get_deadlock_text (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);
  return self->deadlock_text;
}

/* Returns: %TRUE for a run on (or with) a main loop, its latest wake-up in @out_max_lag_ns */
gboolean
weft_summary_get_loop_lag (WeftSummary *self,
                           guint64     *out_max_lag_ns)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), FALSE);
  *out_max_lag_ns = self->loop_max_lag_ns;
  return self->has_loop;
}

gboolean
weft_summary_get_cancelled (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), FALSE);
  return self->cancelled;
}

/* Returns: whether a signal stopped the run before its end */
gboolean
weft_summary_get_interrupted (WeftSummary *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (self), FALSE);
  return self->interrupted;
}

/* Returns: (transfer none): NULL-terminated task failures, crashes, … */
const char * const *
weft_summary_get_errors (WeftSummary *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);

  /* an empty NULL-terminated GPtrArray may have no storage yet */
  return self->errors->pdata != NULL ? (const char * const *) self->errors->pdata : none;
}

/**
 * weft_summary_to_trace_meta:
 *
 * What a trace of this run says about it (profile, executor, GIL, workers,
 * the machine); the caller may add the command line.
 *
 * Returns: (transfer full): new metadata
 */
WeftTraceMeta *
weft_summary_to_trace_meta (WeftSummary *self)
{
  WeftTraceMeta *meta;

  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);

  meta = weft_trace_meta_new ();
  meta->profile = g_strdup (self->profile);
  meta->executor = g_strdup (self->executor);
  meta->gil = self->gil;
  /* known for a run of a profile: its I/O steps */
  meta->work_waits = self->origin == WEFT_SUMMARY_ORIGIN_RUN && self->profile != NULL ? self->work_has_waits : -1;
  meta->python = g_strdup (self->python);
  meta->workers = self->n_workers;
  meta->machine = g_strdup_printf ("%s, %u cores", g_get_host_name (), g_get_num_processors ());
  return meta;
}

/**
 * weft_summary_build:
 *
 * Returns: (transfer full): weft_summary_to_json() of weft_summary_new()
 */
JsonNode *
weft_summary_build (WeftTraceModel      *model,
                    const WeftProfile   *profile,
                    const WeftRunResult *result)
{
  g_autoptr(WeftSummary) summary = weft_summary_new (model, profile, result);

  return weft_summary_to_json (summary);
}

/* ---- JSON ---------------------------------------------------------------- */

static void
json_what_ran (WeftSummary *self,
               JsonBuilder *b)
{
  _weft_json_add_string (b, "profile", self->profile);
  _weft_json_add_string (b, "executor", self->executor);
  if (self->stages->len > 0)
    {
      json_builder_set_member_name (b, "stages");
      json_builder_begin_array (b);
      for (guint i = 0; i < self->stages->len; i++)
        {
          const WeftSummaryStage *st = &g_array_index (self->stages, WeftSummaryStage, i);

          json_builder_begin_object (b);
          _weft_json_add_string (b, "name", st->name);
          _weft_json_add_string (b, "executor", weft_executor_to_nick (st->executor));
          _weft_json_add_int (b, "workers", st->workers);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "gil");
  if (self->gil >= 0)
    json_builder_add_boolean_value (b, self->gil);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "python");
  if (self->python != NULL)
    json_builder_add_string_value (b, self->python);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "n_workers");
  if (self->n_workers > 0)
    json_builder_add_int_value (b, self->n_workers);
  else
    json_builder_add_null_value (b);
}

static void
json_figures (WeftSummary *self,
              JsonBuilder *b)
{
  double speedup = 0, efficiency = 0;
  gboolean has_speedup = weft_summary_get_speedup (self, &speedup);
  gboolean has_efficiency = weft_summary_get_efficiency (self, &efficiency);

  _weft_json_add_double (b, "wall_s", NS_TO_S (self->wall_ns));
  _weft_json_add_double (b, "serial_s", NS_TO_S (self->serial_ns));
  _weft_json_add_optional_double (b, "speedup", has_speedup, speedup);
  _weft_json_add_optional_double (b, "efficiency", has_efficiency, efficiency);
  _weft_json_add_double (b, "concurrency", weft_summary_get_concurrency (self));
  json_builder_set_member_name (b, "work_has_waits");
  json_builder_add_boolean_value (b, self->work_has_waits);
}

static void
json_workers (WeftSummary *self,
              JsonBuilder *b)
{
  json_builder_set_member_name (b, "workers");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->workers->len; i++)
    {
      const WeftSummaryWorker *w = &g_array_index (self->workers, WeftSummaryWorker, i);

      json_builder_begin_object (b);
      _weft_json_add_string (b, "name", w->name);
      _weft_json_add_string (b, "executor", weft_executor_to_nick (w->executor));
      _weft_json_add_double (b, "busy_s", NS_TO_S (w->work_ns));
      json_builder_set_member_name (b, "wait_s");
      json_builder_begin_object (b);
      for (guint s = 0; s < WEFT_N_STATES; s++)
        if (!weft_state_is_on_cpu (s))
          _weft_json_add_double (b, weft_state_to_nick (s), NS_TO_S (w->state_ns[s]));
      json_builder_end_object (b);
      _weft_json_add_int (b, "tasks", (gint64) w->tasks);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "charged_s");
  json_builder_begin_object (b);
  for (guint s = 0; s < WEFT_N_STATES; s++)
    if (weft_state_is_charged_cost (s))
      _weft_json_add_double (b, weft_state_to_nick (s), NS_TO_S (weft_summary_get_charged_ns (self, s)));
  json_builder_end_object (b);
}

static void
json_objects (WeftSummary *self,
              JsonBuilder *b)
{
  json_builder_set_member_name (b, "locks");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->locks->len; i++)
    {
      const WeftSummaryLock *l = &g_array_index (self->locks, WeftSummaryLock, i);

      json_builder_begin_object (b);
      _weft_json_add_string (b, "name", l->name);
      json_builder_set_member_name (b, "acquisitions");
      if (l->waits_only)
        json_builder_add_null_value (b);   /* those without a wait were not recorded */
      else
        json_builder_add_int_value (b, (gint64) l->stats.acquisitions);
      _weft_json_add_int (b, "contended", (gint64) l->stats.contended);
      _weft_json_add_int (b, "waits", (gint64) weft_lock_stats_get_waits (&l->stats));
      _weft_json_add_int (b, "unacquired", (gint64) l->stats.unacquired);
      _weft_json_add_optional_double (b, "contended_share", !l->waits_only,
                                      weft_lock_stats_get_contention (&l->stats));
      _weft_json_add_double (b, "wait_s", NS_TO_S (l->stats.total_wait_ns));
      _weft_json_add_double (b, "mean_wait_s", NS_TO_S (weft_lock_stats_get_mean_wait_ns (&l->stats)));
      _weft_json_add_double (b, "max_wait_s", NS_TO_S (l->stats.max_wait_ns));
      _weft_json_add_optional_double (b, "hold_s", !l->waits_only, NS_TO_S (l->stats.total_hold_ns));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "queues");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->queues->len; i++)
    {
      const WeftSummaryQueue *q = &g_array_index (self->queues, WeftSummaryQueue, i);

      json_builder_begin_object (b);
      _weft_json_add_string (b, "name", q->name);
      _weft_json_add_int (b, "puts", (gint64) q->stats.puts);
      _weft_json_add_int (b, "gets", (gint64) q->stats.gets);
      _weft_json_add_int (b, "get_waits", (gint64) q->stats.get_waits);
      _weft_json_add_int (b, "put_waits", (gint64) q->stats.put_waits);
      _weft_json_add_int (b, "max_depth", q->stats.max_depth);
      _weft_json_add_double (b, "blocked_s", NS_TO_S (q->stats.blocked_ns));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "counters");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->counters->len; i++)
    {
      const WeftCounterResult *c = &g_array_index (self->counters, WeftCounterResult, i);

      json_builder_begin_object (b);
      _weft_json_add_string (b, "name", c->name);
      _weft_json_add_int (b, "expected", c->expected);
      _weft_json_add_int (b, "actual", c->actual);
      _weft_json_add_int (b, "lost", c->lost);
      _weft_json_add_string (b, "backend", c->backend == WEFT_BACKEND_MANAGER ? "manager" : "memory");
      _weft_json_add_optional_double (b, "ns_per_op", c->ns_per_op > 0, c->ns_per_op);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
json_tasks (WeftSummary *self,
            JsonBuilder *b)
{
  json_builder_set_member_name (b, "tasks");
  if (!self->has_tasks)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  _weft_json_add_int (b, "ok", (gint64) self->tasks.ok);
  _weft_json_add_int (b, "failed", (gint64) self->tasks.failed);
  _weft_json_add_int (b, "cancelled", (gint64) self->tasks.cancelled);
  json_builder_set_member_name (b, "not_started");
  if (self->tasks.not_started >= 0)
    json_builder_add_int_value (b, self->tasks.not_started);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

static void
json_outcome (WeftSummary *self,
              JsonBuilder *b)
{
  if (self->deadlock->len > 0)
    {
      json_builder_set_member_name (b, "deadlock");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "cycle");
      json_builder_begin_array (b);
      for (guint i = 0; i < self->deadlock->len; i++)
        {
          const WeftSummaryWaitLink *link = &g_array_index (self->deadlock, WeftSummaryWaitLink, i);

          json_builder_begin_object (b);
          _weft_json_add_int (b, "worker", link->worker);
          _weft_json_add_string (b, "waits_for", link->waits_for);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      _weft_json_add_string (b, "text", self->deadlock_text);
      json_builder_end_object (b);
    }

  if (self->has_loop)
    {
      json_builder_set_member_name (b, "loop");
      json_builder_begin_object (b);
      _weft_json_add_double (b, "max_lag_ms", self->loop_max_lag_ns / 1e6);
      json_builder_end_object (b);
    }

  if (self->origin == WEFT_SUMMARY_ORIGIN_RUN)
    {
      json_builder_set_member_name (b, "cancelled");
      json_builder_add_boolean_value (b, self->cancelled);
      json_builder_set_member_name (b, "interrupted");
      json_builder_add_boolean_value (b, self->interrupted);
    }

  json_builder_set_member_name (b, "errors");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->errors->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (self->errors, i));
  json_builder_end_array (b);
}

/**
 * weft_summary_to_json:
 *
 * The summary as docs/cli.md documents it: what is unknown (a trace's
 * profile, executor, GIL, workers, tasks) is null, not left out.
 *
 * Returns: (transfer full): the summary document
 */
JsonNode *
weft_summary_to_json (WeftSummary *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);

  json_builder_begin_object (b);
  json_what_ran (self, b);
  json_figures (self, b);
  json_workers (self, b);
  json_objects (self, b);
  json_tasks (self, b);
  json_outcome (self, b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- Text ---------------------------------------------------------------- */

/* The CPython the model followed, and what that decided. */
static void
append_python (WeftSummary *self,
               GString     *s)
{
  guint version;

  if (self->python == NULL)
    return;
  g_string_append_printf (s, "model     CPython %s", self->python);
  if (self->gil == 1 && weft_python_version_parse (self->python, &version))
    g_string_append (s, weft_python_version_switches_inside_statements (version)
                        ? ": the GIL may switch between bytecodes, so `+=` can be torn"
                        : ": the GIL switches only at backward jumps and calls");
  g_string_append_c (s, '\n');
}

static void
text_what_ran (WeftSummary *self,
               GString     *s)
{
  g_autofree char *overlap = weft_summary_dup_overlap_text (self);
  double speedup, efficiency;

  if (self->profile != NULL)
    g_string_append_printf (s, "profile   %s\n", self->profile);
  if (self->executor != NULL)
    {
      g_string_append_printf (s, "executor  %s", self->executor);
      if (self->n_workers > 0)
        g_string_append_printf (s, ", %u worker%s", self->n_workers, self->n_workers == 1 ? "" : "s");
      if (self->gil >= 0)
        g_string_append_printf (s, ", GIL %s", self->gil ? "on" : "off");
      g_string_append_c (s, '\n');
    }
  append_python (self, s);
  g_string_append_printf (s, "wall      %.3f s\nserial    %.3f s (%s, one after another)\n",
                          NS_TO_S (self->wall_ns), NS_TO_S (self->serial_ns),
                          !self->serial_from_tasks ? "the lanes' busy time"
                          : self->work_has_waits ? "the work of every task with its waits"
                          : "the CPU time of every task");
  if (weft_summary_get_speedup (self, &speedup))
    {
      g_string_append_printf (s, "speedup   %.2f×", speedup);
      if (weft_summary_get_efficiency (self, &efficiency))
        g_string_append_printf (s, ", efficiency %.0f %%", 100 * efficiency);
      g_string_append_c (s, '\n');
    }
  else if (overlap != NULL)
    g_string_append_printf (s, "overlap   %s\n", overlap);
}

/* The costs of the modelled CPython, when the run charged any. */
static void
text_charged (WeftSummary *self,
              GString     *s)
{
  gboolean any = FALSE;

  for (guint st = 0; st < WEFT_N_STATES; st++)
    {
      g_autofree char *name = NULL;
      guint64 ns;

      if (!weft_state_is_charged_cost (st) || (ns = weft_summary_get_charged_ns (self, st)) == 0)
        continue;
      name = g_utf8_strdown (weft_state_to_string (st), -1);
      g_string_append_printf (s, "%s%s %.3f s", any ? ", " : "charged   ", name, NS_TO_S (ns));
      any = TRUE;
    }
  if (any)
    g_string_append (s, " (CPython's costs, charged as CPU work)\n");
}

static void
text_workers (WeftSummary *self,
              GString     *s)
{
  if (self->workers->len == 0)
    return;
  g_string_append_printf (s, "\n%-20s %8s %8s %8s %8s %8s %8s %6s\n", "worker", "busy s",
                          "lock", "gil", "queue", "io", "idle", "tasks");
  for (guint i = 0; i < self->workers->len; i++)
    {
      const WeftSummaryWorker *w = &g_array_index (self->workers, WeftSummaryWorker, i);

      g_string_append_printf (s, "%-20s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %6" G_GUINT64_FORMAT "\n",
                              w->name, NS_TO_S (w->work_ns),
                              NS_TO_S (w->state_ns[WEFT_STATE_LOCK_WAIT]),
                              NS_TO_S (w->state_ns[WEFT_STATE_GIL_WAIT]),
                              NS_TO_S (w->state_ns[WEFT_STATE_QUEUE_PUT] + w->state_ns[WEFT_STATE_QUEUE_GET]),
                              NS_TO_S (w->state_ns[WEFT_STATE_IO]),
                              NS_TO_S (w->state_ns[WEFT_STATE_IDLE]),
                              w->tasks);
    }
  text_charged (self, s);
}

static void
text_objects (WeftSummary *self,
              GString     *s)
{
  if (self->locks->len > 0)
    g_string_append_printf (s, "\n%-20s %10s %10s %10s %10s %11s %10s %10s\n", "lock", "acquired",
                            "waits", "contended", "wait s", "mean wait s", "max wait s", "hold s");
  for (guint i = 0; i < self->locks->len; i++)
    {
      const WeftSummaryLock *l = &g_array_index (self->locks, WeftSummaryLock, i);

      if (l->waits_only)
        {
          /* a recorded lock: what an acquisition without a wait was is not known */
          /* "—" is one column but three bytes: %12s pads it to 10 columns */
          g_string_append_printf (s, "%-20s %12s %10" G_GUINT64_FORMAT " %12s %10.3f %11.4f %10.4f %12s\n",
                                  l->name, "—", weft_lock_stats_get_waits (&l->stats), "—",
                                  NS_TO_S (l->stats.total_wait_ns),
                                  NS_TO_S (weft_lock_stats_get_mean_wait_ns (&l->stats)),
                                  NS_TO_S (l->stats.max_wait_ns), "—");
          continue;
        }
      g_string_append_printf (s, "%-20s %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT
                              " %9.1f%% %10.3f %11.4f %10.4f %10.3f\n", l->name, l->stats.acquisitions,
                              weft_lock_stats_get_waits (&l->stats),
                              100.0 * weft_lock_stats_get_contention (&l->stats),
                              NS_TO_S (l->stats.total_wait_ns),
                              NS_TO_S (weft_lock_stats_get_mean_wait_ns (&l->stats)),
                              NS_TO_S (l->stats.max_wait_ns), NS_TO_S (l->stats.total_hold_ns));
    }
  for (guint i = 0; i < self->locks->len; i++)
    {
      const WeftSummaryLock *l = &g_array_index (self->locks, WeftSummaryLock, i);

      if (l->stats.unacquired > 0)
        g_string_append_printf (s, "%s: %" G_GUINT64_FORMAT " of its waits never acquired it"
                                " (the run ended first)\n", l->name, l->stats.unacquired);
    }

  if (self->queues->len > 0)
    g_string_append_printf (s, "\n%-20s %10s %10s %10s %10s %10s %10s\n", "queue", "puts", "gets",
                            "get waits", "put waits", "max depth", "blocked s");
  for (guint i = 0; i < self->queues->len; i++)
    {
      const WeftSummaryQueue *q = &g_array_index (self->queues, WeftSummaryQueue, i);

      g_string_append_printf (s, "%-20s %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT
                              " %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT
                              " %10" G_GINT64_FORMAT " %10.3f\n", q->name, q->stats.puts,
                              q->stats.gets, q->stats.get_waits, q->stats.put_waits,
                              q->stats.max_depth, NS_TO_S (q->stats.blocked_ns));
    }

  if (self->counters->len > 0)
    g_string_append_printf (s, "\n%-20s %12s %12s %12s %10s %8s\n", "counter", "expected", "actual",
                            "lost", "ns/op", "via");
  for (guint i = 0; i < self->counters->len; i++)
    {
      const WeftCounterResult *c = &g_array_index (self->counters, WeftCounterResult, i);
      /* not measured (a recording of another program): a dash, not 0 */
      g_autofree char *per_op = c->ns_per_op > 0 ? g_strdup_printf ("%10.0f", c->ns_per_op)
                                                 : g_strdup_printf ("%9s%s", "", "—");

      g_string_append_printf (s, "%-20s %12" G_GINT64_FORMAT " %12" G_GINT64_FORMAT
                              " %12" G_GINT64_FORMAT " %s %8s\n", c->name, c->expected,
                              c->actual, c->lost, per_op,
                              c->backend == WEFT_BACKEND_MANAGER ? "manager" : "memory");
    }
}

/**
 * weft_summary_to_text:
 *
 * Returns: (transfer full): the summary as a few aligned tables for a terminal
 */
char *
weft_summary_to_text (WeftSummary *self)
{
  GString *s;

  g_return_val_if_fail (WEFT_IS_SUMMARY (self), NULL);

  s = g_string_new (NULL);
  text_what_ran (self, s);
  text_workers (self, s);
  text_objects (self, s);
  if (self->has_loop)
    g_string_append_printf (s, "\nmain loop: wake-ups came up to %.1f ms late\n",
                            self->loop_max_lag_ns / 1e6);
  if (self->deadlock_text != NULL)
    g_string_append_printf (s, "\ndeadlock: %s\n", self->deadlock_text);
  for (guint i = 0; i < self->errors->len; i++)
    g_string_append_printf (s, "%serror: %s\n", i == 0 ? "\n" : "",
                            (const char *) g_ptr_array_index (self->errors, i));
  return g_string_free (s, FALSE);
}
