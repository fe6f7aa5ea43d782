/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>

#include "weft-calibration.h"
#include "weft-process-pool.h"
#include "weft-wire-writer.h"
#include "weft-worker-context.h"

/*
 * One handler thread, the parent's side of CPython's pool: it takes each
 * submitted task in turn, pickles its payload (calibrated CPU work, on a
 * lane of its own) and hands it to the feeders, as far ahead as a pipe's
 * 64 KiB holds; and it spends the parent's dispatch CPU on each result.
 *
 * One feeder thread per worker: it takes the next task the handler has
 * handed out, writes it (and its payload) into the worker's task pipe, and
 * waits for the answer on the result pipe. EOF on the result pipe means the worker
 * is gone: the feeder collects its exit status (waitpid for a spawned
 * worker; the fork server's EXITED message for a forked one) and reports
 * the task it was running as failed.
 *
 * Only the parent's ends of the pipes stay in the parent; every fd the pool
 * opens is close-on-exec, and children get theirs at fixed numbers.
 */

extern char **environ;

/* Children's fds are first parked above this, so that dup2 to 3..7 never clobbers one. */
#define HIGH_FD           64
#define PAYLOAD_CHUNK     (64 * 1024)
#define CANCEL_TERM_MS    300
#define CANCEL_KILL_MS    500
/* A worker stopped (SIGSTOP, SIGTSTP) this long has stalled: it
 * is killed and reported, like a crash. Checked this often while a feeder
 * waits for its answer. */
#define STALL_US          (2 * G_USEC_PER_SEC)
#define STALL_CHECK_MS    100
/* How long a feeder waits for the fork server to report an exit it saw as EOF. */
#define EXIT_REPORT_CAP_US (5 * G_USEC_PER_SEC)
/* What CPython's task pipe holds: the handler runs this far ahead of the
 * workers, a task's message and payload counted */
#define HANDLER_AHEAD_BYTES (64 * 1024)
#define TASK_MESSAGE_BYTES  64

typedef struct
{
  guint32 task_id;
  guint   spec_index;
  gsize   payload_bytes;
} PendingTask;

typedef struct
{
  WeftProcessPool *pool;
  guint16          worker;
  GPid             pid;            /* 0 until known (fork: when FORKED arrives) */
  int              task_fd;        /* our write end */
  int              result_fd;      /* our read end */
  GThread         *thread;
  gboolean         exited;         /* wait_status is known */
  int              wait_status;
  gboolean         term_sent;
  gboolean         kill_sent;
  gint64           stopped_since;  /* monotonic µs when first seen stopped, 0 if running */
  gboolean         stalled;        /* killed by us for being stopped too long */
  gboolean         launched;       /* started (spawned, or forked by the server), or failed to */
} Worker;

struct _WeftProcessPool
{
  WeftArena        *arena;         /* not owned */
  WeftStartMethod   method;
  WeftTaskDoneFunc  done;
  gpointer          user_data;
  char             *worker_path;

  GMutex            mutex;
  GCond             cond;
  GQueue            queue;         /* PendingTask, submitted */
  GQueue            ready;         /* PendingTask, handed out by the handler */
  GQueue            results;       /* task ids whose results the handler has yet to take */
  gsize             ready_bytes;
  gboolean          handed_all;    /* closed, and the handler has handed out every task */
  guint             n_feeding;     /* feeders that may still take a task */
  gboolean          closed;
  gboolean          cancelled;
  gint64            cancel_at;     /* monotonic µs */
  int               wake_fd;       /* an eventfd, readable once cancelled */

  const WeftProfile *profile;      /* not owned */
  GThread          *handler;
  gint              handler_lane;  /* the handler's lane, -1 for none */

  Worker           *workers;
  guint             n_workers;
  guint             n_to_launch;   /* the workers asked for */
  guint             n_launched;    /* those whose start is over; tasks wait for all */

  GPid              server_pid;
  int               control_fd;
  GThread          *server_reader;
  gboolean          server_ready;
  gboolean          server_gone;
  int               event_fd;      /* not owned */

  GArray           *crashed;       /* WeftCrashedWorker */
  int               stop_signal;   /* the first SIGINT or SIGTERM from outside that ended a worker */
  gboolean          waited;
};

G_DEFINE_QUARK (weft-process-pool-error-quark, weft_process_pool_error)

static void
clear_crashed (gpointer data)
{
  WeftCrashedWorker *c = data;

  g_free (c->message);
}

static gboolean
set_errno_error (GError     **error,
                 int          saved,
                 const char  *what)
{
  g_set_error (error, WEFT_PROCESS_POOL_ERROR, WEFT_PROCESS_POOL_ERROR_FAILED,
               "%s: %s", what, g_strerror (saved));
  return FALSE;
}

/* Writes all of @data, across interruptions and short writes (also used by
 * weft-worker on its side of the protocol). */
gboolean
_weft_write_all (int          fd,
                 const void  *data,
                 gsize        len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Moves fd above HIGH_FD, close-on-exec; closes the original. */
static int
park_fd (int fd)
{
  int high = fcntl (fd, F_DUPFD_CLOEXEC, HIGH_FD);

  close (fd);
  return high;
}

/* ---- finding weft-worker ------------------------------------------------- */

static gboolean
is_executable (const char *path)
{
  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR) &&
         access (path, X_OK) == 0;
}

/**
 * weft_process_pool_find_worker:
 *
 * Where the `weft-worker` program is: $WEFT_WORKER_PATH, else next to the
 * running program (the same directory, ../libexec when installed,
 * ../worker and ../src/worker in the build tree), else in $PATH.
 *
 * Returns: (transfer full) (nullable): its path
 */
