/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-search-private.h"
#include "weft-trace-track-private.h"
#include "weft-varint-private.h"

/*
 * A sealed block's points after its first: each a varint of its time less
 * the previous point's, shifted left by two, with a tag in the low bits for
 * its value less the previous one: +1, -1, 0, or "a zigzag varint follows".
 * A parallelism step is then one or two bytes. A time step too large to
 * shift is written as DT_ESCAPE and then in full.
 */
#define TAG_UP    0
#define TAG_DOWN  1
#define TAG_SAME  2
#define TAG_OTHER 3
#define DT_ESCAPE ((G_GUINT64_CONSTANT (1) << 61) - 1)
#define MAX_POINT_BYTES (3 * WEFT_VARINT_MAX_BYTES)
#define BLOCK_MASK (WEFT_TRACK_BLOCK - 1)

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
  g_clear_pointer (&track->blocks, g_free);
  g_clear_pointer (&track->block_max, g_free);
  g_clear_pointer (&track->bytes, g_free);
  track->n_blocks = track->cap_blocks = track->n_open = 0;
  track->n_bytes = track->cap_bytes = 0;
  _weft_point_vec_clear (&track->pending);
  _weft_peak_index_clear (&track->peaks);
}

/* ---- the encoding ---------------------------------------------------------- */

static inline guint
encode_point (guint8                 *p,
              const WeftCounterPoint *prev,
              const WeftCounterPoint *point)
{
  guint64 dt = point->time_ns - prev->time_ns;
  gint64 dv = (gint64) ((guint64) point->value - (guint64) prev->value);
  guint tag = dv == 1 ? TAG_UP : dv == -1 ? TAG_DOWN : dv == 0 ? TAG_SAME : TAG_OTHER;
  guint n;

  if (dt < DT_ESCAPE)
    n = _weft_put_varint (p, dt << 2 | tag);
  else
    {
      n = _weft_put_varint (p, DT_ESCAPE << 2 | tag);
      n += _weft_put_varint (p + n, dt);
    }
  if (tag == TAG_OTHER)
    n += _weft_put_varint (p + n, _weft_zigzag (dv));
  return n;
}

/* Advances (*t, *v) from one point to the next */
static inline const guint8 *
decode_point (const guint8 *p,
              guint64      *t,
              gint64       *v)
{
  guint64 head, dt, dv;

  p = _weft_read_varint (p, &head);
  dt = head >> 2;
  if (dt == DT_ESCAPE)
    p = _weft_read_varint (p, &dt);
  *t += dt;
  switch (head & 3)
    {
    case TAG_UP:   *v = (gint64) ((guint64) *v + 1); break;
    case TAG_DOWN: *v = (gint64) ((guint64) *v - 1); break;
    case TAG_SAME: break;
    default:
      p = _weft_read_varint (p, &dv);
      *v = (gint64) ((guint64) *v + (guint64) _weft_unzigzag (dv));
      break;
    }
  return p;
}

/* Block @b's first @n points */
static void
decode_block (const WeftTrack  *track,
              guint             b,
              WeftCounterPoint *out,
              guint             n)
{
  const WeftTrackBlock *block = &track->blocks[b];
  const guint8 *p = track->bytes + block->offset;
  WeftCounterPoint pt = { block->time_ns, block->value };

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        p = decode_point (p, &pt.time_ns, &pt.value);
      out[i] = pt;
    }
}

/* The open block is full: encode it, and open an empty one. */
void
_weft_track_seal (WeftTrack *track)
{
  const WeftCounterPoint *o = track->open;
  WeftTrackBlock *block;
  gint64 m = o[0].value;
  guint8 *p;

  g_assert (track->n_open == WEFT_TRACK_BLOCK);

  if (track->n_blocks == track->cap_blocks)
    {
      track->cap_blocks = MAX (16, track->cap_blocks * 2);
      track->blocks = g_renew (WeftTrackBlock, track->blocks, track->cap_blocks);
      track->block_max = g_renew (gint64, track->block_max, track->cap_blocks);
    }
  if (track->n_bytes + WEFT_TRACK_BLOCK * MAX_POINT_BYTES > track->cap_bytes)
    {
      track->cap_bytes = MAX (track->n_bytes + WEFT_TRACK_BLOCK * MAX_POINT_BYTES, track->cap_bytes * 2);
      track->bytes = g_realloc (track->bytes, track->cap_bytes);
    }
  block = &track->blocks[track->n_blocks];
  block->time_ns = o[0].time_ns;
  block->value = o[0].value;
  block->offset = track->n_bytes;
  p = track->bytes + track->n_bytes;
  for (guint i = 1; i < WEFT_TRACK_BLOCK; i++)
    {
      p += encode_point (p, &o[i - 1], &o[i]);
      m = MAX (m, o[i].value);
    }
  track->n_bytes = (gsize) (p - track->bytes);
  track->block_max[track->n_blocks++] = m;
  track->n_open = 0;
}

