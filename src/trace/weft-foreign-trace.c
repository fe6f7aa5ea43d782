/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "weft-foreign-trace-private.h"
#include "weft-json-scan-private.h"
#include "weft-span-args-private.h"
#include "weft-trace-model-private.h"

/*
 * Builds a model from the events of a trace another program wrote
 * (Chromium, Node.js, Perfetto, VizTracer…): each event becomes a compact
 * record on its lane, one lane per (pid, tid) and one per (pid, async
 * category). When every event was seen, each lane's records are sorted and
 * turned into WeftEvents (slices become RUNNING spans of task objects named
 * like them, nested by a sweep; counters, instants, flows), which build the
 * model the ordinary way (weft_trace_model_append). See
 * docs/trace-format.md.
 *
 * A slice's or an instant's args are written as a compact JSON object
 * (weft-span-args.h) into one byte array as the event is read, and its
 * record keeps where; the args of a "B" and its "E" are merged when the
 * sweep pairs them, and each slice's are given to the model with the depth
 * the sweep gives it.
 */

#define APPEND_BATCH         65536
#define BUILD_THREAD_MIN_RECS 65536
#define FOREIGN_COUNTER_BASE 0x40000000u
#define FOREIGN_FLOW_BASE    0x60000000u
/* An args reference with this bit is in a lane's own store (merged args). */
#define ARGS_OWN             0x80000000u
/* |ts| beyond this many ns (about 100 days) is absurd for one trace. */
#define MAX_ABS_TS_NS        G_GINT64_CONSTANT (8640000000000000)

typedef struct
{
  gint64  ts;
  gint64  dur;
  gint64  a0;
  guint32 obj;
  guint32 seq;
  guint32 args;     /* in the builder's args store, 0 = none */
  guint8  ph;
} Rec;

G_STATIC_ASSERT (sizeof (Rec) == 40);

typedef struct
{
  gint64   pid;
  gint64   tid;
  guint32  async_cat;     /* 0 = a thread lane, else the interned category + 1 */
  GArray  *recs;
  char    *name;
  gint64   sort_index;
  gboolean has_sort;
  guint64  n_timeline;    /* records that are not counters */
  guint    worker;
  gboolean merged;        /* counter-only lane folded into another */
} ImpLane;

typedef struct
{
  gint64  pid;
  gint64  tid;
  guint32 async_cat;
} LaneKey;

struct _WeftForeignTrace
{
  WeftTraceImportStats *stats;
  WeftChromeReader     *reader;        /* of the event being added */

  GHashTable     *lane_index;  /* LaneKey → index + 1 in lanes */
  GPtrArray      *lanes;
  ImpLane        *last_lane;

  GHashTable     *names;       /* slice/instant names → id (1-based) */
  GPtrArray      *name_list;
  GHashTable     *counters;    /* counter key → object id */
  GPtrArray      *counter_names;
  GHashTable     *flow_queues; /* flow category → object id */
  GPtrArray      *flow_names;
  GHashTable     *cats;        /* async categories → id + 1 */
  GHashTable     *process_names; /* pid → name */
  GHashTable     *process_sort;  /* pid → sort index */

  gboolean        have_min_ts;
  gint64          min_ts;
  guint32         seq;

  WeftArgsStore  *args;        /* slices' and instants' args, JSON objects */
  GString        *args_text;   /* scratch */
  GString        *args_lit;    /* scratch */
};

static guint
lane_key_hash (gconstpointer p)
{
  const LaneKey *k = p;
  guint64 x = (guint64) k->pid * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) ^ (guint64) k->tid ^ ((guint64) k->async_cat << 40);

  x ^= x >> 31;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 29;
  return (guint) x;
}

static gboolean
lane_key_equal (gconstpointer a,
                gconstpointer b)
{
  const LaneKey *x = a, *y = b;

  return x->pid == y->pid && x->tid == y->tid && x->async_cat == y->async_cat;
}

static void
imp_lane_free (gpointer data)
{
  ImpLane *lane = data;

  if (lane->recs)
    g_array_unref (lane->recs);
  g_free (lane->name);
  g_free (lane);
}

static ImpLane *
lane_get (WeftForeignTrace *self,
          gint64            pid,
          gint64            tid,
          guint32           async_cat,
          gboolean          create)
{
  LaneKey key = { pid, tid, async_cat };
  ImpLane *lane = self->last_lane;
  gpointer idx;

  if (lane != NULL && lane->pid == pid && lane->tid == tid && lane->async_cat == async_cat)
    return lane;
  idx = g_hash_table_lookup (self->lane_index, &key);
  if (idx != NULL)
    lane = g_ptr_array_index (self->lanes, GPOINTER_TO_UINT (idx) - 1);
  else
    {
      if (!create || self->lanes->len >= WEFT_MAX_WORKERS)
        return NULL;
      lane = g_new0 (ImpLane, 1);
      lane->pid = pid;
      lane->tid = tid;
      lane->async_cat = async_cat;
      lane->recs = g_array_new (FALSE, FALSE, sizeof (Rec));
      g_ptr_array_add (self->lanes, lane);
      g_hash_table_insert (self->lane_index, g_memdup2 (&key, sizeof key),
                           GUINT_TO_POINTER (self->lanes->len));
    }
  self->last_lane = lane;
  return lane;
}

static guint32
intern (GHashTable *table,
        GPtrArray  *list,
        const char *text,
        guint32     base)
{
  gpointer v = g_hash_table_lookup (table, text);
  char *copy;

  if (v != NULL)
    return GPOINTER_TO_UINT (v);
  copy = g_utf8_make_valid (text, -1);
  g_ptr_array_add (list, copy);
  g_hash_table_insert (table, g_strdup (text), GUINT_TO_POINTER (base + list->len));
  return base + list->len;
}

