"""Retry and Catch, Fail, and the error names AWS matches."""

from __future__ import annotations

from typing import Any

import pytest

from asl import AgentError
from asl.runtime.clock import ManualClock
from asl.runtime.retry import error_matches
from tests.runtime.conftest import machine


def flaky(failures: list[str]) -> Any:
    """An agent that raises the listed errors in turn, then returns its attempt count."""
    calls = [0]

    def agent(parameters: Any) -> Any:
        calls[0] += 1
        if failures:
            raise AgentError(failures.pop(0), f"attempt {calls[0]}")
        return {"attempts": calls[0]}

    return agent


def test_retry_until_success_with_backoff(run: Any, clock: ManualClock) -> None:
    state = {
        "Type": "Task",
        "Agent": "A",
        "End": True,
        "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 3}],
    }
    result = run(machine(("T", state)), {}, {"A": flaky(["E", "E", "E"])})
    assert result.output == {"attempts": 4}
    assert clock.slept == [2.0, 6.0, 18.0]


def test_max_delay_seconds_caps_each_delay(run: Any, clock: ManualClock) -> None:
    state = {
        "Type": "Task",
        "Agent": "A",
        "End": True,
        "Retry": [
            {
                "ErrorEquals": ["States.ALL"],
                "IntervalSeconds": 5,
                "MaxAttempts": 4,
                "MaxDelaySeconds": 12,
            }
        ],
    }
    run(machine(("T", state)), {}, {"A": flaky(["E"] * 4)})
    assert clock.slept == [5.0, 10.0, 12.0, 12.0]


def test_retries_exhausted_fail_with_last_error(run: Any) -> None:
    state = {
        "Type": "Task",
        "Agent": "A",
        "End": True,
        "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 1}],
    }
    result = run(machine(("T", state)), {}, {"A": flaky(["E", "E", "E"])})
    assert (result.error, result.cause) == ("E", "attempt 2")


def test_max_attempts_zero_never_retries(run: Any, clock: ManualClock) -> None:
    state = {
        "Type": "Task",
        "Agent": "A",
        "End": True,
        "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 0}],
    }
    result = run(machine(("T", state)), {}, {"A": flaky(["E"])})
    assert result.error == "E"
    assert clock.slept == []


def test_first_matching_retrier_decides_even_when_exhausted(run: Any) -> None:
    state = {
        "Type": "Task",
        "Agent": "A",
        "End": True,
        "Retry": [
            {"ErrorEquals": ["E"], "MaxAttempts": 1},
            {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5},
        ],
    }
    result = run(machine(("T", state)), {}, {"A": flaky(["E", "E"])})
    assert result.error == "E"


def test_each_retrier_counts_its_own_attempts(run: Any) -> None:
    state = {
        "Type": "Task",
        "Agent": "A",
        "End": True,
        "Retry": [
            {"ErrorEquals": ["E1"], "MaxAttempts": 1},
            {"ErrorEquals": ["E2"], "MaxAttempts": 1},
        ],
    }
    result = run(machine(("T", state)), {}, {"A": flaky(["E1", "E2"])})
    assert result.output == {"attempts": 3}


def test_retry_count_in_context_object(run: Any) -> None:
    state = {
        "Type": "Task",
        "Agent": "A",
        "End": True,
        "Parameters": {"n.$": "$$.State.RetryCount"},
        "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}],
    }
    seen: list[int] = []

    def agent(parameters: Any) -> Any:
        seen.append(parameters["n"])
        if len(seen) < 3:
            raise AgentError("E", "")
        return "ok"

    run(machine(("T", state)), {}, {"A": agent})
    assert seen == [0, 1, 2]


def test_catch_default_result_path_replaces_input_with_error(run: Any) -> None:
    definition = machine(
        (
            "T",
            {
                "Type": "Task",
                "Agent": "A",
                "End": True,
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handler"}],
            },
        ),
        ("Handler", {"Type": "Pass", "End": True}),
    )
    result = run(definition, {"in": 1}, {"A": flaky(["Boom"])})
    assert result.output == {"Error": "Boom", "Cause": "attempt 1"}


def test_catch_result_path_keeps_input(run: Any) -> None:
    definition = machine(
        (
            "T",
            {
                "Type": "Task",
                "Agent": "A",
                "End": True,
                "Catch": [{"ErrorEquals": ["Boom"], "ResultPath": "$.err", "Next": "H"}],
            },
        ),
        ("H", {"Type": "Pass", "End": True}),
    )
    result = run(definition, {"in": 1}, {"A": flaky(["Boom"])})
    assert result.output == {"in": 1, "err": {"Error": "Boom", "Cause": "attempt 1"}}


