/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "weft-diff.h"
#include "weft-json-builder-private.h"

/**
 * WeftDiff:
 *
 * What changed between two recordings, A and B (two runs, two traces, a
 * run and a trace), from their summaries: the wall time, each state's time
 * summed over the lanes and per pair of lanes, each lock's and queue's
 * waits and holds, the GIL's, the main loop's lag, lost updates and task
 * counts, each as A, B and B − A. Lanes are paired by name, then what is
 * left by order within its executor's group. The rows come sorted biggest
 * change first: times by their change's share of the longer wall time
 * (of wall time × lanes for a time summed over lanes),
 * then counts by their change relative to the larger side. Immutable once
 * built; weft-cli diff prints it and the app's Diff view shows it.
 */
struct _WeftDiff
{
  GObject      parent_instance;

  WeftSummary *summary[2];
  char        *name[2];
  GArray      *rows;      /* WeftDiffRow */
  GArray      *pairs;     /* WeftDiffLanePair */
};

G_DEFINE_FINAL_TYPE (WeftDiff, weft_diff, G_TYPE_OBJECT)

#define NS_TO_S(ns) ((double) (ns) / 1e9)

static const char * const kind_nicks[] = {
  [WEFT_DIFF_WALL] = "wall",
  [WEFT_DIFF_STATE] = "state",
  [WEFT_DIFF_LANE_STATE] = "lane-state",
  [WEFT_DIFF_LOCK_WAIT] = "lock-wait",
  [WEFT_DIFF_LOCK_HOLD] = "lock-hold",
  [WEFT_DIFF_GIL_WAIT] = "gil-wait",
  [WEFT_DIFF_GIL_HOLD] = "gil-hold",
  [WEFT_DIFF_QUEUE_BLOCKED] = "queue-blocked",
  [WEFT_DIFF_LOOP_LAG] = "loop-lag",
  [WEFT_DIFF_LOST_UPDATES] = "lost-updates",
  [WEFT_DIFF_TASKS_OK] = "tasks-ok",
  [WEFT_DIFF_TASKS_FAILED] = "tasks-failed",
  [WEFT_DIFF_TASKS_CANCELLED] = "tasks-cancelled",
  [WEFT_DIFF_LOCK_CONTENDED] = "lock-contended",
  [WEFT_DIFF_QUEUE_MAX_DEPTH] = "queue-max-depth",
};

static void
clear_row (gpointer data)
{
  WeftDiffRow *row = data;

  g_free (row->subject);
  g_free (row->subject_a);
}

static void
clear_pair (gpointer data)
{
  WeftDiffLanePair *pair = data;

  g_free (pair->a);
  g_free (pair->b);
}

static void
weft_diff_finalize (GObject *object)
{
  WeftDiff *self = WEFT_DIFF (object);

  for (guint i = 0; i < 2; i++)
    {
      g_clear_object (&self->summary[i]);
      g_free (self->name[i]);
    }
  g_array_unref (self->rows);
  g_array_unref (self->pairs);

  G_OBJECT_CLASS (weft_diff_parent_class)->finalize (object);
}

static void
weft_diff_class_init (WeftDiffClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = weft_diff_finalize;
}

static void
weft_diff_init (WeftDiff *self)
{
  self->rows = g_array_new (FALSE, TRUE, sizeof (WeftDiffRow));
  g_array_set_clear_func (self->rows, clear_row);
  self->pairs = g_array_new (FALSE, TRUE, sizeof (WeftDiffLanePair));
  g_array_set_clear_func (self->pairs, clear_pair);
  self->name[0] = g_strdup ("A");
  self->name[1] = g_strdup ("B");
}

/* ---- Rows ---------------------------------------------------------------- */

gboolean
weft_diff_kind_is_time (WeftDiffKind kind)
{
  return kind <= WEFT_DIFF_LOOP_LAG;
}

/**
 * weft_diff_kind_is_lane_sum:
 *
 * Returns: whether @kind is a time summed over lanes (a state's time over
 *   all lanes, a lock's or the GIL's waits and holds, a queue's blocked
 *   time): it can be as long as the wall time on every lane at once, and
 *   its share is of that (wall time × lanes), so that it stays within 100 %
 */
gboolean
weft_diff_kind_is_lane_sum (WeftDiffKind kind)
{
  return weft_diff_kind_is_time (kind) && kind != WEFT_DIFF_WALL &&
         kind != WEFT_DIFF_LANE_STATE && kind != WEFT_DIFF_LOOP_LAG;
}

