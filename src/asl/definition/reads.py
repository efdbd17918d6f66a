"""The workflow variables a state reads, collected while its fields are checked."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .fields import RESERVED_VARIABLES


@dataclass
class Reads:
    """Variable name -> (pointer, character) of the first place that reads it."""

    first: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def add(self, names: Iterable[str], pointer: str, text: str | None = None) -> None:
        """Record ``names`` read by the value at ``pointer`` (``text``: that string)."""
        for name in names:
            if name in RESERVED_VARIABLES or name in self.first:
                continue
            self.first[name] = (pointer, _char_of(name, text))


def _char_of(name: str, text: str | None) -> int | None:
    """Where ``$name`` is in ``text``, so a diagnostic can point at it."""
    if text is None:
        return None
    found = _reference(name).search(text)
    return found.start() if found else None


def reads_variable(text: str, name: str) -> bool:
    """Whether ``text`` (a path, an intrinsic call ...) mentions ``$name``."""
    return _reference(name).search(text) is not None


def _reference(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\$)\$" + re.escape(name) + r"(?!\w)")
