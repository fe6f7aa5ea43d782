/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The trace model's own state, shared by the files of WeftTraceModel only:
 * weft-trace-model.c builds it from events, weft-trace-model-query.c
 * answers the questions about it. Nothing else includes this.
 */

#include "weft-flow-list-private.h"
#include "weft-lane-private.h"
#include "weft-search-private.h"
#include "weft-span-args-private.h"
#include "weft-trace-journal-private.h"
#include "weft-trace-model-private.h"
#include "weft-trace-track-private.h"

G_BEGIN_DECLS

#define OBJECT_CACHE_SIZE 64

typedef struct
{
  guint32        id;
  WeftObjectKind kind;       /* 0 until declared or used */
  gint64         initial;
  GString       *name;
  char          *name_valid;
  guint64        name_time;  /* the NAME pieces being joined: their time and writer */
  guint16        name_worker;
  char          *error;      /* a failed task's error (valid UTF-8) */
  guint16        wait_holder; /* the lane (worker + 1) that held the lock as its latest wait
                               * began, if the recorder knew (LOCK_WAIT's arg0); 0 if not */
  WeftLockStats  lock;
  WeftQueueStats queue;
  WeftTrack     *track;      /* counter values or queue depths */
  GArray        *releases;   /* LockRelease, sorted by (time, worker) */
  GArray        *wakeups;    /* LockWakeup, sorted by time */
} WeftObject;

/*
 * Lock wake-up flows. A contended acquisition at t, whose wait began at w,
 * was woken by the latest release of the lock at or before t (by time, then
 * worker id), if another worker made it at or after w. Releases of
 * different workers arrive out of time order (each worker flushes its own
 * buffer), so the model keeps every release of a lock and every contended
 * acquisition: a release that arrives late re-derives the flows of the
 * acquisitions after it. The flows then depend on the events only, not on
 * the order their batches came in (16 bytes per release, 24 per contended
 * acquisition).
 */
typedef struct
{
  guint64 time_ns;
  guint16 worker;
} LockRelease;

typedef struct
{
  guint64 time_ns;          /* the acquisition */
  guint64 wait_ns;          /* start of the wait it ended */
  guint64 from_ns;          /* the release its flow comes from, if any */
  guint16 worker;
  guint16 from_worker;
  gboolean has_flow;
} LockWakeup;

/* A queue item seen at one end (put or get), waiting for the other. */
typedef struct
{
  gint64  item;
  guint64 time_ns;
  guint32 queue;
  guint16 worker;
  guint8  side;              /* 0 = empty, 1 = put, 2 = get */
} PendingItem;

/* Orders for _weft_lower_bound(): @key points to a time (or a worker id). */
static inline gboolean
release_at_or_before (gconstpointer data, guint i, gconstpointer key)
{
  return ((const LockRelease *) data)[i].time_ns <= *(const guint64 *) key;
}

static inline gboolean
lane_below (gconstpointer data, guint i, gconstpointer key)
{
  return weft_lane_get_worker (((WeftLane * const *) data)[i]) < *(const guint *) key;
}

struct _WeftTraceModel
{
  GObject      parent_instance;

  WeftLane   **lane_by_worker;    /* WEFT_MAX_WORKERS entries */
  GPtrArray   *lanes;             /* sorted by worker id, owns the lanes */
  GPtrArray   *new_lanes;         /* added during this append */

  GHashTable  *objects;           /* id → WeftObject, owned */
  WeftObject  *object_cache[OBJECT_CACHE_SIZE];

  WeftTrack    parallelism;
  GPtrArray   *dirty_tracks;
  /* per worker: its put/get in progress has waited (a QUEUE_READY came),
   * so that a wait paused and begun again counts once */
  guint8       queue_waited[WEFT_MAX_WORKERS];
  WeftTrackScratch track_scratch; /* reused by the tracks' flushes */
  guint        n_parked;          /* points parked in dirty tracks */

  WeftFlowList flows;
  GArray      *pending_flows;     /* WeftFlow, parked until flows_flush() */
  GArray      *flow_tail;         /* WeftFlow: what a rewind of @flows took out */
  guint64      max_flow_ns;

  PendingItem *items;             /* open-addressing table, power of two */
  guint        items_mask;
  guint        n_items;

  guint64      first_ns;
  guint64      last_ns;
  guint64      n_events;
  guint64      n_spans;
  guint        lane_info_serial;  /* a lane named or its executor said since */
  guint64      n_unmatched;
  guint64      n_dropped;

  gboolean     finished;
  gboolean     named_slices;      /* another program's slices: see set_named_slices */

  WeftTraceJournal *journal;      /* every change, for export and replay */
  WeftArgsTable    *args;         /* slices' and instants' args: their text in the journal */
  WeftArgsStore    *adopted_args; /* or here (ADOPTED offsets): see _weft_trace_model_adopt_args */
};


static inline WeftObject *
_weft_trace_model_object_lookup (WeftTraceModel *self,
                                 guint32         id)
{
  return g_hash_table_lookup (self->objects, GUINT_TO_POINTER (id));
}

G_END_DECLS
