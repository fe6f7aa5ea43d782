/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-session.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_TIMELINE_OVERVIEW (weft_timeline_overview_get_type ())

G_DECLARE_FINAL_TYPE (WeftTimelineOverview, weft_timeline_overview, WEFT, TIMELINE_OVERVIEW, GtkWidget)

/**
 * WeftOverviewColumn:
 * @parallelism: the mean number of lanes on a CPU over the column (the
 *   parallelism track's average)
 * @wait_ns: the lanes' time in waits (lock, GIL, queue, start-up, core)
 *   inside the column, summed over lanes
 * @state_ns: @wait_ns by wait state (the other states stay 0)
 *
 * One column of the overview strip.
 */
typedef struct
{
  double parallelism;
  double wait_ns;
  double state_ns[WEFT_N_STATES];
} WeftOverviewColumn;

GtkWidget *weft_timeline_overview_new            (WeftSession          *session);
void       weft_timeline_overview_set_inset      (WeftTimelineOverview *self,
                                                  int                   inset);
void       weft_timeline_overview_set_marks      (WeftTimelineOverview *self,
                                                  const guint64        *times_ns,
                                                  guint                 n_times);

void       weft_timeline_overview_compute_columns (WeftTraceModel     *model,
                                                   guint64             t0,
                                                   guint64             t1,
                                                   guint               n_columns,
                                                   WeftOverviewColumn *out_columns);

/* What a drag on the strip does, from (@x0) by @dx pixels (tests call these) */
void       weft_timeline_overview_drag           (WeftTimelineOverview *self,
                                                  double                x0,
                                                  double                dx);

G_END_DECLS
