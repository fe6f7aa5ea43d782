/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-recording.h"
#include "weft-window.h"

G_BEGIN_DECLS

#define WEFT_TYPE_RECORD_DIALOG (weft_record_dialog_get_type ())

G_DECLARE_FINAL_TYPE (WeftRecordDialog, weft_record_dialog, WEFT, RECORD_DIALOG, GtkWindow)

/* The window's own dialog, made on first use */
WeftRecordDialog *weft_record_dialog_get_for_window   (WeftWindow       *window);

void              weft_record_dialog_set_command_line (WeftRecordDialog *self,
                                                       const char       *command_line);
void              weft_record_dialog_set_working_dir  (WeftRecordDialog *self,
                                                       const char       *working_dir);
/* What Run and Stop do */
gboolean          weft_record_dialog_run              (WeftRecordDialog *self);
void              weft_record_dialog_stop             (WeftRecordDialog *self);
/* The window's close-request: ends a live program first */
gboolean          weft_record_dialog_close_window     (WeftRecordDialog *self);

/* What the dialog shows (transfer none, nullable), for tests */
WeftRecording    *weft_record_dialog_get_recording    (WeftRecordDialog *self);
gboolean          weft_record_dialog_get_recording_live (WeftRecordDialog *self);
const char       *weft_record_dialog_get_status_text  (WeftRecordDialog *self);
const char       *weft_record_dialog_get_warnings_text (WeftRecordDialog *self);

G_END_DECLS
