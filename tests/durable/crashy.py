"""A workflow run in a child process that the test kills with SIGKILL at a random moment.

Every agent call appends ``state attempt idempotency-key`` to a log file, so the
test can prove which states ran again after the resume.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from asl import AgentContext, AgentRegistry, WorkflowEngine

DOCUMENT: dict[str, Any] = {
    "StartAt": "Fetch",
    "States": {
        "Fetch": {
            "Type": "Task",
            "Agent": "Step",
            "Parameters": {"n.$": "$.n"},
            "ResultPath": "$.fetched",
            "Next": "Fan",
        },
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Left",
                    "States": {"Left": {"Type": "Task", "Agent": "Step", "End": True}},
                },
                {
                    "StartAt": "Right",
                    "States": {"Right": {"Type": "Pass", "Result": "r", "End": True}},
                },
            ],
            "ResultPath": "$.fan",
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "StartAt": "Item",
                "States": {"Item": {"Type": "Task", "Agent": "Step", "End": True}},
            },
            "ResultPath": "$.mapped",
            "Next": "Flaky",
        },
        "Flaky": {
            "Type": "Task",
            "Agent": "Step",
            "ResultPath": "$.flaky",
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1}],
            "Next": "Confirm",
        },
        "Confirm": {
            "Type": "Approval",
            "Prompt": "Ship order {{$.n}}?",
            "ResultPath": "$.ok",
            "Next": "Done",
        },
        "Done": {
            "Type": "Pass",
            "Parameters": {
                "n.$": "$.n",
                "mapped.$": "$.mapped",
                "fan.$": "$.fan",
                "ok.$": "$.ok.approval",
            },
            "End": True,
        },
    },
}
INPUT = {"n": 3, "items": [1, 2, 3]}


def registry(log: Path, delay: float) -> AgentRegistry:
    def step(parameters: Any, context: AgentContext) -> Any:
        with log.open("a") as out:
            out.write(f"{context.state_name} {context.attempt} {context.idempotency_key}\n")
        time.sleep(delay)
        return {"from": context.state_name, "got": parameters}

    return AgentRegistry({"Step": step})


def engine(store: str, log: Path, delay: float = 0.0) -> WorkflowEngine:
    return WorkflowEngine(DOCUMENT, registry(log, delay), store=store, lease_seconds=0.2)


if __name__ == "__main__":
    store_url, log_file, execution_id = sys.argv[1:4]
    asyncio.run(engine(store_url, Path(log_file), delay=0.1).arun(INPUT, execution_id=execution_id))
