/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-peak-index-private.h"
#include "weft-trace-model.h"
#include "weft-test-points.h"

/* Every expectation below is computed by hand from the event lists. */

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

static void
count_signal (gpointer  instance,
              guint    *counter)
{
  (*counter)++;
}

static void
count_lane_added (WeftTraceModel *model,
                  WeftLane       *lane,
                  guint          *counter)
{
  g_assert_nonnull (lane);
  (*counter)++;
}

static void
assert_span (WeftLane *lane,
             guint     depth,
             guint     index,
             guint64   start,
             guint64   end,
             WeftState state,
             guint32   object,
             guint     flags)
{
  WeftSpan span;

  g_assert_true (weft_lane_get_span (lane, depth, index, &span));
  g_assert_cmpuint (span.start_ns, ==, start);
  g_assert_cmpuint (span.end_ns, ==, end);
  g_assert_cmpuint (span.state, ==, state);
  g_assert_cmpuint (span.object, ==, object);
  g_assert_cmpuint (span.depth, ==, depth);
  g_assert_cmpuint (span.flags, ==, flags);
}

static void
assert_breakdown_sums (WeftTraceModel *model)
{
  WeftRunStats run;

  weft_trace_model_get_run_stats (model, &run);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLaneStats stats;
      guint worker = weft_lane_get_worker (weft_trace_model_get_lane (model, i));

      g_assert_true (weft_trace_model_get_lane_stats (model, worker, &stats));
      g_assert_cmpuint (weft_lane_stats_get_total_ns (&stats), ==, run.wall_ns);
    }
}

/* A task holding a contended lock that does I/O while holding it. */
static const WeftEvent *
nested_events (gsize *n)
{
  static WeftEvent events[9];

  events[0] = ev (50, 1, WEFT_EVENT_INSTANT, 77, 1, 2);
  events[1] = ev (100, 0, WEFT_EVENT_TASK_BEGIN, 1, 0, 0);
  events[2] = ev (110, 0, WEFT_EVENT_LOCK_WAIT, 5, 0, 0);
  events[3] = ev (130, 0, WEFT_EVENT_LOCK_ACQUIRED, 5, 0, 0);
  events[4] = ev (140, 0, WEFT_EVENT_IO_BEGIN, 9, 0, 0);
  events[5] = ev (160, 0, WEFT_EVENT_IO_END, 9, 4096, 0);
  events[6] = ev (170, 0, WEFT_EVENT_LOCK_RELEASED, 5, 0, 0);
  events[7] = ev (200, 0, WEFT_EVENT_TASK_END, 1, WEFT_TASK_OK, 0);
  events[8] = ev (300, 1, WEFT_EVENT_COUNTER, 40, 7, 0);
  *n = G_N_ELEMENTS (events);
  return events;
}

static void
check_nested (WeftTraceModel *model)
{
  WeftLane *lane = weft_trace_model_lookup_lane (model, 0);
  WeftRunStats run;
  WeftLaneStats stats;
  WeftLockStats lock;

  g_assert_nonnull (lane);
  g_assert_cmpuint (weft_lane_get_n_depths (lane), ==, 3);
  g_assert_cmpuint (weft_lane_get_n_spans (lane, 0), ==, 1);
  g_assert_cmpuint (weft_lane_get_n_spans (lane, 1), ==, 2);
  g_assert_cmpuint (weft_lane_get_n_spans (lane, 2), ==, 1);
  assert_span (lane, 0, 0, 100, 200, WEFT_STATE_RUNNING, 1, 0);
  assert_span (lane, 1, 0, 110, 130, WEFT_STATE_LOCK_WAIT, 5, 0);
  assert_span (lane, 1, 1, 130, 170, WEFT_STATE_LOCK_HELD, 5, WEFT_SPAN_CONTENDED);
  assert_span (lane, 2, 0, 140, 160, WEFT_STATE_IO, 9, 0);
  g_assert_cmpuint (weft_lane_get_n_open_spans (lane), ==, 0);

  weft_trace_model_get_run_stats (model, &run);
  g_assert_cmpuint (run.first_ns, ==, 50);
  g_assert_cmpuint (run.last_ns, ==, 300);
  g_assert_cmpuint (run.wall_ns, ==, 250);
  g_assert_cmpuint (run.n_events, ==, 9);
  g_assert_cmpuint (run.n_spans, ==, 4);
  g_assert_cmpuint (run.n_unmatched, ==, 0);
  g_assert_cmpuint (run.n_lanes, ==, 2);

  /* Innermost wins: RUNNING [100,110)+[170,200), LOCK_WAIT [110,130),
   * LOCK_HELD [130,140)+[160,170), IO [140,160), IDLE 250 - 100. */
  g_assert_true (weft_trace_model_get_lane_stats (model, 0, &stats));
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_RUNNING], ==, 40);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_LOCK_WAIT], ==, 20);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_LOCK_HELD], ==, 20);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_IO], ==, 20);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_IDLE], ==, 150);
  g_assert_cmpuint (weft_lane_stats_get_busy_ns (&stats), ==, 100);
  g_assert_cmpuint (stats.tasks_completed, ==, 1);
  g_assert_cmpuint (stats.tasks_failed, ==, 0);
  g_assert_cmpuint (weft_lane_stats_get_tasks (&stats), ==, 1);

  g_assert_true (weft_trace_model_get_lane_stats (model, 1, &stats));
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_IDLE], ==, 250);
  assert_breakdown_sums (model);

  g_assert_true (weft_trace_model_get_lock_stats (model, 5, &lock));
  g_assert_cmpuint (lock.acquisitions, ==, 1);
  g_assert_cmpuint (lock.contended, ==, 1);
  g_assert_cmpuint (lock.total_wait_ns, ==, 20);
  g_assert_cmpuint (lock.max_wait_ns, ==, 20);
  g_assert_cmpuint (lock.total_hold_ns, ==, 40);
  g_assert_cmpuint (weft_trace_model_get_object_kind (model, 5), ==, WEFT_OBJECT_LOCK);
}

static void
test_nested (void)
{
  gsize n;
  const WeftEvent *events = nested_events (&n);
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  guint changed = 0;

  g_signal_connect (model, "changed", G_CALLBACK (count_signal), &changed);
  weft_trace_model_append (model, events, n);
  g_assert_cmpuint (changed, ==, 1);
  check_nested (model);
  weft_trace_model_finish (model, 0);
  check_nested (model);
}

/* Every way of splitting the stream in two batches, and one event per batch. */
static void
test_batches (void)
{
  gsize n;
  const WeftEvent *events = nested_events (&n);

  for (gsize k = 0; k <= n; k++)
    {
      g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
      guint changed = 0;

      g_signal_connect (model, "changed", G_CALLBACK (count_signal), &changed);
      weft_trace_model_append (model, events, k);
      weft_trace_model_append (model, events + k, n - k);
      g_assert_cmpuint (changed, ==, (k > 0) + (n - k > 0));
      check_nested (model);
    }

  {
    g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
    guint changed = 0;

    g_signal_connect (model, "changed", G_CALLBACK (count_signal), &changed);
    for (gsize i = 0; i < n; i++)
      weft_trace_model_append (model, &events[i], 1);
    g_assert_cmpuint (changed, ==, n);
    check_nested (model);
  }
}

static gboolean
overlaps (const WeftSpan *s,
          guint64         t0,
          guint64         t1)
{
  /* An empty window [t, t) overlaps nothing; a point query is [t, t + 1). */
  return t0 < t1 && s->start_ns < t1 && (s->end_ns > t0 || (s->start_ns == t0 && s->end_ns == t0));
}

/* 100,000 tasks (some empty) with nested I/O, against a brute-force scan. */
static void
test_lookup (void)
{
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  WeftLane *lane;
  guint64 t = 1000;
  guint64 last;

  for (guint i = 0; i < 100000; i++)
    {
      WeftEvent e;
      guint64 dur = g_rand_int_range (rand, 0, 4) == 0 ? 0 : (guint64) g_rand_int_range (rand, 1, 500);

      t += (guint64) g_rand_int_range (rand, 0, 3) * (guint64) g_rand_int_range (rand, 0, 100);
      e = ev (t, 3, WEFT_EVENT_TASK_BEGIN, i, 0, 0);
      g_array_append_val (events, e);
      if (dur > 2 && i % 3 == 0)
        {
          e = ev (t + 1, 3, WEFT_EVENT_IO_BEGIN, i, 0, 0);
          g_array_append_val (events, e);
          e = ev (t + dur - 1, 3, WEFT_EVENT_IO_END, i, 0, 0);
          g_array_append_val (events, e);
        }
      t += dur;
      e = ev (t, 3, WEFT_EVENT_TASK_END, i, WEFT_TASK_OK, 0);
      g_array_append_val (events, e);
    }
  last = t;

  /* In uneven batches, as a collector would deliver them. */
  for (guint i = 0; i < events->len;)
    {
      guint want = (guint) g_rand_int_range (rand, 1, 5000);
      guint n = MIN (want, events->len - i);

      weft_trace_model_append (model, &g_array_index (events, WeftEvent, i), n);
      i += n;
    }

  lane = weft_trace_model_lookup_lane (model, 3);
  g_assert_cmpuint (weft_lane_get_n_spans (lane, 0), ==, 100000);
  g_assert_cmpuint (weft_lane_get_n_depths (lane), ==, 2);

  for (guint depth = 0; depth < 2; depth++)
    {
      guint n_spans = weft_lane_get_n_spans (lane, depth);
      WeftSpan prev = { 0 };

      /* Sorted and disjoint within a depth. */
      for (guint i = 0; i < n_spans; i++)
        {
          WeftSpan s;

          g_assert_true (weft_lane_get_span (lane, depth, i, &s));
          g_assert_cmpuint (s.depth, ==, depth);
          g_assert_cmpuint (s.start_ns, <=, s.end_ns);
          if (i > 0)
            g_assert_cmpuint (s.start_ns, >=, prev.end_ns);
          prev = s;
        }

      for (guint q = 0; q < 300; q++)
        {
          guint64 t0 = (guint64) g_rand_double_range (rand, 0, (double) last + 2000);
          guint64 t1 = t0 + (q % 3 == 0 ? 0 : (guint64) g_rand_int_range (rand, 0, q % 2 ? 50 : 50000));
          guint first, n, expect_first = G_MAXUINT, expect_n = 0;

          /* Also probe exact span boundaries. */
          if (q % 5 == 0 && n_spans > 0)
            {
              WeftSpan s;

              weft_lane_get_span (lane, depth, (guint) g_rand_int_range (rand, 0, (gint32) n_spans), &s);
              t0 = q % 10 == 0 ? s.start_ns : s.end_ns;
              t1 = t0 + (guint64) g_rand_int_range (rand, 0, 300);
            }

          for (guint i = 0; i < n_spans; i++)
            {
              WeftSpan s;

              weft_lane_get_span (lane, depth, i, &s);
              if (overlaps (&s, t0, t1))
                {
                  if (expect_first == G_MAXUINT)
                    expect_first = i;
                  g_assert_cmpuint (i, ==, expect_first + expect_n);
                  expect_n++;
                }
            }

          weft_lane_lookup_range (lane, depth, t0, t1, &first, &n);
          g_assert_cmpuint (n, ==, expect_n);
          if (expect_n > 0)
            g_assert_cmpuint (first, ==, expect_first);
        }
    }

  weft_trace_model_finish (model, 0);
  g_assert_cmpuint (weft_trace_model_get_span_bytes (model), >, 0);
  assert_breakdown_sums (model);
}

