/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "weft-profile.h"

/*
 * Profile loading speed: the biggest profile in workloads/ (by bytes), parsed
 * and validated from memory in a loop, and a generated profile of about 1 MB
 * (many tasks and objects) for the cost per byte. Prints profile_parse_us
 * (one load of the biggest shipped profile) and profile_parse_mb_per_s.
 * Times are the thread's CPU time, so that a loaded machine changes them
 * less than it changes the wall clock.
 */

static gint64
cpu_time_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static char *
biggest_workload (const char *dir,
                  gsize      *out_len)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *best = NULL;
  gsize best_len = 0;
  const char *name;

  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;
      gsize len;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_file_get_contents (path, &text, &len, NULL) && len > best_len)
        {
          g_free (best);
          best = g_steal_pointer (&text);
          best_len = len;
        }
    }
  *out_len = best_len;
  return g_steal_pointer (&best);
}

static char *
generated_profile (guint n_tasks)
{
  GString *s = g_string_new ("{\n  \"weft_profile\": 1,\n  \"name\": \"generated\",\n  \"objects\": {\n");

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (s, "    \"lock_%u\": {\"kind\": \"lock\"},\n", i);
  g_string_append (s, "    \"q\": {\"kind\": \"queue\", \"capacity\": 8}\n  },\n  \"tasks\": [\n");
  for (guint i = 0; i < n_tasks; i++)
    g_string_append_printf (s,
                            "    {\"name\": \"task %u\", \"count\": 1, \"steps\": [\n"
                            "      {\"cpu\": {\"ms\": 0.5}},\n"
                            "      {\"lock\": {\"name\": \"lock_%u\", \"steps\": [{\"io\": {\"ms\": 1, \"blocking\": false}}]}},\n"
                            "      {\"put\": {\"queue\": \"q\", \"items\": 1, \"bytes\": 64}}\n"
                            "    ]}%s\n",
                            i, i % 100, i + 1 < n_tasks ? "," : "");
  g_string_append (s, "  ]\n}\n");
  return g_string_free (s, FALSE);
}

/* Microseconds of CPU per load of @text, over at least @min_seconds of it. */
static double
time_loads (const char *text,
            gsize       len,
            double      min_seconds)
{
  guint64 n = 0;
  gint64 start = cpu_time_us (), now;

  do
    {
      for (guint i = 0; i < 16; i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(WeftProfile) p = weft_profile_new_from_data (text, (gssize) len, "bench.json", &error);

          if (p == NULL)
            g_error ("%s", error->message);
          n++;
        }
      now = cpu_time_us ();
    }
  while (now - start < (gint64) (min_seconds * G_USEC_PER_SEC));
  return (double) (now - start) / (double) n;
}

int
main (int   argc,
      char *argv[])
{
  const char *dir = argc > 1 ? argv[1] : WEFT_SOURCE_WORKLOADS;
  g_autofree char *shipped = NULL;
  g_autofree char *generated = NULL;
  gsize shipped_len = 0;
  double us;

  shipped = biggest_workload (dir, &shipped_len);
  if (shipped == NULL)
    {
      fprintf (stderr, "bench-profile: no profile in %s\n", dir);
      return 1;
    }

  time_loads (shipped, shipped_len, 0.2);  /* warm up */
  us = time_loads (shipped, shipped_len, 2.0);
  printf ("BENCH profile_parse_us %.2f us\n", us);

  generated = generated_profile (4500);
  us = time_loads (generated, strlen (generated), 2.0);
  printf ("BENCH profile_parse_mb_per_s %.1f MB/s\n", (double) strlen (generated) / us);
  return 0;
}
