"""Semantic and episodic Memory (ASL spec/4, ``Memory.Type``): collections of entries.

A *collection* is a named list of entries in a Memory namespace. ``Write``
(``{Collection, Value | Value.$, Text.$, TTL}``, one object or a list) adds an
entry after the state, from the state's output; ``Read`` injects entries into
the state's input before it runs, at ``InjectAt`` (default ``$.memory``):

* ``semantic``: ``{Query | Query.$, Collection, TopK, MinScore}``: the entries
  whose embedding is closest to the query text, as ``{"value", "score"}``
  (cosine similarity, highest first; equal scores oldest first), at most
  ``TopK`` (default 5), none scoring below ``MinScore`` (default: no floor).
  What is embedded is ``Text.$`` of the Write, else the value itself.
* ``episodic``: ``{Collection, Filter, Limit, Order}``: the entries whose value
  has every ``Filter`` field equal to the given value (``field.$``: a path on
  the state's input), newest first (``Order: "desc"``, the default) or oldest
  first (``"asc"``), at most ``Limit`` (default 10), as ``{"value", "time"}``.

A collection is one object in the store's memory (key ``semantic/NAME`` or
``episodic/NAME``), each entry under an id that sorts by time; an entry is
added with the store's atomic merge, so concurrent writers lose nothing, on
the in-process, SQLite and Redis stores alike. A Write's TTL applies to the
whole collection and is renewed by each write. Every read loads the whole
collection: meant for collections of up to some thousands of entries.
"""

from __future__ import annotations

import itertools
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from asl.embeddings import as_text, cosine, default_embedder
from asl.language.errors import ASLError
from asl.language.paths import NoResults, compile_path, compile_reference_path
from asl.runtime.memory import MemoryBlock, _Text, parse_ttl
from asl.store import Store

KINDS = ("semantic", "episodic")
ORDERS = ("desc", "asc")
DEFAULT_TOP_K = 5
DEFAULT_LIMIT = 10
_sequence = itertools.count()


def memory_block(raw: dict[str, Any]) -> MemoryBlock | CollectionMemory:
    """The compiled Memory block for its ``Type`` (key_value when absent)."""
    if raw.get("Type") in KINDS:
        return CollectionMemory(raw)
    return MemoryBlock(raw)


def _path(raw: dict[str, Any], field: str) -> Any:
    text = raw.get(field + ".$")
    return compile_path(text) if isinstance(text, str) else None


def _evaluate(path: Any, data: Any, context: Any, what: str) -> Any:
    try:
        return path.evaluate(data, context)
    except NoResults:
        raise ASLError(
            "States.Runtime", f"Memory {what} '{path.text}' selects nothing in the state's data"
        ) from None


class _Write:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.collection = str(raw["Collection"])
        self.value_path = _path(raw, "Value")
        self.value = raw.get("Value")
        self.text_path = _path(raw, "Text")
        self.has_ttl = "TTL" in raw
        self.ttl = parse_ttl(raw.get("TTL")) if self.has_ttl else None


class CollectionMemory:
    """A state's ``Memory`` of Type semantic or episodic, compiled once."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.kind = str(raw["Type"])
        read: dict[str, Any] | None = raw["Read"] if isinstance(raw.get("Read"), dict) else None
        self.read_block = read
        if read is not None:
            self.inject_at = compile_reference_path(read.get("InjectAt", "$.memory")).assign
            self.query_path = _path(read, "Query")
            self.filter = {
                name.removesuffix(".$"): compile_path(value) if name.endswith(".$") else value
                for name, value in (read.get("Filter") or {}).items()
            }
            self.dynamic = {
                n.removesuffix(".$") for n in read.get("Filter") or {} if n.endswith(".$")
            }
        writes = raw.get("Write") or []
        self.writes = [_Write(w) for w in (writes if isinstance(writes, list) else [writes])]
        self.namespace = _Text(raw, "Namespace", None)

    def _namespace(self, data: Any, context: Any, workflow: dict[str, Any]) -> str:
        if self.namespace.path is None and self.namespace.text is None:
            return str(workflow.get("Namespace") or "default")
        return str(self.namespace.render(data, context))

    async def read(self, data: Any, context: Any, store: Store, workflow: dict[str, Any]) -> Any:
        read = self.read_block
        if read is None:
            return data
        namespace = self._namespace(data, context, workflow)
        entry = await store.get_memory(namespace, f"{self.kind}/{read['Collection']}")
        stored = entry.value if entry is not None else None
        entries = sorted(stored.items()) if isinstance(stored, dict) else []
        if self.kind == "semantic":
            found = self._closest(entries, data, context)
        else:
            found = self._episodes(entries, data, context)
        return self.inject_at(data, found)

    def _closest(self, entries: list[tuple[str, Any]], data: Any, context: Any) -> list[Any]:
        assert self.read_block is not None
        query = self.read_block.get("Query")
        if self.query_path is not None:
            query = _evaluate(self.query_path, data, context, "Read Query.$")
        if not entries:
            return []
        (vector,) = default_embedder().embed([as_text(query)])
        scored = [
            (round(cosine(vector, item["vector"]), 6), index, item["value"])
            for index, (_, item) in enumerate(entries)
        ]
        floor = self.read_block.get("MinScore")
        if floor is not None:
            scored = [hit for hit in scored if hit[0] >= floor]
        scored.sort(key=lambda hit: (-hit[0], hit[1]))
        top_k = int(self.read_block.get("TopK", DEFAULT_TOP_K))
        return [{"value": value, "score": score} for score, _, value in scored[:top_k]]

    def _episodes(self, entries: list[tuple[str, Any]], data: Any, context: Any) -> list[Any]:
        assert self.read_block is not None
        wanted = {
            name: _evaluate(value, data, context, f"Read Filter '{name}.$'")
            if name in self.dynamic
            else value
            for name, value in self.filter.items()
        }
        matching = [item for _, item in entries if _matches(item["value"], wanted)]
        if self.read_block.get("Order", "desc") == "desc":
            matching.reverse()
        limit = int(self.read_block.get("Limit", DEFAULT_LIMIT))
        return [{"value": item["value"], "time": item["time"]} for item in matching[:limit]]

    async def write(
        self, output: Any, context: Any, store: Store, workflow: dict[str, Any]
    ) -> None:
        namespace = self._namespace(output, context, workflow)
        default_ttl = parse_ttl(workflow["DefaultTTL"]) if "DefaultTTL" in workflow else None
        for write in self.writes:
            value = write.value
            if write.value_path is not None:
                value = _evaluate(write.value_path, output, context, "Write Value.$")
            now = time.time()
            item: dict[str, Any] = {
                "value": value,
                "time": datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds"),
            }
            if self.kind == "semantic":
                text = value
                if write.text_path is not None:
                    text = _evaluate(write.text_path, output, context, "Write Text.$")
                (item["vector"],) = default_embedder().embed([as_text(text)])
            ident = f"{time.time_ns():020d}-{next(_sequence):06d}-{uuid.uuid4().hex[:8]}"
            await store.merge_memory(
                namespace,
                f"{self.kind}/{write.collection}",
                {ident: item},
                ttl_seconds=write.ttl if write.has_ttl else default_ttl,
            )


def _matches(value: Any, wanted: dict[str, Any]) -> bool:
    """Every Filter field is in the entry's value (an object) with an equal value."""
    if not wanted:
        return True
    return isinstance(value, dict) and all(
        name in value and _same(value[name], expected) for name, expected in wanted.items()
    )


def _same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)