/* Worker 0 takes lock 7 uncontended; worker 1 waits for it; then they swap. */
static const WeftEvent lock_events[] = {
  { .time_ns = 100, .worker = 0, .kind = WEFT_EVENT_LOCK_ACQUIRED, .object = 7 },
  { .time_ns = 110, .worker = 1, .kind = WEFT_EVENT_LOCK_WAIT, .object = 7 },
  { .time_ns = 150, .worker = 0, .kind = WEFT_EVENT_LOCK_RELEASED, .object = 7 },
  { .time_ns = 150, .worker = 1, .kind = WEFT_EVENT_LOCK_ACQUIRED, .object = 7 },
  { .time_ns = 160, .worker = 0, .kind = WEFT_EVENT_LOCK_WAIT, .object = 7 },
  { .time_ns = 190, .worker = 1, .kind = WEFT_EVENT_LOCK_RELEASED, .object = 7 },
  { .time_ns = 190, .worker = 0, .kind = WEFT_EVENT_LOCK_ACQUIRED, .object = 7 },
  { .time_ns = 200, .worker = 0, .kind = WEFT_EVENT_LOCK_RELEASED, .object = 7 },
};

static void
check_lock_stats (WeftTraceModel *model)
{
  WeftLockStats lock;
  WeftRunStats run;

  g_assert_true (weft_trace_model_get_lock_stats (model, 7, &lock));
  g_assert_cmpuint (lock.acquisitions, ==, 3);
  g_assert_cmpuint (lock.contended, ==, 2);
  g_assert_cmpuint (lock.total_wait_ns, ==, 40 + 30);
  g_assert_cmpuint (lock.max_wait_ns, ==, 40);
  g_assert_cmpuint (lock.total_hold_ns, ==, 50 + 40 + 10);
  g_assert_cmpuint (weft_lock_stats_get_mean_wait_ns (&lock), ==, 35);
  g_assert_cmpfloat_with_epsilon (weft_lock_stats_get_contention (&lock), 2.0 / 3.0, 1e-9);

  weft_trace_model_get_run_stats (model, &run);
  g_assert_cmpuint (run.n_unmatched, ==, 0);
  g_assert_cmpuint (run.wall_ns, ==, 100);
  assert_span (weft_trace_model_lookup_lane (model, 0), 0, 0, 100, 150, WEFT_STATE_LOCK_HELD, 7, 0);
  assert_span (weft_trace_model_lookup_lane (model, 0), 0, 1, 160, 190, WEFT_STATE_LOCK_WAIT, 7, 0);
  assert_span (weft_trace_model_lookup_lane (model, 0), 0, 2, 190, 200, WEFT_STATE_LOCK_HELD, 7, WEFT_SPAN_CONTENDED);
  assert_breakdown_sums (model);
}

static void
test_lock_stats (void)
{
  /* In global time order: wake-ups become flows. */
  {
    g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
    const WeftFlow *flows;
    guint n;

    weft_trace_model_append (model, lock_events, G_N_ELEMENTS (lock_events));
    weft_trace_model_finish (model, 0);
    check_lock_stats (model);

    flows = weft_test_flows (weft_trace_model_get_flows (model), &n);
    g_assert_cmpuint (n, ==, 2);
    g_assert_cmpuint (flows[0].kind, ==, WEFT_FLOW_LOCK);
    g_assert_cmpuint (flows[0].object, ==, 7);
    g_assert_cmpuint (flows[0].from_worker, ==, 0);
    g_assert_cmpuint (flows[0].from_ns, ==, 150);
    g_assert_cmpuint (flows[0].to_worker, ==, 1);
    g_assert_cmpuint (flows[0].to_ns, ==, 150);
    g_assert_cmpuint (flows[1].from_worker, ==, 1);
    g_assert_cmpuint (flows[1].from_ns, ==, 190);
    g_assert_cmpuint (flows[1].to_worker, ==, 0);
    g_assert_cmpuint (flows[1].to_ns, ==, 190);
  }

  /* One worker's batch after the other's: the statistics don't change. */
  {
    g_autoptr (WeftTraceModel) model = weft_trace_model_new ();

    for (guint w = 2; w-- > 0;)
      for (guint i = 0; i < G_N_ELEMENTS (lock_events); i++)
        if (lock_events[i].worker == w)
          weft_trace_model_append (model, &lock_events[i], 1);
    weft_trace_model_finish (model, 0);
    check_lock_stats (model);
  }
}

/* Queue 3: worker 0 puts items 11 and 12, worker 1 gets them. */
/* QUEUE_READY ends a wait before its get: the span stops there; a wait
 * paused (another worker took the item) and begun again is one get that
 * waited, with its lost turn between; a get without a begin did not wait;
 * a READY without a wait is unmatched. */
static void
test_queue_ready (void)
{
  const WeftEvent events[] = {
    ev (80, 0, WEFT_EVENT_OBJECT_NEW, 3, WEFT_OBJECT_QUEUE, 4),
    ev (100, 1, WEFT_EVENT_QUEUE_GET_BEGIN, 3, 0, 0),
    ev (120, 1, WEFT_EVENT_QUEUE_READY, 3, 0, 0),      /* an item came at 120... */
    ev (125, 1, WEFT_EVENT_QUEUE_GET_BEGIN, 3, 0, 0),  /* ...another took it at 125 */
    ev (150, 1, WEFT_EVENT_QUEUE_READY, 3, 0, 0),
    ev (170, 1, WEFT_EVENT_QUEUE_GET_END, 3, 0, 21),   /* woke up and took it at 170 */
    ev (180, 1, WEFT_EVENT_QUEUE_GET_END, 3, 0, 22),   /* did not wait */
    ev (190, 1, WEFT_EVENT_QUEUE_READY, 3, 0, 0),      /* unmatched */
  };
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  WeftLane *lane;
  WeftQueueStats q;
  WeftSpan span;

  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  weft_trace_model_finish (model, 0);
  g_assert_true (weft_trace_model_get_queue_stats (model, 3, &q));
  g_assert_cmpuint (q.gets, ==, 2);
  g_assert_cmpuint (q.get_waits, ==, 1);
  g_assert_cmpuint (q.put_waits, ==, 0);
  g_assert_cmpuint (q.get_blocked_ns, ==, 20 + 25);
  lane = weft_trace_model_lookup_lane (model, 1);
  /* the get's wait, its lost turn (120-125: the item was there, another
   * took it; not blocked, not running), and its wait again */
  g_assert_cmpuint (weft_lane_get_n_spans (lane, 0), ==, 3);
  g_assert_true (weft_lane_get_span (lane, 0, 1, &span));
  g_assert_cmpuint (span.start_ns, ==, 120);
  g_assert_cmpuint (span.end_ns, ==, 125);
  g_assert_cmpint (span.state, ==, WEFT_STATE_QUEUE_TURN);
  g_assert_true (weft_lane_get_span (lane, 0, 2, &span));
  g_assert_cmpuint (span.start_ns, ==, 125);
  g_assert_cmpuint (span.end_ns, ==, 150);
  g_assert_cmpint (span.state, ==, WEFT_STATE_QUEUE_GET);
  /* ...and after the last READY it woke up (150-170): no turn there */
  {
    WeftLaneStats ls;

    g_assert_true (weft_trace_model_get_lane_stats (model, 1, &ls));
    g_assert_cmpuint (ls.state_ns[WEFT_STATE_QUEUE_TURN], ==, 5);
    g_assert_cmpuint (ls.state_ns[WEFT_STATE_QUEUE_GET], ==, 45);
  }
  g_assert_cmpstr (weft_state_to_nick (WEFT_STATE_QUEUE_TURN), ==, "queue-turn");
  {
    WeftRunStats rs;

    weft_trace_model_get_run_stats (model, &rs);
    g_assert_cmpuint (rs.n_unmatched, ==, 1);
  }
}

