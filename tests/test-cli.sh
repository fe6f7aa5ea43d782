#!/bin/sh
# weft-cli as a user meets it: exit status and messages for bad input, and a
# real run of a shipped profile. TAP output.
#   test-cli.sh WEFT_CLI SOURCE_ROOT
set -u
cli=$1
root=$2
. "$root/tests/cli-tap.sh"

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

# Threads beyond the cores wait for one: core-wait in every worker's wait_s.
out=$("$cli" run --json --workers 8 --no-gil "$root/workloads/03-free-threading.json")
status=$?
cw=$(printf '%s' "$out" | python3 -c '
import json, os, sys
w = json.load(sys.stdin)["workers"]
cw = [x["wait_s"]["core-wait"] for x in w]
ok = len(w) == 8 and all(v >= 0 for v in cw) and (sum(cw) > 0 or os.cpu_count() >= 8)
print("%.3f" % sum(cw) if ok else "")' 2>/dev/null)
if [ "$status" -eq 0 ] && [ -n "$cw" ]; then
  ok "run --json: 8 threads waited $cw s for a core (workers[].wait_s.core-wait)"
else
  not_ok "run --json: workers[].wait_s.core-wait" "status $status, core-wait '$cw'"
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

# compare --repeat: every variant run N times, median with min and max, and
# the warnings; the load figure is injected so that the warning is certain.
small="$tmp/small.json"
printf '%s\n' '{ "weft_profile": 1, "name": "small", "executor": "threads", "workers": 2,' \
  '  "tasks": [ { "name": "cpu", "count": 2, "steps": [ { "cpu": { "ms": 10 } } ] } ] }' > "$small"
out=$(WEFT_TEST_OTHER_LOAD=1.5 "$cli" compare --repeat 2 --json "$small")
status=$?
check=$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
runs = [r for r in d["runs"] if "error" not in r]
assert d["repeats"] == 2, d["repeats"]
assert len(runs) == 5, len(runs)
for r in runs:
    assert r["repeats"] == 2, r
    assert r["wall_s_min"] <= r["wall_s"] <= r["wall_s_max"], r
assert runs[0]["label"] == "serial" and runs[0]["speedup"] == 1.0
assert d["load"]["other_cores"] == 1.5
assert any("other processes kept 1.50" in w for w in d["warnings"]), d["warnings"]
print("ok")' 2>&1)
if [ "$status" -eq 0 ] && [ "$check" = "ok" ]; then
  ok "compare --repeat 2 --json: 2 runs of each variant, min <= median <= max, the load warning"
else
  not_ok "compare --repeat 2 --json" "status $status" "$check"
fi

out=$(WEFT_TEST_OTHER_LOAD=0 "$cli" compare --repeat 1 "$small")
if printf '%s' "$out" | grep -q '^warning: each variant ran once' &&
   ! printf '%s' "$out" | grep -q '^warning: other processes' &&
   printf '%s' "$out" | grep -q '^serial .*1\.00×'; then
  ok "compare --repeat 1: the table and a warning that each variant ran once"
else
  not_ok "compare --repeat 1" "$out"
fi
expect 2 "weft-cli compare: --repeat: expected a number from 1 to 100 (see 'weft-cli compare --help')" -- compare --repeat 0 "$small"

# summary of a trace: what ran, from the metadata Weft wrote; null for another
# program's trace, and never an efficiency "on 0 workers".
"$cli" run --gil "$small" -o "$tmp/small-trace.json" >/dev/null 2>&1
check=$("$cli" summary --json "$tmp/small-trace.json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["profile"] == "small", d["profile"]
assert d["executor"] == "threads" and d["gil"] is True and d["n_workers"] == 2, d
assert d["tasks"]["ok"] == 2 and d["tasks"]["not_started"] is None, d["tasks"]
assert abs(d["efficiency"] - d["speedup"] / 2) < 1e-9
print("ok")' 2>&1)
if [ "$check" = "ok" ]; then
  ok "summary --json of a Weft trace: profile, executor, gil, n_workers and tasks from its metadata"
else
  not_ok "summary --json of a Weft trace" "$check"
fi
foreign="$root/tests/traces/foreign-phases.json"
check=$("$cli" summary --json "$foreign" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("profile", "executor", "gil", "n_workers", "tasks", "efficiency"):
    assert k in d and d[k] is None, (k, d.get(k, "absent"))
print("ok")' 2>&1)
text=$("$cli" summary "$foreign" 2>/dev/null)
if [ "$check" = "ok" ] && ! printf '%s' "$text" | grep -q 'efficiency\|0 workers'; then
  ok "summary of a foreign trace: what Weft cannot know is null, no efficiency"
else
  not_ok "summary of a foreign trace" "$check" "$text"
fi

# Overlapped waits are not a speedup: 17's summary has no speedup or
# efficiency (62436 % once), and 20's cancelled downloads count only as far
# as they ran (8.2 s of work once, in a 0.2 s run).
check=$("$cli" run --json "$root/workloads/17-many-waits-main-loop.json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["speedup"] is None and d["efficiency"] is None, (d["speedup"], d["efficiency"])
assert d["work_has_waits"] is True and d["concurrency"] > 100, d["concurrency"]
print("ok")' 2>&1)
if [ "$check" = "ok" ]; then ok "run --json of 17: no speedup or efficiency for overlapped waits, their concurrency"; else not_ok "run --json of 17" "$check"; fi
check=$("$cli" run --json "$root/workloads/20-task-group-cancel.json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["tasks"]["cancelled"] == 4, d["tasks"]
assert d["serial_s"] <= 5 * d["wall_s"], (d["serial_s"], d["wall_s"])
print("ok")' 2>&1)
if [ "$check" = "ok" ]; then ok "run --json of 20: cancelled work counted only as far as it ran"; else not_ok "run --json of 20" "$check"; fi

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

# ---- Output paths: only regular files are replaced -----------------------
# Private copies of /dev/null and /dev/full (mknod needs root; without it the
# real ones, which an unprivileged run cannot replace anyway).
py=/usr/bin/python3
small="$root/workloads/04-race-condition.json"
if mknod "$tmp/null" c 1 3 2>/dev/null && mknod "$tmp/full" c 1 7 2>/dev/null; then
  null=$tmp/null full=$tmp/full
else
  null=/dev/null full=/dev/full
fi
is_json() { $py -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
no_temp() { [ -z "$(find "$@" -maxdepth 1 -name '.*.json.*' 2>/dev/null)" ]; }

"$cli" run "$small" -o "$null" >/dev/null 2>"$tmp/err"
status=$?
if [ "$status" -eq 0 ] && [ -c "$null" ] && [ ! -s "$tmp/err" ] && no_temp "$(dirname "$null")"; then
  ok "run -o a null device: written through, still a device"
else
  not_ok "run -o a null device" "status $status, $(ls -l "$null")" "$(cat "$tmp/err")"
fi

# A write error is one line and exit 2; the run's summary is still printed.
out=$("$cli" run "$small" --summary -o "$full" 2>"$tmp/err")
status=$?
if [ "$status" -eq 2 ] && [ -c "$full" ] &&
   [ "$(cat "$tmp/err")" = "weft-cli run: $full: write error: No space left on device" ] &&
   printf '%s' "$out" | grep -q '^wall '; then
  ok "run -o a full device: ENOSPC, exit 2, the summary printed, still a device"
else
  not_ok "run -o a full device" "status $status, $(ls -l "$full")" "$(cat "$tmp/err")" "stdout: $out"
fi

# A FIFO is written through to its reader; one nobody reads is refused.
mkfifo "$tmp/fifo"
$py -c 'import sys; open(sys.argv[2], "wb").write(open(sys.argv[1], "rb").read())' "$tmp/fifo" "$tmp/from-fifo" &
reader=$!
# the reader opens the FIFO first, or the writer finds nobody
$py -c '
import os, sys, time
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    if any(os.path.realpath(f"/proc/{sys.argv[1]}/fd/{fd}") == sys.argv[2]
           for fd in os.listdir(f"/proc/{sys.argv[1]}/fd")):
        break
    time.sleep(0.005)' "$reader" "$tmp/fifo"
"$cli" run "$small" -o "$tmp/fifo" >/dev/null 2>"$tmp/err"
status=$?
wait "$reader"
if [ "$status" -eq 0 ] && [ -p "$tmp/fifo" ] && is_json "$tmp/from-fifo" && no_temp "$tmp"; then
  ok "run -o a FIFO: its reader gets the trace, still a FIFO"
else
  not_ok "run -o a FIFO" "status $status, $(ls -l "$tmp/fifo")" "$(cat "$tmp/err")"
fi
expect 2 "weft-cli run: $tmp/fifo: cannot write: a FIFO that nobody reads (start its reader first)" -- run "$small" -o "$tmp/fifo"
if [ -p "$tmp/fifo" ]; then ok "a FIFO nobody reads stays a FIFO"; else not_ok "a FIFO nobody reads stays a FIFO"; fi

# A symlink is followed: its target is replaced, the link stays.
mkdir "$tmp/real" "$tmp/links"
echo old >"$tmp/real/trace.json"
ln -s ../real/trace.json "$tmp/links/trace.json"
ln -s ../real/new.json "$tmp/links/dangling.json"
"$cli" run "$small" -o "$tmp/links/trace.json" >/dev/null 2>"$tmp/err" &&
  "$cli" run "$small" -o "$tmp/links/dangling.json" >/dev/null 2>>"$tmp/err"
status=$?
if [ "$status" -eq 0 ] && [ -L "$tmp/links/trace.json" ] && [ -L "$tmp/links/dangling.json" ] &&
   is_json "$tmp/real/trace.json" && is_json "$tmp/real/new.json" && no_temp "$tmp/real" "$tmp/links"; then
  ok "run -o a symlink: its target replaced (or made), the link kept"
else
  not_ok "run -o a symlink" "status $status, $(ls -l "$tmp/links" "$tmp/real")" "$(cat "$tmp/err")"
fi

# Refused before anything runs: a folder no file can be made in (for root,
# whom permissions do not stop, /proc), a folder, a path under a file. The
# profile would run for 20 s: a refusal after the run would hit the cap.
long="$tmp/long.json"
echo '{ "weft_profile": 1, "name": "long", "tasks": [ { "steps": [ { "cpu": { "ms": 20000 } } ] } ] }' >"$long"
mkdir "$tmp/ro"
chmod 0555 "$tmp/ro"
if [ "$(id -u)" -eq 0 ]; then ro=/proc; ro_err="No such file or directory"; else ro=$tmp/ro; ro_err="Permission denied"; fi
refused() {
  want=$1; shift
  err=$(timeout 10 "$cli" "$@" 2>&1 >/dev/null)
  status=$?
  if [ "$status" -eq 2 ] && [ "$err" = "$want" ]; then ok "refused at once: weft-cli $*"
  else not_ok "refused at once: weft-cli $*" "status $status" "got:  $err" "want: $want"; fi
}
refused "weft-cli run: $ro/trace.json: cannot create the file in $ro: $ro_err" run "$long" -o "$ro/trace.json"
refused "weft-cli run: $tmp: cannot write: it is a folder" run "$long" -o "$tmp"
refused "weft-cli run: $tmp/long.json/x.json: cannot create the file in $tmp/long.json: Not a directory" run "$long" -o "$tmp/long.json/x.json"
refused "weft-cli run: $tmp/missing/x.json: cannot create the file in $tmp/missing: No such file or directory" run "$long" -o "$tmp/missing/x.json"
refused "weft-cli export: $ro/trace.json: cannot create the file in $ro: $ro_err" export "$tmp/real/trace.json" -o "$ro/trace.json"

# calibrate measures the real interpreter, writes the figures where runs look,
# and a run charges them: figures checked by order of magnitude, never exactly.
expect 2 "weft-cli calibrate: --repeat: expected a number from 1 to 99 (see 'weft-cli calibrate --help')" -- calibrate --repeat 0
expect 2 "weft-cli calibrate: --python $tmp/no-python: Failed to execute child process “$tmp/no-python” (No such file or directory)" -- calibrate --python "$tmp/no-python"
cal_home="$tmp/config"
if XDG_CONFIG_HOME="$cal_home" "$cli" calibrate --python /usr/bin/python3 --repeat 3 >/dev/null 2>"$tmp/cal.err" &&
   /usr/bin/python3 - "$cal_home/weft/calibration.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
plausible = {"spawn_start_ms": (5, 5000), "fork_start_ms": (0.05, 500), "dispatch_us": (1, 10000),
             "dispatch_parent_us": (5, 20000), "unpickle_share": (0.3, 0.99), "pickle_ms_per_mb": (0.5, 1000), "pickle_object_us": (0.05, 100), "pipe_message_us": (0.5, 5000),
             "manager_call_us": (1, 10000)}
bad = [k for k, (lo, hi) in plausible.items() if not lo <= c[k] <= hi]
sys.exit(1 if bad or not c["python"].startswith("/usr/bin/python3 3.") else 0)
PY
then ok "calibrate writes plausible figures to \$XDG_CONFIG_HOME/weft/calibration.json"
else not_ok "calibrate" "$(cat "$tmp/cal.err")"; fi
# a run picks them up: each spawned worker starts the interpreter for at least the calibrated time
spawn_profile='{ "weft_profile": 1, "name": "spawn", "executor": "processes", "workers": 2, "tasks": [ { "count": 2, "steps": [ { "cpu": { "ms": 1 } } ] } ] }'
echo "$spawn_profile" >"$tmp/spawn.json"
out=$(XDG_CONFIG_HOME="$cal_home" "$cli" run --json "$tmp/spawn.json")
if printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
charged = json.load(sys.stdin)["charged_s"]["interpreter-start"]
want = 2 * c["spawn_start_ms"] / 1e3
sys.exit(0 if 0.9 * want <= charged < 50 * want else 1)' "$cal_home/weft/calibration.json"; then
  ok "a spawn run charges the calibrated interpreter start-up"
else not_ok "a spawn run charges the calibrated interpreter start-up" "$out"; fi

# --help works for every command.
for c in "" run compare calibrate; do
  if "$cli" $c --help >/dev/null 2>&1; then ok "weft-cli $c --help"; else not_ok "weft-cli $c --help"; fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
