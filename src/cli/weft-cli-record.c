/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * weft-cli record [-o TRACE] [--summary|--json] [--] PROGRAM [ARGS…]
 *
 * Runs PROGRAM with Weft's preload library injected (LD_PRELOAD) and the
 * write end of an event pipe inherited (WEFT_RECORD_FD), collects what its
 * threads and processes record, and ends when the program and every process
 * it started have ended. weft-cli becomes a child subreaper, so orphaned
 * grandchildren are waited for too. The program's stdin, stdout and stderr
 * are its own; its exit status is passed on (128 + N when signal N ended it).
 * SIGINT and SIGTERM sent to weft-cli go to the program; what was recorded is
 * kept and written. See docs/record.md.
 */

#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "weft-cli-record.h"
#include "weft-collector.h"
#include "weft-record-control.h"
#include "weft-summary.h"
#include "weft-trace-export.h"
#include "weft-trace-meta.h"
#include "weft-trace-model.h"
#include "weft-wire-writer.h"

#define EXIT_BAD_INPUT 2

/* After every process has ended, how long a pipe still open may take to close. */
#define PIPE_GRACE_US (2 * G_USEC_PER_SEC)

typedef struct
{
  const char         *program;      /* as given */
  char               *path;         /* as found */
  WeftTraceModel     *model;
  WeftCollector      *collector;
  WeftRecordControl  *control;
  char               *control_dir;
  char               *control_path;
  WeftWireWriter     *own_writer;   /* a lane for a program the library cannot enter */
  gboolean            own_lane;
  int                 write_fd;
  pid_t               pid;
  int                 status;
  gboolean            reaped;
  gboolean            no_children;
  gint64              all_ended_us;
} Recording;

static volatile sig_atomic_t forward_pid;
static volatile sig_atomic_t interrupted;

static void
forward_signal (int        sig,
                siginfo_t *info,
                void      *context)
{
  interrupted = sig;
  /* a terminal's ^C reached the program already (same process group) */
  if (forward_pid > 0 && info != NULL && info->si_code <= 0)
    kill ((pid_t) forward_pid, sig);
}

static void
recording_clear (Recording *rec)
{
  g_clear_object (&rec->collector);
  g_clear_object (&rec->model);
  g_clear_pointer (&rec->own_writer, weft_wire_writer_free);
  if (rec->write_fd >= 0)
    close (rec->write_fd);
  if (rec->control != NULL)
    munmap (rec->control, sizeof *rec->control);
  if (rec->control_path != NULL)
    g_unlink (rec->control_path);
  if (rec->control_dir != NULL)
    g_rmdir (rec->control_dir);
  g_free (rec->control_path);
  g_free (rec->control_dir);
  g_free (rec->path);
}

/* ---- what is about to run ------------------------------------------------ */

/* Whether the ELF file at @path asks for a dynamic loader (PT_INTERP). */
static gboolean
elf_is_static (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  const Elf64_Ehdr *eh;

  if (!g_file_get_contents (path, &data, &len, NULL) || len < sizeof (Elf64_Ehdr) ||
      memcmp (data, ELFMAG, SELFMAG) != 0 || data[EI_CLASS] != ELFCLASS64)
    return FALSE;  /* a script or something else: its interpreter decides */
  eh = (const Elf64_Ehdr *) data;
  if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
    return FALSE;
  for (guint i = 0; i < eh->e_phnum; i++)
    {
      gsize off = eh->e_phoff + (gsize) i * eh->e_phentsize;
      const Elf64_Phdr *ph;

      if (off + sizeof (Elf64_Phdr) > len)
        break;
      ph = (const Elf64_Phdr *) (data + off);
      if (ph->p_type == PT_INTERP)
        return FALSE;
    }
  return TRUE;
}

