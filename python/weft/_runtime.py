# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs a Weft workload profile as real Python code.

`weft-cli run PROFILE --runtime cpython` starts this file under the chosen
Python, recorded by Weft's preload library (so the real GIL, locks and
threads are seen), with the profile as Weft saves it (every key explicit)::

    python3 _runtime.py PROFILE.json RESULT.json

The tasks run on the executor the profile names: threads on a
`concurrent.futures.ThreadPoolExecutor`, processes on a `multiprocessing`
pool of the profile's start method, a main loop as `asyncio` coroutines
(`gather`, or a `TaskGroup` when a failure cancels the siblings). Steps are
real Python: `cpu` is `sum(i * i for i in range(n))` with n calibrated to the
step's milliseconds, `io` is `time.sleep` (`asyncio.sleep` on a main loop
unless blocking), `lock`, `put`, `get` use `threading.Lock` and
`queue.Queue` (their `multiprocessing` and `asyncio` kinds), a counter is a
Python object's `value += 1`, a `multiprocessing.Value`/`Array` across
processes, a manager's `Value` for the manager backend. Tasks and I/O waits
are marked with the `weft` module, so they show as on a model run.

What the program measured itself (its counters, tasks, wall time) is written
to RESULT.json. docs/cpython-runtime.md describes the translation.
"""

import _thread
import asyncio
import concurrent.futures
import ctypes
import json
import multiprocessing
import multiprocessing.synchronize
import queue
import sys
import threading
import time

import weft

SUSPENDED, FAILED, CANCELLED = 3, 1, 2
_loop_lag = [None]   # the latest an asyncio sleep woke after it was due, in ns
ARRAY_STRIDE = 7919   # an array's increments go round it, each worker from its own place


# ---- marks -------------------------------------------------------------------

def _mark_functions():
    lib = weft._lib
    if lib is None:
        return None, None, None
    try:
        end_status, io_begin, io_end = lib.weft_record_end_status, lib.weft_record_io_begin, lib.weft_record_io_end
    except AttributeError:
        return None, None, None
    end_status.argtypes = [ctypes.c_uint32, ctypes.c_int]
    io_begin.argtypes = io_end.argtypes = [ctypes.c_uint32]
    end_status.restype = io_begin.restype = io_end.restype = None
    return end_status, io_begin, io_end


_end_status, _io_begin, _io_end = _mark_functions()


def end_task(region_id, status):
    if _end_status is not None and region_id:
        _end_status(region_id, status)
    else:
        weft.end(region_id)


def io_begin(region_id):
    if _io_begin is not None:
        _io_begin(region_id)


def io_end(region_id):
    if _io_end is not None:
        _io_end(region_id)


# ---- the work ------------------------------------------------------------------

def count_increments(increments, name, times, ns):
    """A task's increments of counter @name, and (under (name, "ns")) the
    time they took, which the report turns into ns per operation."""
    increments[name] = increments.get(name, 0) + times
    increments[(name, "ns")] = increments.get((name, "ns"), 0) + ns


PAYLOAD_INT = 1 << 16     # pickled as BININT: 5 bytes, a new int object when unpickled
PAYLOAD_MAX = 16 << 20    # beyond this a payload is bytes: such a list would take gigabytes
_payloads = {}


def payload(nbytes):
    """What a process boundary prices as Weft's model does: a list of ints
    that pickles to about @nbytes (references to one int, so that making it
    costs little; unpickled, it is a list of distinct ints). Made once per
    size, before the run is timed."""
    nbytes = int(nbytes)
    if nbytes > PAYLOAD_MAX:
        return bytes(nbytes)
    if nbytes not in _payloads:
        _payloads[nbytes] = [PAYLOAD_INT] * (nbytes // 5)
    return _payloads[nbytes]


def payload_bytes(steps):
    """A task's arguments' payload, as the model counts it: its transfer steps"""
    return sum(int(p["bytes"]) for step in steps for kind, p in step.items() if kind == "transfer")


def spin(n):
    return sum(i * i for i in range(n))


def calibrate():
    """Iterations of spin() per millisecond on this Python (best of 7)."""
    n = 20000
    spin(n)
    best = None
    for _ in range(7):
        t0 = time.perf_counter_ns()
        spin(n)
        dt = time.perf_counter_ns() - t0
        best = dt if best is None else min(best, dt)
    return n * 1e6 / max(best, 1)


class Box:
    """A counter shared by threads: `box.value += 1` is Python's own `+=`."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class TaskFailed(Exception):
    pass


