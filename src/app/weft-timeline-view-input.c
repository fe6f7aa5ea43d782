/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-timeline"

#include "config.h"

#include <math.h>

#include "weft-timeline-view-private.h"

/*
 * What the timeline does with the pointer, the wheel, touch and the keys:
 * hover, click, drag to pan (Shift to select a range), wheel and pinch to
 * zoom, kinetic panning, and the timeline.* actions with their keys. All of
 * it ends in the session (its window, selection, hover); the canvas draws
 * what the session then says.
 */

#define LABEL_WIDTH    (self->label_width)   /* resizable: the instance's */
#define KINETIC_DECAY  0.28  /* s: time constant of kinetic panning */

/**
 * weft_timeline_view_zoom_at:
 * @factor: > 1 zooms in
 * @x: the widget x whose time stays in place
 */
void
weft_timeline_view_zoom_at (WeftTimelineView *self,
                            double            factor,
                            double            x)
{
  g_return_if_fail (WEFT_IS_TIMELINE_VIEW (self));

  if (self->session == NULL)
    return;
  x = CLAMP (x, LABEL_WIDTH, gtk_widget_get_width (GTK_WIDGET (self)));
  weft_session_set_follow (self->session, FALSE);
  weft_session_zoom (self->session, factor, weft_timeline_view_x_to_time (self, x));
}

static void
pan_px (WeftTimelineView *self,
        double            dx)
{
  guint64 vb, ve;
  double ns_per_px;

  if (self->session == NULL)
    return;
  _weft_timeline_view_get_visible (self, &vb, &ve);
  ns_per_px = (double) (ve - vb) / _weft_timeline_view_get_time_width (self);
  weft_session_pan (self->session, (gint64) llround (dx * ns_per_px));
}

static double
anchor_x (WeftTimelineView *self)
{
  if (self->pointer_inside && self->pointer_x >= LABEL_WIDTH)
    return self->pointer_x;
  return LABEL_WIDTH + _weft_timeline_view_get_time_width (self) / 2.0;
}

/* ---- input --------------------------------------------------------------- */

void
_weft_timeline_view_update_hover (WeftTimelineView *self)
{
  guint w = 0, d = 0, i = 0;
  gboolean has = self->pointer_inside &&
                 _weft_timeline_view_pick_span (self, self->pointer_x, self->pointer_y, &w, &d, &i, NULL);

  if (has != self->has_hover_span ||
      (has && (w != self->hover_worker || d != self->hover_depth || i != self->hover_index)))
    {
      self->has_hover_span = has;
      self->hover_worker = w;
      self->hover_depth = d;
      self->hover_index = i;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  if (self->session != NULL)
    {
      if (self->pointer_inside && self->pointer_x >= LABEL_WIDTH)
        weft_session_set_hover (self->session, weft_timeline_view_x_to_time (self, self->pointer_x));
      else
        weft_session_clear_hover (self->session);
    }
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           WeftTimelineView         *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  _weft_timeline_view_update_hover (self);
}

static void
on_leave (GtkEventControllerMotion *motion,
          WeftTimelineView         *self)
{
  self->pointer_inside = FALSE;
  _weft_timeline_view_update_hover (self);
}

void
_weft_timeline_view_stop_kinetic (WeftTimelineView *self)
{
  if (self->kinetic_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->kinetic_id);
      self->kinetic_id = 0;
    }
}

static gboolean
on_scroll (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           WeftTimelineView         *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  double unit = gtk_event_controller_scroll_get_unit (scroll) == GDK_SCROLL_UNIT_WHEEL ? 48 : 1;

  _weft_timeline_view_stop_kinetic (self);
  if (state & GDK_CONTROL_MASK)
    {
      weft_timeline_view_zoom_at (self, pow (1.25, -dy * (unit > 1 ? 1 : 0.05)), anchor_x (self));
      return TRUE;
    }
  if (state & GDK_SHIFT_MASK)
    {
      dx = dx != 0 ? dx : dy;
      dy = 0;
    }
  if (dx != 0)
    {
      if (self->session != NULL)
        weft_session_set_follow (self->session, FALSE);
      pan_px (self, dx * unit);
      return TRUE;
    }
  /* Plain vertical scrolling moves the lanes: leave it to the scrolled window */
  return FALSE;
}

static gboolean
kinetic_tick (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       data)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double dt = (now - self->kinetic_last) / 1e6;

  self->kinetic_last = now;
  pan_px (self, self->kinetic_velocity * dt);
  self->kinetic_velocity *= exp (-dt / KINETIC_DECAY);
  if (fabs (self->kinetic_velocity) < 20)
    {
      self->kinetic_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_decelerate (GtkEventControllerScroll *scroll,
               double                    vel_x,
               double                    vel_y,
               WeftTimelineView         *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));

  if (state & GDK_SHIFT_MASK)
    vel_x = vel_x != 0 ? vel_x : vel_y;
  _weft_timeline_view_stop_kinetic (self);
  if (fabs (vel_x) < 50)
    return;
  self->kinetic_velocity = vel_x;
  self->kinetic_last = g_get_monotonic_time ();
  self->kinetic_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), kinetic_tick, NULL, NULL);
}

static void
on_drag_begin (GtkGestureDrag   *drag,
               double            x,
               double            y,
               WeftTimelineView *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (drag));

  _weft_timeline_view_stop_kinetic (self);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_x = x;
  self->drag_y = y;
  self->dragging = FALSE;
  self->drag_select = (state & GDK_SHIFT_MASK) != 0;
  self->drag_vvalue = _weft_timeline_view_get_vscroll (self);
  _weft_timeline_view_get_visible (self, &self->drag_begin_ns, &self->drag_end_ns);
}

