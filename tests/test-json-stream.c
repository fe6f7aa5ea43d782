/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "weft-json-stream.h"

/* The streaming JSON reader: where it says things are (lines and columns in
 * characters, also across the refills of a big file), the kind of each
 * syntax error, its strict mode and the byte-order mark. */

/* Reads @json to its first error; returns the error's message. */
static char *
first_error (WeftJsonReader  *reader,
             WeftJsonSyntax  *out_syntax)
{
  g_autoptr(GError) error = NULL;
  WeftJsonToken tok;

  do
    tok = weft_json_reader_next (reader, &error);
  while (tok != WEFT_JSON_ERROR_TOKEN && tok != WEFT_JSON_EOF);
  g_assert_cmpint (tok, ==, WEFT_JSON_ERROR_TOKEN);
  g_assert_nonnull (error);
  if (out_syntax != NULL)
    *out_syntax = weft_json_reader_get_syntax_error (reader);
  return g_strdup (error->message);
}

static void
test_columns_count_characters (void)
{
  /* "ż", "ó", "ł" are two bytes each, "🧵" four: the error is at character 24. */
  const char *json = "{\"name\": \"żółw 🧵\", \"x\" 1}";
  g_autoptr(WeftJsonReader) reader = weft_json_reader_new_for_data (json, strlen (json), "t.json");
  g_autofree char *message = first_error (reader, NULL);

  g_assert_cmpstr (message, ==, "t.json:1:24: expected ':' after a member name, found '1'");
}

static void
test_positions_in_order (void)
{
  const char *json = "[1,\n  \"é\", 3,\n\t4]";
  g_autoptr(WeftJsonReader) reader = weft_json_reader_new_for_data (json, strlen (json), "t.json");
  static const guint64 expected[][2] = { { 1, 1 }, { 1, 2 }, { 2, 3 }, { 2, 8 }, { 3, 2 } };
  guint64 line, column;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpint (weft_json_reader_next (reader, NULL), !=, WEFT_JSON_ERROR_TOKEN);
      weft_json_reader_get_position (reader, &line, &column);
      g_assert_cmpuint (line, ==, expected[i][0]);
      g_assert_cmpuint (column, ==, expected[i][1]);
    }
  /* asking again for an earlier place counts from the start */
  weft_json_reader_get_position_at (reader, 4, &line, &column);
  g_assert_cmpuint (line, ==, 2);
  g_assert_cmpuint (column, ==, 1);
  weft_json_reader_get_position_at (reader, strlen (json) - 1, &line, &column);
  g_assert_cmpuint (line, ==, 3);
  g_assert_cmpuint (column, ==, 3);
}

/* A 2 MB line read from a file in 1 MiB chunks: the characters of the
 * chunks already dropped still count. */
