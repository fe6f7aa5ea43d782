/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The CPython version the model follows, as major * 100 + minor (311 for
 * 3.11); 0 means "not given". It decides where the simulated GIL may switch
 * threads: from 3.10 on, CPython honours a drop request only at a backward
 * jump or a call, so the read-modify-write of `counter += 1` is never split;
 * 3.9 and earlier check between bytecodes, so it can be.
 */

#define WEFT_PYTHON_VERSION_FALLBACK 312

gboolean  weft_python_version_parse          (const char *text,
                                              guint      *out_version);
char     *weft_python_version_to_string      (guint       version);
guint     weft_python_version_default        (void);
gboolean  weft_python_version_switches_inside_statements (guint version);

G_END_DECLS
