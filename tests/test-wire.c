/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>

#include "weft-collector.h"
#include "weft-wire-reader.h"
#include "weft-wire-writer.h"

/* ---- helpers ---------------------------------------------------------- */

typedef struct
{
  GMainContext  *context;
  WeftCollector *collector;
  GArray        *events;
} Collect;

static void
collect_sink (const WeftEvent *events,
              gsize            n_events,
              gpointer         user_data)
{
  g_array_append_vals ((GArray *) user_data, events, n_events);
}

static void
collect_init (Collect *c,
              guint    max_workers,
              int     *out_write_fd)
{
  g_autoptr(GError) error = NULL;

  c->context = g_main_context_new ();
  c->events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  c->collector = weft_collector_new_pipe (max_workers, out_write_fd, &error);
  g_assert_no_error (error);
  weft_collector_set_sink (c->collector, collect_sink, c->events, NULL);
  weft_collector_attach (c->collector, c->context);
}

/* Iterates until the stream ends; the cap only turns a hang into a failure. */
static void
collect_wait (Collect *c)
{
  gint64 give_up = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!weft_collector_get_finished (c->collector))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_main_context_iteration (c->context, TRUE);
    }
}

static void
collect_clear (Collect *c)
{
  g_clear_object (&c->collector);
  g_clear_pointer (&c->events, g_array_unref);
  g_clear_pointer (&c->context, g_main_context_unref);
}

/* Drains everything a pipe holds once its writers are done. */
static GByteArray *
slurp_fd (int fd)
{
  GByteArray *bytes = g_byte_array_new ();
  guint8 buf[8192];
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      g_byte_array_append (bytes, buf, (guint) n);
    }
  return bytes;
}

/* Gives a stream's records the times base, base+1, …, its BYE among them */
static void
restamp (GByteArray *stream,
         guint64     base)
{
  for (gsize off = 0; off + WEFT_EVENT_SIZE <= stream->len; off += WEFT_EVENT_SIZE)
    {
      WeftEvent e;

      memcpy (&e, stream->data + off, sizeof e);
      e.time_ns = base + off / WEFT_EVENT_SIZE;
      memcpy (stream->data + off, &e, sizeof e);
    }
}

/* A whole stream from one writer: HELLO, n task events, BYE, with times
 * now+offset+i. The records are stamped again once written: the BYE's own
 * time comes from the clock, and on a fast machine the n records take less
 * than @offset nanoseconds, so it would fall before them. */
static GByteArray *
make_stream (guint16 worker,
             guint   n,
             guint64 offset)
{
  GByteArray *bytes;
  WeftEvent hello;
  int fd = memfd_create ("weft-stream", MFD_CLOEXEC);

  /* A memory file rather than a pipe: nobody reads until the writer is done. */
  g_assert_cmpint (fd, >=, 0);
  {
    g_autoptr(WeftWireWriter) w = weft_wire_writer_new (fd, worker);
    guint64 base = weft_wire_writer_now (w) + offset;

    for (guint i = 0; i < n; i++)
      weft_wire_writer_record_full (w, base + i, worker,
                                    (i & 1) ? WEFT_EVENT_TASK_END : WEFT_EVENT_TASK_BEGIN,
                                    i / 2, i, 0);
    weft_wire_writer_close (w);
    g_assert_cmpuint (weft_wire_writer_get_n_dropped (w), ==, 0);
  }
  g_assert_cmpint (lseek (fd, 0, SEEK_SET), ==, 0);
  bytes = slurp_fd (fd);
  close (fd);
  g_assert_cmpuint (bytes->len, ==, (n + 2) * WEFT_EVENT_SIZE);
  memcpy (&hello, bytes->data, sizeof hello);
  restamp (bytes, hello.time_ns + offset);
  return bytes;
}

static guint
count_kind (GArray        *events,
            WeftEventKind  kind,
            int            worker)
{
  guint n = 0;

  for (guint i = 0; i < events->len; i++)
    {
      const WeftEvent *e = &g_array_index (events, WeftEvent, i);

      if (e->kind == kind && (worker < 0 || e->worker == worker))
        n++;
    }
  return n;
}

