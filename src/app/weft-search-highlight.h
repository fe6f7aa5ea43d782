/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-timeline-search.h"
#include "weft-timeline-view.h"

G_BEGIN_DECLS

#define WEFT_TYPE_SEARCH_HIGHLIGHT (weft_search_highlight_get_type ())

G_DECLARE_FINAL_TYPE (WeftSearchHighlight, weft_search_highlight, WEFT, SEARCH_HIGHLIGHT, GtkWidget)

GtkWidget *weft_search_highlight_new        (WeftTimelineView   *view,
                                             WeftTimelineSearch *search);
guint      weft_search_highlight_get_n_drawn (WeftSearchHighlight *self);

G_END_DECLS
