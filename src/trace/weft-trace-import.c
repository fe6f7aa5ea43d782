/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "weft-json-stream.h"
#include "weft-trace-export.h"
#include "weft-trace-import.h"

/*
 * Reads Chrome Trace Event JSON with the streaming tokenizer: one event
 * object at a time becomes a compact record on its lane; nothing else of the
 * file is kept. When the whole file is read, each lane's records are sorted
 * and turned into WeftEvents, which build a new model the ordinary way
 * (weft_trace_model_append), so all statistics fall out as for a live run.
 *
 * A file that Weft wrote (it has a "weft" member) carries each span's state,
 * object, depth and flags, and the run's counters; those are replayed as the
 * events that made them, so the model comes back exactly. Any other file is
 * read as a foreign trace: every slice is a RUNNING span of a task object
 * named like the slice. See docs/trace-format.md.
 */

#define MAX_ARGS          32
#define APPEND_BATCH      65536
#define CANCEL_EVERY      16384
#define FOREIGN_COUNTER_BASE 0x40000000u
#define FOREIGN_FLOW_BASE    0x60000000u
/* |ts| beyond this many ns (about 100 days) is absurd for one trace. */
#define MAX_ABS_TS_NS     G_GINT64_CONSTANT (8640000000000000)
#define UNMATCHED_OBJECT  G_MAXUINT32

typedef struct
{
  gint64  ts;
  gint64  dur;
  gint64  a0;
  gint64  a1;
  guint32 obj;
  guint32 seq;
  guint8  ph;
  guint8  state;
  guint8  depth;
  guint8  flags;
} Rec;

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
  GString *key;
  GString *s;
  gint64   i;
  double   d;
  gboolean is_num;
  gboolean is_int;
  gboolean is_str;
} Arg;

typedef struct
{
  int      ph;
  GString *name;
  GString *cat;
  gboolean has_name;
  gint64   pid, tid, ts, dur, id;
  gboolean has_pid, has_tid, has_ts, has_dur, has_id;
  char     scope;
  guint    n_args;
  Arg      args[MAX_ARGS];
  const char *bad;
} Ev;

typedef struct
{
  guint    worker;
  char    *name;
  WeftExecutorKind executor;
  gint64   pid;
  guint64  last_ns;
  guint64  unmatched;
  guint64  task_work_ns;
} WeftLaneInfo;

typedef struct
{
  guint32  id;
  WeftObjectKind kind;
  gint64   initial;
  char    *name;
} WeftObjectInfo;

typedef struct
{
  WeftJsonReader *r;
  GCancellable   *cancellable;
  WeftTraceImportStats *stats;
  WeftTraceMeta  *meta;

  GHashTable     *lane_index;  /* LaneKey → index + 1 in lanes */
  GPtrArray      *lanes;
  ImpLane        *last_lane;

  GHashTable     *names;       /* foreign slice/instant names → id (1-based) */
  GPtrArray      *name_list;
  GHashTable     *counters;    /* foreign counter key → object id */
  GPtrArray      *counter_names;
  GHashTable     *flow_queues; /* foreign flow category → object id */
  GPtrArray      *flow_names;
  GHashTable     *cats;        /* async categories → id + 1 */
  GHashTable     *process_names; /* pid → name */
  GHashTable     *process_sort;  /* pid → sort index */

  GArray         *counter_recs;  /* weft mode: counter points (lane-less) */

  /* The "weft" member of a file Weft wrote */
  gboolean        weft;
  gint64          weft_version;
  guint64         origin_ns;
  gboolean        finished;
  guint64         n_events;
  guint64         n_dropped;
  guint64         first_ns;
  guint64         last_ns;
  GArray         *weft_lanes;    /* WeftLaneInfo */
  GArray         *weft_objects;  /* WeftObjectInfo */

  gboolean        have_min_ts;
  gint64          min_ts;
  guint32         seq;
  guint           since_check;
  Ev              ev;
} Import;

typedef struct
{
  gint64  pid;
  gint64  tid;
  guint32 async_cat;
} LaneKey;

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

static void
lane_info_clear (gpointer data)
{
  g_free (((WeftLaneInfo *) data)->name);
}

static void
object_info_clear (gpointer data)
{
  g_free (((WeftObjectInfo *) data)->name);
}

static gboolean
cancelled (Import  *imp,
           GError **error)
{
  return g_cancellable_set_error_if_cancelled (imp->cancellable, error);
}

/* ---- skipping and counting ------------------------------------------------ */

static void
note_skip (Import     *imp,
           guint64    *counter,
           const char *reason)
{
  (*counter)++;
  if (imp->stats->first_skip[0] == 0)
    {
      guint64 line, column;

      weft_json_reader_get_position (imp->r, &line, &column);
      g_snprintf (imp->stats->first_skip, sizeof imp->stats->first_skip,
                  "%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ": %s",
                  weft_json_reader_get_name (imp->r), line, column, reason);
    }
}

/* ---- lanes and names ------------------------------------------------------ */

