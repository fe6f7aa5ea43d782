/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gio/gio.h>

#include "weft-arena.h"

#define ARENA_MAGIC 0x57454654u /* "WEFT" */

typedef struct
{
  pthread_mutex_t mutex;
  gint            holder;      /* worker + 1, 0 when free */
} Lock;

typedef struct
{
  pthread_mutex_t mutex;
  pthread_cond_t  not_empty;
  pthread_cond_t  not_full;
  guint           capacity;
  guint           head;
  guint           count;
  gint64          next_id;
  gsize           ring_offset; /* from the start of the block, gint64[capacity] */
} Queue;

typedef struct
{
  gint64 value;               /* the value, or the first element of an array */
  gint64 expected;
  gint64 op_ns;               /* time spent in increments, all workers */
  guint  backend;             /* WeftObjectBackend */
  guint  length;              /* 1, or an array's elements */
  gsize  elements_offset;     /* an array's other elements: gint64[length - 1] */
} Counter;

typedef struct
{
  guint kind;                  /* WeftObjectKind */
  union {
    Lock    lock;
    Queue   queue;
    Counter counter;
  } u;
} Object;

typedef struct
{
  guint32 magic;
  guint32 n_objects;
  gsize   size;
  gint    cancelled;
  char    manager_address[64]; /* abstract socket of the manager process, "" if none */
  gint    gil_holder;          /* worker + 1, 0 when the GIL is free or there is none */
  gint    waiting_on[WEFT_ARENA_MAX_WORKERS]; /* object + 1, WAITING_ON_GIL, 0 when not waiting */
  Object  objects[];
} Shared;

/* waiting_on[] of a worker that waits for the GIL */
#define WAITING_ON_GIL (-1)

struct _WeftArena
{
  Shared *shared;
  gsize   size;
  int     fd;
};

static inline Object *
object_at (WeftArena *self,
           guint      object)
{
  g_assert (object < self->shared->n_objects);
  return &self->shared->objects[object];
}

