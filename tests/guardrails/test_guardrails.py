"""Guardrails at run time: what each rule and action does to a Task, and what history shows."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from asl import AgentRegistry, AgentResult, Usage, WorkflowEngine, WorkflowResult
from asl.runtime.clock import ManualClock

EMAIL_AND_CARD = "Write to ada@example.com, card 4111 1111 1111 1111."


def task(**fields: Any) -> dict[str, Any]:
    state = {"Type": "Task", "Agent": "Writer", "End": True, **fields}
    return {"StartAt": "Write", "States": {"Write": state}}


def output_rules(*rules: dict[str, Any], **side: Any) -> dict[str, Any]:
    return {"Output": {"Rules": list(rules), **side}}


def input_rules(*rules: dict[str, Any], **side: Any) -> dict[str, Any]:
    return {"Input": {"Rules": list(rules), **side}}


class Recorder:
    """An agent returning the given outputs in turn, keeping what it was called with."""

    def __init__(self, *outputs: Any) -> None:
        self.outputs = list(outputs)
        self.calls: list[Any] = []

    def __call__(self, parameters: Any) -> Any:
        self.calls.append(parameters)
        return self.outputs[min(len(self.calls), len(self.outputs)) - 1]


def run(definition: dict[str, Any], data: Any = None, **agents: Any) -> WorkflowResult:
    engine = WorkflowEngine(definition, AgentRegistry(agents), clock=ManualClock())
    return engine.run(data, execution_id="exec-1")


def triggered(result: WorkflowResult) -> list[dict[str, Any]]:
    return [event["details"] for event in result.trace if event["type"] == "GuardrailTriggered"]


def events(result: WorkflowResult) -> list[str]:
    return [event["type"] for event in result.trace]


# --- Output rules -----------------------------------------------------------------------


def test_mask_replaces_personal_data_with_placeholders() -> None:
    rule = {"Type": "pii", "Detect": True, "Action": "mask"}
    result = run(task(Guardrails=output_rules(rule)), Writer=Recorder({"text": EMAIL_AND_CARD}))

    assert result.output == {"text": "Write to [EMAIL], card [CARD]."}
    assert triggered(result) == [
        {
            "direction": "Output",
            "rule": 0,
            "type": "pii",
            "action": "mask",
            "reason": "found personal data: an email address (x1), a card number (x1)",
        }
    ]


def test_redact_removes_each_match() -> None:
    rule = {"Type": "regex", "Pattern": "API_KEY=\\w+|password", "Action": "redact"}
    writer = Recorder("use API_KEY=abc123 and the password")
    result = run(task(Guardrails=output_rules(rule)), Writer=writer)

    assert result.output == "use [REDACTED] and the [REDACTED]"
    assert triggered(result)[0]["reason"] == "found the pattern 'API_KEY=\\w+|password' (2 matches)"


def test_mask_of_a_regex_match_keeps_its_length() -> None:
    rule = {"Type": "regex", "Pattern": "secret", "Action": "mask"}
    result = run(
        task(Guardrails=output_rules(rule)), Writer=Recorder(["a secret", {"k": "secret"}])
    )

    assert result.output == ["a ******", {"k": "******"}]


def test_mask_of_a_blocked_text_is_stars_whatever_the_text() -> None:
    rule = {"Type": "pattern", "Block": ["email"], "Action": "mask"}
    result = run(task(Guardrails=output_rules(rule)), Writer=Recorder("send an EMAIL"))

    assert result.output == "send an *****"


def test_block_fails_the_task_with_guardrail_violation() -> None:
    rule = {"Type": "pii", "Detect": ["email"]}
    result = run(task(Guardrails=output_rules(rule)), Writer=Recorder({"text": EMAIL_AND_CARD}))

    assert (result.status, result.error) == ("FAILED", "Agent.GuardrailViolation")
    assert result.cause == (
        "The Output guardrail of state 'Write' stopped the agent's output: rule 0 (pii) "
        "found personal data: an email address (x1)"
    )
    assert events(result)[-3:] == ["GuardrailTriggered", "TaskFailed", "ExecutionFailed"]


def test_the_trigger_never_quotes_what_it_found() -> None:
    rule = {"Type": "pii", "Detect": True}
    result = run(task(Guardrails=output_rules(rule)), Writer=Recorder(EMAIL_AND_CARD))

    assert "ada@example.com" not in str(triggered(result))
    assert "ada@example.com" not in (result.cause or "")


def test_warn_records_logs_and_lets_the_output_through(caplog: pytest.LogCaptureFixture) -> None:
    rule = {"Type": "pattern", "Block": ["Competitor"], "Action": "warn"}
    with caplog.at_level(logging.WARNING, logger="asl.guardrails"):
        result = run(
            task(Guardrails=output_rules(rule)), Writer=Recorder("Better than competitor X")
        )

    assert caplog.messages == [
        "Output guardrail of state 'Write' in execution exec-1: rule 0 (pattern) found the "
        "blocked text 'competitor' (1 match)"
    ]

    assert result.output == "Better than competitor X"
    assert triggered(result) == [
        {
            "direction": "Output",
            "rule": 0,
            "type": "pattern",
            "action": "warn",
            "reason": "found the blocked text 'competitor' (1 match)",
        }
    ]


def test_flag_marks_an_object_output_for_a_choice() -> None:
    rule = {"Type": "regex", "Pattern": "(?i)refund", "Action": "flag"}
    definition = task(Guardrails=output_rules(rule), ResultPath="$.reply")
    result = run(definition, {"id": 1}, Writer=Recorder({"text": "A Refund is due"}))

    assert result.output == {"id": 1, "reply": {"text": "A Refund is due", "flagged": True}}


def test_an_output_that_passes_records_nothing() -> None:
    rule = {"Type": "pii", "Detect": True}
    result = run(task(Guardrails=output_rules(rule)), Writer=Recorder("all clear"))

    assert (result.output, triggered(result)) == ("all clear", [])


def test_length_counts_the_characters_of_a_string() -> None:
    rule = {"Type": "length", "Max": 5}
    result = run(task(Guardrails=output_rules(rule)), Writer=Recorder("123456"))

    assert result.cause == (
        "The Output guardrail of state 'Write' stopped the agent's output: rule 0 (length) "
        "found 6 characters, more than Max 5"
    )


def test_length_of_a_json_value_is_its_compact_json() -> None:
    rule = {"Type": "length", "Min": 10}
    result = run(task(Guardrails=output_rules(rule)), Writer=Recorder({"a": 1}))

    assert result.cause is not None
    assert result.cause.endswith("rule 0 (length) found 7 characters, fewer than Min 10")


def test_schema_rule_checks_the_output_structure() -> None:
    schema = {
        "type": "object",
        "required": ["score"],
        "properties": {"score": {"type": "number"}},
    }
    rule = {"Type": "schema", "Schema": schema}
    good = run(task(Guardrails=output_rules(rule)), Writer=Recorder({"score": 0.9}))
    bad = run(task(Guardrails=output_rules(rule)), Writer=Recorder({"score": "high"}))

    assert good.output == {"score": 0.9}
    assert bad.cause == (
        "The Output guardrail of state 'Write' stopped the agent's output: rule 0 (schema) "
        'found a value that does not fit the Schema at $.score (type: "number")'
    )
    missing = run(task(Guardrails=output_rules(rule)), Writer=Recorder({}))
    assert missing.cause is not None
    assert missing.cause.endswith('does not fit the Schema at $ (required: ["score"])')


def test_rules_run_in_order_on_what_the_previous_one_let_through() -> None:
    rules = (
        {"Type": "pii", "Detect": ["email"], "Action": "mask"},
        {"Type": "regex", "Pattern": "@"},
    )
    result = run(task(Guardrails=output_rules(*rules)), Writer=Recorder("mail ada@example.com"))

    assert result.output == "mail [EMAIL]"


# --- retry: regeneration ----------------------------------------------------------------


def test_retry_regenerates_until_the_output_passes() -> None:
    rule = {"Type": "pii", "Detect": True, "Action": "retry"}
    writer = Recorder(
        AgentResult("call +44 20 7946 0958", Usage(10, 5, cost=0.01)),
        AgentResult("call our office", Usage(10, 4, cost=0.01)),
    )
    result = run(task(Guardrails=output_rules(rule, MaxRetries=2)), {"q": 1}, Writer=writer)

    assert result.output == "call our office"
    assert writer.calls == [{"q": 1}, {"q": 1}]
    assert (result.tokens_used, result.cost) == (29, 0.02)
    assert [d["action"] for d in triggered(result)] == ["retry"]


def test_retry_fails_after_max_retries_regenerations() -> None:
    rule = {"Type": "length", "Max": 3, "Action": "retry"}
    writer = Recorder("too long")
    result = run(task(Guardrails=output_rules(rule, MaxRetries=2)), Writer=writer)

    assert len(writer.calls) == 3
    assert result.error == "Agent.GuardrailViolation"
    assert result.cause == (
        "The Output guardrail of state 'Write' stopped the agent's output: rule 0 (length) "
        "found 8 characters, more than Max 3 (after 2 regenerations)"
    )


def test_max_retries_defaults_to_one_regeneration() -> None:
    writer = Recorder("too long")
    rule = {"Type": "length", "Max": 3, "Action": "retry"}
    result = run(task(Guardrails=output_rules(rule)), Writer=writer)

    assert len(writer.calls) == 2
    assert result.cause is not None and result.cause.endswith("(after 1 regeneration)")


# --- Input rules ------------------------------------------------------------------------


def test_input_block_stops_before_the_agent_runs() -> None:
    writer = Recorder("never")
    rule = {"Type": "pattern", "Block": ["<script>", "javascript:"]}
    result = run(
        task(Guardrails=input_rules(rule, OnFail="reject")),
        {"html": "<SCRIPT>alert(1)</script>"},
        Writer=writer,
    )

    assert writer.calls == []
    assert result.cause == (
        "The Input guardrail of state 'Write' stopped the input: rule 0 (pattern) "
        "found the blocked text '<script>' (1 match)"
    )


def test_input_redaction_reaches_the_agent() -> None:
    writer = Recorder("ok")
    rule = {"Type": "pii", "Detect": ["iban"], "Action": "redact"}
    definition = task(Guardrails=input_rules(rule), Parameters={"note.$": "$.note"})
    run(definition, {"note": "pay DE89 3704 0044 0532 0130 00 now"}, Writer=writer)

    assert writer.calls == [{"note": "pay [REDACTED] now"}]


# --- validator agents -------------------------------------------------------------------


def test_a_semantic_rule_asks_its_agent_with_the_check() -> None:
    asked: list[Any] = []

    def moderator(payload: dict[str, Any]) -> dict[str, Any]:
        asked.append(payload)
        return {"valid": False, "reason": "insults the reader"}

    rule = {"Type": "semantic", "Check": "harmful_content", "Agent": "Moderator"}
    result = run(
        task(Guardrails=output_rules(rule, MaxRetries=0)),
        Writer=Recorder("text"),
        Moderator=moderator,
    )

    assert asked == [
        {"content": "text", "direction": "output", "state": "Write", "check": "harmful_content"}
    ]
    assert result.cause == (
        "The Output guardrail of state 'Write' stopped the agent's output: rule 0 (semantic) "
        "was rejected by the agent 'Moderator': insults the reader"
    )


def test_the_side_validator_rejection_regenerates_the_output() -> None:
    writer = Recorder("draft 1", "draft 2")
    verdicts = iter([False, True])
    result = run(
        task(Guardrails={"Output": {"Validator": "Judge", "MaxRetries": 1}}),
        Writer=writer,
        Judge=lambda payload: next(verdicts),
    )

    assert result.output == "draft 2"
    assert triggered(result) == [
        {
            "direction": "Output",
            "type": "validator",
            "action": "retry",
            "reason": "'Judge' rejected it",
        }
    ]


def test_the_input_validator_rejection_blocks() -> None:
    result = run(
        task(Guardrails={"Input": {"Validator": "Judge"}}),
        Writer=Recorder("x"),
        Judge=lambda payload: {"valid": False, "reason": "off topic"},
    )

    assert result.cause == (
        "The Input guardrail of state 'Write' stopped the input: the Validator 'Judge' "
        "rejected it: off topic"
    )


def test_agent_rules_without_an_agent_use_the_side_validator_once() -> None:
    asked: list[Any] = []

    def judge(payload: dict[str, Any]) -> bool:
        asked.append(payload.get("check"))
        return True

    rule = {"Type": "semantic", "Check": "tone"}
    result = run(
        task(Guardrails={"Output": {"Validator": "Judge", "Rules": [rule]}}),
        Writer=Recorder("x"),
        Judge=judge,
    )

    assert (result.output, asked) == ("x", ["tone"])


def test_a_validator_answer_of_the_wrong_shape_fails_the_task() -> None:
    result = run(
        task(Guardrails={"Output": {"Validator": "Judge"}}),
        Writer=Recorder("x"),
        Judge=lambda payload: "looks fine",
    )

    assert (result.error, result.cause) == (
        "States.TaskFailed",
        "The guardrail validator 'Judge' returned looks fine; a validator returns true, "
        'false, or {"valid": true|false, "reason": "..."}',
    )


def test_an_unregistered_validator_is_agent_not_found() -> None:
    result = run(task(Guardrails={"Output": {"Validator": "Judge"}}), Writer=Recorder("x"))

    assert (result.error, result.cause) == (
        "States.AgentNotFound",
        "State 'Write' uses the guardrail validator 'Judge', which is not registered; "
        "register it with registry.register('Judge', agent)",
    )


def test_validator_usage_counts_in_the_totals() -> None:
    result = run(
        task(Guardrails={"Output": {"Validator": "Judge"}}),
        Writer=Recorder("x"),
        Judge=lambda payload: AgentResult(True, Usage(7, 1, cost=0.5)),
    )

    assert (result.tokens_used, result.cost) == (8, 0.5)


# --- with Retry and Catch ---------------------------------------------------------------


def test_catch_handles_a_guardrail_violation() -> None:
    definition = task(
        Guardrails=output_rules({"Type": "pii", "Detect": True}),
        Catch=[
            {
                "ErrorEquals": ["Agent.GuardrailViolation"],
                "ResultPath": "$.guardrailError",
                "Next": "Handle",
            }
        ],
    )
    del definition["States"]["Write"]["End"]
    definition["States"]["Write"]["Next"] = "Done"
    definition["States"]["Handle"] = {"Type": "Pass", "Result": "handled", "End": True}
    definition["States"]["Done"] = {"Type": "Succeed"}
    result = run(definition, {"q": 1}, Writer=Recorder("mail ada@example.com"))

    assert result.output == "handled"


@pytest.mark.parametrize("store", ["memory://", "sqlite"])
def test_triggers_are_in_the_store_history(store: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/h.db" if store == "sqlite" else store
    rule = {"Type": "pii", "Detect": True, "Action": "mask"}
    registry = AgentRegistry({"Writer": Recorder("ada@example.com")})
    engine = WorkflowEngine(task(Guardrails=output_rules(rule)), registry, store=url, durable=True)
    result = engine.run({}, execution_id="stored-1")

    async def history() -> list[dict[str, Any]]:
        transitions = await (await engine.store()).history("stored-1")
        return [event for t in transitions for event in t.events]

    stored = asyncio.run(history())
    assert result.output == "[EMAIL]"
    assert [e["details"]["action"] for e in stored if e["type"] == "GuardrailTriggered"] == ["mask"]
