/* SPDX-License-Identifier: GPL-3.0-or-later */
/* WeftRangeStats: a range's figures against the model's own statistics
 * (the whole run), against sums over the spans clipped to the range, and
 * split ranges adding up. No display. */
#define G_LOG_DOMAIN "test-range-stats"

#include "config.h"

#include "weft-range-stats.h"
#include "weft-test-util.h"
#include "weft-test-points.h"

#define LOCK_A  10
#define LOCK_B  11
#define LOCK_C  12
#define GIL     30
#define QUEUE   20
#define COUNTER 40

typedef struct
{
  GArray  *events;
  GRand   *rand;
  guint64  t;
  guint16  worker;
} Gen;

static void
step (Gen *g, WeftEventKind kind, guint32 object, gint64 arg0, gint64 arg1)
{
  g->t += g_rand_int_range (g->rand, 0, 3) == 0 ? 0 : g_rand_int_range (g->rand, 1, 5000);
  ev (g->events, g->t, g->worker, kind, object, arg0, arg1);
}

static void
gen_lock (Gen *g, guint32 lock, WeftEventKind wait, WeftEventKind acquired)
{
  if (g_rand_boolean (g->rand))
    step (g, wait, lock, 0, 0);
  step (g, acquired, lock, 0, 0);
}

/* One task: nested locks, the GIL, hand-over-hand locking (a freed row
 * reused, so depth rows have gaps), queue puts and gets, I/O */
static void
gen_task (Gen *g, guint32 task, gboolean last_open)
{
  guint n_ops = g_rand_int_range (g->rand, 1, 4);

  step (g, WEFT_EVENT_TASK_BEGIN, task, 0, 0);
  for (guint i = 0; i < n_ops; i++)
    switch (g_rand_int_range (g->rand, 0, 5))
      {
      case 0:
        gen_lock (g, LOCK_A, WEFT_EVENT_LOCK_WAIT, WEFT_EVENT_LOCK_ACQUIRED);
        gen_lock (g, GIL, WEFT_EVENT_GIL_WAIT, WEFT_EVENT_GIL_ACQUIRED);
        step (g, WEFT_EVENT_GIL_RELEASED, GIL, 0, 0);
        step (g, WEFT_EVENT_LOCK_RELEASED, LOCK_A, 0, 0);
        break;
      case 1:
        gen_lock (g, LOCK_A, WEFT_EVENT_LOCK_WAIT, WEFT_EVENT_LOCK_ACQUIRED);
        gen_lock (g, LOCK_B, WEFT_EVENT_LOCK_WAIT, WEFT_EVENT_LOCK_ACQUIRED);
        step (g, WEFT_EVENT_LOCK_RELEASED, LOCK_A, 0, 0);
        gen_lock (g, LOCK_C, WEFT_EVENT_LOCK_WAIT, WEFT_EVENT_LOCK_ACQUIRED);
        step (g, WEFT_EVENT_LOCK_RELEASED, LOCK_B, 0, 0);
        step (g, WEFT_EVENT_LOCK_RELEASED, LOCK_C, 0, 0);
        break;
      case 2:
        step (g, WEFT_EVENT_QUEUE_PUT_BEGIN, QUEUE, 0, 0);
        step (g, WEFT_EVENT_QUEUE_PUT_END, QUEUE, g_rand_int_range (g->rand, 0, 9), task);
        break;
      case 3:
        step (g, WEFT_EVENT_QUEUE_GET_BEGIN, QUEUE, 0, 0);
        step (g, WEFT_EVENT_QUEUE_GET_END, QUEUE, g_rand_int_range (g->rand, 0, 9), task);
        break;
      default:
        step (g, WEFT_EVENT_IO_BEGIN, task, 0, 0);
        step (g, WEFT_EVENT_IO_END, task, 100, 0);
        break;
      }
  if (last_open)
    {
      /* A live run: the task still runs, waiting for a lock */
      step (g, WEFT_EVENT_LOCK_WAIT, LOCK_A, 0, 0);
      return;
    }
  step (g, WEFT_EVENT_TASK_END, task, WEFT_TASK_OK, 0);
  g->t += g_rand_int_range (g->rand, 0, 3000);
}

