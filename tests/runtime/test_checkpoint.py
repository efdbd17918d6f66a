"""The Checkpoint state: a named save point, and restarting a new execution from it."""

from __future__ import annotations

from typing import Any

import pytest

from asl import AgentRegistry, ASLError, WorkflowEngine
from asl.runtime.clock import ManualClock
from tests.runtime.conftest import machine

FLOW = machine(
    (
        "Expensive",
        {
            "Type": "Task",
            "Agent": "Costly",
            "ResultPath": "$.computed",
            "Assign": {"seen": "yes"},
            "Next": "Save",
        },
    ),
    ("Save", {"Type": "Checkpoint", "Name": "after-expensive", "TTL": "1h", "Next": "Finish"}),
    (
        "Finish",
        {
            "Type": "Task",
            "Agent": "Flaky",
            "Parameters": {"computed.$": "$.computed", "seen.$": "$seen"},
            "End": True,
        },
    ),
)


def agents(calls: list[str], fail: bool) -> AgentRegistry:
    def costly(parameters: Any) -> Any:
        calls.append("costly")
        return 42

    def flaky(parameters: Any) -> Any:
        calls.append("flaky")
        if fail:
            raise RuntimeError("down")
        return parameters

    return AgentRegistry({"Costly": costly, "Flaky": flaky})


def test_checkpoint_passes_its_input_through(clock: ManualClock) -> None:
    calls: list[str] = []
    engine = WorkflowEngine(FLOW, agents(calls, False), clock=clock, store="memory://")
    result = engine.run({"job": 1}, execution_id="c0")
    assert result.output == {"computed": 42, "seen": "yes"}
    assert "CheckpointCreated" in [event["type"] for event in result.trace]


def test_restart_from_checkpoint_skips_the_work_before_it(clock: ManualClock) -> None:
    calls: list[str] = []
    failing = WorkflowEngine(FLOW, agents(calls, True), clock=clock, store="memory://")
    assert failing.run({"job": 1}, execution_id="c1").error == "States.TaskFailed"
    calls.clear()
    fixed = WorkflowEngine(FLOW, agents(calls, False), clock=clock, store="memory://")
    result = fixed.restart("c1", "after-expensive")
    assert (result.status, result.execution_id) == ("SUCCEEDED", "c1-from-after-expensive")
    assert result.output == {"computed": 42, "seen": "yes"}
    assert calls == ["flaky"]


def test_unknown_checkpoint_is_a_clear_error(clock: ManualClock) -> None:
    engine = WorkflowEngine(FLOW, agents([], False), clock=clock, store="memory://")
    with pytest.raises(ASLError) as refused:
        engine.restart("never-ran", "after-expensive")
    assert refused.value.cause == (
        "Execution 'never-ran' has no checkpoint 'after-expensive' (never saved, or expired)"
    )


def test_checkpoint_result_path_adds_the_marker(clock: ManualClock) -> None:
    definition = machine(
        ("Save", {"Type": "Checkpoint", "Name": "cp", "ResultPath": "$.cp", "End": True}),
    )
    result = WorkflowEngine(definition, clock=clock).run({"a": 1}, execution_id="m1")
    assert result.output == {
        "a": 1,
        "cp": {
            "checkpoint": {"name": "cp", "id": "m1-cp", "createdAt": "2026-01-01T00:00:00.000Z"}
        },
    }
