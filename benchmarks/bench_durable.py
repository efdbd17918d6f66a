"""Durable state transitions: the journal's cost per state, beside LangGraph's SQLite checkpointer.

A chain of Pass states, each committed to the store (SQLite file, and a real
redis-server on loopback when one is installed); the same chain of nodes in
LangGraph with ``SqliteSaver`` (a checkpoint per step). Per transition:
(time of a long chain - time of a short one) / the difference, median of
several runs. Targets: ≤ 0.3 ms per durable transition; ≥ 2× faster than
LangGraph's checkpointed step. Run: ``python benchmarks/bench_durable.py``
(LangGraph comes with ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any, TypedDict

from _scale import scaled

from asl import WorkflowEngine

LONG, SHORT, RUNS = scaled(200, 20), 10, scaled(7)


def chain(n: int) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for i in range(n):
        state: dict[str, Any] = {"Type": "Pass", "Parameters": {"a.$": "$.a", "i": 1}}
        state.update({"Next": f"S{i + 1}"} if i + 1 < n else {"End": True})
        states[f"S{i}"] = state
    return {"StartAt": "S0", "States": states}


def asl_seconds(store: str, n: int, compiled: bool = True) -> float:
    """One run of an ``n``-state chain; ``compiled``: validated and compiled beforehand.

    An engine validates and compiles its document on its first run, once: that cost
    (about half a millisecond per Pass state) is not a transition's, so by default a
    warm-up run on the same engine pays it before the timed one.
    """
    engine = WorkflowEngine(chain(n), store=store)

    async def runs() -> float:
        if compiled:
            await engine.arun({"a": 1}, execution_id=uuid.uuid4().hex)
        started = time.perf_counter()
        result = await engine.arun({"a": 1}, execution_id=uuid.uuid4().hex)
        elapsed = time.perf_counter() - started
        assert result.output == {"a": 1, "i": 1}, result.cause
        return elapsed

    return asyncio.run(runs())


class ChainState(TypedDict):
    a: int
    i: int


def langgraph_seconds(path: str, n: int) -> float:
    from langgraph.checkpoint.sqlite import SqliteSaver
    from langgraph.graph import END, START, StateGraph

    graph: Any = StateGraph(ChainState)
    for i in range(n):
        graph.add_node(f"n{i}", lambda s: {"a": s["a"], "i": 1})
        graph.add_edge(START if i == 0 else f"n{i - 1}", f"n{i}")
    graph.add_edge(f"n{n - 1}", END)
    with sqlite3.connect(path, check_same_thread=False) as connection:
        app = graph.compile(checkpointer=SqliteSaver(connection))
        config = {"configurable": {"thread_id": uuid.uuid4().hex}, "recursion_limit": n + 10}
        started = time.perf_counter()
        app.invoke({"a": 1, "i": 0}, config)
        return time.perf_counter() - started


def per_step_ms(measure: Callable[[int], float]) -> float:
    measure(SHORT)  # warm up (creates tables, imports)
    costs = [(measure(LONG) - measure(SHORT)) / (LONG - SHORT) * 1e3 for _ in range(RUNS)]
    return statistics.median(costs)


def redis_server() -> tuple[subprocess.Popen[bytes], str] | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.02)
    server.kill()
    return None


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite:///{folder}/asl.db"
        sqlite_ms = per_step_ms(lambda n: asl_seconds(sqlite_url, n))
        print(f"ASL durable transition, SQLite: median {sqlite_ms:.3f} ms (target <= 0.3 ms)")
        first_ms = per_step_ms(lambda n: asl_seconds(sqlite_url, n, compiled=False))
        print(f"  the same, first run of a new engine (validates and compiles): {first_ms:.3f} ms")
        started = redis_server()
        if started is not None:
            server, url = started
            try:
                redis_ms = per_step_ms(lambda n: asl_seconds(url, n))
                print(f"ASL durable transition, Redis: median {redis_ms:.3f} ms (target <= 0.3 ms)")
            finally:
                server.terminate()
                server.wait(timeout=10)
        else:
            print("Redis: redis-server not installed, skipped")
        try:
            langgraph_ms = per_step_ms(
                lambda n: langgraph_seconds(os.path.join(folder, "lg.db"), n)
            )
        except ImportError:
            print("LangGraph: install the bench extra (langgraph-checkpoint-sqlite) to compare")
            return
        print(
            f"LangGraph step with SqliteSaver: median {langgraph_ms:.3f} ms; "
            f"LangGraph/ASL (SQLite) = {langgraph_ms / sqlite_ms:.1f}x (target >= 2x)"
        )


if __name__ == "__main__":
    main()
