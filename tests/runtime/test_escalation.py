"""Sweeping pending approvals: escalation through the notifier, and the timeout route."""

from __future__ import annotations

from typing import Any

from asl import WorkflowEngine
from asl.runtime.clock import ManualClock
from asl.runtime.resumable import levels_due
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
