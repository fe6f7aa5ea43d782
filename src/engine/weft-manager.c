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
#include "weft-worker-context.h"

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

/* The manager process: as CPython's, a thread per client that shares one
 * interpreter lock with the others */
typedef struct
{
  GMutex          gil;
  WeftArena      *arena;
  WeftWireWriter *writer;       /* (nullable): the manager's lane, written under @gil */
  double          request_ns;
} Server;

typedef struct
{
  Server  *server;
  int      fd;
  GThread *thread;
} Client;

/* One request, under the server's lock: its I/O span on the manager's lane,
 * the operation, and its own cost nested in the span */
static void
handle (Server                   *s,
        const WeftManagerRequest *req,
        WeftManagerReply         *reply)
{
  guint32 id = req->object + WEFT_ARENA_OBJECT_BASE;

  if (s->writer != NULL)
    weft_wire_writer_record (s->writer, WEFT_EVENT_IO_BEGIN, id, sizeof *req, 0);
  if (req->object < weft_arena_get_n_objects (s->arena))
    {
      gint64 *slot = weft_arena_counter_slot (s->arena, req->object);

      if (req->op == WEFT_MANAGER_OP_ADD)
        *slot += req->n;
      else if (req->op == WEFT_MANAGER_OP_SET)
        *slot = req->n;
      reply->value = *slot;
    }
  if (s->request_ns > 0)
    {
      if (s->writer != NULL)
        weft_wire_writer_record (s->writer, WEFT_EVENT_COST_BEGIN, id, WEFT_STATE_PICKLING, 0);
      weft_cpu_spin_ns (s->request_ns);
      if (s->writer != NULL)
        weft_wire_writer_record (s->writer, WEFT_EVENT_COST_END, id, WEFT_STATE_PICKLING, 0);
    }
  if (s->writer != NULL)
    weft_wire_writer_record (s->writer, WEFT_EVENT_IO_END, id, sizeof *reply, 0);
}

/* A client's thread: waits for a request without the lock, handles it with
 * the lock, replies without it; ends when the client closes (or the server
 * shuts the connection down) */
static gpointer
serve_client (gpointer data)
{
  Client *c = data;

  for (;;)
    {
      WeftManagerRequest req;
      WeftManagerReply reply = { 0 };

      if (recv (c->fd, &req, sizeof req, 0) != (ssize_t) sizeof req)
        break;   /* the client closed (or spoke nonsense) */
      g_mutex_lock (&c->server->gil);
      handle (c->server, &req, &reply);
      g_mutex_unlock (&c->server->gil);
      send (c->fd, &reply, sizeof reply, MSG_NOSIGNAL);
    }
  return NULL;
}

static void
flush (Server *s)
{
  if (s->writer == NULL)
    return;
  g_mutex_lock (&s->gil);
  weft_wire_writer_flush (s->writer);
  g_mutex_unlock (&s->gil);
}

/**
 * weft_manager_serve:
 * @listen_fd: the listening socket
 * @control_fd: readable at EOF when the run is over
 * @writer: (nullable): the manager's lane
 * @request_ns: CPU time each request costs the manager (0 for none)
 *
 * The manager process: as in CPython's, a thread per client, and one lock
 * that a thread holds while it handles a request, so that requests are
 * applied one at a time (each operation atomic without a lock of its own)
 * and handing the lock from one client's thread to another's costs what it
 * costs. Each request costs @request_ns of CPU work, drawn as pickling (a
 * CPython manager unpickles the request and pickles the reply).
 *
 * Returns: an exit status
 */
int
weft_manager_serve (int             listen_fd,
                    int             control_fd,
                    WeftArena      *arena,
                    WeftWireWriter *writer,
                    double          request_ns)
{
  Server server = { .arena = arena, .writer = writer, .request_ns = request_ns };
  g_autoptr(GArray) clients = g_array_new (FALSE, FALSE, sizeof (Client *));
  struct pollfd fds[2] = {
    { .fd = control_fd, .events = POLLIN },
    { .fd = listen_fd, .events = POLLIN },
  };
  int rc = 0;

  g_mutex_init (&server.gil);
  for (;;)
    {
      int n = poll (fds, 2, 100);

      flush (&server);   /* the live view sees the manager's lane */
      if (n < 0 && errno != EINTR)
        {
          rc = 1;
          break;
        }
      if (n <= 0)
        continue;
      if (fds[0].revents != 0)
        break;
      if ((fds[1].revents & POLLIN) && clients->len < MAX_CLIENTS)
        {
          int fd = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC);
          Client *c;

          if (fd < 0)
            continue;
          c = g_new0 (Client, 1);
          c->server = &server;
          c->fd = fd;
          c->thread = g_thread_new ("weft-manager-client", serve_client, c);
          g_array_append_val (clients, c);
        }
    }

  for (guint i = 0; i < clients->len; i++)
    {
      Client *c = g_array_index (clients, Client *, i);

      shutdown (c->fd, SHUT_RDWR);
      g_thread_join (c->thread);
      close (c->fd);
      g_free (c);
    }
  g_mutex_clear (&server.gil);
  return rc;
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
