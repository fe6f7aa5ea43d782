/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * weft-cli calibrate [--python PATH] [--repeat N] [--json]
 *
 * Measures the costs of CPython that Weft's model charges (interpreter
 * start-up for spawn, dispatch, pickling, pipe messages) by running the
 * small Python programs Weft ships (data/calibrate/) on a real interpreter, and
 * stores them where runs find them: $XDG_CONFIG_HOME/weft/calibration.json.
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include <json-glib/json-glib.h>

#include "weft-json-text.h"
#include "weft-calibration.h"
#include "weft-cli-calibrate.h"

#define EXIT_BAD_INPUT 2

/* Each prints one JSON object of figures, the median of its repeats. */
static const char * const programs[] = { "spawn.py", "dispatch.py", "pickling.py", "pipe.py", "manager.py" };

/* The programs run this many times in turn, each figure the median of its
 * rounds: a machine shared with others can be slow for a few seconds, and
 * one program's repeats all fall in the same few */
#define ROUNDS 3

static int
calibrate_usage (const char *message)
{
  g_printerr ("weft-cli calibrate: %s (see 'weft-cli calibrate --help')\n", message);
  return EXIT_BAD_INPUT;
}

/* The programs' folder: the source tree's for a weft-cli in the build tree,
 * else the installed one; WEFT_CALIBRATE_DIR overrides both. */
static char *
programs_dir (void)
{
  const char *env = g_getenv ("WEFT_CALIBRATE_DIR");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (exe != NULL && g_str_has_prefix (exe, WEFT_BUILD_ROOT "/") &&
      g_file_test (WEFT_CALIBRATE_SOURCE_DIR, G_FILE_TEST_IS_DIR))
    return g_strdup (WEFT_CALIBRATE_SOURCE_DIR);
  return g_strdup (WEFT_CALIBRATE_INSTALLED);
}

/* Runs PYTHON ARGV… and returns its standard output; NULL with a message
 * (naming @what) when it cannot be started or fails. */
static char *
run_python (const char * const *argv,
            const char         *what,
            GError            **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, error))
    return NULL;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_strstrip (err);
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s failed%s%s", what,
                   *err ? ": " : "", err);
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* "/usr/bin/python3 3.11.2": what was measured */
static char *
describe_python (const char  *python,
                 GError     **error)
{
  const char *argv[] = { python, "-I", "-c", "import sys; print(sys.version.split()[0])", NULL };
  g_autofree char *out = run_python (argv, python, error);

  if (out == NULL)
    {
      g_prefix_error (error, "--python %s: ", python);
      return NULL;
    }
  return g_strdup_printf ("%s %s", python, g_strstrip (out));
}

/* Runs one program and adds the figures it prints to @figures (a name's
 * GArray of doubles). */
static gboolean
measure (const char  *python,
         const char  *dir,
         const char  *program,
         guint        repeat,
         GHashTable  *figures,
         GError     **error)
{
  g_autofree char *path = g_build_filename (dir, program, NULL);
  g_autofree char *n = g_strdup_printf ("%u", repeat);
  const char *argv[] = { python, "-I", path, n, NULL };
  g_autofree char *out = run_python (argv, path, error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (out == NULL)
    return FALSE;
  if (!json_parser_load_from_data (parser, out, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                   "%s printed something other than one JSON object of figures", path);
      return FALSE;
    }
  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &name, &value))
    {
      GArray *values = g_hash_table_lookup (figures, name);
      double v;

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) == G_TYPE_STRING)
        {
          g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s: \"%s\" is not a number", path, name);
          return FALSE;
        }
      v = json_node_get_double (value);
      if (values == NULL)
        g_hash_table_insert (figures, g_strdup (name), (values = g_array_new (FALSE, FALSE, sizeof (double))));
      g_array_append_val (values, v);
    }
  return TRUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Each figure's median over the rounds, into @all */
static void
take_medians (GHashTable *figures,
              JsonObject *all)
{
  GHashTableIter iter;
  gpointer name, values;

  g_hash_table_iter_init (&iter, figures);
  while (g_hash_table_iter_next (&iter, &name, &values))
    {
      GArray *v = values;

      g_array_sort (v, compare_doubles);
      json_object_set_double_member (all, name, g_array_index (v, double, v->len / 2));
    }
}

/* Measures everything; the figures checked as a calibration file is. */
static WeftCalibration *
calibrate (const char  *python,
           guint        repeat,
           GError     **error)
{
  g_autofree char *dir = programs_dir ();
  g_autofree char *described = describe_python (python, error);
  g_autoptr(JsonObject) all = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autoptr(GHashTable) figures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_array_unref);

  if (described == NULL)
    return NULL;

  json_object_set_string_member (all, "python", described);
  for (guint r = 0; r < ROUNDS; r++)
    for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
      if (!measure (python, dir, programs[i], repeat, figures, error))
        return NULL;
  take_medians (figures, all);
  json_node_set_object (root, all);
  text = weft_json_to_text (root, FALSE);
  return weft_calibration_new_from_data (text, "the measured figures", error);
}

static void
print_text (const WeftCalibration *cal,
            const char            *path)
{
  g_print ("python        %s\n"
           "spawn start   %.1f ms (fork %.1f ms)\n"
           "dispatch      %.0f µs of CPU per task in the pool's parent, %.0f µs in its worker\n"
           "pickling      %.1f ms per MB of a list of ints (%.0f %% of it unpickling), %.1f µs per small object\n"
           "pipe message  %.0f µs one way\n"
           "manager call  %.0f µs a request and its reply\n"
           "written to    %s\n",
           cal->python, cal->spawn_start_ms, cal->fork_start_ms, cal->dispatch_parent_us, cal->dispatch_us,
           cal->pickle_ms_per_mb, cal->unpickle_share * 100, cal->pickle_object_us, cal->pipe_message_us, cal->manager_call_us, path);
}

static gboolean
save (const WeftCalibration *cal,
      const char            *path,
      GError               **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *json = weft_calibration_to_json (cal);
  g_autofree char *text = g_strconcat (json, "\n", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: cannot create: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents (path, text, -1, error);
}

int
weft_cli_calibrate (int    argc,
                    char **argv)
{
  g_autofree char *python = NULL;
  int repeat = 5;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "python", 0, 0, G_OPTION_ARG_FILENAME, &python, "Measure this interpreter (default: python3 on PATH)", "PATH" },
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat, "Repeats of each measurement, the median kept (1–99, default 5)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the figures as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— measure the CPython costs Weft's model charges");
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftCalibration) cal = NULL;
  g_autofree char *path = weft_calibration_get_path ();

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return calibrate_usage (error->message);
  if (argc != 1)
    return calibrate_usage ("takes no arguments");
  if (repeat < 1 || repeat > 99)
    return calibrate_usage ("--repeat: expected a number from 1 to 99");

  cal = calibrate (python != NULL ? python : "python3", (guint) repeat, &error);
  if (cal == NULL)
    {
      g_printerr ("weft-cli calibrate: %s\n", error->message);
      return g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT) ? EXIT_BAD_INPUT : EXIT_FAILURE;
    }
  if (!save (cal, path, &error))
    {
      g_printerr ("weft-cli calibrate: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (json)
    {
      g_autofree char *text = weft_calibration_to_json (cal);

      g_print ("%s\n", text);
    }
  else
    print_text (cal, path);
  return EXIT_SUCCESS;
}
