/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * weft-worker: one worker of the process executor, or the fork server that
 * makes them. Started by WeftProcessPool, never by hand; the fds it works
 * with are inherited at fixed numbers (see weft-process-pool.h and
 * docs/processes.md).
 *
 *   weft-worker --worker N      run tasks from fd 6, answer on fd 7
 *   weft-worker --fork-server   fork a worker per request on the socket at fd 6
 *   weft-worker --manager N     serve manager-backed counters on the socket at fd 5
 */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "weft-arena.h"
#include "weft-calibration.h"
#include "weft-manager.h"
#include "weft-process-pool.h"
#include "weft-profile.h"
#include "weft-wire-writer.h"
#include "weft-worker-context.h"

#define EXIT_SETUP 2      /* could not map the arena or read the profile */
#define EXIT_PROTOCOL 3   /* the pool sent something that is not a task */

static gboolean
read_all (int    fd,
          void  *data,
          gsize  len,
          gsize *out_read)
{
  guint8 *p = data;
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = read (fd, p + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (gsize) n;
    }
  *out_read = done;
  return done == len;
}

static WeftProfile *
load_profile (int      fd,
              GError **error)
{
  struct stat st;
  g_autofree char *json = NULL;
  gsize got;

  if (fstat (fd, &st) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "cannot read the profile: %s", g_strerror (errno));
      return NULL;
    }
  json = g_malloc ((gsize) st.st_size + 1);
  if (pread (fd, json, (gsize) st.st_size, 0) != st.st_size)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot read the profile");
      return NULL;
    }
  got = (gsize) st.st_size;
  json[got] = '\0';
  return weft_profile_new_from_data (json, (gssize) got, "profile", error);
}

/* Maps the arena and reads the profile: what a spawned worker does at start
 * and the fork server does once for all its children. The CPU calibration
 * is part of it: a fresh process must measure the machine again. */
static gboolean
prepare (WeftArena   **out_arena,
         WeftProfile **out_profile)
{
  g_autoptr(GError) error = NULL;

  *out_arena = weft_arena_map (_WEFT_FD_ARENA, &error);
  if (*out_arena != NULL)
    *out_profile = load_profile (_WEFT_FD_PROFILE, &error);
  if (*out_arena == NULL || *out_profile == NULL)
    {
      g_printerr ("weft-worker: %s\n", error->message);
      return FALSE;
    }
  weft_cpu_iterations_per_ms ();
  return TRUE;
}

static gboolean
payload_intact (const guint8 *payload,
                gsize         len,
                guint32       task_id)
{
  guint8 expected = (guint8) (task_id & 0xff);

  for (gsize i = 0; i < len; i++)
    if (payload[i] != expected)
      return FALSE;
  return TRUE;
}

/*
 * The worker proper. The pool recorded SPAWN_BEGIN on our lane just before
 * starting us; SPAWN_END closes the STARTING span once we can take tasks.
 */
