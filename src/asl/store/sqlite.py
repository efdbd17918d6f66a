"""``sqlite:///path``: the embedded durable store, and the CLI's default.

Every method is one transaction on one connection (``sqlite_connection``, which
says why the standard ``sqlite3`` module is called in place). The journal
(executions, transitions, leases, Map/Parallel children) is here; requests,
checkpoints and memory are in ``sqlite_values``.

With WAL and ``synchronous=NORMAL`` a committed transition survives a crash of
the process; a power loss may lose the last few commits but never corrupts the
file or splits a commit (see docs/stores.md).
"""

from __future__ import annotations

from typing import Any

from asl.store import codec
from asl.store.base import Store
from asl.store.errors import (
    StaleSequenceError,
    UnknownExecutionError,
)
from asl.store.records import (
    FINAL_STATUSES,
    JSON,
    ExecutionPage,
    ExecutionRecord,
    ExecutionStatus,
    FinalStatus,
    Transition,
)
from asl.store.sqlite_values import SQLiteValues

_EXECUTION = (
    "SELECT execution_id, definition_hash, status, input, position, sequence, tokens, cost,"
    " created_at, updated_at, output, error, cause FROM executions"
)


def _execution(row: Any) -> ExecutionRecord:
    return ExecutionRecord(
        execution_id=row[0],
        definition_hash=row[1],
        status=row[2],
        input=codec.decode(row[3]),
        position=row[4],
        sequence=row[5],
        tokens=row[6],
        cost=row[7],
        created_at=row[8],
        updated_at=row[9],
        output=codec.decode(row[10]),
        error=row[11],
        cause=row[12],
    )


