/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "weft-profile.h"

/* ---- Field-by-field comparison ------------------------------------------- */

static void assert_steps_equal (const GPtrArray *a, const GPtrArray *b);

static void
assert_step_equal (const WeftStep *a,
                   const WeftStep *b)
{
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpuint (a->object, ==, b->object);
  g_assert_cmpint (a->count, ==, b->count);
  g_assert_cmpint (a->bytes, ==, b->bytes);
  g_assert_cmpfloat (a->ms, ==, b->ms);
  g_assert_cmpint (a->blocking, ==, b->blocking);
  g_assert_cmpstr (a->message, ==, b->message);
  g_assert_true ((a->steps == NULL) == (b->steps == NULL));
  if (a->steps != NULL)
    assert_steps_equal (a->steps, b->steps);
}

static void
assert_steps_equal (const GPtrArray *a,
                    const GPtrArray *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_step_equal (a->pdata[i], b->pdata[i]);
}

static void
assert_profiles_equal (const WeftProfile *a,
                       const WeftProfile *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpint (a->concept, ==, b->concept);
  g_assert_cmpint (a->executor, ==, b->executor);
  g_assert_cmpuint (a->workers, ==, b->workers);
  g_assert_cmpint (a->gil, ==, b->gil);
  g_assert_cmpfloat (a->switch_interval_ms, ==, b->switch_interval_ms);
  g_assert_cmpuint (a->python_version, ==, b->python_version);
  g_assert_cmpint (a->start_method, ==, b->start_method);
  g_assert_cmpint (a->cancel_on_error, ==, b->cancel_on_error);
  g_assert_cmpfloat (a->timeout_s, ==, b->timeout_s);

  g_assert_cmpuint (a->objects->len, ==, b->objects->len);
  for (guint i = 0; i < a->objects->len; i++)
    {
      const WeftProfileObject *oa = a->objects->pdata[i];
      const WeftProfileObject *ob = b->objects->pdata[i];

      g_assert_cmpstr (oa->name, ==, ob->name);
      g_assert_cmpint (oa->kind, ==, ob->kind);
      g_assert_cmpint (oa->initial, ==, ob->initial);
      g_assert_cmpuint (oa->length, ==, ob->length);
      g_assert_cmpuint (oa->capacity, ==, ob->capacity);
      g_assert_cmpint (oa->backend, ==, ob->backend);
    }

  g_assert_cmpuint (a->tasks->len, ==, b->tasks->len);
  for (guint i = 0; i < a->tasks->len; i++)
    {
      const WeftTaskSpec *ta = a->tasks->pdata[i];
      const WeftTaskSpec *tb = b->tasks->pdata[i];

      g_assert_cmpstr (ta->name, ==, tb->name);
      g_assert_cmpuint (ta->count, ==, tb->count);
      assert_steps_equal (ta->steps, tb->steps);
    }

  g_assert_cmpuint (a->stages->len, ==, b->stages->len);
  for (guint i = 0; i < a->stages->len; i++)
    {
      const WeftStage *sa = a->stages->pdata[i];
      const WeftStage *sb = b->stages->pdata[i];

      g_assert_cmpstr (sa->name, ==, sb->name);
      g_assert_cmpint (sa->executor, ==, sb->executor);
      g_assert_cmpuint (sa->workers, ==, sb->workers);
      g_assert_cmpuint (sa->output, ==, sb->output);
      assert_steps_equal (sa->steps, sb->steps);
    }
}

/* Loads to_json(p) back and checks it is equal to p. */
static void
assert_round_trips (const WeftProfile *p)
{
  g_autofree char *json = weft_profile_to_json (p);
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) again = weft_profile_new_from_data (json, -1, "saved.json", &error);
  g_autofree char *json2 = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (again);
  assert_profiles_equal (p, again);
  json2 = weft_profile_to_json (again);
  g_assert_cmpstr (json, ==, json2);
}

static WeftProfile *
load_valid (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "profiles", "valid", name, NULL);
  g_autoptr(GError) error = NULL;
  WeftProfile *p = weft_profile_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (p);
  g_assert_cmpstr (p->path, ==, path);
  return p;
}

static const WeftStep *
step_at (const GPtrArray *steps,
         guint            i)
{
  g_assert_nonnull (steps);
  g_assert_cmpuint (i, <, steps->len);
  return steps->pdata[i];
}

/* ---- Valid profiles ------------------------------------------------------- */

