"""What an agent receives and returns.

An agent is any callable (or object with ``execute``) taking the resolved
parameters and, optionally, an :class:`AgentContext`. It returns a JSON value,
or an :class:`AgentResult` when it wants to report token usage and cost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from asl.agents.settings import Generation, ReasoningRequest


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens and money one agent call spent; summed into the workflow's totals."""

    input_tokens: int = 0
    output_tokens: int = 0
    model: str | None = None
    cost: float = 0.0
    # Of input_tokens, how many were read from / written to the provider's prompt cache
    # (priced at their own rates); the provider, when the model name alone is ambiguous.
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    provider: str | None = None

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True, slots=True)
class AgentResult:
    """An agent's output together with the usage it reports."""

    output: Any
    usage: Usage = field(default_factory=Usage)


@dataclass(slots=True)
class AgentContext:
    """What a Task tells the agent about the call it is making.

    ``idempotency_key`` is stable across retries of the same state visit so an
    agent with side effects can deduplicate; ``heartbeat()`` resets the Task's
    ``HeartbeatSeconds`` countdown; ``emit(chunk)`` streams output as it is
    produced and ``report_progress(pct, message)`` reports how far it is (both
    do nothing when nobody listens). ``model``, ``generation``, ``metadata``,
    ``reasoning`` and ``audit_level`` carry the state's ``Model`` (the model to use
    for this call: the preferred one, or a fallback), ``Generation``, ``Metadata``
    (resolved), ``Reasoning`` and ``Audit.LogLevel`` blocks; None when not set.
    """

    execution_id: str
    state_name: str
    attempt: int
    idempotency_key: str
    logger: logging.Logger
    _heartbeat: Callable[[], None] | None = None
    # The model for this call: the state's Model (preferred, or a fallback), or the one
    # the workflow's Budget chose; ReduceQuality asks for a cheaper answer.
    model: str | None = None
    generation: Generation | None = None
    metadata: dict[str, Any] | None = None
    reasoning: ReasoningRequest | None = None
    audit_level: str | None = None
    _emit: Callable[[Any], None] | None = None
    _report_progress: Callable[[float, str | None], None] | None = None
    # The state's governed tools (asl.tools.ToolBox); call them through call_tool.
    toolbox: Any = None
    reduce_quality: bool = False
    # What the state's Context block kept (asl.runtime.context.FittedContext); None without one.
    context: Any = None

    def heartbeat(self) -> None:
        """Tell the engine the agent is alive (resets HeartbeatSeconds)."""
        if self._heartbeat is not None:
            self._heartbeat()

    @property
    def streaming(self) -> bool:
        """Whether anyone listens to :meth:`emit` (an LLM agent then streams its reply)."""
        return self._emit is not None

    def emit(self, chunk: Any) -> None:
        """Stream a piece of output (text or a JSON value) to whoever listens."""
        if self._emit is not None:
            self._emit(chunk)

    def report_progress(self, percentage: float, message: str | None = None) -> None:
        """Say how far the work is (0-100): progress events, milestones, heartbeats."""
        if self._report_progress is not None:
            self._report_progress(percentage, message)
    @property
    def tools(self) -> list[dict[str, Any]]:
        """The tools this state may call: name, description, input_schema (JSON Schema)."""
        return self.toolbox.specs if self.toolbox is not None else []

    async def list_tools(self) -> list[dict[str, Any]]:
        """Like :attr:`tools`, after asking registered MCP servers for their tools."""
        return await self.toolbox.list_tools() if self.toolbox is not None else []

    async def call_tool(self, name: str, arguments: dict[str, Any] | None = None) -> Any:
        """Call a tool under the state's Tools block (permissions, limits, sandbox)."""
        if self.toolbox is None:
            from asl.language.errors import PERMISSIONS, ASLError

            raise ASLError(PERMISSIONS, f"State '{self.state_name}' has no tools to call")
        return await self.toolbox.call(name, arguments)
