/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "weft-fuzz.h"

/*
 * One-time setup of a fuzz target's process. Nothing here changes what an
 * input does: it only makes every GLib warning or critical abort (so
 * libFuzzer counts it as a crash) and names the one scratch file that the
 * targets reading files from disk write each input to.
 */

static char *scratch_dir;
static char *scratch_path;

static void
remove_scratch (void)
{
  if (scratch_path != NULL)
    g_unlink (scratch_path);
  if (scratch_dir != NULL)
    g_rmdir (scratch_dir);
  g_clear_pointer (&scratch_path, g_free);
  g_clear_pointer (&scratch_dir, g_free);
}

void
weft_fuzz_init (void)
{
  static gboolean done;

  if (done)
    return;
  done = TRUE;

  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

/**
 * weft_fuzz_scratch_path:
 *
 * Returns: (transfer none): a file name in a private temporary folder,
 *   removed when the process exits; the file is named "input.json" so that
 *   messages read as they do for a user's file
 */
const char *
weft_fuzz_scratch_path (void)
{
  g_autoptr(GError) error = NULL;

  if (scratch_path != NULL)
    return scratch_path;

  /* In memory where there is a tmpfs: a disk costs more than the import.
   * Named by the process id, so that what a crashed process left is found
   * (and removed by build-aux/dev fuzz). */
  if (g_access ("/dev/shm", W_OK) == 0)
    {
      scratch_dir = g_strdup_printf ("/dev/shm/weft-fuzz-%d", (int) getpid ());
      if (g_mkdir (scratch_dir, 0700) != 0 && errno != EEXIST)
        g_clear_pointer (&scratch_dir, g_free);
    }
  if (scratch_dir == NULL)
    scratch_dir = g_dir_make_tmp ("weft-fuzz-XXXXXX", &error);
  if (scratch_dir == NULL)
    g_error ("cannot make a scratch folder: %s", error->message);
  scratch_path = g_build_filename (scratch_dir, "input.json", NULL);
  atexit (remove_scratch);
  return scratch_path;
}

/* ---- what every finished model must satisfy ------------------------------ */

/* Each row of a lane is time-sorted and its spans never overlap. */
static void
check_lane_rows (WeftLane *lane,
                 gboolean  finished)
{
  guint64 total = 0;

  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    {
      guint n = weft_lane_get_n_spans (lane, d);
      guint64 prev_end = 0;

      for (guint i = 0; i < n; i++)
        {
          WeftSpan span;

          g_assert_true (weft_lane_get_span (lane, d, i, &span));
          g_assert_cmpuint (span.end_ns, >=, span.start_ns);
          g_assert_cmpuint (span.start_ns, >=, prev_end);
          g_assert_cmpuint (span.depth, ==, d);
          g_assert_cmpuint (span.state, <, WEFT_N_STATES);
          prev_end = span.end_ns;
        }
      total += n;
    }
  g_assert_cmpuint (total, ==, weft_lane_get_total_spans (lane));
  if (finished)
    g_assert_cmpuint (weft_lane_get_n_open_spans (lane), ==, 0);
}

/* A lane's states add up exactly to the run's wall time. */
static void
check_lane_stats (WeftTraceModel     *model,
                  WeftLane           *lane,
                  const WeftRunStats *run)
{
  WeftLaneStats ls;
  guint64 sum = 0;

  g_assert_true (weft_trace_model_get_lane_stats (model, weft_lane_get_worker (lane), &ls));
  for (guint s = 0; s < WEFT_N_STATES; s++)
    sum += ls.state_ns[s];
  g_assert_cmpuint (sum, ==, run->wall_ns);
  g_assert_cmpuint (ls.n_spans, ==, weft_lane_get_total_spans (lane));
}

/* Sorted points, the same by index as in order, and found by time */
static void
check_track (const WeftCounterTrack *track)
{
  guint n = weft_counter_track_get_n_points (track), i = 0;
  WeftCounterPoint pt, prev = { 0 };
  WeftCounterIter iter;

  weft_counter_iter_init (&iter, track, 0);
  for (; weft_counter_iter_next (&iter, &pt); prev = pt, i++)
    {
      if (i > 0)
        g_assert_cmpuint (prev.time_ns, <=, pt.time_ns);
      if (i % 61 == 0 || i + 1 == n)
        {
          WeftCounterPoint at = weft_counter_track_get_point (track, i);

          g_assert_cmpuint (at.time_ns, ==, pt.time_ns);
          g_assert_cmpint (at.value, ==, pt.value);
          g_assert_cmpuint (weft_counter_track_lower_bound (track, pt.time_ns), <=, i);
        }
    }
  g_assert_cmpuint (i, ==, n);
}

/* Sorted flows, the same by index as in order, and found by time */
static void
check_flows (const WeftFlowList *list)
{
  guint n = weft_flow_list_get_n_flows (list), i = 0;
  WeftFlow f, prev = { 0 };
  WeftFlowIter iter;

  weft_flow_iter_init (&iter, list, 0);
  for (; weft_flow_iter_next (&iter, &f); prev = f, i++)
    {
      if (i > 0)
        g_assert_cmpuint (prev.to_ns, <=, f.to_ns);
      if (i % 61 == 0 || i + 1 == n)
        {
          WeftFlow at = weft_flow_list_get_flow (list, i);

          g_assert_cmpuint (at.to_ns, ==, f.to_ns);
          g_assert_cmpuint (at.from_ns, ==, f.from_ns);
          g_assert_cmpint (at.item, ==, f.item);
          g_assert_cmpuint (at.object, ==, f.object);
          g_assert_cmpuint (weft_flow_list_lower_bound (list, f.to_ns), <=, i);
        }
    }
  g_assert_cmpuint (i, ==, n);
}

static void
check_objects (WeftTraceModel *model)
{
  static const WeftObjectKind kinds[] = {
    WEFT_OBJECT_LOCK, WEFT_OBJECT_GIL, WEFT_OBJECT_QUEUE, WEFT_OBJECT_COUNTER,
  };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      guint n = 0;
      g_autofree guint32 *ids = weft_trace_model_list_objects (model, kinds[k], &n);

      for (guint i = 0; i < n; i++)
        {
          WeftLockStats lock;
          WeftQueueStats queue;

          g_assert_cmpint (weft_trace_model_get_object_kind (model, ids[i]), ==, kinds[k]);
          (void) weft_trace_model_get_object_name (model, ids[i]);
          if (kinds[k] == WEFT_OBJECT_LOCK || kinds[k] == WEFT_OBJECT_GIL)
            {
              if (weft_trace_model_get_lock_stats (model, ids[i], &lock))
                {
                  g_assert_cmpuint (lock.contended, <=, lock.acquisitions);
                  g_assert_cmpuint (lock.max_wait_ns, <=, lock.total_wait_ns);
                }
            }
          else if (kinds[k] == WEFT_OBJECT_QUEUE)
            (void) weft_trace_model_get_queue_stats (model, ids[i], &queue);
          check_track (weft_trace_model_get_counter (model, ids[i]));
        }
    }
}

