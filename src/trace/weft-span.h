/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * WeftState:
 *
 * What a worker lane is doing. IDLE is never stored: it is the gap between
 * spans. The values fit in a guint8 and are stable (they may be exported).
 */
typedef enum
{
  WEFT_STATE_IDLE = 0,
  WEFT_STATE_RUNNING,     /* TASK_BEGIN .. TASK_END, object = task id */
  WEFT_STATE_LOCK_WAIT,   /* LOCK_WAIT .. LOCK_ACQUIRED */
  WEFT_STATE_LOCK_HELD,   /* LOCK_ACQUIRED .. LOCK_RELEASED */
  WEFT_STATE_GIL_WAIT,    /* GIL_WAIT .. GIL_ACQUIRED */
  WEFT_STATE_GIL_HELD,    /* GIL_ACQUIRED .. GIL_RELEASED */
  WEFT_STATE_QUEUE_PUT,   /* QUEUE_PUT_BEGIN .. QUEUE_PUT_END */
  WEFT_STATE_QUEUE_GET,   /* QUEUE_GET_BEGIN .. QUEUE_GET_END */
  WEFT_STATE_IO,          /* IO_BEGIN .. IO_END */
  WEFT_STATE_STARTING,    /* SPAWN_BEGIN .. SPAWN_END */
  WEFT_STATE_CORE_WAIT,   /* CORE_WAIT_BEGIN .. CORE_WAIT_END: ready, no core */
  /* Costs Weft charges as real work where it models CPython (COST_BEGIN .. COST_END) */
  WEFT_STATE_INTERPRETER_START, /* a spawned worker starting the interpreter and its imports */
  WEFT_STATE_DISPATCH,    /* a pool handing a task to a worker */
  WEFT_STATE_PICKLING,    /* a payload pickled and unpickled */
  /* QUEUE_READY .. QUEUE_*_BEGIN: the queue had room (or an item), another
   * worker took it first, and this one waits again */
  WEFT_STATE_QUEUE_TURN,

  WEFT_N_STATES
} WeftState;

/**
 * WeftSpanFlags:
 * @WEFT_SPAN_TRUNCATED: closed by weft_trace_model_finish(), not by its end event
 * @WEFT_SPAN_OPEN: still open (only in weft_lane_get_open_spans())
 * @WEFT_SPAN_TASK_FAILED: a RUNNING span whose TASK_END said WEFT_TASK_FAILED
 * @WEFT_SPAN_TASK_CANCELLED: a RUNNING span whose TASK_END said WEFT_TASK_CANCELLED
 * @WEFT_SPAN_CONTENDED: a LOCK_HELD / GIL_HELD span preceded by a wait
 * @WEFT_SPAN_TASK_SUSPENDED: a RUNNING span that ended at a coroutine's wait,
 *   not at the end of its task (main-loop executor)
 */
typedef enum
{
  WEFT_SPAN_TRUNCATED      = 1 << 0,
  WEFT_SPAN_OPEN           = 1 << 1,
  WEFT_SPAN_TASK_FAILED    = 1 << 2,
  WEFT_SPAN_TASK_CANCELLED = 1 << 3,
  WEFT_SPAN_CONTENDED      = 1 << 4,
  WEFT_SPAN_TASK_SUSPENDED = 1 << 5,
} WeftSpanFlags;

/**
 * WeftSpan:
 * @start_ns: start, absolute CLOCK_MONOTONIC ns
 * @end_ns: end, absolute ns (>= @start_ns)
 * @object: task id for RUNNING, lock/queue/GIL id, I/O resource id
 * @state: a #WeftState
 * @depth: nesting row inside the lane, 0 = outermost
 * @flags: #WeftSpanFlags
 *
 * One span, as handed out by a #WeftLane (24 bytes). Lanes store spans in a
 * packed 20-byte form and fill this struct on request.
 */
typedef struct
{
  guint64 start_ns;
  guint64 end_ns;
  guint32 object;
  guint8  state;
  guint8  depth;
  guint16 flags;
} WeftSpan;

G_STATIC_ASSERT (sizeof (WeftSpan) == 24);

const char *weft_state_to_string  (WeftState   state);
const char *weft_state_to_nick    (WeftState   state);
gboolean    weft_state_from_nick  (const char *nick,
                                   WeftState  *out_state);

/*
 * What a state means for the figures (docs/cli.md), decided here once:
 *  - on a CPU: running, holding a lock, holding the GIL, and the charged
 *    costs of a modelled CPython (what the parallelism track counts);
 *  - work: on a CPU or in I/O, what one worker doing everything in turn
 *    would also spend (a lane's busy time);
 *  - a wait: for a lock, the GIL, a queue, or starting up — time a
 *    different design could save (the candidates for the dominant wait).
 * Idle is none of these.
 */
gboolean    weft_state_is_on_cpu  (WeftState   state);
gboolean    weft_state_is_work    (WeftState   state);
gboolean    weft_state_is_wait    (WeftState   state);
gboolean    weft_state_is_charged_cost (WeftState state);

G_END_DECLS
