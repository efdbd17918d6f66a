"""A tool-using researcher and a sandboxed analyst, with no LLM: the tool calls an LLM
would choose are written out, so the run is reproducible.

The researcher sees only the tools its state allows (``context.tools``), reads the notes
with the built-in file tools, and tries two things its Tools block forbids — reading
outside the notes folder and writing a file — to show the refusals. The analyst hands
its arithmetic to ``execute_python``, which runs inside the bubblewrap sandbox.
"""

from __future__ import annotations

import json
from typing import Any

from asl import AgentRegistry
from asl.language.errors import ASLError


def word_count(text: str) -> int:
    """Count the words of a text."""
    return len(text.split())


async def research(parameters: dict[str, Any], context: Any) -> dict[str, Any]:
    folder = parameters["folder"]
    entries = await context.call_tool("list_dir", {"path": folder})
    files = [entry["name"] for entry in entries if entry["type"] == "file"]
    counts = {}
    for name in files:
        text = await context.call_tool("read_file", {"path": f"{folder}/{name}"})
        counts[name] = await context.call_tool("word_count", {"text": text})
    refused = []
    for tool, arguments in (
        ("read_file", {"path": f"{folder}/../../../README.md"}),
        ("write_file", {"path": f"{folder}/new.md", "content": "x"}),
    ):
        try:
            await context.call_tool(tool, arguments)
        except ASLError as error:
            refused.append({"tool": tool, "error": error.error})
    return {
        "tools": sorted(tool["name"] for tool in context.tools),
        "files": files,
        "wordCounts": counts,
        "refused": refused,
    }


async def analyse(parameters: dict[str, Any], context: Any) -> dict[str, Any]:
    counts = parameters["counts"]
    code = (
        "import json\n"
        f"counts = json.loads({json.dumps(json.dumps(counts))})\n"
        "print(json.dumps({'total': sum(counts.values()), "
        "'longest': max(counts, key=counts.get)}))\n"
    )
    ran = await context.call_tool("execute_python", {"code": code})
    figures: dict[str, Any] = json.loads(ran["stdout"])
    return figures


def register(registry: AgentRegistry) -> None:
    registry.register("Researcher", research)
    registry.register("Analyst", analyse)
    registry.register_tool(word_count)
    registry.register_builtin_tools("list_dir", "read_file", "write_file", "execute_python")
