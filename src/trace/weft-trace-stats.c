/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "weft-trace-stats.h"

/**
 * weft_lane_stats_get_busy_ns:
 * @stats: lane statistics
 *
 * Returns: the time spent in any state but IDLE
 */
guint64
weft_lane_stats_get_busy_ns (const WeftLaneStats *stats)
{
  guint64 sum = 0;

  g_return_val_if_fail (stats != NULL, 0);

  for (guint i = WEFT_STATE_IDLE + 1; i < WEFT_N_STATES; i++)
    sum += stats->state_ns[i];
  return sum;
}

/**
 * weft_lane_stats_get_total_ns:
 * @stats: lane statistics
 *
 * Returns: the sum of all states, IDLE included (the run's wall time)
 */
guint64
weft_lane_stats_get_total_ns (const WeftLaneStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return weft_lane_stats_get_busy_ns (stats) + stats->state_ns[WEFT_STATE_IDLE];
}

/**
 * weft_lane_stats_get_tasks:
 * @stats: lane statistics
 *
 * Returns: tasks ended on the lane, whatever their status
 */
guint64
weft_lane_stats_get_tasks (const WeftLaneStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->tasks_completed + stats->tasks_failed + stats->tasks_cancelled;
}

/**
 * weft_lock_stats_get_mean_wait_ns:
 * @stats: lock statistics
 *
 * Returns: mean wait of the contended acquisitions, 0 if there were none
 */
guint64
weft_lock_stats_get_mean_wait_ns (const WeftLockStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->contended ? stats->total_wait_ns / stats->contended : 0;
}

/**
 * weft_lock_stats_get_contention:
 * @stats: lock statistics
 *
 * Returns: the fraction of acquisitions that had to wait, in [0, 1]
 */
double
weft_lock_stats_get_contention (const WeftLockStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0.0);

  return stats->acquisitions ? (double) stats->contended / (double) stats->acquisitions : 0.0;
}
