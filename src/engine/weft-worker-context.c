/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "weft-calibration.h"
#include "weft-manager.h"
#include "weft-python-version.h"
#include "weft-worker-context.h"

#define MAX_FRAMES 40

/* CPU work checks the GIL's drop request and the cancel flag this often. */
#define CPU_CHECK_EVERY 1024

/* CPU work samples its thread's CPU time after about this much work: one
 * clock_gettime (CLOCK_THREAD_CPUTIME_ID) costs 1-3 us here. */
#define CORE_SAMPLE_US 400

/* Shorter gaps between wall and CPU time are the clocks' own jitter. */
#define CORE_WAIT_MIN_NS 20000

/* Between samples the loops read the cheap wall clock every CORE_TICK_EVERY
 * checks (about 10 us of work); a step longer than CORE_GAP_NS means the
 * thread was taken off its core during that step, and samples at once, so
 * that the wait lands where it happened, not at the end of a 400 us interval. */
#define CORE_TICK_EVERY 8
#define CORE_GAP_NS 50000

/* A few iterations between reading a counter and writing it back: the window
 * in which another thread's increment gets lost, as in `counter += 1`. */
#define RACE_WINDOW_ITERATIONS 40

/* A counter's increments count themselves as done every 64, and put the
 * counter's value and its lost updates on the timeline every
 * RACE_SAMPLE_EVERY (about 250 points per million increments). */
#define RACE_SAMPLE_EVERY 4096

struct _WeftWorkerContext
{
  guint16             worker;
  const WeftProfile  *profile;
  WeftArena          *arena;
  WeftWireWriter     *writer;
  WeftGil            *gil;
  gboolean            holds_gil;
  gboolean            switch_inside_increment; /* the GIL may switch inside `+=` (CPython <= 3.9) */
  double              message_ns;      /* a queue message's pickling and framing, each side; 0: none */
  double              pickle_ns_per_byte;
  gboolean            yield_io;
  guint8             *scratch;
  gsize               scratch_size;
  int                 manager_fd;      /* connection to the run's manager, -1 until needed */
  gboolean            flush_task_begin;

  /* Waiting for a core, measured during CPU work (see core_sample()) */
  guint32             task_id;         /* the task whose CPU work is measured */
  gboolean            core_on;         /* inside CPU work, with a writer */
  guint64             core_wall_ns;    /* the last sample: writer's clock */
  guint64             core_cpu_ns;     /*   and this thread's CPU time */
  guint64             core_tick_ns;    /* the last cheap wall-clock reading */
  gboolean            core_armed;      /* core_wall_ns/core_cpu_ns hold the task's start */
  gint64              core_budget;     /* iterations left until the next sample */

  /* The lost updates this worker recorded last (recorded again on change) */
  guint32             lost_id;
  gint64              lost;
};

typedef struct
{
  const GPtrArray *steps;
  guint            index;
  gint64           remaining;
  const WeftStep  *owner;
} Frame;

struct _WeftTaskRun
{
  WeftWorkerContext *context;
  guint32            task_id;
  guint              spec_index;
  Frame              frames[MAX_FRAMES];
  int                depth;           /* index of the top frame, -1 when done */
  gboolean           started;
  gboolean           suspendable;     /* a coroutine: each stretch is its own RUNNING span */
  gboolean           in_io;           /* yielded inside an io step */
  guint64            cpu_ns;          /* this task's CPU time so far */
  gint64             items_done;      /* a coroutine's multi-item put or get, so far */
  guint64            poll_ns;         /* a coroutine's wait for a queue: its next poll */
  guint64            io_ns;           /* this task's waits for io so far */
  guint64            io_pending_ns;   /* a coroutine's io wait under way, counted when it resumes */
  guint64            resume_at;
  WeftTaskStatus     status;
  char              *error;
};

/* ---- CPU work ----------------------------------------------------------- */

/* The chapter's task, sum(i*i for i in range(n)), in C. One copy of the
 * loop, never inlined: calibration and every worker, thread or process, run
 * the very same code. */
static __attribute__ ((noinline, aligned (64))) guint64
sum_of_squares (guint64 from,
                guint64 to,
                guint64 acc)
{
  for (guint64 i = from; i < to; i++)
    {
      /* Each step waits for the last multiply: a speed set by the
       * multiplier's latency, not by how the loop happens to be fetched
       * (a plain running sum ran at speeds twice apart in one binary and
       * another). The weighting keeps it a sum of squares, mod 2^64. */
      acc = acc * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) + i * i;
      /* keep the compiler from folding the loop away */
      __asm__ volatile ("" : "+r" (acc));
    }
  return acc;
}

void
weft_cpu_spin (guint64 iterations)
{
  guint64 acc = sum_of_squares (0, iterations, 0);

  __asm__ volatile ("" : : "r" (acc));
}

static guint64
thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (guint64) ts.tv_sec * 1000000000 + (guint64) ts.tv_nsec;
}

/**
 * weft_cpu_spin_ns:
 * @ns: CPU time to use
 *
 * Spins the CPU loop until the calling thread has used @ns of CPU time
 * (not wall time: a thread without a core spins on when it has one again).
 */
void
weft_cpu_spin_ns (double ns)
{
  guint64 cpu0 = thread_cpu_ns ();

  while ((double) (thread_cpu_ns () - cpu0) < ns)
    weft_cpu_spin (CPU_CHECK_EVERY / 8);
}

/* Worker processes inherit the rate their parent measured, so that a
 * millisecond of CPU work is the same amount of work in every worker. */
#define RATE_ENV "WEFT_CPU_ITERATIONS_PER_MS"

static gpointer
calibrate (gpointer data)
{
  guint64 n = 100000, best = G_MAXUINT64, rate;
  guint round = 0;
  const char *inherited = g_getenv (RATE_ENV);

  if (inherited != NULL && (rate = g_ascii_strtoull (inherited, NULL, 10)) > 0)
    return GSIZE_TO_POINTER ((gsize) rate);

  /* This thread's CPU time, not the wall clock: on a busy machine the
   * thread may be preempted, but the work per iteration is the same. */
  /* Ten rounds of at least 5 ms, the fastest kept: on a virtual machine a
   * round may also be charged time the host gave to someone else. */
  while (round < 10)
    {
      guint64 t0 = thread_cpu_ns (), dt;

      weft_cpu_spin (n);
      dt = thread_cpu_ns () - t0;
      if (dt < 5000000)
        {
          n *= 2;
          continue;
        }
      best = MIN (best, dt * 1000 / n); /* ps per iteration */
      round++;
    }

  rate = MAX (1, 1000000000 / MAX (best, 1));
  {
    g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, rate);
    /* Called before any worker starts; children started later inherit it. */
    g_setenv (RATE_ENV, text, TRUE);
  }
  return GSIZE_TO_POINTER ((gsize) rate);
}

