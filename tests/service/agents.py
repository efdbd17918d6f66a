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


def register(registry: AgentRegistry) -> None:
    registry.register("Upper", upper)
    registry.register("Slow", slow)
    registry.register("Flaky", flaky)
    registry.register("HandOut.waitForTaskToken", hand_out)
