"""JSONata states: Arguments, Output, Assign and $states in every state type."""

from __future__ import annotations

import asyncio
from typing import Any

from asl import AgentError
from asl.runtime.clock import ManualClock
from tests.runtime.conftest import machine


def jsonata(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return machine(*states, QueryLanguage="JSONata")


def test_pass_output_and_input_by_default(run: Any) -> None:
    definition = jsonata(
        ("Keep", {"Type": "Pass", "Next": "Shape"}),
        (
            "Shape",
            {
                "Type": "Pass",
                "Output": {"double": "{% $states.input.n * 2 %}", "static": "$.not-a-path"},
                "End": True,
            },
        ),
    )
    assert run(definition, {"n": 4}).output == {"double": 8, "static": "$.not-a-path"}


def test_task_arguments_result_output_and_assign(run: Any) -> None:
    definition = jsonata(
        (
            "Call",
            {
                "Type": "Task",
                "Agent": "A",
                "Arguments": {"x": "{% $states.input.v %}"},
                "Assign": {"seen": "{% $states.result.got %}"},
                "Output": {"out": "{% $states.result.got + 1 %}"},
                "Next": "Use",
            },
        ),
        (
            "Use",
            {
                "Type": "Pass",
                "Output": {"seen": "{% $seen %}", "in": "{% $states.input %}"},
                "End": True,
            },
        ),
    )
    result = run(definition, {"v": 10}, {"A": lambda p: {"got": p["x"]}})
    assert result.output == {"seen": 10, "in": {"out": 11}}


def test_task_output_defaults_to_the_result(run: Any) -> None:
    definition = jsonata(("Call", {"Type": "Task", "Agent": "A", "End": True}))
    assert run(definition, {"v": 1}, {"A": lambda p: [p]}).output == [{"v": 1}]


def test_choice_condition_and_rule_output(run: Any) -> None:
    definition = jsonata(
        (
            "C",
            {
                "Type": "Choice",
                "Default": "Low",
                "Output": {"via": "default"},
                "Choices": [
                    {
                        "Condition": "{% $states.input.n > 5 %}",
                        "Next": "High",
                        "Output": {"via": "rule", "n": "{% $states.input.n %}"},
                    }
                ],
            },
        ),
        ("High", {"Type": "Succeed"}),
        ("Low", {"Type": "Succeed"}),
    )
    assert run(definition, {"n": 9}).output == {"via": "rule", "n": 9}
    assert run(definition, {"n": 1}).output == {"via": "default"}


def test_choice_condition_must_be_boolean(run: Any) -> None:
    definition = jsonata(
        (
            "C",
            {
                "Type": "Choice",
                "Default": "S",
                "Choices": [{"Condition": "{% $states.input.n %}", "Next": "S"}],
            },
        ),
        ("S", {"Type": "Succeed"}),
    )
    result = run(definition, {"n": 3})
    assert (result.error, result.cause) == (
        "States.QueryEvaluationError",
        "An error occurred while executing the state 'C' (entered at the event id #2). "
        "The JSONata expression '$states.input.n' specified for the field "
        "'Choices[0]/Condition' returned an unexpected result type. "
        "Expected 'boolean', but was 'number' for value: 3",
    )


def test_map_items_and_item_selector_with_context(run: Any) -> None:
    processor = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    definition = jsonata(
        (
            "M",
            {
                "Type": "Map",
                "Items": "{% $states.input.xs %}",
                "ItemProcessor": processor,
                "ItemSelector": {
                    "i": "{% $states.context.Map.Item.Index %}",
                    "v": "{% $states.context.Map.Item.Value %}",
                    "k": "{% $states.input.k %}",
                },
                "End": True,
            },
        ),
    )
    assert run(definition, {"xs": ["a", "b"], "k": 0}).output == [
        {"i": 0, "v": "a", "k": 0},
        {"i": 1, "v": "b", "k": 0},
    ]


def test_parallel_arguments_and_output(run: Any) -> None:
    branches = [
        {
            "StartAt": "B1",
            "States": {"B1": {"Type": "Pass", "Output": "{% $states.input.a %}", "End": True}},
        },
        {"StartAt": "B2", "States": {"B2": {"Type": "Pass", "End": True}}},
    ]
    definition = jsonata(
        (
            "P",
            {
                "Type": "Parallel",
                "Branches": branches,
                "Arguments": {"a": "{% 1 + 1 %}"},
                "Output": {"results": "{% $states.result %}"},
                "End": True,
            },
        ),
    )
    assert run(definition, {}).output == {"results": [2, {"a": 2}]}


def test_wait_seconds_expression(run: Any, clock: ManualClock) -> None:
    definition = jsonata(
        ("W", {"Type": "Wait", "Seconds": "{% $states.input.s * 60 %}", "End": True}),
    )
    run(definition, {"s": 2})
    assert clock.slept == [120.0]


def test_fail_error_and_cause_expressions(run: Any) -> None:
    definition = jsonata(
        (
            "F",
            {
                "Type": "Fail",
                "Error": "{% 'E.' & $states.input.kind %}",
                "Cause": "{% $string($states.input.n) %}",
            },
        ),
    )
    result = run(definition, {"kind": "Bad", "n": 3})
    assert (result.error, result.cause) == ("E.Bad", "3")


def test_catch_output_and_assign_see_error_output(run: Any) -> None:
    def boom(parameters: Any) -> Any:
        raise AgentError("Boom", "why")

    definition = jsonata(
        (
            "T",
            {
                "Type": "Task",
                "Agent": "A",
                "End": True,
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Next": "H",
                        "Assign": {"error": "{% $states.errorOutput.Error %}"},
                        "Output": {
                            "cause": "{% $states.errorOutput.Cause %}",
                            "in": "{% $states.input %}",
                        },
                    }
                ],
            },
        ),
        (
            "H",
            {
                "Type": "Pass",
                "Output": {"error": "{% $error %}", "was": "{% $states.input %}"},
                "End": True,
            },
        ),
    )
    assert run(definition, {"x": 1}, {"A": boom}).output == {
        "error": "Boom",
        "was": {"cause": "why", "in": {"x": 1}},
    }


