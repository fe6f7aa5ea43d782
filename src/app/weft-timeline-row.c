/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-timeline"

#include "config.h"

#include "weft-timeline-rows-private.h"

/**
 * WeftTimelineRow:
 *
 * One row of the timeline, as #WeftTimelineRows lists them: a counter
 * track, a group header (an executor or a process) or a worker's lane, with
 * its place in the content and its labels. Rows carry no drawing state.
 */
struct _WeftTimelineRow
{
  GObject              parent_instance;

  WeftTimelineRowKind  kind;
  int                  y;
  int                  height;
  int                  indent;
  WeftLane            *lane;
  guint                worker;
  guint32              object;
  guint64              group_key;
  char                *label;
  char                *sublabel;
  guint64              ns_per_unit;   /* a counter of durations: ns per value */
};

G_DEFINE_FINAL_TYPE (WeftTimelineRow, weft_timeline_row, G_TYPE_OBJECT)

WeftTimelineRow *
_weft_timeline_row_new (WeftTimelineRowKind  kind,
                        int                  indent,
                        const char          *label,
                        const char          *sublabel)
{
  WeftTimelineRow *self = g_object_new (WEFT_TYPE_TIMELINE_ROW, NULL);

  self->kind = kind;
  self->indent = indent;
  self->label = g_strdup (label);
  self->sublabel = g_strdup (sublabel);
  return self;
}

void
_weft_timeline_row_set_lane (WeftTimelineRow *self,
                             WeftLane        *lane)
{
  self->lane = lane;
  self->worker = weft_lane_get_worker (lane);
}

void
_weft_timeline_row_set_object (WeftTimelineRow *self,
                               guint32          object)
{
  self->object = object;
}

void
_weft_timeline_row_set_ns_per_unit (WeftTimelineRow *self,
                                    guint64          ns_per_unit)
{
  self->ns_per_unit = ns_per_unit;
}

/**
 * weft_timeline_row_get_ns_per_unit:
 *
 * Returns: for a counter whose values are durations, the nanoseconds one
 *   unit of its values stands for; 0 for a plain number
 */
guint64
weft_timeline_row_get_ns_per_unit (WeftTimelineRow *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROW (self), 0);
  return self->ns_per_unit;
}

void
_weft_timeline_row_set_group (WeftTimelineRow *self,
                              guint64          group_key)
{
  self->group_key = group_key;
}

void
_weft_timeline_row_place (WeftTimelineRow *self,
                          int              y,
                          int              height)
{
  self->y = y;
  self->height = height;
}

WeftTimelineRowKind
weft_timeline_row_get_kind (WeftTimelineRow *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROW (self), WEFT_TIMELINE_ROW_HEADER);
  return self->kind;
}

int
weft_timeline_row_get_y (WeftTimelineRow *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROW (self), 0);
  return self->y;
}

int
weft_timeline_row_get_height (WeftTimelineRow *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROW (self), 0);
  return self->height;
}

int
weft_timeline_row_get_indent (WeftTimelineRow *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROW (self), 0);
  return self->indent;
}

/**
 * weft_timeline_row_get_lane:
 *
 * Returns: (transfer none) (nullable): the lane of a lane row
 */
WeftLane *
weft_timeline_row_get_lane (WeftTimelineRow *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROW (self), NULL);
  return self->lane;
}

guint
weft_timeline_row_get_worker (WeftTimelineRow *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROW (self), 0);
  return self->worker;
}

guint32
weft_timeline_row_get_object (WeftTimelineRow *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROW (self), 0);
  return self->object;
}

guint64
weft_timeline_row_get_group_key (WeftTimelineRow *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROW (self), 0);
  return self->group_key;
}

const char *
weft_timeline_row_get_label (WeftTimelineRow *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROW (self), NULL);
  return self->label;
}

const char *
weft_timeline_row_get_sublabel (WeftTimelineRow *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_ROW (self), NULL);
  return self->sublabel;
}

static void
weft_timeline_row_finalize (GObject *object)
{
  WeftTimelineRow *self = WEFT_TIMELINE_ROW (object);

  g_free (self->label);
  g_free (self->sublabel);

  G_OBJECT_CLASS (weft_timeline_row_parent_class)->finalize (object);
}

static void
weft_timeline_row_class_init (WeftTimelineRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = weft_timeline_row_finalize;
}

static void
weft_timeline_row_init (WeftTimelineRow *self)
{
}
