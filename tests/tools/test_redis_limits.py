"""Rate limits shared by several processes through one real redis-server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import redis

from asl import AgentRegistry, WorkflowEngine

from .support import call, scripted, task

ROOT = Path(__file__).parents[2]


def start(redis_url: str, document: dict[str, Any], calls: int, seconds: float, key: str, n: int):  # type: ignore[no-untyped-def]
    settings = {
        "redis": redis_url,
        "document": document,
        "calls": calls,
        "seconds": seconds,
        "barrier": key,
        "processes": n,
    }
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.tools.limit_worker", json.dumps(settings)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def outputs(processes: list[subprocess.Popen[str]]) -> list[Any]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=90)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    return results


def document(limits: dict[str, Any]) -> dict[str, Any]:
    made = task({"RateLimits": {"hold": limits}})
    made["Comment"] = uuid.uuid4().hex  # a fresh workflow: fresh counters
    return made


def test_max_per_minute_holds_across_three_processes(redis_url: str) -> None:
    key = uuid.uuid4().hex
    shared = document({"MaxPerMinute": 5})
    processes = [start(redis_url, shared, 4, 0, key, 3) for _ in range(3)]
    results = outputs(processes)

    done = [r for result in results for r in result if r == "held"]
    refused = {r["error"] for result in results for r in result if r != "held"}
    assert (len(done), refused) == (5, {"States.RateLimitExceeded"})


def test_max_concurrent_holds_across_three_processes(redis_url: str) -> None:
    key = uuid.uuid4().hex
    shared = document({"MaxConcurrent": 2, "OnExceed": "wait"})
    processes = [start(redis_url, shared, 2, 0.4, key, 3) for _ in range(3)]
    results = outputs(processes)

    most = int(redis.Redis.from_url(redis_url).get(f"{key}:most") or 0)
    assert (results, most) == ([["held", "held"]] * 3, 2)


def test_a_slot_held_by_a_killed_process_is_released_when_its_lease_ends(redis_url: str) -> None:
    key = uuid.uuid4().hex
    shared = document({"MaxConcurrent": 1})
    holder = start(redis_url, shared, 1, 60, key, 1)
    client = redis.Redis.from_url(redis_url)
    while not client.get(f"{key}:holding"):
        assert holder.poll() is None, holder.communicate()
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()

    agents = AgentRegistry().register("Scripted", scripted)
    agents.register_tool(lambda: "mine", name="hold")
    agents.share_rate_limits(redis_url, lease_seconds=1.0)
    at_once = WorkflowEngine(shared, agents).run({"calls": [call("hold")], "catch": True})
    waiting = {**shared, "States": {"Work": {**shared["States"]["Work"]}}}
    waiting["States"]["Work"]["Tools"] = {
        "RateLimits": {"hold": {"MaxConcurrent": 1, "OnExceed": "wait"}}
    }
    later = WorkflowEngine(waiting, agents).run({"calls": [call("hold")]})

    assert at_once.output[0]["error"] == "States.RateLimitExceeded"
    assert later.output == ["mine"]
