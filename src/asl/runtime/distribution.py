"""Timers instead of sleeps: how a service lets go of an execution that only waits.

In-process (the plain engine, the CLI) a Wait state and a Retry back-off sleep on
the execution's clock. A worker of ``asl serve`` should not spend one of its slots
on a sleep of minutes, so the service *arms* a :class:`Timers` for each run (a
context variable: nothing changes for anyone who does not arm one). Then, at the
top level of a durable execution, a wait longer than the threshold raises
:class:`Suspended` instead of sleeping. The engine ends the run without a final
status (the execution stays RUNNING, as on AWS), and :func:`suspend` keeps what is
needed to go on:

- the timer record: the state, its entered event id, the wake-up time, the events
  recorded since the last commit (the state's entered event with its original
  time, failed attempts; ExecutionStarted for a first state) and, for a back-off,
  the retriers' attempt counts and the last error;
- the execution's lease, held until the wake-up time (so the recovery loop, which
  takes over expired leases, also resumes it if the wake-up message is lost);
- a wake-up scheduled by the service (a delayed message).

The run that resumes continues from the last committed transition, so it enters
the same state again with the same event id; the state finds its timer record
(:meth:`Timers.resumed`), puts the saved events back and waits only for what is
left of the *original* deadline, so the history is the one an in-process run
writes. A retried state then makes its next attempt with the saved counts. The
same suspension serves a top-level Map or Parallel whose items run elsewhere
(:mod:`asl.runtime.fanout`, record kind ``Units``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from asl.language.errors import ASLError

if TYPE_CHECKING:
    from asl.runtime.execution import Execution, Scope
    from asl.runtime.fanout import Units
    from asl.runtime.journal import Journal

logger = logging.getLogger("asl.engine")

SaveTimer = Callable[[str, dict[str, Any]], Awaitable[None]]
"""Keeps an execution's timer record where the next run finds it: (execution id, record)."""

ScheduleWake = Callable[[str, str, float], Awaitable[None]]
"""Has the execution resumed at a time: (execution id, lease owner, wake-up epoch seconds)."""


class Timers:
    """What one run of a service may do instead of sleeping, and the timer it resumes."""

    __slots__ = ("resuming", "save", "schedule", "threshold", "units")

    def __init__(
        self,
        threshold: float,
        save: SaveTimer,
        schedule: ScheduleWake,
        resuming: dict[str, Any] | None = None,
        units: Units | None = None,
    ) -> None:
        self.threshold = threshold
        self.save = save
        self.schedule = schedule
        # The record of the timer this execution was suspended on, if any.
        self.resuming = resuming
        # Where a top-level Map sends its items (asl.runtime.fanout); None: run them here.
        self.units = units

    def resumed(self, state: str, entered: int, kind: str) -> dict[str, Any] | None:
        """The saved timer of this visit of ``state`` (same entered event id), else None."""
        saved = self.resuming
        if (
            saved is None
            or saved.get("state") != state
            or saved.get("entered") != entered
            or saved.get("kind") != kind
        ):
            return None
        return saved


ARMED: ContextVar[Timers | None] = ContextVar("asl.timers", default=None)


@contextmanager
def armed(timers: Timers | None) -> Iterator[None]:
    """Run the body (one engine run) with ``timers``; None leaves sleeping as it is."""
    token = ARMED.set(timers)
    try:
        yield
    finally:
        ARMED.reset(token)


