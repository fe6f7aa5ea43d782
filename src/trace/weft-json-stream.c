/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weft-json-scan-private.h"
#include "weft-json-stream.h"
#include "weft-trace-meta.h"

/*
 * The reader keeps one buffer of the file. buf[pos..end) is unread; a token
 * that runs past the end is kept whole by moving it to the front before the
 * next read. Newlines in the bytes dropped that way are counted, and the
 * characters since the last of them, so that an error can still say its line
 * and column.
 *
 * Positions: lines and columns from 1, a column counting characters (UTF-8
 * sequences: every byte but a continuation byte starts one; a tab is one).
 * A byte-order mark at the start is skipped and is no column.
 */

#define READ_CHUNK     (1u << 20)          /* 1 MiB per read() */
#define MAX_TOKEN      (64u << 20)         /* longest single token (a string) */

typedef enum
{
  S_VALUE,          /* a value (top level, after ':' or after ',' in an array) */
  S_VALUE_OR_END,   /* after '[': a value or ']' */
  S_KEY_OR_END,     /* after '{': a key or '}' */
  S_KEY,            /* after ',' in an object */
  S_AFTER_VALUE,    /* ',' or the container's end, or EOF at the top level */
  S_DONE,
} State;

struct _WeftJsonReader
{
  int      fd;                 /* -1 for an in-memory reader */
  char    *buf;
  gsize    cap;
  gsize    pos;
  gsize    end;
  gboolean eof;
  gboolean owns_buf;

  guint64  base;               /* absolute offset of buf[0] */
  guint64  lines_before;       /* newlines before buf[0] */
  guint64  line_start_before;  /* absolute offset after the last of them */
  guint64  chars_before;       /* characters from there to buf[0] (when it is before buf[0]) */

  guint64  at_abs;             /* the last position asked for, to count on from there */
  guint64  at_lines;
  guint64  at_chars;
  gboolean at_valid;

  char    *name;

  guint64  tok_abs;            /* absolute offset of the current token */
  const char *str;
  gsize    str_len;
  GString *scratch;            /* decoded strings with escapes */
  char     num[64];            /* the current number, NUL-terminated */
  gsize    num_len;

  guint8   stack[WEFT_JSON_MAX_DEPTH];  /* 1 = object, 2 = array */
  guint    depth;
  State    state;
  gboolean allow_unclosed;
  gboolean was_unclosed;
  gboolean strict;
  gboolean bom_checked;
  WeftJsonSyntax syntax;       /* what the last error was */
};

static WeftJsonReader *
reader_new (const char *name)
{
  WeftJsonReader *r = g_new0 (WeftJsonReader, 1);

  r->fd = -1;
  r->name = g_strdup (name);
  r->scratch = g_string_sized_new (256);
  r->state = S_VALUE;
  return r;
}

/**
 * weft_json_reader_new_for_path:
 * @path: a file
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): a reader of the file, named by its
 *   base name in messages, or %NULL if it cannot be opened
 */
WeftJsonReader *
weft_json_reader_new_for_path (const char  *path,
                               GError     **error)
{
  WeftJsonReader *r;
  g_autofree char *base = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO,
                   "%s: cannot open: %s", path, g_strerror (saved));
      return NULL;
    }
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  base = g_path_get_basename (path);
  r = reader_new (base);
  r->fd = fd;
  r->cap = READ_CHUNK;
  r->buf = g_malloc (r->cap + 1);
  r->owns_buf = TRUE;
  return r;
}

static guint64 count_chars (const char *p,
                            const char *e);

/* Newlines and characters before @offset of @fd, as fill() would have
 * counted them had the reader read from the start (a byte-order mark at
 * the start is no column). */
static gboolean
count_before (WeftJsonReader *r,
              guint64         offset,
              GError        **error)
{
  g_autofree char *chunk = g_malloc (READ_CHUNK);
  guint64 at = 0;

  while (at < offset)
    {
      gssize n = pread (r->fd, chunk, MIN (READ_CHUNK, offset - at), (off_t) at);
      const char *p = chunk, *nl = NULL;

      if (n <= 0)
        {
          g_set_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO, "%s: read error: %s",
                       r->name, n < 0 ? g_strerror (errno) : "the file is shorter than it was");
          return FALSE;
        }
      if (at == 0 && n >= 3 && memcmp (chunk, "\xEF\xBB\xBF", 3) == 0)
        {
          p += 3;
          r->line_start_before = 3;
        }
      for (const char *q = p; q < chunk + n && (q = memchr (q, '\n', (gsize) (chunk + n - q))) != NULL; q++)
        {
          r->lines_before++;
          nl = q;
        }
      if (nl != NULL)
        {
          r->line_start_before = at + (guint64) (nl + 1 - chunk);
          r->chars_before = count_chars (nl + 1, chunk + n);
        }
      else
        r->chars_before += count_chars (p, chunk + n);
      at += (guint64) n;
    }
  return TRUE;
}

/**
 * _weft_json_reader_new_for_path_at:
 * @path: a file
 * @offset: where to start reading
 * @stack: the containers around @offset, outermost first (1 an object, 2 an
 *   array)
 * @depth: how many
 * @error: return location for an error
 *
 * A reader of @path from @offset on, in the state of one that has read the
 * file up to @offset and stands after a ',' in an array (@stack ends with
 * one): it reads the next element. Its positions count from the file's
 * start. Readers of a big trace's second half use it, on another thread.
 *
 * Returns: (transfer full) (nullable): the reader, or %NULL with @error set
 */
