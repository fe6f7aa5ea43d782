/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * weft-cli record on real programs nobody here wrote (xz, zstd, sort,
 * Debian's python3) and on small programs of our own whose own clocks the
 * recording is checked against. Each test runs weft-cli as a user does and
 * reads the trace it wrote.
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "weft-trace-import.h"
#include "weft-trace-model.h"
#include "weft-test-points.h"

#define PYTHON "/usr/bin/python3"

typedef struct
{
  char           *dir;
  char           *trace;
  char           *out;
  char           *err;
  int             status;
  WeftTraceModel *model;
} Rec;

static void
rec_free (Rec *r)
{
  g_autoptr(GDir) d = g_dir_open (r->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (r->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (r->dir);
  g_free (r->dir);
  g_free (r->trace);
  g_free (r->out);
  g_free (r->err);
  g_clear_object (&r->model);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Rec, rec_free)

static char *
helper (const char *name)
{
  return g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "record", name, NULL);
}

static char *
script (const char *name)
{
  return g_build_filename (g_getenv ("G_TEST_SRCDIR"), "record", name, NULL);
}

/* weft-cli record -o DIR/trace.json [extra] -- argv…, in DIR; reads the trace. */
static Rec *
record_full (const char * const *options,
             const char * const *argv)
{
  Rec *r = g_new0 (Rec, 1);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  r->dir = g_dir_make_tmp ("weft-test-record-XXXXXX", &error);
  g_assert_no_error (error);
  r->trace = g_build_filename (r->dir, "trace.json", NULL);

  g_ptr_array_add (args, (char *) g_getenv ("WEFT_CLI"));
  g_ptr_array_add (args, "record");
  g_ptr_array_add (args, "-o");
  g_ptr_array_add (args, r->trace);
  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    g_ptr_array_add (args, (char *) options[i]);
  g_ptr_array_add (args, "--");
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);

  g_spawn_sync (r->dir, (char **) args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &r->out, &r->err, &wait_status, &error);
  g_assert_no_error (error);
  r->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  if (g_file_test (r->trace, G_FILE_TEST_EXISTS))
    {
      r->model = weft_trace_import_file (r->trace, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  return r;
}

static Rec *
record (const char * const *argv)
{
  return record_full (NULL, argv);
}

static guint
count_pids (WeftTraceModel *model)
{
  g_autoptr(GHashTable) pids = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    g_hash_table_add (pids, GINT_TO_POINTER ((int) weft_lane_get_pid (weft_trace_model_get_lane (model, i))));
  return g_hash_table_size (pids);
}

static guint64
lane_state_ns (WeftTraceModel *model,
               WeftLane       *lane,
               WeftState       state)
{
  WeftLaneStats stats;

  g_assert_true (weft_trace_model_get_lane_stats (model, weft_lane_get_worker (lane), &stats));
  return stats.state_ns[state];
}

/* Every span of @state in @lane, all depths. */
static GArray *
lane_spans (WeftLane  *lane,
            WeftState  state)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (WeftSpan));

  for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
    for (guint i = 0; i < weft_lane_get_n_spans (lane, d); i++)
      {
        WeftSpan s;

        if (weft_lane_get_span (lane, d, i, &s) && s.state == state)
          g_array_append_val (spans, s);
      }
  return spans;
}

/* The lane named @name, or NULL */
static WeftLane *
lane_named (WeftTraceModel *model,
            const char     *name)
{
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);

      if (g_strcmp0 (weft_lane_get_name (lane), name) == 0)
        return lane;
    }
  return NULL;
}

/* The span of @lane's whole life (its first running span) carries the
 * lane's name, so the timeline labels it with the thread, not "Task N" */
static void
assert_life_named (WeftTraceModel *model,
                   WeftLane       *lane)
{
  g_autoptr(GArray) running = lane_spans (lane, WEFT_STATE_RUNNING);

  g_assert_cmpuint (running->len, >=, 1);
  g_assert_cmpstr (weft_trace_model_get_object_name (model, g_array_index (running, WeftSpan, 0).object), ==,
                   weft_lane_get_name (lane));
}

static char *
write_lines (const char *dir,
             const char *name,
             guint       n)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char *path = g_build_filename (dir, name, NULL);
  guint32 x = 12345;

  for (guint i = 0; i < n; i++)
    {
      x = x * 1103515245u + 12345u;
      g_string_append_printf (text, "line %08x %u\n", x, i);
    }
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));
  return path;
}

/* ---- bad input --------------------------------------------------------- */

static void
test_no_such_program (void)
{
  const char *argv[] = { "/nonexistent/program", NULL };
  g_autoptr(Rec) r = record (argv);
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (r->status, ==, 2);
  g_assert_nonnull (strstr (r->err, "/nonexistent/program: no such program"));
  g_assert_cmpint (g_strv_length (lines = g_strsplit (r->err, "\n", -1)), ==, 2);  /* one line */
  g_assert_null (r->model);
}

