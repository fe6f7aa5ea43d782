/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-run.h"
#include "weft-summary.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_SUMMARY_VIEW (weft_summary_view_get_type ())

G_DECLARE_FINAL_TYPE (WeftSummaryView, weft_summary_view, WEFT, SUMMARY_VIEW, GtkBox)

GtkWidget *weft_summary_view_new        (void);
/* All nullable; the view keeps a reference on @model and reads @profile
 * and @result (a finished run's) only during the call. */
void       weft_summary_view_set_data   (WeftSummaryView     *self,
                                         WeftTraceModel      *model,
                                         const WeftProfile   *profile,
                                         const WeftRunResult *result);
void       weft_summary_view_set_summary (WeftSummaryView   *self,
                                         WeftTraceModel    *model,
                                         WeftSummary       *summary);
void       weft_summary_view_set_trace  (WeftSummaryView     *self,
                                         WeftTraceModel      *model,
                                         const WeftTraceMeta *meta);
WeftSummary *weft_summary_view_get_summary (WeftSummaryView  *self);
/* Re-reads the model (while a run goes on). */
void       weft_summary_view_refresh    (WeftSummaryView     *self);
GtkWidget *weft_summary_view_get_bars   (WeftSummaryView     *self);
/* The figures line: "wall … · speedup … · efficiency …" */
const char *weft_summary_view_get_headline (WeftSummaryView  *self);
const char *weft_summary_view_get_model_text (WeftSummaryView *self);

G_END_DECLS
