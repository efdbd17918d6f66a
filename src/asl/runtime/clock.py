"""Injectable time, so Wait states and retry back-off never sleep for real in tests.

The engine reads time only through a :class:`Clock`. :class:`SystemClock` is
the real one; :class:`ManualClock` moves its time forward when something
sleeps on it and returns at once, which makes a 24-hour Wait instantaneous
while keeping the timestamps the workflow sees consistent.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float:
        """Seconds since the epoch (UTC)."""

    async def sleep(self, seconds: float) -> None:
        """Suspend the caller for ``seconds`` of this clock's time."""


class SystemClock:
    """Wall-clock time and real sleeps."""

    time = staticmethod(time.time)

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            await asyncio.sleep(seconds)


class ManualClock:
    """A clock whose time only moves when someone sleeps on it (or :meth:`advance`).

    ``sleep`` advances the time and yields to the event loop a few times, so
    work that is ready to run (an agent that answers at once) finishes before a
    timeout raced against it fires.
    """

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self.now = start
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        for _ in range(3):
            await asyncio.sleep(0)
        self.slept.append(seconds)
        self.now += max(seconds, 0.0)
