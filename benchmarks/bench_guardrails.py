"""What Guardrails and Cache cost per Task, beside a plain Task, on this machine.

Run from the repository root: ``python benchmarks/bench_guardrails.py``. Prints
microseconds per Task for a chain of 100 Task states calling a sync agent that
returns a short text with an email address in it:

  plain       no Guardrails, no Cache (what every other Task pays)
  pii mask    Guardrails.Output with one ``pii`` rule (every kind) masking the email
  regex+len   Guardrails.Output with a ``length`` and a ``regex`` rule (nothing found)
  cache hit   Cache with a fixed key per state, every call served from memory://

Each figure is a marginal cost, ``(time(100) - time(10)) / 90`` with each time the
best of several runs, so the fixed cost of a run (event loop, execution id, result)
cancels out; the garbage collector is paused while timing, as ``timeit`` does.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from asl import AgentRegistry, WorkflowEngine
from asl.store.memory import MemoryStore

LONG, SHORT = 100, 10
REPEATS = 40
TEXT = "Thanks for writing, we will reply to ada@example.com within a day."


def chain(extra: dict[str, Any], tasks: int) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for i in range(tasks):
        state: dict[str, Any] = {"Type": "Task", "Agent": "Writer", **extra}
        if "Cache" in extra:
            state["Cache"] = {"Key": f"k{i}"}
        if i + 1 < tasks:
            state["Next"] = f"T{i + 1}"
        else:
            state["End"] = True
        states[f"T{i}"] = state
    return {"StartAt": "T0", "States": states}


SHAPES: dict[str, dict[str, Any]] = {
    "plain": {},
    "pii mask": {
        "Guardrails": {"Output": {"Rules": [{"Type": "pii", "Detect": True, "Action": "mask"}]}}
    },
    "regex+len": {
        "Guardrails": {
            "Output": {
                "Rules": [{"Type": "length", "Max": 1000}, {"Type": "regex", "Pattern": "secret"}]
            }
        }
    },
    "cache hit": {"Cache": {}},
}


def best_seconds(definition: dict[str, Any]) -> float:
    registry = AgentRegistry({"Writer": lambda parameters: TEXT})
    engine = WorkflowEngine(definition, registry, store=MemoryStore(), durable=False)
    engine.run({})  # compiles, and fills the cache for "cache hit"
    best = float("inf")
    for _ in range(REPEATS):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            engine.run({})
            best = min(best, time.perf_counter() - started)
        finally:
            gc.enable()
    return best


def main() -> None:
    print(f"{'shape':<12}{'µs per Task':>12}")
    for name, extra in SHAPES.items():
        long, short = best_seconds(chain(extra, LONG)), best_seconds(chain(extra, SHORT))
        print(f"{name:<12}{(long - short) / (LONG - SHORT) * 1e6:>12.1f}")


if __name__ == "__main__":
    main()
