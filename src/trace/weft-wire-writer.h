/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <limits.h>

#include "weft-clock.h"
#include "weft-event.h"

G_BEGIN_DECLS

/* Whole records that fit one atomic pipe write. */
#define WEFT_WIRE_WRITER_CAPACITY (PIPE_BUF / WEFT_EVENT_SIZE)

/* Default longest time an event waits in the buffer while its worker keeps recording. */
#define WEFT_WIRE_WRITER_DEFAULT_INTERVAL_NS (20 * G_GUINT64_CONSTANT (1000000))

typedef struct _WeftWireWriter WeftWireWriter;

/* Exposed for the inline fast path only; use the functions below. */
struct _WeftWireWriter
{
  WeftEvent *pos;
  WeftEvent *end;
  WeftClockAnchor clock;
  guint64    flush_deadline_ns;
  guint64    interval_ns;
  guint64    last_time_ns;
  guint64    n_written;
  guint64    n_dropped;
  int        fd;
  int        error_errno;
  guint16    worker;
  gboolean   closed;
  WeftEvent  buffer[WEFT_WIRE_WRITER_CAPACITY];
};

WeftWireWriter *weft_wire_writer_new          (int             fd,
                                               guint16         worker);
void            weft_wire_writer_set_interval (WeftWireWriter *self,
                                               guint64         interval_ns);
gboolean        weft_wire_writer_flush        (WeftWireWriter *self);
gboolean        weft_wire_writer_write_out    (WeftWireWriter *self);
void            weft_wire_writer_close        (WeftWireWriter *self);
void            weft_wire_writer_free         (WeftWireWriter *self);
void            weft_wire_writer_name         (WeftWireWriter *self,
                                               guint32         object,
                                               const char     *name);
guint64         weft_wire_writer_get_n_written (WeftWireWriter *self);
guint64         weft_wire_writer_get_n_dropped (WeftWireWriter *self);
int             weft_wire_writer_get_errno    (WeftWireWriter *self);

void            _weft_wire_writer_flush_slow  (WeftWireWriter *self);

/**
 * weft_wire_writer_record_full:
 * @self: a writer, used by one thread only
 * @time_ns: CLOCK_MONOTONIC time of the event
 * @worker: the worker the event belongs to (usually the writer's own)
 *
 * Appends one record to the buffer. The buffer goes out in one write() when it
 * is full, or when the flush interval has passed since the last write.
 */
static inline void
weft_wire_writer_record_full (WeftWireWriter *self,
                              guint64         time_ns,
                              guint16         worker,
                              WeftEventKind   kind,
                              guint32         object,
                              gint64          arg0,
                              gint64          arg1)
{
  WeftEvent *e = self->pos;

  e->time_ns = time_ns;
  e->arg0 = arg0;
  e->arg1 = arg1;
  e->object = object;
  e->worker = worker;
  e->kind = (guint16) kind;
  self->last_time_ns = time_ns;

  if (G_UNLIKELY (++self->pos == self->end || time_ns >= self->flush_deadline_ns))
    _weft_wire_writer_flush_slow (self);
}

/**
 * weft_wire_writer_now:
 *
 * The writer's clock: CLOCK_MONOTONIC, read cheaply (see #WeftClockAnchor).
 * Stamp events recorded with weft_wire_writer_record_full() with it, so that
 * the writer's times never go backwards.
 */
static inline guint64
weft_wire_writer_now (WeftWireWriter *self)
{
  return weft_clock_anchor_now (&self->clock);
}

/**
 * weft_wire_writer_get_last_time:
 *
 * The time of the last record. A reader drops a record that goes back in
 * its worker's time: one stamped in the past must not be earlier than this.
 */
static inline guint64
weft_wire_writer_get_last_time (WeftWireWriter *self)
{
  return self->last_time_ns;
}

/* Records an event of the writer's own worker, stamped now. */
static inline void
weft_wire_writer_record (WeftWireWriter *self,
                         WeftEventKind   kind,
                         guint32         object,
                         gint64          arg0,
                         gint64          arg1)
{
  weft_wire_writer_record_full (self, weft_clock_anchor_now (&self->clock), self->worker,
                                kind, object, arg0, arg1);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftWireWriter, weft_wire_writer_free)

G_END_DECLS
