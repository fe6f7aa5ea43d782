#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Validates a GtkBuilder file with Debian's gtk4-builder-tool. The tool
# itself now and then dies of SIGSEGV at start-up (about once in 80 full
# test runs, never when run alone): a death by a signal is said and the
# validation run once more; a file that does not validate fails at once.
# A third argument is a library the file's types come from (libadwaita):
# loaded first, the tool finds each type by its get_type() function.
tool=$1
ui=$2
if [ -n "$3" ]; then
  LD_PRELOAD=${LD_PRELOAD:+$LD_PRELOAD:}$3
  export LD_PRELOAD
fi
"$tool" validate "$ui"
rc=$?
if [ "$rc" -gt 128 ]; then
  echo "gtk4-builder-tool died of signal $((rc - 128)) on $ui; validating again" >&2
  "$tool" validate "$ui"
  rc=$?
fi
exit "$rc"
