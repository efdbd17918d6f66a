"""The ``Budget`` blocks of a workflow and of its states: parsed and checked in one place.

``asl validate`` reports every problem of a block (with its JSON pointer and the
fix), and the engine compiles the same block with the same parser when it loads
the workflow, so a Budget the validator accepts is one the engine can use, and a
Budget it refuses fails the run at its start with the first of the same messages.
What only the run can know (a ``.$`` path into the input, an ``env.NAME``
variable) is checked for its form here and resolved when the execution starts.

Money is ``"$5.00"``, ``"5"`` or a number, in the Budget's ``Currency`` (USD
unless an ``ExchangeRate`` says how many units of it one USD buys; prices are
known in USD). Fallback triggers are ``BudgetAt<N>Percent``, ``TokensAt<N>Percent``
and ``Always``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Final

from asl.language.errors import RUNTIME, ASLError, PathError
from asl.language.paths import NoResults, Path, compile_path
from asl.runtime.pause import parse_duration

from .locate import join
from .report import Report, describe, did_you_mean, is_number, unknown_hint

ON_EXCEED: Final = ("Fail", "PauseAndNotify", "UseFallback", "Continue", "Throttle")
PRIORITIES: Final = ("critical", "high", "normal", "low", "background")
PERIODS: Final = {"hourly": 3600.0, "daily": 86400.0, "weekly": 604800.0, "monthly": 2592000.0}
STAGE_ACTIONS: Final = ("PauseAndNotify", "ReduceQuality")
DEFAULT_RESERVE: Final = 20.0  # % of the workflow's limits kept from low/background states
WORKFLOW_FIELDS: Final = (
    "MaxCost",
    "MaxTokens",
    "Currency",
    "ExchangeRate",
    "OnExceed",
    "Notify",
    "Fallback",
    "Alerts",
    "MaxCostPerHour",
    "MaxCostPerDay",
    "ThrottleDelay",
    "TrackBy",
    "ResetPeriod",
    "Pool",
    "MaxFromPool",
    "ReleaseOnComplete",
    "Reserve",
)
STATE_FIELDS: Final = (
    "MaxTokens",
    "MaxCost",
    "MaxInputTokens",
    "MaxOutputTokens",
    "Priority",
    "Category",
    "Tags",
    "Attribution",
)
_DYNAMIC: Final = frozenset(
    {
        "MaxCost",
        "MaxTokens",
        "ExchangeRate",
        "MaxCostPerHour",
        "MaxCostPerDay",
        "TrackBy",
        "MaxFromPool",
    }
)
_MONEY = re.compile(r"^\s*\$?\s*(\d+(?:\.\d+)?)\s*$")
_TRIGGER = re.compile(r"^(Budget|Tokens)At(\d{1,3})Percent$")
_PERCENT = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*%?\s*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MONEY_WANTED: Final = 'an amount such as "$5.00" or 5'
COUNT_WANTED: Final = "a whole number of tokens"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a Budget block: where (pointer segments inside it) and the fix."""

    code: str
    at: tuple[str | int, ...]
    message: str
    warning: bool = False
    key: bool = False


def money(value: Any) -> float | None:
    """``"$5.00"`` / ``"5"`` / ``5`` -> 5.0; None for anything else."""
    if is_number(value):
        return float(value) if value >= 0 else None
    if isinstance(value, str):
        match = _MONEY.match(value)
        if match:
            return float(match.group(1))
    return None


def count(value: Any) -> int | None:
    """``210`` or ``"210"`` -> 210 (a limit read from the environment is text); else None."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def rate(value: Any) -> float | None:
    """A positive exchange rate (a number, or a number written as text)."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    return float(value) if is_number(value) and value > 0 else None


def share(value: Any) -> float | None:
    """``"80%"``, ``"80"`` or ``80`` -> 80.0 (0 to 100); None for anything else."""
    match = _PERCENT.match(str(value)) if isinstance(value, str | int | float) else None
    if match is None or isinstance(value, bool):
        return None
    percent = float(match.group(1))
    return percent if percent <= 100 else None


