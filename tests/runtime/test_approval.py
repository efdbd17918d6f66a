"""The Approval state: decide at once, or pause and resume from the store, days later."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asl import ASLError, WorkflowEngine
from asl.runtime.clock import ManualClock
from tests.runtime.conftest import machine

REVIEW = machine(
    ("Draft", {"Type": "Pass", "Parameters": {"title.$": "$.title"}, "Next": "Review"}),
    (
        "Review",
        {
            "Type": "Approval",
            "Prompt": "Publish '{{$.title}}'?",
            "Options": ["approve", "reject", "edit"],
            "ResultPath": "$.review",
            "Editable": {"Fields": ["title"], "ResultPath": "$.edited"},
            "Choices": [
                {"Variable": "$.review.approval", "StringEquals": "approve", "Next": "Publish"}
            ],
            "Default": "Drop",
            "Timeout": "24h",
        },
    ),
    ("Publish", {"Type": "Pass", "End": True}),
    ("Drop", {"Type": "Fail", "Error": "Rejected", "Cause": "not approved"}),
)


def engine(clock: ManualClock, store: Any = None, handler: Any = None) -> WorkflowEngine:
    return WorkflowEngine(REVIEW, clock=clock, store=store, approval_handler=handler)


def test_handler_decides_at_once(clock: ManualClock) -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: dict[str, Any]) -> dict[str, Any]:
        seen.append(request)
        return {"approval": "approve", "approver": "ada", "comment": "ok"}

    result = engine(clock, handler=handler).run({"title": "T"}, execution_id="e1")
    assert result.output == {
        "title": "T",
        "review": {
            "approval": "approve",
            "approver": "ada",
            "timestamp": "2026-01-01T00:00:00.000Z",
            "comment": "ok",
        },
    }
    assert seen == [
        {
            "type": "approval",
            "requestId": "e1:Review:4",
            "state": "Review",
            "prompt": "Publish 'T'?",
            "options": ["approve", "reject", "edit"],
            "timeout": "24h",
            "editable": ["title"],
            "input": {"title": "T"},
            "expiresAt": "2026-01-02T00:00:00.000Z",
        }
    ]


def test_without_handler_pauses_with_pending_request(clock: ManualClock) -> None:
    result = engine(clock, store="memory://").run({"title": "T"}, execution_id="p1")
    assert (result.status, result.paused, result.paused_at_state) == ("PAUSED", True, "Review")
    assert result.pending_input["requestId"] == "p1:Review:4"
    assert result.checkpoint_data == {"title": "T"}


def test_resume_in_another_engine_with_the_same_store(clock: ManualClock, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/asl.db"
    engine(clock, store=url).run({"title": "T"}, execution_id="r1")
    later = engine(clock, store=url)
    result = later.resume("r1", {"approval": "approve", "approver": "grace"})
    assert result.status == "SUCCEEDED"
    assert result.output["review"]["approver"] == "grace"
    assert [e["type"] for e in result.trace][:4] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ApprovalStateEntered",
    ]


def test_edited_content_goes_to_editable_result_path(clock: ManualClock) -> None:
    engine(clock, store="memory://").run({"title": "T"}, execution_id="ed1")
    result = engine(clock, store="memory://").resume(
        "ed1", {"approval": "approve", "edited_content": {"title": "Better"}}
    )
    assert result.output["edited"] == {"title": "Better"}


def test_reject_routes_to_default(clock: ManualClock) -> None:
    engine(clock, store="memory://").run({"title": "T"}, execution_id="rj1")
    result = engine(clock, store="memory://").resume("rj1", {"approval": "reject"})
    assert (result.status, result.error) == ("FAILED", "Rejected")


def test_decision_outside_options_is_refused_and_changes_nothing(clock: ManualClock) -> None:
    engine(clock, store="memory://").run({"title": "T"}, execution_id="bad1")
    with pytest.raises(ASLError) as refused:
        engine(clock, store="memory://").resume("bad1", {"approval": "maybe"})
    assert refused.value.cause == (
        "'maybe' is not one of this approval's options: approve, reject, edit"
    )
    again = engine(clock, store="memory://").resume("bad1", {"approval": "approve"})
    assert again.status == "SUCCEEDED"


def test_duplicate_decision_is_a_no_op(clock: ManualClock) -> None:
    engine(clock, store="memory://").run({"title": "T"}, execution_id="dup1")
    first = engine(clock, store="memory://").resume("dup1", {"approval": "approve"})
    second = engine(clock, store="memory://").resume("dup1", {"approval": "approve"})
    assert (first.status, second.status, second.output) == ("SUCCEEDED", "SUCCEEDED", first.output)


def test_unknown_execution_is_a_clear_error(clock: ManualClock) -> None:
    with pytest.raises(ASLError) as refused:
        engine(clock, store="memory://").resume("nope", {"approval": "approve"})
    assert refused.value.cause == ("No execution 'nope' in this store: check the id and --store")


def test_resume_without_decision_before_timeout_stays_paused(clock: ManualClock) -> None:
    engine(clock, store="memory://").run({"title": "T"}, execution_id="w1")
    result = engine(clock, store="memory://").resume("w1")
    assert (result.status, result.paused_at_state) == ("PAUSED", "Review")


def test_resume_after_timeout_takes_the_default(clock: ManualClock) -> None:
    engine(clock, store="memory://").run({"title": "T"}, execution_id="t1")
    clock.advance(25 * 3600)
    result = engine(clock, store="memory://").resume("t1")
    assert (result.status, result.error) == ("FAILED", "Rejected")


def test_approval_two_levels_down_cannot_pause(clock: ManualClock) -> None:
    inner = {"StartAt": "A", "States": {"A": {"Type": "Approval", "Prompt": "ok?", "End": True}}}
    each = {
        "StartAt": "Each",
        "States": {"Each": {"Type": "Map", "ItemProcessor": inner, "End": True}},
    }
    definition = machine(("P", {"Type": "Parallel", "Branches": [each], "End": True}))
    result = WorkflowEngine(definition, clock=clock).run([1])
    assert result.error == "States.Runtime"
    assert result.cause == (
        "An error occurred while executing the state 'A' (entered at the event id #7). "
        "A state that waits (an Approval with no decision, a .waitForTaskToken Task) can pause "
        "only at the top level or directly in a branch of a top-level Map or Parallel; give the "
        "engine an approval_handler that decides at once, or move the state up"
    )


def test_two_approvals_each_take_their_own_decision(clock: ManualClock) -> None:
    definition = machine(
        ("First", {"Type": "Approval", "Prompt": "1?", "ResultPath": "$.one", "Next": "Second"}),
        ("Second", {"Type": "Approval", "Prompt": "2?", "ResultPath": "$.two", "End": True}),
    )
    make = lambda: WorkflowEngine(definition, clock=clock, store="memory://")  # noqa: E731
    assert make().run({}, execution_id="two").paused_at_state == "First"
    middle = make().resume("two", {"approval": "approve"})
    assert middle.paused_at_state == "Second"
    final = make().resume("two", {"approval": "reject"})
    assert (final.output["one"]["approval"], final.output["two"]["approval"]) == (
        "approve",
        "reject",
    )