/* Returns: (transfer none): a stable name for the JSON form ("gil-wait") */
const char *
weft_diff_kind_to_nick (WeftDiffKind kind)
{
  return (guint) kind < G_N_ELEMENTS (kind_nicks) ? kind_nicks[kind] : "unknown";
}

/* A side's figure: present or not, and its value */
typedef struct
{
  gboolean has;
  gint64   value;
} Side;

static void
add_row (WeftDiff     *self,
         WeftDiffKind  kind,
         const char   *subject,
         const char   *subject_a,
         WeftState     state,
         Side          a,
         Side          b)
{
  WeftDiffRow row = { 0 };

  /* nothing on either side is no change worth a row; the wall always is,
   * and a counter that lost nothing says so */
  if (kind != WEFT_DIFF_WALL && kind != WEFT_DIFF_LOST_UPDATES && a.value == 0 && b.value == 0)
    return;
  row.kind = kind;
  row.subject = g_strdup (subject);
  if (subject_a != NULL && g_strcmp0 (subject_a, subject) != 0)
    row.subject_a = g_strdup (subject_a);
  row.state = state;
  row.has_a = a.has;
  row.has_b = b.has;
  row.a = a.has ? a.value : 0;
  row.b = b.has ? b.value : 0;
  g_array_append_val (self->rows, row);
}

static Side
side (gboolean has,
      gint64   value)
{
  Side s = { has, has ? value : 0 };

  return s;
}

/* ---- Lanes --------------------------------------------------------------- */

/* A recorded lane's name without the process or thread id that ends it
 * ("xz (tid 12)" → "xz"): ids differ from one recording to the next */
static char *
name_without_id (const char *name)
{
  const char *open = name != NULL ? strrchr (name, '(') : NULL;
  const char *p;

  if (open == NULL || open == name || open[-1] != ' ' ||
      (!g_str_has_prefix (open, "(pid ") && !g_str_has_prefix (open, "(tid ")))
    return g_strdup (name);
  for (p = open + 5; g_ascii_isdigit (*p); p++)
    ;
  if (p == open + 5 || strcmp (p, ")") != 0)
    return g_strdup (name);
  return g_strndup (name, (gsize) (open - 1 - name));
}

/* Pairs A's unpaired lanes with B's unused ones whose (id-less) names are
 * equal, in order */
static void
pair_by_names (const WeftSummaryWorker *wa,
               guint                    na,
               const WeftSummaryWorker *wb,
               guint                    nb,
               gboolean                 without_ids,
               int                     *pair,
               gboolean                *by_name,
               gboolean                *used)
{
  for (guint i = 0; i < na; i++)
    {
      g_autofree char *a = without_ids ? name_without_id (wa[i].name) : g_strdup (wa[i].name);

      for (guint j = 0; j < nb && pair[i] < 0; j++)
        {
          g_autofree char *b = without_ids ? name_without_id (wb[j].name) : g_strdup (wb[j].name);

          if (!used[j] && g_strcmp0 (a, b) == 0)
            {
              pair[i] = (int) j;
              used[j] = by_name[i] = TRUE;
            }
        }
    }
}

/* Index in B of each of A's lanes, -1 when unpaired; by name first (equal
 * names in order), then by name without a recorded process or thread id,
 * then what is left in order within the same executor */
static int *
pair_lanes (const WeftSummaryWorker *wa,
            guint                    na,
            const WeftSummaryWorker *wb,
            guint                    nb,
            gboolean               **out_by_name)
{
  int *pair = g_new (int, MAX (na, 1));
  gboolean *by_name = g_new0 (gboolean, MAX (na, 1));
  g_autofree gboolean *used = g_new0 (gboolean, MAX (nb, 1));

  for (guint i = 0; i < na; i++)
    pair[i] = -1;
  pair_by_names (wa, na, wb, nb, FALSE, pair, by_name, used);
  pair_by_names (wa, na, wb, nb, TRUE, pair, by_name, used);
  for (guint i = 0; i < na; i++)
    for (guint j = 0; j < nb && pair[i] < 0; j++)
      if (!used[j] && wa[i].executor == wb[j].executor)
        {
          pair[i] = (int) j;
          used[j] = TRUE;
        }
  *out_by_name = by_name;
  return pair;
}

