/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "weft-python-version.h"

/**
 * weft_python_version_parse:
 * @text: "3.N", N from 0 to 99, without leading zeros
 *
 * Returns: %TRUE with @out_version set (3.11 → 311), %FALSE if @text is not
 *   such a version
 */
gboolean
weft_python_version_parse (const char *text,
                           guint      *out_version)
{
  char *end = NULL;
  guint64 minor;

  if (text == NULL || text[0] != '3' || text[1] != '.' ||
      !g_ascii_isdigit (text[2]) || (text[2] == '0' && text[3] != '\0'))
    return FALSE;
  minor = g_ascii_strtoull (text + 2, &end, 10);
  if (end == NULL || *end != '\0' || minor > 99)
    return FALSE;
  *out_version = 300 + (guint) minor;
  return TRUE;
}

/* Returns: (transfer full): "3.11" */
char *
weft_python_version_to_string (guint version)
{
  return g_strdup_printf ("%u.%u", version / 100, version % 100);
}

static gpointer
ask_python3 (gpointer data)
{
  const char *argv[] = { "python3", "-c",
                         "import sys; print('%d.%d' % sys.version_info[:2])", NULL };
  g_autofree char *out = NULL;
  gint status = 0;
  guint version = 0;

  (void) data;
  if (g_spawn_sync (NULL, (char **) argv, NULL,
                    G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, &out, NULL, &status, NULL) &&
      g_spawn_check_wait_status (status, NULL) && out != NULL)
    {
      g_strstrip (out);
      if (!weft_python_version_parse (out, &version))
        version = 0;
    }
  return GUINT_TO_POINTER (version != 0 ? version : WEFT_PYTHON_VERSION_FALLBACK);
}

/**
 * weft_python_version_default:
 *
 * The version of the `python3` on PATH, asked once per process; 3.12 when
 * there is none or it does not answer.
 *
 * Returns: the version to model when neither the profile nor the run names one
 */
guint
weft_python_version_default (void)
{
  static GOnce once = G_ONCE_INIT;

  return GPOINTER_TO_UINT (g_once (&once, ask_python3, NULL));
}

/**
 * weft_python_version_switches_inside_statements:
 *
 * Returns: %TRUE if the GIL may change hands between the bytecodes of one
 *   statement (3.9 and earlier), so that `counter += 1` can be torn
 */
gboolean
weft_python_version_switches_inside_statements (guint version)
{
  return version < 310;
}
