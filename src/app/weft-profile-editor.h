/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "weft-edited-profile.h"
#include "weft-profile.h"

G_BEGIN_DECLS

#define WEFT_TYPE_PROFILE_EDITOR (weft_profile_editor_get_type ())

G_DECLARE_FINAL_TYPE (WeftProfileEditor, weft_profile_editor, WEFT, PROFILE_EDITOR, GtkBox)

GtkWidget         *weft_profile_editor_new         (void);
void               weft_profile_editor_set_profile (WeftProfileEditor *self,
                                                    const WeftProfile *profile);
const WeftProfile *weft_profile_editor_get_profile (WeftProfileEditor *self);
WeftEditedProfile *weft_profile_editor_get_edited  (WeftProfileEditor *self);

/* The control of one profile key ("executor", "workers", "gil",
 * "switch_interval_ms", "start_method", "cancel_on_error"), for tests. */
GtkWidget         *weft_profile_editor_get_field   (WeftProfileEditor *self,
                                                    const char        *key);

G_END_DECLS