static void
add_lane_rows (WeftDiff                *self,
               const WeftSummaryWorker *wa,
               const WeftSummaryWorker *wb)
{
  for (guint s = 0; s < WEFT_N_STATES; s++)
    add_row (self, WEFT_DIFF_LANE_STATE, wb != NULL ? wb->name : wa->name,
             wa != NULL ? wa->name : NULL, s,
             side (wa != NULL, wa != NULL ? (gint64) wa->state_ns[s] : 0),
             side (wb != NULL, wb != NULL ? (gint64) wb->state_ns[s] : 0));
}

static void
add_pair (WeftDiff   *self,
          const char *a,
          const char *b,
          gboolean    by_name)
{
  WeftDiffLanePair pair = { g_strdup (a), g_strdup (b), by_name };

  g_array_append_val (self->pairs, pair);
}

static void
diff_lanes (WeftDiff *self)
{
  guint na, nb;
  const WeftSummaryWorker *wa = weft_summary_get_workers (self->summary[0], &na);
  const WeftSummaryWorker *wb = weft_summary_get_workers (self->summary[1], &nb);
  g_autofree gboolean *by_name = NULL;
  g_autofree int *pair = pair_lanes (wa, na, wb, nb, &by_name);
  g_autofree gboolean *paired_b = g_new0 (gboolean, MAX (nb, 1));

  for (guint i = 0; i < na; i++)
    {
      const WeftSummaryWorker *b = pair[i] >= 0 ? &wb[pair[i]] : NULL;

      add_pair (self, wa[i].name, b != NULL ? b->name : NULL, by_name[i]);
      add_lane_rows (self, &wa[i], b);
      if (pair[i] >= 0)
        paired_b[pair[i]] = TRUE;
    }
  for (guint j = 0; j < nb; j++)
    if (!paired_b[j])
      {
        add_pair (self, NULL, wb[j].name, FALSE);
        add_lane_rows (self, NULL, &wb[j]);
      }
}

/* ---- Whole-run figures --------------------------------------------------- */

static gint64
state_total (WeftSummary *summary,
             WeftState    state)
{
  guint n;
  const WeftSummaryWorker *w = weft_summary_get_workers (summary, &n);
  guint64 total = 0;

  for (guint i = 0; i < n; i++)
    total += w[i].state_ns[state];
  return (gint64) total;
}

static void
diff_states (WeftDiff *self)
{
  for (guint s = 0; s < WEFT_N_STATES; s++)
    add_row (self, WEFT_DIFF_STATE, NULL, NULL, s,
             side (TRUE, state_total (self->summary[0], s)),
             side (TRUE, state_total (self->summary[1], s)));
}

static const WeftSummaryLock *
find_lock (WeftSummary           *summary,
           const WeftSummaryLock *like)
{
  guint n;
  const WeftSummaryLock *l = weft_summary_get_locks (summary, &n);

  for (guint i = 0; i < n; i++)
    if (l[i].is_gil == like->is_gil && (like->is_gil || g_strcmp0 (l[i].name, like->name) == 0))
      return &l[i];
  return NULL;
}

/* A side has a lock's figures when it has the lock; a run known to have had
 * no GIL has its GIL's: none waited for it, none held it */
typedef enum { LOCK_WAIT, LOCK_HOLD, LOCK_CONTENDED } LockFigure;

static Side
lock_side (WeftSummary           *summary,
           const WeftSummaryLock *l,
           gboolean               is_gil,
           LockFigure             figure)
{
  if (l == NULL)
    return side (is_gil && weft_summary_get_gil (summary) == 0, 0);
  return side (TRUE, (gint64) (figure == LOCK_HOLD ? l->stats.total_hold_ns
                               : figure == LOCK_WAIT ? l->stats.total_wait_ns : l->stats.contended));
}

static void
add_lock_rows (WeftDiff              *self,
               const WeftSummaryLock *la,
               const WeftSummaryLock *lb)
{
  const WeftSummaryLock *any = la != NULL ? la : lb;
  const char *subject = any->is_gil ? NULL : any->name;

  add_row (self, any->is_gil ? WEFT_DIFF_GIL_WAIT : WEFT_DIFF_LOCK_WAIT, subject, NULL, 0,
           lock_side (self->summary[0], la, any->is_gil, LOCK_WAIT),
           lock_side (self->summary[1], lb, any->is_gil, LOCK_WAIT));
  add_row (self, any->is_gil ? WEFT_DIFF_GIL_HOLD : WEFT_DIFF_LOCK_HOLD, subject, NULL, 0,
           lock_side (self->summary[0], la, any->is_gil, LOCK_HOLD),
           lock_side (self->summary[1], lb, any->is_gil, LOCK_HOLD));
  /* the GIL's subject is NULL in its time rows, "GIL" here: one kind for both */
  add_row (self, WEFT_DIFF_LOCK_CONTENDED, any->is_gil ? "GIL" : any->name, NULL, 0,
           lock_side (self->summary[0], la, any->is_gil, LOCK_CONTENDED),
           lock_side (self->summary[1], lb, any->is_gil, LOCK_CONTENDED));
}

