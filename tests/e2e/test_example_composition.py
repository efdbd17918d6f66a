"""The composed_signup example: two templates and a child workflow, via Python and `asl run`."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from asl import AgentRegistry, WorkflowEngine
from asl.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = "examples/composed_signup/workflow.asl.json"
INPUT = json.loads((REPO_ROOT / "examples/composed_signup/input.json").read_text("utf-8"))
WELCOMED = {
    "status": "welcomed",
    "user": "Ada",
    "mail": "Welcome to the pro plan, Ada",
    "notified": "slack:#signups (Ada)",
}
NO_NAME = {"name": "", "email": "bob@example.com", "plan": "free", "team": "#signups"}
REJECTED = {
    "status": "rejected",
    "missing": ["name"],
    "notified": "email:bob@example.com (someone)",
}
CASES = [
    pytest.param(INPUT, WELCOMED, id="welcomed"),
    pytest.param(NO_NAME, REJECTED, id="rejected"),
]


def _engine() -> WorkflowEngine:
    registry = AgentRegistry()
    importlib.import_module("examples.composed_signup.agents").register(registry)
    return WorkflowEngine.from_file(str(REPO_ROOT / WORKFLOW), registry)


@pytest.mark.parametrize(("execution_input", "expected"), CASES)
def test_composed_signup_through_python_api(execution_input: Any, expected: Any) -> None:
    result = _engine().run(execution_input)

    assert (result.status, result.output) == ("SUCCEEDED", expected)


@pytest.mark.parametrize(("execution_input", "expected"), CASES)
@pytest.mark.usefixtures("in_repo_root")
def test_composed_signup_through_asl_run(
    runner: CliRunner, execution_input: Any, expected: Any
) -> None:
    args = ["run", WORKFLOW, "--agents", "examples.composed_signup.agents"]

    result = runner.invoke(main, [*args, "--input", json.dumps(execution_input)])

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == json.dumps(expected) + "\n"


def test_the_busy_mailer_is_retried_with_a_second_child_execution() -> None:
    result = _engine().run(INPUT, execution_id="signup-1")

    children = [
        (event["type"], event["details"]["executionId"])
        for event in result.trace
        if event["type"].startswith("ChildExecution")
    ]
    assert children == [
        ("ChildExecutionStarted", "signup-1:Welcome:17"),
        ("ChildExecutionFailed", "signup-1:Welcome:17"),
        ("ChildExecutionStarted", "signup-1:Welcome:17:1"),
        ("ChildExecutionSucceeded", "signup-1:Welcome:17:1"),
    ]


def test_the_included_states_run_under_their_include_names() -> None:
    result = _engine().run(NO_NAME)

    entered = [e["state"] for e in result.trace if e["type"].endswith("StateEntered")]
    assert entered == [
        "CheckSignup",
        "CheckSignup.Check",
        "CheckSignup.Invalid",
        "CheckSignup.Result",
        "IsValid",
        "TellApplicant",
        "TellApplicant.Send",
        "TellApplicant.Result",
        "Rejected",
    ]