static void
test_not_executable (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-test-record-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "plain.txt", NULL);
  const char *argv[] = { path, NULL };
  g_autoptr(Rec) r = NULL;

  g_assert_true (g_file_set_contents (path, "not a program\n", -1, NULL));
  r = record (argv);
  g_assert_cmpint (r->status, ==, 2);
  g_assert_nonnull (strstr (r->err, "not an executable program"));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_exit_status (void)
{
  const char *no[] = { "false", NULL };
  const char *seven[] = { "sh", "-c", "exit 7", NULL };
  g_autoptr(Rec) a = record (no);
  g_autoptr(Rec) b = record (seven);

  g_assert_cmpint (a->status, ==, 1);
  g_assert_cmpint (b->status, ==, 7);
  g_assert_nonnull (b->model);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (b->model), >=, 1);
}

static void
test_static_program (void)
{
  g_autofree char *path = helper ("record-static");
  const char *argv[] = { path, NULL };
  g_autoptr(Rec) r = record (argv);

  g_assert_cmpint (r->status, ==, 3);
  g_assert_cmpstr (r->out, ==, "static\n");
  g_assert_nonnull (strstr (r->err, "is statically linked"));
  /* its process is still a lane */
  g_assert_cmpuint (weft_trace_model_get_n_lanes (r->model), ==, 1);
}

static void
test_nothing_recorded (void)
{
  const char *argv[] = { "true", NULL };
  g_autoptr(Rec) r = NULL;

  g_setenv ("WEFT_PRELOAD_PATH", "/nonexistent/libweft-preload.so", TRUE);
  r = record (argv);
  g_unsetenv ("WEFT_PRELOAD_PATH");
  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->err, "nothing was recorded from true; the trace is empty"));
  g_assert_nonnull (r->model);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (r->model), ==, 0);
}

/* ---- our own program, checked against its own clock -------------------- */

typedef struct
{
  int     thread;
  guint64 begin;
  guint64 end;
  guint64 release;
} Call;

/* The program's own "thread begin end release" lines: when each lock call
 * began and returned, and when it unlocked. */
static GArray *
read_calls (const char *path)
{
  GArray *calls = g_array_new (FALSE, FALSE, sizeof (Call));
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint l = 0; lines[l] != NULL && lines[l][0] != '\0'; l++)
    {
      Call c;

      g_assert_cmpint (sscanf (lines[l], "%d %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                               &c.thread, &c.begin, &c.end, &c.release), ==, 4);
      g_array_append_val (calls, c);
    }
  return calls;
}

static void
test_mutex_contention (void)
{
  g_autofree char *path = helper ("record-contend");
  const char *argv[] = { path, "times.txt", NULL };
  g_autoptr(Rec) r = record (argv);
  g_autofree char *times_path = g_build_filename (r->dir, "times.txt", NULL);
  g_autoptr(GArray) calls = NULL;
  g_autoptr(GArray) waits = g_array_new (FALSE, FALSE, sizeof (WeftSpan));
  guint n_flows = 0, n_lock_flows = 0, n_long_calls = 0, n_found = 0;
  const WeftFlow *flows;

  g_assert_cmpint (r->status, ==, 0);
  calls = read_calls (times_path);
  g_assert_cmpuint (calls->len, ==, 400);

  /* main + two threads */
  g_assert_cmpuint (weft_trace_model_get_n_lanes (r->model), ==, 3);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (r->model); i++)
    {
      g_autoptr(GArray) w = lane_spans (weft_trace_model_get_lane (r->model, i), WEFT_STATE_LOCK_WAIT);

      g_array_append_vals (waits, w->data, w->len);
    }

  /* each recorded wait lies within one lock call the program timed itself,
   * and names the lock after its (static, so only in .symtab) variable */
  for (guint k = 0; k < waits->len; k++)
    {
      const WeftSpan *w = &g_array_index (waits, WeftSpan, k);
      gboolean inside = FALSE;

      g_assert_cmpstr (weft_trace_model_get_object_name (r->model, w->object), ==, "mutex lock");

      for (guint c = 0; c < calls->len && !inside; c++)
        {
          const Call *call = &g_array_index (calls, Call, c);

          inside = w->start_ns + 20000 >= call->begin && w->end_ns <= call->end + 20000;
        }
      g_assert_true (inside);
    }

  /* a call that began while the other thread held the lock (well before
   * it let go) waited: the trace has a wait from then to the hand-off */
  for (guint c = 0; c < calls->len; c++)
    {
      const Call *call = &g_array_index (calls, Call, c);
      const Call *holder = NULL;
      gboolean found = FALSE;

      for (guint o = 0; o < calls->len && holder == NULL; o++)
        {
          const Call *other = &g_array_index (calls, Call, o);

          if (other->thread != call->thread && other->end < call->begin && call->begin + 50000 < other->release)
            holder = other;
        }
      if (holder == NULL)
        continue;
      n_long_calls++;
      for (guint k = 0; k < waits->len && !found; k++)
        {
          const WeftSpan *w = &g_array_index (waits, WeftSpan, k);

          found = w->start_ns <= call->begin + 50000 && w->end_ns + 20000 >= holder->release;
        }
      n_found += found;
    }
  g_test_message ("%u lock calls began while the other thread held the lock; %u of them are "
                  "recorded waits; %u waits recorded", n_long_calls, n_found, waits->len);
  g_assert_cmpuint (n_long_calls, >=, 5);
  /* a thread preempted between its clock read and the lock may miss the holder */
  g_assert_cmpuint (n_found, >=, n_long_calls * 8 / 10);

  flows = weft_test_flows (weft_trace_model_get_flows (r->model), &n_flows);
  for (guint i = 0; i < n_flows; i++)
    if (flows[i].kind == WEFT_FLOW_LOCK)
      {
        g_assert_cmpuint (flows[i].from_worker, !=, flows[i].to_worker);
        g_assert_cmpuint (flows[i].from_ns, <=, flows[i].to_ns);
        n_lock_flows++;
      }
  /* the hand-offs: each wait ended by the other thread's release */
  g_assert_cmpuint (n_lock_flows, >=, waits->len * 9 / 10);
}

