"""The ``Budget`` blocks of a workflow and of its states, compiled once for the engine.

The blocks are parsed by :mod:`asl.definition.budget_block`, the parser ``asl
validate`` uses, so a run refuses exactly the Budgets validation reports, with the
same message. What only the run can know is resolved here when the execution
starts: ``.$`` paths into the input, ``env.NAME`` variables, and the exchange rate
that turns the Budget's amounts into USD (the currency of the price data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asl.definition.budget_block import (
    COUNT_WANTED,
    MONEY_WANTED,
    Problem,
    Setting,
    Stage,
    StateBudget,
    WorkflowBudget,
    count,
    money,
    parse_state_budget,
    parse_workflow_budget,
    rate,
)
from asl.language.errors import ASLError

CONFIGURATION = "States.Runtime"

__all__ = [
    "Limits",
    "Stage",
    "StateBudget",
    "WorkflowBudget",
    "compile_state_budget",
    "compile_workflow_budget",
    "parse_count",
    "parse_money",
    "resolve_limits",
]


def parse_money(value: Any, where: str) -> float:
    """``"$5.00"`` / ``"5"`` / ``5`` -> 5.0; anything else is a configuration error."""
    found = money(value)
    if found is None:
        raise ASLError(CONFIGURATION, f"{where} is {value!r}: give {MONEY_WANTED} (USD)")
    return found


def parse_count(value: Any, where: str) -> int:
    found = count(value)
    if found is None:
        raise ASLError(CONFIGURATION, f"{where} is {value!r}: give {COUNT_WANTED}")
    return found


@dataclass(frozen=True, slots=True)
class Limits:
    """The resolved limits of one execution (None: no limit)."""

    max_cost: float | None
    max_tokens: int | None
    per_hour: float | None = None
    per_day: float | None = None
    tracked: str | None = None  # the TrackBy value of a per-period limit
    from_pool: float | None = None
    rate: float = 1.0  # units of the Budget's Currency per USD (the amounts above are USD)


def compile_workflow_budget(raw: Any) -> WorkflowBudget | None:
    """The workflow's Budget, or the first error ``asl validate`` reports for it."""
    if not isinstance(raw, dict):
        return None
    budget, problems = parse_workflow_budget(raw)
    _refuse(problems)
    return budget


def compile_state_budget(name: str, raw: Any) -> StateBudget | None:
    if not isinstance(raw, dict):
        return None
    budget, problems = parse_state_budget(name, raw)
    _refuse(problems)
    return budget


def _refuse(problems: list[Problem]) -> None:
    for problem in problems:
        if not problem.warning:
            raise ASLError(CONFIGURATION, problem.message)


def resolve_limits(budget: WorkflowBudget, execution_input: Any) -> Limits:
    """The execution's limits in USD: its Budget's amounts, read and converted once."""
    factor = 1.0
    if budget.exchange_rate is not None:
        found = budget.exchange_rate.resolve(execution_input)
        converted = rate(found)
        if converted is None:
            raise budget.exchange_rate.wrong(found, "a positive number")
        factor = converted
    max_tokens = None
    if budget.max_tokens.given:
        found = budget.max_tokens.resolve(execution_input)
        max_tokens = count(found)
        if max_tokens is None:
            raise budget.max_tokens.wrong(found, COUNT_WANTED)
    tracked = None
    if budget.track_by is not None:
        tracked = budget.track_by.resolve(execution_input)
        tracked = tracked if isinstance(tracked, str) else repr(tracked)
    return Limits(
        max_cost=_usd(budget.max_cost, execution_input, factor),
        max_tokens=max_tokens,
        per_hour=_usd(budget.per_hour, execution_input, factor),
        per_day=_usd(budget.per_day, execution_input, factor),
        tracked=tracked,
        from_pool=_usd(budget.max_from_pool, execution_input, factor),
        rate=factor,
    )


def _usd(setting: Setting | None, data: Any, factor: float) -> float | None:
    if setting is None or not setting.given:
        return None
    found = setting.resolve(data)
    amount = money(found)
    if amount is None:
        raise setting.wrong(found, MONEY_WANTED)
    return amount / factor