static void
diff_locks (WeftDiff *self)
{
  guint na, nb;
  const WeftSummaryLock *la = weft_summary_get_locks (self->summary[0], &na);
  const WeftSummaryLock *lb = weft_summary_get_locks (self->summary[1], &nb);

  for (guint i = 0; i < na; i++)
    add_lock_rows (self, &la[i], find_lock (self->summary[1], &la[i]));
  for (guint j = 0; j < nb; j++)
    if (find_lock (self->summary[0], &lb[j]) == NULL)
      add_lock_rows (self, NULL, &lb[j]);
}

static const WeftSummaryQueue *
find_queue (WeftSummary *summary,
            const char  *name)
{
  guint n;
  const WeftSummaryQueue *q = weft_summary_get_queues (summary, &n);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (q[i].name, name) == 0)
      return &q[i];
  return NULL;
}

static void
add_queue_rows (WeftDiff               *self,
                const WeftSummaryQueue *qa,
                const WeftSummaryQueue *qb)
{
  const char *name = qa != NULL ? qa->name : qb->name;

  add_row (self, WEFT_DIFF_QUEUE_BLOCKED, name, NULL, 0,
           side (qa != NULL, qa != NULL ? (gint64) qa->stats.blocked_ns : 0),
           side (qb != NULL, qb != NULL ? (gint64) qb->stats.blocked_ns : 0));
  add_row (self, WEFT_DIFF_QUEUE_MAX_DEPTH, name, NULL, 0,
           side (qa != NULL, qa != NULL ? qa->stats.max_depth : 0),
           side (qb != NULL, qb != NULL ? qb->stats.max_depth : 0));
}

static void
diff_queues (WeftDiff *self)
{
  guint na, nb;
  const WeftSummaryQueue *qa = weft_summary_get_queues (self->summary[0], &na);
  const WeftSummaryQueue *qb = weft_summary_get_queues (self->summary[1], &nb);

  for (guint i = 0; i < na; i++)
    add_queue_rows (self, &qa[i], find_queue (self->summary[1], qa[i].name));
  for (guint j = 0; j < nb; j++)
    if (find_queue (self->summary[0], qb[j].name) == NULL)
      add_queue_rows (self, NULL, &qb[j]);
}

static const WeftCounterResult *
find_counter (WeftSummary *summary,
              const char  *name)
{
  guint n;
  const WeftCounterResult *c = weft_summary_get_counters (summary, &n);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (c[i].name, name) == 0)
      return &c[i];
  return NULL;
}

static void
diff_counters (WeftDiff *self)
{
  guint na, nb;
  const WeftCounterResult *ca = weft_summary_get_counters (self->summary[0], &na);
  const WeftCounterResult *cb = weft_summary_get_counters (self->summary[1], &nb);

  for (guint i = 0; i < na; i++)
    {
      const WeftCounterResult *other = find_counter (self->summary[1], ca[i].name);

      add_row (self, WEFT_DIFF_LOST_UPDATES, ca[i].name, NULL, 0, side (TRUE, ca[i].lost),
               side (other != NULL, other != NULL ? other->lost : 0));
    }
  for (guint j = 0; j < nb; j++)
    if (find_counter (self->summary[0], cb[j].name) == NULL)
      add_row (self, WEFT_DIFF_LOST_UPDATES, cb[j].name, NULL, 0, side (FALSE, 0), side (TRUE, cb[j].lost));
}

