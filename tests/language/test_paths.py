"""JSONPath as AWS Step Functions evaluates it: the conformance cases, then the API."""

from __future__ import annotations

import json
from pathlib import Path as FilePath
from typing import Any

import pytest

from asl.language.causes import no_results_cause
from asl.language.errors import RESULT_PATH_MATCH_FAILURE, ASLError, PathError
from asl.language.paths import NoResults, Path, compile_path, compile_reference_path

_CASES_DIR = FilePath(__file__).parent / "cases"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_CASES_DIR / name).read_text(encoding="utf-8"))
    return data


_EVALUATE = _load("paths.json")["cases"]
_SYNTAX = _load("paths_syntax.json")
_ASSIGN = _load("paths_assign.json")["cases"]


def _exact(value: Any) -> str:
    """JSON text, so that ``true`` never passes for ``1`` nor ``1.0`` for ``1``."""
    return json.dumps(value, sort_keys=False)


@pytest.mark.parametrize("case", _EVALUATE, ids=[case["name"] for case in _EVALUATE])
def test_path_evaluates_as_on_aws(case: dict[str, Any]) -> None:
    path = compile_path(case["path"])
    context = case.get("context")

    if "cause" in case:
        with pytest.raises(NoResults):
            path.evaluate(case["given"], context)
        assert no_results_cause(path, case["given"], context) == case["cause"], path
    else:
        actual = path.evaluate(case["given"], context)
        assert _exact(actual) == _exact(case["result"]), path


@pytest.mark.parametrize("case", _SYNTAX["valid"], ids=[c["path"] for c in _SYNTAX["valid"]])
def test_valid_path_compiles(case: dict[str, Any]) -> None:
    path = compile_path(case["path"])

    assert (path.text, path.normalized, path.is_definite, path.is_context) == (
        case["path"],
        case["normalized"],
        case["definite"],
        case.get("context", False),
    )


@pytest.mark.parametrize("case", _SYNTAX["valid"], ids=[c["path"] for c in _SYNTAX["valid"]])
def test_reference_paths_are_exactly_the_single_node_paths(case: dict[str, Any]) -> None:
    if case["reference"]:
        assert compile_reference_path(case["path"]).normalized == case["normalized"]
    else:
        with pytest.raises(PathError):
            compile_reference_path(case["path"])


@pytest.mark.parametrize("case", _SYNTAX["invalid"], ids=[c["path"] for c in _SYNTAX["invalid"]])
def test_invalid_path_names_the_column(case: dict[str, Any]) -> None:
    with pytest.raises(PathError) as raised:
        compile_path(case["path"])

    assert (raised.value.reason, raised.value.column) == (case["reason"], case["column"])
    assert raised.value.expression == case["path"]


@pytest.mark.parametrize(
    "case", _SYNTAX["not_reference"], ids=[c["path"] for c in _SYNTAX["not_reference"]]
)
def test_reference_path_rejects_what_selects_many(case: dict[str, Any]) -> None:
    with pytest.raises(PathError) as raised:
        compile_reference_path(case["path"])

    assert (raised.value.reason, raised.value.column) == (case["reason"], case["column"])


def test_path_error_shows_a_caret_under_the_column() -> None:
    with pytest.raises(PathError) as raised:
        compile_path("$.a b")

    assert raised.value.cause == (
        "Invalid path '$.a b': use bracket notation ['my name'] for a name with whitespace"
        "\n  $.a b\n     ^"
    )


@pytest.mark.parametrize("value", [None, 3, ["$.a"], {"p": "$"}])
def test_a_path_that_is_not_a_string_is_a_path_error(value: Any) -> None:
    with pytest.raises(PathError):
        compile_path(value)
    with pytest.raises(PathError):
        compile_reference_path(value)


def test_compiling_twice_gives_the_same_object() -> None:
    assert compile_path("$.cached[0]") is compile_path("$.cached[0]")
    assert compile_reference_path("$.cached[1]") is compile_reference_path("$.cached[1]")


def test_root_path_returns_the_very_input_object() -> None:
    data = {"a": [1]}

    assert compile_path("$").evaluate(data) is data


