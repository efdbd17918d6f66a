"""``memory://``: a real store kept in this process, the Python API's default.

It fulfils the whole contract (the shared test suite runs against it), so it is
what users' own tests and single-process runs use; it simply forgets everything
when the process ends. Values are kept as JSON text, like the durable backends,
so a non-JSON value fails here too and nobody can change a stored value through
a reference. A lock makes each method atomic across threads as well as tasks
(``engine.run`` in several threads may share the process-wide store).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from asl.store import codec
from asl.store.base import Store
from asl.store.errors import (
    StaleSequenceError,
    StoreConflictError,
    UnknownExecutionError,
    UnknownRequestError,
)
from asl.store.records import (
    FINAL_STATUSES,
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


@dataclass(frozen=True, slots=True)
class _Stored:
    """A JSON text with its times: a checkpoint or a memory entry."""

    text: str
    at: float
    expires_at: float | None


class MemoryStore(Store):
    """Everything in dictionaries guarded by one lock; ``clock`` gives epoch seconds."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        # Records hold decoded values, so they are re-made from text on every read.
        self._executions: dict[str, tuple[ExecutionRecord, str, str]] = {}
        self._history: dict[str, list[str]] = {}
        self._leases: dict[str, tuple[str, float]] = {}
        self._children: dict[tuple[str, str], dict[int, str]] = {}
        self._requests: dict[str, tuple[PendingRequest, str, str]] = {}
        self._checkpoints: dict[tuple[str, str], _Stored] = {}
        self._memory: dict[tuple[str, str], _Stored] = {}

    async def close(self) -> None:
        """Nothing to release: the data lives as long as the object."""

    # -- executions ---------------------------------------------------------------

    def _record(self, execution_id: str) -> ExecutionRecord:
        try:
            record, input_text, output_text = self._executions[execution_id]
        except KeyError:
            raise UnknownExecutionError(execution_id) from None
        return replace(record, input=codec.decode(input_text), output=codec.decode(output_text))

    def _put(self, record: ExecutionRecord) -> None:
        self._executions[record.execution_id] = (
            record,
            codec.encode(record.input),
            codec.encode(record.output),
        )

    async def create_execution(
        self, execution_id: str, definition_hash: str, input: JSON, start_at: str
    ) -> ExecutionRecord:
        input_text = codec.encode(input)
        with self._lock:
            if execution_id in self._executions:
                return codec.same_start(self._record(execution_id), definition_hash, input_text)
            now = self._clock()
            record = ExecutionRecord(
                execution_id=execution_id,
                definition_hash=definition_hash,
                status="RUNNING",
                input=codec.decode(input_text),
                position=start_at,
                sequence=0,
                tokens=0,
                cost=0.0,
                created_at=now,
                updated_at=now,
            )
            self._put(record)
            self._history[execution_id] = []
            return self._record(execution_id)

    async def load_execution(self, execution_id: str) -> ExecutionRecord:
        with self._lock:
            return self._record(execution_id)

    async def list_executions(
        self,
        *,
        status: ExecutionStatus | None = None,
        created_after: float | None = None,
        created_before: float | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> ExecutionPage:
        codec.check_limit(limit)
        after = codec.decode_cursor(cursor) if cursor is not None else None
        with self._lock:
            chosen = [
                record
                for record, _, _ in self._executions.values()
                if (status is None or record.status == status)
                and (created_after is None or record.created_at >= created_after)
                and (created_before is None or record.created_at < created_before)
                and (after is None or (record.created_at, record.execution_id) < after)
            ]
            chosen.sort(key=lambda r: (r.created_at, r.execution_id), reverse=True)
            page = [self._record(r.execution_id) for r in chosen[:limit]]
        more = len(chosen) > limit
        last = page[-1] if more else None
        return ExecutionPage(
            page, codec.encode_cursor(last.created_at, last.execution_id) if last else None
        )

    async def commit_transition(self, transition: Transition) -> None:
        codec.check_transition(transition)
        text = codec.encode_transition(transition)
        with self._lock:
            record = self._record(transition.execution_id)
            if record.status in FINAL_STATUSES:
                raise codec.finished_conflict(record.execution_id, record.status)
            if record.sequence != transition.sequence - 1:
                raise StaleSequenceError(record.execution_id, transition.sequence, record.sequence)
            self._history[record.execution_id].append(text)
            self._put(
                replace(
                    record,
                    status="RUNNING",
                    position=transition.next_state,
                    sequence=transition.sequence,
                    tokens=transition.tokens,
                    cost=transition.cost,
                    updated_at=self._clock(),
                )
            )

    async def history(self, execution_id: str, after_sequence: int = 0) -> list[Transition]:
        with self._lock:
            texts = list(self._history.get(execution_id, []))
            stored = self._executions.get(execution_id)
        input_text = stored[1] if stored is not None else None
        return codec.decode_history(execution_id, texts, after_sequence, input_text)

    async def reopen_execution(self, execution_id: str) -> None:
        with self._lock:
            record = self._record(execution_id)
            if record.status not in ("FAILED", "TIMED_OUT", "ABORTED"):
                raise codec.not_failed_conflict(execution_id, record.status)
            self._put(
                replace(
                    record,
                    status="RUNNING",
                    output=None,
                    error=None,
                    cause=None,
                    updated_at=self._clock(),
                )
            )

    async def pause_execution(self, execution_id: str) -> None:
        with self._lock:
            record = self._record(execution_id)
            if record.status in FINAL_STATUSES:
                raise codec.finished_conflict(execution_id, record.status)
            if record.status == "RUNNING":
                self._put(replace(record, status="PAUSED", updated_at=self._clock()))

    async def finish_execution(
        self,
        execution_id: str,
        status: FinalStatus,
        *,
        output: JSON = None,
        error: str | None = None,
        cause: str | None = None,
    ) -> bool:
        output = codec.decode(codec.encode(output))
        with self._lock:
            record = self._record(execution_id)
            if record.status in FINAL_STATUSES:
                return codec.same_finish(record, status, output, error, cause)
            self._put(
                replace(
                    record,
                    status=status,
                    output=output,
                    error=error,
                    cause=cause,
                    updated_at=self._clock(),
                )
            )
            return True

    # -- leases -------------------------------------------------------------------

    async def claim(self, execution_id: str, owner: str, lease_seconds: float) -> bool:
        codec.check_ttl(lease_seconds)
        with self._lock:
            now = self._clock()
            holder = self._leases.get(execution_id)
            if holder is not None and holder[0] != owner and holder[1] > now:
                return False
            self._leases[execution_id] = (owner, now + lease_seconds)
            return True

    async def renew(self, execution_id: str, owner: str, lease_seconds: float) -> bool:
        codec.check_ttl(lease_seconds)
        with self._lock:
            now = self._clock()
            holder = self._leases.get(execution_id)
            if holder is None or holder[0] != owner or holder[1] <= now:
                return False
            self._leases[execution_id] = (owner, now + lease_seconds)
            return True

    async def release(self, execution_id: str, owner: str) -> bool:
        with self._lock:
            holder = self._leases.get(execution_id)
            if holder is None or holder[0] != owner or holder[1] <= self._clock():
                return False
            del self._leases[execution_id]
            return True

    # -- Map items and Parallel branches -------------------------------------------

    async def record_child(
        self, execution_id: str, path_key: str, index: int, output: JSON
    ) -> bool:
        text = codec.encode(output)
        with self._lock:
            outputs = self._children.setdefault((execution_id, path_key), {})
            if index in outputs:
                return False
            outputs[index] = text
            return True

    async def load_children(self, execution_id: str, path_key: str) -> dict[int, JSON]:
        with self._lock:
            outputs = dict(self._children.get((execution_id, path_key), {}))
        return {index: codec.decode(text) for index, text in sorted(outputs.items())}

    # -- pending requests -------------------------------------------------------------

    def _request(self, request_id: str) -> PendingRequest:
        try:
            request, payload, decision = self._requests[request_id]
        except KeyError:
            raise UnknownRequestError(request_id) from None
        return replace(request, payload=codec.decode(payload), decision=codec.decode(decision))

    async def create_request(
        self,
        execution_id: str,
        state: str,
        kind: RequestKind,
        payload: JSON,
        *,
        request_id: str | None = None,
    ) -> PendingRequest:
        request_id = request_id or uuid.uuid4().hex
        payload_text = codec.encode(payload)
        with self._lock:
            if request_id in self._requests:
                existing, existing_payload, _ = self._requests[request_id]
                if (existing.execution_id, existing.state, existing.kind, existing_payload) != (
                    execution_id,
                    state,
                    kind,
                    payload_text,
                ):
                    raise _request_conflict(request_id)
                return self._request(request_id)
            request = PendingRequest(
                request_id, execution_id, state, kind, None, created_at=self._clock()
            )
            self._requests[request_id] = (request, payload_text, "null")
            return self._request(request_id)

    async def get_request(self, request_id: str) -> PendingRequest:
        with self._lock:
            return self._request(request_id)

    async def list_requests(
        self, execution_id: str | None = None, *, pending_only: bool = True
    ) -> list[PendingRequest]:
        with self._lock:
            found = [
                self._request(request.request_id)
                for request, _, _ in self._requests.values()
                if (execution_id is None or request.execution_id == execution_id)
                and (request.pending or not pending_only)
            ]
        return sorted(found, key=lambda r: (r.created_at, r.request_id))

    async def decide_request(self, request_id: str, decision: JSON) -> bool:
        decision_text = codec.encode(decision)
        with self._lock:
            request, payload, _ = self._requests.get(request_id) or (None, "", "")
            if request is None:
                raise UnknownRequestError(request_id)
            if not request.pending:
                return False
            decided = replace(request, decided_at=self._clock())
            self._requests[request_id] = (decided, payload, decision_text)
            return True

    # -- checkpoints ----------------------------------------------------------------

    def _live(self, stored: _Stored | None) -> _Stored | None:
        if stored is None or (stored.expires_at is not None and stored.expires_at <= self._clock()):
            return None
        return stored

    async def save_checkpoint(
        self, execution_id: str, name: str, data: JSON, *, ttl_seconds: float | None = None
    ) -> Checkpoint:
        text = codec.encode(data)
        with self._lock:
            now = self._clock()
            stored = _Stored(text, now, codec.expiry(now, ttl_seconds))
            self._checkpoints[(execution_id, name)] = stored
        return Checkpoint(execution_id, name, codec.decode(text), now, stored.expires_at)

    async def load_checkpoint(self, execution_id: str, name: str) -> Checkpoint | None:
        with self._lock:
            stored = self._live(self._checkpoints.get((execution_id, name)))
        if stored is None:
            return None
        return Checkpoint(
            execution_id, name, codec.decode(stored.text), stored.at, stored.expires_at
        )

    async def list_checkpoints(self, execution_id: str) -> list[Checkpoint]:
        with self._lock:
            names = sorted(n for (e, n) in self._checkpoints if e == execution_id)
        found = [await self.load_checkpoint(execution_id, name) for name in names]
        return [checkpoint for checkpoint in found if checkpoint is not None]

    async def delete_checkpoint(self, execution_id: str, name: str) -> bool:
        with self._lock:
            stored = self._checkpoints.pop((execution_id, name), None)
            return self._live(stored) is not None

    # -- memory -----------------------------------------------------------------------

    async def get_memory(self, namespace: str, key: str) -> MemoryEntry | None:
        with self._lock:
            stored = self._live(self._memory.get((namespace, key)))
        if stored is None:
            return None
        return MemoryEntry(namespace, key, codec.decode(stored.text), stored.at, stored.expires_at)

    async def set_memory(
        self,
        namespace: str,
        key: str,
        value: JSON,
        *,
        ttl_seconds: float | None = None,
        overwrite: bool = True,
    ) -> bool:
        text = codec.encode(value)
        with self._lock:
            now = self._clock()
            expires_at = codec.expiry(now, ttl_seconds)
            if not overwrite and self._live(self._memory.get((namespace, key))) is not None:
                return False
            self._memory[(namespace, key)] = _Stored(text, now, expires_at)
            return True

    async def merge_memory(
        self,
        namespace: str,
        key: str,
        patch: dict[str, JSON],
        *,
        ttl_seconds: float | None = None,
    ) -> dict[str, JSON]:
        codec.encode(patch)
        with self._lock:
            now = self._clock()
            expires_at = codec.expiry(now, ttl_seconds)
            stored = self._live(self._memory.get((namespace, key)))
            current = codec.decode(stored.text) if stored is not None else None
            text = codec.encode(codec.merged(current, patch, namespace, key))
            self._memory[(namespace, key)] = _Stored(text, now, expires_at)
        result: dict[str, JSON] = codec.decode(text)
        return result

    async def delete_memory(self, namespace: str, key: str) -> bool:
        with self._lock:
            return self._live(self._memory.pop((namespace, key), None)) is not None

    async def purge_expired(self) -> int:
        with self._lock:
            now = self._clock()
            dropped = 0
            for table in (self._checkpoints, self._memory):
                dead = [
                    k for k, v in table.items() if v.expires_at is not None and v.expires_at <= now
                ]
                for pair in dead:
                    del table[pair]
                dropped += len(dead)
            lapsed = [k for k, (_, until) in self._leases.items() if until <= now]
            for execution_id in lapsed:
                del self._leases[execution_id]
            return dropped + len(lapsed)


def _request_conflict(request_id: str) -> StoreConflictError:
    return StoreConflictError(
        f"Request '{request_id}' already exists for another execution, state, kind or "
        "payload: choose a new request id"
    )
