/* SPDX-License-Identifier: GPL-3.0-or-later */
/* WeftSession: the visible window, zoom, pan, selection, hover. No display. */
#define G_LOG_DOMAIN "test-session"

#include "config.h"

#include "weft-session.h"
#include "weft-test-util.h"

#define MS G_GUINT64_CONSTANT (1000000)

static void
count_signal (gpointer instance,
              gpointer data)
{
  (*(guint *) data)++;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    data)
{
  (*(guint *) data)++;
}

static WeftSession *
new_session (void)
{
  WeftSession *session = weft_session_new ();

  weft_session_set_bounds (session, 1000 * MS, 2000 * MS);
  return session;
}

static void
test_bounds_show_all (void)
{
  g_autoptr(WeftSession) session = weft_session_new ();

  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 0);
  weft_session_set_bounds (session, 1000 * MS, 2000 * MS);
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 1000 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 2000 * MS);

  /* While showing everything, growing bounds keep showing everything */
  weft_session_set_bounds (session, 1000 * MS, 3000 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 3000 * MS);

  /* Zoomed in, growing bounds leave the window alone */
  weft_session_set_visible (session, 1100 * MS, 1200 * MS);
  weft_session_set_bounds (session, 1000 * MS, 4000 * MS);
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 1100 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 1200 * MS);
}

static void
test_zoom_anchor (void)
{
  g_autoptr(WeftSession) session = new_session ();
  guint64 anchor = 1250 * MS;
  double frac_before, frac_after;
  guint64 b, e;

  b = weft_session_get_visible_begin (session);
  e = weft_session_get_visible_end (session);
  frac_before = (double) (anchor - b) / (e - b);

  weft_session_zoom (session, 4.0, anchor);
  b = weft_session_get_visible_begin (session);
  e = weft_session_get_visible_end (session);
  g_assert_cmpuint (e - b, ==, 250 * MS);
  frac_after = (double) (anchor - b) / (e - b);
  g_assert_cmpfloat_with_epsilon (frac_before, frac_after, 1e-6);

  /* Zooming back out around the same point restores the window */
  weft_session_zoom (session, 0.25, anchor);
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 1000 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 2000 * MS);

  /* Several steps in and out, anchored at an odd point, keep it in place */
  anchor = 1777 * MS + 123;
  for (int i = 0; i < 5; i++)
    {
      guint64 b0 = weft_session_get_visible_begin (session);
      guint64 e0 = weft_session_get_visible_end (session);
      double f0 = (double) (anchor - b0) / (e0 - b0);
      double f1;

      weft_session_zoom (session, 1.7, anchor);
      b = weft_session_get_visible_begin (session);
      e = weft_session_get_visible_end (session);
      f1 = (double) (anchor - b) / (e - b);
      g_assert_cmpfloat (ABS (f1 - f0) * (e - b), <, 2.0); /* within 2 ns */
    }
}

static void
test_zoom_clamps (void)
{
  g_autoptr(WeftSession) session = new_session ();

  /* Not wider than the run */
  weft_session_zoom (session, 0.1, 1500 * MS);
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 1000 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 2000 * MS);

  /* Not narrower than the minimum */
  weft_session_zoom (session, 1e12, 1500 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session) - weft_session_get_visible_begin (session),
                    ==, WEFT_SESSION_MIN_VISIBLE_NS);

  /* Zooming out near the start of the run moves the anchor rather than
   * showing time before the run */
  weft_session_set_visible (session, 1000 * MS, 1100 * MS);
  weft_session_zoom (session, 0.5, 1010 * MS);
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 1000 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 1200 * MS);

  /* Same at the end */
  weft_session_set_visible (session, 1900 * MS, 2000 * MS);
  weft_session_zoom (session, 0.5, 1990 * MS);
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 1800 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 2000 * MS);

  /* Panning stops at both ends and keeps the width */
  weft_session_pan (session, -(gint64) (5000 * MS));
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 1000 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 1200 * MS);
  weft_session_pan (session, 50 * MS);
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 1050 * MS);
  weft_session_pan (session, 5000 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 2000 * MS);
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 1800 * MS);

  /* A window set outside the run is moved into it */
  weft_session_set_visible (session, 0, 10 * MS);
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 1000 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 1010 * MS);
}

