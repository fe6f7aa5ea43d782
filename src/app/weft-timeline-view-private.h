/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-lane-painter.h"
#include "weft-step-painter.h"
#include "weft-timeline-rows.h"
#include "weft-timeline-view.h"

G_BEGIN_DECLS

/* Width of the pinned label column at first; the time axis starts there.
 * The user can drag it between the two limits. */
#define WEFT_TIMELINE_LABEL_WIDTH     184
#define WEFT_TIMELINE_LABEL_WIDTH_MIN 100
#define WEFT_TIMELINE_LABEL_WIDTH_MAX 600

/* Shared by weft-timeline-view.c (the canvas) and
 * weft-timeline-view-input.c (pointer, keys, gestures, actions) only. */
struct _WeftTimelineView
{
  GtkWidget         parent_instance;

  WeftSession      *session;
  GSignalGroup     *session_signals;
  WeftTraceModel   *model;

  WeftTimelineRows *rows;
  GArray           *caches;         /* RowCache, one per row */
  int               height_seen;    /* the rows' height when last laid out */
  guint             gen;
  char             *font_seen;      /* the font the row caches were drawn with */
  WeftLanePainter  *lane_painter;
  WeftStepPainter  *step_painter;

  GtkAdjustment    *hadjustment;
  GtkAdjustment    *vadjustment;
  guint             hscroll_policy : 1;
  guint             vscroll_policy : 1;
  gboolean          updating_hadj;

  /* pointer and gestures */
  double            pointer_x;
  double            pointer_y;
  gboolean          pointer_inside;
  gboolean          has_hover_span;
  guint             hover_worker;
  guint             hover_depth;
  guint             hover_index;

  double            drag_x;
  double            drag_y;
  gboolean          drag_select;
  gboolean          dragging;
  double            drag_vvalue;
  guint64           drag_begin_ns;
  guint64           drag_end_ns;

  guint64           zoom_begin_ns;
  guint64           zoom_end_ns;

  GtkWidget        *lane_menu;        /* the lanes' menu, or NULL */
  int               label_width;      /* the label column's width */
  gboolean          resizing_labels;  /* a drag on the column's edge */
  int               resize_from;

  guint             kinetic_id;
  double            kinetic_velocity;  /* px/s */
  gint64            kinetic_last;
};


char        *_weft_timeline_view_describe_at        (WeftTimelineView *self,
                                                     double            x,
                                                     double            y);
gboolean     _weft_timeline_view_pick_span          (WeftTimelineView *self,
                                                     double            x,
                                                     double            y,
                                                     guint            *out_worker,
                                                     guint            *out_depth,
                                                     guint            *out_index,
                                                     WeftSpan         *out_span);
void         _weft_timeline_view_get_visible        (WeftTimelineView *self,
                                                     guint64          *out_begin,
                                                     guint64          *out_end);
int          _weft_timeline_view_get_time_width     (WeftTimelineView *self);
double       _weft_timeline_view_get_vscroll        (WeftTimelineView *self);

void         _weft_timeline_view_class_init_input   (GtkWidgetClass   *widget_class);
void         _weft_timeline_view_init_input         (WeftTimelineView *self);
void         _weft_timeline_view_update_hover       (WeftTimelineView *self);
void         _weft_timeline_view_stop_kinetic       (WeftTimelineView *self);
void         _weft_timeline_view_append_args       (GString          *text,
                                                    const char       *args,
                                                    gsize             len);
char        *_weft_timeline_view_describe_row_at    (WeftTimelineView *self,
                                                     double            x,
                                                     double            y);
void         _weft_timeline_view_class_init_lanes   (GtkWidgetClass   *widget_class);
void         _weft_timeline_view_init_lanes         (WeftTimelineView *self);
gboolean     _weft_timeline_view_resize_labels      (WeftTimelineView *self,
                                                     double            x0,
                                                     double            dx);
gboolean     _weft_timeline_view_get_counter_max    (WeftTimelineView *self,
                                                     guint32           object,
                                                     gint64           *out_max);

/* For tests and benchmarks: drops every cached row rendering, and counts
 * the spans, summary entries and counter points the painters read since
 * the last reset. */
void         _weft_timeline_view_invalidate          (WeftTimelineView *self);
guint64      _weft_timeline_view_get_spans_visited   (WeftTimelineView *self);
void         _weft_timeline_view_reset_spans_visited (WeftTimelineView *self);

G_END_DECLS
