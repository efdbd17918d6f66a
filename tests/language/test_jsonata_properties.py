"""Properties: bad text only ever raises our errors, never a Python traceback.

``compile_expression`` either returns an Expression or raises JsonataSyntaxError, for
any string; a compiled expression evaluated on any JSON either returns JSON or raises
``States.QueryEvaluationError``.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from asl.language.errors import QUERY_EVALUATION_ERROR, ASLError
from asl.language.jsonata import JsonataSyntaxError, compile_expression

_TOKENS = ["function", "$x", ":=", "..", "**", "and", "or", "in", "true", "null", "{%", "%}",
           "$sum(", "$partition(", "$random("]
_ALPHABET = st.sampled_from([*"$states.input.ab[]{}()'\"`:;,=<>!?+-*/%&|~^#@0129 \n\\/*", *_TOKENS])
_SOURCES = st.lists(_ALPHABET, max_size=12).map("".join)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("ab"), inner,
                                                                  max_size=3),
    max_leaves=6,
)


def _compiles_or_refuses(text: str) -> Any:
    try:
        return compile_expression(text)
    except JsonataSyntaxError as error:
        assert 0 <= error.position <= len(text)
        assert error.reason
        return None


@settings(max_examples=400, deadline=None)
@given(text=st.text(max_size=20))
def test_any_string_compiles_or_raises_syntax_error(text: str) -> None:
    _compiles_or_refuses(text)


@settings(max_examples=400, deadline=None)
@given(source=_SOURCES)
def test_any_expression_text_compiles_or_raises_syntax_error(source: str) -> None:
    _compiles_or_refuses("{%" + source + "%}")


@settings(max_examples=300, deadline=None)
@given(source=_SOURCES, data=_JSON, variable=_JSON)
def test_evaluation_returns_json_or_query_evaluation_error(source: str, data: Any,
                                                          variable: Any) -> None:
    expression = _compiles_or_refuses("{%" + source + "%}")
    if expression is None:
        return
    try:
        result = expression.evaluate({"input": data}, {"x": variable}, "Output")
    except ASLError as error:
        assert error.error == QUERY_EVALUATION_ERROR
        assert error.cause.startswith(f"The JSONata expression '{expression.source}'")
        return
    json.dumps(result, allow_nan=False)
