/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * WeftTraceModel, the questions: objects, statistics, counter tracks, the
 * parallelism and flows, read from what weft-trace-model.c built.
 */

#include "config.h"

#include "weft-trace-model-internal.h"

/**
 * weft_trace_model_get_object_kind:
 * @self: a #WeftTraceModel
 * @object: object id
 *
 * Returns: the kind declared by OBJECT_NEW or implied by the events that used
 *   the object, or 0 if the object is unknown
 */
WeftObjectKind
weft_trace_model_get_object_kind (WeftTraceModel *self,
                                  guint32         object)
{
  WeftObject *obj;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), 0);

  obj = _weft_trace_model_object_lookup (self, object);
  return obj ? obj->kind : 0;
}

/**
 * weft_trace_model_lock_waits_only:
 * @self: a #WeftTraceModel
 * @object: a lock's id
 *
 * Whether only the lock's waits (and the holds after them) are known: a
 * recorded program's lock records nothing when taken without a wait, unless
 * the program named it (%WEFT_LOCK_RECORDED_IN_FULL). Its acquisitions, their
 * contended share and its hold time then cannot be given.
 *
 * Returns: %TRUE if @object is such a lock
 */
gboolean
weft_trace_model_lock_waits_only (WeftTraceModel *self,
                                  guint32         object)
{
  WeftObject *obj;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), FALSE);

  obj = _weft_trace_model_object_lookup (self, object);
  return obj != NULL && obj->kind == WEFT_OBJECT_LOCK && obj->initial != WEFT_LOCK_RECORDED_IN_FULL &&
         weft_trace_model_is_recording (self);
}

/**
 * weft_trace_model_get_object_initial:
 * @self: a #WeftTraceModel
 * @object: object id
 *
 * Returns: the capacity or initial value given by OBJECT_NEW, or 0
 */
gint64
weft_trace_model_get_object_initial (WeftTraceModel *self,
                                     guint32         object)
{
  WeftObject *obj;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), 0);

  obj = _weft_trace_model_object_lookup (self, object);
  return obj ? obj->initial : 0;
}

static int
compare_guint32 (const void *a,
                 const void *b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : (x > y);
}

/**
 * weft_trace_model_list_objects:
 * @self: a #WeftTraceModel
 * @kind: a kind, or 0 for all objects
 * @out_n: (out): number of ids returned
 *
 * Returns: (transfer full) (array length=out_n): the object ids, sorted; free
 *   with g_free()
 */
guint32 *
weft_trace_model_list_objects (WeftTraceModel *self,
                               WeftObjectKind  kind,
                               guint          *out_n)
{
  GHashTableIter iter;
  gpointer value;
  guint32 *ids;
  guint n = 0;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);
  g_return_val_if_fail (out_n != NULL, NULL);

  ids = g_new (guint32, g_hash_table_size (self->objects) + 1);
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      WeftObject *obj = value;

      if (kind == 0 || obj->kind == kind)
        ids[n++] = obj->id;
    }
  qsort (ids, n, sizeof (guint32), compare_guint32);
  *out_n = n;
  return ids;
}

/**
 * weft_trace_model_get_run_stats:
 * @self: a #WeftTraceModel
 * @out_stats: (out caller-allocates): the run's statistics
 */
void
weft_trace_model_get_run_stats (WeftTraceModel *self,
                                WeftRunStats   *out_stats)
{
  g_return_if_fail (WEFT_IS_TRACE_MODEL (self));
  g_return_if_fail (out_stats != NULL);

  memset (out_stats, 0, sizeof *out_stats);
  if (self->first_ns <= self->last_ns)
    {
      out_stats->first_ns = self->first_ns;
      out_stats->last_ns = self->last_ns;
      out_stats->wall_ns = self->last_ns - self->first_ns;
    }
  out_stats->n_events = self->n_events;
  out_stats->n_spans = self->n_spans;
  out_stats->n_unmatched = self->n_unmatched;
  out_stats->n_dropped = self->n_dropped;
  out_stats->n_lanes = self->lanes->len;
}

/**
 * weft_trace_model_get_lane_stats:
 * @self: a #WeftTraceModel
 * @worker: a worker id
 * @out_stats: (out caller-allocates): the lane's statistics
 *
 * The per-state breakdown sums exactly to the run's wall time (see
 * #WeftLaneStats). O(number of states).
 *
 * Returns: %FALSE if the worker has no lane
 */
gboolean
weft_trace_model_get_lane_stats (WeftTraceModel *self,
                                 guint           worker,
                                 WeftLaneStats  *out_stats)
{
  WeftLane *lane;
  WeftRunStats run;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), FALSE);
  g_return_val_if_fail (out_stats != NULL, FALSE);

  lane = weft_trace_model_lookup_lane (self, worker);
  if (lane == NULL)
    return FALSE;
  weft_trace_model_get_run_stats (self, &run);
  _weft_lane_get_stats (lane, run.wall_ns, run.last_ns, out_stats);
  return TRUE;
}

