/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-timeline-overview.h"
#include "weft-timeline-search.h"
#include "weft-timeline-view.h"

G_BEGIN_DECLS

#define WEFT_TYPE_SEARCH_BAR (weft_search_bar_get_type ())

G_DECLARE_FINAL_TYPE (WeftSearchBar, weft_search_bar, WEFT, SEARCH_BAR, GtkWidget)

GtkWidget          *weft_search_bar_new          (WeftTimelineView     *view,
                                                  WeftTimelineOverview *overview);
WeftTimelineSearch *weft_search_bar_get_search   (WeftSearchBar        *self);
void                weft_search_bar_set_open     (WeftSearchBar        *self,
                                                  gboolean              open);
gboolean            weft_search_bar_get_open     (WeftSearchBar        *self);
void                weft_search_bar_set_query    (WeftSearchBar        *self,
                                                  const char           *query);
void                weft_search_bar_step         (WeftSearchBar        *self,
                                                  gboolean              forward);
const char         *weft_search_bar_get_status   (WeftSearchBar        *self);

G_END_DECLS