static void
diff_outcome (WeftDiff *self)
{
  const WeftSummaryTasks *ta = weft_summary_get_tasks (self->summary[0]);
  const WeftSummaryTasks *tb = weft_summary_get_tasks (self->summary[1]);
  guint64 lag[2] = { 0, 0 };
  gboolean has_lag[2];

  for (guint i = 0; i < 2; i++)
    has_lag[i] = weft_summary_get_loop_lag (self->summary[i], &lag[i]);
  add_row (self, WEFT_DIFF_LOOP_LAG, NULL, NULL, 0, side (has_lag[0], (gint64) lag[0]),
           side (has_lag[1], (gint64) lag[1]));

  add_row (self, WEFT_DIFF_TASKS_OK, NULL, NULL, 0, side (ta != NULL, ta ? (gint64) ta->ok : 0),
           side (tb != NULL, tb ? (gint64) tb->ok : 0));
  add_row (self, WEFT_DIFF_TASKS_FAILED, NULL, NULL, 0, side (ta != NULL, ta ? (gint64) ta->failed : 0),
           side (tb != NULL, tb ? (gint64) tb->failed : 0));
  add_row (self, WEFT_DIFF_TASKS_CANCELLED, NULL, NULL, 0, side (ta != NULL, ta ? (gint64) ta->cancelled : 0),
           side (tb != NULL, tb ? (gint64) tb->cancelled : 0));
}

/* ---- Order --------------------------------------------------------------- */

/* All lanes' time on one side: its wall time on each lane */
static double
lanes_time (WeftSummary *summary)
{
  guint n = 0;

  weft_summary_get_workers (summary, &n);
  return (double) weft_summary_get_wall_ns (summary) * MAX (n, 1);
}

static void
compute_shares (WeftDiff *self)
{
  double wall = MAX (weft_summary_get_wall_ns (self->summary[0]), weft_summary_get_wall_ns (self->summary[1]));
  double lanes = MAX (lanes_time (self->summary[0]), lanes_time (self->summary[1]));

  for (guint i = 0; i < self->rows->len; i++)
    {
      WeftDiffRow *row = &g_array_index (self->rows, WeftDiffRow, i);
      double change = fabs ((double) row->b - (double) row->a);
      double base = weft_diff_kind_is_lane_sum (row->kind) ? lanes
                    : weft_diff_kind_is_time (row->kind) ? wall
                    : MAX (fabs ((double) row->a), fabs ((double) row->b));

      row->share = base > 0 ? change / base : 0;
    }
}

static int
compare_rows (gconstpointer pa,
              gconstpointer pb)
{
  const WeftDiffRow *a = pa, *b = pb;
  gboolean time_a = weft_diff_kind_is_time (a->kind), time_b = weft_diff_kind_is_time (b->kind);

  if (time_a != time_b)
    return time_a ? -1 : 1;
  if (a->share != b->share)
    return a->share > b->share ? -1 : 1;
  /* equal changes keep the order they were built in: wall, sums, lanes… */
  return a->kind != b->kind ? (int) a->kind - (int) b->kind : 0;
}

static WeftDiff *
build (WeftSummary *a,
       WeftSummary *b)
{
  WeftDiff *self = g_object_new (WEFT_TYPE_DIFF, NULL);

  self->summary[0] = g_object_ref (a);
  self->summary[1] = g_object_ref (b);
  add_row (self, WEFT_DIFF_WALL, NULL, NULL, 0, side (TRUE, (gint64) weft_summary_get_wall_ns (a)),
           side (TRUE, (gint64) weft_summary_get_wall_ns (b)));
  diff_states (self);
  diff_lanes (self);
  diff_locks (self);
  diff_queues (self);
  diff_outcome (self);
  diff_counters (self);
  compute_shares (self);
  /* g_array_sort is a stable merge sort in GLib: equal rows keep their order */
  g_array_sort (self->rows, compare_rows);
  return self;
}

/**
 * weft_diff_new:
 * @a: the first recording's summary (the "before")
 * @b: the second's (the "after")
 *
 * Returns: (transfer full): what changed from @a to @b; keeps a reference
 *   to both summaries
 */
WeftDiff *
weft_diff_new (WeftSummary *a,
               WeftSummary *b)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY (a), NULL);
  g_return_val_if_fail (WEFT_IS_SUMMARY (b), NULL);

  return build (a, b);
}

/**
 * weft_diff_new_for_models:
 *
 * The diff of two timelines, with only what the timelines say (no profile,
 * no run result: no lost updates, loop lag or task outcome beyond the lanes').
 *
 * Returns: (transfer full): what changed from @a to @b
 */
WeftDiff *
weft_diff_new_for_models (WeftTraceModel *a,
                          WeftTraceModel *b)
{
  g_autoptr(WeftSummary) sa = NULL;
  g_autoptr(WeftSummary) sb = NULL;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (a), NULL);
  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (b), NULL);

  sa = weft_summary_new (a, NULL, NULL);
  sb = weft_summary_new (b, NULL, NULL);
  return build (sa, sb);
}