static int
compare_events (gconstpointer a, gconstpointer b)
{
  const WeftEvent *ea = a, *eb = b;

  return ea->time_ns < eb->time_ns ? -1 : ea->time_ns > eb->time_ns;
}

static WeftTraceModel *
random_model (guint32 seed, guint n_lanes, guint n_tasks, gboolean finished)
{
  WeftTraceModel *model = weft_trace_model_new ();
  Gen g = { .events = g_array_new (FALSE, FALSE, sizeof (WeftEvent)), .rand = g_rand_new_with_seed (seed) };

  ev (g.events, 0, 0, WEFT_EVENT_OBJECT_NEW, QUEUE, WEFT_OBJECT_QUEUE, 8);
  ev (g.events, 0, 0, WEFT_EVENT_OBJECT_NEW, COUNTER, WEFT_OBJECT_COUNTER, 0);
  for (guint16 w = 0; w < n_lanes; w++)
    {
      g.worker = w;
      g.t = 1000000 + g_rand_int_range (g.rand, 0, 5000);
      ev (g.events, 0, w, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 4242);
      for (guint i = 0; i < n_tasks; i++)
        gen_task (&g, w * 1000 + i + 1, !finished && i + 1 == n_tasks);
    }
  g.worker = 0;
  g.t = 1000000;
  for (guint i = 0; i < n_tasks; i++)
    {
      g.t += g_rand_int_range (g.rand, 1, 20000);
      ev (g.events, g.t, 0, WEFT_EVENT_COUNTER, COUNTER, g_rand_int_range (g.rand, -50, 50), 0);
    }
  g_array_sort (g.events, compare_events);
  weft_trace_model_append (model, (WeftEvent *) g.events->data, g.events->len);
  if (finished)
    weft_trace_model_finish (model, 0);
  g_array_unref (g.events);
  g_rand_free (g.rand);
  return model;
}

/* Every span of a lane, the open ones running to the run's last event */
static GArray *
lane_spans (WeftTraceModel *model, WeftLane *lane)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (WeftSpan));
  WeftSpan open[64];
  WeftRunStats rs;
  guint n_open;

  weft_trace_model_get_run_stats (model, &rs);
  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    for (guint i = 0; i < weft_lane_get_n_spans (lane, d); i++)
      {
        WeftSpan s;

        g_assert_true (weft_lane_get_span (lane, d, i, &s));
        g_array_append_val (spans, s);
      }
  n_open = weft_lane_get_open_spans (lane, open, G_N_ELEMENTS (open));
  for (guint i = 0; i < n_open; i++)
    {
      open[i].end_ns = MAX (rs.last_ns, open[i].start_ns);
      g_array_append_val (spans, open[i]);
    }
  return spans;
}

