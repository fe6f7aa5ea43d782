# Weft calibration: one small message through a multiprocessing Pipe, one
# way (half of a round trip to a forked echo process). Prints one JSON
# object; the median of REPEATS.
import json
import multiprocessing as mp
import statistics
import sys
import time

N = 2000
REPEATS = 5


def echo(conn):
    while True:
        msg = conn.recv()
        if msg is None:
            return
        conn.send(msg)


def one_way_us(conn):
    t0 = time.perf_counter()
    for i in range(N):
        conn.send(i)
        conn.recv()
    return (time.perf_counter() - t0) / N / 2 * 1e6


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else REPEATS
    ctx = mp.get_context("fork")
    here, there = ctx.Pipe()
    p = ctx.Process(target=echo, args=(there,))
    p.start()
    out = {"pipe_message_us": statistics.median(one_way_us(here) for _ in range(repeats))}
    here.send(None)
    p.join()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
