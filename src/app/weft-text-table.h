/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *weft_text_table_new (GListModel         *rows,
                                const char * const *titles,
                                guint               n_columns,
                                guint               left_aligned,
                                guint               expanding);

G_END_DECLS
