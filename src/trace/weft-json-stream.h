/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A streaming JSON tokenizer (pull parser) and a buffered JSON writer, for
 * traces too big for a document tree. The reader holds one buffer (1 MiB,
 * growing only for a single token longer than that, up to a cap), checks the
 * grammar as it goes and reports errors as "FILE:LINE:COLUMN: what was
 * expected". Lines and columns count from 1; a column counts characters
 * (Unicode code points, a tab is one), the one rule for every position Weft
 * reports in a JSON file, traces and profiles alike.
 */

typedef enum
{
  WEFT_JSON_ERROR_TOKEN = -1,
  WEFT_JSON_EOF = 0,
  WEFT_JSON_BEGIN_OBJECT,
  WEFT_JSON_END_OBJECT,
  WEFT_JSON_BEGIN_ARRAY,
  WEFT_JSON_END_ARRAY,
  WEFT_JSON_KEY,        /* an object member's name; its value follows */
  WEFT_JSON_STRING,
  WEFT_JSON_NUMBER,
  WEFT_JSON_TRUE,
  WEFT_JSON_FALSE,
  WEFT_JSON_NULL,
} WeftJsonToken;

/* What a syntax error was, for readers of a format that word their own
 * messages (weft_json_reader_get_syntax_error()). */
typedef enum
{
  WEFT_JSON_SYNTAX_NONE = 0,
  WEFT_JSON_SYNTAX_EXPECTED_VALUE,        /* also a misspelt true, false or null */
  WEFT_JSON_SYNTAX_EXPECTED_KEY,          /* after '{' or ',' in an object */
  WEFT_JSON_SYNTAX_EXPECTED_COLON,
  WEFT_JSON_SYNTAX_EXPECTED_MEMBER_END,   /* ',' or '}' */
  WEFT_JSON_SYNTAX_EXPECTED_ELEMENT_END,  /* ',' or ']' */
  WEFT_JSON_SYNTAX_EXPECTED_END,          /* the end after the top-level value */
  WEFT_JSON_SYNTAX_BAD_NUMBER,            /* at the byte where a digit should be */
  WEFT_JSON_SYNTAX_CONTROL_CHARACTER,     /* unescaped, inside a string */
  WEFT_JSON_SYNTAX_UNTERMINATED_STRING,   /* at its opening quote */
  WEFT_JSON_SYNTAX_BAD_ESCAPE,            /* at the backslash */
  WEFT_JSON_SYNTAX_BAD_UNICODE_ESCAPE,    /* "\u" without four hex digits, at the backslash */
  WEFT_JSON_SYNTAX_NUL_ESCAPE,            /* "\u0000" in a strict reader */
  WEFT_JSON_SYNTAX_LONE_SURROGATE,        /* in a strict reader */
  WEFT_JSON_SYNTAX_TOO_DEEP,
  WEFT_JSON_SYNTAX_TOO_LONG,              /* a token (or a number) beyond the reader's limit */
} WeftJsonSyntax;

/* Deepest nesting the reader accepts. */
#define WEFT_JSON_MAX_DEPTH 256

typedef struct _WeftJsonReader WeftJsonReader;

WeftJsonReader *weft_json_reader_new_for_path   (const char      *path,
                                                 GError         **error);
WeftJsonReader *weft_json_reader_new_for_data   (const char      *data,
                                                 gsize            len,
                                                 const char      *display_name);
void            weft_json_reader_free           (WeftJsonReader  *reader);

void            weft_json_reader_set_allow_unclosed_array (WeftJsonReader *reader,
                                                           gboolean        allow);
gboolean        weft_json_reader_get_was_unclosed         (WeftJsonReader *reader);

WeftJsonToken   weft_json_reader_next           (WeftJsonReader  *reader,
                                                 GError         **error);
gboolean        weft_json_reader_skip_value     (WeftJsonReader  *reader,
                                                 WeftJsonToken    first,
                                                 GError         **error);
guint           weft_json_reader_get_depth      (WeftJsonReader  *reader);

/* The current KEY or STRING token, decoded and NUL-terminated (it may also
 * hold NUL characters: use @out_len), valid until the next call. */
const char     *weft_json_reader_get_string     (WeftJsonReader  *reader,
                                                 gsize           *out_len);
gboolean        weft_json_reader_string_equal   (WeftJsonReader  *reader,
                                                 const char      *literal);

/* The current NUMBER token. */
const char     *weft_json_reader_get_number_text (WeftJsonReader *reader,
                                                  gsize          *out_len);
gboolean        weft_json_reader_get_int64      (WeftJsonReader  *reader,
                                                 gint64          *out_value);
gboolean        weft_json_reader_get_double     (WeftJsonReader  *reader,
                                                 double          *out_value);
gboolean        weft_json_reader_get_milli      (WeftJsonReader  *reader,
                                                 gint64          *out_value);

void            weft_json_reader_get_position   (WeftJsonReader  *reader,
                                                 guint64         *out_line,
                                                 guint64         *out_column);
void            weft_json_reader_get_position_at (WeftJsonReader *reader,
                                                  guint64         offset,
                                                  guint64        *out_line,
                                                  guint64        *out_column);
guint64         weft_json_reader_get_token_offset (WeftJsonReader *reader);
void            weft_json_reader_set_strict     (WeftJsonReader  *reader,
                                                 gboolean         strict);
WeftJsonSyntax  weft_json_reader_get_syntax_error (WeftJsonReader *reader);
const char     *weft_json_reader_get_name       (WeftJsonReader  *reader);
guint64         weft_json_reader_get_offset     (WeftJsonReader  *reader);
void            weft_json_reader_set_error      (WeftJsonReader  *reader,
                                                 GError         **error,
                                                 int              code,
                                                 const char      *format,
                                                 ...) G_GNUC_PRINTF (4, 5);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftJsonReader, weft_json_reader_free)

gboolean        weft_json_parse_milli           (const char      *text,
                                                 gsize            len,
                                                 gint64          *out_value);

/* ---- writer --------------------------------------------------------------- */

typedef struct _WeftJsonWriter WeftJsonWriter;

WeftJsonWriter *weft_json_writer_new            (int              fd);
void            weft_json_writer_free           (WeftJsonWriter  *writer);
gboolean        weft_json_writer_flush          (WeftJsonWriter  *writer,
                                                 GError         **error);
gboolean        weft_json_writer_failed         (WeftJsonWriter  *writer);
guint64         weft_json_writer_get_bytes      (WeftJsonWriter  *writer);

void            weft_json_writer_raw            (WeftJsonWriter  *writer,
                                                 const char      *text,
                                                 gsize            len);
void            weft_json_writer_literal        (WeftJsonWriter  *writer,
                                                 const char      *text);
void            weft_json_writer_string         (WeftJsonWriter  *writer,
                                                 const char      *text);
void            weft_json_writer_int            (WeftJsonWriter  *writer,
                                                 gint64           value);
void            weft_json_writer_uint           (WeftJsonWriter  *writer,
                                                 guint64          value);
void            weft_json_writer_milli          (WeftJsonWriter  *writer,
                                                 gint64           value);
void            weft_json_writer_double         (WeftJsonWriter  *writer,
                                                 double           value);

char           *weft_json_escape                (const char      *text);
void            weft_json_append_string         (GString         *out,
                                                 const char      *text,
                                                 gsize            len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftJsonWriter, weft_json_writer_free)

G_END_DECLS
