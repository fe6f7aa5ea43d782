/* SPDX-License-Identifier: GPL-3.0-or-later */
/* WeftTimelineRows: grouping, collapse state and layout of the timeline's
 * rows, following a live trace model. No display. */
#define G_LOG_DOMAIN "test-timeline-rows"

#include "config.h"

#include "weft-timeline-rows.h"
#include "weft-test-util.h"
#include "weft-test-points.h"

#define MS    G_GUINT64_CONSTANT (1000000)
#define BASE  (1000 * MS)
#define QUEUE 20

static int
compare_events (gconstpointer a, gconstpointer b)
{
  const WeftEvent *ea = a, *eb = b;

  return ea->time_ns < eb->time_ns ? -1 : ea->time_ns > eb->time_ns;
}

static void
append (WeftTraceModel *model, GArray *events)
{
  weft_trace_model_append (model, (WeftEvent *) events->data, events->len);
  g_array_set_size (events, 0);
}

/* Two threads in process 100 (worker 0 nests two deep), one process each
 * for workers 2 and 3, two workers (4, 5) in process 300, and a queue */
static WeftTraceModel *
grouped_model (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  static const struct { guint16 worker; WeftExecutorKind ex; gint64 pid; const char *name; } lanes[] = {
    { 0, WEFT_EXECUTOR_THREADS, 100, "main" },
    { 1, WEFT_EXECUTOR_THREADS, 100, "helper" },
    { 2, WEFT_EXECUTOR_PROCESSES, 201, "proc-a" },
    { 3, WEFT_EXECUTOR_PROCESSES, 202, "proc-b" },
    { 4, WEFT_EXECUTOR_PROCESSES, 300, "pool-1" },
    { 5, WEFT_EXECUTOR_PROCESSES, 300, "pool-2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (lanes); i++)
    {
      ev (e, 0, lanes[i].worker, WEFT_EVENT_WORKER_INFO, 0, lanes[i].ex, lanes[i].pid);
      name_object (e, lanes[i].worker, WEFT_OBJECT_SELF, lanes[i].name);
      ev (e, BASE + i * MS, lanes[i].worker, WEFT_EVENT_TASK_BEGIN, 1 + i, 0, 0);
      ev (e, BASE + 50 * MS + i * MS, lanes[i].worker, WEFT_EVENT_TASK_END, 1 + i, WEFT_TASK_OK, 0);
    }
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, QUEUE, WEFT_OBJECT_QUEUE, 8);
  name_object (e, 0, QUEUE, "jobs");
  /* worker 0: a put nested in its task */
  ev (e, BASE + 10 * MS, 0, WEFT_EVENT_QUEUE_PUT_BEGIN, QUEUE, 0, 0);
  ev (e, BASE + 12 * MS, 0, WEFT_EVENT_QUEUE_PUT_END, QUEUE, 1, 7);
  g_array_sort (e, compare_events);
  append (model, e);
  return model;
}

typedef struct
{
  WeftTimelineRowKind kind;
  const char         *label;
  const char         *sublabel;
  int                 indent;
  int                 worker;   /* lanes */
  int                 height;
} Expected;

static void
assert_rows (WeftTimelineRows *rows, const Expected *want, guint n_want)
{
  int y = 0;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, n_want);
  for (guint i = 0; i < n_want; i++)
    {
      WeftTimelineRow *row = weft_timeline_rows_get_row (rows, i);

      g_test_message ("row %u: %s", i, weft_timeline_row_get_label (row));
      g_assert_cmpint (weft_timeline_row_get_kind (row), ==, want[i].kind);
      g_assert_cmpstr (weft_timeline_row_get_label (row), ==, want[i].label);
      g_assert_cmpstr (weft_timeline_row_get_sublabel (row), ==, want[i].sublabel);
      g_assert_cmpint (weft_timeline_row_get_indent (row), ==, want[i].indent);
      g_assert_cmpint (weft_timeline_row_get_y (row), ==, y);
      g_assert_cmpint (weft_timeline_row_get_height (row), ==, want[i].height);
      if (want[i].kind == WEFT_TIMELINE_ROW_LANE)
        {
          g_assert_cmpuint (weft_timeline_row_get_worker (row), ==, (guint) want[i].worker);
          g_assert_true (weft_timeline_rows_find_lane (rows, want[i].worker) == row);
        }
      y += want[i].height;
    }
  g_assert_cmpint (weft_timeline_rows_get_content_height (rows), ==, y);
  g_assert_null (weft_timeline_rows_get_row (rows, n_want));
}

