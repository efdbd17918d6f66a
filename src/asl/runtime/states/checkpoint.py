"""The Checkpoint state (ASL): a named save point an execution can be restarted from.

The state saves, in the engine's store, what a restart needs: the state that
follows, the output, the variables and the document's hash, kept for ``TTL``
(default 7 days). Its output is its input: the checkpoint changes no data
unless a ``ResultPath`` asks for the checkpoint object ``{"checkpoint":
{"name", "id", "createdAt"}}``. ``engine.restart(execution_id, name)`` starts a
new execution from there.
"""

from __future__ import annotations

from typing import Any

from asl.language.errors import ASLError
from asl.runtime.dataflow import compile_result_path, located
from asl.runtime.execution import Scope
from asl.runtime.history import iso_timestamp
from asl.runtime.pause import parse_duration
from asl.runtime.states.base import State, Transition

DEFAULT_TTL = "7d"


class CheckpointState(State):
    type = "Checkpoint"
    is_sync = False
    entered_event = "CheckpointStateEntered"
    exited_event = "CheckpointStateExited"

    def __init__(self, name: str, raw: dict[str, Any], language: str = "JSONPath") -> None:
        super().__init__(name, raw, language)
        self.checkpoint = str(raw.get("Name") or name)
        self.ttl = parse_duration(raw.get("TTL", DEFAULT_TTL))
        self.result_path = compile_result_path(raw) if "ResultPath" in raw else None

    async def run(self, data: Any, scope: Scope, entered: int) -> Transition:
        execution = scope.execution
        context = self.environment(scope, entered)
        effective = self.prepare(data, context, entered)
        now = execution.clock.time()
        marker = {
            "name": self.checkpoint,
            "id": f"{execution.id}-{self.checkpoint}",
            "createdAt": iso_timestamp(now),
        }
        output = effective
        if self.result_path is not None:
            try:
                output = self.result_path(effective, {"checkpoint": marker})
            except ASLError as error:
                raise located(error, self.name, entered) from None
        output = self.finish(data, output, context, entered)
        if execution.checkpoints is not None:
            await execution.checkpoints(
                self.checkpoint,
                {
                    "state": self.next,
                    "data": output,
                    "variables": dict(scope.variables),
                    "restartable": not scope.nested,
                    "createdAt": marker["createdAt"],
                },
                self.ttl,
            )
        execution.record(
            "CheckpointCreated", self.name, None, {"name": self.checkpoint, "ttl": self.ttl}
        )
        return output, self.next
