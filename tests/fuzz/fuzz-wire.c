/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Fuzz target: the event path of a live run. The input's first bytes choose
 * how the stream is cut into reads; the rest is the stream, written into a
 * real pipe one piece at a time and read by a WeftCollector whose sink
 * builds a trace model, as a run does.
 *
 *   byte 0, low 4 bits   n: how many read-size bytes follow (0: one read)
 *   byte 0, high 4 bits  the reader's max_workers (0: the default)
 *   bytes 1..n           read sizes, used in turn: byte b reads b + 1 bytes
 *   the rest             the event stream
 *
 * The events the collector hands out must not depend on how the stream was
 * cut: they must equal what one weft_wire_reader_feed() of the whole stream
 * gives, with the same counts of rejected records and garbage bytes, and
 * the model built from them must not depend on how they were batched.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "weft-collector.h"
#include "weft-fuzz.h"
#include "weft-trace-model.h"

typedef struct
{
  WeftTraceModel *model;
  GArray         *events;
} Sink;

static void
sink_events (const WeftEvent *events,
             gsize            n_events,
             gpointer         user_data)
{
  Sink *sink = user_data;

  g_array_append_vals (sink->events, events, n_events);
  weft_trace_model_append (sink->model, events, n_events);
}

static void
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("writing the event pipe: %s", g_strerror (errno));
      data += n;
      len -= (gsize) n;
    }
}

/* Feeds @stream through a pipe in reads of the given sizes. */
static WeftCollector *
collect (const guint8 *stream,
         gsize         len,
         const guint8 *sizes,
         gsize         n_sizes,
         guint         max_workers,
         Sink         *sink)
{
  g_autoptr(GError) error = NULL;
  WeftCollector *collector;
  int wfd;
  gsize off = 0;

  collector = weft_collector_new_pipe (max_workers, &wfd, &error);
  g_assert_no_error (error);
  weft_collector_set_sink (collector, sink_events, sink, NULL);

  for (gsize i = 0; off < len; i++)
    {
      gsize chunk = n_sizes > 0 ? (gsize) sizes[i % n_sizes] + 1 : len;

      chunk = MIN (chunk, len - off);
      write_all (wfd, stream + off, chunk);
      off += chunk;
      /* The pipe holds this piece only: one read takes all of it. */
      if (!weft_collector_read_available (collector))
        break;
    }

  close (wfd);
  while (weft_collector_read_available (collector))
    ;
  g_assert_true (weft_collector_get_finished (collector));
  return collector;
}

static gboolean
refused (const GError *error)
{
  return g_error_matches (error, WEFT_WIRE_ERROR, WEFT_WIRE_ERROR_NOT_WEFT) ||
         g_error_matches (error, WEFT_WIRE_ERROR, WEFT_WIRE_ERROR_VERSION);
}

/* The same stream read in one piece, without a pipe. */
static void
check_against_one_read (WeftCollector *collector,
                        const guint8  *stream,
                        gsize          len,
                        guint          max_workers,
                        GArray        *events)
{
  g_autoptr(WeftWireReader) reader = weft_wire_reader_new (max_workers);
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(GError) error = NULL;
  WeftWireReader *live = weft_collector_get_reader (collector);
  gboolean fed = len == 0 || weft_wire_reader_feed (reader, stream, len, expected, &error);

  g_assert_cmpuint (events->len, ==, expected->len);
  if (expected->len > 0)
    g_assert_true (memcmp (events->data, expected->data, expected->len * sizeof (WeftEvent)) == 0);
  g_assert_cmpuint (weft_collector_get_n_events (collector), ==, expected->len);
  g_assert_cmpint (weft_wire_reader_get_handshake_ok (live), ==,
                   weft_wire_reader_get_handshake_ok (reader));
  g_assert_cmpuint (weft_wire_reader_get_n_garbage_bytes (live), ==,
                    weft_wire_reader_get_n_garbage_bytes (reader));
  for (guint r = 0; r < WEFT_WIRE_N_REJECTS; r++)
    g_assert_cmpuint (weft_wire_reader_get_n_rejected (live, r), ==,
                      weft_wire_reader_get_n_rejected (reader, r));
  /* a stream that is not Weft's is refused, whatever the read sizes */
  g_assert_cmpint (!fed, ==, refused (weft_collector_get_error (collector)));
}

/* The model must not depend on how the events were batched either: the
 * same events appended at once give the same statistics. */
static void
check_against_one_batch (WeftTraceModel *model,
                         GArray         *events)
{
  g_autoptr(WeftTraceModel) whole = weft_trace_model_new ();
  WeftRunStats a, b;

  weft_trace_model_append (whole, (const WeftEvent *) (gpointer) events->data, events->len);
  weft_trace_model_finish (whole, 0);

  weft_trace_model_get_run_stats (model, &a);
  weft_trace_model_get_run_stats (whole, &b);
  g_assert_cmpuint (a.first_ns, ==, b.first_ns);
  g_assert_cmpuint (a.last_ns, ==, b.last_ns);
  g_assert_cmpuint (a.n_events, ==, b.n_events);
  g_assert_cmpuint (a.n_spans, ==, b.n_spans);
  g_assert_cmpuint (a.n_unmatched, ==, b.n_unmatched);
  g_assert_cmpuint (a.n_dropped, ==, b.n_dropped);
  g_assert_cmpuint (a.n_lanes, ==, b.n_lanes);

  weft_fuzz_check_same_lanes (model, whole);

  g_assert_cmpuint (weft_flow_list_get_n_flows (weft_trace_model_get_flows (model)), ==,
                    weft_flow_list_get_n_flows (weft_trace_model_get_flows (whole)));
  g_assert_cmpuint (weft_counter_track_get_n_points (weft_trace_model_get_parallelism (model)), ==,
                    weft_counter_track_get_n_points (weft_trace_model_get_parallelism (whole)));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(WeftCollector) collector = NULL;
  g_autoptr(GArray) events = NULL;
  g_autoptr(GArray) unclosed = NULL;
  Sink sink;
  gsize n_sizes;
  guint max_workers;

  weft_fuzz_init ();

  if (size == 0)
    return 0;
  n_sizes = MIN ((gsize) (data[0] & 0x0f), size - 1);
  max_workers = data[0] >> 4;

  model = weft_trace_model_new ();
  events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  sink = (Sink) { model, events };
  collector = collect (data + 1 + n_sizes, size - 1 - n_sizes, data + 1, n_sizes,
                       max_workers, &sink);
  check_against_one_read (collector, data + 1 + n_sizes, size - 1 - n_sizes,
                          max_workers, events);

  unclosed = weft_wire_reader_get_unclosed_workers (weft_collector_get_reader (collector));
  weft_trace_model_finish (model, 0);
  g_assert_true (weft_trace_model_get_finished (model));
  weft_fuzz_check_model (model);
  check_against_one_batch (model, events);
  return 0;
}

void
weft_fuzz_check_named (const char    *name,
                       const uint8_t *data,
                       size_t         size)
{
}