static Rec *
push_rec (WeftForeignTrace *self,
          ImpLane          *lane,
          int               ph,
          gint64            ts)
{
  Rec *rec;

  g_array_set_size (lane->recs, lane->recs->len + 1);
  rec = &g_array_index (lane->recs, Rec, lane->recs->len - 1);
  memset (rec, 0, sizeof *rec);
  rec->ph = (guint8) ph;
  rec->ts = ts;
  rec->seq = self->seq++;
  if (ph != 'C')
    lane->n_timeline++;
  if (!self->have_min_ts || ts < self->min_ts)
    {
      self->min_ts = ts;
      self->have_min_ts = TRUE;
    }
  return rec;
}

static void
set_process_meta (WeftForeignTrace *self,
                  GHashTable       *table,
                  gint64            pid,
                  gpointer          value)
{
  g_hash_table_insert (table, g_memdup2 (&pid, sizeof pid), value);
}

static void
commit_metadata (WeftForeignTrace      *self,
                 const WeftChromeEvent *ev)
{
  const WeftChromeArg *a;
  const char *what = ev->name->str;

  if (!ev->has_pid)
    {
      _weft_chrome_reader_note_skip (self->reader, &self->stats->n_invalid, "metadata event without \"pid\"");
      return;
    }
  if (g_str_equal (what, "process_name") && (a = _weft_chrome_event_find_arg (ev, "name")) && a->is_str)
    set_process_meta (self, self->process_names, ev->pid, g_utf8_make_valid (a->s->str, (gssize) a->s->len));
  else if (g_str_equal (what, "process_sort_index") && (a = _weft_chrome_event_find_arg (ev, "sort_index")) && a->is_num)
    set_process_meta (self, self->process_sort, ev->pid, g_memdup2 (&a->i, sizeof a->i));
  else if (g_str_equal (what, "thread_name") || g_str_equal (what, "thread_sort_index"))
    {
      ImpLane *lane = lane_get (self, ev->pid, ev->has_tid ? ev->tid : 0, 0, TRUE);

      if (lane == NULL)
        {
          _weft_chrome_reader_note_skip (self->reader, &self->stats->n_lanes_over, "more lanes than Weft can show");
          return;
        }
      if (what[7] == 'n' && (a = _weft_chrome_event_find_arg (ev, "name")) && a->is_str)
        {
          g_free (lane->name);
          lane->name = g_utf8_make_valid (a->s->str, (gssize) a->s->len);
        }
      else if (what[7] == 's' && (a = _weft_chrome_event_find_arg (ev, "sort_index")) && a->is_num)
        {
          lane->sort_index = a->i;
          lane->has_sort = TRUE;
        }
    }
  self->stats->n_used++;
}

/* The args of @ev as one compact JSON object in the builder's args. */
static guint32
keep_args (WeftForeignTrace      *self,
           const WeftChromeEvent *ev)
{
  GString *text = self->args_text, *lit = self->args_lit;
  WeftArgsWriter w;

  /* already as the writer would write it: as it is */
  if (ev->args_raw != NULL && ev->args_raw_len > 2 && ev->args_raw_len <= WEFT_ARGS_MEMBERS_ROOM + 2 &&
      _weft_utf8_validate_fast (ev->args_raw, ev->args_raw_len))
    return _weft_args_store_add (self->args, ev->args_raw, ev->args_raw_len);
  g_string_truncate (text, 0);
  _weft_args_writer_begin (&w, text);
  for (guint i = 0; i < ev->n_args && !w.cut; i++)
    {
      const WeftChromeArg *a = &ev->args[i];
      const GString *v = a->s;
      gsize key_len;

      g_string_truncate (lit, 0);
      weft_json_append_string (lit, a->key->str, a->key->len);
      key_len = lit->len;
      if (a->is_str && v->len <= WEFT_SPAN_ARGS_MAX)
        {
          weft_json_append_string (lit, v->str, v->len);
          _weft_args_writer_add (&w, lit->str, key_len, lit->str + key_len, lit->len - key_len, v->str, v->len);
        }
      else if (a->is_str)
        _weft_args_writer_add (&w, lit->str, key_len, NULL, 0, v->str, v->len);
      else if (a->is_num || (a->is_json && !a->cut && g_utf8_validate_len (v->str, v->len, NULL)))
        _weft_args_writer_add (&w, lit->str, key_len, v->str, v->len, a->is_json ? v->str : NULL, v->len);
      else if (a->is_json)
        _weft_args_writer_add (&w, lit->str, key_len, NULL, 0, v->str, v->len);
    }
  w.cut = w.cut || ev->args_over;
  _weft_args_writer_end (&w);
  if (text->len <= 2)
    return 0;
  return _weft_args_store_add (self->args, text->str, text->len);
}

/**
 * _weft_foreign_trace_add:
 * @self: a builder
 * @reader: the reader @ev comes from (for the position of a skip)
 * @ev: one event as read
 *
 * Keeps what @ev says as a record on its lane, or counts it as skipped.
 * Fits #WeftChromeEventFunc.
 */
