/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_STATE_BARS (weft_state_bars_get_type ())

G_DECLARE_FINAL_TYPE (WeftStateBars, weft_state_bars, WEFT, STATE_BARS, GtkWidget)

GtkWidget *weft_state_bars_new       (void);
/* Reads every lane's time per state from @model (nullable) now; call again
 * to refresh. */
void       weft_state_bars_set_model (WeftStateBars  *self,
                                      WeftTraceModel *model);
guint      weft_state_bars_get_n_rows (WeftStateBars *self);

G_END_DECLS
