"""Events blocks and channels: stdout, log, a webhook on a real loopback server, metrics."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from asl import AgentRegistry, WorkflowEngine
from asl.runtime.channels import METRICS
from asl.runtime.clock import ManualClock
from tests.runtime.conftest import machine

T0 = "2026-01-01T00:00:00.000Z"


class Hook:
    """A loopback HTTP server that answers with the statuses it is given, then 200."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.bodies: list[tuple[str, str, bytes]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = self.rfile.read(length)
                hook.bodies.append((self.path, self.headers["Content-Type"], body))
                status = hook.statuses.pop(0) if hook.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, _, body in self.bodies]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    server = Hook()
    yield server
    server.close()


def _charge(parameters: Any) -> Any:
    if parameters.get("amount", 0) > 100:
        raise ValueError("card declined")
    return {"charged": parameters["amount"], "orderId": parameters["orderId"]}


def _order(channels: dict[str, Any], routes: dict[str, Any], state_events: dict[str, Any]) -> Any:
    return machine(
        ("Charge", {"Type": "Task", "Agent": "Charge", "Events": state_events, "End": True}),
        Events={"Channels": channels, **routes},
    )


def test_events_block_includes_selected_values_and_routes_to_a_webhook(
    hook: Hook, clock: ManualClock
) -> None:
    document = _order(
        {"notify": {"Type": "webhook", "Url": f"{hook.url}/events"}},
        {},
        {
            "OnEnter": {"Type": "charge_started", "Include": ["$.orderId", "$.missing"]},
            "OnExit": {"Type": "charge_done", "Include": ["$.charged"], "Channel": "notify"},
        },
    )
    engine = WorkflowEngine(document, AgentRegistry({"Charge": _charge}), clock=clock)
    seen: list[dict[str, Any]] = []
    engine.on_event(seen.append)

    result = engine.run({"orderId": "o-7", "amount": 30}, execution_id="e1")

    assert result.status == "SUCCEEDED"
    started = next(e for e in seen if e["type"] == "charge_started")
    assert started == {
        "type": "charge_started",
        "timestamp": T0,
        "executionId": "e1",
        "state": "Charge",
        "event": "OnEnter",
        "details": {"$.orderId": "o-7"},
    }
    assert hook.events() == [
        {
            "type": "charge_done",
            "timestamp": T0,
            "executionId": "e1",
            "state": "Charge",
            "event": "OnExit",
            "durationSeconds": 0.0,
            "channel": "notify",
            "details": {"$.charged": 30},
        }
    ]
    assert hook.bodies[0][:2] == ("/events", "application/json")


def test_on_error_events_carry_the_error_and_go_to_the_error_route(
    hook: Hook, clock: ManualClock
) -> None:
    document = _order(
        {"alerts": {"Type": "webhook", "Url": hook.url}},
        {"OnError": {"Channel": "alerts"}},
        {"OnError": {"Type": "charge_failed"}},
    )
    engine = WorkflowEngine(document, AgentRegistry({"Charge": _charge}), clock=clock)

    result = engine.run({"orderId": "o-8", "amount": 500}, execution_id="e2")

    assert result.error == "States.TaskFailed"
    assert [(e["type"], e.get("details")) for e in hook.events()] == [
        ("TaskFailed", {"error": "States.TaskFailed", "cause": "card declined"}),
        ("charge_failed", {"error": "States.TaskFailed", "cause": "card declined"}),
        ("ExecutionFailed", {"error": "States.TaskFailed", "cause": "card declined"}),
    ]


def test_webhook_retries_a_server_error_then_delivers(hook: Hook, clock: ManualClock) -> None:
    hook.statuses = [503, 500]
    document = _order(
        {"done": {"Type": "webhook", "Url": hook.url, "Retry": {"IntervalSeconds": 2}}},
        {"OnComplete": {"Channel": "done"}},
        {},
    )
    engine = WorkflowEngine(document, AgentRegistry({"Charge": _charge}), clock=clock)

    engine.run({"orderId": "o-9", "amount": 1}, execution_id="e3")

    assert [e["type"] for e in hook.events()] == ["ExecutionSucceeded"] * 3
    assert clock.slept == [2.0, 4.0]


