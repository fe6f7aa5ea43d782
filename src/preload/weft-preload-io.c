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

/* This thread, if a call of it on @fd may be recorded */
static inline WeftPreloadThread *
io_thread (int fd)
{
  WeftPreloadThread *t;

  if (G_UNLIKELY (_weft_real.pthread_mutex_unlock == NULL))
    _weft_preload_resolve ();
  t = _weft_preload_self;
  if (t == NULL || t->busy || (fd >= 0 && fd == _weft_preload.fd))
    return NULL;
  return t;
}

static inline guint64
io_now (WeftPreloadThread *t)
{
  return t != NULL ? weft_wire_writer_now (t->writer) : 0;
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

/* After a call that began at @t0: recorded if it took long enough */
static void
io_end (WeftPreloadThread *t,
        guint64            t0,
        IoCall             call,
        int                fd,
        gint64             result)
{
  guint64 t1;
  guint32 id;
  int saved;

  if (t == NULL)
    return;
  t1 = weft_wire_writer_now (t->writer);
  if (t1 - t0 < WEFT_PRELOAD_IO_MIN_NS || t1 < t0)
    return;
  saved = errno;
  id = io_id (call, fd);
  _weft_preload_record_at (t, t0, WEFT_EVENT_IO_BEGIN, id, 0, 0);
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
  WeftPreloadThread *t = io_thread (fd);
  guint64 t0 = io_now (t);
  ssize_t r = _weft_real.read (fd, buf, n);

  io_end (t, t0, IO_READ, fd, r);
  return r;
}

WEFT_EXPORT ssize_t
write (int         fd,
       const void *buf,
       size_t      n)
{
  WeftPreloadThread *t = io_thread (fd);
  guint64 t0 = io_now (t);
  ssize_t r = _weft_real.write (fd, buf, n);

  io_end (t, t0, IO_WRITE, fd, r);
  return r;
}

WEFT_EXPORT int
poll (struct pollfd *fds,
      nfds_t         n,
      int            timeout)
{
  WeftPreloadThread *t = timeout != 0 ? io_thread (-1) : NULL;
  guint64 t0 = io_now (t);
  int r = _weft_real.poll (fds, n, timeout);

  io_end (t, t0, IO_POLL, -1, 0);
  return r;
}

WEFT_EXPORT int
ppoll (struct pollfd         *fds,
       nfds_t                 n,
       const struct timespec *timeout,
       const sigset_t        *mask)
{
  WeftPreloadThread *t = io_thread (-1);
  guint64 t0 = io_now (t);
  int r = _weft_real.ppoll (fds, n, timeout, mask);

  io_end (t, t0, IO_POLL, -1, 0);
  return r;
}

WEFT_EXPORT int
select (int             n,
        fd_set         *readfds,
        fd_set         *writefds,
        fd_set         *exceptfds,
        struct timeval *timeout)
{
  WeftPreloadThread *t = io_thread (-1);
  guint64 t0 = io_now (t);
  int r = _weft_real.select (n, readfds, writefds, exceptfds, timeout);

  io_end (t, t0, IO_SELECT, -1, 0);
  return r;
}

WEFT_EXPORT int
epoll_wait (int                 epfd,
            struct epoll_event *events,
            int                 max,
            int                 timeout)
{
  WeftPreloadThread *t = timeout != 0 ? io_thread (-1) : NULL;
  guint64 t0 = io_now (t);
  int r = _weft_real.epoll_wait (epfd, events, max, timeout);

  io_end (t, t0, IO_EPOLL, -1, 0);
  return r;
}

WEFT_EXPORT int
epoll_pwait (int                 epfd,
             struct epoll_event *events,
             int                 max,
             int                 timeout,
             const sigset_t     *mask)
{
  WeftPreloadThread *t = timeout != 0 ? io_thread (-1) : NULL;
  guint64 t0 = io_now (t);
  int r = _weft_real.epoll_pwait (epfd, events, max, timeout, mask);

  io_end (t, t0, IO_EPOLL, -1, 0);
  return r;
}

WEFT_EXPORT int
nanosleep (const struct timespec *req,
           struct timespec       *rem)
{
  WeftPreloadThread *t = io_thread (-1);
  guint64 t0 = io_now (t);
  int r = _weft_real.nanosleep (req, rem);

  io_end (t, t0, IO_SLEEP, -1, 0);
  return r;
}

WEFT_EXPORT int
clock_nanosleep (clockid_t              clock,
                 int                    flags,
                 const struct timespec *req,
                 struct timespec       *rem)
{
  WeftPreloadThread *t = io_thread (-1);
  guint64 t0 = io_now (t);
  int r = _weft_real.clock_nanosleep (clock, flags, req, rem);

  io_end (t, t0, IO_SLEEP, -1, 0);
  return r;
}

WEFT_EXPORT unsigned int
sleep (unsigned int seconds)
{
  WeftPreloadThread *t = io_thread (-1);
  guint64 t0 = io_now (t);
  unsigned int r = _weft_real.sleep (seconds);

  io_end (t, t0, IO_SLEEP, -1, 0);
  return r;
}

WEFT_EXPORT int
usleep (useconds_t usec)
{
  WeftPreloadThread *t = io_thread (-1);
  guint64 t0 = io_now (t);
  int r = _weft_real.usleep (usec);

  io_end (t, t0, IO_SLEEP, -1, 0);
  return r;
}