class Sentinel:
    """Ends a for_each; it survives pickling as itself."""
    def __reduce__(self):
        return (Sentinel, ())

    def __eq__(self, other):
        return isinstance(other, Sentinel)

    __hash__ = object.__hash__


class Worker:
    """Runs steps in a thread or a process: the shared objects, the rate."""

    def __init__(self, objects, rate, index=0):
        self.objects = objects
        self.rate = rate
        self.index = index
        self.increments = {}
        self.crossed = False   # a process pool's task: its payload came with it

    def run_steps(self, steps, region):
        for step in steps:
            (kind, p), = step.items()
            getattr(self, "step_" + kind)(p, region)

    def step_cpu(self, p, region):
        spin(int(round(p["ms"] * self.rate)) if "ms" in p else int(p["iterations"]))

    def step_io(self, p, region):
        io_begin(region)
        time.sleep(p["ms"] / 1000.0)
        self.io_ns += int(p["ms"] * 1e6)   # as asked: the sleep's own end retakes the GIL
        io_end(region)

    def step_increment(self, p, region):
        name, times = p["counter"], int(p.get("times", 1))
        c = self.objects[name]
        start = time.perf_counter_ns()
        if isinstance(c, list) or hasattr(c, "__len__"):
            n = len(c)
            for i in range(times):
                c[(i + self.index * ARRAY_STRIDE) % n] += 1
        else:
            for _ in range(times):
                c.value += 1
        count_increments(self.increments, name, times, time.perf_counter_ns() - start)

    def step_lock(self, p, region):
        with self.objects[p["name"]]:
            self.run_steps(p["steps"], region)

    def step_put(self, p, region):
        q, item = self.objects[p["queue"]], payload(p.get("bytes", 0))
        for _ in range(int(p.get("items", 1))):
            q.put(item)

    def step_get(self, p, region):
        q = self.objects[p["queue"]]
        for _ in range(int(p.get("items", 1))):
            q.get()

    def step_for_each(self, p, region):
        q = self.objects[p["queue"]]
        while not isinstance(q.get(), Sentinel):
            self.run_steps(p["steps"], region)

    def step_repeat(self, p, region):
        for _ in range(int(p["times"])):
            self.run_steps(p["steps"], region)

    def step_transfer(self, p, region):
        # on a process pool the payload came with the task's arguments
        # (pickled, then unpickled before the task began); in a thread or a
        # coroutine nothing crosses a boundary, and it is copied
        if not self.crossed:
            bytes(int(p["bytes"]))

    def step_fail(self, p, region):
        raise TaskFailed(p["message"])

    def run_task(self, name, steps, cancelled=None):
        """One task instance: (status, error, increments, work_ns, payload);
        its work is its thread's CPU time plus its I/O waits as the profile
        asks them (what a serial run would wait)."""
        self.increments, self.io_ns = {}, 0
        region = weft.begin(name)
        if cancelled is not None and cancelled.is_set():
            end_task(region, CANCELLED)
            return "cancelled", None, {}, 0
        cpu0 = time.thread_time_ns()
        status, error = "ok", None
        try:
            self.run_steps(steps, region)
        except TaskFailed as e:
            status, error = "failed", f"{name}: {e}"
            if cancelled is not None:
                cancelled.set()
        work = time.thread_time_ns() - cpu0 + self.io_ns
        end_task(region, FAILED if error else 0)
        return status, error, self.increments, work


# ---- processes: the pool's workers find their objects here ---------------------

_process_worker = None


def name_locks(objects):
    """Names the profile's locks to the recording, in this process (a spawned
    child's semaphores are at other addresses than its parent's): a
    recording draws them as locks, each acquisition and hold, not as the
    semaphores they are in CPython."""
    for name, o in objects.items():
        if isinstance(o, (multiprocessing.synchronize.Lock, _thread.LockType)):
            weft.name_lock(o, name)


