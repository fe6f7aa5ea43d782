/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Fuzz target: the workload-profile parser. An input either fails with one
 * message that names the file, or parses into a profile whose JSON form
 * parses again into the same JSON (and copies to the same JSON).
 */

#include "config.h"

#include <string.h>

#include "weft-fuzz.h"
#include "weft-profile.h"

static void
check_round_trip (const WeftProfile *profile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) again = NULL;
  g_autoptr(WeftProfile) copy = NULL;
  g_autofree char *json = weft_profile_to_json (profile);
  g_autofree char *json_again = NULL;
  g_autofree char *json_copy = NULL;

  g_assert_nonnull (json);
  again = weft_profile_new_from_data (json, -1, "again.json", &error);
  g_assert_no_error (error);
  json_again = weft_profile_to_json (again);
  g_assert_cmpstr (json_again, ==, json);

  copy = weft_profile_copy (profile);
  json_copy = weft_profile_to_json (copy);
  g_assert_cmpstr (json_copy, ==, json);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WeftProfile) profile = NULL;

  weft_fuzz_init ();

  profile = weft_profile_new_from_data ((const char *) data, (gssize) size, "input.json", &error);
  if (profile == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "input.json"));
      g_assert_null (strchr (error->message, '\n'));
      return 0;
    }

  g_assert_no_error (error);
  g_assert_cmpuint (profile->tasks->len + profile->stages->len, >, 0);
  check_round_trip (profile);
  return 0;
}

void
weft_fuzz_check_named (const char    *name,
                       const uint8_t *data,
                       size_t         size)
{
}
