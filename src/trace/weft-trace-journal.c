/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-spill-private.h"
#include "weft-trace-journal-private.h"
#include "weft-trace-meta.h"
#include "weft-varint-private.h"

/*
 * The encoding. Each entry starts with one byte: its low five bits say what
 * it is (an event kind below CODE_EVENT, or one of the codes below);
 * for an event, the high bits say which fields are left out. Numbers are
 * LEB128 varints, signed ones zigzag-encoded. An event's time is the
 * difference from the previous time of its worker (modulo 2^64, so any
 * value survives): per worker, times mostly grow by little.
 *
 *   event         [same worker: no worker] [worker] dtime object [arg0] [arg1]
 *   CODE_EVENT    the same, then the kind (kinds from CODE_EVENT on: the core
 *                 waits, and kinds Weft does not know)
 *   CODE_BATCH    end of one weft_trace_model_append()
 *   CODE_LANE_NAME      worker length bytes
 *   CODE_LANE_EXECUTOR  worker executor pid
 *   CODE_DECLARE        object kind initial
 *   CODE_OBJECT_NAME    object length bytes
 *   CODE_FINISH         end_ns
 *   CODE_MORE           a sub-code, then that entry (the last code: entries
 *                       added later take this way):
 *     MORE_TASK_ERROR   task length bytes (what a failed task raised)
 *     MORE_NAMED_SLICES 0 or 1 (the running spans are another program's
 *                       named slices)
 *     MORE_ARGS         worker slot time length bytes: the args of a slice
 *                       (slot = its depth + 1) or an instant (slot 0) of
 *                       that worker starting at that time, a JSON object
 *                       (weft-span-args.h)
 */

enum
{
  CODE_EVENT = WEFT_EVENT_CORE_WAIT_BEGIN,   /* fixed: kinds added later take this way */
  CODE_BATCH,
  CODE_LANE_NAME,
  CODE_LANE_EXECUTOR,
  CODE_DECLARE,
  CODE_OBJECT_NAME,
  CODE_FINISH,
  CODE_MORE,                /* fixed: the last code */
  N_CODES,
};

/* Sub-codes after CODE_MORE */
enum
{
  MORE_TASK_ERROR,
  MORE_NAMED_SLICES,
  MORE_ARGS,
};

G_STATIC_ASSERT (N_CODES <= 32);

#define CODE_MASK    0x1f
#define SAME_WORKER  0x20
#define ARG0_ZERO    0x40
#define ARG1_ZERO    0x80

/* A replayed batch longer than this (32 MiB of events) is applied in parts,
 * so that a hostile journal cannot make one huge batch; the model's result
 * does not depend on where batches are cut. */
#define MAX_REPLAY_BATCH (1u << 20)

/* Previous times are kept per worker slot; any u16 worker maps to one. */
#define TIME_SLOTS   WEFT_MAX_WORKERS

/* Events encoded per reservation: the array grows with what is written,
 * not with the worst case of a whole batch. */
#define EVENTS_PER_STEP 4096

/* A GByteArray holds less than 4 GiB; a journal stops short of that (about
 * 700 M events) and is then incomplete: the model cannot be exported. */
#define MAX_JOURNAL_BYTES (G_MAXUINT32 - (64u << 20))

/* What the journal keeps in memory before it moves it to its spill file */
#define SPILL_BYTES (4u << 20)

struct _WeftTraceJournal
{
  GByteArray *bytes;         /* what follows the spilled bytes */
  WeftSpill  *spill;         /* the journal's start, on disk, or NULL */
  guint64     spilled;       /* its length */
  gsize       spill_at;      /* SPILL_BYTES; 0: keep all in memory */
  guint64     limit;         /* MAX_JOURNAL_BYTES, lower in tests */
  gboolean    full;          /* something could not be recorded */
  guint64    *last_time;     /* TIME_SLOTS entries */
  guint32     last_worker;   /* G_MAXUINT32: none yet */
  guint       cursor;        /* events being written: the next byte */
  gboolean    writing;       /* between begin_events and end_events */
};

