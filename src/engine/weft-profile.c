/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "weft-profile.h"
#include "weft-trace-export.h"

/*
 * Loading goes in two passes over the text.
 *
 * 1. A strict RFC 8259 scanner (below) checks the syntax and records where
 *    every value and every member key starts, keyed by its JSON path. json-glib
 *    1.6 cannot do this for us: its object-member/array-element signals fire
 *    after the scanner has read the token *following* the value, it silently
 *    keeps the last of duplicate keys, it accepts single quotes, hex numbers and
 *    unknown escapes, turns an overflowing integer into -1, "succeeds" on an
 *    empty input with a NULL root, and overflows the stack on deeply nested
 *    arrays. Text that passes the scanner is plain JSON, nested at most
 *    MAX_JSON_DEPTH deep, with no duplicate keys.
 * 2. json-glib builds the tree, and the validator walks it, looking up
 *    positions by path for its messages.
 */

#define MAX_FILE_SIZE      (16 * 1024 * 1024)
#define MAX_JSON_DEPTH     256
#define MAX_STEP_DEPTH     32
#define N_CONCEPTS         23
#define MAX_BYTES          G_GINT64_CONSTANT (1073741824)   /* 1 GiB */
#define MAX_GOT_CHARS      40

G_DEFINE_QUARK (weft-profile-error-quark, weft_profile_error)

/* ---- JSON paths ------------------------------------------------------ */

