/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "weft-arena.h"
#include "weft-wire-writer.h"

G_BEGIN_DECLS

/*
 * A simulated global interpreter lock, modelled on CPython's (Python/ceval_gil.c):
 * one lock that a thread must hold to run CPU work. A thread that has waited
 * one switch interval asks the holder to drop it; the holder checks the
 * request regularly during CPU work, releases, and waits until another thread
 * has taken it, so it cannot take it straight back (forced switching). I/O
 * releases it around the wait. Every wait, acquisition and release is an event.
 */

typedef struct _WeftGil WeftGil;

WeftGil  *weft_gil_new               (guint64         switch_interval_ns,
                                      WeftArena      *arena);
void      weft_gil_free              (WeftGil        *self);
gboolean  weft_gil_take              (WeftGil        *self,
                                      guint16         worker,
                                      WeftWireWriter *writer,
                                      const gint     *cancelled,
                                      gboolean        waiting,
                                      guint64         since_ns);
void      weft_gil_drop              (WeftGil        *self,
                                      guint16         worker,
                                      WeftWireWriter *writer,
                                      gboolean        forced);
gboolean  weft_gil_drop_requested    (WeftGil        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftGil, weft_gil_free)

G_END_DECLS
