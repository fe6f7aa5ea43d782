# Weft calibration: how long a multiprocessing worker takes to start, from
# Process.start() to the first line of its target, with spawn and with fork.
# Prints one JSON object; the median of REPEATS starts of one worker each.
# A spawned worker imports its program's main module again: this one imports
# what a concurrent program does (the modules Weft's Python translation
# imports), which is a third of a spawned worker's start-up.
import asyncio  # noqa: F401
import concurrent.futures  # noqa: F401
import ctypes  # noqa: F401
import json
import queue  # noqa: F401
import threading  # noqa: F401
import multiprocessing as mp
import statistics
import sys
import time

REPEATS = 5


def ready(conn):
    conn.send(time.monotonic())
    conn.close()


def start_ms(method):
    ctx = mp.get_context(method)
    parent, child = ctx.Pipe(duplex=False)
    t0 = time.monotonic()
    p = ctx.Process(target=ready, args=(child,))
    p.start()
    t1 = parent.recv()
    p.join()
    return (t1 - t0) * 1e3


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else REPEATS
    out = {m + "_start_ms": statistics.median(start_ms(m) for _ in range(repeats))
           for m in ("spawn", "fork")}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
