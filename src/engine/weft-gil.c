/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <pthread.h>

#include "weft-arena.h"
#include "weft-gil.h"

struct _WeftGil
{
  pthread_mutex_t mutex;
  pthread_cond_t  cond;         /* the GIL was dropped */
  pthread_cond_t  switch_cond;  /* another thread took it after a forced drop */
  guint64         interval_ns;
  gint            locked;
  gint            holder;       /* worker + 1 */
  guint64         switch_number;
  gint            drop_request; /* read without the mutex by the holder */
  WeftArena      *arena;        /* (nullable): where the wait-for graph is */
};

/**
 * weft_gil_new:
 * @switch_interval_ns: how long a thread waits before asking the holder to drop it
 * @arena: (nullable): the run's arena, whose wait-for graph gets the GIL's
 *   holder and waiters, so that a cycle through the GIL is a deadlock; it
 *   must outlive the GIL
 *
 * Returns: (transfer full): a released GIL
 */
WeftGil *
weft_gil_new (guint64    switch_interval_ns,
              WeftArena *arena)
{
  WeftGil *self = g_new0 (WeftGil, 1);
  pthread_condattr_t attr;

  pthread_mutex_init (&self->mutex, NULL);
  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&self->cond, &attr);
  pthread_cond_init (&self->switch_cond, &attr);
  pthread_condattr_destroy (&attr);
  self->interval_ns = MAX (switch_interval_ns, 1000);
  self->arena = arena;
  return self;
}

void
weft_gil_free (WeftGil *self)
{
  if (self == NULL)
    return;

  pthread_mutex_destroy (&self->mutex);
  pthread_cond_destroy (&self->cond);
  pthread_cond_destroy (&self->switch_cond);
  g_free (self);
}

/* With the mutex held, so that the graph changes in the GIL's own order. */
static void
note_waiting (WeftGil *self,
              guint16  worker,
              gboolean waiting)
{
  if (self->arena != NULL)
    weft_arena_set_gil_waiting (self->arena, worker, waiting);
}

static void
note_holder (WeftGil *self,
             gint     worker)
{
  if (self->arena != NULL)
    weft_arena_set_gil_holder (self->arena, worker);
}

/**
 * weft_gil_take:
 * @cancelled: (nullable): a flag that, once non-zero, makes the wait give up
 * @waiting: the caller's wait is already on the timeline (it was forced to
 *   drop the GIL and has waited since)
 * @since_ns: when the caller began to want the GIL, its writer's time (a
 *   task's begin, which asks for it at once), or 0 for now: a wait starts
 *   there, so that the caller is never drawn running before it holds it
 *
 * Returns: %TRUE once the GIL is held; %FALSE if cancelled while waiting
 */
gboolean
weft_gil_take (WeftGil        *self,
               guint16         worker,
               WeftWireWriter *writer,
               const gint     *cancelled,
               gboolean        waiting,
               guint64         since_ns)
{
  gboolean waited = waiting, flushed = FALSE;
  /* a wait for the GIL's own mutex is a wait for the GIL */
  guint64 entered = writer != NULL ? weft_wire_writer_now (writer) : 0;

  pthread_mutex_lock (&self->mutex);

  while (self->locked)
    {
      guint64 saved_switch = self->switch_number;
      struct timespec deadline;
      int rc;

      note_waiting (self, worker, TRUE);
      if (!waited)
        {
          waited = TRUE;
          if (writer)
            weft_wire_writer_record_full (writer,
                                          MAX (since_ns != 0 ? since_ns : entered,
                                               weft_wire_writer_get_last_time (writer)),
                                          worker, WEFT_EVENT_GIL_WAIT, WEFT_ARENA_GIL_ID, 0, 0);
        }

      deadline = weft_clock_deadline_in (self->interval_ns);
      rc = pthread_cond_clockwait (&self->cond, &self->mutex, CLOCK_MONOTONIC, &deadline);

      if (cancelled != NULL && g_atomic_int_get (cancelled))
        {
          note_waiting (self, worker, FALSE);
          pthread_mutex_unlock (&self->mutex);
          return FALSE;
        }

      /* A whole interval passed and nobody switched: ask the holder to drop it. */
      if (rc == ETIMEDOUT && self->locked && self->switch_number == saved_switch)
        g_atomic_int_set (&self->drop_request, 1);
      /* a wait longer than an interval: let the live view see it (once; most
       * waits are a hand-off of microseconds, and a write costs more) */
      if (rc == ETIMEDOUT && writer && !flushed)
        {
          weft_wire_writer_flush (writer);
          flushed = TRUE;
        }
    }

  self->locked = TRUE;
  self->holder = worker + 1;
  note_holder (self, worker);
  note_waiting (self, worker, FALSE);
  self->switch_number++;
  g_atomic_int_set (&self->drop_request, 0);
  /* a thread that was forced to drop it may go on now */
  pthread_cond_signal (&self->switch_cond);
  pthread_mutex_unlock (&self->mutex);

  if (writer)
    weft_wire_writer_record (writer, WEFT_EVENT_GIL_ACQUIRED, WEFT_ARENA_GIL_ID, 0, 0);
  return TRUE;
}

/**
 * weft_gil_drop:
 * @forced: the holder drops it because another thread asked; it then waits
 *   until someone else has taken it, so that it cannot take it straight back.
 *   That wait is its wait for the GIL: it is recorded here, and the caller
 *   passes @waiting to weft_gil_take()
 */
void
weft_gil_drop (WeftGil        *self,
               guint16         worker,
               WeftWireWriter *writer,
               gboolean        forced)
{
  if (writer)
    {
      weft_wire_writer_record (writer, WEFT_EVENT_GIL_RELEASED, WEFT_ARENA_GIL_ID, 0, 0);
      if (forced)
        weft_wire_writer_record (writer, WEFT_EVENT_GIL_WAIT, WEFT_ARENA_GIL_ID, 0, 0);
    }

  pthread_mutex_lock (&self->mutex);
  g_assert (self->locked && self->holder == worker + 1);
  self->locked = FALSE;
  self->holder = 0;
  note_holder (self, -1);
  pthread_cond_signal (&self->cond);

  if (forced)
    {
      guint64 dropped_at = self->switch_number;

      note_waiting (self, worker, TRUE);
      /* Bounded, in case the thread that asked gave up (cancelled). */
      while (!self->locked && self->switch_number == dropped_at)
        {
          struct timespec deadline = weft_clock_deadline_in (self->interval_ns);

          if (pthread_cond_clockwait (&self->switch_cond, &self->mutex,
                                      CLOCK_MONOTONIC, &deadline) == ETIMEDOUT)
            break;
        }
    }
  pthread_mutex_unlock (&self->mutex);
}

/* Checked by the holder during CPU work: cheap, no lock. */
gboolean
weft_gil_drop_requested (WeftGil *self)
{
  return g_atomic_int_get (&self->drop_request) != 0;
}

