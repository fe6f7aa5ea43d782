/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-profile-editor.h"

/**
 * WeftProfileEditor:
 *
 * Shows a workload profile (name, concept, description) and edits a copy of
 * it with ordinary controls: executor, workers, GIL, switch interval, start
 * method, cancel on error, each task's count and the sizes of its steps (CPU
 * time, waits, payloads, repeats). No JSON typing. Every edit
 * changes the copy at once and emits #WeftProfileEditor::changed.
 */
struct _WeftProfileEditor
{
  GtkBox       parent_instance;

  WeftProfile *profile;        /* the edited copy */
  gboolean     updating;       /* filling the controls from the profile */

  GtkWidget   *title;
  GtkWidget   *concept;
  GtkWidget   *description;
  GtkWidget   *executor;
  GtkWidget   *workers;
  GtkWidget   *gil;
  GtkWidget   *switch_interval;
  GtkWidget   *start_method;
  GtkWidget   *cancel_on_error;
  GtkStringList *task_names;
  GtkWidget   *tasks_view;
  GtkWidget   *stages_label;
};

G_DEFINE_FINAL_TYPE (WeftProfileEditor, weft_profile_editor, GTK_TYPE_BOX)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Dropdown positions */
static const WeftExecutorKind executors[] = {
  WEFT_EXECUTOR_THREADS, WEFT_EXECUTOR_PROCESSES, WEFT_EXECUTOR_MAINLOOP,
};

GtkWidget *
weft_profile_editor_new (void)
{
  return g_object_new (WEFT_TYPE_PROFILE_EDITOR, NULL);
}

static void
emit_changed (WeftProfileEditor *self)
{
  if (!self->updating)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
update_sensitivity (WeftProfileEditor *self)
{
  gboolean threads = self->profile != NULL && self->profile->executor == WEFT_EXECUTOR_THREADS;
  gboolean processes = self->profile != NULL && self->profile->executor == WEFT_EXECUTOR_PROCESSES;

  gtk_widget_set_sensitive (self->gil, threads);
  gtk_widget_set_sensitive (self->switch_interval, threads && self->profile->gil);
  gtk_widget_set_sensitive (self->start_method, processes);
}

static void
on_executor_changed (GtkDropDown       *dropdown,
                     GParamSpec        *pspec,
                     WeftProfileEditor *self)
{
  guint pos = gtk_drop_down_get_selected (dropdown);

  if (self->profile == NULL || self->updating || pos >= G_N_ELEMENTS (executors))
    return;
  self->profile->executor = executors[pos];
  update_sensitivity (self);
  emit_changed (self);
}

static void
on_workers_changed (GtkSpinButton     *spin,
                    WeftProfileEditor *self)
{
  if (self->profile == NULL || self->updating)
    return;
  self->profile->workers = (guint) gtk_spin_button_get_value_as_int (spin);
  emit_changed (self);
}

static void
on_gil_changed (GtkSwitch         *sw,
                GParamSpec        *pspec,
                WeftProfileEditor *self)
{
  if (self->profile == NULL || self->updating)
    return;
  self->profile->gil = gtk_switch_get_active (sw);
  update_sensitivity (self);
  emit_changed (self);
}

static void
on_switch_interval_changed (GtkSpinButton     *spin,
                            WeftProfileEditor *self)
{
  if (self->profile == NULL || self->updating)
    return;
  self->profile->switch_interval_ms = gtk_spin_button_get_value (spin);
  emit_changed (self);
}

static void
on_start_method_changed (GtkDropDown       *dropdown,
                         GParamSpec        *pspec,
                         WeftProfileEditor *self)
{
  if (self->profile == NULL || self->updating)
    return;
  self->profile->start_method = gtk_drop_down_get_selected (dropdown) == 1 ? WEFT_START_FORK
                                                                          : WEFT_START_SPAWN;
  emit_changed (self);
}

static void
on_cancel_on_error_changed (GtkSwitch         *sw,
                            GParamSpec        *pspec,
                            WeftProfileEditor *self)
{
  if (self->profile == NULL || self->updating)
    return;
  self->profile->cancel_on_error = gtk_switch_get_active (sw);
  emit_changed (self);
}

/* The task list: a name and a count spin button per task. The row knows its
 * task by position (the list is rebuilt whenever the profile is replaced). */
static void
on_task_count_changed (GtkSpinButton     *spin,
                       WeftProfileEditor *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (spin), "task-index"));
  WeftTaskSpec *task;

  if (self->profile == NULL || self->updating || index == 0 || index > self->profile->tasks->len)
    return;
  task = g_ptr_array_index (self->profile->tasks, index - 1);
  task->count = (guint) gtk_spin_button_get_value_as_int (spin);
  emit_changed (self);
}

