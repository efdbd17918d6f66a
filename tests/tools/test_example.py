"""The research_desk example: governed tools end to end, via Python and via `asl run`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from examples.research_desk.agents import register

from asl import AgentRegistry, WorkflowEngine
from asl.cli import main

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = "examples/research_desk/workflow.asl.json"
INPUT = "examples/research_desk/input.json"
EXPECTED = {
    "topic": "governed tools",
    "tools": ["list_dir", "read_file", "word_count"],
    "files": ["limits.md", "sandbox.md"],
    "refused": [
        {"tool": "read_file", "error": "States.Permissions"},
        {"tool": "write_file", "error": "States.Permissions"},
    ],
    "totalWords": 36,
    "longest": "sandbox.md",
}


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch, bubblewrap: None) -> None:
    """The workflow's paths are relative to the repo root; its analyst needs bubblewrap."""
    monkeypatch.chdir(ROOT)


def test_the_example_runs_through_the_python_api_and_records_the_refusals() -> None:
    registry = AgentRegistry()
    register(registry)
    result = WorkflowEngine.from_file(WORKFLOW, registry).run(json.loads(Path(INPUT).read_text()))

    assert result.output == EXPECTED
    assert [
        (e["details"]["tool"], e["details"]["cause"])
        for e in result.trace
        if e["type"] == "ToolCallFailed"
    ] == [
        (
            "read_file",
            "Tool 'read_file' refused the path 'examples/research_desk/notes/../../../README.md'"
            ": it is outside the FileSystem AllowedPaths",
        ),
        (
            "write_file",
            "State 'Gather' may not call tool 'write_file': it is in the Tools block's Denied list",
        ),
    ]


def test_the_example_runs_through_asl_run() -> None:
    args = ["run", WORKFLOW, "--input-file", INPUT, "--agents", "examples.research_desk.agents"]
    done = CliRunner().invoke(main, args)

    assert (done.exit_code, json.loads(done.stdout)) == (0, EXPECTED)
