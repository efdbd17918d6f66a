"""The Redis store writes its scripts straight to connections of its own: a server
that forgot the scripts, or a connection that dropped, must not lose a write."""

from __future__ import annotations

import uuid

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from asl.store import StaleSequenceError, Transition
from asl.store.redis import RedisStore


def step(sequence: int) -> Transition:
    return Transition("x", sequence, "A", {"n": sequence}, "B", [], sequence, 0.0, {})


async def test_a_flushed_script_cache_is_loaded_again(redis_url: str) -> None:
    store = await RedisStore.connect(redis_url, prefix=uuid.uuid4().hex)
    admin = aioredis.Redis.from_url(redis_url)
    await store.create_execution("x", "h", {}, "A")
    await store.commit_transition(step(1))
    await admin.script_flush()
    await store.commit_transition(step(2))
    assert [t.output for t in await store.history("x")] == [{"n": 1}, {"n": 2}]
    await admin.aclose()
    await store.close()


async def test_a_dropped_connection_is_replaced(redis_url: str) -> None:
    prefix = uuid.uuid4().hex
    store = await RedisStore.connect(redis_url, prefix=prefix)
    admin = aioredis.Redis.from_url(redis_url)
    await store.create_execution("x", "h", {}, "A")
    await store.commit_transition(step(1))
    await admin.client_kill_filter(skipme=True, _type="normal")  # every client but admin
    await store.commit_transition(step(2))
    assert await admin.hget(f"{prefix}:x:x", "sequence") == b"2"
    await admin.aclose()
    await store.close()


async def test_a_refused_commit_leaves_the_connection_usable(redis_url: str) -> None:
    store = await RedisStore.connect(redis_url, prefix=uuid.uuid4().hex)
    await store.create_execution("x", "h", {}, "A")
    with pytest.raises(StaleSequenceError):
        await store.commit_transition(step(2))
    await store.commit_transition(step(1))
    with pytest.raises(ResponseError, match="must be strings or integers"):
        await store._run("CLAIM", ["k"], [])  # a script error from Redis itself
    assert await store.claim("x", "me", 5.0)
    await store.close()


async def test_reads_and_memory_writes_survive_a_dropped_connection(redis_url: str) -> None:
    """The record and memory entries take the same lean path as scripts."""
    store = await RedisStore.connect(redis_url, prefix=uuid.uuid4().hex)
    admin = aioredis.Redis.from_url(redis_url)
    await store.create_execution("x", "h", {"a": 1}, "A")
    assert await store.set_memory("ns", "k", {"v": 1}, overwrite=False) is True
    await admin.client_kill_filter(skipme=True, _type="normal")
    assert (await store.load_execution("x")).input == {"a": 1}
    await admin.client_kill_filter(skipme=True, _type="normal")
    entry = await store.get_memory("ns", "k")
    assert entry is not None and entry.value == {"v": 1}
    await admin.client_kill_filter(skipme=True, _type="normal")
    assert await store.set_memory("ns", "k", {"v": 2}, overwrite=False) is False
    assert await store.set_memory("ns", "k", {"v": 3}) is True
    assert (await store.get_memory("ns", "k")).value == {"v": 3}  # type: ignore[union-attr]
    await admin.aclose()
    await store.close()


async def test_a_memory_entry_with_a_ttl_gets_a_redis_expiry(redis_url: str) -> None:
    prefix = uuid.uuid4().hex
    store = await RedisStore.connect(redis_url, prefix=prefix)
    admin = aioredis.Redis.from_url(redis_url)
    assert await store.set_memory("ns", "k", 1, ttl_seconds=30.0, overwrite=False) is True
    assert 29_000 < await admin.pttl(f'{prefix}:m:["ns","k"]') <= 30_000
    assert await store.set_memory("ns", "k", 2, ttl_seconds=30.0, overwrite=False) is False
    await admin.aclose()
    await store.close()


async def test_an_execution_reads_back_over_resp3(redis_url: str) -> None:
    """On RESP3 Redis answers HGETALL with a map, not a flat list."""
    store = await RedisStore.connect(redis_url + "?protocol=3", prefix=uuid.uuid4().hex)
    await store.create_execution("x", "h", {"a": [1, 2]}, "A")
    record = await store.load_execution("x")
    assert (record.input, record.status, record.position) == ({"a": [1, 2]}, "RUNNING", "A")
    await store.close()
