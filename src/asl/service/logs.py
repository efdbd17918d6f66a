"""Structured logs: one JSON object a line, carrying the execution and state ids.

The ids live in context variables set where an execution run starts and where a
state is entered, so every log line written while they run (by the engine, an
agent, this service) carries them without being passed around. Values under a
configured secret key name are redacted from what is logged, and the text of an
exception is kept but never the local variables.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar
from typing import Any

execution_id: ContextVar[str | None] = ContextVar("asl_execution_id", default=None)
state_name: ContextVar[str | None] = ContextVar("asl_state", default=None)

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "executionId", "state", ...extra}``."""

    def __init__(self, redact_keys: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.redact_keys = frozenset(key.lower() for key in redact_keys)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = execution_id.get()
        if current is not None:
            entry["executionId"] = current
        state = state_name.get()
        if state is not None:
            entry["state"] = state
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(redact(entry, self.redact_keys), default=str, ensure_ascii=False)


def redact(value: Any, keys: frozenset[str]) -> Any:
    """``value`` with the values of keys named in ``keys`` (lower case) replaced by ``***``."""
    if not keys:
        return value
    if isinstance(value, dict):
        return {k: "***" if str(k).lower() in keys else redact(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(item, keys) for item in value]
    return value


def setup_logging(level: str, form: str, redact_keys: tuple[str, ...]) -> None:
    """Send every log line to stderr, as JSON (the default) or plain text."""
    handler = logging.StreamHandler(sys.stderr)
    if form == "json":
        handler.setFormatter(JsonFormatter(redact_keys))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).setLevel(logging.WARNING)
