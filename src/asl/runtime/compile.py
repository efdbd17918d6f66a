"""Compile a document into state objects; state types are looked up here only."""

from __future__ import annotations

from typing import Any

from asl.language.errors import ASLError
from asl.runtime.blocks import attach_blocks
from asl.runtime.flow import language_of
from asl.runtime.machine import StateMachine
from asl.runtime.states.approval import ApprovalState
from asl.runtime.states.base import State
from asl.runtime.states.checkpoint import CheckpointState
from asl.runtime.states.choice import ChoiceState
from asl.runtime.states.debate import DebateState
from asl.runtime.states.fail import FailState
from asl.runtime.states.map_ import MapState
from asl.runtime.states.parallel import ParallelState
from asl.runtime.states.pass_ import PassState
from asl.runtime.states.succeed import SucceedState
from asl.runtime.states.task import TaskState
from asl.runtime.states.wait import WaitState
from asl.runtime.states.workflow import WorkflowState
from asl.tools.policy import workflow_tools

SIMPLE_STATES: dict[str, type[State]] = {
    "Pass": PassState,
    "Task": TaskState,
    "Choice": ChoiceState,
    "Wait": WaitState,
    "Succeed": SucceedState,
    "Fail": FailState,
    "Approval": ApprovalState,
    "Checkpoint": CheckpointState,
    "Debate": DebateState,
    "Workflow": WorkflowState,
}


def compile_state(name: str, raw: dict[str, Any], language: str = "JSONPath") -> State:
    """One state; ``language`` is the workflow's QueryLanguage (a state may override it)."""
    kind = raw.get("Type")
    simple = SIMPLE_STATES.get(kind)  # type: ignore[arg-type]
    if simple is not None:
        return simple(name, raw, language)
    if kind == "Map":
        processor = raw.get("ItemProcessor") or raw["Iterator"]
        return MapState(name, raw, compile_machine(processor, language), language)
    if kind == "Parallel":
        branches = [compile_machine(branch, language) for branch in raw["Branches"]]
        return ParallelState(name, raw, branches, language)
    raise ASLError(
        "States.Runtime",
        f"State '{name}' has Type '{kind}', which this version of the engine cannot run yet",
    )


def compile_machine(raw: dict[str, Any], language: str | None = None) -> StateMachine:
    """A workflow (``language`` from its QueryLanguage) or a Map/Parallel sub-machine."""
    if language is None:  # the workflow itself: its Tasks see DefaultTools and ToolCategories
        with workflow_tools(raw):
            return compile_machine(raw, language_of(raw, "JSONPath"))
    chosen = language
    return StateMachine(
        raw, lambda name, state: attach_blocks(compile_state(name, state, chosen), state)
    )
