"""Progress: weighted workflow progress, state milestones and Path, Map and Parallel objects."""

from __future__ import annotations

import asyncio
from typing import Any

from asl import AgentContext, AgentRegistry, WorkflowEngine
from asl.runtime.clock import ManualClock
from tests.runtime.conftest import machine

T0 = "2026-01-01T00:00:00.000Z"


def _events(
    document: dict[str, Any], clock: ManualClock, input: Any = None, **agents: Any
) -> list[dict[str, Any]]:
    engine = WorkflowEngine(document, AgentRegistry(agents), clock=clock)

    async def go() -> list[dict[str, Any]]:
        return [event async for event in engine.stream(input, execution_id="e1")]

    return asyncio.run(go())


def _progress(events: list[dict[str, Any]], scope: str) -> list[tuple[str | None, float]]:
    return [
        (e.get("state"), e["details"]["percentage"])
        for e in events
        if e["type"] == "ProgressUpdated" and e["details"]["scope"] == scope
    ]


def _step(seconds: float, clock: ManualClock) -> Any:
    def agent(parameters: Any) -> Any:
        clock.advance(seconds)
        return parameters

    return agent


STEPS = machine(
    ("Load", {"Type": "Task", "Agent": "Load", "Next": "Analyse"}),
    ("Analyse", {"Type": "Task", "Agent": "Analyse", "Next": "Report"}),
    ("Report", {"Type": "Pass", "End": True}),
)


def test_workflow_progress_weighs_finished_top_level_states(clock: ManualClock) -> None:
    document = {
        **STEPS,
        "Progress": {
            "Enabled": True,
            "WeightedProgress": {"Load": 10, "Analyse": 60, "Report": 30},
        },
    }

    events = _events(document, clock, {}, Load=_step(10, clock), Analyse=_step(60, clock))

    assert _progress(events, "workflow") == [("Load", 10.0), ("Analyse", 70.0), ("Report", 100.0)]
    analysed = next(
        e for e in events if e["type"] == "ProgressUpdated" and e.get("state") == "Analyse"
    )
    assert analysed["details"] == {
        "scope": "workflow",
        "percentage": 70.0,
        "milestone": None,
        "message": None,
        "startedAt": T0,
        "updatedAt": "2026-01-01T00:01:10.000Z",
        "estimatedRemaining": "30s",
    }


def test_unweighted_progress_counts_each_top_level_state_once(clock: ManualClock) -> None:
    document = machine(
        ("Count", {"Type": "Pass", "Next": "Again"}),
        (
            "Again",
            {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericLessThan": 1, "Next": "Bump"}],
                "Default": "Done",
            },
        ),
        ("Bump", {"Type": "Pass", "Result": {"n": 1}, "Next": "Count"}),
        ("Done", {"Type": "Succeed"}),
        Progress={"Enabled": True},
    )

    events = _events(document, clock, {"n": 0})

    assert _progress(events, "workflow") == [
        ("Count", 25.0),
        ("Again", 50.0),
        ("Bump", 75.0),
        ("Done", 100.0),
    ]


def test_a_branch_not_taken_still_reaches_100_when_the_execution_succeeds(
    clock: ManualClock,
) -> None:
    document = machine(
        ("Pick", {"Type": "Choice", "Choices": [], "Default": "Short"}),
        ("Long", {"Type": "Pass", "Next": "Short"}),
        ("Short", {"Type": "Pass", "End": True}),
        Progress={"TotalStates": 4},
    )
    document["States"]["Pick"]["Choices"] = [
        {"Variable": "$.long", "BooleanEquals": True, "Next": "Long"}
    ]

    events = _events(document, clock, {"long": False})

    assert _progress(events, "workflow") == [("Pick", 25.0), ("Short", 50.0), (None, 100.0)]


