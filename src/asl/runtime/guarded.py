"""A Task's agent call wrapped in its Guardrails, Cache and idempotency key.

A Task with any of them gets a :class:`TaskGuard`; the Task hands it the
agent it found and calls what comes back instead, so the Task's own path
(events, timeouts, Retry and Catch) stays the same and a Task without them
pays nothing. The wrapped call, in order:

1. ``Guardrails.Input`` checks the parameters (and may redact them);
2. an idempotent Task's key becomes the ``AgentContext.idempotency_key``;
3. a cached result for the key is returned without calling the agent
   (``TaskCacheHit``);
4. the agent runs; ``Guardrails.Output`` checks its result and a ``retry``
   regenerates it, up to ``MaxRetries`` times (each call's usage counts);
5. the result that passed is cached.

Every rule that triggers is recorded as a ``GuardrailTriggered`` event; a
stop fails the Task with ``Agent.GuardrailViolation``, which Retry and Catch
see like any other error.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from asl.agents.base import AgentContext, AgentResult
from asl.agents.registry import BoundAgent
from asl.guardrails import GuardrailSide, Trigger
from asl.guardrails.rules import RETRY, WARN
from asl.language.errors import AGENT_NOT_FOUND, ASLError
from asl.language.payload import Payload
from asl.runtime.cache import CacheSettings, Where, cache_settings, digest, idempotency_key
from asl.runtime.concurrent import call_agent
from asl.runtime.dataflow import located
from asl.runtime.execution import Execution, Scope
from asl.runtime.flow import NO_CONTEXT, payload_mode

agent_logger = logging.getLogger("asl.agent")  # the logger every agent gets
guardrail_logger = logging.getLogger("asl.guardrails")


class TaskGuard:
    """A Task's Guardrails, Cache and idempotency settings, compiled once."""

    def __init__(
        self,
        state: str,
        sides: tuple[GuardrailSide | None, GuardrailSide | None],
        cache: CacheSettings | None,
        idempotency: Payload | str | None,
    ) -> None:
        self.state = state
        self.input, self.output = sides
        self.cache = cache
        self.idempotency = idempotency
        self.context_mode = max(
            cache.context_mode if cache is not None else NO_CONTEXT,
            payload_mode(idempotency) if isinstance(idempotency, Payload) else NO_CONTEXT,
        )

    def bind(
        self, agent: BoundAgent, data: Any, context: Any, scope: Scope, entered: int
    ) -> BoundAgent:
        """The agent as this Task must call it, for one attempt on ``data``."""

        async def call(*args: Any) -> Any:
            return await self._call(agent, args, data, context, scope.execution, entered)

        return BoundAgent(agent.name, call, True, agent.wants_context, agent.target)

    async def _call(
        self,
        agent: BoundAgent,
        args: tuple[Any, ...],
        data: Any,
        context: Any,
        execution: Execution,
        entered: int,
    ) -> Any:
        parameters, rest = args[0], args[1:]
        judge = functools.partial(_judge, execution, self.state)
        if self.input is not None:
            parameters, trigger = await self.input.check(
                parameters, self.state, judge, self._recorder(execution, "Input")
            )
            if trigger is not None:
                raise self.input.violation(self.state, trigger, 0)
        if self.idempotency is not None and rest and isinstance(rest[0], AgentContext):
            key = self._key(lambda: self.idempotency_value(data, context), entered)
            rest[0].idempotency_key = key
        entry = None
        if self.cache is not None:
            where = Where(execution.id, execution.machine_name, self.state, agent.name)
            cache = self.cache
            key = self._key(lambda: cache.key(data, context, parameters), entered)
            entry = cache.entry(key, where)
            store = await execution.open_store()
            hit = await self.cache.lookup(store, entry)
            if hit is not None:
                details = {"cacheKey": entry, "scope": self.cache.scope, "storedBy": hit.stored_by}
                execution.record("TaskCacheHit", self.state, None, details)
                return hit.output
        output = await self._generate(agent, (parameters, *rest), execution, judge)
        if entry is not None and self.cache is not None:
            await self.cache.save(await execution.open_store(), entry, output, execution.id)
        return output

    async def _generate(
        self, agent: BoundAgent, args: tuple[Any, ...], execution: Execution, judge: Any
    ) -> Any:
        """Call the agent until its output passes, or the output guardrail stops it."""
        regenerations = 0
        while True:
            output = await invoke(agent, args, execution)
            if self.output is None:
                return output
            output, trigger = await self.output.check(
                output, self.state, judge, self._recorder(execution, "Output")
            )
            if trigger is None:
                return output
            if trigger.action != RETRY or regenerations >= self.output.max_retries:
                raise self.output.violation(self.state, trigger, regenerations)
            regenerations += 1

    def idempotency_value(self, data: Any, context: Any) -> str:
        if not isinstance(self.idempotency, Payload):
            return str(self.idempotency)
        key = self.idempotency.evaluate(data, context)["IdempotencyKey"]
        return key if isinstance(key, str) else digest(key)

    def _key(self, evaluate: Callable[[], str], entered: int) -> str:
        """A key's value; a path that fails is located like AWS locates Parameters errors."""
        try:
            return evaluate()
        except ASLError as error:
            raise located(error, self.state, entered) from None

    def _recorder(self, execution: Execution, direction: str) -> Any:
        def record(trigger: Trigger) -> None:
            execution.record("GuardrailTriggered", self.state, None, trigger.details(direction))
            if trigger.action == WARN:
                guardrail_logger.warning(
                    "%s guardrail of state '%s' in execution %s: %s",
                    direction,
                    self.state,
                    execution.id,
                    trigger.describe(),
                )

        return record


async def invoke(agent: BoundAgent, args: tuple[Any, ...], execution: Execution) -> Any:
    """One agent call, its usage added to the run's totals (regenerations count too)."""
    result = await call_agent(agent, *args)
    if type(result) is AgentResult:
        execution.add_usage(result.usage)
        return result.output
    return result


async def _judge(execution: Execution, state: str, name: str, payload: dict[str, Any]) -> Any:
    """Ask the validator agent ``name``: the guardrail rules' one way to reach an agent."""
    agent = execution.registry.find(name)
    if agent is None:
        raise ASLError(
            AGENT_NOT_FOUND,
            f"State '{state}' uses the guardrail validator '{name}', which is not registered; "
            f"register it with registry.register('{name}', agent)",
        )
    args: tuple[Any, ...] = (payload,)
    if agent.wants_context:
        key = f"{execution.id}:{state}:guardrail:{name}"
        args = (payload, AgentContext(execution.id, state, 1, key, agent_logger))
    return await invoke(agent, args, execution)


def task_guard(raw: dict[str, Any], state: str) -> TaskGuard | None:
    """The Task's guard, or None when it has no Guardrails, Cache or idempotency key."""
    guardrails = raw.get("Guardrails")
    sides: tuple[GuardrailSide | None, GuardrailSide | None] = (None, None)
    if isinstance(guardrails, dict):
        sides = (
            _side(guardrails, "Input"),
            _side(guardrails, "Output"),
        )
    cache = cache_settings(raw)
    idempotency = idempotency_key(raw)
    if sides == (None, None) and cache is None and idempotency is None:
        return None
    return TaskGuard(state, sides, cache, idempotency)


def _side(guardrails: dict[str, Any], direction: str) -> GuardrailSide | None:
    raw = guardrails.get(direction)
    return GuardrailSide(raw, direction) if isinstance(raw, dict) else None
