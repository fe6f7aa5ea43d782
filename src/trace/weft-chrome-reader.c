/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "weft-chrome-reader-private.h"
#include "weft-json-scan-private.h"
#include "weft-trace-export.h"

/*
 * Reads a Chrome Trace Event JSON document with the streaming tokenizer:
 * each object of the event array is decoded into one WeftChromeEvent and
 * handed to a callback; "otherData" becomes a WeftTraceMeta; the "weft"
 * member of a file Weft wrote gives the model's journal, after which the
 * events are passed over (the journal rebuilds the model exactly).
 *
 * Every member's value is consumed whole, whatever its type: a value of
 * the wrong type makes the event invalid (counted, with its position),
 * never a member of something else.
 */

#define CANCEL_EVERY 16384

struct _WeftChromeReader
{
  WeftJsonReader       *r;
  GCancellable         *cancellable;
  WeftTraceImportStats *stats;
  WeftTraceMeta        *meta;
  WeftChromeEventFunc   func;
  gpointer              user_data;
  guint                 since_check;
  WeftChromeEvent       ev;

  /* The "weft" member */
  gint64                weft_version;
  guint64               journal_bytes;
  gboolean              has_journal_bytes;
  GBytes               *journal;
  WeftChromeJournalFunc journal_func;
  gpointer              journal_data;

  /* Reading a big trace's events in two halves */
  char                 *path;
  const WeftChromeSplitFuncs *split_funcs;
  gpointer              split_data;
  gint                 *abandon;      /* of the second half's reader: stop */
};

static WeftChromeReader *reader_wrap (WeftJsonReader       *r,
                                      WeftTraceImportStats *stats,
                                      GCancellable         *cancellable);
static gboolean          read_events (WeftChromeReader     *self,
                                      GError              **error);
typedef struct _WeftChromeSplit Split;
static gboolean          read_events_until (WeftChromeReader *self,
                                            Split            *split,
                                            GError          **error);

static gboolean
cancelled (WeftChromeReader  *self,
           GError           **error)
{
  return g_cancellable_set_error_if_cancelled (self->cancellable, error);
}

void
_weft_chrome_reader_note_skip (WeftChromeReader *self,
                               guint64          *counter,
                               const char       *reason)
{
  (*counter)++;
  if (self->stats->first_skip[0] == 0)
    {
      guint64 line, column;

      weft_json_reader_get_position (self->r, &line, &column);
      g_snprintf (self->stats->first_skip, sizeof self->stats->first_skip,
                  "%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ": %s",
                  weft_json_reader_get_name (self->r), line, column, reason);
    }
}

/* ---- values --------------------------------------------------------------- */

