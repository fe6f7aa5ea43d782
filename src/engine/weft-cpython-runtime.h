/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "weft-recording.h"
#include "weft-run.h"

G_BEGIN_DECLS

#define WEFT_TYPE_CPYTHON_RUNTIME (weft_cpython_runtime_get_type ())

G_DECLARE_FINAL_TYPE (WeftCpythonRuntime, weft_cpython_runtime, WEFT, CPYTHON_RUNTIME, GObject)

/* Seconds a real run gets beyond the profile's timeout, for the interpreter
 * to start and calibrate its CPU loop */
#define WEFT_CPYTHON_STARTUP_GRACE_S 10

gboolean             weft_cpython_runtime_check        (const WeftProfile    *profile,
                                                        GError              **error);
char                *weft_cpython_runtime_find_python  (const char           *requested,
                                                        char                **out_version,
                                                        GError              **error);

WeftCpythonRuntime  *weft_cpython_runtime_new          (const WeftProfile    *profile,
                                                        const WeftRunOptions *options,
                                                        const char           *python,
                                                        GError              **error);
void                 weft_cpython_runtime_run_async    (WeftCpythonRuntime   *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean             weft_cpython_runtime_run_finish   (WeftCpythonRuntime   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
gboolean             weft_cpython_runtime_run          (WeftCpythonRuntime   *self,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
void                 weft_cpython_runtime_stop         (WeftCpythonRuntime   *self);

const WeftProfile   *weft_cpython_runtime_get_profile  (WeftCpythonRuntime   *self);
const char          *weft_cpython_runtime_get_python   (WeftCpythonRuntime   *self);
const char          *weft_cpython_runtime_get_version  (WeftCpythonRuntime   *self);
const char          *weft_cpython_runtime_get_label    (WeftCpythonRuntime   *self);
WeftTraceModel      *weft_cpython_runtime_get_model    (WeftCpythonRuntime   *self);
WeftRecording       *weft_cpython_runtime_get_recording (WeftCpythonRuntime  *self);
const WeftRunResult *weft_cpython_runtime_get_result   (WeftCpythonRuntime   *self);
const char * const  *weft_cpython_runtime_get_warnings (WeftCpythonRuntime   *self);
double               weft_cpython_runtime_get_iterations_per_ms (WeftCpythonRuntime *self);

G_END_DECLS
