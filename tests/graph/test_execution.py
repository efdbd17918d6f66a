"""Each state's outcome in an execution, from its history events."""

from __future__ import annotations

from asl.graph.execution import state_outcomes


def event(kind: str, state: str, **details: object) -> dict[str, object]:
    return {"type": kind, "state": state, "details": details}


def test_exited_states_succeeded_and_unvisited_states_are_absent() -> None:
    events = [
        {"type": "ExecutionStarted"},
        event("TaskStateEntered", "A"),
        event("TaskSucceeded", "A"),
        event("TaskStateExited", "A"),
        event("PassStateEntered", "B"),
    ]
    assert state_outcomes(events) == {"A": "SUCCEEDED", "B": "IN_PROGRESS"}


def test_a_caught_failure_is_caught_error() -> None:
    events = [
        event("TaskStateEntered", "A"),
        event("TaskFailed", "A", error="E", cause="c", caught={"next": "B"}),
        event("TaskStateExited", "A"),
    ]
    assert state_outcomes(events) == {"A": "CAUGHT_ERROR"}


def test_a_retried_failure_that_then_succeeds_succeeded() -> None:
    events = [
        event("TaskStateEntered", "A"),
        event("TaskFailed", "A", error="E", retry={"attempt": 1, "delaySeconds": 1}),
        event("TaskSucceeded", "A"),
        event("TaskStateExited", "A"),
    ]
    assert state_outcomes(events) == {"A": "SUCCEEDED"}


def test_an_uncaught_failure_failed() -> None:
    events = [
        event("MapStateEntered", "M"),
        event("TaskStateEntered", "T"),
        event("TaskTimedOut", "T", error="States.Timeout", cause=""),
        event("MapStateFailed", "M", error="States.Timeout", cause=""),
    ]
    assert state_outcomes(events) == {"M": "FAILED", "T": "FAILED"}


def test_a_state_run_per_map_item_shows_its_worst_run() -> None:
    events = [
        event("TaskStateEntered", "T"),
        event("TaskStateExited", "T"),
        event("TaskStateEntered", "T"),
        event("TaskFailed", "T", error="E", cause=""),
        event("TaskStateEntered", "T"),
        event("TaskStateExited", "T"),
    ]
    assert state_outcomes(events) == {"T": "FAILED"}


def test_an_approval_that_paused_then_was_decided_succeeded() -> None:
    events = [
        event("ApprovalStateEntered", "Review"),
        event("ExecutionPaused", "Review"),
        event("ApprovalStateEntered", "Review"),  # the resume enters it again
        event("ApprovalStateExited", "Review"),
    ]
    assert state_outcomes(events) == {"Review": "SUCCEEDED"}


def test_a_paused_approval_is_in_progress() -> None:
    events = [event("ApprovalStateEntered", "Review"), event("ExecutionPaused", "Review")]
    assert state_outcomes(events) == {"Review": "IN_PROGRESS"}


def test_taken_edges_follow_the_committed_transitions() -> None:
    from asl.graph.execution import taken_edges
    from asl.graph.model import build_graph

    document = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "B"}],
                "Default": "C",
            },
            "B": {"Type": "Pass", "End": True},
            "C": {"Type": "Pass", "Next": "B"},
        },
    }
    graph = build_graph(document)
    assert [(e.source, e.target) for e in graph.edges] == [
        ("begin", "n0"),
        ("n0", "n1"),
        ("n0", "n2"),
        ("n2", "n1"),
        ("n1", "finish"),
    ]
    assert taken_edges(graph, [("A", "C"), ("C", "B"), ("B", None)]) == {0, 2, 3, 4}
    assert taken_edges(graph, [("A", "Nowhere")]) == {0}
    assert taken_edges(graph, []) == set()
