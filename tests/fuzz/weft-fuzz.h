/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "weft-trace-model.h"

G_BEGIN_DECLS

/*
 * What every fuzz target provides. libFuzzer calls LLVMFuzzerTestOneInput()
 * with each input; the replay driver (weft-fuzz-replay.c) calls the same
 * function over the committed corpora in the ordinary build, then
 * weft_fuzz_check_named() with the file's base name, for checks an input
 * asks for by its name (see docs/fuzzing.md).
 */

int         LLVMFuzzerTestOneInput (const uint8_t *data,
                                    size_t         size);
void        weft_fuzz_check_named  (const char    *name,
                                    const uint8_t *data,
                                    size_t         size);

/* Shared by the targets (weft-fuzz.c) */
void        weft_fuzz_init         (void);
const char *weft_fuzz_scratch_path (void);
const char *weft_fuzz_write_scratch (const uint8_t *data,
                                     size_t         size);
void        weft_fuzz_check_model  (WeftTraceModel *model);
void        weft_fuzz_check_same_lanes (WeftTraceModel *a,
                                        WeftTraceModel *b);

G_END_DECLS
