/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-span.h"

#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_TIMELINE_VIEW (weft_timeline_view_get_type ())

G_DECLARE_FINAL_TYPE (WeftTimelineView, weft_timeline_view, WEFT, TIMELINE_VIEW, GtkWidget)

GtkWidget   *weft_timeline_view_new             (WeftSession      *session);
WeftSession *weft_timeline_view_get_session     (WeftTimelineView *self);
void         weft_timeline_view_set_session     (WeftTimelineView *self,
                                                 WeftSession      *session);

/* Width of the pinned lane-label column; the time axis starts there. */
int          weft_timeline_view_get_label_width (WeftTimelineView *self);
void         weft_timeline_view_set_label_width (WeftTimelineView *self,
                                                 int               width);

/* Geometry, in widget coordinates (vertical scrolling included) */
double       weft_timeline_view_time_to_x       (WeftTimelineView *self,
                                                 guint64           time_ns);
guint64      weft_timeline_view_x_to_time       (WeftTimelineView *self,
                                                 double            x);
gboolean     weft_timeline_view_get_lane_area   (WeftTimelineView *self,
                                                 guint             worker,
                                                 graphene_rect_t  *out_area);
double       weft_timeline_view_get_row_y       (WeftTimelineView *self,
                                                 guint             worker,
                                                 guint             depth);

/* The span under a point, as for a click; %FALSE if none */
gboolean     weft_timeline_view_pick            (WeftTimelineView *self,
                                                 double            x,
                                                 double            y,
                                                 guint            *out_worker,
                                                 guint            *out_depth,
                                                 guint            *out_index);
/* Does what a click at (@x, @y) does: selects the span there, or unselects */
void         weft_timeline_view_click           (WeftTimelineView *self,
                                                 double            x,
                                                 double            y);
void         weft_timeline_view_zoom_at         (WeftTimelineView *self,
                                                 double            factor,
                                                 double            x);

char *weft_timeline_view_describe_span      (WeftTimelineView *self,
                                             const WeftSpan   *span);
char *weft_timeline_view_describe_lane_span (WeftTimelineView *self,
                                             guint             worker,
                                             const WeftSpan   *span);

G_END_DECLS