/**
 * weft_cpu_iterations_per_ms:
 *
 * Returns: how many sum-of-squares iterations take a millisecond here,
 *   measured once per process
 */
guint64
weft_cpu_iterations_per_ms (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, calibrate, NULL);
  return GPOINTER_TO_SIZE (once.retval);
}

/* ---- context ------------------------------------------------------------ */

/**
 * weft_worker_context_new:
 * @writer: (nullable): where events go; %NULL runs without recording
 * @gil: (nullable): the GIL to hold for CPU work
 * @yield_io: whether non-blocking io yields (a main loop) or sleeps
 *
 * Returns: (transfer full): a context for one worker thread or process
 */
WeftWorkerContext *
weft_worker_context_new (guint16            worker,
                         const WeftProfile *profile,
                         WeftArena         *arena,
                         WeftWireWriter    *writer,
                         WeftGil           *gil,
                         gboolean           yield_io)
{
  WeftWorkerContext *self = g_new0 (WeftWorkerContext, 1);

  self->worker = worker;
  self->profile = profile;
  self->arena = arena;
  self->writer = writer;
  self->gil = gil;
  self->yield_io = yield_io;
  self->manager_fd = -1;
  weft_worker_context_set_python_version (self, profile->python_version != 0
                                                ? profile->python_version
                                                : WEFT_PYTHON_VERSION_FALLBACK);
  return self;
}

/**
 * weft_worker_context_set_message_cost:
 * @message_ns: what each side of a queue message between processes costs
 *   (pickling or unpickling, and the pipe's framing)
 * @ns_per_byte: what pickling a payload costs per byte, charged by the put
 *
 * Makes the queue steps of a worker process charge CPython's per-message
 * costs (as *pickling*); threads and the main loop move no messages
 * between processes and charge nothing.
 */
void
weft_worker_context_set_message_cost (WeftWorkerContext *self,
                                      double             message_ns,
                                      double             ns_per_byte)
{
  self->message_ns = message_ns;
  self->pickle_ns_per_byte = ns_per_byte;
}

/**
 * weft_worker_context_set_python_version:
 * @version: the CPython to model, 311 for 3.11
 *
 * Where the GIL may change hands: 3.10 and later switch only at a backward
 * jump or a call, so an increment's read and write stay together; 3.9 and
 * earlier may switch between them.
 */
void
weft_worker_context_set_python_version (WeftWorkerContext *self,
                                        guint              version)
{
  self->switch_inside_increment = weft_python_version_switches_inside_statements (version);
}

/**
 * weft_worker_context_set_flush_task_begin:
 *
 * Whether a task's TASK_BEGIN goes out at once (one more write per task):
 * for a worker process, which can be killed, so that the task it dies
 * running is on its lane and not lost in its buffer.
 */
void
weft_worker_context_set_flush_task_begin (WeftWorkerContext *self,
                                          gboolean           flush)
{
  self->flush_task_begin = flush;
}

void
weft_worker_context_free (WeftWorkerContext *self)
{
  if (self == NULL)
    return;

  if (self->manager_fd >= 0)
    close (self->manager_fd);
  g_free (self->scratch);
  g_free (self);
}

static inline void core_tick (WeftWorkerContext *self, gint64 iterations);

/* A wait drawn later never begins before a record (the reader would drop
 * it), so during CPU work a jump in the wall clock before one is measured
 * first, not lost behind it. */
static inline void
record (WeftWorkerContext *self,
        WeftEventKind      kind,
        guint32            object,
        gint64             arg0,
        gint64             arg1)
{
  if (self->writer == NULL)
    return;
  core_tick (self, 0);
  weft_wire_writer_record (self->writer, kind, object, arg0, arg1);
}

static inline gboolean
cancelled (WeftWorkerContext *self)
{
  return weft_arena_is_cancelled (self->arena);
}

/* @waiting: a forced drop already put the wait on the timeline;
 * @since_ns: when the thread began to want it (see weft_gil_take()), or 0 */
static gboolean
take_gil_waiting (WeftWorkerContext *self,
                  gboolean           waiting,
                  guint64            since_ns)
{
  if (self->gil == NULL || self->holds_gil)
    return TRUE;
  while (!weft_gil_take (self->gil, self->worker, self->writer, NULL, waiting, since_ns))
    ;
  self->holds_gil = TRUE;
  return TRUE;
}

static gboolean
take_gil (WeftWorkerContext *self)
{
  return take_gil_waiting (self, FALSE, 0);
}

static void
drop_gil (WeftWorkerContext *self,
          gboolean           forced)
{
  if (self->gil == NULL || !self->holds_gil)
    return;
  weft_gil_drop (self->gil, self->worker, self->writer, forced);
  self->holds_gil = FALSE;
}

/*
 * Waiting for a core. A thread doing CPU work is ready to run the whole time;
 * wall time that passed without CPU time was spent waiting for a core. The
 * loops sample both clocks every CORE_SAMPLE_US of work, at the points where
 * they check the GIL and cancel, and put the difference on the timeline as a
 * CORE_WAIT span nested in the task (or its GIL hold). Anything that may
 * block (a forced GIL drop) closes the interval first and starts a new one
 * after.
 *
 * The drawn wait covers the real one, so that the thread is never drawn
 * running while another ran on its core: a jump in the wall clock between
 * two ticks is drawn from the tick before it to the sample after it, the
 * CPU time of that one step (at most CORE_TICK_EVERY checks of work) drawn
 * as waiting too. A loss without a jump (stretches shorter than CORE_GAP_NS
 * less a step) is drawn ending at the sample.
 */