static int
compare_u64 (gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* The deepest span's state between every two consecutive span edges inside
 * [a, b) (or the deepest wait for the GIL, a lock or a core under it), the
 * spans searched one by one */
static void
brute_lane_states (GArray *spans, guint64 a, guint64 b, guint64 *state_ns)
{
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (guint64));

  memset (state_ns, 0, WEFT_N_STATES * sizeof (guint64));
  g_array_append_val (edges, a);
  g_array_append_val (edges, b);
  for (guint i = 0; i < spans->len; i++)
    {
      const WeftSpan *s = &g_array_index (spans, WeftSpan, i);

      if (s->start_ns > a && s->start_ns < b)
        g_array_append_val (edges, s->start_ns);
      if (s->end_ns > a && s->end_ns < b)
        g_array_append_val (edges, s->end_ns);
    }
  g_array_sort (edges, compare_u64);
  for (guint k = 0; k + 1 < edges->len; k++)
    {
      guint64 x = g_array_index (edges, guint64, k), y = g_array_index (edges, guint64, k + 1);
      int depth = -1, blocked_depth = -1;
      WeftState state = WEFT_STATE_IDLE, blocked = WEFT_STATE_IDLE;

      if (y == x)
        continue;
      for (guint i = 0; i < spans->len; i++)
        {
          const WeftSpan *s = &g_array_index (spans, WeftSpan, i);
          gboolean stops = s->state == WEFT_STATE_GIL_WAIT || s->state == WEFT_STATE_LOCK_WAIT ||
                           s->state == WEFT_STATE_CORE_WAIT;

          if (s->start_ns > x || s->end_ns < y)
            continue;
          if ((int) s->depth > depth)
            {
              depth = s->depth;
              state = s->state;
            }
          if (stops && (int) s->depth > blocked_depth)
            {
              blocked_depth = s->depth;
              blocked = s->state;
            }
        }
      /* a wait for the GIL, a lock or a core under a hold: the thread waits */
      state_ns[blocked_depth >= 0 ? blocked : state] += y - x;
    }
}

static const WeftRangeLock *
find_lock (const WeftRangeStats *st, guint32 object)
{
  for (guint i = 0; i < st->locks->len; i++)
    if (g_array_index (st->locks, WeftRangeLock, i).object == object)
      return &g_array_index (st->locks, WeftRangeLock, i);
  return NULL;
}

static const WeftRangeQueue *
find_queue (const WeftRangeStats *st, guint32 object)
{
  for (guint i = 0; i < st->queues->len; i++)
    if (g_array_index (st->queues, WeftRangeQueue, i).object == object)
      return &g_array_index (st->queues, WeftRangeQueue, i);
  return NULL;
}

static const WeftRangeLock *
must_find_lock (const WeftRangeStats *st, guint32 object)
{
  const WeftRangeLock *l = find_lock (st, object);

  if (l == NULL)
    g_error ("lock %u missing from the range", object);
  return l;
}

static const WeftRangeQueue *
must_find_queue (const WeftRangeStats *st, guint32 object)
{
  const WeftRangeQueue *q = find_queue (st, object);

  if (q == NULL)
    g_error ("queue %u missing from the range", object);
  return q;
}

/* The model's lock figures count a wait or hold once it ends (or at
 * finish); a range counts the open ones up to the run's last event, as the
 * lane figures do: add them to what the model says */
static void
add_open_spans (WeftTraceModel *model, guint32 lock, WeftLockStats *ms)
{
  WeftRunStats rs;

  weft_trace_model_get_run_stats (model, &rs);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      WeftSpan open[64];
      guint n = weft_lane_get_open_spans (lane, open, G_N_ELEMENTS (open));

      for (guint j = 0; j < n; j++)
        {
          guint64 dur = MAX (rs.last_ns, open[j].start_ns) - open[j].start_ns;

          if (open[j].object != lock)
            continue;
          if (open[j].state == WEFT_STATE_LOCK_WAIT || open[j].state == WEFT_STATE_GIL_WAIT)
            {
              ms->total_wait_ns += dur;
              ms->max_wait_ns = MAX (ms->max_wait_ns, dur);
            }
          else if (open[j].state == WEFT_STATE_LOCK_HELD || open[j].state == WEFT_STATE_GIL_HELD)
            ms->total_hold_ns += dur;
        }
    }
}

