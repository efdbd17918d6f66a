"""The tools an engine knows: Python functions, built-ins and MCP servers' tools.

A tool is inspected once, at registration (async or not, its JSON schema), so
a call pays no reflection. MCP servers are registered lazily: their tools are
discovered the first time an execution needs the list, inside its event loop.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .schema import describe_function, function_schema

if TYPE_CHECKING:
    from .limits import RateLimits
    from .mcp import McpServer

Origin = Literal["python", "builtin", "mcp"]


@dataclass(frozen=True, slots=True)
class Tool:
    """A callable tool; ``call(**arguments)`` (built-ins also get the governing policy).

    ``target`` is the original function: a sandbox imports it by module and
    qualified name, so only module-level functions can run there.
    """

    name: str
    description: str
    input_schema: dict[str, Any]
    call: Callable[..., Any]
    is_async: bool
    origin: Origin = "python"
    target: Any = None
    wants_policy: bool = False
    server: str | None = field(default=None)

    def spec(self) -> dict[str, Any]:
        """The tool as an LLM's function-calling list describes it."""
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": self.input_schema,
        }


def python_tool(
    fn: Callable[..., Any], name: str | None = None, description: str | None = None
) -> Tool:
    """A :class:`Tool` for a sync or async function, schema from its type hints."""
    if not callable(fn):
        raise TypeError(f"a tool must be a function, got {type(fn).__name__}")
    tool_name = name or getattr(fn, "__name__", None)
    if not isinstance(tool_name, str) or not tool_name or tool_name == "<lambda>":
        raise TypeError("a tool needs a name: pass register_tool(fn, name='...')")
    return Tool(
        tool_name,
        description if description is not None else describe_function(fn),
        function_schema(fn),
        fn,
        inspect.iscoroutinefunction(fn),
        "python",
        fn,
    )


class ToolRegistry:
    """Tools by name; registering a name again replaces the tool.

    ``rate_limits`` is where the calls are counted: None means this process's
    shared in-memory counters; a :class:`~asl.tools.redis_limits.RedisRateLimits`
    shares them with every process that uses the same Redis.
    """

    def __init__(self) -> None:
        self._tools: dict[str, Tool] = {}
        self._pending: list[McpServer] = []
        self.servers: list[McpServer] = []
        self.rate_limits: RateLimits | None = None
        self.find = self._tools.get

    def register(
        self, fn: Callable[..., Any], name: str | None = None, description: str | None = None
    ) -> Tool:
        return self.add(python_tool(fn, name, description))

    def add(self, tool: Tool) -> Tool:
        self._tools[tool.name] = tool
        return tool

    def add_server(self, server: McpServer) -> None:
        """Register an MCP server; its tools appear after :meth:`discover`."""
        self._pending.append(server)
        self.servers.append(server)

    @property
    def has_pending(self) -> bool:
        return bool(self._pending)

    async def discover(self) -> None:
        """List the tools of MCP servers not asked yet (in the running event loop)."""
        while self._pending:
            server = self._pending[0]
            for tool in await server.list_tools():
                self.add(tool)
            self._pending.pop(0)

    def names(self) -> list[str]:
        return list(self._tools)

    def __iter__(self) -> Iterator[Tool]:
        return iter(list(self._tools.values()))

    def __len__(self) -> int:
        return len(self._tools)
