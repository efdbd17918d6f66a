"""The Parallel state: every branch gets the same input; the output lists theirs in order."""

from __future__ import annotations

from typing import Any

from asl.language.errors import ASLError
from asl.runtime.branches import PARK, Group
from asl.runtime.concurrent import Children, run_all
from asl.runtime.execution import Scope
from asl.runtime.fanout import fan_out, run_units
from asl.runtime.machine import StateMachine, run_machine_now
from asl.runtime.states.base import RecoverableState, failure


class ParallelState(RecoverableState):
    type = "Parallel"
    entered_event = "ParallelStateEntered"
    exited_event = "ParallelStateExited"

    def __init__(
        self,
        name: str,
        raw: dict[str, Any],
        branches: list[StateMachine],
        language: str = "JSONPath",
    ) -> None:
        super().__init__(name, raw, language)
        self.branches = branches
        self.all_sync = all(branch.is_sync for branch in branches)

    async def attempt(self, data: Any, scope: Scope, entered: int, retry_count: int) -> Any:
        record = scope.execution.record
        context = self.environment(scope, entered, retry_count)
        effective = self.prepare(data, context, entered)
        record("ParallelStateStarted", self.name, None, None)
        branches = self.branches
        try:
            units = fan_out(scope, self.name, branches, retry_count)  # a service's workers
            if units is not None:
                inputs = [effective] * len(branches)
                results = await run_units(units, scope, self.name, entered, inputs)
            elif self.all_sync:
                results = [
                    run_machine_now(branch, effective, self._branch_scope(scope, branch, index))
                    for index, branch in enumerate(branches)
                ]
            else:
                group = Group(self.name, scope, entered)
                children = Children.of(scope, group.key)
                finished = {**group.finished, **(await children.load() if children else {})}

                async def branch(index: int) -> Any:
                    if index in finished:  # recorded before a crash or a pause: not run again
                        group.done(index, finished[index])
                        return finished[index]
                    machine = branches[index]
                    output = await group.run(
                        index,
                        machine,
                        effective,
                        lambda: self._branch_scope(scope, machine, index),
                    )
                    if output is not PARK:
                        group.done(index, output)
                        if children:
                            await children.record(index, output)
                    return output

                results = await run_all(len(branches), 0, branch)
                group.pause_if_waiting(data)
        except ASLError as error:
            caught = ASLError(error.error, error.cause)
            record("ParallelStateFailed", self.name, None, failure(caught))
            raise caught from None
        record("ParallelStateSucceeded", self.name, None, None)
        return self.finish(data, results, context, entered)

    def _branch_scope(self, scope: Scope, branch: StateMachine, index: int) -> Scope:
        """A branch reads the outer variables; what it assigns its siblings never see."""
        return scope.child(
            scope.map_index, scope.map_value, branch.assigns, f"{self.name}[{index}]"
        )
