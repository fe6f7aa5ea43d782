# Weft calibration: what pickling costs, per megabyte of a list of ints
# (dumps and loads, as a payload crossing to a worker is), the share of it
# that is loads (the receiver's), and per small object. Prints one JSON
# object; the median of REPEATS.
import json
import pickle
import statistics
import sys
import time

REPEATS = 5
INTS = 200_000


def dumps_loads_ms_per_mb():
    data = list(range(INTS))
    t0 = time.perf_counter()
    blob = pickle.dumps(data)
    t1 = time.perf_counter()
    pickle.loads(blob)
    t2 = time.perf_counter()
    mb = len(blob) / 1e6
    return (t1 - t0) * 1e3 / mb, (t2 - t1) * 1e3 / mb


def object_us():
    n = 20_000
    t0 = time.perf_counter()
    for i in range(n):
        pickle.loads(pickle.dumps((i, "task")))
    return (time.perf_counter() - t0) / n * 1e6


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else REPEATS
    runs = [dumps_loads_ms_per_mb() for _ in range(repeats)]
    out = {"pickle_ms_per_mb": statistics.median(d + l for d, l in runs),
           "unpickle_share": statistics.median(l / (d + l) for d, l in runs),
           "pickle_object_us": statistics.median(object_us() for _ in range(repeats))}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
