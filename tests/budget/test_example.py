"""The cost-managed analysis example: fallback cascade, alerts and the report, end to end."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from asl import AgentRegistry, WorkflowEngine
from asl.budget.report import summary_lines
from asl.cli import main
from tests.budget.scripted import Recorder

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "examples" / "cost_managed_analysis"
INPUT = json.loads((EXAMPLE / "input.json").read_text())
OUTPUT = {
    "estimate": {"tokens": 112, "opusInputCost": 0.00056},
    "models": ["claude-opus-4-5"] * 3 + ["claude-sonnet-4-5"] * 2,
    "summary": {
        "summary": "Sections: Introduction, Revenue, Costs, Outlook, Risks",
        "model": "claude-haiku-4-5",
    },
    "spent": 0.086239,
    "tokens": 4555,
    "remaining": 0.013761,
}


def example_engine(**options: Any) -> WorkflowEngine:
    from examples.cost_managed_analysis.agents import register

    registry = AgentRegistry()
    register(registry)
    return WorkflowEngine.from_file(str(EXAMPLE / "workflow.asl.json"), registry, **options)


def test_the_example_falls_back_and_reports_its_costs() -> None:
    notifier = Recorder()
    result = example_engine(notifier=notifier).run(INPUT, execution_id="doc-1")
    assert result.status == "SUCCEEDED", result.cause
    assert {**result.output, "spent": round(result.output["spent"], 9)} == OUTPUT
    report = result.cost_report
    assert report is not None
    assert report["costs"] == {
        "total": 0.086239,
        "byState": {"Analyze": 0.084634, "Summarize": 0.001605},
        "byModel": {
            "claude-opus-4-5": 0.06046,
            "claude-sonnet-4-5": 0.024174,
            "claude-haiku-4-5": 0.001605,
        },
        "byCategory": {"analysis": 0.084634, "generation": 0.001605},
        "byTag": {"documents": 0.084634},
        "byAttribution": {"Team": {"research": 0.084634}, "Project": {"atlas": 0.084634}},
    }
    assert [(to, details["at"]) for to, _, details in notifier.sent] == [
        (["dev-team@example.com"], "50%"),
        (["#cost-alerts"], "80%"),
    ]


@pytest.mark.usefixtures("in_repo_root")
def test_the_example_through_asl_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "run",
            "examples/cost_managed_analysis/workflow.asl.json",
            "--agents",
            "examples.cost_managed_analysis.agents",
            "--input-file",
            "examples/cost_managed_analysis/input.json",
            "--store",
            f"sqlite:///{tmp_path}/asl.db",
            "--execution-id",
            "doc-2",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == OUTPUT
    report = example_engine().run(INPUT).cost_report
    assert report is not None
    expected = "".join(f"{line}\n" for line in summary_lines(report))
    assert result.stderr.endswith(expected)
    assert expected.startswith("cost: $0.086239 USD, 4555 tokens, 6 agent calls\n")

    shown = CliRunner().invoke(
        main, ["executions", "show", "doc-2", "--store", f"sqlite:///{tmp_path}/asl.db"]
    )
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["costReport"] == report


@pytest.fixture
def in_repo_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT
