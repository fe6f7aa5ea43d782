/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "weft-profile-private.h"
#include "weft-python-version.h"
#include "weft-trace-export.h"

/*
 * The profile model: loading (the text is read into a WeftProfileDoc by the
 * streaming JSON reader, then validated by weft-profile-parse.c), copies,
 * lookups and saving.
 */

#define MAX_FILE_SIZE      (16 * 1024 * 1024)

G_DEFINE_QUARK (weft-profile-error-quark, weft_profile_error)

/* ---- Objects, tasks, stages ---------------------------------------------- */

void
_weft_profile_object_free (gpointer data)
{
  WeftProfileObject *o = data;

  if (o == NULL)
    return;
  g_free (o->name);
  g_free (o);
}

void
_weft_profile_task_free (gpointer data)
{
  WeftTaskSpec *t = data;

  if (t == NULL)
    return;
  g_free (t->name);
  g_clear_pointer (&t->steps, g_ptr_array_unref);
  g_free (t);
}

void
_weft_profile_stage_free (gpointer data)
{
  WeftStage *s = data;

  if (s == NULL)
    return;
  g_free (s->name);
  g_clear_pointer (&s->steps, g_ptr_array_unref);
  g_free (s);
}

WeftProfile *
_weft_profile_new_empty (void)
{
  WeftProfile *self = g_new0 (WeftProfile, 1);

  self->description = g_strdup ("");
  self->executor = WEFT_EXECUTOR_THREADS;
  self->workers = 4;
  self->switch_interval_ms = 5;
  self->start_method = WEFT_START_SPAWN;
  self->timeout_s = 60;
  self->objects = g_ptr_array_new_with_free_func (_weft_profile_object_free);
  self->tasks = g_ptr_array_new_with_free_func (_weft_profile_task_free);
  self->stages = g_ptr_array_new_with_free_func (_weft_profile_stage_free);
  return self;
}

static char *
default_name (const char *display_name)
{
  g_autofree char *base = display_name ? g_path_get_basename (display_name) : NULL;
  char *dot = base ? strrchr (base, '.') : NULL;

  if (base == NULL)
    return g_strdup ("Untitled");
  if (dot != NULL && dot != base)
    *dot = '\0';
  if (base[0] == '\0' || g_utf8_strlen (base, -1) > 128)
    return g_strdup ("Untitled");
  return g_steal_pointer (&base);
}

/* ---- Public API ------------------------------------------------------------ */

/**
 * weft_profile_new_from_data:
 * @data: the JSON text
 * @length: its length, or -1 if NUL-terminated
 * @display_name: (nullable): the name used in messages, e.g. a file name
 * @error: set when the text is not a valid profile
 *
 * Returns: (transfer full): the profile, or %NULL with @error set
 */
WeftProfile *
weft_profile_new_from_data (const char  *data,
                            gssize       length,
                            const char  *display_name,
                            GError     **error)
{
  g_autoptr(WeftProfileDoc) doc = NULL;
  g_autoptr(WeftProfile) profile = NULL;
  g_autofree char *def_name = default_name (display_name);
  gsize len;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (display_name == NULL)
    display_name = "<data>";
  len = length < 0 ? strlen (data) : (gsize) length;

  if (len > MAX_FILE_SIZE)
    {
      g_set_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_IO,
                   "%s: the file is too large for a profile (%" G_GSIZE_FORMAT " bytes, at most %d)",
                   display_name, len, MAX_FILE_SIZE);
      return NULL;
    }

  doc = _weft_profile_doc_new (data ? data : "", len, display_name, error);
  if (doc == NULL)
    return NULL;

  profile = _weft_profile_new_empty ();
  if (!_weft_profile_parse_doc (profile, doc, display_name, def_name, error))
    {
      g_assert (error == NULL || *error != NULL);
      return NULL;
    }
  return g_steal_pointer (&profile);
}

/**
 * weft_profile_new_from_file:
 * @path: a file name
 * @error: set when the file cannot be read or is not a valid profile
 *
 * Messages name the file as @path is spelled.
 *
 * Returns: (transfer full): the profile, with its path set, or %NULL with
 *   @error set
 */
