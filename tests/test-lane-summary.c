/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Column summaries of a lane's rows (weft_lane_summarize_columns()) against a
 * brute-force computation over every span, on random lanes, while spans are
 * still being appended. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "weft-lane-private.h"

#define BASE G_GUINT64_CONSTANT (1000000000)

/* ---- building lanes -------------------------------------------------------- */

static const WeftState states[] = {
  WEFT_STATE_RUNNING, WEFT_STATE_RUNNING, WEFT_STATE_RUNNING, WEFT_STATE_LOCK_WAIT,
  WEFT_STATE_GIL_WAIT, WEFT_STATE_IO, WEFT_STATE_QUEUE_GET,
};

typedef struct
{
  WeftLane *lane;
  GRand    *rand;
  guint64   t;
  guint     min_dur;
  guint     max_dur;
  guint     max_gap;
  guint     long_every;   /* one span in this many is 50–500 × longer (0: none) */
  gboolean  nested;       /* open a second row inside some spans */
} Gen;

static void
gen_span (Gen *gen)
{
  WeftState state = states[g_rand_int_range (gen->rand, 0, G_N_ELEMENTS (states))];
  guint64 dur = g_rand_int_range (gen->rand, gen->min_dur, gen->max_dur + 1);
  WeftSpan closed;
  int delta = 0;

  if (gen->long_every > 0 && g_rand_int_range (gen->rand, 0, gen->long_every) == 0)
    dur *= g_rand_int_range (gen->rand, 50, 501);
  if (g_rand_int_range (gen->rand, 0, 50) == 0)
    dur = 0;
  gen->t += g_rand_int_range (gen->rand, 0, gen->max_gap + 1);

  g_assert_cmpint (_weft_lane_open (gen->lane, gen->t, state, 7, 0, &delta), ==, 0);
  if (gen->nested && dur >= 4 && g_rand_boolean (gen->rand))
    {
      guint64 a = gen->t + dur / 8, b = gen->t + dur - dur / 8;

      g_assert_cmpint (_weft_lane_open (gen->lane, a, WEFT_STATE_LOCK_HELD, 9, 0, &delta), ==, 1);
      g_assert_true (_weft_lane_close (gen->lane, b, WEFT_STATE_LOCK_HELD, 9, 0, &closed, &delta));
    }
  gen->t += dur;
  g_assert_true (_weft_lane_close (gen->lane, gen->t, state, 7, 0, &closed, &delta));
}

static void
gen_spans (Gen  *gen,
           guint n)
{
  for (guint i = 0; i < n; i++)
    gen_span (gen);
}

/* ---- the brute-force answer ------------------------------------------------ */

typedef struct
{
  double  *state_ns;    /* n_columns × WEFT_N_STATES */
  GArray  *wide;        /* WeftSpan */
} Exact;

static void
exact_clear (Exact *ex)
{
  g_free (ex->state_ns);
  g_array_unref (ex->wide);
}

/* Narrow spans' weight (duration, 1 for an empty span) of @state inside
 * [a, b), or of every state if @state is IDLE. */
static double
weight_in (WeftLane *lane,
           guint     depth,
           double    a,
           double    b,
           double    ns_per_px,
           guint     state)
{
  guint first, n;
  double sum = 0;

  weft_lane_lookup_range (lane, depth, (guint64) MAX (floor (a), 0), (guint64) ceil (b) + 1, &first, &n);
  for (guint i = first; i < first + n; i++)
    {
      WeftSpan s;
      double ov;

      weft_lane_get_span (lane, depth, i, &s);
      if ((double) (s.end_ns - s.start_ns) >= ns_per_px)
        continue;
      if (state != WEFT_STATE_IDLE && s.state != state)
        continue;
      if (s.end_ns == s.start_ns)
        ov = (double) s.start_ns >= a && (double) s.start_ns < b ? 1 : 0;
      else
        ov = MIN ((double) s.end_ns, b) - MAX ((double) s.start_ns, a);
      sum += MAX (ov, 0);
    }
  return sum;
}

