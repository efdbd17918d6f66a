"""Pending requests (approvals, callbacks): opened with an id, decided exactly once."""

from __future__ import annotations

import asyncio

import pytest

from asl.store import PendingRequest, Store, StoreConflictError, UnknownRequestError
from tests.store.conftest import Clock

PROMPT = {"prompt": "Approval: ship it?", "options": ["approve", "reject"]}


async def test_a_new_request_is_pending(store: Store, clock: Clock) -> None:
    clock.freeze()
    request = await store.create_request("exec-1", "Review", "approval", PROMPT, request_id="req-1")
    assert request == PendingRequest(
        request_id="req-1",
        execution_id="exec-1",
        state="Review",
        kind="approval",
        payload=PROMPT,
        created_at=clock(),
    )
    assert request.pending
    assert await store.get_request("req-1") == request


async def test_a_request_without_an_id_gets_a_new_one(store: Store) -> None:
    first = await store.create_request("exec-1", "Review", "approval", PROMPT)
    second = await store.create_request("exec-1", "Review", "approval", PROMPT)
    assert first.request_id != second.request_id
    assert len(first.request_id) == 32


async def test_opening_the_same_request_again_is_harmless(store: Store) -> None:
    first = await store.create_request("exec-1", "Review", "callback", PROMPT, request_id="r")
    assert await store.create_request("exec-1", "Review", "callback", PROMPT, request_id="r") == (
        first
    )
    with pytest.raises(StoreConflictError) as caught:
        await store.create_request("exec-1", "Review", "callback", {"other": 1}, request_id="r")
    assert caught.value.cause == (
        "Request 'r' already exists for another execution, state, kind or payload: "
        "choose a new request id"
    )


async def test_a_request_is_decided_once(store: Store) -> None:
    await store.create_request("exec-1", "Review", "approval", PROMPT, request_id="req-1")
    assert await store.decide_request("req-1", {"approval": "approve"})
    assert not await store.decide_request("req-1", {"approval": "reject"})
    decided = await store.get_request("req-1")
    assert (decided.pending, decided.decision) == (False, {"approval": "approve"})


async def test_of_racing_decisions_exactly_one_counts(store: Store) -> None:
    await store.create_request("exec-1", "Review", "approval", PROMPT, request_id="req-1")
    decisions = [{"approval": f"vote-{i}"} for i in range(6)]
    won = await asyncio.gather(*(store.decide_request("req-1", d) for d in decisions))
    assert won.count(True) == 1
    assert (await store.get_request("req-1")).decision == decisions[won.index(True)]


async def test_deciding_an_unknown_request_names_it(store: Store) -> None:
    with pytest.raises(UnknownRequestError) as caught:
        await store.decide_request("nope", {"approval": "approve"})
    assert caught.value.cause == (
        "No pending request 'nope' in this store: list the pending requests of the execution "
        "to find its id"
    )
    with pytest.raises(UnknownRequestError):
        await store.get_request("nope")


async def test_requests_list_oldest_first_pending_by_default(store: Store, clock: Clock) -> None:
    clock.freeze()
    for request_id, execution_id in [("a", "exec-1"), ("b", "exec-2"), ("c", "exec-1")]:
        await store.create_request(
            execution_id, "Review", "approval", PROMPT, request_id=request_id
        )
        clock.advance(1)
    await store.decide_request("a", "approve")

    async def ids(execution_id: str | None = None, pending_only: bool = True) -> list[str]:
        found = await store.list_requests(execution_id, pending_only=pending_only)
        return [request.request_id for request in found]

    assert await ids() == ["b", "c"]
    assert await ids(pending_only=False) == ["a", "b", "c"]
    assert await ids("exec-1") == ["c"]
    assert await ids("exec-1", pending_only=False) == ["a", "c"]
    assert await ids("exec-3") == []
