/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "weft-arena.h"
#include "weft-profile.h"
#include "weft-task-done.h"

G_BEGIN_DECLS

/*
 * The process executor: N `weft-worker` children, started by a fresh exec
 * (spawn) or forked by a single-threaded fork server, fed tasks over a pipe
 * each. Task payloads are written into the pipe and read by the child, so the
 * cost of moving them is real. Children write their events into the run's
 * event pipe themselves and share the run's arena (MAP_SHARED memory).
 *
 * A handler thread hands the tasks out in turn and takes their results, as
 * CPython's pool's threads do, paying the parent's part of their cost; one pool thread per worker
 * feeds it and waits for its answers; `done` is called from those threads.
 * See docs/processes.md.
 */

#define WEFT_PROCESS_POOL_ERROR (weft_process_pool_error_quark ())

typedef enum
{
  WEFT_PROCESS_POOL_ERROR_NO_WORKER,  /* the weft-worker program cannot be found */
  WEFT_PROCESS_POOL_ERROR_FAILED,     /* a pipe, memfd or process could not be made */
  WEFT_PROCESS_POOL_ERROR_CLOSED,     /* submit after close or cancel */
} WeftProcessPoolError;

typedef struct _WeftProcessPool WeftProcessPool;

/* A worker that ended abnormally. */
typedef struct
{
  guint16  worker;
  gint     pid;
  char    *message;   /* "process 3 (pid 1234) was killed by SIGKILL" */
} WeftCrashedWorker;

GQuark           weft_process_pool_error_quark (void);

WeftProcessPool *weft_process_pool_start       (const WeftProfile  *profile,
                                                WeftArena          *arena,
                                                int                 event_fd,
                                                guint16             first_worker,
                                                guint               n_workers,
                                                WeftStartMethod     method,
                                                gint                handler_lane,
                                                WeftTaskDoneFunc    done,
                                                gpointer            user_data,
                                                GError            **error);
gboolean         weft_process_pool_submit      (WeftProcessPool    *self,
                                                guint32             task_id,
                                                guint               spec_index,
                                                gsize               payload_bytes,
                                                GError            **error);
void             weft_process_pool_close       (WeftProcessPool    *self);
void             weft_process_pool_cancel      (WeftProcessPool    *self);
void             weft_process_pool_wait        (WeftProcessPool    *self);
GArray          *weft_process_pool_get_crashed (WeftProcessPool    *self);
int              weft_process_pool_get_stop_signal (WeftProcessPool *self);
GArray          *weft_process_pool_get_pids    (WeftProcessPool    *self);
void             weft_process_pool_free        (WeftProcessPool    *self);

char            *weft_process_pool_find_worker (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftProcessPool, weft_process_pool_free)

/*
 * The protocol between the pool and weft-worker (both sides of one build;
 * host byte order). Internal: only weft-worker.c uses it.
 *
 * A spawned worker (`weft-worker --worker N`) inherits these fds:
 */
#define _WEFT_FD_EVENTS   3   /* the event pipe's write end */
#define _WEFT_FD_ARENA    4   /* the arena's memfd */
#define _WEFT_FD_PROFILE  5   /* a memfd holding the profile as JSON */
#define _WEFT_FD_TASKS    6   /* tasks in (a spawned worker) / control socket (the fork server) */
#define _WEFT_FD_RESULTS  7   /* answers out (a spawned worker) */

void     _weft_record_starting (int     event_fd,
                                guint16 worker);
gboolean _weft_write_all (int          fd,
                          const void  *data,
                          gsize        len);

/* Task pipe: a header, then payload_bytes of payload. EOF: no more tasks. */
typedef struct
{
  guint32 task_id;
  guint32 spec_index;
  guint64 payload_bytes;
} _WeftTaskMessage;

/* Result pipe: a header, then error_len bytes of message (no NUL). */
typedef struct
{
  guint32 task_id;
  guint32 status;      /* WeftTaskStatus */
  guint32 error_len;
  guint32 padding;
  guint64 work_ns;
} _WeftResultMessage;

/* Fork server control socket (SOCK_SEQPACKET). */
typedef enum
{
  _WEFT_FORK_REQUEST = 1,  /* pool → server, with SCM_RIGHTS [task read end, result write end] */
  _WEFT_FORK_FORKED,       /* server → pool: pid */
  _WEFT_FORK_EXITED,       /* server → pool: pid, wait status */
  _WEFT_FORK_READY,        /* server → pool: arena mapped, profile read; requests welcome */
} _WeftForkMessageKind;

typedef struct
{
  guint32 kind;
  guint32 worker;
  gint32  pid;
  gint32  status;
} _WeftForkMessage;

G_END_DECLS