static void
exact_compute (WeftLane *lane,
               guint     depth,
               guint64   t0,
               double    ns_per_px,
               guint     n_columns,
               Exact    *ex)
{
  guint n = weft_lane_get_n_spans (lane, depth);
  guint64 t1 = t0 + (guint64) ceil (n_columns * ns_per_px);

  ex->state_ns = g_new0 (double, (gsize) n_columns * WEFT_N_STATES);
  ex->wide = g_array_new (FALSE, FALSE, sizeof (WeftSpan));

  for (guint i = 0; i < n; i++)
    {
      WeftSpan s;
      double x0, x1;

      weft_lane_get_span (lane, depth, i, &s);
      if (s.start_ns >= t1 || s.end_ns < t0 || (s.end_ns == t0 && s.start_ns < t0))
        continue;
      if ((double) (s.end_ns - s.start_ns) >= ns_per_px)
        {
          g_array_append_val (ex->wide, s);
          continue;
        }
      x0 = ((double) s.start_ns - (double) t0) / ns_per_px;
      x1 = ((double) s.end_ns - (double) t0) / ns_per_px;
      if (s.end_ns == s.start_ns)
        {
          if (x0 >= 0 && x0 < n_columns)
            ex->state_ns[(gsize) x0 * WEFT_N_STATES + s.state] += 1;
          continue;
        }
      for (int k = MAX ((int) floor (x0), 0); k < MIN ((int) ceil (x1), (int) n_columns); k++)
        ex->state_ns[(gsize) k * WEFT_N_STATES + s.state] +=
          (MIN (x1, k + 1.0) - MAX (x0, (double) k)) * ns_per_px;
    }
}

#define LEVEL(b) ((b) >= 0.75 ? 0 : (b) >= 0.45 ? 1 : (b) >= 0.2 ? 2 : 3)

/* The exact colour (dominant state, 0 if none) and shade of column @k */
static void
exact_colour (const Exact *ex,
              guint        k,
              double       ns_per_px,
              guint       *state,
              guint       *level)
{
  const double *w = &ex->state_ns[(gsize) k * WEFT_N_STATES];
  double busy = 0;

  *state = 0;
  for (guint s = 1; s < WEFT_N_STATES; s++)
    {
      busy += w[s];
      if (w[s] > w[*state])
        *state = s;
    }
  *level = LEVEL (busy / ns_per_px);
}

/* What the timeline drew before summaries (commit 2cd8b0d): each column's
 * colour from the first two spans starting in it, the rest skipped by a
 * density guess and its busy time extrapolated. Ported here to measure how
 * often it differs from the brute force on the same columns; the summaries
 * must do at least as well. */
static guint
estimate_differ_count (WeftLane    *lane,
                       guint        depth,
                       guint64      vb,
                       double       ns_per_px,
                       guint        tw,
                       const Exact *ex)
{
  guint64 ve = vb + (guint64) ceil (tw * ns_per_px);
  double scale = 1.0 / ns_per_px;
  guint first, n, i, end, differ = 0;
  int min_col = 0;
  double density;

  weft_lane_lookup_range (lane, depth, vb, ve, &first, &n);
  i = first;
  end = first + n;
  density = n / (double) (ve - vb);
  while (i < end)
    {
      WeftSpan s;
      double busy = 0, col_ns, sdur[WEFT_N_STATES] = { 0 };
      guint walked = 0, state = 0, want_state, want_level;
      guint64 col_t0, col_t1;
      int col;

      weft_lane_get_span (lane, depth, i, &s);
      if ((double) (s.end_ns - s.start_ns) * scale >= 1.0)
        {
          i++;
          continue;
        }
      col = MAX ((int) floor (((double) (gint64) (s.start_ns - vb)) * scale), min_col);
      col_t0 = vb + (guint64) ceil (col * ns_per_px);
      col_t1 = vb + (guint64) ceil ((col + 1) * ns_per_px);
      if (col_t1 <= MAX (col_t0, s.start_ns))
        col_t1 = MAX (col_t0, s.start_ns) + 1;
      col_ns = (double) (col_t1 - col_t0);
      for (;;)
        {
          guint64 a, e;

          if (walked > 0)
            {
              weft_lane_get_span (lane, depth, i, &s);
              if (s.start_ns >= col_t1 || (double) (s.end_ns - s.start_ns) * scale >= 1.0)
                break;
            }
          a = MAX (s.start_ns, col_t0);
          e = MIN (s.end_ns, col_t1);
          busy += e > a ? (double) (e - a) : 0;
          sdur[s.state] += (e > a ? (double) (e - a) : 0) + 1;
          walked++;
          i++;
          if (i >= end || walked >= 2)
            break;
        }
      if (walked >= 2 && i < end)
        {
          guint j = i + (guint) MIN ((double) (col_t1 - MIN (col_t1, s.start_ns)) * density,
                                     (double) (end - i));
          guint lo = i, hi = end;

          /* (the view searched near the guess; the exact landing is the
           * same or one column on) */
          if (j < end)
            {
              WeftSpan g;

              weft_lane_get_span (lane, depth, j, &g);
              if (g.start_ns < col_t1 + 2 * ns_per_px)
                lo = hi = j;
            }
          while (lo < hi)
            {
              guint mid = lo + (hi - lo) / 2;
              WeftSpan m;

              weft_lane_get_span (lane, depth, mid, &m);
              if (m.start_ns >= col_t1)
                hi = mid;
              else
                lo = mid + 1;
            }
          if (lo > i)
            {
              busy += busy / walked * (lo - i);
              i = lo;
            }
        }
      for (guint k = 1; k < WEFT_N_STATES; k++)
        if (sdur[k] > sdur[state])
          state = k;
      if (col >= 0 && (guint) col < tw)
        {
          exact_colour (ex, col, ns_per_px, &want_state, &want_level);
          differ += state != want_state || LEVEL (busy / col_ns) != want_level;
        }
      min_col = col + 1;
    }
  return differ;
}

