/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_STEP_PAINTER (weft_step_painter_get_type ())

G_DECLARE_FINAL_TYPE (WeftStepPainter, weft_step_painter, WEFT, STEP_PAINTER, GObject)

WeftStepPainter *weft_step_painter_new                 (void);
/* The area's colour; @fill_alpha for the area, and a 1 px outline in the
 * opaque colour if @outline */
void             weft_step_painter_set_style           (WeftStepPainter        *self,
                                                        const GdkRGBA          *color,
                                                        double                  fill_alpha,
                                                        gboolean                outline);
/* Whether each pixel column is a bar of the highest value in its slice,
 * from every point in it (at a cost that follows the points), or a step
 * path from its first two points (at a cost that follows the pixels);
 * %FALSE by default */
void             weft_step_painter_set_exact_peaks     (WeftStepPainter        *self,
                                                        gboolean                exact_peaks);
/* Where the value 0 (@base, from the bottom) and the top value (@top, from
 * the top) sit, in pixels inside the node */
void             weft_step_painter_set_margins         (WeftStepPainter        *self,
                                                        double                  top,
                                                        double                  base);
GskRenderNode   *weft_step_painter_paint               (WeftStepPainter        *self,
                                                        const WeftCounterTrack *track,
                                                        guint64                 begin_ns,
                                                        guint64                 end_ns,
                                                        int                     width,
                                                        int                     height,
                                                        gint64                  top_value,
                                                        gint64                 *out_max);
guint64          weft_step_painter_get_points_visited  (WeftStepPainter        *self);
void             weft_step_painter_reset_points_visited (WeftStepPainter       *self);

G_END_DECLS
