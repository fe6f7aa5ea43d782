/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "weft-event.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

/*
 * A model's journal: every call that changed a WeftTraceModel (each batch of
 * events, lane and object descriptions, the finish), in order, in a compact
 * byte encoding (see docs/trace-format.md). Replaying a journal into a new
 * model makes the same calls, so it builds the same model: an exported
 * trace carries its model's journal, and import replays it.
 *
 * Beyond a few MiB, the journal's bytes move to an unlinked file on disk
 * (weft-spill-private.h): a run's journal is written once and read only to
 * export it, so it need not stay in memory.
 */

typedef struct _WeftTraceJournal WeftTraceJournal;

WeftTraceJournal *_weft_trace_journal_new            (void);
void              _weft_trace_journal_free           (WeftTraceJournal *journal);

gboolean          _weft_trace_journal_begin_events   (WeftTraceJournal *journal,
                                                      gsize             n_events);
void              _weft_trace_journal_event          (WeftTraceJournal *journal,
                                                      const WeftEvent  *ev);
void              _weft_trace_journal_end_events     (WeftTraceJournal *journal);
void              _weft_trace_journal_lane_name      (WeftTraceJournal *journal,
                                                      guint             worker,
                                                      const char       *name);
void              _weft_trace_journal_lane_executor  (WeftTraceJournal *journal,
                                                      guint             worker,
                                                      WeftExecutorKind  executor,
                                                      gint64            pid);
void              _weft_trace_journal_declare_object (WeftTraceJournal *journal,
                                                      guint32           object,
                                                      WeftObjectKind    kind,
                                                      gint64            initial);
void              _weft_trace_journal_object_name    (WeftTraceJournal *journal,
                                                      guint32           object,
                                                      const char       *name);
void              _weft_trace_journal_named_slices   (WeftTraceJournal *journal,
                                                      gboolean          named);
void              _weft_trace_journal_task_error     (WeftTraceJournal *journal,
                                                      guint32           task,
                                                      const char       *error);
guint64           _weft_trace_journal_args           (WeftTraceJournal *journal,
                                                      guint             worker,
                                                      guint             slot,
                                                      guint64           time_ns,
                                                      const char       *args,
                                                      gsize             len);
guint64           _weft_trace_journal_encode_args    (GByteArray       *out,
                                                      guint             worker,
                                                      guint             slot,
                                                      guint64           time_ns,
                                                      const char       *args,
                                                      gsize             len);
const char       *_weft_trace_journal_peek           (WeftTraceJournal *journal,
                                                      guint64           offset);
void              _weft_trace_journal_finish         (WeftTraceJournal *journal,
                                                      guint64           end_ns);

void              _weft_trace_journal_set_limit      (WeftTraceJournal *journal,
                                                      guint             limit);
void              _weft_trace_journal_set_spill      (WeftTraceJournal *journal,
                                                      gsize             n_bytes);
guint64           _weft_trace_journal_get_spilled    (WeftTraceJournal *journal);
gboolean          _weft_trace_journal_get_length     (WeftTraceJournal *journal,
                                                      guint64          *out_len);
gboolean          _weft_trace_journal_read           (WeftTraceJournal *journal,
                                                      guint64           offset,
                                                      guint8           *buf,
                                                      gsize             len,
                                                      GError          **error);

gboolean          _weft_trace_journal_replay         (const guint8     *data,
                                                      gsize             len,
                                                      WeftTraceModel   *model,
                                                      GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftTraceJournal, _weft_trace_journal_free)

G_END_DECLS
