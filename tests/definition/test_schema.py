"""The JSON schema shipped for editors: a valid draft 2020-12 schema that fits real documents."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from .support import PASS_END, workflow

_SCHEMA = json.loads((files("asl") / "schema" / "asl.schema.json").read_text(encoding="utf-8"))
_EXAMPLES = sorted(Path(__file__).parents[2].glob("examples/*/workflow.asl.json"))


def errors_of(document: Any) -> list[str]:
    validator = Draft202012Validator(_SCHEMA)
    return sorted(error.json_path for error in validator.iter_errors(document))


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(_SCHEMA)


@pytest.mark.parametrize("path", _EXAMPLES, ids=[p.parent.name for p in _EXAMPLES])
def test_the_example_workflows_fit_the_schema(path: Path) -> None:
    assert errors_of(json.loads(path.read_text(encoding="utf-8"))) == []


def test_a_workflow_with_every_state_type_fits_the_schema() -> None:
    processor = {"StartAt": "I", "States": {"I": PASS_END}}
    rule = {"Variable": "$.approval", "StringEquals": "approve", "Next": "Map"}
    document = workflow(
        (
            "Task",
            {
                "Type": "Task",
                "Agent": "Writer",
                "Retry": [{"ErrorEquals": ["States.ALL"]}],
                "Memory": {"Read": ["k"]},
                "Budget": {"MaxTokens": 100},
                "Next": "Approve",
            },
        ),
        ("Approve", {"Type": "Approval", "Prompt": "ok?", "Choices": [rule], "Default": "Map"}),
        (
            "Map",
            {"Type": "Map", "ItemProcessor": processor, "ItemsPath": "$.items", "Next": "Both"},
        ),
        (
            "Both",
            {
                "Type": "Parallel",
                "Branches": [{"StartAt": "J", "States": {"J": PASS_END}}],
                "Next": "Debate",
            },
        ),
        ("Debate", {"Type": "Debate", "Agents": ["A", "B"], "Rounds": 2, "Next": "Save"}),
        ("Save", {"Type": "Checkpoint", "Name": "after-debate", "Next": "Wait"}),
        ("Wait", {"Type": "Wait", "Seconds": 1, "Next": "Check"}),
        (
            "Check",
            {
                "Type": "Choice",
                "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Done"}],
                "Default": "Oops",
            },
        ),
        ("Done", {"Type": "Succeed"}),
        ("Oops", {"Type": "Fail", "Error": "Bad", "Cause": "not ok"}),
    )
    document["Budget"] = {"MaxCost": "$5.00", "OnExceed": "Fail"}

    assert errors_of(document) == []


@pytest.mark.parametrize(
    ("state", "where"),
    [
        ({"Type": "Task", "End": True}, "$.States.S"),
        ({"Type": "Tsak", "End": True}, "$.States.S.Type"),
        ({"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": True}, "$.States.S"),
        (
            {"Type": "Task", "Agent": "A", "TimeoutSeconds": 0, "End": True},
            "$.States.S.TimeoutSeconds",
        ),
        (
            {
                "Type": "Task",
                "Agent": "A",
                "Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.5}],
                "End": True,
            },
            "$.States.S.Retry[0].BackoffRate",
        ),
        ({"Type": "Debate", "Agents": ["A"], "End": True}, "$.States.S.Agents"),
        ({"Type": "Pass", "Assign": {"states": 1}, "End": True}, "$.States.S.Assign"),
        (
            {
                "Type": "Map",
                "ItemProcessor": {"QueryLanguage": "JSONata", "StartAt": "I", "States": {}},
                "End": True,
            },
            "$.States.S.ItemProcessor",
        ),
    ],
)
def test_the_schema_flags_what_editors_should_underline(state: dict[str, Any], where: str) -> None:
    assert where in errors_of(workflow(("S", state)))


def test_a_module_needs_no_start_at_in_the_schema() -> None:
    assert errors_of({"Module": True, "States": {"A": PASS_END}}) == []
    assert errors_of({"States": {"A": PASS_END}}) == ["$"]


def test_a_jsonata_workflow_with_variables_fits_the_schema() -> None:
    document = {
        "QueryLanguage": "JSONata",
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Agent": "A",
                "Arguments": {"q": "{% $states.input.q %}"},
                "TimeoutSeconds": "{% 30 %}",
                "Assign": {"answer": "{% $states.result %}"},
                "Output": "{% $states.result %}",
                "Catch": [
                    {"ErrorEquals": ["States.ALL"], "Output": {}, "Assign": {"e": 1}, "Next": "F"}
                ],
                "Next": "C",
            },
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Condition": "{% $answer %}", "Assign": {"ok": True}, "Output": 1, "Next": "M"}
                ],
                "Default": "F",
            },
            "M": {
                "Type": "Map",
                "Items": "{% [1, 2] %}",
                "ItemSelector": "{% {'v': $states.context.Map.Item.Value} %}",
                "MaxConcurrency": "{% 2 %}",
                "ItemBatcher": {"MaxItemsPerBatch": "{% 2 %}"},
                "ItemProcessor": {"StartAt": "I", "States": {"I": PASS_END}},
                "Next": "W",
            },
            "W": {"Type": "Wait", "Timestamp": "{% $now() %}", "End": True},
            "F": {"Type": "Fail", "Error": "{% 'E' %}", "Cause": "{% $string($e) %}"},
        },
    }

    assert errors_of(document) == []
