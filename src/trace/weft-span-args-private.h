/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "weft-span-args.h"

G_BEGIN_DECLS

/*
 * Where a model finds the args of a slice or an instant: a hash table from
 * (worker, slot, time) to a byte range of text kept elsewhere (the model's
 * journal, which holds every args text once). A slot is 0 for an instant,
 * the depth + 1 for a span. 24 bytes per entry plus 4 to 8 bytes of table.
 */

typedef struct _WeftArgsTable WeftArgsTable;

#define WEFT_ARGS_SLOT_INSTANT 0

WeftArgsTable *_weft_args_table_new      (void);
void           _weft_args_table_free     (WeftArgsTable       *table);
void           _weft_args_table_set      (WeftArgsTable       *table,
                                          guint                worker,
                                          guint                slot,
                                          guint64              time_ns,
                                          guint64              offset,
                                          guint32              len);
gboolean       _weft_args_table_lookup   (const WeftArgsTable *table,
                                          guint                worker,
                                          guint                slot,
                                          guint64              time_ns,
                                          guint64             *out_offset,
                                          guint32             *out_len);
guint          _weft_args_table_get_n    (const WeftArgsTable *table);

typedef void (*WeftArgsFunc) (guint    worker,
                              guint    slot,
                              guint64  time_ns,
                              guint64  offset,
                              guint32  len,
                              gpointer user_data);

void           _weft_args_table_foreach  (const WeftArgsTable *table,
                                          WeftArgsFunc         func,
                                          gpointer             user_data);
gsize          _weft_args_table_get_bytes (const WeftArgsTable *table);

/*
 * Args texts, each at most WEFT_SPAN_ARGS_MAX bytes, in chunks of 1 MiB
 * that never move (a store grows without copying what it holds, and
 * takes another store's chunks without copying them either). A text is
 * found by its reference, never 0, below 2^31 (at most 2 GiB of texts).
 */
typedef struct _WeftArgsStore WeftArgsStore;

WeftArgsStore *_weft_args_store_new      (void);
void           _weft_args_store_free     (WeftArgsStore       *store);
guint32        _weft_args_store_add      (WeftArgsStore       *store,
                                          const char          *text,
                                          gsize                len);
const char    *_weft_args_store_get      (const WeftArgsStore *store,
                                          guint32              ref,
                                          gsize               *out_len);
guint32        _weft_args_store_take     (WeftArgsStore       *store,
                                          WeftArgsStore       *other);
gsize          _weft_args_store_get_bytes (const WeftArgsStore *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftArgsStore, _weft_args_store_free)

/* Whether @text is one JSON object of at most WEFT_SPAN_ARGS_MAX bytes,
 * valid UTF-8: what a model accepts as args. */
gboolean       _weft_span_args_check     (const char          *text,
                                          gsize                len);

/*
 * Writing args objects within WEFT_SPAN_ARGS_MAX: begin, add members
 * (JSON texts of a key and a value), end. A member that does not fit is
 * left out, and so is every later one; if @cut_text is given, the value is
 * that text instead, as a string cut to fit and ending in "…". A value
 * that must be cut whatever its size has no @value (only @cut_text). end()
 * marks the object as cut (WEFT_SPAN_ARGS_CUT_KEY) if anything was left
 * out or cut.
 */
/* What the members may take, so that '{', the mark of a cut and '}' fit:
 * an object of members up to this long is written whole. */
#define WEFT_ARGS_MEMBERS_ROOM (WEFT_SPAN_ARGS_MAX - 13)

typedef struct
{
  GString *out;
  gsize    start;       /* of the object in @out */
  guint    n;           /* members written */
  gboolean cut;
} WeftArgsWriter;

void           _weft_args_writer_begin   (WeftArgsWriter      *w,
                                          GString             *out);
void           _weft_args_writer_add     (WeftArgsWriter      *w,
                                          const char          *key,
                                          gsize                key_len,
                                          const char          *value,
                                          gsize                value_len,
                                          const char          *cut_text,
                                          gsize                cut_len);
void           _weft_args_writer_end     (WeftArgsWriter      *w);

/* @a's members with @b's merged in (a key in both takes @b's value, in
 * @a's place; @b's other keys follow), as Chrome merges the args of a
 * slice's "B" and "E"; both as the writer makes them. */
void           _weft_span_args_merge     (GString             *out,
                                          const char          *a,
                                          gsize                a_len,
                                          const char          *b,
                                          gsize                b_len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftArgsTable, _weft_args_table_free)

G_END_DECLS
