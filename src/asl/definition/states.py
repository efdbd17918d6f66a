"""Checks of one state: its fields, their types, transitions, Retry and Catch.

:func:`check_state` reports every problem of a state and returns what the machine
walk needs from it (the names it transitions to, the sub-machines it holds, whether
it ends the run).  Checks particular to one state type live in ``state_types``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from .expressions import PathKind, check_dynamic, check_path, check_template
from .handlers import check_catch, check_retry
from .fields import (
    AGENT_STATE_FIELDS,
    CATCHER_FIELDS,
    JSONATA,
    JSONATA_ONLY,
    JSONPATH,
    JSONPATH_ONLY,
    KNOWN_STATE_FIELDS,
    QUERY_LANGUAGES,
    RETRIER_FIELDS,
    STATE_FIELDS,
    STATE_TYPES,
    STRUCTURAL_FIELDS,
    TERMINAL_TYPES,
)
from .locate import join
from .report import Report, describe, did_you_mean, is_int, is_number, unknown_hint


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


@dataclass
class StateFacts:
    """What the machine walk needs to know about a state once it is checked."""

    targets: list[tuple[str, str, str]] = field(default_factory=list)  # (name, pointer, label)
    sub_machines: list[SubMachine] = field(default_factory=list)
    terminal: bool = False
    typed: bool = False


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
            f"{self.label(name)} must be true or false, got "
            f"{describe(value)}{_unquote_hint(value)}",
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

    