/* The open block is empty: the last sealed block becomes the open one. */
void
_weft_track_unseal_last (WeftTrack *track)
{
  g_assert (track->n_open == 0 && track->n_blocks > 0);

  decode_block (track, track->n_blocks - 1, track->open, WEFT_TRACK_BLOCK);
  track->n_blocks--;
  track->n_bytes = track->blocks[track->n_blocks].offset;
  track->n_open = WEFT_TRACK_BLOCK;
  _weft_peak_index_invalidate (&track->peaks, track->n_blocks);
}

/* The value of the point before the open block's first (0 if none) */
gint64
_weft_track_value_before_open (const WeftTrack *track)
{
  guint n = track->n_blocks << WEFT_TRACK_BLOCK_SHIFT;

  return n > 0 ? weft_counter_track_get_point (track, n - 1).value : 0;
}

/* Drops the points from @first on; @first is a block's start or in the
 * open block. */
static void
truncate_points (WeftTrack *track,
                 guint      first)
{
  guint sealed = track->n_blocks << WEFT_TRACK_BLOCK_SHIFT;

  if (first >= sealed)
    {
      track->n_open = MIN (track->n_open, first - sealed);
      return;
    }
  g_assert ((first & BLOCK_MASK) == 0);
  track->n_blocks = first >> WEFT_TRACK_BLOCK_SHIFT;
  track->n_bytes = track->blocks[track->n_blocks].offset;
  track->n_open = 0;
  _weft_peak_index_invalidate (&track->peaks, track->n_blocks);
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
  WeftPointVec *tail = &scratch->tail;
  const WeftCounterPoint *pp;
  guint n_pending = track->pending.len;
  WeftCounterIter iter;
  WeftCounterPoint pt;
  guint64 t_min;
  guint n, lo, i, j;
  gint64 prev;

  track->dirty = FALSE;
  if (n_pending == 0)
    return;

  _weft_point_vec_reserve (&scratch->sorted, n_pending);
  pp = sort_by_time (scratch, track->pending.v, n_pending, scratch->sorted.v);
  t_min = pp[0].time_ns;

  /* First point strictly after t_min: points at t_min arrived first. A
   * sealed block is rewound from its start. */
  n = _weft_track_n_points (track);
  lo = t_min == G_MAXUINT64 ? n : weft_counter_track_lower_bound (track, t_min + 1);
  if (lo < (track->n_blocks << WEFT_TRACK_BLOCK_SHIFT))
    lo &= ~BLOCK_MASK;

  tail->len = 0;
  _weft_point_vec_reserve (tail, n - lo);
  prev = lo > 0 ? weft_counter_track_get_point (track, lo - 1).value : 0;
  weft_counter_iter_init (&iter, track, lo);
  while (weft_counter_iter_next (&iter, &pt))
    {
      tail->v[tail->len].time_ns = pt.time_ns;
      tail->v[tail->len].value = track->delta ? pt.value - prev : pt.value;
      tail->len++;
      prev = pt.value;
    }
  truncate_points (track, lo);

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
}

void
_weft_track_scratch_clear (WeftTrackScratch *scratch)
{
  _weft_point_vec_clear (&scratch->tail);
  _weft_point_vec_clear (&scratch->sorted);
  g_clear_pointer (&scratch->buckets, g_free);
  scratch->n_buckets = 0;
}

/* ---- reading ---------------------------------------------------------------- */

/**
 * weft_counter_track_new:
 * @points: (array length=n_points): points, in any order (at one instant,
 *   the last one wins)
 *
 * Returns: (transfer full): a track of its own, not a model's
 */
WeftCounterTrack *
weft_counter_track_new (const WeftCounterPoint *points,
                        guint                   n_points)
{
  WeftTrack *track = g_new (WeftTrack, 1);
  g_autoptr(GPtrArray) dirty = g_ptr_array_new ();
  WeftTrackScratch scratch = { 0 };

  g_return_val_if_fail (points != NULL || n_points == 0, NULL);

  _weft_track_init (track, FALSE);
  for (guint i = 0; i < n_points; i++)
    _weft_track_add (dirty, track, points[i].time_ns, points[i].value);
  _weft_track_flush (track, &scratch);
  _weft_track_scratch_clear (&scratch);
  return track;
}

/* Frees a track made by weft_counter_track_new() */
void
weft_counter_track_free (WeftCounterTrack *self)
{
  if (self == NULL)
    return;
  _weft_track_clear (self);
  g_free (self);
}

