/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "weft-profile.h"
#include "weft-trace-import.h"
#include "weft-trace-meta.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_LOADER (weft_loader_get_type ())

G_DECLARE_FINAL_TYPE (WeftLoader, weft_loader, WEFT, LOADER, GObject)

#define WEFT_LOADER_ERROR (weft_loader_error_quark ())

typedef enum
{
  WEFT_LOADER_ERROR_EMPTY,      /* the file holds nothing but white space */
  WEFT_LOADER_ERROR_NOT_LOCAL,  /* not a file on a local disk */
  WEFT_LOADER_ERROR_IO,         /* cannot be read */
} WeftLoaderError;

typedef enum
{
  WEFT_LOADER_KIND_NONE,        /* not loaded (yet) */
  WEFT_LOADER_KIND_PROFILE,
  WEFT_LOADER_KIND_TRACE,
} WeftLoaderKind;

GQuark                      weft_loader_error_quark (void);

WeftLoader                 *weft_loader_new          (GFile                *file);
GFile                      *weft_loader_get_file     (WeftLoader           *self);
gboolean                    weft_loader_load         (WeftLoader           *self,
                                                      GCancellable         *cancellable,
                                                      GError              **error);
void                        weft_loader_load_async   (WeftLoader           *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean                    weft_loader_load_finish  (WeftLoader           *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

WeftLoaderKind              weft_loader_get_kind     (WeftLoader           *self);
const WeftProfile          *weft_loader_get_profile  (WeftLoader           *self);
WeftTraceModel             *weft_loader_get_model    (WeftLoader           *self);
const WeftTraceMeta        *weft_loader_get_meta     (WeftLoader           *self);
const WeftTraceImportStats *weft_loader_get_stats    (WeftLoader           *self);

G_END_DECLS