void
_weft_foreign_trace_add (WeftChromeReader      *reader,
                         const WeftChromeEvent *ev,
                         gpointer               user_data)
{
  WeftForeignTrace *self = user_data;
  WeftTraceImportStats *st = self->stats;
  ImpLane *lane;
  Rec *rec;
  int ph = ev->ph;
  guint32 async_cat = 0;

  self->reader = reader;
  if (ev->bad != NULL)
    {
      _weft_chrome_reader_note_skip (self->reader, &st->n_invalid, ev->bad);
      return;
    }
  if (ph == 0)
    {
      _weft_chrome_reader_note_skip (self->reader, &st->n_invalid, "an event without \"ph\"");
      return;
    }
  if (ph == 'M')
    {
      commit_metadata (self, ev);
      return;
    }
  switch (ph)
    {
    case 'X': case 'B': case 'E': case 'i': case 'I': case 'C':
    case 'b': case 'e': case 'n': case 'S': case 'F':
    case 's': case 't': case 'f':
      break;
    default:
      _weft_chrome_reader_note_skip (self->reader, &st->n_unknown_phase, "a phase Weft does not read");
      return;
    }
  if (!ev->has_ts)
    {
      _weft_chrome_reader_note_skip (self->reader, &st->n_invalid, "an event without \"ts\"");
      return;
    }
  if (ev->ts > MAX_ABS_TS_NS || ev->ts < -MAX_ABS_TS_NS)
    {
      _weft_chrome_reader_note_skip (self->reader, &st->n_invalid, "\"ts\" out of range");
      return;
    }
  if (ph == 'X' && ev->has_dur && (ev->dur < 0 || ev->dur > MAX_ABS_TS_NS))
    {
      _weft_chrome_reader_note_skip (self->reader, &st->n_invalid, "negative or absurd \"dur\"");
      return;
    }
  if (ph == 't')
    {
      st->n_used++;     /* flow steps add nothing Weft can show */
      return;
    }
  if (ph == 'S')
    ph = 'b';
  else if (ph == 'F')
    ph = 'e';

  if (ph == 'b' || ph == 'e' || ph == 'n')
    {
      if (!ev->has_id)
        {
          _weft_chrome_reader_note_skip (self->reader, &st->n_invalid, "an async event without \"id\"");
          return;
        }
      async_cat = intern (self->cats, self->name_list, ev->cat->len ? ev->cat->str : "async", 0);
    }
  if ((ph == 's' || ph == 'f') && !ev->has_id)
    {
      _weft_chrome_reader_note_skip (self->reader, &st->n_invalid, "a flow event without \"id\"");
      return;
    }

  lane = lane_get (self, ev->has_pid ? ev->pid : 0, async_cat ? 0 : (ev->has_tid ? ev->tid : 0), async_cat, TRUE);
  if (lane == NULL)
    {
      _weft_chrome_reader_note_skip (self->reader, &st->n_lanes_over, "more lanes than Weft can show");
      return;
    }

  if (ph == 'C')
    {
      for (guint i = 0; i < ev->n_args; i++)
        {
          const WeftChromeArg *a = &ev->args[i];
          g_autofree char *key = NULL;
          g_autofree char *display = NULL;
          guint32 obj;
          gboolean plain = g_str_equal (a->key->str, "value") || ev->n_args == 1;

          if (!a->is_num)
            continue;
          if (ev->has_id)
            display = g_strdup_printf ("%s[%" G_GINT64_FORMAT "]%s%s", ev->name->str, ev->id,
                                       plain ? "" : ".", plain ? "" : a->key->str);
          else
            display = g_strdup_printf ("%s%s%s", ev->name->str, plain ? "" : ".", plain ? "" : a->key->str);
          key = g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%s", lane->pid, display);
          obj = intern (self->counters, self->counter_names, key, FOREIGN_COUNTER_BASE);
          if (self->counter_names->len == obj - FOREIGN_COUNTER_BASE && !g_str_equal (g_ptr_array_index (self->counter_names, obj - FOREIGN_COUNTER_BASE - 1), display))
            {
              g_free (g_ptr_array_index (self->counter_names, obj - FOREIGN_COUNTER_BASE - 1));
              g_ptr_array_index (self->counter_names, obj - FOREIGN_COUNTER_BASE - 1) = g_utf8_make_valid (display, -1);
            }
          rec = push_rec (self, lane, 'C', ev->ts);
          rec->obj = obj;
          rec->a0 = a->is_int ? a->i : (gint64) llround (CLAMP (a->d, -9.2e18, 9.2e18));
        }
      st->n_used++;
      return;
    }

  rec = push_rec (self, lane, ph, ev->ts);
  rec->dur = ph == 'X' && ev->has_dur ? ev->dur : 0;
  if (ph == 's' || ph == 'f')
    {
      rec->obj = intern (self->flow_queues, self->flow_names, ev->cat->len ? ev->cat->str : "flow", FOREIGN_FLOW_BASE);
      rec->a0 = ev->id;
    }
  else
    rec->obj = ev->has_name ? intern (self->names, self->name_list, ev->name->str, 0) :
               intern (self->names, self->name_list, ph == 'i' || ph == 'I' || ph == 'n' ? "instant" : "slice", 0);
  if (ph == 'b' || ph == 'e')
    rec->a0 = ev->id;
  if (ev->n_args > 0 && ph != 's' && ph != 'f')
    rec->args = keep_args (self, ev);
  st->n_used++;
}

