#!/bin/sh
# weft-cli as a user meets it: exit status and messages for bad input, and a
# real run of a shipped profile. TAP output.
#   test-cli.sh WEFT_CLI SOURCE_ROOT
set -u
cli=$1
root=$2
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

# expect STATUS "EXPECTED STDERR" -- ARGS...
expect() {
  want_status=$1 want_err=$2
  shift 3
  err=$("$cli" "$@" 2>&1 >/dev/null)
  status=$?
  if [ "$status" -eq "$want_status" ] && [ "$err" = "$want_err" ]; then
    ok "weft-cli $*"
  else
    not_ok "weft-cli $*" "status $status (want $want_status)" "got:  $err" "want: $want_err"
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every malformed profile: exit 2, the expected one-line message, nothing run.
cd "$root/tests/profiles/malformed" || exit 1
for f in *.json; do
  expect 2 "$(cat "${f%.json}.expected")" -- run "$f"
done

# Bad command lines.
good="$root/workloads/04-race-condition.json"
expect 2 "weft-cli: unknown command \"frobnicate\" (see 'weft-cli --help')" -- frobnicate
expect 2 "weft-cli run: Unknown option --colour (see 'weft-cli run --help')" -- run --colour "$good"
expect 2 "weft-cli run: no profile given (see 'weft-cli run --help')" -- run
expect 2 "weft-cli run: --executor: expected threads, processes or mainloop, got \"gpu\" (see 'weft-cli run --help')" -- run --executor gpu "$good"
expect 2 "weft-cli run: --workers: expected a number from 1 to 256 (see 'weft-cli run --help')" -- run --workers 0 "$good"
expect 2 "weft-cli run: --gil and --no-gil contradict each other (see 'weft-cli run --help')" -- run --gil --no-gil "$good"
expect 2 "$tmp/missing.json: cannot read: No such file or directory" -- run "$tmp/missing.json"

# A real run: the race profile loses updates, and says so in its JSON summary.
out=$("$cli" run --json "$good")
status=$?
lost=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"][0]["lost"])' 2>/dev/null)
if [ "$status" -eq 0 ] && [ -n "$lost" ] && [ "$lost" -gt 0 ]; then
  ok "run --json of the race profile reports $lost lost updates"
else
  not_ok "run --json of the race profile" "status $status, lost '$lost'"
fi

# A deadlock ends the run with status 1 and the cycle in the summary.
out=$("$cli" run --json "$root/workloads/22-deadlock.json")
status=$?
cycle=$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["deadlock"]["cycle"]))' 2>/dev/null)
if [ "$status" -eq 1 ] && [ "$cycle" = "2" ]; then
  ok "the deadlock profile exits 1 with a cycle of 2"
else
  not_ok "the deadlock profile" "status $status, cycle '$cycle'"
fi

# Every shipped profile runs to its end: status 0, or 1 for those whose
# point is a failure or a deadlock.
for f in "$root"/workloads/*.json; do
  if grep -q '"fail"\|"concept": 22,' "$f"; then want=1; else want=0; fi
  start=$(date +%s)
  "$cli" run "$f" >/dev/null 2>"$tmp/err"
  status=$?
  took=$(( $(date +%s) - start ))
  if [ "$status" -eq "$want" ] && [ "$took" -le 15 ]; then
    ok "run $(basename "$f") (status $status, ${took} s)"
  else
    not_ok "run $(basename "$f")" "status $status (want $want), ${took} s" "$(cat "$tmp/err")"
  fi
done

# --help works for every command.
for c in "" run compare; do
  if "$cli" $c --help >/dev/null 2>&1; then ok "weft-cli $c --help"; else not_ok "weft-cli $c --help"; fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
