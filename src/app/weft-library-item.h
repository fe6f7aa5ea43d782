/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WEFT_TYPE_LIBRARY_ITEM (weft_library_item_get_type ())

G_DECLARE_FINAL_TYPE (WeftLibraryItem, weft_library_item, WEFT, LIBRARY_ITEM, GObject)

/* What a row of the library is: a section title or a file. */
typedef enum
{
  WEFT_LIBRARY_ITEM_HEADER,
  WEFT_LIBRARY_ITEM_WORKLOAD,   /* a shipped profile */
  WEFT_LIBRARY_ITEM_OPENED,     /* a file opened in this window */
  WEFT_LIBRARY_ITEM_RECENT,     /* from the recent-files setting */
} WeftLibraryItemKind;

WeftLibraryItem     *weft_library_item_new             (WeftLibraryItemKind  kind,
                                                        const char          *title,
                                                        int                  concept,
                                                        GFile               *file);
WeftLibraryItemKind  weft_library_item_get_kind        (WeftLibraryItem     *self);
const char          *weft_library_item_get_title       (WeftLibraryItem     *self);
int                  weft_library_item_get_concept     (WeftLibraryItem     *self);
GFile               *weft_library_item_get_file        (WeftLibraryItem     *self);
const char          *weft_library_item_get_description (WeftLibraryItem     *self);
void                 weft_library_item_set_description (WeftLibraryItem     *self,
                                                        const char          *description);

G_END_DECLS