static void
test_every_step_kind (void)
{
  g_autoptr(WeftProfile) p = load_valid ("all-steps.json");
  g_autoptr(WeftProfile) copy = NULL;
  const WeftTaskSpec *t0, *t1;
  const WeftStage *s;
  const WeftStep *st;
  guint counter, lock, raw, parsed;
  gboolean seen[WEFT_STEP_FOR_EACH + 1] = { FALSE, };

  g_assert_cmpstr (p->name, ==, "Every step kind");
  g_assert_cmpint (p->concept, ==, 16);
  g_assert_cmpint (p->executor, ==, WEFT_EXECUTOR_PROCESSES);
  g_assert_cmpuint (p->workers, ==, 3);
  g_assert_true (p->gil);
  g_assert_cmpfloat (p->switch_interval_ms, ==, 2.5);
  g_assert_cmpuint (p->python_version, ==, 309);
  g_assert_cmpint (p->start_method, ==, WEFT_START_FORK);
  g_assert_true (p->cancel_on_error);
  g_assert_cmpfloat (p->timeout_s, ==, 12.5);

  counter = weft_profile_lookup_object (p, "counter");
  lock = weft_profile_lookup_object (p, "counter_lock");
  raw = weft_profile_lookup_object (p, "raw");
  parsed = weft_profile_lookup_object (p, "parsed");
  g_assert_cmpuint (counter, ==, 0);
  g_assert_cmpuint (lock, ==, 1);
  g_assert_cmpuint (raw, ==, 2);
  g_assert_cmpuint (parsed, ==, 3);
  g_assert_cmpuint (weft_profile_lookup_object (p, "nope"), ==, G_MAXUINT);
  g_assert_cmpuint (weft_profile_lookup_object (p, NULL), ==, G_MAXUINT);
  {
    const WeftProfileObject *o = p->objects->pdata[counter];
    g_assert_cmpint (o->kind, ==, WEFT_OBJECT_COUNTER);
    g_assert_cmpint (o->initial, ==, -7);
    g_assert_cmpint (o->backend, ==, WEFT_BACKEND_MANAGER);
    o = p->objects->pdata[raw];
    g_assert_cmpint (o->kind, ==, WEFT_OBJECT_QUEUE);
    g_assert_cmpuint (o->capacity, ==, 8);
    g_assert_cmpint (o->backend, ==, WEFT_BACKEND_MEMORY);
    o = p->objects->pdata[lock];
    g_assert_cmpint (o->kind, ==, WEFT_OBJECT_LOCK);
  }

  g_assert_cmpuint (p->tasks->len, ==, 2);
  t0 = p->tasks->pdata[0];
  t1 = p->tasks->pdata[1];
  g_assert_cmpstr (t0->name, ==, "sum-of-squares");
  g_assert_cmpuint (t0->count, ==, 8);
  g_assert_cmpstr (t1->name, ==, "task 2");
  g_assert_cmpuint (t1->count, ==, 1);

  st = step_at (t0->steps, 0);
  g_assert_cmpint (st->kind, ==, WEFT_STEP_CPU);
  g_assert_cmpfloat (st->ms, ==, 200);
  g_assert_null (st->steps);
  st = step_at (t0->steps, 1);
  g_assert_cmpint (st->kind, ==, WEFT_STEP_CPU);
  g_assert_cmpfloat (st->ms, <, 0);
  g_assert_cmpint (st->count, ==, G_GINT64_CONSTANT (1000000000000));
  st = step_at (t0->steps, 2);
  g_assert_cmpint (st->kind, ==, WEFT_STEP_IO);
  g_assert_cmpfloat (st->ms, ==, 0.5);
  g_assert_true (st->blocking);
  st = step_at (t0->steps, 3);
  g_assert_false (st->blocking);
  st = step_at (t0->steps, 4);
  g_assert_cmpint (st->kind, ==, WEFT_STEP_LOCK);
  g_assert_cmpuint (st->object, ==, lock);
  st = step_at (st->steps, 0);
  g_assert_cmpint (st->kind, ==, WEFT_STEP_INCREMENT);
  g_assert_cmpuint (st->object, ==, counter);
  g_assert_cmpint (st->count, ==, 1000);
  st = step_at (t0->steps, 5);
  g_assert_nonnull (st->steps);
  g_assert_cmpuint (st->steps->len, ==, 0);
  st = step_at (t0->steps, 6);
  g_assert_cmpint (st->count, ==, 1);   /* increment: times default */
  st = step_at (t0->steps, 7);
  g_assert_cmpint (st->kind, ==, WEFT_STEP_TRANSFER);
  g_assert_cmpint (st->bytes, ==, 1000000);
  st = step_at (t0->steps, 8);
  g_assert_cmpint (st->kind, ==, WEFT_STEP_REPEAT);
  g_assert_cmpint (st->count, ==, 3);
  st = step_at (st->steps, 0);
  g_assert_cmpint (st->kind, ==, WEFT_STEP_PUT);
  g_assert_cmpuint (st->object, ==, raw);
  g_assert_cmpint (st->count, ==, 2);
  g_assert_cmpint (st->bytes, ==, 4096);

  st = step_at (t1->steps, 0);
  g_assert_cmpint (st->kind, ==, WEFT_STEP_GET);
  g_assert_cmpint (st->count, ==, 1);
  st = step_at (t1->steps, 1);
  g_assert_cmpint (st->kind, ==, WEFT_STEP_PUT);
  g_assert_cmpint (st->count, ==, 1);
  g_assert_cmpint (st->bytes, ==, 0);
  st = step_at (t1->steps, 2);
  g_assert_cmpint (st->kind, ==, WEFT_STEP_FAIL);
  g_assert_cmpstr (st->message, ==, "boom \"quoted\" ünïcode");

  g_assert_cmpuint (p->stages->len, ==, 3);
  s = p->stages->pdata[0];
  g_assert_cmpstr (s->name, ==, "fetch");
  g_assert_cmpint (s->executor, ==, WEFT_EXECUTOR_MAINLOOP);
  g_assert_cmpuint (s->workers, ==, 1);
  g_assert_cmpuint (s->output, ==, raw);
  s = p->stages->pdata[1];
  g_assert_cmpint (s->executor, ==, WEFT_EXECUTOR_PROCESSES);   /* the profile's */
  g_assert_cmpuint (s->workers, ==, 4);
  g_assert_cmpuint (s->output, ==, parsed);
  st = step_at (s->steps, 0);
  g_assert_cmpint (st->kind, ==, WEFT_STEP_FOR_EACH);
  g_assert_cmpuint (st->object, ==, raw);
  s = p->stages->pdata[2];
  g_assert_cmpint (s->executor, ==, WEFT_EXECUTOR_THREADS);
  g_assert_cmpuint (s->workers, ==, 1);
  g_assert_cmpuint (s->output, ==, G_MAXUINT);

  /* Every kind appears somewhere (guards the file against edits). */
  for (guint i = 0; i < p->tasks->len; i++)
    {
      const WeftTaskSpec *t = p->tasks->pdata[i];
      GPtrArray *stack = g_ptr_array_new ();
      g_ptr_array_add (stack, t->steps);
      for (guint j = 0; j < p->stages->len; j++)
        g_ptr_array_add (stack, ((WeftStage *) p->stages->pdata[j])->steps);
      while (stack->len > 0)
        {
          GPtrArray *steps = g_ptr_array_steal_index (stack, stack->len - 1);
          for (guint k = 0; k < steps->len; k++)
            {
              const WeftStep *x = steps->pdata[k];
              seen[x->kind] = TRUE;
              if (x->steps)
                g_ptr_array_add (stack, x->steps);
            }
        }
      g_ptr_array_unref (stack);
    }
  for (guint k = WEFT_STEP_CPU; k <= WEFT_STEP_FOR_EACH; k++)
    g_assert_true (seen[k]);

  assert_round_trips (p);

  copy = weft_profile_copy (p);
  g_assert_cmpstr (copy->path, ==, p->path);
  assert_profiles_equal (p, copy);
  assert_round_trips (copy);
}