static void
test_columns_across_refills (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-json-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.json", NULL);
  g_autoptr(GString) text = g_string_new ("\xEF\xBB\xBF[");
  g_autoptr(WeftJsonReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *expected = NULL;
  const guint n = 400000;

  for (guint i = 0; i < n; i++)
    g_string_append (text, "\"é\",");
  g_string_append (text, "\n  \"ü\", x]");
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));

  reader = weft_json_reader_new_for_path (path, &error);
  g_assert_no_error (error);
  message = first_error (reader, NULL);
  g_assert_cmpstr (message, ==, "big.json:2:8: expected a value (a string, a number, an object, an array, "
                                "true, false or null), found 'x'");
  g_clear_pointer (&reader, weft_json_reader_free);

  /* the same on one line: [ then n × 4 characters, then "ü", then x */
  g_string_truncate (text, text->len - strlen ("\n  \"ü\", x]"));
  g_string_append (text, "\"ü\" x]");
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));
  reader = weft_json_reader_new_for_path (path, &error);
  g_assert_no_error (error);
  g_free (message);
  message = first_error (reader, NULL);
  expected = g_strdup_printf ("big.json:1:%u: expected ',' or ']' after an array element, found 'x'", 1 + n * 4 + 5);
  g_assert_cmpstr (message, ==, expected);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_syntax_kinds (void)
{
  static const struct { const char *json; WeftJsonSyntax syntax; guint64 offset; } cases[] = {
    { "[tru]", WEFT_JSON_SYNTAX_EXPECTED_VALUE, 1 },
    { "{1}", WEFT_JSON_SYNTAX_EXPECTED_KEY, 1 },
    { "{\"a\" 1}", WEFT_JSON_SYNTAX_EXPECTED_COLON, 5 },
    { "{\"a\": 1 2}", WEFT_JSON_SYNTAX_EXPECTED_MEMBER_END, 8 },
    { "[1 2]", WEFT_JSON_SYNTAX_EXPECTED_ELEMENT_END, 3 },
    { "1 2", WEFT_JSON_SYNTAX_EXPECTED_END, 2 },
    { "[1.]", WEFT_JSON_SYNTAX_BAD_NUMBER, 3 },
    { "[\"a\nb\"]", WEFT_JSON_SYNTAX_CONTROL_CHARACTER, 3 },
    { "[\"abc", WEFT_JSON_SYNTAX_UNTERMINATED_STRING, 1 },
    { "[\"a\\qb\"]", WEFT_JSON_SYNTAX_BAD_ESCAPE, 3 },
    { "[\"a\\u12x4\"]", WEFT_JSON_SYNTAX_BAD_UNICODE_ESCAPE, 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(WeftJsonReader) reader = weft_json_reader_new_for_data (cases[i].json, strlen (cases[i].json), "t.json");
      WeftJsonSyntax syntax = WEFT_JSON_SYNTAX_NONE;
      g_autofree char *message = first_error (reader, &syntax);

      g_test_message ("%s: %s", cases[i].json, message);
      g_assert_cmpint (syntax, ==, cases[i].syntax);
      g_assert_cmpuint (weft_json_reader_get_token_offset (reader), ==, cases[i].offset);
    }
}

static void
test_strict (void)
{
  const char *nul = "[\"a\\u0000\"]";
  const char *lone = "[\"\\udc00\"]";
  g_autoptr(WeftJsonReader) lax = weft_json_reader_new_for_data (nul, strlen (nul), "t.json");
  g_autoptr(WeftJsonReader) strict = weft_json_reader_new_for_data (nul, strlen (nul), "t.json");
  g_autoptr(WeftJsonReader) strict2 = weft_json_reader_new_for_data (lone, strlen (lone), "t.json");
  WeftJsonSyntax syntax;
  g_autofree char *message = NULL;
  g_autofree char *message2 = NULL;
  gsize len;

  g_assert_cmpint (weft_json_reader_next (lax, NULL), ==, WEFT_JSON_BEGIN_ARRAY);
  g_assert_cmpint (weft_json_reader_next (lax, NULL), ==, WEFT_JSON_STRING);
  g_assert_cmpmem (weft_json_reader_get_string (lax, &len), len, "a\0", 2);

  weft_json_reader_set_strict (strict, TRUE);
  message = first_error (strict, &syntax);
  g_assert_cmpint (syntax, ==, WEFT_JSON_SYNTAX_NUL_ESCAPE);
  g_assert_cmpstr (message, ==, "t.json:1:4: \\u0000 in a string");

  weft_json_reader_set_strict (strict2, TRUE);
  message2 = first_error (strict2, &syntax);
  g_assert_cmpint (syntax, ==, WEFT_JSON_SYNTAX_LONE_SURROGATE);
  g_assert_cmpstr (message2, ==, "t.json:1:3: an unpaired UTF-16 surrogate in a string");
}

static void
test_byte_order_mark (void)
{
  const char *json = "\xEF\xBB\xBF{\"a\": x}";
  g_autoptr(WeftJsonReader) reader = weft_json_reader_new_for_data (json, strlen (json), "t.json");
  g_autofree char *message = first_error (reader, NULL);

  g_assert_cmpstr (message, ==, "t.json:1:7: expected a value (a string, a number, an object, an array, "
                                "true, false or null), found 'x'");
}

/* Skips the value after '[' in @json either in one call (the bulk scan,
 * when it can) or token by token; returns what happened and the token after. */
static char *
skip_outcome (const char *json,
              gsize       len,
              gboolean    by_tokens)
{
  g_autoptr(WeftJsonReader) reader = weft_json_reader_new_for_data (json, len, "s.json");
  g_autoptr(GError) error = NULL;
  WeftJsonToken tok = weft_json_reader_next (reader, &error);
  guint64 line, column;
  gboolean ok;

  g_assert_cmpint (tok, ==, WEFT_JSON_BEGIN_ARRAY);
  tok = weft_json_reader_next (reader, &error);
  if (tok == WEFT_JSON_ERROR_TOKEN)
    return g_strdup (error->message);
  if (by_tokens && (tok == WEFT_JSON_BEGIN_OBJECT || tok == WEFT_JSON_BEGIN_ARRAY))
    {
      guint target = weft_json_reader_get_depth (reader) - 1;

      ok = TRUE;
      while (ok && weft_json_reader_get_depth (reader) > target)
        ok = weft_json_reader_next (reader, &error) != WEFT_JSON_ERROR_TOKEN;
    }
  else
    ok = weft_json_reader_skip_value (reader, tok, &error);
  if (!ok)
    return g_strdup (error->message);
  weft_json_reader_get_position (reader, &line, &column);
  tok = weft_json_reader_next (reader, &error);
  return g_strdup_printf ("skipped to %" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ", then %d %s",
                          line, column, tok, error ? error->message : "");
}

/* Passing over a value in one bulk scan ends where reading its tokens ends,
 * and a value it cannot take gives the token path's message: checked on
 * values of every kind and on every one-byte change to them. */
static void
test_skip_agrees (void)
{
  static const char *values[] = {
    "{\"ph\":\"X\",\"ts\":12.5,\"args\":{\"a\":[1,-2,3e4,{\"b\":null}],\"t\":true,\"f\":false}}",
    "[ 1 , \"x\\\"y\\\\\" ,\n{ } , [ ] , -0.5E+3 ]",
    "{\"s\":\"\\n\\t\\u00e9\\ud83e\\uddf5\",\"k\":\"\\/\"}",
    "{\"a\":{\"b\":{\"c\":[[[[0]]]]}}}",
  };
  static const char changes[] = "{}[]\",:\\ \n0-.eEtn\x01\x7f";
  guint n = 0;

  for (guint v = 0; v < G_N_ELEMENTS (values); v++)
    {
      gsize len = strlen (values[v]);

      for (gsize at = 0; at <= len; at++)
        for (gsize c = 0; c <= sizeof changes - 1; c++)
          {
            g_autoptr(GString) json = g_string_new ("[");
            g_autofree char *bulk = NULL;
            g_autofree char *tokens = NULL;

            g_string_append_len (json, values[v], (gssize) at);
            if (c < sizeof changes - 1)
              g_string_append_c (json, changes[c]);      /* a byte inserted */
            if (at < len)
              g_string_append (json, values[v] + at + (c == sizeof changes - 1)); /* or removed */
            g_string_append (json, ",7]");
            bulk = skip_outcome (json->str, json->len, FALSE);
            tokens = skip_outcome (json->str, json->len, TRUE);
            g_assert_cmpstr (bulk, ==, tokens);
            n++;
          }
    }
  g_assert_cmpuint (n, >, 3000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/json-stream/columns-count-characters", test_columns_count_characters);
  g_test_add_func ("/weft/json-stream/positions-in-order", test_positions_in_order);
  g_test_add_func ("/weft/json-stream/columns-across-refills", test_columns_across_refills);
  g_test_add_func ("/weft/json-stream/syntax-kinds", test_syntax_kinds);
  g_test_add_func ("/weft/json-stream/strict", test_strict);
  g_test_add_func ("/weft/json-stream/byte-order-mark", test_byte_order_mark);
  g_test_add_func ("/weft/json-stream/skip-agrees", test_skip_agrees);

  return g_test_run ();
}
