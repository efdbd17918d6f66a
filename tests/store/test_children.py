"""Finished Map items and Parallel branches, recorded so resume does not run them again."""

from __future__ import annotations

from asl.store import Store


async def test_recorded_outputs_load_by_index(store: Store) -> None:
    assert await store.record_child("exec-1", "3/Fan", 2, {"item": 2})
    assert await store.record_child("exec-1", "3/Fan", 0, [0])
    assert await store.record_child("exec-1", "3/Fan", 10, None)
    assert await store.load_children("exec-1", "3/Fan") == {0: [0], 2: {"item": 2}, 10: None}


async def test_the_first_output_of_an_item_stands(store: Store) -> None:
    assert await store.record_child("exec-1", "3/Fan", 0, "first")
    assert not await store.record_child("exec-1", "3/Fan", 0, "second")
    assert await store.load_children("exec-1", "3/Fan") == {0: "first"}


async def test_visits_and_executions_are_kept_apart(store: Store) -> None:
    await store.record_child("exec-1", "3/Fan", 0, "a")
    await store.record_child("exec-1", "7/Fan", 0, "b")
    await store.record_child("exec-2", "3/Fan", 0, "c")
    await store.record_child("exec", "1:3/Fan", 0, "d")
    assert await store.load_children("exec-1", "3/Fan") == {0: "a"}
    assert await store.load_children("exec-1", "7/Fan") == {0: "b"}
    assert await store.load_children("exec-2", "3/Fan") == {0: "c"}
    assert await store.load_children("exec-1", "never") == {}