/* Checks that a worker's task events arrived complete and in order. */
static void
assert_sequence (GArray *events,
                 guint   worker,
                 guint64 n_expected)
{
  guint64 next = 0;

  for (guint i = 0; i < events->len; i++)
    {
      const WeftEvent *e = &g_array_index (events, WeftEvent, i);

      if (e->worker != worker ||
          (e->kind != WEFT_EVENT_TASK_BEGIN && e->kind != WEFT_EVENT_TASK_END))
        continue;
      g_assert_cmpint (e->arg0, ==, (gint64) next);
      g_assert_cmpuint (e->kind, ==, (next & 1) ? WEFT_EVENT_TASK_END : WEFT_EVENT_TASK_BEGIN);
      next++;
    }
  g_assert_cmpuint (next, ==, n_expected);
}

/* ---- tests ------------------------------------------------------------ */

static void
test_layout (void)
{
  g_assert_cmpuint (sizeof (WeftEvent), ==, 32);
  g_assert_cmpuint (WEFT_WIRE_WRITER_CAPACITY * WEFT_EVENT_SIZE, <=, PIPE_BUF);
  g_assert_cmpuint (WEFT_WIRE_WRITER_CAPACITY, >=, 64);
  g_assert_cmpstr (weft_event_kind_to_string (WEFT_EVENT_LOCK_WAIT), ==, "lock-wait");
  g_assert_cmpstr (weft_event_kind_to_string (WEFT_EVENT_N_KINDS), ==, "unknown");
  for (guint k = 1; k < WEFT_EVENT_N_KINDS; k++)
    g_assert_cmpstr (weft_event_kind_to_string (k), !=, "unknown");
}

static void
test_roundtrip (void)
{
  Collect c = { 0 };
  int wfd;

  collect_init (&c, 16, &wfd);
  {
    g_autoptr(WeftWireWriter) w = weft_wire_writer_new (wfd, 3);

    for (guint i = 0; i < 1000; i++)
      weft_wire_writer_record_full (w, weft_wire_writer_now (w), 3, WEFT_EVENT_COUNTER,
                                    7, (gint64) i * -3, G_MAXINT64 - i);
  }
  close (wfd);
  collect_wait (&c);

  g_assert_null (weft_collector_get_error (c.collector));
  g_assert_cmpuint (c.events->len, ==, 1002);
  g_assert_cmpuint (g_array_index (c.events, WeftEvent, 0).kind, ==, WEFT_EVENT_HELLO);
  g_assert_cmpuint (g_array_index (c.events, WeftEvent, 1001).kind, ==, WEFT_EVENT_BYE);
  for (guint i = 0; i < 1000; i++)
    {
      const WeftEvent *e = &g_array_index (c.events, WeftEvent, i + 1);

      g_assert_cmpuint (e->worker, ==, 3);
      g_assert_cmpuint (e->object, ==, 7);
      g_assert_cmpint (e->arg0, ==, (gint64) i * -3);
      g_assert_cmpint (e->arg1, ==, G_MAXINT64 - i);
    }
  g_assert_cmpuint (weft_wire_reader_get_n_rejected_total (weft_collector_get_reader (c.collector)), ==, 0);
  collect_clear (&c);
}

typedef struct
{
  int     fd;
  guint16 worker;
  guint   n_events;
  int    *n_done;
  GMainContext *context;
} ThreadArgs;

static gpointer
writer_thread (gpointer data)
{
  ThreadArgs *args = data;
  g_autoptr(WeftWireWriter) w = weft_wire_writer_new (args->fd, args->worker);

  for (guint i = 0; i < args->n_events; i++)
    weft_wire_writer_record (w, (i & 1) ? WEFT_EVENT_TASK_END : WEFT_EVENT_TASK_BEGIN,
                             i / 2, i, args->worker);
  weft_wire_writer_close (w);
  g_assert_cmpuint (weft_wire_writer_get_n_dropped (w), ==, 0);
  g_atomic_int_inc (args->n_done);
  g_main_context_wakeup (args->context);
  return NULL;
}

