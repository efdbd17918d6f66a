"""The Fail state: stops the machine with an error and cause, fixed or computed.

``ErrorPath`` and ``CausePath`` may be a reference path or an intrinsic call,
evaluated on the state's raw input; in JSONata ``Error`` and ``Cause`` may be
expressions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asl.language.causes import parameter_path_cause, path_input
from asl.language.errors import RUNTIME, ASLError
from asl.language.intrinsics import compile_intrinsic, is_intrinsic
from asl.language.paths import NoResults, compile_reference_path
from asl.runtime.dataflow import located
from asl.runtime.execution import Scope
from asl.runtime.flow import (
    FULL_CONTEXT,
    NO_CONTEXT,
    VARIABLES_ONLY,
    jsonata_template,
    path_text_mode,
    plain,
    variables_of,
)
from asl.runtime.states.base import State, Transition

Resolver = Callable[[Any, Any], Any]


class FailError(ASLError):
    """The error a Fail state ends its machine with."""


def _resolver(raw: dict[str, Any], field: str, jsonata: bool) -> tuple[Resolver | None, int]:
    """How to compute Error or Cause, and what context that needs."""
    fixed = raw.get(field)
    if jsonata:
        if fixed is None:
            return None, NO_CONTEXT
        template, mode = jsonata_template(raw, field)
        assert template is not None
        named = template

        def compute(data: Any, context: Any) -> Any:
            states = {"input": data, "context": plain(context)}
            return named.typed(states, variables_of(context), "string", _is_string)

        return compute, mode
    text = raw.get(field + "Path")
    if not isinstance(text, str):
        return ((lambda data, context: fixed) if fixed is not None else None), NO_CONTEXT
    if is_intrinsic(text):
        intrinsic = compile_intrinsic(text)
        if intrinsic.uses_context:
            return intrinsic.evaluate, FULL_CONTEXT
        return intrinsic.evaluate, VARIABLES_ONLY if intrinsic.uses_variables else NO_CONTEXT
    path = compile_reference_path(text)

    def select(data: Any, context: Any) -> Any:
        try:
            return path.evaluate(data, context)
        except NoResults:
            cause = parameter_path_cause(path.text, field + "Path", path_input(path, data, context))
            raise ASLError(RUNTIME, cause) from None

    return select, path_text_mode(text)


class FailState(State):
    type = "Fail"
    entered_event = "FailStateEntered"
    exited_event = None

    def __init__(self, name: str, raw: dict[str, Any], language: str = "JSONPath") -> None:
        super().__init__(name, raw, language)
        self.error, error_mode = _resolver(raw, "Error", self.jsonata)
        self.cause, cause_mode = _resolver(raw, "Cause", self.jsonata)
        self.context_mode = max(error_mode, cause_mode)
        self.step = self._step

    def _step(self, data: Any, scope: Scope, entered: int) -> Transition:
        context = self.environment(scope, entered)
        try:
            error = self.error(data, context) if self.error else None
            cause = self.cause(data, context) if self.cause else None
        except ASLError as failure:
            raise located(failure, self.name, entered) from None
        for field, value in (("Error", error), ("Cause", cause)):
            if value is not None and not isinstance(value, str):
                kind = field if self.jsonata else field + "Path"
                raise located(
                    ASLError(
                        RUNTIME,
                        f"The {kind} of a Fail state must give a string, "
                        f"got {type(value).__name__}",
                    ),
                    self.name,
                    entered,
                )
        raise FailError(error or "", cause or "")


def _is_string(value: Any) -> bool:
    return isinstance(value, str)
