"""The ``Reasoning`` block: ask an agent for a reasoning trace, check it, keep it.

The request reaches the agent as ``context.reasoning``. An answer carries a
trace when it is an object with a ``reasoning`` member; the state's result is
then its ``result`` member (or the object without ``reasoning``), so
ResultSelector and ResultPath see the answer itself. The trace is checked
against ``Format``, ``MinSteps`` and ``MaxSteps`` and, with ``Store``, written
into the state's output at that path. A missing trace when ``Required`` is
true, or a trace that does not fit, fails the state with ``Agent.InvalidOutput``
(which Retry can retry: the agent is asked again).
"""

from __future__ import annotations

from typing import Any, Final

from asl.agents.settings import ReasoningRequest
from asl.language.errors import ASLError
from asl.language.paths import Path, compile_reference_path

INVALID_OUTPUT: Final = "Agent.InvalidOutput"
FORMATS: Final = ("chain_of_thought", "tree_of_thoughts", "reflection", "free_form")


class ReasoningBlock:
    __slots__ = ("request", "store")

    def __init__(self, raw: dict[str, Any]) -> None:
        self.request = ReasoningRequest(
            required=raw.get("Required") is True,
            format=raw.get("Format", "chain_of_thought"),
            min_steps=raw.get("MinSteps"),
            max_steps=raw.get("MaxSteps"),
        )
        store = raw.get("Store")
        self.store: Path | None = (
            compile_reference_path(store, allow_variable=False) if isinstance(store, str) else None
        )

    def take(self, answer: Any, state: str) -> tuple[Any, Any]:
        """The result and the checked trace (None when the answer carries none)."""
        if not isinstance(answer, dict) or "reasoning" not in answer:
            if self.request.required:
                raise ASLError(
                    INVALID_OUTPUT,
                    f"State '{state}' requires a reasoning trace (Reasoning.Required), but "
                    f'the agent\'s answer has no "reasoning" member; answer '
                    f'{{"result": ..., "reasoning": {{"steps": [...], "conclusion": ...}}}}',
                )
            return answer, None
        trace = answer["reasoning"]
        check_trace(trace, self.request, state)
        if "result" in answer:
            return answer["result"], trace
        return {k: v for k, v in answer.items() if k != "reasoning"}, trace

    def place(self, output: Any, trace: Any) -> Any:
        """The state's output with the trace at ``Store`` (unchanged without a trace or Store)."""
        if self.store is None or trace is None:
            return output
        return self.store.assign(output, trace)


def check_trace(trace: Any, request: ReasoningRequest, state: str) -> None:
    """Raise ``Agent.InvalidOutput`` naming what does not fit the requested format."""
    fmt = request.format
    where = f"The reasoning trace of state '{state}' ({fmt})"
    if fmt == "free_form" and isinstance(trace, str) and trace:
        count = 1
    else:
        if not isinstance(trace, dict):
            raise ASLError(
                INVALID_OUTPUT,
                f'{where} must be an object with "steps", got {type(trace).__name__}',
            )
        steps = trace.get("steps")
        count = 1 if steps is None and fmt == "free_form" else _check_steps(steps, fmt, where)
        conclusion = trace.get("conclusion")
        if conclusion is not None and not isinstance(conclusion, str):
            raise ASLError(INVALID_OUTPUT, f'{where} has a "conclusion" that is not a string')
        critique = trace.get("critique")
        if fmt == "reflection" and not (isinstance(critique, str) and critique):
            raise ASLError(
                INVALID_OUTPUT,
                f'{where} has no "critique": a reflection trace criticises its own steps',
            )
    if request.min_steps is not None and count < request.min_steps:
        raise ASLError(
            INVALID_OUTPUT,
            f"{where} has {count} step{'s' if count != 1 else ''}; "
            f"Reasoning.MinSteps asks for at least {request.min_steps}",
        )
    if request.max_steps is not None and count > request.max_steps:
        raise ASLError(
            INVALID_OUTPUT,
            f"{where} has {count} steps; Reasoning.MaxSteps allows at most {request.max_steps}",
        )


def _check_steps(steps: Any, fmt: str, where: str) -> int:
    if not isinstance(steps, list):
        raise ASLError(INVALID_OUTPUT, f'{where} must have "steps", an array of steps')
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or not isinstance(step.get("thought"), str):
            raise ASLError(
                INVALID_OUTPUT,
                f'{where}: step {number} must be an object with a "thought" string',
            )
        if "step" in step and step["step"] != number:
            raise ASLError(
                INVALID_OUTPUT,
                f"{where}: step {number} is numbered {step['step']!r}; number steps 1, 2, 3 ...",
            )
        parent = step.get("parent")
        if (
            fmt == "tree_of_thoughts"
            and parent is not None
            and not (
                isinstance(parent, int) and not isinstance(parent, bool) and 1 <= parent < number
            )
        ):
            raise ASLError(
                INVALID_OUTPUT,
                f'{where}: step {number} has "parent" {parent!r}; a parent is the number of '
                "an earlier step",
            )
    return len(steps)