static gint64
core_sample_iterations (void)
{
  return (gint64) MAX (1, weft_cpu_iterations_per_ms () * CORE_SAMPLE_US / 1000);
}

static void
core_restart (WeftWorkerContext *self)
{
  if (!self->core_on)
    return;
  self->core_wall_ns = weft_wire_writer_now (self->writer);
  self->core_cpu_ns = thread_cpu_ns ();
  self->core_tick_ns = self->core_wall_ns;
  self->core_budget = core_sample_iterations ();
}

/* A task's first CPU step measures from the task's start: the record of
 * its begin may write to the pipe, and a preemption right there is a wait too. */
static void
core_arm (WeftWorkerContext *self,
          guint64            wall_ns,
          guint64            cpu_ns)
{
  self->core_armed = self->writer != NULL;
  self->core_wall_ns = wall_ns;
  self->core_cpu_ns = cpu_ns;
}

static void
core_start (WeftWorkerContext *self)
{
  self->core_on = self->writer != NULL;
  if (self->core_armed && self->core_on)
    {
      self->core_armed = FALSE;
      self->core_tick_ns = self->core_wall_ns;
      self->core_budget = core_sample_iterations ();
      return;
    }
  core_restart (self);
}

/* @gap_ns: the tick before a jump in the wall clock, or 0.
 * Returns: whether a wait was recorded */
static gboolean
core_measure (WeftWorkerContext *self,
              guint64            gap_ns)
{
  guint64 wall, cpu, wall_d, cpu_d;
  gboolean lost;

  if (!self->core_on)
    return FALSE;
  wall = weft_wire_writer_now (self->writer);
  cpu = thread_cpu_ns ();
  wall_d = wall - self->core_wall_ns;
  cpu_d = cpu - self->core_cpu_ns;
  lost = wall_d > cpu_d + CORE_WAIT_MIN_NS;
  if (lost)
    {
      guint64 begin = gap_ns != 0 ? gap_ns : wall - (wall_d - cpu_d);

      begin = MAX (begin, weft_wire_writer_get_last_time (self->writer));
      weft_wire_writer_record_full (self->writer, begin, self->worker,
                                    WEFT_EVENT_CORE_WAIT_BEGIN, self->task_id, 0, 0);
      weft_wire_writer_record_full (self->writer, wall, self->worker,
                                    WEFT_EVENT_CORE_WAIT_END, self->task_id, 0, 0);
    }
  /* The next interval starts where this one ended, so that none of the
   * thread's time falls between two: a preemption is most likely right at
   * the return from the clock's own system call. */
  self->core_wall_ns = wall;
  self->core_cpu_ns = cpu;
  self->core_tick_ns = wall;
  self->core_budget = core_sample_iterations ();
  return lost;
}

static void
core_sample (WeftWorkerContext *self)
{
  core_measure (self, 0);
}

/* Ends CPU work; the last sample stays armed for what follows without a
 * block: the next CPU step, or the next step or frame's end, or the task's
 * end (see core_finish()). */
static void
core_stop (WeftWorkerContext *self)
{
  core_sample (self);
  self->core_armed = self->core_on;
  self->core_on = FALSE;
}

/* Before anything that may block, or the task's end: measures the stretch
 * since its last CPU work (or since core_arm_now()). It had no ticks: a wait
 * in it is drawn over all of it. Returns the time the thread's time is
 * accounted for until (now, if nothing was armed; 0 without a writer). */
static guint64
core_finish (WeftWorkerContext *self)
{
  if (self->writer == NULL)
    return 0;
  if (!self->core_armed)
    return weft_wire_writer_now (self->writer);
  self->core_on = TRUE;
  /* Recording a wait may lose the core again: its write to the event pipe
   * wakes the collector, which can take this thread's core. So can the
   * measurement's own clock reads: a loss between them shows as time gone
   * since the wall clock was read. That is measured too, a few times over;
   * what is left is said to be less. */
  for (guint pass = 0; pass < 3; pass++)
    if (!core_measure (self, self->core_wall_ns) &&
        weft_wire_writer_now (self->writer) - self->core_wall_ns <= CORE_WAIT_MIN_NS)
      break;
  self->core_on = FALSE;
  self->core_armed = FALSE;
  return self->core_wall_ns;
}

/* After a step whose own records may have lost the core (see above): the
 * time since its last record, without CPU time, is a wait for a core. */
static void
core_since_last_record (WeftWorkerContext *self)
{
  if (self->writer == NULL)
    return;
  core_arm (self, weft_wire_writer_get_last_time (self->writer), thread_cpu_ns ());
  core_finish (self);
}

/* After something that cannot block but may wake another thread, which can
 * take this one's core (a lock's or the GIL's release): measure from here. */
static void
core_arm_now (WeftWorkerContext *self)
{
  if (self->writer != NULL)
    core_arm (self, weft_wire_writer_now (self->writer), thread_cpu_ns ());
}

/* Releases the GIL before a step that may block: the thread it wakes may
 * take this one's core, so the time from here until the step is measured
 * (core_finish()) and, without CPU time, drawn as waiting for a core. */
static void
drop_gil_off_core (WeftWorkerContext *self)
{
  guint64 cpu;

  if (self->gil == NULL || !self->holds_gil)
    return;
  cpu = self->writer != NULL ? thread_cpu_ns () : 0;
  drop_gil (self, FALSE);
  /* from the release's own record: a preemption inside it counts */
  if (self->writer != NULL)
    core_arm (self, weft_wire_writer_get_last_time (self->writer), cpu);
}

/* Takes the GIL back after such a step: what was armed for it is over (the
 * wait for the GIL is drawn as such, not as a wait for a core). */
static void
take_gil_after (WeftWorkerContext *self)
{
  if (self->gil != NULL)
    self->core_armed = FALSE;
  take_gil (self);
}

/* Counts @iterations of CPU work; samples when the wall clock jumped since
 * the last tick, or when the budget is spent. */
static inline void
core_tick (WeftWorkerContext *self,
           gint64             iterations)
{
  guint64 now;

  if (!self->core_on)
    return;
  now = weft_wire_writer_now (self->writer);
  if (now - self->core_tick_ns > CORE_GAP_NS)
    core_measure (self, self->core_tick_ns);
  else if ((self->core_budget -= iterations) <= 0)
    core_sample (self);
  else
    self->core_tick_ns = now;
}

