/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "weft-trace-model-internal.h"

/*
 * WeftTraceModel turns validated WeftEvents into lanes of spans, counter
 * tracks, flows and statistics, incrementally. Per event: one array lookup
 * for the lane, a small direct-mapped cache for objects, no allocation
 * (arrays grow geometrically).
 *
 * Events are ordered per worker, not across workers (each worker flushes its
 * own buffer). Per-lane data is therefore appended in order; data that mixes
 * workers (counter tracks, parallelism, flows) is appended directly when it
 * arrives in order and otherwise parked: flows are merged once per append()
 * call, track points when 64 Ki of them are parked or a track is read.
 */

G_DEFINE_FINAL_TYPE (WeftTraceModel, weft_trace_model, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_LANES,
  PROP_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  LANE_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint
compare_flows (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  const WeftFlow *fa = a, *fb = b;

  if (fa->to_ns != fb->to_ns)
    return fa->to_ns < fb->to_ns ? -1 : 1;
  return 0;
}

/* Appends @a and @b (each sorted) merged, @a first on ties */
static void
flows_append_merged (WeftFlowList   *list,
                     const WeftFlow *a,
                     guint           n_a,
                     const WeftFlow *b,
                     guint           n_b)
{
  guint i = 0, j = 0;

  while (i < n_a || j < n_b)
    {
      if (j >= n_b || (i < n_a && a[i].to_ns <= b[j].to_ns))
        _weft_flow_list_append (list, &a[i++]);
      else
        _weft_flow_list_append (list, &b[j++]);
    }
}

/* Merges the parked flows in: rewinds the list to the first flow after the
 * earliest of them, and appends what it took out together with them. */
static void
flows_flush (WeftTraceModel *self)
{
  GArray *pending = self->pending_flows;
  GArray *tail = self->flow_tail;
  guint64 t_min;
  guint lo;

  if (pending->len == 0)
    return;

  /* (a stable sort: flows at one instant keep their order) */
  g_qsort_with_data (pending->data, (gint) pending->len, sizeof (WeftFlow), compare_flows, NULL);
  t_min = g_array_index (pending, WeftFlow, 0).to_ns;
  lo = t_min == G_MAXUINT64 ? weft_flow_list_get_n_flows (&self->flows)
                            : weft_flow_list_lower_bound (&self->flows, t_min + 1);
  _weft_flow_list_rewind (&self->flows, lo, tail);
  flows_append_merged (&self->flows, (const WeftFlow *) (gpointer) tail->data, tail->len,
                       (const WeftFlow *) (gpointer) pending->data, pending->len);
  g_array_set_size (pending, 0);
  g_array_set_size (tail, 0);
}

static void
add_flow (WeftTraceModel *self,
          WeftFlowKind    kind,
          guint32         object,
          gint64          item,
          guint16         from_worker,
          guint64         from_ns,
          guint16         to_worker,
          guint64         to_ns)
{
  WeftFlow flow = {
    .to_ns = to_ns,
    .from_ns = from_ns,
    .item = item,
    .object = object,
    .from_worker = from_worker,
    .to_worker = to_worker,
    .kind = kind,
  };

  if (to_ns > from_ns && to_ns - from_ns > self->max_flow_ns)
    self->max_flow_ns = to_ns - from_ns;

  if (self->pending_flows->len == 0 &&
      (weft_flow_list_get_n_flows (&self->flows) == 0 || _weft_flow_list_last_time (&self->flows) <= to_ns))
    _weft_flow_list_append (&self->flows, &flow);
  else
    g_array_append_val (self->pending_flows, flow);
}

/* ---- queue items ---------------------------------------------------------- */

static inline guint
item_hash (guint32 queue,
           gint64  item)
{
  guint64 x = (guint64) item ^ ((guint64) queue << 32 | queue);

  /* splitmix64 finaliser */
  x ^= x >> 30;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  x ^= x >> 31;
  return (guint) x;
}

static void items_insert (WeftTraceModel *self, const PendingItem *entry);

static void
items_grow (WeftTraceModel *self)
{
  PendingItem *old = self->items;
  guint old_size = old ? self->items_mask + 1 : 0;
  guint size = MAX (64, old_size * 2);

  self->items = g_new0 (PendingItem, size);
  self->items_mask = size - 1;
  self->n_items = 0;
  for (guint i = 0; i < old_size; i++)
    if (old[i].side != 0)
      items_insert (self, &old[i]);
  g_free (old);
}

static PendingItem *
items_find (WeftTraceModel *self,
            guint32         queue,
            gint64          item)
{
  guint i;

  if (self->items == NULL)
    return NULL;
  for (i = item_hash (queue, item) & self->items_mask;
       self->items[i].side != 0;
       i = (i + 1) & self->items_mask)
    {
      if (self->items[i].queue == queue && self->items[i].item == item)
        return &self->items[i];
    }
  return NULL;
}

static void
items_insert (WeftTraceModel    *self,
              const PendingItem *entry)
{
  guint i;

  if (self->items == NULL || (self->n_items + 1) * 2 > self->items_mask + 1)
    items_grow (self);
  for (i = item_hash (entry->queue, entry->item) & self->items_mask;
       self->items[i].side != 0;
       i = (i + 1) & self->items_mask)
    ;
  self->items[i] = *entry;
  self->n_items++;
}

static void
items_remove (WeftTraceModel *self,
              PendingItem    *entry)
{
  guint mask = self->items_mask;
  guint i = (guint) (entry - self->items);
  guint j = i;

  /* Backward-shift deletion keeps linear probing tombstone-free. */
  for (;;)
    {
      guint home;

      j = (j + 1) & mask;
      if (self->items[j].side == 0)
        break;
      home = item_hash (self->items[j].queue, self->items[j].item) & mask;
      /* Move j into the hole at i unless its home lies cyclically in (i, j]. */
      if ((i <= j) ? (i < home && home <= j) : (i < home || home <= j))
        continue;
      self->items[i] = self->items[j];
      i = j;
    }
  self->items[i].side = 0;
  self->n_items--;
}

static void
queue_item (WeftTraceModel *self,
            guint32         queue,
            gint64          item,
            guint16         worker,
            guint64         t,
            guint8          side)
{
  PendingItem *other = items_find (self, queue, item);

  if (other != NULL && other->side != side)
    {
      if (side == 2)
        add_flow (self, WEFT_FLOW_QUEUE, queue, item, other->worker, other->time_ns, worker, t);
      else
        add_flow (self, WEFT_FLOW_QUEUE, queue, item, worker, t, other->worker, other->time_ns);
      items_remove (self, other);
    }
  else if (other != NULL)
    {
      /* The same item id again at the same end: keep the latest. */
      other->worker = worker;
      other->time_ns = t;
    }
  else
    {
      PendingItem entry = { item, t, queue, worker, side };

      items_insert (self, &entry);
    }
}

/* ---- objects -------------------------------------------------------------- */

static void
weft_object_free (gpointer data)
{
  WeftObject *obj = data;

  if (obj->name != NULL)
    g_string_free (obj->name, TRUE);
  g_free (obj->name_valid);
  g_free (obj->error);
  if (obj->track != NULL)
    {
      _weft_track_clear (obj->track);
      g_free (obj->track);
    }
  g_clear_pointer (&obj->releases, g_array_unref);
  g_clear_pointer (&obj->wakeups, g_array_unref);
  g_free (obj);
}

static WeftObject *
object_ensure (WeftTraceModel *self,
               guint32         id,
               WeftObjectKind  kind)
{
  WeftObject **slot = &self->object_cache[id % OBJECT_CACHE_SIZE];
  WeftObject *obj = *slot;

  if (G_UNLIKELY (obj == NULL || obj->id != id))
    {
      obj = g_hash_table_lookup (self->objects, GUINT_TO_POINTER (id));
      if (obj == NULL)
        {
          obj = g_new0 (WeftObject, 1);
          obj->id = id;
          g_hash_table_insert (self->objects, GUINT_TO_POINTER (id), obj);
        }
      *slot = obj;
    }
  if (G_UNLIKELY (obj->kind == 0))
    obj->kind = kind;
  return obj;
}

static inline void
track_add (WeftTraceModel *self,
           WeftTrack      *track,
           guint64         t,
           gint64          value)
{
  self->n_parked += _weft_track_add (self->dirty_tracks, track, t, value);
}

static WeftTrack *
object_track (WeftObject *obj)
{
  if (G_UNLIKELY (obj->track == NULL))
    {
      obj->track = g_new0 (WeftTrack, 1);
      _weft_track_init (obj->track, FALSE);
    }
  return obj->track;
}

static const char *
object_name (WeftObject *obj)
{
  if (obj->name == NULL)
    return NULL;
  if (obj->name_valid == NULL)
    obj->name_valid = g_utf8_make_valid (obj->name->str, obj->name->len);
  return obj->name_valid;
}

/* ---- lanes ---------------------------------------------------------------- */

static WeftLane *
lane_ensure (WeftTraceModel *self,
             guint16         worker)
{
  WeftLane *lane = self->lane_by_worker[worker];
  guint lo, key;

  if (G_LIKELY (lane != NULL))
    return lane;

  lane = _weft_lane_new (worker);
  self->lane_by_worker[worker] = lane;

  key = worker;
  lo = _weft_lower_bound (self->lanes->pdata, self->lanes->len, lane_below, &key);
  g_assert (lo == self->lanes->len || weft_lane_get_worker (g_ptr_array_index (self->lanes, lo)) > worker);
  g_ptr_array_insert (self->lanes, (int) lo, lane);
  g_ptr_array_add (self->new_lanes, lane);
  return lane;
}

/* ---- events --------------------------------------------------------------- */

static inline void
note_time (WeftTraceModel *self,
           guint64         t)
{
  if (G_UNLIKELY (t < self->first_ns))
    self->first_ns = t;
  if (t > self->last_ns)
    self->last_ns = t;
}

static inline void
open_span (WeftTraceModel *self,
           WeftLane       *lane,
           guint64         t,
           WeftState       state,
           guint32         object,
           guint           flags,
           int            *delta)
{
  if (G_UNLIKELY (_weft_lane_open (lane, t, state, object, flags, delta) < 0))
    self->n_dropped++;
}

static inline gboolean
close_span (WeftTraceModel *self,
            WeftLane       *lane,
            guint64         t,
            WeftState       state,
            guint32         object,
            guint           flags,
            WeftSpan       *closed,
            int            *delta)
{
  if (G_LIKELY (_weft_lane_close (lane, t, state, object, flags, closed, delta)))
    {
      self->n_spans++;
      return TRUE;
    }
  self->n_unmatched++;
  _weft_lane_count_unmatched (lane);
  return FALSE;
}

static void
append_name (WeftTraceModel  *self,
             WeftLane        *lane,
             const WeftEvent *ev)
{
  char bytes[16];
  gsize len = 0;

  memcpy (bytes, &ev->arg0, 8);
  memcpy (bytes + 8, &ev->arg1, 8);
  while (len < sizeof bytes && bytes[len] != '\0')
    len++;
  if (len == 0)
    {
      /* an empty NAME starts the name over: a thread renamed, a lane reused */
      if (ev->object == WEFT_OBJECT_SELF)
        _weft_lane_set_name (lane, "");
      else
        {
          WeftObject *obj = object_ensure (self, ev->object, 0);

          if (obj->name != NULL)
            g_string_truncate (obj->name, 0);
          g_clear_pointer (&obj->name_valid, g_free);
        }
      return;
    }

  if (ev->object == WEFT_OBJECT_SELF)
    _weft_lane_append_name (lane, bytes, len);
  else
    {
      WeftObject *obj = object_ensure (self, ev->object, 0);

      /* A writer sends a name's pieces at one time. Pieces from another
       * writer, or from later, name the object again: every process that
       * uses a lock or a marked region declares it, and that name replaces
       * the one before rather than joining it. */
      if (obj->name == NULL)
        obj->name = g_string_new (NULL);
      else if (obj->name_worker != ev->worker || obj->name_time != ev->time_ns)
        g_string_truncate (obj->name, 0);
      obj->name_worker = ev->worker;
      obj->name_time = ev->time_ns;
      g_string_append_len (obj->name, bytes, len);
      g_clear_pointer (&obj->name_valid, g_free);
    }
}

/* The latest release at or before @t, or NULL. */
static const LockRelease *
lock_release_before (WeftObject *obj,
                     guint64     t)
{
  guint lo;

  if (obj->releases == NULL)
    return NULL;
  lo = _weft_lower_bound (obj->releases->data, obj->releases->len, release_at_or_before, &t);
  return lo > 0 ? &g_array_index (obj->releases, LockRelease, lo - 1) : NULL;
}

static gboolean
is_lock_flow (const WeftFlow   *f,
              guint32           object,
              const LockWakeup *wk)
{
  return f->to_ns == wk->time_ns && f->kind == WEFT_FLOW_LOCK && f->object == object && f->to_worker == wk->worker;
}

/* Changes the lock flow ending at @wk, among the parked flows or in the
 * list: its sending end to @rel's, or, if @rel is %NULL, removes it. */
static void
lock_flow_change (WeftTraceModel    *self,
                  guint32            object,
                  const LockWakeup  *wk,
                  const LockRelease *rel)
{
  GArray *pending = self->pending_flows, *tail = self->flow_tail;
  WeftFlowIter iter;
  WeftFlow f;
  guint i, first;

  for (i = 0; i < pending->len; i++)
    if (is_lock_flow (&g_array_index (pending, WeftFlow, i), object, wk))
      break;
  if (i < pending->len)
    {
      if (rel == NULL)
        g_array_remove_index (pending, i);
      else
        {
          g_array_index (pending, WeftFlow, i).from_ns = rel->time_ns;
          g_array_index (pending, WeftFlow, i).from_worker = rel->worker;
        }
      return;
    }

  /* sorted by to_ns: among those at wk->time_ns */
  i = weft_flow_list_lower_bound (&self->flows, wk->time_ns);
  weft_flow_iter_init (&iter, &self->flows, i);
  while (weft_flow_iter_next (&iter, &f) && f.to_ns == wk->time_ns && !is_lock_flow (&f, object, wk))
    i++;
  g_assert (i < weft_flow_list_get_n_flows (&self->flows) && is_lock_flow (&f, object, wk));

  /* The same receiving end (the flows stay sorted), or none */
  first = _weft_flow_list_rewind (&self->flows, i, tail);
  if (rel == NULL)
    g_array_remove_index (tail, i - first);
  else
    {
      g_array_index (tail, WeftFlow, i - first).from_ns = rel->time_ns;
      g_array_index (tail, WeftFlow, i - first).from_worker = rel->worker;
    }
  for (guint k = 0; k < tail->len; k++)
    _weft_flow_list_append (&self->flows, &g_array_index (tail, WeftFlow, k));
  g_array_set_size (tail, 0);
}

/* (Re-)derives the flow of one contended acquisition. */
static void
lock_wakeup_update (WeftTraceModel *self,
                    WeftObject     *obj,
                    LockWakeup     *wk)
{
  const LockRelease *rel = lock_release_before (obj, wk->time_ns);
  gboolean has = rel != NULL && rel->worker != wk->worker && rel->time_ns >= wk->wait_ns;

  if (has == wk->has_flow && (!has || (rel->time_ns == wk->from_ns && rel->worker == wk->from_worker)))
    return;

  if (wk->has_flow)
    {
      lock_flow_change (self, obj->id, wk, has ? rel : NULL);
      if (has && wk->time_ns - rel->time_ns > self->max_flow_ns)
        self->max_flow_ns = wk->time_ns - rel->time_ns;
    }
  else
    add_flow (self, WEFT_FLOW_LOCK, obj->id, 0, rel->worker, rel->time_ns, wk->worker, wk->time_ns);

  wk->has_flow = has;
  wk->from_ns = has ? rel->time_ns : 0;
  wk->from_worker = has ? rel->worker : 0;
}

static void
lock_note_wakeup (WeftTraceModel *self,
                  WeftObject     *obj,
                  guint16         worker,
                  guint64         wait_ns,
                  guint64         t)
{
  LockWakeup wk = { .time_ns = t, .wait_ns = wait_ns, .worker = worker };
  guint i;

  if (obj->wakeups == NULL)
    obj->wakeups = g_array_new (FALSE, FALSE, sizeof (LockWakeup));
  i = obj->wakeups->len;
  while (i > 0 && g_array_index (obj->wakeups, LockWakeup, i - 1).time_ns > t)
    i--;
  g_array_insert_val (obj->wakeups, i, wk);
  lock_wakeup_update (self, obj, &g_array_index (obj->wakeups, LockWakeup, i));
}

static void
lock_note_release (WeftTraceModel *self,
                   WeftObject     *obj,
                   guint16         worker,
                   guint64         t)
{
  LockRelease rel = { .time_ns = t, .worker = worker };
  guint i;

  if (obj->releases == NULL)
    obj->releases = g_array_new (FALSE, FALSE, sizeof (LockRelease));
  i = obj->releases->len;
  while (i > 0)
    {
      const LockRelease *r = &g_array_index (obj->releases, LockRelease, i - 1);

      if (r->time_ns < t || (r->time_ns == t && r->worker <= worker))
        break;
      i--;
    }
  g_array_insert_val (obj->releases, i, rel);

  /* Acquisitions at or after it, already seen, may have been woken by it. */
  if (obj->wakeups != NULL)
    for (guint k = obj->wakeups->len; k-- > 0;)
      {
        LockWakeup *wk = &g_array_index (obj->wakeups, LockWakeup, k);

        if (wk->time_ns < t)
          break;
        if (wk->wait_ns <= t)
          lock_wakeup_update (self, obj, wk);
      }
}

static void
lock_acquired (WeftTraceModel  *self,
               WeftLane        *lane,
               const WeftEvent *ev,
               guint64          t,
               WeftObjectKind   kind,
               WeftState        wait_state,
               WeftState        held_state,
               int             *delta)
{
  WeftObject *obj = object_ensure (self, ev->object, kind);
  WeftSpan wait;
  guint flags = 0;

  obj->lock.acquisitions++;
  /* No open wait means an uncontended acquisition, not an unmatched end. */
  if (_weft_lane_close (lane, t, wait_state, ev->object, 0, &wait, delta))
    {
      guint64 w = wait.end_ns - wait.start_ns;

      self->n_spans++;
      obj->lock.contended++;
      obj->lock.total_wait_ns += w;
      obj->lock.max_wait_ns = MAX (obj->lock.max_wait_ns, w);
      flags = WEFT_SPAN_CONTENDED;
      lock_note_wakeup (self, obj, ev->worker, wait.start_ns, t);
    }
  open_span (self, lane, t, held_state, ev->object, flags, delta);
}

static void
lock_released (WeftTraceModel  *self,
               WeftLane        *lane,
               const WeftEvent *ev,
               guint64          t,
               WeftObjectKind   kind,
               WeftState        held_state,
               int             *delta)
{
  WeftObject *obj = object_ensure (self, ev->object, kind);
  WeftSpan held;

  if (close_span (self, lane, t, held_state, ev->object, 0, &held, delta))
    obj->lock.total_hold_ns += held.end_ns - held.start_ns;
  lock_note_release (self, obj, ev->worker, t);
}

static void
queue_note_blocked (WeftObject *obj,
                    WeftState   state,
                    guint64     blocked)
{
  if (state == WEFT_STATE_QUEUE_PUT)
    obj->queue.put_blocked_ns += blocked;
  else
    obj->queue.get_blocked_ns += blocked;
  obj->queue.blocked_ns += blocked;
}

/* One put or get that blocked, however many stretches its wait had */
static void
queue_note_wait (WeftObject *obj,
                 WeftState   state)
{
  if (state == WEFT_STATE_QUEUE_PUT)
    obj->queue.put_waits++;
  else
    obj->queue.get_waits++;
}

/* A blocked put or get may go on: the queue has room or an item from @t.
 * What follows until its END (waking up, taking the queue's own lock) is
 * not blocking on the queue. */
static void
queue_ready (WeftTraceModel  *self,
             WeftLane        *lane,
             const WeftEvent *ev,
             guint64          t,
             int             *delta)
{
  WeftObject *obj = object_ensure (self, ev->object, WEFT_OBJECT_QUEUE);
  WeftSpan span;

  if (_weft_lane_close (lane, t, WEFT_STATE_QUEUE_GET, ev->object, 0, &span, delta) ||
      _weft_lane_close (lane, t, WEFT_STATE_QUEUE_PUT, ev->object, 0, &span, delta))
    {
      self->n_spans++;
      queue_note_blocked (obj, span.state, span.end_ns - span.start_ns);
      self->queue_waited[ev->worker] = 1;
      _weft_lane_note_ready (lane, t, ev->object);
      return;
    }
  self->n_unmatched++;
  _weft_lane_count_unmatched (lane);
}

/* A new wait for a queue right after the last one ended (QUEUE_READY, and
 * nothing between): the queue had room or an item meanwhile, and another
 * worker took it. That stretch is the worker's lost turn, a wait of its
 * own, not running. */
static void
queue_begin (WeftTraceModel  *self,
             WeftLane        *lane,
             const WeftEvent *ev,
             guint64          t,
             WeftState        state,
             int             *delta)
{
  guint64 ready;

  if (_weft_lane_take_ready (lane, ev->object, &ready) && ready < t)
    {
      WeftSpan span;
      int turn = 0;

      /* the lane's last event was at @ready: the span opens there, and the
       * parallelism learns it was not running from then on */
      open_span (self, lane, ready, WEFT_STATE_QUEUE_TURN, ev->object, 0, &turn);
      if (turn != 0)
        track_add (self, &self->parallelism, ready, turn);
      close_span (self, lane, t, WEFT_STATE_QUEUE_TURN, ev->object, 0, &span, delta);
    }
  open_span (self, lane, t, state, ev->object, 0, delta);
}

static void
queue_end (WeftTraceModel  *self,
           WeftLane        *lane,
           const WeftEvent *ev,
           guint64          t,
           WeftState        state,
           int             *delta)
{
  WeftObject *obj = object_ensure (self, ev->object, WEFT_OBJECT_QUEUE);
  WeftSpan span;

  /* A put/get that did not block has no open span (or it was closed by
   * QUEUE_READY when its wait ended); it and its depth sample count all
   * the same. */
  gboolean waited = self->queue_waited[ev->worker];

  if (_weft_lane_close (lane, t, state, ev->object, 0, &span, delta))
    {
      self->n_spans++;
      queue_note_blocked (obj, state, span.end_ns - span.start_ns);
      waited = TRUE;
    }
  if (waited)
    queue_note_wait (obj, state);
  self->queue_waited[ev->worker] = 0;
  if (state == WEFT_STATE_QUEUE_PUT)
    obj->queue.puts++;
  else
    obj->queue.gets++;
  /* a negative depth is none: another program's flow, carried as a put
   * and a get, has no depth to draw */
  if (ev->arg0 >= 0)
    {
      if (ev->arg0 > obj->queue.max_depth)
        obj->queue.max_depth = ev->arg0;
      track_add (self, object_track (obj), t, ev->arg0);
    }
  queue_item (self, ev->object, ev->arg1, ev->worker, t, state == WEFT_STATE_QUEUE_PUT ? 1 : 2);
}

static inline void
process_event (WeftTraceModel  *self,
               const WeftEvent *ev)
{
  WeftLane *lane;
  WeftSpan span;
  guint64 t;
  int delta = 0;

  if (G_UNLIKELY (ev->worker >= WEFT_MAX_WORKERS || ev->kind >= WEFT_EVENT_N_KINDS))
    {
      /* The collector validates; never trust that enough to crash. */
      self->n_dropped++;
      return;
    }

  lane = self->lane_by_worker[ev->worker];
  if (G_UNLIKELY (lane == NULL))
    lane = lane_ensure (self, ev->worker);
  t = _weft_lane_touch (lane, ev->time_ns);
  /* a lost turn is a QUEUE_READY followed at once by a new wait */
  if (ev->kind != WEFT_EVENT_QUEUE_PUT_BEGIN && ev->kind != WEFT_EVENT_QUEUE_GET_BEGIN)
    _weft_lane_forget_ready (lane);

  switch ((WeftEventKind) ev->kind)
    {
    case WEFT_EVENT_INVALID:
    case WEFT_EVENT_HELLO:
    case WEFT_EVENT_BYE:
    case WEFT_EVENT_N_KINDS:
      return;

    case WEFT_EVENT_WORKER_INFO:
      _weft_lane_set_executor (lane, (WeftExecutorKind) ev->arg0, ev->arg1);
      self->lane_info_serial++;
      return;

    case WEFT_EVENT_OBJECT_NEW:
      {
        WeftObject *obj = object_ensure (self, ev->object, (WeftObjectKind) ev->arg0);

        obj->kind = (WeftObjectKind) ev->arg0;
        obj->initial = ev->arg1;
        if (obj->kind == WEFT_OBJECT_COUNTER)
          track_add (self, object_track (obj), t, ev->arg1);
      }
      return;

    case WEFT_EVENT_NAME:
      append_name (self, lane, ev);
      if (ev->object == WEFT_OBJECT_SELF)
        self->lane_info_serial++;
      return;

    case WEFT_EVENT_TASK_BEGIN:
      open_span (self, lane, t, WEFT_STATE_RUNNING, ev->object, 0, &delta);
      break;

    case WEFT_EVENT_TASK_END:
      {
        guint flags = ev->arg0 == WEFT_TASK_FAILED ? WEFT_SPAN_TASK_FAILED :
                      ev->arg0 == WEFT_TASK_CANCELLED ? WEFT_SPAN_TASK_CANCELLED :
                      ev->arg0 == WEFT_TASK_SUSPENDED ? WEFT_SPAN_TASK_SUSPENDED : 0;

        if (close_span (self, lane, t, WEFT_STATE_RUNNING, ev->object, flags, &span, &delta))
          _weft_lane_count_task (lane, (WeftTaskStatus) ev->arg0, ev->arg1);
      }
      break;

    case WEFT_EVENT_LOCK_WAIT:
      {
        WeftObject *obj = object_ensure (self, ev->object, WEFT_OBJECT_LOCK);

        /* the latest wait's word: a wait whose holder was not known unsays it */
        obj->wait_holder = ev->arg0 > 0 && ev->arg0 <= WEFT_MAX_WORKERS ? (guint16) ev->arg0 : 0;
        open_span (self, lane, t, WEFT_STATE_LOCK_WAIT, ev->object, 0, &delta);
      }
      break;

    case WEFT_EVENT_LOCK_ACQUIRED:
      lock_acquired (self, lane, ev, t, WEFT_OBJECT_LOCK, WEFT_STATE_LOCK_WAIT, WEFT_STATE_LOCK_HELD, &delta);
      break;

    case WEFT_EVENT_LOCK_RELEASED:
      lock_released (self, lane, ev, t, WEFT_OBJECT_LOCK, WEFT_STATE_LOCK_HELD, &delta);
      break;

    case WEFT_EVENT_GIL_WAIT:
      object_ensure (self, ev->object, WEFT_OBJECT_GIL);
      open_span (self, lane, t, WEFT_STATE_GIL_WAIT, ev->object, 0, &delta);
      break;

    case WEFT_EVENT_GIL_ACQUIRED:
      lock_acquired (self, lane, ev, t, WEFT_OBJECT_GIL, WEFT_STATE_GIL_WAIT, WEFT_STATE_GIL_HELD, &delta);
      break;

    case WEFT_EVENT_GIL_RELEASED:
      lock_released (self, lane, ev, t, WEFT_OBJECT_GIL, WEFT_STATE_GIL_HELD, &delta);
      break;

    case WEFT_EVENT_QUEUE_PUT_BEGIN:
      queue_begin (self, lane, ev, t, WEFT_STATE_QUEUE_PUT, &delta);
      break;

    case WEFT_EVENT_QUEUE_PUT_END:
      queue_end (self, lane, ev, t, WEFT_STATE_QUEUE_PUT, &delta);
      break;

    case WEFT_EVENT_QUEUE_GET_BEGIN:
      queue_begin (self, lane, ev, t, WEFT_STATE_QUEUE_GET, &delta);
      break;

    case WEFT_EVENT_QUEUE_GET_END:
      queue_end (self, lane, ev, t, WEFT_STATE_QUEUE_GET, &delta);
      break;

    case WEFT_EVENT_QUEUE_READY:
      queue_ready (self, lane, ev, t, &delta);
      break;

    case WEFT_EVENT_IO_BEGIN:
      open_span (self, lane, t, WEFT_STATE_IO, ev->object, 0, &delta);
      break;

    case WEFT_EVENT_IO_END:
      close_span (self, lane, t, WEFT_STATE_IO, ev->object, 0, &span, &delta);
      break;

    case WEFT_EVENT_SPAWN_BEGIN:
      open_span (self, lane, t, WEFT_STATE_STARTING, ev->object, 0, &delta);
      break;

    case WEFT_EVENT_SPAWN_END:
      close_span (self, lane, t, WEFT_STATE_STARTING, ev->object, 0, &span, &delta);
      break;

    case WEFT_EVENT_CORE_WAIT_BEGIN:
      open_span (self, lane, t, WEFT_STATE_CORE_WAIT, ev->object, 0, &delta);
      break;

    case WEFT_EVENT_CORE_WAIT_END:
      close_span (self, lane, t, WEFT_STATE_CORE_WAIT, ev->object, 0, &span, &delta);
      break;

    case WEFT_EVENT_COST_BEGIN:
    case WEFT_EVENT_COST_END:
      if (ev->arg0 < 0 || ev->arg0 >= WEFT_N_STATES || !weft_state_is_charged_cost ((WeftState) ev->arg0))
        return;
      if (ev->kind == WEFT_EVENT_COST_BEGIN)
        open_span (self, lane, t, (WeftState) ev->arg0, ev->object, 0, &delta);
      else
        close_span (self, lane, t, (WeftState) ev->arg0, ev->object, 0, &span, &delta);
      break;

    case WEFT_EVENT_INSTANT:
      _weft_lane_add_instant (lane, ev);
      break;

    case WEFT_EVENT_COUNTER:
      track_add (self, object_track (object_ensure (self, ev->object, WEFT_OBJECT_COUNTER)), t, ev->arg0);
      break;

    default:
      return;
    }

  /* Only timeline events (spans, instants, counters) reach this point. */
  note_time (self, t);
  if (delta != 0)
    track_add (self, &self->parallelism, t, delta);
}

/**
 * _weft_trace_model_settle:
 *
 * Merges the points parked in the counter tracks and the parallelism into
 * place. Everything that reads a track calls this first; it does nothing
 * when nothing is parked, so pointers into tracks stay valid until the next
 * append.
 */
void
_weft_trace_model_settle (WeftTraceModel *self)
{
  /* Reads only when there is nothing to merge (as in a finished model,
   * which threads may read at once). */
  if (self->dirty_tracks->len == 0)
    return;
  for (guint i = 0; i < self->dirty_tracks->len; i++)
    _weft_track_flush (g_ptr_array_index (self->dirty_tracks, i), &self->track_scratch);
  g_ptr_array_set_size (self->dirty_tracks, 0);
  self->n_parked = 0;
}

/* After each append: flows are put in place at once; tracks only once
 * this many points are parked (or when read), so that one merge serves
 * many appends and rewinds little. */
#define MAX_PARKED_POINTS (1u << 16)

static void
flush_pending (WeftTraceModel *self)
{
  if (self->n_parked >= MAX_PARKED_POINTS)
    _weft_trace_model_settle (self);
  flows_flush (self);
}

static void
emit_updates (WeftTraceModel *self,
              gboolean        changed)
{
  guint n_new = self->new_lanes->len;

  for (guint i = 0; i < n_new; i++)
    g_signal_emit (self, signals[LANE_ADDED], 0, g_ptr_array_index (self->new_lanes, i));
  g_ptr_array_set_size (self->new_lanes, 0);
  if (n_new > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LANES]);
  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);
}

