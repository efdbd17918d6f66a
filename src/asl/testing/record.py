"""Recording real agent calls as a test case, to replay later without the agents.

The workflow runs once with the real agents, each wrapped to note what it
answered (a value, or an error and its cause) for which state. The answers
become the case's mocked responses, and the execution's input, status, path and
output (or error and cause) its expectations; the case is written into a mock
file in Step Functions Local's format, next to any cases already there. Replayed
with ``asl test``, the case runs the same path to the same output with no agent.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from asl.agents.registry import AgentRegistry
from asl.runtime.engine import WorkflowEngine
from asl.testing.agents import Recorder
from asl.testing.mock_config import Expectation, MockConfigError, TestCase
from asl.testing.runner import CaseResult, check


async def record_case(
    document: Mapping[str, Any], registry: AgentRegistry, execution_input: Any, name: str
) -> tuple[TestCase, CaseResult]:
    """Run with the real agents; the recorded case, and what the execution did."""
    recorder = Recorder()
    engine = WorkflowEngine(document, recorder.registry(registry))
    result = await engine.arun(execution_input)
    failed = not result.success
    expectation = Expectation(
        input=execution_input,
        status=result.status,
        output=result.output,
        has_output=result.success,
        error=result.error if failed else None,
        cause=result.cause if failed else None,
    )
    outcome = check(document, name, result, expectation)
    expectation = replace(expectation, path=outcome.path)
    return TestCase(name, recorder.responses(name), expectation), outcome


def write_case(path: str, machine: str, case: TestCase) -> None:
    """Add (or replace) ``case`` of ``machine`` in the mock file at ``path``.

    Responses recorded for a replaced case are replaced too; other cases and responses, and
    any field this module does not know, are kept as they were.
    """
    data: dict[str, Any] = {"StateMachines": {}, "MockedResponses": {}}
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8-sig") as handle:
                data = json.load(handle)
        except (OSError, json.JSONDecodeError) as error:
            raise MockConfigError(
                path, [("", f"cannot add the case to this file: {error}")]
            ) from None
        if not isinstance(data, dict):
            raise MockConfigError(path, [("", "the mock configuration must be an object")])
    machines = data.setdefault("StateMachines", {})
    responses = data.setdefault("MockedResponses", {})
    entry = machines.setdefault(machine, {})
    cases = entry.setdefault("TestCases", {})
    for state, old in (cases.get(case.name) or {}).items():
        if old == f"{case.name}.{state}":  # one this module recorded, not a shared one
            responses.pop(old, None)
    cases[case.name] = {state: response.name for state, response in case.mocks.items()}
    for response in case.mocks.values():
        responses[response.name] = response.to_json()
    entry.setdefault("Expectations", {})[case.name] = case.expectation.to_json()
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