static int
compare_recs (const void *a,
              const void *b)
{
  const Rec *x = a, *y = b;

  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* qsort() with an empty GArray would pass it NULL. */
static void
sort_array (GArray *array,
            int   (*compare) (const void *, const void *))
{
  if (array->len > 1)
    qsort (array->data, array->len, g_array_get_element_size (array), compare);
}

static inline WeftEvent
mkev (guint64       t,
      guint         worker,
      WeftEventKind kind,
      guint32       object,
      gint64        arg0,
      gint64        arg1)
{
  WeftEvent e = { .time_ns = t, .arg0 = arg0, .arg1 = arg1, .object = object,
                  .worker = (guint16) worker, .kind = (guint16) kind };

  return e;
}

/* A lane's next event in the merge: its time, then the lane's order. */
static inline gboolean
merge_less (const guint64 *next,
            guint          x,
            guint          y)
{
  return next[x] != next[y] ? next[x] < next[y] : x < y;
}

static void
merge_sift_down (const guint64 *next,
                 guint         *heap,
                 guint          n,
                 guint          i)
{
  for (;;)
    {
      guint l = 2 * i + 1, m = i, tmp;

      if (l < n && merge_less (next, heap[l], heap[m]))
        m = l;
      if (l + 1 < n && merge_less (next, heap[l + 1], heap[m]))
        m = l + 1;
      if (m == i)
        return;
      tmp = heap[i];
      heap[i] = heap[m];
      heap[m] = tmp;
      i = m;
    }
}

/* Appends every lane's events (each in time order) merged into one time
 * order, as a live run sends them: appended lane after lane instead, each
 * lane's points of the model's parallelism would land before the points of
 * the lanes already appended, and the model would replay those again for
 * every lane. Ties go in lane order. */
static void
append_merged (WeftTraceModel *model,
               GPtrArray      *lane_events)
{
  GArray **lanes = (GArray **) lane_events->pdata;
  g_autofree guint *at = g_new0 (guint, lane_events->len);
  g_autofree guint64 *next = g_new0 (guint64, lane_events->len);
  g_autofree guint *heap = g_new (guint, lane_events->len);
  g_autofree WeftEvent *batch = g_new (WeftEvent, APPEND_BATCH);
  guint n = 0, n_batch = 0;

  for (guint i = 0; i < lane_events->len; i++)
    if (lanes[i]->len > 0)
      {
        next[i] = g_array_index (lanes[i], WeftEvent, 0).time_ns;
        heap[n++] = i;
      }
  for (guint i = n / 2; i-- > 0;)
    merge_sift_down (next, heap, n, i);
  while (n > 0)
    {
      guint l = heap[0];
      const WeftEvent *e = &g_array_index (lanes[l], WeftEvent, 0);
      guint k = at[l];
      guint64 others = n == 1 ? G_MAXUINT64 : n == 2 ? next[heap[1]] : MIN (next[heap[1]], next[heap[2]]);

      /* the lane's events before any other lane's next one, at once */
      do
        batch[n_batch++] = e[k++];
      while (k < lanes[l]->len && n_batch < APPEND_BATCH && (e[k].time_ns < others || n == 1));
      at[l] = k;
      if (n_batch == APPEND_BATCH)
        {
          weft_trace_model_append (model, batch, n_batch);
          n_batch = 0;
        }
      if (k == lanes[l]->len)
        heap[0] = heap[--n];
      else
        next[l] = e[k].time_ns;
      merge_sift_down (next, heap, n, 0);
    }
  if (n_batch > 0)
    weft_trace_model_append (model, batch, n_batch);
}


typedef struct
{
  guint64 start;
  guint64 end;       /* G_MAXUINT64: never ended */
  guint32 obj;
  guint32 seq;
  guint32 args;      /* a Rec's args, or ARGS_OWN | offset in LaneOut.own */
} FSpan;

/* Args for the model: a slice's (slot = depth + 1) or an instant's (0). */
typedef struct
{
  guint64 time_ns;
  guint32 args;
  guint32 slot;
} ArgsOut;

/* What building one lane gives. */
typedef struct
{
  GArray     *events;   /* WeftEvent, in time order */
  GArray     *args;     /* ArgsOut */
  WeftArgsStore *own;   /* merged args */
} LaneOut;

static void
lane_out_clear (LaneOut *out)
{
  g_clear_pointer (&out->events, g_array_unref);
  g_clear_pointer (&out->args, g_array_unref);
  g_clear_pointer (&out->own, _weft_args_store_free);
}

/* The text of an args reference: a record's, or merged in @own. */
static const char *
args_text (WeftForeignTrace    *self,
           const WeftArgsStore *own,
           guint32              ref,
           gsize               *out_len)
{
  if (ref & ARGS_OWN)
    return _weft_args_store_get (own, ref & ~ARGS_OWN, out_len);
  return _weft_args_store_get (self->args, ref, out_len);
}

/* The args of a "B" and its "E", as Chrome shows the slice's: the E's
 * merged into the B's. */
static guint32
merge_args (WeftForeignTrace *self,
            LaneOut          *out,
            guint32           b,
            guint32           e)
{
  g_autoptr(GString) text = NULL;
  const char *bt, *et;
  gsize bl, el;
  guint32 ref;

  if (b == 0 || e == 0)
    return b != 0 ? b : e;
  bt = args_text (self, NULL, b, &bl);
  et = args_text (self, NULL, e, &el);
  text = g_string_new (NULL);
  _weft_span_args_merge (text, bt, bl, et, el);
  if (out->own == NULL)
    out->own = _weft_args_store_new ();
  ref = _weft_args_store_add (out->own, text->str, text->len);
  return ref != 0 ? ARGS_OWN | ref : b;
}

static int
compare_args_out (const void *a,
                  const void *b)
{
  const ArgsOut *x = a, *y = b;

  if (x->time_ns != y->time_ns)
    return x->time_ns < y->time_ns ? -1 : 1;
  return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static inline void
args_out (LaneOut *out,
          guint64  t,
          guint    slot,
          guint32  args)
{
  ArgsOut a = { t, args, slot };

  if (args == 0)
    return;
  if (out->args == NULL)
    out->args = g_array_new (FALSE, FALSE, sizeof (ArgsOut));
  g_array_append_val (out->args, a);
}

static int
compare_fspans (const void *a,
                const void *b)
{
  const FSpan *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end > y->end ? -1 : 1;      /* outer first */
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Min-heap of open spans by (end, -start, -seq): innermost ends first. */
static gboolean
heap_less (const FSpan *x,
           const FSpan *y)
{
  if (x->end != y->end)
    return x->end < y->end;
  if (x->start != y->start)
    return x->start > y->start;
  return x->seq > y->seq;
}

static void
heap_push (GArray *heap,
           FSpan   s)
{
  guint i;

  g_array_append_val (heap, s);
  i = heap->len - 1;
  while (i > 0)
    {
      guint parent = (i - 1) / 2;
      FSpan *h = (FSpan *) (gpointer) heap->data;

      if (!heap_less (&h[i], &h[parent]))
        break;
      s = h[i];
      h[i] = h[parent];
      h[parent] = s;
      i = parent;
    }
}

static FSpan
heap_pop (GArray *heap)
{
  FSpan *h = (FSpan *) (gpointer) heap->data;
  FSpan top = h[0];
  guint i = 0, n;

  h[0] = h[heap->len - 1];
  g_array_set_size (heap, heap->len - 1);
  n = heap->len;
  h = (FSpan *) (gpointer) heap->data;
  for (;;)
    {
      guint l = 2 * i + 1, rr = l + 1, m = i;
      FSpan tmp;

      if (l < n && heap_less (&h[l], &h[m]))
        m = l;
      if (rr < n && heap_less (&h[rr], &h[m]))
        m = rr;
      if (m == i)
        break;
      tmp = h[i];
      h[i] = h[m];
      h[m] = tmp;
      i = m;
    }
  return top;
}

typedef struct
{
  gint64  id;
  guint32 obj;
  guint32 pad;
  GArray *starts;   /* Rec indices (guint) */
} AsyncOpen;

/* The events of one lane, in time order, and its args. */
static void
build_foreign_lane (WeftForeignTrace *self,
                    ImpLane          *lane,
                    guint64           base,
                    LaneOut          *out,
                    guint64          *n_unmatched_end,
                    guint64          *n_unclosed)
{
  GArray *recs = lane->recs;
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (FSpan));
  g_autoptr(GArray) others = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(GArray) heap = g_array_new (FALSE, FALSE, sizeof (FSpan));
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) async = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_array_unref);
  guint worker = lane->worker;
  guint oi = 0;

  sort_array (recs, compare_recs);

  for (guint i = 0; i < recs->len; i++)
    {
      const Rec *rec = &g_array_index (recs, Rec, i);
      guint64 t = base + (guint64) (rec->ts - self->min_ts);
      FSpan span = { .start = t, .obj = rec->obj, .seq = rec->seq, .args = rec->args };

      switch (rec->ph)
        {
        case 'X':
          span.end = t + (guint64) rec->dur;
          g_array_append_val (spans, span);
          break;
        case 'B':
          g_array_append_val (stack, i);
          break;
        case 'E':
          if (stack->len == 0)
            (*n_unmatched_end)++;
          else
            {
              const Rec *b = &g_array_index (recs, Rec, g_array_index (stack, guint, stack->len - 1));

              span.start = base + (guint64) (b->ts - self->min_ts);
              span.obj = b->obj;
              span.seq = b->seq;
              span.args = merge_args (self, out, b->args, rec->args);
              span.end = t;
              g_array_append_val (spans, span);
              g_array_set_size (stack, stack->len - 1);
            }
          break;
        case 'b':
        case 'e':
          {
            gint64 key = rec->a0 ^ ((gint64) rec->obj << 40);
            GArray *starts = g_hash_table_lookup (async, &key);

            if (rec->ph == 'b')
              {
                if (starts == NULL)
                  {
                    starts = g_array_new (FALSE, FALSE, sizeof (guint));
                    g_hash_table_insert (async, g_memdup2 (&key, sizeof key), starts);
                  }
                g_array_append_val (starts, i);
              }
            else if (starts == NULL || starts->len == 0)
              (*n_unmatched_end)++;
            else
              {
                const Rec *b = &g_array_index (recs, Rec, g_array_index (starts, guint, starts->len - 1));

                span.start = base + (guint64) (b->ts - self->min_ts);
                span.seq = b->seq;
                span.args = merge_args (self, out, b->args, rec->args);
                span.end = t;
                g_array_append_val (spans, span);
                g_array_set_size (starts, starts->len - 1);
              }
          }
          break;
        case 'i':
        case 'I':
        case 'n':
          {
            WeftEvent e = mkev (t, worker, WEFT_EVENT_INSTANT, rec->obj, 0, 0);

            g_array_append_val (others, e);
            args_out (out, t, WEFT_ARGS_SLOT_INSTANT, rec->args);
          }
          break;
        case 'C':
          {
            WeftEvent e = mkev (t, worker, WEFT_EVENT_COUNTER, rec->obj, rec->a0, 0);

            g_array_append_val (others, e);
          }
          break;
        case 's':
        case 'f':
          {
            /* a flow's ends, carried as a put and a get that did not block;
             * a flow is no queue: no depth (-1), no depth track */
            gboolean put = rec->ph == 's';
            WeftEvent e = mkev (t, worker, put ? WEFT_EVENT_QUEUE_PUT_END : WEFT_EVENT_QUEUE_GET_END, rec->obj, -1, rec->a0);

            g_array_append_val (others, e);
          }
          break;
        default:
          break;
        }
    }

  /* Never ended: open until the model's finish() closes them. */
  for (guint k = 0; k < stack->len; k++)
    {
      const Rec *b = &g_array_index (recs, Rec, g_array_index (stack, guint, k));
      FSpan span = { base + (guint64) (b->ts - self->min_ts), G_MAXUINT64, b->obj, b->seq, b->args };

      g_array_append_val (spans, span);
      (*n_unclosed)++;
    }
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, async);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        GArray *starts = value;

        for (guint k = 0; k < starts->len; k++)
          {
            const Rec *b = &g_array_index (recs, Rec, g_array_index (starts, guint, k));
            FSpan span = { base + (guint64) (b->ts - self->min_ts), G_MAXUINT64, b->obj, b->seq, b->args };

            g_array_append_val (spans, span);
            (*n_unclosed)++;
          }
      }
  }
  g_clear_pointer (&lane->recs, g_array_unref);
  lane->recs = g_array_new (FALSE, FALSE, sizeof (Rec));

  /* Sweep: begins in (start, outer first) order, ends innermost first. */
  sort_array (spans, compare_fspans);
  for (guint i = 0; i <= spans->len; i++)
    {
      const FSpan *s = i < spans->len ? &g_array_index (spans, FSpan, i) : NULL;

      while (heap->len > 0)
        {
          const FSpan *top = &g_array_index (heap, FSpan, 0);
          FSpan done;
          WeftEvent e;

          if (s != NULL && !(top->end < s->start || (top->end == s->start && top->start < s->start)))
            break;
          if (top->end == G_MAXUINT64)
            break;
          done = heap_pop (heap);
          while (oi < others->len && g_array_index (others, WeftEvent, oi).time_ns <= done.end)
            g_array_append_val (events, g_array_index (others, WeftEvent, oi++));
          e = mkev (done.end, worker, WEFT_EVENT_TASK_END, done.obj, WEFT_TASK_OK, 0);
          g_array_append_val (events, e);
        }
      if (s == NULL)
        break;
      while (oi < others->len && g_array_index (others, WeftEvent, oi).time_ns < s->start)
        g_array_append_val (events, g_array_index (others, WeftEvent, oi++));
      {
        WeftEvent e = mkev (s->start, worker, WEFT_EVENT_TASK_BEGIN, s->obj, 0, 0);

        g_array_append_val (events, e);
      }
      /* its depth in the model: the spans open around it */
      if (heap->len < WEFT_LANE_MAX_DEPTH)
        args_out (out, s->start, heap->len + 1, s->args);
      heap_push (heap, *s);
    }
  while (oi < others->len)
    g_array_append_val (events, g_array_index (others, WeftEvent, oi++));

  /* What the sweep leaves open never ended; the lane's events are in time
   * order, as the model requires of one worker. */
  for (guint k = 0; k < heap->len; k++)
    g_assert (g_array_index (heap, FSpan, k).end == G_MAXUINT64);
  for (guint k = 1; k < events->len; k++)
    g_assert (g_array_index (events, WeftEvent, k - 1).time_ns <= g_array_index (events, WeftEvent, k).time_ns);
  out->events = g_steal_pointer (&events);
  /* in the order the model's table appends in */
  if (out->args != NULL)
    sort_array (out->args, compare_args_out);
}