/* Honours a pending drop request: what CPython's eval loop does between bytecodes. */
static inline void
gil_checkpoint (WeftWorkerContext *self)
{
  if (self->gil != NULL && self->holds_gil && weft_gil_drop_requested (self->gil))
    {
      core_sample (self);
      drop_gil (self, TRUE);
      take_gil_waiting (self, TRUE, 0);
      core_restart (self);
    }
}

static guint8 *
scratch (WeftWorkerContext *self,
         gsize              size)
{
  if (self->scratch_size < size)
    {
      g_free (self->scratch);
      self->scratch = g_malloc (size);
      self->scratch_size = size;
    }
  return self->scratch;
}

/* Returns FALSE if cancelled. */
static gboolean
do_cpu (WeftWorkerContext *self,
        const WeftStep    *step)
{
  guint64 n = step->ms >= 0 ? (guint64) (step->ms * (double) weft_cpu_iterations_per_ms ())
                            : (guint64) step->count;
  guint64 acc = 0;

  core_start (self);
  for (guint64 i = 0; i < n; i += CPU_CHECK_EVERY)
    {
      acc = sum_of_squares (i, MIN (n, i + CPU_CHECK_EVERY), acc);
      if ((i / CPU_CHECK_EVERY) % CORE_TICK_EVERY == CORE_TICK_EVERY - 1)
        core_tick (self, CORE_TICK_EVERY * CPU_CHECK_EVERY);
      gil_checkpoint (self);
      if (G_UNLIKELY (cancelled (self)))
        {
          core_stop (self);
          return FALSE;
        }
    }
  core_stop (self);
  __asm__ volatile ("" : : "r" (acc));
  return TRUE;
}

/**
 * weft_worker_context_charge:
 * @cost: a state for which weft_state_is_charged_cost() is true
 * @object: the task it is charged for, or 0
 * @ns: how long the cost takes in the modelled CPython
 * @bytes: what it moves, for the trace, or 0
 *
 * Charges a cost of the modelled CPython as real CPU work on this worker,
 * drawn as its own state.
 *
 * Returns: %FALSE if the run was cancelled meanwhile
 */
gboolean
weft_worker_context_charge (WeftWorkerContext *self,
                            WeftState          cost,
                            guint32            object,
                            double             ns,
                            gint64             bytes)
{
  guint64 n = (guint64) (MAX (ns, 0) / 1e6 * (double) weft_cpu_iterations_per_ms ());
  guint64 cpu0 = thread_cpu_ns ();
  guint32 task_id = self->task_id;

  g_return_val_if_fail (weft_state_is_charged_cost (cost), TRUE);

  record (self, WEFT_EVENT_COST_BEGIN, object, cost, bytes);
  /* As a cpu step: a time without a core is waiting for a core, nested in
   * the cost's span, and a cancel is seen. */
  self->task_id = object;
  self->core_armed = FALSE;
  core_start (self);
  for (guint64 i = 0; i < n && !cancelled (self); i += CPU_CHECK_EVERY)
    {
      weft_cpu_spin (MIN (n - i, CPU_CHECK_EVERY));
      if ((i / CPU_CHECK_EVERY) % CORE_TICK_EVERY == CORE_TICK_EVERY - 1)
        core_tick (self, CORE_TICK_EVERY * CPU_CHECK_EVERY);
    }
  /* The work is never less than the cost charged: where the calibration
   * ran slower than this thread does now (the other core was busy then),
   * the iterations took less CPU time than @ns, and more are spun. */
  while (!cancelled (self) && (double) (thread_cpu_ns () - cpu0) < ns)
    weft_cpu_spin (CPU_CHECK_EVERY / 8);
  core_stop (self);
  self->core_armed = FALSE;
  self->task_id = task_id;
  record (self, WEFT_EVENT_COST_END, object, cost, bytes);
  return !cancelled (self);
}

/* A blocking wait of ms, in slices so that cancel is seen; FALSE if cancelled. */
static gboolean
sleep_ms (WeftWorkerContext *self,
          double             ms)
{
  guint64 end = weft_clock_now_ns () + (guint64) (ms * 1e6);

  for (;;)
    {
      guint64 now = weft_clock_now_ns ();
      guint64 left;
      struct timespec ts;

      if (now >= end)
        return TRUE;
      if (cancelled (self))
        return FALSE;
      left = MIN (end - now, WEFT_ARENA_POLL_NS);
      ts.tv_sec = (time_t) (left / 1000000000);
      ts.tv_nsec = (long) (left % 1000000000);
      nanosleep (&ts, NULL);
    }
}

static gboolean
do_io_blocking (WeftWorkerContext *self,
                WeftTaskRun       *run,
                const WeftStep    *step)
{
  gboolean ok;

  drop_gil (self, FALSE);
  record (self, WEFT_EVENT_IO_BEGIN, run->task_id, 0, 0);
  if (self->writer)
    weft_wire_writer_flush (self->writer);
  ok = sleep_ms (self, step->ms);
  record (self, WEFT_EVENT_IO_END, run->task_id, 0, 0);
  take_gil (self);
  return ok;
}

/* Increments through the manager process as CPython's `proxy.value += 1`
 * does them: read the value (a round trip), write it back plus one (another).
 * Not atomic: another worker's increment between the two is lost. */
static void count_increments (WeftWorkerContext *self, guint object, gint64 done,
                              gint64 *counted, gint64 value, gboolean sample);

