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
 * weft_lock_stats_get_waits:
 * @stats: lock statistics
 *
 * Returns: the waits for the lock: those that acquired it and those that
 *   never did
 */
guint64
weft_lock_stats_get_waits (const WeftLockStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->contended + stats->unacquired;
}

/**
 * weft_lock_stats_get_mean_wait_ns:
 * @stats: lock statistics
 *
 * Returns: mean wait of every wait (acquired or not), 0 if there were none
 */
guint64
weft_lock_stats_get_mean_wait_ns (const WeftLockStats *stats)
{
  guint64 waits;

  g_return_val_if_fail (stats != NULL, 0);

  waits = weft_lock_stats_get_waits (stats);
  return waits ? stats->total_wait_ns / waits : 0;
}

/**
 * weft_lock_stats_get_contention:
 * @stats: lock statistics
 *
 * Returns: the fraction of attempts to take the lock (acquisitions and
 *   waits that never acquired) that had to wait, in [0, 1]
 */
double
weft_lock_stats_get_contention (const WeftLockStats *stats)
{
  guint64 attempts;

  g_return_val_if_fail (stats != NULL, 0.0);

  attempts = stats->acquisitions + stats->unacquired;
  return attempts ? (double) weft_lock_stats_get_waits (stats) / (double) attempts : 0.0;
}
