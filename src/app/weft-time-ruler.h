/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_TIME_RULER (weft_time_ruler_get_type ())

G_DECLARE_FINAL_TYPE (WeftTimeRuler, weft_time_ruler, WEFT, TIME_RULER, GtkWidget)

GtkWidget   *weft_time_ruler_new          (WeftSession   *session);
WeftSession *weft_time_ruler_get_session  (WeftTimeRuler *self);
void         weft_time_ruler_set_session  (WeftTimeRuler *self,
                                           WeftSession   *session);
int          weft_time_ruler_get_inset    (WeftTimeRuler *self);
void         weft_time_ruler_set_inset    (WeftTimeRuler *self,
                                           int            inset);

/* The smallest step of 1, 2 or 5 × 10ⁿ ns that keeps ticks at least
 * @min_spacing_px apart when @range_ns spans @width_px. */
guint64      weft_time_ruler_pick_step    (guint64        range_ns,
                                           double         width_px,
                                           double         min_spacing_px);
/* The same as weft_time_format_precise() (weft-time-format.h), which new
 * code calls */
char        *weft_time_ruler_format_time  (guint64        time_ns);

G_END_DECLS
