/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-contention-row.h"
#include "weft-run.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_CONTENTION_VIEW (weft_contention_view_get_type ())

G_DECLARE_FINAL_TYPE (WeftContentionView, weft_contention_view, WEFT, CONTENTION_VIEW, GtkBox)

GtkWidget  *weft_contention_view_new          (void);
/* @model, @profile and @result are nullable; @result only once a run has
 * finished. The view keeps a reference on @model and copies what it needs
 * of @profile and @result. */
void        weft_contention_view_set_data     (WeftContentionView  *self,
                                               WeftTraceModel      *model,
                                               const WeftProfile   *profile,
                                               const WeftRunResult *result);
/* Re-reads the model's statistics (while a run goes on). */
void        weft_contention_view_refresh      (WeftContentionView  *self);

/* (transfer none): rows of #WeftContentionRow */
GListModel *weft_contention_view_get_objects  (WeftContentionView  *self);
GListModel *weft_contention_view_get_queues   (WeftContentionView  *self);
GListModel *weft_contention_view_get_counters (WeftContentionView  *self);
char       *weft_contention_view_dup_cell     (WeftContentionView  *self,
                                               WeftContentionRow   *row,
                                               const char          *title);
GtkWidget  *weft_contention_view_get_histogram (WeftContentionView *self);
GtkWidget  *weft_contention_view_get_deadlock_graph (WeftContentionView *self);
/* (nullable): the main loop's lag line, %NULL when it is not shown */
const char *weft_contention_view_get_loop_lag_text (WeftContentionView *self);

G_END_DECLS
