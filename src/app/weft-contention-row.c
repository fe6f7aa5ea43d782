/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include "weft-contention-row.h"

/**
 * WeftContentionRow:
 *
 * An immutable row of the contention view's tables: an object's name and
 * its statistics, copied out of the model when the view was refreshed.
 */
struct _WeftContentionRow
{
  GObject              parent_instance;

  char                *name;
  WeftContentionStats  stats;
};

G_DEFINE_FINAL_TYPE (WeftContentionRow, weft_contention_row, G_TYPE_OBJECT)

WeftContentionRow *
weft_contention_row_new (const char                *name,
                         const WeftContentionStats *stats)
{
  WeftContentionRow *self = g_object_new (WEFT_TYPE_CONTENTION_ROW, NULL);

  self->name = g_strdup (name);
  self->stats = *stats;
  return self;
}

const char *
weft_contention_row_get_name (WeftContentionRow *self)
{
  g_return_val_if_fail (WEFT_IS_CONTENTION_ROW (self), NULL);
  return self->name;
}

const WeftContentionStats *
weft_contention_row_get_stats (WeftContentionRow *self)
{
  g_return_val_if_fail (WEFT_IS_CONTENTION_ROW (self), NULL);
  return &self->stats;
}

static void
weft_contention_row_finalize (GObject *object)
{
  g_free (WEFT_CONTENTION_ROW (object)->name);
  G_OBJECT_CLASS (weft_contention_row_parent_class)->finalize (object);
}

static void
weft_contention_row_class_init (WeftContentionRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = weft_contention_row_finalize;
}

static void
weft_contention_row_init (WeftContentionRow *self)
{
}