WeftJsonReader *
_weft_json_reader_new_for_path_at (const char   *path,
                                   guint64       offset,
                                   const guint8 *stack,
                                   guint         depth,
                                   GError      **error)
{
  g_autoptr(WeftJsonReader) r = weft_json_reader_new_for_path (path, error);

  if (r == NULL)
    return NULL;
  g_return_val_if_fail (depth > 0 && depth <= WEFT_JSON_MAX_DEPTH && stack[depth - 1] == 2, NULL);
  if (!count_before (r, offset, error))
    return NULL;
  if (lseek (r->fd, (off_t) offset, SEEK_SET) < 0)
    {
      g_set_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO, "%s: cannot seek: %s",
                   r->name, g_strerror (errno));
      return NULL;
    }
  r->base = offset;
  r->bom_checked = TRUE;
  memcpy (r->stack, stack, depth);
  r->depth = depth;
  r->state = S_VALUE;
  return g_steal_pointer (&r);
}

/* The containers the reader is in, outermost first (1 object, 2 array). */
const guint8 *
_weft_json_reader_get_stack (WeftJsonReader *reader)
{
  return reader->stack;
}

/**
 * weft_json_reader_new_for_data:
 * @data: JSON text (copied)
 * @len: its length
 * @display_name: the name used in messages
 *
 * Returns: (transfer full): a reader of @data
 */
WeftJsonReader *
weft_json_reader_new_for_data (const char *data,
                               gsize       len,
                               const char *display_name)
{
  WeftJsonReader *r = reader_new (display_name ? display_name : "<data>");

  r->buf = g_malloc (len + 1);
  memcpy (r->buf, data, len);
  r->buf[len] = 0;
  r->owns_buf = TRUE;
  r->cap = len;
  r->end = len;
  r->eof = TRUE;
  /* Skipped at once, so that positions asked for before the first token
   * (an encoding error found by the caller) already leave it out. */
  r->bom_checked = TRUE;
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      r->pos = 3;
      r->line_start_before = 3;
    }
  return r;
}

/**
 * weft_json_reader_free:
 * @reader: (nullable): a reader
 */
void
weft_json_reader_free (WeftJsonReader *reader)
{
  if (reader == NULL)
    return;
  if (reader->fd >= 0)
    close (reader->fd);
  if (reader->owns_buf)
    g_free (reader->buf);
  g_string_free (reader->scratch, TRUE);
  g_free (reader->name);
  g_free (reader);
}

/**
 * weft_json_reader_set_allow_unclosed_array:
 * @reader: a reader
 * @allow: whether a top-level array may end without its ']'
 *
 * Chrome's trace writers may stop without closing the top-level array (the
 * format allows it); with @allow, end of file inside that array (after an
 * element or a ',') ends the array instead of being an error.
 */
void
weft_json_reader_set_allow_unclosed_array (WeftJsonReader *reader,
                                           gboolean        allow)
{
  reader->allow_unclosed = allow;
}

gboolean
weft_json_reader_get_was_unclosed (WeftJsonReader *reader)
{
  return reader->was_unclosed;
}

guint
weft_json_reader_get_depth (WeftJsonReader *reader)
{
  return reader->depth;
}

const char *
weft_json_reader_get_name (WeftJsonReader *reader)
{
  return reader->name;
}

guint64
weft_json_reader_get_offset (WeftJsonReader *reader)
{
  return reader->base + reader->pos;
}

/**
 * weft_json_reader_get_token_offset:
 * @reader: a reader
 *
 * Returns: the byte offset of the current token (of the error, after one)
 */
guint64
weft_json_reader_get_token_offset (WeftJsonReader *reader)
{
  return reader->tok_abs;
}

/**
 * weft_json_reader_set_strict:
 * @reader: a reader
 * @strict: whether to refuse what JSON allows but a document of Weft's own
 *   should not hold
 *
 * A strict reader refuses the escape "\u0000" and UTF-16 surrogates that
 * are not paired (%WEFT_JSON_SYNTAX_NUL_ESCAPE, %WEFT_JSON_SYNTAX_LONE_SURROGATE);
 * otherwise those decode to U+0000 and U+FFFD.
 */
void
weft_json_reader_set_strict (WeftJsonReader *reader,
                             gboolean        strict)
{
  reader->strict = strict;
}

/**
 * weft_json_reader_get_syntax_error:
 * @reader: a reader
 *
 * What the last error of the reader was, so that a reader of a particular
 * format can word its own message; the error's place is the token's
 * (weft_json_reader_get_position(), weft_json_reader_get_token_offset()).
 *
 * Returns: the kind of the last syntax error, or %WEFT_JSON_SYNTAX_NONE
 */
WeftJsonSyntax
weft_json_reader_get_syntax_error (WeftJsonReader *reader)
{
  return reader->syntax;
}

static void
count_lines (const char *p,
             const char *e,
             guint64     abs_of_p,
             guint64    *lines,
             guint64    *line_start)
{
  const char *q = p;

  while (q < e && (q = memchr (q, '\n', (gsize) (e - q))) != NULL)
    {
      (*lines)++;
      q++;
      *line_start = abs_of_p + (guint64) (q - p);
    }
}

/* Characters in [p, e): bytes that are not UTF-8 continuation bytes
 * (10xxxxxx), eight at a time. */