/* ---- GObject -------------------------------------------------------------- */

static void
weft_trace_model_finalize (GObject *object)
{
  WeftTraceModel *self = (WeftTraceModel *) object;

  g_clear_pointer (&self->lanes, g_ptr_array_unref);
  g_clear_pointer (&self->new_lanes, g_ptr_array_unref);
  g_clear_pointer (&self->lane_by_worker, g_free);
  g_clear_pointer (&self->objects, g_hash_table_unref);
  _weft_track_clear (&self->parallelism);
  g_clear_pointer (&self->dirty_tracks, g_ptr_array_unref);
  _weft_track_scratch_clear (&self->track_scratch);
  _weft_flow_list_clear (&self->flows);
  g_clear_pointer (&self->pending_flows, g_array_unref);
  g_clear_pointer (&self->flow_tail, g_array_unref);
  g_clear_pointer (&self->items, g_free);
  g_clear_pointer (&self->journal, _weft_trace_journal_free);
  g_clear_pointer (&self->args, _weft_args_table_free);
  g_clear_pointer (&self->adopted_args, _weft_args_store_free);

  G_OBJECT_CLASS (weft_trace_model_parent_class)->finalize (object);
}

static void
weft_trace_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  WeftTraceModel *self = WEFT_TRACE_MODEL (object);

  switch (prop_id)
    {
    case PROP_N_LANES:
      g_value_set_uint (value, self->lanes->len);
      break;
    case PROP_FINISHED:
      g_value_set_boolean (value, self->finished);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_trace_model_class_init (WeftTraceModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = weft_trace_model_finalize;
  object_class->get_property = weft_trace_model_get_property;

  /**
   * WeftTraceModel:n-lanes:
   *
   * The number of lanes (one per worker id seen).
   */
  properties[PROP_N_LANES] =
    g_param_spec_uint ("n-lanes", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * WeftTraceModel:finished:
   *
   * Whether weft_trace_model_finish() was called: statistics are final.
   */
  properties[PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * WeftTraceModel::changed:
   *
   * Emitted at most once per weft_trace_model_append() (and by finish),
   * after the whole batch was applied.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * WeftTraceModel::lane-added:
   * @lane: (type gpointer): the new #WeftLane (transfer none)
   *
   * Emitted for each lane that appeared during an append (or a setter),
   * before ::changed.
   */
  signals[LANE_ADDED] =
    g_signal_new ("lane-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
weft_trace_model_init (WeftTraceModel *self)
{
  self->lane_by_worker = g_new0 (WeftLane *, WEFT_MAX_WORKERS);
  self->lanes = g_ptr_array_new_with_free_func ((GDestroyNotify) _weft_lane_free);
  self->new_lanes = g_ptr_array_new ();
  self->objects = g_hash_table_new_full (NULL, NULL, NULL, weft_object_free);
  _weft_track_init (&self->parallelism, TRUE);
  self->dirty_tracks = g_ptr_array_new ();
  self->pending_flows = g_array_new (FALSE, FALSE, sizeof (WeftFlow));
  self->flow_tail = g_array_new (FALSE, FALSE, sizeof (WeftFlow));
  self->first_ns = G_MAXUINT64;
  self->journal = _weft_trace_journal_new ();
  self->args = _weft_args_table_new ();
}

/* ---- public API ----------------------------------------------------------- */

/**
 * weft_trace_model_new:
 *
 * Returns: (transfer full): a new, empty model
 */
WeftTraceModel *
weft_trace_model_new (void)
{
  return g_object_new (WEFT_TYPE_TRACE_MODEL, NULL);
}

/**
 * weft_trace_model_append:
 * @self: a #WeftTraceModel
 * @events: (array length=n_events): validated events
 * @n_events: number of events
 *
 * Applies a batch of events (time non-decreasing per worker, any order across
 * workers). Emits ::lane-added for new lanes, then ::changed once. Pointers
 * previously returned into tracks, flows and instants become invalid.
 */
void
weft_trace_model_append (WeftTraceModel  *self,
                         const WeftEvent *events,
                         gsize            n_events)
{
  g_return_if_fail (WEFT_IS_TRACE_MODEL (self));
  g_return_if_fail (events != NULL || n_events == 0);
  g_return_if_fail (!self->finished);

  if (n_events == 0)
    return;

  _weft_trace_journal_begin_events (self->journal, n_events);
  for (gsize i = 0; i < n_events; i++)
    {
      _weft_trace_journal_event (self->journal, &events[i]);
      process_event (self, &events[i]);
    }
  _weft_trace_journal_end_events (self->journal);
  self->n_events += n_events;

  flush_pending (self);
  emit_updates (self, TRUE);
}

static void
account_truncated (WeftTraceModel *self,
                   guint16         worker,
                   const WeftSpan *span)
{
  guint64 dur = span->end_ns - span->start_ns;
  WeftObject *obj;

  self->n_spans++;
  switch (span->state)
    {
    case WEFT_STATE_LOCK_WAIT:
    case WEFT_STATE_GIL_WAIT:
      if ((obj = _weft_trace_model_object_lookup (self, span->object)) != NULL)
        {
          obj->lock.unacquired++;
          obj->lock.total_wait_ns += dur;
          obj->lock.max_wait_ns = MAX (obj->lock.max_wait_ns, dur);
        }
      break;
    case WEFT_STATE_LOCK_HELD:
    case WEFT_STATE_GIL_HELD:
      if ((obj = _weft_trace_model_object_lookup (self, span->object)) != NULL)
        obj->lock.total_hold_ns += dur;
      break;
    case WEFT_STATE_QUEUE_PUT:
    case WEFT_STATE_QUEUE_GET:
      obj = object_ensure (self, span->object, WEFT_OBJECT_QUEUE);
      queue_note_blocked (obj, span->state, dur);
      /* a wait cut off by the end: its put/get never came to count it */
      queue_note_wait (obj, span->state);
      self->queue_waited[worker] = 0;
      break;
    default:
      break;
    }
}

/**
 * weft_trace_model_finish:
 * @self: a #WeftTraceModel
 * @end_ns: end of the stream (absolute ns), or 0 for "each worker's last event"
 *
 * Closes every open span at @end_ns, or at its worker's last event if that is
 * later, and flags it %WEFT_SPAN_TRUNCATED; the run's end moves to the latest
 * such close time. Statistics are final afterwards; further appends are
 * refused.
 */
/* Frees what only later events could use: every lock release and
 * contended acquisition (kept so that a late release re-derives the flows),
 * the queue items still waiting for their other end, and what the tracks'
 * merges reuse (about 10 bytes per span of a lock-heavy trace); and makes
 * every name valid UTF-8 now, not at its first read. */
static void
drop_build_state (WeftTraceModel *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      WeftObject *obj = value;

      /* Names are made valid UTF-8 on first read; do it now, so that
       * reading a finished model changes nothing (threads may read it). */
      object_name (obj);
      g_clear_pointer (&obj->releases, g_array_unref);
      g_clear_pointer (&obj->wakeups, g_array_unref);
      if (obj->track != NULL)
        _weft_point_vec_clear (&obj->track->pending);
    }
  _weft_point_vec_clear (&self->parallelism.pending);
  for (guint i = 0; i < self->lanes->len; i++)
    weft_lane_get_name (g_ptr_array_index (self->lanes, i));
  g_clear_pointer (&self->items, g_free);
  self->items_mask = 0;
  self->n_items = 0;
  _weft_track_scratch_clear (&self->track_scratch);
}

void
weft_trace_model_finish (WeftTraceModel *self,
                         guint64         end_ns)
{
  g_return_if_fail (WEFT_IS_TRACE_MODEL (self));

  if (self->finished)
    return;

  _weft_trace_journal_finish (self->journal, end_ns);
  for (guint i = 0; i < self->lanes->len; i++)
    {
      WeftLane *lane = g_ptr_array_index (self->lanes, i);
      guint64 t = _weft_lane_touch (lane, end_ns);
      WeftSpan span;
      int delta = 0;
      gboolean any = FALSE;

      while (_weft_lane_close_deepest (lane, t, &span, &delta))
        {
          account_truncated (self, weft_lane_get_worker (lane), &span);
          any = TRUE;
        }
      g_assert (weft_lane_get_n_open_spans (lane) == 0);
      if (any)
        note_time (self, t);
      if (delta != 0)
        track_add (self, &self->parallelism, t, delta);
    }

  self->finished = TRUE;
  _weft_trace_model_settle (self);
  flush_pending (self);
  drop_build_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
  emit_updates (self, TRUE);
}

/**
 * weft_trace_model_get_finished:
 * @self: a #WeftTraceModel
 *
 * Returns: whether weft_trace_model_finish() was called
 */
gboolean
weft_trace_model_get_finished (WeftTraceModel *self)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), FALSE);

  return self->finished;
}

/**
 * weft_trace_model_set_named_slices:
 * @named: whether the RUNNING spans are another program's slices
 *
 * Says that the RUNNING spans are slices of a trace another program wrote
 * (their object is the slice's name), not tasks in Weft's states: views
 * tell them apart by name, as trace viewers do, rather than drawing all of
 * them in the one colour of running.
 */
void
weft_trace_model_set_named_slices (WeftTraceModel *self,
                                   gboolean        named)
{
  g_return_if_fail (WEFT_IS_TRACE_MODEL (self));
  if (self->named_slices == !!named)
    return;
  self->named_slices = !!named;
  _weft_trace_journal_named_slices (self->journal, self->named_slices);
}

/* Returns: whether the RUNNING spans are another program's named slices */
gboolean
weft_trace_model_get_named_slices (WeftTraceModel *self)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), FALSE);
  return self->named_slices;
}

