/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-json-scan-private.h"
#include "weft-json-stream.h"
#include "weft-span-args-private.h"

/*
 * The args of another program's slices: the table that finds them, and
 * the compact JSON objects they are kept as. Only slices with args cost
 * anything: an entry of 24 bytes and a table slot (the table is at most
 * half full), and the text itself, kept once, in the model's journal.
 */

typedef struct
{
  guint64 time_ns;
  guint64 offset;
  guint32 len;
  guint16 worker;
  guint16 slot;
} Entry;

G_STATIC_ASSERT (sizeof (Entry) == 24);

/*
 * Each lane's entries in (time, slot) order, as a builder sets them (a
 * foreign trace's lane by lane, in the order of its spans; a journal's
 * replay in the same order): appended, found by binary search. An entry
 * set out of that order goes to a hash table of its own, looked at first.
 */
struct _WeftArgsTable
{
  GArray **lanes;       /* per worker, NULL until it has an entry */
  guint    n_lanes;
  guint    n;           /* keys with args */
  GArray  *entries;     /* the hash table's */
  guint32 *slots;       /* entry index + 1, 0 = empty; a power of two */
  guint    mask;
};

WeftArgsTable *
_weft_args_table_new (void)
{
  WeftArgsTable *table = g_new0 (WeftArgsTable, 1);

  table->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  return table;
}

void
_weft_args_table_free (WeftArgsTable *table)
{
  if (table == NULL)
    return;
  for (guint i = 0; i < table->n_lanes; i++)
    if (table->lanes[i] != NULL)
      g_array_unref (table->lanes[i]);
  g_free (table->lanes);
  g_array_unref (table->entries);
  g_free (table->slots);
  g_free (table);
}

static inline int
key_cmp (guint64      time_ns,
         guint        slot,
         const Entry *e)
{
  if (time_ns != e->time_ns)
    return time_ns < e->time_ns ? -1 : 1;
  return slot < e->slot ? -1 : slot > e->slot;
}

/* In a lane's sorted entries. */
static const Entry *
lane_find (const WeftArgsTable *table,
           guint                worker,
           guint                slot,
           guint64              time_ns)
{
  const GArray *lane = worker < table->n_lanes ? table->lanes[worker] : NULL;
  guint lo = 0, hi;

  if (lane == NULL)
    return NULL;
  hi = lane->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int c = key_cmp (time_ns, slot, &g_array_index (lane, Entry, mid));

      if (c == 0)
        return &g_array_index (lane, Entry, mid);
      if (c < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return NULL;
}

static inline guint
key_hash (guint   worker,
          guint   slot,
          guint64 time_ns)
{
  guint64 x = time_ns * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) ^ ((guint64) worker << 16 | slot);

  x ^= x >> 31;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 29;
  return (guint) x;
}

/* The hash table's slot that holds the key, or the empty one where it
 * would go. */
static guint
find_slot (const WeftArgsTable *table,
           guint                worker,
           guint                slot,
           guint64              time_ns)
{
  const Entry *entries = (const Entry *) (gconstpointer) table->entries->data;
  guint i = key_hash (worker, slot, time_ns) & table->mask;

  for (;;)
    {
      guint32 at = table->slots[i];
      const Entry *e;

      if (at == 0)
        return i;
      e = &entries[at - 1];
      if (e->time_ns == time_ns && e->worker == worker && e->slot == slot)
        return i;
      i = (i + 1) & table->mask;
    }
}

static void
grow (WeftArgsTable *table)
{
  guint n = table->slots == NULL ? 64 : (table->mask + 1) * 2;
  const Entry *entries = (const Entry *) (gconstpointer) table->entries->data;

  g_free (table->slots);
  table->slots = g_new0 (guint32, n);
  table->mask = n - 1;
  for (guint k = 0; k < table->entries->len; k++)
    table->slots[find_slot (table, entries[k].worker, entries[k].slot, entries[k].time_ns)] = k + 1;
}

