/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the test programs. */
#pragma once

#include <string.h>
#include <glib.h>

#include "weft-event.h"

G_BEGIN_DECLS

static inline gboolean
weft_test_wait_timed_out (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static inline gboolean
weft_test_wait_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/*
 * Iterates the default main context until @done (@data) holds, for at most
 * @timeout_ms. Between events it blocks in the main loop instead of
 * sleeping; a 10 ms wake-up notices conditions that other threads or
 * processes change without an event here. Returns whether @done held.
 */
static inline gboolean
wait_for (gboolean (*done) (gpointer),
                    gpointer   data,
                    guint      timeout_ms)
{
  gboolean timed_out = FALSE;
  guint timeout_id, wake_id;

  if (done (data))
    return TRUE;
  timeout_id = g_timeout_add (timeout_ms, weft_test_wait_timed_out, &timed_out);
  wake_id = g_timeout_add (10, weft_test_wait_wake, NULL);
  while (!timed_out && !done (data))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  g_source_remove (wake_id);
  return done (data);
}

/* Appends one event of @worker to @events */
static inline void
ev (GArray *events, guint64 t, guint16 worker, WeftEventKind kind, guint32 object, gint64 arg0, gint64 arg1)
{
  WeftEvent e = { .time_ns = t, .arg0 = arg0, .arg1 = arg1, .object = object, .worker = worker, .kind = kind };

  g_array_append_val (events, e);
}

/* Appends the events that name @object (WEFT_OBJECT_SELF: the worker) */
static inline void
name_object (GArray *events, guint16 worker, guint32 object, const char *name)
{
  WeftEvent e = { .worker = worker, .kind = WEFT_EVENT_NAME, .object = object };

  /* Names go in 16-byte pieces */
  for (gsize off = 0; off < strlen (name); off += 16)
    {
      char buf[16] = { 0 };

      memcpy (buf, name + off, MIN (16, strlen (name) - off));
      memcpy (&e.arg0, buf, 8);
      memcpy (&e.arg1, buf + 8, 8);
      g_array_append_val (events, e);
    }
}

G_END_DECLS