#define LANE1 (2 * WEFT_TIMELINE_LANE_PAD + WEFT_TIMELINE_ROW_HEIGHT)
#define LANE2 (2 * WEFT_TIMELINE_LANE_PAD + 2 * WEFT_TIMELINE_ROW_HEIGHT)
#define HEAD  WEFT_TIMELINE_HEADER_HEIGHT
#define CNTR  WEFT_TIMELINE_COUNTER_HEIGHT

static const Expected all_rows[] = {
  { WEFT_TIMELINE_ROW_COUNTER, "Parallelism", NULL, 0, -1, CNTR },
  { WEFT_TIMELINE_ROW_COUNTER, "Queue depth: jobs", NULL, 0, -1, CNTR },
  { WEFT_TIMELINE_ROW_HEADER, "Threads", "process 100", 0, -1, HEAD },
  { WEFT_TIMELINE_ROW_LANE, "main", NULL, 1, 0, LANE2 },
  { WEFT_TIMELINE_ROW_LANE, "helper", NULL, 1, 1, LANE1 },
  { WEFT_TIMELINE_ROW_HEADER, "Processes", "4 lanes", 0, -1, HEAD },
  { WEFT_TIMELINE_ROW_LANE, "proc-a", "pid 201", 1, 2, LANE1 },
  { WEFT_TIMELINE_ROW_LANE, "proc-b", "pid 202", 1, 3, LANE1 },
  { WEFT_TIMELINE_ROW_HEADER, "Process 300", "2 lanes", 1, -1, HEAD },
  { WEFT_TIMELINE_ROW_LANE, "pool-1", NULL, 2, 4, LANE1 },
  { WEFT_TIMELINE_ROW_LANE, "pool-2", NULL, 2, 5, LANE1 },
};

static void
test_grouping (void)
{
  g_autoptr(WeftTraceModel) model = grouped_model ();
  g_autoptr(WeftTimelineRows) rows = weft_timeline_rows_new ();
  g_autoptr(WeftTimelineRow) first = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 0);
  g_assert_cmpint (weft_timeline_rows_get_content_height (rows), ==, 0);
  weft_timeline_rows_set_model (rows, model);
  g_assert_true (weft_timeline_rows_get_model (rows) == model);
  assert_rows (rows, all_rows, G_N_ELEMENTS (all_rows));

  /* The counter rows name their tracks */
  g_assert_cmpuint (weft_timeline_row_get_object (weft_timeline_rows_get_row (rows, 0)), ==,
                    WEFT_TIMELINE_ROW_PARALLELISM);
  g_assert_cmpuint (weft_timeline_row_get_object (weft_timeline_rows_get_row (rows, 1)), ==, QUEUE);
  g_assert_true (weft_timeline_row_get_lane (weft_timeline_rows_get_row (rows, 3)) ==
                 weft_trace_model_lookup_lane (model, 0));

  /* A GListModel of rows: items are new references */
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (rows)) == WEFT_TYPE_TIMELINE_ROW);
  first = g_list_model_get_item (G_LIST_MODEL (rows), 0);
  g_assert_true (first == weft_timeline_rows_get_row (rows, 0));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (rows), G_N_ELEMENTS (all_rows)));

  /* Rows by content y */
  {
    WeftTimelineRow *lane = weft_timeline_rows_find_lane (rows, 3);
    int y = weft_timeline_row_get_y (lane);

    g_assert_true (weft_timeline_rows_get_row_at_y (rows, y) == lane);
    g_assert_true (weft_timeline_rows_get_row_at_y (rows, y + LANE1 - 0.5) == lane);
    g_assert_true (weft_timeline_rows_get_row_at_y (rows, y + LANE1) != lane);
    g_assert_null (weft_timeline_rows_get_row_at_y (rows, -1));
    g_assert_null (weft_timeline_rows_get_row_at_y (rows, weft_timeline_rows_get_content_height (rows)));
  }
  g_assert_null (weft_timeline_rows_find_lane (rows, 9));

  weft_timeline_rows_set_model (rows, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 0);
  g_assert_cmpint (weft_timeline_rows_get_content_height (rows), ==, 0);
}