/* Sets (or replaces) the text of a key. */
void
_weft_args_table_set (WeftArgsTable *table,
                      guint          worker,
                      guint          slot,
                      guint64        time_ns,
                      guint64        offset,
                      guint32        len)
{
  Entry e = { time_ns, offset, len, (guint16) worker, (guint16) slot };
  GArray *lane;
  guint i;

  g_assert (worker <= G_MAXUINT16 && slot <= G_MAXUINT16);
  if (worker >= table->n_lanes)
    {
      guint n = MAX (worker + 1, table->n_lanes * 2);

      table->lanes = g_renew (GArray *, table->lanes, n);
      memset (table->lanes + table->n_lanes, 0, (n - table->n_lanes) * sizeof (GArray *));
      table->n_lanes = n;
    }
  if (table->lanes[worker] == NULL)
    table->lanes[worker] = g_array_new (FALSE, FALSE, sizeof (Entry));
  lane = table->lanes[worker];

  /* in order: appended, or the last one replaced (what went to the hash
   * table is before the last one) */
  {
    int c = lane->len == 0 ? 1 : key_cmp (time_ns, slot, &g_array_index (lane, Entry, lane->len - 1));

    if (c > 0)
      {
        g_array_append_val (lane, e);
        table->n++;
        return;
      }
    if (c == 0)
      {
        g_array_index (lane, Entry, lane->len - 1) = e;
        return;
      }
  }

  if (table->slots == NULL || (table->entries->len + 1) * 2 > table->mask + 1)
    grow (table);
  i = find_slot (table, worker, slot, time_ns);
  if (table->slots[i] != 0)
    {
      g_array_index (table->entries, Entry, table->slots[i] - 1) = e;
      return;
    }
  g_array_append_val (table->entries, e);
  table->slots[i] = table->entries->len;
  if (lane_find (table, worker, slot, time_ns) == NULL)
    table->n++;
}

gboolean
_weft_args_table_lookup (const WeftArgsTable *table,
                         guint                worker,
                         guint                slot,
                         guint64              time_ns,
                         guint64             *out_offset,
                         guint32             *out_len)
{
  const Entry *e = NULL;

  if (worker > G_MAXUINT16 || slot > G_MAXUINT16)
    return FALSE;
  if (table->slots != NULL)
    {
      guint32 at = table->slots[find_slot (table, worker, slot, time_ns)];

      if (at != 0)
        e = &g_array_index (table->entries, Entry, at - 1);
    }
  if (e == NULL)
    e = lane_find (table, worker, slot, time_ns);
  if (e == NULL)
    return FALSE;
  *out_offset = e->offset;
  *out_len = e->len;
  return TRUE;
}

guint
_weft_args_table_get_n (const WeftArgsTable *table)
{
  return table->n;
}

/* Every key with args and its text, lane after lane in (time, slot)
 * order, then those set out of order, in the order they were set. */
void
_weft_args_table_foreach (const WeftArgsTable *table,
                          WeftArgsFunc         func,
                          gpointer             user_data)
{
  for (guint w = 0; w < table->n_lanes; w++)
    for (guint k = 0; table->lanes[w] != NULL && k < table->lanes[w]->len; k++)
      {
        const Entry *e = &g_array_index (table->lanes[w], Entry, k);

        /* replaced by a later one out of order */
        if (table->slots != NULL && table->slots[find_slot (table, e->worker, e->slot, e->time_ns)] != 0)
          continue;
        func (e->worker, e->slot, e->time_ns, e->offset, e->len, user_data);
      }
  for (guint k = 0; k < table->entries->len; k++)
    {
      const Entry *e = &g_array_index (table->entries, Entry, k);

      func (e->worker, e->slot, e->time_ns, e->offset, e->len, user_data);
    }
}

/* The table's own memory (not the texts'). */
gsize
_weft_args_table_get_bytes (const WeftArgsTable *table)
{
  gsize bytes = (gsize) table->entries->len * sizeof (Entry) +
                (table->slots != NULL ? (gsize) (table->mask + 1) * sizeof (guint32) : 0);

  for (guint i = 0; i < table->n_lanes; i++)
    if (table->lanes[i] != NULL)
      bytes += (gsize) table->lanes[i]->len * sizeof (Entry);
  return bytes;
}

/* ---- the store ------------------------------------------------------------ */

#define CHUNK_BITS  20
#define CHUNK_BYTES (1u << CHUNK_BITS)
#define MAX_CHUNKS  2047u

/* Texts met lately, by a hash of their bytes: a text seen again (a
 * Chromium trace's every RunTask has the same src_file and src_func) is
 * stored once. */
#define RECENT_SLOTS 1024

struct _WeftArgsStore
{
  GPtrArray *chunks;    /* guint8[CHUNK_BYTES] each */
  guint      used;      /* of the last chunk */
  guint32    recent[RECENT_SLOTS];   /* references, 0: none */
};

static guint
text_hash (const char *text,
           gsize       len)
{
  guint32 h = 2166136261u;

  for (gsize i = 0; i < len; i++)
    h = (h ^ (guchar) text[i]) * 16777619u;
  return h ^ (guint32) len;
}

