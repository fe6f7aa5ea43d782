/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-timeline"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "weft-time-format.h"
#include "weft-timeline-view-private.h"

/*
 * Tooltips of what is not a span: a label's whole text (names are cut to
 * the label column), a counter track's value at the pointer, an instant's
 * mark at the top of a lane.
 */

#define INSTANT_HIT_PX 4.0
#define INSTANT_MARK_PX 6.0

static char *
describe_label (WeftTimelineRow *row)
{
  g_autofree char *label = g_markup_escape_text (weft_timeline_row_get_label (row), -1);
  const char *sub = weft_timeline_row_get_sublabel (row);
  g_autofree char *sub_escaped = sub != NULL ? g_markup_escape_text (sub, -1) : NULL;

  if (weft_timeline_row_get_kind (row) == WEFT_TIMELINE_ROW_LANE)
    /* Translators: a lane label's tooltip: its name, then its worker id */
    return g_strdup_printf (_("<b>%s</b>\nworker %u"), label, weft_timeline_row_get_worker (row));
  return sub_escaped != NULL ? g_strdup_printf ("<b>%s</b>\n%s", label, sub_escaped)
                             : g_strdup_printf ("<b>%s</b>", label);
}

static char *
describe_counter (WeftTimelineView *self,
                  WeftTimelineRow  *row,
                  double            x)
{
  guint32 object = weft_timeline_row_get_object (row);
  const WeftCounterTrack *track = object == WEFT_TIMELINE_ROW_PARALLELISM
                                    ? weft_trace_model_get_parallelism (self->model)
                                    : weft_trace_model_get_counter (self->model, object);
  guint64 t = weft_timeline_view_x_to_time (self, x);
  g_autofree char *label = g_markup_escape_text (weft_timeline_row_get_label (row), -1);
  g_autofree char *at = weft_time_format_duration (t - MIN (t, weft_session_get_begin (self->session)));

  g_autofree char *value = NULL;

  if (weft_counter_track_get_n_points (track) == 0)
    return NULL;
  value = g_strdup_printf ("%" G_GINT64_FORMAT, weft_counter_track_value_at (track, t));
  /* Translators: a counter track's tooltip: its name, its value, the time */
  return g_strdup_printf (_("<b>%s</b>\n%s at %s"), label, value, at);
}

static char *
describe_instant (WeftTimelineView *self,
                  WeftLane         *lane,
                  double            x)
{
  guint64 t0 = weft_timeline_view_x_to_time (self, x - INSTANT_HIT_PX);
  guint64 t1 = weft_timeline_view_x_to_time (self, x + INSTANT_HIT_PX) + 1;
  guint n_all, first, n;
  const WeftInstant *inst = weft_lane_get_instants (lane, &n_all);
  const WeftInstant *best = NULL;
  const char *name;
  const char *args;
  g_autofree char *escaped = NULL;
  g_autofree char *at = NULL;
  g_autofree char *values = NULL;
  GString *text;
  gsize len;

  weft_lane_lookup_instants (lane, t0, t1, &first, &n);
  for (guint i = first; i < first + n; i++)
    if (best == NULL || fabs (weft_timeline_view_time_to_x (self, inst[i].time_ns) - x) <
                        fabs (weft_timeline_view_time_to_x (self, best->time_ns) - x))
      best = &inst[i];
  if (best == NULL)
    return NULL;
  name = weft_trace_model_get_object_name (self->model, best->object);
  escaped = g_markup_escape_text (name != NULL ? name : _("Instant"), -1);
  at = weft_time_format_duration (best->time_ns - MIN (best->time_ns, weft_session_get_begin (self->session)));
  values = g_strdup_printf ("%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT, best->arg0, best->arg1);
  /* Translators: an instant's tooltip: its name, its time and its two values */
  text = g_string_new (NULL);
  g_string_append_printf (text, _("<b>%s</b>\nAt: %s\nValues: %s"), escaped, at, values);
  /* another program's instant: its args */
  args = weft_trace_model_get_instant_args (self->model, weft_lane_get_worker (lane), best->time_ns, &len);
  _weft_timeline_view_append_args (text, args, len);
  return g_string_free (text, FALSE);
}

/**
 * _weft_timeline_view_describe_row_at:
 *
 * Returns: (transfer full) (nullable): the tooltip markup at (@x, @y) when
 *   the point is on a label, a counter track or an instant's mark
 */
char *
_weft_timeline_view_describe_row_at (WeftTimelineView *self,
                                     double            x,
                                     double            y)
{
  double vscroll = _weft_timeline_view_get_vscroll (self);
  WeftTimelineRow *row;

  if (self->model == NULL || self->session == NULL)
    return NULL;
  row = weft_timeline_rows_get_row_at_y (self->rows, y + vscroll);
  if (row == NULL)
    return NULL;
  if (x < weft_timeline_view_get_label_width (self))
    return describe_label (row);
  if (weft_timeline_row_get_kind (row) == WEFT_TIMELINE_ROW_COUNTER)
    return describe_counter (self, row, x);
  if (weft_timeline_row_get_kind (row) == WEFT_TIMELINE_ROW_LANE &&
      y + vscroll - weft_timeline_row_get_y (row) <= INSTANT_MARK_PX)
    return describe_instant (self, weft_timeline_row_get_lane (row), x);
  return NULL;
}
