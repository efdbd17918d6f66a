"""`asl run --events`, `asl feedback`, and the report_writer example (streaming, progress)."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from examples.report_writer import agents

from asl import AgentRegistry, WorkflowEngine
from asl.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(REPO_ROOT / "examples" / "report_writer" / "workflow.asl.json")
INPUT = str(REPO_ROOT / "examples" / "report_writer" / "input.json")
AGENTS = "examples.report_writer.agents"
SUMMARY = (
    "This report covers solar panels on the office roof. "
    "It has 3 sections: Context, Findings, Next steps. "
    "The roof can carry the panels."
)


def _engine(**options: Any) -> WorkflowEngine:
    registry = AgentRegistry()
    agents.register(registry)
    return WorkflowEngine.from_file(EXAMPLE, registry, **options)


def test_the_example_streams_its_summary_and_reports_progress() -> None:
    engine = _engine(approval_handler=lambda request: {"rating": 4, "comment": "clear"})

    async def go() -> list[dict[str, Any]]:
        topic = {"topic": "Solar panels on the office roof"}
        return [event async for event in engine.stream(topic, execution_id="r1")]

    events = asyncio.run(go())

    assert [e["details"]["chunk"] for e in events if e["type"] == "AgentOutputChunk"] == [
        "This report covers solar panels on the office roof. ",
        "It has 3 sections: Context, Findings, Next steps. ",
        "The roof can carry the panels. ",
    ]
    assert [
        (e["state"], e["details"]["percentage"])
        for e in events
        if e["type"] == "ProgressUpdated" and e["details"]["scope"] == "workflow"
    ] == [("Outline", 10.0), ("DraftSections", 70.0), ("Summarize", 100.0)]
    map_progress = [e["details"] for e in events if e.get("details", {}).get("scope") == "map"]
    assert map_progress[-1]["completed"] == 3
    assert [e["type"] for e in events if e.get("event") in ("Milestone", "OnExit")] == [
        "summary_drafted",
        "ProgressMilestone",
        "summary_written",
    ]
    assert events[-1]["details"] == {
        "output": {
            "status": "published",
            "topic": "Solar panels on the office roof",
            "summary": SUMMARY,
            "rating": 4,
        }
    }


def test_the_example_logs_its_completion_to_the_audit_channel(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = _engine(approval_handler=lambda request: {"rating": 1})

    with caplog.at_level(logging.INFO, logger="report_writer.audit"):
        result = engine.run({"topic": "Bikes"}, execution_id="r2")

    assert result.output == {"status": "needs revision", "topic": "Bikes", "rating": 1}
    logged = [json.loads(r.getMessage()) for r in caplog.records if r.name == "report_writer.audit"]
    assert [(e["type"], e["executionId"]) for e in logged] == [("ExecutionSucceeded", "r2")]


def _cli(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_asl_run_writes_the_events_as_ndjson_and_pauses_for_feedback(
    runner: CliRunner, tmp_path: Path, in_repo_root: Path
) -> None:
    events_file = tmp_path / "events.ndjson"

    ran = _cli(runner, "run", EXAMPLE, "--input-file", INPUT, "--agents", AGENTS,
               "--execution-id", "cli-1", "--events", str(events_file))  # fmt: skip

    assert ran.exit_code == 3
    paused = json.loads(ran.stdout)
    assert (paused["pausedAt"], paused["pending"]["type"]) == ("Summarize", "feedback")
    events = [json.loads(line) for line in events_file.read_text().splitlines()]
    assert events[0]["type"] == "ExecutionStarted"
    assert events[-1]["type"] == "ExecutionPaused"
    assert {e["executionId"] for e in events} == {"cli-1"}
    assert sum(e["type"] == "AgentOutputChunk" for e in events) == 3

    resumed = _cli(runner, "resume", "cli-1", "--agents", AGENTS, "--data",
                   '{"rating": 5, "comment": "short and clear"}')  # fmt: skip

    assert (resumed.exit_code, json.loads(resumed.stdout)) == (
        0,
        {
            "status": "published",
            "topic": "Solar panels on the office roof",
            "summary": SUMMARY,
            "rating": 5,
        },
    )
    listed = _cli(runner, "feedback", "list", "--name", "report_feedback")
    entries = json.loads(listed.stdout)
    assert [(e["executionId"], e["state"], e["answer"]) for e in entries] == [
        ("cli-1", "Summarize", {"rating": 5, "comment": "short and clear"})
    ]
    assert _cli(runner, "feedback", "list", "--pending").stdout == "[]\n"


def test_a_feedback_answer_that_does_not_fit_exits_2_and_changes_nothing(
    runner: CliRunner, in_repo_root: Path
) -> None:
    _cli(runner, "run", EXAMPLE, "--input-file", INPUT, "--agents", AGENTS, "--execution-id", "c2")

    refused = _cli(runner, "resume", "c2", "--agents", AGENTS, "--data", '{"rating": 9}')

    assert refused.exit_code == 2
    assert "'rating' must be a whole number from 1 to 5, got 9" in refused.stderr
    pending = json.loads(_cli(runner, "feedback", "list", "--pending").stdout)
    assert [e["executionId"] for e in pending] == ["c2"]


def test_events_dash_writes_them_to_stderr_and_stdout_stays_the_output(
    runner: CliRunner, tmp_path: Path
) -> None:
    document = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
    workflow = tmp_path / "echo.asl.json"
    workflow.write_text(json.dumps(document))

    ran = _cli(runner, "run", str(workflow), "--input", '{"a": 1}', "--events", "-")

    assert (ran.exit_code, ran.stdout) == (0, '{"a": 1}\n')
    assert [json.loads(line)["type"] for line in ran.stderr.splitlines()] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


def test_a_stdout_channel_writes_to_stderr_under_the_cli(runner: CliRunner, tmp_path: Path) -> None:
    document = {
        "StartAt": "Echo",
        "Events": {"Channels": {"out": {"Type": "stdout"}}, "OnComplete": {"Channel": "out"}},
        "States": {"Echo": {"Type": "Pass", "End": True}},
    }
    workflow = tmp_path / "echo.asl.json"
    workflow.write_text(json.dumps(document))

    ran = _cli(runner, "run", str(workflow), "--input", '{"a": 1}')

    assert (ran.exit_code, ran.stdout) == (0, '{"a": 1}\n')
    assert json.loads(ran.stderr)["type"] == "ExecutionSucceeded"


def test_an_unwritable_events_file_exits_2_before_running(
    runner: CliRunner, tmp_path: Path
) -> None:
    document = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
    workflow = tmp_path / "echo.asl.json"
    workflow.write_text(json.dumps(document))
    missing = tmp_path / "no" / "such" / "dir" / "events.ndjson"

    ran = _cli(runner, "run", str(workflow), "--input", "{}", "--events", str(missing))

    assert (ran.exit_code, ran.stdout) == (2, "")
    assert ran.stderr == (
        f"Error: --events: cannot write '{missing}': No such file or directory. "
        "Give a writable file, or '-' for stderr.\n"
    )


def test_a_resumed_execution_keeps_its_stdout_channel_off_stdout(
    runner: CliRunner, tmp_path: Path
) -> None:
    document = {
        "StartAt": "Ask",
        "Events": {"Channels": {"out": {"Type": "stdout"}}, "OnComplete": {"Channel": "out"}},
        "States": {"Ask": {"Type": "Approval", "Prompt": "Ship?", "End": True}},
    }
    workflow = tmp_path / "ask.asl.json"
    workflow.write_text(json.dumps(document))
    assert (
        _cli(runner, "run", str(workflow), "--input", "{}", "--execution-id", "a1").exit_code == 3
    )

    done = _cli(runner, "approve", "a1")

    assert (done.exit_code, json.loads(done.stdout)["approval"]) == (0, "approve")
    assert json.loads(done.stderr.splitlines()[-1])["type"] == "ExecutionSucceeded"
