/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "weft-profile-private.h"
#include "weft-python-version.h"

/*
 * Validation: walks a WeftProfileDoc into a WeftProfile. Every mistake gets
 * one message, "FILE:LINE:COLUMN: PATH: what was expected", placed where the
 * offending value starts (for an unknown key, at the key; for a missing key,
 * at the object that lacks it).
 *
 * The work a profile asks for is capped as it is read: how often its steps
 * run in all (task counts, stage workers and nested repeats multiply), and
 * the CPU time its steps ask for by "ms", which must fit in what the workers
 * of the tasks' pool, or of a stage, can run within the profile's timeout.
 */

#define MAX_STEP_DEPTH     32
#define N_CONCEPTS         23
#define MAX_BYTES          G_GINT64_CONSTANT (1073741824)   /* 1 GiB */
#define MAX_GOT_CHARS      40
#define MAX_TIMEOUT_S      3600
#define MAX_STEP_RUNS      10000000.0                        /* step executions per run */

typedef struct
{
  double runs;      /* step executions, for one run of a list of steps */
  double cpu_ms;    /* CPU time asked for by "ms" */
} Work;

typedef struct
{
  guint  node;      /* a task or a stage */
  double cpu_ms;    /* all its instances' */
} SpecWork;

typedef struct
{
  const WeftProfileDoc *doc;
  const char           *display_name;
  const char           *default_name;  /* for a profile without "name" */
  WeftProfile          *profile;
  GHashTable           *object_index;  /* name → index + 1 */
  GArray               *spec_work;     /* (element-type SpecWork) */
  double                runs;          /* step executions so far */
  GError              **error;
} Ctx;

#define N(c, n) _weft_profile_doc_node ((c)->doc, (n))

/* ---- Messages ------------------------------------------------------------- */

/* A message is one line: whatever text of the file it quotes raw (a
 * name, a key), its control characters become spaces */
static void
flatten_controls (char *message)
{
  for (char *p = message; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
}

/* Sets the error at @at (its member name with @at_key, when it has one),
 * showing the path of @shown, and returns FALSE. */
G_GNUC_PRINTF (5, 6)
static gboolean
fail_at (Ctx        *c,
         guint       at,
         gboolean    at_key,
         guint       shown,
         const char *format,
         ...)
{
  const WeftProfileNode *n = N (c, at);
  g_autofree char *msg = NULL;
  g_autofree char *path = _weft_profile_doc_path (c->doc, shown);
  gboolean key = at_key && n->key_line > 0;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (c->error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_INVALID,
               "%s:%u:%u: %s: %s", c->display_name,
               key ? n->key_line : n->line, key ? n->key_column : n->column, path, msg);
  flatten_controls ((*c->error)->message);
  return FALSE;
}

#define fail(c, node, ...) fail_at ((c), (node), FALSE, (node), __VA_ARGS__)

static char *
truncate_got (const char *text,
              gsize       len)
{
  g_autofree char *copy = g_strndup (text, len);

  if (g_utf8_strlen (copy, -1) > MAX_GOT_CHARS)
    {
      char *cut = g_utf8_offset_to_pointer (copy, MAX_GOT_CHARS);
      *cut = '\0';
      return g_strconcat (copy, "...", NULL);
    }
  return g_steal_pointer (&copy);
}

/* What a node is, for "got ...": the text as written for scalars. */
static char *
describe_node (Ctx   *c,
               guint  node)
{
  const WeftProfileNode *n = N (c, node);

  switch (n->type)
    {
    case WEFT_JSON_BEGIN_OBJECT: return g_strdup ("an object");
    case WEFT_JSON_BEGIN_ARRAY: return g_strdup ("an array");
    case WEFT_JSON_NULL: return g_strdup ("null");
    default: return truncate_got (c->doc->data + n->raw, n->raw_len);
    }
}

static char *
format_number (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (v == floor (v) && fabs (v) < 1e15)
    return g_strdup_printf ("%.0f", v);
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", v));
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = NULL;

  if (la > 64 || lb > 64)
    return G_MAXUINT;

  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];
      row[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint best = MIN (row[j] + 1, row[j - 1] + 1);
          best = MIN (best, diag + (a[i - 1] == b[j - 1] ? 0 : 1));
          diag = up;
          row[j] = best;
        }
    }
  return row[lb];
}

/* The closest of @known to @word, if it is close enough to be a typo. */
static const char *
closest (const char         *word,
         const char * const *known)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;
  guint limit = strlen (word) <= 3 ? 1 : 2;

  for (guint i = 0; known[i] != NULL; i++)
    {
      guint d = edit_distance (word, known[i]);
      if (d < best_d)
        {
          best_d = d;
          best = known[i];
        }
    }
  return best_d <= limit ? best : NULL;
}

static char *
join_quoted (const char * const *words)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    g_string_append_printf (out, "%s\"%s\"", i ? ", " : "", words[i]);
  return g_string_free (out, FALSE);
}

/* ---- Typed member access -------------------------------------------------- */

static guint
member (Ctx        *c,
        guint       object,
        const char *key)
{
  return _weft_profile_doc_member (c->doc, object, key);
}

