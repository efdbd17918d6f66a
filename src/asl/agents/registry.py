"""The registry that maps agent names (and AWS ``Resource`` strings) to agents.

Registration inspects each agent once: whether it is async, and whether it
takes an :class:`AgentContext`, so a Task call pays no reflection.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from asl.language.errors import AGENT_NOT_FOUND, ASLError
from asl.tools.registry import Tool, ToolRegistry


@dataclass(frozen=True, slots=True)
class BoundAgent:
    """An agent ready to call: its callable, whether it is a coroutine function, and arity."""

    name: str
    call: Callable[..., Any]
    is_async: bool
    wants_context: bool
    target: Any


def _bind(name: str, agent: Any) -> BoundAgent:
    execute = getattr(agent, "execute", None)
    call = execute if callable(execute) else agent
    if not callable(call):
        raise TypeError(
            f"agent {name!r} must be callable or have an execute(parameters) method, "
            f"got {type(agent).__name__}"
        )
    dunder_call = type(call).__call__ if not inspect.isroutine(call) else None
    is_async = inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(dunder_call)
    return BoundAgent(name, call, is_async, _takes_two_arguments(call), agent)


def _takes_two_arguments(call: Callable[..., Any]) -> bool:
    try:
        signature = inspect.signature(call)
    except (TypeError, ValueError):
        return False
    positional = 0
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            return True
        if parameter.kind in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            positional += 1
    return positional >= 2


class AgentRegistry:
    """Agents by name. Registering a name again replaces the agent."""

    def __init__(self, agents: dict[str, Any] | None = None) -> None:
        self._agents: dict[str, BoundAgent] = {}
        self.tools = ToolRegistry()  # what agents may call through context.call_tool
        # The bound agent for a name, or None: what a Task calls on its hot path.
        self.find = self._agents.get
        for name, agent in (agents or {}).items():
            self.register(name, agent)

    def register(self, name: str, agent: Any) -> AgentRegistry:
        if not isinstance(name, str) or not name:
            raise TypeError("an agent name must be a non-empty string")
        self._agents[name] = _bind(name, agent)
        return self

    def register_tool(
        self, fn: Any, name: str | None = None, description: str | None = None
    ) -> Tool:
        """A sync or async function as a tool; its JSON schema comes from its type hints."""
        return self.tools.register(fn, name, description)

    def register_builtin_tools(self, *names: str) -> AgentRegistry:
        """read_file, write_file, list_dir, http_fetch, execute_python (or the ones named)."""
        from asl.tools.builtins import BUILTIN_TOOLS

        for tool in BUILTIN_TOOLS:
            if not names or tool.name in names:
                self.tools.add(tool)
        return self

    def register_mcp_server(
        self,
        command: str,
        args: Any = (),
        *,
        env: dict[str, str] | None = None,
        prefix: str = "",
        name: str | None = None,
    ) -> AgentRegistry:
        """A stdio MCP server whose tools are callable as ``prefix + tool name``."""
        from asl.tools.mcp import McpServer

        self.tools.add_server(McpServer(command, args, env, prefix, name))
        return self

    def share_rate_limits(self, redis_url: str, *, lease_seconds: float = 10.0) -> AgentRegistry:
        """Count tool rate limits in Redis, shared by every process using ``redis_url``."""
        from asl.tools.redis_limits import RedisRateLimits

        self.tools.rate_limits = RedisRateLimits(redis_url, lease_seconds=lease_seconds)
        return self

    def remove(self, name: str) -> AgentRegistry:
        self._agents.pop(name, None)
        return self

    def clear(self) -> AgentRegistry:
        self._agents.clear()
        return self

    def has(self, name: str) -> bool:
        return name in self._agents

    def get(self, name: str) -> Any:
        """The agent object as registered."""
        return self.bound(name).target

    def bound(self, name: str) -> BoundAgent:
        try:
            return self._agents[name]
        except KeyError:
            raise ASLError(AGENT_NOT_FOUND, f"Agent '{name}' is not registered") from None

    def names(self) -> list[str]:
        return list(self._agents)

    def __contains__(self, name: object) -> bool:
        return name in self._agents

    def __iter__(self) -> Iterator[str]:
        return iter(self._agents)

    def __len__(self) -> int:
        return len(self._agents)
