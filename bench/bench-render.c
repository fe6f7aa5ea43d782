/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The timeline's cost per frame on a big trace: 10,000,000 spans over 16
 * lanes in a 1920×640 view, with the lane caches dropped before every frame.
 * Needs a display: run under xvfb-run. Prints `BENCH name value unit`. */
#define G_LOG_DOMAIN "bench-render"

#include "config.h"

#include <time.h>
#include <gtk/gtk.h>

#include "weft-session.h"
#include "weft-timeline-view-private.h"

#define N_LANES     16
#define N_SPANS     10000000u
#define WIDTH       1920
#define HEIGHT      640
#define N_FRAMES    15
#define BATCH       (1u << 20)

static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof *v, (int (*) (const void *, const void *)) compare_double);
  return v[n / 2];
}

/* Spans start every µs on each lane, 200–900 ns long; one in eight waits
 * for a lock, one in 32 for the GIL, so merged columns mix states. */
static WeftTraceModel *
build_model (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autofree WeftEvent *events = g_new (WeftEvent, BATCH);
  guint32 rng = 12345;
  guint per_lane = N_SPANS / N_LANES;
  gsize n = 0;

  for (guint i = 0; i < per_lane; i++)
    for (guint16 lane = 0; lane < N_LANES; lane++)
      {
        guint64 t = G_GUINT64_CONSTANT (1000000000) + (guint64) i * 1000 + lane * 7;
        guint kind;
        guint64 dur;

        rng = rng * 1664525u + 1013904223u;
        dur = 200 + (rng >> 8) % 700;
        kind = (rng >> 20) % 32;
        events[n++] = (WeftEvent) {
          .time_ns = t, .worker = lane, .object = kind == 0 ? 2 : kind < 4 ? 1 : 100 + i % 50,
          .kind = kind == 0 ? WEFT_EVENT_GIL_WAIT : kind < 4 ? WEFT_EVENT_LOCK_WAIT : WEFT_EVENT_TASK_BEGIN,
        };
        events[n++] = (WeftEvent) {
          .time_ns = t + dur, .worker = lane, .object = kind == 0 ? 2 : kind < 4 ? 1 : 100 + i % 50,
          .kind = kind == 0 ? WEFT_EVENT_GIL_ACQUIRED : kind < 4 ? WEFT_EVENT_LOCK_ACQUIRED : WEFT_EVENT_TASK_END,
        };
        if (kind < 4)
          events[n++] = (WeftEvent) {
            .time_ns = t + dur, .worker = lane, .object = kind == 0 ? 2 : 1,
            .kind = kind == 0 ? WEFT_EVENT_GIL_RELEASED : WEFT_EVENT_LOCK_RELEASED,
          };
        if (n + 3 >= BATCH)
          {
            weft_trace_model_append (model, events, n);
            n = 0;
          }
      }
  weft_trace_model_append (model, events, n);
  weft_trace_model_finish (model, 0);
  return model;
}

static gboolean
is_ready (GtkWidget *widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) == WIDTH &&
         gtk_widget_get_height (widget) == HEIGHT;
}

/* CPU ms for the view to produce one frame (its snapshot vfunc), caches dropped */
static double
measure_render (WeftTimelineView *view, GskRenderNode **out_node)
{
  double samples[N_FRAMES];

  for (guint f = 0; f < N_FRAMES; f++)
    {
      GtkSnapshot *snapshot;
      GskRenderNode *node;
      double t0;

      _weft_timeline_view_invalidate (view);
      t0 = cpu_ms ();
      snapshot = gtk_snapshot_new ();
      GTK_WIDGET_GET_CLASS (view)->snapshot (GTK_WIDGET (view), snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      samples[f] = cpu_ms () - t0;
      if (out_node != NULL && f == N_FRAMES - 1)
        *out_node = node;
      else if (node != NULL)
        gsk_render_node_unref (node);
    }
  return median (samples, N_FRAMES);
}

int
main (int argc, char *argv[])
{
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(WeftSession) session = NULL;
  GtkWidget *window;
  WeftTimelineView *view;
  GskRenderNode *node = NULL;
  gint64 deadline, t_build;
  double render_all, render_1pct;
  WeftRunStats stats;

  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
  if (!gtk_init_check ())
    {
      g_printerr ("bench-render: cannot open a display (run under xvfb-run)\n");
      return 1;
    }

  t_build = g_get_monotonic_time ();
  model = build_model ();
  weft_trace_model_get_run_stats (model, &stats);
  g_printerr ("bench-render: %" G_GUINT64_FORMAT " spans over %u lanes, built in %.1f s\n",
              stats.n_spans, stats.n_lanes, (g_get_monotonic_time () - t_build) / 1e6);

  session = weft_session_new ();
  weft_session_set_model (session, model);
  window = gtk_window_new ();
  view = WEFT_TIMELINE_VIEW (weft_timeline_view_new (session));
  gtk_widget_set_size_request (GTK_WIDGET (view), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_set_resizable (GTK_WINDOW (window), FALSE);
  gtk_window_present (GTK_WINDOW (window));

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!is_ready (GTK_WIDGET (view)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  if (!is_ready (GTK_WIDGET (view)))
    {
      g_printerr ("bench-render: the view was not mapped at %dx%d\n", WIDTH, HEIGHT);
      return 1;
    }

  /* The whole trace */
  weft_session_zoom_to_fit (session);
  _weft_timeline_view_reset_spans_visited (view);
  render_all = measure_render (view, &node);
  g_print ("BENCH render_ms_per_frame %.2f ms\n", render_all);
  g_printerr ("bench-render: %" G_GUINT64_FORMAT " spans and summary entries read per whole-trace frame\n",
              _weft_timeline_view_get_spans_visited (view) / N_FRAMES);

  /* Turned into pixels by GTK's Cairo renderer, for reference */
  {
    GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
    double samples[N_FRAMES];

    for (guint f = 0; f < N_FRAMES; f++)
      {
        gint64 t0 = g_get_monotonic_time ();
        GdkTexture *texture = gsk_renderer_render_texture (renderer, node,
                                                           &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));

        samples[f] = (g_get_monotonic_time () - t0) / 1e3;
        g_object_unref (texture);
      }
    g_print ("BENCH present_ms_per_frame %.2f ms\n", median (samples, N_FRAMES));
  }
  gsk_render_node_unref (node);

  /* A 1 % window in the middle */
  {
    guint64 b = weft_session_get_begin (session), e = weft_session_get_end (session);
    guint64 w = (e - b) / 100;

    weft_session_set_visible (session, b + (e - b) / 2, b + (e - b) / 2 + w);
  }
  _weft_timeline_view_reset_spans_visited (view);
  render_1pct = measure_render (view, NULL);
  g_print ("BENCH render_ms_per_frame_1pct %.2f ms\n", render_1pct);
  g_printerr ("bench-render: %" G_GUINT64_FORMAT " spans and summary entries read per 1%% frame\n",
              _weft_timeline_view_get_spans_visited (view) / N_FRAMES);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
