/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The edited profile: the object the profile editor's controls are bound
 * to. No display needed. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "weft-edited-profile.h"

static WeftProfile *
load_workload (const char *name)
{
  g_autofree char *root = g_path_get_dirname (g_getenv ("G_TEST_SRCDIR"));
  g_autofree char *path = g_build_filename (root, "workloads", name, NULL);
  g_autoptr(GError) error = NULL;
  WeftProfile *profile = weft_profile_new_from_file (path, &error);

  g_assert_no_error (error);
  return profile;
}

static void
count (gpointer data)
{
  (*(guint *) data)++;
}

static void
test_settings (void)
{
  g_autoptr(WeftEditedProfile) edited = weft_edited_profile_new ();
  g_autoptr(WeftProfile) profile = load_workload ("02-gil-cpu-threads.json");
  guint changed = 0, notified = 0, can_switch = 0;
  guint workers;
  gboolean gil;
  g_autofree char *name = NULL;

  g_signal_connect_swapped (edited, "changed", G_CALLBACK (count), &changed);
  g_signal_connect_swapped (edited, "notify::workers", G_CALLBACK (count), &notified);
  g_signal_connect_swapped (edited, "notify::can-set-switch-interval", G_CALLBACK (count), &can_switch);

  /* Nothing loaded: settings are ignored, nothing changes */
  g_assert_null (weft_edited_profile_get_profile (edited));
  g_object_set (edited, "workers", 3, NULL);
  g_assert_cmpuint (changed, ==, 0);

  /* Loading is not an edit; the copy is the edited object's own */
  weft_edited_profile_set_profile (edited, profile);
  g_assert_cmpuint (changed, ==, 0);
  g_assert_true (weft_edited_profile_get_profile (edited) != profile);
  g_object_get (edited, "workers", &workers, "gil", &gil, "name", &name, NULL);
  g_assert_cmpuint (workers, ==, 4);
  g_assert_true (gil);
  g_assert_cmpstr (name, ==, "GIL: CPU-bound threads");

  /* A real change edits the copy, notifies and emits ::changed once */
  notified = 0;
  g_object_set (edited, "workers", 2, NULL);
  g_assert_cmpuint (weft_edited_profile_get_profile (edited)->workers, ==, 2);
  g_assert_cmpuint (profile->workers, ==, 4);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (notified, ==, 1);
  /* the same value again is no change */
  g_object_set (edited, "workers", 2, NULL);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (notified, ==, 1);

  /* Which settings apply follows the executor and the GIL */
  {
    gboolean can_gil, can_interval, can_start;

    g_object_get (edited, "can-set-gil", &can_gil, "can-set-switch-interval", &can_interval,
                  "can-set-start-method", &can_start, NULL);
    g_assert_true (can_gil && can_interval && !can_start);
    can_switch = 0;
    g_object_set (edited, "gil", FALSE, NULL);
    g_assert_cmpuint (can_switch, ==, 1);
    g_object_get (edited, "can-set-switch-interval", &can_interval, NULL);
    g_assert_false (can_interval);
    g_object_set (edited, "executor", WEFT_EXECUTOR_PROCESSES, "start-method", WEFT_START_FORK, NULL);
    g_object_get (edited, "can-set-gil", &can_gil, "can-set-start-method", &can_start, NULL);
    g_assert_true (!can_gil && can_start);
    g_assert_cmpint (weft_edited_profile_get_profile (edited)->executor, ==, WEFT_EXECUTOR_PROCESSES);
    g_assert_cmpint (weft_edited_profile_get_profile (edited)->start_method, ==, WEFT_START_FORK);
    g_assert_cmpuint (changed, ==, 4);
  }

  /* Replacing and clearing are not edits */
  weft_edited_profile_set_profile (edited, profile);
  g_assert_cmpuint (weft_edited_profile_get_profile (edited)->workers, ==, 4);
  weft_edited_profile_set_profile (edited, NULL);
  g_assert_null (weft_edited_profile_get_profile (edited));
  g_assert_cmpuint (changed, ==, 4);
}

static void
test_tasks (void)
{
  g_autoptr(WeftEditedProfile) edited = weft_edited_profile_new ();
  g_autoptr(WeftProfile) profile = load_workload ("02-gil-cpu-threads.json");
  const WeftProfile *copy;
  WeftTaskSpec *task;
  WeftStep *step;
  guint changed = 0;

  g_signal_connect_swapped (edited, "changed", G_CALLBACK (count), &changed);
  weft_edited_profile_set_profile (edited, profile);
  copy = weft_edited_profile_get_profile (edited);
  task = g_ptr_array_index (copy->tasks, 0);
  step = g_ptr_array_index (task->steps, 0);

  weft_edited_profile_set_task_count (edited, 0, 3);
  g_assert_cmpuint (task->count, ==, 3);
  weft_edited_profile_set_task_count (edited, 0, 3);
  g_assert_cmpuint (changed, ==, 1);

  g_assert_cmpint (step->kind, ==, WEFT_STEP_CPU);
  weft_edited_profile_set_step_size (edited, step, 20);
  g_assert_cmpfloat (step->ms, ==, 20);
  g_assert_cmpuint (changed, ==, 2);
  /* the loaded profile is untouched */
  g_assert_cmpuint (((WeftTaskSpec *) g_ptr_array_index (profile->tasks, 0))->count, ==, 8);
  g_assert_null (weft_edited_profile_describe_stages (edited));
}

static void
test_stages (void)
{
  g_autoptr(WeftEditedProfile) edited = weft_edited_profile_new ();
  g_autoptr(WeftProfile) profile = load_workload ("21-etl-mixed-executors.json");
  g_autofree char *stages = NULL;

  weft_edited_profile_set_profile (edited, profile);
  stages = weft_edited_profile_describe_stages (edited);
  g_test_message ("%s", stages);
  g_assert_true (g_str_has_prefix (stages, "Pipeline: "));
  g_assert_nonnull (strstr (stages, " → "));
  g_assert_nonnull (strstr (stages, "(processes, "));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/edited-profile/settings", test_settings);
  g_test_add_func ("/weft/edited-profile/tasks", test_tasks);
  g_test_add_func ("/weft/edited-profile/stages", test_stages);

  return g_test_run ();
}