static void
test_c_marks (void)
{
  g_autofree char *path = helper ("record-marks");
  const char *argv[] = { path, NULL };
  g_autoptr(Rec) r = record (argv);
  WeftLane *lane;
  g_autoptr(GArray) running = NULL;
  guint n_instants = 0;
  guint n_counters = 0;

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "1\n");
  g_assert_cmpuint (weft_trace_model_get_n_lanes (r->model), ==, 1);
  lane = weft_trace_model_get_lane (r->model, 0);
  g_assert_cmpstr (weft_lane_get_name (lane), ==, "marked main");
  weft_lane_get_instants (lane, &n_instants);
  g_assert_cmpuint (n_instants, ==, 1);
  g_free (weft_trace_model_list_objects (r->model, WEFT_OBJECT_COUNTER, &n_counters));
  g_assert_cmpuint (n_counters, ==, 1);
  /* the thread's life and the marked region inside it */
  running = lane_spans (lane, WEFT_STATE_RUNNING);
  g_assert_cmpuint (running->len, ==, 2);
}

static void
test_c_marks_without_weft (void)
{
  g_autofree char *path = helper ("record-marks");
  const char *argv[] = { path, NULL };
  g_autofree char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "0\n");
}

/* ---- real programs ----------------------------------------------------- */

static void
test_xz (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-test-xz-XXXXXX", NULL);
  g_autofree char *input = write_lines (dir, "input.txt", 400000);
  g_autofree char *packed = g_strconcat (input, ".xz", NULL);
  g_autofree char *original = NULL, *unpacked = NULL;
  const char *argv[] = { "xz", "-T2", "-3", "--block-size=1MiB", "-k", input, NULL };
  const char *unxz[] = { "xz", "-dc", packed, NULL };
  g_autoptr(Rec) r = record (argv);
  gsize n = 0;

  g_assert_cmpint (r->status, ==, 0);
  /* main and two compressing threads, at least, named after xz's comm and
   * grouped in one process */
  g_assert_cmpuint (weft_trace_model_get_n_lanes (r->model), >=, 3);
  g_assert_cmpuint (count_pids (r->model), ==, 1);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (r->model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (r->model, i);
      g_autofree char *main_name = g_strdup_printf ("xz (pid %d)", (int) weft_lane_get_pid (lane));

      if (g_strcmp0 (weft_lane_get_name (lane), main_name) != 0)
        g_assert_true (g_str_has_prefix (weft_lane_get_name (lane), "xz (tid "));
      assert_life_named (r->model, lane);
    }
  g_assert_true (g_file_get_contents (input, &original, &n, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) unxz, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &unpacked, NULL, NULL, NULL));
  g_assert_cmpstr (unpacked, ==, original);
  g_unlink (input);
  g_unlink (packed);
  g_rmdir (dir);
}

/* Threads named with pthread_setname_np, one left with the program's name,
 * the main thread: lanes "NAME (tid N)" with the ids the program printed */
static void
test_thread_names (void)
{
  g_autofree char *prog = helper ("record-names");
  const char *argv[] = { prog, NULL };
  g_autoptr(Rec) r = record (argv);
  g_auto(GStrv) lines = NULL;
  guint n_threads = 0;

  g_assert_cmpint (r->status, ==, 0);
  lines = g_strsplit (r->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) w = g_strsplit (lines[i], " ", -1);
      g_autofree char *name = NULL;
      WeftLane *lane;

      if (g_str_equal (w[0], "main"))
        name = g_strdup_printf ("record-names (pid %s)", w[1]);
      else
        {
          name = g_strdup_printf ("%s (tid %s)", w[1], w[2]);
          n_threads++;
        }
      lane = lane_named (r->model, name);
      g_test_message ("%s: %s", name, lane != NULL ? "found" : "missing");
      g_assert_nonnull (lane);
      assert_life_named (r->model, lane);
    }
  g_assert_cmpuint (n_threads, ==, 3);
  g_assert_nonnull (strstr (r->out, "thread decoder-1 "));
  g_assert_nonnull (strstr (r->out, "thread record-names "));
  g_assert_cmpuint (weft_trace_model_get_n_lanes (r->model), ==, 4);
}