/* Names the two sides (a file's name, a run's title); "A" and "B" by default */
void
weft_diff_set_names (WeftDiff   *self,
                     const char *name_a,
                     const char *name_b)
{
  g_return_if_fail (WEFT_IS_DIFF (self));

  g_free (self->name[0]);
  g_free (self->name[1]);
  self->name[0] = g_strdup (name_a != NULL ? name_a : "A");
  self->name[1] = g_strdup (name_b != NULL ? name_b : "B");
}

/* Returns: (transfer none): A's name, or B's when @b */
const char *
weft_diff_get_name (WeftDiff *self,
                    gboolean  b)
{
  g_return_val_if_fail (WEFT_IS_DIFF (self), NULL);
  return self->name[b ? 1 : 0];
}

/* Returns: (transfer none): A's summary, or B's when @b */
WeftSummary *
weft_diff_get_summary (WeftDiff *self,
                       gboolean  b)
{
  g_return_val_if_fail (WEFT_IS_DIFF (self), NULL);
  return self->summary[b ? 1 : 0];
}

/* Returns: (transfer none): the rows, biggest change first */
const WeftDiffRow *
weft_diff_get_rows (WeftDiff *self,
                    guint    *n_rows)
{
  g_return_val_if_fail (WEFT_IS_DIFF (self), NULL);
  *n_rows = self->rows->len;
  return (const WeftDiffRow *) (gpointer) self->rows->data;
}

/**
 * weft_diff_find_row:
 * @subject: (nullable): as in #WeftDiffRow
 * @state: for state rows, else ignored
 *
 * Returns: (transfer none) (nullable): the row, or NULL when neither side
 *   has anything of it
 */
