/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>

#include "weft-profile.h"
#include "weft-wire-writer.h"

G_BEGIN_DECLS

/*
 * The shared objects of one run — locks, queues, counters — and the state
 * every worker can see: the cancel flag and the wait-for graph. Everything
 * lives in one block of MAP_SHARED memory with process-shared primitives, so
 * threads and child processes (forked, or spawned and handed the memfd) use
 * the very same objects.
 *
 * Object ids on the wire are the object's index in the profile plus
 * WEFT_ARENA_OBJECT_BASE; the GIL is WEFT_ARENA_GIL_ID.
 */

#define WEFT_ARENA_GIL_ID       1
#define WEFT_ARENA_OBJECT_BASE  16

/* A single counter's lost updates, sampled during its increments, are a
 * counter track of their own: WEFT_ARENA_LOST_BASE + the counter's index in
 * the profile (for the first 65,536 counters; task ids start far above). */
#define WEFT_ARENA_LOST_BASE    0x80000
#define WEFT_ARENA_LOST_ID(index) \
  ((index) < 0x10000 ? WEFT_ARENA_LOST_BASE + (index) : 0)
#define WEFT_ARENA_MAX_WORKERS  1024
#define WEFT_ARENA_UNBOUNDED_QUEUE 65536

/* Waits re-check the cancel flag this often. */
#define WEFT_ARENA_POLL_NS      (20 * G_GUINT64_CONSTANT (1000000))

typedef struct _WeftArena WeftArena;

/* A wait-for link's object when the worker waits for the GIL. */
#define WEFT_ARENA_WAIT_GIL     G_MAXUINT

/* One link of a wait-for cycle: `worker` waits for `object` (a lock's index
 * in the profile, or WEFT_ARENA_WAIT_GIL), held by the next link's worker. */
typedef struct
{
  guint16 worker;
  guint   object;
} WeftWaitLink;

/* The sentinel item a for_each stops at. */
#define WEFT_ARENA_SENTINEL     G_GINT64_CONSTANT (-1)

WeftArena        *weft_arena_new              (const WeftProfile *profile,
                                               guint              n_workers,
                                               GError           **error);
WeftArena        *weft_arena_map              (int                fd,
                                               GError           **error);
void              weft_arena_free             (WeftArena         *self);
int               weft_arena_get_fd           (WeftArena         *self);
guint             weft_arena_get_n_objects    (WeftArena         *self);

void              weft_arena_cancel           (WeftArena         *self);
gboolean          weft_arena_is_cancelled     (WeftArena         *self);

gboolean          weft_arena_try_lock         (WeftArena         *self,
                                               guint              object,
                                               guint16            worker,
                                               WeftWireWriter    *writer);
gboolean          weft_arena_lock             (WeftArena         *self,
                                               guint              object,
                                               guint16            worker,
                                               WeftWireWriter    *writer);
void              weft_arena_unlock           (WeftArena         *self,
                                               guint              object,
                                               guint16            worker,
                                               WeftWireWriter    *writer);

gboolean          weft_arena_put              (WeftArena         *self,
                                               guint              object,
                                               gint64             item,
                                               guint16            worker,
                                               guint32            task,
                                               WeftWireWriter    *writer);
gboolean          weft_arena_get              (WeftArena         *self,
                                               guint              object,
                                               gint64            *out_item,
                                               guint16            worker,
                                               guint32            task,
                                               WeftWireWriter    *writer);
gboolean          weft_arena_try_put          (WeftArena         *self,
                                               guint              object,
                                               gint64             item,
                                               guint16            worker,
                                               WeftWireWriter    *writer);
gboolean          weft_arena_try_get          (WeftArena         *self,
                                               guint              object,
                                               gint64            *out_item,
                                               guint16            worker,
                                               WeftWireWriter    *writer);
gint64            weft_arena_next_item_id     (WeftArena         *self,
                                               guint              object);

gint64           *weft_arena_counter_slot     (WeftArena         *self,
                                               guint              object);
gint64           *weft_arena_counter_element  (WeftArena         *self,
                                               guint              object,
                                               guint64            index);
guint             weft_arena_counter_length   (WeftArena         *self,
                                               guint              object);
gint64            weft_arena_counter_add_expected (WeftArena     *self,
                                               guint              object,
                                               gint64             n);
gint64            weft_arena_counter_value    (WeftArena         *self,
                                               guint              object);
gint64            weft_arena_counter_expected (WeftArena         *self,
                                               guint              object);

void              weft_arena_counter_add_op_ns (WeftArena        *self,
                                               guint              object,
                                               gint64             ns);
gint64            weft_arena_counter_op_ns    (WeftArena         *self,
                                               guint              object);
WeftObjectBackend weft_arena_counter_backend  (WeftArena         *self,
                                               guint              object);
void              weft_arena_set_manager_address (WeftArena      *self,
                                               const char        *address);
const char       *weft_arena_get_manager_address (WeftArena      *self);

void              weft_arena_set_gil_waiting  (WeftArena         *self,
                                               guint16            worker,
                                               gboolean           waiting);
void              weft_arena_set_gil_holder   (WeftArena         *self,
                                               gint               worker);
GArray           *weft_arena_find_deadlock    (WeftArena         *self);
gboolean          weft_wait_links_equal       (GArray            *a,
                                               GArray            *b);
gint              weft_arena_get_holder       (WeftArena         *self,
                                               guint              object);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftArena, weft_arena_free)

G_END_DECLS
