#!/bin/sh
# weft-cli diff as a user meets it: bad command lines, two real runs of the
# GIL profile (GIL on, GIL off) written as traces and compared, a profile
# compared with a trace. The JSON form's members are checked against
# docs/cli.md and against the two summaries. TAP output.
#   test-cli-diff.sh WEFT_CLI SOURCE_ROOT
set -u
cli=$1
root=$2
py=/usr/bin/python3
. "$root/tests/cli-tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

gil="$root/workloads/02-gil-cpu-threads.json"
expect 2 "weft-cli diff: expected two recordings, A and B (see 'weft-cli diff --help')" -- diff "$gil"
expect 2 "weft-cli diff: more than two recordings given (see 'weft-cli diff --help')" -- diff "$gil" "$gil" "$gil"
expect 2 "weft-cli diff: Unknown option --colour (see 'weft-cli diff --help')" -- diff --colour "$gil" "$gil"
printf '{"traceEvents": [' > "$tmp/cut.json"
expect 2 "cut.json:1:18: expected a value (a string, a number, an object, an array, true, false or null), found end of file" -- diff "$tmp/cut.json" "$gil"

# GIL on (A) vs GIL off (B), as traces
"$cli" run "$gil" --gil -o "$tmp/on.json" >/dev/null 2>&1 &&
  "$cli" run "$gil" --no-gil -o "$tmp/off.json" >/dev/null 2>&1 ||
  not_ok "runs of $gil"
"$cli" summary --json "$tmp/on.json" > "$tmp/sum-a.json"
"$cli" summary --json "$tmp/off.json" > "$tmp/sum-b.json"
"$cli" diff --json "$tmp/on.json" "$tmp/off.json" > "$tmp/diff.json"
status=$?
check=$($py - "$tmp/diff.json" "$tmp/sum-a.json" "$tmp/sum-b.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sa, sb = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
bad = []
for side in ("a", "b"):
    missing = {"name", "profile", "executor", "gil", "lanes", "wall_s"} - set(d[side])
    if missing:
        bad.append("%s lacks %s" % (side, missing))
if d["a"]["gil"] is not True or d["b"]["gil"] is not False:
    bad.append("gil a=%r b=%r" % (d["a"]["gil"], d["b"]["gil"]))
if abs(d["a"]["wall_s"] - sa["wall_s"]) > 1e-9 or abs(d["b"]["wall_s"] - sb["wall_s"]) > 1e-9:
    bad.append("walls differ from the summaries")
if not isinstance(d.get("sorted_by"), str):
    bad.append("no sorted_by")
for p in d["lanes"]:
    if set(p) != {"a", "b", "paired_by"} or p["paired_by"] != "name":
        bad.append("lane pair %r" % p)
keys = {"what", "subject", "subject_a", "state", "label", "unit", "a", "b", "difference", "share"}
last = {True: None, False: None}
seen_count = False
for r in d["rows"]:
    if set(r) != keys:
        bad.append("row members %r" % sorted(r))
        break
    if r["a"] is not None and r["b"] is not None:
        if r["difference"] is None or abs(r["b"] - r["a"] - r["difference"]) > 1e-9:
            bad.append("B - A != difference in %r" % r)
    time = r["unit"] == "s"
    if time and seen_count:
        bad.append("a time after a count: %r" % r["label"])
    seen_count = seen_count or not time
    if last[time] is not None and r["share"] > last[time] + 1e-12:
        bad.append("not sorted at %r" % r["label"])
    last[time] = r["share"]
def row(what, state=None, subject=None):
    for r in d["rows"]:
        if r["what"] == what and r["state"] == state and r["subject"] == subject:
            return r
    return None
wall = row("wall")
if wall is None or abs(wall["a"] - sa["wall_s"]) > 1e-9 or abs(wall["b"] - sb["wall_s"]) > 1e-9:
    bad.append("wall row %r" % wall)
gw = row("state", "gil-wait")
want = sum(w["wait_s"]["gil-wait"] for w in sa["workers"])
if gw is None or abs(gw["a"] - want) > 1e-6 or gw["b"] != 0:
    bad.append("gil-wait state row %r, summary says %r" % (gw, want))
gl = row("gil-wait")
locks = [l for l in sa["locks"] if l["name"] == "GIL"] or sa["locks"][:1]
if gl is None or not locks or abs(gl["a"] - locks[0]["wait_s"]) > 1e-6 or gl["b"] != 0:
    bad.append("GIL wait row %r, summary says %r" % (gl, locks))
for w in sa["workers"]:
    r = row("lane-state", "gil-wait", w["name"])
    if r is None or abs(r["a"] - w["wait_s"]["gil-wait"]) > 1e-6:
        bad.append("lane %s gil-wait %r" % (w["name"], r))
print("; ".join(bad) if bad else "ok %d rows" % len(d["rows"]))
PY
)
case "$status:$check" in
  0:ok*) ok "diff --json GIL on vs off: members, B - A = difference, sorted, figures = the summaries' ($check)" ;;
  *) not_ok "diff --json GIL on vs off" "status $status" "$check" ;;
esac

text=$("$cli" diff "$tmp/on.json" "$tmp/off.json")
case "$text" in
  *"GIL on, wall"*"GIL off, wall"*"what changed"*"GIL: wait"*"wall time"*) ok "diff prints the two sides and the table" ;;
  *) not_ok "diff text" "$text" ;;
esac

# A profile is run first; a trace is read: a run and a file compared
small="$root/workloads/05-lock-fixes-race.json"
check=$("$cli" diff --json "$small" "$tmp/on.json" | $py -c '
import json, sys
d = json.load(sys.stdin)
ok = d["a"]["profile"] is not None and d["a"]["executor"] == "threads" and d["b"]["gil"] is True
lost = [r for r in d["rows"] if r["what"] == "lost-updates"]
# the run knows its counter lost no update; a trace records none
ok = ok and len(lost) == 1 and lost[0]["a"] == 0 and lost[0]["b"] is None and lost[0]["difference"] is None
print("ok" if ok else json.dumps(d["a"]) + " " + json.dumps(lost))' 2>&1)
if [ "$check" = ok ]; then
  ok "diff of a profile (run first) and a trace"
else
  not_ok "diff of a profile and a trace" "$check"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
