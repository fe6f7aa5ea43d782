/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "weft-cpython-runtime.h"
#include "weft-run.h"

G_BEGIN_DECLS

#define WEFT_TYPE_COMPARISON (weft_comparison_get_type ())

G_DECLARE_FINAL_TYPE (WeftComparison, weft_comparison, WEFT, COMPARISON, GObject)

#define WEFT_COMPARISON_DEFAULT_REPEATS 3
#define WEFT_COMPARISON_MAX_REPEATS     100

/* A variant whose runs spread over more than this share of their median, or
 * other processes taking more than this share of the machine's cores during
 * the runs, make the comparison unreliable (a warning). */
#define WEFT_COMPARISON_MAX_SPREAD      0.10
#define WEFT_COMPARISON_MAX_OTHER_LOAD  0.10

/**
 * WeftComparisonRow:
 * @label: the variant, untranslated ("serial", "threads + GIL", …)
 * @workers: the workers it ran with
 * @repeats: its runs that ended
 * @wall_ns: the median run's wall time (of an even count, the lower middle)
 * @wall_min_ns: the fastest run's
 * @wall_max_ns: the slowest run's
 * @speedup: the serial variant's median wall time over this one's, 0 when
 *   either is unknown
 * @has_efficiency: whether @efficiency means something: CPU work (no
 *   waits for I/O) on more than one worker
 * @efficiency: @speedup per worker, at most 1
 * @dominant_wait: the median run's weft_summary_get_dominant_wait(),
 *   %WEFT_STATE_IDLE for none
 * @error: (nullable): why the variant could not run
 * @cancelled: a run of it was stopped before its end
 * @has_lost: whether @lost_share means something: the profile has a counter
 * @lost_share: the median run's lost updates of the first counter over its
 *   expected count
 */
typedef struct
{
  const char       *label;
  WeftExecutorKind  executor;
  gboolean          gil;
  guint             workers;
  guint             repeats;
  guint64           wall_ns;
  guint64           wall_min_ns;
  guint64           wall_max_ns;
  double            speedup;
  gboolean          has_efficiency;
  double            efficiency;
  WeftState         dominant_wait;
  guint64           dominant_wait_ns;
  const char       *error;
  gboolean          cancelled;
  gboolean          has_lost;
  double            lost_share;
} WeftComparisonRow;

/**
 * WeftComparisonWarningKind:
 * @WEFT_COMPARISON_WARNING_LOAD: other processes kept more than
 *   %WEFT_COMPARISON_MAX_OTHER_LOAD of the cores busy
 * @WEFT_COMPARISON_WARNING_SPREAD: a row's runs spread over more than
 *   %WEFT_COMPARISON_MAX_SPREAD of its median
 * @WEFT_COMPARISON_WARNING_TOO_FAST: a row came out faster than its
 *   workers can make it (its efficiency is shown as 100 %)
 * @WEFT_COMPARISON_WARNING_RAN_ONCE: each variant ran once
 */
typedef enum
{
  WEFT_COMPARISON_WARNING_LOAD,
  WEFT_COMPARISON_WARNING_SPREAD,
  WEFT_COMPARISON_WARNING_TOO_FAST,
  WEFT_COMPARISON_WARNING_RAN_ONCE,
} WeftComparisonWarningKind;

/* What a warning is about: its kind and, for a row's, the row */
typedef struct
{
  WeftComparisonWarningKind kind;
  guint                     row;
} WeftComparisonWarning;

double                   weft_comparison_row_get_spread (const WeftComparisonRow *row);

WeftComparison          *weft_comparison_new            (const WeftProfile   *profile,
                                                         guint                repeats);
WeftComparison          *weft_comparison_new_runtimes   (const WeftProfile   *profile,
                                                         guint                repeats,
                                                         gboolean             model,
                                                         const char * const  *pythons,
                                                         GError             **error);
const WeftProfile       *weft_comparison_get_profile    (WeftComparison      *self);
guint                    weft_comparison_get_repeats    (WeftComparison      *self);

void                     weft_comparison_run_async      (WeftComparison      *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean                 weft_comparison_run_finish     (WeftComparison      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
gboolean                 weft_comparison_get_current    (WeftComparison      *self,
                                                         guint               *out_row,
                                                         guint               *out_repeat);

guint                    weft_comparison_get_n_rows     (WeftComparison      *self);
const WeftComparisonRow *weft_comparison_get_row        (WeftComparison      *self,
                                                         guint                row);
WeftRun                 *weft_comparison_get_median_run (WeftComparison      *self,
                                                         guint                row);
WeftCpythonRuntime      *weft_comparison_get_median_real (WeftComparison     *self,
                                                         guint                row);
double                   weft_comparison_get_other_load (WeftComparison      *self);
const char * const      *weft_comparison_get_warnings   (WeftComparison      *self);
const WeftComparisonWarning *weft_comparison_get_warning_kinds (WeftComparison *self,
                                                             guint          *n_warnings);

JsonNode                *weft_comparison_to_json        (WeftComparison      *self);
char                    *weft_comparison_to_text        (WeftComparison      *self);

G_END_DECLS
