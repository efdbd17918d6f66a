"""A Task's ``Streaming`` block: how the chunks its agent emits are cut before they are published.

An agent calls ``context.emit(chunk)`` as it produces output; the chunks
become ``AgentOutputChunk`` events. ``Mode`` decides where a chunk may end:
``token`` (as emitted, the default), ``line`` (after a newline), ``sentence``
(after ``.``, ``!`` or ``?`` and a space) or ``chunk`` (anywhere: size only).
``ChunkSize`` is the minimum length of a published chunk (100 in ``chunk``
mode, else 1): shorter complete pieces wait for the next ones. ``Buffer``
forces a flush: ``Size`` characters held, ``FlushOnNewline``, or
``FlushInterval`` elapsed since the last flush. What is left is flushed when
the Task ends, successfully or not. ``"Enabled": false`` drops the state's
chunks; a chunk that is not text (an object) is published as it is.
``Callbacks`` names registered functions called with the chunk events
(``OnChunk``), ``{state, output}`` on success (``OnComplete``) and
``{state, error, cause}`` on failure (``OnError``).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Callable
from typing import Any

from asl.runtime.events import CHUNK, EventBus
from asl.runtime.pause import parse_duration

logger = logging.getLogger("asl.events")

MODES = ("token", "line", "sentence", "chunk")
_SENTENCE_END = re.compile(r"[.!?]+\s+")


class Chunker:
    """Cuts the text an agent emits into the chunks its Streaming block asks for."""

    def __init__(self, block: dict[str, Any]) -> None:
        self.enabled = block.get("Enabled", True) is not False
        self.mode = str(block.get("Mode") or "token")
        self.minimum = int(block.get("ChunkSize") or (100 if self.mode == "chunk" else 1))
        given = block.get("Buffer")
        buffer: dict[str, Any] = given if isinstance(given, dict) else {}
        size = buffer.get("Size")
        self.size: int | None = size if isinstance(size, int) else None
        self.interval = parse_duration(buffer.get("FlushInterval"))
        self.on_newline = buffer.get("FlushOnNewline") is True
        self.text = ""
        self.last_flush: float | None = None

    def feed(self, chunk: Any, now: float) -> list[Any]:
        """The chunks ready to publish once ``chunk`` is added."""
        if not self.enabled:
            return []
        if not isinstance(chunk, str):
            return [*self.flush(), chunk]
        if self.last_flush is None:
            self.last_flush = now
        self.text += chunk
        pieces, start = [], 0
        for end in self._boundaries():
            if end - start >= self.minimum:
                pieces.append(self.text[start:end])
                start = end
        rest = self.text[start:]
        if self.on_newline and "\n" in rest:
            cut = rest.rindex("\n") + 1
            pieces.append(rest[:cut])
            rest = rest[cut:]
        forced = (self.size is not None and len(rest) >= self.size) or (
            self.interval is not None and now - self.last_flush >= self.interval
        )
        if forced and rest:
            pieces.append(rest)
            rest = ""
        self.text = rest
        if pieces:
            self.last_flush = now
        return pieces

    def flush(self) -> list[str]:
        """What is still held (the Task ended)."""
        rest, self.text = self.text, ""
        return [rest] if rest and self.enabled else []

    def _boundaries(self) -> list[int]:
        if self.mode == "line":
            return [match.end() for match in re.finditer("\n", self.text)]
        if self.mode == "sentence":
            return [match.end() for match in _SENTENCE_END.finditer(self.text)]
        return [len(self.text)]


class StreamEnd:
    """Flushes a state's chunker when its Task ends, and calls its ``Callbacks``."""

    def __init__(
        self,
        state: str,
        chunker: Chunker,
        callbacks: dict[str, Any],
        find: Callable[[str], Any],
    ) -> None:
        self.state = state
        self.chunker = chunker
        self.callbacks = {key: str(value) for key, value in callbacks.items()}
        self.find = find
        self.count = 0

    def observe(self, event: dict[str, Any], at: float, bus: EventBus) -> None:
        if event.get("state") != self.state:
            return
        kind = event["type"]
        if kind in ("TaskSucceeded", "TaskFailed", "TaskTimedOut"):
            for piece in self.chunker.flush():
                self._publish(bus, piece)
            if kind == "TaskSucceeded":
                output = (event.get("details") or {}).get("output")
                self._call("OnComplete", {"state": self.state, "output": output})
            else:
                details = event.get("details") or {}
                failure = {"error": details.get("error"), "cause": details.get("cause")}
                self._call("OnError", {"state": self.state, **failure})

    def chunk(self, bus: EventBus, chunk: Any) -> None:
        """An agent emitted ``chunk``: publish what the Streaming block lets through."""
        for piece in self.chunker.feed(chunk, bus.now()):
            self._publish(bus, piece)

    def _publish(self, bus: EventBus, piece: Any) -> None:
        event = bus.emit(CHUNK, self.state, {"chunk": piece, "index": self.count})
        self.count += 1
        self._call("OnChunk", event)

    def _call(self, name: str, payload: dict[str, Any]) -> None:
        target = self.callbacks.get(name)
        if target is None:
            return
        agent = self.find(target)
        if agent is None:
            logger.warning("Streaming callback %s '%s' is not registered", name, target)
            return
        outcome = agent.call(payload)
        if inspect.isawaitable(outcome):
            task = asyncio.ensure_future(outcome)
            task.add_done_callback(_log_failure)


def _log_failure(task: Any) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("a Streaming callback failed", exc_info=task.exception())
