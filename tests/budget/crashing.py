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
from asl.store import open_store
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
    # The dying run holds a short lease, so the test can take over soon after it dies.
    lease = 1.0 if dies else 60.0
    wf = engine(DOCUMENT, Scripted(), store=store, prices=PRICES, lease_seconds=lease)
    wf.register_agent("Left", Scripted())

    async def right(parameters: Any, context: AgentContext) -> AgentResult:
        if dies:
            await _left_settled(store, context.execution_id)
            os._exit(9)
        return AgentResult("right", Usage(5, OUTPUT_TOKENS, "big"))

    wf.register_agent("Right", right)
    return wf


async def _left_settled(url: str, execution_id: str) -> None:
    """Wait (at most 0.8 s: the lease is 1 s) until Left's spend is saved in the store."""
    store = await open_store(url)
    for _ in range(80):
        entry = await store.get_memory("asl.budget", execution_id)
        if entry is not None and "Left" in entry.value["ledger"]["byState"]:
            break
        await asyncio.sleep(0.01)
    await store.close()


if __name__ == "__main__":
    built(sys.argv[1], dies=True).run({}, execution_id=sys.argv[2])
