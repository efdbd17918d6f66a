"""The engine's public surface: construction, validation, hooks, results."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

import asl
from asl import AgentRegistry, ASLError, ValidationError, WorkflowEngine
from tests.runtime.conftest import machine

HELLO = machine(
    (
        "Hi",
        {
            "Type": "Pass",
            "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.name)"},
            "End": True,
        },
    )
)


def test_public_api_is_exactly_the_contract() -> None:
    assert sorted(asl.__all__) == sorted(
        [
            "ASLError",
            "AgentContext",
            "AgentError",
            "AgentRegistry",
            "AgentResult",
            "Diagnostic",
            "Usage",
            "ValidationError",
            "WorkflowEngine",
            "WorkflowResult",
            "__version__",
        ]
    )


def test_run_from_dict() -> None:
    result = WorkflowEngine(HELLO).run({"name": "Ada"})
    assert (result.status, result.success, result.output) == (
        "SUCCEEDED",
        True,
        {"greeting": "Hello, Ada!"},
    )


def test_from_json_and_from_file(tmp_path: Path) -> None:
    text = json.dumps(HELLO)
    assert WorkflowEngine.from_json(text).run({"name": "B"}).output == {"greeting": "Hello, B!"}
    file = tmp_path / "hello.asl.json"
    file.write_text(text)
    engine = WorkflowEngine.from_file(file)
    assert engine.name == "hello"
    assert engine.run({"name": "C"}).output == {"greeting": "Hello, C!"}


def test_from_json_with_malformed_text_raises_asl_error() -> None:
    with pytest.raises(ASLError) as raised:
        WorkflowEngine.from_json('{"StartAt": ')
    assert raised.value.error == "States.ParseError"


def test_arun_inside_event_loop() -> None:
    async def main() -> Any:
        return await WorkflowEngine(HELLO).arun({"name": "D"})

    assert asyncio.run(main()).output == {"greeting": "Hello, D!"}


def test_run_inside_event_loop_points_to_arun() -> None:
    async def main() -> None:
        WorkflowEngine(HELLO).run({})

    with pytest.raises(RuntimeError, match=r"use 'await engine\.arun"):
        asyncio.run(main())


def test_validate_reports_unregistered_agent() -> None:
    engine = WorkflowEngine(machine(("T", {"Type": "Task", "Agent": "Nobody", "End": True})))
    with pytest.raises(ValidationError) as raised:
        engine.validate()
    assert [(d.pointer, d.severity) for d in raised.value.errors] == [("/States/T/Agent", "error")]


def test_validate_passes_with_registered_agent() -> None:
    registry = AgentRegistry({"Somebody": lambda p: p})
    engine = WorkflowEngine(
        machine(("T", {"Type": "Task", "Agent": "Somebody", "End": True})), registry
    )
    assert engine.validate() is None


def test_run_of_invalid_document_raises_validation_error() -> None:
    engine = WorkflowEngine({"StartAt": "Missing", "States": {"A": {"Type": "Pass", "End": True}}})
    with pytest.raises(ValidationError):
        engine.run({})


def test_hooks_see_every_state() -> None:
    seen: list[tuple[Any, ...]] = []
    engine = WorkflowEngine(
        machine(
            ("A", {"Type": "Pass", "Next": "B"}), ("B", {"Type": "Pass", "Result": 1, "End": True})
        )
    )
    engine.on_state_enter(lambda name, data: seen.append(("enter", name, data)))
    engine.on_state_exit(lambda name, output, seconds: seen.append(("exit", name, output)))
    engine.run({"x": 0})
    assert seen == [
        ("enter", "A", {"x": 0}),
        ("exit", "A", {"x": 0}),
        ("enter", "B", {"x": 0}),
        ("exit", "B", 1),
    ]


def test_failing_hook_does_not_break_the_run() -> None:
    def broken(name: str, data: Any) -> None:
        raise RuntimeError("hook bug")

    engine = WorkflowEngine(HELLO).on_state_enter(broken)
    assert engine.run({"name": "E"}).success


def test_execution_id_is_generated_when_not_given() -> None:
    first = WorkflowEngine(HELLO).run({"name": "F"})
    second = WorkflowEngine(HELLO).run({"name": "F"})
    assert first.execution_id != second.execution_id
    assert len(first.execution_id) == 36


def test_non_json_input_fails_the_execution() -> None:
    result = WorkflowEngine(HELLO).run({"name": object()})
    assert (result.status, result.error) == ("FAILED", "States.InvalidInput")


def test_duration_is_measured() -> None:
    assert WorkflowEngine(HELLO).run({"name": "G"}).duration > 0


def test_endless_loop_stops_at_the_history_limit() -> None:
    loop = machine(
        ("Again", {"Type": "Pass", "Next": "Check"}),
        (
            "Check",
            {
                "Type": "Choice",
                "Choices": [{"Variable": "$.go", "BooleanEquals": True, "Next": "Again"}],
                "Default": "Stop",
            },
        ),
        ("Stop", {"Type": "Succeed"}),
    )
    result = WorkflowEngine(loop, max_events=100).run({"go": True})
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert result.cause == (
        "The execution reached the limit of 100 history events; an endless loop? "
        "Raise the engine's max_events if the workflow is meant to run longer"
    )


def test_history_limit_can_be_lifted() -> None:
    loop = machine(
        ("Inc", {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "C"}),
        (
            "C",
            {
                "Type": "Choice",
                "Choices": [{"Variable": "$.i", "NumericLessThan": 7000, "Next": "Inc"}],
                "Default": "End",
            },
        ),
        ("End", {"Type": "Succeed"}),
    )
    assert WorkflowEngine(loop, max_events=None).run({"i": 0}).output == {"i": 7000}
