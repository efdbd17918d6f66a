# ruff: noqa: E501 - the expected messages are kept whole, one per line, to read them as users do
"""Validation of Streaming, Progress, Events and Feedback, and of the workflow's channels."""

from __future__ import annotations

from typing import Any

import pytest

from tests.definition.support import problems, problems_of_dict, workflow

TASK: dict[str, Any] = {"Type": "Task", "Agent": "A", "End": True}


def _task(**blocks: Any) -> dict[str, Any]:
    return workflow(("S", {**TASK, **blocks}))


def _messages(
    document: dict[str, Any], agents: list[str] | None = None
) -> list[tuple[str, str, str]]:
    return [(p[1], p[2], p[5]) for p in problems_of_dict(document, agents)]


GOOD = workflow(
    (
        "Write",
        {
            "Type": "Task",
            "Agent": "Writer",
            "HeartbeatSeconds": 30,
            "Streaming": {
                "Enabled": True,
                "Mode": "sentence",
                "ChunkSize": 20,
                "Buffer": {"Size": 1024, "FlushInterval": "100ms", "FlushOnNewline": True},
                "Callbacks": {"OnChunk": "Sink"},
            },
            "Progress": {
                "Enabled": True,
                "Path": "$.progress",
                "Milestones": [{"At": 0, "Name": "started"}, {"At": 100, "Emit": "written"}],
                "Emit": "write_progress",
                "HeartbeatOnUpdate": True,
            },
            "Events": {
                "OnEnter": {"Type": "write_started", "Include": ["$.topic"]},
                "OnError": {"Type": "write_failed", "Channel": "alerts"},
            },
            "Feedback": {
                "Collect": True,
                "Type": "structured",
                "Fields": [
                    {
                        "Name": "accuracy",
                        "Type": "rating",
                        "Scale": [1, 3],
                        "Labels": ["a", "b", "c"],
                    },
                    {"Name": "tone", "Type": "choice", "Labels": ["cold", "warm"]},
                    {"Name": "notes", "Type": "text", "Label": "Notes", "Optional": True},
                ],
                "Question": "How was it?",
                "Store": "writing",
                "Source": "editor",
                "Optional": ["comment"],
                "ResultPath": "$.feedback",
            },
            "Next": "Fan",
        },
    ),
    (
        "Fan",
        {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": True}}},
                {"StartAt": "B2", "States": {"B2": {"Type": "Pass", "End": True}}},
            ],
            "Progress": {"Aggregation": "weighted", "Weights": [2, 1], "PerBranch": True},
            "Next": "Each",
        },
    ),
    (
        "Each",
        {
            "Type": "Map",
            "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
            "Progress": {"PerItem": False, "AggregateBy": "processed", "Path": "$.mapProgress"},
            "End": True,
        },
    ),
    Progress={"Enabled": True, "WeightedProgress": {"Write": 80, "Fan": 10, "Each": 10}},
    Events={
        "Channels": {
            "logs": {"Type": "stdout", "Format": "text"},
            "audit": {"Type": "log", "Logger": "shop", "Level": "INFO"},
            "alerts": {
                "Type": "webhook",
                "Url": "https://hooks.example.com/asl",
                "Headers": {"Authorization": "Bearer x"},
                "Retry": {"MaxAttempts": 5, "IntervalSeconds": 0.5, "BackoffRate": 2},
                "TimeoutSeconds": 3,
            },
            "metrics": {"Type": "prometheus", "Endpoint": "http://push:9091/metrics/job/asl"},
        },
        "OnStateChange": {"Channel": "logs"},
        "OnProgress": {"Channels": ["metrics", "audit"]},
        "OnComplete": {"Channel": "alerts"},
        "OnError": {"Channel": "alerts"},
        "OnChunk": {"Channel": "logs"},
    },
)


def test_a_document_using_every_field_is_valid() -> None:
    assert problems_of_dict(GOOD, ["Writer", "Sink"]) == []


