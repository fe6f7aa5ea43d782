/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-timeline-view.h"

G_BEGIN_DECLS

/* For tests and benchmarks: drops every cached row rendering, and counts
 * the spans, summary entries and counter points the painters read since
 * the last reset. */
void         _weft_timeline_view_invalidate          (WeftTimelineView *self);
guint64      _weft_timeline_view_get_spans_visited   (WeftTimelineView *self);
void         _weft_timeline_view_reset_spans_visited (WeftTimelineView *self);

G_END_DECLS
