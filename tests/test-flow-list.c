/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib.h>

#include "weft-flow-list-private.h"

/* A compressed flow list against the same flows as a plain array: every
 * field of every size (time steps past 2^61, receiving ends before the
 * sending ones, items and objects of every width), read by index, by time
 * and in order, after appends and after rewinds to anywhere. */

static WeftFlow
random_flow (GRand   *rand,
             guint64 *t)
{
  WeftFlow f = { 0 };

  *t += g_rand_int_range (rand, 0, 20) == 0 ? (guint64) g_rand_int (rand) * 997 : (guint64) g_rand_int_range (rand, 0, 50);
  if (g_rand_int_range (rand, 0, 5000) == 0 && *t < G_MAXUINT64 / 2)
    *t += (G_GUINT64_CONSTANT (1) << 61) + 7;
  f.to_ns = *t;
  f.from_ns = g_rand_int_range (rand, 0, 10) == 0 ? *t + (guint64) g_rand_int_range (rand, 0, 1000)
                                                  : *t - MIN (*t, (guint64) g_rand_int (rand));
  f.item = g_rand_int_range (rand, 0, 4) == 0 ? (gint64) ((guint64) g_rand_int (rand) << 32 | g_rand_int (rand))
                                              : g_rand_int_range (rand, -3, 1000);
  f.object = g_rand_int_range (rand, 0, 3) == 0 ? g_rand_int (rand) : 7;
  f.from_worker = (guint16) g_rand_int_range (rand, 0, 65536);
  f.to_worker = (guint16) g_rand_int_range (rand, 0, 300);
  f.kind = (guint8) g_rand_int_range (rand, WEFT_FLOW_QUEUE, WEFT_FLOW_LOCK + 1);
  return f;
}

static void
assert_same_flow (const WeftFlow *a,
                  const WeftFlow *b)
{
  g_assert_cmpuint (a->to_ns, ==, b->to_ns);
  g_assert_cmpuint (a->from_ns, ==, b->from_ns);
  g_assert_cmpint (a->item, ==, b->item);
  g_assert_cmpuint (a->object, ==, b->object);
  g_assert_cmpuint (a->from_worker, ==, b->from_worker);
  g_assert_cmpuint (a->to_worker, ==, b->to_worker);
  g_assert_cmpuint (a->kind, ==, b->kind);
}

static void
check_list (const WeftFlowList *list,
            GArray             *want,
            GRand              *rand)
{
  const WeftFlow *w = (const WeftFlow *) (gpointer) want->data;
  guint n = want->len;
  WeftFlowIter iter;
  WeftFlow f;

  g_assert_cmpuint (weft_flow_list_get_n_flows (list), ==, n);
  weft_flow_iter_init (&iter, list, 0);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (weft_flow_iter_next (&iter, &f));
      assert_same_flow (&f, &w[i]);
    }
  g_assert_false (weft_flow_iter_next (&iter, &f));
  for (guint q = 0; q < 100 && n > 0; q++)
    {
      guint i = (guint) g_rand_int_range (rand, 0, (gint32) n), lb = 0;
      guint64 t = w[i].to_ns + (guint64) g_rand_int_range (rand, -1, 2);

      f = weft_flow_list_get_flow (list, i);
      assert_same_flow (&f, &w[i]);
      while (lb < n && w[lb].to_ns < t)
        lb++;
      g_assert_cmpuint (weft_flow_list_lower_bound (list, t), ==, lb);
    }
}

static void
test_flow_list (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (21);
  g_autoptr(GArray) want = g_array_new (FALSE, FALSE, sizeof (WeftFlow));
  g_autoptr(GArray) tail = g_array_new (FALSE, FALSE, sizeof (WeftFlow));
  WeftFlowList list = { 0 };
  guint64 t = 1000;

  for (guint round = 0; round < 40; round++)
    {
      guint n_new = (guint) g_rand_int_range (rand, 0, round % 5 == 0 ? 3000 : 100);
      guint from, first;

      for (guint i = 0; i < n_new; i++)
        {
          WeftFlow f = random_flow (rand, &t);

          _weft_flow_list_append (&list, &f);
          g_array_append_val (want, f);
        }
      check_list (&list, want, rand);
      if (want->len > 0)
        g_assert_cmpuint (_weft_flow_list_last_time (&list), ==, g_array_index (want, WeftFlow, want->len - 1).to_ns);

      /* rewind to anywhere: what comes out is the list's tail, from the
       * start of a sealed block at most */
      from = (guint) g_rand_int_range (rand, 0, (gint32) want->len + 1);
      first = _weft_flow_list_rewind (&list, from, tail);
      g_assert_cmpuint (first, <=, from);
      g_assert_cmpuint (from - first, <, WEFT_FLOW_BLOCK);
      g_assert_cmpuint (tail->len, ==, want->len - first);
      for (guint i = 0; i < tail->len; i++)
        assert_same_flow (&g_array_index (tail, WeftFlow, i), &g_array_index (want, WeftFlow, first + i));
      g_assert_cmpuint (weft_flow_list_get_n_flows (&list), ==, first);
      /* ... and goes back in, one less now and then */
      g_array_set_size (want, first);
      for (guint i = 0; i < tail->len; i++)
        if (i != 3)
          {
            _weft_flow_list_append (&list, &g_array_index (tail, WeftFlow, i));
            g_array_append_val (want, g_array_index (tail, WeftFlow, i));
          }
      check_list (&list, want, rand);
    }
  _weft_flow_list_clear (&list);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/flow-list/lookups-and-rewinds", test_flow_list);
  return g_test_run ();
}
