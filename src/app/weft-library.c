/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-library.h"
#include "weft-profile.h"

/**
 * WeftLibrary:
 *
 * The sidebar: the shipped workload profiles sorted by concept number, the
 * files opened in this window and the recent files, in one list with a
 * header row per section. Selecting a file row emits #WeftLibrary::file-activated.
 * The shipped profiles are read on a worker thread.
 */
struct _WeftLibrary
{
  GtkWidget           parent_instance;

  GSettings          *settings;
  GListStore         *store;
  GtkSingleSelection *selection;
  GtkWidget          *scroller;
  GtkWidget          *list_view;
  GCancellable       *cancellable;

  GPtrArray          *workloads;   /* (element-type WeftLibraryItem) */
  GPtrArray          *opened;      /* (element-type WeftLibraryItem) */
  gboolean            loaded;
  gboolean            rebuilding;
};

G_DEFINE_FINAL_TYPE (WeftLibrary, weft_library, GTK_TYPE_WIDGET)

enum {
  FILE_ACTIVATED,
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
weft_library_get_workloads_dir (void)
{
  const char *dir = g_getenv ("WEFT_WORKLOADS_DIR");

  return dir != NULL && *dir != '\0' ? dir : WORKLOADSDIR;
}

static int
compare_workloads (gconstpointer a,
                   gconstpointer b)
{
  WeftLibraryItem *ia = *(WeftLibraryItem **) a;
  WeftLibraryItem *ib = *(WeftLibraryItem **) b;
  int ca = weft_library_item_get_concept (ia);
  int cb = weft_library_item_get_concept (ib);

  /* Concept 0 (none) last */
  if (ca != cb)
    return (ca == 0 ? 1000 : ca) - (cb == 0 ? 1000 : cb);
  return g_utf8_collate (weft_library_item_get_title (ia), weft_library_item_get_title (ib));
}

static gboolean
same_file (WeftLibraryItem *item,
           GFile           *file)
{
  GFile *f = weft_library_item_get_file (item);

  return f != NULL && g_file_equal (f, file);
}

static void
weft_library_rebuild (WeftLibrary *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-files");
  guint n_recent = 0;

  g_ptr_array_add (items, weft_library_item_new (WEFT_LIBRARY_ITEM_HEADER, _("Workloads"), 0, NULL));
  for (guint i = 0; i < self->workloads->len; i++)
    g_ptr_array_add (items, g_object_ref (g_ptr_array_index (self->workloads, i)));
  if (self->workloads->len == 0)
    g_ptr_array_add (items, weft_library_item_new (WEFT_LIBRARY_ITEM_HEADER,
                                                   self->loaded ? _("No shipped profiles found") : _("Loading…"),
                                                   -1, NULL));

  if (self->opened->len > 0)
    {
      g_ptr_array_add (items, weft_library_item_new (WEFT_LIBRARY_ITEM_HEADER, _("Opened"), 0, NULL));
      for (guint i = 0; i < self->opened->len; i++)
        g_ptr_array_add (items, g_object_ref (g_ptr_array_index (self->opened, i)));
    }

  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (recent[i]);
      g_autofree char *base = g_file_get_basename (file);
      gboolean shown = FALSE;

      for (guint j = 0; j < self->opened->len && !shown; j++)
        shown = same_file (g_ptr_array_index (self->opened, j), file);
      if (shown)
        continue;
      if (n_recent++ == 0)
        g_ptr_array_add (items, weft_library_item_new (WEFT_LIBRARY_ITEM_HEADER, _("Recent"), 0, NULL));
      g_ptr_array_add (items, weft_library_item_new (WEFT_LIBRARY_ITEM_RECENT, base, 0, file));
    }

  self->rebuilding = TRUE;
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->rebuilding = FALSE;
}

static void
on_recent_changed (GSettings   *settings,
                   const char  *key,
                   WeftLibrary *self)
{
  weft_library_rebuild (self);
}

static void
on_selection_changed (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      WeftLibrary        *self)
{
  WeftLibraryItem *item = gtk_single_selection_get_selected_item (selection);

  if (self->rebuilding || item == NULL)
    return;
  if (weft_library_item_get_file (item) != NULL)
    g_signal_emit (self, signals[FILE_ACTIVATED], 0, weft_library_item_get_file (item));
}

static void
emit_file_activated (WeftLibrary     *self,
                     WeftLibraryItem *item)
{
  if (item != NULL && weft_library_item_get_file (item) != NULL)
    g_signal_emit (self, signals[FILE_ACTIVATED], 0, weft_library_item_get_file (item));
}

/* A click on the row that is already selected changes no selection, so it
 * emits ::file-activated itself (the window goes back to that file's page).
 * The row's gesture runs before the list's own, which selects on press. */
