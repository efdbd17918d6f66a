"""Fallback triggers and the cascade: the named model from the named share of the budget."""

from __future__ import annotations

from typing import Any

from asl import AgentContext, AgentResult, Usage
from tests.budget.scripted import Recorder, Scripted, calls_workflow, engine


def test_fallback_to_the_named_model_at_the_named_percentage() -> None:
    budget = {"MaxCost": "$10.00", "Fallback": {"When": "BudgetAt30Percent", "UseModel": "small"}}
    agent = Scripted()
    result = engine(calls_workflow(budget), agent).run({})
    # $1, $2 spent: under 30%; after the third call $3 = 30% -> the fourth uses small
    assert [model for _, model in agent.calls] == ["big", "big", "big", "small", "small"]
    activated = [e for e in result.trace if e["type"] == "BudgetFallbackActivated"]
    assert [(e["state"], e["details"]) for e in activated] == [
        ("Call4", {"stage": 0, "model": "small", "agent": None, "action": None})
    ]


def test_cascade_stages_apply_in_order() -> None:
    budget = {
        "MaxCost": 4,
        "OnExceed": "Continue",
        "Fallback": {
            "Cascade": [
                {"When": "BudgetAt25Percent", "UseModel": "medium"},
                {"When": "BudgetAt50Percent", "UseModel": "small"},
            ]
        },
    }
    agent = Scripted()
    prices = {
        "medium": {"input": 0, "output": 10_000},
        "big": {"input": 0, "output": 10_000},
        "small": {"input": 0, "output": 1_000},
    }
    engine(calls_workflow(budget), agent, prices=prices).run({})
    assert [model for _, model in agent.calls] == ["big", "medium", "small", "small", "small"]


def test_tokens_trigger() -> None:
    budget = {"MaxTokens": 1000, "Fallback": {"When": "TokensAt20Percent", "UseModel": "small"}}
    agent = Scripted()
    engine(calls_workflow(budget), agent).run({})
    # 105 tokens a call: 210 >= 200 after the second call
    assert [model for _, model in agent.calls] == ["big", "big", "small", "small", "small"]


def test_always_uses_the_fallback_from_the_first_call() -> None:
    budget = {"Fallback": {"When": "Always", "UseModel": "small"}}
    agent = Scripted()
    result = engine(calls_workflow(budget, count=2), agent).run({})
    assert agent.calls == [("Call1", "small"), ("Call2", "small")]
    assert round(result.cost, 9) == 0.2


def test_fallback_to_another_agent() -> None:
    cheap = Scripted(model="small")
    budget = {"MaxCost": 10, "Fallback": {"When": "BudgetAt20Percent", "Agent": "Cheap"}}
    main = Scripted()
    wf = engine(calls_workflow(budget, count=3), main)
    wf.register_agent("Cheap", cheap)
    wf.run({})
    assert [state for state, _ in main.calls] == ["Call1", "Call2"]
    assert cheap.calls == [("Call3", "small")]


def test_reduce_quality_reaches_the_agent() -> None:
    seen: list[bool] = []

    def agent(parameters: Any, context: AgentContext) -> AgentResult:
        seen.append(context.reduce_quality)
        return AgentResult("ok", Usage(5, 100, "big"))

    budget = {
        "MaxCost": 10,
        "Fallback": {"Cascade": [{"When": "BudgetAt20Percent", "Action": "ReduceQuality"}]},
    }
    engine(calls_workflow(budget, count=4), agent).run({})
    assert seen == [False, False, True, True]


def test_fallback_notify_tells_the_budget_recipients_once() -> None:
    budget = {
        "MaxCost": 10,
        "Notify": ["finops@example.com"],
        "Fallback": {"When": "BudgetAt10Percent", "UseModel": "small", "Notify": True},
    }
    notifier = Recorder()
    engine(calls_workflow(budget), Scripted(), notifier=notifier).run({}, execution_id="run-1")
    assert notifier.sent == [
        (
            ["finops@example.com"],
            "Budget fallback activated at Call2: small",
            {
                "stage": 0,
                "model": "small",
                "agent": None,
                "action": None,
                "requestId": "run-1:budget-fallback:0",
            },
        )
    ]
