"""A scripted model server per test, and a one-Task workflow to run an agent in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from asl import AgentRegistry, WorkflowEngine
from tests.agents.servers import ModelServer


@pytest.fixture
def server() -> Iterator[ModelServer]:
    with ModelServer() as running:
        yield running


def one_task(agent: Any, state: dict[str, Any] | None = None, tools: Any = ()) -> WorkflowEngine:
    """An engine whose single Task ``Ask`` calls ``agent`` with ``$`` as parameters."""
    registry = AgentRegistry({"Writer": agent})
    for tool in tools:
        registry.register_tool(tool)
    task: dict[str, Any] = {"Type": "Task", "Agent": "Writer", "Parameters": {"topic.$": "$.topic"}}
    task.update(state or {})
    task["End"] = True
    return WorkflowEngine({"StartAt": "Ask", "States": {"Ask": task}}, registry)
