/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-chrome-reader-private.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

/* A model from the events of a trace another program wrote. */
typedef struct _WeftForeignTrace WeftForeignTrace;

WeftForeignTrace *_weft_foreign_trace_new   (WeftTraceImportStats   *stats);
void              _weft_foreign_trace_free  (WeftForeignTrace       *self);
void              _weft_foreign_trace_add   (WeftChromeReader       *reader,
                                             const WeftChromeEvent  *ev,
                                             gpointer                user_data);
gboolean          _weft_foreign_trace_merge (WeftForeignTrace       *self,
                                             WeftForeignTrace       *part);
WeftTraceModel   *_weft_foreign_trace_build (WeftForeignTrace       *self,
                                             GCancellable           *cancellable,
                                             GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftForeignTrace, _weft_foreign_trace_free)

G_END_DECLS
