/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-span-links.h"

/*
 * From a span to the spans at the other end of its hand-offs. Flows name
 * workers and times; the spans are found by their state, object and edge:
 * a lock's release ends its holder's hold span, its acquisition ends the
 * waiter's wait (and starts its hold), a put ends a put span, a get a get.
 */

#define MAX_CHAIN    WEFT_SPAN_LINKS_MAX_CHAIN
#define MAX_CANDIDATES 100000

static gboolean
span_matches (const WeftSpan *s,
              WeftState       state,
              guint32         object,
              guint64         start_ns,
              guint64         end_ns)
{
  return s->state == state && s->object == object &&
         (start_ns == G_MAXUINT64 || s->start_ns == start_ns) &&
         (end_ns == G_MAXUINT64 || s->end_ns == end_ns);
}

/**
 * weft_lane_find_span:
 * @lane: a lane
 * @state: the span's state
 * @object: its object
 * @start_ns: its start, or %G_MAXUINT64 for any
 * @end_ns: its end, or %G_MAXUINT64 for any (one of the two is given)
 * @out_depth: (out) (optional): its row
 * @out_index: (out) (optional): its index (one past the closed spans of
 *   the row for the open span there)
 * @out_span: (out) (optional): the span
 *
 * Returns: whether the lane has such a span, closed or open
 */
gboolean
weft_lane_find_span (WeftLane  *lane,
                     WeftState  state,
                     guint32    object,
                     guint64    start_ns,
                     guint64    end_ns,
                     guint     *out_depth,
                     guint     *out_index,
                     WeftSpan  *out_span)
{
  guint64 t = start_ns != G_MAXUINT64 ? start_ns : end_ns;
  guint n_open = 0;
  g_autofree WeftSpan *open = weft_lane_dup_open_spans (lane, &n_open);
  WeftSpan s;

  g_return_val_if_fail (lane != NULL, FALSE);
  g_return_val_if_fail (t != G_MAXUINT64, FALSE);

  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    {
      guint first, n;

      weft_lane_lookup_range (lane, d, t > 0 ? t - 1 : 0, t + 1, &first, &n);
      for (guint i = first; i < first + n; i++)
        if (weft_lane_get_span (lane, d, i, &s) && span_matches (&s, state, object, start_ns, end_ns))
          {
            if (out_depth != NULL)
              *out_depth = d;
            if (out_index != NULL)
              *out_index = i;
            if (out_span != NULL)
              *out_span = s;
            return TRUE;
          }
    }
  for (guint j = 0; j < n_open; j++)
    if (span_matches (&open[j], state, object, start_ns, G_MAXUINT64) && (end_ns == G_MAXUINT64 || start_ns != G_MAXUINT64))
      {
        if (out_depth != NULL)
          *out_depth = open[j].depth;
        if (out_index != NULL)
          *out_index = weft_lane_get_n_spans (lane, open[j].depth);
        if (out_span != NULL)
          *out_span = open[j];
        return TRUE;
      }
  return FALSE;
}

/**
 * weft_lane_dup_open_spans:
 * @lane: a lane
 * @out_n: (out): how many
 *
 * Returns: (transfer full) (array length=out_n): the lane's open spans, as
 *   weft_lane_get_open_spans() fills them (never %NULL; free with g_free())
 */
WeftSpan *
weft_lane_dup_open_spans (WeftLane *lane,
                          guint    *out_n)
{
  guint n = weft_lane_get_n_open_spans (lane);
  WeftSpan *open = g_new (WeftSpan, MAX (n, 1));

  *out_n = weft_lane_get_open_spans (lane, open, n);
  return open;
}

