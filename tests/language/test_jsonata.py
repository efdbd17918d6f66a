"""JSONata expressions and templates, against JSONata's documentation and AWS's records.

Cases are data: ``cases/jsonata_examples.json`` holds the examples of JSONata's own
documentation, ``cases/jsonata_aws.json`` what AWS Step Functions was recorded doing
(causes, function results, syntax messages, literal strings).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonata2py
import pytest

from asl.language.errors import QUERY_EVALUATION_ERROR, ASLError
from asl.language.jsonata import (
    Expression,
    JsonataSyntaxError,
    compile_expression,
    compile_template,
    is_expression,
    unexpected_type_cause,
)

_CASES = Path(__file__).parent / "cases"
EXAMPLES = json.loads((_CASES / "jsonata_examples.json").read_text(encoding="utf-8"))
AWS = json.loads((_CASES / "jsonata_aws.json").read_text(encoding="utf-8"))


def same_json(actual: Any, expected: Any) -> bool:
    """Equal as JSON with types apart (``1`` is not ``true``); floats to 12 digits."""
    if isinstance(expected, float) and isinstance(actual, int | float):
        return not isinstance(actual, bool) and abs(actual - expected) <= 1e-12 * max(
            1.0, abs(expected))
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, list):
        return len(actual) == len(expected) and all(map(same_json, actual, expected))
    if isinstance(expected, dict):
        return list(actual) == list(expected) and all(
            same_json(actual[key], expected[key]) for key in expected)
    return bool(actual == expected)


def failure(expression: Expression, states: Any, variables: Any = None,
            field: str | None = None) -> ASLError:
    with pytest.raises(ASLError) as caught:
        expression.evaluate(states, variables or {}, field)
    return caught.value


# --------------------------------------------------------------- documented examples


def _on_context(text: str, data: Any) -> Any:
    """Evaluate with a context item, as JSONata's documentation does (AWS never has one)."""
    compiled = compile_expression("{% " + text + " %}")._compiled
    return compiled.evaluate(data)


@pytest.mark.parametrize("case", EXAMPLES["cases"], ids=lambda case: case["expression"])
def test_documented_example(case: dict[str, Any]) -> None:
    data = EXAMPLES["datasets"][case["dataset"]] if "dataset" in case else case.get("input")
    result = _on_context(case["expression"], data)
    if case.get("undefined"):
        assert result is jsonata2py.MISSING
    else:
        assert same_json(result, case["expected"]), result


@pytest.mark.parametrize("case", EXAMPLES["errors"], ids=lambda case: case["expression"])
def test_documented_error_code(case: dict[str, Any]) -> None:
    text = "{% " + case["expression"] + " %}"
    try:
        expression = compile_expression(text)
    except JsonataSyntaxError as error:
        assert error.code == case["code"]
        return
    error = failure(expression, {})
    assert error.error == QUERY_EVALUATION_ERROR
    assert f"threw an error during evaluation. {case['code']}: " in error.cause


# ------------------------------------------------------------- recorded on AWS


@pytest.mark.parametrize("case", AWS["evaluations"], ids=lambda case: case["source"])
def test_recorded_evaluation(case: dict[str, Any]) -> None:
    expression = compile_expression(case["expression"])
    if "cause" in case:
        error = failure(expression, {"input": case["input"]}, field=case["field"])
        assert (error.error, error.cause) == (case["error"], case["cause"])
        return
    for data, expected in case["inputs"]:
        assert same_json(expression.evaluate({"input": data}, {}), expected)


@pytest.mark.parametrize("text", AWS["literals"]["strings"])
def test_strings_aws_passed_through_are_not_expressions(text: str) -> None:
    assert not is_expression(text)
    assert compile_template({"v": text, "l": [text]}).evaluate({}, {}) == {"v": text, "l": [text]}


@pytest.mark.parametrize("case", AWS["syntax"]["cases"], ids=lambda case: case["expression"])
def test_syntax_error_reason_is_aws_message(case: dict[str, Any]) -> None:
    with pytest.raises(JsonataSyntaxError) as caught:
        compile_expression("{%" + case["expression"] + "%}")
    assert caught.value.reason == case["reason"]


# ------------------------------------------------------------------- the {% %} rule


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{% $states.input %}", True),
        ("{%$states.input%}", True),
        ("{%%}", True),
        (" {% $states.input %}", False),
        ("{% $states.input %} ", False),
        ("{%}", False),
        ("{% 1", False),
        ("1 %}", False),
        (1, False),
        (None, False),
        (["{% 1 %}"], False),
    ],
)
def test_is_expression_is_whole_string_between_delimiters(value: Any, expected: bool) -> None:
    assert is_expression(value) is expected


def test_compile_rejects_a_string_that_is_not_an_expression() -> None:
    with pytest.raises(JsonataSyntaxError) as caught:
        compile_expression("$states.input")
    assert caught.value.position == 0