static gboolean
find_program (Recording  *rec,
              GError    **error)
{
  struct stat st;

  rec->path = strchr (rec->program, '/') != NULL ? g_strdup (rec->program)
                                                 : g_find_program_in_path (rec->program);
  if (rec->path == NULL || stat (rec->path, &st) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such program", rec->program);
      return FALSE;
    }
  if (S_ISDIR (st.st_mode) || access (rec->path, X_OK) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "%s: not an executable program", rec->program);
      return FALSE;
    }
  if (st.st_mode & (S_ISUID | S_ISGID))
    g_printerr ("weft-cli record: %s is set-user-ID or set-group-ID: the dynamic loader ignores "
                "LD_PRELOAD for it, so only its process's lifetime is recorded\n", rec->program);
  else if (elf_is_static (rec->path))
    g_printerr ("weft-cli record: %s is statically linked: LD_PRELOAD cannot reach into it, so it "
                "is recorded without threads or locks, only its process's lifetime\n", rec->program);
  else
    return TRUE;
  rec->own_lane = TRUE;  /* the lane is drawn from here; see start_own_lane() */
  return TRUE;
}

/* The preload library: $WEFT_PRELOAD_PATH, the build tree next to us, or libdir. */
static char *
find_preload (void)
{
  const char *env = g_getenv ("WEFT_PRELOAD_PATH");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self != NULL ? g_path_get_dirname (self) : NULL;
  g_autofree char *built = dir != NULL ? g_build_filename (dir, "..", "preload", "libweft-preload.so", NULL) : NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (built != NULL && g_file_test (built, G_FILE_TEST_IS_REGULAR))
    return g_canonicalize_filename (built, NULL);
  return g_strdup (WEFT_PRELOAD_INSTALLED);
}

static char *
find_python_dir (const char *preload)
{
  if (g_str_has_prefix (preload, WEFT_BUILD_ROOT) && g_file_test (WEFT_PYTHON_SOURCE_DIR, G_FILE_TEST_IS_DIR))
    return g_strdup (WEFT_PYTHON_SOURCE_DIR);
  return g_strdup (WEFT_PYTHON_INSTALLED);
}

/* ---- setting up ---------------------------------------------------------- */

