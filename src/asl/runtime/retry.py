"""Retry and Catch, as AWS evaluates them.

On every failure the retriers are scanned in order and the first whose
ErrorEquals matches decides alone: if its attempts are used up the state goes
to Catch, even when a later retrier would also match. Each retrier keeps its
own attempt count for the current visit of the state.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from asl.language import errors as names
from asl.language.errors import ASLError
from asl.runtime.dataflow import ResultApplier, compile_result_path

_TIMEOUTS = frozenset({names.TIMEOUT, names.HEARTBEAT_TIMEOUT})
_NEVER_CAUGHT = frozenset({names.RUNTIME})


def error_matches(error_equals: frozenset[str], error: str) -> bool:
    """Whether an ErrorEquals list matches an error name.

    ``States.Runtime`` is never caught; ``States.ALL`` matches everything else
    (AWS's recorded executions show it catching ``States.DataLimitExceeded``);
    ``States.TaskFailed`` matches every error but the timeouts;
    ``States.Timeout`` also matches heartbeat timeouts.
    """
    if error in _NEVER_CAUGHT:
        return False
    if error in error_equals or names.ALL in error_equals:
        return True
    if names.TASK_FAILED in error_equals:
        return error not in _TIMEOUTS
    return error == names.HEARTBEAT_TIMEOUT and names.TIMEOUT in error_equals


class Retrier:
    __slots__ = ("backoff_rate", "error_equals", "interval", "jitter", "max_attempts", "max_delay")

    def __init__(self, raw: dict[str, Any]) -> None:
        self.error_equals = frozenset(raw["ErrorEquals"])
        self.interval = float(raw.get("IntervalSeconds", 1))
        self.max_attempts = int(raw.get("MaxAttempts", 3))
        self.backoff_rate = float(raw.get("BackoffRate", 2.0))
        max_delay = raw.get("MaxDelaySeconds")
        self.max_delay = float(max_delay) if max_delay is not None else None
        self.jitter = str(raw.get("JitterStrategy", "NONE")).upper() == "FULL"

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt + 1``."""
        delay = self.interval * self.backoff_rate**attempt
        if self.max_delay is not None:
            delay = min(delay, self.max_delay)
        if self.jitter:
            delay = random.uniform(0, delay)
        return delay


class Catcher:
    __slots__ = ("error_equals", "next", "result_path")

    def __init__(self, raw: dict[str, Any]) -> None:
        self.error_equals = frozenset(raw["ErrorEquals"])
        self.next: str = raw["Next"]
        self.result_path: ResultApplier | None = compile_result_path(raw)


def error_output(error: ASLError) -> dict[str, Any]:
    """The object a Catch hands on: ``{"Error": ..., "Cause": ...}``."""
    output: dict[str, Any] = {"Error": error.error}
    if error.cause:
        output["Cause"] = error.cause
    return output


class ErrorHandling:
    """A state's Retry and Catch lists."""

    __slots__ = ("catchers", "retriers")

    def __init__(self, raw: dict[str, Any]) -> None:
        self.retriers: Sequence[Retrier] = [Retrier(r) for r in raw.get("Retry", ())]
        self.catchers: Sequence[Catcher] = [Catcher(c) for c in raw.get("Catch", ())]

    def retry_delay(self, error: ASLError, attempts: list[int]) -> float | None:
        """The delay before retrying, or None when no retrier allows another attempt."""
        for index, retrier in enumerate(self.retriers):
            if error_matches(retrier.error_equals, error.error):
                if attempts[index] >= retrier.max_attempts:
                    return None
                delay = retrier.delay(attempts[index])
                attempts[index] += 1
                return delay
        return None

    def catch(self, error: ASLError, state_input: Any) -> tuple[Any, str] | None:
        """The output and next state of the first matching catcher, or None."""
        for catcher in self.catchers:
            if error_matches(catcher.error_equals, error.error):
                output = error_output(error)
                if catcher.result_path is not None:
                    output = catcher.result_path(state_input, output)
                return output, catcher.next
        return None
