"""Concurrent Map items and Parallel branches never overspend: reservations are atomic."""

from __future__ import annotations

from typing import Any

import pytest

from tests.budget.scripted import OUTPUT_TOKENS, Scripted, Yielding, engine


def map_document(budget: dict[str, Any]) -> dict[str, Any]:
    return {
        "Budget": budget,
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 0,
                "ItemProcessor": {
                    "StartAt": "Work",
                    "States": {
                        "Work": {
                            "Type": "Task",
                            "Agent": "LLM",
                            "Model": "big",
                            "Parameters": {"prompt": "hello"},
                            "Budget": {"MaxOutputTokens": OUTPUT_TOKENS},
                            "ResultSelector": {"done.$": "$.call"},
                            "Catch": [
                                {"ErrorEquals": ["States.BudgetExceeded"], "Next": "Refused"}
                            ],
                            "End": True,
                        },
                        "Refused": {"Type": "Pass", "Result": "refused", "End": True},
                    },
                },
                "End": True,
            }
        },
    }


@pytest.mark.parametrize("agent", [Yielding(), Scripted()], ids=["async", "threads"])
def test_concurrent_map_items_never_overspend(agent: Scripted) -> None:
    result = engine(map_document({"MaxCost": "$3.50"}), agent).run({"items": list(range(10))})
    assert result.status == "SUCCEEDED", result.cause
    assert len(agent.calls) == 3
    assert [out == "refused" for out in result.output].count(True) == 7
    assert result.cost == 3.0


def test_concurrent_items_under_a_token_limit() -> None:
    agent = Yielding()
    result = engine(map_document({"MaxTokens": 1000}), agent).run({"items": list(range(20))})
    assert len(agent.calls) == 9  # 9 x 105 = 945; a tenth would make 1050
    assert result.tokens_used == 945


def branch(index: int) -> dict[str, Any]:
    return {
        "StartAt": f"Work{index}",
        "States": {
            f"Work{index}": {
                "Type": "Task",
                "Agent": "LLM",
                "Model": "big",
                "Parameters": {"prompt": "hello"},
                "Budget": {"MaxOutputTokens": OUTPUT_TOKENS},
                "Catch": [{"ErrorEquals": ["States.BudgetExceeded"], "Next": f"Refused{index}"}],
                "End": True,
            },
            f"Refused{index}": {"Type": "Pass", "Result": "refused", "End": True},
        },
    }


def test_parallel_branches_share_the_budget() -> None:
    document = {
        "Budget": {"MaxCost": 2},
        "StartAt": "Fan",
        "States": {
            "Fan": {"Type": "Parallel", "Branches": [branch(i) for i in range(4)], "End": True}
        },
    }
    agent = Yielding()
    result = engine(document, agent).run({})
    assert len(agent.calls) == 2
    assert sum(1 for out in result.output if out == "refused") == 2
    assert result.cost == 2.0
