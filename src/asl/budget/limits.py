"""The ``Budget`` blocks of a workflow and of its states, compiled once.

Money is ``"$5.00"``, ``"5"`` or a number (USD, the currency of the price
data); any field may be given as ``Field.$`` with a path into the execution's
input (the state's input for a state Budget) or ``env.NAME`` for an
environment variable. Triggers are ``BudgetAt<N>Percent``,
``TokensAt<N>Percent`` and ``Always``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from asl.language.errors import ASLError
from asl.language.paths import NoResults, compile_path
from asl.runtime.pause import parse_duration

CONFIGURATION = "States.Runtime"
ON_EXCEED = ("Fail", "PauseAndNotify", "UseFallback", "Continue", "Throttle")
PRIORITIES = ("critical", "high", "normal", "low", "background")
PERIODS = {"hourly": 3600.0, "daily": 86400.0, "weekly": 604800.0, "monthly": 2592000.0}
_MONEY = re.compile(r"^\s*\$?\s*(\d+(?:\.\d+)?)\s*$")
_TRIGGER = re.compile(r"^(Budget|Tokens)At(\d{1,3})Percent$")
_PERCENT = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*%?\s*$")


def parse_money(value: Any, where: str) -> float:
    """``"$5.00"`` / ``"5"`` / ``5`` -> 5.0; anything else is a configuration error."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    if isinstance(value, str):
        match = _MONEY.match(value)
        if match:
            return float(match.group(1))
    raise ASLError(
        CONFIGURATION, f'{where} is {value!r}: give an amount such as "$5.00" or 5 (USD)'
    )


