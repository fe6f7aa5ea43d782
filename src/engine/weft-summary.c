/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "weft-arena.h"
#include "weft-summary.h"

#define NS_TO_S(ns) ((double) (ns) / 1e9)

/* The states that are work a serial run would also have to do. */
static guint64
work_ns (const WeftLaneStats *stats)
{
  return stats->state_ns[WEFT_STATE_RUNNING] + stats->state_ns[WEFT_STATE_LOCK_HELD] +
         stats->state_ns[WEFT_STATE_GIL_HELD] + stats->state_ns[WEFT_STATE_IO];
}

static void
add_lock (JsonBuilder   *b,
          const char    *name,
          WeftLockStats *ls)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "acquisitions");
  json_builder_add_int_value (b, (gint64) ls->acquisitions);
  json_builder_set_member_name (b, "contended");
  json_builder_add_int_value (b, (gint64) ls->contended);
  json_builder_set_member_name (b, "wait_s");
  json_builder_add_double_value (b, NS_TO_S (ls->total_wait_ns));
  json_builder_set_member_name (b, "max_wait_s");
  json_builder_add_double_value (b, NS_TO_S (ls->max_wait_ns));
  json_builder_set_member_name (b, "hold_s");
  json_builder_add_double_value (b, NS_TO_S (ls->total_hold_ns));
  json_builder_end_object (b);
}

/**
 * weft_summary_build:
 * @profile: (nullable): the profile that ran, if known
 * @result: (nullable): the run's result, for a run (not for a trace read back)
 *
 * Returns: (transfer full): the summary document
 */
