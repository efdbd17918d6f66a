"""Intrinsic functions, case by case, against what AWS Step Functions does.

The cases are data (``cases/intrinsics_*.json``): each names its source — a LocalStack
snapshot recorded against AWS, a cause captured on AWS, an AWS documentation example,
or (in ``intrinsics_asl.json``) a documented ASL decision or extension. One runner
checks them all, comparing JSON types strictly (``1`` is not ``1.0`` nor ``true``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from asl.language.errors import RUNTIME, ASLError, IntrinsicError
from asl.language.intrinsics import FUNCTIONS, compile_intrinsic, is_intrinsic

_CASES = Path(__file__).parent / "cases"
_FILES = ("intrinsics_aws.json", "intrinsics_aws_observed.json", "intrinsics_asl.json")


def _load(name: str) -> Any:
    return json.loads((_CASES / name).read_text(encoding="utf-8"))


def _evaluation_cases() -> list[Any]:
    params = []
    for name in _FILES:
        for g, group in enumerate(_load(name)["groups"]):
            for c, case in enumerate(group["cases"]):
                params.append(pytest.param(case, id=f"{name[:-5]}-{g}-{c}-{case['expression']}"))
    return params


def same_json(actual: Any, expected: Any) -> bool:
    """Equal as JSON with types kept apart: ``1 != 1.0 != true``; key order ignored."""
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, list):
        return len(actual) == len(expected) and all(map(same_json, actual, expected))
    if isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(
            same_json(actual[key], expected[key]) for key in expected
        )
    if isinstance(expected, float) and expected == 0.0:
        return str(actual) == str(expected)  # -0.0 and 0.0 are different JSON texts
    return bool(actual == expected)


@pytest.mark.parametrize("case", _evaluation_cases())
def test_case(case: dict[str, Any]) -> None:
    intrinsic = compile_intrinsic(case["expression"])
    if "error" in case:
        with pytest.raises(ASLError) as caught:
            intrinsic.evaluate(case["input"], case.get("context"))
        assert (caught.value.error, caught.value.cause) == (case["error"], case["cause"])
    else:
        actual = intrinsic.evaluate(case["input"], case.get("context"))
        assert same_json(actual, case["result"]), f"{actual!r} != {case['result']!r}"


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c["expression"]) for c in _load("intrinsics_syntax.json")["cases"]]
)
def test_syntax_error(case: dict[str, Any]) -> None:
    with pytest.raises(IntrinsicError) as caught:
        compile_intrinsic(case["expression"])
    error = caught.value
    assert (error.reason, error.column) == (case["reason"], case["column"])
    assert error.expression == case["expression"]
    assert error.cause == f"Invalid intrinsic '{case['expression']}': {case['reason']}"


def test_a_bad_path_argument_points_into_the_expression() -> None:
    with pytest.raises(IntrinsicError) as caught:
        compile_intrinsic("States.Array(1, $1)")
    assert caught.value.column is not None and 17 <= caught.value.column <= 19
    assert caught.value.reason.startswith("invalid path '$1': ")


def test_is_intrinsic_is_the_states_prefix() -> None:
    assert is_intrinsic("States.Format('x')")
    assert is_intrinsic("States.Nope(")
    assert not is_intrinsic("$.States.Format")
    assert not is_intrinsic("states.Format('x')")
    assert not is_intrinsic(" States.Array()")


def test_compiling_twice_returns_the_same_compiled_call() -> None:
    text = "States.Format('{}', $.a)"
    assert compile_intrinsic(text) is compile_intrinsic(text)


def test_the_compiled_call_keeps_its_text_and_context_use() -> None:
    assert compile_intrinsic("States.Array($.a)").uses_context is False
    assert compile_intrinsic("States.Array($.a, $$.Execution.Id)").uses_context is True
    assert compile_intrinsic("States.Array(States.Array($$.State.Name))").uses_context is True
    assert compile_intrinsic("States.MathAdd(1, States.CurrentTokens())").uses_context is True
    assert compile_intrinsic("States.Array( 1 )").text == "States.Array( 1 )"


def test_context_defaults_to_none() -> None:
    assert compile_intrinsic("States.CurrentTokens()").evaluate({}) == 0


def test_each_evaluation_builds_fresh_containers() -> None:
    intrinsic = compile_intrinsic("States.Array(States.Array(1), $.a)")
    data = {"a": {"k": [1]}}
    first = intrinsic.evaluate(data)
    second = intrinsic.evaluate(data)
    assert first == second == [[1], {"k": [1]}]
    assert first is not second and first[0] is not second[0]


def test_constant_calls_fail_when_run_not_when_compiled() -> None:
    intrinsic = compile_intrinsic("States.MathAdd('a', 1)")
    with pytest.raises(ASLError) as caught:
        intrinsic.evaluate({})
    assert caught.value.error == RUNTIME


def test_every_aws_function_is_in_the_table() -> None:
    aws = {name for name, spec in FUNCTIONS.items() if not spec.extension}
    assert aws == {
        "States.Format", "States.StringToJson", "States.JsonToString", "States.Array",
        "States.ArrayPartition", "States.ArrayContains", "States.ArrayRange",
        "States.ArrayGetItem", "States.ArrayLength", "States.ArrayUnique",
        "States.Base64Encode", "States.Base64Decode", "States.Hash", "States.JsonMerge",
        "States.MathRandom", "States.MathAdd", "States.StringSplit", "States.UUID",
    }  # fmt: skip
    extensions = {name for name, spec in FUNCTIONS.items() if spec.extension}
    assert extensions == {
        "States.MathSubtract", "States.MathMultiply", "States.TokenCount", "States.Truncate",
        "States.Merge", "States.Pick", "States.Omit", "States.ArrayConcat", "States.Coalesce",
        "States.CurrentCost", "States.CurrentTokens", "States.EstimateCost",
        "States.RemainingBudget",
    }  # fmt: skip


def test_uuid_is_a_random_lower_case_version_4_uuid() -> None:
    intrinsic = compile_intrinsic("States.UUID()")
    first, second = intrinsic.evaluate({}), intrinsic.evaluate({})
    pattern = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    assert re.fullmatch(pattern, first) and re.fullmatch(pattern, second)
    assert first != second


def test_math_random_stays_in_its_range_and_a_seed_repeats() -> None:
    intrinsic = compile_intrinsic("States.MathRandom($.start, $.end)")
    values = {intrinsic.evaluate({"start": 1.9, "end": 4.9}) for _ in range(200)}
    assert values <= {1, 2, 3} and all(type(v) is int for v in values)
    seeded = compile_intrinsic("States.MathRandom(1, 1000, $.seed)")
    assert seeded.evaluate({"seed": 7}) == seeded.evaluate({"seed": 7.9})


@pytest.mark.parametrize(
    ("expression", "ok", "too_long"),
    [
        ("States.Hash($.s, 'SHA-256')", "a" * 10_000, "a" * 10_001),
        ("States.Base64Encode($.s)", "é" * 10_000, "é" * 10_001),
        ("States.Base64Decode($.s)", "QUJD" * 2_500, "QUJD" * 2_500 + "QQ=="),
    ],
)
def test_text_functions_take_at_most_10000_characters(
    expression: str, ok: str, too_long: str
) -> None:
    intrinsic = compile_intrinsic(expression)
    assert isinstance(intrinsic.evaluate({"s": ok}), str)
    with pytest.raises(ASLError) as caught:
        intrinsic.evaluate({"s": too_long})
    name = expression.split("(")[0]
    assert caught.value.cause == (
        f"The function '{expression}' had the following error: Invalid arguments in {name}"
    )


def test_array_range_holds_at_most_1000_items() -> None:
    assert compile_intrinsic("States.ArrayRange(1, 1000, 1)").evaluate({}) == list(range(1, 1001))
    assert compile_intrinsic("States.ArrayRange(1000, 1, -1)").evaluate({}) == list(
        range(1000, 0, -1)
    )
    assert compile_intrinsic("States.ArrayRange(0, 1998, 2)").evaluate({})[-1] == 1998


def test_calls_nest_64_deep_and_no_deeper() -> None:
    deepest = "States.Array(" * 64 + ")" * 64
    assert compile_intrinsic(deepest).evaluate(None) is not None
    too_deep = "States.Array(" * 65 + ")" * 65
    with pytest.raises(IntrinsicError) as caught:
        compile_intrinsic(too_deep)
    assert (caught.value.reason, caught.value.column) == ("calls are nested more than 64 deep", 833)


@pytest.mark.parametrize(
    ("expression", "name"),
    [
        ("States.Format('{}', $)", "States.Format"),
        ("States.JsonToString($)", "States.JsonToString"),
        ("States.ArrayUnique($)", "States.ArrayUnique"),
    ],
)
def test_data_nested_too_deeply_fails_like_bad_arguments(expression: str, name: str) -> None:
    data: list[Any] = []
    node = data
    for _ in range(5000):
        node.append([])
        node = node[0]
    with pytest.raises(ASLError) as caught:
        compile_intrinsic(expression).evaluate(data)
    assert caught.value.cause == (
        f"The function '{expression}' had the following error: Invalid arguments in {name}"
    )
