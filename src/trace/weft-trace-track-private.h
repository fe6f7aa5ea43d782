/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-counter-track.h"
#include "weft-peak-index-private.h"

G_BEGIN_DECLS

/*
 * WeftTrack (public: WeftCounterTrack): a counter track of the trace model
 * (a counter's values, a queue's depth, or the parallelism as deltas), kept
 * sorted by time. Points that come in order while none is parked are
 * applied at once (the hot path, inline here). From the first point out of
 * order on, every point is parked as it comes, until the model flushes the
 * track (when many are parked, at finish, and before anything reads it):
 * _weft_track_flush() sorts them by time and merges them in, with what they
 * overtook.
 *
 * Storage: blocks of WEFT_TRACK_BLOCK points. The last block ("open") is a
 * plain array, so that the newest point can change; full blocks are sealed:
 * their first point in a WeftTrackBlock, the others encoded in @bytes, each
 * as its time and value less the previous point's (weft-trace-track.c), and
 * their highest value in @block_max (for the peak index).
 */
#define WEFT_TRACK_BLOCK_SHIFT 6
#define WEFT_TRACK_BLOCK       (1u << WEFT_TRACK_BLOCK_SHIFT)

/* A growable array of points, appended inline (the hot path). */
typedef struct
{
  WeftCounterPoint *v;
  guint             len;
  guint             cap;
} WeftPointVec;

typedef struct
{
  guint64 time_ns;   /* its first point's */
  gint64  value;
  guint64 offset;    /* where the other points' bytes start */
} WeftTrackBlock;

typedef WeftCounterTrack WeftTrack;

struct _WeftCounterTrack
{
  WeftTrackBlock  *blocks;      /* sealed */
  gint64          *block_max;
  guint            n_blocks;
  guint            cap_blocks;
  guint8          *bytes;
  gsize            n_bytes;
  gsize            cap_bytes;
  WeftCounterPoint open[WEFT_TRACK_BLOCK];
  guint            n_open;
  WeftPointVec     pending;     /* parked, in arrival order, for _weft_track_flush() */
  gboolean         delta;       /* values are deltas (parallelism) */
  gboolean         dirty;       /* in the model's list of tracks to flush */
  WeftPeakIndex    peaks;       /* over block_max, for the counters' labels */
};

/* What flushes reuse (one per model) */
typedef struct
{
  WeftPointVec  tail;     /* the points a flush rewinds */
  WeftPointVec  sorted;   /* the parked points in time order */
  guint32      *buckets;  /* the sort's counts */
  guint         n_buckets;
} WeftTrackScratch;

void _weft_track_seal        (WeftTrack    *track);
void _weft_track_unseal_last (WeftTrack    *track);
gint64 _weft_track_value_before_open (const WeftTrack *track);
void _weft_point_vec_reserve (WeftPointVec *pv,
                              guint         n);
void _weft_point_vec_clear   (WeftPointVec *pv);
void _weft_track_init        (WeftTrack    *track,
                              gboolean      delta);
void _weft_track_clear       (WeftTrack    *track);
void _weft_track_flush       (WeftTrack        *track,
                              WeftTrackScratch *scratch);
void _weft_track_scratch_clear (WeftTrackScratch *scratch);

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

static inline guint
_weft_track_n_points (const WeftTrack *track)
{
  return (track->n_blocks << WEFT_TRACK_BLOCK_SHIFT) + track->n_open;
}

static inline void
_weft_track_apply (WeftTrack *track,
                   guint64    t,
                   gint64     value)
{
  WeftCounterPoint *last;

  /* the newest point is always in the open block */
  if (G_UNLIKELY (track->n_open == 0 && track->n_blocks > 0))
    _weft_track_unseal_last (track);
  last = track->n_open > 0 ? &track->open[track->n_open - 1] : NULL;
  if (track->delta)
    value += last ? last->value : 0;
  if (last != NULL && last->time_ns == t)
    {
      /* Several changes at one instant: the last one wins. */
      last->value = value;
      /* A derived track is a pure step function: changes that cancel out
       * at one instant leave no step, whatever order they came in. */
      if (track->delta &&
          value == (track->n_open > 1 ? last[-1].value : _weft_track_value_before_open (track)))
        track->n_open--;
      return;
    }
  if (G_UNLIKELY (track->n_open == WEFT_TRACK_BLOCK))
    _weft_track_seal (track);
  track->open[track->n_open].time_ns = t;
  track->open[track->n_open].value = value;
  track->n_open++;
}

/* The newest point's time (the track must not be empty) */
static inline guint64
_weft_track_last_time (const WeftTrack *track)
{
  return track->n_open > 0 ? track->open[track->n_open - 1].time_ns
                           : weft_counter_track_get_point (track, _weft_track_n_points (track) - 1).time_ns;
}

/* Adds a point. Returns TRUE if it was parked (and @track put on @dirty,
 * once) for _weft_track_flush(). */
static inline gboolean
_weft_track_add (GPtrArray *dirty,
                 WeftTrack *track,
                 guint64    t,
                 gint64     value)
{
  if (G_LIKELY (track->pending.len == 0 &&
                (_weft_track_n_points (track) == 0 || _weft_track_last_time (track) <= t)))
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