char *
weft_process_pool_find_worker (void)
{
  const char *env = g_getenv ("WEFT_WORKER_PATH");
  g_autofree char *exe = NULL;

  if (env != NULL && *env != '\0')
    return is_executable (env) ? g_strdup (env) : NULL;

  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (exe);
      const char *relative[] = { "weft-worker", "../libexec/weft-worker",
                                 "../worker/weft-worker", "../src/worker/weft-worker" };

      for (guint i = 0; i < G_N_ELEMENTS (relative); i++)
        {
          g_autofree char *path = g_build_filename (dir, relative[i], NULL);

          if (is_executable (path))
            return g_canonicalize_filename (path, NULL);
        }
    }

  return g_find_program_in_path ("weft-worker");
}

/* ---- starting processes ------------------------------------------------- */

/* Starts `argv` with fds[i] as fd 3 + i and nothing else open beyond stderr. */
static gboolean
spawn_with_fds (const char  *path,
                char       **argv,
                const int   *fds,
                guint        n_fds,
                GPid        *out_pid,
                GError     **error)
{
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t mask, defaults;
  pid_t pid;
  int rc;

  posix_spawn_file_actions_init (&actions);
  for (guint i = 0; i < n_fds; i++)
    {
      g_assert (fds[i] >= HIGH_FD);
      posix_spawn_file_actions_adddup2 (&actions, fds[i], 3 + (int) i);
    }
  posix_spawn_file_actions_addclosefrom_np (&actions, 3 + (int) n_fds);

  posix_spawnattr_init (&attr);
  sigemptyset (&mask);
  sigemptyset (&defaults);
  sigaddset (&defaults, SIGPIPE);
  sigaddset (&defaults, SIGTERM);
  sigaddset (&defaults, SIGINT);
  sigaddset (&defaults, SIGCHLD);
  posix_spawnattr_setsigmask (&attr, &mask);
  posix_spawnattr_setsigdefault (&attr, &defaults);
  /* A process group of its own: a terminal's Ctrl+C (SIGINT to the whole
   * foreground group) reaches the program, which stops its workers in
   * order, instead of killing them under it. */
  posix_spawnattr_setpgroup (&attr, 0);
  posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                   POSIX_SPAWN_SETPGROUP);

  rc = posix_spawn (&pid, path, &actions, &attr, argv, environ);

  posix_spawnattr_destroy (&attr);
  posix_spawn_file_actions_destroy (&actions);

  if (rc != 0)
    {
      g_set_error (error, WEFT_PROCESS_POOL_ERROR, WEFT_PROCESS_POOL_ERROR_FAILED,
                   "cannot start %s: %s", path, g_strerror (rc));
      return FALSE;
    }
  *out_pid = pid;
  return TRUE;
}

/* The profile as JSON in a sealed memfd, so that every child reads the same bytes. */
static int
profile_memfd (const WeftProfile  *profile,
               GError            **error)
{
  g_autofree char *json = weft_profile_to_json (profile);
  int fd = memfd_create ("weft-profile", MFD_CLOEXEC | MFD_ALLOW_SEALING);

  if (fd < 0 || !_weft_write_all (fd, json, strlen (json)))
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      set_errno_error (error, saved, "cannot pass the profile to the workers");
      return -1;
    }
  fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  return fd;
}

/* A worker's STARTING span opens now, recorded for its lane by the pool
 * (before a spawn) or the fork server (before a fork); the writer says BYE
 * and flushes at once, so the worker's own events (all later) are never
 * behind it in time. Nothing without an event pipe. */
void
_weft_record_starting (int     event_fd,
                       guint16 worker)
{
  g_autoptr(WeftWireWriter) writer = NULL;

  if (event_fd < 0)
    return;
  writer = weft_wire_writer_new (event_fd, worker);
  weft_wire_writer_record (writer, WEFT_EVENT_SPAWN_BEGIN, 0, 0, 0);
  weft_wire_writer_close (writer);
}

/* The worker died running a task: the task ends now, on its lane. The worker
 * flushed the task's TASK_BEGIN when it began (its later events may be lost
 * in its buffer); every event it did write is earlier than this. */
static void
record_task_lost (int            event_fd,
                  guint16        worker,
                  guint32        task_id,
                  WeftTaskStatus status)
{
  g_autoptr(WeftWireWriter) writer = NULL;

  if (event_fd < 0)
    return;
  writer = weft_wire_writer_new (event_fd, worker);
  weft_wire_writer_record (writer, WEFT_EVENT_TASK_END, task_id, status, 0);
  weft_wire_writer_close (writer);
}

static gboolean
send_fork_request (WeftProcessPool  *self,
                   guint16           worker,
                   int               task_r,
                   int               result_w,
                   GError          **error)
{
  _WeftForkMessage msg = { _WEFT_FORK_REQUEST, worker, 0, 0 };
  struct iovec iov = { &msg, sizeof msg };
  union {
    struct cmsghdr align;
    char           buf[CMSG_SPACE (2 * sizeof (int))];
  } control;
  struct msghdr mh = { 0 };
  struct cmsghdr *cm;
  int fds[2] = { task_r, result_w };

  memset (&control, 0, sizeof control);
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof control.buf;
  cm = CMSG_FIRSTHDR (&mh);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof fds);
  memcpy (CMSG_DATA (cm), fds, sizeof fds);

  if (sendmsg (self->control_fd, &mh, MSG_NOSIGNAL) != (ssize_t) sizeof msg)
    return set_errno_error (error, errno, "cannot ask the fork server for a worker");
  return TRUE;
}