static void
test_queue (void)
{
  const WeftEvent getter[] = {
    ev (90, 1, WEFT_EVENT_QUEUE_GET_BEGIN, 3, 0, 0),
    ev (120, 1, WEFT_EVENT_QUEUE_GET_END, 3, 1, 11),
    ev (125, 1, WEFT_EVENT_QUEUE_GET_BEGIN, 3, 0, 0),
    ev (140, 1, WEFT_EVENT_QUEUE_GET_END, 3, 0, 12),
  };
  const WeftEvent putter[] = {
    ev (80, 0, WEFT_EVENT_OBJECT_NEW, 3, WEFT_OBJECT_QUEUE, 2),
    ev (100, 0, WEFT_EVENT_QUEUE_PUT_BEGIN, 3, 0, 0),
    ev (105, 0, WEFT_EVENT_QUEUE_PUT_END, 3, 1, 11),
    ev (110, 0, WEFT_EVENT_QUEUE_PUT_BEGIN, 3, 0, 0),
    ev (130, 0, WEFT_EVENT_QUEUE_PUT_END, 3, 2, 12),
  };
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  WeftQueueStats q;
  const WeftCounterPoint *depth;
  const WeftFlow *flows;
  guint n, first;

  /* The getter's buffer arrives first: matching and the depth track must
   * cope with cross-worker disorder. */
  weft_trace_model_append (model, getter, G_N_ELEMENTS (getter));
  weft_trace_model_append (model, putter, G_N_ELEMENTS (putter));
  weft_trace_model_finish (model, 0);

  g_assert_cmpuint (weft_trace_model_get_object_kind (model, 3), ==, WEFT_OBJECT_QUEUE);
  g_assert_cmpint (weft_trace_model_get_object_initial (model, 3), ==, 2);
  g_assert_true (weft_trace_model_get_queue_stats (model, 3, &q));
  g_assert_cmpuint (q.puts, ==, 2);
  g_assert_cmpuint (q.gets, ==, 2);
  g_assert_cmpint (q.max_depth, ==, 2);
  g_assert_cmpuint (q.put_blocked_ns, ==, 5 + 20);
  g_assert_cmpuint (q.get_blocked_ns, ==, 30 + 15);
  g_assert_cmpuint (q.blocked_ns, ==, 70);

  depth = weft_test_points (weft_trace_model_get_counter (model, 3), &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (depth[0].time_ns, ==, 105);
  g_assert_cmpint (depth[0].value, ==, 1);
  g_assert_cmpuint (depth[1].time_ns, ==, 120);
  g_assert_cmpint (depth[1].value, ==, 1);
  g_assert_cmpuint (depth[2].time_ns, ==, 130);
  g_assert_cmpint (depth[2].value, ==, 2);
  g_assert_cmpuint (depth[3].time_ns, ==, 140);
  g_assert_cmpint (depth[3].value, ==, 0);
  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_counter (model, 3), 100), ==, 0);
  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_counter (model, 3), 135), ==, 2);
  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_counter (model, 3), 1000), ==, 0);

  flows = weft_test_flows (weft_trace_model_get_flows (model), &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (flows[0].kind, ==, WEFT_FLOW_QUEUE);
  g_assert_cmpint (flows[0].item, ==, 11);
  g_assert_cmpuint (flows[0].from_worker, ==, 0);
  g_assert_cmpuint (flows[0].from_ns, ==, 105);
  g_assert_cmpuint (flows[0].to_worker, ==, 1);
  g_assert_cmpuint (flows[0].to_ns, ==, 120);
  g_assert_cmpint (flows[1].item, ==, 12);
  g_assert_cmpuint (flows[1].from_ns, ==, 130);
  g_assert_cmpuint (flows[1].to_ns, ==, 140);

  /* A window between the two ends of item 12 finds it. */
  weft_trace_model_lookup_flows (model, 132, 138, &first, &n);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpint (flows[first].item, ==, 12);
  weft_trace_model_lookup_flows (model, 141, 500, &first, &n);
  g_assert_cmpuint (n, ==, 0);
  assert_breakdown_sums (model);
}

static void
test_unmatched (void)
{
  const WeftEvent events[] = {
    ev (10, 0, WEFT_EVENT_TASK_END, 4, WEFT_TASK_OK, 0),
    ev (20, 0, WEFT_EVENT_IO_END, 4, 0, 0),
    ev (30, 0, WEFT_EVENT_LOCK_RELEASED, 8, 0, 0),
    ev (40, 0, WEFT_EVENT_TASK_BEGIN, 5, 0, 0),
    ev (50, 0, WEFT_EVENT_TASK_END, 6, WEFT_TASK_OK, 0), /* another task's end */
    ev (60, 0, WEFT_EVENT_LOCK_ACQUIRED, 8, 0, 0),       /* uncontended: fine */
    ev (70, 0, WEFT_EVENT_LOCK_RELEASED, 8, 0, 0),
    ev (80, 0, WEFT_EVENT_TASK_END, 5, WEFT_TASK_FAILED, 0),
  };
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  WeftRunStats run;
  WeftLaneStats stats;
  WeftLockStats lock;
  WeftLane *lane;

  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  weft_trace_model_finish (model, 0);

  weft_trace_model_get_run_stats (model, &run);
  g_assert_cmpuint (run.n_unmatched, ==, 4);
  g_assert_cmpuint (run.n_spans, ==, 2);
  g_assert_true (weft_trace_model_get_lane_stats (model, 0, &stats));
  g_assert_cmpuint (stats.n_unmatched, ==, 4);
  g_assert_cmpuint (stats.tasks_failed, ==, 1);
  g_assert_cmpuint (stats.tasks_completed, ==, 0);

  lane = weft_trace_model_lookup_lane (model, 0);
  assert_span (lane, 0, 0, 40, 80, WEFT_STATE_RUNNING, 5, WEFT_SPAN_TASK_FAILED);
  assert_span (lane, 1, 0, 60, 70, WEFT_STATE_LOCK_HELD, 8, 0);
  g_assert_true (weft_trace_model_get_lock_stats (model, 8, &lock));
  g_assert_cmpuint (lock.acquisitions, ==, 1);
  g_assert_cmpuint (lock.contended, ==, 0);
  g_assert_cmpuint (lock.total_hold_ns, ==, 10);
  assert_breakdown_sums (model);
}

/* Lock A taken, lock B taken, A released, then I/O, then B released. */
static void
test_interleaved (void)
{
  const WeftEvent events[] = {
    ev (0, 0, WEFT_EVENT_TASK_BEGIN, 1, 0, 0),
    ev (10, 0, WEFT_EVENT_LOCK_ACQUIRED, 100, 0, 0),
    ev (20, 0, WEFT_EVENT_LOCK_ACQUIRED, 200, 0, 0),
    ev (30, 0, WEFT_EVENT_LOCK_RELEASED, 100, 0, 0),
    ev (40, 0, WEFT_EVENT_IO_BEGIN, 1, 0, 0),
    ev (50, 0, WEFT_EVENT_IO_END, 1, 0, 0),
    ev (60, 0, WEFT_EVENT_LOCK_RELEASED, 200, 0, 0),
    ev (100, 0, WEFT_EVENT_TASK_END, 1, WEFT_TASK_CANCELLED, 0),
  };
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  WeftLane *lane;
  WeftLockStats lock;
  WeftLaneStats stats;
  WeftRunStats run;

  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  weft_trace_model_finish (model, 0);
  lane = weft_trace_model_lookup_lane (model, 0);

  weft_trace_model_get_run_stats (model, &run);
  g_assert_cmpuint (run.n_unmatched, ==, 0);
  g_assert_cmpuint (run.wall_ns, ==, 100);

  /* The I/O reuses the row A freed: rows stay disjoint. */
  assert_span (lane, 0, 0, 0, 100, WEFT_STATE_RUNNING, 1, WEFT_SPAN_TASK_CANCELLED);
  assert_span (lane, 1, 0, 10, 30, WEFT_STATE_LOCK_HELD, 100, 0);
  assert_span (lane, 1, 1, 40, 50, WEFT_STATE_IO, 1, 0);
  assert_span (lane, 2, 0, 20, 60, WEFT_STATE_LOCK_HELD, 200, 0);

  g_assert_true (weft_trace_model_get_lock_stats (model, 100, &lock));
  g_assert_cmpuint (lock.total_hold_ns, ==, 20);
  g_assert_true (weft_trace_model_get_lock_stats (model, 200, &lock));
  g_assert_cmpuint (lock.total_hold_ns, ==, 40);

  /* Deepest wins: B (row 2) hides the I/O in row 1 during [40,50). */
  g_assert_true (weft_trace_model_get_lane_stats (model, 0, &stats));
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_RUNNING], ==, 10 + 40);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_LOCK_HELD], ==, 10 + 40);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_IO], ==, 0);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_IDLE], ==, 0);
  g_assert_cmpuint (stats.tasks_cancelled, ==, 1);
  assert_breakdown_sums (model);
}

static void
append_name (GArray     *events,
             guint16     worker,
             guint32     object,
             const char *name)
{
  gsize len = strlen (name);

  for (gsize off = 0; off < len; off += 16)
    {
      char chunk[16] = { 0 };
      WeftEvent e = ev (5, worker, WEFT_EVENT_NAME, object, 0, 0);

      memcpy (chunk, name + off, MIN (16, len - off));
      memcpy (&e.arg0, chunk, 8);
      memcpy (&e.arg1, chunk + 8, 8);
      g_array_append_val (events, e);
    }
}

/* An empty NAME for the worker starts its name over (a thread renamed, an
 * exec'd image, a lane reused by a later thread). */
static void
test_rename (void)
{
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  WeftEvent clear = ev (6, 3, WEFT_EVENT_NAME, WEFT_OBJECT_SELF, 0, 0);

  append_name (events, 3, WEFT_OBJECT_SELF, "python3 (tid 77)");
  append_name (events, 3, WEFT_OBJECT_SELF, " more");
  g_array_append_val (events, clear);
  append_name (events, 3, WEFT_OBJECT_SELF, "ThreadPoolExecutor-0_1");
  weft_trace_model_append (model, (WeftEvent *) (gpointer) events->data, events->len);
  g_assert_cmpstr (weft_lane_get_name (weft_trace_model_lookup_lane (model, 3)), ==, "ThreadPoolExecutor-0_1");
}

/* An object named by several writers (every process that takes a lock or
 * enters a marked region declares it), or again later, has the latest name,
 * not the pieces of all of them joined */
