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
    ``HeartbeatSeconds`` countdown.
    """

    execution_id: str
    state_name: str
    attempt: int
    idempotency_key: str
    logger: logging.Logger
    _heartbeat: Callable[[], None] | None = None
    # The model the workflow's Budget chose for this call (a fallback once a trigger
    # fired), None when the agent picks its own; ReduceQuality asks for a cheaper answer.
    model: str | None = None
    reduce_quality: bool = False

    def heartbeat(self) -> None:
        """Tell the engine the agent is alive (resets HeartbeatSeconds)."""
        if self._heartbeat is not None:
            self._heartbeat()
