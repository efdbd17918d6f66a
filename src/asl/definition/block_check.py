"""A small helper for checking the members of a block (an object inside a state or document).

Each method reports a problem the way the rest of the validator does (code, JSON
pointer, "'Field' of LABEL must be ..., got ...") and says whether the value is
usable, so a check can go on with what it may rely on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from asl.language.errors import PathError
from asl.language.paths import compile_path, compile_reference_path

from .locate import join
from .report import Report, describe, did_you_mean, is_int, is_number, unknown_hint

_DURATION = re.compile(r"^\s*\d+(?:\.\d+)?\s*(?:ms|s|m|h|d|w)?\s*$")


class Block:
    """One object of a document under check, with the value checks its members need."""

    def __init__(self, report: Report, value: dict[str, Any], pointer: str, label: str) -> None:
        self.report = report
        self.value = value
        self.pointer = pointer
        self.label = label

    def at(self, *segments: str | int) -> str:
        return join(self.pointer, *segments)

    def name(self, key: str) -> str:
        return f"'{key}' of {self.label}"

    def error(self, key: str, code: str, wanted: str) -> None:
        value = self.value[key]
        self.report.error(
            code, self.at(key), f"{self.name(key)} must be {wanted}, got {describe(value)}"
        )

    def unknown(self, known: tuple[str, ...]) -> None:
        for key in self.value:
            if key not in known:
                self.report.warning(
                    "UNKNOWN_FIELD",
                    self.at(key),
                    f"{cap(self.label)} has the unknown field '{key}'{unknown_hint(key, known)}",
                    key=True,
                )

    def string(self, key: str) -> bool:
        if key not in self.value:
            return False
        if isinstance(self.value[key], str) and self.value[key]:
            return True
        self.error(key, "INVALID_TYPE", "a non-empty string")
        return False

    def boolean(self, key: str) -> None:
        if key in self.value and not isinstance(self.value[key], bool):
            self.error(key, "INVALID_TYPE", "true or false")

    def integer(self, key: str, minimum: int) -> bool:
        if key not in self.value:
            return False
        value = self.value[key]
        if is_int(value) and value >= minimum:
            return True
        self.error(
            key, "INVALID_VALUE" if is_int(value) else "INVALID_TYPE", f"an integer ≥ {minimum}"
        )
        return False

    def number(self, key: str, low: float, high: float | None = None) -> bool:
        if key not in self.value:
            return False
        value = self.value[key]
        if is_number(value) and low <= value and (high is None or value <= high):
            return True
        span = f"a number from {low:g} to {high:g}" if high is not None else f"a number ≥ {low:g}"
        self.error(key, "INVALID_VALUE" if is_number(value) else "INVALID_TYPE", span)
        return False

    def choice(self, key: str, choices: tuple[str, ...]) -> bool:
        if key not in self.value:
            return False
        value = self.value[key]
        if value in choices:
            return True
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        self.report.error(
            "INVALID_VALUE" if isinstance(value, str) else "INVALID_TYPE",
            self.at(key),
            f"{self.name(key)} must be one of {', '.join(choices)}, got {describe(value)}{hint}",
        )
        return False

    def strings(self, key: str, *, non_empty: bool = False) -> list[str] | None:
        if key not in self.value:
            return None
        value = self.value[key]
        if (
            isinstance(value, list)
            and all(isinstance(item, str) and item for item in value)
            and (value or not non_empty)
        ):
            return value
        wanted = "a non-empty array of strings" if non_empty else "an array of strings"
        self.error(key, "INVALID_TYPE", wanted)
        return None

    def objects(self, key: str) -> Iterator[Block]:
        """The member as an object (or each object of an array), reported if it is not one."""
        value = self.value.get(key)
        if key not in self.value:
            return
        if isinstance(value, dict):
            yield Block(self.report, value, self.at(key), f"'{key}' of {self.label}")
            return
        self.error(key, "INVALID_TYPE", "an object")

    def path(self, key: str, reference: bool) -> None:
        if key not in self.value:
            return
        value = self.value[key]
        if not isinstance(value, str):
            self.error(key, "INVALID_TYPE", 'a path such as "$.field"')
            return
        try:
            compile_reference_path(value, allow_variable=False) if reference else compile_path(
                value
            )
        except PathError as error:
            self.report.error(
                "INVALID_PATH",
                self.at(key),
                f"{self.name(key)} is not a valid {'reference ' if reference else ''}path: "
                f"{error.reason}",
            )

    def duration(self, key: str) -> None:
        value = self.value.get(key)
        if key not in self.value:
            return
        if isinstance(value, bool) or not (
            (is_number(value) and value >= 0) or (isinstance(value, str) and _DURATION.match(value))
        ):
            self.error(
                key, "INVALID_VALUE", 'a duration such as "100ms", "5s" or a number of seconds'
            )


def cap(text: str) -> str:
    """A label that starts a message starts with a capital."""
    return text[:1].upper() + text[1:]