guint
weft_counter_track_get_n_points (const WeftCounterTrack *self)
{
  return self != NULL ? _weft_track_n_points (self) : 0;
}

/* Point @index (< the number of points): a block's worth of decoding at most */
WeftCounterPoint
weft_counter_track_get_point (const WeftCounterTrack *self,
                              guint                   index)
{
  guint b = index >> WEFT_TRACK_BLOCK_SHIFT;
  WeftCounterPoint pt[WEFT_TRACK_BLOCK];

  g_return_val_if_fail (self != NULL && index < _weft_track_n_points (self), (WeftCounterPoint) { 0 });

  if (b >= self->n_blocks)
    return self->open[index - (self->n_blocks << WEFT_TRACK_BLOCK_SHIFT)];
  decode_block (self, b, pt, (index & BLOCK_MASK) + 1);
  return pt[index & BLOCK_MASK];
}

/* Order for _weft_lower_bound() over the blocks, the open one last: @key
 * points to a time */
static gboolean
block_starts_before (gconstpointer data,
                     guint         b,
                     gconstpointer key)
{
  const WeftTrack *track = data;
  guint64 first = b < track->n_blocks ? track->blocks[b].time_ns : track->open[0].time_ns;

  return first < *(const guint64 *) key;
}

/**
 * weft_counter_iter_init_at:
 * @iter: (out caller-allocates): an iterator
 * @track: (nullable): a track
 * @t: a time
 * @out_before: (out) (optional): the point before the first at or after
 *   @t ({ 0, 0 } if none)
 *
 * Sets @iter to read @track's points from the first at or after @t on: a
 * bisection over the blocks, then at most one block decoded.
 *
 * Returns: the index of that point (the number of points if none)
 */
guint
weft_counter_iter_init_at (WeftCounterIter        *iter,
                           const WeftCounterTrack *track,
                           guint64                 t,
                           WeftCounterPoint       *out_before)
{
  WeftCounterPoint pt, before = { 0, 0 };
  /* the blocks that start before t */
  guint lo = track != NULL
    ? _weft_lower_bound (track, track->n_blocks + (track->n_open > 0), block_starts_before, &t) : 0;

  if (lo == 0)
    {
      weft_counter_iter_init (iter, track, 0);
      if (out_before != NULL)
        *out_before = before;
      return 0;
    }
  /* The block starts before t: its first point is read at least */
  weft_counter_iter_init (iter, track, (lo - 1) << WEFT_TRACK_BLOCK_SHIFT);
  for (;;)
    {
      WeftCounterIter saved = *iter;

      if (!weft_counter_iter_next (iter, &pt) || pt.time_ns >= t)
        {
          *iter = saved;
          break;
        }
      before = pt;
    }
  if (out_before != NULL)
    *out_before = before;
  return iter->next;
}

/**
 * weft_counter_track_lower_bound:
 * @self: (nullable): a track
 *
 * Returns: the index of the first point at or after @t (the number of
 *   points if none)
 */
guint
weft_counter_track_lower_bound (const WeftCounterTrack *self,
                                guint64                 t)
{
  WeftCounterIter iter;

  return weft_counter_iter_init_at (&iter, self, t, NULL);
}

/**
 * weft_counter_track_value_at:
 * @self: (nullable): a track
 *
 * Returns: the value of the step function at @t: the last point at or
 *   before @t, or 0 before the first point
 */
gint64
weft_counter_track_value_at (const WeftCounterTrack *self,
                             guint64                 t)
{
  WeftCounterIter iter;
  WeftCounterPoint before;
  guint n = weft_counter_track_get_n_points (self);

  if (t == G_MAXUINT64)
    return n > 0 ? weft_counter_track_get_point (self, n - 1).value : 0;
  /* the point before the first strictly after t */
  weft_counter_iter_init_at (&iter, self, t + 1, &before);
  return before.value;
}

/* The highest value of points [@from, @to), read one by one */
static gint64
scan_max (const WeftTrack *track,
          guint            from,
          guint            to)
{
  WeftCounterIter iter;
  WeftCounterPoint pt;
  gint64 m = G_MININT64;

  weft_counter_iter_init (&iter, track, from);
  while (iter.next < to && weft_counter_iter_next (&iter, &pt))
    m = MAX (m, pt.value);
  return m;
}

/* The highest value of points [@from, @to): the whole sealed blocks from
 * the peak index, the rest point by point; G_MININT64 if empty */
