"""Checks of the members of an object-valued field (``Reasoning``, ``Consensus`` ...).

Each check reports at the member's JSON pointer with the member named as
``'Block.Member' of state 'S'``, and returns whether the value is usable so
that cross-checks run only on good values. Unknown members are warnings, as
unknown state fields are: ASL documents are open to extensions.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from .report import describe, did_you_mean, expect_int, is_number, unknown_hint, unquote_hint
from .states import StateCheck


class Block:
    """The object in field ``name`` of the state under check (only built for an object)."""

    def __init__(self, check: StateCheck, name: str) -> None:
        self.check = check
        self.report = check.report
        self.name = name
        self.value: dict[str, Any] = check.state[name]

    def at(self, *segments: str | int) -> str:
        return self.check.at(self.name, *segments)

    def label(self, member: str) -> str:
        return f"'{self.name}.{member}' of state '{self.check.name}'"

    def has(self, member: str) -> bool:
        return member in self.value

    def known(self, members: Collection[str]) -> None:
        for key in self.value:
            if key not in members:
                self.report.warning(
                    "UNKNOWN_FIELD",
                    self.at(key),
                    f"'{self.name}' of state '{self.check.name}' has the unknown member "
                    f"'{key}'{unknown_hint(key, members)}",
                    key=True,
                )

    def boolean(self, member: str) -> bool:
        value = self.value.get(member)
        if isinstance(value, bool):
            return True
        self.report.error(
            "INVALID_TYPE",
            self.at(member),
            f"{self.label(member)} must be true or false, got {describe(value)}"
            f"{unquote_hint(value)}",
        )
        return False

    def string(self, member: str) -> bool:
        value = self.value.get(member)
        if isinstance(value, str) and value:
            return True
        self.report.error(
            "INVALID_VALUE" if isinstance(value, str) else "INVALID_TYPE",
            self.at(member),
            f"{self.label(member)} must be a non-empty string, got {describe(value)}",
        )
        return False

    def integer(self, member: str, minimum: int) -> bool:
        return expect_int(
            self.report, self.value.get(member), self.at(member), self.label(member), minimum
        )

    def number(self, member: str, low: float, high: float) -> bool:
        value = self.value.get(member)
        if is_number(value) and low <= value <= high:
            return True
        self.report.error(
            "INVALID_VALUE" if is_number(value) else "INVALID_TYPE",
            self.at(member),
            f"{self.label(member)} must be a number from {low:g} to {high:g}, "
            f"got {describe(value)}{unquote_hint(value)}",
        )
        return False

    def choice(self, member: str, options: Sequence[str]) -> bool:
        value = self.value.get(member)
        if isinstance(value, str) and value in options:
            return True
        hint = did_you_mean(value, options) if isinstance(value, str) else ""
        self.report.error(
            "INVALID_VALUE" if isinstance(value, str) else "INVALID_TYPE",
            self.at(member),
            f"{self.label(member)} must be one of {', '.join(options)}, "
            f"got {describe(value)}{hint}",
        )
        return False

    def strings(self, member: str) -> list[str] | None:
        """An array of non-empty strings; each bad item is reported where it is."""
        value = self.value.get(member)
        if not isinstance(value, list):
            self.report.error(
                "INVALID_TYPE",
                self.at(member),
                f"{self.label(member)} must be an array of strings, got {describe(value)}",
            )
            return None
        good = True
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item:
                self.report.error(
                    "INVALID_VALUE" if isinstance(item, str) else "INVALID_TYPE",
                    self.at(member, index),
                    f"{self.label(member)} must hold non-empty strings, got {describe(item)}",
                )
                good = False
        return value if good else None

    def no_effect(self, member: str, reason: str) -> None:
        self.report.warning(
            "NO_EFFECT", self.at(member), f"{self.label(member)} has no effect: {reason}", key=True
        )
