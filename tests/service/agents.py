"""The agents the service tests' servers and workers load (``ASL_AGENTS=tests.service.agents``)."""

from __future__ import annotations

import time
from typing import Any

from asl import AgentError, AgentRegistry


def upper(parameters: dict[str, Any]) -> dict[str, Any]:
    return {"text": str(parameters.get("text", "")).upper()}


def slow(parameters: dict[str, Any]) -> dict[str, Any]:
    """Sleeps, so a test can kill the worker that runs it."""
    time.sleep(float(parameters.get("seconds", 1)))
    return {"slept": parameters.get("seconds", 1), "pid": "hidden"}


def flaky(parameters: dict[str, Any]) -> dict[str, Any]:
    if parameters.get("fail"):
        raise AgentError("Vendor.Down", "the vendor is down")
    return {"ok": True}


def hand_out(parameters: dict[str, Any]) -> dict[str, Any]:
    """Starts a callback Task: the token is in the pending request, nothing else to do."""
    return {}


def probe(parameters: dict[str, Any]) -> dict[str, Any]:
    """A Map item: notes in a file which process ran it and when, so a test sees where and
    how many at once; fails for the item named ``bad``."""
    import json
    import os

    item = parameters["item"]
    with open(parameters["log"], "a", encoding="utf-8") as log:
        log.write(json.dumps({"item": item, "pid": os.getpid(), "start": time.time()}) + "\n")
    if item == parameters.get("bad"):
        raise AgentError("Item.Bad", f"item {item} is bad")
    time.sleep(float(parameters.get("seconds", 0.5)))
    with open(parameters["log"], "a", encoding="utf-8") as log:
        log.write(json.dumps({"item": item, "pid": os.getpid(), "end": time.time()}) + "\n")
    return {"item": item, "double": item * 2}


def stamp(item: int) -> dict[str, Any]:
    """A tool behind a rate limit: which process stamped which item."""
    import os

    return {"item": item, "pid": os.getpid()}


async def stamper(parameters: dict[str, Any], context: Any) -> Any:
    """A Map item that calls the ``stamp`` tool once, after a pause that spreads the items
    over the workers."""
    time.sleep(float(parameters.get("seconds", 0)))
    return await context.call_tool("stamp", {"item": parameters["item"]})


def register(registry: AgentRegistry) -> None:
    registry.register("Upper", upper)
    registry.register("Slow", slow)
    registry.register("Flaky", flaky)
    registry.register("HandOut.waitForTaskToken", hand_out)
    registry.register("Probe", probe)
    registry.register("Stamper", stamper)
    registry.register_tool(stamp)
