/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "weft-wire-writer.h"

/**
 * weft_wire_writer_new:
 * @fd: the write end of the event pipe; not owned, not closed by the writer
 * @worker: the id of the worker this writer speaks for
 *
 * Creates a buffered writer for one thread. Its first record is the HELLO
 * handshake, so a reader knows the stream is Weft's and which worker joined.
 *
 * Returns: (transfer full): a new writer, freed with weft_wire_writer_free()
 */
WeftWireWriter *
weft_wire_writer_new (int     fd,
                      guint16 worker)
{
  WeftWireWriter *self = g_new0 (WeftWireWriter, 1);
  guint64 now;

  weft_clock_anchor_init (&self->clock);
  now = weft_wire_writer_now (self);
  self->fd = fd;
  self->worker = worker;
  self->pos = self->buffer;
  self->end = self->buffer + WEFT_WIRE_WRITER_CAPACITY;
  self->interval_ns = WEFT_WIRE_WRITER_DEFAULT_INTERVAL_NS;
  self->flush_deadline_ns = now + self->interval_ns;

  weft_wire_writer_record_full (self, now, worker, WEFT_EVENT_HELLO, 0,
                                WEFT_WIRE_MAGIC, WEFT_WIRE_VERSION);
  return self;
}

/**
 * weft_wire_writer_set_interval:
 * @interval_ns: the longest time an event may wait in the buffer while its
 *   worker goes on recording; 0 writes every event at once (for tests)
 */
void
weft_wire_writer_set_interval (WeftWireWriter *self,
                               guint64         interval_ns)
{
  g_return_if_fail (self != NULL);

  self->interval_ns = interval_ns;
  self->flush_deadline_ns = weft_wire_writer_now (self) + interval_ns;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        len,
           int         *out_errno)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            {
              /* A non-blocking fd: wait for room rather than drop events. */
              struct pollfd pfd = { .fd = fd, .events = POLLOUT };

              if (poll (&pfd, 1, -1) < 0 && errno != EINTR)
                {
                  *out_errno = errno;
                  return FALSE;
                }
              continue;
            }
          *out_errno = errno;
          return FALSE;
        }

      /* Pipe writes of at most PIPE_BUF bytes are all or nothing; a short
       * write can only come from another kind of fd, so finish it. */
      data += n;
      len -= (gsize) n;
    }

  return TRUE;
}

/**
 * weft_wire_writer_flush:
 *
 * Writes the buffered records now, in one write() of whole records.
 *
 * Returns: %FALSE if the stream has failed (the reader went away, say); the
 *   records are then counted as dropped
 */
gboolean
weft_wire_writer_flush (WeftWireWriter *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  weft_clock_anchor_refresh (&self->clock);
  self->flush_deadline_ns = weft_wire_writer_now (self) + self->interval_ns;
  return weft_wire_writer_write_out (self);
}

/**
 * weft_wire_writer_write_out:
 *
 * Writes the buffered records now, like weft_wire_writer_flush(), but
 * touches only the buffer and the counts, never the clock or the next
 * flush's deadline: another thread may call it while the writer's own
 * thread is kept from recording and may still read the writer's clock.
 *
 * Returns: %FALSE if the stream has failed
 */
gboolean
weft_wire_writer_write_out (WeftWireWriter *self)
{
  gsize n;

  g_return_val_if_fail (self != NULL, FALSE);

  n = (gsize) (self->pos - self->buffer);
  if (n == 0)
    return self->error_errno == 0;

  self->pos = self->buffer;

  if (self->error_errno != 0)
    {
      self->n_dropped += n;
      return FALSE;
    }

  if (!write_all (self->fd, (const char *) self->buffer, n * WEFT_EVENT_SIZE, &self->error_errno))
    {
      self->n_dropped += n;
      return FALSE;
    }

  self->n_written += n;
  return TRUE;
}

void
_weft_wire_writer_flush_slow (WeftWireWriter *self)
{
  weft_wire_writer_flush (self);
}

/**
 * weft_wire_writer_name:
 * @object: an object id, or %WEFT_OBJECT_SELF for the writer's worker
 * @name: a UTF-8 name
 *
 * Sends @name as NAME records of up to 16 bytes each, which the reader joins.
 */
void
weft_wire_writer_name (WeftWireWriter *self,
                       guint32         object,
                       const char     *name)
{
  gsize len;
  guint64 now;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  len = strlen (name);
  now = weft_wire_writer_now (self);

  for (gsize off = 0; off < len; off += 16)
    {
      gint64 args[2] = { 0, 0 };

      memcpy (args, name + off, MIN (16, len - off));
      weft_wire_writer_record_full (self, now, self->worker, WEFT_EVENT_NAME,
                                    object, args[0], args[1]);
    }
}

/**
 * weft_wire_writer_close:
 *
 * Records BYE and flushes: the reader then knows this writer ended cleanly.
 * Recording after closing is a programming error.
 */
void
weft_wire_writer_close (WeftWireWriter *self)
{
  g_return_if_fail (self != NULL);

  if (self->closed)
    return;

  weft_wire_writer_record (self, WEFT_EVENT_BYE, 0, 0, 0);
  weft_wire_writer_flush (self);
  self->closed = TRUE;
}

/**
 * weft_wire_writer_free:
 *
 * Closes the writer (see weft_wire_writer_close()) unless it was closed, and
 * frees it. The fd stays open.
 */
void
weft_wire_writer_free (WeftWireWriter *self)
{
  if (self == NULL)
    return;

  weft_wire_writer_close (self);
  g_free (self);
}

guint64
weft_wire_writer_get_n_written (WeftWireWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_written;
}

guint64
weft_wire_writer_get_n_dropped (WeftWireWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_dropped;
}

/**
 * weft_wire_writer_get_errno:
 *
 * Returns: the errno of the write that failed, or 0
 */
int
weft_wire_writer_get_errno (WeftWireWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->error_errno;
}