static void
init_mutex (pthread_mutex_t *mutex)
{
  pthread_mutexattr_t attr;

  pthread_mutexattr_init (&attr);
  pthread_mutexattr_setpshared (&attr, PTHREAD_PROCESS_SHARED);
  /* A worker that dies holding a lock must not wedge the others. */
  pthread_mutexattr_setrobust (&attr, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init (mutex, &attr);
  pthread_mutexattr_destroy (&attr);
}

static void
init_cond (pthread_cond_t *cond)
{
  pthread_condattr_t attr;

  pthread_condattr_init (&attr);
  pthread_condattr_setpshared (&attr, PTHREAD_PROCESS_SHARED);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (cond, &attr);
  pthread_condattr_destroy (&attr);
}

/* Locks a robust mutex, taking over one whose owner died. */
static int
lock_robust (pthread_mutex_t       *mutex,
             const struct timespec *deadline)
{
  int rc = deadline ? pthread_mutex_clocklock (mutex, CLOCK_MONOTONIC, deadline)
                    : pthread_mutex_lock (mutex);

  if (rc == EOWNERDEAD)
    {
      pthread_mutex_consistent (mutex);
      rc = 0;
    }
  return rc;
}

/**
 * weft_arena_new:
 * @profile: the profile whose objects to create
 * @n_workers: workers of the run (for the wait-for graph)
 *
 * Returns: (transfer full) (nullable): a new arena in shared memory
 */
WeftArena *
weft_arena_new (const WeftProfile  *profile,
                guint               n_workers,
                GError            **error)
{
  g_autoptr(WeftArena) self = g_new0 (WeftArena, 1);
  guint n = profile->objects->len;
  gsize size = sizeof (Shared) + n * sizeof (Object), ring_at;
  void *mem;

  if (n_workers > WEFT_ARENA_MAX_WORKERS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "at most %d workers, not %u", WEFT_ARENA_MAX_WORKERS, n_workers);
      return NULL;
    }

  ring_at = size = (size + 7) & ~(gsize) 7;
  for (guint i = 0; i < n; i++)
    {
      const WeftProfileObject *po = g_ptr_array_index (profile->objects, i);

      if (po->kind == WEFT_OBJECT_QUEUE)
        size += sizeof (gint64) * (po->capacity ? po->capacity : WEFT_ARENA_UNBOUNDED_QUEUE);
      if (po->kind == WEFT_OBJECT_COUNTER && po->length > 1)
        size += sizeof (gint64) * (po->length - 1);
    }

  /* A memfd, so that spawned workers can map the same memory. */
  self->fd = memfd_create ("weft-arena", MFD_CLOEXEC);
  if (self->fd < 0 || ftruncate (self->fd, (off_t) size) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create the shared objects: %s", g_strerror (saved));
      return NULL;
    }

  mem = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
  if (mem == MAP_FAILED)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot map the shared objects: %s", g_strerror (saved));
      return NULL;
    }

  self->shared = mem;
  self->size = size;
  self->shared->magic = ARENA_MAGIC;
  self->shared->n_objects = n;
  self->shared->size = size;

  for (guint i = 0; i < n; i++)
    {
      const WeftProfileObject *po = g_ptr_array_index (profile->objects, i);
      Object *o = &self->shared->objects[i];

      o->kind = po->kind;
      switch (po->kind)
        {
        case WEFT_OBJECT_LOCK:
          init_mutex (&o->u.lock.mutex);
          break;

        case WEFT_OBJECT_QUEUE:
          init_mutex (&o->u.queue.mutex);
          init_cond (&o->u.queue.not_empty);
          init_cond (&o->u.queue.not_full);
          o->u.queue.capacity = po->capacity ? po->capacity : WEFT_ARENA_UNBOUNDED_QUEUE;
          o->u.queue.ring_offset = ring_at;
          ring_at += sizeof (gint64) * o->u.queue.capacity;
          break;

        case WEFT_OBJECT_COUNTER:
          o->u.counter.value = po->initial;
          o->u.counter.backend = po->backend;
          o->u.counter.length = MAX (po->length, 1);
          if (o->u.counter.length > 1)
            {
              gint64 *rest = (gint64 *) ((guint8 *) self->shared + ring_at);

              o->u.counter.elements_offset = ring_at;
              for (guint k = 0; k + 1 < o->u.counter.length; k++)
                rest[k] = po->initial;
              ring_at += sizeof (gint64) * (o->u.counter.length - 1);
            }
          break;

        default:
          break;
        }
    }

  return g_steal_pointer (&self);
}

/**
 * weft_arena_map:
 * @fd: an arena's fd, as weft_arena_get_fd() gave it to a child process
 *
 * Returns: (transfer full) (nullable): the same arena, seen from another process
 */
WeftArena *
weft_arena_map (int      fd,
                GError **error)
{
  g_autoptr(WeftArena) self = g_new0 (WeftArena, 1);
  Shared header;
  void *mem;

  self->fd = -1;
  if (pread (fd, &header, sizeof header, 0) != (ssize_t) sizeof header ||
      header.magic != ARENA_MAGIC)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "fd %d is not a Weft arena", fd);
      return NULL;
    }

  mem = mmap (NULL, header.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mem == MAP_FAILED)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot map the shared objects: %s", g_strerror (saved));
      return NULL;
    }

  self->shared = mem;
  self->size = header.size;
  self->fd = fd;
  return g_steal_pointer (&self);
}

void
weft_arena_free (WeftArena *self)
{
  if (self == NULL)
    return;

  if (self->shared != NULL)
    munmap (self->shared, self->size);
  if (self->fd >= 0)
    close (self->fd);
  g_free (self);
}

int
weft_arena_get_fd (WeftArena *self)
{
  return self->fd;
}

guint
weft_arena_get_n_objects (WeftArena *self)
{
  return self->shared->n_objects;
}

/**
 * weft_arena_cancel:
 *
 * Asks every worker to stop: waits give up within %WEFT_ARENA_POLL_NS.
 */
void
weft_arena_cancel (WeftArena *self)
{
  g_atomic_int_set (&self->shared->cancelled, 1);
}

