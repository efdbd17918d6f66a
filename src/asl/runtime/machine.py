"""A compiled state machine and the loop that runs it.

The loop knows no state type by name: it records the entered event, lets
the state compute its output and the next state's name, records the exited
event and moves on. A machine made only of synchronous states (Pass, Choice,
Succeed, Fail) can be driven without an event-loop task at all, which keeps
Map iterations over such machines cheap.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from asl.language.errors import RUNTIME, ASLError
from asl.runtime.execution import Execution, Scope
from asl.runtime.flow import FULL_CONTEXT
from asl.runtime.payload_size import check_payload
from asl.runtime.states.base import State

logger = logging.getLogger("asl.hooks")

Commit = Callable[[str, Any, "str | None"], Awaitable[None]]


class StateMachine:
    """``StartAt`` and the compiled ``States`` of a workflow or of a Map/Parallel branch."""

    __slots__ = ("assigns", "is_sync", "reads_context", "start_at", "states")

    def __init__(self, raw: dict[str, Any], build: Callable[[str, dict[str, Any]], State]) -> None:
        self.start_at: str = raw["StartAt"]
        self.states = {name: build(name, state) for name, state in raw["States"].items()}
        self.is_sync = all(state.is_sync for state in self.states.values())
        self.reads_context = any(
            state.context_mode == FULL_CONTEXT for state in self.states.values()
        )
        self.assigns = any(state.assigns for state in self.states.values())


async def run_machine(
    machine: StateMachine,
    data: Any,
    scope: Scope,
    start: str | None = None,
    journal: Commit | None = None,
) -> Any:
    """Run from StartAt (or ``start``, resuming) to an end; the output, or the error.

    ``journal`` (top-level machines of durable executions) commits each transition.
    """
    if machine.is_sync and start is None and journal is None:
        return run_machine_now(machine, data, scope)
    execution = scope.execution
    events = execution.events
    append = events.append
    now = execution.clock.time
    limit = execution.payload_limit
    max_events = execution.max_events
    states = machine.states
    name: str | None = start or machine.start_at
    hooked = bool(execution.on_enter or execution.on_exit)
    while name is not None:
        state = states[name]
        append((state.entered_event, now(), name, "input", data))
        entered = len(events)
        if entered > max_events:
            raise history_full(max_events)
        if hooked:
            started = _enter(execution.on_enter, name, data)
        if state.is_sync:
            output, following = state.step(data, scope, entered)
        else:
            output, following = await state.run(data, scope, entered)
        if output is not data:  # a state that passes its input on cannot grow it
            check_payload(output, limit, name)
        data = output
        if state.exited_event is not None:
            append((state.exited_event, now(), name, "output", data))
        if hooked:
            _exit(execution.on_exit, name, data, started)
        if journal is not None:
            await journal(name, data, following)
        name = following
    return data


def run_machine_now(machine: StateMachine, data: Any, scope: Scope) -> Any:
    """Run a machine made only of synchronous states, without the event loop."""
    return sync_runner(machine, scope.execution)(data, scope)


def sync_runner(machine: StateMachine, execution: Execution) -> Callable[[Any, Scope], Any]:
    """The loop of :func:`run_machine` minus the ``await``, bound to one execution.

    Map iterations and Parallel branches over machines of synchronous states
    then cost no coroutine or task; a Map binds the runner once for all items.
    """
    events = execution.events
    append = events.append
    now = execution.clock.time
    limit = execution.payload_limit
    max_events = execution.max_events
    states = machine.states
    start_at = machine.start_at
    on_enter, on_exit = execution.on_enter, execution.on_exit
    hooked = bool(on_enter or on_exit)

    def run(data: Any, scope: Scope) -> Any:
        name: str | None = start_at
        while name is not None:
            state = states[name]
            append((state.entered_event, now(), name, "input", data))
            entered = len(events)
            if entered > max_events:
                raise history_full(max_events)
            if hooked:
                started = _enter(on_enter, name, data)
            output, following = state.step(data, scope, entered)
            if output is not data:  # a state that passes its input on cannot grow it
                check_payload(output, limit, name)
            data = output
            if state.exited_event is not None:
                append((state.exited_event, now(), name, "output", data))
            if hooked:
                _exit(on_exit, name, data, started)
            name = following
        return data

    return run


def history_full(max_events: int) -> ASLError:
    """The guard against a loop that never ends (AWS stops at 25,000 history events)."""
    return ASLError(
        RUNTIME,
        f"The execution reached the limit of {max_events} history events; "
        "an endless loop? Raise the engine's max_events if the workflow is meant to run longer",
    )


def _enter(hooks: list[Callable[[str, Any], None]], name: str, data: Any) -> float:
    for hook in hooks:
        try:
            hook(name, data)
        except Exception:  # a hook must not break the run
            logger.exception("on_state_enter hook failed for state %s", name)
    return time.perf_counter()


def _exit(
    hooks: list[Callable[[str, Any, float], None]], name: str, data: Any, started: float
) -> None:
    duration = time.perf_counter() - started
    for hook in hooks:
        try:
            hook(name, data, duration)
        except Exception:  # a hook must not break the run
            logger.exception("on_state_exit hook failed for state %s", name)