def test_catch_after_retries_are_exhausted(run: Any, clock: ManualClock) -> None:
    definition = machine(
        (
            "T",
            {
                "Type": "Task",
                "Agent": "A",
                "End": True,
                "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 2, "IntervalSeconds": 1}],
                "Catch": [{"ErrorEquals": ["Boom"], "Next": "H"}],
            },
        ),
        ("H", {"Type": "Pass", "Result": "handled", "End": True}),
    )
    result = run(definition, {}, {"A": flaky(["Boom"] * 3)})
    assert result.output == "handled"
    assert clock.slept == [1.0, 2.0]
    failed = [e for e in result.trace if e["type"] == "TaskFailed"]
    assert [e["details"].get("retry") for e in failed] == [
        {"attempt": 1, "delaySeconds": 1.0},
        {"attempt": 2, "delaySeconds": 2.0},
        None,
    ]
    assert failed[-1]["details"]["caught"] == {"next": "H"}


def test_unmatched_error_is_not_caught(run: Any) -> None:
    definition = machine(
        (
            "T",
            {
                "Type": "Task",
                "Agent": "A",
                "End": True,
                "Catch": [{"ErrorEquals": ["Other"], "Next": "H"}],
            },
        ),
        ("H", {"Type": "Pass", "End": True}),
    )
    assert run(definition, {}, {"A": flaky(["Boom"])}).error == "Boom"


@pytest.mark.parametrize(
    ("error_equals", "error", "expected"),
    [
        (["States.ALL"], "Anything", True),
        (["States.ALL"], "States.Runtime", False),
        (["States.Runtime"], "States.Runtime", False),
        (["States.ALL"], "States.DataLimitExceeded", True),
        (["States.DataLimitExceeded"], "States.DataLimitExceeded", True),
        (["States.TaskFailed"], "Custom", True),
        (["States.TaskFailed"], "States.Timeout", False),
        (["States.Timeout"], "States.HeartbeatTimeout", True),
        (["A", "B"], "B", True),
        (["A"], "a", False),
    ],
)
def test_error_matching_rules(error_equals: list[str], error: str, expected: bool) -> None:
    assert error_matches(frozenset(error_equals), error) is expected


def test_runtime_errors_are_never_caught(run: Any) -> None:
    definition = machine(
        (
            "T",
            {
                "Type": "Task",
                "Agent": "A",
                "InputPath": "$.missing",
                "End": True,
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}],
            },
        ),
        ("H", {"Type": "Pass", "End": True}),
    )
    assert run(definition, {}, {"A": lambda p: p}).error == "States.Runtime"


def test_fail_state_error_and_cause(run: Any) -> None:
    result = run(machine(("F", {"Type": "Fail", "Error": "Bad", "Cause": "why"})), {})
    assert (result.status, result.error, result.cause, result.output) == (
        "FAILED",
        "Bad",
        "why",
        None,
    )


def test_fail_state_error_path_and_cause_path(run: Any) -> None:
    state = {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.Format('n={}', $.n)"}
    result = run(machine(("F", state)), {"e": "Dyn", "n": 3})
    assert (result.error, result.cause) == ("Dyn", "n=3")


def test_fail_state_without_error_has_none(run: Any) -> None:
    result = run(machine(("F", {"Type": "Fail"})), {})
    assert (result.status, result.error, result.cause) == ("FAILED", None, None)


def test_failed_execution_history_ends_with_execution_failed(run: Any) -> None:
    result = run(machine(("F", {"Type": "Fail", "Error": "E", "Cause": "C"})), {})
    assert [e["type"] for e in result.trace] == [
        "ExecutionStarted",
        "FailStateEntered",
        "ExecutionFailed",
    ]
    assert result.trace[-1]["details"] == {"error": "E", "cause": "C"}


def test_workflow_timeout_gives_timed_out(run: Any) -> None:
    definition = machine(("W", {"Type": "Wait", "Seconds": 100, "End": True}), TimeoutSeconds=10)
    result = run(definition, {})
    assert (result.status, result.error) == ("TIMED_OUT", "States.Timeout")
    assert result.trace[-1]["type"] == "ExecutionTimedOut"
