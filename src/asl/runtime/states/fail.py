"""The Fail state: stops the machine with an error and cause, fixed or computed.

``ErrorPath`` and ``CausePath`` may be a reference path or an intrinsic call,
evaluated on the state's raw input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asl.language.causes import parameter_path_cause
from asl.language.errors import RUNTIME, ASLError
from asl.language.intrinsics import compile_intrinsic, is_intrinsic
from asl.language.paths import NoResults, compile_reference_path
from asl.runtime.execution import Scope
from asl.runtime.states.base import State, Transition, located

Resolver = Callable[[Any, Any], Any]


class FailError(ASLError):
    """The error a Fail state ends its machine with."""


def _resolver(raw: dict[str, Any], field: str) -> tuple[Resolver | None, bool]:
    text = raw.get(field + "Path")
    if not isinstance(text, str):
        fixed = raw.get(field)
        return (lambda data, context: fixed) if fixed is not None else None, False
    if is_intrinsic(text):
        intrinsic = compile_intrinsic(text)
        return intrinsic.evaluate, intrinsic.uses_context
    path = compile_reference_path(text)

    def select(data: Any, context: Any) -> Any:
        try:
            return path.evaluate(data, context)
        except NoResults:
            source = context if path.is_context else data
            cause = parameter_path_cause(path.text, field + "Path", source)
            raise ASLError(RUNTIME, cause) from None

    return select, path.is_context


class FailState(State):
    type = "Fail"
    entered_event = "FailStateEntered"
    exited_event = None

    def __init__(self, name: str, raw: dict[str, Any]) -> None:
        super().__init__(name, raw)
        self.error, error_context = _resolver(raw, "Error")
        self.cause, cause_context = _resolver(raw, "Cause")
        self.needs_context = error_context or cause_context
        self.step = self._step

    def _step(self, data: Any, scope: Scope, entered: int) -> Transition:
        context = scope.context_object(self.name, entered) if self.needs_context else None
        try:
            error = self.error(data, context) if self.error else None
            cause = self.cause(data, context) if self.cause else None
        except ASLError as failure:
            raise located(failure, self.name, entered) from None
        for field, value in (("ErrorPath", error), ("CausePath", cause)):
            if value is not None and not isinstance(value, str):
                raise located(
                    ASLError(
                        "States.Runtime",
                        f"The {field} of a Fail state must select a "
                        f"string, got {type(value).__name__}",
                    ),
                    self.name,
                    entered,
                )
        raise FailError(error or "", cause or "")