static gboolean
create_control (Recording  *rec,
                GError    **error)
{
  struct stat st;
  void *map;
  int fd;

  rec->control_dir = g_dir_make_tmp ("weft-record-XXXXXX", error);
  if (rec->control_dir == NULL)
    return FALSE;
  rec->control_path = g_build_filename (rec->control_dir, "control", NULL);
  fd = open (rec->control_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || ftruncate (fd, sizeof (WeftRecordControl)) != 0 ||
      (map = mmap (NULL, sizeof (WeftRecordControl), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create %s: %s", rec->control_path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  rec->control = map;
  rec->control->magic = WEFT_RECORD_CONTROL_MAGIC;
  if (fstat (rec->write_fd, &st) == 0)
    {
      rec->control->pipe_ino = st.st_ino;
      rec->control->pipe_dev = st.st_dev;
    }
  return TRUE;
}

static void
sink (const WeftEvent *events,
      gsize            n_events,
      gpointer         user_data)
{
  weft_trace_model_append (user_data, events, n_events);
}

static char **
child_environment (Recording *rec)
{
  g_autofree char *preload = find_preload ();
  g_autofree char *python = find_python_dir (preload);
  const char *old_preload = g_getenv ("LD_PRELOAD");
  const char *old_python = g_getenv ("PYTHONPATH");
  char **env = g_get_environ ();
  g_autofree char *fd = g_strdup_printf ("%d", rec->write_fd);
  g_autofree char *lib = old_preload && *old_preload ? g_strconcat (preload, ":", old_preload, NULL) : g_strdup (preload);
  g_autofree char *pypath = old_python && *old_python ? g_strconcat (python, ":", old_python, NULL) : g_strdup (python);

  env = g_environ_setenv (env, "LD_PRELOAD", lib, TRUE);
  env = g_environ_setenv (env, "PYTHONPATH", pypath, TRUE);
  env = g_environ_setenv (env, WEFT_RECORD_ENV_FD, fd, TRUE);
  env = g_environ_setenv (env, WEFT_RECORD_ENV_CONTROL, rec->control_path, TRUE);
  return env;
}

/* A program the library cannot enter still gets its process's lane. */
static void
start_own_lane (Recording *rec)
{
  g_autofree char *name = g_path_get_basename (rec->program);
  g_autofree char *label = g_strdup_printf ("%s (pid %d)", name, (int) rec->pid);

  rec->control->next_worker = 1;
  rec->own_writer = weft_wire_writer_new (rec->write_fd, 0);
  weft_wire_writer_record (rec->own_writer, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_EXTERNAL, rec->pid);
  weft_wire_writer_name (rec->own_writer, WEFT_OBJECT_SELF, label);
  weft_wire_writer_record (rec->own_writer, WEFT_EVENT_TASK_BEGIN, 0, 0, 0);
  weft_wire_writer_flush (rec->own_writer);
}

static gboolean
spawn_program (Recording  *rec,
               char      **argv,
               GError    **error)
{
  g_auto(GStrv) env = child_environment (rec);
  rec->pid = fork ();
  if (rec->pid < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot start %s: %s",
                   rec->program, g_strerror (saved));
      return FALSE;
    }
  if (rec->pid == 0)
    {
      sigset_t none;

      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      signal (SIGINT, SIG_DFL);
      signal (SIGTERM, SIG_DFL);
      signal (SIGPIPE, SIG_DFL);
      fcntl (rec->write_fd, F_SETFD, 0);  /* inherited across the exec */
      execve (rec->path, argv, env);
      _exit (127);
    }
  forward_pid = rec->pid;
  if (rec->own_lane)
    start_own_lane (rec);
  else
    {
      close (rec->write_fd);  /* the stream ends when the program's copies close */
      rec->write_fd = -1;
    }
  return TRUE;
}

/* ---- waiting ------------------------------------------------------------- */

static void
reap (Recording *rec)
{
  for (;;)
    {
      int status;
      pid_t pid = waitpid (-1, &status, WNOHANG);

      if (pid == 0)
        return;
      if (pid < 0)
        {
          if (errno == ECHILD && !rec->no_children)
            {
              rec->no_children = TRUE;
              rec->all_ended_us = g_get_monotonic_time ();
            }
          return;
        }
      if (pid == rec->pid)
        {
          rec->status = status;
          rec->reaped = TRUE;
          if (rec->own_writer != NULL)
            {
              weft_wire_writer_record (rec->own_writer, WEFT_EVENT_TASK_END, 0, WEFT_TASK_OK, 0);
              g_clear_pointer (&rec->own_writer, weft_wire_writer_free);
              close (rec->write_fd);
              rec->write_fd = -1;
            }
        }
    }
}

static gboolean
recording_done (Recording *rec)
{
  if (!rec->reaped)
    return FALSE;
  if (rec->no_children && weft_collector_get_finished (rec->collector))
    return TRUE;
  /* every process ended but something outside them holds the pipe */
  if (rec->no_children && g_get_monotonic_time () - rec->all_ended_us > PIPE_GRACE_US)
    {
      g_printerr ("weft-cli record: the event pipe was still open %d s after every process of %s "
                  "had ended; stopped reading\n", (int) (PIPE_GRACE_US / G_USEC_PER_SEC), rec->program);
      return TRUE;
    }
  /* the pipe closed (every copy of it) but processes live on: they cannot record */
  return weft_collector_get_finished (rec->collector) && rec->no_children;
}

static gboolean
reap_tick (gpointer data)
{
  reap (data);
  return G_SOURCE_CONTINUE;
}

static void
wait_for_program (Recording    *rec,
                  GMainContext *context)
{
  g_autoptr(GSource) tick = g_timeout_source_new (10);

  g_source_set_callback (tick, reap_tick, rec, NULL);
  g_source_attach (tick, context);
  while (!recording_done (rec))
    g_main_context_iteration (context, TRUE);
  g_source_destroy (tick);
  /* what the pipe still holds */
  while (weft_collector_read_available (rec->collector))
    ;
}

/* ---- reporting ----------------------------------------------------------- */

static int
exit_status (const Recording *rec)
{
  if (WIFEXITED (rec->status))
    return WEXITSTATUS (rec->status);
  if (WIFSIGNALED (rec->status))
    return 128 + WTERMSIG (rec->status);
  return EXIT_FAILURE;
}

static void
report_problems (const Recording *rec)
{
  const WeftRecordControl *c = rec->control;
  WeftRunStats stats;

  if (WIFSIGNALED (rec->status))
    g_printerr ("weft-cli record: %s (pid %d) was killed by signal %d (%s); what it recorded is kept\n",
                rec->program, (int) rec->pid, WTERMSIG (rec->status), g_strsignal (WTERMSIG (rec->status)));
  else if (c->n_crashed > 0)
    g_printerr ("weft-cli record: %u processes of %s crashed (the last, pid %u, by signal %u); what they "
                "recorded is kept\n", c->n_crashed, rec->program, c->last_crash_pid, c->last_crash_signal);
  if (c->n_close_refused > 0)
    g_printerr ("weft-cli record: %s tried to close Weft's event pipe (an inherited fd) %u times; "
                "it was kept open\n", rec->program, c->n_close_refused);
  if (c->n_pipe_lost > 0)
    g_printerr ("weft-cli record: %u processes of %s started without Weft's event pipe (their parent "
                "closed inherited fds before exec) and were not recorded\n", c->n_pipe_lost, rec->program);
  if (c->n_refused > 0)
    g_printerr ("weft-cli record: %u threads were not recorded: all %d lanes were in use\n",
                c->n_refused, WEFT_RECORD_MAX_WORKERS);
  if (c->n_recycled > 0)
    g_printerr ("weft-cli record: %u threads went on lanes of threads that had ended (over %d "
                "threads in the run)\n", c->n_recycled, WEFT_RECORD_MAX_WORKERS);

  weft_trace_model_get_run_stats (rec->model, &stats);
  if (stats.n_lanes == 0)
    g_printerr ("weft-cli record: nothing was recorded from %s; the trace is empty\n", rec->program);
}

static JsonNode *
record_json (const Recording *rec)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "program");
  json_builder_add_string_value (b, rec->program);
  json_builder_set_member_name (b, "exit_status");
  json_builder_add_int_value (b, exit_status (rec));
  json_builder_set_member_name (b, "signal");
  json_builder_add_int_value (b, WIFSIGNALED (rec->status) ? WTERMSIG (rec->status) : 0);
  json_builder_set_member_name (b, "processes");
  json_builder_add_int_value (b, rec->control->n_processes);
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, rec->control->n_threads);
  json_builder_set_member_name (b, "gil_found");
  json_builder_add_int_value (b, rec->control->n_gil_found);
  json_builder_set_member_name (b, "threads_on_reused_lanes");
  json_builder_add_int_value (b, rec->control->n_recycled);
  json_builder_set_member_name (b, "threads_not_recorded");
  json_builder_add_int_value (b, rec->control->n_refused);
  json_builder_set_member_name (b, "interrupted_by");
  json_builder_add_int_value (b, interrupted);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_summary (const Recording *rec,
               gboolean         json)
{
  g_autoptr(WeftSummary) summary = weft_summary_new (rec->model, NULL, NULL);
  g_autoptr(JsonNode) node = weft_summary_to_json (summary);
  JsonObject *obj = json_node_get_object (node);

  json_object_set_member (obj, "record", record_json (rec));
  if (json)
    {
      g_autofree char *text = json_to_string (node, TRUE);

      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *text = weft_summary_to_text (summary);

      g_print ("%s", text);
      if (WIFSIGNALED (rec->status))
        g_print ("program   %s killed by signal %d (%s)\n", rec->program, WTERMSIG (rec->status),
                 g_strsignal (WTERMSIG (rec->status)));
      else
        g_print ("program   %s exited with status %d\n", rec->program, exit_status (rec));
      g_print ("recorded  %u processes, %u threads%s\n", rec->control->n_processes, rec->control->n_threads,
               rec->control->n_gil_found > 0 ? ", CPython's GIL found" : "");
    }
}

