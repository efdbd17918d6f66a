"""Shared pools and per-period limits, kept in the store (memory, SQLite, Redis)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from asl.budget import read_pool, set_pool_limit
from asl.budget.pools import Counter, counters_for
from asl.runtime.clock import ManualClock
from asl.store import Store, open_store
from asl.store.memory import MemoryStore
from tests.budget.scripted import Scripted, calls_workflow, engine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "memory":
        yield "memory"
    elif request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/pools.db"
    else:
        redis_url = request.getfixturevalue("redis_url")
        yield f"{redis_url}?prefix=pools{uuid.uuid4().hex[:8]}"


def target(url: str) -> str | Store:
    """What an engine is given: the memory store object itself, else the URL."""
    return MEMORY if url == "memory" else url


MEMORY = MemoryStore()


async def _open(url: str) -> Store:
    return MEMORY if url == "memory" else await open_store(url)


def pool(url: str, name: str, limit: float | None = None) -> Counter | None:
    """Set a pool's limit (when given) and read it back, in a store opened for the purpose."""

    async def work() -> Counter | None:
        store = await _open(url)
        if limit is not None:
            await set_pool_limit(store, name, limit)
        found = await read_pool(store, name)
        if store is not MEMORY:
            await store.close()
        return found

    return asyncio.run(work())


def test_reserve_never_goes_past_the_limit_and_settle_counts_the_spend(store_url: str) -> None:
    async def scenario() -> tuple[list[bool], Counter | None]:
        store = MemoryStore() if store_url == "memory" else await open_store(store_url)
        counters = counters_for(store)
        key = f"k{uuid.uuid4().hex}"
        taken = [await counters.reserve(key, 0.4, 1.0, None) for _ in range(3)]
        await counters.settle(key, 0.4, 0.25)
        found = await counters.read(key)
        await store.close()
        return taken, found

    taken, found = asyncio.run(scenario())
    assert taken == [True, True, False]
    assert found == Counter(1.0, 0.25, 0.4)


def test_a_pool_lends_its_share_and_takes_back_what_was_not_spent(store_url: str) -> None:
    name = f"team-{uuid.uuid4().hex[:8]}"
    pool(store_url, name, 3.0)
    budget = {"Pool": name, "MaxFromPool": "$2.00", "ReleaseOnComplete": True}
    document = calls_workflow(budget, count=1)
    runs = [
        engine(document, Scripted(), store=target(store_url), durable=False).run({})
        for _ in range(3)
    ]
    assert [run.status for run in runs] == ["SUCCEEDED", "SUCCEEDED", "FAILED"]
    assert (runs[2].error, runs[2].cause) == (
        "States.BudgetExceeded",
        f"The budget pool '{name}' cannot give $2.00 (MaxFromPool): it is used up or not created",
    )
    assert pool(store_url, name) == Counter(3.0, 2.0, 0.0)


def test_without_release_the_whole_share_is_used() -> None:
    store = MemoryStore()
    asyncio.run(set_pool_limit(store, "p", 10))
    budget = {"Pool": "p", "MaxFromPool": 3, "ReleaseOnComplete": False}
    engine(calls_workflow(budget, count=1), Scripted(), store=store).run({})
    assert asyncio.run(read_pool(store, "p")) == Counter(10.0, 3.0, 0.0)


def test_max_from_pool_caps_the_run() -> None:
    store = MemoryStore()
    asyncio.run(set_pool_limit(store, "p", 100))
    agent = Scripted()
    result = engine(calls_workflow({"Pool": "p", "MaxFromPool": "$2.50"}), agent, store=store).run(
        {}
    )
    assert (len(agent.calls), result.error) == (2, "States.BudgetExceeded")
    assert asyncio.run(read_pool(store, "p")) == Counter(100.0, 2.0, 0.0)


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_processes_sharing_a_pool_never_overdraw_it(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path}/shared.db"
    else:
        url = f"{request.getfixturevalue('redis_url')}?prefix=contend{uuid.uuid4().hex[:8]}"
    asyncio.run(_set(url, "shared", 25))
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.budget.contend", url, "shared"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    taken = [int(child.communicate(timeout=60)[0]) for child in children]
    assert sum(taken) == 25


async def _set(url: str, pool: str, limit: float) -> None:
    store = await open_store(url)
    await set_pool_limit(store, pool, limit)
    await store.close()


def test_per_hour_limit_fails_the_call_that_would_cross_it() -> None:
    clock = ManualClock()
    store = MemoryStore(clock.time)
    document = calls_workflow({"MaxCostPerHour": "$2.00"}, count=3)
    for state in document["States"].values():
        state["Model"] = "big"
    agent = Scripted()
    result = engine(document, agent, store=store, clock=clock).run({})
    assert len(agent.calls) == 2
    assert result.cause is not None and result.cause.endswith(
        "The call would exceed the limit of $2.00 per hour (rate:StateMachine:hour:490896)"
    )


def test_throttle_waits_for_the_next_hour() -> None:
    clock = ManualClock()
    store = MemoryStore(clock.time)
    budget = {"MaxCostPerHour": "$2.00", "OnExceed": "Throttle", "ThrottleDelay": "20m"}
    document = calls_workflow(budget, count=3)
    for state in document["States"].values():
        state["Model"] = "big"
    start = clock.time()
    result = engine(document, Scripted(), store=store, clock=clock).run({})
    assert result.status == "SUCCEEDED", result.cause
    assert clock.time() - start == 3600.0  # three 20-minute waits reach the next hour
    throttled = [e["type"] for e in result.trace if e["type"] == "BudgetThrottled"]
    assert throttled == ["BudgetThrottled"] * 3


def test_per_user_budgets_reset_each_period(store_url: str) -> None:
    clock = ManualClock()
    budget = {"MaxCost.$": "$.userBudget", "TrackBy": "$.userId", "ResetPeriod": "daily"}
    document = calls_workflow(budget, count=1)
    document["States"]["Call1"]["Model"] = "big"
    ada, bob = f"ada-{uuid.uuid4().hex[:6]}", f"bob-{uuid.uuid4().hex[:6]}"

    def run(user: str) -> str:
        wf = engine(document, Scripted(), store=target(store_url), clock=clock, durable=False)
        return wf.run({"userId": user, "userBudget": 2}).status

    assert [run(user) for user in (ada, ada, ada, bob)] == [
        "SUCCEEDED",
        "SUCCEEDED",
        "FAILED",
        "SUCCEEDED",
    ]
    clock.advance(86400)
    assert run(ada) == "SUCCEEDED"
