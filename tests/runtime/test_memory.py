"""The Memory block: what one execution writes, the next one reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asl import AgentRegistry, WorkflowEngine
from asl.runtime.clock import ManualClock
from asl.runtime.memory import parse_ttl
from tests.runtime.conftest import machine


def remember(**memory: Any) -> dict[str, Any]:
    return machine(("T", {"Type": "Task", "Agent": "A", "Memory": memory, "End": True}))


def echo() -> AgentRegistry:
    return AgentRegistry({"A": lambda p: p})


def test_write_then_read_in_the_next_execution(clock: ManualClock, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/mem.db"
    writer = remember(
        Namespace="user_{{$.user}}", Write={"Key": "lastTopic", "Value.$": "$.topic", "TTL": "7d"}
    )
    WorkflowEngine(writer, echo(), clock=clock, store=url).run({"user": "ada", "topic": "x"})
    reader = remember(Namespace="user_{{$.user}}", Read=["lastTopic", "missing"])
    result = WorkflowEngine(reader, echo(), clock=clock, store=url).run({"user": "ada"})
    assert result.output == {"user": "ada", "memory": {"lastTopic": "x"}}


def test_read_object_form_with_inject_at_and_default(clock: ManualClock) -> None:
    reader = remember(
        Namespace="fresh",
        Read={"Keys": ["prefs"], "InjectAt": "$.known", "Default": {"prefs": "none"}},
    )
    result = WorkflowEngine(reader, echo(), clock=clock, store="memory://").run({})
    assert result.output == {"known": {"prefs": "none"}}


def test_merge_concatenates_lists_and_merges_objects(clock: ManualClock) -> None:
    def write(value: Any) -> None:
        flow = remember(Namespace="m", Write=[{"Key": "tags", "Value": value, "Merge": True}])
        WorkflowEngine(flow, echo(), clock=clock, store="memory://").run({})

    write(["a"])
    write(["b"])
    reader = remember(Namespace="m", Read=["tags"])
    result = WorkflowEngine(reader, echo(), clock=clock, store="memory://").run({})
    assert result.output == {"memory": {"tags": ["a", "b"]}}


def test_overwrite_false_keeps_the_first_value(clock: ManualClock) -> None:
    for value in ("first", "second"):
        flow = remember(Namespace="o", Write={"Key": "k", "Value": value, "Overwrite": False})
        WorkflowEngine(flow, echo(), clock=clock, store="memory://").run({})
    reader = remember(Namespace="o", Read=["k"])
    assert WorkflowEngine(reader, echo(), clock=clock, store="memory://").run({}).output == {
        "memory": {"k": "first"}
    }


def test_workflow_memory_namespace_is_the_default(clock: ManualClock) -> None:
    writer = remember(Write={"Key": "k", "Value": 1})
    writer["Memory"] = {"Namespace": "shared-ns"}
    WorkflowEngine(writer, echo(), clock=clock, store="memory://").run({})
    reader = remember(Namespace="shared-ns", Read=["k"])
    assert WorkflowEngine(reader, echo(), clock=clock, store="memory://").run({}).output == {
        "memory": {"k": 1}
    }


def test_unknown_backend_fails_with_memory_not_configured(clock: ManualClock) -> None:
    flow = remember(Read=["k"])
    flow["Memory"] = {"Backend": "dynamodb"}
    result = WorkflowEngine(flow, echo(), clock=clock).run({})
    assert result.error == "States.MemoryNotConfigured"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("300", 300.0),
        ("30m", 1800.0),
        ("24h", 86400.0),
        ("7d", 604800.0),
        ("2w", 1209600.0),
        ("never", None),
    ],
)
def test_ttl_formats(text: str, seconds: float | None) -> None:
    assert parse_ttl(text) == seconds


def test_bad_ttl_is_invalid_ttl() -> None:
    from asl import ASLError

    with pytest.raises(ASLError) as refused:
        parse_ttl("soon")
    assert refused.value.error == "States.InvalidTTL"
