"""`asl run`: stdout is the result document, stderr the reasons, the exit code the outcome."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from asl import ASLError, WorkflowEngine, WorkflowResult
from asl.cli import main

GREET = {
    "StartAt": "Greet",
    "States": {
        "Greet": {
            "Type": "Pass",
            "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.name)"},
            "End": True,
        }
    },
}
ECHO = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
REJECT = {
    "StartAt": "Reject",
    "States": {"Reject": {"Type": "Fail", "Error": "Order.Rejected", "Cause": "out of stock"}},
}


def _write(folder: Path, name: str, document: Any) -> str:
    path = folder / name
    path.write_text(document if isinstance(document, str) else json.dumps(document, indent=2))
    return str(path)


@pytest.fixture
def greet(tmp_path: Path) -> str:
    return _write(tmp_path, "greet.asl.json", GREET)


@pytest.fixture
def echo(tmp_path: Path) -> str:
    return _write(tmp_path, "echo.asl.json", ECHO)


def test_version_is_the_package_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])

    assert (result.exit_code, result.stdout) == (0, f"asl {version('agent-state-language')}\n")


def test_help_names_every_command_and_the_exit_codes(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])

    assert result.exit_code == 0
    assert "  run         Run the workflow in FILE and print its output as JSON.\n" in result.stdout
    assert "  validate    Check workflow FILES without running them.\n" in result.stdout
    assert "  3  execution paused, waiting for input\n" in result.stdout


def test_success_prints_exactly_the_output_document(runner: CliRunner, greet: str) -> None:
    result = runner.invoke(main, ["run", greet, "--input", '{"name": "Ada"}'])

    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        '{"greeting": "Hello, Ada!"}\n',
        "",
    )


def test_output_keeps_non_ascii_text_as_utf8(runner: CliRunner, greet: str) -> None:
    result = runner.invoke(main, ["run", greet, "--input", '{"name": "Zoë"}'])

    assert result.stdout == '{"greeting": "Hello, Zoë!"}\n'


def test_input_is_read_from_stdin(runner: CliRunner, echo: str) -> None:
    result = runner.invoke(main, ["run", echo], input='{"a": [1, 2]}\n')

    assert (result.exit_code, result.stdout) == (0, '{"a": [1, 2]}\n')


def test_empty_stdin_means_an_empty_object_as_in_aws(runner: CliRunner, echo: str) -> None:
    result = runner.invoke(main, ["run", echo], input="")

    assert (result.exit_code, result.stdout) == (0, "{}\n")


def test_input_is_read_from_a_file(runner: CliRunner, echo: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "input.json", {"b": None})

    result = runner.invoke(main, ["run", echo, "--input-file", path])

    assert (result.exit_code, result.stdout) == (0, '{"b": null}\n')


def test_a_scalar_input_is_a_valid_document(runner: CliRunner, echo: str) -> None:
    result = runner.invoke(main, ["run", echo, "--input", '"just text"'])

    assert (result.exit_code, result.stdout) == (0, '"just text"\n')


def test_failed_execution_exits_1_with_error_and_cause(runner: CliRunner, tmp_path: Path) -> None:
    workflow = _write(tmp_path, "reject.asl.json", REJECT)

    result = runner.invoke(main, ["run", workflow])

    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        '{"error": "Order.Rejected", "cause": "out of stock"}\n',
        "",
    )


def test_execution_id_reaches_the_context_object(runner: CliRunner, tmp_path: Path) -> None:
    document = {
        "StartAt": "Who",
        "States": {
            "Who": {"Type": "Pass", "Parameters": {"id.$": "$$.Execution.Name"}, "End": True}
        },
    }
    workflow = _write(tmp_path, "who.asl.json", document)

    result = runner.invoke(main, ["run", workflow, "--execution-id", "nightly-42"])

    assert (result.exit_code, result.stdout) == (0, '{"id": "nightly-42"}\n')


# --- bad arguments: exit 2, nothing on stdout, the reason on stderr ----------------------


def _usage_error(result: Any) -> str:
    """The last stderr line, after click's usage lines; asserts the exit-2 contract."""
    assert (result.exit_code, result.stdout) == (2, "")
    return str(result.stderr.splitlines()[-1])


def test_bad_json_input_names_the_flag_and_position(runner: CliRunner, echo: str) -> None:
    result = runner.invoke(main, ["run", echo, "--input", '{"name": }'])

    assert _usage_error(result) == (
        "Error: Invalid value for '--input': not valid JSON: Expecting value at line 1, "
        'column 10. Quote the whole document for your shell, e.g. --input \'{"name": "Ada"}\'.'
    )


def test_bad_json_input_file_names_file_line_and_column(
    runner: CliRunner, echo: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, "input.json", '{\n  "a": 1,\n}\n')

    result = runner.invoke(main, ["run", echo, "--input-file", path])

    assert _usage_error(result) == (
        f"Error: Invalid value for '--input-file': {path}:3:1: not valid JSON: "
        "Expecting property name enclosed in double quotes."
    )


