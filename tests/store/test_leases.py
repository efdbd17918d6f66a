"""Leases: who may run an execution, so two processes never resume the same one."""

from __future__ import annotations

import asyncio

import pytest

from asl.store import Store, StoreError
from tests.store.conftest import Backend


async def test_a_free_execution_is_claimed(store: Store) -> None:
    assert await store.claim("exec-1", "worker-a", 30)
    assert not await store.claim("exec-1", "worker-b", 30)


async def test_the_holder_claiming_again_keeps_its_lease(store: Store) -> None:
    assert await store.claim("exec-1", "worker-a", 30)
    assert await store.claim("exec-1", "worker-a", 30)
    assert not await store.claim("exec-1", "worker-b", 30)


async def test_of_racing_claimers_exactly_one_wins(store: Store) -> None:
    owners = [f"worker-{i}" for i in range(8)]
    won = await asyncio.gather(*(store.claim("exec-1", owner, 30) for owner in owners))
    assert won.count(True) == 1


async def test_of_claimers_in_two_connections_exactly_one_wins(backend: Backend) -> None:
    first, second = await backend.open(), await backend.open()
    try:
        won = await asyncio.gather(
            *(
                store.claim("exec-1", f"worker-{i}", 30)
                for i, store in enumerate([first, second] * 4)
            )
        )
        assert won.count(True) == 1
    finally:
        await first.close()
        await second.close()


async def test_an_expired_lease_can_be_claimed_by_another(store: Store, backend: Backend) -> None:
    assert await store.claim("exec-1", "crashed", 0.05)
    await backend.elapse(0.1)
    assert await store.claim("exec-1", "rescuer", 30)
    assert not await store.renew("exec-1", "crashed", 30)
    assert not await store.release("exec-1", "crashed")


async def test_renewing_extends_only_the_holders_lease(store: Store, backend: Backend) -> None:
    assert await store.claim("exec-1", "worker-a", 0.05)
    assert await store.renew("exec-1", "worker-a", 30)
    assert not await store.renew("exec-1", "worker-b", 30)
    await backend.elapse(0.1)
    assert not await store.claim("exec-1", "worker-b", 30)


async def test_a_released_lease_is_free_again(store: Store) -> None:
    assert await store.claim("exec-1", "worker-a", 30)
    assert not await store.release("exec-1", "worker-b")
    assert await store.release("exec-1", "worker-a")
    assert not await store.release("exec-1", "worker-a")
    assert await store.claim("exec-1", "worker-b", 30)


async def test_a_lease_must_have_a_positive_length(store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        await store.claim("exec-1", "worker-a", 0)
    assert caught.value.cause == (
        "A TTL must be a positive number of seconds (or None to keep forever), got 0"
    )
