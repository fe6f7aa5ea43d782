# SPDX-License-Identifier: GPL-3.0-or-later
# CPU-bound work on a ThreadPoolExecutor (the chapter's task); argv: threads, n
import sys
from concurrent.futures import ThreadPoolExecutor

def work(n):
    return sum(i * i for i in range(n))

threads, n = int(sys.argv[1]), int(sys.argv[2])
with ThreadPoolExecutor(threads) as pool:
    total = sum(pool.map(work, [n] * (threads * 4)))
print(total)
