/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Locks, conditions, semaphores, barriers and spin locks.
 *
 * An uncontended lock costs a trylock and records nothing. A contended one
 * records its wait (LOCK_WAIT when the trylock failed, LOCK_ACQUIRED when the
 * real lock returned) and its hold up to LOCK_RELEASED. A holder that took a
 * mutex uncontended learns at unlock that someone waited, from the mutex's
 * own futex word (2: locked with waiters): it then records its hold from the
 * moment the first waiter began waiting (it held the mutex at least that
 * long) and its release, which is the hand-off the trace draws as an arrow.
 *
 * A condition variable or a semaphore is drawn like a queue: a wait is a
 * blocked get, a signal or post that someone waits for is a put, and the
 * waiter that wakes names the put it woke on (the item id), so the trace
 * draws who woke whom. The objects are declared as "other", not queues: a
 * program has many, and a depth track each would bury its lanes. A semaphore
 * the program named as a lock is a lock. A barrier wait is a lock wait with
 * no hold.
 */

#include "config.h"

#include <errno.h>
#include <semaphore.h>

#include "weft-preload-private.h"

/* ---- who waits since when, who signalled last ---------------------------- */

#define TABLE_SIZE 1024

typedef struct
{
  const void *address;
  guint64     value;
} Entry;

static Entry waits[TABLE_SIZE];    /* a mutex's first waiter: when it began */
static Entry signals[TABLE_SIZE];  /* a condition's or semaphore's last put: its item */
static gint64 next_item = 1;

static inline Entry *
entry (Entry      *table,
       const void *address)
{
  return &table[((guintptr) address >> 4) & (TABLE_SIZE - 1)];
}

static void
wait_note (const void *m,
           guint64     t)
{
  Entry *e = entry (waits, m);

  if (__atomic_load_n (&e->address, __ATOMIC_RELAXED) != m)
    {
      __atomic_store_n (&e->value, t, __ATOMIC_RELAXED);
      __atomic_store_n (&e->address, m, __ATOMIC_RELEASE);
    }
}

