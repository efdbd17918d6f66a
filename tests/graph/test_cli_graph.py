"""``asl graph`` end to end: files, formats, and an execution read back from a real store."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from asl.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
TRIAGE = str(REPO_ROOT / "examples" / "support_triage" / "workflow.asl.json")
OUTAGE = {"ticket": {"id": "T2", "customer": "Bo", "subject": "login", "body": "outage"}}


@pytest.fixture(autouse=True)
def own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/graph.db"
    monkeypatch.setenv("ASL_STORE", url)
    monkeypatch.chdir(REPO_ROOT)
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    return url


def run_triage(runner: CliRunner, execution_id: str) -> None:
    result = runner.invoke(
        main,
        [
            "run",
            TRIAGE,
            "--agents",
            "examples.support_triage.agents",
            "--input",
            json.dumps(OUTAGE),
            "--execution-id",
            execution_id,
        ],
    )
    assert result.exit_code == 0, result.output


def test_mermaid_is_the_default_format() -> None:
    result = CliRunner().invoke(main, ["graph", TRIAGE])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:3] == [
        "flowchart TD",
        '  begin(("Start"))',
        '  n0["Classify<br/><i>Task</i>"]',
    ]
    assert '  n3 -.->|"Catch Triage.NeedsEngineer"| n6' in result.stdout.splitlines()


def test_dot_format() -> None:
    result = CliRunner().invoke(main, ["graph", TRIAGE, "--format", "dot"])
    assert result.exit_code == 0
    assert result.stdout.startswith("digraph workflow {\n")
    assert '  n1 -> n2 [label="$.triage.category == \\"billing\\""];\n' in result.stdout


def test_svg_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "triage.svg"
    result = CliRunner().invoke(main, ["graph", TRIAGE, "--format", "svg", "-o", str(target)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert ">AnswerTechnical</text>" in target.read_text()


def test_png_to_stdout_when_redirected() -> None:
    result = CliRunner().invoke(main, ["graph", TRIAGE, "--format", "png"])
    assert result.exit_code == 0
    assert result.stdout_bytes[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_execution_colours_the_states_it_ran() -> None:
    runner = CliRunner()
    run_triage(runner, "outage-1")
    result = runner.invoke(main, ["graph", TRIAGE, "--execution", "outage-1"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-10:-7] == [
        "  linkStyle 0,1,3,10 stroke:#2e7d32,color:#2e7d32,stroke-width:3px",
        "  linkStyle 7 stroke:#c62828,color:#c62828,stroke-width:3px",
        "  classDef succeeded fill:#c8e6c9,stroke:#2e7d32",
    ]
    assert result.stdout.splitlines()[-4:] == [
        "  classDef not_run fill:#f5f5f5,stroke:#9e9e9e,color:#757575",
        "  class n0,n1,n6 succeeded",
        "  class n2,n4,n5 not_run",
        "  class n3 caught_error",
    ]


def test_without_file_the_execution_document_is_drawn() -> None:
    runner = CliRunner()
    run_triage(runner, "outage-2")
    with_file = runner.invoke(main, ["graph", TRIAGE, "--execution", "outage-2"])
    without = runner.invoke(main, ["graph", "--execution", "outage-2"])
    assert without.exit_code == 0
    assert without.stdout == with_file.stdout


def test_a_changed_file_is_drawn_with_a_warning(tmp_path: Path) -> None:
    runner = CliRunner()
    run_triage(runner, "outage-3")
    changed = json.loads(Path(TRIAGE).read_text())
    changed["Comment"] = "edited since"
    edited = tmp_path / "edited.asl.json"
    edited.write_text(json.dumps(changed))
    result = runner.invoke(main, ["graph", str(edited), "--execution", "outage-3"])
    assert result.exit_code == 0
    assert result.stderr == (
        f"warning: execution 'outage-3' ran another version of {edited}; omit FILE to "
        "draw the document it ran\n"
    )


def test_an_unknown_execution_exits_1() -> None:
    result = CliRunner().invoke(main, ["graph", TRIAGE, "--execution", "nope"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: No execution 'nope' in this store: check the id, or the --store URL\n"
    )


def test_neither_file_nor_execution_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["graph"])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Give the workflow FILE, or --execution ID to draw its document.\n"
    )


def test_a_file_that_does_not_parse_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.asl.json"
    broken.write_text('{"StartAt": "A",\n  "States": }\n')
    result = CliRunner().invoke(main, ["graph", str(broken)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {broken}:2:")


def test_graph_runs_as_a_real_process(tmp_path: Path) -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "asl.cli", "graph", TRIAGE, "--format", "dot"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("  n6 -> finish;\n}\n")
