/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers for the test programs that run profiles through the engine. */
#pragma once

#include <glib.h>

#include "weft-profile.h"
#include "weft-run.h"

G_BEGIN_DECLS

/* A profile from JSON text, which must be valid */
static inline WeftProfile *
weft_test_profile_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  WeftProfile *profile = weft_profile_new_from_data (json, -1, "test.json", &error);

  g_assert_no_error (error);
  g_assert_nonnull (profile);
  return profile;
}

/* Starts a run on a private context and iterates until it finishes (for at
 * most a minute). @options may be NULL. */
static inline WeftRun *
weft_test_run_to_end (const WeftProfile    *profile,
                      const WeftRunOptions *options)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  WeftRun *run = weft_run_new (profile, options);
  gint64 give_up = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_assert_true (weft_run_start (run, context, &error));
  g_assert_no_error (error);
  while (!weft_run_get_finished (run))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_main_context_iteration (context, TRUE);
    }
  return run;
}

G_END_DECLS
