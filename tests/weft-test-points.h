/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The points of a counter track as a plain array, for tests to index. */
#pragma once

#include <glib.h>

#include "weft-counter-track.h"

G_BEGIN_DECLS

/* A copy of @track's points (%NULL if none), freed when the test ends */
static inline const WeftCounterPoint *
weft_test_points (const WeftCounterTrack *track,
                  guint                  *out_n)
{
  WeftCounterPoint *points = weft_counter_track_dup_points (track, out_n);

  if (points != NULL)
    g_test_queue_free (points);
  return points;
}

G_END_DECLS