static void
test_defaults (void)
{
  g_autoptr(WeftProfile) p = load_valid ("minimal.json");
  const WeftTaskSpec *t;

  g_assert_cmpstr (p->name, ==, "minimal");      /* from the file name */
  g_assert_cmpstr (p->description, ==, "");
  g_assert_cmpint (p->concept, ==, 0);
  g_assert_cmpint (p->executor, ==, WEFT_EXECUTOR_THREADS);
  g_assert_cmpuint (p->workers, ==, 4);
  g_assert_false (p->gil);
  g_assert_cmpfloat (p->switch_interval_ms, ==, 5);
  g_assert_cmpuint (p->python_version, ==, 0);   /* the run picks */
  g_assert_cmpint (p->start_method, ==, WEFT_START_SPAWN);
  g_assert_false (p->cancel_on_error);
  g_assert_cmpfloat (p->timeout_s, ==, 60);
  g_assert_nonnull (p->objects);
  g_assert_cmpuint (p->objects->len, ==, 0);
  g_assert_nonnull (p->stages);
  g_assert_cmpuint (p->stages->len, ==, 0);
  g_assert_cmpuint (p->tasks->len, ==, 1);
  t = p->tasks->pdata[0];
  g_assert_cmpstr (t->name, ==, "task 1");
  g_assert_cmpuint (t->count, ==, 1);
  assert_round_trips (p);
}

#define BOM_JSON "\xEF\xBB\xBF{\"weft_profile\": 1, \"tasks\": [{\"steps\": [{\"io\": {\"ms\": 1}}]}]}"

static void
test_from_data (void)
{
  const char *json = "{\"weft_profile\": 1, \"objects\": {\"q\": {\"kind\": \"queue\"}},"
                     " \"stages\": [{\"name\": \"s\", \"steps\": [{\"for_each\": {\"queue\": \"q\", \"steps\": []}}]}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) p = weft_profile_new_from_data (json, -1, NULL, &error);
  g_autoptr(WeftProfile) q = NULL;

  g_assert_no_error (error);
  g_assert_null (p->path);
  g_assert_cmpstr (p->name, ==, "Untitled");
  g_assert_cmpuint (p->tasks->len, ==, 0);
  g_assert_cmpuint (p->stages->len, ==, 1);
  assert_round_trips (p);

  /* A BOM, and a length that leaves out what follows. */
  q = weft_profile_new_from_data (BOM_JSON "xyz", (gssize) strlen (BOM_JSON), "bom.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (q);
  g_assert_cmpstr (q->name, ==, "bom");
}

/* The complete example in docs/profiles.md loads and round-trips. */
static void
test_docs_example (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "docs", "profiles.md", NULL);
  g_autofree char *doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) p = NULL;
  const char *start, *end;

  g_assert_true (g_file_get_contents (path, &doc, NULL, NULL));
  start = strstr (doc, "```json\n");
  g_assert_nonnull (start);
  start += strlen ("```json\n");
  end = strstr (start, "```");
  g_assert_nonnull (end);

  p = weft_profile_new_from_data (start, end - start, "profiles.md", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->stages->len, ==, 3);
  assert_round_trips (p);
}

static void
test_free_null (void)
{
  weft_profile_free (NULL);
}

