"""Properties: bad input only ever raises our errors, and literals survive escaping.

``compile_intrinsic`` may reject a text only with ``IntrinsicError``; a compiled call
may fail only with ``ASLError`` (``States.Runtime``), whatever the data. No other
Python exception may escape, so a user never sees a traceback.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from asl.language.errors import RUNTIME, ASLError, IntrinsicError
from asl.language.intrinsics import FUNCTIONS, compile_intrinsic

_SYNTAX = st.sampled_from(list("States.Format(),'$.[]{}\\ 0-9e\"@?*:truefalsnl\t"))
_PATHS = ["$", "$.a", "$.b", "$.a.b", "$.a[0]", "$.list[*]", "$$.Execution.Input", "$.nope"]

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=12,
)


def _escape(text: str) -> str:
    for char in "\\'{}":
        text = text.replace(char, "\\" + char)
    return f"'{text}'"


def _literal() -> st.SearchStrategy[str]:
    return (
        st.sampled_from(["null", "true", "false", "0", "-1", "2.5", "1e3", "2147483648"])
        | st.text(max_size=6).map(_escape)
        | st.sampled_from(_PATHS)
    )


calls = st.recursive(
    _literal(),
    lambda inner: st.tuples(st.sampled_from(sorted(FUNCTIONS)), st.lists(inner, max_size=4)).map(
        lambda call: f"{call[0]}({', '.join(call[1])})"
    ),
    max_leaves=8,
).filter(lambda text: text.startswith("States."))


@settings(max_examples=400)
@given(st.text(max_size=40) | st.lists(_SYNTAX, max_size=40).map("".join))
def test_any_text_compiles_or_raises_an_intrinsic_error(text: str) -> None:
    try:
        compile_intrinsic(text)
    except IntrinsicError as error:
        assert error.column is None or 1 <= error.column <= len(text) + 1


@settings(max_examples=400)
@given(st.lists(_SYNTAX, max_size=40).map(lambda chars: "States." + "".join(chars)))
def test_any_states_prefixed_text_compiles_or_raises_an_intrinsic_error(text: str) -> None:
    with contextlib.suppress(IntrinsicError):
        compile_intrinsic(text)


@settings(max_examples=600)
@given(calls, json_values, json_values)
def test_a_call_returns_json_or_fails_with_a_runtime_error(
    text: str, data: Any, input_value: Any
) -> None:
    try:
        intrinsic = compile_intrinsic(text)
    except IntrinsicError:
        return  # an extension called with the wrong number of arguments
    context = {"Execution": {"Input": input_value, "Cost": 0.5}}
    try:
        result = intrinsic.evaluate(data, context)
    except ASLError as error:
        assert error.error == RUNTIME
        assert error.cause.startswith(f"The function '{text}' had the following error: ")
        return
    json.dumps(result)


@given(st.text(max_size=30))
def test_an_escaped_string_literal_comes_back_unchanged(text: str) -> None:
    literal = _escape(text)
    assert compile_intrinsic(f"States.Array({literal})").evaluate(None) == [text]
    assert compile_intrinsic(f"States.Format({literal})").evaluate(None) == text


@given(st.integers() | st.floats(allow_nan=False, allow_infinity=False))
def test_a_number_literal_keeps_its_value_and_type(number: int | float) -> None:
    (value,) = compile_intrinsic(f"States.Array({number!r})").evaluate(None)
    assert type(value) is type(number) and value == number
