/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>

/*
 * The control block that `weft-cli record` shares with every process of a
 * recording: a small file it creates in a private folder, named in the
 * environment (WEFT_RECORD_CONTROL) and mapped MAP_SHARED by the preload
 * library in each process. It is opened by path, not inherited as an fd, so a
 * process that lost the event pipe can still say so.
 *
 * Worker ids come from here: the wire format allows ids below 4096 across all
 * processes of a stream, so each thread takes the next id, and once all are
 * taken, the id of a thread that has ended (its lane then goes on with the
 * new thread, after a gap). Threads that find no id at all are counted and
 * not recorded.
 */

#define WEFT_RECORD_CONTROL_MAGIC 0x43524557u  /* "WERC" */
#define WEFT_RECORD_MAX_WORKERS   4096

/* Environment variables the preload library reads */
#define WEFT_RECORD_ENV_FD        "WEFT_RECORD_FD"
#define WEFT_RECORD_ENV_CONTROL   "WEFT_RECORD_CONTROL"
#define WEFT_RECORD_ENV_WORKER    "WEFT_RECORD_WORKER"    /* the lane an exec'd image goes on with */
#define WEFT_RECORD_ENV_SPAWN_NS  "WEFT_RECORD_SPAWN_NS"  /* when its start-up began */

typedef enum
{
  WEFT_RECORD_SLOT_FREE = 0,
  WEFT_RECORD_SLOT_LIVE,
  WEFT_RECORD_SLOT_ENDED,
} WeftRecordSlot;

typedef struct
{
  uint32_t magic;
  uint32_t next_worker;      /* ids handed out so far (atomic) */
  uint32_t n_recycled;       /* threads that went on an ended thread's lane */
  uint32_t n_refused;        /* threads not recorded: every id was live */
  uint32_t n_processes;      /* process images that joined (exec counts again) */
  uint32_t n_threads;        /* threads that joined, main threads included */
  uint32_t n_close_refused;  /* times a program tried to close the event pipe */
  uint32_t n_pipe_lost;      /* process images that found no event pipe */
  uint32_t n_gil_found;      /* processes in which the CPython GIL was found */
  uint32_t n_crashed;        /* processes ended by a fatal signal */
  uint32_t last_crash_signal;
  uint32_t last_crash_pid;
  uint32_t next_task;        /* ids of the threads' life tasks handed out so far (atomic) */
  uint64_t pipe_ino;         /* st_ino of the event pipe: a reused fd number is not it */
  uint64_t pipe_dev;
  uint8_t  slots[WEFT_RECORD_MAX_WORKERS];  /* WeftRecordSlot per worker id */
} WeftRecordControl;
