/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Every shipped profile, run for real, exported and imported again, gives the
 * same summary, and the imported model exports to the same bytes: nothing
 * Weft knows is lost on the way through a trace file.
 */

#include "config.h"

#include <signal.h>

#include <glib/gstdio.h>

#include "weft-run.h"
#include "weft-summary.h"
#include "weft-trace-export.h"
#include "weft-trace-import.h"
#include "weft-test-points.h"

static char *tmpdir;

static char *
to_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

/* The imported model is the run's own, exactly: exported again, it writes
 * the same bytes. */
static void
assert_exported_again_same (WeftTraceModel *imported,
                            const char     *trace)
{
  g_autofree char *again = g_strconcat (trace, ".again", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (weft_trace_export_to_file (imported, NULL, again, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (trace, &first, NULL, NULL));
  g_assert_true (g_file_get_contents (again, &second, NULL, NULL));
  g_assert_true (g_str_equal (first, second));
  g_unlink (again);
}

/* A profile's description that names a track ("the track 'NAME'") is
 * right: the run's model has that counter, with points. */
static void
assert_named_tracks_exist (const WeftProfile *profile,
                           WeftTraceModel    *model)
{
  g_autoptr(GRegex) re = g_regex_new ("track '([^']+)'", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree guint32 *ids = NULL;
  guint n_ids = 0;

  if (profile->description == NULL)
    return;
  ids = weft_trace_model_list_objects (model, WEFT_OBJECT_COUNTER, &n_ids);
  g_regex_match (re, profile->description, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *name = g_match_info_fetch (match, 1);
      gboolean found = FALSE;

      for (guint i = 0; i < n_ids && !found; i++)
        {
          guint n = 0;

          found = g_strcmp0 (weft_trace_model_get_object_name (model, ids[i]), name) == 0 &&
                  weft_test_points (weft_trace_model_get_counter (model, ids[i]), &n) != NULL && n > 0;
        }
      g_test_message ("the description names the track '%s': %s", name, found ? "shown" : "missing");
      g_assert_true (found);
      g_match_info_next (match, NULL);
    }
}

static void
test_profile (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = weft_profile_new_from_file (path, &error);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(WeftRun) run = NULL;
  g_autoptr(WeftTraceModel) imported = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *trace = NULL;
  g_autofree char *json_before = NULL;
  g_autofree char *json_after = NULL;
  g_autofree char *base = g_path_get_basename (path);

  g_assert_no_error (error);
  run = weft_run_new (profile, NULL);
  g_assert_true (weft_run_start (run, context, &error));
  g_assert_no_error (error);
  weft_run_wait (run, context, NULL);
  assert_named_tracks_exist (profile, weft_run_get_model (run));

  trace = g_build_filename (tmpdir, base, NULL);
  g_assert_true (weft_trace_export_to_file (weft_run_get_model (run), NULL, trace, NULL, &error));
  g_assert_no_error (error);

  imported = weft_trace_import_file (trace, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (imported);

  /* What the timeline says, without what only the run itself knew
   * (counters' expected values, errors): the model's summary, both sides. */
  before = weft_summary_build (weft_run_get_model (run), NULL, NULL);
  after = weft_summary_build (imported, NULL, NULL);
  json_before = to_json (before);
  json_after = to_json (after);
  g_assert_cmpstr (json_after, ==, json_before);

  assert_exported_again_same (imported, trace);
  g_unlink (trace);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  /* g_ptr_array_sort () passes pointers to the elements */
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "workloads", NULL);
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  int rc;

  g_test_init (&argc, &argv, NULL);
  /* Writing to a pipe whose reader is gone (a dead worker) gives EPIPE, not death. */
  signal (SIGPIPE, SIG_IGN);

  tmpdir = g_dir_make_tmp ("weft-roundtrip-XXXXXX", &error);
  g_assert_no_error (error);

  d = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (files, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (files, compare_paths);
  g_assert_cmpuint (files->len, >=, 23);

  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (files, i));
      g_autofree char *test_path = g_strdup_printf ("/weft/roundtrip/%s", base);

      g_test_add_data_func (test_path, g_ptr_array_index (files, i), test_profile);
    }

  rc = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return rc;
}
