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

/* The journal of a file Weft wrote comes before its events: it is
 * replayed on a thread of its own while the reader passes over the events
 * (which it still checks), so the two take the machine's two cores. */
#define REPLAY_THREAD_MIN_BYTES (1u << 20)

typedef struct
{
  GBytes         *journal;
  GThread        *thread;
  WeftTraceModel *model;
  GError         *error;
} Replay;

static gpointer
replay_thread (gpointer data)
{
  Replay *rp = data;
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  gsize len;
  const guint8 *bytes = g_bytes_get_data (rp->journal, &len);

  if (_weft_trace_journal_replay (bytes, len, model, &rp->error))
    rp->model = g_steal_pointer (&model);
  return NULL;
}

static void
replay_join (Replay *rp)
{
  if (rp->thread != NULL)
    g_thread_join (g_steal_pointer (&rp->thread));
}

static void
replay_clear (Replay *rp)
{
  replay_join (rp);
  g_clear_pointer (&rp->journal, g_bytes_unref);
  g_clear_object (&rp->model);
  g_clear_error (&rp->error);
}

static void
replay_start (GBytes   *journal,
              gpointer  user_data)
{
  Replay *rp = user_data;

  if (rp->journal == journal)
    return;
  replay_clear (rp);
  rp->journal = g_bytes_ref (journal);
  /* A small journal is replayed at the end, on this thread: a thread of its
   * own would cost more than it saves (on a loaded machine, the wait for it
   * to be scheduled). */
  if (g_bytes_get_size (journal) >= REPLAY_THREAD_MIN_BYTES)
    rp->thread = g_thread_try_new ("weft-replay", replay_thread, rp, NULL);
}

/* The model of the journal the reader ended with (the last "weft" member). */
static WeftTraceModel *
replay_finish (Replay                *rp,
               GBytes                *journal,
               WeftChromeReader      *reader,
               WeftTraceImportStats  *stats,
               GError               **error)
{
  replay_start (journal, rp);
  replay_join (rp);
  if (rp->model == NULL && rp->error == NULL)
    replay_thread (rp);       /* not started, or no thread to be had */
  if (rp->model == NULL)
    {
      g_set_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_INVALID, "%s: %s",
                   _weft_chrome_reader_get_name (reader), rp->error->message);
      return NULL;
    }
  stats->weft_format = TRUE;
  stats->n_lanes = weft_trace_model_get_n_lanes (rp->model);
  return g_steal_pointer (&rp->model);
}

/* The second half of a big foreign trace's events goes to a builder of
 * its own (weft-chrome-reader.c reads it on another thread). */
static gpointer
part_new (WeftTraceImportStats *stats,
          gpointer              user_data)
{
  return _weft_foreign_trace_new (stats);
}

static gboolean
part_merge (gpointer part,
            gpointer user_data)
{
  return _weft_foreign_trace_merge (user_data, part);
}

static void
part_free (gpointer part)
{
  _weft_foreign_trace_free (part);
}

static const WeftChromeSplitFuncs split_funcs = { part_new, part_merge, part_free };

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
  Replay rp = { 0 };

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reader = _weft_chrome_reader_new (path, &stats, cancellable, error);
  if (reader == NULL)
    return NULL;
  foreign = _weft_foreign_trace_new (&stats);
  _weft_chrome_reader_set_journal_func (reader, replay_start, &rp);
  _weft_chrome_reader_set_split_funcs (reader, &split_funcs, foreign);
  if (!_weft_chrome_reader_read (reader, _weft_foreign_trace_add, foreign, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      replay_clear (&rp);
      return NULL;
    }

  journal = _weft_chrome_reader_steal_journal (reader);
  if (journal != NULL)
    model = replay_finish (&rp, journal, reader, &stats, error);
  else
    model = _weft_foreign_trace_build (foreign, cancellable, error);
  replay_clear (&rp);
  if (model == NULL)
    return NULL;

  if (out_meta != NULL)
    *out_meta = _weft_chrome_reader_steal_meta (reader);
  if (out_stats != NULL)
    *out_stats = stats;
  return model;
}
