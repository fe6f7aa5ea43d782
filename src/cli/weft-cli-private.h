/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Shared by weft-cli's commands (weft-cli.c defines them). */
typedef JsonNode *(*WeftCliToJson) (gpointer object);
typedef char     *(*WeftCliToText) (gpointer object);

void _weft_cli_print_result (gpointer      object,
                             gboolean      json,
                             WeftCliToJson to_json,
                             WeftCliToText to_text);

G_END_DECLS