class Setting:
    """A field given as a value, or as ``Field.$`` (a path into the input, or ``env.NAME``)."""

    __slots__ = ("dynamic", "label", "name", "path", "value")

    def __init__(self, name: str, label: str, value: Any, dynamic: str | None, path: Path | None):
        self.name = name
        self.label = label
        self.value = value
        self.dynamic = dynamic
        self.path = path

    @property
    def given(self) -> bool:
        return self.value is not None or self.dynamic is not None

    def resolve(self, data: Any, context: Any = None) -> Any:
        """The value, read from ``data`` (or the environment) when it is dynamic."""
        if self.dynamic is None:
            return self.value
        if self.path is None:
            variable = self.dynamic[4:]
            value = os.environ.get(variable)
            if value is None:
                raise ASLError(
                    RUNTIME,
                    f"'{self.name}.$' of {self.label} names the environment variable "
                    f"{variable}, which is not set: set it, or give '{self.name}' a value",
                )
            return value
        try:
            return self.path.evaluate(data, context)
        except NoResults:
            raise ASLError(
                RUNTIME,
                f"'{self.name}.$' of {self.label} is '{self.dynamic}', which selects nothing "
                "in the input: add the field to the input, or give the value itself",
            ) from None

    def wrong(self, value: Any, wanted: str) -> ASLError:
        """The error for a resolved value that is not what the field takes."""
        return ASLError(
            RUNTIME,
            f"'{self.name}.$' of {self.label} ('{self.dynamic}') gave {describe(value)}: "
            f"it must give {wanted}",
        )


@dataclass(frozen=True, slots=True)
class Trigger:
    """When a fallback stage applies: a share of MaxCost or MaxTokens spent, or always."""

    kind: str  # "cost", "tokens" or "always"
    percent: float = 0.0


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
    exchange_rate: Setting | None = None  # units of ``currency`` per USD
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
    reserve: float = DEFAULT_RESERVE


@dataclass(frozen=True, slots=True)
class StateBudget:
    """A state's ``Budget``: its own limits, its priority and how its cost is attributed."""

    max_tokens: int | None = None
    max_cost: float | None = None
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    priority: str = "normal"
    category: str | None = None
    tags: tuple[str, ...] = ()
    attribution: dict[str, Setting] = field(default_factory=dict)


