"""Executions recorded on AWS Step Functions, replayed through the engine.

Every file in ``cases/`` holds ``{"description", "cases": [...]}``; a case is
``name``, ``source`` (where the AWS recording comes from), ``definition``,
``input``, optional ``agents`` and ``expected``: ``{"status": "SUCCEEDED",
"output": ...}`` or ``{"status": "FAILED", "error": ..., "cause": ...}``. Where AWS
recorded values we cannot reproduce (ARNs, timestamps), ``{"status": "SUCCEEDED",
"output_keys": ...}`` checks the member names and their order instead: a nested
object whose ``null`` leaves accept any value.

``agents`` describes the Task targets, each as one behaviour or a list of
behaviours used call after call (the last one repeats):

* ``{"returns": VALUE}``: return VALUE;
* ``{"echo": true}``: return the parameters it was given;
* ``{"returns_large_string": N}``: return a string of N characters (payload limits);
* ``{"raises": [ERROR, CAUSE]}``: raise ``AgentError(ERROR, CAUSE)``;
* ``{"exception": MESSAGE}``: raise a plain ``RuntimeError(MESSAGE)``.

``large_strings`` (``{"key": N}``) adds N-character strings to an object input,
so payload-limit cases stay small on disk.

The workflows are our own, written to the shape of the recorded ones; the
inputs, outputs, error names and causes are what AWS produced.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from asl import AgentError, AgentRegistry, WorkflowEngine
from asl.runtime.clock import ManualClock

CASES_DIR = Path(__file__).parent / "cases"


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            params.append(pytest.param(case, id=f"{path.stem}::{case['name']}"))
    return params


CASES = _load_cases()


class ScriptedAgent:
    """Plays the behaviours a case describes, one per call; the last one repeats."""

    def __init__(self, behaviours: dict[str, Any] | list[dict[str, Any]]) -> None:
        self.behaviours = behaviours if isinstance(behaviours, list) else [behaviours]
        self.calls = 0

    def __call__(self, parameters: Any) -> Any:
        behaviour = self.behaviours[min(self.calls, len(self.behaviours) - 1)]
        self.calls += 1
        if "returns" in behaviour:
            return behaviour["returns"]
        if "returns_large_string" in behaviour:
            return "a" * behaviour["returns_large_string"]
        if behaviour.get("echo"):
            return parameters
        if "raises" in behaviour:
            error, cause = behaviour["raises"]
            raise AgentError(error, cause)
        if "exception" in behaviour:
            raise RuntimeError(behaviour["exception"])
        raise AssertionError(f"unknown agent behaviour {behaviour!r}")


def build_registry(agents: dict[str, Any] | None) -> AgentRegistry:
    registry = AgentRegistry()
    for name, behaviours in (agents or {}).items():
        registry.register(name, ScriptedAgent(behaviours))
    return registry


def run_case(case: dict[str, Any]) -> Any:
    engine = WorkflowEngine(
        case["definition"], build_registry(case.get("agents")), clock=ManualClock()
    )
    execution_input = case.get("input", {})
    for key, length in case.get("large_strings", {}).items():
        execution_input = dict(execution_input, **{key: "a" * length})
    return engine.run(execution_input)


def describe(case: dict[str, Any], result: Any) -> str:
    return (
        f"\nsource: {case['source']}\n"
        f"definition: {json.dumps(case['definition'], indent=2)}\n"
        f"input: {json.dumps(case.get('input', {}))}\n"
        f"expected: {json.dumps(case['expected'])}\n"
        f"actual: status={result.status} output={json.dumps(result.output)} "
        f"error={result.error!r} cause={result.cause!r}"
    )


def key_shape(value: Any, like: Any) -> Any:
    """``value``'s member names in order, recursing where ``like`` has an object."""
    if not isinstance(like, dict):
        return None
    if not isinstance(value, dict):
        return value
    return {key: key_shape(item, like.get(key)) for key, item in value.items()}


@pytest.mark.parametrize("case", CASES)
def test_execution_matches_aws(case: dict[str, Any]) -> None:
    result = run_case(case)
    expected = case["expected"]
    actual: dict[str, Any] = {"status": result.status}
    if "output_keys" in expected:
        actual["output_keys"] = key_shape(result.output, expected["output_keys"])
    elif expected["status"] == "SUCCEEDED":
        actual["output"] = result.output
    else:
        actual["error"] = result.error
        actual["cause"] = result.cause
    assert actual == expected, describe(case, result)


def test_every_case_names_its_aws_source() -> None:
    names = [case.values[0]["name"] for case in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    assert all(case.values[0]["source"] for case in CASES)


def test_cli_run_prints_error_and_cause_of_a_failed_execution(tmp_path: Path) -> None:
    from asl.cli import main

    case = next(c.values[0] for c in CASES if c.values[0]["name"] == "fail state with path")
    workflow = tmp_path / "wf.asl.json"
    workflow.write_text(json.dumps(case["definition"]), encoding="utf-8")
    outcome = CliRunner().invoke(
        main,
        ["run", str(workflow), "--input", json.dumps(case["input"])],
    )
    assert outcome.exit_code == 1, outcome.output
    expected = case["expected"]
    assert json.loads(outcome.stdout) == {"error": expected["error"], "cause": expected["cause"]}
