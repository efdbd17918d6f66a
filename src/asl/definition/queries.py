"""JSONata expressions (``"{% ... %}"``) inside a document, compiled at validation.

AWS parses every JSONata expression of a definition when the state machine is created
and refuses one that does not parse (``INVALID_JSONATA_EXPRESSION``), naming the field.
Here each expression string is compiled with :mod:`asl.language.jsonata`; a syntax
error becomes an ``INVALID_JSONATA`` diagnostic placed on the offending character, and
the variables an expression reads go to the state's :class:`Reads`.

A value may hold expressions at any depth (``Output``, ``Arguments``, ``Assign`` values,
``Items`` ...): strings are expressions when they start with ``{%`` and end with ``%}``;
every other value is used as written.
"""

from __future__ import annotations

from typing import Any

from asl.language.jsonata import JsonataSyntaxError, compile_expression, is_expression

from .locate import join
from .reads import Reads
from .report import Report


def is_dynamic_jsonata(value: Any) -> bool:
    """Whether ``value`` is, or holds somewhere inside it, a JSONata expression."""
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if is_expression(node):
                return True
        elif isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False


def check_expression(
    report: Report, text: str, pointer: str, label: str, reads: Reads | None = None
) -> bool:
    """One ``{% %}`` string; reports a syntax error where it is and returns False."""
    try:
        expression = compile_expression(text)
    except JsonataSyntaxError as exc:
        char = _char(text, exc.position)
        where = f" (at character {char + 1})" if char is not None else ""
        report.error(
            "INVALID_JSONATA",
            pointer,
            f"{label} is not a valid JSONata expression: {exc.reason}{where}",
            char=char,
        )
        return False
    if reads is not None:
        reads.add(sorted(expression.variables), pointer, text)
    return True


def check_jsonata_value(
    report: Report, value: Any, pointer: str, label: str, reads: Reads | None = None
) -> None:
    """Every expression in ``value``, nested objects and arrays included.

    ``label`` names the value as a whole ("'Output' of state 'S'"); a nested string is
    named by its place inside it ("'items/0' in 'Output' of state 'S'").
    """
    pending: list[tuple[Any, str, str]] = [(value, pointer, "")]
    while pending:
        node, at, relative = pending.pop()
        if isinstance(node, str):
            if is_expression(node):
                named = f"'{relative}' in {label}" if relative else label
                check_expression(report, node, at, named, reads)
        elif isinstance(node, dict):
            pending.extend(
                (item, join(at, str(key)), f"{relative}/{key}" if relative else str(key))
                for key, item in reversed(list(node.items()))
                if isinstance(item, (str, dict, list))
            )
        elif isinstance(node, list):
            pending.extend(
                (item, join(at, index), f"{relative}/{index}" if relative else str(index))
                for index, item in reversed(list(enumerate(node)))
                if isinstance(item, (str, dict, list))
            )


def _char(text: str, position: int | None) -> int | None:
    """The character a syntax error is about: JSONata's position is just past it."""
    if position is None or not text:
        return None
    return max(0, min(position - 1, len(text) - 1))
