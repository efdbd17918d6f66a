"""AWS's cause wording, checked against messages recorded from real executions."""

from __future__ import annotations

from typing import Any

import pytest

from asl.language.causes import (
    choice_path_cause,
    java_double,
    json_for_cause,
    no_results_cause,
    parameter_path_cause,
    result_path_cause,
    state_error_prefix,
)
from asl.language.paths import compile_path


def test_state_prefix_and_no_results_as_recorded() -> None:
    # AWS execution history: States.Runtime on a Task whose OutputPath found nothing.
    cause = state_error_prefix("AggregateIdentityResults", 13) + no_results_cause(
        compile_path("$.Payload"), {"ExecutedVersion": "$LATEST", "StatusCode": 200}
    )

    assert cause == (
        "An error occurred while executing the state 'AggregateIdentityResults' "
        "(entered at the event id #13). Invalid path '$.Payload' : No results for path: "
        "$['Payload']"
    )


def test_parameter_path_cause_as_recorded() -> None:
    # AWS workshop execution: Parameters "address.$": "$.application.address".
    cause = state_error_prefix("Check Address", 7) + parameter_path_cause(
        "$.application.address", "address.$", {"flagged": False}
    )

    assert cause == (
        "An error occurred while executing the state 'Check Address' (entered at the event "
        "id #7). The JSONPath '$.application.address' specified for the field 'address.$' "
        "could not be found in the input '{\"flagged\":false}'"
    )


def test_parameter_path_cause_for_error_path_names_the_field() -> None:
    cause = parameter_path_cause(
        "$.ErrorX", "ErrorPath", {"Error": "error-value", "Cause": "cause-value"}
    )

    assert cause == (
        "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in "
        'the input \'{"Error":"error-value","Cause":"cause-value"}\''
    )


def test_choice_path_cause_as_recorded() -> None:
    assert choice_path_cause("$.jobs[0].done") == (
        "Invalid path '$.jobs[0].done': The choice state's condition path references an "
        "invalid value."
    )


def test_result_path_cause_quotes_a_string_input_as_json() -> None:
    assert result_path_cause("$.partitioned", '{"min_size":10000}') == (
        'Unable to apply ReferencePath $.partitioned to input "{\\"min_size\\":10000}"'
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": 1, "a": [1, 2]}, '{"b":1,"a":[1,2]}'),
        ({"é": "ü", "s": 'a"b\\c\n'}, '{"é":"ü","s":"a\\"b\\\\c\\n"}'),
        ([None, True, False, 0, -7], "[null,true,false,0,-7]"),
        ({}, "{}"),
        ([], "[]"),
        ("text", '"text"'),
        (1.5, "1.5"),
        (100.0, "100.0"),
        (1e20, "1.0E20"),
        (-1.25e-5, "-1.25E-5"),
        (12345678.0, "1.2345678E7"),
        (0.001, "0.001"),
        (0.0, "0.0"),
    ],
)
def test_json_for_cause_is_compact_ordered_and_java_numbered(value: Any, text: str) -> None:
    assert json_for_cause(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(1e7, "1.0E7"), (9999999.0, "9999999.0"), (1e-3, "0.001"), (9.99e-4, "9.99E-4")],
)
def test_java_double_switches_notation_where_java_does(value: float, text: str) -> None:
    assert java_double(value) == text
