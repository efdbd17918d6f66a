"""The per-state settings an agent receives through its :class:`~asl.agents.base.AgentContext`.

A state's ``Generation`` and ``Reasoning`` blocks are requests to the agent: the
engine cannot sample a model itself, so it hands the agent what the workflow
asked for, typed, and checks afterwards what it can (the reasoning trace).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Generation:
    """Sampling parameters from the state's ``Generation`` block (None: not set)."""

    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    stop_sequences: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReasoningRequest:
    """What the state's ``Reasoning`` block asks of the agent's answer.

    ``required``: the answer must carry a trace (``{"result": ..., "reasoning":
    {"steps": [...], "conclusion": ...}}``), or the Task fails with
    ``Agent.InvalidOutput``; ``format``, ``min_steps`` and ``max_steps`` are checked.
    """

    required: bool = False
    format: str = "chain_of_thought"
    min_steps: int | None = None
    max_steps: int | None = None
