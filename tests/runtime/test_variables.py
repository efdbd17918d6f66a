"""Workflow variables: Assign in JSONPath states, scopes in Map and Parallel, limits."""

from __future__ import annotations

from typing import Any

from asl import AgentError
from tests.runtime.conftest import machine


def sub(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"StartAt": states[0][0], "States": dict(states)}


def test_assign_then_read_in_parameters(run: Any) -> None:
    definition = machine(
        ("Set", {"Type": "Pass", "Assign": {"greeting": "hi", "n.$": "$.n"}, "Next": "Use"}),
        ("Use", {"Type": "Pass", "Parameters": {"g.$": "$greeting", "n.$": "$n"}, "End": True}),
    )
    assert run(definition, {"n": 3}).output == {"g": "hi", "n": 3}


def test_assign_sees_pass_result_as_dollar(run: Any) -> None:
    definition = machine(
        (
            "Set",
            {
                "Type": "Pass",
                "Result": {"r": 1},
                "ResultPath": "$.kept",
                "Assign": {"fromResult.$": "$.r"},
                "Next": "Use",
            },
        ),
        ("Use", {"Type": "Pass", "Parameters": {"v.$": "$fromResult"}, "End": True}),
    )
    assert run(definition, {}).output == {"v": 1}


def test_task_assign_sees_result_after_result_selector(run: Any) -> None:
    definition = machine(
        (
            "T",
            {
                "Type": "Task",
                "Agent": "A",
                "ResultSelector": {"shaped.$": "$.raw"},
                "ResultPath": None,
                "Assign": {"got.$": "$.shaped"},
                "Next": "Use",
            },
        ),
        ("Use", {"Type": "Pass", "Parameters": {"got.$": "$got"}, "End": True}),
    )
    assert run(definition, {}, {"A": lambda p: {"raw": 7}}).output == {"got": 7}


def test_assignments_happen_all_at_once_after_evaluation(run: Any) -> None:
    definition = machine(
        ("One", {"Type": "Pass", "Assign": {"x": 42}, "Next": "Two"}),
        ("Two", {"Type": "Pass", "Assign": {"x": 18, "old.$": "$x"}, "Next": "Use"}),
        ("Use", {"Type": "Pass", "Parameters": {"x.$": "$x", "old.$": "$old"}, "End": True}),
    )
    assert run(definition, {}).output == {"x": 18, "old": 42}


def test_choice_rule_assign_and_default_assign(run: Any) -> None:
    definition = machine(
        (
            "C",
            {
                "Type": "Choice",
                "Assign": {"path": "default"},
                "Default": "Use",
                "Choices": [
                    {
                        "Variable": "$.go",
                        "BooleanEquals": True,
                        "Assign": {"path": "rule"},
                        "Next": "Use",
                    }
                ],
            },
        ),
        ("Use", {"Type": "Pass", "Parameters": {"path.$": "$path"}, "End": True}),
    )
    assert run(definition, {"go": True}).output == {"path": "rule"}
    assert run(definition, {"go": False}).output == {"path": "default"}


def test_choice_variable_operand(run: Any) -> None:
    definition = machine(
        ("Set", {"Type": "Pass", "Assign": {"limit": 5}, "Next": "C"}),
        (
            "C",
            {
                "Type": "Choice",
                "Default": "Low",
                "Choices": [
                    {"Variable": "$.n", "NumericGreaterThanPath": "$limit", "Next": "High"}
                ],
            },
        ),
        ("High", {"Type": "Pass", "Result": "high", "End": True}),
        ("Low", {"Type": "Pass", "Result": "low", "End": True}),
    )
    assert run(definition, {"n": 9}).output == "high"
    assert run(definition, {"n": 1}).output == "low"


def test_map_iterations_read_outer_variables_and_keep_their_own(run: Any) -> None:
    processor = sub(
        ("Mark", {"Type": "Pass", "Assign": {"mine.$": "$"}, "Next": "Read"}),
        (
            "Read",
            {"Type": "Pass", "Parameters": {"outer.$": "$outer", "mine.$": "$mine"}, "End": True},
        ),
    )
    definition = machine(
        ("Set", {"Type": "Pass", "Assign": {"outer": "o"}, "Next": "M"}),
        ("M", {"Type": "Map", "ItemProcessor": processor, "End": True}),
    )
    assert run(definition, [1, 2]).output == [{"outer": "o", "mine": 1}, {"outer": "o", "mine": 2}]


def test_parallel_branches_do_not_see_each_others_variables(run: Any) -> None:
    left = sub(
        ("L", {"Type": "Pass", "Assign": {"mine": "left"}, "Next": "L2"}),
        ("L2", {"Type": "Pass", "Parameters": {"mine.$": "$mine", "o.$": "$outer"}, "End": True}),
    )
    right = sub(
        ("R", {"Type": "Pass", "Assign": {"mine": "right"}, "Next": "R2"}),
        ("R2", {"Type": "Pass", "Parameters": {"mine.$": "$mine"}, "End": True}),
    )
    definition = machine(
        ("Set", {"Type": "Pass", "Assign": {"outer": "o"}, "Next": "P"}),
        ("P", {"Type": "Parallel", "Branches": [left, right], "End": True}),
    )
    assert run(definition, {}).output == [{"mine": "left", "o": "o"}, {"mine": "right"}]


def test_catch_assign_sees_the_error_output(run: Any) -> None:
    def boom(parameters: Any) -> Any:
        raise AgentError("Boom", "bad")

    definition = machine(
        (
            "T",
            {
                "Type": "Task",
                "Agent": "A",
                "End": True,
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Assign": {"why.$": "$.Cause"},
                        "ResultPath": "$.error",
                        "Next": "H",
                    }
                ],
            },
        ),
        ("H", {"Type": "Pass", "Parameters": {"why.$": "$why", "in.$": "$.in"}, "End": True}),
    )
    assert run(definition, {"in": 1}, {"A": boom}).output == {"why": "bad", "in": 1}


def test_variable_larger_than_the_limit_fails(run: Any) -> None:
    definition = machine(("Set", {"Type": "Pass", "Assign": {"big.$": "$.s"}, "End": True}))
    result = run(definition, {"s": "x" * 300_000}, payload_limit=1_000_000)
    assert (result.error, result.cause) == (
        "States.DataLimitExceeded",
        "An error occurred while executing the state 'Set' (entered at the event id #2). "
        "The value assigned to the variable 'big' is larger than 262144 bytes, "
        "the limit of one variable",
    )


def test_one_assign_over_the_limit_in_total_fails(run: Any) -> None:
    assign = {"a.$": "$.s", "b.$": "$.s"}
    definition = machine(("Set", {"Type": "Pass", "Assign": assign, "End": True}))
    result = run(definition, {"s": "x" * 150_000}, payload_limit=1_000_000)
    assert result.cause.endswith(
        "The variables assigned by one Assign add up to more than 262144 bytes"
    )
