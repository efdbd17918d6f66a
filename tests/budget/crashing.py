"""A budgeted workflow run in a child process that dies in the middle of a Parallel state.

``Left`` spends $1 and settles; ``Right`` kills the process (``os._exit``) before
it reports anything, so the Parallel state never commits. The test then
recovers the execution in its own process.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

from asl import AgentContext, AgentResult, Usage, WorkflowEngine
from tests.budget.scripted import OUTPUT_TOKENS, PRICES, Scripted, engine


def branch(name: str) -> dict[str, Any]:
    return {
        "StartAt": name,
        "States": {
            name: {
                "Type": "Task",
                "Agent": name,
                "Model": "big",
                "Parameters": {"prompt": "hello"},
                "Budget": {"MaxOutputTokens": OUTPUT_TOKENS},
                "End": True,
            }
        },
    }


DOCUMENT: dict[str, Any] = {
    "Budget": {"MaxCost": "$10.00"},
    "StartAt": "First",
    "States": {
        "First": {
            "Type": "Task",
            "Agent": "LLM",
            "Model": "big",
            "Parameters": {"prompt": "hello"},
            "Budget": {"MaxOutputTokens": OUTPUT_TOKENS},
            "ResultPath": None,
            "Next": "Fan",
        },
        "Fan": {
            "Type": "Parallel",
            "Branches": [branch("Left"), branch("Right")],
            "End": True,
        },
    },
}


def built(store: str, dies: bool) -> WorkflowEngine:
    wf = engine(DOCUMENT, Scripted(), store=store, prices=PRICES, lease_seconds=1.0)
    wf.register_agent("Left", Scripted())

    async def right(parameters: Any, context: AgentContext) -> AgentResult:
        if dies:
            await asyncio.sleep(0.3)  # Left has settled and saved its spend by now
            os._exit(9)
        return AgentResult("right", Usage(5, OUTPUT_TOKENS, "big"))

    wf.register_agent("Right", right)
    return wf


if __name__ == "__main__":
    built(sys.argv[1], dies=True).run({}, execution_id=sys.argv[2])
