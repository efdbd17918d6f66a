"""The provider-neutral shape of one model call: what the LLM agent asks, what comes back.

Each provider translates a :class:`ModelRequest` into its own wire format and its
answer back into a :class:`ModelReply`, so the agent's loops (tool use, re-asks)
are written once.  The conversation is a list of plain dicts:

- ``{"role": "user", "content": str}``
- ``{"role": "assistant", "content": str, "tool_calls": [ToolCall, ...]}``
- ``{"role": "tool", "tool_call_id": str, "name": str, "content": str, "is_error": bool}``
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from asl.agents.settings import Generation


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool the model asked for, with its parsed arguments."""

    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(slots=True)
class ModelRequest:
    """Everything one call to a model needs, independent of the provider."""

    model: str
    system: str | None
    messages: list[dict[str, Any]]
    generation: Generation
    tools: list[dict[str, Any]] = field(default_factory=list)
    output_schema: dict[str, Any] | None = None
    # Called with each text delta when the reply is streamed; None: no streaming.
    on_text: Callable[[str], None] | None = None


@dataclass(slots=True)
class ModelReply:
    """The model's answer: text, the tools it wants called, and what it cost in tokens."""

    text: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    # The answer given through the provider's structured-output tool (Anthropic), if any.
    structured: Any = None
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    stop_reason: str | None = None


class Provider(Protocol):
    """A model vendor's API behind one method; ``name`` is reported in Usage."""

    name: str

    async def complete(self, request: ModelRequest) -> ModelReply: ...