def test_progress_disabled_publishes_nothing(clock: ManualClock) -> None:
    document = {**STEPS, "Progress": {"Enabled": False}}

    events = _events(document, clock, {}, Load=_step(1, clock), Analyse=_step(1, clock))

    assert [e for e in events if e["type"] == "ProgressUpdated"] == []


def _analyser(parameters: Any, context: AgentContext) -> dict[str, str]:
    context.report_progress(30, "scanning")
    context.report_progress(20, "going backwards is ignored")
    context.report_progress(60, "analysing")
    return {"report": "done"}


ANALYSE = machine(
    (
        "Analyse",
        {
            "Type": "Task",
            "Agent": "Analyser",
            "Progress": {
                "Path": "$.progress",
                "Milestones": [
                    {"At": 0, "Name": "started"},
                    {"At": 50, "Name": "halfway", "Emit": "analysis_halfway"},
                    {"At": 100, "Name": "complete"},
                ],
            },
            "End": True,
        },
    )
)


def test_state_progress_follows_the_agent_and_fires_milestones_once(clock: ManualClock) -> None:
    events = _events(ANALYSE, clock, {}, Analyser=_analyser)

    assert [
        (e["type"], e["details"].get("percentage"), e["details"].get("milestone"))
        for e in events
        if e["type"] in ("ProgressUpdated", "ProgressMilestone", "analysis_halfway")
    ] == [
        ("ProgressUpdated", 0.0, "started"),
        ("ProgressMilestone", 0.0, "started"),
        ("ProgressUpdated", 30.0, "started"),
        ("ProgressUpdated", 30.0, "started"),
        ("ProgressUpdated", 60.0, "halfway"),
        ("analysis_halfway", 60.0, "halfway"),
        ("ProgressUpdated", 100.0, "complete"),
        ("ProgressMilestone", 100.0, "complete"),
    ]
    halfway = next(e for e in events if e["type"] == "analysis_halfway")
    assert halfway == {
        "type": "analysis_halfway",
        "timestamp": T0,
        "executionId": "e1",
        "state": "Analyse",
        "event": "Milestone",
        "details": {"milestone": "halfway", "at": 50, "percentage": 60.0},
    }


def test_progress_path_puts_the_final_progress_object_in_the_output(clock: ManualClock) -> None:
    result = WorkflowEngine(ANALYSE, AgentRegistry({"Analyser": _analyser}), clock=clock).run({})

    assert result.output == {
        "report": "done",
        "progress": {
            "percentage": 100.0,
            "milestone": "complete",
            "message": "analysing",
            "startedAt": T0,
            "updatedAt": T0,
            "estimatedRemaining": "0s",
        },
    }


def test_heartbeat_on_update_keeps_a_slow_task_alive(clock: ManualClock) -> None:
    async def slow(parameters: Any, context: AgentContext) -> str:
        for pct in (25, 50, 75):
            await clock.sleep(8)
            context.report_progress(pct)
        return "finished"

    document = machine(
        (
            "Slow",
            {
                "Type": "Task",
                "Agent": "Slow",
                "HeartbeatSeconds": 10,
                "Progress": {"HeartbeatOnUpdate": True},
                "End": True,
            },
        )
    )

    result = WorkflowEngine(document, AgentRegistry({"Slow": slow}), clock=clock).run({})

    assert (result.status, result.output) == ("SUCCEEDED", "finished")


def test_without_heartbeat_on_update_the_same_task_times_out(clock: ManualClock) -> None:
    async def slow(parameters: Any, context: AgentContext) -> str:
        for pct in (25, 50, 75):
            await clock.sleep(8)
            context.report_progress(pct)
        return "finished"

    document = machine(
        ("Slow", {"Type": "Task", "Agent": "Slow", "HeartbeatSeconds": 10, "End": True})
    )

    result = WorkflowEngine(document, AgentRegistry({"Slow": slow}), clock=clock).run({})

    assert (result.status, result.error) == ("FAILED", "States.HeartbeatTimeout")