WeftArgsStore *
_weft_args_store_new (void)
{
  WeftArgsStore *store = g_new0 (WeftArgsStore, 1);

  store->chunks = g_ptr_array_new_with_free_func (g_free);
  return store;
}

void
_weft_args_store_free (WeftArgsStore *store)
{
  if (store == NULL)
    return;
  g_ptr_array_unref (store->chunks);
  g_free (store);
}

/* Returns: the text's reference, or 0 if the store is full */
guint32
_weft_args_store_add (WeftArgsStore *store,
                      const char    *text,
                      gsize          len)
{
  guint16 n = (guint16) len;
  guint slot = text_hash (text, len) & (RECENT_SLOTS - 1);
  guint8 *p;
  guint32 ref;

  g_assert (len <= WEFT_SPAN_ARGS_MAX);
  if (store->recent[slot] != 0)
    {
      gsize had_len;
      const char *had = _weft_args_store_get (store, store->recent[slot], &had_len);

      if (had_len == len && memcmp (had, text, len) == 0)
        return store->recent[slot];
    }
  if (store->chunks->len == 0 || store->used + sizeof n + len > CHUNK_BYTES)
    {
      if (store->chunks->len >= MAX_CHUNKS)
        return 0;
      g_ptr_array_add (store->chunks, g_malloc (CHUNK_BYTES));
      store->used = 0;
    }
  ref = (((store->chunks->len - 1) << CHUNK_BITS) | store->used) + 1;
  p = (guint8 *) g_ptr_array_index (store->chunks, store->chunks->len - 1) + store->used;
  memcpy (p, &n, sizeof n);
  memcpy (p + sizeof n, text, len);
  store->used += (guint) (sizeof n + len);
  store->recent[slot] = ref;
  return ref;
}

const char *
_weft_args_store_get (const WeftArgsStore *store,
                      guint32              ref,
                      gsize               *out_len)
{
  const guint8 *p;
  guint16 n;

  g_assert (ref != 0 && ((ref - 1) >> CHUNK_BITS) < store->chunks->len);
  p = (const guint8 *) g_ptr_array_index (store->chunks, (ref - 1) >> CHUNK_BITS) + ((ref - 1) & (CHUNK_BYTES - 1));
  memcpy (&n, p, sizeof n);
  *out_len = n;
  return (const char *) p + sizeof n;
}

/**
 * _weft_args_store_take:
 * @other: emptied: its chunks move to @store
 *
 * Returns: what to add to @other's references to make them @store's, or
 *   G_MAXUINT32 if @store cannot take them all (then @other's are lost)
 */
guint32
_weft_args_store_take (WeftArgsStore *store,
                       WeftArgsStore *other)
{
  guint32 shift = store->chunks->len << CHUNK_BITS;

  if (store->chunks->len + other->chunks->len > MAX_CHUNKS)
    {
      g_ptr_array_set_size (other->chunks, 0);
      memset (other->recent, 0, sizeof other->recent);
      return G_MAXUINT32;
    }
  for (guint i = 0; i < other->chunks->len; i++)
    g_ptr_array_add (store->chunks, g_steal_pointer (&other->chunks->pdata[i]));
  /* the last chunk taken is the last one now */
  if (other->chunks->len > 0)
    store->used = other->used;
  g_ptr_array_set_size (other->chunks, 0);
  memset (other->recent, 0, sizeof other->recent);
  return shift;
}

gsize
_weft_args_store_get_bytes (const WeftArgsStore *store)
{
  return (gsize) store->chunks->len * CHUNK_BYTES;
}

/* ---- the objects ----------------------------------------------------------- */

gboolean
_weft_span_args_check (const char *text,
                       gsize       len)
{
  g_autoptr(WeftJsonReader) r = NULL;
  WeftJsonToken tok;

  if (len < 2 || len > WEFT_SPAN_ARGS_MAX || text[0] != '{' || !_weft_utf8_validate_fast (text, len))
    return FALSE;
  /* the bulk scanner decides most; the token reader what it gives up on */
  if (_weft_json_scan_value (text, text + len, WEFT_JSON_MAX_DEPTH) == text + len)
    return TRUE;
  r = weft_json_reader_new_for_data (text, len, "args");
  weft_json_reader_set_strict (r, TRUE);
  tok = weft_json_reader_next (r, NULL);
  return tok == WEFT_JSON_BEGIN_OBJECT && weft_json_reader_skip_value (r, tok, NULL) &&
         weft_json_reader_next (r, NULL) == WEFT_JSON_EOF;
}

