/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-search"

#include "config.h"

#include <string.h>

#include "weft-span-links.h"
#include "weft-lane-painter.h"
#include "weft-search-private.h"
#include "weft-state-style.h"
#include "weft-timeline-search.h"

/**
 * WeftTimelineSearch:
 *
 * The spans a query names. A span matches when the query, ignoring case,
 * is part of its label (its task, lock or queue name, "Task 12", "GIL"),
 * begins a word of its state's label ("lock" for "Waiting for a lock") or
 * begins its state's name ("lock-wait", "queue" for both queue states).
 * Whether a (state, object) pair matches is decided once,
 * so a search costs one hash lookup per span. Matches are kept sorted by
 * start, for stepping with Enter and Shift+Enter.
 */
struct _WeftTimelineSearch
{
  GObject  parent_instance;

  char         *query;
  GArray       *matches;       /* WeftSearchMatch, by start */
  guint         current;       /* index into @matches, or G_MAXUINT */
  GCancellable *searching;     /* a search on a worker thread, if any */
  guint64       thread_from;   /* spans from which start() searches on a thread */
};

/* A finished trace with this many spans is searched on a worker thread
 * (about 0.25 s for 11 M spans here): typing does not stop the window. */
#define THREAD_FROM_SPANS 1000000

G_DEFINE_FINAL_TYPE (WeftTimelineSearch, weft_timeline_search, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
text_has (const char *text,
          const char *needle)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return FALSE;
  folded = g_utf8_casefold (text, -1);
  return strstr (folded, needle) != NULL;
}

/* Whether a word of @text begins with @needle ("lock" names "Waiting for a
 * lock", not "Blocked on a queue get") */
static gboolean
words_start_with (const char *text,
                  const char *needle)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);

  for (const char *p = folded; (p = strstr (p, needle)) != NULL; p++)
    if (p == folded || p[-1] == ' ')
      return TRUE;
  return FALSE;
}

typedef struct
{
  WeftTraceModel *model;
  const char     *needle;
  GHashTable     *named;                   /* named object → whether it matches */
  gboolean        state_hit[WEFT_N_STATES];
  gboolean        task_number;             /* "Task N" labels may match */
  gboolean        gil_hit;                 /* the GIL's label "GIL" matches */
} Query;

/* Whether the needle can be part of "task N" for some number N: digits
 * after a piece of "task " that ends where they begin, or a piece alone */
static gboolean
may_name_task (const char *needle)
{
  static const char digits[] = "0123456789";
  gsize k = strcspn (needle, digits);
  g_autofree char *prefix = g_strndup (needle, k);
  const char *rest = needle + k;

  if (strspn (rest, digits) != strlen (rest))
    return FALSE;
  return *rest == '\0' ? strstr ("task ", prefix) != NULL : g_str_has_suffix ("task ", prefix);
}

static void
query_init (Query          *q,
            WeftTraceModel *model,
            const char     *needle)
{
  q->model = model;
  q->needle = needle;
  q->named = g_hash_table_new (NULL, NULL);
  q->state_hit[WEFT_STATE_IDLE] = FALSE;
  for (guint s = 1; s < WEFT_N_STATES; s++)
    q->state_hit[s] = words_start_with (weft_state_style_get_label (s), needle) ||
                      g_str_has_prefix (weft_state_to_nick (s), needle);
  q->task_number = may_name_task (needle);
  q->gil_hit = text_has ("GIL", needle);
}

/* Whether a span of @state on @object matches. A state decides at once; a
 * named object's answer is kept; an unnamed one is a "Task N" or the GIL
 * (weft_lane_painter_get_span_text()), decided without building its label
 * when the needle cannot name a task. */
