"""Store URLs: the three forms open their backend; anything else says what to write."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from asl.store import StoreError, StoreURLError, default_sqlite_path, open_store, process_store
from asl.store.memory import MemoryStore
from asl.store.redis import RedisStore
from asl.store.sqlite import SQLiteStore

FORMS = "memory://, sqlite:///relative/path.db, sqlite:////absolute/path.db or redis://host:port/db"


async def test_memory_url_is_the_process_wide_store() -> None:
    first, second = await open_store("memory://"), await open_store("MEMORY://")
    assert first is second is process_store()
    assert isinstance(first, MemoryStore)


async def test_sqlite_url_with_four_slashes_is_an_absolute_path(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path}/sub/asl.db")
    assert isinstance(store, SQLiteStore)
    assert store.path == tmp_path / "sub" / "asl.db"
    assert store.path.exists()
    await store.close()


async def test_sqlite_url_with_three_slashes_is_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = await open_store("sqlite:///data/asl.db")
    assert isinstance(store, SQLiteStore)
    assert store.path == Path("data/asl.db")
    assert (tmp_path / "data" / "asl.db").exists()
    await store.close()


async def test_redis_url_opens_a_redis_store(redis_url: str) -> None:
    store = await open_store(f"{redis_url}?prefix=urltest")
    assert isinstance(store, RedisStore)
    await store.set_memory("ns", "k", 1)
    await store.close()


def test_the_default_sqlite_file_is_in_the_user_data_directory() -> None:
    expected = platformdirs.user_data_path("agent-state-language", appauthor=False) / "asl.db"
    assert default_sqlite_path() == expected


@pytest.mark.parametrize(
    ("url", "cause"),
    [
        ("asl.db", f"Store URL 'asl.db' has no scheme: use {FORMS}"),
        (
            "postgres://db/asl",
            f"Unknown store URL scheme 'postgres' in 'postgres://db/asl': use {FORMS}",
        ),
        ("memory://name", "Store URL 'memory://name': memory:// takes nothing after it"),
        (
            "sqlite://asl.db",
            "Store URL 'sqlite://asl.db': a SQLite URL has three slashes before the path, "
            "e.g. sqlite:///asl.db",
        ),
        ("sqlite:///", "Store URL 'sqlite:///' names no file: add one, e.g. sqlite:///asl.db"),
        (
            "sqlite:///a.db?mode=ro",
            "Store URL 'sqlite:///a.db?mode=ro': SQLite URLs take no options after '?'",
        ),
        (
            "redis:///0",
            "Store URL 'redis:///0' names no Redis host: e.g. redis://localhost:6379/0",
        ),
        (
            "redis://localhost:port/0",
            "Store URL 'redis://localhost:port/0': the port is not a number: "
            "e.g. redis://localhost:6379/0",
        ),
        (
            "redis://localhost:6379/main",
            "Store URL 'redis://localhost:6379/main': the database 'main' is not a number: "
            "e.g. redis://localhost:6379/0",
        ),
        (
            "redis://localhost:6379/0?db=1",
            "Store URL 'redis://localhost:6379/0?db=1': unknown option 'db'; "
            "the only option is ?prefix=NAME",
        ),
    ],
)
async def test_a_bad_url_names_the_fix(url: str, cause: str) -> None:
    with pytest.raises(StoreURLError) as caught:
        await open_store(url)
    assert caught.value.error == "States.StoreError"
    assert caught.value.cause == cause


async def test_an_unreachable_redis_is_a_clear_error() -> None:
    with pytest.raises(StoreError) as caught:
        await open_store("redis://127.0.0.1:1/0")
    assert caught.value.cause.startswith("Cannot use the Redis store redis://127.0.0.1:1/0: ")
    assert caught.value.cause.endswith("; start redis-server there, or fix the --store URL")
