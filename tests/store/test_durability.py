"""What survives a reopen, and what a store written by a newer engine does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import redis

from asl.store import SchemaVersionError, StoreError, Transition
from asl.store.redis import RedisStore
from asl.store.sqlite import SQLiteStore
from tests.store.conftest import Backend


@pytest.mark.parametrize("backend", ["sqlite", "redis"], indirect=True)
async def test_everything_committed_survives_a_reopen(backend: Backend) -> None:
    store = await backend.open()
    await store.create_execution("exec-1", "h", {"in": 1}, "A")
    step = Transition("exec-1", 1, "A", {"out": 1}, "B", [{"type": "PassStateExited"}], 3, 0.25)
    await store.commit_transition(step)
    await store.claim("exec-1", "worker-a", 30)
    await store.record_child("exec-1", "1/Map", 0, "done")
    request = await store.create_request("exec-1", "B", "approval", {"q": 1})
    await store.save_checkpoint("exec-1", "cp", {"at": "B"})
    await store.set_memory("ns", "k", [1])
    record = await store.load_execution("exec-1")
    await store.close()

    reopened = await backend.open()
    try:
        assert await reopened.load_execution("exec-1") == record
        assert await reopened.history("exec-1") == [step]
        assert not await reopened.claim("exec-1", "worker-b", 30)
        assert await reopened.load_children("exec-1", "1/Map") == {0: "done"}
        assert await reopened.get_request(request.request_id) == request
        checkpoint = await reopened.load_checkpoint("exec-1", "cp")
        assert checkpoint is not None and checkpoint.data == {"at": "B"}
        entry = await reopened.get_memory("ns", "k")
        assert entry is not None and entry.value == [1]
    finally:
        await reopened.close()


def test_a_sqlite_file_from_a_newer_engine_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    SQLiteStore(path)._db.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE asl_schema SET version = 3")
    with pytest.raises(SchemaVersionError) as caught:
        SQLiteStore(path)
    assert caught.value.cause == (
        f"{path} has store schema version 3, but this engine supports up to version 2: "
        "upgrade agent-state-language, or use another store"
    )


async def test_a_redis_store_from_a_newer_engine_is_refused(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.set("newer:schema", 3)
    client.close()
    with pytest.raises(SchemaVersionError) as caught:
        await RedisStore.connect(redis_url, prefix="newer")
    assert caught.value.cause == (
        f"Redis store {redis_url} (prefix 'newer') has store schema version 3, but this engine "
        "supports up to version 2: upgrade agent-state-language, or use another store"
    )


async def test_a_sqlite_file_of_version_1_is_raised_to_2_and_reads_unchanged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.db"
    first = SQLiteStore(path)
    await first.create_execution("exec-1", "h", {"in": 1}, "A")
    await first.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE asl_schema SET version = 1")
    store = SQLiteStore(path)
    try:
        assert (await store.load_execution("exec-1")).input == {"in": 1}
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM asl_schema").fetchall() == [(2,)]


async def test_a_redis_store_of_version_1_is_raised_to_2_and_keeps_its_data(
    redis_url: str,
) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.set("older:schema", 1)
    store = await RedisStore.connect(redis_url, prefix="older")
    try:
        await store.create_execution("exec-1", "h", {"in": 1}, "A")
        assert client.get("older:schema") == "2"
        assert (await store.load_execution("exec-1")).input == {"in": 1}
    finally:
        await store.close()
        client.close()


def test_a_file_that_is_not_a_sqlite_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just text that is long enough to have a header" * 10)
    with pytest.raises(StoreError) as caught:
        SQLiteStore(path)
    assert caught.value.cause == (
        f"Cannot open the SQLite store {path}: file is not a database; "
        "check the path, or give another one with --store sqlite:///path"
    )


def test_sqlite_uses_write_ahead_logging(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "store.db")
    pragmas = [
        store._db.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "synchronous")
    ]
    assert pragmas == ["wal", 1]
    store._db.close()


def test_threads_opening_one_new_sqlite_file_at_once_all_succeed(tmp_path: Path) -> None:
    """Switching a new file to WAL is refused at once while another connection holds a
    shared lock; the store waits for it as a write does (it used to fail now and then)."""
    import threading

    problems: list[str] = []
    for attempt in range(30):
        path = tmp_path / f"store{attempt}.db"
        start = threading.Barrier(8)

        def open_it(path: Path = path, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                SQLiteStore(path)._db.close()
            except StoreError as error:
                problems.append(error.cause)

        threads = [threading.Thread(target=open_it) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert problems == []