def test_compile_is_cached_by_text() -> None:
    text = "{% $states.input.a %}"
    assert compile_expression(text) is compile_expression(text)


def test_expression_is_immutable() -> None:
    expression = compile_expression("{% 1 %}")
    with pytest.raises(AttributeError):
        expression.text = "{% 2 %}"  # type: ignore[misc]


def test_source_drops_delimiters_and_surrounding_blanks() -> None:
    assert compile_expression("{%   $states.input.a\n %}").source == "$states.input.a"


# ------------------------------------------------------------------ syntax errors


@pytest.mark.parametrize(
    ("text", "position", "code", "reason"),
    [
        ("{% a[1,2) %}", 7, "S0202", 'Expected "]", got ","'),
        ("{%a[1,2)%}", 6, "S0202", 'Expected "]", got ","'),
        ("{% $states.input.i + %}", 21, "S0207", "Unexpected end of expression"),
        ("{%%}", 2, "S0207", "Unexpected end of expression"),
        ("{% 'abc %}", 8, "S0101", "String literal must be terminated by a matching quote"),
        ("{% $x.y := 1 %}", 6, "S0212",
         "The left side of := must be a variable name (start with $)"),
    ],
)
def test_syntax_error_position_code_and_reason(text: str, position: int, code: str,
                                               reason: str) -> None:
    with pytest.raises(JsonataSyntaxError) as caught:
        compile_expression(text)
    error = caught.value
    assert (error.position, error.code, error.reason) == (position, code, reason)
    assert error.text == text


def test_syntax_error_message_names_the_fix() -> None:
    with pytest.raises(JsonataSyntaxError) as caught:
        compile_expression("{% a[1,2) %}")
    assert caught.value.cause == (
        "Invalid JSONata expression '{% a[1,2) %}': Expected \"]\", got \",\" (at character 8)."
        " Fix the expression, or remove the {% %} around it to make the string a literal."
    )


# ------------------------------------------------------------ $states and variables


def test_states_members_are_bound() -> None:
    states = {"input": {"a": 1}, "result": {"b": 2}, "errorOutput": {"Error": "E"},
              "context": {"State": {"Name": "S"}}}
    expression = compile_expression(
        "{% [$states.input.a, $states.result.b, $states.errorOutput.Error,"
        " $states.context.State.Name] %}")
    assert expression.evaluate(states, {}) == [1, 2, "E", "S"]


def test_variables_are_bound_by_name() -> None:
    expression = compile_expression("{% $total & '/' & $name %}")
    assert expression.evaluate({}, {"total": 3, "name": "x", "other": 1}) == "3/x"


def test_unassigned_variable_is_undefined() -> None:
    error = failure(compile_expression("{% $missing %}"), {}, field="Output")
    assert error.cause == (
        "The JSONata expression '$missing' specified for the field 'Output' returned nothing"
        " (undefined)."
    )


def test_null_is_a_value_not_undefined() -> None:
    expression = compile_expression("{% $states.input.a %}")
    assert expression.evaluate({"input": {"a": None}}, {}) is None


def test_expression_has_no_context_item() -> None:
    error = failure(compile_expression("{% a %}"), {"input": {"a": 1}})
    assert error.cause == "The JSONata expression 'a' returned nothing (undefined)."


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        ("{% $states.input.a %}", set()),
        ("{% $x + $y.z %}", {"x", "y"}),
        ("{% ($a := 1; $a + $b) %}", {"b"}),
        ("{% $map($list, function($v) { $v * $factor }) %}", {"list", "factor"}),
        ("{% ($f := function($n) { $n <= 1 ? 1 : $n * $f($n - 1) }; $f($k)) %}", {"k"}),
        ("{% $map([1], $string) %}", set()),
        ("{% $partition($items, $size) %}", {"items", "size"}),
        ("{% $unknownFunction($arg) %}", {"arg"}),
        ("{% items#$i[$i > $limit] %}", {"limit"}),
        ("{% $x := $y %}", {"y"}),
        ("{% ($inner := $outer; ($deep := $inner; $deep & $other)) %}", {"outer", "other"}),
    ],
)
def test_variables_are_the_free_names_read(text: str, variables: set[str]) -> None:
    assert compile_expression(text).variables == frozenset(variables)


# --------------------------------------------------------------- evaluation errors


