"""The event bus: one stream per execution for history, agent output, progress and custom events.

Nobody pays for it who does not use it. An execution gets a bus only when
someone listens (``engine.stream()``, ``engine.on_event()``, ``asl run
--events``) or when the document itself declares ``Events`` or ``Progress``;
otherwise its history is a plain list and the loop runs exactly as before.
With a bus the history is a :class:`PublishingHistory`, a list whose
``append`` also publishes: the loop and the states, which record history
anyway, need no code of their own for streaming.

Every event is a dict: ``type``, ``timestamp``, ``executionId``, and
``state`` and ``details`` when they apply. History events also carry ``id``
(their place in the history); events the bus adds (agent output chunks,
progress, milestones, ``Events`` blocks) have none, because they are not
history.

Observers (progress trackers, ``Events`` blocks) see each history event
after the listeners and may publish more events; a listener or observer
that raises is logged and the run goes on.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from typing import Any, Protocol

from asl.runtime.history import Event, event_dict, iso_timestamp

logger = logging.getLogger("asl.events")

Listener = Callable[[dict[str, Any]], None]
"""Receives every event of an execution, in order, on the event loop's thread."""

RUN_LISTENERS: ContextVar[tuple[Listener, ...]] = ContextVar("asl_run_listeners", default=())
"""Listeners of the executions started in this context (how ``engine.stream`` listens)."""

CHUNK = "AgentOutputChunk"
PROGRESS = "ProgressUpdated"
MILESTONE = "ProgressMilestone"


class Observer(Protocol):
    """Derives events from history events (progress, ``Events`` blocks, stream buffers)."""

    def observe(self, event: dict[str, Any], at: float, bus: EventBus) -> None: ...


class EventBus:
    """The events of one execution, delivered to listeners; observers add derived ones."""

    def __init__(
        self,
        execution_id: str,
        now: Callable[[], float],
        listeners: Iterable[Listener],
        observers: Iterable[Observer] = (),
        closers: Iterable[Callable[[], Awaitable[None]]] = (),
    ) -> None:
        self.execution_id = execution_id
        self.now = now
        self.listeners = list(listeners)
        self.observers = list(observers)
        self.closers = list(closers)
        self.progress: dict[str, Any] = {}  # state name -> its progress tracker
        self.streams: dict[str, Any] = {}  # state name -> its Streaming block at work
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.get_ident()

    def history(self) -> PublishingHistory:
        """The history list of an execution that has this bus."""
        return PublishingHistory(self)

    def publish(self, event: dict[str, Any]) -> None:
        """Deliver ``event`` to every listener."""
        for listener in self.listeners:
            try:
                listener(event)
            except Exception:  # a listener must not break the run
                logger.exception("an event listener failed on %s", event.get("type"))

    def emit(self, kind: str, state: str | None, details: Any, **members: Any) -> dict[str, Any]:
        """Publish an event the bus adds (not history): chunks, progress, custom events."""
        event: dict[str, Any] = {
            "type": kind,
            "timestamp": iso_timestamp(self.now()),
            "executionId": self.execution_id,
        }
        if state is not None:
            event["state"] = state
        event.update(members)
        if details is not None:
            event["details"] = details
        self.publish(event)
        return event

    def recorded(self, record: Event, number: int) -> None:
        """A history event was appended: publish it, then let the observers react."""
        event = event_dict(record, number)
        event["executionId"] = self.execution_id
        self.publish(event)
        for observer in self.observers:
            try:
                observer.observe(event, record[1], self)
            except Exception:  # an observer must not break the run
                logger.exception("an event observer failed on %s", event["type"])

    def from_any_thread(self, call: Callable[..., None]) -> Callable[..., None]:
        """``call`` run on the loop's thread, whichever thread calls it (agents may run in one)."""

        def on_loop(*args: Any) -> None:
            if threading.get_ident() != self._thread and self._loop is not None:
                self._loop.call_soon_threadsafe(call, *args)
            else:
                call(*args)

        return on_loop

    def bind_loop(self) -> None:
        """Remember the running loop, so publishing from an agent's thread is safe."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()

    async def close(self) -> None:
        """Let every channel deliver what it still holds (webhook retries included)."""
        for close in self.closers:
            try:
                await close()
            except Exception:  # delivering events must never fail the execution
                logger.exception("an event channel failed to close")


class PublishingHistory(list[Event]):
    """An execution's history that publishes every event appended to it.

    ``extend`` (a resumed execution restoring what happened before the pause)
    does not publish: those events were published when they happened.
    """

    __slots__ = ("bus",)

    def __init__(self, bus: EventBus) -> None:
        super().__init__()
        self.bus = bus

    def append(self, event: Event, /) -> None:
        super().append(event)
        self.bus.recorded(event, len(self))


def agent_streams(
    execution: Any, state: str, heartbeat: Callable[[], None] | None
) -> tuple[Callable[[Any], None] | None, Callable[[float, str | None], None] | None]:
    """``emit(chunk)`` and ``report_progress(pct, message)`` for an agent's context.

    Both are None (the context's methods then do nothing) when nobody listens.
    """
    bus: EventBus | None = execution.bus
    if bus is None:
        return None, None
    stream = bus.streams.get(state)
    tracker = bus.progress.get(state)
    count = [0]

    def emit(chunk: Any) -> None:
        if stream is not None:
            stream.chunk(bus, chunk)
        else:
            bus.emit(CHUNK, state, {"chunk": chunk, "index": count[0]})
            count[0] += 1

    def report(percentage: float, message: str | None = None) -> None:
        if tracker is not None:
            tracker.report(bus, percentage, message)
            if tracker.heartbeat_on_update and heartbeat is not None:
                heartbeat()
        else:
            value = round(max(0.0, min(100.0, float(percentage))), 1)
            bus.emit(PROGRESS, state, {"scope": "state", "percentage": value, "message": message})

    return bus.from_any_thread(emit), bus.from_any_thread(report)