static void
test_object_named_again (void)
{
  const char *name = "a region's name of thirty bytes";
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));

  for (guint16 worker = 0; worker < 3; worker++)
    append_name (events, worker, 42, name);
  append_name (events, 0, 43, "work");
  append_name (events, 1, 43, "work");
  weft_trace_model_append (model, (WeftEvent *) (gpointer) events->data, events->len);
  g_assert_cmpstr (weft_trace_model_get_object_name (model, 42), ==, name);
  g_assert_cmpstr (weft_trace_model_get_object_name (model, 43), ==, "work");

  /* renamed by the same writer, later */
  g_array_set_size (events, 0);
  append_name (events, 0, 43, "renamed");
  g_array_index (events, WeftEvent, 0).time_ns = 9;
  weft_trace_model_append (model, (WeftEvent *) (gpointer) events->data, events->len);
  g_assert_cmpstr (weft_trace_model_get_object_name (model, 43), ==, "renamed");
}

static void
test_names (void)
{
  const char *lane_name = "a-very-long-worker-name-of-forty-bytes!!";
  const char *lock_name = "the big lock \xc3\xa9\xc3\xa9 (two-byte chars, split)";
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  WeftEvent info = ev (1, 2, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_PROCESSES, 4242);
  WeftLane *lane;
  WeftRunStats run;

  g_assert_cmpuint (strlen (lane_name), ==, 40);
  g_array_append_val (events, info);
  append_name (events, 2, WEFT_OBJECT_SELF, lane_name);
  append_name (events, 2, 9, lock_name);
  weft_trace_model_append (model, (WeftEvent *) (gpointer) events->data, events->len);
  g_assert_cmpuint (events->len, ==, 1 + 3 + 3);

  lane = weft_trace_model_lookup_lane (model, 2);
  g_assert_cmpstr (weft_lane_get_name (lane), ==, lane_name);
  g_assert_cmpint (weft_lane_get_executor (lane), ==, WEFT_EXECUTOR_PROCESSES);
  g_assert_cmpint (weft_lane_get_pid (lane), ==, 4242);
  g_assert_cmpstr (weft_trace_model_get_object_name (model, 9), ==, lock_name);
  g_assert_null (weft_trace_model_get_object_name (model, 10));

  /* Description events alone make no wall time. */
  weft_trace_model_get_run_stats (model, &run);
  g_assert_cmpuint (run.wall_ns, ==, 0);

  /* Setters, and the default name. */
  weft_trace_model_set_lane_name (model, 2, "renamed");
  g_assert_cmpstr (weft_lane_get_name (lane), ==, "renamed");
  weft_trace_model_set_object_name (model, 9, "L");
  g_assert_cmpstr (weft_trace_model_get_object_name (model, 9), ==, "L");
  weft_trace_model_set_lane_executor (model, 3, WEFT_EXECUTOR_THREADS, 1);
  g_assert_cmpstr (weft_lane_get_name (weft_trace_model_lookup_lane (model, 3)), ==, "worker 3");
  weft_trace_model_declare_object (model, 12, WEFT_OBJECT_COUNTER, 5);
  g_assert_cmpuint (weft_trace_model_get_object_kind (model, 12), ==, WEFT_OBJECT_COUNTER);
}

static void
test_finish_truncates (void)
{
  const WeftEvent events[] = {
    ev (100, 0, WEFT_EVENT_TASK_BEGIN, 1, 0, 0),
    ev (150, 0, WEFT_EVENT_LOCK_WAIT, 2, 0, 0),
    ev (300, 1, WEFT_EVENT_INSTANT, 0, 0, 0),
  };
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  WeftSpan open[4];
  WeftLane *lane;
  WeftLockStats lock;
  WeftLaneStats stats;
  WeftRunStats run;
  guint n;

  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  lane = weft_trace_model_lookup_lane (model, 0);

  /* Live: the open spans are visible, and count up to the run's end. */
  g_assert_cmpuint (weft_lane_get_n_open_spans (lane), ==, 2);
  n = weft_lane_get_open_spans (lane, open, G_N_ELEMENTS (open));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (open[0].start_ns, ==, 100);
  g_assert_cmpuint (open[0].state, ==, WEFT_STATE_RUNNING);
  g_assert_cmpuint (open[0].depth, ==, 0);
  g_assert_cmpuint (open[0].flags, ==, WEFT_SPAN_OPEN);
  g_assert_cmpuint (open[1].start_ns, ==, 150);
  g_assert_cmpuint (open[1].state, ==, WEFT_STATE_LOCK_WAIT);
  g_assert_cmpuint (open[1].object, ==, 2);
  g_assert_cmpuint (open[1].depth, ==, 1);
  g_assert_cmpuint (weft_lane_get_open_spans (lane, open, 1), ==, 1);
  g_assert_cmpuint (weft_lane_get_current_state (lane), ==, WEFT_STATE_LOCK_WAIT);
  g_assert_true (weft_trace_model_get_lane_stats (model, 0, &stats));
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_RUNNING], ==, 50);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_LOCK_WAIT], ==, 150);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_IDLE], ==, 0);
  g_assert_cmpuint (weft_lane_get_n_spans (lane, 0), ==, 0);

  weft_trace_model_finish (model, 400);
  g_assert_true (weft_trace_model_get_finished (model));
  g_assert_cmpuint (weft_lane_get_n_open_spans (lane), ==, 0);
  assert_span (lane, 0, 0, 100, 400, WEFT_STATE_RUNNING, 1, WEFT_SPAN_TRUNCATED);
  assert_span (lane, 1, 0, 150, 400, WEFT_STATE_LOCK_WAIT, 2, WEFT_SPAN_TRUNCATED);

  weft_trace_model_get_run_stats (model, &run);
  g_assert_cmpuint (run.first_ns, ==, 100);
  g_assert_cmpuint (run.last_ns, ==, 400);
  g_assert_cmpuint (run.n_spans, ==, 2);

  /* A truncated wait counts as waiting time, not as an acquisition. */
  g_assert_true (weft_trace_model_get_lock_stats (model, 2, &lock));
  g_assert_cmpuint (lock.acquisitions, ==, 0);
  g_assert_cmpuint (lock.total_wait_ns, ==, 250);
  g_assert_cmpuint (lock.max_wait_ns, ==, 250);

  g_assert_true (weft_trace_model_get_lane_stats (model, 0, &stats));
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_RUNNING], ==, 50);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_LOCK_WAIT], ==, 250);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_IDLE], ==, 0);
  g_assert_true (weft_trace_model_get_lane_stats (model, 1, &stats));
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_IDLE], ==, 300);
  assert_breakdown_sums (model);
}

static void
test_finish_at_last_event (void)
{
  const WeftEvent events[] = {
    ev (100, 0, WEFT_EVENT_IO_BEGIN, 1, 0, 0),
    ev (120, 0, WEFT_EVENT_INSTANT, 0, 0, 0),
    ev (500, 1, WEFT_EVENT_INSTANT, 0, 0, 0),
  };
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();

  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  /* 0: each worker's own last event. */
  weft_trace_model_finish (model, 0);
  assert_span (weft_trace_model_lookup_lane (model, 0), 0, 0, 100, 120, WEFT_STATE_IO, 1, WEFT_SPAN_TRUNCATED);
  assert_breakdown_sums (model);
}

/* Worker 0 runs [100,200); worker 1 runs [150,300) but waits for the GIL
 * during [160,180). */
static void
test_parallelism (void)
{
  const WeftEvent w1[] = {
    ev (150, 1, WEFT_EVENT_TASK_BEGIN, 2, 0, 0),
    ev (160, 1, WEFT_EVENT_GIL_WAIT, 1, 0, 0),
    ev (180, 1, WEFT_EVENT_GIL_ACQUIRED, 1, 0, 0),
    ev (250, 1, WEFT_EVENT_GIL_RELEASED, 1, 0, 0),
    ev (300, 1, WEFT_EVENT_TASK_END, 2, WEFT_TASK_OK, 0),
  };
  const WeftEvent w0[] = {
    ev (100, 0, WEFT_EVENT_TASK_BEGIN, 1, 0, 0),
    ev (200, 0, WEFT_EVENT_TASK_END, 1, WEFT_TASK_OK, 0),
  };
  const struct { guint64 t; gint64 v; } expect[] = {
    { 0, 0 }, { 99, 0 }, { 100, 1 }, { 149, 1 }, { 150, 2 }, { 155, 2 }, { 160, 1 },
    { 170, 1 }, { 180, 2 }, { 190, 2 }, { 200, 1 }, { 250, 1 }, { 299, 1 }, { 300, 0 }, { 1000, 0 },
  };

  for (guint order = 0; order < 3; order++)
    {
      g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
      const WeftCounterPoint *points;
      WeftLockStats gil;
      guint n;

      if (order == 0)
        {
          /* worker 1's buffer first, then worker 0's, out of time order */
          weft_trace_model_append (model, w1, G_N_ELEMENTS (w1));
          weft_trace_model_append (model, w0, G_N_ELEMENTS (w0));
        }
      else if (order == 1)
        {
          WeftEvent all[G_N_ELEMENTS (w0) + G_N_ELEMENTS (w1)];

          memcpy (all, w0, sizeof w0);
          memcpy (all + G_N_ELEMENTS (w0), w1, sizeof w1);
          weft_trace_model_append (model, all, G_N_ELEMENTS (all));
        }
      else
        {
          weft_trace_model_append (model, &w0[0], 1);
          for (guint i = 0; i < G_N_ELEMENTS (w1); i++)
            weft_trace_model_append (model, &w1[i], 1);
          weft_trace_model_append (model, &w0[1], 1);
        }
      weft_trace_model_finish (model, 0);

      points = weft_test_points (weft_trace_model_get_parallelism (model), &n);
      g_assert_cmpuint (n, ==, 6);
      for (guint i = 1; i < n; i++)
        g_assert_cmpuint (points[i - 1].time_ns, <, points[i].time_ns);
      for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
        g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_parallelism (model), expect[i].t), ==,
                         expect[i].v);
      g_assert_cmpuint (weft_counter_track_lower_bound (weft_trace_model_get_parallelism (model), 151), ==, 2);

      g_assert_cmpuint (weft_trace_model_get_object_kind (model, 1), ==, WEFT_OBJECT_GIL);
      g_assert_true (weft_trace_model_get_lock_stats (model, 1, &gil));
      g_assert_cmpuint (gil.acquisitions, ==, 1);
      g_assert_cmpuint (gil.contended, ==, 1);
      g_assert_cmpuint (gil.total_wait_ns, ==, 20);
      g_assert_cmpuint (gil.total_hold_ns, ==, 70);
      assert_breakdown_sums (model);
    }
}

