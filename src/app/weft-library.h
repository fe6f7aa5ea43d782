/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-library-item.h"

G_BEGIN_DECLS

#define WEFT_TYPE_LIBRARY (weft_library_get_type ())

G_DECLARE_FINAL_TYPE (WeftLibrary, weft_library, WEFT, LIBRARY, GtkWidget)

GtkWidget  *weft_library_new               (GSettings   *settings);
GListModel *weft_library_get_model         (WeftLibrary *self);
gboolean    weft_library_get_loaded        (WeftLibrary *self);
void        weft_library_add_opened        (WeftLibrary *self,
                                            GFile       *file,
                                            const char  *title,
                                            int          concept,
                                            const char  *description);
WeftLibraryItem *weft_library_lookup       (WeftLibrary *self,
                                            GFile       *file);
void        weft_library_select_file       (WeftLibrary *self,
                                            GFile       *file);

/* The folder of the shipped profiles: $WEFT_WORKLOADS_DIR, else the installed one. */
const char *weft_library_get_workloads_dir (void);

G_END_DECLS