static void
on_row_pressed (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                GtkListItem     *list_item)
{
  g_object_set_data (G_OBJECT (gesture), "was-selected",
                     GINT_TO_POINTER (n_press == 1 && gtk_list_item_get_selected (list_item)));
}

static void
on_row_released (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 GtkListItem     *list_item)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *library = gtk_widget_get_ancestor (row, WEFT_TYPE_LIBRARY);

  if (library != NULL && g_object_get_data (G_OBJECT (gesture), "was-selected") != NULL)
    emit_file_activated (WEFT_LIBRARY (library), gtk_list_item_get_item (list_item));
}

/* Enter or a double click on a row */
static void
on_list_activate (GtkListView *list_view,
                  guint        position,
                  WeftLibrary *self)
{
  g_autoptr(WeftLibraryItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), position);

  emit_file_activated (self, item);
}

/* Row widgets: a concept badge and the title; headers are bold and dim.
 * Titles wrap instead of being cut, so that profiles of one concept that
 * differ only at the end ("…, without a lock", "…, with a lock") can be
 * told apart. */
static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *badge = gtk_label_new (NULL);
  GtkWidget *title = gtk_label_new (NULL);
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_add_css_class (badge, "concept-badge");
  gtk_widget_set_valign (badge, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_width_chars (GTK_LABEL (title), 12);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 30);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_box_append (GTK_BOX (box), badge);
  gtk_box_append (GTK_BOX (box), title);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_row_pressed), list_item, 0);
  g_signal_connect_object (click, "released", G_CALLBACK (on_row_released), list_item, 0);
  gtk_widget_add_controller (box, GTK_EVENT_CONTROLLER (click));
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  data)
{
  WeftLibraryItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *badge = gtk_widget_get_first_child (box);
  GtkWidget *title = gtk_widget_get_next_sibling (badge);
  WeftLibraryItemKind kind = weft_library_item_get_kind (item);
  int concept = weft_library_item_get_concept (item);
  GFile *file = weft_library_item_get_file (item);

  gtk_label_set_label (GTK_LABEL (title), weft_library_item_get_title (item));
  gtk_list_item_set_selectable (list_item, kind != WEFT_LIBRARY_ITEM_HEADER);
  gtk_list_item_set_activatable (list_item, kind != WEFT_LIBRARY_ITEM_HEADER);

  if (kind == WEFT_LIBRARY_ITEM_HEADER)
    {
      gtk_widget_add_css_class (box, concept < 0 ? "library-note" : "library-header");
      gtk_widget_set_visible (badge, FALSE);
      gtk_widget_set_tooltip_text (box, NULL);
      return;
    }

  gtk_widget_remove_css_class (box, "library-header");
  gtk_widget_remove_css_class (box, "library-note");
  gtk_widget_set_visible (badge, TRUE);
  if (concept > 0)
    {
      g_autofree char *text = g_strdup_printf ("%d", concept);

      gtk_label_set_label (GTK_LABEL (badge), text);
      gtk_widget_remove_css_class (badge, "file-badge");
    }
  else
    {
      /* Translators: the badge of a row that is not one of the concepts */
      gtk_label_set_label (GTK_LABEL (badge), C_("library badge", "·"));
      gtk_widget_add_css_class (badge, "file-badge");
    }

  if (kind == WEFT_LIBRARY_ITEM_WORKLOAD && concept > 0)
    {
      g_autofree char *base = file != NULL ? g_file_get_basename (file) : g_strdup ("");
      /* Translators: tooltip of a library row: the full title, the file, the
       * concept number, then the description */
      g_autofree char *tip = g_strdup_printf (_("%s (%s)\nConcept %d. %s"),
                                              weft_library_item_get_title (item), base, concept,
                                              weft_library_item_get_description (item));
      gtk_widget_set_tooltip_text (box, tip);
    }
  else if (file != NULL)
    {
      g_autofree char *parse_name = g_file_get_parse_name (file);
      gtk_widget_set_tooltip_text (box, parse_name);
    }
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  data)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);

  gtk_widget_remove_css_class (box, "library-header");
  gtk_widget_remove_css_class (box, "library-note");
}

/* Worker thread: read every shipped profile's name, concept and description. */
static void
load_workloads_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  const char *dirname = task_data;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDir) dir = g_dir_open (dirname, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(WeftProfile) profile = NULL;
      g_autoptr(GFile) file = NULL;
      WeftLibraryItem *item;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (!g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (dirname, name, NULL);
      profile = weft_profile_new_from_file (path, NULL);
      if (profile == NULL)
        continue;
      file = g_file_new_for_path (path);
      item = weft_library_item_new (WEFT_LIBRARY_ITEM_WORKLOAD, profile->name, profile->concept, file);
      weft_library_item_set_description (item, profile->description);
      g_ptr_array_add (items, item);
    }

  g_ptr_array_sort (items, compare_workloads);
  g_task_return_pointer (task, g_steal_pointer (&items), (GDestroyNotify) g_ptr_array_unref);
}

