/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-wire-reader.h"

/*
 * The reader keeps one buffer: new bytes are read into its tail, whole
 * records are validated in place and the valid ones compacted to the front,
 * where the caller takes them without a copy. A partial record at the end
 * moves to the front for the next read.
 *
 * Writers only ever write whole records, so the stream stays aligned unless a
 * foreign writer put bytes into the pipe. A record that is aligned but wrong
 * (its time goes backwards, its kind is unknown) is rejected and counted. A
 * run of bytes that does not look like records at all is skipped one byte at
 * a time until a plausible record appears again, and counted as garbage.
 */

#define BUFFER_SIZE (256 * 1024)

/* How far a plausible time may lie outside what the stream has shown. */
#define TIME_SLACK_BEFORE_NS (G_GUINT64_CONSTANT (60) * G_USEC_PER_SEC * 1000)
#define TIME_SLACK_AFTER_NS  (G_GUINT64_CONSTANT (3600) * G_USEC_PER_SEC * 1000)

struct _WeftWireReader
{
  guint8   *buffer;      /* BUFFER_SIZE bytes, 8-byte aligned */
  gsize     carry;       /* bytes of a partial record, at carry_at */
  gsize     carry_at;
  guint     max_workers;
  guint64  *last_time;   /* per worker */
  guint32  *hellos;      /* per worker */
  guint32  *byes;        /* per worker */
  guint64   min_time;
  guint64   max_time;
  guint64   n_events;
  guint64   rejected[WEFT_WIRE_N_REJECTS];
  guint64   n_garbage_bytes;
  guint64   n_truncated_bytes;
  guint     handshake_ok : 1;
  guint     failed : 1;
  guint     finished : 1;
};

G_DEFINE_QUARK (weft-wire-error-quark, weft_wire_error)

/**
 * weft_wire_reader_new:
 * @max_workers: worker ids at or above this are rejected; at most
 *   %WEFT_MAX_WORKERS, 0 for that default
 *
 * Returns: (transfer full): a reader for one event stream
 */
WeftWireReader *
weft_wire_reader_new (guint max_workers)
{
  WeftWireReader *self = g_new0 (WeftWireReader, 1);

  if (max_workers == 0 || max_workers > WEFT_MAX_WORKERS)
    max_workers = WEFT_MAX_WORKERS;

  self->max_workers = max_workers;
  self->buffer = g_malloc (BUFFER_SIZE);
  self->last_time = g_new0 (guint64, max_workers);
  self->hellos = g_new0 (guint32, max_workers);
  self->byes = g_new0 (guint32, max_workers);
  return self;
}

void
weft_wire_reader_free (WeftWireReader *self)
{
  if (self == NULL)
    return;

  g_free (self->buffer);
  g_free (self->last_time);
  g_free (self->hellos);
  g_free (self->byes);
  g_free (self);
}

/**
 * weft_wire_reader_prepare:
 * @out_space: (out): how many bytes may be written at the returned address
 *
 * Returns: (transfer none): where the next bytes of the stream go; pass how
 *   many were put there to weft_wire_reader_commit()
 */
guint8 *
weft_wire_reader_prepare (WeftWireReader *self,
                          gsize          *out_space)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (out_space != NULL, NULL);

  /* The events handed out by the last commit are dead now: move the
   * partial record that followed them down to the start. */
  if (self->carry_at != 0)
    {
      memmove (self->buffer, self->buffer + self->carry_at, self->carry);
      self->carry_at = 0;
    }

  *out_space = BUFFER_SIZE - self->carry;
  return self->buffer + self->carry;
}

static inline gboolean
time_plausible (WeftWireReader *self,
                guint64         t)
{
  return t + TIME_SLACK_BEFORE_NS >= self->min_time &&
         t <= self->max_time + TIME_SLACK_AFTER_NS;
}

