"""One state run on its own with a given input, as AWS Step Functions' TestState does.

The state runs in a small machine made for it: each state it can move to (Next,
Default, a Choice rule's or a catcher's Next) is a Succeed placeholder, so the
run stops right after the state and the placeholder it entered is the next
state. The result has AWS's shape: ``status`` (SUCCEEDED, FAILED, RETRIABLE,
CAUGHT_ERROR), ``output``, ``error``, ``cause``, ``nextState`` and, at the DEBUG
and TRACE levels, ``inspectionData``.

As in TestState, a state is never retried here: when a retrier of its Retry
matches the error and has attempts left (``retrier_retry_count`` is how many it
used already), the status is RETRIABLE and the next state is the state itself.
Otherwise a catcher that matches gives CAUGHT_ERROR with the catcher's output.
A Task may be mocked (``mock``: a value or an error), like TestState's ``mock``;
an Approval's mock is its decision. Time is virtual: a Wait returns at once.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from asl.agents.registry import AgentRegistry
from asl.language.errors import ASLError
from asl.runtime.clock import ManualClock
from asl.runtime.engine import WorkflowEngine
from asl.runtime.retry import error_matches
from asl.testing.agents import MockCalls, mocked_registry
from asl.testing.inspection import inspection_data
from asl.testing.mock_config import MockedCall, MockedResponse

TestStatus = Literal["SUCCEEDED", "FAILED", "RETRIABLE", "CAUGHT_ERROR"]
InspectionLevel = Literal["INFO", "DEBUG", "TRACE"]
INVALID_TEST = "States.InvalidTestState"
VARIABLES_STATE = "TestState variables"


@dataclass(frozen=True, slots=True)
class TestStateResult:
    """TestState's response: only the fields that apply are given."""

    __test__ = False  # not a pytest test class, whatever its name

    status: TestStatus
    output: Any = None
    has_output: bool = False
    error: str | None = None
    cause: str | None = None
    next_state: str | None = None
    inspection: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if self.has_output:
            result["output"] = self.output
        if self.error is not None:
            result["error"] = self.error
            result["cause"] = self.cause or ""
        if self.inspection is not None:
            result["inspectionData"] = self.inspection
        if self.next_state is not None:
            result["nextState"] = self.next_state
        result["status"] = self.status
        return result


def find_state(
    document: Mapping[str, Any], name: str | None
) -> tuple[str, dict[str, Any], str | None]:
    """The state to test, its name, and the query language it inherits.

    ``document`` is a workflow (then ``name`` picks a state, in branches and Map
    processors too) or a single state definition, as TestState accepts.
    """
    if "States" not in document and "Type" in document:
        return name or "TestState", dict(document), None
    language = document.get("QueryLanguage")
    found = [state for state_name, state in _states(document) if state_name == name]
    if name is None or not found:
        names = ", ".join(state_name for state_name, _ in _states(document))
        what = "Name the state to test" if name is None else f"There is no state '{name}'"
        raise ASLError(INVALID_TEST, f"{what}: the workflow has {names}")
    return name, dict(found[0]), language if isinstance(language, str) else None