typedef struct
{
  guint n_changes;
  guint position, removed, added;
  guint n_layouts;
} Changes;

static void
on_items_changed (GListModel *list, guint position, guint removed, guint added, Changes *c)
{
  c->n_changes++;
  c->position = position;
  c->removed = removed;
  c->added = added;
}

static void
on_layout_changed (WeftTimelineRows *rows, Changes *c)
{
  c->n_layouts++;
}

static void
test_collapse (void)
{
  g_autoptr(WeftTraceModel) model = grouped_model ();
  g_autoptr(WeftTimelineRows) rows = weft_timeline_rows_new ();
  Changes c = { 0 };
  guint64 processes, process_300;

  weft_timeline_rows_set_model (rows, model);
  g_signal_connect (rows, "items-changed", G_CALLBACK (on_items_changed), &c);
  g_signal_connect (rows, "layout-changed", G_CALLBACK (on_layout_changed), &c);
  processes = weft_timeline_row_get_group_key (weft_timeline_rows_get_row (rows, 5));
  process_300 = weft_timeline_row_get_group_key (weft_timeline_rows_get_row (rows, 8));
  g_assert_cmpuint (processes, !=, process_300);

  /* The process group: its header stays, its two lanes go */
  weft_timeline_rows_toggle_collapsed (rows, process_300);
  g_assert_true (weft_timeline_rows_is_collapsed (rows, process_300));
  g_assert_cmpuint (c.n_changes, ==, 1);
  g_assert_cmpuint (c.removed, ==, G_N_ELEMENTS (all_rows));
  g_assert_cmpuint (c.added, ==, G_N_ELEMENTS (all_rows) - 2);
  g_assert_cmpuint (c.n_layouts, ==, 1);
  assert_rows (rows, all_rows, G_N_ELEMENTS (all_rows) - 2);
  g_assert_null (weft_timeline_rows_find_lane (rows, 4));

  /* The executor: everything under it goes, the inner state is kept */
  weft_timeline_rows_toggle_collapsed (rows, processes);
  assert_rows (rows, all_rows, 6);
  g_assert_null (weft_timeline_rows_find_lane (rows, 2));
  weft_timeline_rows_toggle_collapsed (rows, processes);
  assert_rows (rows, all_rows, G_N_ELEMENTS (all_rows) - 2);
  weft_timeline_rows_toggle_collapsed (rows, process_300);
  g_assert_false (weft_timeline_rows_is_collapsed (rows, process_300));
  assert_rows (rows, all_rows, G_N_ELEMENTS (all_rows));
  g_assert_cmpuint (c.n_changes, ==, 4);

  /* Collapse state outlives the model */
  weft_timeline_rows_toggle_collapsed (rows, processes);
  weft_timeline_rows_set_model (rows, NULL);
  weft_timeline_rows_set_model (rows, model);
  assert_rows (rows, all_rows, 6);
}

