/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_STEP_CHART (weft_step_chart_get_type ())

G_DECLARE_FINAL_TYPE (WeftStepChart, weft_step_chart, WEFT, STEP_CHART, GtkWidget)

GtkWidget *weft_step_chart_new        (void);
void       weft_step_chart_set_track  (WeftStepChart          *self,
                                       gpointer                owner,
                                       const WeftCounterTrack *track,
                                       guint64                 begin_ns,
                                       guint64                 end_ns);
/* A dashed reference line (e.g. the number of cores); 0 for none. */
void       weft_step_chart_set_reference (WeftStepChart *self,
                                          double         value,
                                          const char    *label);

G_END_DECLS