static void
test_counters (void)
{
  const WeftEvent a[] = {
    ev (10, 0, WEFT_EVENT_OBJECT_NEW, 50, WEFT_OBJECT_COUNTER, 100),
    ev (20, 0, WEFT_EVENT_COUNTER, 50, 101, 0),
    ev (40, 0, WEFT_EVENT_COUNTER, 50, 103, 0),
  };
  const WeftEvent b[] = {
    ev (30, 1, WEFT_EVENT_COUNTER, 50, 102, 0),
    ev (40, 1, WEFT_EVENT_COUNTER, 50, 104, 0), /* same instant: arrived last, wins */
    ev (50, 1, WEFT_EVENT_COUNTER, 50, 99, 0),
  };
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  const WeftCounterPoint *points;
  g_autofree guint32 *ids = NULL;
  guint n;

  weft_trace_model_append (model, a, G_N_ELEMENTS (a));
  weft_trace_model_append (model, b, G_N_ELEMENTS (b));
  points = weft_test_points (weft_trace_model_get_counter (model, 50), &n);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpint (points[0].value, ==, 100);
  g_assert_cmpint (points[1].value, ==, 101);
  g_assert_cmpint (points[2].value, ==, 102);
  g_assert_cmpuint (points[3].time_ns, ==, 40);
  g_assert_cmpint (points[3].value, ==, 104);
  g_assert_cmpint (points[4].value, ==, 99);
  g_assert_null (weft_test_points (weft_trace_model_get_counter (model, 51), &n));
  g_assert_cmpuint (n, ==, 0);

  ids = weft_trace_model_list_objects (model, WEFT_OBJECT_COUNTER, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (ids[0], ==, 50);
}

/* Random nested streams on 4 workers, delivered once in global time order and
 * once as per-worker buffers in random order and random batches: everything
 * but lock wake-up flows (which need the release before the acquisition)
 * must come out the same. Times are unique across workers, so no ties. */
#define R_WORKERS 4

static void
random_stream (GRand  *rand,
               guint16 w,
               GArray *out)
{
  guint64 t = 10;
  guint item = 0;

#define EMIT(kind, obj, a0, a1) G_STMT_START { \
    WeftEvent e_ = ev (t * R_WORKERS + w, w, (kind), (obj), (a0), (a1)); \
    g_array_append_val (out, e_); \
    t += (guint64) g_rand_int_range (rand, 1, 20); \
  } G_STMT_END

  for (guint task = 0; task < 400; task++)
    {
      guint32 id = w * 1000 + task;

      EMIT (WEFT_EVENT_TASK_BEGIN, id, 0, 0);
      for (guint op = 0; op < (guint) g_rand_int_range (rand, 0, 4); op++)
        {
          switch (g_rand_int_range (rand, 0, 6))
            {
            case 0:
              EMIT (WEFT_EVENT_GIL_WAIT, 1, 0, 0);
              EMIT (WEFT_EVENT_GIL_ACQUIRED, 1, 0, 0);
              EMIT (WEFT_EVENT_GIL_RELEASED, 1, 0, 0);
              break;
            case 1:
              if (g_rand_boolean (rand))
                EMIT (WEFT_EVENT_LOCK_WAIT, 2, 0, 0);
              EMIT (WEFT_EVENT_LOCK_ACQUIRED, 2, 0, 0);
              EMIT (WEFT_EVENT_IO_BEGIN, id, 0, 0);
              EMIT (WEFT_EVENT_IO_END, id, 0, 0);
              EMIT (WEFT_EVENT_LOCK_RELEASED, 2, 0, 0);
              break;
            case 2:
              EMIT ((w % 2 == 0) ? WEFT_EVENT_QUEUE_PUT_BEGIN : WEFT_EVENT_QUEUE_GET_BEGIN, 3, 0, 0);
              EMIT ((w % 2 == 0) ? WEFT_EVENT_QUEUE_PUT_END : WEFT_EVENT_QUEUE_GET_END, 3,
                    g_rand_int_range (rand, 0, 10), ((w & ~1) << 20) | item);
              item++;
              break;
            case 3:
              EMIT (WEFT_EVENT_COUNTER, 4, g_rand_int_range (rand, -5, 5), 0);
              break;
            case 4:
              EMIT (WEFT_EVENT_INSTANT, 5, 0, 0);
              break;
            default:
              EMIT (WEFT_EVENT_IO_BEGIN, id, 0, 0);
              EMIT (WEFT_EVENT_IO_END, id, 0, 0);
              break;
            }
        }
      EMIT (WEFT_EVENT_TASK_END, id, g_rand_int_range (rand, 0, 3), 0);
    }
  /* Leave a task open for finish() to truncate. */
  EMIT (WEFT_EVENT_TASK_BEGIN, 99999, 0, 0);
#undef EMIT
}

static int
compare_events_by_time (gconstpointer a,
                        gconstpointer b)
{
  const WeftEvent *ea = a, *eb = b;

  return ea->time_ns < eb->time_ns ? -1 : (ea->time_ns > eb->time_ns);
}