JsonNode *
weft_summary_build (WeftTraceModel      *model,
                    const WeftProfile   *profile,
                    const WeftRunResult *result)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  WeftRunStats rs;
  guint64 serial_ns = 0, busy_ns = 0, wall_ns;
  guint n_lanes = weft_trace_model_get_n_lanes (model), n_objects;
  g_autofree guint32 *locks = NULL, *gils = NULL, *queues = NULL;
  double speedup;

  weft_trace_model_get_run_stats (model, &rs);
  /* The timeline's own span, so that a run and its trace read back agree;
   * a run recorded without events has only its clock. */
  wall_ns = rs.wall_ns > 0 || result == NULL ? rs.wall_ns : result->wall_ns;

  /* What one worker would take doing everything in turn: the work the tasks
   * reported (CPU time and I/O waits), or for traces of other programs the
   * lanes' busy time. */
  for (guint i = 0; i < n_lanes; i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      WeftLaneStats ls;

      if (weft_trace_model_get_lane_stats (model, weft_lane_get_worker (lane), &ls))
        {
          serial_ns += ls.task_work_ns;
          busy_ns += work_ns (&ls);
        }
    }
  if (serial_ns == 0)
    serial_ns = busy_ns;
  speedup = wall_ns > 0 ? (double) serial_ns / (double) wall_ns : 0;

  json_builder_begin_object (b);

  if (profile != NULL)
    {
      json_builder_set_member_name (b, "profile");
      json_builder_add_string_value (b, profile->name);
    }
  if (result != NULL)
    {
      json_builder_set_member_name (b, "executor");
      json_builder_add_string_value (b, result->n_stages > 0 ? "pipeline"
                                                              : weft_executor_to_nick (result->executor));
      if (result->n_stages > 0)
        {
          json_builder_set_member_name (b, "stages");
          json_builder_begin_array (b);
          for (guint i = 0; profile != NULL && i < profile->stages->len; i++)
            {
              const WeftStage *stage = g_ptr_array_index (profile->stages, i);

              json_builder_begin_object (b);
              json_builder_set_member_name (b, "name");
              json_builder_add_string_value (b, stage->name);
              json_builder_set_member_name (b, "executor");
              json_builder_add_string_value (b, weft_executor_to_nick (stage->executor));
              json_builder_set_member_name (b, "workers");
              json_builder_add_int_value (b, stage->workers);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
      json_builder_set_member_name (b, "gil");
      json_builder_add_boolean_value (b, result->gil);
      json_builder_set_member_name (b, "n_workers");
      json_builder_add_int_value (b, result->workers);
    }

  json_builder_set_member_name (b, "wall_s");
  json_builder_add_double_value (b, NS_TO_S (wall_ns));
  /* The work of every task done one after another: what one worker would take. */
  json_builder_set_member_name (b, "serial_s");
  json_builder_add_double_value (b, NS_TO_S (serial_ns));
  json_builder_set_member_name (b, "speedup");
  json_builder_add_double_value (b, speedup);
  json_builder_set_member_name (b, "efficiency");
  json_builder_add_double_value (b, n_lanes ? speedup / n_lanes : 0);

  json_builder_set_member_name (b, "workers");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_lanes; i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      WeftLaneStats ls;

      if (!weft_trace_model_get_lane_stats (model, weft_lane_get_worker (lane), &ls))
        continue;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, weft_lane_get_name (lane));
      json_builder_set_member_name (b, "executor");
      json_builder_add_string_value (b, weft_executor_to_nick (weft_lane_get_executor (lane)));
      json_builder_set_member_name (b, "busy_s");
      json_builder_add_double_value (b, NS_TO_S (work_ns (&ls)));
      json_builder_set_member_name (b, "wait_s");
      json_builder_begin_object (b);
      for (guint s = 0; s < WEFT_N_STATES; s++)
        {
          if (s == WEFT_STATE_RUNNING || s == WEFT_STATE_LOCK_HELD || s == WEFT_STATE_GIL_HELD)
            continue;
          json_builder_set_member_name (b, weft_state_to_nick (s));
          json_builder_add_double_value (b, NS_TO_S (ls.state_ns[s]));
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "tasks");
      json_builder_add_int_value (b, (gint64) weft_lane_stats_get_tasks (&ls));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "locks");
  json_builder_begin_array (b);
  gils = weft_trace_model_list_objects (model, WEFT_OBJECT_GIL, &n_objects);
  for (guint i = 0; i < n_objects; i++)
    {
      WeftLockStats ls;

      if (weft_trace_model_get_lock_stats (model, gils[i], &ls))
        add_lock (b, weft_trace_model_get_object_name (model, gils[i]), &ls);
    }
  locks = weft_trace_model_list_objects (model, WEFT_OBJECT_LOCK, &n_objects);
  for (guint i = 0; i < n_objects; i++)
    {
      WeftLockStats ls;

      if (weft_trace_model_get_lock_stats (model, locks[i], &ls))
        add_lock (b, weft_trace_model_get_object_name (model, locks[i]), &ls);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "queues");
  json_builder_begin_array (b);
  queues = weft_trace_model_list_objects (model, WEFT_OBJECT_QUEUE, &n_objects);
  for (guint i = 0; i < n_objects; i++)
    {
      WeftQueueStats qs;

      if (!weft_trace_model_get_queue_stats (model, queues[i], &qs))
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, weft_trace_model_get_object_name (model, queues[i]));
      json_builder_set_member_name (b, "puts");
      json_builder_add_int_value (b, (gint64) qs.puts);
      json_builder_set_member_name (b, "gets");
      json_builder_add_int_value (b, (gint64) qs.gets);
      json_builder_set_member_name (b, "max_depth");
      json_builder_add_int_value (b, qs.max_depth);
      json_builder_set_member_name (b, "blocked_s");
      json_builder_add_double_value (b, NS_TO_S (qs.blocked_ns));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "counters");
  json_builder_begin_array (b);
  for (guint i = 0; result != NULL && i < result->counters->len; i++)
    {
      const WeftCounterResult *cr = &g_array_index (result->counters, WeftCounterResult, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, cr->name);
      json_builder_set_member_name (b, "expected");
      json_builder_add_int_value (b, cr->expected);
      json_builder_set_member_name (b, "actual");
      json_builder_add_int_value (b, cr->actual);
      json_builder_set_member_name (b, "lost");
      json_builder_add_int_value (b, cr->lost);
      json_builder_set_member_name (b, "backend");
      json_builder_add_string_value (b, cr->backend == WEFT_BACKEND_MANAGER ? "manager" : "memory");
      json_builder_set_member_name (b, "ns_per_op");
      json_builder_add_double_value (b, cr->ns_per_op);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  if (result != NULL)
    {
      json_builder_set_member_name (b, "tasks");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_int_value (b, result->tasks_ok);
      json_builder_set_member_name (b, "failed");
      json_builder_add_int_value (b, result->tasks_failed);
      json_builder_set_member_name (b, "cancelled");
      json_builder_add_int_value (b, result->tasks_cancelled);
      json_builder_set_member_name (b, "not_started");
      json_builder_add_int_value (b, result->tasks_not_started);
      json_builder_end_object (b);

      if (result->deadlock->len > 0)
        {
          json_builder_set_member_name (b, "deadlock");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "cycle");
          json_builder_begin_array (b);
          for (guint i = 0; i < result->deadlock->len; i++)
            {
              const WeftWaitLink *link = &g_array_index (result->deadlock, WeftWaitLink, i);
              const WeftProfileObject *po = profile ? g_ptr_array_index (profile->objects, link->object) : NULL;

              json_builder_begin_object (b);
              json_builder_set_member_name (b, "worker");
              json_builder_add_int_value (b, link->worker);
              json_builder_set_member_name (b, "waits_for");
              json_builder_add_string_value (b, po ? po->name : "?");
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_set_member_name (b, "text");
          json_builder_add_string_value (b, result->deadlock_text);
          json_builder_end_object (b);
        }

      if (result->loop_max_lag_ns > 0 || result->executor == WEFT_EXECUTOR_MAINLOOP)
        {
          json_builder_set_member_name (b, "loop");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "max_lag_ms");
          json_builder_add_double_value (b, result->loop_max_lag_ns / 1e6);
          json_builder_end_object (b);
        }

      json_builder_set_member_name (b, "cancelled");
      json_builder_add_boolean_value (b, result->cancelled);
      json_builder_set_member_name (b, "interrupted");
      json_builder_add_boolean_value (b, result->interrupted);
    }

  json_builder_set_member_name (b, "errors");
  json_builder_begin_array (b);
  for (guint i = 0; result != NULL && i < result->errors->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (result->errors, i));
  json_builder_end_array (b);

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Reads a number member of the summary's top object, 0 if absent. */
double
weft_summary_get_double (JsonNode   *summary,
                         const char *member)
{
  JsonObject *o = json_node_get_object (summary);
  JsonNode *n = json_object_get_member (o, member);

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_double (n) : 0;
}

