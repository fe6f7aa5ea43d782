/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "weft-json-stream.h"
#include "weft-profile.h"

G_BEGIN_DECLS

/*
 * Shared by the files that load a profile:
 *
 * - weft-profile-doc.c reads the text with the streaming JSON reader into a
 *   small document tree (WeftProfileDoc) that keeps where every value and
 *   every member name starts; it reports syntax errors and duplicate keys.
 * - weft-profile-parse.c validates a document into a WeftProfile, with a
 *   file:line:column message for every mistake, and caps the work a profile
 *   may ask for.
 * - weft-profile.c holds the model: loading entry points, copy, free,
 *   lookups and saving.
 */

#define WEFT_PROFILE_NONE G_MAXUINT

typedef struct
{
  WeftJsonToken type;       /* BEGIN_OBJECT, BEGIN_ARRAY, STRING, NUMBER, TRUE, FALSE or NULL */
  guint         parent;     /* WEFT_PROFILE_NONE for the root */
  guint         index;      /* position among its parent's children */
  guint         first;      /* first child, or WEFT_PROFILE_NONE */
  guint         next;       /* next sibling, or WEFT_PROFILE_NONE */
  guint         n_children;
  guint         line;       /* where the value starts, from 1 */
  guint         column;     /* in characters, from 1 */
  guint         key_line;   /* where its member name starts; 0 outside an object */
  guint         key_column;
  guint         key;        /* the member name in the string pool */
  guint         str;        /* a STRING's decoded text in the string pool */
  guint         raw;        /* a scalar's text as written: offset and length in the source */
  guint         raw_len;
} WeftProfileNode;

typedef struct _WeftProfileDoc WeftProfileDoc;

struct _WeftProfileDoc
{
  const char *data;         /* the source text (not owned) */
  gsize       len;
  GArray     *nodes;        /* (element-type WeftProfileNode); the root is node 0 */
  GString    *pool;         /* NUL-terminated strings */
};

WeftProfileDoc *_weft_profile_doc_new   (const char      *data,
                                         gsize            len,
                                         const char      *display_name,
                                         GError         **error);
void            _weft_profile_doc_free  (WeftProfileDoc  *doc);
char           *_weft_profile_doc_path  (const WeftProfileDoc *doc,
                                         guint            node);
guint           _weft_profile_doc_member (const WeftProfileDoc *doc,
                                          guint            object,
                                          const char      *key);

static inline const WeftProfileNode *
_weft_profile_doc_node (const WeftProfileDoc *doc,
                        guint                 node)
{
  return &g_array_index (doc->nodes, WeftProfileNode, node);
}

static inline const char *
_weft_profile_doc_key (const WeftProfileDoc *doc,
                       guint                 node)
{
  return doc->pool->str + _weft_profile_doc_node (doc, node)->key;
}

static inline const char *
_weft_profile_doc_string (const WeftProfileDoc *doc,
                          guint                 node)
{
  return doc->pool->str + _weft_profile_doc_node (doc, node)->str;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftProfileDoc, _weft_profile_doc_free)

void            _weft_path_append_key   (GString         *path,
                                         const char      *key);

gboolean        _weft_profile_parse_doc (WeftProfile     *profile,
                                         const WeftProfileDoc *doc,
                                         const char      *display_name,
                                         const char      *default_name,
                                         GError         **error);

WeftProfile    *_weft_profile_new_empty (void);
void            _weft_profile_object_free (gpointer       data);
void            _weft_profile_task_free   (gpointer       data);
void            _weft_profile_stage_free  (gpointer       data);
GPtrArray      *_weft_profile_new_step_array (void);
const char     *_weft_profile_step_kind_nick (WeftStepKind kind);
const char     *_weft_profile_object_kind_nick (WeftObjectKind kind);

G_END_DECLS