def _states(machine: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    states = machine.get("States")
    for name, state in states.items() if isinstance(states, dict) else []:
        if not isinstance(state, dict):
            continue
        yield name, state
        for branch in state.get("Branches") or []:
            if isinstance(branch, dict):
                yield from _states(branch)
        processor = state.get("ItemProcessor", state.get("Iterator"))
        if isinstance(processor, dict):
            yield from _states(processor)


def _targets(state: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """Each object holding a transition, and the key: Next, Default, rules', catchers'."""
    for key in ("Next", "Default"):
        if isinstance(state.get(key), str):
            yield state, key
    for key in ("Choices", "Catch"):
        for entry in state.get(key) or []:
            if isinstance(entry, dict) and isinstance(entry.get("Next"), str):
                yield entry, "Next"


def single_state_machine(
    name: str, state: dict[str, Any], language: str | None, variables: Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The machine that runs ``state`` once, and each placeholder's real target name."""
    tested = copy.deepcopy(state)
    tested.pop("Retry", None)
    placeholders: dict[str, str] = {}
    for holder, key in _targets(tested):
        target = holder[key]
        placeholder = f"{target} (next)" if target in (name, VARIABLES_STATE) else target
        holder[key] = placeholder
        placeholders[placeholder] = target
    states: dict[str, Any] = {}
    start = name
    if variables:
        start = VARIABLES_STATE
        states[VARIABLES_STATE] = {"Type": "Pass", "Assign": dict(variables), "Next": name}
    states[name] = tested
    for placeholder in placeholders:
        states[placeholder] = {"Type": "Succeed"}
    machine: dict[str, Any] = {"StartAt": start, "States": states}
    if language is not None:
        machine["QueryLanguage"] = language
    return machine, placeholders


async def run_test_state(
    document: Mapping[str, Any],
    name: str | None,
    state_input: Any,
    *,
    registry: AgentRegistry | None = None,
    mock: MockedCall | None = None,
    inspection_level: InspectionLevel = "INFO",
    variables: Mapping[str, Any] | None = None,
    retrier_retry_count: int = 0,
) -> TestStateResult:
    """Run one state with ``state_input`` and report as TestState does."""
    name, state, language = find_state(document, name)
    machine, placeholders = single_state_machine(name, state, language, variables)
    mocks = {name: MockedResponse("mock", (mock,))} if mock is not None else {}
    if mock is not None and state.get("Type") not in ("Task", "Approval"):
        raise ASLError(
            INVALID_TEST,
            f"A mock answers a Task or an Approval; '{name}' is a "
            f"{state.get('Type')} state: leave the mock out",
        )
    calls = MockCalls(mocks)

    def decide(request: dict[str, Any]) -> Any:
        return calls.answer(name) if mocks else None

    engine = WorkflowEngine(
        machine,
        mocked_registry(machine, calls, registry),
        clock=ManualClock(),
        approval_handler=decide,
    )
    result = await engine.arun(state_input)
    events = result.trace
    failure = _failure(events, name)
    inspection = None
    if inspection_level != "INFO":
        inspection = inspection_data(state, language, state_input, events, name)
    if failure is not None and _retriable(state, failure["error"], retrier_retry_count):
        return TestStateResult(
            "RETRIABLE",
            error=failure["error"],
            cause=failure["cause"],
            next_state=name,
            inspection=inspection,
        )
    if result.status == "PAUSED":
        raise ASLError(
            INVALID_TEST,
            f"State '{name}' waits for a decision: give it as the mock "
            '(e.g. {"approval": "approve"})',
        )
    if not result.success:
        return TestStateResult(
            "FAILED", error=result.error, cause=result.cause, inspection=inspection
        )
    entered = [
        str(event["state"])
        for event in events
        if str(event.get("type", "")).endswith("StateEntered")
        and event.get("state") in placeholders
    ]
    next_state = placeholders[entered[0]] if entered else None
    if failure is not None:
        return TestStateResult(
            "CAUGHT_ERROR",
            result.output,
            True,
            failure["error"],
            failure["cause"],
            next_state,
            inspection,
        )
    return TestStateResult("SUCCEEDED", result.output, True, None, None, next_state, inspection)


def _failure(events: list[dict[str, Any]], name: str) -> dict[str, str] | None:
    """The state's last failure event's error and cause (TaskFailed, MapStateFailed...)."""
    found = None
    for event in events:
        kind = str(event.get("type", ""))
        failed = kind in ("TaskFailed", "TaskTimedOut") or kind.endswith("StateFailed")
        details = event.get("details")
        if failed and event.get("state") == name and isinstance(details, dict):
            found = {"error": str(details.get("error")), "cause": str(details.get("cause", ""))}
    return found


def _retriable(state: Mapping[str, Any], error: str, retry_count: int) -> bool:
    """AWS's rule: the first retrier that matches decides, by its attempts left."""
    for retrier in state.get("Retry") or []:
        if isinstance(retrier, dict) and error_matches(
            frozenset(retrier.get("ErrorEquals") or ()), error
        ):
            return retry_count < int(retrier.get("MaxAttempts", 3))
    return False
