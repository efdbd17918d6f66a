"""examples/ticket_summary: an LLM workflow from agents.yaml against a local OpenAI-compatible
server, through the Python API and through `asl run --agents agents.yaml`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from examples.ticket_summary.local_model import start

from asl import WorkflowEngine
from asl.agents.config import load_agents_config
from asl.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ticket_summary"
BROKEN = json.loads((EXAMPLE / "input.json").read_text())
HAPPY = {"ticket": {"id": "T-2002", "customer": "Linus", "body": "Thanks, all works. Great."}}


@pytest.fixture
def local_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = start(0)
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("OPENAI_API_KEY", "local-key")
    yield url
    server.shutdown()
    server.server_close()


@pytest.mark.usefixtures("local_model")
@pytest.mark.parametrize(
    ("execution_input", "expected"),
    [
        (
            BROKEN,
            {"ticketId": "T-2001", "queue": "priority", "summary": "My order arrived broken."},
        ),
        (HAPPY, {"ticketId": "T-2002", "queue": "standard", "summary": "Thanks, all works."}),
    ],
)
def test_python_api(execution_input: object, expected: object) -> None:
    registry = load_agents_config(EXAMPLE / "agents.yaml")
    engine = WorkflowEngine.from_file(str(EXAMPLE / "workflow.asl.json"), registry)
    result = engine.run(execution_input)
    assert (result.status, result.output) == ("SUCCEEDED", expected)
    assert result.tokens_used == 52


@pytest.mark.usefixtures("local_model")
def test_asl_run_with_agents_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = ["run", "examples/ticket_summary/workflow.asl.json"]
    args += ["--agents", "examples/ticket_summary/agents.yaml"]
    args += ["--input-file", "examples/ticket_summary/input.json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "ticketId": "T-2001",
        "queue": "priority",
        "summary": "My order arrived broken.",
    }
    assert "52 tokens, 1 agent calls" in result.stderr


def test_asl_run_reports_a_bad_agents_file(tmp_path: Path) -> None:
    config = tmp_path / "agents.yaml"
    config.write_text("agents:\n  Summarizer:\n    type: robot\n")
    args = ["run", str(EXAMPLE / "workflow.asl.json"), "--agents", str(config)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert f"{config}:3:11: agent 'Summarizer': 'type' must be llm or python" in result.stderr
    assert "Traceback" not in result.output
