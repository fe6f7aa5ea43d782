/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include <gio/gio.h>

#include "weft-trace-model.h"

G_BEGIN_DECLS

/**
 * WeftRangeLane:
 * @worker: the lane's worker id
 * @state_ns: time per #WeftState inside the range, the deepest open span's
 *   state winning as in #WeftLaneStats; idle is the rest of the range, so
 *   the array sums to the range's length
 */
typedef struct
{
  guint16 worker;
  guint64 state_ns[WEFT_N_STATES];
} WeftRangeLane;

/**
 * WeftRangeLock:
 * @object: the lock or GIL id
 * @kind: %WEFT_OBJECT_LOCK or %WEFT_OBJECT_GIL
 * @waits: wait spans overlapping the range
 * @wait_ns: their time inside the range
 * @max_wait_ns: the longest of them inside the range
 * @acquisitions: holds that began inside the range
 * @contended: of those, the ones that ended a wait
 * @hold_ns: hold spans' time inside the range
 */
typedef struct
{
  guint32        object;
  WeftObjectKind kind;
  guint64        waits;
  guint64        wait_ns;
  guint64        max_wait_ns;
  guint64        acquisitions;
  guint64        contended;
  guint64        hold_ns;
} WeftRangeLock;

/**
 * WeftRangeQueue:
 * @object: the queue id
 * @puts: puts that completed inside the range
 * @gets: gets that completed inside the range
 * @put_blocked_ns: put spans' time inside the range
 * @get_blocked_ns: get spans' time inside the range
 * @depth_begin: the depth track's value at the range's start
 * @depth_end: its value at the range's end
 * @depth_max: its highest value inside the range
 */
typedef struct
{
  guint32 object;
  guint64 puts;
  guint64 gets;
  guint64 put_blocked_ns;
  guint64 get_blocked_ns;
  gint64  depth_begin;
  gint64  depth_end;
  gint64  depth_max;
} WeftRangeQueue;

/**
 * WeftRangeCounter:
 * @object: the counter id
 * @value_begin: its value at the range's start
 * @value_end: its value at the range's end
 * @value_min: the lowest value in force inside the range
 * @value_max: the highest
 */
typedef struct
{
  guint32 object;
  gint64  value_begin;
  gint64  value_end;
  gint64  value_min;
  gint64  value_max;
} WeftRangeCounter;

/**
 * WeftRangeStats:
 * @begin_ns: the range, clipped to the run
 * @end_ns: its end (excluded)
 * @state_ns: #WeftRangeLane.state_ns summed over the lanes
 * @lanes: (element-type WeftRangeLane): every lane, in the model's order
 * @locks: (element-type WeftRangeLock): locks and the GIL with a wait or a
 *   hold in the range, by id
 * @queues: (element-type WeftRangeQueue): queues with a put or a get in
 *   the range, by id
 * @counters: (element-type WeftRangeCounter): every counter track, by id
 *
 * What happened inside one time range: a trace model's figures with every
 * span clipped to the range.
 */
typedef struct
{
  guint64  begin_ns;
  guint64  end_ns;
  guint64  state_ns[WEFT_N_STATES];
  GArray  *lanes;
  GArray  *locks;
  GArray  *queues;
  GArray  *counters;
} WeftRangeStats;

WeftRangeStats *weft_range_stats_new  (WeftTraceModel *model,
                                       guint64         begin_ns,
                                       guint64         end_ns);
void            weft_range_stats_new_async  (WeftTraceModel      *model,
                                             guint64              begin_ns,
                                             guint64              end_ns,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
WeftRangeStats *weft_range_stats_new_finish (GAsyncResult        *result,
                                             GError             **error);
void            weft_range_stats_free (WeftRangeStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftRangeStats, weft_range_stats_free)

G_END_DECLS
