/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "weft-output-file.h"

/*
 * What a path names decides how it is written (see weft-output-file.h):
 * a new or regular file through a temporary file and a rename, a character
 * device or a FIFO in place, as a stream.
 */

/* Links followed to find where a dangling symlink points, as the kernel's limit. */
#define MAX_LINKS 40

typedef enum
{
  TARGET_NEW,       /* nothing there yet: create it */
  TARGET_REGULAR,   /* a regular file: replace it */
  TARGET_STREAM,    /* a character device or a FIFO: write through it */
} TargetKind;

typedef struct
{
  TargetKind  kind;
  char       *path;   /* symlinks resolved for NEW and REGULAR; as given for STREAM */
  mode_t      mode;   /* REGULAR: the permissions the replacement keeps */
} Target;

struct _WeftOutputFile
{
  char     *path;     /* as the user gave it, for messages */
  char     *target;
  char     *tmp;      /* NULL when writing through a stream */
  int       fd;
};

static gboolean
set_errno_error (GError     **error,
                 int          saved,
                 const char  *path,
                 const char  *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               "%s: %s: %s", path, what, g_strerror (saved));
  return FALSE;
}

/* Where a path that does not exist would be created: dangling symlinks
 * followed to the name they point to. */
static char *
resolve_missing (const char  *path,
                 GError     **error)
{
  g_autofree char *p = g_strdup (path);

  for (guint hops = 0; hops < MAX_LINKS; hops++)
    {
      struct stat st;
      g_autofree char *link = NULL;
      g_autofree char *dir = NULL;

      if (lstat (p, &st) != 0 || !S_ISLNK (st.st_mode))
        return g_steal_pointer (&p);
      link = g_file_read_link (p, NULL);
      if (link == NULL)
        return g_steal_pointer (&p);
      dir = g_path_get_dirname (p);
      g_free (p);
      p = g_path_is_absolute (link) ? g_steal_pointer (&link) : g_build_filename (dir, link, NULL);
    }
  set_errno_error (error, ELOOP, path, "cannot write");
  return NULL;
}

static gboolean
classify_existing (const char   *path,
                   struct stat  *st,
                   Target       *target,
                   GError      **error)
{
  if (S_ISREG (st->st_mode))
    {
      char *real = realpath (path, NULL);

      target->kind = TARGET_REGULAR;
      target->path = real != NULL ? g_strdup (real) : g_strdup (path);
      target->mode = st->st_mode & 07777;
      free (real);
      return TRUE;
    }
  if (S_ISCHR (st->st_mode) || S_ISFIFO (st->st_mode))
    {
      target->kind = TARGET_STREAM;
      target->path = g_strdup (path);
      return TRUE;
    }
  if (S_ISDIR (st->st_mode))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, "%s: cannot write: it is a folder", path);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 "%s: cannot write: it is a %s; Weft writes regular files, character devices and FIFOs",
                 path, S_ISBLK (st->st_mode) ? "block device" : "socket");
  return FALSE;
}

static gboolean
classify (const char  *path,
          Target      *target,
          GError     **error)
{
  struct stat st;
  g_autofree char *dir = NULL;
  int rc;

  memset (target, 0, sizeof *target);
  if (stat (path, &st) == 0)
    return classify_existing (path, &st, target, error);
  if (errno != ENOENT && errno != ENOTDIR)
    return set_errno_error (error, errno, path, "cannot write");

  target->kind = TARGET_NEW;
  target->path = resolve_missing (path, error);
  if (target->path == NULL)
    return FALSE;
  dir = g_path_get_dirname (target->path);
  rc = stat (dir, &st);
  if (rc != 0 || !S_ISDIR (st.st_mode))
    {
      int saved = rc != 0 ? errno : ENOTDIR;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: cannot create the file in %s: %s", path, dir, g_strerror (saved));
      g_clear_pointer (&target->path, g_free);
      return FALSE;
    }
  return TRUE;
}

/* A hidden temporary file beside the target; its name is returned in @out_tmp. */
static int
create_temp (const char  *path,
             Target      *target,
             char       **out_tmp,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (target->path);
  g_autofree char *base = g_path_get_basename (target->path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: cannot create the file in %s: %s", path, dir, g_strerror (saved));
      return -1;
    }
  /* A new file gets 0666 less the umask (from the open); a replaced one its old mode. */
  if (target->kind == TARGET_REGULAR)
    (void) fchmod (fd, target->mode);
  *out_tmp = g_steal_pointer (&tmp);
  return fd;
}

static int
open_stream (const char  *path,
             GError     **error)
{
  /* Non-blocking, so that a FIFO nobody reads is an error, not a hang. */
  int fd = open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

  if (fd < 0 && errno == ENXIO)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                   "%s: cannot write: a FIFO that nobody reads (start its reader first)", path);
      return -1;
    }
  if (fd < 0)
    {
      set_errno_error (error, errno, path, "cannot write");
      return -1;
    }
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

