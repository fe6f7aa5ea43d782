/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Members of the object a JsonBuilder is building, one call each: what the
 * summary's and the comparison's JSON renderers share. */

static inline void
_weft_json_add_double (JsonBuilder *b,
                       const char  *name,
                       double       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static inline void
_weft_json_add_int (JsonBuilder *b,
                    const char  *name,
                    gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

/* A string, or null when @value is NULL */
static inline void
_weft_json_add_string (JsonBuilder *b,
                       const char  *name,
                       const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* A number, or null when it is not @known */
static inline void
_weft_json_add_optional_double (JsonBuilder *b,
                                const char  *name,
                                gboolean     known,
                                double       value)
{
  json_builder_set_member_name (b, name);
  if (known)
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

G_END_DECLS