/**
 * weft_span_args_to_pairs:
 * @json: (array length=len): args as a model keeps them
 *   (weft_trace_model_get_span_args())
 * @len: their length
 * @out_cut: (out) (optional): whether they were cut to fit
 *
 * Returns: (transfer full): the members as key, value, key, value…, then
 *   %NULL: a string value as its text, any other as its JSON text (the
 *   mark of a cut left out)
 */
char **
weft_span_args_to_pairs (const char *json,
                         gsize       len,
                         gboolean   *out_cut)
{
  g_autoptr(WeftJsonReader) r = weft_json_reader_new_for_data (json, len, "args");
  GPtrArray *pairs = g_ptr_array_new ();
  gboolean cut = FALSE;

  if (weft_json_reader_next (r, NULL) == WEFT_JSON_BEGIN_OBJECT)
    for (;;)
      {
        g_autofree char *key = NULL;
        char *value = NULL;
        const char *s;
        gsize n;
        WeftJsonToken tok = weft_json_reader_next (r, NULL);

        if (tok != WEFT_JSON_KEY)
          break;
        s = weft_json_reader_get_string (r, &n);
        key = g_strndup (s, n);
        tok = weft_json_reader_next (r, NULL);
        if (tok == WEFT_JSON_STRING)
          {
            s = weft_json_reader_get_string (r, &n);
            value = g_strndup (s, n);
          }
        else if (tok == WEFT_JSON_NUMBER)
          {
            s = weft_json_reader_get_number_text (r, &n);
            value = g_strndup (s, n);
          }
        else if (tok == WEFT_JSON_TRUE || tok == WEFT_JSON_FALSE || tok == WEFT_JSON_NULL)
          value = g_strdup (tok == WEFT_JSON_TRUE ? "true" : tok == WEFT_JSON_FALSE ? "false" : "null");
        else if (tok == WEFT_JSON_BEGIN_OBJECT || tok == WEFT_JSON_BEGIN_ARRAY)
          {
            guint64 from = weft_json_reader_get_token_offset (r);

            if (!weft_json_reader_skip_value (r, tok, NULL))
              break;
            value = g_strndup (json + from, (gsize) (weft_json_reader_get_offset (r) - from));
          }
        else
          break;
        if (strcmp (key, WEFT_SPAN_ARGS_CUT_KEY) == 0)
          {
            cut = TRUE;
            g_free (value);
            continue;
          }
        g_ptr_array_add (pairs, g_steal_pointer (&key));
        g_ptr_array_add (pairs, value);
      }
  g_ptr_array_add (pairs, NULL);
  if (out_cut != NULL)
    *out_cut = cut;
  return (char **) g_ptr_array_free (pairs, FALSE);
}

/* ---- writing them ---------------------------------------------------------- */

#define CUT_KEY_JSON "\"" WEFT_SPAN_ARGS_CUT_KEY "\""
#define CUT_MEMBER CUT_KEY_JSON ":true"
#define MEMBERS_ROOM WEFT_ARGS_MEMBERS_ROOM
G_STATIC_ASSERT (WEFT_ARGS_MEMBERS_ROOM == WEFT_SPAN_ARGS_MAX - 3 - (sizeof CUT_MEMBER - 1));
#define ELLIPSIS "\xe2\x80\xa6"

void
_weft_args_writer_begin (WeftArgsWriter *w,
                         GString        *out)
{
  w->out = out;
  w->start = out->len;
  w->n = 0;
  w->cut = FALSE;
  g_string_append_c (out, '{');
}

/* @text as a string of at most @room bytes between its quotes, "…" after
 * them included. */
static void
append_cut_string (GString    *out,
                   const char *text,
                   gsize       len,
                   gsize       room)
{
  g_autoptr(GString) tmp = g_string_new (NULL);
  gsize n = MIN (len, room - 3);

  for (;;)
    {
      while (n > 0 && n < len && ((guchar) text[n] & 0xc0) == 0x80)
        n--;
      g_string_truncate (tmp, 0);
      weft_json_append_string (tmp, text, n);
      if (tmp->len - 2 + 3 <= room || n == 0)
        break;
      /* escapes made it longer: as much less of the text as that */
      n = MIN (n - 1, (gsize) ((guint64) n * (room - 3) / (tmp->len - 2)));
    }
  g_string_append_len (out, tmp->str, (gssize) tmp->len - 1);
  g_string_append (out, ELLIPSIS "\"");
}

