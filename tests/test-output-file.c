/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * WeftOutputFile: regular files replaced atomically (symlinks followed),
 * devices and FIFOs written through and never replaced, the rest refused.
 * Real files in a temporary folder.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "weft-output-file.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("weft-output-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static char *
contents (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

/* A replaced file gets the new content and keeps its permissions. */
static void
test_replace_keeps_mode (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "trace.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_cmpint (chmod (path, 0640), ==, 0);
  g_assert_true (weft_output_file_set_contents (path, "new", 3, &error));
  g_assert_no_error (error);
  text = contents (path);
  g_assert_cmpstr (text, ==, "new");
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0640);
  g_assert_cmpuint (count_entries (f->dir), ==, 1);
}

/* A new file gets the usual mode: 0666 less the umask. */
static void
test_new_file_mode (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "trace.json", NULL);
  g_autoptr(GError) error = NULL;
  mode_t saved = umask (022);
  struct stat st;

  g_assert_true (weft_output_file_set_contents (path, "new", 3, &error));
  umask (saved);
  g_assert_no_error (error);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0644);
}

/* Aborted (or freed without a commit): the old file as it was, no temporary file. */
static void
test_abort_leaves_old (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "trace.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  WeftOutputFile *file;

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  file = weft_output_file_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (weft_output_file_is_stream (file));
  g_assert_cmpint (write (weft_output_file_get_fd (file), "half", 4), ==, 4);
  g_assert_cmpuint (count_entries (f->dir), ==, 2);
  weft_output_file_free (file);

  text = contents (path);
  g_assert_cmpstr (text, ==, "old");
  g_assert_cmpuint (count_entries (f->dir), ==, 1);
}

/* Cancelled before the commit (a signal during the sync): the old file as
 * it was, no temporary file, and the error says cancelled. */
static void
test_commit_cancelled (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "trace.json", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  WeftOutputFile *file;

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  file = weft_output_file_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (weft_output_file_get_fd (file), "whole", 5), ==, 5);
  g_cancellable_cancel (cancellable);
  g_assert_false (weft_output_file_commit (file, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  weft_output_file_free (file);

  text = contents (path);
  g_assert_cmpstr (text, ==, "old");
  g_assert_cmpuint (count_entries (f->dir), ==, 1);
}

/* A symlink stays a symlink; the file it names is replaced. */
static void
test_symlink_followed (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *target = g_build_filename (f->dir, "target.json", NULL);
  g_autofree char *link = g_build_filename (f->dir, "link.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_true (g_file_set_contents (target, "old", -1, NULL));
  g_assert_cmpint (symlink ("target.json", link), ==, 0);
  g_assert_true (weft_output_file_set_contents (link, "new", 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  text = contents (target);
  g_assert_cmpstr (text, ==, "new");
  g_assert_cmpuint (count_entries (f->dir), ==, 2);
}

/* A character device is written through: /dev/null takes it, /dev/full says ENOSPC. */
static void
test_devices (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftOutputFile) file = weft_output_file_open ("/dev/full", &error);
  struct stat st;

  g_assert_no_error (error);
  g_assert_true (weft_output_file_is_stream (file));
  g_assert_cmpint (write (weft_output_file_get_fd (file), "x", 1), ==, -1);
  g_assert_cmpint (errno, ==, ENOSPC);
  weft_output_file_abort (file);

  g_assert_true (weft_output_file_check ("/dev/null", &error));
  g_assert_true (weft_output_file_set_contents ("/dev/null", "x", 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
}

/* A FIFO nobody reads is refused at once, not waited on. */
static void
test_fifo_without_reader (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "fifo", NULL);
  g_autofree char *want = g_strdup_printf ("%s: cannot write: a FIFO that nobody reads (start its reader first)", path);
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  g_assert_true (weft_output_file_check (path, &error));
  g_assert_null (weft_output_file_open (path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (error->message, ==, want);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
}

/* Refused, with the path first: a folder, a folder that is not there. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "no", "trace.json", NULL);
  g_autofree char *want_dir = g_strdup_printf ("%s: cannot write: it is a folder", f->dir);
  g_autofree char *want_missing = g_strdup_printf ("%s: cannot create the file in %s/no: No such file or directory",
                                                   missing, f->dir);
  g_autoptr(GError) error = NULL;

  g_assert_false (weft_output_file_check (f->dir, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_assert_cmpstr (error->message, ==, want_dir);
  g_clear_error (&error);

  g_assert_false (weft_output_file_check (missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, want_missing);
  g_assert_cmpuint (count_entries (f->dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/weft/output-file/replace-keeps-mode", test_replace_keeps_mode);
  ADD ("/weft/output-file/new-file-mode", test_new_file_mode);
  ADD ("/weft/output-file/abort-leaves-old", test_abort_leaves_old);
  ADD ("/weft/output-file/commit-cancelled", test_commit_cancelled);
  ADD ("/weft/output-file/symlink-followed", test_symlink_followed);
  ADD ("/weft/output-file/devices", test_devices);
  ADD ("/weft/output-file/fifo-without-reader", test_fifo_without_reader);
  ADD ("/weft/output-file/refused", test_refused);
#undef ADD

  return g_test_run ();
}
