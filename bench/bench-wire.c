/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Benchmarks of the event path:
 *   record_ns_per_event   one worker thread recording into a pipe that another
 *                         thread drains; median of several runs, flushes included
 *   collect_events_per_s  two writer threads -> one pipe -> collector -> trace model
 *   collect_lost_events   events written but not in the model at the end
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "weft-collector.h"
#include "weft-trace-model.h"
#include "weft-wire-writer.h"

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static gpointer
drain_thread (gpointer data)
{
  int fd = GPOINTER_TO_INT (data);
  static char buf[1 << 16];

  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);

      if (n == 0 || (n < 0 && errno != EINTR))
        break;
    }
  return NULL;
}

static void
bench_record (void)
{
  enum { RUNS = 9, N = 4000000 };
  double ns[RUNS];
  int fds[2];
  GThread *drain;

  g_assert (pipe (fds) == 0);
  drain = g_thread_new ("drain", drain_thread, GINT_TO_POINTER (fds[0]));

  for (guint r = 0; r < RUNS; r++)
    {
      WeftWireWriter *w = weft_wire_writer_new (fds[1], 1);
      guint64 t0 = weft_clock_now_ns (), t1;

      for (guint i = 0; i < N; i++)
        weft_wire_writer_record (w, (i & 1) ? WEFT_EVENT_TASK_END : WEFT_EVENT_TASK_BEGIN,
                                 i >> 1, i, 0);
      weft_wire_writer_flush (w);
      t1 = weft_clock_now_ns ();
      g_assert (weft_wire_writer_get_n_dropped (w) == 0);
      weft_wire_writer_free (w);
      ns[r] = (double) (t1 - t0) / N;
    }

  close (fds[1]);
  g_thread_join (drain);
  close (fds[0]);

  qsort (ns, RUNS, sizeof ns[0], compare_double);
  g_print ("BENCH record_ns_per_event %.1f ns\n", ns[RUNS / 2]);
}

typedef struct
{
  int     fd;
  guint16 worker;
  guint   n_events;
} WriterArgs;

static gpointer
writer_thread (gpointer data)
{
  WriterArgs *args = data;
  g_autoptr(WeftWireWriter) w = weft_wire_writer_new (args->fd, args->worker);

  for (guint i = 0; i < args->n_events; i++)
    weft_wire_writer_record (w, (i & 1) ? WEFT_EVENT_TASK_END : WEFT_EVENT_TASK_BEGIN,
                             i >> 1, i, 0);
  weft_wire_writer_close (w);
  close (args->fd);
  return NULL;
}

static void
model_sink (const WeftEvent *events,
            gsize            n_events,
            gpointer         user_data)
{
  weft_trace_model_append (user_data, events, n_events);
}

static void
bench_collect (void)
{
  enum { N_WRITERS = 2, N = 10000000 };
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(WeftCollector) collector = NULL;
  g_autoptr(GError) error = NULL;
  WriterArgs args[N_WRITERS];
  GThread *threads[N_WRITERS];
  guint64 t0, t1, received = 0, expected = (guint64) N_WRITERS * N;
  int wfd;

  collector = weft_collector_new_pipe (N_WRITERS, &wfd, &error);
  g_assert_no_error (error);
  weft_collector_set_sink (collector, model_sink, model, NULL);
  weft_collector_attach (collector, context);

  t0 = weft_clock_now_ns ();
  for (guint i = 0; i < N_WRITERS; i++)
    {
      args[i] = (WriterArgs) { i == 0 ? wfd : dup (wfd), (guint16) i, N };
      threads[i] = g_thread_new ("writer", writer_thread, &args[i]);
    }

  while (!weft_collector_get_finished (collector))
    g_main_context_iteration (context, TRUE);
  t1 = weft_clock_now_ns ();

  for (guint i = 0; i < N_WRITERS; i++)
    g_thread_join (threads[i]);

  weft_trace_model_finish (model, t1);
  for (guint i = 0; i < N_WRITERS; i++)
    {
      WeftLane *lane = weft_trace_model_lookup_lane (model, i);

      /* every begin/end pair became one span */
      if (lane != NULL)
        received += 2 * weft_lane_get_total_spans (lane);
    }

  g_print ("BENCH collect_events_per_s %.0f events/s\n",
           (double) weft_collector_get_n_events (collector) / ((double) (t1 - t0) / 1e9));
  g_print ("BENCH collect_lost_events %" G_GUINT64_FORMAT " events\n", expected - received);
}

int
main (int   argc,
      char *argv[])
{
  signal (SIGPIPE, SIG_IGN);
  bench_record ();
  bench_collect ();
  return 0;
}
