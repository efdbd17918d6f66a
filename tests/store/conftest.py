"""One store fixture for every backend: each contract test runs on memory, SQLite and Redis.

Redis is a real ``redis-server`` this session starts on a free loopback port
(no persistence, a temporary directory) and stops by its PID. Without the
binary the Redis cases are skipped locally, but fail in CI (``CI`` is set),
where ``.ci/run`` installs it: a green CI must mean Redis was tested.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not on PATH (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    directory = tmp_path_factory.mktemp("redis")
    port = _free_port()
    log = (directory / "redis.log").open("w")
    server = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(directory),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while not _pong(port):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start: {(directory / 'redis.log').read_text()}")
            time.sleep(0.01)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        os.kill(server.pid, 15)
        server.wait(timeout=10)
        log.close()


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
