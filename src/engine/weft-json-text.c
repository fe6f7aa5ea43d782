/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-json-text.h"

/*
 * json-glib 1.6 (Debian 12's) writes a double whose shortest form has an
 * exponent and no decimal point, such as 2e-08, as "2e-08.0": it appends
 * ".0" to any number without a '.', which is not JSON (a summary with a
 * 20 ns I/O time did not parse). The text is mended here, outside strings.
 */

/* Drops ".0" after a number's exponent; @text is JSON but for that */
static void
mend_exponents (char *text)
{
  char *r = text, *w = text;
  gboolean in_string = FALSE, in_exponent = FALSE;

  for (; *r != '\0'; r++)
    {
      char c = *r;

      if (in_string)
        {
          if (c == '\\' && r[1] != '\0')
            {
              *w++ = *r++;
              c = *r;
            }
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (in_exponent && c == '.' && r[1] == '0' && !g_ascii_isdigit (r[2]))
        {
          r++;            /* skip ".0" */
          in_exponent = FALSE;
          continue;
        }
      else if ((c == 'e' || c == 'E') && w > text && g_ascii_isdigit (w[-1]))
        in_exponent = TRUE;
      else if (!g_ascii_isdigit (c) && c != '-' && c != '+')
        in_exponent = FALSE;
      *w++ = c;
    }
  *w = '\0';
}

/**
 * weft_json_to_text:
 * @root: a JSON tree
 * @pretty: indented, one member a line
 *
 * Returns: (transfer full): @root as JSON text, every number valid JSON
 */
char *
weft_json_to_text (JsonNode *root,
                   gboolean  pretty)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  char *text;

  g_return_val_if_fail (root != NULL, NULL);

  json_generator_set_pretty (gen, pretty);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  mend_exponents (text);
  return text;
}
