"""Notifiers: how the engine tells people that something waits for them.

A notifier is any object with ``notify(recipients, message, details)`` (sync or
async). The engine calls it to escalate a pending Approval (``Escalation``);
:class:`LogNotifier`, the default, writes one log line per notification.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

logger = logging.getLogger("asl.notify")


class Notifier(Protocol):
    def notify(self, recipients: list[str], message: str, details: dict[str, Any]) -> Any:
        """Tell ``recipients``; ``details`` is the pending request (and the escalation level)."""


class LogNotifier:
    """Notifications as log lines on the ``asl.notify`` logger."""

    def notify(self, recipients: list[str], message: str, details: dict[str, Any]) -> None:
        logger.warning("notify %s: %s (%s)", ", ".join(recipients), message, details["requestId"])
