"""A caller that has just read an execution's record (a service worker) hands it to
``aresume`` instead of having the engine read it again."""

from __future__ import annotations

from typing import Any

from asl import AgentRegistry, WorkflowEngine
from asl.runtime.durable import definition_hash
from asl.store import ExecutionRecord
from asl.store.memory import MemoryStore

FLOW: dict[str, Any] = {
    "StartAt": "Shout",
    "States": {
        "Shout": {"Type": "Task", "Agent": "Upper", "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


class CountingStore(MemoryStore):
    """The real memory store, counting the records it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.loads = 0

    async def load_execution(self, execution_id: str) -> ExecutionRecord:
        self.loads += 1
        return await super().load_execution(execution_id)


def upper(parameters: dict[str, Any]) -> dict[str, Any]:
    return {"text": str(parameters["text"]).upper()}


async def started(store: CountingStore, execution_id: str) -> ExecutionRecord:
    """An execution recorded as the service's API records one: RUNNING, nothing run yet."""
    return await store.create_execution(
        execution_id, definition_hash(FLOW), {"text": "hi"}, "Shout"
    )


async def test_a_handed_record_is_not_read_again() -> None:
    store = CountingStore()
    engine = WorkflowEngine(FLOW, AgentRegistry({"Upper": upper}), store=store)
    record = await started(store, "e-1")
    result = await engine.aresume("e-1", record=record)
    assert (result.status, result.output) == ("SUCCEEDED", {"text": "HI"})
    assert store.loads == 0
    assert (await store.load_execution("e-1")).status == "SUCCEEDED"


async def test_a_record_of_another_execution_is_ignored() -> None:
    store = CountingStore()
    engine = WorkflowEngine(FLOW, AgentRegistry({"Upper": upper}), store=store)
    other = await started(store, "other")
    await started(store, "e-2")
    result = await engine.aresume("e-2", record=other)
    assert (result.execution_id, result.status, result.output) == (
        "e-2",
        "SUCCEEDED",
        {"text": "HI"},
    )
    assert store.loads == 1
