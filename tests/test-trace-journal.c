/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The model's journal on disk: once a few MiB are in memory the journal
 * moves them to an unlinked file. What it records, exports and hands out
 * (args) must be the same as a journal kept in memory, whether the file
 * could be written or the disk was full.
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "weft-trace-export.h"
#include "weft-trace-import.h"
#include "weft-trace-model-private.h"

#define N_TASKS 4000
#define BATCH   256

/* Four workers running tasks that take a shared lock and put to a queue,
 * with a counter; every 50th task's span gets args. */
static GArray *
make_events (void)
{
  GArray *events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  guint64 t = 1000;

  for (guint task = 0; task < N_TASKS; task++)
    {
      guint16 w = (guint16) (task % 4);
      WeftEvent cycle[] = {
        { .kind = WEFT_EVENT_TASK_BEGIN, .object = task },
        { .kind = WEFT_EVENT_LOCK_WAIT, .object = 1 },
        { .kind = WEFT_EVENT_LOCK_ACQUIRED, .object = 1 },
        { .kind = WEFT_EVENT_LOCK_RELEASED, .object = 1 },
        { .kind = WEFT_EVENT_QUEUE_PUT_BEGIN, .object = 2 },
        { .kind = WEFT_EVENT_QUEUE_PUT_END, .object = 2, .arg0 = task % 8, .arg1 = task },
        { .kind = WEFT_EVENT_COUNTER, .object = 3, .arg0 = task },
        { .kind = WEFT_EVENT_TASK_END, .object = task, .arg0 = WEFT_TASK_OK },
      };

      for (guint i = 0; i < G_N_ELEMENTS (cycle); i++)
        {
          cycle[i].worker = w;
          cycle[i].time_ns = t;
          t += 10 + (task * 7 + i) % 90;
          g_array_append_val (events, cycle[i]);
        }
    }
  return events;
}

static char *
args_of (guint task)
{
  return g_strdup_printf ("{\"task\":%u,\"note\":\"args of task %u\"}", task, task);
}

/* The model of make_events(), its journal spilled once @spill bytes are in
 * memory (0: never). */
static WeftTraceModel *
build (gsize spill)
{
  WeftTraceModel *model = weft_trace_model_new ();
  g_autoptr(GArray) events = make_events ();
  const WeftEvent *e = (const WeftEvent *) events->data;

  _weft_trace_model_set_journal_spill (model, spill);
  for (guint i = 0; i < events->len; i += BATCH)
    {
      weft_trace_model_append (model, e + i, MIN (BATCH, events->len - i));
      for (guint k = i; k < MIN (i + BATCH, events->len); k++)
        if (e[k].kind == WEFT_EVENT_TASK_BEGIN && e[k].object % 50 == 0)
          {
            g_autofree char *args = args_of (e[k].object);

            g_assert_true (weft_trace_model_set_span_args (model, e[k].worker, 0, e[k].time_ns, args, -1));
          }
    }
  weft_trace_model_finish (model, 0);
  return model;
}

static void
assert_same_journal (WeftTraceModel *a,
                     WeftTraceModel *b)
{
  g_autoptr(GBytes) ja = _weft_trace_model_dup_journal (a);
  g_autoptr(GBytes) jb = _weft_trace_model_dup_journal (b);

  g_assert_nonnull (ja);
  g_assert_nonnull (jb);
  g_assert_cmpuint (g_bytes_get_size (ja), >, 100000);
  g_assert_true (g_bytes_equal (ja, jb));
}

/* Every task's args, as the model hands them out (from disk or memory) */
static void
assert_args (WeftTraceModel *model)
{
  g_autoptr(GArray) events = make_events ();
  const WeftEvent *e = (const WeftEvent *) events->data;
  guint n = 0;

  for (guint k = 0; k < events->len; k++)
    if (e[k].kind == WEFT_EVENT_TASK_BEGIN && e[k].object % 50 == 0)
      {
        g_autofree char *want = args_of (e[k].object);
        gsize len;
        const char *got = weft_trace_model_get_span_args (model, e[k].worker, 0, e[k].time_ns, &len);

        g_assert_cmpmem (got, len, want, strlen (want));
        n++;
      }
  g_assert_cmpuint (n, ==, N_TASKS / 50);
}

static GBytes *
export_bytes (WeftTraceModel *model,
              const char     *dir,
              const char     *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *text;
  gsize len;

  g_assert_true (weft_trace_export_to_file (model, NULL, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, &len, &error));
  return g_bytes_new_take (text, len);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* A journal moved to disk a few KiB at a time records, exports and hands
 * out args exactly as one kept in memory, and leaves no file behind. */
static void
test_spilled (void)
{
  g_autoptr(WeftTraceModel) in_memory = build (0);
  g_autoptr(WeftTraceModel) on_disk = build (4096);
  g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "weft", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-journal-XXXXXX", &error);
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(WeftTraceModel) back = NULL;
  g_autofree char *path = NULL;
  guint64 len;

  g_assert_no_error (error);
  g_assert_cmpuint (_weft_trace_model_get_journal_spilled (in_memory), ==, 0);
  g_assert_true (_weft_trace_model_get_journal_length (on_disk, &len));
  /* all but the last few KiB went to disk */
  g_assert_cmpuint (_weft_trace_model_get_journal_spilled (on_disk), >, len - 8192);
  g_assert_cmpuint (count_entries (cache), ==, 0);
  assert_same_journal (in_memory, on_disk);
  assert_args (on_disk);

  a = export_bytes (in_memory, dir, "a.json");
  b = export_bytes (on_disk, dir, "b.json");
  g_assert_true (g_bytes_equal (a, b));

  path = g_build_filename (dir, "b.json", NULL);
  back = weft_trace_import_file (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_args (back);
  g_unlink (path);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "a.json", NULL);
  g_unlink (path);
  g_rmdir (dir);
}

/* The disk fills up (here: the file may not grow past 32 KiB) after part
 * of the journal went to disk: the rest stays in memory, nothing is lost. */
static void
test_disk_full (void)
{
  if (g_test_subprocess ())
    {
      struct rlimit small = { 32 << 10, 32 << 10 };
      g_autoptr(WeftTraceModel) in_memory = build (0);
      g_autoptr(WeftTraceModel) on_disk = NULL;

      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
      on_disk = build (4096);
      g_assert_cmpuint (_weft_trace_model_get_journal_spilled (on_disk), >, 0);
      g_assert_cmpuint (_weft_trace_model_get_journal_spilled (on_disk), <=, 32 << 10);
      assert_same_journal (in_memory, on_disk);
      assert_args (on_disk);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/weft/trace-journal/spilled", test_spilled);
  g_test_add_func ("/weft/trace-journal/disk-full", test_disk_full);

  return g_test_run ();
}
