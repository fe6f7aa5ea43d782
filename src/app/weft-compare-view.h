/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-profile.h"

G_BEGIN_DECLS

#define WEFT_TYPE_COMPARE_VIEW (weft_compare_view_get_type ())

G_DECLARE_FINAL_TYPE (WeftCompareView, weft_compare_view, WEFT, COMPARE_VIEW, GtkBox)

GtkWidget  *weft_compare_view_new         (void);
/* The profile to compare (copied; nullable). Clears earlier results. */
void        weft_compare_view_set_profile (WeftCompareView   *self,
                                           const WeftProfile *profile);
/* Runs the profile on each executor in turn, never blocking the UI. */
void        weft_compare_view_start       (WeftCompareView   *self);
void        weft_compare_view_cancel      (WeftCompareView   *self);
gboolean    weft_compare_view_get_running (WeftCompareView   *self);
/* (transfer none): one #GtkStringObject per finished variant, its fields
 * separated by tabs: label, workers, wall, speedup, efficiency, dominant wait */
GListModel *weft_compare_view_get_rows    (WeftCompareView   *self);
guint       weft_compare_view_get_n_timelines (WeftCompareView *self);

G_END_DECLS
