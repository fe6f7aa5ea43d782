/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "weft-chrome-reader-private.h"
#include "weft-foreign-trace-private.h"
#include "weft-trace-import.h"
#include "weft-trace-journal-private.h"

/*
 * Import is a read and then one of two builds. The Chrome-trace reader
 * (weft-chrome-reader.c) walks the JSON stream. A file Weft wrote carries
 * its model's journal (every call that built the model, in order): it is
 * replayed into a new model (weft-trace-journal.c), so the model comes back
 * exactly, by construction. Any other file's events go to the foreign-trace
 * builder (weft-foreign-trace.c). See docs/trace-format.md.
 */

static WeftTraceModel *
replay (GBytes                *journal,
        WeftChromeReader      *reader,
        WeftTraceImportStats  *stats,
        GError               **error)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GError) local = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (journal, &len);

  if (!_weft_trace_journal_replay (data, len, model, &local))
    {
      g_set_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_INVALID, "%s: %s",
                   _weft_chrome_reader_get_name (reader), local->message);
      return NULL;
    }
  stats->weft_format = TRUE;
  stats->n_lanes = weft_trace_model_get_n_lanes (model);
  return g_steal_pointer (&model);
}

/**
 * weft_trace_import_file:
 * @path: a Chrome Trace Event JSON file (object or array form)
 * @out_meta: (out) (optional) (transfer full): what the file says about the run
 * @out_stats: (out caller-allocates) (optional): what was read and skipped
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Reads a trace file as a stream (memory grows with the events kept, not
 * with the file's text) and builds a model from it: for a file Weft wrote,
 * the exported model itself, by replaying its journal; for other files,
 * lanes per (pid, tid), slices as RUNNING spans of tasks named like them,
 * counters, instants and flows. Events that cannot be used are skipped and
 * counted in @out_stats.
 *
 * Returns: (transfer full) (nullable): the model (finished, unless it was
 *   exported live), or %NULL with @error set (%WEFT_TRACE_ERROR with
 *   "FILE:LINE:COLUMN: message", or %G_IO_ERROR_CANCELLED)
 */
WeftTraceModel *
weft_trace_import_file (const char            *path,
                        WeftTraceMeta        **out_meta,
                        WeftTraceImportStats  *out_stats,
                        GCancellable          *cancellable,
                        GError               **error)
{
  WeftTraceImportStats stats = { 0 };
  g_autoptr(WeftChromeReader) reader = NULL;
  g_autoptr(WeftForeignTrace) foreign = NULL;
  g_autoptr(GBytes) journal = NULL;
  WeftTraceModel *model;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reader = _weft_chrome_reader_new (path, &stats, cancellable, error);
  if (reader == NULL)
    return NULL;
  foreign = _weft_foreign_trace_new (&stats);
  if (!_weft_chrome_reader_read (reader, _weft_foreign_trace_add, foreign, error))
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  journal = _weft_chrome_reader_steal_journal (reader);
  if (journal != NULL)
    model = replay (journal, reader, &stats, error);
  else
    model = _weft_foreign_trace_build (foreign, cancellable, error);
  if (model == NULL)
    return NULL;

  if (out_meta != NULL)
    *out_meta = _weft_chrome_reader_steal_meta (reader);
  if (out_stats != NULL)
    *out_stats = stats;
  return model;
}
