"""Workflow variables in JSONPath fields: ``$name`` paths, templates, intrinsics, Choice rules."""

from __future__ import annotations

import json
from pathlib import Path as FilePath
from typing import Any

import pytest

from asl.language.causes import no_results_cause
from asl.language.choice import compile_rule
from asl.language.errors import ASLError, PathError
from asl.language.intrinsics import compile_intrinsic
from asl.language.paths import (
    NoResults,
    compile_path,
    compile_reference_path,
    is_variable_name,
)
from asl.language.payload import compile_payload
from asl.language.variables import VARIABLES

_CASES = json.loads(
    (FilePath(__file__).parent / "cases" / "variables.json").read_text(encoding="utf-8")
)


def _context(case: dict[str, Any]) -> dict[Any, Any] | None:
    if case["variables"] is None:
        return None
    context: dict[Any, Any] = dict(case.get("context", {}))
    context[VARIABLES] = case["variables"]
    return context


def _exact(value: Any) -> str:
    """JSON text, so that ``true`` never passes for ``1`` nor ``1.0`` for ``1``."""
    return json.dumps(value, sort_keys=True)


# ----------------------------------------------------------------- syntax


@pytest.mark.parametrize("case", _CASES["syntax_valid"], ids=lambda c: c["path"])
def test_variable_path_compiles(case: dict[str, Any]) -> None:
    path = compile_path(case["path"])

    assert (path.variable, path.normalized, path.is_definite, path.is_context) == (
        case["variable"],
        case["normalized"],
        case["definite"],
        False,
    )


@pytest.mark.parametrize("case", _CASES["syntax_valid"], ids=lambda c: c["path"])
def test_variable_reference_paths_are_the_single_node_ones(case: dict[str, Any]) -> None:
    if case["reference"]:
        assert compile_reference_path(case["path"]).variable == case["variable"]
    else:
        with pytest.raises(PathError):
            compile_reference_path(case["path"])


@pytest.mark.parametrize("case", _CASES["syntax_invalid"], ids=lambda c: c["path"][:20])
def test_invalid_variable_path_names_the_column(case: dict[str, Any]) -> None:
    with pytest.raises(PathError) as raised:
        compile_path(case["path"])

    assert (raised.value.reason, raised.value.column) == (case["reason"], case["column"])


def test_input_and_context_paths_read_no_variable() -> None:
    assert [compile_path(text).variable for text in ("$", "$.a", "$[0]", "$$", "$$.a")] == [
        None
    ] * 5


def test_result_path_cannot_address_a_variable() -> None:
    with pytest.raises(PathError) as raised:
        compile_reference_path("$result", allow_variable=False)

    assert raised.value.reason == (
        "a ResultPath cannot address a variable; set variables with Assign"
    )
    assert compile_reference_path("$.result", allow_variable=False).variable is None


def test_assigning_through_a_variable_path_is_refused() -> None:
    with pytest.raises(PathError):
        compile_reference_path("$result").assign({}, 1)


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("productName", True),
        ("x_1", True),
        ("é", True),
        ("a" * 80, True),
        ("a" * 81, False),
        ("", False),
        ("_x", True),
        ("1x", False),
        ("a-b", False),
        ("a.b", False),
        ("x[2]", False),
        ("states", False),
    ],
)
def test_variable_names_are_unicode_identifiers_of_at_most_80_characters(
    name: str, valid: bool
) -> None:
    assert is_variable_name(name) is valid


# ------------------------------------------------------------- evaluation


@pytest.mark.parametrize("case", _CASES["evaluate"], ids=lambda c: c["name"])
def test_variable_path_evaluates(case: dict[str, Any]) -> None:
    path = compile_path(case["path"])
    context = _context(case)

    if "cause" in case:
        with pytest.raises(NoResults):
            path.evaluate(case["given"], context)
        assert no_results_cause(path, case["given"], context) == case["cause"]
    else:
        assert _exact(path.evaluate(case["given"], context)) == _exact(case["result"])