static void
test_follows_model (void)
{
  g_autoptr(WeftTraceModel) model = grouped_model ();
  g_autoptr(WeftTimelineRows) rows = weft_timeline_rows_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  Changes c = { 0 };
  int y_procs, height;

  weft_timeline_rows_set_model (rows, model);
  g_signal_connect (rows, "items-changed", G_CALLBACK (on_items_changed), &c);
  g_signal_connect (rows, "layout-changed", G_CALLBACK (on_layout_changed), &c);

  /* A batch without new lanes or tracks: no new rows, a layout */
  ev (e, BASE + 60 * MS, 2, WEFT_EVENT_TASK_BEGIN, 50, 0, 0);
  ev (e, BASE + 61 * MS, 2, WEFT_EVENT_TASK_END, 50, WEFT_TASK_OK, 0);
  append (model, e);
  g_assert_cmpuint (c.n_changes, ==, 0);
  g_assert_cmpuint (c.n_layouts, ==, 1);
  assert_rows (rows, all_rows, G_N_ELEMENTS (all_rows));

  /* Worker 1 goes two deep (still open): the rows below it move down */
  y_procs = weft_timeline_row_get_y (weft_timeline_rows_get_row (rows, 5));
  height = weft_timeline_rows_get_content_height (rows);
  ev (e, BASE + 70 * MS, 1, WEFT_EVENT_TASK_BEGIN, 60, 0, 0);
  ev (e, BASE + 71 * MS, 1, WEFT_EVENT_LOCK_WAIT, 61, 0, 0);
  append (model, e);
  g_assert_cmpuint (c.n_changes, ==, 0);
  g_assert_cmpuint (c.n_layouts, ==, 2);
  g_assert_cmpint (weft_timeline_row_get_height (weft_timeline_rows_find_lane (rows, 1)), ==, LANE2);
  g_assert_cmpint (weft_timeline_row_get_y (weft_timeline_rows_get_row (rows, 5)), ==,
                   y_procs + WEFT_TIMELINE_ROW_HEIGHT);
  g_assert_cmpint (weft_timeline_rows_get_content_height (rows), ==, height + WEFT_TIMELINE_ROW_HEIGHT);

  /* A new thread of process 100: a rebuild, the lane in its group */
  ev (e, 0, 7, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 100);
  ev (e, BASE + 80 * MS, 7, WEFT_EVENT_TASK_BEGIN, 70, 0, 0);
  ev (e, BASE + 81 * MS, 7, WEFT_EVENT_TASK_END, 70, WEFT_TASK_OK, 0);
  append (model, e);
  g_assert_cmpuint (c.n_changes, ==, 1);
  g_assert_cmpuint (c.position, ==, 0);
  g_assert_cmpuint (c.removed, ==, G_N_ELEMENTS (all_rows));
  g_assert_cmpuint (c.added, ==, G_N_ELEMENTS (all_rows) + 1);
  g_assert_cmpuint (c.n_layouts, ==, 3);
  {
    WeftTimelineRow *row = weft_timeline_rows_get_row (rows, 5);

    g_assert_cmpint (weft_timeline_row_get_kind (row), ==, WEFT_TIMELINE_ROW_LANE);
    g_assert_cmpuint (weft_timeline_row_get_worker (row), ==, 7);
    g_assert_cmpint (weft_timeline_row_get_indent (row), ==, 1);
  }

  /* A new counter track: a rebuild too */
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, 90, WEFT_OBJECT_COUNTER, 0);
  name_object (e, 0, 90, "rss");
  ev (e, BASE + 90 * MS, 0, WEFT_EVENT_COUNTER, 90, 5, 0);
  append (model, e);
  g_assert_cmpuint (c.n_changes, ==, 2);
  g_assert_cmpstr (weft_timeline_row_get_label (weft_timeline_rows_get_row (rows, 2)), ==, "rss");
  g_assert_cmpuint (weft_timeline_row_get_object (weft_timeline_rows_get_row (rows, 2)), ==, 90);

  /* A model that goes away first leaves the rows alone */
  g_clear_object (&model);
}

