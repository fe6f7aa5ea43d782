/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-comparison.h"
#include "weft-profile.h"
#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_COMPARE_VIEW (weft_compare_view_get_type ())

G_DECLARE_FINAL_TYPE (WeftCompareView, weft_compare_view, WEFT, COMPARE_VIEW, GtkBox)

GtkWidget  *weft_compare_view_new         (void);
/* The profile to compare (copied; nullable). Clears earlier results. */
void        weft_compare_view_set_profile (WeftCompareView   *self,
                                           const WeftProfile *profile);
/* Runs the profile on each executor in turn, each variant
 * WEFT_COMPARISON_DEFAULT_REPEATS times (or @repeats), never blocking the UI. */
void        weft_compare_view_start       (WeftCompareView   *self);
void        weft_compare_view_start_repeats (WeftCompareView *self,
                                           guint              repeats);
void        weft_compare_view_cancel      (WeftCompareView   *self);
gboolean    weft_compare_view_get_running (WeftCompareView   *self);
/* (transfer none): one #GtkStringObject per variant that ran, its fields
 * separated by tabs: label, workers, runs, median wall, fastest–slowest,
 * speedup, efficiency, dominant wait */
GListModel *weft_compare_view_get_rows    (WeftCompareView   *self);
guint       weft_compare_view_get_n_timelines (WeftCompareView *self);
WeftSession *weft_compare_view_get_session (WeftCompareView  *self,
                                           guint              i);
WeftComparison *weft_compare_view_get_comparison (WeftCompareView *self);
const char *weft_compare_view_get_warning_text (WeftCompareView *self);
void        weft_compare_view_set_runtimes (WeftCompareView  *self,
                                            gboolean          runtimes);

G_END_DECLS