/* Checks one query against the brute force. @exact_expected: no block can
 * be used at this scale, so the answer must be exact. Returns the columns
 * whose merged colour (the dominant state) or shade differs. */
static guint
check_query (WeftLane *lane,
             guint     depth,
             guint64   t0,
             double    ns_per_px,
             guint     n_columns,
             gboolean  exact_expected,
             guint    *estimate_differ)
{
  g_autofree WeftColumnSummary *cols = g_new (WeftColumnSummary, n_columns);
  g_autoptr(GArray) wide = g_array_new (FALSE, FALSE, sizeof (WeftSpan));
  Exact ex;
  guint differ = 0;

  exact_compute (lane, depth, t0, ns_per_px, n_columns, &ex);
  weft_lane_summarize_columns (lane, depth, t0, ns_per_px, n_columns, cols, wide);
  if (estimate_differ != NULL)
    *estimate_differ += estimate_differ_count (lane, depth, t0, ns_per_px, n_columns, &ex);

  /* Wide spans: exactly the same ones */
  g_assert_cmpuint (wide->len, ==, ex.wide->len);
  for (guint i = 0; i < wide->len; i++)
    g_assert_true (memcmp (&g_array_index (wide, WeftSpan, i),
                           &g_array_index (ex.wide, WeftSpan, i), sizeof (WeftSpan)) == 0);

  for (guint k = 0; k < n_columns; k++)
    {
      double c0 = (double) t0 + k * ns_per_px, c1 = c0 + ns_per_px;
      double got_busy = 0, want_busy = 0;
      guint got_state = 0, want_state = 0;

      g_assert_cmpfloat (cols[k].state_ns[WEFT_STATE_IDLE], ==, 0);
      for (guint s = 1; s < WEFT_N_STATES; s++)
        {
          double got = cols[k].state_ns[s], want = ex.state_ns[(gsize) k * WEFT_N_STATES + s];
          double tol = 1e-3 * ns_per_px + 1e-4 * want + 0.01;

          if (!exact_expected && fabs (got - want) > tol)
            {
              /* Blocks at most half a column long straddling an edge,
               * spread by time, and shares kept to 1/255 of a block (a
               * block inside the column may be a column long) */
              double h = ns_per_px / 2;

              tol += weight_in (lane, depth, c0 - h, c0 + h, ns_per_px, s) +
                     weight_in (lane, depth, c1 - h, c1 + h, ns_per_px, s) +
                     weight_in (lane, depth, c0 - h, c1 + h, ns_per_px, s) / 255.0 * 2;
            }
          if (fabs (got - want) > tol)
            g_error ("column %u state %u: got %.3f ns, want %.3f (tolerance %.3f, %.1f ns/px)",
                     k, s, got, want, tol, ns_per_px);

          got_busy += got;
          want_busy += want;
          if (got > cols[k].state_ns[got_state])
            got_state = s;
          if (want > ex.state_ns[(gsize) k * WEFT_N_STATES + want_state])
            want_state = s;
        }
      got_busy /= ns_per_px;
      want_busy /= ns_per_px;
      if (got_state != want_state || LEVEL (got_busy) != LEVEL (want_busy))
        {
          /* On a tie (two states equal, busy on a shade's edge) either is right */
          gboolean tie = FALSE;

          for (guint s = 1; s < WEFT_N_STATES; s++)
            tie |= s != want_state &&
                   fabs (ex.state_ns[(gsize) k * WEFT_N_STATES + s] -
                         ex.state_ns[(gsize) k * WEFT_N_STATES + want_state]) < 1e-3 * ns_per_px;
          for (guint l = 0; l < 3; l++)
            tie |= fabs (want_busy - (double[]) { 0.75, 0.45, 0.2 }[l]) < 1e-4;
          if (!tie)
            differ++;
          if (!tie && exact_expected)
            g_test_message ("column %u: state %u busy %f, want state %u busy %f",
                            k, got_state, got_busy, want_state, want_busy);
        }
    }
  exact_clear (&ex);
  return differ;
}

