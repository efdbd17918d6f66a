"""Test cases run with mocks: per-invocation answers, retries, approvals, expectations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from asl import AgentRegistry
from asl.testing.mock_config import load_mock_config, parse_mock_config
from asl.testing.runner import CaseResult, run_case

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTICLE = json.loads((REPO_ROOT / "examples/article_review/workflow.asl.json").read_text())
ARTICLE_MOCKS = load_mock_config(str(REPO_ROOT / "examples/article_review/mocks.json"))
CASES = ARTICLE_MOCKS.test_cases(None, "mocks.json")


async def test_a_mocked_approval_decides_and_the_path_is_checked() -> None:
    result = await run_case(ARTICLE, CASES["Published"])
    assert result == CaseResult(
        "Published",
        "SUCCEEDED",
        {"title": "All about tea", "status": "published", "claimsChecked": 2},
        None,
        None,
        ["Draft", "FactCheck", "AllTrue", "Review", "Publish"],
        [],
    )
    assert result.passed


async def test_each_invocation_takes_its_own_response_and_retries_count() -> None:
    result = await run_case(ARTICLE, CASES["WriterBusyOnce"])
    assert (result.status, result.failures) == ("SUCCEEDED", [])


async def test_map_iterations_use_the_invocations_in_turn() -> None:
    result = await run_case(ARTICLE, CASES["ClaimUnsupported"])
    assert result.output == {"title": "All about tea", "status": "rejected", "unsupportedClaims": 1}


async def test_retries_exhausted_then_caught() -> None:
    result = await run_case(ARTICLE, CASES["WriterDown"])
    assert (result.status, result.error, result.cause, result.path) == (
        "FAILED",
        "Article.NotWritten",
        "The writer is overloaded.",
        ["Draft", "NotWritten"],
    )


async def test_an_approval_nobody_mocked_pauses() -> None:
    result = await run_case(ARTICLE, CASES["WaitingForEditor"])
    assert (result.status, result.passed) == ("PAUSED", True)


def single_task(mock: dict[str, Any], expectations: dict[str, Any]) -> Any:
    document = {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Agent": "Model",
                "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 1}],
                "Next": "Also",
            },
            "Also": {"Type": "Task", "Agent": "Model", "End": True},
        },
    }
    config = parse_mock_config(
        {
            "StateMachines": {
                "wf": {"TestCases": {"Case": {"Ask": "R"}}, "Expectations": {"Case": expectations}}
            },
            "MockedResponses": {"R": mock},
        }
    )
    return document, config.machines["wf"]["Case"]


async def test_missed_expectations_are_all_listed() -> None:
    document, case = single_task(
        {"0": {"Return": {"n": 1}}},
        {"Input": {}, "Path": ["Ask"], "Output": {"n": 2}},
    )
    registry = AgentRegistry({"Model": lambda parameters: {"n": 3}})
    result = await run_case(document, case, registry)
    assert result.failures == [
        "path: expected Ask, got Ask > Also",
        'output: expected {"n": 2}, got {"n": 3}',
    ]


async def test_a_state_not_mocked_calls_the_real_agent_of_the_same_name() -> None:
    document, case = single_task({"0": {"Return": "mocked"}}, {"Input": {}})
    seen: list[Any] = []

    def model(parameters: Any) -> str:
        seen.append(parameters)
        return "real"

    result = await run_case(document, case, AgentRegistry({"Model": model}))
    assert (result.output, seen) == ("real", ["mocked"])


async def test_a_state_neither_mocked_nor_registered_fails_naming_it() -> None:
    document, case = single_task({"0": {"Return": "mocked"}}, {"Input": {}, "Status": "SUCCEEDED"})
    result = await run_case(document, case)
    assert result.error == "States.AgentNotFound"
    assert result.cause == (
        "State 'Also' is not mocked in this test case and calls agent 'Model', which is not "
        "registered: mock the state or give --agents"
    )
    assert result.failures == [
        f"status: expected SUCCEEDED, got FAILED (States.AgentNotFound: {result.cause})"
    ]


async def test_more_calls_than_invocations_fail_with_the_fix() -> None:
    document, case = single_task(
        {"0": {"Throw": {"Error": "Busy", "Cause": "try later"}}}, {"Input": {}}
    )
    result = await run_case(document, case)
    assert (result.error, result.cause) == (
        "States.MockExhausted",
        "State 'Ask' was called 2 times, but the mocked response 'R' gives 1: add "
        'invocation "1" (or a range up to it)',
    )


async def test_mocking_a_state_the_workflow_lacks_does_not_run() -> None:
    document, _ = single_task({"0": {"Return": 1}}, {})
    config = parse_mock_config(
        {
            "StateMachines": {"wf": {"TestCases": {"Case": {"Asq": "R"}}}},
            "MockedResponses": {"R": {"0": {"Return": 1}}},
        }
    )
    result = await run_case(document, config.machines["wf"]["Case"])
    assert (result.status, result.failures) == (
        "NOT_RUN",
        ["mocks state 'Asq', which is not a Task or Approval state of the workflow"],
    )


def test_the_example_runs_with_its_real_agents() -> None:
    import importlib

    from asl import WorkflowEngine

    registry = AgentRegistry()
    importlib.import_module("examples.article_review.agents").register(registry)
    result = WorkflowEngine(ARTICLE, registry).run({"topic": "tea"})
    assert (result.status, result.output) == (
        "SUCCEEDED",
        {"title": "All about tea", "status": "rejected", "unsupportedClaims": 1},
    )


async def test_states_inside_parallel_branches_are_mocked_by_name() -> None:
    document = {
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "Left",
                        "States": {"Left": {"Type": "Task", "Agent": "M", "End": True}},
                    },
                    {
                        "StartAt": "Right",
                        "States": {"Right": {"Type": "Task", "Agent": "M", "End": True}},
                    },
                ],
                "End": True,
            }
        },
    }
    config = parse_mock_config(
        {
            "StateMachines": {
                "wf": {
                    "TestCases": {"Case": {"Left": "L", "Right": "R"}},
                    "Expectations": {"Case": {"Path": ["Both"], "Output": ["left", "right"]}},
                }
            },
            "MockedResponses": {"L": {"0": {"Return": "left"}}, "R": {"0": {"Return": "right"}}},
        }
    )
    result = await run_case(document, config.machines["wf"]["Case"])
    assert (result.status, result.output, result.failures) == ("SUCCEEDED", ["left", "right"], [])
