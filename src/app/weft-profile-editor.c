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
 * time, waits, payloads, repeats). No JSON typing. The controls are declared
 * in ui/weft-profile-editor.ui and bound to a #WeftEditedProfile, which
 * holds the copy; every edit changes it at once and emits
 * #WeftProfileEditor::changed.
 */
struct _WeftProfileEditor
{
  GtkBox             parent_instance;

  WeftEditedProfile *edited;
  GtkStringList     *task_names;
  gboolean           filling;      /* rebuilding the task rows from the copy */

  /* Template children */
  GtkWidget         *title;
  GtkWidget         *concept;
  GtkWidget         *description;
  GtkWidget         *executor;
  GtkWidget         *workers;
  GtkWidget         *gil;
  GtkWidget         *switch_interval;
  GtkWidget         *start_method;
  GtkWidget         *cancel_on_error;
  GtkWidget         *tasks_view;
  GtkWidget         *stages_label;
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

/* ---- Tasks ---------------------------------------------------------------- */

/* The task list: a name and a count spin button per task. The row knows its
 * task by position (the list is rebuilt whenever the profile is replaced). */
static void
on_task_count_changed (GtkSpinButton     *spin,
                       WeftProfileEditor *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (spin), "task-index"));
  const WeftProfile *profile = weft_edited_profile_get_profile (self->edited);

  if (profile == NULL || self->filling || index == 0 || index > profile->tasks->len)
    return;
  weft_edited_profile_set_task_count (self->edited, index - 1,
                                      (guint) gtk_spin_button_get_value_as_int (spin));
}

/* A task's sizes: each CPU time, wait, payload and repeat count of its steps
 * gets a spin button that edits that step of the copy directly. */
#define MAX_SIZES 4

static void
on_size_changed (GtkSpinButton     *spin,
                 WeftProfileEditor *self)
{
  WeftStep *step = g_object_get_data (G_OBJECT (spin), "step");

  if (weft_edited_profile_get_profile (self->edited) == NULL || self->filling || step == NULL)
    return;
  weft_edited_profile_set_step_size (self->edited, step, gtk_spin_button_get_value (spin));
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
  const WeftProfile *profile = weft_edited_profile_get_profile (self->edited);
  gboolean was_filling = self->filling;
  GtkWidget *child;

  gtk_label_set_label (GTK_LABEL (name), gtk_string_object_get_string (gtk_list_item_get_item (list_item)));
  g_object_set_data (G_OBJECT (count), "task-index", GUINT_TO_POINTER (0));
  self->filling = TRUE;
  if (profile != NULL && pos < profile->tasks->len)
    {
      const WeftTaskSpec *task = g_ptr_array_index (profile->tasks, pos);

      g_autoptr(GPtrArray) steps = g_ptr_array_new ();

      gtk_spin_button_set_value (GTK_SPIN_BUTTON (count), task->count);

      while ((child = gtk_widget_get_first_child (sizes)) != NULL)
        gtk_flow_box_remove (GTK_FLOW_BOX (sizes), child);
      collect_sizes (task->steps, steps);
      for (guint i = 0; i < steps->len; i++)
        add_size (self, GTK_FLOW_BOX (sizes), g_ptr_array_index (steps, i));
    }
  self->filling = was_filling;
  g_object_set_data (G_OBJECT (count), "task-index", GUINT_TO_POINTER (pos + 1));
}

/* ---- The copy ------------------------------------------------------------- */

/* What is not a bound property: the texts, the task rows, the stages.
 * Replacing the copy notifies every property, "loaded" included. */
static void
on_profile_replaced (WeftProfileEditor *self)
{
  const WeftProfile *p = weft_edited_profile_get_profile (self->edited);
  g_autofree char *concept = NULL;
  g_autofree char *stages = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  if (p == NULL)
    return;

  gtk_label_set_label (GTK_LABEL (self->title), p->name);
  if (p->concept > 0)
    /* Translators: %d is the row of the concepts table a profile illustrates */
    concept = g_strdup_printf (_("Concept %d"), p->concept);
  gtk_label_set_label (GTK_LABEL (self->concept), concept != NULL ? concept : "");
  gtk_widget_set_visible (self->concept, concept != NULL);
  gtk_label_set_label (GTK_LABEL (self->description), p->description);
  gtk_widget_set_visible (self->description, p->description != NULL && *p->description != '\0');

  for (guint i = 0; i < p->tasks->len; i++)
    g_ptr_array_add (names, ((WeftTaskSpec *) g_ptr_array_index (p->tasks, i))->name);
  g_ptr_array_add (names, NULL);
  self->filling = TRUE;
  gtk_string_list_splice (self->task_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->task_names)),
                          (const char * const *) names->pdata);
  self->filling = FALSE;
  gtk_widget_set_visible (self->tasks_view, p->tasks->len > 0);

  stages = weft_edited_profile_describe_stages (self->edited);
  gtk_label_set_label (GTK_LABEL (self->stages_label), stages != NULL ? stages : "");
  gtk_widget_set_visible (self->stages_label, stages != NULL);
}