static gboolean
pair_matches (Query   *q,
              guint    state,
              guint32  object)
{
  gpointer value;
  const char *name;
  char buf[32];
  gboolean hit;

  if (state < WEFT_N_STATES && q->state_hit[state])
    return TRUE;
  if (g_hash_table_lookup_extended (q->named, GUINT_TO_POINTER (object), NULL, &value))
    return GPOINTER_TO_INT (value);
  name = weft_trace_model_get_object_name (q->model, object);
  if (name != NULL && *name != '\0')
    {
      hit = text_has (name, q->needle);
      g_hash_table_insert (q->named, GUINT_TO_POINTER (object), GINT_TO_POINTER (hit));
      return hit;
    }
  if (state == WEFT_STATE_GIL_WAIT || state == WEFT_STATE_GIL_HELD)
    return q->gil_hit;
  if (state != WEFT_STATE_RUNNING || !q->task_number)
    return FALSE;
  return text_has (weft_lane_painter_get_span_text (q->model, state, object, buf, sizeof buf), q->needle);
}

/* Matches come in runs sorted by start (one per depth row, one per open
 * span); merging the runs pairwise sorts them in O(n log runs) */
static void
merge_runs (GArray *matches,
            GArray *runs)
{
  g_autofree WeftSearchMatch *tmp = NULL;
  WeftSearchMatch *src, *dst;
  g_autoptr(GArray) next = NULL;

  /* (nothing to sort; the array has no storage to copy back into) */
  if (matches->len == 0)
    return;
  tmp = g_new (WeftSearchMatch, matches->len);
  src = (WeftSearchMatch *) matches->data;
  dst = tmp;
  next = g_array_new (FALSE, FALSE, sizeof (guint));

  /* @runs holds each run's first index; the end closes the last */
  g_array_append_val (runs, matches->len);
  while (runs->len > 2)
    {
      g_array_set_size (next, 0);
      for (guint r = 0; r + 1 < runs->len; r += 2)
        {
          guint a = g_array_index (runs, guint, r), m = g_array_index (runs, guint, r + 1);
          guint e = r + 2 < runs->len ? g_array_index (runs, guint, r + 2) : m;
          guint i = a, j = m, k = a;

          while (i < m && j < e)
            dst[k++] = src[j].start_ns < src[i].start_ns ? src[j++] : src[i++];
          while (i < m)
            dst[k++] = src[i++];
          while (j < e)
            dst[k++] = src[j++];
          g_array_append_val (next, a);
        }
      g_array_append_val (next, matches->len);
      g_array_set_size (runs, 0);
      g_array_append_vals (runs, next->data, next->len);
      {
        WeftSearchMatch *t = src;

        src = dst;
        dst = t;
      }
    }
  if (src != (WeftSearchMatch *) matches->data)
    memcpy (matches->data, src, matches->len * sizeof (WeftSearchMatch));
}

static void
search_lane (Query    *q,
             WeftLane *lane,
             GArray   *matches,
             GArray   *runs)
{
  guint n_open = 0;
  g_autofree WeftSpan *open = weft_lane_dup_open_spans (lane, &n_open);
  guint16 worker = weft_lane_get_worker (lane);

  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    {
      g_array_append_val (runs, matches->len);
      for (guint i = 0; i < weft_lane_get_n_spans (lane, d); i++)
        {
          WeftSpan s;

          if (weft_lane_get_span (lane, d, i, &s) && pair_matches (q, s.state, s.object))
            {
              WeftSearchMatch m = { s.start_ns, s.end_ns, worker, (guint8) d, i };

              g_array_append_val (matches, m);
            }
        }
    }
  for (guint j = 0; j < n_open; j++)
    if (pair_matches (q, open[j].state, open[j].object))
      {
        WeftSearchMatch m = { open[j].start_ns, open[j].end_ns, worker, open[j].depth,
                              weft_lane_get_n_spans (lane, open[j].depth) };

        g_array_append_val (runs, matches->len);
        g_array_append_val (matches, m);
      }
}

/* Appends every match of @query (not empty) in @model to @matches, by
 * start; stops between lanes if @cancellable is cancelled. */