static gboolean
increment_via_manager (WeftWorkerContext  *self,
                       const WeftStep     *step,
                       char              **out_error)
{
  guint32 id = step->object + WEFT_ARENA_OBJECT_BASE;
  /* a proxy call's pickling and framing: half of it here, half in the manager */
  double call_ns = weft_calibration_get_manager_side_ns (weft_calibration_get ());
  g_autoptr(GError) error = NULL;
  gint64 v = 0, i, counted = 0;

  if (self->manager_fd < 0 && (self->manager_fd = weft_manager_connect (self->arena, &error)) < 0)
    {
      *out_error = g_strdup (error->message);
      return FALSE;
    }

  for (i = 0; i < step->count; i++)
    {
      gboolean answered;

      /* each call charged after its reply; a charge cut short by a cancel
       * is seen below */
      record (self, WEFT_EVENT_IO_BEGIN, id, 2 * sizeof (WeftManagerRequest), 0);
      answered = weft_manager_call (self->manager_fd, WEFT_MANAGER_OP_GET, step->object, 0, &v);
      if (answered)
        {
          weft_worker_context_charge (self, WEFT_STATE_PICKLING, id, call_ns, 0);
          answered = weft_manager_call (self->manager_fd, WEFT_MANAGER_OP_SET, step->object, v + 1, &v);
        }
      if (!answered)
        {
          *out_error = g_strdup ("the manager process stopped answering");
          count_increments (self, step->object, i, &counted, v, FALSE);
          return FALSE;
        }
      weft_worker_context_charge (self, WEFT_STATE_PICKLING, id, call_ns, 0);
      record (self, WEFT_EVENT_IO_END, id, 2 * sizeof (WeftManagerReply), 0);
      /* a read and a write apart: other processes' increments in between
       * are lost, as with a manager's proxy */
      if (((i + 1) & 63) == 0 && i + 1 < step->count)
        count_increments (self, step->object, i + 1, &counted, v, TRUE);
      if ((i & 63) == 0 && cancelled (self))
        {
          i++;
          break;
        }
    }
  count_increments (self, step->object, i, &counted, v, TRUE);
  return TRUE;
}

/*
 * Where increment @i's GIL switch point is, as in the modelled CPython's eval
 * loop for `for _ in range(n): counter += 1`. 3.10+ honour a drop request
 * only at the loop's backward jump: after the write. 3.9 and earlier check
 * after LOAD_GLOBAL, INPLACE_ADD, STORE_GLOBAL and JUMP_ABSOLUTE (LOAD_CONST
 * and STORE_FAST skip the check): two of the four points lie between the
 * read and the write, so every other switch point tears the increment.
 */
static inline gboolean
switch_inside_increment (WeftWorkerContext *self,
                         gint64             i)
{
  return self->switch_inside_increment && ((i >> 6) & 1) == 0;
}

/* After the increments up to @done (of which @counted are counted as done
 * so far): counts the rest, and with @sample records the value this worker
 * wrote (@value) and the updates lost by then: increments done by all
 * workers minus the value. Other workers count theirs every 64, so a point
 * can miss up to 63 of each other worker's latest increments. */
static void
count_increments (WeftWorkerContext *self,
                  guint              object,
                  gint64             done,
                  gint64            *counted,
                  gint64             value,
                  gboolean           sample)
{
  const WeftProfileObject *po = g_ptr_array_index (self->profile->objects, object);
  gint64 expected = weft_arena_counter_add_expected (self->arena, object, done - *counted);
  guint32 lost_id = WEFT_ARENA_LOST_ID (object);
  gint64 lost = MAX (expected + po->initial - value, 0);

  *counted = done;
  if (!sample)
    return;
  record (self, WEFT_EVENT_COUNTER, object + WEFT_ARENA_OBJECT_BASE, value, 0);
  if (lost_id != 0 && (lost_id != self->lost_id || lost != self->lost))
    {
      record (self, WEFT_EVENT_COUNTER, lost_id, lost, 0);
      self->lost_id = lost_id;
      self->lost = lost;
    }
}

static gboolean
increment_shared (WeftWorkerContext *self,
                  const WeftStep    *step)
{
  gint64 *slot = weft_arena_counter_slot (self->arena, step->object);
  guint length = weft_arena_counter_length (self->arena, step->object);
  gint64 v = 0, counted = 0;

  /* A few increments are over before a sample would be due: measuring
   * them would cost more than they do (two system calls). */
  gboolean measure = step->count * RACE_WINDOW_ITERATIONS >= core_sample_iterations ();

  if (measure)
    core_start (self);
  for (gint64 i = 0; i < step->count; i++)
    {
      /* An array's increments go round its elements, each worker
       * starting from its own place. */
      if (length > 1)
        slot = weft_arena_counter_element (self->arena, step->object,
                                           (guint64) i + (guint64) self->worker * 7919);

      /* Not atomic on purpose: read, a little work, write back. */
      v = __atomic_load_n (slot, __ATOMIC_RELAXED);
      weft_cpu_spin (RACE_WINDOW_ITERATIONS);
      if ((i & 63) == 0)
        {
          core_tick (self, 64 * RACE_WINDOW_ITERATIONS);
          if (switch_inside_increment (self, i))
            gil_checkpoint (self);
        }
      __atomic_store_n (slot, v + 1, __ATOMIC_RELAXED);
      if ((i & 63) == 0 && !switch_inside_increment (self, i))
        gil_checkpoint (self);
      if (((i + 1) & 63) == 0 && length == 1)
        count_increments (self, step->object, i + 1, &counted, v + 1,
                          ((i + 1) % RACE_SAMPLE_EVERY) == 0 && i + 1 < step->count);
    }
  if (measure)
    core_stop (self);
  if (length == 1)
    count_increments (self, step->object, step->count, &counted, v + 1, TRUE);
  else
    {
      weft_arena_counter_add_expected (self->arena, step->object, step->count);
      record (self, WEFT_EVENT_COUNTER, step->object + WEFT_ARENA_OBJECT_BASE, v + 1, 0);
    }
  return TRUE;
}

static gboolean
do_increment (WeftWorkerContext  *self,
              const WeftStep     *step,
              char              **out_error)
{
  guint64 t0 = weft_clock_now_ns ();

  if (weft_arena_counter_backend (self->arena, step->object) == WEFT_BACKEND_MANAGER)
    {
      if (!increment_via_manager (self, step, out_error))
        return FALSE;
    }
  else
    increment_shared (self, step);

  weft_arena_counter_add_op_ns (self->arena, step->object, (gint64) (weft_clock_now_ns () - t0));
  return TRUE;
}

