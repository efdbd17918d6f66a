"""What the event bus costs per state: nothing when nobody listens, a few µs when someone does.

Run from the repository root::

    python benchmarks/bench_events.py                          # this tree
    python benchmarks/bench_events.py --baseline /path/to/src  # and a tree without the bus

Prints, per shape, the marginal microseconds per state (the best of many runs of a
long workflow minus the best of a short one, divided by the difference) for:

- ``nobody listens``: the default; the history is a plain list and no bus exists;
- ``on_event``: one no-op listener, so every event becomes a dict and is published;
- ``stream()``: an ``async for`` consumer, every event through an asyncio queue.

With ``--baseline`` the same ``nobody listens`` figure is measured in a subprocess
that imports ``asl`` from the given source tree (a checkout from before the bus),
and the difference is the bus's cost when nobody listens; the target is ≤ 5 µs.

Shapes: ``chain`` (1,000 Pass states with Parameters) and ``task`` (100 Task
states calling an async agent that returns its input).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from _scale import scaled

REPEATS = scaled(60)
TARGET_US = 5.0


def best_seconds(run: Callable[[], Any], repeats: int = REPEATS) -> float:
    """The fastest of ``repeats`` runs after a warm-up, the collector paused while timing."""
    run()
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - started)
        finally:
            gc.enable()
    return best


def marginal_us(make: Callable[[int], Callable[[], Any]], large: int, small: int) -> float:
    return (best_seconds(make(large)) - best_seconds(make(small))) / (large - small) * 1e6


def chain(n: int) -> dict[str, Any]:
    states = {
        f"S{i}": {"Type": "Pass", "Parameters": {"a.$": "$.a", "i": 1}, "Next": f"S{i + 1}"}
        for i in range(n)
    }
    states[f"S{n - 1}"] = {"Type": "Pass", "Parameters": {"a.$": "$.a", "i": 1}, "End": True}
    return {"StartAt": "S0", "States": states}


def tasks(n: int) -> dict[str, Any]:
    states = {f"T{i}": {"Type": "Task", "Agent": "Echo", "Next": f"T{i + 1}"} for i in range(n)}
    states[f"T{n - 1}"] = {"Type": "Task", "Agent": "Echo", "End": True}
    return {"StartAt": "T0", "States": states}


async def echo(parameters: Any) -> Any:
    return parameters


def runner(document: dict[str, Any], mode: str) -> Callable[[], Any]:
    """A timed callable for one way of listening; it checks the run once first."""
    from asl import AgentRegistry, WorkflowEngine

    engine = WorkflowEngine(document, AgentRegistry({"Echo": echo}))
    if mode == "on_event":
        engine.on_event(lambda event: None)

    async def once() -> Any:
        if mode != "stream":
            return (await engine.arun({"a": 1})).status
        status = None
        async for event in engine.stream({"a": 1}):
            status = event["type"]
        return status

    def run() -> Any:
        return asyncio.run(once())

    outcome = run()
    assert outcome in ("SUCCEEDED", "ExecutionSucceeded"), outcome
    return run


SHAPES: dict[str, tuple[Callable[[int], dict[str, Any]], int, int]] = {
    "chain": (chain, scaled(1000, 20), scaled(100, 10)),
    "task": (tasks, scaled(200, 4), scaled(20, 2)),
}


def measure(modes: list[str]) -> dict[str, dict[str, float]]:
    return {
        shape: {
            mode: marginal_us(
                lambda n, build=build, mode=mode: runner(build(n), mode), large, small
            )
            for mode in modes
        }
        for shape, (build, large, small) in SHAPES.items()
    }


def baseline(source: str) -> dict[str, dict[str, float]]:
    """The ``nobody listens`` figures of another source tree, in a process of its own."""
    env = {**os.environ, "PYTHONPATH": source}
    done = subprocess.run(
        [sys.executable, __file__, "--json", "--modes", "nobody"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, dict[str, float]] = json.loads(done.stdout)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="SRC", help="a source tree without the bus")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--modes", default="nobody,on_event,stream", help=argparse.SUPPRESS)
    options = parser.parse_args()
    modes = options.modes.split(",")
    figures = measure(modes)
    if options.json:
        print(json.dumps(figures))
        return
    before = baseline(options.baseline) if options.baseline else None
    print(f"{'shape':<8}{'mode':<16}{'µs/state':>10}{'vs nobody':>12}{'vs baseline':>14}")
    for shape, by_mode in figures.items():
        for mode in modes:
            us = by_mode[mode]
            extra = f"{us - by_mode['nobody']:+.2f}" if mode != "nobody" else ""
            versus = ""
            if before is not None and mode == "nobody":
                delta = us - before[shape]["nobody"]
                verdict = "ok" if delta <= TARGET_US else "OVER"
                versus = f"{delta:+.2f} {verdict}"
            print(f"{shape:<8}{mode:<16}{us:>10.2f}{extra:>12}{versus:>14}")
    if before is not None:
        print(f"baseline ({options.baseline}) nobody listens: "
              + ", ".join(f"{s} {v['nobody']:.2f} µs" for s, v in before.items()))  # fmt: skip
    print(f"target: the bus adds ≤ {TARGET_US:g} µs per state when nobody listens")


if __name__ == "__main__":
    main()