static gboolean
is_identifier (const char *key)
{
  if (key[0] == '\0' || !(g_ascii_isalpha (key[0]) || key[0] == '_'))
    return FALSE;
  for (const char *p = key; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

static void
append_json_string (GString    *out,
                    const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      guchar ch = (guchar) *p;

      if (ch == '"' || ch == '\\')
        g_string_append_printf (out, "\\%c", ch);
      else if (ch == '\n')
        g_string_append (out, "\\n");
      else if (ch == '\t')
        g_string_append (out, "\\t");
      else if (ch < 0x20)
        g_string_append_printf (out, "\\u%04x", ch);
      else
        g_string_append_c (out, (char) ch);
    }
  g_string_append_c (out, '"');
}

static void
path_push_key (GString    *path,
               const char *key)
{
  if (is_identifier (key))
    {
      g_string_append_c (path, '.');
      g_string_append (path, key);
    }
  else
    {
      g_string_append_c (path, '[');
      append_json_string (path, key);
      g_string_append_c (path, ']');
    }
}

static void
path_push_index (GString *path,
                 guint    index)
{
  g_string_append_printf (path, "[%u]", index);
}

/* ---- The locating scanner ---------------------------------------------- */

typedef struct
{
  guint line;       /* of the value, 1-based */
  guint col;        /* of the value, 1-based, in characters */
  guint key_line;   /* of the member key, 0 for array elements and the root */
  guint key_col;
  gsize raw_off;    /* the value's text (scalars only) */
  gsize raw_len;
} Loc;

typedef struct
{
  const char *data;
  gsize       len;
  gsize       pos;
  guint       line;
  guint       col;
  GHashTable *locs;     /* path → Loc */
  GString    *path;
  char       *message;  /* the first error, with its position */
  gboolean    invalid;  /* the error is a duplicate key, not bad syntax */
} Scanner;

static void
scanner_advance (Scanner *s)
{
  guchar ch = (guchar) s->data[s->pos++];

  if (ch == '\n')
    {
      s->line++;
      s->col = 1;
    }
  else if ((ch & 0xC0) != 0x80)
    s->col++;
}

static void
scanner_skip_ws (Scanner *s)
{
  while (s->pos < s->len && strchr (" \t\r\n", s->data[s->pos]) != NULL && s->data[s->pos] != '\0')
    scanner_advance (s);
}

static char *
describe_here (Scanner *s)
{
  if (s->pos >= s->len)
    return g_strdup ("the end of the file");
  else
    {
      const char *p = s->data + s->pos;
      const char *end = g_utf8_find_next_char (p, s->data + s->len);
      gsize n = end ? (gsize) (end - p) : s->len - s->pos;

      if ((guchar) *p < 0x20)
        return g_strdup_printf ("control character U+%04X", (guint) (guchar) *p);
      if (*p == '"' || *p == '\\')
        return g_strdup_printf ("\"\\%c\"", *p);
      if (g_ascii_isalnum (*p))
        {
          /* A misspelt word: show it whole (up to a limit). */
          n = 0;
          while (s->pos + n < s->len && n < 20 && (g_ascii_isalnum (p[n]) || p[n] == '_'))
            n++;
        }
      return g_strdup_printf ("\"%.*s\"", (int) n, p);
    }
}

G_GNUC_PRINTF (2, 3)
static gboolean
scanner_fail (Scanner    *s,
              const char *format,
              ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  if (s->message == NULL)
    s->message = g_strdup_printf ("%u:%u: syntax error: %s", s->line, s->col, msg);
  return FALSE;
}

static gboolean
scanner_expected (Scanner    *s,
                  const char *what)
{
  g_autofree char *got = describe_here (s);
  return scanner_fail (s, "expected %s, got %s", what, got);
}

static int
hex_value (char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

static gboolean
scanner_hex4 (Scanner  *s,
              gunichar *out)
{
  gunichar v = 0;

  for (int i = 0; i < 4; i++)
    {
      int h = s->pos < s->len ? hex_value (s->data[s->pos]) : -1;

      if (h < 0)
        return scanner_expected (s, "four hexadecimal digits after \"\\u\"");
      v = (v << 4) | (gunichar) h;
      scanner_advance (s);
    }
  *out = v;
  return TRUE;
}

/* Scans a string at s->pos (which is '"'); appends the decoded text to
 * @out if not NULL. */
static gboolean
scanner_string (Scanner *s,
                GString *out)
{
  scanner_advance (s); /* '"' */

  for (;;)
    {
      guchar ch;

      if (s->pos >= s->len)
        return scanner_fail (s, "unterminated string");

      ch = (guchar) s->data[s->pos];
      if (ch == '"')
        {
          scanner_advance (s);
          return TRUE;
        }
      if (ch < 0x20)
        return scanner_expected (s, "a character or \"\\\"\" (control characters must be escaped)");

      if (ch != '\\')
        {
          if (out)
            g_string_append_c (out, (char) ch);
          scanner_advance (s);
          continue;
        }

      scanner_advance (s); /* backslash */
      if (s->pos >= s->len)
        return scanner_fail (s, "unterminated string");

      ch = (guchar) s->data[s->pos];
      switch (ch)
        {
        case '"': case '\\': case '/':
          if (out) g_string_append_c (out, (char) ch);
          scanner_advance (s);
          break;
        case 'b': if (out) g_string_append_c (out, '\b'); scanner_advance (s); break;
        case 'f': if (out) g_string_append_c (out, '\f'); scanner_advance (s); break;
        case 'n': if (out) g_string_append_c (out, '\n'); scanner_advance (s); break;
        case 'r': if (out) g_string_append_c (out, '\r'); scanner_advance (s); break;
        case 't': if (out) g_string_append_c (out, '\t'); scanner_advance (s); break;
        case 'u':
          {
            gunichar c = 0, lo = 0;

            scanner_advance (s);
            if (!scanner_hex4 (s, &c))
              return FALSE;
            if (c >= 0xD800 && c <= 0xDBFF)
              {
                if (s->pos + 1 >= s->len || s->data[s->pos] != '\\' || s->data[s->pos + 1] != 'u')
                  return scanner_fail (s, "unpaired UTF-16 surrogate in \"\\u\" escape");
                scanner_advance (s);
                scanner_advance (s);
                if (!scanner_hex4 (s, &lo))
                  return FALSE;
                if (lo < 0xDC00 || lo > 0xDFFF)
                  return scanner_fail (s, "unpaired UTF-16 surrogate in \"\\u\" escape");
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
              }
            else if (c >= 0xDC00 && c <= 0xDFFF)
              return scanner_fail (s, "unpaired UTF-16 surrogate in \"\\u\" escape");
            else if (c == 0)
              return scanner_fail (s, "\"\\u0000\" is not allowed in a profile");
            if (out)
              g_string_append_unichar (out, c);
          }
          break;
        default:
          if (ch > 0x20 && ch < 0x7F)
            return scanner_fail (s, "unknown escape \"\\%c\" (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", ch);
          return scanner_expected (s, "an escape (one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        }
    }
}

static gboolean
scanner_digits (Scanner *s)
{
  if (s->pos >= s->len || !g_ascii_isdigit (s->data[s->pos]))
    return scanner_expected (s, "a digit");
  while (s->pos < s->len && g_ascii_isdigit (s->data[s->pos]))
    scanner_advance (s);
  return TRUE;
}

static gboolean
scanner_number (Scanner *s)
{
  if (s->data[s->pos] == '-')
    scanner_advance (s);
  if (s->pos < s->len && s->data[s->pos] == '0')
    scanner_advance (s);
  else if (!scanner_digits (s))
    return FALSE;
  if (s->pos < s->len && s->data[s->pos] == '.')
    {
      scanner_advance (s);
      if (!scanner_digits (s))
        return FALSE;
    }
  if (s->pos < s->len && (s->data[s->pos] == 'e' || s->data[s->pos] == 'E'))
    {
      scanner_advance (s);
      if (s->pos < s->len && (s->data[s->pos] == '+' || s->data[s->pos] == '-'))
        scanner_advance (s);
      if (!scanner_digits (s))
        return FALSE;
    }
  return TRUE;
}

static gboolean scanner_value (Scanner *s, guint depth, guint key_line, guint key_col);

static gboolean
scanner_object (Scanner *s,
                guint    depth)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gsize saved = s->path->len;

  scanner_advance (s); /* '{' */
  scanner_skip_ws (s);
  if (s->pos < s->len && s->data[s->pos] == '}')
    {
      scanner_advance (s);
      return TRUE;
    }

  for (;;)
    {
      g_autoptr(GString) key = g_string_new (NULL);
      guint key_line = s->line, key_col = s->col;
      gpointer first;

      if (s->pos >= s->len || s->data[s->pos] != '"')
        return scanner_expected (s, "a member name in double quotes");
      if (!scanner_string (s, key))
        return FALSE;

      path_push_key (s->path, key->str);
      if (g_hash_table_lookup_extended (seen, key->str, NULL, &first))
        {
          /* json-glib would silently keep the last one. */
          gboolean is_objects = saved == strlen ("$.objects") &&
                                strncmp (s->path->str, "$.objects", saved) == 0;
          s->invalid = TRUE;
          s->message = g_strdup_printf ("%u:%u: %s: duplicate %s \"%s\" (first at line %u)",
                                        key_line, key_col, s->path->str,
                                        is_objects ? "object name" : "key",
                                        key->str, GPOINTER_TO_UINT (first));
          return FALSE;
        }
      g_hash_table_insert (seen, g_strdup (key->str), GUINT_TO_POINTER (key_line));

      scanner_skip_ws (s);
      if (s->pos >= s->len || s->data[s->pos] != ':')
        return scanner_expected (s, "\":\" after the member name");
      scanner_advance (s);
      scanner_skip_ws (s);
      if (!scanner_value (s, depth, key_line, key_col))
        return FALSE;
      g_string_truncate (s->path, saved);

      scanner_skip_ws (s);
      if (s->pos < s->len && s->data[s->pos] == ',')
        {
          scanner_advance (s);
          scanner_skip_ws (s);
          continue;
        }
      if (s->pos < s->len && s->data[s->pos] == '}')
        {
          scanner_advance (s);
          return TRUE;
        }
      return scanner_expected (s, "\",\" or \"}\" after a member");
    }
}

static gboolean
scanner_array (Scanner *s,
               guint    depth)
{
  gsize saved = s->path->len;

  scanner_advance (s); /* '[' */
  scanner_skip_ws (s);
  if (s->pos < s->len && s->data[s->pos] == ']')
    {
      scanner_advance (s);
      return TRUE;
    }

  for (guint i = 0;; i++)
    {
      path_push_index (s->path, i);
      if (!scanner_value (s, depth, 0, 0))
        return FALSE;
      g_string_truncate (s->path, saved);

      scanner_skip_ws (s);
      if (s->pos < s->len && s->data[s->pos] == ',')
        {
          scanner_advance (s);
          scanner_skip_ws (s);
          continue;
        }
      if (s->pos < s->len && s->data[s->pos] == ']')
        {
          scanner_advance (s);
          return TRUE;
        }
      return scanner_expected (s, "\",\" or \"]\" after an element");
    }
}

static gboolean
scanner_literal (Scanner    *s,
                 const char *word)
{
  gsize n = strlen (word);

  if (s->len - s->pos < n || memcmp (s->data + s->pos, word, n) != 0)
    return scanner_expected (s, "a value");
  for (gsize i = 0; i < n; i++)
    scanner_advance (s);
  return TRUE;
}

static gboolean
scanner_value (Scanner *s,
               guint    depth,
               guint    key_line,
               guint    key_col)
{
  Loc *loc = g_new0 (Loc, 1);
  gboolean ok;
  char ch;

  loc->line = s->line;
  loc->col = s->col;
  loc->key_line = key_line;
  loc->key_col = key_col;
  loc->raw_off = s->pos;
  g_hash_table_replace (s->locs, g_strdup (s->path->str), loc);

  if (s->pos >= s->len)
    return scanner_expected (s, "a value");

  ch = s->data[s->pos];
  if ((ch == '{' || ch == '[') && depth >= MAX_JSON_DEPTH)
    return scanner_fail (s, "nested more than %u levels deep", MAX_JSON_DEPTH);

  switch (ch)
    {
    case '{': ok = scanner_object (s, depth + 1); break;
    case '[': ok = scanner_array (s, depth + 1); break;
    case '"': ok = scanner_string (s, NULL); break;
    case 't': ok = scanner_literal (s, "true"); break;
    case 'f': ok = scanner_literal (s, "false"); break;
    case 'n': ok = scanner_literal (s, "null"); break;
    default:
      if (ch == '-' || g_ascii_isdigit (ch))
        ok = scanner_number (s);
      else
        ok = scanner_expected (s, "a value");
      break;
    }

  if (ok && ch != '{' && ch != '[')
    loc->raw_len = s->pos - loc->raw_off;
  return ok;
}

/* Returns the position table, or NULL with s->message set. */
static GHashTable *
scan_locations (const char  *data,
                gsize        len,
                char       **message,
                gboolean    *invalid)
{
  g_autoptr(GHashTable) locs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GString) path = g_string_new ("$");
  Scanner s = { data, len, 0, 1, 1, locs, path, NULL };
  const char *bad = NULL;

  /* Positions are counted in characters, so check the encoding first. */
  if (!g_utf8_validate_len (data, len, &bad))
    {
      while (s.pos < (gsize) (bad - data))
        scanner_advance (&s);
      if (*bad == '\0')
        scanner_fail (&s, "unexpected NUL byte");
      else
        scanner_fail (&s, "invalid UTF-8");
      *message = s.message;
      return NULL;
    }

  /* A UTF-8 byte order mark is harmless; skip it. */
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    s.pos = 3;

  scanner_skip_ws (&s);
  if (s.pos >= s.len)
    {
      *message = g_strdup (" the file is empty (expected a JSON object)");
      return NULL;
    }
  if (!scanner_value (&s, 0, 0, 0))
    {
      *invalid = s.invalid;
      *message = s.message;
      return NULL;
    }
  scanner_skip_ws (&s);
  if (s.pos < s.len)
    {
      scanner_expected (&s, "the end of the file after the top-level value");
      *message = s.message;
      return NULL;
    }

  *message = NULL;
  return g_steal_pointer (&locs);
}

/* ---- Validation context ---------------------------------------------- */

typedef struct
{
  const char  *display_name;
  const char  *default_name; /* for a profile without "name" */
  const char  *data;
  GHashTable  *locs;
  GString     *path;       /* the path of the node being validated */
  WeftProfile *profile;
  GError     **error;
} Ctx;

typedef enum
{
  AT_VALUE,
  AT_KEY,
} LocWhere;

/* Sets the error for @loc_path (whose position is used) and returns FALSE.
 * The message shows @shown_path, or @loc_path when that is NULL. */
G_GNUC_PRINTF (5, 6)
static gboolean
fail_full (Ctx        *c,
           const char *loc_path,
           LocWhere    where,
           const char *shown_path,
           const char *format,
           ...)
{
  const Loc *loc = g_hash_table_lookup (c->locs, loc_path);
  g_autofree char *msg = NULL;
  g_autofree char *pos = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  if (loc != NULL && where == AT_KEY && loc->key_line > 0)
    pos = g_strdup_printf ("%u:%u:", loc->key_line, loc->key_col);
  else if (loc != NULL)
    pos = g_strdup_printf ("%u:%u:", loc->line, loc->col);
  else
    pos = g_strdup ("");

  g_set_error (c->error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_INVALID,
               "%s:%s %s: %s", c->display_name, pos,
               shown_path ? shown_path : loc_path, msg);
  return FALSE;
}

#define fail(c, ...) fail_full ((c), (c)->path->str, AT_VALUE, NULL, __VA_ARGS__)

static char *
truncate_got (const char *text,
              gsize       len)
{
  g_autofree char *copy = g_strndup (text, len);

  if (g_utf8_strlen (copy, -1) > MAX_GOT_CHARS)
    {
      char *cut = g_utf8_offset_to_pointer (copy, MAX_GOT_CHARS);
      *cut = '\0';
      return g_strconcat (copy, "...", NULL);
    }
  return g_steal_pointer (&copy);
}

/* What a node is, for "got ...": the text as written for scalars. */
static char *
describe_node (Ctx      *c,
               JsonNode *node)
{
  const Loc *loc;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT: return g_strdup ("an object");
    case JSON_NODE_ARRAY: return g_strdup ("an array");
    case JSON_NODE_NULL: return g_strdup ("null");
    case JSON_NODE_VALUE:
    default:
      break;
    }

  loc = g_hash_table_lookup (c->locs, c->path->str);
  if (loc != NULL && loc->raw_len > 0)
    return truncate_got (c->data + loc->raw_off, loc->raw_len);
  else
    {
      g_autofree char *text = json_to_string (node, FALSE);
      return truncate_got (text, strlen (text));
    }
}

static char *
format_number (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (v == floor (v) && fabs (v) < 1e15)
    return g_strdup_printf ("%.0f", v);
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", v));
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = NULL;

  if (la > 64 || lb > 64)
    return G_MAXUINT;

  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];
      row[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint best = MIN (row[j] + 1, row[j - 1] + 1);
          best = MIN (best, diag + (a[i - 1] == b[j - 1] ? 0 : 1));
          diag = up;
          row[j] = best;
        }
    }
  return row[lb];
}

