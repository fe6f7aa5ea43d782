/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "weft-trace-meta.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

/* Version of Weft's own data inside an exported trace (the "weft" member). */
#define WEFT_TRACE_FORMAT_VERSION 2

gboolean weft_trace_export_to_file (WeftTraceModel       *model,
                                    const WeftTraceMeta  *meta,
                                    const char           *path,
                                    GCancellable         *cancellable,
                                    GError              **error);
void     weft_trace_export_to_file_async  (WeftTraceModel       *model,
                                           const WeftTraceMeta  *meta,
                                           const char           *path,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean weft_trace_export_to_file_finish (GAsyncResult         *result,
                                           GError              **error);

const char *weft_executor_kind_to_nick   (WeftExecutorKind  kind);
gboolean    weft_executor_kind_from_nick (const char       *nick,
                                          WeftExecutorKind *out_kind);
const char *weft_object_kind_to_nick     (WeftObjectKind    kind);
gboolean    weft_object_kind_from_nick   (const char       *nick,
                                          WeftObjectKind   *out_kind);

G_END_DECLS
