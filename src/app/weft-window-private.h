/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "weft-compare-view.h"
#include "weft-contention-view.h"
#include "weft-diff-view.h"
#include "weft-legend.h"
#include "weft-library.h"
#include "weft-profile-editor.h"
#include "weft-run.h"
#include "weft-session.h"
#include "weft-summary-view.h"
#include "weft-time-ruler.h"
#include "weft-search-bar.h"
#include "weft-timeline-overview.h"
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

  /* What is shown, all of one file: the loaded profile (its edited copy is
   * in the editor) with its last run, or an imported trace. */
  WeftProfile          *profile;
  WeftTraceModel       *model;
  WeftTraceMeta        *meta;
  WeftRun              *run;
  /* Each profile file's last run (GFile → WeftRun), and the one going on */
  GHashTable           *runs;
  WeftRun              *live_run;
  GFile                *loading_file;  /* being loaded, or NULL */
  GCancellable         *load_cancellable;
  GCancellable         *wait_cancellable;
  GCancellable         *export_cancellable;
  char                 *export_path;
  guint                 refresh_id;
  guint                 load_pulse_id;
  gboolean              exporting;
  gboolean              recording_live;  /* a recorded program's model grows */

  /* Template children */
  AdwHeaderBar         *header_bar;
  AdwViewSwitcherTitle *view_title;   /* the views' switcher, or the title */
  AdwViewSwitcherBar   *view_switcher_bar;
  AdwToastOverlay      *toasts;
  GtkButton            *open_button;
  GtkButton            *run_button;
  GtkMenuButton        *primary_menu_button;
  GtkInfoBar           *banner;
  GtkLabel             *banner_label;
  GtkBox               *sidebar;
  GtkStack             *stack;
  AdwStatusPage        *welcome_page;
  GtkBox               *profile_page;
  AdwViewStack         *views;
  GtkLabel             *run_status;
  GtkScrolledWindow    *contention_scroller;
  GtkScrolledWindow    *summary_scroller;
  GtkScrolledWindow    *compare_scroller;
  GtkScrolledWindow    *diff_scroller;
  GtkBox               *load_bar;
  GtkLabel             *load_label;
  GtkProgressBar       *load_progress;
  GtkButton            *profile_button;
  GtkButton            *show_run_button;
  AdwStatusPage        *empty_page;    /* a trace with no events */

  /* The timeline page */
  WeftSession          *session;
  GtkBox               *timeline_page;
  GtkScrolledWindow    *timeline_scroller;
  WeftTimeRuler        *time_ruler;
  WeftTimelineOverview *overview;      /* the whole run, above the ruler */
  WeftSearchBar        *search_bar;    /* Ctrl+F, above the overview */
  WeftTimelineView     *timeline_view;
  WeftLegend           *timeline_legend;
  GtkLabel             *span_details;  /* the selected span, under the lanes */

  /* Views and sidebar, built in code */
  WeftLibrary          *library;
  WeftProfileEditor    *editor;
  WeftContentionView   *contention_view;
  WeftSummaryView      *summary_view;
  WeftCompareView      *compare_view;
  WeftDiffView         *diff_view;
};

void _weft_window_class_init_actions (GtkWidgetClass *widget_class);
void _weft_window_update_actions     (WeftWindow     *self);
void _weft_window_refresh_diff_sources (WeftWindow *self);
void _weft_window_show_error         (WeftWindow     *self,
                                      const char     *message);

G_END_DECLS
