/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "weft-lane-private.h"
#include "weft-search-private.h"

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

/*
 * Summaries: a pyramid per row, so that a zoomed-out view reads a few small
 * entries per pixel column instead of touching the spans themselves (the
 * first touch of each column's span, in hundreds of MB, was the cost).
 *
 * A level-0 node sums a block of LEAF_SIZE consecutive spans; a level-k node
 * sums FAN_OUT level-(k-1) nodes. Only complete nodes are stored, so they
 * never change once written; the node being filled at each level lives in
 * an exact accumulator (SumAcc) until it completes, and a query reads the
 * spans of the unfinished leaf directly. A node keeps its time extent, the
 * share of its weight taken by each state and a bound on its longest span
 * (so that a query knows whether every span in it is narrower than a
 * column). A span weighs its duration, or 1 ns when it has none.
 *
 * Nodes are 32 bytes per 16 spans at level 0, 4/3 of that over all levels:
 * about 2.7 bytes per 20-byte span. The leaf size bounds what a frame
 * reads: where a column holds fewer spans than a leaf, its spans are read
 * one by one, so a column costs at most about a leaf's worth of reads (16;
 * leaves of 32 spans cost 1.3 bytes less per span and twice the reads in
 * the worst case, 7.8 ms instead of about 4 ms for a 1920-pixel frame).
 */
#define LEAF_SHIFT 4
#define LEAF_SIZE  (1u << LEAF_SHIFT)
#define FAN_SHIFT  2
#define FAN_OUT    (1u << FAN_SHIFT)
/* IDLE is never stored, and a lost turn at a queue counts in merged
 * columns as that queue's wait (a node is 32 bytes with 13 shares) */
#define N_SHARES   (WEFT_N_STATES - 2)
#define MAX_CODE   255



G_STATIC_ASSERT (CHUNK_SIZE % LEAF_SIZE == 0);  /* a leaf never crosses a chunk */

/* A state's share in a summary node (see N_SHARES) */
static inline guint
share_of (guint state)
{
  return (state == WEFT_STATE_QUEUE_TURN ? WEFT_STATE_QUEUE_GET : state) - 1;
}

typedef struct
{
  guint32 start_lo;           /* first span's start */
  guint32 start_hi;
  float   extent;             /* last span's end - start, ns, rounded up */
  float   weight;             /* sum of the spans' weights, ns */
  guint8  share[N_SHARES];    /* state i+1's part of @weight, in 1/255 */
  guint8  max_code;           /* longest span <= 2^(max_code / 4) ns */
  guint16 mask;               /* bit i: share[i] > 0 */
} SumNode;

G_STATIC_ASSERT (sizeof (SumNode) == 32);

typedef struct
{
  guint64 start;
  guint64 end;
  guint64 max_dur;
  guint64 weight[N_SHARES];
  guint   n;                  /* spans (level 0) or children so far */
} SumAcc;

typedef struct
{
  SumNode *nodes;             /* complete nodes, in time order */
  guint    n;
  guint    alloc;
  SumAcc   acc;               /* the node being filled (level 0: read from the spans) */
} SumLevel;

