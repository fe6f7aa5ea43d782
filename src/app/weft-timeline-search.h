/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_TIMELINE_SEARCH (weft_timeline_search_get_type ())

G_DECLARE_FINAL_TYPE (WeftTimelineSearch, weft_timeline_search, WEFT, TIMELINE_SEARCH, GObject)

/**
 * WeftSearchMatch:
 * @start_ns: the span's start
 * @end_ns: its end
 * @worker: its lane
 * @depth: its row
 * @index: its index in the row (one past the closed spans: the open one)
 */
typedef struct
{
  guint64 start_ns;
  guint64 end_ns;
  guint16 worker;
  guint8  depth;
  guint   index;
} WeftSearchMatch;

WeftTimelineSearch    *weft_timeline_search_new          (void);
void                   weft_timeline_search_run          (WeftTimelineSearch *self,
                                                          WeftTraceModel     *model,
                                                          const char         *query);
void                   weft_timeline_search_start        (WeftTimelineSearch *self,
                                                          WeftTraceModel     *model,
                                                          const char         *query);
gboolean               weft_timeline_search_get_searching (WeftTimelineSearch *self);
void                   _weft_timeline_search_set_thread_from (WeftTimelineSearch *self,
                                                              guint64             n_spans);
const char            *weft_timeline_search_get_query    (WeftTimelineSearch *self);
guint                  weft_timeline_search_get_n_matches (WeftTimelineSearch *self);
const WeftSearchMatch *weft_timeline_search_get_match    (WeftTimelineSearch *self,
                                                          guint               index);
guint                  weft_timeline_search_lookup       (WeftTimelineSearch *self,
                                                          guint64             t);
gboolean               weft_timeline_search_step         (WeftTimelineSearch *self,
                                                          gboolean            forward,
                                                          guint              *out_index);
void                   weft_timeline_search_set_current  (WeftTimelineSearch *self,
                                                          guint               index);
gboolean               weft_timeline_search_get_current  (WeftTimelineSearch *self,
                                                          guint              *out_index);

G_END_DECLS
