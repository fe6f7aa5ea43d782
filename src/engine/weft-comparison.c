/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "weft-comparison.h"
#include "weft-cpython-runtime.h"
#include "weft-json-builder-private.h"
#include "weft-summary.h"

/**
 * WeftComparison:
 *
 * The chapter's comparison, measured: a profile run serially (one thread,
 * no GIL), on threads with the GIL, on threads without it, on processes and
 * on the main loop, each variant several times. The runs go round the
 * variants in turn (serial, threads + GIL, …, serial, …) so that a change in
 * the machine's load falls on every variant alike. Each row shows the
 * median run with the fastest and the slowest; the CPU time other processes
 * took during the runs is measured, and warnings say when the spread or
 * that load makes the comparison unreliable. weft-cli compare and the
 * app's Compare view both run this object.
 */

/* CPU time, in seconds, the whole machine and this process (with the
 * children it reaped) had used at one moment. */
typedef struct
{
  double machine_s;
  double own_s;
  double at_s;         /* the monotonic clock */
} LoadSample;

typedef struct
{
  guint64    wall_ns;
  guint64    work_ns;            /* the tasks' CPU time plus their I/O waits */
  double     lost_share;         /* the first counter's lost updates over its expected; < 0 none */
  WeftState  dominant_wait;
  guint64    dominant_wait_ns;
  WeftRun   *run;
  WeftCpythonRuntime *real;      /* a real CPython's run instead of @run */
} RunRecord;

typedef struct
{
  WeftComparisonRow  row;
  char              *error;
  GArray            *records;    /* RunRecord, in the order they ran */
  int                gil;
  guint              workers;    /* 0: the profile's */
  char              *python;     /* a real CPython's path: the variant runs as real Python code */
  char              *label;      /* the label, when it is not a static one */
} Variant;

struct _WeftComparison
{
  GObject       parent_instance;

  WeftProfile  *profile;
  guint         repeats;
  GArray       *variants;        /* Variant */

  /* while running */
  GTask        *task;
  WeftRun      *current;
  WeftCpythonRuntime *current_real;
  gboolean      runtimes;        /* the variants are Weft's model and real CPythons */
  guint         current_variant;
  guint         current_repeat;
  gulong        cancel_id;
  guint         idle_id;
  LoadSample    load_start;

  gboolean      work_has_waits;  /* the serial run's work includes waits for I/O */

  /* what other processes took during the runs */
  double        other_cpu_s;
  double        runs_wall_s;
  GPtrArray    *warnings;        /* (element-type utf8), NULL-terminated */
  GArray       *warning_kinds;   /* WeftComparisonWarning, one per warning */
};

G_DEFINE_FINAL_TYPE (WeftComparison, weft_comparison, G_TYPE_OBJECT)

enum { PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The chapter's variants, in the order they run */
static const struct
{
  const char       *label;
  WeftExecutorKind  executor;
  int               gil;
  guint             workers;
} variant_specs[] = {
  { "serial", WEFT_EXECUTOR_THREADS, 0, 1 },
  { "threads + GIL", WEFT_EXECUTOR_THREADS, 1, 0 },
  { "threads, no GIL", WEFT_EXECUTOR_THREADS, 0, 0 },
  { "processes", WEFT_EXECUTOR_PROCESSES, 0, 0 },
  { "mainloop", WEFT_EXECUTOR_MAINLOOP, 0, 0 },
};

static void start_next (WeftComparison *self);

/* ---- Load ---------------------------------------------------------------- */

static double
machine_cpu_s (void)
{
  g_autofree char *text = NULL;
  guint64 user, nice, sys, idle, iowait, irq, softirq, steal;
  long hz = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents ("/proc/stat", &text, NULL, NULL) ||
      sscanf (text, "cpu %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
              " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
              " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
              &user, &nice, &sys, &idle, &iowait, &irq, &softirq, &steal) != 8 || hz <= 0)
    return 0;
  return (double) (user + nice + sys + irq + softirq + steal) / (double) hz;
}

