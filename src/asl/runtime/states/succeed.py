"""The Succeed state: ends the (sub-)machine with its filtered input (or its Output)."""

from __future__ import annotations

from typing import Any

from asl.runtime.execution import Scope
from asl.runtime.states.base import State, Transition


class SucceedState(State):
    type = "Succeed"
    entered_event = "SucceedStateEntered"
    exited_event = "SucceedStateExited"

    def __init__(self, name: str, raw: dict[str, Any], language: str = "JSONPath") -> None:
        super().__init__(name, raw, language)
        self.step = self._step

    def _step(self, data: Any, scope: Scope, entered: int) -> Transition:
        context = self.environment(scope, entered)
        return self.finish(data, self.prepare(data, context, entered), context, entered), None