WeftProfile *
weft_profile_new_from_file (const char  *path,
                            GError     **error)
{
  g_autoptr(GString) buf = NULL;
  WeftProfile *profile;
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_IO,
                   "%s: cannot read: %s", path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    {
      close (fd);
      g_set_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_IO,
                   "%s: cannot read: %s", path, g_strerror (EISDIR));
      return NULL;
    }

  buf = g_string_sized_new (st.st_size > 0 && st.st_size < MAX_FILE_SIZE ? (gsize) st.st_size + 1 : 4096);
  for (;;)
    {
      char chunk[65536];
      ssize_t n = read (fd, chunk, sizeof chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, WEFT_PROFILE_ERROR, WEFT_PROFILE_ERROR_IO,
                       "%s: cannot read: %s", path, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      g_string_append_len (buf, chunk, n);
      if (buf->len > MAX_FILE_SIZE)
        break;   /* new_from_data reports it */
    }
  close (fd);

  profile = weft_profile_new_from_data (buf->str, (gssize) buf->len, path, error);
  if (profile != NULL)
    profile->path = g_strdup (path);
  return profile;
}

static WeftStep *
step_copy (const WeftStep *step)
{
  WeftStep *copy = g_new0 (WeftStep, 1);

  *copy = *step;
  copy->message = g_strdup (step->message);
  copy->steps = NULL;
  if (step->steps != NULL)
    {
      copy->steps = _weft_profile_new_step_array ();
      for (guint i = 0; i < step->steps->len; i++)
        g_ptr_array_add (copy->steps, step_copy (step->steps->pdata[i]));
    }
  return copy;
}

static GPtrArray *
steps_copy (const GPtrArray *steps)
{
  GPtrArray *copy;

  if (steps == NULL)
    return NULL;
  copy = _weft_profile_new_step_array ();
  for (guint i = 0; i < steps->len; i++)
    g_ptr_array_add (copy, step_copy (steps->pdata[i]));
  return copy;
}

/**
 * weft_profile_copy:
 * @self: a profile
 *
 * Returns: (transfer full): a deep copy
 */
WeftProfile *
weft_profile_copy (const WeftProfile *self)
{
  WeftProfile *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = _weft_profile_new_empty ();
  g_free (copy->description);
  copy->path = g_strdup (self->path);
  copy->name = g_strdup (self->name);
  copy->description = g_strdup (self->description);
  copy->concept = self->concept;
  copy->executor = self->executor;
  copy->workers = self->workers;
  copy->gil = self->gil;
  copy->switch_interval_ms = self->switch_interval_ms;
  copy->python_version = self->python_version;
  copy->start_method = self->start_method;
  copy->cancel_on_error = self->cancel_on_error;
  copy->timeout_s = self->timeout_s;

  for (guint i = 0; self->objects && i < self->objects->len; i++)
    {
      const WeftProfileObject *o = self->objects->pdata[i];
      WeftProfileObject *oc = g_new0 (WeftProfileObject, 1);

      *oc = *o;
      oc->name = g_strdup (o->name);
      g_ptr_array_add (copy->objects, oc);
    }
  for (guint i = 0; self->tasks && i < self->tasks->len; i++)
    {
      const WeftTaskSpec *t = self->tasks->pdata[i];
      WeftTaskSpec *tc = g_new0 (WeftTaskSpec, 1);

      tc->name = g_strdup (t->name);
      tc->count = t->count;
      tc->steps = steps_copy (t->steps);
      g_ptr_array_add (copy->tasks, tc);
    }
  for (guint i = 0; self->stages && i < self->stages->len; i++)
    {
      const WeftStage *s = self->stages->pdata[i];
      WeftStage *sc = g_new0 (WeftStage, 1);

      *sc = *s;
      sc->name = g_strdup (s->name);
      sc->steps = steps_copy (s->steps);
      g_ptr_array_add (copy->stages, sc);
    }
  return copy;
}

/**
 * weft_profile_free:
 * @self: (nullable): a profile
 */
