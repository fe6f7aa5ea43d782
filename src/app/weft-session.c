/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-session"

#include "config.h"

#include <math.h>

#include "weft-session.h"

/**
 * WeftSession:
 *
 * What the user looks at, apart from any view: the run's bounds, the visible
 * time window, the selected time range, the selected span and the time under
 * the pointer. The timeline and its ruler (and the compare view's
 * timelines, each with its own) follow one session, so zooming in one
 * moves the other. No GTK in here: it is tested without a display.
 */
struct _WeftSession
{
  GObject         parent_instance;

  WeftTraceModel *model;
  gulong          changed_id;

  guint64         begin;
  guint64         end;
  guint64         visible_begin;
  guint64         visible_end;
  gboolean        has_visible;   /* FALSE until the first non-empty bounds */
  gboolean        follow;

  gboolean        has_selection;
  guint64         selection_begin;
  guint64         selection_end;

  gboolean        has_span;
  guint           span_worker;
  guint           span_depth;
  guint           span_index;

  gboolean        has_hover;
  guint64         hover;
};

G_DEFINE_FINAL_TYPE (WeftSession, weft_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_FOLLOW,
  PROP_VISIBLE_BEGIN,
  PROP_VISIBLE_END,
  PROP_HAS_SELECTION,
  PROP_SELECTION_BEGIN,
  PROP_SELECTION_END,
  N_PROPS
};

enum {
  BOUNDS_CHANGED,
  VISIBLE_CHANGED,
  SELECTION_CHANGED,
  SPAN_SELECTED,
  HOVER_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

WeftSession *
weft_session_new (void)
{
  return g_object_new (WEFT_TYPE_SESSION, NULL);
}

/* Clamps [*b, *b + dur) into the bounds, keeping its duration if it fits. */
static void
clamp_window (WeftSession *self,
              guint64     *b,
              guint64     *e)
{
  guint64 dur = *e - *b;
  guint64 bounds = self->end - self->begin;

  if (dur < WEFT_SESSION_MIN_VISIBLE_NS)
    dur = WEFT_SESSION_MIN_VISIBLE_NS;
  if (dur >= bounds)
    {
      /* Wider than the run: show it all (or the narrowest window from its start). */
      *b = self->begin;
      *e = self->begin + MAX (bounds, WEFT_SESSION_MIN_VISIBLE_NS);
      return;
    }
  if (*b < self->begin)
    *b = self->begin;
  if (*b > self->end - dur)
    *b = self->end - dur;
  *e = *b + dur;
}

static void
set_visible_internal (WeftSession *self,
                      guint64      b,
                      guint64      e)
{
  gboolean changed_b, changed_e;

  clamp_window (self, &b, &e);
  changed_b = b != self->visible_begin;
  changed_e = e != self->visible_end;
  self->has_visible = TRUE;
  if (!changed_b && !changed_e)
    return;

  self->visible_begin = b;
  self->visible_end = e;
  g_object_freeze_notify (G_OBJECT (self));
  if (changed_b)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_BEGIN]);
  if (changed_e)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_END]);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[VISIBLE_CHANGED], 0);
}

/**
 * weft_session_set_bounds:
 * @begin_ns: start of the run
 * @end_ns: end of the run (>= @begin_ns)
 *
 * Sets the range the visible window and the selection are clamped to. The
 * first non-empty bounds show the whole run; with #WeftSession:follow on,
 * the visible window keeps its width and moves to the end of the run.
 */
void
weft_session_set_bounds (WeftSession *self,
                         guint64      begin_ns,
                         guint64      end_ns)
{
  g_return_if_fail (WEFT_IS_SESSION (self));
  g_return_if_fail (end_ns >= begin_ns);

  if (begin_ns == self->begin && end_ns == self->end && self->has_visible)
    return;

  {
    gboolean was_all = !self->has_visible ||
                       (self->visible_begin <= self->begin && self->visible_end >= self->end);
    guint64 dur = self->visible_end - self->visible_begin;

    self->begin = begin_ns;
    self->end = end_ns;
    g_signal_emit (self, signals[BOUNDS_CHANGED], 0);

    if (was_all)
      set_visible_internal (self, begin_ns, end_ns);
    else if (self->follow)
      set_visible_internal (self, end_ns > dur ? end_ns - dur : 0, end_ns);
    else
      set_visible_internal (self, self->visible_begin, self->visible_end);
  }
}

guint64
weft_session_get_begin (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), 0);
  return self->begin;
}

guint64
weft_session_get_end (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), 0);
  return self->end;
}

static void
update_bounds_from_model (WeftSession *self)
{
  WeftRunStats stats;

  weft_trace_model_get_run_stats (self->model, &stats);
  if (stats.last_ns > 0 || stats.first_ns > 0)
    weft_session_set_bounds (self, stats.first_ns, stats.last_ns);
}

