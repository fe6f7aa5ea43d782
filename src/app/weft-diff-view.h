/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-diff.h"
#include "weft-run.h"
#include "weft-timeline-stack.h"

G_BEGIN_DECLS

#define WEFT_TYPE_DIFF_VIEW (weft_diff_view_get_type ())

G_DECLARE_FINAL_TYPE (WeftDiffView, weft_diff_view, WEFT, DIFF_VIEW, GtkBox)

GtkWidget         *weft_diff_view_new            (void);
/* The recordings to pick A and B from: runs of this window, recent files */
void               weft_diff_view_clear_sources  (WeftDiffView *self);
void               weft_diff_view_add_run        (WeftDiffView *self,
                                                  const char   *title,
                                                  WeftRun      *run);
void               weft_diff_view_add_file       (WeftDiffView *self,
                                                  GFile        *file);
guint              weft_diff_view_get_n_sources  (WeftDiffView *self);
/* Compares the @a-th source with the @b-th (files are read, profiles run,
 * on the main context; nothing blocks) */
void               weft_diff_view_compare        (WeftDiffView *self,
                                                  guint         a,
                                                  guint         b);
/* Two files, as when they are dropped on the view */
void               weft_diff_view_compare_files  (WeftDiffView *self,
                                                  GFile        *a,
                                                  GFile        *b);
gboolean           weft_diff_view_get_busy       (WeftDiffView *self);
WeftDiff          *weft_diff_view_get_diff       (WeftDiffView *self);
/* (transfer none): one #GtkStringObject per row of the diff, its fields
 * separated by tabs: what, A, B, B − A, share */
GListModel        *weft_diff_view_get_rows       (WeftDiffView *self);
WeftTimelineStack *weft_diff_view_get_timelines  (WeftDiffView *self);
const char        *weft_diff_view_get_status     (WeftDiffView *self);

G_END_DECLS
