"""The Pass state: its result is ``Result``, or the (Parameters-shaped) input."""

from __future__ import annotations

import copy
from typing import Any

from asl.runtime.execution import Scope
from asl.runtime.states.base import State, Transition

_NO_RESULT = object()


class PassState(State):
    type = "Pass"
    entered_event = "PassStateEntered"
    exited_event = "PassStateExited"
    has_parameters = True
    has_result = True

    def __init__(self, name: str, raw: dict[str, Any]) -> None:
        super().__init__(name, raw)
        self.result = raw.get("Result", _NO_RESULT)
        self.result_is_container = isinstance(self.result, dict | list)

    def step(self, data: Any, scope: Scope, entered: int) -> Transition:
        context = scope.context_object(self.name, entered, 0) if self.needs_context else None
        result = self.prepare(data, context, entered)
        if self.result is not _NO_RESULT:
            # A fresh copy each time: the output may be changed by an agent later on.
            result = copy.deepcopy(self.result) if self.result_is_container else self.result
        return self.finish(data, result, context, entered), self.next
