/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * WeftCounterPoint:
 * @time_ns: absolute ns
 * @value: the value from @time_ns until the next point
 *
 * One step of a counter track (a step function; 0 before the first point).
 */
typedef struct
{
  guint64 time_ns;
  gint64  value;
} WeftCounterPoint;

/**
 * WeftCounterTrack:
 *
 * A step function over time: a counter's values, a queue's depth, the
 * parallelism. Its points are kept compressed, in blocks of 64 (a few bytes
 * a point, not 16), so they are read through these calls: by index, by
 * time, or in order with a #WeftCounterIter. A model's tracks belong to the
 * model (weft_trace_model_get_counter()) and stay valid as long as it;
 * their points change with its appends.
 */
typedef struct _WeftCounterTrack WeftCounterTrack;

/**
 * WeftCounterIter:
 *
 * Reads a track's points in order (weft_counter_iter_init()). Its fields
 * are private.
 */
typedef struct
{
  const WeftCounterTrack *track;
  guint                   next;      /* the index of the next point */
  guint64                 time_ns;   /* the last point read */
  gint64                  value;
  const guint8           *p;         /* the next point's bytes, in a block */
} WeftCounterIter;

WeftCounterTrack *weft_counter_track_new          (const WeftCounterPoint *points,
                                                   guint                   n_points);
void              weft_counter_track_free         (WeftCounterTrack       *self);
guint             weft_counter_track_get_n_points (const WeftCounterTrack *self);
WeftCounterPoint  weft_counter_track_get_point    (const WeftCounterTrack *self,
                                                   guint                   index);
guint             weft_counter_track_lower_bound  (const WeftCounterTrack *self,
                                                   guint64                 t);
gint64            weft_counter_track_value_at     (const WeftCounterTrack *self,
                                                   guint64                 t);
gint64            weft_counter_track_get_peak     (const WeftCounterTrack *self,
                                                   guint64                 begin_ns,
                                                   guint64                 end_ns);
WeftCounterPoint *weft_counter_track_dup_points   (const WeftCounterTrack *self,
                                                   guint                  *out_n);

void              weft_counter_iter_init          (WeftCounterIter        *iter,
                                                   const WeftCounterTrack *track,
                                                   guint                   first);
guint             weft_counter_iter_init_at       (WeftCounterIter        *iter,
                                                   const WeftCounterTrack *track,
                                                   guint64                 t,
                                                   WeftCounterPoint       *out_before);
gboolean          weft_counter_iter_next          (WeftCounterIter        *iter,
                                                   WeftCounterPoint       *out_point);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftCounterTrack, weft_counter_track_free)

G_END_DECLS
