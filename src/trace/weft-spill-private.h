/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * WeftSpill: bytes that are written once, appended, and read rarely, kept
 * in an unlinked file on disk (in $XDG_CACHE_HOME/weft) instead of in
 * memory. The file is gone when it is freed or the process ends. Reads
 * copy (_weft_spill_read()) or look into a read-only mapping
 * (_weft_spill_peek()), whose pages the kernel may drop again.
 */

typedef struct _WeftSpill WeftSpill;

WeftSpill    *_weft_spill_new        (guint64       max_len);
void          _weft_spill_free       (WeftSpill    *spill);
gboolean      _weft_spill_append     (WeftSpill    *spill,
                                      const guint8 *data,
                                      gsize         len);
guint64       _weft_spill_get_length (WeftSpill    *spill);
gboolean      _weft_spill_read       (WeftSpill    *spill,
                                      guint64       offset,
                                      guint8       *buf,
                                      gsize         len,
                                      GError      **error);
const guint8 *_weft_spill_peek       (WeftSpill    *spill,
                                      guint64       offset);

G_END_DECLS
