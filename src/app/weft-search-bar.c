/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-search-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-search-bar.h"

/**
 * WeftSearchBar:
 *
 * Ctrl+F over the timeline: an entry whose text names spans (see
 * #WeftTimelineSearch), the number of matches, and buttons to step through
 * them (Enter, Shift+Enter). Each step selects the match and brings it
 * into view; every match is marked on the overview strip. While a live run
 * grows, the search runs again half a second after the run's end moved,
 * keeping the current match.
 */
struct _WeftSearchBar
{
  GtkWidget             parent_instance;

  WeftTimelineView     *view;
  WeftTimelineOverview *overview;
  WeftTimelineSearch   *search;

  GtkWidget            *bar;
  GtkWidget            *entry;
  GtkWidget            *status;
  guint                 refresh_id;
};

#define REFRESH_MS 500

G_DEFINE_FINAL_TYPE (WeftSearchBar, weft_search_bar, GTK_TYPE_WIDGET)

static WeftSession *
get_session (WeftSearchBar *self)
{
  return self->view != NULL ? weft_timeline_view_get_session (self->view) : NULL;
}

static void
update_status (WeftSearchBar *self)
{
  guint n = weft_timeline_search_get_n_matches (self->search);
  guint cur;
  g_autofree char *text = NULL;

  if (weft_timeline_search_get_query (self->search)[0] == '\0')
    text = g_strdup ("");
  else if (weft_timeline_search_get_searching (self->search))
    /* Translators: while a big trace is being searched */
    text = g_strdup (_("Searching…"));
  else if (n == 0)
    text = g_strdup (_("No match"));
  else if (weft_timeline_search_get_current (self->search, &cur))
    /* Translators: the current search match and how many there are */
    text = g_strdup_printf (_("%u of %u"), cur + 1, n);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u match", "%u matches", n), n);
  gtk_label_set_label (GTK_LABEL (self->status), text);
}

static void
update_marks (WeftSearchBar *self)
{
  guint n = weft_timeline_search_get_n_matches (self->search);
  g_autofree guint64 *times = g_new (guint64, MAX (n, 1));

  if (self->overview == NULL)
    return;
  for (guint i = 0; i < n; i++)
    times[i] = weft_timeline_search_get_match (self->search, i)->start_ns;
  weft_timeline_overview_set_marks (self->overview, times, n);
}

/**
 * weft_search_bar_set_query:
 *
 * Searches the timeline's trace for @query (as typing it does).
 */
void
weft_search_bar_set_query (WeftSearchBar *self,
                           const char    *query)
{
  WeftSession *session;

  g_return_if_fail (WEFT_IS_SEARCH_BAR (self));

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->entry)), query) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->entry), query);
  session = get_session (self);
  /* the marks and the status follow ::changed, now or once a big trace
   * has been searched */
  weft_timeline_search_start (self->search, session != NULL ? weft_session_get_model (session) : NULL, query);
}

static void
on_matches_changed (WeftSearchBar *self)
{
  update_marks (self);
  update_status (self);
}

/**
 * weft_search_bar_step:
 * @forward: next (Enter) or previous (Shift+Enter)
 *
 * Selects the next or previous match and brings it into view.
 */
void
weft_search_bar_step (WeftSearchBar *self,
                      gboolean       forward)
{
  WeftSession *session = get_session (self);
  const WeftSearchMatch *m;
  guint i;

  g_return_if_fail (WEFT_IS_SEARCH_BAR (self));

  if (session == NULL || !weft_timeline_search_step (self->search, forward, &i))
    return;
  m = weft_timeline_search_get_match (self->search, i);
  weft_session_reveal (session, m->start_ns, m->end_ns);
  weft_session_select_span (session, m->worker, m->depth, m->index);
  update_status (self);
}

const char *
weft_search_bar_get_status (WeftSearchBar *self)
{
  g_return_val_if_fail (WEFT_IS_SEARCH_BAR (self), NULL);
  return gtk_label_get_label (GTK_LABEL (self->status));
}

WeftTimelineSearch *
weft_search_bar_get_search (WeftSearchBar *self)
{
  g_return_val_if_fail (WEFT_IS_SEARCH_BAR (self), NULL);
  return self->search;
}

void
weft_search_bar_set_open (WeftSearchBar *self,
                          gboolean       open)
{
  g_return_if_fail (WEFT_IS_SEARCH_BAR (self));

  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (self->bar), open);
  if (open)
    gtk_widget_grab_focus (self->entry);
}

gboolean
weft_search_bar_get_open (WeftSearchBar *self)
{
  g_return_val_if_fail (WEFT_IS_SEARCH_BAR (self), FALSE);
  return gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (self->bar));
}

static void
on_search_changed (GtkSearchEntry *entry,
                   WeftSearchBar  *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  /* weft_search_bar_set_query() ran it already */
  if (g_strcmp0 (text, weft_timeline_search_get_query (self->search)) != 0)
    weft_search_bar_set_query (self, text);
}

static void
on_activate (WeftSearchBar *self)
{
  weft_search_bar_step (self, TRUE);
}

static void
on_previous (WeftSearchBar *self)
{
  weft_search_bar_step (self, FALSE);
}

static gboolean
on_entry_key (GtkEventControllerKey *key,
              guint                  keyval,
              guint                  keycode,
              GdkModifierType        state,
              WeftSearchBar         *self)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) && (state & GDK_SHIFT_MASK))
    {
      weft_search_bar_step (self, FALSE);
      return TRUE;
    }
  return FALSE;
}