static gboolean
check_handshake (WeftWireReader   *self,
                 const WeftEvent  *e,
                 GError          **error)
{
  if (e->kind != WEFT_EVENT_HELLO || e->arg0 != WEFT_WIRE_MAGIC)
    {
      g_set_error (error, WEFT_WIRE_ERROR, WEFT_WIRE_ERROR_NOT_WEFT,
                   "not a Weft event stream: its first record is not a Weft handshake");
      return FALSE;
    }

  if (e->arg1 != WEFT_WIRE_VERSION)
    {
      g_set_error (error, WEFT_WIRE_ERROR, WEFT_WIRE_ERROR_VERSION,
                   "Weft event stream of wire version %" G_GINT64_FORMAT
                   ", this reader speaks version %d",
                   e->arg1, WEFT_WIRE_VERSION);
      return FALSE;
    }

  self->min_time = e->time_ns;
  self->max_time = e->time_ns;
  self->handshake_ok = TRUE;
  return TRUE;
}

/**
 * weft_wire_reader_commit:
 * @n_bytes: how many bytes were written at the address weft_wire_reader_prepare() gave
 * @out_n_events: (out): how many valid events the returned array holds
 *
 * Validates the whole records now available.
 *
 * Returns: (transfer none) (nullable): the valid events, in stream order, good
 *   until the next call to weft_wire_reader_prepare(); %NULL with @error set if
 *   the stream is not a Weft stream (and from then on)
 */
const WeftEvent *
weft_wire_reader_commit (WeftWireReader  *self,
                         gsize            n_bytes,
                         gsize           *out_n_events,
                         GError         **error)
{
  guint8 *buf;
  gsize avail, off = 0, n_out = 0;
  WeftEvent *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (out_n_events != NULL, NULL);
  g_return_val_if_fail (self->carry_at == 0, NULL);
  g_return_val_if_fail (n_bytes <= BUFFER_SIZE - self->carry, NULL);

  *out_n_events = 0;

  if (self->failed)
    {
      g_set_error (error, WEFT_WIRE_ERROR, WEFT_WIRE_ERROR_NOT_WEFT,
                   "not a Weft event stream");
      return NULL;
    }

  buf = self->buffer;
  avail = self->carry + n_bytes;
  out = (WeftEvent *) buf;

  if (!self->handshake_ok && avail >= WEFT_EVENT_SIZE)
    {
      WeftEvent first;

      memcpy (&first, buf, sizeof first);
      if (!check_handshake (self, &first, error))
        {
          self->failed = TRUE;
          self->carry = 0;
          self->carry_at = 0;
          return NULL;
        }
    }

  while (avail - off >= WEFT_EVENT_SIZE)
    {
      WeftEvent e;
      gboolean kind_ok, worker_ok;

      /* off may be unaligned while resynchronising */
      memcpy (&e, buf + off, sizeof e);

      kind_ok = e.kind > WEFT_EVENT_INVALID && e.kind < WEFT_EVENT_N_KINDS;
      worker_ok = e.worker < self->max_workers;

      if (G_LIKELY (kind_ok && worker_ok && e.time_ns >= self->last_time[e.worker]))
        {
          if (G_UNLIKELY (!time_plausible (self, e.time_ns)))
            goto garbage;

          if (G_UNLIKELY (e.kind == WEFT_EVENT_HELLO))
            {
              if (e.arg0 != WEFT_WIRE_MAGIC || e.arg1 != WEFT_WIRE_VERSION)
                {
                  self->rejected[WEFT_WIRE_REJECT_HELLO]++;
                  off += WEFT_EVENT_SIZE;
                  continue;
                }
              self->hellos[e.worker]++;
            }
          else if (G_UNLIKELY (e.kind == WEFT_EVENT_BYE))
            self->byes[e.worker]++;

          self->last_time[e.worker] = e.time_ns;
          if (e.time_ns > self->max_time)
            self->max_time = e.time_ns;

          /* out never overtakes off: compaction is safe in place */
          if ((guint8 *) &out[n_out] != buf + off)
            memcpy (&out[n_out], &e, sizeof e);
          n_out++;
          off += WEFT_EVENT_SIZE;
          continue;
        }

      /* An aligned record that is wrong in one field: reject it whole. */
      if (time_plausible (self, e.time_ns) && (kind_ok || worker_ok))
        {
          if (!kind_ok)
            self->rejected[WEFT_WIRE_REJECT_KIND]++;
          else if (!worker_ok)
            self->rejected[WEFT_WIRE_REJECT_WORKER]++;
          else
            self->rejected[WEFT_WIRE_REJECT_TIME]++;
          off += WEFT_EVENT_SIZE;
          continue;
        }

    garbage:
      self->n_garbage_bytes++;
      off++;
    }

  self->n_events += n_out;

  /* Keep the partial record for the next read. Moving it to the front now
   * would overwrite the events handed out, so it stays where it is and
   * weft_wire_reader_prepare() moves it down. */
  self->carry = avail - off;
  self->carry_at = self->carry > 0 ? off : 0;

  *out_n_events = n_out;
  return out;
}

