"""Where a JSON Pointer lands in the text a document came from.

Parsers hand us plain Python values, which have forgotten their line and column.
Diagnostics must still say ``file:line:col``, so this module re-reads the text once
(only when a position is first asked for) and records the offset of every value and
of every member key under its RFC 6901 pointer.  It also notices keys that appear
twice in one JSON object, which ``json.loads`` silently collapses.

JSON text is tokenised with one regular expression (the text already parsed, so the
token stream is known to be valid); YAML text is composed into nodes, which carry
their own marks.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

# One JSON token: a string, a punctuation mark, or a bare literal (number, true ...).
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+', re.DOTALL)


def escape_segment(segment: str) -> str:
    """Escape one reference token as RFC 6901 requires (``~`` then ``/``)."""
    if "~" not in segment and "/" not in segment:
        return segment
    return segment.replace("~", "~0").replace("/", "~1")


def join(pointer: str, *segments: str | int) -> str:
    """Append reference tokens to a pointer: ``join("/States", "A/B")`` is ``/States/A~1B``."""
    for segment in segments:
        pointer = f"{pointer}/{escape_segment(segment) if isinstance(segment, str) else segment}"
    return pointer


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A key written twice in one object; the later value is the one that counts."""

    pointer: str
    first: tuple[int, int]
    later: tuple[int, int]


class PositionIndex:
    """Offsets of the values and member keys of one document text."""

    def __init__(
        self,
        text: str,
        values: dict[str, int],
        keys: dict[str, int],
        duplicates: list[tuple[str, int, int]],
    ) -> None:
        self._text = text
        self._values = values
        self._keys = keys
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.duplicates = [
            DuplicateKey(pointer, self.position(first), self.position(later))
            for pointer, first, later in duplicates
        ]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count code points."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def value_offset(self, pointer: str) -> int | None:
        return self._values.get(pointer)

    def key_offset(self, pointer: str) -> int | None:
        return self._keys.get(pointer)

    def char_offset(self, pointer: str, char_index: int) -> int | None:
        """Offset of the ``char_index``-th (0-based) decoded character of a string value.

        Escapes (``\\n``, ``\\u00e9``) take several source characters for one decoded
        character, so the raw token is walked escape by escape.
        """
        start = self._values.get(pointer)
        if start is None:
            return None
        text = self._text
        quote = text[start]
        if quote not in "\"'":
            return start + char_index  # a plain YAML scalar is its own text
        offset = start + 1
        for _ in range(char_index):
            if offset >= len(text):
                return None
            if text[offset] == "\\" and quote == '"':
                offset += 6 if text[offset + 1 : offset + 2] == "u" else 2
            elif text[offset] == "'" and quote == "'":
                offset += 2  # '' is one quote inside a single-quoted YAML scalar
            else:
                offset += 1
        return offset


def json_index(text: str) -> PositionIndex:
    """Index a JSON text that is known to parse."""
    values: dict[str, int] = {}
    keys: dict[str, int] = {}
    duplicates: list[tuple[str, int, int]] = []
    # Each open container: [is_object, pointer, next array index, keys seen here].
    stack: list[list[Any]] = []
    expect_key = False
    member = ""
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == ",":
            expect_key = bool(stack) and stack[-1][0]
            continue
        if first == ":":
            continue
        if first in "}]":
            stack.pop()
            expect_key = False
            continue
        start = match.start()
        if expect_key:
            frame = stack[-1]
            name = json.loads(token) if "\\" in token else token[1:-1]
            member = frame[1] + "/" + escape_segment(name)
            seen: dict[str, int] = frame[3]
            if name in seen:
                duplicates.append((member, seen[name], start))
            seen[name] = start
            keys[member] = start
            expect_key = False
            continue
        if not stack:
            pointer = ""
        elif stack[-1][0]:
            pointer = member
        else:
            frame = stack[-1]
            pointer = f"{frame[1]}/{frame[2]}"
            frame[2] += 1
        values[pointer] = start
        if first == "{":
            stack.append([True, pointer, 0, {}])
            expect_key = True
        elif first == "[":
            stack.append([False, pointer, 0, None])
    return PositionIndex(text, values, keys, duplicates)


def yaml_index(text: str, loader: Any) -> PositionIndex:
    """Index a YAML text that is known to load, from the marks of its composed nodes."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(mark: yaml.Mark) -> int:
        return line_starts[min(mark.line, len(line_starts) - 1)] + mark.column

    values: dict[str, int] = {}
    keys: dict[str, int] = {}
    root = yaml.compose(text, Loader=loader)  # a safe loader subclass
    visited: set[int] = set()
    pending: list[tuple[yaml.Node, str]] = [(root, "")] if root is not None else []
    while pending:
        node, pointer = pending.pop()
        values.setdefault(pointer, offset(node.start_mark))
        if id(node) in visited:
            continue  # an alias: its children were indexed where the anchor is
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                member = pointer + "/" + escape_segment(str(key_node.value))
                keys.setdefault(member, offset(key_node.start_mark))
                pending.append((value_node, member))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                pending.append((item, f"{pointer}/{index}"))
    return PositionIndex(text, values, keys, [])
