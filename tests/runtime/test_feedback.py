"""Feedback on a Task: asked like an Approval, answered at once or on resume, kept in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asl import AgentRegistry, ASLError, WorkflowEngine
from asl.runtime.clock import ManualClock
from asl.store.memory import MemoryStore
from tests.runtime.conftest import machine

T0 = "2026-01-01T00:00:00.000Z"


def _reply(parameters: Any) -> dict[str, Any]:
    calls.append(parameters)
    return {"reply": f"Dear {parameters['name']}, thanks."}


calls: list[Any] = []

RATED = machine(
    (
        "Answer",
        {
            "Type": "Task",
            "Agent": "Reply",
            "Feedback": {
                "Type": "rating",
                "Scale": [1, 5],
                "Labels": ["Poor", "Fair", "Good", "Great", "Excellent"],
                "Question": "How helpful was this reply?",
                "Optional": ["comment"],
                "Store": "support_feedback",
                "ResultPath": "$.feedback",
            },
            "Next": "Route",
        },
    ),
    (
        "Route",
        {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.feedback.rating", "NumericLessThan": 3, "Next": "Escalate"}
            ],
            "Default": "Done",
        },
    ),
    ("Escalate", {"Type": "Pass", "Result": "escalated", "ResultPath": "$.route", "End": True}),
    ("Done", {"Type": "Pass", "Result": "done", "ResultPath": "$.route", "End": True}),
)


@pytest.fixture(autouse=True)
def _no_calls() -> None:
    calls.clear()


def _engine(clock: ManualClock, store: Any = None, handler: Any = None) -> WorkflowEngine:
    """A fresh store on the manual clock unless one is given (answers are timed by the store)."""
    registry = AgentRegistry({"Reply": _reply})
    store = store if store is not None else MemoryStore(clock.time)
    return WorkflowEngine(RATED, registry, clock=clock, store=store, approval_handler=handler)


def test_without_a_handler_the_execution_pauses_with_the_feedback_request(
    clock: ManualClock,
) -> None:
    result = _engine(clock).run({"name": "Ada"}, execution_id="f1")

    assert (result.status, result.paused_at_state) == ("PAUSED", "Answer")
    assert result.pending_input == {
        "type": "feedback",
        "requestId": "f1:Answer:2:feedback",
        "state": "Answer",
        "feedbackType": "rating",
        "question": "How helpful was this reply?",
        "source": "human",
        "store": "support_feedback",
        "optional": ["comment"],
        "scale": [1, 5],
        "labels": ["Poor", "Fair", "Good", "Great", "Excellent"],
        "output": {"reply": "Dear Ada, thanks."},
    }


def test_resume_with_the_answer_continues_without_calling_the_agent_again(
    clock: ManualClock,
) -> None:
    engine = _engine(clock)
    engine.run({"name": "Ada"}, execution_id="f2")

    result = engine.resume("f2", {"rating": 2, "comment": "too short", "by": "ada"})

    assert result.output == {
        "reply": "Dear Ada, thanks.",
        "feedback": {"rating": 2, "comment": "too short", "by": "ada"},
        "route": "escalated",
    }
    assert calls == [{"name": "Ada"}]
    received = [e for e in result.trace if e["type"] == "FeedbackReceived"]
    assert received == [
        {
            "id": received[0]["id"],
            "type": "FeedbackReceived",
            "timestamp": T0,
            "state": "Answer",
            "details": {"feedback": {"rating": 2, "comment": "too short", "by": "ada"}},
        }
    ]


def test_a_handler_answers_at_once_and_the_answer_is_kept(clock: ManualClock) -> None:
    seen: list[str] = []

    def handler(request: dict[str, Any]) -> dict[str, Any]:
        seen.append(request["type"])
        return {"rating": 5}

    engine = _engine(clock, handler=handler)

    result = engine.run({"name": "Bo"}, execution_id="f3")

    assert result.output["route"] == "done"
    assert seen == ["feedback"]
    assert engine.feedback(execution_id="f3") == [
        {
            "requestId": "f3:Answer:2:feedback",
            "executionId": "f3",
            "state": "Answer",
            "store": "support_feedback",
            "type": "rating",
            "question": "How helpful was this reply?",
            "answer": {"rating": 5},
            "answeredAt": T0,
            "output": {"reply": "Dear Bo, thanks."},
        }
    ]


def test_an_object_handler_answers_with_request_feedback(clock: ManualClock) -> None:
    class People:
        def request_approval(self, request: dict[str, Any]) -> dict[str, Any]:
            raise AssertionError("a feedback request is not an approval")

        async def request_feedback(self, request: dict[str, Any]) -> dict[str, Any]:
            return {"rating": 4}

    result = _engine(clock, handler=People()).run({"name": "Cy"})

    assert result.output["feedback"] == {"rating": 4}


def test_an_approval_only_handler_object_lets_the_execution_pause(clock: ManualClock) -> None:
    class Approver:
        def request_approval(self, request: dict[str, Any]) -> dict[str, Any]:
            return {"approval": "approve"}

    result = _engine(clock, handler=Approver()).run({"name": "Cy"})

    assert result.status == "PAUSED"


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        ("5", 'Feedback is an object, expected "rating" (1 to 5), optionally "comment", "by"'),
        ({"rating": 6}, "'rating' must be a whole number from 1 to 5, got 6"),
        ({"rating": True}, "'rating' must be a whole number from 1 to 5, got True"),
        (
            {"stars": 4},
            'Feedback misses \'rating\'; expected "rating" (1 to 5), optionally "comment", "by"',
        ),
        (
            {"rating": 4, "mood": "ok"},
            "Feedback has the unexpected member 'mood'; expected \"rating\" (1 to 5), "
            'optionally "comment", "by"',
        ),
    ],
)
def test_an_answer_that_does_not_fit_is_refused_on_resume_and_nothing_changes(
    clock: ManualClock, answer: Any, cause: str
) -> None:
    engine = _engine(clock)
    engine.run({"name": "Ada"}, execution_id="f4")

    with pytest.raises(ASLError) as refused:
        engine.resume("f4", answer)

    assert (refused.value.error, refused.value.cause) == ("States.InvalidFeedback", cause)
    assert engine.resume("f4").status == "PAUSED"


def test_a_handler_answer_that_does_not_fit_fails_the_state(clock: ManualClock) -> None:
    result = _engine(clock, handler=lambda request: {"approval": "approve"}).run({"name": "D"})

    assert (result.error, result.cause) == (
        "States.InvalidFeedback",
        "An error occurred while executing the state 'Answer' (entered at the event id #2). "
        'Feedback misses \'rating\'; expected "rating" (1 to 5), optionally "comment", "by"',
    )


@pytest.mark.parametrize(
    ("block", "answer"),
    [
        ({"Type": "thumbs", "Question": "Useful?"}, {"thumbs": "down"}),
        ({"Type": "choice", "Labels": ["short", "right", "long"]}, {"choice": "long"}),
        ({"Type": "text"}, {"text": "Add an example."}),
        (
            {
                "Type": "structured",
                "Fields": [
                    {"Name": "accuracy", "Type": "rating", "Scale": [1, 3]},
                    {"Name": "tone", "Type": "choice", "Labels": ["cold", "warm"]},
                    {"Name": "comments", "Type": "text", "Optional": True},
                ],
            },
            {"accuracy": 3, "tone": "warm"},
        ),
    ],
)
def test_every_feedback_type_takes_its_answer(
    clock: ManualClock, block: dict[str, Any], answer: dict[str, Any]
) -> None:
    document = machine(
        (
            "Answer",
            {"Type": "Task", "Agent": "Reply", "Feedback": block, "ResultPath": "$.r", "End": True},
        )
    )
    engine = WorkflowEngine(
        document, AgentRegistry({"Reply": _reply}), clock=clock, store=MemoryStore(clock.time)
    )
    engine.run({"name": "E"}, execution_id="f5")

    result = engine.resume("f5", answer)

    assert result.output == {"name": "E", "r": {"reply": "Dear E, thanks."}}
    assert engine.feedback(execution_id="f5")[0]["answer"] == answer


def test_structured_feedback_requires_its_fields(clock: ManualClock) -> None:
    block = {
        "Type": "structured",
        "Fields": [{"Name": "accuracy"}, {"Name": "tone", "Type": "text"}],
    }
    document = machine(
        ("Answer", {"Type": "Task", "Agent": "Reply", "Feedback": block, "End": True})
    )
    engine = WorkflowEngine(
        document, AgentRegistry({"Reply": _reply}), clock=clock, store=MemoryStore(clock.time)
    )
    engine.run({"name": "E"}, execution_id="f6")

    with pytest.raises(ASLError) as refused:
        engine.resume("f6", {"accuracy": 4})

    assert refused.value.cause == (
        'Feedback misses the field \'tone\'; expected members "accuracy", "tone", optionally "by"'
    )


def test_collect_false_asks_nothing(clock: ManualClock) -> None:
    document = machine(
        ("Answer", {"Type": "Task", "Agent": "Reply", "Feedback": {"Collect": False}, "End": True})
    )

    result = WorkflowEngine(document, AgentRegistry({"Reply": _reply}), clock=clock).run(
        {"name": "F"}
    )

    assert result.output == {"reply": "Dear F, thanks."}


def test_feedback_inside_a_map_needs_a_handler_that_answers_at_once(clock: ManualClock) -> None:
    document = machine(
        (
            "Each",
            {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "Answer",
                    "States": {
                        "Answer": {
                            "Type": "Task",
                            "Agent": "Reply",
                            "Feedback": {"Type": "thumbs"},
                            "End": True,
                        }
                    },
                },
                "End": True,
            },
        )
    )

    result = WorkflowEngine(document, AgentRegistry({"Reply": _reply}), clock=clock).run(
        [{"name": "G"}]
    )

    assert result.error == "States.Runtime"
    assert result.cause is not None and result.cause.endswith(
        "A Feedback request inside a Map or Parallel cannot pause in this version; give the "
        "engine an approval_handler that answers at once"
    )


def test_feedback_survives_the_process_in_sqlite_and_is_queryable(
    clock: ManualClock, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'asl.db'}"
    _engine(clock, store=url).run({"name": "Ada"}, execution_id="f7")
    _engine(clock, store=url).run({"name": "Bo"}, execution_id="f8")

    later = _engine(clock, store=url)
    assert [e["executionId"] for e in later.feedback(pending=True)] == ["f7", "f8"]
    later.resume("f7", {"rating": 4})

    assert [(e["executionId"], e["answer"]) for e in later.feedback(name="support_feedback")] == [
        ("f7", {"rating": 4})
    ]
    assert later.feedback(name="other") == []
    assert later.feedback(state="Answer", pending=True)[0]["executionId"] == "f8"


def test_the_same_answer_twice_is_harmless_and_another_is_refused(clock: ManualClock) -> None:
    engine = _engine(clock)
    engine.run({"name": "Ada"}, execution_id="f9")
    first = engine.resume("f9", {"rating": 4})

    again = engine.resume("f9", {"rating": 4})
    with pytest.raises(ASLError) as refused:
        engine.resume("f9", {"rating": 1})

    assert (first.status, again.status, again.output) == ("SUCCEEDED", "SUCCEEDED", first.output)
    assert (refused.value.error, refused.value.cause) == (
        "States.InvalidResume",
        "Execution 'f9' is SUCCEEDED; only a PAUSED execution resumes",
    )
    assert calls == [{"name": "Ada"}]


def test_feedback_in_redis_is_answered_from_another_engine(
    clock: ManualClock, redis_url: str
) -> None:
    _engine(clock, store=redis_url).run({"name": "Ada"}, execution_id="fr1")

    later = _engine(clock, store=redis_url)
    result = later.resume("fr1", {"rating": 5, "by": "ada"})

    assert result.output["route"] == "done"
    reader = _engine(clock, store=redis_url)  # a Redis connection belongs to one event loop
    assert [(e["executionId"], e["answer"]) for e in reader.feedback(execution_id="fr1")] == [
        ("fr1", {"rating": 5, "by": "ada"})
    ]
