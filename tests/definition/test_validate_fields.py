"""Validating the fields of states: which fields a type takes, their types and values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .support import PASS_END, problems, problems_of_dict, workflow

_PROCESSOR = {"StartAt": "I", "States": {"I": PASS_END}}
# A real template file: Imports are loaded when a document is validated.
_TEMPLATE = str(Path(__file__).parent / "composition" / "pass.asl.json")
_BASES: dict[str, dict[str, Any]] = {
    "Task": {"Type": "Task", "Agent": "A", "End": True},
    "Wait": {"Type": "Wait", "Seconds": 1, "End": True},
    "Map": {"Type": "Map", "ItemProcessor": _PROCESSOR, "End": True},
    "Parallel": {"Type": "Parallel", "Branches": [_PROCESSOR], "End": True},
    "Fail": {"Type": "Fail"},
    "Approval": {"Type": "Approval", "Prompt": "p", "End": True},
    "Debate": {"Type": "Debate", "Agents": ["A", "B"], "End": True},
    "Checkpoint": {"Type": "Checkpoint", "Name": "n", "End": True},
    "Include": {"Type": "Include", "Template": "t", "End": True},
    "Workflow": {"Type": "Workflow", "WorkflowId": "w", "End": True},
}

_WRONG_VALUES = [
    (
        "Task",
        "Comment",
        1,
        "INVALID_TYPE",
        "/States/S/Comment",
        "'Comment' of state 'S' must be a string, got the number 1",
    ),
    (
        "Task",
        "InputPath",
        1,
        "INVALID_TYPE",
        "/States/S/InputPath",
        "'InputPath' of state 'S' must be a path such as \"$.field\" or null, got the number 1",
    ),
    (
        "Task",
        "OutputPath",
        [],
        "INVALID_TYPE",
        "/States/S/OutputPath",
        "'OutputPath' of state 'S' must be a path such as \"$.field\" or null, got an empty array",
    ),
    (
        "Task",
        "ResultPath",
        True,
        "INVALID_TYPE",
        "/States/S/ResultPath",
        "'ResultPath' of state 'S' must be a reference path such as \"$.field\" or null, got true",
    ),
    (
        "Task",
        "Parameters",
        "x",
        "INVALID_TYPE",
        "/States/S/Parameters",
        "'Parameters' of state 'S' must be an object, got the string \"x\"",
    ),
    (
        "Task",
        "ResultSelector",
        1,
        "INVALID_TYPE",
        "/States/S/ResultSelector",
        "'ResultSelector' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Agent",
        "",
        "INVALID_VALUE",
        "/States/S/Agent",
        "'Agent' of state 'S' must be a non-empty string, got the string \"\"",
    ),
    (
        "Task",
        "TimeoutSeconds",
        0,
        "INVALID_VALUE",
        "/States/S/TimeoutSeconds",
        "'TimeoutSeconds' of state 'S' must be a positive integer, got the number 0",
    ),
    (
        "Task",
        "TimeoutSeconds",
        "10",
        "INVALID_TYPE",
        "/States/S/TimeoutSeconds",
        "'TimeoutSeconds' of state 'S' must be a positive integer, got the string \"10\"; write 10 "
        "without quotes",
    ),
    (
        "Task",
        "TimeoutSecondsPath",
        5,
        "INVALID_TYPE",
        "/States/S/TimeoutSecondsPath",
        "'TimeoutSecondsPath' of state 'S' must be a reference path such as \"$.field\", got the "
        "number 5",
    ),
    (
        "Task",
        "HeartbeatSeconds",
        1.5,
        "INVALID_TYPE",
        "/States/S/HeartbeatSeconds",
        "'HeartbeatSeconds' of state 'S' must be a positive integer, got the number 1.5",
    ),
    (
        "Task",
        "Retry",
        {},
        "INVALID_TYPE",
        "/States/S/Retry",
        "'Retry' of state 'S' must be an array of retriers, got an empty object",
    ),
    (
        "Task",
        "Catch",
        "x",
        "INVALID_TYPE",
        "/States/S/Catch",
        "'Catch' of state 'S' must be an array of catchers, got the string \"x\"",
    ),
    (
        "Task",
        "Assign",
        [],
        "INVALID_TYPE",
        "/States/S/Assign",
        "'Assign' of state 'S' must be an object that maps variable names to values, got an "
        "empty array",
    ),
    (
        "Task",
        "Credentials",
        1,
        "INVALID_TYPE",
        "/States/S/Credentials",
        "'Credentials' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Memory",
        1,
        "INVALID_TYPE",
        "/States/S/Memory",
        "'Memory' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Context",
        "x",
        "INVALID_TYPE",
        "/States/S/Context",
        "'Context' of state 'S' must be an object, got the string \"x\"",
    ),
    (
        "Task",
        "Tools",
        [],
        "INVALID_TYPE",
        "/States/S/Tools",
        "'Tools' of state 'S' must be an object, got an empty array",
    ),
    (
        "Task",
        "Budget",
        1,
        "INVALID_TYPE",
        "/States/S/Budget",
        "'Budget' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Guardrails",
        1,
        "INVALID_TYPE",
        "/States/S/Guardrails",
        "'Guardrails' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Reasoning",
        1,
        "INVALID_TYPE",
        "/States/S/Reasoning",
        "'Reasoning' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Streaming",
        1,
        "INVALID_TYPE",
        "/States/S/Streaming",
        "'Streaming' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Progress",
        1,
        "INVALID_TYPE",
        "/States/S/Progress",
        "'Progress' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Events",
        1,
        "INVALID_TYPE",
        "/States/S/Events",
        "'Events' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Feedback",
        1,
        "INVALID_TYPE",
        "/States/S/Feedback",
        "'Feedback' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Cache",
        1,
        "INVALID_TYPE",
        "/States/S/Cache",
        "'Cache' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Audit",
        1,
        "INVALID_TYPE",
        "/States/S/Audit",
        "'Audit' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Metadata",
        1,
        "INVALID_TYPE",
        "/States/S/Metadata",
        "'Metadata' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Generation",
        1,
        "INVALID_TYPE",
        "/States/S/Generation",
        "'Generation' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "CircuitBreaker",
        1,
        "INVALID_TYPE",
        "/States/S/CircuitBreaker",
        "'CircuitBreaker' of state 'S' must be an object, got the number 1",
    ),
    (
        "Task",
        "Idempotent",
        1,
        "INVALID_TYPE",
        "/States/S/Idempotent",
        "'Idempotent' of state 'S' must be true or false, got the number 1",
    ),
    (
        "Task",
        "IdempotencyKey",
        2,
        "INVALID_TYPE",
        "/States/S/IdempotencyKey",
        "'IdempotencyKey' of state 'S' must be a non-empty string, got the number 2",
    ),
    (
        "Task",
        "CacheResult",
        "no",
        "INVALID_TYPE",
        "/States/S/CacheResult",
        "'CacheResult' of state 'S' must be true or false, got the string \"no\"",
    ),
    (
        "Task",
        "CacheTTL",
        None,
        "INVALID_TYPE",
        "/States/S/CacheTTL",
        "'CacheTTL' of state 'S' must be a duration such as \"1h\" or a number of seconds, got "
        "null",
    ),
    (
        "Task",
        "Model",
        [],
        "INVALID_TYPE",
        "/States/S/Model",
        "'Model' of state 'S' must be a model name or an object, got an empty array",
    ),
    (
        "Wait",
        "Seconds",
        1.5,
        "INVALID_TYPE",
        "/States/S/Seconds",
        "'Seconds' of state 'S' must be a non-negative integer, got the number 1.5",
    ),
    (
        "Wait",
        "SecondsPath",
        1,
        "INVALID_TYPE",
        "/States/S/SecondsPath",
        "'SecondsPath' of state 'S' must be a reference path such as \"$.field\", got the number 1",
    ),
    (
        "Map",
        "ItemsPath",
        1,
        "INVALID_TYPE",
        "/States/S/ItemsPath",
        "'ItemsPath' of state 'S' must be a reference path such as \"$.field\", got the number 1",
    ),
    (
        "Map",
        "ItemSelector",
        1,
        "INVALID_TYPE",
        "/States/S/ItemSelector",
        "'ItemSelector' of state 'S' must be an object, got the number 1",
    ),
    (
        "Map",
        "MaxConcurrency",
        -1,
        "INVALID_VALUE",
        "/States/S/MaxConcurrency",
        "'MaxConcurrency' of state 'S' must be a non-negative integer, got the number -1",
    ),
    (
        "Map",
        "MaxConcurrencyPath",
        "x",
        "INVALID_PATH",
        "/States/S/MaxConcurrencyPath",
        "'MaxConcurrencyPath' of state 'S' is not a valid reference path: a path must start with "
        "'$' (at character 1)",
    ),
    (
        "Map",
        "ToleratedFailurePercentage",
        101,
        "INVALID_VALUE",
        "/States/S/ToleratedFailurePercentage",
        "'ToleratedFailurePercentage' of state 'S' must be a number from 0 to 100, got the number "
        "101",
    ),
    (
        "Map",
        "ToleratedFailureCount",
        0.5,
        "INVALID_TYPE",
        "/States/S/ToleratedFailureCount",
        "'ToleratedFailureCount' of state 'S' must be a non-negative integer, got the number 0.5",
    ),
    (
        "Map",
        "Label",
        1,
        "INVALID_TYPE",
        "/States/S/Label",
        "'Label' of state 'S' must be a non-empty string, got the number 1",
    ),
    (
        "Map",
        "ItemReader",
        1,
        "INVALID_TYPE",
        "/States/S/ItemReader",
        "'ItemReader' of state 'S' must be an object, got the number 1",
    ),
    (
        "Map",
        "ItemBatcher",
        1,
        "INVALID_TYPE",
        "/States/S/ItemBatcher",
        "'ItemBatcher' of state 'S' must be an object, got the number 1",
    ),
    (
        "Map",
        "ResultWriter",
        "x",
        "INVALID_TYPE",
        "/States/S/ResultWriter",
        "'ResultWriter' of state 'S' must be an object, got the string \"x\"",
    ),
    (
        "Map",
        "ItemProcessor",
        1,
        "INVALID_TYPE",
        "/States/S/ItemProcessor",
        "The ItemProcessor of Map state 'S' must be an object with StartAt and States, got the "
        "number 1",
    ),
    (
        "Parallel",
        "Branches",
        [1],
        "INVALID_TYPE",
        "/States/S/Branches/0",
        "Branch 0 of Parallel state 'S' must be an object with StartAt and States, got the number "
        "1",
    ),
    (
        "Fail",
        "Error",
        1,
        "INVALID_TYPE",
        "/States/S/Error",
        "'Error' of state 'S' must be a string, got the number 1",
    ),
    (
        "Fail",
        "Cause",
        [],
        "INVALID_TYPE",
        "/States/S/Cause",
        "'Cause' of state 'S' must be a string, got an empty array",
    ),
    (
        "Fail",
        "ErrorPath",
        1,
        "INVALID_TYPE",
        "/States/S/ErrorPath",
        "'ErrorPath' of state 'S' must be a reference path such as \"$.field\" or an intrinsic "
        'function call such as "States.Format(...)", got the number 1',
    ),
    (
        "Fail",
        "CausePath",
        "x",
        "INVALID_PATH",
        "/States/S/CausePath",
        "'CausePath' of state 'S' is not a valid reference path: a path must start with '$' (at "
        "character 1)",
    ),
    (
        "Approval",
        "Prompt",
        1,
        "INVALID_TYPE",
        "/States/S/Prompt",
        "'Prompt' of state 'S' must be a string or an object, got the number 1",
    ),
    (
        "Approval",
        "Options",
        ["a", 1],
        "INVALID_TYPE",
        "/States/S/Options/1",
        "'Options' of state 'S' must hold non-empty strings, got the number 1",
    ),
    (
        "Approval",
        "Timeout",
        1,
        "INVALID_TYPE",
        "/States/S/Timeout",
        "'Timeout' of state 'S' must be a non-empty string, got the number 1",
    ),
    (
        "Approval",
        "OnTimeout",
        "Never",
        "INVALID_VALUE",
        "/States/S/OnTimeout",
        "'OnTimeout' of state 'S' must be one of AutoReject, AutoApprove, Escalate, Fail, got the "
        'string "Never"',
    ),
    (
        "Approval",
        "Escalation",
        1,
        "INVALID_TYPE",
        "/States/S/Escalation",
        "'Escalation' of state 'S' must be an object, got the number 1",
    ),
    (
        "Approval",
        "Editable",
        1,
        "INVALID_TYPE",
        "/States/S/Editable",
        "'Editable' of state 'S' must be an object, got the number 1",
    ),
    (
        "Approval",
        "Policy",
        1,
        "INVALID_TYPE",
        "/States/S/Policy",
        "'Policy' of state 'S' must be an object, got the number 1",
    ),
    (
        "Approval",
        "Notifications",
        1,
        "INVALID_TYPE",
        "/States/S/Notifications",
        "'Notifications' of state 'S' must be an object, got the number 1",
    ),
    (
        "Approval",
        "BatchMode",
        1,
        "INVALID_TYPE",
        "/States/S/BatchMode",
        "'BatchMode' of state 'S' must be an object, got the number 1",
    ),
    (
        "Approval",
        "RequiredApprovers",
        0,
        "INVALID_VALUE",
        "/States/S/RequiredApprovers",
        "'RequiredApprovers' of state 'S' must be a positive integer, got the number 0",
    ),
    (
        "Approval",
        "ItemsPath",
        1,
        "INVALID_TYPE",
        "/States/S/ItemsPath",
        "'ItemsPath' of state 'S' must be a reference path such as \"$.field\", got the number 1",
    ),
    (
        "Approval",
        "Choices",
        {},
        "INVALID_TYPE",
        "/States/S/Choices",
        "'Choices' of state 'S' must be a non-empty array of rules, got an empty object",
    ),
    (
        "Approval",
        "Default",
        1,
        "INVALID_TYPE",
        "/States/S/Default",
        "'Default' of state 'S' must be a non-empty string, got the number 1",
    ),
    (
        "Debate",
        "Agents",
        ["A", ""],
        "INVALID_VALUE",
        "/States/S/Agents/1",
        "'Agents' of state 'S' must hold non-empty strings, got the string \"\"",
    ),
    (
        "Debate",
        "Topic",
        1,
        "INVALID_TYPE",
        "/States/S/Topic",
        "'Topic' of state 'S' must be a string, got the number 1",
    ),
    (
        "Debate",
        "TopicPath",
        1,
        "INVALID_TYPE",
        "/States/S/TopicPath",
        "'TopicPath' of state 'S' must be a path such as \"$.field\", got the number 1",
    ),
    (
        "Debate",
        "Rounds",
        0,
        "INVALID_VALUE",
        "/States/S/Rounds",
        "'Rounds' of state 'S' must be a positive integer, got the number 0",
    ),
    (
        "Debate",
        "Communication",
        1,
        "INVALID_TYPE",
        "/States/S/Communication",
        "'Communication' of state 'S' must be an object, got the number 1",
    ),
    (
        "Debate",
        "Consensus",
        1,
        "INVALID_TYPE",
        "/States/S/Consensus",
        "'Consensus' of state 'S' must be an object, got the number 1",
    ),
    (
        "Checkpoint",
        "Name",
        "",
        "INVALID_VALUE",
        "/States/S/Name",
        "'Name' of state 'S' must be a non-empty string, got the string \"\"",
    ),
    (
        "Checkpoint",
        "Storage",
        1,
        "INVALID_TYPE",
        "/States/S/Storage",
        "'Storage' of state 'S' must be a non-empty string, got the number 1",
    ),
    (
        "Checkpoint",
        "TTL",
        1,
        "INVALID_TYPE",
        "/States/S/TTL",
        "'TTL' of state 'S' must be a non-empty string, got the number 1",
    ),
    (
        "Include",
        "Template",
        1,
        "INVALID_TYPE",
        "/States/S/Template",
        "'Template' of state 'S' must be a non-empty string, got the number 1",
    ),
    (
        "Include",
        "Parameters",
        1,
        "INVALID_TYPE",
        "/States/S/Parameters",
        "'Parameters' of state 'S' must be an object, got the number 1",
    ),
    (
        "Include",
        "EntryPoint",
        1,
        "INVALID_TYPE",
        "/States/S/EntryPoint",
        "'EntryPoint' of state 'S' must be a non-empty string, got the number 1",
    ),
    (
        "Include",
        "ExitPoint",
        1,
        "INVALID_TYPE",
        "/States/S/ExitPoint",
        "'ExitPoint' of state 'S' must be a non-empty string, got the number 1",
    ),
    (
        "Include",
        "Override",
        1,
        "INVALID_TYPE",
        "/States/S/Override",
        "'Override' of state 'S' must be an object, got the number 1",
    ),
    (
        "Workflow",
        "WorkflowId",
        1,
        "INVALID_TYPE",
        "/States/S/WorkflowId",
        "'WorkflowId' of state 'S' must be a non-empty string, got the number 1",
    ),
    (
        "Workflow",
        "Input",
        1,
        "INVALID_TYPE",
        "/States/S/Input",
        "'Input' of state 'S' must be an object, got the number 1",
    ),
    (
        "Workflow",
        "Timeout",
        "soon",
        "INVALID_VALUE",
        "/States/S/Timeout",
        "'Timeout' of state 'S' must be a duration such as \"30s\", \"5m\", \"2h\" or "
        '"1d", or a number of seconds, got the string "soon"',
    ),
]


@pytest.mark.parametrize(
    ("kind", "field", "value", "code", "pointer", "message"),
    _WRONG_VALUES,
    ids=[f"{row[0]}.{row[1]}={row[2]!r}" for row in _WRONG_VALUES],
)
def test_a_wrong_value_in_a_field_is_one_exact_error(
    kind: str, field: str, value: Any, code: str, pointer: str, message: str
) -> None:
    state = {**_BASES[kind], field: value}
    if kind == "Wait" and field != "Seconds":
        state.pop("Seconds", None)
    document = workflow(("S", state), Imports={"t": _TEMPLATE, "w": _TEMPLATE})

    assert problems_of_dict(document) == [("error", code, pointer, None, None, message)]


# --- which fields a state type takes ---------------------------------------------------


def test_a_field_of_another_state_type_is_an_error() -> None:
    document = workflow(("S", {"Type": "Task", "Agent": "A", "End": True, "Result": 1}))

    assert problems(document) == [
        (
            "error",
            "UNSUPPORTED_FIELD",
            "/States/S/Result",
            8,
            7,
            "'Result' is not a field of a Task state: remove it",
        )
    ]


def test_a_choice_state_takes_no_next() -> None:
    rule = {"Variable": "$.x", "IsNull": True, "Next": "E"}
    document = workflow(("S", {"Type": "Choice", "Choices": [rule], "Next": "E"}), ("E", PASS_END))

    assert problems(document) == [
        (
            "error",
            "UNSUPPORTED_FIELD",
            "/States/S/Next",
            13,
            7,
            'A Choice state takes no \'Next\': give each rule in "Choices" its own "Next", '
            'and "Default" for when no rule matches',
        )
    ]


@pytest.mark.parametrize("kind", ["Succeed", "Fail"])
def test_a_terminal_state_takes_no_end(kind: str) -> None:
    assert problems_of_dict(workflow(("S", {"Type": kind, "End": True}))) == [
        (
            "error",
            "UNSUPPORTED_FIELD",
            "/States/S/End",
            None,
            None,
            f"A {kind} state ends the run and takes no 'End': remove it",
        )
    ]


def test_a_fail_state_takes_no_input_path() -> None:
    assert problems_of_dict(workflow(("S", {"Type": "Fail", "InputPath": "$"}))) == [
        (
            "error",
            "UNSUPPORTED_FIELD",
            "/States/S/InputPath",
            None,
            None,
            "'InputPath' is not a field of a Fail state: remove it",
        )
    ]


def test_an_unknown_field_is_a_warning_with_a_suggestion() -> None:
    document = workflow(("S", {"Type": "Task", "Agent": "A", "End": True, "Agnet": "x"}))

    assert problems(document) == [
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/Agnet",
            8,
            7,
            "Task state 'S' has the unknown field 'Agnet': did you mean 'Agent'?",
        )
    ]


def test_an_unknown_field_without_a_likely_twin_says_remove_it() -> None:
    document = workflow(("S", {"Type": "Pass", "End": True, "Zorglub": 1}))

    assert problems_of_dict(document) == [
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/Zorglub",
            None,
            None,
            "Pass state 'S' has the unknown field 'Zorglub': remove it or check its spelling",
        )
    ]


_AGENT_BLOCKS: dict[str, Any] = {
    "Memory": {"Read": ["k"]},
    "Context": {"Strategy": "sliding_window"},
    "Tools": {"Allowed": ["search"]},
    "Budget": {"MaxTokens": 10},
    "Guardrails": {},
    "Reasoning": {"Required": True},
    "Streaming": {"Enabled": True},
    "Progress": {},
    "Events": {},
    "Feedback": {},
    "Cache": {"Enabled": True},
    "Audit": {},
    "Idempotent": True,
    "IdempotencyKey.$": "$.id",
    "CacheResult": False,
    "CacheTTL": "1h",
    "Metadata": {"Tags": []},
    "Model": "small",
    "Generation": {"Temperature": 0.2},
    "CircuitBreaker": {},
}


@pytest.mark.parametrize(
    "state",
    [
        {"Type": "Task", "Agent": "A", "End": True},
        {"Type": "Pass", "End": True},
        {"Type": "Succeed"},
        {"Type": "Fail"},
        {"Type": "Checkpoint", "Name": "n", "End": True},
    ],
    ids=lambda state: state["Type"],
)
def test_agent_native_blocks_are_known_on_every_state_type(state: dict[str, Any]) -> None:
    blocks = dict(_AGENT_BLOCKS)
    if state["Type"] != "Task":  # they act on an agent's output: Task only (test_events_validation)
        del blocks["Streaming"], blocks["Feedback"]
    assert problems_of_dict(workflow(("S", {**state, **blocks}))) == []


def test_a_dollar_twin_of_a_field_is_evaluated() -> None:
    document = workflow(("S", {"Type": "Fail", "Cause.$": "$..", "Error.$": "States.UUID()"}))

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_PATH",
            "/States/S/Cause.$",
            None,
            None,
            "'Cause.$' of state 'S' is not a valid path: a path must not end with '..' "
            "(at character 2)",
        )
    ]


def test_a_field_and_its_dollar_twin_conflict() -> None:
    state = {"Type": "Task", "Agent": "A", "End": True, "Idempotent": True, "IdempotencyKey": "k"}
    document = workflow(("S", {**state, "IdempotencyKey.$": "$.k"}))

    assert problems_of_dict(document) == [
        (
            "error",
            "CONFLICTING_FIELDS",
            "/States/S/IdempotencyKey.$",
            None,
            None,
            "Task state 'S' has both 'IdempotencyKey' and 'IdempotencyKey.$': keep one of them",
        )
    ]


def test_a_structural_field_has_no_dollar_twin() -> None:
    document = workflow(("S", {"Type": "Pass", "End": True, "Next.$": "$.n"}))

    assert problems_of_dict(document) == [
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/Next.$",
            None,
            None,
            "Pass state 'S' has the unknown field 'Next.$': did you mean 'Next'?",
        )
    ]


# --- JSONPath and JSONata --------------------------------------------------------------


def test_a_jsonata_workflow_takes_jsonata_fields() -> None:
    processor = {"StartAt": "I", "States": {"I": PASS_END}}
    document = {
        "QueryLanguage": "JSONata",
        "StartAt": "S",
        "States": {
            "S": {
                "Type": "Task",
                "Resource": "r",
                "Arguments": {"a": "{% $states.input.a %}"},
                "Output": "{% $states.result %}",
                "TimeoutSeconds": "{% $states.input.timeout %}",
                "Assign": {"x": 1},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C", "Output": {}}],
                "Next": "C",
            },
            "C": {
                "Type": "Choice",
                "Choices": [{"Condition": "{% $states.input.ok %}", "Next": "W"}],
                "Default": "W",
            },
            "W": {"Type": "Wait", "Seconds": "{% 1 %}", "Next": "M"},
            "M": {"Type": "Map", "Items": "{% [1, 2] %}", "ItemProcessor": processor, "End": True},
        },
    }

    assert problems(document) == []


def test_jsonpath_fields_are_refused_in_jsonata_states() -> None:
    document = {
        "QueryLanguage": "JSONata",
        "StartAt": "S",
        "States": {
            "S": {
                "Type": "Task",
                "Resource": "r",
                "Parameters": {},
                "Arguments": 5,
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "S", "ResultPath": "$.e"}],
                "End": True,
            }
        },
    }

    assert problems_of_dict(document) == [
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/S/Parameters",
            None,
            None,
            "'Parameters' is only supported in JSONPath, but state 'S' uses JSONata: remove it "
            "(JSONata states shape data with 'Arguments' and 'Output', and take expressions "
            '"{% ... %}" where JSONPath states take ...Path fields)',
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Arguments",
            None,
            None,
            "'Arguments' of state 'S' must be an object or a JSONata expression \"{% ... %}\", "
            "got the number 5",
        ),
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/S/Catch/0/ResultPath",
            None,
            None,
            "'ResultPath' in catcher 0 is only supported in JSONPath, but state 'S' uses "
            "JSONata: remove it (JSONata states shape data with 'Arguments' and 'Output', and "
            'take expressions "{% ... %}" where JSONPath states take ...Path fields)',
        ),
    ]


def test_jsonata_fields_are_refused_in_jsonpath_states() -> None:
    assert problems_of_dict(workflow(("S", {"Type": "Pass", "Output": {}, "End": True}))) == [
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/S/Output",
            None,
            None,
            "'Output' is only supported in JSONata, but state 'S' uses JSONPath: set "
            '"QueryLanguage": "JSONata" on the state or the workflow, or use the JSONPath fields',
        )
    ]


def test_one_state_may_switch_to_jsonata() -> None:
    state = {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"a": 1}, "End": True}

    assert problems_of_dict(workflow(("S", state))) == []


def test_a_jsonata_workflow_cannot_hold_jsonpath_states() -> None:
    document = {
        "QueryLanguage": "JSONata",
        "StartAt": "S",
        "States": {"S": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": True}},
    }

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/QueryLanguage",
            None,
            None,
            "State 'S' sets QueryLanguage JSONPath, but the workflow uses JSONata, and a "
            "JSONata workflow cannot contain JSONPath states: remove the field or set the "
            "workflow's QueryLanguage to JSONPath",
        )
    ]


def test_a_state_query_language_must_be_known() -> None:
    document = workflow(("S", {"Type": "Pass", "QueryLanguage": "jsonata", "End": True}))

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/QueryLanguage",
            None,
            None,
            "'QueryLanguage' of state 'S' must be \"JSONPath\" or \"JSONata\", got the string "
            "\"jsonata\": did you mean 'JSONata'?",
        )
    ]


def test_jsonata_choice_rules_need_a_condition() -> None:
    document = {
        "QueryLanguage": "JSONata",
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Condition": 3, "Next": "E", "Extra": 1}, {"Next": "E"}, 2],
                "Default": "E",
            },
            "E": PASS_END,
        },
    }

    assert problems_of_dict(document) == [
        (
            "error",
            "UNSUPPORTED_FIELD",
            "/States/C/Choices/0/Extra",
            None,
            None,
            "'Extra' is not a field of a JSONata choice rule: remove it or check its spelling",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/C/Choices/0/Condition",
            None,
            None,
            "'Condition' of choice rule 0 of state 'C' must be a JSONata expression "
            '"{% ... %}" or a boolean, got the number 3',
        ),
        (
            "error",
            "MISSING_FIELD",
            "/States/C/Choices/1",
            None,
            None,
            "The choice rule 1 of state 'C' has no 'Condition': add \"Condition\": "
            '"{% <JSONata expression> %}"',
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/C/Choices/2",
            None,
            None,
            'The choice rule 2 of state \'C\' must be an object with "Condition" and "Next", '
            "got the number 2",
        ),
    ]


# --- Retry and Catch -------------------------------------------------------------------

_TASK: dict[str, Any] = {"Type": "Task", "Agent": "A", "End": True}


def test_well_formed_retriers_are_valid() -> None:
    retry = [
        {
            "ErrorEquals": ["Agent.Error", "States.Timeout"],
            "IntervalSeconds": 1,
            "MaxAttempts": 0,
            "BackoffRate": 1,
            "MaxDelaySeconds": 5,
            "JitterStrategy": "FULL",
            "Comment": "transient",
        },
        {"ErrorEquals": ["States.ALL"]},
    ]

    assert problems_of_dict(workflow(("S", {**_TASK, "Retry": retry}))) == []


def test_every_retrier_field_is_checked() -> None:
    retry = [
        1,
        {"ErrorEquals": "X"},
        {},
        {
            "ErrorEquals": ["A", 2, ""],
            "IntervalSeconds": 0,
            "MaxAttempts": -1,
            "MaxDelaySeconds": 0,
            "BackoffRate": 0.5,
            "JitterStrategy": "full",
            "MaxIntervalSeconds": 3,
            "Comment": 5,
        },
    ]

    assert problems_of_dict(workflow(("S", {**_TASK, "Retry": retry}))) == [
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Retry/0",
            None,
            None,
            "The retrier 0 of state 'S' must be an object, got the number 1",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Retry/1/ErrorEquals",
            None,
            None,
            "'ErrorEquals' of retrier 1 of state 'S' must be a non-empty array of error names, "
            'got the string "X"',
        ),
        (
            "error",
            "MISSING_FIELD",
            "/States/S/Retry/2",
            None,
            None,
            "The retrier 2 of state 'S' has no 'ErrorEquals': add \"ErrorEquals\" with the "
            'error names it handles, e.g. ["States.ALL"]',
        ),
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/Retry/3/MaxIntervalSeconds",
            None,
            None,
            "The retrier 3 of state 'S' has the unknown field 'MaxIntervalSeconds': did you "
            "mean 'MaxDelaySeconds'?",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Retry/3/Comment",
            None,
            None,
            "'Comment' of retrier 3 of state 'S' must be a string, got the number 5",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Retry/3/ErrorEquals/1",
            None,
            None,
            "Error names in 'ErrorEquals' of retrier 3 of state 'S' must be non-empty strings, "
            "got the number 2",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Retry/3/ErrorEquals/2",
            None,
            None,
            "Error names in 'ErrorEquals' of retrier 3 of state 'S' must be non-empty strings, "
            'got the string ""',
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Retry/3/IntervalSeconds",
            None,
            None,
            "'IntervalSeconds' of retrier 3 of state 'S' must be a positive integer, got the "
            "number 0",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Retry/3/MaxAttempts",
            None,
            None,
            "'MaxAttempts' of retrier 3 of state 'S' must be a non-negative integer, got the "
            "number -1",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Retry/3/MaxDelaySeconds",
            None,
            None,
            "'MaxDelaySeconds' of retrier 3 of state 'S' must be a positive integer, got the "
            "number 0",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Retry/3/BackoffRate",
            None,
            None,
            "'BackoffRate' of retrier 3 of state 'S' must be a number of at least 1.0, got the "
            "number 0.5",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Retry/3/JitterStrategy",
            None,
            None,
            "'JitterStrategy' of retrier 3 of state 'S' must be \"FULL\" or \"NONE\", got the "
            "string \"full\": did you mean 'FULL'?",
        ),
    ]


def test_states_all_must_stand_alone() -> None:
    catch = [{"ErrorEquals": ["States.ALL", "X"], "Next": "S"}]

    assert problems_of_dict(workflow(("S", {**_TASK, "Catch": catch}))) == [
        (
            "error",
            "INVALID_STATES_ALL",
            "/States/S/Catch/0/ErrorEquals",
            None,
            None,
            "\"States.ALL\" must be the only name in 'ErrorEquals' of catcher 0 of state 'S': "
            "move the other names to a handler before it",
        )
    ]


def test_the_states_all_retrier_must_be_last() -> None:
    retry = [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}]

    assert problems_of_dict(workflow(("S", {**_TASK, "Retry": retry}))) == [
        (
            "error",
            "INVALID_STATES_ALL",
            "/States/S/Retry/0/ErrorEquals",
            None,
            None,
            "The retrier 0 of state 'S' matches \"States.ALL\" but is not the last one, so the "
            "handlers after it can never run: move it to the end",
        )
    ]


def test_every_catcher_field_is_checked() -> None:
    catch = [
        {"ErrorEquals": ["X"]},
        {"ErrorEquals": ["Y"], "Next": 1},
        {"ErrorEquals": ["Z"], "Next": "Nope", "ResultPath": "$.a[0:1]", "Output": {}},
    ]

    assert problems_of_dict(workflow(("S", {**_TASK, "Catch": catch}))) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S/Catch/0",
            None,
            None,
            "The catcher 0 of state 'S' has no 'Next': add \"Next\" with the state to go to "
            "when it catches an error",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Catch/1/Next",
            None,
            None,
            "'Next' of catcher 1 of state 'S' must be a state name, got the number 1",
        ),
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/S/Catch/2/Output",
            None,
            None,
            "'Output' in catcher 2 is only supported in JSONata, but state 'S' uses JSONPath: "
            'set "QueryLanguage": "JSONata" on the state or the workflow, or use the JSONPath '
            "fields",
        ),
        (
            "error",
            "INVALID_PATH",
            "/States/S/Catch/2/ResultPath",
            None,
            None,
            "'ResultPath' of catcher 2 of state 'S' is not a valid reference path: a Reference "
            "Path selects a single node; '[0:1]' is not allowed (at character 4)",
        ),
        (
            "error",
            "MISSING_TRANSITION_TARGET",
            "/States/S/Catch/2/Next",
            None,
            None,
            "'Next' of catcher 2 of state 'S' names 'Nope', which is not a state of the "
            "workflow: add a state named 'Nope' or fix the name",
        ),
    ]


def test_a_catcher_target_makes_a_state_reachable() -> None:
    catch = [{"ErrorEquals": ["States.ALL"], "Next": "Handler", "ResultPath": None}]
    document = workflow(("S", {**_TASK, "Catch": catch}), ("Handler", PASS_END))

    assert problems_of_dict(document) == []


# --- values that depend on other fields ------------------------------------------------


def test_timeout_and_its_path_conflict() -> None:
    state = {**_TASK, "TimeoutSeconds": 10, "TimeoutSecondsPath": "$.t"}

    assert problems_of_dict(workflow(("S", state))) == [
        (
            "error",
            "CONFLICTING_FIELDS",
            "/States/S/TimeoutSecondsPath",
            None,
            None,
            "Task state 'S' has both 'TimeoutSeconds' and 'TimeoutSecondsPath': keep one of them",
        )
    ]


def test_the_heartbeat_must_be_shorter_than_the_timeout() -> None:
    state = {**_TASK, "TimeoutSeconds": 10, "HeartbeatSeconds": 10}

    assert problems_of_dict(workflow(("S", state))) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/HeartbeatSeconds",
            None,
            None,
            "'HeartbeatSeconds' of state 'S' (10) must be smaller than its 'TimeoutSeconds' "
            "(10): a heartbeat interval longer than the whole task can never fire",
        )
    ]


def test_a_heartbeat_shorter_than_the_timeout_is_valid() -> None:
    state = {**_TASK, "TimeoutSeconds": 10, "HeartbeatSeconds": 9}

    assert problems_of_dict(workflow(("S", state))) == []