static void
on_drag_update (GtkGestureDrag   *drag,
                double            ox,
                double            oy,
                WeftTimelineView *self)
{
  if (self->session == NULL)
    return;
  if (!self->dragging && fabs (ox) < 3 && fabs (oy) < 3)
    return;
  self->dragging = TRUE;
  if (self->drag_select)
    {
      guint64 t0 = weft_timeline_view_x_to_time (self, MAX (self->drag_x, LABEL_WIDTH));
      guint64 t1 = weft_timeline_view_x_to_time (self, MAX (self->drag_x + ox, LABEL_WIDTH));

      weft_session_set_selection (self->session, t0, t1);
    }
  else
    {
      double ns_per_px = (double) (self->drag_end_ns - self->drag_begin_ns) /
                         _weft_timeline_view_get_time_width (self);
      gint64 delta = (gint64) llround (-ox * ns_per_px);
      guint64 b = delta < 0 && (guint64) -delta > self->drag_begin_ns ? 0 : self->drag_begin_ns + delta;

      weft_session_set_follow (self->session, FALSE);
      weft_session_set_visible (self->session, b, b + (self->drag_end_ns - self->drag_begin_ns));
      if (self->vadjustment != NULL)
        gtk_adjustment_set_value (self->vadjustment, self->drag_vvalue - oy);
    }
}

static void
on_drag_end (GtkGestureDrag   *drag,
             double            ox,
             double            oy,
             WeftTimelineView *self)
{
  if (!self->dragging)
    weft_timeline_view_click (self, self->drag_x, self->drag_y);
  self->dragging = FALSE;
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               WeftTimelineView *self)
{
  _weft_timeline_view_get_visible (self, &self->zoom_begin_ns, &self->zoom_end_ns);
}

static void
on_zoom_scale_changed (GtkGestureZoom   *gesture,
                       double            scale,
                       WeftTimelineView *self)
{
  double cx, cy;
  guint64 anchor;
  double frac, dur;

  if (self->session == NULL || scale <= 0 ||
      !gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    return;
  frac = CLAMP ((cx - LABEL_WIDTH) / _weft_timeline_view_get_time_width (self), 0, 1);
  anchor = self->zoom_begin_ns + (guint64) (frac * (self->zoom_end_ns - self->zoom_begin_ns));
  dur = (self->zoom_end_ns - self->zoom_begin_ns) / scale;
  weft_session_set_follow (self->session, FALSE);
  weft_session_set_visible (self->session,
                            (double) anchor > frac * dur ? (guint64) (anchor - frac * dur) : 0,
                            (guint64) (anchor + (1 - frac) * dur));
}

/* ---- actions ------------------------------------------------------------- */

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);

  if (self->session == NULL)
    return;
  if (g_str_equal (action_name, "timeline.zoom-in"))
    weft_timeline_view_zoom_at (self, 1.5, anchor_x (self));
  else if (g_str_equal (action_name, "timeline.zoom-out"))
    weft_timeline_view_zoom_at (self, 1 / 1.5, anchor_x (self));
  else if (g_str_equal (action_name, "timeline.zoom-fit"))
    weft_session_zoom_to_fit (self->session);
  else if (g_str_equal (action_name, "timeline.zoom-selection"))
    weft_session_zoom_to_selection (self->session);
  else if (g_str_equal (action_name, "timeline.pan-left"))
    pan_px (self, -_weft_timeline_view_get_time_width (self) / 8.0);
  else if (g_str_equal (action_name, "timeline.pan-right"))
    pan_px (self, _weft_timeline_view_get_time_width (self) / 8.0);
}

static void
follow_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WeftTimelineView *self = WEFT_TIMELINE_VIEW (widget);

  if (self->session != NULL)
    weft_session_set_follow (self->session, !weft_session_get_follow (self->session));
}

/* ---- setup --------------------------------------------------------------- */

void
_weft_timeline_view_class_init_input (GtkWidgetClass *widget_class)
{
  static const char * const zoom_actions[] = {
    "timeline.zoom-in", "timeline.zoom-out", "timeline.zoom-fit",
    "timeline.zoom-selection", "timeline.pan-left", "timeline.pan-right",
  };

  for (guint i = 0; i < G_N_ELEMENTS (zoom_actions); i++)
    gtk_widget_class_install_action (widget_class, zoom_actions[i], NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "timeline.toggle-follow", NULL, follow_action);
  _weft_timeline_view_class_init_lanes (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "timeline.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "timeline.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "timeline.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "timeline.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, 0, "timeline.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "timeline.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, 0, "timeline.zoom-selection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "timeline.pan-left", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "timeline.pan-right", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, 0, "timeline.toggle-follow", NULL);
  /* W/S zoom and A/D pan, as in Perfetto and Chrome's performance panel */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, 0, "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, 0, "timeline.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, 0, "timeline.pan-left", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, 0, "timeline.pan-right", NULL);

}

void
_weft_timeline_view_init_input (WeftTimelineView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES |
                                                GTK_EVENT_CONTROLLER_SCROLL_KINETIC);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  g_signal_connect (controller, "decelerate", G_CALLBACK (on_decelerate), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  _weft_timeline_view_init_lanes (self);

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

}