/**
 * weft_wire_reader_feed:
 * @out_events: a #GArray of #WeftEvent that the valid events are appended to
 *
 * Convenience for callers that already hold the bytes: copies them in and
 * validates them.
 *
 * Returns: %FALSE with @error set if the stream is not a Weft stream
 */
gboolean
weft_wire_reader_feed (WeftWireReader  *self,
                       const guint8    *data,
                       gsize            len,
                       GArray          *out_events,
                       GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_events != NULL, FALSE);

  do
    {
      gsize space, chunk, n_events;
      guint8 *dest = weft_wire_reader_prepare (self, &space);
      const WeftEvent *events;

      chunk = MIN (space, len);
      memcpy (dest, data, chunk);
      data += chunk;
      len -= chunk;

      events = weft_wire_reader_commit (self, chunk, &n_events, error);
      if (events == NULL)
        return FALSE;
      g_array_append_vals (out_events, events, n_events);
    }
  while (len > 0);

  return TRUE;
}

/**
 * weft_wire_reader_finish:
 *
 * Tells the reader the stream has ended (every writer closed its end).
 *
 * Returns: %FALSE with @error set if the stream ended inside a record or
 *   before a handshake; the events already returned stay valid
 */
gboolean
weft_wire_reader_finish (WeftWireReader  *self,
                         GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  self->finished = TRUE;

  if (self->failed)
    {
      g_set_error (error, WEFT_WIRE_ERROR, WEFT_WIRE_ERROR_NOT_WEFT,
                   "not a Weft event stream");
      return FALSE;
    }

  if (self->carry > 0)
    {
      self->n_truncated_bytes += self->carry;
      g_set_error (error, WEFT_WIRE_ERROR, WEFT_WIRE_ERROR_TRUNCATED,
                   "the event stream ended inside a record (%" G_GSIZE_FORMAT
                   " of %d bytes)", self->carry, WEFT_EVENT_SIZE);
      self->carry = 0;
      self->carry_at = 0;
      return FALSE;
    }

  return TRUE;
}

guint64
weft_wire_reader_get_n_events (WeftWireReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_events;
}

guint64
weft_wire_reader_get_n_rejected (WeftWireReader *self,
                                 WeftWireReject  reason)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail ((guint) reason < WEFT_WIRE_N_REJECTS, 0);
  return self->rejected[reason];
}

guint64
weft_wire_reader_get_n_rejected_total (WeftWireReader *self)
{
  guint64 total = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < WEFT_WIRE_N_REJECTS; i++)
    total += self->rejected[i];
  return total;
}

guint64
weft_wire_reader_get_n_garbage_bytes (WeftWireReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_garbage_bytes;
}

guint64
weft_wire_reader_get_n_truncated_bytes (WeftWireReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_truncated_bytes;
}

gboolean
weft_wire_reader_get_handshake_ok (WeftWireReader *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->handshake_ok;
}

/**
 * weft_wire_reader_get_n_writers:
 *
 * Returns: how many writers said HELLO so far
 */
guint
weft_wire_reader_get_n_writers (WeftWireReader *self)
{
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->max_workers; i++)
    n += self->hellos[i];
  return n;
}

/**
 * weft_wire_reader_get_unclosed_workers:
 *
 * Returns: (transfer full) (element-type guint): the ids of workers with a
 *   writer that said HELLO but never BYE: after the end of the stream, the
 *   workers that died or were killed mid-run
 */
GArray *
weft_wire_reader_get_unclosed_workers (WeftWireReader *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (self != NULL, ids);

  for (guint i = 0; i < self->max_workers; i++)
    if (self->hellos[i] > self->byes[i])
      g_array_append_val (ids, i);
  return ids;
}