static gboolean
check_keys (Ctx                *c,
            guint               object,
            const char * const *known,
            const char         *what)
{
  for (guint m = N (c, object)->first; m != WEFT_PROFILE_NONE; m = N (c, m)->next)
    {
      const char *key = _weft_profile_doc_key (c->doc, m);
      const char *near;
      g_autofree char *hint = NULL;

      if (g_strv_contains (known, key))
        continue;

      near = closest (key, known);
      if (near != NULL)
        hint = g_strdup_printf ("did you mean \"%s\"?", near);
      else
        {
          g_autofree char *list = g_strjoinv (", ", (char **) known);
          hint = g_strdup_printf ("%s has: %s", what, list);
        }
      {
        g_autofree char *quoted = weft_json_escape (key);

        return fail_at (c, m, TRUE, object, "unknown key %s (%s)", quoted, hint);
      }
    }
  return TRUE;
}

static gboolean
missing (Ctx        *c,
         guint       object,
         const char *key)
{
  return fail (c, object, "missing required key \"%s\"", key);
}

static gboolean
has_fraction_or_exponent (const char *text,
                          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (text[i] == '.' || text[i] == 'e' || text[i] == 'E')
      return TRUE;
  return FALSE;
}

static double
number_value (Ctx   *c,
              guint  node)
{
  g_autofree char *text = g_strndup (c->doc->data + N (c, node)->raw, N (c, node)->raw_len);

  return g_ascii_strtod (text, NULL);
}

static gboolean
get_int (Ctx        *c,
         guint       object,
         const char *key,
         gboolean    required,
         gint64      min,
         gint64      max,
         gint64      def,
         gint64     *out)
{
  guint m = member (c, object, key);
  const WeftProfileNode *n;
  gboolean ok = FALSE, fraction = FALSE;
  gint64 v = 0;

  if (m == WEFT_PROFILE_NONE)
    {
      if (required)
        return missing (c, object, key);
      *out = def;
      return TRUE;
    }

  n = N (c, m);
  if (n->type == WEFT_JSON_NUMBER && !has_fraction_or_exponent (c->doc->data + n->raw, n->raw_len))
    {
      /* from the text: 64 bits cannot overflow unnoticed */
      g_autofree char *text = g_strndup (c->doc->data + n->raw, n->raw_len);
      ok = g_ascii_string_to_signed (text, 10, min, max, &v, NULL);
    }
  else if (n->type == WEFT_JSON_NUMBER)
    {
      double d = number_value (c, m);
      ok = isfinite (d) && d == floor (d) && d >= (double) min && d <= (double) max;
      fraction = isfinite (d) && d != floor (d);
      if (ok)
        v = (gint64) d;
    }

  if (!ok)
    {
      g_autofree char *got = describe_node (c, m);
      return fail (c, m, "expected an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ", got %s%s",
                   min, max, got, fraction ? " (not an integer)" : "");
    }
  *out = v;
  return TRUE;
}

static gboolean
get_double (Ctx        *c,
            guint       object,
            const char *key,
            gboolean    required,
            double      min,
            double      max,
            double      def,
            double     *out)
{
  guint m = member (c, object, key);
  double v = 0;

  if (m == WEFT_PROFILE_NONE)
    {
      if (required)
        return missing (c, object, key);
      *out = def;
      return TRUE;
    }

  if (N (c, m)->type != WEFT_JSON_NUMBER || !isfinite (v = number_value (c, m)) || v < min || v > max)
    {
      g_autofree char *got = describe_node (c, m);
      g_autofree char *smin = format_number (min);
      g_autofree char *smax = format_number (max);
      return fail (c, m, "expected a number from %s to %s, got %s", smin, smax, got);
    }
  *out = v;
  return TRUE;
}

static gboolean
get_bool (Ctx        *c,
          guint       object,
          const char *key,
          gboolean    def,
          gboolean   *out)
{
  guint m = member (c, object, key);

  if (m == WEFT_PROFILE_NONE)
    {
      *out = def;
      return TRUE;
    }
  if (N (c, m)->type != WEFT_JSON_TRUE && N (c, m)->type != WEFT_JSON_FALSE)
    {
      g_autofree char *got = describe_node (c, m);
      return fail (c, m, "expected true or false, got %s", got);
    }
  *out = N (c, m)->type == WEFT_JSON_TRUE;
  return TRUE;
}

typedef enum
{
  TEXT_ANY,
  TEXT_NAME,      /* [A-Za-z0-9_.-] */
} TextKind;

static gboolean
check_text (const char *s,
            TextKind    kind,
            glong       max_chars)
{
  glong n = g_utf8_strlen (s, -1);

  if (n < 1 || n > max_chars)
    return FALSE;
  if (kind == TEXT_NAME)
    for (const char *p = s; *p; p++)
      if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '.' || *p == '-'))
        return FALSE;
  return TRUE;
}

static char *
text_expectation (TextKind kind,
                  glong    max_chars)
{
  if (kind == TEXT_NAME)
    return g_strdup_printf ("a name of 1 to %ld characters from A-Z a-z 0-9 _ . -", max_chars);
  if (max_chars == G_MAXLONG)
    return g_strdup ("a string");
  return g_strdup_printf ("a non-empty string of at most %ld characters", max_chars);
}