gboolean
weft_arena_is_cancelled (WeftArena *self)
{
  return g_atomic_int_get (&self->shared->cancelled) != 0;
}

/**
 * weft_arena_lock:
 *
 * Takes a lock, recording the wait if it is contended and the acquisition.
 *
 * Returns: %FALSE if the run was cancelled while waiting (the lock is not held;
 *   the wait stays open on the timeline)
 */
static gboolean
try_lock_robust (Lock *lock)
{
  int rc = pthread_mutex_trylock (&lock->mutex);

  if (rc == EOWNERDEAD)
    {
      pthread_mutex_consistent (&lock->mutex);
      rc = 0;
    }
  return rc == 0;
}

static void
lock_taken (Lock           *lock,
            guint32         id,
            guint16         worker,
            WeftWireWriter *writer)
{
  g_atomic_int_set (&lock->holder, worker + 1);
  if (writer)
    weft_wire_writer_record (writer, WEFT_EVENT_LOCK_ACQUIRED, id, 0, 0);
}

/**
 * weft_arena_try_lock:
 *
 * Takes a lock if it is free, without waiting; records the acquisition only.
 *
 * Returns: %TRUE if the lock is now held by @worker
 */
gboolean
weft_arena_try_lock (WeftArena      *self,
                     guint           object,
                     guint16         worker,
                     WeftWireWriter *writer)
{
  Lock *lock = &object_at (self, object)->u.lock;

  if (!try_lock_robust (lock))
    return FALSE;
  lock_taken (lock, object + WEFT_ARENA_OBJECT_BASE, worker, writer);
  return TRUE;
}

gboolean
weft_arena_lock (WeftArena      *self,
                 guint           object,
                 guint16         worker,
                 WeftWireWriter *writer)
{
  Lock *lock = &object_at (self, object)->u.lock;
  guint32 id = object + WEFT_ARENA_OBJECT_BASE;

  if (!try_lock_robust (lock))
    {
      if (writer)
        {
          weft_wire_writer_record (writer, WEFT_EVENT_LOCK_WAIT, id, 0, 0);
          /* the wait may be long: let the live view see it now */
          weft_wire_writer_flush (writer);
        }
      g_atomic_int_set (&self->shared->waiting_on[worker], (gint) object + 1);

      for (;;)
        {
          struct timespec deadline = weft_clock_deadline_in (WEFT_ARENA_POLL_NS);

          if (lock_robust (&lock->mutex, &deadline) == 0)
            break;
          if (weft_arena_is_cancelled (self))
            {
              g_atomic_int_set (&self->shared->waiting_on[worker], 0);
              return FALSE;
            }
        }
      g_atomic_int_set (&self->shared->waiting_on[worker], 0);
    }

  lock_taken (lock, id, worker, writer);
  return TRUE;
}

void
weft_arena_unlock (WeftArena      *self,
                   guint           object,
                   guint16         worker,
                   WeftWireWriter *writer)
{
  Lock *lock = &object_at (self, object)->u.lock;

  g_atomic_int_set (&lock->holder, 0);
  if (writer)
    weft_wire_writer_record (writer, WEFT_EVENT_LOCK_RELEASED,
                             object + WEFT_ARENA_OBJECT_BASE, 0, 0);
  pthread_mutex_unlock (&lock->mutex);
}

gint
weft_arena_get_holder (WeftArena *self,
                       guint      object)
{
  return g_atomic_int_get (&object_at (self, object)->u.lock.holder) - 1;
}

gint64
weft_arena_next_item_id (WeftArena *self,
                         guint      object)
{
  Queue *q = &object_at (self, object)->u.queue;

  return (gint64) g_atomic_pointer_add ((gssize *) &q->next_id, 1);
}

/* Waits on a queue's condition in slices, giving up when the run is cancelled. */
static gboolean
queue_wait (WeftArena      *self,
            Queue          *q,
            pthread_cond_t *cond)
{
  struct timespec deadline = weft_clock_deadline_in (WEFT_ARENA_POLL_NS);
  int rc = pthread_cond_clockwait (cond, &q->mutex, CLOCK_MONOTONIC, &deadline);

  if (rc == EOWNERDEAD)
    pthread_mutex_consistent (&q->mutex);
  return !weft_arena_is_cancelled (self);
}