static guint64
count_chars (const char *p,
             const char *e)
{
  guint64 n = (guint64) (e - p);

  for (; e - p >= 8; p += 8)
    {
      guint64 x;

      memcpy (&x, p, sizeof x);
      /* bit 7 set and bit 6 clear, per byte */
      n -= (guint64) __builtin_popcountll (x & ~(x << 1) & G_GUINT64_CONSTANT (0x8080808080808080));
    }
  for (; p < e; p++)
    n -= ((guchar) *p & 0xC0) == 0x80;
  return n;
}

/**
 * weft_json_reader_get_position_at:
 * @reader: a reader
 * @offset: a byte offset in the text still buffered (any offset of an
 *   in-memory reader)
 * @out_line: (out): its line, from 1
 * @out_column: (out): its column in characters, from 1
 *
 * Counting goes on from the last position asked for when @offset is not
 * before it, so asking for every token's position in order costs one pass.
 */
void
weft_json_reader_get_position_at (WeftJsonReader *reader,
                                  guint64         offset,
                                  guint64        *out_line,
                                  guint64        *out_column)
{
  guint64 from, lines, chars;
  const char *p, *e, *nl = NULL;

  offset = CLAMP (offset, reader->base, reader->base + reader->end);
  if (reader->at_valid && reader->at_abs >= reader->base && reader->at_abs <= offset)
    from = reader->at_abs, lines = reader->at_lines, chars = reader->at_chars;
  else if (reader->line_start_before >= reader->base)
    from = MIN (reader->line_start_before, offset), lines = reader->lines_before, chars = 0;
  else
    from = reader->base, lines = reader->lines_before, chars = reader->chars_before;

  p = reader->buf + (from - reader->base);
  e = reader->buf + (offset - reader->base);
  for (const char *q = p; q < e && (q = memchr (q, '\n', (gsize) (e - q))) != NULL; q++)
    {
      lines++;
      nl = q;
    }
  chars = nl != NULL ? count_chars (nl + 1, e) : chars + count_chars (p, e);

  reader->at_abs = offset;
  reader->at_lines = lines;
  reader->at_chars = chars;
  reader->at_valid = TRUE;
  *out_line = lines + 1;
  *out_column = chars + 1;
}

/**
 * weft_json_reader_get_position:
 * @reader: a reader
 * @out_line: (out): line of the current token, from 1
 * @out_column: (out): its column in characters, from 1
 */
void
weft_json_reader_get_position (WeftJsonReader *reader,
                               guint64        *out_line,
                               guint64        *out_column)
{
  weft_json_reader_get_position_at (reader, reader->tok_abs, out_line, out_column);
}

/**
 * weft_json_reader_set_error:
 * @reader: a reader
 * @error: return location for an error
 * @code: a #WeftTraceError code
 * @format: what was wrong or expected
 *
 * Sets @error to "NAME:LINE:COLUMN: message" at the current token.
 */
void
weft_json_reader_set_error (WeftJsonReader *reader,
                            GError        **error,
                            int             code,
                            const char     *format,
                            ...)
{
  g_autofree char *msg = NULL;
  guint64 line, column;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  weft_json_reader_get_position (reader, &line, &column);
  g_set_error (error, WEFT_TRACE_ERROR, code, "%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ": %s",
               reader->name, line, column, msg);
}

/* Makes at least @need bytes available from pos (fewer only at EOF). Keeps
 * the bytes from @keep on (the token being read). Returns FALSE with @error
 * set on a read error or a token beyond MAX_TOKEN. */
static gboolean
fill (WeftJsonReader *r,
      gsize           need,
      gsize          *keep,
      GError        **error)
{
  while (r->end - r->pos < need && !r->eof)
    {
      gsize from = keep ? *keep : r->pos;
      gssize n;

      if (from > 0)
        {
          count_lines (r->buf, r->buf + from, r->base, &r->lines_before, &r->line_start_before);
          if (r->line_start_before >= r->base)
            r->chars_before = count_chars (r->buf + (r->line_start_before - r->base), r->buf + from);
          else
            r->chars_before += count_chars (r->buf, r->buf + from);
          memmove (r->buf, r->buf + from, r->end - from);
          r->base += from;
          r->end -= from;
          r->pos -= from;
          if (keep)
            *keep = 0;
        }
      if (r->cap - r->end < READ_CHUNK / 4)
        {
          if (r->cap >= MAX_TOKEN)
            {
              r->tok_abs = r->base;
              r->syntax = WEFT_JSON_SYNTAX_TOO_LONG;
              weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_LIMIT,
                                          "a single token longer than %u MiB", MAX_TOKEN >> 20);
              return FALSE;
            }
          r->cap *= 2;
          r->buf = g_realloc (r->buf, r->cap + 1);
        }
      do
        n = read (r->fd, r->buf + r->end, r->cap - r->end);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO,
                       "%s: read error: %s", r->name, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        r->eof = TRUE;
      r->end += (gsize) n;
    }
  return TRUE;
}

/* Skips whitespace; returns the next byte or -1 at EOF, -2 on error. */
static inline int
peek_nonspace (WeftJsonReader *r,
               GError        **error)
{
  for (;;)
    {
      while (r->pos < r->end)
        {
          char c = r->buf[r->pos];

          if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            r->pos++;
          else
            return (guchar) c;
        }
      if (r->eof)
        return -1;
      if (!fill (r, 1, NULL, error))
        return -2;
    }
}

