"""Validating what each state type requires of its own fields, agents included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .support import PASS_END, problems, problems_of_dict, workflow

_PROCESSOR: dict[str, Any] = {"StartAt": "I", "States": {"I": PASS_END}}


# A real template file: Imports are loaded when a document is validated.
_TEMPLATE = str(Path(__file__).parent / "composition" / "pass.asl.json")


def only(state: dict[str, Any], agents: list[str] | None = None) -> list[Any]:
    """The problems of a one-state workflow, without positions."""
    return problems_of_dict(workflow(("S", state)), agents)


# --- Task ------------------------------------------------------------------------------


def test_a_task_needs_an_agent() -> None:
    assert problems(workflow(("S", {"Type": "Task", "End": True}))) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S",
            4,
            5,
            "Task state 'S' has neither 'Agent' nor 'Resource': add \"Agent\" with the name "
            "of a registered agent",
        )
    ]


def test_a_task_with_an_aws_resource_is_valid() -> None:
    assert only({"Type": "Task", "Resource": "arn:aws:lambda:x", "End": True}) == []


def test_a_task_names_its_target_once() -> None:
    assert only({"Type": "Task", "Agent": "A", "Resource": "B", "End": True}) == [
        (
            "error",
            "CONFLICTING_FIELDS",
            "/States/S/Resource",
            None,
            None,
            "Task state 'S' has both 'Agent' and 'Resource': keep one of them",
        )
    ]


def test_an_unregistered_agent_is_reported_with_a_suggestion() -> None:
    document = workflow(("S", {"Type": "Task", "Agent": "Wroker", "End": True}))

    assert problems(document, ["Worker", "Reader"]) == [
        (
            "error",
            "UNKNOWN_AGENT",
            "/States/S/Agent",
            6,
            16,
            "State 'S' names the agent 'Wroker', which is not registered: did you mean 'Worker'?",
        )
    ]


def test_an_unregistered_resource_is_an_unknown_agent() -> None:
    assert only({"Type": "Task", "Resource": "arn:x", "End": True}, ["Worker"]) == [
        (
            "error",
            "UNKNOWN_AGENT",
            "/States/S/Resource",
            None,
            None,
            "State 'S' names the agent 'arn:x', which is not registered: register it or fix "
            "the name",
        )
    ]


def test_agent_names_are_not_checked_without_a_registry() -> None:
    assert only({"Type": "Task", "Agent": "Anything", "End": True}, None) == []


def test_a_registered_agent_is_valid() -> None:
    assert only({"Type": "Task", "Agent": "Worker", "End": True}, ["Worker"]) == []


# --- Pass ------------------------------------------------------------------------------


def test_a_pass_result_is_static() -> None:
    assert only({"Type": "Pass", "Result": {"a.$": "$.x"}, "End": True}) == [
        (
            "warning",
            "PASS_RESULT_IS_STATIC",
            "/States/S/Result/a.$",
            None,
            None,
            "'Result' of Pass state 'S' is used as written, so 'a.$' is not evaluated: move it "
            "to 'Parameters' to evaluate it",
        )
    ]


def test_a_pass_state_with_every_data_field_is_valid() -> None:
    state = {
        "Type": "Pass",
        "Result": [1],
        "ResultPath": None,
        "InputPath": None,
        "OutputPath": "$.a",
        "Parameters": {"x.$": "$$.Execution.Id", "y": {"z.$": "States.UUID()"}},
        "End": True,
    }

    assert only(state) == []


# --- Choice ----------------------------------------------------------------------------


def test_a_choice_needs_choices() -> None:
    assert only({"Type": "Choice", "Default": "S"})[0] == (
        "error",
        "MISSING_FIELD",
        "/States/S",
        None,
        None,
        "Choice state 'S' has no 'Choices': add a non-empty \"Choices\" array of rules, each "
        'with a "Next"',
    )


def test_choices_must_not_be_empty() -> None:
    assert only({"Type": "Choice", "Choices": [], "Default": "S"})[0] == (
        "error",
        "INVALID_VALUE",
        "/States/S/Choices",
        None,
        None,
        "'Choices' of state 'S' must be a non-empty array of rules, got an empty array",
    )


def test_choice_rules_are_checked_and_the_rule_compiler_reports_are_merged() -> None:
    rules = [
        {"Variable": "$.x", "StringEquals": "a"},
        {"Variable": "$.x", "StringEquals": "a", "Next": 3},
        "r",
        {"StringEquals": "a", "Next": "E"},
    ]
    document = workflow(
        ("S", {"Type": "Choice", "Choices": rules, "Default": "Ee"}), ("E", PASS_END)
    )

    assert problems(document) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S/Choices/0",
            7,
            9,
            "The choice rule 0 of state 'S' has no 'Next': add \"Next\" with the state to go "
            "to when the rule matches",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Choices/1/Next",
            14,
            19,
            "'Next' of choice rule 1 of state 'S' must be a state name, got the number 3",
        ),
        (
            "error",
            "CHOICE_RULE_NOT_OBJECT",
            "/States/S/Choices/2",
            16,
            9,
            'A Choice rule must be an object such as {"Variable": "$.status", "StringEquals": '
            '"done"}; got the string "r"',
        ),
        (
            "error",
            "CHOICE_MISSING_VARIABLE",
            "/States/S/Choices/3",
            17,
            9,
            "The Choice rule has no Variable; add the path of the value to test, e.g. "
            '"Variable": "$.status"',
        ),
        (
            "error",
            "MISSING_TRANSITION_TARGET",
            "/States/S/Default",
            22,
            18,
            "'Default' of state 'S' names 'Ee', which is not a state of the workflow: did you "
            "mean 'E'?",
        ),
    ]


def test_nested_choice_rules_reach_the_rule_compiler() -> None:
    rule = {"And": [{"Variable": "$.a", "IsNull": True, "Next": "E"}], "Next": "E"}
    document = workflow(("S", {"Type": "Choice", "Choices": [rule]}), ("E", PASS_END))

    assert problems_of_dict(document) == [
        (
            "error",
            "CHOICE_NESTED_NEXT",
            "/States/S/Choices/0/And/0/Next",
            None,
            None,
            "Next is only allowed on a top-level Choice rule, not inside And, Or or Not; move "
            "it to the enclosing rule in Choices",
        )
    ]


# --- Wait ------------------------------------------------------------------------------


def test_a_wait_needs_a_duration() -> None:
    assert only({"Type": "Wait", "End": True}) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S",
            None,
            None,
            "Wait state 'S' says neither how long nor until when to wait: add one of Seconds, "
            "SecondsPath, Timestamp or TimestampPath",
        )
    ]


def test_a_wait_takes_exactly_one_duration() -> None:
    assert only({"Type": "Wait", "SecondsPath": "$.s", "TimestampPath": "$.t", "End": True}) == [
        (
            "error",
            "CONFLICTING_FIELDS",
            "/States/S/TimestampPath",
            None,
            None,
            "Wait state 'S' has both 'SecondsPath' and 'TimestampPath': a Wait state takes "
            "exactly one of Seconds, SecondsPath, Timestamp and TimestampPath",
        )
    ]


@pytest.mark.parametrize(
    "timestamp",
    ["2026-03-14T01:59:00Z", "2026-03-14T01:59:00.5+01:00", "2026-12-31T23:59:59.999-08:00"],
)
def test_rfc3339_timestamps_are_valid(timestamp: str) -> None:
    assert only({"Type": "Wait", "Timestamp": timestamp, "End": True}) == []


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-02-30T00:00:00Z",
        "2026-03-14",
        "2026-03-14t01:59:00Z",
        "2026-03-14T01:59:00",
        "2026-03-14 01:59:00Z",
    ],
)
def test_other_timestamps_are_refused(timestamp: str) -> None:
    assert only({"Type": "Wait", "Timestamp": timestamp, "End": True}) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Timestamp",
            None,
            None,
            "'Timestamp' of state 'S' must be an RFC 3339 timestamp with an uppercase T and a "
            f'Z or numeric offset, such as "2026-03-14T01:59:00Z", got the string "{timestamp}"',
        )
    ]


# --- Fail and Succeed ------------------------------------------------------------------


def test_a_fail_state_may_compute_its_cause_with_an_intrinsic() -> None:
    state = {"Type": "Fail", "Error": "E", "CausePath": "States.Format('x {}', $.c)"}

    assert only(state) == []


def test_a_fail_error_and_error_path_conflict() -> None:
    assert only({"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}) == [
        (
            "error",
            "CONFLICTING_FIELDS",
            "/States/S/ErrorPath",
            None,
            None,
            "Fail state 'S' has both 'Error' and 'ErrorPath': keep one of them",
        )
    ]


def test_a_fail_cause_path_and_the_asl_cause_twin_conflict() -> None:
    assert only({"Type": "Fail", "CausePath": "$.c", "Cause.$": "$.d"}) == [
        (
            "error",
            "CONFLICTING_FIELDS",
            "/States/S/Cause.$",
            None,
            None,
            "Fail state 'S' has both 'CausePath' and 'Cause.$': keep one of them",
        )
    ]


def test_an_error_path_must_be_a_reference_path() -> None:
    assert only({"Type": "Fail", "ErrorPath": "$.e[*]"}) == [
        (
            "error",
            "INVALID_PATH",
            "/States/S/ErrorPath",
            None,
            None,
            "'ErrorPath' of state 'S' is not a valid reference path: a Reference Path selects "
            "a single node; '[*]' is not allowed (at character 4)",
        )
    ]


# --- Parallel and Map ------------------------------------------------------------------


def test_a_parallel_needs_branches() -> None:
    assert only({"Type": "Parallel", "End": True}) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S",
            None,
            None,
            "Parallel state 'S' has no 'Branches': add a non-empty \"Branches\" array of "
            '{"StartAt": ..., "States": {...}} objects',
        )
    ]


def test_branches_must_be_a_non_empty_array() -> None:
    assert only({"Type": "Parallel", "Branches": [], "End": True}) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Branches",
            None,
            None,
            "'Branches' of state 'S' must be a non-empty array of {\"StartAt\", \"States\"} "
            "objects, got an empty array",
        )
    ]


def test_a_map_needs_a_processor() -> None:
    assert only({"Type": "Map", "End": True}) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S",
            None,
            None,
            "Map state 'S' has neither 'ItemProcessor' nor 'Iterator': add \"ItemProcessor\": "
            '{"StartAt": ..., "States": {...}} to say what runs for each item',
        )
    ]


def test_the_legacy_iterator_is_accepted() -> None:
    assert only({"Type": "Map", "Iterator": _PROCESSOR, "ItemsPath": "$.items", "End": True}) == []


def test_a_map_takes_one_processor() -> None:
    processor = {"StartAt": "J", "States": {"J": PASS_END}}
    state = {"Type": "Map", "Iterator": _PROCESSOR, "ItemProcessor": processor, "End": True}

    assert only(state) == [
        (
            "error",
            "CONFLICTING_FIELDS",
            "/States/S/Iterator",
            None,
            None,
            "Map state 'S' has both 'ItemProcessor' and 'Iterator': keep one of them",
        )
    ]


def test_a_distributed_map_is_valid() -> None:
    processor = {
        **_PROCESSOR,
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
    }
    state = {
        "Type": "Map",
        "ItemProcessor": processor,
        "ItemsPath": "$.items",
        "MaxConcurrency": 0,
        "ToleratedFailurePercentage": 12.5,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject"},
        "ItemBatcher": {"MaxItemsPerBatch": 10},
        "ResultWriter": {},
        "Label": "batch",
        "End": True,
    }

    assert only(state) == []


def test_every_map_field_is_checked() -> None:
    processor = {**_PROCESSOR, "ProcessorConfig": {"Mode": "distributed", "Foo": 1}}
    state = {
        "Type": "Map",
        "ItemProcessor": processor,
        "ItemsPath": "$.a[*]",
        "ItemSelector": {"v.$": "$$.Map.Item.Value"},
        "Parameters": {},
        "MaxConcurrency": "2",
        "ToleratedFailureCount": -1,
        "ToleratedFailurePercentage": "5",
        "ToleratedFailureCountPath": "$.c",
        "Label": "",
        "ItemReader": {},
        "ItemBatcher": {
            "MaxItemsPerBatch": 0,
            "MaxInputBytesPerBatchPath": "x",
            "BatchInput": 1,
            "Size": 1,
        },
        "ResultWriter": 1,
        "End": True,
    }

    assert problems(workflow(("S", state))) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/ItemProcessor/ProcessorConfig/Mode",
            15,
            19,
            "'Mode' of 'ProcessorConfig' of Map state 'S' must be \"INLINE\" or \"DISTRIBUTED\", "
            "got the string \"distributed\": did you mean 'DISTRIBUTED'?",
        ),
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/ItemProcessor/ProcessorConfig/Foo",
            16,
            11,
            "'ProcessorConfig' of Map state 'S' has the unknown field 'Foo': remove it or check "
            "its spelling",
        ),
        (
            "error",
            "INVALID_PATH",
            "/States/S/ItemsPath",
            19,
            24,
            "'ItemsPath' of state 'S' is not a valid reference path: a Reference Path selects "
            "a single node; '[*]' is not allowed (at character 4)",
        ),
        (
            "error",
            "CONFLICTING_FIELDS",
            "/States/S/Parameters",
            23,
            7,
            "Map state 'S' has both 'ItemSelector' and 'Parameters': keep one of them",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/MaxConcurrency",
            24,
            25,
            "'MaxConcurrency' of state 'S' must be a non-negative integer, got the string "
            '"2"; write 2 without quotes',
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/ToleratedFailureCount",
            25,
            32,
            "'ToleratedFailureCount' of state 'S' must be a non-negative integer, got the "
            "number -1",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/ToleratedFailurePercentage",
            26,
            37,
            "'ToleratedFailurePercentage' of state 'S' must be a number from 0 to 100, got the "
            'string "5"; write 5 without quotes',
        ),
        (
            "error",
            "CONFLICTING_FIELDS",
            "/States/S/ToleratedFailureCountPath",
            27,
            7,
            "Map state 'S' has both 'ToleratedFailureCount' and 'ToleratedFailureCountPath': "
            "keep one of them",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Label",
            28,
            16,
            "'Label' of state 'S' must be a non-empty string, got the string \"\"",
        ),
        (
            "error",
            "MISSING_FIELD",
            "/States/S/ItemReader",
            29,
            7,
            "The ItemReader of Map state 'S' has no 'Resource': add \"Resource\" naming what "
            'reads the items, e.g. "arn:aws:states:::s3:getObject"',
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/ItemBatcher/MaxItemsPerBatch",
            31,
            29,
            "'MaxItemsPerBatch' of the ItemBatcher of Map state 'S' must be a positive "
            "integer, got the number 0",
        ),
        (
            "error",
            "INVALID_PATH",
            "/States/S/ItemBatcher/MaxInputBytesPerBatchPath",
            32,
            39,
            "'MaxInputBytesPerBatchPath' of the ItemBatcher of Map state 'S' is not a valid "
            "reference path: a path must start with '$' (at character 1)",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/ItemBatcher/BatchInput",
            33,
            23,
            "'BatchInput' of the ItemBatcher of Map state 'S' must be an object, got the number 1",
        ),
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/ItemBatcher/Size",
            34,
            9,
            "The ItemBatcher of Map state 'S' has the unknown field 'Size': remove it or check "
            "its spelling",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/ResultWriter",
            36,
            23,
            "'ResultWriter' of state 'S' must be an object, got the number 1",
        ),
    ]


def test_a_distributed_map_names_its_execution_type() -> None:
    processor = {**_PROCESSOR, "ProcessorConfig": {"Mode": "DISTRIBUTED"}}

    assert only({"Type": "Map", "ItemProcessor": processor, "End": True}) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S/ItemProcessor/ProcessorConfig",
            None,
            None,
            "'ProcessorConfig' of Map state 'S' sets Mode DISTRIBUTED but has no "
            '\'ExecutionType\': add "ExecutionType": "STANDARD" or "EXPRESS"',
        )
    ]


# --- Approval --------------------------------------------------------------------------


def test_an_approval_that_routes_by_its_decision_is_valid() -> None:
    rule = {"Variable": "$.approval", "StringEquals": "approve", "Next": "E"}
    approval = {
        "Type": "Approval",
        "Prompt": "Deploy?",
        "Options": ["approve", "reject"],
        "Timeout": "24h",
        "Choices": [rule],
        "Default": "E",
    }

    assert problems_of_dict(workflow(("S", approval), ("E", PASS_END))) == []


def test_an_approval_may_build_its_prompt() -> None:
    approval = {"Type": "Approval", "Prompt.$": "States.Format('Review {}', $.id)", "End": True}

    assert only(approval) == []


def test_every_approval_field_is_checked() -> None:
    approval = {
        "Type": "Approval",
        "Options": [],
        "OnTimeout": "autoreject",
        "Escalation": "x",
        "RequiredApprovers": 0,
        "Timeout": 5,
    }

    assert only(approval) == [
        (
            "error",
            "MISSING_TRANSITION",
            "/States/S",
            None,
            None,
            "Approval state 'S' has neither 'Next' nor 'End': add \"Next\" with the state to "
            'run next, or "End": true to end the run here',
        ),
        (
            "error",
            "MISSING_FIELD",
            "/States/S",
            None,
            None,
            "Approval state 'S' has no 'Prompt': add \"Prompt\" with the message for the approver",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Options",
            None,
            None,
            "'Options' of state 'S' must list at least one option, got an empty array",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Timeout",
            None,
            None,
            "'Timeout' of state 'S' must be a non-empty string, got the number 5",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/OnTimeout",
            None,
            None,
            "'OnTimeout' of state 'S' must be one of AutoReject, AutoApprove, Escalate, Fail, "
            "got the string \"autoreject\": did you mean 'AutoReject'?",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Escalation",
            None,
            None,
            "'Escalation' of state 'S' must be an object, got the string \"x\"",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/RequiredApprovers",
            None,
            None,
            "'RequiredApprovers' of state 'S' must be a positive integer, got the number 0",
        ),
    ]


# --- Debate, Checkpoint, Include, Workflow ---------------------------------------------


def test_a_debate_with_registered_agents_is_valid() -> None:
    debate = {
        "Type": "Debate",
        "Agents": ["A", "B"],
        "Topic.$": "$.question",
        "Rounds": 2,
        "Consensus": {"Required": True, "Arbiter": "C"},
        "End": True,
    }

    assert only(debate, ["A", "B", "C"]) == []


def test_a_debate_needs_agents() -> None:
    assert only({"Type": "Debate", "End": True}) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S",
            None,
            None,
            "Debate state 'S' has no 'Agents': add \"Agents\" with the names of at least two "
            "agents",
        )
    ]


def test_every_debate_field_is_checked() -> None:
    debate = {
        "Type": "Debate",
        "Agents": ["A"],
        "Rounds": 0,
        "Topic": "t",
        "TopicPath": "$.t",
        "Consensus": {"Arbiter": "Jdge"},
        "End": True,
    }

    assert only(debate, ["A", "B", "Judge"]) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Agents",
            None,
            None,
            "'Agents' of state 'S' must name at least two agents, got an array of 1 item",
        ),
        (
            "error",
            "CONFLICTING_FIELDS",
            "/States/S/TopicPath",
            None,
            None,
            "Debate state 'S' has both 'Topic' and 'TopicPath': keep one of them",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Rounds",
            None,
            None,
            "'Rounds' of state 'S' must be a positive integer, got the number 0",
        ),
        (
            "error",
            "UNKNOWN_AGENT",
            "/States/S/Consensus/Arbiter",
            None,
            None,
            "State 'S' names the agent 'Jdge', which is not registered: did you mean 'Judge'?",
        ),
    ]


def test_every_debater_must_be_registered() -> None:
    assert only({"Type": "Debate", "Agents": ["A", "Bee"], "End": True}, ["A", "B"]) == [
        (
            "error",
            "UNKNOWN_AGENT",
            "/States/S/Agents/1",
            None,
            None,
            "State 'S' names the agent 'Bee', which is not registered: register it or fix the name",
        )
    ]


def test_a_checkpoint_needs_a_name() -> None:
    assert only({"Type": "Checkpoint", "TTL": "7d", "End": True}) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S",
            None,
            None,
            "Checkpoint state 'S' has no 'Name': add \"Name\" to identify the saved point",
        )
    ]


def test_an_include_uses_an_imported_template() -> None:
    state = {
        "Type": "Include",
        "Template": "validation",
        "Parameters": {"strict": True},
        "End": True,
    }
    document = workflow(("S", state), Imports={"validation": _TEMPLATE})

    assert problems_of_dict(document) == []


def test_an_include_without_imports_is_reported() -> None:
    assert only({"Type": "Include", "Template": "validation", "End": True}) == [
        (
            "error",
            "UNKNOWN_TEMPLATE",
            "/States/S/Template",
            None,
            None,
            "Include state 'S' uses the template 'validation', but the workflow has no "
            '\'Imports\': add "Imports": {"validation": "<path or URL>"}',
        )
    ]


def test_a_misspelt_template_gets_a_suggestion() -> None:
    state = {"Type": "Include", "Template": "validaton", "End": True}
    document = workflow(("S", state), Imports={"validation": _TEMPLATE})

    assert problems_of_dict(document) == [
        (
            "error",
            "UNKNOWN_TEMPLATE",
            "/States/S/Template",
            None,
            None,
            "Include state 'S' uses the template 'validaton', which is not in 'Imports': did "
            "you mean 'validation'?",
        )
    ]


def test_an_include_needs_a_template() -> None:
    assert only({"Type": "Include", "End": True}) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S",
            None,
            None,
            "Include state 'S' has no 'Template': add \"Template\" with an alias from the "
            'workflow\'s "Imports"',
        )
    ]


def test_a_workflow_state_needs_an_id_and_a_valid_input() -> None:
    assert only({"Type": "Workflow", "Input": {"a.$": "x"}, "End": True}) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S",
            None,
            None,
            "Workflow state 'S' has no 'WorkflowId': add \"WorkflowId\" naming the workflow to run",
        ),
        (
            "error",
            "INVALID_PAYLOAD_TEMPLATE",
            "/States/S/Input/a.$",
            None,
            None,
            "'a.$' in the Input of state 'S' must be a path (\"$.field\"), a context path "
            '("$$.Execution.Id") or an intrinsic function call ("States.Format(...)"), got '
            "the string \"x\"; to pass the value as it is, drop the '.$' from the key",
        ),
    ]


def test_a_workflow_state_is_valid() -> None:
    state = {"Type": "Workflow", "WorkflowId": _TEMPLATE, "Input": {"a.$": "$.x"}, "End": True}

    assert only(state) == []