void
weft_profile_free (WeftProfile *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_free (self->name);
  g_free (self->description);
  g_clear_pointer (&self->objects, g_ptr_array_unref);
  g_clear_pointer (&self->tasks, g_ptr_array_unref);
  g_clear_pointer (&self->stages, g_ptr_array_unref);
  g_free (self);
}

/**
 * weft_profile_lookup_object:
 * @self: a profile
 * @name: an object name
 *
 * Returns: the index of the object called @name in @self->objects, or
 *   %G_MAXUINT
 */
guint
weft_profile_lookup_object (const WeftProfile *self,
                            const char        *name)
{
  g_return_val_if_fail (self != NULL, G_MAXUINT);

  if (name == NULL || self->objects == NULL)
    return G_MAXUINT;
  for (guint i = 0; i < self->objects->len; i++)
    if (g_strcmp0 (((WeftProfileObject *) self->objects->pdata[i])->name, name) == 0)
      return i;
  return G_MAXUINT;
}

/* ---- Saving -------------------------------------------------------------------- */

/*
 * A small pretty-printer in the layout profiles have always been saved in
 * (two spaces of indent, `"key" : value`), with strings escaped by the one
 * JSON escaper (weft_json_escape()) and numbers as short as reads back the
 * same.
 */

typedef struct
{
  GString *out;
  guint    depth;
  gboolean empty;      /* nothing written yet in the open object or array */
} Writer;

static void
w_next (Writer *w)
{
  if (!w->empty)
    g_string_append_c (w->out, ',');
  w->empty = FALSE;
  g_string_append_c (w->out, '\n');
  for (guint i = 0; i < w->depth; i++)
    g_string_append (w->out, "  ");
}

static void
w_string_value (Writer     *w,
                const char *text)
{
  g_autofree char *escaped = weft_json_escape (text ? text : "");

  g_string_append (w->out, escaped);
}

static void
w_key (Writer     *w,
       const char *key)
{
  w_next (w);
  w_string_value (w, key);
  g_string_append (w->out, " : ");
}

static void
w_open (Writer *w,
        char    bracket)
{
  g_string_append_c (w->out, bracket);
  w->depth++;
  w->empty = TRUE;
}

static void
w_close (Writer *w,
         char    bracket)
{
  w->depth--;
  if (!w->empty)
    {
      g_string_append_c (w->out, '\n');
      for (guint i = 0; i < w->depth; i++)
        g_string_append (w->out, "  ");
    }
  g_string_append_c (w->out, bracket);
  w->empty = FALSE;
}

static void
add_int (Writer     *w,
         const char *key,
         gint64      v)
{
  w_key (w, key);
  g_string_append_printf (w->out, "%" G_GINT64_FORMAT, v);
}

/* Whole numbers read better without ".0"; others with the fewest digits
 * that load back the same double. */
static void
add_number (Writer     *w,
            const char *key,
            double      v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };

  if (v == floor (v) && fabs (v) < 1e15)
    {
      add_int (w, key, (gint64) v);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strtod (g_ascii_formatd (buf, sizeof buf, formats[i], v), NULL) == v)
      break;
  w_key (w, key);
  g_string_append (w->out, buf);
}

static void
add_bool (Writer     *w,
          const char *key,
          gboolean    v)
{
  w_key (w, key);
  g_string_append (w->out, v ? "true" : "false");
}

static void
add_string (Writer     *w,
            const char *key,
            const char *v)
{
  w_key (w, key);
  w_string_value (w, v);
}

static void
add_ref (Writer            *w,
         const WeftProfile *p,
         const char        *key,
         guint              index)
{
  if (p->objects != NULL && index < p->objects->len)
    add_string (w, key, ((WeftProfileObject *) p->objects->pdata[index])->name);
}

static void add_steps (Writer *w, const WeftProfile *p, const GPtrArray *steps);