/**
 * weft_trace_model_get_n_lanes:
 * @self: a #WeftTraceModel
 *
 * Returns: the number of lanes
 */
/**
 * weft_trace_model_get_lane_info_serial:
 *
 * Returns: a number that changes whenever a lane is named or says its
 *   executor (they may come after the lane's first events: a spawned
 *   worker's own, after its start), for a view that groups lanes by them
 */
guint
weft_trace_model_get_lane_info_serial (WeftTraceModel *self)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), 0);
  return self->lane_info_serial;
}

guint
weft_trace_model_get_n_lanes (WeftTraceModel *self)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), 0);

  return self->lanes->len;
}

/**
 * weft_trace_model_get_lane:
 * @self: a #WeftTraceModel
 * @index: position, lanes being sorted by worker id
 *
 * Returns: (transfer none) (nullable): the lane, or %NULL if out of range
 */
WeftLane *
weft_trace_model_get_lane (WeftTraceModel *self,
                           guint           index)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);

  return index < self->lanes->len ? g_ptr_array_index (self->lanes, index) : NULL;
}

/**
 * weft_trace_model_lookup_lane:
 * @self: a #WeftTraceModel
 * @worker: a worker id
 *
 * Returns: (transfer none) (nullable): the worker's lane, or %NULL
 */
