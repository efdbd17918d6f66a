"""Governed tools: registry, permissions, rate limits, sandbox, built-ins.

Agents reach tools only through ``await context.call_tool(name, arguments)``;
the state's Tools block (merged with the workflow's DefaultTools) is applied
there, at the moment of the call.
"""

from .limits import LocalRateLimits, RateLimit, RateLimits
from .policy import ToolPolicy, compile_tools, workflow_tools
from .registry import Tool, ToolRegistry
from .toolbox import TOOL_NOT_FOUND, ToolBox

__all__ = [
    "TOOL_NOT_FOUND",
    "LocalRateLimits",
    "RateLimit",
    "RateLimits",
    "Tool",
    "ToolBox",
    "ToolPolicy",
    "ToolRegistry",
    "compile_tools",
    "workflow_tools",
]
