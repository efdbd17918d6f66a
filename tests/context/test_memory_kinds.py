"""Semantic and episodic Memory on the in-process, SQLite and real Redis stores."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from asl import AgentRegistry, WorkflowEngine
from asl.embeddings import use_embedder
from asl.runtime.clock import ManualClock
from tests.runtime.conftest import machine


class Letters:
    """A transparent embedder: counts of the letters a, b, c."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [[float(t.count("a")), float(t.count("b")), float(t.count("c"))] for t in texts]


@pytest.fixture
def letters() -> Iterator[None]:
    use_embedder(Letters())
    yield
    use_embedder(None)


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/memory.db"
    return str(request.getfixturevalue("redis_url"))


def remember(memory: dict[str, Any]) -> dict[str, Any]:
    return machine(("T", {"Type": "Task", "Agent": "A", "Memory": memory, "End": True}))


def write_then_read(
    store: str, write: dict[str, Any], items: list[Any], read: dict[str, Any], data: Any, kind: str
) -> Any:
    for item in items:
        flow = remember({"Type": kind, "Namespace": "ns", "Write": write})
        result = WorkflowEngine(flow, AgentRegistry({"A": lambda p: p}), store=store).run(item)
        assert result.status == "SUCCEEDED", (result.error, result.cause)
    flow = remember({"Type": kind, "Namespace": "ns", "Read": read})
    result = WorkflowEngine(flow, AgentRegistry({"A": lambda p: p}), store=store).run(data)
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    return result.output


def test_semantic_read_returns_the_closest_entries_best_first(store: str, letters: None) -> None:
    notes = [{"note": text} for text in ["bbb", "aab", "abc", "aaa", "ccc"]]
    output = write_then_read(
        store,
        {"Collection": "kb", "Value.$": "$.note"},
        notes,
        {"Query.$": "$.q", "Collection": "kb", "TopK": 3, "MinScore": 0.5},
        {"q": "a"},
        "semantic",
    )
    assert output == {
        "q": "a",
        "memory": [
            {"value": "aaa", "score": 1.0},
            {"value": "aab", "score": 0.894427},
            {"value": "abc", "score": 0.57735},
        ],
    }


def test_semantic_min_score_and_text_path(store: str, letters: None) -> None:
    docs = [{"doc": {"id": i, "body": body}} for i, body in enumerate(["ccc", "aac", "bbb"])]
    output = write_then_read(
        store,
        {"Collection": "docs", "Value.$": "$.doc.id", "Text.$": "$.doc.body"},
        docs,
        {"Query": "cc", "Collection": "docs", "MinScore": 0.4, "InjectAt": "$.hits"},
        {},
        "semantic",
    )
    assert output == {"hits": [{"value": 0, "score": 1.0}, {"value": 1, "score": 0.447214}]}


def test_semantic_with_the_shipped_model(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/kb.db"
    facts = ["The cat sleeps on the sofa", "Revenue grew by ten percent", "Rates rose again"]
    output = write_then_read(
        store,
        {"Collection": "kb", "Value.$": "$.fact"},
        [{"fact": fact} for fact in facts],
        {"Query.$": "$.q", "Collection": "kb", "TopK": 1},
        {"q": "Where is my cat?"},
        "semantic",
    )
    assert [hit["value"] for hit in output["memory"]] == ["The cat sleeps on the sofa"]
    assert 0 < output["memory"][0]["score"] <= 1


def test_episodic_filter_limit_and_order(store: str) -> None:
    events = [{"e": {"user": user, "n": n}} for n, user in enumerate(["ada", "bob", "ada", "ada"])]
    write = {"Collection": "sessions", "Value.$": "$.e"}
    newest = write_then_read(
        store,
        write,
        events,
        {"Collection": "sessions", "Filter": {"user.$": "$.who"}, "Limit": 2},
        {"who": "ada"},
        "episodic",
    )
    assert [hit["value"] for hit in newest["memory"]] == [
        {"user": "ada", "n": 3},
        {"user": "ada", "n": 2},
    ]
    assert all(hit["time"].endswith("+00:00") for hit in newest["memory"])
    flow = remember(
        {
            "Type": "episodic",
            "Namespace": "ns",
            "Read": {"Collection": "sessions", "Filter": {"user": "ada"}, "Order": "asc"},
        }
    )
    oldest = WorkflowEngine(flow, AgentRegistry({"A": lambda p: p}), store=store).run({})
    assert [hit["value"]["n"] for hit in oldest.output["memory"]] == [0, 2, 3]


def test_episodic_filter_true_does_not_match_one() -> None:
    output = write_then_read(
        "memory://",
        {"Collection": "c", "Value.$": "$"},
        [{"ok": 1}, {"ok": True}],
        {"Collection": "c", "Filter": {"ok": True}},
        {},
        "episodic",
    )
    assert [hit["value"] for hit in output["memory"]] == [{"ok": True}]


def test_reading_an_empty_collection_injects_an_empty_list(store: str) -> None:
    flow = remember({"Type": "episodic", "Read": {"Collection": "none"}})
    result = WorkflowEngine(flow, AgentRegistry({"A": lambda p: p}), store=store).run({"x": 1})
    assert result.output == {"x": 1, "memory": []}


def test_collection_write_path_missing_fails_with_the_path(clock: ManualClock) -> None:
    flow = remember({"Type": "episodic", "Write": {"Collection": "c", "Value.$": "$.nope"}})
    result = WorkflowEngine(flow, AgentRegistry({"A": lambda p: p}), clock=clock).run({})
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert result.cause.endswith(
        "Memory Write Value.$ '$.nope' selects nothing in the state's data"
    )


def test_concurrent_writers_lose_no_entry(store: str) -> None:
    # memory://: engines in 8 threads share the process's store (created once, under a lock)
    from concurrent.futures import ThreadPoolExecutor

    flow = remember({"Type": "episodic", "Write": {"Collection": "log", "Value.$": "$.n"}})

    def write(n: int) -> str:
        engine = WorkflowEngine(flow, AgentRegistry({"A": lambda p: p}), store=store)
        return engine.run({"n": n}).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(write, range(40)))
    assert statuses == ["SUCCEEDED"] * 40
    reader = remember({"Type": "episodic", "Read": {"Collection": "log", "Limit": 100}})
    output = WorkflowEngine(reader, AgentRegistry({"A": lambda p: p}), store=store).run({}).output
    assert sorted(hit["value"] for hit in output["memory"]) == list(range(40))
