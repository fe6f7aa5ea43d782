/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-timeline"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-timeline-view-private.h"

/*
 * The lanes' menu: a right click on a lane's label pins the lane to the
 * top, hides it, or shows the hidden lanes again. The state lives in the
 * rows model (WeftTimelineRows), the actions are the view's:
 * timeline.toggle-pin (u), timeline.hide-lane (u), timeline.show-hidden.
 */

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

void
_weft_timeline_view_class_init_lanes (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "timeline.toggle-pin", "u", toggle_pin_action);
  gtk_widget_class_install_action (widget_class, "timeline.hide-lane", "u", hide_lane_action);
  gtk_widget_class_install_action (widget_class, "timeline.show-hidden", NULL, show_hidden_action);
}

void
_weft_timeline_view_init_lanes (WeftTimelineView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}
