"""Where a workflow's ``Events.Channels`` send events: stdout, a log, a webhook, metrics.

A channel's ``send`` is called on the event loop's thread for every event routed
to it and must not block: the webhook channel queues and delivers from a task
of its own, retrying with back-off; the execution waits for its deliveries at
the end (``close``), so an event is never lost because the run ended first. A
channel that cannot deliver logs a warning: events never fail an execution.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

from asl.runtime.clock import Clock

logger = logging.getLogger("asl.events")

CHANNEL_TYPES = ("stdout", "log", "webhook", "metrics", "prometheus")
LOG_LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}
DEFAULT_ATTEMPTS = 3
DEFAULT_INTERVAL = 1.0
DEFAULT_BACKOFF = 2.0
DEFAULT_TIMEOUT = 5.0


class Channel(Protocol):
    def send(self, event: dict[str, Any]) -> None: ...

    async def close(self) -> None: ...


def line(event: dict[str, Any]) -> str:
    """One event as one line of JSON (NDJSON), UTF-8 text as is."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"), default=str)


def text_line(event: dict[str, Any]) -> str:
    """One event for people: time, type, state, details."""
    state = f" {event['state']}" if "state" in event else ""
    details = f" {json.dumps(event['details'], ensure_ascii=False)}" if "details" in event else ""
    return f"{event['timestamp']} {event['type']}{state}{details}"


class StdoutChannel:
    """Lines on standard output (``Format``: ``json``, the default, or ``text``).

    ``sys.stdout`` is looked up per event, so the CLI can send these lines to
    stderr, where its contract puts everything but the final output.
    """

    def __init__(self, settings: dict[str, Any]) -> None:
        self.render = text_line if settings.get("Format") == "text" else line

    def send(self, event: dict[str, Any]) -> None:
        print(self.render(event), file=sys.stdout, flush=True)

    async def close(self) -> None:
        return None


