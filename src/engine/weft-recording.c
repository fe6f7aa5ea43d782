/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * WeftRecording: one recording of a real program, shared by `weft-cli
 * record` and the app's Record a Program….
 *
 * Starts the program with Weft's preload library injected (LD_PRELOAD) and
 * the write end of an event pipe inherited (WEFT_RECORD_FD), feeds what its
 * threads and processes record into a WeftTraceModel on a given GMainContext
 * (so the model grows while the program runs), and ends when the program and
 * every process holding the pipe have ended. What could not be recorded
 * (static or set-user-ID programs, a closed pipe, lanes run out) is kept as
 * one warning line each. See docs/record.md.
 */

#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "weft-clock.h"
#include "weft-collector.h"
#include "weft-record-control.h"
#include "weft-recording.h"
#include "weft-wire-writer.h"

/* After every process has ended, how long a pipe still open may take to close. */
#define PIPE_GRACE_US (2 * G_USEC_PER_SEC)

struct _WeftRecording
{
  GObject             parent_instance;

  char              **argv;
  char               *working_dir;  /* nullable: ours */
  char               *path;         /* the program as found */
  gboolean            reap_all;     /* a subreaper: every child is ours */

  GMainContext       *context;
  WeftTraceModel     *model;
  WeftCollector      *collector;
  WeftRecordControl  *control;
  char               *control_dir;
  char               *control_path;
  WeftWireWriter     *own_writer;   /* a lane for a program the library cannot enter */
  gboolean            own_lane;
  int                 write_fd;
  GPtrArray          *warnings;     /* NULL-terminated */

  pid_t               pid;
  int                 status;
  gboolean            reaped;
  gboolean            no_children;
  gboolean            stop_reading;
  gboolean            finished;
  gint64              all_ended_us;
  guint64             last_reaped_ns; /* when the last process was reaped (event clock) */
  GSource            *tick;
  GSource            *kill_timer;   /* SIGKILL once the grace after SIGTERM is over */
  GTask              *wait_task;
};

G_DEFINE_FINAL_TYPE (WeftRecording, weft_recording, G_TYPE_OBJECT)

/* ---- ending a program that is still running ------------------------------ */

typedef struct
{
  GPid   pid;
  guint  kill_id;
} Abandoned;

static void
abandoned_reaped (GPid     pid,
                  int      status,
                  gpointer data)
{
  Abandoned *a = data;

  g_clear_handle_id (&a->kill_id, g_source_remove);
  g_free (a);
}

static gboolean
abandoned_kill (gpointer data)
{
  Abandoned *a = data;

  a->kill_id = 0;
  kill (a->pid, SIGKILL);
  return G_SOURCE_REMOVE;
}

/*
 * A recording that goes away while its program runs: SIGTERM now, SIGKILL
 * after the grace, and reaped on the main context (no zombie, even while
 * the app lives on), though nobody reads what it records any more.
 */
static void
abandon_program (WeftRecording *self)
{
  Abandoned *a = g_new0 (Abandoned, 1);

  a->pid = self->pid;
  kill (self->pid, SIGTERM);
  a->kill_id = g_timeout_add (WEFT_RECORDING_KILL_GRACE_MS, abandoned_kill, a);
  g_child_watch_add (self->pid, abandoned_reaped, a);
  self->reaped = TRUE;
}