/* ---- tests ----------------------------------------------------------------- */

/* Fewer spans than a block: everything is read, the answer is exact. */
static void
test_small_exact (void)
{
  WeftLane *lane = _weft_lane_new (0);
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  Gen gen = { lane, rand, BASE, 10, 400, 300, 20, TRUE };

  gen_spans (&gen, 20);
  for (guint depth = 0; depth < 2; depth++)
    {
      g_assert_cmpuint (check_query (lane, depth, BASE, 1.0, 200, TRUE, NULL), ==, 0);
      g_assert_cmpuint (check_query (lane, depth, BASE + 500, 37.5, 100, TRUE, NULL), ==, 0);
      g_assert_cmpuint (check_query (lane, depth, BASE - 1000, (gen.t - BASE + 2000) / 50.0, 50, TRUE, NULL), ==, 0);
    }
  _weft_lane_free (lane);
}

/* Every block is longer than a column: exact, with blocks all around. */
static void
test_fine_exact (void)
{
  WeftLane *lane = _weft_lane_new (0);
  g_autoptr(GRand) rand = g_rand_new_with_seed (2);
  Gen gen = { lane, rand, BASE, 10, 50, 30, 40, FALSE };

  gen_spans (&gen, 20000);
  /* a block of 16 spans lasts at least 160 ns */
  g_assert_cmpuint (check_query (lane, 0, BASE + 123456, 60.0, 900, TRUE, NULL), ==, 0);
  g_assert_cmpuint (check_query (lane, 0, BASE + 7, 300.0, 1000, TRUE, NULL), ==, 0);
  _weft_lane_free (lane);
}

/* Random lanes at every zoom: within the documented error, and the merged
 * colour and shade as a brute force would draw them. */
static void
test_random (void)
{
  for (guint seed = 10; seed < 16; seed++)
    {
      WeftLane *lane = _weft_lane_new (0);
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      Gen gen = { lane, rand, BASE, 1, g_rand_int_range (rand, 20, 2000), g_rand_int_range (rand, 0, 2000),
                  seed % 2 ? 200 : 0, TRUE };
      guint differ = 0, estimate_differ = 0, total = 0;

      gen_spans (&gen, 30000 + seed * 1111);
      for (guint q = 0; q < 12; q++)
        {
          guint64 span = gen.t - BASE;
          guint n_columns = g_rand_int_range (rand, 50, 700);
          double frac = q == 0 ? 1.05 : pow (10, -g_rand_double_range (rand, 0, 4));
          double ns_per_px = MAX (span * frac / n_columns, 0.5);
          guint64 t0 = q == 0 ? BASE - span / 40 : BASE + (guint64) (g_rand_double (rand) * span * (1 - MIN (frac, 1)));
          guint depth = q % 3 == 2 ? 1 : 0;

          differ += check_query (lane, depth, t0, ns_per_px, n_columns, FALSE, &estimate_differ);
          total += n_columns;
        }
      g_test_message ("seed %u: %u of %u columns drawn differently from the brute force "
                      "(the per-pixel estimate it replaces: %u)", seed, differ, total, estimate_differ);
      g_assert_cmpuint (differ, <=, total / 20);
      g_assert_cmpuint (differ, <=, estimate_differ / 5);
      _weft_lane_free (lane);
    }
}

/* Spans keep arriving while the lane is read: complete blocks are final,
 * the unfinished ones are read from the spans. */