/* Gets a string member. @def may be NULL (then *out is NULL when absent). */
static gboolean
get_string (Ctx         *c,
            guint        object,
            const char  *key,
            gboolean     required,
            TextKind     kind,
            glong        max_chars,
            const char  *def,
            char       **out)
{
  guint m = member (c, object, key);
  const char *s;

  if (m == WEFT_PROFILE_NONE)
    {
      if (required)
        return missing (c, object, key);
      *out = g_strdup (def);
      return TRUE;
    }

  s = N (c, m)->type == WEFT_JSON_STRING ? _weft_profile_doc_string (c->doc, m) : NULL;
  if (s == NULL || (max_chars != G_MAXLONG && !check_text (s, kind, max_chars)))
    {
      g_autofree char *got = describe_node (c, m);
      g_autofree char *expect = text_expectation (kind, max_chars);
      return fail (c, m, "expected %s, got %s", expect, got);
    }
  *out = g_strdup (s);
  return TRUE;
}

/* Gets one of @nicks; *out is its index. */
static gboolean
get_enum (Ctx                *c,
          guint               object,
          const char         *key,
          const char * const *nicks,
          guint               def,
          guint              *out)
{
  guint m = member (c, object, key);
  const char *s;

  if (m == WEFT_PROFILE_NONE)
    {
      *out = def;
      return TRUE;
    }

  s = N (c, m)->type == WEFT_JSON_STRING ? _weft_profile_doc_string (c->doc, m) : NULL;
  for (guint i = 0; s != NULL && nicks[i] != NULL; i++)
    if (g_str_equal (s, nicks[i]))
      {
        *out = i;
        return TRUE;
      }

  {
    g_autofree char *got = describe_node (c, m);
    g_autofree char *list = join_quoted (nicks);
    const char *near = s ? closest (s, nicks) : NULL;
    g_autofree char *hint = near ? g_strdup_printf (" (did you mean \"%s\"?)", near) : g_strdup ("");
    return fail (c, m, "expected one of %s, got %s%s", list, got, hint);
  }
}

/* ---- The work a profile asks for ------------------------------------------- */

static char *
format_count (double v)
{
  return v < 1e15 ? g_strdup_printf ("%.0f", v) : g_strdup_printf ("%.3g", v);
}

/* @runs is the profile's step executions in all once @node (a repeat, a
 * task or a stage) is counted: fails, naming @node, when that is too many. */
static gboolean
check_runs (Ctx    *c,
            guint   node,
            double  runs)
{
  g_autofree char *total = NULL;

  if (runs <= MAX_STEP_RUNS)
    return TRUE;
  total = format_count (runs);
  return fail (c, node, "too much work: the profile's steps would run %s times, more than the cap of %.0f "
                        "(task counts, stage workers and nested repeats multiply)", total, MAX_STEP_RUNS);
}

/* A task (of @instances) or a stage (of @instances workers) whose steps
 * do @work once each. */
static gboolean
add_spec_work (Ctx    *c,
               guint   node,
               double  instances,
               Work    work)
{
  SpecWork w = { node, instances * work.cpu_ms };

  if (!check_runs (c, node, c->runs + instances * work.runs))
    return FALSE;
  c->runs += instances * work.runs;
  g_array_append_val (c->spec_work, w);
  return TRUE;
}

/* Workers that run CPU work at the same time: a main loop is one thread. */
static guint
cpu_workers (WeftExecutorKind executor,
             guint            workers)
{
  return executor == WEFT_EXECUTOR_MAINLOOP ? 1 : workers;
}

/* The CPU time that the tasks (or a stage) in c->spec_work[@first..] ask for
 * must fit in what their workers can run within the timeout; the message
 * names the task or stage that crosses. */
static gboolean
check_cpu_time (Ctx              *c,
                guint             first,
                WeftExecutorKind  executor,
                guint             workers,
                const char       *who)
{
  guint n_workers = cpu_workers (executor, workers);
  double limit_ms = c->profile->timeout_s * 1000.0 * n_workers;
  double total = 0, sum = 0;

  for (guint i = first; i < c->spec_work->len; i++)
    total += g_array_index (c->spec_work, SpecWork, i).cpu_ms;

  for (guint i = first; i < c->spec_work->len; i++)
    {
      const SpecWork *w = &g_array_index (c->spec_work, SpecWork, i);
      g_autofree char *asked = NULL;
      g_autofree char *timeout = NULL;
      g_autofree char *most = NULL;

      sum += w->cpu_ms;
      if (sum <= limit_ms)
        continue;
      asked = format_number (total / 1000.0);
      timeout = format_number (c->profile->timeout_s);
      most = format_number (limit_ms / 1000.0);
      return fail (c, w->node, "too much work: %s ask for %s s of CPU time, more than %u %s%s can run "
                               "within the timeout of %s s (%s s)",
                   who, asked, n_workers, n_workers == 1 ? "worker" : "workers",
                   executor == WEFT_EXECUTOR_MAINLOOP ? " (one main loop)" : "", timeout, most);
    }
  return TRUE;
}

/* ---- Steps --------------------------------------------------------------- */

static const char * const step_kinds[] = {
  "cpu", "io", "increment", "lock", "put", "get", "transfer", "fail", "repeat", "for_each", NULL
};
#define STEP_KINDS "cpu, io, increment, lock, put, get, transfer, fail, repeat, for_each"
/* for "unknown key" messages */
static const char * const step_whats[] = {
  "a cpu step", "a io step", "a increment step", "a lock step", "a put step", "a get step",
  "a transfer step", "a fail step", "a repeat step", "a for_each step",
};

