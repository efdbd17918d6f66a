"""A stand-in for ``asl.language.paths`` while that module is being written.

Installed only when the real module cannot be imported, so the intrinsic tests
can run on their own. It understands the paths the intrinsic cases use:
``$``, ``$.a.b``, ``$['a']``, ``$[0]``, ``$.a[*].b`` and the ``$$`` variants.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from typing import Any

from asl.language.errors import PathError


class NoResults(Exception):
    """The path selected nothing."""


@dataclass(frozen=True)
class Path:
    text: str
    normalized: str
    is_context: bool
    steps: tuple[object, ...]
    wildcard: bool

    def evaluate(self, data: Any, context: Any = None) -> Any:
        values = [context if self.is_context else data]
        for step in self.steps:
            found = []
            for value in values:
                if step == "*":
                    if isinstance(value, list):
                        found.extend(value)
                    elif isinstance(value, dict):
                        found.extend(value.values())
                elif isinstance(step, int):
                    if isinstance(value, list) and -len(value) <= step < len(value):
                        found.append(value[step])
                elif isinstance(value, dict) and step in value:
                    found.append(value[step])
            values = found
        if self.wildcard:
            return values
        if not values:
            raise NoResults(self.text)
        return values[0]


def compile_path(text: str) -> Path:
    if not text.startswith("$"):
        raise PathError(text, "a path starts with '$'", 1)
    is_context = text.startswith("$$")
    i = 2 if is_context else 1
    steps: list[object] = []
    while i < len(text):
        c = text[i]
        if c == ".":
            j = i + 1
            while j < len(text) and text[j] not in ".[":
                j += 1
            name = text[i + 1 : j]
            if not name:
                raise PathError(text, "expected a name after '.'", i + 2)
            steps.append("*" if name == "*" else name)
            i = j
        elif c == "[":
            end = text.find("]", i)
            if end < 0:
                raise PathError(text, "expected ']'", i + 1)
            inside = text[i + 1 : end]
            if inside == "*":
                steps.append("*")
            elif inside[:1] in "'\"" and inside[-1:] == inside[:1] and len(inside) > 1:
                steps.append(inside[1:-1])
            elif inside.lstrip("-").isdigit():
                steps.append(int(inside))
            else:
                raise PathError(text, f"unsupported selector [{inside}]", i + 1)
            i = end + 1
        else:
            raise PathError(text, f"unexpected character {c!r}", i + 1)
    return Path(text, text, is_context, tuple(steps), "*" in steps)


def install() -> None:
    """Make ``import asl.language.paths`` work, unless the real module exists."""
    try:
        import asl.language.paths  # noqa: F401
    except ImportError:
        module = types.ModuleType("asl.language.paths")
        module.NoResults = NoResults  # type: ignore[attr-defined]
        module.Path = Path  # type: ignore[attr-defined]
        module.compile_path = compile_path  # type: ignore[attr-defined]
        sys.modules["asl.language.paths"] = module
