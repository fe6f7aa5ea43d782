/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  WEFT_FLOW_QUEUE = 1,  /* an item put by one worker and got by another */
  WEFT_FLOW_LOCK,       /* a release that woke a waiter (locks and the GIL) */
} WeftFlowKind;

/**
 * WeftFlow:
 * @to_ns: time of the receiving end (queue get, lock acquisition)
 * @from_ns: time of the sending end (queue put, lock release)
 * @item: the queue item id (0 for lock flows)
 * @object: the queue, lock or GIL id
 * @from_worker: worker that put or released
 * @to_worker: worker that got or acquired
 * @kind: a #WeftFlowKind
 *
 * A hand-off a view can draw as an arrow.
 */
typedef struct
{
  guint64 to_ns;
  guint64 from_ns;
  gint64  item;
  guint32 object;
  guint16 from_worker;
  guint16 to_worker;
  guint8  kind;
} WeftFlow;

/**
 * WeftFlowList:
 *
 * A model's flows, sorted by @to_ns. They are kept compressed, in blocks
 * of 64 (about ten bytes a flow, not 40), so they are read through these
 * calls: by index, by time, or in order with a #WeftFlowIter. The list
 * belongs to its model (weft_trace_model_get_flows()) and changes with its
 * appends.
 */
typedef struct _WeftFlowList WeftFlowList;

/**
 * WeftFlowIter:
 *
 * Reads a list's flows in order (weft_flow_iter_init()). Its fields are
 * private.
 */
typedef struct
{
  const WeftFlowList *list;
  guint               next;   /* the index of the next flow */
  WeftFlow            last;   /* the last flow read */
  const guint8       *p;      /* the next flow's bytes, in a block */
} WeftFlowIter;

guint    weft_flow_list_get_n_flows (const WeftFlowList *self);
WeftFlow weft_flow_list_get_flow    (const WeftFlowList *self,
                                     guint               index);
guint    weft_flow_list_lower_bound (const WeftFlowList *self,
                                     guint64             to_ns);

void     weft_flow_iter_init        (WeftFlowIter       *iter,
                                     const WeftFlowList *list,
                                     guint               first);
gboolean weft_flow_iter_next        (WeftFlowIter       *iter,
                                     WeftFlow           *out_flow);

G_END_DECLS
