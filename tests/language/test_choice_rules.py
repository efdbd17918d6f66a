"""Evaluating Choice rules: the conformance cases, then the ASL extensions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from asl.language.choice import compile_rule
from asl.language.errors import ASLError

_CASES = json.loads(
    (Path(__file__).parent / "cases" / "choice_rules.json").read_text(encoding="utf-8")
)["cases"]


@pytest.mark.parametrize("case", _CASES, ids=[case["name"] for case in _CASES])
def test_rule_behaves_as_on_aws(case: dict[str, Any]) -> None:
    rule = compile_rule(case["rule"], "/States/C/Choices/0")
    context = case.get("context")

    if "error" in case:
        with pytest.raises(ASLError) as raised:
            rule.evaluate(case["input"], context)
        assert (raised.value.error, raised.value.cause) == (case["error"], case["cause"])
    else:
        assert rule.evaluate(case["input"], context) is case["result"], repr(rule)


def test_top_level_fields_of_the_choice_state_are_ignored() -> None:
    rule = compile_rule(
        {
            "Variable": "$.n",
            "NumericEquals": 1,
            "Next": "Done",
            "Comment": "one",
            "Assign": {"x": 1},
            "Output": {"y": 2},
        },
        "/States/C/Choices/0",
    )

    assert rule.evaluate({"n": 1}) is True


def test_rule_without_context_paths_does_not_use_the_context() -> None:
    rule = compile_rule({"Variable": "$.a", "StringEqualsPath": "$.b"}, "/r")

    assert rule.uses_context is False


def test_context_variable_makes_the_rule_use_the_context() -> None:
    rule = compile_rule({"Variable": "$$.Execution.Name", "IsPresent": True}, "/r")

    assert rule.uses_context is True


def test_context_path_operand_deep_inside_makes_the_rule_use_the_context() -> None:
    rule = compile_rule(
        {"Not": {"Or": [{"Variable": "$.a", "NumericEqualsPath": "$$.Map.Item.Index"}]}},
        "/r",
    )

    assert rule.uses_context is True


# ASL extension: the tested value computed by an intrinsic function.


def test_variable_from_an_intrinsic() -> None:
    rule = compile_rule(
        {"Variable.$": "States.ArrayLength($.items)", "NumericGreaterThan": 0, "Next": "Go"}, "/r"
    )

    assert rule.evaluate({"items": [1, 2]}) is True
    assert rule.evaluate({"items": []}) is False


def test_intrinsic_variable_is_always_present() -> None:
    rule = compile_rule({"Variable.$": "States.ArrayLength($.items)", "IsPresent": True}, "/r")

    assert rule.evaluate({"items": []}) is True


def test_intrinsic_variable_failure_reaches_the_caller() -> None:
    rule = compile_rule({"Variable.$": "States.ArrayLength($.items)", "IsNumeric": True}, "/r")

    with pytest.raises(ASLError):
        rule.evaluate({})


def test_intrinsic_reading_the_context_makes_the_rule_use_the_context() -> None:
    rule = compile_rule(
        {"Variable.$": "States.ArrayLength($$.Execution.Input.items)", "IsNumeric": True}, "/r"
    )

    assert rule.uses_context is True


# ASL extension: a Timestamp* operand relative to now.

_NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


def _clock() -> datetime:
    return _NOW


@pytest.mark.parametrize(
    ("last_failure", "expected"),
    [
        ("2025-06-01T11:54:59Z", True),
        ("2025-06-01T11:55:00Z", True),
        ("2025-06-01T11:55:00.000000001Z", False),
        ("2025-06-01T12:55:00+01:00", True),
        ("2025-06-01T12:56:00+01:00", False),
    ],
)
def test_relative_timestamp_is_measured_from_now(last_failure: str, expected: bool) -> None:
    rule = compile_rule(
        {"Variable": "$.lastFailure", "TimestampLessThanEquals": "-5m", "Next": "Retry"}, "/r"
    )

    assert rule.evaluate({"lastFailure": last_failure}, now=_clock) is expected


@pytest.mark.parametrize(
    ("operand", "moment", "expected"),
    [
        ("+1h", "2025-06-01T13:00:00Z", True),
        ("+1h", "2025-06-01T13:00:01Z", False),
        ("-30s", "2025-06-01T11:59:30Z", True),
        ("-2d", "2025-05-30T12:00:00Z", True),
        ("-2d", "2025-05-30T12:00:01Z", False),
    ],
)
def test_relative_timestamp_units(operand: str, moment: str, expected: bool) -> None:
    rule = compile_rule({"Variable": "$.t", "TimestampLessThanEquals": operand}, "/r")

    assert rule.evaluate({"t": moment}, now=_clock) is expected


def test_relative_timestamp_reads_the_clock_at_each_evaluation() -> None:
    moments = iter([_NOW, _NOW + timedelta(minutes=10)])
    rule = compile_rule({"Variable": "$.t", "TimestampGreaterThan": "-5m"}, "/r")
    data = {"t": "2025-06-01T11:58:00Z"}

    assert rule.evaluate(data, now=lambda: next(moments)) is True
    assert rule.evaluate(data, now=lambda: next(moments)) is False


def test_relative_timestamp_takes_a_naive_clock_as_utc() -> None:
    rule = compile_rule({"Variable": "$.t", "TimestampEquals": "-0s"}, "/r")

    assert rule.evaluate({"t": "2025-06-01T12:00:00Z"}, now=lambda: _NOW.replace(tzinfo=None))


def test_relative_timestamp_honours_the_clock_offset() -> None:
    paris = datetime(2025, 6, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    rule = compile_rule({"Variable": "$.t", "TimestampEquals": "+0m"}, "/r")

    assert rule.evaluate({"t": "2025-06-01T12:00:00Z"}, now=lambda: paris) is True


def test_relative_timestamp_defaults_to_the_utc_clock() -> None:
    rule = compile_rule({"Variable": "$.t", "TimestampLessThan": "-1d"}, "/r")

    assert rule.evaluate({"t": "2000-01-01T00:00:00Z"}) is True
    assert rule.evaluate({"t": "2999-01-01T00:00:00Z"}) is False


def test_relative_timestamp_on_a_value_that_is_no_timestamp_is_false() -> None:
    rule = compile_rule({"Variable": "$.t", "TimestampLessThan": "-1d"}, "/r")

    assert rule.evaluate({"t": "yesterday"}, now=_clock) is False
    assert rule.evaluate({"t": 5}, now=_clock) is False


def test_relative_timestamp_with_a_missing_variable_fails_like_aws() -> None:
    rule = compile_rule({"Variable": "$.t", "TimestampLessThan": "-1d"}, "/r")

    with pytest.raises(ASLError) as raised:
        rule.evaluate({}, now=_clock)

    assert raised.value.error == "States.Runtime"
    assert raised.value.cause == (
        "Invalid path '$.t': The choice state's condition path references an invalid value."
    )
