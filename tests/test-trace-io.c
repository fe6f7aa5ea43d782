/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

/* more than the 32 "args" members an event keeps */
#define WEFT_CHROME_TEST_ARGS 40

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "weft-json-stream.h"
#include "weft-trace-export.h"
#include "weft-trace-import.h"
#include "weft-span-args-private.h"
#include "weft-trace-journal-private.h"
#include "weft-trace-model-private.h"
#include "weft-test-points.h"

/* ---- helpers -------------------------------------------------------------- */

static WeftEvent
ev (guint64       t,
    guint16       worker,
    WeftEventKind kind,
    guint32       object,
    gint64        arg0,
    gint64        arg1)
{
  WeftEvent e = { .time_ns = t, .arg0 = arg0, .arg1 = arg1, .object = object, .worker = worker, .kind = kind };

  return e;
}

static WeftEvent
name_ev (guint64     t,
         guint16     worker,
         guint32     object,
         const char *text)
{
  WeftEvent e = ev (t, worker, WEFT_EVENT_NAME, object, 0, 0);
  char bytes[16] = { 0 };

  strncpy (bytes, text, sizeof bytes);
  memcpy (&e.arg0, bytes, 8);
  memcpy (&e.arg1, bytes + 8, 8);
  return e;
}

static char *
make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("weft-trace-io-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
rm_rf (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);

      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        rm_rf (p);
      else
        g_unlink (p);
    }
  g_dir_close (d);
  g_rmdir (dir);
}

static guint
count_files (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  g_dir_close (d);
  return n;
}