static void
on_model_changed (WeftTraceModel *model,
                  WeftSession    *self)
{
  update_bounds_from_model (self);
}

/**
 * weft_session_get_model:
 *
 * Returns: (transfer none) (nullable): the trace the session looks at
 */
WeftTraceModel *
weft_session_get_model (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), NULL);
  return self->model;
}

/**
 * weft_session_set_model:
 * @model: (nullable) (transfer none): a trace model
 *
 * Looks at @model: the bounds follow its run as it grows, the selection is
 * dropped and the whole run is shown.
 */
void
weft_session_set_model (WeftSession    *self,
                        WeftTraceModel *model)
{
  g_return_if_fail (WEFT_IS_SESSION (self));
  g_return_if_fail (model == NULL || WEFT_IS_TRACE_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_set_object (&self->model, model);

  weft_session_clear_selection (self);
  weft_session_unselect_span (self);
  weft_session_clear_hover (self);
  self->has_visible = FALSE;
  self->begin = self->end = 0;

  if (model != NULL)
    {
      self->changed_id = g_signal_connect (model, "changed", G_CALLBACK (on_model_changed), self);
      update_bounds_from_model (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/**
 * weft_session_set_visible:
 * @begin_ns: first visible time
 * @end_ns: end of the visible window
 *
 * Shows [@begin_ns, @end_ns), clamped to the run and widened to at least
 * %WEFT_SESSION_MIN_VISIBLE_NS. Emits ::visible-changed on a real change.
 */
void
weft_session_set_visible (WeftSession *self,
                          guint64      begin_ns,
                          guint64      end_ns)
{
  g_return_if_fail (WEFT_IS_SESSION (self));

  if (end_ns < begin_ns)
    {
      guint64 tmp = begin_ns;
      begin_ns = end_ns;
      end_ns = tmp;
    }
  set_visible_internal (self, begin_ns, end_ns);
}

guint64
weft_session_get_visible_begin (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), 0);
  return self->visible_begin;
}

guint64
weft_session_get_visible_end (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), 0);
  return self->visible_end;
}

/**
 * weft_session_zoom:
 * @factor: > 1 zooms in, < 1 zooms out
 * @anchor_ns: the time that stays at the same place on screen
 *
 * Divides the visible duration by @factor keeping @anchor_ns at the same
 * fraction of the window, unless clamping to the run has to move it.
 */
void
weft_session_zoom (WeftSession *self,
                   double       factor,
                   guint64      anchor_ns)
{
  double dur, new_dur, frac, b;
  guint64 bounds;

  g_return_if_fail (WEFT_IS_SESSION (self));
  g_return_if_fail (factor > 0);

  dur = (double) (self->visible_end - self->visible_begin);
  if (dur <= 0)
    return;
  bounds = MAX (self->end - self->begin, WEFT_SESSION_MIN_VISIBLE_NS);
  new_dur = CLAMP (dur / factor, (double) WEFT_SESSION_MIN_VISIBLE_NS, (double) bounds);
  anchor_ns = CLAMP (anchor_ns, self->visible_begin, self->visible_end);
  frac = ((double) anchor_ns - (double) self->visible_begin) / dur;
  b = (double) anchor_ns - frac * new_dur;
  if (b < (double) self->begin)
    b = (double) self->begin;

  {
    guint64 nb = (guint64) llround (b);
    guint64 nd = (guint64) llround (new_dur);

    set_visible_internal (self, nb, nb + nd);
  }
}

/**
 * weft_session_pan:
 * @delta_ns: how far to move the visible window (negative: earlier)
 */
void
weft_session_pan (WeftSession *self,
                  gint64       delta_ns)
{
  guint64 dur, b;

  g_return_if_fail (WEFT_IS_SESSION (self));

  dur = self->visible_end - self->visible_begin;
  if (delta_ns < 0 && (guint64) -delta_ns > self->visible_begin)
    b = 0;
  else
    b = self->visible_begin + delta_ns;
  set_visible_internal (self, b, b + dur);
}

void
weft_session_zoom_to_fit (WeftSession *self)
{
  g_return_if_fail (WEFT_IS_SESSION (self));
  set_visible_internal (self, self->begin, self->end);
}

/**
 * weft_session_zoom_to_selection:
 *
 * Returns: %FALSE if there is no selected range
 */
gboolean
weft_session_zoom_to_selection (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), FALSE);

  if (!self->has_selection)
    return FALSE;
  set_visible_internal (self, self->selection_begin, self->selection_end);
  return TRUE;
}

