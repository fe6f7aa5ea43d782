/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "weft-event.h"
#include "weft-wire-reader.h"

G_BEGIN_DECLS

#define WEFT_TYPE_COLLECTOR (weft_collector_get_type ())

G_DECLARE_FINAL_TYPE (WeftCollector, weft_collector, WEFT, COLLECTOR, GObject)

/* Receives each batch of valid events, in stream order, on the collector's context. */
typedef void (*WeftCollectorSink) (const WeftEvent *events,
                                   gsize            n_events,
                                   gpointer         user_data);

WeftCollector  *weft_collector_new              (int                fd,
                                                 guint              max_workers);
WeftCollector  *weft_collector_new_pipe         (guint              max_workers,
                                                 int               *out_write_fd,
                                                 GError           **error);
void            weft_collector_set_sink         (WeftCollector     *self,
                                                 WeftCollectorSink  sink,
                                                 gpointer           user_data,
                                                 GDestroyNotify     destroy);
void            weft_collector_attach           (WeftCollector     *self,
                                                 GMainContext      *context);
void            weft_collector_detach           (WeftCollector     *self);
gboolean        weft_collector_read_available   (WeftCollector     *self);
gboolean        weft_collector_get_finished     (WeftCollector     *self);
const GError   *weft_collector_get_error        (WeftCollector     *self);
guint64         weft_collector_get_n_events     (WeftCollector     *self);
WeftWireReader *weft_collector_get_reader       (WeftCollector     *self);

G_END_DECLS
