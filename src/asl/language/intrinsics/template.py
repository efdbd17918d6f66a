"""``States.Format`` templates: ``{}`` placeholders, ``\\{`` ``\\}`` literal braces.

A literal template is split once, when the expression is compiled; a template
read from a path is split when it arrives (and remembered, since workflows use
few distinct templates). A malformed template is still an error AWS raises only
when the state runs, so it is kept and raised then.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from asl.language.intrinsics.lexer import ESCAPABLE
from asl.language.intrinsics.render import format_text
from asl.language.intrinsics.signature import Failure

FORMAT = "States.Format"


@dataclass(frozen=True, slots=True)
class Template:
    """The text between placeholders (one more piece than there are ``{}``).

    ``error`` is set instead when the template is malformed.
    """

    pieces: tuple[str, ...]
    error: str = ""

    def render(self, values: list[Any]) -> str:
        if self.error:
            raise Failure(self.error)
        pieces = self.pieces
        if len(values) != len(pieces) - 1:
            raise Failure(
                f"Invalid arguments in {FORMAT}: "
                "number of arguments do not match the occurrences of {}."
            )
        if not values:
            return pieces[0]
        out = [pieces[0]]
        try:
            for value, piece in zip(values, pieces[1:], strict=True):
                out.append(value if isinstance(value, str) else format_text(value))
                out.append(piece)
        except RecursionError:
            raise Failure(f"Invalid arguments in {FORMAT}") from None
        return "".join(out)


def format_(template: str, *values: Any) -> str:
    """``States.Format`` with a template known only at run time (read from a path)."""
    return parse_template(template).render(list(values))


@lru_cache(maxsize=1024)
def parse_template(raw: str) -> Template:
    """Split ``raw`` (escapes still in place) at its ``{}`` placeholders."""
    pieces: list[str] = []
    current: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "\\" and i + 1 < n and raw[i + 1] in ESCAPABLE:
            current.append(raw[i + 1])
            i += 2
        elif c == "{":
            if i + 1 >= n or raw[i + 1] != "}":
                return Template((), _template_error("matching '}' not found for '{'."))
            pieces.append("".join(current))
            current = []
            i += 2
        elif c == "}":
            return Template((), _template_error("matching '{' not found for '}'."))
        else:
            current.append(c)
            i += 1
    pieces.append("".join(current))
    return Template(tuple(pieces))


def _template_error(reason: str) -> str:
    return f"Invalid template in {FORMAT}: {reason}"