static char *
read_file (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
assert_same_spans (const WeftSpan *a,
                   const WeftSpan *b)
{
  g_assert_cmpuint (a->start_ns, ==, b->start_ns);
  g_assert_cmpuint (a->end_ns, ==, b->end_ns);
  g_assert_cmpuint (a->object, ==, b->object);
  g_assert_cmpuint (a->state, ==, b->state);
  g_assert_cmpuint (a->depth, ==, b->depth);
  g_assert_cmpuint (a->flags, ==, b->flags);
}

/* The args of a span (@depth) or an instant (G_MAXUINT) in both models. */
static void
assert_same_args (WeftTraceModel *a,
                  WeftTraceModel *b,
                  guint           worker,
                  guint           depth,
                  guint64         time_ns)
{
  gsize la, lb;
  const char *xa = depth == G_MAXUINT ? weft_trace_model_get_instant_args (a, worker, time_ns, &la)
                                      : weft_trace_model_get_span_args (a, worker, depth, time_ns, &la);
  const char *xb = depth == G_MAXUINT ? weft_trace_model_get_instant_args (b, worker, time_ns, &lb)
                                      : weft_trace_model_get_span_args (b, worker, depth, time_ns, &lb);

  g_assert_true ((xa == NULL) == (xb == NULL));
  if (xa != NULL)
    g_assert_cmpmem (xa, la, xb, lb);
}

static void
assert_same_points (const WeftCounterPoint *a,
                    guint                   na,
                    const WeftCounterPoint *b,
                    guint                   nb)
{
  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    {
      g_assert_cmpuint (a[i].time_ns, ==, b[i].time_ns);
      g_assert_cmpint (a[i].value, ==, b[i].value);
    }
}

/* Everything a model says, compared field by field. */
static void
assert_same_models (WeftTraceModel *a,
                    WeftTraceModel *b)
{
  WeftRunStats ra, rb;
  g_autofree guint32 *ids_a = NULL;
  g_autofree guint32 *ids_b = NULL;
  guint na, nb;
  const WeftCounterPoint *pa, *pb;
  const WeftFlow *fa, *fb;

  g_assert_cmpint (weft_trace_model_get_named_slices (a), ==, weft_trace_model_get_named_slices (b));
  g_assert_cmpuint (weft_trace_model_get_n_args (a), ==, weft_trace_model_get_n_args (b));

  g_assert_cmpint (weft_trace_model_get_finished (a), ==, weft_trace_model_get_finished (b));
  weft_trace_model_get_run_stats (a, &ra);
  weft_trace_model_get_run_stats (b, &rb);
  g_assert_cmpuint (ra.first_ns, ==, rb.first_ns);
  g_assert_cmpuint (ra.last_ns, ==, rb.last_ns);
  g_assert_cmpuint (ra.wall_ns, ==, rb.wall_ns);
  g_assert_cmpuint (ra.n_events, ==, rb.n_events);
  g_assert_cmpuint (ra.n_spans, ==, rb.n_spans);
  g_assert_cmpuint (ra.n_unmatched, ==, rb.n_unmatched);
  g_assert_cmpuint (ra.n_dropped, ==, rb.n_dropped);
  g_assert_cmpuint (ra.n_lanes, ==, rb.n_lanes);

  for (guint i = 0; i < ra.n_lanes; i++)
    {
      WeftLane *la = weft_trace_model_get_lane (a, i);
      WeftLane *lb = weft_trace_model_get_lane (b, i);
      WeftLaneStats sa, sb;
      const WeftInstant *ia, *ib;
      guint n_open;

      g_assert_cmpuint (weft_lane_get_worker (la), ==, weft_lane_get_worker (lb));
      g_assert_cmpstr (weft_lane_get_name (la), ==, weft_lane_get_name (lb));
      g_assert_cmpint (weft_lane_get_executor (la), ==, weft_lane_get_executor (lb));
      g_assert_cmpint (weft_lane_get_pid (la), ==, weft_lane_get_pid (lb));
      g_assert_cmpuint (weft_lane_get_last_time (la), ==, weft_lane_get_last_time (lb));
      g_assert_cmpuint (weft_lane_get_n_depths (la), ==, weft_lane_get_n_depths (lb));
      g_assert_cmpuint (weft_lane_get_total_spans (la), ==, weft_lane_get_total_spans (lb));
      for (guint d = 0; d < weft_lane_get_n_depths (la); d++)
        {
          g_assert_cmpuint (weft_lane_get_n_spans (la, d), ==, weft_lane_get_n_spans (lb, d));
          for (guint k = 0; k < weft_lane_get_n_spans (la, d); k++)
            {
              WeftSpan x, y;

              g_assert_true (weft_lane_get_span (la, d, k, &x));
              g_assert_true (weft_lane_get_span (lb, d, k, &y));
              assert_same_spans (&x, &y);
              assert_same_args (a, b, weft_lane_get_worker (la), d, x.start_ns);
            }
        }
      n_open = weft_lane_get_n_open_spans (la);
      g_assert_cmpuint (n_open, ==, weft_lane_get_n_open_spans (lb));
      if (n_open > 0)
        {
          g_autofree WeftSpan *oa = g_new (WeftSpan, n_open);
          g_autofree WeftSpan *ob = g_new (WeftSpan, n_open);

          weft_lane_get_open_spans (la, oa, n_open);
          weft_lane_get_open_spans (lb, ob, n_open);
          for (guint k = 0; k < n_open; k++)
            {
              assert_same_spans (&oa[k], &ob[k]);
              assert_same_args (a, b, weft_lane_get_worker (la), oa[k].depth, oa[k].start_ns);
            }
        }
      g_assert_cmpint (weft_lane_get_current_state (la), ==, weft_lane_get_current_state (lb));
      ia = weft_lane_get_instants (la, &na);
      ib = weft_lane_get_instants (lb, &nb);
      g_assert_cmpuint (na, ==, nb);
      for (guint k = 0; k < na; k++)
        {
          g_assert_cmpuint (ia[k].time_ns, ==, ib[k].time_ns);
          g_assert_cmpuint (ia[k].object, ==, ib[k].object);
          g_assert_cmpint (ia[k].arg0, ==, ib[k].arg0);
          g_assert_cmpint (ia[k].arg1, ==, ib[k].arg1);
          assert_same_args (a, b, weft_lane_get_worker (la), G_MAXUINT, ia[k].time_ns);
        }
      g_assert_true (weft_trace_model_get_lane_stats (a, weft_lane_get_worker (la), &sa));
      g_assert_true (weft_trace_model_get_lane_stats (b, weft_lane_get_worker (lb), &sb));
      for (guint s = 0; s < WEFT_N_STATES; s++)
        g_assert_cmpuint (sa.state_ns[s], ==, sb.state_ns[s]);
      g_assert_cmpuint (sa.tasks_completed, ==, sb.tasks_completed);
      g_assert_cmpuint (sa.tasks_failed, ==, sb.tasks_failed);
      g_assert_cmpuint (sa.tasks_cancelled, ==, sb.tasks_cancelled);
      g_assert_cmpuint (sa.task_work_ns, ==, sb.task_work_ns);
      g_assert_cmpuint (sa.n_spans, ==, sb.n_spans);
      g_assert_cmpuint (sa.n_unmatched, ==, sb.n_unmatched);
    }

  ids_a = weft_trace_model_list_objects (a, 0, &na);
  ids_b = weft_trace_model_list_objects (b, 0, &nb);
  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    {
      guint32 id = ids_a[i];
      WeftLockStats la, lb;
      WeftQueueStats qa, qb;
      guint ca, cb;

      g_assert_cmpuint (id, ==, ids_b[i]);
      g_assert_cmpint (weft_trace_model_get_object_kind (a, id), ==, weft_trace_model_get_object_kind (b, id));
      g_assert_cmpint (weft_trace_model_get_object_initial (a, id), ==, weft_trace_model_get_object_initial (b, id));
      g_assert_cmpstr (weft_trace_model_get_object_name (a, id), ==, weft_trace_model_get_object_name (b, id));
      g_assert_true (weft_trace_model_get_lock_stats (a, id, &la));
      g_assert_true (weft_trace_model_get_lock_stats (b, id, &lb));
      g_assert_cmpmem (&la, sizeof la, &lb, sizeof lb);
      g_assert_true (weft_trace_model_get_queue_stats (a, id, &qa));
      g_assert_true (weft_trace_model_get_queue_stats (b, id, &qb));
      g_assert_cmpuint (qa.puts, ==, qb.puts);
      g_assert_cmpuint (qa.gets, ==, qb.gets);
      g_assert_cmpint (qa.max_depth, ==, qb.max_depth);
      g_assert_cmpuint (qa.put_blocked_ns, ==, qb.put_blocked_ns);
      g_assert_cmpuint (qa.get_blocked_ns, ==, qb.get_blocked_ns);
      g_assert_cmpuint (qa.blocked_ns, ==, qb.blocked_ns);
      pa = weft_test_points (weft_trace_model_get_counter (a, id), &ca);
      pb = weft_test_points (weft_trace_model_get_counter (b, id), &cb);
      assert_same_points (pa, ca, pb, cb);
    }

  pa = weft_test_points (weft_trace_model_get_parallelism (a), &na);
  pb = weft_test_points (weft_trace_model_get_parallelism (b), &nb);
  assert_same_points (pa, na, pb, nb);

  fa = weft_test_flows (weft_trace_model_get_flows (a), &na);
  fb = weft_test_flows (weft_trace_model_get_flows (b), &nb);
  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    {
      g_assert_cmpuint (fa[i].to_ns, ==, fb[i].to_ns);
      g_assert_cmpuint (fa[i].from_ns, ==, fb[i].from_ns);
      g_assert_cmpint (fa[i].item, ==, fb[i].item);
      g_assert_cmpuint (fa[i].object, ==, fb[i].object);
      g_assert_cmpuint (fa[i].from_worker, ==, fb[i].from_worker);
      g_assert_cmpuint (fa[i].to_worker, ==, fb[i].to_worker);
      g_assert_cmpuint (fa[i].kind, ==, fb[i].kind);
    }
}

static WeftTraceModel *
round_trip (WeftTraceModel       *model,
            WeftTraceMeta       **out_meta,
            WeftTraceImportStats *stats)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  g_autoptr(WeftTraceMeta) meta = weft_trace_meta_new ();
  g_autoptr(GError) error = NULL;
  WeftTraceModel *back;

  meta->profile = g_strdup ("pipeline \"demo\"");
  meta->executor = g_strdup ("threads");
  meta->gil = 1;
  meta->python = g_strdup ("3.9");
  meta->workers = 4;
  meta->machine = g_strdup ("test machine, 2 cores");
  meta->command_line = g_strdup ("weft-cli run demo.json");

  g_assert_true (weft_trace_export_to_file (model, meta, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (dir), ==, 1);

  back = weft_trace_import_file (path, out_meta, stats, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  rm_rf (dir);
  return back;
}

/* ---- round trips ---------------------------------------------------------- */

/* Two workers, a contended lock, the GIL, a queue hand-off, I/O, start-up,
 * failed and cancelled tasks, instants, counters, names, an unmatched end,
 * zero-length and back-to-back spans at one instant, and a span truncated by
 * finish(). */
static WeftTraceModel *
sample_model (gboolean finish)
{
  WeftTraceModel *model = weft_trace_model_new ();
  const WeftEvent events[] = {
    ev (1000, 0, WEFT_EVENT_HELLO, 0, WEFT_WIRE_MAGIC, WEFT_WIRE_VERSION),
    ev (1000, 0, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 4242),
    name_ev (1000, 0, WEFT_OBJECT_SELF, "worker zero"),
    ev (1000, 0, WEFT_EVENT_OBJECT_NEW, 1, WEFT_OBJECT_LOCK, 0),
    name_ev (1000, 0, 1, "mutex"),
    ev (1000, 0, WEFT_EVENT_OBJECT_NEW, 2, WEFT_OBJECT_QUEUE, 8),
    ev (1000, 0, WEFT_EVENT_OBJECT_NEW, 3, WEFT_OBJECT_COUNTER, 7),
    name_ev (1000, 0, 3, "bytes"),
    ev (1000, 0, WEFT_EVENT_OBJECT_NEW, 9, WEFT_OBJECT_GIL, 0),
    ev (1001, 1, WEFT_EVENT_HELLO, 0, WEFT_WIRE_MAGIC, WEFT_WIRE_VERSION),
    ev (1001, 1, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_PROCESSES, 5000),
    ev (2000, 1, WEFT_EVENT_SPAWN_BEGIN, 0, 0, 0),
    ev (2500, 1, WEFT_EVENT_SPAWN_END, 0, 0, 0),
    ev (3000, 0, WEFT_EVENT_TASK_BEGIN, 10, 0, 0),
    ev (3000, 0, WEFT_EVENT_LOCK_ACQUIRED, 1, 0, 0),
    ev (3000, 1, WEFT_EVENT_TASK_BEGIN, 11, 0, 0),
    ev (3100, 1, WEFT_EVENT_LOCK_WAIT, 1, 0, 0),
    ev (3500, 0, WEFT_EVENT_IO_BEGIN, 77, 100, 0),
    ev (3600, 0, WEFT_EVENT_IO_END, 77, 100, 0),
    ev (3700, 0, WEFT_EVENT_COUNTER, 3, 12, 0),
    ev (4000, 0, WEFT_EVENT_LOCK_RELEASED, 1, 0, 0),
    ev (4000, 1, WEFT_EVENT_LOCK_ACQUIRED, 1, 0, 0),
    ev (4000, 0, WEFT_EVENT_QUEUE_PUT_BEGIN, 2, 0, 0),
    ev (4100, 0, WEFT_EVENT_QUEUE_PUT_END, 2, 1, 555),
    ev (4100, 0, WEFT_EVENT_TASK_END, 10, WEFT_TASK_FAILED, 0),
    ev (4100, 0, WEFT_EVENT_TASK_BEGIN, 12, 0, 0),       /* back to back */
    ev (4100, 0, WEFT_EVENT_TASK_BEGIN, 13, 0, 0),       /* zero-length, nested */
    ev (4100, 0, WEFT_EVENT_TASK_END, 13, WEFT_TASK_OK, 700),
    ev (4200, 1, WEFT_EVENT_LOCK_RELEASED, 1, 0, 0),
    ev (4300, 1, WEFT_EVENT_QUEUE_GET_BEGIN, 2, 0, 0),
    ev (4400, 1, WEFT_EVENT_QUEUE_GET_END, 2, 0, 555),
    ev (4400, 1, WEFT_EVENT_INSTANT, 42, -1, 1234567890123LL),
    ev (4500, 1, WEFT_EVENT_TASK_END, 11, WEFT_TASK_CANCELLED, 0),
    ev (4600, 1, WEFT_EVENT_IO_END, 99, 0, 0),            /* closes nothing */
    ev (4700, 1, WEFT_EVENT_GIL_WAIT, 9, 0, 0),
    ev (4800, 0, WEFT_EVENT_GIL_ACQUIRED, 9, 0, 0),
    ev (4900, 0, WEFT_EVENT_GIL_RELEASED, 9, 0, 0),
    ev (4950, 1, WEFT_EVENT_GIL_ACQUIRED, 9, 0, 0),
    ev (5000, 1, WEFT_EVENT_GIL_RELEASED, 9, 0, 0),
    ev (5100, 0, WEFT_EVENT_TASK_END, 12, WEFT_TASK_SUSPENDED, 1000),  /* a coroutine's stretch */
    ev (5200, 1, WEFT_EVENT_TASK_BEGIN, 14, 0, 0),       /* truncated by finish */
    ev (5300, 1, WEFT_EVENT_COUNTER, 3, 3, 0),
    ev (5400, 0, WEFT_EVENT_BYE, 0, 0, 0),
  };

  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  weft_trace_model_set_object_name (model, 10, "parse \"a\"\n\tunicode é");
  if (finish)
    weft_trace_model_finish (model, 6000);
  return model;
}

static void
test_round_trip_sample (void)
{
  g_autoptr(WeftTraceModel) model = sample_model (TRUE);
  g_autoptr(WeftTraceMeta) meta = NULL;
  WeftTraceImportStats stats;
  g_autoptr(WeftTraceModel) back = round_trip (model, &meta, &stats);
  guint n_flows;

  assert_same_models (model, back);
  g_assert_true (stats.weft_format);
  g_assert_cmpuint (stats.n_invalid, ==, 0);
  g_assert_cmpuint (stats.n_unknown_phase, ==, 0);
  weft_test_flows (weft_trace_model_get_flows (back), &n_flows);
  g_assert_cmpuint (n_flows, ==, 3);   /* lock wake-up, queue hand-off, GIL wake-up */
  /* the suspended stretch keeps its flag and is no completed task */
  {
    WeftLaneStats ls;
    WeftSpan span;
    gboolean seen = FALSE;
    WeftLane *lane = weft_trace_model_lookup_lane (back, 0);

    for (guint k = 0; k < weft_lane_get_n_spans (lane, 0); k++)
      if (weft_lane_get_span (lane, 0, k, &span) && span.object == 12)
        seen = (span.flags & WEFT_SPAN_TASK_SUSPENDED) != 0;
    g_assert_true (seen);
    g_assert_true (weft_trace_model_get_lane_stats (back, 0, &ls));
    g_assert_cmpuint (ls.tasks_completed, ==, 1);
    g_assert_cmpuint (ls.tasks_failed, ==, 1);
    g_assert_cmpuint (ls.task_work_ns, ==, 1700);
  }
  g_assert_cmpstr (meta->profile, ==, "pipeline \"demo\"");
  g_assert_cmpstr (meta->executor, ==, "threads");
  g_assert_cmpint (meta->gil, ==, 1);
  g_assert_cmpstr (meta->python, ==, "3.9");
  g_assert_cmpuint (meta->workers, ==, 4);
  g_assert_cmpstr (meta->machine, ==, "test machine, 2 cores");
  g_assert_cmpstr (meta->command_line, ==, "weft-cli run demo.json");
  g_assert_true (g_str_has_prefix (meta->source, "weft "));
}

static void
test_round_trip_live (void)
{
  g_autoptr(WeftTraceModel) model = sample_model (FALSE);
  g_autoptr(WeftTraceModel) back = round_trip (model, NULL, NULL);

  g_assert_false (weft_trace_model_get_finished (back));
  assert_same_models (model, back);
}

static void
test_round_trip_empty (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(WeftTraceModel) back = NULL;

  weft_trace_model_finish (model, 0);
  back = round_trip (model, NULL, NULL);
  assert_same_models (model, back);
}

/* Random but valid streams: nested tasks, locks (contended or not), the GIL,
 * queues with hand-offs, I/O, instants, counters, ties at one instant and
 * unmatched ends, fed in time order (releases first at equal times). */
typedef struct
{
  GArray *events;
  guint64 k;
  guint   worker;
  guint   n_workers;
  WeftEventKind stack_end[32];
  guint32 stack_obj[32];
  guint   depth;
} Gen;

static gboolean gen_ties;
static GRand *gen_rand;

/* The generator's own random numbers, so that a test can fix its seed. */
static gint32
rnd_range (gint32 begin,
           gint32 end)
{
  return gen_rand ? g_rand_int_range (gen_rand, begin, end) : g_test_rand_int_range (begin, end);
}

static gboolean
rnd_bit (void)
{
  return rnd_range (0, 2) == 1;
}

static gint32
rnd_int (void)
{
  return gen_rand ? (gint32) g_rand_int (gen_rand) : g_test_rand_int ();
}

static guint64
gen_time (Gen *g,
          gboolean strictly_later)
{
  if (strictly_later || !gen_ties || rnd_range (0, 4) != 0)
    g->k += (guint64) rnd_range (1, 50);
  return g->k * g->n_workers + g->worker;
}

static void
gen_push (Gen          *g,
          WeftEventKind begin,
          WeftEventKind end,
          guint32       obj)
{
  WeftEvent e = ev (gen_time (g, FALSE), (guint16) g->worker, begin, obj, 0, 0);

  g_array_append_val (g->events, e);
  g->stack_end[g->depth] = end;
  g->stack_obj[g->depth] = obj;
  g->depth++;
}

static int
compare_fed (const void *a,
             const void *b)
{
  const WeftEvent *x = a, *y = b;
  gboolean rx = x->kind == WEFT_EVENT_LOCK_RELEASED || x->kind == WEFT_EVENT_GIL_RELEASED;
  gboolean ry = y->kind == WEFT_EVENT_LOCK_RELEASED || y->kind == WEFT_EVENT_GIL_RELEASED;

  if (x->time_ns != y->time_ns)
    return x->time_ns < y->time_ns ? -1 : 1;
  /* one worker's events keep their order (the sort is stable) */
  if (x->worker == y->worker)
    return 0;
  if (rx != ry)
    return rx ? -1 : 1;
  return x->worker < y->worker ? -1 : 1;
}

/* Feeds @all (sorted by time) as a real run's collector would: each worker's
 * events in order, in buffers of 1 to 24 records, the buffers of different
 * workers interleaved at random and handed over in several appends, so that
 * a release often arrives after the acquisition it woke. */
static void
append_as_arrived (WeftTraceModel *model,
                   GArray         *all,
                   guint           n_workers)
{
  g_autofree guint *next = g_new0 (guint, n_workers);
  g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  guint left = all->len;

  while (left > 0)
    {
      guint w = (guint) rnd_range (0, (gint32) n_workers);
      guint n = (guint) rnd_range (1, 25);

      for (; n > 0 && next[w] < all->len; next[w]++)
        {
          const WeftEvent *e = &g_array_index (all, WeftEvent, next[w]);

          if (e->worker != w)
            continue;
          g_array_append_val (batch, *e);
          left--;
          n--;
        }
      if (left == 0 || rnd_range (0, 4) == 0)
        {
          weft_trace_model_append (model, (const WeftEvent *) (gpointer) batch->data, batch->len);
          g_array_set_size (batch, 0);
        }
    }
}

static WeftTraceModel *
random_model (guint n_workers,
              guint steps,
              gboolean finish,
              gboolean as_arrived)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  gint64 next_item = 1;
  gint64 next_got = 1;   /* each item is put once and got once, as in a run */

  for (guint w = 0; w < n_workers; w++)
    {
      Gen g = { .events = g_array_new (FALSE, FALSE, sizeof (WeftEvent)), .worker = w, .n_workers = n_workers, .k = 1 };
      WeftEvent e;

      e = ev (gen_time (&g, TRUE), (guint16) w, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 100 + w);
      g_array_append_val (g.events, e);
      for (guint s = 0; s < steps; s++)
        {
          int op = rnd_range (0, 12);

          gboolean waiting = g.depth > 0 && (g.stack_end[g.depth - 1] == WEFT_EVENT_LOCK_ACQUIRED ||
                                              g.stack_end[g.depth - 1] == WEFT_EVENT_GIL_ACQUIRED);

          /* a waiting worker does nothing but wait */
          if (g.depth > 0 && (op < 4 || g.depth >= 6 || waiting))
            {
              /* close the innermost */
              WeftEventKind end = g.stack_end[g.depth - 1];
              guint32 obj = g.stack_obj[g.depth - 1];
              gboolean queue = end == WEFT_EVENT_QUEUE_PUT_END || end == WEFT_EVENT_QUEUE_GET_END;

              g.depth--;
              if (end == WEFT_EVENT_LOCK_ACQUIRED || end == WEFT_EVENT_GIL_ACQUIRED)
                {
                  /* a wait ends by acquiring: now holding */
                  e = ev (gen_time (&g, FALSE), (guint16) w, end, obj, 0, 0);
                  g_array_append_val (g.events, e);
                  g.stack_end[g.depth] = end == WEFT_EVENT_LOCK_ACQUIRED ? WEFT_EVENT_LOCK_RELEASED : WEFT_EVENT_GIL_RELEASED;
                  g.depth++;
                  continue;
                }
              e = ev (gen_time (&g, queue), (guint16) w, end, obj,
                      end == WEFT_EVENT_TASK_END ? rnd_range (0, 4) : queue ? rnd_range (0, 9) : 0,
                      queue ? (end == WEFT_EVENT_QUEUE_PUT_END ? next_item++ : next_got++) :
                      end == WEFT_EVENT_TASK_END ? rnd_range (0, 100000) : 0);
              g_array_append_val (g.events, e);
              continue;
            }
          switch (op)
            {
            case 4: case 5:
              gen_push (&g, WEFT_EVENT_TASK_BEGIN, WEFT_EVENT_TASK_END, (guint32) rnd_range (1, 20));
              break;
            case 6:
              if (rnd_bit ())
                gen_push (&g, WEFT_EVENT_LOCK_WAIT, WEFT_EVENT_LOCK_ACQUIRED, (guint32) rnd_range (100, 103));
              else
                gen_push (&g, WEFT_EVENT_LOCK_ACQUIRED, WEFT_EVENT_LOCK_RELEASED, (guint32) rnd_range (100, 103));
              break;
            case 7:
              gen_push (&g, rnd_bit () ? WEFT_EVENT_GIL_WAIT : WEFT_EVENT_GIL_ACQUIRED,
                        0, 200);
              g.stack_end[g.depth - 1] = g_array_index (g.events, WeftEvent, g.events->len - 1).kind == WEFT_EVENT_GIL_WAIT ?
                                         WEFT_EVENT_GIL_ACQUIRED : WEFT_EVENT_GIL_RELEASED;
              break;
            case 8:
              if (rnd_bit ())
                gen_push (&g, WEFT_EVENT_QUEUE_PUT_BEGIN, WEFT_EVENT_QUEUE_PUT_END, 300);
              else
                gen_push (&g, WEFT_EVENT_QUEUE_GET_BEGIN, WEFT_EVENT_QUEUE_GET_END, 300);
              break;
            case 9:
              gen_push (&g, WEFT_EVENT_IO_BEGIN, WEFT_EVENT_IO_END, (guint32) rnd_range (1, 3));
              break;
            case 10:
              e = ev (gen_time (&g, FALSE), (guint16) w, WEFT_EVENT_INSTANT, (guint32) rnd_range (1, 5),
                      rnd_int (), rnd_int ());
              g_array_append_val (g.events, e);
              break;
            default:
              if (rnd_range (0, 8) == 0)
                e = ev (gen_time (&g, FALSE), (guint16) w, WEFT_EVENT_IO_END, 1000, 0, 0);  /* unmatched */
              else
                e = ev (gen_time (&g, TRUE), (guint16) w, WEFT_EVENT_COUNTER, 400 + w % 2, rnd_range (-5, 100), 0);
              g_array_append_val (g.events, e);
              break;
            }
        }
      g_array_append_vals (all, g.events->data, g.events->len);
      g_array_unref (g.events);
    }
  /* stable: one worker's events at one instant keep their order */
  g_array_sort (all, compare_fed);
  weft_trace_model_declare_object (model, 300, WEFT_OBJECT_QUEUE, 16);
  weft_trace_model_set_object_name (model, 300, "jobs");
  if (as_arrived)
    append_as_arrived (model, all, n_workers);
  else
    weft_trace_model_append (model, (WeftEvent *) (gpointer) all->data, all->len);
  if (g_getenv ("WEFT_TEST_DUMP"))
    {
      g_autofree char *path = g_strconcat (g_getenv ("WEFT_TEST_DUMP"), ".ev", NULL);
      FILE *f = fopen (path, "w");

      for (guint i = 0; i < all->len; i++)
        {
          const WeftEvent *x = &g_array_index (all, WeftEvent, i);

          fprintf (f, "%" G_GUINT64_FORMAT " w%u %s %u %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", x->time_ns, x->worker,
                   weft_event_kind_to_string (x->kind), x->object, x->arg0, x->arg1);
        }
      fclose (f);
    }
  if (finish)
    weft_trace_model_finish (model, 0);
  return model;
}

/* For debugging a failing seed: WEFT_TEST_DUMP=PREFIX writes both models. */
static void
dump_model (WeftTraceModel *m,
            const char     *path)
{
  FILE *f = fopen (path, "w");
  const WeftCounterPoint *p;
  const WeftFlow *fl;
  guint n;

  g_assert_nonnull (f);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (m); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (m, i);
      WeftLaneStats st;

      weft_trace_model_get_lane_stats (m, weft_lane_get_worker (lane), &st);
      fprintf (f, "lane %u unmatched %" G_GUINT64_FORMAT " last %" G_GUINT64_FORMAT " done %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "\n",
               weft_lane_get_worker (lane), st.n_unmatched, weft_lane_get_last_time (lane),
               st.tasks_completed, st.tasks_failed, st.tasks_cancelled);
      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        for (guint k = 0; k < weft_lane_get_n_spans (lane, d); k++)
          {
            WeftSpan sp;

            weft_lane_get_span (lane, d, k, &sp);
            fprintf (f, "  d%u %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT " %s %u f%u\n", d, sp.start_ns, sp.end_ns,
                     weft_state_to_nick (sp.state), sp.object, sp.flags);
          }
    }
  p = weft_test_points (weft_trace_model_get_parallelism (m), &n);
  for (guint i = 0; i < n; i++)
    fprintf (f, "par %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT "\n", p[i].time_ns, p[i].value);
  fl = weft_test_flows (weft_trace_model_get_flows (m), &n);
  for (guint i = 0; i < n; i++)
    fprintf (f, "flow %" G_GUINT64_FORMAT "<-%" G_GUINT64_FORMAT " %u %" G_GINT64_FORMAT " %u->%u k%u\n", fl[i].to_ns, fl[i].from_ns,
             fl[i].object, fl[i].item, fl[i].from_worker, fl[i].to_worker, fl[i].kind);
  fclose (f);
}

/* Random streams, with and without ties at one instant on one lane, finished
 * or live, fed in a real run's arrival order, round-trip exactly. The seed is
 * the test's data. */
static void
test_round_trip_random (gconstpointer data)
{
  guint seed = GPOINTER_TO_UINT (data);

  for (guint variant = 0; variant < 4; variant++)
    {
      g_autoptr(WeftTraceModel) model = NULL;
      g_autoptr(WeftTraceModel) back = NULL;
      WeftTraceImportStats stats;

      if (g_getenv ("WEFT_TEST_VARIANT") && (guint) atoi (g_getenv ("WEFT_TEST_VARIANT")) != variant)
        continue;
      g_test_message ("variant %u", variant);

      gen_rand = g_rand_new_with_seed (seed * 4 + variant);
      gen_ties = (variant & 1) != 0;
      model = random_model (1 + seed % 4, 400, (variant & 2) == 0, TRUE);
      /* the same events in time order: the model does not depend on the
       * order in which different workers' batches arrived */
      {
        g_autoptr(WeftTraceModel) sorted = NULL;

        g_rand_free (gen_rand);
        gen_rand = g_rand_new_with_seed (seed * 4 + variant);
        sorted = random_model (1 + seed % 4, 400, (variant & 2) == 0, FALSE);
        assert_same_models (sorted, model);
      }
      back = round_trip (model, NULL, &stats);
      if (g_getenv ("WEFT_TEST_DUMP"))
        {
          g_autofree char *pa = g_strconcat (g_getenv ("WEFT_TEST_DUMP"), ".a", NULL);
          g_autofree char *pb = g_strconcat (g_getenv ("WEFT_TEST_DUMP"), ".b", NULL);

          dump_model (model, pa);
          dump_model (back, pb);
        }
      g_assert_true (stats.weft_format);
      g_assert_cmpuint (stats.n_invalid, ==, 0);
      assert_same_models (model, back);
      g_clear_pointer (&gen_rand, g_rand_free);
    }
}

/* A trace of a bit over two reads (1 MiB each), imported with white space
 * in front so that the first read ends at each byte around an event's "ts"
 * and "dur": a key's bytes must not be used once its value was read, since
 * the refill moves the buffer and the next read overwrites it. */
static void
test_round_trip_read_boundary (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  g_autofree char *padded = g_build_filename (dir, "padded.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const gsize chunk = 1u << 20;
  const char *dur;
  gsize len, p;
  guint64 t = 1000;

  weft_trace_model_declare_object (model, 1, WEFT_OBJECT_LOCK, 0);
  weft_trace_model_set_object_name (model, 1, "value_lock");
  for (guint i = 0; i < 5000; i++)
    {
      WeftEvent e[] = {
        ev (t, 0, WEFT_EVENT_LOCK_ACQUIRED, 1, 0, 0),
        ev (t + 130 + i % 11, 0, WEFT_EVENT_LOCK_RELEASED, 1, 0, 0),
        ev (t + 177, 0, WEFT_EVENT_COUNTER, 2, i, 0),
      };

      g_array_append_vals (events, e, G_N_ELEMENTS (e));
      t += 180 + i % 7;
    }
  weft_trace_model_append (model, (const WeftEvent *) (gpointer) events->data, events->len);
  weft_trace_model_finish (model, 0);
  g_assert_true (weft_trace_export_to_file (model, NULL, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_assert_cmpuint (len, >, 2 * chunk + 4096);

  /* the last "dur" well before the first read's end */
  dur = g_strrstr_len (text, (gssize) (chunk - 512), "\"dur\":");
  g_assert_nonnull (dur);
  p = (gsize) (dur - text);

  for (int j = -24; j <= 12; j++)
    {
      gsize pad = chunk - p - (gsize) j;
      g_autoptr(GString) s = g_string_sized_new (len + pad);
      g_autoptr(WeftTraceModel) back = NULL;
      FILE *f;

      g_string_append_c (s, '{');
      for (gsize k = 0; k < pad; k++)
        g_string_append_c (s, k % 2 ? ' ' : '\n');
      g_string_append_len (s, text + 1, (gssize) len - 1);
      /* not g_file_set_contents (): no fsync each time */
      f = fopen (padded, "w");
      g_assert_nonnull (f);
      g_assert_cmpuint (fwrite (s->str, 1, s->len, f), ==, s->len);
      g_assert_cmpint (fclose (f), ==, 0);
      g_test_message ("read ends %d bytes after \"dur\"", j);
      back = weft_trace_import_file (padded, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      assert_same_models (model, back);
    }
  rm_rf (dir);
}

/* ---- errors --------------------------------------------------------------- */

static const struct
{
  const char *file;
  const char *message;
} malformed[] = {
  { "missing-comma.json", "missing-comma.json:1:27: expected ',' or '}' after an object member, found '\"'" },
  { "unterminated-string.json", "unterminated-string.json:2:25: control character 0x0a inside a string (escape it)" },
  { "bad-number.json", "bad-number.json:1:34: malformed number: expected a digit, found '}'" },
  { "trailing-garbage.json", "trailing-garbage.json:2:1: expected end of file after the top-level value, found 'x'" },
  { "not-a-trace.json", "not-a-trace.json:1:1: expected a trace: an object with \"traceEvents\" or an array of events" },
  { "events-not-array.json", "events-not-array.json:1:17: expected an array for \"traceEvents\"" },
  { "no-trace-events.json", "no-trace-events.json:2:1: no \"traceEvents\" array in the trace object" },
  { "bad-escape.json", "bad-escape.json:1:36: invalid escape '\\q' in a string" },
  { "nan.json", "nan.json:1:32: expected a value (a string, a number, an object, an array, true, false or null), found 'N'" },
  { "empty.json", "empty.json:1:1: expected a value (a string, a number, an object, an array, true, false or null), found end of file" },
  { "truncated-object.json", "truncated-object.json:3:10: expected ',' or '}' after an object member, found end of file" },
  { "weft-bad-version.json", "weft-bad-version.json:1:20: Weft trace data version 99 is not supported (expected 2)" },
  { "deep-nesting.json", "deep-nesting.json:1:294: nesting deeper than 256 levels" },
  { "trailing-comma.json", "trailing-comma.json:1:36: expected a member name (a string) after ',', found '}'" },
  { "colon.json", "colon.json:2:12: expected ',' or '}' after an object member, found ':'" },
  { "array-missing-comma.json", "array-missing-comma.json:2:36: expected ',' or ']' after an array element, found '{'" },
};

static void
test_malformed (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "traces", "malformed", NULL);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint seen = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(WeftTraceModel) model = NULL;
      const char *expected = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
        if (g_str_equal (malformed[i].file, name))
          expected = malformed[i].message;
      if (expected == NULL)
        g_error ("%s has no expected message in test-trace-io.c", name);
      model = weft_trace_import_file (path, NULL, NULL, NULL, &error);
      g_assert_null (model);
      g_assert_nonnull (error);
      g_assert_true (error->domain == WEFT_TRACE_ERROR);
      g_assert_cmpstr (error->message, ==, expected);
      seen++;
    }
  g_dir_close (d);
  g_assert_cmpuint (seen, ==, G_N_ELEMENTS (malformed));
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) model = weft_trace_import_file ("/nonexistent/trace.json", NULL, NULL, NULL, &error);

  g_assert_null (model);
  g_assert_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "/nonexistent/trace.json: cannot open: No such file or directory");
}

/* A token that needs several reads, and errors after buffer refills, still
 * get the right line and column. */
static void
test_big_tokens (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "big.json", NULL);
  GString *text = g_string_new ("[\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) model = NULL;
  WeftTraceImportStats stats;
  guint n = 30000;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "{\"ph\":\"X\",\"pid\":1,\"tid\":%u,\"ts\":%u.5,\"dur\":1,\"name\":\"n%u\"},\n", i % 3, i, i % 7);
  g_string_append (text, "{\"ph\":\"i\",\"pid\":1,\"tid\":0,\"ts\":1,\"name\":\"");
  for (guint i = 0; i < 3 * 1024 * 1024; i++)
    g_string_append_c (text, (char) ('a' + i % 26));
  g_string_append (text, "\"},\n{\"ph\":\"X\" ,,}\n");
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));

  model = weft_trace_import_file (path, NULL, &stats, NULL, &error);
  g_assert_null (model);
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, "big.json:30003:12: expected a member name (a string) after ',', found ','");

  /* the same without the last bad line, and without a closing bracket */
  g_string_truncate (text, text->len - strlen ("{\"ph\":\"X\" ,,}\n"));
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));
  g_clear_error (&error);
  model = weft_trace_import_file (path, NULL, &stats, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (stats.unclosed_array);
  g_assert_cmpuint (stats.n_trace_events, ==, n + 1);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (model), ==, 3);
  g_assert_cmpuint (weft_lane_get_total_spans (weft_trace_model_get_lane (model, 0)), ==, n / 3);

  g_string_free (text, TRUE);
  rm_rf (dir);
}

