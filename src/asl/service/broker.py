"""The Dramatiq broker on Redis, built explicitly (never Dramatiq's implicit global one).

Middleware is only ``AsyncIO`` (our actor is a coroutine). Dramatiq's defaults are
left out on purpose: ``TimeLimit`` would kill an execution that waits on a slow
LLM for ten minutes, and ``Retries`` would re-run a failed message, while an
execution's own Retry/Catch and the store's leases already decide what runs again.

Dramatiq gives a dead worker's unacknowledged messages back only during its
"maintenance", which runs with probability ``maintenance_chance`` per million
broker calls and only for workers silent for ``heartbeat_timeout`` ms; with its
defaults that can take minutes. The worker's recovery loop (see
:mod:`asl.service.worker`) does not depend on it: it resumes any RUNNING execution
whose lease expired, so the bound on recovery is ``lease_seconds +
recovery_interval_seconds``. Maintenance is still made frequent enough that a
lost message is not left in a dead worker's acknowledgement set for long.
"""

from __future__ import annotations

from typing import Any

HEARTBEAT_TIMEOUT_MS = 15_000
MAINTENANCE_CHANCE = 10_000  # one broker call in a hundred


def make_broker(url: str) -> Any:
    from dramatiq.brokers.redis import RedisBroker
    from dramatiq.middleware import AsyncIO

    return RedisBroker(  # type: ignore[no-untyped-call]
        url=url,
        middleware=[AsyncIO()],
        heartbeat_timeout=HEARTBEAT_TIMEOUT_MS,
        maintenance_chance=MAINTENANCE_CHANCE,
    )
