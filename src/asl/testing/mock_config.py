"""The mock configuration file of AWS Step Functions Local, read and checked.

The format is AWS's (``MockConfigFile.json``)::

    {"StateMachines": {NAME: {"TestCases": {CASE: {STATE: RESPONSE_NAME}}}},
     "MockedResponses": {RESPONSE_NAME: {"0": {"Return": VALUE},
                                         "1-2": {"Throw": {"Error": E, "Cause": C}}}}}

so a file written for Step Functions Local works unchanged. Invocation keys count
a state's calls from 0 within one execution, each key a number or an inclusive
range; retries are calls, which is how a test makes the first attempts fail.

Two additions of ours, both optional (Step Functions Local does not define them):
``StateMachines.NAME.Expectations.CASE`` gives a test case its ``Input`` and what
``asl test`` checks (``Status``, ``Path``, ``Output``, ``Error``, ``Cause``); and a
mocked Approval state's ``Return`` is the decision.

Every problem is reported with the JSON pointer of the place and how to fix it,
all at once, as :class:`MockConfigError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

EXPECTATION_FIELDS = ("Input", "Status", "Path", "Output", "Error", "Cause")
STATUSES = ("SUCCEEDED", "FAILED", "PAUSED", "TIMED_OUT", "ABORTED")


class MockConfigError(Exception):
    """The mock file is not usable; ``problems`` are ``(JSON pointer, message)`` pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = "".join(f"\n  {source}#{pointer}: {message}" for pointer, message in problems)
        super().__init__(f"{source} is not a usable mock configuration:{lines}")


@dataclass(frozen=True, slots=True)
class MockedCall:
    """What one call of a mocked state gives: a value (``Return``) or an error (``Throw``)."""

    value: Any = None
    error: str | None = None
    cause: str = ""

    def to_json(self) -> dict[str, Any]:
        if self.error is not None:
            return {"Throw": {"Error": self.error, "Cause": self.cause}}
        return {"Return": self.value}


@dataclass(frozen=True, slots=True)
class MockedResponse:
    """A named response: one :class:`MockedCall` per invocation, in order from 0."""

    name: str
    calls: tuple[MockedCall, ...]

    def call(self, invocation: int) -> MockedCall | None:
        """The call for invocation ``invocation`` (from 0); None past the last one."""
        return self.calls[invocation] if invocation < len(self.calls) else None

    def to_json(self) -> dict[str, Any]:
        """Invocation keys, consecutive equal calls folded into one range (``"1-3"``)."""
        result: dict[str, Any] = {}
        start = 0
        for index in range(1, len(self.calls) + 1):
            if index == len(self.calls) or self.calls[index] != self.calls[start]:
                key = str(start) if index - 1 == start else f"{start}-{index - 1}"
                result[key] = self.calls[start].to_json()
                start = index
        return result


@dataclass(frozen=True, slots=True)
class Expectation:
    """What a test case runs with and checks; absent fields are not checked."""

    input: Any = None
    status: str | None = None
    path: list[str] | None = None
    output: Any = None
    has_output: bool = False
    error: str | None = None
    cause: str | None = None

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"Input": self.input}
        if self.status is not None:
            result["Status"] = self.status
        if self.path is not None:
            result["Path"] = self.path
        if self.has_output:
            result["Output"] = self.output
        if self.error is not None:
            result["Error"] = self.error
        if self.cause is not None:
            result["Cause"] = self.cause
        return result


@dataclass(frozen=True, slots=True)
class TestCase:
    """A named execution: which states are mocked with which response, and expectations."""

    __test__ = False  # not a pytest test class, whatever its name

    name: str
    mocks: dict[str, MockedResponse]
    expectation: Expectation = field(default_factory=Expectation)


