"""A child process that runs a workflow and SIGKILLs itself at its N-th *point*.

Points are every state entered, every state exited (before its transition is
committed) and both sides of every agent call (before and after the agent's
work is logged), in the top-level machine and in every Map item and Parallel
branch. The parent test counts the points of a clean run, picks kill points at
random, and resumes what the killed children left in the store.

Usage: ``python -m tests.durable.killpoints`` with one child per line of stdin (see
:func:`zygote`).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from asl import AgentContext, AgentRegistry, WorkflowEngine, WorkflowResult
from asl.runtime.clock import ManualClock

STEP = {"Type": "Task", "Agent": "Step"}

MIXED: dict[str, Any] = {
    "StartAt": "Fetch",
    "States": {
        "Fetch": {**STEP, "Parameters": {"n.$": "$.n"}, "ResultPath": "$.fetched", "Next": "Fan"},
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Left", "States": {"Left": {**STEP, "End": True}}},
                {"StartAt": "Right", "States": {"Right": {"Type": "Pass", "End": True}}},
            ],
            "ResultPath": "$.fan",
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 3,
            "ItemProcessor": {"StartAt": "Item", "States": {"Item": {**STEP, "End": True}}},
            "ResultPath": "$.mapped",
            "Next": "Flaky",
        },
        "Flaky": {  # its first attempt fails: the Retry runs it again
            **STEP,
            "ResultPath": "$.flaky",
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5}],
            "Next": "Confirm",
        },
        "Confirm": {"Type": "Approval", "Prompt": "Ship?", "ResultPath": "$.ok", "Next": "Done"},
        "Done": {
            "Type": "Pass",
            "Parameters": {"mapped.$": "$.mapped", "fan.$": "$.fan", "ok.$": "$.ok.approval"},
            "End": True,
        },
    },
}


def _reviewed(side: str) -> dict[str, Any]:
    return {
        "StartAt": f"Draft {side}",
        "States": {
            f"Draft {side}": {**STEP, "Next": f"Review {side}"},
            f"Review {side}": {
                "Type": "Approval",
                "Prompt": f"{side}?",
                "ResultPath": "$.ok",
                "Next": f"Publish {side}",
            },
            f"Publish {side}": {**STEP, "End": True},
        },
    }


BRANCHED: dict[str, Any] = {  # approvals inside the branches of a Parallel
    "StartAt": "Both",
    "States": {
        "Both": {
            "Type": "Parallel",
            "Branches": [_reviewed("legal"), _reviewed("style")],
            "ResultPath": "$.reviewed",
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 3,
            "ItemProcessor": {"StartAt": "Item", "States": {"Item": {**STEP, "End": True}}},
            "ResultPath": "$.mapped",
            "End": True,
        },
    },
}

WORKFLOWS = {"mixed": MIXED, "branched": BRANCHED}
INPUT = {"n": 3, "items": [1, 2, 3, 4]}
APPROVE = {"approval": "approve", "approver": "ops"}
LEASE_SECONDS = 3.0  # long enough for a child starved of CPU on a busy machine
BATCH = 5  # children alive at once


class Points:
    """Counts points; SIGKILLs this process at the chosen one."""

    def __init__(self, kill_at: int | None) -> None:
        self.kill_at = kill_at
        self.count = 0

    def __call__(self, *_: Any) -> None:
        self.count += 1
        if self.count == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


def engine(workflow: str, store: str, log: Path, points: Points | None = None) -> WorkflowEngine:
    def step(parameters: Any, context: AgentContext) -> Any:
        if points:
            points()
        with log.open("a") as out:
            out.write(f"{context.state_name}\t{context.attempt}\t{context.idempotency_key}\n")
        if points:
            points()
        if context.state_name == "Flaky" and context.attempt == 1:
            raise RuntimeError("flaky")
        return {"from": context.state_name, "got": parameters}

    made = WorkflowEngine(
        WORKFLOWS[workflow],
        AgentRegistry({"Step": step}),
        store=store,
        clock=ManualClock(),
        lease_seconds=LEASE_SECONDS,
    )
    if points:
        made.on_state_enter(points).on_state_exit(points)
    return made


def finish(made: WorkflowEngine, result: WorkflowResult) -> WorkflowResult:
    """Approve whatever the execution waits for, one request at a time, to the end."""
    while result.status == "PAUSED":
        pending = result.pending_input
        request = pending["requests"][0]["requestId"] if pending["type"] == "branches" else None
        result = made.resume(result.execution_id, APPROVE, request_id=request)
    return result


def zygote() -> None:
    """Fork one child per line of stdin (``WORKFLOW STORE LOG EXECUTION_ID KILL_AT``, tab
    separated) from this warm process, all at once, then print each one's exit status.

    Forking from a process that already imported and compiled everything makes a
    kill point cost milliseconds instead of a Python start-up; a few run at a time.
    """
    for name in WORKFLOWS:  # import and compile what the children need, before forking
        engine(name, "memory://", Path(os.devnull))._compiled()
    lines = sys.stdin.read().splitlines()
    for start in range(0, len(lines), BATCH):
        children = []
        for line in lines[start : start + BATCH]:
            name, store_url, log_file, execution_id, kill_at = line.split("\t")
            pid = os.fork()
            if pid == 0:
                made = engine(name, store_url, Path(log_file), Points(int(kill_at)))
                finish(made, made.run(INPUT, execution_id=execution_id))
                os._exit(3)  # the kill point was never reached
            children.append(pid)
        for pid in children:
            _, status = os.waitpid(pid, 0)
            print(os.waitstatus_to_exitcode(status), flush=True)


if __name__ == "__main__":
    zygote()
