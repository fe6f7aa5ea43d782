/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * A child process for the wire tests: writes numbered task events for one
 * worker into an inherited fd, like a process worker does.
 *
 *   weft-test-writer FD WORKER N_EVENTS [DIE_AFTER]
 *
 * Event i is TASK_BEGIN (even i) or TASK_END (odd i) with arg0 = i. With
 * DIE_AFTER, the process flushes that many events and kills itself before
 * closing, as a crashing worker would.
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "weft-wire-writer.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(WeftWireWriter) writer = NULL;
  int fd;
  guint worker;
  guint64 n_events, die_after = G_MAXUINT64;

  if (argc < 4)
    {
      g_printerr ("usage: weft-test-writer FD WORKER N_EVENTS [DIE_AFTER]\n");
      return 2;
    }

  fd = atoi (argv[1]);
  worker = (guint) atoi (argv[2]);
  n_events = g_ascii_strtoull (argv[3], NULL, 10);
  if (argc > 4)
    die_after = g_ascii_strtoull (argv[4], NULL, 10);

  signal (SIGPIPE, SIG_IGN);

  writer = weft_wire_writer_new (fd, (guint16) worker);
  weft_wire_writer_name (writer, WEFT_OBJECT_SELF, "test writer process");

  for (guint64 i = 0; i < n_events; i++)
    {
      if (i == die_after)
        {
          weft_wire_writer_flush (writer);
          raise (SIGKILL);
        }
      weft_wire_writer_record (writer,
                               (i & 1) ? WEFT_EVENT_TASK_END : WEFT_EVENT_TASK_BEGIN,
                               (guint32) (i / 2), (gint64) i, (gint64) worker);
    }

  weft_wire_writer_close (writer);
  return weft_wire_writer_get_n_dropped (writer) == 0 ? 0 : 1;
}
