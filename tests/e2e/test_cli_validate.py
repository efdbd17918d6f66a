"""`asl validate`: one `FILE:LINE:COL: CODE message` line per error, warnings on stderr."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from asl.cli import main

VALID = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
BAD_TARGET = {
    "StartAt": "A",
    "States": {"A": {"Type": "Pass", "Next": "Nope"}, "B": {"Type": "Succeed"}},
}
UNKNOWN_FIELD = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Colour": "red", "End": True}}}
TASK = {"StartAt": "T", "States": {"T": {"Type": "Task", "Agent": "Greeter", "End": True}}}

UNREACHABLE_B = (
    "UNREACHABLE_STATE State 'B' is never reached: no StartAt, Next, Default, choice rule or "
    "catcher names it; connect it or remove it"
)
NEXT_NOPE = (
    "MISSING_TRANSITION_TARGET 'Next' of state 'A' names 'Nope', which is not a state of "
    "the workflow: add a state named 'Nope' or fix the name"
)
COLOUR = (
    "UNKNOWN_FIELD Pass state 'A' has the unknown field 'Colour': remove it or check its spelling"
)


@pytest.fixture
def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Write a document into the current directory and return its relative name."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))

    def write(name: str, document: Any) -> str:
        text = document if isinstance(document, str) else json.dumps(document)
        (tmp_path / name).write_text(text)
        return name

    return write


def test_valid_file_exits_0_silently(runner: CliRunner, write: Any) -> None:
    result = runner.invoke(main, ["validate", write("ok.asl.json", VALID)])

    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_errors_are_one_line_each_on_stdout_with_exit_1(runner: CliRunner, write: Any) -> None:
    result = runner.invoke(main, ["validate", write("bad.asl.json", BAD_TARGET)])

    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        f"bad.asl.json:1:59: {NEXT_NOPE}\nbad.asl.json:1:68: {UNREACHABLE_B}\n",
        "",
    )


def test_every_file_is_checked_and_only_bad_ones_reported(runner: CliRunner, write: Any) -> None:
    files = [write("ok.asl.json", VALID), write("bad.asl.json", BAD_TARGET)]

    result = runner.invoke(main, ["validate", *files])

    assert (result.exit_code, result.stdout) == (
        1,
        f"bad.asl.json:1:59: {NEXT_NOPE}\nbad.asl.json:1:68: {UNREACHABLE_B}\n",
    )


def test_parse_error_is_a_line_with_its_position(runner: CliRunner, write: Any) -> None:
    broken = write("broken.asl.json", '{\n  "StartAt": "A",\n  "States": {,}\n}\n')

    result = runner.invoke(main, ["validate", broken])

    assert (result.exit_code, result.stdout) == (
        1,
        "broken.asl.json:3:14: States.ParseError expected a property name in double quotes; "
        "remove a trailing comma or quote the key\n",
    )


def test_warnings_go_to_stderr_and_keep_exit_0(runner: CliRunner, write: Any) -> None:
    result = runner.invoke(main, ["validate", write("warn.asl.json", UNKNOWN_FIELD)])

    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        f"warn.asl.json:1:51: warning: {COLOUR}\n",
    )


def test_json_format_lists_every_diagnostic_warnings_included(
    runner: CliRunner, write: Any
) -> None:
    files = [write("warn.asl.json", UNKNOWN_FIELD), write("bad.asl.json", BAD_TARGET)]

    result = runner.invoke(main, ["validate", "--format", "json", *files])

    assert (result.exit_code, result.stderr) == (1, "")
    assert json.loads(result.stdout) == [
        {
            "file": "warn.asl.json",
            "line": 1,
            "column": 51,
            "severity": "warning",
            "code": "UNKNOWN_FIELD",
            "message": COLOUR.removeprefix("UNKNOWN_FIELD "),
            "pointer": "/States/A/Colour",
        },
        {
            "file": "bad.asl.json",
            "line": 1,
            "column": 59,
            "severity": "error",
            "code": "MISSING_TRANSITION_TARGET",
            "message": NEXT_NOPE.removeprefix("MISSING_TRANSITION_TARGET "),
            "pointer": "/States/A/Next",
        },
        {
            "file": "bad.asl.json",
            "line": 1,
            "column": 68,
            "severity": "error",
            "code": "UNREACHABLE_STATE",
            "message": UNREACHABLE_B.removeprefix("UNREACHABLE_STATE "),
            "pointer": "/States/B",
        },
    ]


def test_json_format_of_a_clean_file_is_an_empty_list(runner: CliRunner, write: Any) -> None:
    result = runner.invoke(main, ["validate", "--format", "json", write("ok.asl.json", VALID)])

    assert (result.exit_code, result.stdout) == (0, "[]\n")


def test_agent_names_are_not_checked_without_agents(runner: CliRunner, write: Any) -> None:
    result = runner.invoke(main, ["validate", write("task.asl.json", TASK)])

    assert (result.exit_code, result.stdout) == (0, "")


def test_agent_names_are_checked_against_agents(runner: CliRunner, write: Any) -> None:
    write("my_validate_agents.py", "AGENTS = {'Other': lambda p: p}\n")
    task = write("task.asl.json", TASK)

    result = runner.invoke(main, ["validate", task, "--agents", "my_validate_agents:AGENTS"])

    assert (result.exit_code, result.stdout) == (
        1,
        "task.asl.json:1:60: UNKNOWN_AGENT State 'T' names the agent 'Greeter', which is not "
        "registered: register it or fix the name\n",
    )


def test_missing_file_is_a_usage_error(runner: CliRunner, write: Any) -> None:
    result = runner.invoke(main, ["validate", "missing.asl.json"])

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for 'FILES...': File 'missing.asl.json' does not exist."
    )


def test_no_file_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate"])

    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2,
        "Error: Missing argument 'FILES...'.",
    )
