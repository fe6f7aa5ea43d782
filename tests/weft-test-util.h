/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the test programs. */
#pragma once

#include <glib.h>

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

G_END_DECLS