static gboolean
do_lock (WeftWorkerContext *self,
         guint              object)
{
  gboolean ok;

  if (self->gil == NULL || !self->holds_gil)
    return weft_arena_lock (self->arena, object, self->worker, self->writer);

  /* As CPython's acquire_timed(): try without blocking first; only if the
   * lock is taken, release the GIL, block, and take the GIL back.  Asking
   * who holds the lock first would race with its release, and a GIL holder
   * blocked on a lock whose holder waits for the GIL never wakes. */
  if (weft_arena_try_lock (self->arena, object, self->worker, self->writer))
    return TRUE;
  drop_gil_off_core (self);
  core_finish (self);
  ok = weft_arena_lock (self->arena, object, self->worker, self->writer);
  take_gil (self);
  return ok;
}

static void
do_transfer (WeftWorkerContext *self,
             WeftTaskRun       *run,
             gint64             bytes)
{
  guint8 *buf = scratch (self, 2 * (gsize) bytes);

  record (self, WEFT_EVENT_IO_BEGIN, run->task_id, bytes, 0);
  memset (buf, (int) (run->task_id & 0xff), (gsize) bytes);
  memcpy (buf + bytes, buf, (gsize) bytes);
  record (self, WEFT_EVENT_IO_END, run->task_id, bytes, 0);
}

static gboolean
do_put (WeftWorkerContext *self,
        const WeftStep    *step)
{
  gboolean ok = TRUE;

  drop_gil_off_core (self);
  for (gint64 i = 0; i < step->count && ok; i++)
    {
      gint64 item = weft_arena_next_item_id (self->arena, step->object);

      if (step->bytes > 0)
        memset (scratch (self, (gsize) step->bytes), (int) (item & 0xff), (gsize) step->bytes);
      core_finish (self);
      if (self->message_ns > 0)
        ok = weft_worker_context_charge (self, WEFT_STATE_PICKLING, 0,
                                         self->message_ns + self->pickle_ns_per_byte * (double) step->bytes,
                                         step->bytes);
      ok = ok && weft_arena_put (self->arena, step->object, item, self->worker, self->task_id, self->writer);
      core_since_last_record (self);
      if (i + 1 < step->count)
        core_arm_now (self);   /* the put woke a getter, which may take this core */
    }
  take_gil_after (self);
  return ok;
}

/* Returns FALSE if cancelled; *out_sentinel tells whether the last item was one. */
static gboolean
do_get (WeftWorkerContext *self,
        guint              object,
        gint64             count,
        gboolean          *out_sentinel)
{
  gboolean ok = TRUE;

  *out_sentinel = FALSE;
  drop_gil_off_core (self);
  for (gint64 i = 0; i < count && ok && !*out_sentinel; i++)
    {
      gint64 item;

      core_finish (self);
      ok = weft_arena_get (self->arena, object, &item, self->worker, self->task_id, self->writer);
      core_since_last_record (self);
      if (ok && item == WEFT_ARENA_SENTINEL)
        *out_sentinel = TRUE;
      if (ok && self->message_ns > 0)
        ok = weft_worker_context_charge (self, WEFT_STATE_PICKLING, 0, self->message_ns, 0);
      if (i + 1 < count)
        core_arm_now (self);   /* the get woke a putter, which may take this core */
    }
  take_gil_after (self);
  return ok;
}

/* ---- the interpreter ---------------------------------------------------- */

/**
 * weft_task_run_new:
 * @task_id: the task's id on the wire (TASK_BEGIN's object)
 * @spec_index: which task spec or stage it comes from (TASK_BEGIN's arg0)
 * @steps: (element-type WeftStep): what to run; must outlive the run
 *
 * Returns: (transfer full): a task ready to be resumed
 */
WeftTaskRun *
weft_task_run_new (WeftWorkerContext *context,
                   guint32            task_id,
                   guint              spec_index,
                   const GPtrArray   *steps)
{
  WeftTaskRun *self = g_new0 (WeftTaskRun, 1);

  self->context = context;
  self->task_id = task_id;
  self->spec_index = spec_index;
  self->frames[0] = (Frame) { steps, 0, 1, NULL };
  self->depth = 0;
  self->status = WEFT_TASK_OK;
  return self;
}

void
weft_task_run_free (WeftTaskRun *self)
{
  if (self == NULL)
    return;
  g_free (self->error);
  g_free (self);
}

static void
push (WeftTaskRun     *self,
      const WeftStep  *owner,
      gint64           remaining)
{
  g_assert (self->depth + 1 < MAX_FRAMES);
  self->frames[++self->depth] = (Frame) { owner->steps, 0, remaining, owner };
}

/* Leaves the task: releases every lock still held, innermost first. */
static void
unwind (WeftTaskRun    *self,
        WeftTaskStatus  status)
{
  WeftWorkerContext *ctx = self->context;

  ctx->core_armed = FALSE;
  self->status = status;
  for (; self->depth > 0; self->depth--)
    {
      const WeftStep *owner = self->frames[self->depth].owner;

      if (owner != NULL && owner->kind == WEFT_STEP_LOCK)
        weft_arena_unlock (ctx->arena, owner->object, ctx->worker, ctx->writer);
    }
  self->depth = 0;
  self->frames[0].index = self->frames[0].steps->len;
}

/* Ends a frame whose steps have all run. Returns FALSE if cancelled. */
static gboolean
end_frame (WeftTaskRun *self)
{
  WeftWorkerContext *ctx = self->context;
  Frame *f = &self->frames[self->depth];
  const WeftStep *owner = f->owner;
  gboolean sentinel;

  switch (owner->kind)
    {
    case WEFT_STEP_REPEAT:
      if (--f->remaining > 0)
        {
          f->index = 0;
          return TRUE;
        }
      break;

    case WEFT_STEP_LOCK:
      weft_arena_unlock (ctx->arena, owner->object, ctx->worker, ctx->writer);
      core_arm_now (ctx);
      break;

    case WEFT_STEP_FOR_EACH:
      if (!do_get (ctx, owner->object, 1, &sentinel))
        return FALSE;
      if (!sentinel)
        {
          f->index = 0;
          return TRUE;
        }
      break;

    default:
      g_assert_not_reached ();
    }

  self->depth--;
  return TRUE;
}

