"""JSONata expressions in a definition: compiled at validation, like AWS does.

AWS parses every "{% ... %}" of a JSONata state when the state machine is created and
refuses one that does not parse (INVALID_JSONATA_EXPRESSION, with JSONata's message);
the diagnostic here points at the character the parser stopped at.
"""

from __future__ import annotations

from typing import Any

from .support import problems, problems_of_dict, workflow


def _jsonata(**states: dict[str, Any]) -> dict[str, Any]:
    return {"QueryLanguage": "JSONata", "StartAt": next(iter(states)), "States": states}


def test_a_syntax_error_points_at_the_character() -> None:
    document = _jsonata(S={"Type": "Pass", "Output": "{% $states.input.a + %}", "End": True})

    assert problems(document) == [
        (
            "error",
            "INVALID_JSONATA",
            "/States/S/Output",
            7,
            38,
            "'Output' of state 'S' is not a valid JSONata expression: Unexpected end of "
            "expression (at character 21)",
        ),
    ]


def test_an_expression_nested_in_an_array_is_named_by_its_place() -> None:
    document = _jsonata(
        T={"Type": "Task", "Resource": "r", "Arguments": {"list": [1, "{% a[1,2) %}"]}, "End": True}
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_JSONATA",
            "/States/T/Arguments/list/1",
            None,
            None,
            "'list/1' in 'Arguments' of state 'T' is not a valid JSONata expression: Expected "
            '"]", got "," (at character 7)',
        ),
    ]


def test_a_choice_condition_is_compiled() -> None:
    document = _jsonata(
        C={
            "Type": "Choice",
            "Choices": [{"Condition": '{% {"a":} %}', "Next": "E"}],
            "Default": "E",
        },
        E={"Type": "Succeed"},
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_JSONATA",
            "/States/C/Choices/0/Condition",
            None,
            None,
            "'Condition' of choice rule 0 of state 'C' is not a valid JSONata expression: The "
            'symbol "}" cannot be used as a unary operator (at character 9)',
        ),
    ]


def test_catcher_output_and_assign_are_compiled() -> None:
    document = _jsonata(
        T={
            "Type": "Task",
            "Resource": "r",
            "Catch": [
                {
                    "ErrorEquals": ["States.ALL"],
                    "Output": '{% "unterminated %}',
                    "Assign": {"why": "{% $states.errorOutput. %}"},
                    "Next": "E",
                }
            ],
            "End": True,
        },
        E={"Type": "Succeed"},
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_JSONATA",
            "/States/T/Catch/0/Assign/why",
            None,
            None,
            "'why' in the Assign of catcher 0 of state 'T' is not a valid JSONata expression: "
            "Unexpected end of expression (at character 24)",
        ),
        (
            "error",
            "INVALID_JSONATA",
            "/States/T/Catch/0/Output",
            None,
            None,
            "'Output' of catcher 0 of state 'T' is not a valid JSONata expression: String literal "
            "must be terminated by a matching quote (at character 17)",
        ),
    ]


def test_wait_seconds_and_fail_cause_are_compiled() -> None:
    document = _jsonata(
        W={"Type": "Wait", "Seconds": "{% 1 + %}", "Next": "F"},
        F={"Type": "Fail", "Cause": '{% $match("a", /abc %}'},
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_JSONATA",
            "/States/W/Seconds",
            None,
            None,
            "'Seconds' of state 'W' is not a valid JSONata expression: Unexpected end of "
            "expression (at character 7)",
        ),
        (
            "error",
            "INVALID_JSONATA",
            "/States/F/Cause",
            None,
            None,
            "'Cause' of state 'F' is not a valid JSONata expression: No terminating / in regular "
            "expression (at character 20)",
        ),
    ]


def test_an_empty_expression_does_not_parse() -> None:
    document = _jsonata(S={"Type": "Pass", "Output": "{%%}", "End": True})

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_JSONATA",
            "/States/S/Output",
            None,
            None,
            "'Output' of state 'S' is not a valid JSONata expression: Unexpected end of "
            "expression (at character 2)",
        ),
    ]


def test_a_string_with_blanks_around_the_delimiters_is_a_literal() -> None:
    document = _jsonata(S={"Type": "Pass", "Output": " {% 1 + %} ", "End": True})

    assert problems_of_dict(document) == []


def test_expressions_in_a_jsonpath_state_are_literal_strings() -> None:
    document = workflow(("S", {"Type": "Pass", "Parameters": {"a": "{% 1 + %}"}, "End": True}))

    assert problems_of_dict(document) == []


def test_names_an_expression_binds_itself_are_not_variables() -> None:
    document = _jsonata(
        S={
            "Type": "Pass",
            "Output": "{% ($x := 2; $map([1], function($v) { $v * $x })) %}",
            "End": True,
        }
    )

    assert problems_of_dict(document) == []


def test_functions_are_not_variables() -> None:
    document = _jsonata(
        S={"Type": "Pass", "Output": "{% $count($states.input) & $uuid() %}", "End": True}
    )

    assert problems_of_dict(document) == []