WeftTraceJournal *
_weft_trace_journal_new (void)
{
  WeftTraceJournal *journal = g_new0 (WeftTraceJournal, 1);

  journal->bytes = g_byte_array_new ();
  journal->limit = MAX_JOURNAL_BYTES;
  journal->spill_at = SPILL_BYTES;
  journal->last_time = g_new0 (guint64, TIME_SLOTS);
  journal->last_worker = G_MAXUINT32;
  return journal;
}

void
_weft_trace_journal_free (WeftTraceJournal *journal)
{
  if (journal == NULL)
    return;
  g_byte_array_unref (journal->bytes);
  _weft_spill_free (journal->spill);
  g_free (journal->last_time);
  g_free (journal);
}

/* ---- writing -------------------------------------------------------------- */

static inline guint8 *
reserve (WeftTraceJournal *journal,
         guint             n)
{
  guint len = journal->bytes->len;

  g_byte_array_set_size (journal->bytes, len + n);
  return journal->bytes->data + len;
}

/* The longest event entry: a byte and six varints of at most 10 bytes. */
#define MAX_EVENT_BYTES (1 + 6 * 10)

static inline guint
put_event (WeftTraceJournal *journal,
           guint8           *p,
           const WeftEvent  *ev)
{
  guint slot = ev->worker % TIME_SLOTS;
  guint8 head = ev->kind < CODE_EVENT ? (guint8) ev->kind : CODE_EVENT;
  guint n = 1;

  if (ev->worker == journal->last_worker)
    head |= SAME_WORKER;
  else
    n += _weft_put_varint (p + n, ev->worker);
  if (ev->arg0 == 0)
    head |= ARG0_ZERO;
  if (ev->arg1 == 0)
    head |= ARG1_ZERO;
  p[0] = head;
  n += _weft_put_varint (p + n, _weft_zigzag ((gint64) (ev->time_ns - journal->last_time[slot])));
  n += _weft_put_varint (p + n, ev->object);
  if (ev->arg0 != 0)
    n += _weft_put_varint (p + n, _weft_zigzag (ev->arg0));
  if (ev->arg1 != 0)
    n += _weft_put_varint (p + n, _weft_zigzag (ev->arg1));
  if ((head & CODE_MASK) == CODE_EVENT)
    n += _weft_put_varint (p + n, ev->kind);
  journal->last_worker = ev->worker;
  journal->last_time[slot] = ev->time_ns;
  return n;
}

/* Moves the bytes in memory to the spill file once there are many. Where
 * no file can be made, or the disk is full, the rest stays in memory. */
static void
maybe_spill (WeftTraceJournal *journal)
{
  if (journal->spill_at == 0 || journal->bytes->len < journal->spill_at)
    return;
  if (journal->spill == NULL && (journal->spill = _weft_spill_new (MAX_JOURNAL_BYTES)) == NULL)
    {
      journal->spill_at = 0;
      return;
    }
  if (!_weft_spill_append (journal->spill, journal->bytes->data, journal->bytes->len))
    {
      journal->spill_at = 0;
      return;
    }
  journal->spilled += journal->bytes->len;
  g_byte_array_set_size (journal->bytes, 0);
}

/* Whether @n_bytes more fit; if not, the journal is marked incomplete. */
static gboolean
has_room (WeftTraceJournal *journal,
          guint64           n_bytes)
{
  /* Nothing else is written in the middle of a batch's events. */
  g_assert (!journal->writing);
  maybe_spill (journal);
  if (!journal->full && journal->spilled + journal->bytes->len + n_bytes > journal->limit)
    journal->full = TRUE;
  return !journal->full;
}

/**
 * _weft_trace_journal_begin_events:
 * @n_events: how many _weft_trace_journal_event() calls follow
 *
 * Starts a batch written event by event, in step with the model's own pass
 * over it (one read of each event, not two). Returns FALSE if the journal is
 * full: the batch's events and its end are then not recorded.
 */
gboolean
_weft_trace_journal_begin_events (WeftTraceJournal *journal,
                                  gsize             n_events)
{
  journal->writing = has_room (journal, (guint64) n_events * MAX_EVENT_BYTES + 1);
  journal->cursor = journal->bytes->len;
  return journal->writing;
}