def test_context_path_reads_the_context_not_the_data() -> None:
    path = compile_path("$$.State.Name")

    assert path.evaluate({"State": {"Name": "data"}}, {"State": {"Name": "ctx"}}) == "ctx"


def test_filter_root_inside_a_context_path_is_the_context() -> None:
    path = compile_path("$$.Items[?(@ > $.Min)]")

    assert path.evaluate({"Min": 0}, {"Items": [1, 5, 9], "Min": 4}) == [5, 9]


def test_definite_path_returns_the_stored_object_not_a_copy() -> None:
    inner = {"b": 1}

    assert compile_path("$.a").evaluate({"a": inner}) is inner


@pytest.mark.parametrize("given", [{"a": "abc"}, {"a": {"0": 1}}, {"a": True}])
def test_index_never_reads_into_strings_or_objects(given: dict[str, Any]) -> None:
    with pytest.raises(NoResults):
        compile_path("$.a[0]").evaluate(given)


def test_no_results_cause_without_data_uses_the_normalized_path() -> None:
    path = compile_path("$.detail.items[2]")

    assert (
        no_results_cause(path)
        == "Invalid path '$.detail.items[2]' : No results for path: $['detail']['items'][2]"
    )


def test_failure_reports_the_missing_member_of_a_context_path() -> None:
    path = compile_path("$$.Map.Item.Value.checkId")
    context: dict[str, Any] = {"Map": {}}

    with pytest.raises(NoResults):
        path.evaluate({}, context)
    assert no_results_cause(path, {}, context) == (
        "Invalid path '$$.Map.Item.Value.checkId' : Missing property in path $['Map']['Item']"
    )


# ----------------------------------------------------------------- ResultPath


@pytest.mark.parametrize("case", _ASSIGN, ids=[case["name"] for case in _ASSIGN])
def test_result_path_applies_as_on_aws(case: dict[str, Any]) -> None:
    path = compile_reference_path(case["path"])
    before = _exact(case["given"])

    if "error" in case:
        with pytest.raises(ASLError) as raised:
            path.assign(case["given"], case["value"])
        assert (raised.value.error, raised.value.cause) == (case["error"], case["cause"])
    else:
        assert _exact(path.assign(case["given"], case["value"])) == _exact(case["result"])
    assert _exact(case["given"]) == before, "assign() must not change its input"


def test_assign_copies_only_the_spine() -> None:
    untouched = {"deep": [1, 2]}
    data = {"a": {"b": 1}, "other": untouched}

    result = compile_reference_path("$.a.c").assign(data, 2)

    assert result == {"a": {"b": 1, "c": 2}, "other": {"deep": [1, 2]}}
    assert result["other"] is untouched
    assert result is not data and result["a"] is not data["a"]
    assert data == {"a": {"b": 1}, "other": {"deep": [1, 2]}}


def test_assign_failure_is_a_result_path_match_failure() -> None:
    with pytest.raises(ASLError) as raised:
        compile_reference_path("$.x").assign(5, 1)

    assert raised.value.error == RESULT_PATH_MATCH_FAILURE
    assert raised.value.cause == "Unable to apply ReferencePath $.x to input 5"


def test_assign_refuses_the_context_object() -> None:
    with pytest.raises(PathError) as raised:
        compile_reference_path("$$.Execution.Id").assign({}, 1)

    assert raised.value.reason == "a ResultPath cannot address the context object"


def test_compiled_path_is_frozen() -> None:
    path: Path = compile_path("$.a")

    with pytest.raises(AttributeError):
        path.text = "$.b"  # type: ignore[misc]


def test_no_results_cause_of_a_context_path_without_the_context() -> None:
    path = compile_path("$$.Execution.Nope")

    assert no_results_cause(path, {"Execution": {}}) == (
        "Invalid path '$$.Execution.Nope' : No results for path: $['Execution']['Nope']"
    )


def test_assign_refuses_a_path_that_selects_many_nodes() -> None:
    with pytest.raises(PathError) as raised:
        compile_path("$.a[*]").assign({"a": [1]}, 1)

    assert raised.value.reason == "a ResultPath cannot address more than one node"