/* ---- foreign traces ------------------------------------------------------- */

static guint32
find_object (WeftTraceModel *model,
             const char     *name)
{
  g_autofree guint32 *ids = NULL;
  guint n;

  ids = weft_trace_model_list_objects (model, 0, &n);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (weft_trace_model_get_object_name (model, ids[i]), name) == 0)
      return ids[i];
  g_error ("no object named %s", name);
  return 0;
}

static void
test_foreign_phases (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "traces", "foreign-phases.json", NULL);
  g_autoptr(GError) error = NULL;
  WeftTraceImportStats stats;
  g_autoptr(WeftTraceModel) model = weft_trace_import_file (path, NULL, &stats, NULL, &error);
  WeftLane *main_lane, *worker, *async, *other;
  WeftSpan span;
  const WeftCounterPoint *points;
  const WeftFlow *flows;
  guint n;

  g_assert_no_error (error);
  g_assert_false (stats.weft_format);
  g_assert_true (stats.unclosed_array);
  g_assert_cmpuint (stats.n_trace_events, ==, 26);
  g_assert_cmpuint (stats.n_unknown_phase, ==, 2);
  g_assert_cmpuint (stats.n_invalid, ==, 4);
  g_assert_cmpuint (stats.n_unmatched_end, ==, 1);
  g_assert_cmpuint (stats.n_unclosed, ==, 1);
  g_assert_cmpstr (stats.first_skip, ==, "foreign-phases.json:20:51: a phase Weft does not read");

  g_assert_cmpuint (weft_trace_model_get_n_lanes (model), ==, 4);
  main_lane = weft_trace_model_get_lane (model, 0);
  worker = weft_trace_model_get_lane (model, 1);
  async = weft_trace_model_get_lane (model, 2);
  other = weft_trace_model_get_lane (model, 3);
  g_assert_cmpstr (weft_lane_get_name (main_lane), ==, "renderer: main");
  g_assert_cmpstr (weft_lane_get_name (worker), ==, "renderer: worker");
  g_assert_cmpstr (weft_lane_get_name (async), ==, "renderer (async) net");
  g_assert_cmpstr (weft_lane_get_name (other), ==, "pid 11 tid 7");
  g_assert_cmpint (weft_lane_get_pid (other), ==, 11);
  g_assert_cmpint (weft_lane_get_executor (other), ==, WEFT_EXECUTOR_EXTERNAL);

  /* B/E nesting (given out of order) and X inside it; the flow's start
   * inside "inner" is no span (a put that did not block) */
  g_assert_cmpuint (weft_lane_get_n_spans (main_lane, 0), ==, 1);
  g_assert_true (weft_lane_get_span (main_lane, 0, 0, &span));
  g_assert_cmpuint (span.start_ns, ==, 10000);
  g_assert_cmpuint (span.end_ns, ==, 40000);
  g_assert_cmpuint (span.object, ==, find_object (model, "outer"));
  g_assert_true (weft_lane_get_span (main_lane, 1, 0, &span));
  g_assert_cmpuint (span.start_ns, ==, 20000);
  g_assert_cmpuint (span.end_ns, ==, 25000);
  g_assert_cmpuint (span.object, ==, find_object (model, "inner"));
  g_assert_cmpuint (weft_lane_get_n_depths (main_lane), ==, 2);

  /* an X and a B that never ends (closed at the lane's end) */
  g_assert_true (weft_lane_get_span (worker, 0, 0, &span));
  g_assert_cmpuint (span.end_ns - span.start_ns, ==, 100000);
  g_assert_true (weft_lane_get_span (worker, 0, 1, &span));
  g_assert_cmpuint (span.object, ==, find_object (model, "never ends"));
  g_assert_cmpuint (span.flags & WEFT_SPAN_TRUNCATED, !=, 0);
  weft_lane_get_instants (worker, &n);
  g_assert_cmpuint (n, ==, 2);

  /* async b/e on their own lane, n as an instant */
  g_assert_true (weft_lane_get_span (async, 0, 0, &span));
  g_assert_cmpuint (span.start_ns, ==, 12000);
  g_assert_cmpuint (span.end_ns, ==, 60000);
  g_assert_cmpuint (span.object, ==, find_object (model, "fetch"));
  weft_lane_get_instants (async, &n);
  g_assert_cmpuint (n, ==, 1);

  /* fractional µs */
  g_assert_true (weft_lane_get_span (other, 0, 0, &span));
  g_assert_cmpuint (span.start_ns, ==, 0);
  g_assert_cmpuint (span.end_ns, ==, 1500);

  /* counters: one track per series, values rounded */
  points = weft_test_points (weft_trace_model_get_counter (model, find_object (model, "heap.used")), &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (points[1].value, ==, 150);
  points = weft_test_points (weft_trace_model_get_counter (model, find_object (model, "heap.total")), &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (points[0].value, ==, 200);

  /* the s → f flow: an arrow, and no queue's depth track nor waits (a
   * Chromium trace showed a "Queue depth: flow …" track, max 0, per flow
   * category) */
  flows = weft_test_flows (weft_trace_model_get_flows (model), &n);
  g_assert_cmpuint (n, ==, 1);
  {
    guint32 n_queues = 0;
    g_autofree guint32 *queues = weft_trace_model_list_objects (model, WEFT_OBJECT_QUEUE, &n_queues);

    for (guint i = 0; i < n_queues; i++)
      {
        WeftQueueStats qs;

        g_assert_cmpuint (weft_counter_track_get_n_points (weft_trace_model_get_counter (model, queues[i])), ==, 0);
        g_assert_true (weft_trace_model_get_queue_stats (model, queues[i], &qs));
        g_assert_cmpuint (qs.put_waits + qs.get_waits, ==, 0);
      }
  }
  g_assert_cmpuint (flows[0].from_worker, ==, 0);
  g_assert_cmpuint (flows[0].to_worker, ==, 1);
  g_assert_cmpuint (flows[0].from_ns, ==, 22000);
  g_assert_cmpuint (flows[0].to_ns, ==, 24000);

  /* a non-ASCII name survives */
  g_assert_cmpuint (find_object (model, "inner"), !=, 0);
}

/* A model built from another program's trace is exported and read back
 * exactly too: its journal holds what the builder appended, and that its
 * spans are named slices (drawn by name again when the export is opened). */
static void
test_foreign_round_trip (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "traces", "foreign-phases.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) model = weft_trace_import_file (path, NULL, NULL, NULL, &error);
  g_autoptr(WeftTraceModel) back = NULL;
  WeftTraceImportStats stats;

  g_assert_no_error (error);
  g_assert_true (weft_trace_model_get_named_slices (model));
  back = round_trip (model, NULL, &stats);
  g_assert_true (stats.weft_format);
  g_assert_true (weft_trace_model_get_named_slices (back));
  assert_same_models (model, back);
}

/* ---- another program's args ------------------------------------------------ */

static const char *slice_args_trace =
  "[{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":1,\"args\":{\"name\":\"main\"}},\n"
  " {\"ph\":\"B\",\"pid\":1,\"tid\":1,\"ts\":10,\"name\":\"load\",\"args\":{\"url\":\"https://a/<b>&\",\"n\":1,\"both\":\"from B\"}},\n"
  " {\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":12,\"dur\":3,\"name\":\"parse\",\"args\":{\"ok\":true,\"none\":null,\"obj\":{ \"k\" : [1, 2.5, \"x\\\"y\"] },\"big\":1e999}},\n"
  " {\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":20,\"dur\":1,\"name\":\"plain\"},\n"
  " {\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":21,\"dur\":1,\"name\":\"spaced\",\"args\":{\"o\": { \"a\" : [ true , false ] } }},\n"
  " {\"ph\":\"E\",\"pid\":1,\"tid\":1,\"ts\":30,\"args\":{\"both\":\"from E\",\"bytes\":42}},\n"
  " {\"ph\":\"i\",\"pid\":1,\"tid\":1,\"ts\":25,\"name\":\"mark\",\"s\":\"t\",\"args\":{\"why\":\"tick\"}},\n"
  " {\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":40,\"dur\":1,\"name\":\"empty\",\"args\":{}},\n"
  " {\"ph\":\"b\",\"pid\":1,\"ts\":50,\"name\":\"fetch\",\"cat\":\"net\",\"id\":\"0x1\",\"args\":{\"req\":7}},\n"
  " {\"ph\":\"e\",\"pid\":1,\"ts\":60,\"name\":\"fetch\",\"cat\":\"net\",\"id\":\"0x1\",\"args\":{\"status\":200}}]\n";

static WeftTraceModel *
import_string (const char           *text,
               WeftTraceImportStats *stats)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  g_autoptr(GError) error = NULL;
  WeftTraceModel *model;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  model = weft_trace_import_file (path, NULL, stats, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  rm_rf (dir);
  return model;
}

/* The args of the span at (@worker, @depth, @start_ns) as a string, or NULL. */
static char *
span_args (WeftTraceModel *model,
           guint           worker,
           guint           depth,
           guint64         start_ns)
{
  gsize len;
  const char *args = weft_trace_model_get_span_args (model, worker, depth, start_ns, &len);

  return args != NULL ? g_strndup (args, len) : NULL;
}

/* The span of @lane named @name. */
static gboolean
find_named_span (WeftTraceModel *model,
                 WeftLane       *lane,
                 const char     *name,
                 WeftSpan       *out)
{
  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    for (guint k = 0; k < weft_lane_get_n_spans (lane, d); k++)
      if (weft_lane_get_span (lane, d, k, out) &&
          g_strcmp0 (weft_trace_model_get_object_name (model, out->object), name) == 0)
        return TRUE;
  return FALSE;
}

static char *
named_span_args (WeftTraceModel *model,
                 guint           lane_index,
                 const char     *name)
{
  WeftLane *lane = weft_trace_model_get_lane (model, lane_index);
  WeftSpan span;

  g_assert_true (find_named_span (model, lane, name, &span));
  return span_args (model, weft_lane_get_worker (lane), span.depth, span.start_ns);
}

/* A slice keeps its args: a B's merged with its E's (the E's value wins
 * where both have a key), an X's with every kind of value as compact
 * JSON, an instant's, an async slice's; slices without args (or with
 * empty ones) have none. */
static void
test_slice_args (void)
{
  WeftTraceImportStats stats;
  g_autoptr(WeftTraceModel) model = import_string (slice_args_trace, &stats);
  g_autofree char *load = named_span_args (model, 0, "load");
  g_autofree char *parse = named_span_args (model, 0, "parse");
  g_autofree char *plain = named_span_args (model, 0, "plain");
  g_autofree char *spaced = named_span_args (model, 0, "spaced");
  g_autofree char *empty = named_span_args (model, 0, "empty");
  g_autofree char *fetch = named_span_args (model, 1, "fetch");
  g_autofree char *instant = NULL;
  g_auto(GStrv) pairs = NULL;
  gboolean cut = TRUE;
  gsize len;
  const char *text;
  WeftSpan span;

  g_assert_cmpuint (stats.n_invalid, ==, 0);
  g_assert_cmpstr (load, ==, "{\"url\":\"https://a/<b>&\",\"n\":1,\"both\":\"from E\",\"bytes\":42}");
  g_assert_cmpstr (parse, ==, "{\"ok\":true,\"none\":null,\"obj\":{\"k\":[1,2.5,\"x\\\"y\"]},\"big\":1e999}");
  g_assert_null (plain);
  g_assert_cmpstr (spaced, ==, "{\"o\":{\"a\":[true,false]}}");
  g_assert_null (empty);
  g_assert_cmpstr (fetch, ==, "{\"req\":7,\"status\":200}");
  /* load at 0 (the earliest ts), depth 0; parse inside it */
  g_assert_true (find_named_span (model, weft_trace_model_get_lane (model, 0), "parse", &span));
  g_assert_cmpuint (span.depth, ==, 1);
  g_assert_cmpuint (span.start_ns, ==, 2000);
  text = weft_trace_model_get_instant_args (model, 0, 15000, &len);
  g_assert_nonnull (text);
  instant = g_strndup (text, len);
  g_assert_cmpstr (instant, ==, "{\"why\":\"tick\"}");
  g_assert_null (weft_trace_model_get_instant_args (model, 0, 15001, &len));
  g_assert_cmpuint (weft_trace_model_get_n_args (model), ==, 5);

  /* what a tooltip lists */
  pairs = weft_span_args_to_pairs (parse, strlen (parse), &cut);
  g_assert_false (cut);
  g_assert_cmpuint (g_strv_length (pairs), ==, 8);
  g_assert_cmpstr (pairs[0], ==, "ok");
  g_assert_cmpstr (pairs[1], ==, "true");
  g_assert_cmpstr (pairs[3], ==, "null");
  g_assert_cmpstr (pairs[4], ==, "obj");
  g_assert_cmpstr (pairs[5], ==, "{\"k\":[1,2.5,\"x\\\"y\"]}");
  g_assert_cmpstr (pairs[7], ==, "1e999");
  g_strfreev (g_steal_pointer (&pairs));
  pairs = weft_span_args_to_pairs (load, strlen (load), NULL);
  g_assert_cmpstr (pairs[1], ==, "https://a/<b>&");
}

/* Exported, the args are the events' "args" members again (after Weft's
 * own), in a file that is JSON; read back, the model has the same args. */
static void
test_slice_args_round_trip (void)
{
  g_autoptr(WeftTraceModel) model = import_string (slice_args_trace, NULL);
  g_autoptr(WeftTraceModel) back = NULL;
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *events;
  gboolean seen_load = FALSE, seen_mark = FALSE;

  g_assert_true (weft_trace_export_to_file (model, NULL, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  events = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "traceEvents");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      const char *name = json_object_get_string_member_with_default (e, "name", "");
      JsonObject *args = json_object_get_object_member (e, "args");

      if (g_str_equal (name, "load"))
        {
          seen_load = TRUE;
          g_assert_cmpstr (json_object_get_string_member (args, "state"), ==, "running");
          g_assert_cmpstr (json_object_get_string_member (args, "url"), ==, "https://a/<b>&");
          g_assert_cmpstr (json_object_get_string_member (args, "both"), ==, "from E");
          g_assert_cmpint (json_object_get_int_member (args, "bytes"), ==, 42);
        }
      else if (g_str_equal (name, "mark"))
        {
          seen_mark = TRUE;
          g_assert_cmpstr (json_object_get_string_member (args, "why"), ==, "tick");
        }
      else if (g_str_equal (name, "plain"))
        g_assert_cmpuint (json_object_get_size (args), ==, 3);    /* state, object, depth */
    }
  g_assert_true (seen_load && seen_mark);

  back = weft_trace_import_file (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_same_models (model, back);
  g_assert_cmpuint (weft_trace_model_get_n_args (back), ==, 5);
  /* the model read back (its args in its journal) writes the same file as
   * the one built from the foreign trace (its args beside its journal) */
  {
    g_autofree char *again = g_build_filename (dir, "again.json", NULL);
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;

    g_assert_true (weft_trace_export_to_file (back, NULL, again, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &first, NULL, NULL));
    g_assert_true (g_file_get_contents (again, &second, NULL, NULL));
    g_assert_cmpstr (first, ==, second);
  }
  rm_rf (dir);
}

/* Hostile args: a huge string, a huge object, more members than are
 * kept, deep nesting: each slice keeps at most 1 KiB, marked as cut, and
 * the trace still loads and exports as JSON. */
static void
test_slice_args_capped (void)
{
  g_autoptr(GString) text = g_string_new ("[");
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(WeftTraceModel) back = NULL;
  const char *names[] = { "long-string", "long-object", "many", "deep", "escapes" };

  g_string_append (text, "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1,\"dur\":1,\"name\":\"long-string\",\"args\":{\"a\":1,\"s\":\"");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\",\"after\":2}},\n");
  g_string_append (text, "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":3,\"dur\":1,\"name\":\"long-object\",\"args\":{\"o\":[");
  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "%s{\"k\":%u}", i ? "," : "", i);
  g_string_append (text, "]}},\n");
  g_string_append (text, "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":5,\"dur\":1,\"name\":\"many\",\"args\":{");
  for (guint i = 0; i < 200; i++)
    g_string_append_printf (text, "%s\"key%u\":\"value %u\"", i ? "," : "", i, i);
  g_string_append (text, "}},\n");
  g_string_append (text, "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":7,\"dur\":1,\"name\":\"deep\",\"args\":{\"d\":");
  for (guint i = 0; i < 200; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 200; i++)
    g_string_append_c (text, ']');
  g_string_append (text, "}},\n");
  /* every character escaped: the cut must not split an escape */
  g_string_append (text, "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":9,\"dur\":1,\"name\":\"escapes\",\"args\":{\"e\":\"");
  for (guint i = 0; i < 3000; i++)
    g_string_append (text, "\\u0001\\\"\\u00e9");
  g_string_append (text, "\"}}]\n");

  model = import_string (text->str, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *args = named_span_args (model, 0, names[i]);
      g_auto(GStrv) pairs = NULL;
      gboolean cut = FALSE;

      g_assert_nonnull (args);
      g_assert_cmpuint (strlen (args), <=, WEFT_SPAN_ARGS_MAX);
      g_assert_true (g_utf8_validate (args, -1, NULL));
      pairs = weft_span_args_to_pairs (args, strlen (args), &cut);
      if (g_str_equal (names[i], "deep"))
        {
          /* 400 bytes: kept whole */
          g_assert_false (cut);
          g_assert_cmpuint (strlen (pairs[1]), ==, 400);
          continue;
        }
      g_assert_true (cut);
      g_assert_true (g_str_has_suffix (args, ",\"" WEFT_SPAN_ARGS_CUT_KEY "\":true}"));
      if (g_str_equal (names[i], "long-string"))
        {
          g_assert_cmpstr (pairs[0], ==, "a");
          g_assert_cmpstr (pairs[2], ==, "s");
          g_assert_true (g_str_has_suffix (pairs[3], "xxx" WEFT_SPAN_ARGS_CUT_KEY));
          g_assert_cmpuint (strlen (pairs[3]), >, 900);
          g_assert_null (pairs[4]);            /* "after" did not fit */
        }
      else if (g_str_equal (names[i], "long-object"))
        {
          /* the start of its JSON text, as a string */
          g_assert_true (g_str_has_prefix (pairs[1], "[{\"k\":0},{\"k\":1}"));
          g_assert_true (g_str_has_suffix (pairs[1], WEFT_SPAN_ARGS_CUT_KEY));
        }
      else if (g_str_equal (names[i], "many"))
        {
          /* the first 32 members are read of an event's args */
          g_assert_cmpuint (g_strv_length (pairs), ==, 64);
          g_assert_cmpstr (pairs[1], ==, "value 0");
        }
      else
        {
          /* whole characters of the text, then "…" */
          g_autoptr(GString) want = g_string_new (NULL);
          gsize n = strlen (pairs[1]) - strlen (WEFT_SPAN_ARGS_CUT_KEY);

          for (guint k = 0; k < 3000; k++)
            g_string_append (want, "\x01\"\xc3\xa9");
          g_assert_true (g_str_has_suffix (pairs[1], WEFT_SPAN_ARGS_CUT_KEY));
          g_assert_cmpuint (n, >, 100);
          g_assert_cmpmem (pairs[1], n, want->str, n);
          g_assert_true (g_utf8_validate (pairs[1], -1, NULL));
        }
    }
  back = round_trip (model, NULL, NULL);
  assert_same_models (model, back);
}