void
_weft_args_writer_add (WeftArgsWriter *w,
                       const char     *key,
                       gsize           key_len,
                       const char     *value,
                       gsize           value_len,
                       const char     *cut_text,
                       gsize           cut_len)
{
  gsize used = w->out->len - w->start - 1 + (w->n > 0);

  if (w->cut)
    return;
  if (value != NULL && used + key_len + 1 + value_len <= MEMBERS_ROOM)
    {
      if (w->n++ > 0)
        g_string_append_c (w->out, ',');
      g_string_append_len (w->out, key, (gssize) key_len);
      g_string_append_c (w->out, ':');
      g_string_append_len (w->out, value, (gssize) value_len);
      return;
    }
  w->cut = TRUE;
  /* a cut value only where a few characters of it fit */
  if (cut_text != NULL && used + key_len + 1 + 2 + 3 + 8 <= MEMBERS_ROOM)
    {
      if (w->n++ > 0)
        g_string_append_c (w->out, ',');
      g_string_append_len (w->out, key, (gssize) key_len);
      g_string_append_c (w->out, ':');
      append_cut_string (w->out, cut_text, cut_len, MEMBERS_ROOM - used - key_len - 1 - 2);
    }
}

void
_weft_args_writer_end (WeftArgsWriter *w)
{
  if (w->cut)
    {
      if (w->n > 0)
        g_string_append_c (w->out, ',');
      g_string_append (w->out, CUT_MEMBER);
    }
  g_string_append_c (w->out, '}');
  g_assert (w->out->len - w->start <= WEFT_SPAN_ARGS_MAX);
}

typedef struct
{
  const char *key;
  gsize       key_len;
  const char *value;
  gsize       value_len;
} Member;

/* The ',' or '}' after the value at @p, in a compact object. */
static const char *
value_end (const char *p,
           const char *end)
{
  guint depth = 0;

  while (p < end)
    {
      char c = *p;

      if (c == '"')
        {
          for (p++; p < end && *p != '"'; p++)
            if (*p == '\\')
              p++;
          p++;
          continue;
        }
      if (depth == 0 && (c == ',' || c == '}'))
        return p;
      if (c == '{' || c == '[')
        depth++;
      else if (c == '}' || c == ']')
        depth--;
      p++;
    }
  return end;
}

/* The members of an object the writer made. */
static GArray *
members_of (const char *text,
            gsize       len)
{
  GArray *members = g_array_new (FALSE, FALSE, sizeof (Member));
  const char *p = text + 1, *end = text + len;

  while (p < end && *p == '"')
    {
      Member m = { p, 0, NULL, 0 };
      const char *q;

      for (q = p + 1; q < end && *q != '"'; q++)
        if (*q == '\\')
          q++;
      if (q + 1 >= end || q[1] != ':')
        break;
      m.key_len = (gsize) (q + 1 - p);
      m.value = q + 2;
      q = value_end (m.value, end);
      m.value_len = (gsize) (q - m.value);
      g_array_append_val (members, m);
      if (q >= end || *q != ',')
        break;
      p = q + 1;
    }
  return members;
}

static gboolean
is_cut_key (const Member *m)
{
  return m->key_len == sizeof CUT_KEY_JSON - 1 && memcmp (m->key, CUT_KEY_JSON, m->key_len) == 0;
}

void
_weft_span_args_merge (GString    *out,
                       const char *a,
                       gsize       a_len,
                       const char *b,
                       gsize       b_len)
{
  g_autoptr(GArray) ma = members_of (a, a_len);
  g_autoptr(GArray) mb = members_of (b, b_len);
  g_autofree gboolean *taken = g_new0 (gboolean, mb->len + 1);
  gboolean cut = FALSE;
  WeftArgsWriter w;

  _weft_args_writer_begin (&w, out);
  for (guint i = 0; i < ma->len; i++)
    {
      const Member *m = &g_array_index (ma, Member, i);

      if (is_cut_key (m))
        {
          cut = TRUE;
          continue;
        }
      for (guint j = 0; j < mb->len; j++)
        {
          const Member *o = &g_array_index (mb, Member, j);

          if (!taken[j] && o->key_len == m->key_len && memcmp (o->key, m->key, m->key_len) == 0)
            {
              taken[j] = TRUE;
              m = o;
              break;
            }
        }
      _weft_args_writer_add (&w, m->key, m->key_len, m->value, m->value_len, NULL, 0);
    }
  for (guint j = 0; j < mb->len; j++)
    {
      const Member *o = &g_array_index (mb, Member, j);

      if (is_cut_key (o))
        cut = TRUE;
      else if (!taken[j])
        _weft_args_writer_add (&w, o->key, o->key_len, o->value, o->value_len, NULL, 0);
    }
  w.cut = w.cut || cut;
  _weft_args_writer_end (&w);
}
