/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <dlfcn.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>
#include <stdint.h>

#include "weft-record-control.h"
#include "weft-wire-writer.h"

G_BEGIN_DECLS

#define WEFT_EXPORT __attribute__((visibility ("default")))

/* Who may touch a thread's writer while the thread waits (atomic). */
typedef enum
{
  WEFT_PRELOAD_RUNNING,  /* the thread itself */
  WEFT_PRELOAD_PARKED,   /* blocked with records unsent: the flusher may take it */
  WEFT_PRELOAD_TAKEN,    /* the flusher (or an exit or signal flush) is writing it out */
} WeftPreloadParked;

/* One recorded thread: its lane's writer and what it is in the middle of. */
typedef struct _WeftPreloadThread WeftPreloadThread;

struct _WeftPreloadThread
{
  WeftWireWriter    *writer;
  WeftPreloadThread *next;        /* the process's list, for flushing at exit */
  guint64            last_ns;     /* the latest time this thread recorded */
  volatile int       busy;        /* recording now: not to be flushed by another */
  int                parked;      /* WeftPreloadParked: in a wait, its buffer left to the flusher */
  int                n_parks;     /* waits parked in so far */
  int                flusher_saw; /* the flusher's: n_parks at its last look */
  int                tid;
  guint32            task;        /* the task of this thread's life: named after the thread */
  guint16            worker;
  guint8             gil_section; /* inside the GIL's mutex: taking or dropping */
  guint8             gil_waiting;
  guint8             gil_held;
  guint8             gil_dropped;
  guint64            gil_lock_ns;
  guint64            gil_switch_ns; /* a forced drop's wait for the taker began */
  guint8             gil_from_switch;
  guint8             n_held;      /* contended acquisitions this thread still holds */
  void              *held[8];
  gint64             n_unpaired;
};

/* The process: set up once by the constructor (and again in a forked child). */
typedef struct
{
  int                 active;     /* recording: the interposers do more than pass through */
  int                 fd;         /* the event pipe */
  int                 pid;
  WeftRecordControl  *control;
  guint32             task_ids;
  pthread_mutex_t    *list_lock;
  WeftPreloadThread  *threads;
  /* the CPython GIL, once found (see weft-preload-gil.c) */
  const char         *py_runtime;
  gsize               py_runtime_size;
  int                 py_looked_up;
  void               *gil_cond;
  void               *gil_mutex;
  const char         *gil_begin; /* the GIL's struct: its two conditions and mutexes */
  const char         *gil_end;
  guint32             gil_object;
  guint64             gil_found_ns;
} WeftPreload;

extern WeftPreload _weft_preload;