static double
rusage_s (int who)
{
  struct rusage ru;

  if (getrusage (who, &ru) != 0)
    return 0;
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static LoadSample
load_sample (void)
{
  LoadSample s;

  s.machine_s = machine_cpu_s ();
  s.at_s = g_get_monotonic_time () / 1e6;
  s.own_s = rusage_s (RUSAGE_SELF) + rusage_s (RUSAGE_CHILDREN);
  return s;
}

/* CPU time other processes took between two samples: the machine's minus
 * this process's (and the workers it reaped). */
static double
other_cpu_between (const LoadSample *a,
                   const LoadSample *b)
{
  return MAX (0.0, (b->machine_s - a->machine_s) - (b->own_s - a->own_s));
}

/* ---- Rows ---------------------------------------------------------------- */

static int
compare_records (gconstpointer a,
                 gconstpointer b)
{
  guint64 wa = ((const RunRecord *) a)->wall_ns, wb = ((const RunRecord *) b)->wall_ns;

  return wa < wb ? -1 : wa > wb;
}

/* The median record of a variant: of an even count, the lower middle, so
 * that the figure is a run that happened and its timeline can be shown. */
static const RunRecord *
median_record (Variant *v)
{
  g_autoptr(GArray) sorted = NULL;
  const RunRecord *median;

  if (v->records->len == 0)
    return NULL;
  sorted = g_array_copy (v->records);
  g_array_sort (sorted, compare_records);
  median = &g_array_index (sorted, RunRecord, (sorted->len - 1) / 2);
  for (guint i = 0; i < v->records->len; i++)
    if (g_array_index (v->records, RunRecord, i).run == median->run &&
        g_array_index (v->records, RunRecord, i).real == median->real)
      return &g_array_index (v->records, RunRecord, i);
  g_assert_not_reached ();
}

static void
update_row (WeftComparison *self,
            Variant        *v)
{
  Variant *serial = &g_array_index (self->variants, Variant, 0);
  const RunRecord *median = median_record (v);
  const RunRecord *serial_median = median_record (serial);

  v->row.repeats = v->records->len;
  if (median == NULL)
    return;
  v->row.wall_ns = median->wall_ns;
  v->row.wall_min_ns = G_MAXUINT64;
  v->row.wall_max_ns = 0;
  for (guint i = 0; i < v->records->len; i++)
    {
      guint64 w = g_array_index (v->records, RunRecord, i).wall_ns;

      v->row.wall_min_ns = MIN (v->row.wall_min_ns, w);
      v->row.wall_max_ns = MAX (v->row.wall_max_ns, w);
    }
  v->row.dominant_wait = median->dominant_wait;
  v->row.dominant_wait_ns = median->dominant_wait_ns;
  v->row.speedup = serial_median != NULL && v->row.wall_ns > 0
                   ? (double) serial_median->wall_ns / (double) v->row.wall_ns : 0;
  v->row.has_lost = median->lost_share >= 0;
  v->row.lost_share = MAX (0.0, median->lost_share);
  if (self->runtimes)
    {
      /* no serial variant: each runtime's own work over its wall time */
      v->row.speedup = v->row.wall_ns > 0 ? (double) median->work_ns / (double) v->row.wall_ns : 0;
      v->row.has_efficiency = FALSE;
      v->row.efficiency = 0;
      return;
    }
  /* Parallel efficiency: of CPU work only (overlapped waits are not
   * parallelism), on more than one worker, and never above 1 (a faster
   * result is the serial run's noise, and warned about) */
  v->row.has_efficiency = !self->work_has_waits && v->row.workers > 1 && v->row.speedup > 0;
  v->row.efficiency = v->row.has_efficiency ? MIN (1.0, v->row.speedup / v->row.workers) : 0;
}

static void
update_rows (WeftComparison *self)
{
  for (guint i = 0; i < self->variants->len; i++)
    update_row (self, &g_array_index (self->variants, Variant, i));
}

/* ---- Warnings ------------------------------------------------------------ */

/* The load figure: measured, or given by the test hook WEFT_TEST_OTHER_LOAD
 * (cores' worth of CPU other processes took), so that tests can force the
 * warning without depending on the machine. */
static double
other_load (WeftComparison *self)
{
  const char *forced = g_getenv ("WEFT_TEST_OTHER_LOAD");

  if (forced != NULL)
    return g_ascii_strtod (forced, NULL);
  return self->runs_wall_s > 0 ? self->other_cpu_s / self->runs_wall_s : 0;
}

static void
add_warning (WeftComparison            *self,
             WeftComparisonWarningKind  kind,
             guint                      row,
             char                      *text)
{
  WeftComparisonWarning w = { kind, row };

  g_array_append_val (self->warning_kinds, w);
  g_ptr_array_add (self->warnings, text);
}

static void
update_warnings (WeftComparison *self)
{
  guint cores = g_get_num_processors ();
  double load = other_load (self);

  g_ptr_array_set_size (self->warnings, 0);
  g_array_set_size (self->warning_kinds, 0);
  if (load > WEFT_COMPARISON_MAX_OTHER_LOAD * cores)
    add_warning (self, WEFT_COMPARISON_WARNING_LOAD, 0,
                 g_strdup_printf ("other processes kept %.2f of the %u cores busy during the runs "
                                  "(%.0f %% of the machine): the times are not reliable",
                                  load, cores, 100 * load / cores));
  for (guint i = 0; i < self->variants->len; i++)
    {
      const WeftComparisonRow *row = &g_array_index (self->variants, Variant, i).row;

      if (row->has_efficiency && row->speedup > row->workers)
        add_warning (self, WEFT_COMPARISON_WARNING_TOO_FAST, i,
                     g_strdup_printf ("%s: %u workers came out %.2f× faster than the serial run, "
                                      "more than they can be: the serial time is not reliable",
                                      row->label, row->workers, row->speedup));
      if (weft_comparison_row_get_spread (row) > WEFT_COMPARISON_MAX_SPREAD)
        add_warning (self, WEFT_COMPARISON_WARNING_SPREAD, i,
                     g_strdup_printf ("%s: its %u runs took %.3f to %.3f s, a spread of %.0f %% "
                                      "of the median: the times are not reliable",
                                      row->label, row->repeats, row->wall_min_ns / 1e9,
                                      row->wall_max_ns / 1e9, 100 * weft_comparison_row_get_spread (row)));
    }
  if (self->repeats == 1)
    add_warning (self, WEFT_COMPARISON_WARNING_RAN_ONCE, 0,
                 g_strdup ("each variant ran once: how much its time varies is unknown "
                           "(run each 3 times or more)"));
}

/**
 * weft_comparison_row_get_spread:
 *
 * Returns: how far apart the row's fastest and slowest runs are, as a
 *   share of the median; 0 with fewer than two runs
 */
double
weft_comparison_row_get_spread (const WeftComparisonRow *row)
{
  g_return_val_if_fail (row != NULL, 0);

  if (row->repeats < 2 || row->wall_ns == 0)
    return 0;
  return (double) (row->wall_max_ns - row->wall_min_ns) / (double) row->wall_ns;
}

/* ---- Object -------------------------------------------------------------- */

static void
clear_variant (gpointer data)
{
  Variant *v = data;

  g_clear_pointer (&v->error, g_free);
  g_clear_pointer (&v->records, g_array_unref);
  g_clear_pointer (&v->python, g_free);
  g_clear_pointer (&v->label, g_free);
}

static void
clear_record (gpointer data)
{
  g_clear_object (&((RunRecord *) data)->run);
  g_clear_object (&((RunRecord *) data)->real);
}

static void
weft_comparison_dispose (GObject *object)
{
  WeftComparison *self = WEFT_COMPARISON (object);

  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->current != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->current, self);
      weft_run_cancel (self->current);
      g_clear_object (&self->current);
    }
  if (self->current_real != NULL)
    {
      weft_cpython_runtime_stop (self->current_real);
      g_clear_object (&self->current_real);
    }
  g_clear_pointer (&self->variants, g_array_unref);

  G_OBJECT_CLASS (weft_comparison_parent_class)->dispose (object);
}