class _Reader:
    """Reads one block's members, noting each problem with its place and fix."""

    def __init__(
        self,
        raw: dict[str, Any],
        label: str,
        problems: list[Problem],
        prefix: tuple[str | int, ...] = (),
    ) -> None:
        self.raw = raw
        self.label = label
        self.problems = problems
        self.prefix = prefix  # where the block is inside the Budget

    def error(self, at: tuple[str | int, ...], code: str, message: str, key: bool = False) -> None:
        self.problems.append(Problem(code, self.prefix + at, message, key=key))

    def warn(self, at: tuple[str | int, ...], code: str, message: str) -> None:
        self.problems.append(Problem(code, self.prefix + at, message, warning=True, key=True))

    def errors_since(self, mark: int) -> bool:
        return any(not problem.warning for problem in self.problems[mark:])

    def wrong(self, key: str, wanted: str, code: str = "INVALID_VALUE") -> None:
        value = self.raw[key]
        self.error((key,), code, f"'{key}' of {self.label} must be {wanted}, got {describe(value)}")

    def unknown(self, known: tuple[str, ...], dynamic: frozenset[str] = frozenset()) -> None:
        for key in self.raw:
            if key in known or (key.endswith(".$") and key[:-2] in dynamic):
                continue
            self.warn(
                (key,),
                "UNKNOWN_FIELD",
                f"{_cap(self.label)} has the unknown field '{key}'{unknown_hint(key, known)}",
            )

    def choice(self, key: str, choices: tuple[str, ...] | dict[str, float], default: str) -> str:
        value = self.raw.get(key, default)
        if value in choices:
            return str(value)
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        self.error(
            (key,),
            "INVALID_VALUE" if isinstance(value, str) else "INVALID_TYPE",
            f"'{key}' of {self.label} must be one of {', '.join(choices)}, got "
            f"{describe(value)}{hint}",
        )
        return default

    def text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if key not in self.raw:
            return None
        if isinstance(value, str) and value:
            return value
        self.wrong(key, "a non-empty string", "INVALID_TYPE")
        return None

    def recipients(self, key: str, raw: Any) -> tuple[str, ...]:
        """``Notify``: one recipient or an array of them."""
        if raw is None:
            return ()
        items = raw if isinstance(raw, list) else [raw]
        if all(isinstance(item, str) and item for item in items):
            return tuple(items)
        self.wrong(key, "a recipient or an array of recipients (strings)", "INVALID_TYPE")
        return ()

    def setting(self, name: str, *, path_only: bool = False, env: bool = True) -> Setting:
        """``name`` or ``name.$``; the value's own form is checked by the caller."""
        plain = self.raw.get(name)
        text = self.raw.get(name + ".$")
        key = name + ".$"
        if plain is not None and text is not None:
            self.error(
                (key,),
                "CONFLICTING_FIELDS",
                f"{_cap(self.label)} has both '{name}' and '{name}.$': keep one of them",
                key=True,
            )
        if path_only and plain is not None:  # TrackBy is a path written plainly
            if not isinstance(plain, str):
                self.wrong(name, 'a path such as "$.userId"', "INVALID_TYPE")
                return Setting(name, self.label, None, None, None)
            plain, text, key = None, plain, name
        if text is None:
            if key in self.raw:
                self.wrong(key, 'a path such as "$.limit" or "env.NAME"', "INVALID_TYPE")
            return Setting(name, self.label, plain, None, None)
        if not isinstance(text, str):
            self.wrong(key, 'a path such as "$.limit" or "env.NAME"', "INVALID_TYPE")
            return Setting(name, self.label, None, None, None)
        if text.startswith("env.") and env and not path_only:
            if not _ENV_NAME.match(text[4:]):
                self.error(
                    (key,),
                    "INVALID_VALUE",
                    f"'{key}' of {self.label} is '{text}': after 'env.' give the name of an "
                    "environment variable (letters, digits and '_')",
                )
            return Setting(name, self.label, None, text, None)
        try:
            return Setting(name, self.label, None, text, compile_path(text))
        except PathError as error:
            self.error(
                (key,),
                "INVALID_PATH",
                f"'{key}' of {self.label} is not a valid path: {error.reason}"
                + ("" if path_only or not env else ' (or "env.NAME" for an environment variable)'),
            )
            return Setting(name, self.label, None, None, None)

    def money_setting(self, name: str) -> Setting | None:
        setting = self.setting(name)
        if setting.value is not None and money(setting.value) is None:
            self.wrong(name, MONEY_WANTED)
            return None
        return setting if setting.given else None


