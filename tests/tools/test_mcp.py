"""Tools served by a real MCP server over stdio, governed like Python tools."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from asl import AgentRegistry, WorkflowEngine

from .support import call, scripted, task

pytest.importorskip("mcp")
SERVER = str(Path(__file__).with_name("mcp_server.py"))


async def lister(parameters: Any, context: Any) -> Any:
    listed = await context.list_tools()
    return {"tools": listed, "calls": await scripted(parameters, context)}


def agents() -> AgentRegistry:
    made = AgentRegistry().register("Scripted", lister)
    made.register_mcp_server(sys.executable, [SERVER], prefix="calc.", name="calculator")
    return made


def test_mcp_tools_are_listed_called_and_governed() -> None:
    document = task({"Allowed": ["calc.*"], "Denied": ["calc.divide"]})
    calls = [call("calc.add", a=2, b=3), call("calc.divide", a=1, b=0)]
    result = WorkflowEngine(document, agents()).run({"calls": calls, "catch": True})

    assert result.output == {
        "tools": [
            {
                "name": "calc.add",
                "description": "Add two integers.",
                "input_schema": {
                    "type": "object",
                    "properties": {
                        "a": {"title": "A", "type": "integer"},
                        "b": {"title": "B", "type": "integer"},
                    },
                    "required": ["a", "b"],
                    "title": "addArguments",
                },
            }
        ],
        "calls": [
            5,
            {
                "error": "States.Permissions",
                "cause": "State 'Work' may not call tool 'calc.divide': it is in the Tools "
                "block's Denied list",
            },
        ],
    }


def test_an_mcp_tool_error_fails_the_call_and_a_sandboxed_state_refuses_mcp_tools() -> None:
    made = agents()
    made.register("Scripted", scripted)
    plain = WorkflowEngine(task(None), made).run(
        {"calls": [call("calc.divide", a=1, b=0)], "catch": True}
    )
    boxed = WorkflowEngine(task({"Sandboxed": True}), made).run(
        {"calls": [call("calc.add", a=1, b=1)], "catch": True}
    )

    assert plain.output == [
        {
            "error": "States.TaskFailed",
            "cause": "MCP tool 'calc.divide' failed: Error executing tool divide",
        }
    ]
    assert boxed.output == [
        {
            "error": "States.Permissions",
            "cause": "Tool 'calc.add' is served by the MCP server 'calculator', which this engine "
            "cannot run inside a sandbox; state 'Work' is Sandboxed",
        }
    ]


def test_a_server_that_cannot_start_fails_with_its_command_named() -> None:
    made = AgentRegistry().register("Scripted", scripted)
    made.register_mcp_server("/nonexistent/mcp-server", name="ghost")
    result = WorkflowEngine(task(None), made).run({"calls": [call("x")], "catch": True})

    assert result.output[0]["error"] == "States.TaskFailed"
    assert result.output[0]["cause"].startswith(
        "Cannot start the MCP server 'ghost' (/nonexistent/mcp-server): "
    )
