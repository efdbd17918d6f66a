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
import json
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
from _scale import SCALE, scaled

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
    """CPU seconds (user, system) of each process and Redis commands, between two snapshots."""

    def __init__(self, pids: dict[str, int], redis_url: str) -> None:
        import redis

        self.pids = pids
        self.redis = redis.Redis.from_url(redis_url)
        self.cpu: dict[str, tuple[float, float]] = {}
        self.commands: dict[str, int] = {}

    def snapshot(self) -> tuple[dict[str, tuple[float, float]], dict[str, int]]:
        cpu = {name: _cpu_seconds(pid) for name, pid in self.pids.items()}
        stats = self.redis.info("commandstats")
        commands = {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}
        return cpu, commands

    def start(self) -> None:
        self.cpu, self.commands = self.snapshot()

    def stop(self) -> None:
        cpu, commands = self.snapshot()
        self.cpu = {
            name: (user - self.cpu[name][0], system - self.cpu[name][1])
            for name, (user, system) in cpu.items()
        }
        self.commands = {
            name: calls - self.commands.get(name, 0)
            for name, calls in commands.items()
            if calls > self.commands.get(name, 0)
        }


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU of a process so far (Linux ``/proc``; zeros elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


class RawConnection:
    """One keep-alive HTTP/1.1 connection written by hand: the load generator shares the
    machine's two cores with what it measures, and httpx costs about 1.2 ms of CPU per
    request here, this about 0.1 ms (``--client httpx`` measures with httpx)."""

    def __init__(self, url: str, key: str) -> None:
        self.host, _, port = url.removeprefix("http://").partition(":")
        self.port = int(port)
        self.head = (
            f"POST /v1/executions HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
        ).encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: dict[str, object]) -> tuple[int, dict[str, object]]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        data = json.dumps(body).encode()
        self.writer.write(self.head + b"Content-Length: %d\r\n\r\n" % len(data) + data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = next(
            int(line.partition(":")[2])
            for line in lines[1:]
            if line.lower().startswith("content-length:")
        )
        answer = json.loads(await self.reader.readexactly(length))
        return status, answer

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class HttpxConnection:
    """The same requests through httpx (one shared client)."""

    def __init__(self, http: httpx2.AsyncClient, key: str) -> None:
        self.http = http
        self.headers = bearer(key)

    async def post(self, body: dict[str, object]) -> tuple[int, dict[str, object]]:
        answer = await self.http.post("/v1/executions", json=body, headers=self.headers)
        return answer.status_code, answer.json()

    async def close(self) -> None:
        return None


async def load(
    url: str, key: str, seconds: float, clients: int, usage: Usage, kind: str
) -> list[float]:
    latencies: list[float] = []
    failures = 0
    stop_at = 0.0  # set when the warm-up is over: it must not eat the timed window
    body = {"workflow": "three", "input": {"text": "bench"}, "waitSeconds": 10}

    async def client(connection: RawConnection | HttpxConnection) -> None:
        nonlocal failures
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            status, answer = await connection.post(body)
            took = time.perf_counter() - began
            if status == 200 and answer["status"] == "SUCCEEDED":
                latencies.append(took)
            else:
                failures += 1

    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        connections = [
            RawConnection(url, key) if kind == "raw" else HttpxConnection(http, key)
            for _ in range(clients)
        ]
        for connection in connections:  # warm up: imports, connections, compiled workflow
            for _ in range(scaled(3)):
                await connection.post({**body, "input": {"text": "warm"}})
        usage.start()
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(client(connection) for connection in connections))
        usage.stop()
        for connection in connections:
            await connection.close()
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
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="the load generator's HTTP client (raw: a minimal one that leaves the CPU to "
        "the service)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the processes' logs")
    options = parser.parse_args()
    options.seconds = max(min(options.seconds, 0.5), options.seconds * SCALE)
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
        latencies = asyncio.run(
            load(url, keys["execute"], options.seconds, options.clients, usage, options.client)
        )
        cuts = statistics.quantiles(latencies, n=100)
        print(
            f"one instance + {options.workers} workers, {options.clients} clients, "
            f"{options.seconds:g} s, {options.client} client, "
            f"{os.cpu_count()} cores"
        )
        print(f"executions/s (start-and-wait, SUCCEEDED): {len(latencies) / options.seconds:.0f}")
        print(
            f"latency ms: p50 {cuts[49] * 1000:.1f}  p95 {cuts[94] * 1000:.1f}  "
            f"p99 {cuts[98] * 1000:.1f}"
        )
        runs = max(1, len(latencies))
        ms = {name: (1000 * u / runs, 1000 * k / runs) for name, (u, k) in usage.cpu.items()}
        print(
            "CPU ms per execution (user+system): "
            + "  ".join(f"{name} {u:.2f}+{k:.2f}" for name, (u, k) in ms.items())
            + f"  (all {sum(u + k for u, k in ms.values()):.2f})"
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
        if options.keep:
            print(f"logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
