/* SPDX-License-Identifier: GPL-3.0-or-later */
/* From a span to the spans at the other end of its flows, and its wake-up
 * chain back to the first holder. No display. */
#define G_LOG_DOMAIN "test-span-links"

#include "config.h"

#include "weft-span-links.h"
#include "weft-test-util.h"

#define LOCK  10
#define QUEUE 20

/* w0 holds the lock 0–10 without waiting; w1 waits 5–10 and holds 10–20;
 * w2 waits 8–20 and holds 20–30. w0 puts item 7 at 40–41; w1 gets it 35–45. */
static WeftTraceModel *
chain_model (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));

  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, LOCK, WEFT_OBJECT_LOCK, 0);
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, QUEUE, WEFT_OBJECT_QUEUE, 4);
  ev (e, 1000, 0, WEFT_EVENT_LOCK_ACQUIRED, LOCK, 0, 0);
  ev (e, 1005, 1, WEFT_EVENT_LOCK_WAIT, LOCK, 0, 0);
  ev (e, 1008, 2, WEFT_EVENT_LOCK_WAIT, LOCK, 0, 0);
  ev (e, 1010, 0, WEFT_EVENT_LOCK_RELEASED, LOCK, 0, 0);
  ev (e, 1010, 1, WEFT_EVENT_LOCK_ACQUIRED, LOCK, 0, 0);
  ev (e, 1020, 1, WEFT_EVENT_LOCK_RELEASED, LOCK, 0, 0);
  ev (e, 1020, 2, WEFT_EVENT_LOCK_ACQUIRED, LOCK, 0, 0);
  ev (e, 1030, 2, WEFT_EVENT_LOCK_RELEASED, LOCK, 0, 0);
  ev (e, 1035, 1, WEFT_EVENT_QUEUE_GET_BEGIN, QUEUE, 0, 0);
  ev (e, 1040, 0, WEFT_EVENT_QUEUE_PUT_BEGIN, QUEUE, 0, 0);
  ev (e, 1041, 0, WEFT_EVENT_QUEUE_PUT_END, QUEUE, 1, 7);
  ev (e, 1045, 1, WEFT_EVENT_QUEUE_GET_END, QUEUE, 0, 7);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, 0);
  return model;
}

static WeftSpan
find (WeftTraceModel *model, guint worker, WeftState state, guint64 start)
{
  WeftSpan s;

  g_assert_true (weft_lane_find_span (weft_trace_model_lookup_lane (model, worker), state, start == 1035 || start == 1040 ? QUEUE : LOCK,
                                      start, G_MAXUINT64, NULL, NULL, &s));
  return s;
}

