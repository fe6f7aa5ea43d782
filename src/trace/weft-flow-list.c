/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-flow-list-private.h"
#include "weft-search-private.h"
#include "weft-varint-private.h"

/*
 * A sealed block's flows, each against the one before (the first against
 * a flow at the block's time with everything else 0): a varint of its time
 * step shifted left by three, with its kind in the low two bits and, in the
 * third, whether its object is the one before's; the receiving end less
 * the sending one and the item step, as zigzag varints; the object, if
 * another; the two workers. A queue hand-off is then eight to ten bytes.
 * A time step too large to shift is written as DT_ESCAPE and then in full.
 */
#define DT_ESCAPE      ((G_GUINT64_CONSTANT (1) << 61) - 1)
#define SAME_OBJECT    4
#define MAX_FLOW_BYTES (4 * WEFT_VARINT_MAX_BYTES + 5 + 2 * 3)
#define BLOCK_MASK     (WEFT_FLOW_BLOCK - 1)

void
_weft_flow_list_clear (WeftFlowList *self)
{
  g_free (self->blocks);
  g_free (self->bytes);
  memset (self, 0, sizeof *self);
}

static guint
encode_flow (guint8         *p,
             const WeftFlow *prev,
             const WeftFlow *f)
{
  guint64 dt = f->to_ns - prev->to_ns;
  guint bits = (f->kind & 3) | (f->object == prev->object ? SAME_OBJECT : 0);
  guint n;

  if (dt < DT_ESCAPE)
    n = _weft_put_varint (p, dt << 3 | bits);
  else
    {
      n = _weft_put_varint (p, DT_ESCAPE << 3 | bits);
      n += _weft_put_varint (p + n, dt);
    }
  n += _weft_put_varint (p + n, _weft_zigzag ((gint64) (f->to_ns - f->from_ns)));
  n += _weft_put_varint (p + n, _weft_zigzag ((gint64) ((guint64) f->item - (guint64) prev->item)));
  if (!(bits & SAME_OBJECT))
    n += _weft_put_varint (p + n, f->object);
  n += _weft_put_varint (p + n, f->from_worker);
  n += _weft_put_varint (p + n, f->to_worker);
  return n;
}

/* Turns @f from the flow before into the next one */
static const guint8 *
decode_flow (const guint8 *p,
             WeftFlow     *f)
{
  guint64 head, dt, v;

  p = _weft_read_varint (p, &head);
  dt = head >> 3;
  if (dt == DT_ESCAPE)
    p = _weft_read_varint (p, &dt);
  f->to_ns += dt;
  f->kind = head & 3;
  p = _weft_read_varint (p, &v);
  f->from_ns = f->to_ns - (guint64) _weft_unzigzag (v);
  p = _weft_read_varint (p, &v);
  f->item = (gint64) ((guint64) f->item + (guint64) _weft_unzigzag (v));
  if (!(head & SAME_OBJECT))
    {
      p = _weft_read_varint (p, &v);
      f->object = (guint32) v;
    }
  p = _weft_read_varint (p, &v);
  f->from_worker = (guint16) v;
  p = _weft_read_varint (p, &v);
  f->to_worker = (guint16) v;
  return p;
}

/* The flow "before" block @b's first */
static inline WeftFlow
block_origin (const WeftFlowList *self,
              guint               b)
{
  return (WeftFlow) { .to_ns = self->blocks[b].to_ns };
}

/* The open block is full: encode it, and open an empty one. */
void
_weft_flow_list_seal (WeftFlowList *self)
{
  WeftFlowBlock *block;
  WeftFlow prev;
  guint8 *p;

  g_assert (self->n_open == WEFT_FLOW_BLOCK);

  if (self->n_blocks == self->cap_blocks)
    {
      self->cap_blocks = MAX (16, self->cap_blocks * 2);
      self->blocks = g_renew (WeftFlowBlock, self->blocks, self->cap_blocks);
    }
  if (self->n_bytes + WEFT_FLOW_BLOCK * MAX_FLOW_BYTES > self->cap_bytes)
    {
      self->cap_bytes = MAX (self->n_bytes + WEFT_FLOW_BLOCK * MAX_FLOW_BYTES, self->cap_bytes * 2);
      self->bytes = g_realloc (self->bytes, self->cap_bytes);
    }
  block = &self->blocks[self->n_blocks];
  block->to_ns = self->open[0].to_ns;
  block->offset = self->n_bytes;
  prev = block_origin (self, self->n_blocks);
  p = self->bytes + self->n_bytes;
  for (guint i = 0; i < WEFT_FLOW_BLOCK; i++)
    {
      p += encode_flow (p, &prev, &self->open[i]);
      prev = self->open[i];
    }
  self->n_bytes = (gsize) (p - self->bytes);
  self->n_blocks++;
  self->n_open = 0;
}

/**
 * _weft_flow_list_rewind:
 * @from: a flow's index (or the number of flows)
 * @tail: (element-type WeftFlow): set to the flows removed
 *
 * Removes the flows from @from on, or from the start of its block if that
 * is sealed, into @tail, for the caller to append again (changed).
 *
 * Returns: the index of the first flow removed
 */