static void
load_workloads_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GPtrArray) items = g_task_propagate_pointer (G_TASK (result), NULL);
  WeftLibrary *self;

  if (items == NULL)
    return;    /* cancelled: the library is gone */

  self = WEFT_LIBRARY (object);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (self->workloads, g_object_ref (g_ptr_array_index (items, i)));
  self->loaded = TRUE;
  weft_library_rebuild (self);
  g_signal_emit (self, signals[LOADED], 0);
}

GtkWidget *
weft_library_new (GSettings *settings)
{
  WeftLibrary *self;
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (WEFT_TYPE_LIBRARY, NULL);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed::recent-files",
                           G_CALLBACK (on_recent_changed), self, 0);
  weft_library_rebuild (self);

  task = g_task_new (self, self->cancellable, load_workloads_done, NULL);
  g_task_set_source_tag (task, weft_library_new);
  g_task_set_task_data (task, g_strdup (weft_library_get_workloads_dir ()), g_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, load_workloads_thread);

  return GTK_WIDGET (self);
}

/**
 * weft_library_get_model:
 *
 * Returns: (transfer none): the rows, #WeftLibraryItem objects
 */
GListModel *
weft_library_get_model (WeftLibrary *self)
{
  g_return_val_if_fail (WEFT_IS_LIBRARY (self), NULL);
  return G_LIST_MODEL (self->store);
}

gboolean
weft_library_get_loaded (WeftLibrary *self)
{
  g_return_val_if_fail (WEFT_IS_LIBRARY (self), FALSE);
  return self->loaded;
}

/**
 * weft_library_lookup:
 *
 * Returns: (transfer none) (nullable): the workload or opened row of @file
 */
WeftLibraryItem *
weft_library_lookup (WeftLibrary *self,
                     GFile       *file)
{
  g_return_val_if_fail (WEFT_IS_LIBRARY (self), NULL);

  for (guint i = 0; i < self->workloads->len; i++)
    if (same_file (g_ptr_array_index (self->workloads, i), file))
      return g_ptr_array_index (self->workloads, i);
  for (guint i = 0; i < self->opened->len; i++)
    if (same_file (g_ptr_array_index (self->opened, i), file))
      return g_ptr_array_index (self->opened, i);
  return NULL;
}

/* Adds @file to the "Opened" section unless it is a shipped profile or
 * already there. */
void
weft_library_add_opened (WeftLibrary *self,
                         GFile       *file,
                         const char  *title,
                         int          concept,
                         const char  *description)
{
  WeftLibraryItem *item;

  g_return_if_fail (WEFT_IS_LIBRARY (self));
  g_return_if_fail (G_IS_FILE (file));

  if (weft_library_lookup (self, file) != NULL)
    return;

  item = weft_library_item_new (WEFT_LIBRARY_ITEM_OPENED, title, concept, file);
  weft_library_item_set_description (item, description);
  g_ptr_array_add (self->opened, item);
  weft_library_rebuild (self);
}

/* Highlights the row of @file, without emitting ::file-activated. */
void
weft_library_select_file (WeftLibrary *self,
                          GFile       *file)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  g_return_if_fail (WEFT_IS_LIBRARY (self));

  self->rebuilding = TRUE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WeftLibraryItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (weft_library_item_get_kind (item) != WEFT_LIBRARY_ITEM_HEADER && same_file (item, file))
        {
          gtk_single_selection_set_selected (self->selection, i);
          break;
        }
    }
  self->rebuilding = FALSE;
}

static void
weft_library_dispose (GObject *object)
{
  WeftLibrary *self = WEFT_LIBRARY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->workloads, g_ptr_array_unref);
  g_clear_pointer (&self->opened, g_ptr_array_unref);

  G_OBJECT_CLASS (weft_library_parent_class)->dispose (object);
}

static void
weft_library_class_init (WeftLibraryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_library_dispose;

  /**
   * WeftLibrary::file-activated:
   * @file: the profile or trace the user picked
   */
  signals[FILE_ACTIVATED] =
    g_signal_new ("file-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);
  /**
   * WeftLibrary::loaded:
   *
   * The shipped profiles have been read.
   */
  signals[LOADED] =
    g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "weftlibrary");
}

static void
weft_library_init (WeftLibrary *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  self->cancellable = g_cancellable_new ();
  self->workloads = g_ptr_array_new_with_free_func (g_object_unref);
  self->opened = g_ptr_array_new_with_free_func (g_object_unref);
  self->store = g_list_store_new (WEFT_TYPE_LIBRARY_ITEM);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->store)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);

  self->list_view = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)), factory);
  gtk_widget_add_css_class (self->list_view, "navigation-sidebar");
  g_signal_connect (self->list_view, "activate", G_CALLBACK (on_list_activate), self);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->list_view);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}
