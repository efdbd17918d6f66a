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
    """A problem before its position is known: where to place it, and how."""

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
        char: int | None = None,
        position: tuple[int, int] | None = None,
    ) -> None:
        self.issues.append(Issue(code, message, pointer, "warning", key, char, position))

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


def expect_int(report: Report, value: Any, pointer: str, label: str, minimum: int) -> bool:
    """An integer at least ``minimum``; JSON's 10.0 and "10" are not integers to AWS."""
    if is_int(value) and value >= minimum:
        return True
    wanted = {0: "a non-negative integer", 1: "a positive integer"}.get(
        minimum, f"an integer of at least {minimum}"
    )
    code = "INVALID_VALUE" if is_int(value) else "INVALID_TYPE"
    report.error(
        code, pointer, f"{label} must be {wanted}, got {describe(value)}{unquote_hint(value)}"
    )
    return False


def is_jsonata(value: Any) -> bool:
    """A JSONata expression string: ``{% ... %}``."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def unquote_hint(value: Any) -> str:
    """A number or boolean written as a string is the commonest type mistake."""
    if isinstance(value, str) and (_NUMBER.match(value) or value in ("true", "false")):
        return f"; write {value} without quotes"
    return ""


_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\Z")