static void
test_visible_signals (void)
{
  g_autoptr(WeftSession) session = new_session ();
  guint changed = 0, notified = 0;

  g_signal_connect (session, "visible-changed", G_CALLBACK (count_signal), &changed);
  g_signal_connect (session, "notify::visible-begin", G_CALLBACK (count_notify), &notified);
  g_signal_connect (session, "notify::visible-end", G_CALLBACK (count_notify), &notified);

  /* No change, no signal */
  weft_session_set_visible (session, 1000 * MS, 2000 * MS);
  weft_session_zoom (session, 0.5, 1500 * MS);   /* already all */
  weft_session_pan (session, 10 * MS);            /* nowhere to go */
  g_assert_cmpuint (changed, ==, 0);
  g_assert_cmpuint (notified, ==, 0);

  /* Moving only the end notifies only the end */
  weft_session_set_visible (session, 1000 * MS, 1500 * MS);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (notified, ==, 1);

  weft_session_pan (session, 100 * MS);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_cmpuint (notified, ==, 3);
}

static void
test_selection (void)
{
  g_autoptr(WeftSession) session = new_session ();
  guint changed = 0, spans = 0, has_notified = 0;
  guint64 b, e;
  guint w, d, i;

  g_signal_connect (session, "selection-changed", G_CALLBACK (count_signal), &changed);
  g_signal_connect (session, "span-selected", G_CALLBACK (count_signal), &spans);
  g_signal_connect (session, "notify::has-selection", G_CALLBACK (count_notify), &has_notified);

  g_assert_false (weft_session_get_selection (session, NULL, NULL));
  g_assert_false (weft_session_zoom_to_selection (session));

  /* Reversed ends are put in order; clamped to the run */
  weft_session_set_selection (session, 1600 * MS, 900 * MS);
  g_assert_true (weft_session_get_selection (session, &b, &e));
  g_assert_cmpuint (b, ==, 1000 * MS);
  g_assert_cmpuint (e, ==, 1600 * MS);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (has_notified, ==, 1);

  weft_session_set_selection (session, 1000 * MS, 1600 * MS);
  g_assert_cmpuint (changed, ==, 1);

  g_assert_true (weft_session_zoom_to_selection (session));
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 1000 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 1600 * MS);

  weft_session_clear_selection (session);
  weft_session_clear_selection (session);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_cmpuint (has_notified, ==, 2);

  /* Selected span */
  g_assert_false (weft_session_get_selected_span (session, NULL, NULL, NULL));
  weft_session_select_span (session, 3, 1, 42);
  weft_session_select_span (session, 3, 1, 42);
  g_assert_cmpuint (spans, ==, 1);
  g_assert_true (weft_session_get_selected_span (session, &w, &d, &i));
  g_assert_cmpuint (w, ==, 3);
  g_assert_cmpuint (d, ==, 1);
  g_assert_cmpuint (i, ==, 42);
  weft_session_select_span (session, 3, 1, 43);
  g_assert_cmpuint (spans, ==, 2);
  weft_session_unselect_span (session);
  weft_session_unselect_span (session);
  g_assert_cmpuint (spans, ==, 3);
  g_assert_false (weft_session_get_selected_span (session, NULL, NULL, NULL));
}

static void
test_hover (void)
{
  g_autoptr(WeftSession) session = new_session ();
  guint changed = 0;
  guint64 t;

  g_signal_connect (session, "hover-changed", G_CALLBACK (count_signal), &changed);
  g_assert_false (weft_session_get_hover (session, NULL));
  weft_session_set_hover (session, 1500 * MS);
  weft_session_set_hover (session, 1500 * MS);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_true (weft_session_get_hover (session, &t));
  g_assert_cmpuint (t, ==, 1500 * MS);
  weft_session_clear_hover (session);
  weft_session_clear_hover (session);
  g_assert_cmpuint (changed, ==, 2);
}

static void
append_task (WeftTraceModel *model, guint16 worker, guint64 t0, guint64 t1)
{
  WeftEvent ev[2] = {
    { .time_ns = t0, .worker = worker, .kind = WEFT_EVENT_TASK_BEGIN, .object = 1 },
    { .time_ns = t1, .worker = worker, .kind = WEFT_EVENT_TASK_END, .object = 1 },
  };

  weft_trace_model_append (model, ev, 2);
}