def test_missing_input_file_is_named(runner: CliRunner, echo: str, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.json")

    result = runner.invoke(main, ["run", echo, "--input-file", missing])

    assert _usage_error(result) == (
        f"Error: Invalid value for '--input-file': cannot read '{missing}': "
        "No such file or directory."
    )


def test_input_given_twice_is_refused(runner: CliRunner, echo: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "input.json", {})

    result = runner.invoke(main, ["run", echo, "--input", "{}", "--input-file", path])

    assert _usage_error(result) == (
        "Error: Give the input once: --input JSON or --input-file PATH."
    )


def test_bad_json_on_stdin_names_the_position(runner: CliRunner, echo: str) -> None:
    result = runner.invoke(main, ["run", echo], input="[1, 2")

    assert _usage_error(result) == (
        "Error: stdin is not valid JSON: Expecting ',' delimiter at line 1, column 6. "
        "Pipe one JSON document, or pass --input / --input-file."
    )


def test_unknown_flag_is_a_usage_error(runner: CliRunner, echo: str) -> None:
    result = runner.invoke(main, ["run", echo, "--inptu", "{}"])

    assert _usage_error(result) == (
        "Error: No such option '--inptu'. (Did you mean one of: '--input', '--input-file'?)"
    )


def test_missing_workflow_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.asl.json")

    result = runner.invoke(main, ["run", missing])

    assert _usage_error(result) == (
        f"Error: Invalid value for 'FILE': File '{missing}' does not exist."
    )


def test_missing_workflow_argument_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["run"])

    assert _usage_error(result) == "Error: Missing argument 'FILE'."


def test_unparsable_workflow_exits_2_naming_line_and_column(
    runner: CliRunner, tmp_path: Path
) -> None:
    workflow = _write(tmp_path, "broken.asl.json", '{\n  "StartAt": "A",\n  "States": {,}\n}\n')

    result = runner.invoke(main, ["run", workflow])

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"Error: {workflow}:3:")
    assert "Traceback" not in result.stderr


def test_invalid_workflow_exits_2_listing_every_problem(runner: CliRunner, tmp_path: Path) -> None:
    document = {"StartAt": "Missing", "States": {"A": {"Type": "Pass", "End": True}}}
    workflow = _write(tmp_path, "invalid.asl.json", document)

    result = runner.invoke(main, ["run", workflow])

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(
        f"Error: {workflow} is not a valid workflow; nothing was run:\n  {workflow}:"
    )


def test_unknown_agent_without_agents_flag_says_where_agents_come_from(
    runner: CliRunner, tmp_path: Path
) -> None:
    document = {"StartAt": "T", "States": {"T": {"Type": "Task", "Agent": "Greeter", "End": True}}}
    workflow = _write(tmp_path, "task.asl.json", document)

    result = runner.invoke(main, ["run", workflow])

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-2:] == [
        f"  {workflow}:6:16: UNKNOWN_AGENT State 'T' names the agent 'Greeter', which is not "
        "registered: register it or fix the name",
        "Agents come from --agents MODULE[:ATTR]; see 'asl run --help'.",
    ]


def test_warnings_go_to_stderr_and_the_run_goes_on(runner: CliRunner, tmp_path: Path) -> None:
    document = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Colour": "red", "End": True}}}
    workflow = _write(tmp_path, "warn.asl.json", document)

    result = runner.invoke(main, ["run", workflow, "--input", "[1]"])

    assert (result.exit_code, result.stdout) == (0, "[1]\n")
    assert result.stderr == (
        f"{workflow}:6:7: warning: UNKNOWN_FIELD Pass state 'A' has the unknown field "
        "'Colour': remove it or check its spelling\n"
    )


# --- outcomes the engine reports: mapped to exit codes and stdout by the CLI alone ------


def test_paused_execution_exits_3_saying_where_and_for_what(
    runner: CliRunner, echo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def paused(self: WorkflowEngine, data: Any, execution_id: str | None = None) -> Any:
        return WorkflowResult(
            status="PAUSED",
            execution_id="exec-7",
            paused_at_state="ApproveRefund",
            pending_input={"prompt": "Refund 30 EUR?", "options": ["approve", "reject"]},
        )

    monkeypatch.setattr(WorkflowEngine, "arun", paused)

    result = runner.invoke(main, ["run", echo])

    assert (result.exit_code, result.stderr) == (3, "")
    assert result.stdout == (
        '{"status": "PAUSED", "executionId": "exec-7", "pausedAt": "ApproveRefund", '
        '"pending": {"prompt": "Refund 30 EUR?", "options": ["approve", "reject"]}}\n'
    )


def test_timed_out_execution_exits_1_with_its_error(
    runner: CliRunner, echo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def timed_out(self: WorkflowEngine, data: Any, execution_id: str | None = None) -> Any:
        return WorkflowResult(
            status="TIMED_OUT",
            execution_id="exec-8",
            error="States.Timeout",
            cause="The execution exceeded TimeoutSeconds (5)",
        )

    monkeypatch.setattr(WorkflowEngine, "arun", timed_out)

    result = runner.invoke(main, ["run", echo])

    assert (result.exit_code, result.stdout) == (
        1,
        '{"error": "States.Timeout", "cause": "The execution exceeded TimeoutSeconds (5)"}\n',
    )


def test_engine_refusing_to_start_exits_2_with_its_reason(
    runner: CliRunner, echo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse(self: WorkflowEngine, data: Any, execution_id: str | None = None) -> Any:
        raise ASLError("States.Runtime", "State 'Ask' has Type 'Approval', which cannot run yet")

    monkeypatch.setattr(WorkflowEngine, "arun", refuse)

    result = runner.invoke(main, ["run", echo])

    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"Error: {echo}: State 'Ask' has Type 'Approval', which cannot run yet\n",
    )