/* The lanes are built (sorted and swept) on two threads, each taking the
 * next lane not taken yet; they are appended in order afterwards. */
typedef struct
{
  WeftForeignTrace *self;
  GPtrArray        *order;
  guint64           base;
  LaneOut          *out;          /* per lane */
  gint              next;
  GCancellable     *cancellable;
} BuildLanes;

typedef struct
{
  BuildLanes *job;
  guint64     n_unmatched_end;
  guint64     n_unclosed;
} BuildPart;

static gpointer
build_lanes_thread (gpointer data)
{
  BuildPart *part = data;
  BuildLanes *job = part->job;
  gint i;

  while ((i = g_atomic_int_add (&job->next, 1)) < (gint) job->order->len &&
         !g_cancellable_is_cancelled (job->cancellable))
    build_foreign_lane (job->self, g_ptr_array_index (job->order, i), job->base, &job->out[i],
                        &part->n_unmatched_end, &part->n_unclosed);
  return NULL;
}

static gboolean
build_lanes (WeftForeignTrace  *self,
             GPtrArray         *order,
             guint64            base,
             LaneOut           *out,
             GCancellable      *cancellable,
             GError           **error)
{
  BuildLanes job = { self, order, base, out, 0, cancellable };
  BuildPart parts[2] = { { &job, 0, 0 }, { &job, 0, 0 } };
  GThread *helper = NULL;
  guint64 n_recs = 0;

  for (guint i = 0; i < order->len; i++)
    n_recs += ((ImpLane *) g_ptr_array_index (order, i))->recs->len;
  /* a helper only where it pays (for a small trace, the wait for it to be
   * scheduled on a loaded machine costs more) */
  if (order->len > 1 && n_recs >= BUILD_THREAD_MIN_RECS)
    helper = g_thread_try_new ("weft-import-lanes", build_lanes_thread, &parts[1], NULL);

  build_lanes_thread (&parts[0]);
  if (helper != NULL)
    g_thread_join (helper);
  for (guint k = 0; k < 2; k++)
    {
      self->stats->n_unmatched_end += parts[k].n_unmatched_end;
      self->stats->n_unclosed += parts[k].n_unclosed;
    }
  for (guint i = 0; i < order->len; i++)
    if (out[i].events == NULL)
      out[i].events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static int
compare_lanes (const void *a,
               const void *b)
{
  const ImpLane *x = *(ImpLane * const *) a, *y = *(ImpLane * const *) b;

  if (x->pid != y->pid)
    return x->pid < y->pid ? -1 : 1;
  if (x->async_cat != y->async_cat)
    return x->async_cat < y->async_cat ? -1 : 1;
  if (x->has_sort != y->has_sort)
    return x->has_sort ? -1 : 1;
  if (x->has_sort && x->sort_index != y->sort_index)
    return x->sort_index < y->sort_index ? -1 : 1;
  if (x->tid != y->tid)
    return x->tid < y->tid ? -1 : 1;
  return 0;
}

/**
 * _weft_foreign_trace_build:
 * @self: a builder that has seen every event
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Builds the model: lanes in (pid, sort index, tid) order, each lane's
 * records sorted and turned into the events a live run would have sent,
 * appended the ordinary way, then finished.
 *
 * Returns: (transfer full) (nullable): the model, or %NULL if cancelled
 */
WeftTraceModel *
_weft_foreign_trace_build (WeftForeignTrace  *self,
                           GCancellable      *cancellable,
                           GError           **error)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GPtrArray) lane_events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autofree LaneOut *out = NULL;
  guint64 base = 0;

  weft_trace_model_set_named_slices (model, TRUE);

  /* Counter-only lanes join a thread lane of their process. */
  for (guint i = 0; i < self->lanes->len; i++)
    {
      ImpLane *lane = g_ptr_array_index (self->lanes, i);

      if (lane->n_timeline == 0 && lane->recs->len > 0 && lane->async_cat == 0)
        for (guint j = 0; j < self->lanes->len; j++)
          {
            ImpLane *other = g_ptr_array_index (self->lanes, j);

            if (other != lane && other->pid == lane->pid && other->n_timeline > 0 && other->async_cat == 0)
              {
                g_array_append_vals (other->recs, lane->recs->data, lane->recs->len);
                g_array_set_size (lane->recs, 0);
                lane->merged = TRUE;
                break;
              }
          }
      /* Lanes that only had metadata (names of threads without events) are not shown. */
      if (!lane->merged && lane->recs->len > 0)
        g_ptr_array_add (order, lane);
    }
  g_ptr_array_sort (order, compare_lanes);

  for (guint i = 0; i < order->len; i++)
    {
      ImpLane *lane = g_ptr_array_index (order, i);
      const char *pname = g_hash_table_lookup (self->process_names, &lane->pid);
      g_autofree char *name = NULL;

      g_assert (i < WEFT_MAX_WORKERS);
      lane->worker = i;
      if (lane->async_cat != 0)
        name = g_strdup_printf ("%s%s(async) %s", pname ? pname : "", pname ? " " : "",
                                (const char *) g_ptr_array_index (self->name_list, lane->async_cat - 1));
      else if (lane->name != NULL && pname != NULL)
        name = g_strdup_printf ("%s: %s", pname, lane->name);
      else if (lane->name != NULL)
        name = g_strdup (lane->name);
      else if (pname != NULL)
        name = g_strdup_printf ("%s: %" G_GINT64_FORMAT, pname, lane->tid);
      else
        name = g_strdup_printf ("pid %" G_GINT64_FORMAT " tid %" G_GINT64_FORMAT, lane->pid, lane->tid);
      weft_trace_model_set_lane_name (model, i, name);
      weft_trace_model_set_lane_executor (model, i, WEFT_EXECUTOR_EXTERNAL, lane->pid);
    }

  for (guint i = 0; i < self->name_list->len; i++)
    {
      /* name_list also holds async categories; declaring them is harmless */
      weft_trace_model_declare_object (model, i + 1, WEFT_OBJECT_TASK, 0);
      weft_trace_model_set_object_name (model, i + 1, g_ptr_array_index (self->name_list, i));
    }
  for (guint i = 0; i < self->counter_names->len; i++)
    {
      weft_trace_model_declare_object (model, FOREIGN_COUNTER_BASE + i + 1, WEFT_OBJECT_COUNTER, 0);
      weft_trace_model_set_object_name (model, FOREIGN_COUNTER_BASE + i + 1, g_ptr_array_index (self->counter_names, i));
    }
  for (guint i = 0; i < self->flow_names->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("flow %s", (const char *) g_ptr_array_index (self->flow_names, i));

      weft_trace_model_declare_object (model, FOREIGN_FLOW_BASE + i + 1, WEFT_OBJECT_QUEUE, 0);
      weft_trace_model_set_object_name (model, FOREIGN_FLOW_BASE + i + 1, name);
    }

  out = g_new0 (LaneOut, order->len + 1);
  if (!build_lanes (self, order, base, out, cancellable, error))
    {
      for (guint i = 0; i < order->len; i++)
        lane_out_clear (&out[i]);
      return NULL;
    }
  for (guint i = 0; i < order->len; i++)
    g_ptr_array_add (lane_events, g_steal_pointer (&out[i].events));
  append_merged (model, lane_events);
  g_clear_pointer (&lane_events, g_ptr_array_unref);
  /* the args, lane after lane, once the spans are in: the model keeps them
   * where they are (written here, so already what it accepts), merged
   * ones moved in after the others */
  {
    WeftArgsStore *store = self->args;

    self->args = _weft_args_store_new ();
    _weft_trace_model_adopt_args (model, store);
    for (guint i = 0; i < order->len; i++)
      {
        for (guint k = 0; out[i].args != NULL && k < out[i].args->len; k++)
          {
            const ArgsOut *a = &g_array_index (out[i].args, ArgsOut, k);
            guint32 ref = a->args;

            if (ref & ARGS_OWN)
              {
                gsize len;
                const char *text = _weft_args_store_get (out[i].own, ref & ~ARGS_OWN, &len);

                ref = _weft_args_store_add (store, text, len);
              }
            if (ref != 0)
              _weft_trace_model_add_adopted_args (model, i, a->slot, a->time_ns, ref);
          }
        lane_out_clear (&out[i]);
      }
  }
  weft_trace_model_finish (model, 0);
  self->stats->n_lanes = weft_trace_model_get_n_lanes (model);
  return g_steal_pointer (&model);
}


