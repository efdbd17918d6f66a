"""The payload size limit (AWS: 256 KiB of UTF-8 JSON per state input or output).

Serialising every agent result just to measure it would cost more than the
state transition itself, so a cheap walk computes an upper bound first and
the exact size is measured only when that bound reaches the limit. The walk
also rejects values that are not JSON (sets, objects), which an agent might
return by mistake.
"""

from __future__ import annotations

import json
from typing import Any

from asl.language.errors import DATA_LIMIT_EXCEEDED, TASK_FAILED, ASLError

DEFAULT_LIMIT = 256 * 1024


def _upper_bound(value: Any) -> int:
    kind = type(value)
    if kind is str:
        return 6 * len(value) + 2
    if kind is dict:
        total = 2
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"an object key must be a string, not {type(key).__name__}")
            total += 6 * len(key) + 4 + _upper_bound(item)
        return total
    if kind is list or kind is tuple:
        total = 2
        for item in value:
            total += 1 + _upper_bound(item)
        return total
    if kind is int:
        return len(str(value)) if value > 10**17 or value < -(10**17) else 20
    if kind is float or kind is bool or value is None:
        return 25
    raise TypeError(f"{kind.__name__} is not a JSON type")


def check_payload(value: Any, limit: int, state: str) -> None:
    """Raise States.DataLimitExceeded (or States.TaskFailed for non-JSON) as AWS would."""
    try:
        bound = _upper_bound(value)
    except TypeError as error:
        raise ASLError(
            TASK_FAILED, f"The state '{state}' returned a value that is not JSON: {error}"
        ) from None
    except RecursionError:
        cause = f"The state '{state}' returned a value nested too deeply"
        raise ASLError(TASK_FAILED, cause) from None
    if bound < limit:
        return
    size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
    if size > limit:
        raise ASLError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{state}' returned a result with a size exceeding "
            "the maximum number of bytes service limit.",
        )


def check_input(value: Any, limit: int) -> None:
    """The execution input must be JSON and within the limit."""
    try:
        size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
    except (TypeError, ValueError) as error:
        raise ASLError("States.InvalidInput", f"The execution input is not JSON: {error}") from None
    if size > limit:
        raise ASLError(
            DATA_LIMIT_EXCEEDED,
            f"The execution input has {size} bytes, more than the limit of {limit} bytes.",
        )
