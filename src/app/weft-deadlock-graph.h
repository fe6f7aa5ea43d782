/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WEFT_TYPE_DEADLOCK_GRAPH (weft_deadlock_graph_get_type ())

G_DECLARE_FINAL_TYPE (WeftDeadlockGraph, weft_deadlock_graph, WEFT, DEADLOCK_GRAPH, GtkWidget)

GtkWidget *weft_deadlock_graph_new       (void);
/* A wait-for cycle: @workers[i] waits for @locks[i], which @workers[i+1]
 * (cyclically) holds. Names are copied. */
void       weft_deadlock_graph_set_cycle (WeftDeadlockGraph  *self,
                                          const char * const *workers,
                                          const char * const *locks,
                                          guint               n_links);
guint      weft_deadlock_graph_get_n_links (WeftDeadlockGraph *self);

G_END_DECLS