static void
on_edited_changed (WeftProfileEditor *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Dropdown position ↔ WeftExecutorKind */
static gboolean
executor_to_position (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      data)
{
  int kind = g_value_get_int (from);

  for (guint i = 0; i < G_N_ELEMENTS (executors); i++)
    if ((int) executors[i] == kind)
      {
        g_value_set_uint (to, i);
        return TRUE;
      }
  return FALSE;
}

static gboolean
position_to_executor (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      data)
{
  guint pos = g_value_get_uint (from);

  if (pos >= G_N_ELEMENTS (executors))
    return FALSE;
  g_value_set_int (to, executors[pos]);
  return TRUE;
}

/* Dropdown position ↔ WeftStartMethod (spawn, fork: the same order) */
static gboolean
start_method_to_position (GBinding     *binding,
                          const GValue *from,
                          GValue       *to,
                          gpointer      data)
{
  g_value_set_uint (to, g_value_get_int (from) == WEFT_START_FORK ? 1 : 0);
  return TRUE;
}

static gboolean
position_to_start_method (GBinding     *binding,
                          const GValue *from,
                          GValue       *to,
                          gpointer      data)
{
  guint pos = g_value_get_uint (from);

  if (pos > 1)
    return FALSE;
  g_value_set_int (to, pos == 1 ? WEFT_START_FORK : WEFT_START_SPAWN);
  return TRUE;
}

static void
bind_controls (WeftProfileEditor *self)
{
  GBindingFlags both = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;

  g_object_bind_property_full (self->edited, "executor", self->executor, "selected", both,
                               executor_to_position, position_to_executor, NULL, NULL);
  g_object_bind_property (self->edited, "workers", self->workers, "value", both);
  g_object_bind_property (self->edited, "gil", self->gil, "active", both);
  g_object_bind_property (self->edited, "switch-interval-ms", self->switch_interval, "value", both);
  g_object_bind_property_full (self->edited, "start-method", self->start_method, "selected", both,
                               start_method_to_position, position_to_start_method, NULL, NULL);
  g_object_bind_property (self->edited, "cancel-on-error", self->cancel_on_error, "active", both);

  g_object_bind_property (self->edited, "can-set-gil", self->gil, "sensitive", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->edited, "can-set-switch-interval", self->switch_interval, "sensitive",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->edited, "can-set-start-method", self->start_method, "sensitive",
                          G_BINDING_SYNC_CREATE);
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

  weft_edited_profile_set_profile (self->edited, profile);
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
  return weft_edited_profile_get_profile (self->edited);
}

/**
 * weft_profile_editor_get_edited:
 *
 * Returns: (transfer none): the object holding the edited copy
 */
WeftEditedProfile *
weft_profile_editor_get_edited (WeftProfileEditor *self)
{
  g_return_val_if_fail (WEFT_IS_PROFILE_EDITOR (self), NULL);
  return self->edited;
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
weft_profile_editor_dispose (GObject *object)
{
  WeftProfileEditor *self = WEFT_PROFILE_EDITOR (object);

  if (self->edited != NULL)
    g_signal_handlers_disconnect_by_data (self->edited, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_PROFILE_EDITOR);
  g_clear_object (&self->edited);
  g_clear_object (&self->task_names);

  G_OBJECT_CLASS (weft_profile_editor_parent_class)->dispose (object);
}

static void
weft_profile_editor_class_init (WeftProfileEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_profile_editor_dispose;

  /**
   * WeftProfileEditor::changed:
   *
   * The user changed the edited copy.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/weft/Weft/ui/weft-profile-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftProfileEditor, title);
  gtk_widget_class_bind_template_child (widget_class, WeftProfileEditor, concept);
  gtk_widget_class_bind_template_child (widget_class, WeftProfileEditor, description);
  gtk_widget_class_bind_template_child (widget_class, WeftProfileEditor, executor);
  gtk_widget_class_bind_template_child (widget_class, WeftProfileEditor, workers);
  gtk_widget_class_bind_template_child (widget_class, WeftProfileEditor, gil);
  gtk_widget_class_bind_template_child (widget_class, WeftProfileEditor, switch_interval);
  gtk_widget_class_bind_template_child (widget_class, WeftProfileEditor, start_method);
  gtk_widget_class_bind_template_child (widget_class, WeftProfileEditor, cancel_on_error);
  gtk_widget_class_bind_template_child (widget_class, WeftProfileEditor, tasks_view);
  gtk_widget_class_bind_template_child (widget_class, WeftProfileEditor, stages_label);
}

static void
weft_profile_editor_init (WeftProfileEditor *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->edited = weft_edited_profile_new ();
  bind_controls (self);
  g_signal_connect_object (self->edited, "notify::loaded", G_CALLBACK (on_profile_replaced), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->edited, "changed", G_CALLBACK (on_edited_changed), self,
                           G_CONNECT_SWAPPED);

  /* The task rows: a factory here, the list in the template */
  self->task_names = gtk_string_list_new (NULL);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_task), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_task), self);
  gtk_list_view_set_factory (GTK_LIST_VIEW (self->tasks_view), factory);
  g_object_unref (factory);
  {
    g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->task_names)));

    gtk_list_view_set_model (GTK_LIST_VIEW (self->tasks_view), GTK_SELECTION_MODEL (selection));
  }
}