/* With the queue's mutex held: waits while it is full (for a put) or empty
 * (for a get), showing the worker in the wait-for graph meanwhile. Returns
 * FALSE, with the mutex released, if the run was cancelled. */
static gboolean
queue_wait_while (WeftArena *self,
                  Queue     *q,
                  guint      object,
                  guint16    worker,
                  gboolean   for_put)
{
  pthread_cond_t *cond = for_put ? &q->not_full : &q->not_empty;

  while (for_put ? q->count == q->capacity : q->count == 0)
    {
      g_atomic_int_set (&self->shared->waiting_on[worker], (gint) object + 1);
      if (!queue_wait (self, q, cond))
        {
          g_atomic_int_set (&self->shared->waiting_on[worker], 0);
          pthread_mutex_unlock (&q->mutex);
          return FALSE;
        }
    }
  g_atomic_int_set (&self->shared->waiting_on[worker], 0);
  return TRUE;
}

typedef enum
{
  QUEUE_DONE,
  QUEUE_CANCELLED,
  QUEUE_WOULD_BLOCK,
} QueueResult;

static QueueResult
queue_put (WeftArena      *self,
           guint           object,
           gint64          item,
           guint16         worker,
           WeftWireWriter *writer,
           gboolean        block)
{
  Queue *q = &object_at (self, object)->u.queue;
  guint32 id = object + WEFT_ARENA_OBJECT_BASE;
  gint64 *ring = (gint64 *) ((guint8 *) self->shared + q->ring_offset);
  guint depth;

  lock_robust (&q->mutex, NULL);
  if (!block && q->count == q->capacity)
    {
      pthread_mutex_unlock (&q->mutex);
      return QUEUE_WOULD_BLOCK;
    }

  if (writer)
    weft_wire_writer_record (writer, WEFT_EVENT_QUEUE_PUT_BEGIN, id, 0, 0);

  if (!queue_wait_while (self, q, object, worker, TRUE))
    return QUEUE_CANCELLED;
  ring[(q->head + q->count) % q->capacity] = item;
  depth = ++q->count;
  pthread_cond_signal (&q->not_empty);
  pthread_mutex_unlock (&q->mutex);

  if (writer)
    weft_wire_writer_record (writer, WEFT_EVENT_QUEUE_PUT_END, id, depth, item);
  return QUEUE_DONE;
}

/**
 * weft_arena_put:
 * @item: the item's id, or %WEFT_ARENA_SENTINEL
 *
 * Puts an item, blocking while the queue is full.
 *
 * Returns: %FALSE if the run was cancelled while blocked
 */
gboolean
weft_arena_put (WeftArena      *self,
                guint           object,
                gint64          item,
                guint16         worker,
                WeftWireWriter *writer)
{
  return queue_put (self, object, item, worker, writer, TRUE) == QUEUE_DONE;
}

/**
 * weft_arena_try_put:
 *
 * Puts an item if there is room, without blocking (a coroutine's put).
 *
 * Returns: %TRUE if it was put, %FALSE if the queue is full
 */
gboolean
weft_arena_try_put (WeftArena      *self,
                    guint           object,
                    gint64          item,
                    guint16         worker,
                    WeftWireWriter *writer)
{
  return queue_put (self, object, item, worker, writer, FALSE) == QUEUE_DONE;
}