static ImpLane *
lane_get (Import  *imp,
          gint64   pid,
          gint64   tid,
          guint32  async_cat,
          gboolean create)
{
  LaneKey key = { pid, tid, async_cat };
  ImpLane *lane = imp->last_lane;
  gpointer idx;

  if (lane != NULL && lane->pid == pid && lane->tid == tid && lane->async_cat == async_cat)
    return lane;
  idx = g_hash_table_lookup (imp->lane_index, &key);
  if (idx != NULL)
    lane = g_ptr_array_index (imp->lanes, GPOINTER_TO_UINT (idx) - 1);
  else
    {
      if (!create || imp->lanes->len >= WEFT_MAX_WORKERS)
        return NULL;
      lane = g_new0 (ImpLane, 1);
      lane->pid = pid;
      lane->tid = tid;
      lane->async_cat = async_cat;
      lane->recs = g_array_new (FALSE, FALSE, sizeof (Rec));
      g_ptr_array_add (imp->lanes, lane);
      g_hash_table_insert (imp->lane_index, g_memdup2 (&key, sizeof key),
                           GUINT_TO_POINTER (imp->lanes->len));
    }
  imp->last_lane = lane;
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

/* ---- the "weft" member ---------------------------------------------------- */

static gboolean
expect (Import        *imp,
        WeftJsonToken  want,
        WeftJsonToken  got,
        const char    *what,
        GError       **error)
{
  if (got == WEFT_JSON_ERROR_TOKEN)
    return FALSE;
  if (got != want)
    {
      weft_json_reader_set_error (imp->r, error, WEFT_TRACE_ERROR_INVALID, "expected %s", what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_uint_value (Import     *imp,
                 const char *key,
                 guint64    *out,
                 GError    **error)
{
  WeftJsonToken tok = weft_json_reader_next (imp->r, error);
  gint64 v;

  if (tok == WEFT_JSON_ERROR_TOKEN)
    return FALSE;
  if (tok != WEFT_JSON_NUMBER || !weft_json_reader_get_int64 (imp->r, &v) || v < 0)
    {
      weft_json_reader_set_error (imp->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "expected a non-negative integer for \"%s\"", key);
      return FALSE;
    }
  *out = (guint64) v;
  return TRUE;
}

static gboolean
read_int_value (Import     *imp,
                const char *key,
                gint64     *out,
                GError    **error)
{
  WeftJsonToken tok = weft_json_reader_next (imp->r, error);

  if (tok == WEFT_JSON_ERROR_TOKEN)
    return FALSE;
  if (tok != WEFT_JSON_NUMBER || !weft_json_reader_get_int64 (imp->r, out))
    {
      weft_json_reader_set_error (imp->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "expected an integer for \"%s\"", key);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_string_value (Import     *imp,
                   const char *key,
                   char      **out,
                   GError    **error)
{
  WeftJsonToken tok = weft_json_reader_next (imp->r, error);
  gsize len;
  const char *s;

  if (tok == WEFT_JSON_ERROR_TOKEN)
    return FALSE;
  if (tok != WEFT_JSON_STRING)
    {
      weft_json_reader_set_error (imp->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "expected a string for \"%s\"", key);
      return FALSE;
    }
  s = weft_json_reader_get_string (imp->r, &len);
  g_free (*out);
  *out = g_utf8_make_valid (s, (gssize) len);
  return TRUE;
}

static gboolean
read_weft_lane (Import  *imp,
                GError **error)
{
  WeftLaneInfo info = { 0 };
  gboolean has_worker = FALSE;
  WeftJsonToken tok;

  for (;;)
    {
      g_autofree char *key = NULL;
      guint64 u;

      tok = weft_json_reader_next (imp->r, error);
      if (tok == WEFT_JSON_END_OBJECT)
        break;
      if (!expect (imp, WEFT_JSON_KEY, tok, "a member of a lane", error))
        goto fail;
      key = g_strdup (weft_json_reader_get_string (imp->r, NULL));
      if (g_str_equal (key, "worker"))
        {
          if (!read_uint_value (imp, key, &u, error))
            goto fail;
          if (u >= WEFT_MAX_WORKERS)
            {
              weft_json_reader_set_error (imp->r, error, WEFT_TRACE_ERROR_INVALID,
                                          "worker id %" G_GUINT64_FORMAT " is not below %d", u, WEFT_MAX_WORKERS);
              goto fail;
            }
          info.worker = (guint) u;
          has_worker = TRUE;
        }
      else if (g_str_equal (key, "name"))
        {
          if (!read_string_value (imp, key, &info.name, error))
            goto fail;
        }
      else if (g_str_equal (key, "executor"))
        {
          g_autofree char *nick = NULL;

          if (!read_string_value (imp, key, &nick, error))
            goto fail;
          if (!weft_executor_kind_from_nick (nick, &info.executor))
            info.executor = WEFT_EXECUTOR_EXTERNAL;
        }
      else if (g_str_equal (key, "pid"))
        {
          if (!read_int_value (imp, key, &info.pid, error))
            goto fail;
        }
      else if (g_str_equal (key, "last_ns"))
        {
          if (!read_uint_value (imp, key, &info.last_ns, error))
            goto fail;
        }
      else if (g_str_equal (key, "unmatched"))
        {
          if (!read_uint_value (imp, key, &info.unmatched, error))
            goto fail;
        }
      else if (g_str_equal (key, "task_work_ns"))
        {
          if (!read_uint_value (imp, key, &info.task_work_ns, error))
            goto fail;
        }
      else if (!weft_json_reader_skip_value (imp->r, weft_json_reader_next (imp->r, error), error))
        goto fail;
    }
  if (!has_worker)
    {
      weft_json_reader_set_error (imp->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "a lane without \"worker\"");
      goto fail;
    }
  g_array_append_val (imp->weft_lanes, info);
  return TRUE;

fail:
  g_free (info.name);
  return FALSE;
}

static gboolean
read_weft_object (Import  *imp,
                  GError **error)
{
  WeftObjectInfo info = { 0 };
  gboolean has_id = FALSE;
  WeftJsonToken tok;

  for (;;)
    {
      g_autofree char *key = NULL;
      guint64 u;

      tok = weft_json_reader_next (imp->r, error);
      if (tok == WEFT_JSON_END_OBJECT)
        break;
      if (!expect (imp, WEFT_JSON_KEY, tok, "a member of an object description", error))
        goto fail;
      key = g_strdup (weft_json_reader_get_string (imp->r, NULL));
      if (g_str_equal (key, "id"))
        {
          if (!read_uint_value (imp, key, &u, error))
            goto fail;
          if (u > G_MAXUINT32)
            {
              weft_json_reader_set_error (imp->r, error, WEFT_TRACE_ERROR_INVALID,
                                          "object id %" G_GUINT64_FORMAT " does not fit in 32 bits", u);
              goto fail;
            }
          info.id = (guint32) u;
          has_id = TRUE;
        }
      else if (g_str_equal (key, "kind"))
        {
          g_autofree char *nick = NULL;

          if (!read_string_value (imp, key, &nick, error))
            goto fail;
          if (!weft_object_kind_from_nick (nick, &info.kind))
            info.kind = WEFT_OBJECT_OTHER;
        }
      else if (g_str_equal (key, "initial"))
        {
          if (!read_int_value (imp, key, &info.initial, error))
            goto fail;
        }
      else if (g_str_equal (key, "name"))
        {
          if (!read_string_value (imp, key, &info.name, error))
            goto fail;
        }
      else if (!weft_json_reader_skip_value (imp->r, weft_json_reader_next (imp->r, error), error))
        goto fail;
    }
  if (!has_id)
    {
      weft_json_reader_set_error (imp->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "an object description without \"id\"");
      goto fail;
    }
  g_array_append_val (imp->weft_objects, info);
  return TRUE;

fail:
  g_free (info.name);
  return FALSE;
}

static gboolean
read_weft_array (Import  *imp,
                 gboolean lanes,
                 GError **error)
{
  WeftJsonToken tok = weft_json_reader_next (imp->r, error);

  if (!expect (imp, WEFT_JSON_BEGIN_ARRAY, tok, lanes ? "an array of lanes" : "an array of objects", error))
    return FALSE;
  for (;;)
    {
      tok = weft_json_reader_next (imp->r, error);
      if (tok == WEFT_JSON_END_ARRAY)
        return TRUE;
      if (!expect (imp, WEFT_JSON_BEGIN_OBJECT, tok, lanes ? "a lane (an object)" : "an object description (an object)", error))
        return FALSE;
      if (!(lanes ? read_weft_lane (imp, error) : read_weft_object (imp, error)))
        return FALSE;
    }
}

static gboolean
read_weft_member (Import  *imp,
                  GError **error)
{
  WeftJsonToken tok = weft_json_reader_next (imp->r, error);

  if (!expect (imp, WEFT_JSON_BEGIN_OBJECT, tok, "an object for \"weft\"", error))
    return FALSE;
  for (;;)
    {
      g_autofree char *key = NULL;

      tok = weft_json_reader_next (imp->r, error);
      if (tok == WEFT_JSON_END_OBJECT)
        break;
      if (!expect (imp, WEFT_JSON_KEY, tok, "a member of \"weft\"", error))
        return FALSE;
      key = g_strdup (weft_json_reader_get_string (imp->r, NULL));
      if (g_str_equal (key, "version"))
        {
          if (!read_int_value (imp, key, &imp->weft_version, error))
            return FALSE;
          if (imp->weft_version != WEFT_TRACE_FORMAT_VERSION)
            {
              weft_json_reader_set_error (imp->r, error, WEFT_TRACE_ERROR_INVALID,
                                          "Weft trace data version %" G_GINT64_FORMAT " is not supported (expected %d)",
                                          imp->weft_version, WEFT_TRACE_FORMAT_VERSION);
              return FALSE;
            }
        }
      else if (g_str_equal (key, "origin_ns"))
        {
          if (!read_uint_value (imp, key, &imp->origin_ns, error))
            return FALSE;
        }
      else if (g_str_equal (key, "n_events"))
        {
          if (!read_uint_value (imp, key, &imp->n_events, error))
            return FALSE;
        }
      else if (g_str_equal (key, "n_dropped"))
        {
          if (!read_uint_value (imp, key, &imp->n_dropped, error))
            return FALSE;
        }
      else if (g_str_equal (key, "first_ns"))
        {
          if (!read_uint_value (imp, key, &imp->first_ns, error))
            return FALSE;
        }
      else if (g_str_equal (key, "last_ns"))
        {
          if (!read_uint_value (imp, key, &imp->last_ns, error))
            return FALSE;
        }
      else if (g_str_equal (key, "finished"))
        {
          tok = weft_json_reader_next (imp->r, error);
          if (tok != WEFT_JSON_TRUE && tok != WEFT_JSON_FALSE)
            return expect (imp, WEFT_JSON_TRUE, tok, "true or false for \"finished\"", error);
          imp->finished = tok == WEFT_JSON_TRUE;
        }
      else if (g_str_equal (key, "lanes"))
        {
          if (!read_weft_array (imp, TRUE, error))
            return FALSE;
        }
      else if (g_str_equal (key, "objects"))
        {
          if (!read_weft_array (imp, FALSE, error))
            return FALSE;
        }
      else if (!weft_json_reader_skip_value (imp->r, weft_json_reader_next (imp->r, error), error))
        return FALSE;
    }
  if (imp->weft_version == 0)
    {
      weft_json_reader_set_error (imp->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "\"weft\" without \"version\"");
      return FALSE;
    }
  imp->weft = TRUE;
  return TRUE;
}

static gboolean
read_other_data (Import  *imp,
                 GError **error)
{
  WeftJsonToken tok = weft_json_reader_next (imp->r, error);

  if (tok != WEFT_JSON_BEGIN_OBJECT)
    return weft_json_reader_skip_value (imp->r, tok, error);
  for (;;)
    {
      g_autofree char *key = NULL;
      char **slot = NULL;
      gsize len;
      const char *s;

      tok = weft_json_reader_next (imp->r, error);
      if (tok == WEFT_JSON_END_OBJECT)
        return TRUE;
      if (tok == WEFT_JSON_ERROR_TOKEN)
        return FALSE;
      key = g_strdup (weft_json_reader_get_string (imp->r, NULL));
      tok = weft_json_reader_next (imp->r, error);
      if (tok != WEFT_JSON_STRING)
        {
          if (!weft_json_reader_skip_value (imp->r, tok, error))
            return FALSE;
          continue;
        }
      s = weft_json_reader_get_string (imp->r, &len);
      if (g_str_equal (key, "profile"))
        slot = &imp->meta->profile;
      else if (g_str_equal (key, "executor"))
        slot = &imp->meta->executor;
      else if (g_str_equal (key, "machine"))
        slot = &imp->meta->machine;
      else if (g_str_equal (key, "command_line"))
        slot = &imp->meta->command_line;
      else if (g_str_equal (key, "source"))
        slot = &imp->meta->source;
      else if (g_str_equal (key, "interrupted"))
        slot = &imp->meta->interrupted;
      else if (g_str_equal (key, "gil"))
        imp->meta->gil = len == 2 && memcmp (s, "on", 2) == 0 ? 1 : len == 3 && memcmp (s, "off", 3) == 0 ? 0 : -1;
      else if (g_str_equal (key, "workers"))
        {
          g_autofree char *copy = g_strndup (s, len);
          guint64 w = g_ascii_strtoull (copy, NULL, 10);

          imp->meta->workers = w < G_MAXUINT ? (guint) w : 0;
        }
      if (slot != NULL)
        {
          g_free (*slot);
          *slot = g_utf8_make_valid (s, (gssize) len);
        }
    }
}

/* ---- one trace event ------------------------------------------------------ */

static gint64
hash_id (const char *s,
         gsize       len)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  char *end;
  guint64 v;

  /* "0x1f" style ids are numbers. */
  if (len > 2 && len < 19 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    {
      char tmp[20];

      memcpy (tmp, s, len);
      tmp[len] = 0;
      v = g_ascii_strtoull (tmp + 2, &end, 16);
      if (*end == 0)
        return (gint64) (v & G_MAXINT64);
    }
  for (gsize i = 0; i < len; i++)
    {
      h ^= (guchar) s[i];
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return (gint64) (h & G_MAXINT64);
}

/* Reads an id value (number, string or {"local"|"global": …}). */
static gboolean
read_id (Import       *imp,
         WeftJsonToken tok,
         Ev           *ev,
         GError      **error)
{
  if (tok == WEFT_JSON_NUMBER)
    {
      gsize len;
      const char *text = weft_json_reader_get_number_text (imp->r, &len);

      if (!weft_json_reader_get_int64 (imp->r, &ev->id))
        ev->id = hash_id (text, len);
      ev->has_id = TRUE;
      return TRUE;
    }
  if (tok == WEFT_JSON_STRING)
    {
      gsize len;
      const char *s = weft_json_reader_get_string (imp->r, &len);

      ev->id = hash_id (s, len);
      ev->has_id = TRUE;
      return TRUE;
    }
  if (tok == WEFT_JSON_BEGIN_OBJECT)
    {
      for (;;)
        {
          tok = weft_json_reader_next (imp->r, error);
          if (tok == WEFT_JSON_END_OBJECT)
            return TRUE;
          if (tok != WEFT_JSON_KEY)
            return FALSE;
          tok = weft_json_reader_next (imp->r, error);
          if (tok == WEFT_JSON_NUMBER || tok == WEFT_JSON_STRING)
            {
              if (!read_id (imp, tok, ev, error))
                return FALSE;
            }
          else if (!weft_json_reader_skip_value (imp->r, tok, error))
            return FALSE;
        }
    }
  if (!weft_json_reader_skip_value (imp->r, tok, error))
    return FALSE;
  ev->bad = "\"id\" is neither a number nor a string";
  return TRUE;
}

static gboolean
read_args (Import  *imp,
           Ev      *ev,
           GError **error)
{
  WeftJsonToken tok = weft_json_reader_next (imp->r, error);

  if (tok == WEFT_JSON_ERROR_TOKEN)
    return FALSE;
  if (tok != WEFT_JSON_BEGIN_OBJECT)
    {
      if (!weft_json_reader_skip_value (imp->r, tok, error))
        return FALSE;
      if (tok != WEFT_JSON_NULL)
        ev->bad = "\"args\" is not an object";
      return TRUE;
    }
  for (;;)
    {
      Arg *arg;
      gsize len;
      const char *s;

      tok = weft_json_reader_next (imp->r, error);
      if (tok == WEFT_JSON_END_OBJECT)
        return TRUE;
      if (tok == WEFT_JSON_ERROR_TOKEN)
        return FALSE;
      if (ev->n_args >= MAX_ARGS)
        {
          if (!weft_json_reader_skip_value (imp->r, weft_json_reader_next (imp->r, error), error))
            return FALSE;
          continue;
        }
      arg = &ev->args[ev->n_args];
      s = weft_json_reader_get_string (imp->r, &len);
      g_string_truncate (arg->key, 0);
      g_string_append_len (arg->key, s, (gssize) len);
      arg->is_num = arg->is_int = arg->is_str = FALSE;
      tok = weft_json_reader_next (imp->r, error);
      switch (tok)
        {
        case WEFT_JSON_NUMBER:
          arg->is_num = TRUE;
          arg->is_int = weft_json_reader_get_int64 (imp->r, &arg->i);
          if (!weft_json_reader_get_double (imp->r, &arg->d))
            arg->is_num = FALSE;
          else if (!arg->is_int)
            arg->i = (gint64) CLAMP (arg->d, -9.2e18, 9.2e18);
          ev->n_args++;
          break;
        case WEFT_JSON_STRING:
          s = weft_json_reader_get_string (imp->r, &len);
          g_string_truncate (arg->s, 0);
          g_string_append_len (arg->s, s, (gssize) len);
          arg->is_str = TRUE;
          ev->n_args++;
          break;
        case WEFT_JSON_ERROR_TOKEN:
          return FALSE;
        default:
          if (!weft_json_reader_skip_value (imp->r, tok, error))
            return FALSE;
          break;
        }
    }
}

static const Arg *
find_arg (const Ev   *ev,
          const char *key)
{
  for (guint i = 0; i < ev->n_args; i++)
    if (strcmp (ev->args[i].key->str, key) == 0)
      return &ev->args[i];
  return NULL;
}

static gint64
arg_int (const Ev   *ev,
         const char *key,
         gint64      fallback)
{
  const Arg *a = find_arg (ev, key);

  return a != NULL && a->is_num ? a->i : fallback;
}

static gboolean
read_number_field (Import       *imp,
                   WeftJsonToken tok,
                   Ev           *ev,
                   gint64       *out,
                   gboolean     *has,
                   gboolean      milli,
                   const char   *field)
{
  if (tok != WEFT_JSON_NUMBER)
    {
      ev->bad = field;
      return TRUE;
    }
  if (milli ? !weft_json_reader_get_milli (imp->r, out) : !weft_json_reader_get_int64 (imp->r, out))
    {
      ev->bad = field;
      return TRUE;
    }
  *has = TRUE;
  return TRUE;
}

/* Reads the members of one event object (after its '{'). */
static gboolean
read_event (Import  *imp,
            Ev      *ev,
            GError **error)
{
  WeftJsonReader *r = imp->r;

  ev->ph = 0;
  ev->has_name = ev->has_pid = ev->has_tid = ev->has_ts = ev->has_dur = ev->has_id = FALSE;
  ev->scope = 0;
  ev->n_args = 0;
  ev->bad = NULL;
  g_string_truncate (ev->cat, 0);

  for (;;)
    {
      WeftJsonToken tok = weft_json_reader_next (r, error);
      gsize klen;
      char key[8] = { 0 };
      char k0;

      if (tok == WEFT_JSON_END_OBJECT)
        return TRUE;
      if (tok == WEFT_JSON_ERROR_TOKEN)
        return FALSE;
      /* A copy: the key's bytes live in the reader's buffer, which reading
       * the value may refill and move (a value across a 1 MiB read). Every
       * key compared below is shorter than the copy. */
      {
        const char *text = weft_json_reader_get_string (r, &klen);

        memcpy (key, text, MIN (klen, sizeof key));
      }
      k0 = key[0];

      if (klen == 2 && k0 == 'p' && key[1] == 'h')
        {
          gsize len;
          const char *s;

          tok = weft_json_reader_next (r, error);
          if (tok != WEFT_JSON_STRING)
            {
              if (!weft_json_reader_skip_value (r, tok, error))
                return FALSE;
              ev->bad = "\"ph\" is not a one-character string";
              continue;
            }
          s = weft_json_reader_get_string (r, &len);
          if (len != 1)
            ev->bad = "\"ph\" is not a one-character string";
          else
            ev->ph = (guchar) s[0];
          continue;
        }
      if (klen == 4 && memcmp (key, "args", 4) == 0)
        {
          if (!read_args (imp, ev, error))
            return FALSE;
          continue;
        }

      tok = weft_json_reader_next (r, error);
      if (tok == WEFT_JSON_ERROR_TOKEN)
        return FALSE;

      if (klen == 2 && k0 == 't' && key[1] == 's')
        read_number_field (imp, tok, ev, &ev->ts, &ev->has_ts, TRUE, "\"ts\" is not a number in range");
      else if (klen == 3 && k0 == 'd' && memcmp (key, "dur", 3) == 0)
        read_number_field (imp, tok, ev, &ev->dur, &ev->has_dur, TRUE, "\"dur\" is not a number in range");
      else if (klen == 3 && k0 == 'p' && memcmp (key, "pid", 3) == 0)
        read_number_field (imp, tok, ev, &ev->pid, &ev->has_pid, FALSE, "\"pid\" is not an integer in range");
      else if (klen == 3 && k0 == 't' && memcmp (key, "tid", 3) == 0)
        read_number_field (imp, tok, ev, &ev->tid, &ev->has_tid, FALSE, "\"tid\" is not an integer in range");
      else if (klen == 4 && memcmp (key, "name", 4) == 0)
        {
          if (tok == WEFT_JSON_STRING)
            {
              gsize len;
              const char *s = weft_json_reader_get_string (r, &len);

              g_string_truncate (ev->name, 0);
              g_string_append_len (ev->name, s, (gssize) len);
              ev->has_name = TRUE;
            }
          else if (!weft_json_reader_skip_value (r, tok, error))
            return FALSE;
          else
            ev->bad = "\"name\" is not a string";
        }
      else if (klen == 3 && memcmp (key, "cat", 3) == 0)
        {
          if (tok == WEFT_JSON_STRING)
            {
              gsize len;
              const char *s = weft_json_reader_get_string (r, &len);

              g_string_append_len (ev->cat, s, (gssize) len);
            }
          else if (!weft_json_reader_skip_value (r, tok, error))
            return FALSE;
        }
      else if ((klen == 2 && memcmp (key, "id", 2) == 0) || (klen == 3 && memcmp (key, "id2", 3) == 0))
        {
          if (!read_id (imp, tok, ev, error))
            return FALSE;
        }
      else if (klen == 1 && k0 == 's')
        {
          if (tok == WEFT_JSON_STRING)
            {
              gsize len;
              const char *s = weft_json_reader_get_string (r, &len);

              ev->scope = len > 0 ? s[0] : 0;
            }
          else if (!weft_json_reader_skip_value (r, tok, error))
            return FALSE;
        }
      else if (!weft_json_reader_skip_value (r, tok, error))
        return FALSE;
    }
}

static Rec *
push_rec (Import  *imp,
          ImpLane *lane,
          int      ph,
          gint64   ts)
{
  Rec *rec;

  g_array_set_size (lane->recs, lane->recs->len + 1);
  rec = &g_array_index (lane->recs, Rec, lane->recs->len - 1);
  memset (rec, 0, sizeof *rec);
  rec->ph = (guint8) ph;
  rec->ts = ts;
  rec->seq = imp->seq++;
  if (ph != 'C')
    lane->n_timeline++;
  if (!imp->have_min_ts || ts < imp->min_ts)
    {
      imp->min_ts = ts;
      imp->have_min_ts = TRUE;
    }
  return rec;
}

static void
set_process_meta (Import     *imp,
                  GHashTable *table,
                  gint64      pid,
                  gpointer    value)
{
  g_hash_table_insert (table, g_memdup2 (&pid, sizeof pid), value);
}

static void
commit_metadata (Import *imp,
                 Ev     *ev)
{
  const Arg *a;
  const char *what = ev->name->str;

  if (!ev->has_pid)
    {
      note_skip (imp, &imp->stats->n_invalid, "metadata event without \"pid\"");
      return;
    }
  if (g_str_equal (what, "process_name") && (a = find_arg (ev, "name")) && a->is_str)
    set_process_meta (imp, imp->process_names, ev->pid, g_utf8_make_valid (a->s->str, (gssize) a->s->len));
  else if (g_str_equal (what, "process_sort_index") && (a = find_arg (ev, "sort_index")) && a->is_num)
    set_process_meta (imp, imp->process_sort, ev->pid, g_memdup2 (&a->i, sizeof a->i));
  else if (g_str_equal (what, "thread_name") || g_str_equal (what, "thread_sort_index"))
    {
      ImpLane *lane = lane_get (imp, ev->pid, ev->has_tid ? ev->tid : 0, 0, TRUE);

      if (lane == NULL)
        {
          note_skip (imp, &imp->stats->n_lanes_over, "more lanes than Weft can show");
          return;
        }
      if (what[7] == 'n' && (a = find_arg (ev, "name")) && a->is_str)
        {
          g_free (lane->name);
          lane->name = g_utf8_make_valid (a->s->str, (gssize) a->s->len);
        }
      else if (what[7] == 's' && (a = find_arg (ev, "sort_index")) && a->is_num)
        {
          lane->sort_index = a->i;
          lane->has_sort = TRUE;
        }
    }
  imp->stats->n_used++;
}

static void
commit_event (Import *imp,
              Ev     *ev)
{
  WeftTraceImportStats *st = imp->stats;
  ImpLane *lane;
  Rec *rec;
  int ph = ev->ph;
  guint32 async_cat = 0;

  if (ev->bad != NULL)
    {
      note_skip (imp, &st->n_invalid, ev->bad);
      return;
    }
  if (ph == 0)
    {
      note_skip (imp, &st->n_invalid, "an event without \"ph\"");
      return;
    }
  if (ph == 'M')
    {
      commit_metadata (imp, ev);
      return;
    }
  switch (ph)
    {
    case 'X': case 'B': case 'E': case 'i': case 'I': case 'C':
    case 'b': case 'e': case 'n': case 'S': case 'F':
    case 's': case 't': case 'f':
      break;
    default:
      note_skip (imp, &st->n_unknown_phase, "a phase Weft does not read");
      return;
    }
  if (!ev->has_ts)
    {
      note_skip (imp, &st->n_invalid, "an event without \"ts\"");
      return;
    }
  if (ev->ts > MAX_ABS_TS_NS || ev->ts < -MAX_ABS_TS_NS)
    {
      note_skip (imp, &st->n_invalid, "\"ts\" out of range");
      return;
    }
  if (ph == 'X' && ev->has_dur && (ev->dur < 0 || ev->dur > MAX_ABS_TS_NS))
    {
      note_skip (imp, &st->n_invalid, "negative or absurd \"dur\"");
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
          note_skip (imp, &st->n_invalid, "an async event without \"id\"");
          return;
        }
      async_cat = intern (imp->cats, imp->name_list, ev->cat->len ? ev->cat->str : "async", 0);
    }
  if ((ph == 's' || ph == 'f') && !ev->has_id)
    {
      note_skip (imp, &st->n_invalid, "a flow event without \"id\"");
      return;
    }

  lane = lane_get (imp, ev->has_pid ? ev->pid : 0, async_cat ? 0 : (ev->has_tid ? ev->tid : 0), async_cat, TRUE);
  if (lane == NULL)
    {
      note_skip (imp, &st->n_lanes_over, "more lanes than Weft can show");
      return;
    }

  if (ph == 'C')
    {
      if (imp->weft)
        {
          /* Weft's counters: one series "value", object in "id". */
          gint64 obj = ev->has_id ? ev->id : -1;

          if (g_str_equal (ev->cat->str, "weft.derived"))
            {
              st->n_used++;
              return;
            }
          if (obj < 0 || obj > G_MAXUINT32)
            {
              note_skip (imp, &st->n_invalid, "a counter without an object id");
              return;
            }
          {
            Rec c = { .ts = ev->ts, .a0 = arg_int (ev, "value", 0), .obj = (guint32) obj, .seq = imp->seq++, .ph = 'C' };

            g_array_append_val (imp->counter_recs, c);
          }
          st->n_used++;
          return;
        }
      for (guint i = 0; i < ev->n_args; i++)
        {
          const Arg *a = &ev->args[i];
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
          obj = intern (imp->counters, imp->counter_names, key, FOREIGN_COUNTER_BASE);
          if (imp->counter_names->len == obj - FOREIGN_COUNTER_BASE && !g_str_equal (g_ptr_array_index (imp->counter_names, obj - FOREIGN_COUNTER_BASE - 1), display))
            {
              g_free (g_ptr_array_index (imp->counter_names, obj - FOREIGN_COUNTER_BASE - 1));
              g_ptr_array_index (imp->counter_names, obj - FOREIGN_COUNTER_BASE - 1) = g_utf8_make_valid (display, -1);
            }
          rec = push_rec (imp, lane, 'C', ev->ts);
          rec->obj = obj;
          rec->a0 = a->is_int ? a->i : (gint64) llround (CLAMP (a->d, -9.2e18, 9.2e18));
        }
      st->n_used++;
      return;
    }

  rec = push_rec (imp, lane, ph, ev->ts);
  rec->dur = ph == 'X' && ev->has_dur ? ev->dur : 0;
  if (imp->weft)
    {
      const Arg *state = find_arg (ev, "state");
      WeftState s = WEFT_STATE_RUNNING;

      if (state != NULL && state->is_str)
        weft_state_from_nick (state->s->str, &s);
      rec->state = (guint8) s;
      rec->obj = (guint32) arg_int (ev, "object", 0);
      rec->depth = (guint8) CLAMP (arg_int (ev, "depth", 0), 0, WEFT_LANE_MAX_DEPTH);
      rec->flags = (guint8) arg_int (ev, "flags", 0);
      rec->a0 = arg_int (ev, ph == 's' || ph == 'f' ? "item" : "arg0", 0);
      rec->a1 = arg_int (ev, "arg1", 0);
      if (ph == 's' || ph == 'f')
        rec->state = g_str_equal (ev->cat->str, "weft.queue") ? 1 : 2;
    }
  else
    {
      if (ph == 's' || ph == 'f')
        {
          rec->obj = intern (imp->flow_queues, imp->flow_names, ev->cat->len ? ev->cat->str : "flow", FOREIGN_FLOW_BASE);
          rec->a0 = ev->id;
        }
      else
        rec->obj = ev->has_name ? intern (imp->names, imp->name_list, ev->name->str, 0) :
                   intern (imp->names, imp->name_list, ph == 'i' || ph == 'I' || ph == 'n' ? "instant" : "slice", 0);
      if (ph == 'b' || ph == 'e')
        rec->a0 = ev->id;
    }
  st->n_used++;
}

static gboolean
read_events (Import  *imp,
             GError **error)
{
  for (;;)
    {
      WeftJsonToken tok = weft_json_reader_next (imp->r, error);

      if (tok == WEFT_JSON_END_ARRAY)
        return TRUE;
      if (tok == WEFT_JSON_ERROR_TOKEN)
        return FALSE;
      imp->stats->n_trace_events++;
      if (tok != WEFT_JSON_BEGIN_OBJECT)
        {
          if (!weft_json_reader_skip_value (imp->r, tok, error))
            return FALSE;
          note_skip (imp, &imp->stats->n_invalid, "an event that is not an object");
          continue;
        }
      if (!read_event (imp, &imp->ev, error))
        return FALSE;
      commit_event (imp, &imp->ev);
      if (++imp->since_check >= CANCEL_EVERY)
        {
          imp->since_check = 0;
          if (cancelled (imp, error))
            return FALSE;
        }
    }
}

static gboolean
read_document (Import  *imp,
               GError **error)
{
  WeftJsonToken tok = weft_json_reader_next (imp->r, error);
  gboolean have_events = FALSE;

  if (tok == WEFT_JSON_ERROR_TOKEN)
    return FALSE;
  if (tok == WEFT_JSON_BEGIN_ARRAY)
    {
      if (!read_events (imp, error))
        return FALSE;
      have_events = TRUE;
    }
  else if (tok == WEFT_JSON_BEGIN_OBJECT)
    {
      for (;;)
        {
          tok = weft_json_reader_next (imp->r, error);
          if (tok == WEFT_JSON_END_OBJECT)
            break;
          if (tok == WEFT_JSON_ERROR_TOKEN)
            return FALSE;
          if (weft_json_reader_string_equal (imp->r, "traceEvents"))
            {
              tok = weft_json_reader_next (imp->r, error);
              if (!expect (imp, WEFT_JSON_BEGIN_ARRAY, tok, "an array for \"traceEvents\"", error))
                return FALSE;
              if (!read_events (imp, error))
                return FALSE;
              have_events = TRUE;
            }
          else if (weft_json_reader_string_equal (imp->r, "weft"))
            {
              if (!read_weft_member (imp, error))
                return FALSE;
            }
          else if (weft_json_reader_string_equal (imp->r, "otherData"))
            {
              if (!read_other_data (imp, error))
                return FALSE;
            }
          else if (!weft_json_reader_skip_value (imp->r, weft_json_reader_next (imp->r, error), error))
            return FALSE;
        }
    }
  else
    {
      weft_json_reader_set_error (imp->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "expected a trace: an object with \"traceEvents\" or an array of events");
      return FALSE;
    }

  tok = weft_json_reader_next (imp->r, error);
  if (tok == WEFT_JSON_ERROR_TOKEN)
    return FALSE;
  if (!have_events)
    {
      weft_json_reader_set_error (imp->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "no \"traceEvents\" array in the trace object");
      return FALSE;
    }
  imp->stats->unclosed_array = weft_json_reader_get_was_unclosed (imp->r);
  return TRUE;
}

/* ---- building: common ----------------------------------------------------- */

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

static void
append_events (WeftTraceModel *model,
               GArray         *events)
{
  for (guint i = 0; i < events->len; i += APPEND_BATCH)
    weft_trace_model_append (model, &g_array_index (events, WeftEvent, i),
                             MIN (APPEND_BATCH, events->len - i));
}

/* ---- building: foreign traces --------------------------------------------- */

typedef struct
{
  guint64 start;
  guint64 end;       /* G_MAXUINT64: never ended */
  guint32 obj;
  guint32 seq;
} FSpan;

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

static void
build_foreign_lane (Import         *imp,
                    WeftTraceModel *model,
                    ImpLane        *lane,
                    guint64         base)
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
      guint64 t = base + (guint64) (rec->ts - imp->min_ts);
      FSpan span = { .start = t, .obj = rec->obj, .seq = rec->seq };

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
            imp->stats->n_unmatched_end++;
          else
            {
              const Rec *b = &g_array_index (recs, Rec, g_array_index (stack, guint, stack->len - 1));

              span.start = base + (guint64) (b->ts - imp->min_ts);
              span.obj = b->obj;
              span.seq = b->seq;
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
              imp->stats->n_unmatched_end++;
            else
              {
                const Rec *b = &g_array_index (recs, Rec, g_array_index (starts, guint, starts->len - 1));

                span.start = base + (guint64) (b->ts - imp->min_ts);
                span.seq = b->seq;
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
            gboolean put = rec->ph == 's';
            WeftEvent b = mkev (t, worker, put ? WEFT_EVENT_QUEUE_PUT_BEGIN : WEFT_EVENT_QUEUE_GET_BEGIN, rec->obj, 0, 0);
            WeftEvent e = mkev (t, worker, put ? WEFT_EVENT_QUEUE_PUT_END : WEFT_EVENT_QUEUE_GET_END, rec->obj, 0, rec->a0);

            g_array_append_val (others, b);
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
      FSpan span = { base + (guint64) (b->ts - imp->min_ts), G_MAXUINT64, b->obj, b->seq };

      g_array_append_val (spans, span);
      imp->stats->n_unclosed++;
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
            FSpan span = { base + (guint64) (b->ts - imp->min_ts), G_MAXUINT64, b->obj, b->seq };

            g_array_append_val (spans, span);
            imp->stats->n_unclosed++;
          }
      }
  }
  g_array_set_size (lane->recs, 0);

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
      heap_push (heap, *s);
    }
  while (oi < others->len)
    g_array_append_val (events, g_array_index (others, WeftEvent, oi++));

  append_events (model, events);
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

static WeftTraceModel *
build_foreign (Import  *imp,
               GError **error)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  guint64 base = 0;

  /* Counter-only lanes join a thread lane of their process. */
  for (guint i = 0; i < imp->lanes->len; i++)
    {
      ImpLane *lane = g_ptr_array_index (imp->lanes, i);

      if (lane->n_timeline == 0 && lane->recs->len > 0 && lane->async_cat == 0)
        for (guint j = 0; j < imp->lanes->len; j++)
          {
            ImpLane *other = g_ptr_array_index (imp->lanes, j);

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
      const char *pname = g_hash_table_lookup (imp->process_names, &lane->pid);
      g_autofree char *name = NULL;

      lane->worker = i;
      if (lane->async_cat != 0)
        name = g_strdup_printf ("%s%s(async) %s", pname ? pname : "", pname ? " " : "",
                                (const char *) g_ptr_array_index (imp->name_list, lane->async_cat - 1));
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

  for (guint i = 0; i < imp->name_list->len; i++)
    {
      /* name_list also holds async categories; declaring them is harmless */
      weft_trace_model_declare_object (model, i + 1, WEFT_OBJECT_TASK, 0);
      weft_trace_model_set_object_name (model, i + 1, g_ptr_array_index (imp->name_list, i));
    }
  for (guint i = 0; i < imp->counter_names->len; i++)
    {
      weft_trace_model_declare_object (model, FOREIGN_COUNTER_BASE + i + 1, WEFT_OBJECT_COUNTER, 0);
      weft_trace_model_set_object_name (model, FOREIGN_COUNTER_BASE + i + 1, g_ptr_array_index (imp->counter_names, i));
    }
  for (guint i = 0; i < imp->flow_names->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("flow %s", (const char *) g_ptr_array_index (imp->flow_names, i));

      weft_trace_model_declare_object (model, FOREIGN_FLOW_BASE + i + 1, WEFT_OBJECT_QUEUE, 0);
      weft_trace_model_set_object_name (model, FOREIGN_FLOW_BASE + i + 1, name);
    }

  for (guint i = 0; i < order->len; i++)
    {
      if (cancelled (imp, error))
        return NULL;
      build_foreign_lane (imp, model, g_ptr_array_index (order, i), base);
    }
  weft_trace_model_finish (model, 0);
  imp->stats->n_lanes = weft_trace_model_get_n_lanes (model);
  return g_steal_pointer (&model);
}

/* ---- building: traces Weft wrote ------------------------------------------ */

typedef struct
{
  guint64 start;
  guint64 end;
  guint32 obj;
  guint32 seq;
  guint8  state;
  guint8  depth;
  guint8  flags;
  guint8  open;      /* never ends (truncated later, or still open) */
  guint8  done;      /* 0 pending begin, 1 opened, 2 closed */
} WSpan;

typedef struct
{
  guint64 t;
  gint64  item;
  guint32 obj;
  guint8  side;      /* 1 put or release ('s'), 2 get or acquire ('f') */
  guint8  used;
  guint8  lock;      /* a wake-up: only its release side is used */
} WFlowEnd;

typedef struct
{
  Import         *imp;
  WeftTraceModel *model;
  GHashTable     *queue_tracks;   /* obj → GArray of WeftCounterPoint (from C events) */
  GHashTable     *covered;        /* (obj, t) pairs of emitted queue ends */
  gint64          next_fresh;
  guint64         work_left;      /* the lane's task work, given to its first task end */
} WBuild;

static int
compare_wspans (const void *a,
                const void *b)
{
  const WSpan *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->depth != y->depth)
    return x->depth < y->depth ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static gint64
queue_depth_at (WBuild  *b,
                guint32  obj,
                guint64  t)
{
  GArray *points = g_hash_table_lookup (b->queue_tracks, GUINT_TO_POINTER (obj));

  if (points == NULL)
    return 0;
  return weft_counter_points_value_at ((const WeftCounterPoint *) (gpointer) points->data, points->len, t);
}

static gboolean
is_wait (guint8 state)
{
  return state == WEFT_STATE_LOCK_WAIT || state == WEFT_STATE_GIL_WAIT;
}

static guint8
wait_of (guint8 held)
{
  return held == WEFT_STATE_LOCK_HELD ? WEFT_STATE_LOCK_WAIT : WEFT_STATE_GIL_WAIT;
}

typedef struct
{
  WSpan   *spans;
  int      rows[WEFT_LANE_MAX_DEPTH + 1];   /* span index per row, -1 free */
} Sim;

static guint
sim_lowest_free (Sim *sim,
                 int  ignoring)
{
  guint d = 0;

  while (d < WEFT_LANE_MAX_DEPTH && sim->rows[d] >= 0 && sim->rows[d] != ignoring)
    d++;
  return d;
}

/* The deepest open span with this state and object, or -1. */
static int
sim_deepest (Sim   *sim,
             guint8 state,
             guint32 obj)
{
  for (int d = WEFT_LANE_MAX_DEPTH - 1; d >= 0; d--)
    {
      int k = sim->rows[d];

      if (k >= 0 && sim->spans[k].state == state && sim->spans[k].obj == obj)
        return k;
    }
  return -1;
}

static gint64
take_item (WFlowEnd *flows,
           guint     n_flows,
           guint    *cursor,
           guint64   t,
           guint32   obj,
           guint8    side,
           guint8    lock,
           gint64   *fresh)
{
  while (*cursor < n_flows && flows[*cursor].t < t)
    (*cursor)++;
  for (guint i = *cursor; i < n_flows && flows[i].t == t; i++)
    if (!flows[i].used && flows[i].obj == obj && flows[i].side == side && flows[i].lock == lock)
      {
        flows[i].used = 1;
        return flows[i].item;
      }
  return (*fresh)++;
}

static void
note_covered (WBuild  *b,
              guint32  obj,
              guint64  t)
{
  guint64 *key = g_new (guint64, 2);

  key[0] = obj;
  key[1] = t;
  g_hash_table_add (b->covered, key);
}

static void
emit_close (WBuild   *b,
            GArray   *out,
            guint     worker,
            WSpan    *s,
            guint64   t,
            WFlowEnd *flows,
            guint     n_flows,
            guint    *flow_cursor)
{
  WeftEvent e;

  switch (s->state)
    {
    case WEFT_STATE_RUNNING:
      /* The model keeps the sum of the work the tasks reported, not each
       * task's: the first end carries it all. */
      e = mkev (t, worker, WEFT_EVENT_TASK_END, s->obj,
                s->flags & WEFT_SPAN_TASK_FAILED ? WEFT_TASK_FAILED :
                s->flags & WEFT_SPAN_TASK_CANCELLED ? WEFT_TASK_CANCELLED :
                s->flags & WEFT_SPAN_TASK_SUSPENDED ? WEFT_TASK_SUSPENDED : WEFT_TASK_OK,
                (gint64) MIN (b->work_left, (guint64) G_MAXINT64));
      b->work_left = 0;
      break;
    case WEFT_STATE_LOCK_HELD:
    case WEFT_STATE_GIL_HELD:
      take_item (flows, n_flows, flow_cursor, t, s->obj, 1, 1, &b->next_fresh);
      e = mkev (t, worker, s->state == WEFT_STATE_LOCK_HELD ? WEFT_EVENT_LOCK_RELEASED : WEFT_EVENT_GIL_RELEASED,
                s->obj, 0, 0);
      break;
    case WEFT_STATE_QUEUE_PUT:
    case WEFT_STATE_QUEUE_GET:
      {
        guint8 side = s->state == WEFT_STATE_QUEUE_PUT ? 1 : 2;
        gint64 item = take_item (flows, n_flows, flow_cursor, t, s->obj, side, 0, &b->next_fresh);

        e = mkev (t, worker, side == 1 ? WEFT_EVENT_QUEUE_PUT_END : WEFT_EVENT_QUEUE_GET_END,
                  s->obj, queue_depth_at (b, s->obj, t), item);
        note_covered (b, s->obj, t);
      }
      break;
    case WEFT_STATE_IO:
      e = mkev (t, worker, WEFT_EVENT_IO_END, s->obj, 0, 0);
      break;
    case WEFT_STATE_STARTING:
      e = mkev (t, worker, WEFT_EVENT_SPAWN_END, s->obj, 0, 0);
      break;
    default:
      /* A wait ends only by an acquisition (handled with the held span). */
      return;
    }
  g_array_append_val (out, e);
}

/*
 * The order of one lane's begins and ends at one instant, found by a
 * depth-first search that applies the model's own rules: a begin takes the
 * lowest free row and must land on its span's row; a lock or GIL
 * acquisition closes the deepest open wait for its object (and must do so
 * exactly when its span is flagged contended, closing a wait that ends
 * now); any other end closes the deepest open span of its state and object
 * and must close its own. Ties are few per instant: the search is small, and
 * bounded (the caller falls back to a greedy order when it gives up).
 */
#define ORDER_MAX_OPS   64
#define ORDER_MAX_NODES 20000

typedef struct
{
  Sim     *sim;
  guint64  t;
  guint    ops[ORDER_MAX_OPS];     /* span index << 1 | is_end */
  guint    n_ops;
  guint8   used[ORDER_MAX_OPS];
  guint    order[ORDER_MAX_OPS];
  guint    nodes;
} Order;

static gboolean
is_held (guint8 state)
{
  return state == WEFT_STATE_LOCK_HELD || state == WEFT_STATE_GIL_HELD;
}

/* Applies op @k if the model would do exactly what the file says; returns
 * the wait it closed (or -1) through @out_wait, for undo. */
static gboolean
order_apply (Order *o,
             guint  op,
             int   *out_wait)
{
  Sim *sim = o->sim;
  guint idx = op >> 1;
  WSpan *s = &sim->spans[idx];

  *out_wait = -1;
  if (op & 1)
    {
      if (sim_deepest (sim, s->state, s->obj) != (int) idx)
        return FALSE;
      sim->rows[s->depth] = -1;
      s->done = 2;
      return TRUE;
    }
  else
    {
      int wait = -1;
      guint row;

      if (is_held (s->state))
        {
          wait = sim_deepest (sim, wait_of (s->state), s->obj);
          if ((wait >= 0) != ((s->flags & WEFT_SPAN_CONTENDED) != 0))
            return FALSE;
          if (wait >= 0 && (sim->spans[wait].open || sim->spans[wait].end != o->t))
            return FALSE;
        }
      row = sim_lowest_free (sim, wait);
      if (row != s->depth)
        return FALSE;
      if (wait >= 0)
        {
          sim->rows[sim->spans[wait].depth] = -1;
          sim->spans[wait].done = 2;
        }
      sim->rows[row] = (int) idx;
      s->done = 1;
      *out_wait = wait;
      return TRUE;
    }
}

static void
order_undo (Order *o,
            guint  op,
            int    wait)
{
  Sim *sim = o->sim;
  guint idx = op >> 1;
  WSpan *s = &sim->spans[idx];

  if (op & 1)
    {
      sim->rows[s->depth] = (int) idx;
      s->done = 1;
    }
  else
    {
      sim->rows[s->depth] = -1;
      s->done = 0;
      if (wait >= 0)
        {
          sim->rows[sim->spans[wait].depth] = wait;
          sim->spans[wait].done = 1;
        }
    }
}

static gboolean
order_search (Order *o,
              guint  depth)
{
  if (depth == o->n_ops)
    {
      /* every wait that ends now was closed by an acquisition */
      for (guint d = 0; d < WEFT_LANE_MAX_DEPTH; d++)
        {
          int k = o->sim->rows[d];

          if (k >= 0 && is_wait (o->sim->spans[k].state) && !o->sim->spans[k].open &&
              o->sim->spans[k].end == o->t)
            return FALSE;
        }
      return TRUE;
    }
  if (++o->nodes > ORDER_MAX_NODES)
    return FALSE;
  for (guint i = 0; i < o->n_ops; i++)
    {
      guint op = o->ops[i];
      int wait;

      if (o->used[i])
        continue;
      /* the end of a span that starts now comes after its begin */
      if ((op & 1) && o->sim->spans[op >> 1].done != 1)
        continue;
      if (!order_apply (o, op, &wait))
        continue;
      o->used[i] = 1;
      o->order[depth] = op;
      if (order_search (o, depth + 1))
        return TRUE;
      o->used[i] = 0;
      order_undo (o, op, wait);
      if (o->nodes > ORDER_MAX_NODES)
        return FALSE;
    }
  return FALSE;
}

/* Whether this lane's events at @t already release @obj. */
static gboolean
released_at (GArray  *out,
             guint64  t,
             guint32  obj)
{
  for (guint i = out->len; i-- > 0;)
    {
      const WeftEvent *e = &g_array_index (out, WeftEvent, i);

      if (e->time_ns != t)
        break;
      if (e->object == obj && (e->kind == WEFT_EVENT_LOCK_RELEASED || e->kind == WEFT_EVENT_GIL_RELEASED))
        return TRUE;
    }
  return FALSE;
}

static WeftEventKind
begin_kind (guint8 state)
{
  switch (state)
    {
    case WEFT_STATE_RUNNING: return WEFT_EVENT_TASK_BEGIN;
    case WEFT_STATE_LOCK_WAIT: return WEFT_EVENT_LOCK_WAIT;
    case WEFT_STATE_LOCK_HELD: return WEFT_EVENT_LOCK_ACQUIRED;
    case WEFT_STATE_GIL_WAIT: return WEFT_EVENT_GIL_WAIT;
    case WEFT_STATE_GIL_HELD: return WEFT_EVENT_GIL_ACQUIRED;
    case WEFT_STATE_QUEUE_PUT: return WEFT_EVENT_QUEUE_PUT_BEGIN;
    case WEFT_STATE_QUEUE_GET: return WEFT_EVENT_QUEUE_GET_BEGIN;
    case WEFT_STATE_IO: return WEFT_EVENT_IO_BEGIN;
    case WEFT_STATE_STARTING: return WEFT_EVENT_SPAWN_BEGIN;
    default: return WEFT_EVENT_TASK_BEGIN;
    }
}

/*
 * Turns one lane's spans back into the begin/end events that make them,
 * in an order for which the model's rules (a begin takes the lowest free
 * row; an end closes the deepest open span of its state and object) put
 * every span back on its row. At one instant, a begin goes first if it lands
 * on its row; otherwise an end that closes the right span frees a row.
 */
static GArray *
build_weft_lane (WBuild  *b,
                 ImpLane *lane,
                 guint    worker,
                 guint64  unmatched,
                 guint64 *out_left)
{
  Import *imp = b->imp;
  GArray *recs = lane->recs;
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (WSpan));
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (WFlowEnd));
  g_autoptr(GArray) instants = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (guint));   /* open span indices with an end */
  g_autoptr(GArray) pending_ends = g_array_new (FALSE, FALSE, sizeof (guint));
  GArray *out = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  Sim sim;
  Order order;
  guint si = 0, ii = 0, fi = 0, flow_cursor = 0;
  guint64 bare = 0;

  sort_array (recs, compare_recs);
  for (guint i = 0; i < recs->len; i++)
    {
      const Rec *rec = &g_array_index (recs, Rec, i);
      guint64 t = imp->origin_ns + (guint64) rec->ts;

      if (rec->ts < 0 && (guint64) (-rec->ts) > imp->origin_ns)
        continue;
      if (rec->ph == 'X' || rec->ph == 'B')
        {
          WSpan s = {
            .start = t,
            .end = rec->ph == 'X' ? t + (guint64) rec->dur : G_MAXUINT64,
            .obj = rec->obj,
            .seq = rec->seq,
            .state = rec->state,
            .depth = rec->depth,
            .flags = rec->flags,
            .open = rec->ph == 'B' || (rec->flags & WEFT_SPAN_TRUNCATED) != 0,
          };

          g_array_append_val (spans, s);
        }
      else if (rec->ph == 'i' || rec->ph == 'I')
        {
          WeftEvent e = mkev (t, worker, WEFT_EVENT_INSTANT, rec->obj, rec->a0, rec->a1);

          g_array_append_val (instants, e);
        }
      else if ((rec->ph == 's' || rec->ph == 'f') && (rec->state == 1 || rec->ph == 's'))
        {
          WFlowEnd f = { t, rec->a0, rec->obj, rec->ph == 's' ? 1 : 2, 0, rec->state == 2 };

          g_array_append_val (flows, f);
        }
    }
  g_array_set_size (lane->recs, 0);
  /* recs were sorted by (ts, seq): instants and flow ends are in order */
  sort_array (spans, compare_wspans);

  sim.spans = (WSpan *) (gpointer) spans->data;
  for (guint d = 0; d <= WEFT_LANE_MAX_DEPTH; d++)
    sim.rows[d] = -1;

  for (;;)
    {
      guint64 t = G_MAXUINT64;
      WSpan *sp = sim.spans;
      guint begin_lo, begin_hi;

      /* The next instant at which anything happens. */
      if (si < spans->len)
        t = MIN (t, sp[si].start);
      for (guint k = 0; k < ends->len; k++)
        t = MIN (t, sp[g_array_index (ends, guint, k)].end);
      if (ii < instants->len)
        t = MIN (t, g_array_index (instants, WeftEvent, ii).time_ns);
      if (fi < flows->len)
        t = MIN (t, g_array_index (flows, WFlowEnd, fi).t);
      if (t == G_MAXUINT64)
        break;

      begin_lo = si;
      while (si < spans->len && sp[si].start == t)
        si++;
      begin_hi = si;
      g_array_set_size (pending_ends, 0);
      for (guint k = 0; k < ends->len;)
        {
          guint idx = g_array_index (ends, guint, k);

          if (sp[idx].end == t)
            {
              g_array_append_val (pending_ends, idx);
              g_array_remove_index_fast (ends, k);
            }
          else
            k++;
        }

      /* The exact order, by search; the greedy loop below is the fallback
       * for streams the model could not have produced. */
      {
        Order *o = &order;
        gboolean fits = TRUE;

        o->sim = &sim;
        o->t = t;
        o->n_ops = 0;
        o->nodes = 0;
        for (guint k = begin_lo; k < begin_hi && fits; k++)
          {
            if (sp[k].done != 0)
              continue;
            if (o->n_ops + 2 > ORDER_MAX_OPS)
              fits = FALSE;
            else
              {
                o->ops[o->n_ops++] = k << 1;
                if (!sp[k].open && sp[k].end == t && !is_wait (sp[k].state))
                  o->ops[o->n_ops++] = k << 1 | 1;
              }
          }
        for (guint q = 0; q < pending_ends->len && fits; q++)
          {
            guint idx = g_array_index (pending_ends, guint, q);

            if (sp[idx].done != 1 || is_wait (sp[idx].state))
              continue;
            if (o->n_ops + 1 > ORDER_MAX_OPS)
              fits = FALSE;
            else
              o->ops[o->n_ops++] = idx << 1 | 1;
          }
        memset (o->used, 0, sizeof o->used);
        if (fits && o->n_ops > 0 && order_search (o, 0))
          {
            for (guint q = 0; q < o->n_ops; q++)
              {
                guint idx = o->order[q] >> 1;

                if (o->order[q] & 1)
                  emit_close (b, out, worker, &sp[idx], t, (WFlowEnd *) (gpointer) flows->data, flows->len, &flow_cursor);
                else
                  {
                    WeftEvent e = mkev (t, worker, begin_kind (sp[idx].state), sp[idx].obj, 0, 0);

                    g_array_append_val (out, e);
                    if (!sp[idx].open && sp[idx].end != t)
                      g_array_append_val (ends, idx);
                  }
              }
          }
      }

      for (;;)
        {
          gboolean progressed = FALSE;
          gboolean any_begin = FALSE;

          for (guint k = begin_lo; k < begin_hi && !progressed; k++)
            {
              WSpan *s = &sp[k];
              int wait = -1;
              gboolean blocked = FALSE;
              guint row;

              if (s->done != 0)
                continue;
              any_begin = TRUE;
              if ((s->state == WEFT_STATE_LOCK_HELD || s->state == WEFT_STATE_GIL_HELD) &&
                  (s->flags & WEFT_SPAN_CONTENDED))
                {
                  wait = sim_deepest (&sim, wait_of (s->state), s->obj);
                  if (wait < 0 || sp[wait].end != t)
                    continue;
                }
              for (guint q = 0; q < pending_ends->len; q++)
                {
                  WSpan *e = &sp[g_array_index (pending_ends, guint, q)];

                  /* that end would close this span instead, unless this
                   * one ends first (zero length: the deepest closes first) */
                  if (e->done == 1 && e->state == s->state && e->obj == s->obj && e->depth < s->depth &&
                      (s->open || s->end != t))
                    blocked = TRUE;
                }
              /* a contended acquisition frees the wait's row first */
              row = sim_lowest_free (&sim, wait);
              if (blocked || row != s->depth)
                continue;

              if (wait >= 0)
                {
                  sim.rows[sp[wait].depth] = -1;
                  sp[wait].done = 2;
                }
              {
                WeftEvent e = mkev (t, worker, begin_kind (s->state), s->obj, 0, 0);

                g_array_append_val (out, e);
              }
              sim.rows[row] = (int) k;
              s->done = 1;
              if (!s->open)
                {
                  if (s->end == t)
                    g_array_append_val (pending_ends, k);
                  else
                    g_array_append_val (ends, k);
                }
              progressed = TRUE;
            }
          if (progressed)
            continue;

          /* No begin lands on its row: close the deepest closable end. */
          {
            int best = -1;

            for (guint q = 0; q < pending_ends->len; q++)
              {
                guint idx = g_array_index (pending_ends, guint, q);
                WSpan *e = &sp[idx];
                gboolean claimed = FALSE;

                if (e->done != 1 || sim_deepest (&sim, e->state, e->obj) != (int) idx)
                  continue;
                if (is_wait (e->state))
                  {
                    for (guint k = begin_lo; k < begin_hi; k++)
                      if (sp[k].done == 0 && (sp[k].flags & WEFT_SPAN_CONTENDED) &&
                          wait_of (sp[k].state) == e->state && sp[k].obj == e->obj &&
                          (sp[k].state == WEFT_STATE_LOCK_HELD || sp[k].state == WEFT_STATE_GIL_HELD))
                        claimed = TRUE;
                    if (claimed)
                      continue;
                  }
                if (best < 0 || e->depth > sp[best].depth)
                  best = (int) idx;
              }
            if (best >= 0)
              {
                emit_close (b, out, worker, &sp[best], t, (WFlowEnd *) (gpointer) flows->data, flows->len, &flow_cursor);
                sim.rows[sp[best].depth] = -1;
                sp[best].done = 2;
                continue;
              }
          }

          /* Nothing fits the rules (a stream the model could not have
           * produced): force the first begin, then any end. */
          if (any_begin)
            {
              for (guint k = begin_lo; k < begin_hi; k++)
                if (sp[k].done == 0)
                  {
                    WeftEvent e = mkev (t, worker, begin_kind (sp[k].state), sp[k].obj, 0, 0);
                    guint row = sim_lowest_free (&sim, -2);

                    g_array_append_val (out, e);
                    if (row < WEFT_LANE_MAX_DEPTH)
                      sim.rows[row] = (int) k;
                    sp[k].depth = (guint8) MIN (row, 255);
                    sp[k].done = 1;
                    if (!sp[k].open)
                      {
                        if (sp[k].end == t)
                          g_array_append_val (pending_ends, k);
                        else
                          g_array_append_val (ends, k);
                      }
                    break;
                  }
              continue;
            }
          {
            gboolean closed_any = FALSE;

            for (guint q = 0; q < pending_ends->len && !closed_any; q++)
              {
                guint idx = g_array_index (pending_ends, guint, q);

                if (sp[idx].done == 1)
                  {
                    emit_close (b, out, worker, &sp[idx], t, (WFlowEnd *) (gpointer) flows->data, flows->len, &flow_cursor);
                    if (sp[idx].depth < WEFT_LANE_MAX_DEPTH && sim.rows[sp[idx].depth] == (int) idx)
                      sim.rows[sp[idx].depth] = -1;
                    sp[idx].done = 2;
                    closed_any = TRUE;
                  }
              }
            if (!closed_any)
              break;
          }
        }

      /* Queue hand-offs whose end has no span here (an end without begin). */
      while (fi < flows->len && g_array_index (flows, WFlowEnd, fi).t == t)
        {
          WFlowEnd *f = &g_array_index (flows, WFlowEnd, fi++);

          if (!f->used && f->lock && released_at (out, t, f->obj))
            {
              /* one release can wake several waiters (each acquires after
               * it, before the next release): its other flows */
              f->used = 1;
            }
          else if (!f->used && f->lock)
            {
              /* a release that closed nothing, yet woke a waiter */
              gboolean gil = weft_trace_model_get_object_kind (b->model, f->obj) == WEFT_OBJECT_GIL;
              WeftEvent e = mkev (t, worker, gil ? WEFT_EVENT_GIL_RELEASED : WEFT_EVENT_LOCK_RELEASED, f->obj, 0, 0);

              f->used = 1;
              bare++;
              g_array_append_val (out, e);
            }
          else if (!f->used)
            {
              WeftEvent e = mkev (t, worker, f->side == 1 ? WEFT_EVENT_QUEUE_PUT_END : WEFT_EVENT_QUEUE_GET_END,
                                  f->obj, queue_depth_at (b, f->obj, t), f->item);

              f->used = 1;
              bare++;
              note_covered (b, f->obj, t);
              g_array_append_val (out, e);
            }
        }
      while (ii < instants->len && g_array_index (instants, WeftEvent, ii).time_ns == t)
        g_array_append_val (out, g_array_index (instants, WeftEvent, ii++));
    }

  /* Ends that closed nothing left no trace but their count and, maybe, the
   * run's first or last time: build_weft() puts them there. */
  *out_left = unmatched > bare ? unmatched - bare : 0;
  return out;
}

/* One stream per lane plus one of counter points, merged by time. At equal
 * times a lock release goes first, so that a wake-up flow is seen as it was
 * recorded (release, then the waiter's acquisition). */
typedef struct
{
  GArray *events;
  guint   next;
  guint   worker;
  guint64 left;       /* ends that closed nothing, still to place */
  guint64 last_ns;    /* the lane's last time */
} Stream;

/* Ends that closed nothing: one at the run's first time if no event is
 * there (the model counts it as the run's start), the others at the lane's
 * end (where they change nothing but the count). */
static void
place_unmatched (Import *imp,
                 Stream *streams,
                 guint   n)
{
  gboolean first_covered = FALSE;

  for (guint s = 0; s < n; s++)
    {
      GArray *ev = streams[s].events;

      for (guint i = 0; ev != NULL && i < ev->len; i++)
        {
          const WeftEvent *e = &g_array_index (ev, WeftEvent, i);

          if (e->time_ns > imp->first_ns)
            break;
          if (e->kind >= WEFT_EVENT_TASK_BEGIN && e->kind < WEFT_EVENT_N_KINDS)
            first_covered = TRUE;
        }
    }
  for (guint s = 0; s < n; s++)
    {
      Stream *st = &streams[s];
      WeftEvent e = mkev (imp->first_ns, st->worker, WEFT_EVENT_IO_END, UNMATCHED_OBJECT, 0, 0);
      guint64 t1 = MIN (imp->last_ns, st->last_ns);

      if (st->left == 0)
        continue;
      if (!first_covered)
        {
          g_array_prepend_val (st->events, e);
          st->left--;
          first_covered = TRUE;
        }
      e.time_ns = t1;
      for (; st->left > 0 && (st->events->len == 0 ||
                              g_array_index (st->events, WeftEvent, st->events->len - 1).time_ns <= t1); st->left--)
        g_array_append_val (st->events, e);
    }
}

static inline gboolean
stream_before (const Stream *a,
               const Stream *b,
               guint         ia,
               guint         ib)
{
  const WeftEvent *x = &g_array_index (a->events, WeftEvent, a->next);
  const WeftEvent *y = &g_array_index (b->events, WeftEvent, b->next);
  gboolean rx = x->kind == WEFT_EVENT_LOCK_RELEASED || x->kind == WEFT_EVENT_GIL_RELEASED;
  gboolean ry = y->kind == WEFT_EVENT_LOCK_RELEASED || y->kind == WEFT_EVENT_GIL_RELEASED;

  if (x->time_ns != y->time_ns)
    return x->time_ns < y->time_ns;
  if (rx != ry)
    return rx;
  return ia < ib;
}

static void
merge_streams (WeftTraceModel *model,
               Stream         *streams,
               guint           n)
{
  g_autofree guint *heap = g_new (guint, n + 1);
  g_autoptr(GArray) batch = g_array_sized_new (FALSE, FALSE, sizeof (WeftEvent), APPEND_BATCH);
  guint len = 0;

#define LESS(i, j) stream_before (&streams[heap[i]], &streams[heap[j]], heap[i], heap[j])
  for (guint s = 0; s < n; s++)
    {
      guint i;

      if (streams[s].events != NULL && streams[s].events->len == 0)
        g_clear_pointer (&streams[s].events, g_array_unref);
      if (streams[s].events == NULL)
        continue;
      heap[len] = s;
      i = len++;
      while (i > 0 && LESS (i, (i - 1) / 2))
        {
          guint tmp = heap[i];

          heap[i] = heap[(i - 1) / 2];
          heap[(i - 1) / 2] = tmp;
          i = (i - 1) / 2;
        }
    }
  while (len > 0)
    {
      Stream *top = &streams[heap[0]];
      guint i = 0;

      g_array_append_val (batch, g_array_index (top->events, WeftEvent, top->next));
      if (batch->len == APPEND_BATCH)
        {
          weft_trace_model_append (model, (const WeftEvent *) (gpointer) batch->data, batch->len);
          g_array_set_size (batch, 0);
        }
      if (++top->next == top->events->len)
        {
          g_clear_pointer (&top->events, g_array_unref);
          heap[0] = heap[--len];
        }
      for (;;)
        {
          guint l = 2 * i + 1, r = l + 1, m = i, tmp;

          if (l < len && LESS (l, m))
            m = l;
          if (r < len && LESS (r, m))
            m = r;
          if (m == i)
            break;
          tmp = heap[i];
          heap[i] = heap[m];
          heap[m] = tmp;
          i = m;
        }
    }
#undef LESS
  if (batch->len > 0)
    weft_trace_model_append (model, (const WeftEvent *) (gpointer) batch->data, batch->len);
}

static guint
covered_hash (gconstpointer p)
{
  const guint64 *k = p;

  return g_int64_hash (&k[1]) ^ (guint) k[0];
}

static gboolean
covered_equal (gconstpointer a,
               gconstpointer b)
{
  const guint64 *x = a, *y = b;

  return x[0] == y[0] && x[1] == y[1];
}

static int
compare_counter_events (const void *a,
                        const void *b)
{
  const WeftEvent *x = a, *y = b;

  if (x->time_ns != y->time_ns)
    return x->time_ns < y->time_ns ? -1 : 1;
  return x->object < y->object ? -1 : x->object > y->object;
}

static int
compare_counter_recs (const void *a,
                      const void *b)
{
  const Rec *x = a, *y = b;

  if (x->obj != y->obj)
    return x->obj < y->obj ? -1 : 1;
  return compare_recs (a, b);
}

static WeftTraceModel *
build_weft (Import  *imp,
            GError **error)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GHashTable) queue_tracks = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  g_autoptr(GHashTable) covered = g_hash_table_new_full (covered_hash, covered_equal, g_free, NULL);
  g_autoptr(GArray) counter_events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autoptr(GArray) fix = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  g_autofree Stream *streams = NULL;
  WBuild b = { imp, model, queue_tracks, covered, G_MININT64, 0 };
  guint n_streams = 0, counter_worker = 0;
  guint64 counter_last = 0;
  gboolean have_counter_lane = FALSE;
  WeftRunStats run;
  gint64 pad;

  for (guint i = 0; i < imp->weft_lanes->len; i++)
    {
      WeftLaneInfo *info = &g_array_index (imp->weft_lanes, WeftLaneInfo, i);

      if (info->name != NULL)
        weft_trace_model_set_lane_name (model, info->worker, info->name);
      weft_trace_model_set_lane_executor (model, info->worker, info->executor, info->pid);
      if (!have_counter_lane || info->last_ns > counter_last)
        {
          counter_worker = info->worker;
          counter_last = info->last_ns;
          have_counter_lane = TRUE;
        }
    }
  for (guint i = 0; i < imp->weft_objects->len; i++)
    {
      WeftObjectInfo *info = &g_array_index (imp->weft_objects, WeftObjectInfo, i);

      weft_trace_model_declare_object (model, info->id, info->kind, info->initial);
      if (info->name != NULL)
        weft_trace_model_set_object_name (model, info->id, info->name);
    }

  /* Counter tracks as written (queue depths are re-derived from the ends) */
  sort_array (imp->counter_recs, compare_counter_recs);
  for (guint i = 0; i < imp->counter_recs->len; i++)
    {
      const Rec *rec = &g_array_index (imp->counter_recs, Rec, i);
      GArray *points = g_hash_table_lookup (queue_tracks, GUINT_TO_POINTER (rec->obj));
      WeftCounterPoint p = { imp->origin_ns + (guint64) rec->ts, rec->a0 };

      if (points == NULL)
        {
          points = g_array_new (FALSE, FALSE, sizeof (WeftCounterPoint));
          g_hash_table_insert (queue_tracks, GUINT_TO_POINTER (rec->obj), points);
        }
      g_array_append_val (points, p);
    }

  streams = g_new0 (Stream, imp->lanes->len + 1);
  for (guint i = 0; i < imp->lanes->len; i++)
    {
      ImpLane *lane = g_ptr_array_index (imp->lanes, i);
      guint64 unmatched = 0, lane_last = G_MAXUINT64;

      if (cancelled (imp, error))
        {
          for (guint k = 0; k < n_streams; k++)
            g_clear_pointer (&streams[k].events, g_array_unref);
          return NULL;
        }
      if (lane->tid < 0 || lane->tid >= WEFT_MAX_WORKERS || lane->async_cat != 0)
        {
          imp->stats->n_invalid += lane->recs->len;
          continue;
        }
      if (lane->recs->len == 0)
        continue;
      b.work_left = 0;
      for (guint k = 0; k < imp->weft_lanes->len; k++)
        if (g_array_index (imp->weft_lanes, WeftLaneInfo, k).worker == (guint) lane->tid)
          {
            b.work_left = g_array_index (imp->weft_lanes, WeftLaneInfo, k).task_work_ns;
            unmatched = g_array_index (imp->weft_lanes, WeftLaneInfo, k).unmatched;
            lane_last = g_array_index (imp->weft_lanes, WeftLaneInfo, k).last_ns;
          }
      streams[n_streams].events = build_weft_lane (&b, lane, (guint) lane->tid, unmatched, &streams[n_streams].left);
      streams[n_streams].worker = (guint) lane->tid;
      streams[n_streams].last_ns = lane_last;
      n_streams++;
    }

  /* Counter points that no queue end re-creates */
  if (have_counter_lane)
    {
      GHashTableIter iter;
      gpointer key, value;
      g_autoptr(GArray) objs = g_array_new (FALSE, FALSE, sizeof (guint32));

      g_hash_table_iter_init (&iter, queue_tracks);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          guint32 obj = GPOINTER_TO_UINT (key);

          g_array_append_val (objs, obj);
        }
      for (guint k = 0; k < objs->len; k++)
        {
          guint32 obj = g_array_index (objs, guint32, k);
          GArray *points = g_hash_table_lookup (queue_tracks, GUINT_TO_POINTER (obj));
          WeftObjectKind kind = weft_trace_model_get_object_kind (model, obj);

          for (guint i = 0; i < points->len; i++)
            {
              const WeftCounterPoint *p = &g_array_index (points, WeftCounterPoint, i);
              guint64 key2[2] = { obj, p->time_ns };
              WeftEvent e;

              if (g_hash_table_contains (covered, key2))
                continue;
              if (kind == WEFT_OBJECT_COUNTER && (p->time_ns < imp->first_ns || p->time_ns > imp->last_ns))
                e = mkev (p->time_ns, counter_worker, WEFT_EVENT_OBJECT_NEW, obj, WEFT_OBJECT_COUNTER, p->value);
              else
                e = mkev (p->time_ns, counter_worker, WEFT_EVENT_COUNTER, obj, p->value, 0);
              g_array_append_val (counter_events, e);
            }
        }
      sort_array (counter_events, compare_counter_events);
      streams[n_streams++].events = g_steal_pointer (&counter_events);
    }

  place_unmatched (imp, streams, n_streams);
  merge_streams (model, streams, n_streams);

  /* What the timeline cannot say: ends that closed nothing, the lanes' last
   * times, dropped and uncounted records. */
  for (guint i = 0; i < imp->weft_lanes->len; i++)
    {
      WeftLaneInfo *info = &g_array_index (imp->weft_lanes, WeftLaneInfo, i);
      WeftLaneStats ls;
      WeftLane *lane = weft_trace_model_lookup_lane (model, info->worker);

      if (lane == NULL || !weft_trace_model_get_lane_stats (model, info->worker, &ls))
        continue;
      for (guint64 k = ls.n_unmatched; k < info->unmatched; k++)
        {
          WeftEvent e = mkev (weft_lane_get_last_time (lane), info->worker, WEFT_EVENT_IO_END, UNMATCHED_OBJECT, 0, 0);

          g_array_append_val (fix, e);
        }
    }
  for (guint i = 0; i < imp->weft_lanes->len; i++)
    {
      WeftLaneInfo *info = &g_array_index (imp->weft_lanes, WeftLaneInfo, i);
      WeftLane *lane = weft_trace_model_lookup_lane (model, info->worker);
      WeftEvent e = mkev (info->last_ns, info->worker, WEFT_EVENT_HELLO, 0, 0, 0);

      /* only where the lane's last time is not there yet: a record more
       * than the file counted would show in n_events */
      if (lane == NULL || weft_lane_get_last_time (lane) != info->last_ns)
        g_array_append_val (fix, e);
    }
  weft_trace_model_get_run_stats (model, &run);
  for (guint64 k = run.n_dropped; k < imp->n_dropped; k++)
    {
      /* A record the model refuses (and counts as dropped) */
      WeftEvent e = mkev (0, 0, WEFT_EVENT_N_KINDS, 0, 0, 0);

      g_array_append_val (fix, e);
    }
  pad = (gint64) imp->n_events - (gint64) (run.n_events + fix->len);
  if (imp->weft_lanes->len > 0)
    {
      guint w0 = g_array_index (imp->weft_lanes, WeftLaneInfo, 0).worker;

      for (gint64 k = 0; k < pad; k++)
        {
          WeftEvent e = mkev (0, w0, WEFT_EVENT_HELLO, 0, 0, 0);

          g_array_append_val (fix, e);
        }
    }
  append_events (model, fix);

  /* OBJECT_NEW records above may have changed an initial value. */
  for (guint i = 0; i < imp->weft_objects->len; i++)
    {
      WeftObjectInfo *info = &g_array_index (imp->weft_objects, WeftObjectInfo, i);

      weft_trace_model_declare_object (model, info->id, info->kind, info->initial);
    }

  if (imp->finished)
    weft_trace_model_finish (model, 0);
  imp->stats->n_lanes = weft_trace_model_get_n_lanes (model);
  return g_steal_pointer (&model);
}

