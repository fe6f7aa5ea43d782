/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The timeline's analysis parts drawn to pixels and driven as a user would:
 * the overview strip. Needs a display (run under xvfb-run). */
#define G_LOG_DOMAIN "test-analysis"

#include "config.h"

#include <math.h>

#include <adwaita.h>

#include "weft-session.h"
#include "weft-state-style.h"
#include "weft-range-details.h"
#include "weft-range-stats.h"
#include "weft-search-bar.h"
#include "weft-search-highlight.h"
#include "weft-window.h"
#include "weft-time-format.h"
#include "weft-time-ruler.h"
#include "weft-timeline-overview.h"
#include "weft-timeline-rows.h"
#include "weft-timeline-view-private.h"
#include "weft-test-render.h"

#define MS    G_GUINT64_CONSTANT (1000000)
#define BASE  (1000 * MS)
#define LOCK  10
#define QUEUE 20

/* Three lanes over 0–100 ms:
 *   worker 0: running 0–100 (a zero-length put at 48)
 *   worker 1: idle 0–20, waits for a lock 20–60, holds it 60–90
 *   worker 2: blocked on a queue get 10–50, running 50–80, idle after */
static WeftTraceModel *
small_model (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));

  for (guint16 w = 0; w < 3; w++)
    ev (e, 0, w, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 4242);
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, LOCK, WEFT_OBJECT_LOCK, 0);
  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, QUEUE, WEFT_OBJECT_QUEUE, 8);
  name_object (e, 0, LOCK, "state_lock");
  name_object (e, 0, QUEUE, "jobs");
  name_object (e, 0, 99, "checkpoint");
  ev (e, BASE + 0, 0, WEFT_EVENT_TASK_BEGIN, 1, 0, 0);
  ev (e, BASE + 10 * MS, 2, WEFT_EVENT_QUEUE_GET_BEGIN, QUEUE, 0, 0);
  ev (e, BASE + 30 * MS, 0, WEFT_EVENT_INSTANT, 99, 42, 7);
  ev (e, BASE + 20 * MS, 1, WEFT_EVENT_LOCK_WAIT, LOCK, 0, 0);
  ev (e, BASE + 48 * MS, 0, WEFT_EVENT_QUEUE_PUT_BEGIN, QUEUE, 0, 0);
  ev (e, BASE + 48 * MS, 0, WEFT_EVENT_QUEUE_PUT_END, QUEUE, 1, 7);
  ev (e, BASE + 50 * MS, 2, WEFT_EVENT_QUEUE_GET_END, QUEUE, 0, 7);
  ev (e, BASE + 50 * MS, 2, WEFT_EVENT_TASK_BEGIN, 2, 0, 0);
  ev (e, BASE + 60 * MS, 1, WEFT_EVENT_LOCK_ACQUIRED, LOCK, 0, 0);
  ev (e, BASE + 80 * MS, 2, WEFT_EVENT_TASK_END, 2, WEFT_TASK_OK, 0);
  ev (e, BASE + 90 * MS, 1, WEFT_EVENT_LOCK_RELEASED, LOCK, 0, 0);
  ev (e, BASE + 100 * MS, 0, WEFT_EVENT_TASK_END, 1, WEFT_TASK_OK, 0);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, BASE + 100 * MS);
  return model;
}

static int
compare_events (gconstpointer a, gconstpointer b)
{
  const WeftEvent *ea = a, *eb = b;

  return ea->time_ns < eb->time_ns ? -1 : ea->time_ns > eb->time_ns;
}

/* Many short tasks on @n_lanes lanes, each with a lock wait and hold inside,
 * so that the lanes' summaries, not their spans, answer a whole-run column. */
static WeftTraceModel *
busy_model (guint n_lanes, guint n_tasks, guint32 seed)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  GRand *rand = g_rand_new_with_seed (seed);

  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, LOCK, WEFT_OBJECT_LOCK, 0);
  for (guint16 w = 0; w < n_lanes; w++)
    {
      guint64 t = BASE + g_rand_int_range (rand, 0, 1000);

      ev (e, 0, w, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_THREADS, 4242);
      for (guint i = 0; i < n_tasks; i++)
        {
          ev (e, t, w, WEFT_EVENT_TASK_BEGIN, i + 1, 0, 0);
          t += g_rand_int_range (rand, 100, 5000);
          ev (e, t, w, WEFT_EVENT_LOCK_WAIT, LOCK, 0, 0);
          t += g_rand_int_range (rand, 0, 8000);
          ev (e, t, w, WEFT_EVENT_LOCK_ACQUIRED, LOCK, 0, 0);
          t += g_rand_int_range (rand, 100, 3000);
          ev (e, t, w, WEFT_EVENT_LOCK_RELEASED, LOCK, 0, 0);
          t += g_rand_int_range (rand, 0, 2000);
          ev (e, t, w, WEFT_EVENT_TASK_END, i + 1, WEFT_TASK_OK, 0);
          t += g_rand_int_range (rand, 0, 4000);
        }
    }
  /* The model takes each worker's events in time order; sort them all */
  g_array_sort (e, compare_events);   /* stable: a worker's order stays */
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, 0);
  g_rand_free (rand);
  return model;
}

/* ---- the overview strip --------------------------------------------------- */

/* A lane's time in waits inside [a, b), from its spans one by one */
static double
wait_ns_in (WeftTraceModel *model, double a, double b)
{
  double sum = 0;

  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);

      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        for (guint j = 0; j < weft_lane_get_n_spans (lane, d); j++)
          {
            WeftSpan s;

            g_assert_true (weft_lane_get_span (lane, d, j, &s));
            if (weft_state_is_wait (s.state))
              sum += MAX (0, MIN ((double) s.end_ns, b) - MAX ((double) s.start_ns, a));
          }
    }
  return sum;
}

/* Lane time on a CPU over the run, from the model's own statistics */
static double
on_cpu_ns (WeftTraceModel *model)
{
  double sum = 0;

  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLaneStats st;

      g_assert_true (weft_trace_model_get_lane_stats (model, weft_lane_get_worker (weft_trace_model_get_lane (model, i)), &st));
      for (guint s = 0; s < WEFT_N_STATES; s++)
        if (weft_state_is_on_cpu (s))
          sum += (double) st.state_ns[s];
    }
  return sum;
}

