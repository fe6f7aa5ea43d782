/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-arena.h"
#include "weft-gil.h"
#include "weft-profile.h"
#include "weft-span.h"
#include "weft-wire-writer.h"

G_BEGIN_DECLS

/*
 * What one worker needs to run tasks: its id, its writer (NULL when recording
 * is off), the shared objects, and the GIL if it has one. The step
 * interpreter is resumable: on a main loop a non-blocking wait yields, and
 * the task resumes when its timer fires; everywhere else steps run straight
 * through.
 */

typedef struct _WeftWorkerContext WeftWorkerContext;
typedef struct _WeftTaskRun WeftTaskRun;

typedef enum
{
  WEFT_TASK_RUN_DONE,
  WEFT_TASK_RUN_YIELD,   /* waiting without blocking: resume at weft_task_run_get_resume_at() */
} WeftTaskRunState;

WeftWorkerContext *weft_worker_context_new      (guint16             worker,
                                                 const WeftProfile  *profile,
                                                 WeftArena          *arena,
                                                 WeftWireWriter     *writer,
                                                 WeftGil            *gil,
                                                 gboolean            yield_io);
void               weft_worker_context_free     (WeftWorkerContext  *self);
void               weft_worker_context_set_flush_task_begin (WeftWorkerContext *self,
                                                             gboolean           flush);
void               weft_worker_context_set_python_version (WeftWorkerContext *self,
                                                           guint              version);
void               weft_worker_context_set_message_cost (WeftWorkerContext *self,
                                                         double             message_ns,
                                                         double             ns_per_byte);
gboolean           weft_worker_context_charge   (WeftWorkerContext  *self,
                                                 WeftState           cost,
                                                 guint32             object,
                                                 double              ns,
                                                 gint64              bytes);

WeftTaskRun       *weft_task_run_new            (WeftWorkerContext  *context,
                                                 guint32             task_id,
                                                 guint               spec_index,
                                                 const GPtrArray    *steps);
WeftTaskRunState   weft_task_run_resume         (WeftTaskRun        *self);
void               weft_task_run_set_suspendable (WeftTaskRun       *self,
                                                 gboolean            suspendable);
guint64            weft_task_run_get_resume_at  (WeftTaskRun        *self);
WeftTaskStatus     weft_task_run_get_status     (WeftTaskRun        *self);
const char        *weft_task_run_get_error      (WeftTaskRun        *self);
guint64            weft_task_run_get_work_ns    (WeftTaskRun        *self);
void               weft_task_run_free           (WeftTaskRun        *self);

WeftTaskStatus     weft_worker_context_run_task (WeftWorkerContext  *self,
                                                 guint32             task_id,
                                                 guint               spec_index,
                                                 const GPtrArray    *steps,
                                                 char              **out_error,
                                                 guint64            *out_work_ns);

guint64            weft_cpu_iterations_per_ms   (void);
void               weft_cpu_spin                (guint64             iterations);
void               weft_cpu_spin_ns             (double              ns);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftWorkerContext, weft_worker_context_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftTaskRun, weft_task_run_free)

G_END_DECLS