static gint64
range_max (WeftTrack *track,
           guint      from,
           guint      to)
{
  guint first_full = (from + BLOCK_MASK) >> WEFT_TRACK_BLOCK_SHIFT;
  guint end_full = MIN (to >> WEFT_TRACK_BLOCK_SHIFT, track->n_blocks);
  gint64 m;

  if (first_full >= end_full)
    return scan_max (track, from, to);
  m = scan_max (track, from, first_full << WEFT_TRACK_BLOCK_SHIFT);
  m = MAX (m, _weft_peak_index_max (&track->peaks, track->block_max, track->n_blocks, first_full, end_full));
  return MAX (m, scan_max (track, end_full << WEFT_TRACK_BLOCK_SHIFT, to));
}

/**
 * weft_counter_track_get_peak:
 * @self: (nullable): a track
 *
 * The true peak of the step function in a time range, every point counted,
 * in time proportional to the points in range divided by 64. It builds
 * the track's peak index as it goes: one thread at a time.
 *
 * Returns: the highest value in force during [@begin_ns, @end_ns): the one
 *   at @begin_ns and every point inside; 0 for an empty track
 */
gint64
weft_counter_track_get_peak (const WeftCounterTrack *self,
                             guint64                 begin_ns,
                             guint64                 end_ns)
{
  WeftCounterPoint before, first;
  WeftCounterIter iter;
  gboolean at_begin;
  guint lo, hi;

  if (self == NULL || _weft_track_n_points (self) == 0)
    return 0;
  /* The value in force at begin_ns: a point there, or else the one before */
  lo = weft_counter_iter_init_at (&iter, self, begin_ns, &before);
  at_begin = weft_counter_iter_next (&iter, &first) && first.time_ns == begin_ns;
  hi = weft_counter_track_lower_bound (self, end_ns);
  /* (the peak index is a cache, built as ranges are asked for) */
  return MAX (at_begin ? first.value : before.value, range_max ((WeftTrack *) self, lo, hi));
}

/**
 * weft_counter_track_dup_points:
 * @self: (nullable): a track
 * @out_n: (out): the number of points
 *
 * Returns: (transfer full) (array length=out_n) (nullable): a plain copy
 *   of the points (16 bytes each), %NULL if there are none
 */
WeftCounterPoint *
weft_counter_track_dup_points (const WeftCounterTrack *self,
                               guint                  *out_n)
{
  guint n = weft_counter_track_get_n_points (self);
  WeftCounterPoint *points;
  WeftCounterIter iter;

  g_return_val_if_fail (out_n != NULL, NULL);

  *out_n = n;
  if (n == 0)
    return NULL;
  points = g_new (WeftCounterPoint, n);
  weft_counter_iter_init (&iter, self, 0);
  for (guint i = 0; i < n; i++)
    weft_counter_iter_next (&iter, &points[i]);
  return points;
}

/**
 * weft_counter_iter_init:
 * @track: (nullable): a track
 * @first: the first point to read
 *
 * Sets @iter to read @track's points from @first on, in order, with
 * weft_counter_iter_next(); the track must not change meanwhile.
 */
void
weft_counter_iter_init (WeftCounterIter        *iter,
                        const WeftCounterTrack *track,
                        guint                   first)
{
  guint b = first >> WEFT_TRACK_BLOCK_SHIFT;

  *iter = (WeftCounterIter) { .track = track, .next = first };
  if (track == NULL || b >= track->n_blocks || (first & BLOCK_MASK) == 0)
    return;
  /* Inside a sealed block: decode up to the point before @first. */
  iter->time_ns = track->blocks[b].time_ns;
  iter->value = track->blocks[b].value;
  iter->p = track->bytes + track->blocks[b].offset;
  for (guint i = 1; i < (first & BLOCK_MASK); i++)
    iter->p = decode_point (iter->p, &iter->time_ns, &iter->value);
}

/* Reads the next point into @out_point; %FALSE after the last */
gboolean
weft_counter_iter_next (WeftCounterIter  *iter,
                        WeftCounterPoint *out_point)
{
  const WeftTrack *track = iter->track;
  guint i = iter->next, b = i >> WEFT_TRACK_BLOCK_SHIFT;

  if (track == NULL || i >= _weft_track_n_points (track))
    return FALSE;
  if (b >= track->n_blocks)
    {
      *out_point = track->open[i - (track->n_blocks << WEFT_TRACK_BLOCK_SHIFT)];
      iter->next++;
      return TRUE;
    }
  if ((i & BLOCK_MASK) == 0)
    {
      iter->time_ns = track->blocks[b].time_ns;
      iter->value = track->blocks[b].value;
      iter->p = track->bytes + track->blocks[b].offset;
    }
  else
    iter->p = decode_point (iter->p, &iter->time_ns, &iter->value);
  out_point->time_ns = iter->time_ns;
  out_point->value = iter->value;
  iter->next++;
  return TRUE;
}
