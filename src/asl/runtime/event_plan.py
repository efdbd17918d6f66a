"""What a document asks of the event bus, read once per engine; a bus per execution from it.

The plan collects the workflow's ``Events`` (channels and routes) and
``Progress``, and every state's ``Events``, ``Progress`` and ``Streaming``
block, from the top level and from inside Map and Parallel states (state
names are unique across a document). ``active`` says whether the document
itself needs a bus; otherwise only a listener makes one.

Routing: the workflow's ``Events`` sends categories of events to channels —
``OnStateChange`` (states entered and exited, ``OnEnter``/``OnExit`` events),
``OnProgress`` (progress and milestones), ``OnComplete`` (the execution
succeeded, failed or timed out), ``OnError`` (failures and
``OnError`` events) and ``OnChunk`` (agent output) — each as ``{"Channel":
NAME}`` or ``{"Channels": [NAMES]}``. A state's ``Events`` entry may name its
own ``Channel``, which then replaces the category's route.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from asl.language.errors import ASLError
from asl.language.paths import NoResults, compile_path
from asl.runtime.channels import Channel, open_channel
from asl.runtime.clock import Clock
from asl.runtime.events import CHUNK, EventBus, Listener, Observer
from asl.runtime.progress import (
    MapProgress,
    ParallelProgress,
    StateProgress,
    WorkflowProgress,
    enabled,
    progress_block,
)
from asl.runtime.streaming import Chunker, StreamEnd

ROUTES = {
    "OnStateChange": "state",
    "OnProgress": "progress",
    "OnComplete": "complete",
    "OnError": "error",
    "OnChunk": "chunk",
}
STATE_EVENTS = ("OnEnter", "OnExit", "OnError")
DEFAULT_TYPES = {"OnEnter": "StateEntered", "OnExit": "StateExited", "OnError": "StateFailed"}
COMPLETE = frozenset({"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut"})
FAILURES = frozenset(
    {
        "TaskFailed",
        "TaskTimedOut",
        "MapIterationFailed",
        "MapStateFailed",
        "ParallelStateFailed",
        "ExecutionFailed",
        "ExecutionTimedOut",
    }
)
STATE_FAILURES = FAILURES - {"ExecutionFailed", "ExecutionTimedOut"}


def categories(event: dict[str, Any]) -> set[str]:
    """The routes an event belongs to (an execution failure is both complete and error)."""
    kind, produced_by = event["type"], event.get("event")
    found: set[str] = set()
    if kind == CHUNK:
        found.add("chunk")
    details = event.get("details")
    if produced_by == "Milestone" or (
        isinstance(details, dict) and "scope" in details and "percentage" in details
    ):
        found.add("progress")
    if kind in COMPLETE:
        found.add("complete")
    if kind in FAILURES or produced_by == "OnError":
        found.add("error")
    if kind.endswith(("StateEntered", "StateExited")) or produced_by in ("OnEnter", "OnExit"):
        found.add("state")
    return found


class Router:
    """The listener that hands each event to the channels its route names."""

    def __init__(self, channels: dict[str, Channel], routes: dict[str, list[str]]) -> None:
        self.channels = channels
        self.routes = routes

    def __call__(self, event: dict[str, Any]) -> None:
        own = event.get("channel")
        if isinstance(own, str):
            names: Iterable[str] = [own]
        else:
            names = {n for c in categories(event) for n in self.routes.get(c, [])}
        for name in sorted(names):
            self.channels[name].send(event)


class StateEvents:
    """A state's ``Events`` block: ``OnEnter``, ``OnExit``, ``OnError`` events.

    ``Include`` paths select values, keyed by the path's text, from the state's
    input (``OnEnter``), its output (``OnExit``) or ``{"error", "cause"}``
    (``OnError``); a path that selects nothing is left out. ``OnExit`` events
    also carry ``durationSeconds``; ``OnError`` events without ``Include``
    carry the error and cause.
    """

    def __init__(self, state: str, block: dict[str, Any]) -> None:
        self.state = state
        self.entries: dict[str, tuple[str, list[tuple[str, Any]], str | None]] = {}
        for name in STATE_EVENTS:
            entry = block.get(name)
            if isinstance(entry, dict):
                paths = [(str(p), compile_path(str(p))) for p in entry.get("Include") or []]
                channel = entry.get("Channel")
                kind = str(entry.get("Type") or DEFAULT_TYPES[name])
                self.entries[name] = (kind, paths, str(channel) if channel else None)
        self.entered_at: float | None = None

    def observe(self, event: dict[str, Any], at: float, bus: EventBus) -> None:
        if event.get("state") != self.state:
            return
        kind = event["type"]
        details = event.get("details")
        if kind.endswith("StateEntered"):
            self.entered_at = at
            self._emit(bus, "OnEnter", (details or {}).get("input"), {})
        elif kind.endswith("StateExited"):
            started = self.entered_at if self.entered_at is not None else at
            extra = {"durationSeconds": round(at - started, 6)}
            self._emit(bus, "OnExit", (details or {}).get("output"), extra)
        elif kind in STATE_FAILURES and isinstance(details, dict):
            failure = {"error": details.get("error"), "cause": details.get("cause")}
            self._emit(bus, "OnError", failure, {}, default=failure)

    def _emit(
        self,
        bus: EventBus,
        name: str,
        root: Any,
        extra: dict[str, Any],
        default: dict[str, Any] | None = None,
    ) -> None:
        entry = self.entries.get(name)
        if entry is None:
            return
        kind, paths, channel = entry
        included: dict[str, Any] | None = default
        if paths:
            included = {}
            for text, path in paths:
                try:
                    included[text] = path.evaluate(root)
                except (NoResults, ASLError):  # left out: an event never fails the state
                    continue
        if channel is not None:
            extra = {**extra, "channel": channel}
        bus.emit(kind, self.state, included, event=name, **extra)


class EventPlan:
    """The event settings of one document."""

    def __init__(self, document: dict[str, Any]) -> None:
        given = document.get("Events")
        events: dict[str, Any] = given if isinstance(given, dict) else {}
        channels = events.get("Channels")
        self.channels: dict[str, dict[str, Any]] = channels if isinstance(channels, dict) else {}
        self.routes: dict[str, list[str]] = {}
        for key, category in ROUTES.items():
            route = events.get(key)
            if isinstance(route, dict):
                named = route.get("Channels", [route.get("Channel")])
                self.routes[category] = [str(n) for n in named if n is not None]
        self.workflow_progress = document.get("Progress")
        self.top = list(document.get("States") or {})
        self.blocks: list[tuple[str, dict[str, Any]]] = []
        self.parallels: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = {}
        _walk(document, self.blocks, self.parallels)
        self.active = (
            bool(self.channels)
            or enabled(self.workflow_progress)
            or any(_needs_bus(raw) for _, raw in self.blocks)
        )

    def open(
        self,
        execution_id: str,
        clock: Clock,
        listeners: Iterable[Listener],
        find_agent: Callable[[str], Any],
    ) -> EventBus:
        """A fresh bus (trackers start at zero, channels are new) for one execution."""
        observers: list[Observer] = []
        if isinstance(self.workflow_progress, dict) and enabled(self.workflow_progress):
            observers.append(WorkflowProgress(self.workflow_progress, self.top))
        bus = EventBus(execution_id, clock.time, [])
        for name, raw in self.blocks:
            kind = raw.get("Type")
            streaming = raw.get("Streaming")
            if isinstance(streaming, dict):
                callbacks = streaming.get("Callbacks")
                stream = StreamEnd(
                    name,
                    Chunker(streaming),
                    callbacks if isinstance(callbacks, dict) else {},
                    find_agent,
                )
                bus.streams[name] = stream
                observers.append(stream)
            progress = progress_block(raw)
            if enabled(progress):
                assert isinstance(progress, dict)
                tracker: Observer
                if kind == "Map":
                    tracker = MapProgress(name, progress)
                elif kind == "Parallel":
                    tracker = ParallelProgress(name, progress, self.parallels[name])
                else:
                    ends = "TaskSucceeded" if kind == "Task" else f"{kind}StateExited"
                    tracker = StateProgress(name, progress, f"{kind}StateEntered", ends)
                bus.progress[name] = tracker
                observers.append(tracker)
            if isinstance(raw.get("Events"), dict):
                observers.append(StateEvents(name, raw["Events"]))
        channels = {name: open_channel(spec, clock) for name, spec in self.channels.items()}
        if channels:
            bus.listeners.append(Router(channels, self.routes))
        bus.listeners.extend(listeners)
        bus.observers = observers
        bus.closers = [channel.close for channel in channels.values()]
        return bus


def _needs_bus(raw: dict[str, Any]) -> bool:
    streaming = raw.get("Streaming")
    has_callbacks = isinstance(streaming, dict) and bool(streaming.get("Callbacks"))
    return enabled(progress_block(raw)) or isinstance(raw.get("Events"), dict) or has_callbacks


def _walk(
    machine: dict[str, Any],
    blocks: list[tuple[str, dict[str, Any]]],
    parallels: dict[str, list[tuple[frozenset[str], frozenset[str]]]],
) -> set[str]:
    """Every state with a block, every Parallel's branches; the names of ``machine``'s states."""
    names: set[str] = set()
    states = machine.get("States")
    if not isinstance(states, dict):
        return names
    for name, raw in states.items():
        if not isinstance(raw, dict):
            continue
        names.add(name)
        if any(key in raw for key in ("Progress", "Events", "Streaming")):
            blocks.append((name, raw))
        processor = raw.get("ItemProcessor") or raw.get("Iterator")
        if isinstance(processor, dict):
            names |= _walk(processor, blocks, parallels)
        branches = raw.get("Branches")
        if isinstance(branches, list):
            shapes = []
            for branch in branches:
                if not isinstance(branch, dict):
                    continue
                inside = _walk(branch, blocks, parallels)
                names |= inside
                own = branch.get("States") if isinstance(branch.get("States"), dict) else {}
                assert isinstance(own, dict)
                ends = frozenset(
                    n
                    for n, s in own.items()
                    if isinstance(s, dict) and (s.get("End") is True or s.get("Type") == "Succeed")
                )
                shapes.append((frozenset(inside), ends))
            parallels[name] = shapes
    return names