/* Worker processes start up before they run anything: their lanes come
 * before the first parallelism point. The parallelism track appears when
 * that point comes, as it does on a finished run (Compare's timelines). */
static void
test_parallelism_after_lanes (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(WeftTimelineRows) rows = weft_timeline_rows_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  guint np = 0;

  weft_timeline_rows_set_model (rows, model);
  ev (e, 0, 0, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_PROCESSES, 100);
  ev (e, 0, 1, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_PROCESSES, 101);
  ev (e, BASE, 0, WEFT_EVENT_SPAWN_BEGIN, 0, 0, 0);
  ev (e, BASE, 1, WEFT_EVENT_SPAWN_BEGIN, 0, 0, 0);
  append (model, e);
  weft_test_points (weft_trace_model_get_parallelism (model), &np);
  g_assert_cmpuint (np, ==, 0);
  g_assert_cmpint (weft_timeline_row_get_kind (weft_timeline_rows_get_row (rows, 0)), !=,
                   WEFT_TIMELINE_ROW_COUNTER);

  ev (e, BASE + 10 * MS, 0, WEFT_EVENT_SPAWN_END, 0, 0, 0);
  ev (e, BASE + 10 * MS, 0, WEFT_EVENT_TASK_BEGIN, 50, 0, 0);
  append (model, e);
  weft_test_points (weft_trace_model_get_parallelism (model), &np);
  g_assert_cmpuint (np, >, 0);
  g_assert_cmpint (weft_timeline_row_get_kind (weft_timeline_rows_get_row (rows, 0)), ==,
                   WEFT_TIMELINE_ROW_COUNTER);
  g_assert_cmpuint (weft_timeline_row_get_object (weft_timeline_rows_get_row (rows, 0)), ==,
                    WEFT_TIMELINE_ROW_PARALLELISM);
}

/* A spawned worker's lane begins with the pool's record of its start; its
 * name and executor come later, from the worker itself: the rows regroup
 * then (the lane was "worker 0" under "Workers" for the whole run) */
static void
test_lane_named_later (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(WeftTimelineRows) rows = weft_timeline_rows_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  WeftTimelineRow *row;

  weft_timeline_rows_set_model (rows, model);
  ev (e, BASE, 0, WEFT_EVENT_SPAWN_BEGIN, 0, 0, 0);
  append (model, e);
  row = weft_timeline_rows_get_row (rows, 0);
  g_assert_cmpint (weft_timeline_row_get_kind (row), ==, WEFT_TIMELINE_ROW_HEADER);
  g_assert_cmpstr (weft_timeline_row_get_label (row), ==, "Workers");

  ev (e, BASE + MS, 0, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_PROCESSES, 100);
  name_object (e, 0, WEFT_OBJECT_SELF, "process 0");
  ev (e, BASE + 2 * MS, 0, WEFT_EVENT_SPAWN_END, 0, 0, 0);
  append (model, e);
  row = weft_timeline_rows_get_row (rows, 0);
  g_assert_cmpint (weft_timeline_row_get_kind (row), ==, WEFT_TIMELINE_ROW_HEADER);
  g_assert_cmpstr (weft_timeline_row_get_label (row), ==, "Processes");
  g_assert_cmpstr (weft_timeline_row_get_sublabel (row), ==, "process 100");
  row = weft_timeline_rows_get_row (rows, 1);
  g_assert_cmpint (weft_timeline_row_get_kind (row), ==, WEFT_TIMELINE_ROW_LANE);
  g_assert_cmpstr (weft_timeline_row_get_label (row), ==, "process 0");
}

/* A recorded program's processes: each headed by the program's name, taken
 * from its main thread's lane ("python3 (pid 400)"), else by its pid. Its
 * threads' track counts those not in a recorded wait, which a recording
 * cannot tell on a core from off one: "Not waiting", not "Parallelism" */