/**
 * weft_output_file_check:
 *
 * Checks, before any long work, that @path can be written: a folder that
 * exists and takes a new file (tried for real: a temporary file is made and
 * removed), or a character device or FIFO. Writes nothing at @path.
 *
 * Returns: %FALSE with @error set (one line naming @path) if it cannot
 */
gboolean
weft_output_file_check (const char  *path,
                        GError     **error)
{
  g_autofree char *tmp = NULL;
  Target target;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!classify (path, &target, error))
    return FALSE;
  if (target.kind == TARGET_STREAM)
    {
      gboolean ok = access (target.path, W_OK) == 0 || set_errno_error (error, errno, path, "cannot write");

      g_free (target.path);
      return ok;
    }

  fd = create_temp (path, &target, &tmp, error);
  g_free (target.path);
  if (fd < 0)
    return FALSE;
  close (fd);
  g_unlink (tmp);
  return TRUE;
}

/**
 * weft_output_file_open:
 *
 * Opens @path for writing: a temporary file beside a new or regular file
 * (symlinks followed), or the character device or FIFO itself. Write to
 * weft_output_file_get_fd(), then weft_output_file_commit() or _abort().
 *
 * Returns: (transfer full) (nullable): the file, or %NULL with @error set
 */
WeftOutputFile *
weft_output_file_open (const char  *path,
                       GError     **error)
{
  g_autofree char *tmp = NULL;
  WeftOutputFile *self;
  Target target;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  if (!classify (path, &target, error))
    return NULL;
  if (target.kind == TARGET_STREAM)
    fd = open_stream (target.path, error);
  else
    fd = create_temp (path, &target, &tmp, error);
  if (fd < 0)
    {
      g_free (target.path);
      return NULL;
    }

  self = g_new0 (WeftOutputFile, 1);
  self->path = g_strdup (path);
  self->target = target.path;
  self->tmp = g_steal_pointer (&tmp);
  self->fd = fd;
  return self;
}

int
weft_output_file_get_fd (WeftOutputFile *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->fd;
}

/**
 * weft_output_file_is_stream:
 *
 * Returns: %TRUE if the writes go straight to a device or FIFO (nothing is
 *   replaced, and what was written stays written on failure)
 */
gboolean
weft_output_file_is_stream (WeftOutputFile *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->tmp == NULL;
}

/**
 * weft_output_file_commit:
 *
 * @cancellable: (nullable): cancelled, the file is not replaced: looked at
 *   after the sync, which may take long, and before the rename
 *
 * Makes the written data the file's: syncs the temporary file and renames it
 * over the target, or closes the stream. On failure nothing is replaced and
 * the temporary file is gone. The fd is closed either way.
 *
 * Returns: %FALSE with @error set on failure (%G_IO_ERROR_CANCELLED if
 *   @cancellable was)
 */
gboolean
weft_output_file_commit (WeftOutputFile  *self,
                         GCancellable    *cancellable,
                         GError         **error)
{
  gboolean cancelled = FALSE;
  int fd, saved = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->fd >= 0, FALSE);

  fd = self->fd;
  self->fd = -1;
  if (self->tmp == NULL)
    return close (fd) == 0 || set_errno_error (error, errno, self->path, "cannot write");

  if (fsync (fd) != 0 || close (fd) != 0)
    saved = errno;
  else if (g_cancellable_is_cancelled (cancellable))
    cancelled = TRUE;
  else if (rename (self->tmp, self->target) != 0)
    saved = errno;
  if (saved != 0 || cancelled)
    {
      g_unlink (self->tmp);
      g_clear_pointer (&self->tmp, g_free);
      if (cancelled)
        return !g_cancellable_set_error_if_cancelled (cancellable, error);
      return set_errno_error (error, saved, self->path, "cannot write");
    }
  g_clear_pointer (&self->tmp, g_free);
  return TRUE;
}

/**
 * weft_output_file_abort:
 *
 * Gives up: closes the fd and removes the temporary file. The target is as
 * it was (a stream keeps what was written to it).
 */
void
weft_output_file_abort (WeftOutputFile *self)
{
  g_return_if_fail (self != NULL);

  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
  if (self->tmp != NULL)
    g_unlink (self->tmp);
  g_clear_pointer (&self->tmp, g_free);
}

/**
 * weft_output_file_free:
 *
 * Frees @self; a file neither committed nor aborted is aborted.
 */
void
weft_output_file_free (WeftOutputFile *self)
{
  if (self == NULL)
    return;
  weft_output_file_abort (self);
  g_free (self->path);
  g_free (self->target);
  g_free (self);
}

/**
 * weft_output_file_set_contents:
 *
 * Writes @data to @path by the rules above, in one go.
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
weft_output_file_set_contents (const char  *path,
                               const char  *data,
                               gsize        len,
                               GError     **error)
{
  g_autoptr(WeftOutputFile) file = weft_output_file_open (path, error);

  if (file == NULL)
    return FALSE;
  while (len > 0)
    {
      ssize_t n = write (file->fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return set_errno_error (error, n < 0 ? errno : EIO, path, "cannot write");
      data += n;
      len -= (gsize) n;
    }
  return weft_output_file_commit (file, NULL, error);
}
