/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-peak-index-private.h"

G_BEGIN_DECLS

/*
 * WeftTrack: a counter track of the trace model (a counter's values, a
 * queue's depth, or the parallelism as deltas), kept sorted by time. Points
 * that come in order while none is parked are applied at once (the hot
 * path, inline here). From the first point out of order on, every point is
 * parked as it comes, until the model flushes the track (when many are
 * parked, at finish, and before anything reads it): _weft_track_flush()
 * sorts them by time and merges them in, with what they overtook.
 */

/* A growable array of points, appended inline (the hot path). */
typedef struct
{
  WeftCounterPoint *v;
  guint             len;
  guint             cap;
} WeftPointVec;

typedef struct
{
  WeftPointVec  points;   /* sorted by time */
  WeftPointVec  pending;  /* parked, in arrival order, for _weft_track_flush() */
  gboolean      delta;    /* values are deltas (parallelism) */
  gboolean      dirty;    /* in the model's list of tracks to flush */
  WeftPeakIndex peaks;    /* peaks of ranges, for the counters' labels */
} WeftTrack;

/* What flushes reuse (one per model) */
typedef struct
{
  WeftPointVec  tail;     /* the points a flush rewinds */
  WeftPointVec  sorted;   /* the parked points in time order */
  guint32      *buckets;  /* the sort's counts */
  guint         n_buckets;
} WeftTrackScratch;

void _weft_point_vec_reserve (WeftPointVec *pv,
                              guint         n);
void _weft_point_vec_clear   (WeftPointVec *pv);
void _weft_track_init        (WeftTrack    *track,
                              gboolean      delta);
void _weft_track_clear       (WeftTrack    *track);
void _weft_track_flush       (WeftTrack        *track,
                              WeftTrackScratch *scratch);
void _weft_track_scratch_clear (WeftTrackScratch *scratch);

/* Orders for _weft_lower_bound(): @key points to a time. */
static inline gboolean
_weft_point_before (gconstpointer data, guint i, gconstpointer key)
{
  return ((const WeftCounterPoint *) data)[i].time_ns < *(const guint64 *) key;
}

static inline gboolean
_weft_point_at_or_before (gconstpointer data, guint i, gconstpointer key)
{
  return ((const WeftCounterPoint *) data)[i].time_ns <= *(const guint64 *) key;
}

static inline void
_weft_point_vec_push (WeftPointVec *pv,
                      guint64       t,
                      gint64        value)
{
  if (G_UNLIKELY (pv->len == pv->cap))
    _weft_point_vec_reserve (pv, pv->len + 1);
  pv->v[pv->len].time_ns = t;
  pv->v[pv->len].value = value;
  pv->len++;
}

static inline void
_weft_track_apply (WeftTrack *track,
                   guint64    t,
                   gint64     value)
{
  WeftPointVec *points = &track->points;
  WeftCounterPoint *last = points->len ? &points->v[points->len - 1] : NULL;

  if (track->delta)
    value += last ? last->value : 0;
  if (last != NULL && last->time_ns == t)
    {
      /* Several changes at one instant: the last one wins. */
      _weft_peak_index_invalidate (&track->peaks, points->len - 1);
      last->value = value;
      /* A derived track is a pure step function: changes that cancel out
       * at one instant leave no step, whatever order they came in. */
      if (track->delta && value == (points->len > 1 ? last[-1].value : 0))
        points->len--;
      return;
    }
  _weft_point_vec_push (points, t, value);
}

/* Adds a point. Returns TRUE if it was parked (and @track put on @dirty,
 * once) for _weft_track_flush(). */
static inline gboolean
_weft_track_add (GPtrArray *dirty,
                 WeftTrack *track,
                 guint64    t,
                 gint64     value)
{
  WeftPointVec *points = &track->points;

  if (G_LIKELY (track->pending.len == 0 &&
                (points->len == 0 || points->v[points->len - 1].time_ns <= t)))
    {
      _weft_track_apply (track, t, value);
      return FALSE;
    }

  _weft_point_vec_push (&track->pending, t, value);
  if (!track->dirty)
    {
      track->dirty = TRUE;
      g_ptr_array_add (dirty, track);
    }
  return TRUE;
}

G_END_DECLS