def parse_workflow_budget(raw: dict[str, Any]) -> tuple[WorkflowBudget, list[Problem]]:
    """The workflow's Budget, and every problem found in it (warnings included)."""
    problems: list[Problem] = []
    read = _Reader(raw, "the workflow's Budget", problems)
    read.unknown(WORKFLOW_FIELDS, _DYNAMIC)
    max_cost = read.money_setting("MaxCost")
    max_tokens = read.setting("MaxTokens")
    if max_tokens.value is not None and count(max_tokens.value) is None:
        read.wrong("MaxTokens", COUNT_WANTED)
    currency = _currency(read)
    exchange_rate = read.setting("ExchangeRate")
    if exchange_rate.value is not None and rate(exchange_rate.value) is None:
        read.wrong(
            "ExchangeRate", f"a positive number (units of {currency or 'the Currency'} per USD)"
        )
    if currency not in (None, "USD") and not exchange_rate.given:
        read.error(
            ("Currency",),
            "MISSING_FIELD",
            f"'Currency' of {read.label} is {currency}, but prices are known in USD: add "
            f'"ExchangeRate" with how many {currency} one USD buys (e.g. "ExchangeRate": 0.92), '
            'or use "Currency": "USD"',
        )
    elif currency == "USD" and exchange_rate.given:
        read.error(
            ("ExchangeRate",) if "ExchangeRate" in raw else ("ExchangeRate.$",),
            "CONFLICTING_FIELDS",
            f"'ExchangeRate' of {read.label} converts USD into another Currency, but the "
            'Currency is USD: remove it, or set "Currency" to the currency of your amounts',
            key=True,
        )
    delay = parse_duration(raw.get("ThrottleDelay", "30s"))
    if delay is None:
        read.wrong("ThrottleDelay", 'a duration such as "30s" or a number of seconds')
    period = read.choice("ResetPeriod", PERIODS, "") if "ResetPeriod" in raw else None
    pool = read.text("Pool")
    max_from_pool = read.money_setting("MaxFromPool")
    if pool is not None and max_from_pool is None and "MaxFromPool" not in raw:
        read.error(
            ("Pool",),
            "MISSING_FIELD",
            f"'Pool' of {read.label} needs 'MaxFromPool': add how much one run may take "
            'from the pool, e.g. "MaxFromPool": "$50.00"',
            key=True,
        )
    if "ReleaseOnComplete" in raw and not isinstance(raw["ReleaseOnComplete"], bool):
        read.wrong("ReleaseOnComplete", "true or false", "INVALID_TYPE")
    reserve = share(raw.get("Reserve", DEFAULT_RESERVE))
    if reserve is None or reserve >= 100:
        read.wrong("Reserve", 'a share below 100% such as "20%" (or "0%" for none)')
    track_by = read.setting("TrackBy", path_only=True)
    budget = WorkflowBudget(
        max_cost=max_cost or Setting("MaxCost", read.label, None, None, None),
        max_tokens=max_tokens,
        currency=currency or "USD",
        exchange_rate=exchange_rate if exchange_rate.given else None,
        on_exceed=read.choice("OnExceed", ON_EXCEED, "Fail"),
        notify=read.recipients("Notify", raw.get("Notify")),
        stages=_stages(raw.get("Fallback"), read),
        alerts=_alerts(raw.get("Alerts"), read),
        per_hour=read.money_setting("MaxCostPerHour"),
        per_day=read.money_setting("MaxCostPerDay"),
        throttle_delay=delay if delay is not None else 30.0,
        track_by=track_by if track_by.given else None,
        reset_period=PERIODS.get(period) if period else None,
        pool=pool,
        max_from_pool=max_from_pool,
        release_on_complete=raw.get("ReleaseOnComplete") is not False,
        reserve=reserve if reserve is not None and reserve < 100 else DEFAULT_RESERVE,
    )
    _check_combinations(budget, read)
    return budget, problems


def _currency(read: _Reader) -> str | None:
    """The Currency code, upper-cased; None (reported) when it is not one."""
    value = read.raw.get("Currency", "USD")
    if isinstance(value, str) and _CURRENCY.match(value.upper()):
        return value.upper()
    read.wrong("Currency", 'a three-letter currency code such as "USD" or "EUR"')
    return None


def _check_combinations(budget: WorkflowBudget, read: _Reader) -> None:
    """Fields that do nothing without another one: warnings, the run still works."""
    raw = read.raw

    def warn(key: str, message: str) -> None:
        read.warn((key,), "NO_EFFECT", message)

    def given(*names: str) -> bool:  # as written: a bad value is reported on its own
        return any(name in raw or name + ".$" in raw for name in names)

    tracked = given("TrackBy")
    if budget.on_exceed == "Throttle" and not (
        given("MaxCostPerHour", "MaxCostPerDay") or (tracked and "ResetPeriod" in raw)
    ):
        warn(
            "OnExceed",
            f'"OnExceed": "Throttle" of {read.label} has nothing to wait for: it waits only for '
            "limits that free up over time (MaxCostPerHour, MaxCostPerDay, or TrackBy with "
            "ResetPeriod), and a crossed MaxCost or MaxTokens fails the call as with Fail; add a "
            "per-period limit or use another OnExceed",
        )
    if "ResetPeriod" in raw and not tracked:
        warn(
            "ResetPeriod",
            f"'ResetPeriod' of {read.label} applies to a TrackBy budget: add \"TrackBy\" "
            '(e.g. "$.userId") or remove ResetPeriod',
        )
    if given("MaxFromPool") and "Pool" not in raw:
        read.error(
            ("MaxFromPool",),
            "MISSING_FIELD",
            f"'MaxFromPool' of {read.label} takes a share of a pool, but no 'Pool' is named: "
            'add "Pool" with the pool\'s name, or remove MaxFromPool',
            key=True,
        )


