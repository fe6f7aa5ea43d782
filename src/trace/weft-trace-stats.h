/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "weft-span.h"

G_BEGIN_DECLS

/*
 * Plain statistics structs filled by WeftTraceModel. All times are in ns.
 * The model keeps the underlying accumulators up to date on every append,
 * so filling one of these is O(1) (O(states) for a lane).
 */

/**
 * WeftRunStats:
 * @first_ns: time of the first timeline event (spans, instants, counters;
 *   HELLO/BYE and description events WORKER_INFO/OBJECT_NEW/NAME don't count)
 * @last_ns: time of the last such event, or the time truncated spans were
 *   closed at by weft_trace_model_finish() if later
 * @wall_ns: @last_ns - @first_ns (0 before the first event)
 * @n_events: records appended, all kinds
 * @n_spans: closed spans stored, all lanes
 * @n_unmatched: end events that closed nothing
 * @n_dropped: begin events dropped because a lane had too many open spans
 * @n_lanes: lanes
 */
typedef struct
{
  guint64 first_ns;
  guint64 last_ns;
  guint64 wall_ns;
  guint64 n_events;
  guint64 n_spans;
  guint64 n_unmatched;
  guint64 n_dropped;
  guint   n_lanes;
} WeftRunStats;

/**
 * WeftLaneStats:
 * @state_ns: time per #WeftState; at each instant the deepest open span's
 *   state wins, and @state_ns[WEFT_STATE_IDLE] is the run's wall time minus
 *   all the others, so the array sums exactly to #WeftRunStats.wall_ns.
 *   While spans are open (live), they count up to the run's last event.
 * @tasks_completed: TASK_END with WEFT_TASK_OK
 * @tasks_failed: TASK_END with WEFT_TASK_FAILED
 * @tasks_cancelled: TASK_END with WEFT_TASK_CANCELLED
 * @task_work_ns: the work the tasks reported when they ended (TASK_END's
 *   arg1: CPU time plus waits for I/O), what a serial run would spend
 * @n_spans: closed spans stored in the lane
 * @n_unmatched: end events on this lane that closed nothing
 */
typedef struct
{
  guint64 state_ns[WEFT_N_STATES];
  guint64 tasks_completed;
  guint64 tasks_failed;
  guint64 tasks_cancelled;
  guint64 task_work_ns;
  guint64 n_spans;
  guint64 n_unmatched;
} WeftLaneStats;

/**
 * WeftLockStats:
 * @acquisitions: LOCK_ACQUIRED (or GIL_ACQUIRED) events
 * @contended: acquisitions that ended a wait
 * @unacquired: waits that never acquired: cut off by the end of the run
 *   (a deadlocked or cancelled waiter); @contended + @unacquired are the waits
 * @total_wait_ns: sum of wait spans, including waits truncated by finish()
 *   (a deadlocked waiter shows up here)
 * @max_wait_ns: longest wait span
 * @total_hold_ns: sum of hold spans, including holds truncated by finish()
 *
 * Used for locks and for the GIL.
 */
typedef struct
{
  guint64 acquisitions;
  guint64 contended;
  guint64 unacquired;
  guint64 total_wait_ns;
  guint64 max_wait_ns;
  guint64 total_hold_ns;
} WeftLockStats;

/**
 * WeftQueueStats:
 * @puts: QUEUE_PUT_END events
 * @gets: QUEUE_GET_END events
 * @max_depth: largest depth reported by a put or a get (arg0)
 * @put_waits: puts that blocked while the queue was full, each once
 *   (its wait may be in several spans, when another worker took its turn;
 *   a wait cut off by the end of the run counts)
 * @get_waits: gets that blocked while the queue was empty, the same way
 * @put_blocked_ns: sum of put span durations
 * @get_blocked_ns: sum of get span durations
 * @blocked_ns: @put_blocked_ns + @get_blocked_ns
 */
typedef struct
{
  guint64 puts;
  guint64 gets;
  guint64 put_waits;
  guint64 get_waits;
  gint64  max_depth;
  guint64 put_blocked_ns;
  guint64 get_blocked_ns;
  guint64 blocked_ns;
} WeftQueueStats;

guint64 weft_lane_stats_get_busy_ns        (const WeftLaneStats *stats);
guint64 weft_lane_stats_get_total_ns       (const WeftLaneStats *stats);
guint64 weft_lane_stats_get_tasks          (const WeftLaneStats *stats);
guint64 weft_lock_stats_get_waits          (const WeftLockStats *stats);
guint64 weft_lock_stats_get_mean_wait_ns   (const WeftLockStats *stats);
double  weft_lock_stats_get_contention     (const WeftLockStats *stats);

G_END_DECLS
