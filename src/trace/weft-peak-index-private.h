/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-trace-model.h"

G_BEGIN_DECLS

/*
 * WeftPeakIndex: the highest value of each block of a counter track's
 * points, at several levels (blocks of 64 points, of 64 blocks, ...), built
 * lazily, so that the peak of any range reads a few hundred entries however
 * many points it spans. The track says where its points changed
 * (_weft_peak_index_invalidate()); blocks before that stay valid.
 */
#define WEFT_PEAK_LEVELS 5

typedef struct
{
  gint64 *max;
  guint   n;             /* complete, valid blocks */
  guint   cap;
} WeftPeakLevel;

typedef struct
{
  WeftPeakLevel levels[WEFT_PEAK_LEVELS];
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
