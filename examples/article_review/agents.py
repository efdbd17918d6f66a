"""Deterministic stand-ins for the writer and the fact checker.

``Writer`` drafts a title and two claims about the topic; ``FactChecker`` marks a
claim supported unless it contains "always". The mock file next to this one
(``mocks.json``) tests the workflow without them: ``asl test`` replaces the
agents of the states it mocks, and a mocked Approval gives the editor's decision.
"""

from __future__ import annotations

from typing import Any

from asl import AgentError, AgentRegistry


def write(parameters: dict[str, Any]) -> dict[str, Any]:
    topic = parameters["topic"].strip()
    if not topic:
        raise AgentError("Writer.NoTopic", "There is no topic to write about.")
    return {
        "title": f"All about {topic}",
        "claims": [f"{topic} is popular", f"{topic} is always useful"],
    }


def check(claim: str) -> dict[str, Any]:
    """One claim of the draft (a Map item): supported unless it claims "always"."""
    return {"claim": claim, "supported": "always" not in claim}


def register(registry: AgentRegistry) -> None:
    registry.register("Writer", write)
    registry.register("FactChecker", check)
