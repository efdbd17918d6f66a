"""Waits and Retry back-offs as delayed messages, on real ``asl serve``/``asl worker``
processes over one real Redis (store and broker): the worker lets go while they last."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx2
import pytest

from asl import AgentRegistry, WorkflowEngine
from asl.runtime.clock import ManualClock
from tests.durable.test_timers import WAIT
from tests.service.agents import register
from tests.service.support import WORKFLOW_THREE, bearer
from tests.service.test_cluster import Cluster, describe

DOWN = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Agent": "Flaky",
            "Parameters": {"fail": True},
            "Retry": [
                {
                    "ErrorEquals": ["Vendor.Down"],
                    "IntervalSeconds": 2,
                    "MaxAttempts": 2,
                    "BackoffRate": 1,
                }
            ],
            "End": True,
        }
    },
}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Cluster]:
    made = Cluster(
        tmp_path_factory.mktemp("timers"),
        redis_url,
        worker_concurrency=1,
        timer_threshold_seconds=1,
    )
    try:
        yield made
    finally:
        made.stop()


@pytest.fixture(scope="module")
def client(cluster: Cluster) -> Iterator[httpx2.Client]:
    server = cluster.add_server()
    cluster.add_worker()
    admin = bearer(cluster.keys["admin"])
    for name, document in (("nap", WAIT), ("three", WORKFLOW_THREE), ("down", DOWN)):
        registered = server.post(
            "/v1/workflows", json={"name": name, "definition": document}, headers=admin
        )
        assert registered.status_code in (200, 201), registered.text  # 200: known already
    try:
        yield server
    finally:
        server.close()


def start(client: httpx2.Client, cluster: Cluster, workflow: str, wait: int = 0) -> Any:
    answer = client.post(
        "/v1/executions",
        json={"workflow": workflow, "input": {}, "waitSeconds": wait},
        headers=bearer(cluster.keys["execute"]),
    )
    assert answer.status_code in (200, 202), answer.text
    return answer.json()


def finished(client: httpx2.Client, cluster: Cluster, execution_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while (described := describe(client, cluster, execution_id))["status"] == "RUNNING":
        assert time.monotonic() < deadline, cluster.logs()
        time.sleep(0.1)
    return described


def history(client: httpx2.Client, cluster: Cluster, execution_id: str) -> list[dict[str, Any]]:
    answer = client.get(
        f"/v1/executions/{execution_id}/history", headers=bearer(cluster.keys["read"])
    )
    events: list[dict[str, Any]] = answer.json()["events"]
    return events


def suspensions(cluster: Cluster, execution_id: str) -> int:
    line = f'"message": "execution suspended on a timer", "executionId": "{execution_id}"'
    return cluster.logs().count(line)


def seconds_between(events: list[dict[str, Any]], first: str, second: str) -> float:
    times = {e["type"]: datetime.fromisoformat(e["timestamp"]) for e in events}
    return (times[second] - times[first]).total_seconds()


def in_process(document: dict[str, Any]) -> list[tuple[int, str, str | None]]:
    registry = AgentRegistry()
    register(registry)  # the agents the workers load
    result = WorkflowEngine(document, registry, clock=ManualClock()).run({})
    return [(e["id"], e["type"], e.get("state")) for e in result.trace]


def test_a_long_wait_frees_the_only_worker_slot(cluster: Cluster, client: httpx2.Client) -> None:
    napping = start(client, cluster, "nap")["executionId"]
    deadline = time.monotonic() + 15
    while suspensions(cluster, napping) == 0:
        assert time.monotonic() < deadline, cluster.logs()
        time.sleep(0.05)
    # One worker with one slot: the second execution runs while the first waits.
    quick = start(client, cluster, "three", wait=15)
    assert quick["status"] == "SUCCEEDED", cluster.logs()
    assert describe(client, cluster, napping)["status"] == "RUNNING"
    done = finished(client, cluster, napping)
    assert (done["status"], done["output"]) == ("SUCCEEDED", {"n": 1, "woke": True})
    events = history(client, cluster, napping)
    assert [(e["id"], e["type"], e.get("state")) for e in events] == in_process(WAIT)
    assert seconds_between(events, "WaitStateEntered", "WaitStateExited") >= 3.0


def test_retry_back_offs_do_not_hold_the_worker_either(
    cluster: Cluster, client: httpx2.Client
) -> None:
    execution_id = start(client, cluster, "down")["executionId"]
    done = finished(client, cluster, execution_id)
    assert (done["status"], done["error"], done["cause"]) == (
        "FAILED",
        "Vendor.Down",
        "the vendor is down",
    )
    assert suspensions(cluster, execution_id) == 2
    events = history(client, cluster, execution_id)
    assert [(e["id"], e["type"], e.get("state")) for e in events] == in_process(DOWN)
    retries = [e["details"].get("retry") for e in events if e["type"] == "TaskFailed"]
    assert retries == [
        {"attempt": 1, "delaySeconds": 2.0},
        {"attempt": 2, "delaySeconds": 2.0},
        None,
    ]


def test_a_wait_outlives_the_worker_that_suspended_it(
    cluster: Cluster, client: httpx2.Client
) -> None:
    execution_id = start(client, cluster, "nap")["executionId"]
    deadline = time.monotonic() + 15
    while suspensions(cluster, execution_id) == 0:
        assert time.monotonic() < deadline, cluster.logs()
        time.sleep(0.05)
    for worker in cluster.workers:
        worker.kill()  # its wake-up message, held in its memory, is gone with it
    cluster.add_worker()
    done = finished(client, cluster, execution_id)
    assert (done["status"], done["output"]) == ("SUCCEEDED", {"n": 1, "woke": True})
    events = history(client, cluster, execution_id)
    assert [(e["id"], e["type"], e.get("state")) for e in events] == in_process(WAIT)
    assert seconds_between(events, "WaitStateEntered", "WaitStateExited") >= 3.0