/* The I/O span named @name that lies within [@begin, @end] (give or take
 * 20 us) and covers at least 80 % of it, or NULL */
static const WeftSpan *
io_span_within (WeftTraceModel *model,
                GArray         *spans,
                const char     *name,
                guint64         begin,
                guint64         end)
{
  for (guint i = 0; i < spans->len; i++)
    {
      const WeftSpan *s = &g_array_index (spans, WeftSpan, i);

      if (g_strcmp0 (weft_trace_model_get_object_name (model, s->object), name) == 0 &&
          s->start_ns + 20000 >= begin && s->end_ns <= end + 20000 &&
          (s->end_ns - s->start_ns) * 5 >= (end - begin) * 4)
        return s;
    }
  return NULL;
}

/* Blocking read, poll and nanosleep are I/O spans where the program's own
 * clock says they blocked; quick writes to /dev/null are not recorded */
static void
test_blocking_io (void)
{
  g_autofree char *prog = helper ("record-io");
  const char *argv[] = { prog, NULL };
  g_autoptr(Rec) r = record (argv);
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (WeftSpan));
  g_auto(GStrv) lines = NULL;
  g_autofree char *quick = NULL;
  guint n_quick = 0;

  g_assert_cmpint (r->status, ==, 0);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (r->model); i++)
    {
      g_autoptr(GArray) io = lane_spans (weft_trace_model_get_lane (r->model, i), WEFT_STATE_IO);

      g_array_append_vals (spans, io->data, io->len);
    }
  lines = g_strsplit (r->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) w = g_strsplit (lines[i], " ", -1);
      guint n = g_strv_length (w);
      g_autofree char *name = NULL;

      if (g_str_equal (w[0], "quick"))
        {
          quick = g_strdup_printf ("write fd %s", w[2]);
          continue;
        }
      name = n == 5 ? g_strdup_printf ("%s %s %s", w[0], w[1], w[2]) : g_strdup (w[0]);
      g_test_message ("%s: %s", name, lines[i]);
      g_assert_nonnull (io_span_within (r->model, spans, name, g_ascii_strtoull (w[n - 2], NULL, 10),
                                        g_ascii_strtoull (w[n - 1], NULL, 10)));
    }
  g_assert_nonnull (quick);
  for (guint i = 0; i < spans->len; i++)
    {
      const WeftSpan *s = &g_array_index (spans, WeftSpan, i);

      /* only calls that took long enough are recorded */
      g_assert_cmpuint (s->end_ns - s->start_ns, >=, 100000);
      n_quick += g_strcmp0 (weft_trace_model_get_object_name (r->model, s->object), quick) == 0;
    }
  /* of 2,000 writes of a microsecond, only one the kernel preempted */
  g_assert_cmpuint (n_quick, <=, 20);
}

static void
test_zstd (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-test-zstd-XXXXXX", NULL);
  g_autofree char *input = write_lines (dir, "input.txt", 400000);
  g_autofree char *packed = g_strconcat (input, ".zst", NULL);
  g_autofree char *original = NULL, *unpacked = NULL;
  const char *argv[] = { "zstd", "-q", "-T2", "-f", input, "-o", packed, NULL };
  const char *unzstd[] = { "zstd", "-q", "-dc", packed, NULL };
  g_autoptr(Rec) r = record (argv);

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (r->model), >=, 3);
  g_assert_true (g_file_get_contents (input, &original, NULL, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) unzstd, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &unpacked, NULL, NULL, NULL));
  g_assert_cmpstr (unpacked, ==, original);
  g_unlink (input);
  g_unlink (packed);
  g_rmdir (dir);
}

static void
test_sort (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-test-sort-XXXXXX", NULL);
  g_autofree char *input = write_lines (dir, "input.txt", 300000);
  const char *argv[] = { "sort", "--parallel=2", "-S", "64M", input, NULL };
  const char *plain[] = { "sort", "-S", "64M", input, NULL };
  const char *failing[] = { "sort", "/nonexistent/file", NULL };
  g_autoptr(Rec) r = record (argv);
  g_autoptr(Rec) bad = record (failing);
  g_autofree char *expected = NULL;

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (r->model), >=, 2);
  g_assert_true (g_spawn_sync (NULL, (char **) plain, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &expected, NULL, NULL, NULL));
  g_assert_cmpstr (r->out, ==, expected);   /* the output is the program's own, unchanged */
  g_assert_cmpint (bad->status, ==, 2);     /* sort's own status for a missing file */
  g_unlink (input);
  g_rmdir (dir);
}

