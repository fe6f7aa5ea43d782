/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-trace"

#include "config.h"

#include <string.h>

#include "weft-peak-index-private.h"

/* A block at level k holds the highest of BLOCK entries of level k - 1 (the
 * values, for level 0): 64^(k+1) values. */
#define BLOCK_SHIFT 6
#define BLOCK       (1u << BLOCK_SHIFT)

void
_weft_peak_index_clear (WeftPeakIndex *self)
{
  for (guint k = 0; k < WEFT_PEAK_LEVELS; k++)
    g_clear_pointer (&self->levels[k].max, g_free);
  memset (self, 0, sizeof *self);
}

/* Values from @first_changed on were changed or removed */
void
_weft_peak_index_invalidate (WeftPeakIndex *self,
                             guint          first_changed)
{
  guint64 first = first_changed;

  for (guint k = 0; k < WEFT_PEAK_LEVELS; k++)
    {
      first >>= BLOCK_SHIFT;
      self->levels[k].n = (guint) MIN (self->levels[k].n, first);
    }
}

/* Entry @i of level @k: a value below level 0 (k = -1) */
static inline gint64
entry (const WeftPeakIndex *self,
       const gint64        *values,
       int                  k,
       guint                i)
{
  return k < 0 ? values[i] : self->levels[k].max[i];
}

/* Makes the blocks of every level valid up to the one holding value @upto
 * (excluded) */
static void
extend (WeftPeakIndex *self,
        const gint64  *values,
        guint          upto)
{
  guint64 want = upto;

  for (int k = 0; k < WEFT_PEAK_LEVELS; k++)
    {
      WeftPeakLevel *level = &self->levels[k];

      want >>= BLOCK_SHIFT;
      if (want <= level->n)
        continue;
      if (want > level->cap)
        {
          level->cap = (guint) MAX (want, (guint64) level->cap * 2);
          level->max = g_renew (gint64, level->max, level->cap);
        }
      for (guint b = level->n; b < want; b++)
        {
          guint first = b << BLOCK_SHIFT;
          gint64 m = entry (self, values, k - 1, first);

          for (guint i = 1; i < BLOCK; i++)
            m = MAX (m, entry (self, values, k - 1, first + i));
          level->max[b] = m;
        }
      level->n = (guint) want;
    }
}

/*
 * The highest of values[@from, @to); G_MININT64 if the range is empty.
 * Reads at most 2 × 63 entries per level: up through the levels while the
 * range's start is not aligned to the next, then down while its end is.
 */
gint64
_weft_peak_index_max (WeftPeakIndex *self,
                      const gint64  *values,
                      guint          n_values,
                      guint          from,
                      guint          to)
{
  gint64 m = G_MININT64;
  guint64 i = from, end;
  int k = -1;

  end = MIN (to, n_values);
  if (i >= end)
    return m;
  extend (self, values, (guint) end);

  /* Up: entries of level k cover 64^(k+1) values. */
  for (;;)
    {
      guint shift = (guint) (k + 1) * BLOCK_SHIFT;
      guint64 unit = G_GUINT64_CONSTANT (1) << shift;
      guint64 next_unit = unit << BLOCK_SHIFT;

      while (i % next_unit != 0 && i + unit <= end)
        {
          m = MAX (m, entry (self, values, k, (guint) (i >> shift)));
          i += unit;
        }
      if (k + 1 >= WEFT_PEAK_LEVELS || i % next_unit != 0 || i + next_unit > end)
        break;
      k++;
    }

  /* Down */
  for (; k >= -1; k--)
    {
      guint shift = (guint) (k + 1) * BLOCK_SHIFT;
      guint64 unit = G_GUINT64_CONSTANT (1) << shift;

      while (i + unit <= end)
        {
          m = MAX (m, entry (self, values, k, (guint) (i >> shift)));
          i += unit;
        }
    }
  return m;
}
