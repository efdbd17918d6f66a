"""Rate limits: MaxPerMinute/Hour/Day, BurstLimit, MaxConcurrent and OnExceed.

Every limit is a set of sliding windows ``(seconds, max calls)`` plus a number
of concurrency slots. ``BurstLimit`` is a window too: at most BurstLimit calls
within the time the strictest per-period rate needs to earn them (MaxPerMinute
60 with BurstLimit 5: at most 5 calls in any 5 seconds); with no per-period
limit it is "at most BurstLimit calls in any one second".

Counters live in a :class:`RateLimits` backend: :class:`LocalRateLimits` is
shared by every branch and execution of this process; ``RedisRateLimits``
(``redis_limits``) by every process using one Redis. A backend only answers
"may this call start now, and if not, when to ask again"; what to do then
(OnExceed fail / wait / queue) is decided here, once, for both.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from asl.language.errors import RATE_LIMIT_EXCEEDED, ASLError

OnExceed = Literal["fail", "wait", "queue"]
_PERIODS = (("MaxPerMinute", 60.0), ("MaxPerHour", 3600.0), ("MaxPerDay", 86400.0))
POLL_SECONDS = 0.02  # how often a caller waiting for a concurrency slot asks again


@dataclass(frozen=True, slots=True)
class Window:
    seconds: float
    max_calls: int
    field: str  # the field the window comes from, for the error's cause


@dataclass(frozen=True, slots=True)
class RateLimit:
    """One ``RateLimits`` entry (a tool name or ``"*"``), compiled."""

    key: str
    windows: tuple[Window, ...]
    max_concurrent: int | None
    on_exceed: OnExceed

    @classmethod
    def parse(cls, key: str, raw: Mapping[str, Any]) -> RateLimit:
        windows = [
            Window(seconds, int(raw[name]), name)
            for name, seconds in _PERIODS
            if isinstance(raw.get(name), int)
        ]
        burst = raw.get("BurstLimit")
        if isinstance(burst, int):
            rate = min((w.max_calls / w.seconds for w in windows), default=None)
            windows.append(Window(burst / rate if rate else 1.0, burst, "BurstLimit"))
        concurrent = raw.get("MaxConcurrent")
        on_exceed = raw.get("OnExceed", "fail")
        return cls(
            key,
            tuple(windows),
            concurrent if isinstance(concurrent, int) else None,
            on_exceed if on_exceed in ("fail", "wait", "queue") else "fail",
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """A backend's answer: a slot id when admitted, else when to ask again and why."""

    admitted: bool
    slot: str | None = None
    retry_after: float = 0.0
    reason: str = ""


class RateLimits(Protocol):
    """Where calls are counted. ``key`` names the counter (scope + tool key).

    ``uses_engine_clock``: the backend measures windows with the ``now`` it is given
    (the engine's clock, virtual in tests), so waiting sleeps on that clock; a shared
    backend keeps its own time, and waiting is real.
    """

    uses_engine_clock: bool

    async def try_acquire(self, key: str, limit: RateLimit, now: float) -> Decision: ...

    async def release(self, key: str, slot: str) -> None: ...


class _Counter:
    """One counter's call times (one log per window) and its busy slots."""

    __slots__ = ("active", "logs")

    def __init__(self, windows: int) -> None:
        self.logs: list[deque[float]] = [deque() for _ in range(windows)]
        self.active = 0


ADMITTED = Decision(True)
HOLDING = Decision(True, "local")  # an in-process slot is a count, not an id


class LocalRateLimits:
    """In-memory counters for one process; a thread lock keeps them exact across loops."""

    uses_engine_clock = True

    def __init__(self) -> None:
        self._counters: dict[str, _Counter] = {}
        self._lock = threading.Lock()

    async def try_acquire(self, key: str, limit: RateLimit, now: float) -> Decision:
        return self.acquire_now(key, limit, now)

    def acquire_now(self, key: str, limit: RateLimit, now: float) -> Decision:
        """The decision, taken synchronously: the hot path of an in-process call."""
        with self._lock:
            counter = self._counters.get(key)
            if counter is None:
                counter = self._counters[key] = _Counter(len(limit.windows))
            wait, reason = 0.0, ""
            for window, log in zip(limit.windows, counter.logs, strict=True):
                horizon = now - window.seconds
                while log and log[0] <= horizon:
                    log.popleft()
                if len(log) >= window.max_calls:
                    later = log[len(log) - window.max_calls] + window.seconds - now
                    if later > wait:
                        wait, reason = later, f"{window.field} {window.max_calls}"
            concurrent = limit.max_concurrent
            if concurrent is not None and counter.active >= concurrent:
                wait = max(wait, POLL_SECONDS)
                reason = reason or f"MaxConcurrent {concurrent}"
            if wait > 0:
                return Decision(False, None, wait, reason)
            for log in counter.logs:
                log.append(now)
            if concurrent is None:
                return ADMITTED
            counter.active += 1
            return HOLDING

    async def release(self, key: str, slot: str) -> None:
        with self._lock:
            counter = self._counters.get(key)
            if counter is not None and counter.active > 0:
                counter.active -= 1


_process_limits = LocalRateLimits()


def process_limits() -> LocalRateLimits:
    """The counters every engine of this process shares unless told otherwise."""
    return _process_limits


class Sleeper(Protocol):
    def time(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


# Queued callers wait on a lock per counter; locks belong to one event loop.
_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


async def admit(
    backend: RateLimits, key: str, limit: RateLimit, clock: Sleeper, tool: str, state: str
) -> str | None:
    """Wait (or fail) until ``limit`` lets one call of ``tool`` start; its slot, if any.

    ``queue`` differs from ``wait`` in order: queued callers of one counter are
    admitted first come, first served (within this process); waiting callers
    each retry on their own.
    """
    if type(backend) is LocalRateLimits and limit.on_exceed != "queue":
        decision = backend.acquire_now(key, limit, clock.time())  # no await when admitted
        if decision.admitted:
            return decision.slot
        if limit.on_exceed == "fail":
            raise _exceeded(limit, decision, tool, state)
    if limit.on_exceed == "queue":
        locks = _queues.setdefault(asyncio.get_running_loop(), {})
        lock = locks.setdefault(key, asyncio.Lock())
        async with lock:
            return await _admit(backend, key, limit, clock, tool, state)
    return await _admit(backend, key, limit, clock, tool, state)


async def _admit(
    backend: RateLimits, key: str, limit: RateLimit, clock: Sleeper, tool: str, state: str
) -> str | None:
    while True:
        decision = await backend.try_acquire(key, limit, clock.time())
        if decision.admitted:
            return decision.slot
        if limit.on_exceed == "fail":
            raise _exceeded(limit, decision, tool, state)
        if backend.uses_engine_clock:
            await clock.sleep(decision.retry_after)
        else:
            await asyncio.sleep(decision.retry_after)


def _exceeded(limit: RateLimit, decision: Decision, tool: str, state: str) -> ASLError:
    scope = "all tools" if limit.key == "*" else f"tool '{limit.key}'"
    return ASLError(
        RATE_LIMIT_EXCEEDED,
        f"State '{state}' called tool '{tool}' beyond the rate limit for {scope} "
        f"({decision.reason}); retry in {decision.retry_after:.2f}s, or set "
        '"OnExceed": "wait"',
    )
