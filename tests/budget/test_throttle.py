"""OnExceed Throttle: it waits for per-period limits, and says so when waiting cannot help."""

from __future__ import annotations

import asyncio
from typing import Any

from asl.budget.pools import Counter, counters_for
from asl.runtime.clock import ManualClock
from asl.store.memory import MemoryStore
from tests.budget.scripted import Scripted, calls_workflow, engine


def on_big(budget: dict[str, Any], count: int, priority: str | None = None) -> dict[str, Any]:
    document = calls_workflow(budget, count=count)
    for state in document["States"].values():
        state["Model"] = "big"
        if priority is not None:
            state["Budget"]["Priority"] = priority
    return document


def test_throttle_on_a_total_limit_fails_saying_waiting_cannot_help() -> None:
    clock = ManualClock()
    budget = {"MaxCost": "$2.00", "MaxCostPerHour": "$100", "OnExceed": "Throttle"}
    agent = Scripted()
    start = clock.time()
    result = engine(on_big(budget, 3), agent, store=MemoryStore(clock.time), clock=clock).run({})
    assert clock.time() == start  # no wait: MaxCost never frees up
    assert len(agent.calls) == 2
    assert (result.error, result.cause) == (
        "States.BudgetExceeded",
        "An error occurred while executing the state 'Call3' (entered at the event id #12). "
        "The call would exceed MaxCost $2.00: $2.00 spent, $0.00 reserved by calls in flight, "
        "this call needs up to $1.00; OnExceed Throttle waits only for per-period limits, and "
        "this limit does not free up over time",
    )


def test_throttle_fails_at_once_for_a_call_larger_than_the_period_limit() -> None:
    clock = ManualClock()
    budget = {"MaxCostPerHour": "$0.50", "OnExceed": "Throttle"}
    agent = Scripted()
    start = clock.time()
    result = engine(on_big(budget, 1), agent, store=MemoryStore(clock.time), clock=clock).run({})
    assert (clock.time(), agent.calls) == (start, [])
    hour = int(start // 3600)
    assert (result.error, result.cause) == (
        "States.BudgetExceeded",
        "An error occurred while executing the state 'Call1' (entered at the event id #2). "
        f"The call would exceed the limit of $0.50 per hour (rate:StateMachine:hour:{hour}): "
        "this call alone needs up to $1.00, so throttling cannot help",
    )


def test_throttle_waits_the_throttle_delay_between_tries() -> None:
    clock = ManualClock()
    clock.advance(3600 - clock.time() % 3600)  # the start of an hour
    budget = {"MaxCostPerHour": "$1.00", "OnExceed": "Throttle", "ThrottleDelay": "25m"}
    agent = Scripted()
    start = clock.time()
    result = engine(on_big(budget, 2), agent, store=MemoryStore(clock.time), clock=clock).run({})
    assert result.status == "SUCCEEDED", result.cause
    assert clock.time() - start == 4500.0  # three 25-minute waits reach the next hour
    assert [e["type"] for e in result.trace if e["type"] == "BudgetThrottled"] == [
        "BudgetThrottled"
    ] * 3


def test_a_critical_state_is_never_throttled_and_its_spend_counts() -> None:
    clock = ManualClock()
    store = MemoryStore(clock.time)
    budget = {"MaxCostPerHour": "$2.00", "OnExceed": "Throttle"}
    agent = Scripted()
    start = clock.time()
    result = engine(on_big(budget, 3, "critical"), agent, store=store, clock=clock).run({})
    assert result.status == "SUCCEEDED", result.cause
    assert (clock.time(), len(agent.calls)) == (start, 3)
    key = f"rate:StateMachine:hour:{int(start // 3600)}"
    warnings = [
        (e["state"], e["details"]["reason"])
        for e in result.trace
        if e["type"] == "BudgetExceededWarning"
    ]
    assert warnings == [("Call3", f"the limit of $2.00 per hour ({key}); critical")]
    counter = asyncio.run(counters_for(store).read(key))
    assert counter == Counter(2.0, 3.0, 0.0)
    # A normal run now waits for the next hour: the critical spend filled this one.
    later = Scripted()
    after = engine(on_big(budget, 1), later, store=store, clock=clock).run({})
    assert after.status == "SUCCEEDED"
    assert clock.time() - start >= 3600 - start % 3600