static void
wait_clear (const void *m)
{
  Entry *e = entry (waits, m);
  const void *expected = m;

  __atomic_compare_exchange_n (&e->address, &expected, NULL, FALSE, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

static guint64
wait_since (const void *m,
            guint64     otherwise)
{
  Entry *e = entry (waits, m);

  if (__atomic_load_n (&e->address, __ATOMIC_ACQUIRE) != m)
    return otherwise;
  return MIN (__atomic_load_n (&e->value, __ATOMIC_RELAXED), otherwise);
}

static gboolean
wait_pending (const void *m)
{
  return __atomic_load_n (&entry (waits, m)->address, __ATOMIC_RELAXED) == m;
}

static gint64
signal_note (const void *c)
{
  Entry *e = entry (signals, c);
  gint64 item = __atomic_fetch_add (&next_item, 1, __ATOMIC_RELAXED);

  __atomic_store_n (&e->value, (guint64) item, __ATOMIC_RELAXED);
  __atomic_store_n (&e->address, c, __ATOMIC_RELEASE);
  return item;
}

/* The put that woke a waiter on @c, or an item no put has. */
static gint64
signal_item (WeftPreloadThread *t,
             const void        *c,
             gint64             before)
{
  Entry *e = entry (signals, c);

  if (__atomic_load_n (&e->address, __ATOMIC_ACQUIRE) == c)
    {
      gint64 item = (gint64) __atomic_load_n (&e->value, __ATOMIC_RELAXED);

      if (item != before)
        return item;
    }
  return -(((gint64) t->worker << 40) | ++t->n_unpaired);
}

static gint64
signal_current (const void *c)
{
  Entry *e = entry (signals, c);

  return __atomic_load_n (&e->address, __ATOMIC_ACQUIRE) == c ? (gint64) e->value : 0;
}

/* ---- contended holds this thread recorded -------------------------------- */

static inline gboolean
held_take (WeftPreloadThread *t,
           const void        *lock)
{
  for (guint i = 0; i < t->n_held; i++)
    if (t->held[i] == lock)
      {
        t->held[i] = t->held[--t->n_held];
        return TRUE;
      }
  return FALSE;
}

static inline void
held_push (WeftPreloadThread *t,
           void              *lock)
{
  if (t->n_held < G_N_ELEMENTS (t->held))
    t->held[t->n_held++] = lock;
}

/* ---- mutexes ------------------------------------------------------------- */

/* @holder: the lane (worker + 1) that holds the lock, 0 if not known */
static void
lock_wait_begin_as (WeftPreloadThread *t,
                    void              *lock,
                    guint32            id,
                    guint              holder)
{
  guint64 now = weft_wire_writer_now (t->writer);

  wait_note (lock, now);
  _weft_preload_record_at (t, now, WEFT_EVENT_LOCK_WAIT, id, holder, 0);
  _weft_preload_before_block (t);
}

static void
lock_wait_begin (WeftPreloadThread *t,
                 void              *lock,
                 guint32           *out_id,
                 const char        *what,
                 const void        *caller,
                 guint              holder)
{
  *out_id = _weft_preload_object (lock, WEFT_OBJECT_LOCK, what, caller);
  lock_wait_begin_as (t, lock, *out_id, holder);
}

static void
lock_wait_end (WeftPreloadThread *t,
               void              *lock,
               guint32            id,
               int                result)
{
  wait_clear (lock);
  _weft_preload_record (t, WEFT_EVENT_LOCK_ACQUIRED, id, 0, 0);
  if (result == 0)
    held_push (t, lock);
  else
    _weft_preload_record (t, WEFT_EVENT_LOCK_RELEASED, id, 0, 0);  /* gave up: no hold */
}

static inline gboolean
mutex_is_plain (const pthread_mutex_t *m)
{
  /* not robust, priority-inheriting or -protecting: the futex word is 0/1/2 */
  return (m->__data.__kind & 0x70) == 0;
}

static int
mutex_wait (pthread_mutex_t       *m,
            const struct timespec *abstime,
            const void            *caller)
{
  WeftPreloadThread *t = _weft_preload_thread ();
  guint32 id;
  int r;

  if (t == NULL || m->__data.__owner == t->tid || _weft_preload_is_gil_lock (m))
    return abstime ? _weft_real.pthread_mutex_timedlock (m, abstime) : _weft_real.pthread_mutex_lock (m);

  /* glibc keeps the holder's thread id in a plain mutex: a deadlock's cycle
   * can be followed even though the holder's hold was not recorded */
  lock_wait_begin (t, m, &id, "mutex", caller, mutex_is_plain (m) ? _weft_preload_worker_of_tid (m->__data.__owner) : 0);
  r = abstime ? _weft_real.pthread_mutex_timedlock (m, abstime) : _weft_real.pthread_mutex_lock (m);
  lock_wait_end (t, m, id, r);
  return r;
}

WEFT_EXPORT int
pthread_mutex_lock (pthread_mutex_t *m)
{
  int r;

  if (G_UNLIKELY (_weft_real.pthread_mutex_unlock == NULL))
    _weft_preload_resolve ();
  if (G_UNLIKELY (m == _weft_preload.gil_mutex))
    {
      WeftPreloadThread *t = _weft_preload_thread ();

      r = _weft_real.pthread_mutex_lock (m);
      if (t != NULL && r == 0)
        _weft_gil_mutex_locked (t);
      return r;
    }
  r = _weft_real.pthread_mutex_trylock (m);
  if (G_LIKELY (r == 0))
    return 0;
  if (r != EBUSY || !_weft_preload.active)
    return _weft_real.pthread_mutex_lock (m);
  return mutex_wait (m, NULL, __builtin_return_address (0));
}

WEFT_EXPORT int
pthread_mutex_timedlock (pthread_mutex_t       *m,
                         const struct timespec *abstime)
{
  int r;

  if (G_UNLIKELY (_weft_real.pthread_mutex_unlock == NULL))
    _weft_preload_resolve ();
  r = _weft_real.pthread_mutex_trylock (m);
  if (r == 0)
    return 0;
  if (r != EBUSY || !_weft_preload.active)
    return _weft_real.pthread_mutex_timedlock (m, abstime);
  return mutex_wait (m, abstime, __builtin_return_address (0));
}

/* Someone waited while this thread held @m: its hold and the hand-off. */
static void
mutex_release (WeftPreloadThread *t,
               pthread_mutex_t   *m,
               gboolean           contended_hold,
               const void        *caller)
{
  guint32 id = _weft_preload_object (m, WEFT_OBJECT_LOCK, "mutex", caller);

  if (!contended_hold)
    {
      guint64 now = weft_wire_writer_now (t->writer);

      _weft_preload_record_at (t, wait_since (m, now), WEFT_EVENT_LOCK_ACQUIRED, id, 0, 0);
    }
  _weft_preload_record (t, WEFT_EVENT_LOCK_RELEASED, id, 0, 0);
}

WEFT_EXPORT int
pthread_mutex_unlock (pthread_mutex_t *m)
{
  WeftPreloadThread *t;
  gboolean contended_hold;

  if (G_UNLIKELY (_weft_real.pthread_mutex_unlock == NULL))
    _weft_preload_resolve ();
  t = _weft_preload_self;
  if (G_LIKELY (t == NULL || (t->n_held == 0 && m->__data.__lock < 2 && m != _weft_preload.gil_mutex)))
    return _weft_real.pthread_mutex_unlock (m);

  /* a hold recorded before the mutex was known to be the GIL's ends too */
  contended_hold = !(m->__data.__kind & 1 && m->__data.__count > 1) && held_take (t, m);
  if (m == _weft_preload.gil_mutex)
    {
      if (contended_hold)
        mutex_release (t, m, TRUE, __builtin_return_address (0));
      _weft_gil_mutex_unlocking (t);
    }
  else if (contended_hold ||
           (!(m->__data.__kind & 1 && m->__data.__count > 1) && !_weft_preload_is_gil_lock (m) &&
            /* 2 alone is not enough: a condition wait re-locks its mutex as 2 */
            m->__data.__lock >= 2 && mutex_is_plain (m) && wait_pending (m)))
    mutex_release (t, m, contended_hold, __builtin_return_address (0));
  return _weft_real.pthread_mutex_unlock (m);
}

/* ---- condition variables ------------------------------------------------- */

static guint32
cond_object (void *c,
             const void *caller)
{
  return _weft_preload_object (c, WEFT_OBJECT_OTHER, "cond", caller);
}

/* A condition wait gives up the mutex: a recorded hold of it ends here. */
static void
cond_wait_begin (WeftPreloadThread *t,
                 pthread_cond_t    *c,
                 pthread_mutex_t   *m,
                 guint32           *out_id,
                 gint64            *out_before,
                 const void        *caller)
{
  if (held_take (t, m))
    _weft_preload_record (t, WEFT_EVENT_LOCK_RELEASED, _weft_preload_object (m, WEFT_OBJECT_LOCK, "mutex", NULL), 0, 0);
  *out_id = cond_object (c, caller);
  *out_before = signal_current (c);
  _weft_preload_record (t, WEFT_EVENT_QUEUE_GET_BEGIN, *out_id, 0, 0);
  _weft_preload_before_block (t);
}

static void
cond_wait_end (WeftPreloadThread *t,
               pthread_cond_t    *c,
               guint32            id,
               gint64             before)
{
  _weft_preload_record (t, WEFT_EVENT_QUEUE_GET_END, id, 0, signal_item (t, c, before));
}

typedef enum { COND_WAIT, COND_TIMED, COND_CLOCK } CondWay;

static int
cond_wait_recorded (pthread_cond_t        *c,
                    pthread_mutex_t       *m,
                    CondWay                way,
                    clockid_t              clock,
                    const struct timespec *abstime,
                    const void            *caller)
{
  WeftPreloadThread *t;
  gboolean recorded;
  guint32 id = 0;
  gint64 before = 0;
  int r;

  if (G_UNLIKELY (_weft_real.pthread_mutex_unlock == NULL))
    _weft_preload_resolve ();
  t = _weft_preload_thread ();
  /* the GIL's own waits are the GIL's (weft-preload-gil.c) */
  recorded = t != NULL && !_weft_gil_cond_wait_begin (t, c, m, way != COND_WAIT);
  if (recorded)
    cond_wait_begin (t, c, m, &id, &before, caller);
  r = way == COND_WAIT ? _weft_real.pthread_cond_wait (c, m) :
      way == COND_TIMED ? _weft_real.pthread_cond_timedwait (c, m, abstime) :
      _weft_real.pthread_cond_clockwait (c, m, clock, abstime);
  if (recorded)
    cond_wait_end (t, c, id, before);
  return r;
}

WEFT_EXPORT int
pthread_cond_wait (pthread_cond_t  *c,
                   pthread_mutex_t *m)
{
  return cond_wait_recorded (c, m, COND_WAIT, 0, NULL, __builtin_return_address (0));
}

WEFT_EXPORT int
pthread_cond_timedwait (pthread_cond_t        *c,
                        pthread_mutex_t       *m,
                        const struct timespec *abstime)
{
  return cond_wait_recorded (c, m, COND_TIMED, 0, abstime, __builtin_return_address (0));
}

WEFT_EXPORT int
pthread_cond_clockwait (pthread_cond_t        *c,
                        pthread_mutex_t       *m,
                        clockid_t              clock,
                        const struct timespec *abstime)
{
  return cond_wait_recorded (c, m, COND_CLOCK, clock, abstime, __builtin_return_address (0));
}

/* A put, only when someone waits (glibc counts waiters in __wrefs >> 3). */
static void
cond_put (pthread_cond_t *c,
          const void     *caller)
{
  WeftPreloadThread *t;
  guint32 id;
  gint64 item;

  /* the GIL's drop is a signal whether or not anyone waits */
  if ((t = _weft_preload_thread ()) == NULL || _weft_gil_cond_signal (t, c) || (c->__data.__wrefs >> 3) == 0)
    return;
  id = cond_object (c, caller);
  item = signal_note (c);
  _weft_preload_record (t, WEFT_EVENT_QUEUE_PUT_BEGIN, id, 0, 0);
  _weft_preload_record (t, WEFT_EVENT_QUEUE_PUT_END, id, 0, item);
}

WEFT_EXPORT int
pthread_cond_signal (pthread_cond_t *c)
{
  if (G_UNLIKELY (_weft_real.pthread_mutex_unlock == NULL))
    _weft_preload_resolve ();
  if (_weft_preload.active)
    cond_put (c, __builtin_return_address (0));
  return _weft_real.pthread_cond_signal (c);
}

WEFT_EXPORT int
pthread_cond_broadcast (pthread_cond_t *c)
{
  if (G_UNLIKELY (_weft_real.pthread_mutex_unlock == NULL))
    _weft_preload_resolve ();
  if (_weft_preload.active)
    cond_put (c, __builtin_return_address (0));
  return _weft_real.pthread_cond_broadcast (c);
}

/* ---- semaphores ---------------------------------------------------------- */

/* glibc's sem_t: the value in the low 32 bits, waiters in the high 32. */
static inline guint64
sem_word (void *s)
{
  return __atomic_load_n ((guint64 *) s, __ATOMIC_RELAXED);
}

/*
 * Semaphores the program named as locks (weft_record_name_lock()): CPython's
 * threading.Lock and multiprocessing.Lock are semaphores, and so is every
 * Condition's waiter, which one thread acquires and another releases. Only
 * the program knows which are its locks; those are drawn as locks, each
 * acquisition and release recorded (the model's locks record as many), the
 * others as queues. Names are never taken back: a lock's memory reused for
 * another semaphore would go on as the lock.
 */
#define N_NAMED 64

static struct
{
  const void *address;
  guint32     id;
} named[N_NAMED];
static int n_named;

static guint32
named_lock (const void *s)
{
  int n = __atomic_load_n (&n_named, __ATOMIC_ACQUIRE);

  for (int i = 0; i < n; i++)
    if (named[i].address == s)
      return __atomic_load_n (&named[i].id, __ATOMIC_RELAXED);
  return 0;
}

gboolean
_weft_preload_name_lock (const void *address,
                         guint32     id)
{
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  gboolean named_now = TRUE;
  int i;

  _weft_real.pthread_mutex_lock (&lock);
  for (i = 0; i < n_named && named[i].address != address; i++)
    ;
  if (i < n_named)
    __atomic_store_n (&named[i].id, id, __ATOMIC_RELAXED);
  else if (i < N_NAMED)
    {
      named[i].address = address;
      named[i].id = id;
      __atomic_store_n (&n_named, i + 1, __ATOMIC_RELEASE);
    }
  else
    named_now = FALSE;
  _weft_real.pthread_mutex_unlock (&lock);
  return named_now;
}

/* The named lock @id that this thread took */
static void
named_taken (WeftPreloadThread *t,
             void              *s,
             guint32            id)
{
  _weft_preload_record (t, WEFT_EVENT_LOCK_ACQUIRED, id, 0, 0);
  held_push (t, s);
}

static inline guint32
named_lock_of (void *s)
{
  return G_UNLIKELY (__atomic_load_n (&n_named, __ATOMIC_RELAXED) > 0) && _weft_preload.active ? named_lock (s) : 0;
}

typedef enum { SEM_WAIT, SEM_TIMED, SEM_CLOCK } SemWay;

static int
sem_wait_real (void                  *s,
               SemWay                 way,
               clockid_t              clock,
               const struct timespec *abstime)
{
  return way == SEM_WAIT ? _weft_real.sem_wait (s) :
         way == SEM_TIMED ? _weft_real.sem_timedwait (s, abstime) :
         _weft_real.sem_clockwait (s, clock, abstime);
}

/* A wait for a named lock: a lock wait, then its hold (none if it failed) */
static int
named_wait (WeftPreloadThread     *t,
            void                  *s,
            guint32                id,
            SemWay                 way,
            clockid_t              clock,
            const struct timespec *abstime)
{
  int r, saved;

  lock_wait_begin_as (t, s, id, 0);
  r = sem_wait_real (s, way, clock, abstime);
  saved = errno;
  lock_wait_end (t, s, id, r);
  errno = saved;
  return r;
}

static int
sem_wait_recorded (void                  *s,
                   SemWay                 way,
                   clockid_t              clock,
                   const struct timespec *abstime,
                   const void            *caller)
{
  WeftPreloadThread *t;
  guint32 id, lock_id;
  gint64 before;
  int r, saved;

  if (G_UNLIKELY (_weft_real.pthread_mutex_unlock == NULL))
    _weft_preload_resolve ();
  lock_id = named_lock_of (s);
  if (_weft_real.sem_trywait (s) == 0)
    {
      if (lock_id != 0 && (t = _weft_preload_thread ()) != NULL)
        named_taken (t, s, lock_id);
      return 0;
    }
  t = _weft_preload_thread ();
  if (t != NULL && lock_id != 0)
    return named_wait (t, s, lock_id, way, clock, abstime);
  if (t != NULL)
    {
      id = _weft_preload_object (s, WEFT_OBJECT_OTHER, "semaphore", caller);
      before = signal_current (s);
      _weft_preload_record (t, WEFT_EVENT_QUEUE_GET_BEGIN, id, 0, 0);
      _weft_preload_before_block (t);
    }
  r = sem_wait_real (s, way, clock, abstime);
  saved = errno;
  if (t != NULL)
    _weft_preload_record (t, WEFT_EVENT_QUEUE_GET_END, id, (gint64) (sem_word (s) & 0x7fffffff),
                          signal_item (t, s, before));
  errno = saved;
  return r;
}

WEFT_EXPORT int
sem_wait (sem_t *s)
{
  return sem_wait_recorded (s, SEM_WAIT, 0, NULL, __builtin_return_address (0));
}

WEFT_EXPORT int
sem_timedwait (sem_t                 *s,
               const struct timespec *abstime)
{
  return sem_wait_recorded (s, SEM_TIMED, 0, abstime, __builtin_return_address (0));
}

WEFT_EXPORT int
sem_clockwait (sem_t                 *s,
               clockid_t              clock,
               const struct timespec *abstime)
{
  return sem_wait_recorded (s, SEM_CLOCK, clock, abstime, __builtin_return_address (0));
}

/* CPython tries a lock this way before it gives up the GIL to wait for it */
WEFT_EXPORT int
sem_trywait (sem_t *s)
{
  WeftPreloadThread *t;
  guint32 lock_id;
  int r;

  if (G_UNLIKELY (_weft_real.pthread_mutex_unlock == NULL))
    _weft_preload_resolve ();
  r = _weft_real.sem_trywait (s);
  if (r == 0 && (lock_id = named_lock_of (s)) != 0 && (t = _weft_preload_thread ()) != NULL)
    named_taken (t, s, lock_id);
  return r;
}

WEFT_EXPORT int
sem_post (sem_t *s)
{
  WeftPreloadThread *t;
  guint32 lock_id;

  if (G_UNLIKELY (_weft_real.pthread_mutex_unlock == NULL))
    _weft_preload_resolve ();
  if ((lock_id = named_lock_of (s)) != 0)
    {
      /* a hold this thread recorded ends; a release of another's is not drawn */
      if ((t = _weft_preload_self) != NULL && held_take (t, s))
        _weft_preload_record (t, WEFT_EVENT_LOCK_RELEASED, lock_id, 0, 0);
    }
  else if (_weft_preload.active && (sem_word (s) >> 32) != 0 && (t = _weft_preload_thread ()) != NULL)
    {
      guint32 id = _weft_preload_object (s, WEFT_OBJECT_OTHER, "semaphore", NULL);
      gint64 item = signal_note (s);

      _weft_preload_record (t, WEFT_EVENT_QUEUE_PUT_BEGIN, id, 0, 0);
      _weft_preload_record (t, WEFT_EVENT_QUEUE_PUT_END, id, (gint64) (sem_word (s) & 0x7fffffff) + 1, item);
    }
  return _weft_real.sem_post (s);
}

/* ---- read-write locks, spin locks, barriers ------------------------------ */

static int
held_lock (void        *lock,
           int        (*try_fn) (void *),
           int        (*lock_fn) (void *),
           const char  *what,
           const void  *caller)
{
  WeftPreloadThread *t;
  guint32 id;
  int r;

  r = try_fn (lock);
  if (r == 0)
    return 0;
  if (r != EBUSY || (t = _weft_preload_thread ()) == NULL)
    return lock_fn (lock);
  lock_wait_begin (t, lock, &id, what, caller, 0);
  r = lock_fn (lock);
  lock_wait_end (t, lock, id, r);
  return r;
}

static void
held_unlock (void *lock)
{
  WeftPreloadThread *t = _weft_preload_self;

  if (t != NULL && t->n_held > 0 && held_take (t, lock))
    _weft_preload_record (t, WEFT_EVENT_LOCK_RELEASED, _weft_preload_object (lock, WEFT_OBJECT_LOCK, "", NULL), 0, 0);
}

WEFT_EXPORT int
pthread_rwlock_rdlock (pthread_rwlock_t *l)
{
  _weft_preload_resolve ();
  return held_lock (l, (int (*) (void *)) _weft_real.pthread_rwlock_tryrdlock,
                    (int (*) (void *)) _weft_real.pthread_rwlock_rdlock, "rwlock", __builtin_return_address (0));
}

WEFT_EXPORT int
pthread_rwlock_wrlock (pthread_rwlock_t *l)
{
  _weft_preload_resolve ();
  return held_lock (l, (int (*) (void *)) _weft_real.pthread_rwlock_trywrlock,
                    (int (*) (void *)) _weft_real.pthread_rwlock_wrlock, "rwlock", __builtin_return_address (0));
}

WEFT_EXPORT int
pthread_rwlock_unlock (pthread_rwlock_t *l)
{
  _weft_preload_resolve ();
  held_unlock (l);
  return _weft_real.pthread_rwlock_unlock (l);
}

WEFT_EXPORT int
pthread_spin_lock (pthread_spinlock_t *l)
{
  _weft_preload_resolve ();
  return held_lock ((void *) l, (int (*) (void *)) _weft_real.pthread_spin_trylock,
                    (int (*) (void *)) _weft_real.pthread_spin_lock, "spin lock", __builtin_return_address (0));
}

WEFT_EXPORT int
pthread_spin_unlock (pthread_spinlock_t *l)
{
  _weft_preload_resolve ();
  held_unlock ((void *) l);
  return _weft_real.pthread_spin_unlock (l);
}

/* A barrier wait: waiting for the others, drawn as a wait for the barrier's
 * lock that the last thread to arrive ends (no hold). */
WEFT_EXPORT int
pthread_barrier_wait (pthread_barrier_t *b)
{
  WeftPreloadThread *t;
  guint32 id;
  int r;

  _weft_preload_resolve ();
  if ((t = _weft_preload_thread ()) == NULL)
    return _weft_real.pthread_barrier_wait (b);
  id = _weft_preload_object (b, WEFT_OBJECT_LOCK, "barrier", __builtin_return_address (0));
  _weft_preload_record (t, WEFT_EVENT_LOCK_WAIT, id, 0, 0);
  _weft_preload_before_block (t);
  r = _weft_real.pthread_barrier_wait (b);
  _weft_preload_record (t, WEFT_EVENT_LOCK_ACQUIRED, id, 0, 0);
  _weft_preload_record (t, WEFT_EVENT_LOCK_RELEASED, id, 0, 0);
  return r;
}
