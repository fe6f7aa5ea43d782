/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-search"

#include "config.h"

#include <string.h>

#include "weft-lane-painter.h"
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

  char    *query;
  GArray  *matches;       /* WeftSearchMatch, by start */
  guint    current;       /* index into @matches, or G_MAXUINT */
};

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

/* Whether spans of @state on @object match, decided once per pair */
static gboolean
pair_matches (WeftTraceModel *model,
              GHashTable     *cache,
              const char     *needle,
              guint           state,
              guint32         object)
{
  gpointer key = GSIZE_TO_POINTER (((gsize) object << 8) | state);
  gpointer value;
  char buf[32];
  gboolean hit;

  if (g_hash_table_lookup_extended (cache, key, NULL, &value))
    return GPOINTER_TO_INT (value);
  hit = text_has (weft_lane_painter_get_span_text (model, state, object, buf, sizeof buf), needle) ||
        words_start_with (weft_state_style_get_label (state), needle) ||
        g_str_has_prefix (weft_state_to_nick (state), needle);
  g_hash_table_insert (cache, key, GINT_TO_POINTER (hit));
  return hit;
}

static int
compare_match (gconstpointer a,
               gconstpointer b)
{
  const WeftSearchMatch *x = a, *y = b;

  if (x->start_ns != y->start_ns)
    return x->start_ns < y->start_ns ? -1 : 1;
  if (x->worker != y->worker)
    return x->worker < y->worker ? -1 : 1;
  return x->depth < y->depth ? -1 : x->depth > y->depth;
}

static void
search_lane (WeftTimelineSearch *self,
             WeftTraceModel     *model,
             WeftLane           *lane,
             GHashTable         *cache,
             const char         *needle)
{
  guint n_open = weft_lane_get_n_open_spans (lane);
  g_autofree WeftSpan *open = g_new (WeftSpan, MAX (n_open, 1));
  guint16 worker = weft_lane_get_worker (lane);

  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    for (guint i = 0; i < weft_lane_get_n_spans (lane, d); i++)
      {
        WeftSpan s;

        if (weft_lane_get_span (lane, d, i, &s) && pair_matches (model, cache, needle, s.state, s.object))
          {
            WeftSearchMatch m = { s.start_ns, s.end_ns, worker, (guint8) d, i };

            g_array_append_val (self->matches, m);
          }
      }
  n_open = weft_lane_get_open_spans (lane, open, n_open);
  for (guint j = 0; j < n_open; j++)
    if (pair_matches (model, cache, needle, open[j].state, open[j].object))
      {
        WeftSearchMatch m = { open[j].start_ns, open[j].end_ns, worker, open[j].depth,
                              weft_lane_get_n_spans (lane, open[j].depth) };

        g_array_append_val (self->matches, m);
      }
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
  g_autoptr(GHashTable) cache = NULL;
  g_autofree char *needle = NULL;

  g_return_if_fail (WEFT_IS_TIMELINE_SEARCH (self));

  g_free (self->query);
  self->query = g_strdup (query != NULL ? query : "");
  g_array_set_size (self->matches, 0);
  self->current = G_MAXUINT;
  if (model != NULL && self->query[0] != '\0')
    {
      needle = g_utf8_casefold (self->query, -1);
      cache = g_hash_table_new (NULL, NULL);
      for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
        search_lane (self, model, weft_trace_model_get_lane (model, i), cache, needle);
      g_array_sort (self->matches, compare_match);
    }
  g_signal_emit (self, signals[CHANGED], 0);
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
  guint lo = 0, hi;

  g_return_val_if_fail (WEFT_IS_TIMELINE_SEARCH (self), 0);

  hi = self->matches->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->matches, WeftSearchMatch, mid).start_ns < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
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
}
