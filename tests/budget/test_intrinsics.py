"""The cost intrinsics inside a running workflow."""

from __future__ import annotations

from tests.budget.scripted import Scripted, calls_workflow, engine


def test_cost_intrinsics_read_the_execution_budget() -> None:
    document = calls_workflow({"MaxCost": "$5.00"}, count=2)
    document["States"]["Call2"]["Next"] = "Measure"
    del document["States"]["Call2"]["End"]
    document["States"]["Measure"] = {
        "Type": "Pass",
        "Parameters": {
            "tokens.$": "States.TokenCount($.text)",
            "estimate.$": "States.EstimateCost($.text, 'reader')",
            "unknown.$": "States.EstimateCost($.text, 'house-model-7')",
            "spent.$": "States.CurrentCost()",
            "remaining.$": "States.RemainingBudget()",
            "left.$": "States.MathSubtract(5, States.CurrentCost())",
        },
        "End": True,
    }
    result = engine(document, Scripted()).run(
        {"text": "The quick brown fox jumps over the lazy dog."}
    )
    assert result.output == {
        "tokens": 10,
        "estimate": 10.0,  # 'reader' costs $1 an input token
        "unknown": None,
        "spent": 2.0,
        "remaining": 3.0,
        "left": 3.0,
    }


def test_remaining_budget_is_null_without_max_cost() -> None:
    document = {
        "StartAt": "Measure",
        "States": {
            "Measure": {
                "Type": "Pass",
                "Parameters": {"remaining.$": "States.RemainingBudget()"},
                "End": True,
            }
        },
    }
    assert engine(document, Scripted()).run({}).output == {"remaining": None}


def test_route_on_the_budget_with_a_choice() -> None:
    document = calls_workflow({"MaxCost": 3}, count=2)
    document["States"]["Call2"]["Next"] = "Check"
    del document["States"]["Call2"]["End"]
    document["States"]["Check"] = {
        "Type": "Choice",
        "Choices": [
            {"Variable.$": "States.RemainingBudget()", "NumericLessThan": 2, "Next": "Economy"}
        ],
        "Default": "Full",
    }
    document["States"]["Economy"] = {"Type": "Pass", "Result": "economy", "End": True}
    document["States"]["Full"] = {"Type": "Pass", "Result": "full", "End": True}
    assert engine(document, Scripted()).run({}).output == "economy"
