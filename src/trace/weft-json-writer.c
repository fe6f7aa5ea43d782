/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "weft-json-scan-private.h"
#include "weft-json-stream.h"
#include "weft-trace-meta.h"

/*
 * The buffered JSON writer of weft-json-stream.h (traces are written
 * through it, 1 MiB at a time) and the string escaper.
 */

#define WRITE_BUF (1u << 20)

struct _WeftJsonWriter
{
  int      fd;
  char    *buf;
  gsize    len;
  guint64  written;
  int      saved_errno;
};

WeftJsonWriter *
weft_json_writer_new (int fd)
{
  WeftJsonWriter *w = g_new0 (WeftJsonWriter, 1);

  w->fd = fd;
  w->buf = g_malloc (WRITE_BUF + 64);
  return w;
}

void
weft_json_writer_free (WeftJsonWriter *writer)
{
  if (writer == NULL)
    return;
  g_free (writer->buf);
  g_free (writer);
}

static void
drain (WeftJsonWriter *w)
{
  gsize off = 0;

  while (off < w->len && w->saved_errno == 0)
    {
      gssize n = write (w->fd, w->buf + off, w->len - off);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          w->saved_errno = errno;
          break;
        }
      off += (gsize) n;
    }
  w->written += w->len;
  w->len = 0;
}

/* Room for @n more bytes (n <= 64 without a drain check by callers). */
static inline char *
reserve (WeftJsonWriter *w,
         gsize           n)
{
  if (G_UNLIKELY (w->len + n > WRITE_BUF))
    drain (w);
  return w->buf + w->len;
}

gboolean
weft_json_writer_flush (WeftJsonWriter *writer,
                        GError        **error)
{
  drain (writer);
  if (writer->saved_errno != 0)
    {
      g_set_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO,
                   "write error: %s", g_strerror (writer->saved_errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
weft_json_writer_failed (WeftJsonWriter *writer)
{
  return writer->saved_errno != 0;
}

guint64
weft_json_writer_get_bytes (WeftJsonWriter *writer)
{
  return writer->written + writer->len;
}

void
weft_json_writer_raw (WeftJsonWriter *w,
                      const char     *text,
                      gsize           len)
{
  while (len > 0)
    {
      gsize room, n;

      if (w->len >= WRITE_BUF)
        drain (w);
      room = WRITE_BUF - w->len;
      n = MIN (room, len);
      memcpy (w->buf + w->len, text, n);
      w->len += n;
      text += n;
      len -= n;
    }
}

void
weft_json_writer_literal (WeftJsonWriter *w,
                          const char     *text)
{
  weft_json_writer_raw (w, text, strlen (text));
}

/**
 * weft_json_escape:
 * @text: UTF-8 text (invalid sequences are replaced)
 *
 * Returns: (transfer full): @text as a JSON string literal, quotes included
 */
char *
weft_json_escape (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *s = g_string_sized_new (strlen (valid) + 2);

  g_string_append_c (s, '"');
  for (const char *p = valid; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (s, '\\');
          g_string_append_c (s, (char) c);
        }
      else if (c == '\n')
        g_string_append (s, "\\n");
      else if (c == '\t')
        g_string_append (s, "\\t");
      else if (c == '\r')
        g_string_append (s, "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (s, "\\u%04x", c);
      else
        g_string_append_c (s, (char) c);
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

/* Valid UTF-8, NUL characters allowed (g_utf8_validate_len() refuses them). */
static gboolean
utf8_valid_with_nuls (const char *p,
                      gsize       len)
{
  const char *end = p + len, *stop;

  if (_weft_utf8_validate_fast (p, len))
    return TRUE;
  while (!g_utf8_validate_len (p, (gsize) (end - p), &stop))
    {
      if (stop >= end || *stop != 0)
        return FALSE;
      p = stop + 1;
    }
  return TRUE;
}

/**
 * weft_json_append_string:
 * @out: where the literal goes
 * @text: (array length=len): UTF-8 text, NUL characters allowed (invalid
 *   sequences are replaced)
 * @len: its length in bytes
 *
 * Appends @text as a JSON string literal, quotes included: plain runs are
 * copied eight bytes at a time, '"', '\\' and control characters escaped.
 */
void
weft_json_append_string (GString    *out,
                         const char *text,
                         gsize       len)
{
  g_autofree char *valid = NULL;
  const char *p = text, *end;

  if (!utf8_valid_with_nuls (text, len))
    {
      valid = g_utf8_make_valid (text, (gssize) len);
      p = valid;
      len = strlen (valid);
    }
  end = p + len;
  g_string_append_c (out, '"');
  while (p < end)
    {
      const char *q = _weft_json_scan_string_end (p, end);
      guchar c;

      g_string_append_len (out, p, (gssize) (q - p));
      if (q == end)
        break;
      c = (guchar) *q;
      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else
        g_string_append_printf (out, "\\u%04x", c);
      p = q + 1;
    }
  g_string_append_c (out, '"');
}

void
weft_json_writer_string (WeftJsonWriter *w,
                         const char     *text)
{
  g_autofree char *escaped = weft_json_escape (text);

  weft_json_writer_literal (w, escaped);
}

static inline gsize
format_u64 (char    *out,
            guint64  v)
{
  char tmp[24];
  gsize n = 0, i;

  do
    {
      tmp[n++] = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v != 0);
  for (i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  return n;
}

void
weft_json_writer_uint (WeftJsonWriter *w,
                       guint64         value)
{
  char *p = reserve (w, 24);

  w->len += format_u64 (p, value);
}

void
weft_json_writer_int (WeftJsonWriter *w,
                      gint64          value)
{
  char *p = reserve (w, 24);

  if (value < 0)
    {
      *p++ = '-';
      w->len++;
      w->len += format_u64 (p, 0 - (guint64) value);
    }
  else
    w->len += format_u64 (p, (guint64) value);
}

/* value / 1000 with exactly three decimals: ns as µs. */
void
weft_json_writer_milli (WeftJsonWriter *w,
                        gint64          value)
{
  char *p = reserve (w, 28);
  guint64 v;
  guint frac;
  gsize n = 0;

  if (value < 0)
    {
      p[n++] = '-';
      v = 0 - (guint64) value;
    }
  else
    v = (guint64) value;
  frac = (guint) (v % 1000);
  n += format_u64 (p + n, v / 1000);
  p[n++] = '.';
  p[n++] = (char) ('0' + frac / 100);
  p[n++] = (char) ('0' + frac / 10 % 10);
  p[n++] = (char) ('0' + frac % 10);
  w->len += n;
}

void
weft_json_writer_double (WeftJsonWriter *w,
                         double          value)
{
  char *p = reserve (w, G_ASCII_DTOSTR_BUF_SIZE);

  if (!isfinite (value))
    value = 0;
  g_ascii_dtostr (p, G_ASCII_DTOSTR_BUF_SIZE, value);
  w->len += strlen (p);
}
