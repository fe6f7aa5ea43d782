/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "weft-event.h"

static const char * const kind_names[WEFT_EVENT_N_KINDS] = {
  [WEFT_EVENT_INVALID] = "invalid",
  [WEFT_EVENT_HELLO] = "hello",
  [WEFT_EVENT_BYE] = "bye",
  [WEFT_EVENT_WORKER_INFO] = "worker-info",
  [WEFT_EVENT_OBJECT_NEW] = "object-new",
  [WEFT_EVENT_NAME] = "name",
  [WEFT_EVENT_TASK_BEGIN] = "task-begin",
  [WEFT_EVENT_TASK_END] = "task-end",
  [WEFT_EVENT_LOCK_WAIT] = "lock-wait",
  [WEFT_EVENT_LOCK_ACQUIRED] = "lock-acquired",
  [WEFT_EVENT_LOCK_RELEASED] = "lock-released",
  [WEFT_EVENT_GIL_WAIT] = "gil-wait",
  [WEFT_EVENT_GIL_ACQUIRED] = "gil-acquired",
  [WEFT_EVENT_GIL_RELEASED] = "gil-released",
  [WEFT_EVENT_QUEUE_PUT_BEGIN] = "queue-put-begin",
  [WEFT_EVENT_QUEUE_PUT_END] = "queue-put-end",
  [WEFT_EVENT_QUEUE_GET_BEGIN] = "queue-get-begin",
  [WEFT_EVENT_QUEUE_GET_END] = "queue-get-end",
  [WEFT_EVENT_IO_BEGIN] = "io-begin",
  [WEFT_EVENT_IO_END] = "io-end",
  [WEFT_EVENT_SPAWN_BEGIN] = "spawn-begin",
  [WEFT_EVENT_SPAWN_END] = "spawn-end",
  [WEFT_EVENT_INSTANT] = "instant",
  [WEFT_EVENT_COUNTER] = "counter",
  [WEFT_EVENT_CORE_WAIT_BEGIN] = "core-wait-begin",
  [WEFT_EVENT_CORE_WAIT_END] = "core-wait-end",
  [WEFT_EVENT_COST_BEGIN] = "cost-begin",
  [WEFT_EVENT_COST_END] = "cost-end",
  [WEFT_EVENT_QUEUE_READY] = "queue-ready",
};

/**
 * weft_event_kind_to_string:
 * @kind: an event kind
 *
 * Returns: (transfer none): a short stable name for @kind, or "unknown"
 */
const char *
weft_event_kind_to_string (WeftEventKind kind)
{
  if ((guint) kind >= WEFT_EVENT_N_KINDS || kind_names[kind] == NULL)
    return "unknown";
  return kind_names[kind];
}
