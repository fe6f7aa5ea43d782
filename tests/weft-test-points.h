/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A counter track's points and a model's flows as plain arrays, for tests
 * to index. */
#pragma once

#include <glib.h>

#include "weft-counter-track.h"
#include "weft-flow-list.h"

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

/* A copy of @list's flows (%NULL if none), freed when the test ends */
static inline const WeftFlow *
weft_test_flows (const WeftFlowList *list,
                 guint              *out_n)
{
  guint n = weft_flow_list_get_n_flows (list);
  WeftFlow *flows = n > 0 ? g_new (WeftFlow, n) : NULL;
  WeftFlowIter iter;

  weft_flow_iter_init (&iter, list, 0);
  for (guint i = 0; i < n; i++)
    weft_flow_iter_next (&iter, &flows[i]);
  if (flows != NULL)
    g_test_queue_free (flows);
  *out_n = n;
  return flows;
}

G_END_DECLS
