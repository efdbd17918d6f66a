"""The execution journal: every top-level transition committed to the store as it happens.

With a store, each state that ends commits one :class:`~asl.store.Transition`
(the state, its output, the next state, the history events since the last
commit, the usage and the variables). The store rejects a commit whose
sequence is stale, so two processes can never fork one execution's history,
and a lease says which process runs it: after a crash (``kill -9``) the lease
expires and ``engine.resume(id)`` continues from the last committed
transition. The state that was in flight runs again, with the same entered
event id and so the same idempotency key in its ``AgentContext``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from typing import Any

from asl.language.errors import ASLError
from asl.runtime.execution import Execution
from asl.runtime.history import materialize
from asl.store import Store, Transition

DEFAULT_LEASE_SECONDS = 30.0

logger = logging.getLogger("asl.engine")


def new_owner() -> str:
    """Who holds a lease: this host, this process, this engine call."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Journal:
    """Commits the transitions of one execution, renewing its lease as it goes."""

    def __init__(
        self,
        store: Store,
        execution: Execution,
        owner: str,
        lease_seconds: float,
        sequence: int,
        committed_events: int,
    ) -> None:
        self.store = store
        self.execution = execution
        self.owner = owner
        self.lease_seconds = lease_seconds
        self.sequence = sequence
        self.committed_events = committed_events
        self.renewed = time.monotonic()
        # Where the execution stands after the last commit: state, its output, the next
        # state. The engine sets where the run starts.
        self.position: tuple[str, Any, str | None] = ("", execution.input, None)
        # The output the last commit stored (the input before the first), when known:
        # the store keeps events that repeat it as references (``asl.store.compact``).
        self.prior: tuple[Any] | None = (execution.input,) if sequence == 0 else None

    async def commit(self, state: str, output: Any, next_state: str | None) -> None:
        self.position = (state, output, next_state)
        execution = self.execution
        events = execution.events
        new_events = materialize(events[self.committed_events :], self.committed_events + 1)
        self.sequence += 1
        await self.store.commit_transition(
            Transition(
                execution_id=execution.id,
                sequence=self.sequence,
                state=state,
                output=output,
                next_state=next_state,
                events=new_events,
                tokens=execution.tokens_used,
                cost=execution.cost,
                variables=dict(execution.top_variables),
                prior=self.prior,
            )
        )
        self.prior = (output,)
        self.committed_events = len(events)
        if time.monotonic() - self.renewed > self.lease_seconds / 3:
            if not await self._keep_lease():
                raise ASLError(
                    "States.Runtime",
                    f"Execution '{execution.id}' lost its lease to another process; stopping",
                )
            self.renewed = time.monotonic()

    async def _keep_lease(self) -> bool:
        """Renew the lease; one that expired while this process was starved of CPU is
        taken again, unless another process claimed it meanwhile."""
        execution_id, owner, seconds = self.execution.id, self.owner, self.lease_seconds
        if await self.store.renew(execution_id, owner, seconds):
            return True
        return await self.store.claim(execution_id, owner, seconds)

    async def commit_tail(self) -> None:
        """Commit the events recorded since the last transition (a failure, the end).

        The closing transition repeats the last position, so a redrive or a
        recovery starts where it would have without it.
        """
        if len(self.execution.events) > self.committed_events:
            await self.commit(*self.position)

    async def keep_leased(self) -> None:
        """Renew the lease every third of its length while the run lasts.

        A state longer than the lease (a slow agent, a Wait) would otherwise lose it,
        and another process would take over an execution that is alive. Cancelled
        when the run ends.
        """
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            if time.monotonic() - self.renewed < self.lease_seconds / 3:
                continue  # a commit renewed it meanwhile
            if await self._keep_lease():
                self.renewed = time.monotonic()
            else:
                logger.warning("execution %s lost its lease", self.execution.id)
