/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The costs of CPython that Weft charges as real work where it models it
 * (docs/profiles.md, "Charged costs"): measured by `weft-cli calibrate` with
 * the Python programs in data/calibrate/, kept in
 * $XDG_CONFIG_HOME/weft/calibration.json, else the shipped defaults.
 */

#define WEFT_CALIBRATION_ERROR (weft_calibration_error_quark ())

typedef enum
{
  WEFT_CALIBRATION_ERROR_INVALID,   /* the file is not a calibration */
} WeftCalibrationError;

typedef struct
{
  char   *python;            /* what was measured ("/usr/bin/python3 3.11.2") */
  double  spawn_start_ms;    /* a spawned worker: interpreter start-up and imports */
  double  fork_start_ms;     /* a forked worker, for reference (Weft's fork is real) */
  double  dispatch_us;       /* a pool's worker taking one task: its CPU time */
  double  dispatch_parent_us; /* the pool's parent handing it out: its CPU time */
  double  pickle_ms_per_mb;  /* pickling and unpickling a list of ints, per MB */
  double  unpickle_share;    /* … of which unpickling, the receiver's part (0–1) */
  double  pickle_object_us;  /* … and per small object */
  double  pipe_message_us;   /* one small message through a pipe, one way */
  double  manager_call_us;   /* a manager proxy's call: request and reply */
} WeftCalibration;

GQuark           weft_calibration_error_quark (void);

const WeftCalibration *weft_calibration_get_defaults (void);
char            *weft_calibration_get_path    (void);
WeftCalibration *weft_calibration_load        (const char            *path,
                                               GError               **error);
WeftCalibration *weft_calibration_new_from_data (const char          *data,
                                               const char            *name,
                                               GError               **error);
const WeftCalibration *weft_calibration_get   (void);
WeftCalibration *weft_calibration_new_current (void);
double           weft_calibration_get_manager_side_ns (const WeftCalibration *self);
double           weft_calibration_get_pickle_side_ns (const WeftCalibration *self,
                                                      gsize                  bytes,
                                                      gboolean               unpickling);
gboolean         weft_calibration_check       (GError               **error);
char            *weft_calibration_to_json     (const WeftCalibration *self);
void             weft_calibration_free        (WeftCalibration       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftCalibration, weft_calibration_free)

G_END_DECLS
