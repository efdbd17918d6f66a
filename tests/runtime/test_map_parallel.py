"""Map and Parallel: inputs, ordering, concurrency, failures reaching Retry/Catch."""

from __future__ import annotations

import asyncio
from typing import Any

from asl import AgentError
from tests.runtime.conftest import machine


def sub(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"StartAt": states[0][0], "States": dict(states)}


def map_state(processor: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}


ECHO = sub(("E", {"Type": "Pass", "End": True}))


def test_map_runs_each_item_and_keeps_order(run: Any) -> None:
    inner = sub(("P", {"Type": "Pass", "Parameters": {"y.$": "$.x"}, "End": True}))
    result = run(
        machine(("M", map_state(inner, ItemsPath="$.items"))),
        {"items": [{"x": 1}, {"x": 2}, {"x": 3}]},
    )
    assert result.output == [{"y": 1}, {"y": 2}, {"y": 3}]


def test_map_passes_scalar_items_unwrapped(run: Any) -> None:
    assert run(machine(("M", map_state(ECHO))), [1, "a", None]).output == [1, "a", None]


def test_item_selector_sees_map_item_context_and_input(run: Any) -> None:
    selector = {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "k.$": "$.k"}
    result = run(
        machine(("M", map_state(ECHO, ItemsPath="$.xs", ItemSelector=selector))),
        {"xs": ["a", "b"], "k": 9},
    )
    assert result.output == [{"i": 0, "v": "a", "k": 9}, {"i": 1, "v": "b", "k": 9}]


def test_legacy_iterator_and_parameters(run: Any) -> None:
    state = {
        "Type": "Map",
        "Iterator": ECHO,
        "Parameters": {"v.$": "$$.Map.Item.Value"},
        "End": True,
    }
    assert run(machine(("M", state)), [5, 6]).output == [{"v": 5}, {"v": 6}]


def test_map_result_selector_and_result_path(run: Any) -> None:
    state = map_state(
        ECHO,
        ItemsPath="$.xs",
        ResultSelector={"n.$": "States.ArrayLength($)"},
        ResultPath="$.count",
    )
    assert run(machine(("M", state)), {"xs": [1, 2]}).output == {"xs": [1, 2], "count": {"n": 2}}


def test_items_path_must_select_an_array(run: Any) -> None:
    result = run(machine(("M", map_state(ECHO, ItemsPath="$.xs"))), {"xs": {"a": 1}})
    assert result.error == "States.Runtime"


def test_map_respects_max_concurrency_and_order(run: Any) -> None:
    active = [0]
    peak = [0]

    async def agent(parameters: Any) -> Any:
        active[0] += 1
        peak[0] = max(peak[0], active[0])
        await asyncio.sleep(0.001 * (5 - parameters))
        active[0] -= 1
        return parameters * 10

    inner = sub(("T", {"Type": "Task", "Agent": "A", "End": True}))
    result = run(machine(("M", map_state(inner, MaxConcurrency=2))), [1, 2, 3, 4], {"A": agent})
    assert result.output == [10, 20, 30, 40]
    assert peak[0] == 2


def test_map_with_unlimited_concurrency_runs_items_together(run: Any) -> None:
    active = [0]
    peak = [0]

    async def agent(parameters: Any) -> Any:
        active[0] += 1
        peak[0] = max(peak[0], active[0])
        await asyncio.sleep(0.001)
        active[0] -= 1
        return parameters

    inner = sub(("T", {"Type": "Task", "Agent": "A", "End": True}))
    run(machine(("M", map_state(inner))), list(range(6)), {"A": agent})
    assert peak[0] == 6


def test_item_failure_fails_map_and_reaches_its_catch(run: Any) -> None:
    def agent(parameters: Any) -> Any:
        if parameters == 2:
            raise AgentError("Item.Bad", "item 2")
        return parameters

    inner = sub(("T", {"Type": "Task", "Agent": "A", "End": True}))
    definition = machine(
        (
            "M",
            map_state(
                inner, Catch=[{"ErrorEquals": ["Item.Bad"], "ResultPath": "$.err", "Next": "H"}]
            ),
        ),
        ("H", {"Type": "Pass", "End": True}),
    )
    definition["States"]["M"]["ItemsPath"] = "$.xs"
    result = run(definition, {"xs": [1, 2, 3]}, {"A": agent})
    assert result.output == {"xs": [1, 2, 3], "err": {"Error": "Item.Bad", "Cause": "item 2"}}


def test_retry_inside_an_iteration(run: Any) -> None:
    calls: dict[int, int] = {}

    def agent(parameters: Any) -> Any:
        calls[parameters] = calls.get(parameters, 0) + 1
        if calls[parameters] == 1:
            raise AgentError("Flaky", "")
        return parameters

    inner = sub(
        ("T", {"Type": "Task", "Agent": "A", "End": True, "Retry": [{"ErrorEquals": ["Flaky"]}]})
    )
    result = run(machine(("M", map_state(inner))), [1, 2], {"A": agent})
    assert result.output == [1, 2]
    assert calls == {1: 2, 2: 2}


