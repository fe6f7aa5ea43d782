/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "weft-profile.h"

G_BEGIN_DECLS

#define WEFT_TYPE_EDITED_PROFILE (weft_edited_profile_get_type ())

G_DECLARE_FINAL_TYPE (WeftEditedProfile, weft_edited_profile, WEFT, EDITED_PROFILE, GObject)

WeftEditedProfile *weft_edited_profile_new             (void);
void               weft_edited_profile_set_profile     (WeftEditedProfile *self,
                                                        const WeftProfile *profile);
const WeftProfile *weft_edited_profile_get_profile     (WeftEditedProfile *self);
char              *weft_edited_profile_describe_stages (WeftEditedProfile *self);
void               weft_edited_profile_set_task_count  (WeftEditedProfile *self,
                                                        guint              task_index,
                                                        guint              count);
void               weft_edited_profile_set_step_size   (WeftEditedProfile *self,
                                                        WeftStep          *step,
                                                        double             value);

G_END_DECLS
