/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The timeline's cost per frame at every trace size: 10 k to 100 M spans over
 * 16 lanes in a 1920×640 view, the whole trace and a 1 % window, with the
 * lane caches dropped before every frame. Needs a display: run under
 * xvfb-run. Prints `BENCH name value unit`; `bench-render SPANS…` measures
 * only the sizes given. */
#define G_LOG_DOMAIN "bench-render"

#include "config.h"

#include <time.h>
#include <gtk/gtk.h>

#include "weft-session.h"
#include "weft-timeline-view-private.h"

#define N_LANES     16
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
build_model (guint64 n_spans)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autofree WeftEvent *events = g_new (WeftEvent, BATCH);
  guint32 rng = 12345;
  guint per_lane = (guint) (n_spans / N_LANES);
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

/* "10k", "1m", "100m" */
static char *
size_name (guint64 n)
{
  if (n >= 1000000 && n % 1000000 == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "m", n / 1000000);
  if (n >= 1000 && n % 1000 == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "k", n / 1000);
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
}

/* Whole-trace frame CPU, then GTK's own cost to turn it into pixels (for
 * reference), then a 1 % window in the middle */
static void
measure_size (GtkWidget *window,
              guint64    n_spans)
{
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(WeftSession) session = weft_session_new ();
  g_autofree char *name = size_name (n_spans);
  WeftTimelineView *view;
  GskRenderNode *node = NULL;
  gint64 deadline, t_build = g_get_monotonic_time ();
  WeftRunStats stats;
  guint64 b, e, w;

  model = build_model (n_spans);
  weft_trace_model_get_run_stats (model, &stats);
  g_printerr ("bench-render: %" G_GUINT64_FORMAT " spans over %u lanes, built in %.1f s\n",
              stats.n_spans, stats.n_lanes, (g_get_monotonic_time () - t_build) / 1e6);

  weft_session_set_model (session, model);
  view = WEFT_TIMELINE_VIEW (weft_timeline_view_new (session));
  gtk_widget_set_size_request (GTK_WIDGET (view), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!is_ready (GTK_WIDGET (view)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  if (!is_ready (GTK_WIDGET (view)))
    g_error ("bench-render: the view was not mapped at %dx%d", WIDTH, HEIGHT);

  weft_session_zoom_to_fit (session);
  _weft_timeline_view_reset_spans_visited (view);
  g_print ("BENCH render_ms_per_frame_%s %.2f ms\n", name, measure_render (view, &node));
  g_print ("BENCH render_entries_per_frame_%s %" G_GUINT64_FORMAT " entries\n", name,
           _weft_timeline_view_get_spans_visited (view) / N_FRAMES);

  if (n_spans == G_GUINT64_CONSTANT (10000000))
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
      g_print ("BENCH present_ms_per_frame_%s %.2f ms\n", name, median (samples, N_FRAMES));
    }
  g_clear_pointer (&node, gsk_render_node_unref);

  b = weft_session_get_begin (session);
  e = weft_session_get_end (session);
  w = (e - b) / 100;
  weft_session_set_visible (session, b + (e - b) / 2, b + (e - b) / 2 + w);
  _weft_timeline_view_reset_spans_visited (view);
  g_print ("BENCH render_ms_per_frame_%s_1pct %.2f ms\n", name, measure_render (view, NULL));
  g_print ("BENCH render_entries_per_frame_%s_1pct %" G_GUINT64_FORMAT " entries\n", name,
           _weft_timeline_view_get_spans_visited (view) / N_FRAMES);

  gtk_window_set_child (GTK_WINDOW (window), NULL);
}

int
main (int   argc,
      char *argv[])
{
  static const guint64 sizes[] = { 10000, 100000, 1000000, 10000000, 100000000 };
  GtkWidget *window;

  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
  if (!gtk_init_check ())
    {
      g_printerr ("bench-render: cannot open a display (run under xvfb-run)\n");
      return 1;
    }

  window = gtk_window_new ();
  gtk_window_set_resizable (GTK_WINDOW (window), FALSE);
  gtk_window_present (GTK_WINDOW (window));
  if (argc > 1)
    for (int i = 1; i < argc; i++)
      measure_size (window, g_ascii_strtoull (argv[i], NULL, 10));
  else
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      measure_size (window, sizes[i]);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