static void
check_columns (WeftTraceModel *model, guint n_columns, double column_tolerance)
{
  WeftRunStats rs;
  g_autofree WeftOverviewColumn *cols = g_new (WeftOverviewColumn, n_columns);
  double w, par = 0, waits = 0;

  weft_trace_model_get_run_stats (model, &rs);
  weft_timeline_overview_compute_columns (model, rs.first_ns, rs.last_ns, n_columns, cols);
  w = (double) rs.wall_ns / n_columns;
  for (guint k = 0; k < n_columns; k++)
    {
      double want = wait_ns_in (model, rs.first_ns + k * w, rs.first_ns + (k + 1) * w);
      double by_state = 0;

      g_assert_cmpfloat (cols[k].parallelism, >=, 0);
      g_assert_cmpfloat (cols[k].parallelism, <=, weft_trace_model_get_n_lanes (model) + 1e-9);
      g_assert_cmpfloat (fabs (cols[k].wait_ns - want), <=, (column_tolerance + 1e-6) * w + 1);   /* float columns */
      for (guint s = 0; s < WEFT_N_STATES; s++)
        by_state += cols[k].state_ns[s];
      g_assert_cmpfloat (fabs (by_state - cols[k].wait_ns), <=, 1e-6 * w + 1);
      par += cols[k].parallelism * w;
      waits += cols[k].wait_ns;
    }
  /* Over the whole run: the lanes' time on a CPU, and every wait, exactly */
  g_assert_cmpfloat (fabs (par - on_cpu_ns (model)), <=, 1e-6 * rs.wall_ns + 1);
  g_assert_cmpfloat (fabs (waits - wait_ns_in (model, rs.first_ns, rs.last_ns)), <=, 1e-4 * waits + 1);
}

static void
test_overview_columns (void)
{
  g_autoptr(WeftTraceModel) small = small_model ();
  g_autoptr(WeftTraceModel) busy = busy_model (4, 20000, 7);
  WeftOverviewColumn cols[10];

  /* The small run by hand: column k is [10k, 10k + 10) ms */
  weft_timeline_overview_compute_columns (small, BASE, BASE + 100 * MS, 10, cols);
  g_assert_cmpfloat (fabs (cols[0].parallelism - 1), <, 1e-9);
  g_assert_cmpfloat (fabs (cols[5].parallelism - 2), <, 1e-9);
  g_assert_cmpfloat (fabs (cols[6].parallelism - 3), <, 1e-9);
  g_assert_cmpfloat (fabs (cols[8].parallelism - 2), <, 1e-9);
  g_assert_cmpfloat (fabs (cols[3].wait_ns - 20 * MS), <, 1);
  g_assert_cmpfloat (fabs (cols[5].wait_ns - 10 * MS), <, 1);
  g_assert_cmpfloat (cols[7].wait_ns, ==, 0);
  check_columns (small, 10, 0);
  check_columns (small, 333, 0);

  /* 80,000 tasks: read through the summaries, each column within a tenth
   * of a column's lane time of the spans' own sum, the whole run exact */
  g_assert_cmpuint (weft_trace_model_get_n_lanes (busy), ==, 4);
  check_columns (busy, 200, 4 * 0.1);
  check_columns (busy, 1000, 4 * 0.1);
}

typedef struct
{
  GtkWidget            *window;
  WeftTimelineOverview *overview;
  WeftSession          *session;
} OverviewFixture;

#define INSET 100
#define STRIP 500

static void
overview_setup (OverviewFixture *f, WeftTraceModel *model)
{
  f->session = weft_session_new ();
  weft_session_set_model (f->session, model);
  f->window = gtk_window_new ();
  gtk_window_set_resizable (GTK_WINDOW (f->window), FALSE);
  f->overview = WEFT_TIMELINE_OVERVIEW (weft_timeline_overview_new (f->session));
  weft_timeline_overview_set_inset (f->overview, INSET);
  gtk_widget_set_size_request (GTK_WIDGET (f->overview), INSET + STRIP, 36);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->overview));
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (wait_for (weft_test_widget_is_ready, f->overview, 5000));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->overview)), ==, INSET + STRIP);
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Destroys a window and waits until it is gone */
static void
destroy_window (gpointer window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for (is_null, &weak, 5000));
}

static void
overview_teardown (OverviewFixture *f)
{
  destroy_window (f->window);
  g_clear_object (&f->session);
}

/* x of a time on the strip, the middle of its pixel column */
static double
strip_x (guint64 t)
{
  return INSET + (double) (t - BASE) * STRIP / (100 * MS);
}

static void
test_overview_pixels (void)
{
  g_autoptr(WeftTraceModel) model = small_model ();
  OverviewFixture f;
  g_autofree guchar *pixels = NULL;
  GdkRGBA run, wait, get, bg;
  int w, h;
  gsize stride;

  overview_setup (&f, model);
  weft_state_style_get_color (WEFT_STATE_QUEUE_GET, FALSE, &get);
  weft_state_style_get_color (WEFT_STATE_RUNNING, FALSE, &run);
  weft_state_style_get_color (WEFT_STATE_LOCK_WAIT, FALSE, &wait);
  weft_state_style_get_background (FALSE, &bg);
  pixels = weft_test_render (GTK_WIDGET (f.overview), "overview", &w, &h, &stride);

  /* 35 ms: one lane of three on a CPU, one waiting for the lock, one for
   * the queue; from the bottom, each a third */
  g_assert_cmpfloat (weft_test_colour_distance (pixels, stride, strip_x (BASE + 35 * MS), h - 4, &run), <=, 3);
  g_assert_cmpfloat (weft_test_colour_distance (pixels, stride, strip_x (BASE + 35 * MS), h / 2, &wait), <=, 3);
  g_assert_cmpfloat (weft_test_colour_distance (pixels, stride, strip_x (BASE + 35 * MS), 3, &get), <=, 3);
  /* 5 ms: one on a CPU, nothing waits: the top two thirds are empty */
  g_assert_cmpfloat (weft_test_colour_distance (pixels, stride, strip_x (BASE + 5 * MS), h - 4, &run), <=, 3);
  g_assert_cmpfloat (weft_test_colour_distance (pixels, stride, strip_x (BASE + 5 * MS), h / 3, &bg), <=, 3);
  /* 65 ms: all three on a CPU, to the top */
  g_assert_cmpfloat (weft_test_colour_distance (pixels, stride, strip_x (BASE + 65 * MS), 3, &run), <=, 3);
  /* the label column stays empty */
  g_assert_cmpfloat (weft_test_colour_distance (pixels, stride, INSET / 2, h - 4, &bg), <=, 3);
  g_clear_pointer (&pixels, g_free);

  /* Zoomed in on 60–80 ms: outside the window is dimmed, inside is not */
  weft_session_set_visible (f.session, BASE + 60 * MS, BASE + 80 * MS);
  pixels = weft_test_render (GTK_WIDGET (f.overview), "overview-window", &w, &h, &stride);
  g_assert_cmpfloat (weft_test_colour_distance (pixels, stride, strip_x (BASE + 70 * MS), 3, &run), <=, 3);
  g_assert_cmpfloat (weft_test_colour_distance (pixels, stride, strip_x (BASE + 90 * MS) , h - 4, &run), >, 20);
  g_assert_cmpfloat (weft_test_colour_distance (pixels, stride, strip_x (BASE + 20 * MS) , h - 4, &run), >, 20);

  overview_teardown (&f);
}