static GSubprocess *
spawn_writer (int          wfd,
              guint        worker,
              guint        n_events,
              int          die_after)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *worker_s = g_strdup_printf ("%u", worker);
  g_autofree char *n_s = g_strdup_printf ("%u", n_events);
  g_autofree char *die_s = g_strdup_printf ("%d", die_after);
  const char *program = g_getenv ("WEFT_TEST_WRITER");
  GSubprocess *proc;
  int child_fd;

  g_assert_nonnull (program);
  child_fd = dup (wfd);
  g_assert_cmpint (child_fd, >=, 0);
  g_subprocess_launcher_take_fd (launcher, child_fd, 3);
  proc = g_subprocess_launcher_spawn (launcher, &error, program, "3", worker_s, n_s,
                                      die_after >= 0 ? die_s : NULL, NULL);
  g_assert_no_error (error);
  return proc;
}

static void
wait_process (GSubprocess *proc)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
}

/* 8 threads and 4 processes write into one pipe at once; nothing is lost or torn. */
static void
test_threads_and_processes (void)
{
  enum { N_THREADS = 8, N_PROCS = 4, N_EVENTS = 40000 };
  Collect c = { 0 };
  GThread *threads[N_THREADS];
  ThreadArgs args[N_THREADS];
  GSubprocess *procs[N_PROCS];
  g_autoptr(GArray) unclosed = NULL;
  WeftWireReader *reader;
  int wfd, n_done = 0;

  collect_init (&c, 64, &wfd);

  for (guint i = 0; i < N_PROCS; i++)
    procs[i] = spawn_writer (wfd, N_THREADS + i, N_EVENTS, -1);
  for (guint i = 0; i < N_THREADS; i++)
    {
      args[i] = (ThreadArgs) { wfd, (guint16) i, N_EVENTS, &n_done, c.context };
      threads[i] = g_thread_new ("writer", writer_thread, &args[i]);
    }

  /* Collect while they write: the pipe is far smaller than what they send.
   * Each thread wakes the context when it is done. */
  while (g_atomic_int_get (&n_done) < N_THREADS)
    g_main_context_iteration (c.context, TRUE);

  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  close (wfd);
  /* the processes may still be writing: read to the end before waiting
   * for them, or one blocks on the full pipe */
  collect_wait (&c);
  for (guint i = 0; i < N_PROCS; i++)
    {
      wait_process (procs[i]);
      g_assert_true (g_subprocess_get_successful (procs[i]));
      g_object_unref (procs[i]);
    }

  reader = weft_collector_get_reader (c.collector);
  g_assert_null (weft_collector_get_error (c.collector));
  g_assert_cmpuint (weft_wire_reader_get_n_rejected_total (reader), ==, 0);
  g_assert_cmpuint (weft_wire_reader_get_n_garbage_bytes (reader), ==, 0);
  g_assert_cmpuint (weft_wire_reader_get_n_writers (reader), ==, N_THREADS + N_PROCS);
  unclosed = weft_wire_reader_get_unclosed_workers (reader);
  g_assert_cmpuint (unclosed->len, ==, 0);

  for (guint w = 0; w < N_THREADS + N_PROCS; w++)
    {
      assert_sequence (c.events, w, N_EVENTS);
      g_assert_cmpuint (count_kind (c.events, WEFT_EVENT_HELLO, (int) w), ==, 1);
      g_assert_cmpuint (count_kind (c.events, WEFT_EVENT_BYE, (int) w), ==, 1);
    }
  /* the processes also named themselves: 19 bytes, two NAME records each */
  g_assert_cmpuint (count_kind (c.events, WEFT_EVENT_NAME, -1), ==, 2 * N_PROCS);
  collect_clear (&c);
}