/* ---- entry point ---------------------------------------------------------- */

static void
import_clear (Import *imp)
{
  g_clear_pointer (&imp->lane_index, g_hash_table_unref);
  g_clear_pointer (&imp->lanes, g_ptr_array_unref);
  g_clear_pointer (&imp->names, g_hash_table_unref);
  g_clear_pointer (&imp->name_list, g_ptr_array_unref);
  g_clear_pointer (&imp->counters, g_hash_table_unref);
  g_clear_pointer (&imp->counter_names, g_ptr_array_unref);
  g_clear_pointer (&imp->flow_queues, g_hash_table_unref);
  g_clear_pointer (&imp->flow_names, g_ptr_array_unref);
  g_clear_pointer (&imp->cats, g_hash_table_unref);
  g_clear_pointer (&imp->process_names, g_hash_table_unref);
  g_clear_pointer (&imp->process_sort, g_hash_table_unref);
  g_clear_pointer (&imp->counter_recs, g_array_unref);
  g_clear_pointer (&imp->weft_lanes, g_array_unref);
  g_clear_pointer (&imp->weft_objects, g_array_unref);
  g_clear_pointer (&imp->meta, weft_trace_meta_free);
  g_clear_pointer (&imp->r, weft_json_reader_free);
  if (imp->ev.name != NULL)
    g_string_free (imp->ev.name, TRUE);
  if (imp->ev.cat != NULL)
    g_string_free (imp->ev.cat, TRUE);
  for (guint i = 0; i < MAX_ARGS; i++)
    {
      if (imp->ev.args[i].key != NULL)
        g_string_free (imp->ev.args[i].key, TRUE);
      if (imp->ev.args[i].s != NULL)
        g_string_free (imp->ev.args[i].s, TRUE);
    }
}