static void
test_overview_drag (void)
{
  g_autoptr(WeftTraceModel) model = small_model ();
  OverviewFixture f;

  overview_setup (&f, model);

  /* Dragging the window 50 px of a 500 px strip over a 100 ms run: 10 ms */
  weft_session_set_visible (f.session, BASE + 10 * MS, BASE + 20 * MS);
  weft_timeline_overview_drag (f.overview, strip_x (BASE + 15 * MS), 50);
  g_assert_cmpuint (weft_session_get_visible_begin (f.session), ==, BASE + 20 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (f.session), ==, BASE + 30 * MS);
  /* Back by 25 px: 5 ms; and past the run's start it stops there */
  weft_timeline_overview_drag (f.overview, strip_x (BASE + 25 * MS), -25);
  g_assert_cmpuint (weft_session_get_visible_begin (f.session), ==, BASE + 15 * MS);
  weft_timeline_overview_drag (f.overview, strip_x (BASE + 20 * MS), -400);
  g_assert_cmpuint (weft_session_get_visible_begin (f.session), ==, BASE);
  g_assert_cmpuint (weft_session_get_visible_end (f.session), ==, BASE + 10 * MS);

  /* Drawing 40–70 ms outside the window zooms to it */
  weft_timeline_overview_drag (f.overview, strip_x (BASE + 70 * MS), strip_x (BASE + 40 * MS) - strip_x (BASE + 70 * MS));
  g_assert_cmpuint (weft_session_get_visible_begin (f.session), ==, BASE + 40 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (f.session), ==, BASE + 70 * MS);

  /* A click outside the window centres it there, keeping its width */
  weft_timeline_overview_drag (f.overview, strip_x (BASE + 20 * MS), 1);
  g_assert_cmpuint (weft_session_get_visible_begin (f.session), ==, BASE + 5 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (f.session), ==, BASE + 35 * MS);

  overview_teardown (&f);
}

/* ---- range statistics and the selected span ------------------------------ */

typedef struct
{
  GtkWidget        *window;
  WeftSession      *session;
  WeftTimelineView *view;
  WeftTimeRuler    *ruler;
  WeftRangeDetails *details;
} DetailsFixture;

static void
details_setup (DetailsFixture *f, WeftTraceModel *model)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  f->session = weft_session_new ();
  weft_session_set_model (f->session, model);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 600);
  f->view = WEFT_TIMELINE_VIEW (weft_timeline_view_new (f->session));
  f->ruler = WEFT_TIME_RULER (weft_time_ruler_new (f->session));
  weft_time_ruler_set_inset (f->ruler, weft_timeline_view_get_label_width (f->view));
  gtk_widget_set_size_request (GTK_WIDGET (f->view), 900, 200);
  f->details = WEFT_RANGE_DETAILS (weft_range_details_new (f->view));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->ruler));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->view));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->details));
  gtk_window_set_child (GTK_WINDOW (f->window), box);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (wait_for (weft_test_widget_is_ready, f->view, 5000));
}

static void
details_teardown (DetailsFixture *f)
{
  destroy_window (f->window);
  g_clear_object (&f->session);
}

/* The column of the states table headed by @state's label, or -1 */
static int
state_column (WeftRangeDetails *details, WeftState state)
{
  for (int c = 1; c <= WEFT_N_STATES; c++)
    if (g_strcmp0 (weft_range_details_get_cell (details, "states", 0, c), weft_state_style_get_label (state)) == 0)
      return c;
  return -1;
}

static char *
share_text (guint64 ns, guint64 of)
{
  g_autofree char *d = weft_time_format_duration (ns);

  double share = 100.0 * ns / of;

  if (ns == 0)
    return g_strdup ("–");
  if (share < 0.05)
    return g_strdup_printf ("%s · < 0.1 %%", d);
  return g_strdup_printf (share < 9.95 ? "%s · %.1f %%" : "%s · %.0f %%", d, share);
}

static gboolean
details_have_table (gpointer data)
{
  return weft_range_details_get_cell (data, "states", 0, 0) != NULL;
}

static void
test_range_table (void)
{
  g_autoptr(WeftTraceModel) model = small_model ();
  DetailsFixture f;
  WeftRunStats rs;

  details_setup (&f, model);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f.details)));

  /* A range being drawn is counted once it rests, not at every motion */
  weft_session_set_selection (f.session, BASE + 10 * MS, BASE + 20 * MS);
  g_assert_null (weft_range_details_get_cell (f.details, "states", 0, 0));
  g_assert_true (wait_for (details_have_table, f.details, 5000));

  /* 30–50 ms: producer runs 20 ms, locker waits 20, consumer blocks 20 */
  weft_session_set_selection (f.session, BASE + 30 * MS, BASE + 50 * MS);
  weft_range_details_update (f.details);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f.details)));
  g_assert_cmpint (state_column (f.details, WEFT_STATE_IDLE), ==, -1);
  g_assert_cmpint (state_column (f.details, WEFT_STATE_LOCK_HELD), ==, -1);
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "states", 1, state_column (f.details, WEFT_STATE_RUNNING)), ==, "20.000 ms · 100 %");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "states", 2, state_column (f.details, WEFT_STATE_LOCK_WAIT)), ==, "20.000 ms · 100 %");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "states", 3, state_column (f.details, WEFT_STATE_QUEUE_GET)), ==, "20.000 ms · 100 %");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "states", 4, 0), ==, "All lanes");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "states", 4, state_column (f.details, WEFT_STATE_RUNNING)), ==, "20.000 ms · 33 %");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "locks", 1, 0), ==, "state_lock");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "locks", 1, 1), ==, "1");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "locks", 1, 2), ==, "20.000 ms");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "locks", 1, 4), ==, "0");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "locks", 1, 5), ==, "–");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "queues", 1, 0), ==, "jobs");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "queues", 1, 1), ==, "1");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "queues", 1, 4), ==, "20.000 ms");

  /* The whole run: every lane's cells are the model's own lane figures */
  weft_trace_model_get_run_stats (model, &rs);
  weft_session_set_selection (f.session, rs.first_ns, rs.last_ns);
  weft_range_details_update (f.details);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLaneStats ls;

      g_assert_true (weft_trace_model_get_lane_stats (model, weft_lane_get_worker (weft_trace_model_get_lane (model, i)), &ls));
      for (guint s = 0; s < WEFT_N_STATES; s++)
        {
          int c = state_column (f.details, s);
          g_autofree char *want = share_text (ls.state_ns[s], rs.wall_ns);

          if (c < 0)
            continue;
          g_assert_cmpstr (weft_range_details_get_cell (f.details, "states", i + 1, c), ==, want);
        }
    }
  /* the lock's one acquisition ended a wait */
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "locks", 1, 4), ==, "1");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "locks", 1, 5), ==, "100 %");

  weft_session_clear_selection (f.session);
  weft_range_details_update (f.details);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f.details)));
  details_teardown (&f);
}

