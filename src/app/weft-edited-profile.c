/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-edited-profile.h"

/**
 * WeftEditedProfile:
 *
 * The profile being edited: a copy of a loaded profile whose settings are
 * properties (executor, workers, gil, switch-interval-ms, start-method,
 * cancel-on-error), with the ones that apply to its executor said by
 * can-set-gil, can-set-switch-interval and can-set-start-method. Tasks'
 * counts and step sizes are set by function. Every real change of the
 * copy emits #WeftEditedProfile::changed; replacing the profile does not.
 * No widget: the editor's controls are bound to it.
 */
struct _WeftEditedProfile
{
  GObject      parent_instance;

  WeftProfile *profile;   /* the edited copy, or NULL */
};

G_DEFINE_FINAL_TYPE (WeftEditedProfile, weft_edited_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  PROP_NAME,
  PROP_CONCEPT,
  PROP_DESCRIPTION,
  PROP_EXECUTOR,
  PROP_WORKERS,
  PROP_GIL,
  PROP_SWITCH_INTERVAL_MS,
  PROP_START_METHOD,
  PROP_CANCEL_ON_ERROR,
  PROP_CAN_SET_GIL,
  PROP_CAN_SET_SWITCH_INTERVAL,
  PROP_CAN_SET_START_METHOD,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

WeftEditedProfile *
weft_edited_profile_new (void)
{
  return g_object_new (WEFT_TYPE_EDITED_PROFILE, NULL);
}

static void
notify_all (WeftEditedProfile *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 1; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * weft_edited_profile_set_profile:
 * @profile: (transfer none) (nullable): copied; %NULL: nothing to edit
 */
void
weft_edited_profile_set_profile (WeftEditedProfile *self,
                                 const WeftProfile *profile)
{
  g_return_if_fail (WEFT_IS_EDITED_PROFILE (self));

  if (self->profile == NULL && profile == NULL)
    return;
  g_clear_pointer (&self->profile, weft_profile_free);
  if (profile != NULL)
    self->profile = weft_profile_copy (profile);
  notify_all (self);
}

/**
 * weft_edited_profile_get_profile:
 *
 * Returns: (transfer none) (nullable): the edited copy
 */
const WeftProfile *
weft_edited_profile_get_profile (WeftEditedProfile *self)
{
  g_return_val_if_fail (WEFT_IS_EDITED_PROFILE (self), NULL);
  return self->profile;
}

/**
 * weft_edited_profile_describe_stages:
 *
 * Returns: (transfer full) (nullable): "Pipeline: fetch (mainloop, 1) → …",
 *   or %NULL for a profile without stages
 */
char *
weft_edited_profile_describe_stages (WeftEditedProfile *self)
{
  g_autoptr(GString) stages = g_string_new (NULL);

  g_return_val_if_fail (WEFT_IS_EDITED_PROFILE (self), NULL);

  if (self->profile == NULL || self->profile->stages->len == 0)
    return NULL;
  for (guint i = 0; i < self->profile->stages->len; i++)
    {
      const WeftStage *stage = g_ptr_array_index (self->profile->stages, i);

      if (stages->len > 0)
        g_string_append (stages, " → ");
      /* Translators: a pipeline stage: its name, executor and number of workers */
      g_string_append_printf (stages, _("%s (%s, %u)"), stage->name,
                              weft_executor_to_nick (stage->executor), stage->workers);
    }
  return g_strdup_printf (_("Pipeline: %s"), stages->str);
}

/**
 * weft_edited_profile_set_task_count:
 * @task_index: position in the profile's tasks
 */
void
weft_edited_profile_set_task_count (WeftEditedProfile *self,
                                    guint              task_index,
                                    guint              count)
{
  WeftTaskSpec *task;

  g_return_if_fail (WEFT_IS_EDITED_PROFILE (self));
  g_return_if_fail (self->profile != NULL && task_index < self->profile->tasks->len);

  task = g_ptr_array_index (self->profile->tasks, task_index);
  if (task->count == count)
    return;
  task->count = count;
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * weft_edited_profile_set_step_size:
 * @step: a step of the edited copy (from weft_edited_profile_get_profile())
 * @value: milliseconds for CPU work and waits, bytes for transfers and
 *   puts, times for a repeat
 */
void
weft_edited_profile_set_step_size (WeftEditedProfile *self,
                                   WeftStep          *step,
                                   double             value)
{
  g_return_if_fail (WEFT_IS_EDITED_PROFILE (self));
  g_return_if_fail (self->profile != NULL && step != NULL);

  switch (step->kind)
    {
    case WEFT_STEP_CPU:
    case WEFT_STEP_IO:
      if (step->ms == value)
        return;
      step->ms = value;
      break;
    case WEFT_STEP_TRANSFER:
    case WEFT_STEP_PUT:
      if (step->bytes == (gint64) value)
        return;
      step->bytes = (gint64) value;
      break;
    case WEFT_STEP_REPEAT:
      if (step->count == (gint64) value)
        return;
      step->count = (gint64) value;
      break;
    default:
      g_return_if_reached ();
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
weft_edited_profile_finalize (GObject *object)
{
  WeftEditedProfile *self = WEFT_EDITED_PROFILE (object);

  g_clear_pointer (&self->profile, weft_profile_free);

  G_OBJECT_CLASS (weft_edited_profile_parent_class)->finalize (object);
}

static void
weft_edited_profile_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  WeftEditedProfile *self = WEFT_EDITED_PROFILE (object);
  const WeftProfile *p = self->profile;
  gboolean threads = p != NULL && p->executor == WEFT_EXECUTOR_THREADS;

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, p != NULL);
      break;
    case PROP_NAME:
      g_value_set_string (value, p != NULL ? p->name : NULL);
      break;
    case PROP_CONCEPT:
      g_value_set_int (value, p != NULL ? p->concept : 0);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, p != NULL ? p->description : NULL);
      break;
    case PROP_EXECUTOR:
      g_value_set_int (value, p != NULL ? (int) p->executor : WEFT_EXECUTOR_THREADS);
      break;
    case PROP_WORKERS:
      g_value_set_uint (value, p != NULL ? p->workers : 1);
      break;
    case PROP_GIL:
      g_value_set_boolean (value, p != NULL && p->gil);
      break;
    case PROP_SWITCH_INTERVAL_MS:
      g_value_set_double (value, p != NULL ? p->switch_interval_ms : 5);
      break;
    case PROP_START_METHOD:
      g_value_set_int (value, p != NULL ? (int) p->start_method : WEFT_START_SPAWN);
      break;
    case PROP_CANCEL_ON_ERROR:
      g_value_set_boolean (value, p != NULL && p->cancel_on_error);
      break;
    case PROP_CAN_SET_GIL:
      g_value_set_boolean (value, threads);
      break;
    case PROP_CAN_SET_SWITCH_INTERVAL:
      g_value_set_boolean (value, threads && p->gil);
      break;
    case PROP_CAN_SET_START_METHOD:
      g_value_set_boolean (value, p != NULL && p->executor == WEFT_EXECUTOR_PROCESSES);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Sets one setting of the copy; FALSE if it already had that value */
static gboolean
set_setting (WeftProfile  *p,
             guint         prop_id,
             const GValue *value)
{
  switch (prop_id)
    {
#define SET(field, v) G_STMT_START { if (p->field == (v)) return FALSE; p->field = (v); } G_STMT_END
    case PROP_EXECUTOR:
      SET (executor, (WeftExecutorKind) g_value_get_int (value));
      break;
    case PROP_WORKERS:
      SET (workers, g_value_get_uint (value));
      break;
    case PROP_GIL:
      SET (gil, g_value_get_boolean (value));
      break;
    case PROP_SWITCH_INTERVAL_MS:
      SET (switch_interval_ms, g_value_get_double (value));
      break;
    case PROP_START_METHOD:
      SET (start_method, (WeftStartMethod) g_value_get_int (value));
      break;
    case PROP_CANCEL_ON_ERROR:
      SET (cancel_on_error, g_value_get_boolean (value));
      break;
#undef SET
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

static void
weft_edited_profile_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  WeftEditedProfile *self = WEFT_EDITED_PROFILE (object);

  switch (prop_id)
    {
    case PROP_EXECUTOR:
    case PROP_WORKERS:
    case PROP_GIL:
    case PROP_SWITCH_INTERVAL_MS:
    case PROP_START_METHOD:
    case PROP_CANCEL_ON_ERROR:
      /* Nothing to edit without a profile (a binding may still push values) */
      if (self->profile == NULL || !set_setting (self->profile, prop_id, value))
        return;
      g_object_freeze_notify (object);
      g_object_notify_by_pspec (object, pspec);
      if (prop_id == PROP_EXECUTOR || prop_id == PROP_GIL)
        {
          g_object_notify_by_pspec (object, properties[PROP_CAN_SET_GIL]);
          g_object_notify_by_pspec (object, properties[PROP_CAN_SET_SWITCH_INTERVAL]);
          g_object_notify_by_pspec (object, properties[PROP_CAN_SET_START_METHOD]);
        }
      g_object_thaw_notify (object);
      g_signal_emit (self, signals[CHANGED], 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_edited_profile_class_init (WeftEditedProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = weft_edited_profile_finalize;
  object_class->get_property = weft_edited_profile_get_property;
  object_class->set_property = weft_edited_profile_set_property;

  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_CONCEPT] = g_param_spec_int ("concept", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, ro);
  /* A WeftExecutorKind: threads, processes or mainloop */
  properties[PROP_EXECUTOR] =
    g_param_spec_int ("executor", NULL, NULL, WEFT_EXECUTOR_THREADS, WEFT_EXECUTOR_MAINLOOP,
                      WEFT_EXECUTOR_THREADS, rw);
  properties[PROP_WORKERS] = g_param_spec_uint ("workers", NULL, NULL, 1, 256, 1, rw);
  properties[PROP_GIL] = g_param_spec_boolean ("gil", NULL, NULL, FALSE, rw);
  properties[PROP_SWITCH_INTERVAL_MS] =
    g_param_spec_double ("switch-interval-ms", NULL, NULL, 0.1, 1000, 5, rw);
  /* A WeftStartMethod */
  properties[PROP_START_METHOD] =
    g_param_spec_int ("start-method", NULL, NULL, WEFT_START_SPAWN, WEFT_START_FORK, WEFT_START_SPAWN, rw);
  properties[PROP_CANCEL_ON_ERROR] = g_param_spec_boolean ("cancel-on-error", NULL, NULL, FALSE, rw);
  properties[PROP_CAN_SET_GIL] = g_param_spec_boolean ("can-set-gil", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_SET_SWITCH_INTERVAL] =
    g_param_spec_boolean ("can-set-switch-interval", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_SET_START_METHOD] =
    g_param_spec_boolean ("can-set-start-method", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * WeftEditedProfile::changed:
   *
   * The edited copy changed (not emitted when it is replaced).
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
weft_edited_profile_init (WeftEditedProfile *self)
{
}
