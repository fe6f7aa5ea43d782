/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "weft-event.h"

G_BEGIN_DECLS

/*
 * WeftTaskDoneFunc:
 * @task_id: the task that ended
 * @status: how it ended
 * @error: the task's error text, or %NULL
 * @work_ns: the work it did, as weft_worker_context_run_task() gives it (0 if
 *   its worker died before telling)
 * @user_data: what the caller passed
 *
 * Called by an executor (the process pool, the loop executor) once per task
 * that a worker took. The process pool calls it from one of its threads.
 */
typedef void (*WeftTaskDoneFunc) (guint32         task_id,
                                  WeftTaskStatus  status,
                                  const char     *error,
                                  guint64         work_ns,
                                  gpointer        user_data);

G_END_DECLS