/* The closest of @known to @word, if it is close enough to be a typo. */
static const char *
closest (const char         *word,
         const char * const *known)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;
  guint limit = strlen (word) <= 3 ? 1 : 2;

  for (guint i = 0; known[i] != NULL; i++)
    {
      guint d = edit_distance (word, known[i]);
      if (d < best_d)
        {
          best_d = d;
          best = known[i];
        }
    }
  return best_d <= limit ? best : NULL;
}

static char *
join_quoted (const char * const *words)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    g_string_append_printf (out, "%s\"%s\"", i ? ", " : "", words[i]);
  return g_string_free (out, FALSE);
}

static char *
join_plain (const char * const *words)
{
  g_autofree char *joined = g_strjoinv (", ", (char **) words);
  return g_steal_pointer (&joined);
}

/* ---- Typed member access (each pushes the member onto the path) ----------- */

static gboolean
check_keys (Ctx                *c,
            JsonObject         *obj,
            const char * const *known,
            const char         *what)
{
  g_autoptr(GList) members = json_object_get_members (obj);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      g_autofree char *hint = NULL;
      g_autoptr(GString) member_path = NULL;
      const char *near;

      if (g_strv_contains (known, key))
        continue;

      near = closest (key, known);
      if (near != NULL)
        hint = g_strdup_printf ("did you mean \"%s\"?", near);
      else
        {
          g_autofree char *list = join_plain (known);
          hint = g_strdup_printf ("%s has: %s", what, list);
        }

      member_path = g_string_new (c->path->str);
      path_push_key (member_path, key);
      return fail_full (c, member_path->str, AT_KEY, c->path->str,
                        "unknown key \"%s\" (%s)", key, hint);
    }
  return TRUE;
}

static gboolean
missing (Ctx        *c,
         const char *key)
{
  return fail (c, "missing required key \"%s\"", key);
}

/* Returns the member or NULL; pushes its path in any case (pop with
 * g_string_truncate). */
static JsonNode *
member (Ctx        *c,
        JsonObject *obj,
        const char *key)
{
  path_push_key (c->path, key);
  return json_object_get_member (obj, key);
}

static gboolean
is_number (JsonNode *node)
{
  GType t;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static gboolean
get_int (Ctx        *c,
         JsonObject *obj,
         const char *key,
         gboolean    required,
         gint64      min,
         gint64      max,
         gint64      def,
         gint64     *out)
{
  gsize saved = c->path->len;
  JsonNode *node;
  gboolean ok = FALSE;
  gint64 v = 0;

  if (json_object_get_member (obj, key) == NULL)
    {
      if (required)
        return missing (c, key);
      *out = def;
      return TRUE;
    }

  node = member (c, obj, key);
  if (is_number (node))
    {
      const Loc *loc = g_hash_table_lookup (c->locs, c->path->str);

      if (json_node_get_value_type (node) == G_TYPE_INT64)
        {
          /* json-glib wraps integers that overflow 64 bits: use the text. */
          if (loc != NULL && loc->raw_len > 0)
            {
              g_autofree char *raw = g_strndup (c->data + loc->raw_off, loc->raw_len);
              ok = g_ascii_string_to_signed (raw, 10, min, max, &v, NULL);
            }
          else
            {
              v = json_node_get_int (node);
              ok = v >= min && v <= max;
            }
        }
      else
        {
          double d = json_node_get_double (node);
          ok = isfinite (d) && d == floor (d) && d >= (double) min && d <= (double) max;
          if (ok)
            v = (gint64) d;
        }
    }

  if (!ok)
    {
      g_autofree char *got = describe_node (c, node);
      g_autofree char *what = is_number (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE
                              && isfinite (json_node_get_double (node))
                              && json_node_get_double (node) != floor (json_node_get_double (node))
                              ? g_strdup_printf (" (not an integer)") : g_strdup ("");
      return fail (c, "expected an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ", got %s%s",
                   min, max, got, what);
    }

  g_string_truncate (c->path, saved);
  *out = v;
  return TRUE;
}

static gboolean
get_double (Ctx        *c,
            JsonObject *obj,
            const char *key,
            gboolean    required,
            double      min,
            double      max,
            double      def,
            double     *out)
{
  gsize saved = c->path->len;
  JsonNode *node;
  double v;

  if (json_object_get_member (obj, key) == NULL)
    {
      if (required)
        return missing (c, key);
      *out = def;
      return TRUE;
    }

  node = member (c, obj, key);
  if (!is_number (node) || !isfinite (v = json_node_get_double (node)) || v < min || v > max)
    {
      g_autofree char *got = describe_node (c, node);
      g_autofree char *smin = format_number (min);
      g_autofree char *smax = format_number (max);
      return fail (c, "expected a number from %s to %s, got %s", smin, smax, got);
    }

  g_string_truncate (c->path, saved);
  *out = v;
  return TRUE;
}

static gboolean
get_bool (Ctx        *c,
          JsonObject *obj,
          const char *key,
          gboolean    def,
          gboolean   *out)
{
  gsize saved = c->path->len;
  JsonNode *node;

  if (json_object_get_member (obj, key) == NULL)
    {
      *out = def;
      return TRUE;
    }

  node = member (c, obj, key);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_autofree char *got = describe_node (c, node);
      return fail (c, "expected true or false, got %s", got);
    }

  g_string_truncate (c->path, saved);
  *out = json_node_get_boolean (node);
  return TRUE;
}

typedef enum
{
  TEXT_ANY,
  TEXT_NAME,      /* [A-Za-z0-9_.-] */
} TextKind;

static gboolean
check_text (const char *s,
            TextKind    kind,
            glong       max_chars)
{
  glong n = g_utf8_strlen (s, -1);

  if (n < 1 || n > max_chars)
    return FALSE;
  if (kind == TEXT_NAME)
    for (const char *p = s; *p; p++)
      if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '.' || *p == '-'))
        return FALSE;
  return TRUE;
}

static const char *
text_expectation (TextKind kind,
                  glong    max_chars,
                  char   **freeme)
{
  if (kind == TEXT_NAME)
    *freeme = g_strdup_printf ("a name of 1 to %ld characters from A-Z a-z 0-9 _ . -", max_chars);
  else if (max_chars == G_MAXLONG)
    *freeme = g_strdup ("a string");
  else
    *freeme = g_strdup_printf ("a non-empty string of at most %ld characters", max_chars);
  return *freeme;
}

