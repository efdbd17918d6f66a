"""Choice transitions, Wait on the injectable clock, Succeed."""

from __future__ import annotations

from typing import Any

from asl.runtime.clock import ManualClock
from tests.runtime.conftest import machine

LOOP = machine(
    ("Inc", {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"}),
    (
        "Check",
        {
            "Type": "Choice",
            "Choices": [{"Variable": "$.i", "NumericLessThan": 5, "Next": "Inc"}],
            "Default": "Done",
        },
    ),
    ("Done", {"Type": "Succeed"}),
)


def test_choice_loop_until_condition(run: Any) -> None:
    assert run(LOOP, {"i": 0}).output == {"i": 5}


def test_no_match_without_default_fails_with_runtime_error(run: Any) -> None:
    definition = machine(
        (
            "C",
            {"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEquals": "a", "Next": "S"}]},
        ),
        ("S", {"Type": "Succeed"}),
    )
    result = run(definition, {"x": "b"})
    assert (result.error, result.cause) == (
        "States.Runtime",
        "An error occurred while executing the state 'C' (entered at the event id #2). "
        "Failed to transition out of the state. The state does not point to a next state.",
    )


def test_choice_output_path_applies_to_input(run: Any) -> None:
    definition = machine(
        (
            "C",
            {
                "Type": "Choice",
                "OutputPath": "$.keep",
                "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "S"}],
            },
        ),
        ("S", {"Type": "Succeed"}),
    )
    assert run(definition, {"x": 1, "keep": {"k": 2}}).output == {"k": 2}


def test_wait_seconds_uses_clock(run: Any, clock: ManualClock) -> None:
    start = clock.time()
    run(machine(("W", {"Type": "Wait", "Seconds": 3600, "End": True})), {})
    assert clock.time() - start == 3600


def test_wait_seconds_path(run: Any, clock: ManualClock) -> None:
    run(machine(("W", {"Type": "Wait", "SecondsPath": "$.s", "End": True})), {"s": 7})
    assert clock.slept == [7.0]


def test_wait_timestamp_waits_until_then(run: Any, clock: ManualClock) -> None:
    state = {"Type": "Wait", "Timestamp": "2026-01-01T00:01:00Z", "End": True}
    run(machine(("W", state)), {})
    assert clock.slept == [60.0]


def test_wait_timestamp_path_in_past_does_not_wait(run: Any, clock: ManualClock) -> None:
    state = {"Type": "Wait", "TimestampPath": "$.t", "End": True}
    result = run(machine(("W", state)), {"t": "2020-01-01T00:00:00Z"})
    assert (result.status, clock.slept) == ("SUCCEEDED", [0.0])


def test_wait_seconds_path_with_bad_value_fails(run: Any) -> None:
    result = run(machine(("W", {"Type": "Wait", "SecondsPath": "$.s", "End": True})), {"s": "x"})
    assert result.error == "States.Runtime"


def test_succeed_applies_input_and_output_path(run: Any) -> None:
    state = {"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}
    assert run(machine(("S", state)), {"a": {"b": 1}}).output == 1
