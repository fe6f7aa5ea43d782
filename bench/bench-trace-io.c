/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "weft-trace-export.h"
#include "weft-trace-import.h"
#include "weft-trace-model-private.h"

/*
 * Export and import of a ~100 MB trace: 8 workers running tasks that take a
 * lock (sometimes contended), do I/O and put on a queue, with counters.
 * Prints export_mb_per_s, import_mb_per_s and import_peak_mem_ratio (peak
 * RSS growth during import / file size; the peak is reset before import)
 * and journal_bytes_per_event (the model's journal, which the file carries
 * and import replays, per event appended).
 */

static guint64
status_kb (const char *field)
{
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL) || (p = strstr (text, field)) == NULL)
    return 0;
  return g_ascii_strtoull (p + strlen (field) + 1, NULL, 10);
}

static WeftTraceModel *
make_model (guint tasks_per_worker)
{
  WeftTraceModel *model = weft_trace_model_new ();
  GArray *events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  const guint n_workers = 8;
  gint64 item = 1;

#define E(t_, w_, k_, o_, a0_, a1_) G_STMT_START { \
    WeftEvent e_ = { .time_ns = (t_), .arg0 = (a0_), .arg1 = (a1_), .object = (o_), .worker = (w_), .kind = (k_) }; \
    g_array_append_val (events, e_); } G_STMT_END

  weft_trace_model_declare_object (model, 1, WEFT_OBJECT_LOCK, 0);
  weft_trace_model_set_object_name (model, 1, "results lock");
  weft_trace_model_declare_object (model, 2, WEFT_OBJECT_QUEUE, 64);
  weft_trace_model_set_object_name (model, 2, "jobs");
  for (guint i = 0; i < tasks_per_worker; i++)
    {
      for (guint w = 0; w < n_workers; w++)
        {
          guint64 t = 1000000000ull + (guint64) i * 100000 + w * 7;

          E (t, w, WEFT_EVENT_TASK_BEGIN, 100 + i % 50, 0, 0);
          E (t + 1000, w, WEFT_EVENT_IO_BEGIN, 7, 0, 0);
          E (t + 21000, w, WEFT_EVENT_IO_END, 7, 4096, 0);
          E (t + 30000, w, WEFT_EVENT_LOCK_WAIT, 1, 0, 0);
          E (t + 31000 + w * 11, w, WEFT_EVENT_LOCK_ACQUIRED, 1, 0, 0);
          E (t + 40000, w, WEFT_EVENT_LOCK_RELEASED, 1, 0, 0);
          E (t + 41000, w, WEFT_EVENT_QUEUE_PUT_BEGIN, 2, 0, 0);
          E (t + 42000, w, WEFT_EVENT_QUEUE_PUT_END, 2, (gint64) (i % 64), item++);
          E (t + 43000, w, WEFT_EVENT_COUNTER, 3, (gint64) i, 0);
          E (t + 90000, w, WEFT_EVENT_TASK_END, 100 + i % 50, 0, 0);
        }
      if (events->len >= 65536)
        {
          weft_trace_model_append (model, (const WeftEvent *) (gpointer) events->data, events->len);
          g_array_set_size (events, 0);
        }
    }
  weft_trace_model_append (model, (const WeftEvent *) (gpointer) events->data, events->len);
  weft_trace_model_finish (model, 0);
  g_array_unref (events);
  return model;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-bench-trace-XXXXXX", &error);
  g_autofree char *path = NULL;
  WeftTraceModel *model;
  WeftTraceImportStats stats;
  GStatBuf st;
  double mb, t_export, t_import;
  guint64 base_kb, peak_kb;
  gint64 t0;
  guint tasks = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 6800;

  g_assert_no_error (error);
  path = g_build_filename (dir, "trace.json", NULL);

  model = make_model (tasks);
  {
    WeftRunStats run;
    gsize journal_len;

    weft_trace_model_get_run_stats (model, &run);
    _weft_trace_model_get_journal (model, &journal_len);
    printf ("BENCH journal_bytes_per_event %.2f bytes\n", (double) journal_len / (double) run.n_events);
  }
  t0 = g_get_monotonic_time ();
  if (!weft_trace_export_to_file (model, NULL, path, NULL, &error))
    g_error ("%s", error->message);
  t_export = (g_get_monotonic_time () - t0) / 1e6;
  g_stat (path, &st);
  mb = st.st_size / 1e6;
  g_object_unref (model);

  printf ("BENCH trace_file_mb %.1f MB\n", mb);
  printf ("BENCH export_mb_per_s %.0f MB/s\n", mb / t_export);

  /* Reset the peak RSS, so that VmHWM measures the import alone. */
  g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);
  base_kb = status_kb ("VmRSS:");
  t0 = g_get_monotonic_time ();
  model = weft_trace_import_file (path, NULL, &stats, NULL, &error);
  if (model == NULL)
    g_error ("%s", error->message);
  t_import = (g_get_monotonic_time () - t0) / 1e6;
  peak_kb = status_kb ("VmHWM:");

  printf ("BENCH import_mb_per_s %.0f MB/s\n", mb / t_import);
  printf ("BENCH import_peak_mem_ratio %.2f x\n", (peak_kb - base_kb) * 1024.0 / st.st_size);

  g_object_unref (model);
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
