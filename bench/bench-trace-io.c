/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "weft-trace-export.h"
#include "weft-trace-import.h"
#include "weft-trace-model-private.h"

#include "bench-weft-trace.h"

/*
 * Export and import of a ~100 MB trace: 8 workers running tasks that take a
 * lock (sometimes contended), do I/O and put on a queue, with counters.
 * Prints export_mb_per_s, export_peak_mem_ratio (peak RSS growth while the
 * model is written / file size), import_mb_per_s, import_peak_mem_ratio
 * (peak RSS growth during import / file size; the peak is reset before
 * each) and journal_bytes_per_event (the model's journal, which the file
 * carries and import replays, per event appended).
 *
 * Then a Chromium-shaped trace of the same size, written here as Chrome
 * writes one: 12 processes of 4-11 threads, metadata events naming them,
 * "X" slices with args next to nested "B"/"E" pairs, flows between
 * threads, counters and instants, integer and fractional µs. Prints
 * import_mb_per_s_chromium and import_peak_mem_ratio_chromium, after
 * checking that every event it wrote was used.
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

#define CHROMIUM_PROCESSES 12

static const char *chromium_names[] = {
  "ThreadControllerImpl::RunTask", "V8.Execute", "FunctionCall", "EvaluateScript",
  "ParseHTML", "Layout", "UpdateLayoutTree", "Paint", "CompositeLayers",
  "RasterTask", "ResourceDispatcher::OnReceivedData", "MessageLoop::RunTask",
  "SimpleWatcher::OnHandleReady", "Graphics.Pipeline", "TimerFire",
  "v8.compile", "V8.GCScavenger", "HitTest", "ScheduleStyleRecalculation",
  "ProxyMain::BeginMainFrame", "LayerTreeHostImpl::PrepareToDraw",
  "Scheduler::BeginFrame", "InputRouterImpl::FilterAndSendWebInputEvent",
};

static const char *chromium_threads[] = {
  "CrBrowserMain", "CrRendererMain", "Compositor", "ThreadPoolForegroundWorker",
  "Chrome_IOThread", "VizCompositorThread", "CompositorTileWorker1",
  "ThreadPoolBackgroundWorker", "Media", "DedicatedWorker thread", "StackSamplingProfiler",
};

typedef struct
{
  GString *out;
  FILE    *file;
  guint64  written;
  guint64  n_events;
} Chromium;

static void
chromium_flush (Chromium *c,
                gboolean  all)
{
  if (c->out->len >= (1u << 20) || (all && c->out->len > 0))
    {
      if (fwrite (c->out->str, 1, c->out->len, c->file) != c->out->len)
        g_error ("cannot write the Chromium-shaped trace");
      c->written += c->out->len;
      g_string_truncate (c->out, 0);
    }
}

static void
chromium_event (Chromium   *c,
                const char *fmt,
                ...) G_GNUC_PRINTF (2, 3);

static void
chromium_event (Chromium   *c,
                const char *fmt,
                ...)
{
  va_list args;

  g_string_append (c->out, c->n_events++ == 0 ? "\n" : ",\n");
  va_start (args, fmt);
  g_string_append_vprintf (c->out, fmt, args);
  va_end (args);
  chromium_flush (c, FALSE);
}

static guint
chromium_threads_of (guint p)
{
  return 4 + (p * 5) % 8;
}

static void
chromium_metadata (Chromium *c)
{
  for (guint p = 0; p < CHROMIUM_PROCESSES; p++)
    {
      guint pid = 31000 + p * 97;

      chromium_event (c, "{\"args\":{\"name\":\"%s\"},\"cat\":\"__metadata\",\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":0,\"ts\":0}",
                      p == 0 ? "Browser" : p < 3 ? "GPU Process" : "Renderer", pid);
      chromium_event (c, "{\"args\":{\"sort_index\":%u},\"cat\":\"__metadata\",\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":%u,\"tid\":0,\"ts\":0}",
                      p, pid);
      for (guint t = 0; t < chromium_threads_of (p); t++)
        {
          chromium_event (c, "{\"args\":{\"name\":\"%s\"},\"cat\":\"__metadata\",\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"ts\":0}",
                          chromium_threads[t], pid, pid + 1 + t * 13);
          chromium_event (c, "{\"args\":{\"sort_index\":%d},\"cat\":\"__metadata\",\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"ts\":0}",
                          (int) t - 1, pid, pid + 1 + t * 13);
        }
    }
}

/* One round on one thread: a task slice with a B/E pair and an X inside,
 * now and then a flow to the next thread, a counter, an instant. */
