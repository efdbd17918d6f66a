"""Running Map items and Parallel branches side by side, results in input order.

``run_all`` runs ``len(inputs)`` jobs with at most ``limit`` at a time (0:
no limit) on a small pool of worker coroutines, not one task per item, and
stops the others at the first failure it is not told to tolerate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from asl.runtime.execution import Concurrency

Job = Callable[[int], Awaitable[Any]]


async def run_all(count: int, limit: int, job: Job) -> list[Any]:
    """``[await job(0), …, await job(count - 1)]``, concurrently, in index order."""
    workers = count if limit <= 0 else min(limit, count)
    results: list[Any] = [None] * count
    if workers <= 1:
        for index in range(count):
            results[index] = await job(index)
        return results
    pending = iter(range(count))

    async def worker() -> None:
        for index in pending:
            results[index] = await job(index)

    tasks = [asyncio.ensure_future(worker()) for _ in range(workers)]
    Concurrency.active += workers - 1
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            error = task.exception()
            if error is not None:
                raise error
        return results
    finally:
        Concurrency.active -= workers - 1
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