static void
weft_comparison_finalize (GObject *object)
{
  WeftComparison *self = WEFT_COMPARISON (object);

  g_clear_pointer (&self->profile, weft_profile_free);
  g_ptr_array_unref (self->warnings);
  g_array_unref (self->warning_kinds);

  G_OBJECT_CLASS (weft_comparison_parent_class)->finalize (object);
}

static void
weft_comparison_class_init (WeftComparisonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = weft_comparison_dispose;
  object_class->finalize = weft_comparison_finalize;

  /**
   * WeftComparison::progress:
   *
   * A run ended (its row's figures changed), or the next one started.
   */
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
weft_comparison_init (WeftComparison *self)
{
  self->variants = g_array_new (FALSE, TRUE, sizeof (Variant));
  g_array_set_clear_func (self->variants, clear_variant);
  self->warnings = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->warning_kinds = g_array_new (FALSE, FALSE, sizeof (WeftComparisonWarning));

  for (guint i = 0; i < G_N_ELEMENTS (variant_specs); i++)
    {
      Variant v = { 0 };

      v.row.label = variant_specs[i].label;
      v.row.executor = variant_specs[i].executor;
      v.row.gil = variant_specs[i].gil;
      v.gil = variant_specs[i].gil;
      v.workers = variant_specs[i].workers;
      v.records = g_array_new (FALSE, TRUE, sizeof (RunRecord));
      g_array_set_clear_func (v.records, clear_record);
      g_array_append_val (self->variants, v);
    }
}

/**
 * weft_comparison_new:
 * @profile: the profile to compare (copied)
 * @repeats: runs of each variant, 1 to %WEFT_COMPARISON_MAX_REPEATS
 *
 * Returns: (transfer full): a comparison that has not run yet
 */
WeftComparison *
weft_comparison_new (const WeftProfile *profile,
                     guint              repeats)
{
  WeftComparison *self;

  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (repeats >= 1 && repeats <= WEFT_COMPARISON_MAX_REPEATS, NULL);

  self = g_object_new (WEFT_TYPE_COMPARISON, NULL);
  self->profile = weft_profile_copy (profile);
  self->repeats = repeats;
  return self;
}

/* A real CPython's variant: its label names the version */
static gboolean
add_real_variant (WeftComparison  *self,
                  const char      *python,
                  GError         **error)
{
  g_autofree char *version = NULL;
  Variant v = { 0 };

  v.python = weft_cpython_runtime_find_python (python, &version, error);
  if (v.python == NULL)
    return FALSE;
  v.label = g_strdup_printf ("real CPython %s", version);
  for (guint i = 0; i < self->variants->len; i++)
    if (g_strcmp0 (g_array_index (self->variants, Variant, i).label, v.label) == 0)
      {
        g_free (v.label);
        v.label = g_strdup_printf ("real CPython %s (%s)", version, v.python);
        break;
      }
  v.row.label = v.label;
  v.row.executor = self->profile->executor;
  v.row.gil = TRUE;
  v.gil = -1;
  v.records = g_array_new (FALSE, TRUE, sizeof (RunRecord));
  g_array_set_clear_func (v.records, clear_record);
  g_array_append_val (self->variants, v);
  return TRUE;
}

/**
 * weft_comparison_new_runtimes:
 * @profile: the profile to compare (copied)
 * @repeats: runs of each variant
 * @model: whether Weft's model is a variant ("Weft's model", the profile as
 *   it is)
 * @pythons: (nullable) (array zero-terminated=1): a real CPython variant for
 *   each (see weft_cpython_runtime_find_python(); "" for the default one)
 *
 * Instead of the chapter's executors, the variants are the runtimes, run in
 * turn: each row's speedup is then its own runs' work over their wall time
 * (there is no serial variant), and a row with a counter reports its lost
 * share.
 *
 * Returns: (transfer full): a comparison that has not run yet, or %NULL
 *   with one line: the profile has no Python translation, a Python is not
 *   found
 */
WeftComparison *
weft_comparison_new_runtimes (const WeftProfile   *profile,
                              guint                repeats,
                              gboolean             model,
                              const char * const  *pythons,
                              GError             **error)
{
  g_autoptr(WeftComparison) self = weft_comparison_new (profile, repeats);

  if (pythons != NULL && pythons[0] != NULL && !weft_cpython_runtime_check (profile, error))
    return NULL;
  self->runtimes = TRUE;
  /* the first of the chapter's variants (with its records) becomes the model's */
  g_array_set_size (self->variants, model ? 1 : 0);
  if (model)
    {
      Variant *v = &g_array_index (self->variants, Variant, 0);

      v->row.label = "Weft's model";
      v->row.executor = profile->executor;
      v->row.gil = profile->gil;
      v->gil = -1;
      v->workers = 0;
    }
  for (guint i = 0; pythons != NULL && pythons[i] != NULL; i++)
    if (!add_real_variant (self, *pythons[i] != '\0' ? pythons[i] : NULL, error))
      return NULL;
  g_return_val_if_fail (self->variants->len > 0, NULL);
  return g_steal_pointer (&self);
}

const WeftProfile *
weft_comparison_get_profile (WeftComparison *self)
{
  g_return_val_if_fail (WEFT_IS_COMPARISON (self), NULL);
  return self->profile;
}

guint
weft_comparison_get_repeats (WeftComparison *self)
{
  g_return_val_if_fail (WEFT_IS_COMPARISON (self), 0);
  return self->repeats;
}

/* ---- Running ------------------------------------------------------------- */

static void
complete (WeftComparison *self,
          GError         *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_cancellable_disconnect (g_task_get_cancellable (task), self->cancel_id);
  self->cancel_id = 0;
  update_rows (self);
  update_warnings (self);
  g_signal_emit (self, signals[PROGRESS], 0);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
start_next_idle (gpointer data)
{
  WeftComparison *self = data;

  self->idle_id = 0;
  start_next (self);
  return G_SOURCE_REMOVE;
}

/* Not from inside a run's "finished" handler: let that run's emission end
 * (and a UI breathe) before the next one starts. */
static void
schedule_next (WeftComparison *self)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, start_next_idle, self, NULL);
  g_source_set_static_name (source, "[weft] next comparison run");
  self->idle_id = g_source_attach (source, g_task_get_context (self->task));
  g_source_unref (source);
}