static void
test_executor_nicks (void)
{
  struct { WeftExecutorKind kind; const char *nick; } table[] = {
    { WEFT_EXECUTOR_THREADS, "threads" },
    { WEFT_EXECUTOR_PROCESSES, "processes" },
    { WEFT_EXECUTOR_MAINLOOP, "mainloop" },
  };
  WeftExecutorKind kind;

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_assert_cmpstr (weft_executor_to_nick (table[i].kind), ==, table[i].nick);
      kind = WEFT_EXECUTOR_NONE;
      g_assert_true (weft_executor_from_nick (table[i].nick, &kind));
      g_assert_cmpint (kind, ==, table[i].kind);
    }
  /* every kind has a name, but only the three a profile can run on are read */
  g_assert_cmpstr (weft_executor_to_nick (WEFT_EXECUTOR_EXTERNAL), ==, "external");
  g_assert_cmpstr (weft_executor_to_nick (WEFT_EXECUTOR_NONE), ==, "none");
  g_assert_cmpstr (weft_executor_to_nick ((WeftExecutorKind) 99), ==, "none");
  kind = WEFT_EXECUTOR_MAINLOOP;
  g_assert_false (weft_executor_from_nick ("external", &kind));
  g_assert_false (weft_executor_from_nick ("none", &kind));
  g_assert_false (weft_executor_from_nick ("thread", &kind));
  g_assert_false (weft_executor_from_nick ("", &kind));
  g_assert_false (weft_executor_from_nick (NULL, &kind));
  g_assert_cmpint (kind, ==, WEFT_EXECUTOR_MAINLOOP);
  g_assert_true (weft_executor_from_nick ("threads", NULL));
}

/* ---- Errors ----------------------------------------------------------------- */

typedef struct
{
  const char *json;
  int         code;
  const char *message;
} ErrorCase;

#define V "{\n  \"weft_profile\": 1,\n"
#define TASKS "  \"tasks\": [{\"steps\": [{\"cpu\": {\"ms\": 1}}]}]\n}"

