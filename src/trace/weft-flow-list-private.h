/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-flow-list.h"

G_BEGIN_DECLS

/*
 * The storage of a WeftFlowList: blocks of WEFT_FLOW_BLOCK flows in
 * @to_ns order. The last block ("open") is a plain array; full blocks are
 * sealed: encoded in @bytes, each flow as its differences from the one
 * before (weft-flow-list.c). Flows are only appended in order; to change
 * or insert one, the model rewinds the list to it (_weft_flow_list_rewind())
 * and appends the rest again.
 */
#define WEFT_FLOW_BLOCK_SHIFT 6
#define WEFT_FLOW_BLOCK       (1u << WEFT_FLOW_BLOCK_SHIFT)

typedef struct
{
  guint64 to_ns;    /* its first flow's */
  guint64 offset;   /* where its bytes start */
} WeftFlowBlock;

struct _WeftFlowList
{
  WeftFlowBlock *blocks;
  guint          n_blocks;
  guint          cap_blocks;
  guint8        *bytes;
  gsize          n_bytes;
  gsize          cap_bytes;
  WeftFlow       open[WEFT_FLOW_BLOCK];
  guint          n_open;
};

void  _weft_flow_list_clear  (WeftFlowList   *self);
void  _weft_flow_list_seal   (WeftFlowList   *self);
guint _weft_flow_list_rewind (WeftFlowList   *self,
                              guint           from,
                              GArray         *tail);

/* Appends @flow, which is not before the last one */
static inline void
_weft_flow_list_append (WeftFlowList   *self,
                        const WeftFlow *flow)
{
  if (G_UNLIKELY (self->n_open == WEFT_FLOW_BLOCK))
    _weft_flow_list_seal (self);
  self->open[self->n_open++] = *flow;
}

/* The last flow's @to_ns, 0 if there is none */
static inline guint64
_weft_flow_list_last_time (const WeftFlowList *self)
{
  if (self->n_open > 0)
    return self->open[self->n_open - 1].to_ns;
  return self->n_blocks > 0 ? weft_flow_list_get_flow (self, (self->n_blocks << WEFT_FLOW_BLOCK_SHIFT) - 1).to_ns : 0;
}

G_END_DECLS
