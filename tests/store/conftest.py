"""One store fixture for every backend: each contract test runs on memory, SQLite and Redis.

Redis is a real ``redis-server`` (the ``redis_url`` fixture of tests/conftest.py).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from asl.store import Store
from asl.store.memory import MemoryStore
from asl.store.redis import RedisStore
from asl.store.sqlite import SQLiteStore

BACKENDS = ["memory", "sqlite", "redis"]


class Clock:
    """Epoch seconds that tests can move forward (TTLs, leases) or freeze (equal times)."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.frozen: float | None = None

    def __call__(self) -> float:
        return self.frozen if self.frozen is not None else time.time() + self.offset

    def freeze(self) -> None:
        self.frozen = self()

    def advance(self, seconds: float) -> None:
        self.offset += seconds
        if self.frozen is not None:
            self.frozen += seconds


@dataclass
class Backend:
    """Where one test's store lives; ``open()`` again reaches the same data."""

    name: str
    clock: Clock
    location: str
    memory: MemoryStore | None = None

    async def open(self) -> Store:
        if self.name == "memory":
            assert self.memory is not None
            return self.memory
        if self.name == "sqlite":
            return SQLiteStore(self.location, clock=self.clock)
        url, prefix = self.location.split("#")
        return await RedisStore.connect(url, prefix=prefix, clock=self.clock)

    async def elapse(self, seconds: float) -> None:
        """Let ``seconds`` pass for TTLs: Redis expires keys on its own clock, so wait."""
        if self.name == "redis":
            await asyncio.sleep(seconds)
        else:
            self.clock.advance(seconds)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    clock = Clock()
    if request.param == "memory":
        return Backend("memory", clock, "", MemoryStore(clock=clock))
    if request.param == "sqlite":
        return Backend("sqlite", clock, str(tmp_path / "store.db"))
    url = request.getfixturevalue("redis_url")
    return Backend("redis", clock, f"{url}#test-{uuid.uuid4().hex}")


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[Store]:
    opened = await backend.open()
    yield opened
    await opened.close()


@pytest.fixture
def clock(backend: Backend) -> Clock:
    return backend.clock
