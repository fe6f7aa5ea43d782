/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <time.h>

#if defined(__x86_64__)
# include <x86intrin.h>
# define WEFT_CLOCK_HAVE_TSC 1
#else
# define WEFT_CLOCK_HAVE_TSC 0
#endif

G_BEGIN_DECLS

/* CLOCK_MONOTONIC in nanoseconds: the one time base of every Weft event,
 * shared by threads and child processes on the same machine. */
static inline guint64
weft_clock_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

/* CLOCK_MONOTONIC @ns from now, as the absolute deadline that timed waits
 * (pthread_cond_clockwait, pthread_mutex_clocklock) take. */
static inline struct timespec
weft_clock_deadline_in (guint64 ns)
{
  struct timespec ts;
  guint64 t;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  t = (guint64) ts.tv_sec * 1000000000 + (guint64) ts.tv_nsec + ns;
  ts.tv_sec = (time_t) (t / 1000000000);
  ts.tv_nsec = (long) (t % 1000000000);
  return ts;
}

/* The CPU's time-stamp counter, or 0 where there is none. */
static inline guint64
weft_clock_ticks (void)
{
#if WEFT_CLOCK_HAVE_TSC
  return __rdtsc ();
#else
  return 0;
#endif
}

/*
 * A cheap way to CLOCK_MONOTONIC for a thread that stamps many events.
 *
 * Reading CLOCK_MONOTONIC costs ~30 ns here, most of an event's budget. Where
 * the kernel itself drives CLOCK_MONOTONIC from an invariant TSC, a thread may
 * instead read the TSC and scale it from an anchor, a (ticks, ns) pair it
 * re-takes from the real clock every few milliseconds; the scale comes from
 * the process's whole lifetime so far, so it only gets more exact. Between
 * anchors the error is the scale's error times the anchor's age: well under a
 * microsecond. Times never go backwards: a new anchor is never before the
 * last time handed out.
 */
typedef struct
{
  guint64 anchor_ticks;
  guint64 anchor_ns;
  guint64 ns_per_tick_q32;  /* 0: read CLOCK_MONOTONIC instead */
} WeftClockAnchor;

gboolean weft_clock_tsc_usable     (void);
void     weft_clock_anchor_init    (WeftClockAnchor *anchor);
void     weft_clock_anchor_refresh (WeftClockAnchor *anchor);

static inline guint64
weft_clock_anchor_now (WeftClockAnchor *anchor)
{
#if WEFT_CLOCK_HAVE_TSC
  if (G_LIKELY (anchor->ns_per_tick_q32 != 0))
    {
      guint64 d = weft_clock_ticks () - anchor->anchor_ticks;

      return anchor->anchor_ns +
             (guint64) (((unsigned __int128) d * anchor->ns_per_tick_q32) >> 32);
    }
#endif
  return weft_clock_now_ns ();
}

G_END_DECLS