static const char *
describe_byte (int c,
               char tmp[8])
{
  if (c < 0)
    return "end of file";
  if (c >= 0x21 && c < 0x7f)
    {
      tmp[0] = '\'';
      tmp[1] = (char) c;
      tmp[2] = '\'';
      tmp[3] = 0;
      return tmp;
    }
  g_snprintf (tmp, 8, "0x%02x", (guint) c);
  return tmp;
}

static void
unexpected (WeftJsonReader *r,
            int             c,
            WeftJsonSyntax  syntax,
            const char     *expected,
            GError        **error)
{
  char tmp[8];

  r->syntax = syntax;
  r->tok_abs = r->base + r->pos;
  weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_SYNTAX,
                              "expected %s, found %s", expected, describe_byte (c, tmp));
}

static inline int
hexval (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* At '"': reads the string into r->str / r->str_len. */
static gboolean
read_string (WeftJsonReader *r,
             GError        **error)
{
  gsize start = r->pos;      /* the opening quote */
  gsize i = start + 1;
  gboolean escaped = FALSE;

  r->tok_abs = r->base + start;
  for (;;)
    {
      while (i < r->end)
        {
          guchar c;

          /* eight bytes at a time to the next quote, backslash or control byte */
          i = (gsize) (_weft_json_scan_string_end (r->buf + i, r->buf + r->end) - r->buf);
          if (i >= r->end)
            break;
          c = (guchar) r->buf[i];
          if (c == '"')
            goto closed;
          if (c == '\\')
            {
              escaped = TRUE;
              i += 2;
              continue;
            }
          if (G_UNLIKELY (c < 0x20))
            {
              r->tok_abs = r->base + i;
              r->syntax = WEFT_JSON_SYNTAX_CONTROL_CHARACTER;
              weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_SYNTAX,
                                          "control character 0x%02x inside a string (escape it)", c);
              return FALSE;
            }
        }
      if (r->eof)
        {
          r->tok_abs = r->base + start;
          r->syntax = WEFT_JSON_SYNTAX_UNTERMINATED_STRING;
          weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_SYNTAX,
                                      "unterminated string (end of file before its closing '\"')");
          return FALSE;
        }
      {
        gsize off = i - start;

        r->pos = i > r->end ? r->end : i;
        if (!fill (r, (i - r->pos) + 1, &start, error))
          return FALSE;
        i = start + off;
        r->tok_abs = r->base + start;
      }
    }

closed:
  r->pos = i + 1;
  if (!escaped)
    {
      /* The closing quote is consumed: terminate the string in place. */
      r->buf[i] = '\0';
      r->str = r->buf + start + 1;
      r->str_len = i - start - 1;
      return TRUE;
    }

  /* Decode escapes into the scratch buffer. */
  g_string_truncate (r->scratch, 0);
  for (gsize j = start + 1; j < i; j++)
    {
      char c = r->buf[j];
      gunichar u;
      gsize esc;

      if (c != '\\')
        {
          g_string_append_c (r->scratch, c);
          continue;
        }
      c = r->buf[++j];
      switch (c)
        {
        case '"': g_string_append_c (r->scratch, '"'); break;
        case '\\': g_string_append_c (r->scratch, '\\'); break;
        case '/': g_string_append_c (r->scratch, '/'); break;
        case 'b': g_string_append_c (r->scratch, '\b'); break;
        case 'f': g_string_append_c (r->scratch, '\f'); break;
        case 'n': g_string_append_c (r->scratch, '\n'); break;
        case 'r': g_string_append_c (r->scratch, '\r'); break;
        case 't': g_string_append_c (r->scratch, '\t'); break;
        case 'u':
          esc = j - 1;
          u = 0;
          for (int k = 1; k <= 4; k++)
            {
              int h = j + k < i ? hexval (r->buf[j + k]) : -1;

              if (h < 0)
                {
                  r->tok_abs = r->base + j - 1;
                  r->syntax = WEFT_JSON_SYNTAX_BAD_UNICODE_ESCAPE;
                  weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_SYNTAX,
                                              "expected four hex digits after \\u");
                  return FALSE;
                }
              u = u * 16 + (gunichar) h;
            }
          j += 4;
          if (u >= 0xd800 && u < 0xdc00 && j + 6 < i + 0 + 1 &&
              r->buf[j + 1] == '\\' && r->buf[j + 2] == 'u')
            {
              gunichar lo = 0;
              gboolean ok = TRUE;

              for (int k = 3; k <= 6; k++)
                {
                  int h = j + k < i ? hexval (r->buf[j + k]) : -1;

                  if (h < 0)
                    ok = FALSE;
                  else
                    lo = lo * 16 + (gunichar) h;
                }
              if (ok && lo >= 0xdc00 && lo < 0xe000)
                {
                  u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                  j += 6;
                }
            }
          if (r->strict && (u == 0 || (u >= 0xd800 && u < 0xe000)))
            {
              r->tok_abs = r->base + esc;
              r->syntax = u == 0 ? WEFT_JSON_SYNTAX_NUL_ESCAPE : WEFT_JSON_SYNTAX_LONE_SURROGATE;
              weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_SYNTAX,
                                          u == 0 ? "\\u0000 in a string" : "an unpaired UTF-16 surrogate in a string");
              return FALSE;
            }
          if (u >= 0xd800 && u < 0xe000)
            u = 0xfffd;   /* a lone surrogate */
          g_string_append_unichar (r->scratch, u);
          break;
        default:
          r->tok_abs = r->base + j - 1;
          r->syntax = WEFT_JSON_SYNTAX_BAD_ESCAPE;
          /* the message stays one line whatever byte follows the backslash */
          if (c > 0x20 && c < 0x7f)
            weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_SYNTAX,
                                        "invalid escape '\\%c' in a string", c);
          else
            weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_SYNTAX,
                                        "invalid escape: a backslash before byte 0x%02x in a string",
                                        (guint) (guchar) c);
          return FALSE;
        }
    }
  r->str = r->scratch->str;
  r->str_len = r->scratch->len;
  return TRUE;
}

