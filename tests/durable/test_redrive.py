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
