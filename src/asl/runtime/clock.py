"""Injectable time, so Wait states and retry back-off never sleep for real in tests.

The engine reads time only through a :class:`Clock`. :class:`SystemClock` is
the real one; :class:`ManualClock` moves its time forward when something
sleeps on it and returns at once, which makes a 24-hour Wait instantaneous
while keeping the timestamps the workflow sees consistent.
"""

from __future__ import annotations

import asyncio
import heapq
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
    """Virtual time: sleepers wake in deadline order once nothing else is ready to run.

    ``sleep`` registers a deadline; when the event loop has gone a few rounds
    without other work, the clock jumps to the earliest deadline and wakes that
    sleeper. A 24-hour Wait takes no real time, a Task timeout fires only after
    a ready agent had its chance to answer, and timestamps stay consistent.
    """

    IDLE_ROUNDS = 5

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self.now = start
        self.slept: list[float] = []
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._sequence = 0
        self._waking = False

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._sequence += 1
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), self._sequence, future))
        if not self._waking:
            self._waking = True
            loop.call_soon(self._wake_when_idle, loop, 0)
        await future

    def _wake_when_idle(self, loop: asyncio.AbstractEventLoop, rounds: int) -> None:
        if rounds < self.IDLE_ROUNDS:
            loop.call_soon(self._wake_when_idle, loop, rounds + 1)
            return
        while self._sleepers:
            deadline, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                self.now = max(self.now, deadline)
                future.set_result(None)
                break
        if self._sleepers:
            loop.call_soon(self._wake_when_idle, loop, 0)
        else:
            self._waking = False