static double
lost_share (const WeftRunResult *result)
{
  const WeftCounterResult *c;

  if (result->counters->len == 0)
    return -1;
  c = &g_array_index (result->counters, WeftCounterResult, 0);
  return c->expected > 0 ? (double) c->lost / (double) c->expected : -1;
}

/* A run of the current variant ended: its record kept, the rows updated,
 * the next run scheduled */
static void
take_record (WeftComparison      *self,
             RunRecord           *record,
             WeftTraceModel      *model,
             const WeftRunResult *result)
{
  Variant *v = &g_array_index (self->variants, Variant, self->current_variant);
  g_autoptr(WeftSummary) summary = weft_summary_new (model, self->profile, result);
  LoadSample end = load_sample ();

  self->other_cpu_s += other_cpu_between (&self->load_start, &end);
  /* over the time the CPU was sampled across: a real run's own wall time
   * leaves out its interpreter's start-up, which the samples include */
  self->runs_wall_s += record->real != NULL ? end.at_s - self->load_start.at_s : result->wall_ns / 1e9;

  if (self->current_variant == 0)
    self->work_has_waits = weft_summary_get_work_has_waits (summary);
  record->wall_ns = result->wall_ns;
  record->work_ns = result->work_ns;
  record->lost_share = lost_share (result);
  record->dominant_wait = weft_summary_get_dominant_wait (summary, &record->dominant_wait_ns);
  v->row.workers = result->workers;
  v->row.cancelled |= result->cancelled;
  g_array_append_val (v->records, *record);
  update_rows (self);
  g_signal_emit (self, signals[PROGRESS], 0);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (self->task)))
    complete (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The comparison was stopped"));
  else
    schedule_next (self);
}