/* ---- the second half of the events, read on another thread ---------------- */

/* @part's ids → @self's for the entries of one list, which the tables
 * @tables[k] of @self and @part_tables[k] of @part share. They are
 * interned again in @part's order of ids, which is the order they were
 * first seen in: the ids come out as if one builder had seen every event.
 * New entries are named as @part named them. */
static guint32 *
remap_list (GHashTable **tables,
            GHashTable **part_tables,
            guint        n_tables,
            GPtrArray   *list,
            GPtrArray   *part_list,
            guint32      base)
{
  guint32 *map = g_new0 (guint32, part_list->len + 1);
  g_autofree gpointer *keys = g_new0 (gpointer, part_list->len + 1);
  g_autofree guint *which = g_new0 (guint, part_list->len + 1);

  for (guint k = 0; k < n_tables; k++)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, part_tables[k]);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          keys[GPOINTER_TO_UINT (value) - base] = key;
          which[GPOINTER_TO_UINT (value) - base] = k;
        }
    }
  for (guint id = 1; id <= part_list->len; id++)
    {
      GHashTable *table = tables[which[id]];
      gpointer have;

      if (keys[id] == NULL)
        continue;
      have = g_hash_table_lookup (table, keys[id]);
      if (have == NULL)
        {
          g_ptr_array_add (list, g_strdup (g_ptr_array_index (part_list, id - 1)));
          have = GUINT_TO_POINTER (base + list->len);
          g_hash_table_insert (table, g_strdup (keys[id]), have);
        }
      map[id] = GPOINTER_TO_UINT (have);
    }
  return map;
}

