/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the timeline's analysis costs on a big trace: a range's statistics
 * (whole run and 1 %), a search over every span, the overview's columns.
 * Prints `BENCH name value unit`; `bench-analysis TASKS` picks the size. */
#include "config.h"

#include <stdlib.h>

#include "weft-range-stats.h"
#include "weft-timeline-overview.h"
#include "weft-timeline-search.h"

#define N_LANES 4
#define LOCK    1
#define BATCH   (1 << 16)

/* Each task: running ~2 µs, a lock wait of 0–1 µs and a hold of ~0.5 µs
 * inside it; lanes staggered. 3 spans per task. */
static WeftTraceModel *
build (guint n_tasks)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autofree WeftEvent *batch = g_new (WeftEvent, BATCH);
  guint64 t[N_LANES];
  guint32 seed = 7;
  gsize n = 0;

  for (guint l = 0; l < N_LANES; l++)
    t[l] = G_GUINT64_CONSTANT (1000000000) + l * 333;
  for (guint i = 0; i < n_tasks; i++)
    for (guint16 l = 0; l < N_LANES; l++)
      {
        guint64 wait, a;

        seed = seed * 1103515245u + 12345u;
        wait = (seed >> 16) % 1000;
        a = t[l];
        batch[n++] = (WeftEvent) { .time_ns = a, .worker = l, .object = i + 1, .kind = WEFT_EVENT_TASK_BEGIN };
        batch[n++] = (WeftEvent) { .time_ns = a + 700, .worker = l, .object = LOCK, .kind = WEFT_EVENT_LOCK_WAIT };
        batch[n++] = (WeftEvent) { .time_ns = a + 700 + wait, .worker = l, .object = LOCK, .kind = WEFT_EVENT_LOCK_ACQUIRED };
        batch[n++] = (WeftEvent) { .time_ns = a + 1200 + wait, .worker = l, .object = LOCK, .kind = WEFT_EVENT_LOCK_RELEASED };
        batch[n++] = (WeftEvent) { .time_ns = a + 2000 + wait, .worker = l, .object = i + 1, .kind = WEFT_EVENT_TASK_END };
        t[l] = a + 2300 + wait;
        if (n + 5 > BATCH)
          {
            weft_trace_model_append (model, batch, n);
            n = 0;
          }
      }
  weft_trace_model_append (model, batch, n);
  weft_trace_model_finish (model, 0);
  return model;
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (int argc, char *argv[])
{
  guint n_tasks = argc > 1 ? (guint) atoi (argv[1]) : 250000;
  g_autoptr(WeftTraceModel) model = build (n_tasks);
  g_autoptr(WeftTimelineSearch) search = weft_timeline_search_new ();
  g_autofree WeftOverviewColumn *cols = g_new (WeftOverviewColumn, 1920);
  WeftRunStats rs;
  gint64 start;

  weft_trace_model_get_run_stats (model, &rs);
  g_print ("# %" G_GUINT64_FORMAT " spans on %u lanes (wall-clock figures; the machine may be loaded)\n",
           rs.n_spans, N_LANES);

  start = g_get_monotonic_time ();
  weft_range_stats_free (weft_range_stats_new (model, rs.first_ns, rs.last_ns));
  g_print ("BENCH range_stats_ms_whole %.1f ms\n", ms_since (start));
  start = g_get_monotonic_time ();
  weft_range_stats_free (weft_range_stats_new (model, rs.first_ns + rs.wall_ns / 2, rs.first_ns + rs.wall_ns / 2 + rs.wall_ns / 100));
  g_print ("BENCH range_stats_ms_1pct %.2f ms\n", ms_since (start));

  start = g_get_monotonic_time ();
  weft_timeline_search_run (search, model, "lock-wait");
  g_print ("BENCH search_ms_all_spans %.1f ms\n", ms_since (start));
  g_print ("BENCH search_matches %u matches\n", weft_timeline_search_get_n_matches (search));

  start = g_get_monotonic_time ();
  weft_timeline_overview_compute_columns (model, rs.first_ns, rs.last_ns, 1920, cols);
  g_print ("BENCH overview_columns_ms_1920 %.1f ms\n", ms_since (start));
  return 0;
}