/**
 * weft_trace_import_file:
 * @path: a Chrome Trace Event JSON file (object or array form)
 * @out_meta: (out) (optional) (transfer full): what the file says about the run
 * @out_stats: (out caller-allocates) (optional): what was read and skipped
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Reads a trace file as a stream (memory grows with the events kept, not
 * with the file's text) and builds a model from it: exactly the exported
 * model for a file Weft wrote; lanes per (pid, tid), slices as RUNNING spans
 * of tasks named like them, counters, instants and flows for other files.
 * Events that cannot be used are skipped and counted in @out_stats.
 *
 * Returns: (transfer full) (nullable): the model (finished, unless it was
 *   exported live), or %NULL with @error set (%WEFT_TRACE_ERROR with
 *   "FILE:LINE:COLUMN: message", or %G_IO_ERROR_CANCELLED)
 */
WeftTraceModel *
weft_trace_import_file (const char            *path,
                        WeftTraceMeta        **out_meta,
                        WeftTraceImportStats  *out_stats,
                        GCancellable          *cancellable,
                        GError               **error)
{
  WeftTraceImportStats stats = { 0 };
  Import imp = { 0 };
  WeftTraceModel *model = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  imp.r = weft_json_reader_new_for_path (path, error);
  if (imp.r == NULL)
    return NULL;
  weft_json_reader_set_allow_unclosed_array (imp.r, TRUE);
  imp.cancellable = cancellable;
  imp.stats = &stats;
  imp.meta = weft_trace_meta_new ();
  imp.lane_index = g_hash_table_new_full (lane_key_hash, lane_key_equal, g_free, NULL);
  imp.lanes = g_ptr_array_new_with_free_func (imp_lane_free);
  imp.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.name_list = g_ptr_array_new_with_free_func (g_free);
  imp.counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.counter_names = g_ptr_array_new_with_free_func (g_free);
  imp.flow_queues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.flow_names = g_ptr_array_new_with_free_func (g_free);
  imp.cats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.process_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  imp.process_sort = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  imp.counter_recs = g_array_new (FALSE, FALSE, sizeof (Rec));
  imp.weft_lanes = g_array_new (FALSE, FALSE, sizeof (WeftLaneInfo));
  g_array_set_clear_func (imp.weft_lanes, lane_info_clear);
  imp.weft_objects = g_array_new (FALSE, FALSE, sizeof (WeftObjectInfo));
  g_array_set_clear_func (imp.weft_objects, object_info_clear);
  imp.ev.name = g_string_sized_new (64);
  imp.ev.cat = g_string_sized_new (32);
  for (guint i = 0; i < MAX_ARGS; i++)
    {
      imp.ev.args[i].key = g_string_sized_new (16);
      imp.ev.args[i].s = g_string_sized_new (16);
    }

  if (read_document (&imp, error))
    {
      g_clear_pointer (&imp.r, weft_json_reader_free);
      stats.weft_format = imp.weft;
      model = imp.weft ? build_weft (&imp, error) : build_foreign (&imp, error);
    }

  if (model != NULL)
    {
      if (out_meta != NULL)
        *out_meta = g_steal_pointer (&imp.meta);
      if (out_stats != NULL)
        *out_stats = stats;
    }
  import_clear (&imp);
  return model;
}