static void
finish (WeftTaskRun *self)
{
  WeftWorkerContext *ctx = self->context;

  guint64 end;

  core_finish (ctx);
  if (ctx->gil != NULL && ctx->holds_gil)
    {
      /* Under the GIL the task ends as it lets the GIL go: it runs nothing
       * after, and the thread it woke may take this one's core at once. */
      drop_gil (ctx, FALSE);
      end = ctx->writer != NULL ? weft_wire_writer_get_last_time (ctx->writer) : 0;
    }
  else
    {
      core_arm_now (ctx);
      end = core_finish (ctx);
    }
  /* The task ends where its time was last measured, not after a write of
   * the trace that blocked. arg1: the task's work, its CPU time and its
   * waits for I/O: what a serial run would spend on it */
  if (ctx->writer != NULL)
    weft_wire_writer_record_full (ctx->writer, MAX (end, weft_wire_writer_get_last_time (ctx->writer)),
                                  ctx->worker, WEFT_EVENT_TASK_END, self->task_id, self->status,
                                  (gint64) weft_task_run_get_work_ns (self));
  self->depth = -1;
}

/* A coroutine waits for a queue by polling it, backing off from 1 ms to 10 ms
 * while it stays empty (or full), as an awaited asyncio.Queue would wake. */
#define POLL_MIN_NS G_GUINT64_CONSTANT (1000000)
#define POLL_MAX_NS G_GUINT64_CONSTANT (10000000)

typedef enum
{
  QUEUE_STEP_DONE,
  QUEUE_STEP_WAIT,       /* nothing to take (or no room): suspend and retry */
  QUEUE_STEP_SENTINEL,
} QueueStep;

/* A coroutine's put of `count` items, resumable after a wait. */
static QueueStep
coroutine_put (WeftTaskRun    *self,
               const WeftStep *step)
{
  WeftWorkerContext *ctx = self->context;

  while (self->items_done < step->count)
    {
      gint64 item = weft_arena_next_item_id (ctx->arena, step->object);

      if (!weft_arena_try_put (ctx->arena, step->object, item, ctx->worker, ctx->writer))
        return QUEUE_STEP_WAIT;
      self->items_done++;
    }
  self->items_done = 0;
  return QUEUE_STEP_DONE;
}

/* A coroutine's get of `count` items, resumable after a wait. */
static QueueStep
coroutine_get (WeftTaskRun *self,
               guint        object,
               gint64       count)
{
  WeftWorkerContext *ctx = self->context;

  while (self->items_done < count)
    {
      gint64 item;

      if (!weft_arena_try_get (ctx->arena, object, &item, ctx->worker, ctx->writer))
        return QUEUE_STEP_WAIT;
      self->items_done++;
      if (item == WEFT_ARENA_SENTINEL)
        {
          self->items_done = 0;
          return QUEUE_STEP_SENTINEL;
        }
    }
  self->items_done = 0;
  return QUEUE_STEP_DONE;
}

/* Ends a coroutine's stretch: it resumes after wait_ns. */
static WeftTaskRunState
suspend (WeftTaskRun *self,
         guint64      wait_ns,
         guint64      cpu_start)
{
  WeftWorkerContext *ctx = self->context;

  /* The GIL first, so that its span closes inside the task's. A
   * coroutine's waits overlap by the thousand: the loop counts them
   * instead of drawing each. */
  drop_gil (ctx, FALSE);
  if (self->suspendable)
    record (ctx, WEFT_EVENT_TASK_END, self->task_id, WEFT_TASK_SUSPENDED, 0);
  else
    record (ctx, WEFT_EVENT_IO_BEGIN, self->task_id, 0, 0);
  self->in_io = TRUE;
  self->resume_at = weft_clock_now_ns () + wait_ns;
  self->cpu_ns += thread_cpu_ns () - cpu_start;
  return WEFT_TASK_RUN_YIELD;
}

/* A queue wait of a coroutine: poll again later, backing off. */
static WeftTaskRunState
suspend_for_queue (WeftTaskRun *self,
                   guint64      cpu_start)
{
  /* waiting for another stage is not work a serial run would do */
  self->poll_ns = CLAMP (self->poll_ns * 2, POLL_MIN_NS, POLL_MAX_NS);
  return suspend (self, self->poll_ns, cpu_start);
}

/* A coroutine's io wait ends: woken early by cancellation, it counts only
 * as far as it went. */
static void
account_io_wait (WeftTaskRun *self)
{
  guint64 now = weft_clock_now_ns ();
  guint64 begin = self->resume_at - self->io_pending_ns;

  self->io_ns += MIN (self->io_pending_ns, now > begin ? now - begin : 0);
  self->io_pending_ns = 0;
}

/**
 * weft_task_run_resume:
 *
 * Runs the task until it ends, or until it waits without blocking (only when
 * the context yields io).
 */
