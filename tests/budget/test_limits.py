"""Workflow and state limits, enforced before the call that would cross them."""

from __future__ import annotations

from typing import Any

import pytest

from asl.definition import load_dict, validate
from asl.language.errors import ValidationError
from tests.budget.scripted import Scripted, calls_workflow, engine


def test_max_cost_refuses_exactly_the_call_that_would_cross_it() -> None:
    agent = Scripted()
    result = engine(calls_workflow({"MaxCost": "$3.50"}), agent).run({})
    assert [state for state, _ in agent.calls] == ["Call1", "Call2", "Call3"]
    assert (result.status, result.error) == ("FAILED", "States.BudgetExceeded")
    assert result.cause == (
        "An error occurred while executing the state 'Call4' (entered at the event id #17). "
        "The call would exceed MaxCost $3.50: $3.00 spent, $0.00 reserved by calls in flight, "
        "this call needs up to $1.00"
    )
    assert result.cost == 3.0
    failed = [event for event in result.trace if event["type"] == "TaskFailed"]
    assert [(event["state"], event["details"]["error"]) for event in failed] == [
        ("Call4", "States.BudgetExceeded")
    ]


def test_max_tokens_refuses_exactly_the_call_that_would_cross_it() -> None:
    agent = Scripted()
    result = engine(calls_workflow({"MaxTokens": 420}), agent).run({})
    assert len(agent.calls) == 4  # 4 x 105 = 420 fits; the fifth would not
    assert result.error == "States.BudgetExceeded"
    assert result.cause is not None and result.cause.endswith(
        "The call would exceed MaxTokens 420: 420 used, 0 reserved by calls in flight, "
        "this call needs up to 105"
    )


def test_the_budget_error_is_caught_like_any_error() -> None:
    document = calls_workflow({"MaxCost": 1}, count=2)
    document["States"]["Call2"]["Catch"] = [
        {"ErrorEquals": ["States.BudgetExceeded"], "ResultPath": "$.error", "Next": "Cheap"}
    ]
    document["States"]["Cheap"] = {"Type": "Pass", "Result": "summary skipped", "End": True}
    result = engine(document, Scripted()).run({})
    assert result.status == "SUCCEEDED"
    assert result.output == "summary skipped"


@pytest.mark.parametrize("max_cost", ["$2.00", "2", 2, 2.0, " $2 "])
def test_max_cost_forms(max_cost: Any) -> None:
    agent = Scripted()
    engine(calls_workflow({"MaxCost": max_cost}), agent).run({})
    assert len(agent.calls) == 2


def test_max_cost_from_the_input() -> None:
    agent = Scripted()
    result = engine(calls_workflow({"MaxCost.$": "$.userBudget"}), agent).run({"userBudget": 1})
    assert (len(agent.calls), result.error) == (1, "States.BudgetExceeded")


def test_max_cost_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_WORKFLOW_COST", "$4.00")
    monkeypatch.setenv("MAX_WORKFLOW_TOKENS", "210")
    agent = Scripted()
    budget = {"MaxCost.$": "env.MAX_WORKFLOW_COST", "MaxTokens.$": "env.MAX_WORKFLOW_TOKENS"}
    engine(calls_workflow(budget), agent).run({})
    assert len(agent.calls) == 2


def test_an_unset_environment_variable_fails_the_run_with_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_SUCH_LIMIT", raising=False)
    agent = Scripted()
    result = engine(calls_workflow({"MaxCost.$": "env.NO_SUCH_LIMIT"}), agent).run({})
    assert (result.error, result.cause) == (
        "States.Runtime",
        "'MaxCost.$' of the workflow's Budget names the environment variable NO_SUCH_LIMIT, "
        "which is not set: set it, or give 'MaxCost' a value",
    )
    assert agent.calls == []


