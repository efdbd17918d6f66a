"""A state's Budget.Priority: the Cascade model it uses, the reserve, critical states.

Each call of the scripted agent costs $1.00 on ``big``, $0.50 on ``mid`` and $0.10
on ``small`` (100 output tokens of 105 in all).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.budget.scripted import PRICES, Scripted, calls_workflow, engine

LADDER_PRICES = {**PRICES, "mid": {"input": 0, "output": 5_000}}
CASCADE = {
    "MaxCost": "$5.00",
    "Fallback": {
        "Cascade": [
            {"When": "BudgetAt20Percent", "UseModel": "mid"},
            {"When": "BudgetAt40Percent", "UseModel": "small"},
        ]
    },
}


def prioritised(budget: dict[str, Any], priority: str | None, count: int) -> dict[str, Any]:
    document = calls_workflow(budget, count=count)
    for state in document["States"].values():
        state["Model"] = "big"
        if priority is not None:
            state["Budget"]["Priority"] = priority
    return document


@pytest.mark.parametrize(
    ("priority", "models"),
    [
        # $1 spent (20%) moves normal to mid, $2 (40%) to small.
        ("normal", ["big", "mid", "mid", "small", "small", "small"]),
        # one rung above: its own model until the second stage fires, then mid.
        ("high", ["big", "big", "mid", "mid", "mid", "mid"]),
        # one rung below: mid before any stage fires, small from the first one on.
        ("low", ["mid", "mid", "small", "small", "small", "small"]),
        # always the last UseModel stage: the cheapest.
        ("background", ["small"] * 6),
    ],
)
def test_priority_chooses_the_rung_of_the_cascade(priority: str, models: list[str]) -> None:
    agent = Scripted()
    result = engine(prioritised(CASCADE, priority, 6), agent, prices=LADDER_PRICES).run({})
    assert result.status == "SUCCEEDED", result.cause
    assert [model for _, model in agent.calls] == models


def test_a_critical_state_keeps_its_model_and_is_refused_at_the_limit() -> None:
    agent = Scripted()
    result = engine(prioritised(CASCADE, "critical", 6), agent, prices=LADDER_PRICES).run({})
    assert [model for _, model in agent.calls] == ["big"] * 5
    assert (result.error, result.cause) == (
        "States.BudgetExceeded",
        "An error occurred while executing the state 'Call6' (entered at the event id #29). "
        "The call would exceed MaxCost $5.00: $5.00 spent, $0.00 reserved by calls in flight, "
        "this call needs up to $1.00",
    )


def test_a_critical_state_is_not_moved_by_use_fallback() -> None:
    budget = {
        "MaxCost": "$2.50",
        "OnExceed": "UseFallback",
        "Fallback": {"When": "BudgetAt99Percent", "UseModel": "small"},
    }
    normal, critical = Scripted(), Scripted()
    engine(prioritised(budget, None, 4), normal).run({})
    assert [model for _, model in normal.calls] == ["big", "big", "small", "small"]
    result = engine(prioritised(budget, "critical", 4), critical).run({})
    assert [model for _, model in critical.calls] == ["big", "big"]
    assert result.cause == (
        "An error occurred while executing the state 'Call3' (entered at the event id #12). "
        "The call would exceed MaxCost $2.50: $2.00 spent, $0.00 reserved by calls in flight, "
        "this call needs up to $1.00; a critical state is not moved to a cheaper fallback model"
    )


def test_a_critical_state_ignores_agent_and_reduce_quality_stages() -> None:
    budget = {
        "MaxCost": 10,
        "Fallback": {"Cascade": [{"When": "Always", "Agent": "Other", "Action": "ReduceQuality"}]},
    }
    seen: list[tuple[str, bool]] = []

    def other(parameters: Any, context: Any) -> Any:
        raise AssertionError("a critical state must not be moved to another agent")

    class Watching(Scripted):
        def __call__(self, parameters: Any, context: Any) -> Any:
            seen.append((context.state_name, context.reduce_quality))
            return super().__call__(parameters, context)

    document = prioritised(budget, "critical", 2)
    wf = engine(document, Watching())
    wf.register_agent("Other", other)
    assert wf.run({}).status == "SUCCEEDED"
    assert seen == [("Call1", False), ("Call2", False)]


def test_low_states_leave_the_reserve_to_normal_ones() -> None:
    """$5 with the default 20% reserve: low states may spend $4, a normal one the rest."""
    document = prioritised({"MaxCost": "$5.00"}, "low", 6)
    document["States"]["Call5"]["Catch"] = [
        {"ErrorEquals": ["States.BudgetExceeded"], "ResultPath": "$.refused", "Next": "Call6"}
    ]
    document["States"]["Call5"]["ResultPath"] = None
    document["States"]["Call6"]["Budget"]["Priority"] = "normal"
    agent = Scripted()
    result = engine(document, agent).run({})
    assert result.status == "SUCCEEDED", result.cause
    assert [state for state, _ in agent.calls] == ["Call1", "Call2", "Call3", "Call4", "Call6"]
    assert result.cost == 5.0
    assert result.output["refused"] == {
        "Error": "States.BudgetExceeded",
        "Cause": "An error occurred while executing the state 'Call5' (entered at the event id "
        "#22). The call would exceed the $4.00 of MaxCost $5.00 a low-priority state may use "
        "(20% is kept for normal and higher priorities): $4.00 spent or reserved, this call "
        "needs up to $1.00",
    }


def test_the_reserve_holds_whatever_on_exceed_says() -> None:
    document = prioritised({"MaxCost": "$5.00", "OnExceed": "Continue"}, "background", 6)
    agent = Scripted()
    result = engine(document, agent).run({})
    assert (len(agent.calls), result.error) == (4, "States.BudgetExceeded")


def test_the_reserve_applies_to_max_tokens_and_can_be_set() -> None:
    agent = Scripted()
    result = engine(prioritised({"MaxTokens": 525}, "low", 5), agent).run({})
    assert len(agent.calls) == 4  # 420 tokens: 80% of 525
    assert result.cause is not None and result.cause.endswith(
        "The call would exceed the 420 of MaxTokens 525 a low-priority state may use (20% is "
        "kept for normal and higher priorities): 420 used or reserved, this call needs up to 105"
    )
    wide = Scripted()
    result = engine(prioritised({"MaxTokens": 525, "Reserve": "0%"}, "low", 5), wide).run({})
    assert (result.status, len(wide.calls)) == ("SUCCEEDED", 5)
    half = Scripted()
    engine(prioritised({"MaxCost": 5, "Reserve": "50%"}, "background", 5), half).run({})
    assert len(half.calls) == 2  # $2.50 for background: two $1 calls fit
