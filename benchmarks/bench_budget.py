"""What budgets add to each agent call: accounting, and enforcement before the call.

Target (budget issue): accounting + enforcement add ≤ 20 µs per agent call.

1. The hooks alone: for 20,000 calls with distinct prompts, the time of
   ``admit`` (tokenize, estimate, check the limits and the fallback cascade,
   reserve) + ``add_usage`` (price and record) + ``after_call`` (settle); the
   median is the figure, because a shared machine's scheduler adds long tails
   that are not ours. Tokenizing alone is shown apart.
2. End to end: the same Map of 2,000 sequential Task calls, in memory, with
   an agent returning plain JSON (nothing to account), returning usage (priced
   and summed, no Budget), and with a Budget and a state Budget (every call
   accounted and enforced); best of 5 runs, per call.

Run: ``python benchmarks/bench_budget.py``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from typing import Any

from asl import AgentRegistry, AgentResult, Usage, WorkflowEngine
from asl.language.tokens import count_tokens
from asl.runtime.execution import Scope

CALLS = 2000
HOOK_CALLS = 20_000
ROUNDS = 5
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


async def hooks() -> tuple[float, float]:
    engine = WorkflowEngine(document(True), AgentRegistry())
    execution = engine._execution("bench", {})
    meter = execution.budget
    await meter.begin(False)
    scope = Scope(execution)
    prompts = [{"prompt": f"Summarize paragraph {i} of the report."} for i in range(HOOK_CALLS)]
    count_tokens(prompts[0])  # load the encoding
    spent, counting = [], []
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
    return statistics.median(spent) * 1e6, statistics.median(counting) * 1e6


def per_call(doc: dict[str, Any], agent: Any) -> float:
    registry = AgentRegistry()
    registry.register("LLM", agent)
    engine = WorkflowEngine(doc, registry)
    engine.run({"items": [0]})  # compile, load the tokenizer and the prices
    best = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        result = engine.run({"items": list(range(CALLS))})
        best.append((time.perf_counter() - started) / CALLS)
        assert result.status == "SUCCEEDED", result.cause
    return min(best) * 1e6


def main() -> None:
    load = os.getloadavg()[0]
    print(
        f"load average {load:.1f} on {os.cpu_count()} CPUs (figures are only comparable when low)"
    )
    hook, tokenizing = asyncio.run(hooks())
    print(f"hooks per call (median of {HOOK_CALLS}): {hook:6.1f} µs (target ≤ 20 µs)")
    print(f"  of which tokenizing the input:  {tokenizing:6.1f} µs")
    plain = per_call(document(False), lambda parameters: {"ok": True})
    accounted = per_call(document(False), lambda parameters: AgentResult({"ok": True}, USAGE))
    enforced = per_call(document(True), lambda parameters: AgentResult({"ok": True}, USAGE))
    print(f"end to end, plain JSON agent:       {plain:6.1f} µs per call (best of {ROUNDS})")
    print(f"end to end, usage accounted:        {accounted:6.1f} µs per call (no Budget)")
    print(f"end to end, accounted and enforced: {enforced:6.1f} µs per call")
    print(f"  difference from plain:            {enforced - plain:6.1f} µs per call")


if __name__ == "__main__":
    main()
