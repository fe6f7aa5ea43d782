/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "weft-event.h"

G_BEGIN_DECLS

/*
 * A workload profile: what to run, on which executor, with which shared
 * objects. Parsed from JSON (docs/profiles.md) and validated; immutable once
 * loaded, so runs may share it across threads.
 */

#define WEFT_PROFILE_ERROR (weft_profile_error_quark ())

typedef enum
{
  WEFT_PROFILE_ERROR_SYNTAX,     /* not JSON */
  WEFT_PROFILE_ERROR_INVALID,    /* JSON, but not a valid profile */
  WEFT_PROFILE_ERROR_IO,         /* cannot read the file */
} WeftProfileError;

typedef enum
{
  WEFT_START_SPAWN = 0,          /* a fresh exec of weft-worker */
  WEFT_START_FORK,               /* forked from a single-threaded fork server */
} WeftStartMethod;

typedef enum
{
  WEFT_STEP_CPU = 1,             /* busy computation: ms (calibrated) or iterations */
  WEFT_STEP_IO,                  /* a wait of ms; blocking or not (main loop) */
  WEFT_STEP_INCREMENT,           /* read-modify-write of a counter, times `count` */
  WEFT_STEP_LOCK,                /* hold `object` (a lock) while running `steps` */
  WEFT_STEP_PUT,                 /* put `count` items of `bytes` each into a queue */
  WEFT_STEP_GET,                 /* get `count` items from a queue */
  WEFT_STEP_TRANSFER,            /* move `bytes` of payload (across processes for real) */
  WEFT_STEP_FAIL,                /* the task fails with `message` */
  WEFT_STEP_REPEAT,              /* run `steps` `count` times */
  WEFT_STEP_FOR_EACH,            /* get items from queue `object` until a sentinel, running `steps` for each */
} WeftStepKind;

typedef struct _WeftStep WeftStep;

struct _WeftStep
{
  WeftStepKind kind;
  guint        object;           /* index into WeftProfile.objects, or G_MAXUINT */
  gint64       count;            /* repeat times, increments, items, iterations */
  gint64       bytes;            /* payload size */
  double       ms;               /* cpu or io duration; < 0 when `count` iterations are given */
  gboolean     blocking;         /* io: blocks its thread (stalls a main loop) */
  char        *message;          /* fail */
  GPtrArray   *steps;            /* (element-type WeftStep) children of lock, repeat, for_each */
};

typedef enum
{
  WEFT_BACKEND_MEMORY = 0,       /* threads share it; processes get MAP_SHARED memory */
  WEFT_BACKEND_MANAGER,          /* served by a manager process: a round trip per operation */
} WeftObjectBackend;

typedef struct
{
  char              *name;
  WeftObjectKind     kind;       /* LOCK, QUEUE or COUNTER */
  gint64             initial;    /* counter: every element's starting value */
  guint              length;     /* counter: 1 for a single value, more for an array (multiprocessing.Array) */
  guint              capacity;   /* queue; 0 = unbounded */
  WeftObjectBackend  backend;
} WeftProfileObject;

typedef struct
{
  char      *name;
  guint      count;              /* instances submitted */
  GPtrArray *steps;              /* (element-type WeftStep) */
} WeftTaskSpec;

/* A stage of a pipeline: its own executor and workers; each worker runs `steps`
 * (typically a for_each over the stage's input queue). When every worker of a
 * stage has finished, one sentinel per worker of the next stage goes into the
 * queue named `output`. */
typedef struct
{
  char             *name;
  WeftExecutorKind  executor;
  guint             workers;
  guint             output;      /* object index of the output queue, or G_MAXUINT */
  GPtrArray        *steps;       /* (element-type WeftStep) */
} WeftStage;

typedef struct
{
  char             *path;        /* the file it came from, or NULL */
  char             *name;
  char             *description; /* what the profile shows and what to look for */
  int               concept;     /* row of the concepts table, 0 if none */
  WeftExecutorKind  executor;
  guint             workers;
  gboolean          gil;
  double            switch_interval_ms;
  guint             python_version; /* the CPython it models, 311 for 3.11; 0: not given */
  WeftStartMethod   start_method;
  gboolean          cancel_on_error; /* a failure cancels the siblings (task group) */
  double            timeout_s;   /* the run is stopped after this; a loaded profile has 0 < timeout_s <= 3600 */
  GPtrArray        *objects;     /* (element-type WeftProfileObject) */
  GPtrArray        *tasks;       /* (element-type WeftTaskSpec) */
  GPtrArray        *stages;      /* (element-type WeftStage), may be empty */
} WeftProfile;

GQuark       weft_profile_error_quark   (void);

WeftProfile *weft_profile_new_from_file (const char   *path,
                                         GError      **error);
WeftProfile *weft_profile_new_from_data (const char   *data,
                                         gssize        length,
                                         const char   *display_name,
                                         GError      **error);
WeftProfile *weft_profile_copy          (const WeftProfile *self);
void         weft_profile_free          (WeftProfile  *self);
guint        weft_profile_lookup_object (const WeftProfile *self,
                                         const char   *name);
const GPtrArray *weft_profile_get_steps (const WeftProfile *self,
                                         guint         spec_index);
const char  *weft_profile_get_spec_name (const WeftProfile *self,
                                         guint         spec_index);
char        *weft_profile_to_json       (const WeftProfile *self);

const char  *weft_executor_to_nick      (WeftExecutorKind kind);
gboolean     weft_executor_from_nick    (const char   *nick,
                                         WeftExecutorKind *out_kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftProfile, weft_profile_free)

G_END_DECLS
