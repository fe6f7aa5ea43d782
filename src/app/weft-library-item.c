/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include "weft-library-item.h"

/**
 * WeftLibraryItem:
 *
 * One row of the library sidebar: a section header, or a profile or trace
 * file with its title and concept number (0 for none). Immutable but for
 * the description, which is filled when the file has been read.
 */
struct _WeftLibraryItem
{
  GObject              parent_instance;

  WeftLibraryItemKind  kind;
  char                *title;
  int                  concept;
  GFile               *file;
  char                *description;
};

G_DEFINE_FINAL_TYPE (WeftLibraryItem, weft_library_item, G_TYPE_OBJECT)

/**
 * weft_library_item_new:
 * @file: (nullable) (transfer none): the file, %NULL for a header
 *
 * Returns: (transfer full): a new item
 */
WeftLibraryItem *
weft_library_item_new (WeftLibraryItemKind  kind,
                       const char          *title,
                       int                  concept,
                       GFile               *file)
{
  WeftLibraryItem *self = g_object_new (WEFT_TYPE_LIBRARY_ITEM, NULL);

  self->kind = kind;
  self->title = g_strdup (title);
  self->concept = concept;
  self->file = file != NULL ? g_object_ref (file) : NULL;

  return self;
}

WeftLibraryItemKind
weft_library_item_get_kind (WeftLibraryItem *self)
{
  g_return_val_if_fail (WEFT_IS_LIBRARY_ITEM (self), WEFT_LIBRARY_ITEM_HEADER);
  return self->kind;
}

const char *
weft_library_item_get_title (WeftLibraryItem *self)
{
  g_return_val_if_fail (WEFT_IS_LIBRARY_ITEM (self), NULL);
  return self->title;
}

int
weft_library_item_get_concept (WeftLibraryItem *self)
{
  g_return_val_if_fail (WEFT_IS_LIBRARY_ITEM (self), 0);
  return self->concept;
}

/**
 * weft_library_item_get_file:
 *
 * Returns: (transfer none) (nullable): the file; %NULL for a header
 */
GFile *
weft_library_item_get_file (WeftLibraryItem *self)
{
  g_return_val_if_fail (WEFT_IS_LIBRARY_ITEM (self), NULL);
  return self->file;
}

const char *
weft_library_item_get_description (WeftLibraryItem *self)
{
  g_return_val_if_fail (WEFT_IS_LIBRARY_ITEM (self), NULL);
  return self->description != NULL ? self->description : "";
}

void
weft_library_item_set_description (WeftLibraryItem *self,
                                   const char      *description)
{
  g_return_if_fail (WEFT_IS_LIBRARY_ITEM (self));
  g_free (self->description);
  self->description = g_strdup (description);
}

static void
weft_library_item_finalize (GObject *object)
{
  WeftLibraryItem *self = WEFT_LIBRARY_ITEM (object);

  g_free (self->title);
  g_free (self->description);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (weft_library_item_parent_class)->finalize (object);
}

static void
weft_library_item_class_init (WeftLibraryItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = weft_library_item_finalize;
}

static void
weft_library_item_init (WeftLibraryItem *self)
{
}
