"""Per-state overhead of the ASL engine beside LangGraph, measured in the same run.

Run from the repository root: ``python benchmarks/bench_engine.py`` (LangGraph comes
with ``pip install -e '.[bench]'``). Prints one row per shape: microseconds per unit
for ASL and LangGraph, and the ratio LangGraph / ASL (above 1 means ASL is faster).

Every figure is a marginal cost, ``(time(N) - time(n)) / (N - n)`` with each time the
best of several runs, so fixed costs (event loop start, execution id, the result
object) cancel out and what remains is the price of one more transition, iteration,
Map item or Task. Documents and graphs are built and compiled before timing starts.
ASL runs with its history of events on (the default), as in production.

Shapes (ASL / LangGraph):
  chain  1,000 Pass states with ``Parameters {"a.$": "$.a", "i": 1}``
         / 1,000 nodes in a line, each returning ``{"a": a, "i": 1}``
  loop   a Pass ``States.MathAdd($.i, 1)`` plus a Choice ``$.i < N`` per iteration
         / one node incrementing ``i`` with a conditional edge back to itself
  map    a Map over ``{"x": i}`` items with an inner Pass ``{"y.$": "$.x"}``
         / a Send fan-out (LangGraph's idiomatic map: one ``Send`` per item to a node
           returning ``{"y": x}``, gathered by an ``operator.add`` reducer)
  task   100 Task states calling an agent that returns its input (async, then sync)
         / 100 nodes calling the same function (async with ``ainvoke``, sync with ``invoke``)
"""

from __future__ import annotations

import asyncio
import gc
import operator
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

from _scale import SCALE, scaled

from asl import AgentRegistry, WorkflowEngine

# Best-of-N: this 2-core VM shares its cores, so the least-disturbed run is the figure.
# ASL runs take milliseconds, so they can afford many more tries than LangGraph's.
ASL_REPEATS = scaled(120)
LANGGRAPH_REPEATS = scaled(15)
TARGETS_US = {"chain": 3.0, "loop": 8.0, "map": 3.0, "task (async)": 3.0, "task (sync)": 3.0}


def best_seconds(run: Callable[[], Any], repeats: int) -> float:
    """The fastest of ``repeats`` runs after one warm-up: the least-disturbed measurement.

    The garbage collector is paused while timing, as ``timeit`` does, for both
    engines alike: a collection landing in one run would swamp the signal.
    """
    run()
    best = float("inf")
    for _ in range(repeats):
        if SCALE >= 1:  # a full collection takes ~0.1 s with LangGraph loaded: not in quick runs
            gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - started)
        finally:
            gc.enable()
    return best


def marginal_us(
    make: Callable[[int], Callable[[], Any]], large: int, small: int, repeats: int = ASL_REPEATS
) -> float:
    """Microseconds per extra unit between a ``small`` and a ``large`` instance."""
    slow = best_seconds(make(large), repeats)
    fast = best_seconds(make(small), repeats)
    return (slow - fast) / (large - small) * 1e6


# --- ASL -------------------------------------------------------------------------------


def _asl_runner(
    document: dict[str, Any], data: Any, expected: Any, registry: AgentRegistry | None = None
) -> Callable[[], Any]:
    """A timed callable; it checks the output once first, so a broken run cannot look fast."""
    engine = WorkflowEngine.from_dict(document, registry or AgentRegistry())
    engine.validate()

    def run() -> Any:
        return asyncio.run(engine.arun(data))

    result = run()
    assert (result.status, result.output) == ("SUCCEEDED", expected), (result.error, result.cause)
    return run


def asl_chain(n: int) -> Callable[[], Any]:
    states: dict[str, Any] = {}
    for i in range(n):
        state: dict[str, Any] = {"Type": "Pass", "Parameters": {"a.$": "$.a", "i": 1}}
        state.update({"Next": f"S{i + 1}"} if i + 1 < n else {"End": True})
        states[f"S{i}"] = state
    return _asl_runner({"StartAt": "S0", "States": states}, {"a": 1}, {"a": 1, "i": 1})


