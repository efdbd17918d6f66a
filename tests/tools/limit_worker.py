"""One process of the cross-process rate-limit tests (run with ``python -m``).

argv[1] is JSON: ``{"redis": url, "document": {...}, "calls": n, "barrier": key}``.
Every process waits at the barrier until all have started, then runs the
workflow once and prints the workflow's output as JSON.
"""

from __future__ import annotations

import json
import sys
import time

import redis

from asl import AgentRegistry, WorkflowEngine

from .support import scripted

settings = json.loads(sys.argv[1])
client = redis.Redis.from_url(settings["redis"])
prefix = settings["barrier"]


def hold(seconds: float = 0.3) -> str:
    """Count how many holders run at once (in Redis), for ``seconds``."""
    now = client.incr(f"{prefix}:running")
    client.eval(
        "if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then "
        "redis.call('SET', KEYS[1], ARGV[1]) end",
        1,
        f"{prefix}:most",
        now,
    )
    client.set(f"{prefix}:holding", 1)
    time.sleep(seconds)
    client.decr(f"{prefix}:running")
    return "held"


agents = AgentRegistry().register("Scripted", scripted)
agents.register_tool(hold)
agents.share_rate_limits(settings["redis"], lease_seconds=1.0)
client.incr(f"{prefix}:started")
while int(client.get(f"{prefix}:started") or 0) < settings["processes"]:
    time.sleep(0.01)
calls = [{"tool": "hold", "arguments": {"seconds": settings["seconds"]}}] * settings["calls"]
result = WorkflowEngine(settings["document"], agents).run({"calls": calls, "catch": True})
print(json.dumps(result.output))