/**
 * weft_trace_model_get_lock_stats:
 * @self: a #WeftTraceModel
 * @object: a lock or GIL id
 * @out_stats: (out caller-allocates): its statistics
 *
 * Returns: %FALSE if the object is unknown
 */
gboolean
weft_trace_model_get_lock_stats (WeftTraceModel *self,
                                 guint32         object,
                                 WeftLockStats  *out_stats)
{
  WeftObject *obj;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), FALSE);
  g_return_val_if_fail (out_stats != NULL, FALSE);

  obj = _weft_trace_model_object_lookup (self, object);
  if (obj == NULL)
    return FALSE;
  *out_stats = obj->lock;
  return TRUE;
}

/**
 * weft_trace_model_get_queue_stats:
 * @self: a #WeftTraceModel
 * @object: a queue id
 * @out_stats: (out caller-allocates): its statistics
 *
 * Returns: %FALSE if the object is unknown
 */
gboolean
weft_trace_model_get_queue_stats (WeftTraceModel *self,
                                  guint32         object,
                                  WeftQueueStats *out_stats)
{
  WeftObject *obj;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), FALSE);
  g_return_val_if_fail (out_stats != NULL, FALSE);

  obj = _weft_trace_model_object_lookup (self, object);
  if (obj == NULL)
    return FALSE;
  *out_stats = obj->queue;
  return TRUE;
}

/**
 * weft_trace_model_get_span_bytes:
 * @self: a #WeftTraceModel
 *
 * Returns: bytes allocated for closed-span storage over all lanes
 */
gsize
weft_trace_model_get_span_bytes (WeftTraceModel *self)
{
  gsize bytes = 0;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), 0);

  for (guint i = 0; i < self->lanes->len; i++)
    bytes += weft_lane_get_span_bytes (g_ptr_array_index (self->lanes, i));
  return bytes;
}

/**
 * weft_trace_model_get_counter:
 * @self: a #WeftTraceModel
 * @object: a counter or queue id
 *
 * A counter's values (COUNTER events, and the initial value of OBJECT_NEW),
 * or a queue's depth after each put and get.
 *
 * Returns: (transfer none) (nullable): the track, owned by @self; its
 *   points are in place until the next append (call this again after one);
 *   %NULL if the object has no track
 */
const WeftCounterTrack *
weft_trace_model_get_counter (WeftTraceModel *self,
                              guint32         object)
{
  WeftObject *obj;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);

  _weft_trace_model_settle (self);
  obj = _weft_trace_model_object_lookup (self, object);
  return obj != NULL ? obj->track : NULL;
}

/**
 * weft_trace_model_get_counter_peak:
 * @object: a counter or queue id
 *
 * The true peak of a counter's (or a queue depth's) step function in a
 * time range (weft_counter_track_get_peak()).
 *
 * Returns: the highest value in force during [@begin_ns, @end_ns), 0 if
 *   the object has no points
 */
gint64
weft_trace_model_get_counter_peak (WeftTraceModel *self,
                                   guint32         object,
                                   guint64         begin_ns,
                                   guint64         end_ns)
{
  WeftObject *obj;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), 0);

  _weft_trace_model_settle (self);
  obj = _weft_trace_model_object_lookup (self, object);
  return obj != NULL ? weft_counter_track_get_peak (obj->track, begin_ns, end_ns) : 0;
}

/**
 * weft_trace_model_get_parallelism_peak:
 *
 * Returns: the most lanes executing at once during [@begin_ns, @end_ns)
 *   (see weft_trace_model_get_counter_peak())
 */
gint64
weft_trace_model_get_parallelism_peak (WeftTraceModel *self,
                                       guint64         begin_ns,
                                       guint64         end_ns)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), 0);

  _weft_trace_model_settle (self);
  return weft_counter_track_get_peak (&self->parallelism, begin_ns, end_ns);
}

/**
 * weft_trace_model_get_parallelism:
 * @self: a #WeftTraceModel
 *
 * The number of lanes executing code over time: lanes whose current state
 * (the deepest open span) is RUNNING, LOCK_HELD or GIL_HELD. A lane waiting
 * for a lock, the GIL or a queue, in I/O, starting up or idle does not count,
 * even inside a task. A step function, 0 before the first point.
 *
 * Returns: (transfer none): the track, owned by @self; its points are in
 *   place until the next append (call this again after one)
 */
const WeftCounterTrack *
weft_trace_model_get_parallelism (WeftTraceModel *self)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);

  _weft_trace_model_settle (self);
  return &self->parallelism;
}

