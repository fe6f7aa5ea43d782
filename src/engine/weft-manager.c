/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>

#include "weft-manager.h"
#include "weft-process-pool.h"

#define MAX_CLIENTS 1024

struct _WeftManager
{
  GPid pid;
  int  control_fd;   /* closing it tells the manager to end */
};

G_DEFINE_QUARK (weft-manager-error-quark, weft_manager_error)

static socklen_t
abstract_address (const char         *name,
                  struct sockaddr_un *addr)
{
  memset (addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  /* the abstract namespace: a leading NUL, no file to clean up */
  strncpy (addr->sun_path + 1, name, sizeof addr->sun_path - 2);
  return (socklen_t) (offsetof (struct sockaddr_un, sun_path) + 1 + strlen (name));
}

/* In the child before exec: a process group of its own, as the workers have,
 * so that a terminal's Ctrl+C goes to the program that stops the run. */
static void
own_process_group (gpointer data)
{
  setpgid (0, 0);
}

/**
 * weft_manager_start:
 * @event_fd: the event pipe's write end, for the manager's own lane
 * @worker: the manager's worker id (its lane)
 *
 * Starts the manager process and publishes its address in @arena, so that
 * every worker can reach it.
 *
 * Returns: (transfer full) (nullable): the manager, or %NULL with @error set
 */
WeftManager *
weft_manager_start (WeftArena  *arena,
                    int         event_fd,
                    guint16     worker,
                    GError    **error)
{
  static gint serial;
  g_autofree char *name = g_strdup_printf ("weft-manager-%d-%d", getpid (),
                                           g_atomic_int_add (&serial, 1));
  g_autofree char *path = weft_process_pool_find_worker ();
  g_autofree char *worker_s = g_strdup_printf ("%u", worker);
  struct sockaddr_un addr;
  socklen_t len = abstract_address (name, &addr);
  WeftManager *self;
  int listen_fd, control[2];
  int source_fds[4], target_fds[4] = { 3, 4, 5, 6 };
  char *argv[] = { NULL, (char *) "--manager", worker_s, NULL };

  if (path == NULL)
    {
      g_set_error (error, WEFT_MANAGER_ERROR, 0, "cannot find the weft-worker program");
      return NULL;
    }

  listen_fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (listen_fd < 0 || bind (listen_fd, (struct sockaddr *) &addr, len) != 0 ||
      listen (listen_fd, 128) != 0)
    {
      int saved = errno;

      if (listen_fd >= 0)
        close (listen_fd);
      g_set_error (error, WEFT_MANAGER_ERROR, 0, "cannot open the manager's socket: %s",
                   g_strerror (saved));
      return NULL;
    }
  if (pipe2 (control, O_CLOEXEC) != 0)
    {
      int saved = errno;

      close (listen_fd);
      g_set_error (error, WEFT_MANAGER_ERROR, 0, "cannot start the manager: %s", g_strerror (saved));
      return NULL;
    }

  self = g_new0 (WeftManager, 1);
  argv[0] = path;
  source_fds[0] = event_fd;
  source_fds[1] = weft_arena_get_fd (arena);
  source_fds[2] = listen_fd;
  source_fds[3] = control[0];

  if (!g_spawn_async_with_pipes_and_fds (NULL, (const char * const *) argv, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD, own_process_group, NULL,
                                         -1, -1, -1, source_fds, target_fds, 4,
                                         &self->pid, NULL, NULL, NULL, error))
    {
      close (listen_fd);
      close (control[0]);
      close (control[1]);
      g_free (self);
      return NULL;
    }

  /* The listening socket is ready before any worker asks for it. */
  close (listen_fd);
  close (control[0]);
  self->control_fd = control[1];
  weft_arena_set_manager_address (arena, name);
  return self;
}

/**
 * weft_manager_stop:
 *
 * Tells the manager to end, waits for it and frees @self. Call it after every
 * worker has ended.
 */
void
weft_manager_stop (WeftManager *self)
{
  int status;

  if (self == NULL)
    return;

  close (self->control_fd);
  while (waitpid (self->pid, &status, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (self->pid);
  g_free (self);
}

/**
 * weft_manager_serve:
 * @listen_fd: the listening socket
 * @control_fd: readable at EOF when the run is over
 * @writer: (nullable): the manager's lane
 *
 * The manager process's loop: one request at a time, in arrival order, so
 * that each operation is atomic without a lock.
 *
 * Returns: an exit status
 */
int
weft_manager_serve (int             listen_fd,
                    int             control_fd,
                    WeftArena      *arena,
                    WeftWireWriter *writer)
{
  struct pollfd fds[MAX_CLIENTS + 2];
  guint n_clients = 0;

  fds[0] = (struct pollfd) { .fd = control_fd, .events = POLLIN };
  fds[1] = (struct pollfd) { .fd = listen_fd, .events = POLLIN };

  for (;;)
    {
      if (writer != NULL)
        weft_wire_writer_flush (writer);

      if (poll (fds, n_clients + 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return 1;
        }

      if (fds[0].revents != 0)
        break;

      if ((fds[1].revents & POLLIN) && n_clients < MAX_CLIENTS)
        {
          int c = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC);

          if (c >= 0)
            fds[2 + n_clients++] = (struct pollfd) { .fd = c, .events = POLLIN };
        }

      for (guint i = 0; i < n_clients; i++)
        {
          struct pollfd *p = &fds[2 + i];
          WeftManagerRequest req;
          WeftManagerReply reply = { 0 };
          ssize_t n;

          if (p->revents == 0)
            continue;

          n = recv (p->fd, &req, sizeof req, 0);
          if (n != (ssize_t) sizeof req)
            {
              /* the client closed (or spoke nonsense): drop it */
              close (p->fd);
              fds[2 + i] = fds[2 + --n_clients];
              i--;
              continue;
            }

          if (writer != NULL)
            weft_wire_writer_record (writer, WEFT_EVENT_IO_BEGIN,
                                     req.object + WEFT_ARENA_OBJECT_BASE, sizeof req, 0);
          if (req.object < weft_arena_get_n_objects (arena))
            {
              gint64 *slot = weft_arena_counter_slot (arena, req.object);

              if (req.op == WEFT_MANAGER_OP_ADD)
                *slot += req.n;
              else if (req.op == WEFT_MANAGER_OP_SET)
                *slot = req.n;
              reply.value = *slot;
            }
          send (p->fd, &reply, sizeof reply, MSG_NOSIGNAL);
          if (writer != NULL)
            weft_wire_writer_record (writer, WEFT_EVENT_IO_END,
                                     req.object + WEFT_ARENA_OBJECT_BASE, sizeof reply, 0);
        }
    }

  for (guint i = 0; i < n_clients; i++)
    close (fds[2 + i].fd);
  return 0;
}

/**
 * weft_manager_connect:
 *
 * Returns: a connection to the run's manager, or -1 with @error set
 */
int
weft_manager_connect (WeftArena  *arena,
                      GError    **error)
{
  const char *name = weft_arena_get_manager_address (arena);
  struct sockaddr_un addr;
  socklen_t len;
  int fd;

  if (name[0] == '\0')
    {
      g_set_error (error, WEFT_MANAGER_ERROR, 0, "this run has no manager");
      return -1;
    }

  len = abstract_address (name, &addr);
  fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, len) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, WEFT_MANAGER_ERROR, 0, "cannot reach the manager: %s", g_strerror (saved));
      return -1;
    }
  return fd;
}

/**
 * weft_manager_call:
 * @op: WEFT_MANAGER_OP_ADD, _GET or _SET
 * @out_value: (out): the counter after the operation
 *
 * One operation on a counter the manager serves: one round trip.
 *
 * Returns: %FALSE if the manager could not be reached
 */
gboolean
weft_manager_call (int      fd,
                   guint32  op,
                   guint    object,
                   gint64   n,
                   gint64  *out_value)
{
  WeftManagerRequest req = { op, object, n };
  WeftManagerReply reply;

  if (send (fd, &req, sizeof req, MSG_NOSIGNAL) != (ssize_t) sizeof req)
    return FALSE;
  if (recv (fd, &reply, sizeof reply, 0) != (ssize_t) sizeof reply)
    return FALSE;
  *out_value = reply.value;
  return TRUE;
}
