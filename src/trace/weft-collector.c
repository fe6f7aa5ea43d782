/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "weft-collector.h"

/*
 * The collector owns the read end of the event pipe. It is a source on a
 * GMainContext: when the pipe is readable it reads until the pipe is empty or
 * its time budget for one dispatch is spent, so a busy stream never starves
 * the other sources of that context (the UI's, for one). When read() returns
 * 0 every writer has closed its end: the stream is over.
 */

/* Longest a single dispatch keeps reading before yielding to other sources. */
#define DISPATCH_BUDGET_US 8000

/* A bigger pipe lets writers run ahead while the collector is busy. */
#define PIPE_SIZE (1024 * 1024)

struct _WeftCollector
{
  GObject            parent_instance;

  int                fd;
  WeftWireReader    *reader;
  GSource           *source;
  WeftCollectorSink  sink;
  gpointer           sink_data;
  GDestroyNotify     sink_destroy;
  GError            *error;
  guint64            n_events;
  guint              finished : 1;
};

enum {
  PROP_0,
  PROP_FINISHED,
  PROP_N_EVENTS,
  N_PROPS
};

enum {
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WeftCollector, weft_collector, G_TYPE_OBJECT)

static void
weft_collector_dispose (GObject *object)
{
  WeftCollector *self = WEFT_COLLECTOR (object);

  weft_collector_detach (self);

  if (self->sink_destroy != NULL)
    g_clear_pointer (&self->sink_data, self->sink_destroy);
  self->sink = NULL;
  self->sink_destroy = NULL;

  G_OBJECT_CLASS (weft_collector_parent_class)->dispose (object);
}