@pytest.mark.parametrize(
    ("budget", "cause"),
    [
        (
            {"MaxCost": "five dollars"},
            "'MaxCost' of the workflow's Budget must be an amount such as \"$5.00\" or 5, got "
            'the string "five dollars"',
        ),
        (
            {"MaxCost": 5, "Currency": "EUR"},
            "'Currency' of the workflow's Budget is EUR, but prices are known in USD: add "
            '"ExchangeRate" with how many EUR one USD buys (e.g. "ExchangeRate": 0.92), or use '
            '"Currency": "USD"',
        ),
        (
            {"MaxCost": 5, "OnExceed": "Panic"},
            "'OnExceed' of the workflow's Budget must be one of Fail, PauseAndNotify, "
            'UseFallback, Continue, Throttle, got the string "Panic"',
        ),
        (
            {"MaxCost": 5, "Fallback": {"When": "BudgetAtSomePercent", "UseModel": "small"}},
            "'When' of the Fallback of the workflow's Budget must be BudgetAt<N>Percent, "
            'TokensAt<N>Percent (N from 1 to 100) or Always, got the string "BudgetAtSomePercent"',
        ),
        (
            {"MaxCost": 5, "Alerts": [{"At": "lots"}]},
            "'At' of alert 0 of the workflow's Budget must be a share of the budget such as "
            '"80%" (above 0, up to 100), got the string "lots"',
        ),
        (
            {"Pool": "team"},
            "'Pool' of the workflow's Budget needs 'MaxFromPool': add how much one run may take "
            'from the pool, e.g. "MaxFromPool": "$50.00"',
        ),
    ],
)
def test_a_bad_budget_is_refused_before_the_run_with_the_fix(
    budget: dict[str, Any], cause: str
) -> None:
    """``asl validate`` reports it, and the engine refuses the document with the same words."""
    document = load_dict(calls_workflow(budget))
    assert [(d.severity, d.pointer[:8], d.message) for d in validate(document)] == [
        ("error", "/Budget/", cause)
    ]
    agent = Scripted()
    with pytest.raises(ValidationError) as refused:
        engine(calls_workflow(budget), agent).run({})
    assert [error.message for error in refused.value.errors] == [cause]
    assert agent.calls == []


def test_continue_warns_once_and_keeps_going() -> None:
    agent = Scripted()
    result = engine(calls_workflow({"MaxCost": 2, "OnExceed": "Continue"}), agent).run({})
    assert (result.status, len(agent.calls), result.cost) == ("SUCCEEDED", 5, 5.0)
    warnings = [event for event in result.trace if event["type"] == "BudgetExceededWarning"]
    assert [(event["state"], event["details"]["reason"]) for event in warnings] == [
        (
            "Call3",
            "MaxCost $2.00: $2.00 spent, $0.00 reserved by calls in flight, "
            "this call needs up to $1.00",
        )
    ]


def test_use_fallback_switches_to_the_cheaper_model_when_the_limit_is_near() -> None:
    budget = {
        "MaxCost": "$2.50",
        "OnExceed": "UseFallback",
        "Fallback": {"When": "BudgetAt99Percent", "UseModel": "small"},
    }
    agent = Scripted()
    result = engine(calls_workflow(budget), agent).run({})
    # $1 + $1, then $0.10 calls (the third would cross $2.50 on big) until $2.50 is reached
    assert agent.calls == [
        ("Call1", "big"),
        ("Call2", "big"),
        ("Call3", "small"),
        ("Call4", "small"),
        ("Call5", "small"),
    ]
    assert round(result.cost, 9) == 2.3


def test_state_max_input_tokens() -> None:
    document = calls_workflow(None, count=1)
    document["States"]["Call1"]["Budget"]["MaxInputTokens"] = 4
    agent = Scripted()
    result = engine(document, agent).run({})
    assert agent.calls == []
    assert result.cause == (
        "An error occurred while executing the state 'Call1' (entered at the event id #2). "
        "The call would exceed the state's MaxInputTokens 4: the input has 5 tokens"
    )


def test_state_max_cost_counts_every_visit_of_the_state() -> None:
    document = {
        "StartAt": "Again",
        "States": {
            "Again": {
                "Type": "Task",
                "Agent": "LLM",
                "Parameters": {"prompt": "hello"},
                "Budget": {"MaxCost": "$2.00", "MaxOutputTokens": 100},
                "ResultPath": "$.last",
                "Next": "Loop",
            },
            "Loop": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
                "Default": "Again",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    agent = Scripted()
    result = engine(document, agent).run({})
    assert len(agent.calls) == 2
    assert result.cause is not None and result.cause.endswith(
        "The call would exceed the state's MaxCost $2.00: $2.00 spent, this call needs up to $1.00"
    )


def test_state_max_tokens() -> None:
    document = calls_workflow(None, count=1)
    document["States"]["Call1"]["Budget"]["MaxTokens"] = 100
    result = engine(document, Scripted()).run({})
    assert result.cause is not None and result.cause.endswith(
        "The call would exceed the state's MaxTokens 100: 0 used, this call needs up to 105"
    )


def test_a_bad_state_priority_fails_with_the_choices() -> None:
    document = calls_workflow(None, count=1)
    document["States"]["Call1"]["Budget"]["Priority"] = "urgent"
    with pytest.raises(ValidationError) as refused:
        engine(document, Scripted()).run({})
    assert [(e.pointer, e.message) for e in refused.value.errors] == [
        (
            "/States/Call1/Budget/Priority",
            "'Priority' of the Budget of state 'Call1' must be one of critical, high, normal, low, "
            'background, got the string "urgent"',
        )
    ]
