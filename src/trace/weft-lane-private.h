/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-lane.h"

G_BEGIN_DECLS

/*
 * Internal: for WeftTraceModel only (the model owns and feeds its lanes).
 * @t arguments are non-decreasing per lane; _weft_lane_touch() enforces it.
 * Open and close add the change in "executing" lanes (-1, 0, +1) to
 * *active_delta, which the caller initialises.
 */
WeftLane *_weft_lane_new            (guint16      worker);
void      _weft_lane_free           (WeftLane    *lane);
guint64   _weft_lane_touch          (WeftLane    *lane,
                                     guint64      t);
void      _weft_lane_set_name       (WeftLane    *lane,
                                     const char  *name);
void      _weft_lane_append_name    (WeftLane    *lane,
                                     const char  *bytes,
                                     gsize        len);
void      _weft_lane_set_executor   (WeftLane    *lane,
                                     WeftExecutorKind executor,
                                     gint64       pid);
int       _weft_lane_open           (WeftLane    *lane,
                                     guint64      t,
                                     WeftState    state,
                                     guint32      object,
                                     guint        flags,
                                     int         *active_delta);
gboolean  _weft_lane_close          (WeftLane    *lane,
                                     guint64      t,
                                     WeftState    state,
                                     guint32      object,
                                     guint        flags,
                                     WeftSpan    *closed,
                                     int         *active_delta);
gboolean  _weft_lane_close_deepest  (WeftLane    *lane,
                                     guint64      t,
                                     WeftSpan    *closed,
                                     int         *active_delta);
void      _weft_lane_add_instant    (WeftLane    *lane,
                                     const WeftEvent *event);
void      _weft_lane_count_task     (WeftLane    *lane,
                                     WeftTaskStatus status,
                                     gint64       work_ns);
void      _weft_lane_count_unmatched (WeftLane   *lane);
void      _weft_lane_get_stats      (WeftLane    *lane,
                                     guint64      run_wall,
                                     guint64      run_last,
                                     WeftLaneStats *stats);
gboolean  _weft_state_is_active     (WeftState    state);
void      _weft_lane_note_ready     (WeftLane    *lane,
                                     guint64      t,
                                     guint32      queue);
gboolean  _weft_lane_take_ready     (WeftLane    *lane,
                                     guint32      queue,
                                     guint64     *out_ready_ns);
void      _weft_lane_forget_ready   (WeftLane    *lane);

/* The waits that stop a thread whatever else it has open: a worker waiting
 * for the GIL, a lock or a core runs nothing, even with a span above the
 * wait (ended out of order: a lock's hold over the GIL's wait). An I/O or a
 * queue's wait may lie under a main loop's other coroutines, which go on
 * running. The lane's state, its breakdown and the parallelism follow. */
static inline gboolean
_weft_state_blocks_thread (guint state)
{
  return state == WEFT_STATE_GIL_WAIT || state == WEFT_STATE_LOCK_WAIT || state == WEFT_STATE_CORE_WAIT;
}

G_END_DECLS
