/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* LEB128 varints, as the journal and the counter tracks encode numbers:
 * seven bits a byte, low bits first; signed numbers zigzag-encoded. */

#define WEFT_VARINT_MAX_BYTES 10

static inline guint
_weft_put_varint (guint8  *p,
                  guint64  v)
{
  guint n = 0;

  while (v >= 0x80)
    {
      p[n++] = (guint8) (v | 0x80);
      v >>= 7;
    }
  p[n++] = (guint8) v;
  return n;
}

/* Reads a varint that _weft_put_varint() wrote (the bytes are trusted). */
static inline const guint8 *
_weft_read_varint (const guint8 *p,
                   guint64      *out)
{
  guint64 v = 0;
  guint shift = 0;

  while (*p & 0x80)
    {
      v |= (guint64) (*p++ & 0x7f) << shift;
      shift += 7;
    }
  *out = v | (guint64) *p++ << shift;
  return p;
}

static inline guint64
_weft_zigzag (gint64 v)
{
  return ((guint64) v << 1) ^ (guint64) (v >> 63);
}

static inline gint64
_weft_unzigzag (guint64 v)
{
  return (gint64) (v >> 1) ^ -(gint64) (v & 1);
}

G_END_DECLS
