/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Fuzz target: the Chrome-trace importer. Each input is written to a scratch
 * file named input.json and imported as a user's file would be. An input
 * either imports into a model that satisfies weft_fuzz_check_model() and
 * exports and imports back to the same statistics, or fails with one
 * message that names the file.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "weft-fuzz.h"
#include "weft-trace-export.h"
#include "weft-trace-import.h"

static WeftTraceModel *
import_input (const uint8_t         *data,
              size_t                 size,
              WeftTraceImportStats  *stats,
              WeftTraceMeta        **out_meta)
{
  const char *path = weft_fuzz_write_scratch (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceMeta) meta = NULL;
  WeftTraceModel *model;

  model = weft_trace_import_file (path, &meta, stats, NULL, &error);
  if (model == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "input.json"));
      g_assert_null (strchr (error->message, '\n'));
      return NULL;
    }

  g_assert_no_error (error);
  g_assert_nonnull (meta);
  g_assert_cmpuint (stats->n_lanes, ==, weft_trace_model_get_n_lanes (model));
  g_assert_cmpuint (stats->n_used, <=, stats->n_trace_events);
  if (out_meta != NULL)
    *out_meta = g_steal_pointer (&meta);
  return model;
}

/* What Weft exported, it imports back the same: the statistics of a model
 * exported and imported again equal the model's. */
static void
check_round_trip (WeftTraceModel      *model,
                  const WeftTraceMeta *meta)
{
  g_autofree char *path = g_strconcat (weft_fuzz_scratch_path (), ".export", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) again = NULL;
  WeftTraceImportStats stats;
  WeftRunStats a, b;

  if (!weft_trace_export_to_file (model, meta, path, NULL, &error))
    g_error ("export: %s", error->message);
  again = weft_trace_import_file (path, NULL, &stats, NULL, &error);
  g_unlink (path);
  g_assert_no_error (error);
  g_assert_true (stats.weft_format);

  weft_trace_model_get_run_stats (model, &a);
  weft_trace_model_get_run_stats (again, &b);
  g_assert_cmpuint (a.n_lanes, ==, b.n_lanes);
  g_assert_cmpuint (a.n_spans, ==, b.n_spans);
  g_assert_cmpuint (a.wall_ns, ==, b.wall_ns);
  weft_fuzz_check_same_lanes (model, again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  WeftTraceImportStats stats;
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(WeftTraceMeta) meta = NULL;

  weft_fuzz_init ();

  model = import_input (data, size, &stats, &meta);
  if (model == NULL)
    return 0;
  weft_fuzz_check_model (model);
  check_round_trip (model, meta);
  return 0;
}

/* An input named no-events-* hides event-like objects where no event may be
 * (nested under an unknown member, inside args): none may become one. */
void
weft_fuzz_check_named (const char    *name,
                       const uint8_t *data,
                       size_t         size)
{
  WeftTraceImportStats stats;
  g_autoptr(WeftTraceModel) model = NULL;

  if (!g_str_has_prefix (name, "no-events-"))
    return;

  model = import_input (data, size, &stats, NULL);
  if (model != NULL)
    {
      WeftRunStats run;

      weft_trace_model_get_run_stats (model, &run);
      g_assert_cmpuint (stats.n_used, ==, 0);
      g_assert_cmpuint (run.n_spans, ==, 0);
    }
}
