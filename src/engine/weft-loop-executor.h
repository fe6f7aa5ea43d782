/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-arena.h"
#include "weft-profile.h"
#include "weft-task-done.h"
#include "weft-wire-writer.h"

G_BEGIN_DECLS

/*
 * The main-loop executor: every task is a coroutine on one GMainLoop, on its
 * own context and thread (never the UI's). All tasks start at once, as with
 * asyncio.gather(). A non-blocking wait suspends the task and lets the loop
 * run others, so thousands wait at once; CPU work or a blocking call inside a
 * task stalls the whole loop, and every timer fires late. That lateness, the
 * loop's lag, is recorded as a counter.
 *
 * On the loop's lane a RUNNING span is one stretch of a task between two
 * waits (its TASK_END says WEFT_TASK_SUSPENDED until the last one); the
 * waits themselves are the "pending waits" counter, not spans, since
 * thousands overlap.
 */

/* Counter ids on the wire, apart from the profile's objects. */
#define WEFT_LOOP_LAG_ID      2   /* lag of each wake-up, in µs */
#define WEFT_LOOP_PENDING_ID  3   /* tasks suspended in a non-blocking wait */

/* A run with several loops gives each its own pair: the first loop (the
 * lowest worker) the ids above, loop n > 0 these. */
#define WEFT_LOOP_IDS_BASE    0x90000

static inline guint32
weft_loop_lag_id (guint loop_index)
{
  return loop_index == 0 ? WEFT_LOOP_LAG_ID : WEFT_LOOP_IDS_BASE + 2 * loop_index;
}

static inline guint32
weft_loop_pending_id (guint loop_index)
{
  return loop_index == 0 ? WEFT_LOOP_PENDING_ID : WEFT_LOOP_IDS_BASE + 2 * loop_index + 1;
}

typedef struct
{
  guint32          id;
  guint            spec_index;
  const GPtrArray *steps;
} WeftLoopTask;

void weft_loop_executor_run (const WeftProfile    *profile,
                             WeftArena            *arena,
                             WeftWireWriter       *writer,
                             guint16               worker,
                             guint                 loop_index,
                             const WeftLoopTask   *tasks,
                             guint                 n_tasks,
                             WeftTaskDoneFunc      done,
                             gpointer              user_data,
                             guint64              *out_max_lag_ns);

G_END_DECLS
