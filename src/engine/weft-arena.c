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

#define QUEUE_HISTORY 64
/* as the worker's own core-wait measurement: shorter is the clocks' jitter */
#define QUEUE_CORE_WAIT_MIN_NS 20000

typedef struct
{
  pthread_mutex_t mutex;
  pthread_cond_t  not_empty;
  pthread_cond_t  not_full;
  guint           capacity;
  guint           head;
  guint           count;
  gint64          next_id;
  /* Per side (0 = get, 1 = put), the last QUEUE_HISTORY stretches in which
   * the queue was ready for it (had an item / had room): when each began
   * and ended (0 while it lasts), in CLOCK_MONOTONIC ns, written under the
   * mutex. A blocked get or put that wakes up late reads from them when
   * its wait really ended, and whether someone else took its turn first. */
  guint64         n_ready[2];
  guint64         ready_at[2][QUEUE_HISTORY];
  guint64         ready_until[2][QUEUE_HISTORY];
  gsize           ring_offset; /* from the start of the block, gint64[capacity] */
} Queue;

#define QUEUE_GET_SIDE 0
#define QUEUE_PUT_SIDE 1

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
        weft_wire_writer_record (writer, WEFT_EVENT_LOCK_WAIT, id, 0, 0);
      g_atomic_int_set (&self->shared->waiting_on[worker], (gint) object + 1);

      for (guint poll = 0;; poll++)
        {
          struct timespec deadline = weft_clock_deadline_in (WEFT_ARENA_POLL_NS);

          if (lock_robust (&lock->mutex, &deadline) == 0)
            break;
          if (weft_arena_is_cancelled (self))
            {
              g_atomic_int_set (&self->shared->waiting_on[worker], 0);
              return FALSE;
            }
          /* a wait longer than a poll: let the live view see it */
          if (poll == 0 && writer)
            weft_wire_writer_flush (writer);
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

/* One slice of a wait on a queue's condition, FALSE when the run is
 * cancelled; *@timed_out if the slice ran out without a wake-up */
static gboolean
queue_wait (WeftArena      *self,
            Queue          *q,
            pthread_cond_t *cond,
            gboolean       *timed_out)
{
  struct timespec deadline = weft_clock_deadline_in (WEFT_ARENA_POLL_NS);
  int rc = pthread_cond_clockwait (cond, &q->mutex, CLOCK_MONOTONIC, &deadline);

  if (rc == EOWNERDEAD)
    pthread_mutex_consistent (&q->mutex);
  *timed_out = rc == ETIMEDOUT;
  return !weft_arena_is_cancelled (self);
}

static guint64
thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (guint64) ts.tv_sec * 1000000000 + (guint64) ts.tv_nsec;
}

/* The time for a record of @writer (its own clock never goes back), or
 * the plain clock without one. */
static guint64
queue_now (WeftWireWriter *writer)
{
  return writer != NULL ? weft_wire_writer_now (writer) : weft_clock_now_ns ();
}

static inline gboolean
queue_blocks (const Queue *q,
              int          side)
{
  return side == QUEUE_PUT_SIDE ? q->count == q->capacity : q->count == 0;
}

/* With the mutex held: the count changed by @d (+1 put, -1 get) at @now;
 * notes where a side's ready stretch began or ended, and wakes the other
 * side. */
static void
queue_changed (Queue   *q,
               int      d,
               guint64  now)
{
  guint before = d > 0 ? q->count - 1 : q->count + 1;
  int woken = d > 0 ? QUEUE_GET_SIDE : QUEUE_PUT_SIDE;
  int other = d > 0 ? QUEUE_PUT_SIDE : QUEUE_GET_SIDE;

  if (before == (d > 0 ? 0 : q->capacity))
    {
      guint i = q->n_ready[woken]++ % QUEUE_HISTORY;

      q->ready_at[woken][i] = now;
      q->ready_until[woken][i] = 0;
    }
  if (queue_blocks (q, other) && q->n_ready[other] > 0)
    q->ready_until[other][(q->n_ready[other] - 1) % QUEUE_HISTORY] = now;
  pthread_cond_signal (d > 0 ? &q->not_empty : &q->not_full);
}

/* A blocked put's or get's wait, as it goes on the timeline: it began at
 * @since; stretches in which the queue was ready but another worker took
 * the turn (each ready, then blocked again) are read from the queue's
 * history while it waits and written out in batches of @n_paused; it
 * ended at @ready. */