/* Real functions, resolved once (weft-preload-real.c) */
typedef struct
{
  int  (*pthread_create)         (pthread_t *, const pthread_attr_t *, void *(*) (void *), void *);
  void (*pthread_exit)           (void *) __attribute__((noreturn));
  int  (*pthread_join)           (pthread_t, void **);
  int  (*pthread_setname_np)     (pthread_t, const char *);
  int  (*pthread_mutex_lock)     (pthread_mutex_t *);
  int  (*pthread_mutex_trylock)  (pthread_mutex_t *);
  int  (*pthread_mutex_timedlock)(pthread_mutex_t *, const struct timespec *);
  int  (*pthread_mutex_unlock)   (pthread_mutex_t *);
  int  (*pthread_cond_wait)      (pthread_cond_t *, pthread_mutex_t *);
  int  (*pthread_cond_timedwait) (pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
  int  (*pthread_cond_clockwait) (pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *);
  int  (*pthread_cond_signal)    (pthread_cond_t *);
  int  (*pthread_cond_broadcast) (pthread_cond_t *);
  int  (*pthread_rwlock_rdlock)  (pthread_rwlock_t *);
  int  (*pthread_rwlock_wrlock)  (pthread_rwlock_t *);
  int  (*pthread_rwlock_tryrdlock)(pthread_rwlock_t *);
  int  (*pthread_rwlock_trywrlock)(pthread_rwlock_t *);
  int  (*pthread_rwlock_unlock)  (pthread_rwlock_t *);
  int  (*pthread_spin_lock)      (pthread_spinlock_t *);
  int  (*pthread_spin_trylock)   (pthread_spinlock_t *);
  int  (*pthread_spin_unlock)    (pthread_spinlock_t *);
  int  (*pthread_barrier_wait)   (pthread_barrier_t *);
  int  (*sem_wait)               (void *);
  int  (*sem_trywait)            (void *);
  int  (*sem_timedwait)          (void *, const struct timespec *);
  int  (*sem_clockwait)          (void *, clockid_t, const struct timespec *);
  int  (*sem_post)               (void *);
  pid_t (*fork)                  (void);
  int  (*execve)                 (const char *, char *const [], char *const []);
  int  (*execvpe)                (const char *, char *const [], char *const []);
  int  (*fexecve)                (int, char *const [], char *const []);
  int  (*posix_spawn)            (pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *, char *const [], char *const []);
  int  (*posix_spawnp)           (pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *, char *const [], char *const []);
  void (*exit)                   (int) __attribute__((noreturn));
  void (*_exit)                  (int) __attribute__((noreturn));
  int  (*close)                  (int);
  int  (*close_range)            (unsigned int, unsigned int, int);
  void (*closefrom)              (int);
  int  (*dup2)                   (int, int);
  int  (*dup3)                   (int, int, int);
  ssize_t (*read)                (int, void *, size_t);
  ssize_t (*write)               (int, const void *, size_t);
  int  (*poll)                   (struct pollfd *, nfds_t, int);
  int  (*ppoll)                  (struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
  int  (*select)                 (int, fd_set *, fd_set *, fd_set *, struct timeval *);
  int  (*epoll_wait)             (int, struct epoll_event *, int, int);
  int  (*epoll_pwait)            (int, struct epoll_event *, int, int, const sigset_t *);
  int  (*nanosleep)              (const struct timespec *, struct timespec *);
  int  (*clock_nanosleep)        (clockid_t, int, const struct timespec *, struct timespec *);
  unsigned int (*sleep)          (unsigned int);
  int  (*usleep)                 (useconds_t);
} WeftPreloadReal;

extern WeftPreloadReal _weft_real;

void               _weft_preload_resolve      (void);
WeftPreloadThread *_weft_preload_thread_slow  (void);
void               _weft_preload_thread_end   (WeftPreloadThread *thread);
void               _weft_preload_flush_all    (void);
void               _weft_preload_unpark       (WeftPreloadThread *thread);
void               _weft_preload_park         (WeftPreloadThread *thread);
guint32            _weft_preload_object       (const void        *address,
                                               WeftObjectKind     kind,
                                               const char        *what,
                                               const void        *caller);
guint              _weft_preload_worker_of_tid (int               tid);
gboolean           _weft_preload_name_lock    (const void        *address,
                                               guint32            id);
guint32            _weft_preload_mark_object  (guint32            hash,
                                               WeftObjectKind     kind,
                                               const char        *name);
char             **_weft_preload_fix_env      (char *const        envp[],
                                               guint64            spawn_ns,
                                               int                worker);
guint64            _weft_preload_now          (void);
gboolean           _weft_preload_symtab_name  (const void        *address,
                                               const Dl_info     *info,
                                               gboolean           object,
                                               char              *buf,
                                               gsize              len);
void               _weft_preload_name_thread  (WeftPreloadThread *thread,
                                               const char        *name,
                                               gboolean           with_id);

/* GIL (weft-preload-gil.c) */
gboolean           _weft_gil_cond_wait_begin  (WeftPreloadThread *thread,
                                               void              *cond,
                                               void              *mutex,
                                               gboolean           timed);
void               _weft_gil_mutex_locked     (WeftPreloadThread *thread);
void               _weft_gil_mutex_unlocking  (WeftPreloadThread *thread);
gboolean           _weft_preload_is_gil_lock  (const void        *mutex);
gboolean           _weft_gil_cond_signal      (WeftPreloadThread *thread,
                                               void              *cond);

/* The object id of a mark (or I/O call) by a hash of what it is */
static inline guint32
_weft_preload_mark_id (guint32 hash)
{
  return (hash & 0x7fffffff) | 0x40000000;
}

/* I/O calls shorter than this are not recorded (weft-preload-io.c) */
#define WEFT_PRELOAD_IO_MIN_NS (100 * G_GUINT64_CONSTANT (1000))

extern __thread WeftPreloadThread *_weft_preload_self __attribute__((tls_model ("initial-exec")));

/* This thread's state, or NULL when it is not recorded (then pass through). */
static inline WeftPreloadThread *
_weft_preload_thread (void)
{
  WeftPreloadThread *t = _weft_preload_self;

  if (G_LIKELY (t != NULL))
    return t;
  if (!_weft_preload.active)
    return NULL;
  return _weft_preload_thread_slow ();
}

static inline void
_weft_preload_record_at (WeftPreloadThread *t,
                         guint64            time_ns,
                         WeftEventKind      kind,
                         guint32            object,
                         gint64             arg0,
                         gint64             arg1)
{
  if (G_UNLIKELY (__atomic_load_n (&t->parked, __ATOMIC_RELAXED) != WEFT_PRELOAD_RUNNING))
    _weft_preload_unpark (t);
  if (time_ns < t->last_ns)
    time_ns = t->last_ns;
  t->busy = 1;
  t->last_ns = time_ns;
  weft_wire_writer_record_full (t->writer, time_ns, t->worker, kind, object, arg0, arg1);
  t->busy = 0;
}

/* Before a wait that may be long: what waits in the buffer goes out, at
 * most once per couple of milliseconds, so a blocked thread's lane is
 * current; what stays is left to the flusher while the thread waits, so a
 * wait that never ends is still sent (weft-preload.c). */
#define WEFT_PRELOAD_BLOCK_FLUSH_NS (2 * G_GUINT64_CONSTANT (1000000))

static inline void
_weft_preload_before_block (WeftPreloadThread *t)
{
  WeftWireWriter *w = t->writer;

  if (G_UNLIKELY (__atomic_load_n (&t->parked, __ATOMIC_RELAXED) != WEFT_PRELOAD_RUNNING))
    _weft_preload_unpark (t);
  if (w->pos == w->buffer)
    return;
  if (t->last_ns + w->interval_ns >= w->flush_deadline_ns + WEFT_PRELOAD_BLOCK_FLUSH_NS)
    {
      t->busy = 1;
      weft_wire_writer_flush (w);
      t->busy = 0;
      return;
    }
  _weft_preload_park (t);
}

static inline void
_weft_preload_record (WeftPreloadThread *t,
                      WeftEventKind      kind,
                      guint32            object,
                      gint64             arg0,
                      gint64             arg1)
{
  _weft_preload_record_at (t, weft_wire_writer_now (t->writer), kind, object, arg0, arg1);
}

G_END_DECLS