static Worker *
worker_by_id (WeftProcessPool *self,
              guint            worker)
{
  for (guint i = 0; i < self->n_workers; i++)
    if (self->workers[i].worker == worker)
      return &self->workers[i];
  return NULL;
}

/* Under the mutex: @w's start is over, well or not */
static void
mark_launched (WeftProcessPool *self,
               Worker          *w)
{
  if (w->launched)
    return;
  w->launched = TRUE;
  self->n_launched++;
  g_cond_broadcast (&self->cond);
}

/* As multiprocessing.Pool, which starts every worker before its task
 * handler hands out the first task: a worker waits for the others' starts */
static void
wait_all_launched (WeftProcessPool *self)
{
  g_mutex_lock (&self->mutex);
  while (self->n_launched < self->n_to_launch && !self->cancelled && !self->server_gone)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

/* Reads the fork server's reports: which pid each worker got, and exits. */
static gpointer
server_reader_thread (gpointer data)
{
  WeftProcessPool *self = data;
  _WeftForkMessage msg;

  for (;;)
    {
      ssize_t n = recv (self->control_fd, &msg, sizeof msg, 0);
      Worker *w;

      if (n < 0 && errno == EINTR)
        continue;
      if (n != (ssize_t) sizeof msg)
        break;

      g_mutex_lock (&self->mutex);
      w = worker_by_id (self, msg.worker);
      if (msg.kind == _WEFT_FORK_READY)
        self->server_ready = TRUE;
      else if (w != NULL && msg.kind == _WEFT_FORK_FORKED)
        {
          w->pid = msg.pid;
          mark_launched (self, w);
        }
      else if (w != NULL && msg.kind == _WEFT_FORK_EXITED)
        {
          w->pid = msg.pid;
          w->wait_status = msg.status;
          w->exited = TRUE;
          mark_launched (self, w);
        }
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->mutex);
    }

  g_mutex_lock (&self->mutex);
  self->server_gone = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  return NULL;
}

/* ---- feeding a worker --------------------------------------------------- */

static gboolean
is_cancelled (WeftProcessPool *self,
              gint64          *out_cancel_at)
{
  gboolean cancelled;

  g_mutex_lock (&self->mutex);
  cancelled = self->cancelled;
  *out_cancel_at = self->cancel_at;
  g_mutex_unlock (&self->mutex);
  return cancelled;
}

/* After a cancel: SIGTERM at CANCEL_TERM_MS, SIGKILL at CANCEL_KILL_MS.
 * Returns the ms until the next step, or -1 if there is none. */
static int
escalate (Worker *w,
          gint64  cancel_at)
{
  WeftProcessPool *self = w->pool;
  gint64 elapsed_ms = (g_get_monotonic_time () - cancel_at) / 1000;
  int next = -1;

  g_mutex_lock (&self->mutex);
  if (w->pid > 0 && !w->exited)
    {
      if (elapsed_ms >= CANCEL_KILL_MS && !w->kill_sent)
        {
          kill (w->pid, SIGKILL);
          w->kill_sent = TRUE;
        }
      else if (elapsed_ms >= CANCEL_TERM_MS && !w->term_sent)
        {
          kill (w->pid, SIGTERM);
          w->term_sent = TRUE;
        }
      if (!w->kill_sent)
        next = (int) ((elapsed_ms < CANCEL_TERM_MS ? CANCEL_TERM_MS : CANCEL_KILL_MS) - elapsed_ms);
    }
  else if (w->pid == 0 && !w->exited)
    next = 10;  /* a forked worker whose pid has not arrived yet */
  g_mutex_unlock (&self->mutex);
  return MAX (next, next < 0 ? -1 : 1);
}

/* Whether the process is stopped by a signal (state T in /proc/PID/stat; not
 * t, a debugger's stop: a worker being debugged is left alone). */
static gboolean
process_stopped (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *close_paren;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  close_paren = strrchr (stat, ')');
  return close_paren != NULL && close_paren[1] == ' ' && close_paren[2] == 'T';
}

/* A worker that stays stopped for STALL_US is killed: the run goes on
 * without it, and the fault is reported. */
static void
check_stalled (Worker *w)
{
  WeftProcessPool *self = w->pool;
  gint64 now = g_get_monotonic_time ();
  GPid pid;

  g_mutex_lock (&self->mutex);
  pid = w->exited || w->stalled ? 0 : w->pid;
  g_mutex_unlock (&self->mutex);
  if (pid <= 0)
    return;

  if (!process_stopped (pid))
    w->stopped_since = 0;
  else if (w->stopped_since == 0)
    w->stopped_since = now;
  else if (now - w->stopped_since >= STALL_US)
    {
      g_mutex_lock (&self->mutex);
      w->stalled = TRUE;
      g_mutex_unlock (&self->mutex);
      kill (pid, SIGKILL);
    }
}

/* Waits until the result pipe is readable (or at EOF), watching for a
 * cancel and for a worker that has stalled. */
static void
wait_readable (Worker *w)
{
  WeftProcessPool *self = w->pool;

  for (;;)
    {
      struct pollfd fds[2] = { { w->result_fd, POLLIN, 0 }, { self->wake_fd, POLLIN, 0 } };
      gint64 cancel_at;
      int timeout = STALL_CHECK_MS, n;
      nfds_t nfds = 2;

      if (is_cancelled (self, &cancel_at))
        {
          timeout = escalate (w, cancel_at);
          nfds = 1;  /* the eventfd stays readable */
        }

      n = poll (fds, nfds, timeout);
      if (n < 0 && errno == EINTR)
        continue;
      if (n > 0 && fds[0].revents != 0)
        return;
      if (n == 0 && nfds == 2)
        check_stalled (w);
    }
}

