"""The functions AWS Step Functions adds to JSONata, with AWS's behaviour.

AWS documents ``$partition(array, chunkSize)``, ``$range(start, end, step)``,
``$hash(data, algorithm)``, ``$random([seed])``, ``$uuid()`` and ``$parse(jsonString)``.
Recorded executions fix some details:

* ``$partition`` returns an array of arrays, the last chunk holding the rest; a chunk
  size at least as long as the array gives one chunk (``[[0, 1]]``).
* ``$range`` includes ``end`` when a step lands on it (``$range(0, 10, 3)`` is
  ``[0, 3, 6, 9]``) and, being a JSONata sequence, a single value is returned bare
  (``$range(1, 9, 9)`` is ``1``).
* ``$parse`` gives the JSON value of its text (``"-0"`` is ``0``).

Arguments are cut toward zero, and what AWS answers with *nothing* (a chunk size below
one, an empty array, a step of zero or against the direction, a missing step or
algorithm) returns undefined, which fails the field -- as reported by an emulator that
measured AWS; unconfirmed by a recorded execution here. Wrong argument types raise
JSONata's ``T0410`` naming the function, as JSONata does for its own functions.

``$random(seed)`` draws from Java's ``java.util.Random(seed).nextDouble()``: AWS does
not document its generator, so only "same seed, same number" is promised.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import uuid
from collections.abc import Callable
from typing import Any, Final

from asl.language.jsonata.messages import render

# What a custom function returns for JSONata's "undefined"; the adapter maps it.
UNDEFINED: Final = object()
RANGE_LIMIT: Final = 360_145  # items; AWS refuses more (measured by an emulator, unconfirmed)
HASH_ALGORITHMS: Final = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}
_system_random = random.SystemRandom()


class FunctionError(Exception):
    """An AWS function refused its arguments: ``code`` and JSONata-worded ``message``.

    ``code`` is None for AWS's own (code-less) refusals such as the memory limit.
    """

    def __init__(self, code: str | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _signature_error(index: int, name: str) -> FunctionError:
    return FunctionError("T0410", render("T0410", named={"index": index, "token": name}))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _integer(value: Any, index: int, name: str) -> int:
    if not _is_number(value) or not math.isfinite(value):
        raise _signature_error(index, name)
    whole: int = math.trunc(value)
    return whole


def partition(items: Any = UNDEFINED, size: Any = UNDEFINED, *rest: Any) -> Any:
    if rest:
        raise _signature_error(3, "partition")
    if items is UNDEFINED or size is UNDEFINED:
        return UNDEFINED
    if not isinstance(items, list):
        items = [items]
    chunk = _integer(size, 2, "partition")
    if chunk < 1 or not items:
        return UNDEFINED
    return [items[i : i + chunk] for i in range(0, len(items), chunk)]


def range_(start: Any = UNDEFINED, end: Any = UNDEFINED, step: Any = UNDEFINED,
           *rest: Any) -> Any:
    if rest:
        raise _signature_error(4, "range")
    if start is UNDEFINED or end is UNDEFINED or step is UNDEFINED:
        return UNDEFINED
    first = _integer(start, 1, "range")
    last = _integer(end, 2, "range")
    stride = _integer(step, 3, "range")
    if stride == 0 or (last - first) * stride < 0:
        return UNDEFINED
    count = (last - first) // stride + 1
    if count > RANGE_LIMIT:
        raise FunctionError(
            None, "Expression evaluation memory limit exceeded: Check for excessive memory usage"
        )
    values = list(range(first, last + (1 if stride > 0 else -1), stride))
    return values[0] if len(values) == 1 else values


def hash_(data: Any = UNDEFINED, algorithm: Any = UNDEFINED, *rest: Any) -> Any:
    if rest:
        raise _signature_error(3, "hash")
    if data is UNDEFINED or algorithm is UNDEFINED:
        return UNDEFINED
    if not isinstance(data, str):
        raise _signature_error(1, "hash")
    name = HASH_ALGORITHMS.get(algorithm) if isinstance(algorithm, str) else None
    if name is None:
        raise _signature_error(2, "hash")
    return hashlib.new(name, data.encode("utf-8")).hexdigest()


def random_(seed: Any = UNDEFINED, *rest: Any) -> Any:
    if rest:
        raise _signature_error(2, "random")
    if seed is UNDEFINED:
        return _system_random.random()
    return JavaRandom(_integer(seed, 1, "random")).next_double()


def uuid_(*rest: Any) -> str:
    if rest:
        raise _signature_error(1, "uuid")
    return str(uuid.uuid4())


def parse(text: Any = UNDEFINED, *rest: Any) -> Any:
    if rest:
        raise _signature_error(2, "parse")
    if text is UNDEFINED:
        return UNDEFINED
    if not isinstance(text, str):
        raise _signature_error(1, "parse")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        raise FunctionError("D3030", render("D3030", named={"value": text})) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(name)  # NaN / Infinity are not JSON


class JavaRandom:
    """``java.util.Random``: the 48-bit linear congruential generator, bit for bit."""

    _MULTIPLIER: Final = 0x5DEECE66D
    _MASK: Final = (1 << 48) - 1

    def __init__(self, seed: int) -> None:
        self._seed = (seed ^ self._MULTIPLIER) & self._MASK

    def _next(self, bits: int) -> int:
        self._seed = (self._seed * self._MULTIPLIER + 0xB) & self._MASK
        return self._seed >> (48 - bits)

    def next_double(self) -> float:
        return ((self._next(26) << 27) + self._next(27)) * (1.0 / (1 << 53))


AWS_FUNCTIONS: Final[dict[str, Callable[..., Any]]] = {
    "partition": partition,
    "range": range_,
    "hash": hash_,
    "random": random_,
    "uuid": uuid_,
    "parse": parse,
}
