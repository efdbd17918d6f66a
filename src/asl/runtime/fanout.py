"""Map items and Parallel branches as units of work a service runs on any of its workers.

In a worker (armed :class:`~asl.runtime.distribution.Timers` with ``units``), a
top-level Map (or Parallel) whose items (branches) may run anywhere hands each
to a *unit*: a message that any worker takes, runs the states in, and records
the outcome of in the store (``record_child``: the first outcome recorded for an
index stands). The container does not hold a worker meanwhile: it suspends like
a long Wait, and is woken when the last unit finished (or one failed beyond what
a Map tolerates), or at the latest every ``supervise_seconds`` to look after its
units. A Parallel is a Map of its branches with no concurrency bound and no
tolerance, whose every unit gets the same input.

What a container visit keeps, under :data:`FANOUT` (``<execution id>#<key>``)::

    {"state": name, "inputs": [...], "variables": {...}, "limit": MaxConcurrency,
     "tolerated": count or null, "stopped": bool}

``MaxConcurrency`` holds across workers: the Map starts the first ``limit`` items,
and item ``i`` finishing starts item ``i + limit`` (a chain per slot). Each unit
holds a lease named after the item while it is queued and while it runs; when the
Map is woken to look after its units, an item that should be running but whose
lease nobody holds (its worker died, its message was lost) is sent again.

The history is gathered in index order: each item's events (MapIterationStarted,
its states, MapIterationSucceeded or MapIterationFailed) follow one another,
as an in-process Map with ``MaxConcurrency`` 1 writes them (a branch's events,
likewise). Outputs are in index order; a failure fails the container with the
unit's error and cause (the first failure in time; a Map past its tolerance:
``States.ExceedToleratedFailureThreshold``), and the units not started yet are
not started. Units that may pause (Approval, Feedback, ``.waitForTaskToken``),
containers under a Budget, and the attempts after a container's first (Retry)
run in the worker, as in-process.
"""

from __future__ import annotations

import logging
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

logger = logging.getLogger("asl.engine")

FANOUT = "asl.fanout"  # memory namespace: per Map visit, what its units need

PAUSING = frozenset({"Approval", "Feedback"})


class Units(Protocol):
    """How a service sends units to its workers (see ``asl.service.fanout``)."""

    supervise_seconds: float

    async def dispatch(self, execution_id: str, key: str, index: int) -> None:
        """Have item ``index`` run on some worker, unless a live unit has it already."""


def group_id(execution_id: str, key: str) -> str:
    return f"{execution_id}#{key}"


def fan_out(
    scope: Scope, state: str, machines: list[StateMachine], retry_count: int
) -> Units | None:
    """The units to hand this Map's items (or Parallel's branches) to; None: run them here."""
    timers = ARMED.get()
    units = timers.units if timers is not None else None
    execution = scope.execution
    if (
        units is None
        or scope.nested
        or execution.durable is None
        or retry_count
        or all(machine.is_sync for machine in machines)  # cheaper here than a message
        or state in execution.resuming
        or (execution.budget is not None and execution.budget.workflow is not None)
    ):
        return None
    for machine in machines:
        for inner in machine.states.values():
            if inner.type in PAUSING or inner.wants_token:
                return None
            if getattr(inner, "budget_block", None) is not None:
                return None
    return units


async def run_units(
    units: Units,
    scope: Scope,
    state: str,
    entered: int,
    inputs: list[Any],
    limit: int = 0,
    tolerated: int | None = None,
) -> list[Any]:
    """The outputs once every unit is done; until then the execution is suspended.

    ``inputs``: one per Map item (after ItemSelector and ItemBatcher), or the
    Parallel's effective input once per branch.
    """
    execution = scope.execution
    store = execution.durable
    key = f"fan:{state}:{entered}"
    timers = ARMED.get()
    assert timers is not None
    saved = timers.resumed(state, entered, "Units")
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
    record = {"kind": "Units", "state": state, "entered": entered}
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
    """Run one Map item or Parallel branch here; its outcome, events and usage (JSON)."""
    store = await engine.store()
    record = await store.load_execution(execution_id)
    name = str(group["state"])
    container = engine._compiled().states[name]
    execution = engine._execution(execution_id, record.input)
    execution.start_time = record.created_at
    execution.budget = None  # only containers outside any Budget fan out
    data = group["inputs"][index]
    scope = Scope(execution, variables=dict(group["variables"]))
    now = execution.clock.time
    is_map = container.type == "Map"
    machine: StateMachine
    if is_map:
        machine = container.machine  # type: ignore[attr-defined]
        execution.events.append(("MapIterationStarted", now(), name, "index", index))
        unit_scope = scope.child(index, data, machine.assigns, f"{name}[{index}]")
    else:
        machine = container.branches[index]  # type: ignore[attr-defined]
        unit_scope = scope.child(None, None, machine.assigns, f"{name}[{index}]")
    outcome: dict[str, Any]
    try:
        output = await run_machine(machine, data, unit_scope)
    except ASLError as error:
        outcome = {"error": error.error, "cause": error.cause}
    except Paused as pause:
        cause = f"The state '{pause.state}' cannot wait in a unit a worker runs"
        outcome = {"error": RUNTIME, "cause": cause}
    except Exception as bug:  # as the engine does: a failure, not a unit sent again forever
        logger.exception("a unit of execution %s failed inside the engine", execution_id)
        cause = f"Internal error in the engine: {type(bug).__name__}: {bug}"
        outcome = {"error": RUNTIME, "cause": cause}
    else:
        if is_map:
            execution.events.append(("MapIterationSucceeded", now(), name, "index", index))
        outcome = {"output": output}
    if is_map and "error" in outcome:
        details = {"index": index, "error": outcome["error"], "cause": outcome["cause"]}
        execution.record("MapIterationFailed", name, None, details)
    outcome |= {
        "events": [list(event) for event in execution.events],
        "tokens": execution.tokens_used,
        "cost": execution.cost,
        "at": time.time(),
    }
    return outcome