def test_catch_default_output_is_the_error_output(run: Any) -> None:
    def boom(parameters: Any) -> Any:
        raise AgentError("Boom", "why")

    definition = jsonata(
        (
            "T",
            {
                "Type": "Task",
                "Agent": "A",
                "End": True,
                "Catch": [{"ErrorEquals": ["Boom"], "Next": "H"}],
            },
        ),
        ("H", {"Type": "Succeed"}),
    )
    assert run(definition, {}, {"A": boom}).output == {"Error": "Boom", "Cause": "why"}


def test_task_timeout_expression(run: Any) -> None:
    async def slow(parameters: Any) -> Any:
        await asyncio.sleep(3600)

    definition = jsonata(
        (
            "T",
            {"Type": "Task", "Agent": "A", "TimeoutSeconds": "{% $states.input.t %}", "End": True},
        ),
    )
    assert run(definition, {"t": 4}, {"A": slow}).error == "States.Timeout"


def test_undefined_output_fails_with_query_evaluation_error(run: Any) -> None:
    definition = jsonata(
        ("P", {"Type": "Pass", "Output": {"v": "{% $states.input.missing %}"}, "End": True}),
    )
    result = run(definition, {})
    assert (result.error, result.cause) == (
        "States.QueryEvaluationError",
        "An error occurred while executing the state 'P' (entered at the event id #2). "
        "The JSONata expression '$states.input.missing' specified for the field 'Output/v' "
        "returned nothing (undefined).",
    )


def test_jsonata_state_inside_a_jsonpath_workflow(run: Any) -> None:
    definition = machine(
        ("J", {"Type": "Pass", "Parameters": {"a.$": "$.x"}, "Next": "N"}),
        (
            "N",
            {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": {"b": "{% $states.input.a %}"},
                "End": True,
            },
        ),
    )
    assert run(definition, {"x": 5}).output == {"b": 5}
