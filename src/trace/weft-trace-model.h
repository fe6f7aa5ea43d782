/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "weft-counter-track.h"
#include "weft-event.h"
#include "weft-flow-list.h"
#include "weft-lane.h"
#include "weft-span.h"
#include "weft-span-args.h"
#include "weft-trace-stats.h"

G_BEGIN_DECLS

#define WEFT_TYPE_TRACE_MODEL (weft_trace_model_get_type ())

G_DECLARE_FINAL_TYPE (WeftTraceModel, weft_trace_model, WEFT, TRACE_MODEL, GObject)

WeftTraceModel *weft_trace_model_new                 (void);

void            weft_trace_model_append              (WeftTraceModel   *self,
                                                      const WeftEvent  *events,
                                                      gsize             n_events);
void            weft_trace_model_finish              (WeftTraceModel   *self,
                                                      guint64           end_ns);
gboolean        weft_trace_model_get_finished        (WeftTraceModel   *self);
void            weft_trace_model_set_named_slices    (WeftTraceModel   *self,
                                                      gboolean          named);
gboolean        weft_trace_model_get_named_slices    (WeftTraceModel   *self);

/* Lanes, in worker id order */
guint           weft_trace_model_get_n_lanes         (WeftTraceModel   *self);
guint           weft_trace_model_get_lane_info_serial (WeftTraceModel  *self);
WeftLane       *weft_trace_model_get_lane            (WeftTraceModel   *self,
                                                      guint             index);
WeftLane       *weft_trace_model_lookup_lane         (WeftTraceModel   *self,
                                                      guint             worker);
void            weft_trace_model_set_lane_name       (WeftTraceModel   *self,
                                                      guint             worker,
                                                      const char       *name);
void            weft_trace_model_set_lane_executor   (WeftTraceModel   *self,
                                                      guint             worker,
                                                      WeftExecutorKind  executor,
                                                      gint64            pid);

/* Objects: locks, the GIL, queues, counters */
void            weft_trace_model_declare_object      (WeftTraceModel   *self,
                                                      guint32           object,
                                                      WeftObjectKind    kind,
                                                      gint64            initial);
void            weft_trace_model_set_object_name     (WeftTraceModel   *self,
                                                      guint32           object,
                                                      const char       *name);
const char     *weft_trace_model_get_object_name     (WeftTraceModel   *self,
                                                      guint32           object);
WeftObjectKind  weft_trace_model_get_object_kind     (WeftTraceModel   *self,
                                                      guint32           object);
gint64          weft_trace_model_get_object_initial  (WeftTraceModel   *self,
                                                      guint32           object);
gboolean        weft_trace_model_lock_waits_only     (WeftTraceModel   *self,
                                                      guint32           object);
void            weft_trace_model_set_task_error      (WeftTraceModel   *self,
                                                      guint32           task,
                                                      const char       *error);
const char     *weft_trace_model_get_task_error      (WeftTraceModel   *self,
                                                      guint32           task);
/* Another program's args of slices and instants (weft-span-args.h) */
gboolean        weft_trace_model_set_span_args       (WeftTraceModel   *self,
                                                      guint             worker,
                                                      guint             depth,
                                                      guint64           start_ns,
                                                      const char       *args,
                                                      gssize            len);
const char     *weft_trace_model_get_span_args       (WeftTraceModel   *self,
                                                      guint             worker,
                                                      guint             depth,
                                                      guint64           start_ns,
                                                      gsize            *out_len);
gboolean        weft_trace_model_set_instant_args    (WeftTraceModel   *self,
                                                      guint             worker,
                                                      guint64           time_ns,
                                                      const char       *args,
                                                      gssize            len);
const char     *weft_trace_model_get_instant_args    (WeftTraceModel   *self,
                                                      guint             worker,
                                                      guint64           time_ns,
                                                      gsize            *out_len);
guint           weft_trace_model_get_n_args          (WeftTraceModel   *self);
guint32        *weft_trace_model_list_objects        (WeftTraceModel   *self,
                                                      WeftObjectKind    kind,
                                                      guint            *out_n);

/* Statistics */
void            weft_trace_model_get_run_stats       (WeftTraceModel   *self,
                                                      WeftRunStats     *out_stats);
gboolean        weft_trace_model_get_lane_stats      (WeftTraceModel   *self,
                                                      guint             worker,
                                                      WeftLaneStats    *out_stats);
gboolean        weft_trace_model_get_lock_stats      (WeftTraceModel   *self,
                                                      guint32           object,
                                                      WeftLockStats    *out_stats);
gboolean        weft_trace_model_get_queue_stats     (WeftTraceModel   *self,
                                                      guint32           object,
                                                      WeftQueueStats   *out_stats);

/* One link of a wait-for cycle among the lanes: @worker waits for @lock,
 * held by the next link's worker */
typedef struct
{
  guint16 worker;
  guint32 lock;
} WeftLockWait;

GArray         *weft_trace_model_find_lock_cycle     (WeftTraceModel   *self);
char           *weft_trace_model_describe_lock_cycle (WeftTraceModel   *self,
                                                      GArray           *cycle);
gsize           weft_trace_model_get_span_bytes      (WeftTraceModel   *self);

/* Counter tracks, parallelism and flows */
const WeftCounterTrack *weft_trace_model_get_counter     (WeftTraceModel *self,
                                                          guint32         object);
const WeftCounterTrack *weft_trace_model_get_parallelism (WeftTraceModel *self);
gint64                  weft_trace_model_get_counter_peak     (WeftTraceModel *self,
                                                               guint32         object,
                                                               guint64         begin_ns,
                                                               guint64         end_ns);
gint64                  weft_trace_model_get_parallelism_peak (WeftTraceModel *self,
                                                               guint64         begin_ns,
                                                               guint64         end_ns);
gboolean                weft_trace_model_is_recording         (WeftTraceModel *self);
const WeftFlowList     *weft_trace_model_get_flows       (WeftTraceModel *self);
void                    weft_trace_model_lookup_flows    (WeftTraceModel *self,
                                                          guint64         t0,
                                                          guint64         t1,
                                                          guint          *out_first,
                                                          guint          *out_n);

G_END_DECLS