static void
add_step_members (Writer            *w,
                  const WeftProfile *p,
                  const WeftStep    *step)
{
  switch (step->kind)
    {
    case WEFT_STEP_CPU:
      if (step->ms >= 0)
        add_number (w, "ms", step->ms);
      else
        add_int (w, "iterations", step->count);
      break;
    case WEFT_STEP_IO:
      add_number (w, "ms", step->ms);
      add_bool (w, "blocking", step->blocking);
      break;
    case WEFT_STEP_INCREMENT:
      add_ref (w, p, "counter", step->object);
      add_int (w, "times", step->count);
      break;
    case WEFT_STEP_LOCK:
      add_ref (w, p, "name", step->object);
      add_steps (w, p, step->steps);
      break;
    case WEFT_STEP_PUT:
      add_ref (w, p, "queue", step->object);
      add_int (w, "items", step->count);
      add_int (w, "bytes", step->bytes);
      break;
    case WEFT_STEP_GET:
      add_ref (w, p, "queue", step->object);
      add_int (w, "items", step->count);
      break;
    case WEFT_STEP_TRANSFER:
      add_int (w, "bytes", step->bytes);
      break;
    case WEFT_STEP_FAIL:
      add_string (w, "message", step->message);
      break;
    case WEFT_STEP_REPEAT:
      add_int (w, "times", step->count);
      add_steps (w, p, step->steps);
      break;
    case WEFT_STEP_FOR_EACH:
      add_ref (w, p, "queue", step->object);
      add_steps (w, p, step->steps);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
add_steps (Writer            *w,
           const WeftProfile *p,
           const GPtrArray   *steps)
{
  w_key (w, "steps");
  w_open (w, '[');
  for (guint i = 0; steps != NULL && i < steps->len; i++)
    {
      const WeftStep *step = steps->pdata[i];
      const char *kind = _weft_profile_step_kind_nick (step->kind);

      w_next (w);
      w_open (w, '{');
      if (kind != NULL)
        {
          w_key (w, kind);
          w_open (w, '{');
          add_step_members (w, p, step);
          w_close (w, '}');
        }
      w_close (w, '}');
    }
  w_close (w, ']');
}

static const char *
executor_nick_or (WeftExecutorKind kind,
                  const char      *fallback)
{
  const char *nick = weft_executor_to_nick (kind);
  return nick ? nick : fallback;
}

static void
add_objects (Writer            *w,
             const WeftProfile *self)
{
  w_key (w, "objects");
  w_open (w, '{');
  for (guint i = 0; self->objects && i < self->objects->len; i++)
    {
      const WeftProfileObject *o = self->objects->pdata[i];

      w_key (w, o->name ? o->name : "");
      w_open (w, '{');
      add_string (w, "kind", _weft_profile_object_kind_nick (o->kind));
      if (o->kind == WEFT_OBJECT_COUNTER)
        add_int (w, "initial", o->initial);
      if (o->kind == WEFT_OBJECT_COUNTER && o->length > 1)
        add_int (w, "length", o->length);
      if (o->kind == WEFT_OBJECT_QUEUE)
        add_int (w, "capacity", o->capacity);
      add_string (w, "backend", o->backend == WEFT_BACKEND_MANAGER ? "manager" : "memory");
      w_close (w, '}');
    }
  w_close (w, '}');
}

static void
add_tasks_and_stages (Writer            *w,
                      const WeftProfile *self)
{
  if (self->tasks && self->tasks->len > 0)
    {
      w_key (w, "tasks");
      w_open (w, '[');
      for (guint i = 0; i < self->tasks->len; i++)
        {
          const WeftTaskSpec *t = self->tasks->pdata[i];

          w_next (w);
          w_open (w, '{');
          add_string (w, "name", t->name);
          add_int (w, "count", t->count);
          add_steps (w, self, t->steps);
          w_close (w, '}');
        }
      w_close (w, ']');
    }

  if (self->stages && self->stages->len > 0)
    {
      w_key (w, "stages");
      w_open (w, '[');
      for (guint i = 0; i < self->stages->len; i++)
        {
          const WeftStage *s = self->stages->pdata[i];

          w_next (w);
          w_open (w, '{');
          add_string (w, "name", s->name);
          add_string (w, "executor", executor_nick_or (s->executor, "threads"));
          add_int (w, "workers", s->workers);
          add_ref (w, self, "output", s->output);
          add_steps (w, self, s->steps);
          w_close (w, '}');
        }
      w_close (w, ']');
    }
}

/**
 * weft_profile_to_json:
 * @self: a profile
 *
 * Serialises @self in the profile format (docs/profiles.md), every key
 * written out, so that loading the text gives an equal profile.
 *
 * Returns: (transfer full): pretty-printed JSON, ending with a newline
 */
char *
weft_profile_to_json (const WeftProfile *self)
{
  Writer w = { g_string_sized_new (4096), 0, TRUE };

  g_return_val_if_fail (self != NULL, NULL);

  w_open (&w, '{');
  add_int (&w, "weft_profile", 1);
  add_string (&w, "name", self->name);
  add_int (&w, "concept", self->concept);
  add_string (&w, "description", self->description);
  add_string (&w, "executor", executor_nick_or (self->executor, "threads"));
  add_int (&w, "workers", self->workers);
  add_bool (&w, "gil", self->gil);
  add_number (&w, "switch_interval_ms", self->switch_interval_ms);
  if (self->python_version != 0)
    {
      g_autofree char *python = weft_python_version_to_string (self->python_version);

      add_string (&w, "python", python);
    }
  add_string (&w, "start_method", self->start_method == WEFT_START_FORK ? "fork" : "spawn");
  add_bool (&w, "cancel_on_error", self->cancel_on_error);
  add_number (&w, "timeout_s", self->timeout_s);
  add_objects (&w, self);
  add_tasks_and_stages (&w, self);
  w_close (&w, '}');
  g_string_append_c (w.out, '\n');
  return g_string_free (w.out, FALSE);
}

/* ---- Executor nicks ---------------------------------------------------------- */

/**
 * weft_executor_to_nick:
 * @kind: an executor kind
 *
 * The names profiles, summaries and traces use (the trace layer owns them).
 *
 * Returns: "threads", "processes", "mainloop", "external" or "none"
 */
const char *
weft_executor_to_nick (WeftExecutorKind kind)
{
  return weft_executor_kind_to_nick (kind);
}

/**
 * weft_executor_from_nick:
 * @nick: (nullable): "threads", "processes" or "mainloop"
 * @out_kind: (out) (optional): the executor kind
 *
 * Returns: %TRUE if @nick names an executor a profile can run on
 */
gboolean
weft_executor_from_nick (const char       *nick,
                         WeftExecutorKind *out_kind)
{
  WeftExecutorKind kind;

  if (nick == NULL || !weft_executor_kind_from_nick (nick, &kind) ||
      kind == WEFT_EXECUTOR_NONE || kind == WEFT_EXECUTOR_EXTERNAL)
    return FALSE;
  if (out_kind != NULL)
    *out_kind = kind;
  return TRUE;
}

/*
 * Task specs and stages share one index space: tasks first, then stages.
 * A task instance names its spec this way on the wire (TASK_BEGIN's arg0)
 * and across the process boundary.
 */

/**
 * weft_profile_get_steps:
 * @spec_index: a task spec's index, or the number of task specs plus a stage's
 *
 * Returns: (transfer none) (nullable) (element-type WeftStep): its steps, or
 *   %NULL when there is no such spec
 */
const GPtrArray *
weft_profile_get_steps (const WeftProfile *self,
                        guint              spec_index)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (spec_index < self->tasks->len)
    return ((const WeftTaskSpec *) g_ptr_array_index (self->tasks, spec_index))->steps;
  spec_index -= self->tasks->len;
  if (spec_index < self->stages->len)
    return ((const WeftStage *) g_ptr_array_index (self->stages, spec_index))->steps;
  return NULL;
}

/**
 * weft_profile_get_spec_name:
 *
 * Returns: (transfer none): the name of a task spec or stage, "?" when there is none
 */
const char *
weft_profile_get_spec_name (const WeftProfile *self,
                            guint              spec_index)
{
  g_return_val_if_fail (self != NULL, "?");

  if (spec_index < self->tasks->len)
    return ((const WeftTaskSpec *) g_ptr_array_index (self->tasks, spec_index))->name;
  spec_index -= self->tasks->len;
  if (spec_index < self->stages->len)
    return ((const WeftStage *) g_ptr_array_index (self->stages, spec_index))->name;
  return "?";
}
