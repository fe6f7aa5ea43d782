#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""SIGINT and SIGTERM to a running `weft-cli run` (to the program alone, and
to its whole process group as a terminal's Ctrl+C does) and to `weft-cli
export`, with real worker processes. TAP output.

  test-cli-signals.py WEFT_CLI
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

CLI = sys.argv[1]
# Every worker must be gone this soon after the signal: running steps give up
# within 20 ms, and a worker that does not is killed 500 ms after the cancel.
# (Seen here: 8-30 ms.) Under AddressSanitizer every process also runs the
# leak check as it exits, which alone takes hundreds of milliseconds.
STOP_CAP_S = 2.0 if "ASAN_OPTIONS" in os.environ else 0.5
# How long a worker may take to start (a spawned one under a sanitizer is slow).
START_CAP_S = 30.0
# CPU time that only a task gives a worker (its start-up, the CPU loop's
# calibration, takes about 50 ms).
BUSY_CPU_S = 0.3

n = 0
failed = 0


def ok(cond, name, *notes):
    global n, failed
    n += 1
    if cond:
        print(f"ok {n} - {name}")
    else:
        failed += 1
        print(f"not ok {n} - {name}")
        for note in notes:
            print(f"# {note}")
    sys.stdout.flush()


def children_of(pids):
    """Every living process whose parent is in pids: (pid, state) pairs."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) in pids:
            found.append((int(entry), fields[0]))
    return found


def descendants(pid):
    """pid -> state of every process below pid, zombies included."""
    seen = {}
    frontier = {pid}
    while frontier:
        below = children_of(frontier)
        frontier = {p for p, _ in below if p not in seen}
        seen.update(dict(below))
    return seen


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def wait_until(cond, cap_s):
    deadline = time.monotonic() + cap_s
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.002)
    return cond()


def busy_workers(pid):
    """Worker threads (named weft-worker, in the program or in its worker
    processes) that have used more CPU time than any start-up takes."""
    busy = 0
    for proc in [pid] + list(descendants(pid)):
        try:
            tids = os.listdir(f"/proc/{proc}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{proc}/task/{tid}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            cpu_s = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            busy += name == "weft-worker" and cpu_s >= BUSY_CPU_S
    return busy


def default_signals():
    # A background job of a non-interactive shell starts with SIGINT ignored,
    # and an ignored signal stays ignored across exec: give the child SIGINT
    # and SIGTERM as a terminal would.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def profile(tmp, executor, start_method, manager):
    objects, steps = {}, [{"cpu": {"ms": 20000}}]
    if manager:
        objects = {"c": {"kind": "counter", "backend": "manager"}}
        steps = [{"increment": {"counter": "c", "times": 100000000}}]
    p = {"weft_profile": 1, "name": "long", "executor": executor, "workers": 2,
         "objects": objects,
         "tasks": [{"name": "long", "count": 4, "steps": steps}]}
    if executor == "processes":
        p["start_method"] = start_method
    path = os.path.join(tmp, "long.json")
    with open(path, "w") as f:
        json.dump(p, f)
    return path


def interrupt_run(tmp, signum, to_group, executor, start_method="spawn", manager=False):
    sig = signal.Signals(signum).name
    what = f"{sig} to the {'process group' if to_group else 'program'}, {executor}" + \
           (f" ({start_method})" if executor == "processes" else "") + \
           (", a manager" if manager else "")
    out = os.path.join(tmp, "out.json")
    if os.path.exists(out):
        os.unlink(out)
    # one worker per process, the fork server and the manager, if any
    n_procs = 0 if executor != "processes" else 2 + (start_method == "fork") + manager
    cli = subprocess.Popen([CLI, "run", profile(tmp, executor, start_method, manager),
                            "-o", out, "--json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           preexec_fn=default_signals, start_new_session=True)
    # both workers in their tasks: each has used CPU time beyond its start-up
    started = wait_until(lambda: busy_workers(cli.pid) >= 2, START_CAP_S)
    workers = [p for p in descendants(cli.pid) if alive(p)]
    t0 = time.monotonic()
    if to_group:
        os.killpg(cli.pid, signum)
    else:
        cli.send_signal(signum)
    # threads stop inside the program: then its exit is the end
    stopped = wait_until(lambda: not any(alive(p) for p in workers) and
                         (workers or cli.poll() is not None), 10)
    stop_s = time.monotonic() - t0
    try:
        stdout, stderr = cli.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        cli.kill()
        stdout, stderr = cli.communicate()
    left = [p for p in workers if os.path.exists(f"/proc/{p}")]

    ok(started and len(workers) == n_procs, f"{what}: {len(workers)} worker processes ran")
    ok(stopped and stop_s < STOP_CAP_S, f"{what}: workers stopped in {stop_s * 1000:.0f} ms")
    ok(not left, f"{what}: no worker left, no zombie", f"left: {left}")
    ok(cli.returncode == 128 + signum, f"{what}: exit status {cli.returncode}",
       stderr.decode(errors="replace").strip())
    try:
        summary = json.loads(stdout)
    except ValueError:
        summary = {}
    ok(summary.get("interrupted") is True and summary.get("tasks", {}).get("cancelled", 0) >= 1,
       f"{what}: the summary says interrupted, tasks {summary.get('tasks')}")
    try:
        with open(out) as f:
            trace = json.load(f)
    except (OSError, ValueError) as e:
        trace = {"error": str(e)}
    running = [e for e in trace.get("traceEvents", [])
               if e.get("ph") == "X" and e.get("args", {}).get("state") == "running"]
    ok(trace.get("otherData", {}).get("interrupted") == sig and running,
       f"{what}: the trace is written, marked interrupted, {len(running)} running spans",
       str(trace.get("otherData", trace.get("error"))))
    stray = [f for f in os.listdir(tmp) if f.startswith(".")]
    ok(not stray, f"{what}: no temporary file left", f"found: {stray}")


def big_trace(path, n_events):
    """A Chrome trace big enough that reading and writing it take a while."""
    with open(path, "w") as f:
        f.write('{"traceEvents":[\n')
        for i in range(n_events):
            f.write('{"ph":"X","name":"t","pid":1,"tid":%d,"ts":%d,"dur":1},\n' % (i % 4, i * 2))
        f.write('{"ph":"X","name":"t","pid":1,"tid":0,"ts":0,"dur":1}]}\n')


def interrupt_export(tmp, signum, big):
    sig = signal.Signals(signum).name
    out_dir = os.path.join(tmp, f"export-{sig}")
    os.mkdir(out_dir)
    out = os.path.join(out_dir, "out.json")
    cli = subprocess.Popen([CLI, "export", big, "-o", out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, preexec_fn=default_signals)
    # signal it while it writes: once its temporary file is there
    writing = wait_until(lambda: os.listdir(out_dir) != [] or cli.poll() is not None, 60)
    cli.send_signal(signum)
    _, stderr = cli.communicate(timeout=30)
    ok(writing and cli.returncode == 128 + signum,
       f"{sig} during export: exit status {cli.returncode}", stderr.decode(errors="replace").strip())
    ok(os.listdir(out_dir) == [], f"{sig} during export: no partial or temporary file left",
       f"found: {os.listdir(out_dir)}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        interrupt_run(tmp, signal.SIGINT, False, "processes", "spawn")
        interrupt_run(tmp, signal.SIGINT, True, "processes", "spawn")
        interrupt_run(tmp, signal.SIGTERM, False, "processes", "fork")
        interrupt_run(tmp, signal.SIGTERM, True, "processes", "fork")
        interrupt_run(tmp, signal.SIGINT, True, "processes", "spawn", manager=True)
        interrupt_run(tmp, signal.SIGTERM, True, "threads")

        big = os.path.join(tmp, "big.json")
        big_trace(big, 400000)
        interrupt_export(tmp, signal.SIGINT, big)
        interrupt_export(tmp, signal.SIGTERM, big)

    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