class SQLiteStore(SQLiteValues, Store):
    """A store in one SQLite file in WAL mode; ``clock`` gives epoch seconds."""

    # -- executions ---------------------------------------------------------------

    async def create_execution(
        self, execution_id: str, definition_hash: str, input: JSON, start_at: str
    ) -> ExecutionRecord:
        input_text = codec.encode(input)
        with self._write() as db:
            row = db.execute(f"{_EXECUTION} WHERE execution_id = ?", (execution_id,)).fetchone()
            if row is not None:
                return codec.same_start(_execution(row), definition_hash, input_text)
            now = self._clock()
            db.execute(
                "INSERT INTO executions VALUES (?, ?, 'RUNNING', ?, ?, 0, 0, 0.0, ?, ?, 'null',"
                " NULL, NULL)",
                (execution_id, definition_hash, input_text, start_at, now, now),
            )
        return ExecutionRecord(
            execution_id,
            definition_hash,
            "RUNNING",
            codec.decode(input_text),
            start_at,
            0,
            0,
            0.0,
            now,
            now,
        )

    async def load_execution(self, execution_id: str) -> ExecutionRecord:
        rows = self._read(f"{_EXECUTION} WHERE execution_id = ?", (execution_id,))
        if not rows:
            raise UnknownExecutionError(execution_id)
        return _execution(rows[0])

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
        where, parameters = ["1"], list[Any]()
        if status is not None:
            where.append("status = ?")
            parameters.append(status)
        if created_after is not None:
            where.append("created_at >= ?")
            parameters.append(created_after)
        if created_before is not None:
            where.append("created_at < ?")
            parameters.append(created_before)
        if cursor is not None:
            where.append("(created_at, execution_id) < (?, ?)")
            parameters.extend(codec.decode_cursor(cursor))
        rows = self._read(
            f"{_EXECUTION} WHERE {' AND '.join(where)}"
            " ORDER BY created_at DESC, execution_id DESC LIMIT ?",
            (*parameters, limit + 1),
        )
        page = [_execution(row) for row in rows[:limit]]
        more = len(rows) > limit
        return ExecutionPage(
            page,
            codec.encode_cursor(page[-1].created_at, page[-1].execution_id) if more else None,
        )

    async def commit_transition(self, transition: Transition) -> None:
        codec.check_transition(transition)
        body = codec.encode_transition(transition)
        execution_id = transition.execution_id
        with self._write() as db:
            moved = db.execute(
                "UPDATE executions SET status = 'RUNNING', position = ?, sequence = ?,"
                " tokens = ?, cost = ?, updated_at = ?"
                " WHERE execution_id = ? AND sequence = ? AND status IN ('RUNNING', 'PAUSED')",
                (
                    transition.next_state,
                    transition.sequence,
                    transition.tokens,
                    transition.cost,
                    self._clock(),
                    execution_id,
                    transition.sequence - 1,
                ),
            ).rowcount
            if moved != 1:
                row = db.execute(
                    "SELECT status, sequence FROM executions WHERE execution_id = ?",
                    (execution_id,),
                ).fetchone()
                if row is None:
                    raise UnknownExecutionError(execution_id)
                if row[0] in FINAL_STATUSES:
                    raise codec.finished_conflict(execution_id, row[0])
                raise StaleSequenceError(execution_id, transition.sequence, row[1])
            db.execute(
                "INSERT INTO transitions VALUES (?, ?, ?)",
                (execution_id, transition.sequence, body),
            )

    async def history(self, execution_id: str, after_sequence: int = 0) -> list[Transition]:
        rows = self._read(
            "SELECT body FROM transitions WHERE execution_id = ? ORDER BY sequence",
            (execution_id,),
        )
        found = self._read("SELECT input FROM executions WHERE execution_id = ?", (execution_id,))
        input_text = found[0][0] if found else None
        texts = [row[0] for row in rows]
        return codec.decode_history(execution_id, texts, after_sequence, input_text)

    async def reopen_execution(self, execution_id: str) -> None:
        with self._write() as db:
            row = db.execute(
                "SELECT status FROM executions WHERE execution_id = ?", (execution_id,)
            ).fetchone()
            if row is None:
                raise UnknownExecutionError(execution_id)
            if row[0] not in ("FAILED", "TIMED_OUT", "ABORTED"):
                raise codec.not_failed_conflict(execution_id, row[0])
            db.execute(
                "UPDATE executions SET status = 'RUNNING', output = 'null', error = NULL,"
                " cause = NULL, updated_at = ? WHERE execution_id = ?",
                (self._clock(), execution_id),
            )

    async def pause_execution(self, execution_id: str) -> None:
        with self._write() as db:
            row = db.execute(
                "SELECT status FROM executions WHERE execution_id = ?", (execution_id,)
            ).fetchone()
            if row is None:
                raise UnknownExecutionError(execution_id)
            if row[0] in FINAL_STATUSES:
                raise codec.finished_conflict(execution_id, row[0])
            db.execute(
                "UPDATE executions SET status = 'PAUSED', updated_at = ?"
                " WHERE execution_id = ? AND status = 'RUNNING'",
                (self._clock(), execution_id),
            )

    async def finish_execution(
        self,
        execution_id: str,
        status: FinalStatus,
        *,
        output: JSON = None,
        error: str | None = None,
        cause: str | None = None,
    ) -> bool:
        output_text = codec.encode(output)
        with self._write() as db:
            row = db.execute(f"{_EXECUTION} WHERE execution_id = ?", (execution_id,)).fetchone()
            if row is None:
                raise UnknownExecutionError(execution_id)
            record = _execution(row)
            if record.status in FINAL_STATUSES:
                return codec.same_finish(record, status, codec.decode(output_text), error, cause)
            db.execute(
                "UPDATE executions SET status = ?, output = ?, error = ?, cause = ?,"
                " updated_at = ? WHERE execution_id = ?",
                (status, output_text, error, cause, self._clock(), execution_id),
            )
            return True

    # -- leases -------------------------------------------------------------------

    async def claim(self, execution_id: str, owner: str, lease_seconds: float) -> bool:
        codec.check_ttl(lease_seconds)
        with self._write() as db:
            now = self._clock()
            return (
                db.execute(
                    "INSERT INTO leases VALUES (?, ?, ?) ON CONFLICT (execution_id) DO UPDATE"
                    " SET owner = excluded.owner, expires_at = excluded.expires_at"
                    " WHERE leases.owner = excluded.owner OR leases.expires_at <= ?",
                    (execution_id, owner, now + lease_seconds, now),
                ).rowcount
                == 1
            )

    async def renew(self, execution_id: str, owner: str, lease_seconds: float) -> bool:
        codec.check_ttl(lease_seconds)
        with self._write() as db:
            now = self._clock()
            return (
                db.execute(
                    "UPDATE leases SET expires_at = ?"
                    " WHERE execution_id = ? AND owner = ? AND expires_at > ?",
                    (now + lease_seconds, execution_id, owner, now),
                ).rowcount
                == 1
            )

    async def release(self, execution_id: str, owner: str) -> bool:
        with self._write() as db:
            return (
                db.execute(
                    "DELETE FROM leases WHERE execution_id = ? AND owner = ? AND expires_at > ?",
                    (execution_id, owner, self._clock()),
                ).rowcount
                == 1
            )

    # -- Map items and Parallel branches -------------------------------------------

    async def record_child(
        self, execution_id: str, path_key: str, index: int, output: JSON
    ) -> bool:
        text = codec.encode(output)
        with self._write() as db:
            return (
                db.execute(
                    "INSERT INTO children VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (execution_id, path_key, index, text),
                ).rowcount
                == 1
            )

    async def load_children(self, execution_id: str, path_key: str) -> dict[int, JSON]:
        rows = self._read(
            "SELECT item_index, output FROM children WHERE execution_id = ? AND path_key = ?"
            " ORDER BY item_index",
            (execution_id, path_key),
        )
        return {index: codec.decode(text) for index, text in rows}