/**
 * weft_fuzz_check_model:
 *
 * Walks a model through its public API and asserts what its documentation
 * promises: sorted, non-overlapping rows, nothing left open once finished
 * (an imported trace of a run that was still going is not), states that sum
 * to the wall time, sorted tracks and flows.
 */
void
weft_fuzz_check_model (WeftTraceModel *model)
{
  WeftRunStats run;
  guint n = 0;

  weft_trace_model_get_run_stats (model, &run);
  g_assert_cmpuint (run.n_lanes, ==, weft_trace_model_get_n_lanes (model));
  if (run.wall_ns > 0)
    g_assert_cmpuint (run.wall_ns, ==, run.last_ns - run.first_ns);

  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);

      g_assert_true (weft_trace_model_lookup_lane (model, weft_lane_get_worker (lane)) == lane);
      check_lane_rows (lane, weft_trace_model_get_finished (model));
      check_lane_stats (model, lane, &run);
      (void) weft_lane_get_instants (lane, &n);
    }

  check_objects (model);

  check_track (weft_trace_model_get_parallelism (model));

  check_flows (weft_trace_model_get_flows (model));
}

/**
 * weft_fuzz_write_scratch:
 *
 * Replaces the scratch file's contents with @data (no temporary file and no
 * fsync: g_file_set_contents() would cost more than most imports).
 *
 * Returns: (transfer none): the scratch file's path
 */
const char *
weft_fuzz_write_scratch (const uint8_t *data,
                         size_t         size)
{
  const char *path = weft_fuzz_scratch_path ();
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0)
    g_error ("%s: %s", path, g_strerror (errno));
  while (size > 0)
    {
      ssize_t n = write (fd, data, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("%s: %s", path, g_strerror (errno));
      data += n;
      size -= (size_t) n;
    }
  close (fd);
  return path;
}

/**
 * weft_fuzz_check_same_lanes:
 *
 * Asserts that two models have the same lanes, in the same order, with the
 * same statistics.
 */
void
weft_fuzz_check_same_lanes (WeftTraceModel *a,
                            WeftTraceModel *b)
{
  g_assert_cmpuint (weft_trace_model_get_n_lanes (a), ==, weft_trace_model_get_n_lanes (b));

  for (guint i = 0; i < weft_trace_model_get_n_lanes (a); i++)
    {
      guint worker = weft_lane_get_worker (weft_trace_model_get_lane (a, i));
      WeftLaneStats la, lb;

      g_assert_cmpuint (worker, ==, weft_lane_get_worker (weft_trace_model_get_lane (b, i)));
      g_assert_true (weft_trace_model_get_lane_stats (a, worker, &la));
      g_assert_true (weft_trace_model_get_lane_stats (b, worker, &lb));
      g_assert_true (memcmp (&la, &lb, sizeof la) == 0);
    }
}