WeftLane *
weft_trace_model_lookup_lane (WeftTraceModel *self,
                              guint           worker)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);

  return worker < WEFT_MAX_WORKERS ? self->lane_by_worker[worker] : NULL;
}

/**
 * weft_trace_model_set_lane_name:
 * @self: a #WeftTraceModel
 * @worker: a worker id (< WEFT_MAX_WORKERS); the lane is created if needed
 * @name: the new name (copied)
 */
void
weft_trace_model_set_lane_name (WeftTraceModel *self,
                                guint           worker,
                                const char     *name)
{
  g_return_if_fail (WEFT_IS_TRACE_MODEL (self));
  g_return_if_fail (worker < WEFT_MAX_WORKERS);
  g_return_if_fail (name != NULL);

  _weft_trace_journal_lane_name (self->journal, worker, name);
  _weft_lane_set_name (lane_ensure (self, (guint16) worker), name);
  emit_updates (self, TRUE);
}

/**
 * weft_trace_model_set_lane_executor:
 * @self: a #WeftTraceModel
 * @worker: a worker id (< WEFT_MAX_WORKERS); the lane is created if needed
 * @executor: the executor kind
 * @pid: the OS process id
 */
void
weft_trace_model_set_lane_executor (WeftTraceModel  *self,
                                    guint            worker,
                                    WeftExecutorKind executor,
                                    gint64           pid)
{
  g_return_if_fail (WEFT_IS_TRACE_MODEL (self));
  g_return_if_fail (worker < WEFT_MAX_WORKERS);

  _weft_trace_journal_lane_executor (self->journal, worker, executor, pid);
  _weft_lane_set_executor (lane_ensure (self, (guint16) worker), executor, pid);
  emit_updates (self, TRUE);
}