static int
worker_main (guint16       worker,
             WeftArena    *arena,
             WeftProfile  *profile,
             int           task_fd,
             int           result_fd)
{
  g_autoptr(WeftWireWriter) writer = weft_wire_writer_new (_WEFT_FD_EVENTS, worker);
  g_autoptr(WeftWorkerContext) ctx = NULL;
  g_autoptr(WeftArena) own_arena = NULL;
  g_autoptr(WeftProfile) own_profile = NULL;
  g_autofree char *name = g_strdup_printf ("process %u", worker);
  g_autofree guint8 *payload = NULL;
  gsize payload_size = 0;
  const WeftCalibration *cost = weft_calibration_get ();
  gboolean spawned = arena == NULL;
  int rc = 0;

  weft_wire_writer_record (writer, WEFT_EVENT_WORKER_INFO, 0,
                           WEFT_EXECUTOR_PROCESSES, getpid ());
  weft_wire_writer_name (writer, WEFT_OBJECT_SELF, name);

  if (arena == NULL)
    {
      if (!prepare (&own_arena, &own_profile))
        return EXIT_SETUP;
      arena = own_arena;
      profile = own_profile;
    }
  ctx = weft_worker_context_new (worker, profile, arena, writer, NULL, FALSE);
  /* A process can be killed mid-task: its running task must be on its lane. */
  weft_worker_context_set_flush_task_begin (ctx, TRUE);
  /* A message through a multiprocessing queue is pickled, framed, written,
   * read and unpickled: half of its one-way cost on each side. */
  weft_worker_context_set_message_cost (ctx, cost->pipe_message_us * 1e3 / 2,
                                        cost->pickle_ms_per_mb /* ms per MB = ns per byte */);
  /* A spawned CPython worker starts an interpreter and imports the main
   * module before it can take a task; a forked one inherits all that. */
  if (spawned)
    weft_worker_context_charge (ctx, WEFT_STATE_INTERPRETER_START, 0, cost->spawn_start_ms * 1e6, 0);
  weft_wire_writer_record (writer, WEFT_EVENT_SPAWN_END, 0, 0, 0);

  for (;;)
    {
      _WeftTaskMessage msg;
      _WeftResultMessage res = { 0 };
      g_autofree char *error = NULL;
      gsize got;

      /* Idle until the next task: let the live view see what we did. */
      weft_wire_writer_flush (writer);
      if (!read_all (task_fd, &msg, sizeof msg, &got))
        {
          rc = got == 0 ? 0 : EXIT_PROTOCOL;
          break;
        }

      /* The payload really crosses the process boundary: time it. */
      weft_wire_writer_record (writer, WEFT_EVENT_IO_BEGIN, msg.task_id,
                               (gint64) msg.payload_bytes, 0);
      if (msg.payload_bytes > payload_size)
        {
          g_free (payload);
          payload_size = msg.payload_bytes;
          payload = g_malloc (payload_size);
        }
      if (!read_all (task_fd, payload, msg.payload_bytes, &got))
        {
          rc = EXIT_PROTOCOL;
          break;
        }
      weft_wire_writer_record (writer, WEFT_EVENT_IO_END, msg.task_id,
                               (gint64) msg.payload_bytes, 0);

      /* What CPython's pool adds in the worker: taking the task (and sending
       * its result), unpickling its payload; the parent's part is the pool
       * handler's */
      weft_worker_context_charge (ctx, WEFT_STATE_DISPATCH, msg.task_id, cost->dispatch_us * 1e3, 0);
      if (msg.payload_bytes > 0)
        weft_worker_context_charge (ctx, WEFT_STATE_PICKLING, msg.task_id,
                                    weft_calibration_get_pickle_side_ns (cost, msg.payload_bytes, TRUE),
                                    (gint64) msg.payload_bytes);

      res.task_id = msg.task_id;
      if (weft_profile_get_steps (profile, msg.spec_index) == NULL)
        {
          res.status = WEFT_TASK_FAILED;
          error = g_strdup_printf ("no task spec %u", msg.spec_index);
        }
      else if (!payload_intact (payload, msg.payload_bytes, msg.task_id))
        {
          res.status = WEFT_TASK_FAILED;
          error = g_strdup ("the payload arrived damaged");
        }
      else
        {
          res.status = weft_worker_context_run_task (ctx, msg.task_id, msg.spec_index,
                                                     weft_profile_get_steps (profile, msg.spec_index),
                                                     &error, &res.work_ns);
        }

      res.error_len = error ? (guint32) strlen (error) : 0;
      weft_wire_writer_flush (writer);
      if (!_weft_write_all (result_fd, &res, sizeof res) ||
          !_weft_write_all (result_fd, error, res.error_len))
        break;  /* the pool is gone */
    }

  g_clear_pointer (&ctx, weft_worker_context_free);
  weft_wire_writer_close (writer);
  return rc;
}

/* ---- the fork server ---------------------------------------------------- */

static void
report (int      control_fd,
        guint32  kind,
        guint32  worker,
        pid_t    pid,
        int      status)
{
  _WeftForkMessage msg = { kind, worker, pid, status };

  /* The pool may have stopped listening; nothing to do about it then. */
  if (send (control_fd, &msg, sizeof msg, MSG_NOSIGNAL) < 0)
    return;
}

/* Receives one request and its two fds; 0 at EOF, -1 on a bad message. */
static int
receive_request (int               control_fd,
                 _WeftForkMessage *msg,
                 int              *fds)
{
  struct iovec iov = { msg, sizeof *msg };
  union {
    struct cmsghdr align;
    char           buf[CMSG_SPACE (2 * sizeof (int))];
  } control;
  struct msghdr mh = { 0 };
  struct cmsghdr *cm;
  ssize_t n;

  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof control.buf;

  do
    n = recvmsg (control_fd, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n == 0)
    return 0;

  cm = CMSG_FIRSTHDR (&mh);
  if (n != (ssize_t) sizeof *msg || msg->kind != _WEFT_FORK_REQUEST || cm == NULL ||
      cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN (2 * sizeof (int)))
    return -1;
  memcpy (fds, CMSG_DATA (cm), 2 * sizeof (int));
  return 1;
}

/*
 * Single-threaded by design: fork() is only safe in a process with one
 * thread. The arena is mapped, the profile parsed and the CPU calibrated
 * once, here; every child inherits them, so its start-up is a fork and
 * nothing more. Children are ours to reap: their exits go back to the pool.
 */
