"""Waits and Retry back-offs a service turns into timers (asl.runtime.distribution).

Each test runs the workflow twice on the same virtual clock: once in-process (the
reference) and once armed with timers, suspending and resuming as a worker would.
The resumed execution must end with the reference's output and exactly its history.
"""

from __future__ import annotations

import asyncio
from typing import Any

from asl import AgentError, AgentRegistry, WorkflowEngine
from asl.runtime.clock import ManualClock
from asl.runtime.distribution import Timers, armed
from asl.service.runner import EXECUTIONS
from asl.store.memory import MemoryStore

WAIT = {
    "StartAt": "Before",
    "States": {
        "Before": {"Type": "Pass", "Result": {"n": 1}, "Next": "Nap"},
        "Nap": {"Type": "Wait", "Seconds": 3, "Next": "After"},
        "After": {"Type": "Pass", "Parameters": {"n.$": "$.n", "woke": True}, "End": True},
    },
}

RETRY = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Agent": "Flaky",
            "Retry": [{"ErrorEquals": ["Vendor.Down"], "IntervalSeconds": 5, "MaxAttempts": 3}],
            "End": True,
        }
    },
}


class Worker:
    """Runs an execution as the service does: armed, suspended, woken at the wake-up time."""

    def __init__(self, engine: WorkflowEngine, store: MemoryStore, clock: ManualClock) -> None:
        self.engine, self.store, self.clock = engine, store, clock
        self.scheduled: list[tuple[str, float]] = []

    def timers(self, saved: Any) -> Timers:
        async def save(execution_id: str, record: dict[str, Any]) -> None:
            await self.store.merge_memory(EXECUTIONS, execution_id, {"timer": record})

        async def schedule(execution_id: str, owner: str, wake_at: float) -> None:
            self.scheduled.append((owner, wake_at))

        return Timers(1.0, save, schedule, saved)

    async def saved(self, execution_id: str) -> Any:
        entry = await self.store.get_memory(EXECUTIONS, execution_id)
        return None if entry is None else entry.value.get("timer")  # type: ignore[union-attr]

    async def run(self, document_input: Any) -> tuple[list[str], Any]:
        """Start, then wake at each timer until the end; the statuses of every run."""
        statuses = []
        with armed(self.timers(None)):
            result = await self.engine.arun(document_input, execution_id="x")
        statuses.append(result.status)
        while result.status == "RUNNING":
            owner, wake_at = self.scheduled[-1]
            self.clock.now = wake_at  # the delayed message arrives
            await self.store.release("x", owner)
            with armed(self.timers(await self.saved("x"))):
                result = await self.engine.aresume("x")
            statuses.append(result.status)
        return statuses, result


def engines(document: dict[str, Any], registry: AgentRegistry | None = None) -> tuple[Any, ...]:
    reference = WorkflowEngine(document, registry, clock=ManualClock())
    store, clock = MemoryStore(), ManualClock()
    service = WorkflowEngine(document, registry, clock=clock, store=store, durable=True)
    return reference, Worker(service, store, clock)


START = 1_767_225_600.0  # ManualClock's start


def test_a_long_wait_suspends_and_resumes_at_its_original_deadline() -> None:
    reference, worker = engines(WAIT)
    expected = reference.run({})
    statuses, result = asyncio.run(worker.run({}))
    assert statuses == ["RUNNING", "SUCCEEDED"]
    assert [wake for _, wake in worker.scheduled] == [START + 3]
    assert result.output == expected.output == {"n": 1, "woke": True}
    assert result.trace == expected.trace


def test_woken_early_it_suspends_again_for_the_same_deadline() -> None:
    _, worker = engines(WAIT)

    async def scenario() -> tuple[Any, str, str]:
        with armed(worker.timers(None)):
            await worker.engine.arun({}, execution_id="x")
        saved = await worker.saved("x")
        stored = (await worker.store.load_execution("x")).status
        worker.clock.advance(1)  # a recovery round before the wake-up time
        await worker.store.release("x", worker.scheduled[-1][0])
        with armed(worker.timers(saved)):
            early = await worker.engine.aresume("x")
        return saved, stored, early.status

    saved, stored, early = asyncio.run(scenario())
    assert (stored, early) == ("RUNNING", "RUNNING")  # RUNNING all along, as on AWS
    assert (saved["kind"], saved["state"], saved["entered"]) == ("Wait", "Nap", 4)
    assert saved["wakeAt"] == START + 3
    assert [wake for _, wake in worker.scheduled] == [START + 3, START + 3]


def test_retry_back_offs_suspend_and_the_attempts_go_on_where_they_were() -> None:
    calls: list[int] = []

    def flaky(parameters: Any) -> Any:
        calls.append(1)
        if len(calls) % 3:  # fails twice, then answers
            raise AgentError("Vendor.Down", f"attempt {len(calls)}")
        return {"ok": len(calls)}

    registry = AgentRegistry()
    registry.register("Flaky", flaky)
    reference, worker = engines(RETRY, registry)
    expected = reference.run({})
    assert expected.output == {"ok": 3}
    statuses, result = asyncio.run(worker.run({}))
    assert statuses == ["RUNNING", "RUNNING", "SUCCEEDED"]
    assert [wake for _, wake in worker.scheduled] == [
        START + 5,
        START + 5 + 10,
    ]
    assert len(calls) == 6  # three for the reference, three for the service: none again
    assert result.output == {"ok": 6}
    assert [e["type"] for e in result.trace] == [e["type"] for e in expected.trace]
    assert [e["timestamp"] for e in result.trace] == [e["timestamp"] for e in expected.trace]
    failed = [e["details"] for e in result.trace if e["type"] == "TaskFailed"]
    assert [f["retry"] for f in failed] == [
        {"attempt": 1, "delaySeconds": 5.0},
        {"attempt": 2, "delaySeconds": 10.0},
    ]


def test_retries_used_up_after_a_suspension_go_to_the_error() -> None:
    def down(parameters: Any) -> Any:
        raise AgentError("Vendor.Down", "always")

    registry = AgentRegistry()
    registry.register("Flaky", down)
    reference, worker = engines(RETRY, registry)
    expected = reference.run({})
    statuses, result = asyncio.run(worker.run({}))
    assert statuses == ["RUNNING", "RUNNING", "RUNNING", "FAILED"]
    assert (
        (result.error, result.cause)
        == (expected.error, expected.cause)
        == (
            "Vendor.Down",
            "always",
        )
    )
    assert [e["type"] for e in result.trace] == [e["type"] for e in expected.trace]


def test_a_wait_within_the_threshold_and_a_wait_in_a_map_item_just_sleep() -> None:
    document = {
        "StartAt": "Short",
        "States": {
            "Short": {"Type": "Wait", "Seconds": 1, "Next": "Each"},
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "Nap",
                    "States": {"Nap": {"Type": "Wait", "Seconds": 30, "End": True}},
                },
                "End": True,
            },
        },
    }
    reference, worker = engines(document)
    expected = reference.run([1, 2])
    statuses, result = asyncio.run(worker.run([1, 2]))
    assert statuses == ["SUCCEEDED"]
    assert worker.scheduled == []
    assert result.output == expected.output == [1, 2]
    assert result.trace == expected.trace