/* What a model accepts as args: one JSON object of at most 1 KiB. */
static void
test_set_span_args (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(WeftTraceModel) back = NULL;
  g_autofree char *big = g_strdup_printf ("{\"a\":\"%0*d\"}", 1100, 0);
  gsize len;

  g_assert_true (weft_trace_model_set_span_args (model, 3, 0, 100, "{\"a\":1}", -1));
  g_assert_true (weft_trace_model_set_span_args (model, 3, 1, 100, "{ \"b\" : \"\\u00e9\" }", -1));
  g_assert_true (weft_trace_model_set_span_args (model, 3, 0, 100, "{\"a\":2}", -1));   /* replaces */
  g_assert_false (weft_trace_model_set_span_args (model, 3, 0, 200, "[1]", -1));
  g_assert_false (weft_trace_model_set_span_args (model, 3, 0, 200, "{\"a\":}", -1));
  g_assert_false (weft_trace_model_set_span_args (model, 3, 0, 200, "{\"a\":1} x", -1));
  g_assert_false (weft_trace_model_set_span_args (model, 3, 0, 200, "{\"a\":\"\xff\"}", -1));
  g_assert_false (weft_trace_model_set_span_args (model, 3, 0, 200, big, -1));
  g_assert_true (weft_trace_model_set_instant_args (model, 3, 100, "{}", -1));
  g_assert_cmpuint (weft_trace_model_get_n_args (model), ==, 3);
  g_assert_cmpmem (weft_trace_model_get_span_args (model, 3, 0, 100, &len), len, "{\"a\":2}", 7);
  g_assert_null (weft_trace_model_get_span_args (model, 3, 0, 200, &len));
  g_assert_null (weft_trace_model_get_span_args (model, 2, 0, 100, &len));
  /* the journal keeps them: replayed, the same */
  weft_trace_model_finish (model, 0);
  back = round_trip (model, NULL, NULL);
  g_assert_cmpuint (weft_trace_model_get_n_args (back), ==, 3);
  g_assert_cmpmem (weft_trace_model_get_span_args (back, 3, 0, 100, &len), len, "{\"a\":2}", 7);
  g_assert_cmpmem (weft_trace_model_get_span_args (back, 3, 1, 100, &len), len, "{ \"b\" : \"\\u00e9\" }", 18);
  g_assert_cmpmem (weft_trace_model_get_instant_args (back, 3, 100, &len), len, "{}", 2);
}

