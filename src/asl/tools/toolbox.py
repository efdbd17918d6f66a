"""``context.call_tool``: the one door to a tool, with the state's policy in front of it.

Order of a call: permission (Allowed/Denied), lookup, Parameters defaults,
Validation Input schema, the Before hook, rate limits (the ``"*"`` limit, then
the tool's), the call itself (sandboxed when asked, with the Timeout), the
Validation Output rules, the After hook. Every call leaves ``ToolCallStarted``
and ``ToolCallSucceeded``/``ToolCallFailed`` events in the history; a refused
call leaves ``ToolCallFailed`` and never runs. Arguments appear in the history
only with ``Audit {IncludeParameters: true}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from asl.language.errors import PERMISSIONS, TASK_FAILED, TIMEOUT, ASLError
from asl.language.payload import compile_payload
from asl.language.units import format_size

from .limits import RateLimits, Sleeper, admit, process_limits
from .policy import Hook, ToolPolicy
from .registry import Tool, ToolRegistry
from .sandbox import run_function

TOOL_NOT_FOUND = "States.ToolNotFound"
VALIDATION_ERROR = "States.ValidationError"
audit_logger = logging.getLogger("asl.tools.audit")
_DETAILED = ("detailed", "full", "debug")  # Audit LogLevels that log the arguments too
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
Record = Callable[[str, "str | None", "str | None", Any], int]


class ToolBox:
    """The tools one agent call may use; built per call, cheap."""

    __slots__ = ("_agents", "_clock", "_limits", "_record", "policy", "tools")

    def __init__(
        self,
        policy: ToolPolicy,
        tools: ToolRegistry,
        agents: Any,
        clock: Sleeper,
        record: Record,
    ) -> None:
        self.policy = policy
        self.tools = tools
        self._agents = agents
        self._clock = clock
        self._record = record
        self._limits: RateLimits = tools.rate_limits or process_limits()

    @property
    def specs(self) -> list[dict[str, Any]]:
        """The tools this state may call, ready for an LLM's function-calling list."""
        refusal = self.policy.permissions.refusal
        return [tool.spec() for tool in self.tools if refusal(tool.name) is None]

    async def list_tools(self) -> list[dict[str, Any]]:
        if self.tools.has_pending:
            await self.tools.discover()
        return self.specs

    async def call(self, name: str, arguments: dict[str, Any] | None = None) -> Any:
        policy = self.policy
        if not isinstance(name, str) or not isinstance(arguments, dict | None):
            raise ASLError(
                VALIDATION_ERROR,
                f"call_tool needs a tool name (a string) and arguments (an object), got "
                f"{type(name).__name__} and {type(arguments).__name__}",
            )
        arguments = dict(arguments or {})
        started: dict[str, Any] = {"tool": name}
        if policy.include_parameters:
            started["arguments"] = arguments
        self._record("ToolCallStarted", policy.state, None, started)
        try:
            result = await self._call(name, arguments)
        except ASLError as error:
            self._failed(name, error)
            raise
        except Exception as error:
            failed = ASLError(TASK_FAILED, f"Tool '{name}' failed: {error or type(error).__name__}")
            self._failed(name, failed)
            raise failed from error
        succeeded: dict[str, Any] = {"tool": name}
        if policy.include_parameters:
            succeeded["result"] = result
        self._record("ToolCallSucceeded", policy.state, None, succeeded)
        if policy.audit and policy.audit_level != "minimal":
            if policy.audit_level in _DETAILED:
                audit_logger.info(
                    "tool %s succeeded in state %s with arguments %s",
                    name,
                    policy.state,
                    json.dumps(arguments, default=str),
                )
            else:
                audit_logger.info("tool %s succeeded in state %s", name, policy.state)
        return result

    async def _call(self, name: str, arguments: dict[str, Any]) -> Any:
        policy = self.policy
        refusal = policy.permissions.refusal(name)
        if refusal is not None:
            raise ASLError(
                PERMISSIONS, f"State '{policy.state}' may not call tool '{name}': {refusal}"
            )
        tool = self.tools.find(name)
        if tool is None and self.tools.has_pending:
            await self.tools.discover()
            tool = self.tools.find(name)
        if tool is None:
            raise ASLError(
                TOOL_NOT_FOUND,
                f"State '{policy.state}' called tool '{name}', which is not registered; "
                f"register it with registry.register_tool(fn, name='{name}')",
            )
        defaults = policy.parameters.get(name)
        if defaults:
            arguments = {**defaults, **arguments}
        schema = policy.input_schemas.get(name)
        if schema is not None:
            _check_input(name, schema, arguments)
        if policy.before is not None:
            arguments = await self._before(policy.before, name, arguments)
        slots: list[tuple[str, str]] = []
        try:
            for key, limit in policy.limits_for(name):
                slot = await admit(self._limits, key, limit, self._clock, name, policy.state)
                if slot is not None:
                    slots.append((key, slot))
            result = await self._run(tool, arguments)
        finally:
            for key, slot in slots:
                await self._limits.release(key, slot)
        rules = policy.outputs.get(name)
        if rules is not None:
            result = _check_output(name, rules.max_size, rules.sanitize, result)
        if policy.after is not None:
            result = await self._after(policy.after, name, arguments, result)
        return result

    async def _run(self, tool: Tool, arguments: dict[str, Any]) -> Any:
        policy = self.policy
        if policy.sandboxed and tool.origin == "mcp":
            raise ASLError(
                PERMISSIONS,
                f"Tool '{tool.name}' is served by the MCP server '{tool.server}', which this "
                f"engine cannot run inside a sandbox; state '{policy.state}' is Sandboxed",
            )
        if policy.sandboxed and tool.origin == "python":
            call = run_function(policy.sandbox, tool.target, arguments, tool.name)
        elif tool.wants_policy:
            call = (
                tool.call(policy, **arguments)
                if tool.is_async
                else asyncio.to_thread(tool.call, policy, **arguments)
            )
        elif tool.is_async:
            call = tool.call(**arguments)
        else:
            call = asyncio.to_thread(tool.call, **arguments)
        if policy.timeout is None:
            return await call
        try:
            async with asyncio.timeout(policy.timeout):
                return await call
        except TimeoutError:
            raise ASLError(
                TIMEOUT, f"Tool '{tool.name}' did not finish within {policy.timeout:g}s"
            ) from None

    async def _before(self, hook: Hook, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        request = {"tool": name, "arguments": arguments, "state": self.policy.state}
        answer = await self._hook(hook, {"toolRequest": request})
        if isinstance(answer, dict):
            if answer.get("allow") is False:
                reason = answer.get("reason") or "no reason given"
                raise ASLError(
                    PERMISSIONS,
                    f"The Before hook agent '{hook.agent}' refused tool '{name}': {reason}",
                )
            if isinstance(answer.get("arguments"), dict):
                return dict(answer["arguments"])
        return arguments

    async def _after(self, hook: Hook, name: str, arguments: dict[str, Any], result: Any) -> Any:
        request = {"tool": name, "arguments": arguments, "state": self.policy.state}
        answer = await self._hook(hook, {"toolRequest": request, "toolResponse": result})
        if isinstance(answer, dict) and "result" in answer:
            return answer["result"]
        return result

    async def _hook(self, hook: Hook, data: dict[str, Any]) -> Any:
        agent = self._agents.find(hook.agent)
        if agent is None:
            raise ASLError(
                "States.AgentNotFound",
                f"The Tools Hooks of state '{self.policy.state}' name agent '{hook.agent}', "
                "which is not registered",
            )
        parameters = data if hook.parameters is None else _evaluate(hook.parameters, data)
        args = (parameters, None) if agent.wants_context else (parameters,)
        if agent.is_async:
            return await agent.call(*args)
        return await asyncio.to_thread(agent.call, *args)

    def _failed(self, name: str, error: ASLError) -> None:
        details = {"tool": name, "error": error.error, "cause": error.cause}
        self._record("ToolCallFailed", self.policy.state, None, details)
        audit_logger.log(
            logging.WARNING if self.policy.audit else logging.DEBUG,
            "tool %s failed in state %s: %s: %s",
            name,
            self.policy.state,
            error.error,
            error.cause,
        )


_payloads: dict[str, Any] = {}


def _evaluate(template: Any, data: Any) -> Any:
    key = json.dumps(template, sort_keys=True)
    payload = _payloads.get(key)
    if payload is None:
        payload = _payloads[key] = compile_payload(template)
    return payload.evaluate(data, None)


def _check_input(name: str, schema: dict[str, Any], arguments: dict[str, Any]) -> None:
    import jsonschema

    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(arguments), key=lambda e: e.path
    )
    if errors:
        first = errors[0]
        where = "/" + "/".join(str(p) for p in first.absolute_path)
        raise ASLError(
            VALIDATION_ERROR,
            f"Tool '{name}' arguments do not match its Validation Input Schema at "
            f"{where if where != '/' else 'the top level'}: {first.message}",
        )


def _sanitize(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, list):
        return [_sanitize(v) for v in value]
    if isinstance(value, dict):
        return {k: _sanitize(v) for k, v in value.items()}
    return value


def _check_output(name: str, max_size: int | None, sanitize: bool, result: Any) -> Any:
    if sanitize:
        result = _sanitize(result)
    if max_size is not None:
        size = len(json.dumps(result, default=str).encode())
        if size > max_size:
            raise ASLError(
                TASK_FAILED,
                f"Tool '{name}' returned {size} bytes, more than its Validation Output "
                f"MaxSize {format_size(max_size)}",
            )
    return result
