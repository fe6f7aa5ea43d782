/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-arena.h"

G_BEGIN_DECLS

/*
 * A manager: a server process that owns shared counters, as
 * multiprocessing.Manager() does. Every operation on a counter it serves is a
 * request and a reply over a socket: easy to use from threads and processes
 * alike, and a round trip each time. It runs as `weft-worker --manager N`,
 * with a lane of its own.
 */

#define WEFT_MANAGER_ERROR (weft_manager_error_quark ())

typedef struct _WeftManager WeftManager;

/* One request on the manager's socket (SOCK_SEQPACKET), and its reply. */
typedef struct
{
  guint32 op;        /* WEFT_MANAGER_OP_* */
  guint32 object;    /* the counter's index in the profile */
  gint64  n;
} WeftManagerRequest;

typedef struct
{
  gint64 value;      /* the counter after the operation */
} WeftManagerReply;

#define WEFT_MANAGER_OP_ADD 1   /* add n, atomically in the manager */
#define WEFT_MANAGER_OP_GET 2   /* read the value */
#define WEFT_MANAGER_OP_SET 3   /* set it to n */

GQuark       weft_manager_error_quark (void);
WeftManager *weft_manager_start       (WeftArena   *arena,
                                       int          event_fd,
                                       guint16      worker,
                                       GError     **error);
void         weft_manager_stop        (WeftManager *self);
int          weft_manager_serve       (int          listen_fd,
                                       int          control_fd,
                                       WeftArena   *arena,
                                       WeftWireWriter *writer,
                                       double       request_ns);

int          weft_manager_connect     (WeftArena   *arena,
                                       GError     **error);
gboolean     weft_manager_call        (int          fd,
                                       guint32      op,
                                       guint        object,
                                       gint64       n,
                                       gint64      *out_value);

G_END_DECLS
