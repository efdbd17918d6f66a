"""A scripted tool-using agent and helpers to run one-Task workflows around it."""

from __future__ import annotations

from typing import Any

from asl import AgentRegistry, WorkflowEngine, WorkflowResult
from asl.language.errors import ASLError


async def scripted(parameters: dict[str, Any], context: Any) -> Any:
    """Call each ``{"tool", "arguments"}`` of ``calls`` in turn; errors become values."""
    results: list[Any] = []
    for call in parameters.get("calls", []):
        try:
            results.append(await context.call_tool(call["tool"], call.get("arguments", {})))
        except ASLError as error:
            if not parameters.get("catch"):
                raise
            results.append({"error": error.error, "cause": error.cause})
    return results


def task(tools: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Task", "Agent": "Scripted", "End": True, **extra}
    if tools is not None:
        state["Tools"] = tools
    return {"StartAt": "Work", "States": {"Work": state}}


def registry(*tools: Any) -> AgentRegistry:
    agents = AgentRegistry()
    agents.register("Scripted", scripted)
    for tool in tools:
        agents.register_tool(tool)
    return agents


def run(
    document: dict[str, Any],
    agents: AgentRegistry,
    calls: list[dict[str, Any]],
    *,
    catch: bool = False,
    **options: Any,
) -> WorkflowResult:
    engine = WorkflowEngine(document, agents, **options)
    return engine.run({"calls": calls, "catch": catch})


def tool_events(result: WorkflowResult) -> list[tuple[str, dict[str, Any]]]:
    return [(e["type"], e["details"]) for e in result.trace if e["type"].startswith("ToolCall")]


def call(tool: str, **arguments: Any) -> dict[str, Any]:
    return {"tool": tool, "arguments": arguments}