/**
 * weft_trace_model_declare_object:
 * @self: a #WeftTraceModel
 * @object: object id
 * @kind: its kind
 * @initial: capacity (queues) or initial value (counters)
 *
 * The same as an OBJECT_NEW event, for the engine.
 */
void
weft_trace_model_declare_object (WeftTraceModel *self,
                                 guint32         object,
                                 WeftObjectKind  kind,
                                 gint64          initial)
{
  WeftObject *obj;

  g_return_if_fail (WEFT_IS_TRACE_MODEL (self));

  _weft_trace_journal_declare_object (self->journal, object, kind, initial);
  obj = object_ensure (self, object, kind);
  obj->kind = kind;
  obj->initial = initial;
}

/**
 * weft_trace_model_set_object_name:
 * @self: a #WeftTraceModel
 * @object: object id (declared or not)
 * @name: the new name (copied)
 */
void
weft_trace_model_set_object_name (WeftTraceModel *self,
                                  guint32         object,
                                  const char     *name)
{
  WeftObject *obj;

  g_return_if_fail (WEFT_IS_TRACE_MODEL (self));
  g_return_if_fail (name != NULL);

  _weft_trace_journal_object_name (self->journal, object, name);
  obj = object_ensure (self, object, 0);
  if (obj->name == NULL)
    obj->name = g_string_new (name);
  else
    g_string_assign (obj->name, name);
  g_clear_pointer (&obj->name_valid, g_free);
}