static void
test_ruler_selection (void)
{
  g_autoptr(WeftTraceModel) model = small_model ();
  DetailsFixture f;
  g_autofree guchar *before = NULL;
  g_autofree guchar *after = NULL;
  int w, h;
  gsize stride;
  double x;
  guint changed = 0;

  details_setup (&f, model);
  before = weft_test_render (GTK_WIDGET (f.ruler), "ruler", &w, &h, &stride);
  weft_session_set_selection (f.session, BASE + 20 * MS, BASE + 60 * MS);
  weft_range_details_update (f.details);
  after = weft_test_render (GTK_WIDGET (f.ruler), "ruler-selection", &w, &h, &stride);
  /* The band covers 20–60 ms; outside it the ruler is unchanged */
  x = weft_timeline_view_time_to_x (f.view, BASE + 30 * MS);
  for (int y = 0; y < h; y++)
    changed += memcmp (before + y * stride + (int) x * 4, after + y * stride + (int) x * 4, 4) != 0;
  g_assert_cmpuint (changed, >=, (guint) h / 2);
  x = weft_timeline_view_time_to_x (f.view, BASE + 80 * MS);
  for (int y = 0; y < h; y++)
    g_assert_cmpmem (before + y * stride + (int) x * 4, 4, after + y * stride + (int) x * 4, 4);
  details_teardown (&f);
}

/* w0 holds the lock 0–10 ms; w1 waits for it 5–10 and holds it 10–20 */
static WeftTraceModel *
handoff_model (void)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));

  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, LOCK, WEFT_OBJECT_LOCK, 0);
  name_object (e, 0, LOCK, "state_lock");
  name_object (e, 0, WEFT_OBJECT_SELF, "holder");
  name_object (e, 1, WEFT_OBJECT_SELF, "waiter");
  ev (e, BASE, 0, WEFT_EVENT_LOCK_ACQUIRED, LOCK, 0, 0);
  ev (e, BASE + 5 * MS, 1, WEFT_EVENT_LOCK_WAIT, LOCK, 0, 0);
  ev (e, BASE + 10 * MS, 0, WEFT_EVENT_LOCK_RELEASED, LOCK, 0, 0);
  ev (e, BASE + 10 * MS, 1, WEFT_EVENT_LOCK_ACQUIRED, LOCK, 0, 0);
  ev (e, BASE + 20 * MS, 1, WEFT_EVENT_LOCK_RELEASED, LOCK, 0, 0);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_trace_model_finish (model, 0);
  return model;
}

static void
test_span_links (void)
{
  g_autoptr(WeftTraceModel) model = handoff_model ();
  DetailsFixture f;
  guint worker, depth, index;

  details_setup (&f, model);
  /* The waiter's wait: woken by the holder's release at 10 ms */
  weft_session_select_span (f.session, 1, 0, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f.details)));
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "links", 1, 0), ==, "Woken by");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "links", 1, 1), ==, "holder");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "links", 1, 2), ==, "Holding a lock · state_lock");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "links", 1, 3), ==, "10.000 ms");
  g_assert_null (weft_range_details_get_cell (f.details, "links", 2, 0));

  /* Go to: the holder's hold is selected and in view */
  weft_session_set_visible (f.session, BASE + 15 * MS, BASE + 20 * MS);
  weft_range_details_go_to (f.details, 1);
  g_assert_true (weft_session_get_selected_span (f.session, &worker, &depth, &index));
  g_assert_cmpuint (worker, ==, 0);
  g_assert_cmpuint (depth, ==, 0);
  g_assert_cmpuint (index, ==, 0);
  g_assert_cmpuint (weft_session_get_visible_begin (f.session), <=, BASE);
  g_assert_cmpuint (weft_session_get_visible_end (f.session), >=, BASE + 10 * MS);
  /* whose flow goes out to the waiter's hold */
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "links", 1, 0), ==, "Flow out to");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "links", 1, 1), ==, "waiter");
  details_teardown (&f);
}

/* ---- search --------------------------------------------------------------- */

static WeftTraceModel *handoff_model (void);

/* Spans of the model that @want says match, counted one by one */
static guint
count_spans (WeftTraceModel *model, gboolean (*want) (const WeftSpan *s))
{
  guint n = 0;

  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);

      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        for (guint j = 0; j < weft_lane_get_n_spans (lane, d); j++)
          {
            WeftSpan s;

            g_assert_true (weft_lane_get_span (lane, d, j, &s));
            n += want (&s);
          }
    }
  return n;
}

static gboolean
is_lock_wait (const WeftSpan *s)
{
  return s->state == WEFT_STATE_LOCK_WAIT;
}

static gboolean
is_lock_state (const WeftSpan *s)
{
  return s->state == WEFT_STATE_LOCK_WAIT || s->state == WEFT_STATE_LOCK_HELD;
}

static gboolean
is_task_12x (const WeftSpan *s)
{
  g_autofree char *id = g_strdup_printf ("%u", s->object);

  return s->state == WEFT_STATE_RUNNING && g_str_has_prefix (id, "12");
}

static gboolean
is_task_with_12 (const WeftSpan *s)
{
  g_autofree char *id = g_strdup_printf ("%u", s->object);

  return s->state == WEFT_STATE_RUNNING && strstr (id, "12") != NULL;
}