WeftTaskRunState
weft_task_run_resume (WeftTaskRun *self)
{
  WeftWorkerContext *ctx = self->context;

  guint64 cpu_start, ready_ns;

  if (self->depth < 0)
    return WEFT_TASK_RUN_DONE;

  cpu_start = thread_cpu_ns ();
  ctx->task_id = self->task_id;
  ctx->core_armed = FALSE;
  ready_ns = ctx->writer != NULL ? weft_wire_writer_now (ctx->writer) : 0;

  /* The task's span first, then the GIL inside it: the GIL's waits and holds
   * nest in the task they belong to. */
  if (!self->started || self->suspendable)
    {
      self->started = TRUE;
      record (ctx, WEFT_EVENT_TASK_BEGIN, self->task_id, self->spec_index, 0);
      if (ctx->flush_task_begin && ctx->writer != NULL)
        weft_wire_writer_flush (ctx->writer);
      /* a wait for the GIL begins with the task: it runs nothing before */
      take_gil_waiting (ctx, FALSE, ctx->writer != NULL ? weft_wire_writer_get_last_time (ctx->writer) : 0);
    }
  take_gil (ctx);
  /* Without a GIL nothing blocked since the start (with one, it may have). */
  if (ctx->gil == NULL)
    core_arm (ctx, ready_ns, cpu_start);

  if (self->in_io)
    {
      self->in_io = FALSE;
      if (!self->suspendable)
        record (ctx, WEFT_EVENT_IO_END, self->task_id, 0, 0);
      account_io_wait (self);
    }

  while (self->depth >= 0)
    {
      Frame *f = &self->frames[self->depth];
      const WeftStep *step;
      gboolean ok = TRUE, sentinel;

      if (G_UNLIKELY (cancelled (ctx)) && self->status == WEFT_TASK_OK)
        {
          unwind (self, WEFT_TASK_CANCELLED);
          break;
        }

      if (f->index >= f->steps->len)
        {
          if (self->depth == 0)
            break;
          /* a frame's end may block (a for_each's get): measure up to it */
          core_finish (ctx);
          /* A coroutine's for_each takes its next item without blocking the loop. */
          if (self->suspendable && f->owner->kind == WEFT_STEP_FOR_EACH)
            {
              QueueStep q = coroutine_get (self, f->owner->object, 1);

              if (q == QUEUE_STEP_WAIT)
                return suspend_for_queue (self, cpu_start);
              self->poll_ns = 0;
              if (q == QUEUE_STEP_SENTINEL)
                self->depth--;
              else
                f->index = 0;
              continue;
            }
          if (!end_frame (self))
            unwind (self, WEFT_TASK_CANCELLED);
          continue;
        }

      step = g_ptr_array_index (f->steps, f->index++);
      if (step->kind != WEFT_STEP_CPU)
        core_finish (ctx);

      switch (step->kind)
        {
        case WEFT_STEP_CPU:
          ok = do_cpu (ctx, step);
          break;

        case WEFT_STEP_IO:
          if (ctx->yield_io && !step->blocking)
            {
              self->io_pending_ns = (guint64) (step->ms * 1e6);
              return suspend (self, self->io_pending_ns, cpu_start);
            }
          {
            guint64 t0 = weft_clock_now_ns ();

            ok = do_io_blocking (ctx, self, step);
            /* a wait cut short by cancellation counts only as far as it went */
            self->io_ns += ok ? (guint64) (step->ms * 1e6)
                              : MIN ((guint64) (step->ms * 1e6), weft_clock_now_ns () - t0);
          }
          break;

        case WEFT_STEP_INCREMENT:
          {
            char *error = NULL;

            if (!do_increment (ctx, step, &error))
              {
                g_free (self->error);
                self->error = error;
                unwind (self, WEFT_TASK_FAILED);
              }
          }
          break;

        case WEFT_STEP_LOCK:
          ok = do_lock (ctx, step->object);
          if (ok)
            push (self, step, 1);
          break;

        case WEFT_STEP_PUT:
          if (self->suspendable)
            {
              if (coroutine_put (self, step) == QUEUE_STEP_WAIT)
                {
                  f->index--;   /* the same step again, after the wait */
                  return suspend_for_queue (self, cpu_start);
                }
              self->poll_ns = 0;
              break;
            }
          ok = do_put (ctx, step);
          break;

        case WEFT_STEP_GET:
          if (self->suspendable)
            {
              if (coroutine_get (self, step->object, step->count) == QUEUE_STEP_WAIT)
                {
                  f->index--;
                  return suspend_for_queue (self, cpu_start);
                }
              self->poll_ns = 0;
              break;
            }
          ok = do_get (ctx, step->object, step->count, &sentinel);
          break;

        case WEFT_STEP_TRANSFER:
          do_transfer (ctx, self, step->bytes);
          break;

        case WEFT_STEP_FAIL:
          g_free (self->error);
          self->error = g_strdup (step->message);
          unwind (self, WEFT_TASK_FAILED);
          break;

        case WEFT_STEP_REPEAT:
          if (step->count > 0 && step->steps->len > 0)
            push (self, step, step->count);
          break;

        case WEFT_STEP_FOR_EACH:
          if (self->suspendable)
            {
              QueueStep q = coroutine_get (self, step->object, 1);

              if (q == QUEUE_STEP_WAIT)
                {
                  f->index--;
                  return suspend_for_queue (self, cpu_start);
                }
              self->poll_ns = 0;
              if (q == QUEUE_STEP_DONE)
                push (self, step, 1);
              break;
            }
          ok = do_get (ctx, step->object, 1, &sentinel);
          if (ok && !sentinel)
            push (self, step, 1);
          break;

        default:
          g_assert_not_reached ();
        }

      if (!ok)
        unwind (self, WEFT_TASK_CANCELLED);
    }

  self->cpu_ns += thread_cpu_ns () - cpu_start;
  finish (self);
  return WEFT_TASK_RUN_DONE;
}

/**
 * weft_task_run_get_work_ns:
 *
 * Returns: the task's CPU time plus its io waits: what it would add to a
 *   serial run
 */
guint64
weft_task_run_get_work_ns (WeftTaskRun *self)
{
  return self->cpu_ns + self->io_ns;
}

/**
 * weft_task_run_set_suspendable:
 *
 * Makes the task a coroutine: each stretch between two non-blocking waits is
 * a RUNNING span of its own, ended with %WEFT_TASK_SUSPENDED, and the waits
 * are not recorded as spans.
 */
void
weft_task_run_set_suspendable (WeftTaskRun *self,
                               gboolean     suspendable)
{
  self->suspendable = suspendable;
}

guint64
weft_task_run_get_resume_at (WeftTaskRun *self)
{
  return self->resume_at;
}

WeftTaskStatus
weft_task_run_get_status (WeftTaskRun *self)
{
  return self->status;
}

/**
 * weft_task_run_get_error:
 *
 * Returns: (nullable): the failure's message, for a failed task
 */
const char *
weft_task_run_get_error (WeftTaskRun *self)
{
  return self->error;
}

/**
 * weft_worker_context_run_task:
 * @out_error: (out) (optional): the failure's message, for a failed task
 *
 * Runs a whole task on this thread (io blocks).
 *
 * Returns: how the task ended
 */
WeftTaskStatus
weft_worker_context_run_task (WeftWorkerContext  *self,
                              guint32             task_id,
                              guint               spec_index,
                              const GPtrArray    *steps,
                              char              **out_error,
                              guint64            *out_work_ns)
{
  g_autoptr(WeftTaskRun) run = weft_task_run_new (self, task_id, spec_index, steps);
  gboolean saved = self->yield_io;
  WeftTaskStatus status;

  self->yield_io = FALSE;
  weft_task_run_resume (run);
  self->yield_io = saved;

  status = run->status;
  if (out_work_ns != NULL)
    *out_work_ns = weft_task_run_get_work_ns (run);
  if (out_error != NULL)
    *out_error = g_steal_pointer (&run->error);
  return status;
}
