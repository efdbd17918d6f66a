"""Every example runs and gives exactly its documented output: via Python and via `asl run`."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from asl import AgentRegistry, WorkflowEngine
from asl.budget.report import summary_lines
from asl.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]

TRIAGE_BILLING = {
    "ticketId": "T-1001",
    "status": "resolved",
    "category": "billing",
    "priority": "normal",
    "reply": "Hi Ada, we refunded the duplicate charge (ticket T-1001).",
}
TRIAGE_OUTAGE_INPUT = {
    "ticket": {
        "id": "T-1002",
        "customer": "Grace",
        "subject": "API down",
        "body": "We see an outage of the API since 9:00.",
    }
}
TRIAGE_OUTAGE = {
    "ticketId": "T-1002",
    "status": "escalated",
    "queue": "engineering",
    "priority": "high",
    "reason": "Ticket T-1002 reports an outage; an engineer must take it.",
}
TRIAGE_LOGIN_INPUT = {
    "ticket": {
        "id": "T-1003",
        "customer": "Linus",
        "subject": "Login error",
        "body": "I get an error when I sign in.",
    }
}
TRIAGE_LOGIN = {
    "ticketId": "T-1003",
    "status": "resolved",
    "category": "technical",
    "priority": "normal",
    "reply": "Hi Linus, please sign out and in again.",
}
TRIAGE_GENERAL_INPUT = {
    "ticket": {
        "id": "T-1004",
        "customer": "Barbara",
        "subject": "Feature idea",
        "body": "Could you add a dark theme?",
    }
}
TRIAGE_GENERAL = {
    "ticketId": "T-1004",
    "status": "resolved",
    "category": "general",
    "priority": "normal",
    "reply": "Hi Barbara, thanks for writing. We will answer within one business day.",
}
PIPELINE = {
    "batch": "B-7",
    "documents": 3,
    "totalWords": 40,
    "summaries": {
        "q3-report": "Revenue grew 12 percent in the third quarter.",
        "hiring-plan": "We will hire four engineers next year.",
        "incident-42": "Checkout was down for nine minutes.",
    },
}
REVIEW_BLOCKED = {
    "pr": 42,
    "headline": "#42 Add retries to the HTTP client by ada",
    "verdicts": ["request_changes", "approve", "request_changes"],
    "commentCount": 2,
    "blocked": True,
    "diffSha256": "5c7dc401d4533bffcaf43efe5ccc1eec06720d4dec86e34c8f17d8c7a8f88377",
    "decision": "request_changes",
}
REVIEW_CLEAN_INPUT = {
    "pr": {
        "number": 7,
        "title": "Fix typo",
        "author": "grace",
        "diff": "+# Retries three times.\n",
        "files": ["src/http_client.py", "tests/test_http_client.py"],
    }
}
REVIEW_CLEAN = {
    "pr": 7,
    "headline": "#7 Fix typo by grace",
    "verdicts": ["approve", "approve", "approve"],
    "commentCount": 0,
    "blocked": False,
    "diffSha256": "b3210fd362c44a287115c04befd39e6f1a435897fd009ef9e1cc488ffd4b6daa",
    "decision": "approve",
}


ORDER_SHIPPED = {
    "orderId": "O-42",
    "status": "shipped",
    "total": 72,
    "tracking": "TRK-O-42-S",
    "message": "Thanks, Ada! Your order is on its way.",
}
ORDER_BIG_INPUT = {
    "orderId": "O-43",
    "customer": {"name": "Ada", "address": "12 Analytical Row, London"},
    "lines": [{"sku": "mug", "quantity": 8}, {"sku": "tee", "quantity": 2}],
}
ORDER_FREE = {
    "orderId": "O-43",
    "status": "shipped",
    "total": 106,
    "tracking": "TRK-O-43-F",
    "message": "Thanks, Ada! Your order is on its way.",
}
ORDER_MISSING_INPUT = {
    "orderId": "O-7",
    "customer": {"name": "Grace", "address": "1 Compiler Lane"},
    "lines": [{"sku": "mug", "quantity": 1}, {"sku": "poster", "quantity": 1}],
}
ORDER_BACKORDER = {
    "orderId": "O-7",
    "status": "backordered",
    "missing": ["poster"],
    "message": "Sorry Grace, poster will follow later.",
}


def _input_file(example: str) -> Any:
    return json.loads((REPO_ROOT / "examples" / example / "input.json").read_text("utf-8"))


# (example folder, execution input, exact final output)
CASES = [
    pytest.param("support_triage", _input_file("support_triage"), TRIAGE_BILLING, id="billing"),
    pytest.param("support_triage", TRIAGE_OUTAGE_INPUT, TRIAGE_OUTAGE, id="outage-caught"),
    pytest.param("support_triage", TRIAGE_LOGIN_INPUT, TRIAGE_LOGIN, id="technical"),
    pytest.param("support_triage", TRIAGE_GENERAL_INPUT, TRIAGE_GENERAL, id="general-default"),
    pytest.param("document_pipeline", _input_file("document_pipeline"), PIPELINE, id="map"),
    pytest.param("parallel_review", _input_file("parallel_review"), REVIEW_BLOCKED, id="blocked"),
    pytest.param("parallel_review", REVIEW_CLEAN_INPUT, REVIEW_CLEAN, id="approved"),
    pytest.param("order_fulfilment", _input_file("order_fulfilment"), ORDER_SHIPPED, id="jsonata"),
    pytest.param("order_fulfilment", ORDER_BIG_INPUT, ORDER_FREE, id="jsonata-free-shipping"),
    pytest.param("order_fulfilment", ORDER_MISSING_INPUT, ORDER_BACKORDER, id="jsonata-backorder"),
]


def _workflow(example: str) -> str:
    return f"examples/{example}/workflow.asl.json"


def _engine(example: str) -> WorkflowEngine:
    registry = AgentRegistry()
    importlib.import_module(f"examples.{example}.agents").register(registry)
    return WorkflowEngine.from_file(str(REPO_ROOT / _workflow(example)), registry)


@pytest.mark.parametrize(("example", "execution_input", "expected"), CASES)
def test_example_output_through_python_api(
    example: str, execution_input: Any, expected: Any
) -> None:
    result = _engine(example).run(execution_input)

    assert (result.status, result.output) == ("SUCCEEDED", expected)


@pytest.mark.parametrize(("example", "execution_input", "expected"), CASES)
@pytest.mark.usefixtures("in_repo_root")
def test_example_output_through_asl_run(
    runner: CliRunner, example: str, execution_input: Any, expected: Any
) -> None:
    args = ["run", _workflow(example), "--agents", f"examples.{example}.agents"]

    result = runner.invoke(main, [*args, "--input", json.dumps(execution_input)])

    # stderr carries only the cost report, when agents reported usage
    report = _engine(example).run(execution_input).cost_report
    assert report is not None
    cost_lines = summary_lines(report) if report["calls"] else []
    assert (result.exit_code, result.stderr) == (0, "".join(f"{line}\n" for line in cost_lines))
    assert result.stdout == json.dumps(expected, ensure_ascii=False) + "\n"


def test_uncaught_agent_error_fails_the_triage_with_its_name() -> None:
    empty = {"ticket": {"id": "T-9", "customer": "Ada", "subject": "?", "body": " "}}

    result = _engine("support_triage").run(empty)

    assert (result.status, result.error, result.cause) == (
        "FAILED",
        "Triage.EmptyTicket",
        "The ticket has no body to classify.",
    )


def test_review_reports_the_style_reviewers_token_usage() -> None:
    result = _engine("parallel_review").run(_input_file("parallel_review"))

    assert result.tokens_used == 15


def test_example_runs_in_a_real_process_from_the_repo_root() -> None:
    """The console script, not click's runner: the entry point, sys.path and stdout bytes."""
    asl = Path(sysconfig.get_path("scripts")) / "asl"
    command = [str(asl)] if asl.exists() else [sys.executable, "-m", "asl.cli"]
    command += [
        "run",
        _workflow("parallel_review"),
        "--agents",
        "examples.parallel_review.agents",
        "--input-file",
        "examples/parallel_review/input.json",
    ]

    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, timeout=60, check=False)

    report = _engine("parallel_review").run(_input_file("parallel_review")).cost_report
    assert report is not None
    cost_lines = "".join(f"{line}\n" for line in summary_lines(report))
    assert (done.returncode, done.stderr) == (0, cost_lines.encode())
    assert done.stdout == (json.dumps(REVIEW_BLOCKED) + "\n").encode()
