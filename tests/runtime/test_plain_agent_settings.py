"""Agent settings with an agent that takes no context: a lone Model takes the direct call."""

from __future__ import annotations

from typing import Any

from asl import AgentError
from tests.runtime.conftest import machine


def task(**fields: Any) -> dict[str, Any]:
    return machine(("Call", {"Type": "Task", "Agent": "A", "End": True, **fields}))


class Plain:
    """A one-argument agent that fails its first ``failures`` calls."""

    def __init__(self, failures: int = 0) -> None:
        self.calls: list[Any] = []
        self.failures = failures

    def __call__(self, parameters: Any) -> Any:
        self.calls.append(parameters)
        if len(self.calls) <= self.failures:
            raise AgentError("Agent.ModelError", "down")
        return {"call": len(self.calls)}


def test_a_lone_model_calls_a_plain_agent_once(run: Any) -> None:
    agent = Plain()
    result = run(task(Model="mini"), {"x": 1}, {"A": agent})
    assert (result.output, agent.calls) == ({"call": 1}, [{"x": 1}])


def test_a_plain_agent_still_falls_back_to_the_next_model(run: Any) -> None:
    agent = Plain(failures=1)
    result = run(task(Model={"Preferred": "large", "Fallback": "small"}), {"x": 1}, {"A": agent})
    assert (result.output, agent.calls) == ({"call": 2}, [{"x": 1}, {"x": 1}])
    assert [e["details"] for e in result.trace if e["type"] == "ModelFallback"] == [
        {"from": "large", "to": "small", "error": "Agent.ModelError", "cause": "down"}
    ]


def test_a_plain_agent_still_fails_on_a_metadata_path_that_selects_nothing(run: Any) -> None:
    agent = Plain()
    result = run(task(Model="mini", Metadata={"Tenant.$": "$.tenant"}), {}, {"A": agent})
    assert (result.error, agent.calls) == ("States.Runtime", [])