/* Over the whole run the range's figures are the model's own */
static void
check_whole_run (WeftTraceModel *model)
{
  WeftRunStats rs;
  g_autoptr(WeftRangeStats) st = NULL;
  guint64 total[WEFT_N_STATES] = { 0 };
  const guint32 locks[] = { LOCK_A, LOCK_B, LOCK_C, GIL };

  weft_trace_model_get_run_stats (model, &rs);
  st = weft_range_stats_new (model, 0, G_MAXUINT64);
  g_assert_cmpuint (st->begin_ns, ==, rs.first_ns);
  g_assert_cmpuint (st->end_ns, ==, rs.last_ns);
  g_assert_cmpuint (st->lanes->len, ==, weft_trace_model_get_n_lanes (model));
  for (guint i = 0; i < st->lanes->len; i++)
    {
      const WeftRangeLane *l = &g_array_index (st->lanes, WeftRangeLane, i);
      WeftLaneStats ls;

      g_assert_true (weft_trace_model_get_lane_stats (model, l->worker, &ls));
      for (guint s = 0; s < WEFT_N_STATES; s++)
        {
          g_assert_cmpuint (l->state_ns[s], ==, ls.state_ns[s]);
          total[s] += ls.state_ns[s];
        }
    }
  for (guint s = 0; s < WEFT_N_STATES; s++)
    g_assert_cmpuint (st->state_ns[s], ==, total[s]);

  for (guint k = 0; k < G_N_ELEMENTS (locks); k++)
    {
      const WeftRangeLock *l = must_find_lock (st, locks[k]);
      WeftLockStats ms;

      g_assert_true (weft_trace_model_get_lock_stats (model, locks[k], &ms));
      add_open_spans (model, locks[k], &ms);
      g_assert_cmpint (l->kind, ==, locks[k] == GIL ? WEFT_OBJECT_GIL : WEFT_OBJECT_LOCK);
      g_assert_cmpuint (l->wait_ns, ==, ms.total_wait_ns);
      g_assert_cmpuint (l->max_wait_ns, ==, ms.max_wait_ns);
      g_assert_cmpuint (l->hold_ns, ==, ms.total_hold_ns);
      g_assert_cmpuint (l->acquisitions, ==, ms.acquisitions);
      g_assert_cmpuint (l->contended, ==, ms.contended);
    }
  {
    const WeftRangeQueue *q = must_find_queue (st, QUEUE);
    WeftQueueStats ms;

    g_assert_true (weft_trace_model_get_queue_stats (model, QUEUE, &ms));
    g_assert_cmpuint (q->puts, ==, ms.puts);
    g_assert_cmpuint (q->gets, ==, ms.gets);
    g_assert_cmpuint (q->put_blocked_ns, ==, ms.put_blocked_ns);
    g_assert_cmpuint (q->get_blocked_ns, ==, ms.get_blocked_ns);
    g_assert_cmpint (q->depth_max, ==, ms.max_depth);
  }
  {
    guint n = 0;
    const WeftCounterPoint *p = weft_test_points (weft_trace_model_get_counter (model, COUNTER), &n);
    const WeftRangeCounter *c = &g_array_index (st->counters, WeftRangeCounter, 0);
    gint64 lo = 0, hi = 0;

    g_assert_cmpuint (st->counters->len, ==, 1);
    g_assert_cmpuint (c->object, ==, COUNTER);
    g_assert_cmpint (c->value_end, ==, p[n - 1].value);
    for (guint i = 0; i < n; i++)
      if (p[i].time_ns >= rs.first_ns)
        {
          lo = MIN (lo, p[i].value);
          hi = MAX (hi, p[i].value);
        }
    g_assert_cmpint (c->value_min, <=, lo);
    g_assert_cmpint (c->value_max, >=, hi);
  }
}

/* A range's lane states against the spans searched one by one, its waits
 * and holds against the spans clipped to it */