/* A task's sizes: each CPU time, wait, payload and repeat count of its steps
 * gets a spin button that edits that step of the copy directly. */
#define MAX_SIZES 4

static void
on_size_changed (GtkSpinButton     *spin,
                 WeftProfileEditor *self)
{
  WeftStep *step = g_object_get_data (G_OBJECT (spin), "step");
  double value = gtk_spin_button_get_value (spin);

  if (self->profile == NULL || self->updating || step == NULL)
    return;

  switch (step->kind)
    {
    case WEFT_STEP_CPU:
    case WEFT_STEP_IO:
      step->ms = value;
      break;
    case WEFT_STEP_TRANSFER:
    case WEFT_STEP_PUT:
      step->bytes = (gint64) value;
      break;
    case WEFT_STEP_REPEAT:
      step->count = (gint64) value;
      break;
    default:
      return;
    }
  emit_changed (self);
}

static void
collect_sizes (GPtrArray *steps,
               GPtrArray *out)
{
  for (guint i = 0; steps != NULL && i < steps->len && out->len < MAX_SIZES; i++)
    {
      WeftStep *step = g_ptr_array_index (steps, i);

      if ((step->kind == WEFT_STEP_CPU && step->ms >= 0) || step->kind == WEFT_STEP_IO ||
          step->kind == WEFT_STEP_TRANSFER || step->kind == WEFT_STEP_REPEAT ||
          (step->kind == WEFT_STEP_PUT && step->bytes > 0))
        g_ptr_array_add (out, step);
      if (step->steps != NULL)
        collect_sizes (step->steps, out);
    }
}

static void
add_size (WeftProfileEditor *self,
          GtkFlowBox        *sizes,
          WeftStep          *step)
{
  GtkWidget *spin;
  GtkWidget *label;
  GtkWidget *pair = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  double value;

  switch (step->kind)
    {
    case WEFT_STEP_CPU:
      spin = gtk_spin_button_new_with_range (0, 600000, 1);
      /* Translators: unit after a spin button for a task's CPU work */
      label = gtk_label_new (_("ms of CPU"));
      value = step->ms;
      break;
    case WEFT_STEP_IO:
      spin = gtk_spin_button_new_with_range (0, 600000, 1);
      /* Translators: unit after a spin button for a task's wait */
      label = gtk_label_new (_("ms of waiting"));
      value = step->ms;
      break;
    case WEFT_STEP_REPEAT:
      spin = gtk_spin_button_new_with_range (1, 1e9, 1);
      /* Translators: after a spin button: how often steps repeat */
      label = gtk_label_new (_("times"));
      value = (double) step->count;
      break;
    default:
      spin = gtk_spin_button_new_with_range (0, 1073741824, 1024);
      /* Translators: unit after a spin button for a payload */
      label = gtk_label_new (_("bytes"));
      value = (double) step->bytes;
      break;
    }

  if (step->kind == WEFT_STEP_CPU || step->kind == WEFT_STEP_IO)
    gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  g_object_set_data (G_OBJECT (spin), "step", step);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_size_changed), self);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (pair), spin);
  gtk_box_append (GTK_BOX (pair), label);
  gtk_flow_box_append (sizes, pair);
}

