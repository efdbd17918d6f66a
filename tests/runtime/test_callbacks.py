"""Tasks that wait for a task token (AWS .waitForTaskToken), ended from any engine."""

from __future__ import annotations

from typing import Any

import pytest

from asl import AgentRegistry, ASLError, WorkflowEngine
from asl.runtime.clock import ManualClock
from tests.runtime.conftest import machine

RESOURCE = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
FLOW = machine(
    (
        "Ask",
        {
            "Type": "Task",
            "Resource": RESOURCE,
            "Parameters": {"token.$": "$$.Task.Token", "q.$": "$.q"},
            "ResultPath": "$.answer",
            "Next": "Done",
            "Catch": [{"ErrorEquals": ["Nope"], "ResultPath": "$.error", "Next": "Done"}],
        },
    ),
    ("Done", {"Type": "Pass", "End": True}),
)


def engine(clock: ManualClock, sent: list[Any]) -> WorkflowEngine:
    registry = AgentRegistry({RESOURCE: lambda parameters: sent.append(parameters)})
    return WorkflowEngine(FLOW, registry, clock=clock, store="memory://")


def test_task_pauses_with_its_token_and_success_continues(clock: ManualClock) -> None:
    sent: list[Any] = []
    paused = engine(clock, sent).run({"q": "?"}, execution_id="cb1")
    assert (paused.status, paused.paused_at_state) == ("PAUSED", "Ask")
    token = sent[0]["token"]
    assert token == "cb1:Ask:2:token"
    assert paused.pending_input == {"type": "callback", "requestId": token, "state": "Ask"}
    done = engine(clock, []).send_task_success(token, {"a": 42})
    assert (done.status, done.output) == ("SUCCEEDED", {"q": "?", "answer": {"a": 42}})


def test_failure_reaches_the_catch(clock: ManualClock) -> None:
    sent: list[Any] = []
    engine(clock, sent).run({"q": "?"}, execution_id="cb2")
    result = engine(clock, []).send_task_failure(sent[0]["token"], "Nope", "declined")
    assert result.output == {"q": "?", "error": {"Error": "Nope", "Cause": "declined"}}


def test_unknown_token_is_a_clear_error(clock: ManualClock) -> None:
    with pytest.raises(ASLError) as refused:
        engine(clock, []).send_task_success("no-such-token", {})
    assert refused.value.cause == "No task waits for the token 'no-such-token' in this store"


def test_second_success_for_the_same_token_changes_nothing(clock: ManualClock) -> None:
    sent: list[Any] = []
    engine(clock, sent).run({"q": "?"}, execution_id="cb3")
    first = engine(clock, []).send_task_success(sent[0]["token"], {"a": 1})
    again = engine(clock, []).send_task_success(sent[0]["token"], {"a": 1})
    assert (first.output, again.status, again.output) == (
        {"q": "?", "answer": {"a": 1}},
        "SUCCEEDED",
        {"q": "?", "answer": {"a": 1}},
    )


def test_result_selector_applies_to_the_callback_result_not_the_submission(
    clock: ManualClock,
) -> None:
    flow = machine(
        (
            "Ask",
            {
                "Type": "Task",
                "Resource": RESOURCE,
                "Parameters": {"token.$": "$$.Task.Token"},
                "ResultSelector": {"a.$": "$.a"},
                "End": True,
            },
        ),
    )
    sent: list[Any] = []
    registry = AgentRegistry({RESOURCE: lambda parameters: sent.append(parameters)})
    paused = WorkflowEngine(flow, registry, clock=clock, store="memory://").run(
        {}, execution_id="cb4"
    )
    assert paused.status == "PAUSED"
    assert [e["type"] for e in paused.trace][-2:] == ["TaskSubmitted", "ExecutionPaused"]
    done = WorkflowEngine(flow, registry, clock=clock, store="memory://").send_task_success(
        sent[0]["token"], {"a": 5, "b": 6}
    )
    assert done.output == {"a": 5}


