/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-json-scan-private.h"
#include "weft-json-stream.h"

/*
 * The reader's fast paths (see weft-json-scan-private.h). Strings are
 * scanned eight bytes at a time: one 64-bit word tells whether any of its
 * bytes is a quote, a backslash or a control byte, and where the first one
 * is. Numbers and the grammar of a value being skipped are a tight loop
 * over the bytes, with no call per byte. None of this reports an error: it
 * returns NULL, and the reader's token-by-token path reads the same bytes
 * and says what is wrong, where.
 */

static inline gboolean
is_digit (char c)
{
  return (guchar) (c - '0') < 10;
}

static inline const char *
digits (const char *p,
        const char *end)
{
  while (p < end && is_digit (*p))
    p++;
  return p;
}

static inline const char *
number_end (const char *p,
            const char *end,
            gsize       max_len)
{
  const char *start = p;

  if (p < end && *p == '-')
    p++;
  if (p >= end)
    return NULL;
  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    p = digits (p + 1, end);
  else
    return NULL;
  if (p < end && *p == '.')
    {
      if (++p >= end || !is_digit (*p))
        return NULL;
      p = digits (p, end);
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      if (++p < end && (*p == '+' || *p == '-'))
        p++;
      if (p >= end || !is_digit (*p))
        return NULL;
      p = digits (p, end);
    }
  /* At @end the number might go on in bytes not read yet. */
  if (p >= end || (gsize) (p - start) >= max_len)
    return NULL;
  return p;
}

const char *
_weft_json_scan_number (const char *p,
                        const char *end,
                        gsize       max_len)
{
  return number_end (p, end, max_len);
}

/* After an opening quote: the byte after the closing one, or NULL for an
 * escape other than the one-letter ones, a control byte or the end. */
static inline const char *
skip_string (const char *p,
             const char *end)
{
  for (;;)
    {
      p = _weft_json_scan_string_end (p, end);
      if (p >= end)
        return NULL;
      if (*p == '"')
        return p + 1;
      if (*p != '\\' || end - p < 2)
        return NULL;
      switch (p[1])
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          p += 2;
          break;
        default:
          return NULL;
        }
    }
}

static inline const char *
skip_literal (const char *p,
              const char *end,
              const char *word,
              gsize       len)
{
  if ((gsize) (end - p) < len || memcmp (p, word, len) != 0)
    return NULL;
  return p + len;
}

/* A scalar value at @p (not an object or array): the byte after it. */
static inline const char *
skip_scalar (const char *p,
             const char *end)
{
  switch (*p)
    {
    case '"':
      return skip_string (p + 1, end);
    case 't':
      return skip_literal (p, end, "true", 4);
    case 'f':
      return skip_literal (p, end, "false", 5);
    case 'n':
      return skip_literal (p, end, "null", 4);
    default:
      return number_end (p, end, 64);
    }
}

const char *
_weft_json_scan_value (const char *p,
                       const char *end,
                       guint       depth_room)
{
  if (p >= end)
    return NULL;
  if (*p == '{' || *p == '[')
    return depth_room == 0 ? NULL : _weft_json_scan_container (p + 1, end, *p == '{', depth_room - 1);
  return skip_scalar (p, end);
}

/* The grammar as a few labels rather than a state per token: after '{', a
 * member name or '}'; after ':' or '[', a value; after a value, ',' or the
 * end of the innermost container. */
const char *
_weft_json_scan_container (const char *p,
                           const char *end,
                           gboolean    is_object,
                           guint       depth_room)
{
  gboolean object[WEFT_JSON_MAX_DEPTH + 1];
  guint depth = 1;

  object[0] = is_object;
  depth_room = MIN (depth_room, WEFT_JSON_MAX_DEPTH);
  if (!is_object)
    goto array_start;

object_start:
  if ((p = _weft_json_scan_space (p, end)) >= end)
    return NULL;
  if (*p == '}')
    goto close;
member:
  if (*p != '"' || (p = skip_string (p + 1, end)) == NULL)
    return NULL;
  if ((p = _weft_json_scan_space (p, end)) >= end || *p != ':')
    return NULL;
  p++;
value:
  if ((p = _weft_json_scan_space (p, end)) >= end)
    return NULL;
value_here:
  if (*p == '{' || *p == '[')
    {
      if (depth > depth_room)
        return NULL;
      object[depth++] = *p++ == '{';
      if (object[depth - 1])
        goto object_start;
      goto array_start;
    }
  if ((p = skip_scalar (p, end)) == NULL)
    return NULL;
after_value:
  if ((p = _weft_json_scan_space (p, end)) >= end)
    return NULL;
  if (*p == ',')
    {
      p++;
      if (!object[depth - 1])
        goto value;
      if ((p = _weft_json_scan_space (p, end)) >= end)
        return NULL;
      goto member;
    }
  if (*p != (object[depth - 1] ? '}' : ']'))
    return NULL;
close:
  p++;
  if (--depth == 0)
    return p;
  goto after_value;

array_start:
  if ((p = _weft_json_scan_space (p, end)) >= end)
    return NULL;
  if (*p == ']')
    goto close;
  goto value_here;
}
