"""The Succeed state: ends the (sub-)machine with its filtered input."""

from __future__ import annotations

from typing import Any

from asl.runtime.execution import Scope
from asl.runtime.states.base import State, Transition


class SucceedState(State):
    type = "Succeed"
    entered_event = "SucceedStateEntered"
    exited_event = "SucceedStateExited"

    def __init__(self, name: str, raw: dict[str, Any]) -> None:
        super().__init__(name, raw)
        self.step = self._step

    def _step(self, data: Any, scope: Scope, entered: int) -> Transition:
        context = scope.context_object(self.name, entered) if self.needs_context else None
        return self.finish(data, self.prepare(data, context, entered), context, entered), None
