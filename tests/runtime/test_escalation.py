"""Sweeping pending approvals: escalation through the notifier, and the timeout route."""

from __future__ import annotations

from typing import Any

import pytest

from asl import WorkflowEngine
from asl.runtime.clock import ManualClock
from asl.runtime.escalation import compile_escalation, levels_due
from tests.runtime.conftest import machine

FLOW = machine(
    (
        "Review",
        {
            "Type": "Approval",
            "Prompt": "ok?",
            "Timeout": "48h",
            "Default": "Late",
            "Escalation": {
                "After": "4h",
                "Notify": ["lead@example.com"],
                "Message": "Still waiting",
                "Repeat": {"Every": "8h", "MaxTimes": 2},
            },
            "Choices": [{"Variable": "$.approval", "StringEquals": "approve", "Next": "Ok"}],
        },
    ),
    ("Ok", {"Type": "Succeed"}),
    ("Late", {"Type": "Pass", "Result": "timed out", "End": True}),
)


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[list[str], str, int]] = []

    async def notify(self, recipients: list[str], message: str, details: dict[str, Any]) -> None:
        self.sent.append((recipients, message, details["level"]))


def test_escalation_levels_then_timeout(clock: ManualClock) -> None:
    notifier = Recorder()
    engine = WorkflowEngine(FLOW, clock=clock, store="memory://", notifier=notifier)
    paused = engine.run({}, execution_id="esc-1")
    request = paused.pending_input["requestId"]
    assert engine.sweep() == {"escalated": [], "timedOut": []}
    clock.advance(5 * 3600)
    assert engine.sweep() == {"escalated": [request], "timedOut": []}
    assert engine.sweep() == {"escalated": [], "timedOut": []}  # once per level
    clock.advance(8 * 3600)
    engine.sweep()
    clock.advance(30 * 3600)  # the last repeat (MaxTimes 2 after the first)
    assert engine.sweep() == {"escalated": [request], "timedOut": []}
    clock.advance(6 * 3600)  # past the 48h Timeout: the timeout route
    assert engine.sweep() == {"escalated": [], "timedOut": ["esc-1"]}
    assert [level for _, _, level in notifier.sent] == [1, 2, 3]
    assert notifier.sent[0] == (["lead@example.com"], "Still waiting", 1)
    assert engine.resume("esc-1").output == "timed out"  # it has ended: the stored result


def test_levels_due() -> None:
    escalation = {"after": 10, "every": 5, "repeats": 2}
    assert [levels_due(escalation, t) for t in (0, 10, 14, 15, 20, 100)] == [0, 1, 1, 2, 3, 3]
    assert levels_due({"after": 10}, 50) == 1


def review(**fields: Any) -> dict[str, Any]:
    return machine(
        (
            "Review",
            {
                "Type": "Approval",
                "Prompt": "ok?",
                "ResultPath": "$.review",
                "OutputPath": "$.review.approval",
                **fields,
                "End": True,
            },
        ),
    )


def test_levels_notify_each_level_and_the_last_one_approves(clock: ManualClock) -> None:
    notifier = Recorder()
    flow = review(
        Escalation={
            "EscalateTo": "ops@example.com",
            "Levels": [
                {"After": "8h", "Notify": ["manager@example.com"], "Message": "Manager, please"},
                {"After": "2h", "Notify": ["lead@example.com"]},
                {"After": "24h", "Notify": ["director@example.com"], "AutoApprove": True},
            ],
        }
    )
    engine = WorkflowEngine(flow, clock=clock, store="memory://", notifier=notifier)
    request = engine.run({}, execution_id="lv").pending_input["requestId"]
    clock.advance(9 * 3600)  # past the first two levels in one sweep
    assert engine.sweep() == {"escalated": [request], "timedOut": []}
    assert notifier.sent == [
        (["lead@example.com", "ops@example.com"], "An approval is still waiting for a decision", 1),
        (["manager@example.com", "ops@example.com"], "Manager, please", 2),
    ]
    clock.advance(15 * 3600)
    assert engine.sweep() == {"escalated": [], "timedOut": ["lv"]}
    assert engine.resume("lv").output == "approve"


def test_a_repeat_given_as_a_duration_repeats_without_limit(clock: ManualClock) -> None:
    escalation = {"After": "1h", "Notify": "lead@example.com", "Repeat": "2h"}
    compiled = compile_escalation(escalation)
    assert compiled == {
        "after": 3600.0,
        "notify": ["lead@example.com"],
        "message": "An approval is still waiting for a decision",
        "every": 7200.0,
        "repeats": None,
    }
    assert levels_due(compiled, 3600 + 7200 * 10) == 11


@pytest.mark.parametrize(
    ("on_timeout", "output"), [("AutoApprove", "approve"), ("AutoReject", "reject")]
)
def test_on_timeout_decides_on_its_own(clock: ManualClock, on_timeout: str, output: str) -> None:
    engine = WorkflowEngine(
        review(Timeout="1h", OnTimeout=on_timeout), clock=clock, store="memory://"
    )
    engine.run({}, execution_id=f"ot-{on_timeout}")
    clock.advance(3601)
    result = engine.resume(f"ot-{on_timeout}")
    assert (result.status, result.output) == ("SUCCEEDED", output)


def test_on_timeout_fail_fails_the_execution(clock: ManualClock) -> None:
    engine = WorkflowEngine(review(Timeout="1h", OnTimeout="Fail"), clock=clock, store="memory://")
    engine.run({}, execution_id="of")
    clock.advance(3601)
    result = engine.resume("of")
    assert (result.status, result.error) == ("FAILED", "States.Timeout")
    assert result.cause == (
        "An error occurred while executing the state 'Review' (entered at the event id #4). "
        "The approval 'Review' timed out (OnTimeout: Fail)"
    )


def test_on_timeout_escalate_tells_everyone_once_and_keeps_waiting(clock: ManualClock) -> None:
    notifier = Recorder()
    flow = review(
        Timeout="1h",
        OnTimeout="Escalate",
        Escalation={"After": "30m", "Notify": ["lead@example.com"], "EscalateTo": "vp@example.com"},
    )
    engine = WorkflowEngine(flow, clock=clock, store="memory://", notifier=notifier)
    request = engine.run({}, execution_id="oe").pending_input["requestId"]
    clock.advance(3601)
    assert engine.sweep() == {"escalated": [request], "timedOut": []}
    assert engine.sweep() == {"escalated": [], "timedOut": []}
    assert notifier.sent == [
        (
            ["lead@example.com", "vp@example.com"],
            "An approval timed out and waits for an escalated decision",
            "timeout",
        )
    ]
    assert engine.resume("oe").status == "PAUSED"
    assert engine.resume("oe", {"approval": "approve"}).output == "approve"