/**
 * weft_trace_model_get_object_name:
 * @self: a #WeftTraceModel
 * @object: object id
 *
 * Returns: (transfer none) (nullable): the object's name (valid UTF-8), or
 *   %NULL if it has none; valid until the object is renamed
 */
const char *
weft_trace_model_get_object_name (WeftTraceModel *self,
                                  guint32         object)
{
  WeftObject *obj;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);

  obj = _weft_trace_model_object_lookup (self, object);
  return obj ? object_name (obj) : NULL;
}

/**
 * weft_trace_model_set_task_error:
 * @self: a #WeftTraceModel
 * @task: a task's id
 * @error: what the task raised when it failed (copied)
 */
void
weft_trace_model_set_task_error (WeftTraceModel *self,
                                 guint32         task,
                                 const char     *error)
{
  WeftObject *obj;

  g_return_if_fail (WEFT_IS_TRACE_MODEL (self));
  g_return_if_fail (error != NULL);

  _weft_trace_journal_task_error (self->journal, task, error);
  obj = object_ensure (self, task, WEFT_OBJECT_TASK);
  g_free (obj->error);
  obj->error = g_utf8_make_valid (error, -1);
}

/**
 * weft_trace_model_get_task_error:
 * @self: a #WeftTraceModel
 * @task: a task's id
 *
 * Returns: (transfer none) (nullable): the error a failed task raised, or
 *   %NULL if none is known
 */