static void
assert_points_equal (const WeftCounterPoint *a,
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

/* Appends @streams' events to @out as a collector would deliver them:
 * per-worker buffers of 1 to @max_buffer events, workers picked at random. */
static void
interleave_buffers (GRand   *rand,
                    GArray **streams,
                    guint    n_workers,
                    guint    max_buffer,
                    GArray  *out)
{
  g_autofree guint *pos = g_new0 (guint, n_workers);
  guint total = out->len;

  for (guint w = 0; w < n_workers; w++)
    total += streams[w]->len;
  while (out->len < total)
    {
      guint w = (guint) g_rand_int_range (rand, 0, (gint32) n_workers);
      guint want = (guint) g_rand_int_range (rand, 1, (gint32) max_buffer);
      guint n = MIN (want, streams[w]->len - pos[w]);

      g_array_append_vals (out, &g_array_index (streams[w], WeftEvent, pos[w]), n);
      pos[w] += n;
    }
}

static void
test_arrival_order (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  GArray *streams[R_WORKERS];
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr (WeftTraceModel) a = weft_trace_model_new ();
  g_autoptr (WeftTraceModel) b = weft_trace_model_new ();
  g_autoptr (GArray) shuffled = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  const WeftCounterPoint *pa, *pb;
  const WeftFlow *fa, *fb;
  guint na, nb, qa = 0, qb = 0;
  WeftRunStats ra, rb;

  for (guint16 w = 0; w < R_WORKERS; w++)
    {
      streams[w] = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
      random_stream (rand, w, streams[w]);
      g_array_append_vals (all, streams[w]->data, streams[w]->len);
    }
  g_array_sort (all, compare_events_by_time);
  weft_trace_model_append (a, (WeftEvent *) (gpointer) all->data, all->len);

  interleave_buffers (rand, streams, R_WORKERS, 200, shuffled);
  for (guint i = 0; i < shuffled->len;)
    {
      guint want = (guint) g_rand_int_range (rand, 1, 700);
      guint n = MIN (want, shuffled->len - i);

      weft_trace_model_append (b, &g_array_index (shuffled, WeftEvent, i), n);
      i += n;
    }

  /* Live, then final. */
  for (guint round = 0; round < 2; round++)
    {
      weft_trace_model_get_run_stats (a, &ra);
      weft_trace_model_get_run_stats (b, &rb);
      g_assert_cmpmem (&ra, sizeof ra, &rb, sizeof rb);
      g_assert_cmpuint (ra.n_unmatched, ==, 0);

      pa = weft_test_points (weft_trace_model_get_parallelism (a), &na);
      pb = weft_test_points (weft_trace_model_get_parallelism (b), &nb);
      assert_points_equal (pa, na, pb, nb);
      g_assert_cmpuint (na, >, 100);
      pa = weft_test_points (weft_trace_model_get_counter (a, 4), &na);
      pb = weft_test_points (weft_trace_model_get_counter (b, 4), &nb);
      assert_points_equal (pa, na, pb, nb);
      pa = weft_test_points (weft_trace_model_get_counter (a, 3), &na);
      pb = weft_test_points (weft_trace_model_get_counter (b, 3), &nb);
      assert_points_equal (pa, na, pb, nb);

      for (guint16 w = 0; w < R_WORKERS; w++)
        {
          WeftLaneStats sa, sb;
          WeftLane *la = weft_trace_model_lookup_lane (a, w);
          WeftLane *lb = weft_trace_model_lookup_lane (b, w);

          g_assert_true (weft_trace_model_get_lane_stats (a, w, &sa));
          g_assert_true (weft_trace_model_get_lane_stats (b, w, &sb));
          g_assert_cmpmem (&sa, sizeof sa, &sb, sizeof sb);
          g_assert_cmpuint (weft_lane_stats_get_total_ns (&sa), ==, ra.wall_ns);
          g_assert_cmpuint (weft_lane_get_n_depths (la), ==, weft_lane_get_n_depths (lb));
          for (guint d = 0; d < weft_lane_get_n_depths (la); d++)
            {
              g_assert_cmpuint (weft_lane_get_n_spans (la, d), ==, weft_lane_get_n_spans (lb, d));
              for (guint i = 0; i < weft_lane_get_n_spans (la, d); i++)
                {
                  WeftSpan x, y;

                  weft_lane_get_span (la, d, i, &x);
                  weft_lane_get_span (lb, d, i, &y);
                  g_assert_cmpmem (&x, sizeof x, &y, sizeof y);
                }
            }
        }

      for (guint32 obj = 1; obj <= 3; obj++)
        {
          WeftLockStats la, lb;
          WeftQueueStats qsa, qsb;

          g_assert_true (weft_trace_model_get_lock_stats (a, obj, &la));
          g_assert_true (weft_trace_model_get_lock_stats (b, obj, &lb));
          g_assert_cmpmem (&la, sizeof la, &lb, sizeof lb);
          g_assert_true (weft_trace_model_get_queue_stats (a, obj, &qsa));
          g_assert_true (weft_trace_model_get_queue_stats (b, obj, &qsb));
          g_assert_cmpmem (&qsa, sizeof qsa, &qsb, sizeof qsb);
        }

      /* Queue hand-offs match whatever the order; compare them in order. */
      fa = weft_test_flows (weft_trace_model_get_flows (a), &na);
      fb = weft_test_flows (weft_trace_model_get_flows (b), &nb);
      for (guint i = 0, j = 0;; i++, j++)
        {
          while (i < na && fa[i].kind != WEFT_FLOW_QUEUE)
            i++;
          while (j < nb && fb[j].kind != WEFT_FLOW_QUEUE)
            j++;
          if (i >= na || j >= nb)
            {
              g_assert_true (i >= na && j >= nb);
              break;
            }
          g_assert_cmpuint (fa[i].to_ns, ==, fb[j].to_ns);
          g_assert_cmpuint (fa[i].from_ns, ==, fb[j].from_ns);
          g_assert_cmpint (fa[i].item, ==, fb[j].item);
          qa++;
          qb++;
        }
      g_assert_cmpuint (qa, >, 0);
      for (guint i = 1; i < nb; i++)
        g_assert_cmpuint (fb[i - 1].to_ns, <=, fb[i].to_ns);

      weft_trace_model_finish (a, 0);
      weft_trace_model_finish (b, 0);
    }

  for (guint w = 0; w < R_WORKERS; w++)
    g_array_unref (streams[w]);
}

static void
notify_count (GObject    *object,
              GParamSpec *pspec,
              guint      *counter)
{
  (*counter)++;
}

static void
test_lanes (void)
{
  const WeftEvent events[] = {
    ev (10, 5, WEFT_EVENT_HELLO, 0, WEFT_WIRE_MAGIC, WEFT_WIRE_VERSION),
    ev (11, 2, WEFT_EVENT_INSTANT, 0, 0, 0),
    ev (12, 9, WEFT_EVENT_INSTANT, 0, 0, 0),
    ev (13, 2, WEFT_EVENT_INSTANT, 0, 0, 0),
    ev (14, 2, WEFT_EVENT_INSTANT, 0, 0, 0),
  };
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  guint added = 0, notified = 0, first, n;
  const WeftInstant *instants;

  g_signal_connect (model, "lane-added", G_CALLBACK (count_lane_added), &added);
  g_signal_connect (model, "notify::n-lanes", G_CALLBACK (notify_count), &notified);
  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  g_assert_cmpuint (added, ==, 3);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (model), ==, 3);
  g_assert_cmpuint (weft_lane_get_worker (weft_trace_model_get_lane (model, 0)), ==, 2);
  g_assert_cmpuint (weft_lane_get_worker (weft_trace_model_get_lane (model, 1)), ==, 5);
  g_assert_cmpuint (weft_lane_get_worker (weft_trace_model_get_lane (model, 2)), ==, 9);
  g_assert_null (weft_trace_model_get_lane (model, 3));
  g_assert_null (weft_trace_model_lookup_lane (model, 3));
  g_assert_cmpstr (weft_lane_get_name (weft_trace_model_get_lane (model, 1)), ==, "worker 5");

  instants = weft_lane_get_instants (weft_trace_model_lookup_lane (model, 2), &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (instants[2].time_ns, ==, 14);
  weft_lane_lookup_instants (weft_trace_model_lookup_lane (model, 2), 12, 14, &first, &n);
  g_assert_cmpuint (first, ==, 1);
  g_assert_cmpuint (n, ==, 1);

  weft_trace_model_append (model, events, 1);
  g_assert_cmpuint (added, ==, 3);
  g_assert_cmpuint (notified, ==, 1);
}

static void
test_states (void)
{
  for (guint i = 0; i < WEFT_N_STATES; i++)
    {
      WeftState state;

      g_assert_true (weft_state_from_nick (weft_state_to_nick (i), &state));
      g_assert_cmpuint (state, ==, i);
      g_assert_nonnull (weft_state_to_string (i));
    }
  g_assert_cmpstr (weft_state_to_nick (WEFT_STATE_LOCK_WAIT), ==, "lock-wait");
  g_assert_cmpstr (weft_state_to_nick (WEFT_N_STATES), ==, "unknown");
  {
    WeftState state;

    g_assert_false (weft_state_from_nick ("sleeping", &state));
  }
}

/* Waiting for a core nests in the task's span, takes its time from running,
 * and the parallelism track does not count it. */
static void
test_core_wait (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  WeftEvent events[] = {
    ev (100, 0, WEFT_EVENT_TASK_BEGIN, 7, 0, 0),
    ev (100, 1, WEFT_EVENT_TASK_BEGIN, 8, 0, 0),
    ev (300, 0, WEFT_EVENT_CORE_WAIT_BEGIN, 7, 0, 0),
    ev (700, 0, WEFT_EVENT_CORE_WAIT_END, 7, 0, 0),
    ev (1000, 0, WEFT_EVENT_TASK_END, 7, WEFT_TASK_OK, 0),
    ev (1000, 1, WEFT_EVENT_TASK_END, 8, WEFT_TASK_OK, 0),
  };
  WeftLaneStats stats;
  WeftSpan span;
  WeftState state;

  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  weft_trace_model_finish (model, 0);

  g_assert_true (weft_trace_model_get_lane_stats (model, 0, &stats));
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_CORE_WAIT], ==, 400);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_RUNNING], ==, 500);

  /* nested one row below the task, inside it */
  g_assert_cmpuint (weft_lane_get_n_spans (weft_trace_model_get_lane (model, 0), 1), ==, 1);
  g_assert_true (weft_lane_get_span (weft_trace_model_get_lane (model, 0), 1, 0, &span));
  g_assert_cmpint (span.state, ==, WEFT_STATE_CORE_WAIT);
  g_assert_cmpuint (span.start_ns, ==, 300);
  g_assert_cmpuint (span.end_ns, ==, 700);

  /* two tasks, but only one on a core from 300 to 700 */
  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_parallelism (model), 200), ==, 2);
  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_parallelism (model), 500), ==, 1);
  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_parallelism (model), 800), ==, 2);

  g_assert_cmpstr (weft_state_to_nick (WEFT_STATE_CORE_WAIT), ==, "core-wait");
  g_assert_cmpstr (weft_state_to_string (WEFT_STATE_CORE_WAIT), ==, "Waiting for a core");
  g_assert_true (weft_state_from_nick ("core-wait", &state));
  g_assert_cmpint (state, ==, WEFT_STATE_CORE_WAIT);
}

/* A thread that drops the GIL while it holds a lock waits for the GIL in
 * the row the GIL's hold freed, under the lock's hold: it is waiting (its
 * time is the GIL's wait, and the parallelism does not count it), not
 * running in the lock. An I/O under a running span is no such wait. */
static void
test_wait_under_hold (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  WeftEvent events[] = {
    ev (100, 0, WEFT_EVENT_TASK_BEGIN, 7, 0, 0),
    ev (100, 0, WEFT_EVENT_GIL_ACQUIRED, 1, 0, 0),
    ev (200, 0, WEFT_EVENT_LOCK_ACQUIRED, 20, 0, 0),
    ev (300, 0, WEFT_EVENT_GIL_RELEASED, 1, 0, 0),
    ev (300, 0, WEFT_EVENT_GIL_WAIT, 1, 0, 0),
    ev (900, 0, WEFT_EVENT_GIL_ACQUIRED, 1, 0, 0),
    ev (950, 0, WEFT_EVENT_LOCK_RELEASED, 20, 0, 0),
    ev (1000, 0, WEFT_EVENT_GIL_RELEASED, 1, 0, 0),
    ev (1000, 0, WEFT_EVENT_TASK_END, 7, WEFT_TASK_OK, 0),
    /* an I/O under a running span: that thread runs */
    ev (100, 1, WEFT_EVENT_TASK_BEGIN, 8, 0, 0),
    ev (150, 1, WEFT_EVENT_IO_BEGIN, 8, 0, 0),
    ev (200, 1, WEFT_EVENT_TASK_BEGIN, 9, 0, 0),
    ev (600, 1, WEFT_EVENT_TASK_END, 9, WEFT_TASK_OK, 0),
    ev (700, 1, WEFT_EVENT_IO_END, 8, 0, 0),
    ev (800, 1, WEFT_EVENT_TASK_END, 8, WEFT_TASK_OK, 0),
  };
  WeftLaneStats stats;

  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  weft_trace_model_finish (model, 0);

  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_parallelism (model), 250), ==, 2);
  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_parallelism (model), 500), ==, 1);
  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_parallelism (model), 650), ==, 0);
  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_parallelism (model), 920), ==, 1);
  g_assert_true (weft_trace_model_get_lane_stats (model, 0, &stats));
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_GIL_WAIT], ==, 600);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_LOCK_HELD], ==, 100 + 50);
  g_assert_cmpint (weft_lane_get_current_state (weft_trace_model_get_lane (model, 0)), ==, WEFT_STATE_IDLE);
}

/* A wait-for cycle as the trace stands: worker 2 waits for lock 21, held
 * by 1, which waits for 20, held by 2 (under a GIL hold that ended, so the
 * open spans do not nest); worker 3 waits into the cycle from outside. Once
 * 2 gives up its wait, no cycle is left. */
