"""Collecting validation problems, and the wording helpers every check shares.

Checks never raise: each one adds an issue and carries on, so one call reports every
problem of a document.  Positions are resolved only at the end, from the document's
text, which keeps validating a dict (no text) cheap.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeGuard

from asl.language.errors import Diagnostic

from .fields import ALIASES

if TYPE_CHECKING:
    from .load import Document


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    message: str
    pointer: str
    severity: str
    at_key: bool
    char: int | None
    position: tuple[int, int] | None


class Report:
    """The problems found so far, in the order the checks met them."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def error(
        self,
        code: str,
        pointer: str,
        message: str,
        *,
        key: bool = False,
        char: int | None = None,
        position: tuple[int, int] | None = None,
    ) -> None:
        """Record an error; ``key`` places it on the member's key, ``char`` inside a string."""
        self.issues.append(Issue(code, message, pointer, "error", key, char, position))

    def warning(
        self,
        code: str,
        pointer: str,
        message: str,
        *,
        key: bool = False,
        position: tuple[int, int] | None = None,
    ) -> None:
        self.issues.append(Issue(code, message, pointer, "warning", key, None, position))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Adopt diagnostics produced elsewhere (choice rules), positions still to fill in."""
        for d in diagnostics:
            position = (d.line, d.column) if d.line is not None and d.column is not None else None
            self.issues.append(
                Issue(d.code, d.message, d.pointer, d.severity, False, None, position)
            )

    def diagnostics(self, document: Document) -> list[Diagnostic]:
        """The issues as Diagnostics with line/column, sorted by where they are in the text."""
        result = [self._resolve(issue, document) for issue in self.issues]
        if document.text is not None:
            result.sort(key=lambda d: (d.line or 0, d.column or 0))
        return result

    @staticmethod
    def _resolve(issue: Issue, document: Document) -> Diagnostic:
        position = issue.position
        if position is None and issue.char is not None:
            position = document.locate_char(issue.pointer, issue.char)
        if position is None:
            position = document.locate(issue.pointer, key=issue.at_key)
        line, column = position if position is not None else (None, None)
        return Diagnostic(issue.code, issue.message, issue.pointer, line, column, issue.severity)


def describe(value: Any) -> str:
    """A JSON value as a message shows it: ``the string "10"``, ``the number 1.5`` ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"the string {json.dumps(shown, ensure_ascii=False)}"
    if isinstance(value, dict):
        return "an object" if value else "an empty object"
    if isinstance(value, (list, tuple)):
        count = len(value)
        return f"an array of {count} item{'' if count == 1 else 's'}" if value else "an empty array"
    return f"a {type(value).__name__} (not a JSON value)"


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt name, if one is close enough."""
    options = [c for c in candidates if isinstance(c, str)]
    alias = ALIASES.get(name)
    if alias in options:
        return alias
    found = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    if found:
        return found[0]
    lowered = {c.lower(): c for c in options}
    return lowered.get(name.lower())


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``": did you mean 'X'?"`` or the empty string."""
    found = suggest(name, candidates)
    return f": did you mean '{found}'?" if found else ""


def unknown_hint(name: str, candidates: Iterable[str]) -> str:
    """The fix for an unknown field: the likely intended name, or to remove it."""
    return did_you_mean(name, candidates) or ": remove it or check its spelling"