static void
test_unsorted_array (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "unsorted.json", NULL);
  const char *text =
    "[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":30,\"dur\":10,\"name\":\"c\"},\n"
    " {\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":10,\"dur\":10,\"name\":\"a\"},\n"
    " {\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":10,\"dur\":50,\"name\":\"outer\"},\n"
    " {\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":20,\"dur\":10,\"name\":\"b\"},\n"
    " {\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":20,\"dur\":0,\"name\":\"zero\"}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) model = NULL;
  WeftTraceImportStats stats;
  WeftLane *lane;
  WeftSpan span;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  model = weft_trace_import_file (path, NULL, &stats, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (stats.unclosed_array);
  lane = weft_trace_model_get_lane (model, 0);
  g_assert_cmpuint (weft_lane_get_n_spans (lane, 0), ==, 1);    /* outer */
  g_assert_cmpuint (weft_lane_get_n_spans (lane, 1), ==, 3);    /* a, b, c back to back */
  /* times start at the earliest ts (10 µs) */
  g_assert_true (weft_lane_get_span (lane, 1, 1, &span));
  g_assert_cmpuint (span.start_ns, ==, 10000);
  g_assert_cmpuint (span.end_ns, ==, 20000);
  g_assert_true (weft_lane_get_span (lane, 2, 0, &span));      /* zero inside b */
  g_assert_cmpuint (span.start_ns, ==, 10000);
  g_assert_cmpuint (span.end_ns, ==, 10000);
  rm_rf (dir);
}

/* Ends that closed nothing, in the middle of a lane, one of them a release
 * that later woke a waiter: the model keeps no time for them, so only the
 * events themselves bring them back. */
static void
test_round_trip_unmatched_wakeup (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(WeftTraceModel) back = NULL;
  const WeftEvent events[] = {
    ev (1000, 0, WEFT_EVENT_TASK_BEGIN, 10, 0, 0),
    ev (1500, 1, WEFT_EVENT_LOCK_WAIT, 1, 0, 0),
    ev (2000, 0, WEFT_EVENT_LOCK_RELEASED, 1, 0, 0),      /* held nothing */
    ev (2500, 1, WEFT_EVENT_LOCK_ACQUIRED, 1, 0, 0),      /* woken by it */
    ev (2600, 0, WEFT_EVENT_IO_END, 5, 0, 0),             /* closes nothing */
    ev (2600, 0, WEFT_EVENT_IO_BEGIN, 5, 0, 0),
    ev (2600, 0, WEFT_EVENT_IO_END, 5, 0, 0),
    ev (3000, 1, WEFT_EVENT_LOCK_RELEASED, 1, 0, 0),
    ev (3500, 0, WEFT_EVENT_TASK_END, 10, WEFT_TASK_OK, 0),
  };
  const WeftFlow *flows;
  WeftLaneStats ls;
  guint n;

  weft_trace_model_declare_object (model, 1, WEFT_OBJECT_LOCK, 0);
  weft_trace_model_append (model, events, 3);
  weft_trace_model_append (model, events + 3, G_N_ELEMENTS (events) - 3);
  weft_trace_model_finish (model, 0);
  back = round_trip (model, NULL, NULL);
  assert_same_models (model, back);
  flows = weft_test_flows (weft_trace_model_get_flows (back), &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (flows[0].from_ns, ==, 2000);
  g_assert_cmpuint (flows[0].to_ns, ==, 2500);
  g_assert_true (weft_trace_model_get_lane_stats (back, 0, &ls));
  g_assert_cmpuint (ls.n_unmatched, ==, 2);
}

/* Whatever reached the model, valid or not, comes back: extreme numbers,
 * times that go back, kinds and workers the model drops, names. */
static void
test_round_trip_odd_events (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(WeftTraceModel) back = NULL;
  const WeftEvent events[] = {
    ev (G_MAXUINT64 - 5, 0, WEFT_EVENT_INSTANT, G_MAXUINT32 - 1, G_MININT64, G_MAXINT64),
    ev (7, 0, WEFT_EVENT_INSTANT, 0, -1, 1),                    /* back in time */
    ev (0, 4095, WEFT_EVENT_COUNTER, 3, G_MININT64, 0),
    ev (100, 5000, WEFT_EVENT_TASK_BEGIN, 1, 0, 0),             /* worker out of range */
    ev (100, 1, (WeftEventKind) 999, 1, 2, 3),                  /* unknown kind */
    name_ev (100, 1, WEFT_OBJECT_SELF, "lane \xc3\xa9 one"),
    name_ev (100, 1, 3, "ctr"),
    ev (200, 1, WEFT_EVENT_TASK_END, 1, WEFT_TASK_FAILED, 12345),  /* closes nothing */
  };

  weft_trace_model_set_lane_executor (model, 2, WEFT_EXECUTOR_PROCESSES, G_MININT64);
  weft_trace_model_set_lane_name (model, 2, "");
  weft_trace_model_declare_object (model, G_MAXUINT32, WEFT_OBJECT_QUEUE, G_MAXINT64);
  weft_trace_model_set_object_name (model, G_MAXUINT32, "q \"x\"");
  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  weft_trace_model_append (model, events, 1);
  back = round_trip (model, NULL, NULL);
  assert_same_models (model, back);
  g_assert_cmpstr (weft_trace_model_get_object_name (back, G_MAXUINT32), ==, "q \"x\"");
  g_assert_cmpint (weft_lane_get_pid (weft_trace_model_lookup_lane (back, 2)), ==, G_MININT64);
}

/* A tool that rewrote the file may put "weft" after "traceEvents": the
 * journal still rebuilds the model. */
static void
test_journal_after_events (void)
{
  g_autoptr(WeftTraceModel) model = sample_model (TRUE);
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "moved.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) moved = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) back = NULL;
  WeftTraceImportStats stats;
  const char *weft, *events, *end;

  g_assert_true (weft_trace_export_to_file (model, NULL, path, NULL, &error));
  text = read_file (path);
  weft = strstr (text, "\"weft\":");
  events = strstr (text, "\"traceEvents\":");
  end = strrchr (text, '}');
  g_assert_true (weft != NULL && events > weft && end > events);
  g_string_append_len (moved, text, weft - text);
  g_string_append_len (moved, events, end - events);
  g_string_append (moved, ",\n");
  g_string_append_len (moved, weft, events - weft - 2);   /* without ",\n" */
  g_string_append (moved, "}\n");
  g_assert_true (g_file_set_contents (path, moved->str, (gssize) moved->len, NULL));

  back = weft_trace_import_file (path, NULL, &stats, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (stats.weft_format);
  assert_same_models (model, back);
  rm_rf (dir);
}

/* A damaged journal (a real one with bytes changed, cut or appended) is
 * replayed or refused with an error, never a crash or a critical. */
static void
test_journal_mutations (void)
{
  g_autoptr(WeftTraceModel) model = sample_model (TRUE);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GBytes) journal = _weft_trace_model_dup_journal (model);
  gsize len;
  const guint8 *data = g_bytes_get_data (journal, &len);
  guint n_refused = 0;

  g_assert_cmpuint (len, >, 100);
  for (guint round = 0; round < 3000; round++)
    {
      g_autofree guint8 *copy = g_malloc (len + 16);
      g_autoptr(WeftTraceModel) replayed = weft_trace_model_new ();
      g_autoptr(GError) error = NULL;
      gsize n = len;
      guint flips = 1 + g_rand_int_range (rand, 0, 4);

      memcpy (copy, data, len);
      for (guint k = 0; k < flips; k++)
        copy[g_rand_int_range (rand, 0, (gint32) len)] = (guint8) g_rand_int_range (rand, 0, 256);
      if (round % 3 == 1)
        n = (gsize) g_rand_int_range (rand, 0, (gint32) len);
      else if (round % 3 == 2)
        for (guint k = 0; k < 16; k++)
          copy[n++] = (guint8) g_rand_int_range (rand, 0, 256);
      if (!_weft_trace_journal_replay (copy, n, replayed, &error))
        {
          g_assert_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_INVALID);
          g_assert_true (g_str_has_prefix (error->message, "the model's journal is damaged at byte "));
          n_refused++;
        }
      else
        g_assert_no_error (error);
    }
  /* most damage is found; some only changes a number */
  g_assert_cmpuint (n_refused, >, 1000);
}