static void
test_search_counts (void)
{
  g_autoptr(WeftTraceModel) model = busy_model (4, 5000, 3);
  g_autoptr(WeftTimelineSearch) search = weft_timeline_search_new ();
  guint64 last = 0;
  guint i;

  weft_timeline_search_run (search, model, "lock-wait");
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), ==, count_spans (model, is_lock_wait));
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), ==, 4 * 5000);
  /* "lock" begins a word of both lock states' labels; "Blocked" is no lock */
  weft_timeline_search_run (search, model, "LOCK");
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), ==, count_spans (model, is_lock_state));
  weft_timeline_search_run (search, model, "task 12");
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), ==, count_spans (model, is_task_12x));
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), >, 0);
  for (i = 0; i < weft_timeline_search_get_n_matches (search); i++)
    {
      g_assert_cmpuint (weft_timeline_search_get_match (search, i)->start_ns, >=, last);
      last = weft_timeline_search_get_match (search, i)->start_ns;
    }
  /* the same from a piece of "Task": the label, not its pieces, is searched */
  weft_timeline_search_run (search, model, "ASK 12");
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), ==, count_spans (model, is_task_12x));
  weft_timeline_search_run (search, model, "12");
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), ==, count_spans (model, is_task_with_12));
  weft_timeline_search_run (search, model, "task12");
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), ==, 0);
  weft_timeline_search_run (search, model, "no such span");
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), ==, 0);
  g_assert_false (weft_timeline_search_step (search, TRUE, &i));
  weft_timeline_search_run (search, model, "");
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), ==, 0);
}

static gboolean
search_done (gpointer data)
{
  return !weft_timeline_search_get_searching (data);
}

static void
count_changed (guint *n)
{
  (*n)++;
}

/* On a worker thread (a big finished trace; here forced on a small one):
 * nothing found until it is done, then the same matches as a search here;
 * a newer query wins over one still looking. */
static void
test_search_thread (void)
{
  g_autoptr(WeftTraceModel) model = busy_model (4, 5000, 3);
  g_autoptr(WeftTimelineSearch) search = weft_timeline_search_new ();
  g_autoptr(WeftTimelineSearch) here = weft_timeline_search_new ();
  guint changed = 0;

  g_assert_true (weft_trace_model_get_finished (model));
  _weft_timeline_search_set_thread_from (search, 1);
  g_signal_connect_swapped (search, "changed", G_CALLBACK (count_changed), &changed);

  weft_timeline_search_start (search, model, "queue");
  weft_timeline_search_start (search, model, "task 12");
  g_assert_true (weft_timeline_search_get_searching (search));
  g_assert_cmpstr (weft_timeline_search_get_query (search), ==, "task 12");
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), ==, 0);
  g_assert_true (wait_for (search_done, search, 10000));
  /* let a late answer to "queue" arrive, if one were to */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  weft_timeline_search_run (here, model, "task 12");
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), ==, count_spans (model, is_task_12x));
  g_assert_cmpuint (weft_timeline_search_get_n_matches (search), ==, weft_timeline_search_get_n_matches (here));
  for (guint i = 0; i < weft_timeline_search_get_n_matches (here); i++)
    {
      const WeftSearchMatch *a = weft_timeline_search_get_match (search, i);
      const WeftSearchMatch *b = weft_timeline_search_get_match (here, i);

      g_assert_true (a->start_ns == b->start_ns && a->end_ns == b->end_ns && a->worker == b->worker &&
                     a->depth == b->depth && a->index == b->index);
    }
  /* one ::changed per start, one when the matches came */
  g_assert_cmpuint (changed, ==, 3);
}


typedef struct
{
  GtkWidget            *window;
  WeftSession          *session;
  WeftTimelineView     *view;
  WeftTimelineOverview *overview;
  WeftSearchBar        *bar;
  WeftSearchHighlight  *highlight;
} SearchFixture;

static void
search_setup (SearchFixture *f, WeftTraceModel *model)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();

  f->session = weft_session_new ();
  weft_session_set_model (f->session, model);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 400);
  f->view = WEFT_TIMELINE_VIEW (weft_timeline_view_new (f->session));
  f->overview = WEFT_TIMELINE_OVERVIEW (weft_timeline_overview_new (f->session));
  weft_timeline_overview_set_inset (f->overview, weft_timeline_view_get_label_width (f->view));
  f->bar = WEFT_SEARCH_BAR (weft_search_bar_new (f->view, f->overview));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (f->view));
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), scroller);
  f->highlight = WEFT_SEARCH_HIGHLIGHT (weft_search_highlight_new (f->view, weft_search_bar_get_search (f->bar)));
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (f->highlight));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->bar));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->overview));
  gtk_box_append (GTK_BOX (box), overlay);
  gtk_window_set_child (GTK_WINDOW (f->window), box);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (wait_for (weft_test_widget_is_ready, f->view, 5000));
  weft_search_bar_set_open (f->bar, TRUE);
}

static void
search_teardown (SearchFixture *f)
{
  destroy_window (f->window);
  g_clear_object (&f->session);
}