static QueueResult
queue_get (WeftArena      *self,
           guint           object,
           gint64         *out_item,
           guint16         worker,
           WeftWireWriter *writer,
           gboolean        block)
{
  Queue *q = &object_at (self, object)->u.queue;
  guint32 id = object + WEFT_ARENA_OBJECT_BASE;
  gint64 *ring = (gint64 *) ((guint8 *) self->shared + q->ring_offset);
  guint depth;
  gint64 item;

  if (block && writer)
    {
      weft_wire_writer_record (writer, WEFT_EVENT_QUEUE_GET_BEGIN, id, 0, 0);
      /* the wait may be long: let the live view see it now */
      weft_wire_writer_flush (writer);
    }

  lock_robust (&q->mutex, NULL);
  if (!block)
    {
      if (q->count == 0)
        {
          pthread_mutex_unlock (&q->mutex);
          return QUEUE_WOULD_BLOCK;
        }
      if (writer)
        weft_wire_writer_record (writer, WEFT_EVENT_QUEUE_GET_BEGIN, id, 0, 0);
    }

  if (!queue_wait_while (self, q, object, worker, FALSE))
    return QUEUE_CANCELLED;
  item = ring[q->head];
  q->head = (q->head + 1) % q->capacity;
  depth = --q->count;
  pthread_cond_signal (&q->not_full);
  pthread_mutex_unlock (&q->mutex);

  if (writer)
    weft_wire_writer_record (writer, WEFT_EVENT_QUEUE_GET_END, id, depth, item);
  *out_item = item;
  return QUEUE_DONE;
}

/**
 * weft_arena_get:
 * @out_item: (out): the item's id, or %WEFT_ARENA_SENTINEL
 *
 * Takes the oldest item, blocking while the queue is empty.
 *
 * Returns: %FALSE if the run was cancelled while blocked
 */
gboolean
weft_arena_get (WeftArena      *self,
                guint           object,
                gint64         *out_item,
                guint16         worker,
                WeftWireWriter *writer)
{
  return queue_get (self, object, out_item, worker, writer, TRUE) == QUEUE_DONE;
}

/**
 * weft_arena_try_get:
 *
 * Takes the oldest item if there is one, without blocking (a coroutine's get).
 *
 * Returns: %TRUE if an item was taken, %FALSE if the queue is empty
 */
gboolean
weft_arena_try_get (WeftArena      *self,
                    guint           object,
                    gint64         *out_item,
                    guint16         worker,
                    WeftWireWriter *writer)
{
  return queue_get (self, object, out_item, worker, writer, FALSE) == QUEUE_DONE;
}

/**
 * weft_arena_counter_slot:
 *
 * Returns: the counter's value, for workers to read and write themselves (a
 *   racy read-modify-write is the point of some workloads)
 */
gint64 *
weft_arena_counter_slot (WeftArena *self,
                         guint      object)
{
  return &object_at (self, object)->u.counter.value;
}

/**
 * weft_arena_counter_element:
 * @index: an element, taken modulo the counter's length
 *
 * Returns: one element of a shared array (the value itself for a counter)
 */
gint64 *
weft_arena_counter_element (WeftArena *self,
                            guint      object,
                            guint64    index)
{
  Counter *c = &object_at (self, object)->u.counter;
  guint k = (guint) (index % c->length);

  if (k == 0)
    return &c->value;
  return (gint64 *) ((guint8 *) self->shared + c->elements_offset) + (k - 1);
}

guint
weft_arena_counter_length (WeftArena *self,
                           guint      object)
{
  return object_at (self, object)->u.counter.length;
}

/* Counts increments done, to compare with the value the counter holds;
 * returns the count with @n added. */
gint64
weft_arena_counter_add_expected (WeftArena *self,
                                 guint      object,
                                 gint64     n)
{
  return (gint64) g_atomic_pointer_add ((gssize *) &object_at (self, object)->u.counter.expected, n) + n;
}

/* The counter's value; for an array, the sum of its elements. */
gint64
weft_arena_counter_value (WeftArena *self,
                          guint      object)
{
  Counter *c = &object_at (self, object)->u.counter;
  gint64 sum = 0;

  for (guint k = 0; k < c->length; k++)
    sum += __atomic_load_n (weft_arena_counter_element (self, object, k), __ATOMIC_SEQ_CST);
  return sum;
}

gint64
weft_arena_counter_expected (WeftArena *self,
                             guint      object)
{
  return __atomic_load_n (&object_at (self, object)->u.counter.expected, __ATOMIC_SEQ_CST);
}

