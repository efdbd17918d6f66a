"""Branches of a top-level Map or Parallel that wait for a person or a callback.

An Approval (or a ``.waitForTaskToken`` Task) in a branch of a top-level Map or
Parallel *parks* that branch; the other branches run on. When every branch has
finished or parked, the container pauses the execution with one request per
parked branch, each with its own id. A resume re-enters the container: finished
branches are not run again, a parked branch whose request was decided continues
from the state that waited (with the input and variables it had), and one still
waiting parks again at once without running anything.

What a pause keeps (the *group*, JSON, in the store's memory namespace
:data:`PARKED` under the execution id)::

    {"state": container, "key": "Fan:5", "sequence": N,
     "finished": {"0": output, ...},
     "parked": {"1": {"state", "data", "variables", "pauses", "request"}, ...}}

Deeper nesting (a Map inside a branch) does not park: a state there that would
wait fails with ``States.Runtime``, as before.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from asl.runtime.machine import StateMachine, run_machine
from asl.runtime.pause import Paused

if TYPE_CHECKING:
    from asl.runtime.execution import Scope

PARKED = "asl.parked"  # memory namespace: the parked branches of a paused execution


class BranchPlace:
    """Where a branch of a top-level container is; names the requests made in it."""

    __slots__ = ("container", "index", "key", "pauses")

    def __init__(self, container: str, key: str, index: int, pauses: int = 0) -> None:
        self.container = container
        self.key = key  # the container's visit: "Fan:5"
        self.index = index
        # Decisions taken in this branch so far: a later wait in it gets a new request id.
        self.pauses = pauses

    def request_id(self, execution_id: str, state: str) -> str:
        return f"{execution_id}:{self.key}[{self.index}]/{state}:{self.pauses}"

    @property
    def label(self) -> str:
        return f"{self.container}[{self.index}]"


def branches_request(state: str, requests: list[Any]) -> dict[str, Any]:
    """What a paused container shows: the requests of its parked branches, by branch."""
    return {"type": "branches", "state": state, "requests": requests}


PARK = object()  # what a branch job returns when its branch parked


class Group:
    """One visit of a top-level container: the branches that finished and those parked."""

    __slots__ = ("enabled", "finished", "key", "parked", "scope", "state", "waiting")

    def __init__(self, state: str, scope: Scope, entered: int) -> None:
        self.state = state
        self.scope = scope
        self.enabled = not scope.nested
        saved = scope.execution.resuming.pop(state, None) if self.enabled else None
        self.key: str = saved["key"] if saved else f"{state}:{entered}"
        self.finished: dict[int, Any] = _by_index(saved["finished"]) if saved else {}
        self.parked: dict[int, dict[str, Any]] = _by_index(saved["parked"]) if saved else {}
        self.waiting: dict[int, dict[str, Any]] = {}

    async def run(
        self,
        index: int,
        machine: StateMachine,
        data: Any,
        branch_scope: Callable[[], Scope],
    ) -> Any:
        """The branch's output, or :data:`PARK` when it waits."""
        parked = self.parked.get(index)
        start: str | None = None
        scope = branch_scope()
        if parked is not None:
            if parked["request"]["requestId"] not in self.scope.execution.decisions:
                self.waiting[index] = parked  # still undecided: park again, run nothing
                return PARK
            start, data = parked["state"], parked["data"]
            if isinstance(scope.variables, ChainMap):
                scope.variables.maps[0].update(parked["variables"])
        if self.enabled:
            scope.branch = BranchPlace(
                self.state, self.key, index, parked["pauses"] if parked else 0
            )
        try:
            return await run_machine(machine, data, scope, start)
        except Paused as pause:
            if scope.branch is None:  # only top-level containers park their branches
                raise
            own = scope.variables.maps[0] if isinstance(scope.variables, ChainMap) else {}
            self.waiting[index] = {
                "state": pause.state,
                "data": pause.state_input,
                "variables": dict(own),
                "pauses": scope.branch.pauses,
                "request": pause.request,
            }
            return PARK

    def done(self, index: int, output: Any) -> None:
        if self.enabled:
            self.finished[index] = output

    def pause_if_waiting(self, state_input: Any) -> None:
        """Pause the execution at the container when a branch waits."""
        if not self.waiting:
            return
        requests = [self.waiting[index]["request"] for index in sorted(self.waiting)]
        raise Paused(
            self.state,
            state_input,
            branches_request(self.state, requests),
            {
                "state": self.state,
                "key": self.key,
                "finished": {str(index): output for index, output in self.finished.items()},
                "parked": {str(index): parked for index, parked in self.waiting.items()},
            },
        )


def _by_index(saved: dict[str, Any]) -> dict[int, Any]:
    return {int(index): value for index, value in saved.items()}