static void
check_range (WeftTraceModel *model, guint64 a, guint64 b)
{
  g_autoptr(WeftRangeStats) st = weft_range_stats_new (model, a, b);
  guint64 wait_ns = 0, hold_ns = 0, range_ns = st->end_ns - st->begin_ns;

  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      g_autoptr(GArray) spans = lane_spans (model, lane);
      const WeftRangeLane *l = &g_array_index (st->lanes, WeftRangeLane, i);
      guint64 want[WEFT_N_STATES], sum = 0;

      brute_lane_states (spans, st->begin_ns, st->end_ns, want);
      for (guint s = 0; s < WEFT_N_STATES; s++)
        {
          g_assert_cmpuint (l->state_ns[s], ==, want[s]);
          sum += l->state_ns[s];
        }
      g_assert_cmpuint (sum, ==, range_ns);
      for (guint j = 0; j < spans->len; j++)
        {
          const WeftSpan *s = &g_array_index (spans, WeftSpan, j);
          guint64 x = MAX (s->start_ns, st->begin_ns), y = MIN (s->end_ns, st->end_ns);
          guint64 in = y > x ? y - x : 0;

          if (s->state == WEFT_STATE_LOCK_WAIT && s->object == LOCK_A)
            wait_ns += in;
          if (s->state == WEFT_STATE_LOCK_HELD && s->object == LOCK_A)
            hold_ns += in;
        }
    }
  {
    const WeftRangeLock *l = find_lock (st, LOCK_A);

    g_assert_cmpuint (l != NULL ? l->wait_ns : 0, ==, wait_ns);
    g_assert_cmpuint (l != NULL ? l->hold_ns : 0, ==, hold_ns);
  }
}

/* [a, m) and [m, b) add up to [a, b) */
static void
check_split (WeftTraceModel *model, guint64 a, guint64 m, guint64 b)
{
  g_autoptr(WeftRangeStats) whole = weft_range_stats_new (model, a, b);
  g_autoptr(WeftRangeStats) left = weft_range_stats_new (model, a, m);
  g_autoptr(WeftRangeStats) right = weft_range_stats_new (model, m, b);
  const guint32 locks[] = { LOCK_A, LOCK_B, LOCK_C, GIL };

  for (guint s = 0; s < WEFT_N_STATES; s++)
    g_assert_cmpuint (left->state_ns[s] + right->state_ns[s], ==, whole->state_ns[s]);
  for (guint k = 0; k < G_N_ELEMENTS (locks); k++)
    {
      const WeftRangeLock *w = find_lock (whole, locks[k]), *l = find_lock (left, locks[k]), *r = find_lock (right, locks[k]);
      WeftRangeLock zero = { 0 };

      w = w != NULL ? w : &zero;
      l = l != NULL ? l : &zero;
      r = r != NULL ? r : &zero;
      g_assert_cmpuint (l->wait_ns + r->wait_ns, ==, w->wait_ns);
      g_assert_cmpuint (l->hold_ns + r->hold_ns, ==, w->hold_ns);
      g_assert_cmpuint (l->acquisitions + r->acquisitions, ==, w->acquisitions);
      g_assert_cmpuint (l->contended + r->contended, ==, w->contended);
    }
  {
    const WeftRangeQueue *w = find_queue (whole, QUEUE), *l = find_queue (left, QUEUE), *r = find_queue (right, QUEUE);
    WeftRangeQueue zero = { 0 };

    w = w != NULL ? w : &zero;
    l = l != NULL ? l : &zero;
    r = r != NULL ? r : &zero;
    g_assert_cmpuint (l->puts + r->puts, ==, w->puts);
    g_assert_cmpuint (l->gets + r->gets, ==, w->gets);
    g_assert_cmpuint (l->put_blocked_ns + r->put_blocked_ns, ==, w->put_blocked_ns);
  }
}

