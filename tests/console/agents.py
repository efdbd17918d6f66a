"""The console tests' agents: the service tests' ones, plus agents that report usage."""

from __future__ import annotations

from typing import Any

from asl import AgentRegistry
from asl.agents.base import AgentResult, Usage
from tests.service import agents as service_agents


def priced(parameters: dict[str, Any]) -> AgentResult:
    return AgentResult({"ok": True}, Usage(input_tokens=100, output_tokens=20, cost=0.25))


def debater(parameters: dict[str, Any]) -> AgentResult:
    return AgentResult("yes", Usage(input_tokens=10, output_tokens=5, cost=0.01))


def register(registry: AgentRegistry) -> None:
    service_agents.register(registry)
    registry.register("Priced", priced)
    registry.register("Pro", debater)
    registry.register("Con", debater)
