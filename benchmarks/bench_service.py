"""Loopback load on the service: one ``asl serve``, two ``asl worker``, one Redis.

Closed-loop clients each start an execution of a three-state workflow (Task,
Pass, Succeed) and wait for its result (``waitSeconds``), again and again, for a
fixed time. Prints executions per second and the p50/p95/p99 latency of
start-and-wait. Target on the project's 2-core machine: >= 200 executions/s,
p95 <= 50 ms.

    python benchmarks/bench_service.py [--seconds 10] [--clients 8]

Needs ``redis-server`` on PATH. Everything it starts is stopped by PID.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.service.support import (  # noqa: E402
    WORKFLOW_THREE,
    bearer,
    free_port,
    make_keys,
    service_env,
    start_server,
    start_worker,
)


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not on PATH (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(folder),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return server, url
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Usage:
    """CPU seconds of each process and Redis commands served, between two snapshots."""

    def __init__(self, pids: dict[str, int], redis_url: str) -> None:
        import redis

        self.pids = pids
        self.redis = redis.Redis.from_url(redis_url)
        self.cpu: dict[str, float] = {}
        self.commands: dict[str, int] = {}

    def snapshot(self) -> tuple[dict[str, float], dict[str, int]]:
        cpu = {name: _cpu_seconds(pid) for name, pid in self.pids.items()}
        stats = self.redis.info("commandstats")
        commands = {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}
        return cpu, commands

    def start(self) -> None:
        self.cpu, self.commands = self.snapshot()

    def stop(self) -> None:
        cpu, commands = self.snapshot()
        self.cpu = {name: cpu[name] - self.cpu[name] for name in cpu}
        self.commands = {
            name: calls - self.commands.get(name, 0)
            for name, calls in commands.items()
            if calls > self.commands.get(name, 0)
        }


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(url: str, key: str, seconds: float, clients: int, usage: Usage) -> list[float]:
    latencies: list[float] = []
    failures = 0
    stop_at = 0.0

    async def client(http: httpx2.AsyncClient) -> None:
        nonlocal failures
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            answer = await http.post(
                "/v1/executions",
                json={"workflow": "three", "input": {"text": "bench"}, "waitSeconds": 10},
                headers=bearer(key),
            )
            took = time.perf_counter() - began
            if answer.status_code == 200 and answer.json()["status"] == "SUCCEEDED":
                latencies.append(took)
            else:
                failures += 1

    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        for _ in range(20):  # warm up: imports, connections, compiled workflow
            await http.post(
                "/v1/executions",
                json={"workflow": "three", "input": {"text": "warm"}, "waitSeconds": 10},
                headers=bearer(key),
            )
        usage.start()
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(client(http) for _ in range(clients)))
        usage.stop()
    if failures:
        print(f"failures: {failures}")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--workers", type=int, default=2, help="0: no broker, the server runs executions"
    )
    parser.add_argument(
        "--poll-ms", type=int, default=20, help="worker_poll_ms: the longest idle queue poll"
    )
    options = parser.parse_args()
    load_before = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="asl-bench-"))
    redis_server, redis_url = start_redis(folder)
    env = service_env(
        store=redis_url,
        broker=redis_url if options.workers else "",
        queue=f"bench{uuid.uuid4().hex[:6]}",
        rate_limit_per_second=100000,
        rate_limit_burst=100000,
        log_level="INFO",
        worker_concurrency=8,
        worker_poll_ms=options.poll_ms,
    )
    processes = []
    try:
        keys = make_keys(redis_url)
        server, url = start_server(env, folder / "serve.log")
        processes.append(server)
        processes += [start_worker(env, folder / f"worker{n}.log") for n in range(options.workers)]
        registered = httpx2.post(
            f"{url}/v1/workflows",
            json={"name": "three", "definition": WORKFLOW_THREE},
            headers=bearer(keys["admin"]),
        )
        assert registered.status_code == 201, registered.text
        try:  # the load generator shares the machine: keep its own overhead small
            import uvloop

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        except ImportError:
            pass
        pids = {"server": server.popen.pid}
        pids |= {f"worker{n}": p.popen.pid for n, p in enumerate(processes[1:])}
        pids |= {"redis": redis_server.pid, "load": os.getpid()}
        usage = Usage(pids, redis_url)
        latencies = asyncio.run(load(url, keys["execute"], options.seconds, options.clients, usage))
        cuts = statistics.quantiles(latencies, n=100)
        print(
            f"one instance + {options.workers} workers, {options.clients} clients, "
            f"{options.seconds:g} s, "
            f"{os.cpu_count()} cores"
        )
        print(f"executions/s (start-and-wait, SUCCEEDED): {len(latencies) / options.seconds:.0f}")
        print(
            f"latency ms: p50 {cuts[49] * 1000:.1f}  p95 {cuts[94] * 1000:.1f}  "
            f"p99 {cuts[98] * 1000:.1f}"
        )
        runs = max(1, len(latencies))
        print(
            "CPU ms per execution: "
            + "  ".join(f"{name} {1000 * cpu / runs:.2f}" for name, cpu in usage.cpu.items())
            + f"  (all {1000 * sum(usage.cpu.values()) / runs:.2f})"
        )
        commands = sorted(usage.commands.items(), key=lambda item: -item[1])
        print(
            f"Redis commands per execution: {sum(usage.commands.values()) / runs:.1f} ("
            + ", ".join(f"{name} {calls / runs:.1f}" for name, calls in commands[:8])
            + ")"
        )
        print(f"load average (1 min) before/after: {load_before:.2f} / {os.getloadavg()[0]:.2f}")
    finally:
        for process in processes:
            process.stop()
        redis_server.terminate()
        redis_server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
