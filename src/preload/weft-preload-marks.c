/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The explicit marks of include/weft-record.h (and of the Python module, by
 * ctypes): exported by the preload library, so that a program finds them
 * only while Weft records it.
 */

#include "config.h"

#include <string.h>

#include "weft-preload-private.h"
#include "weft-record.h"

/* A name's object id: one per distinct string content in a process. */
static guint32
mark_object (const char     *name,
             WeftObjectKind  kind)
{
  guint32 h = 2166136261u;

  for (const char *p = name; *p != '\0'; p++)
    h = (h ^ (guint8) *p) * 16777619u;
  if (kind == WEFT_OBJECT_LOCK)
    h = (h ^ 0x4c) * 16777619u;  /* a lock and a region may share a name */
  /* _weft_preload_object() names the object after the address's symbol;
   * a mark is named by its text instead, so declare it here */
  return _weft_preload_mark_object (h, kind, name);
}

WEFT_EXPORT uint32_t
weft_record_begin (const char *name)
{
  WeftPreloadThread *t = _weft_preload_thread ();
  guint32 id;

  if (t == NULL || name == NULL)
    return 0;
  id = mark_object (name, WEFT_OBJECT_TASK);
  _weft_preload_record (t, WEFT_EVENT_TASK_BEGIN, id, 0, 0);
  return id;
}

WEFT_EXPORT void
weft_record_end (uint32_t id)
{
  WeftPreloadThread *t = _weft_preload_thread ();

  if (t != NULL && id != 0)
    _weft_preload_record (t, WEFT_EVENT_TASK_END, id, WEFT_TASK_OK, 0);
}

/* Ends a region with a task status (0 done, 1 failed, 2 cancelled, 3 a
 * coroutine's stretch that ended at a wait and goes on later) */
WEFT_EXPORT void
weft_record_end_status (uint32_t id,
                        int      status)
{
  WeftPreloadThread *t = _weft_preload_thread ();

  if (t != NULL && id != 0 && status >= WEFT_TASK_OK && status <= WEFT_TASK_SUSPENDED)
    _weft_preload_record (t, WEFT_EVENT_TASK_END, id, status, 0);
}

/* A wait for I/O (a sleep, a blocking call) on this thread's lane, in the
 * region @id */
WEFT_EXPORT void
weft_record_io_begin (uint32_t id)
{
  WeftPreloadThread *t = _weft_preload_thread ();

  if (t != NULL)
    _weft_preload_record (t, WEFT_EVENT_IO_BEGIN, id, 0, 0);
}

WEFT_EXPORT void
weft_record_io_end (uint32_t id)
{
  WeftPreloadThread *t = _weft_preload_thread ();

  if (t != NULL)
    _weft_preload_record (t, WEFT_EVENT_IO_END, id, 0, 0);
}

WEFT_EXPORT void
weft_record_instant (const char *name)
{
  WeftPreloadThread *t = _weft_preload_thread ();

  if (t != NULL && name != NULL)
    _weft_preload_record (t, WEFT_EVENT_INSTANT, mark_object (name, WEFT_OBJECT_OTHER), 0, 0);
}

WEFT_EXPORT void
weft_record_counter (const char *name,
                     int64_t     value)
{
  WeftPreloadThread *t = _weft_preload_thread ();

  if (t != NULL && name != NULL)
    _weft_preload_record (t, WEFT_EVENT_COUNTER, mark_object (name, WEFT_OBJECT_COUNTER), value, 0);
}

WEFT_EXPORT void
weft_record_thread_name (const char *name)
{
  WeftPreloadThread *t = _weft_preload_thread ();

  if (t != NULL && name != NULL)
    _weft_preload_name_thread (t, name, FALSE);
}

/* The semaphore at @address (CPython's threading.Lock and multiprocessing.Lock
 * are semaphores) is the lock @name: its waits, holds and hand-offs are drawn
 * as a lock's, under the same object in every process that names it.
 * Returns 1 if it is named, 0 if not (not recorded, or too many named). */
WEFT_EXPORT int
weft_record_name_lock (const void *address,
                       const char *name)
{
  if (address == NULL || name == NULL || _weft_preload_thread () == NULL)
    return 0;
  return _weft_preload_name_lock (address, mark_object (name, WEFT_OBJECT_LOCK));
}
