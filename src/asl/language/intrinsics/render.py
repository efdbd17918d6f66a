"""How AWS turns JSON values into text, and when it calls two values equal.

AWS runs intrinsics on the JVM, and it shows: ``States.Format`` prints objects
the way ``java.util.Map.toString`` does (``{a=1, b=[x, y]}``, strings unquoted),
``States.JsonToString`` writes compact JSON the way Jackson does, and doubles
print as ``Double.toString`` prints them (``1.0E20``, ``1.0E-5``). Equality is
Jackson's too: ``1`` and ``1.0`` differ, ``true`` is not ``1``.
"""

from __future__ import annotations

import json
from typing import Any

from asl.language.causes import java_double

_encode_string = json.encoder.encode_basestring


def format_text(value: Any) -> str:
    """A value as ``States.Format`` inserts it."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join([format_text(item) for item in value]) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join([f"{key}={format_text(item)}" for key, item in value.items()]) + "}"
    return str(value)


def to_json(value: Any) -> str:
    """Compact JSON as Jackson writes it (no spaces, non-ASCII kept, Java doubles)."""
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ",".join([to_json(item) for item in value]) + "]"
    if isinstance(value, dict):
        return "{" + ",".join([_string(str(k)) + ":" + to_json(v) for k, v in value.items()]) + "}"
    return _string(str(value))


def _string(text: str) -> str:
    encoded: str = _encode_string(text)
    if "\\u00" not in encoded:
        return encoded
    # Python writes control characters as \u001f, Jackson as \u001F: redo them by hand.
    out = ['"']
    for char in text:
        code = ord(char)
        if code < 0x20 and char not in _NAMED_ESCAPES:
            out.append(f"\\u{code:04X}")
        else:
            out.append(_encode_string(char)[1:-1])
    out.append('"')
    return "".join(out)


_NAMED_ESCAPES = frozenset("\n\r\t\b\f")


def json_key(value: Any) -> object:
    """A hashable stand-in with Jackson's equality: types matter, key order does not."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int):
        return ("i", value)
    if isinstance(value, float):
        return ("f", value)
    if isinstance(value, list):
        return ("l", tuple([json_key(item) for item in value]))
    if isinstance(value, dict):
        return ("o", frozenset([(key, json_key(item)) for key, item in value.items()]))
    return ("?", repr(value))
