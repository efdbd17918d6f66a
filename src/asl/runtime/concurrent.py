"""Running Map items and Parallel branches side by side, results in input order.

``run_all`` runs ``len(inputs)`` jobs with at most ``limit`` at a time (0:
no limit) on a small pool of worker coroutines, not one task per item, and
stops the others at the first failure it is not told to tolerate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from asl.runtime.execution import Concurrency, Scope

Job = Callable[[int], Awaitable[Any]]


async def call_agent(agent: Any, *args: Any) -> Any:
    """Call a bound agent: awaited if async; a sync one inline while nothing else in the
    process could make progress, in a worker thread otherwise (it must not stall them)."""
    if agent.is_async:
        return await agent.call(*args)
    if Concurrency.active > 1:
        return await asyncio.to_thread(agent.call, *args)
    return agent.call(*args)


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


class Children:
    """The finished items of one visit of a top-level Map or Parallel, kept in the store.

    Only durable executions record them, and only at the top level (a nested
    Map runs again with its enclosing item); ``of`` returns None otherwise.
    """

    __slots__ = ("execution_id", "key", "store")

    def __init__(self, store: Any, execution_id: str, key: str) -> None:
        self.store = store
        self.execution_id = execution_id
        self.key = key

    @classmethod
    def of(cls, scope: Scope, key: str) -> Children | None:
        store = scope.execution.durable
        if store is None or scope.nested:
            return None
        return cls(store, scope.execution.id, key)

    async def load(self) -> dict[int, Any]:
        return dict(await self.store.load_children(self.execution_id, self.key))

    async def record(self, index: int, output: Any) -> None:
        await self.store.record_child(self.execution_id, self.key, index, output)