static gboolean
write_trace (Recording   *rec,
             const char  *output,
             char       **argv,
             GError     **error)
{
  g_autoptr(WeftTraceMeta) meta = weft_trace_meta_new ();

  meta->profile = g_path_get_basename (rec->program);
  meta->executor = g_strdup ("record");
  meta->machine = g_strdup_printf ("%s, %u cores", g_get_host_name (), g_get_num_processors ());
  meta->command_line = g_strjoinv (" ", argv);
  return weft_trace_export_to_file (rec->model, meta, output, NULL, error);
}

/* ---- the command --------------------------------------------------------- */

static gboolean
check_output (const char  *path,
              GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: cannot write the trace there", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
record (Recording  *rec,
        char      **argv,
        GError    **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  struct sigaction sa = { .sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART };

  rec->collector = weft_collector_new_pipe (WEFT_RECORD_MAX_WORKERS, &rec->write_fd, error);
  if (rec->collector == NULL || !create_control (rec, error))
    return FALSE;
  rec->model = weft_trace_model_new ();
  weft_collector_set_sink (rec->collector, sink, g_object_ref (rec->model), g_object_unref);
  weft_collector_attach (rec->collector, context);

  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  if (!spawn_program (rec, argv, error))
    return FALSE;
  wait_for_program (rec, context);
  forward_pid = 0;
  weft_collector_detach (rec->collector);
  {
    WeftRunStats stats;

    weft_trace_model_get_run_stats (rec->model, &stats);
    weft_trace_model_finish (rec->model, stats.last_ns);
  }
  return TRUE;
}

int
weft_cli_record (int    argc,
                 char **argv)
{
  g_autofree char *output = NULL;
  gboolean summary = FALSE, json = FALSE;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the trace to TRACE", "TRACE" },
    { "summary", 's', 0, G_OPTION_ARG_NONE, &summary, "Print the summary", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("[--] PROGRAM [ARGS…] — record a program's threads, locks and processes");
  g_autoptr(GError) error = NULL;
  Recording rec = { .write_fd = -1 };
  int status;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_strict_posix (ctx, TRUE);  /* options after PROGRAM are its own */
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("weft-cli record: %s (see 'weft-cli record --help')\n", error->message);
      return EXIT_BAD_INPUT;
    }
  if (argc > 1 && g_str_equal (argv[1], "--"))
    argc--, argv++;
  if (argc < 2)
    {
      g_printerr ("weft-cli record: no program given (see 'weft-cli record --help')\n");
      return EXIT_BAD_INPUT;
    }
  rec.program = argv[1];
  if ((output != NULL && !check_output (output, &error)) || !find_program (&rec, &error))
    {
      g_printerr ("weft-cli record: %s\n", error->message);
      recording_clear (&rec);
      return EXIT_BAD_INPUT;
    }
  if (!record (&rec, argv + 1, &error))
    {
      g_printerr ("weft-cli record: %s\n", error->message);
      recording_clear (&rec);
      return EXIT_BAD_INPUT;
    }

  report_problems (&rec);
  if (output != NULL && !write_trace (&rec, output, argv + 1, &error))
    g_printerr ("weft-cli record: %s\n", error->message);
  if (summary || json)
    print_summary (&rec, json);
  status = exit_status (&rec);
  recording_clear (&rec);
  return status;
}
