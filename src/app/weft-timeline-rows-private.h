/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-timeline-row.h"

G_BEGIN_DECLS

/* For WeftTimelineRows only: it builds the rows and lays them out. */

WeftTimelineRow *_weft_timeline_row_new        (WeftTimelineRowKind  kind,
                                                int                  indent,
                                                const char          *label,
                                                const char          *sublabel);
void             _weft_timeline_row_set_lane   (WeftTimelineRow     *self,
                                                WeftLane            *lane);
void             _weft_timeline_row_set_object (WeftTimelineRow     *self,
                                                guint32              object);
void             _weft_timeline_row_set_ns_per_unit (WeftTimelineRow *self,
                                                     guint64          ns_per_unit);
void             _weft_timeline_row_set_group  (WeftTimelineRow     *self,
                                                guint64              group_key);
void             _weft_timeline_row_place      (WeftTimelineRow     *self,
                                                int                  y,
                                                int                  height);

G_END_DECLS
