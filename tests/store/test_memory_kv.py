"""The shared memory: values under namespaces, with TTLs, set, merged and deleted."""

from __future__ import annotations

import asyncio

import pytest

from asl.store import MemoryEntry, Store, StoreConflictError
from tests.store.conftest import Backend, Clock


async def test_a_value_set_is_read_back(store: Store, clock: Clock) -> None:
    clock.freeze()
    assert await store.set_memory("user/ada", "prefs", {"tone": "short"})
    assert await store.get_memory("user/ada", "prefs") == MemoryEntry(
        "user/ada", "prefs", {"tone": "short"}, clock(), None
    )
    assert await store.get_memory("user/ada", "missing") is None


async def test_namespaces_do_not_see_each_others_keys(store: Store) -> None:
    await store.set_memory("a", "b:c", 1)
    await store.set_memory("a:b", "c", 2)
    first, second = await store.get_memory("a", "b:c"), await store.get_memory("a:b", "c")
    assert (first and first.value, second and second.value) == (1, 2)
    assert await store.get_memory("a", "c") is None


async def test_a_value_expires_after_its_ttl(store: Store, backend: Backend) -> None:
    await store.set_memory("ns", "k", "v", ttl_seconds=0.05)
    await backend.elapse(0.1)
    assert await store.get_memory("ns", "k") is None
    assert not await store.delete_memory("ns", "k")


async def test_without_overwrite_a_live_value_is_kept(store: Store, backend: Backend) -> None:
    assert await store.set_memory("ns", "k", "first", ttl_seconds=0.05)
    assert not await store.set_memory("ns", "k", "second", overwrite=False)
    entry = await store.get_memory("ns", "k")
    assert entry is not None and entry.value == "first"
    await backend.elapse(0.1)
    assert await store.set_memory("ns", "k", "third", overwrite=False)


async def test_merging_lays_keys_over_the_stored_object(store: Store) -> None:
    assert await store.merge_memory("ns", "k", {"a": 1}) == {"a": 1}
    assert await store.merge_memory("ns", "k", {"b": 2, "a": 3}) == {"a": 3, "b": 2}
    entry = await store.get_memory("ns", "k")
    assert entry is not None and entry.value == {"a": 3, "b": 2}


async def test_concurrent_merges_lose_no_update(backend: Backend) -> None:
    stores = [await backend.open() for _ in range(2)]
    try:
        await asyncio.gather(
            *(stores[i % 2].merge_memory("ns", "k", {f"key{i}": i}) for i in range(20))
        )
        entry = await stores[0].get_memory("ns", "k")
        assert entry is not None and entry.value == {f"key{i}": i for i in range(20)}
    finally:
        for store in stores:
            await store.close()


async def test_merging_into_a_non_object_is_a_conflict(store: Store) -> None:
    await store.set_memory("ns", "k", [1, 2])
    with pytest.raises(StoreConflictError) as caught:
        await store.merge_memory("ns", "k", {"a": 1})
    assert caught.value.cause == (
        "Memory 'ns/k' holds an array, not an object, so it cannot be merged: set it instead"
    )


async def test_a_deleted_value_is_gone(store: Store) -> None:
    await store.set_memory("ns", "k", 0)
    assert await store.delete_memory("ns", "k")
    assert not await store.delete_memory("ns", "k")
    assert await store.get_memory("ns", "k") is None


async def test_purging_drops_only_expired_data(store: Store, backend: Backend) -> None:
    await store.set_memory("ns", "gone", 1, ttl_seconds=0.05)
    await store.save_checkpoint("exec-1", "gone", 1, ttl_seconds=0.05)
    await store.set_memory("ns", "kept", 2)
    await backend.elapse(0.1)
    assert await store.purge_expired() == (0 if backend.name == "redis" else 2)
    kept = await store.get_memory("ns", "kept")
    assert kept is not None and kept.value == 2
