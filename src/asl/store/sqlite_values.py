"""Requests, checkpoints and memory in the SQLite file: the values beside the journal.

Expired rows stay until ``purge_expired`` drops them, but every read filters on
``expires_at``, so an expired value is never returned.
"""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

from asl.store import codec
from asl.store.errors import StoreConflictError, UnknownRequestError
from asl.store.records import JSON, Checkpoint, MemoryEntry, PendingRequest, RequestKind
from asl.store.sqlite_connection import SQLiteConnection

_REQUEST = (
    "SELECT request_id, execution_id, state, kind, payload, created_at, decision, decided_at"
    " FROM requests"
)


def _request(row: Any) -> PendingRequest:
    return PendingRequest(
        request_id=row[0],
        execution_id=row[1],
        state=row[2],
        kind=row[3],
        payload=codec.decode(row[4]),
        created_at=row[5],
        decision=codec.decode(row[6]),
        decided_at=row[7],
    )


class SQLiteValues(SQLiteConnection):
    """The SQLite half of the Store contract that is not the journal."""

    # -- pending requests -------------------------------------------------------------

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
        with self._write() as db:
            row = db.execute(f"{_REQUEST} WHERE request_id = ?", (request_id,)).fetchone()
            if row is None:
                row = (
                    request_id,
                    execution_id,
                    state,
                    kind,
                    payload_text,
                    self._clock(),
                    "null",
                    None,
                )
                db.execute("INSERT INTO requests VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
            elif tuple(row[1:5]) != (execution_id, state, kind, payload_text):
                raise StoreConflictError(
                    f"Request '{request_id}' already exists for another execution, state, "
                    "kind or payload: choose a new request id"
                )
        return _request(row)

    async def get_request(self, request_id: str) -> PendingRequest:
        rows = self._read(f"{_REQUEST} WHERE request_id = ?", (request_id,))
        if not rows:
            raise UnknownRequestError(request_id)
        return _request(rows[0])

    async def list_requests(
        self, execution_id: str | None = None, *, pending_only: bool = True
    ) -> list[PendingRequest]:
        where, parameters = ["1"], list[Any]()
        if execution_id is not None:
            where.append("execution_id = ?")
            parameters.append(execution_id)
        if pending_only:
            where.append("decided_at IS NULL")
        rows = self._read(
            f"{_REQUEST} WHERE {' AND '.join(where)} ORDER BY created_at, request_id",
            tuple(parameters),
        )
        return [_request(row) for row in rows]

    async def decide_request(self, request_id: str, decision: JSON) -> bool:
        text = codec.encode(decision)
        with self._write() as db:
            decided = db.execute(
                "UPDATE requests SET decision = ?, decided_at = ?"
                " WHERE request_id = ? AND decided_at IS NULL",
                (text, self._clock(), request_id),
            ).rowcount
            if decided == 1:
                return True
            if db.execute("SELECT 1 FROM requests WHERE request_id = ?", (request_id,)).fetchone():
                return False
        raise UnknownRequestError(request_id)

    # -- checkpoints ----------------------------------------------------------------

    async def save_checkpoint(
        self, execution_id: str, name: str, data: JSON, *, ttl_seconds: float | None = None
    ) -> Checkpoint:
        text = codec.encode(data)
        now = self._clock()
        expires_at = codec.expiry(now, ttl_seconds)
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO checkpoints VALUES (?, ?, ?, ?, ?)",
                (execution_id, name, text, now, expires_at),
            )
        return Checkpoint(execution_id, name, codec.decode(text), now, expires_at)

    def _checkpoints(self, execution_id: str, name: str | None) -> list[Checkpoint]:
        rows = self._read(
            "SELECT name, data, created_at, expires_at FROM checkpoints"
            " WHERE execution_id = ? AND (? IS NULL OR name = ?)"
            " AND (expires_at IS NULL OR expires_at > ?) ORDER BY name",
            (execution_id, name, name, self._clock()),
        )
        return [Checkpoint(execution_id, n, codec.decode(d), c, e) for n, d, c, e in rows]

    async def load_checkpoint(self, execution_id: str, name: str) -> Checkpoint | None:
        found = self._checkpoints(execution_id, name)
        return found[0] if found else None

    async def list_checkpoints(self, execution_id: str) -> list[Checkpoint]:
        return self._checkpoints(execution_id, None)

    async def delete_checkpoint(self, execution_id: str, name: str) -> bool:
        with self._write() as db:
            return (
                db.execute(
                    "DELETE FROM checkpoints WHERE execution_id = ? AND name = ?"
                    " AND (expires_at IS NULL OR expires_at > ?)",
                    (execution_id, name, self._clock()),
                ).rowcount
                == 1
            )

    # -- memory -----------------------------------------------------------------------

    def _memory_row(self, db: sqlite3.Connection, namespace: str, key: str) -> Any:
        return db.execute(
            "SELECT value, updated_at, expires_at FROM memory WHERE namespace = ? AND key = ?"
            " AND (expires_at IS NULL OR expires_at > ?)",
            (namespace, key, self._clock()),
        ).fetchone()

    async def get_memory(self, namespace: str, key: str) -> MemoryEntry | None:
        with self._lock:
            row = self._memory_row(self._db, namespace, key)
        if row is None:
            return None
        return MemoryEntry(namespace, key, codec.decode(row[0]), row[1], row[2])

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
        now = self._clock()
        expires_at = codec.expiry(now, ttl_seconds)
        with self._write() as db:
            if not overwrite and self._memory_row(db, namespace, key) is not None:
                return False
            db.execute(
                "INSERT OR REPLACE INTO memory VALUES (?, ?, ?, ?, ?)",
                (namespace, key, text, now, expires_at),
            )
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
        now = self._clock()
        expires_at = codec.expiry(now, ttl_seconds)
        with self._write() as db:
            row = self._memory_row(db, namespace, key)
            value = codec.merged(codec.decode(row[0]) if row else None, patch, namespace, key)
            db.execute(
                "INSERT OR REPLACE INTO memory VALUES (?, ?, ?, ?, ?)",
                (namespace, key, codec.encode(value), now, expires_at),
            )
        return value

    async def delete_memory(self, namespace: str, key: str) -> bool:
        with self._write() as db:
            return (
                db.execute(
                    "DELETE FROM memory WHERE namespace = ? AND key = ?"
                    " AND (expires_at IS NULL OR expires_at > ?)",
                    (namespace, key, self._clock()),
                ).rowcount
                == 1
            )

    async def purge_expired(self) -> int:
        with self._write() as db:
            now = self._clock()
            return sum(
                db.execute(f"DELETE FROM {table} WHERE expires_at <= ?", (now,)).rowcount
                for table in ("checkpoints", "memory", "leases")
            )
