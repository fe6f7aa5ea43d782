/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WEFT_TYPE_LEGEND (weft_legend_get_type ())

G_DECLARE_FINAL_TYPE (WeftLegend, weft_legend, WEFT, LEGEND, GtkWidget)

/* One swatch and name per state, in the timeline's colours, then a task
 * that failed and a main loop's awaits. */
GtkWidget *weft_legend_new             (void);
void       weft_legend_set_states_only (WeftLegend *self,
                                        gboolean    states_only);
void       weft_legend_set_named_slices (WeftLegend *self,
                                         gboolean    named_slices);
guint      weft_legend_get_n_items     (WeftLegend *self);

G_END_DECLS
