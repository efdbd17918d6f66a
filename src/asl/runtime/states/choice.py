"""The Choice state: the first rule that matches names the next state.

With no match and no Default, AWS fails the execution with ``States.Runtime``
("Failed to transition out of the state ..."), not ``States.NoChoiceMatched``.
"""

from __future__ import annotations

from typing import Any

from asl.language.choice import NO_MATCH_CAUSE, compile_rule
from asl.language.errors import RUNTIME, ASLError
from asl.runtime.execution import Scope
from asl.runtime.states.base import State, Transition, located


class ChoiceState(State):
    type = "Choice"
    entered_event = "ChoiceStateEntered"
    exited_event = "ChoiceStateExited"

    def __init__(self, name: str, raw: dict[str, Any]) -> None:
        super().__init__(name, raw)
        compiled = [
            (compile_rule(rule, f"/States/{name}/Choices/{index}"), rule["Next"])
            for index, rule in enumerate(raw["Choices"])
        ]
        rules = [(rule.evaluate, target) for rule, target in compiled]
        default: str | None = raw.get("Default")
        needs_context = self.needs_context or any(rule.uses_context for rule, _ in compiled)
        self.needs_context = needs_context
        prepare, finish = self.prepare_fn, self.finish_fn

        def step(data: Any, scope: Scope, entered: int) -> Transition:
            context = scope.context_object(name, entered) if needs_context else None
            try:
                effective = data if prepare is None else prepare(data, context)
                target = default
                for matches, rule_target in rules:
                    if matches(effective, context):
                        target = rule_target
                        break
                if target is None:
                    raise ASLError(RUNTIME, NO_MATCH_CAUSE)
                if finish is not None:
                    effective = finish(effective, effective, context)
            except ASLError as error:
                raise located(error, name, entered) from None
            return effective, target

        self.step = step
