"""Task result caching in the execution store, on memory, SQLite and a real Redis.

``Cache`` and ``Idempotent`` + ``CacheResult``: a repeated call is served from
the store without calling the agent, and the history says so.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from asl import AgentContext, AgentRegistry, AgentResult, Usage, WorkflowEngine, WorkflowResult
from asl.runtime.clock import ManualClock
from asl.store import Store
from asl.store.memory import MemoryStore
from tests.store.conftest import Backend, Clock


@pytest.fixture(params=["memory", "sqlite", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    clock = Clock()
    if request.param == "memory":
        return Backend("memory", clock, "", MemoryStore(clock=clock))
    if request.param == "sqlite":
        return Backend("sqlite", clock, str(tmp_path / "store.db"))
    url = request.getfixturevalue("redis_url")
    return Backend("redis", clock, f"{url}#cache-{uuid.uuid4().hex}")


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[Store]:
    opened = await backend.open()
    yield opened
    await opened.close()


class Counting:
    """An agent that counts its calls and reports usage, as a paid model would."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[Any] = []
        self.fail = fail

    def __call__(self, parameters: Any) -> AgentResult:
        self.calls.append(parameters)
        if self.fail:
            raise RuntimeError("model overloaded")
        return AgentResult({"summary": f"about {parameters}"}, Usage(100, 20, cost=0.5))


def cached(**fields: Any) -> dict[str, Any]:
    state = {"Type": "Task", "Agent": "Analyzer", "End": True, **fields}
    return {"StartAt": "Analyze", "States": {"Analyze": state}}


async def run(
    definition: dict[str, Any],
    store: Store | str,
    agent: Any,
    data: Any,
    execution_id: str,
    name: str = "Docs",
) -> WorkflowResult:
    registry = AgentRegistry({"Analyzer": agent})
    engine = WorkflowEngine(definition, registry, clock=ManualClock(), store=store, name=name)
    return await engine.arun(data, execution_id=execution_id)


def hits(result: WorkflowResult) -> list[dict[str, Any]]:
    return [event["details"] for event in result.trace if event["type"] == "TaskCacheHit"]


async def test_a_repeated_call_is_served_from_the_cache(store: Store) -> None:
    agent = Counting()
    definition = cached(
        Parameters={"doc.$": "$.doc"},
        Cache={"Enabled": True, "Key.$": "States.Hash($.doc, 'SHA-256')", "TTL": "24h"},
    )
    first = await run(definition, store, agent, {"doc": "hello"}, "first")
    second = await run(definition, store, agent, {"doc": "hello"}, "second")

    digest = hashlib.sha256(b"hello").hexdigest()
    assert agent.calls == [{"doc": "hello"}]
    assert first.output == second.output == {"summary": "about {'doc': 'hello'}"}
    assert (first.tokens_used, second.tokens_used, second.cost) == (120, 0, 0.0)
    assert hits(first) == []
    assert hits(second) == [
        {
            "cacheKey": f"workflow/Docs/Analyze/Analyzer/{digest}",
            "scope": "workflow",
            "storedBy": "first",
        }
    ]


async def test_the_cache_hit_is_in_the_store_history(store: Store) -> None:
    definition = cached(Cache={"Key": "fixed"})
    await run(definition, store, Counting(), {}, "first")
    await run(definition, store, Counting(), {}, "second")

    events = [e for t in await store.history("second") for e in t.events]
    assert [e["type"] for e in events if e.get("state") == "Analyze"] == [
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskCacheHit",
        "TaskSucceeded",
        "TaskStateExited",
    ]


async def test_an_entry_expires_after_its_ttl(store: Store, backend: Backend) -> None:
    agent = Counting()
    definition = cached(Cache={"Key": "k", "TTL": "0.2s"})
    await run(definition, store, agent, {}, "first")
    await run(definition, store, agent, {}, "second")
    await backend.elapse(0.3)
    third = await run(definition, store, agent, {}, "third")

    assert len(agent.calls) == 2
    assert hits(third) == []


async def test_idempotent_with_cache_result_uses_the_idempotency_key(store: Store) -> None:
    agent = Counting()
    definition = cached(
        Idempotent=True,
        **{"IdempotencyKey.$": "$.notificationId"},
        CacheResult=True,
        CacheTTL="1h",
    )
    await run(definition, store, agent, {"notificationId": "n-1", "at": 1}, "first")
    again = await run(definition, store, agent, {"notificationId": "n-1", "at": 2}, "second")
    other = await run(definition, store, agent, {"notificationId": "n-2", "at": 3}, "third")

    assert [call["at"] for call in agent.calls] == [1, 3]
    assert [h["cacheKey"] for h in hits(again)] == ["workflow/Docs/Analyze/Analyzer/n-1"]
    assert hits(other) == []


# --- what is cached and who shares it (the memory store is enough) ------------------------


async def test_failures_are_not_cached() -> None:
    store = MemoryStore()
    definition = cached(Cache={"Key": "k"})
    failing = await run(definition, store, Counting(fail=True), {}, "first")
    agent = Counting()
    await run(definition, store, agent, {}, "second")

    assert (failing.error, failing.cause) == ("States.TaskFailed", "model overloaded")
    assert len(agent.calls) == 1


