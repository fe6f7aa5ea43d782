/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-span.h"

G_BEGIN_DECLS

/*
 * One colour per WeftState, the same in every view and in the legend.
 * Waiting (lock, GIL, queue) is saturated so it jumps out; running and
 * holding are calm; idle is never painted.
 */

void        weft_state_style_get_color      (WeftState  state,
                                             gboolean   dark,
                                             GdkRGBA   *out_color);
void        weft_state_style_get_failed_color (gboolean dark,
                                               GdkRGBA *out_color);
void        weft_state_style_get_awaiting_color (gboolean dark,
                                                 GdkRGBA *out_color);
guint       weft_state_style_get_n_slice_colors (void);
guint       weft_state_style_get_slice_color_index (guint32 name);
void        weft_state_style_get_slice_color (guint     index,
                                              gboolean  dark,
                                              GdkRGBA  *out_color);
const char *weft_state_style_get_label      (WeftState  state);
gboolean    weft_state_style_is_hatched     (WeftState  state);
gboolean    weft_state_style_is_waiting     (WeftState  state);

/* Colours of the surface the states are drawn on. */
void        weft_state_style_get_background (gboolean   dark,
                                             GdkRGBA   *out_color);
gboolean    weft_state_style_widget_is_dark (GtkWidget *widget);

G_END_DECLS