static void
take_process_meta (GHashTable *to,
                   GHashTable *from)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_iter_steal (&iter);
      g_hash_table_insert (to, key, value);
    }
}

/* Moves @from's records into @to, after those @to has (their sequence
 * numbers after @seq0), with @part's ids turned into @self's. */
static void
take_lane (WeftForeignTrace *self,
           ImpLane          *to,
           ImpLane          *from,
           guint32           seq0,
           guint32           args0,
           const guint32    *names,
           const guint32    *counters,
           const guint32    *flows)
{
  guint first = to->recs->len;

  g_array_append_vals (to->recs, from->recs->data, from->recs->len);
  for (guint i = first; i < to->recs->len; i++)
    {
      Rec *rec = &g_array_index (to->recs, Rec, i);

      rec->seq += seq0;
      if (rec->args != 0)
        rec->args = args0 != G_MAXUINT32 ? rec->args + args0 : 0;
      if (rec->ph == 'C')
        rec->obj = counters[rec->obj - FOREIGN_COUNTER_BASE];
      else if (rec->ph == 's' || rec->ph == 'f')
        rec->obj = flows[rec->obj - FOREIGN_FLOW_BASE];
      else
        rec->obj = names[rec->obj];
    }
  to->n_timeline += from->n_timeline;
  if (from->name != NULL)
    {
      g_free (to->name);
      to->name = g_steal_pointer (&from->name);
    }
  if (from->has_sort)
    {
      to->sort_index = from->sort_index;
      to->has_sort = TRUE;
    }
}

