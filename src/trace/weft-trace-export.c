/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "weft-json-stream.h"
#include "weft-output-file.h"
#include "weft-trace-export.h"
#include "weft-trace-model-private.h"

/*
 * Writes a WeftTraceModel as Chrome Trace Event JSON (object form), as a
 * stream: nothing but per-object name strings is held besides the model.
 * See docs/trace-format.md for the mapping. Timestamps are µs with exactly
 * three decimals, relative to "weft.origin_ns", so ns survive the trip. The
 * events are for other tools: Weft itself reads back the model's journal
 * ("weft.journal"), which rebuilds the model exactly.
 *
 * The file is opened, committed and aborted by WeftOutputFile: a regular
 * file is written to a temporary file in the same directory, synced and
 * renamed over @path, so a failed or cancelled export leaves no partial file
 * and an earlier file untouched; a device or FIFO is written through.
 */

#define CANCEL_CHECK_EVERY 8192
/* Journal bytes per string in "weft.journal" (64 KiB of base64). */
#define JOURNAL_CHUNK      49152

static const char *executor_nicks[] = {
  [WEFT_EXECUTOR_NONE] = "none",
  [WEFT_EXECUTOR_THREADS] = "threads",
  [WEFT_EXECUTOR_PROCESSES] = "processes",
  [WEFT_EXECUTOR_MAINLOOP] = "mainloop",
  [WEFT_EXECUTOR_EXTERNAL] = "external",
};

static const char *object_nicks[] = {
  [0] = "unknown",
  [WEFT_OBJECT_LOCK] = "lock",
  [WEFT_OBJECT_GIL] = "gil",
  [WEFT_OBJECT_QUEUE] = "queue",
  [WEFT_OBJECT_COUNTER] = "counter",
  [WEFT_OBJECT_TASK] = "task",
  [WEFT_OBJECT_OTHER] = "other",
};

/* Slice names for states other than RUNNING (which shows the task's name). */
static const char *state_titles[WEFT_N_STATES] = {
  [WEFT_STATE_IDLE] = "idle",
  [WEFT_STATE_RUNNING] = "task",
  [WEFT_STATE_LOCK_WAIT] = "lock wait",
  [WEFT_STATE_LOCK_HELD] = "lock held",
  [WEFT_STATE_GIL_WAIT] = "GIL wait",
  [WEFT_STATE_GIL_HELD] = "GIL held",
  [WEFT_STATE_QUEUE_PUT] = "queue put",
  [WEFT_STATE_QUEUE_GET] = "queue get",
  [WEFT_STATE_IO] = "I/O",
  [WEFT_STATE_STARTING] = "starting",
  [WEFT_STATE_CORE_WAIT] = "core wait",
  [WEFT_STATE_INTERPRETER_START] = "starting the interpreter",
  [WEFT_STATE_DISPATCH] = "dispatch",
  [WEFT_STATE_PICKLING] = "pickling",
  [WEFT_STATE_QUEUE_TURN] = "queue turn",
};

const char *
weft_executor_kind_to_nick (WeftExecutorKind kind)
{
  return (guint) kind < G_N_ELEMENTS (executor_nicks) ? executor_nicks[kind] : "none";
}

