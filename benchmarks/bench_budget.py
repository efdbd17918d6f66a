"""What budgets add to each agent call: accounting, and enforcement before the call.

Target (budget issue): accounting + enforcement add ≤ 20 µs per agent call.

1. The hooks alone: for 20,000 calls with distinct prompts, the time of
   ``admit`` (bound the input's tokens by its bytes, estimate, check the
   limits and the fallback cascade, reserve) + ``add_usage`` (price and
   record) + ``after_call`` (settle); the median is the figure, because a
   shared machine's scheduler adds long tails that are not ours. Exact
   tokenizing (done only when the bound does not fit) is shown apart.
2. End to end: the same Map of 1,000 sequential Task calls, in memory, with
   an agent returning plain JSON (nothing to account), returning usage
   (priced and summed, no Budget), and with a Budget and a state Budget
   (every call accounted and enforced). The three run in turn, round after
   round, so each round compares them under the same load; the figures are
   medians over the rounds, in wall-clock time and in this thread's CPU time
   (which other processes on a shared machine do not inflate), and the cost
   of the Budget is the median of each round's enforced-minus-plain difference.

Run: ``python benchmarks/bench_budget.py [rounds]`` (default 21).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from typing import Any

from asl import AgentRegistry, AgentResult, Usage, WorkflowEngine
from asl.language.tokens import count_tokens, token_bound, token_text
from asl.runtime.execution import Scope

CALLS = 1000
HOOK_CALLS = 20_000
ROUNDS = 21
USAGE = Usage(120, 80, "claude-sonnet-4-5")
STATE_BUDGET = {"MaxOutputTokens": 80, "Category": "bench", "Tags": ["a", "b"]}
WORKFLOW_BUDGET = {
    "MaxCost": "$100000.00",
    "MaxTokens": 1_000_000_000,
    "Fallback": {"Cascade": [{"When": "BudgetAt90Percent", "UseModel": "claude-haiku-4-5"}]},
    "Alerts": [{"At": "95%", "Notify": ["ops@example.com"]}],
}


def document(budget: bool) -> dict[str, Any]:
    task: dict[str, Any] = {
        "Type": "Task",
        "Agent": "LLM",
        "Parameters": {"prompt.$": "States.Format('Summarize paragraph {} of the report.', $)"},
        "End": True,
    }
    doc: dict[str, Any] = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 1,
                "ItemProcessor": {"StartAt": "Call", "States": {"Call": task}},
                "ResultPath": None,
                "End": True,
            }
        },
    }
    if budget:
        task["Model"] = "claude-sonnet-4-5"
        task["Budget"] = STATE_BUDGET
        doc["Budget"] = WORKFLOW_BUDGET
    return doc


class _Task:
    """What the meter reads of a Task state."""

    name = "Call"
    agent_name = "LLM"
    model_hint = "claude-sonnet-4-5"
    budget_block = STATE_BUDGET


async def hooks() -> tuple[float, float, float]:
    engine = WorkflowEngine(document(True), AgentRegistry())
    execution = engine._execution("bench", {})
    meter = execution.budget
    await meter.begin(False)
    scope = Scope(execution)
    prompts = [{"prompt": f"Summarize paragraph {i} of the report."} for i in range(HOOK_CALLS)]
    count_tokens(prompts[0])  # load the encoding
    spent, counting, bounding = [], [], []
    for parameters in prompts:
        started = time.perf_counter()
        admission = await meter.admit(_Task, parameters, parameters, scope, 1)
        execution.add_usage(USAGE, "Call", admission)
        await meter.after_call(admission, USAGE)
        spent.append(time.perf_counter() - started)
    for parameters in prompts:
        started = time.perf_counter()
        count_tokens(parameters, "claude-sonnet-4-5")
        counting.append(time.perf_counter() - started)
    for parameters in prompts:
        started = time.perf_counter()
        token_bound(token_text(parameters))
        bounding.append(time.perf_counter() - started)
    return tuple(statistics.median(times) * 1e6 for times in (spent, counting, bounding))  # type: ignore[return-value]


def engine_for(doc: dict[str, Any], agent: Any) -> WorkflowEngine:
    registry = AgentRegistry()
    registry.register("LLM", agent)
    engine = WorkflowEngine(doc, registry)
    engine.run({"items": [0]})  # compile, load the tokenizer and the prices
    return engine


def timed(engine: WorkflowEngine, items: dict[str, Any]) -> tuple[float, float]:
    """(wall, thread CPU) µs per call of one run of the Map."""
    wall, cpu = time.perf_counter(), time.thread_time()
    result = engine.run(items)
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    assert result.status == "SUCCEEDED", result.cause
    return wall / CALLS * 1e6, cpu / CALLS * 1e6


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the start")
    hook, tokenizing, bounding = asyncio.run(hooks())
    print(f"hooks per call (median of {HOOK_CALLS}): {hook:6.1f} µs (target ≤ 20 µs)")
    print(f"  the input's byte bound, in the hooks: {bounding:6.1f} µs")
    print(f"  exact tokenizing, when it does not fit: {tokenizing:6.1f} µs")
    engines = {
        "plain": engine_for(document(False), lambda parameters: {"ok": True}),
        "accounted": engine_for(
            document(False), lambda parameters: AgentResult({"ok": True}, USAGE)
        ),
        "enforced": engine_for(document(True), lambda parameters: AgentResult({"ok": True}, USAGE)),
    }
    items = {"items": list(range(CALLS))}
    walls: dict[str, list[float]] = {name: [] for name in engines}
    cpus: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(rounds):
        for name, engine in engines.items():
            wall, cpu = timed(engine, items)
            walls[name].append(wall)
            cpus[name].append(cpu)
    print(
        f"end to end, {CALLS} calls a run, medians of {rounds} rounds   wall    CPU  (µs per call)"
    )
    labels = {
        "plain": "agent returning plain JSON",
        "accounted": "usage accounted, no Budget",
        "enforced": "accounted and enforced",
    }
    for name, label in labels.items():
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"  {label:40} {wall:6.1f} {cpu:6.1f}")
    for name in ("accounted", "enforced"):
        wall = statistics.median(a - b for a, b in zip(walls[name], walls["plain"], strict=True))
        cpu = statistics.median(a - b for a, b in zip(cpus[name], cpus["plain"], strict=True))
        print(f"  {name} minus plain, same round:{'':14} {wall:6.1f} {cpu:6.1f}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
