"""Redaction paths (``Audit.Redact``): JSONPath places whose values must not be recorded.

A redaction path is a small JSONPath: ``$``, then members (``.name``,
``['name']``), indices (``[0]``), wildcards (``.*``, ``[*]``) and descendant
members (``..name``). It never fails: a path that matches nothing in a
document leaves the document as it is, because the same paths are applied to
every document a state records (its input, its output, agent parameters and
agent answers), and a secret is usually in only some of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

REDACTED: Final = "[REDACTED]"

_SEGMENT = re.compile(
    r"""\.\.(?P<deep>[A-Za-z_$][\w$-]*)"""
    r"""|\.(?P<name>\*|[A-Za-z_$][\w$-]*)"""
    r"""|\[\s*'(?P<single>[^']*)'\s*\]"""
    r"""|\[\s*"(?P<double>[^"]*)"\s*\]"""
    r"""|\[\s*(?P<index>-?\d+)\s*\]"""
    r"""|\[\s*(?P<star>\*)\s*\]"""
)

Segment = tuple[str, str | int]
"""("name", key) | ("index", n) | ("any", "*") | ("deep", key)."""


@dataclass(frozen=True, slots=True)
class RedactPath:
    text: str
    segments: tuple[Segment, ...]


def parse_redact_path(text: str) -> RedactPath:
    """The compiled path; ``ValueError`` says what is wrong with ``text`` and where."""
    if not isinstance(text, str) or not text.startswith("$") or text.startswith("$$"):
        raise ValueError("a redaction path starts with '$' (the recorded document)")
    segments: list[Segment] = []
    position = 1
    while position < len(text):
        match = _SEGMENT.match(text, position)
        if match is None:
            raise ValueError(
                f"cannot read the path from column {position + 1} ('{text[position:]}'); "
                "use .name, ['name'], [0], [*] or ..name"
            )
        if match.group("deep") is not None:
            segments.append(("deep", match.group("deep")))
        elif match.group("name") == "*" or match.group("star"):
            segments.append(("any", "*"))
        elif match.group("index") is not None:
            segments.append(("index", int(match.group("index"))))
        else:
            key = match.group("name") or match.group("single") or match.group("double") or ""
            segments.append(("name", key))
        position = match.end()
    if not segments:
        raise ValueError("'$' would redact the whole document; name the members to hide")
    return RedactPath(text, tuple(segments))


def redact(document: Any, paths: tuple[RedactPath, ...]) -> Any:
    """A copy of ``document`` with every value the paths select replaced by ``[REDACTED]``.

    Only the parts on the way to a redacted value are copied; the document the
    workflow goes on with is never changed.
    """
    for path in paths:
        document = _redact(document, path.segments)
    return document


def redacted_values(document: Any, paths: tuple[RedactPath, ...]) -> list[str]:
    """The text of every scalar the paths select (to mask the same secrets in log lines)."""
    found: list[str] = []
    for path in paths:
        for value in _select(document, path.segments):
            found.extend(_scalars(value))
    return found


def _redact(node: Any, segments: tuple[Segment, ...]) -> Any:
    if not segments:
        return REDACTED
    (kind, key), rest = segments[0], segments[1:]
    if kind == "deep":
        return _redact_deep(node, str(key), rest)
    if isinstance(node, dict):
        if kind == "any":
            return {k: _redact(v, rest) for k, v in node.items()}
        if kind == "name" and key in node:
            copy = dict(node)
            copy[str(key)] = _redact(node[str(key)], rest)
            return copy
        return node
    if isinstance(node, list):
        if kind == "any":
            return [_redact(item, rest) for item in node]
        if kind == "index" and isinstance(key, int) and -len(node) <= key < len(node):
            items = list(node)
            items[key] = _redact(node[key], rest)
            return items
    return node


def _redact_deep(node: Any, key: str, rest: tuple[Segment, ...]) -> Any:
    """``..key``: the member ``key`` at any depth, then the rest of the path."""
    if isinstance(node, dict):
        return {
            k: _redact(v, rest) if k == key else _redact_deep(v, key, rest) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_redact_deep(item, key, rest) for item in node]
    return node


def _select(node: Any, segments: tuple[Segment, ...]) -> Iterator[Any]:
    if not segments:
        yield node
        return
    (kind, key), rest = segments[0], segments[1:]
    if kind == "deep":
        yield from _select_deep(node, str(key), rest)
    elif isinstance(node, dict):
        if kind == "any":
            for value in node.values():
                yield from _select(value, rest)
        elif kind == "name" and key in node:
            yield from _select(node[str(key)], rest)
    elif isinstance(node, list):
        if kind == "any":
            for item in node:
                yield from _select(item, rest)
        elif kind == "index" and isinstance(key, int) and -len(node) <= key < len(node):
            yield from _select(node[key], rest)


def _select_deep(node: Any, key: str, rest: tuple[Segment, ...]) -> Iterator[Any]:
    if isinstance(node, dict):
        for k, value in node.items():
            if k == key:
                yield from _select(value, rest)
            else:
                yield from _select_deep(value, key, rest)
    elif isinstance(node, list):
        for item in node:
            yield from _select_deep(item, key, rest)


def _scalars(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from _scalars(item)
    elif isinstance(value, str):
        if value:
            yield value
    elif value is not None and not isinstance(value, bool):
        yield str(value)