static gboolean
read_number (WeftJsonReader *r,
             GError        **error)
{
  gsize start = r->pos;
  gsize i = start;
  int phase = 0;   /* 0 sign, 1 int first, 2 int rest, 3 frac first, 4 frac, 5 exp sign, 6 exp first, 7 exp */
  gboolean done = FALSE;
  const char *fast;

  r->tok_abs = r->base + start;
  /* A well-formed number that ends inside the buffer: no byte-by-byte
   * state machine (which stays for the rest, and for every error). */
  fast = _weft_json_scan_number (r->buf + start, r->buf + r->end, sizeof r->num);
  if (fast != NULL)
    {
      i = (gsize) (fast - r->buf);
      memcpy (r->num, r->buf + start, i - start);
      r->num[i - start] = 0;
      r->num_len = i - start;
      r->pos = i;
      return TRUE;
    }
  while (!done)
    {
      char c;

      if (i >= r->end)
        {
          if (r->eof)
            break;
          {
            gsize off = i - start;

            if (!fill (r, off + 1, &start, error))
              return FALSE;
            i = start + off;
            r->tok_abs = r->base + start;
            if (i >= r->end)
              break;
          }
        }
      c = r->buf[i];
      switch (phase)
        {
        case 0:
          phase = 1;
          if (c == '-')
            {
              i++;
              continue;
            }
          continue;
        case 1:
          if (c == '0')
            phase = 3 - 1 + 0, phase = 8;   /* a leading zero: no more int digits */
          else if (c >= '1' && c <= '9')
            phase = 2;
          else
            goto bad;
          i++;
          continue;
        case 2:
          if (c >= '0' && c <= '9')
            {
              i++;
              continue;
            }
          G_GNUC_FALLTHROUGH;
        case 8:
          if (c == '.')
            {
              phase = 3;
              i++;
            }
          else if (c == 'e' || c == 'E')
            {
              phase = 5;
              i++;
            }
          else
            done = TRUE;
          continue;
        case 3:
          if (c < '0' || c > '9')
            goto bad;
          phase = 4;
          i++;
          continue;
        case 4:
          if (c >= '0' && c <= '9')
            i++;
          else if (c == 'e' || c == 'E')
            {
              phase = 5;
              i++;
            }
          else
            done = TRUE;
          continue;
        case 5:
          phase = 6;
          if (c == '+' || c == '-')
            i++;
          continue;
        case 6:
          if (c < '0' || c > '9')
            goto bad;
          phase = 7;
          i++;
          continue;
        case 7:
          if (c >= '0' && c <= '9')
            i++;
          else
            done = TRUE;
          continue;
        default:
          g_assert_not_reached ();
        }
    }
  if (phase == 0 || phase == 1 || phase == 3 || phase == 5 || phase == 6)
    goto bad;

  if (i - start >= sizeof r->num)
    {
      r->syntax = WEFT_JSON_SYNTAX_TOO_LONG;
      weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_LIMIT,
                                  "a number of more than %u characters", (guint) sizeof r->num - 1);
      return FALSE;
    }
  memcpy (r->num, r->buf + start, i - start);
  r->num[i - start] = 0;
  r->num_len = i - start;
  r->pos = i;
  return TRUE;

bad:
  r->pos = i;
  {
    int c = i < r->end ? (guchar) r->buf[i] : -1;
    char tmp[8];

    r->tok_abs = r->base + i;
    r->syntax = WEFT_JSON_SYNTAX_BAD_NUMBER;
    weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_SYNTAX,
                                "malformed number: expected a digit, found %s", describe_byte (c, tmp));
  }
  return FALSE;
}

static gboolean
read_literal (WeftJsonReader *r,
              const char     *word,
              GError        **error)
{
  gsize len = strlen (word);

  r->tok_abs = r->base + r->pos;
  if (!fill (r, len, NULL, error))
    return FALSE;
  r->tok_abs = r->base + r->pos;
  if (r->end - r->pos < len || memcmp (r->buf + r->pos, word, len) != 0)
    {
      r->syntax = WEFT_JSON_SYNTAX_EXPECTED_VALUE;
      weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_SYNTAX,
                                  "expected a value (a string, a number, an object, an array, true, false or null)");
      return FALSE;
    }
  r->pos += len;
  return TRUE;
}

static inline WeftJsonToken
pop (WeftJsonReader *r,
     WeftJsonToken   tok)
{
  r->depth--;
  r->state = r->depth == 0 ? S_DONE : S_AFTER_VALUE;
  r->pos++;
  return tok;
}

static inline WeftJsonToken
push (WeftJsonReader *r,
      guint8          kind,
      State           next,
      WeftJsonToken   tok,
      GError        **error)
{
  if (r->depth >= WEFT_JSON_MAX_DEPTH)
    {
      r->syntax = WEFT_JSON_SYNTAX_TOO_DEEP;
      weft_json_reader_set_error (r, error, WEFT_TRACE_ERROR_LIMIT,
                                  "nesting deeper than %d levels", WEFT_JSON_MAX_DEPTH);
      return WEFT_JSON_ERROR_TOKEN;
    }
  r->stack[r->depth++] = kind;
  r->state = next;
  r->pos++;
  return tok;
}

