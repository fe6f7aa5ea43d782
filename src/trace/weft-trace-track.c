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

/* A bucket's points are put in order by insertion; a bucket fuller than
 * this (points bunched in time) sends the whole sort to sort_points(). */
#define MAX_BUCKET_POINTS 32

/* The buckets of a sort: a power of two, about one per point. */
#define MAX_BUCKET_BITS 20

static guint
bucket_bits (guint n)
{
  return MIN (MAX_BUCKET_BITS, g_bit_storage (n));
}

/* Sorts @n points (n > 0) by time, stably: a counting sort by the time's
 * high bits into @out, then insertion sort, which moves points within their
 * bucket only. Parked points are many short sorted runs from interleaved
 * worker buffers, spread evenly in time, so this is a few linear passes;
 * bunched points go to the merge sort instead, which may use @in as its
 * scratch. Returns whichever of @in and @out holds the result. */
static const WeftCounterPoint *
sort_by_time (WeftTrackScratch *scratch,
              WeftCounterPoint *in,
              guint             n,
              WeftCounterPoint *out)
{
  guint64 t_min = G_MAXUINT64, t_max = 0;
  guint bits = bucket_bits (n), n_buckets = 1u << bits, shift, most = 0;
  guint32 *count;

  for (guint i = 0; i < n; i++)
    {
      t_min = MIN (t_min, in[i].time_ns);
      t_max = MAX (t_max, in[i].time_ns);
    }
  shift = g_bit_storage (t_max - t_min) > bits ? g_bit_storage (t_max - t_min) - bits : 0;

  if (scratch->n_buckets < n_buckets + 1)
    {
      g_free (scratch->buckets);
      scratch->buckets = g_new (guint32, n_buckets + 1);
      scratch->n_buckets = n_buckets + 1;
    }
  count = scratch->buckets;
  memset (count, 0, (n_buckets + 1) * sizeof *count);
  for (guint i = 0; i < n; i++)
    count[((in[i].time_ns - t_min) >> shift) + 1]++;
  for (guint b = 0; b < n_buckets; b++)
    {
      most = MAX (most, count[b + 1]);
      count[b + 1] += count[b];
    }
  if (most > MAX_BUCKET_POINTS)
    {
      memcpy (out, in, (gsize) n * sizeof *in);
      return sort_points (out, in, n);
    }

  for (guint i = 0; i < n; i++)
    out[count[(in[i].time_ns - t_min) >> shift]++] = in[i];
  for (guint i = 1; i < n; i++)
    {
      WeftCounterPoint p = out[i];
      guint j = i;

      while (j > 0 && out[j - 1].time_ns > p.time_ns)
        {
          out[j] = out[j - 1];
          j--;
        }
      out[j] = p;
    }
  return out;
}

/* Merge the parked points into the track: rewind to the earliest of them and
 * replay the tail (as deltas for a delta track) together with them. */
void
_weft_track_flush (WeftTrack        *track,
                   WeftTrackScratch *scratch)
{
  WeftPointVec *points = &track->points;
  WeftPointVec *tail = &scratch->tail;
  const WeftCounterPoint *pp;
  guint n_pending = track->pending.len;
  guint64 t_min;
  guint lo, i, j;
  gint64 prev;

  track->dirty = FALSE;
  if (n_pending == 0)
    return;

  _weft_point_vec_reserve (&scratch->sorted, n_pending);
  pp = sort_by_time (scratch, track->pending.v, n_pending, scratch->sorted.v);
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

void
_weft_track_scratch_clear (WeftTrackScratch *scratch)
{
  _weft_point_vec_clear (&scratch->tail);
  _weft_point_vec_clear (&scratch->sorted);
  g_clear_pointer (&scratch->buckets, g_free);
  scratch->n_buckets = 0;
}