const WeftDiffRow *
weft_diff_find_row (WeftDiff     *self,
                    WeftDiffKind  kind,
                    const char   *subject,
                    WeftState     state)
{
  gboolean has_state = kind == WEFT_DIFF_STATE || kind == WEFT_DIFF_LANE_STATE;

  g_return_val_if_fail (WEFT_IS_DIFF (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      const WeftDiffRow *row = &g_array_index (self->rows, WeftDiffRow, i);

      if (row->kind == kind && g_strcmp0 (row->subject, subject) == 0 && (!has_state || row->state == state))
        return row;
    }
  return NULL;
}

/* Returns: (transfer none): A's lanes in order, each with its partner in B,
 * then B's lanes without one */
const WeftDiffLanePair *
weft_diff_get_lane_pairs (WeftDiff *self,
                          guint    *n_pairs)
{
  g_return_val_if_fail (WEFT_IS_DIFF (self), NULL);
  *n_pairs = self->pairs->len;
  return (const WeftDiffLanePair *) (gpointer) self->pairs->data;
}

/* ---- Words --------------------------------------------------------------- */

/**
 * weft_diff_row_dup_label:
 *
 * Returns: (transfer full): what the row compares, in English:
 *   "worker 1: Waiting for the GIL", "lock counter_lock: wait"
 */
char *
weft_diff_row_dup_label (const WeftDiffRow *row)
{
  g_autofree char *lane = row->subject_a != NULL ? g_strdup_printf ("%s → %s", row->subject_a, row->subject)
                                                 : g_strdup (row->subject);

  switch (row->kind)
    {
    case WEFT_DIFF_WALL:            return g_strdup ("wall time");
    case WEFT_DIFF_STATE:           return g_strdup_printf ("%s (all lanes)", weft_state_to_string (row->state));
    case WEFT_DIFF_LANE_STATE:      return g_strdup_printf ("%s: %s", lane, weft_state_to_string (row->state));
    case WEFT_DIFF_LOCK_WAIT:       return g_strdup_printf ("lock %s: wait", row->subject);
    case WEFT_DIFF_LOCK_HOLD:       return g_strdup_printf ("lock %s: held", row->subject);
    case WEFT_DIFF_GIL_WAIT:        return g_strdup ("GIL: wait");
    case WEFT_DIFF_GIL_HOLD:        return g_strdup ("GIL: held");
    case WEFT_DIFF_QUEUE_BLOCKED:   return g_strdup_printf ("queue %s: blocked", row->subject);
    case WEFT_DIFF_LOOP_LAG:        return g_strdup ("main loop: latest wake-up");
    case WEFT_DIFF_LOST_UPDATES:    return g_strdup_printf ("counter %s: lost updates", row->subject);
    case WEFT_DIFF_TASKS_OK:        return g_strdup ("tasks ok");
    case WEFT_DIFF_TASKS_FAILED:    return g_strdup ("tasks failed");
    case WEFT_DIFF_TASKS_CANCELLED: return g_strdup ("tasks cancelled");
    case WEFT_DIFF_LOCK_CONTENDED:  return g_strdup_printf ("%s%s: contended acquisitions",
                                                            g_strcmp0 (row->subject, "GIL") == 0 ? "" : "lock ",
                                                            row->subject);
    case WEFT_DIFF_QUEUE_MAX_DEPTH: return g_strdup_printf ("queue %s: most items", row->subject);
    default:                        return g_strdup ("?");
    }
}

/**
 * weft_diff_row_dup_value:
 * @side: 0 for A, 1 for B, 2 for the difference B − A
 *
 * Returns: (transfer full): "1.2345 s", "+0.0420 s", "12", "+3", or "—"
 *   when a side lacks the figure
 */
char *
weft_diff_row_dup_value (const WeftDiffRow *row,
                         int                side)
{
  gboolean time = weft_diff_kind_is_time (row->kind);
  gint64 value;

  if ((side != 1 && !row->has_a) || (side != 0 && !row->has_b))
    return g_strdup ("—");
  value = side == 0 ? row->a : side == 1 ? row->b : row->b - row->a;
  if (time)
    return g_strdup_printf (side == 2 ? "%+.4f s" : "%.4f s", value / 1e9);
  return g_strdup_printf (side == 2 ? "%+" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, value);
}

/* ---- JSON ---------------------------------------------------------------- */

static void
json_value (JsonBuilder *b,
            const char  *name,
            gboolean     has,
            gboolean     time,
            gint64       value)
{
  json_builder_set_member_name (b, name);
  if (!has)
    json_builder_add_null_value (b);
  else if (time)
    json_builder_add_double_value (b, NS_TO_S (value));
  else
    json_builder_add_int_value (b, value);
}

static void
json_side (WeftDiff    *self,
           JsonBuilder *b,
           guint        i)
{
  WeftSummary *s = self->summary[i];
  guint n_lanes;

  json_builder_set_member_name (b, i == 0 ? "a" : "b");
  json_builder_begin_object (b);
  _weft_json_add_string (b, "name", self->name[i]);
  _weft_json_add_string (b, "profile", weft_summary_get_profile (s));
  _weft_json_add_string (b, "executor", weft_summary_get_executor (s));
  json_builder_set_member_name (b, "gil");
  if (weft_summary_get_gil (s) >= 0)
    json_builder_add_boolean_value (b, weft_summary_get_gil (s));
  else
    json_builder_add_null_value (b);
  weft_summary_get_workers (s, &n_lanes);
  _weft_json_add_int (b, "lanes", n_lanes);
  _weft_json_add_double (b, "wall_s", NS_TO_S (weft_summary_get_wall_ns (s)));
  json_builder_end_object (b);
}

static void
json_pairs (WeftDiff    *self,
            JsonBuilder *b)
{
  json_builder_set_member_name (b, "lanes");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->pairs->len; i++)
    {
      const WeftDiffLanePair *p = &g_array_index (self->pairs, WeftDiffLanePair, i);

      json_builder_begin_object (b);
      _weft_json_add_string (b, "a", p->a);
      _weft_json_add_string (b, "b", p->b);
      _weft_json_add_string (b, "paired_by", p->a == NULL || p->b == NULL ? NULL : p->by_name ? "name" : "order");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
json_row (JsonBuilder       *b,
          const WeftDiffRow *row)
{
  gboolean time = weft_diff_kind_is_time (row->kind);
  g_autofree char *label = weft_diff_row_dup_label (row);

  json_builder_begin_object (b);
  _weft_json_add_string (b, "what", weft_diff_kind_to_nick (row->kind));
  _weft_json_add_string (b, "subject", row->subject);
  _weft_json_add_string (b, "subject_a", row->subject_a);
  _weft_json_add_string (b, "state", row->kind == WEFT_DIFF_STATE || row->kind == WEFT_DIFF_LANE_STATE
                                     ? weft_state_to_nick (row->state) : NULL);
  _weft_json_add_string (b, "label", label);
  _weft_json_add_string (b, "unit", time ? "s" : "count");
  json_value (b, "a", row->has_a, time, row->a);
  json_value (b, "b", row->has_b, time, row->b);
  json_value (b, "difference", row->has_a && row->has_b, time, row->b - row->a);
  _weft_json_add_double (b, "share", row->share);
  json_builder_end_object (b);
}

/**
 * weft_diff_to_json:
 *
 * The diff as docs/cli.md documents it.
 *
 * Returns: (transfer full): the diff document
 */
JsonNode *
weft_diff_to_json (WeftDiff *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (WEFT_IS_DIFF (self), NULL);

  json_builder_begin_object (b);
  json_side (self, b, 0);
  json_side (self, b, 1);
  _weft_json_add_string (b, "sorted_by", "share of the longer wall time (times), then relative change (counts)");
  json_pairs (self, b);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->rows->len; i++)
    json_row (b, &g_array_index (self->rows, WeftDiffRow, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- Text ---------------------------------------------------------------- */

static void
text_side (WeftDiff *self,
           GString  *s,
           guint     i)
{
  WeftSummary *summary = self->summary[i];
  const char *executor = weft_summary_get_executor (summary);

  g_string_append_printf (s, "%s  %s", i == 0 ? "A" : "B", self->name[i]);
  if (weft_summary_get_profile (summary) != NULL)
    g_string_append_printf (s, ": %s", weft_summary_get_profile (summary));
  if (executor != NULL)
    g_string_append_printf (s, ", %s", executor);
  if (weft_summary_get_gil (summary) >= 0)
    g_string_append_printf (s, ", GIL %s", weft_summary_get_gil (summary) ? "on" : "off");
  g_string_append_printf (s, ", wall %.3f s\n", NS_TO_S (weft_summary_get_wall_ns (summary)));
}

static void
text_pairs (WeftDiff *self,
            GString  *s)
{
  gboolean header = FALSE;

  for (guint i = 0; i < self->pairs->len; i++)
    {
      const WeftDiffLanePair *p = &g_array_index (self->pairs, WeftDiffLanePair, i);

      if (p->by_name)
        continue;
      if (!header)
        g_string_append (s, "\nlanes not paired by name:\n");
      header = TRUE;
      g_string_append_printf (s, "  %s → %s\n", p->a != NULL ? p->a : "(none in A)",
                              p->b != NULL ? p->b : "(none in B)");
    }
}

/* @text padded to |@width| characters (not bytes), left-aligned when @width < 0 */
static void
pad (GString    *s,
     const char *text,
     int         width)
{
  glong n = g_utf8_strlen (text, -1);
  glong fill = MAX (ABS (width) - n, 0);

  if (width > 0)
    for (glong i = 0; i < fill; i++)
      g_string_append_c (s, ' ');
  g_string_append (s, text);
  if (width < 0)
    for (glong i = 0; i < fill; i++)
      g_string_append_c (s, ' ');
}

/**
 * weft_diff_to_text:
 *
 * Returns: (transfer full): the two sides, then one line per row, biggest
 *   change first
 */
char *
weft_diff_to_text (WeftDiff *self)
{
  GString *s;
  int width = 24;

  g_return_val_if_fail (WEFT_IS_DIFF (self), NULL);

  /* the widest label sets the first column, within reason */
  for (guint i = 0; i < self->rows->len; i++)
    {
      g_autofree char *label = weft_diff_row_dup_label (&g_array_index (self->rows, WeftDiffRow, i));

      width = MAX (width, (int) MIN (g_utf8_strlen (label, -1) + 1, 72));
    }
  s = g_string_new (NULL);
  text_side (self, s, 0);
  text_side (self, s, 1);
  text_pairs (self, s);
  g_string_append_c (s, '\n');
  pad (s, "what changed", -width);
  pad (s, "A", 13);
  pad (s, "B", 13);
  pad (s, "B − A", 13);
  g_string_append (s, "   share\n");
  for (guint i = 0; i < self->rows->len; i++)
    {
      const WeftDiffRow *row = &g_array_index (self->rows, WeftDiffRow, i);
      g_autofree char *label = weft_diff_row_dup_label (row);
      g_autofree char *a = weft_diff_row_dup_value (row, 0);
      g_autofree char *b = weft_diff_row_dup_value (row, 1);
      g_autofree char *d = weft_diff_row_dup_value (row, 2);

      pad (s, label, -width);
      pad (s, a, 13);
      pad (s, b, 13);
      pad (s, d, 13);
      g_string_append_printf (s, " %6.1f%%\n", 100 * row->share);
    }
  g_string_append (s, "\nshare: of the longer wall time for the wall, a lane's and the loop's times; "
                     "of the larger wall time × lanes for times summed over lanes; "
                     "of the larger side for counts\n");
  return g_string_free (s, FALSE);
}
