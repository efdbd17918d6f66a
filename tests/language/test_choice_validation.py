"""Compiling Choice rules: every problem reported at once, and only our errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asl.language.choice import OPERATORS, Rule, compile_rule
from asl.language.errors import ASLError, PathError, ValidationError
from asl.language.intrinsics import compile_intrinsic
from asl.language.paths import compile_reference_path

_POINTER = "/States/Check/Choices/0"
_CASES = json.loads(
    (Path(__file__).parent / "cases" / "choice_validation.json").read_text(encoding="utf-8")
)["cases"]


def _diagnostics(raw: Any) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as raised:
        compile_rule(raw, _POINTER)
    assert raised.value.error == "States.ValidationError"
    for diagnostic in raised.value.errors:
        assert (diagnostic.line, diagnostic.column, diagnostic.severity) == (None, None, "error")
    return [
        {"code": d.code, "pointer": d.pointer, "message": d.message} for d in raised.value.errors
    ]


@pytest.mark.parametrize("case", _CASES, ids=[case["name"] for case in _CASES])
def test_invalid_rule_reports_every_problem(case: dict[str, Any]) -> None:
    assert _diagnostics(case["rule"]) == case["errors"]


def test_rule_that_is_not_an_object() -> None:
    assert _diagnostics(["Variable", "$.x"]) == [
        {
            "code": "CHOICE_RULE_NOT_OBJECT",
            "pointer": _POINTER,
            "message": 'A Choice rule must be an object such as {"Variable": "$.status", '
            '"StringEquals": "done"}; got an array',
        }
    ]


def test_variable_that_is_not_a_reference_path_names_the_reason() -> None:
    with pytest.raises(PathError) as reason:
        compile_reference_path("$.items[*].id")

    assert _diagnostics({"Variable": "$.items[*].id", "IsNull": True}) == [
        {
            "code": "CHOICE_BAD_VARIABLE",
            "pointer": f"{_POINTER}/Variable",
            "message": "Variable needs a Reference Path such as '$.status'; '$.items[*].id' "
            f"is not one: {reason.value.reason}",
        }
    ]


def test_path_operand_that_is_not_a_path_names_the_reason() -> None:
    with pytest.raises(PathError) as reason:
        compile_reference_path("limit")

    assert _diagnostics({"Variable": "$.n", "NumericLessThanPath": "limit"}) == [
        {
            "code": "CHOICE_BAD_PATH",
            "pointer": f"{_POINTER}/NumericLessThanPath",
            "message": "NumericLessThanPath needs a Reference Path such as '$.status'; 'limit' "
            f"is not one: {reason.value.reason}",
        }
    ]


def test_invalid_intrinsic_names_the_reason() -> None:
    with pytest.raises(ASLError) as reason:
        compile_intrinsic("States.ArrayLength($.items")

    assert _diagnostics({"Variable.$": "States.ArrayLength($.items", "IsNumeric": True}) == [
        {
            "code": "CHOICE_BAD_INTRINSIC",
            "pointer": f"{_POINTER}/Variable.$",
            "message": f"Variable.$ is not valid: {reason.value.cause}",
        }
    ]


def test_every_operator_compiles_with_a_valid_operand() -> None:
    operands: dict[str, Any] = {"And": [{"Variable": "$.v", "IsNull": True}]}
    operands["Or"] = operands["And"]
    operands["Not"] = {"Variable": "$.v", "IsNull": True}
    for name in OPERATORS - {"And", "Or", "Not"}:
        if name.endswith("Path"):
            operands[name] = "$.w"
        elif name.startswith("String"):
            operands[name] = "a"
        elif name.startswith("Numeric"):
            operands[name] = 1
        elif name.startswith("Timestamp"):
            operands[name] = "2016-08-18T17:33:00Z"
        else:
            operands[name] = True

    compiled = {
        name: compile_rule(
            {
                "Next": "X",
                **({} if name in ("And", "Or", "Not") else {"Variable": "$.v"}),
                name: operand,
            },
            _POINTER,
        )
        for name, operand in operands.items()
    }

    assert len(compiled) == 42
    assert all(isinstance(rule, Rule) for rule in compiled.values())


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
_PATHS = st.sampled_from(["$", "$.a", "$.a.b", "$.a[0]", "$$.Execution.Id", "$..a", "a", "", "$["])
_RULES = st.recursive(
    st.fixed_dictionaries(
        {"Variable": _PATHS},
        optional={
            name: (_PATHS if name.endswith("Path") else _JSON)
            for name in sorted(OPERATORS - {"And", "Or", "Not"})
        },
    ),
    lambda inner: st.one_of(
        st.fixed_dictionaries({"And": st.lists(inner, max_size=3)}),
        st.fixed_dictionaries({"Or": st.lists(inner, max_size=3)}),
        st.fixed_dictionaries({"Not": inner}),
        _JSON,
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(raw=_RULES, data=_JSON)
def test_any_rule_on_any_data_raises_only_our_errors(raw: Any, data: Any) -> None:
    try:
        rule = compile_rule(raw, _POINTER)
    except ValidationError as error:
        assert error.errors
        return
    try:
        result = rule.evaluate(data, {"Execution": {"Id": "x"}})
    except ASLError as error:
        assert error.error == "States.Runtime"
        return
    assert isinstance(result, bool)


def test_field_name_that_is_not_a_string_is_reported() -> None:
    assert _diagnostics({"Variable": "$.x", "IsNull": True, 7: "x"}) == [
        {
            "code": "CHOICE_UNKNOWN_FIELD",
            "pointer": f"{_POINTER}/7",
            "message": "Unknown field '7' in a Choice rule; a Choice rule has Variable, one "
            "comparison operator such as StringEquals, and Next",
        }
    ]
