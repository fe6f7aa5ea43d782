/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The args of another program's slices and instants (Chrome's "args"), as
 * a model keeps them (weft_trace_model_get_span_args()): one compact JSON
 * object per slice, at most WEFT_SPAN_ARGS_MAX bytes. Args that did not fit
 * end with the member WEFT_SPAN_ARGS_CUT_KEY (true), and a value cut short
 * is a string ending in "…".
 */

#define WEFT_SPAN_ARGS_MAX     1024
#define WEFT_SPAN_ARGS_CUT_KEY "\xe2\x80\xa6"     /* "…" */

char **weft_span_args_to_pairs (const char *json,
                                gsize       len,
                                gboolean   *out_cut);

G_END_DECLS
