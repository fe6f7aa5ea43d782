/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The one way Weft writes a time or a duration: in s, ms, µs or ns, the
 * largest unit in which it reads at least 1. The ruler, the cursor, the
 * tooltips, the details line and the tables all call these.
 */

/* A duration for tooltips and details: "1.500 s", "12.345 ms", "40 ns" */
char *weft_time_format_duration (guint64 ns);
/* A precise time for the cursor: "1.500000 s", "12.345 ms", "40 ns" */
char *weft_time_format_precise  (guint64 ns);
/* A tick label for @ns in the unit that fits @step_ns, with just the
 * decimals the step needs: "0.4 ms", "250 µs", "3 s" */
char *weft_time_format_tick     (guint64 ns,
                                 guint64 step_ns);

G_END_DECLS