class LogChannel:
    """Records on a Python logger (``Logger``, default ``asl.events``; ``Level``, default INFO)."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.logger = logging.getLogger(str(settings.get("Logger") or "asl.events"))
        self.level = LOG_LEVELS[str(settings.get("Level", "INFO")).upper()]
        self.render = text_line if settings.get("Format") == "text" else line

    def send(self, event: dict[str, Any]) -> None:
        self.logger.log(self.level, "%s", self.render(event))

    async def close(self) -> None:
        return None


class Delivery:
    """HTTP POSTs with retries: ``MaxAttempts`` tries, ``IntervalSeconds`` × ``BackoffRate``.

    A connection failure, a 5xx or a 429 is retried; any other 4xx is not (the
    same request would be refused again). Sleeping goes through the engine's
    clock, so tests with a manual clock retry instantly.
    """

    def __init__(self, settings: dict[str, Any], clock: Clock) -> None:
        self.url = str(settings["Url"] if "Url" in settings else settings["Endpoint"])
        self.headers = {str(k): str(v) for k, v in (settings.get("Headers") or {}).items()}
        retry = settings.get("Retry") or {}
        self.attempts = int(retry.get("MaxAttempts", DEFAULT_ATTEMPTS))
        self.interval = float(retry.get("IntervalSeconds", DEFAULT_INTERVAL))
        self.backoff = float(retry.get("BackoffRate", DEFAULT_BACKOFF))
        self.timeout = float(settings.get("TimeoutSeconds", DEFAULT_TIMEOUT))
        self.clock = clock
        self.delivered = 0
        self.failed = 0

    async def post(self, body: bytes, content_type: str) -> bool:
        """True once the server took it; False after the last attempt failed."""
        delay = self.interval
        for attempt in range(1, self.attempts + 1):
            problem = await asyncio.to_thread(self._post_once, body, content_type)
            if problem is None:
                self.delivered += 1
                return True
            retry, reason = problem
            if not retry or attempt == self.attempts:
                self.failed += 1
                logger.warning(
                    "event delivery to %s failed after %d attempt%s: %s",
                    self.url,
                    attempt,
                    "" if attempt == 1 else "s",
                    reason,
                )
                return False
            await self.clock.sleep(delay)
            delay *= self.backoff
        return False

    def _post_once(self, body: bytes, content_type: str) -> tuple[bool, str] | None:
        """None when delivered, else (worth retrying, why not)."""
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": content_type, **self.headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
            return None
        except urllib.error.HTTPError as error:
            return error.code >= 500 or error.code == 429, f"HTTP {error.code}"
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            return True, str(reason)


class WebhookChannel:
    """Each event POSTed as JSON to ``Url``, in order, from a task of its own."""

    def __init__(self, settings: dict[str, Any], clock: Clock) -> None:
        self.delivery = Delivery(settings, clock)
        self.queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.worker: asyncio.Task[None] | None = None

    def send(self, event: dict[str, Any]) -> None:
        if self.worker is None:
            self.worker = asyncio.get_running_loop().create_task(self._deliver())
        self.queue.put_nowait(event)

    async def _deliver(self) -> None:
        while (event := await self.queue.get()) is not None:
            await self.delivery.post(line(event).encode(), "application/json")

    async def close(self) -> None:
        if self.worker is not None:
            self.queue.put_nowait(None)
            await self.worker


class Metrics:
    """Process-wide counters of the events sent to metrics channels, in Prometheus text form.

    ``asl_events_total{type, state}`` counts events; ``asl_progress_percent{scope,
    state}`` holds the last percentage of each progress scope. ``asl serve``'s
    ``/metrics`` (or your own exporter) renders :meth:`text`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.events: defaultdict[tuple[str, str], int] = defaultdict(int)
        self.progress: dict[tuple[str, str], float] = {}

    def count(self, event: dict[str, Any]) -> None:
        state = str(event.get("state", ""))
        with self._lock:
            self.events[(str(event["type"]), state)] += 1
            details = event.get("details")
            if event["type"] == "ProgressUpdated" and isinstance(details, dict):
                self.progress[(str(details.get("scope")), state)] = float(details["percentage"])

    def text(self) -> str:
        with self._lock:
            events = sorted(self.events.items())
            progress = sorted(self.progress.items())
        lines = [
            "# HELP asl_events_total Workflow events sent to metrics channels.",
            "# TYPE asl_events_total counter",
        ]
        lines += [
            f'asl_events_total{{type="{_label(kind)}",state="{_label(state)}"}} {count}'
            for (kind, state), count in events
        ]
        lines += [
            "# HELP asl_progress_percent Last reported progress of each scope.",
            "# TYPE asl_progress_percent gauge",
        ]
        lines += [
            f'asl_progress_percent{{scope="{_label(scope)}",state="{_label(state)}"}} {value:g}'
            for (scope, state), value in progress
        ]
        return "\n".join(lines) + "\n"

    def reset(self) -> None:
        with self._lock:
            self.events.clear()
            self.progress.clear()


METRICS = Metrics()


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class MetricsChannel:
    """Counts into :data:`METRICS`; with ``Endpoint``, pushes the counters there at the end.

    The push is a POST of the Prometheus text format (what a Pushgateway's
    ``/metrics/job/<job>`` takes), with the webhook's retries.
    """

    def __init__(self, settings: dict[str, Any], clock: Clock) -> None:
        self.push = Delivery(settings, clock) if "Endpoint" in settings else None

    def send(self, event: dict[str, Any]) -> None:
        METRICS.count(event)

    async def close(self) -> None:
        if self.push is not None:
            await self.push.post(METRICS.text().encode(), "text/plain; version=0.0.4")


def open_channel(settings: dict[str, Any], clock: Clock) -> Channel:
    """The channel one ``Channels`` entry describes (validated beforehand)."""
    kind = str(settings.get("Type", "")).lower()
    factories: dict[str, Callable[[], Channel]] = {
        "stdout": lambda: StdoutChannel(settings),
        "log": lambda: LogChannel(settings),
        "webhook": lambda: WebhookChannel(settings, clock),
        "metrics": lambda: MetricsChannel(settings, clock),
        "prometheus": lambda: MetricsChannel(settings, clock),
    }
    return factories[kind]()