def asl_loop(n: int) -> Callable[[], Any]:
    document = {
        "StartAt": "Increment",
        "States": {
            "Increment": {
                "Type": "Pass",
                "Parameters": {"i.$": "States.MathAdd($.i, 1)"},
                "Next": "Again",
            },
            "Again": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.i", "NumericLessThan": n, "Next": "Increment"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    return _asl_runner(document, {"i": 0}, {"i": n})


def asl_jsonata_loop(n: int) -> Callable[[], Any]:
    """The loop above written in JSONata: Output and Condition instead of paths."""
    document = {
        "QueryLanguage": "JSONata",
        "StartAt": "Increment",
        "States": {
            "Increment": {
                "Type": "Pass",
                "Output": {"i": "{% $states.input.i + 1 %}"},
                "Next": "Again",
            },
            "Again": {
                "Type": "Choice",
                "Choices": [{"Condition": f"{{% $states.input.i < {n} %}}", "Next": "Increment"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    return _asl_runner(document, {"i": 0}, {"i": n})


def asl_map(n: int) -> Callable[[], Any]:
    document = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "Copy",
                    "States": {"Copy": {"Type": "Pass", "Parameters": {"y.$": "$.x"}, "End": True}},
                },
                "End": True,
            }
        },
    }
    return _asl_runner(document, [{"x": i} for i in range(n)], [{"y": i} for i in range(n)])


async def echo_async(parameters: Any) -> Any:
    return parameters


def echo_sync(parameters: Any) -> Any:
    return parameters


def _asl_tasks(n: int, agent: Callable[[Any], Any]) -> Callable[[], Any]:
    states: dict[str, Any] = {}
    for i in range(n):
        state: dict[str, Any] = {"Type": "Task", "Agent": "Echo"}
        state.update({"Next": f"T{i + 1}"} if i + 1 < n else {"End": True})
        states[f"T{i}"] = state
    registry = AgentRegistry({"Echo": agent})
    return _asl_runner({"StartAt": "T0", "States": states}, {"a": 1}, {"a": 1}, registry)


# --- LangGraph ---------------------------------------------------------------------------


class ChainState(TypedDict):
    a: int
    i: int


class LoopState(TypedDict):
    i: int


class MapState(TypedDict):
    items: list[dict[str, int]]
    ys: Annotated[list[dict[str, int]], operator.add]


def _graph_runner(graph: Any, data: Any, steps: int, expected: Any) -> Callable[[], Any]:
    compiled = graph.compile()
    config = {"recursion_limit": steps + 10}

    def run() -> Any:
        return compiled.invoke(data, config)

    assert run() == expected
    return run


def lg_chain(n: int) -> Callable[[], Any]:
    from langgraph.graph import END, START, StateGraph

    graph: Any = StateGraph(ChainState)
    for i in range(n):
        graph.add_node(f"n{i}", lambda s: {"a": s["a"], "i": 1})
        graph.add_edge(START if i == 0 else f"n{i - 1}", f"n{i}")
    graph.add_edge(f"n{n - 1}", END)
    return _graph_runner(graph, {"a": 1, "i": 0}, n, {"a": 1, "i": 1})


def lg_loop(n: int) -> Callable[[], Any]:
    from langgraph.graph import END, START, StateGraph

    graph: Any = StateGraph(LoopState)
    graph.add_node("increment", lambda s: {"i": s["i"] + 1})
    graph.add_edge(START, "increment")
    graph.add_conditional_edges("increment", lambda s: "increment" if s["i"] < n else END)
    return _graph_runner(graph, {"i": 0}, n, {"i": n})


def lg_map(n: int) -> Callable[[], Any]:
    from langgraph.graph import END, START, StateGraph
    from langgraph.types import Send

    graph: Any = StateGraph(MapState)
    graph.add_node("copy", lambda item: {"ys": [{"y": item["x"]}]})
    graph.add_conditional_edges(START, lambda s: [Send("copy", item) for item in s["items"]])
    graph.add_edge("copy", END)
    items = [{"x": i} for i in range(n)]
    expected = {"items": items, "ys": [{"y": i} for i in range(n)]}
    return _graph_runner(graph, {"items": items, "ys": []}, 2, expected)


def _lg_tasks(n: int, node: Callable[[Any], Any], is_async: bool) -> Callable[[], Any]:
    from langgraph.graph import END, START, StateGraph

    graph: Any = StateGraph(ChainState)
    for i in range(n):
        graph.add_node(f"t{i}", node)
        graph.add_edge(START if i == 0 else f"t{i - 1}", f"t{i}")
    graph.add_edge(f"t{n - 1}", END)
    compiled = graph.compile()
    config = {"recursion_limit": n + 10}
    data = {"a": 1, "i": 0}

    def run() -> Any:
        if is_async:
            return asyncio.run(compiled.ainvoke(data, config))
        return compiled.invoke(data, config)

    assert run() == data
    return run


# --- the table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    name: str
    unit: str
    asl: Callable[[int], Callable[[], Any]]
    langgraph: Callable[[int], Callable[[], Any]]
    large: int
    small: int


SHAPES = [
    Shape("chain", "transition", asl_chain, lg_chain, scaled(1000, 20), 10),
    Shape("loop", "iteration", asl_loop, lg_loop, scaled(1000, 20), 10),
    Shape("map", "item", asl_map, lg_map, scaled(1000, 20), 10),
    Shape(
        "task (async)",
        "task",
        lambda n: _asl_tasks(n, echo_async),
        lambda n: _lg_tasks(n, echo_async, is_async=True),
        scaled(100, 2),
        1,
    ),
    Shape(
        "task (sync)",
        "task",
        lambda n: _asl_tasks(n, echo_sync),
        lambda n: _lg_tasks(n, echo_sync, is_async=False),
        scaled(100, 2),
        1,
    ),
]


def main() -> None:
    header = f"{'shape':<14}{'unit':<12}{'N':>6}{'ASL µs':>10}{'LangGraph µs':>14}"
    print(f"{header}{'LG/ASL':>9}{'target µs':>11}  ok")
    for shape in SHAPES:
        # 100 Tasks run in ~0.3 ms: many more tries find an undisturbed one.
        repeats = ASL_REPEATS * 4 if shape.large <= 100 else ASL_REPEATS
        asl_us = marginal_us(shape.asl, shape.large, shape.small, repeats)
        lg_us = marginal_us(shape.langgraph, shape.large, shape.small, LANGGRAPH_REPEATS)
        target = TARGETS_US[shape.name]
        print(
            f"{shape.name:<14}{shape.unit:<12}{shape.large:>6}{asl_us:>10.2f}{lg_us:>14.2f}"
            f"{lg_us / asl_us:>8.1f}x{target:>11.1f}  {'yes' if asl_us <= target else 'NO'}",
            flush=True,
        )
    jsonpath_us = marginal_us(asl_loop, scaled(1000, 20), 10)
    jsonata_us = marginal_us(asl_jsonata_loop, scaled(1000, 20), 10)
    ratio = jsonata_us / jsonpath_us
    print(
        f"\nloop per iteration: JSONPath {jsonpath_us:.2f} µs, JSONata {jsonata_us:.2f} µs, "
        f"JSONata/JSONPath {ratio:.1f}x (target <= 5x: {'yes' if ratio <= 5 else 'NO'})"
    )
    print(
        f"python {sys.version.split()[0]}, best of {ASL_REPEATS} (ASL; {ASL_REPEATS * 4} for "
        f"the Task shapes) and {LANGGRAPH_REPEATS} (LangGraph) runs per size"
    )


if __name__ == "__main__":
    main()