static void
test_lock_cycle (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  WeftEvent events[] = {
    ev (100, 1, WEFT_EVENT_TASK_BEGIN, 7, 0, 0),
    ev (110, 1, WEFT_EVENT_LOCK_ACQUIRED, 21, 0, 0),
    ev (300, 1, WEFT_EVENT_LOCK_WAIT, 20, 0, 0),
    ev (100, 2, WEFT_EVENT_TASK_BEGIN, 8, 0, 0),
    ev (100, 2, WEFT_EVENT_GIL_ACQUIRED, 1, 0, 0),
    ev (120, 2, WEFT_EVENT_LOCK_ACQUIRED, 20, 0, 0),
    ev (130, 2, WEFT_EVENT_GIL_RELEASED, 1, 0, 0),
    ev (310, 2, WEFT_EVENT_LOCK_WAIT, 21, 0, 0),
    ev (100, 3, WEFT_EVENT_TASK_BEGIN, 9, 0, 0),
    ev (320, 3, WEFT_EVENT_LOCK_WAIT, 20, 0, 0),
  };
  WeftEvent give_up[] = {
    ev (400, 2, WEFT_EVENT_LOCK_ACQUIRED, 21, 0, 0),
    ev (400, 2, WEFT_EVENT_LOCK_RELEASED, 21, 0, 0),
  };
  g_autoptr(GArray) cycle = NULL;
  g_autoptr(GArray) none = NULL;

  g_assert_null (weft_trace_model_find_lock_cycle (model));
  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  cycle = weft_trace_model_find_lock_cycle (model);
  g_assert_nonnull (cycle);
  g_assert_cmpuint (cycle->len, ==, 2);
  g_assert_cmpuint (g_array_index (cycle, WeftLockWait, 0).worker, ==, 1);
  g_assert_cmpuint (g_array_index (cycle, WeftLockWait, 0).lock, ==, 20);
  g_assert_cmpuint (g_array_index (cycle, WeftLockWait, 1).worker, ==, 2);
  g_assert_cmpuint (g_array_index (cycle, WeftLockWait, 1).lock, ==, 21);

  weft_trace_model_append (model, give_up, G_N_ELEMENTS (give_up));
  none = weft_trace_model_find_lock_cycle (model);
  g_assert_null (none);
}

/* A trace that ends in the cycle: the waits and holds its end cut off */
static void
test_lock_cycle_at_end (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  WeftEvent events[] = {
    ev (100, 1, WEFT_EVENT_TASK_BEGIN, 7, 0, 0),
    ev (110, 1, WEFT_EVENT_LOCK_ACQUIRED, 21, 0, 0),
    ev (300, 1, WEFT_EVENT_LOCK_WAIT, 20, 0, 0),
    ev (100, 2, WEFT_EVENT_TASK_BEGIN, 8, 0, 0),
    ev (120, 2, WEFT_EVENT_LOCK_ACQUIRED, 20, 0, 0),
    ev (310, 2, WEFT_EVENT_LOCK_WAIT, 21, 0, 0),
  };
  g_autoptr(GArray) cycle = NULL;

  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  weft_trace_model_finish (model, 1000);
  cycle = weft_trace_model_find_lock_cycle (model);
  g_assert_nonnull (cycle);
  g_assert_cmpuint (cycle->len, ==, 2);
  g_assert_cmpuint (g_array_index (cycle, WeftLockWait, 0).lock, ==, 20);
}

/* A charged cost is a span of its own state, on a CPU (the parallelism
 * counts it); a COST_BEGIN naming a state that is no charged cost is ignored. */
static void
test_charged_costs (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  WeftEvent events[] = {
    ev (100, 0, WEFT_EVENT_SPAWN_BEGIN, 0, 0, 0),
    ev (110, 0, WEFT_EVENT_COST_BEGIN, 0, WEFT_STATE_INTERPRETER_START, 0),
    ev (400, 0, WEFT_EVENT_COST_END, 0, WEFT_STATE_INTERPRETER_START, 0),
    ev (410, 0, WEFT_EVENT_SPAWN_END, 0, 0, 0),
    ev (500, 0, WEFT_EVENT_COST_BEGIN, 7, WEFT_STATE_DISPATCH, 0),
    ev (530, 0, WEFT_EVENT_COST_END, 7, WEFT_STATE_DISPATCH, 0),
    ev (530, 0, WEFT_EVENT_COST_BEGIN, 7, WEFT_STATE_PICKLING, 4096),
    ev (600, 0, WEFT_EVENT_COST_END, 7, WEFT_STATE_PICKLING, 4096),
    /* not a charged cost, and a state that does not exist: both ignored */
    ev (610, 0, WEFT_EVENT_COST_BEGIN, 7, WEFT_STATE_LOCK_WAIT, 0),
    ev (620, 0, WEFT_EVENT_COST_BEGIN, 7, 99, 0),
    ev (700, 0, WEFT_EVENT_TASK_BEGIN, 7, 0, 0),
    ev (900, 0, WEFT_EVENT_TASK_END, 7, WEFT_TASK_OK, 0),
  };
  WeftLaneStats stats;
  WeftState state;

  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  weft_trace_model_finish (model, 0);

  g_assert_true (weft_trace_model_get_lane_stats (model, 0, &stats));
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_INTERPRETER_START], ==, 290);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_STARTING], ==, 20);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_DISPATCH], ==, 30);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_PICKLING], ==, 70);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_LOCK_WAIT], ==, 0);
  g_assert_cmpuint (stats.state_ns[WEFT_STATE_RUNNING], ==, 200);

  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_parallelism (model), 200), ==, 1);
  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_parallelism (model), 405), ==, 0);
  g_assert_cmpint (weft_counter_track_value_at (weft_trace_model_get_parallelism (model), 550), ==, 1);

  for (guint s = 0; s < WEFT_N_STATES; s++)
    g_assert_cmpint (weft_state_is_charged_cost (s), ==,
                     s == WEFT_STATE_INTERPRETER_START || s == WEFT_STATE_DISPATCH || s == WEFT_STATE_PICKLING);
  g_assert_true (weft_state_is_on_cpu (WEFT_STATE_PICKLING));
  g_assert_false (weft_state_is_wait (WEFT_STATE_DISPATCH));
  g_assert_true (weft_state_from_nick ("interpreter-start", &state));
  g_assert_cmpint (state, ==, WEFT_STATE_INTERPRETER_START);
  g_assert_cmpstr (weft_state_to_string (WEFT_STATE_INTERPRETER_START), ==, "Starting the interpreter");
}

/* The peak index against every point, over ranges of every size up to
 * more than three levels of blocks, and after the tail changed */
static void
test_peak_index (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  const guint n = 300000;
  g_autofree gint64 *p = g_new0 (gint64, n);
  WeftPeakIndex index = { 0 };

  for (guint i = 0; i < n; i++)
    p[i] = g_rand_int_range (rand, -1000000, 1000000);

  for (guint round = 0; round < 3; round++)
    {
      for (guint q = 0; q < 300; q++)
        {
          guint from = (guint) g_rand_int_range (rand, 0, (gint32) n);
          guint len = q % 3 == 0 ? (guint) g_rand_int_range (rand, 0, 100)
                    : q % 3 == 1 ? (guint) g_rand_int_range (rand, 0, 10000)
                                 : (guint) g_rand_int_range (rand, 0, (gint32) n);
          guint to = from + len;
          gint64 want = G_MININT64;

          for (guint i = from; i < MIN (to, n); i++)
            want = MAX (want, p[i]);
          g_assert_cmpint (_weft_peak_index_max (&index, p, n, from, to), ==, want);
        }
      g_assert_cmpint (_weft_peak_index_max (&index, p, n, 0, n), ==,
                       _weft_peak_index_max (&index, p, n, 0, n / 2) > _weft_peak_index_max (&index, p, n, n / 2, n)
                       ? _weft_peak_index_max (&index, p, n, 0, n / 2) : _weft_peak_index_max (&index, p, n, n / 2, n));

      /* a new highest value in the tail, as a track's merge would write it */
      {
        guint changed = (guint) g_rand_int_range (rand, 0, (gint32) n);

        for (guint i = changed; i < n; i += 997)
          p[i] = 2000000 + round;
        _weft_peak_index_invalidate (&index, changed);
        g_assert_cmpint (_weft_peak_index_max (&index, p, n, 0, n), ==, 2000000 + round);
      }
    }
  _weft_peak_index_clear (&index);
}

/* The peak of a counter in a range is every point's, as the points grow,
 * arrive out of order (parked and merged) and change at one instant */
static void
test_counter_peak (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  const guint32 counter = 40;
  WeftEvent batch[300];

  for (guint round = 0; round < 60; round++)
    {
      const WeftCounterPoint *p;
      guint n = 0;

      /* two workers, each in order; the second's points land before the
       * first's latest ones, and some share an instant */
      for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
        {
          guint16 w = i % 2;
          guint64 t = 200000 + (guint64) round * 100000 + (i / 2) * 300 - (w ? 60000 : 0) - (i % 7 == 0 ? 300 : 0);

          batch[i] = ev (t, w, WEFT_EVENT_COUNTER, counter, g_rand_int_range (rand, -50, 1000), 0);
        }
      weft_trace_model_append (model, batch, G_N_ELEMENTS (batch));

      p = weft_test_points (weft_trace_model_get_counter (model, counter), &n);
      g_assert_cmpuint (n, >, 0);
      for (guint q = 0; q < 20; q++)
        {
          guint64 a = p[0].time_ns + (guint64) g_rand_int_range (rand, 0, (gint32) (p[n - 1].time_ns - p[0].time_ns + 1));
          guint64 b = a + (guint64) g_rand_int_range (rand, 1, 200000);
          gint64 want = 0;

          /* the value in force at a (the last point at or before it), then
           * every point inside */
          for (guint i = 0; i < n && p[i].time_ns <= a; i++)
            want = p[i].value;
          for (guint i = 0; i < n; i++)
            if (p[i].time_ns >= a && p[i].time_ns < b)
              want = MAX (want, p[i].value);
          g_assert_cmpint (weft_trace_model_get_counter_peak (model, counter, a, b), ==, want);
        }
    }
}

/* Many workers, buffers out of order, more points parked than one merge
 * takes, and a stretch where every worker's tasks begin and end at the same
 * instants: the parallelism and a counter must come out as the step
 * functions computed here from the events, however they arrived and
 * whenever they were read. */