static WeftJsonToken
read_value (WeftJsonReader *r,
            int             c,
            GError        **error)
{
  switch (c)
    {
    case '{':
      return push (r, 1, S_KEY_OR_END, WEFT_JSON_BEGIN_OBJECT, error);
    case '[':
      return push (r, 2, S_VALUE_OR_END, WEFT_JSON_BEGIN_ARRAY, error);
    case '"':
      if (!read_string (r, error))
        return WEFT_JSON_ERROR_TOKEN;
      r->state = r->depth == 0 ? S_DONE : S_AFTER_VALUE;
      return WEFT_JSON_STRING;
    case 't':
      if (!read_literal (r, "true", error))
        return WEFT_JSON_ERROR_TOKEN;
      r->state = r->depth == 0 ? S_DONE : S_AFTER_VALUE;
      return WEFT_JSON_TRUE;
    case 'f':
      if (!read_literal (r, "false", error))
        return WEFT_JSON_ERROR_TOKEN;
      r->state = r->depth == 0 ? S_DONE : S_AFTER_VALUE;
      return WEFT_JSON_FALSE;
    case 'n':
      if (!read_literal (r, "null", error))
        return WEFT_JSON_ERROR_TOKEN;
      r->state = r->depth == 0 ? S_DONE : S_AFTER_VALUE;
      return WEFT_JSON_NULL;
    default:
      if (c == '-' || (c >= '0' && c <= '9'))
        {
          if (!read_number (r, error))
            return WEFT_JSON_ERROR_TOKEN;
          r->state = r->depth == 0 ? S_DONE : S_AFTER_VALUE;
          return WEFT_JSON_NUMBER;
        }
      unexpected (r, c, WEFT_JSON_SYNTAX_EXPECTED_VALUE, "a value (a string, a number, an object, an array, true, false or null)", error);
      return WEFT_JSON_ERROR_TOKEN;
    }
}

/* EOF inside the top-level array, where the format allows it. */
static gboolean
unclosed_ok (WeftJsonReader *r)
{
  return r->allow_unclosed && r->depth == 1 && r->stack[0] == 2;
}

/* A UTF-8 byte-order mark at the very start says nothing: skip it, and
 * count line 1's columns from after it. */
