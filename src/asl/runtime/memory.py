"""The Memory block of a Task state (ASL): persistent key-value memory across executions.

``Read`` (a list of keys, or ``{Keys, InjectAt, Default}``) injects the found
values as ``{key: value}`` at ``InjectAt`` (default ``$.memory``) of the state's
input before the Task runs; when no key is found and ``Default`` is given, the
Default is injected instead. ``Write`` (one object or a list) stores values
after the state: ``Key`` (or ``Key.$``), ``Value`` or ``Value.$`` (evaluated on
the state's output), ``TTL`` (``300``, ``30m``, ``24h``, ``7d``, ``2w``,
``never``), ``Merge`` (objects merge, lists concatenate) and ``Overwrite``
(false keeps a live value). ``Namespace`` (text with ``{{$.path}}``
placeholders, or ``Namespace.$``) isolates keys; it defaults to the workflow's
``Memory.Namespace``, else ``default``. Memory lives in the engine's store, so
what one execution writes the next one reads, in any process sharing it.
"""

from __future__ import annotations

import os
import re
from typing import Any

from asl.language.errors import ASLError
from asl.language.paths import NoResults, compile_path, compile_reference_path
from asl.runtime.pause import parse_duration
from asl.store import Store

INVALID_TTL = "States.InvalidTTL"
NOT_CONFIGURED = "States.MemoryNotConfigured"
_PLACEHOLDER = re.compile(r"\{\{\s*(\$[^}]*?)\s*\}\}")


def parse_ttl(text: Any) -> float | None:
    """Seconds to keep a value; None for ``never``. Raises States.InvalidTTL."""
    if text is None or text == "never":
        return None
    if isinstance(text, str) and text.isdigit():
        return float(text)
    seconds = parse_duration(text)
    if seconds is None:
        raise ASLError(
            INVALID_TTL,
            f'\'{text}\' is not a TTL: use seconds ("300") or 30m, 24h, 7d, 2w, or "never"',
        )
    return seconds


class _Text:
    """A string that may hold ``{{$.path}}`` placeholders, or a ``….$`` path."""

    def __init__(self, raw: dict[str, Any], field: str, default: str | None) -> None:
        self.path = (
            compile_path(raw[field + ".$"]) if isinstance(raw.get(field + ".$"), str) else None
        )
        self.text = str(raw.get(field, default)) if raw.get(field, default) is not None else None
        self.parts = [
            (found.group(0), compile_path(found.group(1)))
            for found in _PLACEHOLDER.finditer(self.text or "")
        ]

    def render(self, data: Any, context: Any) -> Any:
        try:
            if self.path is not None:
                return self.path.evaluate(data, context)
            text = self.text
            for placeholder, path in self.parts:
                value = path.evaluate(data, context)
                text = (text or "").replace(placeholder, str(value), 1)
            return text
        except NoResults:
            raise ASLError(
                "States.Runtime", "A Memory field's path selects nothing in the state's data"
            ) from None


class _Write:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.key = _Text(raw, "Key", None)
        self.value_path = (
            compile_path(raw["Value.$"]) if isinstance(raw.get("Value.$"), str) else None
        )
        self.value = raw.get("Value")
        self.ttl = parse_ttl(raw.get("TTL")) if "TTL" in raw else None
        self.has_ttl = "TTL" in raw
        self.merge = bool(raw.get("Merge", False))
        self.overwrite = bool(raw.get("Overwrite", True))


class MemoryBlock:
    """A state's ``Memory``, compiled once."""

    def __init__(self, raw: dict[str, Any]) -> None:
        kind = raw.get("Type", "key_value")
        if kind != "key_value":
            raise ASLError(
                NOT_CONFIGURED,
                f"Memory Type '{kind}' is not available; use key_value, semantic or episodic",
            )
        read = raw.get("Read")
        self.keys: list[str] = []
        self.inject_at = compile_reference_path("$.memory").assign
        self.default: Any = None
        self.has_default = False
        if isinstance(read, list):
            self.keys = [str(key) for key in read]
        elif isinstance(read, dict):
            self.keys = [str(key) for key in read.get("Keys", [])]
            self.inject_at = compile_reference_path(read.get("InjectAt", "$.memory")).assign
            self.has_default = "Default" in read
            self.default = read.get("Default")
        writes = raw.get("Write") or []
        self.writes = [_Write(w) for w in (writes if isinstance(writes, list) else [writes])]
        self.namespace = _Text(raw, "Namespace", None)

    def _namespace(self, data: Any, context: Any, workflow: dict[str, Any]) -> str:
        if self.namespace.path is None and self.namespace.text is None:
            return str(workflow.get("Namespace") or "default")
        return str(self.namespace.render(data, context))

    async def read(self, data: Any, context: Any, store: Store, workflow: dict[str, Any]) -> Any:
        if not self.keys:
            return data
        namespace = self._namespace(data, context, workflow)
        found: dict[str, Any] = {}
        for key in self.keys:
            entry = await store.get_memory(namespace, key)
            if entry is not None:
                found[key] = entry.value
        if not found and self.has_default:
            return self.inject_at(data, self.default)
        return self.inject_at(data, found)

    async def write(
        self, output: Any, context: Any, store: Store, workflow: dict[str, Any]
    ) -> None:
        namespace = self._namespace(output, context, workflow)
        default_ttl = parse_ttl(workflow["DefaultTTL"]) if "DefaultTTL" in workflow else None
        for write in self.writes:
            key = str(write.key.render(output, context))
            value = write.value
            if write.value_path is not None:
                try:
                    value = write.value_path.evaluate(output, context)
                except NoResults:
                    raise ASLError(
                        "States.Runtime",
                        f"The Memory Write of '{key}': Value.$ '{write.value_path.text}' "
                        "selects nothing in the state's output",
                    ) from None
            ttl = write.ttl if write.has_ttl else default_ttl
            if write.merge:
                value = await _merged(store, namespace, key, value)
            await store.set_memory(
                namespace, key, value, ttl_seconds=ttl, overwrite=write.overwrite
            )


async def _merged(store: Store, namespace: str, key: str, value: Any) -> Any:
    """Merge: objects merge (later wins), lists concatenate, anything else replaces."""
    entry = await store.get_memory(namespace, key)
    if entry is None:
        return value
    if isinstance(entry.value, dict) and isinstance(value, dict):
        return {**entry.value, **value}
    if isinstance(entry.value, list) and isinstance(value, list):
        return [*entry.value, *value]
    return value


def memory_store_url(workflow: dict[str, Any]) -> str | None:
    """The store a workflow's ``Memory {Backend, Connection}`` names; None: the engine's."""
    backend = workflow.get("Backend")
    connection = workflow.get("Connection")
    if isinstance(connection, str) and connection.startswith("env."):
        name = connection[4:]
        connection = os.environ.get(name)
        if connection is None:
            raise ASLError(
                NOT_CONFIGURED,
                f"Memory.Connection names the environment variable {name}, which is not set",
            )
    if backend in (None, "memory") and connection is None:
        return "memory://" if backend == "memory" else None
    if backend == "file":
        return f"sqlite:///{connection or 'asl-memory.db'}"
    if backend in (None, "redis", "sqlite") and isinstance(connection, str):
        return connection
    raise ASLError(
        NOT_CONFIGURED,
        f"Memory.Backend '{backend}' is not available here: use memory, file (SQLite) or redis "
        "with a Connection URL",
    )
