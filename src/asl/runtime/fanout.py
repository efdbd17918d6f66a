"""Map items as units of work that a service runs on any of its workers.

In a worker (armed :class:`~asl.runtime.distribution.Timers` with ``units``), a
top-level Map whose items may run anywhere hands each item to a *unit*: a message
that any worker takes, runs the item's states in, and records the outcome of in
the store (``record_child``: the first outcome recorded for an item stands). The
Map itself does not hold a worker meanwhile: it suspends like a long Wait, and is
woken when the last item finished (or one failed beyond what the Map tolerates),
or at the latest every ``supervise_seconds`` to look after its units.

What a Map visit keeps, under :data:`FANOUT` (``<execution id>#<key>``)::

    {"state": name, "inputs": [...], "variables": {...}, "limit": MaxConcurrency,
     "tolerated": count or null, "stopped": bool}

``MaxConcurrency`` holds across workers: the Map starts the first ``limit`` items,
and item ``i`` finishing starts item ``i + limit`` (a chain per slot). Each unit
holds a lease named after the item while it is queued and while it runs; when the
Map is woken to look after its units, an item that should be running but whose
lease nobody holds (its worker died, its message was lost) is sent again.

The history is gathered in item order: each item's events (MapIterationStarted,
its states, MapIterationSucceeded or MapIterationFailed) follow one another,
as an in-process Map with ``MaxConcurrency`` 1 writes them. Outputs are in item
order; a failure fails the Map with the item's error and cause (or
``States.ExceedToleratedFailureThreshold``), and the items not started yet are
not started. Items that may pause (Approval, Feedback, ``.waitForTaskToken``),
items of a Map under a Budget, and the attempts after a Map's first (Retry) run
in the worker, as in-process.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol

from asl.language.errors import EXCEED_TOLERATED_FAILURE_THRESHOLD, RUNTIME, ASLError
from asl.runtime.distribution import ARMED, Suspended, restore
from asl.runtime.execution import Scope
from asl.runtime.machine import StateMachine, run_machine
from asl.runtime.pause import Paused
from asl.runtime.retry import error_output

if TYPE_CHECKING:
    from asl.runtime.engine import WorkflowEngine

FANOUT = "asl.fanout"  # memory namespace: per Map visit, what its units need

PAUSING = frozenset({"Approval", "Feedback"})


class Units(Protocol):
    """How a service sends units to its workers (see ``asl.service.fanout``)."""

    supervise_seconds: float

    async def dispatch(self, execution_id: str, key: str, index: int) -> None:
        """Have item ``index`` run on some worker, unless a live unit has it already."""


def group_id(execution_id: str, key: str) -> str:
    return f"{execution_id}#{key}"


def fan_out(scope: Scope, state: str, machine: StateMachine, retry_count: int) -> Units | None:
    """The units to hand this Map's items to, or None to run them here."""
    timers = ARMED.get()
    units = timers.units if timers is not None else None
    execution = scope.execution
    if (
        units is None
        or scope.nested
        or execution.durable is None
        or retry_count
        or machine.is_sync  # items that cannot wait cost less here than a message
        or state in execution.resuming
        or (execution.budget is not None and execution.budget.workflow is not None)
    ):
        return None
    for item_state in machine.states.values():
        if item_state.type in PAUSING or item_state.wants_token:
            return None
        if getattr(item_state, "budget_block", None) is not None:
            return None
    return units


async def run_map(
    units: Units,
    scope: Scope,
    state: str,
    entered: int,
    inputs: list[Any],
    limit: int,
    tolerated: int | None,
) -> list[Any]:
    """The Map's outputs once its units are done; until then the execution is suspended."""
    execution = scope.execution
    store = execution.durable
    key = f"fan:{state}:{entered}"
    timers = ARMED.get()
    assert timers is not None
    saved = timers.resumed(state, entered, "Map")
    if saved is not None:
        restore(execution, saved)
    else:
        group = {
            "state": state,
            "inputs": inputs,
            "variables": dict(scope.variables),
            "limit": limit,
            "tolerated": tolerated,
        }
        await store.set_memory(FANOUT, group_id(execution.id, key), group)
        for index in range(min(limit or len(inputs), len(inputs))):
            await units.dispatch(execution.id, key, index)
    outcomes = await store.load_children(execution.id, key)
    if settled(outcomes, len(inputs), tolerated):
        return await gather(scope, key, outcomes, len(inputs), tolerated)
    await look_after(units, execution.id, key, outcomes, len(inputs), limit)

    async def finished_meanwhile() -> bool:
        return settled(await store.load_children(execution.id, key), len(inputs), tolerated)

    wake_at = execution.clock.time() + units.supervise_seconds
    record = {"kind": "Map", "state": state, "entered": entered}
    raise Suspended(wake_at, record, finished_meanwhile)