/* The GIL wait share of each Python worker thread, and one holder at a time. */
static void
check_gil (WeftTraceModel *model,
           guint           threads,
           double         *out_min_share,
           double         *out_max_share,
           double         *out_share)
{
  double all_wait = 0, all_held = 0;
  g_autoptr(GPtrArray) holds = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autofree guint32 *gils = NULL;
  guint n_gils = 0;
  WeftLockStats stats;
  guint n_workers = 0;

  gils = weft_trace_model_list_objects (model, WEFT_OBJECT_GIL, &n_gils);
  g_assert_cmpuint (n_gils, ==, 1);
  g_assert_true (weft_trace_model_get_lock_stats (model, gils[0], &stats));
  g_assert_cmpuint (stats.acquisitions, >, 0);

  *out_min_share = 1;
  *out_max_share = 0;
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      double wait = lane_state_ns (model, lane, WEFT_STATE_GIL_WAIT);
      double held = lane_state_ns (model, lane, WEFT_STATE_GIL_HELD);

      g_ptr_array_add (holds, lane_spans (lane, WEFT_STATE_GIL_HELD));
      if (i == 0 || wait + held == 0)
        continue;  /* the main thread only waits for the pool */
      n_workers++;
      all_wait += wait;
      all_held += held;
      *out_min_share = MIN (*out_min_share, wait / (wait + held));
      *out_max_share = MAX (*out_max_share, wait / (wait + held));
    }
  g_assert_cmpuint (n_workers, ==, threads);
  *out_share = all_wait / (all_wait + all_held);

  /* no two lanes hold the GIL at once (beyond the clocks' few µs) */
  for (guint a = 0; a < holds->len; a++)
    for (guint b = a + 1; b < holds->len; b++)
      {
        GArray *x = holds->pdata[a], *y = holds->pdata[b];

        for (guint i = 0; i < x->len; i++)
          for (guint k = 0; k < y->len; k++)
            {
              const WeftSpan *s = &g_array_index (x, WeftSpan, i), *t = &g_array_index (y, WeftSpan, k);
              guint64 lo = MAX (s->start_ns, t->start_ns), hi = MIN (s->end_ns, t->end_ns);

              if (hi > lo + 50000)
                g_test_message ("lanes %u and %u both hold the GIL from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT,
                                a, b, lo, hi);
              g_assert_true (hi <= lo + 50000);
            }
      }
}

static void
test_python_gil (void)
{
  g_autofree char *path = script ("gil-threads.py");
  const char *four[] = { PYTHON, path, "4", "200000", NULL };
  const char *one[] = { PYTHON, path, "1", "800000", NULL };
  g_autoptr(Rec) r4 = record (four);
  g_autoptr(Rec) r1 = record (one);
  double min_share, max_share, share;

  g_assert_cmpint (r4->status, ==, 0);
  check_gil (r4->model, 4, &min_share, &max_share, &share);
  g_test_message ("4 threads: GIL wait %.2f of the time waiting or holding (threads %.2f to %.2f)",
                  share, min_share, max_share);
  /* with 4 busy threads each waits about 3/4 of its time; a thread that
   * runs its last tasks alone waits less (0.34 seen with the other core
   * busy), but every thread waits for a good part of its time */
  g_assert_cmpfloat (share, >=, 0.5);
  g_assert_cmpfloat (share, <=, 0.85);
  g_assert_cmpfloat (min_share, >=, 0.25);

  g_assert_cmpint (r1->status, ==, 0);
  check_gil (r1->model, 1, &min_share, &max_share, &share);
  g_test_message ("1 thread: GIL wait %.2f", share);
  g_assert_cmpfloat (share, <=, 0.1);
}

static void
test_python_multiprocessing (void)
{
  g_autofree char *path = script ("mp-pool.py");
  const char *argv[] = { PYTHON, path, NULL };
  g_autoptr(Rec) r = record (argv);

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "332833500\n");
  /* the parent and the pool's two workers */
  g_assert_cmpuint (count_pids (r->model), >=, 3);
}

static void
test_python_asyncio (void)
{
  g_autofree char *path = script ("asyncio-gather.py");
  const char *argv[] = { PYTHON, path, NULL };
  g_autoptr(Rec) r = record (argv);

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "4950\n");
  g_assert_cmpuint (count_pids (r->model), ==, 1);
}

static void
test_python_crash (void)
{
  g_autofree char *path = script ("crash.py");
  const char *argv[] = { PYTHON, path, NULL };
  g_autoptr(Rec) r = record (argv);

  g_assert_cmpint (r->status, ==, 128 + SIGSEGV);
  g_assert_nonnull (strstr (r->err, "was killed by signal 11"));
  /* what it recorded before is kept: the main thread and the one it joined */
  g_assert_cmpuint (weft_trace_model_get_n_lanes (r->model), ==, 2);
}

