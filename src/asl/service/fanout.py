"""Map items and Parallel branches as Dramatiq messages: the units of
:mod:`asl.runtime.fanout` on the workers.

A unit message is ``(execution id, container visit key, index, token)``. Sending
one first claims the item's lease (``<execution id>#<key>[<index>]``) with the
token, for ``lease_seconds``: an item whose lease is held (queued or running) is
not sent twice. The worker that takes the message renews the lease with that
token while the item runs, records the outcome, starts the next item of its
MaxConcurrency slot (a Map's), and wakes the execution when the container is settled.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asl.runtime.engine import WorkflowEngine
from asl.runtime.fanout import FANOUT, group_id, run_item, settled
from asl.runtime.journal import new_owner
from asl.service.runner import EXECUTIONS, Runner
from asl.service.workflows import load_document
from asl.store import Store, UnknownExecutionError

logger = logging.getLogger("asl.service")

UNIT_ACTOR = "asl_run_unit"


def unit_lease(execution_id: str, key: str, index: int) -> str:
    return f"{group_id(execution_id, key)}[{index}]"


class UnitService:
    """Sends units to the workers and runs the ones this worker receives."""

    def __init__(self, store: Store, broker: Any, queue: str, lease_seconds: float) -> None:
        self.store = store
        self.broker = broker
        self.queue = queue
        self.lease_seconds = lease_seconds
        # A suspended container looks after its units at least this often.
        self.supervise_seconds = lease_seconds
        self._engines: dict[tuple[str, str], WorkflowEngine] = {}

    async def dispatch(self, execution_id: str, key: str, index: int) -> None:
        from dramatiq import Message

        token = new_owner()
        lease = unit_lease(execution_id, key, index)
        if not await self.store.claim(lease, token, self.lease_seconds):
            return  # queued or running: its unit is alive
        message: Message[Any] = Message(
            queue_name=self.queue,
            actor_name=UNIT_ACTOR,
            args=(execution_id, key, index, token),
            kwargs={},
            options={},
        )
        self.broker.enqueue(message)

    async def run(
        self, runner: Runner, execution_id: str, key: str, index: int, token: str
    ) -> None:
        """Run one unit (the message's), then start the next or wake the container."""
        store = self.store
        lease = unit_lease(execution_id, key, index)
        if not await store.renew(lease, token, self.lease_seconds):
            return  # sent again meanwhile: the newer unit runs it
        renewing = asyncio.ensure_future(self._keep(lease, token))
        try:
            entry = await store.get_memory(FANOUT, group_id(execution_id, key))
            group = entry.value if entry is not None else None
            if not isinstance(group, dict) or group.get("stopped"):
                return
            if index in await store.load_children(execution_id, key):
                return  # a unit that died after recording it
            engine = await self._engine(runner, execution_id)
            if engine is None:
                return
            outcome = await run_item(engine, execution_id, group, index)
            if await store.record_child(execution_id, key, index, outcome):
                await self._next(runner, execution_id, key, group, index)
        finally:
            renewing.cancel()
            await store.release(lease, token)

    async def _next(
        self, runner: Runner, execution_id: str, key: str, group: dict[str, Any], index: int
    ) -> None:
        count, limit = len(group["inputs"]), int(group["limit"] or 0)
        tolerated = group["tolerated"]
        outcomes = await self.store.load_children(execution_id, key)
        if settled(outcomes, count, tolerated):
            await self._wake(runner, execution_id)
            return
        following = index + (limit or count)
        if following < count:
            await self.dispatch(execution_id, key, following)

    async def _wake(self, runner: Runner, execution_id: str) -> None:
        """Continue the suspended execution here (the lease its suspension kept is freed first)."""
        from asl.service.timers import wake

        meta = await self.store.get_memory(EXECUTIONS, execution_id)
        about = meta.value if meta is not None and isinstance(meta.value, dict) else {}
        timer = about.get("timer")
        if isinstance(timer, dict) and timer.get("kind") == "Units":
            await wake(runner, execution_id, str(timer.get("owner")))

    async def _keep(self, lease: str, token: str) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            if not await self.store.renew(lease, token, self.lease_seconds):
                logger.warning("a unit lost its lease to another one")

    async def _engine(self, runner: Runner, execution_id: str) -> WorkflowEngine | None:
        try:
            record = await self.store.load_execution(execution_id)
        except UnknownExecutionError:
            return None
        if record.status != "RUNNING":  # stopped meanwhile: its units stop too
            return None
        meta = await self.store.get_memory(EXECUTIONS, execution_id)
        about = meta.value if meta is not None and isinstance(meta.value, dict) else {}
        workflow = str(about.get("workflow") or "StateMachine")
        engine = self._engines.get((record.definition_hash, workflow))
        if engine is None:
            document = await load_document(self.store, record.definition_hash)
            if document is None:
                return None
            engine = WorkflowEngine(document, runner.registry, name=workflow, store=self.store)
            self._engines[(record.definition_hash, workflow)] = engine
        return engine