static const ErrorCase error_cases[] = {
  /* the example of docs/profiles.md: line 7, column 21 */
  { V
    "  \"tasks\": [\n"
    "    {\n"
    "      \"name\": \"busy\",\n"
    "      \"steps\": [\n"
    "        {\"io\": {\"ms\": 1}},\n"
    "        {\"cpu\": {\"ms\": \"fast\"}}\n"
    "      ]\n"
    "    }\n"
    "  ]\n"
    "}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:8:24: $.tasks[0].steps[1].cpu.ms: expected a number from 0 to 600000, got \"fast\"" },
  { V "  \"python\": 3.11,\n" TASKS,
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:13: $.python: expected a CPython version such as \"3.11\" (3.0 to 3.99), got 3.11" },
  { V "  \"python\": \"2.7\",\n" TASKS,
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:13: $.python: expected a CPython version such as \"3.11\" (3.0 to 3.99), got \"2.7\"" },
  { V "  \"tasks\": [{\"colour\": 1, \"steps\": [{\"cpu\": {\"ms\": 1}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:14: $.tasks[0]: unknown key \"colour\" (a task has: name, count, steps)" },
  { V "  \"tasks\": [{\"coutn\": 1, \"steps\": [{\"cpu\": {\"ms\": 1}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:14: $.tasks[0]: unknown key \"coutn\" (did you mean \"count\"?)" },
  { V "  \"objects\": {\"counter_lock\": {\"kind\": \"lock\"}},\n"
    "  \"tasks\": [{\"steps\": [{\"lock\": {\"name\": \"lockk\", \"steps\": []}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:4:42: $.tasks[0].steps[0].lock.name: \"lockk\" is not a lock (known locks: counter_lock)" },
  { V "  \"objects\": {\"n\": {\"kind\": \"counter\"}, \"l\": {\"kind\": \"lock\"}},\n"
    "  \"tasks\": [{\"steps\": [{\"increment\": {\"counter\": \"l\"}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:4:50: $.tasks[0].steps[0].increment.counter: \"l\" is a lock, not a counter (known counters: n)" },
  { V "  \"tasks\": [{\"steps\": [{\"put\": {\"queue\": \"q\"}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:42: $.tasks[0].steps[0].put.queue: \"q\" is not a queue (no queue is defined in $.objects)" },
  { V "  \"tasks\": [{\"steps\": [{\"cpu\": {\"ms\": 1}, \"io\": {\"ms\": 2}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:24: $.tasks[0].steps[0]: a step needs exactly one key naming its kind, got 2 (\"cpu\", \"io\")" },
  { V "  \"tasks\": [{\"steps\": [{}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:24: $.tasks[0].steps[0]: a step needs exactly one key naming its kind "
    "(cpu, io, increment, lock, put, get, transfer, fail, repeat, for_each), got none" },
  { V "  \"tasks\": [{\"steps\": [{\"sleep\": {\"ms\": 1}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:25: $.tasks[0].steps[0]: unknown step kind \"sleep\" "
    "(expected one of: cpu, io, increment, lock, put, get, transfer, fail, repeat, for_each)" },
  { V "  \"tasks\": [{\"steps\": [{\"for-each\": {}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:25: $.tasks[0].steps[0]: unknown step kind \"for-each\" (did you mean \"for_each\"?)" },
  { V "  \"tasks\": [{\"steps\": [{\"cpu\": {\"iterations\": 0.5}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:47: $.tasks[0].steps[0].cpu.iterations: expected an integer from 1 to 1000000000000, got 0.5 (not an integer)" },
  { V "  \"tasks\": [{\"steps\": [{\"cpu\": {\"ms\": 1e999}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:39: $.tasks[0].steps[0].cpu.ms: expected a number from 0 to 600000, got 1e999" },
  { V "  \"tasks\": [{\"count\": 100001, \"steps\": [{\"cpu\": {\"ms\": 1}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:23: $.tasks[0].count: expected an integer from 1 to 100000, got 100001" },
  { V "  \"tasks\": [{\"count\": -99999999999999999999, \"steps\": [{\"cpu\": {\"ms\": 1}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:23: $.tasks[0].count: expected an integer from 1 to 100000, got -99999999999999999999" },
  { V "  \"tasks\": [{\"name\": null, \"steps\": [{\"cpu\": {\"ms\": 1}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:22: $.tasks[0].name: expected a non-empty string of at most 128 characters, got null" },
  { V "  \"tasks\": [{\"steps\": [{\"put\": {\"queue\": \"q\", \"bytes\": 1073741825}}]}],\n"
    "  \"objects\": {\"q\": {\"kind\": \"queue\"}}\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:56: $.tasks[0].steps[0].put.bytes: expected an integer from 0 to 1073741824, got 1073741825" },
  { V "  \"objects\": {\"a\": {\"kind\": \"lock\"}, \"a\": {\"kind\": \"queue\"}},\n" TASKS,
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:38: $.objects.a: duplicate object name \"a\" (first at line 3)" },
  { V "  \"tasks\": [{\"steps\": [{\"cpu\": {\"ms\": 1, \"ms\": 2}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:42: $.tasks[0].steps[0].cpu.ms: duplicate key \"ms\" (first at line 3)" },
  /* a duplicate outside $.objects is a key, even where the first key is "objects" */
  { "[{\"objects\": 1}, {\"a\": 1, \"a\": 2}]",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:1:27: $[1].a: duplicate key \"a\" (first at line 1)" },
  { V "  \"objects\": {\"a-b.c_9\": {\"kind\": \"queue\", \"capacity\": 0}, \"\": {\"kind\": \"lock\"}},\n" TASKS,
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:3:60: $.objects[\"\"]: an object name must be 1 to 64 characters from A-Z a-z 0-9 _ . -" },
  { V "  \"stages\": [{\"name\": \"a\", \"steps\": [{\"io\": {\"ms\": 1}}]},\n"
    "             {\"name\": \"a\", \"steps\": [{\"io\": {\"ms\": 1}}]}]\n}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:4:23: $.stages[1].name: duplicate stage name \"a\" (also $.stages[0])" },
  { "{\"weft_profile\": 1}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:1:1: $: a profile needs \"tasks\" or \"stages\"" },
  { "{\"weft_profile\": 1, \"stages\": []}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:1:31: $.stages: expected at least one stage (or some \"tasks\")" },
  { "{\"weft_profile\": 1.0, \"tasks\": []}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:1:18: $.weft_profile: expected the format version 1, got 1.0" },
  { "{\"weft_profile\": 3, \"colour\": 1}",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:1:18: $.weft_profile: unsupported format version 3 (this Weft reads version 1)" },
  { "\"profile\"",
    WEFT_PROFILE_ERROR_INVALID,
    "busy.json:1:1: $: expected a profile object {\"weft_profile\": 1, ...}, got \"profile\"" },
  { "", WEFT_PROFILE_ERROR_SYNTAX, "busy.json: the file is empty (expected a JSON object)" },
  { "{\n  \"weft_profile\": 1,\n  \"gil\": yes\n}",
    WEFT_PROFILE_ERROR_SYNTAX, "busy.json:3:10: syntax error: expected a value, got \"yes\"" },
  { "{\n  \"weft_profile\": 1\n  \"gil\": true\n}",
    WEFT_PROFILE_ERROR_SYNTAX,
    "busy.json:3:3: syntax error: expected \",\" or \"}\" after a member, got \"\\\"\"" },
  { "{\"weft_profile\": 1, \"name\": \"a\\qb\"}",
    WEFT_PROFILE_ERROR_SYNTAX,
    "busy.json:1:31: syntax error: unknown escape \"\\q\" (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)" },
  { "{\"weft_profile\": 0x1}",
    WEFT_PROFILE_ERROR_SYNTAX,
    "busy.json:1:19: syntax error: expected \",\" or \"}\" after a member, got \"x1\"" },
  { "{\"weft_profile\": 1, \"name\": \"\\u0000\"}",
    WEFT_PROFILE_ERROR_SYNTAX,
    "busy.json:1:30: syntax error: \"\\u0000\" is not allowed in a profile" },
  { "{\"weft_profile\": 1, \"name\": \"\\ud800\"}",
    WEFT_PROFILE_ERROR_SYNTAX,
    "busy.json:1:30: syntax error: unpaired UTF-16 surrogate in \"\\u\" escape" },
  { "{\"a\": 1} {",
    WEFT_PROFILE_ERROR_SYNTAX,
    "busy.json:1:10: syntax error: expected the end of the file after the top-level value, got \"{\"" },
  { "{\"weft_profile\": 1, \"name\": \"\xff\"}",
    WEFT_PROFILE_ERROR_SYNTAX, "busy.json:1:30: syntax error: invalid UTF-8" },
  { "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    WEFT_PROFILE_ERROR_SYNTAX, "busy.json:1:257: syntax error: nested more than 256 levels deep" },
};

static void
test_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WeftProfile) p = NULL;

      g_test_message ("case %u: %s", i, error_cases[i].message);
      p = weft_profile_new_from_data (error_cases[i].json, -1, "busy.json", &error);
      g_assert_null (p);
      g_assert_error (error, WEFT_PROFILE_ERROR, error_cases[i].code);
      g_assert_cmpstr (error->message, ==, error_cases[i].message);
    }
}