static void
test_python_fork_exec (void)
{
  g_autofree char *path = script ("fork-exec.py");
  const char *argv[] = { PYTHON, path, NULL };
  g_autoptr(Rec) r = record (argv);
  gboolean renamed = FALSE;

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "child\n");
  /* python, its forked child (which became sh), subprocess's echo */
  g_assert_cmpuint (count_pids (r->model), ==, 3);
  for (guint i = 0; i < weft_trace_model_get_n_lanes (r->model); i++)
    renamed |= g_str_has_prefix (weft_lane_get_name (weft_trace_model_get_lane (r->model, i)), "sh ");
  g_assert_true (renamed);  /* the exec'd image goes on on the forked child's lane */
}

static void
test_python_marks (void)
{
  g_autofree char *path = script ("marks.py");
  const char *argv[] = { PYTHON, path, NULL };
  g_autoptr(Rec) r = record (argv);
  gboolean named = FALSE;

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "active True\n");
  for (guint i = 0; i < weft_trace_model_get_n_lanes (r->model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (r->model, i);

      if (g_strcmp0 (weft_lane_get_name (lane), "worker-A") == 0)
        {
          g_autoptr(GArray) running = lane_spans (lane, WEFT_STATE_RUNNING);

          named = TRUE;
          /* its life, the region and the traced call */
          g_assert_cmpuint (running->len, ==, 3);
        }
    }
  g_assert_true (named);
}

/* The object of @kind named @name, or 0 */
static guint32
object_named (WeftTraceModel *model,
              WeftObjectKind  kind,
              const char     *name)
{
  g_autofree guint32 *ids = NULL;
  guint n = 0;

  ids = weft_trace_model_list_objects (model, kind, &n);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (weft_trace_model_get_object_name (model, ids[i]), name) == 0)
      return ids[i];
  return 0;
}

static int
compare_span_starts (gconstpointer a,
                     gconstpointer b)
{
  const WeftSpan *x = a, *y = b;

  return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

/* A threading.Lock named with weft.name_lock() is a lock: each of its 200
 * acquisitions, its waits, and holds that never overlap; the one not named
 * is a semaphore's queue, as before. */
static void
test_python_named_lock (void)
{
  g_autofree char *path = script ("named-lock.py");
  const char *argv[] = { PYTHON, path, NULL };
  g_autoptr(Rec) r = record (argv);
  g_autoptr(GArray) holds = g_array_new (FALSE, FALSE, sizeof (WeftSpan));
  guint32 lock;
  WeftLockStats stats;
  guint n_waits = 0, n_semaphore_gets = 0;

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "named True False\n");
  lock = object_named (r->model, WEFT_OBJECT_LOCK, "matrix lock");
  g_assert_cmpuint (lock, !=, 0);
  g_assert_false (weft_trace_model_lock_waits_only (r->model, lock));
  g_assert_true (weft_trace_model_get_lock_stats (r->model, lock, &stats));
  g_assert_cmpuint (stats.acquisitions, ==, 200);
  g_assert_cmpuint (stats.contended, >, 0);
  g_assert_cmpuint (stats.total_hold_ns, >=, 200 * 300000);

  for (guint i = 0; i < weft_trace_model_get_n_lanes (r->model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (r->model, i);
      g_autoptr(GArray) held = lane_spans (lane, WEFT_STATE_LOCK_HELD);
      g_autoptr(GArray) waits = lane_spans (lane, WEFT_STATE_LOCK_WAIT);
      g_autoptr(GArray) gets = lane_spans (lane, WEFT_STATE_QUEUE_GET);

      for (guint j = 0; j < held->len; j++)
        if (g_array_index (held, WeftSpan, j).object == lock)
          g_array_append_val (holds, g_array_index (held, WeftSpan, j));
      for (guint j = 0; j < waits->len; j++)
        n_waits += g_array_index (waits, WeftSpan, j).object == lock;
      if (g_str_has_prefix (weft_lane_get_name (lane), "taker-"))
        n_semaphore_gets += gets->len;
    }
  g_assert_cmpuint (n_waits, ==, stats.contended + stats.unacquired);
  g_assert_cmpuint (holds->len, ==, 200);
  g_array_sort (holds, compare_span_starts);
  for (guint j = 1; j < holds->len; j++)
    g_assert_cmpuint (g_array_index (holds, WeftSpan, j).start_ns, >=, g_array_index (holds, WeftSpan, j - 1).end_ns);
  /* the lock not named: its waits are a semaphore's, as any Condition's */
  g_assert_cmpuint (n_semaphore_gets, >, 0);
}

static void
test_many_threads (void)
{
  g_autofree char *path = helper ("record-many-threads");
  const char *argv[] = { path, "5000", NULL };
  g_autoptr(Rec) r = record (argv);

  /* more threads than worker ids: later ones go on ended threads' lanes */
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "5000\n");
  g_assert_nonnull (strstr (r->err, "threads went on lanes of threads that had ended"));
  g_assert_cmpuint (weft_trace_model_get_n_lanes (r->model), ==, 4096);
}

