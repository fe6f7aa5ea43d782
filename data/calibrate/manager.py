# Weft calibration: the CPU time one call of a manager's proxy costs (a
# request to the manager process and its reply; a `Manager().Value`'s
# `.value += 1` is two calls), the client's and the manager's together,
# user and system, with two clients per core keeping the machine busy (as a
# pool of workers sharing a manager does), beyond a bare round trip of a few
# bytes over a socket under the same load, which Weft's model makes for real.
# Prints one JSON object; the median of REPEATS.
import json
import multiprocessing as mp
import os
import socket
import statistics
import sys

N = 1000


def client(value):
    for _ in range(N):
        value.value += 1


def cpu_s():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def call_us(ctx, n_clients):
    before = cpu_s()
    with ctx.Manager() as manager:
        value = manager.Value("q", 0)
        clients = [ctx.Process(target=client, args=(value,)) for _ in range(n_clients)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
    # the clients and the manager have been reaped: their times are counted
    return (cpu_s() - before) / (n_clients * N * 2) * 1e6


def echo(end):
    for _ in range(2 * N):
        end.recv(16)
        end.send(b"r" * 16)


def bare(end):
    for _ in range(2 * N):
        end.send(b"q" * 16)
        end.recv(16)


def bare_us(ctx, n_clients):
    before = cpu_s()
    pairs = [socket.socketpair() for _ in range(n_clients)]
    procs = [ctx.Process(target=echo, args=(b,)) for _, b in pairs]
    procs += [ctx.Process(target=bare, args=(a,)) for a, _ in pairs]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    for a, b in pairs:
        a.close()
        b.close()
    return (cpu_s() - before) / (n_clients * N * 2) * 1e6


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    ctx = mp.get_context("fork")
    n_clients = 2 * (os.cpu_count() or 1)
    calls = statistics.median(call_us(ctx, n_clients) for _ in range(repeats))
    base = statistics.median(bare_us(ctx, n_clients) for _ in range(repeats))
    print(json.dumps({"manager_call_us": max(calls - base, 1.0)}))


if __name__ == "__main__":
    main()