static void
test_steps_nesting (void)
{
  /* 32 levels load, 33 do not (repeating once: 2 ** 31 runs would be too much work). */
  for (guint levels = 32; levels <= 33; levels++)
    {
      g_autoptr(GString) s = g_string_new ("{\"weft_profile\": 1, \"tasks\": [{\"steps\": [");
      g_autoptr(GError) error = NULL;
      g_autoptr(WeftProfile) p = NULL;

      for (guint i = 1; i < levels; i++)
        g_string_append (s, "{\"repeat\": {\"times\": 1, \"steps\": [");
      g_string_append (s, "{\"cpu\": {\"ms\": 1}}");
      for (guint i = 1; i < levels; i++)
        g_string_append (s, "]}}");
      g_string_append (s, "]}]}");

      p = weft_profile_new_from_data (s->str, (gssize) s->len, "deep.json", &error);
      if (levels == 32)
        {
          g_assert_no_error (error);
          assert_round_trips (p);
        }
      else
        {
          g_assert_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_INVALID);
          g_assert_true (g_str_has_suffix (error->message, ".repeat.steps: steps nest more than 32 deep"));
        }
    }
}

static void
test_io_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-profile-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  g_autofree char *expected = g_strdup_printf ("%s: cannot read: No such file or directory", missing);
  g_autofree char *expected2 = g_strdup_printf ("%s: cannot read: Is a directory", dir);

  g_assert_null (weft_profile_new_from_file (missing, &error));
  g_assert_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_IO);
  g_assert_cmpstr (error->message, ==, expected);

  g_assert_null (weft_profile_new_from_file (dir, &error2));
  g_assert_error (error2, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_IO);
  g_assert_cmpstr (error2->message, ==, expected2);

  g_assert_null (weft_profile_new_from_file (dir, NULL));
  g_rmdir (dir);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Every tests/profiles/malformed/NAME.json fails with the one line in
 * NAME.expected, whose file name is the base name; loaded by path, the
 * message starts with the path instead. */
static void
test_malformed_corpus (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "profiles", "malformed", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >=, 25);

  for (guint i = 0; i < names->len; i++)
    {
      const char *json_name = names->pdata[i];
      g_autofree char *path = g_build_filename (dir, json_name, NULL);
      g_autofree char *stem = g_strndup (json_name, strlen (json_name) - strlen (".json"));
      g_autofree char *expected_name = g_strconcat (stem, ".expected", NULL);
      g_autofree char *expected_path = g_build_filename (dir, expected_name, NULL);
      g_autofree char *expected = NULL;
      g_autofree char *data = NULL;
      g_autofree char *with_path = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) error2 = NULL;
      gsize len;

      g_test_message ("%s", json_name);
      g_assert_true (g_file_get_contents (expected_path, &expected, NULL, NULL));
      g_assert_true (g_str_has_suffix (expected, "\n"));
      expected[strlen (expected) - 1] = '\0';
      g_assert_null (strchr (expected, '\n'));
      g_assert_true (g_str_has_prefix (expected, json_name));

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      g_assert_null (weft_profile_new_from_data (data, (gssize) len, json_name, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == WEFT_PROFILE_ERROR);
      g_assert_cmpstr (error->message, ==, expected);

      with_path = g_build_filename (dir, expected, NULL);
      g_assert_null (weft_profile_new_from_file (path, &error2));
      g_assert_nonnull (error2);
      g_assert_cmpstr (error2->message, ==, with_path);
    }
}

/* ---- What a run can do -------------------------------------------------------- */

static WeftProfile *
load_text (const char  *json,
           GError     **error)
{
  return weft_profile_new_from_data (json, -1, "work.json", error);
}

/* A manager serves single counters: anything else is refused where the
 * profile says "manager", not later by the run. */
static void
test_manager_backends (void)
{
  static const struct { const char *object; const char *message; } refused[] = {
    { "{\"kind\": \"lock\", \"backend\": \"manager\"}",
      "work.json:1:91: $.objects.x.backend: a manager serves counters only, not locks or queues "
      "(\"x\" is a lock): use \"memory\"" },
    { "{\"kind\": \"queue\", \"backend\": \"manager\"}",
      "work.json:1:92: $.objects.x.backend: a manager serves counters only, not locks or queues "
      "(\"x\" is a queue): use \"memory\"" },
    { "{\"kind\": \"counter\", \"length\": 2, \"backend\": \"manager\"}",
      "work.json:1:107: $.objects.x.backend: a manager serves single counters, not arrays "
      "(\"x\" has length 2): use \"memory\"" },
  };
#define MANAGER_FORMAT "{\"weft_profile\": 1, \"executor\": \"processes\", \"objects\": {\"x\": %s}," \
                       " \"tasks\": [{\"steps\": [{\"io\": {\"ms\": 1}}]}]}"

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *json = g_strdup_printf (MANAGER_FORMAT, refused[i].object);
      g_autoptr(GError) error = NULL;
      g_autoptr(WeftProfile) p = load_text (json, &error);

      g_assert_null (p);
      g_assert_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, refused[i].message);
    }

  /* a single counter, and the same kinds in shared memory, load */
  {
    const char *ok[] = {
      "{\"kind\": \"counter\", \"backend\": \"manager\"}",
      "{\"kind\": \"counter\", \"length\": 2}",
      "{\"kind\": \"queue\", \"backend\": \"memory\"}",
      "{\"kind\": \"lock\"}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
      {
        g_autofree char *json = g_strdup_printf (MANAGER_FORMAT, ok[i]);
        g_autoptr(GError) error = NULL;
        g_autoptr(WeftProfile) p = load_text (json, &error);

        g_assert_no_error (error);
        assert_round_trips (p);
      }
  }
}

