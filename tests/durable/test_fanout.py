"""Map items and Parallel branches handed to units (asl.runtime.fanout), driven in-process.

The driver plays the workers: it runs each unit the container sends with
``run_item``, records its outcome as a unit does, and wakes the container as its
timer would, until the execution ends. Results, failures and histories must be
those of an in-process run (a Map's history: as with MaxConcurrency 1).
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from asl import AgentError, AgentRegistry, WorkflowEngine
from asl.runtime.clock import ManualClock
from asl.runtime.distribution import Timers, armed
from asl.runtime.fanout import FANOUT, group_id, run_item
from asl.service.runner import EXECUTIONS
from asl.store.memory import MemoryStore


def double(parameters: Any) -> Any:
    if parameters.get("n") == parameters.get("bad"):
        raise AgentError("Item.Bad", f"item {parameters['n']} is bad")
    return {"n": parameters["n"], "double": parameters["n"] * 2}


def registry() -> AgentRegistry:
    made = AgentRegistry()
    made.register("Double", double)
    return made


def each(**fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"n.$": "$$.Map.Item.Value", "bad.$": "$.bad"},
                "ItemProcessor": {
                    "StartAt": "Work",
                    "States": {"Work": {"Type": "Task", "Agent": "Double", "End": True}},
                },
                **fields,
                "End": True,
            }
        },
    }


class Units:
    """What a service's UnitService does, minus the messages: a queue the driver empties."""

    supervise_seconds = 30.0

    def __init__(self) -> None:
        self.queued: list[tuple[str, str, int]] = []
        self.sent: list[int] = []

    async def dispatch(self, execution_id: str, key: str, index: int) -> None:
        if (execution_id, key, index) not in self.queued:
            self.queued.append((execution_id, key, index))
            self.sent.append(index)


async def on_workers(document: dict[str, Any], given: Any) -> tuple[Any, Units, int]:
    """Run as workers would; the result, the units, and how many times it suspended."""
    store, units = MemoryStore(), Units()
    engine = WorkflowEngine(document, registry(), store=store, durable=True, clock=ManualClock())
    saved: dict[str, Any] = {}

    async def save(execution_id: str, record: dict[str, Any]) -> None:
        saved["timer"] = record
        await store.merge_memory(EXECUTIONS, execution_id, {"timer": record})

    async def schedule(execution_id: str, owner: str, wake_at: float) -> None:
        saved["owner"] = owner

    with armed(Timers(1.0, save, schedule, None, units)):
        result = await engine.arun(given, execution_id="x")
    suspensions = 0
    while result.status == "RUNNING":
        suspensions += 1
        while units.queued:
            execution_id, key, index = units.queued.pop(0)
            entry = await store.get_memory(FANOUT, group_id(execution_id, key))
            assert entry is not None and isinstance(entry.value, dict)
            if entry.value.get("stopped"):
                continue
            outcome = await run_item(engine, execution_id, entry.value, index)
            await store.record_child(execution_id, key, index, outcome)
        await store.release("x", saved["owner"])
        with armed(Timers(1.0, save, schedule, saved["timer"], units)):
            result = await engine.aresume("x")
    return result, units, suspensions


def in_process(document: dict[str, Any], given: Any) -> Any:
    return WorkflowEngine(document, registry(), clock=ManualClock()).run(given)


def test_map_items_run_as_units_in_slots_with_the_in_process_output_and_history() -> None:
    document = each(MaxConcurrency=2)
    given = {"items": [1, 2, 3, 4, 5], "bad": None}
    result, units, suspensions = asyncio.run(on_workers(document, given))
    one_by_one = in_process(each(MaxConcurrency=1), given)
    assert result.status == "SUCCEEDED"
    assert result.output == in_process(document, given).output == one_by_one.output
    assert result.output == [{"n": n, "double": 2 * n} for n in (1, 2, 3, 4, 5)]
    assert [(e["id"], e["type"], e.get("state")) for e in result.trace] == [
        (e["id"], e["type"], e.get("state")) for e in one_by_one.trace
    ]
    # Two slots: the first two were sent at once, each later one when a slot was free.
    assert units.sent == [0, 1, 2, 3, 4]
    assert suspensions == 3


def test_a_failing_item_fails_the_map_as_in_process() -> None:
    document = each()
    del document["States"]["Each"]["End"]
    document["States"]["Each"] |= {
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Rescued", "ResultPath": "$.error"}],
        "Next": "Rescued",
    }
    document["States"]["Rescued"] = {"Type": "Pass", "OutputPath": "$.error", "End": True}
    given = {"items": [1, 2, 3], "bad": 2}
    result, _, _ = asyncio.run(on_workers(document, given))
    expected = in_process(document, given)
    assert result.output == expected.output == {"Error": "Item.Bad", "Cause": "item 2 is bad"}
    task = ["TaskStateEntered", "TaskScheduled", "TaskStarted"]
    succeeded = ["TaskSucceeded", "TaskStateExited", "MapIterationSucceeded"]
    assert [e["type"] for e in result.trace] == [
        "ExecutionStarted",
        "MapStateEntered",
        "MapStateStarted",
        *["MapIterationStarted", *task, *succeeded],
        *["MapIterationStarted", *task, "TaskFailed", "MapIterationFailed"],
        *["MapIterationStarted", *task, *succeeded],
        "MapStateFailed",
        "MapStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    # Not compared with the in-process history: there the third item runs beside the
    # second and may or may not finish before the failure stops the Map.


def test_tolerated_failures_give_error_objects_and_beyond_them_the_map_fails() -> None:
    given = {"items": [1, 2, 3], "bad": 2}
    tolerant = each(ToleratedFailureCount=1)
    result, _, _ = asyncio.run(on_workers(tolerant, given))
    assert result.output == in_process(tolerant, given).output
    assert result.output[1] == {"Error": "Item.Bad", "Cause": "item 2 is bad"}
    strict = each(ToleratedFailureCount=0)
    result, _, _ = asyncio.run(on_workers(strict, given))
    expected = in_process(strict, given)
    assert (result.status, result.error, result.cause) == (
        expected.status,
        expected.error,
        expected.cause,
    )
    assert result.error == "States.ExceedToleratedFailureThreshold"


def test_parallel_branches_run_as_units() -> None:
    def branch(n: int) -> dict[str, Any]:
        work = {"Type": "Task", "Agent": "Double", "Parameters": {"n": n}, "End": True}
        return {"StartAt": f"Work {n}", "States": {f"Work {n}": work}}

    document = {
        "StartAt": "Both",
        "States": {"Both": {"Type": "Parallel", "Branches": [branch(1), branch(2)], "End": True}},
    }
    result, units, _ = asyncio.run(on_workers(document, {}))
    expected = in_process(document, {})
    assert result.output == expected.output == [{"n": 1, "double": 2}, {"n": 2, "double": 4}]
    assert units.sent == [0, 1]
    assert sorted(e["type"] for e in result.trace) == sorted(e["type"] for e in expected.trace)


def test_a_retried_map_runs_its_next_attempt_in_the_worker() -> None:
    document = each(Retry=[{"ErrorEquals": ["Item.Bad"], "MaxAttempts": 1}])
    given = {"items": [1, 2], "bad": 2}
    result, units, _ = asyncio.run(on_workers(document, given))
    expected = in_process(copy.deepcopy(document), given)
    assert (
        (result.status, result.error)
        == (expected.status, expected.error)
        == (
            "FAILED",
            "Item.Bad",
        )
    )
    assert units.sent == [0, 1]  # the first attempt's; the retry ran here
    assert [e["type"] for e in result.trace].count("MapStateFailed") == 2
