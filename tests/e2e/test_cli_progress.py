"""Progress goes to stderr only, and only when a person watches it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import asl.cli
import asl.cli_progress
from asl.cli import main
from asl.cli_progress import ProgressModel

TWO_STEPS = {
    "StartAt": "First",
    "States": {
        "First": {"Type": "Pass", "Next": "Second"},
        "Second": {"Type": "Pass", "End": True},
    },
}


def test_model_counts_running_states_and_map_iterations() -> None:
    model = ProgressModel()
    model.enter("Fetch")
    model.enter("Summarize")
    model.enter("Summarize")

    assert model.lines() == ["running: Fetch, Summarize x2", "0 states done"]


def test_model_lists_the_last_finished_states_with_durations() -> None:
    model = ProgressModel()
    for name, seconds in [("A", 0.5), ("B", 0.0012), ("C", 0.25), ("D", 2.0)]:
        model.enter(name)
        model.exit(name, None, seconds)

    assert model.lines() == [
        "running: -",
        "4 states done",
        "  done B 1.2 ms",
        "  done C 250.0 ms",
        "  done D 2000.0 ms",
    ]


def test_model_says_state_for_one() -> None:
    model = ProgressModel()
    model.enter("Only", {"x": 1})
    model.exit("Only", {"x": 1}, 0.0)

    assert model.lines()[1] == "1 state done"


def test_nothing_reaches_stderr_when_it_is_not_a_terminal(
    runner: CliRunner, tmp_path: Path
) -> None:
    workflow = tmp_path / "two.asl.json"
    workflow.write_text(json.dumps(TWO_STEPS))

    result = runner.invoke(main, ["run", str(workflow), "--input", "{}"])

    assert (result.exit_code, result.stdout, result.stderr) == (0, "{}\n", "")


def test_a_terminal_gets_the_live_display_fed_by_state_events(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[ProgressModel] = []

    class RecordingProgress(asl.cli_progress.LiveProgress):
        def __exit__(self, *exc_info: Any) -> None:
            super().__exit__(*exc_info)
            shown.append(self.model)

    monkeypatch.setattr(asl.cli, "_stderr_is_terminal", lambda: True)
    monkeypatch.setattr(asl.cli_progress, "LiveProgress", RecordingProgress)
    workflow = tmp_path / "two.asl.json"
    workflow.write_text(json.dumps(TWO_STEPS))

    result = runner.invoke(main, ["run", str(workflow), "--input", "{}"])

    assert (result.exit_code, result.stdout) == (0, "{}\n")
    assert [line.split(" ")[:4] for line in shown[0].lines()] == [
        ["running:", "-"],
        ["2", "states", "done"],
        ["", "", "done", "First"],
        ["", "", "done", "Second"],
    ]


def test_model_shows_the_latest_progress_of_each_scope() -> None:
    model = ProgressModel()
    model.event({"type": "PassStateEntered", "state": "A", "details": {"input": {}}})
    model.event({"type": "ProgressUpdated", "details": {"scope": "workflow", "percentage": 10.0}})
    model.event(
        {
            "type": "ProgressUpdated",
            "state": "Each",
            "details": {"scope": "map", "percentage": 33.3, "completed": 1, "total": 3},
        }
    )
    model.event(
        {
            "type": "ProgressUpdated",
            "state": "Write",
            "details": {"scope": "state", "percentage": 50, "message": "drafting"},
        }
    )
    model.event({"type": "ProgressUpdated", "details": {"scope": "workflow", "percentage": 40.0}})

    assert model.lines() == [
        "running: -",
        "  progress workflow 40%",
        "  progress Each 33.3% (1/3 items)",
        "  progress Write 50% drafting",
        "0 states done",
    ]