static void
weft_recording_dispose (GObject *object)
{
  WeftRecording *self = WEFT_RECORDING (object);

  if (self->pid > 0 && !self->reaped)
    abandon_program (self);  /* nobody will read what it records */
  if (self->kill_timer != NULL)
    g_source_destroy (self->kill_timer);
  g_clear_pointer (&self->kill_timer, g_source_unref);
  if (self->tick != NULL)
    g_source_destroy (self->tick);
  g_clear_pointer (&self->tick, g_source_unref);
  if (self->collector != NULL)
    weft_collector_detach (self->collector);
  g_clear_object (&self->collector);
  g_clear_object (&self->wait_task);
  g_clear_pointer (&self->own_writer, weft_wire_writer_free);
  if (self->write_fd >= 0)
    close (self->write_fd);
  self->write_fd = -1;
  if (self->control != NULL)
    munmap (self->control, sizeof *self->control);
  self->control = NULL;
  if (self->control_path != NULL)
    g_unlink (self->control_path);
  if (self->control_dir != NULL)
    g_rmdir (self->control_dir);
  g_clear_pointer (&self->control_path, g_free);
  g_clear_pointer (&self->control_dir, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (weft_recording_parent_class)->dispose (object);
}

static void
weft_recording_finalize (GObject *object)
{
  WeftRecording *self = WEFT_RECORDING (object);

  g_clear_object (&self->model);
  g_strfreev (self->argv);
  g_free (self->working_dir);
  g_free (self->path);
  g_ptr_array_unref (self->warnings);

  G_OBJECT_CLASS (weft_recording_parent_class)->finalize (object);
}

static void
weft_recording_class_init (WeftRecordingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = weft_recording_dispose;
  object_class->finalize = weft_recording_finalize;
}

static void
weft_recording_init (WeftRecording *self)
{
  self->write_fd = -1;
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);
  self->model = weft_trace_model_new ();
}

/**
 * weft_recording_new:
 * @argv: the program and its arguments (PROGRAM is looked up in PATH
 *   unless it holds a '/')
 * @working_dir: (nullable): the program's working folder, or ours
 */
WeftRecording *
weft_recording_new (const char * const *argv,
                    const char         *working_dir)
{
  WeftRecording *self;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  self = g_object_new (WEFT_TYPE_RECORDING, NULL);
  self->argv = g_strdupv ((char **) argv);
  self->working_dir = working_dir != NULL && *working_dir != '\0' ? g_strdup (working_dir) : NULL;
  return self;
}

/* Whether every child of this process is the recording's (weft-cli makes
 * itself a child subreaper, so orphaned grandchildren are waited for too);
 * otherwise only the program's own process is waited for, and the pipe's
 * other holders by its closing. */
void
weft_recording_set_reap_all (WeftRecording *self,
                             gboolean       reap_all)
{
  g_return_if_fail (WEFT_IS_RECORDING (self));
  self->reap_all = reap_all;
}