/* A task of @count instances whose one step repeats an io step @times. */
static char *
repeat_profile (guint   count,
                guint64 times)
{
  return g_strdup_printf ("{\"weft_profile\": 1, \"tasks\": [{\"count\": %u, \"steps\": "
                          "[{\"repeat\": {\"times\": %" G_GUINT64_FORMAT ", \"steps\": "
                          "[{\"io\": {\"ms\": 0}}]}}]}]}", count, times);
}

/* Steps run at most 10,000,000 times in all: the repeat (1 + times runs)
 * or the task (count × that) that crosses is named. */
static void
test_work_cap (void)
{
  g_autofree char *at_cap = repeat_profile (1, 9999999);
  g_autofree char *repeat_over = repeat_profile (1, 10000000);
  g_autofree char *task_at_cap = repeat_profile (10, 999999);
  g_autofree char *task_over = repeat_profile (11, 999999);
  g_autoptr(WeftProfile) p = NULL;
  g_autoptr(WeftProfile) q = NULL;
  g_autoptr(GError) error = NULL;

  p = load_text (at_cap, &error);
  g_assert_no_error (error);
  q = load_text (task_at_cap, &error);
  g_assert_no_error (error);

  g_assert_null (load_text (repeat_over, &error));
  g_assert_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "work.json:1:65: $.tasks[0].steps[0].repeat: too much work: the profile's steps would run "
                   "10000001 times, more than the cap of 10000000 (task counts, stage workers and nested "
                   "repeats multiply)");
  g_clear_error (&error);

  g_assert_null (load_text (task_over, &error));
  g_assert_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "work.json:1:31: $.tasks[0]: too much work: the profile's steps would run "
                   "11000000 times, more than the cap of 10000000 (task counts, stage workers and nested "
                   "repeats multiply)");
}

/* Nested repeats multiply: 31 levels of 2 would be 2^32 - 1 runs. The
 * repeat where the product first crosses the cap is named (the ninth from
 * the outside: 2^24 - 1 runs), and nothing is ever looped over. */
static void
test_work_cap_nested (void)
{
  g_autoptr(GString) s = g_string_new ("{\"weft_profile\": 1, \"tasks\": [{\"steps\": [");
  g_autoptr(GString) expected = g_string_new ("deep.json:1:325: $.tasks[0].steps[0].repeat");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 31; i++)
    g_string_append (s, "{\"repeat\": {\"times\": 2, \"steps\": [");
  g_string_append (s, "{\"cpu\": {\"ms\": 1}}");
  for (guint i = 0; i < 31; i++)
    g_string_append (s, "]}}");
  g_string_append (s, "]}]}");
  for (guint i = 1; i < 9; i++)
    g_string_append (expected, ".steps[0].repeat");
  g_string_append (expected, ": too much work: the profile's steps would run 16777215 times, more than the cap "
                             "of 10000000 (task counts, stage workers and nested repeats multiply)");

  g_assert_null (weft_profile_new_from_data (s->str, (gssize) s->len, "deep.json", &error));
  g_assert_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, expected->str);
}

/* The CPU time asked for must fit in workers × timeout. */
static void
test_cpu_time_cap (void)
{
#define CPU_FORMAT "{\"weft_profile\": 1, \"workers\": 2, \"timeout_s\": 10, \"executor\": \"%s\"," \
                   " \"tasks\": [{\"count\": 4, \"steps\": [{\"cpu\": {\"ms\": %s}}]}]}"
  g_autofree char *fits = g_strdup_printf (CPU_FORMAT, "threads", "5000");
  g_autofree char *over = g_strdup_printf (CPU_FORMAT, "threads", "5000.25");
  g_autofree char *loop = g_strdup_printf (CPU_FORMAT, "mainloop", "2600");
  g_autoptr(WeftProfile) p = NULL;
  g_autoptr(GError) error = NULL;

  p = load_text (fits, &error);
  g_assert_no_error (error);

  g_assert_null (load_text (over, &error));
  g_assert_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "work.json:1:85: $.tasks[0]: too much work: the tasks ask for 20.001 s of CPU time, "
                   "more than 2 workers can run within the timeout of 10 s (20 s)");
  g_clear_error (&error);

  /* a main loop is one thread, whatever its workers */
  g_assert_null (load_text (loop, &error));
  g_assert_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "work.json:1:86: $.tasks[0]: too much work: the tasks ask for 10.4 s of CPU time, "
                   "more than 1 worker (one main loop) can run within the timeout of 10 s (10 s)");
}

/* "timeout_s": 0 is the longest timeout, 3600 s: no run goes on for ever. */
static void
test_timeout_zero (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) p = load_text ("{\"weft_profile\": 1, \"timeout_s\": 0,"
                                        " \"tasks\": [{\"steps\": [{\"io\": {\"ms\": 1}}]}]}", &error);
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  g_assert_cmpfloat (p->timeout_s, ==, 3600);
  json = weft_profile_to_json (p);
  g_assert_nonnull (strstr (json, "\"timeout_s\" : 3600,"));
  assert_round_trips (p);

  g_assert_null (load_text ("{\"weft_profile\": 1, \"timeout_s\": 3600.5,"
                            " \"tasks\": [{\"steps\": [{\"io\": {\"ms\": 1}}]}]}", &error));
  g_assert_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "work.json:1:34: $.timeout_s: expected a number from 0 to 3600, got 3600.5");
}

/* Saving: numbers as short as load back the same, strings through the one
 * JSON escaper. */
