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
from asl.runtime.dataflow import ResultApplier, compile_result_path, located
from asl.runtime.flow import (
    Finish,
    jsonata_finish,
    jsonata_template,
    jsonpath_assigner,
    store,
)

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
    """One Catch entry: which errors, where to go, and what the output becomes.

    JSONPath: the error object goes to ``ResultPath`` (default ``$``) of the
    state input, and ``Assign`` sees it as ``$``. JSONata: ``Output`` (default
    ``$states.errorOutput``) and ``Assign`` see ``$states.errorOutput``.
    """

    __slots__ = ("context_mode", "error_equals", "finish", "next", "result_path")

    def __init__(self, raw: dict[str, Any], jsonata: bool) -> None:
        self.error_equals = frozenset(raw["ErrorEquals"])
        self.next: str = raw["Next"]
        self.result_path: ResultApplier | None = None
        self.finish: Finish | None = None
        if jsonata:
            output, output_mode = jsonata_template(raw, "Output")
            assign, assign_mode = jsonata_template(raw, "Assign")
            self.finish = jsonata_finish(output, assign, "errorOutput")
            self.context_mode = max(output_mode, assign_mode)
        else:
            self.result_path = compile_result_path(raw)
            assigner, self.context_mode = jsonpath_assigner(raw)
            if assigner is not None:
                values_of = assigner

                def finish(state_input: Any, error: Any, context: Any) -> Any:
                    values = values_of(state_input, error, context)
                    output = (
                        error if self.result_path is None else self.result_path(state_input, error)
                    )
                    store(context, values)
                    return output

                self.finish = finish

    def output(self, state_input: Any, error: dict[str, Any], context: Any) -> Any:
        if self.finish is not None:
            return self.finish(state_input, error, context)
        if self.result_path is not None:
            return self.result_path(state_input, error)
        return error


def error_output(error: ASLError) -> dict[str, Any]:
    """The object a Catch hands on: ``{"Error": ..., "Cause": ...}``."""
    output: dict[str, Any] = {"Error": error.error}
    if error.cause:
        output["Cause"] = error.cause
    return output


class ErrorHandling:
    """A state's Retry and Catch lists."""

    __slots__ = ("catchers", "context_mode", "retriers")

    def __init__(self, raw: dict[str, Any], jsonata: bool = False) -> None:
        self.retriers: Sequence[Retrier] = [Retrier(r) for r in raw.get("Retry", ())]
        self.catchers: Sequence[Catcher] = [Catcher(c, jsonata) for c in raw.get("Catch", ())]
        self.context_mode = max((c.context_mode for c in self.catchers), default=0)

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

    def catch(
        self, error: ASLError, state_input: Any, context: Any, state: str, entered: int
    ) -> tuple[Any, str] | None:
        """The output and next state of the first matching catcher, or None."""
        for catcher in self.catchers:
            if error_matches(catcher.error_equals, error.error):
                try:
                    output = catcher.output(state_input, error_output(error), context)
                except ASLError as failure:
                    raise located(failure, state, entered) from None
                return output, catcher.next
        return None
