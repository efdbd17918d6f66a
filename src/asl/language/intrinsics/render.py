"""How AWS turns JSON values into text, and when it calls two values equal.

AWS runs intrinsics on the JVM, and it shows: ``States.Format`` prints objects
the way ``java.util.Map.toString`` does (``{a=1, b=[x, y]}``, strings unquoted),
``States.JsonToString`` writes compact JSON the way Jackson does, and doubles
print as ``Double.toString`` prints them (``1.0E20``, ``1.0E-5``). Equality is
Jackson's too: ``1`` and ``1.0`` differ, ``true`` is not ``1``.
"""

from __future__ import annotations

import json
import math
from typing import Any

_encode_string = json.encoder.encode_basestring  # type: ignore[attr-defined]


def java_double(value: float) -> str:
    """``Double.toString``: plain between 1e-3 and 1e7, else ``d.dddE±n``."""
    if value != value or value in (math.inf, -math.inf):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        return repr(value)  # Python's repr is plain and shortest in this range too
    digits, exponent = _shortest_digits(magnitude)
    mantissa = digits[0] + "." + (digits[1:] or "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{mantissa}E{exponent}"


def _shortest_digits(magnitude: float) -> tuple[str, int]:
    """The shortest round-tripping digits and the decimal exponent of the first one."""
    text = repr(magnitude)
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        digits = mantissa.replace(".", "").rstrip("0") or "0"
        return digits, int(exponent)
    whole, _, fraction = text.partition(".")
    if whole != "0":
        digits = (whole + fraction).rstrip("0")
        return digits, len(whole) - 1
    stripped = fraction.lstrip("0")
    return stripped.rstrip("0"), -(len(fraction) - len(stripped)) - 1


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