/* Reserves room for many events at a time, trimmed at the end. */
void
_weft_trace_journal_event (WeftTraceJournal *journal,
                           const WeftEvent  *ev)
{
  if (G_UNLIKELY (!journal->writing))
    return;
  if (G_UNLIKELY (journal->cursor + MAX_EVENT_BYTES > journal->bytes->len))
    reserve (journal, EVENTS_PER_STEP * MAX_EVENT_BYTES);
  journal->cursor += put_event (journal, journal->bytes->data + journal->cursor, ev);
}

void
_weft_trace_journal_end_events (WeftTraceJournal *journal)
{
  guint8 code = CODE_BATCH;

  if (!journal->writing)
    return;
  g_byte_array_set_size (journal->bytes, journal->cursor);
  g_byte_array_append (journal->bytes, &code, 1);
  journal->writing = FALSE;
}

static void
put_u (WeftTraceJournal *journal,
       guint64           v)
{
  guint8 buf[10];

  g_byte_array_append (journal->bytes, buf, _weft_put_varint (buf, v));
}

static void
put_text (WeftTraceJournal *journal,
          guint8            code,
          guint64           id,
          const char       *text)
{
  gsize len = strlen (text);

  if (!has_room (journal, 1 + 2 * 10 + (guint64) len))
    return;
  g_byte_array_append (journal->bytes, &code, 1);
  put_u (journal, id);
  put_u (journal, len);
  g_byte_array_append (journal->bytes, (const guint8 *) text, (guint) len);
}

void
_weft_trace_journal_lane_name (WeftTraceJournal *journal,
                               guint             worker,
                               const char       *name)
{
  put_text (journal, CODE_LANE_NAME, worker, name);
}

void
_weft_trace_journal_object_name (WeftTraceJournal *journal,
                                 guint32           object,
                                 const char       *name)
{
  put_text (journal, CODE_OBJECT_NAME, object, name);
}

void
_weft_trace_journal_task_error (WeftTraceJournal *journal,
                                guint32           task,
                                const char       *error)
{
  guint8 code = CODE_MORE;
  gsize len = strlen (error);

  if (!has_room (journal, 2 + 2 * 10 + (guint64) len))
    return;
  g_byte_array_append (journal->bytes, &code, 1);
  put_u (journal, MORE_TASK_ERROR);
  put_u (journal, task);
  put_u (journal, len);
  g_byte_array_append (journal->bytes, (const guint8 *) error, (guint) len);
}

void
_weft_trace_journal_named_slices (WeftTraceJournal *journal,
                                  gboolean          named)
{
  guint8 code = CODE_MORE;

  if (!has_room (journal, 3))
    return;
  g_byte_array_append (journal->bytes, &code, 1);
  put_u (journal, MORE_NAMED_SLICES);
  put_u (journal, named ? 1 : 0);
}

/**
 * _weft_trace_journal_args:
 * @slot: 0 for an instant, a span's depth + 1
 * @args: (array length=len): a JSON object
 *
 * Returns: where @args starts in the journal's bytes (for
 *   _weft_trace_journal_peek()), or %G_MAXUINT64 if the journal is full
 */
guint64
_weft_trace_journal_args (WeftTraceJournal *journal,
                          guint             worker,
                          guint             slot,
                          guint64           time_ns,
                          const char       *args,
                          gsize             len)
{
  if (!has_room (journal, 2 + 4 * 10 + (guint64) len))
    return G_MAXUINT64;
  return journal->spilled + _weft_trace_journal_encode_args (journal->bytes, worker, slot, time_ns, args, len);
}

/**
 * _weft_trace_journal_encode_args:
 * @out: where the entry goes
 *
 * Appends the entry _weft_trace_journal_args() records to @out.
 *
 * Returns: where @args starts in @out
 */
guint64
_weft_trace_journal_encode_args (GByteArray *out,
                                 guint       worker,
                                 guint       slot,
                                 guint64     time_ns,
                                 const char *args,
                                 gsize       len)
{
  guint8 head[2 + 4 * 10];
  guint n = 0;
  guint64 at;

  head[n++] = CODE_MORE;
  n += _weft_put_varint (head + n, MORE_ARGS);
  n += _weft_put_varint (head + n, worker);
  n += _weft_put_varint (head + n, slot);
  n += _weft_put_varint (head + n, time_ns);
  n += _weft_put_varint (head + n, len);
  g_byte_array_append (out, head, n);
  at = out->len;
  g_byte_array_append (out, (const guint8 *) args, (guint) len);
  return at;
}

