"""Scale-out on loopback: two ``asl serve`` instances and two ``asl worker`` processes,
sharing one real Redis as store and Dramatiq broker."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.service.support import (
    WORKFLOW_APPROVAL,
    WORKFLOW_SLOW,
    WORKFLOW_THREE,
    Process,
    bearer,
    make_keys,
    service_env,
    sse_events,
    start_server,
    start_worker,
)

LEASE_SECONDS = 3
RECOVERY_INTERVAL = 0.5


class Cluster:
    def __init__(self, folder: Path, redis_url: str, **settings: object) -> None:
        """Settings given override the defaults below (``worker_concurrency=1``, ...)."""
        self.folder = folder
        queue = f"q{uuid.uuid4().hex[:8]}"
        store = f"{redis_url}?prefix={queue}"  # each cluster its own workflows and keys
        defaults: dict[str, object] = {
            "store": store,
            "broker": redis_url,
            "queue": queue,
            "lease_seconds": LEASE_SECONDS,
            "recovery_interval_seconds": RECOVERY_INTERVAL,
            "worker_concurrency": 4,
        }
        self.env = service_env(**{**defaults, **settings})
        self.keys = make_keys(store)
        self.servers: list[tuple[Process, str]] = []
        self.workers: list[Process] = []

    def add_server(self) -> httpx2.Client:
        process, url = start_server(self.env, self.folder / f"serve{len(self.servers)}.log")
        self.servers.append((process, url))
        return httpx2.Client(base_url=url, timeout=20)

    def add_worker(self) -> Process:
        worker = start_worker(self.env, self.folder / f"worker{len(self.workers)}.log")
        self.workers.append(worker)
        return worker

    def logs(self) -> str:
        parts = [f"--- {p.log.name}\n{p.logs()}" for p, _ in self.servers]
        parts += [f"--- {w.log.name}\n{w.logs()}" for w in self.workers]
        return "\n".join(parts)

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        for process, _ in self.servers:
            process.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Cluster]:
    made = Cluster(tmp_path_factory.mktemp("cluster"), redis_url)
    try:
        yield made
    finally:
        made.stop()


@pytest.fixture(scope="module")
def instances(cluster: Cluster) -> Iterator[tuple[httpx2.Client, httpx2.Client]]:
    first, second = cluster.add_server(), cluster.add_server()
    cluster.add_worker()
    cluster.add_worker()
    admin = bearer(cluster.keys["admin"])
    for name, document in (
        ("three", WORKFLOW_THREE),
        ("review", WORKFLOW_APPROVAL),
        ("slow", WORKFLOW_SLOW),
    ):
        registered = first.post(
            "/v1/workflows", json={"name": name, "definition": document}, headers=admin
        )
        assert registered.status_code == 201, registered.text
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def describe(client: httpx2.Client, cluster: Cluster, execution_id: str) -> dict[str, Any]:
    answer = client.get(f"/v1/executions/{execution_id}", headers=bearer(cluster.keys["read"]))
    assert answer.status_code == 200, answer.text
    described: dict[str, Any] = answer.json()
    return described


def test_a_workflow_registered_on_one_instance_runs_from_the_other_on_a_worker(
    cluster: Cluster, instances: tuple[httpx2.Client, httpx2.Client]
) -> None:
    _, second = instances
    answer = second.post(
        "/v1/executions",
        json={"workflow": "three", "input": {"text": "spread"}, "waitSeconds": 15},
        headers=bearer(cluster.keys["execute"]),
    )
    assert answer.status_code == 200, cluster.logs()
    assert answer.json()["output"] == {"text": "SPREAD", "kept": True}
    worker_logs = "".join(worker.logs() for worker in cluster.workers)
    assert answer.json()["executionId"] in worker_logs  # a worker ran it, not the server


def test_start_on_one_approve_on_the_other_stream_from_either(
    cluster: Cluster, instances: tuple[httpx2.Client, httpx2.Client]
) -> None:
    first, second = instances
    started = first.post(
        "/v1/executions",
        json={"workflow": "review", "input": {"text": "cluster"}, "waitSeconds": 15},
        headers=bearer(cluster.keys["execute"]),
    )
    assert started.json()["status"] == "PAUSED", cluster.logs()
    execution_id = started.json()["executionId"]
    approvals = second.get(
        f"/v1/approvals?executionId={execution_id}", headers=bearer(cluster.keys["read"])
    ).json()["approvals"]
    assert [a["request"]["prompt"] for a in approvals] == ["Publish 'CLUSTER'?"]
    with second.stream(
        "GET", f"/v1/executions/{execution_id}/events", headers=bearer(cluster.keys["read"])
    ) as stream:
        seen: list[str] = []
        for line in stream.iter_lines():
            seen.append(line)
            if line == "event: ExecutionPaused":
                decided = second.post(
                    f"/v1/approvals/{approvals[0]['requestId']}/decision",
                    json={"approval": "approve", "approver": "ops"},
                    headers=bearer(cluster.keys["approve"]),
                )
                assert decided.status_code == 202
            if line == "event: end":
                break
    streamed = sse_events("\n".join(seen) + "\n\n")
    from_first = sse_events(
        first.get(
            f"/v1/executions/{execution_id}/events", headers=bearer(cluster.keys["read"])
        ).text
    )
    assert [f.get("id") for f in streamed] == [f.get("id") for f in from_first]
    assert from_first[-1]["data"]["status"] == "SUCCEEDED"
    assert from_first[-1]["data"]["output"]["review"]["approval"] == "approve"
    resumed = first.get(
        f"/v1/executions/{execution_id}/events",
        headers={**bearer(cluster.keys["read"]), "Last-Event-ID": from_first[-3]["id"]},
    )
    assert [f.get("event") for f in sse_events(resumed.text)] == ["ExecutionSucceeded", "end"]


def test_a_killed_worker_s_execution_is_finished_by_another(
    cluster: Cluster, instances: tuple[httpx2.Client, httpx2.Client]
) -> None:
    first, _ = instances
    started = first.post(
        "/v1/executions",
        json={"workflow": "slow", "input": {}},
        headers=bearer(cluster.keys["execute"]),
    )
    execution_id = started.json()["executionId"]
    deadline = time.monotonic() + 15
    while describe(first, cluster, execution_id)["position"] != "Sleep":
        assert time.monotonic() < deadline, cluster.logs()
        time.sleep(0.05)
    started_line = f'"message": "execution run started", "executionId": "{execution_id}"'
    (runner,) = [worker for worker in cluster.workers if started_line in worker.logs()]
    runner.kill()
    killed_at = time.monotonic()
    while describe(first, cluster, execution_id)["status"] == "RUNNING":
        assert time.monotonic() - killed_at < 30, cluster.logs()
        time.sleep(0.1)
    done = describe(first, cluster, execution_id)
    assert (done["status"], done["output"]) == (
        "SUCCEEDED",
        {"slept": 4, "pid": "hidden", "note": "finished"},
    )
    history = first.get(
        f"/v1/executions/{execution_id}/history", headers=bearer(cluster.keys["read"])
    ).json()["events"]
    entered = [e["state"] for e in history if e["type"].endswith("StateEntered")]
    assert entered == ["First", "Sleep", "After"]  # the journal kept First: not run twice


def test_a_state_longer_than_the_lease_is_not_taken_over_while_its_worker_lives(
    cluster: Cluster, instances: tuple[httpx2.Client, httpx2.Client]
) -> None:
    _, second = instances
    answer = second.post(
        "/v1/executions",
        json={"workflow": "slow", "input": {}, "waitSeconds": 20},
        headers=bearer(cluster.keys["execute"]),
    )
    assert answer.json()["status"] == "SUCCEEDED", cluster.logs()
    execution_id = answer.json()["executionId"]
    history = second.get(
        f"/v1/executions/{execution_id}/history", headers=bearer(cluster.keys["read"])
    ).json()["events"]
    # The Sleep state (4 s) outlasts the lease (3 s): renewed in the background, no
    # other worker's recovery round took the execution over and ran Sleep again.
    assert [e["type"] for e in history].count("TaskScheduled") == 1
    assert f'"recovered": "{execution_id}"' not in cluster.logs()


def test_two_different_decisions_on_two_instances_exactly_one_wins(
    cluster: Cluster, instances: tuple[httpx2.Client, httpx2.Client]
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    first, second = instances
    started = first.post(
        "/v1/executions",
        json={"workflow": "review", "input": {"text": "race"}, "waitSeconds": 15},
        headers=bearer(cluster.keys["execute"]),
    ).json()
    request_id = started["pending"][0]["requestId"]

    def decide(client: httpx2.Client, choice: str) -> int:
        return client.post(
            f"/v1/approvals/{request_id}/decision",
            json={"approval": choice},
            headers=bearer(cluster.keys["approve"]),
        ).status_code

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(
            pool.map(lambda pair: decide(*pair), [(first, "approve"), (second, "reject")])
        )
    assert codes == [202, 409]
    deadline = time.monotonic() + 15
    while describe(first, cluster, started["executionId"])["status"] != "SUCCEEDED":
        assert time.monotonic() < deadline, cluster.logs()
        time.sleep(0.05)
