"""The payload size limit (AWS: 256 KiB of UTF-8 JSON per state input or output).

Measuring a small agent result by serialising it would cost more than the
state transition itself, so a short walk over at most a few nodes computes an
upper bound first; anything larger is serialised by the C encoder, which is
faster per node than any Python walk. Both reject values that are not JSON
(sets, objects), which an agent might return by mistake.
"""

from __future__ import annotations

import json
from typing import Any

from asl.language.errors import DATA_LIMIT_EXCEEDED, TASK_FAILED, ASLError

DEFAULT_LIMIT = 256 * 1024
_WALK_BUDGET = 24  # nodes: beyond this the C encoder is cheaper
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


class _Large(Exception):
    """The value has more nodes than the walk's budget."""


def _upper_bound(value: Any, budget: list[int]) -> int:
    budget[0] -= 1
    if budget[0] < 0:
        raise _Large
    kind = type(value)
    if kind is str:
        return 6 * len(value) + 2
    if kind is dict:
        total = 2
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"an object key must be a string, not {type(key).__name__}")
            total += 6 * len(key) + 4 + _upper_bound(item, budget)
        return total
    if kind is list:
        total = 2
        for item in value:
            total += 1 + _upper_bound(item, budget)
        return total
    if kind is int:
        return 20 if -(10**17) < value < 10**17 else len(str(value))
    if kind is float or kind is bool or value is None:
        return 25
    if isinstance(value, dict):  # a dict subclass: the context object, selected by "$$"
        return _upper_bound(dict(value), budget)
    raise TypeError(f"{kind.__name__} is not a JSON type")


_SCALARS = (int, float, bool, type(None))


def _flat_object_bound(value: dict[Any, Any]) -> int | None:
    """A size bound for a small object of scalars (the common state output), else None."""
    total = 2
    for key, item in value.items():
        kind = type(item)
        if type(key) is not str or (kind is not str and kind not in _SCALARS):
            return None
        total += 6 * len(key) + (6 * len(item) + 6 if kind is str else 29)
    return total


def json_size(value: Any, limit: int) -> int:
    """The UTF-8 JSON size of ``value``, or a bound below ``limit`` when that is enough."""
    try:
        bound = _upper_bound(value, [_WALK_BUDGET])
        if bound < limit:
            return bound
    except _Large:
        pass
    text = _encode(value)
    if 4 * len(text) < limit:  # UTF-8 takes at most 4 bytes per code point
        return len(text)
    return len(text.encode())


def check_payload(value: Any, limit: int, source: str) -> None:
    """Raise States.DataLimitExceeded (or States.TaskFailed for non-JSON) as AWS would.

    ``source`` is what AWS names: the state for a state's output, the Task's
    resource (here: its agent) for an agent's result.
    """
    if type(value) is dict and len(value) <= _WALK_BUDGET:
        bound = _flat_object_bound(value)
        if bound is not None and bound < limit:
            return
    try:
        size = json_size(value, limit)
    except (TypeError, ValueError) as error:
        raise ASLError(
            TASK_FAILED, f"The state/task '{source}' returned a value that is not JSON: {error}"
        ) from None
    except RecursionError:
        raise ASLError(
            TASK_FAILED, f"The state/task '{source}' returned a value nested too deeply"
        ) from None
    if size > limit:
        raise ASLError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{source}' returned a result with a size exceeding "
            "the maximum number of bytes service limit.",
        )


def check_input(value: Any, limit: int) -> None:
    """The execution input must be JSON and within the limit."""
    try:
        size = json_size(value, limit)
    except (TypeError, ValueError, RecursionError) as error:
        raise ASLError("States.InvalidInput", f"The execution input is not JSON: {error}") from None
    if size > limit:
        raise ASLError(
            DATA_LIMIT_EXCEEDED,
            f"The execution input has {size} bytes, more than the limit of {limit} bytes.",
        )