static void
setup_task (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            WeftProfileEditor        *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *sizes = gtk_flow_box_new ();
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *times = gtk_label_new (_("instances"));
  GtkWidget *count = gtk_spin_button_new_with_range (1, 100000, 1);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (times, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), count);
  gtk_box_append (GTK_BOX (box), times);
  /* the sizes wrap under the name, so that a task with many never widens the page */
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (sizes), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (sizes), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (sizes), 4);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (sizes), 1);
  gtk_widget_set_margin_start (sizes, 12);
  gtk_box_append (GTK_BOX (row), box);
  gtk_box_append (GTK_BOX (row), sizes);
  g_signal_connect (count, "value-changed", G_CALLBACK (on_task_count_changed), self);
  gtk_list_item_set_child (list_item, row);
  gtk_list_item_set_activatable (list_item, FALSE);
}

static void
bind_task (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           WeftProfileEditor        *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkWidget *box = gtk_widget_get_first_child (row);
  GtkWidget *sizes = gtk_widget_get_last_child (row);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *count = gtk_widget_get_next_sibling (name);
  guint pos = gtk_list_item_get_position (list_item);
  gboolean was_updating = self->updating;
  GtkWidget *child;

  gtk_label_set_label (GTK_LABEL (name), gtk_string_object_get_string (gtk_list_item_get_item (list_item)));
  g_object_set_data (G_OBJECT (count), "task-index", GUINT_TO_POINTER (0));
  self->updating = TRUE;
  if (self->profile != NULL && pos < self->profile->tasks->len)
    {
      const WeftTaskSpec *task = g_ptr_array_index (self->profile->tasks, pos);

      g_autoptr(GPtrArray) steps = g_ptr_array_new ();

      gtk_spin_button_set_value (GTK_SPIN_BUTTON (count), task->count);

      while ((child = gtk_widget_get_first_child (sizes)) != NULL)
        gtk_flow_box_remove (GTK_FLOW_BOX (sizes), child);
      collect_sizes (task->steps, steps);
      for (guint i = 0; i < steps->len; i++)
        add_size (self, GTK_FLOW_BOX (sizes), g_ptr_array_index (steps, i));
    }
  self->updating = was_updating;
  g_object_set_data (G_OBJECT (count), "task-index", GUINT_TO_POINTER (pos + 1));
}

static void
weft_profile_editor_update (WeftProfileEditor *self)
{
  const WeftProfile *p = self->profile;
  g_autoptr(GString) stages = g_string_new (NULL);
  g_autofree char *concept = NULL;
  guint executor_pos = 0;

  self->updating = TRUE;

  gtk_label_set_label (GTK_LABEL (self->title), p->name);
  if (p->concept > 0)
    /* Translators: %d is the row of the concepts table a profile illustrates */
    concept = g_strdup_printf (_("Concept %d"), p->concept);
  gtk_label_set_label (GTK_LABEL (self->concept), concept != NULL ? concept : "");
  gtk_widget_set_visible (self->concept, concept != NULL);
  gtk_label_set_label (GTK_LABEL (self->description), p->description);
  gtk_widget_set_visible (self->description, p->description != NULL && *p->description != '\0');

  for (guint i = 0; i < G_N_ELEMENTS (executors); i++)
    if (executors[i] == p->executor)
      executor_pos = i;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->executor), executor_pos);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->workers), p->workers);
  gtk_switch_set_active (GTK_SWITCH (self->gil), p->gil);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->switch_interval), p->switch_interval_ms);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->start_method),
                              p->start_method == WEFT_START_FORK ? 1 : 0);
  gtk_switch_set_active (GTK_SWITCH (self->cancel_on_error), p->cancel_on_error);

  {
    g_autoptr(GPtrArray) names = g_ptr_array_new ();

    for (guint i = 0; i < p->tasks->len; i++)
      g_ptr_array_add (names, ((WeftTaskSpec *) g_ptr_array_index (p->tasks, i))->name);
    g_ptr_array_add (names, NULL);
    gtk_string_list_splice (self->task_names, 0,
                            g_list_model_get_n_items (G_LIST_MODEL (self->task_names)),
                            (const char * const *) names->pdata);
  }
  gtk_widget_set_visible (self->tasks_view, p->tasks->len > 0);

  for (guint i = 0; i < p->stages->len; i++)
    {
      const WeftStage *stage = g_ptr_array_index (p->stages, i);

      if (stages->len > 0)
        g_string_append (stages, " → ");
      /* Translators: a pipeline stage: its name, executor and number of workers */
      g_string_append_printf (stages, _("%s (%s, %u)"), stage->name,
                              weft_executor_to_nick (stage->executor), stage->workers);
    }
  if (stages->len > 0)
    {
      g_autofree char *text = g_strdup_printf (_("Pipeline: %s"), stages->str);
      gtk_label_set_label (GTK_LABEL (self->stages_label), text);
    }
  gtk_widget_set_visible (self->stages_label, stages->len > 0);

  update_sensitivity (self);
  self->updating = FALSE;
}

