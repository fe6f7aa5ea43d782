# SPDX-License-Identifier: GPL-3.0-or-later
import asyncio

async def fetch(i):
    await asyncio.sleep(0.01)
    return i

async def main():
    print(sum(await asyncio.gather(*(fetch(i) for i in range(100)))))

asyncio.run(main())
