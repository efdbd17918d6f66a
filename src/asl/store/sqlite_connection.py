"""The SQLite file: its tables (schema version 2), its pragmas, its transactions.

Each table is keyed the way the store reads it, so every store operation is one
index lookup or range scan. JSON values are TEXT columns holding JSON.

Why the standard ``sqlite3`` module called directly, not aiosqlite: measured on
the project's machine, a transition commit (WAL, ``synchronous=NORMAL``) takes
about 25 µs called in place, 70 µs through ``asyncio.to_thread`` and 130-250 µs
through aiosqlite's thread. A call this short costs the event loop less than the
hop to a thread does, so each method runs in place, as one transaction. The loop
can only wait longer when another *process* holds the write lock; then SQLite
retries for up to ``BUSY_TIMEOUT_MS`` before reporting an error.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from asl.store.codec import SCHEMA_VERSION
from asl.store.errors import SchemaVersionError, StoreError

#: How long a write waits for another process's transaction before failing. Long,
#: because failing a write fails an execution's step, while waiting only delays it:
#: on a starved machine (several processes per core) 5 s was seen to run out.
BUSY_TIMEOUT_MS = 30_000

TABLES = """
CREATE TABLE executions (
    execution_id    TEXT PRIMARY KEY,
    definition_hash TEXT NOT NULL,
    status          TEXT NOT NULL,
    input           TEXT NOT NULL,
    position        TEXT,
    sequence        INTEGER NOT NULL,
    tokens          INTEGER NOT NULL,
    cost            REAL NOT NULL,
    created_at      REAL NOT NULL,
    updated_at      REAL NOT NULL,
    output          TEXT NOT NULL,
    error           TEXT,
    cause           TEXT
);
CREATE INDEX executions_by_created ON executions (created_at, execution_id);
CREATE INDEX executions_by_status ON executions (status, created_at, execution_id);
CREATE TABLE transitions (
    execution_id TEXT NOT NULL,
    sequence     INTEGER NOT NULL,
    body         TEXT NOT NULL,
    PRIMARY KEY (execution_id, sequence)
) WITHOUT ROWID;
CREATE TABLE leases (
    execution_id TEXT PRIMARY KEY,
    owner        TEXT NOT NULL,
    expires_at   REAL NOT NULL
);
CREATE TABLE children (
    execution_id TEXT NOT NULL,
    path_key     TEXT NOT NULL,
    item_index   INTEGER NOT NULL,
    output       TEXT NOT NULL,
    PRIMARY KEY (execution_id, path_key, item_index)
) WITHOUT ROWID;
CREATE TABLE requests (
    request_id   TEXT PRIMARY KEY,
    execution_id TEXT NOT NULL,
    state        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   REAL NOT NULL,
    decision     TEXT NOT NULL,
    decided_at   REAL
);
CREATE INDEX requests_by_execution ON requests (execution_id, created_at);
CREATE TABLE checkpoints (
    execution_id TEXT NOT NULL,
    name         TEXT NOT NULL,
    data         TEXT NOT NULL,
    created_at   REAL NOT NULL,
    expires_at   REAL,
    PRIMARY KEY (execution_id, name)
) WITHOUT ROWID;
CREATE TABLE memory (
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at REAL NOT NULL,
    expires_at REAL,
    PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
"""


def wal_mode(connection: sqlite3.Connection) -> None:
    """Switch to WAL, waiting for other processes as a write does.

    Switching a new file takes an exclusive lock, and SQLite answers "database is
    locked" at once, without its busy handler, while another connection (processes
    opening the same new file together) holds a shared one: retried here up to
    ``BUSY_TIMEOUT_MS``.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def prepare(connection: sqlite3.Connection, where: str) -> None:
    """Create the tables in a new file; refuse a newer engine's file, upgrade an older one's.

    Runs in one immediate transaction so that two processes opening a new file
    at once do not both create the tables.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute("CREATE TABLE IF NOT EXISTS asl_schema (version INTEGER NOT NULL)")
        row = connection.execute("SELECT max(version) FROM asl_schema").fetchone()
        found = row[0] if row else None
        if found is None:
            for statement in TABLES.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute("INSERT INTO asl_schema (version) VALUES (?)", (SCHEMA_VERSION,))
        elif found > SCHEMA_VERSION:
            raise SchemaVersionError(where, found, SCHEMA_VERSION)
        elif found < SCHEMA_VERSION:
            connection.execute("UPDATE asl_schema SET version = ?", (SCHEMA_VERSION,))
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


class SQLiteConnection:
    """One connection to one SQLite file in WAL mode; ``clock`` gives epoch seconds."""

    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            wal_mode(self._db)
            self._db.execute("PRAGMA synchronous = NORMAL")
            prepare(self._db, str(self.path))
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(
                f"Cannot open the SQLite store {self.path}: {exc}; "
                "check the path, or give another one with --store sqlite:///path"
            ) from None
        self._closed = False

    async def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: the write lock is taken first, so reads are current."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, parameters).fetchall()