static const char * const object_kinds[] = { "lock", "queue", "counter", NULL };
static const WeftObjectKind object_kind_values[] = { WEFT_OBJECT_LOCK, WEFT_OBJECT_QUEUE, WEFT_OBJECT_COUNTER };
static const char * const backends[] = { "memory", "manager", NULL };
static const char * const start_methods[] = { "spawn", "fork", NULL };
static const char * const profile_executors[] = { "threads", "processes", "mainloop", NULL };
static const WeftExecutorKind profile_executor_values[] = {
  WEFT_EXECUTOR_THREADS, WEFT_EXECUTOR_PROCESSES, WEFT_EXECUTOR_MAINLOOP
};

const char *
_weft_profile_step_kind_nick (WeftStepKind kind)
{
  return kind >= WEFT_STEP_CPU && kind <= WEFT_STEP_FOR_EACH ? step_kinds[kind - 1] : NULL;
}

const char *
_weft_profile_object_kind_nick (WeftObjectKind kind)
{
  for (guint i = 0; object_kinds[i] != NULL; i++)
    if (object_kind_values[i] == kind)
      return object_kinds[i];
  return "object";
}

/* Resolves a reference to an object of @kind by name. */
static gboolean
get_ref (Ctx            *c,
         guint           object,
         const char     *key,
         WeftObjectKind  kind,
         guint          *out)
{
  g_autofree char *name = NULL;
  g_autofree char *quoted = NULL;
  const char *nick = _weft_profile_object_kind_nick (kind);
  g_autoptr(GString) known = g_string_new (NULL);
  GPtrArray *objects = c->profile->objects;
  guint index, m;

  if (!get_string (c, object, key, TRUE, TEXT_ANY, G_MAXLONG, NULL, &name))
    return FALSE;

  index = GPOINTER_TO_UINT (g_hash_table_lookup (c->object_index, name)) - 1;
  if (index != G_MAXUINT && ((WeftProfileObject *) objects->pdata[index])->kind == kind)
    {
      *out = index;
      return TRUE;
    }

  for (guint i = 0; i < objects->len; i++)
    {
      WeftProfileObject *o = objects->pdata[i];
      if (o->kind == kind)
        {
          g_autofree char *quoted_known = weft_json_escape (o->name);

          /* the plain name where it needs no quoting, as the messages always said it */
          g_string_append_printf (known, "%s%s", known->len ? ", " : "",
                                  strpbrk (o->name, "\"\\\n\r\t") ? quoted_known : o->name);
        }
    }

  quoted = weft_json_escape (name);
  m = member (c, object, key);
  if (index == G_MAXUINT)
    {
      if (known->len == 0)
        return fail (c, m, "%s is not a %s (no %s is defined in $.objects)", quoted, nick, nick);
      return fail (c, m, "%s is not a %s (known %ss: %s)", quoted, nick, nick, known->str);
    }
  else
    {
      const char *is = _weft_profile_object_kind_nick (((WeftProfileObject *) objects->pdata[index])->kind);
      if (known->len == 0)
        return fail (c, m, "%s is a %s, not a %s (no %s is defined in $.objects)", quoted, is, nick, nick);
      return fail (c, m, "%s is a %s, not a %s (known %ss: %s)", quoted, is, nick, nick, known->str);
    }
}

static void
step_free (gpointer data)
{
  WeftStep *step = data;

  if (step == NULL)
    return;
  g_free (step->message);
  g_clear_pointer (&step->steps, g_ptr_array_unref);
  g_free (step);
}

GPtrArray *
_weft_profile_new_step_array (void)
{
  return g_ptr_array_new_with_free_func (step_free);
}

static gboolean parse_steps (Ctx *c, guint parent, const char *key, guint depth,
                             gboolean allow_empty, GPtrArray **out, Work *work);

static gboolean
parse_cpu (Ctx      *c,
           WeftStep *step,
           guint     body,
           Work     *work)
{
  gboolean has_ms = member (c, body, "ms") != WEFT_PROFILE_NONE;
  gboolean has_it = member (c, body, "iterations") != WEFT_PROFILE_NONE;

  if (has_ms == has_it)
    return fail (c, body, has_ms ? "give either \"ms\" or \"iterations\", not both"
                                 : "missing required key \"ms\" or \"iterations\"");
  if (has_ms)
    {
      if (!get_double (c, body, "ms", TRUE, 0, 600000, 0, &step->ms))
        return FALSE;
      work->cpu_ms = step->ms;
      return TRUE;
    }
  step->ms = -1;
  return get_int (c, body, "iterations", TRUE, 1, G_GINT64_CONSTANT (1000000000000), 1, &step->count);
}