static void
test_search_bar (void)
{
  g_autoptr(WeftTraceModel) model = small_model ();
  SearchFixture f;
  guint worker, depth, index;
  g_autofree guchar *pixels = NULL;
  GdkRGBA amber = { 1.0, 0.72, 0.0, 1 };
  graphene_point_t p;
  double y, x;
  int w, h;
  gsize stride;

  search_setup (&f, model);
  /* "queue" names both queue states: the consumer's get and the producer's put */
  weft_search_bar_set_query (f.bar, "queue");
  g_assert_cmpstr (weft_search_bar_get_status (f.bar), ==, "2 matches");
  weft_search_bar_step (f.bar, TRUE);
  g_assert_cmpstr (weft_search_bar_get_status (f.bar), ==, "1 of 2");
  g_assert_true (weft_session_get_selected_span (f.session, &worker, &depth, &index));
  g_assert_cmpuint (worker, ==, 2);     /* the get at 10 ms comes first */
  weft_search_bar_step (f.bar, TRUE);
  g_assert_true (weft_session_get_selected_span (f.session, &worker, &depth, &index));
  g_assert_cmpuint (worker, ==, 0);     /* the put at 48 ms, inside the task */
  g_assert_cmpuint (depth, ==, 1);
  weft_search_bar_step (f.bar, TRUE);   /* wraps around */
  g_assert_cmpstr (weft_search_bar_get_status (f.bar), ==, "1 of 2");
  weft_search_bar_step (f.bar, FALSE);
  g_assert_cmpstr (weft_search_bar_get_status (f.bar), ==, "2 of 2");

  /* The overview marks both matches at the top */
  {
    g_autofree guchar *strip = NULL;
    GdkRGBA mark = { 0.85, 0.55, 0, 1 };
    int sw, sh, inset = weft_timeline_view_get_label_width (f.view);
    gsize sstride;
    double span = gtk_widget_get_width (GTK_WIDGET (f.overview)) - inset;

    strip = weft_test_render (GTK_WIDGET (f.overview), "overview-marks", &sw, &sh, &sstride);
    g_assert_cmpfloat (weft_test_colour_distance (strip, sstride, inset + (int) floor (span * 10 / 100), 2, &mark), <=, 3);
    g_assert_cmpfloat (weft_test_colour_distance (strip, sstride, inset + (int) floor (span * 48 / 100), 2, &mark), <=, 3);
    g_assert_cmpfloat (weft_test_colour_distance (strip, sstride, inset + (int) floor (span * 30 / 100), 2, &mark), >, 30);
  }

  /* The lanes show both matches outlined, the current one filled */
  weft_search_bar_step (f.bar, FALSE);
  pixels = weft_test_render (f.window, "search", &w, &h, &stride);
  g_assert_cmpuint (weft_search_highlight_get_n_drawn (f.highlight), ==, 2);
  y = weft_timeline_view_get_row_y (f.view, 2, 0);
  x = weft_timeline_view_time_to_x (f.view, BASE + 30 * MS);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (f.view), f.window, &GRAPHENE_POINT_INIT (x, y - WEFT_TIMELINE_ROW_HEIGHT / 2.0), &p));
  g_assert_cmpfloat (weft_test_colour_distance (pixels, stride, (int) p.x, (int) p.y, &amber), <=, 3);

  /* Another trace: the same query, run on it */
  {
    g_autoptr(WeftTraceModel) other = handoff_model ();

    weft_session_set_model (f.session, other);
    g_assert_cmpstr (weft_search_bar_get_status (f.bar), ==, "No match");
    weft_search_bar_set_query (f.bar, "state_lock");
    g_assert_cmpstr (weft_search_bar_get_status (f.bar), ==, "3 matches");
    weft_session_set_model (f.session, model);
    g_assert_cmpstr (weft_search_bar_get_status (f.bar), ==, "2 matches");
  }

  /* Closing the bar ends the search */
  weft_search_bar_set_open (f.bar, FALSE);
  g_assert_cmpuint (weft_timeline_search_get_n_matches (weft_search_bar_get_search (f.bar)), ==, 0);
  search_teardown (&f);
}

static gboolean
status_is_1_of_3 (gpointer data)
{
  return g_strcmp0 (weft_search_bar_get_status (data), "1 of 3") == 0;
}

/* A live run grows: the search runs again once it rests, the current match kept */
static void
test_search_live (void)
{
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  SearchFixture f;
  guint worker, depth, index;

  ev (e, 0, 0, WEFT_EVENT_OBJECT_NEW, QUEUE, WEFT_OBJECT_QUEUE, 8);
  ev (e, BASE, 0, WEFT_EVENT_QUEUE_PUT_BEGIN, QUEUE, 0, 0);
  ev (e, BASE + 1 * MS, 0, WEFT_EVENT_QUEUE_PUT_END, QUEUE, 1, 1);
  ev (e, BASE + 2 * MS, 1, WEFT_EVENT_QUEUE_GET_BEGIN, QUEUE, 0, 0);
  ev (e, BASE + 3 * MS, 1, WEFT_EVENT_QUEUE_GET_END, QUEUE, 0, 1);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  search_setup (&f, model);
  weft_search_bar_set_query (f.bar, "queue");
  g_assert_cmpstr (weft_search_bar_get_status (f.bar), ==, "2 matches");
  weft_search_bar_step (f.bar, TRUE);
  g_assert_cmpstr (weft_search_bar_get_status (f.bar), ==, "1 of 2");

  g_array_set_size (e, 0);
  ev (e, BASE + 5 * MS, 0, WEFT_EVENT_QUEUE_PUT_BEGIN, QUEUE, 0, 0);
  ev (e, BASE + 6 * MS, 0, WEFT_EVENT_QUEUE_PUT_END, QUEUE, 1, 2);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  g_assert_true (wait_for (status_is_1_of_3, f.bar, 5000));
  g_assert_true (weft_session_get_selected_span (f.session, &worker, &depth, &index));
  g_assert_cmpuint (worker, ==, 0);
  search_teardown (&f);
}

static WeftSearchBar *
find_search_bar (GtkWidget *widget)
{
  if (WEFT_IS_SEARCH_BAR (widget))
    return WEFT_SEARCH_BAR (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      WeftSearchBar *bar = find_search_bar (c);

      if (bar != NULL)
        return bar;
    }
  return NULL;
}

static void
test_window_find (void)
{
  WeftWindow *window = weft_window_new (NULL);
  g_autoptr(WeftTraceModel) model = small_model ();
  WeftSearchBar *bar;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 600);
  gtk_window_present (GTK_WINDOW (window));
  weft_window_set_model (window, model);
  bar = find_search_bar (GTK_WIDGET (window));
  g_assert_nonnull (bar);
  g_assert_false (weft_search_bar_get_open (bar));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL));
  g_assert_true (weft_search_bar_get_open (bar));
  weft_search_bar_set_query (bar, "state_lock");
  g_assert_cmpstr (weft_search_bar_get_status (bar), ==, "2 matches");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL));
  g_assert_false (weft_search_bar_get_open (bar));

  destroy_window (window);
}

/* ---- keys ------------------------------------------------------------------ */

static void
collect_accels (GObject *object, GString *out)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (object))
    {
      g_autofree char *accel = NULL;

      g_object_get (object, "accelerator", &accel, NULL);
      g_string_append_printf (out, " %s ", accel != NULL ? accel : "");
    }
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (object)); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_accels (G_OBJECT (c), out);
}

/* The action a key runs on @widget through its class's bindings, or NULL */
static const char *
key_action (GtkWidget *widget, guint keyval, GdkModifierType mods)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (c)); j++)
        {
          g_autoptr(GtkShortcut) sc = g_list_model_get_item (G_LIST_MODEL (c), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (sc);
          GtkShortcutAction *action = gtk_shortcut_get_action (sc);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) && GTK_IS_NAMED_ACTION (action) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == mods)
            return gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));
        }
    }
  return NULL;
}