/* The span a flow's sending end closes: a hold released, a put done */
static gboolean
flow_sender (WeftTraceModel *model,
             const WeftFlow *f,
             WeftSpanLink   *out)
{
  WeftLane *lane = weft_trace_model_lookup_lane (model, f->from_worker);
  WeftObjectKind kind = weft_trace_model_get_object_kind (model, f->object);
  WeftState state = f->kind == WEFT_FLOW_QUEUE ? WEFT_STATE_QUEUE_PUT
                    : kind == WEFT_OBJECT_GIL ? WEFT_STATE_GIL_HELD : WEFT_STATE_LOCK_HELD;

  out->flow = *f;
  out->worker = f->from_worker;
  out->time_ns = f->from_ns;
  return lane != NULL &&
         weft_lane_find_span (lane, state, f->object, G_MAXUINT64, f->from_ns, &out->depth, &out->index, &out->span);
}

/* The span a flow's receiving end closes or opens: a get done, a hold begun */
static gboolean
flow_receiver (WeftTraceModel *model,
               const WeftFlow *f,
               WeftSpanLink   *out)
{
  WeftLane *lane = weft_trace_model_lookup_lane (model, f->to_worker);
  WeftObjectKind kind = weft_trace_model_get_object_kind (model, f->object);

  out->flow = *f;
  out->worker = f->to_worker;
  out->time_ns = f->to_ns;
  if (lane == NULL)
    return FALSE;
  if (f->kind == WEFT_FLOW_QUEUE)
    return weft_lane_find_span (lane, WEFT_STATE_QUEUE_GET, f->object, G_MAXUINT64, f->to_ns,
                                &out->depth, &out->index, &out->span);
  return weft_lane_find_span (lane, kind == WEFT_OBJECT_GIL ? WEFT_STATE_GIL_HELD : WEFT_STATE_LOCK_HELD,
                              f->object, f->to_ns, G_MAXUINT64, &out->depth, &out->index, &out->span);
}

/**
 * weft_span_links_get_flows:
 * @model: the trace
 * @worker: the span's lane
 * @span: a span of that lane
 * @out_in: (element-type WeftSpanLink): the flows arriving inside the span
 *   (an item got, a lock acquired), each with the span that sent it
 * @out_out: (element-type WeftSpanLink): the flows leaving inside it (an
 *   item put, a lock released), each with the span that received it
 *
 * At most 100,000 candidate flows are read.
 */
void
weft_span_links_get_flows (WeftTraceModel *model,
                           guint           worker,
                           const WeftSpan *span,
                           GArray         *out_in,
                           GArray         *out_out)
{
  guint first = 0, n = 0;
  WeftFlowIter iter;
  WeftFlow flow;

  g_return_if_fail (WEFT_IS_TRACE_MODEL (model));
  g_return_if_fail (span != NULL);

  weft_trace_model_lookup_flows (model, span->start_ns, span->end_ns + 1, &first, &n);
  n = MIN (n, MAX_CANDIDATES);
  weft_flow_iter_init (&iter, weft_trace_model_get_flows (model), first);
  while (iter.next < first + n && weft_flow_iter_next (&iter, &flow))
    {
      const WeftFlow *f = &flow;
      WeftSpanLink link = { 0 };

      if (f->to_worker == worker && f->to_ns >= span->start_ns && f->to_ns <= span->end_ns &&
          out_in != NULL && flow_sender (model, f, &link))
        g_array_append_val (out_in, link);
      if (f->from_worker == worker && f->from_ns >= span->start_ns && f->from_ns <= span->end_ns &&
          out_out != NULL && flow_receiver (model, f, &link))
        g_array_append_val (out_out, link);
    }
}

/* The flow that ended a wait of @worker on @object at @t, into @out */
static gboolean
flow_into (WeftTraceModel *model,
           guint           worker,
           guint32         object,
           guint8          kind,
           guint64         t,
           WeftFlow       *out)
{
  guint first = 0, n = 0;
  WeftFlowIter iter;

  weft_trace_model_lookup_flows (model, t, t + 1, &first, &n);
  weft_flow_iter_init (&iter, weft_trace_model_get_flows (model), first);
  while (iter.next < first + n && weft_flow_iter_next (&iter, out))
    if (out->to_ns == t && out->to_worker == worker && out->object == object && out->kind == kind)
      return TRUE;
  return FALSE;
}