static void
weft_collector_finalize (GObject *object)
{
  WeftCollector *self = WEFT_COLLECTOR (object);

  if (self->fd >= 0)
    close (self->fd);
  g_clear_pointer (&self->reader, weft_wire_reader_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (weft_collector_parent_class)->finalize (object);
}

static void
weft_collector_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  WeftCollector *self = WEFT_COLLECTOR (object);

  switch (prop_id)
    {
    case PROP_FINISHED:
      g_value_set_boolean (value, self->finished);
      break;

    case PROP_N_EVENTS:
      g_value_set_uint64 (value, self->n_events);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_collector_class_init (WeftCollectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = weft_collector_dispose;
  object_class->finalize = weft_collector_finalize;
  object_class->get_property = weft_collector_get_property;

  properties[PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_EVENTS] =
    g_param_spec_uint64 ("n-events", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * WeftCollector::finished:
   *
   * Emitted once, when every writer has closed the pipe (or the stream turned
   * out not to be Weft's). The error, if any, is weft_collector_get_error().
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
weft_collector_init (WeftCollector *self)
{
  self->fd = -1;
}

/**
 * weft_collector_new:
 * @fd: the read end of the event pipe; the collector owns it from now on
 * @max_workers: worker ids at or above this are rejected (0: %WEFT_MAX_WORKERS)
 *
 * Returns: (transfer full): a collector; weft_collector_attach() starts it
 */
WeftCollector *
weft_collector_new (int   fd,
                    guint max_workers)
{
  WeftCollector *self;
  int flags;

  g_return_val_if_fail (fd >= 0, NULL);

  self = g_object_new (WEFT_TYPE_COLLECTOR, NULL);
  self->fd = fd;
  self->reader = weft_wire_reader_new (max_workers);

  flags = fcntl (fd, F_GETFL);
  if (flags >= 0)
    fcntl (fd, F_SETFL, flags | O_NONBLOCK);

  /* Not every fd is a pipe, and the size may be capped: best effort. */
  (void) fcntl (fd, F_SETPIPE_SZ, PIPE_SIZE);

  return self;
}

/**
 * weft_collector_new_pipe:
 * @out_write_fd: (out): the write end, close-on-exec, for the writers
 *
 * Creates the event pipe and a collector for its read end. Whoever starts
 * workers hands them @out_write_fd and then closes its own copy, so that the
 * stream ends when the last worker closes.
 *
 * Returns: (transfer full) (nullable): a collector, or %NULL with @error set
 */
WeftCollector *
weft_collector_new_pipe (guint    max_workers,
                         int     *out_write_fd,
                         GError **error)
{
  int fds[2];

  g_return_val_if_fail (out_write_fd != NULL, NULL);

  if (pipe2 (fds, O_CLOEXEC) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create the event pipe: %s", g_strerror (saved));
      return NULL;
    }

  *out_write_fd = fds[1];
  return weft_collector_new (fds[0], max_workers);
}

/**
 * weft_collector_set_sink:
 * @sink: (scope notified): called with each batch of valid events
 */
void
weft_collector_set_sink (WeftCollector     *self,
                         WeftCollectorSink  sink,
                         gpointer           user_data,
                         GDestroyNotify     destroy)
{
  g_return_if_fail (WEFT_IS_COLLECTOR (self));

  if (self->sink_destroy != NULL)
    g_clear_pointer (&self->sink_data, self->sink_destroy);

  self->sink = sink;
  self->sink_data = user_data;
  self->sink_destroy = destroy;
}

static void
finish (WeftCollector *self)
{
  g_autoptr(GError) error = NULL;

  if (self->finished)
    return;

  if (!weft_wire_reader_finish (self->reader, &error) && self->error == NULL)
    self->error = g_steal_pointer (&error);

  self->finished = TRUE;
  weft_collector_detach (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_EVENTS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
  g_signal_emit (self, signals[FINISHED], 0);
}

/**
 * weft_collector_read_available:
 *
 * Reads what the pipe holds now, up to one dispatch's time budget, and hands
 * the valid events to the sink. Never blocks. The main-context source calls
 * this; tests and benchmarks may call it directly.
 *
 * Returns: %TRUE while the stream goes on, %FALSE once it has finished
 */
gboolean
weft_collector_read_available (WeftCollector *self)
{
  gint64 deadline;
  guint64 before;

  g_return_val_if_fail (WEFT_IS_COLLECTOR (self), FALSE);

  if (self->finished)
    return FALSE;

  before = self->n_events;
  deadline = g_get_monotonic_time () + DISPATCH_BUDGET_US;

  for (;;)
    {
      gsize space, n_events;
      guint8 *dest = weft_wire_reader_prepare (self->reader, &space);
      const WeftEvent *events;
      ssize_t n;

      n = read (self->fd, dest, space);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;

          g_set_error (&self->error, G_IO_ERROR, g_io_error_from_errno (errno),
                       "reading the event pipe: %s", g_strerror (errno));
          finish (self);
          return FALSE;
        }

      if (n == 0)
        {
          finish (self);
          return FALSE;
        }

      events = weft_wire_reader_commit (self->reader, (gsize) n, &n_events,
                                        self->error == NULL ? &self->error : NULL);
      if (events == NULL)
        {
          /* Not Weft's stream: nothing from it can be trusted. */
          finish (self);
          return FALSE;
        }

      if (n_events > 0)
        {
          self->n_events += n_events;
          if (self->sink != NULL)
            self->sink (events, n_events, self->sink_data);
        }

      if (g_get_monotonic_time () >= deadline)
        break;
    }

  if (self->n_events != before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_EVENTS]);

  return TRUE;
}

static gboolean
on_fd_ready (int          fd,
             GIOCondition condition,
             gpointer     user_data)
{
  /* Held for the call: a handler run from the read may drop the last
   * other reference. */
  g_autoptr(WeftCollector) self = g_object_ref (WEFT_COLLECTOR (user_data));

  if (!weft_collector_read_available (self))
    {
      /* finish() already destroyed the source */
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/**
 * weft_collector_attach:
 * @context: (nullable): the context to read on; %NULL for the global default
 *
 * Starts reading the pipe on @context without ever blocking it.
 */
void
weft_collector_attach (WeftCollector *self,
                       GMainContext  *context)
{
  g_return_if_fail (WEFT_IS_COLLECTOR (self));
  g_return_if_fail (self->source == NULL);
  g_return_if_fail (!self->finished);

  self->source = g_unix_fd_source_new (self->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (self->source, (GSourceFunc) (void (*)(void)) on_fd_ready, self, NULL);
  g_source_set_name (self->source, "[weft] event collector");
  g_source_attach (self->source, context);
}

/**
 * weft_collector_detach:
 *
 * Stops reading (the events already handed to the sink are kept).
 */
void
weft_collector_detach (WeftCollector *self)
{
  g_return_if_fail (WEFT_IS_COLLECTOR (self));

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
}

gboolean
weft_collector_get_finished (WeftCollector *self)
{
  g_return_val_if_fail (WEFT_IS_COLLECTOR (self), FALSE);
  return self->finished;
}

/**
 * weft_collector_get_error:
 *
 * Returns: (transfer none) (nullable): why the stream was cut short or
 *   refused, if it was
 */
const GError *
weft_collector_get_error (WeftCollector *self)
{
  g_return_val_if_fail (WEFT_IS_COLLECTOR (self), NULL);
  return self->error;
}

guint64
weft_collector_get_n_events (WeftCollector *self)
{
  g_return_val_if_fail (WEFT_IS_COLLECTOR (self), 0);
  return self->n_events;
}

/**
 * weft_collector_get_reader:
 *
 * Returns: (transfer none): the reader, for its counts of rejected records,
 *   garbage bytes and unclosed writers
 */
WeftWireReader *
weft_collector_get_reader (WeftCollector *self)
{
  g_return_val_if_fail (WEFT_IS_COLLECTOR (self), NULL);
  return self->reader;
}