/* A model whose journal outgrew its limit is not exported at all (a file
 * that loads as less than the run would be a wrong answer). */
static void
test_export_journal_full (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  _weft_trace_model_set_journal_limit (model, 64);
  for (guint i = 0; i < 20; i++)
    {
      WeftEvent e = ev (1000 + i, 0, WEFT_EVENT_INSTANT, 1, i, 0);

      weft_trace_model_append (model, &e, 1);
    }
  g_assert_false (weft_trace_export_to_file (model, NULL, path, NULL, &error));
  message = g_strdup_printf ("%s: the run is too long to export exactly: its journal outgrew its limit (about 4 GiB)", path);
  g_assert_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpuint (count_files (dir), ==, 0);
  rm_rf (dir);
}

/* One batch of more than 2^20 events is replayed in parts: the same model. */
static void
test_round_trip_huge_batch (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(WeftTraceModel) back = NULL;
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  guint n = (1u << 20) + 4096;

  for (guint i = 0; i < n; i++)
    {
      guint16 w = (guint16) (i % 3);
      guint64 t = 1000 + (guint64) (i / 3) * 10;
      WeftEvent e = ev (t, w, (i / 3) % 2 ? WEFT_EVENT_LOCK_RELEASED : WEFT_EVENT_LOCK_ACQUIRED, 1, 0, 0);

      g_array_append_val (events, e);
    }
  weft_trace_model_append (model, (const WeftEvent *) (gpointer) events->data, events->len);
  weft_trace_model_finish (model, 0);
  back = round_trip (model, NULL, NULL);
  assert_same_models (model, back);
}

/* import(export(t)) is t by construction: exporting the imported model
 * writes the same file, byte for byte. */
static void
test_round_trip_same_file (void)
{
  g_autoptr(WeftTraceModel) model = random_model (4, 3000, TRUE, TRUE);
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *first = g_build_filename (dir, "first.json", NULL);
  g_autofree char *second = g_build_filename (dir, "second.json", NULL);
  g_autofree char *text1 = NULL;
  g_autofree char *text2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) back = NULL;

  g_assert_true (weft_trace_export_to_file (model, NULL, first, NULL, &error));
  back = weft_trace_import_file (first, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (weft_trace_export_to_file (back, NULL, second, NULL, &error));
  g_assert_no_error (error);
  text1 = read_file (first);
  text2 = read_file (second);
  g_assert_cmpuint (strlen (text1), >, 100000);
  g_assert_true (g_str_equal (text1, text2));
  rm_rf (dir);
}

/* A damaged journal, or one that does not match its length, is one error
 * naming the file and the place; a file of an older Weft says so. */
static void
test_damaged_journal (void)
{
  const struct { const char *weft; const char *message; } cases[] = {
    { "{\"version\":2,\"journal\":[\"xgEAAA==\"]}",
      "t.json: the model's journal is damaged at byte 4: it ends inside a batch of events" },
    { "{\"version\":2,\"journal\":[\"H38=\"]}",
      "t.json: the model's journal is damaged at byte 0: an entry of an unknown kind" },
    { "{\"version\":2,\"journal\":[\"Hw==\"]}",
      "t.json: the model's journal is damaged at byte 0: it ends inside an entry" },
    { "{\"version\":2,\"journal\":[\"BgEA\"]}",
      "t.json: the model's journal is damaged at byte 0: it ends inside an entry" },
    { "{\"version\":2,\"journal\":[\"GognAWE=\"]}",
      "t.json: the model's journal is damaged at byte 0: a worker or object id is out of range" },
    { "{\"version\":2,\"journal_bytes\":9,\"journal\":[\"BgEA\"]}",
      "t.json:1:57: the journal holds 3 bytes, \"journal_bytes\" says 9" },
    { "{\"version\":2,\"journal\":[\"B*EA\"]}",
      "t.json:1:33: \"journal\" holds a character that is not base64" },
    { "{\"version\":2}",
      "t.json:1:21: \"weft\" without \"journal\"" },
    { "{\"version\":1,\"lanes\":[]}",
      "t.json:1:20: Weft trace data version 1 is not supported (expected 2): an older Weft wrote it, without the model's journal" },
  };
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "t.json", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"weft\":%s,\"traceEvents\":[]}", cases[i].weft);
      g_autoptr(GError) error = NULL;
      g_autoptr(WeftTraceModel) model = NULL;

      g_assert_true (g_file_set_contents (path, text, -1, NULL));
      model = weft_trace_import_file (path, NULL, NULL, NULL, &error);
      g_assert_null (model);
      g_assert_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
  rm_rf (dir);
}

/* ---- hostile input ------------------------------------------------------- */

typedef struct
{
  const char           *path;
  WeftTraceModel       *model;
  GError               *error;
  WeftTraceImportStats  stats;
  gboolean              done;
  GMutex                mutex;
  GCond                 cond;
} ImportJob;

static gpointer
import_job_run (gpointer data)
{
  ImportJob *job = data;
  WeftTraceModel *model;
  GError *error = NULL;

  model = weft_trace_import_file (job->path, NULL, &job->stats, NULL, &error);
  g_mutex_lock (&job->mutex);
  job->model = model;
  job->error = error;
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->mutex);
  return NULL;
}

/* Imports @text from a file on another thread; an import that has not
 * returned after 20 s fails the test (a hang must not block the suite). */
static WeftTraceModel *
import_text_capped (const char            *text,
                    WeftTraceImportStats  *out_stats,
                    GError               **error)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "hostile.json", NULL);
  ImportJob job = { .path = path };
  gint64 deadline;
  GThread *thread;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_mutex_init (&job.mutex);
  g_cond_init (&job.cond);
  thread = g_thread_new ("import", import_job_run, &job);
  deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
  g_mutex_lock (&job.mutex);
  while (!job.done)
    if (!g_cond_wait_until (&job.cond, &job.mutex, deadline))
      g_error ("importing %s did not return within 20 s", text);
  g_mutex_unlock (&job.mutex);
  g_thread_join (thread);
  g_mutex_clear (&job.mutex);
  g_cond_clear (&job.cond);
  rm_rf (dir);
  *out_stats = job.stats;
  if (job.error != NULL)
    g_propagate_error (error, job.error);
  return job.model;
}

/* A numeric member whose value is an array or an object is one skipped
 * event: the reader consumes the whole value and stays in step. */
static void
test_wrong_type_members (void)
{
  const struct { const char *text; const char *first_skip; } cases[] = {
    { "[{\"ts\":[]}]", "hostile.json:1:10: \"ts\" is not a number in range" },
    { "[{\"pid\":[]}]", "hostile.json:1:11: \"pid\" is not an integer in range" },
    { "[{\"dur\":[]}]", "hostile.json:1:11: \"dur\" is not a number in range" },
    { "[{\"tid\":{}}]", "hostile.json:1:11: \"tid\" is not an integer in range" },
    { "[{\"ts\":[1,[2,{\"a\":3}]],\"ph\":\"X\",\"pid\":1,\"tid\":1,\"dur\":1}]",
      "hostile.json:1:56: \"ts\" is not a number in range" },
    { "[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"dur\":2,\"ts\":{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1,\"dur\":5}}]",
      "hostile.json:1:82: \"ts\" is not a number in range" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WeftTraceModel) model = NULL;
      WeftTraceImportStats stats;

      model = import_text_capped (cases[i].text, &stats, &error);
      g_assert_no_error (error);
      g_assert_nonnull (model);
      g_assert_cmpuint (stats.n_trace_events, ==, 1);
      g_assert_cmpuint (stats.n_invalid, ==, 1);
      g_assert_cmpuint (stats.n_used, ==, 0);
      g_assert_cmpstr (stats.first_skip, ==, cases[i].first_skip);
      g_assert_cmpuint (weft_trace_model_get_n_lanes (model), ==, 0);
    }
}

/* Events of every shape, each read twice: as it is (most are read from the
 * reader's buffer in one pass) and after a first member whose name holds an
 * escape (which that pass does not take, so the event is read token by
 * token). Both must give the same model and the same counts. */
