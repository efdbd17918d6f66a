"""Named checkpoints of an execution, kept for their TTL."""

from __future__ import annotations

import pytest

from asl.store import Checkpoint, Store, StoreError
from tests.store.conftest import Backend, Clock


async def test_a_saved_checkpoint_loads_back(store: Store, clock: Clock) -> None:
    clock.freeze()
    saved = await store.save_checkpoint("exec-1", "after-fetch", {"items": [1, 2]})
    assert saved == Checkpoint("exec-1", "after-fetch", {"items": [1, 2]}, clock(), None)
    assert await store.load_checkpoint("exec-1", "after-fetch") == saved


async def test_saving_a_name_again_replaces_it(store: Store) -> None:
    await store.save_checkpoint("exec-1", "cp", 1)
    await store.save_checkpoint("exec-1", "cp", 2)
    loaded = await store.load_checkpoint("exec-1", "cp")
    assert loaded is not None and loaded.data == 2


async def test_checkpoints_list_by_name_per_execution(store: Store) -> None:
    await store.save_checkpoint("exec-1", "b", "B")
    await store.save_checkpoint("exec-1", "a", "A")
    await store.save_checkpoint("exec-2", "c", "C")
    assert [(c.name, c.data) for c in await store.list_checkpoints("exec-1")] == [
        ("a", "A"),
        ("b", "B"),
    ]
    assert await store.list_checkpoints("exec-3") == []


async def test_a_checkpoint_expires_after_its_ttl(store: Store, backend: Backend) -> None:
    saved = await store.save_checkpoint("exec-1", "short", "s", ttl_seconds=0.05)
    await store.save_checkpoint("exec-1", "long", "l", ttl_seconds=60)
    assert saved.expires_at == pytest.approx(saved.created_at + 0.05)
    await backend.elapse(0.1)
    assert await store.load_checkpoint("exec-1", "short") is None
    assert [c.name for c in await store.list_checkpoints("exec-1")] == ["long"]
    assert not await store.delete_checkpoint("exec-1", "short")


async def test_a_deleted_checkpoint_is_gone(store: Store) -> None:
    await store.save_checkpoint("exec-1", "cp", 1)
    assert await store.delete_checkpoint("exec-1", "cp")
    assert not await store.delete_checkpoint("exec-1", "cp")
    assert await store.load_checkpoint("exec-1", "cp") is None
    assert await store.load_checkpoint("exec-1", "never") is None


async def test_a_ttl_must_be_positive(store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        await store.save_checkpoint("exec-1", "cp", 1, ttl_seconds=-1)
    assert caught.value.cause == (
        "A TTL must be a positive number of seconds (or None to keep forever), got -1"
    )
