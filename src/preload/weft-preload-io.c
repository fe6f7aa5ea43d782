/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Blocking calls as I/O waits: read, write, poll, ppoll, select, epoll_wait,
 * epoll_pwait, nanosleep, clock_nanosleep, sleep and usleep.
 *
 * Each call is timed with the writer's cheap clock (two TSC reads, no system
 * call of its own); only a call that took at least WEFT_PRELOAD_IO_MIN_NS is
 * recorded, afterwards, as an I/O span from its start to its end
 * (IO_BEGIN/IO_END, the bytes moved in IO_END's arg0). A quick call records
 * nothing. The span's object names the call ("read fd 3", "poll", "sleep").
 *
 * Not seen: calls that glibc makes inside itself (printf's write, fread's
 * read, sleep's own nanosleep: those bind to glibc's internal names), the
 * event pipe's own writes, and calls made while the thread is recording
 * (a signal handler's).
 */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "weft-preload-private.h"

typedef enum
{
  IO_READ,
  IO_WRITE,
  IO_POLL,
  IO_SELECT,
  IO_EPOLL,
  IO_SLEEP,
  N_IO,
} IoCall;

static const char * const io_names[N_IO] = { "read", "write", "poll", "select", "epoll_wait", "sleep" };

/* A call being timed: its thread (NULL: not recorded) and when it began */
typedef struct
{
  WeftPreloadThread *thread;
  guint64            t0;
} IoTimer;

/* Starts timing a call on @fd (-1: none) if this thread records it */
static inline IoTimer
io_start (int fd)
{
  IoTimer timer = { NULL, 0 };
  WeftPreloadThread *t;

  if (G_UNLIKELY (_weft_real.pthread_mutex_unlock == NULL))
    _weft_preload_resolve ();
  t = _weft_preload_self;
  if (t == NULL || t->busy || (fd >= 0 && fd == _weft_preload.fd))
    return timer;
  timer.thread = t;
  timer.t0 = weft_wire_writer_now (t->writer);
  return timer;
}

/* A call that cannot block (a zero timeout) is not timed */
static inline IoTimer
io_start_if (gboolean may_block)
{
  IoTimer none = { NULL, 0 };

  return may_block ? io_start (-1) : none;
}

/* The object of @call (on @fd, for reads and writes) */
static inline guint32
io_id (IoCall call,
       int    fd)
{
  return _weft_preload_mark_id (0x10f00000u ^ ((guint32) call << 24) ^ (guint32) (fd + 1) * 2654435761u);
}

static void
io_declare (guint32 id,
            IoCall  call,
            int     fd)
{
  char name[32];

  if (call == IO_READ || call == IO_WRITE)
    g_snprintf (name, sizeof name, "%s fd %d", io_names[call], fd);
  else
    g_strlcpy (name, io_names[call], sizeof name);
  _weft_preload_mark_object (id, WEFT_OBJECT_OTHER, name);
}

/* After the call: recorded if it took long enough */
static void
io_end (const IoTimer *timer,
        IoCall         call,
        int            fd,
        gint64         result)
{
  WeftPreloadThread *t = timer->thread;
  guint64 t1;
  guint32 id;
  int saved;

  if (t == NULL)
    return;
  t1 = weft_wire_writer_now (t->writer);
  if (t1 < timer->t0 || t1 - timer->t0 < WEFT_PRELOAD_IO_MIN_NS)
    return;
  saved = errno;
  id = io_id (call, fd);
  _weft_preload_record_at (t, timer->t0, WEFT_EVENT_IO_BEGIN, id, 0, 0);
  _weft_preload_record_at (t, t1, WEFT_EVENT_IO_END, id, MAX (result, 0), 0);
  /* declared after its first span: its events are stamped now, and a
   * thread's times never go back */
  io_declare (id, call, fd);
  errno = saved;
}

WEFT_EXPORT ssize_t
read (int     fd,
      void   *buf,
      size_t  n)
{
  IoTimer timer = io_start (fd);
  ssize_t r = _weft_real.read (fd, buf, n);

  io_end (&timer, IO_READ, fd, r);
  return r;
}

WEFT_EXPORT ssize_t
write (int         fd,
       const void *buf,
       size_t      n)
{
  IoTimer timer = io_start (fd);
  ssize_t r = _weft_real.write (fd, buf, n);

  io_end (&timer, IO_WRITE, fd, r);
  return r;
}

WEFT_EXPORT int
poll (struct pollfd *fds,
      nfds_t         n,
      int            timeout)
{
  IoTimer timer = io_start_if (timeout != 0);
  int r = _weft_real.poll (fds, n, timeout);

  io_end (&timer, IO_POLL, -1, 0);
  return r;
}

WEFT_EXPORT int
ppoll (struct pollfd         *fds,
       nfds_t                 n,
       const struct timespec *timeout,
       const sigset_t        *mask)
{
  IoTimer timer = io_start (-1);
  int r = _weft_real.ppoll (fds, n, timeout, mask);

  io_end (&timer, IO_POLL, -1, 0);
  return r;
}

WEFT_EXPORT int
select (int             n,
        fd_set         *readfds,
        fd_set         *writefds,
        fd_set         *exceptfds,
        struct timeval *timeout)
{
  IoTimer timer = io_start (-1);
  int r = _weft_real.select (n, readfds, writefds, exceptfds, timeout);

  io_end (&timer, IO_SELECT, -1, 0);
  return r;
}

WEFT_EXPORT int
epoll_wait (int                 epfd,
            struct epoll_event *events,
            int                 max,
            int                 timeout)
{
  IoTimer timer = io_start_if (timeout != 0);
  int r = _weft_real.epoll_wait (epfd, events, max, timeout);

  io_end (&timer, IO_EPOLL, -1, 0);
  return r;
}

WEFT_EXPORT int
epoll_pwait (int                 epfd,
             struct epoll_event *events,
             int                 max,
             int                 timeout,
             const sigset_t     *mask)
{
  IoTimer timer = io_start_if (timeout != 0);
  int r = _weft_real.epoll_pwait (epfd, events, max, timeout, mask);

  io_end (&timer, IO_EPOLL, -1, 0);
  return r;
}

WEFT_EXPORT int
nanosleep (const struct timespec *req,
           struct timespec       *rem)
{
  IoTimer timer = io_start (-1);
  int r = _weft_real.nanosleep (req, rem);

  io_end (&timer, IO_SLEEP, -1, 0);
  return r;
}

WEFT_EXPORT int
clock_nanosleep (clockid_t              clock,
                 int                    flags,
                 const struct timespec *req,
                 struct timespec       *rem)
{
  IoTimer timer = io_start (-1);
  int r = _weft_real.clock_nanosleep (clock, flags, req, rem);

  io_end (&timer, IO_SLEEP, -1, 0);
  return r;
}

WEFT_EXPORT unsigned int
sleep (unsigned int seconds)
{
  IoTimer timer = io_start (-1);
  unsigned int r = _weft_real.sleep (seconds);

  io_end (&timer, IO_SLEEP, -1, 0);
  return r;
}

WEFT_EXPORT int
usleep (useconds_t usec)
{
  IoTimer timer = io_start (-1);
  int r = _weft_real.usleep (usec);

  io_end (&timer, IO_SLEEP, -1, 0);
  return r;
}