def _stages(raw: Any, read: _Reader) -> tuple[Stage, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        read.wrong("Fallback", "an object: {When, UseModel} or {Cascade: [...]}", "INVALID_TYPE")
        return ()
    fallback = _Reader(raw, f"the Fallback of {read.label}", read.problems, ("Fallback",))
    cascade = raw.get("Cascade")
    if "Cascade" not in raw:
        return tuple(filter(None, [_stage(fallback, 0, None)]))
    if not (isinstance(cascade, list) and cascade):
        fallback.wrong("Cascade", "a non-empty array of stages {When, UseModel}", "INVALID_TYPE")
        return ()
    fallback.unknown(("Cascade", "Notify"))
    default = _notify(fallback, "Notify", raw.get("Notify"))
    stages = []
    for index, step in enumerate(cascade):
        where = f"stage {index} of the Fallback Cascade of {read.label}"
        if not isinstance(step, dict):
            fallback.error(
                ("Cascade", index),
                "INVALID_TYPE",
                f"{_cap(where)} must be an object such as "
                f'{{"When": "BudgetAt80Percent", "UseModel": "..."}}, got {describe(step)}',
            )
            continue
        stage = _stage(
            _Reader(step, where, read.problems, ("Fallback", "Cascade", index)), index, default
        )
        if stage is not None:
            stages.append(stage)
    return tuple(stages)


def _notify(read: _Reader, key: str, raw: Any) -> tuple[str, ...]:
    """A stage's ``Notify``: true (the Budget's recipients), false, or recipients."""
    if raw is True:
        return ("*",)
    if raw is False:
        return ()
    return read.recipients(key, raw)


def _stage(read: _Reader, index: int, default: tuple[str, ...] | None) -> Stage | None:
    """One stage (``default``: the Cascade's Notify; None for a single Fallback)."""
    step = read.raw
    read.unknown(("When", "UseModel", "Agent", "Action", "Notify"))
    mark = len(read.problems)
    action = read.choice("Action", STAGE_ACTIONS, "") if "Action" in step else None
    model, agent = read.text("UseModel"), read.text("Agent")
    if not ({"Action", "UseModel", "Agent"} & step.keys()):
        read.error(
            (),
            "MISSING_FIELD",
            f'{_cap(read.label)} does nothing: add "UseModel" (a cheaper model), '
            '"Agent" (an agent to call instead) or "Action" (PauseAndNotify or ReduceQuality)',
            key=True,
        )
    when = step.get("When", "Always")
    trigger = _trigger(when)
    if trigger is None:
        read.error(
            ("When",),
            "INVALID_VALUE" if isinstance(when, str) else "INVALID_TYPE",
            f"'When' of {read.label} must be BudgetAt<N>Percent, TokensAt<N>Percent (N from 1 to "
            f"100) or Always, got {describe(when)}",
        )
    notify = _notify(read, "Notify", step["Notify"]) if "Notify" in step else default or ()
    if trigger is None or read.errors_since(mark):
        return None
    return Stage(trigger, model, agent, action or None, notify, index)


def _trigger(text: Any) -> Trigger | None:
    if text == "Always":
        return Trigger("always")
    match = _TRIGGER.match(text) if isinstance(text, str) else None
    if match is None or not 0 < int(match.group(2)) <= 100:
        return None
    return Trigger("cost" if match.group(1) == "Budget" else "tokens", float(match.group(2)))


def _alerts(raw: Any, read: _Reader) -> tuple[Alert, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        read.wrong("Alerts", 'an array of alerts such as {"At": "80%"}', "INVALID_TYPE")
        return ()
    alerts = []
    for index, alert in enumerate(raw):
        where = f"alert {index} of {read.label}"
        if not isinstance(alert, dict):
            read.error(
                ("Alerts", index),
                "INVALID_TYPE",
                f'{_cap(where)} must be an object such as {{"At": "80%", "Notify": [...]}}, '
                f"got {describe(alert)}",
            )
            continue
        sub = _Reader(alert, where, read.problems, ("Alerts", index))
        sub.unknown(("At", "Notify", "Channel", "Message", "Priority"))
        mark = len(read.problems)
        at = alert.get("At")
        percent = share(at) if at is not None else None
        if at is None:
            sub.error(
                (), "MISSING_FIELD", f"{_cap(where)} has no 'At': add a share such as \"80%\""
            )
        elif not percent:
            sub.wrong("At", 'a share of the budget such as "80%" (above 0, up to 100)')
        notify = sub.recipients("Notify", alert.get("Notify"))
        channel, message, priority = sub.text("Channel"), sub.text("Message"), sub.text("Priority")
        if percent and not sub.errors_since(mark):
            alerts.append(Alert(percent, notify, channel or "log", message, priority))
    return tuple(sorted(alerts, key=lambda a: a.percent))


def parse_state_budget(name: str, raw: dict[str, Any]) -> tuple[StateBudget, list[Problem]]:
    """A state's Budget, and every problem found in it (warnings included)."""
    problems: list[Problem] = []
    read = _Reader(raw, f"the Budget of state '{name}'", problems)
    read.unknown(STATE_FIELDS)

    def limit(key: str) -> int | None:
        if key not in raw:
            return None
        found = count(raw[key])
        if found is None:
            read.wrong(key, COUNT_WANTED)
        return found

    cost = money(raw["MaxCost"]) if "MaxCost" in raw else None
    if "MaxCost" in raw and cost is None:
        read.wrong("MaxCost", MONEY_WANTED)
    tags = raw.get("Tags", [])
    if isinstance(tags, str):
        tags = [tags]
    if not (isinstance(tags, list) and all(isinstance(tag, str) and tag for tag in tags)):
        read.wrong("Tags", "a tag or an array of tags (strings)", "INVALID_TYPE")
        tags = []
    budget = StateBudget(
        max_tokens=limit("MaxTokens"),
        max_cost=cost,
        max_input_tokens=limit("MaxInputTokens"),
        max_output_tokens=limit("MaxOutputTokens"),
        priority=read.choice("Priority", PRIORITIES, "normal"),
        category=read.text("Category"),
        tags=tuple(tags),
        attribution=_attribution(raw.get("Attribution"), read),
    )
    return budget, problems


def _attribution(raw: Any, read: _Reader) -> dict[str, Setting]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        read.wrong("Attribution", 'an object such as {"Team": "research"}', "INVALID_TYPE")
        return {}
    sub = _Reader(raw, f"the Attribution of {read.label}", read.problems, ("Attribution",))
    settings = {}
    for key in raw:
        name = key.removesuffix(".$")
        if name in settings:
            continue
        setting = sub.setting(name, path_only=False, env=False)
        if setting.given:
            settings[name] = setting
    return settings


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def check_budget(report: Report, raw: dict[str, Any], pointer: str, state: str | None) -> None:
    """Report the problems of a workflow's (``state`` None) or a state's Budget."""
    if state is None:
        _, problems = parse_workflow_budget(raw)
    else:
        _, problems = parse_state_budget(state, raw)
    for problem in problems:
        at = join(pointer, *problem.at)
        if problem.warning:
            report.warning(problem.code, at, problem.message, key=problem.key)
        else:
            report.error(problem.code, at, problem.message, key=problem.key)
