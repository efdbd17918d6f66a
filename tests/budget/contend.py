"""A child process that reserves $1 at a time from a shared pool until it is refused."""

from __future__ import annotations

import asyncio
import sys

from asl.budget.pools import counters_for, pool_key
from asl.store import open_store


async def main(url: str, pool: str) -> int:
    store = await open_store(url)
    counters = counters_for(store)
    taken = 0
    while await counters.reserve(pool_key(pool), 1.0, None, None):
        taken += 1
    await store.close()
    return taken


if __name__ == "__main__":
    print(asyncio.run(main(sys.argv[1], sys.argv[2])))
