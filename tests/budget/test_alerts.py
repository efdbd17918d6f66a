"""Alerts: each threshold notifies once, through the notifier or a webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from tests.budget.scripted import Recorder, Scripted, calls_workflow, engine


def test_alerts_fire_once_each_when_their_share_is_reached() -> None:
    budget = {
        "MaxCost": "$4.00",
        "Alerts": [
            {"At": "80%", "Notify": ["#cost-alerts"], "Channel": "slack", "Priority": "high"},
            {"At": "50%", "Notify": ["dev-team@example.com"], "Message": "Half the budget"},
        ],
    }
    notifier = Recorder()
    result = engine(calls_workflow(budget, count=4), Scripted(), notifier=notifier).run(
        {}, execution_id="run-1"
    )
    assert result.status == "SUCCEEDED"
    assert notifier.sent == [
        (
            ["dev-team@example.com"],
            "Half the budget",
            {
                "requestId": "run-1:budget-alert:50%",
                "executionId": "run-1",
                "at": "50%",
                "cost": 2.0,
                "tokens": 210,
                "channel": "log",
                "priority": None,
            },
        ),
        (
            ["#cost-alerts"],
            "Budget at 80%: $4.00 of $4.00",
            {
                "requestId": "run-1:budget-alert:80%",
                "executionId": "run-1",
                "at": "80%",
                "cost": 4.0,
                "tokens": 420,
                "channel": "slack",
                "priority": "high",
            },
        ),
    ]
    alerts = [(e["details"]["at"]) for e in result.trace if e["type"] == "BudgetAlert"]
    assert alerts == ["50%", "80%"]


def test_a_failing_notifier_does_not_fail_the_run() -> None:
    class Broken:
        def notify(self, recipients: list[str], message: str, details: dict[str, Any]) -> None:
            raise ConnectionError("mail server down")

    budget = {"MaxCost": 2, "Alerts": [{"At": "50%", "Notify": ["a@example.com"]}]}
    result = engine(calls_workflow(budget, count=2), Scripted(), notifier=Broken()).run({})
    assert result.status == "SUCCEEDED"


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hooks/budget", received
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_channel_posts_the_alert(webhook: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = webhook
    budget = {"MaxTokens": 200, "Alerts": [{"At": "50%", "Notify": [url], "Channel": "webhook"}]}
    engine(calls_workflow(budget, count=1), Scripted()).run({}, execution_id="hooked")
    assert received == [
        {
            "recipients": [url],
            "message": "Budget at 50%: 105 of 200 tokens",
            "details": {
                "requestId": "hooked:budget-alert:50%",
                "executionId": "hooked",
                "at": "50%",
                "cost": 1.0,
                "tokens": 105,
                "channel": "webhook",
                "priority": None,
            },
        }
    ]
