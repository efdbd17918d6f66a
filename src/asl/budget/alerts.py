"""Delivering budget alerts: a webhook channel built in, every other channel to the notifier.

``Channel: "webhook"`` POSTs the alert as JSON to each URL in ``Notify``;
``log`` (the default) and any other channel (email, slack, sms...) go to the
engine's notifier, which logs unless the application gave its own. A
notification that fails is logged: it never fails the execution.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import urllib.request
from typing import Any

logger = logging.getLogger("asl.budget")

WEBHOOK_TIMEOUT = 10.0


class WebhookNotifier:
    """POSTs ``{"recipients", "message", "details"}`` as JSON to every recipient URL."""

    def __init__(self, timeout: float = WEBHOOK_TIMEOUT) -> None:
        self.timeout = timeout

    async def notify(self, recipients: list[str], message: str, details: dict[str, Any]) -> None:
        body = json.dumps(
            {"recipients": recipients, "message": message, "details": details}
        ).encode()
        for url in recipients:
            if not url.startswith(("http://", "https://")):
                logger.warning("budget webhook %r is not an http(s) URL; not sent", url)
                continue
            await asyncio.to_thread(self._post, url, body)

    def _post(self, url: str, body: bytes) -> None:
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            response.read()


async def deliver(
    notifier: Any, channel: str, recipients: list[str], message: str, details: dict[str, Any]
) -> None:
    """Send one notice; a failing notifier is logged, never raised."""
    target = WebhookNotifier() if channel == "webhook" else notifier
    try:
        sent = target.notify(recipients, message, details)
        if inspect.isawaitable(sent):
            await sent
    except Exception:  # an alert must never break the run it reports on
        logger.exception("budget notification to %s failed", ", ".join(recipients) or "nobody")