/**
 * weft_session_reveal:
 * @begin_ns: start of what should be seen (a span)
 * @end_ns: its end
 *
 * Brings [@begin_ns, @end_ns] into view: nothing changes when it is
 * already inside the window; otherwise the window, as wide as before (or
 * twice the range if that is wider), is centred on it.
 */
void
weft_session_reveal (WeftSession *self,
                     guint64      begin_ns,
                     guint64      end_ns)
{
  guint64 width, mid, b;

  g_return_if_fail (WEFT_IS_SESSION (self));
  g_return_if_fail (end_ns >= begin_ns);

  if (self->has_visible && begin_ns >= self->visible_begin && end_ns <= self->visible_end)
    return;
  width = MAX (self->visible_end - self->visible_begin, (end_ns - begin_ns) * 2);
  mid = begin_ns + (end_ns - begin_ns) / 2;
  b = mid - MIN (mid, width / 2);
  set_visible_internal (self, b, b + width);
}

gboolean
weft_session_get_follow (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), FALSE);
  return self->follow;
}

/**
 * weft_session_set_follow:
 *
 * With @follow on, the visible window tracks the end of a live run.
 */
void
weft_session_set_follow (WeftSession *self,
                         gboolean     follow)
{
  g_return_if_fail (WEFT_IS_SESSION (self));

  follow = !!follow;
  if (self->follow == follow)
    return;
  self->follow = follow;
  if (follow && self->has_visible)
    {
      guint64 dur = self->visible_end - self->visible_begin;
      set_visible_internal (self, self->end > dur ? self->end - dur : 0, self->end);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

gboolean
weft_session_get_selection (WeftSession *self,
                            guint64     *out_begin,
                            guint64     *out_end)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), FALSE);

  if (out_begin != NULL)
    *out_begin = self->selection_begin;
  if (out_end != NULL)
    *out_end = self->selection_end;
  return self->has_selection;
}

static void
set_selection_internal (WeftSession *self,
                        gboolean     has,
                        guint64      b,
                        guint64      e)
{
  gboolean changed_has = has != self->has_selection;
  gboolean changed_b = b != self->selection_begin;
  gboolean changed_e = e != self->selection_end;

  if (!changed_has && !changed_b && !changed_e)
    return;
  self->has_selection = has;
  self->selection_begin = b;
  self->selection_end = e;
  g_object_freeze_notify (G_OBJECT (self));
  if (changed_has)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_SELECTION]);
  if (changed_b)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION_BEGIN]);
  if (changed_e)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION_END]);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/**
 * weft_session_set_selection:
 *
 * Selects the time range between @begin_ns and @end_ns (in either order),
 * clamped to the run.
 */
void
weft_session_set_selection (WeftSession *self,
                            guint64      begin_ns,
                            guint64      end_ns)
{
  g_return_if_fail (WEFT_IS_SESSION (self));

  if (end_ns < begin_ns)
    {
      guint64 tmp = begin_ns;
      begin_ns = end_ns;
      end_ns = tmp;
    }
  begin_ns = CLAMP (begin_ns, self->begin, self->end);
  end_ns = CLAMP (end_ns, self->begin, self->end);
  set_selection_internal (self, TRUE, begin_ns, end_ns);
}

void
weft_session_clear_selection (WeftSession *self)
{
  g_return_if_fail (WEFT_IS_SESSION (self));
  set_selection_internal (self, FALSE, 0, 0);
}

gboolean
weft_session_get_selected_span (WeftSession *self,
                                guint       *out_worker,
                                guint       *out_depth,
                                guint       *out_index)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), FALSE);

  if (out_worker != NULL)
    *out_worker = self->span_worker;
  if (out_depth != NULL)
    *out_depth = self->span_depth;
  if (out_index != NULL)
    *out_index = self->span_index;
  return self->has_span;
}

/**
 * weft_session_lookup_span:
 * @worker: the lane's worker id
 * @depth: the depth row
 * @index: the span's index in the row; one past the row's closed spans
 *   for the span still open at @depth
 * @out_span: (out caller-allocates): the span
 *
 * The one lookup of a span by the address that weft_session_select_span()
 * takes, open spans included.
 *
 * Returns: %FALSE if the session's model has no such span
 */
gboolean
weft_session_lookup_span (WeftSession *self,
                          guint        worker,
                          guint        depth,
                          guint        index,
                          WeftSpan    *out_span)
{
  WeftLane *lane;
  WeftSpan open[WEFT_LANE_MAX_DEPTH + 1];
  guint n_open;

  g_return_val_if_fail (WEFT_IS_SESSION (self), FALSE);
  g_return_val_if_fail (out_span != NULL, FALSE);

  if (self->model == NULL ||
      (lane = weft_trace_model_lookup_lane (self->model, worker)) == NULL)
    return FALSE;
  if (weft_lane_get_span (lane, depth, index, out_span))
    return TRUE;
  if (index != weft_lane_get_n_spans (lane, depth))
    return FALSE;
  n_open = weft_lane_get_open_spans (lane, open, G_N_ELEMENTS (open));
  for (guint k = 0; k < n_open; k++)
    if (open[k].depth == depth)
      {
        *out_span = open[k];
        return TRUE;
      }
  return FALSE;
}

