/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-search-highlight"

#include "config.h"

#include "weft-search-highlight.h"
#include "weft-timeline-rows.h"

/**
 * WeftSearchHighlight:
 *
 * A layer over the lanes (in a #GtkOverlay, never a target for the
 * pointer) that outlines the search matches in the visible window, the
 * current one filled. At most one outline per pixel column and row, and
 * at most 20,000 per frame: a frame's cost follows its pixels.
 */
struct _WeftSearchHighlight
{
  GtkWidget           parent_instance;

  WeftTimelineView   *view;
  WeftTimelineSearch *search;
  GSignalGroup       *session_signals;
  GtkAdjustment      *vadjustment;
  guint               n_drawn;
};

G_DEFINE_FINAL_TYPE (WeftSearchHighlight, weft_search_highlight, GTK_TYPE_WIDGET)

#define MAX_OUTLINES 20000

static void
outline (GtkSnapshot           *snapshot,
         const graphene_rect_t *r,
         gboolean               current)
{
  GdkRGBA amber = { 1.0, 0.72, 0.0, 1 }, fill = { 1.0, 0.8, 0.0, 0.35 };
  float w = current ? 2 : 1.5f;
  float bw[4] = { w, w, w, w };
  GdkRGBA colours[4] = { amber, amber, amber, amber };

  if (current)
    gtk_snapshot_append_color (snapshot, &fill, r);
  gtk_snapshot_append_border (snapshot, &GSK_ROUNDED_RECT_INIT (r->origin.x, r->origin.y, r->size.width, r->size.height),
                              bw, colours);
}

/* The match's rectangle in this widget's coordinates; %FALSE if hidden */
static gboolean
match_rect (WeftSearchHighlight   *self,
            const WeftSearchMatch *m,
            graphene_rect_t       *out)
{
  double y = weft_timeline_view_get_row_y (self->view, m->worker, m->depth);
  double x0 = weft_timeline_view_time_to_x (self->view, m->start_ns);
  double x1 = weft_timeline_view_time_to_x (self->view, m->end_ns);
  double left = weft_timeline_view_get_label_width (self->view);
  graphene_point_t p;

  if (y < 0)
    return FALSE;
  x0 = MAX (x0, left);
  x1 = MAX (x1, x0 + 3);
  if (!gtk_widget_compute_point (GTK_WIDGET (self->view), GTK_WIDGET (self),
                                 &GRAPHENE_POINT_INIT (x0, y - WEFT_TIMELINE_ROW_HEIGHT / 2.0), &p))
    return FALSE;
  graphene_rect_init (out, p.x - 1, p.y, x1 - x0 + 2, WEFT_TIMELINE_ROW_HEIGHT);
  return TRUE;
}

static void
weft_search_highlight_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  WeftSearchHighlight *self = WEFT_SEARCH_HIGHLIGHT (widget);
  WeftSession *session;
  guint64 vb, ve;
  guint first, last, cur = G_MAXUINT;
  g_autoptr(GHashTable) seen = NULL;
  graphene_rect_t r;

  self->n_drawn = 0;
  if (self->view == NULL || (session = weft_timeline_view_get_session (self->view)) == NULL ||
      weft_timeline_search_get_n_matches (self->search) == 0)
    return;

  vb = weft_session_get_visible_begin (session);
  ve = weft_session_get_visible_end (session);
  first = weft_timeline_search_lookup (self->search, vb);
  last = weft_timeline_search_lookup (self->search, ve);
  weft_timeline_search_get_current (self->search, &cur);
  seen = g_hash_table_new (NULL, NULL);

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (weft_timeline_view_get_label_width (self->view), 0,
                                                         gtk_widget_get_width (widget), gtk_widget_get_height (widget)));
  for (guint i = first; i < last && self->n_drawn < MAX_OUTLINES; i++)
    {
      const WeftSearchMatch *m = weft_timeline_search_get_match (self->search, i);
      gpointer key;

      if (i == cur || !match_rect (self, m, &r) || r.origin.y + r.size.height < 0 ||
          r.origin.y > gtk_widget_get_height (widget))
        continue;
      key = GSIZE_TO_POINTER (((gsize) (int) r.origin.x << 20) ^ (gsize) (int) r.origin.y);
      if (g_hash_table_contains (seen, key))
        continue;
      g_hash_table_add (seen, key);
      outline (snapshot, &r, FALSE);
      self->n_drawn++;
    }
  if (cur != G_MAXUINT && match_rect (self, weft_timeline_search_get_match (self->search, cur), &r))
    {
      outline (snapshot, &r, TRUE);
      self->n_drawn++;
    }
  gtk_snapshot_pop (snapshot);
}

/**
 * weft_search_highlight_get_n_drawn:
 *
 * Returns: the outlines the last frame drew (for tests)
 */
guint
weft_search_highlight_get_n_drawn (WeftSearchHighlight *self)
{
  g_return_val_if_fail (WEFT_IS_SEARCH_HIGHLIGHT (self), 0);
  return self->n_drawn;
}

static void
queue_redraw (WeftSearchHighlight *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GtkWidget *
weft_search_highlight_new (WeftTimelineView   *view,
                           WeftTimelineSearch *search)
{
  WeftSearchHighlight *self = g_object_new (WEFT_TYPE_SEARCH_HIGHLIGHT, NULL);

  self->view = view;
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &self->view);
  self->search = g_object_ref (search);
  g_signal_connect_object (search, "changed", G_CALLBACK (queue_redraw), self, G_CONNECT_SWAPPED);
  g_signal_group_set_target (self->session_signals, weft_timeline_view_get_session (view));
  g_object_get (view, "vadjustment", &self->vadjustment, NULL);
  if (self->vadjustment != NULL)
    g_signal_connect_object (self->vadjustment, "value-changed", G_CALLBACK (queue_redraw), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

static void
weft_search_highlight_dispose (GObject *object)
{
  WeftSearchHighlight *self = WEFT_SEARCH_HIGHLIGHT (object);

  if (self->view != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->view), (gpointer *) &self->view);
  self->view = NULL;
  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->vadjustment);
  g_clear_object (&self->search);
  G_OBJECT_CLASS (weft_search_highlight_parent_class)->dispose (object);
}

static void
weft_search_highlight_class_init (WeftSearchHighlightClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_search_highlight_dispose;
  widget_class->snapshot = weft_search_highlight_snapshot;
  gtk_widget_class_set_css_name (widget_class, "weft-search-highlight");
}

static void
weft_search_highlight_init (WeftSearchHighlight *self)
{
  static const char * const redraw_on[] = { "visible-changed", "span-selected", "bounds-changed" };

  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  self->session_signals = g_signal_group_new (WEFT_TYPE_SESSION);
  for (guint i = 0; i < G_N_ELEMENTS (redraw_on); i++)
    g_signal_group_connect_object (self->session_signals, redraw_on[i], G_CALLBACK (queue_redraw),
                                   self, G_CONNECT_SWAPPED);
}
