/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "weft-trace-meta.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

/**
 * WeftTraceImportStats:
 * @n_trace_events: objects in the trace's event array (for a file Weft
 *   wrote, counted but not read: its model comes from its journal)
 * @n_used: events that became part of the model (spans, instants,
 *   counter points, flows, names)
 * @n_unknown_phase: events with a phase Weft does not read (skipped)
 * @n_invalid: events skipped for a missing or wrongly typed field or an
 *   absurd value (negative duration, ts or id out of range, …)
 * @n_unmatched_end: "E" without an open "B", "e" without its "b"
 * @n_unclosed: "B"/"b" never ended (closed at the end of their lane)
 * @n_lanes_over: events skipped because they would need more than
 *   %WEFT_MAX_WORKERS lanes
 * @n_lanes: lanes in the model
 * @weft_format: the file was written by Weft: its model's journal was
 *   replayed, so the model is the exported one
 * @unclosed_array: the array of events had no closing ']'
 * @split: the events were read in two halves, on two threads (a big
 *   trace of another program; what is read is the same either way)
 * @first_skip: "FILE:LINE:COLUMN: reason" of the first event skipped, or ""
 */
typedef struct
{
  guint64  n_trace_events;
  guint64  n_used;
  guint64  n_unknown_phase;
  guint64  n_invalid;
  guint64  n_unmatched_end;
  guint64  n_unclosed;
  guint64  n_lanes_over;
  guint    n_lanes;
  gboolean weft_format;
  gboolean unclosed_array;
  gboolean split;
  char     first_skip[256];
} WeftTraceImportStats;

WeftTraceModel *weft_trace_import_file (const char            *path,
                                        WeftTraceMeta        **out_meta,
                                        WeftTraceImportStats  *out_stats,
                                        GCancellable          *cancellable,
                                        GError               **error);

G_END_DECLS
