"""A Redis store used by the synchronous API: each call runs in an event loop of its own."""

from __future__ import annotations

from asl import WorkflowEngine

FLOW = {
    "StartAt": "Ask",
    "States": {"Ask": {"Type": "Approval", "Prompt": "ok?", "End": True}},
}


def test_run_then_resume_on_one_engine_with_a_redis_store(redis_url: str) -> None:
    engine = WorkflowEngine(FLOW, store=f"{redis_url}?prefix=loops")
    assert engine.run({}, execution_id="l1").status == "PAUSED"
    done = engine.resume("l1", {"approval": "approve", "approver": "ada"})
    assert (done.status, done.output["approval"]) == ("SUCCEEDED", "approve")
