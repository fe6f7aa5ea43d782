/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "weft-trace-meta.h"

G_DEFINE_QUARK (weft-trace-error-quark, weft_trace_error)

/**
 * weft_trace_meta_new:
 *
 * Returns: (transfer full): empty metadata (@gil and @work_waits unknown)
 */
WeftTraceMeta *
weft_trace_meta_new (void)
{
  WeftTraceMeta *meta = g_new0 (WeftTraceMeta, 1);

  meta->gil = -1;
  meta->work_waits = -1;
  return meta;
}

/**
 * weft_trace_meta_copy:
 * @meta: metadata
 *
 * Returns: (transfer full): a deep copy
 */
WeftTraceMeta *
weft_trace_meta_copy (const WeftTraceMeta *meta)
{
  WeftTraceMeta *copy;

  g_return_val_if_fail (meta != NULL, NULL);

  copy = g_new0 (WeftTraceMeta, 1);
  copy->profile = g_strdup (meta->profile);
  copy->executor = g_strdup (meta->executor);
  copy->gil = meta->gil;
  copy->work_waits = meta->work_waits;
  copy->python = g_strdup (meta->python);
  copy->workers = meta->workers;
  copy->machine = g_strdup (meta->machine);
  copy->command_line = g_strdup (meta->command_line);
  copy->interrupted = g_strdup (meta->interrupted);
  copy->source = g_strdup (meta->source);
  return copy;
}

/**
 * weft_trace_meta_free:
 * @meta: (nullable): metadata
 */
void
weft_trace_meta_free (WeftTraceMeta *meta)
{
  if (meta == NULL)
    return;
  g_free (meta->profile);
  g_free (meta->executor);
  g_free (meta->python);
  g_free (meta->machine);
  g_free (meta->command_line);
  g_free (meta->interrupted);
  g_free (meta->source);
  g_free (meta);
}
