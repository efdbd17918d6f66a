"""Wake-ups of suspended executions: delayed Dramatiq messages, with the lease as backstop.

A worker arms every run with :class:`TimerService` (see
:mod:`asl.runtime.distribution`): a Wait or a Retry back-off longer than
``timer_threshold_seconds`` suspends the execution instead of holding a worker
slot. The timer record goes into the execution's service metadata (the memory
namespace the runner reads anyway, so a resumed run finds it without another
read), and a message to :data:`WAKE_ACTOR` is sent with a delay that ends at the
wake-up time; any worker may take it. It frees the lease the suspended run kept
(until the wake-up time) and continues the execution from the journal.

If the message is lost (the worker that held it in memory was killed), nothing
else is needed: the lease expires at the wake-up time and the recovery loop,
which continues RUNNING executions whose lease expired, resumes it within
``recovery_interval_seconds`` (and at least ``lease_seconds`` after the last
committed transition).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any

from asl.runtime.distribution import Timers
from asl.service.config import Settings
from asl.service.fanout import UNIT_ACTOR, UnitService
from asl.service.runner import EXECUTIONS, Runner
from asl.store import Store

logger = logging.getLogger("asl.service")

WAKE_ACTOR = "asl_wake_execution"

MAX_DELAY_MS = 6 * 86_400_000
"""Dramatiq refuses delays of a week or more; a longer wait is woken early and suspends again."""


class TimerService:
    """Arms runs with timers that keep their record in the store and wake through the broker."""

    def __init__(self, store: Store, broker: Any, settings: Settings) -> None:
        self.store = store
        self.broker = broker
        self.queue = settings.queue
        self.threshold = settings.timer_threshold_seconds
        self.units = (
            UnitService(store, broker, settings.queue, settings.lease_seconds)
            if settings.fan_out
            else None
        )

    def arm(self, about: dict[str, Any]) -> Timers:
        """The timers of one run; ``about`` is the execution's service metadata."""
        saved = about.get("timer")
        resuming = saved if isinstance(saved, dict) else None
        return Timers(self.threshold, self._save, self._schedule, resuming, self.units)

    async def _save(self, execution_id: str, record: dict[str, Any]) -> None:
        await self.store.merge_memory(EXECUTIONS, execution_id, {"timer": record})

    async def _schedule(self, execution_id: str, owner: str, wake_at: float) -> None:
        from dramatiq import Message

        delay = min(max(math.ceil((wake_at - time.time()) * 1000), 0), MAX_DELAY_MS)
        message: Message[Any] = Message(
            queue_name=self.queue,
            actor_name=WAKE_ACTOR,
            args=(execution_id, owner),
            kwargs={},
            options={},
        )
        self.broker.enqueue(message, delay=delay)
        logger.debug("execution suspended on a timer", extra={"wakeInMs": delay})


async def wake(runner: Runner, execution_id: str, owner: str) -> None:
    """Free the lease the suspended run kept, then continue the execution."""
    await runner.store.release(execution_id, owner)
    await runner.run(execution_id)


def register_actors(broker: Any, queue: str, runner: Callable[[], Awaitable[Runner]]) -> None:
    """Declare the actors of wake-ups and Map item units, on the worker's queue."""
    import dramatiq

    async def wake_execution(execution_id: str, owner: str) -> None:
        await wake(await runner(), execution_id, owner)

    async def run_unit(execution_id: str, key: str, index: int, token: str) -> None:
        current = await runner()
        units = current.timers.units if current.timers is not None else None
        if units is not None:
            await units.run(current, execution_id, key, index, token)

    dramatiq.actor(broker=broker, actor_name=WAKE_ACTOR, queue_name=queue)(wake_execution)
    dramatiq.actor(broker=broker, actor_name=UNIT_ACTOR, queue_name=queue)(run_unit)