/* The journal's bytes from @offset on (whether it is full or not), up to
 * the end of the entry there. */
const char *
_weft_trace_journal_peek (WeftTraceJournal *journal,
                          guint64           offset)
{
  if (offset < journal->spilled)
    return (const char *) _weft_spill_peek (journal->spill, offset);
  g_assert (offset - journal->spilled <= journal->bytes->len);
  return (const char *) journal->bytes->data + (offset - journal->spilled);
}

static void
put_triple (WeftTraceJournal *journal,
            guint8            code,
            guint64           a,
            guint64           b,
            gint64            c)
{
  if (!has_room (journal, 1 + 3 * 10))
    return;
  g_byte_array_append (journal->bytes, &code, 1);
  put_u (journal, a);
  put_u (journal, b);
  put_u (journal, _weft_zigzag (c));
}

void
_weft_trace_journal_lane_executor (WeftTraceJournal *journal,
                                   guint             worker,
                                   WeftExecutorKind  executor,
                                   gint64            pid)
{
  put_triple (journal, CODE_LANE_EXECUTOR, worker, (guint64) executor, pid);
}

void
_weft_trace_journal_declare_object (WeftTraceJournal *journal,
                                    guint32           object,
                                    WeftObjectKind    kind,
                                    gint64            initial)
{
  put_triple (journal, CODE_DECLARE, object, (guint64) kind, initial);
}

void
_weft_trace_journal_finish (WeftTraceJournal *journal,
                            guint64           end_ns)
{
  guint8 code = CODE_FINISH;

  if (!has_room (journal, 1 + 10))
    return;
  g_byte_array_append (journal->bytes, &code, 1);
  put_u (journal, end_ns);
}

/* For tests: a lower limit than about 4 GiB. */
void
_weft_trace_journal_set_limit (WeftTraceJournal *journal,
                               guint             limit)
{
  journal->limit = MIN (limit, MAX_JOURNAL_BYTES);
}

/* For tests: spill once @n_bytes are in memory (0: never). */
void
_weft_trace_journal_set_spill (WeftTraceJournal *journal,
                               gsize             n_bytes)
{
  journal->spill_at = n_bytes;
}

/* How many of the journal's bytes are on disk (for tests) */
guint64
_weft_trace_journal_get_spilled (WeftTraceJournal *journal)
{
  return journal->spilled;
}

/**
 * _weft_trace_journal_get_length:
 * @journal: a journal
 * @out_len: (out): its length in bytes, or 0
 *
 * Returns: %FALSE if it outgrew its limit (about 4 GiB) and is incomplete
 */
gboolean
_weft_trace_journal_get_length (WeftTraceJournal *journal,
                                guint64          *out_len)
{
  *out_len = journal->full ? 0 : journal->spilled + journal->bytes->len;
  return !journal->full;
}

/**
 * _weft_trace_journal_read:
 * @offset: where to start; @offset + @len is at most the length
 * @buf: (out caller-allocates) (array length=len): where the bytes go
 *
 * Copies part of the encoded journal, from disk or memory.
 *
 * Returns: %FALSE with @error set if the spill file could not be read
 */
gboolean
_weft_trace_journal_read (WeftTraceJournal *journal,
                          guint64           offset,
                          guint8           *buf,
                          gsize             len,
                          GError          **error)
{
  gsize from_disk = (gsize) MIN ((guint64) len, journal->spilled - MIN (offset, journal->spilled));

  g_return_val_if_fail (offset + len <= journal->spilled + journal->bytes->len, FALSE);

  if (from_disk > 0 && !_weft_spill_read (journal->spill, offset, buf, from_disk, error))
    return FALSE;
  if (len > from_disk)
    memcpy (buf + from_disk, journal->bytes->data + (offset + from_disk - journal->spilled), len - from_disk);
  return TRUE;
}

/* ---- replaying ------------------------------------------------------------ */