/**
 * weft_span_links_get_wakeup_chain:
 * @model: the trace
 * @worker: the span's lane
 * @span: a wait for a lock or the GIL, a hold that followed a wait, or a
 *   queue get
 *
 * Who released what @span waited for: for a lock, the holder whose release
 * woke it, then who woke that holder, back to a holder that did not wait
 * (the first); for a queue get, the put of the item it got. At most 64 links.
 *
 * Returns: (transfer full) (element-type WeftSpanLink): the chain, nearest
 *   first (empty when nobody woke the span)
 */
GArray *
weft_span_links_get_wakeup_chain (WeftTraceModel *model,
                                  guint           worker,
                                  const WeftSpan *span)
{
  GArray *chain = g_array_new (FALSE, FALSE, sizeof (WeftSpanLink));
  WeftSpan cur;
  guint cur_worker = worker;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (model), chain);
  g_return_val_if_fail (span != NULL, chain);

  cur = *span;
  if (cur.state == WEFT_STATE_QUEUE_GET)
    {
      WeftSpanLink link = { 0 };
      WeftFlow f;

      if (flow_into (model, worker, cur.object, WEFT_FLOW_QUEUE, cur.end_ns, &f) && flow_sender (model, &f, &link))
        g_array_append_val (chain, link);
      return chain;
    }

  while (chain->len < MAX_CHAIN)
    {
      guint64 woken;
      WeftFlow f;
      WeftSpanLink link = { 0 };

      if ((cur.state == WEFT_STATE_LOCK_WAIT || cur.state == WEFT_STATE_GIL_WAIT) && !(cur.flags & WEFT_SPAN_OPEN))
        woken = cur.end_ns;
      else if ((cur.state == WEFT_STATE_LOCK_HELD || cur.state == WEFT_STATE_GIL_HELD) &&
               (cur.flags & WEFT_SPAN_CONTENDED))
        woken = cur.start_ns;
      else
        break;
      if (!flow_into (model, cur_worker, cur.object, WEFT_FLOW_LOCK, woken, &f) || !flow_sender (model, &f, &link))
        break;
      g_array_append_val (chain, link);
      cur = link.span;
      cur_worker = link.worker;
    }
  return chain;
}

/**
 * weft_span_links_get_task:
 * @model: the trace
 * @worker: the span's lane
 * @span: a span of that lane
 * @out_link: (out): the innermost running span that holds @span (its task)
 *
 * Returns: whether @span lies inside a task's running span
 */
gboolean
weft_span_links_get_task (WeftTraceModel *model,
                          guint           worker,
                          const WeftSpan *span,
                          WeftSpanLink   *out_link)
{
  WeftLane *lane = weft_trace_model_lookup_lane (model, worker);
  guint n_open = 0;
  g_autofree WeftSpan *open = NULL;

  g_return_val_if_fail (span != NULL && out_link != NULL, FALSE);

  if (lane == NULL)
    return FALSE;
  open = weft_lane_dup_open_spans (lane, &n_open);
  memset (out_link, 0, sizeof *out_link);
  out_link->worker = (guint16) worker;
  for (guint d = span->depth; d-- > 0;)
    {
      guint first, n;

      weft_lane_lookup_range (lane, d, span->start_ns, span->start_ns + 1, &first, &n);
      for (guint i = first; i < first + n; i++)
        if (weft_lane_get_span (lane, d, i, &out_link->span) && out_link->span.state == WEFT_STATE_RUNNING &&
            out_link->span.start_ns <= span->start_ns && out_link->span.end_ns >= span->end_ns)
          {
            out_link->depth = d;
            out_link->index = i;
            out_link->time_ns = out_link->span.start_ns;
            return TRUE;
          }
      for (guint j = 0; j < n_open; j++)
        if (open[j].depth == d && open[j].state == WEFT_STATE_RUNNING && open[j].start_ns <= span->start_ns)
          {
            out_link->span = open[j];
            out_link->depth = d;
            out_link->index = weft_lane_get_n_spans (lane, d);
            out_link->time_ns = open[j].start_ns;
            return TRUE;
          }
    }
  return FALSE;
}
