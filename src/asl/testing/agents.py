"""Agents that answer from mocks, and agents that record what real agents answered.

A mock belongs to a *state*, an agent to a *name* that several states may share.
So each agent name a mocked state uses is registered once, as a dispatcher that
looks at the calling state (``AgentContext.state_name``): a mocked state gets its
next mocked call, any other state reaches the real agent, if one was given.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from typing import Any

from asl.agents.base import AgentContext, AgentResult
from asl.agents.registry import AgentRegistry, BoundAgent
from asl.language.errors import TASK_FAILED, AgentError, ASLError
from asl.testing.mock_config import MockedCall, MockedResponse

MOCK_EXHAUSTED = "States.MockExhausted"
"""A mocked state was called more often than its response has invocations."""


def task_agents(machine: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(state name, agent name)`` of every Task, in branches and Map processors too."""
    states = machine.get("States")
    for name, state in states.items() if isinstance(states, dict) else []:
        if not isinstance(state, dict):
            continue
        target = state.get("Agent", state.get("Resource"))
        if state.get("Type") == "Task" and isinstance(target, str):
            yield name, target
        for branch in state.get("Branches") or []:
            if isinstance(branch, dict):
                yield from task_agents(branch)
        processor = state.get("ItemProcessor", state.get("Iterator"))
        if isinstance(processor, dict):
            yield from task_agents(processor)


async def call_bound(agent: BoundAgent, parameters: Any, context: AgentContext) -> Any:
    """Call a registered agent the way a Task does."""
    result = agent.call(parameters, context) if agent.wants_context else agent.call(parameters)
    return await result if inspect.isawaitable(result) else result


class MockCalls:
    """The invocation counter of each mocked state, for one execution."""

    def __init__(self, mocks: Mapping[str, MockedResponse]) -> None:
        self.mocks = mocks
        self.counts: dict[str, int] = {}

    def next(self, state: str) -> MockedCall:
        response = self.mocks[state]
        invocation = self.counts.get(state, 0)
        self.counts[state] = invocation + 1
        call = response.call(invocation)
        if call is None:
            raise ASLError(
                MOCK_EXHAUSTED,
                f"State '{state}' was called {invocation + 1} times, but the mocked response "
                f"'{response.name}' gives {len(response.calls)}: add invocation "
                f'"{invocation}" (or a range up to it)',
            )
        return call

    def answer(self, state: str) -> Any:
        call = self.next(state)
        if call.error is not None:
            raise AgentError(call.error, call.cause)
        return call.value


def mocked_registry(
    document: Mapping[str, Any], calls: MockCalls, real: AgentRegistry | None
) -> AgentRegistry:
    """The real agents, with each agent name a mocked state uses replaced by a dispatcher."""
    registry = AgentRegistry()
    if real is not None:
        for name in real.names():
            registry.register(name, real.get(name))
    dispatched = {agent for state, agent in task_agents(document) if state in calls.mocks}
    for agent in dispatched:
        original = real.bound(agent) if real is not None and agent in real else None
        registry.register(agent, _dispatcher(agent, calls, original))
    return registry


def _dispatcher(agent: str, calls: MockCalls, original: BoundAgent | None) -> Any:
    async def dispatch(parameters: Any, context: AgentContext) -> Any:
        if context.state_name in calls.mocks:
            return calls.answer(context.state_name)
        if original is None:
            raise ASLError(
                "States.AgentNotFound",
                f"State '{context.state_name}' is not mocked in this test case and calls "
                f"agent '{agent}', which is not registered: mock the state or give --agents",
            )
        return await call_bound(original, parameters, context)

    return dispatch


class Recorder:
    """Every call of every agent, by state, as it happened: a test case's mocks."""

    def __init__(self) -> None:
        self.calls: dict[str, list[MockedCall]] = {}

    def registry(self, real: AgentRegistry) -> AgentRegistry:
        """``real``'s agents, each wrapped to record its answers."""
        registry = AgentRegistry()
        for name in real.names():
            registry.register(name, self._wrap(real.bound(name)))
        return registry

    def _wrap(self, agent: BoundAgent) -> Any:
        async def record(parameters: Any, context: AgentContext) -> Any:
            calls = self.calls.setdefault(context.state_name, [])
            try:
                result = await call_bound(agent, parameters, context)
            except ASLError as error:
                calls.append(MockedCall(error=error.error, cause=error.cause or ""))
                raise
            except Exception as error:  # the engine turns these into States.TaskFailed
                calls.append(MockedCall(error=TASK_FAILED, cause=str(error)))
                raise
            output = result.output if isinstance(result, AgentResult) else result
            calls.append(MockedCall(output))
            return result

        return record

    def responses(self, case: str) -> dict[str, MockedResponse]:
        return {
            state: MockedResponse(f"{case}.{state}", tuple(calls))
            for state, calls in self.calls.items()
        }