static JsonArray *
get_array (JsonObject *o,
           const char *member)
{
  JsonNode *n = json_object_get_member (o, member);

  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

/**
 * weft_summary_to_text:
 *
 * Returns: (transfer full): the summary as a few aligned tables for a terminal
 */
char *
weft_summary_to_text (JsonNode *summary)
{
  GString *s = g_string_new (NULL);
  JsonObject *o = json_node_get_object (summary);
  JsonArray *a;
  JsonNode *n;

  if ((n = json_object_get_member (o, "profile")) != NULL)
    g_string_append_printf (s, "profile   %s\n", json_node_get_string (n));
  if ((n = json_object_get_member (o, "executor")) != NULL)
    {
      g_string_append_printf (s, "executor  %s", json_node_get_string (n));
      if (json_object_has_member (o, "n_workers"))
        g_string_append_printf (s, ", %" G_GINT64_FORMAT " worker%s",
                                json_object_get_int_member (o, "n_workers"),
                                json_object_get_int_member (o, "n_workers") == 1 ? "" : "s");
      if (json_object_has_member (o, "gil"))
        g_string_append_printf (s, ", GIL %s", json_object_get_boolean_member (o, "gil") ? "on" : "off");
      g_string_append_c (s, '\n');
    }
  g_string_append_printf (s, "wall      %.3f s\nserial    %.3f s (the work of every task, one after another)\n"
                          "speedup   %.2f×, efficiency %.0f %%\n",
                          weft_summary_get_double (summary, "wall_s"),
                          weft_summary_get_double (summary, "serial_s"),
                          weft_summary_get_double (summary, "speedup"),
                          100 * weft_summary_get_double (summary, "efficiency"));

  if ((a = get_array (o, "workers")) != NULL && json_array_get_length (a) > 0)
    {
      g_string_append_printf (s, "\n%-20s %8s %8s %8s %8s %8s %8s %6s\n", "worker", "busy s",
                              "lock", "gil", "queue", "io", "idle", "tasks");
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonObject *w = json_array_get_object_element (a, i);
          JsonObject *wait = json_object_get_object_member (w, "wait_s");

          g_string_append_printf (s, "%-20s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %6" G_GINT64_FORMAT "\n",
                                  json_object_get_string_member (w, "name"),
                                  json_object_get_double_member (w, "busy_s"),
                                  json_object_get_double_member (wait, "lock-wait"),
                                  json_object_get_double_member (wait, "gil-wait"),
                                  json_object_get_double_member (wait, "queue-put") +
                                  json_object_get_double_member (wait, "queue-get"),
                                  json_object_get_double_member (wait, "io"),
                                  json_object_get_double_member (wait, "idle"),
                                  json_object_get_int_member (w, "tasks"));
        }
    }

  if ((a = get_array (o, "locks")) != NULL && json_array_get_length (a) > 0)
    {
      g_string_append_printf (s, "\n%-20s %10s %10s %10s %10s %10s\n", "lock", "acquired",
                              "contended", "wait s", "max wait s", "hold s");
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonObject *l = json_array_get_object_element (a, i);

          g_string_append_printf (s, "%-20s %10" G_GINT64_FORMAT " %10" G_GINT64_FORMAT
                                  " %10.3f %10.4f %10.3f\n",
                                  json_object_get_string_member (l, "name"),
                                  json_object_get_int_member (l, "acquisitions"),
                                  json_object_get_int_member (l, "contended"),
                                  json_object_get_double_member (l, "wait_s"),
                                  json_object_get_double_member (l, "max_wait_s"),
                                  json_object_get_double_member (l, "hold_s"));
        }
    }

  if ((a = get_array (o, "queues")) != NULL && json_array_get_length (a) > 0)
    {
      g_string_append_printf (s, "\n%-20s %10s %10s %10s %10s\n", "queue", "puts", "gets",
                              "max depth", "blocked s");
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonObject *q = json_array_get_object_element (a, i);

          g_string_append_printf (s, "%-20s %10" G_GINT64_FORMAT " %10" G_GINT64_FORMAT
                                  " %10" G_GINT64_FORMAT " %10.3f\n",
                                  json_object_get_string_member (q, "name"),
                                  json_object_get_int_member (q, "puts"),
                                  json_object_get_int_member (q, "gets"),
                                  json_object_get_int_member (q, "max_depth"),
                                  json_object_get_double_member (q, "blocked_s"));
        }
    }

  if ((a = get_array (o, "counters")) != NULL && json_array_get_length (a) > 0)
    {
      g_string_append_printf (s, "\n%-20s %12s %12s %12s %10s %8s\n", "counter", "expected", "actual",
                              "lost", "ns/op", "via");
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonObject *c = json_array_get_object_element (a, i);

          g_string_append_printf (s, "%-20s %12" G_GINT64_FORMAT " %12" G_GINT64_FORMAT
                                  " %12" G_GINT64_FORMAT " %10.0f %8s\n",
                                  json_object_get_string_member (c, "name"),
                                  json_object_get_int_member (c, "expected"),
                                  json_object_get_int_member (c, "actual"),
                                  json_object_get_int_member (c, "lost"),
                                  json_object_get_double_member (c, "ns_per_op"),
                                  json_object_get_string_member (c, "backend"));
        }
    }

  if ((n = json_object_get_member (o, "loop")) != NULL)
    g_string_append_printf (s, "\nmain loop: wake-ups came up to %.1f ms late\n",
                            json_object_get_double_member (json_node_get_object (n), "max_lag_ms"));

  if ((n = json_object_get_member (o, "deadlock")) != NULL)
    g_string_append_printf (s, "\ndeadlock: %s\n",
                            json_object_get_string_member (json_node_get_object (n), "text"));

  if ((a = get_array (o, "errors")) != NULL)
    for (guint i = 0; i < json_array_get_length (a); i++)
      g_string_append_printf (s, "%serror: %s\n", i == 0 ? "\n" : "",
                              json_array_get_string_element (a, i));

  return g_string_free (s, FALSE);
}
