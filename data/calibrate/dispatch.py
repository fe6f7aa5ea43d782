# Weft calibration: what a process pool spends on each task it hands out,
# in CPU time: the parent's (apply_async, its task, result and worker
# handler threads, the result's get) and the worker's (taking the task,
# sending its result). A pool of one worker per core runs N tasks of
# TASK_MS of CPU one by one (apply_async each, as Weft's translation does),
# and the same tasks in one chunk per worker; the difference per task is
# the dispatch. Prints one JSON object; the median of REPEATS.
import json
import multiprocessing as mp
import os
import resource
import statistics
import sys
import time

N = 200
TASK_MS = 0.5
REPEATS = 5


def busy(ms):
    end = time.thread_time() + ms / 1e3
    while time.thread_time() < end:
        pass


def cpu_s(who):
    u = resource.getrusage(who)
    return u.ru_utime + u.ru_stime


def pool_cpu(workers, one_by_one):
    """The parent's and the workers' CPU seconds for the N tasks, a pool's
    start and end included (the same in both ways of sending them)"""
    parent, children = cpu_s(resource.RUSAGE_SELF), cpu_s(resource.RUSAGE_CHILDREN)
    with mp.get_context("fork").Pool(workers) as pool:
        if one_by_one:
            for r in [pool.apply_async(busy, (TASK_MS,)) for _ in range(N)]:
                r.get()
        else:
            pool.map(busy, [TASK_MS] * N, chunksize=N // workers)
        pool.close()
        pool.join()
    return (cpu_s(resource.RUSAGE_SELF) - parent, cpu_s(resource.RUSAGE_CHILDREN) - children)


def per_task_us(workers):
    parent_a, workers_a = pool_cpu(workers, True)
    parent_b, workers_b = pool_cpu(workers, False)
    return (max(parent_a - parent_b, 1e-6) / N * 1e6, max(workers_a - workers_b, 1e-6) / N * 1e6)


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else REPEATS
    workers = os.cpu_count() or 1
    runs = [per_task_us(workers) for _ in range(repeats)]
    print(json.dumps({"dispatch_parent_us": statistics.median(r[0] for r in runs),
                      "dispatch_us": statistics.median(r[1] for r in runs)}))


if __name__ == "__main__":
    main()