/**
 * weft_session_select_span:
 * @worker: the lane's worker id
 * @depth: the depth row
 * @index: the span's index in the row (see weft_lane_get_span())
 *
 * Emits ::span-selected when the selected span changes.
 */
void
weft_session_select_span (WeftSession *self,
                          guint        worker,
                          guint        depth,
                          guint        index)
{
  g_return_if_fail (WEFT_IS_SESSION (self));

  if (self->has_span && self->span_worker == worker &&
      self->span_depth == depth && self->span_index == index)
    return;
  self->has_span = TRUE;
  self->span_worker = worker;
  self->span_depth = depth;
  self->span_index = index;
  g_signal_emit (self, signals[SPAN_SELECTED], 0);
}

void
weft_session_unselect_span (WeftSession *self)
{
  g_return_if_fail (WEFT_IS_SESSION (self));

  if (!self->has_span)
    return;
  self->has_span = FALSE;
  self->span_worker = self->span_depth = self->span_index = 0;
  g_signal_emit (self, signals[SPAN_SELECTED], 0);
}

gboolean
weft_session_get_hover (WeftSession *self,
                        guint64     *out_time_ns)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), FALSE);

  if (out_time_ns != NULL)
    *out_time_ns = self->hover;
  return self->has_hover;
}

void
weft_session_set_hover (WeftSession *self,
                        guint64      time_ns)
{
  g_return_if_fail (WEFT_IS_SESSION (self));

  if (self->has_hover && self->hover == time_ns)
    return;
  self->has_hover = TRUE;
  self->hover = time_ns;
  g_signal_emit (self, signals[HOVER_CHANGED], 0);
}

void
weft_session_clear_hover (WeftSession *self)
{
  g_return_if_fail (WEFT_IS_SESSION (self));

  if (!self->has_hover)
    return;
  self->has_hover = FALSE;
  self->hover = 0;
  g_signal_emit (self, signals[HOVER_CHANGED], 0);
}

static void
weft_session_dispose (GObject *object)
{
  WeftSession *self = WEFT_SESSION (object);

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (weft_session_parent_class)->dispose (object);
}

static void
weft_session_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  WeftSession *self = WEFT_SESSION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;
    case PROP_VISIBLE_BEGIN:
      g_value_set_uint64 (value, self->visible_begin);
      break;
    case PROP_VISIBLE_END:
      g_value_set_uint64 (value, self->visible_end);
      break;
    case PROP_HAS_SELECTION:
      g_value_set_boolean (value, self->has_selection);
      break;
    case PROP_SELECTION_BEGIN:
      g_value_set_uint64 (value, self->selection_begin);
      break;
    case PROP_SELECTION_END:
      g_value_set_uint64 (value, self->selection_end);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_session_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  WeftSession *self = WEFT_SESSION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      weft_session_set_model (self, g_value_get_object (value));
      break;
    case PROP_FOLLOW:
      weft_session_set_follow (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_session_class_init (WeftSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = weft_session_dispose;
  object_class->get_property = weft_session_get_property;
  object_class->set_property = weft_session_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, WEFT_TYPE_TRACE_MODEL, rw);
  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL, FALSE, rw);
  properties[PROP_VISIBLE_BEGIN] =
    g_param_spec_uint64 ("visible-begin", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_VISIBLE_END] =
    g_param_spec_uint64 ("visible-end", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_HAS_SELECTION] =
    g_param_spec_boolean ("has-selection", NULL, NULL, FALSE, ro);
  properties[PROP_SELECTION_BEGIN] =
    g_param_spec_uint64 ("selection-begin", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_SELECTION_END] =
    g_param_spec_uint64 ("selection-end", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /** WeftSession::bounds-changed: the run's range changed */
  signals[BOUNDS_CHANGED] =
    g_signal_new ("bounds-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /** WeftSession::visible-changed: once per change of the visible window */
  signals[VISIBLE_CHANGED] =
    g_signal_new ("visible-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /** WeftSession::selection-changed: the selected time range changed */
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /** WeftSession::span-selected: the selected span changed (or was unselected) */
  signals[SPAN_SELECTED] =
    g_signal_new ("span-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /** WeftSession::hover-changed: the time under the pointer changed */
  signals[HOVER_CHANGED] =
    g_signal_new ("hover-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
weft_session_init (WeftSession *self)
{
}
