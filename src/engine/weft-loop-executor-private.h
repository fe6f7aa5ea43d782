/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-loop-executor.h"

G_BEGIN_DECLS

/* Tests: how often a loop looks for a cancel made on another thread; 0 turns
 * the periodic look off, leaving only the wake-ups a loop does itself. */
void _weft_loop_executor_set_cancel_check_ms (guint ms);

G_END_DECLS