/* Gets a string member. @def may be NULL (then *out is NULL when absent). */
static gboolean
get_string (Ctx         *c,
            JsonObject  *obj,
            const char  *key,
            gboolean     required,
            TextKind     kind,
            glong        max_chars,
            const char  *def,
            char       **out)
{
  gsize saved = c->path->len;
  JsonNode *node;
  const char *s;

  if (json_object_get_member (obj, key) == NULL)
    {
      if (required)
        return missing (c, key);
      *out = g_strdup (def);
      return TRUE;
    }

  node = member (c, obj, key);
  s = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
      ? json_node_get_string (node) : NULL;
  if (s == NULL || (max_chars != G_MAXLONG && !check_text (s, kind, max_chars)))
    {
      g_autofree char *got = describe_node (c, node);
      g_autofree char *expect = NULL;
      return fail (c, "expected %s, got %s", text_expectation (kind, max_chars, &expect), got);
    }

  g_string_truncate (c->path, saved);
  *out = g_strdup (s);
  return TRUE;
}

/* Gets one of @nicks; *out is its index. */
static gboolean
get_enum (Ctx                *c,
          JsonObject         *obj,
          const char         *key,
          const char * const *nicks,
          guint               def,
          guint              *out)
{
  gsize saved = c->path->len;
  JsonNode *node;
  const char *s;

  if (json_object_get_member (obj, key) == NULL)
    {
      *out = def;
      return TRUE;
    }

  node = member (c, obj, key);
  s = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
      ? json_node_get_string (node) : NULL;
  for (guint i = 0; s != NULL && nicks[i] != NULL; i++)
    if (g_str_equal (s, nicks[i]))
      {
        g_string_truncate (c->path, saved);
        *out = i;
        return TRUE;
      }

  {
    g_autofree char *got = describe_node (c, node);
    g_autofree char *list = join_quoted (nicks);
    const char *near = s ? closest (s, nicks) : NULL;
    g_autofree char *hint = near ? g_strdup_printf (" (did you mean \"%s\"?)", near) : g_strdup ("");
    return fail (c, "expected one of %s, got %s%s", list, got, hint);
  }
}

/* ---- Steps --------------------------------------------------------------- */

static const char * const step_kinds[] = {
  "cpu", "io", "increment", "lock", "put", "get", "transfer", "fail", "repeat", "for_each", NULL
};

static const char * const object_kinds[] = { "lock", "queue", "counter", NULL };
static const WeftObjectKind object_kind_values[] = { WEFT_OBJECT_LOCK, WEFT_OBJECT_QUEUE, WEFT_OBJECT_COUNTER };
static const char * const backends[] = { "memory", "manager", NULL };
static const char * const start_methods[] = { "spawn", "fork", NULL };
static const char * const profile_executors[] = { "threads", "processes", "mainloop", NULL };
static const WeftExecutorKind profile_executor_values[] = {
  WEFT_EXECUTOR_THREADS, WEFT_EXECUTOR_PROCESSES, WEFT_EXECUTOR_MAINLOOP
};

static const char *
object_kind_nick (WeftObjectKind kind)
{
  for (guint i = 0; object_kinds[i] != NULL; i++)
    if (object_kind_values[i] == kind)
      return object_kinds[i];
  return "object";
}

static void
step_free (gpointer data)
{
  WeftStep *step = data;

  if (step == NULL)
    return;
  g_free (step->message);
  g_clear_pointer (&step->steps, g_ptr_array_unref);
  g_free (step);
}

static GPtrArray *
new_step_array (void)
{
  return g_ptr_array_new_with_free_func (step_free);
}

/* Resolves a reference to an object of @kind by name. */
static gboolean
get_ref (Ctx            *c,
         JsonObject     *obj,
         const char     *key,
         WeftObjectKind  kind,
         guint          *out)
{
  g_autofree char *name = NULL;
  const char *nick = object_kind_nick (kind);
  g_autoptr(GString) known = g_string_new (NULL);
  GPtrArray *objects = c->profile->objects;
  guint index;

  if (!get_string (c, obj, key, TRUE, TEXT_ANY, G_MAXLONG, NULL, &name))
    return FALSE;

  index = weft_profile_lookup_object (c->profile, name);
  if (index != G_MAXUINT && ((WeftProfileObject *) objects->pdata[index])->kind == kind)
    {
      *out = index;
      return TRUE;
    }

  for (guint i = 0; i < objects->len; i++)
    {
      WeftProfileObject *o = objects->pdata[i];
      if (o->kind == kind)
        g_string_append_printf (known, "%s%s", known->len ? ", " : "", o->name);
    }

  path_push_key (c->path, key);
  if (index == G_MAXUINT)
    {
      if (known->len == 0)
        return fail (c, "\"%s\" is not a %s (no %s is defined in $.objects)", name, nick, nick);
      return fail (c, "\"%s\" is not a %s (known %ss: %s)", name, nick, nick, known->str);
    }
  else
    {
      WeftProfileObject *o = objects->pdata[index];
      if (known->len == 0)
        return fail (c, "\"%s\" is a %s, not a %s (no %s is defined in $.objects)",
                     name, object_kind_nick (o->kind), nick, nick);
      return fail (c, "\"%s\" is a %s, not a %s (known %ss: %s)",
                   name, object_kind_nick (o->kind), nick, nick, known->str);
    }
}

static gboolean parse_steps (Ctx *c, JsonObject *parent, const char *key, guint depth,
                             gboolean allow_empty, GPtrArray **out);

