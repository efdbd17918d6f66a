"""Any document that validates runs to a result: mutated AWS cases never escape as tracebacks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asl import AgentError, AgentRegistry, ValidationError, WorkflowEngine
from asl.runtime.clock import ManualClock

CASES = Path(__file__).parent.parent / "conformance" / "cases"
DEFINITIONS = [
    case["definition"]
    for path in sorted(CASES.glob("*.json"))
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
]
FIELDS = [
    "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "ItemsPath",
    "ItemSelector", "MaxConcurrency", "Seconds", "SecondsPath", "TimestampPath", "Result",
    "Retry", "Catch", "TimeoutSeconds", "HeartbeatSeconds", "ToleratedFailureCount",
    "ErrorPath", "CausePath", "Choices", "Default", "Next", "End", "Type",
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False, width=32)
    | st.sampled_from(["$", "$.a", "$$.Execution.Id", "States.Format('{}', $.a)", "$.a[0]",
                       "x", "States.ALL", "2026-01-01T00:00:00Z"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["a", "b.$", "Next", "Variable", "ErrorEquals", "StringEquals"]),
        inner, max_size=3),
    max_leaves=6,
)


def _states(definition: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for state in definition.get("States", {}).values():
        found.append(state)
        for key in ("Iterator", "ItemProcessor"):
            if isinstance(state.get(key), dict):
                found.extend(_states(state[key]))
        for branch in state.get("Branches", []):
            found.extend(_states(branch))
    return found


def agent(parameters: Any) -> Any:
    if isinstance(parameters, dict) and "a" in parameters:
        raise AgentError("Custom", "from agent")
    return parameters


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(0, len(DEFINITIONS) - 1),
    pick=st.integers(0, 10_000),
    field=st.sampled_from(FIELDS),
    value=json_values,
    data=json_values,
)
def test_a_document_that_validates_runs_to_a_result(
    index: int, pick: int, field: str, value: Any, data: Any
) -> None:
    definition = copy.deepcopy(DEFINITIONS[index])
    states = _states(definition)
    states[pick % len(states)][field] = value
    registry = AgentRegistry()
    for state in states:
        for key in ("Agent", "Resource"):
            if isinstance(state.get(key), str):
                registry.register(state[key], agent)
    engine = WorkflowEngine(definition, registry, clock=ManualClock(), max_events=500)
    try:
        result = engine.run(data)
    except ValidationError:
        return
    assert result.status in ("SUCCEEDED", "FAILED", "TIMED_OUT")
    if result.status == "FAILED":
        assert isinstance(result.error, str | None) and isinstance(result.cause, str | None)
        assert not (result.cause or "").startswith("Internal error")
