/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "weft-run.h"
#include "weft-trace-meta.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_SUMMARY (weft_summary_get_type ())

G_DECLARE_FINAL_TYPE (WeftSummary, weft_summary, WEFT, SUMMARY, GObject)

/**
 * WeftSummaryOrigin:
 * @WEFT_SUMMARY_ORIGIN_RUN: a run of a profile: everything is known
 * @WEFT_SUMMARY_ORIGIN_WEFT_TRACE: a trace Weft wrote: what ran comes from
 *   its metadata, the tasks from its lanes
 * @WEFT_SUMMARY_ORIGIN_TRACE: a trace of another program (or one without
 *   metadata): no profile, executor, GIL setting, worker or task count
 */
typedef enum
{
  WEFT_SUMMARY_ORIGIN_RUN,
  WEFT_SUMMARY_ORIGIN_WEFT_TRACE,
  WEFT_SUMMARY_ORIGIN_TRACE,
} WeftSummaryOrigin;

/**
 * WeftSummaryWorker:
 * @state_ns: the lane's time per #WeftState (they add up to the wall time)
 * @work_ns: the lane's time in the states weft_state_is_work() names
 * @tasks: tasks that ended on the lane
 */
typedef struct
{
  char             *name;
  WeftExecutorKind  executor;
  guint64           work_ns;
  guint64           state_ns[WEFT_N_STATES];
  guint64           tasks;
} WeftSummaryWorker;

typedef struct
{
  char          *name;
  gboolean       is_gil;
  gboolean       waits_only;  /* a recorded program's lock: only its waits (and the holds after them) are known */
  WeftLockStats  stats;
} WeftSummaryLock;

typedef struct
{
  char           *name;
  WeftQueueStats  stats;
} WeftSummaryQueue;

typedef struct
{
  char  *name;
  guint  workers;
  WeftExecutorKind executor;
} WeftSummaryStage;

/* One link of a deadlock's cycle: @worker waits for the lock @waits_for */
typedef struct
{
  char  *waits_for;
  guint  worker;
} WeftSummaryWaitLink;

/**
 * WeftSummaryTasks:
 * @not_started: -1 when unknown (a trace does not record tasks that never
 *   started)
 */
typedef struct
{
  guint64 ok;
  guint64 failed;
  guint64 cancelled;
  gint64  not_started;
} WeftSummaryTasks;

WeftSummary       *weft_summary_new               (WeftTraceModel      *model,
                                                   const WeftProfile   *profile,
                                                   const WeftRunResult *result);
WeftSummary       *weft_summary_new_for_trace     (WeftTraceModel      *model,
                                                   const WeftTraceMeta *meta);

WeftSummaryOrigin  weft_summary_get_origin        (WeftSummary *self);
const char        *weft_summary_get_profile       (WeftSummary *self);
const char        *weft_summary_get_executor      (WeftSummary *self);
int                weft_summary_get_gil           (WeftSummary *self);
const char        *weft_summary_get_python        (WeftSummary *self);
guint64            weft_summary_get_charged_ns    (WeftSummary *self,
                                                   WeftState    cost);
guint              weft_summary_get_n_workers     (WeftSummary *self);
guint64            weft_summary_get_wall_ns       (WeftSummary *self);
char              *weft_summary_format_wall       (WeftSummary *self);
guint64            weft_summary_get_serial_ns     (WeftSummary *self);
gboolean           weft_summary_get_work_has_waits (WeftSummary *self);
gboolean           weft_summary_get_serial_from_tasks (WeftSummary *self);
guint64            weft_summary_get_n_tasks_ended (WeftSummary *self);
guint              weft_summary_get_n_workers_or_lanes (WeftSummary *self);
double             weft_summary_get_concurrency   (WeftSummary *self);
gboolean           weft_summary_get_speedup       (WeftSummary *self,
                                                   double      *out_speedup);
gboolean           weft_summary_get_efficiency    (WeftSummary *self,
                                                   double      *out_efficiency);
const WeftSummaryStage  *weft_summary_get_stages  (WeftSummary *self,
                                                   guint       *n_stages);
const WeftSummaryWorker *weft_summary_get_workers (WeftSummary *self,
                                                   guint       *n_workers);
const WeftSummaryLock   *weft_summary_get_locks   (WeftSummary *self,
                                                   guint       *n_locks);
const WeftSummaryQueue  *weft_summary_get_queues  (WeftSummary *self,
                                                   guint       *n_queues);
const WeftCounterResult *weft_summary_get_counters (WeftSummary *self,
                                                    guint       *n_counters);
const WeftSummaryTasks  *weft_summary_get_tasks   (WeftSummary *self);
WeftState          weft_summary_get_dominant_wait (WeftSummary *self,
                                                   guint64     *out_ns);
char              *weft_summary_dup_overlap_text  (WeftSummary *self);
const WeftSummaryWaitLink *weft_summary_get_deadlock (WeftSummary *self,
                                                     guint       *n_links);
const char        *weft_summary_get_deadlock_text (WeftSummary *self);
gboolean           weft_summary_get_loop_lag      (WeftSummary *self,
                                                   guint64     *out_max_lag_ns);
gboolean           weft_summary_get_cancelled     (WeftSummary *self);
gboolean           weft_summary_get_interrupted   (WeftSummary *self);
const char * const *weft_summary_get_errors       (WeftSummary *self);

JsonNode          *weft_summary_to_json           (WeftSummary *self);
WeftTraceMeta     *weft_summary_to_trace_meta     (WeftSummary *self);
char              *weft_summary_to_text           (WeftSummary *self);

/* Shorthand for weft_summary_to_json (weft_summary_new (…)). */
JsonNode          *weft_summary_build             (WeftTraceModel      *model,
                                                   const WeftProfile   *profile,
                                                   const WeftRunResult *result);

G_END_DECLS
