/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include "weft-time-ruler.h"
#include "weft-timeline-stack.h"
#include "weft-timeline-view.h"

/**
 * WeftTimelineStack:
 *
 * Several timelines one above the other on ONE time axis: each shows its
 * run from its own start over the longest run's wall time, so that a run
 * twice as long looks twice as long. Each has a title, a ruler and its own
 * #WeftSession; zooming or panning one moves the others to the same
 * window of time from their own start, so the axis stays one. The Compare
 * view (one timeline per executor) and the Diff view (A and B) use it.
 */
struct _WeftTimelineStack
{
  GtkBox     parent_instance;

  GPtrArray *sessions;   /* (element-type WeftSession) one per timeline */
  GPtrArray *views;      /* (element-type GtkWidget) (transfer none) */
  guint64    axis_ns;
  gboolean   syncing;    /* moving the others' windows after one moved */
};

G_DEFINE_FINAL_TYPE (WeftTimelineStack, weft_timeline_stack, GTK_TYPE_BOX)

GtkWidget *
weft_timeline_stack_new (void)
{
  return g_object_new (WEFT_TYPE_TIMELINE_STACK, NULL);
}

void
weft_timeline_stack_clear (WeftTimelineStack *self)
{
  GtkWidget *child;

  g_return_if_fail (WEFT_IS_TIMELINE_STACK (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);
  g_ptr_array_set_size (self->views, 0);
  g_ptr_array_set_size (self->sessions, 0);
  self->axis_ns = 0;
}

/* Every timeline from its own start over the longest wall time so far */
static void
update_bounds (WeftTimelineStack *self)
{
  for (guint i = 0; i < self->sessions->len; i++)
    {
      WeftSession *session = g_ptr_array_index (self->sessions, i);
      WeftRunStats rs;

      weft_trace_model_get_run_stats (weft_session_get_model (session), &rs);
      weft_session_set_bounds (session, rs.first_ns, rs.first_ns + MAX (self->axis_ns, 1));
    }
}

/* One timeline's window moved: the others show the same time from their start */
static void
on_visible_changed (WeftSession       *moved,
                    WeftTimelineStack *self)
{
  guint64 begin = weft_session_get_visible_begin (moved) - weft_session_get_begin (moved);
  guint64 end = weft_session_get_visible_end (moved) - weft_session_get_begin (moved);

  if (self->syncing)
    return;
  self->syncing = TRUE;
  for (guint i = 0; i < self->sessions->len; i++)
    {
      WeftSession *session = g_ptr_array_index (self->sessions, i);

      if (session != moved)
        weft_session_set_visible (session, weft_session_get_begin (session) + begin,
                                  weft_session_get_begin (session) + end);
    }
  self->syncing = FALSE;
}

/* A timeline's label column was resized: its ruler starts where its lanes do */
static void
on_label_width_changed (WeftTimelineView *view,
                        WeftTimeRuler    *ruler)
{
  weft_time_ruler_set_inset (ruler, weft_timeline_view_get_label_width (view));
}

/**
 * weft_timeline_stack_add:
 * @title: the heading above the timeline
 * @model: (transfer none): the timeline (referenced by its session)
 *
 * Adds a timeline at the bottom; the axis of all grows to the longest wall.
 */
void
weft_timeline_stack_add (WeftTimelineStack *self,
                         const char        *title,
                         WeftTraceModel    *model)
{
  g_autoptr(WeftSession) session = weft_session_new ();
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *ruler, *view;
  WeftRunStats rs;
  int natural = 0;

  g_return_if_fail (WEFT_IS_TIMELINE_STACK (self));
  g_return_if_fail (WEFT_IS_TRACE_MODEL (model));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 6);
  weft_session_set_model (session, model);
  weft_trace_model_get_run_stats (model, &rs);
  self->axis_ns = MAX (self->axis_ns, rs.wall_ns);
  view = weft_timeline_view_new (session);
  ruler = weft_time_ruler_new (session);
  /* Outside a scroller the view would get only its minimum height: ask for
   * all its lanes (deeply nested ones too) */
  gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, -1, NULL, &natural, NULL, NULL);
  gtk_widget_set_size_request (view, -1, natural);
  weft_time_ruler_set_inset (WEFT_TIME_RULER (ruler),
                             weft_timeline_view_get_label_width (WEFT_TIMELINE_VIEW (view)));
  g_signal_connect_object (view, "label-width-changed", G_CALLBACK (on_label_width_changed), ruler, 0);
  gtk_box_append (GTK_BOX (self), label);
  gtk_box_append (GTK_BOX (self), ruler);
  gtk_box_append (GTK_BOX (self), view);
  g_ptr_array_add (self->views, view);
  g_signal_connect_object (session, "visible-changed", G_CALLBACK (on_visible_changed), self, 0);
  g_ptr_array_add (self->sessions, g_steal_pointer (&session));
  /* the new axis shows the whole of every run: no window to keep in step */
  self->syncing = TRUE;
  update_bounds (self);
  self->syncing = FALSE;
}

guint
weft_timeline_stack_get_n_timelines (WeftTimelineStack *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_STACK (self), 0);
  return self->sessions->len;
}

/* Returns: (transfer none): the session of the @i-th timeline */
WeftSession *
weft_timeline_stack_get_session (WeftTimelineStack *self,
                                 guint              i)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_STACK (self), NULL);
  g_return_val_if_fail (i < self->sessions->len, NULL);
  return g_ptr_array_index (self->sessions, i);
}

/* Returns: (transfer none): the @i-th timeline's #WeftTimelineView */
GtkWidget *
weft_timeline_stack_get_view (WeftTimelineStack *self,
                              guint              i)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_STACK (self), NULL);
  g_return_val_if_fail (i < self->views->len, NULL);
  return g_ptr_array_index (self->views, i);
}

/* Returns: the common axis: the longest wall time of the timelines */
guint64
weft_timeline_stack_get_axis_ns (WeftTimelineStack *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_STACK (self), 0);
  return self->axis_ns;
}

static void
weft_timeline_stack_dispose (GObject *object)
{
  WeftTimelineStack *self = WEFT_TIMELINE_STACK (object);

  g_clear_pointer (&self->views, g_ptr_array_unref);
  g_clear_pointer (&self->sessions, g_ptr_array_unref);

  G_OBJECT_CLASS (weft_timeline_stack_parent_class)->dispose (object);
}

static void
weft_timeline_stack_class_init (WeftTimelineStackClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = weft_timeline_stack_dispose;
}

static void
weft_timeline_stack_init (WeftTimelineStack *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 2);
  self->sessions = g_ptr_array_new_with_free_func (g_object_unref);
  self->views = g_ptr_array_new ();
}
