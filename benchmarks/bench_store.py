"""Latency of one durable state transition: ``commit_transition`` on each store.

Run: ``python benchmarks/bench_store.py``. The target is a median of 0.3 ms or
less for SQLite and for Redis. The transition is a realistic one: a small
output and two history events (entered, exited) with usage totals. SQLite
writes to a temporary file (WAL, synchronous=NORMAL); Redis is a
``redis-server`` this script starts on a free loopback port and stops by its
PID (Debian package ``redis-server``; skipped with a note when it is missing).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from asl.store import Store, Transition
from asl.store.memory import MemoryStore
from asl.store.redis import RedisStore
from asl.store.sqlite import SQLiteStore

COMMITS = 2000
WARMUP = 100
TARGET_MS = 0.3


def transition(sequence: int) -> Transition:
    return Transition(
        execution_id="bench",
        sequence=sequence,
        state="Classify",
        output={"ticket": {"id": "T-1"}, "triage": {"category": "billing", "confidence": 0.93}},
        next_state="Route",
        events=[
            {"type": "TaskStateEntered", "timestamp": "2026-01-01T00:00:00.000Z",
             "state": "Classify"},
            {"type": "TaskStateExited", "timestamp": "2026-01-01T00:00:00.004Z",
             "state": "Classify", "output": {"category": "billing"}},
        ],
        tokens=120 * sequence,
        cost=0.0004 * sequence,
    )  # fmt: skip


async def commit_latencies_ms(store: Store) -> list[float]:
    await store.create_execution("bench", "sha256:bench", {"ticket": {"id": "T-1"}}, "Classify")
    times = []
    for sequence in range(1, WARMUP + COMMITS + 1):
        step = transition(sequence)
        started = time.perf_counter()
        await store.commit_transition(step)
        times.append((time.perf_counter() - started) * 1000)
    return times[WARMUP:]


def report(name: str, times: list[float]) -> None:
    median = statistics.median(times)
    p90 = statistics.quantiles(times, n=10)[-1]
    verdict = "meets" if median <= TARGET_MS else "MISSES"
    print(
        f"{name:<8} median {median:.3f} ms  p90 {p90:.3f} ms  ({verdict} the {TARGET_MS} ms target)"
    )


def start_redis(directory: Path) -> tuple[subprocess.Popen[bytes], int] | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(directory),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return server, port
        except OSError:
            time.sleep(0.01)
    os.kill(server.pid, 15)
    sys.exit("redis-server did not start")


async def main() -> None:
    print(f"{COMMITS} commits each, after {WARMUP} warm-up commits")
    report("memory", await commit_latencies_ms(MemoryStore()))
    with tempfile.TemporaryDirectory() as directory:
        sqlite = SQLiteStore(Path(directory) / "bench.db")
        report("sqlite", await commit_latencies_ms(sqlite))
        await sqlite.close()
        started = start_redis(Path(directory))
        if started is None:
            print("redis    skipped: redis-server is not on PATH (apt-get install redis-server)")
            return
        server, port = started
        try:
            redis = await RedisStore.connect(f"redis://127.0.0.1:{port}/0")
            report("redis", await commit_latencies_ms(redis))
            await redis.close()
        finally:
            os.kill(server.pid, 15)
            server.wait(timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