static void
test_recorded_processes (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(WeftTimelineRows) rows = weft_timeline_rows_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  static const struct { gint64 pid; const char *name; } lanes[] = {
    { 400, "python3 (pid 400)" },
    { 400, "python3 (tid 401)" },
    { 410, "sh (tid 411)" },
    { 410, "sh (pid 410)" },
    { 420, "decoder" },           /* renamed: no name of the process */
    { 420, "encoder (pid 4200)" },
  };
  static const Expected want[] = {
    { WEFT_TIMELINE_ROW_COUNTER, "Not waiting", NULL, 0, -1, CNTR },
    { WEFT_TIMELINE_ROW_HEADER, "External program", "6 lanes", 0, -1, HEAD },
    { WEFT_TIMELINE_ROW_HEADER, "python3, process 400", "2 lanes", 1, -1, HEAD },
    { WEFT_TIMELINE_ROW_LANE, "python3 (pid 400)", NULL, 2, 0, LANE1 },
    { WEFT_TIMELINE_ROW_LANE, "python3 (tid 401)", NULL, 2, 1, LANE1 },
    { WEFT_TIMELINE_ROW_HEADER, "sh, process 410", "2 lanes", 1, -1, HEAD },
    { WEFT_TIMELINE_ROW_LANE, "sh (tid 411)", NULL, 2, 2, LANE1 },
    { WEFT_TIMELINE_ROW_LANE, "sh (pid 410)", NULL, 2, 3, LANE1 },
    { WEFT_TIMELINE_ROW_HEADER, "Process 420", "2 lanes", 1, -1, HEAD },
    { WEFT_TIMELINE_ROW_LANE, "decoder", NULL, 2, 4, LANE1 },
    { WEFT_TIMELINE_ROW_LANE, "encoder (pid 4200)", NULL, 2, 5, LANE1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (lanes); i++)
    {
      ev (e, 0, (guint16) i, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_EXTERNAL, lanes[i].pid);
      name_object (e, (guint16) i, WEFT_OBJECT_SELF, lanes[i].name);
      ev (e, BASE + i * MS, (guint16) i, WEFT_EVENT_TASK_BEGIN, 1 + i, 0, 0);
      ev (e, BASE + 50 * MS, (guint16) i, WEFT_EVENT_TASK_END, 1 + i, WEFT_TASK_OK, 0);
    }
  g_array_sort (e, compare_events);
  append (model, e);
  weft_timeline_rows_set_model (rows, model);
  assert_rows (rows, want, G_N_ELEMENTS (want));

  /* one process: no process headers, the executor's says which */
  {
    g_autoptr(WeftTraceModel) one = weft_trace_model_new ();

    for (guint i = 0; i < 2; i++)
      {
        ev (e, 0, (guint16) i, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_EXTERNAL, lanes[i].pid);
        name_object (e, (guint16) i, WEFT_OBJECT_SELF, lanes[i].name);
        ev (e, BASE, (guint16) i, WEFT_EVENT_TASK_BEGIN, 1 + i, 0, 0);
      }
    append (one, e);
    weft_timeline_rows_set_model (rows, one);
    g_assert_cmpstr (weft_timeline_row_get_sublabel (weft_timeline_rows_get_row (rows, 1)), ==,
                     "python3, process 400");
    g_assert_cmpstr (weft_timeline_row_get_label (weft_timeline_rows_get_row (rows, 2)), ==,
                     "python3 (pid 400)");
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/timeline-rows/grouping", test_grouping);
  g_test_add_func ("/weft/timeline-rows/parallelism-after-lanes", test_parallelism_after_lanes);
  g_test_add_func ("/weft/timeline-rows/collapse", test_collapse);
  g_test_add_func ("/weft/timeline-rows/follows-model", test_follows_model);
  g_test_add_func ("/weft/timeline-rows/recorded-processes", test_recorded_processes);
  g_test_add_func ("/weft/timeline-rows/lane-named-later", test_lane_named_later);

  return g_test_run ();
}
