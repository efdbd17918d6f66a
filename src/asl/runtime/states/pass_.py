"""The Pass state: its result is ``Result``, or the (Parameters-shaped) input.

In JSONata the output is ``Output``, by default the input.
"""

from __future__ import annotations

import copy
from typing import Any

from asl.language.errors import ASLError
from asl.runtime.dataflow import located
from asl.runtime.execution import Scope
from asl.runtime.states.base import State, Transition


class PassState(State):
    type = "Pass"
    entered_event = "PassStateEntered"
    exited_event = "PassStateExited"
    has_parameters = True
    has_result = True

    def __init__(self, name: str, raw: dict[str, Any], language: str = "JSONPath") -> None:
        super().__init__(name, raw, language)
        prepare, finish, environment = self.prepare_fn, self.finish_fn, self.environment
        reads_context = bool(self.context_mode)
        following = self.next
        has_result = "Result" in raw and not self.jsonata
        fixed = raw.get("Result")
        fresh = isinstance(fixed, dict | list)  # a new copy each time: agents may change it

        def step(data: Any, scope: Scope, entered: int) -> Transition:
            context = environment(scope, entered) if reads_context else None
            try:
                result = data if prepare is None else prepare(data, context)
                if has_result:
                    result = copy.deepcopy(fixed) if fresh else fixed
                if finish is not None:
                    result = finish(data, result, context)
            except ASLError as error:
                raise located(error, name, entered) from None
            return result, following

        self.step = step