static gboolean
parse_step_body (Ctx        *c,
                 WeftStep   *step,
                 JsonObject *body,
                 guint       depth)
{
  static const char * const cpu_keys[] = { "ms", "iterations", NULL };
  static const char * const io_keys[] = { "ms", "blocking", NULL };
  static const char * const increment_keys[] = { "counter", "times", NULL };
  static const char * const lock_keys[] = { "name", "steps", NULL };
  static const char * const put_keys[] = { "queue", "items", "bytes", NULL };
  static const char * const get_keys[] = { "queue", "items", NULL };
  static const char * const transfer_keys[] = { "bytes", NULL };
  static const char * const fail_keys[] = { "message", NULL };
  static const char * const repeat_keys[] = { "times", "steps", NULL };
  static const char * const for_each_keys[] = { "queue", "steps", NULL };
  static const char * const *keys_by_kind[] = {
    NULL, cpu_keys, io_keys, increment_keys, lock_keys, put_keys, get_keys,
    transfer_keys, fail_keys, repeat_keys, for_each_keys,
  };
  g_autofree char *what = g_strdup_printf ("a %s step", step_kinds[step->kind - 1]);

  if (!check_keys (c, body, keys_by_kind[step->kind], what))
    return FALSE;

  switch (step->kind)
    {
    case WEFT_STEP_CPU:
      {
        gboolean has_ms = json_object_get_member (body, "ms") != NULL;
        gboolean has_it = json_object_get_member (body, "iterations") != NULL;

        if (has_ms == has_it)
          return fail (c, has_ms ? "give either \"ms\" or \"iterations\", not both"
                                 : "missing required key \"ms\" or \"iterations\"");
        if (has_ms)
          return get_double (c, body, "ms", TRUE, 0, 600000, 0, &step->ms);
        step->ms = -1;
        return get_int (c, body, "iterations", TRUE, 1, G_GINT64_CONSTANT (1000000000000), 1, &step->count);
      }

    case WEFT_STEP_IO:
      return get_double (c, body, "ms", TRUE, 0, 600000, 0, &step->ms) &&
             get_bool (c, body, "blocking", FALSE, &step->blocking);

    case WEFT_STEP_INCREMENT:
      return get_ref (c, body, "counter", WEFT_OBJECT_COUNTER, &step->object) &&
             get_int (c, body, "times", FALSE, 1, 1000000000, 1, &step->count);

    case WEFT_STEP_LOCK:
      return get_ref (c, body, "name", WEFT_OBJECT_LOCK, &step->object) &&
             parse_steps (c, body, "steps", depth + 1, TRUE, &step->steps);

    case WEFT_STEP_PUT:
      return get_ref (c, body, "queue", WEFT_OBJECT_QUEUE, &step->object) &&
             get_int (c, body, "items", FALSE, 1, 1000000000, 1, &step->count) &&
             get_int (c, body, "bytes", FALSE, 0, MAX_BYTES, 0, &step->bytes);

    case WEFT_STEP_GET:
      return get_ref (c, body, "queue", WEFT_OBJECT_QUEUE, &step->object) &&
             get_int (c, body, "items", FALSE, 1, 1000000000, 1, &step->count);

    case WEFT_STEP_TRANSFER:
      return get_int (c, body, "bytes", TRUE, 1, MAX_BYTES, 1, &step->bytes);

    case WEFT_STEP_FAIL:
      return get_string (c, body, "message", TRUE, TEXT_ANY, 1000, NULL, &step->message);

    case WEFT_STEP_REPEAT:
      return get_int (c, body, "times", TRUE, 1, 1000000000, 1, &step->count) &&
             parse_steps (c, body, "steps", depth + 1, TRUE, &step->steps);

    case WEFT_STEP_FOR_EACH:
      return get_ref (c, body, "queue", WEFT_OBJECT_QUEUE, &step->object) &&
             parse_steps (c, body, "steps", depth + 1, TRUE, &step->steps);

    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

/* The step at c->path. */
static WeftStep *
parse_step (Ctx      *c,
            JsonNode *node,
            guint     depth)
{
  g_autoptr(GList) members = NULL;
  g_autofree char *kinds = join_plain (step_kinds);
  WeftStep *step;
  const char *kind;
  JsonNode *body;
  gsize saved;
  guint n;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *got = describe_node (c, node);
      fail (c, "expected a step: an object with one key naming its kind (%s), got %s", kinds, got);
      return NULL;
    }

  members = json_object_get_members (json_node_get_object (node));
  n = g_list_length (members);
  if (n != 1)
    {
      if (n == 0)
        fail (c, "a step needs exactly one key naming its kind (%s), got none", kinds);
      else
        {
          g_autoptr(GString) got = g_string_new (NULL);
          for (GList *l = members; l != NULL; l = l->next)
            g_string_append_printf (got, "%s\"%s\"", l == members ? "" : ", ", (char *) l->data);
          fail (c, "a step needs exactly one key naming its kind, got %u (%s)", n, got->str);
        }
      return NULL;
    }

  kind = members->data;
  for (n = 0; step_kinds[n] != NULL; n++)
    if (g_str_equal (kind, step_kinds[n]))
      break;

  saved = c->path->len;
  path_push_key (c->path, kind);
  if (step_kinds[n] == NULL)
    {
      const char *near = closest (kind, step_kinds);
      g_autofree char *hint = near ? g_strdup_printf ("did you mean \"%s\"?", near)
                                   : g_strdup_printf ("expected one of: %s", kinds);
      g_autofree char *loc_path = g_strdup (c->path->str);
      g_string_truncate (c->path, saved);
      fail_full (c, loc_path, AT_KEY, c->path->str, "unknown step kind \"%s\" (%s)", kind, hint);
      return NULL;
    }

  body = json_object_get_member (json_node_get_object (node), kind);
  if (!JSON_NODE_HOLDS_OBJECT (body))
    {
      g_autofree char *got = describe_node (c, body);
      fail (c, "expected an object, got %s", got);
      return NULL;
    }

  step = g_new0 (WeftStep, 1);
  step->kind = (WeftStepKind) (n + 1);
  step->object = G_MAXUINT;
  if (!parse_step_body (c, step, json_node_get_object (body), depth))
    {
      step_free (step);
      return NULL;
    }
  g_string_truncate (c->path, saved);
  return step;
}

/* Parses the member @key of @parent (required) as a list of steps at
 * nesting @depth (1 for a task's own steps). */
static gboolean
parse_steps (Ctx         *c,
             JsonObject  *parent,
             const char  *key,
             guint        depth,
             gboolean     allow_empty,
             GPtrArray  **out)
{
  g_autoptr(GPtrArray) steps = NULL;
  gsize saved = c->path->len;
  JsonNode *node;
  JsonArray *array;

  if (json_object_get_member (parent, key) == NULL)
    return missing (c, key);

  node = member (c, parent, key);
  if (depth > MAX_STEP_DEPTH)
    return fail (c, "steps nest more than %u deep", MAX_STEP_DEPTH);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *got = describe_node (c, node);
      return fail (c, "expected an array of steps, got %s", got);
    }

  array = json_node_get_array (node);
  if (!allow_empty && json_array_get_length (array) == 0)
    return fail (c, "expected at least one step");

  steps = new_step_array ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize here = c->path->len;
      WeftStep *step;

      path_push_index (c->path, i);
      step = parse_step (c, json_array_get_element (array, i), depth);
      if (step == NULL)
        return FALSE;
      g_ptr_array_add (steps, step);
      g_string_truncate (c->path, here);
    }

  g_string_truncate (c->path, saved);
  *out = g_steal_pointer (&steps);
  return TRUE;
}

/* ---- Objects, tasks, stages ---------------------------------------------- */

static void
object_free (gpointer data)
{
  WeftProfileObject *o = data;

  if (o == NULL)
    return;
  g_free (o->name);
  g_free (o);
}

static void
task_free (gpointer data)
{
  WeftTaskSpec *t = data;

  if (t == NULL)
    return;
  g_free (t->name);
  g_clear_pointer (&t->steps, g_ptr_array_unref);
  g_free (t);
}

static void
stage_free (gpointer data)
{
  WeftStage *s = data;

  if (s == NULL)
    return;
  g_free (s->name);
  g_clear_pointer (&s->steps, g_ptr_array_unref);
  g_free (s);
}

static gboolean
parse_objects (Ctx        *c,
               JsonObject *top)
{
  static const char * const lock_keys[] = { "kind", "backend", NULL };
  static const char * const queue_keys[] = { "kind", "capacity", "backend", NULL };
  static const char * const counter_keys[] = { "kind", "initial", "length", "backend", NULL };
  gsize saved = c->path->len;
  g_autoptr(GList) names = NULL;
  JsonObject *objects;
  JsonNode *node;

  if (json_object_get_member (top, "objects") == NULL)
    return TRUE;

  node = member (c, top, "objects");
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *got = describe_node (c, node);
      return fail (c, "expected an object mapping names to objects, got %s", got);
    }

  objects = json_node_get_object (node);
  names = json_object_get_members (objects);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      gsize here = c->path->len;
      JsonNode *onode = member (c, objects, name);
      WeftProfileObject *o;
      JsonObject *obj;
      guint kind, backend;
      const char * const *keys;
      g_autofree char *what = NULL;

      if (!check_text (name, TEXT_NAME, 64))
        {
          g_autofree char *loc_path = g_strdup (c->path->str);
          g_string_truncate (c->path, here);
          return fail_full (c, loc_path, AT_KEY, NULL,
                            "an object name must be 1 to 64 characters from A-Z a-z 0-9 _ . -");
        }
      if (!JSON_NODE_HOLDS_OBJECT (onode))
        {
          g_autofree char *got = describe_node (c, onode);
          return fail (c, "expected an object such as {\"kind\": \"lock\"}, got %s", got);
        }
      obj = json_node_get_object (onode);
      if (json_object_get_member (obj, "kind") == NULL)
        return missing (c, "kind");
      if (!get_enum (c, obj, "kind", object_kinds, 0, &kind))
        return FALSE;

      keys = kind == 0 ? lock_keys : kind == 1 ? queue_keys : counter_keys;
      what = g_strdup_printf ("a %s", object_kinds[kind]);
      if (!check_keys (c, obj, keys, what))
        return FALSE;

      o = g_new0 (WeftProfileObject, 1);
      g_ptr_array_add (c->profile->objects, o);
      o->name = g_strdup (name);
      o->kind = object_kind_values[kind];
      if (!get_enum (c, obj, "backend", backends, 0, &backend))
        return FALSE;
      o->backend = backend == 0 ? WEFT_BACKEND_MEMORY : WEFT_BACKEND_MANAGER;
      if (o->kind == WEFT_OBJECT_COUNTER &&
          !get_int (c, obj, "initial", FALSE, -G_GINT64_CONSTANT (1000000000000000),
                    G_GINT64_CONSTANT (1000000000000000), 0, &o->initial))
        return FALSE;
      o->length = 1;
      if (o->kind == WEFT_OBJECT_COUNTER)
        {
          gint64 length;
          if (!get_int (c, obj, "length", FALSE, 1, 1000000, 1, &length))
            return FALSE;
          o->length = (guint) length;
        }
      if (o->kind == WEFT_OBJECT_QUEUE)
        {
          gint64 capacity;
          if (!get_int (c, obj, "capacity", FALSE, 0, 1000000, 0, &capacity))
            return FALSE;
          o->capacity = (guint) capacity;
        }
      g_string_truncate (c->path, here);
    }

  g_string_truncate (c->path, saved);
  return TRUE;
}