static gboolean
skip_bom (WeftJsonReader *r,
          GError        **error)
{
  if (r->base + r->pos != 0)
    return TRUE;
  if (!fill (r, 3, NULL, error))
    return FALSE;
  if (r->end - r->pos >= 3 && memcmp (r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0)
    {
      r->pos += 3;
      r->line_start_before = r->base + r->pos;
    }
  return TRUE;
}

/**
 * weft_json_reader_next:
 * @reader: a reader
 * @error: return location for an error
 *
 * Returns: the next token, %WEFT_JSON_EOF after the top-level value, or
 *   %WEFT_JSON_ERROR_TOKEN with @error set
 */
WeftJsonToken
weft_json_reader_next (WeftJsonReader *r,
                       GError        **error)
{
  int c;

  if (G_UNLIKELY (!r->bom_checked))
    {
      r->bom_checked = TRUE;
      if (!skip_bom (r, error))
        return WEFT_JSON_ERROR_TOKEN;
    }

  for (;;)
    {
      c = peek_nonspace (r, error);
      if (c == -2)
        return WEFT_JSON_ERROR_TOKEN;
      r->tok_abs = r->base + r->pos;

      switch (r->state)
        {
        case S_DONE:
          if (c == -1)
            return WEFT_JSON_EOF;
          unexpected (r, c, WEFT_JSON_SYNTAX_EXPECTED_END, "end of file after the top-level value", error);
          return WEFT_JSON_ERROR_TOKEN;

        case S_VALUE:
        case S_VALUE_OR_END:
          if (c == ']' && r->state == S_VALUE_OR_END)
            return pop (r, WEFT_JSON_END_ARRAY);
          if (c == -1 && unclosed_ok (r))
            {
              r->was_unclosed = TRUE;
              r->depth = 0;
              r->state = S_DONE;
              return WEFT_JSON_END_ARRAY;
            }
          return read_value (r, c, error);

        case S_KEY_OR_END:
        case S_KEY:
          if (c == '}' && r->state == S_KEY_OR_END)
            return pop (r, WEFT_JSON_END_OBJECT);
          if (c != '"')
            {
              unexpected (r, c, WEFT_JSON_SYNTAX_EXPECTED_KEY, r->state == S_KEY ? "a member name (a string) after ','"
                                                  : "a member name (a string) or '}'", error);
              return WEFT_JSON_ERROR_TOKEN;
            }
          if (!read_string (r, error))
            return WEFT_JSON_ERROR_TOKEN;
          {
            guint64 key_abs = r->tok_abs;
            const char *s = r->str;
            gsize slen = r->str_len;
            gsize off = r->str == r->scratch->str ? G_MAXSIZE : (gsize) (r->str - r->buf);

            /* The ':' may need a refill, which can move the key's bytes. */
            if (r->pos >= r->end || r->buf[r->pos] != ':')
              {
                gsize keep = off == G_MAXSIZE ? r->pos : off - 1;

                while (r->pos < r->end || !r->eof)
                  {
                    if (r->pos >= r->end)
                      {
                        gsize before = keep;

                        if (!fill (r, 1, &keep, error))
                          return WEFT_JSON_ERROR_TOKEN;
                        if (off != G_MAXSIZE)
                          off -= before - keep;
                        continue;
                      }
                    if (r->buf[r->pos] == ' ' || r->buf[r->pos] == '\n' ||
                        r->buf[r->pos] == '\r' || r->buf[r->pos] == '\t')
                      r->pos++;
                    else
                      break;
                  }
                if (r->pos >= r->end || r->buf[r->pos] != ':')
                  {
                    unexpected (r, r->pos < r->end ? (guchar) r->buf[r->pos] : -1,
                                WEFT_JSON_SYNTAX_EXPECTED_COLON, "':' after a member name", error);
                    return WEFT_JSON_ERROR_TOKEN;
                  }
                s = off == G_MAXSIZE ? r->scratch->str : r->buf + off;
              }
            r->pos++;
            r->str = s;
            r->str_len = slen;
            r->tok_abs = key_abs;
            r->state = S_VALUE;
            return WEFT_JSON_KEY;
          }

        case S_AFTER_VALUE:
          if (r->stack[r->depth - 1] == 1)
            {
              if (c == ',')
                {
                  r->pos++;
                  r->state = S_KEY;
                  continue;
                }
              if (c == '}')
                return pop (r, WEFT_JSON_END_OBJECT);
              unexpected (r, c, WEFT_JSON_SYNTAX_EXPECTED_MEMBER_END, "',' or '}' after an object member", error);
              return WEFT_JSON_ERROR_TOKEN;
            }
          if (c == ',')
            {
              r->pos++;
              r->state = S_VALUE;
              continue;
            }
          if (c == ']')
            return pop (r, WEFT_JSON_END_ARRAY);
          if (c == -1 && unclosed_ok (r))
            {
              r->was_unclosed = TRUE;
              r->depth = 0;
              r->state = S_DONE;
              return WEFT_JSON_END_ARRAY;
            }
          unexpected (r, c, WEFT_JSON_SYNTAX_EXPECTED_ELEMENT_END, "',' or ']' after an array element", error);
          return WEFT_JSON_ERROR_TOKEN;
        }
    }
}

/**
 * _weft_json_reader_peek_container:
 * @reader: a reader that has just returned @first
 * @first: %WEFT_JSON_BEGIN_OBJECT or %WEFT_JSON_BEGIN_ARRAY
 * @out_p: (out): the byte after the opening bracket
 * @out_end: (out): the end of what is buffered
 *
 * Returns: %FALSE if the reader is not just after the opening bracket of
 *   @first (then nothing may be taken from the buffer)
 */
gboolean
_weft_json_reader_peek_container (WeftJsonReader *r,
                                  WeftJsonToken   first,
                                  const char    **out_p,
                                  const char    **out_end)
{
  gboolean is_object = first == WEFT_JSON_BEGIN_OBJECT;

  if ((!is_object && first != WEFT_JSON_BEGIN_ARRAY) ||
      r->state != (is_object ? S_KEY_OR_END : S_VALUE_OR_END) || r->pos == 0 ||
      r->buf[r->pos - 1] != (is_object ? '{' : '['))
    return FALSE;
  *out_p = r->buf + r->pos;
  *out_end = r->buf + r->end;
  return TRUE;
}

/* Nesting still allowed below the current container. */
guint
_weft_json_reader_depth_room (WeftJsonReader *r)
{
  return WEFT_JSON_MAX_DEPTH - r->depth;
}

/**
 * _weft_json_reader_consume_container:
 * @reader: a reader after _weft_json_reader_peek_container()
 * @after: the byte after the container's closing bracket, found well-formed
 *
 * Leaves the reader as reading every token of the container would have.
 */
void
_weft_json_reader_consume_container (WeftJsonReader *r,
                                     const char     *after)
{
  r->pos = (gsize) (after - r->buf);
  r->tok_abs = r->base + r->pos - 1;   /* the closing bracket, as a pop leaves it */
  r->depth--;
  r->state = r->depth == 0 ? S_DONE : S_AFTER_VALUE;
}

/* Skips the rest of a container just opened in one bulk scan, when it is
 * well-formed and ends inside the buffer; leaves the reader as it was
 * otherwise (then every token is read, and errors say what they say). */
static gboolean
skip_in_buffer (WeftJsonReader *r,
                WeftJsonToken   first)
{
  const char *p, *end, *after;

  if (!_weft_json_reader_peek_container (r, first, &p, &end))
    return FALSE;
  after = _weft_json_scan_container (p, end, first == WEFT_JSON_BEGIN_OBJECT,
                                     _weft_json_reader_depth_room (r));
  if (after == NULL)
    return FALSE;
  _weft_json_reader_consume_container (r, after);
  return TRUE;
}

/**
 * weft_json_reader_skip_value:
 * @reader: a reader
 * @first: the token just read (the start of the value)
 * @error: return location for an error
 *
 * Skips the rest of a value: for BEGIN_OBJECT/BEGIN_ARRAY, everything up to
 * the matching end; nothing for a scalar.
 */
gboolean
weft_json_reader_skip_value (WeftJsonReader *reader,
                             WeftJsonToken   first,
                             GError        **error)
{
  guint target;

  if (first != WEFT_JSON_BEGIN_OBJECT && first != WEFT_JSON_BEGIN_ARRAY)
    return first != WEFT_JSON_ERROR_TOKEN;
  if (skip_in_buffer (reader, first))
    return TRUE;
  target = reader->depth - 1;
  while (reader->depth > target)
    {
      WeftJsonToken tok = weft_json_reader_next (reader, error);

      if (tok == WEFT_JSON_ERROR_TOKEN)
        return FALSE;
      if (tok == WEFT_JSON_EOF)
        return TRUE;
    }
  return TRUE;
}

const char *
weft_json_reader_get_string (WeftJsonReader *reader,
                             gsize          *out_len)
{
  if (out_len)
    *out_len = reader->str_len;
  return reader->str;
}

gboolean
weft_json_reader_string_equal (WeftJsonReader *reader,
                               const char     *literal)
{
  gsize len = strlen (literal);

  return reader->str_len == len && memcmp (reader->str, literal, len) == 0;
}

const char *
weft_json_reader_get_number_text (WeftJsonReader *reader,
                                  gsize          *out_len)
{
  if (out_len)
    *out_len = reader->num_len;
  return reader->num;
}

/**
 * weft_json_reader_get_int64:
 * @reader: a reader on a NUMBER
 * @out_value: (out): the value
 *
 * Returns: %FALSE if the number is not an integer that fits in 64 bits
 *   (a fraction or exponent that leaves an exact integer is accepted)
 */
gboolean
weft_json_reader_get_int64 (WeftJsonReader *reader,
                            gint64         *out_value)
{
  return _weft_json_parse_int64 (reader->num, out_value);
}

gboolean
_weft_json_parse_int64 (const char *text,
                        gint64     *out_value)
{
  const char *p = text;
  gboolean neg = FALSE;
  guint64 v = 0;

  if (*p == '-')
    {
      neg = TRUE;
      p++;
    }
  for (; *p >= '0' && *p <= '9'; p++)
    {
      guint d = (guint) (*p - '0');

      if (v > (G_MAXUINT64 - d) / 10)
        return FALSE;
      v = v * 10 + d;
    }
  if (*p != 0)
    {
      double d;

      /* 1.0, 1e3 ...: exact integers written another way */
      if (!_weft_json_parse_double (text, &d) || d != floor (d) ||
          d < -9.2233720368547758e18 || d >= 9.2233720368547758e18)
        return FALSE;
      *out_value = (gint64) d;
      return TRUE;
    }
  if (neg)
    {
      if (v > (guint64) G_MAXINT64 + 1)
        return FALSE;
      *out_value = (gint64) (0 - v);
    }
  else
    {
      if (v > (guint64) G_MAXINT64)
        return FALSE;
      *out_value = (gint64) v;
    }
  return TRUE;
}

gboolean
weft_json_reader_get_double (WeftJsonReader *reader,
                             double         *out_value)
{
  return _weft_json_parse_double (reader->num, out_value);
}

gboolean
_weft_json_parse_double (const char *text,
                         double     *out_value)
{
  double d = g_ascii_strtod (text, NULL);

  if (!isfinite (d))
    return FALSE;
  *out_value = d;
  return TRUE;
}

/**
 * weft_json_parse_milli:
 * @text: a JSON number
 * @len: its length
 * @out_value: (out): the number times 1000, rounded to nearest
 *
 * Exact for plain decimals (the µs → ns conversion of timestamps).
 *
 * Returns: %FALSE if the result does not fit in 63 bits
 */
gboolean
weft_json_parse_milli (const char *text,
                       gsize       len,
                       gint64     *out_value)
{
  const char *p = text, *e = text + len;
  gboolean neg = FALSE;
  guint64 v = 0;
  int frac = 0;

  if (p < e && *p == '-')
    {
      neg = TRUE;
      p++;
    }
  for (; p < e && *p >= '0' && *p <= '9'; p++)
    {
      if (v > G_GUINT64_CONSTANT (922337203685477))   /* (2^63 - 1) / 10000 */
        return FALSE;
      v = v * 10 + (guint) (*p - '0');
    }
  if (p < e && *p == '.')
    {
      p++;
      for (; p < e && *p >= '0' && *p <= '9'; p++)
        {
          if (frac < 3)
            {
              v = v * 10 + (guint) (*p - '0');
              frac++;
            }
          else if (frac == 3)
            {
              if (*p >= '5')
                v++;      /* round half up on the first dropped digit */
              frac = 4;
            }
        }
    }
  if (p < e)
    {
      /* An exponent: go through a double. */
      g_autofree char *copy = g_strndup (text, len);
      double d = g_ascii_strtod (copy, NULL) * 1000.0;

      if (!isfinite (d) || d <= -9.2e18 || d >= 9.2e18)
        return FALSE;
      *out_value = (gint64) llround (d);
      return TRUE;
    }
  for (; frac < 3; frac++)
    v *= 10;
  if (v > (guint64) G_MAXINT64)
    return FALSE;
  *out_value = neg ? -(gint64) v : (gint64) v;
  return TRUE;
}

/**
 * weft_json_reader_get_milli:
 * @reader: a reader on a NUMBER
 * @out_value: (out): the number × 1000, rounded
 *
 * Returns: %FALSE if out of range
 */
gboolean
weft_json_reader_get_milli (WeftJsonReader *reader,
                            gint64         *out_value)
{
  return weft_json_parse_milli (reader->num, reader->num_len, out_value);
}
