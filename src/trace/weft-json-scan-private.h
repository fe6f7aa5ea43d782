/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <string.h>

#include <glib.h>

#include "weft-json-stream.h"

G_BEGIN_DECLS

/*
 * Bulk scanners behind the JSON reader (weft-json-stream.c): they look at
 * bytes already in memory, several at a time, and answer only "this is
 * well-formed and ends here". Whenever the text is malformed, unusual (an
 * escape "\u", a number too long to hold) or might go on past @end, they
 * give up (return NULL) and the reader reads the same bytes token by token,
 * so every message for bad input comes from one place.
 */

#define WEFT_JSON_SCAN_ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define WEFT_JSON_SCAN_HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

/* The high bit of each byte of @x that is '"', '\\' or below 0x20. Bytes
 * above the first such byte may be flagged wrongly (a borrow); the lowest
 * flag is always right, which is all that is used. */
static inline guint64
_weft_json_scan_special_bytes (guint64 x)
{
  guint64 q = x ^ (WEFT_JSON_SCAN_ONES * '"');
  guint64 b = x ^ (WEFT_JSON_SCAN_ONES * '\\');

  return (((q - WEFT_JSON_SCAN_ONES) & ~q) | ((b - WEFT_JSON_SCAN_ONES) & ~b) |
          ((x - WEFT_JSON_SCAN_ONES * 0x20) & ~x)) & WEFT_JSON_SCAN_HIGHS;
}

/* The first byte in [p, end) that is '"', '\\' or below 0x20, or @end:
 * eight bytes at a time. */
static inline const char *
_weft_json_scan_string_end (const char *p,
                            const char *end)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  while (end - p >= 8)
    {
      guint64 x, hit;

      memcpy (&x, p, sizeof x);
      hit = _weft_json_scan_special_bytes (x);
      if (hit != 0)
        return p + (__builtin_ctzll (hit) >> 3);
      p += 8;
    }
#endif
  while (p < end && *p != '"' && *p != '\\' && (guchar) *p >= 0x20)
    p++;
  return p;
}

/* Whether [p, p + len) is valid UTF-8 without NUL bytes: ASCII eight
 * bytes at a time, the rest by GLib. */
static inline gboolean
_weft_utf8_validate_fast (const char *p,
                          gsize       len)
{
  const char *end = p + len;

  while (end - p >= 8)
    {
      guint64 x;

      memcpy (&x, p, sizeof x);
      if ((x & WEFT_JSON_SCAN_HIGHS) != 0 || ((x - WEFT_JSON_SCAN_ONES) & ~x & WEFT_JSON_SCAN_HIGHS) != 0)
        break;
      p += 8;
    }
  return g_utf8_validate_len (p, (gsize) (end - p), NULL);
}

/* Past JSON whitespace, which is rare between the tokens of a trace: one
 * compare decides. */
static inline const char *
_weft_json_scan_space (const char *p,
                       const char *end)
{
  while (p < end && (guchar) *p <= ' ' &&
         (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  return p;
}

/* The end of one value of any kind at @p (after whitespace), under the
 * same conditions as _weft_json_scan_container(). */
const char *_weft_json_scan_value      (const char *p,
                                        const char *end,
                                        guint       depth_room);

/* The end of a JSON number starting at @p (its '-' or first digit), if it
 * is well-formed, shorter than @max_len and followed by a byte before @end
 * that cannot continue it; else NULL. */
const char *_weft_json_scan_number     (const char *p,
                                        const char *end,
                                        gsize       max_len);

/* The rest of an object or an array whose opening bracket is just before
 * @p (@is_object says which): the byte after its closing bracket, if
 * everything up to it is well-formed, ends before @end and nests at most
 * @depth_room levels deeper; else NULL. */
const char *_weft_json_scan_container  (const char *p,
                                        const char *end,
                                        gboolean    is_object,
                                        guint       depth_room);

/* For readers of one format that take a whole container from the buffer
 * at once (weft-chrome-reader.c), falling back to tokens when these say no. */
gboolean    _weft_json_reader_peek_container    (WeftJsonReader *reader,
                                                 WeftJsonToken   first,
                                                 const char    **out_p,
                                                 const char    **out_end);
void        _weft_json_reader_consume_container (WeftJsonReader *reader,
                                                 const char     *after);
guint       _weft_json_reader_depth_room        (WeftJsonReader *reader);

WeftJsonReader *_weft_json_reader_new_for_path_at (const char   *path,
                                                   guint64       offset,
                                                   const guint8 *stack,
                                                   guint         depth,
                                                   GError      **error);
const guint8   *_weft_json_reader_get_stack       (WeftJsonReader *reader);

/* The conversions of weft_json_reader_get_int64() and _get_double(), on a
 * NUL-terminated number. */
gboolean    _weft_json_parse_int64              (const char     *text,
                                                 gint64         *out_value);
gboolean    _weft_json_parse_double             (const char     *text,
                                                 double         *out_value);

G_END_DECLS
