/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char *weft_json_to_text (JsonNode *root,
                         gboolean  pretty);

G_END_DECLS