def heartbeat_flow(**limits: Any) -> dict[str, Any]:
    return machine(
        (
            "Ask",
            {
                "Type": "Task",
                "Resource": RESOURCE,
                "Parameters": {"token.$": "$$.Task.Token"},
                **limits,
                "Catch": [
                    {
                        "ErrorEquals": ["States.Timeout", "States.HeartbeatTimeout"],
                        "ResultPath": "$.error",
                        "Next": "Done",
                    }
                ],
                "Next": "Done",
            },
        ),
        ("Done", {"Type": "Pass", "End": True}),
    )


def limited(clock: ManualClock, sent: list[Any], **limits: Any) -> WorkflowEngine:
    registry = AgentRegistry({RESOURCE: lambda parameters: sent.append(parameters)})
    return WorkflowEngine(heartbeat_flow(**limits), registry, clock=clock, store="memory://")


def test_the_request_keeps_the_callback_deadlines(clock: ManualClock) -> None:
    sent: list[Any] = []
    paused = limited(clock, sent, HeartbeatSeconds=60, TimeoutSeconds=3600).run(
        {}, execution_id="hb0"
    )
    assert paused.pending_input == {
        "type": "callback",
        "requestId": "hb0:Ask:2:token",
        "state": "Ask",
        "startedAt": "2026-01-01T00:00:00.000Z",
        "timeoutSeconds": 3600,
        "heartbeatSeconds": 60,
    }


def test_heartbeats_keep_a_callback_waiting_past_its_heartbeat_seconds(clock: ManualClock) -> None:
    sent: list[Any] = []
    limited(clock, sent, HeartbeatSeconds=60).run({}, execution_id="hb1")
    token = sent[0]["token"]
    for _ in range(3):
        clock.advance(50)
        limited(clock, [], HeartbeatSeconds=60).send_task_heartbeat(token)
    clock.advance(50)
    done = limited(clock, [], HeartbeatSeconds=60).send_task_success(token, "late but alive")
    assert (done.status, done.output) == ("SUCCEEDED", "late but alive")


def test_a_missed_heartbeat_fails_the_task_and_refuses_the_token(clock: ManualClock) -> None:
    sent: list[Any] = []
    limited(clock, sent, HeartbeatSeconds=60).run({}, execution_id="hb2")
    token = sent[0]["token"]
    clock.advance(61)
    with pytest.raises(ASLError) as refused:
        limited(clock, [], HeartbeatSeconds=60).send_task_success(token, "too late")
    assert (refused.value.error, refused.value.cause) == (
        "States.TaskTimedOut",
        f"The task token '{token}' has timed out",
    )
    after = limited(clock, [], HeartbeatSeconds=60).resume("hb2")
    assert (after.status, after.output) == (
        "SUCCEEDED",
        {
            "error": {
                "Error": "States.HeartbeatTimeout",
                "Cause": "The task sent no heartbeat for 60 seconds.",
            },
        },
    )
    with pytest.raises(ASLError) as again:
        limited(clock, []).send_task_heartbeat(token)
    assert again.value.error == "States.TaskTimedOut"


def test_timeout_seconds_bounds_the_whole_wait_even_with_heartbeats(clock: ManualClock) -> None:
    sent: list[Any] = []
    engine_ = limited(clock, sent, HeartbeatSeconds=60, TimeoutSeconds=100)
    engine_.run({}, execution_id="hb3")
    clock.advance(55)
    engine_.send_task_heartbeat(sent[0]["token"])
    clock.advance(50)
    assert engine_.sweep() == {"escalated": [], "timedOut": ["hb3"]}
    result = engine_.resume("hb3")
    assert result.status == "SUCCEEDED"
    assert result.output["error"] == {
        "Error": "States.Timeout",
        "Cause": "The task did not finish within 100 seconds.",
    }


def test_a_heartbeat_for_an_unknown_token_is_refused(clock: ManualClock) -> None:
    with pytest.raises(ASLError) as refused:
        limited(clock, []).send_task_heartbeat("nope")
    assert refused.value.cause == "No task waits for the token 'nope' in this store"
