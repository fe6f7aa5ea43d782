/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Replays a fuzz target's corpora as ordinary tests, without libFuzzer:
 * every file of the folders given becomes one test case that calls the
 * target's LLVMFuzzerTestOneInput() on the file's bytes, then
 * weft_fuzz_check_named(). An input that runs longer than --timeout seconds
 * fails with its name instead of blocking the suite.
 *
 *   weft-fuzz-replay-TARGET [--timeout SECONDS] FOLDER|FILE...
 *
 * Files whose name starts with a dot are not inputs (.keep holds an empty
 * folder in git).
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weft-fuzz.h"

static guint timeout_s = 10;
static const char *current_input;

static void
on_alarm (int signum)
{
  static const char prefix[] = "Bail out! input ran too long (a hang): ";
  const char *name = current_input ? current_input : "?";

  /* async-signal-safe: write(2) only */
  (void) !write (STDOUT_FILENO, prefix, sizeof prefix - 1);
  (void) !write (STDOUT_FILENO, name, strlen (name));
  (void) !write (STDOUT_FILENO, "\n", 1);
  _exit (1);
}

static void
replay_one (gconstpointer user_data)
{
  const char *path = user_data;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_path_get_basename (path);
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  current_input = path;
  alarm (timeout_s);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
  weft_fuzz_check_named (name, (const uint8_t *) contents, len);
  alarm (0);
  current_input = NULL;
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Adds one test per input file of @folder, in name order. */
static guint
add_folder (const char *folder,
            GPtrArray  *keep)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *clean = g_canonicalize_filename (folder, NULL);
  g_autofree char *parent = g_path_get_dirname (clean);
  g_autofree char *target = g_path_get_basename (parent);
  g_autofree char *group = g_path_get_basename (clean);
  const char *entry;

  if (dir == NULL)
    g_error ("%s", error->message);

  while ((entry = g_dir_read_name (dir)) != NULL)
    if (entry[0] != '.')
      g_ptr_array_add (names, g_strdup (entry));
  g_ptr_array_sort (names, compare_strings);

  for (guint i = 0; i < names->len; i++)
    {
      char *path = g_build_filename (folder, names->pdata[i], NULL);
      g_autofree char *test_path = g_strdup_printf ("/fuzz/%s/%s/%s", target, group,
                                                    (const char *) names->pdata[i]);

      g_ptr_array_add (keep, path);
      g_test_add_data_func (test_path, path, replay_one);
    }
  return names->len;
}

/* One input given by its path: /fuzz/input/FILE */
static guint
add_file (const char *path,
          GPtrArray  *keep)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *test_path = g_strdup_printf ("/fuzz/input/%s", name);
  char *copy = g_strdup (path);

  g_ptr_array_add (keep, copy);
  g_test_add_data_func (test_path, copy, replay_one);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  guint n_inputs = 0;
  int first = 1;

  g_test_init (&argc, &argv, NULL);
  weft_fuzz_init ();

  if (argc > 2 && strcmp (argv[1], "--timeout") == 0)
    {
      timeout_s = (guint) g_ascii_strtoull (argv[2], NULL, 10);
      first = 3;
    }
  if (first >= argc || timeout_s == 0)
    {
      g_printerr ("usage: %s [--timeout SECONDS] FOLDER|FILE...\n", argv[0]);
      return 2;
    }

  signal (SIGALRM, on_alarm);
  for (int i = first; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        n_inputs += add_folder (argv[i], keep);
      else
        n_inputs += add_file (argv[i], keep);
    }
  if (n_inputs == 0)
    {
      g_printerr ("%s: no inputs in the folders given\n", argv[0]);
      return 1;
    }

  return g_test_run ();
}
