"""Prometheus metrics: what runs, how long, what it spends, and what waits in the queue.

Each process counts what it does itself: ``asl serve`` the requests and the
executions it starts (and runs, without a broker), ``asl worker`` the executions
it runs (served on ``ASL_METRICS_PORT``). Prometheus sums them across processes.
One registry per process, not the global default, so tests can build several apps
in one interpreter; the metric objects are made once, on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass(frozen=True, slots=True)
class Metrics:
    registry: CollectorRegistry
    executions: Counter
    started: Counter
    duration: Histogram
    transitions: Counter
    retries: Counter
    tokens: Counter
    cost: Counter
    requests: Counter
    request_seconds: Histogram
    queue_depth: Gauge


_metrics: Metrics | None = None


def metrics() -> Metrics:
    global _metrics
    if _metrics is None:
        registry = CollectorRegistry()
        _metrics = Metrics(
            registry=registry,
            executions=Counter(
                "asl_executions",
                "Execution runs that ended, by workflow and status (PAUSED included)",
                ["workflow", "status"],
                registry=registry,
            ),
            started=Counter(
                "asl_executions_started",
                "Executions started through the API, by workflow",
                ["workflow"],
                registry=registry,
            ),
            duration=Histogram(
                "asl_execution_duration_seconds",
                "Wall time of one execution run, by workflow",
                ["workflow"],
                buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
                registry=registry,
            ),
            transitions=Counter(
                "asl_state_transitions",
                "States exited, by workflow",
                ["workflow"],
                registry=registry,
            ),
            retries=Counter(
                "asl_retries",
                "Task attempts beyond the first, by workflow",
                ["workflow"],
                registry=registry,
            ),
            tokens=Counter(
                "asl_tokens",
                "LLM tokens (input + output) used, by workflow",
                ["workflow"],
                registry=registry,
            ),
            cost=Counter(
                "asl_cost",
                "Cost reported by agents, by workflow",
                ["workflow"],
                registry=registry,
            ),
            requests=Counter(
                "asl_http_requests",
                "HTTP requests answered, by method, route and status code",
                ["method", "route", "code"],
                registry=registry,
            ),
            request_seconds=Histogram(
                "asl_http_request_duration_seconds",
                "HTTP request latency, by route",
                ["route"],
                buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30),
                registry=registry,
            ),
            queue_depth=Gauge(
                "asl_queue_depth",
                "Messages waiting in the broker queue (read at scrape time)",
                registry=registry,
            ),
        )
    return _metrics


def watch_queue(depth: Callable[[], int]) -> None:
    """Read the queue depth whenever Prometheus scrapes."""

    def read() -> float:
        try:
            return float(depth())
        except Exception:  # the broker is down: /readyz says so; the gauge shows NaN
            return float("nan")

    metrics().queue_depth.set_function(read)


def observe_run(
    workflow: str,
    result: Any,
    history: list[dict[str, Any]],
    tokens_before: int,
    cost_before: float,
) -> None:
    """Count one run: its status, duration, the states it passed, retries, usage spent."""
    m = metrics()
    m.executions.labels(workflow, result.status).inc()
    m.duration.labels(workflow).observe(result.duration)
    exited = sum(1 for event in history if str(event.get("type", "")).endswith("StateExited"))
    entered = sum(1 for event in history if str(event.get("type", "")) == "TaskStateEntered")
    scheduled = sum(1 for event in history if event.get("type") == "TaskScheduled")
    m.transitions.labels(workflow).inc(exited)
    m.retries.labels(workflow).inc(max(0, scheduled - entered))
    m.tokens.labels(workflow).inc(max(0, result.tokens_used - tokens_before))
    m.cost.labels(workflow).inc(max(0.0, result.cost - cost_before))
