"""The Choice state: the first rule that matches names the next state.

With no match and no Default, AWS fails the execution with ``States.Runtime``
("Failed to transition out of the state ..."), not ``States.NoChoiceMatched``.

The state's own ``Assign`` (and, in JSONata, ``Output``) apply when the
Default is taken; a matched rule applies its own ``Assign``/``Output``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asl.language.choice import NO_MATCH_CAUSE, compile_rule
from asl.language.errors import QUERY_EVALUATION_ERROR, RUNTIME, ASLError
from asl.language.jsonata import compile_expression, unexpected_type_cause
from asl.runtime.dataflow import located
from asl.runtime.execution import Scope
from asl.runtime.flow import (
    FULL_CONTEXT,
    NO_CONTEXT,
    VARIABLES_ONLY,
    Finish,
    jsonata_finish,
    jsonata_template,
    jsonpath_assigner,
    plain,
    store,
    variables_of,
)
from asl.runtime.states.base import State, Transition

Matcher = Callable[[Any, Any], bool]


class ChoiceState(State):
    type = "Choice"
    entered_event = "ChoiceStateEntered"
    exited_event = "ChoiceStateExited"

    def __init__(self, name: str, raw: dict[str, Any], language: str = "JSONPath") -> None:
        # The state's Assign and Output belong to the Default (see _rule_finish).
        paths_only = {key: value for key, value in raw.items() if key not in ("Assign", "Output")}
        super().__init__(name, paths_only, language)
        rules: list[tuple[Matcher, str, Finish | None]] = []
        for index, rule in enumerate(raw["Choices"]):
            matches, mode = self._matcher(rule, f"/States/{name}/Choices/{index}", index)
            rule_finish, finish_mode = self._rule_finish(rule, f"Choices[{index}]/")
            self.needs(max(mode, finish_mode))
            rules.append((matches, rule["Next"], rule_finish))
        default_finish, default_mode = self._rule_finish(raw, "")
        self.needs(default_mode)
        default: str | None = raw.get("Default")
        prepare, path_finish = self.prepare_fn, self.finish_fn
        environment = self.environment
        reads_context = bool(self.context_mode)

        def step(data: Any, scope: Scope, entered: int) -> Transition:
            context = environment(scope, entered) if reads_context else None
            try:
                effective = data if prepare is None else prepare(data, context)
                target, chosen_finish = default, default_finish
                for matches, rule_target, rule_finish in rules:
                    if matches(effective, context):
                        target, chosen_finish = rule_target, rule_finish
                        break
                if target is None:
                    raise ASLError(RUNTIME, NO_MATCH_CAUSE)
                output = effective
                if chosen_finish is not None:
                    output = chosen_finish(data, effective, context)
                if path_finish is not None:
                    output = path_finish(output, output, context)
            except ASLError as error:
                raise located(error, name, entered) from None
            return output, target

        self.step = step

    def _matcher(self, rule: dict[str, Any], pointer: str, index: int) -> tuple[Matcher, int]:
        if not self.jsonata:
            compiled = compile_rule(rule, pointer)
            if compiled.uses_context:
                return compiled.evaluate, FULL_CONTEXT
            return compiled.evaluate, VARIABLES_ONLY if compiled.uses_variables else NO_CONTEXT
        text = rule["Condition"]
        condition = compile_expression(text)
        mode = FULL_CONTEXT if "context" in text else VARIABLES_ONLY
        field = f"Choices[{index}]/Condition"

        def matches(data: Any, context: Any) -> bool:
            states = {"input": data, "context": plain(context)}
            value = condition.evaluate(states, variables_of(context), field)
            if type(value) is not bool:
                cause = unexpected_type_cause(condition.source, field, "boolean", value)
                raise ASLError(QUERY_EVALUATION_ERROR, cause)
            return value

        return matches, mode

    def _rule_finish(self, rule: dict[str, Any], prefix: str) -> tuple[Finish | None, int]:
        """A rule's (or the Default's) Output and Assign: ``(state_input, effective, context)``."""
        if self.jsonata:
            output, output_mode = jsonata_template(rule, "Output", prefix + "Output")
            assign, assign_mode = jsonata_template(rule, "Assign", prefix + "Assign")
            return jsonata_finish(output, assign), max(output_mode, assign_mode)
        assigner, mode = jsonpath_assigner(rule)
        if assigner is None:
            return None, NO_CONTEXT
        values_of = assigner

        def finish(state_input: Any, effective: Any, context: Any) -> Any:
            store(context, values_of(state_input, effective, context))
            return effective

        return finish, mode