async def test_enabled_false_turns_the_cache_off() -> None:
    store, agent = MemoryStore(), Counting()
    definition = cached(Cache={"Enabled": False, "Key": "k"})
    for execution in ("first", "second"):
        await run(definition, store, agent, {}, execution)

    assert len(agent.calls) == 2


async def test_without_a_key_the_parameters_are_the_key() -> None:
    store, agent = MemoryStore(), Counting()
    definition = cached(Cache={})
    for execution, data in (("a", {"q": 1}), ("b", {"q": 1}), ("c", {"q": 2})):
        await run(definition, store, agent, data, execution)

    assert agent.calls == [{"q": 1}, {"q": 2}]


async def test_a_key_that_is_not_text_is_hashed() -> None:
    store, agent = MemoryStore(), Counting()
    definition = cached(Cache={"Key.$": "$.query"})
    await run(definition, store, agent, {"query": {"terms": ["a"]}}, "first")
    second = await run(definition, store, agent, {"query": {"terms": ["a"]}}, "second")

    canonical = b'{"terms":["a"]}'
    digest = "sha256:" + hashlib.sha256(canonical).hexdigest()
    assert hits(second)[0]["cacheKey"] == f"workflow/Docs/Analyze/Analyzer/{digest}"


async def test_workflow_scope_is_per_state_machine() -> None:
    store, agent = MemoryStore(), Counting()
    definition = cached(Cache={"Key": "k"})
    await run(definition, store, agent, {}, "first", name="Docs")
    await run(definition, store, agent, {}, "second", name="Other")

    assert len(agent.calls) == 2


async def test_global_scope_is_shared_by_every_workflow_calling_the_agent() -> None:
    store, agent = MemoryStore(), Counting()
    await run(cached(Cache={"Key": "k", "Scope": "global"}), store, agent, {}, "first")
    other = {
        "StartAt": "Elsewhere",
        "States": {
            "Elsewhere": {
                "Type": "Task",
                "Agent": "Analyzer",
                "Cache": {"Key": "k", "Scope": "global"},
                "End": True,
            }
        },
    }
    result = await run(other, store, agent, {}, "second", name="Other")

    assert len(agent.calls) == 1
    assert hits(result)[0]["cacheKey"] == "global/Analyzer/k"


async def test_execution_scope_is_shared_only_inside_one_execution() -> None:
    store, agent = MemoryStore(), Counting()
    inner = {
        "Type": "Task",
        "Agent": "Analyzer",
        "Cache": {"Key.$": "States.Format('item-{}', $.v)", "Scope": "execution"},
        "End": True,
    }
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 1,
                "ItemSelector": {"v.$": "$$.Map.Item.Value"},
                "ItemProcessor": {"StartAt": "Analyze", "States": {"Analyze": inner}},
                "End": True,
            }
        },
    }
    first = await run(definition, store, agent, {"items": [7, 7, 8]}, "first")
    await run(definition, store, agent, {"items": [7]}, "second")

    assert agent.calls == [{"v": 7}, {"v": 8}, {"v": 7}]
    assert [h["cacheKey"] for h in hits(first)] == ["execution/first/Analyze/item-7"]


async def test_a_key_path_that_selects_nothing_fails_like_parameters() -> None:
    result = await run(cached(Cache={"Key.$": "$.missing"}), MemoryStore(), Counting(), {}, "x")

    assert (result.error, result.cause) == (
        "States.Runtime",
        "An error occurred while executing the state 'Analyze' (entered at the event id #2). "
        "The JSONPath '$.missing' specified for the field 'Key.$' could not be found in the "
        "input '{}'",
    )


async def test_the_cached_output_is_the_one_guardrails_let_through() -> None:
    store = MemoryStore()
    definition = cached(
        Cache={"Key": "k"},
        Guardrails={"Output": {"Rules": [{"Type": "pii", "Detect": True, "Action": "mask"}]}},
    )
    await run(definition, store, lambda p: "mail ada@example.com", {}, "first")
    second = await run(definition, store, lambda p: "not called", {}, "second")

    assert second.output == "mail [EMAIL]"
    assert [
        e["type"] for e in second.trace if e["type"].startswith(("Guardrail", "TaskCache"))
    ] == ["TaskCacheHit"]


async def test_an_idempotent_task_gives_its_key_to_the_agent() -> None:
    seen: list[str] = []

    def agent(parameters: Any, context: AgentContext) -> str:
        seen.append(context.idempotency_key)
        return "sent"

    definition = cached(Idempotent=True, **{"IdempotencyKey.$": "$.id"})
    for execution in ("first", "second"):
        await run(definition, MemoryStore(), agent, {"id": "order-9"}, execution)
    literal = cached(Idempotent=True, IdempotencyKey="nightly-report")
    await run(literal, MemoryStore(), agent, {}, "third")

    assert seen == ["order-9", "order-9", "nightly-report"]