/* @work: one run of the step (its children included) */
static gboolean
parse_step_body (Ctx      *c,
                 WeftStep *step,
                 guint     body,
                 guint     depth,
                 Work     *work)
{
  static const char * const cpu_keys[] = { "ms", "iterations", NULL };
  static const char * const io_keys[] = { "ms", "blocking", NULL };
  static const char * const increment_keys[] = { "counter", "times", NULL };
  static const char * const lock_keys[] = { "name", "steps", NULL };
  static const char * const put_keys[] = { "queue", "items", "bytes", NULL };
  static const char * const get_keys[] = { "queue", "items", NULL };
  static const char * const transfer_keys[] = { "bytes", NULL };
  static const char * const fail_keys[] = { "message", NULL };
  static const char * const repeat_keys[] = { "times", "steps", NULL };
  static const char * const for_each_keys[] = { "queue", "steps", NULL };
  static const char * const *keys_by_kind[] = {
    NULL, cpu_keys, io_keys, increment_keys, lock_keys, put_keys, get_keys,
    transfer_keys, fail_keys, repeat_keys, for_each_keys,
  };
  Work inner = { 0, 0 };

  *work = (Work) { 1, 0 };
  if (!check_keys (c, body, keys_by_kind[step->kind], step_whats[step->kind - 1]))
    return FALSE;

  switch (step->kind)
    {
    case WEFT_STEP_CPU:
      return parse_cpu (c, step, body, work);

    case WEFT_STEP_IO:
      return get_double (c, body, "ms", TRUE, 0, 600000, 0, &step->ms) &&
             get_bool (c, body, "blocking", FALSE, &step->blocking);

    case WEFT_STEP_INCREMENT:
      return get_ref (c, body, "counter", WEFT_OBJECT_COUNTER, &step->object) &&
             get_int (c, body, "times", FALSE, 1, 1000000000, 1, &step->count);

    case WEFT_STEP_LOCK:
    case WEFT_STEP_FOR_EACH:
      /* a for_each body counts once: its items are counted where they are put */
      if (!get_ref (c, body, step->kind == WEFT_STEP_LOCK ? "name" : "queue",
                    step->kind == WEFT_STEP_LOCK ? WEFT_OBJECT_LOCK : WEFT_OBJECT_QUEUE, &step->object) ||
          !parse_steps (c, body, "steps", depth + 1, TRUE, &step->steps, &inner))
        return FALSE;
      *work = (Work) { 1 + inner.runs, inner.cpu_ms };
      return TRUE;

    case WEFT_STEP_PUT:
      return get_ref (c, body, "queue", WEFT_OBJECT_QUEUE, &step->object) &&
             get_int (c, body, "items", FALSE, 1, 1000000000, 1, &step->count) &&
             get_int (c, body, "bytes", FALSE, 0, MAX_BYTES, 0, &step->bytes);

    case WEFT_STEP_GET:
      return get_ref (c, body, "queue", WEFT_OBJECT_QUEUE, &step->object) &&
             get_int (c, body, "items", FALSE, 1, 1000000000, 1, &step->count);

    case WEFT_STEP_TRANSFER:
      return get_int (c, body, "bytes", TRUE, 1, MAX_BYTES, 1, &step->bytes);

    case WEFT_STEP_FAIL:
      return get_string (c, body, "message", TRUE, TEXT_ANY, 1000, NULL, &step->message);

    case WEFT_STEP_REPEAT:
      if (!get_int (c, body, "times", TRUE, 1, 1000000000, 1, &step->count) ||
          !parse_steps (c, body, "steps", depth + 1, TRUE, &step->steps, &inner))
        return FALSE;
      *work = (Work) { 1 + (double) step->count * inner.runs, (double) step->count * inner.cpu_ms };
      return check_runs (c, body, c->runs + work->runs);

    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

/* The step at @node. */
static WeftStep *
parse_step (Ctx   *c,
            guint  node,
            guint  depth,
            Work  *work)
{
  const WeftProfileNode *n = N (c, node);
  const char *kind;
  WeftStep *step;
  guint body, k;

  if (n->type != WEFT_JSON_BEGIN_OBJECT)
    {
      g_autofree char *got = describe_node (c, node);
      fail (c, node, "expected a step: an object with one key naming its kind (" STEP_KINDS "), got %s", got);
      return NULL;
    }
  if (n->n_children != 1)
    {
      g_autoptr(GString) got = g_string_new (NULL);

      if (n->n_children == 0)
        {
          fail (c, node, "a step needs exactly one key naming its kind (" STEP_KINDS "), got none");
          return NULL;
        }
      for (guint m = n->first; m != WEFT_PROFILE_NONE; m = N (c, m)->next)
        {
          g_autofree char *quoted = weft_json_escape (_weft_profile_doc_key (c->doc, m));

          g_string_append_printf (got, "%s%s", m == n->first ? "" : ", ", quoted);
        }
      fail (c, node, "a step needs exactly one key naming its kind, got %u (%s)", n->n_children, got->str);
      return NULL;
    }

  body = n->first;
  kind = _weft_profile_doc_key (c->doc, body);
  for (k = 0; step_kinds[k] != NULL; k++)
    if (g_str_equal (kind, step_kinds[k]))
      break;
  if (step_kinds[k] == NULL)
    {
      const char *near = closest (kind, step_kinds);
      g_autofree char *hint = near ? g_strdup_printf ("did you mean \"%s\"?", near)
                                   : g_strdup ("expected one of: " STEP_KINDS);
      g_autofree char *quoted = weft_json_escape (kind);

      fail_at (c, body, TRUE, node, "unknown step kind %s (%s)", quoted, hint);
      return NULL;
    }
  if (N (c, body)->type != WEFT_JSON_BEGIN_OBJECT)
    {
      g_autofree char *got = describe_node (c, body);
      fail (c, body, "expected an object, got %s", got);
      return NULL;
    }

  step = g_new0 (WeftStep, 1);
  step->kind = (WeftStepKind) (k + 1);
  step->object = G_MAXUINT;
  if (!parse_step_body (c, step, body, depth, work))
    {
      step_free (step);
      return NULL;
    }
  return step;
}

/* Parses the member @key of @parent (required) as a list of steps at
 * nesting @depth (1 for a task's own steps); @work is one run of them all. */
static gboolean
parse_steps (Ctx         *c,
             guint        parent,
             const char  *key,
             guint        depth,
             gboolean     allow_empty,
             GPtrArray  **out,
             Work        *work)
{
  g_autoptr(GPtrArray) steps = NULL;
  guint m = member (c, parent, key);

  *work = (Work) { 0, 0 };
  if (m == WEFT_PROFILE_NONE)
    return missing (c, parent, key);
  if (depth > MAX_STEP_DEPTH)
    return fail (c, m, "steps nest more than %u deep", MAX_STEP_DEPTH);
  if (N (c, m)->type != WEFT_JSON_BEGIN_ARRAY)
    {
      g_autofree char *got = describe_node (c, m);
      return fail (c, m, "expected an array of steps, got %s", got);
    }
  if (!allow_empty && N (c, m)->n_children == 0)
    return fail (c, m, "expected at least one step");

  steps = _weft_profile_new_step_array ();
  for (guint e = N (c, m)->first; e != WEFT_PROFILE_NONE; e = N (c, e)->next)
    {
      Work step_work;
      WeftStep *step = parse_step (c, e, depth, &step_work);

      if (step == NULL)
        return FALSE;
      g_ptr_array_add (steps, step);
      work->runs += step_work.runs;
      work->cpu_ms += step_work.cpu_ms;
      if (!check_runs (c, e, c->runs + work->runs))
        return FALSE;
    }

  *out = g_steal_pointer (&steps);
  return TRUE;
}

/* ---- Objects, tasks, stages ---------------------------------------------- */

/* What a run can serve: a manager process serves single counters only. */
static gboolean
check_backend (Ctx                     *c,
               guint                    object,
               const WeftProfileObject *o)
{
  if (o->backend != WEFT_BACKEND_MANAGER)
    return TRUE;
  if (o->kind != WEFT_OBJECT_COUNTER)
    return fail (c, member (c, object, "backend"),
                 "a manager serves counters only, not locks or queues (\"%s\" is a %s): use \"memory\"",
                 o->name, _weft_profile_object_kind_nick (o->kind));
  if (o->length > 1)
    return fail (c, member (c, object, "backend"),
                 "a manager serves single counters, not arrays (\"%s\" has length %u): use \"memory\"",
                 o->name, o->length);
  return TRUE;
}

static gboolean
parse_object (Ctx        *c,
              guint       m,
              const char *name)
{
  static const char * const lock_keys[] = { "kind", "backend", NULL };
  static const char * const queue_keys[] = { "kind", "capacity", "backend", NULL };
  static const char * const counter_keys[] = { "kind", "initial", "length", "backend", NULL };
  static const char * const whats[] = { "a lock", "a queue", "a counter" };
  WeftProfileObject *o;
  guint kind, backend;
  gint64 value;

  if (!check_text (name, TEXT_NAME, 64))
    return fail_at (c, m, TRUE, m, "an object name must be 1 to 64 characters from A-Z a-z 0-9 _ . -");
  if (N (c, m)->type != WEFT_JSON_BEGIN_OBJECT)
    {
      g_autofree char *got = describe_node (c, m);
      return fail (c, m, "expected an object such as {\"kind\": \"lock\"}, got %s", got);
    }
  if (member (c, m, "kind") == WEFT_PROFILE_NONE)
    return missing (c, m, "kind");
  if (!get_enum (c, m, "kind", object_kinds, 0, &kind))
    return FALSE;
  if (!check_keys (c, m, kind == 0 ? lock_keys : kind == 1 ? queue_keys : counter_keys, whats[kind]))
    return FALSE;

  o = g_new0 (WeftProfileObject, 1);
  g_ptr_array_add (c->profile->objects, o);
  g_hash_table_insert (c->object_index, g_strdup (name), GUINT_TO_POINTER (c->profile->objects->len));
  o->name = g_strdup (name);
  o->kind = object_kind_values[kind];
  o->length = 1;
  if (!get_enum (c, m, "backend", backends, 0, &backend))
    return FALSE;
  o->backend = backend == 0 ? WEFT_BACKEND_MEMORY : WEFT_BACKEND_MANAGER;
  if (o->kind == WEFT_OBJECT_COUNTER)
    {
      if (!get_int (c, m, "initial", FALSE, -G_GINT64_CONSTANT (1000000000000000),
                    G_GINT64_CONSTANT (1000000000000000), 0, &o->initial) ||
          !get_int (c, m, "length", FALSE, 1, 1000000, 1, &value))
        return FALSE;
      o->length = (guint) value;
    }
  if (o->kind == WEFT_OBJECT_QUEUE)
    {
      if (!get_int (c, m, "capacity", FALSE, 0, 1000000, 0, &value))
        return FALSE;
      o->capacity = (guint) value;
    }
  return check_backend (c, m, o);
}

static gboolean
parse_objects (Ctx   *c,
               guint  top)
{
  guint objects = member (c, top, "objects");

  if (objects == WEFT_PROFILE_NONE)
    return TRUE;
  if (N (c, objects)->type != WEFT_JSON_BEGIN_OBJECT)
    {
      g_autofree char *got = describe_node (c, objects);
      return fail (c, objects, "expected an object mapping names to objects, got %s", got);
    }
  for (guint m = N (c, objects)->first; m != WEFT_PROFILE_NONE; m = N (c, m)->next)
    if (!parse_object (c, m, _weft_profile_doc_key (c->doc, m)))
      return FALSE;
  return TRUE;
}

/* @node must be an object (@expected) of only the keys @known. */
static gboolean
expect_object (Ctx                *c,
               guint               node,
               const char         *expected,
               const char * const *known,
               const char         *what)
{
  if (N (c, node)->type != WEFT_JSON_BEGIN_OBJECT)
    {
      g_autofree char *got = describe_node (c, node);
      return fail (c, node, "expected %s, got %s", expected, got);
    }
  return check_keys (c, node, known, what);
}

static gboolean
parse_task (Ctx   *c,
            guint  node)
{
  static const char * const task_keys[] = { "name", "count", "steps", NULL };
  g_autofree char *def_name = g_strdup_printf ("task %u", N (c, node)->index + 1);
  WeftTaskSpec *t;
  gint64 count;
  Work work;

  if (!expect_object (c, node, "a task object with \"steps\"", task_keys, "a task"))
    return FALSE;

  t = g_new0 (WeftTaskSpec, 1);
  g_ptr_array_add (c->profile->tasks, t);
  if (!get_string (c, node, "name", FALSE, TEXT_ANY, 128, def_name, &t->name) ||
      !get_int (c, node, "count", FALSE, 1, 100000, 1, &count) ||
      !parse_steps (c, node, "steps", 1, FALSE, &t->steps, &work))
    return FALSE;
  t->count = (guint) count;
  return add_spec_work (c, node, (double) count, work);
}

static gboolean
parse_stage (Ctx   *c,
             guint  node)
{
  static const char * const stage_keys[] = { "name", "executor", "workers", "output", "steps", NULL };
  GPtrArray *stages = c->profile->stages;
  guint executor_index = 0;
  WeftStage *s;
  gint64 workers;
  Work work;

  if (!expect_object (c, node, "a stage object with \"name\" and \"steps\"", stage_keys, "a stage"))
    return FALSE;

  s = g_new0 (WeftStage, 1);
  g_ptr_array_add (stages, s);
  s->output = G_MAXUINT;
  if (!get_string (c, node, "name", TRUE, TEXT_ANY, 64, NULL, &s->name))
    return FALSE;
  for (guint j = 0; j + 1 < stages->len; j++)
    if (g_str_equal (((WeftStage *) stages->pdata[j])->name, s->name))
      return fail (c, member (c, node, "name"), "duplicate stage name \"%s\" (also $.stages[%u])", s->name, j);

  for (guint j = 0; j < G_N_ELEMENTS (profile_executor_values); j++)
    if (profile_executor_values[j] == c->profile->executor)
      executor_index = j;
  if (!get_enum (c, node, "executor", profile_executors, executor_index, &executor_index))
    return FALSE;
  s->executor = profile_executor_values[executor_index];

  if (!get_int (c, node, "workers", FALSE, 1, 256, 1, &workers))
    return FALSE;
  s->workers = (guint) workers;

  if (member (c, node, "output") != WEFT_PROFILE_NONE &&
      !get_ref (c, node, "output", WEFT_OBJECT_QUEUE, &s->output))
    return FALSE;
  if (!parse_steps (c, node, "steps", 1, FALSE, &s->steps, &work))
    return FALSE;

  /* each worker of a stage runs its steps once */
  return add_spec_work (c, node, (double) workers, work) &&
         check_cpu_time (c, c->spec_work->len - 1, s->executor, s->workers, "the stage's workers");
}

/* Parses each element of the array @key of @top (if present) with @parse. */
static gboolean
parse_list (Ctx         *c,
            guint        top,
            const char  *key,
            gboolean   (*parse) (Ctx *c, guint node))
{
  guint list = member (c, top, key);

  if (list == WEFT_PROFILE_NONE)
    return TRUE;
  if (N (c, list)->type != WEFT_JSON_BEGIN_ARRAY)
    {
      g_autofree char *got = describe_node (c, list);
      return fail (c, list, "expected an array of %s, got %s", key, got);
    }
  for (guint e = N (c, list)->first; e != WEFT_PROFILE_NONE; e = N (c, e)->next)
    if (!parse (c, e))
      return FALSE;
  return TRUE;
}

/* The version first: a newer file gets a clear message, not a list of keys
 * this version does not know. */
static gboolean
check_version (Ctx   *c,
               guint  top)
{
  guint m = member (c, top, "weft_profile");
  const WeftProfileNode *n;
  g_autofree char *got = NULL;

  if (m == WEFT_PROFILE_NONE)
    return fail (c, top, "missing required key \"weft_profile\" (the format version, 1): "
                         "is this a Weft workload profile?");
  n = N (c, m);
  got = describe_node (c, m);
  if (n->type != WEFT_JSON_NUMBER || has_fraction_or_exponent (c->doc->data + n->raw, n->raw_len))
    return fail (c, m, "expected the format version 1, got %s", got);
  if (n->raw_len != 1 || c->doc->data[n->raw] != '1')
    return fail (c, m, "unsupported format version %s (this Weft reads version 1)", got);
  return TRUE;
}

/* "python": "3.11", the CPython version the model follows; 0 when not given. */
static gboolean
get_python_version (Ctx   *c,
                    guint  top,
                    guint *out)
{
  guint m = member (c, top, "python");
  const char *s;

  *out = 0;
  if (m == WEFT_PROFILE_NONE)
    return TRUE;
  s = N (c, m)->type == WEFT_JSON_STRING ? _weft_profile_doc_string (c->doc, m) : NULL;
  if (s == NULL || !weft_python_version_parse (s, out))
    {
      g_autofree char *got = describe_node (c, m);
      return fail (c, m, "expected a CPython version such as \"3.11\" (3.0 to 3.99), got %s", got);
    }
  return TRUE;
}

static gboolean
parse_settings (Ctx   *c,
                guint  top)
{
  WeftProfile *p = c->profile;
  gint64 concept, workers;
  guint executor, start_method;

  g_clear_pointer (&p->description, g_free);
  if (!get_string (c, top, "name", FALSE, TEXT_ANY, 128, c->default_name, &p->name) ||
      !get_int (c, top, "concept", FALSE, 0, N_CONCEPTS, 0, &concept) ||
      !get_string (c, top, "description", FALSE, TEXT_ANY, G_MAXLONG, "", &p->description) ||
      !get_enum (c, top, "executor", profile_executors, 0, &executor) ||
      !get_int (c, top, "workers", FALSE, 1, 256, 4, &workers) ||
      !get_bool (c, top, "gil", FALSE, &p->gil) ||
      !get_double (c, top, "switch_interval_ms", FALSE, 0.1, 1000, 5, &p->switch_interval_ms) ||
      !get_python_version (c, top, &p->python_version) ||
      !get_enum (c, top, "start_method", start_methods, 0, &start_method) ||
      !get_bool (c, top, "cancel_on_error", FALSE, &p->cancel_on_error) ||
      !get_double (c, top, "timeout_s", FALSE, 0, MAX_TIMEOUT_S, 60, &p->timeout_s))
    return FALSE;

  p->concept = (int) concept;
  p->executor = profile_executor_values[executor];
  p->workers = (guint) workers;
  p->start_method = start_method == 0 ? WEFT_START_SPAWN : WEFT_START_FORK;
  /* No run goes on for ever: 0 asks for the longest timeout there is. */
  if (p->timeout_s == 0)
    p->timeout_s = MAX_TIMEOUT_S;
  return TRUE;
}

static gboolean
parse_profile (Ctx *c)
{
  static const char * const top_keys[] = {
    "weft_profile", "name", "concept", "description", "executor", "workers", "gil",
    "switch_interval_ms", "python", "start_method", "cancel_on_error", "timeout_s",
    "objects", "tasks", "stages", NULL
  };
  WeftProfile *p = c->profile;
  guint tasks, stages;

  if (N (c, 0)->type != WEFT_JSON_BEGIN_OBJECT)
    {
      g_autofree char *got = describe_node (c, 0);
      return fail (c, 0, "expected a profile object {\"weft_profile\": 1, ...}, got %s", got);
    }
  if (!check_version (c, 0) ||
      !check_keys (c, 0, top_keys, "a profile") ||
      !parse_settings (c, 0) ||
      !parse_objects (c, 0) ||
      !parse_list (c, 0, "tasks", parse_task) ||
      !check_cpu_time (c, 0, p->executor, p->workers, "the tasks") ||
      !parse_list (c, 0, "stages", parse_stage))
    return FALSE;

  if (p->tasks->len == 0 && p->stages->len == 0)
    {
      if ((tasks = member (c, 0, "tasks")) != WEFT_PROFILE_NONE)
        return fail (c, tasks, "expected at least one task (or a pipeline in \"stages\")");
      if ((stages = member (c, 0, "stages")) != WEFT_PROFILE_NONE)
        return fail (c, stages, "expected at least one stage (or some \"tasks\")");
      return fail (c, 0, "a profile needs \"tasks\" or \"stages\"");
    }
  return TRUE;
}

/**
 * _weft_profile_parse_doc:
 * @profile: an empty profile (_weft_profile_new_empty()) to fill
 * @doc: the document
 * @display_name: the file name for messages
 * @default_name: the profile's name when it has none
 *
 * Returns: %FALSE with @error set (WEFT_PROFILE_ERROR_INVALID) if @doc is
 *   not a valid profile
 */
gboolean
_weft_profile_parse_doc (WeftProfile           *profile,
                         const WeftProfileDoc  *doc,
                         const char            *display_name,
                         const char            *default_name,
                         GError               **error)
{
  g_autoptr(GHashTable) object_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) spec_work = g_array_new (FALSE, FALSE, sizeof (SpecWork));
  Ctx c = { doc, display_name, default_name, profile, object_index, spec_work, 0, error };

  return parse_profile (&c);
}
