/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "weft-clock.h"

/* The scale is only trusted once it has been measured over this long. */
#define MIN_BASELINE_NS (10 * G_GUINT64_CONSTANT (1000000))

/* A sample whose clock reads are further apart than this was interrupted. */
#define MAX_SAMPLE_WINDOW_NS 500

typedef struct
{
  guint64 ticks;
  guint64 ns;
} Sample;

static gboolean tsc_usable;
static Sample   baseline;

/* A (ticks, ns) pair read together. A thread preempted between the reads
 * would pair them milliseconds apart, so keep the tightest of a few tries. */
static Sample
take_sample (void)
{
  Sample best = { 0, 0 };
  guint64 best_window = G_MAXUINT64;

  for (guint i = 0; i < 8; i++)
    {
      guint64 before = weft_clock_now_ns ();
      guint64 ticks = weft_clock_ticks ();
      guint64 after = weft_clock_now_ns ();

      if (after - before < best_window)
        {
          best_window = after - before;
          best.ticks = ticks;
          best.ns = before + (after - before) / 2;
        }
      if (best_window < MAX_SAMPLE_WINDOW_NS)
        break;
    }
  return best;
}

static gpointer
init_once (gpointer data)
{
  g_autofree char *source = NULL;

  /* Only where the kernel's own CLOCK_MONOTONIC runs on the TSC are the two
   * known to tick together, on every core. WEFT_CLOCK=monotonic opts out. */
  if (WEFT_CLOCK_HAVE_TSC &&
      g_strcmp0 (g_getenv ("WEFT_CLOCK"), "monotonic") != 0 &&
      g_file_get_contents ("/sys/devices/system/clocksource/clocksource0/current_clocksource",
                           &source, NULL, NULL))
    tsc_usable = g_str_has_prefix (source, "tsc");

  baseline = take_sample ();
  return NULL;
}

/**
 * weft_clock_tsc_usable:
 *
 * Returns: whether anchors may scale the TSC instead of reading the clock
 */
gboolean
weft_clock_tsc_usable (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_once, NULL);
  return tsc_usable;
}

/**
 * weft_clock_anchor_init:
 *
 * Starts an anchor that reads CLOCK_MONOTONIC until the TSC's scale is known.
 */
void
weft_clock_anchor_init (WeftClockAnchor *anchor)
{
  memset (anchor, 0, sizeof *anchor);
  weft_clock_tsc_usable ();
  weft_clock_anchor_refresh (anchor);
}

/**
 * weft_clock_anchor_refresh:
 *
 * Re-takes the anchor from the real clock. Call it every few milliseconds
 * (the wire writer does on each flush).
 */
void
weft_clock_anchor_refresh (WeftClockAnchor *anchor)
{
#if WEFT_CLOCK_HAVE_TSC
  Sample now;
  guint64 last;

  if (!weft_clock_tsc_usable ())
    return;

  last = weft_clock_anchor_now (anchor);
  now = take_sample ();

  if (now.ns - baseline.ns < MIN_BASELINE_NS || now.ticks <= baseline.ticks)
    {
      anchor->ns_per_tick_q32 = 0;
      return;
    }

  anchor->ns_per_tick_q32 = (guint64) ((((unsigned __int128) (now.ns - baseline.ns)) << 32) /
                                       (now.ticks - baseline.ticks));
  anchor->anchor_ticks = now.ticks;
  /* never step back behind a time already handed out */
  anchor->anchor_ns = MAX (now.ns, last);
#endif
}