static void
test_live_appends (void)
{
  WeftLane *lane = _weft_lane_new (0);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  Gen gen = { lane, rand, BASE, 100, 900, 200, 64, TRUE };
  guint n = 0;

  for (guint step = 0; step < 60; step++)
    {
      guint more = g_rand_int_range (rand, 1, step < 20 ? 40 : 3000);
      double ns_per_px;

      gen_spans (&gen, more);
      n += more;
      g_assert_cmpuint (weft_lane_get_n_spans (lane, 0), ==, n);

      /* the whole lane, and the latest stretch of it (a live view) */
      ns_per_px = (gen.t - BASE + 1) / 400.0;
      g_assert_cmpuint (check_query (lane, 0, BASE, ns_per_px, 400, FALSE, NULL), <=, 400 / 20);
      g_assert_cmpuint (check_query (lane, 1, BASE, ns_per_px, 400, FALSE, NULL), <=, 400 / 20);
      /* blocks of 16 spans last over 1600 ns: exact, the unfinished one included */
      g_assert_cmpuint (check_query (lane, 0, gen.t - MIN (gen.t - BASE, 150000), 500.0, 400, TRUE, NULL), ==, 0);
      g_assert_cmpuint (check_query (lane, 1, gen.t - MIN (gen.t - BASE, 150000), 500.0, 400, TRUE, NULL), ==, 0);
    }
  _weft_lane_free (lane);
}

/* The reason for summaries: a whole-lane query reads a few entries per
 * column, not the spans; and they cost a few % of the span storage. */
static void
test_cost (void)
{
  WeftLane *lane = _weft_lane_new (0);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  Gen gen = { lane, rand, BASE, 200, 900, 300, 0, FALSE };
  const guint n = 1000000, width = 1000;
  g_autofree WeftColumnSummary *cols = g_new (WeftColumnSummary, width);
  guint64 visited;
  gsize bytes;

  gen_spans (&gen, n);
  visited = weft_lane_summarize_columns (lane, 0, BASE, (gen.t - BASE) / (double) width, width, cols, NULL);
  g_test_message ("whole lane, %u spans, %u columns: %" G_GUINT64_FORMAT " entries read", n, width, visited);
  g_assert_cmpuint (visited, <=, 16 * width);

  bytes = weft_lane_get_span_bytes (lane);
  g_test_message ("%.2f bytes per span with summaries", bytes / (double) n);
  /* 20-byte records, chunks at most 8 % empty, 32-byte nodes per 16 spans × 4/3 */
  g_assert_cmpfloat (bytes / (double) n, <=, 20 * 1.08 + 32.0 / 16 * 4 / 3);

  /* Wrong arguments change nothing */
  g_assert_cmpuint (weft_lane_summarize_columns (lane, 5, BASE, 1000.0, width, cols, NULL), ==, 0);
  g_assert_cmpfloat (cols[0].state_ns[WEFT_STATE_RUNNING], ==, 0);
  _weft_lane_free (lane);
}

/* What a frame reads is bounded by its pixels at every zoom and size: the
 * worst case is a column holding about a summary leaf's worth of spans, all
 * read one by one, so no column costs more than a few dozen entries, from a
 * window of a few spans up to a whole lane of millions. */
static void
test_cost_every_scale (void)
{
  const guint width = 1000, sizes[] = { 10000, 100000, 1000000, 3000000 };
  g_autofree WeftColumnSummary *cols = g_new (WeftColumnSummary, width);
  double worst = 0;

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      WeftLane *lane = _weft_lane_new (0);
      g_autoptr(GRand) rand = g_rand_new_with_seed (11 + k);
      Gen gen = { lane, rand, BASE, 200, 900, 300, 2000, FALSE };
      guint64 length;

      gen_spans (&gen, sizes[k]);
      length = gen.t - BASE;
      for (double ns_per_px = 20; ns_per_px * width < 2.0 * length; ns_per_px *= 1.7)
        {
          double span_ns = MIN (ns_per_px * width, (double) length);
          guint64 t0 = BASE + (guint64) ((length - span_ns) / 2);
          guint64 visited = weft_lane_summarize_columns (lane, 0, t0, ns_per_px, width, cols, NULL);

          worst = MAX (worst, visited / (double) width);
          if (visited > 20 * width)
            g_error ("%u spans, %.0f ns per column: %" G_GUINT64_FORMAT " entries for %u columns",
                     sizes[k], ns_per_px, visited, width);
        }
      _weft_lane_free (lane);
    }
  g_test_message ("at most %.1f entries read per column", worst);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/lane-summary/small-exact", test_small_exact);
  g_test_add_func ("/weft/lane-summary/fine-exact", test_fine_exact);
  g_test_add_func ("/weft/lane-summary/random", test_random);
  g_test_add_func ("/weft/lane-summary/live-appends", test_live_appends);
  g_test_add_func ("/weft/lane-summary/cost", test_cost);
  g_test_add_func ("/weft/lane-summary/cost-every-scale", test_cost_every_scale);

  return g_test_run ();
}
