"""Blocks that wrap a compiled state's work: ``Feedback`` and ``Progress.Path``.

Applied once, when a machine is compiled, and only to states that have the
block, so every other state runs exactly as compiled.
"""

from __future__ import annotations

from typing import Any

from asl.language.errors import ASLError
from asl.runtime.dataflow import compile_result_path, located
from asl.runtime.execution import Scope
from asl.runtime.progress import enabled, progress_block
from asl.runtime.states.base import RecoverableState, State
from asl.runtime.states.feedback import Attempt, collects, with_feedback


def attach_blocks(state: State, raw: dict[str, Any]) -> State:
    """``state``, its work wrapped by the blocks it has."""
    if not isinstance(state, RecoverableState):
        return state
    progress = progress_block(raw)
    if enabled(progress) and isinstance(progress, dict) and isinstance(progress.get("Path"), str):
        wrapped = with_progress_path(state.name, progress["Path"], state.attempt)
        state.attempt = wrapped  # type: ignore[method-assign, assignment]
    if state.type == "Task" and collects(raw):
        asking = with_feedback(state.name, raw["Feedback"], state.attempt)
        state.attempt = asking  # type: ignore[method-assign, assignment]
    return state


def with_progress_path(name: str, path: str, attempt: Attempt) -> Attempt:
    """Write the state's final progress object into its output at ``Path``."""
    place = compile_result_path({"ResultPath": path})

    async def attempt_with_progress(data: Any, scope: Scope, entered: int, retry_count: int) -> Any:
        output = await attempt(data, scope, entered, retry_count)
        bus = scope.execution.bus
        tracker = bus.progress.get(name) if bus is not None else None
        if place is None or tracker is None:
            return output
        try:
            return place(output, tracker.snapshot())
        except ASLError as error:
            raise located(error, name, entered) from None

    return attempt_with_progress
