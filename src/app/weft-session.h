/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "weft-trace-model.h"

G_BEGIN_DECLS

#define WEFT_TYPE_SESSION (weft_session_get_type ())

G_DECLARE_FINAL_TYPE (WeftSession, weft_session, WEFT, SESSION, GObject)

/* Narrowest visible window the session allows, in ns. */
#define WEFT_SESSION_MIN_VISIBLE_NS G_GUINT64_CONSTANT (100)

WeftSession    *weft_session_new                  (void);

WeftTraceModel *weft_session_get_model            (WeftSession    *self);
void            weft_session_set_model            (WeftSession    *self,
                                                   WeftTraceModel *model);

/* The run: the time range every other range is clamped to. */
void            weft_session_set_bounds           (WeftSession    *self,
                                                   guint64         begin_ns,
                                                   guint64         end_ns);
guint64         weft_session_get_begin            (WeftSession    *self);
guint64         weft_session_get_end              (WeftSession    *self);

/* The visible window */
void            weft_session_set_visible          (WeftSession    *self,
                                                   guint64         begin_ns,
                                                   guint64         end_ns);
guint64         weft_session_get_visible_begin    (WeftSession    *self);
guint64         weft_session_get_visible_end      (WeftSession    *self);
void            weft_session_zoom                 (WeftSession    *self,
                                                   double          factor,
                                                   guint64         anchor_ns);
void            weft_session_pan                  (WeftSession    *self,
                                                   gint64          delta_ns);
void            weft_session_zoom_to_fit          (WeftSession    *self);
gboolean        weft_session_zoom_to_selection    (WeftSession    *self);
void            weft_session_reveal               (WeftSession    *self,
                                                   guint64         begin_ns,
                                                   guint64         end_ns);

gboolean        weft_session_get_follow           (WeftSession    *self);
void            weft_session_set_follow           (WeftSession    *self,
                                                   gboolean        follow);

/* The selected time range */
gboolean        weft_session_get_selection        (WeftSession    *self,
                                                   guint64        *out_begin,
                                                   guint64        *out_end);
void            weft_session_set_selection        (WeftSession    *self,
                                                   guint64         begin_ns,
                                                   guint64         end_ns);
void            weft_session_clear_selection      (WeftSession    *self);

/* The selected span: a lane (worker id), a depth row and an index in it */
gboolean        weft_session_get_selected_span    (WeftSession    *self,
                                                   guint          *out_worker,
                                                   guint          *out_depth,
                                                   guint          *out_index);
void            weft_session_select_span          (WeftSession    *self,
                                                   guint           worker,
                                                   guint           depth,
                                                   guint           index);
void            weft_session_unselect_span        (WeftSession    *self);
gboolean        weft_session_lookup_span          (WeftSession    *self,
                                                   guint           worker,
                                                   guint           depth,
                                                   guint           index,
                                                   WeftSpan       *out_span);

/* The time under the pointer, shared by every view (a cursor line) */
gboolean        weft_session_get_hover            (WeftSession    *self,
                                                   guint64        *out_time_ns);
void            weft_session_set_hover            (WeftSession    *self,
                                                   guint64         time_ns);
void            weft_session_clear_hover          (WeftSession    *self);

G_END_DECLS
