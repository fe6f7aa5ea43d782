# SPDX-License-Identifier: GPL-3.0-or-later
"""Explicit marks for a Python program recorded by `weft-cli record`.

`weft-cli record` puts this module on PYTHONPATH. Its calls go, through
ctypes, to the functions Weft's preload library exports; in a program that
Weft does not record they are no-ops costing one test::

    import weft

    with weft.region("parse"):
        ...

    @weft.traced
    def fetch(url): ...

    weft.instant("checkpoint")
    weft.counter("queue depth", len(q))
    weft.name_lock(lock, "cache lock")

Importing the module also names every Python thread's lane after its
`threading` name (threads started from then on, and the current one).
"""

import _thread
import ctypes
import functools
import sys
import threading

__all__ = ["active", "begin", "end", "region", "traced", "instant", "counter", "name_thread", "name_lock"]


def _load():
    try:
        lib = ctypes.CDLL(None)
        begin_fn = lib.weft_record_begin
    except (OSError, AttributeError):
        return None
    begin_fn.argtypes = [ctypes.c_char_p]
    begin_fn.restype = ctypes.c_uint32
    lib.weft_record_end.argtypes = [ctypes.c_uint32]
    lib.weft_record_end.restype = None
    lib.weft_record_instant.argtypes = [ctypes.c_char_p]
    lib.weft_record_instant.restype = None
    lib.weft_record_counter.argtypes = [ctypes.c_char_p, ctypes.c_int64]
    lib.weft_record_counter.restype = None
    lib.weft_record_thread_name.argtypes = [ctypes.c_char_p]
    lib.weft_record_thread_name.restype = None
    try:
        lib.weft_record_name_lock.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.weft_record_name_lock.restype = ctypes.c_int
    except AttributeError:
        pass
    return lib


_lib = _load()
active = _lib is not None


def begin(name):
    """Begins a region on this thread's lane; returns its id for end()."""
    if _lib is None:
        return 0
    return _lib.weft_record_begin(name.encode())


def end(region_id):
    """Ends the region begin() returned region_id for."""
    if _lib is not None and region_id:
        _lib.weft_record_end(region_id)


class region:
    """A context manager: `with weft.region("name"): ...`"""

    __slots__ = ("name", "id")

    def __init__(self, name):
        self.name = name
        self.id = 0

    def __enter__(self):
        self.id = begin(self.name)
        return self

    def __exit__(self, *exc):
        end(self.id)
        return False


def traced(func=None, *, name=None):
    """A decorator: each call of the function is a region named after it."""
    def wrap(f):
        label = name or f.__qualname__

        @functools.wraps(f)
        def inner(*args, **kwargs):
            if _lib is None:
                return f(*args, **kwargs)
            rid = _lib.weft_record_begin(label.encode())
            try:
                return f(*args, **kwargs)
            finally:
                _lib.weft_record_end(rid)
        return inner
    return wrap(func) if func is not None else wrap


def instant(name):
    if _lib is not None:
        _lib.weft_record_instant(name.encode())


def counter(name, value):
    if _lib is not None:
        _lib.weft_record_counter(name.encode(), int(value))


def name_thread(name=None):
    """Names this thread's lane (by default after its threading name)."""
    if _lib is not None:
        _lib.weft_record_thread_name((name or threading.current_thread().name).encode())


def _semaphore_of(lock):
    """The address of the POSIX semaphore a lock is, or 0: a
    multiprocessing lock says it; a threading.Lock is one on CPython 3.12 and
    earlier, its address stored after the object's header (3.13 made the
    lock a PyMutex, which is no semaphore)."""
    semlock = getattr(lock, "_semlock", None)
    if semlock is not None:
        return int(semlock.handle)
    if type(lock) is _thread.LockType and sys.implementation.name == "cpython" and sys.version_info < (3, 13):
        return ctypes.c_void_p.from_address(id(lock) + object.__basicsize__).value or 0
    return 0


def name_lock(lock, name):
    """Draws @lock (a threading.Lock or a multiprocessing Lock) as the lock
    @name: its waits, holds and hand-offs, in every process that names it.
    Without it a recording draws the lock's waits as a semaphore's, like any
    Condition's. Returns whether it is named (False when not recorded, or for
    a lock that is not a semaphore)."""
    if _lib is None or not hasattr(_lib, "weft_record_name_lock"):
        return False
    address = _semaphore_of(lock)
    return bool(address) and bool(_lib.weft_record_name_lock(address, name.encode()))


def _install_thread_names():
    original = threading.Thread._bootstrap_inner

    def bootstrap_inner(self):
        name_thread(self.name)
        return original(self)

    threading.Thread._bootstrap_inner = bootstrap_inner
    name_thread()


if _lib is not None:
    _install_thread_names()