static void
test_model_follow (void)
{
  g_autoptr(WeftSession) session = weft_session_new ();
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  guint notified = 0;

  g_signal_connect (session, "notify::follow", G_CALLBACK (count_notify), &notified);

  append_task (model, 0, 100 * MS, 200 * MS);
  weft_session_set_model (session, model);
  g_assert_true (weft_session_get_model (session) == model);
  g_assert_cmpuint (weft_session_get_begin (session), ==, 100 * MS);
  g_assert_cmpuint (weft_session_get_end (session), ==, 200 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 200 * MS);

  /* Zoomed in, without follow: the window stays as the run grows */
  weft_session_set_visible (session, 120 * MS, 140 * MS);
  append_task (model, 0, 210 * MS, 300 * MS);
  g_assert_cmpuint (weft_session_get_end (session), ==, 300 * MS);
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 120 * MS);

  /* With follow: the window keeps its width and tracks the end */
  weft_session_set_follow (session, TRUE);
  weft_session_set_follow (session, TRUE);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 300 * MS);
  append_task (model, 0, 310 * MS, 400 * MS);
  g_assert_cmpuint (weft_session_get_visible_begin (session), ==, 380 * MS);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 400 * MS);

  weft_session_set_model (session, NULL);
  g_assert_null (weft_session_get_model (session));
}

/* Spans by address: closed ones by their index, the open one of a row one
 * past the row's closed spans */
static void
test_lookup_span (void)
{
  g_autoptr(WeftSession) session = weft_session_new ();
  g_autoptr(WeftTraceModel) model = weft_trace_model_new ();
  g_autoptr(GArray) e = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  WeftSpan s;

  g_assert_false (weft_session_lookup_span (session, 0, 0, 0, &s));
  ev (e, 1000 * MS, 0, WEFT_EVENT_TASK_BEGIN, 1, 0, 0);
  ev (e, 1010 * MS, 0, WEFT_EVENT_TASK_END, 1, WEFT_TASK_OK, 0);
  ev (e, 1020 * MS, 0, WEFT_EVENT_TASK_BEGIN, 2, 0, 0);
  ev (e, 1030 * MS, 0, WEFT_EVENT_LOCK_WAIT, 5, 0, 0);
  weft_trace_model_append (model, (WeftEvent *) e->data, e->len);
  weft_session_set_model (session, model);

  g_assert_true (weft_session_lookup_span (session, 0, 0, 0, &s));
  g_assert_cmpuint (s.start_ns, ==, 1000 * MS);
  g_assert_cmpuint (s.end_ns, ==, 1010 * MS);
  g_assert_false (s.flags & WEFT_SPAN_OPEN);
  /* The task still open at depth 0, the wait inside it at depth 1 */
  g_assert_true (weft_session_lookup_span (session, 0, 0, 1, &s));
  g_assert_cmpuint (s.start_ns, ==, 1020 * MS);
  g_assert_cmpuint (s.state, ==, WEFT_STATE_RUNNING);
  g_assert_true (s.flags & WEFT_SPAN_OPEN);
  g_assert_true (weft_session_lookup_span (session, 0, 1, 0, &s));
  g_assert_cmpuint (s.start_ns, ==, 1030 * MS);
  g_assert_cmpuint (s.state, ==, WEFT_STATE_LOCK_WAIT);
  /* Nothing past them, on other depths or lanes */
  g_assert_false (weft_session_lookup_span (session, 0, 0, 2, &s));
  g_assert_false (weft_session_lookup_span (session, 0, 1, 1, &s));
  g_assert_false (weft_session_lookup_span (session, 0, 2, 0, &s));
  g_assert_false (weft_session_lookup_span (session, 3, 0, 0, &s));
  g_assert_false (weft_session_lookup_span (session, G_MAXUINT, 0, 0, &s));

  /* Closed, the open ones become closed spans of their rows */
  weft_trace_model_finish (model, 1040 * MS);
  g_assert_true (weft_session_lookup_span (session, 0, 0, 1, &s));
  g_assert_false (s.flags & WEFT_SPAN_OPEN);
  g_assert_false (weft_session_lookup_span (session, 0, 0, 2, &s));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/session/bounds", test_bounds_show_all);
  g_test_add_func ("/weft/session/zoom-anchor", test_zoom_anchor);
  g_test_add_func ("/weft/session/zoom-clamps", test_zoom_clamps);
  g_test_add_func ("/weft/session/visible-signals", test_visible_signals);
  g_test_add_func ("/weft/session/selection", test_selection);
  g_test_add_func ("/weft/session/hover", test_hover);
  g_test_add_func ("/weft/session/model-follow", test_model_follow);
  g_test_add_func ("/weft/session/lookup-span", test_lookup_span);

  return g_test_run ();
}
