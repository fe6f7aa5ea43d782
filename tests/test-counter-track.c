/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib.h>

#include "weft-counter-track.h"

/* Every lookup of a track against its points as a plain sorted array:
 * steps of every size (+1, -1, 0, small, huge, time steps past 2^61),
 * over several blocks and a partly filled last one. */

static guint
naive_lower_bound (const WeftCounterPoint *p,
                   guint                   n,
                   guint64                 t)
{
  guint i = 0;

  while (i < n && p[i].time_ns < t)
    i++;
  return i;
}

static gint64
naive_value_at (const WeftCounterPoint *p,
                guint                   n,
                guint64                 t)
{
  gint64 v = 0;

  for (guint i = 0; i < n && p[i].time_ns <= t; i++)
    v = p[i].value;
  return v;
}

static gint64
naive_peak (const WeftCounterPoint *p,
            guint                   n,
            guint64                 a,
            guint64                 b)
{
  gint64 m = naive_value_at (p, n, a);

  if (n == 0)
    return 0;
  for (guint i = 0; i < n; i++)
    if (p[i].time_ns >= a && p[i].time_ns < b)
      m = MAX (m, p[i].value);
  return m;
}

/* Sorted points with distinct times and steps of every kind */
static WeftCounterPoint *
make_points (GRand *rand,
             guint  n)
{
  WeftCounterPoint *p = g_new (WeftCounterPoint, n);
  guint64 t = (guint64) g_rand_int (rand);
  gint64 v = 0;

  for (guint i = 0; i < n; i++)
    {
      switch (g_rand_int_range (rand, 0, 8))
        {
        /* (wrapping, like the track's own steps) */
        case 0: v = (gint64) ((guint64) v + 1); break;
        case 1: v = (gint64) ((guint64) v - 1); break;
        case 2: break;
        case 3: v = (gint64) ((guint64) v + (guint64) (gint64) g_rand_int_range (rand, -1000, 1000)); break;
        case 4: v = g_rand_boolean (rand) ? G_MAXINT64 - g_rand_int_range (rand, 0, 5)
                                          : G_MININT64 + g_rand_int_range (rand, 0, 5); break;
        default: v = (gint64) g_rand_int (rand) << 20; break;
        }
      p[i].time_ns = t;
      p[i].value = v;
      /* mostly short steps, some long, a rare one past 2^61 */
      if (i == n / 2 && t < G_MAXUINT64 / 2)
        t += (G_GUINT64_CONSTANT (1) << 61) + 12345;
      else
        t += g_rand_int_range (rand, 0, 10) == 0 ? (guint64) g_rand_int (rand) * 1000 + 1
                                                 : (guint64) g_rand_int_range (rand, 1, 100);
    }
  return p;
}

static void
check_track (const WeftCounterTrack *track,
             const WeftCounterPoint *p,
             guint                   n,
             GRand                  *rand)
{
  g_autofree WeftCounterPoint *copy = NULL;
  WeftCounterIter iter;
  WeftCounterPoint pt;
  guint got = 0;

  g_assert_cmpuint (weft_counter_track_get_n_points (track), ==, n);
  copy = weft_counter_track_dup_points (track, &got);
  g_assert_cmpuint (got, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (copy[i].time_ns, ==, p[i].time_ns);
      g_assert_cmpint (copy[i].value, ==, p[i].value);
    }
  for (guint q = 0; q < 200 && n > 0; q++)
    {
      guint i = (guint) g_rand_int_range (rand, 0, (gint32) n);
      guint64 a = p[i].time_ns + (guint64) g_rand_int_range (rand, -2, 3);
      guint64 b = a + (guint64) g_rand_int_range (rand, 0, 20000);

      pt = weft_counter_track_get_point (track, i);
      g_assert_cmpuint (pt.time_ns, ==, p[i].time_ns);
      g_assert_cmpint (pt.value, ==, p[i].value);
      g_assert_cmpuint (weft_counter_track_lower_bound (track, a), ==, naive_lower_bound (p, n, a));
      g_assert_cmpint (weft_counter_track_value_at (track, a), ==, naive_value_at (p, n, a));
      g_assert_cmpint (weft_counter_track_get_peak (track, a, b), ==, naive_peak (p, n, a, b));
      /* an empty range: the value in force at its start */
      g_assert_cmpint (weft_counter_track_get_peak (track, a, a), ==, naive_peak (p, n, a, a));

      /* an iterator started at a time: the first point at or after it,
       * and the one before */
      {
        guint lb = naive_lower_bound (p, n, a);
        WeftCounterPoint before;

        g_assert_cmpuint (weft_counter_iter_init_at (&iter, track, a, &before), ==, lb);
        g_assert_cmpuint (before.time_ns, ==, lb > 0 ? p[lb - 1].time_ns : 0);
        g_assert_cmpint (before.value, ==, lb > 0 ? p[lb - 1].value : 0);
        g_assert_cmpint (weft_counter_iter_next (&iter, &pt), ==, lb < n);
        if (lb < n)
          g_assert_cmpuint (pt.time_ns, ==, p[lb].time_ns);
      }

      /* an iterator started anywhere reads the rest in order */
      weft_counter_iter_init (&iter, track, i);
      for (guint k = i; k < MIN (n, i + 130); k++)
        {
          g_assert_true (weft_counter_iter_next (&iter, &pt));
          g_assert_cmpuint (pt.time_ns, ==, p[k].time_ns);
          g_assert_cmpint (pt.value, ==, p[k].value);
        }
    }
  weft_counter_iter_init (&iter, track, n);
  g_assert_false (weft_counter_iter_next (&iter, &pt));
  g_assert_cmpint (weft_counter_track_get_peak (track, 0, G_MAXUINT64), ==, naive_peak (p, n, 0, G_MAXUINT64));
}

static void
test_lookups (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  static const guint sizes[] = { 0, 1, 63, 64, 65, 128, 1000, 50001 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree WeftCounterPoint *p = make_points (rand, sizes[s]);
      g_autoptr(WeftCounterTrack) track = weft_counter_track_new (p, sizes[s]);

      check_track (track, p, sizes[s], rand);
    }
}

/* Points given out of order come out sorted; at one instant the last one
 * given wins */
static void
test_out_of_order (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  const guint n = 20000;
  g_autofree WeftCounterPoint *p = make_points (rand, n);
  g_autofree WeftCounterPoint *shuffled = g_memdup2 (p, n * sizeof *p);
  g_autoptr(WeftCounterTrack) track = NULL;
  WeftCounterPoint *given;

  for (guint i = n - 1; i > 0; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i + 1);
      WeftCounterPoint tmp = shuffled[i];

      shuffled[i] = shuffled[j];
      shuffled[j] = tmp;
    }
  /* a first value at every fifth instant, overwritten later in the input */
  given = g_new (WeftCounterPoint, n + n / 5);
  for (guint i = 0; i < n / 5; i++)
    given[i] = (WeftCounterPoint) { p[i * 5].time_ns, -7 };
  memcpy (given + n / 5, shuffled, n * sizeof *p);
  track = weft_counter_track_new (given, n + n / 5);
  g_free (given);
  check_track (track, p, n, rand);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/counter-track/lookups", test_lookups);
  g_test_add_func ("/weft/counter-track/out-of-order", test_out_of_order);
  return g_test_run ();
}
