from __future__ import annotations

from typing import Any

import pytest

from asl import AgentRegistry, WorkflowEngine, WorkflowResult
from asl.runtime.clock import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def run(clock: ManualClock) -> Any:
    """Run a definition with agents on the manual clock; returns the WorkflowResult."""

    def go(
        definition: dict[str, Any],
        input: Any = None,
        agents: dict[str, Any] | None = None,
        **options: Any,
    ) -> WorkflowResult:
        engine = WorkflowEngine(definition, AgentRegistry(agents or {}), clock=clock, **options)
        return engine.run(input, execution_id="exec-1")

    return go


def machine(*states: tuple[str, dict[str, Any]], **top: Any) -> dict[str, Any]:
    """A definition from (name, state) pairs; the first is StartAt."""
    return {"StartAt": states[0][0], "States": dict(states), **top}