/* Every write is whole records and at most PIPE_BUF bytes; never one per event. */
static void
test_write_sizes (void)
{
  int sv[2];
  guint n_writes = 0, n_records = 0;
  guint8 buf[65536];
  ssize_t n;

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_SEQPACKET, 0, sv));
  {
    g_autoptr(WeftWireWriter) w = weft_wire_writer_new (sv[0], 1);

    weft_wire_writer_set_interval (w, G_MAXUINT64 / 2);
    for (guint i = 0; i < 1000; i++)
      weft_wire_writer_record (w, WEFT_EVENT_INSTANT, i, 0, 0);
  }
  shutdown (sv[0], SHUT_WR);

  while ((n = recv (sv[1], buf, sizeof buf, 0)) > 0)
    {
      g_assert_cmpint (n, <=, PIPE_BUF);
      g_assert_cmpint (n % WEFT_EVENT_SIZE, ==, 0);
      n_writes++;
      n_records += (guint) n / WEFT_EVENT_SIZE;
    }
  close (sv[0]);
  close (sv[1]);

  g_assert_cmpuint (n_records, ==, 1002);
  g_assert_cmpuint (n_writes, ==, (1002 + WEFT_WIRE_WRITER_CAPACITY - 1) / WEFT_WIRE_WRITER_CAPACITY);
}

/* A worker that records slowly still gets its events out within the interval. */
static void
test_flush_interval (void)
{
  int sv[2];
  guint8 buf[65536];
  g_autoptr(WeftWireWriter) w = NULL;
  guint64 t;

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_SEQPACKET, 0, sv));
  w = weft_wire_writer_new (sv[0], 1);
  weft_wire_writer_set_interval (w, 1000000);
  t = weft_wire_writer_now (w);

  /* Within the interval: buffered, nothing sent */
  weft_wire_writer_record_full (w, t, 1, WEFT_EVENT_INSTANT, 1, 0, 0);
  g_assert_cmpint (recv (sv[1], buf, sizeof buf, MSG_DONTWAIT), ==, -1);
  g_assert_cmpint (errno, ==, EAGAIN);

  /* Past the deadline: the next record sends everything */
  weft_wire_writer_record_full (w, t + 5000000, 1, WEFT_EVENT_INSTANT, 2, 0, 0);
  g_assert_cmpint (recv (sv[1], buf, sizeof buf, MSG_DONTWAIT), ==, 3 * WEFT_EVENT_SIZE);

  /* On demand */
  weft_wire_writer_record_full (w, t + 5000001, 1, WEFT_EVENT_INSTANT, 3, 0, 0);
  g_assert_true (weft_wire_writer_flush (w));
  g_assert_cmpint (recv (sv[1], buf, sizeof buf, MSG_DONTWAIT), ==, WEFT_EVENT_SIZE);

  g_clear_pointer (&w, weft_wire_writer_free);
  g_assert_cmpint (recv (sv[1], buf, sizeof buf, MSG_DONTWAIT), ==, WEFT_EVENT_SIZE); /* BYE */
  close (sv[0]);
  close (sv[1]);
}

