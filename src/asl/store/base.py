"""The one persistence contract every backend fulfils, and the records it speaks.

The runtime calls a store once per state transition, so the contract is small
and each method is one atomic step: a crash between two calls leaves the store
in a state that recovery understands (see ``docs/stores.md``). Every payload is
JSON (never pickle), so a SQLite file or a Redis database written by one process
is readable by another, and by humans.

Lifecycle of an execution::

    create_execution ──► RUNNING ──commit_transition──► RUNNING ...
                            │  ▲                         │
              pause_execution  commit_transition          finish_execution
                            ▼  │                         ▼
                          PAUSED          SUCCEEDED | FAILED | TIMED_OUT | ABORTED

Backends: :mod:`asl.store.memory` (``memory://``), :mod:`asl.store.sqlite`
(``sqlite:///path``) and :mod:`asl.store.redis` (``redis://host:port/db``); one
test suite runs against all three.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

from asl.store.records import (
    JSON,
    Checkpoint,
    ExecutionPage,
    ExecutionRecord,
    ExecutionStatus,
    FinalStatus,
    MemoryEntry,
    PendingRequest,
    RequestKind,
    Transition,
)

__all__ = [
    "JSON",
    "Checkpoint",
    "ExecutionPage",
    "ExecutionRecord",
    "ExecutionStatus",
    "FinalStatus",
    "MemoryEntry",
    "PendingRequest",
    "RequestKind",
    "Store",
    "Transition",
]


class Store(ABC):
    """Durable executions, their history, leases, requests, checkpoints and memory.

    Use a store as an async context manager (or call :meth:`close`). Methods are
    safe to call from concurrent tasks of one event loop; atomicity across
    processes is what each method's contract says, on every backend.
    """

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @abstractmethod
    async def close(self) -> None:
        """Release connections; the stored data stays. Closing twice is harmless."""

    # -- executions ---------------------------------------------------------------

    @abstractmethod
    async def create_execution(
        self, execution_id: str, definition_hash: str, input: JSON, start_at: str
    ) -> ExecutionRecord:
        """Record a new RUNNING execution positioned at ``start_at``, at sequence 0.

        Idempotent, so a retried start is harmless: if the id exists with the same
        definition hash and input, the stored record is returned unchanged. If it
        exists with another definition or input, raises ``StoreConflictError``
        (reusing an id must not silently continue someone else's execution).
        """

    @abstractmethod
    async def load_execution(self, execution_id: str) -> ExecutionRecord:
        """The execution as last committed; ``UnknownExecutionError`` if there is none."""

    @abstractmethod
    async def list_executions(
        self,
        *,
        status: ExecutionStatus | None = None,
        created_after: float | None = None,
        created_before: float | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> ExecutionPage:
        """Executions newest first, filtered by status and creation time.

        ``created_after`` is inclusive and ``created_before`` exclusive. A page has
        at most ``limit`` records; its ``next_cursor`` resumes exactly after the
        last one, even when executions share a creation time.
        """

    @abstractmethod
    async def commit_transition(self, transition: Transition) -> None:
        """Append ``transition`` to the history and move the execution, atomically.

        In one step: the transition is stored, and the execution takes
        ``position = next_state``, ``sequence = transition.sequence``, the usage
        totals, and status RUNNING (a PAUSED execution is resumed by its next
        commit). Either all of it is durable or none of it is.

        The commit succeeds only if the last committed sequence is
        ``transition.sequence - 1``; otherwise ``StaleSequenceError`` (someone else
        committed first: reload, don't fork). ``UnknownExecutionError`` for an
        unknown id; ``StoreConflictError`` if the execution is finished.
        """

    @abstractmethod
    async def history(self, execution_id: str, after_sequence: int = 0) -> list[Transition]:
        """Committed transitions with a sequence above ``after_sequence``, in order.

        ``history(id, record.sequence - 1)`` is the last transition: its output is
        the input of ``record.position`` when resuming. Unknown ids give ``[]``.
        """

    @abstractmethod
    async def reopen_execution(self, execution_id: str) -> None:
        """Make a FAILED, TIMED_OUT or ABORTED execution RUNNING again (a redrive).

        Its history stays; the result is cleared. ``StoreConflictError`` for any
        other status, ``UnknownExecutionError`` if there is none.
        """

    @abstractmethod
    async def pause_execution(self, execution_id: str) -> None:
        """Mark a RUNNING execution PAUSED (it waits for a request to be decided).

        Pausing a PAUSED execution does nothing. ``StoreConflictError`` if it is
        finished, ``UnknownExecutionError`` if there is none.
        """

    @abstractmethod
    async def finish_execution(
        self,
        execution_id: str,
        status: FinalStatus,
        *,
        output: JSON = None,
        error: str | None = None,
        cause: str | None = None,
    ) -> bool:
        """Give the execution its final status and result; True if this call did.

        Finishing again with the same status, output, error and cause returns
        False and changes nothing (a redelivered message is harmless); finishing
        differently raises ``StoreConflictError``: a result, once given, stands.
        """

    # -- leases -------------------------------------------------------------------

    @abstractmethod
    async def claim(self, execution_id: str, owner: str, lease_seconds: float) -> bool:
        """Take the right to run an execution for ``lease_seconds``; True if granted.

        Atomic claim-if-free: granted when nobody holds the lease, when the
        holder's lease has expired (it crashed), or when ``owner`` already holds
        it (then the lease is extended). Of two racing claimers exactly one wins.
        """

    @abstractmethod
    async def renew(self, execution_id: str, owner: str, lease_seconds: float) -> bool:
        """Extend ``owner``'s lease to ``lease_seconds`` from now; False if it was lost."""

    @abstractmethod
    async def release(self, execution_id: str, owner: str) -> bool:
        """Give the lease up; False (and nothing changes) if ``owner`` does not hold it."""

    # -- Map items and Parallel branches -------------------------------------------

    @abstractmethod
    async def record_child(
        self, execution_id: str, path_key: str, index: int, output: JSON
    ) -> bool:
        """Record the output of a finished Map item or Parallel branch; True if new.

        ``path_key`` names one visit of one Map or Parallel state (include the
        transition sequence, so a state visited twice in a loop gets two keys).
        The first output recorded for an index stands: later calls return False.
        """

    @abstractmethod
    async def load_children(self, execution_id: str, path_key: str) -> dict[int, JSON]:
        """Outputs recorded for ``path_key`` by index, so resume skips finished items."""

    # -- pending requests (approvals, callbacks) -------------------------------------

    @abstractmethod
    async def create_request(
        self,
        execution_id: str,
        state: str,
        kind: RequestKind,
        payload: JSON,
        *,
        request_id: str | None = None,
    ) -> PendingRequest:
        """Open a request an execution waits on; its id is new unless one is given.

        With a given ``request_id`` the call is idempotent (a re-run state opens
        the same request again harmlessly); the same id with other contents
        raises ``StoreConflictError``.
        """

    @abstractmethod
    async def get_request(self, request_id: str) -> PendingRequest:
        """The request, decided or not; ``UnknownRequestError`` if there is none."""

    @abstractmethod
    async def list_requests(
        self, execution_id: str | None = None, *, pending_only: bool = True
    ) -> list[PendingRequest]:
        """Requests, oldest first: of one execution or of all, pending ones by default."""

    @abstractmethod
    async def decide_request(self, request_id: str, decision: JSON) -> bool:
        """Decide a request once; True if this call decided it.

        A second decision (a double click, a redelivered callback) is a no-op that
        returns False and keeps the first. ``UnknownRequestError`` for an unknown id.
        """

    # -- checkpoints ----------------------------------------------------------------

    @abstractmethod
    async def save_checkpoint(
        self, execution_id: str, name: str, data: JSON, *, ttl_seconds: float | None = None
    ) -> Checkpoint:
        """Save (or replace) the named checkpoint, kept ``ttl_seconds`` (None: forever)."""

    @abstractmethod
    async def load_checkpoint(self, execution_id: str, name: str) -> Checkpoint | None:
        """The named checkpoint, or None if it was never saved, was deleted or expired."""

    @abstractmethod
    async def list_checkpoints(self, execution_id: str) -> list[Checkpoint]:
        """The execution's live checkpoints, by name."""

    @abstractmethod
    async def delete_checkpoint(self, execution_id: str, name: str) -> bool:
        """Expire the checkpoint now; True if there was a live one."""

    # -- memory (shared key-value) -----------------------------------------------------

    @abstractmethod
    async def get_memory(self, namespace: str, key: str) -> MemoryEntry | None:
        """The live entry, or None; namespaces never see each other's keys."""

    @abstractmethod
    async def set_memory(
        self,
        namespace: str,
        key: str,
        value: JSON,
        *,
        ttl_seconds: float | None = None,
        overwrite: bool = True,
    ) -> bool:
        """Store ``value`` for ``ttl_seconds`` (None: forever); True if it was written.

        With ``overwrite=False`` a live value is kept and False returned (the
        ``Overwrite: false`` of a Memory Write), atomically.
        """

    @abstractmethod
    async def merge_memory(
        self,
        namespace: str,
        key: str,
        patch: dict[str, JSON],
        *,
        ttl_seconds: float | None = None,
    ) -> dict[str, JSON]:
        """Merge ``patch`` into the stored object (top-level keys) and return the result.

        Atomic against concurrent merges, so no update is lost. A missing or
        expired entry counts as ``{}``; a stored value that is not an object
        raises ``StoreConflictError``. The TTL applies as in :meth:`set_memory`.
        """

    @abstractmethod
    async def delete_memory(self, namespace: str, key: str) -> bool:
        """Remove the entry; True if there was a live one."""

    @abstractmethod
    async def purge_expired(self) -> int:
        """Drop expired checkpoints, memory entries and leases; how many were dropped.

        Expired data is never returned whether or not this runs; it only reclaims
        space (Redis expires keys by itself and returns 0).
        """