static void
test_setuid_program (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-test-record-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "true-setuid", NULL);
  g_autofree char *data = NULL;
  const char *argv[] = { path, NULL };
  g_autoptr(Rec) r = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents ("/bin/true", &data, &len, NULL));
  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
  g_assert_cmpint (g_chmod (path, 04755), ==, 0);
  r = record (argv);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->err, "is set-user-ID or set-group-ID: the dynamic loader ignores LD_PRELOAD"));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_closes_inherited_fds (void)
{
  const char *argv[] = { PYTHON, "-c",
                         "import os, subprocess\n"
                         "os.closerange(3, 1024)\n"
                         "subprocess.run(['/bin/echo', 'after'], check=True)\n", NULL };
  g_autoptr(Rec) r = record (argv);

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "after\n");
  /* closerange() in python and close_range() in subprocess's child: one
   * line says so; the pipe was kept, so the child is still recorded */
  g_assert_nonnull (strstr (r->err, "tried to close Weft's event pipe (an inherited fd) 2 times; it was kept open"));
  g_assert_cmpuint (count_pids (r->model), ==, 2);
}

static void
reset_sigint (gpointer data)
{
  signal (SIGINT, SIG_DFL);
}

/* Runs @argv (weft-cli record …) in @dir until the program prints "ready",
 * lets it be for @stuck_ms, interrupts weft-cli (SIGINT) and reaps it.
 * Returns its wait status; @out_stuck_us: how long, in µs, from "ready" to
 * the interrupt. */
static int
record_until_ready (const char        *dir,
                    const char *const *argv,
                    guint              stuck_ms,
                    gint64            *out_stuck_us)
{
  g_autoptr(GError) error = NULL;
  char line[16] = "";
  gint64 stuck_us;
  GPid pid;
  int out_fd, status;
  FILE *out;

  g_assert_true (g_spawn_async_with_pipes (dir, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, reset_sigint,
                                           NULL, &pid, NULL, &out_fd, NULL, &error));
  out = fdopen (out_fd, "r");
  g_assert_nonnull (fgets (line, sizeof line, out));
  g_assert_cmpstr (line, ==, "ready\n");
  stuck_us = g_get_monotonic_time ();
  g_usleep (stuck_ms * 1000);
  kill (pid, SIGINT);
  if (out_stuck_us != NULL)
    *out_stuck_us = g_get_monotonic_time () - stuck_us;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  fclose (out);
  return status;
}

/* Two C threads deadlocked on two plain mutexes, each taken without a wait,
 * so neither hold was recorded: each wait names the holder glibc keeps in
 * the mutex, and the trace's end gives the cycle */
static void
test_mutex_deadlock_cycle (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-test-record-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "trace.json", NULL);
  g_autofree char *program = helper ("record-deadlock");
  const char *argv[] = { g_getenv ("WEFT_CLI"), "record", "-o", trace, "--", program, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) model = NULL;
  g_autoptr(GArray) cycle = NULL;
  const char *first, *second;

  record_until_ready (dir, argv, 200, NULL);   /* the flusher sends a wait within 20 ms */

  model = weft_trace_import_file (trace, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cycle = weft_trace_model_find_lock_cycle (model);
  g_assert_nonnull (cycle);
  g_assert_cmpuint (cycle->len, ==, 2);
  g_assert_cmpuint (g_array_index (cycle, WeftLockWait, 0).worker, !=, g_array_index (cycle, WeftLockWait, 1).worker);
  first = weft_trace_model_get_object_name (model, g_array_index (cycle, WeftLockWait, 0).lock);
  second = weft_trace_model_get_object_name (model, g_array_index (cycle, WeftLockWait, 1).lock);
  g_test_message ("waits for %s and %s", first, second);
  g_assert_cmpstr (first, !=, second);
  g_assert_true (g_str_has_prefix (first, "mutex "));   /* "mutex lock_a": its symbol */
  g_unlink (trace);
  g_rmdir (dir);
}

static void
test_sigint (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-test-record-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "trace.json", NULL);
  const char *argv[] = { g_getenv ("WEFT_CLI"), "record", "-o", trace, "--", PYTHON, "-c",
                         "import time\nprint('ready', flush=True)\ntime.sleep(60)\n", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) model = NULL;
  int status = record_until_ready (dir, argv, 0, NULL);   /* interrupted as soon as it runs */

  /* Python ends on KeyboardInterrupt by SIGINT: 128 + 2, passed on */
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 130);
  model = weft_trace_import_file (trace, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (weft_trace_model_get_n_lanes (model), >=, 1);
  g_unlink (trace);
  g_rmdir (dir);
}

/* A deadlocked program records nothing more, yet its threads wait until it
 * is stopped: the trace runs to the stop, each thread's wait with it, even
 * when the stop kills it before it can say anything. */
