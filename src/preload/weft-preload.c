/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * libweft-preload.so: injected with LD_PRELOAD by `weft-cli record` into a
 * program and every process it forks or execs. Each thread of the program
 * gets a lane: it records into its own WeftWireWriter (the trace layer's
 * per-thread batching writer) on the pipe whose fd the environment names.
 *
 * This file: start-up, the worker ids, threads, fork, exec and exit, and the
 * event pipe's protection against programs that close inherited fds. Locks
 * are in weft-preload-locks.c, CPython's GIL in weft-preload-gil.c.
 */

#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "weft-preload-private.h"

extern char **environ;

WeftPreload _weft_preload = { .fd = -1 };
WeftPreloadReal _weft_real;
__thread WeftPreloadThread *_weft_preload_self __attribute__((tls_model ("initial-exec")));
static __thread int thread_refused __attribute__((tls_model ("initial-exec")));
static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t thread_key;

/* ---- real functions ------------------------------------------------------ */

static void *
real (const char *name)
{
  return dlsym (RTLD_NEXT, name);
}

/* The condition variables' current ABI; plain dlsym finds the 2.2.5 one. */
static void *
real_cond (const char *name)
{
  void *p = dlvsym (RTLD_NEXT, name, "GLIBC_2.3.2");

  return p != NULL ? p : dlsym (RTLD_NEXT, name);
}

void
_weft_preload_resolve (void)
{
  WeftPreloadReal *r = &_weft_real;

  if (r->pthread_mutex_unlock != NULL)
    return;
  r->pthread_create = real ("pthread_create");
  r->pthread_exit = real ("pthread_exit");
  r->pthread_join = real ("pthread_join");
  r->pthread_setname_np = real ("pthread_setname_np");
  r->pthread_mutex_lock = real ("pthread_mutex_lock");
  r->pthread_mutex_trylock = real ("pthread_mutex_trylock");
  r->pthread_mutex_timedlock = real ("pthread_mutex_timedlock");
  r->pthread_cond_wait = real_cond ("pthread_cond_wait");
  r->pthread_cond_timedwait = real_cond ("pthread_cond_timedwait");
  r->pthread_cond_clockwait = real ("pthread_cond_clockwait");
  r->pthread_cond_signal = real_cond ("pthread_cond_signal");
  r->pthread_cond_broadcast = real_cond ("pthread_cond_broadcast");
  r->pthread_rwlock_rdlock = real ("pthread_rwlock_rdlock");
  r->pthread_rwlock_wrlock = real ("pthread_rwlock_wrlock");
  r->pthread_rwlock_tryrdlock = real ("pthread_rwlock_tryrdlock");
  r->pthread_rwlock_trywrlock = real ("pthread_rwlock_trywrlock");
  r->pthread_rwlock_unlock = real ("pthread_rwlock_unlock");
  r->pthread_spin_lock = real ("pthread_spin_lock");
  r->pthread_spin_trylock = real ("pthread_spin_trylock");
  r->pthread_spin_unlock = real ("pthread_spin_unlock");
  r->pthread_barrier_wait = real ("pthread_barrier_wait");
  r->sem_wait = real ("sem_wait");
  r->sem_trywait = real ("sem_trywait");
  r->sem_timedwait = real ("sem_timedwait");
  r->sem_clockwait = real ("sem_clockwait");
  r->sem_post = real ("sem_post");
  r->fork = real ("fork");
  r->execve = real ("execve");
  r->execvpe = real ("execvpe");
  r->fexecve = real ("fexecve");
  r->posix_spawn = real ("posix_spawn");
  r->posix_spawnp = real ("posix_spawnp");
  r->exit = real ("exit");
  r->_exit = real ("_exit");
  r->close = real ("close");
  r->close_range = real ("close_range");
  r->closefrom = real ("closefrom");
  r->dup2 = real ("dup2");
  r->dup3 = real ("dup3");
  r->read = real ("read");
  r->write = real ("write");
  r->poll = real ("poll");
  r->ppoll = real ("ppoll");
  r->select = real ("select");
  r->epoll_wait = real ("epoll_wait");
  r->epoll_pwait = real ("epoll_pwait");
  r->nanosleep = real ("nanosleep");
  r->clock_nanosleep = real ("clock_nanosleep");
  r->sleep = real ("sleep");
  r->usleep = real ("usleep");
  __atomic_store_n (&r->pthread_mutex_unlock, real ("pthread_mutex_unlock"), __ATOMIC_RELEASE);
}

guint64
_weft_preload_now (void)
{
  return weft_clock_now_ns ();
}

/* ---- worker ids ---------------------------------------------------------- */

