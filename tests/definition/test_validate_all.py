"""One call reports every problem; real workflows validate cleanly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from asl.definition import load_file, load_text, validate

_EXAMPLES = sorted(Path(__file__).parents[2].glob("examples/*/workflow.asl.json"))

_BROKEN = """{
  "Comment": 5,
  "StartAt": "Fetch",
  "States": {
    "Fetch": {
      "Type": "Task",
      "Agent": "Sumarizer",
      "TimeoutSeconds": "10",
      "Nxt": "x",
      "Next": "Proces",
      "Parameters": {"a.$": "$.x", "b.$": "foo"},
      "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}]
    },
    "Process": {"Type": "Tsak", "Next": "Done"},
    "Wait": {"Type": "Wait", "Seconds": 5, "Timestamp": "2020-01-01", "End": true},
    "Done": {"Type": "Succeed", "Next": "Fetch"},
    "M": {"Type": "Map", "ItemProcessor": {"StartAt": "Inner", "States": {
      "Inner": {"Type": "Pass", "Next": "Done"}}}, "MaxConcurrency": -1, "End": true}
  }
}"""


def test_a_document_with_many_problems_reports_all_of_them_in_one_call() -> None:
    found = [
        (d.severity, d.code, d.pointer, d.line, d.column)
        for d in validate(load_text(_BROKEN), agents=["Summarizer", "Writer"])
    ]

    assert found == [
        ("error", "INVALID_TYPE", "/Comment", 2, 14),
        ("error", "UNKNOWN_AGENT", "/States/Fetch/Agent", 7, 16),
        ("error", "INVALID_TYPE", "/States/Fetch/TimeoutSeconds", 8, 25),
        ("warning", "UNKNOWN_FIELD", "/States/Fetch/Nxt", 9, 7),
        ("error", "MISSING_TRANSITION_TARGET", "/States/Fetch/Next", 10, 15),
        ("error", "INVALID_PAYLOAD_TEMPLATE", "/States/Fetch/Parameters/b.$", 11, 43),
        ("error", "INVALID_STATES_ALL", "/States/Fetch/Retry/0/ErrorEquals", 12, 33),
        ("error", "UNREACHABLE_STATE", "/States/Process", 14, 5),
        ("error", "UNKNOWN_STATE_TYPE", "/States/Process/Type", 14, 25),
        ("error", "UNREACHABLE_STATE", "/States/Wait", 15, 5),
        ("error", "CONFLICTING_FIELDS", "/States/Wait/Timestamp", 15, 44),
        ("error", "INVALID_VALUE", "/States/Wait/Timestamp", 15, 57),
        ("error", "UNSUPPORTED_FIELD", "/States/Done/Next", 16, 33),
        ("error", "UNREACHABLE_STATE", "/States/M", 17, 5),
        ("error", "MISSING_END_STATE", "/States/M/ItemProcessor/States", 17, 64),
        ("error", "MISSING_TRANSITION_TARGET", "/States/M/ItemProcessor/States/Inner/Next", 18, 41),
        ("error", "INVALID_VALUE", "/States/M/MaxConcurrency", 18, 70),
    ]


def test_diagnostics_from_text_are_in_document_order() -> None:
    positions = [(d.line, d.column) for d in validate(load_text(_BROKEN))]

    assert positions == sorted(positions)


@pytest.mark.parametrize("path", _EXAMPLES, ids=[p.parent.name for p in _EXAMPLES])
def test_the_example_workflows_have_no_problems(path: Path) -> None:
    assert validate(load_file(path)) == []


def test_agents_may_be_any_collection_of_names() -> None:
    document = load_text(
        json.dumps(
            {"StartAt": "S", "States": {"S": {"Type": "Task", "Agent": "Writer", "End": True}}}
        )
    )

    assert [validate(document, agents) for agents in ({"Writer": 1}, {"Writer"}, ("Writer",))] == [
        [],
        [],
        [],
    ]


def test_every_diagnostic_code_is_documented() -> None:
    source = Path(__file__).parents[2] / "src" / "asl" / "definition"
    codes = {
        code
        for path in source.glob("*.py")
        for code in re.findall(r'"([A-Z]+(?:_[A-Z]+)+)"', path.read_text(encoding="utf-8"))
    }
    docs = (Path(__file__).parents[2] / "docs" / "validation.md").read_text(encoding="utf-8")

    assert sorted(code for code in codes if f"#### `{code}`" not in docs) == []
    assert len(codes) == 44