/**
 * weft_profile_editor_set_profile:
 * @profile: (transfer none) (nullable): the profile to edit; the editor
 *   keeps a copy. %NULL: nothing to edit
 */
void
weft_profile_editor_set_profile (WeftProfileEditor *self,
                                 const WeftProfile *profile)
{
  g_return_if_fail (WEFT_IS_PROFILE_EDITOR (self));

  g_clear_pointer (&self->profile, weft_profile_free);
  if (profile != NULL)
    {
      self->profile = weft_profile_copy (profile);
      weft_profile_editor_update (self);
    }
}

/**
 * weft_profile_editor_get_profile:
 *
 * Returns: (transfer none) (nullable): the edited copy
 */
const WeftProfile *
weft_profile_editor_get_profile (WeftProfileEditor *self)
{
  g_return_val_if_fail (WEFT_IS_PROFILE_EDITOR (self), NULL);
  return self->profile;
}

GtkWidget *
weft_profile_editor_get_field (WeftProfileEditor *self,
                               const char        *key)
{
  g_return_val_if_fail (WEFT_IS_PROFILE_EDITOR (self), NULL);

  if (g_str_equal (key, "executor"))
    return self->executor;
  if (g_str_equal (key, "workers"))
    return self->workers;
  if (g_str_equal (key, "gil"))
    return self->gil;
  if (g_str_equal (key, "switch_interval_ms"))
    return self->switch_interval;
  if (g_str_equal (key, "start_method"))
    return self->start_method;
  if (g_str_equal (key, "cancel_on_error"))
    return self->cancel_on_error;
  return NULL;
}

static void
weft_profile_editor_finalize (GObject *object)
{
  WeftProfileEditor *self = WEFT_PROFILE_EDITOR (object);

  g_clear_pointer (&self->profile, weft_profile_free);
  g_clear_object (&self->task_names);

  G_OBJECT_CLASS (weft_profile_editor_parent_class)->finalize (object);
}

