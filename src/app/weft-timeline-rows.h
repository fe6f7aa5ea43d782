/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "weft-timeline-row.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

/* The rows' geometry, in pixels */
#define WEFT_TIMELINE_ROW_HEIGHT      16   /* one depth row of a lane */
#define WEFT_TIMELINE_LANE_PAD        3    /* above and below a lane's rows */
#define WEFT_TIMELINE_HEADER_HEIGHT   24
#define WEFT_TIMELINE_COUNTER_HEIGHT  40

#define WEFT_TYPE_TIMELINE_ROWS (weft_timeline_rows_get_type ())

G_DECLARE_FINAL_TYPE (WeftTimelineRows, weft_timeline_rows, WEFT, TIMELINE_ROWS, GObject)

WeftTimelineRows *weft_timeline_rows_new                (void);
WeftTraceModel   *weft_timeline_rows_get_model          (WeftTimelineRows *self);
void              weft_timeline_rows_set_model          (WeftTimelineRows *self,
                                                         WeftTraceModel   *model);

WeftTimelineRow  *weft_timeline_rows_get_row            (WeftTimelineRows *self,
                                                         guint             position);
int               weft_timeline_rows_get_content_height (WeftTimelineRows *self);
WeftTimelineRow  *weft_timeline_rows_find_lane          (WeftTimelineRows *self,
                                                         guint             worker);
WeftTimelineRow  *weft_timeline_rows_get_row_at_y       (WeftTimelineRows *self,
                                                         double            y);

gboolean          weft_timeline_rows_is_collapsed       (WeftTimelineRows *self,
                                                         guint64           group_key);
void              weft_timeline_rows_toggle_collapsed   (WeftTimelineRows *self,
                                                         guint64           group_key);

gboolean          weft_timeline_rows_is_pinned          (WeftTimelineRows *self,
                                                         guint             worker);
void              weft_timeline_rows_set_pinned         (WeftTimelineRows *self,
                                                         guint             worker,
                                                         gboolean          pinned);
gboolean          weft_timeline_rows_is_hidden          (WeftTimelineRows *self,
                                                         guint             worker);
void              weft_timeline_rows_set_hidden         (WeftTimelineRows *self,
                                                         guint             worker,
                                                         gboolean          hidden);
guint             weft_timeline_rows_get_n_hidden       (WeftTimelineRows *self);
void              weft_timeline_rows_show_all           (WeftTimelineRows *self);

G_END_DECLS
