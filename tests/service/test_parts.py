"""The service's parts on their own: keys, the rate limit, redaction, logs, spans, metrics."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from asl import AgentRegistry, AgentResult, Usage, WorkflowEngine
from asl.service import auth
from asl.service.limits import RateLimiter
from asl.service.logs import JsonFormatter, execution_id, redact
from asl.service.metrics import metrics, observe_run
from asl.service.tracing import finish_run_span, traced_registry, tracer
from asl.store import open_store


def test_a_key_is_stored_only_as_its_hash_and_verifies() -> None:
    async def scenario() -> None:
        store = await open_store("memory://")
        key, record = await auth.create_key(store, "ci", ["read", "approve"])
        stored = await store.get_memory(auth.KEYS, record.key_id)
        assert stored is not None and isinstance(stored.value, dict)
        assert key not in json.dumps(stored.value)
        assert stored.value["hash"] == auth.digest(key)
        verified = await auth.verify_key(store, key)
        assert verified is not None and verified.scopes == ("read", "approve")
        assert verified.allows("approve") and not verified.allows("execute")
        assert await auth.verify_key(store, key[:-1] + "x") is None
        assert await auth.verify_key(store, "Bearer nonsense") is None
        assert await auth.revoke_key(store, record.key_id) is True
        assert await auth.verify_key(store, key) is None

    asyncio.run(scenario())


def test_admin_allows_every_scope_and_unknown_scopes_are_refused() -> None:
    admin = auth.ApiKey("k", "ops", ("admin",), 0.0)
    assert all(admin.allows(scope) for scope in ("read", "execute", "approve", "admin"))
    with pytest.raises(auth.KeyRequestError) as raised:
        auth.check_scopes(["read", "write"])
    assert str(raised.value) == (
        "scopes must be one or more of read, execute, approve, admin; got read, write"
    )


def test_the_token_bucket_allows_a_burst_then_the_refill_rate() -> None:
    limiter = RateLimiter(per_second=2, burst=3)
    assert [limiter.take("k", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("k", now=0.0) == 0.5
    assert limiter.take("k", now=0.5) == 0.0
    assert limiter.take("other", now=0.5) == 0.0  # each key has its own bucket


def test_redaction_hides_secret_keys_at_any_depth() -> None:
    keys = frozenset({"password", "apikey"})
    value = {"user": "ada", "Password": "x", "nested": [{"apiKey": "y", "ok": 1}]}
    assert redact(value, keys) == {
        "user": "ada",
        "Password": "***",
        "nested": [{"apiKey": "***", "ok": 1}],
    }


def test_json_logs_carry_the_execution_id_and_redact() -> None:
    formatter = JsonFormatter(("token",))
    record = logging.makeLogRecord(
        {"name": "asl.service", "levelname": "INFO", "msg": "hello %s", "args": ("ada",)}
    )
    record.__dict__["token"] = "secret"
    marker = execution_id.set("exec-1")
    try:
        line = json.loads(formatter.format(record))
    finally:
        execution_id.reset(marker)
    assert {k: line[k] for k in ("level", "logger", "message", "executionId", "token")} == {
        "level": "INFO",
        "logger": "asl.service",
        "message": "hello ada",
        "executionId": "exec-1",
        "token": "***",
    }


_EXPORTER = InMemorySpanExporter()


@pytest.fixture
def spans() -> InMemorySpanExporter:
    """The process's tracer provider (OpenTelemetry allows setting it once) into memory."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        trace.set_tracer_provider(provider)
    _EXPORTER.clear()
    return _EXPORTER


def test_runs_give_workflow_state_and_agent_spans_with_genai_attributes(
    spans: InMemorySpanExporter,
) -> None:
    registry = AgentRegistry()
    registry.register(
        "Writer",
        lambda p: AgentResult(
            {"text": "hi"}, Usage(input_tokens=5, output_tokens=7, model="m1", cost=0.25)
        ),
    )
    document = {
        "StartAt": "Write",
        "States": {
            "Write": {"Type": "Task", "Agent": "Writer", "Next": "Done"},
            "Done": {"Type": "Succeed"},
        },
    }
    engine = WorkflowEngine(document, traced_registry(registry))

    async def scenario() -> None:
        span = tracer().start_span("invoke_workflow demo")
        with trace.use_span(span, end_on_exit=True):
            result = await engine.arun({})
            finish_run_span(span, result, result.trace)

    asyncio.run(scenario())
    by_name = {span.name: span for span in spans.get_finished_spans()}
    assert set(by_name) == {"invoke_agent Writer", "Write", "Done", "invoke_workflow demo"}
    agent = by_name["invoke_agent Writer"].attributes or {}
    assert dict(agent) == {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "Writer",
        "gen_ai.usage.input_tokens": 5,
        "gen_ai.usage.output_tokens": 7,
        "asl.cost": 0.25,
        "gen_ai.request.model": "m1",
    }
    workflow = by_name["invoke_workflow demo"]
    assert (workflow.attributes or {})["gen_ai.usage.input_tokens"] == 12
    state = by_name["Write"]
    assert dict(state.attributes or {}) == {"asl.state.name": "Write", "asl.state.type": "Task"}
    assert state.parent is not None and state.parent.span_id == workflow.context.span_id


def test_a_run_is_counted_by_status_with_transitions_retries_and_usage() -> None:
    class Result:
        status = "SUCCEEDED"
        duration = 0.01
        tokens_used = 30
        cost = 1.5

    history = [
        {"type": "TaskStateEntered"},
        {"type": "TaskScheduled"},
        {"type": "TaskFailed"},
        {"type": "TaskScheduled"},
        {"type": "TaskStateExited"},
        {"type": "SucceedStateExited"},
    ]
    m = metrics()
    before = m.retries.labels("unit")._value.get()  # type: ignore[attr-defined]
    observe_run("unit", Result(), history, tokens_before=10, cost_before=0.5)
    assert m.retries.labels("unit")._value.get() - before == 1  # type: ignore[attr-defined]
    assert m.transitions.labels("unit")._value.get() == 2  # type: ignore[attr-defined]
    assert m.tokens.labels("unit")._value.get() == 20  # type: ignore[attr-defined]
    assert m.cost.labels("unit")._value.get() == 1.0  # type: ignore[attr-defined]
    assert m.executions.labels("unit", "SUCCEEDED")._value.get() == 1  # type: ignore[attr-defined]
