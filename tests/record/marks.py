# SPDX-License-Identifier: GPL-3.0-or-later
import threading
import weft

@weft.traced
def job(n):
    return sum(range(n))

def run():
    with weft.region("outer"):
        job(100000)
    weft.instant("done")
    weft.counter("items", 3)

t = threading.Thread(target=run, name="worker-A")
t.start()
t.join()
print("active", weft.active)