#define P_WORKERS 40
#define P_TASKS   1200
#define P_BUNCHED_FROM 500
#define P_BUNCHED 100

static void
parked_stream (GRand  *rand,
               guint16 w,
               GArray *out)
{
  guint64 tt = 1;
  guint64 bunched_ns = (guint64) P_BUNCHED_FROM * 50 * P_WORKERS + 1000000;

  for (guint task = 0; task < P_TASKS; task++)
    {
      WeftEvent e;
      guint64 begin, end;
      gboolean bunched = task >= P_BUNCHED_FROM && task < P_BUNCHED_FROM + P_BUNCHED;

      if (bunched)
        {
          begin = bunched_ns + (task - P_BUNCHED_FROM) * 1000;
          end = begin + 500;
          tt = (end + 1000) / P_WORKERS + 1;
        }
      else
        {
          tt += (guint64) g_rand_int_range (rand, 1, 20);
          begin = tt * P_WORKERS + w;
          tt += (guint64) g_rand_int_range (rand, 1, 20);
          end = tt * P_WORKERS + w;
        }
      e = ev (begin, w, WEFT_EVENT_TASK_BEGIN, w * 10000 + task, 0, 0);
      g_array_append_val (out, e);
      e = ev (end, w, WEFT_EVENT_TASK_END, w * 10000 + task, WEFT_TASK_OK, 0);
      g_array_append_val (out, e);
      if (!bunched)
        {
          tt++;
          e = ev (tt * P_WORKERS + w, w, WEFT_EVENT_COUNTER, 7, task * P_WORKERS + w, 0);
          g_array_append_val (out, e);
        }
    }
}

/* The step function of @events' parallelism (tasks running) or of counter
 * 7's values: points where the value changes, 0 before the first. */
static GArray *
expected_steps (GArray   *events,
                gboolean  parallelism)
{
  g_autoptr (GArray) sorted = g_array_copy (events);
  GArray *steps = g_array_new (FALSE, FALSE, sizeof (WeftCounterPoint));
  gint64 value = 0;

  g_array_sort (sorted, compare_events_by_time);
  for (guint i = 0; i < sorted->len;)
    {
      guint64 t = g_array_index (sorted, WeftEvent, i).time_ns;
      gint64 before = steps->len > 0 ? g_array_index (steps, WeftCounterPoint, steps->len - 1).value : 0;
      gboolean any = FALSE;

      for (; i < sorted->len && g_array_index (sorted, WeftEvent, i).time_ns == t; i++)
        {
          const WeftEvent *e = &g_array_index (sorted, WeftEvent, i);

          if (parallelism && e->kind != WEFT_EVENT_COUNTER)
            value += e->kind == WEFT_EVENT_TASK_BEGIN ? 1 : -1;
          else if (!parallelism && e->kind == WEFT_EVENT_COUNTER)
            value = e->arg0, any = TRUE;
        }
      if (value != before || any)
        {
          WeftCounterPoint p = { .time_ns = t, .value = value };

          g_array_append_val (steps, p);
        }
    }
  return steps;
}

static void
assert_steps (WeftTraceModel *model,
              GArray         *parallelism,
              GArray         *counter)
{
  const WeftCounterPoint *p;
  guint n;

  p = weft_test_points (weft_trace_model_get_parallelism (model), &n);
  assert_points_equal (p, n, (WeftCounterPoint *) (gpointer) parallelism->data, parallelism->len);
  p = weft_test_points (weft_trace_model_get_counter (model, 7), &n);
  assert_points_equal (p, n, (WeftCounterPoint *) (gpointer) counter->data, counter->len);
}

static void
test_parked_points (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr (GArray) shuffled = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr (GArray) parallelism = NULL;
  g_autoptr (GArray) counter = NULL;
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  GArray *streams[P_WORKERS];
  guint64 bunched_ns = (guint64) P_BUNCHED_FROM * 50 * P_WORKERS + 1000000;
  guint appends = 0;

  for (guint16 w = 0; w < P_WORKERS; w++)
    {
      streams[w] = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
      parked_stream (rand, w, streams[w]);
      g_array_append_vals (all, streams[w]->data, streams[w]->len);
    }
  parallelism = expected_steps (all, TRUE);
  counter = expected_steps (all, FALSE);
  {
    g_autoptr (WeftTraceModel) ordered = weft_trace_model_new ();
    g_autoptr (GArray) sorted = g_array_copy (all);

    g_array_sort (sorted, compare_events_by_time);
    weft_trace_model_append (ordered, (WeftEvent *) (gpointer) sorted->data, sorted->len);
    weft_trace_model_finish (ordered, 0);
    assert_steps (ordered, parallelism, counter);
  }

  /* Appends of 1..2000 events; read now and then while it grows. */
  interleave_buffers (rand, streams, P_WORKERS, 300, shuffled);
  for (guint i = 0; i < shuffled->len; appends++)
    {
      guint want = (guint) g_rand_int_range (rand, 1, 2000);
      guint n = MIN (want, shuffled->len - i);
      guint np;

      weft_trace_model_append (model, &g_array_index (shuffled, WeftEvent, i), n);
      i += n;
      if (appends % 150 == 149)
        g_assert_nonnull (weft_test_points (weft_trace_model_get_parallelism (model), &np));
    }
  weft_trace_model_finish (model, 0);

  assert_steps (model, parallelism, counter);
  g_assert_cmpint (weft_trace_model_get_parallelism_peak (model, bunched_ns, bunched_ns + 600), ==, P_WORKERS);
  g_assert_cmpint (weft_trace_model_get_parallelism_peak (model, bunched_ns + 600, bunched_ns + 1000), ==, 0);

  for (guint w = 0; w < P_WORKERS; w++)
    g_array_unref (streams[w]);
}

/* Points parked at one instant, more than a bucket of the track's sort
 * takes, out of order: workers 1 and 2 come late, each with empty I/O waits
 * at t = 5000 inside a task, which worker 0's task overlaps. */
static void
append_late_task (GArray  *out,
                  guint16  worker,
                  guint64  begin,
                  guint64  end,
                  guint    n_empty)
{
  WeftEvent e;

  e = ev (begin, worker, WEFT_EVENT_TASK_BEGIN, worker, 0, 0);
  g_array_append_val (out, e);
  for (guint i = 0; i < n_empty; i++)
    {
      e = ev (5000, worker, WEFT_EVENT_IO_BEGIN, 100 * worker + i, 0, 0);
      g_array_append_val (out, e);
      e = ev (5000, worker, WEFT_EVENT_IO_END, 100 * worker + i, 0, 0);
      g_array_append_val (out, e);
    }
  e = ev (end, worker, WEFT_EVENT_TASK_END, worker, WEFT_TASK_OK, 0);
  g_array_append_val (out, e);
}

static void
test_parked_same_instant (void)
{
  g_autoptr (WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr (GArray) late = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  WeftEvent early[] = {
    ev (1000, 0, WEFT_EVENT_TASK_BEGIN, 1000, 0, 0),
    ev (9000, 0, WEFT_EVENT_TASK_END, 1000, WEFT_TASK_OK, 0),
    ev (10000, 0, WEFT_EVENT_INSTANT, 1000, 0, 0),
  };
  static const guint64 times[] = { 1000, 3000, 4000, 7000, 8000, 9000 };
  static const gint64 values[] = { 1, 2, 3, 2, 1, 0 };
  const WeftCounterPoint *p;
  guint n;

  append_late_task (late, 1, 4000, 7000, 50);
  append_late_task (late, 2, 3000, 8000, 50);
  weft_trace_model_append (model, early, G_N_ELEMENTS (early));
  weft_trace_model_append (model, (WeftEvent *) (gpointer) late->data, late->len);

  p = weft_test_points (weft_trace_model_get_parallelism (model), &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (times));
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (p[i].time_ns, ==, times[i]);
      g_assert_cmpint (p[i].value, ==, values[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/trace-model/states", test_states);
  g_test_add_func ("/weft/trace-model/nested", test_nested);
  g_test_add_func ("/weft/trace-model/core-wait", test_core_wait);
  g_test_add_func ("/weft/trace-model/charged-costs", test_charged_costs);
  g_test_add_func ("/weft/trace-model/batches", test_batches);
  g_test_add_func ("/weft/trace-model/lookup", test_lookup);
  g_test_add_func ("/weft/trace-model/lock-stats", test_lock_stats);
  g_test_add_func ("/weft/trace-model/queue", test_queue);
  g_test_add_func ("/weft/trace-model/queue-ready", test_queue_ready);
  g_test_add_func ("/weft/trace-model/unmatched", test_unmatched);
  g_test_add_func ("/weft/trace-model/interleaved-release", test_interleaved);
  g_test_add_func ("/weft/trace-model/names", test_names);
  g_test_add_func ("/weft/trace-model/rename", test_rename);
  g_test_add_func ("/weft/trace-model/object-named-again", test_object_named_again);
  g_test_add_func ("/weft/trace-model/finish-truncates", test_finish_truncates);
  g_test_add_func ("/weft/trace-model/finish-at-last-event", test_finish_at_last_event);
  g_test_add_func ("/weft/trace-model/parallelism", test_parallelism);
  g_test_add_func ("/weft/trace-model/counters", test_counters);
  g_test_add_func ("/weft/trace-model/lanes", test_lanes);
  g_test_add_func ("/weft/trace-model/arrival-order", test_arrival_order);
  g_test_add_func ("/weft/trace-model/wait-under-hold", test_wait_under_hold);
  g_test_add_func ("/weft/trace-model/lock-cycle", test_lock_cycle);
  g_test_add_func ("/weft/trace-model/lock-cycle-at-end", test_lock_cycle_at_end);
  g_test_add_func ("/weft/trace-model/counter-peak", test_counter_peak);
  g_test_add_func ("/weft/trace-model/peak-index", test_peak_index);
  g_test_add_func ("/weft/trace-model/parked-points", test_parked_points);
  g_test_add_func ("/weft/trace-model/parked-same-instant", test_parked_same_instant);

  return g_test_run ();
}