@dataclass(frozen=True, slots=True)
class MockConfig:
    """The test cases of each state machine in the file."""

    machines: dict[str, dict[str, TestCase]]

    def test_cases(self, machine: str | None, source: str) -> dict[str, TestCase]:
        """The cases of ``machine``; without a name, of the file's only state machine."""
        if machine is None:
            if len(self.machines) == 1:
                return next(iter(self.machines.values()))
            names = ", ".join(sorted(self.machines)) or "none"
            raise MockConfigError(
                source,
                [("/StateMachines", f"name the state machine to test (--state-machine): {names}")],
            )
        if machine not in self.machines:
            names = ", ".join(sorted(self.machines)) or "none"
            raise MockConfigError(
                source,
                [("/StateMachines", f"has no state machine '{machine}'; it has: {names}")],
            )
        return self.machines[machine]


def load_mock_config(path: str) -> MockConfig:
    """Read and check a mock file; :class:`MockConfigError` lists every problem."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except OSError as error:
        raise MockConfigError(path, [("", f"cannot read the file: {error.strerror}")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        raise MockConfigError(path, [("", message)]) from None
    return parse_mock_config(data, path)


def parse_mock_config(data: Any, source: str = "<mocks>") -> MockConfig:
    problems: list[tuple[str, str]] = []
    config = _Parser(problems).config(data)
    if problems:
        raise MockConfigError(source, problems)
    return config


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


class _Parser:
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems

    def fail(self, pointer: str, message: str) -> None:
        self.problems.append((pointer, message))

    def mapping(self, value: Any, pointer: str, what: str) -> Mapping[str, Any]:
        if isinstance(value, dict):
            return value
        self.fail(pointer, f"{what} must be an object, got {json.dumps(value)[:40]}")
        return {}

    def config(self, data: Any) -> MockConfig:
        top = self.mapping(data, "", "the mock configuration")
        for key in top:
            if key not in ("StateMachines", "MockedResponses"):
                self.fail(f"/{_escape(key)}", "unknown field: use StateMachines, MockedResponses")
        responses = {
            name: self.response(name, value)
            for name, value in self.mapping(
                top.get("MockedResponses", {}), "/MockedResponses", "MockedResponses"
            ).items()
        }
        machines: dict[str, dict[str, TestCase]] = {}
        if isinstance(data, dict) and "StateMachines" not in data:
            self.fail(
                "", 'has no "StateMachines": add {"StateMachines": {NAME: {"TestCases": {}}}}'
            )
        listed = self.mapping(top.get("StateMachines", {}), "/StateMachines", "StateMachines")
        for machine, value in listed.items():
            machines[machine] = self.machine(f"/StateMachines/{_escape(machine)}", value, responses)
        return MockConfig(machines)

    def machine(
        self, pointer: str, value: Any, responses: Mapping[str, MockedResponse]
    ) -> dict[str, TestCase]:
        body = self.mapping(value, pointer, "a state machine")
        for key in body:
            if key not in ("TestCases", "Expectations"):
                self.fail(f"{pointer}/{_escape(key)}", "unknown field: use TestCases, Expectations")
        cases = self.mapping(body.get("TestCases", {}), f"{pointer}/TestCases", "TestCases")
        expectations = self.mapping(
            body.get("Expectations", {}), f"{pointer}/Expectations", "Expectations"
        )
        for case in expectations:
            if case not in cases:
                self.fail(
                    f"{pointer}/Expectations/{_escape(case)}",
                    f"there is no test case '{case}' in TestCases: add it or fix the name",
                )
        result: dict[str, TestCase] = {}
        for case, states in cases.items():
            at = f"{pointer}/TestCases/{_escape(case)}"
            mocks: dict[str, MockedResponse] = {}
            for state, response in self.mapping(states, at, "a test case").items():
                if not isinstance(response, str) or response not in responses:
                    known = ", ".join(sorted(responses)) or "none"
                    self.fail(
                        f"{at}/{_escape(state)}",
                        f"names the mocked response {json.dumps(response)}, which is not in "
                        f"MockedResponses (it has: {known})",
                    )
                    continue
                mocks[state] = responses[response]
            expected = self.expectation(
                f"{pointer}/Expectations/{_escape(case)}", expectations.get(case, {})
            )
            result[case] = TestCase(case, mocks, expected)
        return result

    def expectation(self, pointer: str, value: Any) -> Expectation:
        body = self.mapping(value, pointer, "an expectation")
        for key in body:
            if key not in EXPECTATION_FIELDS:
                self.fail(
                    f"{pointer}/{_escape(key)}",
                    f"unknown field: use {', '.join(EXPECTATION_FIELDS)}",
                )
        status = body.get("Status")
        if status is not None and status not in STATUSES:
            self.fail(f"{pointer}/Status", f"must be one of {', '.join(STATUSES)}")
        path = body.get("Path")
        if path is not None and not (
            isinstance(path, list) and all(isinstance(name, str) for name in path)
        ):
            self.fail(f"{pointer}/Path", "must be a list of state names")
            path = None
        for key in ("Error", "Cause"):
            if key in body and not isinstance(body[key], str):
                self.fail(f"{pointer}/{key}", "must be a string")
        return Expectation(
            input=body.get("Input", {}),
            status=status if isinstance(status, str) else None,
            path=path,
            output=body.get("Output"),
            has_output="Output" in body,
            error=body["Error"] if isinstance(body.get("Error"), str) else None,
            cause=body["Cause"] if isinstance(body.get("Cause"), str) else None,
        )

    def response(self, name: str, value: Any) -> MockedResponse:
        pointer = f"/MockedResponses/{_escape(name)}"
        invocations = self.mapping(value, pointer, "a mocked response")
        if isinstance(value, dict) and not invocations:
            self.fail(pointer, 'has no invocations: add "0": {"Return": ...} or {"Throw": ...}')
        calls: dict[int, MockedCall] = {}
        for key, call in invocations.items():
            at = f"{pointer}/{_escape(key)}"
            numbers = _invocations(key)
            if numbers is None:
                self.fail(at, 'an invocation key is a number from 0 ("0") or a range ("1-3")')
                continue
            parsed = self.call(at, call)
            for number in numbers:
                if number in calls:
                    self.fail(at, f"invocation {number} is given twice")
                calls[number] = parsed
        missing = [n for n in range(max(calls, default=-1) + 1) if n not in calls]
        if missing:
            self.fail(
                pointer,
                f"invocations must run from 0 without gaps: invocation {missing[0]} is missing",
            )
        return MockedResponse(name, tuple(calls[n] for n in sorted(calls)))

    def call(self, pointer: str, value: Any) -> MockedCall:
        body = self.mapping(value, pointer, "an invocation")
        kinds = [key for key in ("Return", "Throw") if key in body]
        others = [key for key in body if key not in ("Return", "Throw")]
        if len(kinds) != 1 or others:
            self.fail(pointer, 'must have exactly one of "Return" (a value) or "Throw"')
            return MockedCall()
        if kinds == ["Return"]:
            return MockedCall(body["Return"])
        throw = self.mapping(body["Throw"], f"{pointer}/Throw", '"Throw"')
        error, cause = throw.get("Error"), throw.get("Cause", "")
        if not isinstance(error, str) or not error:
            self.fail(f"{pointer}/Throw/Error", 'must be the error name, e.g. "Agent.Timeout"')
            error = "States.TaskFailed"
        if not isinstance(cause, str):
            self.fail(f"{pointer}/Throw/Cause", "must be a string")
            cause = ""
        return MockedCall(error=error, cause=cause)


def _invocations(key: str) -> range | None:
    first, dash, last = key.partition("-")
    if not first.isdigit() or (dash and not last.isdigit()):
        return None
    start, end = int(first), int(last) if dash else int(first)
    return range(start, end + 1) if end >= start else None
