# Weft calibration: the cost of handing one task to a process pool, from a
# pool of one worker running N empty tasks one by one against the same N in
# one batch. Prints one JSON object; the median of REPEATS.
import json
import multiprocessing as mp
import statistics
import sys
import time

N = 400
REPEATS = 5


def nothing(x):
    return x


def per_task_us(pool):
    t0 = time.perf_counter()
    pool.map(nothing, range(N), chunksize=1)
    one_by_one = time.perf_counter() - t0
    t0 = time.perf_counter()
    pool.map(nothing, range(N), chunksize=N)
    batched = time.perf_counter() - t0
    return max(one_by_one - batched, 0.0) / N * 1e6


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else REPEATS
    with mp.get_context("fork").Pool(1) as pool:
        pool.map(nothing, range(10))
        out = {"dispatch_us": statistics.median(per_task_us(pool) for _ in range(repeats))}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
