"""Validating paths, payload templates and intrinsic calls, down to the character."""

from __future__ import annotations

from typing import Any

import pytest

from asl.definition import load_text, validate

from .support import problems, problems_of_dict, workflow

_TEMPLATE_FIX = (
    'must be a path ("$.field"), a context path ("$$.Execution.Id") or an intrinsic '
    'function call ("States.Format(...)"), got {}; to pass the value as it is, drop the '
    "'.$' from the key"
)


def pass_with(**fields: Any) -> dict[str, Any]:
    return workflow(("S", {"Type": "Pass", "End": True, **fields}))


def test_a_bad_path_points_at_the_offending_character_in_the_file() -> None:
    assert problems(pass_with(InputPath="$.a b")) == [
        (
            "error",
            "INVALID_PATH",
            "/States/S/InputPath",
            7,
            24,
            "'InputPath' of state 'S' is not a valid path: use bracket notation ['my name'] for "
            "a name with whitespace (at character 4)",
        )
    ]


def test_the_character_position_steps_over_json_escapes() -> None:
    text = (
        '{"StartAt": "S", "States": {"S": {"Type": "Pass", "End": true, '
        '"InputPath": "$.\\u00e9 x"}}}'
    )

    assert [(d.code, d.line, d.column) for d in validate(load_text(text))] == [
        ("INVALID_PATH", 1, 86)
    ]


@pytest.mark.parametrize("field", ["InputPath", "OutputPath", "ResultPath"])
def test_input_output_and_result_paths_may_be_null(field: str) -> None:
    assert problems_of_dict(pass_with(**{field: None})) == []


def test_input_path_may_select_many_nodes() -> None:
    assert problems_of_dict(pass_with(InputPath="$.items[*].id", OutputPath="$..id")) == []


def test_result_path_must_name_one_node() -> None:
    assert problems_of_dict(pass_with(ResultPath="$.x[*]")) == [
        (
            "error",
            "INVALID_PATH",
            "/States/S/ResultPath",
            None,
            None,
            "'ResultPath' of state 'S' is not a valid reference path: a Reference Path selects "
            "a single node; '[*]' is not allowed (at character 4)",
        )
    ]


def test_a_path_must_be_a_string() -> None:
    assert problems_of_dict(pass_with(OutputPath=5)) == [
        (
            "error",
            "INVALID_TYPE",
            "/States/S/OutputPath",
            None,
            None,
            "'OutputPath' of state 'S' must be a path such as \"$.field\" or null, got the "
            "number 5",
        )
    ]


def test_every_dollar_key_of_a_template_is_checked_at_any_depth() -> None:
    parameters = {
        "a.$": "$..",
        "b.$": "States.Format(",
        "c.$": "plain",
        "d.$": None,
        "ok.$": "$$.Map.Item.Value",
        "g": [{"h.$": "$.fine"}, {"i.$": "States.Nope()"}],
    }

    assert problems(pass_with(Parameters=parameters)) == [
        (
            "error",
            "INVALID_PATH",
            "/States/S/Parameters/a.$",
            8,
            18,
            "'a.$' in the Parameters of state 'S' is not a valid path: a path must not end with "
            "'..' (at character 2)",
        ),
        (
            "error",
            "INVALID_INTRINSIC",
            "/States/S/Parameters/b.$",
            9,
            31,
            "'b.$' in the Parameters of state 'S' is not a valid intrinsic function call: "
            "expected an argument but found the end of the expression (at character 15)",
        ),
        (
            "error",
            "INVALID_PAYLOAD_TEMPLATE",
            "/States/S/Parameters/c.$",
            10,
            16,
            "'c.$' in the Parameters of state 'S' " + _TEMPLATE_FIX.format('the string "plain"'),
        ),
        (
            "error",
            "INVALID_PAYLOAD_TEMPLATE",
            "/States/S/Parameters/d.$",
            11,
            16,
            "'d.$' in the Parameters of state 'S' " + _TEMPLATE_FIX.format("null"),
        ),
        (
            "error",
            "INVALID_INTRINSIC",
            "/States/S/Parameters/g/1/i.$",
            18,
            21,
            "'i.$' in the Parameters of state 'S' is not a valid intrinsic function call: "
            "unknown intrinsic function 'States.Nope' (at character 1)",
        ),
    ]


def test_a_key_and_its_dollar_twin_set_the_same_field() -> None:
    assert problems_of_dict(pass_with(Parameters={"j.$": "$.j", "j": 1})) == [
        (
            "error",
            "INVALID_PAYLOAD_TEMPLATE",
            "/States/S/Parameters/j.$",
            None,
            None,
            "'j.$' in the Parameters of state 'S' and 'j' both set the field 'j'; keep one of them",
        )
    ]


@pytest.mark.parametrize("value", ["$.y", "$", "$$.Execution.Id", "States.UUID()", "$[0]"])
def test_a_path_like_literal_gets_the_aws_no_dollar_warning(value: str) -> None:
    assert problems_of_dict(pass_with(Parameters={"d": value})) == [
        (
            "warning",
            "NO_DOLLAR",
            "/States/S/Parameters/d",
            None,
            None,
            f"'d' in the Parameters of state 'S' is the string \"{value}\", which looks like a "
            "path or an intrinsic function but stays a literal string because the key does not "
            "end in '.$'; rename the key to 'd.$' to evaluate it",
        )
    ]


@pytest.mark.parametrize("value", ["$5.00", "cost in $", "States", "price: $.x"])
def test_ordinary_strings_are_plain_literals(value: str) -> None:
    assert problems_of_dict(pass_with(Parameters={"d": value})) == []


def test_result_selector_and_assign_are_templates_too() -> None:
    state = {
        "Type": "Task",
        "Agent": "A",
        "ResultSelector": {"a.$": "$.x y"},
        "Assign": {"v.$": "$.ok", "w.$": 7},
        "End": True,
    }

    assert problems_of_dict(workflow(("S", state))) == [
        (
            "error",
            "INVALID_PATH",
            "/States/S/ResultSelector/a.$",
            None,
            None,
            "'a.$' in the ResultSelector of state 'S' is not a valid path: use bracket notation "
            "['my name'] for a name with whitespace (at character 4)",
        ),
        (
            "error",
            "INVALID_PAYLOAD_TEMPLATE",
            "/States/S/Assign/w.$",
            None,
            None,
            "'w.$' in the Assign of state 'S' " + _TEMPLATE_FIX.format("the number 7"),
        ),
    ]


def test_map_item_selector_is_a_template() -> None:
    processor = {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}
    state = {
        "Type": "Map",
        "ItemProcessor": processor,
        "ItemSelector": {"item.$": "$$.Map.Item.Value", "bad.$": "States.Array("},
        "End": True,
    }

    assert [(p[1], p[2]) for p in problems_of_dict(workflow(("S", state)))] == [
        ("INVALID_INTRINSIC", "/States/S/ItemSelector/bad.$")
    ]


def test_a_template_must_be_an_object() -> None:
    assert problems_of_dict(pass_with(Parameters=[1])) == [
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Parameters",
            None,
            None,
            "'Parameters' of state 'S' must be an object, got an array of 1 item",
        )
    ]


def test_valid_intrinsics_and_context_paths_pass() -> None:
    parameters = {
        "id.$": "States.UUID()",
        "msg.$": "States.Format('Hello {}', $.name)",
        "n.$": "States.ArrayLength($.items)",
        "started.$": "$$.Execution.StartTime",
    }

    assert problems_of_dict(pass_with(Parameters=parameters)) == []