static void
test_keys (void)
{
  g_autoptr(WeftTraceModel) model = small_model ();
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/weft/Weft/gtk/help-overlay.ui");
  GObject *overlay = gtk_builder_get_object (builder, "help_overlay");
  g_autoptr(GString) accels = g_string_new (NULL);
  /* Every key the timeline and its search bind (weft-timeline-view-input.c,
   * weft-window-actions.c, weft-search-bar.c) */
  const char *keys[] = { "plus", "equal", "w", "minus", "s", "0", "z", "Left", "a", "Right", "d", "f",
                         "<Primary>f", "Return", "<Shift>Return" };
  DetailsFixture f;
  guint64 vb, ve;

  g_assert_nonnull (overlay);
  collect_accels (overlay, accels);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *word = g_strdup_printf (" %s ", keys[i]);

      if (strstr (accels->str, word) == NULL)
        g_error ("the shortcuts window misses %s", keys[i]);
    }
  gtk_window_destroy (GTK_WINDOW (overlay));

  /* The keys the view binds do what the window says */
  details_setup (&f, model);
  g_assert_cmpstr (key_action (GTK_WIDGET (f.view), GDK_KEY_w, 0), ==, "timeline.zoom-in");
  g_assert_cmpstr (key_action (GTK_WIDGET (f.view), GDK_KEY_s, 0), ==, "timeline.zoom-out");
  g_assert_cmpstr (key_action (GTK_WIDGET (f.view), GDK_KEY_a, 0), ==, "timeline.pan-left");
  g_assert_cmpstr (key_action (GTK_WIDGET (f.view), GDK_KEY_d, 0), ==, "timeline.pan-right");
  /* and the actions move the window: in by the zoom step, right by a pan */
  weft_session_set_visible (f.session, BASE + 20 * MS, BASE + 60 * MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.view), "timeline.zoom-in", NULL));
  vb = weft_session_get_visible_begin (f.session);
  ve = weft_session_get_visible_end (f.session);
  g_assert_cmpuint (ve - vb, <, 40 * MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.view), "timeline.pan-right", NULL));
  g_assert_cmpuint (weft_session_get_visible_begin (f.session), >, vb);
  details_teardown (&f);
}

/* ---- pinned and hidden lanes ------------------------------------------------ */

static void
test_pin_hide (void)
{
  g_autoptr(WeftTraceModel) model = small_model ();
  g_autoptr(WeftTimelineRows) rows = weft_timeline_rows_new ();
  DetailsFixture f;
  WeftTimelineRow *last;
  guint n;

  /* The rows model: a pinned lane comes first under its header, a hidden
   * one has no row, a last header counts the hidden ones */
  weft_timeline_rows_set_model (rows, model);
  n = g_list_model_get_n_items (G_LIST_MODEL (rows));
  weft_timeline_rows_set_pinned (rows, 2, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, n + 1);   /* + "Pinned" */
  g_assert_cmpint (weft_timeline_row_get_y (weft_timeline_rows_find_lane (rows, 2)), <,
                   weft_timeline_row_get_y (weft_timeline_rows_find_lane (rows, 0)));
  weft_timeline_rows_set_hidden (rows, 1, TRUE);
  g_assert_null (weft_timeline_rows_find_lane (rows, 1));
  g_assert_cmpuint (weft_timeline_rows_get_n_hidden (rows), ==, 1);
  last = weft_timeline_rows_get_row (rows, g_list_model_get_n_items (G_LIST_MODEL (rows)) - 1);
  g_assert_cmpint (weft_timeline_row_get_kind (last), ==, WEFT_TIMELINE_ROW_HEADER);
  g_assert_cmpstr (weft_timeline_row_get_label (last), ==, "1 hidden lane");
  /* a click on that header shows them again */
  weft_timeline_rows_toggle_collapsed (rows, weft_timeline_row_get_group_key (last));
  g_assert_nonnull (weft_timeline_rows_find_lane (rows, 1));
  g_assert_cmpuint (weft_timeline_rows_get_n_hidden (rows), ==, 0);
  weft_timeline_rows_set_pinned (rows, 2, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, n);

  /* The view's actions (the lanes' menu) do the same, and the canvas follows */
  details_setup (&f, model);
  g_assert_cmpfloat (weft_timeline_view_get_row_y (f.view, 2, 0), >, weft_timeline_view_get_row_y (f.view, 0, 0));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.view), "timeline.toggle-pin", "u", 2));
  g_assert_cmpfloat (weft_timeline_view_get_row_y (f.view, 2, 0), <, weft_timeline_view_get_row_y (f.view, 0, 0));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.view), "timeline.hide-lane", "u", 0));
  g_assert_cmpfloat (weft_timeline_view_get_row_y (f.view, 0, 0), <, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.view), "timeline.show-hidden", NULL));
  g_assert_cmpfloat (weft_timeline_view_get_row_y (f.view, 0, 0), >, 0);
  details_teardown (&f);
}

static void
test_span_task (void)
{
  g_autoptr(WeftTraceModel) model = small_model ();
  DetailsFixture f;
  guint worker, depth, index;

  details_setup (&f, model);
  /* The producer's put at 48 ms, inside its Task 1 */
  weft_session_select_span (f.session, 0, 1, 0);
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "links", 1, 0), ==, "In task");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "links", 1, 2), ==, "Running · Task 1");
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "links", 1, 3), ==, "0 ns");
  weft_range_details_go_to (f.details, 1);
  g_assert_true (weft_session_get_selected_span (f.session, &worker, &depth, &index));
  g_assert_cmpuint (worker, ==, 0);
  g_assert_cmpuint (depth, ==, 0);
  /* a task at depth 0 is in no task; the put inside it sent an item out */
  g_assert_cmpstr (weft_range_details_get_cell (f.details, "links", 1, 0), ==, "Flow out to");
  g_assert_null (weft_range_details_get_cell (f.details, "links", 2, 0));
  details_teardown (&f);
}

/* ---- tooltips of labels, counters and instants ------------------------------ */

static WeftTimelineRow *
counter_row (WeftTimelineView *view, guint32 object)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (view->rows)); i++)
    {
      WeftTimelineRow *row = weft_timeline_rows_get_row (view->rows, i);

      if (weft_timeline_row_get_kind (row) == WEFT_TIMELINE_ROW_COUNTER && weft_timeline_row_get_object (row) == object)
        return row;
    }
  g_error ("no counter row for %u", object);
  return NULL;
}

