#!/bin/sh
# Traces that real programs write, read by Weft: Node.js (--trace-events) on
# a program with timers and a worker_thread, and, when Chromium is installed,
# a headless Chromium's start-up trace. Each is made at test time and read with
# `weft-cli summary --json`; the threads must appear, with slices. Missing
# node is a failure (build-aux/dev deps installs it). TAP output.
#   test-real-traces.sh WEFT_CLI SOURCE_ROOT
set -u
cli=$1
root=$2
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

# lanes NAME SUMMARY.json PATTERN...: every PATTERN (a regular expression)
# names a lane with at least one task (slice).
lanes() {
  name=$1 summary=$2
  shift 2
  if out=$(node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const missing = process.argv.slice(2).filter((p) =>
      !s.workers.some((w) => new RegExp(p).test(w.name) && w.tasks > 0));
    if (missing.length) {
      console.log("no lane with slices matching " + missing.join(", ") + "; lanes: " +
                  s.workers.map((w) => w.name + " (" + w.tasks + ")").join("; "));
      process.exit(1);
    }' "$summary" "$@" 2>&1); then
    ok "$name: $*"
  else
    not_ok "$name: lanes with slices" "$out"
  fi
}

# Node.js
mkdir "$tmp/node"
if (cd "$tmp/node" && timeout 60 node --trace-event-categories v8,node \
      --trace-event-file-pattern "$tmp/node/trace-\${pid}.json" \
      "$root/tests/traces/real/node-workers.js") 2>"$tmp/err"; then
  trace=$(ls "$tmp"/node/trace-*.json 2>/dev/null | head -n 1)
  if [ -z "$trace" ]; then
    not_ok "node wrote a trace" "no trace-*.json in $tmp/node"
  elif "$cli" summary --json "$trace" >"$tmp/node.summary" 2>"$tmp/err"; then
    ok "weft-cli summary reads Node's trace"
    lanes "node" "$tmp/node.summary" 'JavaScriptMainThread' 'worker'
  else
    not_ok "weft-cli summary reads Node's trace" "$(cat "$tmp/err")"
  fi
else
  not_ok "node --trace-event-categories runs" "$(cat "$tmp/err")"
fi

# Chromium (Debian's chromium, when installed: build-aux/dev deps installs
# it). This version writes a protobuf trace unless told --trace-startup-format=json,
# writes the JSON some seconds after --trace-startup-duration, and does not exit
# by itself on about:blank: wait for the complete file, then stop it.
if command -v chromium >/dev/null 2>&1; then
  timeout -k 5 90 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/prof" --trace-startup --trace-startup-format=json \
    --trace-startup-file="$tmp/chrome.json" --trace-startup-duration=2 about:blank \
    >"$tmp/chromium.log" 2>&1 &
  pid=$!
  i=0
  while [ $i -lt 85 ] && kill -0 $pid 2>/dev/null; do
    # complete: the object closes with the metadata member
    if [ -s "$tmp/chrome.json" ] && tail -c 3 "$tmp/chrome.json" | grep -q '}}'; then
      break
    fi
    sleep 1
    i=$((i + 1))
  done
  kill $pid 2>/dev/null
  wait $pid 2>/dev/null
  if [ ! -s "$tmp/chrome.json" ]; then
    not_ok "chromium wrote a trace" "$(grep -v dbus "$tmp/chromium.log" | tail -n 5)"
  elif "$cli" summary --json "$tmp/chrome.json" >"$tmp/chrome.summary" 2>"$tmp/err"; then
    ok "weft-cli summary reads Chromium's trace"
    lanes "chromium" "$tmp/chrome.summary" '^Browser: CrBrowserMain$' 'Chrome_IOThread' '^GPU Process: '
  else
    not_ok "weft-cli summary reads Chromium's trace" "$(cat "$tmp/err")"
  fi
else
  not_ok "chromium is installed" "no chromium on PATH: run build-aux/dev deps"
fi

finish
