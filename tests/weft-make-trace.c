/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * weft-make-trace [--live] FILE: builds a small model from events (two
 * thread lanes and a process lane, nested and zero-length spans, ties at one
 * instant, a contended lock, a queue hand-off, instants and counters) and
 * exports it. With --live the model is not finished: open spans are written
 * as "B" events. For tests that hand Weft's traces to other programs.
 */

#include "config.h"

#include <string.h>

#include "weft-trace-export.h"

static WeftEvent
ev (guint64       t,
    guint16       worker,
    WeftEventKind kind,
    guint32       object,
    gint64        arg0,
    gint64        arg1)
{
  WeftEvent e = { .time_ns = t, .arg0 = arg0, .arg1 = arg1, .object = object, .worker = worker, .kind = kind };

  return e;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GError) error = NULL;
  gboolean live = argc == 3 && g_str_equal (argv[1], "--live");
  const char *path = argv[argc - 1];
  const WeftEvent events[] = {
    ev (1000, 0, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 0),
    ev (1000, 1, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 0),
    ev (1000, 2, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_PROCESSES, 777),
    ev (1000, 0, WEFT_EVENT_OBJECT_NEW, 1, WEFT_OBJECT_LOCK, 0),
    ev (1000, 0, WEFT_EVENT_OBJECT_NEW, 2, WEFT_OBJECT_QUEUE, 4),
    ev (1000, 0, WEFT_EVENT_OBJECT_NEW, 3, WEFT_OBJECT_COUNTER, 0),
    ev (2000, 2, WEFT_EVENT_SPAWN_BEGIN, 0, 0, 0),
    ev (9000, 2, WEFT_EVENT_SPAWN_END, 0, 0, 0),
    ev (10000, 0, WEFT_EVENT_TASK_BEGIN, 10, 0, 0),
    ev (10000, 0, WEFT_EVENT_LOCK_ACQUIRED, 1, 0, 0),
    ev (10000, 1, WEFT_EVENT_TASK_BEGIN, 11, 0, 0),
    ev (11000, 1, WEFT_EVENT_LOCK_WAIT, 1, 0, 0),
    ev (12000, 0, WEFT_EVENT_IO_BEGIN, 5, 0, 0),
    ev (15000, 0, WEFT_EVENT_IO_END, 5, 0, 0),
    ev (16000, 0, WEFT_EVENT_COUNTER, 3, 5, 0),
    ev (20000, 0, WEFT_EVENT_LOCK_RELEASED, 1, 0, 0),
    ev (20000, 1, WEFT_EVENT_LOCK_ACQUIRED, 1, 0, 0),
    ev (20000, 0, WEFT_EVENT_QUEUE_PUT_BEGIN, 2, 0, 0),
    ev (21000, 0, WEFT_EVENT_QUEUE_PUT_END, 2, 1, 1),
    ev (21000, 0, WEFT_EVENT_TASK_END, 10, WEFT_TASK_OK, 11000),
    ev (21000, 0, WEFT_EVENT_TASK_BEGIN, 12, 0, 0),          /* back to back */
    ev (21000, 0, WEFT_EVENT_TASK_BEGIN, 13, 0, 0),          /* zero-length, nested */
    ev (21000, 0, WEFT_EVENT_TASK_END, 13, WEFT_TASK_OK, 0),
    ev (22000, 1, WEFT_EVENT_LOCK_RELEASED, 1, 0, 0),
    ev (23000, 2, WEFT_EVENT_TASK_BEGIN, 20, 0, 0),
    ev (23000, 2, WEFT_EVENT_QUEUE_GET_BEGIN, 2, 0, 0),
    ev (24000, 2, WEFT_EVENT_QUEUE_GET_END, 2, 0, 1),
    ev (24000, 2, WEFT_EVENT_INSTANT, 7, 1, 2),
    ev (30000, 2, WEFT_EVENT_TASK_END, 20, WEFT_TASK_FAILED, 7000),
    ev (31000, 1, WEFT_EVENT_TASK_END, 11, WEFT_TASK_SUSPENDED, 0),
    ev (35000, 0, WEFT_EVENT_TASK_END, 12, WEFT_TASK_OK, 14000),
    ev (36000, 1, WEFT_EVENT_TASK_BEGIN, 14, 0, 0),           /* open: "B" if live */
    ev (37000, 1, WEFT_EVENT_IO_BEGIN, 6, 0, 0),
  };

  if (argc < 2 || argc > 3 || (argc == 3 && !live))
    {
      g_printerr ("usage: weft-make-trace [--live] FILE\n");
      return 2;
    }
  weft_trace_model_set_lane_name (model, 0, "main");
  weft_trace_model_set_lane_name (model, 1, "worker 1");
  weft_trace_model_set_lane_name (model, 2, "child");
  weft_trace_model_set_object_name (model, 10, "parse");
  weft_trace_model_set_object_name (model, 1, "mutex");
  weft_trace_model_set_object_name (model, 2, "jobs");
  weft_trace_model_append (model, events, G_N_ELEMENTS (events));
  if (!live)
    weft_trace_model_finish (model, 40000);
  if (!weft_trace_export_to_file (model, NULL, path, NULL, &error))
    {
      g_printerr ("weft-make-trace: %s\n", error->message);
      return 1;
    }
  return 0;
}