def test_tolerated_failures_keep_error_objects(run: Any) -> None:
    inner = sub(
        (
            "C",
            {
                "Type": "Choice",
                "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "F"}],
                "Default": "OK",
            },
        ),
        ("F", {"Type": "Fail", "Error": "Two", "Cause": "is two"}),
        ("OK", {"Type": "Pass", "End": True}),
    )
    state = map_state(inner, ToleratedFailureCount=1)
    assert run(machine(("M", state)), [1, 2, 3]).output == [
        1,
        {"Error": "Two", "Cause": "is two"},
        3,
    ]


def test_exceeding_tolerated_failures_fails_the_map(run: Any) -> None:
    inner = sub(("F", {"Type": "Fail", "Error": "X"}))
    result = run(machine(("M", map_state(inner, ToleratedFailurePercentage=50))), [1, 2, 3])
    assert (result.error, result.cause) == (
        "States.ExceedToleratedFailureThreshold",
        "The specified tolerated failure threshold was exceeded",
    )


def test_item_batcher_groups_items(run: Any) -> None:
    state = map_state(ECHO, ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"b": 1}})
    assert run(machine(("M", state)), [1, 2, 3]).output == [
        {"Items": [1, 2], "BatchInput": {"b": 1}},
        {"Items": [3], "BatchInput": {"b": 1}},
    ]


def test_map_history_has_iteration_events(run: Any) -> None:
    result = run(machine(("M", map_state(ECHO))), [7])
    assert [e["type"] for e in result.trace] == [
        "ExecutionStarted",
        "MapStateEntered",
        "MapStateStarted",
        "MapIterationStarted",
        "PassStateEntered",
        "PassStateExited",
        "MapIterationSucceeded",
        "MapStateSucceeded",
        "MapStateExited",
        "ExecutionSucceeded",
    ]


def test_parallel_outputs_in_branch_order(run: Any) -> None:
    async def slow(parameters: Any) -> Any:
        await asyncio.sleep(0.01)
        return "slow"

    branches = [
        sub(("S", {"Type": "Task", "Agent": "Slow", "End": True})),
        sub(("F", {"Type": "Pass", "Result": "fast", "End": True})),
    ]
    result = run(
        machine(("P", {"Type": "Parallel", "Branches": branches, "End": True})), {}, {"Slow": slow}
    )
    assert result.output == ["slow", "fast"]


def test_parallel_branches_get_parameters_output(run: Any) -> None:
    branches = [
        sub(("E1", {"Type": "Pass", "End": True})),
        sub(("E2", {"Type": "Pass", "End": True})),
    ]
    state = {
        "Type": "Parallel",
        "Branches": branches,
        "Parameters": {"v.$": "$.a"},
        "ResultSelector": {"first.$": "$[0].v"},
        "End": True,
    }
    assert run(machine(("P", state)), {"a": 3}).output == {"first": 3}


def test_fail_in_branch_reaches_parallel_catch(run: Any) -> None:
    branches = [ECHO, sub(("F", {"Type": "Fail", "Error": "Branch.Err", "Cause": "c"}))]
    definition = machine(
        (
            "P",
            {
                "Type": "Parallel",
                "Branches": branches,
                "End": True,
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}],
            },
        ),
        ("H", {"Type": "Pass", "End": True}),
    )
    assert run(definition, {}).output == {"Error": "Branch.Err", "Cause": "c"}


def test_failing_branch_cancels_the_others(run: Any) -> None:
    finished: list[str] = []

    async def slow(parameters: Any) -> Any:
        await asyncio.sleep(5)
        finished.append("slow")

    async def bad(parameters: Any) -> Any:
        raise AgentError("Bad", "now")

    branches = [
        sub(("S", {"Type": "Task", "Agent": "Slow", "End": True})),
        sub(("B", {"Type": "Task", "Agent": "Bad", "End": True})),
    ]
    result = run(
        machine(("P", {"Type": "Parallel", "Branches": branches, "End": True})),
        {},
        {"Slow": slow, "Bad": bad},
    )
    assert (result.error, finished) == ("Bad", [])


def test_nested_map_restores_outer_item_context(run: Any) -> None:
    inner_map = map_state(
        ECHO, ItemsPath="$.inner", ItemSelector={"outer.$": "$.o", "v.$": "$$.Map.Item.Value"}
    )
    outer = sub(("In", inner_map))
    state = map_state(
        outer, ItemSelector={"o.$": "$$.Map.Item.Index", "inner.$": "$$.Map.Item.Value"}
    )
    assert run(machine(("M", state)), [["a"], ["b", "c"]]).output == [
        [{"outer": 0, "v": "a"}],
        [{"outer": 1, "v": "b"}, {"outer": 1, "v": "c"}],
    ]
