"""OpenTelemetry spans for executions, states and agent calls (GenAI semantic conventions).

One execution is one trace, however many runs it takes (a pause, a crash, a
redrive): the first run's span context is stored with the execution and every
later run is a child of it, so a trace viewer shows the whole life in one place.
Spans:

- ``invoke_workflow <workflow>``: one per run; ``gen_ai.operation.name`` =
  ``invoke_workflow``, ``gen_ai.workflow.name``, ``asl.execution.id``, the status,
  tokens (``gen_ai.usage.input_tokens`` is the run's total) and ``asl.cost``.
- ``<state>``: one per state the run passed through, built from the execution's
  history after the run (exact timestamps, no hook on the hot path), with
  ``asl.state.name`` and ``asl.state.type``.
- ``invoke_agent <agent>``: around each agent call (a synchronous agent runs on a
  thread, so it never blocks the event loop), with ``gen_ai.agent.name``,
  ``gen_ai.request.model``, ``gen_ai.usage.input_tokens``/``output_tokens`` and
  ``asl.cost`` when the agent reported usage.

Payloads are never put on spans, so nothing secret reaches the trace backend.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)
from opentelemetry.trace import NonRecordingSpan, SpanContext, Status, StatusCode, TraceFlags

from asl.agents.base import AgentResult
from asl.agents.registry import AgentRegistry

logger = logging.getLogger("asl.service")

TRACER_NAME = "asl.service"


def setup_tracing(exporter: str) -> None:
    """Install a tracer provider for ``none`` (spans dropped), ``console`` or ``otlp``."""
    if exporter == "none":
        return
    chosen: SpanExporter
    if exporter == "console":
        chosen = ConsoleSpanExporter()
    else:
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # type: ignore[import-not-found]
                OTLPSpanExporter,
            )
        except ImportError:
            logger.error(
                "ASL_TRACE_EXPORTER=otlp needs opentelemetry-exporter-otlp-proto-http; "
                "traces are off"
            )
            return
        chosen = OTLPSpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(chosen))
    trace.set_tracer_provider(provider)


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


def parent_context(stored: Any) -> Any:
    """The context of an execution's first run, from ``{"traceId", "spanId"}`` as stored."""
    if not isinstance(stored, dict):
        return None
    try:
        context = SpanContext(
            int(str(stored["traceId"]), 16),
            int(str(stored["spanId"]), 16),
            is_remote=True,
            trace_flags=TraceFlags(TraceFlags.SAMPLED),
        )
    except (KeyError, ValueError):
        return None
    return trace.set_span_in_context(NonRecordingSpan(context))


def span_ids(span: trace.Span) -> dict[str, str] | None:
    context = span.get_span_context()
    if not context.is_valid:
        return None
    return {"traceId": f"{context.trace_id:032x}", "spanId": f"{context.span_id:016x}"}


def finish_run_span(span: trace.Span, result: Any, history: list[dict[str, Any]]) -> None:
    """Status, usage and the state spans of one run, from its result and history."""
    if not span.is_recording():  # tracing is off: nothing to build
        return
    span.set_attribute("asl.execution.status", result.status)
    span.set_attribute("gen_ai.usage.input_tokens", int(result.tokens_used))
    span.set_attribute("asl.cost", float(result.cost))
    if result.status in ("FAILED", "TIMED_OUT"):
        span.set_status(Status(StatusCode.ERROR, f"{result.error}: {result.cause}"))
    parent = trace.set_span_in_context(span)
    open_states: dict[str, tuple[int, str]] = {}
    for event in history:
        kind, state = str(event.get("type", "")), event.get("state")
        if not isinstance(state, str):
            continue
        if kind.endswith("StateEntered"):
            open_states[state] = (_nanos(event), kind.removesuffix("StateEntered"))
        elif kind.endswith("StateExited") and state in open_states:
            started, state_type = open_states.pop(state)
            child = tracer().start_span(
                state,
                context=parent,
                start_time=started,
                attributes={"asl.state.name": state, "asl.state.type": state_type},
            )
            child.end(end_time=max(_nanos(event), started))


def _nanos(event: dict[str, Any]) -> int:
    moment = datetime.fromisoformat(str(event["timestamp"]).replace("Z", "+00:00"))
    return int(moment.timestamp() * 1_000_000_000)


def traced_registry(registry: AgentRegistry) -> AgentRegistry:
    """The same agents, each call inside an ``invoke_agent`` span, and the same tools
    (and their rate-limit counters)."""
    traced = AgentRegistry()
    for name in registry:
        traced.register(name, _traced_agent(name, registry))
    traced.tools = registry.tools
    return traced


def _traced_agent(name: str, registry: AgentRegistry) -> Callable[..., Any]:
    """A coroutine taking ``*args``: the engine then passes the context, which is forwarded
    only to an agent that takes one, so the wrapped agent sees the same call as before.

    A synchronous agent runs on a thread: a service process runs many executions on
    one event loop, and one blocking agent must not stall the others (nor the lease
    renewals that tell the cluster this process is alive).
    """
    bound = registry.bound(name)
    call = bound.call
    arity = 2 if bound.wants_context else 1

    def start() -> trace.Span:
        return tracer().start_span(
            f"invoke_agent {name}",
            attributes={"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": name},
        )

    if bound.is_async:

        async def run_async(*args: Any) -> Any:
            span = start()
            with trace.use_span(span, end_on_exit=True, record_exception=False):
                result = await call(*args[:arity])
                _usage(span, result)
                return result

        return run_async

    async def run_in_thread(*args: Any) -> Any:
        span = start()
        with trace.use_span(span, end_on_exit=True, record_exception=False):
            result = await asyncio.to_thread(call, *args[:arity])
            _usage(span, result)
            return result

    return run_in_thread


def _usage(span: trace.Span, result: Any) -> None:
    if not isinstance(result, AgentResult):
        return
    usage = result.usage
    span.set_attribute("gen_ai.usage.input_tokens", usage.input_tokens)
    span.set_attribute("gen_ai.usage.output_tokens", usage.output_tokens)
    span.set_attribute("asl.cost", usage.cost)
    if usage.model:
        span.set_attribute("gen_ai.request.model", usage.model)
