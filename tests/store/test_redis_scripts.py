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
