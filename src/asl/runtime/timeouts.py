"""TimeoutSeconds and HeartbeatSeconds for agent calls, on the injectable clock.

The agent call races a sleeper on the execution's clock. When the sleeper
wins, the deadlines are checked again: a heartbeat that arrived meanwhile
pushes the heartbeat deadline on, otherwise the call is cancelled and the
Task fails with ``States.Timeout`` or ``States.HeartbeatTimeout``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from asl.language.errors import HEARTBEAT_TIMEOUT, TIMEOUT, ASLError
from asl.runtime.clock import Clock


class Heartbeat:
    """The time of the last heartbeat an agent sent."""

    __slots__ = ("clock", "last")

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.last = clock.time()

    def beat(self) -> None:
        self.last = self.clock.time()


async def with_deadlines(
    call: Awaitable[Any],
    clock: Clock,
    timeout: float | None,
    heartbeat_seconds: float | None,
    heartbeat: Heartbeat,
) -> Any:
    started = clock.time()
    task = asyncio.ensure_future(call)
    try:
        while True:
            now = clock.time()
            deadlines = []
            if timeout is not None:
                deadlines.append(started + timeout)
            if heartbeat_seconds is not None:
                deadlines.append(heartbeat.last + heartbeat_seconds)
            wait = max(min(deadlines) - now, 0.0)
            sleeper = asyncio.ensure_future(clock.sleep(wait))
            done, _ = await asyncio.wait({task, sleeper}, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                sleeper.cancel()
                return task.result()
            now = clock.time()
            if timeout is not None and now >= started + timeout:
                raise ASLError(TIMEOUT, f"The agent did not finish within {timeout:g} seconds.")
            if heartbeat_seconds is not None and now >= heartbeat.last + heartbeat_seconds:
                raise ASLError(
                    HEARTBEAT_TIMEOUT,
                    f"The agent sent no heartbeat for {heartbeat_seconds:g} seconds.",
                )
    finally:
        if not task.done():
            task.cancel()
