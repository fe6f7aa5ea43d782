/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-session.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_TIMELINE_STACK (weft_timeline_stack_get_type ())

G_DECLARE_FINAL_TYPE (WeftTimelineStack, weft_timeline_stack, WEFT, TIMELINE_STACK, GtkBox)

GtkWidget   *weft_timeline_stack_new             (void);
void         weft_timeline_stack_clear           (WeftTimelineStack *self);
void         weft_timeline_stack_add             (WeftTimelineStack *self,
                                                  const char        *title,
                                                  WeftTraceModel    *model);
guint        weft_timeline_stack_get_n_timelines (WeftTimelineStack *self);
WeftSession *weft_timeline_stack_get_session     (WeftTimelineStack *self,
                                                  guint              i);
GtkWidget   *weft_timeline_stack_get_view        (WeftTimelineStack *self,
                                                  guint              i);
guint64      weft_timeline_stack_get_axis_ns     (WeftTimelineStack *self);

G_END_DECLS