static void
weft_profile_editor_class_init (WeftProfileEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = weft_profile_editor_finalize;

  /**
   * WeftProfileEditor::changed:
   *
   * The user changed the edited copy.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
attach_row (GtkGrid    *grid,
            int         row,
            const char *label,
            GtkWidget  *control,
            const char *tooltip)
{
  GtkWidget *l = gtk_label_new_with_mnemonic (label);

  gtk_label_set_xalign (GTK_LABEL (l), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (l), control);
  gtk_widget_set_halign (control, GTK_ALIGN_START);
  gtk_widget_set_valign (control, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (control, tooltip);
  gtk_grid_attach (grid, l, 0, row, 1, 1);
  gtk_grid_attach (grid, control, 1, row, 1, 1);
}

static void
weft_profile_editor_init (WeftProfileEditor *self)
{
  const char *executor_names[] = { _("Threads"), _("Processes"), _("Main loop"), NULL };
  const char *start_names[] = { _("Spawn"), _("Fork"), NULL };
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *heading;
  GtkWidget *scroller;
  GtkListItemFactory *factory;
  GtkNoSelection *selection;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 12);
  gtk_widget_add_css_class (GTK_WIDGET (self), "profile-editor");

  self->title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_label_set_wrap (GTK_LABEL (self->title), TRUE);
  gtk_widget_add_css_class (self->title, "title-2");
  gtk_widget_add_css_class (self->title, "profile-title");
  gtk_box_append (GTK_BOX (self), self->title);

  self->concept = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->concept), 0);
  gtk_widget_add_css_class (self->concept, "dim-label");
  gtk_box_append (GTK_BOX (self), self->concept);

  self->description = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->description), 0);
  gtk_label_set_wrap (GTK_LABEL (self->description), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->description), 80);
  gtk_label_set_selectable (GTK_LABEL (self->description), TRUE);
  gtk_box_append (GTK_BOX (self), self->description);

  heading = gtk_label_new (_("Settings"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (self), heading);

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);

  self->executor = gtk_drop_down_new_from_strings (executor_names);
  g_signal_connect (self->executor, "notify::selected", G_CALLBACK (on_executor_changed), self);
  attach_row (GTK_GRID (grid), 0, _("_Executor"), self->executor,
              _("Where the tasks run: worker threads, worker processes or one main loop"));

  self->workers = gtk_spin_button_new_with_range (1, 256, 1);
  g_signal_connect (self->workers, "value-changed", G_CALLBACK (on_workers_changed), self);
  attach_row (GTK_GRID (grid), 1, _("_Workers"), self->workers,
              _("Worker threads or processes (1–256)"));

  self->gil = gtk_switch_new ();
  g_signal_connect (self->gil, "notify::active", G_CALLBACK (on_gil_changed), self);
  attach_row (GTK_GRID (grid), 2, _("Simulated _GIL"), self->gil,
              _("Threads must hold one global interpreter lock to run CPU work"));

  self->switch_interval = gtk_spin_button_new_with_range (0.1, 1000, 0.5);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (self->switch_interval), 1);
  g_signal_connect (self->switch_interval, "value-changed", G_CALLBACK (on_switch_interval_changed), self);
  attach_row (GTK_GRID (grid), 3, _("GIL _switch interval (ms)"), self->switch_interval,
              _("How long a thread may hold the GIL while others wait"));

  self->start_method = gtk_drop_down_new_from_strings (start_names);
  g_signal_connect (self->start_method, "notify::selected", G_CALLBACK (on_start_method_changed), self);
  attach_row (GTK_GRID (grid), 4, _("_Start method"), self->start_method,
              _("How worker processes start: a fresh exec (spawn) or a fork"));

  self->cancel_on_error = gtk_switch_new ();
  g_signal_connect (self->cancel_on_error, "notify::active", G_CALLBACK (on_cancel_on_error_changed), self);
  attach_row (GTK_GRID (grid), 5, _("_Cancel on error"), self->cancel_on_error,
              _("A failing task cancels its siblings (a task group)"));

  gtk_box_append (GTK_BOX (self), grid);

  heading = gtk_label_new (_("Tasks"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (self), heading);

  self->task_names = gtk_string_list_new (NULL);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->task_names)));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_task), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_task), self);
  self->tasks_view = gtk_list_view_new (GTK_SELECTION_MODEL (selection), factory);
  gtk_widget_add_css_class (self->tasks_view, "task-list");
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->tasks_view);
  gtk_widget_set_size_request (scroller, 360, -1);
  gtk_widget_set_halign (scroller, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (self), scroller);

  self->stages_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->stages_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->stages_label), TRUE);
  gtk_widget_set_visible (self->stages_label, FALSE);
  gtk_box_append (GTK_BOX (self), self->stages_label);
}