typedef struct
{
  const guint8 *p;
  const guint8 *end;
  const guint8 *start;
  guint64      *last_time;
  guint32       last_worker;
  GArray       *batch;
  const char   *bad;      /* what was wrong, or NULL */
} Replay;

static gboolean
get_varint (Replay  *r,
            guint64 *out)
{
  guint64 v = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 b;

      if (r->p == r->end)
        {
          r->bad = "it ends inside an entry";
          return FALSE;
        }
      b = *r->p++;
      v |= (guint64) (b & 0x7f) << shift;
      if ((b & 0x80) == 0)
        {
          *out = v;
          return TRUE;
        }
    }
  r->bad = "a number is longer than 64 bits";
  return FALSE;
}

static gboolean
get_event (Replay  *r,
           guint8   head,
           WeftEvent *ev)
{
  guint64 worker = r->last_worker, dt, object, a0 = 0, a1 = 0, kind = head & CODE_MASK;

  if ((head & SAME_WORKER) == 0 && !get_varint (r, &worker))
    return FALSE;
  if ((head & SAME_WORKER) != 0 && r->last_worker == G_MAXUINT32)
    {
      r->bad = "its first event has no worker";
      return FALSE;
    }
  if (!get_varint (r, &dt) || !get_varint (r, &object) ||
      ((head & ARG0_ZERO) == 0 && !get_varint (r, &a0)) ||
      ((head & ARG1_ZERO) == 0 && !get_varint (r, &a1)) ||
      (kind == CODE_EVENT && !get_varint (r, &kind)))
    return FALSE;
  if (worker > G_MAXUINT16 || object > G_MAXUINT32 || kind > G_MAXUINT16)
    {
      r->bad = "an event field is out of range";
      return FALSE;
    }
  ev->worker = (guint16) worker;
  ev->time_ns = r->last_time[worker % TIME_SLOTS] + (guint64) _weft_unzigzag (dt);
  ev->object = (guint32) object;
  ev->arg0 = _weft_unzigzag (a0);
  ev->arg1 = _weft_unzigzag (a1);
  ev->kind = (guint16) kind;
  r->last_worker = ev->worker;
  r->last_time[worker % TIME_SLOTS] = ev->time_ns;
  return TRUE;
}

static gboolean
get_text (Replay   *r,
          guint64  *out_id,
          char    **out_text)
{
  guint64 len;

  if (!get_varint (r, out_id) || !get_varint (r, &len))
    return FALSE;
  if (len > (guint64) (r->end - r->p))
    {
      r->bad = "a name runs past its end";
      return FALSE;
    }
  *out_text = g_strndup ((const char *) r->p, (gsize) len);
  r->p += len;
  return TRUE;
}

static gboolean
replay_args (Replay         *r,
             WeftTraceModel *model)
{
  guint64 worker, slot, t, len;

  if (!get_varint (r, &worker) || !get_varint (r, &slot) || !get_varint (r, &t) || !get_varint (r, &len))
    return FALSE;
  if (len > (guint64) (r->end - r->p))
    {
      r->bad = "args run past their end";
      return FALSE;
    }
  if (worker >= WEFT_MAX_WORKERS || slot > WEFT_LANE_MAX_DEPTH)
    {
      r->bad = "args of a worker or depth out of range";
      return FALSE;
    }
  if (!(slot == 0 ? weft_trace_model_set_instant_args (model, (guint) worker, t, (const char *) r->p, (gssize) len)
                  : weft_trace_model_set_span_args (model, (guint) worker, (guint) slot - 1, t, (const char *) r->p, (gssize) len)))
    {
      r->bad = "args that are not a JSON object of at most 1 KiB";
      return FALSE;
    }
  r->p += len;
  return TRUE;
}

