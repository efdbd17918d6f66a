"""A Budget in another currency: its amounts converted once with the user's exchange rate."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from asl.budget import load_report
from asl.budget.report import summary_lines
from asl.store import open_store
from tests.budget.scripted import Scripted, calls_workflow, engine

# 0.5 EUR per USD keeps the figures exact: a $1.00 call costs 0.50 EUR.
EUR = {"MaxCost": "1.75", "Currency": "EUR", "ExchangeRate": 0.5}


def test_a_eur_budget_is_enforced_in_usd_and_reported_in_eur() -> None:
    document = calls_workflow(EUR)
    document["States"]["Call4"]["Catch"] = [
        {"ErrorEquals": ["States.BudgetExceeded"], "ResultPath": "$.refused", "Next": "Left"}
    ]
    document["States"]["Left"] = {
        "Type": "Pass",
        "Parameters": {
            "remaining.$": "States.RemainingBudget()",
            "spent.$": "States.CurrentCost()",
        },
        "End": True,
    }
    agent = Scripted()
    result = engine(document, agent).run({})
    assert len(agent.calls) == 3  # 1.75 EUR = $3.50: three $1.00 calls
    assert result.output == {"remaining": 0.25, "spent": 3.0}  # EUR left, USD spent
    assert result.cost == 3.0
    report = result.cost_report
    assert report is not None
    assert (report["currency"], report["exchangeRate"], report["costs"]["total"]) == (
        "EUR",
        0.5,
        1.5,
    )
    assert report["costs"]["byState"] == {"Call1": 0.5, "Call2": 0.5, "Call3": 0.5}
    assert report["budget"] == {
        "maxCost": 1.75,
        "maxTokens": None,
        "remainingCost": 0.25,
        "remainingTokens": None,
    }
    assert summary_lines(report) == [
        "cost: 1.500000 EUR, 315 tokens, 3 agent calls",
        "  state Call1: 0.500000, 105 tokens",
        "  state Call2: 0.500000, 105 tokens",
        "  state Call3: 0.500000, 105 tokens",
        "  model big: 1.500000",
        "  budget: maxCost 1.75, maxTokens None, remaining 0.25 / None tokens",
    ]


def test_the_rate_can_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EUR_PER_USD", "0.25")
    budget = {"MaxCost": 0.5, "Currency": "eur", "ExchangeRate.$": "env.EUR_PER_USD"}
    agent = Scripted()
    result = engine(calls_workflow(budget), agent).run({})
    assert len(agent.calls) == 2  # 0.50 EUR at 0.25 per USD = $2.00
    assert result.cost_report is not None and result.cost_report["currency"] == "EUR"


def test_a_rate_that_is_not_a_number_fails_the_run_at_its_start() -> None:
    budget = {"MaxCost": 1, "Currency": "EUR", "ExchangeRate.$": "$.rate"}
    agent = Scripted()
    result = engine(calls_workflow(budget), agent).run({"rate": "high"})
    assert (result.error, result.cause) == (
        "States.Runtime",
        "'ExchangeRate.$' of the workflow's Budget ('$.rate') gave the string \"high\": it must "
        "give a positive number",
    )
    assert agent.calls == []


def test_a_dynamic_amount_that_is_not_money_fails_the_run_at_its_start() -> None:
    agent = Scripted()
    result = engine(calls_workflow({"MaxCost.$": "$.budget"}), agent).run({"budget": "lots"})
    assert (result.error, result.cause) == (
        "States.Runtime",
        "'MaxCost.$' of the workflow's Budget ('$.budget') gave the string \"lots\": it must "
        'give an amount such as "$5.00" or 5',
    )
    missing = engine(calls_workflow({"MaxTokens.$": "$.tokens"}), agent).run({})
    assert missing.cause == (
        "'MaxTokens.$' of the workflow's Budget is '$.tokens', which selects nothing in the "
        "input: add the field to the input, or give the value itself"
    )
    assert agent.calls == []


def test_a_raised_limit_is_in_the_budgets_currency_and_the_stored_report_too(
    tmp_path: Path,
) -> None:
    store = f"sqlite:///{tmp_path}/asl.db"
    budget = {**EUR, "MaxCost": "1.25", "OnExceed": "PauseAndNotify"}
    paused = engine(calls_workflow(budget, count=4), Scripted(), store=store).run(
        {}, execution_id="eur-1"
    )
    assert (paused.status, paused.paused_at_state) == ("PAUSED", "Call3")
    assert paused.pending_input is not None
    assert paused.pending_input["budget"] == {
        "maxCost": 1.25,
        "maxTokens": None,
        "remainingCost": 0.25,
        "remainingTokens": None,
    }
    agent = Scripted()
    resumed = engine(calls_workflow(budget, count=4), agent, store=store).resume(
        "eur-1", {"approval": "raise", "maxCost": "2.00"}
    )
    assert resumed.status == "SUCCEEDED", resumed.cause
    assert len(agent.calls) == 2  # 2.00 EUR = $4.00
    assert resumed.cost_report is not None
    assert resumed.cost_report["budget"]["maxCost"] == 2.0

    async def stored() -> dict[str, object] | None:
        opened = await open_store(store)
        return await load_report(opened, "eur-1")

    report = asyncio.run(stored())
    assert report is not None
    assert (report["currency"], report["costs"]) == (
        "EUR",
        {
            "total": 2.0,
            "byState": {"Call1": 0.5, "Call2": 0.5, "Call3": 0.5, "Call4": 0.5},
            "byModel": {"big": 2.0},
            "byCategory": {},
            "byTag": {},
            "byAttribution": {},
        },
    )