/**
 * weft_trace_model_is_recording:
 * @self: a #WeftTraceModel
 *
 * Whether the trace is a recorded program's (it has a lane of
 * %WEFT_EXECUTOR_EXTERNAL), which measures less than Weft's runs do
 * (docs/record.md):
 *
 * - its threads are running wherever no wait was recorded, on a core or
 *   not, ready or inside a system call that is not interposed: its
 *   parallelism track counts threads not waiting, and can exceed the cores;
 * - a lock taken without a wait records nothing: its acquisitions, the
 *   share of them that waited and its hold time are not known (the GIL's,
 *   followed at every take and drop, are).
 *
 * Returns: %TRUE if any lane is a recorded program's
 */
gboolean
weft_trace_model_is_recording (WeftTraceModel *self)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), FALSE);

  for (guint i = 0; i < weft_trace_model_get_n_lanes (self); i++)
    if (weft_lane_get_executor (weft_trace_model_get_lane (self, i)) == WEFT_EXECUTOR_EXTERNAL)
      return TRUE;
  return FALSE;
}

/**
 * weft_trace_model_get_flows:
 * @self: a #WeftTraceModel
 *
 * Returns: (transfer none): queue hand-offs and lock wake-ups, sorted by
 *   their receiving end, owned by @self; they change with its appends
 */
const WeftFlowList *
weft_trace_model_get_flows (WeftTraceModel *self)
{
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);

  return &self->flows;
}

/**
 * weft_trace_model_lookup_flows:
 * @self: a #WeftTraceModel
 * @t0: start of the window
 * @t1: end of the window (excluded)
 * @out_first: (out): index of the first candidate
 * @out_n: (out): number of candidates
 *
 * Every flow that overlaps [@t0, @t1) (to_ns >= t0 and from_ns < t1) is among
 * the candidates returned: those with to_ns in [t0, t1 + the longest flow).
 * The caller skips candidates with from_ns >= t1.
 */
void
weft_trace_model_lookup_flows (WeftTraceModel *self,
                               guint64         t0,
                               guint64         t1,
                               guint          *out_first,
                               guint          *out_n)
{
  guint first, last;
  guint64 end;

  g_return_if_fail (WEFT_IS_TRACE_MODEL (self));
  g_return_if_fail (out_first != NULL);
  g_return_if_fail (out_n != NULL);

  end = t1 > G_MAXUINT64 - self->max_flow_ns - 1 ? G_MAXUINT64 : t1 + self->max_flow_ns + 1;
  first = weft_flow_list_lower_bound (&self->flows, t0);
  last = t1 > t0 ? weft_flow_list_lower_bound (&self->flows, end) : first;
  *out_first = first;
  *out_n = last > first ? last - first : 0;
}


/* ---- a wait-for cycle ------------------------------------------------------ */

#define CYCLE_MAX_OPEN 64

/* The spans a lane has open, or after the finish the ones it cut off (the
 * last at their depth): into @out, at most @max */
static guint
unended_spans (WeftLane *lane,
               WeftSpan *out,
               guint     max)
{
  guint n = weft_lane_get_open_spans (lane, out, max);

  for (guint d = 0; d < weft_lane_get_n_depths (lane) && n < max; d++)
    {
      guint n_spans = weft_lane_get_n_spans (lane, d);

      if (n_spans > 0 && weft_lane_get_span (lane, d, n_spans - 1, &out[n]) &&
          (out[n].flags & WEFT_SPAN_TRUNCATED) != 0)
        n++;
    }
  return n;
}

/* Each lane's open lock wait (into @waits, worker → lock + 1: a thread waits
 * for one lock at a time) and the open holds (into @holders, lock → worker +
 * 1). Open spans need not nest (a GIL hold ends under a lock's), so a wait is
 * found at any depth. A lock waited for whose hold was not recorded (a
 * recorded mutex taken without a wait) is held by the lane its latest wait
 * named, if the recorder knew. */
static void
collect_waits (WeftTraceModel *self,
               GHashTable     *waits,
               GHashTable     *holders)
{
  WeftSpan open[CYCLE_MAX_OPEN];
  GHashTableIter iter;
  gpointer lock;

  for (guint i = 0; i < weft_trace_model_get_n_lanes (self); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (self, i);
      guint worker = weft_lane_get_worker (lane);
      guint n = unended_spans (lane, open, G_N_ELEMENTS (open));

      for (guint j = 0; j < n; j++)
        if (open[j].state == WEFT_STATE_LOCK_HELD)
          g_hash_table_insert (holders, GUINT_TO_POINTER (open[j].object + 1), GUINT_TO_POINTER (worker + 1));
        else if (open[j].state == WEFT_STATE_LOCK_WAIT)
          g_hash_table_insert (waits, GUINT_TO_POINTER (worker + 1), GUINT_TO_POINTER (open[j].object + 1));
    }

  g_hash_table_iter_init (&iter, waits);
  while (g_hash_table_iter_next (&iter, NULL, &lock))
    {
      WeftObject *obj = _weft_trace_model_object_lookup (self, GPOINTER_TO_UINT (lock) - 1);

      if (obj != NULL && obj->wait_holder != 0 && !g_hash_table_contains (holders, lock))
        g_hash_table_insert (holders, lock, GUINT_TO_POINTER ((guint) obj->wait_holder));
    }
}

