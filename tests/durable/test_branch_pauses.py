"""Approvals and callbacks inside the branches of a top-level Map or Parallel.

A waiting branch parks; the others run on; the execution pauses with one request
per parked branch, each decided on its own; nothing that finished runs again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asl import AgentRegistry, ASLError, WorkflowEngine
from asl.runtime.clock import ManualClock
from asl.store.memory import MemoryStore


def branch(name: str, timeout: str | None = None) -> dict[str, Any]:
    """Work (an agent), then an Approval, then a Pass that reads a variable set before."""
    review: dict[str, Any] = {
        "Type": "Approval",
        "Prompt": f"Ship {name}?",
        "ResultPath": "$.review",
        "Next": f"Done {name}",
    }
    states: dict[str, Any] = {
        f"Work {name}": {
            "Type": "Task",
            "Agent": "Work",
            "Parameters": {"part": name},
            "Assign": {"made.$": "$"},
            "ResultPath": "$.work",
            "Next": f"Review {name}",
        },
        f"Review {name}": review,
        f"Done {name}": {
            "Type": "Pass",
            "Parameters": {"part": name, "made.$": "$made", "decision.$": "$.review.approval"},
            "End": True,
        },
    }
    if timeout is not None:
        review |= {"Timeout": timeout, "Default": f"Late {name}"}
        states[f"Late {name}"] = {
            "Type": "Pass",
            "Result": {"part": name, "late": True},
            "End": True,
        }
    return {"StartAt": f"Work {name}", "States": states}


FAN = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [branch("a"), branch("b"), branch("c")],
            "Next": "After",
        },
        "After": {"Type": "Pass", "End": True},
    },
}


def engine(
    definition: dict[str, Any], store: Any, calls: list[Any], **options: Any
) -> WorkflowEngine:
    def work(parameters: Any) -> Any:
        calls.append(parameters["part"])
        return f"made-{parameters['part']}"

    return WorkflowEngine(definition, AgentRegistry({"Work": work}), store=store, **options)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A fresh store per test: a memory store object, or a SQLite file."""
    return MemoryStore() if request.param == "memory" else f"sqlite:///{tmp_path}/asl.db"


def request_ids(result: Any) -> list[str]:
    return [request["requestId"] for request in result.pending_input["requests"]]


def test_each_waiting_branch_gets_its_own_request(store: Any) -> None:
    calls: list[Any] = []
    result = engine(FAN, store, calls).run({}, execution_id="fan")
    assert (result.status, result.paused_at_state) == ("PAUSED", "Fan")
    assert result.pending_input["type"] == "branches"
    assert result.pending_input["state"] == "Fan"
    assert [r["branch"] for r in result.pending_input["requests"]] == ["Fan[0]", "Fan[1]", "Fan[2]"]
    assert [r["prompt"] for r in result.pending_input["requests"]] == [
        "Ship a?",
        "Ship b?",
        "Ship c?",
    ]
    assert request_ids(result) == [
        "fan:Fan:2[0]/Review a:0",
        "fan:Fan:2[1]/Review b:0",
        "fan:Fan:2[2]/Review c:0",
    ]
    assert sorted(calls) == ["a", "b", "c"]


def test_decisions_in_any_order_finish_the_execution_without_running_anything_twice(
    store: Any,
) -> None:
    calls: list[Any] = []
    ids = request_ids(engine(FAN, store, calls).run({}, execution_id="fan"))
    second = engine(FAN, store, calls).resume("fan", {"approval": "reject"}, request_id=ids[1])
    assert (second.status, request_ids(second)) == ("PAUSED", [ids[0], ids[2]])
    third = engine(FAN, store, calls).resume("fan", {"approval": "approve"}, request_id=ids[2])
    assert (third.status, request_ids(third)) == ("PAUSED", [ids[0]])
    last = engine(FAN, store, calls).resume("fan", {"approval": "approve"}, request_id=ids[0])
    assert last.status == "SUCCEEDED"
    assert last.output == [
        {"part": "a", "made": "made-a", "decision": "approve"},
        {"part": "b", "made": "made-b", "decision": "reject"},
        {"part": "c", "made": "made-c", "decision": "approve"},
    ]
    assert sorted(calls) == ["a", "b", "c"]  # the work before each approval ran once


