"""The event bus: nothing when nobody listens; every event, in order, when someone does."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from asl import AgentContext, AgentRegistry, ValidationError, WorkflowEngine
from asl.runtime.clock import ManualClock
from asl.runtime.execution import Execution
from asl.runtime.streaming import Chunker
from tests.runtime.conftest import machine

T0 = "2026-01-01T00:00:00.000Z"

GREET = machine(
    ("Greet", {"Type": "Pass", "Result": {"hello": "world"}, "Next": "Done"}),
    ("Done", {"Type": "Succeed"}),
)


def _writer(parameters: Any, context: AgentContext) -> dict[str, str]:
    for word in ["Once ", "upon ", "a time. ", "The end."]:
        context.emit(word)
    return {"story": "Once upon a time. The end."}


def _engine(document: dict[str, Any], clock: ManualClock, **agents: Any) -> WorkflowEngine:
    return WorkflowEngine(document, AgentRegistry(agents), clock=clock)


def _collect(engine: WorkflowEngine, input: Any = None) -> list[dict[str, Any]]:
    async def go() -> list[dict[str, Any]]:
        return [event async for event in engine.stream(input, execution_id="e1")]

    return asyncio.run(go())


def test_an_execution_nobody_listens_to_has_no_bus_and_a_plain_history(
    clock: ManualClock,
) -> None:
    seen: list[Execution] = []
    engine = _engine(GREET, clock)
    original = engine._execution

    def spy(execution_id: str, execution_input: Any) -> Execution:
        execution = original(execution_id, execution_input)
        seen.append(execution)
        return execution

    engine._execution = spy  # type: ignore[method-assign]
    engine.run({})

    assert seen[0].bus is None
    assert type(seen[0].events) is list


def test_stream_yields_every_history_event_in_order_with_the_execution_id(
    clock: ManualClock,
) -> None:
    events = _collect(_engine(GREET, clock), {"a": 1})

    assert events == [
        {
            "id": 1,
            "type": "ExecutionStarted",
            "timestamp": T0,
            "details": {"input": {"a": 1}},
            "executionId": "e1",
        },
        {
            "id": 2,
            "type": "PassStateEntered",
            "timestamp": T0,
            "state": "Greet",
            "details": {"input": {"a": 1}},
            "executionId": "e1",
        },
        {
            "id": 3,
            "type": "PassStateExited",
            "timestamp": T0,
            "state": "Greet",
            "details": {"output": {"hello": "world"}},
            "executionId": "e1",
        },
        {
            "id": 4,
            "type": "SucceedStateEntered",
            "timestamp": T0,
            "state": "Done",
            "details": {"input": {"hello": "world"}},
            "executionId": "e1",
        },
        {
            "id": 5,
            "type": "SucceedStateExited",
            "timestamp": T0,
            "state": "Done",
            "details": {"output": {"hello": "world"}},
            "executionId": "e1",
        },
        {
            "id": 6,
            "type": "ExecutionSucceeded",
            "timestamp": T0,
            "details": {"output": {"hello": "world"}},
            "executionId": "e1",
        },
    ]


def test_streamed_history_events_are_the_result_trace(clock: ManualClock) -> None:
    engine = _engine(GREET, clock)
    streamed: list[dict[str, Any]] = []
    engine.on_event(streamed.append)

    result = engine.run({}, execution_id="e1")

    assert [{k: v for k, v in e.items() if k != "executionId"} for e in streamed] == result.trace


def test_on_event_listens_to_every_execution_of_the_engine(clock: ManualClock) -> None:
    engine = _engine(GREET, clock)
    types: list[tuple[str, str]] = []
    engine.on_event(lambda event: types.append((event["executionId"], event["type"])))

    engine.run({}, execution_id="a")
    engine.run({}, execution_id="b")

    assert [t for t in types if t[1].startswith("Execution")] == [
        ("a", "ExecutionStarted"),
        ("a", "ExecutionSucceeded"),
        ("b", "ExecutionStarted"),
        ("b", "ExecutionSucceeded"),
    ]


def test_a_failing_listener_is_logged_and_the_run_goes_on(
    clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    engine = _engine(GREET, clock)

    def broken(event: dict[str, Any]) -> None:
        raise RuntimeError("listener bug")

    engine.on_event(broken)
    with caplog.at_level(logging.ERROR, logger="asl.events"):
        result = engine.run({})

    assert result.status == "SUCCEEDED"
    assert caplog.messages[0] == "an event listener failed on ExecutionStarted"


def test_agent_output_chunks_are_published_as_emitted(clock: ManualClock) -> None:
    document = machine(("Write", {"Type": "Task", "Agent": "Writer", "End": True}))

    events = _collect(_engine(document, clock, Writer=_writer))

    chunks = [e for e in events if e["type"] == "AgentOutputChunk"]
    assert chunks == [
        {
            "type": "AgentOutputChunk",
            "timestamp": T0,
            "executionId": "e1",
            "state": "Write",
            "details": {"chunk": word, "index": index},
        }
        for index, word in enumerate(["Once ", "upon ", "a time. ", "The end."])
    ]
    succeeded = next(i for i, e in enumerate(events) if e["type"] == "TaskSucceeded")
    assert all(events.index(chunk) < succeeded for chunk in chunks)


def test_sentence_mode_cuts_chunks_at_sentence_ends_and_flushes_the_rest(
    clock: ManualClock,
) -> None:
    document = machine(
        (
            "Write",
            {"Type": "Task", "Agent": "Writer", "Streaming": {"Mode": "sentence"}, "End": True},
        )
    )

    events = _collect(_engine(document, clock, Writer=_writer))

    assert [
        (e["details"]["chunk"], e["details"]["index"])
        for e in events
        if e["type"] == "AgentOutputChunk"
    ] == [("Once upon a time. ", 0), ("The end.", 1)]


def test_streaming_disabled_drops_the_state_s_chunks(clock: ManualClock) -> None:
    document = machine(
        ("Write", {"Type": "Task", "Agent": "Writer", "Streaming": {"Enabled": False}, "End": True})
    )

    events = _collect(_engine(document, clock, Writer=_writer))

    assert [e for e in events if e["type"] == "AgentOutputChunk"] == []


def test_emit_without_a_listener_does_nothing_and_the_agent_still_runs(
    clock: ManualClock,
) -> None:
    document = machine(("Write", {"Type": "Task", "Agent": "Writer", "End": True}))

    result = _engine(document, clock, Writer=_writer).run({})

    assert result.output == {"story": "Once upon a time. The end."}


def test_chunks_from_an_agent_in_a_worker_thread_arrive_in_order(clock: ManualClock) -> None:
    """Two Map items run at once: synchronous agents go to threads, chunks hop to the loop."""
    document = machine(
        (
            "Each",
            {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "StartAt": "Write",
                    "States": {"Write": {"Type": "Task", "Agent": "Counter", "End": True}},
                },
                "End": True,
            },
        )
    )

    def counter(parameters: Any, context: AgentContext) -> int:
        for n in range(3):
            context.emit(f"{parameters}-{n}")
        return int(parameters)

    async def go() -> list[dict[str, Any]]:
        engine = _engine(document, clock, Counter=counter)
        return [e async for e in engine.stream({"items": [1, 2]}, execution_id="e1")]

    events = asyncio.run(go())

    chunks = [e["details"]["chunk"] for e in events if e["type"] == "AgentOutputChunk"]
    assert sorted(chunks) == ["1-0", "1-1", "1-2", "2-0", "2-1", "2-2"]
    assert [c for c in chunks if c.startswith("1")] == ["1-0", "1-1", "1-2"]
    assert events[-1]["type"] == "ExecutionSucceeded"


def test_leaving_the_stream_early_cancels_the_run(clock: ManualClock) -> None:
    document = machine(
        ("Wait", {"Type": "Wait", "Seconds": 60, "Next": "Never"}),
        ("Never", {"Type": "Task", "Agent": "Boom", "End": True}),
    )
    called: list[Any] = []

    async def go() -> list[str]:
        engine = _engine(document, clock, Boom=called.append)
        seen = []
        async for event in engine.stream({}, execution_id="e1"):
            seen.append(event["type"])
            if event["type"] == "WaitStateEntered":
                break
        await asyncio.sleep(0)
        return seen

    assert asyncio.run(go()) == ["ExecutionStarted", "WaitStateEntered"]
    assert called == []


def test_stream_of_an_invalid_document_raises_validation_error(clock: ManualClock) -> None:
    engine = _engine({"StartAt": "Nowhere", "States": {}}, clock)

    with pytest.raises(ValidationError):
        _collect(engine)


def test_a_failed_execution_streams_its_failure(clock: ManualClock) -> None:
    document = machine(("Stop", {"Type": "Fail", "Error": "Order.Rejected", "Cause": "no stock"}))

    events = _collect(_engine(document, clock))

    assert events[-1] == {
        "id": 3,
        "type": "ExecutionFailed",
        "timestamp": T0,
        "details": {"error": "Order.Rejected", "cause": "no stock"},
        "executionId": "e1",
    }


@pytest.mark.parametrize(
    ("block", "pieces", "expected"),
    [
        ({}, ["a", "b"], ["a", "b"]),
        ({"Mode": "line"}, ["one\ntw", "o\nthr", "ee"], ["one\n", "two\n", "three"]),
        ({"Mode": "sentence"}, ["Hi. Yes", "! Ok"], ["Hi. ", "Yes! ", "Ok"]),
        ({"Mode": "chunk", "ChunkSize": 4}, ["ab", "cde", "f"], ["abcde", "f"]),
        ({"Mode": "line", "ChunkSize": 5}, ["a\nb\nc\nd"], ["a\nb\nc\n", "d"]),
        ({"Mode": "sentence", "Buffer": {"Size": 4}}, ["abcdef"], ["abcdef"]),
        ({"Mode": "chunk", "Buffer": {"FlushOnNewline": True}}, ["ab\ncd"], ["ab\n", "cd"]),
        ({"Mode": "sentence"}, [{"table": [1]}], [{"table": [1]}]),
    ],
)
def test_chunker_cuts_as_its_mode_and_buffer_say(
    block: dict[str, Any], pieces: list[Any], expected: list[Any]
) -> None:
    chunker = Chunker(block)

    out = [piece for chunk in pieces for piece in chunker.feed(chunk, 0.0)] + chunker.flush()

    assert out == expected


def test_chunker_flushes_when_the_flush_interval_has_passed() -> None:
    chunker = Chunker({"Mode": "sentence", "Buffer": {"FlushInterval": "100ms"}})

    assert chunker.feed("no end yet", 10.0) == []
    assert chunker.feed(" still", 10.05) == []
    assert chunker.feed(" none", 10.2) == ["no end yet still none"]


def test_streaming_callbacks_receive_chunks_completion_and_errors(clock: ManualClock) -> None:
    received: list[tuple[str, Any]] = []

    def on_chunk(event: dict[str, Any]) -> None:
        received.append(("chunk", event["details"]["chunk"]))

    async def on_complete(payload: dict[str, Any]) -> None:
        received.append(("complete", payload))

    def on_error(payload: dict[str, Any]) -> None:
        received.append(("error", payload))

    def flaky(parameters: Any, context: AgentContext) -> str:
        context.emit("partial ")
        if parameters["fail"]:
            raise ValueError("model overloaded")
        return "whole"

    streaming = {
        "Mode": "line",
        "Callbacks": {"OnChunk": "Chunks", "OnComplete": "Done", "OnError": "Failed"},
    }
    document = machine(
        ("Write", {"Type": "Task", "Agent": "Writer", "Streaming": streaming, "End": True})
    )
    agents = {"Writer": flaky, "Chunks": on_chunk, "Done": on_complete, "Failed": on_error}
    engine = WorkflowEngine(document, AgentRegistry(agents), clock=clock)

    engine.run({"fail": False})
    engine.run({"fail": True})

    assert received == [
        ("chunk", "partial "),
        ("complete", {"state": "Write", "output": "whole"}),
        ("chunk", "partial "),
        ("error", {"state": "Write", "error": "States.TaskFailed", "cause": "model overloaded"}),
    ]


def test_the_specification_s_streaming_progress_fields_work_as_a_progress_block(
    clock: ManualClock,
) -> None:
    def halfway(parameters: Any, context: AgentContext) -> dict[str, Any]:
        context.report_progress(50)
        return {}

    streaming = {
        "Enabled": True,
        "ProgressPath": "$.progress",
        "Milestones": [{"At": 50, "Emit": "half_complete"}],
    }
    document = machine(
        ("Work", {"Type": "Task", "Agent": "Half", "Streaming": streaming, "End": True})
    )

    events = _collect(_engine(document, clock, Half=halfway))

    assert [e["type"] for e in events if e.get("event") == "Milestone"] == ["half_complete"]
    assert events[-1]["details"]["output"]["progress"]["percentage"] == 100.0
