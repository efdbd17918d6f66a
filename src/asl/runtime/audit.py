"""The ``Audit`` block: how much of a state's data its history and logs keep.

``LogLevel`` decides which documents the state's own history events keep:

* ``minimal``: none (the events remain, so the transitions can be followed);
* ``standard``: the state's input and output (its entered and exited events);
* ``full`` (the default) and ``debug``: also what its agents were given and
  answered (``TaskScheduled`` parameters, ``TaskSucceeded`` output, Debate turns).

``Redact`` paths are applied to every document the state records, and the same
secrets are masked in the lines its agents log through ``context.logger``
(``debug`` lets that logger pass DEBUG lines, ``minimal`` only warnings).
Failure events (error and cause) are always kept whole. The documents the
workflow goes on with are never changed. ``Metrics`` and ``Trace`` are checked by
validation only: usage is summed into the totals and events carry their times anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from asl.language.redact import RedactPath, parse_redact_path, redact, redacted_values
from asl.runtime.execution import Scope
from asl.runtime.history import Event
from asl.runtime.payload_size import check_payload

LOG_LEVELS: Final = ("minimal", "standard", "full", "debug")
DOCUMENT_KEYS: Final = frozenset({"input", "output", "parameters"})
_LOGGER_LEVELS: Final = {
    "minimal": logging.WARNING,
    "standard": logging.NOTSET,
    "full": logging.NOTSET,
    "debug": logging.DEBUG,
}
MIN_MASKED_LENGTH: Final = 4  # shorter values would mask unrelated text in log lines

Run = Callable[[Any, Scope, int], Awaitable[tuple[Any, str | None]]]


class Audit:
    __slots__ = ("level", "paths")

    def __init__(self, raw: dict[str, Any]) -> None:
        level = raw.get("LogLevel", "full")
        self.level: str = level if level in LOG_LEVELS else "full"
        self.paths: tuple[RedactPath, ...] = tuple(
            parse_redact_path(text) for text in raw.get("Redact") or ()
        )

    def document(self, value: Any, transition: bool) -> Any:
        """What the history keeps of one document (``transition``: the state's input/output)."""
        if self.level == "minimal" or (self.level == "standard" and not transition):
            return None
        return redact(value, self.paths) if self.paths else value

    def scrub(self, events: list[Event], first: int, state: str) -> None:
        """Rewrite the state's events from index ``first`` on, as the level and paths say."""
        for index in range(first, len(events)):
            kind, at, name, key, value = events[index]
            if name != state:
                continue
            if key in DOCUMENT_KEYS:
                transition = kind.endswith(("StateEntered", "StateExited"))
                events[index] = (kind, at, name, key, self.document(value, transition))
            elif key is None and isinstance(value, dict) and DOCUMENT_KEYS & value.keys():
                events[index] = (kind, at, name, key, self._details(value))

    def _details(self, value: dict[str, Any]) -> dict[str, Any]:
        """Details holding documents next to other facts (a Debate turn: round, agent...)."""
        kept = {k: v for k, v in value.items() if k not in DOCUMENT_KEYS}
        for key in DOCUMENT_KEYS & value.keys():
            document = self.document(value[key], False)
            if document is not None:
                kept[key] = document
        return kept

    def logger(self, base: logging.Logger, *documents: Any) -> logging.Logger:
        """A logger for one agent call: masks the redacted values, at the level's threshold."""
        secrets = sorted(
            {
                text
                for document in documents
                for text in redacted_values(document, self.paths)
                if len(text) >= MIN_MASKED_LENGTH
            },
            key=len,
            reverse=True,
        )
        logger = logging.Logger(base.name, _LOGGER_LEVELS[self.level])
        logger.parent = base
        if secrets:
            logger.addFilter(_Mask(secrets))
        return logger


class _Mask(logging.Filter):
    """Replaces secret values in a record's message before any handler sees it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for secret in self.secrets:
            message = message.replace(secret, "[REDACTED]")
        record.msg, record.args = message, None
        return True


def audited(state: Any, audit: Audit) -> None:
    """Make ``state`` record its events through ``audit``.

    The state records its exited event itself (redacted) instead of the machine
    loop, and rewrites its other events when it ends, succeeded, failed or paused.
    """
    inner: Run = state.run
    exited: str = state.exited_event
    state.exited_event = None
    name: str = state.name

    async def run(data: Any, scope: Scope, entered: int) -> tuple[Any, str | None]:
        execution = scope.execution
        events = execution.events
        try:
            output, following = await inner(data, scope, entered)
        finally:
            audit.scrub(events, entered - 1, name)
        if output is not data:
            check_payload(output, execution.payload_limit, name)
        execution.record(exited, name, "output", audit.document(output, True))
        return output, following

    state.run = run
