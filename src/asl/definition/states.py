"""Checks of one state: its fields, their types, transitions, Retry and Catch.

:func:`check_state` reports every problem of a state and returns what the machine
walk needs from it (the names it transitions to, the sub-machines it holds, whether
it ends the run).  Checks particular to one state type live in ``aws_states`` and
``agent_states``; Retry and Catch in ``handlers``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from .expressions import PathKind, check_dynamic, check_path, check_template
from .fields import (
    AGENT_STATE_FIELDS,
    JSONATA,
    JSONATA_VALUE_FIELDS,
    KNOWN_STATE_FIELDS,
    STATE_FIELDS,
    STATE_TYPES,
    STRUCTURAL_FIELDS,
    TERMINAL_TYPES,
)
from .handlers import check_catch, check_retry
from .languages import check_language, check_language_of_field, report_language_field
from .locate import join
from .queries import check_jsonata_value
from .reads import Reads
from .report import (
    Report,
    describe,
    did_you_mean,
    expect_int,
    is_jsonata,
    is_number,
    unknown_hint,
    unquote_hint,
)
from .variables import check_assign


@dataclass(frozen=True)
class Context:
    """What every state check may consult besides the state itself."""

    report: Report
    agents: Collection[str] | None
    imports: Mapping[str, Any] | None
    language: str  # the workflow's QueryLanguage


@dataclass(frozen=True)
class SubMachine:
    """A Parallel branch or a Map processor: validated as a machine of its own."""

    machine: Any
    pointer: str
    label: str
    fields: frozenset[str]
    distributed: bool = False  # a distributed Map's processor cannot read outer variables


@dataclass(frozen=True)
class Edge:
    """A transition and the variables set when it is taken.

    ``assigns`` are those of the choice rule or catcher that leads there; with
    ``state_assign`` the state's own Assign is applied too (Next, Default).
    """

    target: str
    assigns: frozenset[str]
    state_assign: bool


@dataclass
class StateFacts:
    """What the machine walk needs to know about a state once it is checked."""

    targets: list[tuple[str, str, str]] = field(default_factory=list)  # (name, pointer, label)
    sub_machines: list[SubMachine] = field(default_factory=list)
    terminal: bool = False
    typed: bool = False
    edges: list[Edge] = field(default_factory=list)
    reads: Reads = field(default_factory=Reads)
    assigns: dict[str, str] = field(default_factory=dict)  # the state's Assign: name -> key
    other_assigns: dict[str, str] = field(default_factory=dict)  # rules' and catchers'


class StateCheck:
    """One state under check, with the small helpers every field check uses."""

    def __init__(self, name: str, state: dict[str, Any], pointer: str, ctx: Context) -> None:
        self.name = name
        self.state = state
        self.pointer = pointer
        self.ctx = ctx
        self.report = ctx.report
        self.type = str(state.get("Type"))
        self.language = ctx.language
        self.facts = StateFacts(typed=True)
        self.reads = self.facts.reads

    # --- naming ------------------------------------------------------------------------

    def at(self, *segments: str | int) -> str:
        return join(self.pointer, *segments)

    def label(self, name: str) -> str:
        return f"'{name}' of state '{self.name}'"

    @property
    def title(self) -> str:
        return f"{self.type} state '{self.name}'"

    def has(self, name: str) -> bool:
        return name in self.state

    @property
    def jsonata(self) -> bool:
        return self.language == JSONATA

    # --- value checks: each reports and returns whether the value is usable -------------

    def expect_str(self, name: str, *, non_empty: bool = True) -> bool:
        value = self.state.get(name)
        if isinstance(value, str) and (value or not non_empty):
            return True
        wanted = "a non-empty string" if non_empty else "a string"
        code = "INVALID_VALUE" if isinstance(value, str) else "INVALID_TYPE"
        self.report.error(
            code, self.at(name), f"{self.label(name)} must be {wanted}, got {describe(value)}"
        )
        return False

    def expect_bool(self, name: str) -> bool:
        value = self.state.get(name)
        if isinstance(value, bool):
            return True
        self.report.error(
            "INVALID_TYPE",
            self.at(name),
            f"{self.label(name)} must be true or false, got {describe(value)}{unquote_hint(value)}",
        )
        return False

    def expect_object(self, name: str, *, also: str = "") -> bool:
        value = self.state.get(name)
        if isinstance(value, dict):
            return True
        self.report.error(
            "INVALID_TYPE",
            self.at(name),
            f"{self.label(name)} must be an object{also}, got {describe(value)}",
        )
        return False

    def expect_int(self, name: str, minimum: int, *, expression_ok: bool = False) -> bool:
        """An integer field; in JSONata states it may also be a ``{% %}`` expression."""
        value = self.state.get(name)
        if expression_ok and self.jsonata and is_jsonata(value):
            return False
        return expect_int(self.report, value, self.at(name), self.label(name), minimum)

    def expect_number(self, name: str, low: float, high: float) -> bool:
        value = self.state.get(name)
        if is_number(value) and low <= value <= high:
            return True
        code = "INVALID_VALUE" if is_number(value) else "INVALID_TYPE"
        self.report.error(
            code,
            self.at(name),
            f"{self.label(name)} must be a number from {low:g} to "
            f"{high:g}, got {describe(value)}{unquote_hint(value)}",
        )
        return False

    def path(self, name: str, kind: PathKind, *, nullable: bool = False) -> None:
        if self.has(name):
            check_path(
                self.report,
                self.state[name],
                self.at(name),
                self.label(name),
                kind,
                nullable=nullable,
                reads=None if name == "ResultPath" else self.reads,  # a place to write to
            )

    def template(self, name: str) -> None:
        """A payload template field (Parameters, ResultSelector, ItemSelector, Input ...)."""
        if self.has(name) and self.expect_object(name):
            check_template(
                self.report,
                self.state[name],
                self.at(name),
                f"the {name} of state '{self.name}'",
                self.reads,
            )

    def exclusive(self, *names: str) -> None:
        """At most one of ``names`` (TimeoutSeconds and TimeoutSecondsPath ...)."""
        present = [n for n in names if self.has(n)]
        if len(present) > 1:
            self.report.error(
                "CONFLICTING_FIELDS",
                self.at(present[1]),
                f"{self.title} has both '{present[0]}' and '{present[1]}': keep one of them",
                key=True,
            )

    def check_agent(self, agent: str, pointer: str) -> None:
        """An agent name must be registered, when the registry's names are known."""
        agents = self.ctx.agents
        if agents is None or agent in agents:
            return
        hint = did_you_mean(agent, agents) or ": register it or fix the name"
        self.report.error(
            "UNKNOWN_AGENT",
            pointer,
            f"State '{self.name}' names the agent '{agent}', which is not registered{hint}",
        )

    def target(
        self, value: Any, pointer: str, label: str, *, assigns: dict[str, str] | None = None
    ) -> None:
        """A transition; ``assigns`` are those of the rule or catcher it belongs to."""
        if isinstance(value, str):
            self.facts.targets.append((value, pointer, label))
            names = frozenset(assigns or ())
            self.facts.edges.append(Edge(value, names, assigns is None))
            for name, at in (assigns or {}).items():
                self.facts.other_assigns.setdefault(name, at)


