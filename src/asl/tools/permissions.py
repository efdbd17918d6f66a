"""Which tools a state may call: Allowed / Denied globs and tool categories.

The rules are compiled once, with the document; each tool name is decided once
and remembered, so a call pays one dictionary lookup.

The empty-Allowed rule (asl-features §4 E-55): no ``Allowed`` and no
``AllowedCategories`` means every tool that is not denied; ``"Allowed": []``
means no tool at all. Denied always wins over Allowed.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_REMEMBERED = 4096


def expand(entries: Iterable[str], categories: Mapping[str, list[str]]) -> tuple[str, ...]:
    """Entries with every category name replaced by the tools it lists."""
    out: list[str] = []
    for entry in entries:
        members = categories.get(entry)
        out.extend(members if members is not None else [entry])
    return tuple(out)


def _matcher(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


@dataclass(slots=True)
class Permissions:
    """``allowed`` None = no allowlist; an empty tuple allows nothing."""

    allowed: tuple[str, ...] | None
    denied: tuple[str, ...]
    _allow: re.Pattern[str] | None = field(init=False, repr=False)
    _deny: re.Pattern[str] | None = field(init=False, repr=False)
    _decided: dict[str, str | None] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._allow = _matcher(self.allowed or ())
        self._deny = _matcher(self.denied)

    def refusal(self, tool: str) -> str | None:
        """None when ``tool`` may be called, else why not (for the error's cause)."""
        try:
            return self._decided[tool]
        except KeyError:
            pass
        reason: str | None = None
        if self._deny is not None and self._deny.fullmatch(tool):
            reason = "it is in the Tools block's Denied list"
        elif self.allowed is not None and (self._allow is None or not self._allow.fullmatch(tool)):
            reason = (
                "the Tools block's Allowed list is empty, which allows no tool"
                if not self.allowed
                else "it is not in the Tools block's Allowed list or AllowedCategories"
            )
        if len(self._decided) < _REMEMBERED:  # names come from models: keep the memory bounded
            self._decided[tool] = reason
        return reason
