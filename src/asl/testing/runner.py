"""Running a test case: the workflow with its mocked states, then the checks.

Each case is one execution on a virtual clock (:class:`ManualClock`): Wait states
and retry back-off take no real time, and timestamps are the same on every run.
A mocked Approval state's ``Return`` is the decision; an Approval nobody mocked
pauses, and the case's status is PAUSED.

The path a case checks lists the top-level states in the order they were
entered; states inside Parallel branches and Map iterations are left out, since
their order between branches is not fixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from asl.agents.registry import AgentRegistry
from asl.language.errors import ASLError
from asl.runtime.clock import ManualClock
from asl.runtime.engine import WorkflowEngine
from asl.runtime.result import WorkflowResult
from asl.testing.agents import MockCalls, mocked_registry, task_agents
from asl.testing.mock_config import Expectation, TestCase


@dataclass(slots=True)
class CaseResult:
    """What a test case did, and every expectation it missed (none: it passed)."""

    name: str
    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None
    path: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_json(self) -> dict[str, Any]:
        return {
            "testCase": self.name,
            "passed": self.passed,
            "status": self.status,
            "output": self.output,
            "error": self.error,
            "cause": self.cause,
            "path": self.path,
            "failures": self.failures,
        }


def top_level_path(document: Mapping[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """The top-level states in the order the execution entered them."""
    states = document.get("States")
    names = set(states) if isinstance(states, dict) else set()
    return [
        str(event["state"])
        for event in events
        if str(event.get("type", "")).endswith("StateEntered") and event.get("state") in names
    ]


def problems_before_running(document: Mapping[str, Any], case: TestCase) -> list[str]:
    """Mocks of states the workflow does not have (a renamed state, a typo).

    A Task neither mocked nor registered is no problem until the execution reaches
    it (as in Step Functions Local, a case mocks only the states on its path); then
    it fails with ``States.AgentNotFound``, naming the state.
    """
    known = {state for state, _ in task_agents(document)} | _approval_states(document)
    return [
        f"mocks state '{state}', which is not a Task or Approval state of the workflow"
        for state in case.mocks
        if state not in known
    ]


def _approval_states(machine: Mapping[str, Any]) -> set[str]:
    states = machine.get("States")
    found: set[str] = set()
    for name, state in states.items() if isinstance(states, dict) else []:
        if isinstance(state, dict) and state.get("Type") == "Approval":
            found.add(name)
    return found


async def run_case(
    document: Mapping[str, Any], case: TestCase, registry: AgentRegistry | None = None
) -> CaseResult:
    """Run one test case and check its expectations."""
    problems = problems_before_running(document, case)
    if problems:
        return CaseResult(case.name, "NOT_RUN", failures=problems)
    calls = MockCalls(case.mocks)

    def decide(request: dict[str, Any]) -> Any:
        state = request.get("state")
        return calls.answer(state) if isinstance(state, str) and state in calls.mocks else None

    engine = WorkflowEngine(
        document,
        mocked_registry(document, calls, registry),
        clock=ManualClock(),
        approval_handler=decide,
    )
    try:
        result = await engine.arun(case.expectation.input)
    except ASLError as error:  # the document cannot run at all
        return CaseResult(case.name, "NOT_RUN", failures=[error.cause or error.error])
    return check(document, case.name, result, case.expectation)


def check(
    document: Mapping[str, Any], name: str, result: WorkflowResult, expected: Expectation
) -> CaseResult:
    """Compare an execution with what its test case expects."""
    path = top_level_path(document, result.trace)
    outcome = CaseResult(name, result.status, result.output, result.error, result.cause, path)
    status = expected.status or ("SUCCEEDED" if expected.has_output else None)
    failures = outcome.failures
    if status is not None and result.status != status:
        detail = f" ({result.error}: {result.cause})" if result.error else ""
        failures.append(f"status: expected {status}, got {result.status}{detail}")
    if expected.path is not None and path != expected.path:
        failures.append(f"path: expected {' > '.join(expected.path)}, got {' > '.join(path)}")
    if expected.has_output and result.output != expected.output:
        failures.append(f"output: expected {_json(expected.output)}, got {_json(result.output)}")
    if expected.error is not None and result.error != expected.error:
        failures.append(f"error: expected {expected.error}, got {result.error}")
    if expected.cause is not None and result.cause != expected.cause:
        failures.append(f"cause: expected {_json(expected.cause)}, got {_json(result.cause)}")
    return outcome


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True)
