"""A scripted agent that reports usage, and workflows built around it.

Prices (per million tokens) are chosen so each call's cost is a round number:
a call sends ``{"prompt":"hello"}`` (5 tokens, free input) and answers with
100 output tokens, so it costs $1.00 on ``big`` and $0.10 on ``small``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from asl import AgentContext, AgentRegistry, AgentResult, Usage, WorkflowEngine
from asl.language.tokens import count_tokens

PRICES = {
    "big": {"input": 0, "output": 10_000},
    "small": {"input": 0, "output": 1_000},
    "reader": {"input": 1_000_000, "output": 0},
}
OUTPUT_TOKENS = 100


class Scripted:
    """Reports the real input token count and OUTPUT_TOKENS of output, on the chosen model."""

    def __init__(self, model: str | None = "big", output_tokens: int = OUTPUT_TOKENS) -> None:
        self.model = model
        self.output_tokens = output_tokens
        self.calls: list[tuple[str, str | None]] = []

    def __call__(self, parameters: Any, context: AgentContext) -> AgentResult:
        model = context.model or self.model
        self.calls.append((context.state_name, model))
        usage = Usage(count_tokens(parameters, model), self.output_tokens, model)
        return AgentResult({"call": len(self.calls), "model": model}, usage)


class Yielding(Scripted):
    """The same agent, async, giving way to the others several times inside each call."""

    async def __call__(self, parameters: Any, context: AgentContext) -> AgentResult:  # type: ignore[override]
        for _ in range(5):
            await asyncio.sleep(0)
        return Scripted.__call__(self, parameters, context)


def task(next_state: str | None, **extra: Any) -> dict[str, Any]:
    state: dict[str, Any] = {
        "Type": "Task",
        "Agent": "LLM",
        "Parameters": {"prompt": "hello"},
        "ResultPath": None,
        "Budget": {"MaxOutputTokens": OUTPUT_TOKENS},
        **extra,
    }
    if next_state is None:
        state["End"] = True
    else:
        state["Next"] = next_state
    return state


def calls_workflow(budget: dict[str, Any] | None, count: int = 5) -> dict[str, Any]:
    """Call1 -> Call2 -> ... -> CallN, each one agent call."""
    states = {f"Call{i}": task(f"Call{i + 1}" if i < count else None) for i in range(1, count + 1)}
    document: dict[str, Any] = {"StartAt": "Call1", "States": states}
    if budget is not None:
        document["Budget"] = budget
    return document


def engine(document: dict[str, Any], agent: Any, **options: Any) -> WorkflowEngine:
    registry = AgentRegistry()
    registry.register("LLM", agent)
    options.setdefault("prices", PRICES)
    return WorkflowEngine(document, registry, **options)


class Recorder:
    """A notifier that keeps what it was told."""

    def __init__(self) -> None:
        self.sent: list[tuple[list[str], str, dict[str, Any]]] = []

    def notify(self, recipients: list[str], message: str, details: dict[str, Any]) -> None:
        self.sent.append((recipients, message, details))