guint
_weft_flow_list_rewind (WeftFlowList *self,
                        guint         from,
                        GArray       *tail)
{
  guint sealed = self->n_blocks << WEFT_FLOW_BLOCK_SHIFT;
  guint n = sealed + self->n_open;
  WeftFlowIter iter;
  WeftFlow f;

  g_return_val_if_fail (from <= n, n);

  if (from < sealed)
    from &= ~BLOCK_MASK;
  g_array_set_size (tail, 0);
  weft_flow_iter_init (&iter, self, from);
  while (weft_flow_iter_next (&iter, &f))
    g_array_append_val (tail, f);
  if (from >= sealed)
    self->n_open = from - sealed;
  else
    {
      self->n_blocks = from >> WEFT_FLOW_BLOCK_SHIFT;
      self->n_bytes = self->blocks[self->n_blocks].offset;
      self->n_open = 0;
    }
  return from;
}

/* ---- reading ---------------------------------------------------------------- */

/**
 * weft_flow_list_get_n_flows:
 * @self: (nullable): a list
 */
guint
weft_flow_list_get_n_flows (const WeftFlowList *self)
{
  return self != NULL ? (self->n_blocks << WEFT_FLOW_BLOCK_SHIFT) + self->n_open : 0;
}

/* Flow @index (< the number of flows): a block's worth of decoding at most */
WeftFlow
weft_flow_list_get_flow (const WeftFlowList *self,
                         guint               index)
{
  WeftFlowIter iter;
  WeftFlow f = { 0 };

  g_return_val_if_fail (index < weft_flow_list_get_n_flows (self), f);

  weft_flow_iter_init (&iter, self, index);
  weft_flow_iter_next (&iter, &f);
  return f;
}

/* Order for _weft_lower_bound() over the blocks, the open one last: @key
 * points to a time */
static gboolean
block_starts_before (gconstpointer data,
                     guint         b,
                     gconstpointer key)
{
  const WeftFlowList *self = data;
  guint64 first = b < self->n_blocks ? self->blocks[b].to_ns : self->open[0].to_ns;

  return first < *(const guint64 *) key;
}

/**
 * weft_flow_list_lower_bound:
 * @self: (nullable): a list
 *
 * Returns: the index of the first flow whose receiving end is at or after
 *   @to_ns (the number of flows if none)
 */
guint
weft_flow_list_lower_bound (const WeftFlowList *self,
                            guint64             to_ns)
{
  WeftFlowIter iter;
  WeftFlow f;
  guint lo, b;

  if (self == NULL)
    return 0;
  /* the blocks that start before to_ns */
  lo = _weft_lower_bound (self, self->n_blocks + (self->n_open > 0), block_starts_before, &to_ns);
  if (lo == 0)
    return 0;
  b = lo - 1;
  weft_flow_iter_init (&iter, self, b << WEFT_FLOW_BLOCK_SHIFT);
  while (iter.next < ((b + 1) << WEFT_FLOW_BLOCK_SHIFT) && weft_flow_iter_next (&iter, &f))
    if (f.to_ns >= to_ns)
      return iter.next - 1;
  return iter.next;
}

/**
 * weft_flow_iter_init:
 * @list: (nullable): a list
 * @first: the first flow to read
 *
 * Sets @iter to read @list's flows from @first on, in order, with
 * weft_flow_iter_next(); the list must not change meanwhile.
 */
void
weft_flow_iter_init (WeftFlowIter       *iter,
                     const WeftFlowList *list,
                     guint               first)
{
  guint b = first >> WEFT_FLOW_BLOCK_SHIFT;

  *iter = (WeftFlowIter) { .list = list, .next = first };
  if (list == NULL || b >= list->n_blocks || (first & BLOCK_MASK) == 0)
    return;
  /* Inside a sealed block: decode up to the flow before @first. */
  iter->last = block_origin (list, b);
  iter->p = list->bytes + list->blocks[b].offset;
  for (guint i = 0; i < (first & BLOCK_MASK); i++)
    iter->p = decode_flow (iter->p, &iter->last);
}

/* Reads the next flow into @out_flow; %FALSE after the last */
gboolean
weft_flow_iter_next (WeftFlowIter *iter,
                     WeftFlow     *out_flow)
{
  const WeftFlowList *list = iter->list;
  guint i = iter->next, b = i >> WEFT_FLOW_BLOCK_SHIFT;

  if (i >= weft_flow_list_get_n_flows (list))
    return FALSE;
  iter->next++;
  if (b >= list->n_blocks)
    {
      *out_flow = list->open[i - (list->n_blocks << WEFT_FLOW_BLOCK_SHIFT)];
      return TRUE;
    }
  if ((i & BLOCK_MASK) == 0)
    {
      iter->last = block_origin (list, b);
      iter->p = list->bytes + list->blocks[b].offset;
    }
  iter->p = decode_flow (iter->p, &iter->last);
  *out_flow = iter->last;
  return TRUE;
}
