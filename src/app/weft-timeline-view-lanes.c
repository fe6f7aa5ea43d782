/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-timeline"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "weft-timeline-view-private.h"

/*
 * The label column: a right click on a lane's label opens the lanes' menu,
 * which pins the lane to the top, hides it, or shows the hidden lanes
 * again (the state lives in the rows model, WeftTimelineRows; the actions
 * are the view's: timeline.toggle-pin (u), timeline.hide-lane (u),
 * timeline.show-hidden); a drag on the column's right edge resizes it
 * (::label-width-changed tells the ruler and the overview).
 */

#define EDGE_PX 4.0

enum {
  LABEL_WIDTH_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toggle_pin_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);
  guint worker = g_variant_get_uint32 (parameter);

  weft_timeline_rows_set_pinned (self->rows, worker, !weft_timeline_rows_is_pinned (self->rows, worker));
}

static void
hide_lane_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);

  weft_timeline_rows_set_hidden (self->rows, g_variant_get_uint32 (parameter), TRUE);
}

static void
show_hidden_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  weft_timeline_rows_show_all (WEFT_TIMELINE_VIEW (widget)->rows);
}

static GMenuModel *
lane_menu_model (WeftTimelineView *self,
                 guint             worker)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenuItem) pin = NULL;
  g_autoptr(GMenuItem) hide = NULL;

  pin = g_menu_item_new (weft_timeline_rows_is_pinned (self->rows, worker) ? _("Unpin the lane")
                                                                           : _("Pin the lane to the top"), NULL);
  g_menu_item_set_action_and_target_value (pin, "timeline.toggle-pin", g_variant_new_uint32 (worker));
  g_menu_append_item (menu, pin);
  hide = g_menu_item_new (_("Hide the lane"), NULL);
  g_menu_item_set_action_and_target_value (hide, "timeline.hide-lane", g_variant_new_uint32 (worker));
  g_menu_append_item (menu, hide);
  if (weft_timeline_rows_get_n_hidden (self->rows) > 0)
    g_menu_append (menu, _("Show the hidden lanes"), "timeline.show-hidden");
  return G_MENU_MODEL (menu);
}

static void
on_secondary_pressed (GtkGestureClick  *gesture,
                      int               n_press,
                      double            x,
                      double            y,
                      WeftTimelineView *self)
{
  WeftTimelineRow *row;
  g_autoptr(GMenuModel) model = NULL;

  if (x >= weft_timeline_view_get_label_width (self))
    return;
  row = weft_timeline_rows_get_row_at_y (self->rows, y + _weft_timeline_view_get_vscroll (self));
  if (row == NULL || weft_timeline_row_get_kind (row) != WEFT_TIMELINE_ROW_LANE)
    return;

  model = lane_menu_model (self, weft_timeline_row_get_worker (row));
  g_clear_pointer (&self->lane_menu, gtk_widget_unparent);
  self->lane_menu = gtk_popover_menu_new_from_model (model);
  gtk_widget_set_parent (self->lane_menu, GTK_WIDGET (self));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->lane_menu), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_set_has_arrow (GTK_POPOVER (self->lane_menu), FALSE);
  gtk_popover_popup (GTK_POPOVER (self->lane_menu));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/**
 * weft_timeline_view_set_label_width:
 * @width: the label column's width in pixels, kept between 100 and 600
 *
 * Emits ::label-width-changed on a real change.
 */
void
weft_timeline_view_set_label_width (WeftTimelineView *self,
                                    int               width)
{
  g_return_if_fail (WEFT_IS_TIMELINE_VIEW (self));

  width = CLAMP (width, WEFT_TIMELINE_LABEL_WIDTH_MIN, WEFT_TIMELINE_LABEL_WIDTH_MAX);
  if (width == self->label_width)
    return;
  self->label_width = width;
  self->gen++;   /* every row's drawing is stale: the time axis moved */
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_signal_emit (self, signals[LABEL_WIDTH_CHANGED], 0);
}

static gboolean
on_edge (WeftTimelineView *self,
         double            x)
{
  return fabs (x - self->label_width) <= EDGE_PX;
}

/**
 * _weft_timeline_view_resize_labels:
 * @x0: where a drag began
 * @dx: how far it went
 *
 * What a drag does to the label column: one that began on its edge moves
 * the edge by @dx (what the drag gesture calls; tests too).
 *
 * Returns: whether the drag began on the edge
 */
gboolean
_weft_timeline_view_resize_labels (WeftTimelineView *self,
                                   double            x0,
                                   double            dx)
{
  if (!self->resizing_labels)
    {
      if (!on_edge (self, x0))
        return FALSE;
      self->resizing_labels = TRUE;
      self->resize_from = self->label_width;
    }
  weft_timeline_view_set_label_width (self, self->resize_from + (int) lround (dx));
  return TRUE;
}

static void
on_edge_drag_begin (GtkGestureDrag   *gesture,
                    double            x,
                    double            y,
                    WeftTimelineView *self)
{
  self->resizing_labels = FALSE;
  if (_weft_timeline_view_resize_labels (self, x, 0))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  else
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
}

static void
on_edge_drag_update (GtkGestureDrag   *gesture,
                     double            dx,
                     double            dy,
                     WeftTimelineView *self)
{
  if (self->resizing_labels)
    _weft_timeline_view_resize_labels (self, 0, dx);
}

static void
on_edge_drag_end (GtkGestureDrag   *gesture,
                  double            dx,
                  double            dy,
                  WeftTimelineView *self)
{
  on_edge_drag_update (gesture, dx, dy, self);
  self->resizing_labels = FALSE;
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           WeftTimelineView         *self)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), on_edge (self, x) || self->resizing_labels ? "col-resize" : NULL);
}

void
_weft_timeline_view_class_init_lanes (GtkWidgetClass *widget_class)
{
  /**
   * WeftTimelineView::label-width-changed:
   *
   * The label column's width changed (weft_timeline_view_get_label_width()).
   */
  signals[LABEL_WIDTH_CHANGED] =
    g_signal_new ("label-width-changed", G_TYPE_FROM_CLASS (widget_class), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "timeline.toggle-pin", "u", toggle_pin_action);
  gtk_widget_class_install_action (widget_class, "timeline.hide-lane", "u", hide_lane_action);
  gtk_widget_class_install_action (widget_class, "timeline.show-hidden", NULL, show_hidden_action);
}

void
_weft_timeline_view_init_lanes (WeftTimelineView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *edge = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->label_width = WEFT_TIMELINE_LABEL_WIDTH;
  /* Before the pan gesture: a drag that starts on the edge is a resize */
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (edge), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (edge), GTK_PHASE_CAPTURE);
  g_signal_connect (edge, "drag-begin", G_CALLBACK (on_edge_drag_begin), self);
  g_signal_connect (edge, "drag-update", G_CALLBACK (on_edge_drag_update), self);
  g_signal_connect (edge, "drag-end", G_CALLBACK (on_edge_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (edge));
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}