def test_input_paths_ignore_the_variables() -> None:
    context = {VARIABLES: {"a": "variable"}}

    assert compile_path("$.a").evaluate({"a": "input"}, context) == "input"


def test_cause_without_the_context_names_the_whole_path() -> None:
    path = compile_path("$x.a")

    assert no_results_cause(path, {}) == "Invalid path '$x.a' : No results for path: $x['a']"


def test_source_is_what_the_path_runs_on() -> None:
    context = {"Execution": {}, VARIABLES: {"x": [1]}}

    assert compile_path("$.a").source({"a": 1}, context) == {"a": 1}
    assert compile_path("$$.a").source({}, context) is context
    assert compile_path("$x[0]").source({}, context) == [1]


# ---------------------------------------------------------------- payloads


@pytest.mark.parametrize("case", _CASES["payloads"], ids=lambda c: c["name"])
def test_template_reads_variables(case: dict[str, Any]) -> None:
    payload = compile_payload(case["template"])
    context = _context(case)

    assert sorted(payload.variables) == case["reads"]
    assert payload.uses_variables is bool(case["reads"])
    if "error" in case:
        with pytest.raises(ASLError) as raised:
            payload.evaluate(case["given"], context)
        assert (raised.value.error, raised.value.cause) == (case["error"], case["cause"])
    else:
        assert _exact(payload.evaluate(case["given"], context)) == _exact(case["result"])


def test_a_template_without_variables_does_not_use_them() -> None:
    payload = compile_payload({"a.$": "$.a", "b.$": "$$.Execution.Id", "c": "$x"})

    assert (payload.uses_variables, payload.variables, payload.uses_context) == (
        False,
        frozenset(),
        True,
    )


def test_a_large_template_reads_variables_too() -> None:
    template = {f"k{i}": i for i in range(2100)} | {"v.$": "$x"}
    payload = compile_payload(template)

    assert payload.variables == frozenset({"x"})
    assert payload.evaluate({}, {VARIABLES: {"x": 5}})["v"] == 5


# --------------------------------------------------------------- intrinsics


def test_intrinsic_lists_the_variables_its_arguments_read() -> None:
    intrinsic = compile_intrinsic("States.Format('{} {}', $a.b, States.ArrayLength($c))")

    assert (intrinsic.variables, intrinsic.uses_variables) == (frozenset({"a", "c"}), True)
    assert intrinsic.evaluate({}, {VARIABLES: {"a": {"b": "n"}, "c": [1, 2]}}) == "n 2"


def test_intrinsic_without_variables() -> None:
    intrinsic = compile_intrinsic("States.Format('{}', $.a)")

    assert (intrinsic.variables, intrinsic.uses_variables) == (frozenset(), False)


def test_intrinsic_reports_a_missing_variable_member_against_the_state_input() -> None:
    intrinsic = compile_intrinsic("States.ArrayLength($a.items)")

    with pytest.raises(ASLError) as raised:
        intrinsic.evaluate({"id": 1}, {VARIABLES: {"a": {}}})

    assert raised.value.cause == (
        "The function 'States.ArrayLength($a.items)' had the following error: "
        "The JsonPath argument for the field '$a.items' could not be found in the input "
        "'{\"id\":1}'"
    )


# ------------------------------------------------------------ choice rules


@pytest.mark.parametrize("case", _CASES["choices"], ids=lambda c: c["name"])
def test_choice_rule_reads_variables(case: dict[str, Any]) -> None:
    rule = compile_rule(case["rule"], "/States/C/Choices/0")
    context = _context(case)

    assert sorted(rule.variables) == case["reads"]
    assert rule.uses_variables is True
    if "error" in case:
        with pytest.raises(ASLError) as raised:
            rule.evaluate(case["input"], context)
        assert (raised.value.error, raised.value.cause) == (case["error"], case["cause"])
    else:
        assert rule.evaluate(case["input"], context) is case["result"]


def test_choice_rule_without_variables_does_not_use_them() -> None:
    rule = compile_rule({"Variable": "$.a", "StringEqualsPath": "$$.b"}, "/r")

    assert (rule.uses_variables, rule.variables) == (False, frozenset())