/* Reads cut at any byte give the same events as one big read. */
static void
test_partial_reads (void)
{
  g_autoptr(GByteArray) stream = make_stream (2, 5000, 1000);
  g_autoptr(GArray) whole = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(GArray) pieces = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(WeftWireReader) r1 = weft_wire_reader_new (16);
  g_autoptr(WeftWireReader) r2 = weft_wire_reader_new (16);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GError) error = NULL;
  gsize off = 0;

  g_assert_true (weft_wire_reader_feed (r1, stream->data, stream->len, whole, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (whole->len, ==, 5002);

  while (off < stream->len)
    {
      gsize chunk = MIN ((gsize) g_rand_int_range (rand, 1, 98), stream->len - off);

      g_assert_true (weft_wire_reader_feed (r2, stream->data + off, chunk, pieces, &error));
      off += chunk;
    }
  g_assert_true (weft_wire_reader_finish (r2, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (pieces->len, ==, whole->len);
  g_assert_cmpmem (pieces->data, pieces->len * sizeof (WeftEvent),
                   whole->data, whole->len * sizeof (WeftEvent));
  assert_sequence (pieces, 2, 5000);
}

/* Foreign bytes in the pipe are skipped and counted; every record around them is kept. */
static void
test_garbage (void)
{
  g_autoptr(GByteArray) a = make_stream (1, 300, 1000);
  g_autoptr(GByteArray) b = make_stream (2, 300, 2000);
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(WeftWireReader) reader = weft_wire_reader_new (16);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GError) error = NULL;
  guint8 junk[77];

  for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
    junk[i] = (guint8) g_rand_int (rand);

  /* a.half, 13 junk bytes, a.rest, 64 junk bytes, b */
  g_byte_array_append (stream, a->data, 160 * WEFT_EVENT_SIZE);
  g_byte_array_append (stream, junk, 13);
  g_byte_array_append (stream, a->data + 160 * WEFT_EVENT_SIZE, a->len - 160 * WEFT_EVENT_SIZE);
  g_byte_array_append (stream, junk + 13, 64);
  g_byte_array_append (stream, b->data, b->len);

  g_assert_true (weft_wire_reader_feed (reader, stream->data, stream->len, events, &error));
  g_assert_true (weft_wire_reader_finish (reader, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (weft_wire_reader_get_n_garbage_bytes (reader), ==, 77);
  g_assert_cmpuint (weft_wire_reader_get_n_rejected_total (reader), ==, 0);
  assert_sequence (events, 1, 300);
  assert_sequence (events, 2, 300);
  g_assert_cmpuint (events->len, ==, 2 * 302);
}

static void
test_not_weft (void)
{
  const char *json = "{\"traceEvents\": [{\"ph\": \"X\", \"ts\": 1, \"dur\": 2}]}";
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(WeftWireReader) reader = weft_wire_reader_new (0);
  g_autoptr(WeftWireReader) reader2 = weft_wire_reader_new (0);
  g_autoptr(GError) error = NULL;
  WeftEvent hello = { .time_ns = 5, .kind = WEFT_EVENT_HELLO,
                      .arg0 = WEFT_WIRE_MAGIC, .arg1 = 99 };

  g_assert_false (weft_wire_reader_feed (reader, (const guint8 *) json, strlen (json), events, &error));
  g_assert_error (error, WEFT_WIRE_ERROR, WEFT_WIRE_ERROR_NOT_WEFT);
  g_assert_cmpstr (error->message, ==, "not a Weft event stream: its first record is not a Weft handshake");
  g_assert_cmpuint (events->len, ==, 0);
  g_assert_false (weft_wire_reader_get_handshake_ok (reader));
  g_clear_error (&error);

  g_assert_false (weft_wire_reader_feed (reader2, (const guint8 *) &hello, sizeof hello, events, &error));
  g_assert_error (error, WEFT_WIRE_ERROR, WEFT_WIRE_ERROR_VERSION);
  g_assert_cmpstr (error->message, ==, "Weft event stream of wire version 99, this reader speaks version 1");
  g_assert_cmpuint (events->len, ==, 0);
}

/* A stream cut inside a record keeps every whole record before the cut. */
static void
test_truncated (void)
{
  g_autoptr(GByteArray) stream = make_stream (4, 100, 1000);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(WeftWireReader) reader = weft_wire_reader_new (16);
  g_autoptr(GError) error = NULL;
  gsize cut = 51 * WEFT_EVENT_SIZE + 10;

  g_assert_true (weft_wire_reader_feed (reader, stream->data, cut, events, &error));
  g_assert_false (weft_wire_reader_finish (reader, &error));
  g_assert_error (error, WEFT_WIRE_ERROR, WEFT_WIRE_ERROR_TRUNCATED);
  g_assert_cmpstr (error->message, ==, "the event stream ended inside a record (10 of 32 bytes)");
  g_assert_cmpuint (events->len, ==, 51);
  g_assert_cmpuint (weft_wire_reader_get_n_truncated_bytes (reader), ==, 10);
  assert_sequence (events, 4, 50);
}

/* Records with a bad field are counted by reason, never passed on. */
static void
test_validation (void)
{
  guint64 t0 = weft_clock_now_ns ();
  WeftEvent recs[] = {
    { .time_ns = t0, .kind = WEFT_EVENT_HELLO, .worker = 1, .arg0 = WEFT_WIRE_MAGIC, .arg1 = WEFT_WIRE_VERSION },
    { .time_ns = t0 + 10, .kind = WEFT_EVENT_TASK_BEGIN, .worker = 1 },
    { .time_ns = t0 + 11, .kind = 999, .worker = 1 },                    /* unknown kind */
    { .time_ns = t0 + 12, .kind = WEFT_EVENT_TASK_END, .worker = 40 },   /* worker >= 32 */
    { .time_ns = t0 + 5, .kind = WEFT_EVENT_TASK_END, .worker = 1 },     /* backwards */
    { .time_ns = t0 + 13, .kind = WEFT_EVENT_HELLO, .worker = 2, .arg0 = 1234 }, /* bad HELLO */
    { .time_ns = t0 + 14, .kind = WEFT_EVENT_TASK_END, .worker = 1 },
    { .time_ns = t0 + 3, .kind = WEFT_EVENT_TASK_BEGIN, .worker = 2 },   /* another worker may be earlier */
  };
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(WeftWireReader) reader = weft_wire_reader_new (32);
  g_autoptr(GError) error = NULL;

  g_assert_true (weft_wire_reader_feed (reader, (const guint8 *) recs, sizeof recs, events, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (events->len, ==, 4);
  g_assert_cmpuint (g_array_index (events, WeftEvent, 2).time_ns, ==, t0 + 14);
  g_assert_cmpuint (g_array_index (events, WeftEvent, 3).worker, ==, 2);
  g_assert_cmpuint (weft_wire_reader_get_n_rejected (reader, WEFT_WIRE_REJECT_KIND), ==, 1);
  g_assert_cmpuint (weft_wire_reader_get_n_rejected (reader, WEFT_WIRE_REJECT_WORKER), ==, 1);
  g_assert_cmpuint (weft_wire_reader_get_n_rejected (reader, WEFT_WIRE_REJECT_TIME), ==, 1);
  g_assert_cmpuint (weft_wire_reader_get_n_rejected (reader, WEFT_WIRE_REJECT_HELLO), ==, 1);
  g_assert_cmpuint (weft_wire_reader_get_n_rejected_total (reader), ==, 4);
  g_assert_cmpuint (weft_wire_reader_get_n_garbage_bytes (reader), ==, 0);
}

/* A worker killed mid-stream: what it wrote is kept, it is reported, the stream still ends. */
static void
test_writer_dies (void)
{
  Collect c = { 0 };
  GSubprocess *procs[3];
  g_autoptr(GArray) unclosed = NULL;
  int wfd;

  collect_init (&c, 16, &wfd);
  procs[0] = spawn_writer (wfd, 0, 3000, -1);
  procs[1] = spawn_writer (wfd, 1, 3000, 500);
  procs[2] = spawn_writer (wfd, 2, 3000, -1);
  close (wfd);

  /* read to the end first: a writer must not block on a full pipe */
  collect_wait (&c);
  for (guint i = 0; i < 3; i++)
    wait_process (procs[i]);
  g_assert_true (g_subprocess_get_if_signaled (procs[1]));
  g_assert_cmpint (g_subprocess_get_term_sig (procs[1]), ==, SIGKILL);

  g_assert_null (weft_collector_get_error (c.collector));
  assert_sequence (c.events, 0, 3000);
  assert_sequence (c.events, 1, 500);
  assert_sequence (c.events, 2, 3000);
  unclosed = weft_wire_reader_get_unclosed_workers (weft_collector_get_reader (c.collector));
  g_assert_cmpuint (unclosed->len, ==, 1);
  g_assert_cmpuint (g_array_index (unclosed, guint, 0), ==, 1);

  for (guint i = 0; i < 3; i++)
    g_object_unref (procs[i]);
  collect_clear (&c);
}

/* The reader went away: the writer counts its losses instead of dying of SIGPIPE. */
static void
test_reader_gone (void)
{
  int fds[2];
  g_autoptr(WeftWireWriter) w = NULL;

  g_assert_no_errno (pipe (fds));
  close (fds[0]);
  w = weft_wire_writer_new (fds[1], 0);
  for (guint i = 0; i < 300; i++)
    weft_wire_writer_record (w, WEFT_EVENT_INSTANT, i, 0, 0);
  g_assert_false (weft_wire_writer_flush (w));
  g_assert_cmpint (weft_wire_writer_get_errno (w), ==, EPIPE);
  g_assert_cmpuint (weft_wire_writer_get_n_written (w), ==, 0);
  g_assert_cmpuint (weft_wire_writer_get_n_dropped (w), ==, 301);
  close (fds[1]);
}

static void
test_names (void)
{
  const char *name = "a lock with a rather long name, 40 bytes";
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(WeftWireReader) reader = weft_wire_reader_new (16);
  g_autoptr(GString) joined = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  int fds[2];

  g_assert_cmpuint (strlen (name), ==, 40);
  g_assert_no_errno (pipe (fds));
  {
    g_autoptr(WeftWireWriter) w = weft_wire_writer_new (fds[1], 5);
    weft_wire_writer_name (w, 77, name);
  }
  close (fds[1]);
  bytes = slurp_fd (fds[0]);
  close (fds[0]);

  g_assert_true (weft_wire_reader_feed (reader, bytes->data, bytes->len, events, &error));
  g_assert_cmpuint (count_kind (events, WEFT_EVENT_NAME, 5), ==, 3);
  for (guint i = 0; i < events->len; i++)
    {
      const WeftEvent *e = &g_array_index (events, WeftEvent, i);
      char chunk[17] = { 0 };

      if (e->kind != WEFT_EVENT_NAME)
        continue;
      g_assert_cmpuint (e->object, ==, 77);
      memcpy (chunk, &e->arg0, 8);
      memcpy (chunk + 8, &e->arg1, 8);
      g_string_append (joined, chunk);
    }
  g_assert_cmpstr (joined->str, ==, name);
}

/* The writer's cheap clock agrees with CLOCK_MONOTONIC and never goes back. */
static void
test_clock (void)
{
  int fd = memfd_create ("weft-clock", MFD_CLOEXEC);
  g_autoptr(WeftWireWriter) w = weft_wire_writer_new (fd, 1);
  guint64 start = weft_clock_now_ns (), prev = 0, worst_early = 0, worst_late = 0;
  guint n = 0;

  /* Long enough for the TSC's scale to be measured and used. */
  while (weft_clock_now_ns () - start < 60 * G_GUINT64_CONSTANT (1000000))
    {
      guint64 before = weft_clock_now_ns ();
      guint64 t = weft_wire_writer_now (w);
      guint64 after = weft_clock_now_ns ();

      g_assert_cmpuint (t, >=, prev);
      prev = t;
      if (t < before)
        worst_early = MAX (worst_early, before - t);
      if (t > after)
        worst_late = MAX (worst_late, t - after);
      weft_wire_writer_record_full (w, t, 1, WEFT_EVENT_INSTANT, 0, 0, 0);
      n++;
    }

  g_test_message ("%u readings; worst %" G_GUINT64_FORMAT " ns early, %" G_GUINT64_FORMAT
                  " ns late; TSC %s", n, worst_early, worst_late,
                  weft_clock_tsc_usable () ? "used" : "not used");
  /* Generous for a loaded machine; typical figures are tens of ns. */
  g_assert_cmpuint (worst_early, <, 20000);
  g_assert_cmpuint (worst_late, <, 20000);
  close (fd);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/weft/wire/layout", test_layout);
  g_test_add_func ("/weft/wire/roundtrip", test_roundtrip);
  g_test_add_func ("/weft/wire/threads-and-processes", test_threads_and_processes);
  g_test_add_func ("/weft/wire/write-sizes", test_write_sizes);
  g_test_add_func ("/weft/wire/flush-interval", test_flush_interval);
  g_test_add_func ("/weft/wire/partial-reads", test_partial_reads);
  g_test_add_func ("/weft/wire/garbage", test_garbage);
  g_test_add_func ("/weft/wire/not-weft", test_not_weft);
  g_test_add_func ("/weft/wire/truncated", test_truncated);
  g_test_add_func ("/weft/wire/validation", test_validation);
  g_test_add_func ("/weft/wire/writer-dies", test_writer_dies);
  g_test_add_func ("/weft/wire/reader-gone", test_reader_gone);
  g_test_add_func ("/weft/wire/names", test_names);
  g_test_add_func ("/weft/wire/clock", test_clock);

  return g_test_run ();
}