static void
check_model (WeftTraceModel *model, guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  WeftRunStats rs;

  weft_trace_model_get_run_stats (model, &rs);
  check_whole_run (model);
  for (guint i = 0; i < 40; i++)
    {
      guint64 a = rs.first_ns + g_rand_int_range (rand, 0, (gint32) MIN (rs.wall_ns, G_MAXINT32));
      guint64 b = a + g_rand_int_range (rand, 0, (gint32) MIN (rs.wall_ns / 3, G_MAXINT32));
      guint64 m = a + (b - a) / 3;

      check_range (model, a, b);
      check_split (model, a, m, b);
    }
  /* Edges: an empty range, one past the run, the run's last nanosecond */
  check_range (model, rs.first_ns, rs.first_ns);
  check_range (model, rs.last_ns + 10, rs.last_ns + 20);
  check_range (model, rs.last_ns - 1, rs.last_ns);
  check_split (model, rs.first_ns, rs.first_ns + rs.wall_ns / 2, rs.last_ns);
  g_rand_free (rand);
}

static void
test_finished (void)
{
  for (guint32 seed = 1; seed <= 5; seed++)
    {
      g_autoptr(WeftTraceModel) model = random_model (seed, 3, 60, TRUE);

      check_model (model, seed);
    }
}

static void
test_live (void)
{
  /* Open spans count up to the run's last event, as in the lane stats */
  for (guint32 seed = 11; seed <= 13; seed++)
    {
      g_autoptr(WeftTraceModel) model = random_model (seed, 3, 40, FALSE);
      guint open = 0;

      for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
        open += weft_lane_get_n_open_spans (weft_trace_model_get_lane (model, i));
      g_assert_cmpuint (open, >=, 6);
      check_model (model, seed);
    }
}

static void
on_counted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError *error = NULL;
  WeftRangeStats **out = user_data;

  *out = weft_range_stats_new_finish (result, &error);
  if (*out == NULL)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_error_free (error);
      *out = GINT_TO_POINTER (1);
    }
}

static gboolean
counted (gpointer data)
{
  return *(WeftRangeStats **) data != NULL;
}

/* Counted on a worker thread (a finished model) or here (a live one): the
 * same figures as weft_range_stats_new(); a cancelled count says so. */
static void
test_async (void)
{
  for (guint live = 0; live < 2; live++)
    {
      g_autoptr(WeftTraceModel) model = random_model (21 + live, 3, 60, !live);
      g_autoptr(GCancellable) cancel = g_cancellable_new ();
      WeftRunStats rs;
      WeftRangeStats *got = NULL, *stopped = NULL;
      g_autoptr(WeftRangeStats) want = NULL;
      guint64 b, e;

      weft_trace_model_get_run_stats (model, &rs);
      b = rs.first_ns + rs.wall_ns / 5;
      e = rs.first_ns + rs.wall_ns / 2;
      want = weft_range_stats_new (model, b, e);
      weft_range_stats_new_async (model, b, e, NULL, on_counted, &got);
      g_cancellable_cancel (cancel);
      weft_range_stats_new_async (model, b, e, cancel, on_counted, &stopped);
      /* never called back before the main loop runs */
      g_assert_null (got);
      g_assert_true (wait_for (counted, &got, 10000));
      g_assert_true (wait_for (counted, &stopped, 10000));
      g_assert_true (stopped == GINT_TO_POINTER (1));

      g_assert_cmpmem (got->state_ns, sizeof got->state_ns, want->state_ns, sizeof want->state_ns);
      g_assert_cmpuint (got->lanes->len, ==, want->lanes->len);
      for (guint i = 0; i < got->lanes->len; i++)
        {
          const WeftRangeLane *x = &g_array_index (got->lanes, WeftRangeLane, i);
          const WeftRangeLane *y = &g_array_index (want->lanes, WeftRangeLane, i);

          g_assert_cmpuint (x->worker, ==, y->worker);
          g_assert_cmpmem (x->state_ns, sizeof x->state_ns, y->state_ns, sizeof y->state_ns);
        }
      /* WeftRangeLock has no padding */
      g_assert_cmpmem (got->locks->data, got->locks->len * sizeof (WeftRangeLock),
                       want->locks->data, want->locks->len * sizeof (WeftRangeLock));
      g_assert_cmpuint (got->queues->len, ==, want->queues->len);
      for (guint i = 0; i < got->queues->len; i++)
        {
          const WeftRangeQueue *x = &g_array_index (got->queues, WeftRangeQueue, i);
          const WeftRangeQueue *y = &g_array_index (want->queues, WeftRangeQueue, i);

          g_assert_cmpuint (x->object, ==, y->object);
          g_assert_cmpmem (&x->puts, sizeof *x - G_STRUCT_OFFSET (WeftRangeQueue, puts),
                           &y->puts, sizeof *y - G_STRUCT_OFFSET (WeftRangeQueue, puts));
        }
      g_assert_cmpuint (got->counters->len, ==, want->counters->len);
      for (guint i = 0; i < got->counters->len; i++)
        {
          const WeftRangeCounter *x = &g_array_index (got->counters, WeftRangeCounter, i);
          const WeftRangeCounter *y = &g_array_index (want->counters, WeftRangeCounter, i);

          g_assert_cmpuint (x->object, ==, y->object);
          g_assert_cmpint (x->value_begin, ==, y->value_begin);
          g_assert_cmpint (x->value_end, ==, y->value_end);
          g_assert_cmpint (x->value_min, ==, y->value_min);
          g_assert_cmpint (x->value_max, ==, y->value_max);
        }
      weft_range_stats_free (got);
    }
}

