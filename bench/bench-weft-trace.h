/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The benchmarks' Weft trace: 8 workers running tasks that take a lock
 * (sometimes contended), do I/O and put on a queue, with counters; 6,800
 * tasks per worker export to about 100 MB. */
#pragma once

#include "weft-trace-model.h"

static inline WeftTraceModel *
bench_make_weft_model (guint tasks_per_worker)
{
  WeftTraceModel *model = weft_trace_model_new ();
  GArray *events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  const guint n_workers = 8;
  gint64 item = 1;

#define E(t_, w_, k_, o_, a0_, a1_) G_STMT_START { \
    WeftEvent e_ = { .time_ns = (t_), .arg0 = (a0_), .arg1 = (a1_), .object = (o_), .worker = (w_), .kind = (k_) }; \
    g_array_append_val (events, e_); } G_STMT_END

  weft_trace_model_declare_object (model, 1, WEFT_OBJECT_LOCK, 0);
  weft_trace_model_set_object_name (model, 1, "results lock");
  weft_trace_model_declare_object (model, 2, WEFT_OBJECT_QUEUE, 64);
  weft_trace_model_set_object_name (model, 2, "jobs");
  for (guint i = 0; i < tasks_per_worker; i++)
    {
      for (guint w = 0; w < n_workers; w++)
        {
          guint64 t = 1000000000ull + (guint64) i * 100000 + w * 7;

          E (t, w, WEFT_EVENT_TASK_BEGIN, 100 + i % 50, 0, 0);
          E (t + 1000, w, WEFT_EVENT_IO_BEGIN, 7, 0, 0);
          E (t + 21000, w, WEFT_EVENT_IO_END, 7, 4096, 0);
          E (t + 30000, w, WEFT_EVENT_LOCK_WAIT, 1, 0, 0);
          E (t + 31000 + w * 11, w, WEFT_EVENT_LOCK_ACQUIRED, 1, 0, 0);
          E (t + 40000, w, WEFT_EVENT_LOCK_RELEASED, 1, 0, 0);
          E (t + 41000, w, WEFT_EVENT_QUEUE_PUT_BEGIN, 2, 0, 0);
          E (t + 42000, w, WEFT_EVENT_QUEUE_PUT_END, 2, (gint64) (i % 64), item++);
          E (t + 43000, w, WEFT_EVENT_COUNTER, 3, (gint64) i, 0);
          E (t + 90000, w, WEFT_EVENT_TASK_END, 100 + i % 50, 0, 0);
        }
      if (events->len >= 65536)
        {
          weft_trace_model_append (model, (const WeftEvent *) (gpointer) events->data, events->len);
          g_array_set_size (events, 0);
        }
    }
  weft_trace_model_append (model, (const WeftEvent *) (gpointer) events->data, events->len);
  weft_trace_model_finish (model, 0);
  g_array_unref (events);
  return model;
#undef E
}
