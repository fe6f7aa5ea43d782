/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * WEFT_TRACE_ERROR:
 *
 * The error domain of trace export and import (Chrome Trace Event JSON).
 * Cancellation is reported as %G_IO_ERROR_CANCELLED, as everywhere in GIO.
 */
#define WEFT_TRACE_ERROR (weft_trace_error_quark ())

typedef enum
{
  WEFT_TRACE_ERROR_IO,        /* the file could not be read, written or renamed */
  WEFT_TRACE_ERROR_SYNTAX,    /* not JSON: FILE:LINE:COLUMN: what was expected */
  WEFT_TRACE_ERROR_INVALID,   /* JSON, but not a trace (wrong shape or types) */
  WEFT_TRACE_ERROR_LIMIT,     /* a token, nesting or lane count beyond the limits */
} WeftTraceError;

GQuark weft_trace_error_quark (void);

/**
 * WeftTraceMeta:
 * @profile: (nullable): the workload profile's name
 * @executor: (nullable): "threads", "processes", "mainloop", … as given
 * @gil: 1 simulated GIL on, 0 off, -1 unknown
 * @work_waits: 1 the tasks' work includes waits for I/O (their profile
 *   has I/O steps), 0 it is CPU work only, -1 unknown
 * @python: (nullable): the CPython version Weft's model followed ("3.11")
 * @workers: number of workers, 0 if unknown
 * @machine: (nullable): a description of the machine (host, CPU, cores)
 * @command_line: (nullable): the command that made the run
 * @interrupted: (nullable): what stopped the run before its end ("SIGINT"),
 *   %NULL for a run that was not interrupted
 * @source: (nullable): on import, the program that wrote the trace if
 *   the file says so (e.g. "weft 0.1.0"); ignored on export
 *
 * What a trace file says about its run, besides the timeline. All strings
 * are owned by the struct.
 */
typedef struct
{
  char *profile;
  char *executor;
  int   gil;
  int   work_waits;
  char *python;
  guint workers;
  char *machine;
  char *command_line;
  char *source;
  char *interrupted;
} WeftTraceMeta;

WeftTraceMeta *weft_trace_meta_new  (void);
WeftTraceMeta *weft_trace_meta_copy (const WeftTraceMeta *meta);
void           weft_trace_meta_free (WeftTraceMeta       *meta);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftTraceMeta, weft_trace_meta_free)

G_END_DECLS
