"""Redrive: a FAILED execution runs again from the state that failed, as Step Functions does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asl import AgentRegistry, ASLError, WorkflowEngine

FLOW: dict[str, Any] = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Task", "Agent": "Prepare", "ResultPath": "$.prepared", "Next": "Ship"},
        "Ship": {"Type": "Task", "Agent": "Ship", "ResultPath": "$.shipped", "End": True},
    },
}


def engine(store: str, calls: list[str], ship_works: bool) -> WorkflowEngine:
    def prepare(parameters: Any) -> Any:
        calls.append("prepare")
        return "ready"

    def ship(parameters: Any) -> Any:
        calls.append("ship")
        if not ship_works:
            raise RuntimeError("carrier down")
        return "sent"

    return WorkflowEngine(FLOW, AgentRegistry({"Prepare": prepare, "Ship": ship}), store=store)


def test_redrive_runs_from_the_failed_state(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/asl.db"
    calls: list[str] = []
    failed = engine(store, calls, ship_works=False).run({"order": 7}, execution_id="o-7")
    assert (failed.status, calls) == ("FAILED", ["prepare", "ship"])
    calls.clear()
    result = engine(store, calls, ship_works=True).redrive("o-7")
    assert (result.status, result.execution_id) == ("SUCCEEDED", "o-7")
    assert result.output == {"order": 7, "prepared": "ready", "shipped": "sent"}
    assert calls == ["ship"]


def test_only_a_failed_execution_is_redriven(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/asl.db"
    engine(store, [], ship_works=True).run({}, execution_id="ok")
    with pytest.raises(ASLError) as refused:
        engine(store, [], ship_works=True).redrive("ok")
    assert refused.value.cause == (
        "Execution 'ok' is SUCCEEDED: only a FAILED, TIMED_OUT or ABORTED durable execution "
        "can be redriven"
    )


def test_redrive_count_is_in_the_context_and_the_history(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/asl.db"
    flow = {
        "StartAt": "Ship",
        "States": {
            "Ship": {
                "Type": "Task",
                "Agent": "Ship",
                "Parameters": {"redrives.$": "$$.Execution.RedriveCount"},
                "End": True,
            }
        },
    }
    seen: list[int] = []

    def ship(parameters: Any) -> Any:
        seen.append(parameters["redrives"])
        if len(seen) < 3:
            raise RuntimeError("carrier down")
        return "sent"

    make = lambda: WorkflowEngine(flow, AgentRegistry({"Ship": ship}), store=store)  # noqa: E731
    assert make().run({}, execution_id="r").status == "FAILED"
    assert make().redrive("r").status == "FAILED"
    result = make().redrive("r")
    assert (result.status, seen) == ("SUCCEEDED", [0, 1, 2])
    redriven = [event for event in result.trace if event["type"] == "ExecutionRedriven"]
    assert [event["details"] for event in redriven] == [{"redriveCount": 1}, {"redriveCount": 2}]
