"""Properties: only our errors escape, and we agree with RFC 9535 where Jayway does.

``jsonpath_rfc9535`` is the oracle on the subset where Jayway (hence AWS) and RFC 9535
agree: names, bracket names, indices, ``[*]``, ``.*``, slices without negative
``[from:to]`` bounds, ``..`` (with array-shaped targets only as the last step), and
filters on arrays of objects whose strings never look like numbers.
"""

from __future__ import annotations

import json
from typing import Any

import jsonpath_rfc9535
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asl.language.causes import no_results_cause
from asl.language.errors import ASLError, PathError
from asl.language.paths import NoResults, compile_path, compile_reference_path

_KEYS = ["a", "b", "c"]
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["x", "y", "zz"])
)
_documents = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(_KEYS), children, max_size=3),
    ),
    max_leaves=12,
)


def _name() -> st.SearchStrategy[str]:
    return st.sampled_from(_KEYS).flatmap(
        lambda key: st.sampled_from([f".{key}", f"['{key}']", f'["{key}"]'])
    )


def _index() -> st.SearchStrategy[str]:
    return st.integers(-3, 3).map(lambda i: f"[{i}]")


def _slice() -> st.SearchStrategy[str]:
    small = st.integers(0, 4)
    signed = st.integers(-4, 4)
    return st.one_of(
        st.tuples(small, small).map(lambda p: f"[{p[0]}:{p[1]}]"),
        signed.map(lambda i: f"[{i}:]"),
        signed.map(lambda i: f"[:{i}]"),
    )


def _segment(last: bool) -> st.SearchStrategy[str]:
    options = [_name(), _index(), _slice(), st.sampled_from(["[*]", ".*"])]
    descendant_targets = [st.sampled_from(_KEYS).map(lambda k: f"..{k}"), st.just("..*")]
    if last:  # Jayway hands array elements past an array-shaped target after '..'
        descendant_targets += [_index().map(lambda s: ".." + s), st.just("..[*]")]
    options.append(st.one_of(*descendant_targets))
    return st.one_of(*options)


@st.composite
def _paths(draw: st.DrawFn) -> str:
    count = draw(st.integers(0, 4))
    return "$" + "".join(draw(_segment(i == count - 1)) for i in range(count))


def _same_json(a: Any, b: Any) -> bool:
    return json.dumps(a) == json.dumps(b)


@_SETTINGS
@given(document=_documents, text=_paths())
def test_paths_agree_with_rfc9535_where_jayway_does(document: Any, text: str) -> None:
    path = compile_path(text)
    expected = [node.value for node in jsonpath_rfc9535.find(text, document)]

    try:
        actual = path.evaluate(document)
    except NoResults:
        # a definite path that selects nothing; or Jayway refusing the definite part of
        # an indefinite path, where RFC 9535 quietly selects nothing
        assert expected == [], (text, document, expected)
        return
    if path.is_definite:
        assert len(expected) == 1 and _same_json(actual, expected[0]), (text, document)
    else:
        assert _same_json(actual, expected), (text, document, actual, expected)


_filter_values = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["ab", "b", "ba", "c"])
)
_items = st.lists(
    st.dictionaries(st.sampled_from(["x", "y"]), _filter_values, max_size=2), max_size=5
)
_literals = st.one_of(
    st.integers(-3, 3).map(str), st.sampled_from(["'ab'", "'b'", "'bb'", "true", "null"])
)


@st.composite
def _conditions(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(
        st.sampled_from(
            ["cmp", "cmp", "exists", "not", "and", "or"] if depth < 2 else ["cmp", "exists"]
        )
    )
    if kind == "exists":
        return "@." + draw(st.sampled_from(["x", "y"]))
    if kind == "cmp":
        member = "@." + draw(st.sampled_from(["x", "y"]))
        literal = draw(_literals)
        ordering = literal.lstrip("-").isdigit() or literal.startswith("'")
        op = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">="] if ordering else ["==", "!="]))
        return f"{member} {op} {literal}"
    if kind == "not":
        return f"!({draw(_conditions(depth + 1))})"
    joiner = " && " if kind == "and" else " || "
    return f"({draw(_conditions(depth + 1))}{joiner}{draw(_conditions(depth + 1))})"


@_SETTINGS
@given(items=_items, condition=_conditions())
def test_filters_agree_with_rfc9535_on_arrays(items: list[Any], condition: str) -> None:
    text = f"$[?({condition})]"
    expected = [node.value for node in jsonpath_rfc9535.find(text, items)]

    assert _same_json(compile_path(text).evaluate(items), expected), text


_path_alphabet = st.sampled_from(list("$.[]*?@()'\"\\:,-0123456789abc =!<>&|u "))


@_SETTINGS
@given(text=st.one_of(st.text(), st.text(_path_alphabet), st.text(_path_alphabet).map("$".__add__)))
def test_any_string_compiles_or_raises_a_path_error(text: str) -> None:
    for compile_ in (compile_path, compile_reference_path):
        try:
            path = compile_(text)
        except PathError as error:
            assert error.column is None or 1 <= error.column <= max(1, len(text))
        else:
            assert path.text == text


@st.composite
def _wide_paths(draw: st.DrawFn) -> str:
    """Everything the parser accepts, Jayway quirks included (no oracle for these)."""
    extra = st.one_of(
        st.just("['a','b']"),
        st.just("[0,-1,7]"),
        st.tuples(st.integers(-4, 4), st.integers(-4, 4)).map(lambda p: f"[{p[0]}:{p[1]}]"),
        _conditions().map(lambda c: f"[?({c})]"),
        _conditions().map(lambda c: f"..[?({c})]"),
        st.just("[?(@ > $.a)]"),
        _index().map(lambda s: ".." + s),
    )
    count = draw(st.integers(0, 4))
    parts = [draw(st.one_of(_segment(i == count - 1), extra)) for i in range(count)]
    return "$" + "".join(parts)


@_SETTINGS
@given(document=_documents, text=st.one_of(_paths(), _wide_paths()))
def test_evaluating_raises_nothing_but_no_results_and_a_cause_explains_it(
    document: Any, text: str
) -> None:
    before = json.dumps(document)
    path = compile_path(text)
    try:
        path.evaluate(document)
    except NoResults:
        assert no_results_cause(path, document).startswith(f"Invalid path '{text}' : ")
    assert json.dumps(document) == before


_reference_segments = st.one_of(st.sampled_from(_KEYS).map(lambda k: f".{k}"), _index())


@_SETTINGS
@given(
    document=_documents,
    segments=st.lists(_reference_segments, max_size=4),
    value=_documents,
)
def test_assign_never_mutates_and_places_the_value(
    document: Any, segments: list[str], value: Any
) -> None:
    path = compile_reference_path("$" + "".join(segments))
    before = json.dumps(document)

    try:
        result = path.assign(document, value)
    except ASLError as error:
        assert error.error == "States.ResultPathMatchFailure"
    else:
        assert path.evaluate(result) is value
    assert json.dumps(document) == before