/**
 * weft_arena_set_gil_waiting:
 *
 * Puts a worker's wait for the GIL into the wait-for graph (the GIL lives in
 * the run's process, but its waits are part of the same graph as the locks').
 */
void
weft_arena_set_gil_waiting (WeftArena *self,
                            guint16    worker,
                            gboolean   waiting)
{
  g_atomic_int_set (&self->shared->waiting_on[worker], waiting ? WAITING_ON_GIL : 0);
}

/**
 * weft_arena_set_gil_holder:
 * @worker: the worker that took the GIL, or -1 when it was dropped
 */
void
weft_arena_set_gil_holder (WeftArena *self,
                           gint       worker)
{
  g_atomic_int_set (&self->shared->gil_holder, worker + 1);
}

/* What a worker waits for, as a link: FALSE when it waits for nothing that
 * has a holder (not waiting, or waiting on a queue). */
static gboolean
wait_link (WeftArena    *self,
           guint         worker,
           WeftWaitLink *out_link,
           gint         *out_holder)
{
  gint waiting = g_atomic_int_get (&self->shared->waiting_on[worker]);

  out_link->worker = (guint16) worker;
  if (waiting == WAITING_ON_GIL)
    {
      out_link->object = WEFT_ARENA_WAIT_GIL;
      *out_holder = g_atomic_int_get (&self->shared->gil_holder) - 1;
      return TRUE;
    }
  if (waiting <= 0 || (guint) waiting > self->shared->n_objects ||
      self->shared->objects[waiting - 1].kind != WEFT_OBJECT_LOCK)
    return FALSE;
  out_link->object = (guint) waiting - 1;
  *out_holder = weft_arena_get_holder (self, out_link->object);
  return TRUE;
}

/**
 * weft_arena_find_deadlock:
 *
 * Follows the wait-for graph: a worker waits for a lock or the GIL, whose
 * holder waits for another lock (or the GIL), and so on. A cycle is a deadlock.
 *
 * Returns: (transfer full) (nullable) (element-type WeftWaitLink): the cycle,
 *   starting from its lowest worker, or %NULL
 */
GArray *
weft_arena_find_deadlock (WeftArena *self)
{
  for (guint start = 0; start < WEFT_ARENA_MAX_WORKERS; start++)
    {
      g_autoptr(GArray) path = g_array_new (FALSE, FALSE, sizeof (WeftWaitLink));
      guint w = start;

      for (guint step = 0; step <= WEFT_ARENA_MAX_WORKERS; step++)
        {
          WeftWaitLink link;
          gint holder;

          if (!wait_link (self, w, &link, &holder))
            break;
          g_array_append_val (path, link);

          if (holder < 0)
            break;
          if ((guint) holder == start)
            return g_steal_pointer (&path);
          /* a cycle that does not pass through start is found from its own lowest worker */
          if ((guint) holder < start)
            break;
          w = (guint) holder;
        }
    }

  return NULL;
}

/* Time spent in increments, to compare a counter in shared memory with one
 * served by a manager. */
void
weft_arena_counter_add_op_ns (WeftArena *self,
                              guint      object,
                              gint64     ns)
{
  g_atomic_pointer_add ((gssize *) &object_at (self, object)->u.counter.op_ns, ns);
}

gint64
weft_arena_counter_op_ns (WeftArena *self,
                          guint      object)
{
  return __atomic_load_n (&object_at (self, object)->u.counter.op_ns, __ATOMIC_SEQ_CST);
}

WeftObjectBackend
weft_arena_counter_backend (WeftArena *self,
                            guint      object)
{
  return object_at (self, object)->u.counter.backend;
}

/**
 * weft_arena_set_manager_address:
 * @address: the manager's abstract socket name, without the leading NUL
 */
void
weft_arena_set_manager_address (WeftArena  *self,
                                const char *address)
{
  g_strlcpy (self->shared->manager_address, address, sizeof self->shared->manager_address);
}

/**
 * weft_arena_get_manager_address:
 *
 * Returns: (transfer none): the manager's address, "" when the run has none
 */
const char *
weft_arena_get_manager_address (WeftArena *self)
{
  return self->shared->manager_address;
}
