"""Finding executions whose process died, and running them again from the journal.

Every ``recovery_interval_seconds`` each worker (and a broker-less server) looks
at the RUNNING executions that have not moved for ``lease_seconds``. For each it
tries the store's atomic claim with a throwaway owner: granted means nobody holds
the lease any more (the process that ran it is gone), so the claim is released
and the execution continued here; refused means it is alive elsewhere (a long
state renews its lease in the background). Of several workers that find the same
execution, the store lets exactly one continue it. So an execution whose worker
was killed is running again within ``lease_seconds + recovery_interval_seconds``.

The same round continues executions whose Approval ``Timeout`` has passed (nobody
runs a paused execution, so something must notice the time): they take the
timeout route, as ``engine.resume(id)`` without a decision does.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from asl.runtime.durable import timed_out
from asl.runtime.journal import new_owner
from asl.store import Store

logger = logging.getLogger("asl.service")

PROBE_SECONDS = 2.0


async def orphans(store: Store, lease_seconds: float, *, limit: int = 1000) -> list[str]:
    """RUNNING executions, idle for a lease or more, whose lease nobody holds."""
    cutoff = time.time() - lease_seconds
    found: list[str] = []
    cursor: str | None = None
    while len(found) < limit:
        page = await store.list_executions(status="RUNNING", limit=100, cursor=cursor)
        for record in page.executions:
            if record.updated_at > cutoff:
                continue
            probe = f"recovery:{new_owner()}"
            if await store.claim(record.execution_id, probe, PROBE_SECONDS):
                await store.release(record.execution_id, probe)
                found.append(record.execution_id)
        cursor = page.next_cursor
        if cursor is None:
            break
    return found


async def expired_approvals(store: Store) -> list[str]:
    """Paused executions whose pending Approval has passed its ``expiresAt``."""
    now = time.time()
    return [
        request.execution_id
        for request in await store.list_requests(pending_only=True)
        if request.kind == "approval" and timed_out(request, now)
    ]


async def recover_forever(
    store: Store,
    lease_seconds: float,
    interval: float,
    run: Callable[[str], Awaitable[Any]],
) -> None:
    """The recovery loop; cancel it to stop."""
    while True:
        await asyncio.sleep(interval)
        try:
            for execution_id in await orphans(store, lease_seconds):
                logger.warning(
                    "resuming an execution whose process stopped",
                    extra={"recovered": execution_id},
                )
                await run(execution_id)
            for execution_id in await expired_approvals(store):
                logger.info("an approval timed out", extra={"expired": execution_id})
                await run(execution_id)
        except Exception:  # the store is unreachable now: try again next round
            logger.exception("recovery round failed")
