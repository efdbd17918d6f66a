"""What a run returns."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Literal

from asl.runtime.history import Event, materialize

# RUNNING: a service run that suspended its execution (asl.runtime.distribution).
Status = Literal["SUCCEEDED", "FAILED", "PAUSED", "TIMED_OUT", "ABORTED", "RUNNING"]


class WorkflowResult:
    """The outcome of one execution.

    ``trace`` is the ordered history of events (dicts with ``id``, ``type``,
    ``timestamp`` and, for state events, ``state`` and ``details``), built
    from the recorded events the first time it is read.
    """

    def __init__(
        self,
        *,
        status: Status,
        execution_id: str,
        output: Any = None,
        error: str | None = None,
        cause: str | None = None,
        events: list[Event] | None = None,
        duration: float = 0.0,
        tokens_used: int = 0,
        cost: float = 0.0,
        paused_at_state: str | None = None,
        pending_input: Any = None,
        checkpoint_data: Any = None,
        cost_report: dict[str, Any] | None = None,
    ) -> None:
        self.status: Status = status
        self.execution_id = execution_id
        self.output = output
        self.error = error
        self.cause = cause
        self._events = events or []
        self.duration = duration
        self.tokens_used = tokens_used
        self.cost = cost
        self.paused_at_state = paused_at_state
        self.pending_input = pending_input
        self.checkpoint_data = checkpoint_data
        # Totals by state, model, category, tag and attribution (asl.budget.report).
        self.cost_report = cost_report

    @property
    def success(self) -> bool:
        return self.status == "SUCCEEDED"

    @property
    def paused(self) -> bool:
        return self.status == "PAUSED"

    @cached_property
    def trace(self) -> list[dict[str, Any]]:
        return materialize(self._events)

    def __repr__(self) -> str:
        # Short on purpose: asyncio formats task results with repr(), and an
        # output can be megabytes.
        error = "" if self.error is None else f", error={self.error!r}"
        return f"WorkflowResult(status={self.status!r}, execution_id={self.execution_id!r}{error})"