def check_state(name: str, state: Any, pointer: str, ctx: Context) -> StateFacts:
    """Check one state; the machine walk checks targets, names and reachability."""
    from .state_types import TYPE_CHECKS  # the type checks build on this module

    if not isinstance(state, dict):
        ctx.report.error(
            "INVALID_TYPE",
            pointer,
            f"State '{name}' must be an object with a \"Type\", got {describe(state)}",
        )
        return StateFacts()
    kind = state.get("Type")
    if kind not in STATE_TYPES:
        _report_type(name, state, pointer, ctx.report)
        facts = StateFacts()
        if isinstance(state.get("Next"), str):
            facts.targets.append(
                (state["Next"], join(pointer, "Next"), f"'Next' of state '{name}'")
            )
        return facts
    check = StateCheck(name, state, pointer, ctx)
    check_language(check)
    _check_fields(check)
    _check_common(check)
    _check_transition(check)
    TYPE_CHECKS[check.type](check)
    from .event_blocks import check_event_blocks  # it builds on this module

    check_event_blocks(check)
    from .context_blocks import check_context_blocks  # Context, semantic/episodic Memory

    check_context_blocks(check)
    return check.facts


def _report_type(name: str, state: dict[str, Any], pointer: str, report: Report) -> None:
    kinds = ", ".join(STATE_TYPES)
    if "Type" not in state:
        report.error(
            "MISSING_FIELD",
            pointer,
            f"State '{name}' has no 'Type': add \"Type\" with one of {kinds}",
            key=True,
        )
    elif not isinstance(state["Type"], str):
        report.error(
            "INVALID_TYPE",
            join(pointer, "Type"),
            f"'Type' of state '{name}' must be one of {kinds}, got {describe(state['Type'])}",
        )
    else:
        report.error(
            "UNKNOWN_STATE_TYPE",
            join(pointer, "Type"),
            f"State '{name}' has unknown "
            f"Type '{state['Type']}'{did_you_mean(state['Type'], STATE_TYPES)}"
            f" (the types are {kinds})",
        )