static void
test_chain (void)
{
  g_autoptr(WeftTraceModel) model = chain_model ();
  WeftSpan wait2 = find (model, 2, WEFT_STATE_LOCK_WAIT, 1008);
  WeftSpan hold0 = find (model, 0, WEFT_STATE_LOCK_HELD, 1000);
  g_autoptr(GArray) chain = weft_span_links_get_wakeup_chain (model, 2, &wait2);
  g_autoptr(GArray) none = weft_span_links_get_wakeup_chain (model, 0, &hold0);
  const WeftSpanLink *l;

  g_assert_cmpuint (wait2.end_ns, ==, 1020);
  /* w2 was woken by w1's release at 20, w1 by w0's at 10; w0 never waited */
  g_assert_cmpuint (chain->len, ==, 2);
  l = &g_array_index (chain, WeftSpanLink, 0);
  g_assert_cmpuint (l->worker, ==, 1);
  g_assert_cmpuint (l->time_ns, ==, 1020);
  g_assert_cmpuint (l->span.state, ==, WEFT_STATE_LOCK_HELD);
  g_assert_cmpuint (l->span.start_ns, ==, 1010);
  g_assert_true (l->span.flags & WEFT_SPAN_CONTENDED);
  l = &g_array_index (chain, WeftSpanLink, 1);
  g_assert_cmpuint (l->worker, ==, 0);
  g_assert_cmpuint (l->span.start_ns, ==, 1000);
  g_assert_cmpuint (l->span.end_ns, ==, 1010);
  g_assert_false (l->span.flags & WEFT_SPAN_CONTENDED);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_queue_and_flows (void)
{
  g_autoptr(WeftTraceModel) model = chain_model ();
  WeftSpan get = find (model, 1, WEFT_STATE_QUEUE_GET, 1035);
  WeftSpan hold1 = find (model, 1, WEFT_STATE_LOCK_HELD, 1010);
  g_autoptr(GArray) chain = weft_span_links_get_wakeup_chain (model, 1, &get);
  g_autoptr(GArray) in = g_array_new (FALSE, FALSE, sizeof (WeftSpanLink));
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (WeftSpanLink));
  const WeftSpanLink *l;

  g_assert_cmpuint (chain->len, ==, 1);
  l = &g_array_index (chain, WeftSpanLink, 0);
  g_assert_cmpuint (l->worker, ==, 0);
  g_assert_cmpuint (l->span.state, ==, WEFT_STATE_QUEUE_PUT);
  g_assert_cmpuint (l->span.end_ns, ==, 1041);
  g_assert_cmpint (l->flow.item, ==, 7);

  /* w1's hold: in from w0's release, out to w2's acquisition */
  weft_span_links_get_flows (model, 1, &hold1, in, out);
  g_assert_cmpuint (in->len, ==, 1);
  g_assert_cmpuint (out->len, ==, 1);
  l = &g_array_index (in, WeftSpanLink, 0);
  g_assert_cmpuint (l->worker, ==, 0);
  g_assert_cmpuint (l->span.end_ns, ==, 1010);
  l = &g_array_index (out, WeftSpanLink, 0);
  g_assert_cmpuint (l->worker, ==, 2);
  g_assert_cmpuint (l->span.state, ==, WEFT_STATE_LOCK_HELD);
  g_assert_cmpuint (l->span.start_ns, ==, 1020);
  /* and the index found is the span's own */
  {
    WeftSpan again;

    g_assert_true (weft_lane_get_span (weft_trace_model_lookup_lane (model, 2), l->depth, l->index, &again));
    g_assert_cmpuint (again.start_ns, ==, 1020);
  }
}

/* Two threads handing the GIL to each other 100 times: the chain stops at
 * its cap, nearest first */
static void
test_chain_cap (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(GArray) chain = NULL;
  WeftSpan last;
  guint64 t = 1000;

  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, 30, WEFT_OBJECT_GIL, 0);
  ev (e, t, 0, WEFT_EVENT_GIL_ACQUIRED, 30, 0, 0);
  for (guint i = 0; i < 100; i++)
    {
      guint16 from = i % 2, to = 1 - from;

      ev (e, t + 1, to, WEFT_EVENT_GIL_WAIT, 30, 0, 0);
      ev (e, t + 10, from, WEFT_EVENT_GIL_RELEASED, 30, 0, 0);
      ev (e, t + 10, to, WEFT_EVENT_GIL_ACQUIRED, 30, 0, 0);
      t += 10;
    }
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, 0);
  /* the last hold (worker 0, after 100 hand-offs) began at t */
  g_assert_true (weft_lane_find_span (weft_trace_model_lookup_lane (model, 0), WEFT_STATE_GIL_HELD, 30, t, G_MAXUINT64,
                                      NULL, NULL, &last));
  chain = weft_span_links_get_wakeup_chain (model, 0, &last);
  g_assert_cmpuint (chain->len, ==, WEFT_SPAN_LINKS_MAX_CHAIN);
  g_assert_cmpuint (g_array_index (chain, WeftSpanLink, 0).worker, ==, 1);
  g_assert_cmpuint (g_array_index (chain, WeftSpanLink, 0).time_ns, ==, t);
  g_assert_cmpuint (g_array_index (chain, WeftSpanLink, 1).time_ns, ==, t - 10);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/span-links/chain", test_chain);
  g_test_add_func ("/weft/span-links/queue-and-flows", test_queue_and_flows);
  g_test_add_func ("/weft/span-links/chain-cap", test_chain_cap);
  return g_test_run ();
}