def test_problems_are_placed_on_their_line_and_column() -> None:
    document = _task(Streaming={"Mode": "word"})

    assert problems(document) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Streaming/Mode",
            9,
            17,
            "'Mode' of the Streaming of state 'S' must be one of token, line, sentence, chunk, "
            'got the string "word"',
        )
    ]


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        (
            {"Streaming": {"ChunkSize": 0, "Buffer": {"FlushInterval": "soon"}, "Enabled": "yes"}},
            [
                (
                    "INVALID_TYPE",
                    "/States/S/Streaming/Enabled",
                    "'Enabled' of the Streaming of state 'S' must be true or false, got the string \"yes\"",
                ),
                (
                    "INVALID_VALUE",
                    "/States/S/Streaming/ChunkSize",
                    "'ChunkSize' of the Streaming of state 'S' must be an integer ≥ 1, got the number 0",
                ),
                (
                    "INVALID_VALUE",
                    "/States/S/Streaming/Buffer/FlushInterval",
                    "'FlushInterval' of 'Buffer' of the Streaming of state 'S' must be a duration such as \"100ms\", \"5s\" or a number of seconds, got the string \"soon\"",
                ),
            ],
        ),
        (
            {"Streaming": {"Callbacks": {"OnChunk": "Snk"}}},
            [
                (
                    "UNKNOWN_AGENT",
                    "/States/S/Streaming/Callbacks/OnChunk",
                    "State 'S' names the agent 'Snk', which is not registered: did you mean 'Sink'?",
                ),
            ],
        ),
        (
            {"Progress": {"Milestones": [{"Name": "x"}, {"At": 120}], "Path": "$.a[*]"}},
            [
                (
                    "MISSING_FIELD",
                    "/States/S/Progress/Milestones/0",
                    "Milestone 0 of the Progress of state 'S' has no 'At': add the percentage (0-100) that reaches it",
                ),
                (
                    "INVALID_VALUE",
                    "/States/S/Progress/Milestones/1/At",
                    "'At' of milestone 1 of the Progress of state 'S' must be a number from 0 to 100, got the number 120",
                ),
                (
                    "INVALID_PATH",
                    "/States/S/Progress/Path",
                    "'Path' of the Progress of state 'S' is not a valid reference path: a Reference Path selects a single node; '[*]' is not allowed",
                ),
            ],
        ),
        (
            {"Progress": {"HeartbeatOnUpdate": True, "PerItem": True}},
            [
                (
                    "NO_EFFECT",
                    "/States/S/Progress/HeartbeatOnUpdate",
                    "'HeartbeatOnUpdate' of the Progress of state 'S' has no effect without HeartbeatSeconds on the state",
                ),
                (
                    "UNKNOWN_FIELD",
                    "/States/S/Progress/PerItem",
                    "The Progress of state 'S' has the unknown field 'PerItem': remove it or check its spelling",
                ),
            ],
        ),
        (
            {"Events": {"OnExit": {"Include": ["$..x", 3]}, "OnLeave": {}}},
            [
                (
                    "UNKNOWN_FIELD",
                    "/States/S/Events/OnLeave",
                    "The Events of state 'S' has the unknown field 'OnLeave': remove it or check its spelling",
                ),
                (
                    "INVALID_TYPE",
                    "/States/S/Events/OnExit/Include",
                    "'Include' of 'OnExit' of the Events of state 'S' must be an array of strings, got an array of 2 items",
                ),
            ],
        ),
        (
            {"Events": {"OnEnter": {"Channel": "alerts"}}},
            [
                (
                    "UNKNOWN_CHANNEL",
                    "/States/S/Events/OnEnter/Channel",
                    "'OnEnter' of state 'S' names the channel 'alerts', which the workflow's Events.Channels does not define (channels: none are defined)",
                ),
            ],
        ),
        (
            {"Feedback": {"Type": "stars"}},
            [
                (
                    "INVALID_VALUE",
                    "/States/S/Feedback/Type",
                    "'Type' of the Feedback of state 'S' must be one of rating, thumbs, choice, text, structured, got the string \"stars\"",
                ),
            ],
        ),
        (
            {"Feedback": {"Scale": [5, 1], "Labels": ["a"]}},
            [
                (
                    "INVALID_VALUE",
                    "/States/S/Feedback/Scale",
                    "'Scale' of the Feedback of state 'S' must be [lowest, highest], two integers, lowest first, got an array of 2 items",
                ),
            ],
        ),
        (
            {"Feedback": {"Scale": [1, 3], "Labels": ["a", "b"]}},
            [
                (
                    "INVALID_VALUE",
                    "/States/S/Feedback/Labels",
                    "'Labels' of the Feedback of state 'S' has 2 labels for the scale 1 to 3: give one per point",
                ),
            ],
        ),
        (
            {"Feedback": {"Type": "choice"}},
            [
                (
                    "MISSING_FIELD",
                    "/States/S/Feedback",
                    "The Feedback of state 'S' is a choice with no 'Labels': list the choices",
                ),
            ],
        ),
        (
            {"Feedback": {"Type": "thumbs", "Scale": [1, 2], "Fields": []}},
            [
                (
                    "UNSUPPORTED_FIELD",
                    "/States/S/Feedback/Scale",
                    "'Scale' of the Feedback of state 'S' belongs to a rating: remove it",
                ),
                (
                    "UNSUPPORTED_FIELD",
                    "/States/S/Feedback/Fields",
                    "'Fields' of the Feedback of state 'S' belongs to \"Type\": \"structured\" feedback: remove it or change the Type",
                ),
            ],
        ),
        (
            {"Feedback": {"Type": "structured"}},
            [
                (
                    "MISSING_FIELD",
                    "/States/S/Feedback",
                    "The Feedback of state 'S' is structured with no 'Fields': list them",
                ),
            ],
        ),
        (
            {
                "Feedback": {
                    "Type": "structured",
                    "Fields": [{"Name": "a"}, {"Name": "a", "Type": "emoji"}, {}],
                }
            },
            [
                (
                    "INVALID_VALUE",
                    "/States/S/Feedback/Fields/1/Name",
                    "Field 1 of the Feedback of state 'S' repeats the name 'a'",
                ),
                (
                    "INVALID_VALUE",
                    "/States/S/Feedback/Fields/1/Type",
                    "'Type' of field 1 of the Feedback of state 'S' must be one of rating, thumbs, choice, text, got the string \"emoji\"",
                ),
                (
                    "MISSING_FIELD",
                    "/States/S/Feedback/Fields/2",
                    "Field 2 of the Feedback of state 'S' has no 'Name'",
                ),
            ],
        ),
    ],
)
def test_bad_state_blocks_are_reported_with_their_place_and_fix(
    blocks: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    assert _messages(_task(**blocks), ["A", "Sink"]) == expected


@pytest.mark.parametrize("block", ["Streaming", "Feedback"])
def test_streaming_and_feedback_belong_to_a_task(block: str) -> None:
    document = workflow(("S", {"Type": "Pass", block: {}, "End": True}))

    assert _messages(document) == [
        (
            "UNSUPPORTED_FIELD",
            f"/States/S/{block}",
            f"'{block}' is not a field of a Pass state ("
            + (
                "only a Task's agent streams output"
                if block == "Streaming"
                else "feedback rates an agent's result"
            )
            + "): move it to a Task",
        )
    ]


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (
            {"Progress": {"WeightedProgress": {"S": 1, "Later": 2}, "TotalStates": 0}},
            [
                (
                    "INVALID_VALUE",
                    "/Progress/TotalStates",
                    "'TotalStates' of the workflow's Progress must be an integer ≥ 1, got the number 0",
                ),
                (
                    "UNKNOWN_STATE",
                    "/Progress/WeightedProgress/Later",
                    "'WeightedProgress' of the workflow's Progress weighs 'Later', which is not a top-level state",
                ),
            ],
        ),
        (
            {"Progress": {"WeightedProgress": {"S": 0}}},
            [
                (
                    "INVALID_VALUE",
                    "/Progress/WeightedProgress",
                    "'WeightedProgress' of the workflow's Progress must give some state a weight above 0",
                ),
            ],
        ),
        (
            {"Events": {"Channels": {"hook": {"Type": "webhook"}, "x": {"Type": "pager"}, "y": 3}}},
            [
                (
                    "MISSING_FIELD",
                    "/Events/Channels/hook",
                    "The channel 'hook' is a webhook with no 'Url': add the address to POST events to",
                ),
                (
                    "INVALID_VALUE",
                    "/Events/Channels/x/Type",
                    "'Type' of the channel 'x' must be one of stdout, log, webhook, metrics, prometheus, got the string \"pager\"",
                ),
                (
                    "INVALID_TYPE",
                    "/Events/Channels/y",
                    "The channel 'y' must be an object with a Type, got the number 3",
                ),
            ],
        ),
        (
            {
                "Events": {
                    "Channels": {
                        "hook": {"Type": "webhook", "Url": "ftp://x", "Retry": {"MaxAttempts": 0}}
                    }
                }
            },
            [
                (
                    "INVALID_VALUE",
                    "/Events/Channels/hook/Url",
                    "'Url' of the channel 'hook' must be an http:// or https:// URL, got the string \"ftp://x\"",
                ),
                (
                    "INVALID_VALUE",
                    "/Events/Channels/hook/Retry/MaxAttempts",
                    "'MaxAttempts' of 'Retry' of the channel 'hook' must be an integer ≥ 1, got the number 0",
                ),
            ],
        ),
        (
            {
                "Events": {
                    "Channels": {"logs": {"Type": "log", "Level": "LOUD"}},
                    "OnComplete": {"Channel": "log"},
                    "OnFinish": {},
                }
            },
            [
                (
                    "UNKNOWN_FIELD",
                    "/Events/OnFinish",
                    "The workflow's Events has the unknown field 'OnFinish': remove it or check its spelling",
                ),
                (
                    "INVALID_VALUE",
                    "/Events/Channels/logs/Level",
                    "'Level' of the channel 'logs' must be one of DEBUG, INFO, WARNING, ERROR, got the string \"LOUD\"",
                ),
                (
                    "UNKNOWN_CHANNEL",
                    "/Events/OnComplete/Channel",
                    "'OnComplete' of the workflow's Events names the channel 'log', which the workflow's Events.Channels does not define: did you mean 'logs'? (channels: logs)",
                ),
            ],
        ),
    ],
)
def test_bad_workflow_blocks_are_reported(
    top: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    document = workflow(("S", TASK), **top)

    assert _messages(document) == expected


def test_parallel_weights_must_match_its_branches() -> None:
    branch = {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}
    document = workflow(
        (
            "P",
            {
                "Type": "Parallel",
                "Branches": [branch],
                "Progress": {"Aggregation": "weighted"},
                "Next": "Q",
            },
        ),
        (
            "Q",
            {
                "Type": "Parallel",
                "Branches": [{"StartAt": "C", "States": {"C": {"Type": "Pass", "End": True}}}],
                "Progress": {"Weights": [1, 2]},
                "End": True,
            },
        ),
    )

    assert _messages(document) == [
        (
            "MISSING_FIELD",
            "/States/P/Progress",
            "The Progress of state 'P' aggregates \"weighted\" but has no 'Weights': add one number per branch",
        ),
        (
            "INVALID_VALUE",
            "/States/Q/Progress/Weights",
            "'Weights' of the Progress of state 'Q' has 2 weights for 1 branches: give one per branch",
        ),
    ]


def test_a_nested_state_s_channel_is_checked_too() -> None:
    document = workflow(
        (
            "Each",
            {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "I",
                    "States": {"I": {**TASK, "Events": {"OnExit": {"Channel": "nope"}}}},
                },
                "End": True,
            },
        ),
        Events={"Channels": {"logs": {"Type": "stdout"}}},
    )

    assert _messages(document, ["A"]) == [
        (
            "UNKNOWN_CHANNEL",
            "/States/Each/ItemProcessor/States/I/Events/OnExit/Channel",
            "'OnExit' of state 'I' names the channel 'nope', which the workflow's Events.Channels "
            "does not define (channels: logs)",
        )
    ]


def test_the_good_document_fits_the_shipped_schema() -> None:
    from tests.definition.test_schema import errors_of

    assert errors_of(GOOD) == []


def test_the_specification_s_streaming_progress_fields_are_known() -> None:
    document = _task(Streaming={"ProgressPath": "$.p", "Milestones": [{"At": 25, "Emit": "q"}]})

    assert _messages(document) == []
