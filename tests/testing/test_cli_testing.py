"""``asl test`` (with --record) and ``asl test-state`` end to end, with the examples' agents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from asl.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "examples/article_review/workflow.asl.json"
ARTICLE_MOCKS = "examples/article_review/mocks.json"
TRIAGE = "examples/support_triage/workflow.asl.json"
OUTAGE = {"ticket": {"id": "T2", "customer": "Bo", "subject": "login", "body": "outage"}}


@pytest.fixture(autouse=True)
def in_repo_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(REPO_ROOT)
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    monkeypatch.setenv("ASL_STORE", f"sqlite:///{tmp_path}/asl.db")


def test_every_case_of_the_example_passes() -> None:
    result = CliRunner().invoke(main, ["test", ARTICLE, "--mocks", ARTICLE_MOCKS])
    assert (result.exit_code, result.stdout) == (
        0,
        "PASS Published (SUCCEEDED)\n"
        "PASS WriterBusyOnce (SUCCEEDED)\n"
        "PASS ClaimUnsupported (SUCCEEDED)\n"
        "PASS WriterDown (FAILED)\n"
        "PASS WaitingForEditor (PAUSED)\n"
        "5 of 5 test cases passed\n",
    )


def test_one_case_as_json() -> None:
    result = CliRunner().invoke(
        main,
        ["test", ARTICLE, "--mocks", ARTICLE_MOCKS, "--case", "WriterDown", "--format", "json"],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "testCase": "WriterDown",
        "passed": True,
        "status": "FAILED",
        "output": None,
        "error": "Article.NotWritten",
        "cause": "The writer is overloaded.",
        "path": ["Draft", "NotWritten"],
        "failures": [],
    }


def test_a_failing_case_exits_1_with_what_it_missed(tmp_path: Path) -> None:
    mocks = json.loads(Path(ARTICLE_MOCKS).read_text())
    mocks["StateMachines"]["workflow"]["Expectations"]["Published"]["Output"]["claimsChecked"] = 3
    changed = tmp_path / "mocks.json"
    changed.write_text(json.dumps(mocks))
    result = CliRunner().invoke(
        main, ["test", ARTICLE, "--mocks", str(changed), "--case", "Published"]
    )
    assert (result.exit_code, result.stdout) == (
        1,
        "FAIL Published (SUCCEEDED)\n"
        '  output: expected {"claimsChecked": 3, "status": "published", "title": "All about '
        'tea"}, got {"claimsChecked": 2, "status": "published", "title": "All about tea"}\n'
        "0 of 1 test cases passed\n",
    )


def test_an_unknown_case_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["test", ARTICLE, "--mocks", ARTICLE_MOCKS, "--case", "Nope"])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: no test case 'Nope' in examples/article_review/mocks.json; it has: Published, "
        "WriterBusyOnce, ClaimUnsupported, WriterDown, WaitingForEditor\n"
    )


def test_a_broken_mock_file_exits_2_naming_the_place(tmp_path: Path) -> None:
    broken = tmp_path / "mocks.json"
    broken.write_text('{"StateMachines": {"workflow": {"TestCases": {"A": {"Draft": "R"}}}}}')
    result = CliRunner().invoke(main, ["test", ARTICLE, "--mocks", str(broken)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {broken} is not a usable mock configuration:\n"
        f"  {broken}#/StateMachines/workflow/TestCases/A/Draft: names the mocked response "
        '"R", which is not in MockedResponses (it has: none)\n'
    )


def test_record_then_replay_without_the_agents(tmp_path: Path) -> None:
    mocks = tmp_path / "recorded.json"
    runner = CliRunner()
    for case, given in (("Outage", OUTAGE), ("Billing", None)):
        arguments = ["test", TRIAGE, "--mocks", str(mocks), "--record", "--case", case]
        arguments += ["--agents", "examples.support_triage.agents"]
        if given is None:
            arguments += ["--input-file", "examples/support_triage/input.json"]
        else:
            arguments += ["--input", json.dumps(given)]
        recorded = runner.invoke(main, arguments)
        assert recorded.exit_code == 0, recorded.output
    assert recorded.stdout == (
        f"recorded Billing (SUCCEEDED): 2 agent calls in 2 states, into {mocks} under workflow\n"
    )
    written = json.loads(mocks.read_text())
    assert written["StateMachines"]["workflow"]["TestCases"]["Outage"] == {
        "Classify": "Outage.Classify",
        "AnswerTechnical": "Outage.AnswerTechnical",
    }
    assert written["MockedResponses"]["Outage.AnswerTechnical"] == {
        "0": {
            "Throw": {
                "Error": "Triage.NeedsEngineer",
                "Cause": "Ticket T2 reports an outage; an engineer must take it.",
            }
        }
    }
    assert written["StateMachines"]["workflow"]["Expectations"]["Outage"]["Path"] == [
        "Classify",
        "Route",
        "AnswerTechnical",
        "Escalate",
    ]
    replayed = runner.invoke(main, ["test", TRIAGE, "--mocks", str(mocks)])
    assert (replayed.exit_code, replayed.stdout) == (
        0,
        "PASS Outage (SUCCEEDED)\nPASS Billing (SUCCEEDED)\n2 of 2 test cases passed\n",
    )


def test_recording_again_replaces_the_case_and_keeps_the_others(tmp_path: Path) -> None:
    mocks = tmp_path / "mocks.json"
    shutil.copy(ARTICLE_MOCKS, mocks)
    result = CliRunner().invoke(
        main,
        [
            "test",
            ARTICLE,
            "--mocks",
            str(mocks),
            "--record",
            "--case",
            "Published",
            "--agents",
            "examples.article_review.agents",
            "--input",
            '{"topic": "tea"}',
        ],
    )
    assert result.exit_code == 0, result.output
    written = json.loads(mocks.read_text())
    cases = written["StateMachines"]["workflow"]["TestCases"]
    assert list(cases) == [
        "Published",
        "WriterBusyOnce",
        "ClaimUnsupported",
        "WriterDown",
        "WaitingForEditor",
    ]
    assert cases["Published"] == {"Draft": "Published.Draft", "CheckClaim": "Published.CheckClaim"}
    assert written["MockedResponses"]["Published.CheckClaim"] == {
        "0": {"Return": {"claim": "tea is popular", "supported": True}},
        "1": {"Return": {"claim": "tea is always useful", "supported": False}},
    }
    assert "TeaDraft" in written["MockedResponses"]  # shared responses stay


def test_record_needs_agents_and_one_case() -> None:
    runner = CliRunner()
    no_agents = runner.invoke(
        main, ["test", TRIAGE, "--mocks", "x.json", "--record", "--case", "A"]
    )
    assert no_agents.exit_code == 2
    assert no_agents.stderr.endswith(
        "Error: --record calls the real agents: give them with --agents.\n"
    )
    no_case = runner.invoke(
        main,
        [
            "test",
            TRIAGE,
            "--mocks",
            "x.json",
            "--record",
            "--agents",
            "examples.support_triage.agents",
        ],
    )
    assert no_case.exit_code == 2
    assert no_case.stderr.endswith(
        "Error: --record writes one test case: name it with --case NAME.\n"
    )


def test_test_state_prints_the_teststate_response() -> None:
    result = CliRunner().invoke(
        main,
        [
            "test-state",
            TRIAGE,
            "--state",
            "Classify",
            "--input",
            json.dumps(OUTAGE),
            "--mock-result",
            '{"category": "technical", "priority": "high"}',
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "output": {**OUTAGE, "triage": {"category": "technical", "priority": "high"}},
        "nextState": "Route",
        "status": "SUCCEEDED",
    }


def test_test_state_with_a_mocked_error_and_debug() -> None:
    result = CliRunner().invoke(
        main,
        [
            "test-state",
            ARTICLE,
            "--state",
            "Draft",
            "--input",
            '{"topic": "tea"}',
            "--mock-error",
            "Writer.Overloaded",
            "--mock-cause",
            "busy",
            "--inspection-level",
            "debug",
            "--retrier-retry-count",
            "2",
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "output": {"topic": "tea", "failure": {"Error": "Writer.Overloaded", "Cause": "busy"}},
        "error": "Writer.Overloaded",
        "cause": "busy",
        "inspectionData": {
            "input": {"topic": "tea"},
            "afterInputPath": {"topic": "tea"},
            "afterParameters": {"topic": "tea"},
        },
        "nextState": "NotWritten",
        "status": "CAUGHT_ERROR",
    }


def test_test_state_with_the_real_agents() -> None:
    result = CliRunner().invoke(
        main,
        [
            "test-state",
            ARTICLE,
            "--state",
            "Draft",
            "--input",
            '{"topic": "tea"}',
            "--agents",
            "examples.article_review.agents",
        ],
    )
    assert json.loads(result.stdout)["output"]["draft"] == {
        "title": "All about tea",
        "claims": ["tea is popular", "tea is always useful"],
    }


def test_test_state_refusals_exit_2() -> None:
    runner = CliRunner()
    both = runner.invoke(
        main,
        ["test-state", TRIAGE, "--state", "Classify", "--mock-result", "1", "--mock-error", "E"],
    )
    assert both.exit_code == 2
    assert both.stderr.endswith("Error: Mock a result or an error, not both.\n")
    paused = runner.invoke(
        main,
        ["test-state", ARTICLE, "--state", "Review", "--input", '{"draft": {"title": "T"}}'],
    )
    assert paused.exit_code == 2
    assert paused.stderr == (
        "Error: State 'Review' waits for a decision: give it as the mock "
        '(e.g. {"approval": "approve"})\n'
    )
    variables = runner.invoke(
        main, ["test-state", TRIAGE, "--state", "Route", "--variables", "[1]"]
    )
    assert variables.exit_code == 2
    assert variables.stderr.endswith(
        "Error: Invalid value for --variables: must be a JSON object of variable names\n"
    )


def test_an_invalid_workflow_exits_2_with_its_problems(tmp_path: Path) -> None:
    workflow = tmp_path / "bad.asl.json"
    workflow.write_text('{"StartAt": "A",\n "States": {"A": {"Type": "Pass", "Next": "Nope"}}}\n')
    result = CliRunner().invoke(main, ["test", str(workflow), "--mocks", ARTICLE_MOCKS])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {workflow} is not a valid workflow; nothing was run:\n"
        f"  {workflow}:2:2: MISSING_END_STATE The workflow has no state that ends it: give a "
        'state "End": true, or add a Succeed or Fail state\n'
        f"  {workflow}:2:43: MISSING_TRANSITION_TARGET 'Next' of state 'A' names 'Nope', which "
        "is not a state of the workflow: add a state named 'Nope' or fix the name\n"
    )
