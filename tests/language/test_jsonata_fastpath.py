"""The fast path answers exactly what the full evaluator answers, or hands over.

Every recognised shape is run both ways on a spread of values (numbers, strings,
booleans, null, containers, missing members) and the results, or the failures with their
causes, must be identical.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asl.language.errors import ASLError
from asl.language.jsonata import compile_expression
from asl.language.jsonata.expression import Expression

SHAPES = [
    "$states.input.a",
    "$states.input.a.b",
    "$states",
    "$v",
    "$v.b",
    "$states.input.a + 1",
    "$states.input.a - $v",
    "$v * 2.5",
    "$states.input.a / 4",
    "$states.input.a / 0",
    "$states.input.a < 1000",
    "$states.input.a <= $v",
    "$v > 0.5",
    "1 >= $states.input.a",
    "$states.input.a = 'x'",
    "$states.input.a != $v",
    "$v = null",
    "$states.input.a = true",
    "$v = 1",
]
VALUES: list[Any] = [0, 1, -3, 2.5, 1e308, 2**60, "x", "", True, False, None, [1, 2], [],
                     {"b": 5}, {"b": [1]}, {"c": 1}]


def both_ways(expression: Expression, states: Any, variables: Any) -> tuple[str, Any]:
    try:
        return "value", expression.evaluate(states, variables, "Output")
    except ASLError as error:
        return "error", (error.error, error.cause)


def library_only(expression: Expression) -> Expression:
    return dataclasses.replace(expression, _fast=None)


@pytest.mark.parametrize("text", SHAPES)
def test_shape_is_recognised(text: str) -> None:
    assert compile_expression("{% " + text + " %}")._fast is not None


@pytest.mark.parametrize("text", SHAPES)
def test_fast_path_equals_library(text: str) -> None:
    fast = compile_expression("{% " + text + " %}")
    slow = library_only(fast)
    missing = object()
    for a, v in itertools.product([*VALUES, missing], repeat=2):
        states = {"input": {} if a is missing else {"a": a}}
        variables = {} if v is missing else {"v": v}
        assert both_ways(fast, states, variables) == both_ways(slow, states, variables), (a, v)


@pytest.mark.parametrize("text", ["$states.input.a[0]", "$states.input.a + 1 + 2",
                                  "$string($v)", "$v & 'x'", "$states.input.a and $v",
                                  "$map", "-$v", "$", "$states.input.*"])
def test_other_shapes_use_the_library(text: str) -> None:
    assert compile_expression("{% " + text + " %}")._fast is None


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner,
                                                                  max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(text=st.sampled_from(SHAPES), a=_JSON, v=_JSON)
def test_fast_path_equals_library_on_any_json(text: str, a: Any, v: Any) -> None:
    fast = compile_expression("{% " + text + " %}")
    states, variables = {"input": {"a": a}}, {"v": v}
    assert both_ways(fast, states, variables) == both_ways(library_only(fast), states, variables)
