/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-search-private.h"
#include "weft-trace-track-private.h"

void
_weft_point_vec_reserve (WeftPointVec *pv,
                         guint         n)
{
  if (n > pv->cap)
    {
      pv->cap = MAX (n, MAX (16, pv->cap * 2));
      pv->v = g_renew (WeftCounterPoint, pv->v, pv->cap);
    }
}

void
_weft_point_vec_clear (WeftPointVec *pv)
{
  g_clear_pointer (&pv->v, g_free);
  pv->len = pv->cap = 0;
}

void
_weft_track_init (WeftTrack *track,
                  gboolean   delta)
{
  memset (track, 0, sizeof *track);
  track->delta = delta;
}

void
_weft_track_clear (WeftTrack *track)
{
  _weft_point_vec_clear (&track->points);
  _weft_point_vec_clear (&track->pending);
  _weft_peak_index_clear (&track->peaks);
}

/* Stable natural merge sort by time: parked points come as a few sorted runs
 * (one per worker buffer), so this is a few linear passes. Returns whichever
 * of @src and @dst holds the result. */
static WeftCounterPoint *
sort_points (WeftCounterPoint *src,
             WeftCounterPoint *dst,
             guint             n)
{
  for (;;)
    {
      guint i = 0;

      while (i < n)
        {
          guint a = i, b = i + 1, c, out = i;

          while (b < n && src[b - 1].time_ns <= src[b].time_ns)
            b++;
          if (b == n)
            {
              if (a == 0)
                return src;
              memcpy (dst + a, src + a, (gsize) (b - a) * sizeof *src);
              break;
            }
          c = b + 1;
          while (c < n && src[c - 1].time_ns <= src[c].time_ns)
            c++;
          /* merge [a,b) and [b,c), left first on ties */
          {
            guint x = a, y = b;

            while (x < b && y < c)
              dst[out++] = src[y].time_ns < src[x].time_ns ? src[y++] : src[x++];
            while (x < b)
              dst[out++] = src[x++];
            while (y < c)
              dst[out++] = src[y++];
          }
          i = c;
        }

      {
        WeftCounterPoint *tmp = src;

        src = dst;
        dst = tmp;
      }
    }
}

/* Merge the parked points into the track: rewind to the earliest of them and
 * replay the tail (as deltas for a delta track) together with them. */
void
_weft_track_flush (WeftTrack    *track,
                   WeftPointVec *tail,
                   WeftPointVec *scratch_sort)
{
  WeftPointVec *points = &track->points;
  const WeftCounterPoint *pp;
  guint n_pending = track->pending.len;
  guint64 t_min;
  guint lo, i, j;
  gint64 prev;

  track->dirty = FALSE;
  if (n_pending == 0)
    return;

  _weft_point_vec_reserve (scratch_sort, n_pending);
  pp = sort_points (track->pending.v, scratch_sort->v, n_pending);
  t_min = pp[0].time_ns;

  /* First point strictly after t_min: points at t_min arrived first. */
  lo = _weft_lower_bound (points->v, points->len, _weft_point_at_or_before, &t_min);

  tail->len = 0;
  _weft_point_vec_reserve (tail, points->len - lo);
  prev = lo > 0 ? points->v[lo - 1].value : 0;
  for (i = lo; i < points->len; i++)
    {
      tail->v[tail->len].time_ns = points->v[i].time_ns;
      tail->v[tail->len].value = track->delta ? points->v[i].value - prev : points->v[i].value;
      tail->len++;
      prev = points->v[i].value;
    }
  points->len = lo;
  _weft_peak_index_invalidate (&track->peaks, lo);

  i = j = 0;
  while (i < tail->len || j < n_pending)
    {
      const WeftCounterPoint *next;

      if (j >= n_pending || (i < tail->len && tail->v[i].time_ns <= pp[j].time_ns))
        next = &tail->v[i++];
      else
        next = &pp[j++];
      _weft_track_apply (track, next->time_ns, next->value);
    }

  track->pending.len = 0;
  g_assert (points->len <= 1 || points->v[points->len - 2].time_ns <= points->v[points->len - 1].time_ns);
}
