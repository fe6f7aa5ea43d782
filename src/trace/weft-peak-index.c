/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-trace"

#include "config.h"

#include "weft-peak-index-private.h"

#define BLOCK 64

void
_weft_peak_index_clear (WeftPeakIndex *self)
{
  g_clear_pointer (&self->block_max, g_free);
  self->n_blocks = self->cap = 0;
}

/* Points from @first_changed on were changed or removed */
void
_weft_peak_index_invalidate (WeftPeakIndex *self,
                             guint          first_changed)
{
  self->n_blocks = MIN (self->n_blocks, first_changed / BLOCK);
}

/* Makes blocks valid up to the one holding point @upto (excluded) */
static void
extend (WeftPeakIndex          *self,
        const WeftCounterPoint *points,
        guint                   upto)
{
  guint want = upto / BLOCK;

  if (want <= self->n_blocks)
    return;
  if (want > self->cap)
    {
      self->cap = MAX (want, self->cap * 2);
      self->block_max = g_renew (gint64, self->block_max, self->cap);
    }
  for (guint b = self->n_blocks; b < want; b++)
    {
      const WeftCounterPoint *p = points + (gsize) b * BLOCK;
      gint64 m = p[0].value;

      for (guint i = 1; i < BLOCK; i++)
        m = MAX (m, p[i].value);
      self->block_max[b] = m;
    }
  self->n_blocks = want;
}

/* The highest value of points[@from, @to); G_MININT64 if the range is empty */
gint64
_weft_peak_index_max (WeftPeakIndex          *self,
                      const WeftCounterPoint *points,
                      guint                   n_points,
                      guint                   from,
                      guint                   to)
{
  gint64 m = G_MININT64;
  guint i = from;

  to = MIN (to, n_points);
  extend (self, points, to);
  for (; i < to && i % BLOCK != 0; i++)
    m = MAX (m, points[i].value);
  while (i + BLOCK <= to)
    {
      m = MAX (m, self->block_max[i / BLOCK]);
      i += BLOCK;
    }
  for (; i < to; i++)
    m = MAX (m, points[i].value);
  return m;
}
