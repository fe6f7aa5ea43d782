/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * WeftBeforeFunc:
 * @data: the sorted sequence
 * @index: an index into it
 * @key: what is searched for
 *
 * Whether the element at @index comes before @key. Over a sorted sequence
 * it must be %TRUE for a prefix of the indices and %FALSE after.
 */
typedef gboolean (*WeftBeforeFunc) (gconstpointer data,
                                    guint         index,
                                    gconstpointer key);

/*
 * _weft_lower_bound:
 * @data: the sorted sequence (any shape @before can index)
 * @n: its length
 * @before: the order
 * @key: what is searched for
 *
 * Binary search. With "element < key" as @before, the first element not
 * less than @key (a lower bound); with "element <= key", the first one
 * greater (an upper bound). Inline, so that a static @before is inlined too.
 *
 * Returns: the first index in [0, @n] for which @before is %FALSE
 */
static inline guint
_weft_lower_bound (gconstpointer  data,
                   guint          n,
                   WeftBeforeFunc before,
                   gconstpointer  key)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (before (data, mid, key))
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

G_END_DECLS