static void
on_mode_changed (WeftSearchBar *self)
{
  /* Closing the bar ends the search: no marks left behind */
  if (!gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (self->bar)))
    weft_search_bar_set_query (self, "");
}

/* Another trace on the timeline: the matches were the old one's */
static void
on_model_changed (WeftSearchBar *self)
{
  g_autofree char *query = g_strdup (weft_timeline_search_get_query (self->search));

  weft_search_bar_set_query (self, query);
}

/* A live run grows: search it again once it rests, keeping the current match */
static gboolean
on_refresh_timeout (gpointer data)
{
  WeftSearchBar *self = data;
  const WeftSearchMatch *m;
  WeftSearchMatch cur = { 0 };
  gboolean had = FALSE;
  guint i;

  self->refresh_id = 0;
  if (weft_timeline_search_get_current (self->search, &i))
    {
      cur = *weft_timeline_search_get_match (self->search, i);
      had = TRUE;
    }
  on_model_changed (self);
  for (i = weft_timeline_search_lookup (self->search, cur.start_ns);
       had && i < weft_timeline_search_get_n_matches (self->search); i++)
    {
      m = weft_timeline_search_get_match (self->search, i);
      if (m->start_ns != cur.start_ns)
        break;
      if (m->worker == cur.worker && m->depth == cur.depth)
        {
          weft_timeline_search_set_current (self->search, i);
          break;
        }
    }
  update_status (self);
  return G_SOURCE_REMOVE;
}

static void
on_bounds_changed (WeftSearchBar *self)
{
  if (weft_timeline_search_get_query (self->search)[0] == '\0' || self->refresh_id != 0)
    return;
  self->refresh_id = g_timeout_add (REFRESH_MS, on_refresh_timeout, self);
}

GtkWidget *
weft_search_bar_new (WeftTimelineView     *view,
                     WeftTimelineOverview *overview)
{
  WeftSearchBar *self = g_object_new (WEFT_TYPE_SEARCH_BAR, NULL);

  g_signal_connect_object (weft_timeline_view_get_session (view), "notify::model",
                           G_CALLBACK (on_model_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (weft_timeline_view_get_session (view), "bounds-changed",
                           G_CALLBACK (on_bounds_changed), self, G_CONNECT_SWAPPED);

  self->view = view;
  self->overview = overview;
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &self->view);
  if (overview != NULL)
    g_object_add_weak_pointer (G_OBJECT (overview), (gpointer *) &self->overview);
  gtk_search_bar_set_key_capture_widget (GTK_SEARCH_BAR (self->bar), NULL);
  return GTK_WIDGET (self);
}

static void
weft_search_bar_dispose (GObject *object)
{
  WeftSearchBar *self = WEFT_SEARCH_BAR (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->view != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->view), (gpointer *) &self->view);
  if (self->overview != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->overview), (gpointer *) &self->overview);
  self->view = NULL;
  self->overview = NULL;
  g_clear_pointer (&self->bar, gtk_widget_unparent);
  g_clear_object (&self->search);
  G_OBJECT_CLASS (weft_search_bar_parent_class)->dispose (object);
}

static void
weft_search_bar_class_init (WeftSearchBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_search_bar_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "weft-search-bar");
}

static GtkWidget *
step_button (WeftSearchBar *self,
             const char    *icon,
             const char    *tooltip,
             GCallback      callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  g_signal_connect_swapped (button, "clicked", callback, self);
  return button;
}

static void
weft_search_bar_init (WeftSearchBar *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkEventController *key = gtk_event_controller_key_new ();

  self->search = weft_timeline_search_new ();
  g_signal_connect_swapped (self->search, "changed", G_CALLBACK (on_matches_changed), self);
  self->bar = gtk_search_bar_new ();
  gtk_widget_set_parent (self->bar, GTK_WIDGET (self));
  self->entry = gtk_search_entry_new ();
  gtk_widget_set_size_request (self->entry, 320, -1);
  g_object_set (self->entry, "placeholder-text", _("Spans by task, lock, queue or state"), NULL);
  self->status = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->status, "dim-label");
  gtk_widget_add_css_class (self->status, "numeric");
  gtk_box_append (GTK_BOX (box), self->entry);
  gtk_box_append (GTK_BOX (box), step_button (self, "go-up-symbolic", _("Previous match (Shift+Enter)"),
                                              G_CALLBACK (on_previous)));
  gtk_box_append (GTK_BOX (box), step_button (self, "go-down-symbolic", _("Next match (Enter)"),
                                              G_CALLBACK (on_activate)));
  gtk_box_append (GTK_BOX (box), self->status);
  gtk_search_bar_set_child (GTK_SEARCH_BAR (self->bar), box);
  gtk_search_bar_connect_entry (GTK_SEARCH_BAR (self->bar), GTK_EDITABLE (self->entry));
  gtk_search_bar_set_show_close_button (GTK_SEARCH_BAR (self->bar), TRUE);

  g_signal_connect (self->entry, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (on_activate), self);
  g_signal_connect_swapped (self->entry, "next-match", G_CALLBACK (on_activate), self);
  g_signal_connect_swapped (self->entry, "previous-match", G_CALLBACK (on_previous), self);
  g_signal_connect_swapped (self->bar, "notify::search-mode-enabled", G_CALLBACK (on_mode_changed), self);
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_entry_key), self);
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (self->entry, key);
}
