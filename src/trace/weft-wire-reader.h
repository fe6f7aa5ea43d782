/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-event.h"

G_BEGIN_DECLS

#define WEFT_WIRE_ERROR (weft_wire_error_quark ())

typedef enum
{
  WEFT_WIRE_ERROR_NOT_WEFT,     /* the stream does not start with Weft's handshake */
  WEFT_WIRE_ERROR_VERSION,      /* a wire version this reader does not speak */
  WEFT_WIRE_ERROR_TRUNCATED,    /* the stream ended inside a record */
} WeftWireError;

typedef enum
{
  WEFT_WIRE_REJECT_KIND,        /* unknown event kind */
  WEFT_WIRE_REJECT_WORKER,      /* worker id out of range */
  WEFT_WIRE_REJECT_TIME,        /* time went backwards within a worker */
  WEFT_WIRE_REJECT_HELLO,       /* a later HELLO with a wrong magic or version */
  WEFT_WIRE_N_REJECTS
} WeftWireReject;

typedef struct _WeftWireReader WeftWireReader;

GQuark            weft_wire_error_quark              (void);

WeftWireReader   *weft_wire_reader_new               (guint            max_workers);
void              weft_wire_reader_free              (WeftWireReader  *self);
guint8           *weft_wire_reader_prepare           (WeftWireReader  *self,
                                                      gsize           *out_space);
const WeftEvent  *weft_wire_reader_commit            (WeftWireReader  *self,
                                                      gsize            n_bytes,
                                                      gsize           *out_n_events,
                                                      GError         **error);
gboolean          weft_wire_reader_feed              (WeftWireReader  *self,
                                                      const guint8    *data,
                                                      gsize            len,
                                                      GArray          *out_events,
                                                      GError         **error);
gboolean          weft_wire_reader_finish            (WeftWireReader  *self,
                                                      GError         **error);

guint64           weft_wire_reader_get_n_events      (WeftWireReader  *self);
guint64           weft_wire_reader_get_n_rejected    (WeftWireReader  *self,
                                                      WeftWireReject   reason);
guint64           weft_wire_reader_get_n_rejected_total (WeftWireReader *self);
guint64           weft_wire_reader_get_n_garbage_bytes (WeftWireReader *self);
guint64           weft_wire_reader_get_n_truncated_bytes (WeftWireReader *self);
gboolean          weft_wire_reader_get_handshake_ok  (WeftWireReader  *self);
GArray           *weft_wire_reader_get_unclosed_workers (WeftWireReader *self);
guint             weft_wire_reader_get_n_writers     (WeftWireReader  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftWireReader, weft_wire_reader_free)

G_END_DECLS