const char *
weft_trace_model_get_task_error (WeftTraceModel *self,
                                 guint32         task)
{
  WeftObject *obj;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);

  obj = _weft_trace_model_object_lookup (self, task);
  return obj ? obj->error : NULL;
}

/**
 * _weft_trace_model_add_args:
 * @slot: 0 for an instant, a span's depth + 1
 * @args: (array length=len): args already checked (_weft_span_args_check())
 *
 * weft_trace_model_set_span_args() and _set_instant_args() without the
 * check, for a builder that wrote @args itself.
 */
void
_weft_trace_model_add_args (WeftTraceModel *self,
                            guint           worker,
                            guint           slot,
                            guint64         time_ns,
                            const char     *args,
                            gsize           len)
{
  /* the journal holds the text anyway: the table points into it */
  guint64 at = _weft_trace_journal_args (self->journal, worker, slot, time_ns, args, len);

  g_assert (worker < WEFT_MAX_WORKERS && slot <= WEFT_LANE_MAX_DEPTH && len <= WEFT_SPAN_ARGS_MAX);
  if (at != G_MAXUINT64)
    _weft_args_table_set (self->args, worker, slot, time_ns, at, (guint32) len);
}

/* An offset of a text in adopted_args, not in the journal. */
#define ADOPTED (G_GUINT64_CONSTANT (1) << 63)

/**
 * _weft_trace_model_adopt_args:
 * @store: (transfer full): args texts
 *
 * Makes @self keep @store, for _weft_trace_model_add_adopted_args(): a
 * builder's args are used where they are, not copied into the journal
 * (for another program's trace that would copy most of what its args
 * take, and keep two copies until the builder is done). The journal does
 * not hold them: export writes their entries after the journal's
 * (_weft_trace_model_encode_adopted_args()), so that the file's journal
 * has them all, and a model replayed from it has them in its own.
 */
void
_weft_trace_model_adopt_args (WeftTraceModel *self,
                              WeftArgsStore  *store)
{
  g_return_if_fail (self->adopted_args == NULL);
  self->adopted_args = store;
}

/* The args of a key, the text @ref in the adopted store (written by the
 * builder itself: not checked). */
void
_weft_trace_model_add_adopted_args (WeftTraceModel *self,
                                    guint           worker,
                                    guint           slot,
                                    guint64         time_ns,
                                    guint32         ref)
{
  gsize len;

  g_assert (self->adopted_args != NULL);
  g_assert (worker < WEFT_MAX_WORKERS && slot <= WEFT_LANE_MAX_DEPTH);
  _weft_args_store_get (self->adopted_args, ref, &len);
  _weft_args_table_set (self->args, worker, slot, time_ns, ADOPTED | ref, (guint32) len);
}

typedef struct
{
  WeftTraceModel *model;
  GByteArray     *out;
} EncodeAdopted;

static void
encode_adopted (guint    worker,
                guint    slot,
                guint64  time_ns,
                guint64  offset,
                guint32  len,
                gpointer user_data)
{
  EncodeAdopted *ea = user_data;

  if (offset & ADOPTED)
    {
      gsize n;
      const char *text = _weft_args_store_get (ea->model->adopted_args, (guint32) (offset & ~ADOPTED), &n);

      _weft_trace_journal_encode_args (ea->out, worker, slot, time_ns, text, n);
    }
}

/**
 * _weft_trace_model_encode_adopted_args:
 *
 * Returns: (transfer full) (nullable): the journal's entries of the
 *   adopted args, to follow the journal's own; %NULL if there are none
 */
GByteArray *
_weft_trace_model_encode_adopted_args (WeftTraceModel *self)
{
  EncodeAdopted ea = { self, NULL };

  if (self->adopted_args == NULL)
    return NULL;
  ea.out = g_byte_array_sized_new (_weft_args_store_get_bytes (self->adopted_args) + _weft_args_table_get_n (self->args) * 16);
  _weft_args_table_foreach (self->args, encode_adopted, &ea);
  return ea.out;
}

