/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "weft-event.h"
#include "weft-span.h"
#include "weft-trace-stats.h"

G_BEGIN_DECLS

/**
 * WeftLane:
 *
 * The timeline of one worker: its closed spans (one time-sorted row per
 * nesting depth; spans in one row never overlap, so a binary search by time
 * is exact), its open spans, its instants and its accumulated statistics.
 *
 * A lane is owned by its #WeftTraceModel and lives as long as the model;
 * every lane pointer handed out is (transfer none). Lanes are not
 * thread-safe: read them on the thread that appends to the model.
 */
typedef struct _WeftLane WeftLane;

/**
 * WeftInstant:
 * @time_ns: absolute ns
 * @object: the INSTANT event's object id
 * @arg0: the event's arg0
 * @arg1: the event's arg1
 */
typedef struct
{
  guint64 time_ns;
  gint64  arg0;
  gint64  arg1;
  guint32 object;
} WeftInstant;

/**
 * WeftColumnSummary:
 * @state_ns: the time each state takes in one pixel column, in ns, counting
 *   spans narrower than a column ([%WEFT_STATE_IDLE] stays 0)
 *
 * One column of weft_lane_summarize_columns().
 */
typedef struct
{
  float state_ns[WEFT_N_STATES];
} WeftColumnSummary;

/* Deepest nesting a lane stores; begins beyond it are dropped and counted. */
#define WEFT_LANE_MAX_DEPTH 255

guint16           weft_lane_get_worker        (WeftLane *lane);
const char       *weft_lane_get_name          (WeftLane *lane);
WeftExecutorKind  weft_lane_get_executor      (WeftLane *lane);
gint64            weft_lane_get_pid           (WeftLane *lane);
guint64           weft_lane_get_last_time     (WeftLane *lane);

guint             weft_lane_get_n_depths      (WeftLane *lane);
guint             weft_lane_get_n_spans       (WeftLane *lane,
                                               guint     depth);
guint64           weft_lane_get_total_spans   (WeftLane *lane);
gboolean          weft_lane_get_span          (WeftLane *lane,
                                               guint     depth,
                                               guint     index,
                                               WeftSpan *out_span);
void              weft_lane_lookup_range      (WeftLane *lane,
                                               guint     depth,
                                               guint64   t0,
                                               guint64   t1,
                                               guint    *out_first,
                                               guint    *out_n);
guint64           weft_lane_summarize_columns (WeftLane          *lane,
                                               guint              depth,
                                               guint64            t0,
                                               double             ns_per_px,
                                               guint              n_columns,
                                               WeftColumnSummary *out_columns,
                                               GArray            *out_wide);

guint             weft_lane_get_n_open_spans  (WeftLane *lane);
guint             weft_lane_get_open_spans    (WeftLane *lane,
                                               WeftSpan *out_spans,
                                               guint     max_spans);
WeftState         weft_lane_get_current_state (WeftLane *lane);

const WeftInstant *weft_lane_get_instants     (WeftLane *lane,
                                               guint    *out_n);
void              weft_lane_lookup_instants   (WeftLane *lane,
                                               guint64   t0,
                                               guint64   t1,
                                               guint    *out_first,
                                               guint    *out_n);

gsize             weft_lane_get_span_bytes    (WeftLane *lane);

G_END_DECLS