typedef struct
{
  guint64  since;
  guint64  ready;
  guint64  cpu_since;  /* the thread's CPU time at @since */
  guint32  task;       /* for the wake-up's core wait */
  guint64  next;       /* the queue's next ready stretch not yet read */
  guint64  at;         /* the end of the last stretch read, or @since */
  gboolean lost;       /* stretches before @next fell out of the history */
  guint    n_paused;
  /* below QUEUE_HISTORY / 2 left from the last look, at most
   * QUEUE_HISTORY read since */
  guint64  paused[2 * QUEUE_HISTORY][2];
} QueueWait;

/* When the ready stretch @wait reads next began, clamped into the wait;
 * after stretches were lost, the end of the last one known */
static inline guint64
stretch_start (const Queue     *q,
               int              side,
               guint64          now,
               const QueueWait *wait)
{
  return wait->lost ? wait->at : CLAMP (q->ready_at[side][wait->next % QUEUE_HISTORY], wait->at, now);
}

/* With the mutex held: the ready stretches of @side since the last read,
 * each clamped into the wait (they were stamped by other workers'
 * clocks). With @last the queue is ready now, and the newest stretch is the
 * one that ends the wait; otherwise the queue blocks again, and every
 * stretch read has ended. Stretches that fell out of the history before
 * this waiter read them are not guessed at: from the last known point
 * until the next known one counts as ready, never as blocked. */
static void
queue_wait_read (const Queue *q,
                 int          side,
                 guint64      now,
                 gboolean     last,
                 QueueWait   *wait)
{
  guint64 n = q->n_ready[side];
  guint64 first = n > QUEUE_HISTORY ? n - QUEUE_HISTORY : 0;
  guint64 upto = last && n > wait->next ? n - 1 : n;

  if (wait->next < first)
    {
      wait->lost = TRUE;
      wait->next = first;
    }
  for (; wait->next < upto && wait->n_paused < G_N_ELEMENTS (wait->paused); wait->next++)
    {
      guint64 r = stretch_start (q, side, now, wait);
      guint64 b = CLAMP (q->ready_until[side][wait->next % QUEUE_HISTORY], r, now);

      wait->paused[wait->n_paused][0] = r;
      wait->paused[wait->n_paused][1] = b;
      wait->n_paused++;
      wait->at = b;
      wait->lost = FALSE;
    }
  if (!last)
    return;
  if (wait->next < n)
    wait->ready = stretch_start (q, side, now, wait);
  else
    wait->ready = wait->at;
}

/* The stretches read so far in which the wait was paused: ready, then
 * blocked again. */
static void
queue_record_paused (WeftWireWriter *writer,
                     QueueWait      *wait,
                     guint32         id,
                     gboolean        put,
                     guint16         worker)
{
  for (guint i = 0; i < wait->n_paused; i++)
    {
      weft_wire_writer_record_full (writer, wait->paused[i][0], worker,
                                    WEFT_EVENT_QUEUE_READY, id, 0, 0);
      weft_wire_writer_record_full (writer, wait->paused[i][1], worker,
                                    put ? WEFT_EVENT_QUEUE_PUT_BEGIN : WEFT_EVENT_QUEUE_GET_BEGIN,
                                    id, 0, 0);
    }
  wait->n_paused = 0;
}

/* With the mutex held and the queue still blocking: reads the stretches
 * that came since the last look, and when they fill the batch writes them
 * out with the mutex released (so that a waiter that loses its turn many
 * times loses none of them). */
static void
queue_wait_note (Queue          *q,
                 guint           object,
                 guint16         worker,
                 WeftWireWriter *writer,
                 int             side,
                 QueueWait      *wait)
{
  queue_wait_read (q, side, queue_now (writer), FALSE, wait);
  if (wait->n_paused < QUEUE_HISTORY / 2)
    return;
  if (writer == NULL)
    {
      wait->n_paused = 0;
      return;
    }
  pthread_mutex_unlock (&q->mutex);
  queue_record_paused (writer, wait, object + WEFT_ARENA_OBJECT_BASE, side == QUEUE_PUT_SIDE, worker);
  lock_robust (&q->mutex, NULL);
}

/*
 * With the queue's mutex held and the queue full (for a put) or empty (for
 * a get): records the start of the wait and waits, showing the worker in
 * the wait-for graph meanwhile. The wait on the timeline covers only the
 * time the queue really was full (or empty): from when this worker found it
 * so until the put or get that made room came, less any stretch in which
 * another worker took that room before this one woke up (see
 * queue_record()). The start is recorded with the mutex held (a record
 * writes to the pipe only with its buffer full); a wait that lasts a slice
 * is written out with the mutex released (a write may block on the pipe).
 * Returns FALSE, with the mutex released, if the run was cancelled.
 */