static gboolean
parse_tasks (Ctx        *c,
             JsonObject *top)
{
  static const char * const task_keys[] = { "name", "count", "steps", NULL };
  gsize saved = c->path->len;
  JsonNode *node;
  JsonArray *array;

  if (json_object_get_member (top, "tasks") == NULL)
    return TRUE;

  node = member (c, top, "tasks");
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *got = describe_node (c, node);
      return fail (c, "expected an array of tasks, got %s", got);
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize here = c->path->len;
      JsonNode *tnode = json_array_get_element (array, i);
      g_autofree char *def_name = g_strdup_printf ("task %u", i + 1);
      WeftTaskSpec *t;
      JsonObject *obj;
      gint64 count;

      path_push_index (c->path, i);
      if (!JSON_NODE_HOLDS_OBJECT (tnode))
        {
          g_autofree char *got = describe_node (c, tnode);
          return fail (c, "expected a task object with \"steps\", got %s", got);
        }
      obj = json_node_get_object (tnode);
      if (!check_keys (c, obj, task_keys, "a task"))
        return FALSE;

      t = g_new0 (WeftTaskSpec, 1);
      g_ptr_array_add (c->profile->tasks, t);
      if (!get_string (c, obj, "name", FALSE, TEXT_ANY, 128, def_name, &t->name) ||
          !get_int (c, obj, "count", FALSE, 1, 100000, 1, &count) ||
          !parse_steps (c, obj, "steps", 1, FALSE, &t->steps))
        return FALSE;
      t->count = (guint) count;
      g_string_truncate (c->path, here);
    }

  g_string_truncate (c->path, saved);
  return TRUE;
}

static gboolean
parse_stages (Ctx        *c,
              JsonObject *top)
{
  static const char * const stage_keys[] = { "name", "executor", "workers", "output", "steps", NULL };
  gsize saved = c->path->len;
  JsonNode *node;
  JsonArray *array;

  if (json_object_get_member (top, "stages") == NULL)
    return TRUE;

  node = member (c, top, "stages");
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *got = describe_node (c, node);
      return fail (c, "expected an array of stages, got %s", got);
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize here = c->path->len;
      JsonNode *snode = json_array_get_element (array, i);
      guint executor_index = 0;
      WeftStage *s;
      JsonObject *obj;
      gint64 workers;

      path_push_index (c->path, i);
      if (!JSON_NODE_HOLDS_OBJECT (snode))
        {
          g_autofree char *got = describe_node (c, snode);
          return fail (c, "expected a stage object with \"name\" and \"steps\", got %s", got);
        }
      obj = json_node_get_object (snode);
      if (!check_keys (c, obj, stage_keys, "a stage"))
        return FALSE;

      s = g_new0 (WeftStage, 1);
      g_ptr_array_add (c->profile->stages, s);
      s->output = G_MAXUINT;
      if (!get_string (c, obj, "name", TRUE, TEXT_ANY, 64, NULL, &s->name))
        return FALSE;
      for (guint j = 0; j < i; j++)
        if (g_str_equal (((WeftStage *) c->profile->stages->pdata[j])->name, s->name))
          {
            path_push_key (c->path, "name");
            return fail (c, "duplicate stage name \"%s\" (also $.stages[%u])", s->name, j);
          }

      for (guint j = 0; j < G_N_ELEMENTS (profile_executor_values); j++)
        if (profile_executor_values[j] == c->profile->executor)
          executor_index = j;
      if (!get_enum (c, obj, "executor", profile_executors, executor_index, &executor_index))
        return FALSE;
      s->executor = profile_executor_values[executor_index];

      if (!get_int (c, obj, "workers", FALSE, 1, 256, 1, &workers))
        return FALSE;
      s->workers = (guint) workers;

      if (json_object_get_member (obj, "output") != NULL &&
          !get_ref (c, obj, "output", WEFT_OBJECT_QUEUE, &s->output))
        return FALSE;

      if (!parse_steps (c, obj, "steps", 1, FALSE, &s->steps))
        return FALSE;
      g_string_truncate (c->path, here);
    }

  g_string_truncate (c->path, saved);
  return TRUE;
}

static WeftProfile *
profile_new_empty (void)
{
  WeftProfile *self = g_new0 (WeftProfile, 1);

  self->description = g_strdup ("");
  self->executor = WEFT_EXECUTOR_THREADS;
  self->workers = 4;
  self->switch_interval_ms = 5;
  self->start_method = WEFT_START_SPAWN;
  self->timeout_s = 60;
  self->objects = g_ptr_array_new_with_free_func (object_free);
  self->tasks = g_ptr_array_new_with_free_func (task_free);
  self->stages = g_ptr_array_new_with_free_func (stage_free);
  return self;
}

static char *
default_name (const char *display_name)
{
  g_autofree char *base = display_name ? g_path_get_basename (display_name) : NULL;
  char *dot = base ? strrchr (base, '.') : NULL;

  if (base == NULL)
    return g_strdup ("Untitled");
  if (dot != NULL && dot != base)
    *dot = '\0';
  if (!check_text (base, TEXT_ANY, 128))
    return g_strdup ("Untitled");
  return g_steal_pointer (&base);
}

static gboolean
parse_profile (Ctx      *c,
               JsonNode *root)
{
  static const char * const top_keys[] = {
    "weft_profile", "name", "concept", "description", "executor", "workers", "gil",
    "switch_interval_ms", "start_method", "cancel_on_error", "timeout_s",
    "objects", "tasks", "stages", NULL
  };
  WeftProfile *p = c->profile;
  JsonObject *top;
  gint64 version, concept, workers;
  guint executor, start_method;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autofree char *got = describe_node (c, root);
      return fail (c, "expected a profile object {\"weft_profile\": 1, ...}, got %s", got);
    }
  top = json_node_get_object (root);

  /* The version first: a newer file gets a clear message, not a list of
   * keys this version does not know. */
  if (json_object_get_member (top, "weft_profile") == NULL)
    return fail (c, "missing required key \"weft_profile\" (the format version, 1): "
                    "is this a Weft workload profile?");
  {
    gsize saved = c->path->len;
    JsonNode *vnode = member (c, top, "weft_profile");

    if (!is_number (vnode) || json_node_get_value_type (vnode) != G_TYPE_INT64)
      {
        g_autofree char *got = describe_node (c, vnode);
        return fail (c, "expected the format version 1, got %s", got);
      }
    version = json_node_get_int (vnode);
    if (version != 1)
      {
        g_autofree char *got = describe_node (c, vnode);
        return fail (c, "unsupported format version %s (this Weft reads version 1)", got);
      }
    g_string_truncate (c->path, saved);
  }

  if (!check_keys (c, top, top_keys, "a profile"))
    return FALSE;

  g_clear_pointer (&p->description, g_free);
  if (!get_string (c, top, "name", FALSE, TEXT_ANY, 128, c->default_name, &p->name) ||
      !get_int (c, top, "concept", FALSE, 0, N_CONCEPTS, 0, &concept) ||
      !get_string (c, top, "description", FALSE, TEXT_ANY, G_MAXLONG, "", &p->description) ||
      !get_enum (c, top, "executor", profile_executors, 0, &executor) ||
      !get_int (c, top, "workers", FALSE, 1, 256, 4, &workers) ||
      !get_bool (c, top, "gil", FALSE, &p->gil) ||
      !get_double (c, top, "switch_interval_ms", FALSE, 0.1, 1000, 5, &p->switch_interval_ms) ||
      !get_enum (c, top, "start_method", start_methods, 0, &start_method) ||
      !get_bool (c, top, "cancel_on_error", FALSE, &p->cancel_on_error) ||
      !get_double (c, top, "timeout_s", FALSE, 0, 3600, 60, &p->timeout_s))
    return FALSE;

  p->concept = (int) concept;
  p->executor = profile_executor_values[executor];
  p->workers = (guint) workers;
  p->start_method = start_method == 0 ? WEFT_START_SPAWN : WEFT_START_FORK;

  if (!parse_objects (c, top) || !parse_tasks (c, top) || !parse_stages (c, top))
    return FALSE;

  if (p->tasks->len == 0 && p->stages->len == 0)
    {
      if (json_object_get_member (top, "tasks") != NULL)
        {
          path_push_key (c->path, "tasks");
          return fail (c, "expected at least one task (or a pipeline in \"stages\")");
        }
      if (json_object_get_member (top, "stages") != NULL)
        {
          path_push_key (c->path, "stages");
          return fail (c, "expected at least one stage (or some \"tasks\")");
        }
      return fail (c, "a profile needs \"tasks\" or \"stages\"");
    }
  return TRUE;
}

