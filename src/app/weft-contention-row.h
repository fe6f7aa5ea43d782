/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "weft-event.h"

G_BEGIN_DECLS

#define WEFT_TYPE_CONTENTION_ROW (weft_contention_row_get_type ())

G_DECLARE_FINAL_TYPE (WeftContentionRow, weft_contention_row, WEFT, CONTENTION_ROW, GObject)

/* What the contention view shows of one lock, the GIL, a queue or a counter. */
typedef struct
{
  WeftObjectKind kind;
  guint32        object;        /* the model's object id */
  /* locks and the GIL */
  guint64        acquisitions;
  gboolean       waits_only;    /* a recorded program's lock: acquisitions without a wait unseen */
  guint64        contended;     /* acquisitions that waited */
  guint64        waits;         /* @contended and the waits that never acquired */
  guint64        unacquired;
  double         contention;    /* waits per attempt, see weft_lock_stats_get_contention() */
  guint64        total_wait_ns;
  guint64        max_wait_ns;
  guint64        mean_wait_ns;
  guint64        hold_ns;
  /* queues */
  guint64        puts;
  guint64        gets;
  guint64        get_waits;     /* gets that blocked on an empty queue */
  guint64        put_waits;     /* puts that blocked on a full queue */
  gint64         capacity;      /* 0: unbounded or unknown */
  gint64         max_depth;
  guint64        blocked_ns;
  /* counters (from the run's result) */
  gint64         expected;
  gint64         actual;
  gint64         lost;
} WeftContentionStats;

WeftContentionRow         *weft_contention_row_new       (const char                *name,
                                                          const WeftContentionStats *stats);
const char                *weft_contention_row_get_name  (WeftContentionRow         *self);
const WeftContentionStats *weft_contention_row_get_stats (WeftContentionRow         *self);

G_END_DECLS
