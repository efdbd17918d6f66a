"""The intrinsic functions AWS Step Functions defines, with AWS's own rules.

Facts recorded against AWS that shape these bodies (see docs/intrinsics.md):

* ``MathAdd`` rounds each operand half up (Java ``Math.round``) and works in
  32-bit integers; ``ArrayRange``, ``ArrayPartition``, ``ArrayGetItem`` and
  ``MathRandom`` cut fractions toward zero instead.
* ``ArrayRange`` includes its end and may hold at most 1000 items.
* ``StringSplit`` splits on *any* of the delimiter characters and drops empty
  pieces (Java's ``StringTokenizer``).
* ``StringToJson`` of an empty or blank string is ``null``.
* ``Hash`` knows exactly ``MD5``, ``SHA-1``, ``SHA-256``, ``SHA-384`` and
  ``SHA-512``; ``Hash``, ``Base64Encode`` and ``Base64Decode`` take at most
  10,000 characters.
* ``JsonMerge`` only merges shallowly; its third argument must be ``false``.

Every argument problem raises :class:`Invalid`; the caller words it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import random
import uuid
from typing import Any

from asl.language.intrinsics.render import format_text, json_key, to_json
from asl.language.intrinsics.signature import Invalid

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
MAX_RANGE_ITEMS = 1000
MAX_TEXT_LENGTH = 10_000
HASH_ALGORITHMS = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}

_random = random.Random()


def array(*values: Any) -> list[Any]:
    return list(values)


def array_partition(items: list[Any], size: int) -> list[list[Any]]:
    if size <= 0:
        raise Invalid("the chunk size must be at least 1")
    return [items[i : i + size] for i in range(0, len(items), size)]


def array_contains(items: list[Any], value: Any) -> bool:
    key = json_key(value)
    return any(json_key(item) == key for item in items)


def array_range(start: int, end: int, step: int) -> list[int]:
    if step == 0:
        raise Invalid("the step must not be 0")
    if (step > 0 and end < start) or (step < 0 and end > start):
        return []
    count = (end - start) // step + 1
    if count > MAX_RANGE_ITEMS:
        raise Invalid(f"the range would hold more than {MAX_RANGE_ITEMS} items")
    return list(range(start, start + count * step, step))


def array_get_item(items: list[Any], index: int) -> Any:
    if index < 0:
        raise Invalid("the index must not be negative")
    if index < len(items):
        return items[index]
    if not items:  # recorded on AWS: an empty array gives null, not an error
        return None
    raise Invalid("the index is past the end of the array")


def array_length(items: list[Any]) -> int:
    return len(items)


def array_unique(items: list[Any]) -> list[Any]:
    seen: set[object] = set()
    unique: list[Any] = []
    for item in items:
        key = json_key(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def base64_encode(text: str) -> str:
    _limit(text)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def base64_decode(text: str) -> str:
    _limit(text)
    try:
        return base64.b64decode(text.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise Invalid("not valid Base64 of UTF-8 text") from None


def hash_(data: Any, algorithm: str) -> str:
    name = HASH_ALGORITHMS.get(algorithm)
    if name is None:
        raise Invalid(f"unknown algorithm '{algorithm}'")
    if data is None:
        raise Invalid("no data to hash")
    text = data if isinstance(data, str) else format_text(data)
    _limit(text)
    return hashlib.new(name, text.encode("utf-8")).hexdigest()


def json_merge(first: dict[str, Any], second: dict[str, Any], deep: bool) -> dict[str, Any]:
    if deep:
        raise Invalid("only the shallow merge (false) is supported")
    return {**first, **second}


def math_random(start: int, end: int, seed: int | None = None) -> int:
    if start >= end:
        raise Invalid("the start must be less than the end")
    generator = _random if seed is None else random.Random(seed)
    return generator.randrange(start, end)


def math_add(first: int, second: int) -> int:
    if not (INT32_MIN <= first <= INT32_MAX and INT32_MIN <= second <= INT32_MAX):
        raise Invalid("operands must be 32-bit integers")
    total = first + second
    if not INT32_MIN <= total <= INT32_MAX:
        raise Invalid("the sum is not a 32-bit integer")
    return total


def string_split(text: str, delimiters: str) -> list[str]:
    if not delimiters:
        return [text] if text else []
    if len(delimiters) == 1:
        return [piece for piece in text.split(delimiters) if piece]
    separators = set(delimiters)
    pieces: list[str] = []
    current: list[str] = []
    for char in text:
        if char in separators:
            if current:
                pieces.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        pieces.append("".join(current))
    return pieces


def string_to_json(text: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise Invalid("not valid JSON") from None


def json_to_string(value: Any) -> str:
    return to_json(value)


def make_uuid() -> str:
    return str(uuid.uuid4())


def _limit(text: str) -> None:
    if len(text) > MAX_TEXT_LENGTH:
        raise Invalid(f"the text is longer than {MAX_TEXT_LENGTH} characters")


def _reject_constant(name: str) -> Any:
    raise ValueError(name)