def _process_init(objects, rate, cancelled, counter):
    global _process_worker
    name_locks(objects)
    with counter.get_lock():
        index = counter.value
        counter.value += 1
    _process_worker = Worker(objects, rate, index)
    _process_worker.cancelled = cancelled


def _process_task(name, steps, cancel_on_error, arguments):
    """@arguments: the task's payload, unpickled by the pool before this ran"""
    w = _process_worker
    w.crossed = True
    return w.run_task(name, steps, w.cancelled if cancel_on_error else None)


def _run_stage(objects, rate, stage, sentinels, index, barrier):
    """One worker of a pipeline stage; the last of its stage to end puts the
    sentinels into its output."""
    r = Worker(objects, rate, index).run_task(stage["name"], stage["steps"])
    if barrier.wait() == 0:
        for _ in range(sentinels):
            objects[stage["output"]].put(Sentinel())
    return r


def _stage_process(objects, rate, stage, sentinels, index, barrier, results):
    name_locks(objects)
    results.put(_run_stage(objects, rate, stage, sentinels, index, barrier))


# ---- asyncio -----------------------------------------------------------------------

class Coroutine:
    """One task on the main loop: its stretches between waits are its spans."""

    def __init__(self, objects, rate, name):
        self.objects, self.rate, self.name = objects, rate, name
        self.increments = {}
        self.region = 0
        self.work_ns = 0
        self.cpu0 = 0

    async def wait(self, awaitable):
        """Awaits: the coroutine's span ends (suspended) until it goes on;
        its CPU time is counted per stretch."""
        self.work_ns += time.thread_time_ns() - self.cpu0
        end_task(self.region, SUSPENDED)
        io_begin(self.region)
        try:
            return await awaitable
        finally:
            io_end(self.region)
            self.region = weft.begin(self.name)
            self.cpu0 = time.thread_time_ns()

    async def run_steps(self, steps):
        for step in steps:
            (kind, p), = step.items()
            await getattr(self, "step_" + kind)(p)

    async def step_cpu(self, p):
        spin(int(round(p["ms"] * self.rate)) if "ms" in p else int(p["iterations"]))

    async def step_io(self, p):
        asked = int(p["ms"] * 1e6)
        if p.get("blocking"):
            io_begin(self.region)
            time.sleep(p["ms"] / 1000.0)
            io_end(self.region)
        else:
            start = time.perf_counter_ns()
            try:
                await self.wait(asyncio.sleep(p["ms"] / 1000.0))
            except asyncio.CancelledError:
                # a cancelled task's wait counts as far as it went
                self.work_ns += min(time.perf_counter_ns() - start, asked)
                raise
            # the loop's lag: how late it got round to this wake-up
            late = max(time.perf_counter_ns() - start - asked, 0)
            _loop_lag[0] = late if _loop_lag[0] is None else max(_loop_lag[0], late)
        self.work_ns += asked   # the wait as asked

    async def step_increment(self, p):
        name, times = p["counter"], int(p.get("times", 1))
        c = self.objects[name]
        start = time.perf_counter_ns()
        if isinstance(c, list):
            for i in range(times):
                c[i % len(c)] += 1
        else:
            for _ in range(times):
                c.value += 1
        count_increments(self.increments, name, times, time.perf_counter_ns() - start)

    async def step_lock(self, p):
        lock = self.objects[p["name"]]
        if lock.locked():
            await self.wait(lock.acquire())
        else:
            await lock.acquire()
        try:
            await self.run_steps(p["steps"])
        finally:
            lock.release()

    async def step_put(self, p):
        q, item = self.objects[p["queue"]], payload(p.get("bytes", 0))
        for _ in range(int(p.get("items", 1))):
            if q.full():
                await self.wait(q.put(item))
            else:
                q.put_nowait(item)

    async def step_get(self, p):
        q = self.objects[p["queue"]]
        for _ in range(int(p.get("items", 1))):
            await self.get(q)

    async def get(self, q):
        return await self.wait(q.get()) if q.empty() else q.get_nowait()

    async def step_for_each(self, p):
        q = self.objects[p["queue"]]
        while not isinstance(await self.get(q), Sentinel):
            await self.run_steps(p["steps"])

    async def step_repeat(self, p):
        for _ in range(int(p["times"])):
            await self.run_steps(p["steps"])

    async def step_transfer(self, p):
        bytes(int(p["bytes"]))

    async def step_fail(self, p):
        raise TaskFailed(p["message"])

    async def run(self, started):
        self.region = weft.begin(self.name)
        self.cpu0 = time.thread_time_ns()
        started.append(self)
        try:
            await self.run_steps(self.steps)
        except TaskFailed as e:
            self.work_ns += time.thread_time_ns() - self.cpu0
            end_task(self.region, FAILED)
            return "failed", f"{self.name}: {e}", self.increments, self.work_ns
        except asyncio.CancelledError:
            end_task(self.region, CANCELLED)
            raise
        self.work_ns += time.thread_time_ns() - self.cpu0
        end_task(self.region, 0)
        return "ok", None, self.increments, self.work_ns


