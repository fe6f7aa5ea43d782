/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "weft-spill-private.h"

struct _WeftSpill
{
  int           fd;
  guint64       len;       /* bytes written */
  guint64       max_len;   /* what the mapping covers */
  const guint8 *map;       /* max_len bytes; the first len are the file's */
};

/* A file nobody else can open: unlinked from the start where the file
 * system allows it, else right after it is made. */
static int
open_unlinked (const char *dir)
{
  g_autofree char *name = NULL;
  int fd;

#ifdef O_TMPFILE
  fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0)
    return fd;
#endif
  name = g_build_filename (dir, "spill-XXXXXX", NULL);
  fd = g_mkstemp_full (name, O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0)
    g_unlink (name);
  return fd;
}

/**
 * _weft_spill_new:
 * @max_len: the most that will be appended
 *
 * Returns: (nullable): a new empty spill file, or %NULL if none can be made
 *   here (the caller keeps its bytes in memory then)
 */
WeftSpill *
_weft_spill_new (guint64 max_len)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "weft", NULL);
  WeftSpill *spill;
  void *map;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0 || (fd = open_unlinked (dir)) < 0)
    return NULL;
  /* One mapping of all the file will hold: pages past its end are never
   * touched, and those below it are the file's, as written. */
  map = mmap (NULL, max_len, PROT_READ, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED)
    {
      close (fd);
      return NULL;
    }
  spill = g_new0 (WeftSpill, 1);
  spill->fd = fd;
  spill->max_len = max_len;
  spill->map = map;
  return spill;
}

void
_weft_spill_free (WeftSpill *spill)
{
  if (spill == NULL)
    return;
  munmap ((void *) spill->map, spill->max_len);
  close (spill->fd);
  g_free (spill);
}

/**
 * _weft_spill_append:
 *
 * Appends all of @data, or nothing: if the disk is full or the file may not
 * grow, the file is cut back to where it was and %FALSE returned (the bytes
 * are the caller's to keep).
 */
gboolean
_weft_spill_append (WeftSpill    *spill,
                    const guint8 *data,
                    gsize         len)
{
  gsize done = 0;

  if (len > spill->max_len - spill->len)
    return FALSE;
  while (done < len)
    {
      ssize_t n = pwrite (spill->fd, data + done, len - done, (off_t) (spill->len + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (ftruncate (spill->fd, (off_t) spill->len) != 0)
            g_debug ("weft: a spill file could not be cut back: %s", g_strerror (errno));
          return FALSE;
        }
      done += (gsize) n;
    }
  spill->len += len;
  return TRUE;
}

guint64
_weft_spill_get_length (WeftSpill *spill)
{
  return spill->len;
}

/* Copies @len bytes from @offset (below the length) into @buf. */
gboolean
_weft_spill_read (WeftSpill *spill,
                  guint64    offset,
                  guint8    *buf,
                  gsize      len,
                  GError   **error)
{
  gsize done = 0;

  g_return_val_if_fail (offset + len <= spill->len, FALSE);

  while (done < len)
    {
      ssize_t n = pread (spill->fd, buf + done, len - done, (off_t) (offset + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : EIO;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "cannot read back the trace's journal file: %s", g_strerror (saved));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

/* The bytes from @offset (below the length) on, as the file has them. */
const guint8 *
_weft_spill_peek (WeftSpill *spill,
                  guint64    offset)
{
  g_assert (offset < spill->len);
  return spill->map + offset;
}
