"""The Choice state: the first rule that matches names the next state."""

from __future__ import annotations

from typing import Any

from asl.language.choice import Rule, compile_rule
from asl.language.errors import NO_CHOICE_MATCHED, ASLError
from asl.runtime.execution import Scope
from asl.runtime.states.base import State, Transition, located


class ChoiceState(State):
    type = "Choice"
    entered_event = "ChoiceStateEntered"
    exited_event = "ChoiceStateExited"

    def __init__(self, name: str, raw: dict[str, Any]) -> None:
        super().__init__(name, raw)
        self.rules: list[tuple[Rule, str]] = [
            (compile_rule(rule, f"/States/{name}/Choices/{index}"), rule["Next"])
            for index, rule in enumerate(raw["Choices"])
        ]
        self.default: str | None = raw.get("Default")
        self.needs_context = self.needs_context or any(r.uses_context for r, _ in self.rules)

    def step(self, data: Any, scope: Scope, entered: int) -> Transition:
        context = scope.context_object(self.name, entered, 0) if self.needs_context else None
        effective = self.prepare(data, context, entered)
        try:
            for rule, target in self.rules:
                if rule.evaluate(effective, context):
                    return self.finish(effective, effective, context, entered), target
        except ASLError as error:
            raise located(error, self.name, entered) from None
        if self.default is None:
            raise located(ASLError(NO_CHOICE_MATCHED, "No Matches!"), self.name, entered)
        return self.finish(effective, effective, context, entered), self.default
