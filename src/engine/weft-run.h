/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "weft-arena.h"
#include "weft-profile.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_RUN (weft_run_get_type ())

G_DECLARE_FINAL_TYPE (WeftRun, weft_run, WEFT, RUN, GObject)

#define WEFT_RUN_ERROR (weft_run_error_quark ())

typedef enum
{
  WEFT_RUN_ERROR_UNSUPPORTED,   /* an executor or option this build cannot run yet */
  WEFT_RUN_ERROR_FAILED,        /* the run could not be started */
} WeftRunError;

/* Overrides of a profile's settings for one run; zero values keep the profile's. */
typedef struct
{
  WeftExecutorKind executor;   /* WEFT_EXECUTOR_NONE: the profile's */
  guint            workers;    /* 0: the profile's */
  int              gil;        /* -1: the profile's, 0 off, 1 on */
  gboolean         no_record;  /* run without recording events (for measuring the cost of recording) */
  guint            python_version; /* the CPython to model (311 for 3.11); 0: the profile's, else
                                    * the python3 on PATH (weft_python_version_default()) */
} WeftRunOptions;

#define WEFT_RUN_OPTIONS_INIT { WEFT_EXECUTOR_NONE, 0, -1, FALSE, 0 }

typedef struct
{
  char   *name;
  gint64  expected;
  gint64  actual;
  gint64  lost;
  WeftObjectBackend backend;
  double  ns_per_op;   /* time per increment, as the workers saw it */
} WeftCounterResult;

/* What a run found beyond the timeline. */
typedef struct
{
  WeftExecutorKind executor;       /* of the whole run; see n_stages */
  guint            n_stages;       /* a pipeline's stages, each on its own executor; 0 for a pool */
  guint            workers;
  gboolean         gil;
  guint            python_version; /* the CPython the model followed, 311 for 3.11 */
  guint64          wall_ns;        /* from the first worker starting to the last one ending */
  guint64          work_ns;        /* CPU time of every task plus its io waits: a serial run's time */
  guint            tasks_ok;
  guint            tasks_failed;
  guint            tasks_cancelled;
  guint            tasks_not_started;
  GPtrArray       *errors;         /* (element-type utf8): failures, crashes, refusals */
  GArray          *counters;       /* (element-type WeftCounterResult) */
  GArray          *deadlock;       /* (element-type WeftWaitLink), empty when none */
  char            *deadlock_text;  /* "worker 0 waits for lock_b held by worker 1, ..." */
  gboolean         cancelled;      /* stopped by weft_run_cancel(), a deadlock or the timeout */
  gboolean         interrupted;    /* stopped from outside by weft_run_interrupt() (a signal) */
  gboolean         timed_out;
  guint64          loop_max_lag_ns; /* main loop: the latest a wake-up came */
  guint64          rejected_records;
} WeftRunResult;

GQuark               weft_run_error_quark (void);

WeftRun             *weft_run_new         (const WeftProfile    *profile,
                                           const WeftRunOptions *options);
gboolean             weft_run_start       (WeftRun              *self,
                                           GMainContext         *context,
                                           GError              **error);
void                 weft_run_cancel      (WeftRun              *self);
void                 weft_run_interrupt   (WeftRun              *self,
                                           const char           *reason);
gboolean             weft_run_get_finished (WeftRun             *self);
WeftTraceModel      *weft_run_get_model   (WeftRun              *self);
const WeftProfile   *weft_run_get_profile (WeftRun              *self);
const WeftRunResult *weft_run_get_result  (WeftRun              *self);
gboolean             weft_run_wait        (WeftRun              *self,
                                           GMainContext         *context,
                                           GError              **error);
void                 weft_run_wait_async  (WeftRun              *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean             weft_run_wait_finish (WeftRun              *self,
                                           GAsyncResult         *result,
                                           GError              **error);

G_END_DECLS
