"""Reading a workflow document from a file, a text or a dict.

Loading never shows a Python traceback: malformed JSON or YAML, a missing file and a
top level that is not an object all raise :class:`ASLError` whose cause names the
place (``file:line:col``) and the fix.  Positions of values are not computed while
loading (big documents must load fast); :meth:`Document.locate` indexes the text the
first time a diagnostic asks for a position.

YAML is read the way AWS tooling reads ``.asl.yaml`` files (YAML 1.2 core scalars):
``yes``/``no``/``on``/``off`` and timestamps stay strings, keys are always strings, and
a key written twice in one mapping is an error.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

try:  # libyaml's parser when present: same results, many times faster
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from asl.language.errors import FILE_NOT_FOUND, FILE_READ_ERROR, PARSE_ERROR, ASLError

from .locate import DuplicateKey, PositionIndex, json_index, yaml_index

Syntax = Literal["json", "yaml"]

# The most values an aliased YAML document may expand to (guards "billion laughs").
_MAX_YAML_NODES = 1_000_000


@dataclass
class _Lazy:
    """Mutable cache behind the frozen Document: the position index and a hint."""

    index: PositionIndex | None = None
    may_have_duplicates: bool = False


@dataclass(frozen=True)
class Document:
    """A parsed workflow document, with the text it came from (if any)."""

    data: dict[str, Any]
    source: str | None = None
    text: str | None = None
    syntax: Syntax = "json"
    _lazy: _Lazy = field(default_factory=_Lazy, repr=False, compare=False)

    def _index(self) -> PositionIndex | None:
        if self.text is None:
            return None
        if self._lazy.index is None:
            if self.syntax == "yaml":
                self._lazy.index = yaml_index(self.text, _YamlLoader)
            else:
                self._lazy.index = json_index(self.text)
        return self._lazy.index

    def locate(self, pointer: str, key: bool = False) -> tuple[int, int] | None:
        """1-based (line, column) of the value at an RFC 6901 pointer.

        With ``key=True`` and a pointer that names an object member, the position of
        the member's key instead (where "unknown field" belongs).  None without text
        or when nothing is at the pointer.
        """
        index = self._index()
        if index is None:
            return None
        offset = index.key_offset(pointer) if key else None
        if offset is None:
            offset = index.value_offset(pointer)
        return None if offset is None else index.position(offset)

    def locate_char(self, pointer: str, char_index: int) -> tuple[int, int] | None:
        """Position of one character (0-based, decoded) inside the string at ``pointer``."""
        index = self._index()
        if index is None:
            return None
        offset = index.char_offset(pointer, char_index)
        return None if offset is None else index.position(offset)

    def duplicate_keys(self) -> list[DuplicateKey]:
        """Keys written twice in one JSON object (JSON keeps the later value silently)."""
        if not self._lazy.may_have_duplicates:
            return []
        index = self._index()
        return [] if index is None else list(index.duplicates)


def load_file(path: str | os.PathLike[str]) -> Document:
    """Load a ``.json``/``.asl.json`` (JSON) or ``.yaml``/``.yml`` (YAML) workflow file."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8-sig") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise ASLError(
            FILE_NOT_FOUND, f"{name}: no such file; check the path and the working directory"
        ) from None
    except IsADirectoryError:
        raise ASLError(
            FILE_READ_ERROR, f"{name}: is a directory; give the path of a workflow file"
        ) from None
    except UnicodeDecodeError as exc:
        raise ASLError(
            FILE_READ_ERROR, f"{name}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    except OSError as exc:
        raise ASLError(FILE_READ_ERROR, f"{name}: cannot be read ({exc.strerror})") from None
    lower = name.lower()
    if lower.endswith((".yaml", ".yml")):
        return _load_yaml(text, name)
    if lower.endswith(".json"):
        return _load_json(text, name)
    return load_text(text, name)


def load_text(text: str, source: str | None = None) -> Document:
    """Load JSON text; text that is not JSON but is a YAML mapping is read as YAML.

    Text that starts like JSON (``{`` or ``[``) is always judged as JSON, so a missing
    comma is reported as such instead of being reinterpreted by the YAML reader.
    """
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise ASLError(
            PARSE_ERROR,
            f"{source or '<text>'}:1:1: the document is empty; "
            f"a workflow is an object with StartAt and States",
        )
    if stripped[0] in "{[":
        return _load_json(text, source)
    try:
        return _load_json(text, source)
    except ASLError as json_error:
        data = _parse_yaml(text, source)  # a YAML syntax error is the better report
        if isinstance(data, list):
            return _load_yaml(text, source)  # reports the non-object top level
        if not isinstance(data, dict):
            raise json_error from None  # a bare word is neither a JSON nor a YAML workflow
        return _yaml_document(data, text, source)


def load_dict(obj: Mapping[str, Any]) -> Document:
    """Wrap an already-parsed document (no text, so diagnostics carry no line/column)."""
    if not isinstance(obj, Mapping):
        raise ASLError(
            PARSE_ERROR,
            f"<dict>: the top level must be an object with StartAt and States, "
            f"got {_json_kind(obj)}",
        )
    return Document(data=dict(obj))


def _load_json(text: str, source: str | None) -> Document:
    where = source or "<text>"
    body = text[1:] if text.startswith("\ufeff") else text
    lazy = _Lazy()

    def object_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            lazy.may_have_duplicates = True
        return result

    try:
        data = json.loads(body, object_pairs_hook=object_hook, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ASLError(
            PARSE_ERROR, f"{where}:{exc.lineno}:{exc.colno}: {_explain_json(exc.msg)}"
        ) from None
    except _BadConstant as exc:
        line, column = _first_token_position(body, exc.token)
        raise ASLError(
            PARSE_ERROR,
            f"{where}:{line}:{column}: {exc.token} is not a JSON value; write a number, or null",
        ) from None
    except RecursionError:
        raise ASLError(
            PARSE_ERROR, f"{where}:1:1: the document is nested too deeply to be a workflow"
        ) from None
    if not isinstance(data, dict):
        line, column = _first_token_position(body, None)
        raise ASLError(
            PARSE_ERROR,
            f"{where}:{line}:{column}: the top level must be an object with StartAt and "
            f"States, got {_json_kind(data)}",
        )
    return Document(data=data, source=source, text=body, syntax="json", _lazy=lazy)


def _load_yaml(text: str, source: str | None) -> Document:
    data = _parse_yaml(text, source)
    if not isinstance(data, dict):
        raise ASLError(
            PARSE_ERROR,
            f"{source or '<text>'}:1:1: the top level must be a mapping with StartAt and "
            f"States, got {_json_kind(data)}",
        )
    return _yaml_document(data, text, source)


def _parse_yaml(text: str, source: str | None) -> Any:
    where = source or "<text>"
    try:
        return yaml.load(text, Loader=_YamlLoader)  # a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            problem = "found a tab; indent YAML with spaces"
        raise ASLError(PARSE_ERROR, f"{where}:{line}:{column}: {_explain_yaml(problem)}") from None
    except yaml.YAMLError as exc:
        raise ASLError(PARSE_ERROR, f"{where}:1:1: invalid YAML ({exc})") from None
    except RecursionError:
        raise ASLError(
            PARSE_ERROR, f"{where}:1:1: the document is nested too deeply to be a workflow"
        ) from None


def _yaml_document(data: dict[str, Any], text: str, source: str | None) -> Document:
    try:
        size = _expanded_size(data)
    except RecursionError:
        raise ASLError(
            PARSE_ERROR,
            f"{source or '<text>'}:1:1: the document is nested too deeply to be a workflow",
        ) from None
    if size > _MAX_YAML_NODES:
        raise ASLError(
            PARSE_ERROR,
            f"{source or '<text>'}:1:1: YAML aliases expand to more than {_MAX_YAML_NODES} "
            f"values; write the repeated parts out or use fewer nested aliases",
        )
    return Document(data=data, source=source, text=text, syntax="yaml")


class _BadConstant(Exception):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _reject_constant(token: str) -> Any:
    """Python's json accepts NaN and Infinity; JSON (and AWS) do not."""
    raise _BadConstant(token)


_JSON_HINTS = (
    ("Expecting value", "expected a JSON value here; remove a trailing comma or add the value"),
    ("Expecting ',' delimiter", "expected ',' here; add a comma between the two items"),
    ("Expecting ':' delimiter", "expected ':' after the property name"),
    (
        "Expecting property name enclosed in double quotes",
        "expected a property name in double quotes; remove a trailing comma or quote the key",
    ),
    ("Unterminated string", "unterminated string; close it with a double quote"),
    ("Invalid control character", "raw control character inside a string; write it as \\n or \\t"),
    ("Invalid \\uXXXX escape", "invalid \\u escape; write four hex digits, e.g. \\u00e9"),
    ("Invalid \\escape", "invalid escape; write a backslash as \\\\"),
    ("Extra data", "unexpected text after the document; a file holds exactly one JSON object"),
)


def _explain_json(message: str) -> str:
    for prefix, hint in _JSON_HINTS:
        if message.startswith(prefix):
            return hint
    return f"invalid JSON ({message})"


def _explain_yaml(problem: str) -> str:
    if problem.startswith(("found duplicate key", "found a tab")):
        return problem
    return f"invalid YAML: {problem}"


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column : column + 1] if line < len(lines) else ""


def _first_token_position(text: str, token: str | None) -> tuple[int, int]:
    """Position of the first bare token (or of the first value) outside strings."""
    pattern = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s"{}\[\],:]+|[{\[]', re.DOTALL)
    for match in pattern.finditer(text):
        if token is None or match.group() == token:
            offset = match.start()
            line = text.count("\n", 0, offset) + 1
            return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
    return 1, 1


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "an array"
    return type(value).__name__


def _expanded_size(value: Any) -> int:
    """How many values the document holds once every YAML alias is written out."""
    sizes: dict[int, int] = {}

    def size(node: Any) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        children = node.values() if isinstance(node, dict) else node
        total = 1 + sum(size(child) for child in children if isinstance(child, (dict, list)))
        sizes[id(node)] = total
        return total

    return size(value) if isinstance(value, (dict, list)) else 1


_TAG_BOOL = "tag:yaml.org,2002:bool"
_TAG_INT = "tag:yaml.org,2002:int"
_TAG_FLOAT = "tag:yaml.org,2002:float"
_TAG_NULL = "tag:yaml.org,2002:null"
_TAG_MERGE = "tag:yaml.org,2002:merge"


class _YamlLoader(_BaseLoader):
    """Safe YAML with YAML 1.2 core scalars, string keys and no duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == _TAG_MERGE:
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    "a key must be a plain string, not a list or mapping",
                    key_node.start_mark,
                )
            if key_node.value in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"found duplicate key '{key_node.value}'; keep one of them",
                    key_node.start_mark,
                )
            seen.add(key_node.value)
        self.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            result[str(key_node.value)] = self.construct_object(value_node, deep=deep)
        return result

    def construct_core_int(self, node: yaml.ScalarNode) -> int:
        text = str(node.value)
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if digits.startswith("0o"):
            return int(digits[2:], 8)
        if digits.startswith("0x"):
            return int(digits[2:], 16)
        return sign * int(digits)


def _core_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """YAML 1.2 core schema: only true/false booleans, no timestamps, plain ints."""
    rules = [
        (_TAG_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
        (_TAG_INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), "-+0123456789"),
        (
            _TAG_FLOAT,
            re.compile(
                r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
            ),
            "-+.0123456789",
        ),
        (_TAG_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ("~", "n", "N", "")),
        (_TAG_MERGE, re.compile(r"^(?:<<)$"), "<"),
    ]
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, regexp, firsts in rules:
        for first in firsts:
            table.setdefault(first, []).append((tag, regexp))
    return table


_YamlLoader.yaml_implicit_resolvers = _core_resolvers()
_YamlLoader.add_constructor(_TAG_INT, _YamlLoader.construct_core_int)
