"""One state on its own, as AWS's TestState runs it: status, output, nextState, inspection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from asl import AgentRegistry, ASLError
from asl.testing.mock_config import MockedCall
from asl.testing.test_state import run_test_state

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTICLE = json.loads((REPO_ROOT / "examples/article_review/workflow.asl.json").read_text())
TRIAGE = json.loads((REPO_ROOT / "examples/support_triage/workflow.asl.json").read_text())
TICKET = {"ticket": {"id": "T-1", "customer": "Ada", "subject": "s", "body": "b"}}


async def test_a_mocked_task_succeeds_with_its_next_state_and_debug_inspection() -> None:
    result = await run_test_state(
        TRIAGE,
        "Classify",
        TICKET,
        mock=MockedCall({"category": "billing"}),
        inspection_level="DEBUG",
    )
    assert result.to_json() == {
        "output": {**TICKET, "triage": {"category": "billing"}},
        "inspectionData": {
            "input": TICKET,
            "afterInputPath": TICKET,
            "afterParameters": {"subject": "s", "body": "b"},
            "result": {"category": "billing"},
            "afterResultSelector": {"category": "billing"},
            "afterResultPath": {**TICKET, "triage": {"category": "billing"}},
        },
        "nextState": "Route",
        "status": "SUCCEEDED",
    }


async def test_a_choice_names_the_state_its_rule_picks() -> None:
    data = {**TICKET, "triage": {"category": "technical"}}
    result = await run_test_state(TRIAGE, "Route", data)
    assert result.to_json() == {
        "output": data,
        "nextState": "AnswerTechnical",
        "status": "SUCCEEDED",
    }


async def test_a_caught_error_gives_the_catcher_output_and_next_state() -> None:
    result = await run_test_state(
        TRIAGE, "AnswerTechnical", TICKET, mock=MockedCall(error="Triage.NeedsEngineer", cause="x")
    )
    assert result.to_json() == {
        "output": {**TICKET, "escalation": {"Error": "Triage.NeedsEngineer", "Cause": "x"}},
        "error": "Triage.NeedsEngineer",
        "cause": "x",
        "nextState": "Escalate",
        "status": "CAUGHT_ERROR",
    }


async def test_an_uncaught_error_fails() -> None:
    result = await run_test_state(
        TRIAGE, "AnswerBilling", TICKET, mock=MockedCall(error="Billing.Down", cause="down")
    )
    assert result.to_json() == {"error": "Billing.Down", "cause": "down", "status": "FAILED"}


async def test_a_retrier_with_attempts_left_makes_it_retriable() -> None:
    busy = MockedCall(error="Writer.Overloaded", cause="busy")
    result = await run_test_state(ARTICLE, "Draft", {"topic": "tea"}, mock=busy)
    assert result.to_json() == {
        "error": "Writer.Overloaded",
        "cause": "busy",
        "nextState": "Draft",
        "status": "RETRIABLE",
    }
    spent = await run_test_state(
        ARTICLE, "Draft", {"topic": "tea"}, mock=busy, retrier_retry_count=2
    )
    assert (spent.status, spent.next_state) == ("CAUGHT_ERROR", "NotWritten")


async def test_real_agents_run_when_not_mocked() -> None:
    registry = AgentRegistry({"Writer": lambda p: {"title": p["topic"].upper(), "claims": []}})
    result = await run_test_state(ARTICLE, "Draft", {"topic": "tea"}, registry=registry)
    assert result.output == {"topic": "tea", "draft": {"title": "TEA", "claims": []}}


async def test_a_state_inside_a_map_processor_can_be_tested() -> None:
    result = await run_test_state(ARTICLE, "CheckClaim", "tea is hot", mock=MockedCall({"ok": 1}))
    assert result.to_json() == {"output": {"ok": 1}, "status": "SUCCEEDED"}


async def test_a_single_state_definition_and_variables() -> None:
    state: dict[str, Any] = {
        "Type": "Pass",
        "QueryLanguage": "JSONata",
        "Output": "{% $limit * $states.input.n %}",
        "Next": "Somewhere",
    }
    result = await run_test_state(state, None, {"n": 4}, variables={"limit": 3})
    assert result.to_json() == {"output": 12, "nextState": "Somewhere", "status": "SUCCEEDED"}


async def test_a_state_that_loops_to_itself_reports_itself_as_next() -> None:
    document = {
        "StartAt": "Again",
        "States": {
            "Again": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericLessThan": 3, "Next": "Again"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    result = await run_test_state(document, "Again", {"n": 1})
    assert (result.status, result.next_state) == ("SUCCEEDED", "Again")


async def test_an_unknown_state_names_the_ones_there_are() -> None:
    with pytest.raises(ASLError) as raised:
        await run_test_state(TRIAGE, "Clasify", {})
    assert raised.value.cause == (
        "There is no state 'Clasify': the workflow has Classify, Route, AnswerBilling, "
        "AnswerTechnical, AnswerGeneral, Resolve, Escalate"
    )


async def test_a_mock_for_a_state_without_an_agent_is_refused() -> None:
    with pytest.raises(ASLError) as raised:
        await run_test_state(TRIAGE, "Resolve", {}, mock=MockedCall(1))
    assert raised.value.cause == (
        "A mock answers a Task or an Approval; 'Resolve' is a Pass state: leave the mock out"
    )


async def test_jsonata_inspection_shows_the_arguments_and_the_result() -> None:
    state = {
        "Type": "Task",
        "QueryLanguage": "JSONata",
        "Agent": "Writer",
        "Arguments": {"topic": "{% $uppercase($states.input.topic) %}"},
        "Output": "{% $states.result.title %}",
        "End": True,
    }
    result = await run_test_state(
        state,
        "Write",
        {"topic": "tea"},
        mock=MockedCall({"title": "Tea"}),
        inspection_level="TRACE",
    )
    assert result.to_json() == {
        "output": "Tea",
        "inspectionData": {
            "input": {"topic": "tea"},
            "afterArguments": {"topic": "TEA"},
            "result": {"title": "Tea"},
        },
        "status": "SUCCEEDED",
    }
