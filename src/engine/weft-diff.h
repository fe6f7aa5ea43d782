/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "weft-summary.h"

G_BEGIN_DECLS

#define WEFT_TYPE_DIFF (weft_diff_get_type ())

G_DECLARE_FINAL_TYPE (WeftDiff, weft_diff, WEFT, DIFF, GObject)

/**
 * WeftDiffKind:
 * @WEFT_DIFF_WALL: the run's wall time
 * @WEFT_DIFF_STATE: one state's time summed over all lanes
 * @WEFT_DIFF_LANE_STATE: one state's time on one pair of lanes
 * @WEFT_DIFF_LOCK_WAIT: time waited for one lock
 * @WEFT_DIFF_LOCK_HOLD: time one lock was held
 * @WEFT_DIFF_GIL_WAIT: time waited for the GIL
 * @WEFT_DIFF_GIL_HOLD: time the GIL was held
 * @WEFT_DIFF_QUEUE_BLOCKED: time puts and gets blocked on one queue
 * @WEFT_DIFF_LOOP_LAG: the main loop's latest wake-up
 * @WEFT_DIFF_LOST_UPDATES: increments of one shared counter that were lost
 * @WEFT_DIFF_TASKS_OK: tasks that ended well
 * @WEFT_DIFF_TASKS_FAILED: tasks that failed
 * @WEFT_DIFF_TASKS_CANCELLED: tasks that were cancelled
 * @WEFT_DIFF_LOCK_CONTENDED: acquisitions of one lock (or the GIL) that had
 *   to wait
 * @WEFT_DIFF_QUEUE_MAX_DEPTH: the most items one queue held
 *
 * What a #WeftDiffRow compares. The kinds up to %WEFT_DIFF_LOOP_LAG are
 * times (ns), the others counts.
 */
typedef enum
{
  WEFT_DIFF_WALL,
  WEFT_DIFF_STATE,
  WEFT_DIFF_LANE_STATE,
  WEFT_DIFF_LOCK_WAIT,
  WEFT_DIFF_LOCK_HOLD,
  WEFT_DIFF_GIL_WAIT,
  WEFT_DIFF_GIL_HOLD,
  WEFT_DIFF_QUEUE_BLOCKED,
  WEFT_DIFF_LOOP_LAG,
  WEFT_DIFF_LOST_UPDATES,
  WEFT_DIFF_TASKS_OK,
  WEFT_DIFF_TASKS_FAILED,
  WEFT_DIFF_TASKS_CANCELLED,
  WEFT_DIFF_LOCK_CONTENDED,
  WEFT_DIFF_QUEUE_MAX_DEPTH,
} WeftDiffKind;

/**
 * WeftDiffRow:
 * @subject: (nullable): the lane (B's name when the pair's names differ:
 *   see weft_diff_get_lane_pairs()), lock, queue or counter; NULL for
 *   figures of the whole run
 * @state: the state of a %WEFT_DIFF_STATE or %WEFT_DIFF_LANE_STATE row
 * @has_a: A has this figure (a lane, lock or queue may exist on one side
 *   only; a trace records no lost updates)
 * @a: A's figure, 0 when !@has_a
 * @b: B's figure, 0 when !@has_b
 * @share: for times, |@b − @a| over the longer of the two wall times; for
 *   counts, |@b − @a| over the larger of |@a| and |@b|, a missing side
 *   counting as 0 (the rows are sorted times first, by @share, then counts
 *   by @share)
 */
typedef struct
{
  WeftDiffKind  kind;
  char         *subject;
  char         *subject_a;   /* A's name of the lane, when it differs from @subject */
  WeftState     state;
  gboolean      has_a;
  gboolean      has_b;
  gint64        a;
  gint64        b;
  double        share;
} WeftDiffRow;

/**
 * WeftDiffLanePair:
 * @a: (nullable): the lane's name in A, NULL when only B has it
 * @b: (nullable): the lane's name in B, NULL when only A has it
 * @by_name: paired because the names are equal, or equal without the
 *   "(pid N)" or "(tid N)" a recording ends them with (else by order in the
 *   executor's group)
 */
typedef struct
{
  char     *a;
  char     *b;
  gboolean  by_name;
} WeftDiffLanePair;

WeftDiff               *weft_diff_new              (WeftSummary      *a,
                                                    WeftSummary      *b);
WeftDiff               *weft_diff_new_for_models   (WeftTraceModel   *a,
                                                    WeftTraceModel   *b);
void                    weft_diff_set_names        (WeftDiff         *self,
                                                    const char       *name_a,
                                                    const char       *name_b);
const char             *weft_diff_get_name         (WeftDiff         *self,
                                                    gboolean          b);
WeftSummary            *weft_diff_get_summary      (WeftDiff         *self,
                                                    gboolean          b);
const WeftDiffRow      *weft_diff_get_rows         (WeftDiff         *self,
                                                    guint            *n_rows);
const WeftDiffRow      *weft_diff_find_row         (WeftDiff         *self,
                                                    WeftDiffKind      kind,
                                                    const char       *subject,
                                                    WeftState         state);
const WeftDiffLanePair *weft_diff_get_lane_pairs   (WeftDiff         *self,
                                                    guint            *n_pairs);

gboolean                weft_diff_kind_is_time     (WeftDiffKind      kind);
gboolean                weft_diff_kind_is_lane_sum (WeftDiffKind      kind);
const char             *weft_diff_kind_to_nick     (WeftDiffKind      kind);
char                   *weft_diff_row_dup_label    (const WeftDiffRow *row);
char                   *weft_diff_row_dup_value    (const WeftDiffRow *row,
                                                    int                side);

JsonNode               *weft_diff_to_json          (WeftDiff         *self);
char                   *weft_diff_to_text          (WeftDiff         *self);

G_END_DECLS