def settled(outcomes: dict[int, Any], count: int, tolerated: int | None) -> bool:
    """Every item has an outcome, or more failed than the Map tolerates."""
    failed = sum(1 for outcome in outcomes.values() if "error" in outcome)
    return len(outcomes) >= count or failed > (tolerated or 0)


async def look_after(
    units: Units, execution_id: str, key: str, outcomes: dict[int, Any], count: int, limit: int
) -> None:
    """Send again the items that should run but whose unit is gone."""
    width = limit or count
    for index in range(count):
        if index not in outcomes and (index < width or index - width in outcomes):
            await units.dispatch(execution_id, key, index)


async def gather(
    scope: Scope, key: str, outcomes: dict[int, Any], count: int, tolerated: int | None
) -> list[Any]:
    """The items' events in item order, their usage, then the outputs or the failure."""
    execution = scope.execution
    for index in sorted(outcomes):
        outcome = outcomes[index]
        execution.events.extend(tuple(event) for event in outcome["events"])
        execution.input_tokens += int(outcome.get("tokens", 0))
        execution.cost += float(outcome.get("cost", 0.0))
    failures = sorted(
        (outcome["at"], index) for index, outcome in outcomes.items() if "error" in outcome
    )
    if failures and (tolerated is None or len(failures) > tolerated):
        await execution.durable.merge_memory(FANOUT, group_id(execution.id, key), {"stopped": True})
        if tolerated is not None:
            raise ASLError(
                EXCEED_TOLERATED_FAILURE_THRESHOLD,
                "The specified tolerated failure threshold was exceeded",
            )
        first = outcomes[failures[0][1]]
        raise ASLError(str(first["error"]), str(first.get("cause") or ""))
    results = []
    for index in range(count):
        outcome = outcomes[index]
        if "error" in outcome:
            failure = ASLError(str(outcome["error"]), str(outcome.get("cause") or ""))
            results.append(error_output(failure))
        else:
            results.append(outcome["output"])
    return results


async def run_item(
    engine: WorkflowEngine, execution_id: str, group: dict[str, Any], index: int
) -> dict[str, Any]:
    """Run one item of a fanned-out Map here; its outcome, events and usage (JSON)."""
    store = await engine.store()
    record = await store.load_execution(execution_id)
    name = str(group["state"])
    map_state = engine._compiled().states[name]
    machine: StateMachine = map_state.machine  # type: ignore[attr-defined]
    execution = engine._execution(execution_id, record.input)
    execution.start_time = record.created_at
    execution.budget = None  # only Maps outside any Budget fan out
    item = group["inputs"][index]
    now = execution.clock.time
    execution.events.append(("MapIterationStarted", now(), name, "index", index))
    scope = Scope(execution, variables=dict(group["variables"]))
    item_scope = scope.child(index, item, machine.assigns, f"{name}[{index}]")
    outcome: dict[str, Any]
    try:
        output = await run_machine(machine, item, item_scope)
    except ASLError as error:
        outcome = {"error": error.error, "cause": error.cause}
    except Paused as pause:
        cause = f"The state '{pause.state}' cannot wait inside a Map item run by a worker unit"
        outcome = {"error": RUNTIME, "cause": cause}
    else:
        execution.events.append(("MapIterationSucceeded", now(), name, "index", index))
        outcome = {"output": output}
    if "error" in outcome:
        details = {"index": index, "error": outcome["error"], "cause": outcome["cause"]}
        execution.record("MapIterationFailed", name, None, details)
    outcome |= {
        "events": [list(event) for event in execution.events],
        "tokens": execution.tokens_used,
        "cost": execution.cost,
        "at": time.time(),
    }
    return outcome