def test_webhook_gives_up_after_max_attempts_and_the_run_still_succeeds(
    hook: Hook, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    hook.statuses = [500, 500, 500]
    document = _order(
        {"done": {"Type": "webhook", "Url": hook.url, "Retry": {"MaxAttempts": 2}}},
        {"OnComplete": {"Channel": "done"}},
        {},
    )
    engine = WorkflowEngine(document, AgentRegistry({"Charge": _charge}), clock=clock)

    with caplog.at_level(logging.WARNING, logger="asl.events"):
        result = engine.run({"orderId": "o-1", "amount": 1})

    assert result.status == "SUCCEEDED"
    assert len(hook.bodies) == 2
    assert caplog.messages == [
        f"event delivery to {hook.url} failed after 2 attempts: HTTP 500",
    ]


def test_webhook_does_not_retry_a_client_error(
    hook: Hook, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    hook.statuses = [404]
    document = _order(
        {"done": {"Type": "webhook", "Url": hook.url}}, {"OnComplete": {"Channel": "done"}}, {}
    )
    engine = WorkflowEngine(document, AgentRegistry({"Charge": _charge}), clock=clock)

    with caplog.at_level(logging.WARNING, logger="asl.events"):
        engine.run({"orderId": "o-1", "amount": 1})

    assert len(hook.bodies) == 1
    assert caplog.messages == [f"event delivery to {hook.url} failed after 1 attempt: HTTP 404"]


def test_webhook_to_a_closed_port_is_retried_then_logged(
    clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    closed = Hook()
    url = closed.url
    closed.close()
    document = _order(
        {"done": {"Type": "webhook", "Url": url, "Retry": {"MaxAttempts": 2}}},
        {"OnComplete": {"Channel": "done"}},
        {},
    )
    engine = WorkflowEngine(document, AgentRegistry({"Charge": _charge}), clock=clock)

    with caplog.at_level(logging.WARNING, logger="asl.events"):
        result = engine.run({"orderId": "o-1", "amount": 1})

    assert result.status == "SUCCEEDED"
    assert clock.slept == [1.0]
    assert caplog.messages[0].startswith(f"event delivery to {url} failed after 2 attempts: ")


def test_stdout_channel_prints_state_changes_as_json_lines(
    clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _order({"logs": {"Type": "stdout"}}, {"OnStateChange": {"Channel": "logs"}}, {})
    engine = WorkflowEngine(document, AgentRegistry({"Charge": _charge}), clock=clock)

    engine.run({"orderId": "o-1", "amount": 1}, execution_id="e4")

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["id"], e["type"], e["state"]) for e in lines] == [
        (2, "TaskStateEntered", "Charge"),
        (6, "TaskStateExited", "Charge"),
    ]


def test_text_format_for_people(clock: ManualClock, capsys: pytest.CaptureFixture[str]) -> None:
    document = _order(
        {"logs": {"Type": "stdout", "Format": "text"}}, {"OnComplete": {"Channel": "logs"}}, {}
    )
    engine = WorkflowEngine(document, AgentRegistry({"Charge": _charge}), clock=clock)

    engine.run({"orderId": "o-1", "amount": 1})

    assert capsys.readouterr().out == (
        f'{T0} ExecutionSucceeded {{"output": {{"charged": 1, "orderId": "o-1"}}}}\n'
    )


def test_log_channel_logs_at_its_level_on_its_logger(
    clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    document = _order(
        {"audit": {"Type": "log", "Logger": "shop.audit", "Level": "WARNING"}},
        {"OnComplete": {"Channel": "audit"}},
        {},
    )
    engine = WorkflowEngine(document, AgentRegistry({"Charge": _charge}), clock=clock)

    with caplog.at_level(logging.WARNING, logger="shop.audit"):
        engine.run({"orderId": "o-1", "amount": 1}, execution_id="e5")

    assert [(r.name, r.levelname) for r in caplog.records] == [("shop.audit", "WARNING")]
    assert json.loads(caplog.messages[0])["type"] == "ExecutionSucceeded"


def test_metrics_channel_counts_events_and_pushes_them(hook: Hook, clock: ManualClock) -> None:
    METRICS.reset()
    document = _order(
        {"metrics": {"Type": "prometheus", "Endpoint": f"{hook.url}/metrics/job/shop"}},
        {"OnStateChange": {"Channel": "metrics"}, "OnComplete": {"Channel": "metrics"}},
        {},
    )
    engine = WorkflowEngine(document, AgentRegistry({"Charge": _charge}), clock=clock)

    engine.run({"orderId": "o-1", "amount": 1})
    engine.run({"orderId": "o-2", "amount": 2})

    expected = (
        "# HELP asl_events_total Workflow events sent to metrics channels.\n"
        "# TYPE asl_events_total counter\n"
        'asl_events_total{type="ExecutionSucceeded",state=""} 2\n'
        'asl_events_total{type="TaskStateEntered",state="Charge"} 2\n'
        'asl_events_total{type="TaskStateExited",state="Charge"} 2\n'
        "# HELP asl_progress_percent Last reported progress of each scope.\n"
        "# TYPE asl_progress_percent gauge\n"
    )
    assert METRICS.text() == expected
    path, content_type, body = hook.bodies[-1]
    assert (path, content_type, body.decode()) == (
        "/metrics/job/shop",
        "text/plain; version=0.0.4",
        expected,
    )
    METRICS.reset()
