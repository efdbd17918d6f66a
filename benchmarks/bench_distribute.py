"""Work spread inside executions, on loopback: one ``asl serve``, ``asl worker`` processes,
one Redis.

Two figures, each with the feature on and off:

- timers: ``--waits`` executions of a workflow whose Wait lasts ``--wait-seconds``,
  started at once on ONE worker with ONE slot. With timers (threshold 1 s) the
  Waits overlap; without (threshold above the Wait) each holds the slot in turn.
- fan-out: one Map of ``--items`` Task items (a trivial agent), MaxConcurrency 0,
  on ``--workers`` workers: the wall time of the execution, items as messages
  (``ASL_FAN_OUT=true``) or in the execution's worker (``false``). The difference
  divided by the item count is what a message costs per item.

    python benchmarks/bench_distribute.py [--waits 10] [--wait-seconds 2] [--items 100]

Needs ``redis-server`` on PATH. Everything it starts is stopped by PID.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from _scale import scaled  # noqa: E402
from benchmarks.bench_service import start_redis  # noqa: E402
from tests.service.support import (  # noqa: E402
    Process,
    bearer,
    make_keys,
    service_env,
    start_server,
    start_worker,
)


def nap(seconds: int) -> dict[str, Any]:
    return {
        "StartAt": "Nap",
        "States": {"Nap": {"Type": "Wait", "Seconds": seconds, "End": True}},
    }


EACH = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemSelector": {"text.$": "$$.Map.Item.Value"},
            "ItemProcessor": {
                "StartAt": "Shout",
                "States": {"Shout": {"Type": "Task", "Agent": "Upper", "End": True}},
            },
            "End": True,
        }
    },
}


class Service:
    """A server and workers on one Redis, with one queue of their own."""

    def __init__(self, folder: Path, redis_url: str, workers: int, **settings: Any) -> None:
        self.env = service_env(
            store=redis_url,
            broker=redis_url,
            queue=f"bench{uuid.uuid4().hex[:6]}",
            log_level="INFO",
            rate_limit_per_second=100000,
            rate_limit_burst=100000,
            **settings,
        )
        self.keys = make_keys(redis_url)
        self.processes: list[Process] = []
        server, self.url = start_server(self.env, folder / f"serve-{uuid.uuid4().hex[:4]}.log")
        self.processes.append(server)
        for _ in range(workers):
            log = folder / f"worker-{uuid.uuid4().hex[:4]}.log"
            self.processes.append(start_worker(self.env, log))
        self.http = httpx2.Client(base_url=self.url, timeout=60)

    def register(self, name: str, document: dict[str, Any]) -> None:
        answer = self.http.post(
            "/v1/workflows",
            json={"name": name, "definition": document},
            headers=bearer(self.keys["admin"]),
        )
        assert answer.status_code in (200, 201), answer.text

    def start(self, workflow: str, given: Any) -> str:
        answer = self.http.post(
            "/v1/executions",
            json={"workflow": workflow, "input": given},
            headers=bearer(self.keys["execute"]),
        )
        assert answer.status_code == 202, answer.text
        execution_id: str = answer.json()["executionId"]
        return execution_id

    def wait_all(self, execution_ids: list[str]) -> None:
        for execution_id in execution_ids:
            while True:
                described = self.http.get(
                    f"/v1/executions/{execution_id}", headers=bearer(self.keys["read"])
                ).json()
                if described["status"] != "RUNNING":
                    assert described["status"] == "SUCCEEDED", described
                    break
                time.sleep(0.02)

    def stop(self) -> None:
        self.http.close()
        for process in self.processes:
            process.stop()


def timed_waits(folder: Path, redis_url: str, count: int, seconds: int, threshold: float) -> float:
    service = Service(folder, redis_url, 1, worker_concurrency=1, timer_threshold_seconds=threshold)
    try:
        service.register("nap", nap(seconds))
        began = time.perf_counter()
        service.wait_all([service.start("nap", {}) for _ in range(count)])
        return time.perf_counter() - began
    finally:
        service.stop()


def timed_map(folder: Path, redis_url: str, items: int, workers: int, fan_out: bool) -> float:
    service = Service(folder, redis_url, workers, worker_concurrency=8, fan_out=fan_out)
    try:
        service.register("each", EACH)
        service.wait_all([service.start("each", ["warm"] * 4)])  # imports, compiled document
        began = time.perf_counter()
        service.wait_all([service.start("each", [f"item {n}" for n in range(items)])])
        return time.perf_counter() - began
    finally:
        service.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--waits", type=int, default=10)
    parser.add_argument("--wait-seconds", type=int, default=2)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="asl-bench-"))
    redis_server, redis_url = start_redis(folder)
    try:
        waits, seconds = scaled(options.waits), options.wait_seconds
        freed = timed_waits(folder, redis_url, waits, seconds, 1.0)
        held = timed_waits(folder, redis_url, waits, seconds, seconds + 1.0)
        print(f"{waits} executions with a {seconds} s Wait, one worker with one slot:")
        print(f"  timers (threshold 1 s):         {freed:6.2f} s")
        print(f"  sleeping in the slot (no timer): {held:6.2f} s")
        items, workers = scaled(options.items), options.workers
        spread = timed_map(folder, redis_url, items, workers, True)
        local = timed_map(folder, redis_url, items, workers, False)
        print(f"one Map of {items} trivial Task items, {workers} workers:")
        print(f"  items as messages (ASL_FAN_OUT=true):   {spread:6.2f} s")
        print(f"  items in one worker (ASL_FAN_OUT=false): {local:6.2f} s")
        print(f"  cost of a message per item: {(spread - local) / items * 1000:.1f} ms")
    finally:
        redis_server.terminate()
        redis_server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
