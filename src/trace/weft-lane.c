/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-lane.h"

/*
 * Storage: one row per nesting depth. A span is written to its row when it
 * closes; a row is free again only once its span closed, so spans in a row are
 * disjoint and appended in start order (and so in end order too). Rows are
 * chunked (no big realloc, bounded slack) and hold a packed 20-byte record.
 */

#define CHUNK_SHIFT 12
#define CHUNK_SIZE  (1u << CHUNK_SHIFT)
#define CHUNK_MASK  (CHUNK_SIZE - 1)
#define FIRST_CHUNK_CAP 64
#define MAX_DURATION G_GUINT64_CONSTANT (0xffffffffffff) /* 48 bits: 78 hours */

typedef struct
{
  guint32 start_lo;
  guint32 start_hi;
  guint32 dur_lo;
  guint32 object;
  guint16 dur_hi;
  guint8  state;
  guint8  flags;
} SpanRecord;

G_STATIC_ASSERT (sizeof (SpanRecord) == 20);

typedef struct
{
  SpanRecord **chunks;
  guint        n_chunks;
  guint        chunks_alloc;
  guint        n;          /* spans in the row */
  guint        last_used;  /* spans in the last chunk */
  guint        last_cap;   /* capacity of the last chunk */
} SpanRow;

typedef struct
{
  guint64 start_ns;
  guint32 object;
  guint8  state;           /* WEFT_STATE_IDLE = free slot */
  guint8  flags;
  guint16 reserved;
} OpenSlot;

struct _WeftLane
{
  guint16          worker;
  WeftExecutorKind executor;
  gint64           pid;
  GString         *name;         /* NULL until named: raw bytes as received */
  char            *name_valid;   /* UTF-8 cache of @name, or of the default */

  guint64          last_time;

  SpanRow         *rows;
  guint            n_rows;
  OpenSlot        *slots;        /* indexed by depth */
  guint            slots_alloc;
  guint            top;          /* 1 + deepest occupied slot, 0 if none */
  guint            n_open;

  /* Breakdown: time is added to acc[cur_state] whenever cur_state changes */
  WeftState        cur_state;
  guint64          cur_since;
  guint64          acc[WEFT_N_STATES];

  guint64          tasks_completed;
  guint64          tasks_failed;
  guint64          tasks_cancelled;
  guint64          task_work_ns;
  guint64          n_spans;
  guint64          n_unmatched;

  GArray          *instants;     /* WeftInstant, sorted (lane time only grows) */
};

/* ---- WeftState ------------------------------------------------------------ */

static const struct
{
  const char *nick;
  const char *label;
} state_names[WEFT_N_STATES] = {
  [WEFT_STATE_IDLE]      = { "idle", "Idle" },
  [WEFT_STATE_RUNNING]   = { "running", "Running" },
  [WEFT_STATE_LOCK_WAIT] = { "lock-wait", "Waiting for a lock" },
  [WEFT_STATE_LOCK_HELD] = { "lock-held", "Holding a lock" },
  [WEFT_STATE_GIL_WAIT]  = { "gil-wait", "Waiting for the GIL" },
  [WEFT_STATE_GIL_HELD]  = { "gil-held", "Holding the GIL" },
  [WEFT_STATE_QUEUE_PUT] = { "queue-put", "Blocked on a queue put" },
  [WEFT_STATE_QUEUE_GET] = { "queue-get", "Blocked on a queue get" },
  [WEFT_STATE_IO]        = { "io", "I/O" },
  [WEFT_STATE_STARTING]  = { "starting", "Starting" },
};

/**
 * weft_state_to_string:
 * @state: a #WeftState
 *
 * Returns: (transfer none): a human-readable label ("Waiting for a lock"),
 *   or "Unknown" for a value out of range
 */
const char *
weft_state_to_string (WeftState state)
{
  if ((guint) state >= WEFT_N_STATES)
    return "Unknown";
  return state_names[state].label;
}

