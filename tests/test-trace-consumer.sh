#!/bin/sh
# Weft's traces as Chrome DevTools reads them: the trace engine of DevTools
# (@paulirish/trace_engine, installed by `build-aux/dev deps` into
# tests/consumer/node_modules) must see every lane Weft exported, with its
# name, and as many slices per lane as Weft wrote ("X" and "B" events).
# Missing node or packages is a failure, not a skip. TAP output.
#   test-trace-consumer.sh WEFT_MAKE_TRACE WEFT_CLI SOURCE_ROOT
set -u
make_trace=$1
cli=$2
root=$3
consumer="$root/tests/consumer"
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
finish() { echo "1..$n"; [ "$failed" -eq 0 ]; exit $?; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v node >/dev/null 2>&1; then
  not_ok "node is installed" "no node on PATH: run build-aux/dev deps"
  finish
fi
if [ ! -f "$consumer/node_modules/@paulirish/trace_engine/analyze-trace.mjs" ]; then
  not_ok "the trace engine is installed" "no $consumer/node_modules/@paulirish/trace_engine: run build-aux/dev deps"
  finish
fi
ok "node $(node --version) and @paulirish/trace_engine are installed"

# check NAME TRACE: the engine's threads and slice counts equal the file's
check() {
  name=$1 trace=$2
  want=$(node "$consumer/trace-threads.mjs" --file "$trace" 2>"$tmp/err") || {
    not_ok "$name: count the file's lanes" "$(cat "$tmp/err")"; return; }
  got=$(node "$consumer/trace-threads.mjs" "$trace" 2>"$tmp/err") || {
    not_ok "$name: the trace engine loads it" "$(tail -n 5 "$tmp/err")"; return; }
  if [ "$want" = "$got" ] && [ "$want" != '{"threads":[]}' ]; then
    ok "$name: DevTools sees the same lanes and slices"
  else
    not_ok "$name: DevTools sees the same lanes and slices" "Weft wrote: $want" "DevTools:   $got"
  fi
}

# A hand-built model: nested, zero-length and back-to-back spans, ties at one
# instant, a process lane; finished ("X") and live (open spans as "B").
if "$make_trace" "$tmp/made.json" 2>"$tmp/err"; then
  check "weft-make-trace" "$tmp/made.json"
else
  not_ok "weft-make-trace" "$(cat "$tmp/err")"
fi
if "$make_trace" --live "$tmp/live.json" 2>"$tmp/err"; then
  check "weft-make-trace --live" "$tmp/live.json"
else
  not_ok "weft-make-trace --live" "$(cat "$tmp/err")"
fi

# Real runs: threads with a GIL, processes (a lane per child pid), the main loop.
for p in 06-producer-consumer 08-cpu-threads-vs-processes 19-offload-from-loop; do
  if "$cli" run "$root/workloads/$p.json" -o "$tmp/$p.json" >/dev/null 2>"$tmp/err"; then
    check "weft-cli run $p" "$tmp/$p.json"
  else
    not_ok "weft-cli run $p -o" "$(cat "$tmp/err")"
  fi
done

finish
