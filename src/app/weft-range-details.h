/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-session.h"
#include "weft-timeline-view.h"

G_BEGIN_DECLS

#define WEFT_TYPE_RANGE_DETAILS (weft_range_details_get_type ())

G_DECLARE_FINAL_TYPE (WeftRangeDetails, weft_range_details, WEFT, RANGE_DETAILS, GtkWidget)

GtkWidget *weft_range_details_new      (WeftTimelineView *view);
gboolean   weft_range_details_has_content (WeftRangeDetails *self);
void       weft_range_details_update      (WeftRangeDetails *self);

/* For tests: the text of a cell of one of the tables ("states", "locks",
 * "queues", "counters", "links"), row 0 being the header; %NULL if none */
const char *weft_range_details_get_cell (WeftRangeDetails *self,
                                         const char       *table,
                                         int               row,
                                         int               column);
/* For tests: what the "Go to" button of row @row of "links" does */
void        weft_range_details_go_to    (WeftRangeDetails *self,
                                         int               row);

G_END_DECLS