static void
on_run_finished (WeftRun        *run,
                 WeftComparison *self)
{
  RunRecord record = { 0 };

  g_signal_handlers_disconnect_by_data (run, self);
  record.run = g_steal_pointer (&self->current);
  take_record (self, &record, weft_run_get_model (run), weft_run_get_result (run));
}

static void
on_real_finished (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(WeftComparison) self = user_data;   /* the reference start_real() took */
  WeftCpythonRuntime *rt = WEFT_CPYTHON_RUNTIME (object);
  Variant *v = &g_array_index (self->variants, Variant, self->current_variant);
  g_autoptr(GError) error = NULL;
  RunRecord record = { 0 };

  if (self->current_real != rt)
    return;   /* disposed of meanwhile */
  if (!weft_cpython_runtime_run_finish (rt, result, &error))
    {
      g_clear_object (&self->current_real);
      v->error = g_strdup (error->message);
      v->row.error = v->error;
      schedule_next (self);
      return;
    }
  if (weft_cpython_runtime_get_iterations_per_ms (rt) <= 0)
    {
      /* it ended before it reported its own figures: its wall time is unknown */
      const WeftRunResult *r = weft_cpython_runtime_get_result (rt);

      v->error = g_strdup_printf ("it ended before it reported its own figures: %s",
                                  r->errors->len > 0 ? (const char *) g_ptr_array_index (r->errors, 0)
                                                     : "no reason given");
      v->row.error = v->error;
      g_clear_object (&self->current_real);
      schedule_next (self);
      return;
    }
  record.real = g_steal_pointer (&self->current_real);
  take_record (self, &record, weft_cpython_runtime_get_model (rt), weft_cpython_runtime_get_result (rt));
}