/* Applies one entry that is not an event. */
static gboolean
replay_entry (Replay         *r,
              guint8          code,
              WeftTraceModel *model)
{
  g_autofree char *text = NULL;
  guint64 a, b, c;

  switch (code)
    {
    case CODE_BATCH:
      if (weft_trace_model_get_finished (model))
        {
          r->bad = "events follow the end of the run";
          return FALSE;
        }
      weft_trace_model_append (model, (const WeftEvent *) (gpointer) r->batch->data, r->batch->len);
      g_array_set_size (r->batch, 0);
      return TRUE;

    case CODE_LANE_NAME:
    case CODE_OBJECT_NAME:
      if (!get_text (r, &a, &text))
        return FALSE;
      if (code == CODE_LANE_NAME ? a >= WEFT_MAX_WORKERS : a > G_MAXUINT32)
        break;
      if (code == CODE_LANE_NAME)
        weft_trace_model_set_lane_name (model, (guint) a, text);
      else
        weft_trace_model_set_object_name (model, (guint32) a, text);
      return TRUE;

    case CODE_MORE:
      if (!get_varint (r, &b))
        return FALSE;
      if (b == MORE_NAMED_SLICES)
        {
          if (!get_varint (r, &a))
            return FALSE;
          weft_trace_model_set_named_slices (model, a != 0);
          return TRUE;
        }
      if (b == MORE_ARGS)
        return replay_args (r, model);
      if (b != MORE_TASK_ERROR)
        {
          r->bad = "an entry of an unknown kind";
          return FALSE;
        }
      if (!get_text (r, &a, &text))
        return FALSE;
      if (a > G_MAXUINT32)
        break;
      weft_trace_model_set_task_error (model, (guint32) a, text);
      return TRUE;

    case CODE_LANE_EXECUTOR:
    case CODE_DECLARE:
      if (!get_varint (r, &a) || !get_varint (r, &b) || !get_varint (r, &c))
        return FALSE;
      if (code == CODE_LANE_EXECUTOR ? a >= WEFT_MAX_WORKERS : a > G_MAXUINT32)
        break;
      if (b > G_MAXINT)
        break;
      if (code == CODE_LANE_EXECUTOR)
        weft_trace_model_set_lane_executor (model, (guint) a, (WeftExecutorKind) b, _weft_unzigzag (c));
      else
        weft_trace_model_declare_object (model, (guint32) a, (WeftObjectKind) b, _weft_unzigzag (c));
      return TRUE;

    case CODE_FINISH:
      if (!get_varint (r, &a))
        return FALSE;
      weft_trace_model_finish (model, a);
      return TRUE;

    default:
      r->bad = "an entry of an unknown kind";
      return FALSE;
    }
  r->bad = "a worker or object id is out of range";
  return FALSE;
}

/**
 * _weft_trace_journal_replay:
 * @data: (array length=len): an encoded journal
 * @len: its length
 * @model: a new, empty model
 * @error: return location for an error
 *
 * Makes on @model the calls that @data records. The data may come from a
 * file: anything malformed is an error naming the byte, never a crash.
 *
 * Returns: whether the whole journal was applied
 */
gboolean
_weft_trace_journal_replay (const guint8   *data,
                            gsize           len,
                            WeftTraceModel *model,
                            GError        **error)
{
  g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autofree guint64 *last_time = g_new0 (guint64, TIME_SLOTS);
  Replay r = { data, data + len, data, last_time, G_MAXUINT32, batch, NULL };

  while (r.p < r.end)
    {
      const guint8 *at = r.p;
      guint8 head = *r.p++;
      guint8 code = head & CODE_MASK;
      gboolean ok;

      if (code <= CODE_EVENT)
        {
          WeftEvent ev;

          ok = get_event (&r, head, &ev);
          if (ok)
            g_array_append_val (batch, ev);
          if (ok && batch->len == MAX_REPLAY_BATCH)
            ok = replay_entry (&r, CODE_BATCH, model);
        }
      else
        ok = (head & ~CODE_MASK) == 0 && replay_entry (&r, code, model);
      if (!ok)
        {
          g_set_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_INVALID,
                       "the model's journal is damaged at byte %" G_GSIZE_FORMAT ": %s",
                       (gsize) (at - r.start), r.bad ? r.bad : "an entry with unknown flags");
          return FALSE;
        }
    }
  if (batch->len > 0)
    {
      g_set_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_INVALID,
                   "the model's journal is damaged at byte %" G_GSIZE_FORMAT ": %s",
                   len, "it ends inside a batch of events");
      return FALSE;
    }
  return TRUE;
}