def is_int(value: Any) -> TypeGuard[int]:
    """A JSON integer (Python's bool is an int, JSON's true is not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def quote_list(names: Iterable[str]) -> str:
    return ", ".join(names)


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
            f"{high:g}, got {describe(value)}{_unquote_hint(value)}",
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
            )

    def template(self, name: str) -> None:
        """A payload template field (Parameters, ResultSelector, ItemSelector, Input ...)."""
        if self.has(name) and self.expect_object(name):
            check_template(
                self.report, self.state[name], self.at(name), f"the {name} of state '{self.name}'"
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

    def target(self, value: Any, pointer: str, label: str) -> None:
        if isinstance(value, str):
            self.facts.targets.append((value, pointer, label))


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
    _check_language(check)
    _check_fields(check)
    _check_common(check)
    _check_transition(check)
    TYPE_CHECKS[check.type](check)
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


def _check_language(check: StateCheck) -> None:
    if not check.has("QueryLanguage"):
        return
    value = check.state["QueryLanguage"]
    if value not in QUERY_LANGUAGES:
        hint = did_you_mean(value, QUERY_LANGUAGES) if isinstance(value, str) else ""
        label = check.label("QueryLanguage")
        check.report.error(
            "INVALID_VALUE",
            check.at("QueryLanguage"),
            f'{label} must be "JSONPath" or "JSONata", got {describe(value)}{hint}',
        )
        return
    if value == JSONPATH and check.ctx.language == JSONATA:
        check.report.error(
            "INVALID_VALUE",
            check.at("QueryLanguage"),
            f"State '{check.name}' sets "
            f"QueryLanguage JSONPath, but the workflow uses JSONata, and a JSONata workflow "
            f"cannot contain JSONPath states: remove the field or set the workflow's "
            f"QueryLanguage to JSONPath",
        )
        return
    check.language = value


def _check_fields(check: StateCheck) -> None:
    allowed = STATE_FIELDS[check.type] | AGENT_STATE_FIELDS
    for raw_key in check.state:
        key = str(raw_key)
        if key in allowed:
            _check_language_of_field(check, key)
        elif key.endswith(".$") and key[:-2] in allowed and key[:-2] not in STRUCTURAL_FIELDS:
            check.exclusive(key[:-2], key)
            check_dynamic(check.report, check.state[raw_key], check.at(key), check.label(key))
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


def _check_language_of_field(check: StateCheck, key: str) -> None:
    if (
        check.jsonata
        and key in JSONPATH_ONLY
        and not (check.type == "Include" and key == "Parameters")
    ):
        check.report.error(
            "UNSUPPORTED_FIELD",
            check.at(key),
            f"'{key}' is a JSONPath field, but state "
            f"'{check.name}' uses JSONata: remove it (JSONata states shape data with "
            f"'Arguments' and 'Output')",
            key=True,
        )
    elif not check.jsonata and key in JSONATA_ONLY:
        check.report.error(
            "UNSUPPORTED_FIELD",
            check.at(key),
            f"'{key}' is a JSONata field, but state "
            f'\'{check.name}\' uses JSONPath: set "QueryLanguage": "JSONata" on the state '
            f"or the workflow, or use the JSONPath fields",
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
    if not check.jsonata:
        check.path("InputPath", "path", nullable=True)
        check.path("OutputPath", "path", nullable=True)
        check.path("ResultPath", "reference path", nullable=True)
        if check.type != "Include":  # Include's Parameters are template arguments
            check.template("Parameters")
        check.template("ResultSelector")
        if check.has("Assign") and check.expect_object("Assign"):
            check_template(
                check.report,
                check.state["Assign"],
                check.at("Assign"),
                f"the Assign of state '{check.name}'",
            )
    elif check.has("Assign"):
        check.expect_object("Assign")
    if check.has("Arguments") and not is_jsonata(check.state["Arguments"]):
        check.expect_object("Arguments", also=' or a JSONata expression "{% ... %}"')
    if "Retry" in STATE_FIELDS[check.type] and check.has("Retry"):
        _check_retry(check)
    if "Catch" in STATE_FIELDS[check.type] and check.has("Catch"):
        _check_catch(check)
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
    for name in AGENT_STATE_FIELDS & check.state.keys():
        value = check.state[name]
        if name in ("Idempotent", "CacheResult"):
            check.expect_bool(name)
        elif name == "IdempotencyKey":
            check.expect_str(name)
        elif name == "CacheTTL":
            if not (isinstance(value, str) or is_int(value)):
                check.report.error(
                    "INVALID_TYPE",
                    check.at(name),
                    f"{check.label(name)} must "
                    f'be a duration such as "1h" or a number of seconds, got '
                    f"{describe(value)}",
                )
        elif name == "Model":
            if not isinstance(value, (str, dict)):
                check.report.error(
                    "INVALID_TYPE",
                    check.at(name),
                    f"{check.label(name)} must be a model name or an object, got {describe(value)}",
                )
        else:
            check.expect_object(name)


def expect_int(report: Report, value: Any, pointer: str, label: str, minimum: int) -> bool:
    """An integer at least ``minimum``; JSON's 10.0 and "10" are not integers to AWS."""
    if is_int(value) and value >= minimum:
        return True
    wanted = {0: "a non-negative integer", 1: "a positive integer"}.get(
        minimum, f"an integer of at least {minimum}"
    )
    code = "INVALID_VALUE" if is_int(value) else "INVALID_TYPE"
    report.error(
        code, pointer, f"{label} must be {wanted}, got {describe(value)}{_unquote_hint(value)}"
    )
    return False


def is_jsonata(value: Any) -> bool:
    """A JSONata expression string: ``{% ... %}``."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def _unquote_hint(value: Any) -> str:
    """A number or boolean written as a string is the commonest type mistake."""
    if isinstance(value, str) and (_NUMBER.match(value) or value in ("true", "false")):
        return f"; write {value} without quotes"
    return ""


_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\Z")
