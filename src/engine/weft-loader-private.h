/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-loader.h"

G_BEGIN_DECLS

/* For tests: while held, every load waits on its worker thread, after the
 * file was read and before its result is returned, until released. */
void  _weft_loader_set_held      (gboolean held);
guint _weft_loader_get_n_waiting (void);

G_END_DECLS
