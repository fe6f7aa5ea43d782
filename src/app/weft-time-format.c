/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-time"

#include "config.h"

#include "weft-time-format.h"

typedef struct
{
  guint64     ns;
  const char *name;
} Unit;

static const Unit units[] = {
  { G_GUINT64_CONSTANT (1000000000), "s" },
  { 1000000, "ms" },
  { 1000, "µs" },
  { 1, "ns" },
};

/* The largest unit that @ns holds at least once (ns for anything smaller) */
static const Unit *
unit_for (guint64 ns)
{
  guint i = 0;

  while (i + 1 < G_N_ELEMENTS (units) && ns < units[i].ns)
    i++;
  return &units[i];
}

/* @ns in its unit; whole numbers of ns without decimals */
static char *
format_in_unit (guint64 ns,
                int     second_decimals)
{
  const Unit *u = unit_for (ns);

  if (u->ns == 1)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " ns", ns);
  return g_strdup_printf ("%.*f %s", u->ns == units[0].ns ? second_decimals : 3,
                          ns / (double) u->ns, u->name);
}

char *
weft_time_format_duration (guint64 ns)
{
  return format_in_unit (ns, 3);
}

char *
weft_time_format_precise (guint64 ns)
{
  return format_in_unit (ns, 6);
}

char *
weft_time_format_tick (guint64 ns,
                       guint64 step_ns)
{
  guint64 step = MAX (step_ns, 1);
  /* The unit in which the step reads 0.1 .. 100: 200 µs reads "0.2 ms" */
  const Unit *u = unit_for (step * 10);
  int decimals = 0;

  for (guint64 s = step; s < u->ns && decimals < 9; s *= 10)
    decimals++;
  if (decimals == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " %s", ns / u->ns, u->name);
  return g_strdup_printf ("%.*f %s", decimals, (double) ns / u->ns, u->name);
}
