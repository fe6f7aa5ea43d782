/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "weft-trace-meta.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_RECORDING (weft_recording_get_type ())

G_DECLARE_FINAL_TYPE (WeftRecording, weft_recording, WEFT, RECORDING, GObject)

/* How long a program that is told to end (SIGTERM) has before SIGKILL */
#define WEFT_RECORDING_KILL_GRACE_MS 2000

/* What the preload library counted over the whole recording */
typedef struct
{
  guint n_processes;
  guint n_threads;
  guint n_gil_found;
  guint n_recycled;   /* threads that went on lanes of threads that had ended */
  guint n_refused;    /* threads not recorded: every lane was in use */
} WeftRecordingCounts;

WeftRecording      *weft_recording_new            (const char * const  *argv,
                                                   const char          *working_dir);
void                weft_recording_set_reap_all   (WeftRecording       *self,
                                                   gboolean             reap_all);
gboolean            weft_recording_start          (WeftRecording       *self,
                                                   GMainContext        *context,
                                                   GError             **error);
void                weft_recording_stop           (WeftRecording       *self,
                                                   int                  signal_number);
void                weft_recording_terminate      (WeftRecording       *self,
                                                   guint                grace_ms);
void                weft_recording_wait_async     (WeftRecording       *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean            weft_recording_wait_finish    (WeftRecording       *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

WeftTraceModel     *weft_recording_get_model      (WeftRecording       *self);
const char         *weft_recording_get_program    (WeftRecording       *self);
char               *weft_recording_get_command_line (WeftRecording     *self);
GPid                weft_recording_get_pid        (WeftRecording       *self);
gboolean            weft_recording_get_finished   (WeftRecording       *self);
int                 weft_recording_get_wait_status (WeftRecording      *self);
int                 weft_recording_get_exit_status (WeftRecording      *self);
int                 weft_recording_get_signal     (WeftRecording       *self);
void                weft_recording_get_counts     (WeftRecording       *self,
                                                   WeftRecordingCounts *counts);
const char * const *weft_recording_get_warnings   (WeftRecording       *self);
guint               weft_recording_get_n_warnings (WeftRecording       *self);
WeftTraceMeta      *weft_recording_dup_meta       (WeftRecording       *self);
char               *weft_recording_find_python_dir (void);

G_END_DECLS