class Suspended(Exception):
    """Raised instead of a long sleep; the engine ends the run and calls :func:`suspend`."""

    def __init__(
        self,
        wake_at: float,
        record: dict[str, Any],
        recheck: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        super().__init__(f"suspended until {wake_at}")
        self.wake_at = wake_at
        self.record = record
        # Whether what it waits for happened while it suspended (then it wakes at once).
        self.recheck = recheck


class Backoff:
    """Where a state's Retry stands while it waits before the next attempt."""

    __slots__ = ("attempts", "error", "retry_count", "wake_at")

    def __init__(
        self, attempts: list[int], retry_count: int, error: ASLError, wake_at: float = 0.0
    ) -> None:
        self.attempts = attempts
        self.retry_count = retry_count
        self.error = error
        self.wake_at = wake_at


def _active(scope: Scope) -> Timers | None:
    """The armed timers, when this scope may suspend: a top-level state of a durable run."""
    timers = ARMED.get()
    if timers is None or scope.nested or scope.execution.durable is None:
        return None
    return timers


async def wait(scope: Scope, state: str, entered: int, delay: float) -> None:
    """A Wait state's pause: a sleep, or a suspension until the deadline in a service."""
    execution = scope.execution
    timers = _active(scope)
    if timers is None:
        await execution.clock.sleep(delay)
        return
    saved = timers.resumed(state, entered, "Wait")
    if saved is not None:  # the deadline set when the state was entered, not a new one
        restore(execution, saved)
        wake_at = float(saved["wakeAt"])
    else:
        wake_at = execution.clock.time() + delay
    await _sleep_or_suspend(timers, execution, state, entered, wake_at, None)


async def back_off(scope: Scope, state: str, entered: int, delay: float, retry: Backoff) -> None:
    """A Retry's interval before the next attempt: a sleep, or a suspension in a service."""
    execution = scope.execution
    timers = _active(scope)
    if timers is None:
        await execution.clock.sleep(delay)
        return
    wake_at = execution.clock.time() + delay
    await _sleep_or_suspend(timers, execution, state, entered, wake_at, retry)


def resumed_backoff(scope: Scope, state: str, entered: int) -> Backoff | None:
    """The Retry a resumed run continues in this state (its events put back), else None."""
    timers = _active(scope)
    saved = timers.resumed(state, entered, "Retry") if timers is not None else None
    if saved is None:
        return None
    restore(scope.execution, saved)
    retry = saved["retry"]
    error = ASLError(str(retry["error"]), str(retry.get("cause") or ""))
    attempts = [int(count) for count in retry["attempts"]]
    return Backoff(attempts, int(retry["retryCount"]), error, float(saved["wakeAt"]))


async def sleep_until(scope: Scope, state: str, entered: int, retry: Backoff) -> None:
    """What is left of a resumed back-off (it suspends again if still too long)."""
    timers = _active(scope)
    assert timers is not None  # only a resumed back-off comes here
    await _sleep_or_suspend(timers, scope.execution, state, entered, retry.wake_at, retry)


async def _sleep_or_suspend(
    timers: Timers,
    execution: Execution,
    state: str,
    entered: int,
    wake_at: float,
    retry: Backoff | None,
) -> None:
    remaining = wake_at - execution.clock.time()
    if remaining > timers.threshold:
        record: dict[str, Any] = {
            "kind": "Wait" if retry is None else "Retry",
            "state": state,
            "entered": entered,
            "wakeAt": wake_at,
            "tokens": execution.tokens_used,
            "cost": execution.cost,
        }
        if retry is not None:
            record["retry"] = {
                "attempts": list(retry.attempts),
                "retryCount": retry.retry_count,
                "error": retry.error.error,
                "cause": retry.error.cause,
            }
        raise Suspended(wake_at, record)
    if remaining > 0:
        await execution.clock.sleep(remaining)


def restore(execution: Execution, saved: dict[str, Any]) -> None:
    """Put back the events recorded since the last commit before the suspension (the
    state's, and ExecutionStarted when it was the first state), and the usage."""
    events = execution.events
    del events[int(saved["from"]) :]
    events.extend(tuple(event) for event in saved["events"])
    execution.input_tokens, execution.output_tokens = int(saved.get("tokens", 0)), 0
    execution.cost = float(saved.get("cost", 0.0))


async def suspend(journal: Journal, suspended: Suspended) -> None:
    """Keep the timer, hold the lease until the wake-up time, and schedule the wake-up."""
    timers = ARMED.get()
    assert timers is not None  # only armed runs suspend
    execution_id, owner = journal.execution.id, journal.owner
    first = journal.committed_events  # what the next run does not find in the journal
    events = [list(event) for event in journal.execution.events[first:]]
    record = {**suspended.record, "from": first, "events": events, "owner": owner}
    await timers.save(execution_id, record)
    wake_at = suspended.wake_at
    if suspended.recheck is not None and await suspended.recheck():
        wake_at = time.time()  # the last Map item finished while the Map suspended
    hold = max(wake_at - time.time(), 0.001)
    if not await journal.store.renew(execution_id, owner, hold):
        logger.warning("execution %s lost its lease while it was suspended", execution_id)
    await timers.schedule(execution_id, owner, wake_at)
