/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WEFT_TYPE_LEGEND (weft_legend_get_type ())

G_DECLARE_FINAL_TYPE (WeftLegend, weft_legend, WEFT, LEGEND, GtkWidget)

/* One swatch and name per state, in the timeline's colours. */
GtkWidget *weft_legend_new (void);

G_END_DECLS