static int
fork_server (void)
{
  const int control_fd = _WEFT_FD_TASKS;
  g_autoptr(WeftArena) arena = NULL;
  g_autoptr(WeftProfile) profile = NULL;
  g_autoptr(GHashTable) children = g_hash_table_new (NULL, NULL);  /* pid → worker */
  sigset_t chld, old;
  gboolean eof = FALSE;
  int sfd;

  if (!prepare (&arena, &profile))
    return EXIT_SETUP;

  sigemptyset (&chld);
  sigaddset (&chld, SIGCHLD);
  sigprocmask (SIG_BLOCK, &chld, &old);
  sfd = signalfd (-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0)
    {
      g_printerr ("weft-worker: signalfd: %s\n", g_strerror (errno));
      return EXIT_SETUP;
    }
  report (control_fd, _WEFT_FORK_READY, 0, getpid (), 0);

  while (!eof || g_hash_table_size (children) > 0)
    {
      struct pollfd fds[2] = { { sfd, POLLIN, 0 }, { control_fd, POLLIN, 0 } };
      struct signalfd_siginfo info;
      int status;
      pid_t pid;

      if (poll (fds, eof ? 1 : 2, -1) < 0)
        continue;

      while (read (sfd, &info, sizeof info) > 0)
        ;
      while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
        {
          gpointer worker;

          if (g_hash_table_steal_extended (children, GINT_TO_POINTER (pid), NULL, &worker))
            report (control_fd, _WEFT_FORK_EXITED, GPOINTER_TO_UINT (worker), pid, status);
        }

      if (!eof && fds[1].revents != 0)
        {
          _WeftForkMessage msg;
          int passed[2];
          int got = receive_request (control_fd, &msg, passed);

          if (got <= 0)
            {
              eof = TRUE;
              continue;
            }

          /* CPython's Process.start() forks one worker after another, each
           * fork of an interpreter's process costing its parent the
           * calibrated time; this server's own forks are cheap. The worker's
           * start begins with its own fork, not with the queue before it. */
          _weft_record_starting (_WEFT_FD_EVENTS, (guint16) msg.worker);
          weft_cpu_spin_ns (weft_calibration_get ()->fork_start_ms * 1e6);
          pid = fork ();
          if (pid == 0)
            {
              int rc;

              close (control_fd);
              close (sfd);
              prctl (PR_SET_PDEATHSIG, SIGKILL);
              signal (SIGCHLD, SIG_DFL);
              sigprocmask (SIG_SETMASK, &old, NULL);
              rc = worker_main ((guint16) msg.worker, arena, profile, passed[0], passed[1]);
              _exit (rc);
            }
          close (passed[0]);
          close (passed[1]);
          if (pid < 0)
            {
              /* The pool sees EOF on the worker's result pipe and this status. */
              report (control_fd, _WEFT_FORK_EXITED, msg.worker, 0, 127 << 8);
              continue;
            }
          g_hash_table_insert (children, GINT_TO_POINTER (pid), GUINT_TO_POINTER (msg.worker));
          report (control_fd, _WEFT_FORK_FORKED, msg.worker, pid, 0);
        }
    }

  close (sfd);
  return 0;
}

/* weft-worker --manager N: serve the run's manager-backed counters on the
 * socket at fd 5 until fd 6 reaches its end (fd 3: events, fd 4: arena). */
static int
manager_main (const char *worker_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftArena) arena = NULL;
  g_autoptr(WeftWireWriter) writer = NULL;
  guint64 worker;
  int rc;

  if (!g_ascii_string_to_unsigned (worker_s, 10, 0, WEFT_ARENA_MAX_WORKERS - 1, &worker, NULL))
    {
      g_printerr ("weft-worker: bad worker id %s\n", worker_s);
      return EXIT_PROTOCOL;
    }

  arena = weft_arena_map (4, &error);
  if (arena == NULL)
    {
      g_printerr ("weft-worker --manager: %s\n", error->message);
      return EXIT_PROTOCOL;
    }

  writer = weft_wire_writer_new (3, (guint16) worker);
  weft_wire_writer_record (writer, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_PROCESSES, getpid ());
  weft_wire_writer_name (writer, WEFT_OBJECT_SELF, "manager");

  /* half of a proxy call's cost is the manager's, half the client's */
  rc = weft_manager_serve (5, 6, arena, writer, weft_calibration_get_manager_side_ns (weft_calibration_get ()));
  weft_wire_writer_close (writer);
  return rc;
}

int
main (int   argc,
      char *argv[])
{
  /* A writer whose reader has gone gets EPIPE and counts the drops. */
  signal (SIGPIPE, SIG_IGN);
  /* In a process group of its own (out of reach of a terminal's Ctrl+C), a
   * worker must not outlive the program that started it. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);

  if (argc == 2 && strcmp (argv[1], "--fork-server") == 0)
    return fork_server ();

  if (argc == 3 && strcmp (argv[1], "--manager") == 0)
    return manager_main (argv[2]);

  if (argc == 3 && strcmp (argv[1], "--worker") == 0)
    {
      guint64 worker;

      if (!g_ascii_string_to_unsigned (argv[2], 10, 0, WEFT_ARENA_MAX_WORKERS - 1,
                                       &worker, NULL))
        {
          g_printerr ("weft-worker: bad worker id %s\n", argv[2]);
          return EXIT_PROTOCOL;
        }
      return worker_main ((guint16) worker, NULL, NULL, _WEFT_FD_TASKS, _WEFT_FD_RESULTS);
    }

  g_printerr ("weft-worker is started by Weft's process executor, not by hand.\n"
              "usage: weft-worker --worker N | --fork-server | --manager N\n");
  return EXIT_PROTOCOL;
}