static gboolean
queue_wait_while (WeftArena      *self,
                  Queue          *q,
                  guint           object,
                  guint16         worker,
                  WeftWireWriter *writer,
                  int             side,
                  QueueWait      *wait)
{
  pthread_cond_t *cond = side == QUEUE_PUT_SIDE ? &q->not_full : &q->not_empty;
  gboolean flushed = writer == NULL, timed_out;

  wait->next = q->n_ready[side];
  wait->since = wait->at = queue_now (writer);
  wait->lost = FALSE;
  wait->n_paused = 0;
  wait->cpu_since = thread_cpu_ns ();
  g_atomic_int_set (&self->shared->waiting_on[worker], (gint) object + 1);
  if (writer)
    weft_wire_writer_record_full (writer, wait->since, worker,
                                  side == QUEUE_PUT_SIDE ? WEFT_EVENT_QUEUE_PUT_BEGIN
                                                         : WEFT_EVENT_QUEUE_GET_BEGIN,
                                  object + WEFT_ARENA_OBJECT_BASE, 0, 0);

  while (queue_blocks (q, side))
    {
      if (!queue_wait (self, q, cond, &timed_out))
        {
          g_atomic_int_set (&self->shared->waiting_on[worker], 0);
          pthread_mutex_unlock (&q->mutex);
          return FALSE;
        }
      if (!queue_blocks (q, side))
        break;
      queue_wait_note (q, object, worker, writer, side, wait);
      if (timed_out && !flushed)
        {
          /* a wait longer than a poll: let the live view see it (a flush may
           * block on the pipe: not with the mutex held) */
          pthread_mutex_unlock (&q->mutex);
          weft_wire_writer_flush (writer);
          lock_robust (&q->mutex, NULL);
          flushed = TRUE;
        }
    }
  g_atomic_int_set (&self->shared->waiting_on[worker], 0);
  queue_wait_read (q, side, queue_now (writer), TRUE, wait);
  return TRUE;
}

typedef enum
{
  QUEUE_DONE,
  QUEUE_CANCELLED,
  QUEUE_WOULD_BLOCK,
} QueueResult;

/* Takes the queue's mutex and, if the queue is full (for a put) or empty
 * (for a get), waits (with @block) or gives up. QUEUE_DONE: the mutex is
 * held and the put/get can go on; *@waited says whether it waited. */
static QueueResult
queue_enter (WeftArena      *self,
             Queue          *q,
             guint           object,
             guint16         worker,
             WeftWireWriter *writer,
             int             side,
             gboolean        block,
             guint32         task,
             QueueWait      *wait,
             gboolean       *waited)
{
  *waited = FALSE;
  wait->task = task;
  lock_robust (&q->mutex, NULL);
  if (!queue_blocks (q, side))
    return QUEUE_DONE;
  if (!block)
    {
      pthread_mutex_unlock (&q->mutex);
      return QUEUE_WOULD_BLOCK;
    }
  if (!queue_wait_while (self, q, object, worker, writer, side, wait))
    return QUEUE_CANCELLED;
  *waited = TRUE;
  return QUEUE_DONE;
}

/* From the moment room or an item came to the put/get itself, the thread
 * was woken up: the part of it without CPU time is waiting for a core (or,
 * for microseconds, for the queue's mutex). Measured as the wall time
 * since then less all the CPU time the thread used since its wait began
 * (asleep, it used next to none). Where in the stretch it got its core is
 * not known, so when that loss is a real wait the whole stretch is drawn as
 * one: never running while it had no core, at the price of the few
 * microseconds it ran on waking. */
static void
queue_record_wake_up (WeftWireWriter  *writer,
                      const QueueWait *wait,
                      guint64          now,
                      guint16          worker)
{
  guint64 cpu = thread_cpu_ns () - wait->cpu_since;
  guint64 woken = now - wait->ready;

  if (wait->task == 0 || woken <= cpu + QUEUE_CORE_WAIT_MIN_NS)
    return;
  weft_wire_writer_record_full (writer, wait->ready, worker, WEFT_EVENT_CORE_WAIT_BEGIN, wait->task, 0, 0);
  weft_wire_writer_record_full (writer, now, worker, WEFT_EVENT_CORE_WAIT_END, wait->task, 0, 0);
}

/* After the mutex is released: the wait (if @wait), then the put/get
 * itself stamped @now, the moment of the change under the mutex, so that
 * the depth counter follows the order the mutex gave. */