/* Runs the variant's real CPython on the profile */
static void
start_real (WeftComparison *self,
            Variant        *v)
{
  g_autoptr(GError) error = NULL;

  self->current_real = weft_cpython_runtime_new (self->profile, NULL, v->python, &error);
  if (self->current_real == NULL)
    {
      v->error = g_strdup (error->message);
      v->row.error = v->error;
      schedule_next (self);
      return;
    }
  self->load_start = load_sample ();
  g_main_context_push_thread_default (g_task_get_context (self->task));
  weft_cpython_runtime_run_async (self->current_real, g_task_get_cancellable (self->task),
                                  on_real_finished, g_object_ref (self));
  g_main_context_pop_thread_default (g_task_get_context (self->task));
  g_signal_emit (self, signals[PROGRESS], 0);
}

/* The next (repeat, variant) after the current one, round the variants */
static gboolean
advance (WeftComparison *self)
{
  do
    {
      if (++self->current_variant >= self->variants->len)
        {
          self->current_variant = 0;
          if (++self->current_repeat >= self->repeats)
            return FALSE;
        }
    }
  while (g_array_index (self->variants, Variant, self->current_variant).error != NULL);
  return TRUE;
}

static void
start_next (WeftComparison *self)
{
  g_autoptr(GError) error = NULL;
  WeftRunOptions options = WEFT_RUN_OPTIONS_INIT;
  Variant *v;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (self->task)))
    {
      complete (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The comparison was stopped"));
      return;
    }
  if (!advance (self))
    {
      complete (self, NULL);
      return;
    }

  v = &g_array_index (self->variants, Variant, self->current_variant);
  if (v->python != NULL)
    {
      start_real (self, v);
      return;
    }
  options.executor = v->row.executor;
  options.gil = v->gil;
  options.workers = v->workers;
  self->current = weft_run_new (self->profile, &options);
  g_signal_connect (self->current, "finished", G_CALLBACK (on_run_finished), self);
  self->load_start = load_sample ();
  if (!weft_run_start (self->current, g_task_get_context (self->task), &error))
    {
      g_signal_handlers_disconnect_by_data (self->current, self);
      g_clear_object (&self->current);
      v->error = g_strdup (error->message);
      v->row.error = v->error;
      schedule_next (self);
    }
  g_signal_emit (self, signals[PROGRESS], 0);
}

static void
on_cancelled (GCancellable   *cancellable,
              WeftComparison *self)
{
  /* "finished" follows on the comparison's context */
  if (self->current != NULL)
    weft_run_cancel (self->current);
}

/**
 * weft_comparison_run_async:
 * @cancellable: (nullable): stops the run going on and the rest
 *
 * Runs every variant @repeats times on the thread-default main context
 * (each a #WeftRun, so nothing blocks it); #WeftComparison::progress
 * follows each run. A comparison runs once.
 */
void
weft_comparison_run_async (WeftComparison      *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (WEFT_IS_COMPARISON (self));
  g_return_if_fail (self->task == NULL);
  g_return_if_fail (g_array_index (self->variants, Variant, 0).records->len == 0);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, weft_comparison_run_async);
  if (cancellable != NULL)
    self->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);
  /* advance() moves to (repeat 0, variant 0) first: the repeat wraps to 0 */
  self->current_variant = self->variants->len - 1;
  self->current_repeat = G_MAXUINT;
  schedule_next (self);
}

/**
 * weft_comparison_run_finish:
 *
 * Returns: %TRUE when every run ended; %FALSE with %G_IO_ERROR_CANCELLED when
 *   it was stopped (the rows keep the runs that ended)
 */
