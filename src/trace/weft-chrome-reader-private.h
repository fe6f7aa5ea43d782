/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "weft-json-stream.h"
#include "weft-trace-import.h"
#include "weft-trace-meta.h"

G_BEGIN_DECLS

/*
 * The Chrome Trace Event reader: events out of the JSON stream, one at a
 * time, for the foreign-trace builder; the model's journal out of the
 * "weft" member of a file Weft wrote. See docs/trace-format.md.
 */

#define WEFT_CHROME_MAX_ARGS 32

/* The longest compact JSON text kept of one "args" value that is neither
 * a number nor a string (an object, an array, true, false, null). */
#define WEFT_CHROME_ARG_JSON_MAX 1024

/*
 * One member of an event's "args": a number (@is_num; its text in @s
 * too), a string (@is_str, decoded in @s), or any other value (@is_json:
 * its compact JSON text in @s, at most WEFT_CHROME_ARG_JSON_MAX bytes of
 * it, @cut if there was more; a number too big for a double is one too).
 */
typedef struct
{
  GString *key;
  GString *s;
  gint64   i;
  double   d;
  gboolean is_num;
  gboolean is_int;
  gboolean is_str;
  gboolean is_json;
  gboolean cut;
} WeftChromeArg;

/*
 * One event object, as read. Times are ns (µs in the file, exact to the
 * ns); @bad, if set, says why the event cannot be used (a member of the
 * wrong type or out of range).
 */
typedef struct
{
  int            ph;
  GString       *name;
  GString       *cat;
  gboolean       has_name;
  gint64         pid, tid, ts, dur, id;
  gboolean       has_pid, has_tid, has_ts, has_dur, has_id;
  char           scope;
  guint          n_args;
  gboolean       args_over;     /* "args" had more members than are kept */
  /* "args" as it is in the file, when it is already its compact JSON: no
   * space between tokens, no escapes (the text of the reader's buffer,
   * valid while the event is given; NULL otherwise) */
  const char    *args_raw;
  gsize          args_raw_len;
  WeftChromeArg  args[WEFT_CHROME_MAX_ARGS];
  const char    *bad;
} WeftChromeEvent;

typedef struct _WeftChromeReader WeftChromeReader;

typedef void (*WeftChromeEventFunc) (WeftChromeReader      *reader,
                                     const WeftChromeEvent *event,
                                     gpointer               user_data);

/* The journal of a file Weft wrote (borrowed: ref it to keep it). */
typedef void (*WeftChromeJournalFunc) (GBytes                *journal,
                                       gpointer               user_data);

/* The builder of the second half of a big trace's events (read on another
 * thread, into a builder of its own): part_new makes it, counting into
 * @stats; part_merge takes it into the first half's (the one @user_data
 * stands for), events after the first half's, or returns FALSE having
 * changed nothing (then the first half's reader reads those events itself);
 * part_free frees it. */
typedef struct
{
  gpointer (*part_new)   (WeftTraceImportStats *stats,
                          gpointer              user_data);
  gboolean (*part_merge) (gpointer              part,
                          gpointer              user_data);
  void     (*part_free)  (gpointer              part);
} WeftChromeSplitFuncs;

WeftChromeReader *_weft_chrome_reader_new           (const char            *path,
                                                     WeftTraceImportStats  *stats,
                                                     GCancellable          *cancellable,
                                                     GError               **error);
void              _weft_chrome_reader_free          (WeftChromeReader      *self);
gboolean          _weft_chrome_reader_read          (WeftChromeReader      *self,
                                                     WeftChromeEventFunc    func,
                                                     gpointer               user_data,
                                                     GError               **error);
void              _weft_chrome_reader_note_skip     (WeftChromeReader      *self,
                                                     guint64               *counter,
                                                     const char            *reason);
const char       *_weft_chrome_reader_get_name      (WeftChromeReader      *self);
WeftTraceMeta    *_weft_chrome_reader_steal_meta    (WeftChromeReader      *self);
GBytes           *_weft_chrome_reader_steal_journal (WeftChromeReader      *self);
void              _weft_chrome_reader_set_split_funcs (WeftChromeReader           *self,
                                                       const WeftChromeSplitFuncs *funcs,
                                                       gpointer                    user_data);
void              _weft_chrome_reader_set_journal_func (WeftChromeReader   *self,
                                                        WeftChromeJournalFunc func,
                                                        gpointer           user_data);

const WeftChromeArg *_weft_chrome_event_find_arg    (const WeftChromeEvent *event,
                                                     const char            *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftChromeReader, _weft_chrome_reader_free)

G_END_DECLS