class PollingCoroutine(Coroutine):
    """A worker of a main-loop stage: its queues and locks are shared with
    threads or processes, so one that is empty, full or held is tried again
    after 1 ms, backing off to 10 ms, the coroutine suspended meanwhile (as
    on Weft's model's main loop)."""

    async def poll(self, attempt, marked=True):
        delay = 0.001
        while True:
            try:
                return attempt()
            except (queue.Empty, queue.Full):
                pass
            await (self.wait(asyncio.sleep(delay)) if marked else asyncio.sleep(delay))
            delay = min(delay * 2, 0.010)

    async def step_put(self, p):
        q, item = self.objects[p["queue"]], payload(p.get("bytes", 0))
        for _ in range(int(p.get("items", 1))):
            await self.poll(lambda: q.put_nowait(item))

    async def get(self, q):
        return await self.poll(q.get_nowait)

    async def step_lock(self, p):
        lock = self.objects[p["name"]]

        def take():
            if not lock.acquire(False):
                raise queue.Empty
        await self.poll(take)
        try:
            await self.run_steps(p["steps"])
        finally:
            lock.release()


# ---- the run ---------------------------------------------------------------------------

class Runtime:
    def __init__(self, profile):
        self.profile = profile
        self.rate = calibrate()
        self.results = []          # (status, error, increments)
        self.manager = None
        self.instances = [(t["name"], t["steps"]) for t in profile.get("tasks", []) for _ in range(int(t["count"]))]
        crossing = profile["executor"] == "processes" and not profile.get("stages")
        self.arguments = [payload(payload_bytes(steps)) if crossing else None for _, steps in self.instances]

    def make_objects(self, kind, ctx=None):
        objects = {}
        for name, o in self.profile.get("objects", {}).items():
            objects[name] = self.make_object(kind, ctx, o)
        name_locks(objects)
        return objects

    def make_object(self, kind, ctx, o):
        if o["kind"] == "counter":
            initial, length = int(o.get("initial", 0)), int(o.get("length", 1))
            if o.get("backend") == "manager":
                if self.manager is None:
                    self.manager = (ctx or multiprocessing).Manager()
                return self.manager.Value("q", initial)
            if kind == "processes":
                return ctx.Value("q", initial, lock=False) if length == 1 else ctx.Array("q", [initial] * length, lock=False)
            return Box(initial) if length == 1 else [initial] * length
        if o["kind"] == "lock":
            return {"threads": threading.Lock, "mainloop": asyncio.Lock}.get(kind, getattr(ctx, "Lock", None))()
        capacity = int(o.get("capacity", 0))
        if kind == "processes":
            return ctx.Queue(capacity)
        return asyncio.Queue(capacity) if kind == "mainloop" else queue.Queue(capacity)

    def run(self):
        p = self.profile
        t0 = time.perf_counter_ns()
        if p.get("stages"):
            objects = self.run_pipeline()
        else:
            objects = getattr(self, "run_" + p["executor"])()
        wall = time.perf_counter_ns() - t0
        return self.report(objects, wall)

    def run_threads(self, objects=None):
        p = self.profile
        objects = objects if objects is not None else self.make_objects("threads")
        cancelled = threading.Event() if p["cancel_on_error"] else None
        local = threading.local()
        indices = iter(range(1 << 30))

        def task(name, steps):
            w = getattr(local, "worker", None)
            if w is None:
                w = local.worker = Worker(objects, self.rate, next(indices))
            return w.run_task(name, steps, cancelled)

        with concurrent.futures.ThreadPoolExecutor(max_workers=int(p["workers"])) as pool:
            futures = [pool.submit(task, name, steps) for name, steps in self.instances]
            self.results += [f.result() for f in futures]
        return objects

    def run_processes(self):
        p = self.profile
        ctx = multiprocessing.get_context(p["start_method"])
        objects = self.make_objects("processes", ctx)
        cancelled, counter = ctx.Event(), ctx.Value("i", 0)
        with ctx.Pool(int(p["workers"]), _process_init, (objects, self.rate, cancelled, counter)) as pool:
            pending = [pool.apply_async(_process_task, (name, steps, p["cancel_on_error"], arguments))
                       for (name, steps), arguments in zip(self.instances, self.arguments)]
            for r in pending:
                self.results.append(r.get())
        return objects

    def run_mainloop(self):
        objects = self.make_objects("mainloop")
        self.results += asyncio.run(self.main_loop(objects))
        return objects

    async def main_loop(self, objects):
        coros = []
        for name, steps in self.instances:
            c = Coroutine(objects, self.rate, name)
            c.steps = steps
            coros.append(c)
        started = []
        if not self.profile["cancel_on_error"]:
            return await asyncio.gather(*(c.run(started) for c in coros))
        return await self.task_group(coros, started)

    async def task_group(self, coros, started):
        """A failure cancels the siblings: asyncio.TaskGroup where the Python
        has one (3.11+), else the same by asyncio.wait(FIRST_EXCEPTION)."""
        failure = None
        if hasattr(asyncio, "TaskGroup"):
            tasks = []
            try:
                async with asyncio.TaskGroup() as group:
                    tasks = [group.create_task(self.fail_loudly(c, started)) for c in coros]
            except Exception as eg:   # an ExceptionGroup of the TaskFailed
                failure = str(getattr(eg, "exceptions", [eg])[0])
        else:
            tasks = [asyncio.ensure_future(self.fail_loudly(c, started)) for c in coros]
            await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        results = []
        for c, t in zip(coros, tasks):
            if t.cancelled():
                results.append(("cancelled" if c in started else "not started", None, c.increments, c.work_ns))
            elif t.exception() is not None:
                results.append(("failed", failure or t.exception().args[0], c.increments, c.work_ns))
            else:
                results.append(t.result())
        return results

    @staticmethod
    async def fail_loudly(c, started):
        r = await c.run(started)
        if r[0] == "failed":
            raise TaskFailed(r[1])
        return r

    def run_pipeline(self):
        """Every stage worker at once: a thread, a process of the profile's
        start method for a stage on processes (then the queues, locks and
        counters are multiprocessing's, for the threads too), a coroutine on
        one asyncio loop (in a thread of its own) for a main-loop stage."""
        p = self.profile
        stages = p.get("stages", [])
        crossing = any(s.get("executor", p["executor"]) == "processes" for s in stages)
        ctx = multiprocessing.get_context(p["start_method"]) if crossing else None
        objects = self.make_objects("processes", ctx) if crossing else self.make_objects("threads")
        results = ctx.Queue() if crossing else None
        workers, barriers, n_processes = [], [], 0
        loop_stages = [s for s in stages if s.get("executor", p["executor"]) == "mainloop"]
        if loop_stages:
            workers.append(threading.Thread(
                target=lambda: self.results.extend(asyncio.run(self.loop_stages(objects, loop_stages))),
                name="main loop"))
        for s in stages:
            if s in loop_stages:
                continue
            n = int(s["workers"])
            barrier = ctx.Barrier(n) if crossing else threading.Barrier(n)
            barriers.append(barrier)   # a spawned child finds a dropped one's semaphores gone
            for i in range(n):
                args = (objects, self.rate, s, self.sentinels_for(s), i, barrier)
                if s.get("executor", p["executor"]) == "processes":
                    workers.append(ctx.Process(target=_stage_process, args=args + (results,), name=f"{s['name']}-{i}"))
                    n_processes += 1
                else:
                    workers.append(threading.Thread(target=lambda *a: self.results.append(_run_stage(*a)),
                                                    args=args, name=f"{s['name']}-{i}"))
        for w in workers:
            w.start()
        if self.instances:
            self.run_threads(objects)
        self.collect(results, n_processes, [w for w in workers if not isinstance(w, threading.Thread)])
        for w in workers:
            w.join()
        return objects

    def collect(self, results, n, processes):
        """The stage processes' results; one that died reports its exit code."""
        got = 0
        while got < n:
            try:
                self.results.append(results.get(timeout=0.5))
                got += 1
            except queue.Empty:
                if all(not pr.is_alive() for pr in processes):
                    break
        for pr in processes:
            pr.join()
            if pr.exitcode:
                self.results.append(("failed", f"{pr.name}: the process ended with exit code {pr.exitcode}", {}, 0))

    async def loop_stages(self, objects, stages):
        """The main-loop stages' workers, coroutines on one loop; the last of
        a stage's to end puts the sentinels into its output."""
        async def worker(stage, left):
            c = PollingCoroutine(objects, self.rate, stage["name"])
            c.steps = stage["steps"]
            r = await c.run([])
            left[0] -= 1
            if left[0] == 0:
                for _ in range(self.sentinels_for(stage)):
                    await c.poll(lambda: objects[stage["output"]].put_nowait(Sentinel()), marked=False)
            return r

        coros = []
        for s in stages:
            left = [int(s["workers"])]
            coros += [worker(s, left) for _ in range(int(s["workers"]))]
        return await asyncio.gather(*coros)

    def sentinels_for(self, stage):
        """One per worker of the stage that reads the stage's output"""
        if not stage.get("output"):
            return 0
        consumer = next((s for s in self.profile["stages"] if self.reads(s, stage["output"])), None)
        return int(consumer["workers"]) if consumer else 1

    @staticmethod
    def reads(stage, queue_name):
        def walk(steps):
            for step in steps:
                (kind, p), = step.items()
                if kind == "for_each" and p["queue"] == queue_name:
                    return True
                if "steps" in p and walk(p["steps"]):
                    return True
            return False
        return walk(stage["steps"])

    def report(self, objects, wall):
        counters = []
        for name, o in self.profile.get("objects", {}).items():
            if o["kind"] != "counter":
                continue
            c = objects[name]
            values = list(c) if isinstance(c, list) or hasattr(c, "__len__") else [c.value]
            actual = sum(values)
            done = sum(r[2].get(name, 0) for r in self.results)
            expected = int(o.get("initial", 0)) * int(o.get("length", 1)) + done
            ns = sum(r[2].get((name, "ns"), 0) for r in self.results)
            weft.counter(name, actual)
            counters.append({"name": name, "backend": o.get("backend", "memory"), "expected": expected,
                             "actual": actual, "ns_per_op": ns / done if done else 0})
        if self.manager is not None:
            self.manager.shutdown()
        statuses = [r[0] for r in self.results]
        return {
            "python": sys.version.split()[0],
            "implementation": sys.implementation.name,
            "gil": bool(getattr(sys, "_is_gil_enabled", lambda: True)()),
            "iterations_per_ms": self.rate,
            "wall_ns": wall,
            "work_ns": sum(r[3] for r in self.results),
            "tasks_ok": statuses.count("ok"),
            "tasks_failed": statuses.count("failed"),
            "tasks_cancelled": statuses.count("cancelled"),
            "tasks_not_started": statuses.count("not started"),
            "errors": [r[1] for r in self.results if r[1]],
            "counters": counters,
            "loop_max_lag_ns": _loop_lag[0],
        }


def main(argv):
    if len(argv) != 3:
        print("usage: _runtime.py PROFILE.json RESULT.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        profile = json.load(f)
    weft.name_thread("main")
    result = Runtime(profile).run()
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