static void
search_model (WeftTraceModel *model,
              const char     *query,
              GArray         *matches,
              GCancellable   *cancellable)
{
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *needle = g_utf8_casefold (query, -1);
  Query q;

  query_init (&q, model, needle);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        break;
      search_lane (&q, weft_trace_model_get_lane (model, i), matches, runs);
    }
  merge_runs (matches, runs);
  g_hash_table_unref (q.named);
}

static void
set_query (WeftTimelineSearch *self,
           const char         *query)
{
  g_cancellable_cancel (self->searching);
  g_clear_object (&self->searching);
  g_free (self->query);
  self->query = g_strdup (query != NULL ? query : "");
  g_array_set_size (self->matches, 0);
  self->current = G_MAXUINT;
}

/**
 * weft_timeline_search_run:
 * @model: (nullable): the trace to search
 * @query: (nullable): what to look for; empty or %NULL matches nothing
 *
 * Finds every span @query names (see #WeftTimelineSearch) and emits
 * ::changed. The current match is reset.
 */
void
weft_timeline_search_run (WeftTimelineSearch *self,
                          WeftTraceModel     *model,
                          const char         *query)
{
  g_return_if_fail (WEFT_IS_TIMELINE_SEARCH (self));

  set_query (self, query);
  if (model != NULL && self->query[0] != '\0')
    search_model (model, self->query, self->matches, NULL);
  g_signal_emit (self, signals[CHANGED], 0);
}

typedef struct
{
  WeftTraceModel *model;
  char           *query;
} SearchData;

static void
search_data_free (SearchData *data)
{
  g_object_unref (data->model);
  g_free (data->query);
  g_free (data);
}

static void
search_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchData *data = task_data;
  GArray *matches = g_array_new (FALSE, FALSE, sizeof (WeftSearchMatch));

  search_model (data->model, data->query, matches, cancellable);
  g_task_return_pointer (task, matches, (GDestroyNotify) g_array_unref);
}

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GArray) matches = g_task_propagate_pointer (G_TASK (result), NULL);
  WeftTimelineSearch *self = user_data;

  /* Cancelled by a newer query (or finalize): @self may be gone */
  if (matches == NULL)
    return;
  g_clear_object (&self->searching);
  g_array_unref (self->matches);
  self->matches = g_steal_pointer (&matches);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * weft_timeline_search_start:
 * @model: (nullable): the trace to search
 * @query: (nullable): what to look for
 *
 * weft_timeline_search_run() for typing: a finished trace of a million
 * spans or more is searched on a worker thread. The query and an empty
 * set of matches are in place at once (weft_timeline_search_get_searching()
 * is %TRUE meanwhile), the matches and ::changed come when found. A newer
 * query cancels the search.
 */
void
weft_timeline_search_start (WeftTimelineSearch *self,
                            WeftTraceModel     *model,
                            const char         *query)
{
  g_autoptr(GTask) task = NULL;
  SearchData *data;
  WeftRunStats rs;

  g_return_if_fail (WEFT_IS_TIMELINE_SEARCH (self));

  if (model != NULL)
    weft_trace_model_get_run_stats (model, &rs);
  if (model == NULL || query == NULL || query[0] == '\0' ||
      !weft_trace_model_get_finished (model) || rs.n_spans < self->thread_from)
    {
      weft_timeline_search_run (self, model, query);
      return;
    }

  set_query (self, query);
  self->searching = g_cancellable_new ();
  data = g_new0 (SearchData, 1);
  data->model = g_object_ref (model);
  data->query = g_strdup (query);
  task = g_task_new (NULL, self->searching, on_searched, self);
  g_task_set_source_tag (task, weft_timeline_search_start);
  g_task_set_name (task, "[weft] search");
  g_task_set_task_data (task, data, (GDestroyNotify) search_data_free);
  g_task_run_in_thread (task, search_thread);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * weft_timeline_search_get_searching:
 *
 * Returns: whether a search started by weft_timeline_search_start() is
 *   still looking
 */
gboolean
weft_timeline_search_get_searching (WeftTimelineSearch *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_SEARCH (self), FALSE);

  return self->searching != NULL;
}

