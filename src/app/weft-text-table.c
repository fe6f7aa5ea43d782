/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include "weft-text-table.h"

/*
 * A table of text for the result views (Compare, Diff): a GtkColumnView
 * whose rows are GtkStringObjects holding one field per column, separated
 * by tabs. The views keep their rows in a GtkStringList, which the tests
 * read as they are shown.
 */

#define LEFT 0x10000

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), (GPOINTER_TO_UINT (data) & LEFT) ? 0 : 1);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  const char *row = gtk_string_object_get_string (gtk_list_item_get_item (item));
  g_auto(GStrv) fields = g_strsplit (row, "\t", -1);
  guint f = GPOINTER_TO_UINT (data) & ~LEFT;

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       f < g_strv_length (fields) ? fields[f] : "");
}

/**
 * weft_text_table_new:
 * @rows: (transfer none): #GtkStringObject rows of tab-separated fields
 * @titles: the columns' titles
 * @left_aligned: bit i set: column i is aligned left (numbers align right)
 * @expanding: bit i set: column i takes the width left over
 *
 * Returns: (transfer floating): the table
 */
GtkWidget *
weft_text_table_new (GListModel         *rows,
                     const char * const *titles,
                     guint               n_columns,
                     guint               left_aligned,
                     guint               expanding)
{
  GtkWidget *table = gtk_column_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (rows))));

  g_return_val_if_fail (n_columns < 16, table);

  gtk_column_view_set_show_column_separators (GTK_COLUMN_VIEW (table), TRUE);
  gtk_widget_add_css_class (table, "data-table");
  for (guint f = 0; f < n_columns; f++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      gpointer data = GUINT_TO_POINTER (f | ((left_aligned & (1u << f)) ? LEFT : 0));
      GtkColumnViewColumn *col;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), data);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), data);
      col = gtk_column_view_column_new (titles[f], factory);
      gtk_column_view_column_set_expand (col, (expanding & (1u << f)) != 0);
      gtk_column_view_append_column (GTK_COLUMN_VIEW (table), col);
      g_object_unref (col);
    }
  return table;
}
