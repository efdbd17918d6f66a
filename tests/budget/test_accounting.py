"""Accounting: every call's usage priced and summed into the result, $$ and the cost report."""

from __future__ import annotations

from typing import Any

from asl import AgentResult, Usage
from tests.budget.scripted import Scripted, calls_workflow, engine


def test_totals_on_the_result_and_in_the_context_object() -> None:
    document = calls_workflow(None, count=2)
    document["States"]["Call2"]["Next"] = "Totals"
    del document["States"]["Call2"]["End"]
    document["States"]["Totals"] = {
        "Type": "Pass",
        "Parameters": {
            "cost.$": "$$.Execution.Cost",
            "tokens.$": "$$.Execution.TokensUsed",
            "currentCost.$": "States.CurrentCost()",
            "currentTokens.$": "States.CurrentTokens()",
        },
        "End": True,
    }
    result = engine(document, Scripted()).run({})
    assert result.status == "SUCCEEDED"
    assert result.output == {"cost": 2.0, "tokens": 210, "currentCost": 2.0, "currentTokens": 210}
    assert (result.cost, result.tokens_used) == (2.0, 210)


def test_cost_report_by_state_model_category_tag_and_attribution() -> None:
    document = calls_workflow(None, count=3)
    document["States"]["Call1"]["Budget"].update(
        {
            "Category": "analysis",
            "Tags": ["security", "review"],
            "Attribution": {"Team": "engineering", "Project.$": "$.project"},
        }
    )
    document["States"]["Call2"]["Budget"].update({"Category": "generation", "Tags": ["review"]})
    document["States"]["Call3"]["Model"] = "small"
    agent = Scripted(model=None)
    result = engine(document, agent).run({"project": "apollo"})
    assert agent.calls == [("Call1", None), ("Call2", None), ("Call3", "small")]
    report = result.cost_report
    assert report is not None
    assert report["costs"] == {
        "total": 0.1,
        "byState": {"Call1": 0.0, "Call2": 0.0, "Call3": 0.1},
        "byModel": {"unknown": 0.0, "small": 0.1},
        "byCategory": {"analysis": 0.0, "generation": 0.0},
        "byTag": {"security": 0.0, "review": 0.0},
        "byAttribution": {"Team": {"engineering": 0.0}, "Project": {"apollo": 0.0}},
    }
    assert report["complete"] is False
    assert report["unpriced"] == {"unknown": {"calls": 2, "tokens": 210}}
    assert report["tokens"]["byState"] == {"Call1": 105, "Call2": 105, "Call3": 105}


def test_priced_attribution_sums_per_value() -> None:
    document = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.projects",
                "MaxConcurrency": 1,
                "ItemProcessor": {
                    "StartAt": "Work",
                    "States": {
                        "Work": {
                            "Type": "Task",
                            "Agent": "LLM",
                            "Parameters": {"prompt": "hello"},
                            "Budget": {"Category": "batch", "Attribution": {"Project.$": "$.p"}},
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        },
    }
    result = engine(document, Scripted()).run({"projects": [{"p": "a"}, {"p": "b"}, {"p": "a"}]})
    assert result.status == "SUCCEEDED", result.cause
    costs = result.cost_report["costs"] if result.cost_report else {}
    assert costs["byAttribution"] == {"Project": {"a": 2.0, "b": 1.0}}
    assert costs["byCategory"] == {"batch": 3.0}


def test_an_unknown_model_is_unpriced_not_free() -> None:
    def agent(parameters: Any) -> AgentResult:
        return AgentResult("ok", Usage(10, 20, "house-model-7"))

    result = engine(calls_workflow(None, count=1), agent).run({})
    report = result.cost_report
    assert report is not None
    assert report["complete"] is False
    assert report["unpriced"] == {"house-model-7": {"calls": 1, "tokens": 30}}
    assert (result.cost, result.tokens_used) == (0.0, 30)


def test_bundled_prices_with_cached_input() -> None:
    def agent(parameters: Any) -> AgentResult:
        return AgentResult("ok", Usage(1000, 500, "gpt-4o", cache_read_tokens=400))

    result = engine(calls_workflow(None, count=1), agent, prices=None).run({})
    # gpt-4o: 600 new input at $2.50/M, 400 cached at $1.25/M, 500 output at $10/M
    assert round(result.cost, 9) == 0.0070
    assert result.cost_report is not None
    assert result.cost_report["tokens"]["cacheRead"] == 400


def test_a_cost_the_agent_reports_wins_over_the_price_table() -> None:
    def agent(parameters: Any) -> AgentResult:
        return AgentResult("ok", Usage(10, 20, "big", cost=0.25))

    result = engine(calls_workflow(None, count=1), agent).run({})
    assert result.cost == 0.25


def test_an_agent_without_usage_adds_nothing() -> None:
    result = engine(calls_workflow(None, count=1), lambda parameters: "plain").run({})
    assert result.cost_report is not None
    assert (result.cost_report["calls"], result.cost, result.tokens_used) == (0, 0.0, 0)