/* ---- Public API ------------------------------------------------------------ */

/**
 * weft_profile_new_from_data:
 * @data: the JSON text
 * @length: its length, or -1 if NUL-terminated
 * @display_name: (nullable): the name used in messages, e.g. a file name
 * @error: set when the text is not a valid profile
 *
 * Returns: (transfer full): the profile, or %NULL with @error set
 */
WeftProfile *
weft_profile_new_from_data (const char  *data,
                            gssize       length,
                            const char  *display_name,
                            GError     **error)
{
  g_autoptr(GHashTable) locs = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(WeftProfile) profile = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) path = NULL;
  g_autofree char *message = NULL;
  g_autofree char *def_name = default_name (display_name);
  gboolean invalid = FALSE;
  Ctx c;
  gsize len;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (display_name == NULL)
    display_name = "<data>";
  len = length < 0 ? strlen (data) : (gsize) length;

  if (len > MAX_FILE_SIZE)
    {
      g_set_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_IO,
                   "%s: the file is too large for a profile (%" G_GSIZE_FORMAT " bytes, at most %d)",
                   display_name, len, MAX_FILE_SIZE);
      return NULL;
    }

  locs = scan_locations (data ? data : "", len, &message, &invalid);
  if (locs == NULL)
    {
      g_set_error (error, WEFT_PROFILE_ERROR,
                   invalid ? WEFT_PROFILE_ERROR_INVALID : WEFT_PROFILE_ERROR_SYNTAX,
                   "%s:%s", display_name, message);
      return NULL;
    }

  /* The scanner has accepted it, so json-glib must too. */
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_SYNTAX,
                   "%s: %s", display_name,
                   local_error ? local_error->message : "no JSON value");
      return NULL;
    }

  profile = profile_new_empty ();
  path = g_string_new ("$");
  c = (Ctx) { display_name, def_name, data, locs, path, profile, error };
  if (!parse_profile (&c, json_parser_get_root (parser)))
    {
      g_assert (error == NULL || *error != NULL);
      return NULL;
    }

  return g_steal_pointer (&profile);
}

/**
 * weft_profile_new_from_file:
 * @path: a file name
 * @error: set when the file cannot be read or is not a valid profile
 *
 * Messages name the file as @path is spelled.
 *
 * Returns: (transfer full): the profile, with its path set, or %NULL with
 *   @error set
 */
WeftProfile *
weft_profile_new_from_file (const char  *path,
                            GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GString) buf = NULL;
  WeftProfile *profile;
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_IO,
                   "%s: cannot read: %s", path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    {
      close (fd);
      g_set_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_IO,
                   "%s: cannot read: %s", path, g_strerror (EISDIR));
      return NULL;
    }

  buf = g_string_sized_new (st.st_size > 0 && st.st_size < MAX_FILE_SIZE ? (gsize) st.st_size + 1 : 4096);
  for (;;)
    {
      char chunk[65536];
      ssize_t n = read (fd, chunk, sizeof chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_IO,
                       "%s: cannot read: %s", path, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      g_string_append_len (buf, chunk, n);
      if (buf->len > MAX_FILE_SIZE)
        break;   /* new_from_data reports it */
    }
  close (fd);

  profile = weft_profile_new_from_data (buf->str, (gssize) buf->len, path, error);
  if (profile != NULL)
    profile->path = g_strdup (path);
  return profile;
}

static WeftStep *
step_copy (const WeftStep *step)
{
  WeftStep *copy = g_new0 (WeftStep, 1);

  *copy = *step;
  copy->message = g_strdup (step->message);
  copy->steps = NULL;
  if (step->steps != NULL)
    {
      copy->steps = new_step_array ();
      for (guint i = 0; i < step->steps->len; i++)
        g_ptr_array_add (copy->steps, step_copy (step->steps->pdata[i]));
    }
  return copy;
}

static GPtrArray *
steps_copy (const GPtrArray *steps)
{
  GPtrArray *copy;

  if (steps == NULL)
    return NULL;
  copy = new_step_array ();
  for (guint i = 0; i < steps->len; i++)
    g_ptr_array_add (copy, step_copy (steps->pdata[i]));
  return copy;
}

/**
 * weft_profile_copy:
 * @self: a profile
 *
 * Returns: (transfer full): a deep copy
 */
WeftProfile *
weft_profile_copy (const WeftProfile *self)
{
  WeftProfile *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = profile_new_empty ();
  g_free (copy->description);
  copy->path = g_strdup (self->path);
  copy->name = g_strdup (self->name);
  copy->description = g_strdup (self->description);
  copy->concept = self->concept;
  copy->executor = self->executor;
  copy->workers = self->workers;
  copy->gil = self->gil;
  copy->switch_interval_ms = self->switch_interval_ms;
  copy->start_method = self->start_method;
  copy->cancel_on_error = self->cancel_on_error;
  copy->timeout_s = self->timeout_s;

  for (guint i = 0; self->objects && i < self->objects->len; i++)
    {
      const WeftProfileObject *o = self->objects->pdata[i];
      WeftProfileObject *oc = g_new0 (WeftProfileObject, 1);

      *oc = *o;
      oc->name = g_strdup (o->name);
      g_ptr_array_add (copy->objects, oc);
    }
  for (guint i = 0; self->tasks && i < self->tasks->len; i++)
    {
      const WeftTaskSpec *t = self->tasks->pdata[i];
      WeftTaskSpec *tc = g_new0 (WeftTaskSpec, 1);

      tc->name = g_strdup (t->name);
      tc->count = t->count;
      tc->steps = steps_copy (t->steps);
      g_ptr_array_add (copy->tasks, tc);
    }
  for (guint i = 0; self->stages && i < self->stages->len; i++)
    {
      const WeftStage *s = self->stages->pdata[i];
      WeftStage *sc = g_new0 (WeftStage, 1);

      *sc = *s;
      sc->name = g_strdup (s->name);
      sc->steps = steps_copy (s->steps);
      g_ptr_array_add (copy->stages, sc);
    }
  return copy;
}

/**
 * weft_profile_free:
 * @self: (nullable): a profile
 */
void
weft_profile_free (WeftProfile *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_free (self->name);
  g_free (self->description);
  g_clear_pointer (&self->objects, g_ptr_array_unref);
  g_clear_pointer (&self->tasks, g_ptr_array_unref);
  g_clear_pointer (&self->stages, g_ptr_array_unref);
  g_free (self);
}

/**
 * weft_profile_lookup_object:
 * @self: a profile
 * @name: an object name
 *
 * Returns: the index of the object called @name in @self->objects, or
 *   %G_MAXUINT
 */
guint
weft_profile_lookup_object (const WeftProfile *self,
                            const char        *name)
{
  g_return_val_if_fail (self != NULL, G_MAXUINT);

  if (name == NULL || self->objects == NULL)
    return G_MAXUINT;
  for (guint i = 0; i < self->objects->len; i++)
    if (g_strcmp0 (((WeftProfileObject *) self->objects->pdata[i])->name, name) == 0)
      return i;
  return G_MAXUINT;
}

/* ---- Serialisation ----------------------------------------------------------- */

static void
add_number (JsonBuilder *b,
            const char  *key,
            double       v)
{
  json_builder_set_member_name (b, key);
  /* Whole numbers read better without ".0" and load back the same. */
  if (v == floor (v) && fabs (v) < 1e15)
    json_builder_add_int_value (b, (gint64) v);
  else
    json_builder_add_double_value (b, v);
}

static void
add_int (JsonBuilder *b,
         const char  *key,
         gint64       v)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, v);
}

