/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "weft-trace-model.h"

G_BEGIN_DECLS

/* The longest wake-up chain weft_span_links_get_wakeup_chain() follows */
#define WEFT_SPAN_LINKS_MAX_CHAIN 64

/**
 * WeftSpanLink:
 * @span: the span at the other end (or in the chain)
 * @time_ns: when the hand-off happened: the release, put or get
 * @worker: the lane of @span
 * @depth: @span's row
 * @index: @span's index in its row (one past the closed ones: still open)
 * @flow: the #WeftFlow behind the link
 *
 * A span found from another one by a flow (see weft-span-links.c).
 */
typedef struct
{
  WeftSpan span;
  guint64  time_ns;
  guint16  worker;
  guint    depth;
  guint    index;
  WeftFlow flow;
} WeftSpanLink;

WeftSpan *weft_lane_dup_open_spans   (WeftLane       *lane,
                                      guint          *out_n);
gboolean  weft_lane_find_span        (WeftLane       *lane,
                                      WeftState       state,
                                      guint32         object,
                                      guint64         start_ns,
                                      guint64         end_ns,
                                      guint          *out_depth,
                                      guint          *out_index,
                                      WeftSpan       *out_span);
void      weft_span_links_get_flows  (WeftTraceModel *model,
                                      guint           worker,
                                      const WeftSpan *span,
                                      GArray         *out_in,
                                      GArray         *out_out);
GArray   *weft_span_links_get_wakeup_chain (WeftTraceModel *model,
                                            guint           worker,
                                            const WeftSpan *span);

gboolean  weft_span_links_get_task   (WeftTraceModel *model,
                                      guint           worker,
                                      const WeftSpan *span,
                                      WeftSpanLink   *out_link);

G_END_DECLS
