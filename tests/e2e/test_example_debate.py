"""The architecture-debate example: agreement in one case, the judge in the other."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from click.testing import CliRunner

from asl import AgentRegistry, WorkflowEngine
from asl.cli import main
from tests.e2e.conftest import REPO_ROOT

WORKFLOW = "examples/architecture_debate/workflow.asl.json"
INPUT = json.loads((REPO_ROOT / "examples/architecture_debate/input.json").read_text("utf-8"))
RISKY_INPUT = {
    "proposal": "a rewrite",
    "system": "the legacy ledger",
    "tenant": "acme",
    "credentials": {"token": "tok-12345678"},
}
AGREED = {
    "proposal": "event sourcing",
    "risk": "low",
    "briefModel": "small-model",
    "briefSteps": 3,
    "decision": "adopt",
    "decidedBy": "agreement",
    "rounds": 2,
    "turns": 6,
    "consensus": True,
    "debateTokens": 420,
}
JUDGED = {
    "proposal": "a rewrite",
    "risk": "high",
    "briefModel": "small-model",
    "briefSteps": 3,
    "decision": "pilot",
    "decidedBy": "Judge",
    "rounds": 3,
    "turns": 9,
    "consensus": False,
    "debateTokens": 860,
}


def engine() -> WorkflowEngine:
    registry = AgentRegistry()
    importlib.import_module("examples.architecture_debate.agents").register(registry)
    return WorkflowEngine.from_file(str(REPO_ROOT / WORKFLOW), registry)


@pytest.mark.parametrize(("execution_input", "expected"), [(INPUT, AGREED), (RISKY_INPUT, JUDGED)])
def test_the_debate_example_through_python(execution_input: Any, expected: Any) -> None:
    result = engine().run(execution_input)

    assert (result.status, result.output) == ("SUCCEEDED", expected)


@pytest.mark.usefixtures("in_repo_root")
def test_the_debate_example_through_asl_run(runner: CliRunner) -> None:
    args = ["run", WORKFLOW, "--agents", "examples.architecture_debate.agents"]

    result = runner.invoke(main, [*args, "--input", json.dumps(RISKY_INPUT)])

    assert (result.exit_code, result.stderr) == (0, COST_REPORT)
    assert json.loads(result.stdout) == JUDGED


# The example's agents report tokens for models with no price: listed as unpriced.
COST_REPORT = """\
cost: $0.000000 (+ unpriced calls) USD, 1020 tokens, 11 agent calls
  state Brief: $0.000000, 160 tokens
  state Debate: $0.000000, 860 tokens
  model small-model: $0.000000
  model unknown: $0.000000
  unpriced small-model: 1 calls, 160 tokens
  unpriced unknown: 10 calls, 860 tokens
"""


def test_the_brief_falls_back_to_the_small_model_and_hides_the_token() -> None:
    result = engine().run(INPUT)

    brief = [e for e in result.trace if e.get("state") == "Brief"]
    assert [e["type"] for e in brief] == [
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "ModelFallback",
        "TaskSucceeded",
        "TaskStateExited",
    ]
    assert brief[3]["details"] == {
        "from": "large-model",
        "to": "small-model",
        "error": "States.RateLimitExceeded",
        "cause": "large-model: 429 Too Many Requests",
    }
    assert "tok-9f8e7d6c" not in json.dumps(brief)
    assert brief[1]["details"]["parameters"]["credentials"] == "[REDACTED]"
    assert result.tokens_used == 160 + 420  # the brief, then six debate turns
