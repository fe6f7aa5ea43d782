/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A file that a user named for Weft to write (a trace, a profile).
 *
 * Weft replaces only regular files, and those atomically: it writes a
 * temporary file in the target's folder, syncs it and renames it over the
 * target, so a failed or interrupted write leaves the old file as it was and
 * no temporary file behind. A symbolic link is followed to its target, which
 * is replaced; the link stays. A character device (/dev/null, /dev/full, a
 * terminal) or a FIFO is written through, as a stream, and never replaced;
 * its write errors (ENOSPC on /dev/full) are reported. Anything else (a
 * folder, a block device, a socket) is refused.
 *
 * Every error is in %G_IO_ERROR and its message starts with the path the
 * user gave.
 */

typedef struct _WeftOutputFile WeftOutputFile;

gboolean        weft_output_file_check     (const char      *path,
                                            GError         **error);
WeftOutputFile *weft_output_file_open      (const char      *path,
                                            GError         **error);
int             weft_output_file_get_fd    (WeftOutputFile  *self);
gboolean        weft_output_file_is_stream (WeftOutputFile  *self);
gboolean        weft_output_file_commit    (WeftOutputFile  *self,
                                            GCancellable    *cancellable,
                                            GError         **error);
void            weft_output_file_abort     (WeftOutputFile  *self);
void            weft_output_file_free      (WeftOutputFile  *self);

gboolean        weft_output_file_set_contents (const char   *path,
                                               const char   *data,
                                               gsize         len,
                                               GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftOutputFile, weft_output_file_free)

G_END_DECLS