static void
add_string (JsonBuilder *b,
            const char  *key,
            const char  *v)
{
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, v ? v : "");
}

static void
add_ref (JsonBuilder       *b,
         const WeftProfile *p,
         const char        *key,
         guint              index)
{
  if (p->objects != NULL && index < p->objects->len)
    add_string (b, key, ((WeftProfileObject *) p->objects->pdata[index])->name);
}

static void add_steps (JsonBuilder *b, const WeftProfile *p, const GPtrArray *steps);

static void
add_step (JsonBuilder       *b,
          const WeftProfile *p,
          const WeftStep    *step)
{
  json_builder_begin_object (b);
  if (step->kind >= WEFT_STEP_CPU && step->kind <= WEFT_STEP_FOR_EACH)
    {
      json_builder_set_member_name (b, step_kinds[step->kind - 1]);
      json_builder_begin_object (b);
      switch (step->kind)
        {
        case WEFT_STEP_CPU:
          if (step->ms >= 0)
            add_number (b, "ms", step->ms);
          else
            add_int (b, "iterations", step->count);
          break;
        case WEFT_STEP_IO:
          add_number (b, "ms", step->ms);
          json_builder_set_member_name (b, "blocking");
          json_builder_add_boolean_value (b, step->blocking);
          break;
        case WEFT_STEP_INCREMENT:
          add_ref (b, p, "counter", step->object);
          add_int (b, "times", step->count);
          break;
        case WEFT_STEP_LOCK:
          add_ref (b, p, "name", step->object);
          add_steps (b, p, step->steps);
          break;
        case WEFT_STEP_PUT:
          add_ref (b, p, "queue", step->object);
          add_int (b, "items", step->count);
          add_int (b, "bytes", step->bytes);
          break;
        case WEFT_STEP_GET:
          add_ref (b, p, "queue", step->object);
          add_int (b, "items", step->count);
          break;
        case WEFT_STEP_TRANSFER:
          add_int (b, "bytes", step->bytes);
          break;
        case WEFT_STEP_FAIL:
          add_string (b, "message", step->message);
          break;
        case WEFT_STEP_REPEAT:
          add_int (b, "times", step->count);
          add_steps (b, p, step->steps);
          break;
        case WEFT_STEP_FOR_EACH:
          add_ref (b, p, "queue", step->object);
          add_steps (b, p, step->steps);
          break;
        default:
          g_assert_not_reached ();
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static void
add_steps (JsonBuilder       *b,
           const WeftProfile *p,
           const GPtrArray   *steps)
{
  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint i = 0; steps != NULL && i < steps->len; i++)
    add_step (b, p, steps->pdata[i]);
  json_builder_end_array (b);
}

static const char *
executor_nick_or (WeftExecutorKind kind,
                  const char      *fallback)
{
  const char *nick = weft_executor_to_nick (kind);
  return nick ? nick : fallback;
}

/**
 * weft_profile_to_json:
 * @self: a profile
 *
 * Serialises @self in the profile format (docs/profiles.md), every key
 * written out, so that loading the text gives an equal profile.
 *
 * Returns: (transfer full): pretty-printed JSON, ending with a newline
 */
char *
weft_profile_to_json (const WeftProfile *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  add_int (b, "weft_profile", 1);
  add_string (b, "name", self->name);
  add_int (b, "concept", self->concept);
  add_string (b, "description", self->description);
  add_string (b, "executor", executor_nick_or (self->executor, "threads"));
  add_int (b, "workers", self->workers);
  json_builder_set_member_name (b, "gil");
  json_builder_add_boolean_value (b, self->gil);
  add_number (b, "switch_interval_ms", self->switch_interval_ms);
  add_string (b, "start_method", self->start_method == WEFT_START_FORK ? "fork" : "spawn");
  json_builder_set_member_name (b, "cancel_on_error");
  json_builder_add_boolean_value (b, self->cancel_on_error);
  add_number (b, "timeout_s", self->timeout_s);

  json_builder_set_member_name (b, "objects");
  json_builder_begin_object (b);
  for (guint i = 0; self->objects && i < self->objects->len; i++)
    {
      const WeftProfileObject *o = self->objects->pdata[i];

      json_builder_set_member_name (b, o->name ? o->name : "");
      json_builder_begin_object (b);
      add_string (b, "kind", object_kind_nick (o->kind));
      if (o->kind == WEFT_OBJECT_COUNTER)
        add_int (b, "initial", o->initial);
      if (o->kind == WEFT_OBJECT_COUNTER && o->length > 1)
        add_int (b, "length", o->length);
      if (o->kind == WEFT_OBJECT_QUEUE)
        add_int (b, "capacity", o->capacity);
      add_string (b, "backend", o->backend == WEFT_BACKEND_MANAGER ? "manager" : "memory");
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  if (self->tasks && self->tasks->len > 0)
    {
      json_builder_set_member_name (b, "tasks");
      json_builder_begin_array (b);
      for (guint i = 0; i < self->tasks->len; i++)
        {
          const WeftTaskSpec *t = self->tasks->pdata[i];

          json_builder_begin_object (b);
          add_string (b, "name", t->name);
          add_int (b, "count", t->count);
          add_steps (b, self, t->steps);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }

  if (self->stages && self->stages->len > 0)
    {
      json_builder_set_member_name (b, "stages");
      json_builder_begin_array (b);
      for (guint i = 0; i < self->stages->len; i++)
        {
          const WeftStage *s = self->stages->pdata[i];

          json_builder_begin_object (b);
          add_string (b, "name", s->name);
          add_string (b, "executor", executor_nick_or (s->executor, "threads"));
          add_int (b, "workers", s->workers);
          add_ref (b, self, "output", s->output);
          add_steps (b, self, s->steps);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  text = json_generator_to_data (gen, NULL);
  return g_strconcat (text, "\n", NULL);
}

/* ---- Executor nicks ---------------------------------------------------------- */

/**
 * weft_executor_to_nick:
 * @kind: an executor kind
 *
 * The names profiles, summaries and traces use (the trace layer owns them).
 *
 * Returns: "threads", "processes", "mainloop", "external" or "none"
 */
const char *
weft_executor_to_nick (WeftExecutorKind kind)
{
  return weft_executor_kind_to_nick (kind);
}

/**
 * weft_executor_from_nick:
 * @nick: (nullable): "threads", "processes" or "mainloop"
 * @out_kind: (out) (optional): the executor kind
 *
 * Returns: %TRUE if @nick names an executor a profile can run on
 */
gboolean
weft_executor_from_nick (const char       *nick,
                         WeftExecutorKind *out_kind)
{
  WeftExecutorKind kind;

  if (nick == NULL || !weft_executor_kind_from_nick (nick, &kind) ||
      kind == WEFT_EXECUTOR_NONE || kind == WEFT_EXECUTOR_EXTERNAL)
    return FALSE;
  if (out_kind != NULL)
    *out_kind = kind;
  return TRUE;
}

/*
 * Task specs and stages share one index space: tasks first, then stages.
 * A task instance names its spec this way on the wire (TASK_BEGIN's arg0)
 * and across the process boundary.
 */

/**
 * weft_profile_get_steps:
 * @spec_index: a task spec's index, or the number of task specs plus a stage's
 *
 * Returns: (transfer none) (nullable) (element-type WeftStep): its steps, or
 *   %NULL when there is no such spec
 */
const GPtrArray *
weft_profile_get_steps (const WeftProfile *self,
                        guint              spec_index)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (spec_index < self->tasks->len)
    return ((const WeftTaskSpec *) g_ptr_array_index (self->tasks, spec_index))->steps;
  spec_index -= self->tasks->len;
  if (spec_index < self->stages->len)
    return ((const WeftStage *) g_ptr_array_index (self->stages, spec_index))->steps;
  return NULL;
}

/**
 * weft_profile_get_spec_name:
 *
 * Returns: (transfer none): the name of a task spec or stage, "?" when there is none
 */
const char *
weft_profile_get_spec_name (const WeftProfile *self,
                            guint              spec_index)
{
  g_return_val_if_fail (self != NULL, "?");

  if (spec_index < self->tasks->len)
    return ((const WeftTaskSpec *) g_ptr_array_index (self->tasks, spec_index))->name;
  spec_index -= self->tasks->len;
  if (spec_index < self->stages->len)
    return ((const WeftStage *) g_ptr_array_index (self->stages, spec_index))->name;
  return "?";
}