def _check_fields(check: StateCheck) -> None:
    allowed = STATE_FIELDS[check.type] | AGENT_STATE_FIELDS
    for raw_key in check.state:
        key = str(raw_key)
        if key in allowed:
            check_language_of_field(check, key)
        elif key.endswith(".$") and key[:-2] in allowed and key[:-2] not in STRUCTURAL_FIELDS:
            if check.jsonata:
                report_language_field(check, key, check.at(key))
                continue
            check.exclusive(key[:-2], key)
            check_dynamic(
                check.report, check.state[raw_key], check.at(key), check.label(key), check.reads
            )
        elif key in KNOWN_STATE_FIELDS:
            check.report.error(
                "UNSUPPORTED_FIELD", check.at(key), _unsupported(check, key), key=True
            )
        else:
            hint = unknown_hint(key, allowed)
            check.report.warning(
                "UNKNOWN_FIELD",
                check.at(key),
                f"{check.title} has the unknown field '{key}'{hint}",
                key=True,
            )


def _unsupported(check: StateCheck, key: str) -> str:
    if key in ("Next", "End") and check.type == "Choice":
        return (
            f"A Choice state takes no '{key}': give each rule in \"Choices\" its own "
            f'"Next", and "Default" for when no rule matches'
        )
    if key in ("Next", "End") and check.type in TERMINAL_TYPES:
        return f"A {check.type} state ends the run and takes no '{key}': remove it"
    return f"'{key}' is not a field of a {check.type} state: remove it"


def _check_common(check: StateCheck) -> None:
    if check.has("Comment"):
        check.expect_str("Comment", non_empty=False)
    allowed = STATE_FIELDS[check.type]
    if not check.jsonata:
        check.path("InputPath", "path", nullable=True)
        check.path("OutputPath", "path", nullable=True)
        check.path("ResultPath", "reference path", nullable=True)
        if check.type != "Include":  # Include's Parameters are template arguments
            check.template("Parameters")
        check.template("ResultSelector")
    else:
        for name in check.state:
            if name in JSONATA_VALUE_FIELDS and name in allowed:
                check_jsonata_value(
                    check.report, check.state[name], check.at(name), check.label(name), check.reads
                )
        if check.has("Arguments") and not is_jsonata(check.state["Arguments"]):
            check.expect_object("Arguments", also=' or a JSONata expression "{% ... %}"')
    if "Assign" in allowed and check.has("Assign"):
        check.facts.assigns = check_assign(
            check, check.state["Assign"], check.at("Assign"), f"state '{check.name}'"
        )
    if "Retry" in allowed and check.has("Retry"):
        check_retry(check)
    if "Catch" in allowed and check.has("Catch"):
        check_catch(check)
    _check_agent_blocks(check)


def _check_transition(check: StateCheck) -> None:
    if check.type in TERMINAL_TYPES:
        check.facts.terminal = True
        return
    if check.type == "Choice" or (check.type == "Approval" and check.has("Choices")):
        if check.has("Next") and check.expect_str("Next"):
            check.target(check.state["Next"], check.at("Next"), check.label("Next"))
        if check.state.get("End") is True:
            check.facts.terminal = True
        return
    has_next = check.has("Next")
    if has_next and check.expect_str("Next"):
        check.target(check.state["Next"], check.at("Next"), check.label("Next"))
    end = check.state.get("End")
    if check.has("End") and not check.expect_bool("End"):
        check.facts.terminal = True  # meant as an end, most likely; reported once, above
        return
    if has_next and end is True:
        check.report.error(
            "CONFLICTING_FIELDS",
            check.at("End"),
            f"{check.title} has both 'Next' and \"End\": true: keep one of them",
            key=True,
        )
    elif not has_next and end is not True:
        if not check.has("End"):
            message = (
                f"{check.title} has neither 'Next' nor 'End': add \"Next\" with the "
                f'state to run next, or "End": true to end the run here'
            )
        else:
            message = (
                f'{check.title} has "End": false and no \'Next\': add "Next" with the '
                f'state to run next, or set "End": true'
            )
        check.report.error("MISSING_TRANSITION", check.pointer, message, key=True)
        check.facts.terminal = True  # the fix may well be "End": true; do not report twice
        return
    check.facts.terminal = end is True


def _check_agent_blocks(check: StateCheck) -> None:
    from .agent_settings import check_agent_settings  # they build on this module
    from .budget_block import check_budget
    from .cache_checks import CACHING_FIELDS, check_caching
    from .guardrail_checks import check_guardrails

    check_caching(check)
    for name in AGENT_STATE_FIELDS & check.state.keys():
        value = check.state[name]
        if name in CACHING_FIELDS:
            continue
        if name == "Guardrails":
            check_guardrails(check)
        elif name == "Budget":
            if check.expect_object(name):
                check_budget(check.report, value, check.at(name), check.name)
        elif name == "Model":
            if not isinstance(value, (str, dict)):
                check.report.error(
                    "INVALID_TYPE",
                    check.at(name),
                    f"{check.label(name)} must be a model name or an object, got {describe(value)}",
                )
        else:
            check.expect_object(name)
    check_agent_settings(check)