def test_undefined_without_field_omits_it() -> None:
    error = failure(compile_expression("{% $states.input.a %}"), {"input": {}})
    assert error.cause == "The JSONata expression '$states.input.a' returned nothing (undefined)."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{% $states.input.s + 1 %}", 'T2001: The left side of the "+" operator must evaluate to'
         " a number"),
        ("{% 1 - $states.input.s %}", 'T2002: The right side of the "-" operator must evaluate to'
         " a number"),
        ("{% $uppercase($states.input.n) %}", 'T0410: Argument 1 of function "uppercase" does not'
         " match function signature"),
        ("{% $join(['a'], 1) %}", 'T0410: Argument 2 of function "join" does not match function'
         " signature"),
        ("{% $states.input.s < 1 %}", 'T2009: The values "x" and 1 either side of operator "<"'
         " must be of the same data type"),
        ("{% $number($states.input.s) %}", 'D3030: Unable to cast value to a number: "x"'),
        ("{% $nope() %}", "T1006: Attempted to invoke a non-function"),
        ("{% $eval('1 + 1') %}", "T1006: Attempted to invoke a non-function"),
        ("{% $sum(['a']) %}", 'T0412: Argument 1 of function "sum" must be an array of "numbers"'),
    ],
)
def test_evaluation_error_cause_is_aws_wording(text: str, message: str) -> None:
    expression = compile_expression(text)
    error = failure(expression, {"input": {"s": "x", "n": 1}}, field="Output")
    assert error.error == QUERY_EVALUATION_ERROR
    assert error.cause == (
        f"The JSONata expression '{expression.source}' specified for the field 'Output'"
        f" threw an error during evaluation. {message}"
    )


def test_function_result_has_no_json_form() -> None:
    error = failure(compile_expression("{% function($x) { $x } %}"), {}, field="Output")
    assert error.cause == (
        "The JSONata expression 'function($x) { $x }' specified for the field 'Output'"
        " returned an unsupported result type."
    )


@pytest.mark.parametrize(("text", "expected"), [("{% 1/0 %}", "Infinity"),
                                                ("{% -1/0 %}", "-Infinity")])
def test_non_finite_result_is_written_as_javascript_names_it(text: str, expected: str) -> None:
    assert compile_expression(text).evaluate({}, {}) == expected


def test_whole_number_results_are_integers() -> None:
    assert compile_expression("{% 1.5 * 2 %}").evaluate({}, {}) == 3
    assert type(compile_expression("{% 6 / 4 %}").evaluate({}, {})) is float


def test_unexpected_type_cause_wording() -> None:
    assert unexpected_type_cause("$states.input.o", "Items", "array", {"a": 1}) == (
        "The JSONata expression '$states.input.o' specified for the field 'Items' returned an"
        " unexpected result type. Expected 'array', but was 'object' for value: {\"a\":1}"
    )


# ------------------------------------------------------------------------ templates


def test_template_evaluates_expressions_at_any_depth() -> None:
    template = compile_template({
        "static": "Hello", "title": "{% $states.input.title %}",
        "nested": {"list": [1, "{% $name %}", {"deep": "{% $states.input.n * 2 %}"}]},
        "literal": "$name", "null": None,
    })
    value = template.evaluate({"input": {"title": "Doctor", "n": 4}}, {"name": "María"})
    assert value == {
        "static": "Hello", "title": "Doctor",
        "nested": {"list": [1, "María", {"deep": 8}]},
        "literal": "$name", "null": None,
    }
    assert template.variables == frozenset({"name"})


def test_template_of_one_expression_is_its_value() -> None:
    assert compile_template("{% $states.input %}").evaluate({"input": [1]}, {}) == [1]


def test_template_literals_are_fresh_each_time() -> None:
    template = compile_template({"a": [1, {"b": 2}]})
    first, second = template.evaluate({}, {}), template.evaluate({}, {})
    assert first == second == {"a": [1, {"b": 2}]}
    assert first["a"] is not second["a"] and first["a"][1] is not second["a"][1]


def test_template_names_nested_field_in_cause() -> None:
    template = compile_template({"Input": {"pushLocation": "{% $states.input.pushLocation %}"}})
    with pytest.raises(ASLError) as caught:
        template.evaluate({"input": {}}, {}, "Arguments")
    assert caught.value.cause == (
        "The JSONata expression '$states.input.pushLocation' specified for the field"
        " 'Arguments/Input/pushLocation' returned nothing (undefined)."
    )


def test_template_names_array_items_by_index() -> None:
    template = compile_template({"a": [1, {"b": ["{% $nope %}"]}]})
    with pytest.raises(ASLError) as caught:
        template.evaluate({}, {}, "Output")
    assert "specified for the field 'Output/a[1]/b[0]' returned nothing" in caught.value.cause


def test_template_reports_syntax_error_of_nested_expression() -> None:
    with pytest.raises(JsonataSyntaxError) as caught:
        compile_template({"a": ["ok", "{% 1 + %}"]})
    assert caught.value.text == "{% 1 + %}"


def test_a_variable_named_like_a_function_is_the_variable() -> None:
    expression = compile_expression("{% $count + 1 %}")
    assert expression.evaluate({"input": {}}, {"count": 1}) == 2


def test_a_function_name_without_such_variable_is_the_function() -> None:
    assert compile_expression("{% $count([1, 2]) %}").evaluate({"input": {}}, {}) == 2
    assert compile_expression("{% $map([1, 2], $string) %}").evaluate({"input": {}}, {}) == [
        "1",
        "2",
    ]
