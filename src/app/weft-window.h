/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-application.h"
#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_WINDOW (weft_window_get_type ())

G_DECLARE_FINAL_TYPE (WeftWindow, weft_window, WEFT, WINDOW, GtkApplicationWindow)

WeftWindow *weft_window_new       (WeftApplication *application);
GFile      *weft_window_get_file  (WeftWindow      *self);
void        weft_window_open_file (WeftWindow      *self,
                                   GFile           *file);
void        weft_window_set_model (WeftWindow      *self,
                                   WeftTraceModel  *model);

G_END_DECLS
