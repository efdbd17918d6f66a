"""Intrinsic functions ASL adds on top of AWS (not available on AWS Step Functions).

They follow the AWS conventions (same argument checker, same failure wording)
and keep JSON types honest: booleans are never numbers, and integer arithmetic
stays integer. Their argument counts are checked when the workflow is compiled,
because no AWS behaviour constrains them and an early error is kinder.
"""

from __future__ import annotations

import math
from typing import Any

from asl.language.intrinsics.render import to_json
from asl.language.intrinsics.signature import Invalid
from asl.language.metering import METER, Meter
from asl.language.tokens import count_tokens

CHARS_PER_TOKEN = 4


def math_subtract(first: int | float, second: int | float) -> int | float:
    return _finite(first - second)


def math_multiply(first: int | float, second: int | float) -> int | float:
    return _finite(first * second)


def token_count(value: Any) -> int:
    """Tokens of the text (JSON for other values) in tiktoken's cl100k_base encoding."""
    return count_tokens(value)


def estimate_cost(context: Any, value: Any, model: str) -> float | None:
    """The price of sending the text to ``model`` as input; null when its price is unknown."""
    meter: Meter = _meter(context, "States.EstimateCost")
    return meter.estimate_cost(value, model)


def remaining_budget(context: Any) -> float | None:
    """Money left under the workflow's MaxCost; null when the workflow sets none."""
    meter: Meter = _meter(context, "States.RemainingBudget")
    return meter.remaining_budget()


def _meter(context: Any, name: str) -> Any:
    try:
        return context[METER]
    except (KeyError, TypeError):
        raise Invalid(f"{name} needs a running execution") from None


def truncate(value: Any, max_tokens: int) -> str:
    text = value if isinstance(value, str) else to_json(value)
    limit = max_tokens * CHARS_PER_TOKEN
    return text[:limit] + "..." if len(text) > limit else text


def merge(*objects: dict[str, Any]) -> dict[str, Any]:
    """Deep merge: nested objects merge key by key, anything else is replaced."""
    result: dict[str, Any] = {}
    for obj in objects:
        _merge_into(result, obj)
    return result


def pick(obj: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: obj[key] for key in dict.fromkeys(keys) if key in obj}


def omit(obj: dict[str, Any], *keys: str) -> dict[str, Any]:
    dropped = set(keys)
    return {key: value for key, value in obj.items() if key not in dropped}


def array_concat(*values: Any) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if isinstance(value, list):
            out.extend(value)
        else:
            out.append(value)
    return out


def coalesce(*values: Any) -> Any:
    for value in values:
        if value is not None:
            return value
    return None


def current_cost(context: Any) -> int | float:
    return _execution_number(context, "Cost", 0.0)


def current_tokens(context: Any) -> int | float:
    return _execution_number(context, "TokensUsed", 0)


def _merge_into(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        existing = target.get(key)
        if isinstance(value, dict) and isinstance(existing, dict):
            merged = dict(existing)
            _merge_into(merged, value)
            target[key] = merged
        else:
            target[key] = _copy(value)


def _copy(value: Any) -> Any:
    """Fresh containers, so the result never aliases the inputs."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _finite(result: int | float) -> int | float:
    if isinstance(result, float) and not math.isfinite(result):
        raise Invalid("the result is not a finite number")
    return result


def _execution_number(context: Any, key: str, default: int | float) -> int | float:
    execution = context.get("Execution") if isinstance(context, dict) else None
    value = execution.get(key) if isinstance(execution, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return default
