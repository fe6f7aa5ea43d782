/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-profile.h"
#include "weft-run.h"

int weft_cli_run_cpython (const char           *profile_path,
                          const WeftProfile    *profile,
                          const WeftRunOptions *options,
                          const char           *python,
                          const char           *output,
                          gboolean              summary,
                          gboolean              json,
                          char                **argv);