gboolean
weft_comparison_run_finish (WeftComparison  *self,
                            GAsyncResult    *result,
                            GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * weft_comparison_get_current:
 *
 * Returns: %TRUE while a run goes on: which row and which of its repeats
 */
gboolean
weft_comparison_get_current (WeftComparison *self,
                             guint          *out_row,
                             guint          *out_repeat)
{
  g_return_val_if_fail (WEFT_IS_COMPARISON (self), FALSE);

  if (self->current == NULL && self->current_real == NULL)
    return FALSE;
  *out_row = self->current_variant;
  *out_repeat = self->current_repeat;
  return TRUE;
}

/* ---- Results ------------------------------------------------------------- */

guint
weft_comparison_get_n_rows (WeftComparison *self)
{
  g_return_val_if_fail (WEFT_IS_COMPARISON (self), 0);
  return self->variants->len;
}

/* Returns: (transfer none): the row's figures so far */
const WeftComparisonRow *
weft_comparison_get_row (WeftComparison *self,
                         guint           row)
{
  g_return_val_if_fail (WEFT_IS_COMPARISON (self), NULL);
  g_return_val_if_fail (row < self->variants->len, NULL);
  return &g_array_index (self->variants, Variant, row).row;
}

/* Returns: (transfer none) (nullable): the run whose wall time the row shows */
WeftRun *
weft_comparison_get_median_run (WeftComparison *self,
                                guint           row)
{
  const RunRecord *median;

  g_return_val_if_fail (WEFT_IS_COMPARISON (self), NULL);
  g_return_val_if_fail (row < self->variants->len, NULL);

  median = median_record (&g_array_index (self->variants, Variant, row));
  return median != NULL ? median->run : NULL;
}

/* Returns: (transfer none) (nullable): the real CPython run whose wall time
 * a runtime row shows (weft_comparison_new_runtimes()) */
WeftCpythonRuntime *
weft_comparison_get_median_real (WeftComparison *self,
                                 guint           row)
{
  const RunRecord *median;

  g_return_val_if_fail (WEFT_IS_COMPARISON (self), NULL);
  g_return_val_if_fail (row < self->variants->len, NULL);

  median = median_record (&g_array_index (self->variants, Variant, row));
  return median != NULL ? median->real : NULL;
}

/**
 * weft_comparison_get_other_load:
 *
 * Returns: the CPU time other processes took during the runs over the runs'
 *   wall time, in cores (the machine's CPU time minus this process's and
 *   its reaped workers')
 */
double
weft_comparison_get_other_load (WeftComparison *self)
{
  g_return_val_if_fail (WEFT_IS_COMPARISON (self), 0);
  return other_load (self);
}

/**
 * weft_comparison_get_warning_kinds:
 * @n_warnings: (out): how many
 *
 * What each of weft_comparison_get_warnings() is about, in the same order,
 * for a program that says them in its own words.
 *
 * Returns: (transfer none): the warnings' kinds and rows
 */
const WeftComparisonWarning *
weft_comparison_get_warning_kinds (WeftComparison *self,
                                   guint          *n_warnings)
{
  g_return_val_if_fail (WEFT_IS_COMPARISON (self), NULL);
  *n_warnings = self->warning_kinds->len;
  return (const WeftComparisonWarning *) (gpointer) self->warning_kinds->data;
}

/* Returns: (transfer none): NULL-terminated; set when the comparison ends */
const char * const *
weft_comparison_get_warnings (WeftComparison *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (WEFT_IS_COMPARISON (self), NULL);

  /* an empty NULL-terminated GPtrArray may have no storage yet */
  return self->warnings->pdata != NULL ? (const char * const *) self->warnings->pdata : none;
}

static void
json_row (JsonBuilder             *b,
          const WeftComparisonRow *row)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "label");
  json_builder_add_string_value (b, row->label);
  json_builder_set_member_name (b, "executor");
  json_builder_add_string_value (b, weft_executor_to_nick (row->executor));
  json_builder_set_member_name (b, "gil");
  json_builder_add_boolean_value (b, row->gil);
  if (row->error != NULL)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, row->error);
      json_builder_end_object (b);
      return;
    }
  json_builder_set_member_name (b, "workers");
  json_builder_add_int_value (b, row->workers);
  json_builder_set_member_name (b, "repeats");
  json_builder_add_int_value (b, row->repeats);
  _weft_json_add_double (b, "wall_s", row->wall_ns / 1e9);
  _weft_json_add_double (b, "wall_s_min", row->wall_min_ns / 1e9);
  _weft_json_add_double (b, "wall_s_max", row->wall_max_ns / 1e9);
  _weft_json_add_double (b, "speedup", row->speedup);
  _weft_json_add_optional_double (b, "efficiency", row->has_efficiency, row->efficiency);
  _weft_json_add_optional_double (b, "lost_share", row->has_lost, row->lost_share);
  json_builder_set_member_name (b, "dominant_wait");
  json_builder_add_string_value (b, row->dominant_wait != WEFT_STATE_IDLE
                                    ? weft_state_to_nick (row->dominant_wait) : "—");
  _weft_json_add_double (b, "dominant_wait_s", row->dominant_wait_ns / 1e9);
  if (row->cancelled)
    {
      json_builder_set_member_name (b, "cancelled");
      json_builder_add_boolean_value (b, TRUE);
    }
  json_builder_end_object (b);
}