static void
test_in_buffer_events (void)
{
  static const char *events[] = {
    "\"ph\":\"M\",\"name\":\"process_name\",\"pid\":7,\"tid\":0,\"args\":{\"name\":\"browser\"}",
    "\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":7,\"tid\":3,\"args\":{\"name\":\"main \\u00e9\"}",
    "\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":7,\"tid\":3,\"args\":{\"sort_index\":-2}",
    "\"ph\":\"X\",\"pid\":7,\"tid\":3,\"ts\":10.5,\"dur\":100,\"name\":\"outer\",\"cat\":\"a\",\"cat\":\"b\","
      "\"args\":{\"i\":-12,\"f\":1.25e2,\"s\":\"x\",\"o\":{\"deep\":[1,{\"z\":null}]},\"a\":[],\"t\":true,\"n\":null}",
    "\"ph\":\"B\",\"pid\":7,\"tid\":3,\"ts\":2e1,\"name\":\"inner\",\"args\":null",
    "\"ph\":\"E\",\"pid\":7,\"tid\":3,\"ts\":30.0004,\"args\":{}",
    "\"ph\":\"i\",\"s\":\"t\",\"pid\":7,\"tid\":3,\"ts\":25,\"name\":\"mark\"",
    "\"ph\":\"C\",\"pid\":7,\"tid\":3,\"ts\":26,\"name\":\"heap\",\"id\":4,\"args\":{\"used\":10,\"total\":20.6}",
    "\"ph\":\"s\",\"pid\":7,\"tid\":3,\"ts\":27,\"id\":\"0x1f\",\"cat\":\"flow\",\"name\":\"post\"",
    "\"ph\":\"f\",\"bp\":\"e\",\"pid\":7,\"tid\":4,\"ts\":40,\"id2\":31,\"cat\":\"flow\"",
    "\"ph\":\"b\",\"pid\":7,\"tid\":4,\"ts\":41,\"id\":\"req\",\"cat\":\"net\",\"name\":\"fetch\"",
    "\"ph\":\"e\",\"pid\":7,\"tid\":4,\"ts\":90,\"id\":\"req\",\"cat\":\"net\",\"name\":\"fetch\"",
    "\"ph\":\"b\",\"pid\":7,\"tid\":4,\"ts\":42,\"id\":{\"local\":\"0x2\"},\"cat\":\"net\",\"name\":\"local\"",
    "\"ph\":\"X\",\"pid\":1e1,\"tid\":4.0,\"ts\":50,\"dur\":5,\"name\":\"exact integers\"",
    "\"ph\":\"X\",\"pid\":7,\"tid\":4,\"ts\":\"51\",\"dur\":5",
    "\"ph\":\"X\",\"pid\":1.5,\"tid\":4,\"ts\":52,\"dur\":5",
    "\"ph\":\"X\",\"pid\":7,\"tid\":4,\"ts\":53,\"dur\":-5",
    "\"ph\":\"X\",\"pid\":7,\"tid\":4,\"ts\":54,\"dur\":5,\"name\":5",
    "\"ph\":\"XX\",\"pid\":7,\"tid\":4,\"ts\":55",
    "\"ph\":\"X\",\"pid\":7,\"tid\":4,\"ts\":56,\"dur\":1,\"args\":[1]",
    "\"ph\":\"n\",\"pid\":7,\"tid\":4,\"ts\":57,\"id\":true,\"cat\":\"net\"",
    "\"ph\":\"Q\",\"pid\":7,\"tid\":4,\"ts\":58",
    "\"ph\" : \"X\" , \"pid\" :\t7,\n\"tid\":4 ,\"ts\":59,\"dur\":1 ,\"name\":\"spaced\"",
    "\"ph\":\"X\",\"pid\":7,\"tid\":4,\"ts\":60,\"dur\":1,\"name\":\"quote \\\" inside\",\"s\":\"\"",
    "\"ph\":\"X\",\"pid\":7,\"tid\":4,\"ts\":99999999999999999999,\"dur\":1",
  };
  g_autoptr(GString) plain = g_string_new ("{\"traceEvents\":[\n");
  g_autoptr(GString) tokens = g_string_new ("{\"traceEvents\":[\n");
  g_autoptr(GString) many = g_string_new ("");
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) a = NULL;
  g_autoptr(WeftTraceModel) b = NULL;
  WeftTraceImportStats sa, sb;

  /* more "args" than an event keeps */
  for (guint i = 0; i < WEFT_CHROME_TEST_ARGS; i++)
    g_string_append_printf (many, "%s\"k%u\":%u", i ? "," : "", i, i);
  for (guint i = 0; i <= G_N_ELEMENTS (events); i++)
    {
      g_autofree char *text = i < G_N_ELEMENTS (events) ? g_strdup (events[i]) :
        g_strdup_printf ("\"ph\":\"C\",\"pid\":7,\"tid\":3,\"ts\":70,\"name\":\"many\",\"args\":{%s}", many->str);

      g_string_append_printf (plain, "%s{%s}\n", i ? "," : "", text);
      g_string_append_printf (tokens, "%s{\"\\u0078\":0,%s}\n", i ? "," : "", text);
    }
  g_string_append (plain, "]}\n");
  g_string_append (tokens, "]}\n");

  a = import_text_capped (plain->str, &sa, &error);
  g_assert_no_error (error);
  b = import_text_capped (tokens->str, &sb, &error);
  g_assert_no_error (error);
  assert_same_models (a, b);
  g_assert_cmpuint (sa.n_trace_events, ==, G_N_ELEMENTS (events) + 1);
  g_assert_cmpuint (sa.n_trace_events, ==, sb.n_trace_events);
  g_assert_cmpuint (sa.n_used, ==, sb.n_used);
  g_assert_cmpuint (sa.n_unknown_phase, ==, sb.n_unknown_phase);
  g_assert_cmpuint (sa.n_invalid, ==, sb.n_invalid);
  g_assert_cmpuint (sa.n_unmatched_end, ==, sb.n_unmatched_end);
  g_assert_cmpuint (sa.n_unclosed, ==, sb.n_unclosed);
  g_assert_cmpuint (sa.n_lanes, ==, sb.n_lanes);
  /* the same event, at its closing brace: 11 columns later in the second */
  g_assert_cmpstr (sa.first_skip, ==, "hostile.json:16:45: \"ts\" is not a number in range");
  g_assert_cmpstr (sb.first_skip, ==, "hostile.json:16:56: \"ts\" is not a number in range");
  /* what the counts say: 8 skipped as invalid, one phase unknown, one
   * never ended, and every counter series of the event with many args */
  g_assert_cmpuint (sa.n_invalid, ==, 8);
  g_assert_cmpuint (sa.n_unknown_phase, ==, 1);
  g_assert_cmpuint (sa.n_unclosed, ==, 1);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (a), ==, 4);
}

/* One event of a big foreign trace, of a kind chosen by @i out of @n:
 * threads of three processes, slices (B/E pairs that cross the middle of
 * the file too), async spans, counters, flows, thread names given again
 * later (the later wins), names first seen in the second half, and one
 * invalid event at three quarters. */
static char *
big_event (guint i,
           guint n)
{
  guint pid = 100 + i % 3, tid = pid * 10 + (i / 3) % 5;
  guint64 ts = 1000 + (guint64) i * 10;

  if (i == n * 3 / 4)
    return g_strdup_printf ("{\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":\"late\",\"dur\":1}", pid, tid);
  if (i == 7 || i == n * 2 / 3)
    return g_strdup_printf ("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":\"t%u\"}}",
                            pid, tid, i);
  if (i == 11)
    return g_strdup_printf ("{\"ph\":\"B\",\"pid\":%u,\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT ",\"name\":\"whole run\"}", pid, tid, ts);
  if (i == n - 11)
    return g_strdup_printf ("{\"ph\":\"E\",\"pid\":102,\"tid\":1020,\"ts\":%" G_GUINT64_FORMAT "}", ts);
  switch (i % 8)
    {
    case 0: case 1: case 2:
      return g_strdup_printf ("{\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT ".5,\"dur\":4,"
                              "\"name\":\"task %u%s\",\"cat\":\"work\",\"args\":{\"n\":%u}}",
                              pid, tid, ts, i % 37, i > n / 2 && i % 5 == 0 ? " (late)" : "", i);
    case 3:
      return g_strdup_printf ("{\"ph\":\"C\",\"pid\":%u,\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT ",\"name\":\"%s\",\"args\":{\"v\":%u}}",
                              pid, tid, ts, i > n / 2 ? "late counter" : "heap", i % 1000);
    case 4:
      return g_strdup_printf ("{\"ph\":\"%c\",\"pid\":%u,\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT ",\"id\":\"f%u\",\"cat\":\"%s\"}",
                              i % 16 == 4 ? 's' : 'f', pid, tid, ts, i / 16, i > n / 2 ? "late flow" : "flow");
    case 5:
      return g_strdup_printf ("{\"ph\":\"%c\",\"pid\":%u,\"ts\":%" G_GUINT64_FORMAT ",\"id\":%u,\"cat\":\"%s\",\"name\":\"req\"}",
                              i % 16 == 5 ? 'b' : 'e', pid, ts, i / 16, i > n / 2 ? "late net" : "net");
    default:
      return g_strdup_printf ("{\"ph\":\"i\",\"s\":\"t\",\"pid\":%u,\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT ",\"name\":\"mark\"}",
                              pid, tid, ts);
    }
}

/* The two-halves tests need a trace over the split size (16 MiB); under
 * ASan's slow unwinder one takes longer than the suite's timeout, and the
 * plain suite runs them. */
static gboolean
skip_big_under_asan (void)
{
#ifdef __SANITIZE_ADDRESS__
  g_test_skip ("a trace over 16 MiB is too slow under AddressSanitizer; the plain build runs this");
  return TRUE;
#else
  return FALSE;
#endif
}

/* A foreign trace big enough to be read in two halves gives the model, the
 * counts and the place of the first skip that one reader gives: the same
 * events with a long string across the middle of the file, where no half
 * can start, are read by one reader. */
static void two_halves (void);

static void
test_two_halves (void)
{
  if (!skip_big_under_asan ())
    two_halves ();
}

static void
two_halves (void)
{
  const guint n = 240000, pad = 900 << 10;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) halves = g_string_new ("{\"traceEvents\":[\n");
  g_autoptr(GString) whole = g_string_new ("{\"traceEvents\":[\n");
  g_autofree char *padding = g_malloc (pad + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) a = NULL;
  g_autoptr(WeftTraceModel) b = NULL;
  WeftTraceImportStats sa, sb;
  gsize total = 0, at = 0;
  guint padded = 0;

  memset (padding, 'p', pad);
  padding[pad] = 0;
  for (guint i = 0; i < n; i++)
    {
      char *e = big_event (i, n);

      total += strlen (e) + 2;
      g_ptr_array_add (events, e);
    }
  /* the event whose padding covers the middle of the padded file */
  for (padded = 0; at + 300000 < (total + pad) / 2; padded++)
    at += strlen (g_ptr_array_index (events, padded)) + 2;
  for (guint i = 0; i < n; i++)
    {
      const char *e = g_ptr_array_index (events, i);

      g_string_append_printf (halves, "%s%s\n", i ? "," : "", e);
      if (i == padded)
        g_string_append_printf (whole, ",{\"pad\":\"%s\",%s\n", padding, e + 1);
      else
        g_string_append_printf (whole, "%s%s\n", i ? "," : "", e);
    }
  g_string_append (halves, "],\"otherData\":{}}\n");
  g_string_append (whole, "],\"otherData\":{}}\n");

  a = import_text_capped (halves->str, &sa, &error);
  g_assert_no_error (error);
  b = import_text_capped (whole->str, &sb, &error);
  g_assert_no_error (error);
  g_assert_true (sa.split);
  g_assert_false (sb.split);
  assert_same_models (a, b);
  g_assert_cmpuint (sa.n_trace_events, ==, n);
  g_assert_cmpuint (sb.n_trace_events, ==, n);
  g_assert_cmpuint (sa.n_used, ==, sb.n_used);
  g_assert_cmpuint (sa.n_invalid, ==, 1);
  g_assert_cmpuint (sb.n_invalid, ==, 1);
  g_assert_cmpuint (sa.n_unmatched_end, ==, sb.n_unmatched_end);
  g_assert_cmpuint (sa.n_unclosed, ==, sb.n_unclosed);
  g_assert_cmpuint (sa.n_lanes, ==, sb.n_lanes);
  g_assert_cmpstr (sa.first_skip, ==, sb.first_skip);
  g_assert_true (g_str_has_suffix (sa.first_skip, ": \"ts\" is not a number in range"));
  g_assert_true (g_str_has_prefix (sa.first_skip, "hostile.json:180002:"));
}

static void two_halves_weft (void);

static void
test_two_halves_weft (void)
{
  if (!skip_big_under_asan ())
    two_halves_weft ();
}

/* A Weft file big enough for its events to be passed over in two halves:
 * the model is the exported one, every event is counted, and a syntax
 * error in the second half is the error one reader gives, at its place. */
static void
two_halves_weft (void)
{
  g_autoptr(WeftTraceModel) model = random_model (8, 120000, TRUE, FALSE);
  g_autoptr(WeftTraceModel) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "big.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  WeftTraceImportStats stats;
  gsize len, events = 0, bad, line = 1, column;
  const char *array, *nl = NULL;

  g_assert_true (weft_trace_export_to_file (model, NULL, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_assert_cmpuint (len, >=, 17u << 20);
  array = strstr (text, "\"traceEvents\":[");
  g_assert_nonnull (array);
  for (const char *p = array; (p = strstr (p, "},\n{")) != NULL; p += 4)
    events++;

  back = weft_trace_import_file (path, NULL, &stats, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (stats.split);
  g_assert_true (stats.weft_format);
  g_assert_cmpuint (stats.n_trace_events, ==, events + 1);
  assert_same_models (model, back);
  g_clear_object (&back);

  /* a ';' for the ',' between two events at three quarters of the file */
  bad = (gsize) (strstr (text + len * 3 / 4, "},\n{") - text) + 1;
  text[bad] = ';';
  for (const char *p = text; (p = memchr (p, '\n', (gsize) (text + bad - p))) != NULL; p++)
    line++, nl = p;
  g_assert_nonnull (nl);
  column = (gsize) (text + bad - nl);
  expected = g_strdup_printf ("big.json:%" G_GSIZE_FORMAT ":%" G_GSIZE_FORMAT
                              ": expected ',' or ']' after an array element, found ';'", line, column);
  g_assert_true (g_file_set_contents (path, text, (gssize) len, NULL));
  back = weft_trace_import_file (path, NULL, &stats, NULL, &error);
  g_assert_null (back);
  g_assert_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, expected);
  rm_rf (dir);
}

/* An event object nested under an unknown member (or under "args") is data,
 * never an event of its own. */
static void
test_nested_event_not_imported (void)
{
  const char *texts[] = {
    "[{\"x\":{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1,\"dur\":5,\"name\":\"smuggled\"}}]",
    "[{\"x\":[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1,\"dur\":5,\"name\":\"smuggled\"}]}]",
    "{\"traceEvents\":[{\"ph\":\"i\",\"s\":{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1,\"dur\":5}}]}",
    "[{\"ts\":[],\"x\":{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1,\"dur\":5,\"name\":\"smuggled\"}}]",
    "[{\"pid\":{},\"x\":{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1,\"dur\":5,\"name\":\"smuggled\"}}]",
    "[{\"dur\":[0],\"x\":[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1,\"dur\":5,\"name\":\"smuggled\"}]}]",
    "[{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":1,\"dur\":5,\"name\":\"real\","
    "\"args\":{\"e\":{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1,\"dur\":5,\"name\":\"smuggled\"}}}]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WeftTraceModel) model = NULL;
      WeftTraceImportStats stats;

      model = import_text_capped (texts[i], &stats, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (stats.n_trace_events, ==, 1);
      for (guint l = 0; l < weft_trace_model_get_n_lanes (model); l++)
        {
          WeftLane *lane = weft_trace_model_get_lane (model, l);
          WeftSpan span;

          g_assert_cmpint (weft_lane_get_pid (lane), ==, 1);
          g_assert_true (weft_lane_get_total_spans (lane) <= 1);
          if (weft_lane_get_span (lane, 0, 0, &span))
            g_assert_cmpstr (weft_trace_model_get_object_name (model, span.object), ==, "real");
        }
      g_assert_cmpuint (stats.n_lanes, ==, i == G_N_ELEMENTS (texts) - 1 ? 1 : 0);
    }
}

/* ---- writing safely ------------------------------------------------------- */

static void
test_export_missing_dir (void)
{
  g_autoptr(WeftTraceModel) model = sample_model (TRUE);
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "missing", "trace.json", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (weft_trace_export_to_file (model, NULL, path, NULL, &error));
  g_assert_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO);
  expected = g_strdup_printf ("%s: cannot create the file in %s/missing: No such file or directory", path, dir);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpuint (count_files (dir), ==, 0);
  rm_rf (dir);
}

static void
test_export_readonly_dir (void)
{
  g_autoptr(WeftTraceModel) model = sample_model (TRUE);
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "older", -1, NULL));
  g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
  if (access (dir, W_OK) == 0)
    {
      /* root ignores the mode: a path whose directory is a file fails alike */
      g_autofree char *inside_file = g_build_filename (path, "trace.json", NULL);

      g_assert_false (weft_trace_export_to_file (model, NULL, inside_file, NULL, &error));
      g_assert_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO);
      g_assert_nonnull (strstr (error->message, "cannot create the file in"));
      g_assert_nonnull (strstr (error->message, g_strerror (ENOTDIR)));
    }
  else
    {
      g_assert_false (weft_trace_export_to_file (model, NULL, path, NULL, &error));
      g_assert_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO);
      g_assert_nonnull (strstr (error->message, g_strerror (EACCES)));
    }
  g_chmod (dir, 0700);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "older");
  g_assert_cmpuint (count_files (dir), ==, 1);
  rm_rf (dir);
}

