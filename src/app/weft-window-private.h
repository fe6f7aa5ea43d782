/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-compare-view.h"
#include "weft-contention-view.h"
#include "weft-library.h"
#include "weft-profile-editor.h"
#include "weft-run.h"
#include "weft-session.h"
#include "weft-summary-view.h"
#include "weft-time-ruler.h"
#include "weft-timeline-view.h"
#include "weft-trace-meta.h"
#include "weft-window.h"

G_BEGIN_DECLS

/* Shared by weft-window.c and weft-window-actions.c only. */
struct _WeftWindow
{
  GtkApplicationWindow  parent_instance;

  GSettings            *settings;
  GFile                *file;
  GtkNativeDialog      *file_chooser;
  GtkNativeDialog      *save_chooser;

  /* What is shown: the loaded profile (its edited copy is in the editor),
   * the trace model (imported or a run's), and the run if there is one. */
  WeftProfile          *profile;
  WeftTraceModel       *model;
  WeftTraceMeta        *meta;
  WeftRun              *run;
  GCancellable         *load_cancellable;
  guint                 refresh_id;
  gboolean              exporting;

  /* Template children */
  GtkHeaderBar         *header_bar;
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkButton            *open_button;
  GtkButton            *run_button;
  GtkMenuButton        *primary_menu_button;
  GtkInfoBar           *banner;
  GtkLabel             *banner_label;
  GtkBox               *sidebar;
  GtkStack             *stack;
  GtkLabel             *welcome_title;
  GtkBox               *profile_page;
  GtkStack             *views;
  GtkLabel             *run_status;
  GtkScrolledWindow    *contention_scroller;
  GtkScrolledWindow    *summary_scroller;
  GtkScrolledWindow    *compare_scroller;

  /* The timeline page */
  WeftSession          *session;
  GtkBox               *timeline_page;
  GtkScrolledWindow    *timeline_scroller;
  WeftTimeRuler        *time_ruler;
  WeftTimelineView     *timeline_view;
  GtkLabel             *span_details;  /* the selected span, under the lanes */

  /* Views and sidebar, built in code */
  WeftLibrary          *library;
  WeftProfileEditor    *editor;
  WeftContentionView   *contention_view;
  WeftSummaryView      *summary_view;
  WeftCompareView      *compare_view;
};

void _weft_window_class_init_actions (GtkWidgetClass *widget_class);
void _weft_window_update_actions     (WeftWindow     *self);
void _weft_window_show_error         (WeftWindow     *self,
                                      const char     *message);

G_END_DECLS
