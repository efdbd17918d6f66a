"""The guarded_reply example: guardrails, a cached Task and an idempotent Task, end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from examples.guarded_reply import agents

from asl import AgentRegistry, WorkflowEngine
from asl.cli import main
from asl.store.memory import MemoryStore

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = REPO_ROOT / "examples" / "guarded_reply" / "workflow.asl.json"
INPUT = json.loads((REPO_ROOT / "examples" / "guarded_reply" / "input.json").read_text())

REPLY = {
    "ticketId": "T-2001",
    "category": "billing",
    "reply": 'Hi Ada, about "Please refund my order [REDACTED]": your billing request is '
    "approved. We will write to [EMAIL] when it is done.",
    "messageId": "MSG-T-2001",
}


def engine(store: Any) -> WorkflowEngine:
    registry = AgentRegistry()
    agents.register(registry)
    return WorkflowEngine.from_file(WORKFLOW, registry, store=store)


def guardrail_events(trace: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (event["details"]["type"], event["details"]["action"])
        for event in trace
        if event["type"] == "GuardrailTriggered"
    ]


def cache_hits(trace: list[dict[str, Any]]) -> list[str]:
    return [event["state"] for event in trace if event["type"] == "TaskCacheHit"]


def test_the_reply_is_regenerated_masked_and_redacted() -> None:
    result = engine(MemoryStore()).run(INPUT, execution_id="reply-1")

    assert result.output == REPLY
    assert guardrail_events(result.trace) == [
        ("schema", "retry"),
        ("pii", "mask"),
        ("regex", "redact"),
    ]


def test_a_second_run_is_served_from_the_cache_and_sends_once() -> None:
    store = MemoryStore()
    agents.SENT.clear()
    engine(store).run(INPUT, execution_id="reply-1")
    again = engine(store).run(INPUT, execution_id="reply-2")

    assert again.output == REPLY
    assert cache_hits(again.trace) == ["Classify", "Send"]
    assert agents.SENT["T-2001"] == 1


def test_a_blocked_input_escalates_through_catch() -> None:
    ticket = {**INPUT["ticket"], "id": "T-2002", "body": "<script>alert(1)</script>"}
    result = engine(MemoryStore()).run({"ticket": ticket}, execution_id="reply-3")

    assert result.output == {
        "ticketId": "T-2002",
        "status": "escalated",
        "reason": "The Input guardrail of state 'Draft' stopped the input: rule 1 (pattern) "
        "found the blocked text '<script>' (1 match)",
    }


def test_the_example_through_asl_run(runner: CliRunner, in_repo_root: Path) -> None:
    args = [
        "run",
        "examples/guarded_reply/workflow.asl.json",
        "--input-file",
        "examples/guarded_reply/input.json",
        "--agents",
        "examples.guarded_reply.agents",
    ]
    result = runner.invoke(main, args)

    assert (result.exit_code, json.loads(result.stdout)) == (0, REPLY)


def test_asl_validate_names_the_line_of_a_bad_rule(
    runner: CliRunner, tmp_path: Path, monkeypatch: Any
) -> None:
    document = json.loads(WORKFLOW.read_text())
    document["States"]["Draft"]["Guardrails"]["Output"]["Rules"][2]["Pattern"] = "INTERNAL-("
    (tmp_path / "wf.asl.json").write_text(json.dumps(document, indent=2))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["validate", "wf.asl.json"])

    assert (result.exit_code, result.stdout) == (
        1,
        "wf.asl.json:70:26: INVALID_VALUE 'Pattern' of Guardrails.Output rule 2 of state "
        "'Draft' is not a valid regular expression: missing ), unterminated subpattern at "
        "position 9\n",
    )


def test_asl_run_twice_serves_the_second_from_the_cli_store(
    runner: CliRunner, in_repo_root: Path
) -> None:
    base = [
        "run",
        "examples/guarded_reply/workflow.asl.json",
        "--input-file",
        "examples/guarded_reply/input.json",
        "--agents",
        "examples.guarded_reply.agents",
        "--execution-id",
    ]
    first = runner.invoke(main, [*base, "cli-1"])
    second = runner.invoke(main, [*base, "cli-2"])
    history = runner.invoke(main, ["executions", "history", "cli-2"])
    events = [json.loads(line) for line in history.stdout.splitlines()]

    assert (first.exit_code, second.exit_code, json.loads(second.stdout)) == (0, 0, REPLY)
    assert [
        (e["state"], e["details"]["storedBy"]) for e in events if e["type"] == "TaskCacheHit"
    ] == [
        ("Classify", "cli-1"),
        ("Send", "cli-1"),
    ]
