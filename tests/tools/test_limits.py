from __future__ import annotations

import asyncio
from typing import Any

from asl import AgentRegistry, WorkflowEngine
from asl.runtime.clock import ManualClock
from asl.tools.limits import LocalRateLimits, RateLimit, Window

from .support import call, registry, run, task

order: list[Any] = []
running = {"now": 0, "most": 0}


async def ping(n: int = 0) -> int:
    """Record the call; hold it briefly so concurrent callers overlap."""
    order.append(n)
    running["now"] += 1
    running["most"] = max(running["most"], running["now"])
    await asyncio.sleep(0.01)
    running["now"] -= 1
    return n


def pong() -> str:
    """Another tool."""
    return "pong"


def agents() -> AgentRegistry:
    order.clear()
    running.update(now=0, most=0)
    made = registry(ping, pong)
    made.tools.rate_limits = LocalRateLimits()
    return made


def limited(limits: dict[str, Any]) -> dict[str, Any]:
    return task({"RateLimits": limits})


def test_limits_compile_into_windows() -> None:
    limit = RateLimit.parse(
        "web", {"MaxPerMinute": 60, "MaxPerHour": 600, "BurstLimit": 5, "MaxConcurrent": 2}
    )

    assert limit == RateLimit(
        "web",
        (
            Window(60.0, 60, "MaxPerMinute"),
            Window(3600.0, 600, "MaxPerHour"),
            Window(30.0, 5, "BurstLimit"),
        ),
        2,
        "fail",
    )
    assert RateLimit.parse("x", {"MaxPerMinute": 60, "BurstLimit": 5}).windows[1] == Window(
        5.0, 5, "BurstLimit"
    )
    assert RateLimit.parse("x", {"BurstLimit": 3}).windows == (Window(1.0, 3, "BurstLimit"),)


def test_fail_refuses_the_call_past_max_per_minute_with_a_catchable_error() -> None:
    result = run(
        limited({"ping": {"MaxPerMinute": 2}}),
        agents(),
        [call("ping", n=1), call("ping", n=2), call("ping", n=3)],
        catch=True,
        clock=ManualClock(),
    )

    assert result.output == [
        1,
        2,
        {
            "error": "States.RateLimitExceeded",
            "cause": "State 'Work' called tool 'ping' beyond the rate limit for tool 'ping' "
            '(MaxPerMinute 2); retry in 60.00s, or set "OnExceed": "wait"',
        },
    ]
    assert order == [1, 2]


def test_wait_sleeps_until_the_window_has_room() -> None:
    clock = ManualClock()
    start = clock.now
    result = run(
        limited({"ping": {"MaxPerMinute": 2, "OnExceed": "wait"}}),
        agents(),
        [call("ping", n=n) for n in range(5)],
        clock=clock,
    )

    assert (result.output, clock.now - start) == ([0, 1, 2, 3, 4], 120.0)


def test_burst_limit_spaces_calls_at_the_per_period_rate() -> None:
    result = run(
        limited({"ping": {"MaxPerMinute": 60, "BurstLimit": 2}}),
        agents(),
        [call("ping"), call("ping"), call("ping")],
        catch=True,
        clock=ManualClock(),
    )

    assert result.output[2]["cause"] == (
        "State 'Work' called tool 'ping' beyond the rate limit for tool 'ping' (BurstLimit 2); "
        'retry in 2.00s, or set "OnExceed": "wait"'
    )


def test_the_star_limit_counts_every_tool_together() -> None:
    result = run(
        limited({"*": {"MaxPerHour": 2}}),
        agents(),
        [call("ping"), call("pong"), call("pong")],
        catch=True,
        clock=ManualClock(),
    )

    assert result.output == [
        0,
        "pong",
        {
            "error": "States.RateLimitExceeded",
            "cause": "State 'Work' called tool 'pong' beyond the rate limit for all tools "
            '(MaxPerHour 2); retry in 3600.00s, or set "OnExceed": "wait"',
        },
    ]