/**
 * weft_comparison_to_json:
 *
 * Returns: (transfer full): the comparison as docs/cli.md documents it
 */
JsonNode *
weft_comparison_to_json (WeftComparison *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (WEFT_IS_COMPARISON (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "profile");
  json_builder_add_string_value (b, self->profile->name);
  json_builder_set_member_name (b, "repeats");
  json_builder_add_int_value (b, self->repeats);
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->variants->len; i++)
    json_row (b, weft_comparison_get_row (self, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "load");
  json_builder_begin_object (b);
  _weft_json_add_double (b, "other_cores", other_load (self));
  json_builder_set_member_name (b, "cores");
  json_builder_add_int_value (b, g_get_num_processors ());
  json_builder_end_object (b);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->warnings->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (self->warnings, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The efficiency cell, 11 columns wide */
static const char *
efficiency_text (const WeftComparisonRow *row,
                 char                     buf[16])
{
  if (row->has_efficiency)
    g_snprintf (buf, 16, "%10.0f%%", 100 * row->efficiency);
  else
    g_snprintf (buf, 16, "%10s—", "");
  return buf;
}

/**
 * weft_comparison_to_text:
 *
 * Returns: (transfer full): the table, the load and the warnings, for a terminal
 */
char *
weft_comparison_to_text (WeftComparison *self)
{
  GString *s;

  g_return_val_if_fail (WEFT_IS_COMPARISON (self), NULL);

  s = g_string_new (NULL);
  /* "–" takes three bytes and one column */
  g_string_append_printf (s, "%-18s %8s %8s %19s %9s %11s  %s\n", self->runtimes ? "runtime" : "executor",
                          "workers", "wall s",
                          "min–max s", "speedup", "efficiency", "dominant wait");
  for (guint i = 0; i < self->variants->len; i++)
    {
      const WeftComparisonRow *row = weft_comparison_get_row (self, i);
      char buf[16];

      if (row->error != NULL)
        g_string_append_printf (s, "%-18s  %s\n", row->label, row->error);
      else if (row->repeats > 0)
        g_string_append_printf (s, "%-18s %8u %8.3f %8.3f–%-8.3f %8.2f× %s  %s\n", row->label,
                                row->workers, row->wall_ns / 1e9, row->wall_min_ns / 1e9,
                                row->wall_max_ns / 1e9, row->speedup, efficiency_text (row, buf),
                                row->cancelled ? "stopped"
                                : row->dominant_wait != WEFT_STATE_IDLE ? weft_state_to_nick (row->dominant_wait)
                                : "—");
      if (row->error == NULL && row->repeats > 0 && row->has_lost)
        g_string_append_printf (s, "%-18s %8s counter lost %.1f %% of its updates\n", "", "",
                                100 * row->lost_share);
    }
  if (self->runtimes)
    g_string_append (s, "\nspeedup: each runtime's work (its tasks' CPU time and I/O waits) over its wall time; "
                        "a real run's wall time is the program's own, without the interpreter's start-up\n");
  g_string_append_printf (s, "\n%u run%s of each, median shown; other processes kept %.2f of %u cores busy\n",
                          self->repeats, self->repeats == 1 ? "" : "s", other_load (self),
                          g_get_num_processors ());
  for (guint i = 0; i < self->warnings->len; i++)
    g_string_append_printf (s, "warning: %s\n", (const char *) g_ptr_array_index (self->warnings, i));
  return g_string_free (s, FALSE);
}