/* Test hook: from how many spans start() searches on a thread */
void
_weft_timeline_search_set_thread_from (WeftTimelineSearch *self,
                                       guint64             n_spans)
{
  g_return_if_fail (WEFT_IS_TIMELINE_SEARCH (self));

  self->thread_from = n_spans;
}

const char *
weft_timeline_search_get_query (WeftTimelineSearch *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_SEARCH (self), NULL);
  return self->query;
}

guint
weft_timeline_search_get_n_matches (WeftTimelineSearch *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_SEARCH (self), 0);
  return self->matches->len;
}

const WeftSearchMatch *
weft_timeline_search_get_match (WeftTimelineSearch *self,
                                guint               index)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_SEARCH (self), NULL);
  g_return_val_if_fail (index < self->matches->len, NULL);
  return &g_array_index (self->matches, WeftSearchMatch, index);
}

static inline gboolean
match_before (gconstpointer data, guint i, gconstpointer key)
{
  return ((const WeftSearchMatch *) data)[i].start_ns < *(const guint64 *) key;
}

/**
 * weft_timeline_search_lookup:
 * @t: a time
 *
 * Returns: the first match starting at or after @t (the number of matches
 *   if none)
 */
guint
weft_timeline_search_lookup (WeftTimelineSearch *self,
                             guint64             t)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_SEARCH (self), 0);

  return _weft_lower_bound (self->matches->data, self->matches->len, match_before, &t);
}

/**
 * weft_timeline_search_step:
 * @forward: to the next match (Enter) or the previous one (Shift+Enter)
 * @out_index: (out): the match stepped to
 *
 * Moves the current match by one, wrapping around at either end; the first
 * step forward goes to the first match, back to the last.
 *
 * Returns: %FALSE when there is no match
 */
gboolean
weft_timeline_search_step (WeftTimelineSearch *self,
                           gboolean            forward,
                           guint              *out_index)
{
  guint n;

  g_return_val_if_fail (WEFT_IS_TIMELINE_SEARCH (self), FALSE);

  n = self->matches->len;
  if (n == 0)
    return FALSE;
  if (self->current == G_MAXUINT)
    self->current = forward ? 0 : n - 1;
  else
    self->current = forward ? (self->current + 1) % n : (self->current + n - 1) % n;
  if (out_index != NULL)
    *out_index = self->current;
  return TRUE;
}

/**
 * weft_timeline_search_set_current:
 * @index: a match, the current one from now on
 */
void
weft_timeline_search_set_current (WeftTimelineSearch *self,
                                  guint               index)
{
  g_return_if_fail (WEFT_IS_TIMELINE_SEARCH (self));
  g_return_if_fail (index < self->matches->len);

  self->current = index;
}

gboolean
weft_timeline_search_get_current (WeftTimelineSearch *self,
                                  guint              *out_index)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE_SEARCH (self), FALSE);

  if (self->current == G_MAXUINT)
    return FALSE;
  if (out_index != NULL)
    *out_index = self->current;
  return TRUE;
}

WeftTimelineSearch *
weft_timeline_search_new (void)
{
  return g_object_new (WEFT_TYPE_TIMELINE_SEARCH, NULL);
}

static void
weft_timeline_search_finalize (GObject *object)
{
  WeftTimelineSearch *self = WEFT_TIMELINE_SEARCH (object);

  g_cancellable_cancel (self->searching);
  g_clear_object (&self->searching);
  g_free (self->query);
  g_array_unref (self->matches);
  G_OBJECT_CLASS (weft_timeline_search_parent_class)->finalize (object);
}

static void
weft_timeline_search_class_init (WeftTimelineSearchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = weft_timeline_search_finalize;

  /**
   * WeftTimelineSearch::changed:
   *
   * The matches changed (a new search).
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
weft_timeline_search_init (WeftTimelineSearch *self)
{
  self->query = g_strdup ("");
  self->matches = g_array_new (FALSE, FALSE, sizeof (WeftSearchMatch));
  self->current = G_MAXUINT;
  self->thread_from = THREAD_FROM_SPANS;
}
