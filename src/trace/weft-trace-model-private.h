/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-span-args-private.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

gboolean      _weft_trace_model_get_journal_length (WeftTraceModel *self,
                                                    guint64        *out_len);
gboolean      _weft_trace_model_read_journal (WeftTraceModel *self,
                                              guint64         offset,
                                              guint8         *buf,
                                              gsize           len,
                                              GError        **error);
GBytes       *_weft_trace_model_dup_journal (WeftTraceModel *self);
void          _weft_trace_model_set_journal_spill (WeftTraceModel *self,
                                                   gsize           n_bytes);
guint64       _weft_trace_model_get_journal_spilled (WeftTraceModel *self);
void          _weft_trace_model_set_journal_limit (WeftTraceModel *self,
                                                   guint           limit);
void          _weft_trace_model_add_args    (WeftTraceModel *self,
                                             guint           worker,
                                             guint           slot,
                                             guint64         time_ns,
                                             const char     *args,
                                             gsize           len);
void          _weft_trace_model_adopt_args  (WeftTraceModel *self,
                                             WeftArgsStore  *store);
void          _weft_trace_model_add_adopted_args (WeftTraceModel *self,
                                                  guint           worker,
                                                  guint           slot,
                                                  guint64         time_ns,
                                                  guint32         ref);
GByteArray   *_weft_trace_model_encode_adopted_args (WeftTraceModel *self);

void          _weft_trace_model_settle (WeftTraceModel *self);

G_END_DECLS