MAP_COUNTS = ("total", "completed", "inProgress", "pending", "failed", "percentage")

ITEMS = machine(
    (
        "Each",
        {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 1,
            "ToleratedFailureCount": 1,
            "Progress": {"Enabled": True, "Path": "$.progress"},
            "ItemProcessor": {
                "StartAt": "Check",
                "States": {
                    "Check": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Bad"}],
                        "Default": "Good",
                    },
                    "Bad": {"Type": "Fail", "Error": "Zero"},
                    "Good": {"Type": "Pass", "End": True},
                },
            },
            "ResultPath": "$.results",
            "End": True,
        },
    )
)


def test_map_progress_counts_items_as_they_finish(clock: ManualClock) -> None:
    events = _events(ITEMS, clock, {"items": [1, 0, 2]})

    # (total, completed, inProgress, pending, failed, percentage)
    assert [
        tuple(e["details"][k] for k in MAP_COUNTS) for e in events if e["type"] == "ProgressUpdated"
    ] == [
        (3, 0, 0, 3, 0, 0),
        (3, 0, 1, 2, 0, 0),
        (3, 1, 0, 2, 0, 33.3),
        (3, 1, 1, 1, 0, 33.3),
        (3, 1, 0, 1, 1, 33.3),
        (3, 1, 1, 0, 1, 33.3),
        (3, 2, 0, 0, 1, 66.7),
    ]


def test_map_progress_path_and_aggregate_by_processed(clock: ManualClock) -> None:
    document = machine(("Each", {**ITEMS["States"]["Each"]}))
    document["States"]["Each"]["Progress"] = {"AggregateBy": "processed", "Path": "$.progress"}

    result = WorkflowEngine(document, clock=clock).run({"items": [1, 0, 2]})

    assert result.output["progress"] == {
        "scope": "map",
        "total": 3,
        "completed": 2,
        "inProgress": 0,
        "pending": 0,
        "failed": 1,
        "percentage": 100.0,
    }


def test_map_progress_per_item_false_publishes_start_and_end_only(clock: ManualClock) -> None:
    document = machine(("Each", {**ITEMS["States"]["Each"]}))
    document["States"]["Each"]["Progress"] = {"PerItem": False}

    events = _events(document, clock, {"items": [1, 2]})

    assert [e["details"]["completed"] for e in events if e["type"] == "ProgressUpdated"] == [0, 2]


FAN = machine(
    (
        "Fan",
        {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "A1",
                    "States": {
                        "A1": {"Type": "Pass", "Next": "A2"},
                        "A2": {"Type": "Pass", "End": True},
                    },
                },
                {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": True}}},
            ],
            "Progress": {"Aggregation": "minimum", "PerBranch": True},
            "End": True,
        },
    )
)


def test_parallel_progress_aggregates_its_branches(clock: ManualClock) -> None:
    events = _events(FAN, clock, {})

    assert [e["details"] for e in events if e["type"] == "ProgressUpdated"] == [
        {"scope": "parallel", "percentage": 0.0, "branches": [0.0, 0.0]},
        {"scope": "parallel", "percentage": 0.0, "branches": [50.0, 0.0]},
        {"scope": "parallel", "percentage": 0.0, "branches": [100.0, 0.0]},
        {"scope": "parallel", "percentage": 100.0, "branches": [100.0, 100.0]},
        {"scope": "parallel", "percentage": 100.0, "branches": [100.0, 100.0]},
    ]


def test_parallel_progress_weighted_by_branch(clock: ManualClock) -> None:
    document = machine(("Fan", {**FAN["States"]["Fan"]}))
    document["States"]["Fan"]["Progress"] = {"Aggregation": "weighted", "Weights": [3, 1]}

    events = _events(document, clock, {})

    assert [e["details"]["percentage"] for e in events if e["type"] == "ProgressUpdated"] == [
        0.0,
        37.5,
        75.0,
        100.0,
        100.0,
    ]