static void
test_row_tooltips (void)
{
  g_autoptr(WeftTraceModel) model = small_model ();
  DetailsFixture f;
  WeftTimelineRow *row;
  double y, x;
  char *text;

  details_setup (&f, model);

  /* A queue's depth at the pointer: 1 between the put at 48 ms and the get at 50 */
  row = counter_row (f.view, QUEUE);
  y = weft_timeline_row_get_y (row) + weft_timeline_row_get_height (row) / 2.0;
  text = _weft_timeline_view_describe_at (f.view, weft_timeline_view_time_to_x (f.view, BASE + 49 * MS), y);
  g_assert_nonnull (strstr (text, "\n1 at 49."));
  g_free (text);
  text = _weft_timeline_view_describe_at (f.view, weft_timeline_view_time_to_x (f.view, BASE + 70 * MS), y);
  g_assert_nonnull (strstr (text, "\n0 at 70."));
  g_free (text);
  /* and the parallelism: three on a CPU at 65 ms */
  row = counter_row (f.view, WEFT_TIMELINE_ROW_PARALLELISM);
  y = weft_timeline_row_get_y (row) + weft_timeline_row_get_height (row) / 2.0;
  text = _weft_timeline_view_describe_at (f.view, weft_timeline_view_time_to_x (f.view, BASE + 65 * MS), y);
  g_assert_nonnull (strstr (text, "\n3 at 65."));
  g_free (text);

  /* The instant at 30 ms, at the top of worker 0's lane */
  y = weft_timeline_view_get_row_y (f.view, 0, 0) - WEFT_TIMELINE_ROW_HEIGHT / 2.0 - WEFT_TIMELINE_LANE_PAD + 2;
  x = weft_timeline_view_time_to_x (f.view, BASE + 30 * MS);
  text = _weft_timeline_view_describe_at (f.view, x + 2, y);
  g_assert_nonnull (strstr (text, "<b>checkpoint</b>"));
  g_assert_nonnull (strstr (text, "42, 7"));
  g_free (text);
  /* away from it, the span under the pointer as before */
  text = _weft_timeline_view_describe_at (f.view, x + 40, weft_timeline_view_get_row_y (f.view, 0, 0));
  g_assert_null (strstr (text, "checkpoint"));
  g_free (text);

  /* A label's whole text */
  text = _weft_timeline_view_describe_at (f.view, 20, weft_timeline_view_get_row_y (f.view, 1, 0));
  g_assert_nonnull (strstr (text, "worker 1"));
  g_free (text);
  details_teardown (&f);
}

/* ---- the label column ------------------------------------------------------- */

static void
count_signal (gpointer instance, gpointer data)
{
  (*(guint *) data)++;
}

static void
test_label_width (void)
{
  g_autoptr(WeftTraceModel) model = small_model ();
  DetailsFixture f;
  guint changed = 0;
  int w0;

  details_setup (&f, model);
  w0 = weft_timeline_view_get_label_width (f.view);
  g_signal_connect (f.view, "label-width-changed", G_CALLBACK (count_signal), &changed);
  /* A drag away from the edge is no resize */
  g_assert_false (_weft_timeline_view_resize_labels (f.view, w0 - 40, 60));
  g_assert_cmpint (weft_timeline_view_get_label_width (f.view), ==, w0);
  /* From the edge, 60 px wider: the time axis starts there */
  g_assert_true (_weft_timeline_view_resize_labels (f.view, w0 + 2, 60));
  f.view->resizing_labels = FALSE;
  g_assert_cmpint (weft_timeline_view_get_label_width (f.view), ==, w0 + 60);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpfloat (fabs (weft_timeline_view_time_to_x (f.view, weft_session_get_visible_begin (f.session)) - (w0 + 60)), <, 1e-9);
  /* kept between 100 and 600 px */
  weft_timeline_view_set_label_width (f.view, 20);
  g_assert_cmpint (weft_timeline_view_get_label_width (f.view), ==, 100);
  weft_timeline_view_set_label_width (f.view, 5000);
  g_assert_cmpint (weft_timeline_view_get_label_width (f.view), ==, 600);
  details_teardown (&f);
}

static void
test_window_label_width (void)
{
  WeftWindow *window = weft_window_new (NULL);
  g_autoptr(WeftTraceModel) model = small_model ();
  GtkWidget *view;
  GtkWidget *ruler = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 600);
  gtk_window_present (GTK_WINDOW (window));
  weft_window_set_model (window, model);
  view = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (
      gtk_widget_get_template_child (GTK_WIDGET (window), WEFT_TYPE_WINDOW, "timeline_scroller")));
  for (GtkWidget *c = gtk_widget_get_first_child (gtk_widget_get_parent (gtk_widget_get_parent (gtk_widget_get_parent (view))));
       c != NULL; c = gtk_widget_get_next_sibling (c))
    if (WEFT_IS_TIME_RULER (c))
      ruler = c;
  g_assert_nonnull (ruler);
  weft_timeline_view_set_label_width (WEFT_TIMELINE_VIEW (view), 250);
  g_assert_cmpint (weft_time_ruler_get_inset (WEFT_TIME_RULER (ruler)), ==, 250);

  destroy_window (window);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("test-analysis needs a display: run it under xvfb-run\n");
      return 1;
    }
  /* The window is libadwaita's, styled as in the app */
  adw_init ();

  g_test_add_func ("/weft/analysis/overview-columns", test_overview_columns);
  g_test_add_func ("/weft/analysis/overview-pixels", test_overview_pixels);
  g_test_add_func ("/weft/analysis/overview-drag", test_overview_drag);
  g_test_add_func ("/weft/analysis/range-table", test_range_table);
  g_test_add_func ("/weft/analysis/ruler-selection", test_ruler_selection);
  g_test_add_func ("/weft/analysis/span-links", test_span_links);
  g_test_add_func ("/weft/analysis/search-counts", test_search_counts);
  g_test_add_func ("/weft/analysis/search-thread", test_search_thread);
  g_test_add_func ("/weft/analysis/search-bar", test_search_bar);
  g_test_add_func ("/weft/analysis/window-find", test_window_find);
  g_test_add_func ("/weft/analysis/keys", test_keys);
  g_test_add_func ("/weft/analysis/pin-hide", test_pin_hide);
  g_test_add_func ("/weft/analysis/row-tooltips", test_row_tooltips);
  g_test_add_func ("/weft/analysis/label-width", test_label_width);
  g_test_add_func ("/weft/analysis/window-label-width", test_window_label_width);
  g_test_add_func ("/weft/analysis/span-task", test_span_task);
  g_test_add_func ("/weft/analysis/search-live", test_search_live);
  return g_test_run ();
}