static void
chromium_round (Chromium *c,
                guint     p,
                guint     t,
                guint     round,
                guint64  *flow_id)
{
  guint pid = 31000 + p * 97, tid = pid + 1 + t * 13;
  guint64 ts = 2500000000ull + (guint64) round * 200 + p * 7 + t * 3;
  const char *outer = chromium_names[(round + t) % G_N_ELEMENTS (chromium_names)];
  const char *inner = chromium_names[(round * 7 + p) % G_N_ELEMENTS (chromium_names)];

  chromium_event (c, "{\"args\":{\"src_file\":\"../../base/task/sequence_manager/thread_controller_impl.cc\",\"src_func\":\"RunTask\"},\"cat\":\"toplevel\",\"dur\":150,\"name\":\"%s\",\"ph\":\"X\",\"pid\":%u,\"tdur\":141,\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT ",\"tts\":%u}",
                  outer, pid, tid, ts, round * 180 + 5);
  chromium_event (c, "{\"args\":{\"data\":{\"frame\":\"F%u\",\"url\":\"https://example.org/app.js\",\"lineNumber\":%u}},\"cat\":\"devtools.timeline\",\"name\":\"%s\",\"ph\":\"B\",\"pid\":%u,\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT ".%03u}",
                  p, round % 977, inner, pid, tid, ts + 10, round % 1000);
  chromium_event (c, "{\"args\":{\"bytes\":%u},\"cat\":\"v8\",\"dur\":40.5,\"name\":\"V8.GCScavenger\",\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT "}",
                  4096 + round % 65536, pid, tid, ts + 20);
  chromium_event (c, "{\"args\":{},\"cat\":\"devtools.timeline\",\"name\":\"%s\",\"ph\":\"E\",\"pid\":%u,\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT "}",
                  inner, pid, tid, ts + 100);
  if (round % 4 == t % 4)
    {
      guint next = (t + 1) % chromium_threads_of (p);

      (*flow_id)++;
      chromium_event (c, "{\"bind_id\":\"0x%" G_GINT64_MODIFIER "x\",\"cat\":\"disabled-by-default-toplevel.flow\",\"id\":\"0x%" G_GINT64_MODIFIER "x\",\"name\":\"ThreadPool_PostTask\",\"ph\":\"s\",\"pid\":%u,\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT "}",
                      *flow_id, *flow_id, pid, tid, ts + 30);
      chromium_event (c, "{\"bp\":\"e\",\"cat\":\"disabled-by-default-toplevel.flow\",\"id\":\"0x%" G_GINT64_MODIFIER "x\",\"name\":\"ThreadPool_PostTask\",\"ph\":\"f\",\"pid\":%u,\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT "}",
                      *flow_id, pid, pid + 1 + next * 13, ts + 160);
    }
  if (t == 0 && round % 2 == 0)
    chromium_event (c, "{\"args\":{\"jsHeapSizeUsed\":%u,\"nodes\":%u},\"cat\":\"disabled-by-default-devtools.timeline\",\"name\":\"UpdateCounters\",\"ph\":\"C\",\"pid\":%u,\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT "}",
                    1000000 + round * 13 % 500000, 200 + round % 300, pid, tid, ts + 5);
  if (round % 16 == t)
    chromium_event (c, "{\"args\":{\"data\":{\"type\":\"mousemove\"}},\"cat\":\"devtools.timeline\",\"name\":\"EventDispatch\",\"ph\":\"i\",\"pid\":%u,\"s\":\"t\",\"tid\":%u,\"ts\":%" G_GUINT64_FORMAT "}",
                    pid, tid, ts + 120);
}

/* Writes rounds until the file holds @target bytes; returns the number of
 * events written. */