static void
test_small_by_hand (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(WeftRangeStats) st = NULL;
  const WeftRangeLane *l;
  const WeftRangeLock *k;

  /* worker 0 runs 0–100 and holds the lock 10–40 (uncontended); worker 1
   * waits for it 20–40 and holds it 40–60 (contended) */
  ev (e, 1000, 0, WEFT_EVENT_TASK_BEGIN, 1, 0, 0);
  ev (e, 1010, 0, WEFT_EVENT_LOCK_ACQUIRED, LOCK_A, 0, 0);
  ev (e, 1020, 1, WEFT_EVENT_LOCK_WAIT, LOCK_A, 0, 0);
  ev (e, 1040, 0, WEFT_EVENT_LOCK_RELEASED, LOCK_A, 0, 0);
  ev (e, 1040, 1, WEFT_EVENT_LOCK_ACQUIRED, LOCK_A, 0, 0);
  ev (e, 1060, 1, WEFT_EVENT_LOCK_RELEASED, LOCK_A, 0, 0);
  ev (e, 1100, 0, WEFT_EVENT_TASK_END, 1, WEFT_TASK_OK, 0);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, 0);

  /* 30–50: worker 0 holds 10 and runs 10; worker 1 waits 10, holds 10 */
  st = weft_range_stats_new (model, 1030, 1050);
  l = &g_array_index (st->lanes, WeftRangeLane, 0);
  g_assert_cmpuint (l->state_ns[WEFT_STATE_LOCK_HELD], ==, 10);
  g_assert_cmpuint (l->state_ns[WEFT_STATE_RUNNING], ==, 10);
  l = &g_array_index (st->lanes, WeftRangeLane, 1);
  g_assert_cmpuint (l->state_ns[WEFT_STATE_LOCK_WAIT], ==, 10);
  g_assert_cmpuint (l->state_ns[WEFT_STATE_LOCK_HELD], ==, 10);
  g_assert_cmpuint (st->locks->len, ==, 1);
  k = must_find_lock (st, LOCK_A);
  g_assert_cmpuint (k->waits, ==, 1);
  g_assert_cmpuint (k->wait_ns, ==, 10);
  g_assert_cmpuint (k->hold_ns, ==, 20);
  g_assert_cmpuint (k->acquisitions, ==, 1);   /* worker 1's, at 40 */
  g_assert_cmpuint (k->contended, ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/range-stats/by-hand", test_small_by_hand);
  g_test_add_func ("/weft/range-stats/finished", test_finished);
  g_test_add_func ("/weft/range-stats/live", test_live);
  g_test_add_func ("/weft/range-stats/async", test_async);
  return g_test_run ();
}
