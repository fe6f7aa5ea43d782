/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-trace-model.h"

G_BEGIN_DECLS

/*
 * WeftPeakIndex: the highest value of each block of a counter track's
 * points, built lazily, so that the peak of any range costs a walk of its
 * blocks instead of its points. The track says where its points changed
 * (_weft_peak_index_invalidate()); blocks before that stay valid.
 */
typedef struct
{
  gint64 *block_max;
  guint   n_blocks;      /* complete, valid blocks */
  guint   cap;
} WeftPeakIndex;

void   _weft_peak_index_clear      (WeftPeakIndex          *self);
void   _weft_peak_index_invalidate (WeftPeakIndex          *self,
                                    guint                   first_changed);
gint64 _weft_peak_index_max        (WeftPeakIndex          *self,
                                    const WeftCounterPoint *points,
                                    guint                   n_points,
                                    guint                   from,
                                    guint                   to);

G_END_DECLS
