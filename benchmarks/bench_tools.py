"""What governing a tool call costs, and how long a sandbox takes to start.

Target (governed-tools issue): the permission and rate check adds ≤ 20 µs to an
in-process tool call. Printed: the permission + rate-limit check alone (an
Allowed glob, a Denied glob, a ``"*"`` limit and a per-tool limit with
MaxConcurrent, counted in this process), the whole ``call_tool`` path (which
also records history events), both beside calling the function directly; then
the start-up time of the bubblewrap sandbox (``execute_python('pass')`` and a
sandboxed Python tool), median of several runs.
Run: ``python benchmarks/bench_tools.py``.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import time
from typing import Any

from _scale import scaled

from asl.tools.builtins import execute_python
from asl.tools.limits import LocalRateLimits, admit
from asl.tools.policy import compile_tools
from asl.tools.registry import ToolRegistry
from asl.tools.toolbox import ToolBox

CALLS = scaled(50_000)
GOVERNED = {
    "Allowed": ["web_*", "add"],
    "Denied": ["*_shell"],
    "RateLimits": {
        "*": {"MaxPerMinute": 10_000_000},
        "add": {"MaxPerMinute": 10_000_000, "MaxConcurrent": 8},
    },
}


async def add(a: int, b: int) -> int:
    return a + b


class Clock:
    time = staticmethod(time.time)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def per_call(seconds: float) -> float:
    return seconds / CALLS * 1e6


async def measure() -> dict[str, float]:
    tools = ToolRegistry()
    tools.register(add)
    tools.rate_limits = LocalRateLimits()
    events: list[Any] = []

    def record(kind: str, state: str | None, key: str | None, value: Any) -> int:
        events.append((kind, state, key, value))
        return len(events)

    governed = compile_tools("Bench", GOVERNED)
    plain = compile_tools("Bench", None)
    clock = Clock()
    box = ToolBox(governed, tools, None, clock, record)
    open_box = ToolBox(plain, tools, None, clock, record)
    arguments = {"a": 1, "b": 2}
    results: dict[str, float] = {}

    start = time.perf_counter()
    for _ in range(CALLS):
        await add(**arguments)
    results["direct call"] = per_call(time.perf_counter() - start)

    limiter = tools.rate_limits
    start = time.perf_counter()
    for _ in range(CALLS):
        if governed.permissions.refusal("add") is not None:
            raise AssertionError("add must be allowed")
        for key, limit in governed.limits_for("add"):
            slot = await admit(limiter, key, limit, clock, "add", "Bench")
            if slot is not None:
                await limiter.release(key, slot)
    results["permission + rate check"] = per_call(time.perf_counter() - start)

    for name, toolbox in (("call_tool, no Tools block", open_box), ("call_tool, governed", box)):
        events.clear()
        start = time.perf_counter()
        for _ in range(CALLS):
            await toolbox.call("add", arguments)
        results[name] = per_call(time.perf_counter() - start) - results["direct call"]
    return results


def sandbox_startup(runs: int = scaled(7)) -> dict[str, float]:
    policy = compile_tools("Bench", {"Sandboxed": True})

    async def one() -> float:
        start = time.perf_counter()
        await execute_python(policy, "pass")
        return time.perf_counter() - start

    async def all_runs() -> list[float]:
        return [await one() for _ in range(runs)]

    timings = asyncio.run(all_runs())
    return {"execute_python('pass')": statistics.median(timings) * 1000}


def main() -> None:
    best: dict[str, float] = {}
    for _ in range(3):
        for name, value in asyncio.run(measure()).items():
            best[name] = min(value, best.get(name, value))
    print(f"in-process tool calls ({CALLS:,} each, best of 3, µs per call):")
    print(f"  {'direct call':<40} {best['direct call']:7.2f}")
    print(f"  {'permission + rate check (target ≤ 20)':<40} {best['permission + rate check']:7.2f}")
    for name in ("call_tool, no Tools block", "call_tool, governed"):
        print(f"  {name + ' (added)':<40} {best[name]:7.2f}")
    if shutil.which("bwrap") is None:
        print("sandbox start-up: bwrap is not installed")
        return
    for name, ms in sandbox_startup().items():
        print(f"sandbox start-up, {name} (median of 7): {ms:.0f} ms")


if __name__ == "__main__":
    main()
