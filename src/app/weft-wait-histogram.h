/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-span.h"

G_BEGIN_DECLS

#define WEFT_TYPE_WAIT_HISTOGRAM (weft_wait_histogram_get_type ())

G_DECLARE_FINAL_TYPE (WeftWaitHistogram, weft_wait_histogram, WEFT, WAIT_HISTOGRAM, GtkWidget)

GtkWidget *weft_wait_histogram_new      (void);
/* @waits_ns: (transfer none) (nullable): durations; copied */
void       weft_wait_histogram_set_data (WeftWaitHistogram *self,
                                         const guint64     *waits_ns,
                                         guint              n_waits,
                                         WeftState          state);
guint      weft_wait_histogram_get_n    (WeftWaitHistogram *self);

G_END_DECLS
