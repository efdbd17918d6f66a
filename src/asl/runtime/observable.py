"""The engine's events and feedback API: ``stream``, ``on_event``, ``feedback``.

Mixed into :class:`~asl.runtime.engine.WorkflowEngine`. An execution gets an
event bus only when one is needed (see :mod:`asl.runtime.events`), so an
engine nobody listens to runs at full speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from asl.runtime.event_plan import EventPlan
from asl.runtime.events import RUN_LISTENERS, EventBus, Listener
from asl.runtime.history import iso_timestamp

if TYPE_CHECKING:
    from asl.agents.registry import AgentRegistry
    from asl.runtime.clock import Clock
    from asl.runtime.execution import Execution
    from asl.runtime.result import WorkflowResult
    from asl.store import Store


class Observable:
    """Event listeners, ``stream()``, and the feedback the engine's executions collected."""

    clock: Clock
    registry: AgentRegistry

    if TYPE_CHECKING:

        @property
        def definition(self) -> dict[str, Any]: ...

        async def store(self) -> Store: ...

        async def arun(
            self, input: Any = None, *, execution_id: str | None = None
        ) -> WorkflowResult: ...

        def _sync(self, work: Any, name: str) -> Any: ...

    _listeners: list[Listener]
    _event_plan: EventPlan | None

    def on_event(self, listener: Listener) -> Observable:
        """Call ``listener(event)`` with every event of every execution of this engine.

        Called on the event loop's thread, in order; it must return quickly (queue
        slow work elsewhere). One that raises is logged and the run goes on.
        """
        self._listeners.append(listener)
        return self

    async def stream(
        self, input: Any = None, *, execution_id: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Run the workflow, yielding its events as they happen (``async for e in stream()``).

        The last history event is the execution's end (``ExecutionSucceeded``,
        ``ExecutionFailed``, ``ExecutionPaused`` ...); events derived from it (a
        final progress update) follow it. Leaving the loop early cancels the run.
        An invalid document raises ``ValidationError`` here, as ``arun`` does.
        """
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        token = RUN_LISTENERS.set((*RUN_LISTENERS.get(), queue.put_nowait))
        try:
            run = asyncio.ensure_future(self.arun(input, execution_id=execution_id))
        finally:
            RUN_LISTENERS.reset(token)
        run.add_done_callback(lambda _: queue.put_nowait(None))
        try:
            while (event := await queue.get()) is not None:
                yield event
            run.result()
        finally:
            if not run.done():
                run.cancel()
                await asyncio.gather(run, return_exceptions=True)

    def _open_bus(self, execution_id: str) -> EventBus | None:
        """The bus of a new execution, or None when nobody listens and the document asks none."""
        listeners = [*self._listeners, *RUN_LISTENERS.get()]
        plan = self._event_plan
        if plan is None:
            plan = self._event_plan = EventPlan(self.definition)
        if not listeners and not plan.active:
            return None
        bus = plan.open(execution_id, self.clock, listeners, self.registry.find)
        bus.bind_loop()
        return bus

    @staticmethod
    async def _close_bus(execution: Execution) -> None:
        if execution.bus is not None:
            await execution.bus.close()

    # -- feedback ---------------------------------------------------------------------

    def feedback(
        self,
        *,
        execution_id: str | None = None,
        state: str | None = None,
        name: str | None = None,
        pending: bool = False,
    ) -> list[dict[str, Any]]:
        """The feedback answers in the engine's store; see :meth:`afeedback`."""
        work = self.afeedback(execution_id=execution_id, state=state, name=name, pending=pending)
        result: list[dict[str, Any]] = self._sync(work, "feedback")
        return result

    async def afeedback(
        self,
        *,
        execution_id: str | None = None,
        state: str | None = None,
        name: str | None = None,
        pending: bool = False,
    ) -> list[dict[str, Any]]:
        """Answered feedback (or, with ``pending``, the requests still waiting), oldest first.

        Filters: one execution, one state, one feedback store (the block's
        ``Store``, given as ``name``). Each entry: ``requestId``, ``executionId``,
        ``state``, ``store``, ``type``, ``question``, ``answer`` (None while
        pending), ``answeredAt``, ``output`` (what was rated).
        """
        return await list_feedback(
            await self.store(), execution_id=execution_id, state=state, name=name, pending=pending
        )


async def list_feedback(
    store: Store,
    *,
    execution_id: str | None = None,
    state: str | None = None,
    name: str | None = None,
    pending: bool = False,
) -> list[dict[str, Any]]:
    """Feedback requests of kind ``feedback`` in ``store``, as the engine's API returns them."""
    entries = []
    for request in await store.list_requests(execution_id, pending_only=pending):
        if request.kind != "feedback" or request.pending is not pending:
            continue
        payload = request.payload if isinstance(request.payload, dict) else {}
        if state is not None and request.state != state:
            continue
        if name is not None and payload.get("store") != name:
            continue
        entries.append(
            {
                "requestId": request.request_id,
                "executionId": request.execution_id,
                "state": request.state,
                "store": payload.get("store"),
                "type": payload.get("feedbackType"),
                "question": payload.get("question"),
                "answer": request.decision,
                "answeredAt": (
                    iso_timestamp(request.decided_at) if request.decided_at is not None else None
                ),
                "output": payload.get("output"),
            }
        )
    return entries