static gboolean
expect (WeftChromeReader  *self,
        WeftJsonToken      want,
        WeftJsonToken      got,
        const char        *what,
        GError           **error)
{
  if (got == WEFT_JSON_ERROR_TOKEN)
    return FALSE;
  if (got != want)
    {
      weft_json_reader_set_error (self->r, error, WEFT_TRACE_ERROR_INVALID, "expected %s", what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_uint_value (WeftChromeReader  *self,
                 const char        *key,
                 guint64           *out,
                 GError           **error)
{
  WeftJsonToken tok = weft_json_reader_next (self->r, error);
  gint64 v;

  if (tok == WEFT_JSON_ERROR_TOKEN)
    return FALSE;
  if (tok != WEFT_JSON_NUMBER || !weft_json_reader_get_int64 (self->r, &v) || v < 0)
    {
      weft_json_reader_set_error (self->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "expected a non-negative integer for \"%s\"", key);
      return FALSE;
    }
  *out = (guint64) v;
  return TRUE;
}

/* A yes/no member of otherData: 1 for @yes, 0 for @no, -1 for anything else */
static int
meta_flag (const char *s,
           gsize       len,
           const char *yes,
           const char *no)
{
  if (len == strlen (yes) && memcmp (s, yes, len) == 0)
    return 1;
  if (len == strlen (no) && memcmp (s, no, len) == 0)
    return 0;
  return -1;
}

static gboolean
read_other_data (WeftChromeReader  *self,
                 GError           **error)
{
  WeftJsonToken tok = weft_json_reader_next (self->r, error);

  if (tok != WEFT_JSON_BEGIN_OBJECT)
    return weft_json_reader_skip_value (self->r, tok, error);
  for (;;)
    {
      g_autofree char *key = NULL;
      char **slot = NULL;
      gsize len;
      const char *s;

      tok = weft_json_reader_next (self->r, error);
      if (tok == WEFT_JSON_END_OBJECT)
        return TRUE;
      if (tok == WEFT_JSON_ERROR_TOKEN)
        return FALSE;
      key = g_strdup (weft_json_reader_get_string (self->r, NULL));
      tok = weft_json_reader_next (self->r, error);
      if (tok != WEFT_JSON_STRING)
        {
          if (!weft_json_reader_skip_value (self->r, tok, error))
            return FALSE;
          continue;
        }
      s = weft_json_reader_get_string (self->r, &len);
      if (g_str_equal (key, "profile"))
        slot = &self->meta->profile;
      else if (g_str_equal (key, "executor"))
        slot = &self->meta->executor;
      else if (g_str_equal (key, "python"))
        slot = &self->meta->python;
      else if (g_str_equal (key, "machine"))
        slot = &self->meta->machine;
      else if (g_str_equal (key, "command_line"))
        slot = &self->meta->command_line;
      else if (g_str_equal (key, "source"))
        slot = &self->meta->source;
      else if (g_str_equal (key, "interrupted"))
        slot = &self->meta->interrupted;
      else if (g_str_equal (key, "gil"))
        self->meta->gil = meta_flag (s, len, "on", "off");
      else if (g_str_equal (key, "work_waits"))
        self->meta->work_waits = meta_flag (s, len, "yes", "no");
      else if (g_str_equal (key, "workers"))
        {
          g_autofree char *copy = g_strndup (s, len);
          guint64 w = g_ascii_strtoull (copy, NULL, 10);

          self->meta->workers = w < G_MAXUINT ? (guint) w : 0;
        }
      if (slot != NULL)
        {
          g_free (*slot);
          *slot = g_utf8_make_valid (s, (gssize) len);
        }
    }
}

/* ---- the "weft" member ---------------------------------------------------- */

/* "journal": an array of base64 strings, decoded into one byte array. */
static gboolean
read_journal (WeftChromeReader  *self,
              GError           **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  WeftJsonToken tok = weft_json_reader_next (self->r, error);
  int state = 0;
  guint save = 0;

  if (!expect (self, WEFT_JSON_BEGIN_ARRAY, tok, "an array of strings for \"journal\"", error))
    return FALSE;
  for (;;)
    {
      gsize len, at;
      const char *text;

      tok = weft_json_reader_next (self->r, error);
      if (tok == WEFT_JSON_END_ARRAY)
        break;
      if (!expect (self, WEFT_JSON_STRING, tok, "a string in \"journal\"", error))
        return FALSE;
      text = weft_json_reader_get_string (self->r, &len);
      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/' && text[i] != '=')
          {
            weft_json_reader_set_error (self->r, error, WEFT_TRACE_ERROR_INVALID,
                                        "\"journal\" holds a character that is not base64");
            return FALSE;
          }
      at = bytes->len;
      g_byte_array_set_size (bytes, (guint) (at + len / 4 * 3 + 3));
      at += g_base64_decode_step (text, len, bytes->data + at, &state, &save);
      g_byte_array_set_size (bytes, (guint) at);
    }
  if (self->has_journal_bytes && bytes->len != self->journal_bytes)
    {
      weft_json_reader_set_error (self->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "the journal holds %u bytes, \"journal_bytes\" says %" G_GUINT64_FORMAT,
                                  bytes->len, self->journal_bytes);
      return FALSE;
    }
  g_clear_pointer (&self->journal, g_bytes_unref);
  self->journal = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  return TRUE;
}

static gboolean
read_version (WeftChromeReader  *self,
              GError           **error)
{
  WeftJsonToken tok = weft_json_reader_next (self->r, error);

  if (!expect (self, WEFT_JSON_NUMBER, tok, "an integer for \"version\"", error))
    return FALSE;
  if (!weft_json_reader_get_int64 (self->r, &self->weft_version) ||
      self->weft_version != WEFT_TRACE_FORMAT_VERSION)
    {
      gsize len;
      const char *text = weft_json_reader_get_number_text (self->r, &len);

      weft_json_reader_set_error (self->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "Weft trace data version %.*s is not supported (expected %d)%s",
                                  (int) MIN (len, 32), text, WEFT_TRACE_FORMAT_VERSION,
                                  self->weft_version == 1 ? ": an older Weft wrote it, without the model's journal" : "");
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_weft_member (WeftChromeReader  *self,
                  GError           **error)
{
  WeftJsonToken tok = weft_json_reader_next (self->r, error);

  if (!expect (self, WEFT_JSON_BEGIN_OBJECT, tok, "an object for \"weft\"", error))
    return FALSE;
  for (;;)
    {
      tok = weft_json_reader_next (self->r, error);
      if (tok == WEFT_JSON_END_OBJECT)
        break;
      if (!expect (self, WEFT_JSON_KEY, tok, "a member of \"weft\"", error))
        return FALSE;
      if (weft_json_reader_string_equal (self->r, "version"))
        {
          if (!read_version (self, error))
            return FALSE;
        }
      else if (weft_json_reader_string_equal (self->r, "journal_bytes"))
        {
          if (!read_uint_value (self, "journal_bytes", &self->journal_bytes, error))
            return FALSE;
          self->has_journal_bytes = TRUE;
        }
      else if (weft_json_reader_string_equal (self->r, "journal"))
        {
          if (self->weft_version == 0)
            {
              weft_json_reader_set_error (self->r, error, WEFT_TRACE_ERROR_INVALID,
                                          "\"journal\" before \"version\" in \"weft\"");
              return FALSE;
            }
          if (!read_journal (self, error))
            return FALSE;
        }
      else if (!weft_json_reader_skip_value (self->r, weft_json_reader_next (self->r, error), error))
        return FALSE;
    }
  if (self->weft_version == 0)
    {
      weft_json_reader_set_error (self->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "\"weft\" without \"version\"");
      return FALSE;
    }
  if (self->journal == NULL)
    {
      weft_json_reader_set_error (self->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "\"weft\" without \"journal\"");
      return FALSE;
    }
  if (self->journal_func != NULL)
    self->journal_func (self->journal, self->journal_data);
  return TRUE;
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
read_id (WeftChromeReader  *self,
         WeftJsonToken      tok,
         WeftChromeEvent   *ev,
         GError           **error)
{
  if (tok == WEFT_JSON_NUMBER)
    {
      gsize len;
      const char *text = weft_json_reader_get_number_text (self->r, &len);

      if (!weft_json_reader_get_int64 (self->r, &ev->id))
        ev->id = hash_id (text, len);
      ev->has_id = TRUE;
      return TRUE;
    }
  if (tok == WEFT_JSON_STRING)
    {
      gsize len;
      const char *s = weft_json_reader_get_string (self->r, &len);

      ev->id = hash_id (s, len);
      ev->has_id = TRUE;
      return TRUE;
    }
  if (tok == WEFT_JSON_BEGIN_OBJECT)
    {
      for (;;)
        {
          tok = weft_json_reader_next (self->r, error);
          if (tok == WEFT_JSON_END_OBJECT)
            return TRUE;
          if (tok != WEFT_JSON_KEY)
            return FALSE;
          tok = weft_json_reader_next (self->r, error);
          if (tok == WEFT_JSON_NUMBER || tok == WEFT_JSON_STRING)
            {
              if (!read_id (self, tok, ev, error))
                return FALSE;
            }
          else if (!weft_json_reader_skip_value (self->r, tok, error))
            return FALSE;
        }
    }
  if (!weft_json_reader_skip_value (self->r, tok, error))
    return FALSE;
  ev->bad = "\"id\" is neither a number nor a string";
  return TRUE;
}

/* Appends to @arg's text, up to WEFT_CHROME_ARG_JSON_MAX bytes. */
static inline void
json_put (WeftChromeArg *arg,
          const char    *text,
          gsize          len)
{
  gsize room = WEFT_CHROME_ARG_JSON_MAX - arg->s->len;

  if (arg->cut)
    return;
  if (len > room)
    {
      len = room;
      arg->cut = TRUE;
    }
  g_string_append_len (arg->s, text, (gssize) len);
}

/* An "args" value that is not a number or a string, whose first token is
 * @tok: consumed whole, its compact JSON text kept in @arg (the start of
 * it, if long). */
static gboolean
read_json_value (WeftChromeReader  *self,
                 WeftJsonToken      tok,
                 WeftChromeArg     *arg,
                 GError           **error)
{
  g_autoptr(GString) scratch = NULL;
  guint depth = 0;
  char last = 0;

  g_string_truncate (arg->s, 0);
  arg->is_json = TRUE;
  for (;;)
    {
      const char *s;
      gsize len;

      if (tok == WEFT_JSON_ERROR_TOKEN || tok == WEFT_JSON_EOF)
        return FALSE;
      if (tok == WEFT_JSON_END_OBJECT || tok == WEFT_JSON_END_ARRAY)
        {
          last = tok == WEFT_JSON_END_OBJECT ? '}' : ']';
          json_put (arg, &last, 1);
          depth--;
        }
      else
        {
          if (depth > 0 && last != '{' && last != '[' && last != ':')
            json_put (arg, ",", 1);
          switch (tok)
            {
            case WEFT_JSON_BEGIN_OBJECT:
            case WEFT_JSON_BEGIN_ARRAY:
              last = tok == WEFT_JSON_BEGIN_OBJECT ? '{' : '[';
              json_put (arg, &last, 1);
              depth++;
              break;
            case WEFT_JSON_KEY:
            case WEFT_JSON_STRING:
              if (scratch == NULL)
                scratch = g_string_new (NULL);
              g_string_truncate (scratch, 0);
              s = weft_json_reader_get_string (self->r, &len);
              weft_json_append_string (scratch, s, len);
              if (tok == WEFT_JSON_KEY)
                g_string_append_c (scratch, ':');
              json_put (arg, scratch->str, scratch->len);
              last = tok == WEFT_JSON_KEY ? ':' : '"';
              break;
            case WEFT_JSON_NUMBER:
              s = weft_json_reader_get_number_text (self->r, &len);
              json_put (arg, s, len);
              last = '0';
              break;
            case WEFT_JSON_TRUE:
              json_put (arg, "true", 4);
              last = 'e';
              break;
            case WEFT_JSON_FALSE:
              json_put (arg, "false", 5);
              last = 'e';
              break;
            default:
              json_put (arg, "null", 4);
              last = 'l';
              break;
            }
        }
      if (depth == 0 && tok != WEFT_JSON_KEY)
        return TRUE;
      tok = weft_json_reader_next (self->r, error);
    }
}

static gboolean
read_args (WeftChromeReader  *self,
           WeftChromeEvent   *ev,
           GError           **error)
{
  WeftJsonToken tok = weft_json_reader_next (self->r, error);

  if (tok == WEFT_JSON_ERROR_TOKEN)
    return FALSE;
  if (tok != WEFT_JSON_BEGIN_OBJECT)
    {
      if (!weft_json_reader_skip_value (self->r, tok, error))
        return FALSE;
      if (tok != WEFT_JSON_NULL)
        ev->bad = "\"args\" is not an object";
      return TRUE;
    }
  for (;;)
    {
      WeftChromeArg *arg;
      gsize len;
      const char *s;

      tok = weft_json_reader_next (self->r, error);
      if (tok == WEFT_JSON_END_OBJECT)
        return TRUE;
      if (tok == WEFT_JSON_ERROR_TOKEN)
        return FALSE;
      if (ev->n_args >= WEFT_CHROME_MAX_ARGS)
        {
          ev->args_over = TRUE;
          if (!weft_json_reader_skip_value (self->r, weft_json_reader_next (self->r, error), error))
            return FALSE;
          continue;
        }
      arg = &ev->args[ev->n_args];
      s = weft_json_reader_get_string (self->r, &len);
      g_string_truncate (arg->key, 0);
      g_string_append_len (arg->key, s, (gssize) len);
      arg->is_num = arg->is_int = arg->is_str = arg->is_json = arg->cut = FALSE;
      tok = weft_json_reader_next (self->r, error);
      switch (tok)
        {
        case WEFT_JSON_NUMBER:
          arg->is_num = TRUE;
          arg->is_int = weft_json_reader_get_int64 (self->r, &arg->i);
          if (!weft_json_reader_get_double (self->r, &arg->d))
            arg->is_num = FALSE;
          else if (!arg->is_int)
            arg->i = (gint64) CLAMP (arg->d, -9.2e18, 9.2e18);
          arg->is_json = !arg->is_num;
          s = weft_json_reader_get_number_text (self->r, &len);
          g_string_truncate (arg->s, 0);
          g_string_append_len (arg->s, s, (gssize) len);
          ev->n_args++;
          break;
        case WEFT_JSON_STRING:
          s = weft_json_reader_get_string (self->r, &len);
          g_string_truncate (arg->s, 0);
          g_string_append_len (arg->s, s, (gssize) len);
          arg->is_str = TRUE;
          ev->n_args++;
          break;
        case WEFT_JSON_ERROR_TOKEN:
          return FALSE;
        default:
          if (!read_json_value (self, tok, arg, error))
            return FALSE;
          ev->n_args++;
          break;
        }
    }
}

const WeftChromeArg *
_weft_chrome_event_find_arg (const WeftChromeEvent *ev,
                             const char            *key)
{
  for (guint i = 0; i < ev->n_args; i++)
    if (strcmp (ev->args[i].key->str, key) == 0)
      return &ev->args[i];
  return NULL;
}

static gboolean
read_number_field (WeftChromeReader  *self,
                   WeftJsonToken      tok,
                   WeftChromeEvent   *ev,
                   gint64            *out,
                   gboolean          *has,
                   gboolean           milli,
                   const char        *field,
                   GError           **error)
{
  if (tok != WEFT_JSON_NUMBER)
    {
      /* The whole value goes, whatever it is: what an array or an object
       * holds must never be read as members of the event. */
      ev->bad = field;
      return weft_json_reader_skip_value (self->r, tok, error);
    }
  if (milli ? !weft_json_reader_get_milli (self->r, out) : !weft_json_reader_get_int64 (self->r, out))
    {
      ev->bad = field;
      return TRUE;
    }
  *has = TRUE;
  return TRUE;
}

static void
event_reset (WeftChromeEvent *ev)
{
  ev->ph = 0;
  ev->has_name = ev->has_pid = ev->has_tid = ev->has_ts = ev->has_dur = ev->has_id = FALSE;
  ev->scope = 0;
  ev->n_args = 0;
  ev->args_over = FALSE;
  ev->args_raw = NULL;
  ev->bad = NULL;
  g_string_truncate (ev->cat, 0);
}

/* Reads the members of one event object (after its '{'). */
static gboolean
read_event (WeftChromeReader  *self,
            WeftChromeEvent   *ev,
            GError           **error)
{
  WeftJsonReader *r = self->r;

  event_reset (ev);

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
      if (tok != WEFT_JSON_KEY)
        {
          /* The reader checks the grammar, so only a member can come here;
           * anything else means this loop lost step with it. */
          weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_INVALID,
                                      "expected a member name (a string) in an event");
          return FALSE;
        }
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
          if (!read_args (self, ev, error))
            return FALSE;
          continue;
        }

      tok = weft_json_reader_next (r, error);
      if (tok == WEFT_JSON_ERROR_TOKEN)
        return FALSE;

      if (klen == 2 && k0 == 't' && key[1] == 's')
        {
          if (!read_number_field (self, tok, ev, &ev->ts, &ev->has_ts, TRUE, "\"ts\" is not a number in range", error))
            return FALSE;
        }
      else if (klen == 3 && k0 == 'd' && memcmp (key, "dur", 3) == 0)
        {
          if (!read_number_field (self, tok, ev, &ev->dur, &ev->has_dur, TRUE, "\"dur\" is not a number in range", error))
            return FALSE;
        }
      else if (klen == 3 && k0 == 'p' && memcmp (key, "pid", 3) == 0)
        {
          if (!read_number_field (self, tok, ev, &ev->pid, &ev->has_pid, FALSE, "\"pid\" is not an integer in range", error))
            return FALSE;
        }
      else if (klen == 3 && k0 == 't' && memcmp (key, "tid", 3) == 0)
        {
          if (!read_number_field (self, tok, ev, &ev->tid, &ev->has_tid, FALSE, "\"tid\" is not an integer in range", error))
            return FALSE;
        }
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
          if (!read_id (self, tok, ev, error))
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

/* ---- one trace event, from the buffer at once ----------------------------- */

/*
 * Most events are small objects with plain members: they are read from the
 * reader's buffer in one pass, into the same WeftChromeEvent as
 * read_event() makes, member by member with the same rules. Anything else
 * (an escape in a string, an "id" object, an event across the end of the
 * buffer, anything malformed) makes it give up before consuming a byte;
 * read_event() then reads the event token by token, and says what is wrong
 * where.
 */

typedef struct
{
  const char *end;
  guint       room;        /* nesting still allowed inside the event */
} Fast;

/* A string without escapes at @p (its opening quote): its text and length,
 * and the byte after it; NULL otherwise. */
static inline const char *
fast_string (const Fast  *f,
             const char  *p,
             const char **out_s,
             gsize       *out_len)
{
  const char *q;

  if (*p != '"')
    return NULL;
  q = _weft_json_scan_string_end (p + 1, f->end);
  if (q >= f->end || *q != '"')
    return NULL;
  *out_s = p + 1;
  *out_len = (gsize) (q - p - 1);
  return q + 1;
}

/* A number at @p, copied NUL-terminated into @num (64 bytes). */
static inline const char *
fast_number (const Fast *f,
             const char *p,
             char        num[64],
             gsize      *out_len)
{
  const char *q = _weft_json_scan_number (p, f->end, 64);

  if (q == NULL)
    return NULL;
  *out_len = (gsize) (q - p);
  memcpy (num, p, *out_len);
  num[*out_len] = 0;
  return q;
}

static inline gboolean
starts_number (char c)
{
  return c == '-' || (c >= '0' && c <= '9');
}

/* The value of an "args" member, as read_args() keeps it. */
static const char *
fast_arg (const Fast      *f,
          const char      *p,
          WeftChromeEvent *ev)
{
  WeftChromeArg *arg = &ev->args[ev->n_args];
  const char *s;
  gsize len;

  if (*p == '"')
    {
      if ((p = fast_string (f, p, &s, &len)) == NULL)
        return NULL;
      g_string_truncate (arg->s, 0);
      g_string_append_len (arg->s, s, (gssize) len);
      arg->is_num = arg->is_int = arg->is_json = arg->cut = FALSE;
      arg->is_str = TRUE;
      ev->n_args++;
      return p;
    }
  if (starts_number (*p))
    {
      char num[64];

      if ((p = fast_number (f, p, num, &len)) == NULL)
        return NULL;
      arg->is_str = arg->cut = FALSE;
      arg->is_num = TRUE;
      arg->is_int = _weft_json_parse_int64 (num, &arg->i);
      if (!_weft_json_parse_double (num, &arg->d))
        arg->is_num = FALSE;
      else if (!arg->is_int)
        arg->i = (gint64) CLAMP (arg->d, -9.2e18, 9.2e18);
      arg->is_json = !arg->is_num;
      g_string_truncate (arg->s, 0);
      g_string_append_len (arg->s, num, (gssize) len);
      ev->n_args++;
      return p;
    }
  /* objects, arrays, true, false, null: their text, without the spaces */
  {
    const char *q = _weft_json_scan_value (p, f->end, f->room - 1);
    gboolean in_string = FALSE;
    gsize k = 0;
    char *out;

    /* an escape: read_json_value() writes the string as it decodes it */
    if (q == NULL || memchr (p, '\\', (gsize) (q - p)) != NULL)
      return NULL;
    arg->is_num = arg->is_int = arg->is_str = FALSE;
    arg->is_json = TRUE;
    g_string_set_size (arg->s, WEFT_CHROME_ARG_JSON_MAX + 1);
    out = arg->s->str;
    for (const char *c = p; c < q && k <= WEFT_CHROME_ARG_JSON_MAX; c++)
      {
        if (in_string)
          in_string = *c != '"';
        else if (*c == ' ' || *c == '\n' || *c == '\r' || *c == '\t')
          continue;
        else
          in_string = *c == '"';
        out[k++] = *c;
      }
    arg->cut = k > WEFT_CHROME_ARG_JSON_MAX;
    g_string_set_size (arg->s, MIN (k, WEFT_CHROME_ARG_JSON_MAX));
    ev->n_args++;
    return q;
  }
}

static const char *
fast_args (const Fast      *f,
           const char      *p,
           WeftChromeEvent *ev)
{
  const char *start = p, *q;
  gboolean compact = ev->n_args == 0 && !ev->args_over;    /* not a second "args" */

#define SPACE(x) (q = (x), (x) = _weft_json_scan_space ((x), f->end), compact = compact && q == (x))
  ev->args_raw = NULL;
  if (*p != '{')
    {
      gboolean null = f->end - p >= 4 && memcmp (p, "null", 4) == 0;

      if ((p = _weft_json_scan_value (p, f->end, f->room)) != NULL && !null)
        ev->bad = "\"args\" is not an object";
      return p;
    }
  p++;
  SPACE (p);
  if (p < f->end && *p == '}')
    return p + 1;
  while (p < f->end)
    {
      const char *k;
      gsize klen;

      if ((p = fast_string (f, p, &k, &klen)) == NULL)
        return NULL;
      SPACE (p);
      if (p >= f->end || *p != ':')
        return NULL;
      p++;
      if (SPACE (p), p >= f->end)
        return NULL;
      if (ev->n_args >= WEFT_CHROME_MAX_ARGS)
        {
          ev->args_over = TRUE;
          compact = FALSE;
          p = _weft_json_scan_value (p, f->end, f->room - 1);
        }
      else
        {
          const WeftChromeArg *arg = &ev->args[ev->n_args];

          g_string_truncate (ev->args[ev->n_args].key, 0);
          g_string_append_len (ev->args[ev->n_args].key, k, (gssize) klen);
          q = p;
          p = fast_arg (f, p, ev);
          /* a value whose text lost its spaces, or was cut */
          if (p != NULL && arg->is_json && !arg->is_num && (arg->cut || arg->s->len != (gsize) (p - q)))
            compact = FALSE;
        }
      if (p == NULL || (SPACE (p), p >= f->end))
        return NULL;
      if (*p == '}')
        {
          if (compact)
            {
              ev->args_raw = start;
              ev->args_raw_len = (gsize) (p + 1 - start);
            }
          return p + 1;
        }
      if (*p != ',')
        return NULL;
      p++;
      SPACE (p);
    }
  return NULL;
#undef SPACE
}

/* A number member (ts, dur, pid, tid), as read_number_field() reads it. */
static const char *
fast_number_field (const Fast      *f,
                   const char      *p,
                   WeftChromeEvent *ev,
                   gint64          *out,
                   gboolean        *has,
                   gboolean         milli,
                   const char      *field)
{
  char num[64];
  gsize len;

  if (!starts_number (*p))
    {
      ev->bad = field;
      return _weft_json_scan_value (p, f->end, f->room);
    }
  if ((p = fast_number (f, p, num, &len)) == NULL)
    return NULL;
  if (milli ? !weft_json_parse_milli (num, len, out) : !_weft_json_parse_int64 (num, out))
    ev->bad = field;
  else
    *has = TRUE;
  return p;
}

/* A string member: its text, or NULL in @out_s for another kind of value
 * (passed over whole). */
static const char *
fast_string_field (const Fast  *f,
                   const char  *p,
                   const char **out_s,
                   gsize       *out_len)
{
  *out_s = NULL;
  if (*p == '"')
    return fast_string (f, p, out_s, out_len);
  return _weft_json_scan_value (p, f->end, f->room);
}

static const char *
fast_id (const Fast      *f,
         const char      *p,
         WeftChromeEvent *ev)
{
  const char *s;
  gsize len;

  if (*p == '"')
    {
      if ((p = fast_string (f, p, &s, &len)) != NULL)
        {
          ev->id = hash_id (s, len);
          ev->has_id = TRUE;
        }
      return p;
    }
  if (starts_number (*p))
    {
      char num[64];

      if ((p = fast_number (f, p, num, &len)) == NULL)
        return NULL;
      if (!_weft_json_parse_int64 (num, &ev->id))
        ev->id = hash_id (num, len);
      ev->has_id = TRUE;
      return p;
    }
  if (*p == '{')
    return NULL;      /* {"local": …}: read_id() takes it */
  ev->bad = "\"id\" is neither a number nor a string";
  return _weft_json_scan_value (p, f->end, f->room);
}

/* One member's value at @p (after the ':'), as read_event() reads it. */
static const char *
fast_member (const Fast      *f,
             const char      *k,
             gsize            klen,
             const char      *p,
             WeftChromeEvent *ev)
{
  const char *s;
  gsize len;

  switch (klen)
    {
    case 1:
      if (k[0] != 's')
        break;
      if ((p = fast_string_field (f, p, &s, &len)) != NULL && s != NULL)
        ev->scope = len > 0 ? s[0] : 0;
      return p;
    case 2:
      if (k[0] == 'p' && k[1] == 'h')
        {
          if ((p = fast_string_field (f, p, &s, &len)) == NULL)
            return NULL;
          if (s == NULL || len != 1)
            ev->bad = "\"ph\" is not a one-character string";
          else
            ev->ph = (guchar) s[0];
          return p;
        }
      if (k[0] == 't' && k[1] == 's')
        return fast_number_field (f, p, ev, &ev->ts, &ev->has_ts, TRUE, "\"ts\" is not a number in range");
      if (k[0] == 'i' && k[1] == 'd')
        return fast_id (f, p, ev);
      break;
    case 3:
      if (memcmp (k, "pid", 3) == 0)
        return fast_number_field (f, p, ev, &ev->pid, &ev->has_pid, FALSE, "\"pid\" is not an integer in range");
      if (memcmp (k, "tid", 3) == 0)
        return fast_number_field (f, p, ev, &ev->tid, &ev->has_tid, FALSE, "\"tid\" is not an integer in range");
      if (memcmp (k, "dur", 3) == 0)
        return fast_number_field (f, p, ev, &ev->dur, &ev->has_dur, TRUE, "\"dur\" is not a number in range");
      if (memcmp (k, "cat", 3) == 0)
        {
          if ((p = fast_string_field (f, p, &s, &len)) != NULL && s != NULL)
            g_string_append_len (ev->cat, s, (gssize) len);
          return p;
        }
      if (memcmp (k, "id2", 3) == 0)
        return fast_id (f, p, ev);
      break;
    case 4:
      if (memcmp (k, "name", 4) == 0)
        {
          if ((p = fast_string_field (f, p, &s, &len)) == NULL)
            return NULL;
          if (s == NULL)
            ev->bad = "\"name\" is not a string";
          else
            {
              g_string_truncate (ev->name, 0);
              g_string_append_len (ev->name, s, (gssize) len);
              ev->has_name = TRUE;
            }
          return p;
        }
      if (memcmp (k, "args", 4) == 0)
        return fast_args (f, p, ev);
      break;
    default:
      break;
    }
  return _weft_json_scan_value (p, f->end, f->room);
}

/* Reads an event object just opened, if it is all in the buffer and
 * plain; returns FALSE having consumed nothing otherwise. */
static gboolean
read_event_in_buffer (WeftChromeReader *self,
                      WeftChromeEvent  *ev)
{
  const char *p;
  Fast f;

  if (!_weft_json_reader_peek_container (self->r, WEFT_JSON_BEGIN_OBJECT, &p, &f.end))
    return FALSE;
  f.room = _weft_json_reader_depth_room (self->r);
  event_reset (ev);
  p = _weft_json_scan_space (p, f.end);
  if (p < f.end && *p == '}')
    {
      _weft_json_reader_consume_container (self->r, p + 1);
      return TRUE;
    }
  while (p < f.end)
    {
      const char *k;
      gsize klen;

      if ((p = fast_string (&f, p, &k, &klen)) == NULL)
        return FALSE;
      p = _weft_json_scan_space (p, f.end);
      if (p >= f.end || *p != ':' || (p = _weft_json_scan_space (p + 1, f.end)) >= f.end)
        return FALSE;
      if ((p = fast_member (&f, k, klen, p, ev)) == NULL ||
          (p = _weft_json_scan_space (p, f.end)) >= f.end)
        return FALSE;
      if (*p == '}')
        {
          _weft_json_reader_consume_container (self->r, p + 1);
          return TRUE;
        }
      if (*p != ',')
        return FALSE;
      p = _weft_json_scan_space (p + 1, f.end);
    }
  return FALSE;
}

/* ---- two halves ------------------------------------------------------------ */

/*
 * The events of a big foreign trace are read on two threads. A place near
 * the middle of the file that looks like the start of an event ('{' after
 * '}' and ',') is guessed, and a second reader starts there, on a thread
 * of its own, as if it had read the file up to it (inside the event array,
 * after a ','), into a builder of its own. The first reader reads on from
 * the start. Only when it reaches the guessed place as the start of an
 * event is the guess known to be right: then the second half's events,
 * counts and reader are taken over, and the first reader goes on from
 * where the second ended (the rest of the document). If the first reader
 * passes the place otherwise (the guess was inside a string or a nested
 * value), or the second half had an error or more lanes than can be
 * merged, the second half is dropped and the first reader reads on: what
 * is read, counted and reported is what one reader would have.
 */

#define SPLIT_MIN_BYTES (16u << 20)
#define SPLIT_WINDOW    (256u << 10)

struct _WeftChromeSplit
{
  const char           *path;
  guint64               offset;      /* the guessed start of an event */
  guint8                stack[WEFT_JSON_MAX_DEPTH];
  guint                 depth;       /* of the event array */
  GBytes               *journal;     /* a Weft file's: the events are passed over */
  WeftChromeEventFunc   func;
  GCancellable         *cancellable;
  WeftChromeReader     *part;        /* the second half's reader */
  gpointer              consumer;    /* its builder */
  WeftTraceImportStats  stats;
  GThread              *thread;
  gboolean              ok;          /* it read to the end of the array */
  gint                  abandon;
  GError               *error;
};

/* A '{' after '}' and ',' (and whitespace) near the middle of the file. */
static gboolean
guess_event_start (const char *path,
                   guint64    *out_offset)
{
  g_autofree char *window = NULL;
  GStatBuf st;
  guint64 from;
  gssize n;
  int fd;

  if (g_stat (path, &st) != 0 || (guint64) st.st_size < SPLIT_MIN_BYTES || (fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return FALSE;
  from = (guint64) st.st_size / 2;
  window = g_malloc (SPLIT_WINDOW);
  n = pread (fd, window, SPLIT_WINDOW, (off_t) from);
  close (fd);
  for (gssize i = 1; i < n; i++)
    {
      gssize j = i - 1;

      if (window[i] != '{')
        continue;
      while (j >= 0 && g_ascii_isspace (window[j]))
        j--;
      if (j < 1 || window[j] != ',')
        continue;
      j--;
      while (j >= 0 && g_ascii_isspace (window[j]))
        j--;
      if (j >= 0 && window[j] == '}')
        {
          *out_offset = from + (guint64) i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Counting the lines before the second half (a read of the first half)
 * is done here too, off the first reader's thread. */
static gpointer
split_thread (gpointer data)
{
  Split *split = data;
  WeftJsonReader *r = _weft_json_reader_new_for_path_at (split->path, split->offset, split->stack,
                                                         split->depth, &split->error);

  if (r == NULL)
    return NULL;      /* the first reader will say what is wrong, if anything */
  weft_json_reader_set_allow_unclosed_array (r, TRUE);
  split->part = reader_wrap (r, &split->stats, split->cancellable);
  split->part->abandon = &split->abandon;
  split->part->journal = split->journal != NULL ? g_bytes_ref (split->journal) : NULL;
  split->part->func = split->func;
  split->part->user_data = split->consumer;
  split->ok = read_events (split->part, &split->error);
  return NULL;
}

/* Starts the second half, if the file is big enough and a place is found. */
static Split *
split_start (WeftChromeReader *self)
{
  Split *split;
  guint64 offset;

  if (self->split_funcs == NULL || self->abandon != NULL ||
      !guess_event_start (self->path, &offset) ||
      offset <= weft_json_reader_get_offset (self->r))
    return NULL;
  split = g_new0 (Split, 1);
  split->path = self->path;
  split->offset = offset;
  split->depth = weft_json_reader_get_depth (self->r);
  memcpy (split->stack, _weft_json_reader_get_stack (self->r), split->depth);
  split->journal = self->journal;
  split->func = self->func;
  split->cancellable = self->cancellable;
  split->consumer = self->split_funcs->part_new (&split->stats, self->split_data);
  split->thread = g_thread_try_new ("weft-import-half", split_thread, split, NULL);
  return split;
}

static void
split_free (WeftChromeReader *self,
            Split            *split)
{
  if (split == NULL)
    return;
  g_atomic_int_set (&split->abandon, TRUE);
  if (split->thread != NULL)
    g_thread_join (split->thread);
  if (split->consumer != NULL)
    self->split_funcs->part_free (split->consumer);
  g_clear_pointer (&split->part, _weft_chrome_reader_free);
  g_clear_error (&split->error);
  g_free (split);
}

static void
add_stats (WeftTraceImportStats       *to,
           const WeftTraceImportStats *from)
{
  to->n_trace_events += from->n_trace_events;
  to->n_used += from->n_used;
  to->n_unknown_phase += from->n_unknown_phase;
  to->n_invalid += from->n_invalid;
  to->n_unmatched_end += from->n_unmatched_end;
  to->n_unclosed += from->n_unclosed;
  to->n_lanes_over += from->n_lanes_over;
  if (to->first_skip[0] == 0)
    memcpy (to->first_skip, from->first_skip, sizeof to->first_skip);
}

/* The first reader stands on the guessed place, as an event's start: takes
 * the second half over, if it read to the end of the array. */
static gboolean
split_adopt (WeftChromeReader *self,
             Split            *split)
{
  WeftJsonReader *r;

  if (split->thread != NULL)
    g_thread_join (g_steal_pointer (&split->thread));
  if (!split->ok || !self->split_funcs->part_merge (split->consumer, self->split_data))
    return FALSE;
  add_stats (self->stats, &split->stats);
  self->stats->split = TRUE;
  r = self->r;
  self->r = split->part->r;
  split->part->r = r;
  return TRUE;
}

/* ---- the document ---------------------------------------------------------- */

static gboolean
read_events (WeftChromeReader  *self,
             GError           **error)
{
  Split *split = split_start (self);
  gboolean ok = read_events_until (self, split, error);

  split_free (self, split);
  return ok;
}

static gboolean
read_events_until (WeftChromeReader  *self,
                   Split             *split,
                   GError           **error)
{
  for (;;)
    {
      WeftJsonToken tok = weft_json_reader_next (self->r, error);

      if (tok == WEFT_JSON_END_ARRAY)
        return TRUE;
      if (tok == WEFT_JSON_ERROR_TOKEN)
        return FALSE;
      if (split != NULL && weft_json_reader_get_token_offset (self->r) >= split->offset)
        {
          if (weft_json_reader_get_token_offset (self->r) == split->offset &&
              tok == WEFT_JSON_BEGIN_OBJECT && weft_json_reader_get_depth (self->r) == split->depth + 1)
            {
              /* The first reader is one token into the second half's first
               * event, which the second half has read. */
              if (split_adopt (self, split))
                return TRUE;
            }
          g_atomic_int_set (&split->abandon, TRUE);
          split = NULL;
        }
      if (self->abandon != NULL && g_atomic_int_get (self->abandon))
        return FALSE;
      self->stats->n_trace_events++;
      if (tok != WEFT_JSON_BEGIN_OBJECT)
        {
          if (!weft_json_reader_skip_value (self->r, tok, error))
            return FALSE;
          _weft_chrome_reader_note_skip (self, &self->stats->n_invalid, "an event that is not an object");
          continue;
        }
      if (self->journal != NULL)
        {
          /* A Weft file: its model comes from the journal. */
          if (!weft_json_reader_skip_value (self->r, tok, error))
            return FALSE;
        }
      else
        {
          if (!read_event_in_buffer (self, &self->ev) && !read_event (self, &self->ev, error))
            return FALSE;
          self->func (self, &self->ev, self->user_data);
        }
      if (++self->since_check >= CANCEL_EVERY)
        {
          self->since_check = 0;
          if (cancelled (self, error))
            return FALSE;
        }
    }
}

static gboolean
read_document (WeftChromeReader  *self,
               GError           **error)
{
  WeftJsonToken tok = weft_json_reader_next (self->r, error);
  gboolean have_events = FALSE;

  if (tok == WEFT_JSON_ERROR_TOKEN)
    return FALSE;
  if (tok == WEFT_JSON_BEGIN_ARRAY)
    {
      if (!read_events (self, error))
        return FALSE;
      have_events = TRUE;
    }
  else if (tok == WEFT_JSON_BEGIN_OBJECT)
    {
      for (;;)
        {
          tok = weft_json_reader_next (self->r, error);
          if (tok == WEFT_JSON_END_OBJECT)
            break;
          if (tok == WEFT_JSON_ERROR_TOKEN)
            return FALSE;
          if (weft_json_reader_string_equal (self->r, "traceEvents"))
            {
              tok = weft_json_reader_next (self->r, error);
              if (!expect (self, WEFT_JSON_BEGIN_ARRAY, tok, "an array for \"traceEvents\"", error))
                return FALSE;
              if (!read_events (self, error))
                return FALSE;
              have_events = TRUE;
            }
          else if (weft_json_reader_string_equal (self->r, "weft"))
            {
              if (!read_weft_member (self, error))
                return FALSE;
            }
          else if (weft_json_reader_string_equal (self->r, "otherData"))
            {
              if (!read_other_data (self, error))
                return FALSE;
            }
          else if (!weft_json_reader_skip_value (self->r, weft_json_reader_next (self->r, error), error))
            return FALSE;
        }
    }
  else
    {
      weft_json_reader_set_error (self->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "expected a trace: an object with \"traceEvents\" or an array of events");
      return FALSE;
    }

  tok = weft_json_reader_next (self->r, error);
  if (tok == WEFT_JSON_ERROR_TOKEN)
    return FALSE;
  if (!have_events)
    {
      weft_json_reader_set_error (self->r, error, WEFT_TRACE_ERROR_INVALID,
                                  "no \"traceEvents\" array in the trace object");
      return FALSE;
    }
  self->stats->unclosed_array = weft_json_reader_get_was_unclosed (self->r);
  return TRUE;
}

/* ---- entry points --------------------------------------------------------- */

/**
 * _weft_chrome_reader_new:
 * @path: a JSON file
 * @stats: where to count what is read and skipped (kept by the caller)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): a reader, or %NULL with @error set
 */
WeftChromeReader *
_weft_chrome_reader_new (const char            *path,
                         WeftTraceImportStats  *stats,
                         GCancellable          *cancellable,
                         GError               **error)
{
  WeftJsonReader *r = weft_json_reader_new_for_path (path, error);
  WeftChromeReader *self;

  if (r == NULL)
    return NULL;
  weft_json_reader_set_allow_unclosed_array (r, TRUE);
  self = reader_wrap (r, stats, cancellable);
  self->path = g_strdup (path);
  return self;
}

static WeftChromeReader *
reader_wrap (WeftJsonReader       *r,
             WeftTraceImportStats *stats,
             GCancellable         *cancellable)
{
  WeftChromeReader *self;

  self = g_new0 (WeftChromeReader, 1);
  self->r = r;
  self->stats = stats;
  self->cancellable = cancellable;
  self->meta = weft_trace_meta_new ();
  self->ev.name = g_string_sized_new (64);
  self->ev.cat = g_string_sized_new (32);
  for (guint i = 0; i < WEFT_CHROME_MAX_ARGS; i++)
    {
      self->ev.args[i].key = g_string_sized_new (16);
      self->ev.args[i].s = g_string_sized_new (16);
    }
  return self;
}

void
_weft_chrome_reader_free (WeftChromeReader *self)
{
  if (self == NULL)
    return;
  weft_json_reader_free (self->r);
  g_free (self->path);
  g_clear_pointer (&self->meta, weft_trace_meta_free);
  g_clear_pointer (&self->journal, g_bytes_unref);
  g_string_free (self->ev.name, TRUE);
  g_string_free (self->ev.cat, TRUE);
  for (guint i = 0; i < WEFT_CHROME_MAX_ARGS; i++)
    {
      g_string_free (self->ev.args[i].key, TRUE);
      g_string_free (self->ev.args[i].s, TRUE);
    }
  g_free (self);
}

/**
 * _weft_chrome_reader_read:
 * @self: a reader
 * @func: called for each event object (not for those of a Weft file)
 * @user_data: for @func
 * @error: return location for an error
 *
 * Reads the whole document.
 *
 * Returns: %TRUE if it is a trace, else %FALSE with @error set
 *   ("FILE:LINE:COLUMN: message", or %G_IO_ERROR_CANCELLED)
 */
gboolean
_weft_chrome_reader_read (WeftChromeReader     *self,
                          WeftChromeEventFunc   func,
                          gpointer              user_data,
                          GError              **error)
{
  self->func = func;
  self->user_data = user_data;
  return read_document (self, error);
}

/* The file's name, as errors show it. */
const char *
_weft_chrome_reader_get_name (WeftChromeReader *self)
{
  return weft_json_reader_get_name (self->r);
}

/**
 * _weft_chrome_reader_steal_meta:
 * @self: a reader that has read its document
 *
 * Returns: (transfer full): what "otherData" said about the run
 */
WeftTraceMeta *
_weft_chrome_reader_steal_meta (WeftChromeReader *self)
{
  return g_steal_pointer (&self->meta);
}

/**
 * _weft_chrome_reader_steal_journal:
 * @self: a reader that has read its document
 *
 * Returns: (transfer full) (nullable): the model's journal of a file Weft
 *   wrote, or %NULL for other files
 */
GBytes *
_weft_chrome_reader_steal_journal (WeftChromeReader *self)
{
  return g_steal_pointer (&self->journal);
}

/**
 * _weft_chrome_reader_set_split_funcs:
 * @self: a reader
 * @funcs: (nullable): how to make, merge and free the builder of the second
 *   half of a big trace's events, read on another thread
 * @user_data: for @funcs
 */
void
_weft_chrome_reader_set_split_funcs (WeftChromeReader           *self,
                                     const WeftChromeSplitFuncs *funcs,
                                     gpointer                    user_data)
{
  self->split_funcs = funcs;
  self->split_data = user_data;
}

/**
 * _weft_chrome_reader_set_journal_func:
 * @self: a reader
 * @func: (nullable): called with the journal as soon as the "weft" member
 *   was read whole and checked (before the events, in a file Weft wrote),
 *   again if a later "weft" member replaces it
 * @user_data: for @func
 */
void
_weft_chrome_reader_set_journal_func (WeftChromeReader      *self,
                                      WeftChromeJournalFunc  func,
                                      gpointer               user_data)
{
  self->journal_func = func;
  self->journal_data = user_data;
}
