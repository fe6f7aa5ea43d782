/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "weft-trace-model.h"

G_BEGIN_DECLS

typedef enum
{
  WEFT_TIMELINE_ROW_COUNTER,
  WEFT_TIMELINE_ROW_HEADER,
  WEFT_TIMELINE_ROW_LANE,
} WeftTimelineRowKind;

/* The object of the parallelism counter row (the model's own track) */
#define WEFT_TIMELINE_ROW_PARALLELISM G_MAXUINT32

#define WEFT_TYPE_TIMELINE_ROW (weft_timeline_row_get_type ())

G_DECLARE_FINAL_TYPE (WeftTimelineRow, weft_timeline_row, WEFT, TIMELINE_ROW, GObject)

WeftTimelineRowKind weft_timeline_row_get_kind      (WeftTimelineRow *self);
/* Content coordinates: from the top of the first row, before scrolling */
int                 weft_timeline_row_get_y         (WeftTimelineRow *self);
int                 weft_timeline_row_get_height    (WeftTimelineRow *self);
/* Nesting level of the label: 0 for executors, 1 or 2 below */
int                 weft_timeline_row_get_indent    (WeftTimelineRow *self);
/* Lanes: the lane (owned by the trace model) and its worker */
WeftLane           *weft_timeline_row_get_lane      (WeftTimelineRow *self);
guint               weft_timeline_row_get_worker    (WeftTimelineRow *self);
/* Counters: the queue or counter object, or %WEFT_TIMELINE_ROW_PARALLELISM */
guint32             weft_timeline_row_get_object    (WeftTimelineRow *self);
guint64             weft_timeline_row_get_ns_per_unit (WeftTimelineRow *self);
/* Headers: the key that weft_timeline_rows_toggle_collapsed() takes */
guint64             weft_timeline_row_get_group_key (WeftTimelineRow *self);
const char         *weft_timeline_row_get_label     (WeftTimelineRow *self);
/* A detail under the label, or after a header's name; may be %NULL */
const char         *weft_timeline_row_get_sublabel  (WeftTimelineRow *self);

G_END_DECLS