/**
 * _weft_foreign_trace_merge:
 * @self: the builder of the first part of the events
 * @part: the builder of the rest (with its own names and ids), emptied
 *
 * Takes @part's events as if @self had been given them after its own:
 * names, counters and flow queues are interned again, a lane's name and
 * sort index from @part win, as a later metadata event does.
 *
 * Returns: %FALSE, with neither changed, if the lanes would be more than
 *   Weft shows (then the events must be given to @self again)
 */
gboolean
_weft_foreign_trace_merge (WeftForeignTrace *self,
                           WeftForeignTrace *part)
{
  g_autofree guint32 *names = NULL;
  g_autofree guint32 *counters = NULL;
  g_autofree guint32 *flows = NULL;
  guint32 args0 = G_MAXUINT32;
  guint n_new = 0;

  /* Async lanes are counted as new: their categories' ids differ. */
  for (guint i = 0; i < part->lanes->len; i++)
    {
      ImpLane *lane = g_ptr_array_index (part->lanes, i);
      LaneKey key = { lane->pid, lane->tid, 0 };

      n_new += lane->async_cat != 0 || g_hash_table_lookup (self->lane_index, &key) == NULL;
    }
  if (self->lanes->len + n_new > WEFT_MAX_WORKERS || part->stats->n_lanes_over > 0)
    return FALSE;

  /* Names and async categories share one list. */
  {
    GHashTable *mine[] = { self->names, self->cats };
    GHashTable *theirs[] = { part->names, part->cats };

    names = remap_list (mine, theirs, 2, self->name_list, part->name_list, 0);
  }
  counters = remap_list (&self->counters, &part->counters, 1, self->counter_names, part->counter_names,
                         FOREIGN_COUNTER_BASE);
  flows = remap_list (&self->flow_queues, &part->flow_queues, 1, self->flow_names, part->flow_names,
                      FOREIGN_FLOW_BASE);

  /* @part's args after @self's, if they fit */
  args0 = _weft_args_store_take (self->args, part->args);
  for (guint i = 0; i < part->lanes->len; i++)
    {
      ImpLane *lane = g_ptr_array_index (part->lanes, i);
      guint32 cat = lane->async_cat != 0 ? names[lane->async_cat] : 0;
      ImpLane *mine = lane_get (self, lane->pid, lane->tid, cat, TRUE);

      take_lane (self, mine, lane, self->seq, args0, names, counters, flows);
    }
  self->seq += part->seq;
  take_process_meta (self->process_names, part->process_names);
  take_process_meta (self->process_sort, part->process_sort);
  if (part->have_min_ts && (!self->have_min_ts || part->min_ts < self->min_ts))
    {
      self->min_ts = part->min_ts;
      self->have_min_ts = TRUE;
    }
  return TRUE;
}

/**
 * _weft_foreign_trace_new:
 * @stats: where to count what is used and skipped (kept by the caller)
 *
 * Returns: (transfer full): an empty builder
 */
WeftForeignTrace *
_weft_foreign_trace_new (WeftTraceImportStats *stats)
{
  WeftForeignTrace *self = g_new0 (WeftForeignTrace, 1);

  self->stats = stats;
  self->lane_index = g_hash_table_new_full (lane_key_hash, lane_key_equal, g_free, NULL);
  self->lanes = g_ptr_array_new_with_free_func (imp_lane_free);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->name_list = g_ptr_array_new_with_free_func (g_free);
  self->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->counter_names = g_ptr_array_new_with_free_func (g_free);
  self->flow_queues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->flow_names = g_ptr_array_new_with_free_func (g_free);
  self->cats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->process_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->process_sort = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->args = _weft_args_store_new ();
  self->args_text = g_string_sized_new (WEFT_SPAN_ARGS_MAX + 64);
  self->args_lit = g_string_sized_new (256);
  return self;
}

void
_weft_foreign_trace_free (WeftForeignTrace *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->lane_index);
  g_ptr_array_unref (self->lanes);
  g_hash_table_unref (self->names);
  g_ptr_array_unref (self->name_list);
  g_hash_table_unref (self->counters);
  g_ptr_array_unref (self->counter_names);
  g_hash_table_unref (self->flow_queues);
  g_ptr_array_unref (self->flow_names);
  g_hash_table_unref (self->cats);
  g_hash_table_unref (self->process_names);
  g_hash_table_unref (self->process_sort);
  _weft_args_store_free (self->args);
  g_string_free (self->args_text, TRUE);
  g_string_free (self->args_lit, TRUE);
  g_free (self);
}
