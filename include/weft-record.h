/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * weft-record.h: explicit marks for a program recorded by `weft-cli record`.
 *
 * The functions are exported by Weft's preload library and referenced here
 * as weak symbols: in a program that Weft does not record they are absent,
 * and each mark below costs one branch. Names are copied when first seen;
 * pass the same string for the same region.
 *
 *   uint32_t id = weft_mark_begin ("parse");
 *   ...
 *   weft_mark_end (id);
 *   weft_mark_instant ("checkpoint");
 *   weft_mark_counter ("queue depth", depth);
 *   weft_mark_thread_name ("decoder");
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

extern uint32_t weft_record_begin       (const char *name) __attribute__((weak));
extern void     weft_record_end         (uint32_t    id) __attribute__((weak));
extern void     weft_record_end_status  (uint32_t    id,
                                         int         status) __attribute__((weak));
extern void     weft_record_io_begin    (uint32_t    id) __attribute__((weak));
extern void     weft_record_io_end      (uint32_t    id) __attribute__((weak));
extern void     weft_record_instant     (const char *name) __attribute__((weak));
extern void     weft_record_counter     (const char *name,
                                         int64_t     value) __attribute__((weak));
extern void     weft_record_thread_name (const char *name) __attribute__((weak));
extern int      weft_record_name_lock   (const void *address,
                                         const char *name) __attribute__((weak));

/* Whether this process is being recorded. */
static inline int
weft_mark_active (void)
{
  return weft_record_begin != 0;
}

/* Begins a region (drawn as a task on this thread's lane); returns its id. */
static inline uint32_t
weft_mark_begin (const char *name)
{
  return weft_record_begin ? weft_record_begin (name) : 0;
}

/* Ends the region weft_mark_begin() returned @id for. */
static inline void
weft_mark_end (uint32_t id)
{
  if (weft_record_end)
    weft_record_end (id);
}

/* Ends it with a status: 1 failed, 2 cancelled, 3 suspended (a coroutine
 * waits; its region begins again when it goes on). */
static inline void
weft_mark_end_status (uint32_t id,
                      int      status)
{
  if (weft_record_end_status)
    weft_record_end_status (id, status);
}

/* A wait for I/O on this thread's lane, inside region @id. */
static inline void
weft_mark_io_begin (uint32_t id)
{
  if (weft_record_io_begin)
    weft_record_io_begin (id);
}

static inline void
weft_mark_io_end (uint32_t id)
{
  if (weft_record_io_end)
    weft_record_io_end (id);
}

static inline void
weft_mark_instant (const char *name)
{
  if (weft_record_instant)
    weft_record_instant (name);
}

/* Sets the counter track @name to @value from now on. */
static inline void
weft_mark_counter (const char *name,
                   int64_t     value)
{
  if (weft_record_counter)
    weft_record_counter (name, value);
}

/* Names this thread's lane. */
static inline void
weft_mark_thread_name (const char *name)
{
  if (weft_record_thread_name)
    weft_record_thread_name (name);
}

/* Draws the semaphore at @sem as the lock @name (a program that uses a
 * sem_t as a mutex): each acquisition, wait and release. Returns whether it is
 * named. */
static inline int
weft_mark_lock (const void *sem,
                const char *name)
{
  return weft_record_name_lock ? weft_record_name_lock (sem, name) : 0;
}

#ifdef __cplusplus
}
#endif