static void
queue_record (WeftWireWriter  *writer,
              guint32          id,
              gboolean         put,
              QueueWait       *wait,
              guint64          now,
              guint            depth,
              gint64           item,
              guint16          worker)
{
  if (writer == NULL)
    return;
  if (wait != NULL)
    {
      queue_record_paused (writer, wait, id, put, worker);
      weft_wire_writer_record_full (writer, wait->ready, worker, WEFT_EVENT_QUEUE_READY, id, 0, 0);
      queue_record_wake_up (writer, wait, now, worker);
    }
  weft_wire_writer_record_full (writer, now, worker,
                                put ? WEFT_EVENT_QUEUE_PUT_END : WEFT_EVENT_QUEUE_GET_END,
                                id, depth, item);
}

static QueueResult
queue_put (WeftArena      *self,
           guint           object,
           gint64          item,
           guint16         worker,
           guint32         task,
           WeftWireWriter *writer,
           gboolean        block)
{
  Queue *q = &object_at (self, object)->u.queue;
  gint64 *ring = (gint64 *) ((guint8 *) self->shared + q->ring_offset);
  QueueWait wait;
  gboolean waited;
  QueueResult entered;
  guint64 now;
  guint depth;

  if ((entered = queue_enter (self, q, object, worker, writer, QUEUE_PUT_SIDE, block, task, &wait, &waited)) != QUEUE_DONE)
    return entered;
  ring[(q->head + q->count) % q->capacity] = item;
  depth = ++q->count;
  now = waited ? MAX (queue_now (writer), wait.ready) : queue_now (writer);
  queue_changed (q, +1, now);
  pthread_mutex_unlock (&q->mutex);

  queue_record (writer, object + WEFT_ARENA_OBJECT_BASE, TRUE,
                waited ? &wait : NULL, now, depth, item, worker);
  return QUEUE_DONE;
}

/**
 * weft_arena_put:
 * @item: the item's id, or %WEFT_ARENA_SENTINEL
 *
 * @task: the task that puts (its id on the wire), for the wake-up's core
 *   wait; 0 for none
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
                guint32         task,
                WeftWireWriter *writer)
{
  return queue_put (self, object, item, worker, task, writer, TRUE) == QUEUE_DONE;
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
  return queue_put (self, object, item, worker, 0, writer, FALSE) == QUEUE_DONE;
}

static QueueResult
queue_get (WeftArena      *self,
           guint           object,
           gint64         *out_item,
           guint16         worker,
           guint32         task,
           WeftWireWriter *writer,
           gboolean        block)
{
  Queue *q = &object_at (self, object)->u.queue;
  gint64 *ring = (gint64 *) ((guint8 *) self->shared + q->ring_offset);
  QueueWait wait;
  gboolean waited;
  QueueResult entered;
  guint64 now;
  guint depth;
  gint64 item;

  if ((entered = queue_enter (self, q, object, worker, writer, QUEUE_GET_SIDE, block, task, &wait, &waited)) != QUEUE_DONE)
    return entered;
  item = ring[q->head];
  q->head = (q->head + 1) % q->capacity;
  depth = --q->count;
  now = waited ? MAX (queue_now (writer), wait.ready) : queue_now (writer);
  queue_changed (q, -1, now);
  pthread_mutex_unlock (&q->mutex);

  queue_record (writer, object + WEFT_ARENA_OBJECT_BASE, FALSE,
                waited ? &wait : NULL, now, depth, item, worker);
  *out_item = item;
  return QUEUE_DONE;
}

/**
 * weft_arena_get:
 * @out_item: (out): the item's id, or %WEFT_ARENA_SENTINEL
 *
 * @task: as for weft_arena_put()
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
                guint32         task,
                WeftWireWriter *writer)
{
  return queue_get (self, object, out_item, worker, task, writer, TRUE) == QUEUE_DONE;
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
  return queue_get (self, object, out_item, worker, 0, writer, FALSE) == QUEUE_DONE;
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

/**
 * weft_wait_links_equal:
 * @a: (element-type WeftWaitLink) (nullable): a wait-for cycle
 * @b: (element-type WeftWaitLink) (nullable): another
 *
 * Field by field: a WeftWaitLink has padding, which memcmp would read.
 *
 * Returns: whether both are the same cycle, link by link (%FALSE if either is
 *   %NULL)
 */
gboolean
weft_wait_links_equal (GArray *a,
                       GArray *b)
{
  if (a == NULL || b == NULL || a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const WeftWaitLink *x = &g_array_index (a, WeftWaitLink, i);
      const WeftWaitLink *y = &g_array_index (b, WeftWaitLink, i);

      if (x->worker != y->worker || x->object != y->object)
        return FALSE;
    }
  return TRUE;
}
