/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "weft-loader-private.h"

/**
 * WeftLoader:
 *
 * Loads one file that may be a workload profile or a trace, telling the two
 * apart by their content: a profile names "weft_profile" near its start and
 * is at most 16 MiB (docs/profiles.md); anything else is read as a Chrome
 * trace. weft_loader_load_async() does the work on a worker thread; the
 * result (a profile, or a trace model with its metadata and import
 * statistics) is read from the loader once the load has finished. Errors
 * name the file, and for malformed content the line and column.
 */
struct _WeftLoader
{
  GObject               parent_instance;

  GFile                *file;
  gboolean              started;

  /* Written by the load (on its thread), read once it has finished */
  WeftLoaderKind        kind;
  WeftProfile          *profile;
  WeftTraceModel       *model;
  WeftTraceMeta        *meta;
  WeftTraceImportStats  stats;
};

G_DEFINE_FINAL_TYPE (WeftLoader, weft_loader, G_TYPE_OBJECT)
G_DEFINE_QUARK (weft-loader-error-quark, weft_loader_error)

#define MAX_PROFILE_BYTES (16 * 1024 * 1024)
/* How far into a file "weft_profile" is looked for */
#define SNIFF_BYTES 65536

/* The test hold (weft-loader-private.h) */
static GMutex hold_lock;
static GCond  hold_cond;
static gboolean held;
static guint n_waiting;

void
_weft_loader_set_held (gboolean hold)
{
  g_mutex_lock (&hold_lock);
  held = hold;
  g_cond_broadcast (&hold_cond);
  g_mutex_unlock (&hold_lock);
}

guint
_weft_loader_get_n_waiting (void)
{
  guint n;

  g_mutex_lock (&hold_lock);
  n = n_waiting;
  g_mutex_unlock (&hold_lock);
  return n;
}

static void
wait_while_held (void)
{
  g_mutex_lock (&hold_lock);
  n_waiting++;
  while (held)
    g_cond_wait (&hold_cond, &hold_lock);
  n_waiting--;
  g_mutex_unlock (&hold_lock);
}

/**
 * weft_loader_new:
 * @file: (transfer none): a local file
 *
 * Returns: (transfer full): a loader for @file; nothing is read yet
 */
WeftLoader *
weft_loader_new (GFile *file)
{
  WeftLoader *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (WEFT_TYPE_LOADER, NULL);
  self->file = g_object_ref (file);
  return self;
}

/**
 * weft_loader_get_file:
 *
 * Returns: (transfer none): the file this loader reads
 */
GFile *
weft_loader_get_file (WeftLoader *self)
{
  g_return_val_if_fail (WEFT_IS_LOADER (self), NULL);
  return self->file;
}

static gboolean
is_blank (const char *data,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (data[i]))
      return FALSE;
  return TRUE;
}

/* Reads the start of @path to tell a profile from a trace. */
static gboolean
sniff (const char      *path,
       const char      *name,
       WeftLoaderKind  *out_kind,
       GError         **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *contents;
  gsize size;

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, WEFT_LOADER_ERROR, WEFT_LOADER_ERROR_IO,
                   "%s: cannot read: %s", name, local_error->message);
      return FALSE;
    }
  size = g_mapped_file_get_length (mapped);
  contents = g_mapped_file_get_contents (mapped);  /* NULL for an empty file */
  if (size == 0 || contents == NULL || (size <= SNIFF_BYTES && is_blank (contents, size)))
    {
      g_set_error (error, WEFT_LOADER_ERROR, WEFT_LOADER_ERROR_EMPTY,
                   "%s: the file is empty; expected a workload profile or a trace (JSON)", name);
      return FALSE;
    }
  if (size <= MAX_PROFILE_BYTES &&
      g_strstr_len (contents, MIN (size, SNIFF_BYTES), "\"weft_profile\"") != NULL)
    *out_kind = WEFT_LOADER_KIND_PROFILE;
  else
    *out_kind = WEFT_LOADER_KIND_TRACE;
  return TRUE;
}

static gboolean
load_profile (WeftLoader  *self,
              const char  *path,
              const char  *name,
              GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, WEFT_LOADER_ERROR, WEFT_LOADER_ERROR_IO,
                   "%s: cannot read: %s", name, local_error->message);
      return FALSE;
    }
  self->profile = weft_profile_new_from_data (contents, length, name, error);
  if (self->profile == NULL)
    return FALSE;
  g_free (self->profile->path);
  self->profile->path = g_strdup (path);
  return TRUE;
}

static gboolean
load_trace (WeftLoader    *self,
            const char    *path,
            GCancellable  *cancellable,
            GError       **error)
{
  self->model = weft_trace_import_file (path, &self->meta, &self->stats, cancellable, error);
  return self->model != NULL;
}

