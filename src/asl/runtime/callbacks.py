"""Deadlines of ``.waitForTaskToken`` Tasks while their execution is paused.

A callback Task with ``TimeoutSeconds`` or ``HeartbeatSeconds`` writes into its
request when it started waiting and its limits. Nothing runs while an execution
is paused, so the deadlines are checked whenever someone touches it: a resume,
a sweep, a callback or a heartbeat. ``send_task_heartbeat`` keeps the time of
the last heartbeat in the store's memory namespace :data:`HEARTBEATS`; as on
AWS, a Task that misses its heartbeat fails with ``States.HeartbeatTimeout``
(and one that outlives its TimeoutSeconds with ``States.Timeout``), which its
Retry and Catch handle like any failure.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from asl.language.errors import HEARTBEAT_TIMEOUT, TIMEOUT
from asl.runtime.history import iso_timestamp

HEARTBEATS = "asl.heartbeats"  # memory namespace: the last heartbeat of each task token


def callback_limits(
    now: float, timeout: float | None, heartbeat: float | None
) -> dict[str, Any]:
    """The fields a callback request carries so that its deadlines survive the pause."""
    if timeout is None and heartbeat is None:
        return {}
    limits: dict[str, Any] = {"startedAt": iso_timestamp(now)}
    if timeout is not None:
        limits["timeoutSeconds"] = timeout
    if heartbeat is not None:
        limits["heartbeatSeconds"] = heartbeat
    return limits


def callback_expiry(payload: Any, last_beat: float | None, now: float) -> dict[str, str] | None:
    """The failure a waiting callback Task takes at ``now``, or None while it may still wait."""
    if not isinstance(payload, dict) or not isinstance(payload.get("startedAt"), str):
        return None
    started = parse_iso(payload["startedAt"])
    timeout = payload.get("timeoutSeconds")
    if isinstance(timeout, int | float) and now >= started + timeout:
        return {"error": TIMEOUT, "cause": f"The task did not finish within {timeout:g} seconds."}
    heartbeat = payload.get("heartbeatSeconds")
    if isinstance(heartbeat, int | float) and now >= (last_beat or started) + heartbeat:
        return {
            "error": HEARTBEAT_TIMEOUT,
            "cause": f"The task sent no heartbeat for {heartbeat:g} seconds.",
        }
    return None


def parse_iso(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
