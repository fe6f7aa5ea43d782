/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * WeftPeakIndex: the highest of each block of an array of values (a counter
 * track's highest value per block of its points), at several levels (blocks
 * of 64 values, of 64 blocks, ...), built lazily, so that the peak of any
 * range reads a few hundred entries however many values it spans. The
 * owner says where its values changed (_weft_peak_index_invalidate());
 * blocks before that stay valid.
 */
#define WEFT_PEAK_LEVELS 4

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
                                    const gint64           *values,
                                    guint                   n_values,
                                    guint                   from,
                                    guint                   to);

G_END_DECLS
