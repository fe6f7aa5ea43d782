/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_LANE_PAINTER (weft_lane_painter_get_type ())

G_DECLARE_FINAL_TYPE (WeftLanePainter, weft_lane_painter, WEFT, LANE_PAINTER, GObject)

WeftLanePainter *weft_lane_painter_new                (void);
GskRenderNode   *weft_lane_painter_paint              (WeftLanePainter *self,
                                                       WeftTraceModel  *model,
                                                       WeftLane        *lane,
                                                       guint64          begin_ns,
                                                       guint64          end_ns,
                                                       int              width,
                                                       int              height,
                                                       PangoContext    *context,
                                                       gboolean         dark);
guint64          weft_lane_painter_get_spans_visited  (WeftLanePainter *self);
void             weft_lane_painter_reset_spans_visited (WeftLanePainter *self);

int              weft_lane_painter_get_loop_index     (WeftTraceModel  *model,
                                                       WeftLane        *lane);
gint64           weft_lane_painter_get_awaiting       (WeftTraceModel  *model,
                                                       WeftLane        *lane,
                                                       guint64          t);

/* What a span's label says: its task, lock or queue name, "Task N" for a
 * task without one, "GIL"; %NULL if nothing. May use @buf. */
const char      *weft_lane_painter_get_span_text      (WeftTraceModel  *model,
                                                       guint            state,
                                                       guint32          object,
                                                       char            *buf,
                                                       gsize            len);

G_END_DECLS