def test_a_limit_is_shared_by_every_execution_in_the_process() -> None:
    made = agents()
    engine = WorkflowEngine(limited({"ping": {"MaxPerDay": 3}}), made, clock=ManualClock())
    first = engine.run({"calls": [call("ping"), call("ping")]})
    second = engine.run({"calls": [call("ping"), call("ping")], "catch": True})

    assert (first.output, [type(x).__name__ for x in second.output]) == ([0, 0], ["int", "dict"])


def parallel(tools: dict[str, Any], branches: int) -> dict[str, Any]:
    """Branches whose Tasks share the workflow's DefaultTools (so one set of counters)."""

    def branch(n: int) -> dict[str, Any]:
        return {
            "StartAt": f"Call{n}",
            "States": {
                f"Call{n}": {
                    "Type": "Task",
                    "Agent": "Scripted",
                    "Parameters": {"calls": [call("ping", n=n)]},
                    "End": True,
                }
            },
        }

    return {
        "StartAt": "Fan",
        "DefaultTools": tools,
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Branches": [branch(n) for n in range(branches)],
                "End": True,
            }
        },
    }


def test_max_concurrent_holds_across_parallel_branches() -> None:
    result = WorkflowEngine(
        parallel({"RateLimits": {"ping": {"MaxConcurrent": 2, "OnExceed": "wait"}}}, 5), agents()
    ).run({})

    assert (result.output, running["most"]) == ([[0], [1], [2], [3], [4]], 2)


def test_max_concurrent_with_fail_refuses_the_extra_branch() -> None:
    result = WorkflowEngine(
        parallel({"RateLimits": {"ping": {"MaxConcurrent": 1}}}, 2), agents()
    ).run({})

    assert (result.error, result.cause) == (
        "States.RateLimitExceeded",
        "State 'Call1' called tool 'ping' beyond the rate limit for tool 'ping' (MaxConcurrent 1); "
        'retry in 0.02s, or set "OnExceed": "wait"',
    )


def test_queue_admits_waiting_callers_first_come_first_served() -> None:
    clock = ManualClock()
    start = clock.now
    result = WorkflowEngine(
        parallel({"RateLimits": {"ping": {"MaxPerMinute": 1, "OnExceed": "queue"}}}, 4),
        agents(),
        clock=clock,
    ).run({})

    assert (result.output, order, clock.now - start) == ([[0], [1], [2], [3]], [0, 1, 2, 3], 180.0)


def test_a_default_tools_limit_is_shared_by_the_states_and_a_state_limit_is_its_own() -> None:
    document = {
        "StartAt": "One",
        "DefaultTools": {"RateLimits": {"ping": {"MaxPerMinute": 2}}},
        "States": {
            "One": {"Type": "Task", "Agent": "Scripted", "Next": "Two", "ResultPath": "$.one"},
            "Two": {
                "Type": "Task",
                "Agent": "Scripted",
                "Next": "Three",
                "ResultPath": "$.two",
            },
            "Three": {
                "Type": "Task",
                "Agent": "Scripted",
                "Tools": {"RateLimits": {"ping": {"MaxPerMinute": 1}}},
                "ResultPath": "$.three",
                "End": True,
            },
        },
    }
    result = WorkflowEngine(document, agents(), clock=ManualClock()).run(
        {"calls": [call("ping")], "catch": True}
    )

    assert [result.output[k][0] for k in ("one", "two", "three")] == [0, 0, 0]
    again = WorkflowEngine(document, agents(), clock=ManualClock())
    again.registry.tools.rate_limits = LocalRateLimits()
    assert (
        again.run({"calls": [call("ping"), call("ping"), call("ping")], "catch": True}).output[
            "one"
        ][2]["error"]
        == "States.RateLimitExceeded"
    )


def test_queue_works_again_in_a_later_run_of_the_same_process() -> None:
    made = agents()
    document = parallel({"RateLimits": {"ping": {"MaxPerMinute": 1, "OnExceed": "queue"}}}, 3)
    first = WorkflowEngine(document, made, clock=ManualClock()).run({})
    second = WorkflowEngine(document, made, clock=ManualClock(1_800_000_000.0)).run({})

    assert (first.output, second.output) == ([[0], [1], [2]], [[0], [1], [2]])