/* The cycle that @worker's wait leads round, if it comes back to @worker */
static GArray *
follow_waits (GHashTable *waits,
              GHashTable *holders,
              guint       worker)
{
  g_autoptr(GArray) cycle = g_array_new (FALSE, FALSE, sizeof (WeftLockWait));
  guint w = worker;

  for (guint steps = 0; steps <= g_hash_table_size (waits); steps++)
    {
      guint lock = GPOINTER_TO_UINT (g_hash_table_lookup (waits, GUINT_TO_POINTER (w + 1)));
      guint holder = lock ? GPOINTER_TO_UINT (g_hash_table_lookup (holders, GUINT_TO_POINTER (lock))) : 0;
      WeftLockWait link = { (guint16) w, lock - 1 };

      if (holder == 0)
        return NULL;
      g_array_append_val (cycle, link);
      w = holder - 1;
      if (w == worker)
        return g_steal_pointer (&cycle);
    }
  return NULL;   /* a chain into a cycle that @worker is not in */
}

/**
 * weft_trace_model_find_lock_cycle:
 * @self: a #WeftTraceModel
 *
 * A cycle of lanes as the trace stands: each waits (an open lock wait) for a
 * lock whose hold is open on the next; in a finished trace, waits and holds
 * that the end cut off. Only holds that were recorded
 * count: a recorded program's lock is followed only if it was named
 * (%WEFT_LOCK_RECORDED_IN_FULL) or someone waited for it before. The cycle
 * begins at the lowest worker id in it, so that the same cycle is found the
 * same way each time.
 *
 * Returns: (transfer full) (nullable) (element-type WeftLockWait): the
 *   cycle, or %NULL if no lanes wait round one
 */
GArray *
weft_trace_model_find_lock_cycle (WeftTraceModel *self)
{
  g_autoptr(GHashTable) waits = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) holders = g_hash_table_new (NULL, NULL);
  GArray *best = NULL;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);

  _weft_trace_model_settle (self);
  collect_waits (self, waits, holders);
  g_hash_table_iter_init (&iter, waits);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint worker = GPOINTER_TO_UINT (key) - 1;
      GArray *cycle;

      if (best != NULL && worker >= g_array_index (best, WeftLockWait, 0).worker)
        continue;
      if ((cycle = follow_waits (waits, holders, worker)) == NULL)
        continue;
      g_clear_pointer (&best, g_array_unref);
      best = cycle;
    }
  return best;
}

/* weft_lane_get_name() names a lane without a name after its worker id; a
 * worker without a lane (a holder that recorded nothing) is named so too */
static const char *
lane_name_or_id (WeftTraceModel *self,
                 guint           worker,
                 char           *buf,
                 gsize           size)
{
  WeftLane *lane = weft_trace_model_lookup_lane (self, worker);

  if (lane != NULL)
    return weft_lane_get_name (lane);
  g_snprintf (buf, size, "worker %u", worker);
  return buf;
}

/**
 * weft_trace_model_describe_lock_cycle:
 * @cycle: (element-type WeftLockWait): from weft_trace_model_find_lock_cycle()
 *
 * Returns: (transfer full): the cycle in words, the lanes and locks by
 *   name: "A waits for lock_b, held by B; B waits for lock_a, held by A"
 */
char *
weft_trace_model_describe_lock_cycle (WeftTraceModel *self,
                                      GArray         *cycle)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (self), NULL);

  for (guint i = 0; cycle != NULL && i < cycle->len; i++)
    {
      const WeftLockWait *link = &g_array_index (cycle, WeftLockWait, i);
      const WeftLockWait *next = &g_array_index (cycle, WeftLockWait, (i + 1) % cycle->len);
      const char *lock = weft_trace_model_get_object_name (self, link->lock);
      char waiter[32], holder[32];

      g_string_append_printf (text, "%s%s waits for %s, held by %s", i ? "; " : "",
                              lane_name_or_id (self, link->worker, waiter, sizeof waiter),
                              lock != NULL ? lock : "?",
                              lane_name_or_id (self, next->worker, holder, sizeof holder));
    }
  return g_string_free (text, FALSE);
}
