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

3. ``--instructions``: the same three Maps counted in CPU instructions per call
   by valgrind's callgrind (the run of 1,100 items minus the run of 100, the
   start-up left uninstrumented), a figure that the machine's load does not
   change; ``--baseline SRC`` counts another source tree too (a checkout from
   before a change), in processes of their own.

Run: ``python benchmarks/bench_budget.py [--rounds N] [--instructions [--baseline SRC]]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from asl import AgentRegistry, AgentResult, Usage, WorkflowEngine
from asl.language.tokens import count_tokens
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
    from asl.language.tokens import token_bound, token_text  # not in older trees (--baseline)

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
    return (
        statistics.median(spent) * 1e6,
        statistics.median(counting) * 1e6,
        statistics.median(bounding) * 1e6,
    )


def engine_for(variant: str) -> WorkflowEngine:
    """The Map of one variant: plain, accounted or enforced, compiled and warmed up."""
    registry = AgentRegistry()
    if variant == "plain":
        registry.register("LLM", lambda parameters: {"ok": True})
    else:
        registry.register("LLM", lambda parameters: AgentResult({"ok": True}, USAGE))
    engine = WorkflowEngine(document(variant == "enforced"), registry)
    engine.run({"items": [0]})  # compile, load the tokenizer and the prices
    return engine


def timed(engine: WorkflowEngine, items: dict[str, Any]) -> tuple[float, float]:
    """(wall, thread CPU) µs per call of one run of the Map."""
    wall, cpu = time.perf_counter(), time.thread_time()
    result = engine.run(items)
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    assert result.status == "SUCCEEDED", result.cause
    return wall / CALLS * 1e6, cpu / CALLS * 1e6


VARIANTS = {
    "plain": "agent returning plain JSON",
    "accounted": "usage accounted, no Budget",
    "enforced": "accounted and enforced",
}


def timings(rounds: int) -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the start")
    hook, tokenizing, bounding = asyncio.run(hooks())
    print(f"hooks per call (median of {HOOK_CALLS}): {hook:6.1f} µs (target ≤ 20 µs)")
    print(f"  the input's byte bound, in the hooks:   {bounding:6.1f} µs")
    print(f"  exact tokenizing, when it does not fit: {tokenizing:6.1f} µs")
    engines = {variant: engine_for(variant) for variant in VARIANTS}
    items = {"items": list(range(CALLS))}
    walls: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    cpus: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    for _ in range(rounds):
        for variant, engine in engines.items():
            wall, cpu = timed(engine, items)
            walls[variant].append(wall)
            cpus[variant].append(cpu)
    print(f"end to end, {CALLS} calls a run, medians of {rounds} rounds, µs per call:  wall    CPU")
    for variant, label in VARIANTS.items():
        wall, cpu = statistics.median(walls[variant]), statistics.median(cpus[variant])
        print(f"  {label:48} {wall:6.1f} {cpu:6.1f}")
    for variant in ("accounted", "enforced"):
        pairs = zip(walls[variant], walls["plain"], strict=True)
        wall = statistics.median(a - b for a, b in pairs)
        pairs = zip(cpus[variant], cpus["plain"], strict=True)
        cpu = statistics.median(a - b for a, b in pairs)
        target = " (target ≤ 20)" if variant == "enforced" else ""
        print(f"  {variant + ' minus plain, same round' + target:48} {wall:6.1f} {cpu:6.1f}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


def child(variant: str, calls: int) -> None:
    """Under callgrind: warm up, then run the Map once while the parent has it counted."""
    engine = engine_for(variant)
    items = {"items": list(range(calls))}
    print("ready", flush=True)
    sys.stdin.readline()
    engine.run(items)


def counted(variant: str, calls: int, source: str) -> int:
    """Instructions of one run of the Map, in a process importing asl from ``source``."""
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
    command += ["--callgrind-out-file=/dev/null", sys.executable, __file__]
    command += ["--child", variant, str(calls)]
    env = {**os.environ, "PYTHONPATH": source, "PYTHONHASHSEED": "0"}
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    subprocess.run(
        ["callgrind_control", "-i", "on", str(process.pid)], check=True, capture_output=True
    )
    _, errors = process.communicate("go\n")
    found = re.search(r"Collected : (\d+)", errors)
    assert found is not None, errors
    return int(found.group(1))


def instructions(sources: dict[str, str]) -> None:
    print("CPU instructions per call (callgrind: 1,100 calls minus 100)")
    print(f"  {'':32}" + "".join(f"{name:>12}" for name in sources))
    figures: dict[str, dict[str, int]] = {name: {} for name in sources}
    for variant, label in VARIANTS.items():
        for name, source in sources.items():
            many, few = counted(variant, 1100, source), counted(variant, 100, source)
            figures[name][variant] = (many - few) // 1000
        print(f"  {label:32}" + "".join(f"{figures[name][variant]:>12,}" for name in sources))
    for variant in ("accounted", "enforced"):
        row = "".join(f"{f[variant] - f['plain']:>12,}" for f in figures.values())
        print(f"  {variant + ' minus plain':32}{row}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds of the three Maps")
    parser.add_argument("--instructions", action="store_true", help="count with callgrind")
    parser.add_argument("--baseline", metavar="SRC", help="also count this source tree")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child[0], int(options.child[1]))
    elif options.instructions:
        here = str(Path(__file__).resolve().parent.parent / "src")
        sources = {"this tree": here}
        if options.baseline:
            sources["baseline"] = options.baseline
        instructions(sources)
    else:
        timings(options.rounds)


if __name__ == "__main__":
    main()