typedef struct
{
  SpanRecord **chunks;
  guint        n_chunks;
  guint        chunks_alloc;
  guint        n;          /* spans in the row */
  guint        last_used;  /* spans in the last chunk */
  guint        last_cap;   /* capacity of the last chunk */
  SumLevel    *levels;     /* summaries, level 0 first; NULL until a leaf completes */
  guint        n_levels;
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
  guint            n_blocked;    /* open slots whose state blocks the thread */
  guint32          ready_queue;  /* the queue whose wait ended last, if nothing followed */
  guint64          ready_ns;

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
  [WEFT_STATE_CORE_WAIT] = { "core-wait", "Waiting for a core" },
  [WEFT_STATE_INTERPRETER_START] = { "interpreter-start", "Starting the interpreter" },
  [WEFT_STATE_DISPATCH]  = { "dispatch", "Dispatching a task" },
  [WEFT_STATE_PICKLING]  = { "pickling", "Pickling" },
  [WEFT_STATE_QUEUE_TURN] = { "queue-turn", "Lost its turn at a queue" },
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

/**
 * weft_state_is_on_cpu:
 *
 * Returns: %TRUE for the states that execute code (running, holding a lock
 *   or the GIL): what the parallelism track counts. Waiting for a lock,
 *   the GIL, a queue or a core does not count
 */
gboolean
weft_state_is_on_cpu (WeftState state)
{
  return state == WEFT_STATE_RUNNING ||
         state == WEFT_STATE_LOCK_HELD ||
         state == WEFT_STATE_GIL_HELD ||
         weft_state_is_charged_cost (state);
}

/**
 * weft_state_is_charged_cost:
 *
 * Returns: %TRUE for the costs Weft charges where it models CPython
 *   (starting the interpreter, dispatch, pickling): real CPU work in the
 *   worker, drawn and counted under their own names
 */
gboolean
weft_state_is_charged_cost (WeftState state)
{
  return state == WEFT_STATE_INTERPRETER_START ||
         state == WEFT_STATE_DISPATCH ||
         state == WEFT_STATE_PICKLING;
}

/**
 * weft_state_is_work:
 *
 * Returns: %TRUE for the states a serial run would also spend time in: on a
 *   CPU, or in I/O
 */
gboolean
weft_state_is_work (WeftState state)
{
  return weft_state_is_on_cpu (state) || state == WEFT_STATE_IO;
}

/**
 * weft_state_is_wait:
 *
 * Returns: %TRUE for the waits a comparison names as dominant: for a lock,
 *   the GIL, a queue's put or get, or a worker starting up
 */
gboolean
weft_state_is_wait (WeftState state)
{
  return (guint) state < WEFT_N_STATES && state != WEFT_STATE_IDLE && !weft_state_is_work (state);
}

/* Executing code: what the parallelism track counts. */
gboolean
_weft_state_is_active (WeftState state)
{
  return weft_state_is_on_cpu (state);
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

/* ---- summaries ------------------------------------------------------------ */

static inline guint64
record_dur (const SpanRecord *rec)
{
  return ((guint64) rec->dur_hi << 32) | rec->dur_lo;
}

static inline guint64
span_weight (guint64 dur)
{
  return dur > 0 ? dur : 1;
}

static inline guint64
node_start (const SumNode *node)
{
  return ((guint64) node->start_hi << 32) | node->start_lo;
}

/* The bound a max_code stands for: 2^(code / 4), computed the same way when
 * a block is stored and when it is queried (a power of two times one of
 * four constants, so both sides agree to the bit). */
static inline double
code_bound (int code)
{
  static const double quarter[4] = {
    1.0, 1.189207115002721, 1.4142135623730951, 1.6817928305074290,
  };

  return quarter[code & 3] * (double) (G_GUINT64_CONSTANT (1) << (code >> 2));
}

/* Smallest code whose bound is at least @d: a conservative bound in a byte */
static guint8
dur_to_code (guint64 d)
{
  int code;

  if (d <= 1)
    return 0;
  code = 4 * (63 - __builtin_clzll (d));   /* 2^floor(log2 d) <= d */
  while (code < MAX_CODE && code_bound (code) < (double) d)
    code++;
  return (guint8) code;
}

/* A float at least @v (extents bound the time a node may touch) */
static inline float
float_up (double v)
{
  float f = (float) v;

  return (double) f < v ? nextafterf (f, INFINITY) : f;
}

static void
level_store (SumLevel     *level,
             const SumAcc *acc)
{
  SumNode *node;
  guint64 total = 0;

  if (level->n == level->alloc)
    {
      /* +25 %: the slack counts in the lane's bytes */
      level->alloc = level->alloc + level->alloc / 4 + 16;
      level->nodes = g_renew (SumNode, level->nodes, level->alloc);
    }
  node = &level->nodes[level->n++];
  for (guint i = 0; i < N_SHARES; i++)
    total += acc->weight[i];
  node->start_lo = (guint32) acc->start;
  node->start_hi = (guint32) (acc->start >> 32);
  node->extent = float_up ((double) (acc->end - acc->start));
  node->weight = (float) total;
  node->mask = 0;
  memset (node->share, 0, sizeof node->share);
  if (total > 0)
    {
      double scale = 255.0 / (double) total;

      for (guint i = 0; i < N_SHARES; i++)
        if (acc->weight[i] > 0)
          {
            node->share[i] = (guint8) MIN ((double) acc->weight[i] * scale + 0.5, 255.0);
            if (node->share[i] > 0)
              node->mask |= 1u << i;
          }
    }
  node->max_code = dur_to_code (acc->max_dur);
}

static inline void
acc_merge (SumAcc       *into,
           const SumAcc *from)
{
  if (into->n == 0)
    into->start = from->start;
  into->end = MAX (into->end, from->end);
  into->max_dur = MAX (into->max_dur, from->max_dur);
  for (guint i = 0; i < N_SHARES; i++)
    into->weight[i] += from->weight[i];
  into->n++;
}

/* The row's last LEAF_SIZE spans complete a leaf: store it, and carry it
 * upwards. The leaf is summed from its records (just written, in cache)
 * rather than span by span, which keeps appends cheap. */
G_GNUC_NO_INLINE static void
row_summary_complete (SpanRow *row)
{
  guint first = row->n - LEAF_SIZE;
  const SpanRecord *recs = &row->chunks[first >> CHUNK_SHIFT][first & CHUNK_MASK];
  SumAcc leaf = { 0 };
  guint k = 0;

  if (row->n_levels == 0)
    {
      row->levels = g_new0 (SumLevel, 2);
      row->n_levels = 2;
    }

  leaf.start = record_start (&recs[0]);
  leaf.end = record_end (&recs[LEAF_SIZE - 1]);    /* ends are sorted in a row */
  leaf.n = LEAF_SIZE;
  for (guint i = 0; i < LEAF_SIZE; i++)
    {
      guint64 dur = record_dur (&recs[i]);
      guint state = recs[i].state;

      leaf.max_dur = MAX (leaf.max_dur, dur);
      if (G_LIKELY (state > WEFT_STATE_IDLE && state < WEFT_N_STATES))
        leaf.weight[share_of (state)] += span_weight (dur);
    }
  level_store (&row->levels[0], &leaf);
  acc_merge (&row->levels[1].acc, &leaf);

  /* Upper levels: complete a node each time FAN_OUT children are in */
  for (k = 1; row->levels[k].acc.n == FAN_OUT; k++)
    {
      if (k + 1 == row->n_levels)
        {
          row->levels = g_renew (SumLevel, row->levels, row->n_levels + 1);
          memset (&row->levels[row->n_levels], 0, sizeof (SumLevel));
          row->n_levels++;
        }
      level_store (&row->levels[k], &row->levels[k].acc);
      acc_merge (&row->levels[k + 1].acc, &row->levels[k].acc);
      memset (&row->levels[k].acc, 0, sizeof (SumAcc));
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
  if (G_UNLIKELY ((row->n & (LEAF_SIZE - 1)) == 0))
    row_summary_complete (row);
}

static void
row_clear (SpanRow *row)
{
  for (guint i = 0; i < row->n_chunks; i++)
    g_free (row->chunks[i]);
  g_free (row->chunks);
  for (guint i = 0; i < row->n_levels; i++)
    g_free (row->levels[i].nodes);
  g_free (row->levels);
  memset (row, 0, sizeof *row);
}

static gsize
row_bytes (const SpanRow *row)
{
  gsize bytes = (gsize) row->n_levels * sizeof (SumLevel);

  for (guint i = 0; i < row->n_levels; i++)
    bytes += (gsize) row->levels[i].alloc * sizeof (SumNode);
  if (row->n_chunks == 0)
    return bytes;
  return bytes +
         (gsize) (row->n_chunks - 1) * CHUNK_SIZE * sizeof (SpanRecord) +
         (gsize) row->last_cap * sizeof (SpanRecord) +
         (gsize) row->chunks_alloc * sizeof (SpanRecord *);
}

G_GNUC_NO_INLINE static void
lane_rows_grow (WeftLane *lane,
                guint     depth)
{
  guint n = MAX (depth + 1, lane->n_rows * 2);

  n = MIN (MAX (n, 4), WEFT_LANE_MAX_DEPTH);
  lane->rows = g_renew (SpanRow, lane->rows, n);
  memset (lane->rows + lane->n_rows, 0, (n - lane->n_rows) * sizeof (SpanRow));
  lane->n_rows = n;
}

G_ALWAYS_INLINE static inline SpanRow *
lane_row (WeftLane *lane,
          guint     depth)
{
  if (G_UNLIKELY (depth >= lane->n_rows))
    lane_rows_grow (lane, depth);
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

/* ---- a queue's turns ---------------------------------------------------- */

/* A wait for @queue ended at @t (QUEUE_READY): if the lane's next event is
 * a new wait for it, the worker lost its turn in between. */
void
_weft_lane_note_ready (WeftLane *lane,
                       guint64   t,
                       guint32   queue)
{
  lane->ready_queue = queue;
  lane->ready_ns = t;
}

/* Returns: whether the last event was @queue's QUEUE_READY, at
 * *@out_ready_ns; forgets it either way */
gboolean
_weft_lane_take_ready (WeftLane *lane,
                       guint32   queue,
                       guint64  *out_ready_ns)
{
  gboolean was = lane->ready_queue != 0 && lane->ready_queue == queue;

  *out_ready_ns = lane->ready_ns;
  lane->ready_queue = 0;
  return was;
}

void
_weft_lane_forget_ready (WeftLane *lane)
{
  lane->ready_queue = 0;
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

/* The lane's state: its deepest open span's, unless a wait that stops the
 * thread is open beneath it. That happens when spans end out of order: a
 * thread that drops the GIL while it holds a lock waits for the GIL in the
 * row the GIL's hold freed, under the lock's hold, which it still has but
 * does not run in. */
static inline WeftState
lane_effective_state (WeftLane *lane)
{
  WeftState top_state;

  if (lane->top == 0)
    return WEFT_STATE_IDLE;
  top_state = (WeftState) lane->slots[lane->top - 1].state;
  if (G_LIKELY (lane->n_blocked == 0) || _weft_state_blocks_thread (top_state))
    return top_state;
  for (guint d = lane->top - 1; d-- > 0;)
    if (_weft_state_blocks_thread (lane->slots[d].state))
      return (WeftState) lane->slots[d].state;
  return top_state;
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
  lane->n_blocked += _weft_state_blocks_thread (state);

  if (d >= lane->top)
    lane->top = d + 1;
  lane_set_state (lane, t, lane_effective_state (lane), active_delta);

  return (int) d;
}

/* Inlined in both callers: the hot path of every span */
G_ALWAYS_INLINE static inline void
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

  lane->n_blocked -= _weft_state_blocks_thread (slot->state);
  slot->state = WEFT_STATE_IDLE;
  lane->n_open--;
  lane->n_spans++;

  if (d + 1 == lane->top)
    while (lane->top > 0 && lane->slots[lane->top - 1].state == WEFT_STATE_IDLE)
      lane->top--;
  lane_set_state (lane, t, lane_effective_state (lane), active_delta);
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

/* Orders for _weft_lower_bound() over a row's records (by start, and by
 * end: both are sorted within a row) and over instants. */
static inline gboolean
ends_before (gconstpointer data, guint i, gconstpointer key)
{
  const SpanRecord *rec = row_get (data, i);
  guint64 end = record_end (rec), t0 = *(const guint64 *) key;

  return !(end > t0 || (end == t0 && record_start (rec) == t0));
}

static inline gboolean
starts_before (gconstpointer data, guint i, gconstpointer key)
{
  return record_start (row_get (data, i)) < *(const guint64 *) key;
}

static inline gboolean
instant_before (gconstpointer data, guint i, gconstpointer key)
{
  return ((const WeftInstant *) data)[i].time_ns < *(const guint64 *) key;
}

/* First index in @row whose span overlaps [t0, ∞): it ends after t0, or it
 * is an empty span exactly at t0. Monotone because ends are sorted. */
static guint
row_first_ending_after (const SpanRow *row,
                        guint64        t0)
{
  return _weft_lower_bound (row, row->n, ends_before, &t0);
}

static guint
row_first_starting_at (const SpanRow *row,
                       guint64        t1)
{
  return _weft_lower_bound (row, row->n, starts_before, &t1);
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

/* ---- column summaries ----------------------------------------------------- */

typedef struct
{
  const SpanRow     *row;
  guint              depth;
  guint64            t0;
  guint64            t1;           /* end of the window (excluded), rounded up */
  double             ns_per_px;
  double             px_per_ns;
  double             max_spread;   /* longest block spread by time over an edge */
  int                narrow_code;  /* a node with max_code <= this holds narrow spans only */
  guint              n_columns;
  WeftColumnSummary *columns;
  GArray            *wide;
  guint64            visited;
  gboolean           done;         /* past the window: nothing later can overlap it */
} SumQuery;

/* Where [start, start + extent), at most a column long, falls: column
 * *k takes *f0 of it and column *k + 1 the rest. */
static inline void
place (const SumQuery *q,
       guint64         start,
       double          extent,
       int            *k,
       double         *f0)
{
  double x0 = (double) (gint64) (start - q->t0) * q->px_per_ns;
  double x1 = x0 + extent * q->px_per_ns;
  double edge;

  *k = x0 >= 0 ? (int) x0 : (int) floor (x0);
  edge = *k + 1;
  *f0 = x1 > edge ? (edge - x0) / (x1 - x0) : 1.0;
}

static inline void
add_weight (const SumQuery *q,
            int             k,
            double          f0,
            guint           state,
            float           w)
{
  if (k >= 0 && (guint) k < q->n_columns)
    q->columns[k].state_ns[state] += (float) f0 * w;
  if (f0 < 1.0 && k + 1 >= 0 && (guint) k + 1 < q->n_columns)
    q->columns[k + 1].state_ns[state] += (float) (1.0 - f0) * w;
}

static void
query_spans (SumQuery *q,
             guint     first,
             guint     n)
{
  guint i = 0;

  /* A run never crosses a chunk except for the tail, read span by span */
  while (i < n && !q->done)
    {
      guint idx = first + i;
      const SpanRecord *recs = &q->row->chunks[idx >> CHUNK_SHIFT][idx & CHUNK_MASK];
      guint run = MIN (n - i, CHUNK_SIZE - (idx & CHUNK_MASK));

      for (guint j = 0; j < run; j++)
        {
          const SpanRecord *rec = &recs[j];
          guint64 start = record_start (rec), dur = record_dur (rec);
          guint8 state = rec->state;
          double f0;
          int k;

          q->visited++;
          if (start >= q->t1)
            {
              q->done = TRUE;
              return;
            }
          if (start + dur < q->t0 || (start + dur == q->t0 && dur > 0))
            continue;
          if ((double) dur >= q->ns_per_px)
            {
              if (q->wide != NULL)
                {
                  WeftSpan span;

                  record_to_span (rec, q->depth, &span);
                  g_array_append_val (q->wide, span);
                }
              continue;
            }
          if (state == WEFT_STATE_IDLE || state >= WEFT_N_STATES)
            continue;
          place (q, start, (double) dur, &k, &f0);
          add_weight (q, k, f0, state, (float) span_weight (dur));
        }
      i += run;
    }
}

/* Counts a block whose spans are all narrow and which lasts at most a
 * column: placed by time, split between two columns if it straddles. */
static inline void
add_node (const SumQuery *q,
          const SumNode  *node,
          int             k,
          double          f0)
{
  float unit = node->weight * (1.f / 255.f);

  if (G_LIKELY (f0 >= 1.0 && k >= 0 && (guint) k < q->n_columns))
    {
      float *col = q->columns[k].state_ns;

      for (guint m = node->mask; m != 0; m &= m - 1)
        {
          guint i = (guint) __builtin_ctz (m);

          col[i + 1] += node->share[i] * unit;
        }
      return;
    }
  for (guint m = node->mask; m != 0; m &= m - 1)
    {
      guint i = (guint) __builtin_ctz (m);

      add_weight (q, k, f0, i + 1, node->share[i] * unit);
    }
}

static void
query_node (SumQuery *q,
            guint     level,
            guint     index)
{
  const SumNode *node = &q->row->levels[level].nodes[index];
  guint64 start = node_start (node);

  q->visited++;
  if (start >= q->t1)
    {
      q->done = TRUE;
      return;
    }
  if (start < q->t0 && (double) (q->t0 - start) > node->extent)
    return;

  /* A block of narrow spans inside one column counts exactly, whatever its
   * size. One straddling an edge is spread by time if it is at most half a
   * column; a longer one is split into its children. (Reading a leaf's
   * spans touches span memory once per column, the cost summaries avoid;
   * where leaves are longer than half a column, most spans are read
   * anyway.) */
  if (node->max_code <= q->narrow_code && node->extent <= q->ns_per_px)
    {
      double f0;
      int k;

      place (q, start, node->extent, &k, &f0);
      if (f0 >= 1.0 || node->extent <= q->max_spread)
        {
          add_node (q, node, k, f0);
          return;
        }
      if (level > 0)
        {
          /* its children are narrow and shorter still: place them here */
          const SumNode *child = &q->row->levels[level - 1].nodes[index << FAN_SHIFT];

          for (guint c = 0; c < FAN_OUT; c++, child++)
            {
              place (q, node_start (child), child->extent, &k, &f0);
              q->visited++;
              if (f0 >= 1.0 || child->extent <= q->max_spread)
                add_node (q, child, k, f0);
              else
                query_node (q, level - 1, (index << FAN_SHIFT) + c);
            }
          return;
        }
    }

  if (level > 0)
    {
      for (guint c = 0; c < FAN_OUT && !q->done; c++)
        query_node (q, level - 1, (index << FAN_SHIFT) + c);
    }
  else
    query_spans (q, index << LEAF_SHIFT, LEAF_SIZE);
}

/**
 * weft_lane_summarize_columns:
 * @lane: a #WeftLane
 * @depth: a row
 * @t0: start of the first column, absolute ns
 * @ns_per_px: width of a column in ns (> 0)
 * @n_columns: number of columns
 * @out_columns: (out caller-allocates) (array length=n_columns): filled with
 *   the time each state takes in each column, counting only the spans
 *   shorter than a column (narrow); cleared first
 * @out_wide: (nullable) (element-type WeftSpan): the closed spans at @depth
 *   that are at least a column long and overlap the columns are appended to
 *   it, in time order
 *
 * What a zoomed-out view draws in each pixel column of a row, read from the
 * row's summaries where they are fine enough, so that a whole-trace view
 * costs O(@n_columns) small reads and not one touch per column of the spans.
 *
 * A span weighs its duration (1 ns if it has none). A block of spans that
 * holds only narrow spans is counted by its summary when it lies inside one
 * column, or when it straddles a column edge and lasts at most half a
 * column: then its weight is spread evenly over its time extent. Everything
 * else is split into smaller blocks, down to spans read one by one and
 * counted exactly. So a column is exact up to the blocks straddling its two
 * edges, each at most half a column long, whose weight stays in the row,
 * split between the two neighbouring columns by time; and summaries keep
 * each state's part of a block to 1/255. The unfinished block of a row
 * being appended to is read span by span.
 *
 * Columns are [@t0 + k · @ns_per_px, @t0 + (k + 1) · @ns_per_px).
 *
 * Returns: the number of spans and summary entries read (for benchmarks)
 */
guint64
weft_lane_summarize_columns (WeftLane          *lane,
                             guint              depth,
                             guint64            t0,
                             double             ns_per_px,
                             guint              n_columns,
                             WeftColumnSummary *out_columns,
                             GArray            *out_wide)
{
  SumQuery q = { 0 };
  const SpanRow *row;
  double c;

  g_return_val_if_fail (lane != NULL, 0);
  g_return_val_if_fail (ns_per_px > 0, 0);
  g_return_val_if_fail (out_columns != NULL || n_columns == 0, 0);
  g_return_val_if_fail (out_wide == NULL ||
                        g_array_get_element_size (out_wide) == sizeof (WeftSpan), 0);

  if (n_columns > 0)
    memset (out_columns, 0, n_columns * sizeof (WeftColumnSummary));
  if (depth >= lane->n_rows || lane->rows[depth].n == 0 || n_columns == 0)
    return 0;

  row = &lane->rows[depth];
  q.row = row;
  q.depth = depth;
  q.t0 = t0;
  c = ceil (n_columns * ns_per_px);
  q.t1 = c >= (double) (G_MAXUINT64 - t0) ? G_MAXUINT64 : t0 + (guint64) c;
  q.ns_per_px = ns_per_px;
  q.px_per_ns = 1.0 / ns_per_px;
  q.max_spread = ns_per_px * 0.5;
  q.n_columns = n_columns;
  q.columns = out_columns;
  q.wide = out_wide;

  /* The largest code whose bound is below a column */
  q.narrow_code = MAX_CODE;
  while (q.narrow_code >= 0 && code_bound (q.narrow_code) >= ns_per_px)
    q.narrow_code--;

  /* Complete nodes not covered by a complete parent, from the top down, are
   * in time order; then the spans of the unfinished leaf. */
  for (guint k = row->n_levels; k-- > 0 && !q.done;)
    {
      guint from = k + 1 < row->n_levels ? row->levels[k + 1].n << FAN_SHIFT : 0;

      for (guint i = from; i < row->levels[k].n && !q.done; i++)
        query_node (&q, k, i);
    }
  if (!q.done)
    {
      guint leaves = row->n_levels > 0 ? row->levels[0].n << LEAF_SHIFT : 0;

      query_spans (&q, leaves, row->n - leaves);
    }
  return q.visited;
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
 * Returns: the state of the deepest open span (or of a wait for the GIL,
 *   a lock or a core open beneath it: the thread runs nothing), or
 *   %WEFT_STATE_IDLE
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
  return _weft_lower_bound (instants->data, instants->len, instant_before, &t);
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
 *   capacity and chunk tables, not just what is used), its per-row
 *   summaries included
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