def test_a_decision_must_name_its_request_when_several_wait(store: Any) -> None:
    calls: list[Any] = []
    ids = request_ids(engine(FAN, store, calls).run({}, execution_id="fan"))
    with pytest.raises(ASLError) as raised:
        engine(FAN, store, calls).resume("fan", {"approval": "approve"})
    assert raised.value.error == "States.InvalidDecision"
    assert raised.value.cause == (
        f"Execution 'fan' waits on 3 requests ({', '.join(ids)}); "
        "name the one you decide (request_id=..., or --request in the CLI)"
    )
    with pytest.raises(ASLError) as unknown:
        engine(FAN, store, calls).resume("fan", {"approval": "approve"}, request_id="nope")
    assert unknown.value.cause == (
        "Execution 'fan' has no request 'nope'; 'asl executions show' lists its requests"
    )
    with pytest.raises(ASLError) as bad:
        engine(FAN, store, calls).resume("fan", {"approval": "maybe"}, request_id=ids[0])
    assert bad.value.cause == "'maybe' is not one of this approval's options: approve, reject"
    still = engine(FAN, store, calls).resume("fan")
    assert (still.status, request_ids(still)) == ("PAUSED", ids)


def test_a_repeated_decision_changes_nothing(store: Any) -> None:
    calls: list[Any] = []
    ids = request_ids(engine(FAN, store, calls).run({}, execution_id="fan"))
    first = engine(FAN, store, calls).resume("fan", {"approval": "approve"}, request_id=ids[0])
    again = engine(FAN, store, calls).resume("fan", {"approval": "approve"}, request_id=ids[0])
    assert first.status == again.status == "PAUSED"
    rest = engine(FAN, store, calls).resume("fan")
    assert request_ids(rest) == ids[1:]


def test_map_items_wait_and_resume_one_by_one(store: Any) -> None:
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "ItemSelector": {"name.$": "$$.Map.Item.Value"},
                "ItemProcessor": {
                    "StartAt": "Ask",
                    "States": {
                        "Ask": {
                            "Type": "Approval",
                            "Prompt.$": "$.name",
                            "ResultPath": "$.ok",
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        },
    }
    calls: list[Any] = []
    paused = engine(definition, store, calls).run(["x", "y"], execution_id="m")
    assert [r["prompt"] for r in paused.pending_input["requests"]] == ["x", "y"]
    ids = request_ids(paused)
    engine(definition, store, calls).resume("m", {"approval": "approve"}, request_id=ids[1])
    done = engine(definition, store, calls).resume("m", {"approval": "reject"}, request_id=ids[0])
    assert done.status == "SUCCEEDED"
    assert [(item["name"], item["ok"]["approval"]) for item in done.output] == [
        ("x", "reject"),
        ("y", "approve"),
    ]


def test_an_expired_branch_approval_takes_its_timeout_route(store: Any) -> None:
    clock = ManualClock()
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {"Type": "Parallel", "Branches": [branch("a", "1h"), branch("b")], "End": True}
        },
    }
    calls: list[Any] = []
    ids = request_ids(engine(definition, store, calls, clock=clock).run({}, execution_id="t"))
    clock.advance(3601)
    after = engine(definition, store, calls, clock=clock).resume("t")
    assert (after.status, request_ids(after)) == ("PAUSED", [ids[1]])
    done = engine(definition, store, calls, clock=clock).resume(
        "t", {"approval": "approve"}, request_id=ids[1]
    )
    assert done.output == [
        {"part": "a", "late": True},
        {"part": "b", "made": "made-b", "decision": "approve"},
    ]


def test_a_callback_in_a_branch_waits_for_its_token(store: Any) -> None:
    tokens: list[str] = []

    def submit(parameters: Any) -> Any:
        tokens.append(parameters["token"])
        return "submitted"

    callback_branch = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "Submit.waitForTaskToken",
                "Parameters": {"token.$": "$$.Task.Token"},
                "End": True,
            }
        },
    }
    plain = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "plain", "End": True}}}
    definition = {
        "StartAt": "Fan",
        "States": {"Fan": {"Type": "Parallel", "Branches": [plain, callback_branch], "End": True}},
    }
    registry = AgentRegistry({"Submit.waitForTaskToken": submit})
    paused = WorkflowEngine(definition, registry, store=store).run({}, execution_id="cb")
    assert tokens == ["cb:Fan:2[1]/Call:0:token"]
    assert paused.pending_input["requests"] == [
        {"type": "callback", "requestId": tokens[0], "state": "Call", "branch": "Fan[1]"}
    ]
    done = WorkflowEngine(definition, registry, store=store).send_task_success(tokens[0], {"v": 1})
    assert (done.status, done.output) == ("SUCCEEDED", ["plain", {"v": 1}])
    assert tokens == ["cb:Fan:2[1]/Call:0:token"]  # the work was not started again