/* Renaming over a directory fails after the whole file was written: the
 * temporary file must go, the directory stays. */
static void
test_export_rename_fails (void)
{
  g_autoptr(WeftTraceModel) model = sample_model (TRUE);
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_false (weft_trace_export_to_file (model, NULL, path, NULL, &error));
  g_assert_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (count_files (dir), ==, 1);
  rm_rf (dir);
}

static void
test_export_cancelled (void)
{
  g_autoptr(WeftTraceModel) model = random_model (2, 20000, TRUE, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) back = NULL;

  g_assert_true (g_file_set_contents (path, "older", -1, NULL));

  /* cancelled before it starts */
  g_cancellable_cancel (cancellable);
  g_assert_false (weft_trace_export_to_file (model, NULL, path, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "older");
  g_assert_cmpuint (count_files (dir), ==, 1);

  /* and an import can be cancelled too */
  g_cancellable_reset (cancellable);
  g_assert_true (weft_trace_export_to_file (model, NULL, path, NULL, &error));
  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  back = weft_trace_import_file (path, NULL, NULL, cancellable, &error);
  g_assert_null (back);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  rm_rf (dir);
}

/* Cancelled from another thread while the file is being written: the export
 * stops with G_IO_ERROR_CANCELLED, its temporary file is gone and the older
 * file is intact. */
typedef struct
{
  const char   *dir;
  GCancellable *cancellable;
  gboolean      saw_partial;
} Canceller;

static gpointer
cancel_when_writing (gpointer data)
{
  Canceller *c = data;

  /* wait until the temporary file holds something, then cancel */
  for (guint i = 0; i < 200000 && !c->saw_partial; i++)
    {
      GDir *d = g_dir_open (c->dir, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *p = g_build_filename (c->dir, name, NULL);
          GStatBuf st;

          if (name[0] == '.' && g_stat (p, &st) == 0 && st.st_size > 0)
            c->saw_partial = TRUE;
        }
      if (d != NULL)
        g_dir_close (d);
      if (!c->saw_partial)
        g_usleep (200);
    }
  g_cancellable_cancel (c->cancellable);
  return NULL;
}

static void
test_export_cancelled_midway (void)
{
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  Canceller c = { dir, cancellable, FALSE };
  GThread *thread;
  gboolean ok;

  gen_rand = g_rand_new_with_seed (7);
  gen_ties = TRUE;
  model = random_model (4, 150000, TRUE, FALSE);
  g_clear_pointer (&gen_rand, g_rand_free);
  g_assert_true (g_file_set_contents (path, "older", -1, NULL));

  thread = g_thread_new ("cancel", cancel_when_writing, &c);
  ok = weft_trace_export_to_file (model, NULL, path, cancellable, &error);
  g_thread_join (thread);

  g_assert_true (c.saw_partial);
  g_assert_false (ok);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "older");
  g_assert_cmpuint (count_files (dir), ==, 1);
  rm_rf (dir);
}

/* ---- the tokenizer -------------------------------------------------------- */

static void
test_json_numbers (void)
{
  const struct { const char *text; gint64 milli; gboolean ok; } cases[] = {
    { "0", 0, TRUE },
    { "1.5", 1500, TRUE },
    { "-2.25", -2250, TRUE },
    { "123.456", 123456, TRUE },
    { "0.0004", 0, TRUE },
    { "0.0005", 1, TRUE },
    { "1e3", 1000000, TRUE },
    { "1.5E-3", 2, TRUE },
    { "9223372036854775.807", G_MAXINT64, TRUE },
    { "9223372036854775808", 0, FALSE },
    { "1e300", 0, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 v = 0;

      g_assert_cmpint (weft_json_parse_milli (cases[i].text, strlen (cases[i].text), &v), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpint (v, ==, cases[i].milli);
    }
}

static void
test_json_tokens (void)
{
  const char *text = "{\"a\" : [1, -2.5e1, \"x\\u00e9\\n\", true, false, null, {}], \"b\\\"\":{\"c\":[]}}";
  g_autoptr(WeftJsonReader) r = weft_json_reader_new_for_data (text, strlen (text), "t");
  const WeftJsonToken want[] = {
    WEFT_JSON_BEGIN_OBJECT, WEFT_JSON_KEY, WEFT_JSON_BEGIN_ARRAY, WEFT_JSON_NUMBER, WEFT_JSON_NUMBER,
    WEFT_JSON_STRING, WEFT_JSON_TRUE, WEFT_JSON_FALSE, WEFT_JSON_NULL, WEFT_JSON_BEGIN_OBJECT,
    WEFT_JSON_END_OBJECT, WEFT_JSON_END_ARRAY, WEFT_JSON_KEY, WEFT_JSON_BEGIN_OBJECT, WEFT_JSON_KEY,
    WEFT_JSON_BEGIN_ARRAY, WEFT_JSON_END_ARRAY, WEFT_JSON_END_OBJECT, WEFT_JSON_END_OBJECT, WEFT_JSON_EOF,
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      WeftJsonToken tok = weft_json_reader_next (r, &error);
      double d;

      g_assert_no_error (error);
      g_assert_cmpint (tok, ==, want[i]);
      if (i == 4)
        {
          g_assert_true (weft_json_reader_get_double (r, &d));
          g_assert_cmpfloat (d, ==, -25.0);
        }
      if (i == 5)
        g_assert_cmpstr (weft_json_reader_get_string (r, NULL), ==, "xé\n");
      if (i == 12)
        g_assert_cmpstr (weft_json_reader_get_string (r, NULL), ==, "b\"");
    }
}

/* The args store keeps a text met again once while it is among the texts
 * met lately (other texts can push it out now and then): 5,000 slices with
 * the same 600-byte args, among 5,000 others, take one 1 MiB chunk, not
 * three; the other texts stay apart. */
static void
test_args_store_repeats (void)
{
  WeftArgsStore *store = _weft_args_store_new ();
  g_autofree char *big = g_strnfill (598, 'x');
  g_autofree char *text = g_strdup_printf ("{\"%s\":1}", big);
  g_autoptr(GHashTable) copies = g_hash_table_new (NULL, NULL);

  g_assert_cmpuint (strlen (text), <=, WEFT_SPAN_ARGS_MAX);
  for (guint i = 0; i < 5000; i++)
    {
      guint32 ref = _weft_args_store_add (store, text, strlen (text));
      g_autofree char *other = g_strdup_printf ("{\"n\":%u}", i);
      guint32 other_ref = _weft_args_store_add (store, other, strlen (other));
      gsize len;
      const char *back;

      g_hash_table_add (copies, GUINT_TO_POINTER (ref));
      g_assert_cmpuint (other_ref, !=, ref);
      back = _weft_args_store_get (store, ref, &len);
      g_assert_cmpmem (back, len, text, strlen (text));
      back = _weft_args_store_get (store, other_ref, &len);
      g_assert_cmpmem (back, len, other, strlen (other));
    }
  g_test_message ("the repeated text stored %u times", g_hash_table_size (copies));
  g_assert_cmpuint (g_hash_table_size (copies), <=, 50);
  g_assert_cmpuint (_weft_args_store_get_bytes (store), ==, 1u << 20);
  _weft_args_store_free (store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/trace-io/round-trip/sample", test_round_trip_sample);
  g_test_add_func ("/weft/trace-io/round-trip/live", test_round_trip_live);
  g_test_add_func ("/weft/trace-io/round-trip/empty", test_round_trip_empty);
  /* 50 fixed seeds; WEFT_TEST_SEEDS=N runs N for a longer hunt */
  for (guint seed = 1; seed <= (g_getenv ("WEFT_TEST_SEEDS") ? (guint) atoi (g_getenv ("WEFT_TEST_SEEDS")) : 50); seed++)
    {
      g_autofree char *path = g_strdup_printf ("/weft/trace-io/round-trip/random/%u", seed);

      g_test_add_data_func (path, GUINT_TO_POINTER (seed), test_round_trip_random);
    }
  g_test_add_func ("/weft/trace-io/round-trip/read-boundary", test_round_trip_read_boundary);
  g_test_add_func ("/weft/trace-io/round-trip/unmatched-wakeup", test_round_trip_unmatched_wakeup);
  g_test_add_func ("/weft/trace-io/round-trip/same-file", test_round_trip_same_file);
  g_test_add_func ("/weft/trace-io/round-trip/huge-batch", test_round_trip_huge_batch);
  g_test_add_func ("/weft/trace-io/round-trip/odd-events", test_round_trip_odd_events);
  g_test_add_func ("/weft/trace-io/import/damaged-journal", test_damaged_journal);
  g_test_add_func ("/weft/trace-io/journal/mutations", test_journal_mutations);
  g_test_add_func ("/weft/trace-io/import/journal-after-events", test_journal_after_events);
  g_test_add_func ("/weft/trace-io/import/malformed", test_malformed);
  g_test_add_func ("/weft/trace-io/import/missing-file", test_missing_file);
  g_test_add_func ("/weft/trace-io/import/big-tokens", test_big_tokens);
  g_test_add_func ("/weft/trace-io/import/foreign-phases", test_foreign_phases);
  g_test_add_func ("/weft/trace-io/import/unsorted-array", test_unsorted_array);
  g_test_add_func ("/weft/trace-io/round-trip/foreign", test_foreign_round_trip);
  g_test_add_func ("/weft/trace-io/import/slice-args", test_slice_args);
  g_test_add_func ("/weft/trace-io/round-trip/slice-args", test_slice_args_round_trip);
  g_test_add_func ("/weft/trace-io/import/slice-args-capped", test_slice_args_capped);
  g_test_add_func ("/weft/trace-io/model/span-args", test_set_span_args);
  g_test_add_func ("/weft/trace-io/model/args-store-repeats", test_args_store_repeats);
  g_test_add_func ("/weft/trace-io/import/wrong-type-members", test_wrong_type_members);
  g_test_add_func ("/weft/trace-io/import/nested-event", test_nested_event_not_imported);
  g_test_add_func ("/weft/trace-io/import/in-buffer-events", test_in_buffer_events);
  g_test_add_func ("/weft/trace-io/import/two-halves", test_two_halves);
  g_test_add_func ("/weft/trace-io/import/two-halves-weft", test_two_halves_weft);
  g_test_add_func ("/weft/trace-io/export/missing-dir", test_export_missing_dir);
  g_test_add_func ("/weft/trace-io/export/readonly-dir", test_export_readonly_dir);
  g_test_add_func ("/weft/trace-io/export/rename-fails", test_export_rename_fails);
  g_test_add_func ("/weft/trace-io/export/cancelled", test_export_cancelled);
  g_test_add_func ("/weft/trace-io/export/journal-full", test_export_journal_full);
  g_test_add_func ("/weft/trace-io/export/cancelled-midway", test_export_cancelled_midway);
  g_test_add_func ("/weft/trace-io/json/numbers", test_json_numbers);
  g_test_add_func ("/weft/trace-io/json/tokens", test_json_tokens);

  return g_test_run ();
}