gboolean
weft_executor_kind_from_nick (const char       *nick,
                              WeftExecutorKind *out_kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (executor_nicks); i++)
    if (g_strcmp0 (nick, executor_nicks[i]) == 0)
      {
        *out_kind = (WeftExecutorKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
weft_object_kind_to_nick (WeftObjectKind kind)
{
  return (guint) kind < G_N_ELEMENTS (object_nicks) ? object_nicks[kind] : "unknown";
}

gboolean
weft_object_kind_from_nick (const char     *nick,
                            WeftObjectKind *out_kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (object_nicks); i++)
    if (g_strcmp0 (nick, object_nicks[i]) == 0)
      {
        *out_kind = (WeftObjectKind) i;
        return TRUE;
      }
  return FALSE;
}

typedef struct
{
  WeftTraceModel *model;
  WeftJsonWriter *w;
  GCancellable   *cancellable;
  guint64         origin;
  GHashTable     *slice_names;   /* (state << 32 | object) → escaped JSON string */
  GHashTable     *pids;          /* worker → pid used in the file */
  guint           since_check;
  gboolean        cancelled;
  gboolean        first_event;
  gboolean        has_args;      /* some slice or instant has another program's args */
  WeftLane       *pid_tid_lane;  /* whose "pid":…,"tid":… is in pid_tid */
  char            pid_tid[64];
  gsize           pid_tid_len;
  /* per state: ","cat":"weft.NICK","args":{"state":"NICK","object": */
  char           *span_mid[WEFT_N_STATES];
  gsize           span_mid_len[WEFT_N_STATES];
  /* the last slice names looked up, by (state, object); an unnamed task's
   * "task N" is written into its slot's own buffer */
  guint64         name_key[256];
  const char     *name_text[256];
  gsize           name_len[256];
  char            task_name[256][24];
  /* per state: its title, escaped (an unnamed object's slice name) */
  char           *state_name[WEFT_N_STATES];
} Export;

static gint64
lane_file_pid (WeftLane *lane)
{
  gint64 pid = weft_lane_get_pid (lane);

  return pid > 0 ? pid : 1;
}

/* A slice's name, as a JSON string. Only named objects' names are kept
 * (in a table, for the file's whole length); an unnamed task's "task N" is
 * written into @buf, a state's title is made once per export, so that the
 * table does not grow with the trace's tasks. */
static const char *
slice_name (Export    *ex,
            WeftState  state,
            guint32    object,
            char      *buf,
            gsize      size)
{
  guint64 key = (guint64) state << 32 | object;
  const char *name = g_hash_table_lookup (ex->slice_names, &key);
  const char *obj_name;
  g_autofree char *text = NULL;
  guint64 *k;
  char *escaped;

  if (name != NULL)
    return name;
  obj_name = weft_trace_model_get_object_name (ex->model, object);
  if (obj_name == NULL && state == WEFT_STATE_RUNNING)
    {
      g_snprintf (buf, size, "\"task %u\"", object);
      return buf;
    }
  if (obj_name == NULL)
    return state < WEFT_N_STATES ? ex->state_name[state] : "\"unknown\"";

  text = state == WEFT_STATE_RUNNING ? g_strdup (obj_name)
       : g_strdup_printf ("%s: %s", state < WEFT_N_STATES ? state_titles[state] : "unknown", obj_name);
  escaped = weft_json_escape (text);
  k = g_new (guint64, 1);
  *k = key;
  g_hash_table_insert (ex->slice_names, k, escaped);
  return escaped;
}

static inline void
begin_event (Export *ex)
{
  if (!ex->first_event)
    weft_json_writer_raw (ex->w, ",\n", 2);
  ex->first_event = FALSE;
}

static inline gboolean
tick (Export *ex)
{
  if (G_UNLIKELY (++ex->since_check >= CANCEL_CHECK_EVERY))
    {
      ex->since_check = 0;
      if (g_cancellable_is_cancelled (ex->cancellable) || weft_json_writer_failed (ex->w))
        {
          ex->cancelled = TRUE;
          return FALSE;
        }
    }
  return TRUE;
}

#define LIT(w, s) weft_json_writer_raw ((w), s, sizeof (s) - 1)

static void
write_ts (Export  *ex,
          guint64  t)
{
  weft_json_writer_milli (ex->w, (gint64) (t - ex->origin));
}

static void
write_pid_tid (Export   *ex,
               WeftLane *lane)
{
  if (G_UNLIKELY (ex->pid_tid_lane != lane))
    {
      ex->pid_tid_len = (gsize) g_snprintf (ex->pid_tid, sizeof ex->pid_tid,
                                            "\"pid\":%" G_GINT64_FORMAT ",\"tid\":%u",
                                            lane_file_pid (lane), weft_lane_get_worker (lane));
      ex->pid_tid_lane = lane;
    }
  weft_json_writer_raw (ex->w, ex->pid_tid, ex->pid_tid_len);
}

static void
write_meta_string (WeftJsonWriter *w,
                   const char     *key,
                   const char     *value,
                   gboolean       *first)
{
  if (value == NULL)
    return;
  if (!*first)
    LIT (w, ",");
  *first = FALSE;
  weft_json_writer_string (w, key);
  LIT (w, ":");
  weft_json_writer_string (w, value);
}

/* Bytes @off.. of the model's journal followed by @more, into @buf */
static gboolean
read_journal (Export      *ex,
              guint64      own_len,
              GByteArray  *more,
              guint64      off,
              guint8      *buf,
              gsize        n,
              GError     **error)
{
  gsize own = (gsize) MIN ((guint64) n, own_len - MIN (off, own_len));

  if (own > 0 && !_weft_trace_model_read_journal (ex->model, off, buf, own, error))
    return FALSE;
  if (n > own)
    memcpy (buf + own, more->data + (off + own - own_len), n - own);
  return TRUE;
}

/* The model's journal (every change, in order), base64 in strings of at
 * most JOURNAL_CHUNK bytes of journal each: import replays it. The journal
 * is read a chunk at a time (most of it is on disk). */
static gboolean
write_journal (Export  *ex,
               GError **error)
{
  WeftJsonWriter *w = ex->w;
  guint64 own_len, len;
  /* a foreign trace's args, which its model keeps outside its journal */
  g_autoptr(GByteArray) more = _weft_trace_model_encode_adopted_args (ex->model);
  g_autofree char *text = g_malloc (JOURNAL_CHUNK / 3 * 4 + 4);
  g_autofree guint8 *chunk = g_malloc (JOURNAL_CHUNK);

  _weft_trace_model_get_journal_length (ex->model, &own_len);
  len = own_len + (more != NULL ? more->len : 0);
  LIT (w, ",\"journal_bytes\":");
  weft_json_writer_uint (w, len);
  LIT (w, ",\n\"journal\":[");
  for (guint64 off = 0; off < len; off += JOURNAL_CHUNK)
    {
      gsize n = (gsize) MIN ((guint64) JOURNAL_CHUNK, len - off);
      int state = 0, save = 0;
      gsize out;

      if (!read_journal (ex, own_len, more, off, chunk, n, error))
        return FALSE;
      out = g_base64_encode_step (chunk, n, FALSE, text, &state, &save);
      out += g_base64_encode_close (FALSE, text + out, &state, &save);
      if (off > 0)
        LIT (w, ",\n");
      LIT (w, "\"");
      weft_json_writer_raw (w, text, out);
      LIT (w, "\"");
    }
  LIT (w, "]");
  return TRUE;
}

static gboolean
write_header (Export              *ex,
              const WeftTraceMeta *meta,
              GError             **error)
{
  WeftJsonWriter *w = ex->w;
  gboolean first = TRUE;

  LIT (w, "{\"displayTimeUnit\":\"ns\",\n\"otherData\":{");
  write_meta_string (w, "source", "weft " PACKAGE_VERSION, &first);
  if (meta != NULL)
    {
      write_meta_string (w, "profile", meta->profile, &first);
      write_meta_string (w, "executor", meta->executor, &first);
      if (meta->gil >= 0)
        write_meta_string (w, "gil", meta->gil ? "on" : "off", &first);
      if (meta->work_waits >= 0)
        write_meta_string (w, "work_waits", meta->work_waits ? "yes" : "no", &first);
      write_meta_string (w, "python", meta->python, &first);
      if (meta->workers > 0)
        {
          g_autofree char *n = g_strdup_printf ("%u", meta->workers);

          write_meta_string (w, "workers", n, &first);
        }
      write_meta_string (w, "machine", meta->machine, &first);
      write_meta_string (w, "command_line", meta->command_line, &first);
      write_meta_string (w, "interrupted", meta->interrupted, &first);
    }
  LIT (w, "},\n\"weft\":{\"version\":");
  weft_json_writer_int (w, WEFT_TRACE_FORMAT_VERSION);
  LIT (w, ",\"origin_ns\":");
  weft_json_writer_uint (w, ex->origin);
  LIT (w, ",\"finished\":");
  if (weft_trace_model_get_finished (ex->model))
    LIT (w, "true");
  else
    LIT (w, "false");
  if (!write_journal (ex, error))
    return FALSE;
  LIT (w, "},\n\"traceEvents\":[\n");
  return TRUE;
}

static void
write_lane_metadata (Export *ex)
{
  WeftJsonWriter *w = ex->w;
  g_autoptr(GHashTable) seen_pids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint n_processes = 0;

  for (guint i = 0; i < weft_trace_model_get_n_lanes (ex->model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (ex->model, i);
      gint64 pid = lane_file_pid (lane);

      if (!g_hash_table_contains (seen_pids, &pid))
        {
          g_autofree char *pname = NULL;

          g_hash_table_add (seen_pids, g_memdup2 (&pid, sizeof pid));
          if (weft_lane_get_executor (lane) == WEFT_EXECUTOR_PROCESSES)
            pname = g_strdup_printf ("weft-worker (pid %" G_GINT64_FORMAT ")", pid);
          else
            pname = g_strdup_printf ("weft %s", weft_executor_kind_to_nick (weft_lane_get_executor (lane)));
          begin_event (ex);
          LIT (w, "{\"ph\":\"M\",\"name\":\"process_name\",");
          write_pid_tid (ex, lane);
          LIT (w, ",\"args\":{\"name\":");
          weft_json_writer_string (w, pname);
          LIT (w, "}}");
          begin_event (ex);
          LIT (w, "{\"ph\":\"M\",\"name\":\"process_sort_index\",");
          write_pid_tid (ex, lane);
          LIT (w, ",\"args\":{\"sort_index\":");
          weft_json_writer_uint (w, n_processes++);
          LIT (w, "}}");
        }
      begin_event (ex);
      LIT (w, "{\"ph\":\"M\",\"name\":\"thread_name\",");
      write_pid_tid (ex, lane);
      LIT (w, ",\"args\":{\"name\":");
      weft_json_writer_string (w, weft_lane_get_name (lane));
      LIT (w, "}}");
      begin_event (ex);
      LIT (w, "{\"ph\":\"M\",\"name\":\"thread_sort_index\",");
      write_pid_tid (ex, lane);
      LIT (w, ",\"args\":{\"sort_index\":");
      weft_json_writer_uint (w, weft_lane_get_worker (lane));
      LIT (w, "}}");
    }
}

/* Another program's args of a slice or an instant (a JSON object, or
 * NULL), as more members of the event's "args" after Weft's own. */
static void
write_args_members (Export     *ex,
                    const char *args,
                    gsize       len)
{
  gsize i = 1;

  if (args == NULL)
    return;
  /* "{}", or "{ }" from a caller that set it so */
  while (i + 1 < len && g_ascii_isspace (args[i]))
    i++;
  if (i + 1 >= len)
    return;
  LIT (ex->w, ",");
  weft_json_writer_raw (ex->w, args + 1, len - 2);
}

static void
write_span (Export         *ex,
            WeftLane       *lane,
            const WeftSpan *span,
            gboolean        open)
{
  WeftJsonWriter *w = ex->w;
  guint flags = span->flags & ~WEFT_SPAN_OPEN;

  begin_event (ex);
  if (open)
    LIT (w, "{\"ph\":\"B\",");
  else
    LIT (w, "{\"ph\":\"X\",");
  write_pid_tid (ex, lane);
  LIT (w, ",\"ts\":");
  write_ts (ex, span->start_ns);
  if (!open)
    {
      LIT (w, ",\"dur\":");
      weft_json_writer_milli (w, (gint64) (span->end_ns - span->start_ns));
    }
  LIT (w, ",\"name\":");
  {
    /* a small direct-mapped cache in front of the name table */
    guint64 key = (guint64) span->state << 32 | span->object;
    guint slot = (span->object * 31u + span->state) & 255;

    if (G_UNLIKELY (ex->name_text[slot] == NULL || ex->name_key[slot] != key))
      {
        ex->name_key[slot] = key;
        ex->name_text[slot] = slice_name (ex, span->state, span->object,
                                          ex->task_name[slot], sizeof ex->task_name[slot]);
        ex->name_len[slot] = strlen (ex->name_text[slot]);
      }
    weft_json_writer_raw (w, ex->name_text[slot], ex->name_len[slot]);
  }
  if (G_LIKELY (span->state < WEFT_N_STATES))
    weft_json_writer_raw (w, ex->span_mid[span->state], ex->span_mid_len[span->state]);
  else
    {
      LIT (w, ",\"cat\":\"weft.");
      weft_json_writer_literal (w, weft_state_to_nick (span->state));
      LIT (w, "\",\"args\":{\"state\":\"");
      weft_json_writer_literal (w, weft_state_to_nick (span->state));
      LIT (w, "\",\"object\":");
    }
  weft_json_writer_uint (w, span->object);
  LIT (w, ",\"depth\":");
  weft_json_writer_uint (w, span->depth);
  if (flags != 0)
    {
      LIT (w, ",\"flags\":");
      weft_json_writer_uint (w, flags);
    }
  if (G_UNLIKELY (ex->has_args))
    {
      gsize len;
      const char *args = weft_trace_model_get_span_args (ex->model, weft_lane_get_worker (lane), span->depth,
                                                         span->start_ns, &len);

      write_args_members (ex, args, len);
    }
  LIT (w, "}}");
}

static gboolean
write_lanes (Export *ex)
{
  WeftJsonWriter *w = ex->w;

  for (guint i = 0; i < weft_trace_model_get_n_lanes (ex->model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (ex->model, i);
      const WeftInstant *instants;
      guint n_instants, n_open;

      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        {
          guint n = weft_lane_get_n_spans (lane, d);

          for (guint k = 0; k < n; k++)
            {
              WeftSpan span;

              weft_lane_get_span (lane, d, k, &span);
              write_span (ex, lane, &span, FALSE);
              if (!tick (ex))
                return FALSE;
            }
        }

      n_open = weft_lane_get_n_open_spans (lane);
      if (n_open > 0)
        {
          g_autofree WeftSpan *open = g_new (WeftSpan, n_open);

          n_open = weft_lane_get_open_spans (lane, open, n_open);
          for (guint k = 0; k < n_open; k++)
            write_span (ex, lane, &open[k], TRUE);
        }

      instants = weft_lane_get_instants (lane, &n_instants);
      for (guint k = 0; k < n_instants; k++)
        {
          const WeftInstant *in = &instants[k];
          const char *obj_name = weft_trace_model_get_object_name (ex->model, in->object);

          begin_event (ex);
          LIT (w, "{\"ph\":\"i\",\"s\":\"t\",");
          write_pid_tid (ex, lane);
          LIT (w, ",\"ts\":");
          write_ts (ex, in->time_ns);
          LIT (w, ",\"name\":");
          if (obj_name != NULL)
            weft_json_writer_string (w, obj_name);
          else
            LIT (w, "\"instant\"");
          LIT (w, ",\"cat\":\"weft.instant\",\"args\":{\"object\":");
          weft_json_writer_uint (w, in->object);
          LIT (w, ",\"arg0\":");
          weft_json_writer_int (w, in->arg0);
          LIT (w, ",\"arg1\":");
          weft_json_writer_int (w, in->arg1);
          if (G_UNLIKELY (ex->has_args))
            {
              gsize len;
              const char *args = weft_trace_model_get_instant_args (ex->model, weft_lane_get_worker (lane),
                                                                    in->time_ns, &len);

              write_args_members (ex, args, len);
            }
          LIT (w, "}}");
          if (!tick (ex))
            return FALSE;
        }
    }
  return TRUE;
}

static void
write_counter_points (Export                 *ex,
                      WeftLane               *lane,
                      const char             *escaped_name,
                      const char             *cat,
                      gint64                  id,
                      const WeftCounterTrack *track)
{
  WeftJsonWriter *w = ex->w;
  WeftCounterIter iter;
  WeftCounterPoint pt;

  weft_counter_iter_init (&iter, track, 0);
  while (weft_counter_iter_next (&iter, &pt))
    {
      begin_event (ex);
      LIT (w, "{\"ph\":\"C\",");
      write_pid_tid (ex, lane);
      LIT (w, ",\"ts\":");
      write_ts (ex, pt.time_ns);
      LIT (w, ",\"name\":");
      weft_json_writer_literal (w, escaped_name);
      LIT (w, ",\"cat\":\"");
      weft_json_writer_literal (w, cat);
      if (id >= 0)
        {
          LIT (w, "\",\"id\":");
          weft_json_writer_int (w, id);
          LIT (w, ",\"args\":{\"value\":");
        }
      else
        LIT (w, "\",\"args\":{\"value\":");
      weft_json_writer_int (w, pt.value);
      LIT (w, "}}");
    }
}

static gboolean
write_counters (Export *ex)
{
  WeftLane *lane = weft_trace_model_get_lane (ex->model, 0);
  g_autofree guint32 *ids = NULL;
  const WeftCounterTrack *track;
  guint n_ids;

  if (lane == NULL)
    return TRUE;

  ids = weft_trace_model_list_objects (ex->model, 0, &n_ids);
  for (guint i = 0; i < n_ids; i++)
    {
      const char *obj_name;
      g_autofree char *text = NULL;
      g_autofree char *escaped = NULL;
      WeftObjectKind kind;

      track = weft_trace_model_get_counter (ex->model, ids[i]);
      if (weft_counter_track_get_n_points (track) == 0)
        continue;
      obj_name = weft_trace_model_get_object_name (ex->model, ids[i]);
      kind = weft_trace_model_get_object_kind (ex->model, ids[i]);
      if (kind == WEFT_OBJECT_QUEUE)
        text = obj_name ? g_strdup_printf ("%s depth", obj_name) : g_strdup_printf ("queue %u depth", ids[i]);
      else
        text = obj_name ? g_strdup (obj_name) : g_strdup_printf ("counter %u", ids[i]);
      escaped = weft_json_escape (text);
      write_counter_points (ex, lane, escaped, "weft.counter", ids[i], track);
      if (!tick (ex))
        return FALSE;
    }

  write_counter_points (ex, lane, "\"parallelism\"", "weft.derived", -1,
                        weft_trace_model_get_parallelism (ex->model));
  return tick (ex);
}

static gboolean
write_flows (Export *ex)
{
  WeftJsonWriter *w = ex->w;
  WeftFlowIter iter;
  WeftFlow flow;

  weft_flow_iter_init (&iter, weft_trace_model_get_flows (ex->model), 0);
  while (weft_flow_iter_next (&iter, &flow))
    {
      const WeftFlow *f = &flow;
      guint i = iter.next - 1;
      WeftLane *from = weft_trace_model_lookup_lane (ex->model, f->from_worker);
      WeftLane *to = weft_trace_model_lookup_lane (ex->model, f->to_worker);
      gboolean queue = f->kind == WEFT_FLOW_QUEUE;

      if (from == NULL || to == NULL)
        continue;
      for (int side = 0; side < 2; side++)
        {
          begin_event (ex);
          if (side == 0)
            LIT (w, "{\"ph\":\"s\",\"id\":");
          else
            LIT (w, "{\"ph\":\"f\",\"bp\":\"e\",\"id\":");
          weft_json_writer_uint (w, i + 1);
          LIT (w, ",");
          write_pid_tid (ex, side == 0 ? from : to);
          LIT (w, ",\"ts\":");
          write_ts (ex, side == 0 ? f->from_ns : f->to_ns);
          if (queue)
            LIT (w, ",\"name\":\"queue item\",\"cat\":\"weft.queue\",\"args\":{\"object\":");
          else
            LIT (w, ",\"name\":\"wake-up\",\"cat\":\"weft.lock\",\"args\":{\"object\":");
          weft_json_writer_uint (w, f->object);
          LIT (w, ",\"item\":");
          weft_json_writer_int (w, f->item);
          LIT (w, "}}");
        }
      if (!tick (ex))
        return FALSE;
    }
  return TRUE;
}

/* The earliest time written, so that every ts is >= 0. */
static guint64
find_origin (WeftTraceModel *model)
{
  WeftRunStats run;
  g_autofree guint32 *ids = NULL;
  guint n_ids;
  guint64 origin;

  weft_trace_model_get_run_stats (model, &run);
  origin = run.first_ns != 0 || run.last_ns != 0 ? run.first_ns : G_MAXUINT64;
  ids = weft_trace_model_list_objects (model, 0, &n_ids);
  for (guint i = 0; i < n_ids; i++)
    {
      const WeftCounterTrack *track = weft_trace_model_get_counter (model, ids[i]);

      if (weft_counter_track_get_n_points (track) > 0)
        origin = MIN (origin, weft_counter_track_get_point (track, 0).time_ns);
    }
  for (guint i = 0; i < weft_trace_model_get_n_lanes (model); i++)
    {
      WeftLane *lane = weft_trace_model_get_lane (model, i);
      guint n_open = weft_lane_get_n_open_spans (lane);
      guint n_instants;
      const WeftInstant *instants = weft_lane_get_instants (lane, &n_instants);

      if (n_instants > 0)
        origin = MIN (origin, instants[0].time_ns);
      if (n_open > 0)
        {
          g_autofree WeftSpan *open = g_new (WeftSpan, n_open);

          n_open = weft_lane_get_open_spans (lane, open, n_open);
          for (guint k = 0; k < n_open; k++)
            origin = MIN (origin, open[k].start_ns);
        }
      for (guint d = 0; d < weft_lane_get_n_depths (lane); d++)
        {
          WeftSpan span;

          if (weft_lane_get_n_spans (lane, d) > 0 && weft_lane_get_span (lane, d, 0, &span))
            origin = MIN (origin, span.start_ns);
        }
    }
  return origin == G_MAXUINT64 ? 0 : origin;
}

static gboolean
export_to_fd (WeftTraceModel      *model,
              const WeftTraceMeta *meta,
              int                  fd,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autoptr(WeftJsonWriter) w = weft_json_writer_new (fd);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  guint64 journal_len;
  gboolean header_ok, ok;
  Export ex = {
    .model = model,
    .w = w,
    .cancellable = cancellable,
    .slice_names = names,
    .first_event = TRUE,
  };

  if (!_weft_trace_model_get_journal_length (model, &journal_len))
    {
      g_set_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_LIMIT,
                   "the run is too long to export exactly: its journal outgrew its limit (about 4 GiB)");
      return FALSE;
    }
  for (guint i = 0; i < WEFT_N_STATES; i++)
    {
      const char *nick = weft_state_to_nick ((WeftState) i);

      ex.span_mid[i] = g_strdup_printf (",\"cat\":\"weft.%s\",\"args\":{\"state\":\"%s\",\"object\":", nick, nick);
      ex.span_mid_len[i] = strlen (ex.span_mid[i]);
      ex.state_name[i] = weft_json_escape (state_titles[i] != NULL ? state_titles[i] : "unknown");
    }
  ex.origin = find_origin (model);
  ex.has_args = weft_trace_model_get_n_args (model) > 0;
  header_ok = write_header (&ex, meta, error);
  if (header_ok)
    write_lane_metadata (&ex);
  ok = header_ok && write_lanes (&ex) && write_counters (&ex) && write_flows (&ex);
  for (guint i = 0; i < WEFT_N_STATES; i++)
    {
      g_free (ex.span_mid[i]);
      g_free (ex.state_name[i]);
    }
  if (!header_ok)
    return FALSE;
  if (!ok && g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  LIT (w, "\n]}\n");
  return weft_json_writer_flush (w, error);
}

/**
 * weft_trace_export_to_file:
 * @model: a model (finished or live: open spans are written as "B" events)
 * @meta: (nullable): what to say about the run
 * @path: the file to write (a regular file is replaced atomically, a
 *   symlink's target too; a device or FIFO is written through: see
 *   weft-output-file.h)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Writes @model as a Chrome Trace Event JSON file that Perfetto,
 * chrome://tracing and DevTools open, and that weft_trace_import_file() turns
 * back into the same model. Must run on the thread that owns @model.
 *
 * Returns: %TRUE on success; on failure @error is set (%WEFT_TRACE_ERROR_IO,
 *   or %G_IO_ERROR_CANCELLED) and no file was created or changed (a device
 *   or FIFO keeps what was written to it)
 */
gboolean
weft_trace_export_to_file (WeftTraceModel       *model,
                           const WeftTraceMeta  *meta,
                           const char           *path,
                           GCancellable         *cancellable,
                           GError              **error)
{
  g_autoptr(WeftOutputFile) file = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (WEFT_IS_TRACE_MODEL (model), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  file = weft_output_file_open (path, &local);
  if (file != NULL &&
      export_to_fd (model, meta, weft_output_file_get_fd (file), cancellable, &local) &&
      weft_output_file_commit (file, cancellable, &local))
    return TRUE;

  if (file != NULL)
    weft_output_file_abort (file);
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local));
  else if (local->domain == G_IO_ERROR)
    g_set_error_literal (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO, local->message);
  else
    g_set_error (error, WEFT_TRACE_ERROR, WEFT_TRACE_ERROR_IO, "%s: %s", path, local->message);
  return FALSE;
}

/* ---- Export on a worker thread -------------------------------------------- */

typedef struct
{
  WeftTraceModel *model;
  WeftTraceMeta  *meta;
  char           *path;
} ExportTaskData;

static void
export_task_data_free (ExportTaskData *data)
{
  g_clear_object (&data->model);
  g_clear_pointer (&data->meta, weft_trace_meta_free);
  g_free (data->path);
  g_free (data);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportTaskData *data = task_data;
  GError *error = NULL;

  if (weft_trace_export_to_file (data->model, data->meta, data->path, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * weft_trace_export_to_file_async:
 * @model: (transfer none): the trace; it must not change until the export
 *   has finished (a run's model only once the run has ended)
 * @meta: (nullable): copied
 * @path: copied
 *
 * weft_trace_export_to_file() on a worker thread; @callback runs on the
 * calling thread's default main context.
 */
void
weft_trace_export_to_file_async (WeftTraceModel      *model,
                                 const WeftTraceMeta *meta,
                                 const char          *path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportTaskData *data;

  g_return_if_fail (WEFT_IS_TRACE_MODEL (model));
  g_return_if_fail (path != NULL);

  /* The thread only reads: what a first read would merge is merged here. */
  _weft_trace_model_settle (model);
  data = g_new0 (ExportTaskData, 1);
  data->model = g_object_ref (model);
  data->meta = meta != NULL ? weft_trace_meta_copy (meta) : NULL;
  data->path = g_strdup (path);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, weft_trace_export_to_file_async);
  g_task_set_name (task, "[weft] export trace");
  g_task_set_task_data (task, data, (GDestroyNotify) export_task_data_free);
  g_task_run_in_thread (task, export_thread);
}

/**
 * weft_trace_export_to_file_finish:
 *
 * Returns: %TRUE if the trace was written; %FALSE with @error set otherwise
 */
gboolean
weft_trace_export_to_file_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == weft_trace_export_to_file_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
