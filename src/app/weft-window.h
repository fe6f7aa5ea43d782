/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-application.h"
#include "weft-trace-meta.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_WINDOW (weft_window_get_type ())

G_DECLARE_FINAL_TYPE (WeftWindow, weft_window, WEFT, WINDOW, GtkApplicationWindow)

WeftWindow *weft_window_new       (WeftApplication *application);
GFile      *weft_window_get_file  (WeftWindow      *self);
void        weft_window_open_file (WeftWindow      *self,
                                   GFile           *file);
void        weft_window_set_model (WeftWindow      *self,
                                   WeftTraceModel  *model);

/* Runs the edited profile; stops the run */
gboolean    weft_window_run       (WeftWindow      *self);
void        weft_window_stop      (WeftWindow      *self);
/* Writes the shown trace to @file on a worker thread */
/* Shows a recording's model: live (growing, @meta %NULL) or ended */
void        weft_window_show_recording (WeftWindow     *self,
                                        WeftTraceModel *model,
                                        WeftTraceMeta  *meta,
                                        const char     *status);
void        weft_window_export    (WeftWindow      *self,
                                   GFile           *file);
gboolean    weft_window_save_profile (WeftWindow   *self,
                                      GFile        *file,
                                      GError      **error);
void        weft_window_show_view (WeftWindow      *self,
                                   const char      *name);

/* What the window shows (transfer none, nullable), for tests and actions */
WeftTraceModel *weft_window_get_model     (WeftWindow *self);
gpointer    weft_window_get_run           (WeftWindow *self);
gboolean    weft_window_get_busy          (WeftWindow *self);
gboolean    weft_window_get_loading       (WeftWindow *self);
const char *weft_window_get_banner_text   (WeftWindow *self);
const char *weft_window_get_page          (WeftWindow *self);
GtkWidget  *weft_window_get_library       (WeftWindow *self);
GtkWidget  *weft_window_get_profile_editor (WeftWindow *self);
GtkWidget  *weft_window_get_contention_view (WeftWindow *self);
GtkWidget  *weft_window_get_summary_view  (WeftWindow *self);
GtkWidget  *weft_window_get_compare_view  (WeftWindow *self);
GtkWidget  *weft_window_get_diff_view     (WeftWindow *self);
GtkWidget  *weft_window_get_timeline_view (WeftWindow *self);

G_END_DECLS
