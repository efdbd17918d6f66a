"""The built-in tools: read_file, write_file, list_dir, http_fetch, execute_python.

They are opt-in (``registry.register_builtin_tools()``) because each reaches
outside the process; each obeys the calling state's Tools block: FileSystem
for the file tools, Domains for http_fetch, Sandbox for execute_python, which
always runs in a sandbox (the state's Sandbox settings, else the defaults).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from asl.language.errors import TASK_FAILED, ASLError

from .files import list_dir, read_file, write_file
from .network import http_fetch
from .registry import Tool
from .sandbox import explain_failure, run_sandboxed

_STRING = {"type": "string"}


async def execute_python(policy: Any, code: str, stdin: str = "") -> dict[str, Any]:
    """Run Python code in the sandbox; its stdout and stderr, or the reason it was stopped."""
    spec = policy.sandbox
    python = "python" if spec.environment == "docker" else sys.executable
    completed = await run_sandboxed(
        spec, [python, "-I", "-c", code], stdin.encode(), tool="execute_python"
    )
    if completed.returncode != 0:
        raise ASLError(TASK_FAILED, explain_failure("execute_python", spec, completed))
    return {"stdout": completed.stdout, "stderr": completed.stderr, "exitCode": 0}


def _tool(
    name: str, fn: Callable[..., Any], properties: dict[str, Any], required: list[str]
) -> Tool:
    schema = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    doc = (fn.__doc__ or "").strip().splitlines()[0]
    is_async = name == "execute_python"
    return Tool(name, doc, schema, fn, is_async, "builtin", fn, wants_policy=True)


BUILTIN_TOOLS: tuple[Tool, ...] = (
    _tool("read_file", read_file, {"path": _STRING}, ["path"]),
    _tool(
        "write_file",
        write_file,
        {"path": _STRING, "content": _STRING, "append": {"type": "boolean", "default": False}},
        ["path", "content"],
    ),
    _tool("list_dir", list_dir, {"path": {"type": "string", "default": "."}}, []),
    _tool(
        "http_fetch",
        http_fetch,
        {
            "url": _STRING,
            "timeout": {"type": "number", "default": 10},
            "max_bytes": {"type": "integer", "default": 1_000_000},
        },
        ["url"],
    ),
    _tool(
        "execute_python",
        execute_python,
        {"code": _STRING, "stdin": {"type": "string", "default": ""}},
        ["code"],
    ),
)
