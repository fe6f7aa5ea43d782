# SPDX-License-Identifier: GPL-3.0-or-later
"""Two threads take two threading.Locks in turn, sleeping while they hold
each, so that the other waits; one lock is named to Weft, the other not."""
import threading
import time

import weft

ROUNDS = 100
named = threading.Lock()
plain = threading.Lock()


def run():
    for _ in range(ROUNDS):
        with named:
            time.sleep(0.0003)
        with plain:
            time.sleep(0.0003)


print("named", weft.name_lock(named, "matrix lock"), weft.name_lock(object(), "not a lock"))
threads = [threading.Thread(target=run, name=f"taker-{i}") for i in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
