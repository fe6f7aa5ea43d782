/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-profile-private.h"

/*
 * A profile's text as a small tree, read with the streaming JSON reader (the
 * one lexer Weft has): every value keeps where it starts and, for a member,
 * where its name starts, so that the validator can point at either. The
 * reader checks the grammar (strictly: no "\u0000", no unpaired surrogate);
 * this file adds what JSON leaves open (UTF-8, duplicate member names) and
 * words the syntax errors in the profile's own vocabulary.
 */

/* Objects with more members than this find duplicates with a hash table. */
#define LINEAR_KEYS 16

typedef struct
{
  guint       node;
  guint       last;        /* its last child so far, or WEFT_PROFILE_NONE */
  GHashTable *keys;        /* name → first line, for big objects */
} Frame;

typedef struct
{
  WeftProfileDoc *doc;
  WeftJsonReader *reader;
  const char     *display_name;
  GArray         *stack;   /* (element-type Frame) */
  guint           key;     /* the pending member name in the pool, or WEFT_PROFILE_NONE */
  guint           key_line;
  guint           key_column;
  GError        **error;
} Builder;

static gboolean
is_identifier (const char *key)
{
  if (!(g_ascii_isalpha (key[0]) || key[0] == '_'))
    return FALSE;
  for (const char *p = key; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

/* Appends ".key", or ["key"] when it is not an identifier. */
void
_weft_path_append_key (GString    *path,
                       const char *key)
{
  if (is_identifier (key))
    {
      g_string_append_c (path, '.');
      g_string_append (path, key);
    }
  else
    {
      g_autofree char *quoted = weft_json_escape (key);

      g_string_append_printf (path, "[%s]", quoted);
    }
}

/**
 * _weft_profile_doc_path:
 * @node: a node of @doc
 *
 * Returns: (transfer full): its JSON path, such as `$.tasks[0].steps`
 */
char *
_weft_profile_doc_path (const WeftProfileDoc *doc,
                        guint                 node)
{
  g_autoptr(GArray) chain = g_array_new (FALSE, FALSE, sizeof (guint));
  GString *path = g_string_new ("$");

  for (guint n = node; n != 0 && n != WEFT_PROFILE_NONE; n = _weft_profile_doc_node (doc, n)->parent)
    g_array_append_val (chain, n);

  for (guint i = chain->len; i-- > 0;)
    {
      guint n = g_array_index (chain, guint, i);
      const WeftProfileNode *parent = _weft_profile_doc_node (doc, _weft_profile_doc_node (doc, n)->parent);

      if (parent->type == WEFT_JSON_BEGIN_OBJECT)
        _weft_path_append_key (path, _weft_profile_doc_key (doc, n));
      else
        g_string_append_printf (path, "[%u]", _weft_profile_doc_node (doc, n)->index);
    }
  return g_string_free (path, FALSE);
}

/**
 * _weft_profile_doc_member:
 * @object: an object node
 * @key: a member name
 *
 * Returns: the member's node, or %WEFT_PROFILE_NONE
 */
guint
_weft_profile_doc_member (const WeftProfileDoc *doc,
                          guint                 object,
                          const char           *key)
{
  for (guint n = _weft_profile_doc_node (doc, object)->first; n != WEFT_PROFILE_NONE;
       n = _weft_profile_doc_node (doc, n)->next)
    if (strcmp (_weft_profile_doc_key (doc, n), key) == 0)
      return n;
  return WEFT_PROFILE_NONE;
}

/* ---- Messages ------------------------------------------------------------- */

/* What is at @offset, for "got ...": a whole word when it is one. */
static char *
describe_at (const WeftProfileDoc *doc,
             gsize                 offset)
{
  const char *p = doc->data + offset;
  const char *end;
  gsize n;

  if (offset >= doc->len)
    return g_strdup ("the end of the file");
  if ((guchar) *p < 0x20)
    return g_strdup_printf ("control character U+%04X", (guint) (guchar) *p);
  if (*p == '"' || *p == '\\')
    return g_strdup_printf ("\"\\%c\"", *p);
  if (g_ascii_isalnum (*p))
    {
      for (n = 0; offset + n < doc->len && n < 20 && (g_ascii_isalnum (p[n]) || p[n] == '_'); n++)
        ;
      return g_strdup_printf ("\"%.*s\"", (int) n, p);
    }
  end = g_utf8_find_next_char (p, doc->data + doc->len);
  n = end != NULL ? (gsize) (end - p) : doc->len - offset;
  return g_strdup_printf ("\"%.*s\"", (int) n, p);
}

static char *
expected (const WeftProfileDoc *doc,
          gsize                 offset,
          const char           *what)
{
  g_autofree char *got = describe_at (doc, offset);

  return g_strdup_printf ("expected %s, got %s", what, got);
}

/* The profile's words for the reader's syntax error at @offset. */
static char *
syntax_message (const WeftProfileDoc *doc,
                WeftJsonSyntax        syntax,
                gsize                 offset)
{
  switch (syntax)
    {
    case WEFT_JSON_SYNTAX_EXPECTED_VALUE:
      return expected (doc, offset, "a value");
    case WEFT_JSON_SYNTAX_EXPECTED_KEY:
      return expected (doc, offset, "a member name in double quotes");
    case WEFT_JSON_SYNTAX_EXPECTED_COLON:
      return expected (doc, offset, "\":\" after the member name");
    case WEFT_JSON_SYNTAX_EXPECTED_MEMBER_END:
      return expected (doc, offset, "\",\" or \"}\" after a member");
    case WEFT_JSON_SYNTAX_EXPECTED_ELEMENT_END:
      return expected (doc, offset, "\",\" or \"]\" after an element");
    case WEFT_JSON_SYNTAX_EXPECTED_END:
      return expected (doc, offset, "the end of the file after the top-level value");
    case WEFT_JSON_SYNTAX_BAD_NUMBER:
      return expected (doc, offset, "a digit");
    case WEFT_JSON_SYNTAX_CONTROL_CHARACTER:
      return expected (doc, offset, "a character or \"\\\"\" (control characters must be escaped)");
    case WEFT_JSON_SYNTAX_UNTERMINATED_STRING:
      return g_strdup ("unterminated string");
    case WEFT_JSON_SYNTAX_BAD_ESCAPE:
      {
        guchar ch = offset + 1 < doc->len ? (guchar) doc->data[offset + 1] : 0;

        if (ch > 0x20 && ch < 0x7F)
          return g_strdup_printf ("unknown escape \"\\%c\" (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", ch);
        return expected (doc, offset + 1, "an escape (one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
      }
    case WEFT_JSON_SYNTAX_BAD_UNICODE_ESCAPE:
      {
        gsize at = offset + 2;

        while (at < doc->len && at < offset + 6 && g_ascii_isxdigit (doc->data[at]))
          at++;
        return expected (doc, at, "four hexadecimal digits after \"\\u\"");
      }
    case WEFT_JSON_SYNTAX_NUL_ESCAPE:
      return g_strdup ("\"\\u0000\" is not allowed in a profile");
    case WEFT_JSON_SYNTAX_LONE_SURROGATE:
      return g_strdup ("unpaired UTF-16 surrogate in \"\\u\" escape");
    case WEFT_JSON_SYNTAX_TOO_DEEP:
      return g_strdup_printf ("nested more than %u levels deep", WEFT_JSON_MAX_DEPTH);
    case WEFT_JSON_SYNTAX_TOO_LONG:
      return g_strdup ("a number longer than 63 characters");
    case WEFT_JSON_SYNTAX_NONE:
    default:
      return g_strdup ("not JSON");
    }
}

static gboolean
syntax_error_at (Builder    *b,
                 gsize       offset,
                 const char *message)
{
  guint64 line, column;

  weft_json_reader_get_position_at (b->reader, offset, &line, &column);
  g_set_error (b->error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_SYNTAX,
               "%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ": syntax error: %s",
               b->display_name, line, column, message);
  return FALSE;
}

static gboolean
reader_failed (Builder *b)
{
  WeftJsonSyntax syntax = weft_json_reader_get_syntax_error (b->reader);
  gsize offset = (gsize) weft_json_reader_get_token_offset (b->reader);
  g_autofree char *message = syntax_message (b->doc, syntax, offset);

  return syntax_error_at (b, offset, message);
}

/* ---- Building ------------------------------------------------------------- */

static guint
pool_add (WeftProfileDoc *doc,
          const char     *text,
          gsize           len)
{
  guint at = (guint) doc->pool->len;

  g_string_append_len (doc->pool, text, (gssize) len);
  g_string_append_c (doc->pool, '\0');
  return at;
}

static Frame *
top (Builder *b)
{
  return b->stack->len > 0 ? &g_array_index (b->stack, Frame, b->stack->len - 1) : NULL;
}

/* The first member of the open object named like the pending key, if any. */
static guint
find_duplicate (Builder *b,
                Frame   *f)
{
  const char *key = b->doc->pool->str + b->key;
  const WeftProfileNode *object = _weft_profile_doc_node (b->doc, f->node);

  if (f->keys != NULL)
    return GPOINTER_TO_UINT (g_hash_table_lookup (f->keys, key)) - 1;
  if (object->n_children < LINEAR_KEYS)
    return _weft_profile_doc_member (b->doc, f->node, key);

  f->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint n = object->first; n != WEFT_PROFILE_NONE; n = _weft_profile_doc_node (b->doc, n)->next)
    g_hash_table_insert (f->keys, g_strdup (_weft_profile_doc_key (b->doc, n)), GUINT_TO_POINTER (n + 1));
  return GPOINTER_TO_UINT (g_hash_table_lookup (f->keys, key)) - 1;
}

static gboolean
read_key (Builder *b)
{
  Frame *f = top (b);
  const char *key;
  guint64 line, column;
  gsize len;
  guint first;

  key = weft_json_reader_get_string (b->reader, &len);
  weft_json_reader_get_position (b->reader, &line, &column);
  b->key = pool_add (b->doc, key, len);
  b->key_line = (guint) line;
  b->key_column = (guint) column;

  first = find_duplicate (b, f);
  if (first != WEFT_PROFILE_NONE)
    {
      /* never "the last one wins": a repeated name is a mistake */
      const WeftProfileNode *parent = _weft_profile_doc_node (b->doc, f->node);
      gboolean is_objects = parent->parent == 0 && parent->key_line > 0 &&
                            strcmp (_weft_profile_doc_key (b->doc, f->node), "objects") == 0;
      g_autofree char *parent_path = _weft_profile_doc_path (b->doc, f->node);
      g_autoptr(GString) path = g_string_new (parent_path);
      g_autofree char *quoted = weft_json_escape (b->doc->pool->str + b->key);

      _weft_path_append_key (path, b->doc->pool->str + b->key);
      g_set_error (b->error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_INVALID,
                   "%s:%u:%u: %s: duplicate %s %s (first at line %u)",
                   b->display_name, b->key_line, b->key_column, path->str,
                   is_objects ? "object name" : "key", quoted,
                   _weft_profile_doc_node (b->doc, first)->key_line);
      return FALSE;
    }
  return TRUE;
}

static void
add_value (Builder       *b,
           WeftJsonToken  tok)
{
  WeftProfileDoc *doc = b->doc;
  Frame *f = top (b);
  WeftProfileNode node = {
    .type = tok,
    .parent = f ? f->node : WEFT_PROFILE_NONE,
    .first = WEFT_PROFILE_NONE,
    .next = WEFT_PROFILE_NONE,
    .key = 0,
    .str = 0,
  };
  guint64 line, column, start = weft_json_reader_get_token_offset (b->reader);
  guint index = doc->nodes->len;

  weft_json_reader_get_position (b->reader, &line, &column);
  node.line = (guint) line;
  node.column = (guint) column;
  if (f != NULL && _weft_profile_doc_node (doc, f->node)->type == WEFT_JSON_BEGIN_OBJECT)
    {
      node.key = b->key;
      node.key_line = b->key_line;
      node.key_column = b->key_column;
    }
  if (tok != WEFT_JSON_BEGIN_OBJECT && tok != WEFT_JSON_BEGIN_ARRAY)
    {
      node.raw = (guint) start;
      node.raw_len = (guint) (weft_json_reader_get_offset (b->reader) - start);
    }
  if (tok == WEFT_JSON_STRING)
    {
      gsize len;
      const char *s = weft_json_reader_get_string (b->reader, &len);

      node.str = pool_add (doc, s, len);
    }

  if (f != NULL)
    {
      WeftProfileNode *parent = &g_array_index (doc->nodes, WeftProfileNode, f->node);

      node.index = parent->n_children++;
      if (f->last == WEFT_PROFILE_NONE)
        parent->first = index;
      else
        g_array_index (doc->nodes, WeftProfileNode, f->last).next = index;
      f->last = index;
      if (f->keys != NULL)
        g_hash_table_insert (f->keys, g_strdup (doc->pool->str + b->key), GUINT_TO_POINTER (index + 1));
    }
  g_array_append_val (doc->nodes, node);

  if (tok == WEFT_JSON_BEGIN_OBJECT || tok == WEFT_JSON_BEGIN_ARRAY)
    {
      Frame frame = { index, WEFT_PROFILE_NONE, NULL };

      g_array_append_val (b->stack, frame);
    }
}

static void
frame_clear (gpointer data)
{
  Frame *f = data;

  g_clear_pointer (&f->keys, g_hash_table_unref);
}

static gboolean
build (Builder *b)
{
  for (;;)
    {
      WeftJsonToken tok = weft_json_reader_next (b->reader, NULL);

      switch (tok)
        {
        case WEFT_JSON_ERROR_TOKEN:
          return reader_failed (b);
        case WEFT_JSON_EOF:
          return TRUE;
        case WEFT_JSON_KEY:
          if (!read_key (b))
            return FALSE;
          break;
        case WEFT_JSON_END_OBJECT:
        case WEFT_JSON_END_ARRAY:
          g_array_set_size (b->stack, b->stack->len - 1);
          break;
        case WEFT_JSON_BEGIN_OBJECT:
        case WEFT_JSON_BEGIN_ARRAY:
        case WEFT_JSON_STRING:
        case WEFT_JSON_NUMBER:
        case WEFT_JSON_TRUE:
        case WEFT_JSON_FALSE:
        case WEFT_JSON_NULL:
        default:
          add_value (b, tok);
          break;
        }
    }
}

static gboolean
is_blank (const char *data,
          gsize       len)
{
  gsize i = len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

  for (; i < len; i++)
    if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r' && data[i] != '\n')
      return FALSE;
  return TRUE;
}

/**
 * _weft_profile_doc_new:
 * @data: the text (kept, not copied: it must outlive the document)
 * @display_name: the file name for messages
 *
 * Returns: (transfer full): the document, or %NULL with @error set
 *   (WEFT_PROFILE_ERROR_SYNTAX, or _INVALID for a duplicate key)
 */
WeftProfileDoc *
_weft_profile_doc_new (const char  *data,
                       gsize        len,
                       const char  *display_name,
                       GError     **error)
{
  g_autoptr(WeftProfileDoc) doc = g_new0 (WeftProfileDoc, 1);
  g_autoptr(WeftJsonReader) reader = NULL;
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (Frame));
  const char *bad = NULL;
  Builder b;

  doc->data = data;
  doc->len = len;
  doc->nodes = g_array_sized_new (FALSE, FALSE, sizeof (WeftProfileNode), 64);
  doc->pool = g_string_sized_new (len / 4 + 16);
  g_array_set_clear_func (stack, frame_clear);

  if (is_blank (data, len))
    {
      g_set_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_SYNTAX,
                   "%s: the file is empty (expected a JSON object)", display_name);
      return NULL;
    }

  reader = weft_json_reader_new_for_data (data, len, display_name);
  weft_json_reader_set_strict (reader, TRUE);
  b = (Builder) { doc, reader, display_name, stack, WEFT_PROFILE_NONE, 0, 0, error };

  /* Columns count characters, so the encoding is checked first. */
  if (!g_utf8_validate_len (data, len, &bad))
    {
      syntax_error_at (&b, (gsize) (bad - data), *bad == '\0' ? "unexpected NUL byte" : "invalid UTF-8");
      return NULL;
    }

  if (!build (&b))
    return NULL;
  return g_steal_pointer (&doc);
}

void
_weft_profile_doc_free (WeftProfileDoc *doc)
{
  if (doc == NULL)
    return;
  g_clear_pointer (&doc->nodes, g_array_unref);
  if (doc->pool != NULL)
    g_string_free (doc->pool, TRUE);
  g_free (doc);
}