G_GNUC_PRINTF (2, 3)
static void
add_warning (WeftRecording *self,
             const char    *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_insert (self->warnings, self->warnings->len - 1, g_strdup_vprintf (format, args));
  va_end (args);
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

static char *
program_path (WeftRecording *self)
{
  const char *program = self->argv[0];

  if (strchr (program, '/') == NULL)
    return g_find_program_in_path (program);
  if (self->working_dir != NULL && !g_path_is_absolute (program))
    return g_build_filename (self->working_dir, program, NULL);
  return g_strdup (program);
}

static gboolean
find_program (WeftRecording  *self,
              GError        **error)
{
  const char *program = self->argv[0];
  struct stat st;

  self->path = program_path (self);
  if (self->path == NULL || stat (self->path, &st) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such program", program);
      return FALSE;
    }
  if (S_ISDIR (st.st_mode) || access (self->path, X_OK) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "%s: not an executable program", program);
      return FALSE;
    }
  if (st.st_mode & (S_ISUID | S_ISGID))
    add_warning (self, "%s is set-user-ID or set-group-ID: the dynamic loader ignores "
                 "LD_PRELOAD for it, so only its process's lifetime is recorded", program);
  else if (elf_is_static (self->path))
    add_warning (self, "%s is statically linked: LD_PRELOAD cannot reach into it, so it "
                 "is recorded without threads or locks, only its process's lifetime", program);
  else
    return TRUE;
  self->own_lane = TRUE;  /* the lane is drawn from here; see start_own_lane() */
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

/* The folder that holds Weft's Python module (put on a recorded program's
 * PYTHONPATH): the source tree's for a build-tree weft-cli, else the installed one */
char *
weft_recording_find_python_dir (void)
{
  g_autofree char *preload = find_preload ();

  return find_python_dir (preload);
}

/* ---- setting up ---------------------------------------------------------- */

static gboolean
create_control (WeftRecording  *self,
                GError        **error)
{
  struct stat st;
  void *map;
  int fd;

  self->control_dir = g_dir_make_tmp ("weft-record-XXXXXX", error);
  if (self->control_dir == NULL)
    return FALSE;
  self->control_path = g_build_filename (self->control_dir, "control", NULL);
  fd = open (self->control_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || ftruncate (fd, sizeof (WeftRecordControl)) != 0 ||
      (map = mmap (NULL, sizeof (WeftRecordControl), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create %s: %s", self->control_path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  self->control = map;
  self->control->magic = WEFT_RECORD_CONTROL_MAGIC;
  if (fstat (self->write_fd, &st) == 0)
    {
      self->control->pipe_ino = st.st_ino;
      self->control->pipe_dev = st.st_dev;
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
child_environment (WeftRecording *self)
{
  g_autofree char *preload = find_preload ();
  g_autofree char *python = find_python_dir (preload);
  const char *old_preload = g_getenv ("LD_PRELOAD");
  const char *old_python = g_getenv ("PYTHONPATH");
  char **env = g_get_environ ();
  g_autofree char *fd = g_strdup_printf ("%d", self->write_fd);
  g_autofree char *lib = old_preload && *old_preload ? g_strconcat (preload, ":", old_preload, NULL) : g_strdup (preload);
  g_autofree char *pypath = old_python && *old_python ? g_strconcat (python, ":", old_python, NULL) : g_strdup (python);

  env = g_environ_setenv (env, "LD_PRELOAD", lib, TRUE);
  env = g_environ_setenv (env, "PYTHONPATH", pypath, TRUE);
  env = g_environ_setenv (env, WEFT_RECORD_ENV_FD, fd, TRUE);
  env = g_environ_setenv (env, WEFT_RECORD_ENV_CONTROL, self->control_path, TRUE);
  return env;
}

/* A program the library cannot enter still gets its process's lane. */
static void
start_own_lane (WeftRecording *self)
{
  g_autofree char *name = g_path_get_basename (self->argv[0]);
  g_autofree char *label = g_strdup_printf ("%s (pid %d)", name, (int) self->pid);

  self->control->next_worker = 1;
  self->own_writer = weft_wire_writer_new (self->write_fd, 0);
  weft_wire_writer_record (self->own_writer, WEFT_EVENT_WORKER_INFO, 0, WEFT_EXECUTOR_EXTERNAL, self->pid);
  weft_wire_writer_name (self->own_writer, WEFT_OBJECT_SELF, label);
  weft_wire_writer_record (self->own_writer, WEFT_EVENT_TASK_BEGIN, 0, 0, 0);
  weft_wire_writer_flush (self->own_writer);
}

static gboolean
spawn_program (WeftRecording  *self,
               GError        **error)
{
  g_auto(GStrv) env = child_environment (self);

  if (self->working_dir != NULL && !g_file_test (self->working_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such folder", self->working_dir);
      return FALSE;
    }
  self->pid = fork ();
  if (self->pid < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot start %s: %s",
                   self->argv[0], g_strerror (saved));
      return FALSE;
    }
  if (self->pid == 0)
    {
      sigset_t none;

      /* only async-signal-safe calls between fork and exec */
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      signal (SIGINT, SIG_DFL);
      signal (SIGTERM, SIG_DFL);
      signal (SIGPIPE, SIG_DFL);
      fcntl (self->write_fd, F_SETFD, 0);  /* inherited across the exec */
      if (self->working_dir != NULL && chdir (self->working_dir) != 0)
        _exit (127);
      execve (self->path, self->argv, env);
      _exit (127);
    }
  if (self->own_lane)
    start_own_lane (self);
  else
    {
      close (self->write_fd);  /* the stream ends when the program's copies close */
      self->write_fd = -1;
    }
  return TRUE;
}

/* ---- waiting ------------------------------------------------------------- */

static void
program_ended (WeftRecording *self,
               int            status)
{
  self->status = status;
  self->reaped = TRUE;
  if (self->own_writer != NULL)
    {
      weft_wire_writer_record (self->own_writer, WEFT_EVENT_TASK_END, 0, WEFT_TASK_OK, 0);
      g_clear_pointer (&self->own_writer, weft_wire_writer_free);
      close (self->write_fd);
      self->write_fd = -1;
    }
}

static void
reap (WeftRecording *self)
{
  for (;;)
    {
      int status;
      pid_t pid = waitpid (self->reap_all ? -1 : self->pid, &status, WNOHANG);

      if (pid == 0)
        return;
      if (pid < 0)
        {
          if (errno == ECHILD && !self->no_children)
            {
              self->no_children = TRUE;
              self->all_ended_us = g_get_monotonic_time ();
            }
          return;
        }
      self->last_reaped_ns = weft_clock_now_ns ();
      if (pid == self->pid)
        program_ended (self, status);
      if (!self->reap_all)
        {
          /* the pipe's closing says when the program's other processes ended */
          self->no_children = TRUE;
          return;
        }
    }
}

static gboolean
recording_done (WeftRecording *self)
{
  if (!self->reaped)
    return FALSE;
  if (self->stop_reading)
    return TRUE;
  if (self->no_children && weft_collector_get_finished (self->collector))
    return TRUE;
  /* every process ended but something outside them holds the pipe */
  if (self->reap_all && self->no_children && g_get_monotonic_time () - self->all_ended_us > PIPE_GRACE_US)
    {
      add_warning (self, "the event pipe was still open %d s after every process of %s "
                   "had ended; stopped reading", (int) (PIPE_GRACE_US / G_USEC_PER_SEC), self->argv[0]);
      return TRUE;
    }
  return FALSE;
}

static void
report_problems (WeftRecording *self)
{
  const WeftRecordControl *c = self->control;
  const char *program = self->argv[0];
  WeftRunStats stats;

  if (WIFSIGNALED (self->status))
    add_warning (self, "%s (pid %d) was killed by signal %d (%s); what it recorded is kept",
                 program, (int) self->pid, WTERMSIG (self->status), g_strsignal (WTERMSIG (self->status)));
  else if (c->n_crashed > 0)
    add_warning (self, "%u processes of %s crashed (the last, pid %u, by signal %u); what they "
                 "recorded is kept", c->n_crashed, program, c->last_crash_pid, c->last_crash_signal);
  if (c->n_close_refused > 0)
    add_warning (self, "%s tried to close Weft's event pipe (an inherited fd) %u times; "
                 "it was kept open", program, c->n_close_refused);
  if (c->n_pipe_lost > 0)
    add_warning (self, "%u processes of %s started without Weft's event pipe (their parent "
                 "closed inherited fds before exec) and were not recorded", c->n_pipe_lost, program);
  if (c->n_refused > 0)
    add_warning (self, "%u threads were not recorded: all %d lanes were in use",
                 c->n_refused, WEFT_RECORD_MAX_WORKERS);
  if (c->n_recycled > 0)
    add_warning (self, "%u threads went on lanes of threads that had ended (over %d "
                 "threads in the run)", c->n_recycled, WEFT_RECORD_MAX_WORKERS);
  weft_trace_model_get_run_stats (self->model, &stats);
  if (stats.n_lanes == 0)
    add_warning (self, "nothing was recorded from %s; the trace is empty", program);
}

static void
finish (WeftRecording *self)
{
  WeftRunStats stats;
  g_autoptr(GTask) task = g_steal_pointer (&self->wait_task);

  g_source_destroy (self->tick);
  g_clear_pointer (&self->tick, g_source_unref);
  if (self->kill_timer != NULL)
    g_source_destroy (self->kill_timer);
  g_clear_pointer (&self->kill_timer, g_source_unref);
  /* what the pipe still holds */
  while (!self->stop_reading && weft_collector_read_available (self->collector))
    ;
  weft_collector_detach (self->collector);
  weft_trace_model_get_run_stats (self->model, &stats);
  /* The run lasts until its last process ended, not until its last event: a
   * program stuck in a wait (a deadlock) records nothing more, yet its
   * threads waited until it was stopped. */
  weft_trace_model_finish (self->model, MAX (stats.last_ns, self->last_reaped_ns));
  report_problems (self);
  self->finished = TRUE;
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

static gboolean
tick (gpointer data)
{
  WeftRecording *self = data;

  reap (self);
  if (!recording_done (self))
    return G_SOURCE_CONTINUE;
  g_object_ref (self);
  finish (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/**
 * weft_recording_start:
 * @context: (nullable): where the pipe is read and the model grows (the
 *   thread-default context for %NULL)
 *
 * Finds the program, creates the event pipe and the control file, and
 * starts the program. Warnings about what cannot be recorded are available
 * at once (weft_recording_get_warnings()).
 *
 * Returns: %TRUE if the program started
 */
gboolean
weft_recording_start (WeftRecording  *self,
                      GMainContext   *context,
                      GError        **error)
{
  g_return_val_if_fail (WEFT_IS_RECORDING (self), FALSE);
  g_return_val_if_fail (self->collector == NULL, FALSE);

  if (!find_program (self, error))
    return FALSE;
  self->context = context != NULL ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  self->collector = weft_collector_new_pipe (WEFT_RECORD_MAX_WORKERS, &self->write_fd, error);
  if (self->collector == NULL || !create_control (self, error))
    return FALSE;
  weft_collector_set_sink (self->collector, sink, g_object_ref (self->model), g_object_unref);
  weft_collector_attach (self->collector, self->context);
  if (!spawn_program (self, error))
    return FALSE;

  self->tick = g_timeout_source_new (10);
  g_source_set_callback (self->tick, tick, self, NULL);
  g_source_attach (self->tick, self->context);
  return TRUE;
}

/**
 * weft_recording_stop:
 * @signal_number: SIGTERM or SIGINT, sent to the program
 *
 * Asks the program to end; what it recorded is kept. Once the program has
 * ended, stops waiting for other holders of the event pipe.
 */
void
weft_recording_stop (WeftRecording *self,
                     int            signal_number)
{
  g_return_if_fail (WEFT_IS_RECORDING (self));

  if (self->pid <= 0 || self->finished)
    return;
  if (!self->reaped)
    kill (self->pid, signal_number);
  else
    self->stop_reading = TRUE;
}

static gboolean
kill_after_grace (gpointer data)
{
  WeftRecording *self = data;

  g_clear_pointer (&self->kill_timer, g_source_unref);
  if (!self->reaped)
    kill (self->pid, SIGKILL);
  return G_SOURCE_REMOVE;
}

/**
 * weft_recording_terminate:
 * @grace_ms: how long the program has to end after SIGTERM
 *
 * Ends the program for good: SIGTERM now, and SIGKILL if it is still
 * running @grace_ms later (a program may ignore SIGTERM). It is reaped and
 * what it recorded is kept, as with weft_recording_stop().
 */
void
weft_recording_terminate (WeftRecording *self,
                          guint          grace_ms)
{
  g_return_if_fail (WEFT_IS_RECORDING (self));

  weft_recording_stop (self, SIGTERM);
  if (self->pid <= 0 || self->reaped || self->kill_timer != NULL || self->context == NULL)
    return;
  self->kill_timer = g_timeout_source_new (grace_ms);
  g_source_set_callback (self->kill_timer, kill_after_grace, self, NULL);
  g_source_attach (self->kill_timer, self->context);
}

void
weft_recording_wait_async (WeftRecording       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (WEFT_IS_RECORDING (self));
  g_return_if_fail (self->wait_task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, weft_recording_wait_async);
  g_task_set_check_cancellable (task, TRUE);
  if (self->finished)
    g_task_return_boolean (task, TRUE);
  else if (self->tick == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "the recording did not start");
  else
    self->wait_task = g_steal_pointer (&task);
}

gboolean
weft_recording_wait_finish (WeftRecording  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- what happened ------------------------------------------------------- */

WeftTraceModel *
weft_recording_get_model (WeftRecording *self)
{
  g_return_val_if_fail (WEFT_IS_RECORDING (self), NULL);
  return self->model;
}

const char *
weft_recording_get_program (WeftRecording *self)
{
  g_return_val_if_fail (WEFT_IS_RECORDING (self), NULL);
  return self->argv[0];
}

char *
weft_recording_get_command_line (WeftRecording *self)
{
  g_return_val_if_fail (WEFT_IS_RECORDING (self), NULL);
  return g_strjoinv (" ", self->argv);
}

GPid
weft_recording_get_pid (WeftRecording *self)
{
  g_return_val_if_fail (WEFT_IS_RECORDING (self), 0);
  return self->pid;
}

gboolean
weft_recording_get_finished (WeftRecording *self)
{
  g_return_val_if_fail (WEFT_IS_RECORDING (self), FALSE);
  return self->finished;
}

/* The status waitpid() gave */
int
weft_recording_get_wait_status (WeftRecording *self)
{
  g_return_val_if_fail (WEFT_IS_RECORDING (self), 0);
  return self->status;
}

/* The program's exit status, 128 + N when signal N ended it */
int
weft_recording_get_exit_status (WeftRecording *self)
{
  g_return_val_if_fail (WEFT_IS_RECORDING (self), EXIT_FAILURE);

  if (WIFEXITED (self->status))
    return WEXITSTATUS (self->status);
  if (WIFSIGNALED (self->status))
    return 128 + WTERMSIG (self->status);
  return EXIT_FAILURE;
}

/* The signal that ended the program, or 0 */
int
weft_recording_get_signal (WeftRecording *self)
{
  g_return_val_if_fail (WEFT_IS_RECORDING (self), 0);
  return WIFSIGNALED (self->status) ? WTERMSIG (self->status) : 0;
}

void
weft_recording_get_counts (WeftRecording       *self,
                           WeftRecordingCounts *counts)
{
  const WeftRecordControl *c;

  g_return_if_fail (WEFT_IS_RECORDING (self));
  g_return_if_fail (counts != NULL);

  memset (counts, 0, sizeof *counts);
  if ((c = self->control) == NULL)
    return;
  counts->n_processes = c->n_processes;
  counts->n_threads = c->n_threads;
  counts->n_gil_found = c->n_gil_found;
  counts->n_recycled = c->n_recycled;
  counts->n_refused = c->n_refused;
}

/* One line each, in the order they were found, without a program prefix */
const char * const *
weft_recording_get_warnings (WeftRecording *self)
{
  g_return_val_if_fail (WEFT_IS_RECORDING (self), NULL);
  return (const char * const *) self->warnings->pdata;
}

guint
weft_recording_get_n_warnings (WeftRecording *self)
{
  g_return_val_if_fail (WEFT_IS_RECORDING (self), 0);
  return self->warnings->len - 1;
}

/* What an exported trace of the recording says about it */
WeftTraceMeta *
weft_recording_dup_meta (WeftRecording *self)
{
  WeftTraceMeta *meta;

  g_return_val_if_fail (WEFT_IS_RECORDING (self), NULL);

  meta = weft_trace_meta_new ();
  meta->profile = g_path_get_basename (self->argv[0]);
  meta->executor = g_strdup ("record");
  meta->machine = g_strdup_printf ("%s, %u cores", g_get_host_name (), g_get_num_processors ());
  meta->command_line = g_strjoinv (" ", self->argv);
  return meta;
}