static gboolean
load (WeftLoader    *self,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autofree char *path = g_file_get_path (self->file);
  g_autofree char *name = g_file_get_basename (self->file);
  WeftLoaderKind kind = WEFT_LOADER_KIND_NONE;
  gboolean ok;

  if (path == NULL)
    {
      g_set_error (error, WEFT_LOADER_ERROR, WEFT_LOADER_ERROR_NOT_LOCAL,
                   "%s: only local files can be opened", name);
      return FALSE;
    }
  if (!sniff (path, name, &kind, error))
    return FALSE;

  if (kind == WEFT_LOADER_KIND_PROFILE)
    ok = load_profile (self, path, name, error);
  else
    ok = load_trace (self, path, cancellable, error);
  if (ok)
    self->kind = kind;
  return ok;
}

/**
 * weft_loader_load:
 *
 * Loads the file on the calling thread (see weft_loader_load_async()).
 * A loader loads once.
 *
 * Returns: %FALSE with @error set if the file cannot be loaded
 */
gboolean
weft_loader_load (WeftLoader    *self,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_return_val_if_fail (WEFT_IS_LOADER (self), FALSE);
  g_return_val_if_fail (!self->started, FALSE);

  self->started = TRUE;
  return load (self, cancellable, error);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  WeftLoader *self = source_object;
  GError *error = NULL;
  gboolean ok = load (self, cancellable, &error);

  wait_while_held ();
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * weft_loader_load_async:
 *
 * Loads the file on a worker thread; @callback runs on the calling
 * thread's default main context. The loader must not be read until then.
 * A loader loads once.
 */
void
weft_loader_load_async (WeftLoader          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (WEFT_IS_LOADER (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, weft_loader_load_async);
  g_task_set_name (task, "[weft] load file");
  g_task_run_in_thread (task, load_thread);
}

/**
 * weft_loader_load_finish:
 *
 * Returns: %TRUE if the file was loaded; %FALSE with @error set otherwise
 */
gboolean
weft_loader_load_finish (WeftLoader    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (WEFT_IS_LOADER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

WeftLoaderKind
weft_loader_get_kind (WeftLoader *self)
{
  g_return_val_if_fail (WEFT_IS_LOADER (self), WEFT_LOADER_KIND_NONE);
  return self->kind;
}

/**
 * weft_loader_get_profile:
 *
 * Returns: (transfer none) (nullable): the profile, if the file was one
 */
const WeftProfile *
weft_loader_get_profile (WeftLoader *self)
{
  g_return_val_if_fail (WEFT_IS_LOADER (self), NULL);
  return self->kind == WEFT_LOADER_KIND_PROFILE ? self->profile : NULL;
}

/**
 * weft_loader_get_model:
 *
 * Returns: (transfer none) (nullable): the trace, if the file was one
 */
WeftTraceModel *
weft_loader_get_model (WeftLoader *self)
{
  g_return_val_if_fail (WEFT_IS_LOADER (self), NULL);
  return self->kind == WEFT_LOADER_KIND_TRACE ? self->model : NULL;
}

/**
 * weft_loader_get_meta:
 *
 * Returns: (transfer none) (nullable): what the trace says about its run
 */
const WeftTraceMeta *
weft_loader_get_meta (WeftLoader *self)
{
  g_return_val_if_fail (WEFT_IS_LOADER (self), NULL);
  return self->kind == WEFT_LOADER_KIND_TRACE ? self->meta : NULL;
}

/**
 * weft_loader_get_stats:
 *
 * Returns: (transfer none) (nullable): how the trace's events were read
 */
const WeftTraceImportStats *
weft_loader_get_stats (WeftLoader *self)
{
  g_return_val_if_fail (WEFT_IS_LOADER (self), NULL);
  return self->kind == WEFT_LOADER_KIND_TRACE ? &self->stats : NULL;
}

static void
weft_loader_dispose (GObject *object)
{
  WeftLoader *self = WEFT_LOADER (object);

  g_clear_object (&self->model);

  G_OBJECT_CLASS (weft_loader_parent_class)->dispose (object);
}

static void
weft_loader_finalize (GObject *object)
{
  WeftLoader *self = WEFT_LOADER (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->profile, weft_profile_free);
  g_clear_pointer (&self->meta, weft_trace_meta_free);

  G_OBJECT_CLASS (weft_loader_parent_class)->finalize (object);
}

static void
weft_loader_class_init (WeftLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = weft_loader_dispose;
  object_class->finalize = weft_loader_finalize;
}

static void
weft_loader_init (WeftLoader *self)
{
}
