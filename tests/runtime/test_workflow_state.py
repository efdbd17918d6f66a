"""The Workflow state: a child execution, its data flow, errors, timeout and both histories."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from asl import AgentError, AgentRegistry, AgentResult, Usage, WorkflowEngine
from asl.runtime.clock import ManualClock
from asl.store import open_store

CHILD = {
    "StartAt": "Double",
    "States": {"Double": {"Type": "Task", "Agent": "Doubler", "End": True}},
}


def doubler(parameters: dict[str, Any]) -> Any:
    if parameters["value"] < 0:
        raise AgentError("Math.Negative", f"cannot double {parameters['value']}")
    return AgentResult(parameters["value"] * 2, Usage(input_tokens=3, output_tokens=4, cost=0.5))


def write(directory: Path, name: str, document: Any) -> Path:
    path = directory / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def run_state(
    tmp_path: Path,
    state: dict[str, Any],
    input: Any,
    *more: tuple[str, Any],
    child: Any = CHILD,
    **options: Any,
) -> Any:
    write(tmp_path, "child.asl.json", child)
    document = {
        "Imports": {"child": "./child.asl.json"},
        "StartAt": "Run",
        "States": {"Run": state, **dict(more)},
    }
    path = write(tmp_path, "parent.asl.json", document)
    engine = WorkflowEngine.from_file(path, AgentRegistry({"Doubler": doubler}), **options)
    return engine.run(input, execution_id="parent-1")


def workflow(**fields: Any) -> dict[str, Any]:
    return {"Type": "Workflow", "WorkflowId": "child", "Input": {"value.$": "$.n"}, **fields}


def test_the_child_output_is_placed_at_result_path(tmp_path: Path) -> None:
    result = run_state(tmp_path, workflow(ResultPath="$.doubled", End=True), {"n": 21})

    assert (result.status, result.output) == ("SUCCEEDED", {"n": 21, "doubled": 42})


def test_the_parent_history_names_the_child_execution(tmp_path: Path) -> None:
    result = run_state(tmp_path, workflow(End=True), {"n": 2})

    assert [(e["type"], e.get("details")) for e in result.trace] == [
        ("ExecutionStarted", {"input": {"n": 2}}),
        ("WorkflowStateEntered", {"input": {"n": 2}}),
        (
            "ChildExecutionStarted",
            {
                "executionId": "parent-1:Run:2",
                "workflowId": str(tmp_path / "child.asl.json"),
                "input": {"value": 2},
            },
        ),
        ("ChildExecutionSucceeded", {"executionId": "parent-1:Run:2", "output": 4}),
        ("WorkflowStateExited", {"output": 4}),
        ("ExecutionSucceeded", {"output": 4}),
    ]


def test_the_child_usage_counts_in_the_parent(tmp_path: Path) -> None:
    result = run_state(tmp_path, workflow(End=True), {"n": 2})

    assert (result.tokens_used, result.cost) == (7, 0.5)


def test_the_child_history_names_the_parent_in_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    result = run_state(tmp_path, workflow(End=True), {"n": 5}, store=url)

    async def child_record() -> tuple[Any, Any]:
        async with await open_store(url) as store:
            record = await store.load_execution("parent-1:Run:2")
            history = await store.history("parent-1:Run:2")
            return record, history[0].events[0]

    record, started = asyncio.run(child_record())

    assert result.output == 10
    assert (record.status, record.output) == ("SUCCEEDED", 10)
    assert (started["type"], started["details"]) == (
        "ExecutionStarted",
        {"input": {"value": 5}, "parentExecutionId": "parent-1", "parentState": "Run"},
    )


def test_a_failing_child_fails_the_state_with_the_child_error(tmp_path: Path) -> None:
    result = run_state(tmp_path, workflow(End=True), {"n": -1})

    assert (result.status, result.error, result.cause) == (
        "FAILED",
        "Math.Negative",
        "cannot double -1",
    )
    failed = next(e for e in result.trace if e["type"] == "ChildExecutionFailed")
    assert failed["details"] == {
        "error": "Math.Negative",
        "cause": "cannot double -1",
        "executionId": "parent-1:Run:2",
    }


def test_catch_handles_a_child_failure(tmp_path: Path) -> None:
    state = workflow(
        Catch=[{"ErrorEquals": ["Math.Negative"], "ResultPath": "$.error", "Next": "Sorry"}],
        End=True,
    )
    result = run_state(tmp_path, state, {"n": -3}, ("Sorry", {"Type": "Pass", "End": True}))

    assert result.output == {
        "n": -3,
        "error": {"Error": "Math.Negative", "Cause": "cannot double -3"},
    }


def test_retry_runs_a_new_child_execution(tmp_path: Path) -> None:
    state = workflow(
        Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2, "IntervalSeconds": 1}],
        End=True,
    )
    result = run_state(tmp_path, state, {"n": -1}, clock=ManualClock())

    started = [
        e["details"]["executionId"] for e in result.trace if e["type"] == "ChildExecutionStarted"
    ]
    assert started == ["parent-1:Run:2", "parent-1:Run:2:1", "parent-1:Run:2:2"]
    assert result.error == "Math.Negative"


def test_timeout_fails_the_state_with_states_timeout(tmp_path: Path) -> None:
    slow = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}}
    state = workflow(Timeout="30s", End=True)

    result = run_state(tmp_path, state, {"n": 1}, child=slow, clock=ManualClock())

    assert (result.error, result.cause) == (
        "States.Timeout",
        f"The child execution 'parent-1:Run:2' of '{tmp_path / 'child.asl.json'}' ran longer "
        f"than the state's Timeout (30 s)",
    )


def test_a_child_within_its_timeout_succeeds(tmp_path: Path) -> None:
    quick = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}}
    result = run_state(
        tmp_path, workflow(Timeout="1m", End=True), {"n": 1}, child=quick, clock=ManualClock()
    )

    assert (result.status, result.output) == ("SUCCEEDED", {"value": 1})


def test_a_workflow_may_run_itself_until_a_choice_stops_it(tmp_path: Path) -> None:
    countdown = {
        "StartAt": "More",
        "States": {
            "More": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericGreaterThan": 0, "Next": "Again"}],
                "Default": "Stop",
            },
            "Again": {
                "Type": "Workflow",
                "WorkflowId": "countdown.asl.json",
                "Input": {
                    "n.$": "States.MathAdd($.n, -1)",
                    "trail.$": "States.ArrayConcat($.trail, States.Array($.n))",
                },
                "End": True,
            },
            "Stop": {"Type": "Pass", "End": True},
        },
    }
    path = write(tmp_path, "countdown.asl.json", countdown)

    result = WorkflowEngine.from_file(path).run({"n": 3, "trail": []})

    assert result.output == {"n": 0, "trail": [3, 2, 1]}


def test_endless_recursion_stops_at_the_depth_limit(tmp_path: Path) -> None:
    forever = {
        "StartAt": "Again",
        "States": {"Again": {"Type": "Workflow", "WorkflowId": "forever.asl.json", "End": True}},
    }
    path = write(tmp_path, "forever.asl.json", forever)

    result = WorkflowEngine.from_file(path).run({})

    assert (result.error, result.cause) == (
        "States.Runtime",
        "An error occurred while executing the state 'Again' (entered at the event id #2). "
        "Workflow states are nested more than 32 deep; a workflow that runs itself needs a "
        "Choice that ends the recursion",
    )


def test_a_child_that_pauses_fails_the_state(tmp_path: Path) -> None:
    asks = {"StartAt": "Ask", "States": {"Ask": {"Type": "Approval", "Prompt": "ok?", "End": True}}}

    result = run_state(tmp_path, workflow(End=True), {"n": 1}, child=asks)

    assert (result.error, result.cause) == (
        "States.Runtime",
        "An error occurred while executing the state 'Run' (entered at the event id #2). The "
        "child execution 'parent-1:Run:2' paused at state 'Ask' to wait for input, and a "
        "Workflow state cannot wait for its child in this version: give the engine an "
        "approval_handler",
    )


def test_the_approval_handler_reaches_the_child(tmp_path: Path) -> None:
    asks = {
        "StartAt": "Ask",
        "States": {"Ask": {"Type": "Approval", "Prompt": "ok?", "ResultPath": "$.a", "End": True}},
    }

    result = run_state(
        tmp_path,
        workflow(End=True),
        {"n": 1},
        child=asks,
        approval_handler=lambda request: {"approval": "approve", "approver": "ada"},
    )

    assert result.output["a"]["approval"] == "approve"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("Timeout", "soon", "INVALID_VALUE"), ("Timeout", 0, "INVALID_VALUE")],
)
def test_a_bad_timeout_is_a_validation_error(
    tmp_path: Path, field: str, value: Any, code: str
) -> None:
    write(tmp_path, "child.asl.json", CHILD)
    document = {
        "Imports": {"child": "./child.asl.json"},
        "StartAt": "Run",
        "States": {"Run": workflow(End=True, **{field: value})},
    }
    engine = WorkflowEngine.from_file(
        write(tmp_path, "parent.asl.json", document), AgentRegistry({"Doubler": doubler})
    )

    assert [(d.code, d.pointer) for d in engine.diagnostics()] == [(code, "/States/Run/Timeout")]


def test_input_and_parameters_together_are_a_validation_error(tmp_path: Path) -> None:
    write(tmp_path, "child.asl.json", CHILD)
    document = {
        "Imports": {"child": "./child.asl.json"},
        "StartAt": "Run",
        "States": {"Run": workflow(End=True, Parameters={"a": 1})},
    }
    engine = WorkflowEngine.from_file(
        write(tmp_path, "parent.asl.json", document), AgentRegistry({"Doubler": doubler})
    )

    assert [(d.code, d.message) for d in engine.diagnostics()] == [
        (
            "CONFLICTING_FIELDS",
            "Workflow state 'Run' has both 'Input' and 'Parameters': keep one of them",
        )
    ]


def test_an_unregistered_agent_of_the_child_is_reported_by_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "child.asl.json", CHILD)
    document = {
        "Imports": {"child": "./child.asl.json"},
        "StartAt": "Run",
        "States": {"Run": workflow(End=True)},
    }
    engine = WorkflowEngine.from_file(write(tmp_path, "parent.asl.json", document))

    assert [(d.code, d.pointer, d.message) for d in engine.diagnostics()] == [
        (
            "INVALID_WORKFLOW",
            "/States/Run/WorkflowId",
            "The workflow 'child' cannot run: child.asl.json:6:16: UNKNOWN_AGENT State "
            "'Double' names the agent 'Doubler', which is not registered: register it or fix "
            "the name",
        )
    ]


def test_a_child_that_finished_before_a_crash_is_not_run_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"

    async def finished_child() -> None:  # what a crash right after the child left behind
        async with await open_store(url) as store:
            await store.create_execution("parent-1:Run:2", "hash", {"value": 5}, "Double")
            await store.finish_execution("parent-1:Run:2", "SUCCEEDED", output=99)

    asyncio.run(finished_child())
    calls: list[Any] = []

    def counting(parameters: dict[str, Any]) -> Any:
        calls.append(parameters)
        return 0

    write(tmp_path, "child.asl.json", CHILD)
    document = {
        "Imports": {"child": "./child.asl.json"},
        "StartAt": "Run",
        "States": {"Run": workflow(End=True)},
    }
    engine = WorkflowEngine.from_file(
        write(tmp_path, "parent.asl.json", document),
        AgentRegistry({"Doubler": counting}),
        store=url,
    )

    result = engine.run({"n": 5}, execution_id="parent-1")

    assert (result.output, calls) == (99, [])