def parse_count(value: Any, where: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ASLError(CONFIGURATION, f"{where} is {value!r}: give a whole number of tokens")


class Setting:
    """A field given as a value, or as ``Field.$`` (a path, or ``env.NAME``)."""

    __slots__ = ("dynamic", "name", "path", "value", "where")

    def __init__(self, raw: dict[str, Any], name: str, where: str) -> None:
        self.name = name
        self.where = f"{where}.{name}"
        self.value = raw.get(name)
        self.dynamic: str | None = None
        self.path = None
        text = raw.get(name + ".$")
        if isinstance(text, str):
            self.dynamic = text
            if not text.startswith("env."):
                self.path = compile_path(text)

    @property
    def given(self) -> bool:
        return self.value is not None or self.dynamic is not None

    def resolve(self, data: Any, context: Any = None) -> Any:
        if self.dynamic is None:
            return self.value
        if self.path is None:
            variable = self.dynamic[4:]
            value = os.environ.get(variable)
            if value is None:
                raise ASLError(
                    CONFIGURATION,
                    f"{self.where}.$ names the environment variable {variable}, which is not set",
                )
            return value
        try:
            return self.path.evaluate(data, context)
        except NoResults:
            raise ASLError(
                CONFIGURATION, f"{self.where}.$ '{self.dynamic}' selects nothing in the input"
            ) from None


@dataclass(frozen=True, slots=True)
class Trigger:
    """When a fallback stage applies: a share of MaxCost or MaxTokens spent, or always."""

    kind: str  # "cost", "tokens" or "always"
    percent: float = 0.0

    @classmethod
    def parse(cls, text: Any, where: str) -> Trigger:
        if text == "Always":
            return cls("always")
        match = _TRIGGER.match(text) if isinstance(text, str) else None
        if match is None or not 0 < int(match.group(2)) <= 100:
            raise ASLError(
                CONFIGURATION,
                f"{where} is {text!r}: use BudgetAt<N>Percent, TokensAt<N>Percent (N from 1 "
                "to 100) or Always",
            )
        return cls("cost" if match.group(1) == "Budget" else "tokens", float(match.group(2)))


@dataclass(frozen=True, slots=True)
class Stage:
    """One fallback step: a model or agent to switch to, or an Action."""

    when: Trigger
    model: str | None = None
    agent: str | None = None
    action: str | None = None  # "PauseAndNotify" or "ReduceQuality"
    notify: tuple[str, ...] = ()
    index: int = 0


@dataclass(frozen=True, slots=True)
class Alert:
    percent: float
    notify: tuple[str, ...]
    channel: str
    message: str | None
    priority: str | None


@dataclass(slots=True)
class WorkflowBudget:
    """A workflow's ``Budget``; the dynamic limits are resolved when the execution starts."""

    max_cost: Setting
    max_tokens: Setting
    currency: str = "USD"
    on_exceed: str = "Fail"
    notify: tuple[str, ...] = ()
    stages: tuple[Stage, ...] = ()
    alerts: tuple[Alert, ...] = ()
    per_hour: Setting | None = None
    per_day: Setting | None = None
    throttle_delay: float = 30.0
    track_by: Setting | None = None
    reset_period: float | None = None
    pool: str | None = None
    max_from_pool: Setting | None = None
    release_on_complete: bool = True
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Limits:
    """The resolved limits of one execution (None: no limit)."""

    max_cost: float | None
    max_tokens: int | None
    per_hour: float | None = None
    per_day: float | None = None
    tracked: str | None = None  # the TrackBy value of a per-period limit
    from_pool: float | None = None


def compile_workflow_budget(raw: Any) -> WorkflowBudget | None:
    if not isinstance(raw, dict):
        return None
    where = "Budget"
    currency = str(raw.get("Currency", "USD")).upper()
    if currency != "USD":
        raise ASLError(
            CONFIGURATION,
            f"Budget.Currency is {currency!r}: prices are known in USD only; use USD",
        )
    on_exceed = raw.get("OnExceed", "Fail")
    if on_exceed not in ON_EXCEED:
        raise ASLError(
            CONFIGURATION, f"Budget.OnExceed is {on_exceed!r}: use one of {', '.join(ON_EXCEED)}"
        )
    delay = parse_duration(raw.get("ThrottleDelay", "30s"))
    if delay is None:
        raise ASLError(CONFIGURATION, 'Budget.ThrottleDelay: give a duration such as "30s"')
    period = raw.get("ResetPeriod")
    if period is not None and period not in PERIODS:
        raise ASLError(
            CONFIGURATION, f"Budget.ResetPeriod is {period!r}: use one of {', '.join(PERIODS)}"
        )
    pool = raw.get("Pool")
    budget = WorkflowBudget(
        max_cost=Setting(raw, "MaxCost", where),
        max_tokens=Setting(raw, "MaxTokens", where),
        currency=currency,
        on_exceed=on_exceed,
        notify=_recipients(raw.get("Notify")),
        stages=_stages(raw.get("Fallback")),
        alerts=_alerts(raw.get("Alerts")),
        per_hour=_optional(raw, "MaxCostPerHour", where),
        per_day=_optional(raw, "MaxCostPerDay", where),
        throttle_delay=delay,
        track_by=_optional(raw, "TrackBy", where, path_only=True),
        reset_period=PERIODS[period] if period is not None else None,
        pool=str(pool) if pool is not None else None,
        max_from_pool=_optional(raw, "MaxFromPool", where),
        release_on_complete=bool(raw.get("ReleaseOnComplete", True)),
        raw=raw,
    )
    if budget.pool is not None and budget.max_from_pool is None:
        raise ASLError(CONFIGURATION, "Budget.Pool needs MaxFromPool: how much one run may take")
    return budget


def resolve_limits(budget: WorkflowBudget, execution_input: Any) -> Limits:
    max_cost = budget.max_cost.resolve(execution_input)
    max_tokens = budget.max_tokens.resolve(execution_input)
    tracked = None
    if budget.track_by is not None:
        tracked = budget.track_by.resolve(execution_input)
        tracked = tracked if isinstance(tracked, str) else repr(tracked)
    return Limits(
        max_cost=parse_money(max_cost, "Budget.MaxCost") if max_cost is not None else None,
        max_tokens=parse_count(max_tokens, "Budget.MaxTokens") if max_tokens is not None else None,
        per_hour=_money_of(budget.per_hour, execution_input),
        per_day=_money_of(budget.per_day, execution_input),
        tracked=tracked,
        from_pool=_money_of(budget.max_from_pool, execution_input),
    )


@dataclass(frozen=True, slots=True)
class StateBudget:
    """A state's ``Budget``: its own limits and how its cost is attributed."""

    max_tokens: int | None = None
    max_cost: float | None = None
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    priority: str = "normal"
    category: str | None = None
    tags: tuple[str, ...] = ()
    attribution: dict[str, Setting] = field(default_factory=dict)


def compile_state_budget(name: str, raw: Any) -> StateBudget | None:
    if not isinstance(raw, dict):
        return None
    where = f"State '{name}' Budget"
    priority = raw.get("Priority", "normal")
    if priority not in PRIORITIES:
        raise ASLError(
            CONFIGURATION, f"{where}.Priority is {priority!r}: use one of {', '.join(PRIORITIES)}"
        )
    attribution = raw.get("Attribution") or {}
    settings = {
        key.removesuffix(".$"): Setting(attribution, key.removesuffix(".$"), f"{where}.Attribution")
        for key in attribution
    }

    def count(key: str) -> int | None:
        return parse_count(raw[key], f"{where}.{key}") if key in raw else None

    tags = raw.get("Tags") or []
    return StateBudget(
        max_tokens=count("MaxTokens"),
        max_cost=parse_money(raw["MaxCost"], f"{where}.MaxCost") if "MaxCost" in raw else None,
        max_input_tokens=count("MaxInputTokens"),
        max_output_tokens=count("MaxOutputTokens"),
        priority=priority,
        category=str(raw["Category"]) if "Category" in raw else None,
        tags=tuple(str(tag) for tag in (tags if isinstance(tags, list) else [tags])),
        attribution=settings,
    )


def _optional(
    raw: dict[str, Any], name: str, where: str, path_only: bool = False
) -> Setting | None:
    if path_only and isinstance(raw.get(name), str):  # TrackBy is a path written plainly
        return Setting({name + ".$": raw[name]}, name, where)
    setting = Setting(raw, name, where)
    return setting if setting.given else None


def _money_of(setting: Setting | None, data: Any) -> float | None:
    if setting is None:
        return None
    return parse_money(setting.resolve(data), setting.where)


def _recipients(raw: Any) -> tuple[str, ...]:
    if raw is None or raw is True or raw is False:
        return ()
    return tuple(str(r) for r in (raw if isinstance(raw, list) else [raw]))


def _stages(raw: Any) -> tuple[Stage, ...]:
    if not isinstance(raw, dict):
        return ()
    cascade = raw.get("Cascade")
    steps: list[Any] = cascade if isinstance(cascade, list) else [raw]
    stages = []
    for index, step in enumerate(steps):
        where = f"Budget.Fallback.Cascade[{index}]" if "Cascade" in raw else "Budget.Fallback"
        if not isinstance(step, dict):
            raise ASLError(CONFIGURATION, f"{where} must be an object")
        action = step.get("Action")
        if action not in (None, "PauseAndNotify", "ReduceQuality"):
            raise ASLError(
                CONFIGURATION, f"{where}.Action is {action!r}: use PauseAndNotify or ReduceQuality"
            )
        if action is None and step.get("UseModel") is None and step.get("Agent") is None:
            raise ASLError(CONFIGURATION, f"{where} needs UseModel, Agent or Action")
        notify = step.get("Notify", raw.get("Notify"))
        stages.append(
            Stage(
                when=Trigger.parse(step.get("When", "Always"), f"{where}.When"),
                model=step.get("UseModel"),
                agent=step.get("Agent"),
                action=action,
                notify=("*",) if notify is True else _recipients(notify),
                index=index,
            )
        )
    return tuple(stages)


def _alerts(raw: Any) -> tuple[Alert, ...]:
    if not isinstance(raw, list):
        return ()
    alerts = []
    for index, alert in enumerate(raw):
        at = alert.get("At") if isinstance(alert, dict) else None
        match = _PERCENT.match(str(at)) if at is not None else None
        if match is None or not 0 < float(match.group(1)) <= 100:
            raise ASLError(
                CONFIGURATION, f'Budget.Alerts[{index}].At is {at!r}: give a share such as "80%"'
            )
        alerts.append(
            Alert(
                percent=float(match.group(1)),
                notify=_recipients(alert.get("Notify")),
                channel=str(alert.get("Channel", "log")),
                message=alert.get("Message"),
                priority=alert.get("Priority"),
            )
        )
    return tuple(sorted(alerts, key=lambda a: a.percent))
