/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * One timeline event as it crosses the wire: 32 bytes, host byte order.
 * Workers write these into one pipe; see docs/wire-format.md.
 */

#define WEFT_WIRE_MAGIC   G_GINT64_CONSTANT (0x4552495754464557) /* "WEFTWIRE" in little-endian bytes */
#define WEFT_WIRE_VERSION 1
#define WEFT_EVENT_SIZE   32

/* Largest worker id a stream may use unless the reader is told otherwise. */
#define WEFT_MAX_WORKERS  4096

/* The object id that stands for the writing worker itself (in NAME records). */
#define WEFT_OBJECT_SELF  G_MAXUINT32

typedef enum
{
  WEFT_EVENT_INVALID = 0,

  /* Stream control */
  WEFT_EVENT_HELLO,          /* a writer opens: arg0 = WEFT_WIRE_MAGIC, arg1 = WEFT_WIRE_VERSION */
  WEFT_EVENT_BYE,            /* a writer closes cleanly */

  /* Description */
  WEFT_EVENT_WORKER_INFO,    /* arg0 = WeftExecutorKind, arg1 = OS process id */
  WEFT_EVENT_OBJECT_NEW,     /* object = id, arg0 = WeftObjectKind, arg1 = capacity or initial value;
                              * a recorded lock's: WEFT_LOCK_RECORDED_IN_FULL or 0 */
  WEFT_EVENT_NAME,           /* object = id or WEFT_OBJECT_SELF; arg0..arg1 = up to 16 bytes of UTF-8, appended */

  /* Spans: each *_BEGIN / *_WAIT opens a state that the matching event closes */
  WEFT_EVENT_TASK_BEGIN,     /* object = task id, arg0 = task kind */
  WEFT_EVENT_TASK_END,       /* object = task id, arg0 = WeftTaskStatus */
  WEFT_EVENT_LOCK_WAIT,      /* object = lock: starts waiting for it */
  WEFT_EVENT_LOCK_ACQUIRED,  /* object = lock: ends the wait (if any), starts holding */
  WEFT_EVENT_LOCK_RELEASED,  /* object = lock: ends holding */
  WEFT_EVENT_GIL_WAIT,       /* object = GIL: starts waiting for it */
  WEFT_EVENT_GIL_ACQUIRED,   /* object = GIL: ends the wait (if any), starts holding */
  WEFT_EVENT_GIL_RELEASED,   /* object = GIL: ends holding */
  WEFT_EVENT_QUEUE_PUT_BEGIN,/* object = queue: a put starts (blocks while full) */
  WEFT_EVENT_QUEUE_PUT_END,  /* object = queue: arg0 = depth after the put, arg1 = item id */
  WEFT_EVENT_QUEUE_GET_BEGIN,/* object = queue: a get starts (blocks while empty) */
  WEFT_EVENT_QUEUE_GET_END,  /* object = queue: arg0 = depth after the get, arg1 = item id */
  WEFT_EVENT_IO_BEGIN,       /* object = task or resource id, arg0 = bytes if known */
  WEFT_EVENT_IO_END,         /* object = as begin, arg0 = bytes moved */
  WEFT_EVENT_SPAWN_BEGIN,    /* the worker starts up (recorded by whoever starts it) */
  WEFT_EVENT_SPAWN_END,      /* the worker is ready */

  /* Points and values */
  WEFT_EVENT_INSTANT,        /* object = id, arg0 and arg1 free */
  WEFT_EVENT_COUNTER,        /* object = counter id, arg0 = new value */

  /* Ready but without a core: measured by the worker from its own CPU time */
  WEFT_EVENT_CORE_WAIT_BEGIN,/* object = task id: starts waiting for a core */
  WEFT_EVENT_CORE_WAIT_END,  /* object = as begin: runs again */

  /* A cost of the modelled CPython, charged as real work (docs/profiles.md) */
  WEFT_EVENT_COST_BEGIN,     /* object = task id or 0, arg0 = the cost's WeftState, arg1 = bytes if any */
  WEFT_EVENT_COST_END,       /* object, arg0 = as begin */

  /* A blocked put or get: what it waited for came (room, or an item) */
  WEFT_EVENT_QUEUE_READY,    /* object = queue: ends the wait; the PUT_END/GET_END follows */

  WEFT_EVENT_N_KINDS
} WeftEventKind;

typedef enum
{
  WEFT_OBJECT_LOCK = 1,
  WEFT_OBJECT_GIL,
  WEFT_OBJECT_QUEUE,
  WEFT_OBJECT_COUNTER,
  WEFT_OBJECT_TASK,
  WEFT_OBJECT_OTHER,
} WeftObjectKind;

/* OBJECT_NEW's arg1 for a lock whose every acquisition is recorded (a
 * recorded program's lock that it named): without it a recording records a
 * lock only when someone waits for it */
#define WEFT_LOCK_RECORDED_IN_FULL 1

typedef enum
{
  WEFT_EXECUTOR_NONE = 0,
  WEFT_EXECUTOR_THREADS,
  WEFT_EXECUTOR_PROCESSES,
  WEFT_EXECUTOR_MAINLOOP,
  WEFT_EXECUTOR_EXTERNAL,
} WeftExecutorKind;

typedef enum
{
  WEFT_TASK_OK = 0,
  WEFT_TASK_FAILED,
  WEFT_TASK_CANCELLED,
  WEFT_TASK_SUSPENDED,     /* a coroutine's stretch ended at a wait; the task goes on later */
} WeftTaskStatus;

typedef struct
{
  guint64 time_ns;   /* CLOCK_MONOTONIC, nanoseconds */
  gint64  arg0;
  gint64  arg1;
  guint32 object;
  guint16 worker;
  guint16 kind;      /* WeftEventKind */
} WeftEvent;

G_STATIC_ASSERT (sizeof (WeftEvent) == WEFT_EVENT_SIZE);

const char *weft_event_kind_to_string (WeftEventKind kind);

G_END_DECLS
