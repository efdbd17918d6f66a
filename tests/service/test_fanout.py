"""Map items as messages on real ``asl worker`` processes over one real Redis: the items
of one execution run on several workers, MaxConcurrency at a time across them."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from asl import AgentRegistry, WorkflowEngine
from tests.service.agents import register
from tests.service.support import bearer
from tests.service.test_cluster import Cluster, describe
from tests.service.test_timers import finished, history

EACH = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 2,
            "ItemSelector": {
                "item.$": "$$.Map.Item.Value",
                "log.$": "$.log",
                "bad.$": "$.bad",
                "seconds.$": "$.seconds",
            },
            "ItemProcessor": {
                "StartAt": "Work",
                "States": {"Work": {"Type": "Task", "Agent": "Probe", "End": True}},
            },
            "ResultPath": "$.results",
            "Catch": [{"ErrorEquals": ["Item.Bad"], "ResultPath": "$.error", "Next": "Rescued"}],
            "Next": "Done",
        },
        "Rescued": {"Type": "Pass", "OutputPath": "$.error", "End": True},
        "Done": {"Type": "Pass", "OutputPath": "$.results", "End": True},
    },
}


def probe_branch(item: int) -> dict[str, Any]:
    work = {
        "Type": "Task",
        "Agent": "Probe",
        "Parameters": {"item": item, "log.$": "$.log", "seconds": 1},
        "End": True,
    }
    return {"StartAt": f"Work {item}", "States": {f"Work {item}": work}}


BOTH = {
    "StartAt": "Both",
    "States": {
        "Both": {"Type": "Parallel", "Branches": [probe_branch(1), probe_branch(2)], "End": True}
    },
}


STAMPED = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 3,
            "ItemSelector": {"item.$": "$$.Map.Item.Value", "seconds": 0.4},
            "ItemProcessor": {
                "StartAt": "Stamp",
                "States": {
                    "Stamp": {
                        "Type": "Task",
                        "Agent": "Stamper",
                        "Tools": {
                            "Allowed": ["stamp"],
                            "RateLimits": {"stamp": {"MaxPerMinute": 3, "OnExceed": "fail"}},
                        },
                        "Catch": [
                            {
                                "ErrorEquals": ["States.RateLimitExceeded"],
                                "ResultPath": None,
                                "Next": "Refused",
                            }
                        ],
                        "End": True,
                    },
                    "Refused": {"Type": "Pass", "Result": "refused", "End": True},
                },
            },
            "End": True,
        },
    },
}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Cluster]:
    made = Cluster(tmp_path_factory.mktemp("fanout"), redis_url, worker_concurrency=1)
    made.env = {
        **made.env,
        # A worker takes no message it has no free slot for (no read-ahead): an item
        # waits in Redis for the first free worker, and two items that run at once
        # run in two processes.
        "dramatiq_queue_prefetch": "1",
    }
    try:
        yield made
    finally:
        made.stop()


@pytest.fixture(scope="module")
def client(cluster: Cluster) -> Iterator[httpx2.Client]:
    server = cluster.add_server()
    for _ in range(3):  # room for three items at once: MaxConcurrency 2 must hold
        cluster.add_worker()
    for name, document in (("each", EACH), ("both", BOTH), ("stamped", STAMPED)):
        registered = server.post(
            "/v1/workflows",
            json={"name": name, "definition": document},
            headers=bearer(cluster.keys["admin"]),
        )
        assert registered.status_code in (200, 201), registered.text
    try:
        yield server
    finally:
        server.close()


def run_on_workers(
    client: httpx2.Client, cluster: Cluster, given: dict[str, Any], workflow: str = "each"
) -> Any:
    answer = client.post(
        "/v1/executions",
        json={"workflow": workflow, "input": given},
        headers=bearer(cluster.keys["execute"]),
    )
    assert answer.status_code == 202, answer.text
    return answer.json()["executionId"]


def in_process(given: dict[str, Any], log: Path, max_concurrency: int = 2) -> Any:
    registry = AgentRegistry()
    register(registry)
    document = json.loads(json.dumps(EACH))
    document["States"]["Each"]["MaxConcurrency"] = max_concurrency
    return WorkflowEngine(document, registry).run({**given, "log": str(log)})


def notes(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def most_at_once(records: list[dict[str, Any]]) -> int:
    """The largest number of items that had started and not ended at one moment."""
    moments = sorted(
        (record.get("start", record.get("end")), 1 if "start" in record else -1)
        for record in records
    )
    running = peak = 0
    for _, change in moments:  # an end sorts before a start at the same instant
        running += change
        peak = max(peak, running)
    return peak


def test_items_run_on_several_workers_two_at_a_time(
    cluster: Cluster, client: httpx2.Client, tmp_path: Path
) -> None:
    log = tmp_path / "items.jsonl"
    given = {"items": [1, 2, 3, 4, 5, 6], "bad": None, "seconds": 0.6, "log": str(log)}
    execution_id = run_on_workers(client, cluster, given)
    done = finished(client, cluster, execution_id)
    records = notes(log)
    expected = in_process(given, tmp_path / "reference.jsonl")
    assert (done["status"], done["output"]) == ("SUCCEEDED", expected.output)
    assert expected.output == [{"item": n, "double": 2 * n} for n in range(1, 7)]
    assert sorted(r["item"] for r in records if "start" in r) == [1, 2, 3, 4, 5, 6]
    # One item at a time per worker: two at once means two processes, never three.
    assert most_at_once(records) == 2, cluster.logs()
    assert len({r["pid"] for r in records}) >= 2
    # Item by item, as an in-process Map with MaxConcurrency 1 writes its history.
    one_by_one = in_process(given, tmp_path / "one.jsonl", max_concurrency=1)
    events = history(client, cluster, execution_id)
    assert [e["type"] for e in events] == [e["type"] for e in one_by_one.trace]
    started = [e["details"]["index"] for e in events if e["type"] == "MapIterationStarted"]
    assert started == [0, 1, 2, 3, 4, 5]


def test_a_failing_item_fails_the_map_and_its_catch_takes_over(
    cluster: Cluster, client: httpx2.Client, tmp_path: Path
) -> None:
    log = tmp_path / "items.jsonl"
    given = {"items": [1, 2, 3, 4, 5, 6], "bad": 3, "seconds": 0.3, "log": str(log)}
    execution_id = run_on_workers(client, cluster, given)
    done = finished(client, cluster, execution_id)
    expected = in_process(given, tmp_path / "reference.jsonl")
    assert (done["status"], done["output"]) == ("SUCCEEDED", expected.output)
    assert expected.output == {"Error": "Item.Bad", "Cause": "item 3 is bad"}
    events = history(client, cluster, execution_id)
    kinds = [e["type"] for e in events]
    assert kinds[-5:] == [
        "MapStateFailed",
        "MapStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    failed = [e["details"] for e in events if e["type"] == "MapIterationFailed"]
    assert failed == [{"index": 2, "error": "Item.Bad", "cause": "item 3 is bad"}]
    # The items after the failure's slot successor were not started.
    assert max(r["item"] for r in notes(log)) < 6


def test_an_item_of_a_killed_worker_runs_again_elsewhere(
    cluster: Cluster, client: httpx2.Client, tmp_path: Path
) -> None:
    log = tmp_path / "items.jsonl"
    given = {"items": [1, 2, 3, 4], "bad": None, "seconds": 2, "log": str(log)}
    execution_id = run_on_workers(client, cluster, given)
    deadline = time.monotonic() + 15
    while not log.exists() or not notes(log):
        assert time.monotonic() < deadline, cluster.logs()
        time.sleep(0.05)
    victim = notes(log)[0]["pid"]
    (worker,) = [w for w in cluster.workers if w.popen.pid == victim]
    worker.kill()
    cluster.add_worker()
    done = finished(client, cluster, execution_id)
    assert (done["status"], done["output"]) == (
        "SUCCEEDED",
        [{"item": n, "double": 2 * n} for n in (1, 2, 3, 4)],
    )
    records = notes(log)
    ended = sorted(r["item"] for r in records if "end" in r)
    assert ended == [1, 2, 3, 4]  # each recorded once; the killed one's item ran again
    assert len([r for r in records if "start" in r]) > 4
    assert describe(client, cluster, execution_id)["status"] == "SUCCEEDED"


def test_parallel_branches_run_in_two_processes_at_once(
    cluster: Cluster, client: httpx2.Client, tmp_path: Path
) -> None:
    log = tmp_path / "branches.jsonl"
    execution_id = run_on_workers(client, cluster, {"log": str(log)}, "both")
    done = finished(client, cluster, execution_id)
    assert (done["status"], done["output"]) == (
        "SUCCEEDED",
        [{"item": 1, "double": 2}, {"item": 2, "double": 4}],
    )
    records = notes(log)
    assert most_at_once(records) == 2, cluster.logs()  # one at a time per worker
    assert len({r["pid"] for r in records}) == 2


def test_a_tool_rate_limit_holds_across_workers(cluster: Cluster, client: httpx2.Client) -> None:
    """Items on three workers share one count in Redis (the service shares the registry's
    rate limits through its broker): three stamps a minute in all, not three per process."""
    given = {"items": [1, 2, 3, 4, 5, 6, 7, 8, 9]}
    execution_id = run_on_workers(client, cluster, given, "stamped")
    done = finished(client, cluster, execution_id)
    assert done["status"] == "SUCCEEDED", done
    stamped = [result for result in done["output"] if result != "refused"]
    assert len(stamped) == 3, done["output"]
    assert done["output"].count("refused") == 6
    events = history(client, cluster, execution_id)
    ran_on = {e["details"]["index"] for e in events if e["type"] == "MapIterationStarted"}
    assert ran_on == set(range(9))
