/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Builds a trace model from 10M synthetic events across 16 lanes, delivered
 * the way a collector would: each worker flushes 128-event buffers, buffers
 * of different workers interleave (so time is ordered per worker only), and
 * the model gets batches of 4096 events. Only append()/finish() are timed.
 *
 * Then builds a second model from 100M events (50M spans) generated batch
 * by batch, and measures how much the process's resident memory grew: all
 * the model holds (spans, summaries, journal, counter tracks, lock and queue
 * records), not only span storage.
 *
 * Prints:
 *   BENCH model_bytes_per_span <allocated span storage / spans> bytes
 *   BENCH model_append_events_per_s <events / s> events/s
 *   BENCH model_rss_bytes_per_span <resident memory growth / spans> bytes
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "weft-clock.h"
#include "weft-trace-model.h"

#define N_WORKERS     16
#define N_EVENTS      10000000
#define FLUSH_EVENTS  128
#define APPEND_EVENTS 4096
#define QUEUE_ID      1000
#define COUNTER_ID    2000
#define N_RSS_EVENTS  100000000

typedef struct
{
  guint64 t;
  guint   step;
  guint64 task;
  gint64  item;
} Gen;

/* One task cycle, 10 events, 5 spans: a task that waits for a lock, holds it
 * around some I/O, then puts to (even workers) or gets from (odd workers) a
 * shared queue, and bumps a counter. */
static WeftEvent
next_event (Gen    *gen,
            guint16 worker)
{
  WeftEvent e = { 0 };
  guint32 lock = 1 + worker % 4;
  gboolean putter = worker % 2 == 0;

  gen->t += 20 + (gen->task * 7 + gen->step * 13 + worker) % 50;
  e.time_ns = gen->t;
  e.worker = worker;

  switch (gen->step)
    {
    case 0: e.kind = WEFT_EVENT_TASK_BEGIN; e.object = (guint32) gen->task; break;
    case 1: e.kind = WEFT_EVENT_LOCK_WAIT; e.object = lock; break;
    case 2: e.kind = WEFT_EVENT_LOCK_ACQUIRED; e.object = lock; break;
    case 3: e.kind = WEFT_EVENT_IO_BEGIN; e.object = (guint32) gen->task; break;
    case 4: e.kind = WEFT_EVENT_IO_END; e.object = (guint32) gen->task; e.arg0 = 4096; break;
    case 5: e.kind = WEFT_EVENT_LOCK_RELEASED; e.object = lock; break;
    case 6:
      e.kind = putter ? WEFT_EVENT_QUEUE_PUT_BEGIN : WEFT_EVENT_QUEUE_GET_BEGIN;
      e.object = QUEUE_ID;
      break;
    case 7:
      e.kind = putter ? WEFT_EVENT_QUEUE_PUT_END : WEFT_EVENT_QUEUE_GET_END;
      e.object = QUEUE_ID;
      e.arg0 = (gint64) (gen->item % 8);
      /* worker 2k+1 gets the items worker 2k put */
      e.arg1 = ((gint64) (worker & ~1u) << 40) | gen->item;
      gen->item++;
      break;
    case 8: e.kind = WEFT_EVENT_TASK_END; e.object = (guint32) gen->task; e.arg0 = WEFT_TASK_OK; break;
    default: e.kind = WEFT_EVENT_COUNTER; e.object = COUNTER_ID; e.arg0 = (gint64) gen->task; break;
    }

  if (++gen->step == 10)
    {
      gen->step = 0;
      gen->task++;
    }
  return e;
}

/* The collector's delivery: workers flush FLUSH_EVENTS-event buffers in
 * turn; they run at slightly different paces, so their buffers overlap in
 * time by varying amounts. */
typedef struct
{
  Gen   gens[N_WORKERS];
  guint worker;
  guint in_flush;
} Stream;

static void
stream_init (Stream *s)
{
  *s = (Stream) { 0 };
  for (guint w = 0; w < N_WORKERS; w++)
    s->gens[w].t = G_GUINT64_CONSTANT (1000000000) + w * 1000;
}

static void
stream_fill (Stream    *s,
             WeftEvent *events,
             gsize      n)
{
  for (gsize i = 0; i < n; i++)
    {
      events[i] = next_event (&s->gens[s->worker], (guint16) s->worker);
      if (++s->in_flush == FLUSH_EVENTS)
        {
          s->in_flush = 0;
          s->worker = (s->worker + 1) % N_WORKERS;
        }
    }
}

/* The process's resident memory, in bytes (/proc/self/statm) */
static guint64
resident_bytes (void)
{
  g_autofree char *text = NULL;
  guint64 size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &text, NULL, NULL) ||
      sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &size, &resident) != 2)
    g_error ("bench-model: cannot read /proc/self/statm");
  return resident * (guint64) sysconf (_SC_PAGESIZE);
}

/* The same stream as main()'s, one reused batch at a time, so that only the
 * model grows */
static void
measure_resident (void)
{
  g_autofree WeftEvent *batch = g_new (WeftEvent, APPEND_EVENTS);
  Stream stream;
  WeftTraceModel *model;
  WeftRunStats run;
  guint64 before, after;

  stream_init (&stream);
  before = resident_bytes ();
  model = weft_trace_model_new ();
  for (gsize n = 0; n < N_RSS_EVENTS; n += APPEND_EVENTS)
    {
      gsize m = MIN (APPEND_EVENTS, N_RSS_EVENTS - n);

      stream_fill (&stream, batch, m);
      weft_trace_model_append (model, batch, m);
    }
  weft_trace_model_finish (model, 0);
  after = resident_bytes ();
  weft_trace_model_get_run_stats (model, &run);
  printf ("BENCH model_rss_bytes_per_span %.1f bytes\n", (double) (after - before) / (double) run.n_spans);
  g_object_unref (model);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  WeftEvent *events = g_new (WeftEvent, N_EVENTS);
  Stream stream;
  WeftRunStats run;
  guint64 t0, t1;
  double seconds;

  stream_init (&stream);
  stream_fill (&stream, events, N_EVENTS);

  t0 = weft_clock_now_ns ();
  for (gsize i = 0; i < N_EVENTS; i += APPEND_EVENTS)
    weft_trace_model_append (model, events + i, MIN (APPEND_EVENTS, N_EVENTS - i));
  weft_trace_model_finish (model, 0);
  t1 = weft_clock_now_ns ();

  weft_trace_model_get_run_stats (model, &run);
  g_assert_cmpuint (run.n_events, ==, N_EVENTS);
  g_assert_cmpuint (run.n_unmatched, ==, 0);
  g_assert_cmpuint (run.n_spans, >, 0);

  seconds = (double) (t1 - t0) / 1e9;
  printf ("BENCH model_bytes_per_span %.2f bytes\n",
          (double) weft_trace_model_get_span_bytes (model) / (double) run.n_spans);
  printf ("BENCH model_append_events_per_s %.0f events/s\n", (double) N_EVENTS / seconds);

  g_clear_object (&model);
  g_free (events);
  measure_resident ();
  return 0;
}