static guint64
write_chromium (const char *path,
                guint64     target)
{
  Chromium c = { g_string_sized_new (1u << 21), fopen (path, "w"), 0, 0 };
  guint64 flow_id = 0;

  if (c.file == NULL)
    g_error ("cannot create %s", path);
  g_string_append (c.out, "{\"traceEvents\":[");
  chromium_metadata (&c);
  for (guint round = 0; c.written + c.out->len < target; round++)
    for (guint p = 0; p < CHROMIUM_PROCESSES; p++)
      for (guint t = 0; t < chromium_threads_of (p); t++)
        chromium_round (&c, p, t, round, &flow_id);
  g_string_append (c.out, "\n],\n\"metadata\":{\"command_line\":\"chrome --enable-tracing\",\"trace-config\":\"\"}}\n");
  chromium_flush (&c, TRUE);
  fclose (c.file);
  g_string_free (c.out, TRUE);
  return c.n_events;
}

/* Imports @path with the peak RSS reset first; prints the speed and the
 * peak memory growth per byte of the file under @suffix. */
static WeftTraceModel *
bench_import (const char           *path,
              const char           *suffix,
              WeftTraceImportStats *stats)
{
  g_autoptr(GError) error = NULL;
  WeftTraceModel *model;
  GStatBuf st;
  guint64 base_kb, peak_kb;
  gint64 t0;
  double t;

  g_stat (path, &st);
  /* Reset the peak RSS, so that VmHWM measures the import alone. */
  g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);
  base_kb = status_kb ("VmRSS:");
  t0 = g_get_monotonic_time ();
  model = weft_trace_import_file (path, NULL, stats, NULL, &error);
  if (model == NULL)
    g_error ("%s", error->message);
  t = (g_get_monotonic_time () - t0) / 1e6;
  peak_kb = status_kb ("VmHWM:");

  printf ("BENCH import_mb_per_s%s %.0f MB/s\n", suffix, st.st_size / 1e6 / t);
  printf ("BENCH import_peak_mem_ratio%s %.2f x\n", suffix, (peak_kb - base_kb) * 1024.0 / st.st_size);
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
  double mb, t_export;
  guint64 base_kb, peak_kb;
  gint64 t0;
  guint tasks = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 6800;
  /* "weft" or "chromium" as a second argument: only that import (to
   * profile one of them). */
  const char *only = argc > 2 ? argv[2] : "";

  g_assert_no_error (error);
  path = g_build_filename (dir, "trace.json", NULL);

  model = bench_make_weft_model (tasks);
  {
    WeftRunStats run;
    guint64 journal_len;

    weft_trace_model_get_run_stats (model, &run);
    _weft_trace_model_get_journal_length (model, &journal_len);
    printf ("BENCH journal_bytes_per_event %.2f bytes\n", (double) journal_len / (double) run.n_events);
  }
  g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);
  base_kb = status_kb ("VmRSS:");
  t0 = g_get_monotonic_time ();
  if (!weft_trace_export_to_file (model, NULL, path, NULL, &error))
    g_error ("%s", error->message);
  t_export = (g_get_monotonic_time () - t0) / 1e6;
  peak_kb = status_kb ("VmHWM:");
  g_stat (path, &st);
  mb = st.st_size / 1e6;
  g_object_unref (model);

  printf ("BENCH trace_file_mb %.1f MB\n", mb);
  printf ("BENCH export_mb_per_s %.0f MB/s\n", mb / t_export);
  printf ("BENCH export_peak_mem_ratio %.3f x\n", (peak_kb - base_kb) * 1024.0 / st.st_size);

  if (!g_str_equal (only, "chromium"))
    {
      model = bench_import (path, "", &stats);
      g_object_unref (model);
    }
  g_unlink (path);

  if (!g_str_equal (only, "weft"))
    {
      guint64 n_written = write_chromium (path, (guint64) st.st_size);

      model = bench_import (path, "_chromium", &stats);
      /* Every event must have been used (metadata names, slices, flows,
       * counters, instants), on a lane per thread. */
      if (stats.n_trace_events != n_written || stats.n_used != n_written || stats.weft_format ||
          (st.st_size >= (32 << 20) && !stats.split))
        g_error ("the Chromium-shaped trace: %" G_GUINT64_FORMAT " events written, %" G_GUINT64_FORMAT
                 " read, %" G_GUINT64_FORMAT " used%s", n_written, stats.n_trace_events, stats.n_used,
                 stats.split ? "" : ", not read in two halves");
      g_stat (path, &st);
      printf ("BENCH chromium_trace_mb %.1f MB\n", st.st_size / 1e6);
      g_object_unref (model);
      g_unlink (path);
    }
  g_rmdir (dir);
  return 0;
}
