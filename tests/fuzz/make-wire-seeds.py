#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpus of the wire fuzz target (tests/fuzz/wire/seeds/).

Each seed is the target's input: a header byte (low 4 bits: how many
read-size bytes follow; high 4 bits: max_workers, 0 for the default), the
read sizes (byte b reads b + 1 bytes), then a stream of 32-byte records as
workers write them (docs/wire-format.md): time_ns u64, arg0 i64, arg1 i64,
object u32, worker u16, kind u16, little-endian.

    tests/fuzz/make-wire-seeds.py [FOLDER]
"""

import os
import struct
import sys

MAGIC = 0x4552495754464557
VERSION = 1
(HELLO, BYE, WORKER_INFO, OBJECT_NEW, NAME, TASK_BEGIN, TASK_END,
 LOCK_WAIT, LOCK_ACQUIRED, LOCK_RELEASED, GIL_WAIT, GIL_ACQUIRED, GIL_RELEASED,
 QUEUE_PUT_BEGIN, QUEUE_PUT_END, QUEUE_GET_BEGIN, QUEUE_GET_END,
 IO_BEGIN, IO_END, SPAWN_BEGIN, SPAWN_END, INSTANT, COUNTER) = range(1, 24)
OBJ_LOCK, OBJ_GIL, OBJ_QUEUE, OBJ_COUNTER = 1, 2, 3, 4
SELF = 0xFFFFFFFF
T0 = 1_000_000_000


def rec(t, worker, kind, obj=0, a0=0, a1=0):
    return struct.pack('<QqqIHH', T0 + t, a0, a1, obj, worker, kind)


def name(t, worker, obj, text):
    raw = text.encode()[:16].ljust(16, b'\0')
    a0, a1 = struct.unpack('<qq', raw)
    return rec(t, worker, NAME, obj, a0, a1)


def hello(t, worker):
    return rec(t, worker, HELLO, 0, MAGIC, VERSION)


def header(sizes=(), max_workers=0):
    assert len(sizes) < 16 and max_workers < 16
    return bytes([len(sizes) | (max_workers << 4)]) + bytes(sizes)


def one_worker():
    s = hello(0, 0) + rec(1, 0, WORKER_INFO, 0, 1, 4242) + name(2, 0, SELF, 'thread 0')
    for i in range(4):
        s += rec(10 + 10 * i, 0, TASK_BEGIN, i) + rec(15 + 10 * i, 0, TASK_END, i, 0, 5)
    return s + rec(100, 0, BYE)


def contention():
    """Two workers, a lock, the GIL, a queue, a counter, I/O, instants."""
    s = hello(0, 0) + hello(0, 1)
    s += rec(1, 0, OBJECT_NEW, 1, OBJ_GIL) + name(1, 0, 1, 'GIL')
    s += rec(1, 0, OBJECT_NEW, 16, OBJ_LOCK) + name(1, 0, 16, 'counter_lock')
    s += rec(1, 0, OBJECT_NEW, 17, OBJ_QUEUE, 2) + name(1, 0, 17, 'jobs')
    s += rec(1, 0, OBJECT_NEW, 18, OBJ_COUNTER, 0) + name(1, 0, 18, 'a long counter name, in pieces')
    s += rec(2, 0, SPAWN_BEGIN) + rec(5, 0, SPAWN_END)
    s += rec(6, 0, TASK_BEGIN, 1) + rec(6, 1, TASK_BEGIN, 2)
    s += rec(7, 0, GIL_WAIT, 1) + rec(7, 0, GIL_ACQUIRED, 1)
    s += rec(8, 1, GIL_WAIT, 1)
    s += rec(9, 0, LOCK_WAIT, 16) + rec(9, 0, LOCK_ACQUIRED, 16)
    s += rec(10, 0, COUNTER, 18, 1) + rec(11, 0, LOCK_RELEASED, 16)
    s += rec(12, 0, GIL_RELEASED, 1) + rec(12, 1, GIL_ACQUIRED, 1)
    s += rec(13, 0, QUEUE_PUT_BEGIN, 17) + rec(14, 0, QUEUE_PUT_END, 17, 1, 77)
    s += rec(15, 1, QUEUE_GET_BEGIN, 17) + rec(16, 1, QUEUE_GET_END, 17, 0, 77)
    s += rec(17, 1, IO_BEGIN, 2, 100) + rec(20, 1, IO_END, 2, 100)
    s += rec(21, 1, INSTANT, 5, 1, 2) + rec(22, 1, GIL_RELEASED, 1)
    s += rec(23, 0, TASK_END, 1, 1, 10) + rec(24, 1, TASK_END, 2, 2, 12)
    return s + rec(30, 0, BYE) + rec(30, 1, BYE)


def faults():
    """Rejected records, garbage between records, a worker that never says BYE."""
    s = hello(0, 0) + hello(0, 3)
    s += rec(5, 0, TASK_BEGIN, 1)
    s += rec(6, 0, 99, 1)                       # unknown kind
    s += rec(7, 4000, TASK_BEGIN, 1)            # worker out of range (max_workers 4)
    s += rec(2, 0, TASK_END, 1)                 # time went backwards
    s += b'\xde\xad\xbe\xef\x00\x11\x22'         # foreign bytes
    s += rec(8, 0, TASK_END, 1)
    s += rec(9, 3, LOCK_RELEASED, 16)           # unmatched end
    s += rec(10, 3, HELLO, 0, 1, 1)             # a bad second handshake
    s += rec(11, 3, TASK_BEGIN, 9)              # left open
    return s + rec(12, 0, BYE)


def nested():
    s = hello(0, 0)
    for d in range(8):
        s += rec(1 + d, 0, TASK_BEGIN, d)
    for d in reversed(range(8)):
        s += rec(20 - d, 0, TASK_END, d)
    return s + rec(30, 0, BYE)


SEEDS = {
    'one-worker-one-read': header() + one_worker(),
    'one-worker-small-reads': header((0, 6, 30, 31, 32)) + one_worker(),
    'contention-odd-reads': header((12, 200, 3)) + contention(),
    'contention-one-read': header() + contention(),
    'faults-four-workers': header((31,), 4) + faults(),
    'nested-spans': header((63, 1)) + nested(),
    'truncated-record': header((9,)) + one_worker()[:-5],
    'not-weft': header() + rec(0, 0, TASK_BEGIN) + one_worker(),
    'wrong-version': header() + rec(0, 0, HELLO, 0, MAGIC, 99) + one_worker()[32:],
    'empty-stream': header((3,)),
}


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'wire', 'seeds')
    os.makedirs(folder, exist_ok=True)
    for seed, data in SEEDS.items():
        with open(os.path.join(folder, seed + '.bin'), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