static int
worker_take (void)
{
  WeftRecordControl *c = _weft_preload.control;
  guint32 id = __atomic_fetch_add (&c->next_worker, 1, __ATOMIC_RELAXED);

  if (id < WEFT_RECORD_MAX_WORKERS)
    {
      __atomic_store_n (&c->slots[id], WEFT_RECORD_SLOT_LIVE, __ATOMIC_RELAXED);
      return (int) id;
    }
  /* every id was handed out: go on on the lane of a thread that ended */
  for (guint i = 0; i < WEFT_RECORD_MAX_WORKERS; i++)
    {
      guint8 expected = WEFT_RECORD_SLOT_ENDED;

      if (__atomic_compare_exchange_n (&c->slots[i], &expected, WEFT_RECORD_SLOT_LIVE, FALSE,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        {
          __atomic_fetch_add (&c->n_recycled, 1, __ATOMIC_RELAXED);
          return (int) i;
        }
    }
  __atomic_fetch_add (&c->n_refused, 1, __ATOMIC_RELAXED);
  return -1;
}

static void
worker_release (guint16 worker)
{
  __atomic_store_n (&_weft_preload.control->slots[worker], WEFT_RECORD_SLOT_ENDED, __ATOMIC_RELEASE);
}

/* ---- threads ------------------------------------------------------------- */

/* Life tasks have ids with the top bit set: never a lock's (< 2^31), never
 * WEFT_OBJECT_SELF, one per thread image over the whole recording. */
static guint32
task_take (void)
{
  guint32 n = __atomic_fetch_add (&_weft_preload.control->next_task, 1, __ATOMIC_RELAXED);

  return 0x80000000u | (n % 0x7fffffffu);
}

/*
 * Names this thread's lane and the task of its life: @name, with the
 * thread's id when @with_id ("xz (tid 12)", the main thread "xz (pid 11)").
 * An empty NAME first starts each name over (a rename, a reused lane).
 */
void
_weft_preload_name_thread (WeftPreloadThread *t,
                           const char        *name,
                           gboolean           with_id)
{
  char full[64];

  if (with_id)
    snprintf (full, sizeof full, "%s (%s %d)", name, t->tid == _weft_preload.pid ? "pid" : "tid", t->tid);
  else
    g_strlcpy (full, name, sizeof full);
  _weft_preload_record (t, WEFT_EVENT_NAME, WEFT_OBJECT_SELF, 0, 0);
  _weft_preload_record (t, WEFT_EVENT_NAME, t->task, 0, 0);
  t->busy = 1;
  weft_wire_writer_name (t->writer, WEFT_OBJECT_SELF, full);
  weft_wire_writer_name (t->writer, t->task, full);
  t->busy = 0;
}

/* A new thread's names, from its comm (the program's, or what the thread
 * creator set) */
static void
thread_name (WeftPreloadThread *t)
{
  char comm[17] = "";

  prctl (PR_GET_NAME, comm, 0, 0, 0);
  _weft_preload_name_thread (t, comm, TRUE);
}

/* Starts this thread's lane on @worker; times of the start-up, if known. */
static WeftPreloadThread *
thread_begin (int      worker,
              guint64  spawn_ns)
{
  WeftPreloadThread *t = g_new0 (WeftPreloadThread, 1);

  t->tid = (int) syscall (SYS_gettid);
  t->worker = (guint16) worker;
  t->task = task_take ();
  t->writer = weft_wire_writer_new (_weft_preload.fd, t->worker);
  t->last_ns = weft_wire_writer_now (t->writer);

  _weft_preload_record (t, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_EXTERNAL, _weft_preload.pid);
  thread_name (t);
  if (spawn_ns != 0 && spawn_ns <= t->last_ns)
    {
      /* the start-up began in the parent, or before exec; it ends here */
      _weft_preload_record_at (t, spawn_ns, WEFT_EVENT_SPAWN_BEGIN, 0, 0, 0);
      _weft_preload_record (t, WEFT_EVENT_SPAWN_END, 0, 0, 0);
    }
  _weft_preload_record (t, WEFT_EVENT_TASK_BEGIN, t->task, 0, 0);
  weft_wire_writer_flush (t->writer);  /* the lane shows at once, even if the thread blocks */
  __atomic_fetch_add (&_weft_preload.control->n_threads, 1, __ATOMIC_RELAXED);

  _weft_real.pthread_mutex_lock (&list_lock);
  t->next = _weft_preload.threads;
  _weft_preload.threads = t;
  _weft_real.pthread_mutex_unlock (&list_lock);

  _weft_preload_self = t;
  pthread_setspecific (thread_key, t);
  return t;
}

/* A thread not started by our pthread_create (the main thread, or one that
 * existed before the library was ready) joins at its first event. */
WeftPreloadThread *
_weft_preload_thread_slow (void)
{
  int worker;

  if (thread_refused)
    return NULL;
  thread_refused = 1;  /* no recursion while joining */
  worker = worker_take ();
  if (worker < 0)
    return NULL;
  thread_begin (worker, 0);
  thread_refused = 0;
  return _weft_preload_self;
}

void
_weft_preload_thread_end (WeftPreloadThread *t)
{
  WeftPreloadThread **p;

  if (t == NULL || t->writer == NULL)
    return;
  _weft_preload_record (t, WEFT_EVENT_TASK_END, t->task, WEFT_TASK_OK, 0);
  t->busy = 1;
  weft_wire_writer_close (t->writer);

  _weft_real.pthread_mutex_lock (&list_lock);
  for (p = &_weft_preload.threads; *p != NULL; p = &(*p)->next)
    if (*p == t)
      {
        *p = t->next;
        break;
      }
  _weft_real.pthread_mutex_unlock (&list_lock);

  worker_release (t->worker);
  g_clear_pointer (&t->writer, weft_wire_writer_free);
  if (_weft_preload_self == t)
    {
      pthread_setspecific (thread_key, NULL);
      _weft_preload_self = NULL;
      thread_refused = 1;  /* what this thread does from now on goes unrecorded */
    }
  g_free (t);
}

/* The lane (worker + 1) of this process's thread @tid, or 0 */
guint
_weft_preload_worker_of_tid (int tid)
{
  guint worker = 0;

  if (tid <= 0)
    return 0;
  _weft_real.pthread_mutex_lock (&list_lock);
  for (WeftPreloadThread *t = _weft_preload.threads; t != NULL && worker == 0; t = t->next)
    if (t->tid == tid)
      worker = t->worker + 1u;
  _weft_real.pthread_mutex_unlock (&list_lock);
  return worker;
}

static void
thread_key_destroy (void *data)
{
  _weft_preload_thread_end (data);
}

/* ---- the flusher: waits that may never end ------------------------------ */

/*
 * A thread that blocks with records in its buffer (the start of its wait
 * among them) parks: until it records again, its writer is the flusher's
 * to write out. The flusher is a thread of the library's own, started at
 * the process's first parked wait; every 10 ms it writes out the buffers
 * of threads parked in the same wait as at its last look, so a wait that
 * never ends (a deadlock) reaches the trace within 20 ms even if the
 * program is then killed. A thread that wakes while its buffer is being
 * written waits for that write.
 */
#define FLUSHER_PERIOD_NS (10 * 1000 * 1000)

static int flusher_started;

static void flusher_start (void);

void
_weft_preload_park (WeftPreloadThread *t)
{
  int no = 0;

  __atomic_store_n (&t->n_parks, t->n_parks + 1, __ATOMIC_RELAXED);
  __atomic_store_n (&t->parked, WEFT_PRELOAD_PARKED, __ATOMIC_RELEASE);
  if (G_LIKELY (__atomic_load_n (&flusher_started, __ATOMIC_RELAXED)) ||
      !__atomic_compare_exchange_n (&flusher_started, &no, 1, FALSE, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
    return;
  flusher_start ();
}

void
_weft_preload_unpark (WeftPreloadThread *t)
{
  for (;;)
    {
      int parked = WEFT_PRELOAD_PARKED;

      if (__atomic_compare_exchange_n (&t->parked, &parked, WEFT_PRELOAD_RUNNING, FALSE,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) ||
          parked == WEFT_PRELOAD_RUNNING)
        return;
      sched_yield ();  /* taken: its write is under way */
    }
}

/* Writes out a parked thread's buffer, unless someone else is */
static void
write_out_parked (WeftPreloadThread *t)
{
  int parked = WEFT_PRELOAD_PARKED;

  if (!__atomic_compare_exchange_n (&t->parked, &parked, WEFT_PRELOAD_TAKEN, FALSE,
                                    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
    return;
  weft_wire_writer_write_out (t->writer);
  __atomic_store_n (&t->parked, WEFT_PRELOAD_PARKED, __ATOMIC_RELEASE);
}

static void *
flusher_main (void *data)
{
  thread_refused = 1;  /* never a lane of its own */
  prctl (PR_SET_NAME, "weft-flusher", 0, 0, 0);
  for (;;)
    {
      struct timespec period = { 0, FLUSHER_PERIOD_NS };

      _weft_real.nanosleep (&period, NULL);
      _weft_real.pthread_mutex_lock (&list_lock);
      for (WeftPreloadThread *t = _weft_preload.threads; t != NULL; t = t->next)
        {
          int n_parks;

          if (__atomic_load_n (&t->parked, __ATOMIC_ACQUIRE) != WEFT_PRELOAD_PARKED)
            continue;
          n_parks = __atomic_load_n (&t->n_parks, __ATOMIC_RELAXED);
          if (n_parks == t->flusher_saw)
            write_out_parked (t);  /* still in the wait of the last look */
          t->flusher_saw = n_parks;
        }
      _weft_real.pthread_mutex_unlock (&list_lock);
    }
  return NULL;
}

/* Signals go to the program's threads, never to the flusher */
static void
flusher_start (void)
{
  sigset_t all, old;
  pthread_attr_t attr;
  pthread_t thread;

  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  pthread_attr_init (&attr);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize (&attr, 64 * 1024);
  if (_weft_real.pthread_create (&thread, &attr, flusher_main, NULL) != 0)
    __atomic_store_n (&flusher_started, 0, __ATOMIC_RELEASE);  /* tried again at the next wait */
  pthread_attr_destroy (&attr);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
}

/* Every thread's buffer: a parked one's as the flusher would, a running
 * one's only if it is not recording at this moment (best effort). */
static void
flush_list (void)
{
  for (WeftPreloadThread *t = _weft_preload.threads; t != NULL; t = t->next)
    {
      if (t->writer == NULL)
        continue;
      if (__atomic_load_n (&t->parked, __ATOMIC_ACQUIRE) != WEFT_PRELOAD_RUNNING)
        write_out_parked (t);
      else if (!t->busy)
        weft_wire_writer_flush (t->writer);
    }
}

/* Best effort, for a process that is about to end or exec: the buffers of
 * threads that are not recording at this moment go out. */
void
_weft_preload_flush_all (void)
{
  _weft_real.pthread_mutex_lock (&list_lock);
  flush_list ();
  _weft_real.pthread_mutex_unlock (&list_lock);
}

/* The same from a signal handler, which must not take the list's lock. */
static void
flush_all_from_signal (void)
{
  flush_list ();
}

typedef struct
{
  void *(*start) (void *);
  void   *arg;
  guint64 create_ns;
} StartData;

static void *
thread_trampoline (void *data)
{
  StartData start = *(StartData *) data;
  int worker;
  void *ret;

  free (data);
  worker = worker_take ();
  if (worker >= 0)
    thread_begin (worker, start.create_ns);
  else
    thread_refused = 1;
  ret = start.start (start.arg);
  _weft_preload_thread_end (_weft_preload_self);
  return ret;
}

WEFT_EXPORT int
pthread_create (pthread_t            *thread,
                const pthread_attr_t *attr,
                void               *(*start) (void *),
                void                 *arg)
{
  StartData *data;
  int r;

  _weft_preload_resolve ();
  if (!_weft_preload.active || (data = malloc (sizeof *data)) == NULL)
    return _weft_real.pthread_create (thread, attr, start, arg);
  data->start = start;
  data->arg = arg;
  data->create_ns = weft_clock_now_ns ();
  r = _weft_real.pthread_create (thread, attr, thread_trampoline, data);
  if (r != 0)
    free (data);
  return r;
}

WEFT_EXPORT void
pthread_exit (void *ret)
{
  _weft_preload_resolve ();
  _weft_preload_thread_end (_weft_preload_self);
  _weft_real.pthread_exit (ret);
}

WEFT_EXPORT int
pthread_setname_np (pthread_t   thread,
                    const char *name)
{
  int r;

  _weft_preload_resolve ();
  r = _weft_real.pthread_setname_np (thread, name);
  if (r == 0 && pthread_equal (thread, pthread_self ()))
    {
      WeftPreloadThread *t = _weft_preload_thread ();

      if (t != NULL)
        _weft_preload_name_thread (t, name, TRUE);
    }
  return r;
}

/* ---- objects ------------------------------------------------------------- */

#define SEEN_SIZE 16384
static guint32 seen[SEEN_SIZE];

static guint32
object_id (const void *address)
{
  guint64 h = ((guint64) (guintptr) address ^ ((guint64) _weft_preload.pid << 40)) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  guint32 id = (guint32) (h >> 33);

  return id == 0 ? 1 : id;  /* < 2^31: never WEFT_OBJECT_SELF */
}

/* Whether this process has declared @id already; declares it if not. */
static gboolean
object_seen (guint32 id)
{
  for (guint i = 0; i < 64; i++)
    {
      guint32 *slot = &seen[(id + i) & (SEEN_SIZE - 1)];
      guint32 v = __atomic_load_n (slot, __ATOMIC_RELAXED);

      if (v == id)
        return TRUE;
      if (v == 0)
        {
          guint32 expected = 0;

          if (__atomic_compare_exchange_n (slot, &expected, id, FALSE, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            return FALSE;
          if (expected == id)
            return TRUE;
        }
    }
  return TRUE;  /* table full: rather no name than a doubled one */
}

/* The name of the lock @what at @address that @caller locked: the symbol it
 * is in, else the function that locked it (dynamic symbols first, then the
 * file's full symbol table), else where in which file, else its address */
static void
object_name (const void *address,
             const char *what,
             const void *caller,
             char       *name,
             gsize       len)
{
  Dl_info info;
  const ElfW(Sym) *sym = NULL;
  char sym_name[48];

  if (dladdr1 (address, &info, (void **) &sym, RTLD_DL_SYMENT))
    {
      if (info.dli_sname != NULL && sym != NULL &&
          (const char *) address < (const char *) info.dli_saddr + MAX (sym->st_size, 1))
        {
          snprintf (name, len, "%s %s", what, info.dli_sname);
          return;
        }
      if (_weft_preload_symtab_name (address, &info, TRUE, sym_name, sizeof sym_name))
        {
          snprintf (name, len, "%s %s", what, sym_name);
          return;
        }
    }
  if (caller != NULL && dladdr (caller, &info))
    {
      const char *base = info.dli_fname != NULL ? strrchr (info.dli_fname, '/') : NULL;

      if (info.dli_sname != NULL)
        snprintf (name, len, "%s in %s", what, info.dli_sname);
      else if (_weft_preload_symtab_name (caller, &info, FALSE, sym_name, sizeof sym_name))
        snprintf (name, len, "%s in %s", what, sym_name);
      else if (info.dli_fname != NULL)
        /* a stripped program: where in which file */
        snprintf (name, len, "%s at %s+%#lx", what, base ? base + 1 : info.dli_fname,
                  (unsigned long) ((const char *) caller - (const char *) info.dli_fbase));
      else
        snprintf (name, len, "%s %p", what, address);
      return;
    }
  snprintf (name, len, "%s %p", what, address);
}

/*
 * The object id of a lock (or condition, semaphore, barrier, the GIL) at
 * @address; declared with a name the first time this process records it:
 * its symbol if @address is inside one, else the function that @caller is in.
 */
guint32
_weft_preload_object (const void     *address,
                      WeftObjectKind  kind,
                      const char     *what,
                      const void     *caller)
{
  guint32 id = object_id (address);
  WeftPreloadThread *t;
  char name[64];

  if (object_seen (id) || (t = _weft_preload_thread ()) == NULL)
    return id;
  object_name (address, what, caller, name, sizeof name);
  _weft_preload_record (t, WEFT_EVENT_OBJECT_NEW, id, kind, 0);
  t->busy = 1;
  weft_wire_writer_name (t->writer, id, name);
  t->busy = 0;
  return id;
}

/* A named object of the explicit marks, by a hash of its name. */
guint32
_weft_preload_mark_object (guint32         hash,
                           WeftObjectKind  kind,
                           const char     *name)
{
  guint32 id = _weft_preload_mark_id (hash);
  WeftPreloadThread *t;

  if (object_seen (id) || (t = _weft_preload_thread ()) == NULL)
    return id;
  /* a named lock records each acquisition (weft-preload-locks.c) */
  _weft_preload_record (t, WEFT_EVENT_OBJECT_NEW, id, kind, kind == WEFT_OBJECT_LOCK ? WEFT_LOCK_RECORDED_IN_FULL : 0);
  t->busy = 1;
  weft_wire_writer_name (t->writer, id, name);
  t->busy = 0;
  return id;
}

/* ---- start-up ------------------------------------------------------------ */

static gboolean
pipe_is_ours (int fd)
{
  struct stat st;

  return fstat (fd, &st) == 0 && S_ISFIFO (st.st_mode) &&
         (guint64) st.st_ino == _weft_preload.control->pipe_ino &&
         (guint64) st.st_dev == _weft_preload.control->pipe_dev;
}

static void
crash_handler (int sig)
{
  WeftRecordControl *c = _weft_preload.control;

  __atomic_fetch_add (&c->n_crashed, 1, __ATOMIC_RELAXED);
  c->last_crash_signal = (guint32) sig;
  c->last_crash_pid = (guint32) _weft_preload.pid;
  if (_weft_preload_self != NULL && !_weft_preload_self->busy)
    _weft_preload_record (_weft_preload_self, WEFT_EVENT_INSTANT, 0, sig, 0);
  flush_all_from_signal ();
  signal (sig, SIG_DFL);
  raise (sig);
}

/* Killed (a pool terminating its workers, say): what was recorded goes out first. */
static void
term_handler (int sig)
{
  flush_all_from_signal ();
  signal (sig, SIG_DFL);
  raise (sig);
}

static void
install_crash_handlers (void)
{
  static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTERM, SIGHUP };

  for (guint i = 0; i < G_N_ELEMENTS (sigs); i++)
    {
      struct sigaction old, sa = { .sa_handler = sigs[i] == SIGTERM || sigs[i] == SIGHUP ? term_handler : crash_handler,
                                   .sa_flags = SA_RESETHAND | SA_NODEFER };

      /* a program's own handler wins: install only over the default */
      if (sigaction (sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
        sigaction (sigs[i], &sa, NULL);
    }
}

static void
process_begin (guint64 spawn_ns,
               int     worker)
{
  _weft_preload.pid = getpid ();
  __atomic_fetch_add (&_weft_preload.control->n_processes, 1, __ATOMIC_RELAXED);
  if (worker < 0)
    worker = worker_take ();  /* else an exec'd image: its lane goes on, under the new name */
  if (worker < 0)
    return;
  _weft_preload.active = 1;
  thread_begin (worker, spawn_ns);
}

__attribute__((constructor)) static void
weft_preload_init (void)
{
  const char *fd_str = getenv (WEFT_RECORD_ENV_FD);
  const char *control_path = getenv (WEFT_RECORD_ENV_CONTROL);
  const char *worker_str = getenv (WEFT_RECORD_ENV_WORKER);
  const char *spawn_str = getenv (WEFT_RECORD_ENV_SPAWN_NS);
  guint64 spawn_ns = spawn_str != NULL ? g_ascii_strtoull (spawn_str, NULL, 10) : 0;
  int worker = worker_str != NULL ? atoi (worker_str) : -1;
  void *map;
  int cfd;

  _weft_preload_resolve ();
  if (fd_str == NULL || control_path == NULL)
    return;

  cfd = open (control_path, O_RDWR | O_CLOEXEC);
  if (cfd < 0)
    return;
  map = mmap (NULL, sizeof (WeftRecordControl), PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
  _weft_real.close (cfd);
  if (map == MAP_FAILED || ((WeftRecordControl *) map)->magic != WEFT_RECORD_CONTROL_MAGIC)
    return;
  _weft_preload.control = map;

  /* the next image this one execs is told its lane explicitly, children never */
  unsetenv (WEFT_RECORD_ENV_WORKER);
  unsetenv (WEFT_RECORD_ENV_SPAWN_NS);

  _weft_preload.fd = atoi (fd_str);
  if (!pipe_is_ours (_weft_preload.fd))
    {
      __atomic_fetch_add (&_weft_preload.control->n_pipe_lost, 1, __ATOMIC_RELAXED);
      _weft_preload.fd = -1;
      return;
    }
  pthread_key_create (&thread_key, thread_key_destroy);
  install_crash_handlers ();
  process_begin (spawn_ns, worker >= 0 && worker < WEFT_RECORD_MAX_WORKERS ? worker : -1);
}

static void
process_end (void)
{
  if (!_weft_preload.active)
    return;
  _weft_preload_thread_end (_weft_preload_self);
  _weft_preload_flush_all ();
}

__attribute__((destructor)) static void
weft_preload_fini (void)
{
  process_end ();
}

/* ---- fork, exec, exit ---------------------------------------------------- */

static void
child_after_fork (guint64 fork_ns)
{
  /* The parent's threads and buffers are the parent's: forget them unsent. */
  _weft_preload_self = NULL;
  _weft_preload.threads = NULL;
  thread_refused = 0;
  flusher_started = 0;  /* the parent's flusher did not come along */
  pthread_mutex_init (&list_lock, NULL);
  memset (seen, 0, sizeof seen);
  _weft_preload.gil_object = 0;
  process_begin (fork_ns, -1);
}

WEFT_EXPORT pid_t
fork (void)
{
  guint64 t0;
  pid_t pid;

  _weft_preload_resolve ();
  if (!_weft_preload.active)
    return _weft_real.fork ();
  t0 = weft_clock_now_ns ();
  pid = _weft_real.fork ();
  if (pid == 0)
    child_after_fork (t0);
  return pid;
}

/* vfork's child would share our memory: run it as a fork, which is allowed. */
WEFT_EXPORT pid_t
vfork (void)
{
  return fork ();
}

static gboolean
env_is_ours (const char *entry)
{
  return g_str_has_prefix (entry, "WEFT_RECORD_") || g_str_has_prefix (entry, "LD_PRELOAD=");
}

/* The LD_PRELOAD an exec'd image gets: @envp's, with this library in it. */
static char *
preload_for (char *const envp[])
{
  static char self_path[4096];
  const char *given = NULL;
  Dl_info info;

  if (self_path[0] == '\0' && dladdr ((void *) preload_for, &info) && info.dli_fname != NULL)
    g_strlcpy (self_path, info.dli_fname, sizeof self_path);
  for (guint i = 0; envp != NULL && envp[i] != NULL; i++)
    if (g_str_has_prefix (envp[i], "LD_PRELOAD="))
      given = envp[i] + strlen ("LD_PRELOAD=");
  if (given != NULL && strstr (given, self_path) != NULL)
    return g_strconcat ("LD_PRELOAD=", given, NULL);
  if (given != NULL && *given != '\0')
    return g_strconcat ("LD_PRELOAD=", self_path, ":", given, NULL);
  return g_strconcat ("LD_PRELOAD=", self_path, NULL);
}

/*
 * The environment for an exec'd or spawned image: @envp with Weft's own
 * variables put back (a program may pass a clean one, or unset them), and,
 * for an exec, the lane to go on with.
 */
char **
_weft_preload_fix_env (char *const envp[],
                       guint64     spawn_ns,
                       int         worker)
{
  GPtrArray *env = g_ptr_array_new ();
  const char *control = getenv (WEFT_RECORD_ENV_CONTROL);

  for (guint i = 0; envp != NULL && envp[i] != NULL; i++)
    if (!env_is_ours (envp[i]))
      g_ptr_array_add (env, envp[i]);
  g_ptr_array_add (env, preload_for (envp));
  g_ptr_array_add (env, g_strdup_printf (WEFT_RECORD_ENV_FD "=%d", _weft_preload.fd));
  if (control != NULL)
    g_ptr_array_add (env, g_strconcat (WEFT_RECORD_ENV_CONTROL "=", control, NULL));
  g_ptr_array_add (env, g_strdup_printf (WEFT_RECORD_ENV_SPAWN_NS "=%" G_GUINT64_FORMAT, spawn_ns));
  if (worker >= 0)
    g_ptr_array_add (env, g_strdup_printf (WEFT_RECORD_ENV_WORKER "=%d", worker));
  g_ptr_array_add (env, NULL);
  /* leaked on purpose: exec either replaces the image or we return at once */
  return (char **) g_ptr_array_free (env, FALSE);
}

/* Before an exec: this lane goes on in the new image, starting up; the
 * environment it gets says so. */
static char **
exec_begin (char *const envp[])
{
  WeftPreloadThread *t = _weft_preload_thread ();

  if (t == NULL)
    return _weft_preload_fix_env (envp, 0, -1);
  _weft_preload_record (t, WEFT_EVENT_TASK_END, t->task, WEFT_TASK_OK, 0);
  _weft_preload_flush_all ();
  weft_wire_writer_flush (t->writer);
  return _weft_preload_fix_env (envp, weft_clock_now_ns (), t->worker);
}

/* The exec failed: this image goes on. */
static int
exec_failed (int r)
{
  WeftPreloadThread *t = _weft_preload_thread ();
  int saved = errno;

  if (t != NULL)
    _weft_preload_record (t, WEFT_EVENT_TASK_BEGIN, t->task, 0, 0);
  errno = saved;
  return r;
}

WEFT_EXPORT int
execve (const char   *path,
        char *const   argv[],
        char *const   envp[])
{
  _weft_preload_resolve ();
  if (!_weft_preload.active)
    return _weft_real.execve (path, argv, envp);
  return exec_failed (_weft_real.execve (path, argv, exec_begin (envp)));
}

WEFT_EXPORT int
execvpe (const char *file,
         char *const argv[],
         char *const envp[])
{
  _weft_preload_resolve ();
  if (!_weft_preload.active)
    return _weft_real.execvpe (file, argv, envp);
  return exec_failed (_weft_real.execvpe (file, argv, exec_begin (envp)));
}

WEFT_EXPORT int
fexecve (int         fd,
         char *const argv[],
         char *const envp[])
{
  _weft_preload_resolve ();
  if (!_weft_preload.active)
    return _weft_real.fexecve (fd, argv, envp);
  return exec_failed (_weft_real.fexecve (fd, argv, exec_begin (envp)));
}

WEFT_EXPORT int
execv (const char *path,
       char *const argv[])
{
  return execve (path, argv, environ);
}

WEFT_EXPORT int
execvp (const char *file,
        char *const argv[])
{
  return execvpe (file, argv, environ);
}

/* execl, execlp, execle: the arguments collected, then as execve/execvpe. */
static int
exec_list (const char *target,
           gboolean    search,
           gboolean    with_env,
           const char *arg0,
           va_list     ap)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  char **envp = environ;
  const char *a;

  g_ptr_array_add (args, (char *) arg0);
  do
    {
      a = va_arg (ap, const char *);
      g_ptr_array_add (args, (char *) a);
    }
  while (a != NULL);
  if (with_env)
    envp = va_arg (ap, char **);
  return search ? execvpe (target, (char **) args->pdata, envp)
                : execve (target, (char **) args->pdata, envp);
}

WEFT_EXPORT int
execl (const char *path,
       const char *arg,
       ...)
{
  va_list ap;
  int r;

  va_start (ap, arg);
  r = exec_list (path, FALSE, FALSE, arg, ap);
  va_end (ap);
  return r;
}

WEFT_EXPORT int
execlp (const char *file,
        const char *arg,
        ...)
{
  va_list ap;
  int r;

  va_start (ap, arg);
  r = exec_list (file, TRUE, FALSE, arg, ap);
  va_end (ap);
  return r;
}

WEFT_EXPORT int
execle (const char *path,
        const char *arg,
        ...)
{
  va_list ap;
  int r;

  va_start (ap, arg);
  r = exec_list (path, FALSE, TRUE, arg, ap);
  va_end (ap);
  return r;
}

WEFT_EXPORT int
posix_spawn (pid_t       *pid,
             const char  *path,
             const posix_spawn_file_actions_t *file_actions,
             const posix_spawnattr_t          *attr,
             char *const  argv[],
             char *const  envp[])
{
  _weft_preload_resolve ();
  if (!_weft_preload.active)
    return _weft_real.posix_spawn (pid, path, file_actions, attr, argv, envp);
  return _weft_real.posix_spawn (pid, path, file_actions, attr, argv,
                                 _weft_preload_fix_env (envp, weft_clock_now_ns (), -1));
}

WEFT_EXPORT int
posix_spawnp (pid_t       *pid,
              const char  *file,
              const posix_spawn_file_actions_t *file_actions,
              const posix_spawnattr_t          *attr,
              char *const  argv[],
              char *const  envp[])
{
  _weft_preload_resolve ();
  if (!_weft_preload.active)
    return _weft_real.posix_spawnp (pid, file, file_actions, attr, argv, envp);
  return _weft_real.posix_spawnp (pid, file, file_actions, attr, argv,
                                  _weft_preload_fix_env (envp, weft_clock_now_ns (), -1));
}

WEFT_EXPORT void
_exit (int status)
{
  _weft_preload_resolve ();
  process_end ();
  _weft_real._exit (status);
}

/* ---- the event pipe stays open ------------------------------------------- */

static gboolean
refuse_close (int fd)
{
  if (!_weft_preload.active || fd != _weft_preload.fd)
    return FALSE;
  __atomic_fetch_add (&_weft_preload.control->n_close_refused, 1, __ATOMIC_RELAXED);
  return TRUE;
}

WEFT_EXPORT int
close (int fd)
{
  _weft_preload_resolve ();
  if (refuse_close (fd))
    return 0;
  return _weft_real.close (fd);
}

WEFT_EXPORT int
close_range (unsigned int first,
             unsigned int last,
             int          flags)
{
  unsigned int ours = (unsigned int) _weft_preload.fd;
  int r = 0;

  _weft_preload_resolve ();
  if (!_weft_preload.active || _weft_preload.fd < 0 || ours < first || ours > last)
    return _weft_real.close_range (first, last, flags);
  refuse_close (_weft_preload.fd);
  if (ours > first)
    r = _weft_real.close_range (first, ours - 1, flags);
  if (r == 0 && ours < last)
    r = _weft_real.close_range (ours + 1, last, flags);
  return r;
}

WEFT_EXPORT void
closefrom (int lowfd)
{
  _weft_preload_resolve ();
  if (!_weft_preload.active || _weft_preload.fd < lowfd)
    {
      _weft_real.closefrom (lowfd);
      return;
    }
  close_range ((unsigned int) lowfd, ~0U, 0);
}

/* A program that dup2()s onto our fd number gets it: ours moves out of the way. */
static void
move_pipe_from (int fd)
{
  int moved;

  if (!_weft_preload.active || fd != _weft_preload.fd)
    return;
  moved = fcntl (fd, F_DUPFD, 100);
  if (moved < 0)
    return;
  _weft_real.pthread_mutex_lock (&list_lock);
  _weft_preload.fd = moved;
  for (WeftPreloadThread *t = _weft_preload.threads; t != NULL; t = t->next)
    t->writer->fd = moved;
  _weft_real.pthread_mutex_unlock (&list_lock);
}

WEFT_EXPORT int
dup2 (int oldfd,
      int newfd)
{
  _weft_preload_resolve ();
  if (oldfd != newfd)
    move_pipe_from (newfd);
  return _weft_real.dup2 (oldfd, newfd);
}

WEFT_EXPORT int
dup3 (int oldfd,
      int newfd,
      int flags)
{
  _weft_preload_resolve ();
  move_pipe_from (newfd);
  return _weft_real.dup3 (oldfd, newfd, flags);
}