static gboolean
set_args (WeftTraceModel *self,
          guint           worker,
          guint           slot,
          guint64         time_ns,
          const char     *args,
          gssize          len)
{
  gsize n = len < 0 ? strlen (args) : (gsize) len;

  if (!_weft_span_args_check (args, n))
    return FALSE;
  _weft_trace_model_add_args (self, worker, slot, time_ns, args, n);
  return TRUE;
}

static const char *
get_args (WeftTraceModel *self,
          guint           worker,
          guint           slot,
          guint64         time_ns,
          gsize          *out_len)
{
  guint64 at;
  guint32 n;

  if (!_weft_args_table_lookup (self->args, worker, slot, time_ns, &at, &n))
    {
      *out_len = 0;
      return NULL;
    }
  *out_len = n;
  if (at & ADOPTED)
    {
      gsize len;
      const char *text = _weft_args_store_get (self->adopted_args, (guint32) (at & ~ADOPTED), &len);

      return text;
    }
  return _weft_trace_journal_peek (self->journal, at);
}

/**
 * weft_trace_model_set_span_args:
 * @self: a #WeftTraceModel
 * @worker: the span's lane (< WEFT_MAX_WORKERS)
 * @depth: the span's depth (< WEFT_LANE_MAX_DEPTH)
 * @start_ns: the span's start
 * @args: (array length=len): the span's args, one JSON object of at most
 *   WEFT_SPAN_ARGS_MAX bytes (copied); see weft-span-args.h
 * @len: its length, or -1 if NUL-terminated
 *
 * Gives the span of @worker at @depth that starts at @start_ns (closed or
 * not, even not begun yet) its args: another program's slice's "args".
 * Spans of one lane and depth that start at the same time share them; the
 * last set wins. A model whose journal is full (it cannot be exported)
 * keeps no more args.
 *
 * Returns: %FALSE, having changed nothing, if @args is not such an object
 */
gboolean
weft_trace_model_set_span_args (WeftTraceModel *self,
                                guint           worker,
                                guint           depth,
                                guint64         start_ns,
                                const char     *args,
                                gssize          len)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), FALSE);
  g_return_val_if_fail (worker < WEFT_MAX_WORKERS, FALSE);
  g_return_val_if_fail (depth < WEFT_LANE_MAX_DEPTH, FALSE);
  g_return_val_if_fail (args != NULL, FALSE);

  return set_args (self, worker, depth + 1, start_ns, args, len);
}

/**
 * weft_trace_model_get_span_args:
 * @self: a #WeftTraceModel
 * @worker: the span's lane
 * @depth: its depth
 * @start_ns: its start
 * @out_len: (out): the length of the args
 *
 * Returns: (transfer none) (nullable): the span's args (a JSON object, not
 *   NUL-terminated: use @out_len), valid until @self next changes; %NULL
 *   if it has none
 */
const char *
weft_trace_model_get_span_args (WeftTraceModel *self,
                                guint           worker,
                                guint           depth,
                                guint64         start_ns,
                                gsize          *out_len)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);
  g_return_val_if_fail (out_len != NULL, NULL);

  return get_args (self, worker, depth + 1, start_ns, out_len);
}

/**
 * weft_trace_model_set_instant_args:
 * @self: a #WeftTraceModel
 * @worker: the instant's lane (< WEFT_MAX_WORKERS)
 * @time_ns: its time
 * @args: (array length=len): as for weft_trace_model_set_span_args()
 * @len: its length, or -1 if NUL-terminated
 *
 * The args of the instants of @worker at @time_ns.
 *
 * Returns: %FALSE, having changed nothing, if @args is not a JSON object
 *   of at most WEFT_SPAN_ARGS_MAX bytes
 */
gboolean
weft_trace_model_set_instant_args (WeftTraceModel *self,
                                   guint           worker,
                                   guint64         time_ns,
                                   const char     *args,
                                   gssize          len)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), FALSE);
  g_return_val_if_fail (worker < WEFT_MAX_WORKERS, FALSE);
  g_return_val_if_fail (args != NULL, FALSE);

  return set_args (self, worker, WEFT_ARGS_SLOT_INSTANT, time_ns, args, len);
}

/**
 * weft_trace_model_get_instant_args:
 * @out_len: (out): the length of the args
 *
 * Returns: (transfer none) (nullable): as weft_trace_model_get_span_args(),
 *   for the instants of @worker at @time_ns
 */
const char *
weft_trace_model_get_instant_args (WeftTraceModel *self,
                                   guint           worker,
                                   guint64         time_ns,
                                   gsize          *out_len)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);
  g_return_val_if_fail (out_len != NULL, NULL);

  return get_args (self, worker, WEFT_ARGS_SLOT_INSTANT, time_ns, out_len);
}

/* Returns: how many spans and instants have args */
guint
weft_trace_model_get_n_args (WeftTraceModel *self)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), 0);

  return _weft_args_table_get_n (self->args);
}

/**
 * _weft_trace_model_get_journal_length:
 * @self: a #WeftTraceModel
 * @out_len: (out): the length in bytes of the journal: every change made to
 *   @self so far, encoded (see weft-trace-journal-private.h)
 *
 * Returns: %FALSE if the journal outgrew its limit and is incomplete
 */
gboolean
_weft_trace_model_get_journal_length (WeftTraceModel *self,
                                      guint64        *out_len)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), FALSE);

  return _weft_trace_journal_get_length (self->journal, out_len);
}

/* Copies part of the journal (see _weft_trace_journal_read()). */
gboolean
_weft_trace_model_read_journal (WeftTraceModel *self,
                                guint64         offset,
                                guint8         *buf,
                                gsize           len,
                                GError        **error)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), FALSE);

  return _weft_trace_journal_read (self->journal, offset, buf, len, error);
}

/**
 * _weft_trace_model_dup_journal:
 *
 * Returns: (transfer full) (nullable): a copy of the whole journal, or
 *   %NULL if it is incomplete
 */
GBytes *
_weft_trace_model_dup_journal (WeftTraceModel *self)
{
  GError *error = NULL;
  guint64 len;
  guint8 *data;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);

  if (!_weft_trace_journal_get_length (self->journal, &len))
    return NULL;
  data = g_malloc (MAX (len, 1));
  if (!_weft_trace_journal_read (self->journal, 0, data, len, &error))
    {
      g_critical ("%s", error->message);
      g_error_free (error);
      g_free (data);
      return NULL;
    }
  return g_bytes_new_take (data, len);
}

/* For tests: spill the journal to disk once @n_bytes are in memory (0: never). */
void
_weft_trace_model_set_journal_spill (WeftTraceModel *self,
                                     gsize           n_bytes)
{
  g_return_if_fail (WEFT_IS_TRACE_MODEL (self));

  _weft_trace_journal_set_spill (self->journal, n_bytes);
}

/* For tests: how much of the journal is on disk */
guint64
_weft_trace_model_get_journal_spilled (WeftTraceModel *self)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), 0);

  return _weft_trace_journal_get_spilled (self->journal);
}

/* For tests: a journal limit lower than about 4 GiB. */
void
_weft_trace_model_set_journal_limit (WeftTraceModel *self,
                                     guint           limit)
{
  g_return_if_fail (WEFT_IS_TRACE_MODEL (self));

  _weft_trace_journal_set_limit (self->journal, limit);
}