/**
 * weft_state_to_nick:
 * @state: a #WeftState
 *
 * Returns: (transfer none): a stable machine name ("lock-wait") for exports,
 *   or "unknown" for a value out of range
 */
const char *
weft_state_to_nick (WeftState state)
{
  if ((guint) state >= WEFT_N_STATES)
    return "unknown";
  return state_names[state].nick;
}

/**
 * weft_state_from_nick:
 * @nick: a name returned by weft_state_to_nick()
 * @out_state: (out): the state
 *
 * Returns: %TRUE if @nick names a state
 */
gboolean
weft_state_from_nick (const char *nick,
                      WeftState  *out_state)
{
  g_return_val_if_fail (nick != NULL, FALSE);
  g_return_val_if_fail (out_state != NULL, FALSE);

  for (guint i = 0; i < WEFT_N_STATES; i++)
    {
      if (strcmp (nick, state_names[i].nick) == 0)
        {
          *out_state = (WeftState) i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Executing code: what the parallelism track counts. Waiting for a lock, the
 * GIL or a queue, being in I/O, starting up and idling don't count. */
gboolean
_weft_state_is_active (WeftState state)
{
  return state == WEFT_STATE_RUNNING ||
         state == WEFT_STATE_LOCK_HELD ||
         state == WEFT_STATE_GIL_HELD;
}

/* ---- rows ----------------------------------------------------------------- */

static inline guint64
record_start (const SpanRecord *rec)
{
  return ((guint64) rec->start_hi << 32) | rec->start_lo;
}

static inline guint64
record_end (const SpanRecord *rec)
{
  return record_start (rec) + (((guint64) rec->dur_hi << 32) | rec->dur_lo);
}

static inline const SpanRecord *
row_get (const SpanRow *row,
         guint          i)
{
  return &row->chunks[i >> CHUNK_SHIFT][i & CHUNK_MASK];
}

static void
row_grow (SpanRow *row)
{
  if (row->n_chunks == 0 || row->last_cap == CHUNK_SIZE)
    {
      if (row->n_chunks == row->chunks_alloc)
        {
          row->chunks_alloc = MAX (4, row->chunks_alloc * 2);
          row->chunks = g_renew (SpanRecord *, row->chunks, row->chunks_alloc);
        }
      row->last_cap = FIRST_CHUNK_CAP;
      row->last_used = 0;
      row->chunks[row->n_chunks++] = g_new (SpanRecord, row->last_cap);
    }
  else
    {
      /* Grow the last chunk geometrically up to CHUNK_SIZE: small lanes stay
       * small, and the slack is at most half a chunk per row. */
      row->last_cap *= 2;
      row->chunks[row->n_chunks - 1] = g_renew (SpanRecord, row->chunks[row->n_chunks - 1], row->last_cap);
    }
}

static inline void
row_push (SpanRow          *row,
          const SpanRecord *rec)
{
  if (G_UNLIKELY (row->last_used == row->last_cap))
    row_grow (row);
  row->chunks[row->n_chunks - 1][row->last_used++] = *rec;
  row->n++;
}

static void
row_clear (SpanRow *row)
{
  for (guint i = 0; i < row->n_chunks; i++)
    g_free (row->chunks[i]);
  g_free (row->chunks);
  memset (row, 0, sizeof *row);
}

static gsize
row_bytes (const SpanRow *row)
{
  if (row->n_chunks == 0)
    return 0;
  return (gsize) (row->n_chunks - 1) * CHUNK_SIZE * sizeof (SpanRecord) +
         (gsize) row->last_cap * sizeof (SpanRecord) +
         (gsize) row->chunks_alloc * sizeof (SpanRecord *);
}

static SpanRow *
lane_row (WeftLane *lane,
          guint     depth)
{
  if (G_UNLIKELY (depth >= lane->n_rows))
    {
      guint n = MAX (depth + 1, lane->n_rows * 2);

      n = MIN (MAX (n, 4), WEFT_LANE_MAX_DEPTH);
      lane->rows = g_renew (SpanRow, lane->rows, n);
      memset (lane->rows + lane->n_rows, 0, (n - lane->n_rows) * sizeof (SpanRow));
      lane->n_rows = n;
    }
  return &lane->rows[depth];
}

static void
record_to_span (const SpanRecord *rec,
                guint             depth,
                WeftSpan         *out)
{
  out->start_ns = record_start (rec);
  out->end_ns = record_end (rec);
  out->object = rec->object;
  out->state = rec->state;
  out->depth = (guint8) depth;
  out->flags = rec->flags;
}

/* ---- life cycle ----------------------------------------------------------- */

WeftLane *
_weft_lane_new (guint16 worker)
{
  WeftLane *lane = g_new0 (WeftLane, 1);

  lane->worker = worker;
  lane->instants = g_array_new (FALSE, FALSE, sizeof (WeftInstant));
  return lane;
}

void
_weft_lane_free (WeftLane *lane)
{
  if (lane == NULL)
    return;

  for (guint i = 0; i < lane->n_rows; i++)
    row_clear (&lane->rows[i]);
  g_free (lane->rows);
  g_free (lane->slots);
  if (lane->name != NULL)
    g_string_free (lane->name, TRUE);
  g_free (lane->name_valid);
  g_array_unref (lane->instants);
  g_free (lane);
}

/* ---- description ---------------------------------------------------------- */

void
_weft_lane_set_name (WeftLane   *lane,
                     const char *name)
{
  if (lane->name == NULL)
    lane->name = g_string_new (name);
  else
    g_string_assign (lane->name, name);
  g_clear_pointer (&lane->name_valid, g_free);
}

void
_weft_lane_append_name (WeftLane   *lane,
                        const char *bytes,
                        gsize       len)
{
  if (lane->name == NULL)
    lane->name = g_string_new (NULL);
  g_string_append_len (lane->name, bytes, len);
  g_clear_pointer (&lane->name_valid, g_free);
}

void
_weft_lane_set_executor (WeftLane        *lane,
                         WeftExecutorKind executor,
                         gint64           pid)
{
  lane->executor = executor;
  lane->pid = pid;
}

/* ---- events --------------------------------------------------------------- */

guint64
_weft_lane_touch (WeftLane *lane,
                  guint64   t)
{
  /* The collector guarantees non-decreasing time per worker; should that ever
   * fail, clamp rather than produce negative durations. */
  if (G_UNLIKELY (t < lane->last_time))
    return lane->last_time;
  lane->last_time = t;
  return t;
}

static inline void
lane_set_state (WeftLane *lane,
                guint64   t,
                WeftState state,
                int      *active_delta)
{
  if (state == lane->cur_state)
    return;
  lane->acc[lane->cur_state] += t - lane->cur_since;
  lane->cur_since = t;
  *active_delta += _weft_state_is_active (state) - _weft_state_is_active (lane->cur_state);
  lane->cur_state = state;
}

int
_weft_lane_open (WeftLane *lane,
                 guint64   t,
                 WeftState state,
                 guint32   object,
                 guint     flags,
                 int      *active_delta)
{
  guint d;
  OpenSlot *slot;

  /* The lowest free row: in properly nested streams that is the top of the
   * stack; after an out-of-order release it reuses the freed row, which keeps
   * hand-over-hand locking from drifting ever deeper. */
  if (G_LIKELY (lane->n_open == lane->top))
    d = lane->top;
  else
    for (d = 0; lane->slots[d].state != WEFT_STATE_IDLE; d++)
      ;

  if (G_UNLIKELY (d >= WEFT_LANE_MAX_DEPTH))
    return -1;

  if (G_UNLIKELY (d >= lane->slots_alloc))
    {
      guint n = MIN (MAX (8, lane->slots_alloc * 2), WEFT_LANE_MAX_DEPTH);

      lane->slots = g_renew (OpenSlot, lane->slots, n);
      memset (lane->slots + lane->slots_alloc, 0, (n - lane->slots_alloc) * sizeof (OpenSlot));
      lane->slots_alloc = n;
    }

  slot = &lane->slots[d];
  slot->start_ns = t;
  slot->object = object;
  slot->state = (guint8) state;
  slot->flags = (guint8) flags;
  lane->n_open++;

  if (d >= lane->top)
    {
      lane->top = d + 1;
      lane_set_state (lane, t, state, active_delta);
    }

  return (int) d;
}

static void
lane_close_slot (WeftLane *lane,
                 guint     d,
                 guint64   t,
                 guint     flags,
                 WeftSpan *closed,
                 int      *active_delta)
{
  OpenSlot *slot = &lane->slots[d];
  guint64 dur = t - slot->start_ns;
  SpanRecord rec;

  if (G_UNLIKELY (dur > MAX_DURATION))
    dur = MAX_DURATION;

  rec.start_lo = (guint32) slot->start_ns;
  rec.start_hi = (guint32) (slot->start_ns >> 32);
  rec.dur_lo = (guint32) dur;
  rec.dur_hi = (guint16) (dur >> 32);
  rec.object = slot->object;
  rec.state = slot->state;
  rec.flags = (guint8) (slot->flags | flags);
  row_push (lane_row (lane, d), &rec);

  closed->start_ns = slot->start_ns;
  closed->end_ns = slot->start_ns + dur;
  closed->object = slot->object;
  closed->state = slot->state;
  closed->depth = (guint8) d;
  closed->flags = rec.flags;

  slot->state = WEFT_STATE_IDLE;
  lane->n_open--;
  lane->n_spans++;

  if (d + 1 == lane->top)
    {
      while (lane->top > 0 && lane->slots[lane->top - 1].state == WEFT_STATE_IDLE)
        lane->top--;
      lane_set_state (lane, t,
                      lane->top > 0 ? (WeftState) lane->slots[lane->top - 1].state : WEFT_STATE_IDLE,
                      active_delta);
    }
}

gboolean
_weft_lane_close (WeftLane *lane,
                  guint64   t,
                  WeftState state,
                  guint32   object,
                  guint     flags,
                  WeftSpan *closed,
                  int      *active_delta)
{
  /* Innermost first: the deepest open span of the same kind and object. */
  for (guint d = lane->top; d-- > 0;)
    {
      const OpenSlot *slot = &lane->slots[d];

      if (slot->state == state && slot->object == object)
        {
          lane_close_slot (lane, d, t, flags, closed, active_delta);
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
_weft_lane_close_deepest (WeftLane *lane,
                          guint64   t,
                          WeftSpan *closed,
                          int      *active_delta)
{
  if (lane->top == 0)
    return FALSE;
  lane_close_slot (lane, lane->top - 1, MAX (t, lane->slots[lane->top - 1].start_ns),
                   WEFT_SPAN_TRUNCATED, closed, active_delta);
  return TRUE;
}

void
_weft_lane_add_instant (WeftLane        *lane,
                        const WeftEvent *event)
{
  WeftInstant instant = {
    .time_ns = MAX (event->time_ns, lane->last_time),
    .arg0 = event->arg0,
    .arg1 = event->arg1,
    .object = event->object,
  };

  g_array_append_val (lane->instants, instant);
}

void
_weft_lane_count_task (WeftLane      *lane,
                       WeftTaskStatus status,
                       gint64         work_ns)
{
  if (work_ns > 0)
    lane->task_work_ns += (guint64) work_ns;

  switch (status)
    {
    case WEFT_TASK_FAILED:
      lane->tasks_failed++;
      break;
    case WEFT_TASK_CANCELLED:
      lane->tasks_cancelled++;
      break;
    case WEFT_TASK_SUSPENDED:
      /* one stretch of a coroutine; its last stretch counts the task */
      break;
    case WEFT_TASK_OK:
    default:
      lane->tasks_completed++;
      break;
    }
}

void
_weft_lane_count_unmatched (WeftLane *lane)
{
  lane->n_unmatched++;
}

void
_weft_lane_get_stats (WeftLane      *lane,
                      guint64        run_wall,
                      guint64        run_last,
                      WeftLaneStats *stats)
{
  guint64 busy = 0;

  memset (stats, 0, sizeof *stats);
  for (guint i = WEFT_STATE_IDLE + 1; i < WEFT_N_STATES; i++)
    stats->state_ns[i] = lane->acc[i];
  /* The state in progress counts up to the run's last event. */
  if (lane->cur_state != WEFT_STATE_IDLE && run_last > lane->cur_since)
    stats->state_ns[lane->cur_state] += run_last - lane->cur_since;
  for (guint i = WEFT_STATE_IDLE + 1; i < WEFT_N_STATES; i++)
    busy += stats->state_ns[i];
  stats->state_ns[WEFT_STATE_IDLE] = run_wall > busy ? run_wall - busy : 0;

  stats->tasks_completed = lane->tasks_completed;
  stats->tasks_failed = lane->tasks_failed;
  stats->tasks_cancelled = lane->tasks_cancelled;
  stats->task_work_ns = lane->task_work_ns;
  stats->n_spans = lane->n_spans;
  stats->n_unmatched = lane->n_unmatched;
}

/* ---- public accessors ----------------------------------------------------- */

/**
 * weft_lane_get_worker:
 * @lane: a #WeftLane
 *
 * Returns: the worker id of the lane
 */
guint16
weft_lane_get_worker (WeftLane *lane)
{
  g_return_val_if_fail (lane != NULL, 0);

  return lane->worker;
}

/**
 * weft_lane_get_name:
 * @lane: a #WeftLane
 *
 * The name set by NAME events or by the engine, made valid UTF-8, or
 * "worker N" for an unnamed lane.
 *
 * Returns: (transfer none): the name, valid until the lane is renamed
 */
const char *
weft_lane_get_name (WeftLane *lane)
{
  g_return_val_if_fail (lane != NULL, NULL);

  if (lane->name_valid == NULL)
    {
      if (lane->name == NULL || lane->name->len == 0)
        lane->name_valid = g_strdup_printf ("worker %u", lane->worker);
      else
        lane->name_valid = g_utf8_make_valid (lane->name->str, lane->name->len);
    }
  return lane->name_valid;
}

/**
 * weft_lane_get_executor:
 * @lane: a #WeftLane
 *
 * Returns: the executor given by WORKER_INFO, or %WEFT_EXECUTOR_NONE
 */
WeftExecutorKind
weft_lane_get_executor (WeftLane *lane)
{
  g_return_val_if_fail (lane != NULL, WEFT_EXECUTOR_NONE);

  return lane->executor;
}

/**
 * weft_lane_get_pid:
 * @lane: a #WeftLane
 *
 * Returns: the OS process id given by WORKER_INFO, or 0
 */
gint64
weft_lane_get_pid (WeftLane *lane)
{
  g_return_val_if_fail (lane != NULL, 0);

  return lane->pid;
}

/**
 * weft_lane_get_last_time:
 * @lane: a #WeftLane
 *
 * Returns: the time of the lane's latest event (any kind), or 0
 */
guint64
weft_lane_get_last_time (WeftLane *lane)
{
  g_return_val_if_fail (lane != NULL, 0);

  return lane->last_time;
}

/**
 * weft_lane_get_n_depths:
 * @lane: a #WeftLane
 *
 * Returns: the number of rows a view needs: depths that hold closed spans or
 *   open ones
 */
guint
weft_lane_get_n_depths (WeftLane *lane)
{
  guint n = 0;

  g_return_val_if_fail (lane != NULL, 0);

  for (guint i = 0; i < lane->n_rows; i++)
    if (lane->rows[i].n > 0)
      n = i + 1;
  return MAX (n, lane->top);
}

/**
 * weft_lane_get_n_spans:
 * @lane: a #WeftLane
 * @depth: a row
 *
 * Returns: the closed spans stored at @depth
 */
guint
weft_lane_get_n_spans (WeftLane *lane,
                       guint     depth)
{
  g_return_val_if_fail (lane != NULL, 0);

  return depth < lane->n_rows ? lane->rows[depth].n : 0;
}

/**
 * weft_lane_get_total_spans:
 * @lane: a #WeftLane
 *
 * Returns: the closed spans stored at all depths
 */
guint64
weft_lane_get_total_spans (WeftLane *lane)
{
  g_return_val_if_fail (lane != NULL, 0);

  return lane->n_spans;
}

/**
 * weft_lane_get_span:
 * @lane: a #WeftLane
 * @depth: a row
 * @index: index in the row, in start order
 * @out_span: (out caller-allocates): the span
 *
 * Returns: %TRUE if the span exists
 */
gboolean
weft_lane_get_span (WeftLane *lane,
                    guint     depth,
                    guint     index,
                    WeftSpan *out_span)
{
  g_return_val_if_fail (lane != NULL, FALSE);
  g_return_val_if_fail (out_span != NULL, FALSE);

  if (depth >= lane->n_rows || index >= lane->rows[depth].n)
    return FALSE;
  record_to_span (row_get (&lane->rows[depth], index), depth, out_span);
  return TRUE;
}

/* First index in @row whose span overlaps [t0, ∞): it ends after t0, or it
 * is an empty span exactly at t0. Monotone because ends are sorted. */
static guint
row_first_ending_after (const SpanRow *row,
                        guint64        t0)
{
  guint lo = 0, hi = row->n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const SpanRecord *rec = row_get (row, mid);
      guint64 end = record_end (rec);

      if (end > t0 || (end == t0 && record_start (rec) == t0))
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

static guint
row_first_starting_at (const SpanRow *row,
                       guint64        t1)
{
  guint lo = 0, hi = row->n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (record_start (row_get (row, mid)) >= t1)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

/**
 * weft_lane_lookup_range:
 * @lane: a #WeftLane
 * @depth: a row
 * @t0: start of the window, absolute ns
 * @t1: end of the window (excluded)
 * @out_first: (out): index of the first span overlapping [@t0, @t1)
 * @out_n: (out): number of consecutive spans overlapping it
 *
 * Binary search of the closed spans at @depth that overlap [@t0, @t1): a span
 * [s, e] overlaps when s < t1 and (e > t0, or s == e == t0). O(log n).
 */
void
weft_lane_lookup_range (WeftLane *lane,
                        guint     depth,
                        guint64   t0,
                        guint64   t1,
                        guint    *out_first,
                        guint    *out_n)
{
  guint first = 0, last = 0;

  g_return_if_fail (lane != NULL);
  g_return_if_fail (out_first != NULL);
  g_return_if_fail (out_n != NULL);

  if (depth < lane->n_rows && t1 > t0)
    {
      const SpanRow *row = &lane->rows[depth];

      first = row_first_ending_after (row, t0);
      last = row_first_starting_at (row, t1);
    }
  *out_first = first;
  *out_n = last > first ? last - first : 0;
}

/**
 * weft_lane_get_n_open_spans:
 * @lane: a #WeftLane
 *
 * Returns: the spans currently open on the lane
 */
guint
weft_lane_get_n_open_spans (WeftLane *lane)
{
  g_return_val_if_fail (lane != NULL, 0);

  return lane->n_open;
}

/**
 * weft_lane_get_open_spans:
 * @lane: a #WeftLane
 * @out_spans: (out caller-allocates) (array length=max_spans): spans to fill
 * @max_spans: room in @out_spans
 *
 * Fills @out_spans with the open spans, outermost first, so that a live view
 * can draw them up to "now". Each has %WEFT_SPAN_OPEN in its flags and its
 * end_ns set to the lane's latest event time (a view may draw further).
 *
 * Returns: the number of spans written (at most @max_spans)
 */
guint
weft_lane_get_open_spans (WeftLane *lane,
                          WeftSpan *out_spans,
                          guint     max_spans)
{
  guint n = 0;

  g_return_val_if_fail (lane != NULL, 0);
  g_return_val_if_fail (out_spans != NULL || max_spans == 0, 0);

  for (guint d = 0; d < lane->top && n < max_spans; d++)
    {
      const OpenSlot *slot = &lane->slots[d];

      if (slot->state == WEFT_STATE_IDLE)
        continue;
      out_spans[n].start_ns = slot->start_ns;
      out_spans[n].end_ns = MAX (lane->last_time, slot->start_ns);
      out_spans[n].object = slot->object;
      out_spans[n].state = slot->state;
      out_spans[n].depth = (guint8) d;
      out_spans[n].flags = slot->flags | WEFT_SPAN_OPEN;
      n++;
    }
  return n;
}

/**
 * weft_lane_get_current_state:
 * @lane: a #WeftLane
 *
 * Returns: the state of the deepest open span, or %WEFT_STATE_IDLE
 */
WeftState
weft_lane_get_current_state (WeftLane *lane)
{
  g_return_val_if_fail (lane != NULL, WEFT_STATE_IDLE);

  return lane->cur_state;
}

/**
 * weft_lane_get_instants:
 * @lane: a #WeftLane
 * @out_n: (out): number of instants
 *
 * Returns: (transfer none) (array length=out_n): the lane's instants in time
 *   order; valid until the next append to the model
 */
const WeftInstant *
weft_lane_get_instants (WeftLane *lane,
                        guint    *out_n)
{
  g_return_val_if_fail (lane != NULL, NULL);
  g_return_val_if_fail (out_n != NULL, NULL);

  *out_n = lane->instants->len;
  return (const WeftInstant *) (gpointer) lane->instants->data;
}

static guint
instants_lower_bound (GArray  *instants,
                      guint64  t)
{
  guint lo = 0, hi = instants->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (instants, WeftInstant, mid).time_ns >= t)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

/**
 * weft_lane_lookup_instants:
 * @lane: a #WeftLane
 * @t0: start of the window
 * @t1: end of the window (excluded)
 * @out_first: (out): index of the first instant in [@t0, @t1)
 * @out_n: (out): number of instants in [@t0, @t1)
 */
void
weft_lane_lookup_instants (WeftLane *lane,
                           guint64   t0,
                           guint64   t1,
                           guint    *out_first,
                           guint    *out_n)
{
  guint first, last;

  g_return_if_fail (lane != NULL);
  g_return_if_fail (out_first != NULL);
  g_return_if_fail (out_n != NULL);

  first = instants_lower_bound (lane->instants, t0);
  last = t1 > t0 ? instants_lower_bound (lane->instants, t1) : first;
  *out_first = first;
  *out_n = last > first ? last - first : 0;
}

/**
 * weft_lane_get_span_bytes:
 * @lane: a #WeftLane
 *
 * Returns: bytes allocated for the lane's closed-span storage (chunk
 *   capacity and chunk tables, not just what is used)
 */
gsize
weft_lane_get_span_bytes (WeftLane *lane)
{
  gsize bytes;

  g_return_val_if_fail (lane != NULL, 0);

  bytes = (gsize) lane->n_rows * sizeof (SpanRow);
  for (guint i = 0; i < lane->n_rows; i++)
    bytes += row_bytes (&lane->rows[i]);
  return bytes;
}