/* Reads exactly len bytes; FALSE at EOF or on error (the worker is gone). */
static gboolean
read_result (Worker *w,
             void   *data,
             gsize   len)
{
  guint8 *p = data;

  while (len > 0)
    {
      ssize_t n;

      wait_readable (w);
      n = read (w->result_fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static gboolean
send_task (Worker            *w,
           const PendingTask *t)
{
  _WeftTaskMessage msg = { t->task_id, t->spec_index, t->payload_bytes };
  g_autofree guint8 *chunk = NULL;
  gsize left = t->payload_bytes;

  if (!_weft_write_all (w->task_fd, &msg, sizeof msg))
    return FALSE;
  if (left == 0)
    return TRUE;

  /* The payload is made and written for real: its cost is the point. */
  chunk = g_malloc (MIN (left, PAYLOAD_CHUNK));
  memset (chunk, (int) (t->task_id & 0xff), MIN (left, PAYLOAD_CHUNK));
  while (left > 0)
    {
      gsize n = MIN (left, PAYLOAD_CHUNK);

      if (!_weft_write_all (w->task_fd, chunk, n))
        return FALSE;
      left -= n;
    }
  return TRUE;
}

static gsize
pipe_bytes (const PendingTask *t)
{
  return TASK_MESSAGE_BYTES + t->payload_bytes;
}

/* The next task the handler has handed out, NULL once there is none */
static PendingTask *
next_task (WeftProcessPool *self)
{
  PendingTask *t = NULL;

  g_mutex_lock (&self->mutex);
  while (!self->cancelled && !self->handed_all && g_queue_is_empty (&self->ready))
    g_cond_wait (&self->cond, &self->mutex);
  if (!self->cancelled)
    t = g_queue_pop_head (&self->ready);
  if (t != NULL)
    {
      self->ready_bytes -= pipe_bytes (t);
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->mutex);
  return t;
}

/* Under the mutex: @t goes back to the feeders (its worker died before
 * taking it; another may) */
static void
hand_back (WeftProcessPool *self,
           PendingTask     *t)
{
  g_queue_push_head (&self->ready, t);
  self->ready_bytes += pipe_bytes (t);
  g_cond_broadcast (&self->cond);
}

/* ---- the pool's handler -------------------------------------------------- */

/* Under the mutex: whether the handler may hand out the next submitted task */
static gboolean
room_for_next (WeftProcessPool *self)
{
  const PendingTask *t = g_queue_peek_head (&self->queue);

  return t != NULL && self->n_feeding > 0 &&
         (g_queue_is_empty (&self->ready) || self->ready_bytes + pipe_bytes (t) <= HANDLER_AHEAD_BYTES);
}

/* The handler's next piece of work: a task to hand out (returned), or a
 * result to take (@out_result set to its task's id); NULL and 0 once there
 * is none left (cancelled, or every feeder done and every result taken) */
static PendingTask *
next_work (WeftProcessPool *self,
           guint32         *out_result)
{
  PendingTask *t = NULL;

  *out_result = 0;
  g_mutex_lock (&self->mutex);
  while (!self->cancelled)
    {
      /* a task first if a worker may be waiting for one; else its turn */
      if (room_for_next (self) && (g_queue_is_empty (&self->ready) || g_queue_is_empty (&self->results)))
        {
          t = g_queue_pop_head (&self->queue);
          break;
        }
      if (self->closed && g_queue_is_empty (&self->queue) && !self->handed_all)
        {
          self->handed_all = TRUE;   /* the feeders end once ready is empty */
          g_cond_broadcast (&self->cond);
        }
      if (!g_queue_is_empty (&self->results))
        {
          *out_result = GPOINTER_TO_UINT (g_queue_pop_head (&self->results));
          break;
        }
      if (self->n_feeding == 0)
        break;
      g_cond_wait (&self->cond, &self->mutex);
    }
  g_mutex_unlock (&self->mutex);
  return t;
}

static void
hand_out (WeftProcessPool *self,
          PendingTask     *t)
{
  g_mutex_lock (&self->mutex);
  if (self->cancelled)
    g_free (t);
  else
    {
      g_queue_push_tail (&self->ready, t);
      self->ready_bytes += pipe_bytes (t);
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->mutex);
}

/* A feeder got @task_id's result: the handler takes it. */
static void
result_arrived (WeftProcessPool *self,
                guint32          task_id)
{
  g_mutex_lock (&self->mutex);
  g_queue_push_tail (&self->results, GUINT_TO_POINTER (task_id));
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/* The parent's side of CPython's pool, whose threads (the task, result
 * and worker handlers, and the caller's apply_async and get) share one
 * GIL: one thread here. It pickles each task's payload (the dumps share of
 * pickling) as it hands it out, and spends the parent's dispatch CPU on
 * each result it takes. */
static gpointer
handler_thread (gpointer data)
{
  WeftProcessPool *self = data;
  g_autoptr(WeftCalibration) cost = weft_calibration_new_current ();
  g_autoptr(WeftWireWriter) writer = NULL;
  g_autoptr(WeftWorkerContext) ctx = NULL;
  /* a stage's processes are no Pool's: nothing to charge */
  gboolean charges = self->handler_lane >= 0;
  PendingTask *t;
  guint32 result;

  if (self->event_fd >= 0 && charges)
    {
      writer = weft_wire_writer_new (self->event_fd, (guint16) self->handler_lane);
      weft_wire_writer_record (writer, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_PROCESSES, getpid ());
      weft_wire_writer_name (writer, WEFT_OBJECT_SELF, "pool handler");
    }
  ctx = weft_worker_context_new ((guint16) MAX (self->handler_lane, 0), self->profile, self->arena,
                                 writer, NULL, FALSE);
  wait_all_launched (self);

  for (;;)
    {
      if (writer != NULL)
        weft_wire_writer_flush (writer);  /* perhaps idle until the next */
      t = next_work (self, &result);
      if (t == NULL && result == 0)
        break;
      if (t != NULL && t->payload_bytes > 0 && charges)
        weft_worker_context_charge (ctx, WEFT_STATE_PICKLING, t->task_id,
                                    weft_calibration_get_pickle_side_ns (cost, t->payload_bytes, FALSE),
                                    (gint64) t->payload_bytes);
      if (t != NULL)
        hand_out (self, t);
      else if (charges)
        weft_worker_context_charge (ctx, WEFT_STATE_DISPATCH, result, cost->dispatch_parent_us * 1e3, 0);
    }

  if (writer != NULL)
    weft_wire_writer_close (writer);
  return NULL;
}

/* Blocks until the worker has exited and its status is known. */
static void
wait_exit (Worker *w)
{
  WeftProcessPool *self = w->pool;
  guint8 sink[256];

  /* The worker holds the only write end of its result pipe: EOF is its exit. */
  for (;;)
    {
      ssize_t n;

      wait_readable (w);
      n = read (w->result_fd, sink, sizeof sink);
      if (n == 0 || (n < 0 && errno != EINTR))
        break;
    }

  if (self->method == WEFT_START_SPAWN)
    {
      int status = 0;

      while (waitpid (w->pid, &status, 0) < 0 && errno == EINTR)
        ;
      g_mutex_lock (&self->mutex);
      w->wait_status = status;
      w->exited = TRUE;
      g_mutex_unlock (&self->mutex);
    }
  else
    {
      gint64 deadline = g_get_monotonic_time () + EXIT_REPORT_CAP_US;

      g_mutex_lock (&self->mutex);
      while (!w->exited && !self->server_gone &&
             g_cond_wait_until (&self->cond, &self->mutex, deadline))
        ;
      g_mutex_unlock (&self->mutex);
    }
}

/* NULL for a clean exit; else what happened, for a person. */
static char *
describe_exit (Worker *w)
{
  int st = w->wait_status;

  if (w->stalled)
    return g_strdup_printf ("process %u (pid %d) stalled: it was stopped (SIGSTOP or SIGTSTP) "
                            "for %.0f s, and was killed", w->worker, (int) w->pid,
                            STALL_US / (double) G_USEC_PER_SEC);
  if (!w->exited)
    return g_strdup_printf ("process %u (pid %d) ended; its exit status is unknown",
                            w->worker, (int) w->pid);
  if (WIFSIGNALED (st))
    {
      const char *abbrev = sigabbrev_np (WTERMSIG (st));

      return g_strdup_printf ("process %u (pid %d) was killed by SIG%s", w->worker,
                              (int) w->pid, abbrev ? abbrev : "?");
    }
  if (WIFEXITED (st) && WEXITSTATUS (st) != 0)
    return g_strdup_printf ("process %u (pid %d) exited with status %d", w->worker,
                            (int) w->pid, WEXITSTATUS (st));
  return NULL;
}

/* Whether @w was ended by SIGINT or SIGTERM (a stall is killed by us) */
static gboolean
outside_stop (Worker *w)
{
  return w->exited && !w->stalled && WIFSIGNALED (w->wait_status) &&
         (WTERMSIG (w->wait_status) == SIGINT || WTERMSIG (w->wait_status) == SIGTERM);
}

static gboolean start_worker (WeftProcessPool *self, Worker *w, int event_fd,
                              const int *shared_fds, GError **error);

static void
add_crashed (WeftProcessPool *self,
             Worker          *w,
             char            *message)
{
  WeftCrashedWorker c = { w->worker, (gint) w->pid, message };

  g_mutex_lock (&self->mutex);
  g_array_append_val (self->crashed, c);
  g_mutex_unlock (&self->mutex);
}

/* Asks the fork server for this worker once the server is ready, so that
 * the worker's STARTING span is its own start-up, not the server's. */
static gboolean
fork_worker (Worker *w)
{
  WeftProcessPool *self = w->pool;
  g_autoptr(GError) error = NULL;
  gboolean ready;

  g_mutex_lock (&self->mutex);
  while (!self->server_ready && !self->server_gone && !self->cancelled)
    g_cond_wait (&self->cond, &self->mutex);
  ready = self->server_ready && !self->cancelled;
  g_mutex_unlock (&self->mutex);

  if (ready && start_worker (self, w, self->event_fd, NULL, &error))
    return TRUE;

  g_mutex_lock (&self->mutex);
  mark_launched (self, w);
  g_mutex_unlock (&self->mutex);

  if (!self->cancelled)
    add_crashed (self, w, g_strdup_printf ("process %u could not be started: %s", w->worker,
                                           error ? error->message : "the fork server ended"));
  return FALSE;
}

/* A feeder takes no more tasks: the handler stops once none is left. */
static void
stop_feeding (WeftProcessPool *self)
{
  g_mutex_lock (&self->mutex);
  self->n_feeding--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static gpointer
feeder_thread (gpointer data)
{
  Worker *w = data;
  WeftProcessPool *self = w->pool;
  PendingTask *t;
  PendingTask *lost = NULL;       /* the task the worker died running */
  g_autofree char *message = NULL;
  gboolean stopped_by_us;

  if (self->method == WEFT_START_FORK && !fork_worker (w))
    {
      stop_feeding (self);
      return NULL;
    }
  wait_all_launched (self);

  while ((t = next_task (self)) != NULL)
    {
      _WeftResultMessage res;
      g_autofree char *error = NULL;

      if (!send_task (w, t))
        {
          /* Died before taking it: another worker may. */
          g_mutex_lock (&self->mutex);
          hand_back (self, t);
          g_mutex_unlock (&self->mutex);
          break;
        }
      if (!read_result (w, &res, sizeof res))
        {
          lost = t;
          break;
        }
      if (res.error_len > 0)
        {
          error = g_malloc0 ((gsize) res.error_len + 1);
          if (!read_result (w, error, res.error_len))
            {
              lost = t;
              break;
            }
        }
      self->done (res.task_id, (WeftTaskStatus) res.status, error, res.work_ns, self->user_data);
      result_arrived (self, res.task_id);
      g_free (t);
    }

  stop_feeding (self);
  /* No more tasks: EOF on the task pipe lets the worker end. */
  close (w->task_fd);
  w->task_fd = -1;
  wait_exit (w);

  g_mutex_lock (&self->mutex);
  stopped_by_us = w->term_sent || w->kill_sent;
  g_mutex_unlock (&self->mutex);

  message = describe_exit (w);
  if (message == NULL && lost != NULL)
    message = g_strdup_printf ("process %u (pid %d) exited while running a task",
                               w->worker, (int) w->pid);
  /* SIGINT or SIGTERM from outside (a terminal's Ctrl+C or a kill of the
   * process group reaches the workers too): the run was stopped, the task
   * did not fail */
  if (!stopped_by_us && outside_stop (w))
    {
      g_mutex_lock (&self->mutex);
      if (self->stop_signal == 0)
        self->stop_signal = WTERMSIG (w->wait_status);
      g_mutex_unlock (&self->mutex);
      stopped_by_us = TRUE;
    }

  if (lost != NULL)
    {
      WeftTaskStatus status = stopped_by_us ? WEFT_TASK_CANCELLED : WEFT_TASK_FAILED;

      record_task_lost (self->event_fd, w->worker, lost->task_id, status);
      self->done (lost->task_id, status, message, 0, self->user_data);
      g_free (lost);
    }

  if (message != NULL && !stopped_by_us)
    add_crashed (self, w, g_steal_pointer (&message));
  return NULL;
}

/* ---- the pool ----------------------------------------------------------- */

static gboolean
start_worker (WeftProcessPool  *self,
              Worker           *w,
              int               event_fd,
              const int        *shared_fds,
              GError          **error)
{
  int task_pipe[2], result_pipe[2];
  int task_r, result_w;
  gboolean ok;

  if (pipe2 (task_pipe, O_CLOEXEC) != 0)
    return set_errno_error (error, errno, "cannot make a task pipe");
  if (pipe2 (result_pipe, O_CLOEXEC) != 0)
    {
      int saved = errno;

      close (task_pipe[0]);
      close (task_pipe[1]);
      return set_errno_error (error, saved, "cannot make a result pipe");
    }
  w->task_fd = task_pipe[1];
  w->result_fd = result_pipe[0];
  task_r = park_fd (task_pipe[0]);
  result_w = park_fd (result_pipe[1]);

  /* (a forked worker's start is recorded by the fork server, as it begins) */
  if (self->method == WEFT_START_SPAWN)
    {
      int fds[5] = { shared_fds[0], shared_fds[1], shared_fds[2], task_r, result_w };
      g_autofree char *id = g_strdup_printf ("%u", w->worker);
      char *argv[] = { self->worker_path, (char *) "--worker", id, NULL };

      _weft_record_starting (event_fd, w->worker);
      ok = spawn_with_fds (self->worker_path, argv, fds, G_N_ELEMENTS (fds), &w->pid, error);
    }
  else
    ok = send_fork_request (self, w->worker, task_r, result_w, error);

  /* The child has its own copies now. */
  close (task_r);
  close (result_w);
  if (!ok)
    {
      close (w->task_fd);
      close (w->result_fd);
      w->task_fd = w->result_fd = -1;
    }
  return ok;
}

static gboolean
start_fork_server (WeftProcessPool  *self,
                   const int        *shared_fds,
                   GError          **error)
{
  int pair[2];
  int fds[4];
  char *argv[] = { self->worker_path, (char *) "--fork-server", NULL };
  gboolean ok;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
    return set_errno_error (error, errno, "cannot make the fork server's socket");

  self->control_fd = pair[0];
  fds[0] = shared_fds[0];
  fds[1] = shared_fds[1];
  fds[2] = shared_fds[2];
  fds[3] = park_fd (pair[1]);
  ok = spawn_with_fds (self->worker_path, argv, fds, 4, &self->server_pid, error);
  close (fds[3]);
  if (!ok)
    {
      close (self->control_fd);
      self->control_fd = -1;
      return FALSE;
    }

  self->server_reader = g_thread_new ("weft-fork-server", server_reader_thread, self);
  return TRUE;
}

/**
 * weft_process_pool_start:
 * @profile: the run's profile (children get a copy as JSON)
 * @arena: the run's shared objects; must outlive the pool
 * @event_fd: the event pipe's write end, or -1 not to record; not owned, and
 *   kept open by the caller until weft_process_pool_wait() has returned
 * @first_worker: the worker id of the first process; the others follow
 * @handler_lane: the worker id of the pool handler's lane, or -1 for none
 *   (then the parent's side charges nothing: a stage's processes)
 * @done: (scope notified): called from a pool thread for each task taken
 *
 * Starts @n_workers processes. Each records its own STARTING span (from just
 * before it was started until it is ready), WORKER_INFO and NAME. The
 * pool's handler, a thread of this process, charges the parent's part of
 * each task's dispatch and pickling (the user's calibration, read now) on
 * its lane, "pool handler".
 *
 * Returns: (transfer full) (nullable): a pool, or %NULL with @error set
 */
WeftProcessPool *
weft_process_pool_start (const WeftProfile  *profile,
                         WeftArena          *arena,
                         int                 event_fd,
                         guint16             first_worker,
                         guint               n_workers,
                         WeftStartMethod     method,
                         gint                handler_lane,
                         WeftTaskDoneFunc    done,
                         gpointer            user_data,
                         GError            **error)
{
  WeftProcessPool *self;
  int shared_fds[3] = { -1, -1, -1 };
  int profile_fd;
  gboolean ok = TRUE;

  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (done != NULL, NULL);
  g_return_val_if_fail (n_workers > 0, NULL);

  self = g_new0 (WeftProcessPool, 1);
  self->arena = arena;
  self->method = method;
  self->done = done;
  self->user_data = user_data;
  self->control_fd = -1;
  self->wake_fd = -1;
  self->event_fd = event_fd;
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  g_queue_init (&self->queue);
  g_queue_init (&self->ready);
  g_queue_init (&self->results);
  self->profile = profile;
  self->handler_lane = handler_lane;
  self->crashed = g_array_new (FALSE, FALSE, sizeof (WeftCrashedWorker));
  g_array_set_clear_func (self->crashed, clear_crashed);
  self->workers = g_new0 (Worker, n_workers);
  for (guint i = 0; i < n_workers; i++)
    {
      self->workers[i].pool = self;
      self->workers[i].worker = (guint16) (first_worker + i);
      self->workers[i].task_fd = self->workers[i].result_fd = -1;
    }

  self->worker_path = weft_process_pool_find_worker ();
  if (self->worker_path == NULL)
    {
      g_set_error (error, WEFT_PROCESS_POOL_ERROR, WEFT_PROCESS_POOL_ERROR_NO_WORKER,
                   "cannot find the weft-worker program (set WEFT_WORKER_PATH)");
      weft_process_pool_free (self);
      return NULL;
    }

  self->wake_fd = eventfd (0, EFD_CLOEXEC);
  profile_fd = profile_memfd (profile, error);
  if (self->wake_fd < 0 || profile_fd < 0)
    {
      if (self->wake_fd < 0)
        set_errno_error (error, errno, "cannot make an eventfd");
      if (profile_fd >= 0)
        close (profile_fd);
      weft_process_pool_free (self);
      return NULL;
    }

  /* Without events the children get /dev/null: they write to nobody. */
  shared_fds[0] = event_fd >= 0 ? fcntl (event_fd, F_DUPFD_CLOEXEC, HIGH_FD)
                                : park_fd (open ("/dev/null", O_WRONLY | O_CLOEXEC));
  shared_fds[1] = fcntl (weft_arena_get_fd (arena), F_DUPFD_CLOEXEC, HIGH_FD);
  shared_fds[2] = park_fd (profile_fd);

  if (method == WEFT_START_FORK)
    ok = start_fork_server (self, shared_fds, error);

  self->n_to_launch = n_workers;
  for (guint i = 0; ok && i < n_workers; i++)
    {
      Worker *w = &self->workers[i];

      /* A forked worker is asked for by its feeder, once the server is ready. */
      if (method == WEFT_START_SPAWN)
        {
          ok = start_worker (self, w, event_fd, shared_fds, error);
          g_mutex_lock (&self->mutex);
          mark_launched (self, w);
          g_mutex_unlock (&self->mutex);
        }
      if (ok)
        {
          self->n_workers++;
          g_mutex_lock (&self->mutex);
          self->n_feeding++;
          g_mutex_unlock (&self->mutex);
          w->thread = g_thread_new ("weft-feeder", feeder_thread, w);
        }
    }
  if (ok)
    self->handler = g_thread_new ("weft-task-handler", handler_thread, self);

  for (guint i = 0; i < G_N_ELEMENTS (shared_fds); i++)
    if (shared_fds[i] >= 0)
      close (shared_fds[i]);

  if (!ok)
    {
      weft_process_pool_free (self);
      return NULL;
    }
  return self;
}

/**
 * weft_process_pool_submit:
 * @payload_bytes: bytes written to the worker with the task
 *
 * Queues a task; the next idle worker takes it. Never blocks.
 *
 * Returns: %FALSE with @error set after close or cancel
 */
gboolean
weft_process_pool_submit (WeftProcessPool  *self,
                          guint32           task_id,
                          guint             spec_index,
                          gsize             payload_bytes,
                          GError          **error)
{
  PendingTask *t;

  g_return_val_if_fail (self != NULL, FALSE);

  g_mutex_lock (&self->mutex);
  if (self->closed || self->cancelled)
    {
      g_mutex_unlock (&self->mutex);
      g_set_error (error, WEFT_PROCESS_POOL_ERROR, WEFT_PROCESS_POOL_ERROR_CLOSED,
                   "the process pool takes no more tasks");
      return FALSE;
    }
  t = g_new (PendingTask, 1);
  t->task_id = task_id;
  t->spec_index = spec_index;
  t->payload_bytes = payload_bytes;
  g_queue_push_tail (&self->queue, t);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

/**
 * weft_process_pool_close:
 *
 * No more tasks: each worker ends once the queue is empty.
 */
void
weft_process_pool_close (WeftProcessPool *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  self->closed = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/**
 * weft_process_pool_cancel:
 *
 * Cancels the arena (running steps give up within %WEFT_ARENA_POLL_NS),
 * drops the queued tasks and ends every worker: those still alive get
 * SIGTERM after 300 ms and SIGKILL after 500 ms. Never blocks.
 */
void
weft_process_pool_cancel (WeftProcessPool *self)
{
  g_return_if_fail (self != NULL);

  weft_arena_cancel (self->arena);

  g_mutex_lock (&self->mutex);
  if (!self->cancelled)
    {
      self->cancelled = TRUE;
      self->cancel_at = g_get_monotonic_time ();
      g_queue_clear_full (&self->queue, g_free);
      g_queue_clear_full (&self->ready, g_free);
      self->ready_bytes = 0;
      g_cond_broadcast (&self->cond);
      eventfd_write (self->wake_fd, 1);
    }
  g_mutex_unlock (&self->mutex);
}

/**
 * weft_process_pool_wait:
 *
 * Blocks until every worker (and the fork server) has ended and been
 * reaped. Call after weft_process_pool_close() or _cancel(), from a thread
 * that may block: never a UI thread.
 */
void
weft_process_pool_wait (WeftProcessPool *self)
{
  g_return_if_fail (self != NULL);

  if (self->waited)
    return;
  self->waited = TRUE;

  g_clear_pointer (&self->handler, g_thread_join);
  for (guint i = 0; i < self->n_workers; i++)
    {
      Worker *w = &self->workers[i];

      g_clear_pointer (&w->thread, g_thread_join);
      if (w->result_fd >= 0)
        close (w->result_fd);
      w->result_fd = -1;
    }

  if (self->server_pid > 0)
    {
      int status;

      /* EOF tells the server to end; it exits once its children are reaped. */
      shutdown (self->control_fd, SHUT_WR);
      g_clear_pointer (&self->server_reader, g_thread_join);
      while (waitpid (self->server_pid, &status, 0) < 0 && errno == EINTR)
        ;
      self->server_pid = 0;
    }
  if (self->control_fd >= 0)
    close (self->control_fd);
  self->control_fd = -1;
}

/**
 * weft_process_pool_get_stop_signal:
 *
 * Returns: the first SIGINT or SIGTERM that a worker got from outside the
 *   pool (not a cancel) and ended of, 0 if none; complete after
 *   weft_process_pool_wait(). Such a worker's task is cancelled, and it is
 *   not among the crashed.
 */
int
weft_process_pool_get_stop_signal (WeftProcessPool *self)
{
  int signum;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  signum = self->stop_signal;
  g_mutex_unlock (&self->mutex);
  return signum;
}

/**
 * weft_process_pool_get_crashed:
 *
 * Returns: (transfer full) (element-type WeftCrashedWorker): the workers
 *   that died abnormally (not those stopped by a cancel), complete after
 *   weft_process_pool_wait()
 */
GArray *
weft_process_pool_get_crashed (WeftProcessPool *self)
{
  GArray *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_array_new (FALSE, FALSE, sizeof (WeftCrashedWorker));
  g_array_set_clear_func (copy, clear_crashed);
  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->crashed->len; i++)
    {
      WeftCrashedWorker c = g_array_index (self->crashed, WeftCrashedWorker, i);

      c.message = g_strdup (c.message);
      g_array_append_val (copy, c);
    }
  g_mutex_unlock (&self->mutex);
  return copy;
}

/**
 * weft_process_pool_get_pids:
 *
 * Returns: (transfer full) (element-type gint): each worker's pid, in
 *   worker order; 0 for a forked worker not yet reported
 */
GArray *
weft_process_pool_get_pids (WeftProcessPool *self)
{
  GArray *pids;

  g_return_val_if_fail (self != NULL, NULL);

  pids = g_array_new (FALSE, TRUE, sizeof (gint));
  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->n_workers; i++)
    {
      gint pid = self->workers[i].pid;

      g_array_append_val (pids, pid);
    }
  g_mutex_unlock (&self->mutex);
  return pids;
}

/**
 * weft_process_pool_free:
 *
 * Frees the pool; one still running is cancelled and waited for first.
 */
void
weft_process_pool_free (WeftProcessPool *self)
{
  if (self == NULL)
    return;

  if (!self->waited && (self->n_workers > 0 || self->server_pid > 0))
    {
      weft_process_pool_cancel (self);
      weft_process_pool_wait (self);
    }
  if (self->control_fd >= 0)
    close (self->control_fd);
  if (self->server_pid > 0)
    {
      kill (self->server_pid, SIGKILL);
      waitpid (self->server_pid, NULL, 0);
    }
  g_clear_pointer (&self->server_reader, g_thread_join);
  if (self->wake_fd >= 0)
    close (self->wake_fd);
  g_queue_clear_full (&self->queue, g_free);
  g_queue_clear_full (&self->ready, g_free);
  g_queue_clear (&self->results);
  g_clear_pointer (&self->crashed, g_array_unref);
  g_free (self->workers);
  g_free (self->worker_path);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}
