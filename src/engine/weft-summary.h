/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "weft-run.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

/*
 * The summary of a run or a trace, as one JSON document (docs/cli.md): the
 * CLI prints it or a text rendering of it, the app shows the same numbers.
 */

JsonNode *weft_summary_build   (WeftTraceModel      *model,
                                const WeftProfile   *profile,
                                const WeftRunResult *result);
char     *weft_summary_to_text (JsonNode            *summary);
double    weft_summary_get_double (JsonNode         *summary,
                                   const char       *member);

G_END_DECLS