static void
test_deadlock_until_stopped (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-test-record-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "trace.json", NULL);
  const char *argv[] = { g_getenv ("WEFT_CLI"), "record", "-o", trace, "--", PYTHON, "-c",
                         "import signal, threading\n"
                         "signal.signal(signal.SIGINT, signal.SIG_DFL)\n"  /* killed: no exit hooks */
                         "l = threading.Lock()\n"
                         "l.acquire()\n"
                         "t = threading.Thread(target=l.acquire, daemon=True)\n"
                         "t.start()\n"
                         "print('ready', flush=True)\n"
                         "t.join()\n", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftTraceModel) model = NULL;
  WeftRunStats stats;
  gint64 stuck_us;

  record_until_ready (dir, argv, 800, &stuck_us);

  model = weft_trace_import_file (trace, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  weft_trace_model_get_run_stats (model, &stats);
  /* the program was stuck from "ready" until it was stopped */
  g_assert_cmpuint (stats.wall_ns, >=, (guint64) stuck_us * 1000);
  /* and so was each of its two threads, in a wait: the main thread's join,
   * and the thread that blocked on the lock moments after it started (its
   * last flush): the flusher sent its wait while it was stuck */
  g_assert_cmpuint (weft_trace_model_get_n_lanes (model), ==, 2);
  for (guint w = 0; w < weft_trace_model_get_n_lanes (model); w++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, w);
      guint64 longest_wait = 0;

      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        for (guint i = 0; i < weft_lane_get_n_spans (lane, d); i++)
          {
            WeftSpan span;

            if (weft_lane_get_span (lane, d, i, &span) && weft_state_is_wait (span.state))
              longest_wait = MAX (longest_wait, span.end_ns - span.start_ns);
          }
      g_test_message ("stuck for %.3f s; trace %.3f s long; lane %s: longest wait %.3f s",
                      stuck_us / 1e6, stats.wall_ns / 1e9, weft_lane_get_name (lane), longest_wait / 1e9);
      g_assert_cmpuint (longest_wait, >=, (guint64) stuck_us * 1000 / 2);
    }
  g_unlink (trace);
  g_rmdir (dir);
}

static void
test_clean_environment (void)
{
  const char *argv[] = { PYTHON, "-c",
                         "import subprocess\n"
                         "subprocess.run(['/bin/echo', 'clean'], env={}, check=True)\n"
                         "subprocess.run(['env', '-u', 'LD_PRELOAD', '/bin/echo', 'unset'], check=True)\n", NULL };
  g_autoptr(Rec) r = record (argv);

  /* a child started with an empty environment, or without LD_PRELOAD, is still recorded */
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "clean\nunset\n");
  g_assert_cmpuint (count_pids (r->model), ==, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/record/no-such-program", test_no_such_program);
  g_test_add_func ("/weft/record/not-executable", test_not_executable);
  g_test_add_func ("/weft/record/exit-status", test_exit_status);
  g_test_add_func ("/weft/record/static-program", test_static_program);
  g_test_add_func ("/weft/record/nothing-recorded", test_nothing_recorded);
  g_test_add_func ("/weft/record/setuid-program", test_setuid_program);
  g_test_add_func ("/weft/record/sigint", test_sigint);
  g_test_add_func ("/weft/record/deadlock-until-stopped", test_deadlock_until_stopped);
  g_test_add_func ("/weft/record/mutex-deadlock-cycle", test_mutex_deadlock_cycle);
  g_test_add_func ("/weft/record/mutex-contention", test_mutex_contention);
  g_test_add_func ("/weft/record/many-threads", test_many_threads);
  g_test_add_func ("/weft/record/c-marks", test_c_marks);
  g_test_add_func ("/weft/record/c-marks-without-weft", test_c_marks_without_weft);
  g_test_add_func ("/weft/record/thread-names", test_thread_names);
  g_test_add_func ("/weft/record/blocking-io", test_blocking_io);
  g_test_add_func ("/weft/record/xz", test_xz);
  g_test_add_func ("/weft/record/zstd", test_zstd);
  g_test_add_func ("/weft/record/sort", test_sort);
  g_test_add_func ("/weft/record/python-gil", test_python_gil);
  g_test_add_func ("/weft/record/python-multiprocessing", test_python_multiprocessing);
  g_test_add_func ("/weft/record/python-asyncio", test_python_asyncio);
  g_test_add_func ("/weft/record/python-crash", test_python_crash);
  g_test_add_func ("/weft/record/python-fork-exec", test_python_fork_exec);
  g_test_add_func ("/weft/record/python-marks", test_python_marks);
  g_test_add_func ("/weft/record/python-named-lock", test_python_named_lock);
  g_test_add_func ("/weft/record/closes-inherited-fds", test_closes_inherited_fds);
  g_test_add_func ("/weft/record/clean-environment", test_clean_environment);
  return g_test_run ();
}