static void
test_save_format (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) p = load_text ("{\"weft_profile\": 1, \"switch_interval_ms\": 0.1, \"name\": \"a\\u0001\\\"\\u00e9\","
                                        " \"tasks\": [{\"steps\": [{\"cpu\": {\"ms\": 0.3}}]}]}", &error);
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  json = weft_profile_to_json (p);
  g_assert_nonnull (strstr (json, "\n  \"switch_interval_ms\" : 0.1,\n"));
  g_assert_nonnull (strstr (json, "\"ms\" : 0.3\n"));
  g_assert_nonnull (strstr (json, "\n  \"name\" : \"a\\u0001\\\"\u00e9\",\n"));
  g_assert_nonnull (strstr (json, "\n  \"objects\" : {},\n"));
  g_assert_true (g_str_has_suffix (json, "\n}\n"));
  assert_round_trips (p);
}

/* Columns count characters, not bytes, and a byte-order mark is no column. */
static void
test_columns_are_characters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  g_assert_null (load_text ("{\"weft_profile\": 1, \"name\": \"żółw\", \"gil\": \"да\"}", &error));
  g_assert_cmpstr (error->message, ==, "work.json:1:44: $.gil: expected true or false, got \"да\"");

  g_assert_null (load_text ("\xEF\xBB\xBF{\"weft_profile\": 1, \"gil\": 0}", &error2));
  g_assert_cmpstr (error2->message, ==, "work.json:1:28: $.gil: expected true or false, got 0");
}

/* ---- Robustness ------------------------------------------------------------ */

/* Returns whether it loaded. */
static gboolean
check_mutant (const char *data,
              gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) p = weft_profile_new_from_data (data, (gssize) len, "fuzz.json", &error);

  if (p != NULL)
    {
      g_assert_no_error (error);
      assert_round_trips (p);
      return TRUE;
    }

  g_assert_nonnull (error);
  g_assert_true (error->domain == WEFT_PROFILE_ERROR);
  g_assert_true (g_str_has_prefix (error->message, "fuzz.json:"));
  return FALSE;
}

static void
test_fuzz (void)
{
  const char *seeds[] = { "all-steps.json", "minimal.json" };
  static const char interesting[] = "{}[]\",:0123456789-.eE \n\\tfnu";
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611);
  guint loaded = 0, total = 0;

  for (guint s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "profiles", "valid", seeds[s], NULL);
      g_autofree char *orig = NULL;
      gsize orig_len;
      guint n_cases = g_test_slow () ? 20000 : 2000;

      g_assert_true (g_file_get_contents (path, &orig, &orig_len, NULL));

      for (guint i = 0; i < n_cases; i++)
        {
          /* An exact-size heap copy, not NUL-terminated, so ASan sees overreads. */
          char *buf = g_malloc (orig_len);
          gsize len = orig_len;
          guint n_mutations = 1 + g_rand_int_range (rand, 0, 4);

          memcpy (buf, orig, orig_len);
          for (guint m = 0; m < n_mutations && len > 0; m++)
            {
              gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) len);

              switch (g_rand_int_range (rand, 0, 5))
                {
                case 0: /* flip a bit */
                  buf[at] ^= (char) (1 << g_rand_int_range (rand, 0, 8));
                  break;
                case 1: /* a random byte */
                  buf[at] = (char) g_rand_int_range (rand, 0, 256);
                  break;
                case 2: /* a JSON-ish character */
                  buf[at] = interesting[g_rand_int_range (rand, 0, sizeof interesting - 1)];
                  break;
                case 3: /* truncate */
                  len = at;
                  break;
                case 4: /* delete a run */
                  {
                    gsize run = (gsize) g_rand_int_range (rand, 1, 16);

                    run = MIN (run, len - at);   /* MIN() evaluates twice */
                    memmove (buf + at, buf + at + run, len - at - run);
                    len -= run;
                  }
                  break;
                default:
                  g_assert_not_reached ();
                }
            }

          if (check_mutant (buf, len))
            loaded++;
          total++;
          g_free (buf);
        }
    }

  g_test_message ("%u of %u mutants loaded", loaded, total);
  g_assert_cmpuint (loaded, >, 0);
  g_assert_cmpuint (loaded, <, total);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/profile/every-step-kind", test_every_step_kind);
  g_test_add_func ("/weft/profile/defaults", test_defaults);
  g_test_add_func ("/weft/profile/from-data", test_from_data);
  g_test_add_func ("/weft/profile/docs-example", test_docs_example);
  g_test_add_func ("/weft/profile/free-null", test_free_null);
  g_test_add_func ("/weft/profile/executor-nicks", test_executor_nicks);
  g_test_add_func ("/weft/profile/errors", test_errors);
  g_test_add_func ("/weft/profile/steps-nesting", test_steps_nesting);
  g_test_add_func ("/weft/profile/io-errors", test_io_errors);
  g_test_add_func ("/weft/profile/malformed-corpus", test_malformed_corpus);
  g_test_add_func ("/weft/profile/manager-backends", test_manager_backends);
  g_test_add_func ("/weft/profile/work-cap", test_work_cap);
  g_test_add_func ("/weft/profile/work-cap-nested", test_work_cap_nested);
  g_test_add_func ("/weft/profile/cpu-time-cap", test_cpu_time_cap);
  g_test_add_func ("/weft/profile/timeout-zero", test_timeout_zero);
  g_test_add_func ("/weft/profile/columns-are-characters", test_columns_are_characters);
  g_test_add_func ("/weft/profile/save-format", test_save_format);
  g_test_add_func ("/weft/profile/fuzz", test_fuzz);

  return g_test_run ();
}
